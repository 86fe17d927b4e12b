import { AccessModel } from "./access/access-model";
import { Field } from "./access/fields";
import { Reachability } from "./access/reachability";
import { TerraformModel, TfResource } from "./model";
import { NetworkIndex } from "./network-index";
import { Roles } from "./roles";
import { Settings } from "./settings";
import { Zones } from "./zones";

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
  /**
   * Where the rule is documented, for a custom rule that says so.
   * @default - the library's rules are documented in docs/rules.md
   */
  readonly helpUri?: string;
}

/** Options of one finding. */
export interface ReportOptions {
  /** Override the rule's level for this finding (e.g. one level lower when a role is only inferred). */
  readonly level?: RuleLevel;
  /** The rule could not see the value it needs: say so rather than pass. */
  readonly unverified?: boolean;
  /** A finding-specific fix (defaults to the rule's). */
  readonly fix?: string;
}

/** What a rule's check receives: the configuration and the models computed once from it. */
export interface RuleContext {
  /** The configuration under check. */
  readonly model: TerraformModel;
  /** The effective-access model (NSG layers, default rules), built once per configuration on first use. */
  readonly access: AccessModel;
  /** Reachability: the access model plus firewalls on the path, DNAT, public IPs and load balancers. */
  readonly reach: Reachability;
  /** Zones and their trust, declared or inferred, with evidence. */
  readonly zones: Zones;
  /** Deployment roles of VMs, declared or inferred, with evidence. */
  readonly roles: Roles;
  /** `sdz-*` settings with their provenance: applied, audited or declared. */
  readonly settings: Settings;
  /**
   * The previous network index.
   *
   * Reading it emits a `DeprecationWarning` (code `SDZ_DEP_NETWORK_INDEX`) once per process: it does not read NSG rules
   * written as dynamic blocks, resource groups or inline/standalone conflicts, which {@link RuleContext.access} does.
   * @deprecated ask {@link RuleContext.access} or {@link RuleContext.reach}; no built-in rule reads it.
   */
  readonly network: NetworkIndex;
  /** Records a finding on a resource. */
  report(resource: TfResource, message: string, options?: ReportOptions): void;
  /** Records that the rule could not verify a resource (unknown values). */
  unverified(resource: TfResource, message: string): void;
  /**
   * Whether the rule with this ID runs in this check. A rule that leaves a finding to another rule's (one
   * finding per problem) asks it, so that excluding that rule does not turn the finding into a silent pass.
   * Absent: assume it runs.
   */
  runs?(ruleId: string): boolean;
}

/**
 * Whether the rule `ruleId` runs in the check of `ctx` ({@link RuleContext.runs}; a context that does not say is taken to run
 * every rule). A rule leaves a finding to another rule's only when this is true, so excluding that rule drops nothing.
 */
export function ruleRuns(ctx: Pick<RuleContext, "runs">, ruleId: string): boolean {
  return ctx.runs?.(ruleId) !== false;
}


/** A Terraform JSON example of a rule, run by the generic example test and printed in docs/rules.md. */
export interface RuleExample {
  /** What the example shows, in a sentence. */
  readonly description: string;
  /** Terraform JSON as a user writes it (`resource`, optionally `variable` and `locals`). */
  readonly terraform: { readonly [key: string]: unknown };
  /** Bad examples: the exact addresses the rule reports (failing, not unverified). */
  readonly flagged?: readonly string[];
  /** Examples whose values are unknown before apply: the exact addresses reported as "could not verify". */
  readonly unverified?: readonly string[];
}

/**
 * A rule: data plus a pure check over the whole configuration. Checks must be linear in the number
 * of resources (ask the shared models), must never throw on odd input, and must report unknown
 * values as unverified, never as compliant.
 */
export interface Rule extends Omit<RuleInfo, "suppressible"> {
  readonly suppressible?: boolean;
  /** The paths and resources the rule reads, for docs/rules.md ("inline and standalone NSG rules, NIC NSGs, Azure Firewall DNAT"). */
  readonly reads?: readonly string[];
  /** Good and bad examples: every rule should have at least one of each. */
  readonly examples?: { readonly bad: readonly RuleExample[]; readonly good: readonly RuleExample[] };
  check(ctx: RuleContext): void;
}

/** A rule as written in its file: the pack stamps the area. */
export type RuleDefinition = Omit<Rule, "area"> & { readonly area?: string };

/** Defines a rule (keeps metadata and check together; the pack sets the area). */
export function defineRule(rule: RuleDefinition): Rule {
  return { ...rule, area: rule.area ?? "" };
}

/** A rule pack: one area, one ID prefix, one folder. */
export interface RulePack {
  /** ID prefix, e.g. `SDZ-NET`; every rule of the pack starts with it. */
  readonly prefix: string;
  /** Area name shown in reports, e.g. `network`. */
  readonly area: string;
  readonly rules: readonly Rule[];
}

/** Defines a pack: stamps the area on each rule and checks that every ID carries the pack's prefix. */
export function definePack(prefix: string, area: string, rules: RuleDefinition[]): RulePack {
  for (const r of rules) {
    if (!r.id.startsWith(`${prefix}-`)) throw new Error(`Rule ${r.id} does not belong in pack ${prefix} (${area}): IDs of a pack start with ${prefix}-`);
  }
  return { prefix, area, rules: rules.map((r) => ({ ...r, area })) };
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
    ...(rule.helpUri !== undefined ? { helpUri: rule.helpUri } : {}),
  };
}

/**
 * The common "this attribute must be X" check: a known value that violates is reported, an unknown
 * one is "could not verify" naming the field, a compliant one passes. `violation` returns the
 * message for a bad value, or undefined when the value is fine.
 */
export function checkField<T>(ctx: RuleContext, resource: TfResource, field: Field<T>, violation: (value: T) => string | undefined, what: string): void {
  if (!field.known) {
    ctx.unverified(resource, `${what}: ${field.field} is not known before apply (${field.reason})`);
    return;
  }
  const message = violation(field.value);
  if (message) ctx.report(resource, message);
}
