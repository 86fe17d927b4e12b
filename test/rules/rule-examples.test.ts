import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { ALL_RULES } from "../../src/rules";

/**
 * Every rule's good and bad examples (printed in docs/rules.md) run here: a bad example is flagged
 * on exactly the addresses it lists, a good one not at all.
 */
const withExamples = ALL_RULES.filter((r) => r.examples);

describe("rule examples", () => {
  test.each(withExamples.flatMap((r) => r.examples!.bad.map((e) => [r.id, e.description, e] as const)))("%s bad: %s", (id, _d, example) => {
    const result = runRules(TerraformModel.fromTerraformJson(example.terraform, { name: "example" }), ALL_RULES.filter((r) => r.id === id));
    const failing = result.findings.filter((f) => f.status === FindingStatus.FAIL).map((f) => f.address).sort();
    expect(failing).toEqual([...(example.flagged ?? [])].sort());
    const unverified = result.findings.filter((f) => f.status === FindingStatus.UNVERIFIED).map((f) => f.address).sort();
    expect(unverified).toEqual([...(example.unverified ?? [])].sort());
    expect(failing.length + unverified.length).toBeGreaterThan(0);
  });

  test.each(withExamples.flatMap((r) => r.examples!.good.map((e) => [r.id, e.description, e] as const)))("%s good: %s", (id, _d, example) => {
    const result = runRules(TerraformModel.fromTerraformJson(example.terraform, { name: "example" }), ALL_RULES.filter((r) => r.id === id));
    expect(result.findings.map((f) => `${f.status} ${f.address}: ${f.message}`)).toEqual([]);
  });
});
