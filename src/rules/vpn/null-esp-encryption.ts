import { CONNECTION, EXAMPLE_CONNECTION, exampleTunnel, GATEWAY, POLICY_READS, judgePolicy, SEED, STRONG_POLICY } from "./common";
import { ipsecPolicies, is } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const nullEspEncryption = defineRule({
  id: "SDZ-VPN-004",
  level: RuleLevel.ERROR,
  title: "IPsec policy without ESP encryption (null ESP)",
  rationale:
    `${SEED}: set ESP confidentiality to None only when a higher-layer protocol encrypts the data. Otherwise the tunnel authenticates packets but sends them in clear text over the Internet.`,
  fix: "Set ipsec_encryption to GCMAES256 or AES256. If every flow through the tunnel is encrypted by an upper layer (e.g. SMB 3 encryption, TLS), suppress this rule on the connection with a reason naming that protocol.",
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const problems = is(p.ipsecEncryption, "None") ? ["ipsec_encryption is None: traffic crosses the tunnel unencrypted unless an upper layer encrypts it (say which in a suppression)"] : [];
      judgePolicy(ctx, p, [p.ipsecEncryption], problems);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "ESP with integrity only", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, ipsec_encryption: "None", ipsec_integrity: "SHA256" } }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "GCM-AES-256 ESP", terraform: exampleTunnel() }],
  })),
});
