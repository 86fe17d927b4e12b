import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { FIXTURES, ROOT, runCli, tableRows, tempDir } from "./run-cli";
import { SecureDeploymentChecks, Suppressions } from "../../src";

const PLAN_SECRET = "Plan-Secret-Do-Not-Print-42!";

function json(stdout: string): any {
  return JSON.parse(stdout);
}

function findings(doc: any, ruleId: string): any[] {
  return doc.configurations.flatMap((c: any) => c.report.findings.filter((f: any) => f.ruleId === ruleId).map((f: any) => ({ ...f, configuration: c.name })));
}

describe("usage", () => {
  test("--help prints usage and exits 0", () => {
    const r = runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: secure-deployment-zones check <path>...");
    expect(r.stdout).toContain("--fail-on-unverified");
  });

  test("--version prints the package version", () => {
    const r = runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  test.each([
    [[], /missing command/],
    [["check"], /missing <path>/],
    [["check", "clean", "--format", "xml"], /--format must be one of table, json, sarif, markdown, junit, github \(optionally =FILE\), not "xml"/],
    [["check", "clean", "--bogus"], /unknown option --bogus/],
    [["check", "clean", "--json"], /--json needs a value/],
    [["lint", "clean"], /unknown command "lint"/],
  ])("usage error %j exits 2 with a message", (args, message) => {
    const r = runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("--help");
  });
});

describe("cdktf output", () => {
  test("a cdktf.out folder checks every stack; an error exits 1", () => {
    const r = runCli(["check", "cdktf-output"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${path.join("cdktf-output", "stacks", "dev")} (cdktf-stack, 2 resources)`);
    expect(r.stdout).toContain(`${path.join("cdktf-output", "stacks", "prod")} (cdktf-stack, 2 resources)`);
    const rows = tableRows(r.stdout, "SDZ-NET-001");
    expect(rows).toEqual([["SDZ-NET-001", "error", "azurerm_network_security_rule.rdp", 'rule "rdp" of NSG nsg-dev allows RDP (TCP 3389) from the Internet to hosts behind NSG nsg-dev (associated with nothing in this configuration); no public IP, load balancer or DNAT reaches it today']]);
    // the row belongs to the dev stack, which is printed first
    const devBlock = r.stdout.split(path.join("cdktf-output", "stacks", "prod"))[0];
    expect(devBlock).toContain("SDZ-NET-001");
    expect(r.stdout).toMatch(/FAILED: \d+ errors?, .* in 2 configurations \(4 resources\)/);
    expect(r.stderr).toBe(""); // no progress line for a few stacks
  });

  test("the stacks folder and a single cdk.tf.json work too", () => {
    const stacks = json(runCli(["check", path.join("cdktf-output", "stacks"), "--format", "json"]).stdout);
    expect(stacks.configurations.map((c: any) => c.kind)).toEqual(["cdktf-stack", "cdktf-stack"]);
    const one = runCli(["check", path.join("cdktf-output", "stacks", "dev", "cdk.tf.json"), "--format", "json"]);
    expect(one.code).toBe(1);
    const doc = json(one.stdout);
    expect(doc.configurations).toHaveLength(1);
    expect(doc.configurations[0]).toMatchObject({ kind: "cdktf-stack", files: [path.join("cdktf-output", "stacks", "dev", "cdk.tf.json")] });
    expect(findings(doc, "SDZ-NET-001")).toEqual([expect.objectContaining({ status: "fail", level: "error", address: "azurerm_network_security_rule.rdp" })]);
  });

  test("suppressions the library recorded in the JSON are honoured", () => {
    // Synthesize a real app with the aspect and a suppression, then check its output from the command line.
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "lab");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    const nsg = new NetworkSecurityGroup(stack, "nsg", { name: "nsg-lab", location: "westeurope", resourceGroupName: "rg" });
    const rule = new NetworkSecurityRule(stack, "rdp", {
      name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*",
      resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
    Suppressions.add(rule, [{ id: "SDZ-NET-001", reason: "Lab stack torn down nightly, never exposed" }]);
    SecureDeploymentChecks.applyToApp(app);
    app.synth();

    const r = runCli(["check", outdir, "--format", "json"]);
    const doc = json(r.stdout);
    expect(findings(doc, "SDZ-NET-001")).toEqual([
      expect.objectContaining({ status: "suppressed", address: "azurerm_network_security_rule.rdp", suppressionReason: "Lab stack torn down nightly, never exposed" }),
    ]);
    expect(doc.counts.suppressed).toBeGreaterThanOrEqual(1);
    expect(r.code).toBe(doc.counts.errors > 0 ? 1 : 0);

    // Without the recorded suppression the same stack fails.
    const file = path.join(outdir, "stacks", "lab", "cdk.tf.json");
    const tf = JSON.parse(fs.readFileSync(file, "utf8"));
    delete tf.resource.azurerm_network_security_rule.rdp["//"].secure_deployment_zones;
    fs.writeFileSync(file, JSON.stringify(tf));
    const again = runCli(["check", outdir]);
    expect(again.code).toBe(1);
    expect(tableRows(again.stdout, "SDZ-NET-001")).toHaveLength(1);
  });
});

describe("hand-written Terraform JSON", () => {
  test("the *.tf.json files of a folder are one configuration: references across files resolve", () => {
    const r = runCli(["check", "tfjson-split"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("tfjson-split [network.tf.json, rules.tf.json, variables.tf.json] (terraform-json, 2 resources)");
    // the source comes from a local defined in network.tf.json
    expect(tableRows(r.stdout, "SDZ-NET-001")).toEqual([
      ["SDZ-NET-001", "error", "azurerm_network_security_rule.rdp_admins", 'rule "rdp-admins" of NSG nsg-mgmt allows RDP (TCP 3389) from the Internet to hosts behind NSG nsg-mgmt (associated with nothing in this configuration); no public IP, load balancer or DNAT reaches it today'],
    ]);
  });

  test("files of one folder named on the command line are also checked together", () => {
    const r = runCli(["check", path.join("tfjson-split", "rules.tf.json"), path.join("tfjson-split", "network.tf.json"), "--format", "json"]);
    const doc = json(r.stdout);
    expect(doc.configurations).toHaveLength(1);
    expect(findings(doc, "SDZ-NET-001")).toEqual([expect.objectContaining({ status: "fail", source: path.join("tfjson-split", "rules.tf.json") })]);
  });

  test("one file alone cannot see the other's local: could not verify, never compliant", () => {
    const r = runCli(["check", path.join("tfjson-split", "rules.tf.json"), "--format", "json"]);
    const f = findings(json(r.stdout), "SDZ-NET-001");
    expect(f).toEqual([expect.objectContaining({ status: "unverified", level: "warning" })]);
    expect(f[0].message).toMatch(/^could not verify: .*the local admin_source is not defined/);
  });

  test("--fail-on-unverified keeps an unverifiable error at error level and exits 1", () => {
    const r = runCli(["check", path.join("tfjson-split", "rules.tf.json"), "--fail-on-unverified", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(findings(json(r.stdout), "SDZ-NET-001")).toEqual([expect.objectContaining({ status: "unverified", level: "error" })]);
  });

  test("a suppression written by hand in the library's format is honoured and counted", () => {
    const dir = tempDir();
    const r = runCli(["check", "tfjson-single", "--json", path.join(dir, "r.json")]);
    expect(tableRows(r.stdout, "SDZ-NET-001")).toEqual([]);
    expect(r.stdout).toMatch(/\b1 suppressed\b/);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8"));
    expect(findings(doc, "SDZ-NET-001")).toEqual([
      expect.objectContaining({ status: "suppressed", address: "azurerm_network_security_rule.lab_rdp", suppressionReason: "Isolated lab, torn down nightly, no production data" }),
    ]);
    expect(r.code).toBe(doc.counts.errors > 0 ? 1 : 0);
  });

  test("a configuration without findings exits 0", () => {
    const r = runCli(["check", "clean"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no findings");
    expect(r.stdout).toMatch(/^PASSED: 0 errors, 0 warnings, 0 notes, 0 could not be verified, 0 suppressed in 1 configuration \(1 resource\)$/m);
  });
});

describe("terraform show -json plan output", () => {
  test("planned values are checked; unknown values stay unverified; module addresses kept; no secret in any output", () => {
    const dir = tempDir();
    const r = runCli(["check", path.join("plan", "plan.json"), "--json", path.join(dir, "r.json"), "--markdown", path.join(dir, "r.md"), "--sarif", path.join(dir, "r.sarif")]);
    expect(r.code).toBe(1);
    const rows = tableRows(r.stdout, "SDZ-NET-001");
    expect(rows).toContainEqual(["SDZ-NET-001", "error", "azurerm_network_security_rule.rdp", 'rule "allow-rdp-internet" of NSG nsg-pxe allows RDP (TCP 3389) from the Internet to azurerm_subnet.pxe; no public IP, load balancer or DNAT reaches it today']);
    // The jump rule's source (a public IP's address, computed at apply) cannot change the outcome:
    // allow-rdp-internet, earlier, already lets every source in. One finding, on the rule that decides.
    expect(rows.filter((x) => x[2] === "azurerm_network_security_rule.jump")).toEqual([]);
    // the counted WinRM rule from the management subnet passes
    expect(rows.filter((x) => x[2].startsWith("azurerm_network_security_rule.winrm"))).toEqual([]);
    expect(rows).toHaveLength(1);

    const doc = JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8"));
    expect(doc.configurations[0]).toMatchObject({ kind: "plan", files: [path.join("plan", "plan.json")] });
    expect(doc.configurations[0].report.resourceCount).toBe(11);
    expect(doc.configurations[0].report.inventory["module.distribution_point.azurerm_network_interface.nic"]).toEqual({ "sdz-role": "pxe-distribution-point" });
    for (const text of [r.stdout, r.stderr, ...["r.json", "r.md", "r.sarif"].map((f) => fs.readFileSync(path.join(dir, f), "utf8"))]) {
      expect(text).not.toContain(PLAN_SECRET);
    }
  });

  test("a plan can be piped on standard input", () => {
    const r = runCli(["check", "-", "--format", "json"], { input: fs.readFileSync(path.join(FIXTURES, "plan", "plan.json"), "utf8") });
    expect(r.code).toBe(1);
    const doc = json(r.stdout);
    expect(doc.configurations[0]).toMatchObject({ name: "(stdin)", kind: "plan" });
    expect(findings(doc, "SDZ-NET-001").map((f) => f.address)).toContain("azurerm_network_security_rule.rdp");
  });

  test("a folder holding a plan among other JSON files checks the plan only", () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, "plan", "plan.json"), path.join(dir, "tfplan.json"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "infra", version: "1.0.0" }));
    const doc = json(runCli(["check", dir, "--format", "json"]).stdout);
    expect(doc.inputErrors).toEqual([]);
    expect(doc.configurations.map((c: any) => c.kind)).toEqual(["plan"]);
  });
});

describe("unusable input", () => {
  const BAD: [string, RegExp][] = [
    [path.join("bad", "not-json.tf.json"), /not JSON: .*\(line 4 column \d+\)$/],
    [path.join("bad", "not-terraform.json"), /not Terraform JSON: unexpected top-level key "name"/],
    [path.join("bad", "state.json"), /not a plan: this is `terraform show -json` output of a state/],
    [path.join("bad", "future-plan.json"), /unsupported plan format_version "2.0"/],
    ["missing.tf.json", /cannot read: no such file or folder$/],
  ];

  test("each bad file gets one line naming the file and the problem; exit 2", () => {
    const r = runCli(["check", ...BAD.map(([file]) => file)]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(BAD.length);
    for (const [file, problem] of BAD) {
      const mine = lines.filter((l) => l.startsWith(`secure-deployment-zones: error: ${file}: `));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatch(problem);
    }
    expect(r.stdout).toMatch(/^INCOMPLETE: .* in 0 configurations \(0 resources\); 5 inputs could not be read$/m);
  });

  test("a single bad file: exactly one error line", () => {
    const r = runCli(["check", path.join("bad", "not-terraform.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: error: ${path.join("bad", "not-terraform.json")}: not Terraform JSON: unexpected top-level key "name" (expected resource, data, variable, output, locals, module, provider or terraform blocks)\n`);
  });

  test("an empty JSON file and broken HCL get their own messages", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "empty.tf.json"), "  \n");
    fs.writeFileSync(path.join(dir, "main.tf"), 'resource "azurerm_resource_group" "rg" {\n  name = \n}\n');
    const r = runCli(["check", path.join(dir, "empty.tf.json"), path.join(dir, "main.tf")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, "empty.tf.json")}: not JSON: the file is empty`);
    expect(r.stderr).toMatch(new RegExp(`${path.join(dir, "main.tf").replace(/[/.]/g, "\\$&")}: not HCL: .* \\(line 2 column \\d+\\)`));
  });

  test("a folder without Terraform is unusable", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "README.md"), "# nothing here\n");
    fs.writeFileSync(path.join(dir, "package.json"), "{}");
    const r = runCli(["check", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`secure-deployment-zones: error: ${dir}: no Terraform found: expected a cdktf output folder (stacks/*/cdk.tf.json), Terraform files (*.tf, *.tf.json) or \`terraform show -json\` plan output (*.json)`);
  });

  test("a bad file does not hide the findings of the others, and exit 2 wins over 1", () => {
    const dir = tempDir();
    const r = runCli(["check", path.join("bad", "not-json.tf.json"), "cdktf-output", "--json", path.join(dir, "report.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join("bad", "not-json.tf.json")}: not JSON`);
    expect(tableRows(r.stdout, "SDZ-NET-001")).toEqual([["SDZ-NET-001", "error", "azurerm_network_security_rule.rdp", 'rule "rdp" of NSG nsg-dev allows RDP (TCP 3389) from the Internet to hosts behind NSG nsg-dev (associated with nothing in this configuration); no public IP, load balancer or DNAT reaches it today']]);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
    expect(doc.exitCode).toBe(2);
    expect(doc.inputErrors).toEqual([{ file: path.join("bad", "not-json.tf.json"), message: expect.stringMatching(/^not JSON/) }]);
    expect(doc.configurations).toHaveLength(2);
  });
});

describe("reports and output", () => {
  test("--json, --sarif and --markdown write the reports", () => {
    const dir = tempDir();
    const out = path.join(dir, "nested", "reports");
    const r = runCli(["check", "cdktf-output", "tfjson-split", "--json", path.join(out, "r.json"), "--sarif", path.join(out, "r.sarif"), "--markdown", path.join(out, "r.md")]);
    expect(r.code).toBe(1);

    const doc = JSON.parse(fs.readFileSync(path.join(out, "r.json"), "utf8"));
    expect(doc).toMatchObject({ cliReportVersion: 1, exitCode: 1, passed: false, inputErrors: [] });
    expect(doc.configurations.map((c: any) => c.name)).toEqual([path.join("cdktf-output", "stacks", "dev"), path.join("cdktf-output", "stacks", "prod"), "tfjson-split"]);
    expect(doc.configurations[0].report).toMatchObject({ reportVersion: 1, stack: path.join("cdktf-output", "stacks", "dev"), passed: false });

    const sarif = JSON.parse(fs.readFileSync(path.join(out, "r.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    const net = sarif.runs[0].results.filter((x: any) => x.ruleId === "SDZ-NET-001");
    // URIs are relative to the repository root (this checkout), and the resource's lines are given.
    expect(net.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri).sort()).toEqual([
      "test/cli/fixtures/cdktf-output/stacks/dev/cdk.tf.json",
      "test/cli/fixtures/tfjson-split/rules.tf.json", // a merged folder points at the file that holds the resource
    ]);
    expect(net.every((x: any) => x.locations[0].physicalLocation.artifactLocation.uriBaseId === "%SRCROOT%")).toBe(true);
    expect(net.every((x: any) => x.locations[0].physicalLocation.region.startLine > 1)).toBe(true);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(true);

    const md = fs.readFileSync(path.join(out, "r.md"), "utf8");
    expect(md).toMatch(/^# secure-deployment-zones check\n\n\*\*FAILED: /);
    expect(md).toContain(`## Compliance report: ${path.join("cdktf-output", "stacks", "dev")}`);
    expect(md).toMatch(/^\|.*SDZ-NET-001.*`azurerm_network_security_rule\.rdp`.*\|$/m);
  });

  test("SARIF records unreadable inputs as tool notifications", () => {
    const dir = tempDir();
    runCli(["check", path.join("bad", "state.json"), "clean", "--sarif", path.join(dir, "r.sarif")]);
    const inv = JSON.parse(fs.readFileSync(path.join(dir, "r.sarif"), "utf8")).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications[0].message.text).toMatch(/^bad\/state\.json: not a plan/);
  });

  test("many stacks print a progress line on stderr, --quiet prints only the summary", () => {
    const dir = path.join(tempDir(), "cdktf.out");
    const source = fs.readFileSync(path.join(FIXTURES, "cdktf-output", "stacks", "prod", "cdk.tf.json"));
    for (let i = 0; i < 12; i++) {
      fs.mkdirSync(path.join(dir, "stacks", `site${i}`), { recursive: true });
      fs.writeFileSync(path.join(dir, "stacks", `site${i}`, "cdk.tf.json"), source);
    }
    const r = runCli(["check", dir]);
    expect(r.stderr).toContain("checking 12 configurations...");
    expect(r.stdout).toContain("in 12 configurations (24 resources)");

    const quiet = runCli(["check", dir, "--quiet"]);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout.trim().split("\n")).toHaveLength(1);
    expect(quiet.stdout).toMatch(/^(PASSED|FAILED): .* in 12 configurations/);
    expect(quiet.code).toBe(r.code);
  });

  test("the command line does not load the provider bindings", () => {
    const script = ["main.ts", "check.ts"].map((f) => `require(${JSON.stringify(path.join(ROOT, "src", "cli", f))});`).join("")
      + "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('provider-azurerm'))));";
    const r = spawnSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), "-e", script], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
