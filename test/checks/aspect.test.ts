import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { SecureDeploymentChecks, Suppressions } from "../../src";
import { newStack } from "../support/fixtures";

function openRdp(scope: any, id = "rdp") {
  const nsg = new NetworkSecurityGroup(scope, `${id}-nsg`, { name: `${id}-nsg`, location: "westeurope", resourceGroupName: "rg" });
  return new NetworkSecurityRule(scope, id, {
    name: id, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
    sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*",
    resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
}

describe("SecureDeploymentChecks aspect", () => {
  test("an error finding fails fullSynth with [RULE-ID], resource and fix", () => {
    const { stack } = newStack();
    openRdp(stack);
    new SecureDeploymentChecks().applyToStack(stack);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[SDZ-NET-001\].*azurerm_network_security_rule\.rdp.*Fix:/s);
  });

  test("synth output: one line per finding without a stack trace, and a closing summary naming the reports, pass or fail", () => {
    const annotations = (stack: TerraformStack) => stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.type).startsWith("@cdktf/")).map((m) => ({ path: c.node.path, ...m })));
    const { stack } = newStack("failing");
    openRdp(stack);
    new SecureDeploymentChecks().applyToStack(stack);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[SDZ-NET-001\]/);
    const failing = annotations(stack);
    expect(failing.filter((a) => a.type === "@cdktf/error").map((a) => String(a.data).slice(0, 13))).toEqual(["[SDZ-NET-001]"]);
    for (const a of failing) expect(a.trace).toBeUndefined();
    const summary = failing.filter((a) => String(a.data).startsWith("[secure-deployment-zones]"));
    expect(summary.map((a) => [a.type, a.path])).toEqual([["@cdktf/info", "failing"]]);
    expect(String(summary[0].data)).toMatch(/^\[secure-deployment-zones\] failing: FAILED: 1 error\(s\), .* Reports: .*stacks\/failing$/);

    const { stack: passing } = newStack("passing");
    new SecureDeploymentChecks({ writeReports: false }).applyToStack(passing);
    Testing.fullSynth(passing);
    expect(annotations(passing).map((a) => String(a.data))).toEqual([expect.stringMatching(/^\[secure-deployment-zones\] passing: PASSED: 0 error\(s\), 0 warning\(s\)/)]);
  });

  test("applyToApp checks stacks added after the call and writes the three reports", () => {
    const { app } = newStack("first");
    const checks = SecureDeploymentChecks.applyToApp(app);
    const { stack: late } = newStack("unused");
    void late;
    const outdir = app.outdir;
    // a stack created after applyToApp, in the same app
    const second = new TerraformStack(app, "second");
    new AzurermProvider(second, "azurerm", { features: [{}] });
    const rule = openRdp(second);
    Suppressions.add(rule, [{ id: "SDZ-NET-001", reason: "Lab stack torn down nightly, never exposed" }]);
    app.synth();
    const dir = path.join(outdir, "stacks", "second");
    const report = JSON.parse(fs.readFileSync(path.join(dir, "compliance-report.json"), "utf8"));
    expect(report.counts.suppressed).toBe(1);
    expect(report.findings[0]).toMatchObject({ ruleId: "SDZ-NET-001", status: "suppressed", suppressionReason: "Lab stack torn down nightly, never exposed" });
    expect(fs.existsSync(path.join(dir, "compliance-report.sarif"))).toBe(true);
    expect(fs.readFileSync(path.join(dir, "compliance-report.md"), "utf8")).toContain("PASSED");
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    expect(tf.resource.azurerm_network_security_rule.rdp["//"].secure_deployment_zones.suppressions[0].id).toBe("SDZ-NET-001");
    expect(checks.resultFor(second)?.counts.errors).toBe(0);
  });
});
