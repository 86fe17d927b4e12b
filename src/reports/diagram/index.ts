import * as fs from "fs";
import * as path from "path";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { prepareSvgRenderer, renderSvgSync, svgRenderingDone, warmSvgRenderer } from "./svg";
import { buildZoneFlowGraph, ZoneFlowGraph } from "./zone-flow-graph";
import { writeFileAtomic } from "../../core/atomic-file";
import { TerraformModel } from "../../engine/model";
import { CheckResult } from "../../engine/result";

/** File names of the zone-flow diagram written next to each stack's reports. @internal */
export const DIAGRAM_FILES = {
  mermaid: "zone-flows.mmd",
  svg: "zone-flows.svg",
};

/**
 * Above this many arrows no SVG is rendered (a picture with more arrows is unreadable, and even the
 * bounded layout grows about quadratically: 976 arrows took 2.4 s, 3,251 took 56 s); the Mermaid
 * file is still written.
 * @internal
 */
export const MAX_SVG_EDGES = 500;

/**
 * Writes `zone-flows.mmd` (Mermaid) and `zone-flows.svg` (Graphviz) into `dir`, built from the
 * checked model and the findings of `result`. A rendering failure never fails synthesis: the
 * Mermaid file is still written, the stale SVG removed and the reason printed on stderr.
 * @internal
 */
export function writeZoneFlowDiagrams(dir: string, result: CheckResult, model: TerraformModel): void {
  try {
    writeDiagrams(dir, result, model);
  } finally {
    // Done or not needed: the Graphviz worker may stop if no other stack awaits it.
    svgRenderingDone();
  }
}

/**
 * {@link writeZoneFlowDiagrams} from a graph built earlier (the checks build it right after the
 * rules, so the model can be released before cdktf writes the stack).
 * @internal
 */
export function writeZoneFlowGraph(dir: string, result: CheckResult, graph: ZoneFlowGraph): void {
  try {
    writeGraph(dir, result, graph);
  } finally {
    svgRenderingDone();
  }
}

function writeDiagrams(dir: string, result: CheckResult, model: TerraformModel): void {
  writeGraph(dir, result, buildZoneFlowGraph(model, result.findings));
}

function writeGraph(dir: string, result: CheckResult, graph: ZoneFlowGraph): void {
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, DIAGRAM_FILES.mermaid), toMermaid(graph));
  const svgPath = path.join(dir, DIAGRAM_FILES.svg);
  if (graph.edges.length > MAX_SVG_EDGES) {
    fs.rmSync(svgPath, { force: true });
    process.stderr.write(`secure-deployment-zones: ${DIAGRAM_FILES.svg} not written for ${result.name}: ${graph.edges.length} arrows is more than ${MAX_SVG_EDGES}; read ${DIAGRAM_FILES.mermaid}\n`);
    return;
  }
  try {
    // Temp file and rename: a kill mid-write leaves the previous diagram, never half a file.
    writeFileAtomic(svgPath, renderSvgSync(toDot(graph)));
  } catch (err) {
    fs.rmSync(svgPath, { force: true });
    process.stderr.write(`secure-deployment-zones: ${DIAGRAM_FILES.svg} not written for ${result.name}: ${(err as Error).message}\n`);
  }
}

export { buildZoneFlowGraph, toDot, toMermaid, renderSvgSync, prepareSvgRenderer, warmSvgRenderer };
