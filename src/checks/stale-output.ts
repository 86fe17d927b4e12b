/**
 * No stale artefact after a failed synth.
 *
 * cdktf writes `cdk.tf.json` only at the very end of a stack's synthesis, after validations and
 * after our report writer. When a programmatic synth (`app.synth()`, `Testing.fullSynth`) fails
 * (an error finding, or any other validation error), cdktf throws before that write, and the
 * previous run's `cdk.tf.json` stayed behind: a later `secure-deployment-zones check cdktf.out`
 * would pass it. Removing it when the checks start, before anything can fail, closes that gap:
 *
 * - synth succeeds (or runs under `cdktf synth`, which continues past error annotations): cdktf
 *   writes the new `cdk.tf.json` and the reports are rewritten: both describe this run;
 * - synth fails after the checks ran: the reports of this run say FAILED and there is no
 *   `cdk.tf.json`; the command line refuses a stack folder without one (exit 2);
 * - synth is killed: no `cdk.tf.json` from an earlier run is left to pass.
 *
 * The previous reports are removed too, so no report of an earlier run says PASSED beside the
 * output of a run that never finished.
 */
import * as path from "path";
import { removeFileIfExists } from "../core/atomic-file";
import { REPORT_FILES } from "../reports";

/** Files of a stack's output folder that describe one synth: cdktf's configuration (JSON or HCL) and our reports. */
const STACK_OUTPUT_FILES = ["cdk.tf.json", "cdk.tf", REPORT_FILES.json, REPORT_FILES.sarif, REPORT_FILES.markdown];

/** Removes the previous synth's configuration and reports from a stack's output folder. @internal */
export function removeStaleStackOutput(stackDir: string): void {
  for (const name of STACK_OUTPUT_FILES) removeFileIfExists(path.join(stackDir, name));
}
