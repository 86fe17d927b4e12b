/**
 * Applies a {@link CheckConfig} to a check, the same way at synth time and in the command line:
 * rule selection, suppressions from configuration (by address or construct path, with expiry),
 * expiry of suppressions recorded in Terraform JSON, level overrides and the baseline.
 */
import * as path from "path";
import { Baseline } from "./baseline";
import { CheckConfig, CheckPolicyOptions, ConfigError, ConfiguredSuppression, loadConfigFile, parseCheckConfig, today as todayUtc } from "./config";
import { SuppressionRecord, TfResource } from "../engine/model";
import { CheckResult, countFindings, Finding, FindingStatus, UnusedSuppression } from "../engine/result";
import { Rule, RuleLevel } from "../engine/rule";
import { ExpiredSuppression, PolicyExtras, ReportedFinding } from "../reports/json-report";

/** A suppression record as the library writes it into Terraform JSON, with its optional expiry. @internal */
export interface RecordedSuppression extends SuppressionRecord {
  readonly expires?: string;
}

/** The scope a configured suppression is declared on: its address or construct path. */
export function scopeOf(s: ConfiguredSuppression): string {
  return s.address ?? s.constructPath ?? "";
}

/** True when `path` is `scope` or below it. */
function underPath(constructPath: string | undefined, scope: string): boolean {
  return constructPath !== undefined && (constructPath === scope || constructPath.startsWith(scope + "/"));
}

/** A configuration applied to checks. @internal */
export class CheckPolicy {
  /** Configured suppressions still in force. */
  public readonly active: ConfiguredSuppression[];
  /** Configured suppressions past their date. */
  public readonly expired: ExpiredSuppression[];

  constructor(public readonly config: CheckConfig, public readonly baseline?: Baseline, public readonly today: string = todayUtc()) {
    this.active = config.suppressions.filter((s) => !this.isExpired(s.expires));
    this.expired = config.suppressions.filter((s) => this.isExpired(s.expires))
      .map((s) => ({ ruleId: s.ruleId, scope: scopeOf(s), reason: s.reason, expires: s.expires! }));
  }

  /** A suppression applies through its `expires` day (UTC) and stops the day after. */
  public isExpired(expires: string | undefined): boolean {
    return expires !== undefined && expires < this.today;
  }

  /** Whether findings that could not be verified keep their rule's level. */
  public get failOnUnverified(): boolean {
    return this.config.failOnUnverified ?? false;
  }

  /** The rules to run: `onlyRules` (if given) minus `excludeRules`; rules that cannot be suppressed always run. */
  public selectRules(all: readonly Rule[]): Rule[] {
    const only = this.config.onlyRules ? new Set(this.config.onlyRules) : undefined;
    const excluded = new Set(this.config.excludeRules);
    return all.filter((r) => r.suppressible === false || ((!only || only.has(r.id)) && !excluded.has(r.id)));
  }

  /** The records of the configured suppressions that apply to a resource (by address, or by construct path). */
  public recordsFor(resource: Pick<TfResource, "address" | "constructPath">): RecordedSuppression[] {
    return this.active
      .filter((s) => (s.address !== undefined ? s.address === resource.address : underPath(resource.constructPath, s.constructPath!)))
      .map((s) => ({ id: s.ruleId, reason: s.reason, scope: scopeOf(s), ...(s.expires ? { expires: s.expires } : {}) }));
  }

  /** Resources with the configured suppressions added to the ones they already carry. */
  public suppressResources(resources: readonly TfResource[]): TfResource[] {
    if (this.active.length === 0) return [...resources];
    return resources.map((r) => {
      const extra = this.recordsFor(r);
      return extra.length === 0 ? r : { ...r, suppressions: [...r.suppressions, ...extra] };
    });
  }

  /** Every configured suppression in force, so one that matches nothing is reported as unused. */
  public declared(): UnusedSuppression[] {
    return this.active.map((s) => ({ ruleId: s.ruleId, reason: s.reason, scope: scopeOf(s) }));
  }

  /**
   * The result as the configuration says it is to be reported: levels overridden, findings the
   * baseline knows marked (they stay in every report but no longer count), counts recomputed, and
   * the expired suppressions (configured and `recordedExpired`, read from the JSON) listed.
   */
  public apply(result: CheckResult, recordedExpired: readonly ExpiredSuppression[] = []): CheckResult & PolicyExtras {
    const levels = this.config.ruleLevels;
    const known = this.baseline?.matcher();
    const findings: ReportedFinding[] = result.findings.map((f) => {
      let out: ReportedFinding = f;
      const level = levels[f.ruleId];
      if (level !== undefined) {
        const unverifiedDowngrade = f.status === FindingStatus.UNVERIFIED && !this.failOnUnverified && level === RuleLevel.ERROR;
        out = { ...out, level: unverifiedDowngrade ? RuleLevel.WARNING : level };
      }
      if (known && known(out)) out = { ...out, baselined: true };
      return out;
    });
    const open = findings.filter((f) => !f.baselined);
    const baselined = findings.length - open.length;
    return {
      ...result,
      findings: findings as Finding[],
      rules: result.rules.map((r) => (levels[r.id] !== undefined ? { ...r, level: levels[r.id] } : r)),
      counts: { ...countFindings(open), ...(this.baseline ? { baselined } : {}) },
      expiredSuppressions: [...this.expired, ...recordedExpired],
      baselineApplied: this.baseline !== undefined,
    };
  }
}

/**
 * Removes suppressions whose `expires` date has passed from a resource's recorded suppressions
 * (the `//` metadata of Terraform JSON) and lists them. @internal
 */
export function withoutExpired(
  recorded: readonly RecordedSuppression[],
  isExpired: (date: string | undefined) => boolean,
  address: string,
): { kept: RecordedSuppression[]; expired: ExpiredSuppression[] } {
  const kept: RecordedSuppression[] = [];
  const expired: ExpiredSuppression[] = [];
  for (const s of recorded) {
    if (isExpired(s.expires)) expired.push({ ruleId: s.id, scope: s.scope ?? address, reason: s.reason, expires: s.expires! });
    else kept.push(s);
  }
  return { kept, expired };
}

/**
 * The policy of the aspect's props: the configuration file (`configFile`), if any, then the props
 * themselves (their `excludeRules` and `suppressions` are added to the file's; the other options
 * replace the file's). Throws an error naming the prop for an invalid option. @internal
 */
export function policyFromOptions(options: CheckPolicyOptions, baseDir = process.cwd()): CheckPolicy {
  const where = (w: string) => `SecureDeploymentChecksProps.${w}`;
  let file: CheckConfig | undefined;
  if (options.configFile !== undefined) {
    try {
      file = loadConfigFile(path.resolve(baseDir, options.configFile));
    } catch (err) {
      if (err instanceof ConfigError) throw new Error(`Invalid ${where("configFile")}: ${err.message}`);
      throw err;
    }
  }
  let own: CheckConfig;
  try {
    own = parseCheckConfig({
      ...(options.excludeRules !== undefined ? { excludeRules: options.excludeRules } : {}),
      ...(options.onlyRules !== undefined ? { onlyRules: options.onlyRules } : {}),
      ...(options.ruleLevels !== undefined ? { ruleLevels: options.ruleLevels } : {}),
      ...(options.suppressions !== undefined ? { suppressions: options.suppressions } : {}),
      ...(options.failOnUnverified !== undefined ? { failOnUnverified: options.failOnUnverified } : {}),
      ...(options.baselineFile !== undefined ? { baseline: options.baselineFile } : {}),
    }, baseDir);
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`Invalid ${where(err.where === "baseline" ? "baselineFile" : err.where)}: ${err.problem}`);
    throw err;
  }
  const config: CheckConfig = {
    excludeRules: [...(file?.excludeRules ?? []), ...own.excludeRules],
    onlyRules: own.onlyRules ?? file?.onlyRules,
    ruleLevels: { ...(file?.ruleLevels ?? {}), ...own.ruleLevels },
    suppressions: [...(file?.suppressions ?? []), ...own.suppressions],
    failOnUnverified: own.failOnUnverified ?? file?.failOnUnverified,
    baseline: own.baseline ?? file?.baseline,
    source: file?.source,
  };
  let baseline: Baseline | undefined;
  if (config.baseline !== undefined) {
    try {
      baseline = Baseline.read(config.baseline);
    } catch (err) {
      if (err instanceof ConfigError) throw new Error(`Invalid ${where("baselineFile")}: ${err.message}`);
      throw err;
    }
  }
  return new CheckPolicy(config, baseline);
}
