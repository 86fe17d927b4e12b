import { createHash } from "crypto";
import { invalidProp } from "../network/errors";
import { NSG_LIMITS } from "../network/limits";

/** Lowest priority number a rule may take (Azure's minimum). */
export const FIRST_RULE_PRIORITY = NSG_LIMITS.priorityMin;
/** Highest priority number an explicit rule may take; 4096 is the explicit deny-all. */
export const LAST_RULE_PRIORITY = NSG_LIMITS.priorityMax - 1;
/** The explicit deny-all rule that overrides Azure's `AllowVNetInBound` (65000). */
export const DENY_ALL_PRIORITY = NSG_LIMITS.priorityMax;
/** The zone's default ICMP allow (just before the deny-all, outside the automatic bands). */
export const ICMP_PRIORITY = NSG_LIMITS.priorityMax - 1;

/** An inclusive range of NSG priorities. @internal */
export interface PriorityBand {
  readonly from: number;
  readonly to: number;
}

/**
 * The automatic bands. Explicit priorities are meant for 100-999 (they may go anywhere up to 4095).
 * Every automatic deny sits below every automatic allow, so a deny always shadows an allow it
 * overlaps, whatever the order of the calls. @internal
 */
export const DENY_BAND: PriorityBand = { from: 1000, to: 1999 };
/** @internal */
export const ALLOW_BAND: PriorityBand = { from: 2000, to: ICMP_PRIORITY - 1 };

/** Something that holds a priority and may have to wait for others to move (an NSG rule). @internal */
export interface PrioritySlotOwner {
  /** Called with the new priority whenever the allocation changes it. */
  setPriority(priority: number): void;
  /** Called with the owners this one must be applied after (see {@link PriorityAllocator}). */
  setPredecessors(owners: PrioritySlotOwner[]): void;
}

interface Entry {
  readonly key: string;
  readonly owner: PrioritySlotOwner;
  readonly home: number;
  slot: number;
  predecessors: PrioritySlotOwner[];
}

/** The home slot of an intent key in a band: a hash of the key, so it never depends on call order. @internal */
export function homeSlot(key: string, band: PriorityBand): number {
  const digest = createHash("sha256").update(key).digest();
  return band.from + (digest.readUInt32BE(0) % (band.to - band.from + 1));
}

/**
 * Hands out NSG rule priorities for one direction of one zone, derived from each flow's intent
 * key rather than from call order:
 *
 * - an explicit priority is taken as given (100-4095, unique per direction);
 * - an automatic one starts at the key's home slot (a hash of the key inside the deny or allow
 *   band) and, when that slot is taken, moves up to the next free one (wrapping inside the band).
 *   Collisions are resolved in key order, never in call order, so the result depends only on the
 *   set of flows.
 *
 * Adding or removing a flow therefore leaves every other flow's priority alone unless the
 * added or removed flow lies on its probe run (the slots between its home and its priority),
 * which needs two keys hashing into the same run of occupied slots: about n/size per change, for
 * n flows in a band of `size` slots. When it happens, the rule moves by an in-place update (priority is
 * not a ForceNew attribute of `azurerm_network_security_rule`). Azure rejects two rules with the same
 * priority and direction (SecurityRuleConflict) even for a moment, so a rule moving into a slot
 * another rule leaves must be applied after it. The allocator cannot see the deployed layout, only
 * the one it computes, so it writes the orderings every one-flow change into it needs:
 *
 * - Adding a flow (automatic or explicit) moves rules up their probe runs: every rule standing on a
 *   displaced rule's probe run waits for it, which covers any rule it moved from. Always ordered.
 * - Removing a flow moves rules back toward their homes. The rule taking the removed rule's slot is
 *   ordered by the removed rule itself: it stood on that rule's probe run, so it waited for it, and
 *   Terraform keeps that dependency in state and updates a former dependency only after destroying
 *   its dependent (DestroyEdgeTransformer, internal/terraform/transform_destroy_edge.go). Each further
 *   rule shifting back into the slot a surviving rule leaves waits for the rule directly before it in
 *   its run of occupied slots (transitively, for that whole run).
 * - Exception: where a probe run of the new layout crosses between two slots, i.e. the two rules
 *   collide with each other, an addition needs the opposite order and the allocator keeps the
 *   addition's (both would be a cycle). Only there can removing a flow make Azure refuse one update
 *   (SecurityRuleConflict); the next apply completes it. It needs three flows hashing into one run
 *   (an exhaustive check over small bands is in the tests).
 *
 * Several flows added or removed in one apply are not covered beyond what these orders give.
 * @internal
 */
export class PriorityAllocator {
  private readonly explicit = new Map<number, Entry>();
  private readonly reserved = new Set<number>();
  /** Automatic entries per band, sorted by key (the order collisions are resolved in). */
  private readonly auto = new Map<PriorityBand, Entry[]>();
  private readonly byOwner = new Map<PrioritySlotOwner, Entry>();

  constructor(private readonly label: string) {}

  /** Reserves a priority the zone uses itself (the ICMP allow); fails when already taken. */
  public reserve(priority: number): number {
    if (this.reserved.has(priority) || this.explicit.has(priority)) {
      throw invalidProp("priority", priority, `a priority not already used by another ${this.label} rule of this zone`);
    }
    this.reserved.add(priority);
    return priority;
  }

  /** Fails unless `priority` could be taken explicitly. */
  public checkExplicit(priority: number): void {
    if (!Number.isInteger(priority) || priority < FIRST_RULE_PRIORITY || priority > LAST_RULE_PRIORITY) {
      throw invalidProp("priority", priority, `an integer from ${FIRST_RULE_PRIORITY} to ${LAST_RULE_PRIORITY} (${DENY_ALL_PRIORITY} is the zone's deny-all rule)`);
    }
    if (this.explicit.has(priority) || this.reserved.has(priority)) {
      throw invalidProp("priority", priority, `a priority not already used by another ${this.label} rule of this zone${priority === ICMP_PRIORITY ? " (4095 is the zone's ICMP allow; see allowIcmpFromNetwork)" : ""}`);
    }
  }

  /** Fails unless the band has room for one more automatic rule. */
  public checkRoom(band: PriorityBand): void {
    const size = band.to - band.from + 1;
    const taken = (this.auto.get(band)?.length ?? 0) + this.countFixedIn(band);
    if (taken >= size) {
      throw invalidProp("priority", `auto (${this.auto.get(band)?.length ?? 0} automatic ${this.label} rules in ${band.from}-${band.to})`,
        `at most ${size} automatically placed ${this.label} rules of this kind per zone (band ${band.from}-${band.to}, less explicit priorities inside it); the band is full: pass explicit priorities or split the zone`);
    }
  }

  /** Places an explicit priority (checked with {@link checkExplicit} first). */
  public addExplicit(key: string, owner: PrioritySlotOwner, priority: number): number {
    this.checkExplicit(priority);
    const entry: Entry = { key, owner, home: priority, slot: priority, predecessors: [] };
    this.explicit.set(priority, entry);
    this.byOwner.set(owner, entry);
    owner.setPriority(priority);
    for (const band of this.auto.keys()) if (priority >= band.from && priority <= band.to) this.place(band);
    return priority;
  }

  /** Places an automatic priority in `band` (checked with {@link checkRoom} first); returns it. */
  public addAutomatic(key: string, owner: PrioritySlotOwner, band: PriorityBand): number {
    this.checkRoom(band);
    let entries = this.auto.get(band);
    if (!entries) this.auto.set(band, (entries = []));
    const entry: Entry = { key, owner, home: homeSlot(key, band), slot: -1, predecessors: [] };
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid].key < key) lo = mid + 1;
      else hi = mid;
    }
    entries.splice(lo, 0, entry);
    this.byOwner.set(owner, entry);
    this.place(band);
    return entry.slot;
  }

  /** The priority currently held by `owner`. */
  public priorityOf(owner: PrioritySlotOwner): number {
    const e = this.byOwner.get(owner);
    if (!e) throw new Error(`internal: no priority for this ${this.label} rule`);
    return e.slot;
  }

  private countFixedIn(band: PriorityBand): number {
    let n = 0;
    for (const p of this.explicit.keys()) if (p >= band.from && p <= band.to) n++;
    for (const p of this.reserved) if (p >= band.from && p <= band.to) n++;
    return n;
  }

  /** Linear probing in key order over the band; updates owners whose priority or predecessors changed. */
  private place(band: PriorityBand): void {
    const entries = this.auto.get(band) ?? [];
    const size = band.to - band.from + 1;
    const occupant = new Map<number, Entry>();
    for (const [p, e] of this.explicit) if (p >= band.from && p <= band.to) occupant.set(p, e);
    const blocked = (p: number) => occupant.has(p) || this.reserved.has(p);
    const next = (p: number) => (p === band.to ? band.from : p + 1);
    const changed: Entry[] = [];
    for (const e of entries) {
      let p = e.home;
      for (let i = 0; blocked(p); i++) {
        if (i >= size) throw new Error(`internal: ${this.label} band ${band.from}-${band.to} is full`);
        p = next(p);
      }
      occupant.set(p, e);
      if (e.slot !== p) {
        e.slot = p;
        changed.push(e);
      }
    }
    // Who must wait for whom. Additions: every rule standing on a displaced rule's probe run waits for
    // it (the displaced rule may have come up from any slot of that run). The boundaries those runs
    // cross are remembered: the removal ordering below must not cross them the other way (a cycle).
    const waits = new Map<Entry, PrioritySlotOwner[]>();
    const wait = (waiter: Entry, on: Entry) => {
      const list = waits.get(waiter) ?? [];
      if (!list.includes(on.owner)) waits.set(waiter, [...list, on.owner]);
    };
    const crossed = new Set<number>(); // p: the boundary between p and next(p) lies on some probe run
    for (const e of entries) {
      for (let p = e.home; p !== e.slot; p = next(p)) {
        crossed.add(p);
        const blocker = occupant.get(p);
        if (blocker) wait(blocker, e);
      }
    }
    // Removals: rules shift back toward their homes, each into the slot the rule before it leaves, so
    // within a run of occupied slots each rule waits for the one directly before it, wherever no probe
    // run crosses that boundary (there, an addition needs the opposite order). Runs wrap like probes,
    // except in a band with no free slot, where a run closing on itself would be a cycle.
    const full = occupant.size + [...this.reserved].filter((p) => p >= band.from && p <= band.to).length >= size;
    for (let p = band.from; p <= band.to; p++) {
      if (p === band.to && full) break;
      const before = occupant.get(p);
      const after = occupant.get(next(p));
      if (before && after && !crossed.has(p)) wait(after, before);
    }
    for (const e of changed) e.owner.setPriority(e.slot);
    for (const e of occupant.values()) {
      const preds = waits.get(e) ?? [];
      if (preds.length !== e.predecessors.length || preds.some((o, i) => o !== e.predecessors[i])) {
        e.predecessors = preds;
        e.owner.setPredecessors(preds);
      }
    }
  }
}
