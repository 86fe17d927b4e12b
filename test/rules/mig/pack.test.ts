import { RuleLevel } from "../../../src/engine/rule";
import { MIG_PACK } from "../../../src/rules/mig";

describe("migration pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(MIG_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-MIG-001", RuleLevel.ERROR, ["R-MIG-1", "R-NET-1"], "migration"],
      ["SDZ-MIG-002", RuleLevel.ERROR, ["R-MIG-1", "R-MIG-5", "R-NET-1"], "migration"],
      ["SDZ-MIG-003", RuleLevel.ERROR, ["R-MIG-1", "R-MIG-5", "R-NET-1"], "migration"],
      ["SDZ-MIG-004", RuleLevel.ERROR, ["R-MIG-1", "R-NET-1"], "migration"],
      ["SDZ-MIG-005", RuleLevel.ERROR, ["R-MIG-5", "R-NET-1"], "migration"],
      ["SDZ-MIG-006", RuleLevel.ERROR, ["R-MIG-3"], "migration"],
      ["SDZ-MIG-007", RuleLevel.ERROR, ["R-MIG-4"], "migration"],
      ["SDZ-MIG-008", RuleLevel.WARNING, ["R-MIG-5", "R-NET-1"], "migration"],
      ["SDZ-MIG-009", RuleLevel.ERROR, ["R-MIG-1"], "migration"],
      ["SDZ-MIG-010", RuleLevel.INFO, ["R-MIG-1", "R-NET-1", "R-OOB-6"], "migration"],
      ["SDZ-MIG-011", RuleLevel.ERROR, ["R-MIG-2"], "migration"],
      ["SDZ-MIG-012", RuleLevel.ERROR, ["R-MIG-3"], "migration"],
      ["SDZ-MIG-013", RuleLevel.ERROR, ["R-MIG-4"], "migration"],
      ["SDZ-MIG-014", RuleLevel.WARNING, ["R-MIG-6"], "migration"],
    ]);
  });

  test("every rule says what it reads, cites its seed and has good and bad examples", () => {
    for (const r of MIG_PACK.rules) {
      expect([r.id, r.rationale]).toEqual([r.id, expect.stringMatching(/[Ss]eeds? 00\d/)]);
      expect([r.id, (r.reads?.length ?? 0) > 0]).toEqual([r.id, true]);
      expect([r.id, (r.examples?.bad.length ?? 0) > 0, (r.examples?.good.length ?? 0) > 0]).toEqual([r.id, true, true]);
    }
  });

  test("the Azure Files note cannot be suppressed; the others can", () => {
    expect(MIG_PACK.rules.filter((r) => r.suppressible === false).map((r) => r.id)).toEqual(["SDZ-MIG-010"]);
  });
});
