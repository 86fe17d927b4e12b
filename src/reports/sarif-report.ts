import { createHash } from "crypto";
import * as path from "path";
import { LineRegion } from "./json-positions";
import { extrasOf, ReportedFinding } from "./json-report";
import { CheckResult, Finding, FindingStatus } from "../engine/result";
import { RuleInfo, RuleLevel } from "../engine/rule";

export type { LineRegion } from "./json-positions";

const LEVEL: Record<RuleLevel, string> = { error: "error", warning: "warning", info: "note" };

/** GitHub code scanning reads `security-severity` (0-10) from rule properties. */
const SECURITY_SEVERITY: Record<RuleLevel, string> = { error: "8.0", warning: "5.0", info: "2.0" };

/** The official schema location of SARIF 2.1.0. */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * GitHub code scanning rejects a run with more than 25,000 results and a rule with more than 20
 * tags, and shows only 10 tags per rule ("SARIF results exceed limits":
 * https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit).
 */
export const SARIF_LIMITS = { resultsPerRun: 25_000, tagsPerRule: 10 } as const;

/** Identity of the tool in a SARIF report. */
export interface SarifTool {
  readonly name: string;
  readonly version: string;
  /** The project's web page, when the package metadata names a real one. */
  readonly informationUri?: string;
  /** The published rules documentation (docs/rules.md); each rule's helpUri is its anchor there. */
  readonly rulesDocUri?: string;
}

/** A tool notification (an unreadable input, results left out). */
export interface SarifNotification {
  readonly level: "error" | "warning" | "note";
  readonly text: string;
  /** The artifact it is about. */
  readonly uri?: string;
}

/** Options of {@link toSarifReport}. */
export interface SarifOptions {
  /** The base every relative artifact URI is relative to (`%SRCROOT%`), as an absolute folder path. */
  readonly srcRoot?: string;
  /** Largest number of results in the run (default {@link SARIF_LIMITS}.resultsPerRun); the most severe are kept. */
  readonly maxResults?: number;
  /** Notifications about the tool's execution (e.g. unreadable inputs). */
  readonly notifications?: readonly SarifNotification[];
  /** Whether the tool could read all of its input. @default true */
  readonly executionSuccessful?: boolean;
}

/** `Management port open to any or the Internet` -> `ManagementPortOpenToAnyOrTheInternet`; `ICMP` -> `Icmp`. */
function friendlyName(rule: RuleInfo): string {
  // Single-letter words ("a") would put two capitals in a row, which is not Pascal case.
  const words = rule.title.replace(/[^A-Za-z0-9]+/g, " ").trim().split(" ").filter((w) => w.length > 1 || /\d/.test(w));
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join("");
  return /^[A-Za-z]/.test(name) ? name : `Rule${rule.id.replace(/[^A-Za-z0-9]/g, "")}`;
}

function withPeriod(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function fingerprint(...parts: (string | undefined)[]): string {
  return createHash("sha256").update(parts.map((p) => p ?? "").join("\u0000")).digest("hex").slice(0, 32);
}

/** Order of results kept when a run must be cut: open errors first, then warnings, notes, then suppressed ones. */
function keepRank(f: Finding): number {
  if (f.status === FindingStatus.SUPPRESSED) return 3;
  return f.level === RuleLevel.ERROR ? 0 : f.level === RuleLevel.WARNING ? 1 : 2;
}

/** A file URI for an absolute folder, ending in `/` (SARIF's originalUriBaseIds). */
function folderUri(dir: string): string {
  const parts = path.resolve(dir).split(path.sep).map(encodeURIComponent).join("/");
  return `file://${parts.startsWith("/") ? "" : "/"}${parts}${parts.endsWith("/") ? "" : "/"}`;
}

/**
 * SARIF 2.1.0 for code-scanning upload (validated against the official schema in the tests).
 * Rules carry their metadata and help text (rationale, fix, requirement IDs); each result has a
 * logical location for the construct path and one for the Terraform address, and its physical
 * location is the file the resource was read from, with the resource's lines when known.
 * Suppressed findings are kept, with an `accepted` suppression and its reason. Unverified findings
 * (values unknown before apply) are results of their level with `properties.status =
 * "unverified"`, never dropped. A run holds at most {@link SARIF_LIMITS}.resultsPerRun results
 * (GitHub rejects larger runs): beyond that the most severe are kept and a notification says how
 * many were left out.
 */
export function toSarifReport(
  results: CheckResult[],
  tool: SarifTool,
  artifactUri: (r: CheckResult) => string,
  regionOf?: (r: CheckResult, address: string) => LineRegion | undefined,
  options: SarifOptions = {},
): object {
  const rules = new Map<string, RuleInfo>();
  results.forEach((r) => r.rules.forEach((rule) => rules.set(rule.id, rule)));
  const ruleList = [...rules.values()];
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const artifacts: string[] = [];
  const artifactIndex = new Map<string, number>();
  const artifactOf = (uri: string): number => {
    let i = artifactIndex.get(uri);
    if (i === undefined) {
      i = artifacts.length;
      artifacts.push(uri);
      artifactIndex.set(uri, i);
    }
    return i;
  };
  const unused = results.flatMap((r) => r.unusedSuppressions.map((s) => ({ ...s, stack: r.name })));
  const expired = results.flatMap((r) => extrasOf(r).expiredSuppressions.map((s) => ({ ...s, stack: r.name })));
  const withBaseline = results.some((r) => extrasOf(r).baselineApplied);
  const uriBase = options.srcRoot !== undefined ? { uriBaseId: "%SRCROOT%" } : {};
  const isRelative = (uri: string) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);

  // Every finding, then the ones kept when there are more than a run may hold (order preserved).
  const all = results.flatMap((res) => res.findings.map((f, i) => ({ res, f, i })));
  const max = options.maxResults ?? SARIF_LIMITS.resultsPerRun;
  let kept = all;
  if (all.length > max) {
    const chosen = new Set([...all.keys()].sort((a, b) => keepRank(all[a].f) - keepRank(all[b].f) || a - b).slice(0, max));
    kept = all.filter((_, i) => chosen.has(i));
  }
  const omitted = all.length - kept.length;
  const notifications = [
    ...(options.notifications ?? []).map((n) => ({
      level: n.level,
      message: { text: n.text },
      ...(n.uri !== undefined ? { locations: [{ physicalLocation: { artifactLocation: { uri: n.uri, ...(isRelative(n.uri) ? uriBase : {}) } } }] } : {}),
    })),
    ...(omitted > 0 ? [{
      level: "warning",
      descriptor: { id: "results-omitted" },
      message: {
        text: `${omitted} of ${all.length} results were left out: GitHub code scanning rejects a run with more than ${SARIF_LIMITS.resultsPerRun} results `
          + "(https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit). "
          + "The most severe were kept; the JSON report has every finding.",
      },
    }] : []),
  ];

  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(tool.version) ? tool.version : undefined,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: ruleList.map((r) => ({
              id: r.id,
              name: friendlyName(r),
              shortDescription: { text: withPeriod(r.title) },
              fullDescription: { text: withPeriod(r.rationale) },
              // The library's rules (SDZ-*) are in docs/rules.md (GitHub renders its <a id> anchors at #<id>);
              // a custom rule links only where its author says.
              ...(r.helpUri ? { helpUri: r.helpUri } : r.id.startsWith("SDZ-") && tool.rulesDocUri ? { helpUri: `${tool.rulesDocUri}#${r.id.toLowerCase()}` } : {}),
              help: {
                text: `${withPeriod(r.rationale)}\n\nFix: ${withPeriod(r.fix)}\n\nRequirements: ${r.requirements.join(", ") || "none"}. Suppressible: ${r.suppressible ? "yes" : "no"}.`,
                markdown: `${withPeriod(r.rationale)}\n\n**Fix:** ${withPeriod(r.fix)}\n\n**Requirements:** ${r.requirements.join(", ") || "none"}\n\n**Suppressible:** ${r.suppressible ? "yes" : "no"}`,
              },
              defaultConfiguration: { level: LEVEL[r.level] },
              properties: {
                "requirements": r.requirements,
                "area": r.area,
                "suppressible": r.suppressible,
                "resourceTypes": r.resourceTypes,
                "security-severity": SECURITY_SEVERITY[r.level],
                // Every requirement stays in `requirements`; tags are capped at what GitHub shows.
                "tags": ["security", r.area, ...r.requirements].slice(0, SARIF_LIMITS.tagsPerRule),
              },
            })),
          },
        },
        automationDetails: { id: results.length === 1 ? `${tool.name}/${results[0].name}/` : `${tool.name}/` },
        ...(options.srcRoot !== undefined ? { originalUriBaseIds: { "%SRCROOT%": { uri: folderUri(options.srcRoot) } } } : {}),
        results: kept.map(({ res, f }) => {
          const uri = artifactUri(res);
          const ruleIndex = index.get(f.ruleId);
          const region = regionOf?.(res, f.address);
          return {
            ruleId: f.ruleId,
            ...(ruleIndex !== undefined ? { ruleIndex } : {}),
            level: LEVEL[f.level],
            kind: "fail",
            message: { text: `${withPeriod(f.message)} Resource: ${f.address}. Fix: ${withPeriod(f.fix)}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri, ...(isRelative(uri) ? uriBase : {}), index: artifactOf(uri) },
                  ...(region ? { region: { startLine: region.startLine, endLine: region.endLine } } : {}),
                },
                logicalLocations: [
                  ...(f.constructPath ? [{ name: f.constructPath.split("/").pop(), fullyQualifiedName: f.constructPath, kind: "module" }] : []),
                  { name: f.address, fullyQualifiedName: f.address, kind: "resource" },
                ],
              },
            ],
            partialFingerprints: { "sdzFinding/v1": fingerprint(res.name, f.ruleId, f.address, f.constructPath) },
            ...(f.status === FindingStatus.SUPPRESSED
              ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.suppressionReason ?? "" }] }
              : {}),
            // With a baseline: a finding it knows is "unchanged", any other open one "new".
            ...(withBaseline && f.status !== FindingStatus.SUPPRESSED ? { baselineState: (f as ReportedFinding).baselined ? "unchanged" : "new" } : {}),
            properties: {
              requirements: f.requirements, status: f.status, stack: res.name, resourceType: f.resourceType,
              ...((f as ReportedFinding).baselined ? { baselined: true } : {}),
            },
          };
        }),
        artifacts: artifacts.map((uri) => ({
          location: { uri, ...(isRelative(uri) ? uriBase : {}) },
          roles: ["analysisTarget"], mimeType: /\.json$/i.test(uri) ? "application/json" : "text/plain", description: { text: "Terraform configuration checked by the rules." },
        })),
        invocations: [
          {
            executionSuccessful: options.executionSuccessful ?? true,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
            toolConfigurationNotifications: [
              ...unused.map((s) => ({
                level: "warning",
                descriptor: { id: "unused-suppression" },
                associatedRule: index.has(s.ruleId) ? { id: s.ruleId, index: index.get(s.ruleId) } : { id: s.ruleId },
                message: { text: `The suppression of ${s.ruleId} on ${s.scope} (stack ${s.stack}) matches no finding (reason: ${s.reason}). Remove it or fix its scope.` },
              })),
              ...expired.map((s) => ({
                level: "warning",
                descriptor: { id: "expired-suppression" },
                associatedRule: index.has(s.ruleId) ? { id: s.ruleId, index: index.get(s.ruleId) } : { id: s.ruleId },
                message: { text: `The suppression of ${s.ruleId} on ${s.scope} (stack ${s.stack}) expired after ${s.expires} (reason: ${s.reason}); it no longer suppresses.` },
              })),
            ],
          },
        ],
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
