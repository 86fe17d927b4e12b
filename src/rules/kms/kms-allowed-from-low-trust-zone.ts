import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule, exampleZone } from "./example-sites";
import { zoneText } from "./kms-reaches";
import { exposedHosts, isError, kms003Clusters, kms003Verdicts } from "./reported-by-kms-003";
import { KmsTags } from "../../contract/kms-tags";
import { ZoneTags } from "../../contract/zone-tags";
import { firewallSubnetText } from "../../engine/access/firewall-subnet";
import { describeHosts } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

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
    + "on-premises range no local network gateway declares); the rules that admit the same such zone to the same host (an NSG rule and an Azure Firewall network rule on its path, two rules of an NSG) are one "
    + "could-not-verify at the first of them (NSG rules before firewall rules), naming each rule: one undeclared zone is one problem with one fix, declaring its trust; GatewaySubnet is not a client zone (on-premises clients keep their addresses), nor are RouteServerSubnet (BGP only) and AzureFirewallManagementSubnet (the firewall's management traffic). "
    + "Nor is AzureFirewallSubnet: the firewall originates no client traffic, and what it sends from its own addresses is the traffic of the clients it "
    + "DNATs (Internet sources, SDZ-KMS-002's and SDZ-KMS-006's) or SNATs (routed clients, judged as themselves); where it may send clients the "
    + "configuration does not show (it SNATs traffic to the host, its rules are not all known, application rules or its DNS proxy reach the port, "
    + "or no firewall of the configuration is in the subnet) the subnet is could-not-verify, naming why. A DNAT rule's sources are Internet "
    + "sources (SDZ-KMS-002's), except where it may listen on the firewall's private address (Private IP DNAT): its private sources are judged as zones. "
    + "A rule that opens a wide range, not named for KMS, to the broad Internet is left to SDZ-NET-001 host by host (one finding per problem; the hosts "
    + "it reaches only from zones stay here), and so is a rule "
    + "not named for KMS whose values are not known before apply (a dynamic security_rule block, ports from a variable) where SDZ-NET-001's could-not-verify "
    + "about it names KMS: the unknown rule is one could-not-verify, whichever zones it may also let in; a rule written for KMS stays this rule's, and where "
    + "NET-001 says nothing about a rule on a host (the NIC's NSG denies the Internet), this rule keeps its could-not-verify, unless the out-of-band "
    + "owner (SDZ-OOB-001 or SDZ-OOB-002) reports that NSG rule on that host from its private sources naming KMS among the services its unknown ports may "
    + "open: that is the one could-not-verify about the unknown field (principle 3), as SDZ-OOB-001's rationale says. Azure's default rule "
    + "AllowVNetInBound is left to SDZ-KMS-002, which always reports it (VirtualNetwork is no allowlist) at least as strongly and names the zones below INTERNAL, or of "
    + "unknown trust, that it lets in: the missing deny-all is one problem, fixed on one rule. So is every rule SDZ-KMS-002 reports (sources that are no "
    + "allowlist: any, the Internet, VirtualNetwork, a service tag, a range wider than a /16), whose finding names these zones too: an error wherever the "
    + "rule allows, and where a value is not known before apply (ports or sources from a variable) the same could-not-verify, said once. This rule keeps "
    + "the allowlists SDZ-KMS-002 accepts. Where the rule (NSG or firewall) lets "
    + "such a zone reach a KMS host or domain controller, this one finding also names that host's exposure to perimeter traffic (R-KMS-7): SDZ-KMS-006 leaves TCP "
    + "1688 through the rule to it, and keeps reporting the host's other ports and paths.",
  fix: "Remove the perimeter addresses from the KMS allowlist (NSG and firewall) and activate those servers with MAK (ActivationZone.declareMakActivation "
    + `records it); declare the trust of the other client zones with ${ZoneTags.TRUST}.`,
  requirements: ["R-KMS-3", "R-KMS-7"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_network_rule_collection", "azurerm_ip_group", "azurerm_local_network_gateway", "azurerm_subnet"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network rules (policy rule collection groups and classic collections, IP groups), on the path or not; DNAT rules",
    `zones and their trust: ${ZoneTags.TRUST} (declared), internet-facing subnets (inferred PERIMETER), ${KmsTags.ACTIVATION}=mak`,
  ],
  check(ctx) {
    const clusters = kms003Clusters(ctx.model).members;
    for (const v of kms003Verdicts(ctx.model)) {
      const { e } = v;
      const low = v.low.map((z) => zoneText(ctx.model, z));
      const undeclared = [...v.undeclared.map((z) => zoneText(ctx.model, z)), ...(v.stray ? [v.stray] : [])];
      // AzureFirewallSubnet where the firewall may forward clients this configuration does not show: unknown clients, not a zone.
      const forwarded = v.forwarded.map((f) => `${firewallSubnetText(f.zone.subnet!)}, whose addresses may carry the traffic of clients this configuration does not show (${f.why})`);
      const to = describeHosts(e.targets);
      // The KMS hosts and domain controllers it lets in: SDZ-KMS-006 leaves TCP 1688 through this rule to this finding (R-KMS-7).
      const hosts = exposedHosts(ctx.model, e.targets).join(", ");
      if (low.length > 0) {
        const unknown = [...undeclared, ...forwarded];
        const also = unknown.length > 0 ? `; also from zones whose trust is not known: ${unknown.join(", ")}` : "";
        const exposes = hosts ? `; it also exposes ${hosts} to perimeter traffic, which a KMS host or domain controller never takes (R-KMS-7)` : "";
        const msg = `${e.label} allows KMS (TCP 1688) from ${low.join(", ")} to ${to}${also}: only zones trusted INTERNAL or more may activate with KMS; the others use MAK (R-KMS-3)${exposes}`;
        if (isError(v)) ctx.report(e.resource, msg);
        else ctx.unverified(e.resource, `${msg.replace(" allows ", " may allow ").replace(" it also exposes ", " it may also expose ")} (${[...e.doubts].join("; ") || "values not known before apply"})`);
      } else {
        // Zones of unknown trust only: the rules that admit the same such zone to the same host are one finding, at the first (kms003Clusters).
        const cluster = clusters.get(v);
        if (!cluster) continue;
        const targets = new Set(cluster.flatMap((c) => [...c.e.targets]));
        const all = exposedHosts(ctx.model, targets).join(", ");
        const exposes = all ? `; if it is below INTERNAL, ${all} is exposed to perimeter traffic (R-KMS-7)` : "";
        const admits = cluster.map((c) => {
          const verb = c.e.outcome === "allow" ? "allows" : "may allow";
          const from = [...c.undeclared.map((z) => zoneText(ctx.model, z)), ...(c.stray ? [c.stray] : []), ...c.forwarded.map((f) => firewallSubnetText(f.zone.subnet!))].join(", ");
          return `${c.e.label} ${verb} KMS (TCP 1688) from ${from} to ${describeHosts(c.e.targets)}`;
        });
        const why: string[] = [];
        if (cluster.some((c) => c.undeclared.length > 0 || c.stray)) {
          why.push(`whose trust is neither declared (${ZoneTags.TRUST}) nor shown by the configuration: declare it so the check can tell whether the zone may activate with KMS`);
        }
        for (const f of cluster.flatMap((c) => c.forwarded)) {
          why.push(`the addresses of ${firewallSubnetText(f.zone.subnet!)} may carry the traffic of clients this configuration does not show (${f.why}): the check cannot tell whether they may activate with KMS`);
        }
        ctx.unverified(e.resource, `${admits.join("; ")}, ${why.join("; ")}${exposes}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "TCP 1688 allowed from the DMZ, a zone the Internet reaches on HTTPS (internet-facing, so PERIMETER): one error on the rule, which also names the "
        + "KMS host's exposure to the perimeter (R-KMS-7; SDZ-KMS-006 leaves TCP 1688 through this rule to it)",
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
