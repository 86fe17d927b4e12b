import { edgeLook, markColor, NOTE_STYLE, nodeStyle } from "./style";
import { edgeLines, FlowEdge, FlowNode, FlowNodeKind, nodeGroups, nodeLines, textOfLines, unplacedNoteLines, worstMark, ZoneFlowGraph } from "./zone-flow-graph";

/**
 * Above this many arrows, labels move to tooltips (in the DOT file and the SVG) and Graphviz, for
 * those who render the DOT file, gets a bounded layout effort
 * (network-simplex and crossing-minimisation limits, straight edges): its default layout grows
 * about quadratically (measured on the benchmark's zone graph: 326 arrows 9.6 s by default, 0.2 s
 * bounded; 976 arrows 2.4 s bounded).
 * @internal
 */
export const MAX_LABELLED_EDGES = 100;

/** Graph attributes that bound Graphviz's layout effort on large graphs. */
const BOUNDED_LAYOUT = "mclimit=0.05, nslimit=0.5, nslimit1=0.5, searchsize=10, splines=line";

/**
 * Escapes text for a double-quoted DOT string: backslashes doubled (so `\N`, `\G`, `\l` in names stay
 * literal), quotes escaped, control characters made spaces. Lines are joined with `\n` by the caller.
 * @internal
 */
export function escapeDot(text: string): string {
  const s = String(text);
  // Most labels need nothing: one search first (search ignores and restores `lastIndex`). Each
  // character maps on its own, so one pass does the three replacements (backslashes, quotes, controls).
  return s.search(UNSAFE_FOR_DOT) < 0 ? s : s.replace(UNSAFE_FOR_DOT, escapeDotCharacter);
}

/** Backslash, double quote and control characters. */
const UNSAFE_FOR_DOT = /[\\"\u0000-\u001f\u007f]/g;

function escapeDotCharacter(ch: string): string {
  return ch === "\\" ? "\\\\" : ch === "\"" ? "\\\"" : " ";
}

function quoted(lines: string[]): string {
  return `"${lines.map(escapeDot).join("\\n")}"`;
}

const ZONE_LIKE = new Set([FlowNodeKind.ZONE, FlowNodeKind.ON_PREMISES_ZONE, FlowNodeKind.UNTAGGED_NSG, FlowNodeKind.FOREIGN_NSG]);

function nodeStatement(n: FlowNode): string {
  const s = nodeStyle(n);
  const zoneLike = ZONE_LIKE.has(n.kind);
  const style = !zoneLike && s.dashed ? "rounded,filled,dashed" : "rounded,filled";
  const penwidth = n.marks.length > 0 ? 2.5 : 1.2;
  const color = markColor(worstMark(n.marks)) ?? s.stroke;
  return `${n.id} [label=${quoted(nodeLines(n))}, shape=${zoneLike ? "box" : "ellipse"}, style="${style}", fillcolor="${s.fill}", color="${color}", penwidth=${penwidth}];`;
}

function edgeStatement(e: FlowEdge, compact: boolean): string {
  const lines = edgeLines(e);
  const { color, dashed, width } = edgeLook(e);
  const style = dashed ? "dashed" : "solid";
  const text = compact ? `tooltip=${quoted(lines)}` : `label=${quoted(lines)}`;
  return `${e.from} -> ${e.to} [${text}, color="${color}", fontcolor="${color}", style=${style}, penwidth=${width}];`;
}

/**
 * The graph in Graphviz DOT, for the SVG: zones clustered into on-premises and Azure, coloured by
 * trust, arrows labelled with ports and finding markers, offending arrows thick in red or amber.
 * @internal
 */
export function toDot(graph: ZoneFlowGraph): string {
  const compact = graph.edges.length > MAX_LABELLED_EDGES;
  const title = [`Zone flows: ${graph.name}`];
  if (compact) title.push(`${graph.edges.length} arrows: labels shown on hover; read them in zone-flows.mmd`);
  const out: string[] = [
    "digraph zone_flows {",
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=${quoted(title)}, nodesep=0.4, ranksep=1.1${compact ? `, ${BOUNDED_LAYOUT}` : ""}];`,
    "  node [fontname=\"Helvetica\", fontsize=10];",
    "  edge [fontname=\"Helvetica\", fontsize=9];",
  ];
  const { onPremises: onPrem, azure, others } = nodeGroups(graph.nodes);
  if (onPrem.length > 0) {
    out.push(`  subgraph cluster_onpremises { label=${quoted(["On premises"])}; style="dashed"; color="#495057";`);
    onPrem.forEach((n) => out.push(`    ${nodeStatement(n)}`));
    out.push("  }");
  }
  if (azure.length > 0) {
    out.push(`  subgraph cluster_azure { label=${quoted([`Azure: ${graph.name}`])}; style="rounded"; color="#0078d4";`);
    azure.forEach((n) => out.push(`    ${nodeStatement(n)}`));
    out.push("  }");
  }
  others.forEach((n) => out.push(`  ${nodeStatement(n)}`));
  if (graph.unplaced.length > 0) {
    out.push(`  unplaced_findings [label=${quoted(unplacedNoteLines(graph.unplaced))}, shape=note, style=filled, fillcolor="${NOTE_STYLE.fill}", color="${NOTE_STYLE.stroke}"];`);
  }
  graph.edges.forEach((e) => out.push(`  ${edgeStatement(e, compact)}`));
  out.push("}");
  return textOfLines(out);
}
