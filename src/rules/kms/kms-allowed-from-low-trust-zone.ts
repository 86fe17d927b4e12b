import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule, exampleZone } from "./example-sites";
import { kmsExposures, notAnAllowlist, zonesOf, zoneText } from "./kms-reaches";
import { KmsTags } from "../../contract/kms-tags";
import { ZoneTags } from "../../contract/zone-tags";
import { PRIVATE_V4, v4RangeText } from "../../engine/access/addresses";
import { SourceSet } from "../../engine/access/source-set";
import { describeHosts } from "../../engine/exposure";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { Zones } from "../../engine/zones";
import { Trust, TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";

/**
 * `private addresses 172.16.201.0/24 in no zone of this configuration`: the sources' private IPv4
 * ranges outside every zone (subnets, on-premises ranges of local network gateways) and GatewaySubnet,
 * or undefined when there are none.
 */
function strayPrivateSources(model: TerraformModel, sources: SourceSet): string | undefined {
  // Every zone's addresses, united once per configuration (asked per exposure).
  const known = model.memo("kms-003:zone-sources", () => Zones.of(model).sourcesWhere(() => true));
  const stray = sources.v4.intersect(PRIVATE_V4).subtract(known.v4);
  if (stray.isEmpty) return undefined;
  const ranges = stray.ranges();
  return `private addresses ${ranges.slice(0, 3).map(([a, b]) => v4RangeText(a, b)).join(", ")}${ranges.length > 3 ? ", ..." : ""} in no zone of this configuration`;
}

export const kmsAllowedFromLowTrustZone = defineRule({
  id: "SDZ-KMS-003",
  level: RuleLevel.ERROR,
  title: "KMS (TCP 1688) allowed from a perimeter or untrusted zone",
  rationale:
    "Seed 003: 'Allow KMS to zones that are considered equally secure or more secure than internal networks (e.g. out-of-band management networks). Use proxy "
    + "MAK activation for less secure/internet facing dmz.' The rule takes every place TCP 1688 is let in (as SDZ-KMS-002 does: on KMS hosts through any rule, "
    + "elsewhere through rules written for KMS, and Azure Firewall network rules) and asks the zones model which zones its sources touch, with real address "
    + `math (a /28 inside a DMZ subnet counts). A zone's trust is declared (${ZoneTags.TRUST} on its NSG or local network gateway) or inferred: a subnet the Internet `
    + "reaches (NSG allow from the Internet, public IP, load balancer, DNAT) is internet-facing and counts as PERIMETER, whatever its tag says. Zones below "
    + `INTERNAL are errors; a zone that also declares MAK activation (${KmsTags.ACTIVATION}=mak) is named so. Zones whose trust is neither declared nor inferred `
    + "are could-not-verify (the rule cannot tell whether they may activate), and so are private addresses in no zone of the configuration (another network, an "
    + "on-premises range no local network gateway declares); GatewaySubnet is not a client zone (on-premises clients keep their addresses). "
    + "A rule that opens a wide range, not named for KMS, to the broad Internet is left to SDZ-NET-001 (one finding per problem).",
  fix: "Remove the perimeter addresses from the KMS allowlist (NSG and firewall) and activate those servers with MAK (ActivationZone.declareMakActivation "
    + `records it); declare the trust of the other client zones with ${ZoneTags.TRUST}.`,
  requirements: ["R-KMS-3"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_network_rule_collection", "azurerm_ip_group", "azurerm_local_network_gateway", "azurerm_subnet"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network rules (policy rule collection groups and classic collections, IP groups), on the path or not; DNAT rules",
    `zones and their trust: ${ZoneTags.TRUST} (declared), internet-facing subnets (inferred PERIMETER), ${KmsTags.ACTIVATION}=mak`,
  ],
  check(ctx) {
    for (const e of kmsExposures(ctx.model)) {
      // DNAT sources reach the firewall's public address: Internet sources (SDZ-KMS-002's), not zones.
      if (e.dnat) continue;
      // A rule that opens a wide range, not named for KMS, to the broad Internet is SDZ-NET-001's one finding (as for SDZ-KMS-002).
      if (e.outcome === "allow" && notAnAllowlist(ctx.model, e).wideFromInternet) continue;
      const low: string[] = [];
      const undeclared: string[] = [];
      for (const z of zonesOf(ctx.model, e.sources)) {
        const t = ctx.zones.trustOf(z);
        if (t.level === undefined) undeclared.push(zoneText(ctx.model, z));
        else if (!Trust.isAtLeast(t.level, TrustLevel.INTERNAL)) low.push(zoneText(ctx.model, z));
      }
      // Private addresses of no zone here (another network, an undeclared on-premises range): their trust
      // is not known. Only for an allowlist: a wider source is SDZ-KMS-002's (or SDZ-NET-001's) already.
      const wider = notAnAllowlist(ctx.model, e);
      const stray = e.vnetDefault || e.vnetTerm || wider.wideFromInternet || wider.parts.length > 0 ? undefined : strayPrivateSources(ctx.model, e.sources);
      if (stray) undeclared.push(stray);
      const to = describeHosts(e.targets);
      if (low.length > 0) {
        const also = undeclared.length > 0 ? `; also from zones whose trust is not known: ${undeclared.join(", ")}` : "";
        const msg = `${e.label} allows KMS (TCP 1688) from ${low.join(", ")} to ${to}${also}: only zones trusted INTERNAL or more may activate with KMS; the others use MAK`;
        if (e.outcome === "allow") ctx.report(e.resource, msg);
        else ctx.unverified(e.resource, `${msg.replace(" allows ", " may allow ")} (${[...e.doubts].join("; ") || "values not known before apply"})`);
      } else if (undeclared.length > 0) {
        ctx.unverified(e.resource, `${e.label} ${e.outcome === "allow" ? "allows" : "may allow"} KMS (TCP 1688) from ${undeclared.join(", ")} to ${to}, `
          + `whose trust is neither declared (${ZoneTags.TRUST}) nor shown by the configuration: declare it so the check can tell whether the zone may activate with KMS`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "TCP 1688 allowed from the DMZ, a zone the Internet reaches on HTTPS (internet-facing, so PERIMETER)",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", ["10.0.1.0/24", "10.0.50.0/24"], "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [
          exampleZone("dmz", "10.0.50.0/24", [exampleRule("allow-https", 100, "Tcp", "443", "Internet"), EXAMPLE_DENY_ALL]),
          exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" }),
        ],
      }),
      flagged: ["azurerm_network_security_group.kms"],
    }],
    good: [{
      description: "TCP 1688 from the client zone, declared INTERNAL",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" })],
      }),
    }],
  })),
});
