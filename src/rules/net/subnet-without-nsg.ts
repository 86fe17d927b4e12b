import { subnetLabel } from "../../engine/access/access-model";
import { Topology } from "../../engine/access/topology";
import { defineRule, RuleLevel } from "../../engine/rule";
import { isNsgExemptSubnet } from "../../network/platform-subnets";
import { lazyExamples } from "../lazy-examples";

/** Subnets delegated to Dedicated HSM cannot have an NSG either. */
const NSG_EXEMPT_DELEGATION = "microsoft.hardwaresecuritymodules/dedicatedhsms";

export const subnetWithoutNsg = defineRule({
  id: "SDZ-NET-002",
  level: RuleLevel.ERROR,
  title: "Subnet without a network security group",
  rationale:
    "Seed 000 asks for protections around any network that contains deployment infrastructure or PXE clients: a firewall, configured appropriately (R-PXE-4). "
    + "In Azure a subnet without an NSG accepts every flow the VNet routes: other subnets, peered VNets and VPN/ExpressRoute-connected ranges alike. "
    + "GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet and RouteServerSubnet are exempt because Azure does not support an NSG on them "
    + "(the gateway, the firewall and the route server are filtered by the platform); so are subnets delegated to Dedicated HSM. "
    + "AzureBastionSubnet is not exempt: Bastion supports an NSG. An NSG associated by a literal resource ID (outside this configuration) counts as an NSG.",
  fix: "Associate an NSG with the subnet (azurerm_subnet_network_security_group_association, or `security_group` on an inline subnet), or build the subnet as a DeploymentZone, which creates and associates a default-deny NSG.",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_subnet", "azurerm_virtual_network", "azurerm_subnet_network_security_group_association"],
  reads: ["standalone and inline subnets", "subnet NSG associations (resource and inline security_group)", "subnet delegations"],
  check(ctx) {
    const m = ctx.model;
    for (const subnet of Topology.of(m).subnets) {
      if (subnet.nsgs.length > 0 || subnet.nsgExternal) continue;
      const where = subnetLabel(subnet);
      if (subnet.nsgUnknown) {
        ctx.unverified(subnet.resource, `${where} has no NSG this configuration can see, but ${subnet.nsgUnknown}; it may be the one associated`);
        continue;
      }
      if (subnet.name === undefined) {
        ctx.unverified(subnet.resource, `${where} has no NSG and its name is not known before apply, so it cannot be matched against the subnets Azure exempts`);
        continue;
      }
      // GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet: NSG_EXEMPT_SUBNETS (not AzureBastionSubnet).
      if (isNsgExemptSubnet(subnet)) continue;
      if (!subnet.inline && m.blocks(subnet.resource, "delegation").some(isDedicatedHsm)) continue;
      ctx.report(subnet.resource, `${where} has no network security group: every subnet of the VNet, every peered VNet and every VPN/ExpressRoute-connected range can reach it on any port`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A subnet with no NSG",
      terraform: {
        resource: {
          azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
          azurerm_subnet: { pxe: { name: "pxe", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.3.0/24"] } },
        },
      },
      flagged: ["azurerm_subnet.pxe"],
    }],
    good: [{
      description: "The subnet's NSG is associated",
      terraform: {
        resource: {
          azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
          azurerm_subnet: { pxe: { name: "pxe", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.3.0/24"] } },
          azurerm_network_security_group: { pxe: { name: "pxe-nsg", location: "westeurope", resource_group_name: "rg" } },
          azurerm_subnet_network_security_group_association: { pxe: { subnet_id: "${azurerm_subnet.pxe.id}", network_security_group_id: "${azurerm_network_security_group.pxe.id}" } },
        },
      },
    }],
  })),
});

function isDedicatedHsm(d: Record<string, unknown>): boolean {
  const sd = Array.isArray(d.service_delegation) ? d.service_delegation : [d.service_delegation];
  return sd.some((x: any) => typeof x?.name === "string" && x.name.toLowerCase() === NSG_EXEMPT_DELEGATION);
}
