/**
 * Measures one size in a fresh process (so peak memory is this size's alone):
 * `measure.ts <zones> <plain|checked>` prints one JSON line.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildBenchStack } from "./generate";
import { SecureDeploymentChecks } from "../src/checks/aspect";

// ts-node installs source-map-support, which maps every stack trace cdktf captures per construct;
// a user's compiled app does not pay that, so the benchmark must not either.
(Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;

const zones = Number(process.argv[2]);
const mode = process.argv[3];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-bench-"));
try {
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir, skipValidation: false });
  const stack = buildBenchStack(app, zones);
  if (mode === "checked") new SecureDeploymentChecks().applyToStack(stack);
  const t1 = process.hrtime.bigint();
  let errors = 0;
  try {
    app.synth();
  } catch (e) {
    // Findings of level error fail synth; the bench still counts the work done.
    errors = String((e as Error).message).split("\n").filter((l) => l.includes("[SDZ-")).length;
  }
  const t2 = process.hrtime.bigint();
  const resources = Object.values<any>(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8")).resource ?? {})
    .reduce((n, byName) => n + Object.keys(byName).length, 0);
  process.stdout.write(JSON.stringify({
    zones, mode, resources, errors,
    constructMs: Number(t1 - t0) / 1e6,
    synthMs: Number(t2 - t1) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }) + "\n");
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
