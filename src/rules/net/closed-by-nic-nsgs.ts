/**
 * What SDZ-NET-002 and SDZ-NET-003 ask before saying that "every subnet of the VNet can reach" a
 * subnet on any port: whether every host in it is closed to the virtual network by its own NIC NSG.
 * Azure evaluates inbound traffic against the subnet's NSG and then the NIC's, and both must allow
 * (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works), so a NIC NSG whose
 * deny-all overrides AllowVNetInBound closes its host whatever the subnet lets in, but for the narrow
 * allowlist entries before it, which the messages name. Judged by what gets through, not by rule shape.
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

/** At most this many destination ports in a NIC rule that lets sources outside the subnet in: a rule naming a few services. */
export const MAX_NARROW_PORTS = 16;
/** Shortest source prefix of such a rule: a /24 (IPv4) or a /64 (IPv6), one subnet's worth of clients. */
const MIN_NARROW_PREFIX = { 4: 24, 6: 64 } as const;

/**
 * The NIC rule that lets `g` in when it is a narrow allowlist entry: a configured Allow whose sources are all explicit address
 * prefixes, each at most a /24 (IPv4) or /64 (IPv6) and none holding every address of the VNet outside the subnet (`rest`),
 * and whose destination ports are known and number at most {@link MAX_NARROW_PORTS}. Undefined otherwise: the grant counts
 * as the virtual network getting in (a default rule, `*`, a service tag, an application security group, a wide prefix such as
 * the VNet's own space, a wide port range, a value not known before apply, no rule this configuration can read, or a doubt
 * at the NIC layer). Judged by what gets through, not by the rule's resemblance to AllowVNetInBound.
 */
function narrowNicRule(g: Grant, rest: SourceSet): NsgRule | undefined {
  const nic: LayerStep | undefined = g.layers.find((l) => l.layer === "nic");
  const r = nic?.rule;
  if (!r || r.isDefault || (g.outcome === "uncertain" && nic!.doubt)) return undefined;
  if (!r.access.known || r.access.value !== "Allow" || !r.destinationPorts.known || r.destinationPorts.value.size() > MAX_NARROW_PORTS) return undefined;
  if (!r.sources.known || r.sources.value.length === 0) return undefined;
  for (const t of r.sources.value) {
    if (t.kind !== "cidr") return undefined;
    const c = t.cidr;
    if (c.prefix < MIN_NARROW_PREFIX[c.family]) return undefined;
    const prefix = c.family === 4 ? SourceSet.v4([[c.start, c.end]]) : SourceSet.v6([[c.start, c.end]]);
    if (!rest.isEmpty && rest.subtract(prefix).isEmpty) return undefined;
  }
  return r;
}

/** The hosts of a subnet closed to the virtual network by their NIC NSGs, and the narrow NIC rules that still let some of it in. */
export interface ClosedHosts {
  readonly hosts: readonly Endpoint[];
  /** The NIC rules through which sources outside the subnet get in (narrow allowlist entries), in first-seen order. */
  readonly through: readonly NsgRule[];
}

/**
 * The host endpoints of `subnet` when every one of them is a NIC whose own NSG closes it to the virtual network: on every TCP and
 * UDP port, a source outside the subnet gets in only through a narrow allowlist entry of the NIC NSG ({@link narrowNicRule}: explicit
 * prefixes of at most a /24 or /64 that do not hold the whole VNet outside the subnet, on at most {@link MAX_NARROW_PORTS} ports);
 * otherwise undefined. Fail closed: undefined for an empty subnet, a private endpoint (no NIC NSG), a NIC without a readable NSG,
 * a grant the NIC layer decides without a readable rule or with a doubt, and a subnet whose hosts cannot all be listed
 * ({@link unlistedHosts}: a NIC or private endpoint whose subnet cannot be followed, a scale set, AKS node pool or other resource
 * the access model does not model that names the subnet).
 */
export function closedByNicNsgs(ctx: Pick<RuleContext, "model" | "access">, subnet: Subnet): ClosedHosts | undefined {
  const access = ctx.access;
  const hosts = access.hostEndpointsOf(subnet);
  // Cheap tests first: the residents pass reads every resource once, and most subnets' hosts have no NSG of their own.
  if (hosts.length === 0 || hosts.some((ep) => ep.kind !== "nic" || !ep.nic || ep.nic.nsgs.length === 0 || ep.nic.nsgUnknown)) return undefined;
  if (unlistedHosts(ctx.model, subnet)) return undefined;
  const own = subnetSources(subnet);
  const space = access.vnetSpace(subnet.vnet, subnet);
  const rest = new SourceSet(space.sources.v4, space.sources.v6, SourceSet.EMPTY.tokens).subtract(own);
  const through = new Set<NsgRule>();
  for (const ep of hosts) {
    for (const probe of ALL_PORTS) {
      // Every grant is looked at (the predicate accepts only an opening one): the narrow ones are collected for the message.
      const open = access.findGrant(ep, probe, (g) => {
        if (outsideOf(g, own).isEmpty) return false;
        const r = narrowNicRule(g, rest);
        if (r) through.add(r);
        return !r;
      });
      if (open) return undefined;
    }
  }
  return { hosts, through: [...through] };
}

/**
 * `its only host azurerm_network_interface.a (10.0.1.4) is closed to the virtual network by its own NIC NSG (nsg-a)`, or
 * `each of its 2 hosts (a, b) is ... (nsg-a, nsg-b)`, then, where narrow NIC rules let some of it in,
 * `except through what it allows (rule "allow-kms" of NSG nsg-a)`: at most three hosts and three rules named.
 */
export function describeClosedHosts(closed: ClosedHosts): string {
  const { hosts, through } = closed;
  const names = [...new Set(hosts.flatMap((ep) => ep.nic!.nsgs.map((n) => n.name ?? n.resource.address)))];
  const nsgs = `${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""}`;
  const who = hosts.length === 1 ? `its only host ${hosts[0].label}`
    : `each of its ${hosts.length} hosts (${hosts.slice(0, 3).map((ep) => ep.label).join(", ")}${hosts.length > 3 ? ", ..." : ""})`;
  const rules = through.slice(0, 3).map((r) => `rule "${r.name}" of NSG ${r.nsg?.name ?? r.resource.address}`);
  const except = through.length === 0 ? ""
    : ` except through what ${hosts.length === 1 ? "it" : "they"} allow${hosts.length === 1 ? "s" : ""} (${rules.join(", ")}${through.length > 3 ? ", ..." : ""})`;
  return `${who} is closed to the virtual network by its own NIC NSG (${nsgs})${except}`;
}

/** What reaches the subnet's hosts today: nothing of the VNet, or nothing beyond what their NIC NSGs' narrow rules allow ({@link describeClosedHosts} names them). */
export function describeClosedReach(closed: ClosedHosts): string {
  return closed.through.length === 0 ? "nothing of the VNet reaches a host of the subnet today"
    : "nothing else of the VNet reaches a host of the subnet today";
}
