/**
 * What the command line prints and writes: the table, and the JSON, SARIF and Markdown reports
 * (built with the library's report writers, so they match the reports written at synth time).
 */
import * as path from "path";
import { paint, Paint } from "./color";
import { passedRules } from "./coverage";
import { InputError, LoadedConfiguration, SkippedInput } from "./inputs";
import { sarifUri } from "./repo-root";
import { CheckResult, countFindings, Finding, FindingCounts, FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";
import { toJsonReport, toMarkdownReport, toSarifReport, TOOL } from "../reports";
import { LineRegion } from "../reports/json-positions";
import { extrasOf, ReportedFinding } from "../reports/json-report";

/** One checked configuration. */
export interface CheckedConfiguration {
  readonly configuration: LoadedConfiguration;
  readonly result: CheckResult;
}

/** Everything one run of `check` found: what the outputs are made of. */
export interface CheckRun {
  readonly checked: CheckedConfiguration[];
  /** Inputs that could not be used (exit code 2). */
  readonly errors: InputError[];
  /** Inputs found but not checked, with the reason. */
  readonly skipped: SkippedInput[];
  /** The exit code the inputs and findings give (before any report write failed, and without --soft-fail). */
  readonly exitCode: number;
  /** `--soft-fail`: findings do not fail the process (exit code 1 becomes 0). */
  readonly softFail?: boolean;
}

/** The process's exit code for a run: the check's, except that --soft-fail turns 1 into 0. */
export function processExitCode(run: CheckRun): number {
  return run.softFail && run.exitCode === 1 ? 0 : run.exitCode;
}

/** Version of the command line's JSON document (`--format json`, `--json FILE`). */
export const CLI_JSON_VERSION = 1;

/** Counts over every configuration (findings a baseline knows are counted apart, as `baselined`). */
export function totalCounts(checked: CheckedConfiguration[]): FindingCounts & { baselined: number } {
  const all = checked.flatMap((c) => c.result.findings);
  const known = (f: Finding) => (f as ReportedFinding).baselined === true;
  return { ...countFindings(all.filter((f) => !known(f))), baselined: all.filter(known).length };
}

function baselineApplied(checked: CheckedConfiguration[]): boolean {
  return checked.some((c) => extrasOf(c.result).baselineApplied);
}

const LEVEL_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

/** Table order: new findings by level, then the ones a baseline knows. */
function rank(f: Finding): number {
  return (LEVEL_ORDER[f.level] ?? 3) + ((f as ReportedFinding).baselined ? 10 : 0);
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The one-line summary. */
export function summaryLine(run: CheckRun, p: Paint = paint(false)): string {
  const { checked, errors, exitCode } = run;
  const c = totalCounts(checked);
  const resources = checked.reduce((n, x) => n + x.result.resourceCount, 0);
  const verdict = exitCode === 2 ? p.magenta("INCOMPLETE") : exitCode === 1 ? p.red(p.bold("FAILED")) : p.green("PASSED");
  const soft = exitCode === 1 && run.softFail ? " (soft fail: exit code 0)" : "";
  const parts = [
    `${verdict}${soft}: ${plural(c.errors, "error")}, ${plural(c.warnings, "warning")}, ${plural(c.infos, "note")}`,
    `${c.unverified} could not be verified`,
    `${c.suppressed} suppressed`,
    ...(baselineApplied(checked) ? [`${c.baselined} known (baseline)`] : []),
  ];
  let line = `${parts.join(", ")} in ${plural(checked.length, "configuration")} (${plural(resources, "resource")})`;
  if (errors.length > 0) line += `; ${plural(errors.length, "input")} could not be read`;
  if (run.skipped.length > 0) line += `; ${plural(run.skipped.length, "input")} not checked (listed above)`;
  const expired = checked.reduce((n, x) => n + extrasOf(x.result).expiredSuppressions.length, 0);
  if (expired > 0) line += `; ${plural(expired, "suppression")} expired`;
  return line;
}

/** How the table is drawn. */
export interface TableOptions {
  /** Colours (or none). */
  readonly paint?: Paint;
  /** List the rules that passed on each resource. */
  readonly verbose?: boolean;
}

/** The readable table: one block per configuration, findings sorted by level. */
export function renderTable(run: CheckRun, options: TableOptions = {}): string {
  const p = options.paint ?? paint(false);
  const lines: string[] = [];
  for (const { configuration, result } of run.checked) {
    // Files relative to the configuration's folder (a local module's files sit elsewhere).
    const base = configuration.files.includes(configuration.name) ? path.dirname(configuration.name) : configuration.name;
    const files = configuration.files.length > 1 ? ` [${configuration.files.map((f) => path.relative(base, f) || path.basename(f)).join(", ")}]` : "";
    lines.push(`${p.bold(configuration.name)}${files} (${configuration.kind}, ${plural(result.resourceCount, "resource")})`);
    const open = result.findings
      .filter((f) => f.status !== FindingStatus.SUPPRESSED)
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
    if (open.length === 0) lines.push(`  ${p.green("no findings")}`);
    else lines.push(...table(open, p));
    const notes: string[] = [];
    if (result.counts.suppressed > 0) notes.push(`${result.counts.suppressed} suppressed`);
    if (result.unusedSuppressions.length > 0) notes.push(plural(result.unusedSuppressions.length, "unused suppression"));
    if (notes.length > 0) lines.push(`  ${notes.join(", ")}`);
    for (const s of result.unusedSuppressions) lines.push(`  unused suppression ${s.ruleId} on ${s.scope}: ${s.reason}`);
    for (const s of extrasOf(result).expiredSuppressions) lines.push(`  expired suppression ${s.ruleId} on ${s.scope} (last day ${s.expires}): ${s.reason}`);
    if (options.verbose) {
      const covered = passedRules(result, configuration.model);
      lines.push(covered.length === 0 ? "  passed: no rule ran on a resource without finding something" : "  passed (rules that ran on the resource and found nothing):");
      for (const c of covered) lines.push(`    ${c.address}: ${p.green(c.passed.join(", "))}`);
    }
    lines.push("");
  }
  if (run.skipped.length > 0) {
    lines.push("Not checked:");
    for (const s of run.skipped) lines.push(`  ${s.file}: ${oneLine(s.message)}`);
    lines.push("");
  }
  return lines.join("\n");
}

function levelText(f: Finding): string {
  const level = f.status === FindingStatus.UNVERIFIED ? `${f.level}?` : f.level;
  return (f as ReportedFinding).baselined ? `${level}(known)` : level;
}

function table(findings: Finding[], p: Paint): string[] {
  const header = ["RULE", "LEVEL", "ADDRESS", "MESSAGE"];
  const rows = findings.map((f) => [f.ruleId, levelText(f), f.address, oneLine(f.message)]);
  const widths = [0, 1, 2].map((col) => Math.min(col === 2 ? 60 : 24, Math.max(header[col].length, ...rows.map((r) => r[col].length))));
  // Pad the plain text first, then colour it, so escape codes never shift the columns.
  const fmt = (r: string[], f?: Finding) => {
    const cells = r.slice(0, 3).map((c, i) => c.padEnd(widths[i]));
    if (f) {
      const colour = (f as ReportedFinding).baselined ? p.dim : f.level === RuleLevel.ERROR ? p.red : f.level === RuleLevel.WARNING ? p.yellow : p.cyan;
      cells[1] = colour(cells[1]);
    }
    return `  ${cells.join("  ")}  ${r[3]}`;
  };
  return [fmt(header), ...rows.map((r, i) => fmt(r, findings[i]))];
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, " ");
}

/** The JSON document: every configuration's JSON report (the synth-time format) plus totals. */
export function toCliJson(run: CheckRun): object {
  const { checked, errors, exitCode } = run;
  const counts = totalCounts(checked);
  return {
    cliReportVersion: CLI_JSON_VERSION,
    tool: TOOL,
    exitCode: processExitCode(run),
    passed: exitCode === 0,
    ...(run.softFail ? { softFail: true } : {}),
    counts,
    inputErrors: errors,
    skippedInputs: run.skipped,
    configurations: checked.map(({ configuration, result }) => ({
      name: configuration.name,
      kind: configuration.kind,
      files: configuration.files,
      report: toJsonReport(result, TOOL),
    })),
  };
}

/** Where SARIF URIs point: the repository root, and the lines of each resource by file. */
export interface SarifContext {
  readonly root: string;
  readonly regions: Map<string, Map<string, LineRegion>>;
}

/**
 * SARIF 2.1.0. Each finding points at the file its resource was read from (a configuration of
 * several files is split by file), with the resource's lines in that file, by a URI relative to the
 * repository root (`%SRCROOT%`); unreadable inputs become tool notifications. At most 25,000
 * results, the most severe first (GitHub's limit per run).
 */
export function toCliSarif(run: CheckRun, context: SarifContext): object {
  const { checked, errors } = run;
  const perFile: CheckResult[] = [];
  const fileOf = new Map<CheckResult, string>();
  for (const { configuration, result } of checked) {
    const bySource = new Map<string, Finding[]>();
    for (const f of result.findings) {
      const src = f.source && configuration.files.includes(f.source) ? f.source : configuration.files[0];
      bySource.set(src, [...(bySource.get(src) ?? []), f]);
    }
    if (bySource.size === 0) bySource.set(configuration.files[0], []);
    for (const [src, findings] of bySource) {
      const part: CheckResult = { ...result, findings, counts: countFindings(findings) };
      perFile.push(part);
      fileOf.set(part, src);
    }
  }
  const uriOf = (file: string) => (file === "(stdin)" ? "stdin" : sarifUri(file, context.root));
  return toSarifReport(perFile, TOOL, (r) => uriOf(fileOf.get(r) ?? ""), (r, address) => context.regions.get(fileOf.get(r) ?? "")?.get(address), {
    srcRoot: context.root,
    executionSuccessful: errors.length === 0,
    notifications: [
      ...errors.map((e) => ({ level: "error" as const, text: `${e.file}: ${e.message}`, uri: uriOf(e.file) })),
      ...run.skipped.map((e) => ({ level: "note" as const, text: `not checked: ${e.file}: ${e.message}`, uri: uriOf(e.file) })),
    ],
  });
}

/** Markdown: a summary, unreadable inputs, then each configuration's report (headings one level down). */
export function toCliMarkdown(run: CheckRun): string {
  const { checked, errors } = run;
  const lines = ["# secure-deployment-zones check", "", `**${summaryLine(run)}**`, ""];
  if (errors.length > 0) {
    lines.push("## Inputs that could not be read", "", "| File | Problem |", "| --- | --- |");
    for (const e of errors) lines.push(`| \`${e.file.replace(/\|/g, "\\|")}\` | ${e.message.replace(/\|/g, "\\|")} |`);
    lines.push("");
  }
  if (run.skipped.length > 0) {
    lines.push("## Inputs not checked", "", "| File | Why |", "| --- | --- |");
    for (const e of run.skipped) lines.push(`| \`${e.file.replace(/\|/g, "\\|")}\` | ${e.message.replace(/\|/g, "\\|")} |`);
    lines.push("");
  }
  for (const { result } of checked) {
    lines.push(...toMarkdownReport(result).split("\n").map((l) => (/^#+ /.test(l) ? `#${l}` : l)));
  }
  return lines.join("\n") + "\n";
}
