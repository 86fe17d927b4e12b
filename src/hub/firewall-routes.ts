import { createHash } from "crypto";
import { Route } from "@cdktf/provider-azurerm/lib/route";
import { RouteTable } from "@cdktf/provider-azurerm/lib/route-table";
import { SubnetRouteTableAssociation } from "@cdktf/provider-azurerm/lib/subnet-route-table-association";
import { Construct } from "constructs";
import { invalidProp } from "../network/errors";
import { ROUTE_TABLE_LIMITS } from "../network/limits";
import { claimAtomically } from "../network/uniqueness";
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
   * Sends each route's subnet's traffic to its prefix through the firewall: a user-defined route,
   * next hop type VirtualAppliance, next hop the firewall's private IP. A user-defined route wins
   * over the system routes (the VNet's address space, gateway-learned on-premises prefixes) when
   * its prefix is as long or longer (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview,
   * "How Azure selects a route": longest prefix match, then user-defined before BGP before system).
   * The same route twice is one route. All or nothing: Azure's limit of routes per table and the
   * new tables' names are checked before anything is built, so a refused call adds nothing.
   */
  public routeAll(routes: FirewallRoute[]): void {
    const planned = new Map<string, { first: FirewallRoute; held: number; prefixes: Set<string> }>();
    for (const r of routes) {
      const key = r.subnetName.toLowerCase();
      let p = planned.get(key);
      if (!p) planned.set(key, (p = { first: r, held: this.tables.get(key)?.routes.size ?? 0, prefixes: new Set() }));
      if (!this.tables.get(key)?.routes.has(r.prefix)) p.prefixes.add(r.prefix);
    }
    const max = ROUTE_TABLE_LIMITS.routesPerTableMax;
    for (const { first, held, prefixes } of planned.values()) {
      if (held + prefixes.size <= max) continue;
      throw invalidProp(first.limitProp, `${held + prefixes.size} routes in route table ${tableName(first.subnetName)} (${held} already, ${prefixes.size} more from this call)`,
        `at most ${max} routes per route table (Azure's limit): subnet ${first.subnetName} gets one route per prefix it sends through the firewall; `
        + "summarise on-premises prefixes into wider ones, or route fewer zones or clients through this firewall");
    }
    // Route table names are unique per resource group: another network sharing the group may route the same subnet name.
    claimAtomically(this, () => {
      for (const [key, { first }] of planned) {
        if (!this.tables.has(key)) this.network._claimName(first.subnetProp, first.subnetName, "route table", tableName(first.subnetName), this);
      }
    });
    for (const r of routes) this.route(r);
  }

  /** The route tables created so far, by subnet name. */
  public get routeTables(): { [subnetName: string]: RouteTable } {
    return Object.fromEntries([...this.tables.entries()].map(([k, v]) => [k, v.table]));
  }

  private route(r: FirewallRoute): Route {
    const entry = this.tableOf(r.subnetName, r.subnetId);
    const existing = entry.routes.get(r.prefix);
    if (existing) return existing;
    const slug = r.prefix.replace(/[./]/g, "-");
    const route = new Route(entry.table, `To-${slug}`, {
      name: routeName(this.firewallName, r.prefix, slug),
      resourceGroupName: this.network.resourceGroupName,
      routeTableName: entry.table.name,
      addressPrefix: r.prefix,
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: this.nextHop(),
    });
    entry.routes.set(r.prefix, route);
    return route;
  }

  private tableOf(subnetName: string, subnetId: string) {
    const key = subnetName.toLowerCase();
    let entry = this.tables.get(key);
    if (entry) return entry;
    // Construct IDs from the subnet name: readable, and a short hash keeps names that slug alike apart.
    const id = `${subnetName.replace(/[^A-Za-z0-9]/g, "")}-${createHash("sha256").update(key).digest("hex").slice(0, 6)}`;
    const table = new RouteTable(this, `Table-${id}`, {
      name: tableName(subnetName),
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

/** A route {@link FirewallRouteTables.routeAll} adds. @internal */
export interface FirewallRoute {
  /** The subnet whose route table gets the route. */
  readonly subnetName: string;
  /** The subnet's ID (the table is associated with it). */
  readonly subnetId: string;
  /** The destination prefix. */
  readonly prefix: string;
  /** The routeThrough option the subnet comes from (named when its table's name is taken). */
  readonly subnetProp: string;
  /** The routeThrough option that adds the route (named when the table would pass Azure's limit). */
  readonly limitProp: string;
}

/** A subnet's route table name. */
function tableName(subnetName: string): string {
  return `${subnetName}-rt`.slice(0, 80);
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
