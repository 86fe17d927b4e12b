/**
 * Child process of the kill test: writes the three stack reports in a loop, alternating between
 * two results, and says "ready" once the first set is complete. Run with ts-node:
 *   node -r ts-node/register/transpile-only test/reports/kill-writer.ts <dir>
 */
import { CheckResult, countFindings, Finding, FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { writeReports } from "../../src/reports";

/** One of two large, distinguishable results (thousands of findings, so a write takes a while). */
export function killTestResult(variant: 0 | 1): CheckResult {
  const findings: Finding[] = [];
  for (let i = 0; i < 3000; i++) {
    findings.push({
      ruleId: "SDZ-NET-001", level: RuleLevel.ERROR, status: FindingStatus.FAIL, title: "Management port open",
      message: `variant ${variant} finding ${i}: rule "r${i}" allows RDP (TCP 3389) from Internet`, fix: "Restrict the source",
      requirements: ["R-NET-1"], address: `azurerm_network_security_rule.r${i}`, resourceType: "azurerm_network_security_rule",
    });
  }
  return { name: `kill-${variant}`, findings, unusedSuppressions: [], rules: [], resourceCount: 3000, counts: countFindings(findings), inventory: {} };
}

if (require.main === module) {
  const dir = process.argv[2];
  const results = [killTestResult(0), killTestResult(1)];
  writeReports(dir, results[0]);
  process.stdout.write("ready\n");
  for (let i = 1; ; i++) writeReports(dir, results[i % 2]);
}
