import * as fs from "fs";
import * as path from "path";
import { copyFixture, FIXTURES, ROOT, runInProcess, tempDir } from "./run-cli";
import { CheckResult, countFindings, Finding, FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { repositoryWebUrl, toSarifReport, TOOL } from "../../src/reports";
import { SARIF_LIMITS } from "../../src/reports/sarif-report";
import { assertValidSarif } from "../support/sarif-schema";

function sarifOf(args: string[], cwd?: string): any {
  const out = path.join(tempDir(), "r.sarif");
  const r = runInProcess(["check", ...args, "--sarif", out], { cwd });
  expect(r.stderr).toBe("");
  return JSON.parse(fs.readFileSync(out, "utf8"));
}

/** The resource address a result is about. */
const addressOf = (r: any): string => r.locations[0].logicalLocations.find((l: any) => l.kind === "resource").fullyQualifiedName;

describe("CLI SARIF for code scanning", () => {
  test("each result has the region of its resource in the file it came from (Terraform JSON)", () => {
    const sarif = sarifOf(["tfjson-split", "cdktf-output"]);
    assertValidSarif(sarif);
    const results = sarif.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const loc = r.locations[0].physicalLocation;
      const file = path.join(ROOT, ...loc.artifactLocation.uri.split("/"));
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const name = addressOf(r).split(".").slice(1).join(".");
      expect(lines[loc.region.startLine - 1]).toMatch(new RegExp(`^\\s*"${name}": [{[]`));
      expect(lines[loc.region.endLine - 1]).toMatch(/^\s*[}\]],?$/);
    }
  });

  test("plan results point at the resource's object under planned_values", () => {
    const sarif = sarifOf([path.join("plan", "plan.json")]);
    const lines = fs.readFileSync(path.join(FIXTURES, "plan", "plan.json"), "utf8").split("\n");
    const results = sarif.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const { startLine, endLine } = r.locations[0].physicalLocation.region;
      expect(lines.slice(startLine - 1, endLine).join("\n")).toContain(`"address": ${JSON.stringify(addressOf(r))}`);
    }
  });

  test("URIs are relative to the git repository root, or to --sarif-root; files outside it get file:// URIs", () => {
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, ".git"));
    fs.cpSync(path.join(FIXTURES, "tfjson-single"), path.join(repo, "infra", "lab"), { recursive: true });
    const work = path.join(repo, "infra");
    const fromGit = sarifOf(["lab"], work);
    expect(fromGit.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toMatchObject({ uri: "infra/lab/lab.tf.json", uriBaseId: "%SRCROOT%" });
    expect(fromGit.runs[0].originalUriBaseIds["%SRCROOT%"].uri).toBe(`file://${repo}/`);

    const fromRoot = sarifOf(["lab", "--sarif-root", path.join(repo, "infra")], work);
    expect(fromRoot.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("lab/lab.tf.json");

    const outside = copyFixture("clean");
    const far = sarifOf([outside, "lab"], work);
    expect(far.runs[0].artifacts.map((a: any) => a.location.uri)).toContain("infra/lab/lab.tf.json");
    const clean = sarifOf([outside, "--sarif-root", work], work);
    expect(clean.runs[0].artifacts).toEqual([]);
    const outsideFindings = sarifOf([path.join(FIXTURES, "cdktf-output"), "--sarif-root", work], work);
    expect(outsideFindings.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^file:\/\/\/.*\/cdktf-output\/stacks\/(dev|prod)\/cdk\.tf\.json$/);
    expect(outsideFindings.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uriBaseId).toBeUndefined();
    assertValidSarif(outsideFindings);
  });

  test("--sarif-root must be a folder", () => {
    const r = runInProcess(["check", "clean", "--sarif", path.join(tempDir(), "r.sarif"), "--sarif-root", path.join(FIXTURES, "nowhere")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: --sarif-root ${path.join(FIXTURES, "nowhere")} is not a folder\n`);
  });

  test("more results than GitHub accepts in a run: the 25,000 most severe are kept, with a notification", () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 30_000; i++) {
      const level = i % 3 === 0 ? RuleLevel.ERROR : i % 3 === 1 ? RuleLevel.WARNING : RuleLevel.INFO;
      findings.push({
        ruleId: "SDZ-NET-001", level, status: i % 10 === 9 ? FindingStatus.SUPPRESSED : FindingStatus.FAIL, title: "t", message: `m${i}`, fix: "f",
        requirements: [], address: `azurerm_network_security_rule.r${i}`, resourceType: "azurerm_network_security_rule",
      });
    }
    const result: CheckResult = { name: "big", findings, unusedSuppressions: [], rules: [], resourceCount: 30_000, counts: countFindings(findings), inventory: {} };
    const sarif: any = toSarifReport([result], TOOL, () => "main.tf.json");
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(SARIF_LIMITS.resultsPerRun);
    const keptErrors = run.results.filter((r: any) => r.level === "error" && !r.suppressions).length;
    expect(keptErrors).toBe(findings.filter((f) => f.level === RuleLevel.ERROR && f.status !== FindingStatus.SUPPRESSED).length);
    expect(run.results.filter((r: any) => r.suppressions)).toHaveLength(0); // suppressed ones go first
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: "warning", message: { text: expect.stringMatching(/^5000 of 30000 results were left out: GitHub code scanning rejects a run with more than 25000 results/) } }),
    ]);
    assertValidSarif(sarif);
  });

  test("rule tags stay within what GitHub shows; helpUri is the rule's anchor in the repository's docs/rules.md", () => {
    const rule = {
      id: "SDZ-NET-001", level: RuleLevel.ERROR, title: "t", rationale: "r", fix: "f", resourceTypes: [], suppressible: true, area: "network",
      requirements: Array.from({ length: 30 }, (_, i) => `R-X-${i}`),
    };
    const result: CheckResult = { name: "x", findings: [], unusedSuppressions: [], rules: [rule], resourceCount: 0, counts: countFindings([]), inventory: {} };
    const linked = { name: "secure-deployment-zones", version: "1.2.3", informationUri: "https://github.com/o/r", rulesDocUri: "https://github.com/o/r/blob/main/docs/rules.md" };
    const sarif: any = toSarifReport([result], linked, () => "x.json");
    const r = sarif.runs[0].tool.driver.rules[0];
    expect(r.properties.tags).toHaveLength(SARIF_LIMITS.tagsPerRule);
    expect(r.properties.requirements).toHaveLength(30);
    expect(r.helpUri).toBe("https://github.com/o/r/blob/main/docs/rules.md#sdz-net-001");
    // the anchor exists in docs/rules.md
    expect(fs.readFileSync(path.join(ROOT, "docs", "rules.md"), "utf8")).toContain("<a id=\"sdz-net-001\"></a>");
  });

  test.each([
    ["git+https://github.com/o/r.git", "https://github.com/o/r"],
    [{ url: "https://github.com/o/r" }, "https://github.com/o/r"],
    ["git@github.com:o/r.git", "https://github.com/o/r"],
    ["github:o/r", "https://github.com/o/r"],
    ["o/r", "https://github.com/o/r"],
    ["https://example.invalid/secure-deployment-zones.git", undefined],
    ["https://gitlab.example/o/r", undefined],
    [undefined, undefined],
    ["not a url at all", undefined],
  ])("repository %j -> %s", (repository, url) => {
    expect(repositoryWebUrl(repository as any)).toBe(url);
  });

  test("no placeholder link is written: links appear only when the package metadata names a real repository", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(TOOL.rulesDocUri).toBe(repositoryWebUrl(pkg.repository) ? `${repositoryWebUrl(pkg.repository)}/blob/main/docs/rules.md` : undefined);
  });
});
