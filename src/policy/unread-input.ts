/**
 * Parts of a configuration that were not read are could-not-verify findings of SDZ-INPUT-001, on the
 * command line (a remote module, a deferred resource, a body that is not an object) and at synth (a
 * body that is not an object, set by an override): what the checker does not read it cannot check,
 * and it must not pass as checked.
 */
import { TerraformModel } from "../engine/model";
import { CheckResult, countFindings, Finding, FindingStatus } from "../engine/result";
import { RuleInfo, RuleLevel } from "../engine/rule";

/** A part of a configuration that was not read, and why (one line, naming it). */
export interface UnreadPart {
  /** `module.vm`, a deferred resource's address, or the configuration's name. */
  readonly address: string;
  /** A resource type, or `(configuration)` / `module`. */
  readonly resourceType: string;
  readonly message: string;
  /** The file it comes from. */
  readonly source?: string;
}

/** The check that every part of an input was read (see {@link UnreadPart}). */
export const UNREAD_INPUT_RULE_ID = "SDZ-INPUT-001";

let rule: RuleInfo | undefined;
/** The rule's metadata, built on first use: its link needs the reports' tool metadata, which importing the library must not load. */
function unreadInputRule(): RuleInfo {
  if (rule) return rule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TOOL } = require("../reports") as typeof import("../reports");
  return (rule = {
    id: UNREAD_INPUT_RULE_ID,
    level: RuleLevel.ERROR,
    title: "Part of the input was not read (remote module, deferred or incomplete plan, a resource body that is not an object)",
    rationale: "What the checker does not read it cannot check: a remote module's resources, resources a plan defers, or a resource whose body is "
      + "null or a list (an override or a generator wrote it so) may break any rule.",
    fix: "Check the Terraform plan (terraform show -json <planfile>), which includes remote modules' resources; for a deferred or incomplete plan, apply it and check the next plan; "
      + "give a resource whose body is not an object its arguments as an object (remove an override that sets it to null or a list).",
    requirements: [],
    resourceTypes: [],
    suppressible: false,
    area: "input",
    // Documented in docs/cli.md, not docs/rules.md (no link while the package names no repository).
    ...(TOOL.rulesDocUri ? { helpUri: TOOL.rulesDocUri.replace(/rules\.md$/, "cli.md#parts-not-read-sdz-input-001") } : {}),
  });
}

/** The resources of a model's Terraform JSON that could not be read, as parts not read. */
export function unreadPartsOf(model: TerraformModel): UnreadPart[] {
  return model.unreadable.map((u) => ({ address: u.address, resourceType: u.type, message: u.message, source: u.source }));
}

/**
 * Adds a could-not-verify finding per part of the configuration that was not read, so a remote
 * module or a deferred resource is in every report format and counts under --fail-on-unverified
 * (at error level then; a warning otherwise, as any could-not-verify finding).
 */
export function withUnreadFindings(result: CheckResult, unread: readonly UnreadPart[] | undefined, failOnUnverified: boolean): CheckResult {
  if (!unread || unread.length === 0) return result;
  const info = unreadInputRule();
  const findings: Finding[] = unread.map((u) => ({
    ruleId: UNREAD_INPUT_RULE_ID,
    level: failOnUnverified ? RuleLevel.ERROR : RuleLevel.WARNING,
    status: FindingStatus.UNVERIFIED,
    title: info.title,
    message: `could not verify: ${u.message}`,
    fix: info.fix,
    requirements: [],
    address: u.address,
    resourceType: u.resourceType,
    source: u.source,
  }));
  const all = [...result.findings, ...findings];
  return { ...result, findings: all, rules: [...result.rules, info], counts: countFindings(all) };
}
