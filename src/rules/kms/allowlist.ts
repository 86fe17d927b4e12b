import { kmsExposures } from "./helpers";
import { KmsTags } from "../../contract/kms-tags";
import { isBroadSource, lowestTrust } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";

/** Prefixes shorter than this are not an allowlist. */
const MIN_ALLOWLIST_PREFIX = 8;

export const kmsFromBroadSource = defineRule({
  id: "SDZ-KMS-002",
  level: RuleLevel.ERROR,
  area: "kms",
  title: "KMS (TCP 1688) open to any, the Internet or a broad service tag",
  rationale:
    "Seed 003: 'Firewalls should allow only specific IPs to access the KMS server from the network zones.' KMS speaks MS-RPC, which no firewall can inspect, so the allowlist is the only control; any, Internet, VirtualNetwork (every subnet, peered VNet and VPN range) or another service tag is no allowlist.",
  fix: "Allow TCP 1688 only from an explicit list of client IPs, CIDRs or zones (KmsHost allowedClients), in the NSG and in the hub firewall (an IP group).",
  requirements: ["R-KMS-2", "R-KMS-6"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_ip_group"],
  check(ctx) {
    const { exposures, portsUnknown } = kmsExposures(ctx.model, ctx.network);
    for (const e of exposures) {
      const broad = e.sources.filter((s) => isBroadSource(s) || (s.kind === "cidr" && s.block!.prefixLength < MIN_ALLOWLIST_PREFIX));
      if (broad.length > 0) {
        ctx.report(e.resource, `${e.label} allows KMS (TCP 1688) from ${broad.map((b) => b.text).join(", ")}`);
      } else if (e.sources.some((s) => s.kind === "unknown")) {
        ctx.unverified(e.resource, `${e.label} allows KMS (TCP 1688) from a source not known before apply (${e.sources.filter((s) => s.kind === "unknown").map((s) => s.reason).join("; ")})`);
      }
    }
    for (const e of portsUnknown) {
      if (e.sources.length === 0 || e.sources.some((s) => isBroadSource(s) || s.kind === "unknown")) {
        ctx.unverified(e.resource, `${e.label} may allow KMS (TCP 1688) but its protocol or ports are unknown (${e.unknowns.join("; ")})`);
      }
    }
  },
});

export const kmsFromLowTrustZone = defineRule({
  id: "SDZ-KMS-003",
  level: RuleLevel.ERROR,
  area: "kms",
  title: "KMS (TCP 1688) allowed from a perimeter or untrusted zone",
  rationale:
    "Seed 003: 'Allow KMS to zones that are considered equally secure or more secure than internal networks (e.g. out-of-band management networks). Use proxy MAK activation for less secure/internet facing dmz.' The check uses real CIDR math: any allowlist entry that shares an address with a PERIMETER or UNTRUSTED zone (sdz-trust) is caught, even a /28 inside a DMZ subnet.",
  fix: "Remove the perimeter addresses from the KMS allowlist and activate those servers with MAK (ActivationZone.declareMakActivation records it).",
  requirements: ["R-KMS-3"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_ip_group", "azurerm_local_network_gateway", "azurerm_subnet"],
  check(ctx) {
    const { exposures } = kmsExposures(ctx.model, ctx.network);
    for (const e of exposures) {
      const hits: string[] = [];
      for (const s of e.sources) {
        if (s.kind !== "cidr") continue;
        const zones = ctx.network.zonesOverlapping(s.block!).filter((z) => z.trust !== undefined && !Trust.isAtLeast(z.trust, TrustLevel.INTERNAL));
        if (zones.length === 0) continue;
        const names = zones.map((z) => {
          const mak = z.nsg && ctx.model.tags(z.nsg.resource)[KmsTags.ACTIVATION] === "mak" ? ", declared for MAK activation" : "";
          return `${z.name} (${z.trust}${mak})`;
        });
        hits.push(`${s.text} lies in ${names.join(", ")}; lowest trust ${lowestTrust(zones)}`);
      }
      if (hits.length > 0) {
        ctx.report(e.resource, `${e.label} allows KMS (TCP 1688) from perimeter/untrusted addresses: ${hits.join("; ")}`);
      } else if (e.sources.some((s) => s.kind === "unknown")) {
        ctx.unverified(e.resource, `${e.label} allows KMS (TCP 1688) from a source not known before apply, so its zone cannot be told`);
      }
    }
  },
});
