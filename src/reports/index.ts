import * as path from "path";
import { cdktfJsonResourceRegions, JsonLayout } from "./json-positions";
import { toJsonReport } from "./json-report";
import { toMarkdownReport } from "./markdown-report";
import { toSarifReport } from "./sarif-report";
import { FileToWrite, writeFilesAtomic } from "../core/atomic-file";
import { CheckResult } from "../engine/result";

/** File names of the reports written next to each stack's `cdk.tf.json`. */
export const REPORT_FILES = {
  json: "compliance-report.json",
  sarif: "compliance-report.sarif",
  markdown: "compliance-report.md",
};

/** The package's metadata (name, version, repository), read once. */
function packageMetadata(): { version?: string; repository?: string | { url?: string }; homepage?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../../package.json");
  } catch {
    return {};
  }
}

/**
 * The web address of a repository URL as package.json writes it (`git+https://host/o/r.git`,
 * `git@host:o/r.git`, `github:o/r`), or undefined when there is none or it is a placeholder on a
 * reserved domain (`.invalid`, `.example`, `.test`, `localhost`: RFC 2606), which no link may point at.
 */
export function repositoryWebUrl(repository: string | { url?: string } | undefined): string | undefined {
  let url = typeof repository === "string" ? repository : repository?.url;
  if (!url) return undefined;
  url = url.trim();
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(url);
  if (shorthand) url = `https://github.com/${shorthand[1]}/${shorthand[2]}`;
  const ssh = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+)$/.exec(url);
  if (ssh) url = `https://${ssh[1]}/${ssh[2]}`;
  url = url.replace(/^git\+/, "").replace(/^git:\/\//, "https://").replace(/\.git$/, "").replace(/\/+$/, "");
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
    host = parsed.hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (/(^|\.)(invalid|example|test|localhost)$/.test(host) || /^example\.(com|net|org)$/.test(host)) return undefined;
  return url;
}

const PACKAGE = packageMetadata();
const REPOSITORY = repositoryWebUrl(PACKAGE.repository);

/**
 * Identity of the tool in reports. Links come from the package metadata: the repository's
 * docs/rules.md (on the default branch) is where each rule's anchor lives; no link is written while
 * the metadata names no real repository.
 */
export const TOOL = {
  name: "secure-deployment-zones",
  version: String(PACKAGE.version ?? "0.0.0"),
  informationUri: (PACKAGE.homepage && repositoryWebUrl(PACKAGE.homepage)) ?? REPOSITORY,
  rulesDocUri: REPOSITORY ? `${REPOSITORY}/blob/main/docs/rules.md` : undefined,
};

/**
 * Writes the JSON, SARIF and Markdown reports into `dir`. With the
 * stack's final Terraform JSON, SARIF results point at the lines of each resource in cdk.tf.json.
 * `alongside` are further files (the diagram's) written in the same atomic batch.
 */
export function writeReports(dir: string, result: CheckResult, tfJson?: unknown, layout: JsonLayout = "cdktf", alongside: readonly FileToWrite[] = []): void {
  const regions = tfJson !== undefined ? cdktfJsonResourceRegions(tfJson, layout) : undefined;
  const sarif = toSarifReport([result], TOOL, () => "cdk.tf.json", regions ? (_, address) => regions.get(address) : undefined);
  // All are written to temporary files first and then renamed into place (atomic-file): one folder flush.
  writeFilesAtomic([
    { file: path.join(dir, REPORT_FILES.json), content: JSON.stringify(toJsonReport(result, TOOL), null, 2) + "\n" },
    { file: path.join(dir, REPORT_FILES.sarif), content: JSON.stringify(sarif, null, 2) + "\n" },
    { file: path.join(dir, REPORT_FILES.markdown), content: toMarkdownReport(result) },
    ...alongside,
  ]);
}

export { toJsonReport, toMarkdownReport, toSarifReport };
export type { SarifTool, SarifOptions, SarifNotification } from "./sarif-report";
