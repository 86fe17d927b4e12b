/**
 * `security_rule = "${local.rules}"` (cdktf's output for a TerraformLocal, or hand-written) whose
 * local holds a literal list of rule blocks: the model reads the blocks, at synth as in the CLI.
 */
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { TerraformLocal, Token } from "cdktf";
import { TerraformModel } from "../../src/engine/model";
import { checkFixture, failures, unverified } from "../support/fixtures";

const RDP = {
  name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*",
  destination_port_range: "3389", source_address_prefix: "*", destination_address_prefix: "*",
};

function model(nsg: Record<string, unknown>, locals: Record<string, unknown>): TerraformModel {
  return TerraformModel.fromTerraformJson({ resource: { azurerm_network_security_group: { app: { name: "app-nsg", resource_group_name: "rg", ...nsg } } }, locals }, { name: "raw" });
}
const rulesOf = (m: TerraformModel) => m.byAddress("azurerm_network_security_group.app")!.config.security_rule;

describe("TerraformModel: block lists written as a local", () => {
  test("at synth: a TerraformLocal holding the rules is read (RDP from the Internet fails), not 'evaluated at plan time'", () => {
    const result = checkFixture((scope) => {
      const rules = new TerraformLocal(scope, "rules", [RDP]);
      new NetworkSecurityGroup(scope, "app", { name: "app-nsg", location: "westeurope", resourceGroupName: "rg", securityRule: Token.asAny(rules.expression) });
    });
    expect(failures(result, "SDZ-NET-001").map((f) => f.address)).toEqual(["azurerm_network_security_group.app"]);
    expect(unverified(result, "SDZ-NET-001").map((f) => f.address)).toEqual([]);
  });

  test("both forms of the reference, and route tables' route", () => {
    const route = { name: "out", address_prefix: "0.0.0.0/0", next_hop_type: "Internet" };
    const m = TerraformModel.fromTerraformJson({
      locals: { "rules": [RDP], "module.a.routes": [route] },
      resource: {
        azurerm_network_security_group: { app: { name: "app-nsg", security_rule: "${ local.rules }" } },
        azurerm_route_table: { rt: { name: "rt", route: '${local["module.a.routes"]}' } },
      },
    });
    expect(rulesOf(m)).toEqual([RDP]);
    expect(m.byAddress("azurerm_route_table.rt")!.config.route).toEqual([route]);
  });

  test("a local that is a whole reference to another local is followed", () => {
    expect(rulesOf(model({ security_rule: "${local.a}" }, { a: "${local.b}", b: "${local.c}", c: [RDP] }))).toEqual([RDP]);
  });

  test("anything else stays an expression (a cycle, a chain past the depth limit, an undefined local, a list of anything but blocks, an expression)", () => {
    const chain = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`l${i}`, i === 11 ? [RDP] : `\${local.l${i + 1}}`]));
    const cases: [Record<string, unknown>, string][] = [
      [{ a: "${local.b}", b: "${local.a}" }, "${local.a}"],
      [chain, "${local.l0}"],
      [{ other: [RDP] }, "${local.rules}"],
      [{ rules: [RDP, "${local.extra}"] }, "${local.rules}"],
      [{ rules: "${concat(local.a, local.b)}" }, "${local.rules}"],
      [{ rules: { name: "not-a-list" } }, "${local.rules}"],
    ];
    for (const [locals, written] of cases) expect(rulesOf(model({ security_rule: written }, locals))).toBe(written);
  });

  test("the resources given are not changed; other attributes keep their reference; without locals nothing is copied", () => {
    const config = { name: "app-nsg", security_rule: "${local.rules}", tags: "${local.tags}" };
    const given = [{ type: "azurerm_network_security_group", name: "app", address: "azurerm_network_security_group.app", config, suppressions: [] }];
    const m = TerraformModel.fromResources(given, "t", { rules: [RDP], tags: { a: "b" } });
    expect(config.security_rule).toBe("${local.rules}");
    expect(m.resources[0].config).toEqual({ name: "app-nsg", security_rule: [RDP], tags: "${local.tags}" });
    const plain = TerraformModel.fromResources(given, "t");
    expect(plain.resources).toBe(given);
  });
});
