import * as fc from "fast-check";
import { crossingsBetween, DEFAULT_SPACING, isotonic, layoutLayered, LayoutEdgeInput, LayoutNodeInput, MAX_LAYOUT_POINTS, Rect } from "../../src/reports/diagram/layout";

/** Overlap of two rectangles by more than a rounding error. */
function overlaps(a: Rect, b: Rect): boolean {
  const eps = 1e-6;
  return a.x < b.x + b.width - eps && b.x < a.x + a.width - eps && a.y < b.y + b.height - eps && b.y < a.y + a.height - eps;
}

const size = fc.record({ width: fc.integer({ min: 10, max: 300 }), height: fc.integer({ min: 10, max: 80 }) });
const graphs = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  // portTop: space kept above a box's ports (less than its height, as a self-loop's is).
  nodes: fc.array(fc.record({ width: fc.integer({ min: 10, max: 300 }), height: fc.integer({ min: 10, max: 80 }), portTop: fc.integer({ min: 0, max: 30 }) })
    .map((b) => ({ ...b, portTop: Math.min(b.portTop, b.height - 1) })), { minLength: n, maxLength: n }),
  edges: fc.array(fc.record({ from: fc.nat(n - 1), to: fc.nat(n - 1), label: fc.option(size, { nil: undefined }) }), { maxLength: 3 * n })
    .map((es) => es.filter((e) => e.from !== e.to)),
}));

describe("layoutLayered", () => {
  test("boxes and labels never overlap; every arrow runs from its source's side to its target's side, one way", () => {
    fc.assert(fc.property(graphs, ({ nodes, edges }) => {
      const layout = layoutLayered(nodes, edges);
      expect(layout.nodes).toHaveLength(nodes.length);
      expect(layout.edges).toHaveLength(edges.length);
      layout.nodes.forEach((r, i) => {
        expect([r.width, r.height]).toEqual([nodes[i].width, nodes[i].height]);
        expect(r.x).toBeGreaterThanOrEqual(-1e-6);
        expect(r.y).toBeGreaterThanOrEqual(-1e-6);
        expect(r.x + r.width).toBeLessThanOrEqual(layout.width + 1e-6);
        expect(r.y + r.height).toBeLessThanOrEqual(layout.height + 1e-6);
      });
      const labels = layout.edges.flatMap((e) => (e.label ? [e.label] : []));
      const boxes = [...layout.nodes, ...labels];
      for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a], boxes[b])).toBe(false);
      // Where an arrow crosses a column it keeps clear of every box (only its two ends touch boxes).
      for (const route of layout.edges) {
        for (const p of route.points.slice(1, -1)) {
          for (const b of layout.nodes) {
            const gap = DEFAULT_SPACING.edgeGap;
            const inside = p.x > b.x - 1e-6 && p.x < b.x + b.width + 1e-6 && p.y > b.y - gap && p.y < b.y + b.height + gap;
            expect(inside).toBe(false);
          }
        }
      }
      layout.edges.forEach((route, i) => {
        const e = edges[i];
        expect(route.label !== undefined).toBe(e.label !== undefined);
        const from = layout.nodes[e.from];
        const to = layout.nodes[e.to];
        const first = route.points[0];
        const last = route.points[route.points.length - 1];
        // Forward arrows leave on the right and enter on the left; reversed ones the other way.
        expect(first.x).toBeCloseTo(route.reversed ? from.x : from.x + from.width, 6);
        expect(last.x).toBeCloseTo(route.reversed ? to.x + to.width : to.x, 6);
        // Arrows attach below the space reserved above a box (portTop), within its height.
        expect(first.y).toBeGreaterThan(from.y + nodes[e.from].portTop - 1e-6);
        expect(first.y).toBeLessThan(from.y + from.height);
        expect(last.y).toBeGreaterThan(to.y + nodes[e.to].portTop - 1e-6);
        expect(last.y).toBeLessThan(to.y + to.height);
        for (let k = 1; k < route.points.length; k++) {
          const step = route.points[k].x - route.points[k - 1].x;
          expect(route.reversed ? -step : step).toBeGreaterThanOrEqual(0);
        }
        if (route.label) {
          // The label sits between the arrow's ends, just under a straight stretch of it.
          const [lo, hi] = route.reversed ? [last.x, first.x] : [first.x, last.x];
          expect(route.label.x).toBeGreaterThanOrEqual(lo);
          expect(route.label.x + route.label.width).toBeLessThanOrEqual(hi);
          expect(route.points.some((p) => Math.abs(p.y + 2 - route.label!.y) < 1e-6)).toBe(true);
        }
      });
    }), { numRuns: 300 });
  });

  test("an acyclic graph is drawn left to right: no arrow reversed; a cycle reverses one of its arrows", () => {
    fc.assert(fc.property(graphs, ({ nodes, edges }) => {
      const forward = edges.map((e) => (e.from < e.to ? e : { ...e, from: e.to, to: e.from }));
      expect(layoutLayered(nodes, forward).edges.every((r) => !r.reversed)).toBe(true);
    }), { numRuns: 200 });
    const cycle = layoutLayered([{ width: 10, height: 10 }, { width: 10, height: 10 }, { width: 10, height: 10 }],
      [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 2, to: 0 }]);
    expect(cycle.edges.map((e) => e.reversed)).toEqual([false, false, true]);
  });

  test("a source moves next to its nearest target (no needlessly long arrow)", () => {
    const box = { width: 20, height: 10 };
    // 0 -> 1 -> 2 -> 3, and 4 -> 3 only: 4 is drawn one column pair left of 3, not in the first column.
    const layout = layoutLayered([box, box, box, box, box], [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 2, to: 3 }, { from: 4, to: 3 }]);
    expect(layout.nodes[4].x).toBe(layout.nodes[2].x);
    expect(layout.nodes[0].x).toBeLessThan(layout.nodes[1].x);
  });

  test("a labelled arrow between two boxes of one height runs straight: its ends and its label's line at one height", () => {
    const layout = layoutLayered([{ width: 80, height: 30 }, { width: 60, height: 30 }], [{ from: 0, to: 1, label: { width: 90, height: 40 } }]);
    const ys = new Set(layout.edges[0].points.map((p) => p.y));
    expect(ys.size).toBe(1);
    expect(layout.edges[0].label!.y).toBe([...ys][0] + 2);
  });

  test("two arrows given crossing are drawn uncrossed", () => {
    const box = { width: 20, height: 20 };
    // a -> d and b -> c, with c listed before d: in input order the arrows cross.
    const l = layoutLayered([box, box, box, box], [{ from: 0, to: 3 }, { from: 1, to: 2 }]);
    const y = l.nodes.map((r) => r.y);
    expect(Math.sign(y[0] - y[1])).toBe(Math.sign(y[3] - y[2]));
  });

  test(`more than ${MAX_LAYOUT_POINTS} points (arrows times the columns they cross) is refused, not laid out`, () => {
    const n = 250;
    const nodes = Array.from({ length: n }, () => ({ width: 10, height: 10 }));
    const chain = Array.from({ length: n - 1 }, (_, i) => ({ from: i, to: i + 1 }));
    const skips = Array.from({ length: n - 2 }, (_, i) => ({ from: 0, to: i + 2 }));
    expect(() => layoutLayered(nodes, [...chain, ...skips])).toThrow(new RegExp(`497 arrows crossing \\d+ columns in all: more than ${MAX_LAYOUT_POINTS} points to lay out`));
    expect(layoutLayered(nodes, chain).nodes).toHaveLength(n);
  });

  test("an arrow to itself or to a missing box is refused", () => {
    expect(() => layoutLayered([{ width: 1, height: 1 }], [{ from: 0, to: 0 }])).toThrow(/invalid arrow 0 -> 0 among 1 boxes/);
    expect(() => layoutLayered([{ width: 1, height: 1 }], [{ from: 0, to: 1 } as LayoutEdgeInput])).toThrow(/invalid arrow 0 -> 1/);
  });

  test("no boxes, no arrows: an empty drawing", () => {
    expect(layoutLayered([] as LayoutNodeInput[], [])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
  });
});

describe("crossingsBetween", () => {
  test("counts the pairs of segments whose order differs on the two sides, as a brute-force count does", () => {
    const segments = fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { maxLength: 40 });
    fc.assert(fc.property(segments, (pairs) => {
      let brute = 0;
      for (let i = 0; i < pairs.length; i++) {
        for (let j = i + 1; j < pairs.length; j++) if ((pairs[i][0] - pairs[j][0]) * (pairs[i][1] - pairs[j][1]) < 0) brute++;
      }
      expect(crossingsBetween(pairs.map(([a, b]) => [a, b]), 10)).toBe(brute);
    }));
    expect(crossingsBetween([[0, 1], [1, 0]], 2)).toBe(1);
    expect(crossingsBetween([[0, 0], [0, 1], [1, 1]], 2)).toBe(0);
  });
});

describe("isotonic (pool adjacent violators)", () => {
  test("gives the weighted least-squares non-decreasing fit: each block at its inputs' weighted mean, blocks strictly rising", () => {
    fc.assert(fc.property(fc.array(fc.record({ v: fc.integer({ min: -50, max: 50 }), w: fc.integer({ min: 1, max: 5 }) }), { maxLength: 30 }), (xs) => {
      const out = isotonic(xs.map((x) => x.v), xs.map((x) => x.w));
      expect(out).toHaveLength(xs.length);
      let start = 0;
      let previous = -Infinity;
      for (let k = 1; k <= out.length; k++) {
        if (k < out.length && Math.abs(out[k] - out[start]) < 1e-9) continue;
        // Block [start, k): one value, the weighted mean of its inputs, above the previous block's.
        let sum = 0;
        let weight = 0;
        for (let i = start; i < k; i++) {
          sum += xs[i].v * xs[i].w;
          weight += xs[i].w;
        }
        expect(out[start]).toBeCloseTo(sum / weight, 9);
        expect(out[start]).toBeGreaterThan(previous);
        // Optimality: no prefix of a block lies below the block's value (else splitting it would fit better).
        let prefix = 0;
        let prefixWeight = 0;
        for (let i = start; i < k - 1; i++) {
          prefix += xs[i].v * xs[i].w;
          prefixWeight += xs[i].w;
          expect(prefix / prefixWeight).toBeGreaterThanOrEqual(out[start] - 1e-9);
        }
        previous = out[start];
        start = k;
      }
    }));
    expect(isotonic([3, 1, 2], [1, 1, 1])).toEqual([2, 2, 2]);
    expect(isotonic([1, 3, 2, 4], [1, 1, 3, 1])).toEqual([1, 2.25, 2.25, 4]);
  });
});
