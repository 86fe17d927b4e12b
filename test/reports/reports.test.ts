import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { SecureDeploymentChecks } from "../../src/checks/aspect";
import { injectSuppressions, Suppressions, suppressionsByPath } from "../../src/checks/suppressions";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { countFindings, FindingStatus } from "../../src/engine/result";
import { defineRule, RuleLevel } from "../../src/engine/rule";
import { REPORT_FILES, toJsonReport, toMarkdownReport, toSarifReport, TOOL } from "../../src/reports";
import { RuleCatalog } from "../../src/rules/catalog";
import { managementPortsFromInternet } from "../../src/rules/net/management-port-open-to-internet";
import { newStack } from "../support/fixtures";
import { assertValidSarif, isValidSarif } from "../support/sarif-schema";

const MULTITOOL_DIR = path.dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
const SCHEMA_FILE = path.join(MULTITOOL_DIR, "sarif-2.1.0.json");
const MULTITOOL = path.join(MULTITOOL_DIR, "Sarif.Multitool");
/** The tool identity once the package metadata names its public repository. */
const LINKED_TOOL = { ...TOOL, informationUri: "https://github.com/example-org/secure-deployment-zones", rulesDocUri: "https://github.com/example-org/secure-deployment-zones/blob/main/docs/rules.md" };

function openRule(scope: Construct, id: string, source: string, port = "3389") {
  const nsg = new NetworkSecurityGroup(scope, `${id}-nsg`, {
    name: `${id}-nsg`, location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": id, "sdz-trust": "INTERNAL", "owner": "ops" },
  });
  return new NetworkSecurityRule(scope, id, {
    name: id, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*",
    destinationPortRange: port, sourceAddressPrefix: source, destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
}

/** A note-level rule, so every level appears in the reports. */
const zoneNote = defineRule({
  id: "SDZ-TEST-050",
  level: RuleLevel.INFO,
  area: "test",
  title: "Zone note | with a pipe",
  rationale: "Test rule: notes every zone NSG.",
  fix: "Nothing to do",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_security_group"],
  suppressible: false,
  check(ctx) {
    for (const z of ctx.network.zones) ctx.report(z.resource, `zone ${z.name} is tagged ${z.trust}`);
  },
});

/** A stack with an error, an unverified finding, a suppressed finding, an unused suppression and tagged NSGs. */
function buildStack() {
  const { app, stack } = newStack("reports");
  openRule(stack, "internet", "Internet");
  openRule(stack, "fromvar", new TerraformVariable(stack, "src", { type: "string" }).stringValue);
  const lab = new Construct(stack, "lab");
  openRule(lab, "lab", "*", "22");
  Suppressions.add(lab, [{ id: "SDZ-NET-001", reason: "Lab torn down nightly; no data" }]);
  const quiet = new Construct(stack, "quiet");
  openRule(quiet, "quiet", "10.0.9.0/24");
  Suppressions.add(quiet, [{ id: "SDZ-NET-001", reason: "Left over from an old exception" }]);
  return { app, stack };
}

describe("report contents", () => {
  const { stack } = buildStack();
  // The stack's final JSON with the suppressions recorded, checked with a fixed set of rules (so
  // the expectations do not move when rules are added to the library).
  const tf = stack.toTerraform();
  injectSuppressions(tf, suppressionsByPath(stack));
  const result = runRules(TerraformModel.fromTerraformJson(tf, { name: "reports" }), [managementPortsFromInternet, zoneNote]);

  test("the scenario has every kind of outcome", () => {
    expect(result.findings.map((f) => f.status).sort()).toEqual(["fail", "fail", "fail", "fail", "fail", "suppressed", "unverified"]);
    expect(result.counts).toEqual({ errors: 1, warnings: 1, infos: 4, unverified: 1, suppressed: 1 });
  });

  test("JSON: every finding incl. suppressed, counts, per-rule summary, rule metadata, unused suppressions, inventory", () => {
    const json = JSON.parse(JSON.stringify(toJsonReport(result, TOOL)));
    expect(json).toMatchObject({ reportVersion: 1, tool: { name: "secure-deployment-zones" }, stack: "reports", passed: false, counts: result.counts });
    expect(json.resourceCount).toBe(8);
    expect(json.findings).toHaveLength(result.findings.length);
    expect(json.findings.find((f: any) => f.status === "suppressed")).toMatchObject({
      ruleId: "SDZ-NET-001", constructPath: "reports/lab/lab", suppressionReason: "Lab torn down nightly; no data", requirements: ["R-SEC-7"],
    });
    expect(json.findings.find((f: any) => f.status === "unverified").message).toMatch(/^could not verify: .*variable src/);
    expect(json.unusedSuppressions).toEqual([{ ruleId: "SDZ-NET-001", reason: "Left over from an old exception", scope: "reports/quiet" }]);
    expect(json.summaryByRule.find((s: any) => s.ruleId === "SDZ-NET-001")).toEqual({
      ruleId: "SDZ-NET-001", level: "error", title: "Management port open to any or the Internet", requirements: ["R-SEC-7"], failed: 1, unverified: 1, suppressed: 1, baselined: 0,
      failedByLevel: { error: 1, warning: 0, info: 0 },
    });
    expect(json.summaryByRule.find((s: any) => s.ruleId === "SDZ-TEST-050")).toMatchObject({ failed: 4, unverified: 0, suppressed: 0 });
    expect(json.rules.find((r: any) => r.id === "SDZ-TEST-050")).toMatchObject({ suppressible: false, fix: "Nothing to do", requirements: ["R-PXE-4"] });
    expect(json.rulesRun).toContain("SDZ-NET-001");
    expect(Object.keys(json.inventory)).toHaveLength(4);
    expect(Object.keys(json.inventory).every((a) => a.startsWith("azurerm_network_security_group."))).toBe(true);
    for (const tags of Object.values<any>(json.inventory)) {
      expect(Object.keys(tags).sort()).toEqual(["sdz-trust", "sdz-zone"]);
    }
    expect(JSON.stringify(toJsonReport(result, TOOL))).toBe(JSON.stringify(toJsonReport(result, TOOL)));
  });

  test("Markdown: verdict, findings by level with path/fix/requirements, per-rule summary, suppressed, unused, settings", () => {
    const md = toMarkdownReport(result);
    expect(md.startsWith("# Compliance report: reports\n\n**FAILED**: 1 error(s), 1 warning(s), 4 note(s), 1 could not be verified, 1 suppressed;")).toBe(true);
    const section = (title: string) => md.split(`## ${title}\n`)[1].split("\n## ")[0];
    expect(section("Errors")).toContain("| SDZ-NET-001 | `azurerm_network_security_rule.internet`<br>reports/internet | rule \"internet\" of NSG internet-nsg allows RDP (TCP 3389) from the Internet to hosts behind NSG internet-nsg");
    expect(section("Errors")).toContain("| R-SEC-7 |");
    expect(section("Warnings")).toMatch(/\| SDZ-NET-001 \(unverified\) \| `azurerm_network_security_rule.fromvar`/);
    expect(section("Notes").match(/\| SDZ-TEST-050 \|/g)).toHaveLength(4);
    expect(section("Summary by rule")).toContain("| SDZ-NET-001 | error | Management port open to any or the Internet | 1 | 1 | 1 | R-SEC-7 |");
    expect(section("Summary by rule")).toContain("| SDZ-TEST-050 | info | Zone note \\| with a pipe | 4 | 0 | 0 | R-PXE-4 |");
    expect(section("Suppressed")).toContain("| Lab torn down nightly; no data |");
    expect(section("Unused suppressions")).toContain("| SDZ-NET-001 | `reports/quiet` | Left over from an old exception |");
    expect(section("Declared settings")).toMatch(/sdz-zone=internet, sdz-trust=INTERNAL|sdz-trust=INTERNAL, sdz-zone=internet/);
    expect(section("Declared settings")).not.toContain("owner");
    // every table row has the same number of cells as its header (pipes in text are escaped)
    for (const block of md.split("\n\n")) {
      const rows = block.split("\n").filter((l) => l.startsWith("|"));
      if (rows.length === 0) continue;
      const cells = (l: string) => l.replace(/\\\|/g, "").split("|").length;
      for (const r of rows) expect(cells(r)).toBe(cells(rows[0]));
    }
  });

  test("Markdown table cells: pipes escaped, line breaks (\\n, \\r\\n, a lone \\r) as spaces, other text unchanged", () => {
    const finding = {
      ruleId: "SDZ-TEST-051", level: RuleLevel.ERROR, status: FindingStatus.FAIL, title: "t", requirements: ["R-1"],
      message: "a|b\r\nc\nd\re", fix: "plain fix, no escapes", address: "x.y|z", resourceType: "x",
    };
    // A lone carriage return (no pipe, no newline) still ends a CommonMark line: it must not split the row either.
    const crOnly = { ...finding, ruleId: "SDZ-TEST-052", message: "first\rsecond", address: "x.cr" };
    const md = toMarkdownReport({
      name: "cells", findings: [finding, crOnly], unusedSuppressions: [], rules: [], resourceCount: 2,
      counts: countFindings([finding, crOnly]), inventory: { "x.y": { "sdz-zone": "a|b\nc" } },
    });
    expect(md).toContain("| SDZ-TEST-051 | `x.y\\|z` | a\\|b c d e | plain fix, no escapes | R-1 |");
    expect(md).toContain("| SDZ-TEST-052 | `x.cr` | first second | plain fix, no escapes | R-1 |");
    expect(md).not.toContain("\r");
    expect(md).toContain("| `x.y` | sdz-zone=a\\|b c |");
  });

  test("Markdown of a clean configuration says PASSED and None", () => {
    const clean = runRules(TerraformModel.fromTerraformJson({}, { name: "empty" }), [managementPortsFromInternet]);
    const md = toMarkdownReport(clean);
    expect(md).toContain("**PASSED**: 0 error(s)");
    expect(md).toContain("## Errors\n\nNone.");
    expect(md).toContain("No rule reported anything.");
  });

  describe("SARIF 2.1.0", () => {
    const sarif: any = JSON.parse(JSON.stringify(toSarifReport([result], TOOL, () => "cdk.tf.json")));
    const run = sarif.runs[0];

    test("rules carry metadata and help text; results carry level, locations, suppressions and status", () => {
      expect(sarif.version).toBe("2.1.0");
      const rule = run.tool.driver.rules.find((r: any) => r.id === "SDZ-NET-001");
      expect(rule).toMatchObject({
        name: "ManagementPortOpenToAnyOrTheInternet",
        shortDescription: { text: "Management port open to any or the Internet." },
        defaultConfiguration: { level: "error" },
        ...(TOOL.rulesDocUri ? { helpUri: `${TOOL.rulesDocUri}#sdz-net-001` } : {}),
        properties: { "requirements": ["R-SEC-7"], "suppressible": true, "security-severity": "8.0" },
      });
      expect(rule.help.text).toContain("Fix: Allow management ports only from a management zone");
      expect(rule.help.markdown).toContain("**Requirements:** R-SEC-7");
      expect(run.tool.driver.rules.find((r: any) => r.id === "SDZ-TEST-050").defaultConfiguration.level).toBe("note");

      const results = run.results;
      expect(results).toHaveLength(result.findings.length);
      for (const r of results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      const failing = results.find((r: any) => r.level === "error");
      expect(failing.message.text).toMatch(/^rule "internet" of NSG internet-nsg allows RDP \(TCP 3389\) from the Internet to .*\. Resource: azurerm_network_security_rule\.internet\. Fix: /);
      expect(failing.locations[0].logicalLocations).toEqual([
        { name: "internet", fullyQualifiedName: "reports/internet", kind: "module" },
        { name: "azurerm_network_security_rule.internet", fullyQualifiedName: "azurerm_network_security_rule.internet", kind: "resource" },
      ]);
      expect(failing.locations[0].physicalLocation.artifactLocation.uri).toBe("cdk.tf.json");
      const suppressed = results.find((r: any) => r.suppressions);
      expect(suppressed.suppressions).toEqual([{ kind: "inSource", status: "accepted", justification: "Lab torn down nightly; no data" }]);
      expect(results.find((r: any) => r.properties.status === "unverified").level).toBe("warning");
      expect(new Set(results.map((r: any) => r.partialFingerprints["sdzFinding/v1"])).size).toBe(results.length);
      expect(run.invocations[0].toolConfigurationNotifications).toEqual([
        expect.objectContaining({ level: "warning", associatedRule: { id: "SDZ-NET-001", index: expect.any(Number) }, message: { text: expect.stringContaining("reports/quiet") } }),
      ]);
      expect(run.automationDetails.id).toBe("secure-deployment-zones/reports/");
    });

    test("validates against the official schema with ajv", () => {
      const clean = JSON.parse(JSON.stringify(toSarifReport([runRules(TerraformModel.fromTerraformJson({}), [])], TOOL, () => "x.json")));
      for (const doc of [sarif, clean]) assertValidSarif(doc);
      // the validator does catch a broken document
      expect(isValidSarif({ ...sarif, version: "2.0.0" })).toBe(false);
      expect(isValidSarif({ ...sarif, runs: [{ ...run, results: [{ ...run.results[0], level: "fatal" }] }] })).toBe(false);
    });
  });
});

describe("reports written next to cdk.tf.json", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-sarif-"));
  let files: Record<string, string> = {};

  beforeAll(() => {
    // The stack has an error finding: let synth write cdk.tf.json anyway (read when the stack is created).
    const previous = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
    let built: ReturnType<typeof buildStack>;
    try {
      built = buildStack();
      SecureDeploymentChecks.applyToApp(built.app);
      built.app.synth();
    } finally {
      if (previous === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = previous;
    }
    const dir = path.join(built.app.outdir, "stacks", built.stack.node.id);
    files = Object.fromEntries(Object.entries({ ...REPORT_FILES, tf: "cdk.tf.json" }).map(([k, f]) => [k, path.join(dir, f)]));
  });

  test("the three reports exist and agree with each other", () => {
    const json = JSON.parse(fs.readFileSync(files.json, "utf8"));
    const sarif = JSON.parse(fs.readFileSync(files.sarif, "utf8"));
    const md = fs.readFileSync(files.markdown, "utf8");
    expect(json.summaryByRule.find((r: any) => r.ruleId === "SDZ-NET-001")).toMatchObject({ failed: 1, unverified: 1, suppressed: 1 });
    expect(json.rulesRun).toEqual(RuleCatalog.ids());
    expect(sarif.runs[0].results).toHaveLength(json.findings.length);
    expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id)).toEqual(json.rulesRun);
    const c = json.counts;
    expect(md).toContain(`**${c.errors === 0 ? "PASSED" : "FAILED"}**: ${c.errors} error(s), ${c.warnings} warning(s), ${c.infos} note(s), ${c.unverified} could not be verified, ${c.suppressed} suppressed`);
    expect(c.errors).toBeGreaterThanOrEqual(1);
    expect(sarif.runs[0].results.filter((r: any) => r.suppressions).length).toBe(c.suppressed);
  });

  test("SARIF regions point at each resource's block in cdk.tf.json", () => {
    const sarif = JSON.parse(fs.readFileSync(files.sarif, "utf8"));
    const tf = fs.readFileSync(files.tf, "utf8").split("\n");
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    for (const r of sarif.runs[0].results) {
      const address: string = r.locations[0].logicalLocations.find((l: any) => l.kind === "resource").fullyQualifiedName;
      const { startLine, endLine } = r.locations[0].physicalLocation.region;
      const name = address.split(".").slice(1).join(".");
      expect(tf[startLine - 1]).toBe(`      "${name}": {`);
      expect(tf[endLine - 1]).toMatch(/^ {6}\},?$/);
      const constructPath = r.locations[0].logicalLocations.find((l: any) => l.kind === "module").fullyQualifiedName;
      expect(tf.slice(startLine - 1, endLine).join("\n")).toContain(`"path": "${constructPath}"`);
    }
  });

  test("Sarif.Multitool validate (official 2.1.0 schema and SARIF rules) reports nothing", () => {
    // The npm package does not keep the executable bit everywhere: give it one.
    try {
      fs.chmodSync(MULTITOOL, 0o755);
    } catch (e) {
      throw new Error(`cannot make ${MULTITOOL} executable (${(e as Error).message}); run: chmod +x ${MULTITOOL}`);
    }
    // A report with links, as published from a real repository (the metadata may still name a placeholder).
    const extra = path.join(tmp, "rules-only.sarif");
    fs.writeFileSync(extra, JSON.stringify(toSarifReport([runRules(TerraformModel.fromTerraformJson({}, { name: "empty" }), [managementPortsFromInternet, zoneNote])], LINKED_TOOL, () => "cdk.tf.json"), null, 2));
    const out = path.join(tmp, "validation.sarif");
    let stdout = "";
    try {
      stdout = execFileSync(MULTITOOL, ["validate", files.sarif, extra, "--json-schema", SCHEMA_FILE, "--output", out, "--level", "Error;Warning;Note", "--quiet"], {
        encoding: "utf8", env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" }, timeout: 60_000,
      });
    } catch (e: any) {
      throw new Error(`Sarif.Multitool failed (exit ${e.status}): ${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    const validation = JSON.parse(fs.readFileSync(out, "utf8"));
    // Notes the reports cannot act on: free-text messages (each is specific to its resource), no VCS provenance, embedded content, snippets or context
    // regions (the analysed file is generated next to the report), the schema URL is not reachable
    // offline, and rule IDs are a stable public contract.
    const accepted = new Set(["SARIF2002", "SARIF2003", "SARIF2006", "SARIF2009", "SARIF2010", "SARIF2011", "SARIF2013"]);
    // While the package metadata names no real repository, the stack report carries no links (never a
    // placeholder link): "provide informationUri" (SARIF2005) and "provide helpUri" (SARIF2012) are expected there only.
    const noLinks = TOOL.rulesDocUri === undefined ? new Set(["SARIF2005", "SARIF2012"]) : new Set<string>();
    const inStackReport = (r: any) => String(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "").endsWith(REPORT_FILES.sarif);
    const problems = validation.runs.flatMap((r: any) => r.results ?? [])
      .filter((r: any) => !(r.level === "note" && accepted.has(r.ruleId)) && !(inStackReport(r) && noLinks.has(r.ruleId))).map((r: any) =>
        `${r.level ?? "warning"} ${r.ruleId}: ${r.message?.text ?? JSON.stringify(r.message?.arguments)} at ${r.locations?.[0]?.physicalLocation?.region?.startLine ?? "?"}`);
    const failedToRun = validation.runs.some((r: any) => (r.invocations ?? []).some((i: any) => i.executionSuccessful === false));
    const printed = stdout.split("\n").filter((l) => /: (error|warning) /.test(l))
      .filter((l) => !(l.includes(REPORT_FILES.sarif) && [...noLinks].some((id) => l.includes(` ${id}: `))));
    expect({ problems, failedToRun, printed }).toEqual({ problems: [], failedToRun: false, printed: [] });
  });
});

describe("summary by rule: findings reported below their rule's level", () => {
  /** An error rule whose finding on a NSG named `declared-*` is a note (a setting only declared), as SDZ-MIG-011 does. */
  const declaredOnly = defineRule({
    id: "SDZ-TEST-051",
    level: RuleLevel.ERROR,
    area: "test",
    title: "Error rule with declared-only notes",
    rationale: "Test rule.",
    fix: "Nothing to do",
    requirements: ["R-MIG-2"],
    resourceTypes: ["azurerm_network_security_group"],
    check(ctx) {
      for (const r of ctx.model.ofType("azurerm_network_security_group")) {
        const declared = String(r.config.name).startsWith("declared");
        ctx.report(r, `nsg ${String(r.config.name)}`, declared ? { level: RuleLevel.INFO } : undefined);
      }
    },
  });
  function check(names: string[]) {
    const { stack } = newStack("levels");
    for (const n of names) new NetworkSecurityGroup(stack, n, { name: n, location: "westeurope", resourceGroupName: "rg" });
    return runRules(TerraformModel.fromTerraformJson(stack.toTerraform(), { name: "levels" }), [declaredOnly]);
  }

  test("JSON counts failed findings per level; Markdown says how many sit below the rule's level, agreeing with the header", () => {
    const result = check(["declared-a", "declared-b", "real"]);
    const json = JSON.parse(JSON.stringify(toJsonReport(result, TOOL)));
    expect(json.summaryByRule).toEqual([expect.objectContaining({
      ruleId: "SDZ-TEST-051", level: "error", failed: 3, failedByLevel: { error: 1, warning: 0, info: 2 },
    })]);
    const md = toMarkdownReport(result);
    expect(md).toContain("**FAILED**: 1 error(s), 0 warning(s), 2 note(s)");
    expect(md).toContain("| SDZ-TEST-051 | error | Error rule with declared-only notes | 3 (2 as note) | 0 | 0 | R-MIG-2 |");
  });

  test("only notes: the table no longer reads as an error while the header says PASSED", () => {
    const md = toMarkdownReport(check(["declared-a"]));
    expect(md).toContain("**PASSED**: 0 error(s), 0 warning(s), 1 note(s)");
    expect(md).toContain("| SDZ-TEST-051 | error | Error rule with declared-only notes | 1 (1 as note) | 0 | 0 | R-MIG-2 |");
  });

  test("findings at the rule's level: the cell is the bare count, as before", () => {
    const md = toMarkdownReport(check(["real"]));
    expect(md).toContain("| SDZ-TEST-051 | error | Error rule with declared-only notes | 1 | 0 | 0 | R-MIG-2 |");
  });
});
