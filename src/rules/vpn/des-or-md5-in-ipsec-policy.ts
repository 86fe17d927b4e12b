import { EXAMPLE_CONNECTION, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, SEED, STRONG_POLICY } from "./common";
import { ipsecPolicies, is } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const ID = "SDZ-VPN-003";

export const desOrMd5 = defineRule({
  id: ID,
  level: RuleLevel.ERROR,
  title: "IPsec policy with DES/3DES encryption or MD5 integrity",
  rationale:
    `${SEED}: tunnels between sites must use strong encryption. The document named 3DES as the strong choice of 2005; today DES is broken, 3DES has 64-bit blocks (Sweet32) and NIST disallowed it for encryption after 2023 (SP 800-131A Rev. 2), and MD5 has practical collisions. `
    + "An integrity or ESP encryption value not known before apply is could-not-verify here, once, naming SDZ-VPN-004 or 005, which read it too and leave it here "
    + "(they say it when this rule does not run). Suppressing this rule's finding about such a value (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides.",
  fix: "Use AES256 or GCMAES256 for ike_encryption and ipsec_encryption (ike_encryption_algorithm and encryption_algorithm on a Virtual WAN vpn_link), and SHA256/SHA384 (or the matching GCMAES) for integrity.",
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const weak = [
        ...[p.ikeEncryption, p.ipsecEncryption].filter((f) => is(f, "DES", "DES3")),
        ...[p.ikeIntegrity, p.ipsecIntegrity].filter((f) => is(f, "MD5")),
      ];
      judgePolicy(ctx, ID, p, [p.ikeEncryption, p.ipsecEncryption, p.ikeIntegrity, p.ipsecIntegrity], weak.map((f) => `${f.field} is ${f.value}`));
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "3DES for IKE", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, ike_encryption: "DES3" } }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "AES-256 for IKE, GCM-AES-256 for ESP", terraform: exampleTunnel() }],
  })),
});
