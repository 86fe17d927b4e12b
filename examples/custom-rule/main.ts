import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup, NetworkSecurityGroupSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-group";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ACME_PACK } from "./rules";
import { SecureDeploymentChecks, TrustLevel, ZoneTags } from "../../src";

const LOCATION = "westeurope";
const RG = "rg-acme-servers";

/** Options of {@link CustomRuleSite}. */
export interface CustomRuleSiteProps {
  /** Extra inbound rules on the servers' NSG (tests use it to open WinRM to another zone). */
  readonly extraServerRules?: NetworkSecurityGroupSecurityRule[];
}

/**
 * A small hand-written site (raw azurerm resources, no library constructs) checked by the
 * library's rules and ACME's custom rules (./rules.ts):
 * - `servers`    10.60.1.0/24  one server NIC, WinRM allowed from the management zone only
 * - `management` 10.60.9.0/24  MANAGEMENT (declared on its NSG)
 * - two storage accounts: `logs` carries a cost-center tag, `scratch` does not (ACME-TAG-001, a warning)
 */
export class CustomRuleSite extends TerraformStack {
  constructor(scope: Construct, id: string, props: CustomRuleSiteProps = {}) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    const vnet = new VirtualNetwork(this, "vnet", { name: "vnet-acme", location: LOCATION, resourceGroupName: RG, addressSpace: ["10.60.0.0/16"] });
    const rule = (name: string, priority: number, access: string, protocol: string, ports: string, source: string): NetworkSecurityGroupSecurityRule => ({
      name, priority, direction: "Inbound", access, protocol, sourcePortRange: "*", destinationPortRange: ports,
      sourceAddressPrefix: source, destinationAddressPrefix: "*",
    });
    const zone = (name: string, prefix: string, tags: Record<string, string>, rules: NetworkSecurityGroupSecurityRule[]) => {
      const subnet = new Subnet(this, name, { name, resourceGroupName: RG, virtualNetworkName: vnet.name, addressPrefixes: [prefix] });
      const nsg = new NetworkSecurityGroup(this, `${name}-nsg`, { name: `nsg-${name}`, location: LOCATION, resourceGroupName: RG, tags, securityRule: rules });
      new SubnetNetworkSecurityGroupAssociation(this, `${name}-nsg-association`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
      return subnet;
    };
    // Path MTU discovery needs ICMP from the VNet (SDZ-NET-004); everything else not allowed above is denied.
    const closed = [rule("allow-icmp-from-vnet", 3900, "Allow", "Icmp", "*", "VirtualNetwork"), rule("deny-other-inbound", 4000, "Deny", "*", "*", "*")];
    const servers = zone("servers", "10.60.1.0/24", { [ZoneTags.ZONE]: "servers", [ZoneTags.TRUST]: TrustLevel.INTERNAL }, [
      rule("allow-winrm-from-management", 100, "Allow", "Tcp", "5985-5986", "10.60.9.0/24"),
      ...(props.extraServerRules ?? []),
      ...closed,
    ]);
    zone("management", "10.60.9.0/24", { [ZoneTags.ZONE]: "management", [ZoneTags.TRUST]: TrustLevel.MANAGEMENT }, closed);
    new NetworkInterface(this, "app01-nic", {
      name: "nic-app01", location: LOCATION, resourceGroupName: RG,
      ipConfiguration: [{ name: "primary", subnetId: servers.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.60.1.4" }],
    });
    const account = (logicalId: string, name: string, tags: Record<string, string> | undefined) => new StorageAccount(this, logicalId, {
      name, location: LOCATION, resourceGroupName: RG, accountTier: "Standard", accountReplicationType: "ZRS",
      minTlsVersion: "TLS1_2", httpsTrafficOnlyEnabled: true, publicNetworkAccessEnabled: false, allowNestedItemsToBePublic: false, sharedAccessKeyEnabled: false,
      tags,
    });
    account("logs", "stacmelogs01", { "cost-center": "it-operations" });
    account("scratch", "stacmescratch01", undefined);
  }
}

/** The checks with ACME's pack, as the app registers them. */
export function acmeChecks(): SecureDeploymentChecks {
  return new SecureDeploymentChecks({ packs: [ACME_PACK] });
}

if (require.main === module) {
  const app = new App();
  const stack = new CustomRuleSite(app, "custom-rule");
  acmeChecks().applyToStack(stack);
  app.synth();
}
