import * as path from "path";
import { toJsonReport } from "./json-report";
import { toMarkdownReport } from "./markdown-report";
import { resourceLineRegions, toSarifReport } from "./sarif-report";
import { writeFilesAtomic } from "../core/atomic-file";
import { CheckResult } from "../engine/result";

/** File names of the reports written next to each stack's `cdk.tf.json`. */
export const REPORT_FILES = {
  json: "compliance-report.json",
  sarif: "compliance-report.sarif",
  markdown: "compliance-report.md",
};

/** Identity of the tool in reports. */
export const TOOL = {
  name: "secure-deployment-zones",
  version: readVersion(),
  informationUri: "https://example.invalid/secure-deployment-zones",
};

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return String(require("../../package.json").version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
}

/**
 * Writes the JSON, SARIF and Markdown reports into `dir`. With the
 * stack's final Terraform JSON, SARIF results point at the lines of each resource in cdk.tf.json.
 */
export function writeReports(dir: string, result: CheckResult, tfJson?: unknown): void {
  const regions = tfJson !== undefined ? resourceLineRegions(tfJson) : undefined;
  const sarif = toSarifReport([result], TOOL, () => "cdk.tf.json", regions ? (_, address) => regions.get(address) : undefined);
  // All three are written to temporary files first and then renamed into place (atomic-file).
  writeFilesAtomic([
    { file: path.join(dir, REPORT_FILES.json), content: JSON.stringify(toJsonReport(result, TOOL), null, 2) + "\n" },
    { file: path.join(dir, REPORT_FILES.sarif), content: JSON.stringify(sarif, null, 2) + "\n" },
    { file: path.join(dir, REPORT_FILES.markdown), content: toMarkdownReport(result) },
  ]);
}

export { toJsonReport, toMarkdownReport, toSarifReport };
