import { EXAMPLE_CONNECTION, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, SEED, STRONG_POLICY } from "./common";
import { ipsecPolicies, is } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const ID = "SDZ-VPN-004";

export const nullEspEncryption = defineRule({
  id: ID,
  level: RuleLevel.ERROR,
  title: "IPsec policy without ESP encryption (null ESP)",
  rationale:
    `${SEED}: set ESP confidentiality to None only when a higher-layer protocol encrypts the data. Otherwise the tunnel authenticates packets but sends them in clear text over the Internet.`,
  fix: "Set ipsec_encryption (encryption_algorithm on a Virtual WAN vpn_link) to GCMAES256 or AES256. If every flow through the tunnel is encrypted by an upper layer (e.g. SMB 3 encryption, TLS), suppress this rule on the connection with a reason naming that protocol.",
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const problems = is(p.ipsecEncryption, "None") ? [`${p.ipsecEncryption.field} is None: traffic crosses the tunnel unencrypted unless an upper layer encrypts it (say which in a suppression)`] : [];
      judgePolicy(ctx, ID, p, [p.ipsecEncryption], problems);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "ESP with integrity only", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, ipsec_encryption: "None", ipsec_integrity: "SHA256" } }), flagged: [EXAMPLE_CONNECTION] }],
    good: [{ description: "GCM-AES-256 ESP", terraform: exampleTunnel() }],
  })),
});
