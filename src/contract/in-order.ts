/**
 * Something a script's text can be tested against: a regular expression, or {@link InOrder}.
 */
export interface TextTest {
  test(text: string): boolean;
}

/** One match of an {@link InOrder}: where it starts and ends, the end of its statement, and each term's match. */
export interface InOrderMatch {
  /** Where the first term's match starts. */
  readonly index: number;
  /** Where the last term's match ends. */
  readonly end: number;
  /** Where the statement holding the match ends (the separator's index, or the text's length). */
  readonly statementEnd: number;
  /** Each term's match, in order. */
  readonly terms: readonly RegExpExecArray[];
}

/**
 * Terms that follow one another within one statement of a script: the form of `A[^\n]*B[^\n]*C` (with
 * the statement's separators in place of `\n`) that takes time linear in the text.
 *
 * Why: a backtracking regular expression `A[^\n]*B` scans the rest of the line from every A it tries,
 * so a one-line command with n A's and no B costs n times its length (150 KB of `slmgr ` took seconds
 * and a megabyte would take hours). Here each term (and the separator) is searched forward from where
 * its last search ended, and a search that found nothing is never repeated.
 *
 * What matches: the first term's leftmost match, then each next term's leftmost match after the end of
 * the previous one, all within one statement (no separator inside or between them). A statement where
 * that chain fails holds no match: the terms are words and switches, and a term found later in the
 * statement cannot end earlier. Unlike `[^\n]*`, a term's own match may not span a separator either
 * (`reg\s+add` across a line break is no command).
 */
export class InOrder implements TextTest {
  /**
   * @param terms the terms, in order (their flags are kept; each is searched globally)
   * @param separators the characters that end a statement (default: a line break)
   */
  public static of(terms: readonly RegExp[], separators = "\n"): InOrder {
    if (terms.length === 0) throw new Error("InOrder.of: at least one term is needed");
    if (separators.length === 0) throw new Error("InOrder.of: at least one separator is needed");
    return new InOrder(
      terms.map((t) => new RegExp(t.source, `${t.flags.replace(/[gy]/g, "")}g`)),
      new RegExp(`[${separators.replace(/[\\\]^-]/g, "\\$&")}]`, "g"),
    );
  }

  /** Terms in order on one line: `A[^\n]*B` in linear time. */
  public static onOneLine(...terms: RegExp[]): InOrder {
    return InOrder.of(terms);
  }

  /** `a.test(text) || b.test(text) || ...`: for alternatives (`A[^\n]*B|C`). */
  public static anyOf(...alternatives: readonly TextTest[]): TextTest {
    return { test: (text: string) => alternatives.some((a) => a.test(text)) };
  }

  private constructor(private readonly terms: readonly RegExp[], private readonly separator: RegExp) {}

  /** Whether the text holds a match. */
  public test(text: string): boolean {
    return new Scan(this.terms, this.separator, text).next(0) !== undefined;
  }

  /** The first match at or after `from`, or undefined. */
  public exec(text: string, from = 0): InOrderMatch | undefined {
    return new Scan(this.terms, this.separator, text).next(from);
  }

  /**
   * Every match, in order, none overlapping. With `wholeStatement`, a match takes the rest of its
   * statement (as a trailing `[^\n]*` would) and the next one starts in a later statement.
   */
  public matchAll(text: string, wholeStatement = false): InOrderMatch[] {
    const scan = new Scan(this.terms, this.separator, text);
    const out: InOrderMatch[] = [];
    let from = 0;
    for (let m = scan.next(from); m !== undefined; m = scan.next(from)) {
      out.push(m);
      from = wholeStatement ? m.statementEnd + 1 : Math.max(m.end, m.index + 1);
    }
    return out;
  }
}

/** One search over one text, remembering each term's and the separator's last search (so none is repeated). */
class Scan {
  private readonly found: ({ from: number; match: RegExpExecArray | null } | undefined)[];
  private sep: { from: number; at: number } | undefined;

  constructor(private readonly terms: readonly RegExp[], private readonly separator: RegExp, private readonly text: string) {
    this.found = terms.map(() => undefined);
  }

  public next(from: number): InOrderMatch | undefined {
    let cursor = from;
    while (cursor <= this.text.length) {
      const first = this.leftmost(0, cursor);
      if (!first) return undefined;
      const statementEnd = this.separatorAt(first.index);
      const terms = [first];
      let end = first.index + first[0].length;
      let k = 1;
      if (end <= statementEnd) {
        for (; k < this.terms.length; k++) {
          const m = this.leftmost(k, end);
          if (!m || m.index >= statementEnd || m.index + m[0].length > statementEnd) break;
          terms.push(m);
          end = m.index + m[0].length;
        }
        if (k === this.terms.length) return { index: first.index, end, statementEnd, terms };
        cursor = statementEnd + 1;
      } else {
        // The first term's match spans a separator: a later one in this statement may not.
        cursor = first.index + 1;
      }
    }
    return undefined;
  }

  /** Term k's leftmost match at or after `pos`, from the last search when that still answers. */
  private leftmost(k: number, pos: number): RegExpExecArray | null {
    const last = this.found[k];
    if (last && last.from <= pos && (last.match === null || last.match.index >= pos)) return last.match;
    const re = this.terms[k];
    re.lastIndex = pos;
    const match = re.exec(this.text);
    this.found[k] = { from: pos, match };
    return match;
  }

  /** The first separator at or after `pos` (the text's length when there is none). */
  private separatorAt(pos: number): number {
    const last = this.sep;
    if (last && last.from <= pos && last.at >= pos) return last.at;
    this.separator.lastIndex = pos;
    const m = this.separator.exec(this.text);
    const at = m ? m.index : this.text.length;
    this.sep = { from: pos, at };
    return at;
  }
}
