/**
 * Reachability: the NSG answer of the access model, completed with what lies before the NSGs. Sources
 * whose route to the endpoint goes through an Azure Firewall are filtered by its network rules;
 * Internet sources need a way in (a public IP or a public load balancer rule on the path, which keep
 * the client's address); and Azure Firewall DNAT rules publish the endpoint to their sources, with
 * the firewall's own address as the source the NSG sees (Azure Firewall SNATs DNAT traffic to an
 * address of AzureFirewallSubnet: techcommunity.microsoft.com, "Azure Firewall NAT Behaviors").
 * Network-rule traffic routed through a firewall is SNATed too when its destination is outside the
 * firewall's SNAT private ranges (learn.microsoft.com/azure/firewall/snat-private-range): the NSGs
 * then see the firewall's subnet, not the client, which stays the reach's source (its origin).
 */
import { AccessModel, Endpoint, Grant, Probe, ProbeCache } from "./access-model";
import { Cidr } from "./addresses";
import { Entry, LoadBalancerIndex, publicIpEntry } from "./entries";
import { Firewall, FirewallIndex, FirewallRule, SnatDecision } from "./firewalls";
import { Intervals, PORTS, V4, V6 } from "./intervals";
import { Verdict } from "./partition";
import { nextHop } from "./routing";
import { SourceSet, TokenSet } from "./source-set";
import { Subnet } from "./topology";
import { isGatewaySubnet } from "../../network/platform-subnets";
import { TerraformModel } from "../model";

/** Above this many port segments, {@link Reachability.mayReachFrom} answers "maybe" without deciding each. */
const MAY_REACH_MAX_SEGMENTS = 256;

/** One way sources reach an endpoint. */
export interface Reach {
  readonly outcome: "allow" | "uncertain";
  readonly sources: SourceSet;
  readonly ports: Intervals<number>;
  readonly protocol: Probe["protocol"];
  /** The NSG layers that let it in. */
  readonly grant: Grant;
  /**
   * For sources routed through a firewall: the firewall and its rule that allows them (for an
   * uncertain reach, the rule whose values not known before apply may allow them); `snat`, when
   * the firewall SNATs (or may SNAT) them, the addresses the NSGs see them from (the firewall's subnet,
   * `grant` is the NSGs' answer for those), `sources` staying the clients'.
   */
  readonly firewall?: { readonly firewall: Firewall; readonly rule?: FirewallRule; readonly note?: string; readonly snat?: SourceSet };
  /** For DNAT: the firewall rule that publishes the endpoint (its sources are the rule's). */
  readonly dnat?: FirewallRule;
  /** Why the outcome is uncertain. */
  readonly doubts: readonly string[];
}

/** The complete answer for one endpoint and probe. */
export interface ReachAnswer {
  readonly endpoint: Endpoint;
  readonly probe: Probe;
  readonly reaches: readonly Reach[];
  /** Ways in from the Internet that keep the client's address (public IP, load balancer). */
  readonly internetEntries: readonly Entry[];
}

/** Sources whose traffic to an endpoint is routed through a firewall (or an unknown hop). */
interface RoutedGroup {
  readonly sources: SourceSet;
  readonly firewall?: Firewall;
  readonly unknown?: string;
  /** Routed to next hop None: Azure drops the traffic. */
  readonly dropped?: boolean;
}

/** The decision for groups not routed through a firewall. */
const NO_SNAT: SnatDecision = { snat: "no" };

/** The key of sources whose route to a host is next hop None. */
const DROPPED = Symbol("dropped");

/** Every IPv4 address: what a firewall with an unknown subnet may SNAT to. */
const ALL_V4 = new SourceSet(Intervals.all(V4), Intervals.empty(V6), TokenSet.NONE);

/** How a firewall's SNAT changes what the NSGs decide on (see {@link Reachability.throughFirewall}). */
interface SnatPath {
  /** The NSGs' answer for the firewall's addresses is certain for the flow (it SNATs, and they admit its whole subnet). */
  readonly certain: boolean;
  readonly doubts: readonly string[];
  readonly sources?: SourceSet;
}

/** Reachability of one configuration. Build once with {@link Reachability.of}. */
export class Reachability {
  public static of(model: TerraformModel): Reachability {
    return model.memo("access-reachability", () => new Reachability(model));
  }

  public readonly access: AccessModel;
  public readonly firewalls: FirewallIndex;
  public readonly loadBalancers: LoadBalancerIndex;
  private readonly cache = new ProbeCache<ReachAnswer>();
  private readonly routedCache = new Map<string, RoutedGroup[]>();
  /** Static endpoint addresses, `family:start` and `subnet key|family:start`; built on first use. */
  private staticAddresses?: Set<string>;
  /** Subnets with route tables, grouped by VNet and route tables (subnets alike route alike); built once. */
  private routeClasses?: Subnet[][];
  /** {@link asSeen} answers, per source set (the access model keeps its answers per source set object) and subnet and host. */
  private readonly seen = new WeakMap<SourceSet, Map<string, SourceSet>>();

  private constructor(model: TerraformModel) {
    this.access = AccessModel.of(model);
    this.firewalls = FirewallIndex.of(model);
    this.loadBalancers = LoadBalancerIndex.of(model);
  }

  /** Who reaches `probe` on `endpoint`, and how. Memoised. */
  public reach(endpoint: Endpoint, probe: Probe): ReachAnswer {
    let hit = this.cache.get(endpoint, probe);
    if (!hit) this.cache.set(endpoint, probe, "Inbound", (hit = this.compute(endpoint, probe)));
    return hit;
  }

  /**
   * False when none of `sources` can reach the endpoint on any TCP or UDP port: no NSG grant (allow
   * or uncertain) on any port holds one of them (or the address a firewall SNATs them to, see
   * {@link asSeen}), and no DNAT rule may publish the host. Exact (every reach's sources are part of
   * a grant's, a DNAT rule's, or routed through a firewall whose address a grant holds), and far
   * cheaper than asking port by port: only the ports where every NSG may allow one of the sources are
   * decided. A rule asking about many services of every host asks this first.
   */
  public mayReachFrom(endpoint: Endpoint, asked: SourceSet): boolean {
    const sources = this.asSeen(endpoint, asked);
    for (const protocol of ["Tcp", "Udp"] as const) {
      if (this.mayBePublished(endpoint, protocol, 0, 65535)) return true;
      // Only where every NSG has an allow that may hold one of the sources can a grant hold one: often no port at all.
      const ports = this.access.admitPortsFrom(endpoint, protocol, sources);
      let segments = 0;
      for (let i = 0; i < ports.starts.length; i++) {
        const probe = { protocol, from: ports.starts[i], to: ports.ends[i] };
        // An NSG that cuts the port space into many pieces (thousands of port rules) would cost a decision
        // per piece: then "maybe", and the caller asks port by port (true is never wrong here).
        segments += this.access.segmentCount(endpoint, probe);
        if (segments > MAY_REACH_MAX_SEGMENTS) return true;
        if (this.access.findGrant(endpoint, probe, (g) => g.sources.overlaps(sources))) return true;
      }
    }
    return false;
  }

  /**
   * False when no reach of `probe` on the endpoint can hold one of `sources`: no DNAT rule may publish
   * the probe's ports of the host, and no port of the probe is one where every NSG may allow one of
   * the sources, or the address a firewall SNATs them to ({@link AccessModel.admitPortsFrom},
   * {@link asSeen}). Exact, and decides nothing: for rules asking about many services of a host that
   * only a few sources may reach.
   */
  public mayReachOn(endpoint: Endpoint, probe: Probe, sources: SourceSet): boolean {
    if (this.mayBePublished(endpoint, probe.protocol, probe.from, probe.to)) return true;
    return this.access.admitPortsFrom(endpoint, probe.protocol, this.asSeen(endpoint, sources)).overlapsRange(probe.from, probe.to);
  }

  /**
   * The addresses the host's NSGs may see traffic from `sources` come from: theirs, with the subnet
   * of each firewall that SNATs, or may SNAT, the routed traffic of some of them to the host (every
   * IPv4 address when that subnet is not known), instead of the routed ones (SNATs) or besides them
   * (may SNAT). The same object when nothing changes, and one object per source set, subnet and
   * host: the access model keeps its answers per source set object.
   */
  private asSeen(endpoint: Endpoint, sources: SourceSet): SourceSet {
    const host = endpoint.destination.kind === "host" ? endpoint.destination.cidr : undefined;
    if (!host || this.routeClassesOf().length === 0) return sources;
    let mine = this.seen.get(sources);
    if (!mine) this.seen.set(sources, (mine = new Map()));
    const key = `${endpoint.subnet?.key ?? ""}|${host.text}`;
    let out = mine.get(key);
    if (out) return out;
    out = sources;
    for (const group of this.routedGroups(endpoint, host)) {
      if (!group.firewall || !group.sources.overlaps(sources)) continue;
      const d = this.firewalls.snatTo(group.firewall, host).snat;
      if (d === "no") continue;
      // SNATed for certain, the clients' own addresses never reach the NSGs.
      if (d === "yes") out = out.subtract(group.sources);
      out = out.union(snatSources(group.firewall) ?? ALL_V4);
    }
    mine.set(key, out);
    return out;
  }

  /** True when a DNAT rule may publish these ports of the endpoint (see {@link FirewallIndex.dnatTo}). */
  private mayBePublished(endpoint: Endpoint, protocol: Probe["protocol"], from: number, to: number): boolean {
    return this.firewalls.dnatTo(endpoint, protocol, from, to, this.taken).length > 0;
  }

  /**
   * True when `address` is the static private address of an endpoint in `subnet` (without a subnet: of
   * any endpoint here): Azure assigns a dynamic address only from the free ones of a subnet
   * (learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses), so no other host has it.
   */
  private readonly taken = (subnet: Subnet | undefined, address: Cidr): boolean => {
    if (!this.staticAddresses) {
      this.staticAddresses = new Set();
      for (const e of this.access.endpoints) {
        if (e.destination.kind !== "host") continue;
        const a = `${e.destination.cidr.family}:${e.destination.cidr.start}`;
        this.staticAddresses.add(a);
        if (e.subnet) this.staticAddresses.add(`${e.subnet.key}|${a}`);
      }
    }
    const a = `${address.family}:${address.start}`;
    return this.staticAddresses.has(subnet ? `${subnet.key}|${a}` : a);
  };

  private compute(endpoint: Endpoint, probe: Probe): ReachAnswer {
    const answer = this.access.inbound(endpoint, probe);
    const host = endpoint.destination.kind === "host" ? endpoint.destination.cidr : undefined;
    const groups = host ? this.routedGroups(endpoint, host) : [];
    const snat = groups.map((group) => (group.firewall && host ? this.firewalls.snatTo(group.firewall, host) : NO_SNAT));
    const reaches: Reach[] = [];
    for (const g of answer.grants) {
      let rest = g.sources;
      for (let i = 0; i < groups.length; i++) {
        const group = groups[i];
        const part = rest.intersect(group.sources);
        if (part.isEmpty) continue;
        rest = rest.subtract(part);
        // Next hop None: "Traffic routed to the None next hop type is dropped" (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview).
        if (group.dropped) continue;
        if (group.unknown || !group.firewall) {
          reaches.push({ outcome: "uncertain", sources: part, ports: g.ports, protocol: probe.protocol, grant: g, doubts: [group.unknown ?? "routed through an unknown hop"] });
          continue;
        }
        const d = snat[i];
        // SNATed, the NSGs see the firewall's address, not these clients': see snatReaches.
        if (d.snat === "yes") continue;
        const through = this.throughFirewall(group.firewall, host, g, part, probe);
        reaches.push(...(d.snat === "no" ? through : this.unlessSnat(group.firewall, through, answer.grants, d.why)));
      }
      if (!rest.isEmpty) reaches.push({ outcome: g.outcome, sources: rest, ports: g.ports, protocol: probe.protocol, grant: g, doubts: grantDoubts(g) });
    }
    for (let i = 0; i < groups.length; i++) {
      const fw = groups[i].firewall;
      if (fw && host && snat[i].snat !== "no") reaches.push(...this.snatReaches(fw, host, groups[i].sources, answer.grants, probe, snat[i]));
    }
    reaches.push(...this.dnatReaches(endpoint, probe, answer.grants));
    const internetEntries = [publicIpEntry(endpoint, this.access.model), ...this.loadBalancers.entriesTo(endpoint, probe)].filter((e): e is Entry => !!e);
    return { endpoint, probe, reaches, internetEntries };
  }

  /**
   * Clients whose routed traffic `fw` may SNAT, reached through `grants` that hold an address of its
   * subnet (what the NSGs then see): the firewall's rules decide on the clients' own addresses (it
   * filters before it translates), the NSGs on the firewall's. Certain when it SNATs and an allow
   * holds its whole subnet: which of its addresses it sends from is not known ("SNATs the traffic to
   * one of the firewall's private IP addresses in AzureFirewallSubnet":
   * learn.microsoft.com/azure/firewall/snat-private-range). When it only may SNAT, clients the NSGs
   * admit on the same ports with their own address are reported that way ({@link unlessSnat}), not twice.
   */
  private snatReaches(fw: Firewall, host: Cidr, clients: SourceSet, grants: readonly Grant[], probe: Probe, d: SnatDecision): Reach[] {
    const seen = snatSources(fw);
    const doubts: string[] = d.snat === "maybe" ? [d.why] : [];
    if (!seen) doubts.push(`the subnet of firewall ${fw.resource.address} ${fw.subnet ? "has no known prefixes" : "is not known"}, so the address its SNATed traffic comes from is not known`);
    const out: Reach[] = [];
    for (const g of grants) {
      if (seen ? !g.sources.overlaps(seen) : g.sources.v4.isEmpty) continue;
      let sources = clients;
      if (d.snat === "maybe") for (const o of grants) if (g.ports.subtract(o.ports).isEmpty) sources = sources.subtract(o.sources);
      if (sources.isEmpty) continue;
      const partial = !!seen && !seen.subtract(g.sources).isEmpty;
      const own = partial ? [`firewall ${fw.resource.address} SNATs to one of its addresses in ${subnetText(fw)}, and the NSGs admit only some of them`] : [];
      out.push(...this.throughFirewall(fw, host, g, sources, probe, { certain: d.snat === "yes" && !!seen && !partial, doubts: [...doubts, ...own], sources: seen }));
    }
    return out;
  }

  /**
   * Reaches of clients the NSGs admit with their own address, through a firewall that may SNAT them
   * (`why`): certain only where the NSGs allow the firewall's whole subnet too, on every port of the reach.
   */
  private unlessSnat(fw: Firewall, reaches: Reach[], grants: readonly Grant[], why: string): Reach[] {
    const seen = snatSources(fw);
    let admitted = Intervals.empty(PORTS);
    if (seen) for (const g of grants) if (g.outcome === "allow" && seen.subtract(g.sources).isEmpty) admitted = admitted.union(g.ports);
    return reaches.map((r) => (r.outcome === "allow" && r.ports.subtract(admitted).isEmpty ? r : { ...r, outcome: "uncertain", doubts: [...r.doubts, why] }));
  }

  /**
   * The firewall's decision on the part of a grant routed through it, per port piece. With `snat`,
   * the grant is the NSGs' answer for the firewall's address, which the reach is certain of only when
   * `snat.certain`.
   */
  private throughFirewall(fw: Firewall, host: Cidr | undefined, g: Grant, part: SourceSet, probe: Probe, snat?: SnatPath): Reach[] {
    const out: Reach[] = [];
    const points: [number, number][] = probe.protocol === "Icmp" ? [[0, 65535]] : portCuts(g.ports, fw);
    for (const [from, to] of points) {
      const partition = this.firewalls.evaluate(fw, host, probe.protocol, from);
      const ports = Intervals.of(PORTS, [[from, to]]);
      const pieces: { sources: SourceSet; outcome: "allow" | "deny" | "uncertain"; rule?: FirewallRule; doubts: string[] }[] = [];
      const piece = (sources: SourceSet, v: (typeof partition.v4)[number]["value"]) => ({ sources, outcome: v.outcome, rule: decidingRule(v), doubts: v.doubt?.doubts ?? [] });
      for (const s of partition.v4) pieces.push(piece(SourceSet.v4([[s.start, s.end]]), s.value));
      for (const s of partition.v6) pieces.push(piece(SourceSet.v6([[s.start, s.end]]), s.value));
      for (const p of pieces) {
        if (p.outcome === "deny") continue;
        const sources = part.intersect(p.sources);
        if (sources.isEmpty) continue;
        const outcome = p.outcome === "allow" && g.outcome === "allow" && (!snat || snat.certain) ? "allow" : "uncertain";
        out.push({
          outcome, sources, ports: ports.intersect(g.ports), protocol: probe.protocol, grant: g,
          firewall: { firewall: fw, rule: p.rule, note: p.rule ? undefined : "the firewall's rules are not all known", ...(snat?.sources ? { snat: snat.sources } : {}) },
          doubts: [...grantDoubts(g), ...p.doubts, ...(snat?.doubts ?? [])],
        });
      }
    }
    return mergeReaches(out);
  }

  /**
   * DNAT rules publishing the endpoint: their sources reach it when the NSG admits the firewall's
   * subnet. A subnet endpoint too: it stands for the subnet's hosts, and a DNAT rule to an address of
   * the subnet publishes one of them (uncertain: see {@link FirewallIndex.dnatTo}).
   */
  private dnatReaches(endpoint: Endpoint, probe: Probe, grants: readonly Grant[]): Reach[] {
    if (probe.protocol === "Icmp") return [];
    const out: Reach[] = [];
    for (const d of this.firewalls.dnatTo(endpoint, probe.protocol, probe.from, probe.to, this.taken)) {
      const fwSubnet = d.rule.firewall?.subnet;
      const snat = fwSubnet?.prefixes.known ? subnetSources(fwSubnet) : undefined;
      const admitting = grants.find((g) => (snat ? g.sources.overlaps(snat) : !g.sources.v4.isEmpty));
      if (!admitting) continue;
      const port = d.rule.translatedPort?.known ? d.rule.translatedPort.value : probe.from;
      const doubts = [...d.doubts, ...grantDoubts(admitting)];
      if (!snat) {
        const fw = d.rule.firewall;
        const why = !fw ? `it is not known which firewall uses ${d.rule.label} (${d.rule.firewallUnknown ?? "not part of this configuration"})`
          : `the subnet of firewall ${fw.resource.address} ${fw.subnet ? "has no known prefixes" : "is not known"}`;
        doubts.push(`${why}, so the address its DNAT traffic comes from is not known`);
      }
      out.push({
        outcome: d.definite && snat && admitting.outcome === "allow" ? "allow" : "uncertain",
        sources: d.rule.sources.known ? d.rule.sources.value : SourceSet.ALL,
        ports: Intervals.of(PORTS, [[port, port]]), protocol: probe.protocol, grant: admitting, dnat: d.rule, doubts,
      });
    }
    return out;
  }

  /**
   * The sources whose route to `host` goes through a firewall (or an unknown hop): every subnet of
   * the configuration, grouped by VNet and route tables (subnets alike route alike), plus the
   * on-premises ranges behind a gateway whose GatewaySubnet routes through a firewall.
   */
  private routedGroups(endpoint: Endpoint, host: Cidr): RoutedGroup[] {
    // Subnets without route tables send nothing through a firewall: most configurations have none.
    const classes = this.routeClassesOf();
    if (classes.length === 0) return [];
    // Per subnet too: the endpoint's own subnet is left out (its traffic is not routed), and two
    // endpoints in VNets with overlapping spaces may share an address.
    const key = `${endpoint.subnet?.key ?? ""}|${host.text}`;
    const cached = this.routedCache.get(key);
    if (cached) return cached;
    const byHop = new Map<Firewall | string | typeof DROPPED, SourceSet>();
    for (const subnets of classes) {
      const hop = nextHop(subnets[0], host, this.firewalls);
      if (hop.kind !== "firewall" && hop.kind !== "unknown" && hop.kind !== "drop") continue;
      const k = hop.kind === "firewall" ? hop.firewall : hop.kind === "drop" ? DROPPED : hop.reason;
      let sources = byHop.get(k) ?? SourceSet.EMPTY;
      for (const s of subnets) {
        if (s === endpoint.subnet) continue; // traffic inside a subnet is not routed
        if (isGatewaySubnet(s)) {
          // Traffic from on-premises enters through the gateway and follows GatewaySubnet's routes.
          for (const lng of s.vnet?.localGateways ?? []) if (lng.addressSpace.known) sources = sources.union(cidrsSources(lng.addressSpace.value));
          continue;
        }
        if (s.prefixes.known) sources = sources.union(subnetSources(s));
      }
      byHop.set(k, sources);
    }
    const groups: RoutedGroup[] = [...byHop.entries()].map(([k, sources]) => (k === DROPPED ? { sources, dropped: true } : typeof k === "string" ? { sources, unknown: k } : { sources, firewall: k }));
    this.routedCache.set(key, groups);
    return groups;
  }

  /** True when some subnet has a route table (or one that cannot be followed): sources may then be routed through a hop. */
  public get anyRoutes(): boolean {
    return this.routeClassesOf().length > 0;
  }

  /** Built once, not per host: a scan of every subnet per host would be quadratic. */
  private routeClassesOf(): Subnet[][] {
    if (this.routeClasses) return this.routeClasses;
    const classes = new Map<string, Subnet[]>();
    for (const s of this.access.topology.subnets) {
      if (s.routeTables.length === 0 && !s.routeTableUnknown) continue;
      const k = `${s.vnet?.resource.address ?? "?"}|${s.routeTables.map((t) => t.resource.address).join(",")}|${s.routeTableUnknown ?? ""}`;
      const list = classes.get(k);
      if (list) list.push(s);
      else classes.set(k, [s]);
    }
    return (this.routeClasses = [...classes.values()]);
  }
}

function subnetSources(s: Subnet): SourceSet {
  return s.prefixes.known ? cidrsSources(s.prefixes.value) : SourceSet.EMPTY;
}

/** The addresses a firewall SNATs to (its AzureFirewallSubnet's), or undefined when not known. */
function snatSources(fw: Firewall): SourceSet | undefined {
  return fw.subnet?.prefixes.known ? subnetSources(fw.subnet) : undefined;
}

/** The prefixes of a firewall's subnet, for messages. */
function subnetText(fw: Firewall): string {
  return fw.subnet?.prefixes.known ? fw.subnet.prefixes.value.map((c) => c.text).join(", ") : "its subnet";
}

function cidrsSources(cidrs: Cidr[]): SourceSet {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const c of cidrs) (c.family === 4 ? v4.push([c.start, c.end]) : v6.push([c.start, c.end]));
  return new SourceSet(Intervals.of(V4, v4), Intervals.of(V6, v6), TokenSet.NONE);
}

function grantDoubts(g: Grant): string[] {
  const out: string[] = [];
  for (const l of g.layers) {
    if (l.doubt) out.push(`rule "${l.doubt.name}" may decide otherwise (${(l.doubtReasons ?? []).join("; ")})`);
    if (l.note && g.outcome === "uncertain" && !l.rule) out.push(l.note);
  }
  return out;
}

/**
 * The firewall rule a reach is decided by, as deciderOf does for NSG rules: an allow that an unknown
 * rule may shadow is the allow's; a deny (the firewall's default deny among them) that a rule whose
 * values are not known may override is that rule's, which a user must make known (fail closed: the
 * reach is "may", named by it). Unset when neither is a rule (the firewall's rules are not all known).
 */
function decidingRule(v: Verdict<FirewallRule | undefined>): FirewallRule | undefined {
  if (v.outcome === "uncertain" && v.owner?.access !== "Allow") return v.doubt?.rule ?? v.owner?.rule;
  return v.owner?.rule;
}

/** Cuts a grant's ports where a firewall rule's ports start or end. */
function portCuts(ports: Intervals<number>, fw: Firewall): [number, number][] {
  const cuts = new Set<number>();
  for (const [a] of ports.ranges()) cuts.add(a);
  for (const r of fw.rules) {
    if (!r.destinationPorts.known) continue;
    for (const [a, b] of r.destinationPorts.value.ranges()) {
      if (ports.contains(a)) cuts.add(a);
      if (ports.contains(b + 1)) cuts.add(b + 1);
    }
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    let b = i + 1 < points.length ? points[i + 1] - 1 : 65535;
    const range = ports.ranges().find(([s, e]) => s <= a && a <= e)!;
    b = Math.min(b, range[1]);
    out.push([a, b]);
  }
  return out;
}

function mergeReaches(list: Reach[]): Reach[] {
  const out: Reach[] = [];
  for (const r of list) {
    const same = out.find((o) => o.outcome === r.outcome && o.firewall?.rule === r.firewall?.rule && o.sources.equals(r.sources));
    if (same) (same as { ports: Intervals<number> }).ports = same.ports.union(r.ports);
    else out.push(r);
  }
  return out;
}
