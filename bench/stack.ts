import { LinuxVirtualMachine } from "@cdktf/provider-azurerm/lib/linux-virtual-machine";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
// Types only: the benchmark runs the same builder against the built library (lib/), the test against src/.
import type * as Sdz from "../src";

/** The parts of the library the benchmark apps use. */
export type BenchLibrary = Pick<typeof Sdz, "DeploymentNetwork" | "DeploymentZone" | "Peer" | "Port" | "TrustLevel">;

/** Every `FINDING_EVERY`-th zone also gets a hand-written rule opening RDP to the Internet. */
export const FINDING_EVERY = 10;

/**
 * Builds one stack with `zones` zones, each with its subnet, NSG (deny-all plus four allow rules),
 * association, a NIC and a VM: about 11 resources per zone. With `findings`, every tenth zone also
 * has a hand-written `azurerm_network_security_rule` allowing RDP from the Internet (an error
 * finding of the checks, so a checked synth reports and fails as a user's would).
 */
export function buildZonesStack(lib: BenchLibrary, app: App, zones: number, options: { findings?: boolean } = {}): TerraformStack {
  const { DeploymentNetwork, DeploymentZone, Peer, Port, TrustLevel } = lib;
  const trusts = [TrustLevel.INTERNAL, TrustLevel.MANAGEMENT, TrustLevel.PERIMETER, TrustLevel.INTERNAL];
  const stack = new TerraformStack(app, `bench-${zones}`);
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const network = new DeploymentNetwork(stack, "Network", {
    name: "bench-vnet",
    location: "westeurope",
    addressSpace: ["10.0.0.0/8"],
  });
  let previous: Sdz.DeploymentZone | undefined;
  // KMS is only ever allowed from internal-or-better zones (R-KMS-3): track the last such zone.
  let lastTrusted: Sdz.DeploymentZone | undefined;
  for (let i = 0; i < zones; i++) {
    const prefix = `10.${Math.floor(i / 256)}.${i % 256}.0/24`;
    const zone = new DeploymentZone(stack, `Zone${i}`, {
      network,
      zoneName: `zone-${i}`,
      addressPrefix: prefix,
      trustLevel: trusts[i % trusts.length],
    });
    const peer = previous ? Peer.zone(previous) : Peer.ipv4("10.255.0.0/24");
    zone.allowInbound(peer, Port.tcp(443), "HTTPS from the neighbour zone");
    zone.allowInbound(lastTrusted ? Peer.zone(lastTrusted) : Peer.ipv4("10.255.1.0/24"), Port.tcp(1688), "KMS activation from a trusted zone");
    zone.allowInbound(Peer.ipv4("10.255.9.0/24"), Port.tcp(3389), "RDP from the admin range");
    zone.allowInbound(peer, Port.udpRange(49152, 65535), "Dynamic UDP from the neighbour zone");
    if (options.findings && i % FINDING_EVERY === 0) {
      new NetworkSecurityRule(stack, `RdpFromInternet${i}`, {
        name: "rdp-from-internet",
        priority: 4000,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourcePortRange: "*",
        destinationPortRange: "3389",
        sourceAddressPrefix: "Internet",
        destinationAddressPrefix: "*",
        resourceGroupName: network.resourceGroupName,
        networkSecurityGroupName: zone.networkSecurityGroup.name,
      });
    }
    const nic = new NetworkInterface(stack, `Nic${i}`, {
      name: `nic-${i}`,
      location: "westeurope",
      resourceGroupName: network.resourceGroupName,
      ipConfiguration: [{ name: "primary", subnetId: zone.subnetId, privateIpAddressAllocation: "Static", privateIpAddress: `10.${Math.floor(i / 256)}.${i % 256}.10` }],
    });
    new LinuxVirtualMachine(stack, `Vm${i}`, {
      name: `vm-${i}`,
      location: "westeurope",
      resourceGroupName: network.resourceGroupName,
      size: "Standard_B2s",
      adminUsername: "azureops",
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: "azureops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchKeyOnly bench" }],
      networkInterfaceIds: [nic.id],
      osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
      sourceImageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
    });
    previous = zone;
    if (zone.trustLevel !== TrustLevel.PERIMETER) lastTrusted = zone;
  }
  return stack;
}

/**
 * Terraform JSON of one NSG with `rules` separate `azurerm_network_security_rule` resources (every
 * tenth one allowing RDP from the Internet), its subnet and association: the input of the
 * checks-only measure. Built as plain JSON, so the measure times the checks alone.
 */
export function bigNsgJson(rules: number): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (let i = 0; i < rules; i++) {
    const rdp = i % FINDING_EVERY === 0;
    rule[`r${i}`] = {
      name: `rule-${i}`,
      priority: 100 + (i % 4000),
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      source_port_range: "*",
      destination_port_range: rdp ? "3389" : String(1024 + (i % 60000)),
      source_address_prefix: rdp ? "Internet" : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`,
      destination_address_prefix: "*",
      resource_group_name: "rg",
      network_security_group_name: "${azurerm_network_security_group.big.name}",
    };
  }
  return {
    resource: {
      azurerm_subnet: { big: { name: "big", resource_group_name: "rg", virtual_network_name: "vnet", address_prefixes: ["10.1.0.0/16"] } },
      azurerm_network_security_group: { big: { name: "big-nsg", location: "westeurope", resource_group_name: "rg", tags: { "sdz-zone": "big", "sdz-trust": "INTERNAL" } } },
      azurerm_subnet_network_security_group_association: {
        big: { subnet_id: "${azurerm_subnet.big.id}", network_security_group_id: "${azurerm_network_security_group.big.id}" },
      },
      azurerm_network_security_rule: rule,
    },
  };
}
