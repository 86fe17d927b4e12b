import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { SecureDeploymentChecks } from "../../src";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { newStack } from "../support/fixtures";

/**
 * A resource whose body is not an object (an escape-hatch override that sets it to null or to a list
 * of numbers) cannot be read: at synth, as on the command line, it is a could-not-verify finding of
 * SDZ-INPUT-001 on its address, never dropped silently.
 */
describe("a resource body that is not an object, at synth", () => {
  function site(stackId: string) {
    const { app, stack } = newStack(stackId);
    const nsg = new NetworkSecurityGroup(stack, "nsg", { name: "nsg", location: "westeurope", resourceGroupName: "rg" });
    // Open RDP from the Internet: checked, it would fail SDZ-NET-001.
    new NetworkSecurityRule(stack, "rdp", {
      name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389",
      sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
    stack.addOverride("resource.azurerm_network_security_rule.rdp", null);
    stack.addOverride("resource.azurerm_linux_virtual_machine.vm", [1, 2]);
    return { app, stack };
  }

  const EXPECTED = [
    ["azurerm_network_security_rule.rdp", "could not verify: the resource's body is null, not an object of arguments: not read, nothing of it was checked"],
    ["azurerm_linux_virtual_machine.vm", "could not verify: the resource's body is a list without an object, not an object of arguments: not read, nothing of it was checked"],
  ];

  test("each is SDZ-INPUT-001 (could not verify, a warning) on its address, in the result and the JSON report", () => {
    const { app, stack } = site("nulled");
    const checks = new SecureDeploymentChecks();
    checks.applyToStack(stack);
    app.synth();
    const open = checks.resultFor(stack)!.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED);
    expect(open.map((f) => [f.address, f.message])).toEqual(EXPECTED);
    expect(open.map((f) => [f.ruleId, f.status, f.level, f.resourceType])).toEqual([
      ["SDZ-INPUT-001", FindingStatus.UNVERIFIED, RuleLevel.WARNING, "azurerm_network_security_rule"],
      ["SDZ-INPUT-001", FindingStatus.UNVERIFIED, RuleLevel.WARNING, "azurerm_linux_virtual_machine"],
    ]);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "nulled", "compliance-report.json"), "utf8"));
    expect(report.findings.map((f: any) => [f.ruleId, f.address])).toEqual(EXPECTED.map(([a]) => ["SDZ-INPUT-001", a]));
    expect(report.counts.unverified).toBe(2);
  });

  test("with failOnUnverified, they fail synth", () => {
    const { app, stack } = site("strict");
    new SecureDeploymentChecks({ failOnUnverified: true }).applyToStack(stack);
    expect(() => app.synth()).toThrow(/\[SDZ-INPUT-001\].*azurerm_network_security_rule\.rdp/);
  });
});
