import * as fs from "fs";
import * as path from "path";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { renderSvg } from "./svg";
import { buildZoneFlowGraph, ZoneFlowGraph } from "./zone-flow-graph";
import { FileToWrite, writeFilesAtomic } from "../../core/atomic-file";
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
  // Temp files and renames: a kill mid-write leaves the previous diagram, never half a file.
  writeFilesAtomic(zoneFlowFiles(dir, result, buildZoneFlowGraph(model, result.findings)));
}

/**
 * The diagram files of a graph built earlier (the checks build it right after the rules, so the
 * model can be released before cdktf writes the stack), for the caller to write in one atomic batch
 * with the reports. When no SVG can be drawn, a stale `zone-flows.svg` is removed and the reason
 * printed on stderr; the Mermaid and DOT files are still returned.
 * @internal
 */
export function zoneFlowFiles(dir: string, result: CheckResult, graph: ZoneFlowGraph): FileToWrite[] {
  const files: FileToWrite[] = [
    { file: path.join(dir, DIAGRAM_FILES.mermaid), content: toMermaid(graph) },
    { file: path.join(dir, DIAGRAM_FILES.dot), content: toDot(graph) },
  ];
  const svgPath = path.join(dir, DIAGRAM_FILES.svg);
  const skip = (reason: string) => {
    fs.rmSync(svgPath, { force: true });
    process.stderr.write(`secure-deployment-zones: ${DIAGRAM_FILES.svg} not written for ${result.name}: ${reason}\n`);
  };
  if (graph.edges.length > MAX_SVG_EDGES) {
    skip(`${graph.edges.length} arrows is more than ${MAX_SVG_EDGES}; read ${DIAGRAM_FILES.mermaid}`);
    return files;
  }
  try {
    files.push({ file: svgPath, content: renderSvg(graph) });
  } catch (err) {
    skip((err as Error).message);
  }
  return files;
}

export { buildZoneFlowGraph, toDot, toMermaid, renderSvg };
