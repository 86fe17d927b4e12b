import { CONNECTION, EXAMPLE_CONNECTION, exampleTunnel, GATEWAY, ipsecTunnels, SEED, Tunnel, VWAN_CONNECTION } from "./common";
import { blocksOf } from "./policies";
import { unreadableBlock } from "../../engine/access/fields";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * Why a connection negotiating IKEv2 by its connection_protocol may still use IKEv1: its gateway.
 * "Policy-based gateway, Basic: IKEv1" is the only IKE version of a PolicyBased gateway
 * (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings, "VPN types"), and
 * azurerm's vpn_type defaults to RouteBased (4.55 docs of azurerm_virtual_network_gateway).
 * Undefined when the gateway is RouteBased or cannot be PolicyBased; otherwise a finding.
 */
function gatewayIke(ctx: RuleContext, t: Tunnel): { ikev1?: string; unknown?: string } {
  const c = t.resource;
  const g = ctx.model.referencedResource(c.config.virtual_network_gateway_id);
  const vpnType = g && g.type === GATEWAY ? ctx.model.resolveString(g.config.vpn_type ?? "RouteBased") : undefined;
  if (g && vpnType?.known) {
    return vpnType.value.toLowerCase() === "policybased" ? { ikev1: `connection ${c.address} is on PolicyBased gateway ${g.address}, which negotiates IKEv1 only, whatever connection_protocol says` } : {};
  }
  // The gateway's vpn_type is not known: it is outside this configuration (an ID, a variable, a
  // data source) or written from a variable. A custom ipsec_policy settles it: Azure accepts one
  // only on VpnGw1-5/VpnGw1AZ-5AZ (and legacy Standard/HighPerformance) gateways
  // (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto), and every PolicyBased gateway
  // is Basic (azurerm docs of `sku`). Without one, the gateway could be PolicyBased; such a
  // connection already fails SDZ-VPN-001, whose fix (a policy) settles this too.
  if (unreadableBlock(c.config, "ipsec_policy") === undefined && blocksOf(c.config, "ipsec_policy").length > 0) return {};
  const why = g && vpnType && !vpnType.known
    ? `vpn_type of ${g.address}: ${vpnType.reason}`
    : "virtual_network_gateway_id: the gateway is not in this configuration";
  return { unknown: `${why}, and the connection sets no readable ipsec_policy (which only route-based gateways take), so it could be on a PolicyBased (Basic) gateway, which negotiates IKEv1 whatever connection_protocol says` };
}

export const ikev1Connection = defineRule({
  id: "SDZ-VPN-006",
  level: RuleLevel.WARNING,
  title: "IPsec connection using IKEv1",
  rationale:
    `${SEED}: gateway-to-gateway tunnels should negotiate with strong, current methods. IKEv1 (main/aggressive mode) is legacy: aggressive mode with preshared keys exposes a crackable hash, and Azure offers custom policies and the newest algorithms with IKEv2. `
    + "A connection on a PolicyBased gateway negotiates IKEv1 whatever its connection_protocol says (Azure's PolicyBased gateways, always Basic SKU, support IKEv1 only). "
    + "When the gateway's vpn_type is not known (the gateway is not in the configuration, or vpn_type comes from a variable), a connection with a custom ipsec_policy is on a route-based gateway (Basic gateways take no custom policy) and is judged by connection_protocol; one without a policy could be on a PolicyBased gateway and is could-not-verify (it also fails SDZ-VPN-001, whose fix settles both). "
    + "Virtual WAN links are read by their protocol (default IKEv2), each link on its own. "
    + "A connection type not known before apply, or a vpn_link list written as an expression or a dynamic block, is SDZ-VPN-001's could-not-verify (one finding, naming this rule); this rule leaves such a connection out.",
  fix: "Set connection_protocol (protocol on a Virtual WAN vpn_link) to IKEv2 (the default) and configure the on-premises device for IKEv2; replace a PolicyBased gateway with a RouteBased VpnGw1 or larger one (use_policy_based_traffic_selectors serves policy-based on-premises devices).",
  requirements: ["R-SEC-6", "R-SEC-2"],
  resourceTypes: [CONNECTION, VWAN_CONNECTION],
  reads: [
    "type and connection_protocol of azurerm_virtual_network_gateway_connection (unset is IKEv2, the provider's default), and vpn_type of its gateway (unset is RouteBased); when that is not known (a gateway outside the configuration, a vpn_type from a variable), whether the connection sets an ipsec_policy",
    "vpn_link[].protocol of azurerm_vpn_gateway_connection (unset is IKEv2, the provider's default)",
  ],
  check(ctx) {
    for (const t of ipsecTunnels(ctx, "SDZ-VPN-006")) {
      const proto = ctx.model.resolveString(t.body[t.protocolField] ?? "IKEv2");
      if (!proto.known) {
        ctx.unverified(t.resource, `${t.vwan ? `${t.label}: ` : ""}${t.protocolField}: ${proto.reason}`);
        continue;
      }
      if (proto.value.toLowerCase() === "ikev1") {
        ctx.report(t.resource, `${t.label} uses IKEv1`);
        continue;
      }
      if (t.vwan) continue;
      const gw = gatewayIke(ctx, t);
      if (gw.ikev1) ctx.report(t.resource, gw.ikev1);
      else if (gw.unknown) ctx.unverified(t.resource, gw.unknown);
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "An IKEv1 connection", terraform: exampleTunnel({ connection_protocol: "IKEv1" }), flagged: [EXAMPLE_CONNECTION] },
      { description: "A connection on a PolicyBased gateway negotiates IKEv1 whatever connection_protocol says", terraform: exampleTunnel({ ipsec_policy: undefined }, { vpn_type: "PolicyBased", sku: "Basic" }), flagged: [EXAMPLE_CONNECTION] },
    ],
    good: [{ description: "An IKEv2 connection on a route-based gateway", terraform: exampleTunnel() }],
  })),
});
