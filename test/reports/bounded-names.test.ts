import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { SecureDeploymentChecks } from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { redactSecrets } from "../../src/policy/redact";
import { KEPT } from "../../src/reports/bounded-text";
import { buildZoneFlowGraph, unplacedNoteLines } from "../../src/reports/diagram/zone-flow-graph";
import { ALL_RULES } from "../../src/rules";
import { newStack, synthJson } from "../support/fixtures";

/**
 * The synth path (the aspect) writes its reports, diagram and annotations from the same bounded
 * result as the command line: a name of 100 kB is quoted cut, not whole, wherever it appears.
 */
describe("reports written at synth quote long names cut", () => {
  /** A zone subnet whose NSG lets RDP in from the Internet through a standalone rule; `long` names the rule (construct and Azure name) and the subnet. */
  function synth(stackId: string, long: string) {
    const { app, stack } = newStack(stackId);
    const nsg = new NetworkSecurityGroup(stack, "nsg", { name: "nsg", location: "westeurope", resourceGroupName: "rg" });
    const subnet = new Subnet(stack, "subnet", { name: long, resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.1.0.0/24"] });
    new SubnetNetworkSecurityGroupAssociation(stack, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const rule = new NetworkSecurityRule(stack, long, {
      name: long, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389",
      sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
    const checks = new SecureDeploymentChecks();
    checks.applyToStack(stack);
    let error = "";
    try {
      app.synth();
    } catch (e) {
      error = String(e);
    }
    const dir = path.join(app.outdir, "stacks", stackId);
    const sizes = Object.fromEntries(fs.readdirSync(dir).filter((f) => f !== "cdk.tf.json").map((f) => [f, fs.statSync(path.join(dir, f)).size]));
    return { stack, rule, dir, sizes, error, result: checks.resultFor(stack)! };
  }

  test("a construct, rule and subnet named with 100 kB: every report and the synth error stay about as small as with short names", () => {
    const long = "n".repeat(100_000);
    const short = synth("short", "n".repeat(10));
    const big = synth("big", long);

    // The finding is kept, on the address cdktf gave the resource (addresses are never cut).
    const open = big.result.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED);
    expect(open.map((f) => [f.ruleId, f.address])).toEqual([["SDZ-NET-001", `azurerm_network_security_rule.${big.rule.friendlyUniqueId}`]]);
    expect(open[0].message).toContain(`rule "${"n".repeat(KEPT - 1)}...(100,002 characters, cut)`);
    expect(open[0].constructPath).toBe(`big/${"n".repeat(KEPT - 4)}...(100,004 characters, cut)`);

    // Reports and diagram: within a few kB of the short-named stack's (they were 200-700 kB larger).
    expect(Object.keys(big.sizes).sort()).toEqual(Object.keys(short.sizes).sort());
    for (const [file, size] of Object.entries(big.sizes)) expect([file, size - short.sizes[file] < 4_000]).toEqual([file, true]);
    const json = JSON.parse(fs.readFileSync(path.join(big.dir, "compliance-report.json"), "utf8"));
    expect(json.findings.map((f: any) => f.address)).toEqual([open[0].address]);
    expect(fs.readFileSync(path.join(big.dir, "zone-flows.mmd"), "utf8")).toContain(`${"n".repeat(KEPT)}...(100,000 characters, cut)`);

    // The error synth fails with quotes the names cut too (was 300 kB), and is still attached to the rule's construct:
    // only the construct's path that cdktf itself writes before each annotation is whole.
    expect(big.error).toContain(`[big/${long}] [SDZ-NET-001]`);
    expect(big.error.replace(`[big/${long}]`, "").length).toBeLessThan(short.error.length + 2_000);
    expect(big.rule.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data).slice(0, 13))).toEqual(["[SDZ-NET-001]"]);
  });

  test("the step every output passes (redactSecrets) cuts messages, never addresses; the diagram still marks the inline rule a cut message names", () => {
    const long = "r".repeat(5_000);
    const { stack } = newStack("inline");
    const allow = (name: string, priority: number, port: string, source: string) => ({
      name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: source, destinationAddressPrefix: "*",
    });
    const nsg = new NetworkSecurityGroup(stack, "web_nsg", {
      name: "web-nsg", location: "westeurope", resourceGroupName: "rg",
      securityRule: [allow(long, 100, "3389", "Internet"), allow(`${long}-b`, 110, "443", "10.9.0.0/24")],
    });
    const subnet = new Subnet(stack, "web_subnet", { name: "web", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.2.0.0/24"] });
    new SubnetNetworkSecurityGroupAssociation(stack, "web_assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const model = TerraformModel.fromTerraformJson(synthJson(stack), { name: "inline" });
    const result = redactSecrets(runRules(model, ALL_RULES.filter((r) => r.id === "SDZ-NET-001")), model);
    expect(result.findings.map((f) => [f.ruleId, f.address])).toEqual([["SDZ-NET-001", "azurerm_network_security_group.web_nsg"]]);
    expect(result.findings[0].message).toContain(`rule "${"r".repeat(KEPT - 1)}...(5,002 characters, cut) of NSG web-nsg`);
    const graph = buildZoneFlowGraph(model, result.findings);
    expect(graph.edges.filter((e) => e.marks.length > 0).map((e) => e.lines)).toEqual([["TCP 3389"]]);
  });

  test("the diagram's note of findings placed on no flow or zone cuts a long address like any label (it was written whole)", () => {
    const address = `azurerm_key_vault_secret.${"a".repeat(5_000)}`;
    const lines = unplacedNoteLines([{ ruleId: "SDZ-SEC-002", level: RuleLevel.ERROR, unverified: false, address }]);
    expect(lines).toEqual(["Findings on no flow or zone", `✖ SDZ-SEC-002 ${address.slice(0, KEPT)}...(5,025 characters, cut)`]);
  });
});
