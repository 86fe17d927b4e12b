import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { Rule } from "../../../src/engine/rule";
import { checkFixture } from "../../support/fixtures";

/** The settings tags of a compliant, hand-written distribution point. */
export const GOOD_DP_TAGS: Record<string, string> = {
  "sdz-role": "pxe-distribution-point",
  "sdz-pxe-password-required": "true",
  "sdz-pxe-unknown-computers": "false",
  "sdz-pxe-multicast": "false",
  "sdz-pxe-content-transport": "enhanced-http",
  "sdz-pxe-respond-all-interfaces": "false",
  "sdz-pxe-images-free-of-sensitive-content": "true",
};

export interface RawPxeOptions {
  /** Trust tag of the PXE subnet's NSG (omit the zone tags with `null`). */
  trust?: string | null;
  /** Source of the inbound PXE rules; `var` for a Terraform variable. */
  source?: string | "var";
  /** Ports the inbound rule opens (UDP). */
  ports?: string[];
  /** Tags of the VM; defaults to the compliant set. */
  vmTags?: Record<string, string | "var">;
  /** Attach a public IP to the NIC. */
  publicIp?: boolean;
  /** A second NIC in another subnet. */
  secondNic?: boolean;
  /** `ip_forwarding_enabled` of the NIC. */
  ipForwarding?: boolean;
  /** Flow log target: the VNet (default), the subnet, the NSG, a literal VNet ID, a variable, or none. */
  flowLog?: "vnet" | "subnet" | "nsg" | "literal-vnet" | "var" | "disabled" | "none";
  /** An on-premises perimeter range declared on a tagged local network gateway. */
  onPremPerimeter?: string;
  /** Extra resources. */
  extra?: (s: Construct, parts: { nsg: NetworkSecurityGroup; vnet: VirtualNetwork; subnet: Subnet; nic: NetworkInterface }) => void;
}

/** A PXE distribution point written by hand from raw azurerm resources, as a user would. */
export function rawPxe(s: Construct, o: RawPxeOptions = {}) {
  const vnet = new VirtualNetwork(s, "vnet", { name: "osd-vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
  const subnet = new Subnet(s, "pxe", { name: "pxe", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
  const trust = o.trust === undefined ? "INTERNAL" : o.trust;
  const nsg = new NetworkSecurityGroup(s, "nsg", {
    name: "pxe-nsg", location: "westeurope", resourceGroupName: "rg",
    tags: trust === null ? {} : { "sdz-zone": "pxe", "sdz-trust": trust },
  });
  new SubnetNetworkSecurityGroupAssociation(s, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  const src = o.source === "var" ? new TerraformVariable(s, "pxe_source", { type: "string" }).stringValue : o.source ?? "192.168.10.0/24";
  (o.ports ?? ["67", "69", "4011"]).forEach((port, i) => {
    new NetworkSecurityRule(s, `pxe${port.replace(/\W/g, "_")}`, {
      name: `pxe-${port}`, priority: 100 + i * 10, direction: "Inbound", access: "Allow", protocol: "Udp",
      sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: src, destinationAddressPrefix: "10.0.1.10",
      resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
  });
  new NetworkSecurityRule(s, "denyall", {
    name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*",
    sourcePortRange: "*", destinationPortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*",
    resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
  const pip = o.publicIp ? new PublicIp(s, "pip", { name: "dp-pip", location: "westeurope", resourceGroupName: "rg", allocationMethod: "Static" }) : undefined;
  const nic = new NetworkInterface(s, "nic", {
    name: "dp-nic", location: "westeurope", resourceGroupName: "rg", ipForwardingEnabled: o.ipForwarding,
    ipConfiguration: [{ name: "primary", subnetId: subnet.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.0.1.10", publicIpAddressId: pip?.id }],
  });
  const nicIds = [nic.id];
  if (o.secondNic) {
    const other = new Subnet(s, "servers", { name: "servers", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.2.0/24"] });
    const nic2 = new NetworkInterface(s, "nic2", {
      name: "dp-nic2", location: "westeurope", resourceGroupName: "rg",
      ipConfiguration: [{ name: "second", subnetId: other.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.0.2.10" }],
    });
    nicIds.push(nic2.id);
  }
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.vmTags ?? GOOD_DP_TAGS)) {
    tags[k] = v === "var" ? new TerraformVariable(s, `tag_${k.replace(/\W/g, "_")}`, { type: "string" }).stringValue : v;
  }
  new WindowsVirtualMachine(s, "dp", {
    name: "dp01", location: "westeurope", resourceGroupName: "rg", size: "Standard_D2s_v5",
    adminUsername: "osdadmin", adminPassword: new TerraformVariable(s, "pw", { type: "string", sensitive: true }).stringValue,
    networkInterfaceIds: nicIds, osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    tags,
  });
  const flow = o.flowLog ?? "vnet";
  if (flow !== "none") {
    const target = flow === "vnet" || flow === "disabled" ? vnet.id
      : flow === "subnet" ? subnet.id
        : flow === "literal-vnet" ? "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/osd-vnet"
          : flow === "var" ? new TerraformVariable(s, "flow_target", { type: "string" }).stringValue : undefined;
    new NetworkWatcherFlowLog(s, "flowlog", {
      name: "fl", networkWatcherName: "NetworkWatcher_westeurope", resourceGroupName: "NetworkWatcherRG",
      storageAccountId: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/logs",
      enabled: flow !== "disabled", version: 2, retentionPolicy: { enabled: true, days: 90 },
      ...(flow === "nsg" ? { networkSecurityGroupId: nsg.id } : { targetResourceId: target }),
    });
  }
  if (o.onPremPerimeter) {
    new LocalNetworkGateway(s, "branchdmz", {
      name: "branch-dmz", location: "westeurope", resourceGroupName: "rg", gatewayAddress: "203.0.113.10",
      addressSpace: [o.onPremPerimeter], tags: { "sdz-zone": "branch-dmz", "sdz-trust": "PERIMETER" },
    });
  }
  o.extra?.(s, { nsg, vnet, subnet, nic });
}

/** Runs `rules` on a hand-written PXE setup. */
export function checkRawPxe(rules: readonly Rule[], o: RawPxeOptions = {}) {
  return checkFixture((s) => rawPxe(s, o), rules);
}
