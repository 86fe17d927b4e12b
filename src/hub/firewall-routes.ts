import { createHash } from "crypto";
import { Route } from "@cdktf/provider-azurerm/lib/route";
import { RouteTable } from "@cdktf/provider-azurerm/lib/route-table";
import { SubnetRouteTableAssociation } from "@cdktf/provider-azurerm/lib/subnet-route-table-association";
import { Construct } from "constructs";
import { DeploymentNetwork } from "../zones/deployment-network";

/**
 * The route tables of the subnets whose traffic a hub firewall carries: one `azurerm_route_table`
 * per subnet (Azure associates at most one route table with a subnet), created on first use and
 * associated with the subnet, and one standalone `azurerm_route` per destination prefix.
 *
 * Stable addresses: a table's construct ID and Azure name come from the subnet's name, a route's
 * from its destination prefix, never from call order; routing another zone through the firewall
 * adds a table and routes and renames none. Standalone routes (not inline `route` blocks) also
 * keep Terraform from rewriting a whole table when one route is added. @internal
 */
export class FirewallRouteTables extends Construct {
  private readonly tables = new Map<string, { table: RouteTable; routes: Map<string, Route> }>();

  constructor(
    scope: Construct, id: string,
    private readonly network: DeploymentNetwork, private readonly firewallName: string, private readonly nextHop: () => string,
  ) {
    super(scope, id);
  }

  /**
   * Sends `subnetName`'s traffic to `prefix` through the firewall: a user-defined route, next hop
   * type VirtualAppliance, next hop the firewall's private IP. A user-defined route wins over the
   * system routes (the VNet's address space, gateway-learned on-premises prefixes) when its prefix
   * is as long or longer (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview,
   * "How Azure selects a route": longest prefix match, then user-defined before BGP before system).
   * The same route twice is one route. `prop` is the routeThrough option the subnet comes from.
   */
  public route(subnetName: string, subnetId: string, prefix: string, prop: string): Route {
    const entry = this.tableOf(subnetName, subnetId, prop);
    const existing = entry.routes.get(prefix);
    if (existing) return existing;
    const slug = prefix.replace(/[./]/g, "-");
    const route = new Route(entry.table, `To-${slug}`, {
      name: routeName(this.firewallName, prefix, slug),
      resourceGroupName: this.network.resourceGroupName,
      routeTableName: entry.table.name,
      addressPrefix: prefix,
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: this.nextHop(),
    });
    entry.routes.set(prefix, route);
    return route;
  }

  /** The route tables created so far, by subnet name. */
  public get routeTables(): { [subnetName: string]: RouteTable } {
    return Object.fromEntries([...this.tables.entries()].map(([k, v]) => [k, v.table]));
  }

  private tableOf(subnetName: string, subnetId: string, prop: string) {
    const key = subnetName.toLowerCase();
    let entry = this.tables.get(key);
    if (entry) return entry;
    // Route table names are unique per resource group: another network sharing the group may route the same subnet name.
    this.network._claimName(prop, subnetName, "route table", `${subnetName}-rt`, this);
    // Construct IDs from the subnet name: readable, and a short hash keeps names that slug alike apart.
    const id = `${subnetName.replace(/[^A-Za-z0-9]/g, "")}-${createHash("sha256").update(key).digest("hex").slice(0, 6)}`;
    const table = new RouteTable(this, `Table-${id}`, {
      name: `${subnetName}-rt`.slice(0, 80),
      location: this.network.location,
      resourceGroupName: this.network.resourceGroupName,
      // Gateway routes stay propagated: on GatewaySubnet Azure requires it (learn.microsoft.com/azure/
      // vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub), and on a zone's subnet the
      // on-premises prefixes the gateway learns must stay reachable for traffic not sent to the firewall.
      bgpRoutePropagationEnabled: true,
      tags: this.network.tags,
    });
    new SubnetRouteTableAssociation(this, `Association-${id}`, { subnetId, routeTableId: table.id });
    entry = { table, routes: new Map() };
    this.tables.set(key, entry);
    return entry;
  }
}

/** Azure's longest route name. */
const ROUTE_NAME_MAX = 80;

/**
 * A route's Azure name: `via-<firewall>-to-<prefix>`. Route names are 1-80 characters of letters,
 * digits, `_`, `.` and `-`, starting with a letter or digit and ending with a letter, digit or `_`
 * (learn.microsoft.com, "Naming rules and restrictions for Azure resources", Microsoft.Network
 * routeTables/routes), unique in their table. A name that fits is kept as it is (stable
 * addresses: `name` forces a new route); a longer one keeps its readable start, cut where it
 * still ends validly, and a hash of the firewall and prefix, so two cut names never meet.
 */
function routeName(firewallName: string, prefix: string, slug: string): string {
  const full = `via-${firewallName}-to-${slug}`;
  if (full.length <= ROUTE_NAME_MAX) return full;
  const hash = createHash("sha256").update(`${firewallName}|${prefix}`).digest("hex").slice(0, 10);
  return `${full.slice(0, ROUTE_NAME_MAX - hash.length - 1).replace(/[-_.]+$/, "")}-${hash}`;
}
