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
  /** Unknown when the whole block is an unresolved expression. */
  readonly blockUnknownReason?: string;
}

/** Connection types that carry IKE/IPsec (ExpressRoute does not). */
export const IPSEC_CONNECTION_TYPES = ["ipsec", "vnet2vnet"];

function field(model: TerraformModel, block: Record<string, any>, name: string): PolicyField {
  if (block[name] === undefined || block[name] === null) return { field: name };
  const r = model.resolveString(block[name]);
  return r.known ? { field: name, value: r.value } : { field: name, unknownReason: r.reason };
}

function view(model: TerraformModel, resource: TfResource, where: string, block: Record<string, any>, lifetimeField: string): IpsecPolicyView {
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
      for (const b of model.blocks(c, "ipsec_policy")) out.push(view(model, c, "ipsec_policy", b, "sa_lifetime"));
    }
    for (const g of model.ofType("azurerm_virtual_network_gateway")) {
      for (const vc of model.blocks(g, "vpn_client_configuration")) {
        const blocks = Array.isArray(vc.ipsec_policy) ? vc.ipsec_policy : vc.ipsec_policy ? [vc.ipsec_policy] : [];
        for (const b of blocks) {
          if (b && typeof b === "object") out.push(view(model, g, "vpn_client_configuration.ipsec_policy", b, "sa_lifetime_in_seconds"));
        }
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
