import * as fs from "fs";
import * as path from "path";
import { App, Testing } from "cdktf";
import { acmeChecks, CustomRuleSite } from "../../examples/custom-rule/main";
import { Suppressions } from "../../src";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { ROOT, runCli, tableRows, tempDir } from "../cli/run-cli";
import { assertValidSarif } from "../support/sarif-schema";

const OFFICE_WINRM = {
  name: "allow-winrm-from-office", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp",
  sourcePortRange: "*", destinationPortRange: "5986", sourceAddressPrefix: "10.60.5.0/24", destinationAddressPrefix: "*",
};
const TAG_MESSAGE = "has no cost-center tag";
const NET_MESSAGE = 'rule "allow-winrm-from-office" of NSG nsg-servers lets addresses of the virtual network in no zone 10.60.5.0/24 reach WinRM on azurerm_network_interface.app01-nic (10.60.1.4)';

/** Synthesizes the example as `cdktf synth` does, into a temp dir; `open` adds the office WinRM rule. */
function synthesize(options: { open?: boolean; suppress?: boolean } = {}) {
  const outdir = tempDir("sdz-custom-rule-");
  const app = new App({ outdir });
  const stack = new CustomRuleSite(app, "custom-rule", { extraServerRules: options.open ? [OFFICE_WINRM] : [] });
  if (options.suppress) {
    Suppressions.add(stack.node.findChild("scratch"), [{ id: "ACME-TAG-001", reason: "Scratch account of the build pipeline, deleted nightly" }]);
  }
  const checks = acmeChecks();
  checks.applyToStack(stack);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (err) {
    error = err as Error;
  }
  return { outdir, dir: path.join(outdir, "stacks", "custom-rule"), result: checks.resultFor(stack) as CheckResult, error };
}

/** A CommonJS module for `--rules` that loads the example's rules (the CLI runs under ts-node in tests; users compile rules.ts). */
function rulesModule(dir: string): string {
  const file = path.join(dir, "acme-rules.js");
  fs.writeFileSync(file, `module.exports = require(${JSON.stringify(path.join(ROOT, "examples", "custom-rule", "rules.ts"))});\n`);
  return file;
}

const open = (r: CheckResult) => r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => [f.ruleId, f.level, f.status, f.address]);

describe("examples/custom-rule", () => {
  const site = synthesize();
  const temp: string[] = [site.outdir];
  afterAll(() => temp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test("at synth, the custom rules run with the built-in ones: exactly ACME-TAG-001 on the untagged account, nothing else", () => {
    expect(site.error).toBeUndefined();
    expect(open(site.result)).toEqual([["ACME-TAG-001", "warning", "fail", "azurerm_storage_account.scratch"]]);
    expect(site.result.findings[0]).toMatchObject({ title: "Storage account without a cost-center tag", message: TAG_MESSAGE });
    const ids = site.result.rules.map((r) => r.id);
    expect(ids.slice(-2)).toEqual(["ACME-NET-001", "ACME-TAG-001"]);
    expect(ids).toContain("SDZ-NET-001");
    expect(site.result.rules.find((r) => r.id === "ACME-NET-001")).toMatchObject({ area: "acme", level: "error", requirements: ["ACME-SEC-4"], suppressible: true });
  });

  test("the finding and the rule are in the JSON, SARIF and Markdown reports next to cdk.tf.json", () => {
    const json = JSON.parse(fs.readFileSync(path.join(site.dir, "compliance-report.json"), "utf8"));
    expect(json.findings.map((f: any) => [f.ruleId, f.address, f.message])).toEqual([["ACME-TAG-001", "azurerm_storage_account.scratch", TAG_MESSAGE]]);
    expect(json.rulesRun).toEqual(expect.arrayContaining(["ACME-NET-001", "ACME-TAG-001"]));

    const sarif = JSON.parse(fs.readFileSync(path.join(site.dir, "compliance-report.sarif"), "utf8"));
    assertValidSarif(sarif);
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: any) => r.id === "ACME-TAG-001");
    expect(rule).toMatchObject({ shortDescription: { text: "Storage account without a cost-center tag." }, properties: { area: "acme" } });
    // A custom rule is not documented in the library's docs/rules.md: no link there.
    expect(rule.helpUri).toBeUndefined();
    expect(run.results.map((r: any) => [r.ruleId, r.level, run.tool.driver.rules[r.ruleIndex].id])).toEqual([["ACME-TAG-001", "warning", "ACME-TAG-001"]]);

    const md = fs.readFileSync(path.join(site.dir, "compliance-report.md"), "utf8");
    expect(md).toContain("ACME-TAG-001");
    expect(md).toContain("azurerm_storage_account.scratch");
    expect(md).toContain(TAG_MESSAGE);
  });

  test("an error of a custom rule fails synth with its ID, resource and fix", () => {
    const failed = synthesize({ open: true });
    temp.push(failed.outdir);
    expect(failed.error?.message).toMatch(/\[ACME-NET-001\] WinRM reachable from outside the management zones: .*10\.60\.5\.0\/24.*Resource: azurerm_network_security_group\.servers-nsg.*Fix: Allow TCP 5985-5986/s);
    expect(open(failed.result)).toEqual([
      ["ACME-NET-001", "error", "fail", "azurerm_network_security_group.servers-nsg"],
      ["ACME-TAG-001", "warning", "fail", "azurerm_storage_account.scratch"],
    ]);
    expect(failed.result.findings[0].message).toBe(NET_MESSAGE);
  });

  test("a custom rule's finding is suppressed like a built-in one, with its reason in the reports", () => {
    const suppressed = synthesize({ suppress: true });
    temp.push(suppressed.outdir);
    expect(suppressed.result.findings.map((f) => [f.ruleId, f.status, f.address, f.suppressionReason])).toEqual([
      ["ACME-TAG-001", "suppressed", "azurerm_storage_account.scratch", "Scratch account of the build pipeline, deleted nightly"],
    ]);
    expect(suppressed.result.unusedSuppressions).toEqual([]);
    const json = JSON.parse(fs.readFileSync(path.join(suppressed.dir, "compliance-report.json"), "utf8"));
    expect(json.findings[0]).toMatchObject({ ruleId: "ACME-TAG-001", status: "suppressed" });
    // The suppression is written into cdk.tf.json: the command line honours it too.
    const dir = tempDir();
    temp.push(dir);
    const r = runCli(["check", suppressed.outdir, "--rules", rulesModule(dir), "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    const all = JSON.parse(r.stdout).configurations.flatMap((c: any) => c.report.findings);
    expect(all.map((f: any) => [f.ruleId, f.status, f.suppressionReason])).toEqual([["ACME-TAG-001", "suppressed", "Scratch account of the build pipeline, deleted nightly"]]);
  });

  test("the command line runs the same rules with --rules: table, JSON, SARIF and Markdown", () => {
    const dir = tempDir();
    temp.push(dir);
    const files = { json: path.join(dir, "r.json"), sarif: path.join(dir, "r.sarif"), md: path.join(dir, "r.md") };
    const r = runCli(["check", site.outdir, "--rules", rulesModule(dir), "--json", files.json, "--sarif", files.sarif, "--markdown", files.md], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0); // a warning does not fail
    expect(tableRows(r.stdout, "ACME-TAG-001")).toEqual([["ACME-TAG-001", "warning", "azurerm_storage_account.scratch", TAG_MESSAGE]]);
    expect(tableRows(r.stdout, "ACME-NET-001")).toEqual([]);

    const json = JSON.parse(fs.readFileSync(files.json, "utf8"));
    const all = json.configurations.flatMap((c: any) => c.report.findings);
    expect(all.map((f: any) => [f.ruleId, f.status, f.address])).toEqual([["ACME-TAG-001", "fail", "azurerm_storage_account.scratch"]]);
    const sarif = JSON.parse(fs.readFileSync(files.sarif, "utf8"));
    assertValidSarif(sarif);
    expect(sarif.runs[0].results.map((x: any) => x.ruleId)).toEqual(["ACME-TAG-001"]);
    expect(sarif.runs[0].tool.driver.rules.map((x: any) => x.id)).toEqual(expect.arrayContaining(["ACME-NET-001", "ACME-TAG-001"]));
    const md = fs.readFileSync(files.md, "utf8");
    expect(md).toContain("ACME-TAG-001");
    expect(md).toContain("azurerm_storage_account.scratch");
  });

  test("the command line fails on a custom rule's error (exit 1)", () => {
    const dir = tempDir();
    temp.push(dir);
    fs.writeFileSync(path.join(dir, "main.tf.json"), Testing.synth(new CustomRuleSite(Testing.app(), "x", { extraServerRules: [OFFICE_WINRM] })));
    const r = runCli(["check", "main.tf.json", "--rules", rulesModule(dir), "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const all = JSON.parse(r.stdout).configurations.flatMap((c: any) => c.report.findings);
    expect(all.map((f: any) => [f.ruleId, f.level, f.status, f.address])).toEqual([
      ["ACME-NET-001", "error", "fail", "azurerm_network_security_group.servers-nsg"],
      ["ACME-TAG-001", "warning", "fail", "azurerm_storage_account.scratch"],
    ]);
    expect(all[0].message).toBe(NET_MESSAGE);
  });
});
