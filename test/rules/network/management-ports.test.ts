import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { TerraformVariable } from "cdktf";
import { managementPortsFromInternet } from "../../../src/rules/network/management-ports";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [managementPortsFromInternet];

function nsgWithRule(source: string | { var: true }, port: string, access = "Allow") {
  return checkFixture((s) => {
    const nsg = new NetworkSecurityGroup(s, "nsg", { name: "app-nsg", location: "westeurope", resourceGroupName: "rg" });
    const src = typeof source === "string" ? source : new TerraformVariable(s, "src", { type: "string" }).stringValue;
    new NetworkSecurityRule(s, "rdp", {
      name: "rdp", priority: 100, direction: "Inbound", access, protocol: "Tcp",
      sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: src, destinationAddressPrefix: "*",
      resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
  }, RULES);
}

describe("SDZ-NET-001 management ports from any/Internet", () => {
  test.each([["*"], ["Internet"], ["0.0.0.0/0"]])("RDP from %s fails", (src) => {
    const f = failures(nsgWithRule(src, "3389"), "SDZ-NET-001");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_network_security_rule.rdp");
    expect(f[0].message).toContain("RDP");
  });

  test("a range that includes SMB fails", () => {
    expect(failures(nsgWithRule("*", "400-500"), "SDZ-NET-001")[0].message).toContain("SMB");
  });

  test("RDP from a management subnet passes", () => {
    expect(nsgWithRule("10.0.9.0/24", "3389").findings).toHaveLength(0);
  });

  test("a deny rule passes", () => {
    expect(nsgWithRule("*", "3389", "Deny").findings).toHaveLength(0);
  });

  test("a source from a variable is reported as unverified, never as compliant", () => {
    const r = nsgWithRule({ var: true }, "3389");
    expect(failures(r, "SDZ-NET-001")).toHaveLength(0);
    expect(unverified(r, "SDZ-NET-001").length).toBeGreaterThan(0);
    expect(unverified(r, "SDZ-NET-001")[0].message).toMatch(/could not verify/);
  });
});
