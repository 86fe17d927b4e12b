import { Testing } from "cdktf";
import { buildBenchStack } from "../../bench/generate";
import { bigNsgJson, FINDING_EVERY } from "../../bench/stack";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { RuleLevel } from "../../src/engine/rule";
import { ALL_RULES } from "../../src/rules";

// Not timed: keeps the benchmark's apps honest (the checked runs must have findings to report).
describe("benchmark apps with findings", () => {
  test("every tenth zone's hand-written RDP-from-Internet rule, and nothing else, is an error", () => {
    const json = JSON.parse(Testing.synth(buildBenchStack(Testing.app(), 2 * FINDING_EVERY, { findings: true })));
    const rdp = Object.entries<any>(json.resource.azurerm_network_security_rule)
      .filter(([, r]) => r.name === "rdp-from-internet")
      .map(([name]) => `azurerm_network_security_rule.${name}`);
    expect(rdp).toHaveLength(2);
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    const errors = new Set(result.findings.filter((f) => f.level === RuleLevel.ERROR).map((f) => f.address));
    expect([...errors].sort()).toEqual(rdp.sort());
  });

  test("the big NSG has the asked number of rules, every tenth one opening RDP to the Internet", () => {
    const json = bigNsgJson(100) as { resource: Record<string, Record<string, any>> };
    const rules = Object.values(json.resource.azurerm_network_security_rule);
    expect(rules).toHaveLength(100);
    expect(rules.filter((r) => r.source_address_prefix === "Internet" && r.destination_port_range === "3389")).toHaveLength(10);
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.some((f) => f.level === RuleLevel.ERROR && f.address.startsWith("azurerm_network_security_rule.r"))).toBe(true);
  });
});
