import { TfResource } from "../../engine/model";
import { SubnetView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

/**
 * Subnets Azure reserves for services that do not support an NSG on their subnet, lower-cased:
 * - `GatewaySubnet` (VPN/ExpressRoute gateways: an NSG breaks the gateway);
 * - `AzureFirewallSubnet` and `AzureFirewallManagementSubnet` (Azure Firewall has an intrinsic,
 *   unmanageable NSG; Azure rejects an association on either subnet);
 * - `RouteServerSubnet` (Azure Route Server does not support an NSG on its subnet).
 * `AzureBastionSubnet` is NOT exempt: Bastion supports (and should have) an NSG with its documented rules.
 */
export const NSG_EXEMPT_SUBNETS = ["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"];
/** Subnets delegated to this service (Dedicated HSM) cannot have an NSG either. */
const NSG_EXEMPT_DELEGATION = "microsoft.hardwaresecuritymodules/dedicatedhsms";

export const subnetWithoutNsg = defineRule({
  id: "SDZ-NET-002",
  level: RuleLevel.ERROR,
  area: "network",
  title: "Subnet without a network security group",
  rationale:
    "Seed 000 asks for protections around any network that contains deployment infrastructure or PXE clients: a firewall, configured appropriately (R-PXE-4). "
    + "In Azure a subnet without an NSG accepts every flow the VNet routes: other subnets, peered VNets and VPN/ExpressRoute-connected ranges alike. "
    + "GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet and RouteServerSubnet are exempt because Azure does not support an NSG on them "
    + "(the gateway, the firewall and the route server are filtered by the platform); so are subnets delegated to Dedicated HSM. "
    + "AzureBastionSubnet is not exempt: Bastion supports an NSG.",
  fix: "Associate an NSG with the subnet (azurerm_subnet_network_security_group_association, or `security_group` on an inline subnet), or build the subnet as a DeploymentZone, which creates and associates a default-deny NSG.",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_subnet", "azurerm_virtual_network", "azurerm_subnet_network_security_group_association"],
  check(ctx) {
    const m = ctx.model;
    const net = ctx.network;

    // Associations the index could not follow: decide which subnets they may concern.
    const coveredSubnets = new Set<SubnetView>(); // subnet known, NSG not followed: the subnet has an NSG
    const maybeByResource = new Map<TfResource, string>(); // association pointing at a non-subnet resource (a VNet's inline subnets)
    const maybeByName = new Map<string, string>(); // association with a literal subnet ID: matched by subnet name
    let maybeAny: string | undefined; // association whose subnet is not known before apply: may be any subnet
    for (const a of net.unresolvedAssociations) {
      if (a.type !== "azurerm_subnet_network_security_group_association") continue;
      const target = m.referencedResource(a.config.subnet_id);
      const subnet = target ? net.subnetOf(target) : undefined;
      if (subnet) {
        coveredSubnets.add(subnet);
      } else if (target) {
        maybeByResource.set(target, `association ${a.address} refers to ${target.address} in a way that cannot be followed to one subnet`);
      } else {
        const id = m.resolveString(a.config.subnet_id);
        if (id.known) {
          const name = /\/subnets\/([^/]+)\/?$/i.exec(id.value)?.[1];
          if (name) maybeByName.set(name.toLowerCase(), `association ${a.address} names subnet "${name}" by a literal ID`);
        } else {
          maybeAny ??= `association ${a.address} has a subnet_id that is not known before apply (${id.reason})`;
        }
      }
    }

    // Inline subnets: their `security_group` field, in block order.
    const inlineNsgField = new Map<SubnetView, unknown>();
    for (const vnet of m.ofType("azurerm_virtual_network")) {
      const blocks = m.blocks(vnet, "subnet");
      const views = net.subnets.filter((s) => s.inline && s.resource === vnet);
      views.forEach((v, i) => inlineNsgField.set(v, blocks[i]?.security_group));
    }

    for (const subnet of net.subnets) {
      if (subnet.nsgs.length > 0 || coveredSubnets.has(subnet)) continue;
      const where = subnet.inline ? `inline subnet "${subnet.name ?? "?"}" of ${subnet.resource.address}` : `subnet "${subnet.name ?? subnet.resource.name}"`;

      if (subnet.inline) {
        const field = inlineNsgField.get(subnet);
        if (field !== undefined && field !== null) {
          const sg = m.resolveString(field);
          if (sg.known && sg.value.trim() !== "") continue; // an NSG outside this configuration, by ID
          if (!sg.known) {
            ctx.unverified(subnet.resource, `${where}: its security_group is not known before apply (${sg.reason})`);
            continue;
          }
        }
      }

      if (subnet.name === undefined) {
        ctx.unverified(subnet.resource, `${where} has no NSG and its name is not known before apply, so it cannot be matched against the subnets Azure exempts`);
        continue;
      }
      if (NSG_EXEMPT_SUBNETS.includes(subnet.name.toLowerCase())) continue;
      if (!subnet.inline && isDedicatedHsmDelegation(m.blocks(subnet.resource, "delegation"))) continue;

      const maybe = maybeByResource.get(subnet.resource) ?? maybeByName.get(subnet.name.toLowerCase()) ?? maybeAny;
      if (maybe) {
        ctx.unverified(subnet.resource, `${where} has no NSG this configuration can see, but ${maybe}; it may be the one associated`);
        continue;
      }
      ctx.report(subnet.resource,
        `${where} has no network security group: every subnet of the VNet, every peered VNet and every VPN/ExpressRoute-connected range can reach it on any port`);
    }
  },
});

function isDedicatedHsmDelegation(delegations: Record<string, any>[]): boolean {
  return delegations.some((d) => {
    const sd = Array.isArray(d.service_delegation) ? d.service_delegation : [d.service_delegation];
    return sd.some((x: any) => typeof x?.name === "string" && x.name.toLowerCase() === NSG_EXEMPT_DELEGATION);
  });
}
