/**
 * What SDZ-NET-002 and SDZ-NET-003 ask before saying that "every subnet of the VNet can reach" a
 * subnet on any port: whether every host in it is closed to the virtual network by its own NIC NSG.
 * Azure evaluates inbound traffic against the subnet's NSG and then the NIC's, and both must allow
 * (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works), so a NIC NSG whose
 * deny-all overrides AllowVNetInBound closes its host whatever the subnet lets in.
 */
import { Endpoint, Grant, LayerStep } from "../../engine/access/access-model";
import { reopensAllowVnetInBound } from "../../engine/access/nsg-eval";
import { SourceSet } from "../../engine/access/source-set";
import { unlistedHosts } from "../../engine/access/subnet-residents";
import { NsgRule, Subnet } from "../../engine/access/topology";
import { RuleContext } from "../../engine/rule";

/** Every TCP and UDP port: one grant per protocol shows a host open. */
export const ALL_PORTS = [{ protocol: "Tcp" as const, from: 0, to: 65535 }, { protocol: "Udp" as const, from: 0, to: 65535 }];

/** Azure's AllowVNetInBound, or an explicit allow of all traffic from `*` or VirtualNetwork that re-creates it. */
export function isVnetAllow(rule: NsgRule | undefined): boolean {
  return !!rule && ((rule.isDefault && rule.name === "AllowVNetInBound") || reopensAllowVnetInBound(rule));
}

/** The subnet's own addresses (sources inside the zone). */
export function subnetSources(s: Subnet): SourceSet {
  let out = SourceSet.EMPTY;
  if (s.prefixes.known) for (const c of s.prefixes.value) out = out.union(c.family === 4 ? SourceSet.v4([[c.start, c.end]]) : SourceSet.v6([[c.start, c.end]]));
  return out;
}

/** A grant's addresses outside `own` (service tags dropped: they are not the virtual network). */
export function outsideOf(g: Grant, own: SourceSet): SourceSet {
  return new SourceSet(g.sources.v4, g.sources.v6, SourceSet.EMPTY.tokens).subtract(own);
}

/**
 * The NIC layer lets the grant in through AllowVNetInBound (or a rule re-creating it), may do so (an
 * uncertain grant with a doubt there), or decides without a rule this configuration can read.
 */
function nicLetsVnetIn(g: Grant): boolean {
  const nic: LayerStep | undefined = g.layers.find((l) => l.layer === "nic");
  if (!nic?.rule) return true;
  return isVnetAllow(nic.rule) || (g.outcome === "uncertain" && !!nic.doubt);
}

/**
 * The host endpoints of `subnet` when every one of them is a NIC whose own NSG closes it to the
 * virtual network (no TCP or UDP port lets a source outside the subnet in through the NIC NSG's
 * AllowVNetInBound or a rule re-creating it, not even possibly); otherwise undefined. Fail closed:
 * undefined for an empty subnet, a private endpoint (no NIC NSG), a NIC without a readable NSG, and
 * a subnet whose hosts cannot all be listed ({@link unlistedHosts}: a NIC or private endpoint whose
 * subnet cannot be followed, a scale set, AKS node pool or other resource the access model does not
 * model that names the subnet).
 */
export function closedByNicNsgs(ctx: Pick<RuleContext, "model" | "access">, subnet: Subnet): readonly Endpoint[] | undefined {
  const access = ctx.access;
  if (unlistedHosts(ctx.model, subnet)) return undefined;
  const hosts = access.hostEndpointsOf(subnet);
  if (hosts.length === 0) return undefined;
  const own = subnetSources(subnet);
  for (const ep of hosts) {
    if (ep.kind !== "nic" || !ep.nic || ep.nic.nsgs.length === 0 || ep.nic.nsgUnknown) return undefined;
    for (const probe of ALL_PORTS) {
      if (access.findGrant(ep, probe, (g) => nicLetsVnetIn(g) && !outsideOf(g, own).isEmpty)) return undefined;
    }
  }
  return hosts;
}

/**
 * `its only host azurerm_network_interface.a (10.0.1.4) is closed to the virtual network by its own NIC NSG (nsg-a)`, or
 * `each of its 2 hosts (a, b) is ... (nsg-a, nsg-b)`: at most three hosts named.
 */
export function describeClosedHosts(hosts: readonly Endpoint[]): string {
  const names = [...new Set(hosts.flatMap((ep) => ep.nic!.nsgs.map((n) => n.name ?? n.resource.address)))];
  const nsgs = `${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""}`;
  const who = hosts.length === 1 ? `its only host ${hosts[0].label}`
    : `each of its ${hosts.length} hosts (${hosts.slice(0, 3).map((ep) => ep.label).join(", ")}${hosts.length > 3 ? ", ..." : ""})`;
  return `${who} is closed to the virtual network by its own NIC NSG (${nsgs})`;
}
