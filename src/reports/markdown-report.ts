import { CheckResult, Finding, FindingStatus } from "../engine/result";

function cell(text: string | undefined): string {
  return (text ?? "").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function table(findings: Finding[]): string[] {
  if (findings.length === 0) return ["None.", ""];
  return [
    "| Rule | Level | Resource | Finding | Fix |",
    "| --- | --- | --- | --- | --- |",
    ...findings.map((f) => `| ${f.ruleId} | ${f.level} | \`${cell(f.address)}\` | ${cell(f.message)} | ${cell(f.fix)} |`),
    "",
  ];
}

/** A human-readable summary of one configuration's check. */
export function toMarkdownReport(result: CheckResult): string {
  const c = result.counts;
  const open = result.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED);
  const suppressed = result.findings.filter((f) => f.status === FindingStatus.SUPPRESSED);
  const lines = [
    `# Compliance report: ${result.name}`,
    "",
    `**${c.errors === 0 ? "PASSED" : "FAILED"}**: ${c.errors} error(s), ${c.warnings} warning(s), ${c.infos} note(s), ${c.unverified} could not be verified, ${c.suppressed} suppressed; ${result.resourceCount} resources, ${result.rules.length} rules.`,
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
    "## Suppressed",
    "",
    ...(suppressed.length === 0 ? ["None.", ""] : [
      "| Rule | Resource | Reason |",
      "| --- | --- | --- |",
      ...suppressed.map((f) => `| ${f.ruleId} | \`${cell(f.address)}\` | ${cell(f.suppressionReason)} |`),
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
  ];
  const inventory = Object.entries(result.inventory);
  if (inventory.length > 0) {
    lines.push("## Declared settings", "", "| Resource | Settings |", "| --- | --- |");
    for (const [address, tags] of inventory) {
      lines.push(`| \`${cell(address)}\` | ${cell(Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(", "))} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
