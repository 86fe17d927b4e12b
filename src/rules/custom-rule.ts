/**
 * The public, jsii-compatible way to write a rule of one's own. A custom rule is metadata plus a
 * `check(context)` over the same configuration and models the built-in rules read (see
 * {@link CustomRuleContext}); its findings go through the same results, suppressions and reports.
 */
import { CustomRuleContext } from "./custom-rule-context";
import { findRule } from "./index";
import { Rule, RuleLevel } from "../engine/rule";
import { invalidProp } from "../network/errors";

/**
 * A rule written outside the library. Implement it with a class that extends {@link CustomRule},
 * or, in JavaScript, with a plain object that has these fields and a `check` method.
 */
export interface ICustomRule {
  /**
   * Stable ID, e.g. `ACME-TAG-001`: letters, digits, `-`, `_` and `.`, starting with a letter, at
   * most 64 characters. `SDZ-` is reserved for the library's rules.
   */
  readonly id: string;
  /** Level of its findings (an error fails `cdktf synth` and the CLI). */
  readonly level: RuleLevel;
  /** One-line title. */
  readonly title: string;
  /** Why the rule exists. */
  readonly rationale: string;
  /** How to fix a finding. */
  readonly fix: string;
  /**
   * Requirement IDs the rule enforces (yours or REQUIREMENTS.md's).
   * @default - none
   */
  readonly requirements?: string[];
  /**
   * Terraform resource types the rule reads (shown in the reports).
   * @default - none listed
   */
  readonly resourceTypes?: string[];
  /**
   * Whether its findings may be suppressed.
   * @default true
   */
  readonly suppressible?: boolean;
  /**
   * Where the rule is documented (SARIF `helpUri`).
   * @default - no link
   */
  readonly helpUri?: string;
  /**
   * Checks one configuration: report findings with `context.report` and values the rule cannot see
   * with `context.couldNotVerify`. A check that throws is reported as "could not verify" on the
   * configuration; it never hides the other rules.
   */
  check(context: CustomRuleContext): void;
}

/** Metadata of a {@link CustomRule}. */
export interface CustomRuleProps {
  /** Stable ID, e.g. `ACME-TAG-001` (`SDZ-` is reserved for the library's rules). */
  readonly id: string;
  /** Level of its findings. */
  readonly level: RuleLevel;
  /** One-line title. */
  readonly title: string;
  /** Why the rule exists. */
  readonly rationale: string;
  /** How to fix a finding. */
  readonly fix: string;
  /**
   * Requirement IDs the rule enforces.
   * @default - none
   */
  readonly requirements?: string[];
  /**
   * Terraform resource types the rule reads.
   * @default - none listed
   */
  readonly resourceTypes?: string[];
  /**
   * Whether its findings may be suppressed.
   * @default true
   */
  readonly suppressible?: boolean;
  /**
   * Where the rule is documented (SARIF `helpUri`).
   * @default - no link
   */
  readonly helpUri?: string;
}

/** A base class for custom rules: pass the metadata, implement {@link CustomRule.check}. */
export abstract class CustomRule implements ICustomRule {
  public readonly id: string;
  public readonly level: RuleLevel;
  public readonly title: string;
  public readonly rationale: string;
  public readonly fix: string;
  public readonly requirements?: string[];
  public readonly resourceTypes?: string[];
  public readonly suppressible?: boolean;
  public readonly helpUri?: string;

  constructor(props: CustomRuleProps) {
    this.id = props.id;
    this.level = props.level;
    this.title = props.title;
    this.rationale = props.rationale;
    this.fix = props.fix;
    this.requirements = props.requirements;
    this.resourceTypes = props.resourceTypes;
    this.suppressible = props.suppressible;
    this.helpUri = props.helpUri;
  }

  /** Checks one configuration. */
  public abstract check(context: CustomRuleContext): void;
}

/** Custom rules grouped under one area name (shown in the reports in place of `custom`). */
export interface CustomRulePack {
  /** Area of the pack's rules in the reports, e.g. `acme-tagging`: lower-case letters, digits and `-`. */
  readonly name: string;
  /** The pack's rules. */
  readonly rules: ICustomRule[];
}

/** The area of custom rules registered without a pack. */
export const CUSTOM_AREA = "custom";

const ID = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const AREA = /^[a-z][a-z0-9-]{0,39}$/;
const LEVELS: readonly string[] = Object.values(RuleLevel);

/** A custom-rule ID is well formed and outside the library's namespace (also used for suppressions). @internal */
export function isCustomRuleId(id: unknown): boolean {
  return typeof id === "string" && ID.test(id) && !id.toUpperCase().startsWith("SDZ-");
}

/**
 * Validates custom rules and packs and adapts them to the engine. `prop` names where they were
 * given (`rules`, `packs`, or a file for the CLI). Throws an error naming the rule, the field, the
 * value and what is allowed: a wrong rule must never run as something else or silently not run.
 * @internal
 */
export function toEngineRules(rules: readonly ICustomRule[] | undefined, packs: readonly CustomRulePack[] | undefined, prop = "rules", packsProp = "packs"): Rule[] {
  const out: Rule[] = [];
  const seen = new Map<string, string>();
  const add = (rule: ICustomRule, where: string, area: string) => {
    validate(rule, where);
    const earlier = seen.get(rule.id.toUpperCase());
    if (earlier) throw invalidProp(`${where}.id`, rule.id, `an ID no other custom rule uses (${earlier} has it)`);
    seen.set(rule.id.toUpperCase(), where);
    out.push(adapt(rule, area));
  };
  if (rules !== undefined && !Array.isArray(rules)) throw invalidProp(prop, rules, "a list of custom rules");
  (rules ?? []).forEach((r, i) => add(r, `${prop}[${i}]`, CUSTOM_AREA));
  if (packs !== undefined && !Array.isArray(packs)) throw invalidProp(packsProp, packs, "a list of { name, rules }");
  (packs ?? []).forEach((p, i) => {
    if (typeof p?.name !== "string" || !AREA.test(p.name)) throw invalidProp(`${packsProp}[${i}].name`, p?.name, "1 to 40 lower-case letters, digits and '-', starting with a letter");
    if (!Array.isArray(p.rules)) throw invalidProp(`${packsProp}[${i}].rules`, p.rules, `a list of custom rules (pack ${p.name})`);
    (p.rules as ICustomRule[]).forEach((r: ICustomRule, j: number) => add(r, `${packsProp}[${i}].rules[${j}]`, p.name));
  });
  return out;
}

function validate(rule: ICustomRule, where: string): void {
  if (typeof rule !== "object" || rule === null) throw invalidProp(where, rule, "a custom rule: an object with id, level, title, rationale, fix and a check method");
  const id: unknown = rule.id;
  const named = typeof id === "string" ? `rule ${id}` : `the rule at ${where}`;
  if (typeof id !== "string" || !ID.test(id)) {
    throw invalidProp(`${where}.id`, id, "an ID of 1 to 64 letters, digits, '-', '_' or '.', starting with a letter (e.g. ACME-TAG-001)");
  }
  if (id.toUpperCase().startsWith("SDZ-") || findRule(id) || findRule(id.toUpperCase())) {
    const builtIn = findRule(id.toUpperCase());
    throw invalidProp(`${where}.id`, id, builtIn
      ? `an ID that is not a built-in rule's (${builtIn.id} is "${builtIn.title}"); use your own prefix, e.g. ACME-${id.replace(/^SDZ-/i, "")}`
      : "an ID outside the SDZ- prefix, which is reserved for the library's rules (use your own prefix, e.g. ACME-)");
  }
  if (!LEVELS.includes(rule.level as string)) throw invalidProp(`${where}.level`, rule.level, `one of ${LEVELS.join(", ")} (RuleLevel) for ${named}`);
  for (const field of ["title", "rationale", "fix"] as const) {
    const v: unknown = rule[field];
    if (typeof v !== "string" || v.trim() === "") throw invalidProp(`${where}.${field}`, v, `a non-empty text for ${named}`);
  }
  for (const field of ["requirements", "resourceTypes"] as const) {
    const v: unknown = rule[field];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) throw invalidProp(`${where}.${field}`, v, `a list of strings for ${named}`);
  }
  if (rule.suppressible !== undefined && typeof rule.suppressible !== "boolean") throw invalidProp(`${where}.suppressible`, rule.suppressible, `true or false for ${named}`);
  if (rule.helpUri !== undefined && (typeof rule.helpUri !== "string" || !/^https?:\/\//.test(rule.helpUri))) {
    throw invalidProp(`${where}.helpUri`, rule.helpUri, `an http(s) URL for ${named}`);
  }
  if (typeof rule.check !== "function") throw invalidProp(`${where}.check`, rule.check, `a method check(context) for ${named}`);
}

function adapt(rule: ICustomRule, area: string): Rule {
  return {
    id: rule.id,
    level: rule.level,
    title: rule.title,
    rationale: rule.rationale,
    fix: rule.fix,
    requirements: [...(rule.requirements ?? [])],
    resourceTypes: [...(rule.resourceTypes ?? [])],
    suppressible: rule.suppressible !== false,
    helpUri: rule.helpUri,
    area,
    check: (ctx) => rule.check(CustomRuleContext._of(ctx)),
  };
}
