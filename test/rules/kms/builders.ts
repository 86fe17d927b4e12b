import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { Construct } from "constructs";

/** A raw subnet with its own NSG carrying the zone tags, as a user would write it. */
export function rawZone(s: Construct, id: string, o: { prefix: string; trust?: string; denyAll?: boolean; tags?: Record<string, string> }) {
  const subnet = new Subnet(s, `${id}-subnet`, { name: id, resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: [o.prefix] });
  const nsg = new NetworkSecurityGroup(s, `${id}-nsg`, {
    name: `${id}-nsg`, location: "westeurope", resourceGroupName: "rg",
    tags: { ...(o.trust ? { "sdz-zone": id, "sdz-trust": o.trust } : {}), ...(o.tags ?? {}) },
  });
  new SubnetNetworkSecurityGroupAssociation(s, `${id}-assoc`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  if (o.denyAll) rawRule(s, `${id}-deny-all`, nsg, { name: "deny-all", priority: 4096, access: "Deny", protocol: "*", port: "*", source: "*", destination: "*" });
  return { subnet, nsg };
}

export interface RawRule {
  name?: string; priority: number; access?: string; direction?: string; protocol?: string;
  port: string; source: string | string[]; destination: string | string[];
}

/** A raw NSG rule. */
export function rawRule(s: Construct, id: string, nsg: NetworkSecurityGroup, o: RawRule) {
  const src = Array.isArray(o.source) ? { sourceAddressPrefixes: o.source } : { sourceAddressPrefix: o.source };
  const dst = Array.isArray(o.destination) ? { destinationAddressPrefixes: o.destination } : { destinationAddressPrefix: o.destination };
  return new NetworkSecurityRule(s, id, {
    name: o.name ?? id, priority: o.priority, direction: o.direction ?? "Inbound", access: o.access ?? "Allow", protocol: o.protocol ?? "Tcp",
    sourcePortRange: "*", destinationPortRange: o.port, ...src, ...dst,
    resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
}

/** A raw Windows VM with one NIC. */
export function rawVm(s: Construct, id: string, o: {
  subnet: Subnet; ip?: string; allocation?: string; vmTags?: Record<string, string>; nicTags?: Record<string, string>;
}) {
  const nic = new NetworkInterface(s, `${id}-nic`, {
    name: `${id}-nic`, location: "westeurope", resourceGroupName: "rg",
    ipConfiguration: [{ name: "ipconfig", subnetId: o.subnet.id, privateIpAddressAllocation: o.allocation ?? "Static", privateIpAddress: o.allocation === "Dynamic" ? undefined : o.ip }],
    tags: o.nicTags,
  });
  const vm = new WindowsVirtualMachine(s, id, {
    name: id, location: "westeurope", resourceGroupName: "rg", size: "Standard_D2s_v5",
    adminUsername: "opsadmin", adminPassword: "${var.admin_password}", networkInterfaceIds: [nic.id],
    osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    tags: o.vmTags,
  });
  return { nic, vm };
}

/** The hardening tags a compliant KMS host records. */
export const HARDENED = {
  "sdz-restrict-anonymous": "true",
  "sdz-restrict-anonymous-sam": "true",
  "sdz-restrict-null-session-access": "true",
  "sdz-smb1-removed": "true",
};
