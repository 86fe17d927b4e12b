import * as fs from "fs";
import * as path from "path";
import { copyFixture, runInProcess, tableRows, tempDir } from "./run-cli";

function json(stdout: string): any {
  return JSON.parse(stdout);
}

function findingsOf(doc: any): any[] {
  return doc.configurations.flatMap((c: any) => c.report.findings);
}

/** A folder with one Terraform JSON file of NSG rules (name -> source), each in an NSG of its own (one finding each). */
function rules(dir: string, sources: Record<string, string>): string {
  const resource: Record<string, object> = {};
  const nsgs: Record<string, object> = {};
  for (const [name, source] of Object.entries(sources)) {
    nsgs[`${name}_nsg`] = { name: `${name}-nsg`, location: "westeurope", resource_group_name: "rg" };
    resource[name] = {
      name, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389",
      source_address_prefix: source, destination_address_prefix: "*", resource_group_name: "rg", network_security_group_name: `${name}-nsg`,
    };
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ resource: { azurerm_network_security_group: nsgs, azurerm_network_security_rule: resource } }));
  return dir;
}

function config(dir: string, options: object): string {
  const file = path.join(dir, "secure-deployment-zones.json");
  fs.writeFileSync(file, JSON.stringify(options, null, 2));
  return file;
}

describe("configuration file", () => {
  test("found upward from the working directory; --no-config ignores it; --config names one", () => {
    const repo = tempDir();
    const infra = rules(path.join(repo, "infra"), { rdp: "Internet" });
    config(repo, { ruleLevels: { "SDZ-NET-001": "warning" } });
    const found = runInProcess(["check", ".", "--format", "json"], { cwd: infra });
    expect(found.code).toBe(0);
    expect(findingsOf(json(found.stdout))).toEqual([expect.objectContaining({ ruleId: "SDZ-NET-001", level: "warning", status: "fail" })]);
    expect(json(found.stdout).configurations[0].report.rules.find((r: any) => r.id === "SDZ-NET-001").level).toBe("warning");

    expect(runInProcess(["check", ".", "--no-config"], { cwd: infra }).code).toBe(1);
    const other = config(tempDir(), { excludeRules: ["SDZ-NET-001"] });
    const named = runInProcess(["check", ".", "--config", other, "--format", "json"], { cwd: infra });
    expect(named.code).toBe(0);
    expect(json(named.stdout).configurations[0].report.rulesRun).not.toContain("SDZ-NET-001");
  });

  test("an invalid configuration is a usage error (exit 2) naming the file and the option", () => {
    const dir = tempDir();
    rules(dir, { rdp: "Internet" });
    const file = config(dir, { suppressions: [{ ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.rdp", reason: "accepted for the lab", expires: "next week" }] });
    const r = runInProcess(["check", "."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: configuration error: ${file}: suppressions[0].expires: must be a date YYYY-MM-DD, not "next week"\n`);
    expect(r.stdout).toBe("");
    fs.writeFileSync(file, "{ \"excludeRules\": [ }");
    expect(runInProcess(["check", "."], { cwd: dir }).stderr).toBe(`secure-deployment-zones: configuration error: ${file}: not JSON: unexpected character: expected a value (line 1 column 21)\n`);
  });

  test("onlyRules runs those rules (and the unsuppressible ones)", () => {
    const dir = tempDir();
    rules(dir, { rdp: "Internet" });
    config(dir, { onlyRules: ["SDZ-NET-002"] });
    const doc = json(runInProcess(["check", ".", "--format", "json"], { cwd: dir }).stdout);
    expect(doc.configurations[0].report.rulesRun).toContain("SDZ-NET-002");
    expect(doc.configurations[0].report.rulesRun).not.toContain("SDZ-NET-001");
  });
});

describe("suppressions by address or construct path, with expiry", () => {
  test("by address: suppressed with the reason; expired: counts again and is reported; unknown address: unused", () => {
    const dir = tempDir();
    rules(dir, { open: "Internet", old: "Internet" });
    config(dir, {
      suppressions: [
        { ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.open", reason: "lab exception until the VPN is up", expires: "2999-12-31" },
        { ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.old", reason: "temporary exception for the migration", expires: "2020-01-31" },
        { ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.gone", reason: "resource removed last year" },
      ],
    });
    const out = path.join(tempDir(), "r.md");
    const r = runInProcess(["check", ".", "--markdown", out], { cwd: dir });
    expect(r.code).toBe(1);
    expect(tableRows(r.stdout, "SDZ-NET-001").map((row) => row[2])).toEqual(["azurerm_network_security_rule.old"]);
    expect(r.stdout).toContain("  expired suppression SDZ-NET-001 on azurerm_network_security_rule.old (last day 2020-01-31): temporary exception for the migration");
    expect(r.stdout).toContain("  unused suppression SDZ-NET-001 on azurerm_network_security_rule.gone: resource removed last year");
    expect(r.stdout).toMatch(/1 suppressed .*; 1 suppression expired$/m);
    expect(fs.readFileSync(out, "utf8")).toContain("| SDZ-NET-001 | `azurerm_network_security_rule.old` | 2020-01-31 | temporary exception for the migration |");

    const doc = json(runInProcess(["check", ".", "--format", "json"], { cwd: dir }).stdout);
    const report = doc.configurations[0].report;
    expect(report.findings.map((f: any) => [f.address, f.status, f.suppressionReason])).toEqual([
      ["azurerm_network_security_rule.open", "suppressed", "lab exception until the VPN is up"],
      ["azurerm_network_security_rule.old", "fail", undefined],
    ]);
    expect(report.expiredSuppressions).toEqual([{ ruleId: "SDZ-NET-001", scope: "azurerm_network_security_rule.old", reason: "temporary exception for the migration", expires: "2020-01-31" }]);
    expect(report.unusedSuppressions).toEqual([{ ruleId: "SDZ-NET-001", scope: "azurerm_network_security_rule.gone", reason: "resource removed last year" }]);
  });

  test("by construct path on cdktf output, and a suppression recorded in cdk.tf.json with a past date no longer applies", () => {
    const out = copyFixture("cdktf-output");
    const cfg = tempDir();
    config(cfg, { suppressions: [{ ruleId: "SDZ-NET-001", constructPath: "dev", reason: "dev stack is an isolated sandbox" }] });
    const doc = json(runInProcess(["check", out, "--format", "json"], { cwd: cfg }).stdout);
    const dev = doc.configurations.find((c: any) => c.name.endsWith(path.join("stacks", "dev")));
    expect(dev.report.findings.filter((f: any) => f.ruleId === "SDZ-NET-001").map((f: any) => f.status)).toEqual(["suppressed"]);

    const file = path.join(out, "stacks", "dev", "cdk.tf.json");
    const tf = JSON.parse(fs.readFileSync(file, "utf8"));
    tf.resource.azurerm_network_security_rule.rdp["//"].secure_deployment_zones = {
      suppressions: [{ id: "SDZ-NET-001", reason: "accepted until the firewall arrives", scope: "dev/rdp", expires: "2021-06-30" }],
    };
    fs.writeFileSync(file, JSON.stringify(tf, null, 2));
    const again = json(runInProcess(["check", out, "--format", "json", "--no-config"]).stdout);
    const dev2 = again.configurations.find((c: any) => c.name.endsWith(path.join("stacks", "dev")));
    expect(dev2.report.findings.filter((f: any) => f.ruleId === "SDZ-NET-001").map((f: any) => f.status)).toEqual(["fail"]);
    expect(dev2.report.expiredSuppressions).toEqual([{ ruleId: "SDZ-NET-001", scope: "dev/rdp", reason: "accepted until the firewall arrives", expires: "2021-06-30" }]);
  });
});

describe("baseline", () => {
  test("--baseline-write records the findings; with --baseline they are known and only new ones fail", () => {
    const dir = rules(tempDir(), { a: "Internet", b: "*" });
    const baseline = path.join(tempDir(), "baseline.json");
    const written = runInProcess(["check", ".", "--baseline-write", baseline], { cwd: dir });
    expect(written.code).toBe(0); // everything found is now known
    expect(tableRows(written.stdout, "SDZ-NET-001").map((r) => [r[1], r[2]])).toEqual([
      ["error(known)", "azurerm_network_security_rule.a"], ["error(known)", "azurerm_network_security_rule.b"],
    ]);
    expect(JSON.parse(fs.readFileSync(baseline, "utf8"))).toMatchObject({ baselineVersion: 1, findings: [{ address: "azurerm_network_security_rule.a", count: 1 }, { address: "azurerm_network_security_rule.b", count: 1 }] });

    const same = runInProcess(["check", ".", "--baseline", baseline], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^PASSED: 0 errors, .* 2 known \(baseline\)/m);

    rules(dir, { a: "Internet", b: "*", c: "Internet" });
    const grown = runInProcess(["check", ".", "--baseline", baseline, "--format", "json"], { cwd: dir });
    expect(grown.code).toBe(1);
    const doc = json(grown.stdout);
    expect(findingsOf(doc).map((f: any) => [f.address, f.baselined === true])).toEqual([
      ["azurerm_network_security_rule.a", true], ["azurerm_network_security_rule.b", true], ["azurerm_network_security_rule.c", false],
    ]);
    expect(doc.counts).toMatchObject({ errors: 1, baselined: 2 });
  });

  test("SARIF marks known results unchanged and others new", () => {
    const dir = rules(tempDir(), { a: "Internet" });
    const baseline = path.join(tempDir(), "baseline.json");
    runInProcess(["check", ".", "--baseline-write", baseline], { cwd: dir });
    rules(dir, { a: "Internet", c: "Internet" });
    const sarif = path.join(tempDir(), "r.sarif");
    runInProcess(["check", ".", "--baseline", baseline, "--sarif", sarif], { cwd: dir });
    const results = JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0].results;
    expect(results.map((r: any) => [r.locations[0].logicalLocations[0].name, r.baselineState])).toEqual([
      ["azurerm_network_security_rule.a", "unchanged"], ["azurerm_network_security_rule.c", "new"],
    ]);
  });

  test("a baseline named in the configuration; a missing or malformed one is an error; no report may overwrite it", () => {
    const dir = rules(tempDir(), { a: "Internet" });
    config(dir, { baseline: "sdz-baseline.json" });
    expect(runInProcess(["check", "main.tf.json"], { cwd: dir }).stderr).toBe(`secure-deployment-zones: configuration error: ${path.join(dir, "sdz-baseline.json")}: no such file\n`);
    expect(runInProcess(["check", "main.tf.json", "--baseline-write", "sdz-baseline.json"], { cwd: dir }).code).toBe(0);
    expect(runInProcess(["check", "main.tf.json"], { cwd: dir }).code).toBe(0);
    const refused = runInProcess(["check", "main.tf.json", "--json", "sdz-baseline.json"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--json sdz-baseline.json would overwrite the file read by --baseline ${path.join(dir, "sdz-baseline.json")}`);
    const cfgRefused = runInProcess(["check", "main.tf.json", "--markdown", "secure-deployment-zones.json"], { cwd: dir });
    expect(cfgRefused.stderr).toContain("would overwrite the file read by --config");
    fs.writeFileSync(path.join(dir, "sdz-baseline.json"), "[]");
    expect(runInProcess(["check", "main.tf.json"], { cwd: dir }).stderr).toContain("sdz-baseline.json: (top level): must be a baseline object (write one with --baseline-write)");
  });
});

describe("suppressions recorded in a .tf.json file's metadata are checked as the configuration file's are", () => {
  const RDP = {
    name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389",
    source_address_prefix: "*", destination_address_prefix: "*", resource_group_name: "rg", network_security_group_name: "nsg",
  };
  const withRecorded = (suppressions: unknown): string => {
    const file = path.join(tempDir(), "main.tf.json");
    fs.writeFileSync(file, JSON.stringify({ resource: { azurerm_network_security_rule: { r: { ...RDP, "//": { secure_deployment_zones: { suppressions } } } } } }));
    return file;
  };
  const where = "azurerm_network_security_rule.r: \"//\".secure_deployment_zones.suppressions";

  test.each([
    ["a reason under 10 characters", [{ id: "SDZ-NET-001", reason: "  too short " }], `${where}[0].reason must say why the finding is acceptable, in at least 10 characters (as in the configuration file)`],
    ["no reason", [{ id: "SDZ-NET-001" }], `${where}[0].reason must say why the finding is acceptable, in at least 10 characters (as in the configuration file)`],
    ["a bad expiry date", [{ id: "SDZ-NET-001", reason: "Isolated lab, torn down nightly", expires: "2026-13-01" }], `${where}[0].expires must be a date YYYY-MM-DD`],
    ["an entry without a rule ID", [{ id: 5, reason: "Isolated lab, torn down nightly" }], `${where}[0] must be an object { id, reason, expires? } with a rule ID`],
    ["not a list", "SDZ-NET-001", `${where} must be a list of { id, reason, expires? }`],
  ])("%s: exit 2 naming the file and resource, not applied (the finding shows)", (_, suppressions, message) => {
    const file = withRecorded(suppressions);
    const r = runInProcess(["check", "--no-config", "--format", "json", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: error: ${file}: ${message}: not applied\n`);
    const findings = JSON.parse(r.stdout).configurations[0].report.findings;
    expect(findings.map((f: any) => [f.ruleId, f.status, f.address])).toEqual([["SDZ-NET-001", "unverified", "azurerm_network_security_rule.r"]]);
  });

  test("a reason of 10 characters or more applies", () => {
    const file = withRecorded([{ id: "SDZ-NET-001", reason: "Isolated lab, torn down nightly" }]);
    const r = runInProcess(["check", "--no-config", "--format", "json", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).configurations[0].report.findings.map((f: any) => [f.ruleId, f.status])).toEqual([["SDZ-NET-001", "suppressed"]]);
  });
});
