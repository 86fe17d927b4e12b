import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { SecureDeploymentChecks } from "../../src";
import { runInProcess, tempDir } from "../cli/run-cli";

/** One app run into `outdir`: a stack `site` with an NSG rule from `source`, checked by the aspect. */
function synth(outdir: string, source: string, extra?: (stack: TerraformStack) => void): void {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "site");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const nsg = new NetworkSecurityGroup(stack, "nsg", { name: "nsg", location: "westeurope", resourceGroupName: "rg" });
  new NetworkSecurityRule(stack, "rdp", {
    name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389",
    sourceAddressPrefix: source, destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
  extra?.(stack);
  SecureDeploymentChecks.applyToApp(app, { writeDiagrams: false });
  app.synth();
}

const SAFE = "10.0.9.0/24";
const stackDir = (outdir: string) => path.join(outdir, "stacks", "site");
const report = (outdir: string) => JSON.parse(fs.readFileSync(path.join(stackDir(outdir), "compliance-report.json"), "utf8"));

describe("a failed synth leaves no artefact a later check would pass", () => {
  test("checks fail in a programmatic synth: the previous cdk.tf.json is gone, the reports say FAILED, the CLI exits 2", () => {
    const outdir = tempDir();
    synth(outdir, SAFE);
    expect(report(outdir).passed).toBe(true);
    expect(runInProcess(["check", outdir]).code).toBe(0);

    expect(() => synth(outdir, "Internet")).toThrow(/SDZ-NET-001/);
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(false);
    expect(report(outdir).passed).toBe(false);
    expect(fs.readFileSync(path.join(stackDir(outdir), "compliance-report.md"), "utf8")).toMatch(/\*\*FAILED\*\*/);
    const sarif = JSON.parse(fs.readFileSync(path.join(stackDir(outdir), "compliance-report.sarif"), "utf8"));
    expect(sarif.runs[0].results.map((r: any) => r.ruleId)).toContain("SDZ-NET-001");

    const r = runInProcess(["check", outdir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: error: ${stackDir(outdir)}: no cdk.tf.json: the last synth of this stack failed its checks (see compliance-report.json); run cdktf synth again\n`);
  });

  test("another validation fails after a passing synth: no stale cdk.tf.json or PASSED report is left", () => {
    const outdir = tempDir();
    synth(outdir, SAFE);
    const failing = (stack: TerraformStack) => new Construct(stack, "broken").node.addValidation({ validate: () => ["something else is wrong"] });
    expect(() => synth(outdir, SAFE, failing)).toThrow(/something else is wrong/);
    expect(fs.readdirSync(stackDir(outdir)).filter((f) => f === "cdk.tf.json" || f.startsWith("compliance-report"))).toEqual([]);
    const r = runInProcess(["check", outdir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no cdk.tf.json: the last synth of this stack failed or did not finish");
  });

  test("under cdktf synth (which continues past error annotations) the new, failing cdk.tf.json is written and the CLI fails it", () => {
    const outdir = tempDir();
    synth(outdir, SAFE);
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
    try {
      synth(outdir, "Internet");
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir(outdir), "cdk.tf.json"), "utf8"));
    expect(tf.resource.azurerm_network_security_rule.rdp.source_address_prefix).toBe("Internet");
    expect(report(outdir).passed).toBe(false);
    expect(runInProcess(["check", outdir]).code).toBe(1);
  });
});
