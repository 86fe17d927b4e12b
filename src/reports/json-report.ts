import { CheckResult, Finding, FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";

/** A suppression whose `expires` date has passed: it no longer suppresses, and is reported. */
export interface ExpiredSuppression {
  readonly ruleId: string;
  /** Terraform address or construct path it was declared on. */
  readonly scope: string;
  readonly reason: string;
  /** The last day it applied (`YYYY-MM-DD`). */
  readonly expires: string;
}

/** A finding as reported: `baselined` when a baseline knows it (reported, but it does not fail). @internal */
export type ReportedFinding = Finding & { readonly baselined?: boolean };

/** What a check adds to the engine's result: expired suppressions, and whether a baseline was applied. @internal */
export interface PolicyExtras {
  readonly expiredSuppressions?: ExpiredSuppression[];
  readonly baselineApplied?: boolean;
}

/** The expired suppressions and baseline marks a result may carry (none for a plain engine result). @internal */
export function extrasOf(result: CheckResult): Required<PolicyExtras> & { baselined: number } {
  const r = result as CheckResult & PolicyExtras;
  return {
    expiredSuppressions: r.expiredSuppressions ?? [],
    baselineApplied: r.baselineApplied ?? false,
    baselined: result.findings.filter((f) => (f as ReportedFinding).baselined === true).length,
  };
}

/** Version of the JSON report format (new fields may be added within a version; none are removed or renamed). */
export const JSON_REPORT_VERSION = 1;

/** Findings of one rule in one check, by outcome. @internal */
export interface RuleSummary {
  readonly ruleId: string;
  readonly level: RuleLevel;
  readonly title: string;
  readonly requirements: string[];
  /** Open violations (or notes). */
  readonly failed: number;
  /** Could not be verified (unknown values). */
  readonly unverified: number;
  readonly suppressed: number;
  /** Open findings a baseline knows (included in neither `failed` nor `unverified`). */
  readonly baselined: number;
  /**
   * `failed` by the level each finding was reported at. A finding may sit below its rule's level
   * (a setting only declared, not verified, is a note of an error rule), so `level` alone would
   * overstate what fails; the counts of every level add up to `failed`.
   */
  readonly failedByLevel: { readonly error: number; readonly warning: number; readonly info: number };
}

/** One line per rule that ran, in the order the rules ran. @internal */
export function summarizeByRule(result: CheckResult): RuleSummary[] {
  type Counts = { failed: number; unverified: number; suppressed: number; baselined: number; failedByLevel: { error: number; warning: number; info: number } };
  const zero = (): Counts => ({ failed: 0, unverified: 0, suppressed: 0, baselined: 0, failedByLevel: { error: 0, warning: 0, info: 0 } });
  const counts = new Map<string, Counts>();
  for (const r of result.rules) counts.set(r.id, zero());
  for (const f of result.findings) {
    let c = counts.get(f.ruleId);
    if (!c) counts.set(f.ruleId, (c = zero()));
    if (f.status === FindingStatus.SUPPRESSED) c.suppressed++;
    else if ((f as ReportedFinding).baselined) c.baselined++;
    else if (f.status === FindingStatus.UNVERIFIED) c.unverified++;
    else {
      c.failed++;
      c.failedByLevel[f.level]++;
    }
  }
  const info = new Map(result.rules.map((r) => [r.id, r]));
  return [...counts.entries()].map(([ruleId, c]) => {
    const rule = info.get(ruleId);
    const sample = result.findings.find((f) => f.ruleId === ruleId);
    return {
      ruleId,
      level: rule?.level ?? sample?.level ?? RuleLevel.INFO,
      title: rule?.title ?? sample?.title ?? ruleId,
      requirements: [...(rule?.requirements ?? sample?.requirements ?? [])],
      ...c,
    };
  });
}

/**
 * The JSON report: every finding (suppressed ones included, with their reason), counts, a
 * per-rule summary, the metadata of the rules that ran, unused suppressions, the inventory of
 * declared `sdz-*` settings and every setting with its provenance (applied, audited or declared). Deterministic (no timestamps), so it can be diffed and committed.
 */
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
    expiredSuppressions: extrasOf(result).expiredSuppressions,
    rulesRun: result.rules.map((r) => r.id),
    summaryByRule: summarizeByRule(result),
    rules: result.rules,
    inventory: result.inventory,
    // Each setting with its provenance: applied (a resource sets and reads it back), audited (Azure keeps checking it) or declared (only a tag says so).
    settings: result.settings ?? [],
  };
}
