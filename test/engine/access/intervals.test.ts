/** Interval sets against a brute-force set of ports (a small part of the domain, so every element can be listed). */
import * as fc from "fast-check";
import { Intervals, PORTS, V6 } from "../../../src/engine/access/intervals";

const MAX = 64;
const rangesArb = fc.array(fc.tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: MAX })), { maxLength: 6 });

/** The elements of `ranges` (pairs with start > end are empty, as in Intervals.of). */
function brute(ranges: [number, number][]): Set<number> {
  const out = new Set<number>();
  for (const [a, b] of ranges) for (let v = a; v <= b; v++) out.add(v);
  return out;
}

function elements(i: Intervals<number>): number[] {
  const out: number[] = [];
  for (const [a, b] of i.ranges()) for (let v = a; v <= Math.min(b, MAX + 1); v++) out.push(v);
  return out;
}

describe("Intervals against a brute-force set", () => {
  test("of, union, intersect and subtract hold exactly the elements of the sets they stand for; ranges are merged", () => {
    fc.assert(fc.property(rangesArb, rangesArb, (x, y) => {
      const given = JSON.stringify(x);
      const a = Intervals.of(PORTS, x);
      const b = Intervals.of(PORTS, y);
      expect(JSON.stringify(x)).toBe(given); // the caller's ranges are never reordered
      const sa = brute(x);
      const sb = brute(y);
      const sorted = (s: Iterable<number>) => [...s].sort((p, q) => p - q);
      expect(elements(a)).toEqual(sorted(sa));
      expect(elements(a.union(b))).toEqual(sorted(new Set([...sa, ...sb])));
      expect(elements(a.intersect(b))).toEqual(sorted([...sa].filter((v) => sb.has(v))));
      expect(elements(a.subtract(b))).toEqual(sorted([...sa].filter((v) => !sb.has(v))));
      expect(a.overlaps(b)).toBe([...sa].some((v) => sb.has(v)));
      // Merged: no two ranges touch (the union's merge included).
      for (const set of [a, a.union(b)]) set.ranges().forEach(([, end], i, all) => i + 1 < all.length && expect(all[i + 1][0]).toBeGreaterThan(end + 1));
    }));
  });

  test("a union that covers the domain is the shared full set; one equal to an operand is that operand", () => {
    const all = Intervals.all(PORTS);
    expect(Intervals.of(PORTS, [[0, 100]]).union(Intervals.of(PORTS, [[101, 65535]]))).toBe(all);
    expect(Intervals.of(PORTS, [[0, 100], [200, 65535]]).union(Intervals.of(PORTS, [[50, 250]]))).toBe(all);
    const wide = Intervals.of(PORTS, [[10, 20], [30, 40]]);
    expect(wide.union(Intervals.of(PORTS, [[12, 15], [40, 40]]))).toBe(wide);
    expect(Intervals.of(PORTS, [[31, 33]]).union(wide)).toBe(wide);
    expect(Intervals.of(PORTS, [[21, 29]]).union(wide).ranges()).toEqual([[10, 40]]);
  });

  test("overlaps of a few ranges against many (binary searches) agrees with the brute-force set", () => {
    const many = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * MAX }), fc.integer({ min: 0, max: 3 })), { minLength: 8, maxLength: 60 })
      .map((xs) => xs.map(([a, w]) => [a, a + w] as [number, number]));
    const few = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * MAX }), fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 2 })
      .map((xs) => xs.map(([a, w]) => [a, a + w] as [number, number]));
    fc.assert(fc.property(many, few, (x, y) => {
      const a = Intervals.of(PORTS, x);
      const b = Intervals.of(PORTS, y);
      const expected = [...brute(y)].some((v) => brute(x).has(v));
      expect(a.overlaps(b)).toBe(expected);
      expect(b.overlaps(a)).toBe(expected);
    }));
  });

  test("IPv6 (bigint) sets: union and the few-against-many overlaps agree with the same sets as numbers", () => {
    // Offsets from a high base, so values are real bigints beyond 2^64; the answers must equal the port-domain ones.
    const base = 1n << 100n;
    const toV6 = (xs: [number, number][]) => Intervals.of(V6, xs.map(([a, b]) => [base + BigInt(a), base + BigInt(b)] as [bigint, bigint]));
    const range = fc.tuple(fc.integer({ min: 0, max: 4 * MAX }), fc.integer({ min: 0, max: 6 }));
    const ranges = (min: number, max: number) => fc.array(range, { minLength: min, maxLength: max })
      .map((xs) => xs.map(([a, w]) => [a, a + w] as [number, number]));
    fc.assert(fc.property(ranges(6, 40), ranges(1, 2), (x, y) => {
      const [a4, b4] = [Intervals.of(PORTS, x), Intervals.of(PORTS, y)];
      const [a6, b6] = [toV6(x), toV6(y)];
      expect(a6.overlaps(b6)).toBe(a4.overlaps(b4));
      expect(b6.overlaps(a6)).toBe(a4.overlaps(b4));
      expect(a6.union(b6).ranges()).toEqual(a4.union(b4).ranges().map(([s, e]) => [base + BigInt(s), base + BigInt(e)]));
    }));
    expect(Intervals.of(V6, [[0n, 5n]]).union(Intervals.of(V6, [[6n, V6.max]]))).toBe(Intervals.all(V6));
  });

  test("someRange sees the same ranges as ranges(), without making them", () => {
    fc.assert(fc.property(rangesArb, fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10 }), (x, from, width) => {
      const a = Intervals.of(PORTS, x);
      const test = (s: number, e: number) => s <= from + width && from <= e && e - s < 8;
      expect(a.someRange(test)).toBe(a.ranges().some(([s, e]) => test(s, e)));
    }));
    expect(Intervals.empty(PORTS).someRange(() => true)).toBe(false);
  });
});
