/**
 * The rules of one NSG indexed by destination port, so a question about one port looks only at the
 * rules that can match it: rules naming a few ports are filed under each of them; rules with wide
 * ranges or unknown ports are checked for every port (they are few in real NSGs). Building is linear
 * in the rules; a lookup is linear in the rules that can match.
 */
import { NsgRule } from "./topology";

/** The rules that may match a port, and their IDs as one string (equal strings: the same rules). */
export interface RulesAt {
  readonly rules: NsgRule[];
  readonly ids: string;
}

/** Rules naming at most this many ports are filed under each of them. */
const NARROW_MAX = 64;

export class PortIndex {
  private readonly wide: NsgRule[] = [];
  private readonly narrow = new Map<number, NsgRule[]>();
  /** Sorted ports where the set of matching rules may change. */
  private readonly cuts: number[];
  /** {@link at}'s answers: the many questions about one host ask about the same few ports. */
  private readonly byPort = new Map<number, RulesAt>();
  private everyRule?: RulesAt;

  constructor(private readonly rules: readonly NsgRule[]) {
    const cuts = new Set<number>();
    for (const r of rules) {
      if (!r.destinationPorts.known) {
        this.wide.push(r);
        continue;
      }
      // The set's own lists, not pairs: an index is built for every NSG.
      const { starts, ends } = r.destinationPorts.value;
      let total = 0;
      for (let i = 0; i < starts.length; i++) total += ends[i] - starts[i] + 1;
      if (total > NARROW_MAX) this.wide.push(r);
      for (let i = 0; i < starts.length; i++) {
        const a = starts[i];
        const b = ends[i];
        cuts.add(a);
        if (b < 65535) cuts.add(b + 1);
        if (total > NARROW_MAX) continue;
        for (let p = a; p <= b; p++) {
          const list = this.narrow.get(p);
          if (list) list.push(r);
          else this.narrow.set(p, [r]);
        }
      }
    }
    this.cuts = [...cuts].sort((a, b) => a - b);
  }

  /** The rules whose ports hold `port` or are not known (in no particular order). */
  public rulesAt(port: number): NsgRule[] {
    const wide = this.wide.filter((r) => !r.destinationPorts.known || r.destinationPorts.value.contains(port));
    const n = this.narrow.get(port);
    return n ? [...wide, ...n] : wide;
  }

  /** {@link rulesAt} with the rules' IDs, memoised per port. */
  public at(port: number): RulesAt {
    let hit = this.byPort.get(port);
    if (!hit) {
      const rules = this.rulesAt(port);
      this.byPort.set(port, (hit = { rules, ids: rules.map((r) => r.id).join(",") }));
    }
    return hit;
  }

  /** Every rule (questions where ports do not apply, such as ICMP). */
  public all(): RulesAt {
    return (this.everyRule ??= { rules: [...this.rules], ids: this.rules.map((r) => r.id).join(",") });
  }

  /** Ports in (from, to] where the matching rules may change. */
  public cutsWithin(from: number, to: number): number[] {
    const c = this.cuts;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < c.length && c[i] <= to; i++) out.push(c[i]);
    return out;
  }
}
