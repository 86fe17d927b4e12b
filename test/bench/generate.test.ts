import { Testing } from "cdktf";
import { buildBenchStack } from "../../bench/generate";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { ALL_RULES } from "../../src/rules";

// Not a timed test: it keeps the benchmark's generator honest (shape and a clean check).
describe("benchmark generator", () => {
  test("builds about ten resources per zone, and the library's zones pass every rule", () => {
    const stack = buildBenchStack(Testing.app(), 6);
    const json = JSON.parse(Testing.synth(stack));
    const count = (t: string) => Object.keys(json.resource[t] ?? {}).length;
    expect(count("azurerm_subnet")).toBe(6);
    expect(count("azurerm_network_security_group")).toBe(6);
    // deny-all + four allows per zone, plus any default rule the zone adds
    expect(count("azurerm_network_security_rule")).toBeGreaterThanOrEqual(6 * 5);
    expect(count("azurerm_network_interface")).toBe(6);
    expect(count("azurerm_linux_virtual_machine")).toBe(6);
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => f.level === "error")).toEqual([]);
  });
});
