import { refExample } from "./examples";
import { captureLocationOf, describeRef, ReferenceComputer, referenceComputers, VM_TYPES } from "./reference-computers";
import { REFERENCE_UPDATE_SERVICE_TAGS } from "../../contract/pxe-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { parseCidr } from "../../engine/access/addresses";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Subnet } from "../../engine/access/topology";
import { classifySources, Decider, deciderOf, describePorts, SourceClass } from "../../engine/exposure";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { DOMAIN_SERVICE_PORTS, SERVICE_PORTS } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";
import { deciderKey } from "../pxe/source-trust";

type Proto = "Tcp" | "Udp";

/** Destinations a reference computer may reach, on some ports, and why. */
interface Allowed {
  readonly protocol: Proto;
  readonly ports: Intervals<number>;
  readonly destinations: SourceSet;
}

interface Group {
  readonly decider: Decider;
  /** The deciding rules (name -> priority): Azure's default outbound rules of one NSG are one problem (no deny-all), one finding. */
  readonly labels: Map<string, number>;
  readonly outcome: "allow" | "uncertain";
  /** `zone app (INTERNAL)` -> ports per protocol, and whether it is a problem or cannot be told. */
  readonly items: Map<string, { bad: boolean; ports: Map<Proto, Intervals<number>> }>;
  readonly refs: Set<string>;
  readonly doubts: Set<string>;
}

const ports = (...ranges: [number, number][]) => Intervals.of(PORTS, ranges);
const S = SERVICE_PORTS;
/** What a domain member needs on its domain controllers (seed 004) and the dynamic RPC range, per protocol. */
const DOMAIN_PORTS: Record<Proto, Intervals<number>> = {
  Tcp: ports(...DOMAIN_SERVICE_PORTS.filter((p) => p.protocol === "Tcp").map((p): [number, number] => [p.from, p.to]), [S.RPC_DYNAMIC.from, S.RPC_DYNAMIC.to]),
  Udp: ports(...DOMAIN_SERVICE_PORTS.filter((p) => p.protocol === "Udp").map((p): [number, number] => [p.from, p.to])),
};
const DNS_PORTS = ports([S.DNS_UDP.from, S.DNS_UDP.to]);
const SMB = ports([S.SMB.from, S.SMB.to]);
const WEB = ports([S.HTTP.from, S.HTTP.to], [S.HTTPS.from, S.HTTPS.to]);

function hostSet(ep: Endpoint): SourceSet {
  const d = ep.destination;
  if (d.kind === "host") return cidrSet(d.cidr);
  if (d.kind === "range") return d.cidrs.reduce((s, c) => s.union(cidrSet(c)), SourceSet.EMPTY);
  return SourceSet.EMPTY;
}

function cidrSet(c: { family: 4 | 6; start: number | bigint; end: number | bigint }): SourceSet {
  return c.family === 4 ? SourceSet.v4([[c.start as number, c.end as number]]) : SourceSet.v6([[c.start as bigint, c.end as bigint]]);
}

function subnetSet(s: Subnet | undefined): SourceSet {
  return s?.prefixes.known ? s.prefixes.value.reduce((acc, c) => acc.union(cidrSet(c)), SourceSet.EMPTY) : SourceSet.EMPTY;
}

/**
 * What the reference computer may reach: SMB to its capture location (the private endpoints of the
 * Azure Files account it names, or the VM serving the share), HTTP/HTTPS to the update service tags,
 * the domain services of domain controllers and DNS servers (declared or inferred), DNS to the
 * VNet's custom DNS servers, and the domain services of an Azure AD DS subnet.
 */
function allowedFor(ctx: RuleContext, rc: ReferenceComputer): Allowed[] {
  const out: Allowed[] = [];
  const loc = captureLocationOf(ctx, rc);
  let capture = SourceSet.EMPTY;
  if (loc.account) {
    for (const pe of ctx.access.topology.privateEndpoints.filter((p) => p.target === loc.account)) {
      capture = capture.union(pe.privateIp.known && pe.privateIp.value !== "dynamic" ? cidrSet(pe.privateIp.value) : subnetSet(pe.subnet));
    }
  }
  if (loc.server) for (const ep of ctx.access.endpointsOfVm(loc.server)) capture = capture.union(hostSet(ep));
  if (!capture.isEmpty) out.push({ protocol: "Tcp", ports: SMB, destinations: capture });
  out.push({ protocol: "Tcp", ports: WEB, destinations: REFERENCE_UPDATE_SERVICE_TAGS.reduce((s, t) => s.union(SourceSet.token(`tag:${t.toLowerCase()}`)), SourceSet.EMPTY) });
  let domain = SourceSet.EMPTY;
  const domainVms = new Set([DeploymentRole.DOMAIN_CONTROLLER, DeploymentRole.DNS_SERVER].flatMap((role) => ctx.roles.vmsWith(role).map((x) => x.vm)));
  const dcSubnets = new Set<Subnet>();
  for (const vm of domainVms) {
    for (const ep of ctx.access.endpointsOfVm(vm)) {
      domain = domain.union(hostSet(ep));
      if (ep.subnet) dcSubnets.add(ep.subnet);
    }
  }
  // A zone that holds only domain controllers and DNS servers may be named as a whole (Peer.zone(identity)).
  for (const subnet of dcSubnets) {
    if (subnet.privateEndpoints.length === 0 && subnet.nics.every((n) => n.vm && domainVms.has(n.vm))) domain = domain.union(subnetSet(subnet));
  }
  for (const ds of ctx.model.ofType("azurerm_active_directory_domain_service")) {
    for (const rs of ctx.model.blocks(ds, "initial_replica_set")) {
      const { subnet } = ctx.access.topology.subnetFromId(rs.subnet_id);
      domain = domain.union(subnetSet(subnet));
    }
  }
  for (const p of ["Tcp", "Udp"] as const) if (!domain.isEmpty) out.push({ protocol: p, ports: DOMAIN_PORTS[p], destinations: domain });
  let dns = SourceSet.EMPTY;
  for (const vnet of ctx.access.topology.vnets) {
    const servers = ctx.model.resolveStringList(vnet.resource.config.dns_servers);
    if (servers.known) {
      for (const ip of servers.value) {
        const c = parseCidr(ip);
        if (c) dns = dns.union(cidrSet(c));
      }
    }
  }
  if (!dns.isEmpty) for (const p of ["Tcp", "Udp"] as const) out.push({ protocol: p, ports: DNS_PORTS, destinations: dns });
  return out;
}

/**
 * Whether a destination the rule does not accept may still be one the reference computer needs, so
 * that it cannot be told (could-not-verify) rather than a problem: an application security group;
 * private ranges in no zone, or on-premises zones, on SMB or the domain ports (a share or domain
 * controller outside this configuration); a subnet on SMB when the capture location does not
 * resolve to a resource here (it may be that share).
 */
function cannotTell(c: SourceClass, protocol: Proto, a: number, b: number, captureUnknown: boolean): boolean {
  if (c.kind === "asg") return true;
  const needed = SMB.union(DOMAIN_PORTS[protocol]).containsRange(a, b);
  if (c.kind === "private" || (c.kind === "zone" && c.zone.kind === "on-premises")) return needed;
  if (c.kind === "zone") return captureUnknown && protocol === "Tcp" && SMB.containsRange(a, b);
  return false;
}

/** Cuts `ports` where an allowed entry's ports start or end, so each piece has one set of allowed destinations. */
function segments(all: Intervals<number>, allowed: Allowed[]): [number, number][] {
  const cuts = new Set<number>();
  for (const [a] of all.ranges()) cuts.add(a);
  for (const e of allowed) {
    for (const [a, b] of e.ports.ranges()) {
      if (all.contains(a)) cuts.add(a);
      if (b < 65535 && all.contains(b + 1)) cuts.add(b + 1);
    }
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const range = all.ranges().find(([s, e]) => s <= points[i] && points[i] <= e)!;
    out.push([points[i], Math.min(range[1], i + 1 < points.length ? points[i + 1] - 1 : 65535)]);
  }
  return out;
}

export const referenceReachesArbitraryDestinations = defineRule({
  id: "SDZ-REF-002",
  level: RuleLevel.ERROR,
  title: "Reference computer can reach destinations other than its capture location, the update service and its domain controllers",
  rationale:
    "The reference computer must stay in a secure environment where unexpected or malicious software can't be installed and captured into the image "
    + "(seed 001, R-REF-1): outbound traffic goes only to the capture location (SMB), the update service (HTTP/HTTPS to the AzureUpdateDelivery and "
    + "AzureFrontDoor.FirstParty service tags) and the domain controllers and DNS servers it needs to reach a Kerberos-only capture share (the domain "
    + "service ports of seed 004 and the dynamic RPC range on domain controllers and DNS servers, declared or inferred, or on a zone that holds only "
    + "those; DNS to the VNet's custom DNS "
    + "servers; an Azure AD DS subnet). The rule asks the access model where each reference computer (declared or inferred) may send TCP and UDP "
    + "through its subnet and NIC NSGs, Azure's default rules included (AllowInternetOutBound and AllowVnetOutBound unless a deny-all overrides them), "
    + "and reports every other destination once per deciding rule. Private ranges in no zone on SMB or domain ports are could-not-verify (they may "
    + "be an on-premises share or domain controller). ICMP is not asked. Routing beyond the NSGs is not modelled.",
  fix: "Deny all outbound traffic (ReferenceImagingZone does, at priority 4096) and allow only SMB to the capture location's private endpoint, HTTP/HTTPS "
    + "to the update service tags, and the domain service ports to the domain controllers and DNS servers.",
  requirements: ["R-REF-1"],
  resourceTypes: [...VM_TYPES, "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_private_endpoint", "azurerm_storage_account"],
  reads: [
    "outbound inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "the capture location (sdz-ref-capture-location or a capture script) and the private endpoints of the Azure Files account it names",
    "domain controllers and DNS servers (declared or inferred), the VNet's dns_servers, Azure AD DS subnets",
  ],
  check(ctx) {
    const groups = new Map<string, Group>();
    for (const rc of referenceComputers(ctx)) {
      const allowed = allowedFor(ctx, rc);
      const loc = captureLocationOf(ctx, rc);
      const captureUnknown = !loc.account && !loc.server;
      for (const ep of ctx.access.endpointsOfVm(rc.vm)) {
        for (const protocol of ["Tcp", "Udp"] as const) {
          for (const g of ctx.access.outbound(ep, { protocol, from: 0, to: 65535 }).grants) {
            const r: Reach = { outcome: g.outcome, sources: g.sources, ports: g.ports, protocol, grant: g, doubts: [] };
            const decider = deciderOf(r, ep);
            for (const [a, b] of segments(g.ports, allowed.filter((e) => e.protocol === protocol))) {
              const ok = allowed.filter((e) => e.protocol === protocol && e.ports.containsRange(a, b))
                .reduce((s, e) => s.union(e.destinations), SourceSet.EMPTY);
              const rest = g.sources.subtract(ok);
              if (rest.isEmpty) continue;
              const seg = ports([a, b]);
              for (const c of classifySources(ctx.model, ep, rest)) {
                if (c.kind === "platform") continue;
                const bad = !cannotTell(c, protocol, a, b, captureUnknown);
                const key = `${r.outcome}|${decider.kind === "default-rule" ? `default|${decider.resource.address}` : deciderKey(decider)}`;
                let grp = groups.get(key);
                if (!grp) {
                  grp = { decider, labels: new Map(), outcome: r.outcome, items: new Map(), refs: new Set(), doubts: new Set() };
                  groups.set(key, grp);
                }
                const p = decider.nsgRule?.priority;
                grp.labels.set(decider.kind === "default-rule" ? decider.nsgRule!.name : decider.label, p?.known ? p.value : 0);
                const item = grp.items.get(c.text) ?? { bad: false, ports: new Map<Proto, Intervals<number>>() };
                item.bad ||= bad;
                item.ports.set(protocol, (item.ports.get(protocol) ?? Intervals.empty(PORTS)).union(seg));
                grp.items.set(c.text, item);
                grp.refs.add(`${describeRef(rc)} at ${ep.label}`);
                for (const l of g.layers) if (l.doubt) grp.doubts.add(`rule "${l.doubt.name}" may decide otherwise (${(l.doubtReasons ?? []).join("; ")})`);
              }
            }
          }
        }
      }
    }
    for (const g of groups.values()) {
      const describe = (bad: boolean) => [...g.items].filter(([, v]) => v.bad === bad).map(([k, v]) => `${k} on ${[...v.ports].map(([p, i]) => describePorts(p, i)).join(" and ")}`);
      const bad = describe(true);
      const unknown = describe(false);
      const from = [...g.refs].join("; ");
      const label = g.decider.kind === "default-rule"
        ? `Azure's default rule${g.labels.size > 1 ? "s" : ""} ${[...g.labels].sort((x, y) => x[1] - y[1]).map(([n]) => n).join(" and ")} of NSG ${g.decider.nsgRule?.nsg?.name ?? g.decider.resource.address} (no explicit deny-all outbound overrides ${g.labels.size > 1 ? "them" : "it"})`
        : g.decider.label;
      const tail = ": a reference computer may reach only its capture location, the update service and its domain controllers/DNS";
      if (bad.length > 0) {
        const msg = `${label} ${g.labels.size > 1 ? "let" : "lets"} ${from} reach ${bad.join("; ")}${unknown.length > 0 ? `, and ${unknown.join("; ")}, which cannot be told apart from a share or domain controller outside this configuration` : ""}${tail}`;
        if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
        else ctx.unverified(g.decider.resource, `${msg.replace(/ lets? /, " may let ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
      } else {
        ctx.unverified(g.decider.resource, `${label} ${g.outcome === "allow" ? (g.labels.size > 1 ? "let" : "lets") : "may let"} ${from} reach ${unknown.join("; ")}: it cannot be told whether that is the capture location or a domain controller outside this configuration`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "No deny-all outbound: Azure's AllowInternetOutBound lets the reference computer reach the Internet", terraform: refExample({ denyAllOutbound: false }), flagged: ["azurerm_network_security_group.ref"] }],
    good: [{ description: "Outbound only SMB to the capture share's private endpoint and HTTPS to the update service tags", terraform: refExample() }],
  })),
});
