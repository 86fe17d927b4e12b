/**
 * `synth.js <zones> <plain|checked> [outdir]`: builds the benchmark's zones app (with findings) from
 * the built library and synthesizes it; `checked` adds the checks with reports and the diagram on.
 * Prints construct and synth times; the parent times the whole process and reads its peak memory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { library, msSince, report } from "./library";
import { buildZonesStack } from "../stack";

const zones = Number(process.argv[2]);
const mode = process.argv[3];
const keep = process.argv[4];
const outdir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "sdz-bench-"));
try {
  const t0 = process.hrtime.bigint();
  const sdz = library("index");
  const app = new App({ outdir });
  const stack = buildZonesStack(sdz, app, zones, { findings: true });
  if (mode === "checked") new sdz.SecureDeploymentChecks().applyToStack(stack);
  const constructMs = msSince(t0);
  const t1 = process.hrtime.bigint();
  let errorFindings = 0;
  try {
    app.synth();
  } catch (e) {
    // Error findings fail synth after the reports are written, as they do for a user.
    errorFindings = String((e as Error).message).split("\n").filter((l) => l.includes("[SDZ-")).length;
  }
  const synthMs = msSince(t1);
  const dir = path.join(outdir, "stacks", stack.node.id);
  const files = fs.readdirSync(dir);
  report({ zones, mode, constructMs, synthMs, errorFindings, reports: files.includes("compliance-report.json"), svg: files.includes("zone-flows.svg") });
} finally {
  if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
}
