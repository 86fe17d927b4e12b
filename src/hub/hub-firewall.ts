import { Firewall } from "@cdktf/provider-azurerm/lib/firewall";
import { FirewallPolicy } from "@cdktf/provider-azurerm/lib/firewall-policy";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { RouteTable } from "@cdktf/provider-azurerm/lib/route-table";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { FirewallRoute, FirewallRouteTables } from "./firewall-routes";
import { HubGateway } from "./hub-gateway";
import { CidrBlock, cidrOverlaps, parseCidr } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, missingProp } from "../network/errors";
import { IPeer, PeerKind, requireSpecificPeers } from "../network/peer";
import { buildOrAbandon } from "../network/uniqueness";
import { AVAILABILITY_ZONES, requireAvailabilityZone, requireAzureName, requireDefined, requireDerivedName, requireEnum, requireIpv4Cidr } from "../network/validators";
import { DeploymentNetwork } from "../zones/deployment-network";
import { DeploymentZone } from "../zones/deployment-zone";

/** Azure Firewall tier. Basic is not offered (no threat intelligence Deny mode). */
export enum HubFirewallTier {
  STANDARD = "Standard",
  PREMIUM = "Premium",
}

/** Properties of a {@link HubFirewall}. */
export interface HubFirewallProps {
  /** The (hub) network; AzureFirewallSubnet is registered with it so no zone can overlap it. */
  readonly network: DeploymentNetwork;
  /** The AzureFirewallSubnet prefix: /26 or larger (Azure's requirement), inside the network address space. */
  readonly firewallSubnetPrefix: string;
  /**
   * Firewall name (1-56 letters, digits, `.`, `-`, `_`); the policy is named `<name>-policy`.
   * @default "hub-fw"
   */
  readonly firewallName?: string;
  /**
   * Tier of the firewall and its policy.
   * @default HubFirewallTier.STANDARD
   */
  readonly tier?: HubFirewallTier;
  /**
   * Availability zones of the firewall and its public IP.
   * @default - ["1", "2", "3"]
   */
  readonly availabilityZones?: string[];
}

/** What {@link HubFirewall.routeThrough} puts behind the firewall. */
export interface FirewallPathOptions {
  /**
   * The zone whose traffic with `clients` goes through the firewall, e.g. the KMS host's
   * activation zone, whose allowlist the firewall policy holds (R-KMS-8).
   */
  readonly zone: DeploymentZone;
  /**
   * Who reaches the zone through the firewall: the same peers as the allowlist (e.g. the KMS
   * host's `allowedClients`). Azure zones (`Peer.zone(zone)`) get a route table on their subnet;
   * CIDRs outside the network (on-premises ranges) are routed in from GatewaySubnet, which needs
   * `gateway`. Specific peers only: no any, no service tag.
   */
  readonly clients: IPeer[];
  /**
   * The hub's VPN gateway, through which the on-premises clients arrive.
   * @default - none; then every client must be an Azure zone
   */
  readonly gateway?: HubGateway;
}

/**
 * The hub's Azure Firewall: `AzureFirewallSubnet` (registered with the network; no NSG, which
 * Azure does not apply to it), a Standard static public IP, an `azurerm_firewall_policy` with
 * threat intelligence in Deny mode, and the `azurerm_firewall` using it. Other constructs (e.g. the
 * KMS host) attach rule collection groups to {@link HubFirewall.policy}; {@link HubFirewall.routeThrough}
 * puts the firewall on the path of a zone's traffic with its clients (route tables), so those rules
 * filter it.
 */
export class HubFirewall extends Construct {
  /** The AzureFirewallSubnet. */
  public readonly firewallSubnet: Subnet;
  /** The firewall's public IP. */
  public readonly publicIp: PublicIp;
  /** The firewall policy (threat intelligence Deny); attach rule collection groups here. */
  public readonly policy: FirewallPolicy;
  /** The firewall. */
  public readonly firewall: Firewall;
  /** The firewall's name. */
  public readonly firewallName: string;
  /** The network the firewall is the hub of. */
  public readonly network: DeploymentNetwork;

  private routes?: FirewallRouteTables;
  private privateIpRef?: string;

  constructor(scope: Construct, id: string, props: HubFirewallProps) {
    super(scope, id);
    const { network, name, tier, zones } = buildOrAbandon(this, () => attributeErrors(this.node.path, () => validateFirewallProps(props, this)));
    const rg = network.resourceGroupName;
    this.firewallName = name;
    this.network = network;

    this.firewallSubnet = new Subnet(this, "FirewallSubnet", {
      name: "AzureFirewallSubnet",
      resourceGroupName: rg,
      virtualNetworkName: network.virtualNetworkName,
      addressPrefixes: [props.firewallSubnetPrefix],
    });
    this.publicIp = new PublicIp(this, "PublicIp", {
      name: `${name}-pip`,
      location: network.location,
      resourceGroupName: rg,
      sku: "Standard",
      allocationMethod: "Static",
      zones: zones.length > 0 ? zones : undefined,
      tags: network.tags,
    });
    this.policy = new FirewallPolicy(this, "Policy", {
      name: `${name}-policy`,
      location: network.location,
      resourceGroupName: rg,
      sku: tier,
      threatIntelligenceMode: "Deny",
      tags: network.tags,
    });
    this.firewall = new Firewall(this, "Firewall", {
      name,
      location: network.location,
      resourceGroupName: rg,
      skuName: "AZFW_VNet",
      skuTier: tier,
      firewallPolicyId: this.policy.id,
      zones: zones.length > 0 ? zones : undefined,
      ipConfiguration: [{ name: "ipconfig1", subnetId: this.firewallSubnet.id, publicIpAddressId: this.publicIp.id }],
      tags: network.tags,
    });
  }

  /** The firewall policy ID. */
  public get policyId(): string {
    return this.policy.id;
  }

  /** The firewall's private IP (the next hop for routes through the firewall); known after apply. */
  public get privateIpAddress(): string {
    return (this.privateIpRef ??= this.firewall.ipConfiguration.get(0).privateIpAddress);
  }

  /** The route tables {@link routeThrough} created, by subnet name (a zone's name, or `GatewaySubnet`). */
  public get routeTables(): { [subnetName: string]: RouteTable } {
    return this.routes?.routeTables ?? {};
  }

  /**
   * Puts the firewall on the path between `zone` and its `clients`, both ways, so the rules of its
   * policy (e.g. the KMS allowlist, R-KMS-8) filter that traffic instead of being bypassed inside
   * the network. Without routes, subnets of one VNet reach each other directly (system route
   * "VnetLocal") and on-premises traffic goes from the gateway straight to the subnet.
   *
   * Builds user-defined routes, next hop type `VirtualAppliance` at the firewall's private IP:
   * - on each client zone's subnet: to the zone's prefix;
   * - on GatewaySubnet, for on-premises clients: to the zone's prefix (traffic arriving over the
   *   tunnel follows GatewaySubnet's routes);
   * - on the zone's subnet: back to each client prefix. Azure Firewall is stateful: the answer
   *   must return through the same firewall, or it is dropped as a flow the firewall never saw
   *   (learn.microsoft.com/azure/firewall/firewall-faq, asymmetric routing).
   *
   * Each route's prefix is the zone's or client's own prefix, longer than the VNet's address
   * space, so it wins over the system route (learn.microsoft.com/azure/virtual-network/
   * virtual-networks-udr-overview, "How Azure selects a route"). Azure Firewall does not SNAT
   * network-rule traffic to private (RFC 1918) destinations (learn.microsoft.com/azure/firewall/
   * snat-private-range), so the zone's NSG still sees the clients' own addresses and keeps
   * filtering them: NSG and firewall both apply. Traffic from the zone to other destinations
   * (e.g. domain controllers) is not redirected.
   *
   * Only the listed flows go through the firewall; everything else between those subnets that the
   * firewall policy does not allow is dropped by it, so open in the policy every flow between the
   * zone and its clients that the NSGs open. One route table per subnet (Azure allows one): a
   * subnet routed here must not be associated with another route table. Calling this again for
   * more zones or clients adds routes and renames nothing. A route table holds at most 400 routes
   * (Azure's limit): a call that would pass it in any table is refused and adds nothing.
   */
  public routeThrough(options: FirewallPathOptions): void {
    attributeErrors(this.node.path, () => this.routeThroughChecked(options));
  }

  private routeThroughChecked(options: FirewallPathOptions): void {
    requireDefined("options", options, "the zone and its clients (zone, clients, gateway)");
    const zone = options.zone;
    if (!(zone instanceof DeploymentZone)) {
      throw zone === undefined ? missingProp("zone", "the DeploymentZone behind the firewall") : invalidProp("zone", String(zone), "a DeploymentZone");
    }
    if (zone.network !== this.network) {
      throw invalidProp("zone", zone.zoneName, `a zone of the firewall's network ${this.network.networkName}`);
    }
    requireSpecificPeers("clients", options.clients);
    if (options.gateway !== undefined && (!(options.gateway instanceof HubGateway) || options.gateway.network !== this.network)) {
      throw invalidProp("gateway", String(options.gateway), `the HubGateway of the firewall's network ${this.network.networkName}`);
    }
    const space: CidrBlock[] = this.network.addressSpace.map((c) => parseCidr("network.addressSpace", c));
    const zones: DeploymentZone[] = [];
    const remote: string[] = [];
    options.clients.forEach((peer, i) => {
      if (peer.kind === PeerKind.ZONE && peer.zone instanceof DeploymentZone) {
        const z = peer.zone;
        if (z === zone) throw invalidProp(`clients[${i}]`, z.zoneName, `a zone other than ${zone.zoneName} itself (traffic inside a subnet is not routed)`);
        if (z.network !== this.network) throw invalidProp(`clients[${i}]`, z.zoneName, `a zone of the firewall's network ${this.network.networkName}`);
        if (!zones.includes(z)) zones.push(z);
        return;
      }
      for (const prefix of peer.addressPrefixes) {
        if (Token.isUnresolved(prefix)) throw invalidProp(`clients[${i}]`, prefix, "CIDRs known at synth (a route needs its prefix)");
        const block = parseCidr(`clients[${i}]`, prefix);
        const inside = space.find((s) => cidrOverlaps(s, block));
        if (inside) {
          throw invalidProp(`clients[${i}]`, prefix, `an Azure zone as Peer.zone(zone) (its subnet gets the route table), or a CIDR outside the network's address space ${inside.text}`);
        }
        if (!options.gateway) {
          throw missingProp("gateway", `the HubGateway the on-premises client ${prefix} comes through (its GatewaySubnet gets the route)`);
        }
        if (!remote.includes(block.text)) remote.push(block.text);
      }
    });
    const routes = (this.routes ??= new FirewallRouteTables(this, "Routes", this.network, this.firewallName, () => this.privateIpAddress));
    // A route's limitProp is what makes its table grow: the zone's table one route per client, a client's
    // (or GatewaySubnet's) table one route per zone routed for it.
    const planned: FirewallRoute[] = [];
    for (const z of zones) {
      planned.push({ subnetName: z.zoneName, subnetId: z.subnetId, prefix: zone.addressPrefix, subnetProp: "clients", limitProp: "zone" });
      planned.push({ subnetName: zone.zoneName, subnetId: zone.subnetId, prefix: z.addressPrefix, subnetProp: "zone", limitProp: "clients" });
    }
    if (remote.length > 0) {
      planned.push({ subnetName: "GatewaySubnet", subnetId: options.gateway!.gatewaySubnet.id, prefix: zone.addressPrefix, subnetProp: "gateway", limitProp: "zone" });
      for (const prefix of remote) planned.push({ subnetName: zone.zoneName, subnetId: zone.subnetId, prefix, subnetProp: "zone", limitProp: "clients" });
    }
    routes.routeAll(planned);
  }
}

/** Validates every prop before anything is built; registers AzureFirewallSubnet with the network. */
function validateFirewallProps(props: HubFirewallProps, owner: Construct) {
  requireDefined("props", props, "the firewall's props (network, firewallSubnetPrefix)");
  if (!(props.network instanceof DeploymentNetwork)) {
    throw props.network === undefined ? missingProp("network", "the hub DeploymentNetwork") : invalidProp("network", String(props.network), "a DeploymentNetwork");
  }
  const network = props.network;
  const name = requireAzureName("firewallName", props.firewallName ?? "hub-fw", "firewall");
  requireDerivedName("firewallName", name, `${name}-policy`, "firewallPolicy");
  const tier = requireEnum("tier", props.tier, HubFirewallTier, HubFirewallTier.STANDARD);
  const zonesGiven = props.availabilityZones ?? AVAILABILITY_ZONES;
  if (!Array.isArray(zonesGiven)) throw invalidProp("availabilityZones", zonesGiven, "a list of availability zones (\"1\", \"2\", \"3\")");
  const zones = zonesGiven.map((z, i) => requireAvailabilityZone(`availabilityZones[${i}]`, requireDefined(`availabilityZones[${i}]`, z, "\"1\", \"2\" or \"3\"")) as string);
  const allowed = "an IPv4 prefix of /26 or larger (e.g. 10.0.254.0/26)";
  const block = requireIpv4Cidr("firewallSubnetPrefix", props.firewallSubnetPrefix, allowed);
  if (block.prefixLength > 26) throw invalidProp("firewallSubnetPrefix", props.firewallSubnetPrefix, allowed);
  network._registerSubnet("AzureFirewallSubnet", props.firewallSubnetPrefix, "firewallSubnetPrefix", () => invalidProp("network", network.networkName,
    `a network without a hub firewall: network ${network.networkName} already has its AzureFirewallSubnet (one HubFirewall per network)`, ConstructErrorCode.DUPLICATE_VALUE), owner);
  // Names unique per resource group (another network may share it), claimed once the subnet is registered
  // (a second firewall in this network is told so; a refused prefix claims nothing). A refused firewall gives them back.
  for (const [type, n] of [["firewall", name], ["public IP", `${name}-pip`], ["firewall policy", `${name}-policy`]]) network._claimName("firewallName", name, type, n, owner);
  return { network, name, tier, zones: [...new Set(zones)] };
}
