import { TerraformModel, TfResource } from "./model";
import { NetworkIndex } from "./network-index";

/** Severity of a rule. */
export enum RuleLevel {
  /** Fails `cdktf synth` unless suppressed. */
  ERROR = "error",
  /** Reported, does not fail synth. */
  WARNING = "warning",
  /** A note in the reports (e.g. what a platform limitation means). */
  INFO = "info",
}

/** Metadata of one rule, as shown in reports and docs/rules.md. */
export interface RuleInfo {
  /** Stable ID, e.g. `SDZ-NET-001`. Never reused or renamed. */
  readonly id: string;
  /** Default level of its findings. */
  readonly level: RuleLevel;
  /** One-line title. */
  readonly title: string;
  /** Why the rule exists (the documents' reasoning). */
  readonly rationale: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Requirement IDs of REQUIREMENTS.md that the rule enforces. */
  readonly requirements: string[];
  /** Terraform resource types the rule reads. */
  readonly resourceTypes: string[];
  /** Whether findings can be suppressed. */
  readonly suppressible: boolean;
  /** Rule pack / area, e.g. `network`, `pxe`, `kms`. */
  readonly area: string;
}

/** Options of one finding. */
export interface ReportOptions {
  /** Override the rule's level for this finding (e.g. error only for state-migration accounts). */
  readonly level?: RuleLevel;
  /** The rule could not see the value it needs: say so rather than pass. */
  readonly unverified?: boolean;
  /** A finding-specific fix (defaults to the rule's). */
  readonly fix?: string;
}

/** What a rule's check receives. */
export interface RuleContext {
  /** The configuration under check. */
  readonly model: TerraformModel;
  /** The network index, built once per model on first use. */
  readonly network: NetworkIndex;
  /** Records a finding on a resource. */
  report(resource: TfResource, message: string, options?: ReportOptions): void;
  /** Records that the rule could not verify a resource (unknown values). */
  unverified(resource: TfResource, message: string): void;
}

/**
 * A rule: data plus a pure check over the whole configuration. Checks must be linear in the number
 * of resources (use the indexes on the model and {@link NetworkIndex}), must never throw on odd
 * input, and must report unknown values as unverified, never as compliant.
 */
export interface Rule extends Omit<RuleInfo, "suppressible"> {
  readonly suppressible?: boolean;
  check(ctx: RuleContext): void;
}

/** Defines a rule (fills defaults, keeps metadata and check together). */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Metadata of a rule, without its check. */
export function ruleInfo(rule: Rule): RuleInfo {
  return {
    id: rule.id,
    level: rule.level,
    title: rule.title,
    rationale: rule.rationale,
    fix: rule.fix,
    requirements: [...rule.requirements],
    resourceTypes: [...rule.resourceTypes],
    suppressible: rule.suppressible !== false,
    area: rule.area,
  };
}
