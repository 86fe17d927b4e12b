import { invalidProp } from "../network/errors";

/** Lowest priority number the library allocates (Azure allows 100). */
export const FIRST_RULE_PRIORITY = 100;
/** Highest priority number the library allocates; 4096 is the explicit deny-all. */
export const LAST_RULE_PRIORITY = 4095;
/** The explicit deny-all rule that overrides Azure's `AllowVNetInBound` (65000). */
export const DENY_ALL_PRIORITY = 4096;
/** The zone's default ICMP allow (just before the deny-all; never on the automatic 100, 110... grid). */
export const ICMP_PRIORITY = 4095;
/** Gap between allocated priorities, so hand-written rules can be slotted in between. */
const STEP = 10;

/**
 * Hands out NSG rule priorities, unique per direction, within 100..4095. Explicit priorities are
 * validated and reserved; automatic ones take the next free slot.
 * @internal
 */
export class PriorityAllocator {
  private readonly used = new Set<number>();
  private next = FIRST_RULE_PRIORITY;

  constructor(private readonly label: string) {}

  /** Reserves a priority the zone uses itself (outside the automatic grid); fails when already taken. */
  public reserve(priority: number): number {
    if (this.used.has(priority)) {
      throw invalidProp("priority", priority, `a priority not already used by another ${this.label} rule of this zone`);
    }
    this.used.add(priority);
    return priority;
  }

  public allocate(explicit?: number): number {
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < FIRST_RULE_PRIORITY || explicit > LAST_RULE_PRIORITY) {
        throw invalidProp("priority", explicit, `an integer from ${FIRST_RULE_PRIORITY} to ${LAST_RULE_PRIORITY} (4096 is the zone's deny-all rule)`);
      }
      if (this.used.has(explicit)) {
        throw invalidProp("priority", explicit, `a priority not already used by another ${this.label} rule of this zone${explicit === ICMP_PRIORITY ? " (4095 is the zone's ICMP allow; see allowIcmpFromNetwork)" : ""}`);
      }
      this.used.add(explicit);
      return explicit;
    }
    while (this.next <= LAST_RULE_PRIORITY && this.used.has(this.next)) this.next += STEP;
    if (this.next > LAST_RULE_PRIORITY) {
      throw invalidProp("priority", `auto (${this.used.size} ${this.label} rules)`,
        `at most ${Math.floor((LAST_RULE_PRIORITY - FIRST_RULE_PRIORITY) / STEP) + 1} automatically allocated ${this.label} rules per zone; the priority space is exhausted, pass explicit priorities or split the zone`);
    }
    const p = this.next;
    this.used.add(p);
    this.next += STEP;
    return p;
  }
}
