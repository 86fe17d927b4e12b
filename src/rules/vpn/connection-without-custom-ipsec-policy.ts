import { clientConfigurationUnreadable, CONNECTION, EXAMPLE_CONNECTION, EXAMPLE_GATEWAY, exampleTunnel, GATEWAY, ipsecTunnels, ownerOf, SEED, SERVER_CONFIGURATION, STRONG_P2S, Tunnel, VWAN_CONNECTION } from "./common";
import { blocksOf, pointToSites } from "./policies";
import { isUnset, unreadableBlock } from "../../engine/access/fields";
import { TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * Azure's default offers without a custom policy. VPN Gateway: "the IKEv2 main mode policies for
 * Azure VPN gateways utilize only Diffie-Hellman Group 2 (1024 bits)" (learn.microsoft.com/azure/
 * vpn-gateway/vpn-gateway-about-compliance-crypto). Virtual WAN: every default phase-1 proposal is
 * DH_GROUP_2, with SHA1 among them, and the phase-2 ones include PFS_NONE
 * (learn.microsoft.com/azure/virtual-wan/virtual-wan-ipsec, "Default IPsec policies").
 */
const GATEWAY_DEFAULTS = "Azure's default proposals include DH group 2 (1024-bit) and SHA1";
const VWAN_DEFAULTS = "Virtual WAN's default proposals include DH group 2 (1024-bit), SHA1 and no PFS";

/**
 * Why the connection's gateway takes no custom policy, when it is in the configuration and
 * PolicyBased or Basic: "IPsec/IKE policy only works on" VpnGw1-5, VpnGw1AZ-5AZ, Standard and
 * HighPerformance (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto), and "a PolicyBased
 * gateway only supports the Basic SKU" (azurerm 4.55 docs of azurerm_virtual_network_gateway).
 */
function basicGateway(ctx: RuleContext, c: TfResource): string | undefined {
  const g = ctx.model.referencedResource(c.config.virtual_network_gateway_id);
  if (!g || g.type !== GATEWAY) return undefined;
  const vpnType = ctx.model.resolveString(g.config.vpn_type ?? "RouteBased");
  const sku = ctx.model.resolveString(g.config.sku);
  const policyBased = vpnType.known && vpnType.value.toLowerCase() === "policybased";
  const basic = sku.known && sku.value.toLowerCase() === "basic";
  if (!policyBased && !basic) return undefined;
  return `; gateway ${g.address} is ${policyBased ? "PolicyBased (Basic SKU)" : "Basic SKU"} and takes no custom ipsec_policy: move to a RouteBased VpnGw1 or larger gateway first`;
}

function checkTunnel(ctx: RuleContext, t: Tunnel): void {
  const unreadable = unreadableBlock(t.body, "ipsec_policy");
  if (unreadable) ctx.unverified(t.resource, `${t.label}: ${unreadable}, so whether it sets strong algorithms, groups and lifetimes (SDZ-VPN-002 to 005, 009, 011) could not be checked`);
  else if (blocksOf(t.body, "ipsec_policy").length === 0) {
    ctx.report(t.resource, `${t.label} has no ipsec_policy: ${t.vwan ? VWAN_DEFAULTS : GATEWAY_DEFAULTS}${t.vwan ? "" : basicGateway(ctx, t.resource) ?? ""}`);
  }
}

export const noCustomIpsecPolicy = defineRule({
  id: "SDZ-VPN-001",
  level: RuleLevel.WARNING,
  title: "IPsec connection or IKEv2 point-to-site without a custom IPsec/IKE policy",
  rationale:
    `${SEED}: Internet tunnels between gateways should use a list of strong security methods chosen on purpose. Without a custom ipsec_policy, Azure negotiates from its default offers, which include 1024-bit DH group 2 and SHA1 (Virtual WAN's also no PFS), whatever the on-premises device proposes. `
    + "Read per tunnel: each IPsec/VNet-to-VNet connection and each vpn_link of a Virtual WAN connection. Point-to-site (a gateway's vpn_client_configuration, a Virtual WAN VPN server configuration) is read the same way when it offers IKEv2 (OpenVPN and SSTP are TLS tunnels, which negotiate no IKE); when its protocols are not set, Azure chooses them, so a missing policy there is could-not-verify, once here (SDZ-VPN-010 reports the unset protocols for SSTP); protocols written as an expression are SDZ-VPN-010's could-not-verify, which names this rule when no policy is set; so is a gateway's vpn_client_configuration written as an expression or a dynamic block, which names this rule and the policy rules (this rule's could-not-verify when SDZ-VPN-010 does not run). "
    + "An ipsec_policy written as an expression or a dynamic block is could-not-verify here, once: the algorithm, group and lifetime rules (SDZ-VPN-002 to 005, 009, 011) cannot read it either. "
    + "So are a connection type not known before apply (SDZ-VPN-006 and 007 read it too and leave it here) and a Virtual WAN vpn_link list written as an expression or a dynamic block (SDZ-VPN-002 to 006, 009 and 011 leave it here): one finding each, naming the other rules. "
    + "Suppressing this rule's finding about such a value (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides.",
  fix: "Add an ipsec_policy block (or use SiteToSiteTunnel with an IpsecPolicyPreset such as GCM_AES256_SHA384_ECP384): IKEv2, DHGroup14/24 or ECP256/384, PFS on, AES-256 or GCM-AES, SHA-256 or better; for a Virtual WAN connection, one per vpn_link; for point-to-site, vpn_client_configuration.ipsec_policy (or the server configuration's ipsec_policy). "
    + "A Basic-SKU gateway, which every PolicyBased gateway is, takes no custom policy (Azure accepts one on VpnGw1-5 and VpnGw1AZ-5AZ only): replace it with a RouteBased VpnGw1 or larger gateway, using use_policy_based_traffic_selectors for an on-premises device that is policy-based.",
  requirements: ["R-SEC-2", "R-SEC-6"],
  resourceTypes: [CONNECTION, VWAN_CONNECTION, GATEWAY, SERVER_CONFIGURATION],
  reads: [
    "type and ipsec_policy of azurerm_virtual_network_gateway_connection (IPsec and Vnet2Vnet; ExpressRoute carries no IKE), and vpn_type and sku of its gateway when the gateway is in the configuration (to say a Basic gateway takes no policy)",
    "vpn_link[].ipsec_policy of azurerm_vpn_gateway_connection, each link on its own",
    "vpn_client_configuration.ipsec_policy and vpn_client_protocols of azurerm_virtual_network_gateway; ipsec_policy and vpn_protocols of azurerm_vpn_server_configuration",
  ],
  check(ctx) {
    for (const t of ipsecTunnels(ctx, "SDZ-VPN-001")) checkTunnel(ctx, t);
    // A gateway's vpn_client_configuration that cannot be read is SDZ-VPN-010's could-not-verify; this rule's when that one does not run.
    for (const g of ctx.model.ofType(GATEWAY)) clientConfigurationUnreadable(ctx, g, "SDZ-VPN-001");
    for (const p of pointToSites(ctx.model)) {
      const where = `${p.prefix}ipsec_policy of ${p.resource.address}`;
      const unreadable = unreadableBlock(p.body, "ipsec_policy");
      if (unreadable) {
        ctx.unverified(p.resource, `${p.prefix}${unreadable}, so its groups, algorithms and lifetimes (SDZ-VPN-002 to 005, 009, 011) could not be checked`);
        continue;
      }
      if (blocksOf(p.body, "ipsec_policy").length > 0) continue;
      const raw = p.body[p.protocolsField];
      const field = `${p.prefix}${p.protocolsField}`;
      if (isUnset(raw)) {
        ctx.unverified(p.resource, `${where}: not set, and ${field} is not set either (Azure chooses the protocols), so whether IKEv2 clients negotiate from Azure's default proposals could not be checked`);
        continue;
      }
      const protocols = ctx.model.resolveStringList(raw);
      // Protocols not known before apply are SDZ-VPN-010's could-not-verify, which names this rule; this rule's when that one does not run.
      if (!protocols.known) {
        if (ownerOf(ctx, ["SDZ-VPN-010", "SDZ-VPN-001"]) === "SDZ-VPN-001") {
          ctx.unverified(p.resource, `${where}: not set, and ${field} is not known before apply (${protocols.reason}), so whether IKEv2 clients negotiate from Azure's default proposals could not be checked`);
        }
        continue;
      }
      if (protocols.value.some((x) => x.toLowerCase() === "ikev2")) {
        ctx.report(p.resource, `point-to-site on ${p.resource.address} offers IkeV2 without ${p.prefix}ipsec_policy: clients negotiate from Azure's default proposals, not a list chosen on purpose`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "A site-to-site connection that leaves the algorithms to Azure's defaults", terraform: exampleTunnel({ ipsec_policy: undefined }), flagged: [EXAMPLE_CONNECTION] },
      { description: "A policy built at plan time cannot be read", terraform: exampleTunnel({ ipsec_policy: "${var.policy}" }), unverified: [EXAMPLE_CONNECTION] },
      { description: "Point-to-site over IKEv2 on Azure's default proposals", terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: undefined } }), flagged: [EXAMPLE_GATEWAY] },
    ],
    good: [
      { description: "A custom IKEv2 policy: ECP384, AES-256/SHA-384, GCM-AES-256 ESP, PFS ECP384", terraform: exampleTunnel() },
      { description: "Point-to-site over OpenVPN only (TLS, no IKE)", terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_client_protocols: ["OpenVPN"], ipsec_policy: undefined } }) },
    ],
  })),
});
