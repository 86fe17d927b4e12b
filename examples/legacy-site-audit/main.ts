/**
 * A deliberately insecure OS-deployment site, written with raw azurerm resources the way many real
 * sites are, to show what the checks find on code that does not use this library's constructs.
 *
 * What is wrong with it (each item is a finding in docs/legacy-site-audit.md):
 * - KMS runs on the domain controller (one VM tagged `sdz-role=kms-host,domain-controller`), its NIC
 *   has a dynamic IP, and KMS (TCP 1688) plus the domain ports are open to the whole `VirtualNetwork`
 *   tag (every subnet, peered VNet and VPN-connected range, the DMZ included).
 * - RDP is open to the Internet, and neither NSG has a deny-all rule, so Azure's default
 *   `AllowVNetInBound` (65000) lets every other range in.
 * - The deployment content share allows SMB 2.1 and 3.0, has no private endpoint and is reachable
 *   from public networks.
 * - The PXE distribution point sits in a DMZ (NSG tagged `sdz-trust=PERIMETER`) with DHCP, TFTP and
 *   PXE (UDP 67, 69, 4011) open from the Internet.
 * - The site-to-site tunnel uses IKEv1, DH group 2, 3DES, SHA1 and no PFS.
 *
 * It is not synthesized by default (cdktf.json synthesizes examples/hybrid-osd-site). To see the
 * output: `npx ts-node --transpile-only --project test/tsconfig.json examples/legacy-site-audit/audit.ts`.
 */
import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { VirtualNetworkGateway } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { SecureDeploymentChecks } from "../../src";

const LOCATION = "westeurope";

/** An inbound allow rule as a hand-written inline `security_rule` block. */
function allow(name: string, priority: number, protocol: string, ports: string[], source: string) {
  return {
    name,
    priority,
    direction: "Inbound",
    access: "Allow",
    protocol,
    sourcePortRange: "*",
    destinationPortRanges: ports,
    sourceAddressPrefix: source,
    destinationAddressPrefix: "*",
  };
}

/** Adds the legacy site's resources to `scope` (a stack that already has the azurerm provider). */
export function buildLegacySite(scope: Construct): void {
  const adminPassword = new TerraformVariable(scope, "admin_password", { type: "string", sensitive: true, description: "Local administrator password of the servers" });
  const vpnSharedKey = new TerraformVariable(scope, "vpn_shared_key", { type: "string", sensitive: true, description: "Preshared key of the site-to-site tunnel" });

  const rg = new ResourceGroup(scope, "rg", { name: "legacy-osd-rg", location: LOCATION });
  const vnet = new VirtualNetwork(scope, "vnet", {
    name: "legacy-osd-vnet", location: LOCATION, resourceGroupName: rg.name, addressSpace: ["10.10.0.0/16"],
  });
  const subnet = (id: string, name: string, prefix: string) => new Subnet(scope, id, {
    name, resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: [prefix],
  });
  const serversSubnet = subnet("servers_subnet", "servers", "10.10.1.0/24");
  const dmzSubnet = subnet("dmz_subnet", "dmz", "10.10.50.0/24");
  const gatewaySubnet = subnet("gateway_subnet", "GatewaySubnet", "10.10.255.0/27");

  // The server zone: no deny-all, so AllowVNetInBound still admits every range of the VNet and the VPN.
  const serversNsg = new NetworkSecurityGroup(scope, "servers_nsg", {
    name: "servers-nsg", location: LOCATION, resourceGroupName: rg.name,
    tags: { "sdz-zone": "servers", "sdz-trust": "INTERNAL" },
    securityRule: [
      allow("allow-kms", 100, "Tcp", ["1688"], "VirtualNetwork"),
      allow("allow-domain-tcp", 110, "Tcp", ["53", "88", "135", "389", "445", "464", "636", "3268", "3269", "49152-65535"], "VirtualNetwork"),
      allow("allow-domain-udp", 120, "Udp", ["53", "88", "123", "389", "464"], "VirtualNetwork"),
      allow("allow-rdp-admin", 200, "Tcp", ["3389"], "Internet"),
    ],
  });
  // The DMZ, where the PXE distribution point was put "because the branch clients are there".
  const dmzNsg = new NetworkSecurityGroup(scope, "dmz_nsg", {
    name: "dmz-nsg", location: LOCATION, resourceGroupName: rg.name,
    tags: { "sdz-zone": "dmz", "sdz-trust": "PERIMETER" },
    securityRule: [allow("allow-pxe", 100, "Udp", ["67", "69", "4011"], "Internet")],
  });
  new SubnetNetworkSecurityGroupAssociation(scope, "servers_nsg_association", { subnetId: serversSubnet.id, networkSecurityGroupId: serversNsg.id });
  new SubnetNetworkSecurityGroupAssociation(scope, "dmz_nsg_association", { subnetId: dmzSubnet.id, networkSecurityGroupId: dmzNsg.id });

  const windowsVm = (id: string, name: string, nic: NetworkInterface, roles: string) => new WindowsVirtualMachine(scope, id, {
    name, computerName: name, location: LOCATION, resourceGroupName: rg.name, size: "Standard_D2s_v5",
    adminUsername: "siteadmin", adminPassword: adminPassword.stringValue,
    networkInterfaceIds: [nic.id],
    osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    tags: { "sdz-role": roles },
  });

  // KMS on the domain controller, with a dynamic IP.
  const dcNic = new NetworkInterface(scope, "dc01_nic", {
    name: "dc01-nic", location: LOCATION, resourceGroupName: rg.name,
    ipConfiguration: [{ name: "primary", subnetId: serversSubnet.id, privateIpAddressAllocation: "Dynamic" }],
  });
  windowsVm("dc01", "dc01", dcNic, "kms-host,domain-controller");

  const pxeNic = new NetworkInterface(scope, "pxe01_nic", {
    name: "pxe01-nic", location: LOCATION, resourceGroupName: rg.name,
    ipConfiguration: [{ name: "primary", subnetId: dmzSubnet.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.10.50.10" }],
  });
  windowsVm("pxe01", "pxe01", pxeNic, "pxe-distribution-point");

  // Deployment content (images, packages) on a file share that still speaks SMB 2.1, open to public networks.
  const content = new StorageAccount(scope, "content", {
    name: "legacyosdcontent", location: LOCATION, resourceGroupName: rg.name,
    accountTier: "Standard", accountReplicationType: "LRS",
    publicNetworkAccessEnabled: true,
    shareProperties: { smb: { versions: ["SMB2.1", "SMB3.0", "SMB3.1.1"] } },
    tags: { "sdz-role": "deployment-content" },
  });
  new StorageShare(scope, "content_share", { name: "osdcontent", storageAccountId: content.id, quota: 1024 });

  // The site-to-site tunnel to the branch office, with the settings of an old appliance.
  const gatewayIp = new PublicIp(scope, "gateway_ip", {
    name: "legacy-vpn-ip", location: LOCATION, resourceGroupName: rg.name, allocationMethod: "Static", sku: "Standard",
  });
  const gateway = new VirtualNetworkGateway(scope, "gateway", {
    name: "legacy-vpn-gw", location: LOCATION, resourceGroupName: rg.name, type: "Vpn", vpnType: "RouteBased", sku: "VpnGw1",
    ipConfiguration: [{ name: "gw", publicIpAddressId: gatewayIp.id, subnetId: gatewaySubnet.id }],
  });
  const branch = new LocalNetworkGateway(scope, "branch", {
    name: "branch-office", location: LOCATION, resourceGroupName: rg.name,
    gatewayAddress: "203.0.113.10", addressSpace: ["192.168.10.0/24"],
    tags: { "sdz-zone": "branch-clients", "sdz-trust": "INTERNAL" },
  });
  new VirtualNetworkGatewayConnection(scope, "branch_tunnel", {
    name: "to-branch", location: LOCATION, resourceGroupName: rg.name, type: "IPsec",
    virtualNetworkGatewayId: gateway.id, localNetworkGatewayId: branch.id,
    connectionProtocol: "IKEv1", sharedKey: vpnSharedKey.stringValue,
    ipsecPolicy: {
      dhGroup: "DHGroup2", ikeEncryption: "DES3", ikeIntegrity: "SHA1",
      ipsecEncryption: "DES3", ipsecIntegrity: "SHA1", pfsGroup: "None",
      saLifetime: 27000,
    },
  });
}

/** The legacy site as a stack. */
export class LegacySiteAudit extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    buildLegacySite(this);
  }
}

if (require.main === module) {
  // Synthesizing with the checks on fails, on purpose: every error finding is printed.
  const app = new App();
  new LegacySiteAudit(app, "legacy-site-audit");
  SecureDeploymentChecks.applyToApp(app);
  app.synth();
}
