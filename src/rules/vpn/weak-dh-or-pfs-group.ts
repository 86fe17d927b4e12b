import { EXAMPLE_CONNECTION, EXAMPLE_GATEWAY, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, unset, SEED, STRONG_P2S, STRONG_POLICY } from "./common";
import { ipsecPolicies, is } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const ID = "SDZ-VPN-002";

export const weakDhOrPfsGroup = defineRule({
  id: ID,
  level: RuleLevel.ERROR,
  title: "IPsec policy with a weak Diffie-Hellman group or without PFS",
  rationale:
    `${SEED}: Internet tunnels use strong methods, a 2048-bit Diffie-Hellman group (or stronger) and perfect forward secrecy for session keys, which protects against known-key attacks. DHGroup1 (768-bit) and DHGroup2 (1024-bit) are breakable; PFS None re-uses key material across child SAs. `
    + "Read on every policy: connections, each Virtual WAN vpn_link, point-to-site on gateways and Virtual WAN server configurations. A policy block that cannot be read (an expression or a dynamic block) is SDZ-VPN-001's to report, once.",
  fix: "Set dh_group to DHGroup14, DHGroup24, ECP256 or ECP384 and pfs_group to PFS2048/PFS14, PFS24, ECP256 or ECP384.",
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const problems: string[] = [];
      if (unset(p.dhGroup) || is(p.dhGroup, "None", "DHGroup1", "DHGroup2")) problems.push(`${p.dhGroup.field} is ${p.dhGroup.value ?? "not set"} (weaker than 2048 bits)`);
      const mmWeak = is(p.pfsGroup, "PFSMM") && is(p.dhGroup, "None", "DHGroup1", "DHGroup2");
      if (unset(p.pfsGroup) || is(p.pfsGroup, "None", "PFS1", "PFS2") || mmWeak) {
        problems.push(`${p.pfsGroup.field} is ${p.pfsGroup.value ?? "not set"}${mmWeak ? ` (same as main mode ${p.dhGroup.value})` : ""} (perfect forward secrecy off or weaker than 2048 bits)`);
      }
      judgePolicy(ctx, ID, p, [p.dhGroup, p.pfsGroup], problems);
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "DH group 2 and no PFS on a site-to-site connection", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, dh_group: "DHGroup2", pfs_group: "None" } }), flagged: [EXAMPLE_CONNECTION] },
      {
        description: "A point-to-site policy whose DH group comes from a variable",
        terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: { dh_group: "${var.dh}", ike_encryption: "AES256", ike_integrity: "SHA256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256", pfs_group: "PFS24", sa_lifetime_in_seconds: 3600, sa_data_size_in_kilobytes: 102400 } } }),
        unverified: [EXAMPLE_GATEWAY],
      },
    ],
    good: [{ description: "ECP384 for IKE and for PFS", terraform: exampleTunnel() }],
  })),
});
