import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { REF_PACK } from "../../../src/rules/ref";
import { referenceCaptureLocation, referenceInboundIsolation, referenceOutboundIsolation, referencePatching } from "../../../src/rules/ref/reference";
import { checkFixture, failures, unverified } from "../../support/fixtures";

interface RefOptions {
  /** Inbound allow source (RDP); `var` for a variable. */
  inboundSource?: string;
  denyAllInbound?: boolean;
  denyAllOutbound?: boolean;
  /** Outbound allow destinations (TCP 443). */
  outbound?: string[];
  patchMode?: string | "var";
  automaticUpdates?: boolean;
  captureEncryption?: string;
  noNsg?: boolean;
}

type Rule = import("../../../src/engine/rule").Rule;

/** A reference computer written by hand, with a management zone, from raw azurerm resources. */
function rawRef(rules: readonly Rule[], o: RefOptions = {}) {
  return checkFixture((s: Construct) => {
    const vnet = new VirtualNetwork(s, "vnet", { name: "osd-vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
    const mgmtSubnet = new Subnet(s, "mgmt", { name: "mgmt", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.9.0/24"] });
    const mgmtNsg = new NetworkSecurityGroup(s, "mgmtnsg", { name: "mgmt-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "mgmt", "sdz-trust": "MANAGEMENT" } });
    new SubnetNetworkSecurityGroupAssociation(s, "mgmtassoc", { subnetId: mgmtSubnet.id, networkSecurityGroupId: mgmtNsg.id });
    const appSubnet = new Subnet(s, "app", { name: "app", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.3.0/24"] });
    const appNsg = new NetworkSecurityGroup(s, "appnsg", { name: "app-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "app", "sdz-trust": "INTERNAL" } });
    new SubnetNetworkSecurityGroupAssociation(s, "appassoc", { subnetId: appSubnet.id, networkSecurityGroupId: appNsg.id });

    const subnet = new Subnet(s, "ref", { name: "reference", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.5.0/24"] });
    if (!o.noNsg) {
      const nsg = new NetworkSecurityGroup(s, "refnsg", { name: "ref-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "reference", "sdz-trust": "INTERNAL" } });
      new SubnetNetworkSecurityGroupAssociation(s, "refassoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
      const rule = (id: string, props: { direction: string; access: string; priority: number; protocol: string; port: string; src: string; dst: string }) =>
        new NetworkSecurityRule(s, id, {
          name: id, priority: props.priority, direction: props.direction, access: props.access, protocol: props.protocol,
          sourcePortRange: "*", destinationPortRange: props.port, sourceAddressPrefix: props.src, destinationAddressPrefix: props.dst,
          resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
        });
      const src = o.inboundSource === "var" ? new TerraformVariable(s, "rdp_src", { type: "string" }).stringValue : o.inboundSource ?? "10.0.9.0/24";
      rule("rdp", { direction: "Inbound", access: "Allow", priority: 100, protocol: "Tcp", port: "3389", src, dst: "10.0.5.0/24" });
      if (o.denyAllInbound !== false) rule("denyin", { direction: "Inbound", access: "Deny", priority: 4096, protocol: "*", port: "*", src: "*", dst: "*" });
      (o.outbound ?? ["10.0.20.4/32", "AzureUpdateDelivery", "AzureFrontDoor.FirstParty"]).forEach((dst, i) =>
        rule(`out${i}`, { direction: "Outbound", access: "Allow", priority: 100 + 10 * i, protocol: "Tcp", port: "443", src: "10.0.5.0/24", dst }));
      if (o.denyAllOutbound !== false) rule("denyout", { direction: "Outbound", access: "Deny", priority: 4096, protocol: "*", port: "*", src: "*", dst: "*" });
    }
    const nic = new NetworkInterface(s, "refnic", {
      name: "ref-nic", location: "westeurope", resourceGroupName: "rg",
      ipConfiguration: [{ name: "primary", subnetId: subnet.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.0.5.10" }],
    });
    new WindowsVirtualMachine(s, "refvm", {
      name: "ref01", location: "westeurope", resourceGroupName: "rg", size: "Standard_D2s_v5",
      adminUsername: "osdadmin", adminPassword: new TerraformVariable(s, "pw", { type: "string", sensitive: true }).stringValue,
      networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
      patchMode: o.patchMode === "var" ? new TerraformVariable(s, "patch_mode", { type: "string" }).stringValue : o.patchMode ?? "AutomaticByPlatform", automaticUpdatesEnabled: o.automaticUpdates,
      tags: {
        "sdz-role": "reference-computer",
        "sdz-ref-capture-location": "\\\\images.file.core.windows.net\\captures",
        "sdz-ref-capture-smb-encryption": o.captureEncryption ?? "true",
      },
    });
  }, rules);
}

test("the compliant hand-written reference computer passes every rule of the pack", () => {
  expect(rawRef(REF_PACK.rules).findings).toEqual([]);
});

describe("SDZ-REF-001 inbound isolation", () => {
  const rules = [referenceInboundIsolation];
  test.each([["*"], ["VirtualNetwork"], ["10.0.3.0/24"], ["10.0.0.0/16"], ["192.168.1.0/24"]])("RDP from %s fails", (src) => {
    const f = failures(rawRef(rules, { inboundSource: src }), "SDZ-REF-001");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_windows_virtual_machine.refvm");
  });
  test("no deny-all inbound fails (AllowVNetInBound)", () => {
    expect(failures(rawRef(rules, { denyAllInbound: false }), "SDZ-REF-001")[0].message).toMatch(/AllowVNetInBound/);
  });
  test("no NSG at all fails", () => {
    expect(failures(rawRef(rules, { noNsg: true }), "SDZ-REF-001")).toHaveLength(1);
  });
  test("RDP from a host of the management zone passes", () => {
    expect(rawRef(rules, { inboundSource: "10.0.9.4" }).findings).toEqual([]);
  });
  test("a source from a variable is unverified", () => {
    const r = rawRef(rules, { inboundSource: "var" });
    expect(failures(r, "SDZ-REF-001")).toEqual([]);
    expect(unverified(r, "SDZ-REF-001")).toHaveLength(1);
  });
});

describe("SDZ-REF-002 outbound isolation", () => {
  const rules = [referenceOutboundIsolation];
  test("no deny-all outbound fails", () => {
    expect(failures(rawRef(rules, { denyAllOutbound: false }), "SDZ-REF-002")[0].message).toMatch(/AllowInternetOutBound/);
  });
  test.each([["Internet"], ["*"], ["VirtualNetwork"]])("an allow to %s fails", (dst) => {
    expect(failures(rawRef(rules, { outbound: ["10.0.20.4/32", dst] }), "SDZ-REF-002")).toHaveLength(1);
  });
  test("capture endpoint and update tags only passes", () => {
    expect(rawRef(rules).findings).toEqual([]);
  });
});

describe("SDZ-REF-003 patching", () => {
  const rules = [referencePatching];
  test("patch_mode Manual fails", () => {
    expect(failures(rawRef(rules, { patchMode: "Manual" }), "SDZ-REF-003")).toHaveLength(1);
  });
  test("automatic updates off fails", () => {
    expect(failures(rawRef(rules, { patchMode: "AutomaticByOS", automaticUpdates: false }), "SDZ-REF-003")).toHaveLength(1);
  });
  test("a patch mode from a variable is unverified", () => {
    const r = rawRef(rules, { patchMode: "var" });
    expect(failures(r, "SDZ-REF-003")).toEqual([]);
    expect(unverified(r, "SDZ-REF-003")).toHaveLength(1);
  });
  test("platform patching passes", () => {
    expect(rawRef(rules).findings).toEqual([]);
  });
});

describe("SDZ-REF-004 capture location", () => {
  const rules = [referenceCaptureLocation];
  test("a capture location without SMB encryption fails", () => {
    expect(failures(rawRef(rules, { captureEncryption: "false" }), "SDZ-REF-004")[0].message).toContain("images.file.core.windows.net");
  });
  test("an encrypted capture location passes", () => {
    expect(rawRef(rules).findings).toEqual([]);
  });
  test("an undeclared capture location is unverified", () => {
    expect(unverified(rawRef(rules, { captureEncryption: "maybe" }), "SDZ-REF-004")).toHaveLength(1);
  });
});
