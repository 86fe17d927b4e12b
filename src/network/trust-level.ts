/**
 * How much a zone is trusted. Ordered: UNTRUSTED < PERIMETER < INTERNAL < MANAGEMENT.
 *
 * Management is at least as trusted as the internal network (seed 003: only zones as
 * trusted as internal, or more, may reach KMS).
 */
export enum TrustLevel {
  /** The Internet or any network you do not control. */
  UNTRUSTED = "UNTRUSTED",
  /** A perimeter network (DMZ). */
  PERIMETER = "PERIMETER",
  /** The internal production network. */
  INTERNAL = "INTERNAL",
  /** The management network (out-of-band, administration). */
  MANAGEMENT = "MANAGEMENT",
}

const RANK: Record<TrustLevel, number> = {
  [TrustLevel.UNTRUSTED]: 0,
  [TrustLevel.PERIMETER]: 1,
  [TrustLevel.INTERNAL]: 2,
  [TrustLevel.MANAGEMENT]: 3,
};

/** Comparisons between trust levels. */
export class Trust {
  /** Numeric rank of a level: 0 (untrusted) to 3 (management). */
  public static rank(level: TrustLevel): number {
    return RANK[level];
  }

  /** True when `level` is as trusted as `minimum` or more. */
  public static isAtLeast(level: TrustLevel, minimum: TrustLevel): boolean {
    return RANK[level] >= RANK[minimum];
  }

  /** Parses a tag value (case-insensitive); undefined when it is not a trust level. */
  public static tryParse(value: string): TrustLevel | undefined {
    const upper = String(value).trim().toUpperCase();
    return (Object.values(TrustLevel) as string[]).includes(upper) ? (upper as TrustLevel) : undefined;
  }

  private constructor() {}
}
