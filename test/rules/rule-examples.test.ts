import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { ALL_RULES } from "../../src/rules";

/**
 * Every rule's good and bad examples (printed in docs/rules.md) run here: a bad example is flagged
 * on exactly the addresses it lists, a good one not at all, by that rule in a check of every rule
 * (as users run it: a rule that leaves a finding to another rule's does so only when that one runs).
 */
const withExamples = ALL_RULES.filter((r) => r.examples);

/** The findings of rule `id` in a check of every rule. */
function findingsOf(id: string, terraform: { readonly [key: string]: unknown }) {
  return runRules(TerraformModel.fromTerraformJson(terraform, { name: "example" }), ALL_RULES).findings.filter((f) => f.ruleId === id);
}

describe("rule examples", () => {
  test.each(withExamples.flatMap((r) => r.examples!.bad.map((e) => [r.id, e.description, e] as const)))("%s bad: %s", (id, _d, example) => {
    const findings = findingsOf(id, example.terraform);
    const failing = findings.filter((f) => f.status === FindingStatus.FAIL).map((f) => f.address).sort();
    expect(failing).toEqual([...(example.flagged ?? [])].sort());
    const unverified = findings.filter((f) => f.status === FindingStatus.UNVERIFIED).map((f) => f.address).sort();
    expect(unverified).toEqual([...(example.unverified ?? [])].sort());
    expect(failing.length + unverified.length).toBeGreaterThan(0);
  });

  test.each(withExamples.flatMap((r) => r.examples!.good.map((e) => [r.id, e.description, e] as const)))("%s good: %s", (id, _d, example) => {
    expect(findingsOf(id, example.terraform).map((f) => `${f.status} ${f.address}: ${f.message}`)).toEqual([]);
  });
});
