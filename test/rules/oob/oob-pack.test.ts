import { RuleLevel } from "../../../src/engine/rule";
import { OOB_PACK } from "../../../src/rules/oob";

describe("out-of-band pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(OOB_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-OOB-001", RuleLevel.ERROR, ["R-OOB-2"], "oob"],
      ["SDZ-OOB-002", RuleLevel.ERROR, ["R-OOB-1"], "oob"],
      ["SDZ-OOB-003", RuleLevel.ERROR, ["R-OOB-4"], "oob"],
      ["SDZ-OOB-004", RuleLevel.WARNING, ["R-OOB-5"], "oob"],
      ["SDZ-OOB-005", RuleLevel.ERROR, ["R-OOB-5", "R-NET-1"], "oob"],
      ["SDZ-OOB-006", RuleLevel.ERROR, ["R-OOB-6", "R-NET-1"], "oob"],
      ["SDZ-OOB-007", RuleLevel.ERROR, ["R-OOB-7"], "oob"],
      ["SDZ-OOB-008", RuleLevel.ERROR, ["R-OOB-7"], "oob"],
      ["SDZ-OOB-009", RuleLevel.ERROR, ["R-OOB-7"], "oob"],
      ["SDZ-OOB-010", RuleLevel.ERROR, ["R-OOB-8"], "oob"],
      ["SDZ-OOB-011", RuleLevel.WARNING, ["R-OOB-8"], "oob"],
      ["SDZ-OOB-012", RuleLevel.ERROR, ["R-OOB-8"], "oob"],
    ]);
    for (const r of OOB_PACK.rules) {
      expect([r.id, r.rationale]).toEqual([r.id, expect.stringMatching(/^Seed 002/)]);
      expect([r.id, r.reads?.length]).toEqual([r.id, expect.any(Number)]);
      expect([r.id, r.examples?.bad.length, r.examples?.good.length]).toEqual([r.id, 1, 1]);
    }
  });
});
