import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { TerraformVariable } from "cdktf";
import { rawNsg, rawSubnet } from "./nsg-builders";
import { subnetWithoutNsg } from "../../../src/rules/network/subnet-without-nsg";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [subnetWithoutNsg];
const ID = "SDZ-NET-002";

describe("SDZ-NET-002 subnet without an NSG", () => {
  test("a standalone subnet with no association fails, naming the subnet", () => {
    const r = checkFixture((s) => { rawSubnet(s, "app", "10.0.1.0/24"); }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_subnet.app");
    expect(f[0].message).toMatch(/subnet "app" has no network security group/);
    expect(f[0].message).toMatch(/peered VNet/);
  });

  test("a standalone subnet associated with an NSG passes", () => {
    const r = checkFixture((s) => { rawSubnet(s, "app", "10.0.1.0/24", rawNsg(s, "inline", [])); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("inline subnets of azurerm_virtual_network: without security_group fails, with one passes", () => {
    const r = checkFixture((s) => {
      const nsg = rawNsg(s, "inline", []);
      new VirtualNetwork(s, "vnet", {
        name: "vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"],
        subnet: [
          { name: "protected", addressPrefixes: ["10.0.1.0/24"], securityGroup: nsg.id },
          { name: "open", addressPrefixes: ["10.0.2.0/24"] },
          { name: "by-id", addressPrefixes: ["10.0.3.0/24"], securityGroup: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/shared" },
        ],
      });
    }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_virtual_network.vnet");
    expect(f[0].message).toContain('inline subnet "open"');
  });

  test.each([["GatewaySubnet"], ["AzureFirewallSubnet"], ["AzureFirewallManagementSubnet"], ["RouteServerSubnet"]])("%s is exempt", (name) => {
    const r = checkFixture((s) => { rawSubnet(s, "svc", "10.0.0.0/26", undefined, name); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("AzureBastionSubnet is not exempt", () => {
    const r = checkFixture((s) => { rawSubnet(s, "bastion", "10.0.0.0/26", undefined, "AzureBastionSubnet"); }, RULES);
    expect(failures(r, ID)).toHaveLength(1);
  });

  test("a subnet delegated to Dedicated HSM is exempt", () => {
    const r = checkFixture((s) => {
      new Subnet(s, "hsm", {
        name: "hsm", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.4.0/24"],
        delegation: [{ name: "hsm", serviceDelegation: { name: "Microsoft.HardwareSecurityModules/dedicatedHSMs" } }],
      });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("an association whose subnet_id is a variable makes NSG-less subnets unverified, never failed nor passed", () => {
    const r = checkFixture((s) => {
      rawSubnet(s, "app", "10.0.1.0/24");
      const nsg = rawNsg(s, "inline", []);
      const sid = new TerraformVariable(s, "subnet_id", { type: "string" });
      new SubnetNetworkSecurityGroupAssociation(s, "assoc", { subnetId: sid.stringValue, networkSecurityGroupId: nsg.id });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    const u = unverified(r, ID);
    expect(u).toHaveLength(1);
    expect(u[0].address).toBe("azurerm_subnet.app");
    expect(u[0].message).toMatch(/^could not verify: .*azurerm_subnet_network_security_group_association\.assoc.*not known before apply/);
  });

  test("an association whose NSG is a variable still gives the subnet an NSG", () => {
    const r = checkFixture((s) => {
      const subnet = rawSubnet(s, "app", "10.0.1.0/24");
      const nid = new TerraformVariable(s, "nsg_id", { type: "string" });
      new SubnetNetworkSecurityGroupAssociation(s, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nid.stringValue });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a subnet whose name is a variable is unverified (the exemption cannot be decided)", () => {
    const r = checkFixture((s) => {
      const n = new TerraformVariable(s, "subnet_name", { type: "string" });
      new Subnet(s, "x", { name: n.stringValue, resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.5.0/24"] });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)).toHaveLength(1);
  });

  test("an inline subnet whose security_group is a variable is unverified", () => {
    const r = checkFixture((s) => {
      const sg = new TerraformVariable(s, "sg", { type: "string" });
      new VirtualNetwork(s, "vnet", {
        name: "vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"],
        subnet: [{ name: "a", addressPrefixes: ["10.0.1.0/24"], securityGroup: sg.stringValue }],
      });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/security_group is not known before apply/);
  });
});
