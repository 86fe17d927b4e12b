/**
 * Which next hop a subnet's traffic to a destination takes: the longest prefix among the subnet's
 * user-defined routes and Azure's system routes (its VNet's address space, peered VNets, the
 * Internet default), a user-defined route winning a tie (learn.microsoft.com/azure/virtual-network/
 * virtual-networks-udr-overview, "How Azure selects a route"). Used to tell whether a firewall that
 * holds an allowlist is on the path or can be bypassed inside the network.
 */
import { Cidr } from "./addresses";
import { Firewall, FirewallIndex } from "./firewalls";
import { Route, Subnet } from "./topology";

/** Where traffic goes. */
export type NextHop =
  | { readonly kind: "direct"; readonly via: "VnetLocal" | "VNetPeering" | "Internet" | "VirtualNetworkGateway" }
  | { readonly kind: "firewall"; readonly firewall: Firewall; readonly route: Route }
  | { readonly kind: "appliance"; readonly route: Route; readonly address?: string }
  | { readonly kind: "drop"; readonly route: Route }
  | { readonly kind: "unknown"; readonly reason: string };

function contains(c: Cidr, d: Cidr): boolean {
  return c.family === d.family && (c.start as number | bigint) <= (d.start as number | bigint) && (d.end as number | bigint) <= (c.end as number | bigint);
}

/** The next hop of traffic from `subnet` to `dest`. */
export function nextHop(subnet: Subnet, dest: Cidr, firewalls: FirewallIndex): NextHop {
  if (subnet.routeTableUnknown && subnet.routeTables.length === 0) return { kind: "unknown", reason: subnet.routeTableUnknown };
  let best: { prefix: number; udr?: Route; system?: "VnetLocal" | "VNetPeering" | "Internet" } | undefined;
  const consider = (prefix: number, udr?: Route, system?: "VnetLocal" | "VNetPeering" | "Internet") => {
    if (!best || prefix > best.prefix || (prefix === best.prefix && udr && !best.udr)) best = { prefix, udr, system };
  };
  const vnet = subnet.vnet;
  if (vnet?.addressSpace.known) for (const c of vnet.addressSpace.value) if (contains(c, dest)) consider(c.prefix, undefined, "VnetLocal");
  for (const peer of vnet?.peers ?? []) if (peer.addressSpace.known) for (const c of peer.addressSpace.value) if (contains(c, dest)) consider(c.prefix, undefined, "VNetPeering");
  consider(0, undefined, "Internet");
  const unknownRoutes: string[] = [];
  for (const t of subnet.routeTables) {
    for (const r of t.routes) {
      if (!r.prefix.known) {
        unknownRoutes.push(`${t.resource.address} route ${r.name ?? "?"}: ${r.prefix.reason}`);
        continue;
      }
      if (contains(r.prefix.value, dest)) consider(r.prefix.value.prefix, r);
    }
  }
  const chosen = best!;
  if (!chosen.udr) {
    if (unknownRoutes.length > 0) return { kind: "unknown", reason: unknownRoutes[0] };
    return { kind: "direct", via: chosen.system! };
  }
  const r = chosen.udr;
  if (!r.nextHopType.known) return { kind: "unknown", reason: `next_hop_type: ${r.nextHopType.reason}` };
  switch (r.nextHopType.value.toLowerCase()) {
    case "virtualappliance": {
      if (r.nextHop?.unknown) return { kind: "unknown", reason: `next_hop_in_ip_address: ${r.nextHop.unknown}` };
      const fw = firewalls.firewallAt(r.nextHop);
      return fw ? { kind: "firewall", firewall: fw, route: r } : { kind: "appliance", route: r, address: r.nextHop?.ip?.text };
    }
    case "none": return { kind: "drop", route: r };
    case "vnetlocal": return { kind: "direct", via: "VnetLocal" };
    case "internet": return { kind: "direct", via: "Internet" };
    case "virtualnetworkgateway": return { kind: "direct", via: "VirtualNetworkGateway" };
    default: return { kind: "unknown", reason: `next_hop_type ${JSON.stringify(r.nextHopType.value)} is not known to the checks` };
  }
}
