/**
 * Azure's NSG processing, before apply, for one destination and one protocol/port: rules in
 * priority order, first match wins, Azure's default rules last, subnet NSG then NIC NSG (both must
 * allow inbound). Written from "How network security groups filter network traffic" and "Network
 * security groups: security rules / default security rules" (learn.microsoft.com/azure/virtual-network).
 *
 * Each layer is painted once over the whole source space with a sweep line (n log n in its rules):
 * every source interval or token ends up owned by the first rule that matches it. Rules whose
 * fields are not known are kept as "could match": where one of them comes before the owner and
 * could decide otherwise, the outcome is *uncertain*, never a pass.
 */
import { Cidr } from "./addresses";
import { describeUnknown } from "./fields";
import { Domain, Intervals, PORTS, V4, V6 } from "./intervals";
import { SourceSet } from "./source-set";
import { AddressTerm, Nsg, NsgRule, Protocol } from "./topology";

/** The destination of a query: one host, a range of possible hosts (a subnet, a dynamic IP), or unknown. */
export type Destination =
  | { readonly kind: "host"; readonly cidr: Cidr }
  | { readonly kind: "range"; readonly cidrs: readonly Cidr[] }
  | { readonly kind: "unknown"; readonly reason: string };

/** What the evaluation needs to know about the destination's network. */
export interface EvalContext {
  /** The `VirtualNetwork` service tag, expanded. */
  readonly vnetSources: SourceSet;
  /** The `Internet` service tag, expanded. */
  readonly internetSources: SourceSet;
  readonly destination: Destination;
  /** The application security groups of the destination NIC. */
  readonly asgs: ReadonlySet<string>;
  readonly asgUnknown?: string;
}

/** A rule as it applies to one query. */
export interface Candidate {
  readonly rule: NsgRule;
  /** Evaluation order: priority, then a stable tie-breaker; rules of unknown priority come first. */
  readonly order: number;
  /** Allow, deny, or not known (could be either). */
  readonly access: "Allow" | "Deny" | undefined;
  /** True when every field it depends on is known and it matches. */
  readonly definite: boolean;
  readonly sources: SourceSet;
  /** Why it might (not) match, for could-not-verify messages. */
  readonly doubts: string[];
}

/** One layer's decision for a piece of the source space. */
export interface Verdict {
  readonly outcome: "allow" | "deny" | "uncertain";
  /** The rule that decides (absent when the layer has no NSG or an unknown one). */
  readonly owner?: Candidate;
  /** An earlier rule that could decide otherwise (makes the outcome uncertain). */
  readonly doubt?: Candidate;
  /** Why the layer decides as it does without a rule (no NSG, an NSG outside the configuration). */
  readonly note?: string;
}

interface Seg<T> {
  readonly start: T;
  readonly end: T;
  readonly value: Verdict;
}

const ALL_TOKENS = new SourceSet(Intervals.empty(V4), Intervals.empty(V6), SourceSet.ALL.tokens);

/** A decision over the whole source space. */
export interface Partition {
  readonly v4: Seg<number>[];
  readonly v6: Seg<bigint>[];
  /** Per named token; every other token has `rest`. */
  readonly tokens: Map<string, Verdict>;
  readonly rest: Verdict;
}

const NO_ORDER = -1;

/** Azure's default inbound rules: AllowVNetInBound (65000), AllowAzureLoadBalancerInBound (65001), DenyAllInBound (65500). */
export function defaultInboundRules(nsg: Nsg): NsgRule[] {
  return DEFAULTS.map((d, i) => ({
    id: -3 + i, resource: nsg.resource, name: d.name, inline: true, isDefault: true, nsg,
    direction: { known: true as const, value: "Inbound" as const },
    access: { known: true as const, value: d.access },
    priority: { known: true as const, value: d.priority },
    protocol: { known: true as const, value: "*" as Protocol },
    sources: { known: true as const, value: [d.source] },
    destinations: { known: true as const, value: [d.destination] },
    destinationPorts: { known: true as const, value: Intervals.all(PORTS) },
    sourcePorts: { known: true as const, value: Intervals.all(PORTS) },
    unknowns: [],
  }));
}

const DEFAULTS: { name: string; priority: number; access: "Allow" | "Deny"; source: AddressTerm; destination: AddressTerm }[] = [
  { name: "AllowVNetInBound", priority: 65000, access: "Allow", source: { kind: "tag", text: "VirtualNetwork", tag: "virtualnetwork" }, destination: { kind: "tag", text: "VirtualNetwork", tag: "virtualnetwork" } },
  { name: "AllowAzureLoadBalancerInBound", priority: 65001, access: "Allow", source: { kind: "tag", text: "AzureLoadBalancer", tag: "azureloadbalancer" }, destination: { kind: "any", text: "*" } },
  { name: "DenyAllInBound", priority: 65500, access: "Deny", source: { kind: "any", text: "*" }, destination: { kind: "any", text: "*" } },
];

/** The sources an address term stands for. */
export function termSources(t: AddressTerm, ctx: EvalContext): SourceSet | undefined {
  switch (t.kind) {
    case "any": return SourceSet.ALL;
    case "cidr": return t.cidr.family === 4 ? SourceSet.v4([[t.cidr.start, t.cidr.end]]) : SourceSet.v6([[t.cidr.start, t.cidr.end]]);
    case "tag":
      if (t.tag === "virtualnetwork") return ctx.vnetSources;
      if (t.tag === "internet") return ctx.internetSources;
      return SourceSet.token(`tag:${t.tag}`);
    case "asg": return SourceSet.token(`asg:${t.id}`);
    default: return undefined;
  }
}

/** Does a destination term match the query's destination? For a range, an allow needs some host, a deny every host. */
function destinationMatch(t: AddressTerm, ctx: EvalContext, deny: boolean | undefined): "yes" | "no" | "maybe" {
  const d = ctx.destination;
  switch (t.kind) {
    case "any": return "yes";
    case "unknown": return "maybe";
    case "asg":
      if (ctx.asgs.has(t.id)) return "yes";
      return ctx.asgUnknown ? "maybe" : "no";
    case "tag": {
      // A VNet host is in VirtualNetwork and never in Internet or another service's tag.
      if (t.tag !== "virtualnetwork") return "no";
      if (d.kind === "unknown") return "maybe";
      const cidrs = d.kind === "host" ? [d.cidr] : d.cidrs;
      const vnet = ctx.vnetSources;
      const inVnet = cidrs.every((c) => (c.family === 4 ? vnet.v4.containsRange(c.start, c.end) : vnet.v6.containsRange(c.start, c.end)));
      // The destination is a host of a subnet of the VNet even when the address space is not known.
      return inVnet ? "yes" : "maybe";
    }
    case "cidr": {
      if (d.kind === "unknown") return "maybe";
      const cidrs = d.kind === "host" ? [d.cidr] : d.cidrs;
      const rel = cidrs.map((c) => relation(t.cidr, c));
      if (d.kind === "host") return rel[0] === "contains" ? "yes" : "no";
      if (rel.every((r) => r === "disjoint")) return "no";
      if (rel.every((r) => r === "contains")) return "yes";
      // Part of the range: some hosts match. An allow then opens something; a deny blocks only part.
      return deny === true ? "no" : deny === false ? "yes" : "maybe";
    }
  }
}

function relation(outer: Cidr, inner: Cidr): "contains" | "partial" | "disjoint" {
  if (outer.family !== inner.family) return "disjoint";
  const os = outer.start as number | bigint;
  const oe = outer.end as number | bigint;
  const is = inner.start as number | bigint;
  const ie = inner.end as number | bigint;
  if (os <= is && ie <= oe) return "contains";
  if (is <= oe && os <= ie) return "partial";
  return "disjoint";
}

/**
 * The rule as it applies to `protocol`/`port` at the destination; undefined when it certainly does
 * not apply (other direction, protocol, ports or destination).
 */
export function candidate(rule: NsgRule, ctx: EvalContext, protocol: Protocol, port: number): Candidate | undefined {
  const doubts: string[] = [];
  if (rule.direction.known) {
    if (rule.direction.value !== "Inbound") return undefined;
  } else doubts.push(describeUnknown(rule.direction));
  if (rule.protocol.known) {
    if (rule.protocol.value !== "*" && rule.protocol.value !== protocol) return undefined;
  } else doubts.push(describeUnknown(rule.protocol));
  const portless = protocol === "Icmp" || protocol === "Esp" || protocol === "Ah";
  if (!portless) {
    if (rule.destinationPorts.known) {
      if (!rule.destinationPorts.value.contains(port)) return undefined;
    } else doubts.push(describeUnknown(rule.destinationPorts));
  }
  const access = rule.access.known ? rule.access.value : undefined;
  if (!rule.access.known) doubts.push(describeUnknown(rule.access));
  const deny = access === undefined ? undefined : access === "Deny";
  // A deny limited to some source ports does not stop a sender who picks another port; an allow's
  // source ports are the sender's choice, so they do not narrow an exposure.
  if (deny === true && portless === false) {
    if (!rule.sourcePorts.known) doubts.push(describeUnknown(rule.sourcePorts));
    else if (!rule.sourcePorts.value.isAll && !rule.sourcePorts.value.containsRange(1, 65535)) return undefined;
  }
  if (rule.destinations.known) {
    const states = rule.destinations.value.map((t) => destinationMatch(t, ctx, deny));
    if (states.every((s) => s === "no")) return undefined;
    if (!states.includes("yes")) doubts.push(`destination ${rule.destinations.value.map((t) => t.text).join(", ")} may or may not be this host${ctx.asgUnknown ? ` (${ctx.asgUnknown})` : ""}`);
  } else doubts.push(describeUnknown(rule.destinations));
  let sources = SourceSet.EMPTY;
  if (rule.sources.known) {
    for (const t of rule.sources.value) {
      const s = termSources(t, ctx);
      if (s) sources = sources.union(s);
    }
  } else {
    doubts.push(describeUnknown(rule.sources));
    sources = SourceSet.ALL;
  }
  if (!rule.priority.known) doubts.push(describeUnknown(rule.priority));
  for (const u of rule.unknowns) if (u.field === "network_security_group_name") doubts.push(describeUnknown(u));
  const order = rule.priority.known ? rule.priority.value * 1_000_000 + (rule.id + 10) : NO_ORDER;
  return { rule, order, access, definite: doubts.length === 0, sources, doubts };
}

/** Paints candidates over one interval domain: each segment gets the first (lowest-order) candidate covering it. */
function paint<T extends number | bigint>(domain: Domain<T>, items: { c: Candidate; set: Intervals<T> }[]): { start: T; end: T; c: Candidate }[] {
  type Ev = { at: T; c: Candidate; open: boolean };
  const events: Ev[] = [];
  for (const { c, set } of items) {
    for (let i = 0; i < set.starts.length; i++) {
      events.push({ at: set.starts[i], c, open: true });
      if (set.ends[i] !== domain.max) events.push({ at: domain.succ(set.ends[i]), c, open: false });
    }
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const heap = new OrderHeap();
  const out: { start: T; end: T; c: Candidate }[] = [];
  let i = 0;
  while (i < events.length) {
    const at = events[i].at;
    while (i < events.length && events[i].at === at) {
      const e = events[i++];
      if (e.open) heap.add(e.c);
      else heap.remove(e.c);
    }
    const top = heap.top();
    const next = i < events.length ? domain.pred(events[i].at) : domain.max;
    if (top && at <= next) {
      const last = out[out.length - 1];
      if (last && last.c === top && domain.succ(last.end) === at) (last as { end: T }).end = next;
      else out.push({ start: at, end: next, c: top });
    }
  }
  return out;
}

/** A min-heap of candidates by order, with lazy removal. */
class OrderHeap {
  private readonly heap: Candidate[] = [];
  private readonly count = new Map<Candidate, number>();

  public add(c: Candidate): void {
    this.count.set(c, (this.count.get(c) ?? 0) + 1);
    const h = this.heap;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].order <= h[i].order) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  public remove(c: Candidate): void {
    this.count.set(c, (this.count.get(c) ?? 1) - 1);
  }

  public top(): Candidate | undefined {
    const h = this.heap;
    while (h.length > 0 && (this.count.get(h[0]) ?? 0) <= 0) {
      const last = h.pop()!;
      if (h.length === 0) break;
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].order < h[m].order) m = l;
        if (r < h.length && h[r].order < h[m].order) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return h[0];
  }
}

/** Overlays three paintings (owner, first could-allow, first could-deny) into verdict segments. */
function overlay<T extends number | bigint>(
  domain: Domain<T>,
  owners: { start: T; end: T; c: Candidate }[],
  mayAllow: { start: T; end: T; c: Candidate }[],
  mayDeny: { start: T; end: T; c: Candidate }[],
): Seg<T>[] {
  const cuts = new Set<T>();
  for (const list of [owners, mayAllow, mayDeny]) {
    for (const s of list) {
      cuts.add(s.start);
      if (s.end !== domain.max) cuts.add(domain.succ(s.end));
    }
  }
  const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = (list: { start: T; end: T; c: Candidate }[], idx: { i: number }, p: T): Candidate | undefined => {
    while (idx.i < list.length && list[idx.i].end < p) idx.i++;
    const s = list[idx.i];
    return s && s.start <= p && p <= s.end ? s.c : undefined;
  };
  const io = { i: 0 };
  const ia = { i: 0 };
  const id = { i: 0 };
  const out: Seg<T>[] = [];
  for (let k = 0; k < points.length; k++) {
    const p = points[k];
    const end = k + 1 < points.length ? domain.pred(points[k + 1]) : domain.max;
    const owner = at(owners, io, p);
    if (!owner) continue;
    const verdict = decide(owner, at(mayAllow, ia, p), at(mayDeny, id, p));
    const last = out[out.length - 1];
    if (last && sameVerdict(last.value, verdict) && domain.succ(last.end) === p) (last as { end: T }).end = end;
    else out.push({ start: p, end, value: verdict });
  }
  return out;
}

function decide(owner: Candidate, mayAllow: Candidate | undefined, mayDeny: Candidate | undefined): Verdict {
  const allow = owner.access === "Allow";
  const doubt = allow ? mayDeny : mayAllow;
  if (doubt && doubt.order < owner.order) return { outcome: "uncertain", owner, doubt };
  return { outcome: allow ? "allow" : "deny", owner };
}

function sameVerdict(a: Verdict, b: Verdict): boolean {
  return a.outcome === b.outcome && a.owner === b.owner && a.doubt === b.doubt && a.note === b.note;
}

/** One NSG's decision over the whole source space for `protocol`/`port` at the destination (`defaults`: {@link defaultInboundRules}). */
export function evaluateNsg(nsg: Nsg, defaults: readonly NsgRule[], ctx: EvalContext, protocol: Protocol, port: number): Partition {
  const cands: Candidate[] = [];
  for (const r of [...nsg.rules, ...defaults]) {
    const c = candidate(r, ctx, protocol, port);
    if (c) cands.push(c);
  }
  const definite = cands.filter((c) => c.definite);
  const mayAllow = cands.filter((c) => !c.definite && c.access !== "Deny");
  const mayDeny = cands.filter((c) => !c.definite && c.access !== "Allow");
  const paint4 = (list: Candidate[]) => paint(V4, list.map((c) => ({ c, set: c.sources.v4 })));
  const paint6 = (list: Candidate[]) => paint(V6, list.map((c) => ({ c, set: c.sources.v6 })));
  const v4 = overlay(V4, paint4(definite), paint4(mayAllow), paint4(mayDeny));
  const v6 = overlay(V6, paint6(definite), paint6(mayAllow), paint6(mayDeny));
  const names = new Set<string>();
  for (const c of cands) if (!c.sources.tokens.all) c.sources.tokens.names.forEach((n) => names.add(n));
  const tokenVerdict = (name: string | undefined): Verdict => {
    const covers = (c: Candidate) => (name === undefined ? c.sources.tokens.all : c.sources.tokens.has(name));
    const first = (list: Candidate[]) => list.filter(covers).reduce<Candidate | undefined>((a, c) => (!a || c.order < a.order ? c : a), undefined);
    return decide(first(definite)!, first(mayAllow), first(mayDeny));
  };
  const tokens = new Map<string, Verdict>();
  for (const n of names) tokens.set(n, tokenVerdict(n));
  return { v4, v6, tokens, rest: tokenVerdict(undefined) };
}

/** The same verdict everywhere (a layer with no NSG, or one this configuration cannot see). */
export function uniformPartition(verdict: Verdict): Partition {
  return {
    v4: [{ start: V4.min, end: V4.max, value: verdict }],
    v6: [{ start: V6.min, end: V6.max, value: verdict }],
    tokens: new Map(),
    rest: verdict,
  };
}

/** Both layers' decisions, side by side, for each piece of the source space. */
export interface CombinedVerdict {
  readonly outcome: "allow" | "deny" | "uncertain";
  readonly layers: readonly Verdict[];
}

function combineVerdicts(layers: Verdict[]): CombinedVerdict {
  if (layers.some((l) => l.outcome === "deny")) return { outcome: "deny", layers };
  if (layers.every((l) => l.outcome === "allow")) return { outcome: "allow", layers };
  return { outcome: "uncertain", layers };
}

/** A piece of the source space with its combined decision. */
export interface Piece {
  readonly sources: SourceSet;
  readonly verdict: CombinedVerdict;
}

function intersectSegs<T extends number | bigint>(lists: Seg<T>[][]): { start: T; end: T; values: Verdict[] }[] {
  let acc: { start: T; end: T; values: Verdict[] }[] = lists[0].map((s) => ({ start: s.start, end: s.end, values: [s.value] }));
  for (const list of lists.slice(1)) {
    const next: { start: T; end: T; values: Verdict[] }[] = [];
    let i = 0;
    let j = 0;
    while (i < acc.length && j < list.length) {
      const a = acc[i];
      const b = list[j];
      const start = a.start > b.start ? a.start : b.start;
      const end = a.end < b.end ? a.end : b.end;
      if (start <= end) next.push({ start, end, values: [...a.values, b.value] });
      if (a.end < b.end) i++;
      else j++;
    }
    acc = next;
  }
  return acc;
}

/** Combines the layers a packet crosses (subnet NSG, NIC NSG): each must allow. */
export function combineLayers(parts: Partition[]): Piece[] {
  const out: Piece[] = [];
  for (const s of intersectSegs(parts.map((p) => p.v4))) out.push({ sources: SourceSet.v4([[s.start, s.end]]), verdict: combineVerdicts(s.values) });
  for (const s of intersectSegs(parts.map((p) => p.v6))) out.push({ sources: SourceSet.v6([[s.start, s.end]]), verdict: combineVerdicts(s.values) });
  const names = new Set<string>();
  parts.forEach((p) => p.tokens.forEach((_, n) => names.add(n)));
  for (const n of names) out.push({ sources: SourceSet.token(n), verdict: combineVerdicts(parts.map((p) => p.tokens.get(n) ?? p.rest)) });
  const restTokens = [...names].reduce((acc, n) => acc.subtract(SourceSet.token(n)), ALL_TOKENS);
  out.push({ sources: restTokens, verdict: combineVerdicts(parts.map((p) => p.rest)) });
  return out;
}
