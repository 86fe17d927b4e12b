import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule } from "./example-sites";
import { DSC_KMS_HOST, KMS, KmsExposure, zoneText } from "./kms-reaches";
import { kms002Verdicts } from "./reported-by-kms-002";
import { exposedHosts, leftToKms002 } from "./reported-by-kms-003";
import { ZoneTags } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { firewallSubnetText } from "../../engine/access/firewall-subnet";
import { Reachability } from "../../engine/access/reachability";
import { describeHosts, probeOf, serviceDeciderOf } from "../../engine/exposure";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * The hosts (endpoint labels) of an exposure that the Internet reaches on TCP 1688 through its rule today: a DNAT rule's
 * hosts (it publishes them); for an NSG rule, the hosts where a DNAT reach, or a public IP or public load balancer, brings
 * Internet sources that this rule lets in. An Azure Firewall network rule brings the Internet to none: "Inbound Internet
 * connectivity can be enabled by configuring DNAT", and NAT rules are applied before network rules
 * (learn.microsoft.com/azure/firewall/rule-processing), so Internet traffic through the firewall is the DNAT rule's.
 */
function reachedFromInternet(model: TerraformModel, e: KmsExposure): Set<string> {
  if (e.dnat) return new Set(e.targets);
  if (e.via === "firewall") return new Set();
  const reach = Reachability.of(model);
  const byLabel = model.memo("kms-002:endpoints-by-label", () => new Map<string, Endpoint>(reach.access.endpoints.map((ep) => [ep.label, ep])));
  const out = new Set<string>();
  for (const label of e.targets) {
    const ep = byLabel.get(label);
    if (!ep) continue;
    const answer = reach.reach(ep, probeOf(KMS));
    const internet = reach.access.internetSources(ep.subnet?.vnet, ep.subnet);
    const through = answer.reaches.filter((r) => {
      const d = serviceDeciderOf(r, KMS, ep);
      return `${d.resource.address}|${d.label}` === e.deciderKey && !r.sources.intersect(internet).isEmpty;
    });
    if (through.some((r) => r.dnat) || (answer.internetEntries.length > 0 && through.length > 0)) out.add(label);
  }
  return out;
}

export const kmsOpenToBroadSources = defineRule({
  id: "SDZ-KMS-002",
  level: RuleLevel.ERROR,
  title: "KMS (TCP 1688) open to any, the Internet, VirtualNetwork, a service tag or a broad range",
  rationale:
    "Seed 003: 'Firewalls should allow only specific IPs to access the KMS server from the network zones.' KMS speaks MS-RPC, which no firewall can inspect, "
    + "so the allowlist is the only control. The rule asks the access model who reaches TCP 1688: on every KMS host (declared, or inferred from a rule written "
    + `for KMS, a script in an extension or run command that configures it, or ${DSC_KMS_HOST}) through any rule,`
    + " Azure's default AllowVNetInBound included, and anywhere through rules written for KMS "
    + "(the range holding 1688 spans at most 100 ports; 1000-2000 does not name it). It judges the sources that reach: Azure applies the subnet's NSG, "
    + "then the NIC's, and both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works), so a rule from VirtualNetwork "
    + "that another NSG on the path narrows (a NIC NSG that allows TCP 1688 from a /24 only) is judged by the addresses that get through, not as the tag. "
    + "Only an allow of explicit addresses narrows: where some path to the host lets 1688 in through NSGs that all decide by a rule from *, VirtualNetwork "
    + "or values not known before apply, by a default rule, or with no NSG, the tag gets in (a NIC NSG that denies one address and then allows "
    + "VirtualNetwork narrows nothing). "
    + "Sources that are no allowlist: any, VirtualNetwork (every subnet, peered "
    + "VNet and VPN/ExpressRoute range, and the prefixes of user-defined routes), a service tag, a range larger than a /16 (IPv6: a /48), the whole address "
    + "space of a virtual network, or the Internet through a rule written for KMS (a wide rule from the Internet is reported once by SDZ-NET-001, with KMS "
    + "among the services it lists: it is left to that finding host by host, as NET-001 judges each host's sources, so the hosts it reaches from "
    + "less than the broad Internet, or from a zone, stay here). Azure Firewall network rules that allow TCP 1688 (policy rule collection groups and classic collections) are read "
    + "whether or not the firewall is on a path: an allowlist there must be one too. The finding also names the zones below INTERNAL trust (or of unknown "
    + "trust) the rule lets in and the KMS host's exposure to them: SDZ-KMS-003 leaves every rule reported here, Azure's AllowVNetInBound included, to "
    + "this one finding (one finding per exposure), and keeps the allowlists accepted here; where a value is not known before apply it is one "
    + "could-not-verify, this one. Where the sources that are no allowlist are the Internet (any source, or the broad Internet), the finding names the "
    + "KMS hosts and domain controllers the rule opens to it (R-KMS-7): SDZ-KMS-006 leaves TCP 1688 from the Internet through such a rule to this "
    + "finding (one finding per problem: the allowlist is fixed on the rule) and keeps the hosts' other ports and paths. It says the rule exposes a host to "
    + "the Internet only where a public IP, public load balancer or DNAT rule brings the Internet to it; otherwise, as SDZ-NET-001 does, that none "
    + "reaches it today (the allow is still no allowlist). An Azure Firewall network rule brings the Internet to no host: inbound Internet traffic "
    + "crosses the firewall only through DNAT rules (learn.microsoft.com/azure/firewall/rule-processing). SDZ-NET-001 leaves a rule written for KMS to it too, whatever of its values is not known. A rule not written for KMS whose destination ports are not known before apply, from sources that are not the Internet, is left, host by host, to the out-of-band owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) where it names KMS among the services the unknown value may open: one could-not-verify per unknown rule. That finding also says the NSG has no deny-all overriding AllowVNetInBound, so the virtual network reaches the "
    + "host on its other ports too (R-PXE-4: default-deny inbound): SDZ-NET-003 leaves the NSG of a KMS host to this one finding where it reports "
    + "that rule at least as strongly (the fix, a deny-all on the NSG, is one). The same holds for an explicit allow of all traffic from VirtualNetwork "
    + "(or *) that re-creates AllowVNetInBound: this finding says it opens every port (R-PXE-4), and SDZ-NET-003 leaves that rule to it. A host with no NSG at all is SDZ-NET-002's; AzureLoadBalancer is "
    + "Azure's platform. Rule fields not known before apply, and firewall ports that do not parse (\"1688,3389\", \"Any\"), are could-not-verify.",
  fix: "Allow TCP 1688 only from an explicit list of client IPs, CIDRs or zones (KmsHost allowedClients), in the NSG (with a deny-all that overrides "
    + "AllowVNetInBound) and in the hub firewall (an IP group); never from *, Internet, VirtualNetwork or a service tag.",
  requirements: ["R-KMS-2", "R-KMS-6", "R-PXE-4"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_network_rule_collection", "azurerm_firewall_nat_rule_collection", "azurerm_ip_group", "azurerm_windows_virtual_machine"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network rules (policy rule collection groups and classic collections, IP groups), on the path or not",
    "Azure Firewall DNAT rules (policy and classic)",
    `KMS hosts: declared (${ZoneTags.ROLE}) or inferred (roles model)`,
    `for AllowVNetInBound, the zones it lets in and their trust: ${ZoneTags.TRUST} (declared), internet-facing subnets (inferred PERIMETER)`,
  ],
  check(ctx) {
    const left = leftToKms002(ctx.model);
    for (const { e, parts, internet } of kms002Verdicts(ctx.model)) {
      // The zones below INTERNAL trust (or of unknown trust) the rule lets in: SDZ-KMS-003 leaves this rule to this finding.
      const v = left.get(e);
      const low = v ? v.low.map((z) => zoneText(ctx.model, z)) : [];
      const unknown = v ? [...v.undeclared.map((z) => zoneText(ctx.model, z)), ...v.forwarded.map((f) => firewallSubnetText(f.zone.subnet!))] : [];
      const zones = [
        ...(low.length > 0 ? [`; among them ${low.join(", ")}, which must activate with MAK (R-KMS-3)`] : []),
        ...(unknown.length > 0 ? [`; ${low.length > 0 ? "and " : "among them "}zones whose trust is not known: ${unknown.join(", ")}`] : []),
      ].join("");
      const hosts = v || internet ? exposedHosts(ctx.model, e.targets) : [];
      // The KMS hosts and domain controllers the rule opens to the Internet: SDZ-KMS-006 leaves TCP 1688 from the Internet through
      // this rule to this finding (internetReportedByKms002, unverifiedByKms002), so it says so (R-KMS-7), for the hosts a public IP,
      // load balancer or DNAT brings the Internet to; of the others it says, as SDZ-NET-001 does, that nothing brings it in yet.
      const reached = internet ? exposedHosts(ctx.model, reachedFromInternet(ctx.model, e)) : [];
      const unreached = internet ? hosts.filter((h) => !reached.includes(h)) : [];
      const clauses: string[] = [];
      if (low.length > 0 && hosts.length > 0 && reached.length === hosts.length) clauses.push(`it also exposes ${hosts.join(", ")} to the Internet and to perimeter traffic (R-KMS-7)`);
      else {
        if (reached.length > 0) clauses.push(`it also exposes ${reached.join(", ")} to the Internet (R-KMS-7)`);
        if (low.length > 0 && hosts.length > 0) clauses.push(`it also exposes ${hosts.join(", ")} to perimeter traffic (R-KMS-7)`);
      }
      if (unreached.length > 0) {
        clauses.push(e.via === "firewall" && !e.dnat
          ? "Azure Firewall lets the Internet in only through DNAT rules, so this network rule brings it to no host"
          : `no public IP, load balancer or DNAT reaches ${unreached.join(", ")} today (R-KMS-7 once one does)`);
      }
      const exposes = clauses.map((c) => `; ${c}`).join("");
      // The missing deny-all is also R-PXE-4's (default-deny inbound): SDZ-NET-003 leaves this NSG to this finding (reportedByKms002).
      const reaches = e.outcome === "allow" ? "reaches" : "may reach";
      const defaultDeny = e.vnetDefault
        ? `; no explicit inbound deny overrides AllowVNetInBound on this NSG, so the virtual network ${reaches} the host on every port no earlier rule denies, not only TCP 1688 (R-PXE-4: default-deny inbound)`
        // A rule re-creating AllowVNetInBound: SDZ-NET-003 leaves it to this finding too (reportedByKms002).
        : e.reopensVnet ? `; the rule allows all traffic from ${e.reopensVnet}, re-creating AllowVNetInBound, so the virtual network ${reaches} the host on every port, not only TCP 1688 (R-PXE-4: default-deny inbound)` : "";
      const msg = `${e.label} allows KMS (TCP 1688) from ${parts.join(", ")} to ${describeHosts(e.targets)}${zones}: KMS must be allowed only from an explicit list of client addresses${defaultDeny}${exposes}`;
      if (e.outcome === "allow") ctx.report(e.resource, msg);
      else ctx.unverified(e.resource, `${msg.replace(" allows ", " may allow ").replace(/ it also exposes /g, " it may also expose ")} (${[...e.doubts].join("; ") || "values not known before apply"})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "TCP 1688 allowed from the VirtualNetwork tag",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "VirtualNetwork", "10.0.5.4"), EXAMPLE_DENY_ALL]),
      flagged: ["azurerm_network_security_group.kms"],
    }, {
      description: "A KMS host (the rule names 1688) whose NSG has no deny-all: Azure's AllowVNetInBound lets the whole VNet in on TCP 1688",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4")]),
      flagged: ["azurerm_network_security_group.kms"],
    }],
    good: [{
      description: "TCP 1688 from the client subnet only, then a deny-all",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL]),
    }],
  })),
});
