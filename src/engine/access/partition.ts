/**
 * First-match evaluation over the whole source space, shared by NSGs and firewalls: each decider
 * (a rule as it applies to one question) has an order, an access and the sources it matches; a
 * sweep line paints every source interval or token with the first decider covering it (n log n in
 * the deciders). Deciders whose fields are not known are kept as "could match": where one of them
 * comes before the owner and could decide otherwise, the outcome is *uncertain*, never a pass.
 */
import { Domain, Intervals, V4, V6 } from "./intervals";
import { SourceSet } from "./source-set";

/** A rule as it applies to one question. */
export interface Candidate<R> {
  readonly rule: R;
  /** Evaluation order (lowest first); rules whose place is not known come first. */
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
export interface Verdict<R> {
  readonly outcome: "allow" | "deny" | "uncertain";
  /** The rule that decides (absent when the layer has no filter or an unknown one). */
  readonly owner?: Candidate<R>;
  /** An earlier rule that could decide otherwise (makes the outcome uncertain). */
  readonly doubt?: Candidate<R>;
  /** Why the layer decides as it does without a rule (no NSG, an NSG outside the configuration). */
  readonly note?: string;
}

interface Seg<T, R> {
  readonly start: T;
  readonly end: T;
  readonly value: Verdict<R>;
}

/** A decision over the whole source space. */
export interface Partition<R> {
  readonly v4: Seg<number, R>[];
  readonly v6: Seg<bigint, R>[];
  /** Per named token; every other token has `rest`. */
  readonly tokens: Map<string, Verdict<R>>;
  readonly rest: Verdict<R>;
}

/** Order for rules whose place in the evaluation is not known: they could come first. */
export const UNKNOWN_ORDER = -1;

/** Paints candidates over one interval domain: each segment gets the first (lowest-order) candidate covering it. */
function paint<T extends number | bigint, R>(domain: Domain<T>, items: { c: Candidate<R>; set: Intervals<T> }[]): { start: T; end: T; c: Candidate<R> }[] {
  type Ev = { at: T; c: Candidate<R>; open: boolean };
  if (items.length === 0) return [];
  const events: Ev[] = [];
  for (const { c, set } of items) {
    for (let i = 0; i < set.starts.length; i++) {
      events.push({ at: set.starts[i], c, open: true });
      if (set.ends[i] !== domain.max) events.push({ at: domain.succ(set.ends[i]), c, open: false });
    }
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const heap = new OrderHeap<R>();
  const out: { start: T; end: T; c: Candidate<R> }[] = [];
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
class OrderHeap<R> {
  private readonly heap: Candidate<R>[] = [];
  private readonly count = new Map<Candidate<R>, number>();

  public add(c: Candidate<R>): void {
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

  public remove(c: Candidate<R>): void {
    this.count.set(c, (this.count.get(c) ?? 1) - 1);
  }

  public top(): Candidate<R> | undefined {
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
function overlay<T extends number | bigint, R>(
  domain: Domain<T>,
  owners: { start: T; end: T; c: Candidate<R> }[],
  mayAllow: { start: T; end: T; c: Candidate<R> }[],
  mayDeny: { start: T; end: T; c: Candidate<R> }[],
): Seg<T, R>[] {
  // Every rule known (the common case): the owners' painting is the answer.
  if (mayAllow.length === 0 && mayDeny.length === 0) {
    return owners.map((s) => ({ start: s.start, end: s.end, value: { outcome: s.c.access === "Allow" ? "allow" : "deny", owner: s.c } }));
  }
  const cuts = new Set<T>();
  for (const list of [owners, mayAllow, mayDeny]) {
    for (const s of list) {
      cuts.add(s.start);
      if (s.end !== domain.max) cuts.add(domain.succ(s.end));
    }
  }
  const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = (list: { start: T; end: T; c: Candidate<R> }[], idx: { i: number }, p: T): Candidate<R> | undefined => {
    while (idx.i < list.length && list[idx.i].end < p) idx.i++;
    const s = list[idx.i];
    return s && s.start <= p && p <= s.end ? s.c : undefined;
  };
  const io = { i: 0 };
  const ia = { i: 0 };
  const id = { i: 0 };
  const out: Seg<T, R>[] = [];
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

function decide<R>(owner: Candidate<R>, mayAllow: Candidate<R> | undefined, mayDeny: Candidate<R> | undefined): Verdict<R> {
  const allow = owner.access === "Allow";
  const doubt = allow ? mayDeny : mayAllow;
  if (doubt && doubt.order < owner.order) return { outcome: "uncertain", owner, doubt };
  return { outcome: allow ? "allow" : "deny", owner };
}

function sameVerdict<R>(a: Verdict<R>, b: Verdict<R>): boolean {
  return a.outcome === b.outcome && a.owner === b.owner && a.doubt === b.doubt && a.note === b.note;
}

/**
 * The decision over the whole source space of a list of candidates. Definite candidates must cover
 * every source: NSGs end with DenyAllInBound, and a firewall's evaluation ends with a deny-all
 * candidate standing for its default deny.
 */
export function partitionOf<R>(cands: Candidate<R>[]): Partition<R> {
  const definite = cands.filter((c) => c.definite);
  const mayAllow = cands.filter((c) => !c.definite && c.access !== "Deny");
  const mayDeny = cands.filter((c) => !c.definite && c.access !== "Allow");
  const paint4 = (list: Candidate<R>[]) => paint(V4, list.map((c) => ({ c, set: c.sources.v4 })));
  const paint6 = (list: Candidate<R>[]) => paint(V6, list.map((c) => ({ c, set: c.sources.v6 })));
  const v4 = overlay(V4, paint4(definite), paint4(mayAllow), paint4(mayDeny));
  const v6 = overlay(V6, paint6(definite), paint6(mayAllow), paint6(mayDeny));
  const names = new Set<string>();
  for (const c of cands) if (!c.sources.tokens.all) c.sources.tokens.names.forEach((n) => names.add(n));
  const tokenVerdict = (name: string | undefined): Verdict<R> => {
    const covers = (c: Candidate<R>) => (name === undefined ? c.sources.tokens.all : c.sources.tokens.has(name));
    const first = (list: Candidate<R>[]) => list.filter(covers).reduce<Candidate<R> | undefined>((a, c) => (!a || c.order < a.order ? c : a), undefined);
    return decide(first(definite)!, first(mayAllow), first(mayDeny));
  };
  const tokens = new Map<string, Verdict<R>>();
  for (const n of names) tokens.set(n, tokenVerdict(n));
  return { v4, v6, tokens, rest: tokenVerdict(undefined) };
}

/** The same verdict everywhere (a layer with no NSG, or one this configuration cannot see). */
export function uniformPartition<R>(verdict: Verdict<R>): Partition<R> {
  return {
    v4: [{ start: V4.min, end: V4.max, value: verdict }],
    v6: [{ start: V6.min, end: V6.max, value: verdict }],
    tokens: new Map(),
    rest: verdict,
  };
}

/** Both layers' decisions, side by side, for each piece of the source space. */
export interface CombinedVerdict<R> {
  readonly outcome: "allow" | "deny" | "uncertain";
  readonly layers: readonly Verdict<R>[];
}

export function combineVerdicts<R>(layers: Verdict<R>[]): CombinedVerdict<R> {
  if (layers.some((l) => l.outcome === "deny")) return { outcome: "deny", layers };
  if (layers.every((l) => l.outcome === "allow")) return { outcome: "allow", layers };
  return { outcome: "uncertain", layers };
}

/** The layers' segments cut where any layer's verdict changes: each piece with every layer's verdict. */
export function intersectSegs<T extends number | bigint, R>(lists: Seg<T, R>[][]): { start: T; end: T; values: Verdict<R>[] }[] {
  let acc: { start: T; end: T; values: Verdict<R>[] }[] = lists[0].map((s) => ({ start: s.start, end: s.end, values: [s.value] }));
  for (const list of lists.slice(1)) {
    const next: { start: T; end: T; values: Verdict<R>[] }[] = [];
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
