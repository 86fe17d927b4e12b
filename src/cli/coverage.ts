/** Which rules ran on which resources and found nothing there: `--verbose`, and the passing cases of JUnit. */
import { TerraformModel } from "../engine/model";
import { CheckResult } from "../engine/result";

/** A resource with the rules that read its type and reported nothing on it. */
export interface ResourceCoverage {
  readonly address: string;
  readonly type: string;
  /** IDs of the rules that ran on this resource type and reported nothing on this resource. */
  readonly passed: string[];
}

/**
 * Per resource, the rules that "ran, with no finding on this resource": a rule runs on the resource
 * types it declares (`resourceTypes`), so a resource of such a type without any finding of that
 * rule (failed, unverified or suppressed) passed it. Linear in rules x resources of their types.
 */
export function passedRules(result: CheckResult, model: TerraformModel): ResourceCoverage[] {
  const reported = new Set(result.findings.map((f) => `${f.ruleId}\u0000${f.address}`));
  const passed = new Map<string, ResourceCoverage>();
  for (const r of model.resources) passed.set(r.address, { address: r.address, type: r.type, passed: [] });
  for (const rule of result.rules) {
    for (const resource of model.ofType(...rule.resourceTypes)) {
      if (!reported.has(`${rule.id}\u0000${resource.address}`)) passed.get(resource.address)?.passed.push(rule.id);
    }
  }
  return [...passed.values()].filter((c) => c.passed.length > 0);
}
