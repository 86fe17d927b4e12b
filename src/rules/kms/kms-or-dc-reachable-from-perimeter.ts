import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule, exampleZone } from "./example-sites";
import { DSC_DOMAIN_CONTROLLER, DSC_KMS_HOST, firewallZonesOf, KMS, roleText, zonesOf, zoneText } from "./kms-reaches";
import { internetReportedByKms002, unverifiedByKms002 } from "./reported-by-kms-002";
import { Kms003Verdict, kms003ReportedOn, leftToKms002, reportedByKms003 } from "./reported-by-kms-003";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { firewallSubnetDoubt, firewallSubnetText, mayListenPrivately } from "../../engine/access/firewall-subnet";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Vm } from "../../engine/access/topology";
import { deciderOf, describeReach, noWayInText, nsgDecider } from "../../engine/exposure";
import { RoleClaim } from "../../engine/roles";
import { defineRule, RuleLevel, ruleRuns } from "../../engine/rule";
import { describePorts, describeShare, isBroad, Zone, Zones } from "../../engine/zones";
import { Trust, TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";
import { leftToNet001, reportedByNet001 } from "../net/reported-by-net-001";
import { oobContextOf, unknownRuleOwnerOf } from "../oob/port-verdicts";
import { leftToNet002 } from "../pxe/source-trust";

/** Every TCP and UDP port: a KMS host or DC must take nothing from the perimeter. ICMP is left open on purpose (R-SEC-4: PMTU discovery, DC location). */
const PROBES = [{ protocol: "Tcp" as const, from: 0, to: 65535 }, { protocol: "Udp" as const, from: 0, to: 65535 }];

/** TCP 1688 (with {@link KMS}'s protocol): the port SDZ-KMS-003 may take over. */
const KMS_PORTS = Intervals.of(PORTS, [[KMS.from, KMS.to]]);

/** Who reaches the host, by source: the ports and the paths. */
type Sightings = Map<string, { ports: Map<string, Intervals<number>>; paths: Set<string>; doubts: Set<string> }>;

function sight(into: Sightings, source: string, protocol: string, ports: Intervals<number>, path: string, doubts: readonly string[]): void {
  let s = into.get(source);
  if (!s) into.set(source, (s = { ports: new Map(), paths: new Set(), doubts: new Set() }));
  s.ports.set(protocol, (s.ports.get(protocol) ?? Intervals.empty(PORTS)).union(ports));
  s.paths.add(path);
  doubts.forEach((d) => s!.doubts.add(d));
}

/** Sources named in one finding; the rest are counted. */
const MAX_SOURCES = 6;

function describe(seen: Sightings): string {
  const entries = [...seen.entries()];
  const more = entries.length > MAX_SOURCES ? `; and from ${entries.length - MAX_SOURCES} more sources` : "";
  return entries.slice(0, MAX_SOURCES).map(([source, s]) => `${source} ${onPorts(s)}`).join("; and from ") + more;
}

/** `on TCP 88, 389 through rule "x" of NSG y` for one source. */
function onPorts(s: { ports: Map<string, Intervals<number>>; paths: Set<string> }): string {
  const ports = [...s.ports.entries()].map(([p, i]) => describePorts(p, i)).join(", ");
  const paths = [...s.paths];
  return `on ${ports} through ${paths.slice(0, 2).join("; ")}${paths.length > 2 ? `; and ${paths.length - 2} more paths` : ""}`;
}

/**
 * Every address this rule could report: the addresses of zones that are not trusted INTERNAL or more
 * (or whose trust is not known), counted without the NET-001 exception. Leaving a rule out only makes
 * fewer zones internet-facing, so a zone the rule reports is always in this set, and a host that
 * none of it (nor the Internet) may reach needs no port-by-port answer.
 */
function untrustedZoneSources(zones: Zones): SourceSet {
  return zones.sourcesWhere((z) => {
    const level = zones.trustOf(z).level;
    return level === undefined || !Trust.isAtLeast(level, TrustLevel.INTERNAL);
  });
}

/** The path of a reach, without the "no NSG on the NIC" steps that say nothing when the other layer decides. */
function pathOf(r: Reach): string {
  const steps = describeReach(r).split(", then ");
  const kept = steps.filter((p) => !/^no NSG on the (subnet|nic)$/.test(p));
  return kept.length > 0 ? kept.join(", then ") : "no NSG on the subnet or the NIC";
}

export const kmsOrDcReachableFromPerimeter = defineRule({
  id: "SDZ-KMS-006",
  level: RuleLevel.ERROR,
  title: "KMS host or domain controller reachable from a perimeter zone or the Internet",
  rationale:
    "Seed 003: 'If KMS service is on a domain controller, then DCs (as well as the KMS) are both exposed to malicious dmz traffic.' Neither a KMS host nor a "
    + "domain controller may accept perimeter traffic on any port (R-KMS-7). The rule asks, for every KMS host and domain controller (declared, or inferred "
    + "by the roles model), who reaches it on any TCP or UDP port: through the subnet and NIC NSGs (Azure's default AllowVNetInBound included), Azure "
    + "Firewall network rules on the path and DNAT rules. Sources in zones below INTERNAL trust (declared, or internet-facing and so PERIMETER) and Internet "
    + "addresses are reported on the host, with the ports and the path; one finding per host (an allow from the Internet that no public IP, load balancer or DNAT reaches yet says so, as SDZ-NET-001 does). A broad-Internet allow that SDZ-NET-001 reports (management "
    + "ports, or a rule that opens every port) is left to it. TCP 1688 from a zone through an NSG rule or Azure Firewall network rule that SDZ-KMS-003 "
    + "reports naming that zone is left to that finding, which names the host's exposure too (one finding per problem: the KMS allowlist is fixed on that "
    + "rule); the host's other ports and paths stay here, with a pointer to it. So is TCP 1688 through a rule SDZ-KMS-003 leaves to SDZ-KMS-002 "
    + "(its sources are no allowlist), whose finding names the zone, other than AllowVNetInBound. TCP 1688 through Azure's default rule AllowVNetInBound, which SDZ-KMS-003 leaves to SDZ-KMS-002, stays here with the other ports. "
    + "TCP 1688 from the Internet through a rule whose values are not known before apply that SDZ-KMS-002 reports as could-not-verify (a rule "
    + "written for KMS whose source is a variable, which SDZ-NET-001 leaves to the KMS rules) is left to that finding: the same unknown value. "
    + "So is TCP 1688 from a zone through an NSG rule not written for KMS whose destination ports are not known before apply, which the KMS rules leave to "
    + "the out-of-band owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) naming KMS on that host: that finding names the zone too (it reports every "
    + "source outside the MANAGEMENT zones), and this one points at it. So is TCP 1688 from the Internet through a rule (NSG, Azure Firewall network or DNAT rule) that SDZ-KMS-002 reports as an error naming the Internet "
    + "(any source, or the broad Internet): that rule is the one problem, fixed on it with an allowlist, and KMS-002's finding names the host's exposure "
    + "to the Internet (R-KMS-7); the host's other ports and paths stay here, with a pointer to it (when SDZ-KMS-002 or 003 is excluded from the check, TCP 1688 stays here too). A narrower public source (one partner address, "
    + "which KMS-002 accepts in an allowlist) stays here. Nothing is left to a could-not-verify of SDZ-KMS-003 that this rule would "
    + "report as an error. ICMP is not counted: R-SEC-4 keeps it open for PMTU discovery and DC location. Zones whose "
    + "trust is neither declared nor inferred are could-not-verify: one finding per zone, on the resource that declares its trust (its NSG, else its "
    + "subnet or local network gateway), naming every KMS host and domain controller it reaches with the ports and paths (one undeclared zone is one "
    + "problem with one fix, declaring its trust), except for a host that has a finding of its own (sources below INTERNAL or the Internet, or values not known before apply), "
    + "which stays on the host. A host with no NSG at all (none "
    + "on its subnet nor on its NIC) in a subnet SDZ-NET-002 reports is that finding for the zones of unknown trust that reach it through the missing NSG "
    + "(its own subnet among them): the fix is the NSG; when SDZ-NET-002 is excluded from the check, they stay here. AzureBastionSubnet holding the configuration's azurerm_bastion_host (and no NIC) "
    + "is no perimeter zone for the Internet it lets in on TCP 443, which Microsoft requires: there the Internet reaches Bastion's own TLS front end, where "
    + "users sign in to Azure before any session reaches a VM (learn.microsoft.com/azure/bastion/bastion-nsg), and Microsoft's guidance is to allow RDP/SSH "
    + "on the VMs from the Bastion subnet; with no sdz-trust declared it is inferred MANAGEMENT (an administrative source), and a declared sdz-trust stands. "
    + "An allow from the Internet on any other port or protocol still makes it PERIMETER, and so does 443 when the Bastion's shareable links are on or not "
    + "known (a link holder reaches the VMs' sign-in without signing in to Azure). The own addresses of GatewaySubnet, RouteServerSubnet and AzureFirewallManagementSubnet are not a client zone, nor are "
    + "AzureFirewallSubnet's: the firewall's DNAT sources and the clients it SNATs are reported as themselves; where it may send clients the "
    + "configuration does not show (SNAT to the host, rules not all known, application rules or its DNS proxy on the port, no firewall of the "
    + "configuration in the subnet), the subnet is could-not-verify, naming why. A DNAT rule's sources count as Internet sources, and, where "
    + "it may listen on the firewall's private address (Private IP DNAT), its private sources as the zones they are in. The finding is an error "
    + "whether the role is declared (sdz-role) or inferred (a rule written for KMS, or for Kerberos and LDAP, or a script that sets the host up, or PowerShell "
    + `DSC: for a KMS host, ${DSC_KMS_HOST}; for a domain controller, ${DSC_DOMAIN_CONTROLLER}): `
    + "users' servers carry no tags, and the finding names the evidence.",
  fix: "Deny all inbound at the end of the NSG (DeploymentZone does, at 4096) and allow only specific clients trusted INTERNAL or more; remove public IPs and "
    + "DNAT rules that reach the host; activate perimeter servers with MAK and give them no path to the domain controllers.",
  requirements: ["R-KMS-7"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface", "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_subnet", "azurerm_local_network_gateway", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_nat_rule_collection", "azurerm_bastion_host"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network rules on the path (route tables) and DNAT rules (policy and classic); public IPs and load balancer rules",
    `zones and their trust: ${ZoneTags.TRUST} (declared), internet-facing subnets (inferred PERIMETER), AzureBastionSubnet with its azurerm_bastion_host (shareable_link_enabled; inferred MANAGEMENT)`,
    `KMS hosts and domain controllers: declared (${ZoneTags.ROLE}) or inferred (roles model)`,
  ],
  check(ctx) {
    const targets = new Map<Vm, RoleClaim[]>();
    for (const role of [DeploymentRole.KMS_HOST, DeploymentRole.DOMAIN_CONTROLLER]) {
      for (const { vm, claim } of ctx.roles.vmsWith(role)) targets.set(vm, [...(targets.get(vm) ?? []), claim]);
    }
    let untrusted: SourceSet | undefined;
    const suspects = new Map<SourceSet, SourceSet>();
    // TCP 1688 through an NSG rule whose destination ports are not known before apply (not written for KMS), which the KMS rules leave
    // to the out-of-band owner's could-not-verify naming KMS on this host (unknownRuleLeftToOob): that one finding, with its source zones
    // (it names every source outside the MANAGEMENT zones). Uncertain reaches only: they are never this rule's errors. `id|resource`.
    // TCP 1688 is left to SDZ-KMS-002's or 003's finding only where that rule runs in this check (no silent pass when it is excluded).
    const kms003Running = (v: Kms003Verdict | undefined): Kms003Verdict | undefined =>
      v && ruleRuns(ctx, leftToKms002(ctx.model).has(v.e) ? "SDZ-KMS-002" : "SDZ-KMS-003") ? v : undefined;
    // `id|resource` of the finding that carries TCP 1688 (SDZ-KMS-003 reports one undeclared zone's rules at the first: kms003ReportedOn).
    const kms003Key = (v: Kms003Verdict): string => (leftToKms002(ctx.model).has(v.e) ? `SDZ-KMS-002|${v.e.resource.address}` : `SDZ-KMS-003|${kms003ReportedOn(ctx.model, v).resource.address}`);
    /** Zones of unknown trust that reach hosts whose findings say nothing else, by zone: one finding per zone, naming every host. */
    const byZone = new Map<Zone, { host: string; seen: Sightings; elsewhere: string }[]>();
    const oob = oobContextOf(ctx.model);
    const leftToOob = (r: Reach, ep: Endpoint): string | undefined => {
      const o = r.outcome === "uncertain" ? unknownRuleOwnerOf(oob, r, ep, KMS) : undefined;
      return o ? `${o.id}|${o.resource.address}` : undefined;
    };
    for (const [vm, claims] of targets) {
      const found: Sightings = new Map();
      const maybe: Sightings = new Map();
      /** Zones of unknown trust, by zone. */
      const undeclared = new Map<Zone, Sightings>();
      /** AzureFirewallSubnet where the firewall may forward clients this configuration does not show. */
      const forwarded: Sightings = new Map();
      /** TCP 1688 left to SDZ-KMS-003 or SDZ-KMS-002: the sources (zones, the Internet), by `rule id|resource` of the finding. */
      const left = new Map<string, Set<string>>();
      const leftTo = (key: string, source: string) => left.set(key, (left.get(key) ?? new Set()).add(source));
      for (const ep of ctx.access.endpointsOfVm(vm)) {
        const internet = ctx.access.internetSources(ep.subnet?.vnet, ep.subnet);
        // Exact pre-check (most hosts take nothing from a perimeter zone): no grant or DNAT rule may hold one of the sources reported below.
        let suspect = suspects.get(internet);
        if (!suspect) suspects.set(internet, (suspect = internet.union((untrusted ??= untrustedZoneSources(ctx.zones)))));
        if (!ctx.reach.mayReachFrom(ep, suspect)) continue;
        for (const probe of PROBES) {
          const answer = ctx.reach.reach(ep, probe);
          for (const r of answer.reaches) {
            const into = r.outcome === "allow" ? found : maybe;
            const path = pathOf(r);
            const d = deciderOf(r, ep);
            // A rule that SDZ-NET-001 reports (it opens a management port, or every port, to the broad Internet) is that
            // rule's one finding, whoever else it certainly lets in: removing it is the fix for both (principle 3). Where the
            // sources are not known, NET-001's doubt is about the Internet; they may still name a perimeter zone, which is this rule's.
            const net001 = leftToNet001(ctx, ep, d);
            if (net001 && r.outcome === "allow") continue;
            const pub = r.sources.intersect(internet);
            if (!pub.isEmpty) {
              const nothingArrives = d.kind === "no-nsg" && answer.internetEntries.length === 0 && !r.dnat;
              if (!nothingArrives && !(net001 && isBroad(pub, internet))) {
                const ways = [...(r.dnat ? [] : answer.internetEntries.map((e) => (e.definite ? e.label : `perhaps ${e.label}`)))];
                let ports = r.ports;
                // TCP 1688 through a rule whose values are not known, that SDZ-KMS-002 reports as could-not-verify: the same unknown value (a
                // source from a variable), one finding; SDZ-NET-001 leaves a rule written for KMS to it (leftToServiceRule). And TCP 1688
                // through a rule that KMS-002 reports as an error naming the Internet (any source, the broad Internet): that rule is the one
                // problem, fixed by an allowlist, and its finding names this host's exposure (R-KMS-7). A narrower public source stays here.
                const v = probe.protocol === "Tcp" && ports.overlapsRange(KMS.from, KMS.to) && ruleRuns(ctx, "SDZ-KMS-002")
                  ? unverifiedByKms002(ctx.model, ep, r) ?? internetReportedByKms002(ctx.model, ep, r) : undefined;
                if (v) {
                  ports = ports.subtract(KMS_PORTS);
                  leftTo(`SDZ-KMS-002|${v.e.resource.address}`, "the Internet");
                }
                // As SDZ-NET-001 words it: an allow from the Internet with no public IP, load balancer or DNAT in front lets nothing in yet.
                const how = ways.length > 0 ? ` (in through ${ways.join(", ")})` : r.dnat ? "" : ` (${noWayInText(1)}: the allow would expose it once one does)`;
                if (!ports.isEmpty) sight(into, describeShare(pub, internet), probe.protocol, ports, `${path}${how}`, r.doubts);
              }
            }
            // A DNAT rule's sources reach the firewall's public address: they are Internet sources, whatever their ranges; unless it
            // may listen on the firewall's private address (Private IP DNAT), where its private sources are clients of their zones.
            if (r.dnat && !mayListenPrivately(r.dnat)) continue;
            const own = r.sources.subtract(internet);
            // AzureFirewallSubnet's addresses are no client zone: the firewall's DNAT and SNATed clients are reported as themselves
            // (above, and as routed clients). Only where it may forward clients this configuration does not show do they stand for unknown clients.
            for (const z of r.dnat ? [] : firewallZonesOf(ctx.model, own)) {
              const fwd = !z.subnet ? undefined : firewallSubnetDoubt(ctx.model, z.subnet, ep, probe.protocol, r.ports);
              if (!fwd) continue;
              let ports = fwd.ports;
              const v = probe.protocol === "Tcp" && ports.overlapsRange(KMS.from, KMS.to) ? kms003Running(reportedByKms003(ctx.model, ep, r, z, false)) : undefined;
              const o = probe.protocol === "Tcp" && ports.overlapsRange(KMS.from, KMS.to) && !v ? leftToOob(r, ep) : undefined;
              if (v) {
                // TCP 1688 through a rule SDZ-KMS-003 reports naming the subnet: that one finding.
                ports = ports.subtract(KMS_PORTS);
                leftTo(kms003Key(v), `zone ${z.name}`);
              } else if (o) {
                ports = ports.subtract(KMS_PORTS);
                leftTo(o, `zone ${z.name}`);
              }
              if (!ports.isEmpty) sight(forwarded, `${firewallSubnetText(z.subnet!)}, whose addresses may carry the traffic of clients this configuration does not show (${fwd.why})`, probe.protocol, ports, path, r.doubts);
            }
            for (const z of zonesOf(ctx.model, own)) {
              // A zone made internet-facing only by a rule that SDZ-NET-001 reports is that rule's one finding.
              const t = ctx.zones.trustOf(z, (rule, e) => reportedByNet001(ctx, e, nsgDecider(rule)));
              const low = t.level !== undefined && !Trust.isAtLeast(t.level, TrustLevel.INTERNAL);
              if (t.level !== undefined && !low) continue;
              let ports = r.ports;
              // TCP 1688 from this zone through a rule that SDZ-KMS-003 reports naming the zone (as strongly) is that one finding:
              // it names this host's exposure too (R-KMS-7). The other ports stay this rule's, with a pointer to it.
              if (probe.protocol === "Tcp" && ports.overlapsRange(KMS.from, KMS.to)) {
                const v = kms003Running(reportedByKms003(ctx.model, ep, r, z, low && r.outcome === "allow"));
                const o = v ? undefined : leftToOob(r, ep);
                if (v) {
                  ports = ports.subtract(KMS_PORTS);
                  leftTo(kms003Key(v), `zone ${z.name}`);
                } else if (o) {
                  ports = ports.subtract(KMS_PORTS);
                  leftTo(o, `zone ${z.name}`);
                }
              }
              if (ports.isEmpty) continue;
              if (low) sight(into, zoneText(ctx.model, z), probe.protocol, ports, path, r.doubts);
              // A host with no NSG at all (on the subnet or the NIC) in a subnet SDZ-NET-002 reports: what zones of unknown trust reach
              // through the missing NSG is that one finding (the fix is the NSG), when NET-002 runs in this check (leftToNet002).
              else if (!leftToNet002(ctx, ep, d)) {
                let seen = undeclared.get(z);
                if (!seen) undeclared.set(z, (seen = new Map()));
                sight(seen, zoneText(ctx.model, z), probe.protocol, ports, path, r.doubts);
              }
            }
          }
        }
      }
      const what = claims.map((c) => (c.role === DeploymentRole.KMS_HOST ? "KMS host" : "domain controller")).join(" and ");
      const evidence = `(${claims.map((c) => `${c.role === DeploymentRole.KMS_HOST ? "KMS host" : "domain controller"}: ${roleText(c)}`).join("; ")})`;
      // Why TCP 1688 is missing from the ports named: another finding carries it.
      const pointers = (keep: (source: string) => boolean): string => [...left].map(([key, sources]) => {
        const [id, address] = key.split("|");
        const names = [...sources].filter(keep);
        if (names.length === 0) return "";
        // `zone a`, `zones a, b` (as before), `the Internet`.
        const zones = names.filter((n) => n.startsWith("zone ")).map((n) => n.slice(5));
        const from = [...(zones.length > 0 ? [`${zones.length === 1 ? "zone" : "zones"} ${zones.join(", ")}`] : []), ...names.filter((n) => !n.startsWith("zone "))];
        return `; TCP 1688 from ${from.join(" and ")} is ${id}'s finding on ${address}`;
      }).join("");
      const elsewhere = pointers(() => true);
      if (found.size > 0) {
        const also = maybe.size > 0 ? `; it may also be reachable from ${describe(maybe)}` : "";
        // Inferred roles come with their evidence; users' servers carry no tags (principle 1), so the level does not drop.
        ctx.report(vm.resource, `${what} is reachable from ${describe(found)}${also}${elsewhere} ${evidence}`);
      } else if (maybe.size > 0) {
        const doubts = new Set([...maybe.values()].flatMap((s) => [...s.doubts]));
        ctx.unverified(vm.resource, `${what} may be reachable from ${describe(maybe)} (${[...doubts].join("; ") || "values not known before apply"})${elsewhere} ${evidence}`);
      } else {
        if (forwarded.size > 0) {
          // The pointers about zones of unknown trust go with those zones' findings.
          const zoneNames = new Set([...undeclared.keys()].map((z) => `zone ${z.name}`));
          ctx.unverified(vm.resource, `${what} is reachable from ${describe(forwarded)}: the check cannot tell whether those clients are in a perimeter zone`
            + `${pointers((n) => !zoneNames.has(n))} ${evidence}`);
        }
        // One zone of unknown trust is one problem (declare its trust): one finding on the zone, naming every host it reaches.
        for (const [z, seen] of undeclared) {
          const hosts = byZone.get(z) ?? [];
          hosts.push({ host: `${what} ${vm.resource.address} ${evidence}`, seen, elsewhere: pointers((n) => n === `zone ${z.name}`) });
          byZone.set(z, hosts);
        }
      }
    }
    for (const [z, hosts] of byZone) {
      const reaches = hosts.map((h) => `${h.host} ${[...h.seen.values()].map(onPorts).join("; ")}${h.elsewhere}`);
      ctx.unverified(z.resource, `${zoneText(ctx.model, z)} reaches ${reaches.join("; and ")}; its trust is neither declared (${ZoneTags.TRUST}) nor shown by the `
        + "configuration: declare it so the check can tell whether it is a perimeter zone");
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A KMS host that the DMZ (internet-facing: the Internet reaches it on HTTPS) can reach on RDP",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), exampleRule("allow-rdp", 110, "Tcp", "3389", "10.0.50.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [
          exampleZone("dmz", "10.0.50.0/24", [exampleRule("allow-https", 100, "Tcp", "443", "Internet"), EXAMPLE_DENY_ALL]),
          exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" }),
        ],
      }),
      flagged: ["azurerm_windows_virtual_machine.kms"],
    }],
    good: [{
      description: "TCP 1688 (only) allowed from the DMZ: SDZ-KMS-003's one finding on the KMS allowlist rule, naming the host's exposure; not this rule's",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", ["10.0.1.0/24", "10.0.50.0/24"], "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [
          exampleZone("dmz", "10.0.50.0/24", [exampleRule("allow-https", 100, "Tcp", "443", "Internet"), EXAMPLE_DENY_ALL]),
          exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" }),
        ],
      }),
    }, {
      description: "The KMS host takes TCP 1688 from the INTERNAL client zone only",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [
          exampleZone("dmz", "10.0.50.0/24", [exampleRule("allow-https", 100, "Tcp", "443", "Internet"), EXAMPLE_DENY_ALL]),
          exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" }),
        ],
      }),
    }],
  })),
});
