import { connectionType, IPSEC_CONNECTION_TYPES, IpsecPolicyView, PolicyField } from "./policies";
import { TfResource } from "../../engine/model";
import { RuleContext } from "../../engine/rule";

/** The document every rule of the pack enforces. */
export const SEED = "Seed 004 (Special IPSec considerations)";
export const CONNECTION = "azurerm_virtual_network_gateway_connection";
export const GATEWAY = "azurerm_virtual_network_gateway";

/** What the policy rules read, for docs/rules.md. */
export const POLICY_READS = [
  "ipsec_policy of IPsec and VNet-to-VNet connections (azurerm_virtual_network_gateway_connection)",
  "vpn_client_configuration.ipsec_policy of virtual network gateways (point-to-site)",
  "attribute names of azurerm 4.x and 5.x (identical for these fields; the 5.0 upgrade guide renames only enable_bgp)",
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
 * fields that could not be read named too), or, when none, "could not verify" for the unknown ones.
 */
export function judgePolicy(ctx: RuleContext, p: IpsecPolicyView, fields: PolicyField[], problems: string[]): void {
  const doubt = fields.filter((f) => f.unknownReason !== undefined).map((f) => `${f.field} (${f.unknownReason})`).join("; ");
  const where = `${p.where} of ${p.resource.address}`;
  if (problems.length > 0) ctx.report(p.resource, `${where}: ${problems.join("; ")}${doubt ? `; also could not verify ${doubt}` : ""}`);
  else if (doubt) ctx.unverified(p.resource, `${where}: ${doubt}`);
}

/** IPsec/VNet-to-VNet connections, with unknown types reported as unverified (ExpressRoute carries no IKE). */
export function ipsecConnections(ctx: RuleContext, ruleWhat: string): TfResource[] {
  const out: TfResource[] = [];
  for (const c of ctx.model.ofType(CONNECTION)) {
    const t = connectionType(ctx.model, c);
    if (t.value === undefined) {
      ctx.unverified(c, `the connection type is not known before apply (${t.reason}), so ${ruleWhat} cannot be checked`);
      continue;
    }
    if (IPSEC_CONNECTION_TYPES.includes(t.value)) out.push(c);
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

/** A point-to-site client configuration with certificates over IKEv2 and OpenVPN. */
export const STRONG_P2S = {
  address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2", "OpenVPN"], vpn_auth_types: ["Certificate"],
  root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }],
};
