import { CONNECTION, connectionType, GATEWAY, IPSEC_CONNECTION_TYPES, IpsecPolicyView, PolicyField, SERVER_CONFIGURATION, VWAN_CONNECTION, vwanLinks } from "./policies";
import { unreadableBlock } from "../../engine/access/fields";
import { TfResource } from "../../engine/model";
import { RuleContext, ruleRuns } from "../../engine/rule";

export { CONNECTION, GATEWAY, SERVER_CONFIGURATION, VWAN_CONNECTION };

/** The document every rule of the pack enforces. */
export const SEED = "Seed 004 (Special IPSec considerations)";

/** The resource types the policy rules read. */
export const POLICY_TYPES = [CONNECTION, GATEWAY, VWAN_CONNECTION, SERVER_CONFIGURATION];

/** What the policy rules read, for docs/rules.md. */
export const POLICY_READS = [
  "ipsec_policy of IPsec and VNet-to-VNet connections (azurerm_virtual_network_gateway_connection)",
  "vpn_client_configuration.ipsec_policy of virtual network gateways (point-to-site)",
  "vpn_link[].ipsec_policy of Virtual WAN connections (azurerm_vpn_gateway_connection: ike_encryption_algorithm, ike_integrity_algorithm, encryption_algorithm, integrity_algorithm, sa_lifetime_sec, sa_data_size_kb), each link on its own",
  "ipsec_policy of Virtual WAN point-to-site (azurerm_vpn_server_configuration: sa_lifetime_seconds, sa_data_size_kilobytes)",
  "attribute names of azurerm 4.x and 5.x (identical for these fields; the 5.0 upgrade guide renames only enable_bgp)",
  "a field whose value is unknown is could-not-verify once, from the first rule that reads it (dh_group and pfs_group SDZ-VPN-002; the algorithms SDZ-VPN-003; lifetimes SDZ-VPN-009 and 011; a vpn_link list written as an expression or a dynamic block SDZ-VPN-001); the others name it only beside findings of their own",
];

/** True when the field is written and known (not unset, not unknown). */
export function known(f: PolicyField): f is PolicyField & { value: string } {
  return f.value !== undefined;
}

/** True when the field is not written at all (Azure's default applies). */
export function unset(f: PolicyField): boolean {
  return f.value === undefined && f.unknownReason === undefined;
}

/**
 * One finding per policy block and rule: the problems found among the known fields (with the
 * fields that could not be read named too), or, when none, "could not verify" for the unknown
 * fields this rule is the first reader of, so that one unknown field is one finding, not one per
 * rule that reads it.
 */
export function judgePolicy(ctx: RuleContext, ruleId: string, p: IpsecPolicyView, fields: PolicyField[], problems: string[]): void {
  const unknown = fields.filter((f) => f.unknownReason !== undefined);
  const where = `${p.where} of ${p.resource.address}`;
  if (problems.length > 0) {
    const doubt = unknown.map((f) => `${f.field} (${f.unknownReason})`).join("; ");
    ctx.report(p.resource, `${where}: ${problems.join("; ")}${doubt ? `; also could not verify ${doubt}` : ""}`);
    return;
  }
  const own = unknown.filter((f) => ownerOf(ctx, f.readers) === ruleId);
  if (own.length > 0) {
    ctx.unverified(p.resource, `${where}: ${own.map((f) => `${f.field} (${f.unknownReason})${f.readers.length > 1 ? `, read by ${f.readers.join(" and ")}` : ""}`).join("; ")}`);
  }
}

/**
 * The rule that reports a connection `type` or a Virtual WAN `vpn_link` list it cannot read, for every
 * rule that reads it (one finding per problem, as FIELD_READERS in policies.ts does for policy fields):
 * SDZ-VPN-001, the first of them. The others leave such a connection out.
 */
export const CONNECTION_OWNER = "SDZ-VPN-001";

/**
 * The rule that says, once, that a value several rules read could not be: the first of `readers` that the check runs
 * (an excluded reader owns nothing, so the doubt is never dropped).
 */
export function ownerOf(ctx: RuleContext, readers: readonly string[]): string | undefined {
  return readers.find((id) => ruleRuns(ctx, id));
}

/**
 * The rules that may say a connection's `type`, or a Virtual WAN connection's `vpn_link` list, could not be read: those that
 * ask {@link ipsecConnections} or {@link ipsecTunnels}, {@link CONNECTION_OWNER} first (the policy rules read links through
 * ipsecPolicies, which skips such a list, and are named in the message).
 */
const TYPE_READERS = [CONNECTION_OWNER, "SDZ-VPN-006", "SDZ-VPN-007"];
const LINK_READERS = [CONNECTION_OWNER, "SDZ-VPN-006"];

/**
 * The rules that read a virtual network gateway's `vpn_client_configuration`, the one that says once that it cannot be read
 * first: SDZ-VPN-010 (protocols, authentication), then SDZ-VPN-001 (IKEv2 without a custom policy). The policy rules read its
 * ipsec_policy through ipsecPolicies, which skips such a block (as pointToSites does), and are named in the message.
 */
const CLIENT_CONFIGURATION_READERS = ["SDZ-VPN-010", CONNECTION_OWNER];

/**
 * Whether a gateway's `vpn_client_configuration` cannot be read (an expression, a dynamic block); the owner among
 * {@link CLIENT_CONFIGURATION_READERS} that runs says so, once, naming what every reader could not check.
 */
export function clientConfigurationUnreadable(ctx: RuleContext, g: TfResource, ruleId: string): boolean {
  const unreadable = unreadableBlock(g.config, "vpn_client_configuration");
  if (!unreadable) return false;
  if (ruleId === ownerOf(ctx, CLIENT_CONFIGURATION_READERS)) {
    ctx.unverified(g, `${unreadable}, so its point-to-site protocols and authentication (SDZ-VPN-010), whether IKEv2 clients negotiate from a custom `
      + "IPsec policy (SDZ-VPN-001) and that policy's groups, algorithms and lifetimes (SDZ-VPN-002 to 005, 009, 011) could not be checked");
  }
  return true;
}

/**
 * Resources whose tunnels negotiate IKE: IPsec/VNet-to-VNet connections (ExpressRoute carries no
 * IKE) and every Virtual WAN connection. A connection whose type is not known is left out; for
 * {@link CONNECTION_OWNER} it is could-not-verify, naming every rule that reads the type.
 */
export function ipsecConnections(ctx: RuleContext, ruleId: string): TfResource[] {
  const out: TfResource[] = [];
  for (const c of ctx.model.ofType(CONNECTION)) {
    const t = connectionType(ctx.model, c);
    if (t.value === undefined) {
      if (ruleId === ownerOf(ctx, TYPE_READERS)) {
        ctx.unverified(c, `the connection type is not known before apply (${t.reason}), so whether ${c.address} negotiates IKE (IPsec, Vnet2Vnet) or not (ExpressRoute) could not be checked; read by SDZ-VPN-001, SDZ-VPN-006 and SDZ-VPN-007 (custom IPsec policy, IKE version, preshared key)`);
      }
      continue;
    }
    if (IPSEC_CONNECTION_TYPES.includes(t.value)) out.push(c);
  }
  out.push(...ctx.model.ofType(VWAN_CONNECTION));
  return out;
}

/** One IKE tunnel: a connection, or one `vpn_link` of a Virtual WAN connection. */
export interface Tunnel {
  readonly resource: TfResource;
  /** For messages: `connection <address>` or `vpn_link[0] (l1) of <address>`. */
  readonly label: string;
  /** The object holding `ipsec_policy` and the protocol field. */
  readonly body: Record<string, any>;
  /** `connection_protocol` (connections) or `protocol` (Virtual WAN links); both default to IKEv2. */
  readonly protocolField: string;
  readonly vwan: boolean;
}

/**
 * The IKE tunnels of the configuration, one per IPsec/VNet-to-VNet connection and one per
 * Virtual WAN `vpn_link`. A `vpn_link` list written as an expression or a dynamic block is
 * could-not-verify for {@link CONNECTION_OWNER}, naming every rule that reads the links (the policy
 * rules read them through ipsecPolicies, which skips such a list too).
 */
export function ipsecTunnels(ctx: RuleContext, ruleId: string): Tunnel[] {
  const out: Tunnel[] = [];
  for (const c of ipsecConnections(ctx, ruleId)) {
    if (c.type === CONNECTION) {
      out.push({ resource: c, label: `connection ${c.address}`, body: c.config, protocolField: "connection_protocol", vwan: false });
      continue;
    }
    const unreadable = unreadableBlock(c.config, "vpn_link");
    if (unreadable && ruleId === ownerOf(ctx, LINK_READERS)) {
      ctx.unverified(c, `${c.address}: ${unreadable}, so its links' IPsec policies and IKE versions could not be checked; read by SDZ-VPN-001 to 006, 009 and 011`);
    }
    for (const l of vwanLinks(ctx.model, c)) out.push({ resource: c, label: `${l.label} of ${c.address}`, body: l.body, protocolField: "protocol", vwan: true });
  }
  return out;
}

// ------------------------------------------------------------------------ examples (Terraform JSON)

/** A strong custom policy, as SiteToSiteTunnel writes it. */
export const STRONG_POLICY = {
  dh_group: "ECP384", ike_encryption: "AES256", ike_integrity: "SHA384",
  ipsec_encryption: "GCMAES256", ipsec_integrity: "GCMAES256", pfs_group: "ECP384", sa_lifetime: 3600, sa_datasize: 10240000,
};

/** A route-based VPN gateway, a local network gateway and one site-to-site connection, as a user writes them. */
export function exampleTunnel(connection: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}): { [key: string]: unknown } {
  return {
    variable: { psk: { type: "string", sensitive: true } },
    resource: {
      azurerm_virtual_network_gateway: {
        gw: {
          name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
          ip_configuration: [{ name: "ip", subnet_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/GatewaySubnet", public_ip_address_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/gw" }],
          ...gateway,
        },
      },
      azurerm_local_network_gateway: { hq: { name: "hq", location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: ["192.168.0.0/24"] } },
      azurerm_virtual_network_gateway_connection: {
        hq: {
          name: "hq", location: "westeurope", resource_group_name: "rg", type: "IPsec", connection_protocol: "IKEv2",
          virtual_network_gateway_id: "${azurerm_virtual_network_gateway.gw.id}", local_network_gateway_id: "${azurerm_local_network_gateway.hq.id}",
          shared_key: "${var.psk}", ipsec_policy: STRONG_POLICY,
          ...connection,
        },
      },
    },
  };
}

/** The example tunnel's connection address. */
export const EXAMPLE_CONNECTION = "azurerm_virtual_network_gateway_connection.hq";
/** The example tunnel's gateway address. */
export const EXAMPLE_GATEWAY = "azurerm_virtual_network_gateway.gw";

/** A point-to-site client configuration with certificates over IKEv2 (with a custom policy) and OpenVPN. */
export const STRONG_P2S = {
  address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2", "OpenVPN"], vpn_auth_types: ["Certificate"],
  root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }],
  ipsec_policy: {
    dh_group: "DHGroup24", ike_encryption: "AES256", ike_integrity: "SHA256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256",
    pfs_group: "PFS24", sa_lifetime_in_seconds: 3600, sa_data_size_in_kilobytes: 102400,
  },
};
