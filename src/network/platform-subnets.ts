/**
 * Azure's platform subnets: the subnet names Azure reserves for its own services, what each holds,
 * and the two sets the checks derive from them. The one place these names are spelled: the
 * constructs refuse them as zone names, the engine and the rules recognise them on any subnet.
 *
 * Azure matches them without regard to case: "Resource names are case-insensitive unless
 * specifically noted" (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules;
 * nothing is noted for virtualNetworks/subnets), and azurerm's own GatewaySubnet check compares with
 * strings.EqualFold (validate.IsGatewaySubnet). @internal
 */

/** One platform subnet. @internal */
export interface PlatformSubnet {
  /** The name Azure requires, as its documentation spells it. */
  readonly name: string;
  /** What Azure puts in it, for comments and messages. */
  readonly holds: string;
}

/** The platform subnets, by what they are for. @internal */
export const PLATFORM_SUBNETS = {
  /**
   * The VPN and ExpressRoute gateways' instances: "The gateway subnet must be named 'GatewaySubnet'"
   * (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub).
   */
  gateway: { name: "GatewaySubnet", holds: "the VPN and ExpressRoute gateways' instances" },
  /**
   * Azure Firewall's data path: "The subnet must be named AzureFirewallSubnet"
   * (learn.microsoft.com/azure/firewall/firewall-faq).
   */
  firewall: { name: "AzureFirewallSubnet", holds: "Azure Firewall's instances (its data path)" },
  /**
   * Azure Firewall's management NIC: "the firewall routes its management traffic via the
   * AzureFirewallManagementSubnet"; it "separates firewall management traffic from customer traffic"
   * (learn.microsoft.com/azure/firewall/management-nic).
   */
  firewallManagement: { name: "AzureFirewallManagementSubnet", holds: "Azure Firewall's management NIC (management traffic only)" },
  /**
   * Azure Bastion's hosts, which open RDP/SSH to the VMs from this subnet's addresses
   * (learn.microsoft.com/azure/bastion/bastion-nsg: "Ingress from AzureBastionSubnet (ports 3389, 22)").
   * Nothing else may be there ("The subnet cannot contain additional resources",
   * learn.microsoft.com/azure/bastion/configuration-settings#subnet). Its NSG lets the Internet in on
   * TCP 443, to Bastion's own TLS front end where users sign in to Azure: with the configuration's
   * Bastion in it, that is no perimeter, and the zone is an administrative source (Zones.bastionOf).
   */
  bastion: { name: "AzureBastionSubnet", holds: "Azure Bastion's hosts" },
  /**
   * Azure Route Server: "It must be deployed in a dedicated subnet called RouteServerSubnet"
   * (learn.microsoft.com/azure/route-server/route-server-faq).
   */
  routeServer: { name: "RouteServerSubnet", holds: "Azure Route Server's instances (BGP only)" },
} as const satisfies Record<string, PlatformSubnet>;

/** Which platform subnet. @internal */
export type PlatformSubnetKind = keyof typeof PLATFORM_SUBNETS;

const BY_NAME = new Map<string, PlatformSubnetKind>(
  (Object.keys(PLATFORM_SUBNETS) as PlatformSubnetKind[]).map((k) => [PLATFORM_SUBNETS[k].name.toLowerCase(), k]),
);

/** Anything with a subnet name: the engine's subnets, a construct's name. */
type Named = { readonly name?: string } | undefined;

/** The platform subnet a name is (in any case), or undefined. @internal */
export function platformSubnetKind(name: string | undefined): PlatformSubnetKind | undefined {
  return typeof name === "string" ? BY_NAME.get(name.toLowerCase()) : undefined;
}

/** Azure's reserved subnet names, lower-cased: a zone cannot take them. @internal */
export const RESERVED_SUBNET_NAMES: readonly string[] = [...BY_NAME.keys()];

/**
 * Subnets Azure refuses or does not support an NSG on (SDZ-NET-002 exempts them):
 * - GatewaySubnet: "NSGs on the gateway subnet aren't supported" (learn.microsoft.com/azure/vpn-gateway/
 *   vpn-gateway-about-vpn-gateway-settings#gwsub); Azure refuses the association while a gateway is
 *   there (NetworkSecurityGroupCannotBeAttachedToGatewaySubnet, as met in
 *   github.com/Azure-Terraform/terraform-azurerm-virtual-network/issues/18);
 * - AzureFirewallSubnet: "Subnet level NSGs aren't required on the AzureFirewallSubnet, and are
 *   disabled" (learn.microsoft.com/azure/firewall/firewall-faq);
 * - AzureFirewallManagementSubnet: Microsoft Learn says nothing of its own; Microsoft's PSRule for
 *   Azure lists it with AzureFirewallSubnet as not supporting NSGs, "Azure Firewall includes an
 *   intrinsic NSG" (azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VNET.UseNSGs);
 * - RouteServerSubnet: "Azure Route Server doesn't support NSG association to the RouteServerSubnet"
 *   (learn.microsoft.com/azure/route-server/route-server-faq).
 * Not AzureBastionSubnet: "Azure Bastion supports NSGs on the AzureBastionSubnet" (learn.microsoft.com/
 * azure/bastion/bastion-nsg), with the rules it requires. @internal
 */
export const NSG_EXEMPT_SUBNETS: ReadonlySet<PlatformSubnetKind> = new Set<PlatformSubnetKind>(["gateway", "firewall", "firewallManagement", "routeServer"]);

/**
 * Platform subnets whose own addresses are no client zone: what Azure runs there sends no client's
 * traffic from them, so a rule naming their ranges lets no client in (and, with no NSG possible on
 * them, no sdz-trust could ever be declared there). Each says why:
 * - GatewaySubnet: the gateway forwards on-premises traffic with its on-premises source addresses
 *   (judged as the local network gateway's zone);
 * - RouteServerSubnet: "Azure Route Server only exchanges BGP routes with your NVA. The data traffic
 *   goes directly from the NVA to the destination VM" (learn.microsoft.com/azure/route-server/route-server-faq);
 * - AzureFirewallManagementSubnet: the firewall's management traffic, kept apart "from customer
 *   traffic" (learn.microsoft.com/azure/firewall/management-nic).
 * Not AzureFirewallSubnet: the firewall sends its DNAT and SNATed clients from those addresses, so
 * they may stand for clients (judged by the engine's firewall-subnet doubt, not by trust). Not
 * AzureBastionSubnet: Bastion's sessions come from its addresses; it is a client zone. @internal
 */
export const NO_CLIENT_SUBNETS: ReadonlySet<PlatformSubnetKind> = new Set<PlatformSubnetKind>(["gateway", "routeServer", "firewallManagement"]);

/** True when the subnet is one of Azure's platform subnets (any of {@link PLATFORM_SUBNETS}). @internal */
export function isPlatformSubnet(subnet: Named): boolean {
  return platformSubnetKind(subnet?.name) !== undefined;
}

/** True for GatewaySubnet. @internal */
export function isGatewaySubnet(subnet: Named): boolean {
  return platformSubnetKind(subnet?.name) === "gateway";
}

/** True for AzureFirewallSubnet. @internal */
export function isFirewallSubnet(subnet: Named): boolean {
  return platformSubnetKind(subnet?.name) === "firewall";
}

/** True for a subnet Azure refuses or does not support an NSG on ({@link NSG_EXEMPT_SUBNETS}). @internal */
export function isNsgExemptSubnet(subnet: Named): boolean {
  const kind = platformSubnetKind(subnet?.name);
  return kind !== undefined && NSG_EXEMPT_SUBNETS.has(kind);
}

/** True for a platform subnet whose own addresses are no client zone ({@link NO_CLIENT_SUBNETS}). @internal */
export function isNoClientSubnet(subnet: Named): boolean {
  const kind = platformSubnetKind(subnet?.name);
  return kind !== undefined && NO_CLIENT_SUBNETS.has(kind);
}
