import { FlowEdge, FlowMark, FlowNode, FlowNodeKind, worstMark } from "./zone-flow-graph";
import { RuleLevel } from "../../engine/rule";
import { TrustLevel } from "../../network/trust-level";

/** Fill and stroke of a node style. @internal */
export interface NodeStyle {
  /** Class name (Mermaid `classDef`). */
  readonly name: string;
  readonly fill: string;
  readonly stroke: string;
  readonly dashed?: boolean;
}

/** Colours by trust level: red (untrusted), amber (perimeter), green (internal), blue (management). @internal */
export const TRUST_STYLES: Record<TrustLevel, NodeStyle> = {
  [TrustLevel.UNTRUSTED]: { name: "trust_untrusted", fill: "#f8d7da", stroke: "#842029" },
  [TrustLevel.PERIMETER]: { name: "trust_perimeter", fill: "#ffe5b4", stroke: "#b35c00" },
  [TrustLevel.INTERNAL]: { name: "trust_internal", fill: "#d1e7dd", stroke: "#0f5132" },
  [TrustLevel.MANAGEMENT]: { name: "trust_management", fill: "#cfe2ff", stroke: "#084298" },
};

/** Zones and NSGs whose trust is not declared. @internal */
export const UNDECLARED_STYLE: NodeStyle = { name: "trust_undeclared", fill: "#e9ecef", stroke: "#495057" };
/** Service tags, address ranges, ASGs, unresolved sources. @internal */
export const EXTERNAL_STYLE: NodeStyle = { name: "external", fill: "#ffffff", stroke: "#6c757d", dashed: true };
/** The note listing findings placed on no flow or zone. @internal */
export const NOTE_STYLE: NodeStyle = { name: "note", fill: "#fff8e1", stroke: "#8a6d3b" };

/** Every style, in a stable order. @internal */
export const ALL_STYLES: NodeStyle[] = [...Object.values(TRUST_STYLES), UNDECLARED_STYLE, EXTERNAL_STYLE, NOTE_STYLE];

/** Edge colours. @internal */
export const EDGE_COLORS = { normal: "#495057", implicit: "#6c757d", error: "#c1121f", warning: "#d97706", unverified: "#6c757d" };

/** The style of a node. @internal */
export function nodeStyle(n: FlowNode): NodeStyle {
  if (n.trust) return TRUST_STYLES[n.trust];
  if (n.kind === FlowNodeKind.ZONE || n.kind === FlowNodeKind.ON_PREMISES_ZONE || n.kind === FlowNodeKind.UNTAGGED_NSG || n.kind === FlowNodeKind.FOREIGN_NSG) {
    return UNDECLARED_STYLE;
  }
  return EXTERNAL_STYLE;
}

/** The colour of the most severe mark. @internal */
export function markColor(m: FlowMark | undefined): string | undefined {
  if (!m) return undefined;
  if (m.unverified) return EDGE_COLORS.unverified;
  return m.level === RuleLevel.ERROR ? EDGE_COLORS.error : EDGE_COLORS.warning;
}

/** How an arrow is drawn (DOT and SVG alike): red or amber and thick when a finding marks it, dashed when implicit or uncertain. @internal */
export function edgeLook(e: FlowEdge): { color: string; dashed: boolean; width: number } {
  const marked = markColor(worstMark(e.marks));
  return { color: marked ?? (e.implicit ? EDGE_COLORS.implicit : EDGE_COLORS.normal), dashed: e.implicit || e.uncertain, width: marked ? 2.5 : 1.2 };
}
