/**
 * Removing known secrets from text without ever building a regular expression (or any other
 * object whose error message could quote them) from secret text.
 *
 * A regular expression built from the secrets failed on a secret of a megabyte ("Regular expression
 * too large"), and V8's message quoted the whole pattern, every secret in it. Here the secrets are
 * matched as literal strings:
 * - secrets up to {@link LONG_SECRET} code units in one Aho-Corasick automaton (one pass over a text
 *   finds, at each position, the longest secret ending there), in typed arrays sized once;
 * - longer ones (a PFX blob, a Key Vault secret of a megabyte) each with a Knuth-Morris-Pratt table,
 *   built only when a text at least that long is scrubbed (messages are short: most never are).
 * Work per text is linear in its length (times the number of long secrets no longer than the text);
 * building is linear in the secrets' total length.
 *
 * What is blanked: the union of every occurrence of every secret, each maximal run of overlapping
 * occurrences replaced by one marker. No part of any secret survives, even where two overlap (a
 * leftmost-longest replacement left the tail of the second); occurrences that only touch stay
 * separate markers.
 */

/** Secrets longer than this (in UTF-16 code units) are matched one by one, not in the automaton. */
export const LONG_SECRET = 1024;

/** Up to this many short secrets, a text is first searched for each with `includes` (native code), and scanned only if one is in it. */
const PREFILTER_MAX = 8;

/** A function that replaces every occurrence of the given secrets in a text by `marker`. */
export type Scrub = (text: string) => string;

/** Builds the scrubber for `secrets` (empty strings ignored). */
export function literalScrubber(secrets: readonly string[], marker: string): Scrub {
  const unique = [...new Set(secrets.filter((s) => typeof s === "string" && s.length > 0))];
  if (unique.length === 0) return (t) => t;
  const short = unique.filter((s) => s.length <= LONG_SECRET);
  const long = unique.filter((s) => s.length > LONG_SECRET).sort((a, b) => a.length - b.length).map((s) => new LongSecret(s));
  const automaton = short.length > 0 ? new Automaton(short) : undefined;
  // A few secrets (the usual case): most texts hold none, which V8's native search tells fastest.
  const prefilter = short.length <= PREFILTER_MAX ? short : undefined;
  return (text) => {
    if (typeof text !== "string" || text.length === 0) return text;
    const found = new Intervals();
    if (automaton && (!prefilter || prefilter.some((p) => text.includes(p)))) automaton.scan(text, found);
    for (const l of long) {
      if (l.text.length > text.length) break; // sorted by length: none further fits
      l.scan(text, found);
    }
    return found.empty ? text : found.replace(text, marker);
  };
}

/**
 * Occurrences found in a text, merged as they arrive. Every occurrence is reported at its end, and
 * ends arrive in increasing order within one matcher; the long-secret matchers come after the
 * automaton and are merged in by the same rule (a start before a kept interval's end merges).
 */
class Intervals {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private sorted = true;

  get empty(): boolean {
    return this.starts.length === 0;
  }

  /** The occurrence [start, end) (end exclusive). */
  add(start: number, end: number): void {
    const n = this.starts.length;
    if (n > 0 && end < this.ends[n - 1]) this.sorted = false;
    // Merge with every kept interval it overlaps (ends are increasing while sorted): linear overall.
    let s = start;
    let e = end;
    while (this.sorted && this.starts.length > 0 && this.ends[this.ends.length - 1] > s) {
      s = Math.min(s, this.starts.pop()!);
      e = Math.max(e, this.ends.pop()!);
    }
    this.starts.push(s);
    this.ends.push(e);
  }

  /** The text with each maximal run of overlapping occurrences replaced by `marker`. */
  replace(text: string, marker: string): string {
    if (this.starts.length === 0) return text;
    let order = this.starts.map((_, i) => i);
    if (!this.sorted) order = order.sort((a, b) => this.starts[a] - this.starts[b]);
    let out = "";
    let at = 0;
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart < 0) return;
      out += text.slice(at, runStart) + marker;
      at = runEnd;
    };
    for (const i of order) {
      const s = this.starts[i];
      const e = this.ends[i];
      if (runStart >= 0 && s < runEnd) {
        runEnd = Math.max(runEnd, e);
        continue;
      }
      flush();
      runStart = s;
      runEnd = e;
    }
    flush();
    return out + text.slice(at);
  }
}

/**
 * Aho-Corasick over UTF-16 code units. A node's children: the first in two typed arrays (most nodes
 * of a long secret have one child), all of them in a Map once there are two or more.
 */
class Automaton {
  private readonly firstChar: Int32Array;
  private readonly firstChild: Int32Array;
  private readonly more = new Map<number, Map<number, number>>();
  private readonly fail: Int32Array;
  /** The length of the longest secret that ends at this node (0: none). */
  private readonly best: Int32Array;
  /** The root's children by code unit (-1: none): most characters of a text start no secret, and are passed over here. */
  private readonly root = new Int32Array(65536).fill(-1);
  private size = 1;

  constructor(secrets: readonly string[]) {
    let total = 1;
    for (const s of secrets) total += s.length;
    this.firstChar = new Int32Array(total).fill(-1);
    this.firstChild = new Int32Array(total);
    this.fail = new Int32Array(total);
    this.best = new Int32Array(total);
    const terminal = new Int32Array(total);
    for (const s of secrets) {
      let node = 0;
      for (let i = 0; i < s.length; i++) node = this.childOrNew(node, s.charCodeAt(i));
      terminal[node] = s.length;
    }
    this.forEachChild(0, (c, v) => {
      this.root[c] = v;
    });
    // Breadth first: a node's failure link is the longest proper suffix of its path that is a path too.
    const queue = new Int32Array(this.size);
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const u = queue[head++];
      this.forEachChild(u, (c, v) => {
        if (u === 0) {
          this.fail[v] = 0;
        } else {
          let f = this.fail[u];
          let g = this.child(f, c);
          while (g < 0 && f !== 0) {
            f = this.fail[f];
            g = this.child(f, c);
          }
          this.fail[v] = g >= 0 && g !== v ? g : 0;
        }
        this.best[v] = terminal[v] || this.best[this.fail[v]];
        queue[tail++] = v;
      });
    }
  }

  private child(node: number, c: number): number {
    const first = this.firstChar[node];
    if (first === c) return this.firstChild[node];
    if (first === -1) return -1;
    const m = this.more.get(node);
    if (!m) return -1;
    const v = m.get(c);
    return v === undefined ? -1 : v;
  }

  private childOrNew(node: number, c: number): number {
    const existing = this.child(node, c);
    if (existing >= 0) return existing;
    const v = this.size++;
    if (this.firstChar[node] === -1) {
      this.firstChar[node] = c;
      this.firstChild[node] = v;
    } else {
      let m = this.more.get(node);
      if (!m) this.more.set(node, (m = new Map([[this.firstChar[node], this.firstChild[node]]])));
      m.set(c, v);
    }
    return v;
  }

  private forEachChild(node: number, f: (c: number, v: number) => void): void {
    const m = this.more.get(node);
    if (m) for (const [c, v] of m) f(c, v);
    else if (this.firstChar[node] !== -1) f(this.firstChar[node], this.firstChild[node]);
  }

  /** Adds, for every position of `text`, the longest secret ending there. */
  scan(text: string, found: Intervals): void {
    const root = this.root;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let g: number;
      if (state === 0) {
        g = root[c];
        if (g < 0) continue;
      } else {
        g = this.child(state, c);
        while (g < 0 && state !== 0) {
          state = this.fail[state];
          g = state === 0 ? root[c] : this.child(state, c);
        }
      }
      state = g >= 0 ? g : 0;
      const len = this.best[state];
      if (len > 0) found.add(i + 1 - len, i + 1);
    }
  }
}

/** One long secret, found with Knuth-Morris-Pratt (every occurrence, overlapping ones too, in one pass). */
class LongSecret {
  private table: Int32Array | undefined;

  constructor(readonly text: string) {}

  private prefixTable(): Int32Array {
    if (this.table) return this.table;
    const p = this.text;
    const t = new Int32Array(p.length);
    let k = 0;
    for (let i = 1; i < p.length; i++) {
      while (k > 0 && p.charCodeAt(i) !== p.charCodeAt(k)) k = t[k - 1];
      if (p.charCodeAt(i) === p.charCodeAt(k)) k++;
      t[i] = k;
    }
    return (this.table = t);
  }

  scan(text: string, found: Intervals): void {
    const p = this.text;
    // Cheap first: most texts hold no copy at all.
    if (text.indexOf(p) < 0) return;
    const t = this.prefixTable();
    let k = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (k > 0 && c !== p.charCodeAt(k)) k = t[k - 1];
      if (c === p.charCodeAt(k)) k++;
      if (k === p.length) {
        found.add(i + 1 - k, i + 1);
        k = t[k - 1];
      }
    }
  }
}
