import { CONNECTION, EXAMPLE_CONNECTION, exampleTunnel, ipsecConnections, SEED } from "./common";
import { unreadableBlock } from "../../engine/access/fields";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const noCustomIpsecPolicy = defineRule({
  id: "SDZ-VPN-001",
  level: RuleLevel.WARNING,
  title: "IPsec connection without a custom IPsec/IKE policy",
  rationale:
    `${SEED}: Internet tunnels between gateways should use a list of strong security methods chosen on purpose. Without a custom ipsec_policy, Azure negotiates from its default offers, which include 1024-bit DH group 2 and SHA1, whatever the on-premises device proposes. `
    + "An ipsec_policy written as an expression or a dynamic block is could-not-verify here, once: the algorithm, group and lifetime rules (SDZ-VPN-002 to 005, 009, 011) cannot read it either.",
  fix: "Add an ipsec_policy block (or use SiteToSiteTunnel with an IpsecPolicyPreset such as GCM_AES256_SHA384_ECP384): IKEv2, DHGroup14/24 or ECP256/384, PFS on, AES-256 or GCM-AES, SHA-256 or better.",
  requirements: ["R-SEC-2", "R-SEC-6"],
  resourceTypes: [CONNECTION],
  reads: ["type and ipsec_policy of azurerm_virtual_network_gateway_connection (IPsec and Vnet2Vnet; ExpressRoute carries no IKE)"],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the custom IPsec policy requirement")) {
      const unreadable = unreadableBlock(c.config, "ipsec_policy");
      if (unreadable) ctx.unverified(c, `connection ${c.address}: ${unreadable}, so whether it sets strong algorithms, groups and lifetimes (SDZ-VPN-002 to 005, 009, 011) could not be checked`);
      else if (ctx.model.blocks(c, "ipsec_policy").length === 0) {
        ctx.report(c, `connection ${c.address} has no ipsec_policy: Azure's default proposals include DH group 2 (1024-bit) and SHA1`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "A site-to-site connection that leaves the algorithms to Azure's defaults", terraform: exampleTunnel({ ipsec_policy: undefined }), flagged: [EXAMPLE_CONNECTION] },
      { description: "A policy built at plan time cannot be read", terraform: exampleTunnel({ ipsec_policy: "${var.policy}" }), unverified: [EXAMPLE_CONNECTION] },
    ],
    good: [{ description: "A custom IKEv2 policy: ECP384, AES-256/SHA-384, GCM-AES-256 ESP, PFS ECP384", terraform: exampleTunnel() }],
  })),
});
