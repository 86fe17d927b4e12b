import { LinuxVirtualMachine } from "@cdktf/provider-azurerm/lib/linux-virtual-machine";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Peer } from "../src/network/peer";
import { Port } from "../src/network/port";
import { TrustLevel } from "../src/network/trust-level";
import { DeploymentNetwork } from "../src/zones/deployment-network";
import { DeploymentZone } from "../src/zones/deployment-zone";

const TRUSTS = [TrustLevel.INTERNAL, TrustLevel.MANAGEMENT, TrustLevel.PERIMETER, TrustLevel.INTERNAL];

/**
 * Builds one stack with `zones` zones, each with its subnet, NSG (deny-all plus four allow
 * rules), association, a NIC and a VM: about 10 resources per zone.
 */
export function buildBenchStack(app: App, zones: number): TerraformStack {
  const stack = new TerraformStack(app, `bench-${zones}`);
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const network = new DeploymentNetwork(stack, "Network", {
    name: "bench-vnet",
    location: "westeurope",
    addressSpace: ["10.0.0.0/8"],
  });
  let previous: DeploymentZone | undefined;
  // KMS is only ever allowed from internal-or-better zones (R-KMS-3): track the last such zone.
  let lastTrusted: DeploymentZone | undefined;
  for (let i = 0; i < zones; i++) {
    const prefix = `10.${Math.floor(i / 256)}.${i % 256}.0/24`;
    const zone = new DeploymentZone(stack, `Zone${i}`, {
      network,
      zoneName: `zone-${i}`,
      addressPrefix: prefix,
      trustLevel: TRUSTS[i % TRUSTS.length],
    });
    const peer = previous ? Peer.zone(previous) : Peer.ipv4("10.255.0.0/24");
    zone.allowInbound(peer, Port.tcp(443), "HTTPS from the neighbour zone");
    zone.allowInbound(lastTrusted ? Peer.zone(lastTrusted) : Peer.ipv4("10.255.1.0/24"), Port.tcp(1688), "KMS activation from a trusted zone");
    zone.allowInbound(Peer.ipv4("10.255.9.0/24"), Port.tcp(3389), "RDP from the admin range");
    zone.allowInbound(peer, Port.udpRange(49152, 65535), "Dynamic UDP from the neighbour zone");
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
