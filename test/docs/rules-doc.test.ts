import * as fs from "fs";
import * as path from "path";
import { generateRulesDoc, ruleRequirementProblems, RULES_DOC_COMMAND, RULES_DOC_PATH } from "../../scripts/generate-rules-doc";
import { RuleInfo, RuleLevel } from "../../src/engine/rule";
import { REQUIREMENTS } from "../../src/requirements/catalog";
import { RuleCatalog } from "../../src/rules/catalog";

const ROOT = path.resolve(__dirname, "..", "..");

function info(id: string, requirements: string[], extra: Partial<RuleInfo> = {}): RuleInfo {
  return {
    id, requirements, level: RuleLevel.WARNING, title: `title of ${id}`, rationale: "why", fix: "fix | it",
    resourceTypes: ["azurerm_subnet"], suppressible: true, area: "test", ...extra,
  };
}

describe("docs/rules.md", () => {
  test("is up to date with the rule metadata", () => {
    const file = path.join(ROOT, RULES_DOC_PATH);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const expected = generateRulesDoc();
    if (current !== expected) {
      const missing = RuleCatalog.ids().filter((id) => !current.includes(`| [${id}](`));
      throw new Error(
        `${RULES_DOC_PATH} is stale${missing.length ? ` (rules missing from it: ${missing.join(", ")})` : ""}. ` +
        `Run \`${RULES_DOC_COMMAND}\` and commit the result.`,
      );
    }
  });

  test("every rule names at least one requirement, and only IDs of the catalog", () => {
    const problems = ruleRequirementProblems();
    if (problems.length > 0) {
      throw new Error(`Rule metadata problems:\n  - ${problems.join("\n  - ")}\nFix the rule's requirements, then run \`${RULES_DOC_COMMAND}\`.`);
    }
  });

  test("the checks catch a rule without requirements and an unknown requirement ID", () => {
    expect(ruleRequirementProblems([info("SDZ-X-001", [])])).toEqual(["SDZ-X-001 names no requirement ID (RuleInfo.requirements is empty)"]);
    expect(ruleRequirementProblems([info("SDZ-X-002", ["R-PXE-1", "R-NOPE-9", "pxe"])])).toEqual([
      'SDZ-X-002 names "R-NOPE-9": not in the requirements catalog',
      'SDZ-X-002 names "pxe": not a requirement ID (R-<AREA>-<n>)',
    ]);
    expect(ruleRequirementProblems([info("SDZ-X-003", ["R-SEC-7"])])).toEqual([]);
  });

  test("the generator is deterministic, sorted by rule ID and lists every requirement with seeds, how and rules", () => {
    const rules = [info("SDZ-B-001", ["R-KMS-2"]), info("SDZ-A-001", ["R-KMS-2", "R-PXE-1"], { level: RuleLevel.ERROR, suppressible: false })];
    const doc = generateRulesDoc(rules);
    expect(generateRulesDoc([...rules].reverse())).toBe(doc);
    expect(doc.indexOf("| [SDZ-A-001]")).toBeLessThan(doc.indexOf("| [SDZ-B-001]"));
    expect(doc).toContain("| [SDZ-A-001](#sdz-a-001) | error | title of SDZ-A-001 | [R-KMS-2](#r-kms-2), [R-PXE-1](#r-pxe-1) | fix \\| it | no |");
    expect(doc).toContain("2 rules: 1 error, 1 warning, 0 info.");
    for (const req of REQUIREMENTS) expect(doc).toContain(`<a id="${req.id.toLowerCase()}"></a>${req.id} |`);
    const kms2 = doc.split("\n").find((l) => l.includes("</a>R-KMS-2 |"))!;
    expect(kms2).toContain("003 (KMS activation across zones)");
    expect(kms2).toContain("| construct + rule | [SDZ-A-001](#sdz-a-001), [SDZ-B-001](#sdz-b-001) |");
    const sec7 = doc.split("\n").find((l) => l.includes("</a>R-SEC-7 |"))!;
    expect(sec7).toContain("000 (PXE/RIS security), 001 (OS deployment security and privacy)");
    expect(sec7).toContain("**no rule yet** (expected: rule)");
    const mig6 = doc.split("\n").find((l) => l.includes("</a>R-MIG-6 |"))!;
    expect(mig6).toContain("| no rule: construct + doc |");
    expect(doc).toContain("004 = IPsec considerations");
    expect(doc).toContain("002 = out-of-band AMT management");
  });
});
