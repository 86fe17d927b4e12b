import { EXAMPLE_CONNECTION, EXAMPLE_GATEWAY, exampleTunnel, POLICY_READS, POLICY_TYPES, judgePolicy, known, unset, SEED, STRONG_P2S, STRONG_POLICY } from "./common";
import { ipsecPolicies } from "./policies";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * The largest IPsec SA data lifetime accepted, in KB (about 10 GB): the value the library's presets
 * use. Seed 004's "less than 50 MB" is not enforced; see the rule's rationale for why.
 */
export const MAX_SA_DATASIZE_KB = 10240000;
/** Azure's documented minimum (azurerm docs of `sa_datasize`; the provider validates it for point-to-site). */
export const MIN_SA_DATASIZE_KB = 1024;
/** What Azure applies when `sa_datasize` is not set (azurerm docs). */
export const AZURE_DEFAULT_SA_DATASIZE_KB = 102400000;
/** Seed 004's bound, 50 MB, in KB. */
export const SEED_SA_DATASIZE_KB = 51200;

const ID = "SDZ-VPN-011";

export const longSaDataLifetime = defineRule({
  id: ID,
  level: RuleLevel.WARNING,
  title: "IPsec SA data lifetime above 10 GB (Azure's default is about 100 GB)",
  rationale:
    `${SEED} asks Internet tunnels for "short key lifetimes (less than 50 MB)" next to "3DES only". This rule deliberately accepts up to ${MAX_SA_DATASIZE_KB} KB (about 10 GB) per IPsec SA instead, together with the 8-hour time bound of SDZ-VPN-009 (the library's presets: 1 hour). Why: `
    + "(1) the 50 MB figure protects 64-bit-block ciphers: after about 2^32 blocks of one key, block collisions leak plaintext (Sweet32), and NIST later limited one 3DES key to 2^20 blocks, 8 MiB (SP 800-67 Rev. 2); "
    + "the pack forbids DES and 3DES (SDZ-VPN-003) and Azure's strong choices are AES and AES-GCM with 128-bit blocks, whose collision bound is about 2^64 blocks, so data volume is no longer what wears a key out. "
    + "(2) Rekeying every 50 MB is costly on a busy tunnel: a VpnGw2/VpnGw3 gateway carries 1 to 1.25 Gbit/s, i.e. a new child SA about every 0.4 s per tunnel (about 9,000 per hour), each an IKE exchange with a fresh Diffie-Hellman computation (PFS) and an Internet round trip, for up to 30 tunnels on one gateway; "
    + "at 10 GB the same tunnel rekeys about every 65-85 s. Azure would accept 50 MB (its minimum is 1024 KB). "
    + "What remains of the document's aim, little traffic under one key if that key leaks, is met by the 1-hour time lifetime of quiet tunnels and the 10 GB bound of busy ones, with PFS making each key independent. "
    + `Flagged: sa_datasize unset (Azure applies ${AZURE_DEFAULT_SA_DATASIZE_KB} KB, about 100 GB) or above ${MAX_SA_DATASIZE_KB} KB. A value below Azure's documented minimum of ${MIN_SA_DATASIZE_KB} KB is could-not-verify (what Azure applies is not documented). `
    + "Policies that must follow the document to the letter can set sa_datasize = 51200 or less (IpsecPolicyPreset.custom with saDataSizeKilobytes); this rule accepts it.",
  fix: `Set sa_datasize (sa_data_size_in_kilobytes for point-to-site, sa_data_size_kb on a Virtual WAN vpn_link, sa_data_size_kilobytes on a VPN server configuration) to ${MAX_SA_DATASIZE_KB} KB or less; SiteToSiteTunnel's presets set ${MAX_SA_DATASIZE_KB}. ${SEED_SA_DATASIZE_KB} follows seed 004 literally, at the cost of frequent rekeys on busy tunnels.`,
  requirements: ["R-SEC-2"],
  resourceTypes: POLICY_TYPES,
  reads: POLICY_READS,
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const f = p.saDatasize;
      if (unset(f)) {
        judgePolicy(ctx, ID, p, [f], [`${f.field} is not set: Azure rekeys only every ${AZURE_DEFAULT_SA_DATASIZE_KB} KB (about 100 GB) of traffic`]);
        continue;
      }
      if (!known(f)) {
        judgePolicy(ctx, ID, p, [f], []);
        continue;
      }
      const v = Number(f.value);
      const where = `${p.where} of ${p.resource.address}`;
      if (!Number.isInteger(v)) ctx.unverified(p.resource, `${where}: ${f.field} is ${JSON.stringify(f.value)}, not a number of kilobytes`);
      else if (v < MIN_SA_DATASIZE_KB) ctx.unverified(p.resource, `${where}: ${f.field} is ${v} KB, below Azure's documented minimum of ${MIN_SA_DATASIZE_KB} KB; what Azure applies is not documented`);
      else if (v > MAX_SA_DATASIZE_KB) judgePolicy(ctx, ID, p, [f], [`${f.field} is ${v} KB (about ${Math.round(v / 1024 / 1024)} GB), more than ${MAX_SA_DATASIZE_KB} KB per key`]);
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "No sa_datasize: Azure's default of about 100 GB per key", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, sa_datasize: undefined } }), flagged: [EXAMPLE_CONNECTION] },
      {
        description: "A point-to-site policy at the Azure default",
        terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: { dh_group: "DHGroup24", ike_encryption: "AES256", ike_integrity: "SHA256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256", pfs_group: "PFS24", sa_lifetime_in_seconds: 3600, sa_data_size_in_kilobytes: 102400000 } } }),
        flagged: [EXAMPLE_GATEWAY],
      },
    ],
    good: [
      { description: "The library's preset: 10240000 KB (about 10 GB)", terraform: exampleTunnel() },
      { description: "Seed 004 to the letter: 50 MB", terraform: exampleTunnel({ ipsec_policy: { ...STRONG_POLICY, sa_datasize: 51200 } }) },
    ],
  })),
});
