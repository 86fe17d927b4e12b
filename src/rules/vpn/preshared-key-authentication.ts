import { CONNECTION, EXAMPLE_CONNECTION, exampleTunnel, ipsecConnections, SEED } from "./common";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const presharedKeyConnection = defineRule({
  id: "SDZ-VPN-007",
  level: RuleLevel.WARNING,
  title: "IPsec connection authenticated with a preshared key",
  rationale:
    `${SEED}: preshared-key authentication is relatively weak; certificates (or Kerberos) are recommended for long-term production use. Azure site-to-site and VNet-to-VNet connections authenticate with a preshared key, and azurerm (4.55 and 5.x alike) offers no certificate authentication for them, so this warning stays until the provider does; it is informational about a platform limit, not a misconfiguration you can fix in code.`,
  fix: "Keep the key out of code (a sensitive variable or Key Vault secret), make it long and random (32+ characters), rotate it, and restrict the on-premises device to this peer. Suppress with a reason once you accept the platform limit.",
  requirements: ["R-SEC-3"],
  resourceTypes: [CONNECTION],
  reads: ["type of azurerm_virtual_network_gateway_connection (IPsec and Vnet2Vnet authenticate with a preshared key)"],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the authentication method")) {
      ctx.report(c, `connection ${c.address} authenticates with a preshared key (azurerm has no certificate authentication for site-to-site connections)`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Every site-to-site connection authenticates with a preshared key", terraform: exampleTunnel(), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "An ExpressRoute connection uses no IKE", terraform: exampleTunnel({ type: "ExpressRoute", shared_key: undefined, ipsec_policy: undefined, local_network_gateway_id: undefined, express_route_circuit_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/expressRouteCircuits/er" }) }],
  })),
});
