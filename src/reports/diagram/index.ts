import * as fs from "fs";
import * as path from "path";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { renderSvg } from "./svg";
import { buildZoneFlowGraph, ShownText, ZoneFlowGraph } from "./zone-flow-graph";
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
 * of `result`, its configuration texts shown through `shown` (the output redactor's, see {@link ShownText}). A drawing failure never fails synthesis: the other files are still written, the
 * stale SVG removed and the reason printed on stderr.
 * @internal
 */
export function writeZoneFlowDiagrams(dir: string, result: CheckResult, model: TerraformModel, shown?: ShownText): void {
  // Temp files and renames: a kill mid-write leaves the previous diagram, never half a file.
  writeFilesAtomic(zoneFlowFiles(dir, result, buildZoneFlowGraph(model, result.findings, shown)));
}

/**
 * The diagram files of a graph built earlier (the checks build it right after the rules, so the
 * model can be released before cdktf writes the stack), for the caller to write in one atomic batch
 * with the reports. Never throws: a file that cannot be drawn is left out with the reason on stderr
 * (the reports are written all the same), and a stale `zone-flows.svg` is removed at once (no
 * picture is better than one of an earlier configuration).
 * @internal
 */
export function zoneFlowFiles(dir: string, result: CheckResult, graph: ZoneFlowGraph): FileToWrite[] {
  const files: FileToWrite[] = [];
  const notWritten = (name: string, reason: string) => {
    process.stderr.write(`secure-deployment-zones: ${name} not written for ${result.name}: ${reason}\n`);
  };
  const add = (name: string, draw: () => string): boolean => {
    try {
      files.push({ file: path.join(dir, name), content: draw() });
      return true;
    } catch (err) {
      notWritten(name, (err as Error).message);
      return false;
    }
  };
  add(DIAGRAM_FILES.mermaid, () => toMermaid(graph));
  add(DIAGRAM_FILES.dot, () => toDot(graph));
  const drawn = graph.edges.length > MAX_SVG_EDGES
    ? (notWritten(DIAGRAM_FILES.svg, `${graph.edges.length} arrows is more than ${MAX_SVG_EDGES}; read ${DIAGRAM_FILES.mermaid}`), false)
    : add(DIAGRAM_FILES.svg, () => renderSvg(graph));
  if (!drawn) fs.rmSync(path.join(dir, DIAGRAM_FILES.svg), { force: true });
  return files;
}

export { buildZoneFlowGraph, toDot, toMermaid, renderSvg };
