/**
 * The IPsec/IKE policies of a configuration, read once.
 *
 * Attribute names: the azurerm 5.0 upgrade guide (hashicorp/terraform-provider-azurerm,
 * website/docs/guides/5.0-upgrade-guide.html.markdown, "Breaking Changes in Resources") renames only
 * `enable_bgp` to `bgp_enabled` on `azurerm_virtual_network_gateway` and
 * `azurerm_virtual_network_gateway_connection`; a diff of both schemas between v4.55.0 and 5.x adds
 * only `minimum_scale_unit`/`maximum_scale_unit` on the gateway. Every attribute these rules read
 * (`type`, `connection_protocol`, `shared_key`, `ipsec_policy.*`, `vpn_client_configuration.*`) has
 * the same name in 4.x and 5.x, so configurations and plans from either version read alike. The
 * Virtual WAN resources (`azurerm_vpn_gateway_connection`, `azurerm_vpn_server_configuration`) keep
 * their field names too (schemas of v4.55.0 and 5.2.0 compared); their names differ from the
 * connection's and are mapped per resource type below.
 */
import { TerraformModel, TfResource } from "../../engine/model";

/** The rules that read each policy field, first the one that reports the field when its value is unknown. */
export const FIELD_READERS = {
  dhGroup: ["SDZ-VPN-002"],
  pfsGroup: ["SDZ-VPN-002"],
  ikeEncryption: ["SDZ-VPN-003"],
  ikeIntegrity: ["SDZ-VPN-003", "SDZ-VPN-005"],
  ipsecEncryption: ["SDZ-VPN-003", "SDZ-VPN-004"],
  ipsecIntegrity: ["SDZ-VPN-003", "SDZ-VPN-005"],
  saLifetime: ["SDZ-VPN-009"],
  saDatasize: ["SDZ-VPN-011"],
} as const;

/** One field of an IPsec policy block, by its role (names differ per resource type). */
export type PolicyRole = keyof typeof FIELD_READERS;

/** A resolved field of an IPsec policy block. */
export interface PolicyField {
  /** Field name as written in the Terraform block. */
  readonly field: string;
  /** Value, when known. */
  readonly value?: string;
  /** Why the value is unknown. */
  readonly unknownReason?: string;
  /**
   * The rules that read it; an unknown value is reported once, by the first (one finding per
   * problem), and the others name it only beside findings of their own.
   */
  readonly readers: readonly string[];
}

/** One IPsec/IKE policy found in the configuration (site-to-site connection or point-to-site client config). */
export interface IpsecPolicyView {
  readonly resource: TfResource;
  /** Where the block is, for messages (`ipsec_policy`, `vpn_client_configuration.ipsec_policy`, `vpn_link[0] (l1).ipsec_policy`). */
  readonly where: string;
  readonly dhGroup: PolicyField;
  readonly pfsGroup: PolicyField;
  readonly ikeEncryption: PolicyField;
  readonly ikeIntegrity: PolicyField;
  readonly ipsecEncryption: PolicyField;
  readonly ipsecIntegrity: PolicyField;
  readonly saLifetime: PolicyField;
  /** SA data lifetime in KB (`sa_datasize`, `sa_data_size_in_kilobytes`, `sa_data_size_kb`, `sa_data_size_kilobytes`). */
  readonly saDatasize: PolicyField;
}

/** Connection types that carry IKE/IPsec (ExpressRoute does not). */
export const IPSEC_CONNECTION_TYPES = ["ipsec", "vnet2vnet"];

export const CONNECTION = "azurerm_virtual_network_gateway_connection";
export const GATEWAY = "azurerm_virtual_network_gateway";
/** Virtual WAN site-to-site connections: one IPsec tunnel per `vpn_link`. */
export const VWAN_CONNECTION = "azurerm_vpn_gateway_connection";
/** Virtual WAN point-to-site (user VPN) configurations. */
export const SERVER_CONFIGURATION = "azurerm_vpn_server_configuration";

/** Field names of one kind of policy block, per role (azurerm 4.55 docs of each resource). */
type FieldNames = Readonly<Record<PolicyRole, string>>;
const COMMON = { dhGroup: "dh_group", pfsGroup: "pfs_group" };
/** `ipsec_policy` of azurerm_virtual_network_gateway_connection. */
const CONNECTION_FIELDS: FieldNames = {
  ...COMMON, ikeEncryption: "ike_encryption", ikeIntegrity: "ike_integrity", ipsecEncryption: "ipsec_encryption", ipsecIntegrity: "ipsec_integrity",
  saLifetime: "sa_lifetime", saDatasize: "sa_datasize",
};
/** `vpn_client_configuration.ipsec_policy` of azurerm_virtual_network_gateway. */
const GATEWAY_P2S_FIELDS: FieldNames = { ...CONNECTION_FIELDS, saLifetime: "sa_lifetime_in_seconds", saDatasize: "sa_data_size_in_kilobytes" };
/** `vpn_link.ipsec_policy` of azurerm_vpn_gateway_connection (website/docs/r/vpn_gateway_connection.html.markdown). */
const VWAN_LINK_FIELDS: FieldNames = {
  ...COMMON, ikeEncryption: "ike_encryption_algorithm", ikeIntegrity: "ike_integrity_algorithm", ipsecEncryption: "encryption_algorithm",
  ipsecIntegrity: "integrity_algorithm", saLifetime: "sa_lifetime_sec", saDatasize: "sa_data_size_kb",
};
/** `ipsec_policy` of azurerm_vpn_server_configuration (website/docs/r/vpn_server_configuration.html.markdown). */
const SERVER_FIELDS: FieldNames = { ...CONNECTION_FIELDS, saLifetime: "sa_lifetime_seconds", saDatasize: "sa_data_size_kilobytes" };

function field(model: TerraformModel, block: Record<string, any>, name: string, readers: readonly string[]): PolicyField {
  // Plan JSON writes "" for fields the configuration leaves unset.
  if (block[name] === undefined || block[name] === null || block[name] === "") return { field: name, readers };
  const r = model.resolveString(block[name]);
  return r.known ? { field: name, value: r.value, readers } : { field: name, unknownReason: r.reason, readers };
}

function view(model: TerraformModel, resource: TfResource, where: string, block: Record<string, any>, names: FieldNames): IpsecPolicyView {
  const f = (role: PolicyRole) => field(model, block, names[role], FIELD_READERS[role]);
  return {
    resource,
    where,
    dhGroup: f("dhGroup"),
    pfsGroup: f("pfsGroup"),
    ikeEncryption: f("ikeEncryption"),
    ikeIntegrity: f("ikeIntegrity"),
    ipsecEncryption: f("ipsecEncryption"),
    ipsecIntegrity: f("ipsecIntegrity"),
    saLifetime: f("saLifetime"),
    saDatasize: f("saDatasize"),
  };
}

/** The plain-object blocks of an attribute of any object (a resource's config or a nested block), always as a list. */
export function blocksOf(body: Record<string, any>, attribute: string): Record<string, any>[] {
  const v = body[attribute];
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.filter((b): b is Record<string, any> => !!b && typeof b === "object" && !Array.isArray(b));
}

/** One Virtual WAN link of a connection, with its label for messages: `vpn_link[0] (l1)`. */
export interface VwanLink {
  readonly resource: TfResource;
  readonly index: number;
  readonly label: string;
  readonly body: Record<string, any>;
}

/** The readable `vpn_link` blocks of a Virtual WAN connection (an unreadable list is reported by the rules that need it). */
export function vwanLinks(model: TerraformModel, c: TfResource): VwanLink[] {
  return blocksOf(c.config, "vpn_link").map((body, index) => {
    const name = model.resolveString(body.name);
    return { resource: c, index, label: `vpn_link[${index}]${name.known ? ` (${name.value})` : ""}`, body };
  });
}

/**
 * Every custom IPsec policy of the configuration: `ipsec_policy` of IPsec/VNet-to-VNet
 * connections, `vpn_client_configuration.ipsec_policy` of virtual network gateways, each
 * `vpn_link[].ipsec_policy` of Virtual WAN connections, and `ipsec_policy` of VPN server
 * configurations. Memoized.
 */
export function ipsecPolicies(model: TerraformModel): IpsecPolicyView[] {
  return model.memo("ipsec-policies", () => {
    const out: IpsecPolicyView[] = [];
    for (const c of model.ofType(CONNECTION)) {
      for (const b of model.blocks(c, "ipsec_policy")) out.push(view(model, c, "ipsec_policy", b, CONNECTION_FIELDS));
    }
    for (const g of model.ofType(GATEWAY)) {
      for (const vc of model.blocks(g, "vpn_client_configuration")) {
        for (const b of blocksOf(vc, "ipsec_policy")) out.push(view(model, g, "vpn_client_configuration.ipsec_policy", b, GATEWAY_P2S_FIELDS));
      }
    }
    for (const c of model.ofType(VWAN_CONNECTION)) {
      for (const l of vwanLinks(model, c)) {
        // azurerm allows several policies per link ("One or more ipsec_policy blocks"): each is named by its index then.
        const policies = blocksOf(l.body, "ipsec_policy");
        policies.forEach((b, i) => out.push(view(model, c, `${l.label}.ipsec_policy${policies.length > 1 ? `[${i}]` : ""}`, b, VWAN_LINK_FIELDS)));
      }
    }
    for (const s of model.ofType(SERVER_CONFIGURATION)) {
      for (const b of model.blocks(s, "ipsec_policy")) out.push(view(model, s, "ipsec_policy", b, SERVER_FIELDS));
    }
    return out;
  });
}

/** A point-to-site configuration: a gateway's `vpn_client_configuration` or a Virtual WAN VPN server configuration. */
export interface PointToSite {
  readonly resource: TfResource;
  /** The object holding `ipsec_policy` and the protocols. */
  readonly body: Record<string, any>;
  /** Prefix of field paths in messages: `vpn_client_configuration.` or "". */
  readonly prefix: string;
  /** The protocols field: `vpn_client_protocols` (gateway) or `vpn_protocols` (server configuration). */
  readonly protocolsField: string;
}

/** Every readable point-to-site configuration (an unreadable `vpn_client_configuration` is SDZ-VPN-010's to report). */
export function pointToSites(model: TerraformModel): PointToSite[] {
  return model.memo("ipsec-p2s", () => {
    const out: PointToSite[] = [];
    for (const g of model.ofType(GATEWAY)) {
      for (const vc of model.blocks(g, "vpn_client_configuration")) out.push({ resource: g, body: vc, prefix: "vpn_client_configuration.", protocolsField: "vpn_client_protocols" });
    }
    for (const s of model.ofType(SERVER_CONFIGURATION)) out.push({ resource: s, body: s.config, prefix: "", protocolsField: "vpn_protocols" });
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
