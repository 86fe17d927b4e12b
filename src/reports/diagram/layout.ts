/**
 * A layered ("Sugiyama") layout, left to right, for the zone-flow diagram: small, synchronous and
 * bounded (a fixed number of ordering sweeps and placement passes, each linear or n log n in the
 * boxes and arrow points, and at most {@link MAX_LAYOUT_POINTS} points).
 *
 * Steps, as in Gansner et al., "A Technique for Drawing Directed Graphs" (the method of Graphviz's
 * `dot`), each in its simplest bounded form:
 * 1. cycles broken by reversing the arrows a depth-first search meets as back edges;
 * 2. columns by longest path, every arrow spanning at least two, so that its label gets a column of
 *    its own between its ends (as `dot` does with label nodes); sources pulled next to their targets;
 * 3. arrows longer than that split into one point per column they cross;
 * 4. order within columns by barycentre sweeps, keeping the order with the fewest crossings
 *    (counted in n log n, Barth, Jünger and Mutzel's method);
 * 5. vertical places by weighted isotonic regression (pool adjacent violators): each box as close as
 *    the order allows to the mean of its neighbours, never overlapping, arrow points weighted more so
 *    long arrows straighten.
 */

/** The size of one box to place. @internal */
export interface LayoutSize {
  readonly width: number;
  readonly height: number;
}

/** A box to place; arrows attach below `portTop` (the space above holds, e.g., a self-loop). @internal */
export interface LayoutNodeInput extends LayoutSize {
  readonly portTop?: number;
}

/** An arrow between two different boxes (by index), with the size of its label if it has one. @internal */
export interface LayoutEdgeInput {
  readonly from: number;
  readonly to: number;
  readonly label?: LayoutSize;
}

/** A point. @internal */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A placed box: top-left corner and size. @internal */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A routed arrow: points from its source's side to its target's side (the last point is where the
 * arrowhead's tip touches the target), the place of its label, and whether it runs right to left
 * (an arrow reversed to break a cycle).
 * @internal
 */
export interface EdgeRoute {
  readonly points: Point[];
  readonly label?: Rect;
  readonly reversed: boolean;
}

/** The result: boxes and arrows in input order, and the size of the whole drawing. @internal */
export interface Layout {
  readonly nodes: Rect[];
  readonly edges: EdgeRoute[];
  readonly width: number;
  readonly height: number;
}

/** Spacing of a layout. @internal */
export interface LayoutSpacing {
  /** Vertical space between two boxes of one column. */
  readonly nodeGap: number;
  /** Vertical space taken by an arrow crossing a column (and added above and below a label). */
  readonly edgeGap: number;
  /** Horizontal space between two columns (where arrows curve). */
  readonly columnGap: number;
}

/** Default spacing (pixels). @internal */
export const DEFAULT_SPACING: LayoutSpacing = { nodeGap: 18, edgeGap: 6, columnGap: 36 };

/**
 * Most points (boxes, labels and one per column an arrow crosses) a layout may have: arrows spanning
 * many columns multiply them (500 arrows over a chain of 250 zones make 125,000; this many take about
 * 0.2 s). Past it {@link layoutLayered} throws and the caller draws no picture.
 * @internal
 */
export const MAX_LAYOUT_POINTS = 20_000;

/** Where a label's text starts below the arrow running along its top. */
const LABEL_DROP = 2;

/** Ordering sweeps (each one pass down and one up the columns). */
const ORDER_SWEEPS = 6;
/** Placement passes (each one down and one up). */
const PLACE_PASSES = 6;
/** Weight of an arrow's point against a box when placing: long arrows straighten first. */
const VIRTUAL_WEIGHT = 4;

/** A vertex of the layered graph: a box, an arrow's label or a point where an arrow crosses a column. */
interface Vertex {
  readonly rank: number;
  readonly width: number;
  readonly height: number;
  /** Index of the input box, or -1. */
  readonly node: number;
  /** For a label vertex: the label's height (the arrow runs along its top). */
  readonly labelHeight?: number;
  readonly preds: number[];
  readonly succs: number[];
}

/**
 * Lays out boxes and arrows left to right. Throws on an arrow from a box to itself or to a box that
 * does not exist (the caller draws self-loops inside the box's `portTop` space).
 * @internal
 */
export function layoutLayered(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[], spacing: LayoutSpacing = DEFAULT_SPACING): Layout {
  const n = nodes.length;
  for (const e of edges) {
    if (!(e.from >= 0 && e.from < n && e.to >= 0 && e.to < n) || e.from === e.to) throw new Error(`layout: invalid arrow ${e.from} -> ${e.to} among ${n} boxes`);
  }
  const reversed = backEdges(n, edges);
  const oriented = edges.map((e, i) => (reversed[i] ? { from: e.to, to: e.from } : { from: e.from, to: e.to }));
  const rank = ranks(n, oriented);
  let size = n;
  for (const e of oriented) size += rank[e.to] - rank[e.from] - 1;
  if (size > MAX_LAYOUT_POINTS) throw new Error(`${edges.length} arrows crossing ${size - n} columns in all: more than ${MAX_LAYOUT_POINTS} points to lay out`);

  // Vertices: the boxes first (same indices), then one per column each arrow crosses.
  const vertices: Vertex[] = nodes.map((s, i) => ({ rank: rank[i], width: s.width, height: s.height, node: i, preds: [], succs: [] }));
  const chains: number[][] = oriented.map((e, i) => {
    const chain = [e.from];
    const label = edges[i].label;
    const span = rank[e.to] - rank[e.from];
    // The label's column: the middle odd column between the ends (boxes sit in even columns).
    const labelRank = rank[e.from] + 1 + 2 * Math.floor((span / 2 - 1) / 2);
    for (let r = rank[e.from] + 1; r < rank[e.to]; r++) {
      const isLabel = label !== undefined && r === labelRank;
      vertices.push(isLabel
        ? { rank: r, width: label.width, height: label.height + 2 * spacing.edgeGap, node: -1, labelHeight: label.height, preds: [], succs: [] }
        : { rank: r, width: 0, height: spacing.edgeGap, node: -1, preds: [], succs: [] });
      chain.push(vertices.length - 1);
    }
    chain.push(e.to);
    for (let k = 1; k < chain.length; k++) {
      vertices[chain[k - 1]].succs.push(chain[k]);
      vertices[chain[k]].preds.push(chain[k - 1]);
    }
    return chain;
  });

  let columnCount = 0;
  for (const v of vertices) columnCount = Math.max(columnCount, v.rank + 1);
  const columns = orderColumns(vertices, columnCount);
  const centreY = placeVertically(vertices, columns, spacing);
  const { left, columnLeft, columnRight, width } = placeHorizontally(vertices, columns, spacing);

  const top = (v: number) => centreY[v] - vertices[v].height / 2;
  const nodeRects: Rect[] = nodes.map((s, i) => ({ x: left[i], y: top(i), width: s.width, height: s.height }));

  // Ports: the arrows leaving (entering) a box attach on its right (left) side, spread over its
  // height below portTop in the order of the vertices they go to (come from), so they do not cross.
  const outPort = new Map<string, number>();
  const inPort = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = vertices[i];
    const lo = top(i) + Math.min(nodes[i].portTop ?? 0, v.height);
    const spread = (others: number[], ports: Map<string, number>) => {
      const sorted = [...new Set(others)].sort((a, b) => centreY[a] - centreY[b] || a - b);
      sorted.forEach((o, k) => ports.set(`${i}:${o}`, lo + ((top(i) + v.height - lo) * (k + 1)) / (sorted.length + 1)));
    };
    spread(v.succs, outPort);
    spread(v.preds, inPort);
  }

  const routes: EdgeRoute[] = chains.map((chain, i) => {
    const points: Point[] = [];
    const push = (x: number, y: number) => {
      const last = points[points.length - 1];
      if (!last || last.x !== x || last.y !== y) points.push({ x, y });
    };
    let label: Rect | undefined;
    for (let k = 0; k < chain.length; k++) {
      const v = chain[k];
      const vertex = vertices[v];
      if (k === 0) {
        const y = outPort.get(`${v}:${chain[1]}`)!;
        push(left[v] + vertex.width, y);
        push(columnRight[vertex.rank], y);
      } else if (k === chain.length - 1) {
        const y = inPort.get(`${v}:${chain[k - 1]}`)!;
        push(columnLeft[vertex.rank], y);
        push(left[v], y);
      } else {
        // The arrow runs along the top of its label, straight through the column.
        const y = vertex.labelHeight !== undefined ? top(v) + spacing.edgeGap : centreY[v];
        push(columnLeft[vertex.rank], y);
        push(columnRight[vertex.rank], y);
        if (vertex.labelHeight !== undefined) label = { x: left[v], y: y + LABEL_DROP, width: vertex.width, height: vertex.labelHeight };
      }
    }
    if (reversed[i]) points.reverse();
    return label ? { points, label, reversed: reversed[i] } : { points, reversed: reversed[i] };
  });

  let height = 0;
  for (let v = 0; v < vertices.length; v++) height = Math.max(height, top(v) + vertices[v].height);
  return { nodes: nodeRects, edges: routes, width, height };
}

/** The arrows a depth-first search (boxes and arrows in input order) meets as back edges. */
function backEdges(n: number, edges: readonly LayoutEdgeInput[]): boolean[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  edges.forEach((e, i) => out[e.from].push(i));
  const state = new Uint8Array(n); // 0 unseen, 1 on the path, 2 done
  const reversed = edges.map(() => false);
  const path: number[] = [];
  const next: number[] = [];
  for (let s = 0; s < n; s++) {
    if (state[s] !== 0) continue;
    state[s] = 1;
    path.push(s);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const v = path[top];
      if (next[top] < out[v].length) {
        const e = out[v][next[top]++];
        const t = edges[e].to;
        if (state[t] === 1) reversed[e] = true;
        else if (state[t] === 0) {
          state[t] = 1;
          path.push(t);
          next.push(0);
        }
      } else {
        state[v] = 2;
        path.pop();
        next.pop();
      }
    }
  }
  return reversed;
}

/**
 * Columns by longest path over the acyclic arrows, two apart per arrow (labels take the odd
 * columns); then each source that is not a target moves right next to its nearest target.
 */
function ranks(n: number, edges: readonly { from: number; to: number }[]): number[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (const e of edges) {
    out[e.from].push(e.to);
    indegree[e.to]++;
  }
  const rank = new Array<number>(n).fill(0);
  const sources: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) sources.push(v);
  const queue = [...sources];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const t of out[v]) {
      rank[t] = Math.max(rank[t], rank[v] + 2);
      if (--indegree[t] === 0) queue.push(t);
    }
  }
  for (const v of sources) {
    if (out[v].length === 0) continue;
    let nearest = Infinity;
    for (const t of out[v]) nearest = Math.min(nearest, rank[t]);
    rank[v] = nearest - 2;
  }
  return rank;
}

/** Vertices per column, ordered to cross few arrows: barycentre sweeps, the best order kept. */
function orderColumns(vertices: readonly Vertex[], count: number): number[][] {
  const columns: number[][] = Array.from({ length: count }, () => []);
  const pos = new Float64Array(vertices.length);
  // Initial order: boxes in input order, then arrow points by the order of their predecessors.
  vertices.forEach((v, i) => {
    if (v.node >= 0) columns[v.rank].push(i);
  });
  for (const column of columns) column.forEach((v, k) => (pos[v] = k));
  const points: number[][] = Array.from({ length: count }, () => []);
  vertices.forEach((v, i) => {
    if (v.node < 0) points[v.rank].push(i);
  });
  for (let r = 1; r < count; r++) {
    columns[r].push(...points[r]);
    reorder(columns[r], vertices, pos, "preds");
  }
  let best = columns.map((c) => [...c]);
  let bestCrossings = crossings(columns, vertices, pos);
  for (let sweep = 0; sweep < ORDER_SWEEPS && bestCrossings > 0; sweep++) {
    for (let r = 1; r < count; r++) reorder(columns[r], vertices, pos, "preds");
    for (let r = count - 2; r >= 0; r--) reorder(columns[r], vertices, pos, "succs");
    const c = crossings(columns, vertices, pos);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = columns.map((col) => [...col]);
    }
  }
  best.forEach((column) => column.forEach((v, k) => (pos[v] = k)));
  return best;
}

/**
 * Sorts the vertices of one column that have neighbours in the adjacent column by the mean
 * position of those neighbours; vertices without keep their places.
 */
function reorder(column: number[], vertices: readonly Vertex[], pos: Float64Array, side: "preds" | "succs"): void {
  const key = new Map<number, number>();
  for (const v of column) {
    const ns = vertices[v][side];
    if (ns.length === 0) continue;
    let sum = 0;
    for (const u of ns) sum += pos[u];
    key.set(v, sum / ns.length);
  }
  const movable = column.filter((v) => key.has(v)).sort((a, b) => key.get(a)! - key.get(b)! || pos[a] - pos[b]);
  let m = 0;
  for (let k = 0; k < column.length; k++) if (key.has(column[k])) column[k] = movable[m++];
  column.forEach((v, k) => (pos[v] = k));
}

/** Arrow crossings between adjacent columns. */
function crossings(columns: readonly number[][], vertices: readonly Vertex[], pos: Float64Array): number {
  let total = 0;
  for (let r = 0; r + 1 < columns.length; r++) {
    const pairs: [number, number][] = [];
    for (const u of columns[r]) for (const v of vertices[u].succs) pairs.push([pos[u], pos[v]]);
    total += crossingsBetween(pairs, columns[r + 1].length);
  }
  return total;
}

/**
 * How many of the segments between two columns cross: `pairs` are (position on the left, position
 * on the right, less than `size`); two cross when their order differs on the two sides (shared ends
 * do not cross). Inversions counted with a Fenwick tree: n log n.
 * @internal
 */
export function crossingsBetween(pairs: [number, number][], size: number): number {
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const tree = new Int32Array(size + 1);
  let total = 0;
  let seen = 0;
  for (const [, q] of pairs) {
    // Segments seen so far (left end above or equal) whose right end is strictly below q cross this one.
    let atMost = 0;
    for (let i = q + 1; i > 0; i -= i & -i) atMost += tree[i];
    total += seen - atMost;
    for (let i = q + 1; i <= size; i += i & -i) tree[i]++;
    seen++;
  }
  return total;
}

/** Vertical centres: passes that pull each vertex to its neighbours' mean, never out of order or overlapping. */
function placeVertically(vertices: readonly Vertex[], columns: readonly number[][], spacing: LayoutSpacing): Float64Array {
  const y = new Float64Array(vertices.length);
  // Where the arrow runs, from a vertex's centre: along a label's top, through the middle of the rest.
  // Placing anchors (not centres) at their neighbours' mean keeps labelled arrows straight.
  const anchor = vertices.map((v) => (v.labelHeight !== undefined ? spacing.edgeGap - v.height / 2 : 0));
  // Offsets: where each vertex would sit with the column packed from 0.
  const offset = new Float64Array(vertices.length);
  for (const column of columns) {
    let at = 0;
    column.forEach((v, k) => {
      if (k > 0) {
        const prev = vertices[column[k - 1]];
        const boxes = (prev.node >= 0 ? 1 : 0) + (vertices[v].node >= 0 ? 1 : 0);
        // Two boxes keep nodeGap apart; an arrow passing a box keeps clear of its outline.
        at += prev.height / 2 + vertices[v].height / 2 + (boxes === 2 ? spacing.nodeGap : boxes === 1 ? spacing.edgeGap : 0);
      }
      offset[v] = at;
      y[v] = at;
    });
  }
  const pass = (r: number, sides: ("preds" | "succs")[]) => {
    const column = columns[r];
    const values: number[] = [];
    const weights: number[] = [];
    for (const v of column) {
      let sum = 0;
      let count = 0;
      for (const side of sides) {
        for (const u of vertices[v][side]) {
          sum += y[u] + anchor[u];
          count++;
        }
      }
      values.push((count > 0 ? sum / count - anchor[v] : y[v]) - offset[v]);
      weights.push(count === 0 ? 0.01 : vertices[v].node >= 0 ? 1 : VIRTUAL_WEIGHT);
    }
    isotonic(values, weights).forEach((d, k) => (y[column[k]] = d + offset[column[k]]));
  };
  for (let p = 0; p < PLACE_PASSES; p++) {
    for (let r = 1; r < columns.length; r++) pass(r, ["preds"]);
    for (let r = columns.length - 2; r >= 0; r--) pass(r, ["succs"]);
  }
  for (let r = 0; r < columns.length; r++) pass(r, ["preds", "succs"]);
  let minTop = Infinity;
  vertices.forEach((v, i) => (minTop = Math.min(minTop, y[i] - v.height / 2)));
  if (Number.isFinite(minTop)) for (let i = 0; i < y.length; i++) y[i] -= minTop;
  return y;
}

/** Weighted isotonic regression (non-decreasing) by pooling adjacent violators: linear. @internal */
export function isotonic(values: readonly number[], weights: readonly number[]): number[] {
  const mean: number[] = [];
  const weight: number[] = [];
  const size: number[] = [];
  values.forEach((value, i) => {
    mean.push(value);
    weight.push(weights[i]);
    size.push(1);
    while (mean.length > 1 && mean[mean.length - 2] > mean[mean.length - 1]) {
      const w = weight[weight.length - 2] + weight[weight.length - 1];
      const m = (mean[mean.length - 2] * weight[weight.length - 2] + mean[mean.length - 1] * weight[weight.length - 1]) / w;
      const s = size[size.length - 2] + size[size.length - 1];
      mean.length -= 1;
      weight.length -= 1;
      size.length -= 1;
      mean[mean.length - 1] = m;
      weight[weight.length - 1] = w;
      size[size.length - 1] = s;
    }
  });
  const out: number[] = [];
  mean.forEach((m, b) => {
    for (let k = 0; k < size[b]; k++) out.push(m);
  });
  return out;
}

/** Column edges (each as wide as its widest vertex) and each vertex's left, centred in its column. */
function placeHorizontally(vertices: readonly Vertex[], columns: readonly number[][], spacing: LayoutSpacing) {
  const columnLeft: number[] = [];
  const columnRight: number[] = [];
  let x = 0;
  for (const column of columns) {
    let widest = 0;
    for (const v of column) widest = Math.max(widest, vertices[v].width);
    columnLeft.push(x);
    columnRight.push(x + widest);
    x += widest + spacing.columnGap;
  }
  const left = vertices.map((v) => columnLeft[v.rank] + (columnRight[v.rank] - columnLeft[v.rank] - v.width) / 2);
  return { left, columnLeft, columnRight, width: Math.max(0, x - spacing.columnGap) };
}
