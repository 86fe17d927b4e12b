import * as fc from "fast-check";
import { InOrder } from "../../src/contract/in-order";

/**
 * InOrder must say what the backtracking expressions it replaces say (`A[^\n]*B`, `A[^\n;]*?B`,
 * `A[^\n;]*B[^\n;]*` in a global search), on texts full of the near misses that made those slow.
 */
const text = fc.stringMatching(/^[ab;\n x]{0,60}$/);
// Terms that overlap one another and themselves (ab / ba / aba), so ends and restarts matter.
const term = fc.constantFrom("a", "b", "ab", "ba", "aba", "x", "bb");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("InOrder: the linear form of `A[^sep]*B...`", () => {
  test("test() agrees with the regular expression, for two and three terms and either separator set", () => {
    fc.assert(fc.property(fc.array(term, { minLength: 1, maxLength: 3 }), fc.constantFrom("\n", "\n;"), text, (terms, seps, s) => {
      const gap = `[^${seps}]*`;
      const re = new RegExp(terms.map(escape).join(gap));
      expect(InOrder.of(terms.map((t) => new RegExp(escape(t))), seps).test(s)).toBe(re.test(s));
    }), { numRuns: 3000 });
  });

  test("matchAll() finds what a global search with a lazy gap finds: same starts and ends", () => {
    fc.assert(fc.property(fc.array(term, { minLength: 2, maxLength: 2 }), text, (terms, s) => {
      const re = new RegExp(terms.map(escape).join("[^\\n;]*?"), "g");
      const expected = [...s.matchAll(re)].map((m) => [m.index!, m.index! + m[0].length]);
      const actual = InOrder.of(terms.map((t) => new RegExp(escape(t))), "\n;").matchAll(s).map((m) => [m.index, m.end]);
      expect(actual).toEqual(expected);
    }), { numRuns: 3000 });
  });

  test("matchAll(text, true) finds what a global search with a trailing gap finds: the rest of the statement is the match's", () => {
    fc.assert(fc.property(fc.array(term, { minLength: 2, maxLength: 2 }), text, (terms, s) => {
      const re = new RegExp(`${terms.map(escape).join("[^\\n;]*")}[^\\n;]*`, "g");
      const expected = [...s.matchAll(re)].map((m) => m[0]);
      const actual = InOrder.of(terms.map((t) => new RegExp(escape(t))), "\n;").matchAll(s, true).map((m) => s.slice(m.index, m.statementEnd));
      expect(actual).toEqual(expected);
    }), { numRuns: 3000 });
  });

  test("a term's own match may not span a separator; flags are kept; groups are each term's", () => {
    const regAdd = InOrder.of([/reg\s+add/i, /RestrictAnonymous/]);
    expect(regAdd.test("reg\nadd RestrictAnonymous")).toBe(false);
    expect(regAdd.test("REG ADD HKLM\\x /v RestrictAnonymous")).toBe(true);
    expect(regAdd.test("reg add HKLM\\x\n/v RestrictAnonymous")).toBe(false);
    const m = InOrder.of([/dism/i, /(?<![\w-])(DHCPServer(?:Core)?)(?![\w-])/i]).exec("x; dism /online /enable-feature /featurename:DHCPServerCore");
    expect(m?.index).toBe(3);
    expect(m?.terms[1][1]).toBe("DHCPServerCore");
  });

  test("anyOf is any alternative", () => {
    const t = InOrder.anyOf(InOrder.of([/a/, /b/]), /c/);
    expect(["ab", "c", "a\nb", "ba"].map((s) => t.test(s))).toEqual([true, true, false, false]);
  });

  test("a statement of a hundred thousand first terms and no second is searched once, not once per first term", () => {
    // Counts the work instead of timing it: every search of a term is one exec call.
    const inOrder = InOrder.of([/slmgr/i, /\s[/-]sai\b/i]);
    const calls = [0, 0];
    (inOrder as unknown as { terms: RegExp[] }).terms.forEach((re, i) => {
      const exec = re.exec.bind(re);
      re.exec = (s: string) => { calls[i]++; return exec(s); };
    });
    expect(inOrder.test("slmgr ".repeat(100_000))).toBe(false);
    expect(calls[0]).toBe(1);
    expect(calls[1]).toBe(1);
  });
});
