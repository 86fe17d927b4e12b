import { CONNECTION, EXAMPLE_CONNECTION, exampleTunnel, ipsecConnections, SEED } from "./common";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const ikev1Connection = defineRule({
  id: "SDZ-VPN-006",
  level: RuleLevel.WARNING,
  title: "IPsec connection using IKEv1",
  rationale:
    `${SEED}: gateway-to-gateway tunnels should negotiate with strong, current methods. IKEv1 (main/aggressive mode) is legacy: aggressive mode with preshared keys exposes a crackable hash, and Azure offers custom policies and the newest algorithms with IKEv2.`,
  fix: "Set connection_protocol to IKEv2 (the default) and configure the on-premises device for IKEv2.",
  requirements: ["R-SEC-6", "R-SEC-2"],
  resourceTypes: [CONNECTION],
  reads: ["type and connection_protocol of azurerm_virtual_network_gateway_connection (unset is IKEv2, the provider's default)"],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the IKE version")) {
      const proto = ctx.model.resolveString(c.config.connection_protocol ?? "IKEv2");
      if (!proto.known) ctx.unverified(c, `connection_protocol: ${proto.reason}`);
      else if (proto.value.toLowerCase() === "ikev1") ctx.report(c, `connection ${c.address} uses IKEv1`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "An IKEv1 connection", terraform: exampleTunnel({ connection_protocol: "IKEv1" }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "An IKEv2 connection", terraform: exampleTunnel() }],
  })),
});
