import { EXAMPLE_CONNECTION, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, SEED, STRONG_POLICY } from "./common";
import { ipsecPolicies, is } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const ID = "SDZ-VPN-005";

export const sha1Integrity = defineRule({
  id: ID,
  level: RuleLevel.WARNING,
  title: "IPsec policy with SHA1 integrity",
  rationale: `${SEED}: Internet tunnels use strong security methods. SHA1 is deprecated for new designs (chosen-prefix collisions); SHA-256 or better is available on every current device.`,
  fix: "Use SHA256 or SHA384 for ike_integrity, and SHA256 or the matching GCMAES for ipsec_integrity (ike_integrity_algorithm and integrity_algorithm on a Virtual WAN vpn_link).",
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const weak = [p.ikeIntegrity, p.ipsecIntegrity].filter((f) => is(f, "SHA1"));
      judgePolicy(ctx, ID, p, [p.ikeIntegrity, p.ipsecIntegrity], weak.map((f) => `${f.field} is SHA1`));
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "SHA1 for IKE", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, ike_integrity: "SHA1" } }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "SHA-384 for IKE", terraform: exampleTunnel() }],
  })),
});
