import { CheckResult } from "../engine/result";

/** Version of the JSON report format. */
export const JSON_REPORT_VERSION = 1;

/** The JSON report: every finding (suppressed ones included), counts, unused suppressions, inventory. */
export function toJsonReport(result: CheckResult, tool: { name: string; version: string }): object {
  return {
    reportVersion: JSON_REPORT_VERSION,
    tool,
    stack: result.name,
    resourceCount: result.resourceCount,
    counts: result.counts,
    passed: result.counts.errors === 0,
    findings: result.findings,
    unusedSuppressions: result.unusedSuppressions,
    rulesRun: result.rules.map((r) => r.id),
    inventory: result.inventory,
  };
}
