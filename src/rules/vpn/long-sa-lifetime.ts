import { EXAMPLE_CONNECTION, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, known, SEED, STRONG_POLICY } from "./common";
import { ipsecPolicies } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** Longest SA lifetime considered short (8 hours). */
export const MAX_SA_LIFETIME_SECONDS = 28800;

const ID = "SDZ-VPN-009";

export const longSaLifetime = defineRule({
  id: ID,
  level: RuleLevel.WARNING,
  title: "IPsec SA lifetime longer than 8 hours",
  rationale:
    `${SEED}: Internet tunnels use short key lifetimes, so that one compromised key exposes little traffic. An unset sa_lifetime is Azure's default of 27000 seconds (azurerm docs), which is within the bound. The data-volume lifetime (sa_datasize) is SDZ-VPN-011's.`,
  fix: `Set sa_lifetime (sa_lifetime_in_seconds for point-to-site, sa_lifetime_sec on a Virtual WAN vpn_link, sa_lifetime_seconds on a VPN server configuration) to ${MAX_SA_LIFETIME_SECONDS} seconds or less (the library's presets use 3600).`,
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      if (!known(p.saLifetime)) {
        judgePolicy(ctx, ID, p, [p.saLifetime], []);
        continue;
      }
      const v = Number(p.saLifetime.value);
      if (!Number.isFinite(v) || v > MAX_SA_LIFETIME_SECONDS) {
        judgePolicy(ctx, ID, p, [p.saLifetime], [`${p.saLifetime.field} is ${p.saLifetime.value} seconds (more than ${MAX_SA_LIFETIME_SECONDS})`]);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A day-long SA lifetime", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, sa_lifetime: 86400 } }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "One hour", terraform: exampleTunnel() }],
  })),
});
