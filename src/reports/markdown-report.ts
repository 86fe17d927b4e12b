import { extrasOf, ReportedFinding, RuleSummary, summarizeByRule } from "./json-report";
import { CheckResult, Finding, FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";

/** `text` for a table cell: `|` escaped, line breaks (`\n`, `\r\n` and a lone `\r`, all CommonMark line endings) as spaces. */
function cell(text: string | undefined): string {
  const t = text ?? "";
  // Most texts (long messages and fixes) have none of these: substring searches are much cheaper than two regex passes.
  if (!t.includes("|") && !t.includes("\n") && !t.includes("\r")) return t;
  return t.replace(/\|/g, "\\|").replace(/\r\n?|\n/g, " ");
}

/** The words the header uses for each level. */
const LEVEL_WORDS: Record<RuleLevel, string> = { [RuleLevel.ERROR]: "error", [RuleLevel.WARNING]: "warning", [RuleLevel.INFO]: "note" };

/**
 * A rule's failed count, saying how many were reported below (or above) the rule's level, so the
 * table agrees with the header: `1 (1 as note)` for an error rule whose one finding is a note.
 */
function failedCell(s: RuleSummary): string {
  const other = ([RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.INFO] as const)
    .filter((l) => l !== s.level && s.failedByLevel[l] > 0)
    .map((l) => `${s.failedByLevel[l]} as ${LEVEL_WORDS[l]}`);
  return other.length === 0 ? `${s.failed}` : `${s.failed} (${other.join(", ")})`;
}

function where(f: Finding): string {
  return f.constructPath ? `\`${cell(f.address)}\`<br>${cell(f.constructPath)}` : `\`${cell(f.address)}\``;
}

function table(findings: Finding[]): string[] {
  if (findings.length === 0) return ["None.", ""];
  return [
    "| Rule | Resource | Finding | Fix | Requirements |",
    "| --- | --- | --- | --- | --- |",
    ...findings.map((f) =>
      `| ${f.ruleId}${f.status === FindingStatus.UNVERIFIED ? " (unverified)" : ""}${(f as ReportedFinding).baselined ? " (known)" : ""} | ${where(f)} | ${cell(f.message)} | ${cell(f.fix)} | ${cell(f.requirements.join(", "))} |`),
    "",
  ];
}

/**
 * A human-readable summary of one configuration's check: the verdict, open findings by level
 * (with resource, construct path, fix and requirement IDs), a per-rule summary, suppressed
 * findings with their reasons, unused suppressions and declared settings.
 */
export function toMarkdownReport(result: CheckResult): string {
  const c = result.counts;
  const extras = extrasOf(result);
  const open = result.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED);
  const suppressed = result.findings.filter((f) => f.status === FindingStatus.SUPPRESSED);
  const byRule = summarizeByRule(result).filter((s) => s.failed + s.unverified + s.suppressed + s.baselined > 0);
  const lines = [
    `# Compliance report: ${result.name}`,
    "",
    `**${c.errors === 0 ? "PASSED" : "FAILED"}**: ${c.errors} error(s), ${c.warnings} warning(s), ${c.infos} note(s), ${c.unverified} could not be verified, ${c.suppressed} suppressed${extras.baselineApplied ? `, ${extras.baselined} known (baseline)` : ""}; ${result.resourceCount} resources, ${result.rules.length} rules.`,
    "",
    "Findings marked *(unverified)* concern values only known at apply time (variables, data sources, computed attributes):",
    "the rule could not check them, so they are not counted as compliant. Rule details: docs/rules.md.",
    ...(extras.baselineApplied ? ["Findings marked *(known)* are recorded in the baseline: reported, but only new findings fail."] : []),
    "",
    "## Errors",
    "",
    ...table(open.filter((f) => f.level === "error")),
    "## Warnings",
    "",
    ...table(open.filter((f) => f.level === "warning")),
    "## Notes",
    "",
    ...table(open.filter((f) => f.level === "info")),
    "## Summary by rule",
    "",
    ...(byRule.length === 0 ? ["No rule reported anything.", ""] : extras.baselineApplied ? [
      "| Rule | Level | Title | Failed | Unverified | Known | Suppressed | Requirements |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...byRule.map((s) => `| ${s.ruleId} | ${s.level} | ${cell(s.title)} | ${failedCell(s)} | ${s.unverified} | ${s.baselined} | ${s.suppressed} | ${cell(s.requirements.join(", "))} |`),
      "",
    ] : [
      "| Rule | Level | Title | Failed | Unverified | Suppressed | Requirements |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...byRule.map((s) => `| ${s.ruleId} | ${s.level} | ${cell(s.title)} | ${failedCell(s)} | ${s.unverified} | ${s.suppressed} | ${cell(s.requirements.join(", "))} |`),
      "",
    ]),
    "## Suppressed",
    "",
    ...(suppressed.length === 0 ? ["None.", ""] : [
      "| Rule | Resource | Finding | Reason |",
      "| --- | --- | --- | --- |",
      ...suppressed.map((f) => `| ${f.ruleId} | ${where(f)} | ${cell(f.message)} | ${cell(f.suppressionReason)} |`),
      "",
    ]),
    "## Unused suppressions",
    "",
    ...(result.unusedSuppressions.length === 0 ? ["None.", ""] : [
      "| Rule | Scope | Reason |",
      "| --- | --- | --- |",
      ...result.unusedSuppressions.map((s) => `| ${s.ruleId} | \`${cell(s.scope)}\` | ${cell(s.reason)} |`),
      "",
    ]),
    ...(extras.expiredSuppressions.length === 0 ? [] : [
      "## Expired suppressions",
      "",
      "They no longer suppress: fix the finding, or renew the suppression with a later date.",
      "",
      "| Rule | Scope | Last day | Reason |",
      "| --- | --- | --- | --- |",
      ...extras.expiredSuppressions.map((s) => `| ${s.ruleId} | \`${cell(s.scope)}\` | ${s.expires} | ${cell(s.reason)} |`),
      "",
    ]),
  ];
  const inventory = Object.entries(result.inventory);
  if (inventory.length > 0) {
    lines.push("## Declared settings", "", "| Resource | Settings |", "| --- | --- |");
    for (const [address, tags] of inventory) {
      lines.push(`| \`${cell(address)}\` | ${cell(Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(", "))} |`);
    }
    lines.push("");
  }
  const settings = result.settings ?? [];
  if (settings.length > 0) {
    lines.push(
      "## Settings and their provenance",
      "",
      "*applied*: a resource of this configuration sets the setting and reads it back; *audited*: Azure Machine Configuration keeps checking it; "
        + "*declared*: only the tag says so, nothing in this configuration makes it true.",
      "",
      "| Resource | Setting | Value | Provenance | Evidence |",
      "| --- | --- | --- | --- | --- |",
      ...settings.map((s) => `| \`${cell(s.address)}\` | \`${cell(s.setting)}\` | ${cell(s.value)} | ${s.provenance} | ${cell(s.evidence)} |`),
      "",
    );
  }
  return lines.join("\n");
}
