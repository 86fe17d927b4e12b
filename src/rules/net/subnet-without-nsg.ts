import { closedByNicNsgs, describeClosedHosts } from "./closed-by-nic-nsgs";
import { Endpoint, subnetLabel } from "../../engine/access/access-model";
import { Topology } from "../../engine/access/topology";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
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
    + "AzureBastionSubnet is not exempt: Bastion supports an NSG. An NSG associated by a literal resource ID (outside this configuration) counts as an NSG. "
    + "Azure applies the subnet's NSG and then the NIC's, and both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works): "
    + "where every host of the subnet is a NIC closed to the virtual network by its own NSG (on every TCP and UDP port, a source outside the subnet gets "
    + "through the NIC NSG only by a narrow allowlist entry: a configured allow whose sources are explicit prefixes of at most a /24 (IPv6: a /64), none "
    + "holding every address of the VNet outside the subnet, on at most 16 destination ports; an allow from *, VirtualNetwork, a service tag, an application "
    + "security group, a wider prefix or more ports, a rule with values not known before apply, or Azure's AllowVNetInBound counts as the VNet getting in, "
    + "whatever the rule looks like), the finding says the hosts are protected only by their own NSGs, not that the VNet reaches them. "
    + "It stays an error where the subnet holds a deployment server (declared or inferred, or a VM whose roles cannot be told): R-PXE-4 asks for a firewall "
    + "around that segment, and it has none (SDZ-NET-003 makes the same situation a warning where the subnet has an NSG that lacks only its deny-all). "
    + "Elsewhere it is a note (naming the allowlist entries that still let some of the VNet in): nothing else reaches the hosts today and nothing of deployment sits there, but a host added without its own NSG would be open. "
    + "Where any host is reachable, or the hosts cannot all be listed (an empty subnet, a private endpoint, a NIC, private endpoint or VM whose subnet or "
    + "NICs cannot be followed, a scale set, AKS node pool or other resource the checks do not model that names the subnet), it is the error that the VNet "
    + "reaches the subnet on any port. An AKS node pool is not exempt: its nodes are filtered by an NSG that AKS manages on their NICs, outside this "
    + "configuration, which adds rules for Services (learn.microsoft.com/azure/aks/concepts-network) and cannot remove Azure's default AllowVNetInBound "
    + "(learn.microsoft.com/azure/virtual-network/network-security-groups-overview), so the VNet reaches the nodes.",
  fix: "Associate an NSG with the subnet (azurerm_subnet_network_security_group_association, or `security_group` on an inline subnet), or build the subnet as a DeploymentZone, which creates and associates a default-deny NSG.",
  requirements: ["R-PXE-4"],
  resourceTypes: [
    "azurerm_subnet", "azurerm_virtual_network", "azurerm_subnet_network_security_group_association", "azurerm_network_interface",
    "azurerm_network_interface_security_group_association", "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_windows_virtual_machine",
  ],
  reads: [
    "standalone and inline subnets", "subnet NSG associations (resource and inline security_group)", "subnet delegations",
    "inline and standalone NSG rules of the hosts' NICs, with Azure's default rules", "every resource that names a subnet (hosts the access model does not list)",
    "deployment roles (declared or inferred)",
  ],
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
      const closed = closedByNicNsgs(ctx, subnet);
      if (closed) {
        // Nothing of the VNet reaches its hosts today; a host added without its own NSG would be open.
        const infra = deploymentServerOf(ctx, closed.hosts);
        const msg = `${where} has no network security group, so its hosts are protected only by their own NSGs: ${describeClosedHosts(closed)}; `
          + "a host added to the subnet without one would be reachable from every subnet of the VNet, every peered VNet and every VPN/ExpressRoute-connected range on any port";
        if (infra) ctx.report(subnet.resource, `${msg}; the subnet holds ${infra}, and R-PXE-4 asks for a firewall around the segment`);
        else ctx.report(subnet.resource, msg, { level: RuleLevel.INFO });
        continue;
      }
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

/**
 * The first deployment server among the hosts (`kms-host azurerm_windows_virtual_machine.kms01 (inferred: ...)`), or a VM
 * whose roles cannot be told (fail closed: it may be one); undefined when none is.
 */
function deploymentServerOf(ctx: RuleContext, hosts: readonly Endpoint[]): string | undefined {
  for (const ep of hosts) {
    if (!ep.vm) continue;
    const roles = ctx.roles.ofVm(ep.vm);
    const claim = roles.claims[0];
    if (claim) return `${claim.role} ${ep.vm.resource.address} (${claim.source}: ${claim.evidence})`;
    if (roles.unknown) return `${ep.vm.resource.address}, whose deployment role cannot be read (${roles.unknown})`;
    if (roles.mayHold?.length) return `${ep.vm.resource.address}, which may be a ${roles.mayHold[0].role} (${roles.mayHold[0].why})`;
  }
  return undefined;
}

function isDedicatedHsm(d: Record<string, unknown>): boolean {
  const sd = Array.isArray(d.service_delegation) ? d.service_delegation : [d.service_delegation];
  return sd.some((x: any) => typeof x?.name === "string" && x.name.toLowerCase() === NSG_EXEMPT_DELEGATION);
}
