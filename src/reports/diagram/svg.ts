import { MAX_LABELLED_EDGES } from "./dot";
import { layoutLayered, LayoutEdgeInput, LayoutNodeInput, Point, Rect } from "./layout";
import { edgeLook, markColor, NOTE_STYLE, nodeStyle } from "./style";
import { edgeLines, FlowNode, FlowNodeKind, nodeLines, unplacedNoteLines, worstMark, ZoneFlowGraph } from "./zone-flow-graph";

const FONT_FAMILY = "Helvetica,Arial,sans-serif";
const NODE_FONT = 10;
const EDGE_FONT = 9;
const TITLE_FONT = 12;
const NODE_LINE = 12;
const EDGE_LINE = 11;
const MARGIN = 16;
const ARROW_LENGTH = 8;
/** Height of a self-loop's arc above its box. */
const LOOP_HEIGHT = 16;

/**
 * Advance widths of Helvetica (per 1,000 units of the font size) for printable ASCII, from Adobe's
 * Helvetica AFM metrics (the same table Graphviz falls back on without fonts): text is measured
 * without a font engine, and boxes fit their text in any Helvetica-like font.
 */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
];

/** The width of one line of text in Helvetica at `size` pixels (beyond ASCII, `·` is narrow and every other character one em). @internal */
export function textWidth(text: string, size: number): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue; // second half of a surrogate pair: counted with the first
    units += c >= 32 && c <= 126 ? HELVETICA_WIDTHS[c - 32] : c === 0xb7 ? 278 : 1000;
  }
  return (units * size) / 1000;
}

/**
 * Escapes text for SVG character data and attribute values. Characters XML 1.0 does not allow
 * (controls, U+FFFE, U+FFFF, unpaired surrogates) and line breaks become spaces, so any text gives a
 * well-formed document. @internal
 */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, " ")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const num = (v: number) => String(Math.round(v * 100) / 100);

const ZONE_LIKE = new Set([FlowNodeKind.ZONE, FlowNodeKind.ON_PREMISES_ZONE, FlowNodeKind.UNTAGGED_NSG, FlowNodeKind.FOREIGN_NSG]);

type Shape = "box" | "ellipse" | "note";

/** A node to draw: its lines, shape, box size and the space above it for a self-loop. */
interface Box {
  readonly id: string;
  readonly lines: string[];
  readonly shape: Shape;
  readonly width: number;
  readonly height: number;
  readonly fill: string;
  readonly stroke: string;
  readonly strokeWidth: number;
  readonly dashed: boolean;
  /** The arrow from the node to itself, if any (index in the graph's edges). */
  loop?: number;
  loopLabelHeight: number;
  loopLabelWidth: number;
}

function boxOf(id: string, lines: string[], shape: Shape, style: { fill: string; stroke: string; strokeWidth: number; dashed: boolean }): Box {
  const textW = Math.max(0, ...lines.map((l) => textWidth(l, NODE_FONT)));
  const textH = lines.length * NODE_LINE;
  // An ellipse around a w x h text box has half-axes w/√2 and h/√2 (plus padding).
  const [width, height] = shape === "ellipse" ? [(textW + 12) * Math.SQRT2, (textH + 4) * Math.SQRT2] : [textW + 16, textH + 12];
  return { id, lines, shape, width, height, ...style, loopLabelHeight: 0, loopLabelWidth: 0 };
}

function nodeBox(n: FlowNode): Box {
  const s = nodeStyle(n);
  const zoneLike = ZONE_LIKE.has(n.kind);
  return boxOf(n.id, nodeLines(n), zoneLike ? "box" : "ellipse", {
    fill: s.fill,
    stroke: markColor(worstMark(n.marks)) ?? s.stroke,
    strokeWidth: n.marks.length > 0 ? 2.5 : 1.2,
    // On-premises zones are dashed (they sit outside Azure), like the sources outside every zone.
    dashed: n.kind === FlowNodeKind.ON_PREMISES_ZONE || (!zoneLike && s.dashed === true),
  });
}

function textBlock(lines: readonly string[], cx: number, firstBaseline: number, lineHeight: number, size: number, fill?: string): string {
  const colour = fill ? ` fill="${fill}"` : "";
  return lines.map((l, k) => `<text x="${num(cx)}" y="${num(firstBaseline + k * lineHeight)}" text-anchor="middle" font-size="${size}"${colour}>${escapeXml(l)}</text>`).join("");
}

/** The path through the routed points: straight where they share a height, else an S-curve with level ends. */
function pathData(points: readonly Point[]): string {
  let d = `M${num(points[0].x)},${num(points[0].y)}`;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    if (a.y === b.y) d += ` L${num(b.x)},${num(b.y)}`;
    else {
      const mid = (a.x + b.x) / 2;
      d += ` C${num(mid)},${num(a.y)} ${num(mid)},${num(b.y)} ${num(b.x)},${num(b.y)}`;
    }
  }
  return d;
}

/** Moves an arrow's end from a box's side onto an ellipse's outline at the same height. */
function ontoEllipse(p: Point, r: Rect): Point {
  const rx = r.width / 2;
  const ry = r.height / 2;
  const cx = r.x + rx;
  const dy = Math.min(1, Math.abs(p.y - (r.y + ry)) / ry);
  const dx = rx * Math.sqrt(1 - dy * dy);
  return { x: p.x < cx ? cx - dx : cx + dx, y: p.y };
}

/**
 * The zone-flow graph as SVG, laid out in-process by {@link layoutLayered}: zones as rounded boxes
 * coloured by trust (on-premises zones dashed), other sources as ellipses, allowed inbound flows as
 * arrows labelled with ports and finding markers, offending arrows thick in red or amber, implicit
 * or uncertain flows dashed. Every label is escaped; the output is the same for the same graph.
 * @internal
 */
export function renderSvg(graph: ZoneFlowGraph): string {
  // As in the DOT file: above this many arrows, labels move to tooltips (`<title>`, shown on hover).
  const compact = graph.edges.length > MAX_LABELLED_EDGES;
  const boxes: Box[] = graph.nodes.map(nodeBox);
  const note = unplacedNoteLines(graph.unplaced);
  if (note.length > 0) boxes.push(boxOf("unplaced_findings", note, "note", { fill: NOTE_STYLE.fill, stroke: NOTE_STYLE.stroke, strokeWidth: 1.2, dashed: false }));
  const index = new Map(boxes.map((b, i) => [b.id, i]));

  const labelOf = (lines: string[]) => ({ width: Math.max(0, ...lines.map((l) => textWidth(l, EDGE_FONT))) + 6, height: lines.length * EDGE_LINE + 2 });
  const edgeInputs: LayoutEdgeInput[] = [];
  const edgeOf: number[] = [];
  graph.edges.forEach((e, i) => {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined) throw new Error(`zone-flow graph: arrow ${e.from} -> ${e.to} names a missing node`);
    if (from === to) {
      const box = boxes[from];
      // The graph has one arrow per pair of nodes (implicit ones come from VirtualNetwork, never a zone to itself).
      if (box.loop !== undefined) throw new Error(`two arrows from ${box.lines[0]} to itself`);
      box.loop = i;
      if (!compact) {
        const size = labelOf(edgeLines(e));
        box.loopLabelHeight = size.height;
        box.loopLabelWidth = size.width;
      }
      return;
    }
    edgeInputs.push(compact ? { from, to } : { from, to, label: labelOf(edgeLines(e)) });
    edgeOf.push(i);
  });
  const loopSpace = (b: Box) => (b.loop === undefined ? 0 : LOOP_HEIGHT + b.loopLabelHeight + 4);
  const nodeInputs: LayoutNodeInput[] = boxes.map((b) => ({
    width: Math.max(b.width, b.loopLabelWidth),
    height: b.height + loopSpace(b),
    portTop: loopSpace(b),
  }));
  const layout = layoutLayered(nodeInputs, edgeInputs);

  const title = [`Zone flows: ${graph.name}`];
  if (compact) title.push(`${graph.edges.length} arrows: labels shown on hover; read them in zone-flows.mmd`);
  const titleHeight = title.length * (TITLE_FONT + 3) + 8;
  const titleWidth = Math.max(0, ...title.map((l) => textWidth(l, TITLE_FONT)));
  const dx = MARGIN + Math.max(0, (titleWidth - layout.width) / 2);
  const dy = MARGIN + titleHeight;
  const width = Math.max(layout.width, titleWidth) + 2 * MARGIN;
  const height = layout.height + dy + MARGIN;
  const at = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });

  const out: string[] = [
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>",
    "<!-- Zone-flow diagram, generated by secure-deployment-zones -->",
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT_FAMILY}">`,
    `<title>${escapeXml(title[0])}</title>`,
    `<rect x="0" y="0" width="${num(width)}" height="${num(height)}" fill="white"/>`,
    textBlock(title, width / 2, MARGIN + TITLE_FONT, TITLE_FONT + 3, TITLE_FONT),
  ];

  // Arrows first, so boxes are drawn over their ends.
  layout.edges.forEach((route, k) => {
    const e = graph.edges[edgeOf[k]];
    const fromBox = boxes[index.get(e.from)!];
    const toBox = boxes[index.get(e.to)!];
    const points = route.points.map(at);
    const rect = (i: number) => {
      const r = layout.nodes[i];
      return { x: r.x + dx, y: r.y + dy + loopSpace(boxes[i]), width: boxes[i].width, height: boxes[i].height };
    };
    // Boxes narrower than their layout slot (a wide self-loop label) and ellipses: ends moved onto the outline.
    const fixEnd = (p: Point, b: Box, i: number, onLeft: boolean): Point => {
      const r = rect(i);
      const slotX = layout.nodes[i].x + dx + (layout.nodes[i].width - b.width) / 2;
      const moved = { x: onLeft ? slotX : slotX + b.width, y: p.y };
      return b.shape === "ellipse" ? ontoEllipse(moved, { ...r, x: slotX }) : moved;
    };
    const last = points.length - 1;
    points[0] = fixEnd(points[0], fromBox, index.get(e.from)!, route.reversed);
    points[last] = fixEnd(points[last], toBox, index.get(e.to)!, !route.reversed);
    const label = route.label && { ...route.label, x: route.label.x + dx, y: route.label.y + dy };
    out.push(edgeSvg(e, `${fromBox.lines[0]} → ${toBox.lines[0]}`, points, route.reversed, compact, label));
  });

  boxes.forEach((b, i) => {
    const slot = layout.nodes[i];
    const x = slot.x + dx + (slot.width - b.width) / 2;
    const y = slot.y + dy + loopSpace(b);
    out.push(nodeSvg(b, { x, y, width: b.width, height: b.height }, b.loop === undefined ? undefined : graph.edges[b.loop], compact));
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function edgeStyle(e: ZoneFlowGraph["edges"][number]) {
  const { color, dashed, width } = edgeLook(e);
  return { color, attrs: `fill="none" stroke="${color}" stroke-width="${width}"${dashed ? " stroke-dasharray=\"5,3\"" : ""}` };
}

/** An arrowhead whose tip is at `tip`, pointing left or right. */
function arrowHead(tip: Point, leftwards: boolean, color: string): string {
  const base = tip.x + (leftwards ? ARROW_LENGTH : -ARROW_LENGTH);
  return `<polygon points="${num(tip.x)},${num(tip.y)} ${num(base)},${num(tip.y - 3.5)} ${num(base)},${num(tip.y + 3.5)}" fill="${color}" stroke="${color}"/>`;
}

function edgeSvg(e: ZoneFlowGraph["edges"][number], ends: string, points: Point[], leftwards: boolean, compact: boolean, label: Rect | undefined): string {
  const { color, attrs } = edgeStyle(e);
  const lines = edgeLines(e);
  const tip = points[points.length - 1];
  // The line stops at the arrowhead's base.
  const path = [...points.slice(0, -1), { x: tip.x + (leftwards ? ARROW_LENGTH : -ARROW_LENGTH), y: tip.y }];
  const parts = [
    `<g class="edge"><title>${escapeXml(`${ends}: ${lines.join("; ")}`)}</title>`,
    `<path d="${pathData(path)}" ${attrs}/>`,
    arrowHead(tip, leftwards, color),
  ];
  if (!compact && label) parts.push(textBlock(lines, label.x + label.width / 2, label.y + EDGE_FONT, EDGE_LINE, EDGE_FONT, color));
  parts.push("</g>");
  return parts.join("");
}

function nodeSvg(b: Box, r: Rect, loop: ZoneFlowGraph["edges"][number] | undefined, compact: boolean): string {
  const dash = b.dashed ? " stroke-dasharray=\"5,2\"" : "";
  const paint = `fill="${b.fill}" stroke="${b.stroke}" stroke-width="${b.strokeWidth}"${dash}`;
  let shape: string;
  if (b.shape === "ellipse") shape = `<ellipse cx="${num(r.x + r.width / 2)}" cy="${num(r.y + r.height / 2)}" rx="${num(r.width / 2)}" ry="${num(r.height / 2)}" ${paint}/>`;
  else if (b.shape === "note") {
    const fold = 8;
    const [x0, y0, x1, y1] = [r.x, r.y, r.x + r.width, r.y + r.height];
    shape = `<path d="M${num(x0)},${num(y0)} L${num(x1 - fold)},${num(y0)} L${num(x1)},${num(y0 + fold)} L${num(x1)},${num(y1)} L${num(x0)},${num(y1)} Z" ${paint}/>`;
  } else shape = `<rect x="${num(r.x)}" y="${num(r.y)}" width="${num(r.width)}" height="${num(r.height)}" rx="6" ${paint}/>`;
  const textTop = r.y + (r.height - b.lines.length * NODE_LINE) / 2;
  const parts = [`<g class="node" id="${escapeXml(b.id)}"><title>${b.lines.map(escapeXml).join("&#10;")}</title>`, shape, textBlock(b.lines, r.x + r.width / 2, textTop + NODE_FONT, NODE_LINE, NODE_FONT)];
  if (loop) {
    // A self-loop: an arc over the box's top, from its left quarter back down to its right quarter.
    const { color, attrs } = edgeStyle(loop);
    const [xa, xb, top] = [r.x + r.width / 4, r.x + (3 * r.width) / 4, r.y - LOOP_HEIGHT];
    parts.push(`<g class="edge"><title>${escapeXml(`${b.lines[0]} → ${b.lines[0]}: ${edgeLines(loop).join("; ")}`)}</title>`);
    parts.push(`<path d="M${num(xa)},${num(r.y)} C${num(xa)},${num(top)} ${num(xb)},${num(top)} ${num(xb)},${num(r.y - ARROW_LENGTH)}" ${attrs}/>`);
    parts.push(`<polygon points="${num(xb)},${num(r.y)} ${num(xb - 3.5)},${num(r.y - ARROW_LENGTH)} ${num(xb + 3.5)},${num(r.y - ARROW_LENGTH)}" fill="${color}" stroke="${color}"/>`);
    if (!compact) {
      const lines = edgeLines(loop);
      parts.push(textBlock(lines, r.x + r.width / 2, top - 4 - lines.length * EDGE_LINE + EDGE_FONT, EDGE_LINE, EDGE_FONT, color));
    }
    parts.push("</g>");
  }
  parts.push("</g>");
  return parts.join("");
}
