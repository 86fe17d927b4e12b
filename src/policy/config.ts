/**
 * The checks' configuration: which rules run, at which level, which findings are suppressed (by
 * Terraform address or construct path, with a reason and an optional expiry date) and which are
 * known from a baseline. One validator serves the configuration file of the command line
 * (`secure-deployment-zones.json`) and the props of the synth-time aspect, so both accept exactly
 * the same options and refuse the same mistakes.
 *
 * Loads neither cdktf nor the provider: the command line uses it.
 */
import * as fs from "fs";
import * as path from "path";
import { RuleLevel } from "../engine/rule";
import { describeJsonSyntaxError, jsonSyntaxError } from "../reports/json-positions";
import { findRule } from "../rules";

/** Name of the configuration file the command line looks for, from the working directory upward. */
export const CONFIG_FILE_NAME = "secure-deployment-zones.json";

/**
 * A suppression declared in configuration: one rule on one resource (Terraform address) or on a
 * construct subtree (construct path), with a reason and, optionally, the last day it applies.
 */
export interface ConfiguredSuppression {
  /** The rule ID, e.g. `SDZ-NET-001`. */
  readonly ruleId: string;
  /**
   * Terraform address of the resource, e.g. `azurerm_network_security_rule.lab_rdp` or
   * `module.net.azurerm_network_security_rule.rdp`. Give this or `constructPath`.
   * @default - none: `constructPath` is given
   */
  readonly address?: string;
  /**
   * Construct path of a subtree (cdktf stacks), e.g. `site/lab`; covers every resource below it.
   * Give this or `address`.
   * @default - none: `address` is given
   */
  readonly constructPath?: string;
  /** Why the finding is acceptable here: at least 10 characters, recorded in every report. */
  readonly reason: string;
  /**
   * The last day the suppression applies (`YYYY-MM-DD`, UTC). After it, the finding counts again
   * and the expired suppression is reported.
   * @default - never expires
   */
  readonly expires?: string;
}

/**
 * Options of the checks, the same in the configuration file (`secure-deployment-zones.json`) and
 * in the props of {@link SecureDeploymentChecks}.
 */
export interface CheckPolicyOptions {
  /**
   * Report "could not verify" findings at the rule's own level, so an unverifiable error fails.
   * @default false - they are warnings: visible in every report, never counted as compliant
   */
  readonly failOnUnverified?: boolean;
  /**
   * Rule IDs not to run at all (prefer suppressions, which keep a reason in the reports). Rules
   * that cannot be suppressed cannot be turned off.
   * @default - every rule runs
   */
  readonly excludeRules?: string[];
  /**
   * Run only these rules (and every rule that cannot be suppressed, which always runs).
   * @default - every rule runs
   */
  readonly onlyRules?: string[];
  /**
   * A level per rule ID (`error`, `warning`, `info`), for every finding of that rule. A rule that
   * cannot be suppressed cannot be lowered below its own level.
   * @default - each rule's own level
   */
  readonly ruleLevels?: { [ruleId: string]: RuleLevel };
  /**
   * Suppressions by Terraform address or construct path, with a reason and an optional expiry date.
   * @default - none
   */
  readonly suppressions?: ConfiguredSuppression[];
  /**
   * A baseline file (written by the command line's `--baseline-write`): the findings it records are
   * reported as known and do not fail; only new findings do.
   * @default - no baseline
   */
  readonly baselineFile?: string;
  /**
   * A configuration file (`secure-deployment-zones.json`) to read these options from. Options given
   * here as well take precedence; `excludeRules` and `suppressions` are added to the file's.
   * @default - no file
   */
  readonly configFile?: string;
}

/** The options shared by the configuration file and the aspect's props, validated. @internal */
export interface CheckConfig {
  readonly excludeRules: string[];
  readonly onlyRules?: string[];
  readonly ruleLevels: Record<string, RuleLevel>;
  readonly suppressions: ConfiguredSuppression[];
  readonly failOnUnverified?: boolean;
  /** Absolute path of the baseline file. */
  readonly baseline?: string;
  /** Where the configuration came from (for messages). */
  readonly source?: string;
}

/** An invalid option: `where` names the option (`suppressions[2].expires`), the message what is allowed. */
export class ConfigError extends Error {
  constructor(public readonly where: string, public readonly problem: string) {
    super(`${where}: ${problem}`);
  }
}

const MIN_REASON = 10;
const LEVELS = new Set<string>([RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.INFO]);
const LEVEL_RANK: Record<string, number> = { info: 0, warning: 1, error: 2 };
const KEYS = new Set(["$schema", "excludeRules", "onlyRules", "ruleLevels", "suppressions", "failOnUnverified", "baseline"]);
const SUPPRESSION_KEYS = new Set(["ruleId", "address", "constructPath", "reason", "expires"]);

/** A value shown in a message: short, JSON-quoted. */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isDate(text: unknown): text is string {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function ruleIdList(value: unknown, where: string, purpose: "exclude" | "only"): string[] {
  if (!Array.isArray(value)) throw new ConfigError(where, `must be a list of rule IDs, not ${show(value)}`);
  return value.map((id, i) => {
    const rule = typeof id === "string" ? findRule(id) : undefined;
    if (!rule) throw new ConfigError(`${where}[${i}]`, `${show(id)} is not the ID of a rule this library ships (see docs/rules.md)`);
    if (purpose === "exclude" && rule.suppressible === false) {
      throw new ConfigError(`${where}[${i}]`, `${id} cannot be turned off (the rule is not suppressible: ${rule.title})`);
    }
    return rule.id;
  });
}

/**
 * Validates configuration (the file's JSON, or the aspect's props) strictly: unknown keys, unknown
 * rule IDs, levels, suppressions without a reason or target, malformed dates and turning off
 * unsuppressible rules are all errors naming the option. Relative paths (the baseline) are resolved
 * against `baseDir`.
 */
export function parseCheckConfig(input: unknown, baseDir: string, source?: string): CheckConfig {
  if (!isPlainObject(input)) throw new ConfigError("(top level)", `must be an object of options, not ${Array.isArray(input) ? "a list" : show(input)}`);
  for (const key of Object.keys(input)) {
    if (!KEYS.has(key)) throw new ConfigError(key, `is not an option (options: ${[...KEYS].filter((k) => k !== "$schema").join(", ")})`);
  }
  const excludeRules = input.excludeRules === undefined ? [] : ruleIdList(input.excludeRules, "excludeRules", "exclude");
  const onlyRules = input.onlyRules === undefined ? undefined : ruleIdList(input.onlyRules, "onlyRules", "only");

  const ruleLevels: Record<string, RuleLevel> = {};
  if (input.ruleLevels !== undefined) {
    if (!isPlainObject(input.ruleLevels)) throw new ConfigError("ruleLevels", `must be an object of rule ID to level, not ${show(input.ruleLevels)}`);
    for (const [id, level] of Object.entries(input.ruleLevels)) {
      const rule = findRule(id);
      if (!rule) throw new ConfigError(`ruleLevels.${id}`, "is not the ID of a rule this library ships (see docs/rules.md)");
      if (typeof level !== "string" || !LEVELS.has(level)) throw new ConfigError(`ruleLevels.${id}`, `must be "error", "warning" or "info", not ${show(level)}`);
      if (rule.suppressible === false && LEVEL_RANK[level] < LEVEL_RANK[rule.level]) {
        throw new ConfigError(`ruleLevels.${id}`, `cannot lower the level of ${id} below ${rule.level} (the rule is not suppressible)`);
      }
      ruleLevels[rule.id] = level as RuleLevel;
    }
  }

  const suppressions: ConfiguredSuppression[] = [];
  if (input.suppressions !== undefined) {
    if (!Array.isArray(input.suppressions)) throw new ConfigError("suppressions", `must be a list, not ${show(input.suppressions)}`);
    input.suppressions.forEach((s: unknown, i: number) => {
      const where = `suppressions[${i}]`;
      if (!isPlainObject(s)) throw new ConfigError(where, `must be an object { ruleId, address or constructPath, reason, expires? }, not ${show(s)}`);
      for (const key of Object.keys(s)) {
        if (!SUPPRESSION_KEYS.has(key)) throw new ConfigError(`${where}.${key}`, `is not a suppression field (fields: ${[...SUPPRESSION_KEYS].join(", ")})`);
      }
      const rule = typeof s.ruleId === "string" ? findRule(s.ruleId) : undefined;
      if (!rule) throw new ConfigError(`${where}.ruleId`, `${show(s.ruleId)} is not the ID of a rule this library ships (see docs/rules.md)`);
      if (rule.suppressible === false) throw new ConfigError(`${where}.ruleId`, `${rule.id} cannot be suppressed (${rule.title})`);
      const targets = (["address", "constructPath"] as const).filter((k) => s[k] !== undefined);
      if (targets.length !== 1) throw new ConfigError(where, "must name exactly one of address (a Terraform address) or constructPath (a construct path)");
      const target = s[targets[0]];
      if (typeof target !== "string" || target.trim() === "" || target.trim() !== target) {
        throw new ConfigError(`${where}.${targets[0]}`, `must be a non-empty string without surrounding spaces, not ${show(target)}`);
      }
      if (typeof s.reason !== "string" || s.reason.trim().length < MIN_REASON) {
        throw new ConfigError(`${where}.reason`, `must say why the finding is acceptable, in at least ${MIN_REASON} characters (found ${show(s.reason)})`);
      }
      if (s.expires !== undefined && !isDate(s.expires)) throw new ConfigError(`${where}.expires`, `must be a date YYYY-MM-DD, not ${show(s.expires)}`);
      suppressions.push({
        ruleId: rule.id,
        ...(targets[0] === "address" ? { address: target } : { constructPath: target }),
        reason: s.reason.trim(),
        ...(s.expires !== undefined ? { expires: s.expires as string } : {}),
      });
    });
  }

  if (input.failOnUnverified !== undefined && typeof input.failOnUnverified !== "boolean") {
    throw new ConfigError("failOnUnverified", `must be true or false, not ${show(input.failOnUnverified)}`);
  }
  let baseline: string | undefined;
  if (input.baseline !== undefined) {
    if (typeof input.baseline !== "string" || input.baseline.trim() === "") throw new ConfigError("baseline", `must be the path of a baseline file, not ${show(input.baseline)}`);
    baseline = path.resolve(baseDir, input.baseline);
  }
  return { excludeRules, onlyRules, ruleLevels, suppressions, failOnUnverified: input.failOnUnverified as boolean | undefined, baseline, source };
}

/** The configuration file in `dir` or the nearest folder above it, if any. */
export function findConfigFile(dir: string): string | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    const candidate = path.join(cur, CONFIG_FILE_NAME);
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
    const parent = path.dirname(cur);
    if (parent === cur) return undefined;
    cur = parent;
  }
}

/** Largest configuration or baseline file read (they are small; anything bigger is a mistake). */
const MAX_POLICY_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a JSON policy file (configuration or baseline): a regular file of at most 64 MiB. Syntax
 * errors give the line and column only. Throws {@link ConfigError} naming the file.
 */
export function readPolicyJson(file: string): unknown {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new ConfigError(file, "is not a regular file");
    if (st.size > MAX_POLICY_FILE_BYTES) throw new ConfigError(file, "is larger than 64 MiB");
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new ConfigError(file, code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    const e = jsonSyntaxError(text);
    throw new ConfigError(file, `not JSON: ${e ? describeJsonSyntaxError(e) : "invalid JSON"}`);
  }
}

/** Reads and validates a configuration file; paths in it are relative to its folder. */
export function loadConfigFile(file: string): CheckConfig {
  const json = readPolicyJson(file);
  try {
    return parseCheckConfig(json, path.dirname(path.resolve(file)), file);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${file}: ${err.where}`, err.problem);
    throw err;
  }
}
