import { CheckResult, FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";

const LEVEL: Record<RuleLevel, string> = { error: "error", warning: "warning", info: "note" };

/**
 * SARIF 2.1.0 for code-scanning upload. Logical locations carry the construct path and the
 * Terraform address; the physical location is the synthesized JSON file.
 */
export function toSarifReport(results: CheckResult[], tool: { name: string; version: string; informationUri: string }, artifactUri: (r: CheckResult) => string): object {
  const rules = new Map<string, CheckResult["rules"][number]>();
  results.forEach((r) => r.rules.forEach((rule) => rules.set(rule.id, rule)));
  const ruleList = [...rules.values()];
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            informationUri: tool.informationUri,
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]/g, ""),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: {
                text: `${r.rationale}\n\nFix: ${r.fix}\n\nRequirements: ${r.requirements.join(", ")}`,
                markdown: `${r.rationale}\n\n**Fix:** ${r.fix}\n\n**Requirements:** ${r.requirements.join(", ")}`,
              },
              defaultConfiguration: { level: LEVEL[r.level] },
              properties: { requirements: r.requirements, area: r.area, suppressible: r.suppressible, tags: ["security", ...r.requirements] },
            })),
          },
        },
        results: results.flatMap((res) => res.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? 0,
          level: LEVEL[f.level],
          kind: f.status === FindingStatus.UNVERIFIED ? "review" : "fail",
          message: { text: `${f.message} Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifactUri(res) } },
              logicalLocations: [
                ...(f.constructPath ? [{ name: f.constructPath.split("/").pop(), fullyQualifiedName: f.constructPath, kind: "module" }] : []),
                { name: f.address, fullyQualifiedName: f.address, kind: "resource" },
              ],
            },
          ],
          ...(f.status === FindingStatus.SUPPRESSED
            ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.suppressionReason ?? "" }] }
            : {}),
          properties: { requirements: f.requirements, status: f.status, stack: res.name },
        }))),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
