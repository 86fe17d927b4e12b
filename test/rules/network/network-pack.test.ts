import * as fs from "fs";
import { RuleLevel } from "../../../src/engine/rule";
import { ALL_RULES } from "../../../src/rules";
import { NETWORK_RULES } from "../../../src/rules/network";

describe("network rule pack", () => {
  test("pins IDs, levels and requirements", () => {
    expect(NETWORK_RULES.map((r) => [r.id, r.level, r.requirements])).toEqual([
      ["SDZ-NET-001", RuleLevel.ERROR, ["R-SEC-7"]],
      ["SDZ-NET-002", RuleLevel.ERROR, ["R-PXE-4"]],
      ["SDZ-NET-003", RuleLevel.ERROR, ["R-PXE-4"]],
      ["SDZ-NET-004", RuleLevel.WARNING, ["R-SEC-4"]],
      ["SDZ-NET-005", RuleLevel.ERROR, ["R-SEC-5"]],
      ["SDZ-NET-006", RuleLevel.WARNING, ["R-OOB-3"]],
    ]);
    for (const r of NETWORK_RULES) expect(ALL_RULES).toContain(r);
  });

  test("every rule cites a seed, names requirements that exist, and is in the network area", () => {
    const reqPath = ["/work/shared/REQUIREMENTS.md", `${__dirname}/../../../../shared/REQUIREMENTS.md`].find((p) => fs.existsSync(p));
    const requirements = reqPath ? fs.readFileSync(reqPath, "utf8") : undefined;
    for (const r of NETWORK_RULES) {
      expect(r.area).toBe("network");
      expect(r.rationale).toMatch(/[Ss]eeds? 00\d/);
      expect(r.fix.length).toBeGreaterThan(20);
      expect(r.resourceTypes.length).toBeGreaterThan(0);
      if (requirements) for (const id of r.requirements) expect(requirements).toContain(`| ${id} |`);
    }
  });
});
