import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkInterfaceSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/network-interface-security-group-association";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { TerraformModel } from "../../src/engine/model";
import { isShadowedByDeny, lowestTrust, NetworkIndex, parseAddress, parsePortRange, ruleCoversPort } from "../../src/engine/network-index";
import { tryParseCidr } from "../../src/network/cidr";
import { TrustLevel } from "../../src/network/trust-level";
import { newStack, synthJson } from "../support/fixtures";

function indexOf(build: (s: Construct) => void): { m: TerraformModel; net: NetworkIndex } {
  const { stack } = newStack();
  build(stack);
  const m = TerraformModel.fromTerraformJson(synthJson(stack));
  return { m, net: NetworkIndex.of(m) };
}

const RG = { location: "westeurope", resourceGroupName: "rg" };

function inboundRule(name: string, priority: number, extra: Record<string, unknown> = {}) {
  return {
    name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*",
    destinationPortRange: "443", sourceAddressPrefix: "10.0.0.0/8", destinationAddressPrefix: "*", ...extra,
  };
}

describe("NetworkIndex: NSG rules", () => {
  test("inline security_rule blocks and standalone rules (by reference and by literal name) are all normalized", () => {
    const { net } = indexOf((s) => {
      const nsg = new NetworkSecurityGroup(s, "nsg", {
        name: "app-nsg", ...RG,
        securityRule: [
          { ...inboundRule("inline-https", 100), sourceAddressPrefixes: undefined, destinationPortRanges: undefined, destinationAddressPrefixes: undefined, sourceApplicationSecurityGroupIds: undefined, destinationApplicationSecurityGroupIds: undefined, description: "https" } as any,
        ],
      });
      new NetworkSecurityRule(s, "byref", { ...inboundRule("byref", 200, { destinationPortRanges: ["3389", "5985-5986"], destinationPortRange: undefined }), resourceGroupName: "rg", networkSecurityGroupName: nsg.name });
      new NetworkSecurityRule(s, "byname", { ...inboundRule("byname", 300, { protocol: "Udp" }), resourceGroupName: "rg", networkSecurityGroupName: "app-nsg" });
      new NetworkSecurityRule(s, "orphan", { ...inboundRule("orphan", 400), resourceGroupName: "rg", networkSecurityGroupName: "elsewhere-nsg" });
    });
    const nsg = net.nsgs[0];
    expect(nsg.rules.map((r) => [r.name, r.inline, r.resource.address])).toEqual([
      ["inline-https", true, "azurerm_network_security_group.nsg"],
      // cdktf writes resources sorted by name
      ["byname", false, "azurerm_network_security_rule.byname"],
      ["byref", false, "azurerm_network_security_rule.byref"],
    ]);
    const byref = nsg.rules[2];
    expect(byref).toMatchObject({ direction: "Inbound", access: "Allow", priority: 200, protocol: "Tcp", destinationPorts: [{ from: 3389, to: 3389 }, { from: 5985, to: 5986 }] });
    expect(ruleCoversPort(byref, "Tcp", 5986)).toBe(true);
    expect(ruleCoversPort(byref, "Udp", 3389)).toBe(false);
    expect(nsg.rules[1].protocol).toBe("Udp");
    const orphan = net.rules.find((r) => r.name === "orphan")!;
    expect(orphan.nsg).toBeUndefined();
    expect(orphan.unknowns.join()).toMatch(/not part of this configuration/);
    expect(net.inboundAllows.map((r) => r.name).sort()).toEqual(["byname", "byref", "inline-https", "orphan"]);
  });

  test("the same NSG name in two resource groups: a rule attaches to the NSG of its own resource group", () => {
    const { net } = indexOf((s) => {
      new NetworkSecurityGroup(s, "a", { name: "shared-nsg", location: "westeurope", resourceGroupName: "rg-a" });
      new NetworkSecurityGroup(s, "b", { name: "shared-nsg", location: "westeurope", resourceGroupName: "rg-b" });
      new NetworkSecurityRule(s, "ra", { ...inboundRule("ra", 100), resourceGroupName: "rg-a", networkSecurityGroupName: "shared-nsg" });
      new NetworkSecurityRule(s, "rb", { ...inboundRule("rb", 100), resourceGroupName: "RG-B", networkSecurityGroupName: "shared-nsg" });
      new NetworkSecurityRule(s, "rc", { ...inboundRule("rc", 100), resourceGroupName: "rg-c", networkSecurityGroupName: "shared-nsg" });
    });
    const [a, b] = net.nsgs;
    expect(a.rules.map((r) => r.name)).toEqual(["ra"]);
    expect(b.rules.map((r) => r.name)).toEqual(["rb"]);
    expect(net.rules.find((r) => r.name === "rc")!.nsg).toBeUndefined();
  });

  test("a same-named NSG in another resource group is not taken for the rule's NSG", () => {
    const { net } = indexOf((s) => {
      new NetworkSecurityGroup(s, "a", { name: "app-nsg", location: "westeurope", resourceGroupName: "rg-a" });
      new NetworkSecurityRule(s, "r", { ...inboundRule("r", 100), resourceGroupName: "rg-other", networkSecurityGroupName: "app-nsg" });
    });
    expect(net.nsgs[0].rules).toEqual([]);
    expect(net.rules[0].nsg).toBeUndefined();
  });

  test("unknown fields are listed, never guessed", () => {
    const { net } = indexOf((s) => {
      const port = new TerraformVariable(s, "port", { type: "string" });
      const nsg = new NetworkSecurityGroup(s, "nsg", { name: "nsg", ...RG });
      new NetworkSecurityRule(s, "r", { ...inboundRule("r", 100, { destinationPortRange: port.stringValue }), resourceGroupName: "rg", networkSecurityGroupName: nsg.name });
    });
    const r = net.rules[0];
    expect(r.destinationPorts).toBeUndefined();
    expect(r.unknowns.join()).toMatch(/destination_port_range: the variable port/);
    expect(ruleCoversPort(r, "Tcp", 3389)).toBeUndefined();
  });

  test("a deny at a lower priority for any destination shadows an allow", () => {
    const { net } = indexOf((s) => {
      const nsg = new NetworkSecurityGroup(s, "nsg", { name: "nsg", ...RG });
      new NetworkSecurityRule(s, "deny", { ...inboundRule("deny", 100, { access: "Deny", destinationPortRange: "*", sourceAddressPrefix: "*" }), resourceGroupName: "rg", networkSecurityGroupName: nsg.name });
      new NetworkSecurityRule(s, "allow", { ...inboundRule("allow", 200, { sourceAddressPrefix: "Internet", destinationPortRange: "3389" }), resourceGroupName: "rg", networkSecurityGroupName: nsg.name });
    });
    const allow = net.rules.find((r) => r.name === "allow")!;
    expect(isShadowedByDeny(allow, "Tcp", 3389)).toBe(true);
  });

  test("address and port parsing", () => {
    expect(parseAddress("*").kind).toBe("any");
    expect(parseAddress("0.0.0.0/0").kind).toBe("any");
    expect(parseAddress("Internet").kind).toBe("tag");
    expect(parseAddress("10.0.0.0/24").kind).toBe("cidr");
    expect(parseAddress("10.0.0.0/33").kind).toBe("unknown");
    expect(parsePortRange("1000-2000")).toEqual({ from: 1000, to: 2000 });
    expect(parsePortRange("2000-1000")).toBeUndefined();
    expect(parsePortRange("70000")).toBeUndefined();
  });
});

describe("NetworkIndex: associations", () => {
  function network(s: Construct) {
    const vnet = new VirtualNetwork(s, "vnet", { name: "vnet", ...RG, addressSpace: ["10.0.0.0/16"] });
    const pxe = new Subnet(s, "pxe", { name: "pxe", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
    const mgmt = new Subnet(s, "mgmt", { name: "mgmt", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.9.0/24"] });
    const pxeNsg = new NetworkSecurityGroup(s, "pxe-nsg", { name: "pxe-nsg", ...RG, tags: { "sdz-zone": "pxe", "sdz-trust": "internal" } });
    const nicNsg = new NetworkSecurityGroup(s, "nic-nsg", { name: "nic-nsg", ...RG });
    new SubnetNetworkSecurityGroupAssociation(s, "pxe-assoc", { subnetId: pxe.id, networkSecurityGroupId: pxeNsg.id });
    const nic = new NetworkInterface(s, "dp-nic", {
      name: "dp-nic", ...RG, tags: { "sdz-role": "pxe-distribution-point" },
      ipConfiguration: [{ name: "ip", subnetId: pxe.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.0.1.4" }],
    });
    new NetworkInterfaceSecurityGroupAssociation(s, "nic-assoc", { networkInterfaceId: nic.id, networkSecurityGroupId: nicNsg.id });
    new WindowsVirtualMachine(s, "dp", {
      name: "dp", ...RG, size: "Standard_D2s_v5", adminUsername: "azureadmin", adminPassword: "${var.pw}",
      networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
      tags: { "sdz-role": "pxe-distribution-point, kms-host" },
    });
    return { mgmt };
  }

  test("subnet <-> NSG, NIC <-> NSG, NIC <-> subnet and NIC <-> VM", () => {
    const { net } = indexOf(network);
    const pxe = net.subnets.find((x) => x.name === "pxe")!;
    const mgmt = net.subnets.find((x) => x.name === "mgmt")!;
    expect(pxe.nsgs.map((n) => n.name)).toEqual(["pxe-nsg"]);
    expect(mgmt.nsgs).toEqual([]);
    const nic = net.nics[0];
    expect(nic.ipConfigs[0]).toMatchObject({ subnet: pxe, subnetUnknown: false, allocation: "Static", privateIp: "10.0.1.4" });
    expect(pxe.nics).toEqual([nic]);
    expect(nic.nsgs.map((n) => n.name)).toEqual(["nic-nsg"]);
    expect(net.nsgsProtecting(nic).map((n) => n.name).sort()).toEqual(["nic-nsg", "pxe-nsg"]);
    expect(nic.roles).toEqual(["pxe-distribution-point"]);
    const vm = net.vms[0];
    expect(vm.nics).toEqual([nic]);
    expect(vm.nicsUnknown).toBe(false);
    expect(nic.vm).toBe(vm);
    expect(vm.roles).toEqual(["pxe-distribution-point", "kms-host"]);
    expect(net.zonesOfNic(nic).map((z) => z.name)).toEqual(["pxe"]);
    expect(net.unresolvedAssociations).toEqual([]);
  });

  test("inline vnet subnets with security_group, and associations that cannot be followed", () => {
    const { net } = indexOf((s) => {
      const nsg = new NetworkSecurityGroup(s, "nsg", { name: "nsg", ...RG, tags: { "sdz-zone": "clients", "sdz-trust": "INTERNAL" } });
      new VirtualNetwork(s, "vnet", {
        name: "vnet", ...RG, addressSpace: ["10.1.0.0/16"],
        subnet: [{ name: "clients", addressPrefixes: ["10.1.2.0/24"], securityGroup: nsg.id }, { name: "bare", addressPrefixes: ["10.1.3.0/24"] }],
      });
      const id = new TerraformVariable(s, "subnet_id", { type: "string" });
      new SubnetNetworkSecurityGroupAssociation(s, "ext", { subnetId: id.stringValue, networkSecurityGroupId: nsg.id });
      new WindowsVirtualMachine(s, "vm", {
        name: "vm", ...RG, size: "Standard_D2s_v5", adminUsername: "a", adminPassword: "${var.pw}",
        networkInterfaceIds: ["${var.nic_id}"], osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
      });
    });
    const clients = net.subnets.find((x) => x.name === "clients")!;
    expect(clients).toMatchObject({ inline: true });
    expect(clients.nsgs.map((n) => n.name)).toEqual(["nsg"]);
    expect(net.subnets.find((x) => x.name === "bare")!.nsgs).toEqual([]);
    expect(net.unresolvedAssociations.map((r) => r.address)).toEqual(["azurerm_subnet_network_security_group_association.ext"]);
    expect(net.zones[0]).toMatchObject({ name: "clients", trust: TrustLevel.INTERNAL, onPremises: false });
    expect(net.zones[0].prefixes.map((p) => p.text)).toEqual(["10.1.2.0/24"]);
    expect(net.vms[0].nicsUnknown).toBe(true);
  });
});

describe("NetworkIndex: zones", () => {
  /** Zones from tagged NSGs on subnets, plus on-premises ranges. */
  function zones(s: Construct) {
    const vnet = new VirtualNetwork(s, "vnet", { name: "vnet", ...RG, addressSpace: ["10.0.0.0/16"] });
    const zone = (id: string, prefixes: string[], trust: string) => {
      const subnet = new Subnet(s, id, { name: id, resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: prefixes });
      const nsg = new NetworkSecurityGroup(s, `${id}-nsg`, { name: `${id}-nsg`, ...RG, tags: { "sdz-zone": id, "sdz-trust": trust } });
      new SubnetNetworkSecurityGroupAssociation(s, `${id}-assoc`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    };
    zone("dmz", ["10.0.0.0/24"], "PERIMETER");
    zone("clients", ["10.0.1.0/24", "10.0.4.0/22"], "INTERNAL");
    zone("mgmt", ["10.0.2.0/25"], "MANAGEMENT");
    zone("unknown-trust", ["10.0.2.128/25"], "not-a-level");
    new LocalNetworkGateway(s, "onprem", { name: "onprem", ...RG, gatewayAddress: "203.0.113.10", addressSpace: ["192.168.0.0/16"], tags: { "sdz-zone": "branch", "sdz-trust": "INTERNAL" } });
    new LocalNetworkGateway(s, "untagged", { name: "untagged", ...RG, gatewayAddress: "203.0.113.11", addressSpace: ["172.16.0.0/12"] });
  }

  const names = (net: NetworkIndex, cidr: string) => net.zonesOverlapping(tryParseCidr(cidr)!).map((z) => z.name).sort();

  test("zonesOverlapping finds the zones sharing an address, not adjacent ones", () => {
    const { net } = indexOf(zones);
    expect(net.zones.map((z) => z.name).sort()).toEqual(["branch", "clients", "dmz", "mgmt", "unknown-trust"]);
    expect(names(net, "10.0.0.0/24")).toEqual(["dmz"]);
    expect(names(net, "10.0.0.255/32")).toEqual(["dmz"]); // last address of dmz
    expect(names(net, "10.0.1.0")).toEqual(["clients"]); // first address after dmz: adjacent, not overlapping
    expect(names(net, "10.0.0.0/23")).toEqual(["clients", "dmz"]);
    expect(names(net, "10.0.2.0/24")).toEqual(["mgmt", "unknown-trust"]);
    expect(names(net, "10.0.3.0/24")).toEqual([]); // the gap between mgmt and the second clients prefix
    expect(names(net, "10.0.6.7")).toEqual(["clients"]);
    expect(names(net, "10.0.0.0/16")).toEqual(["clients", "dmz", "mgmt", "unknown-trust"]);
    expect(names(net, "0.0.0.0/0")).toEqual(["branch", "clients", "dmz", "mgmt", "unknown-trust"]);
    expect(names(net, "192.168.77.0/24")).toEqual(["branch"]);
    expect(names(net, "172.16.0.0/12")).toEqual([]); // untagged gateway: not a zone
    const branch = net.zones.find((z) => z.name === "branch")!;
    expect(branch).toMatchObject({ onPremises: true, trust: TrustLevel.INTERNAL });
    expect(net.zones.find((z) => z.name === "unknown-trust")!.trust).toBeUndefined();
  });

  test("zonesOverlapping agrees with a brute-force scan on many random blocks", () => {
    const { net } = indexOf(zones);
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 500; i++) {
      const prefix = 8 + rnd(25);
      const addr = `${[10, 192][rnd(2)]}.${rnd(2) ? 0 : 168}.${rnd(8)}.${rnd(256)}`;
      const block = tryParseCidr(`${addr}/${prefix}`);
      if (!block) continue;
      const fast = net.zonesOverlapping(block).map((z) => z.name).sort();
      const slow = net.zones.filter((z) => z.prefixes.some((p) => p.start <= block.end && block.start <= p.end)).map((z) => z.name).sort();
      expect(fast).toEqual(slow);
    }
  });

  test("lowestTrust ignores zones without a trust level", () => {
    const { net } = indexOf(zones);
    expect(lowestTrust(net.zonesOverlapping(tryParseCidr("10.0.0.0/22")!))).toBe(TrustLevel.PERIMETER);
    expect(lowestTrust(net.zonesOverlapping(tryParseCidr("10.0.2.0/24")!))).toBe(TrustLevel.MANAGEMENT);
    expect(lowestTrust([])).toBeUndefined();
  });
});
