import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { RuleLevel, SecureDeploymentChecks, Suppressions } from "../../src";
import { SecureDeploymentChecksProps } from "../../src/checks/aspect";
import { runInProcess, tempDir } from "../cli/run-cli";

function openRdp(scope: Construct, id: string) {
  const nsg = new NetworkSecurityGroup(scope, `${id}-nsg`, { name: `${id}-nsg`, location: "westeurope", resourceGroupName: "rg" });
  return new NetworkSecurityRule(scope, id, {
    name: id, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389",
    sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
}

function annotations(root: IConstruct, type: string): string[] {
  return root.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data)));
}

/** Synthesizes a stack `site` with RDP open on `lab/rdp` and `prod/rdp`; returns what happened. */
function synth(props: SecureDeploymentChecksProps, extra?: (stack: TerraformStack) => void) {
  const outdir = tempDir();
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "site");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const lab = new Construct(stack, "lab");
  openRdp(lab, "rdp");
  const prod = new Construct(stack, "prod");
  openRdp(prod, "rdp");
  extra?.(stack);
  const checks = SecureDeploymentChecks.applyToApp(app, { writeDiagrams: false, ...props });
  let error = "";
  try {
    app.synth();
  } catch (err) {
    error = (err as Error).message;
  }
  const dir = path.join(outdir, "stacks", "site");
  const report = fs.existsSync(path.join(dir, "compliance-report.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "compliance-report.json"), "utf8")) : undefined;
  return { outdir, stack, error, report, result: checks.resultFor(stack)! };
}

/** [construct path, level] of the open SDZ-NET-001 findings. */
const open = (result: any) => result.findings.filter((f: any) => f.status !== "suppressed" && f.ruleId === "SDZ-NET-001").map((f: any) => [f.constructPath, f.level]);

describe("the aspect takes the configuration file's options as props", () => {
  test("suppressions by construct path and by address, recorded in cdk.tf.json so the CLI agrees", () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true"; // write cdk.tf.json despite the error, as cdktf synth does
    let run: ReturnType<typeof synth>;
    try {
      run = synth({
        suppressions: [
          { ruleId: "SDZ-NET-001", constructPath: "site/lab", reason: "lab segment behind the jump host" },
          { ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.nothing_here", reason: "left from a removed resource" },
        ],
      });
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
    expect(open(run.result)).toEqual([["site/prod/rdp", "error"]]);
    expect(run.result.unusedSuppressions).toEqual([{ ruleId: "SDZ-NET-001", scope: "azurerm_network_security_rule.nothing_here", reason: "left from a removed resource" }]);
    // The suppression is recorded in cdk.tf.json: the command line applies it without any configuration.
    const doc = JSON.parse(runInProcess(["check", run.outdir, "--format", "json", "--no-config"]).stdout);
    const findings = doc.configurations[0].report.findings.filter((f: any) => f.ruleId === "SDZ-NET-001");
    expect(findings.map((f: any) => [f.constructPath, f.status])).toEqual([["site/lab/rdp", "suppressed"], ["site/prod/rdp", "fail"]]);
  });

  test("ruleLevels, onlyRules and failOnUnverified come from the props; invalid props name the prop", () => {
    const lowered = synth({ ruleLevels: { "SDZ-NET-001": RuleLevel.WARNING } });
    expect(lowered.error).toBe("");
    expect(open(lowered.result).map((x: any) => x[1])).toEqual(["warning", "warning"]);
    const only = synth({ onlyRules: ["SDZ-NET-002"] });
    expect(only.result.rules.map((r) => r.id)).not.toContain("SDZ-NET-001");
    expect(() => new SecureDeploymentChecks({ suppressions: [{ ruleId: "SDZ-NET-001", address: "a.b", reason: "too short" }] }))
      .toThrow("Invalid SecureDeploymentChecksProps.suppressions[0].reason: must say why the finding is acceptable, in at least 10 characters (found \"too short\")");
    expect(() => new SecureDeploymentChecks({ ruleLevels: { "SDZ-NET-001": "loud" as RuleLevel } }))
      .toThrow("Invalid SecureDeploymentChecksProps.ruleLevels.SDZ-NET-001: must be \"error\", \"warning\" or \"info\", not \"loud\"");
    expect(() => new SecureDeploymentChecks({ configFile: path.join(tempDir(), "missing.json") })).toThrow(/^Invalid SecureDeploymentChecksProps\.configFile: .*missing\.json: no such file$/);
  });

  test("configFile: the same file the command line reads", () => {
    const dir = tempDir();
    const file = path.join(dir, "secure-deployment-zones.json");
    fs.writeFileSync(file, JSON.stringify({ suppressions: [{ ruleId: "SDZ-NET-001", constructPath: "site", reason: "whole site is a disposable lab" }] }));
    const { result, error, report } = synth({ configFile: file });
    expect(error).toBe("");
    expect(open(result)).toEqual([]);
    expect(report.counts.suppressed).toBe(2);
  });

  test("an expired suppression (Suppressions.add or props) stops suppressing, is annotated and reported", () => {
    const { stack, result, error, report } = synth({
      suppressions: [{ ruleId: "SDZ-NET-001", constructPath: "site/prod", reason: "until the firewall migration", expires: "2022-01-31" }],
    }, (s) => Suppressions.add(s.node.findChild("lab"), [{ id: "SDZ-NET-001", reason: "lab exception for the pilot", expires: "2021-12-31" }]));
    expect(error).toMatch(/SDZ-NET-001/);
    expect(open(result)).toHaveLength(2);
    expect(report.expiredSuppressions).toEqual([
      { ruleId: "SDZ-NET-001", scope: "site/prod", reason: "until the firewall migration", expires: "2022-01-31" },
      { ruleId: "SDZ-NET-001", scope: "site/lab", reason: "lab exception for the pilot", expires: "2021-12-31" },
    ]);
    expect(annotations(stack, "@cdktf/warn").filter((a) => a.includes("expired")).sort()).toEqual([
      "[SDZ-NET-001] suppression on site/lab expired on 2021-12-31 (reason: lab exception for the pilot): it no longer suppresses. Fix the finding, or renew the suppression with a later date.",
      "[SDZ-NET-001] suppression on site/prod expired on 2022-01-31 (reason: until the firewall migration): it no longer suppresses. Fix the finding, or renew the suppression with a later date.",
    ]);
    expect(() => Suppressions.add(stack, [{ id: "SDZ-NET-001", reason: "a proper reason here", expires: "soon" }])).toThrow("Invalid suppressions[0].expires: \"soon\". Allowed: a date YYYY-MM-DD");
  });

  test("a baseline written by the CLI: known findings are warnings at synth, a new one fails", () => {
    // Baseline the lab's finding from the synthesized output.
    const first = synth({ ruleLevels: { "SDZ-NET-001": RuleLevel.WARNING } });
    const baseline = path.join(tempDir(), "baseline.json");
    const cdkOut = first.outdir;
    expect(runInProcess(["check", cdkOut, "--baseline-write", baseline, "--no-config"]).code).toBe(0);
    const known = synth({ baselineFile: baseline });
    expect(known.error).toBe("");
    expect(known.report.counts).toMatchObject({ errors: 0, baselined: 2 });
    expect(annotations(known.stack, "@cdktf/warn").filter((a) => a.startsWith("(known: in the baseline) [SDZ-NET-001]"))).toHaveLength(2);
    const grown = synth({ baselineFile: baseline }, (s) => openRdp(new Construct(s, "new"), "rdp"));
    expect(grown.error).toMatch(/\[SDZ-NET-001\].*new\/rdp/s);
    expect(grown.report.counts).toMatchObject({ errors: 1, baselined: 2 });
  });
});
