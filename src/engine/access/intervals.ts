/**
 * Sorted, disjoint, closed intervals over one IP family (IPv4 as numbers, IPv6 as bigints) or over
 * ports. Every set operation is a linear merge of two sorted lists (overlaps of a few ranges against
 * many: a binary search per range), so the access model stays linear (n log n with the sorting) in
 * the number of rules.
 */

/** The arithmetic an interval set needs from its element type. */
export interface Domain<T extends number | bigint> {
  readonly min: T;
  readonly max: T;
  succ(v: T): T;
  pred(v: T): T;
  /** Number of elements in [a, b], as a number (may round for IPv6: used for proportions only). */
  size(a: T, b: T): number;
}

export const V4: Domain<number> = {
  min: 0,
  max: 0xffffffff,
  succ: (v) => v + 1,
  pred: (v) => v - 1,
  size: (a, b) => b - a + 1,
};

export const V6: Domain<bigint> = {
  min: 0n,
  max: (1n << 128n) - 1n,
  succ: (v) => v + 1n,
  pred: (v) => v - 1n,
  size: (a, b) => Number(b - a + 1n),
};

export const PORTS: Domain<number> = {
  min: 0,
  max: 65535,
  succ: (v) => v + 1,
  pred: (v) => v - 1,
  size: (a, b) => b - a + 1,
};

/** An immutable interval set. */
export class Intervals<T extends number | bigint> {
  /** The empty set (one instance per domain: the model holds many, and sets are immutable). */
  public static empty<T extends number | bigint>(domain: Domain<T>): Intervals<T> {
    return (EMPTY.get(domain) as Intervals<T> | undefined) ?? Intervals.shared(EMPTY, new Intervals(domain, [], []));
  }

  /** Every element of the domain (one instance per domain). */
  public static all<T extends number | bigint>(domain: Domain<T>): Intervals<T> {
    return (ALL.get(domain) as Intervals<T> | undefined) ?? Intervals.shared(ALL, new Intervals(domain, [domain.min], [domain.max]));
  }

  /** The union of closed ranges, given in any order. */
  public static of<T extends number | bigint>(domain: Domain<T>, ranges: Iterable<readonly [T, T]>): Intervals<T> {
    const list: readonly (readonly [T, T])[] = Array.isArray(ranges) ? ranges : [...ranges];
    // One range (most sets the model builds): no copy, no sort.
    if (list.length === 1) {
      const a = list[0][0];
      const b = list[0][1];
      if (a === domain.min && b === domain.max) return Intervals.all(domain); // "*": one shared set
      return a <= b ? new Intervals(domain, [a], [b]) : Intervals.empty(domain);
    }
    // Ranges gathered in order (sweeps, partitions) need no sort; otherwise sort a copy (never the caller's array).
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1][0] <= list[i][0];
    const ordered = sorted ? list : [...list].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const starts: T[] = [];
    const ends: T[] = [];
    for (let i = 0; i < ordered.length; i++) {
      if (ordered[i][0] <= ordered[i][1]) appendMerged(domain, starts, ends, ordered[i][0], ordered[i][1]); // a > b: an empty range
    }
    return starts.length === 0 ? Intervals.empty(domain) : new Intervals(domain, starts, ends);
  }

  private static shared<T extends number | bigint>(cache: Map<Domain<number | bigint>, Intervals<number | bigint>>, set: Intervals<T>): Intervals<T> {
    cache.set(set.domain as Domain<number | bigint>, set as Intervals<number | bigint>);
    return set;
  }

  private constructor(
    public readonly domain: Domain<T>,
    /** Interval starts, ascending. */
    public readonly starts: readonly T[],
    /** Interval ends, ascending; `ends[i] >= starts[i]`, and `starts[i+1] > ends[i] + 1`. */
    public readonly ends: readonly T[],
  ) {}

  public get isEmpty(): boolean {
    return this.starts.length === 0;
  }

  public get isAll(): boolean {
    return this.starts.length === 1 && this.starts[0] === this.domain.min && this.ends[0] === this.domain.max;
  }

  /** The ranges, as pairs. */
  public ranges(): [T, T][] {
    return this.starts.map((s, i) => [s, this.ends[i]]);
  }

  /** True when `test` holds for some range; no pairs are made (asked per host and port by the rules). */
  public someRange(test: (start: T, end: T) => boolean): boolean {
    for (let i = 0; i < this.starts.length; i++) if (test(this.starts[i], this.ends[i])) return true;
    return false;
  }

  /** Number of elements (approximate beyond 2^53). */
  public size(): number {
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) n += this.domain.size(this.starts[i], this.ends[i]);
    return n;
  }

  public contains(v: T): boolean {
    const i = this.indexAtOrBefore(v);
    return i >= 0 && v <= this.ends[i];
  }

  /** True when every element of [a, b] is in the set. */
  public containsRange(a: T, b: T): boolean {
    const i = this.indexAtOrBefore(a);
    return i >= 0 && b <= this.ends[i];
  }

  /** True when some element of [a, b] is in the set. */
  public overlapsRange(a: T, b: T): boolean {
    const i = this.indexAtOrBefore(b);
    return i >= 0 && this.ends[i] >= a;
  }

  public union(other: Intervals<T>): Intervals<T> {
    if (other.isEmpty || other === this || this.isAll) return this;
    if (this.isEmpty || other.isAll) return other;
    // A linear merge of the two sorted lists (no pairs, no sort): unions are built per subnet and rule.
    const d = this.domain;
    const starts: T[] = [];
    const ends: T[] = [];
    let i = 0;
    let j = 0;
    while (i < this.starts.length || j < other.starts.length) {
      const mine = j >= other.starts.length || (i < this.starts.length && this.starts[i] <= other.starts[j]);
      if (mine) appendMerged(d, starts, ends, this.starts[i], this.ends[i++]);
      else appendMerged(d, starts, ends, other.starts[j], other.ends[j++]);
    }
    if (sameRanges(this, starts, ends)) return this;
    if (sameRanges(other, starts, ends)) return other;
    return starts.length === 1 && starts[0] === d.min && ends[0] === d.max ? Intervals.all(d) : new Intervals(d, starts, ends);
  }

  /** True when the two share an element (no set is built). */
  public overlaps(other: Intervals<T>): boolean {
    // A few ranges against many (a rule's sources against every perimeter zone, asked per host):
    // a binary search per range of the smaller set instead of a walk over the larger one.
    const small = this.starts.length <= other.starts.length ? this : other;
    const large = small === this ? other : this;
    if (small.starts.length * bitLength(large.starts.length) < large.starts.length) {
      for (let k = 0; k < small.starts.length; k++) if (large.overlapsRange(small.starts[k], small.ends[k])) return true;
      return false;
    }
    let i = 0;
    let j = 0;
    while (i < this.starts.length && j < other.starts.length) {
      const a = this.starts[i] > other.starts[j] ? this.starts[i] : other.starts[j];
      const b = this.ends[i] < other.ends[j] ? this.ends[i] : other.ends[j];
      if (a <= b) return true;
      if (this.ends[i] < other.ends[j]) i++;
      else j++;
    }
    return false;
  }

  public intersect(other: Intervals<T>): Intervals<T> {
    // A result equal to an operand is that operand: no copy (the model keeps many of these sets).
    if (this.isAll || other.isEmpty || other === this) return other;
    if (other.isAll || this.isEmpty) return this;
    const starts: T[] = [];
    const ends: T[] = [];
    let i = 0;
    let j = 0;
    while (i < this.starts.length && j < other.starts.length) {
      const a = this.starts[i] > other.starts[j] ? this.starts[i] : other.starts[j];
      const b = this.ends[i] < other.ends[j] ? this.ends[i] : other.ends[j];
      if (a <= b) {
        starts.push(a);
        ends.push(b);
      }
      if (this.ends[i] < other.ends[j]) i++;
      else j++;
    }
    if (starts.length === 0) return Intervals.empty(this.domain);
    if (sameRanges(this, starts, ends)) return this;
    if (sameRanges(other, starts, ends)) return other;
    return new Intervals(this.domain, starts, ends);
  }

  public subtract(other: Intervals<T>): Intervals<T> {
    if (other.isEmpty || this.isEmpty) return this;
    return this.intersect(other.complement());
  }

  public complement(): Intervals<T> {
    const d = this.domain;
    if (this.isEmpty) return Intervals.all(d);
    if (this.isAll) return Intervals.empty(d);
    const starts: T[] = [];
    const ends: T[] = [];
    let next: T | undefined = d.min;
    for (let i = 0; i < this.starts.length; i++) {
      if (next !== undefined && this.starts[i] > next) {
        starts.push(next);
        ends.push(d.pred(this.starts[i]));
      }
      next = this.ends[i] === d.max ? undefined : d.succ(this.ends[i]);
    }
    if (next !== undefined) {
      starts.push(next);
      ends.push(d.max);
    }
    return new Intervals(d, starts, ends);
  }

  public equals(other: Intervals<T>): boolean {
    return other === this || sameRanges(other, this.starts, this.ends);
  }

  /** Index of the last interval starting at or before `v`, or -1. */
  private indexAtOrBefore(v: T): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= v) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

const EMPTY = new Map<Domain<number | bigint>, Intervals<number | bigint>>();
const ALL = new Map<Domain<number | bigint>, Intervals<number | bigint>>();

/** Appends [a, b] to sorted lists of starts and ends, merged with the last range when they overlap or touch (`a` is not below the last start). */
function appendMerged<T extends number | bigint>(domain: Domain<T>, starts: T[], ends: T[], a: T, b: T): void {
  const last = ends.length - 1;
  if (last >= 0 && (a <= ends[last] || a === domain.succ(ends[last]))) {
    if (b > ends[last]) ends[last] = b;
  } else {
    starts.push(a);
    ends.push(b);
  }
}

/** Binary digits of a non-negative integer (about log2 n + 1): the steps of a binary search over n. */
function bitLength(n: number): number {
  return 32 - Math.clz32(n);
}

function sameRanges<T extends number | bigint>(set: Intervals<T>, starts: readonly T[], ends: readonly T[]): boolean {
  if (set.starts.length !== starts.length) return false;
  for (let i = 0; i < starts.length; i++) if (set.starts[i] !== starts[i] || set.ends[i] !== ends[i]) return false;
  return true;
}
