import { RuleLevel } from "../../../src/engine/rule";
import { KMS_PACK } from "../../../src/rules/kms";

describe("KMS pack", () => {
  test("pins IDs, levels, requirements, suppressibility and the area", () => {
    expect(KMS_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.suppressible !== false, r.area])).toEqual([
      ["SDZ-KMS-001", RuleLevel.ERROR, ["R-KMS-1"], false, "kms"],
      ["SDZ-KMS-002", RuleLevel.ERROR, ["R-KMS-2", "R-KMS-6", "R-PXE-4"], true, "kms"],
      ["SDZ-KMS-003", RuleLevel.ERROR, ["R-KMS-3", "R-KMS-7"], true, "kms"],
      ["SDZ-KMS-004", RuleLevel.ERROR, ["R-KMS-4"], true, "kms"],
      ["SDZ-KMS-005", RuleLevel.WARNING, ["R-KMS-5"], true, "kms"],
      ["SDZ-KMS-006", RuleLevel.ERROR, ["R-KMS-7"], true, "kms"],
      ["SDZ-KMS-007", RuleLevel.INFO, ["R-KMS-3"], true, "kms"],
      ["SDZ-KMS-008", RuleLevel.ERROR, ["R-KMS-8"], true, "kms"],
    ]);
  });

  test.each(KMS_PACK.rules.map((r) => [r.id, r] as const))("%s cites seed 003, says what it reads and has good and bad examples", (_id, r) => {
    expect(r.rationale).toMatch(/Seed 003/);
    expect(r.reads?.length).toBeGreaterThan(0);
    expect(r.examples?.bad.length).toBeGreaterThan(0);
    expect(r.examples?.good.length).toBeGreaterThan(0);
  });
});
