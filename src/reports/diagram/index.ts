import * as fs from "fs";
import * as path from "path";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { renderSvg } from "./svg";
import { buildZoneFlowGraph, ZoneFlowGraph } from "./zone-flow-graph";
import { writeFileAtomic } from "../../core/atomic-file";
import { TerraformModel } from "../../engine/model";
import { CheckResult } from "../../engine/result";

/** File names of the zone-flow diagram written next to each stack's reports. @internal */
export const DIAGRAM_FILES = {
  mermaid: "zone-flows.mmd",
  svg: "zone-flows.svg",
  /** The same graph in Graphviz DOT, for users who render it with Graphviz (`dot -Tsvg zone-flows.dot`). */
  dot: "zone-flows.dot",
};

/**
 * Above this many arrows no SVG is drawn (a picture with more arrows is unreadable, and its layout
 * grows with arrows times the columns they cross); the Mermaid and DOT files are still written.
 * @internal
 */
export const MAX_SVG_EDGES = 500;

/**
 * Writes `zone-flows.mmd` (Mermaid), `zone-flows.dot` (Graphviz DOT) and `zone-flows.svg` (laid
 * out in-process, see {@link renderSvg}) into `dir`, built from the checked model and the findings
 * of `result`. A drawing failure never fails synthesis: the other files are still written, the
 * stale SVG removed and the reason printed on stderr.
 * @internal
 */
export function writeZoneFlowDiagrams(dir: string, result: CheckResult, model: TerraformModel): void {
  writeGraph(dir, result, buildZoneFlowGraph(model, result.findings));
}

/**
 * {@link writeZoneFlowDiagrams} from a graph built earlier (the checks build it right after the
 * rules, so the model can be released before cdktf writes the stack).
 * @internal
 */
export function writeZoneFlowGraph(dir: string, result: CheckResult, graph: ZoneFlowGraph): void {
  writeGraph(dir, result, graph);
}

function writeGraph(dir: string, result: CheckResult, graph: ZoneFlowGraph): void {
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, DIAGRAM_FILES.mermaid), toMermaid(graph));
  writeFileAtomic(path.join(dir, DIAGRAM_FILES.dot), toDot(graph));
  const svgPath = path.join(dir, DIAGRAM_FILES.svg);
  if (graph.edges.length > MAX_SVG_EDGES) {
    fs.rmSync(svgPath, { force: true });
    process.stderr.write(`secure-deployment-zones: ${DIAGRAM_FILES.svg} not written for ${result.name}: ${graph.edges.length} arrows is more than ${MAX_SVG_EDGES}; read ${DIAGRAM_FILES.mermaid}\n`);
    return;
  }
  try {
    // Temp file and rename: a kill mid-write leaves the previous diagram, never half a file.
    writeFileAtomic(svgPath, renderSvg(graph));
  } catch (err) {
    fs.rmSync(svgPath, { force: true });
    process.stderr.write(`secure-deployment-zones: ${DIAGRAM_FILES.svg} not written for ${result.name}: ${(err as Error).message}\n`);
  }
}

export { buildZoneFlowGraph, toDot, toMermaid, renderSvg };
