import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { Rule } from "../../src/engine/rule";
import { ALL_RULES } from "../../src/rules";

/** A stack with the azurerm provider, ready for raw resources. */
export function newStack(id = "test"): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  return { app, stack };
}

/** Synthesizes a stack (aspects included) and returns its Terraform JSON. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/**
 * Runs rules (all by default) on a stack built by `build`, the way the aspect does, and returns the
 * result. Fixtures are written with raw azurerm resources, as a user would.
 */
export function checkFixture(build: (scope: Construct) => void, rules: readonly Rule[] = ALL_RULES): CheckResult {
  const { stack } = newStack();
  build(stack);
  return runRules(TerraformModel.fromTerraformJson(synthJson(stack), { name: "test" }), rules);
}

/** IDs of the failing (or unverified) findings of one rule, with their addresses. */
export function openFindings(result: CheckResult, ruleId?: string) {
  return result.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && (!ruleId || f.ruleId === ruleId));
}

/** Failing findings of one rule (unverified excluded). */
export function failures(result: CheckResult, ruleId: string) {
  return result.findings.filter((f) => f.status === FindingStatus.FAIL && f.ruleId === ruleId);
}

/** Unverified findings of one rule. */
export function unverified(result: CheckResult, ruleId: string) {
  return result.findings.filter((f) => f.status === FindingStatus.UNVERIFIED && f.ruleId === ruleId);
}
