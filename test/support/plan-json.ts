/**
 * Builds `terraform show -json` plan output by hand, as Terraform writes it for a first apply
 * (every change a create): `planned_values` with the known values, `resource_changes` with the
 * unknown mask, and `configuration` with the expressions. Rules run on it through the CLI's plan
 * reader, the path every HCL user's plan takes.
 */
import { convertPlan } from "../../src/cli/plan";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { CheckResult } from "../../src/engine/result";
import { Rule } from "../../src/engine/rule";
import { findRule } from "../../src/rules";

/** One root-module resource of a plan. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Known planned values (`planned_values...values`): unset arguments as Terraform writes them (`""`, `[]`, `null`). */
  readonly values: Record<string, unknown>;
  /** `after_unknown`: values known only after apply (default: `{ id: true }`). */
  readonly unknown?: Record<string, unknown>;
  /** The configuration's expressions (default: each top-level value written as a constant). */
  readonly expressions?: Record<string, unknown>;
}

/** A plan (format 1.2) creating `resources` in the root module. */
export function planJson(resources: PlannedResource[]): Record<string, unknown> {
  const address = (r: PlannedResource) => `${r.type}.${r.name}`;
  const constants = (r: PlannedResource) =>
    Object.fromEntries(Object.entries(r.values).filter(([, v]) => v !== null && v !== "" && !Array.isArray(v)).map(([k, v]) => [k, { constant_value: v }]));
  return {
    format_version: "1.2",
    terraform_version: "1.9.0",
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({
          address: address(r), mode: "managed", type: r.type, name: r.name, provider_name: "registry.terraform.io/hashicorp/azurerm", schema_version: 0, values: r.values, sensitive_values: {},
        })),
      },
    },
    resource_changes: resources.map((r) => ({
      address: address(r), mode: "managed", type: r.type, name: r.name, provider_name: "registry.terraform.io/hashicorp/azurerm",
      change: { actions: ["create"], before: null, after: r.values, after_unknown: r.unknown ?? { id: true }, before_sensitive: false, after_sensitive: {} },
    })),
    configuration: {
      root_module: {
        resources: resources.map((r) => ({
          address: address(r), mode: "managed", type: r.type, name: r.name, provider_config_key: "azurerm", schema_version: 0, expressions: r.expressions ?? constants(r),
        })),
      },
    },
  };
}

/** The model the CLI builds from a plan. */
export function planModel(plan: Record<string, unknown>): TerraformModel {
  const { resources, locals, settingsBlocks } = convertPlan(plan, "plan.json");
  return TerraformModel.fromResources(resources, "plan.json", locals, [], settingsBlocks);
}

/** Runs rules (by ID) on a plan, as `secure-deployment-zones check plan.json` does. */
export function checkPlan(plan: Record<string, unknown>, rules: (string | Rule)[]): CheckResult {
  return runRules(planModel(plan), rules.map((r) => (typeof r === "string" ? findRule(r)! : r)));
}
