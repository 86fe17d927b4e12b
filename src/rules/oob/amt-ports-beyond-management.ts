import { describeServicePoints, listOf, provisioningOf, SEED } from "./common";
import { exampleTerraform, nsgRule } from "./examples";
import { Endpoint } from "../../engine/access/access-model";
import { firewallSubnetDoubt, firewallSubnetText } from "../../engine/access/firewall-subnet";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reachability } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Nic, Subnet } from "../../engine/access/topology";
import { AmtServicePoints } from "../../engine/amt-service-points";
import { classifySources, deciderOf, describeHosts, exposuresByRule, mayHaveNamingRule, mayName, namesRange, namingRule } from "../../engine/exposure";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { Zones } from "../../engine/zones";
import { isFirewallSubnet, isNoClientSubnet } from "../../network/platform-subnets";
import { SERVICE_PORTS } from "../../network/service-ports";
import { TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";
import { unknownRuleLeftToNet001 } from "../net/reported-by-net-001";

const AMT = SERVICE_PORTS.AMT;
const AMT_PORTS = Intervals.of(PORTS, [[AMT.from, AMT.to]]);

export const amtPortsBeyondManagement = defineRule({
  id: "SDZ-OOB-001",
  level: RuleLevel.ERROR,
  title: "Intel AMT ports reachable from beyond the service point and the management zones",
  rationale:
    `${SEED}: the AMT management interface (TCP 16992-16995) gives power control, a remote console and media redirection, and granting the Media Redirection right is almost `
    + "equivalent to physical access (R-OOB-2). Only the out-of-band service point and MANAGEMENT zones may reach it. The rule asks the access model who reaches TCP "
    + "16992-16995 on each host through a rule written for those ports (its range spans at most 100 ports), and on hosts of the declared AMT client segments "
    + "(`sdz-oob-amt-client-prefixes`) through any rule. Sources are classified: the service point's own addresses pass; a zone passes when its trust is MANAGEMENT "
    + "(declared; an internet-facing zone counts as PERIMETER whatever its tag); GatewaySubnet, RouteServerSubnet and AzureFirewallManagementSubnet are no client "
    + "zone (what Azure runs there sends no client's traffic from their addresses); AzureFirewallSubnet is no zone either: the firewall sends from it the traffic of "
    + "the clients it DNATs, judged as themselves on the DNAT rule (the Internet, or the zone a Private IP DNAT takes them from), and of the clients it routes, which keep "
    + "their own address to a private host, so it is could-not-verify only where the firewall may forward clients the configuration does not show (no firewall of "
    + "this configuration in it, rules not all known, network-rule SNAT to the host, application rules on the AMT ports); a zone whose trust is neither declared nor inferred, or addresses in no zone, are "
    + "could-not-verify; the Internet, other zones, service tags and `*` are findings. The service point is the declared or inferred one (reachable on the AMT "
    + "provisioning port through a rule written for it, or the source of the only allows written for the AMT ports). AzureLoadBalancer is Azure's platform, never "
    + "a source; a rule that opens every port from the broad Internet is SDZ-NET-001's, and so, host by host, is a rule not written for the AMT ports whose values "
    + "are not known before apply (a dynamic security_rule block, ports from a variable) where SDZ-NET-001's could-not-verify about it names AMT: one "
    + "could-not-verify per unknown rule. A rule written for the AMT ports stays this rule's, and where SDZ-NET-001 says nothing about a rule on a host "
    + "(its NIC's NSG denies the Internet, the sources are private), this rule keeps its own.",
  fix: "Allow TCP 16992-16995 only from the out-of-band service point's address or from a zone tagged sdz-trust=MANAGEMENT (OutOfBandServicePoint does this for its AMT client zones).",
  requirements: ["R-OOB-2"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_nat_rule_collection"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network and DNAT rules on the path",
    "for sources in AzureFirewallSubnet: the firewall there, whether its rules are all known, its SNAT private ranges and its application rules",
    "zones and their trust (sdz-trust refines; internet-facing is PERIMETER)",
    "out-of-band service points (declared or inferred) and their sdz-oob-amt-client-prefixes",
  ],
  check(ctx) {
    const sps = AmtServicePoints.of(ctx.model);
    const spSources = sps.sources;
    const clients = clientSegments(ctx);
    const groups = exposuresByRule(ctx.model, [AMT], (r, ep) =>
      (!!namingRule(r, AMT) || mayName(r, AMT) || (isClientHost(ep, clients) && deciderOf(r, ep).kind !== "no-nsg"))
      // A rule not written for AMT whose values are not known before apply and whose could-not-verify SDZ-NET-001 reports on
      // this host naming AMT is that one finding (principle 3); dropped per host, so a host NET-001 says nothing about keeps this one.
      && !unknownRuleLeftToNet001(ctx, r, ep, AMT),
    (ep) => isClientHost(ep, clients) || mayHaveNamingRule(ctx.model, ep, AMT));
    for (const g of groups) {
      const names = !g.decider.ports || namesRange(g.decider.ports, AMT.from, AMT.to);
      const { bad, doubts } = judgeSources(ctx, g.endpoint, g.sources.subtract(spSources), names, sps.points.some((p) => p.addressUnknown !== undefined));
      if (bad.length === 0 && doubts.length === 0) continue;
      const where = describeHosts(g.hosts);
      const spText = describeServicePoints(sps.points);
      if (bad.length > 0) {
        const msg = `${g.decider.label} allows Intel AMT (TCP ${AMT.from}-${AMT.to}) from ${listOf(bad)} to ${where}: only the out-of-band service point and MANAGEMENT zones may reach AMT (${spText})`;
        if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
        else ctx.unverified(g.decider.resource, `${msg.replace(" allows ", " may allow ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
        continue;
      }
      const verb = g.outcome === "allow" ? "allows" : "may allow";
      ctx.unverified(g.decider.resource, `${g.decider.label} ${verb} Intel AMT (TCP ${AMT.from}-${AMT.to}) to ${where} from ${listOf(doubts)}, which cannot be placed in a MANAGEMENT zone or on the service point${g.doubts.size ? ` (${[...g.doubts].join("; ")})` : ""}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "AMT allowed on the client subnet from any source",
      terraform: exampleTerraform({ clientRules: [nsgRule("allow-amt", 200, "Inbound", "Allow", "16992-16995", "*")] }),
      flagged: ["azurerm_network_security_group.clients"],
    }],
    good: [{
      description: "AMT allowed only from the one host that manages the AMT clients (the service point, inferred without any tag)",
      terraform: exampleTerraform({ clientRules: [nsgRule("allow-amt", 200, "Inbound", "Allow", "16992-16995", "10.0.9.10")] }),
    }],
  })),
});

/** The declared AMT client segments of every service point. */
function clientSegments(ctx: RuleContext): SourceSet {
  let out = SourceSet.EMPTY;
  for (const p of provisioningOf(ctx)) if (p.clients.state === "declared") out = out.union(p.clients.sources);
  return out;
}

function isClientHost(ep: Endpoint, clients: SourceSet): boolean {
  if (clients.isEmpty) return false;
  const d = ep.destination;
  const cidrs = d.kind === "host" ? [d.cidr] : d.kind === "range" ? d.cidrs : [];
  return cidrs.some((c) => (c.family === 4 ? clients.v4.overlapsRange(c.start, c.end) : clients.v6.overlapsRange(c.start, c.end)));
}

/**
 * Splits the sources (service point addresses already removed) into findings and doubts. The broad
 * Internet through a rule that does not name the AMT ports is left to SDZ-NET-001. AzureFirewallSubnet
 * is judged with firewallSubnetDoubt (as the KMS and PXE packs do), not by the trust inferred for it.
 */
function judgeSources(ctx: RuleContext, ep: Endpoint, sources: SourceSet, names: boolean, spDynamic: boolean): { bad: string[]; doubts: string[] } {
  const bad: string[] = [];
  const doubts: string[] = [];
  const zones = Zones.of(ctx.model);
  const topology = Reachability.of(ctx.model).access.topology;
  const sps = AmtServicePoints.of(ctx.model);
  for (const c of classifySources(ctx.model, ep, sources)) {
    switch (c.kind) {
      case "platform":
        break;
      case "internet":
        if (names || !c.broad) bad.push(c.text);
        break;
      case "zone":
        // AzureFirewallSubnet, whatever trust is inferred for it: the firewall sends from it only the traffic of the clients it
        // DNATs (reported on the DNAT rule) or routes (their own address to a private host), unless it may forward clients this
        // configuration does not show (firewallSubnetDoubt, as in the KMS and PXE packs).
        if (c.zone.kind === "subnet" && isFirewallSubnet(c.zone.subnet)) {
          const d = firewallSubnetDoubt(ctx.model, c.zone.subnet!, ep, "Tcp", AMT_PORTS);
          if (d) doubts.push(`${firewallSubnetText(c.zone.subnet!)}, whose addresses may carry the traffic of clients this configuration does not show (${d.why})`);
          break;
        }
        if (c.trust === TrustLevel.MANAGEMENT) break;
        // GatewaySubnet, RouteServerSubnet, AzureFirewallManagementSubnet: their own addresses carry no client (NO_CLIENT_SUBNETS).
        if (c.zone.kind === "subnet" && isNoClientSubnet(c.zone.subnet)) break;
        if (spDynamic && c.sources.v4.size() === 1 && sps.points.some((p) => p.addressUnknown && inSubnet(p.vm.nics, c.zone.subnet))) {
          doubts.push(`${c.text}: a single address that may be the service point's dynamic address`);
        } else if (c.trust !== undefined) bad.push(c.text);
        else doubts.push(`${c.text} (${c.zone.trust.evidence || "no trust declared or inferred"})`);
        break;
      case "private":
        doubts.push(`${c.text} (in no zone of this configuration: its trust is not known)`);
        break;
      case "tag":
        bad.push(c.text);
        break;
      case "asg": {
        const members = topology.nicsInAsg(c.name);
        const spNic = (n: (typeof members)[number]) => !!sps.ofVm(n.vm);
        const trustOf = (n: (typeof members)[number]) => n.ipConfigs
          .map((i) => (i.subnet ? zones.zoneOf(i.subnet) : undefined))
          .map((z) => (z ? zones.trustOf(z).level : undefined));
        if (members.length > 0 && members.every((n) => spNic(n) || trustOf(n).every((t) => t === TrustLevel.MANAGEMENT))) break;
        if (members.some((n) => !spNic(n) && trustOf(n).some((t) => t !== undefined && t !== TrustLevel.MANAGEMENT))) bad.push(`${c.text} (it holds hosts outside the management zones)`);
        else doubts.push(`${c.text} (its members cannot all be placed)`);
        break;
      }
    }
  }
  return { bad, doubts };
}

function inSubnet(nics: readonly Nic[], subnet: Subnet | undefined): boolean {
  return !!subnet && nics.some((n) => n.ipConfigs.some((i) => i.subnet === subnet));
}
