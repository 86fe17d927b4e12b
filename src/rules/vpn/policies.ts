/**
 * The IPsec/IKE policies of a configuration, read once.
 *
 * Attribute names: the azurerm 5.0 upgrade guide (hashicorp/terraform-provider-azurerm,
 * website/docs/guides/5.0-upgrade-guide.html.markdown, "Breaking Changes in Resources") renames only
 * `enable_bgp` to `bgp_enabled` on `azurerm_virtual_network_gateway` and
 * `azurerm_virtual_network_gateway_connection`; a diff of both schemas between v4.55.0 and 5.x adds
 * only `minimum_scale_unit`/`maximum_scale_unit` on the gateway. Every attribute these rules read
 * (`type`, `connection_protocol`, `shared_key`, `ipsec_policy.*`, `vpn_client_configuration.*`) has
 * the same name in 4.x and 5.x, so configurations and plans from either version read alike.
 */
import { unreadableBlock } from "../../engine/access/fields";
import { TerraformModel, TfResource } from "../../engine/model";

/** A resolved field of an IPsec policy block. */
export interface PolicyField {
  /** Field name as written in the Terraform block. */
  readonly field: string;
  /** Value, when known. */
  readonly value?: string;
  /** Why the value is unknown. */
  readonly unknownReason?: string;
}

/** One IPsec/IKE policy found in the configuration (site-to-site connection or point-to-site client config). */
export interface IpsecPolicyView {
  readonly resource: TfResource;
  /** Where the block is, for messages (`ipsec_policy` or `vpn_client_configuration.ipsec_policy`). */
  readonly where: string;
  readonly dhGroup: PolicyField;
  readonly pfsGroup: PolicyField;
  readonly ikeEncryption: PolicyField;
  readonly ikeIntegrity: PolicyField;
  readonly ipsecEncryption: PolicyField;
  readonly ipsecIntegrity: PolicyField;
  readonly saLifetime: PolicyField;
  /** SA data lifetime in KB: `sa_datasize` on a connection, `sa_data_size_in_kilobytes` for point-to-site. */
  readonly saDatasize: PolicyField;
  /** Unknown when the whole block is an unresolved expression. */
  readonly blockUnknownReason?: string;
}

/** Connection types that carry IKE/IPsec (ExpressRoute does not). */
export const IPSEC_CONNECTION_TYPES = ["ipsec", "vnet2vnet"];

function field(model: TerraformModel, block: Record<string, any>, name: string): PolicyField {
  // Plan JSON writes "" for fields the configuration leaves unset.
  if (block[name] === undefined || block[name] === null || block[name] === "") return { field: name };
  const r = model.resolveString(block[name]);
  return r.known ? { field: name, value: r.value } : { field: name, unknownReason: r.reason };
}

function view(
  model: TerraformModel, resource: TfResource, where: string, block: Record<string, any>, lifetimeField: string, datasizeField: string,
): IpsecPolicyView {
  return {
    resource,
    where,
    dhGroup: field(model, block, "dh_group"),
    pfsGroup: field(model, block, "pfs_group"),
    ikeEncryption: field(model, block, "ike_encryption"),
    ikeIntegrity: field(model, block, "ike_integrity"),
    ipsecEncryption: field(model, block, "ipsec_encryption"),
    ipsecIntegrity: field(model, block, "ipsec_integrity"),
    saLifetime: field(model, block, lifetimeField),
    saDatasize: field(model, block, datasizeField),
  };
}

/**
 * Every custom IPsec policy of the configuration: `ipsec_policy` of IPsec/VNet-to-VNet
 * connections and `vpn_client_configuration.ipsec_policy` of virtual network gateways. Memoized.
 */
export function ipsecPolicies(model: TerraformModel): IpsecPolicyView[] {
  return model.memo("ipsec-policies", () => {
    const out: IpsecPolicyView[] = [];
    for (const c of model.ofType("azurerm_virtual_network_gateway_connection")) {
      for (const b of model.blocks(c, "ipsec_policy")) out.push(view(model, c, "ipsec_policy", b, "sa_lifetime", "sa_datasize"));
    }
    for (const g of model.ofType("azurerm_virtual_network_gateway")) {
      for (const vc of model.blocks(g, "vpn_client_configuration")) {
        const blocks = Array.isArray(vc.ipsec_policy) ? vc.ipsec_policy : vc.ipsec_policy ? [vc.ipsec_policy] : [];
        for (const b of blocks) {
          if (b && typeof b === "object") out.push(view(model, g, "vpn_client_configuration.ipsec_policy", b, "sa_lifetime_in_seconds", "sa_data_size_in_kilobytes"));
        }
      }
    }
    return out;
  });
}

/** A policy block the checks cannot read: an expression or a `dynamic` block, evaluated at plan time. */
export interface UnreadablePolicy {
  readonly resource: TfResource;
  readonly where: string;
  readonly reason: string;
}


/**
 * Point-to-site IPsec policies the checks cannot read (connections' unreadable `ipsec_policy` is
 * SDZ-VPN-001's to report).
 */
export function unreadablePointToSitePolicies(model: TerraformModel): UnreadablePolicy[] {
  return model.memo("ipsec-unreadable-p2s", () => {
    const out: UnreadablePolicy[] = [];
    for (const g of model.ofType("azurerm_virtual_network_gateway")) {
      for (const vc of model.blocks(g, "vpn_client_configuration")) {
        const why = unreadableBlock(vc, "ipsec_policy");
        if (why) out.push({ resource: g, where: "vpn_client_configuration.ipsec_policy", reason: why });
      }
    }
    return out;
  });
}

/** The connection type, lower-cased; undefined when unknown. */
export function connectionType(model: TerraformModel, connection: TfResource): { value?: string; reason?: string } {
  const t = model.resolveString(connection.config.type);
  return t.known ? { value: t.value.toLowerCase() } : { reason: t.reason };
}

/** Equals, case-insensitively (the provider ignores case on these fields). */
export function is(f: PolicyField, ...values: string[]): boolean {
  return f.value !== undefined && values.some((v) => v.toLowerCase() === f.value!.toLowerCase());
}
