/**
 * A set of traffic sources: IPv4 and IPv6 address intervals plus opaque tokens (service tags that
 * are not address ranges to us, such as `AzureLoadBalancer` or `Storage`, and application security
 * groups). `*` is the set of everything.
 */
import { Intervals, V4, V6 } from "./intervals";

/** Opaque tokens: either exactly `names`, or every token except `names` (`all`). */
export class TokenSet {
  public static readonly NONE = new TokenSet(false, new Set());
  public static readonly ALL = new TokenSet(true, new Set());

  public static of(...names: string[]): TokenSet {
    return new TokenSet(false, new Set(names));
  }

  private constructor(public readonly all: boolean, public readonly names: ReadonlySet<string>) {}

  public get isEmpty(): boolean {
    return !this.all && this.names.size === 0;
  }

  /** Every token. */
  public get isEverything(): boolean {
    return this.all && this.names.size === 0;
  }

  public has(name: string): boolean {
    return this.all ? !this.names.has(name) : this.names.has(name);
  }

  public union(o: TokenSet): TokenSet {
    // A result equal to an operand is that operand (the model keeps many of these sets).
    if (o.isEmpty || this.isEverything || o === this) return this;
    if (this.isEmpty || o.isEverything) return o;
    if (!this.all && !o.all && isSubset(o.names, this.names)) return this;
    if (this.all && o.all) return new TokenSet(true, new Set([...this.names].filter((n) => o.names.has(n))));
    if (this.all) return new TokenSet(true, new Set([...this.names].filter((n) => !o.names.has(n))));
    if (o.all) return o.union(this);
    return new TokenSet(false, new Set([...this.names, ...o.names]));
  }

  public intersect(o: TokenSet): TokenSet {
    if (this.isEverything || o.isEmpty || o === this) return o;
    if (o.isEverything || this.isEmpty) return this;
    if (this.all && o.all) return new TokenSet(true, new Set([...this.names, ...o.names]));
    if (this.all) return new TokenSet(false, new Set([...o.names].filter((n) => !this.names.has(n))));
    if (o.all) return o.intersect(this);
    return new TokenSet(false, new Set([...this.names].filter((n) => o.names.has(n))));
  }

  public subtract(o: TokenSet): TokenSet {
    return this.intersect(o.complement());
  }

  public equals(o: TokenSet): boolean {
    return this.all === o.all && this.names.size === o.names.size && [...this.names].every((n) => o.names.has(n));
  }

  public complement(): TokenSet {
    return new TokenSet(!this.all, this.names);
  }
}

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size > b.size) return false;
  for (const n of a) if (!b.has(n)) return false;
  return true;
}

/** Sources: addresses of both families and tokens. */
export class SourceSet {
  public static readonly EMPTY = new SourceSet(Intervals.empty(V4), Intervals.empty(V6), TokenSet.NONE);
  public static readonly ALL = new SourceSet(Intervals.all(V4), Intervals.all(V6), TokenSet.ALL);

  public static v4(ranges: Iterable<readonly [number, number]>): SourceSet {
    return new SourceSet(Intervals.of(V4, ranges), Intervals.empty(V6), TokenSet.NONE);
  }

  public static v6(ranges: Iterable<readonly [bigint, bigint]>): SourceSet {
    return new SourceSet(Intervals.empty(V4), Intervals.of(V6, ranges), TokenSet.NONE);
  }

  /** The addresses of one parsed CIDR (either family). */
  public static cidr(c: { readonly family: 4 | 6; readonly start: number | bigint; readonly end: number | bigint }): SourceSet {
    return c.family === 4 ? SourceSet.v4([[c.start as number, c.end as number]]) : SourceSet.v6([[c.start as bigint, c.end as bigint]]);
  }

  public static token(name: string): SourceSet {
    return new SourceSet(Intervals.empty(V4), Intervals.empty(V6), TokenSet.of(name));
  }

  constructor(public readonly v4: Intervals<number>, public readonly v6: Intervals<bigint>, public readonly tokens: TokenSet) {}

  public get isEmpty(): boolean {
    return this.v4.isEmpty && this.v6.isEmpty && this.tokens.isEmpty;
  }

  public union(o: SourceSet): SourceSet {
    if (o.isEmpty || o === this) return this;
    if (this.isEmpty) return o;
    return new SourceSet(this.v4.union(o.v4), this.v6.union(o.v6), this.tokens.union(o.tokens));
  }

  public intersect(o: SourceSet): SourceSet {
    return new SourceSet(this.v4.intersect(o.v4), this.v6.intersect(o.v6), this.tokens.intersect(o.tokens));
  }

  public subtract(o: SourceSet): SourceSet {
    return new SourceSet(this.v4.subtract(o.v4), this.v6.subtract(o.v6), this.tokens.subtract(o.tokens));
  }

  public equals(o: SourceSet): boolean {
    return this.v4.equals(o.v4) && this.v6.equals(o.v6) && this.tokens.equals(o.tokens);
  }

  /** True when the two share a source (no set is built). */
  public overlaps(o: SourceSet): boolean {
    return this.v4.overlaps(o.v4) || this.v6.overlaps(o.v6) || !this.tokens.intersect(o.tokens).isEmpty;
  }
}
