/**
 * How the PXE and reference-computer rules judge who reaches a host: each source class (the
 * Internet, a zone with its trust, private addresses in no zone, a service tag, an application
 * security group) is acceptable, a problem, or cannot be judged (a zone whose trust is not
 * declared), and whether SDZ-NET-001 already reports the rule that lets it in.
 */
import { Endpoint } from "../../engine/access/access-model";
import { firewallSubnetDoubt, firewallSubnetText } from "../../engine/access/firewall-subnet";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Decider, NAMED_RANGE_MAX, classifySources, serviceDeciderOf, SourceClass } from "../../engine/exposure";
import { RuleContext, ruleRuns } from "../../engine/rule";
import { Zone } from "../../engine/zones";
import { isFirewallSubnet, isNoClientSubnet, isNsgExemptSubnet } from "../../network/platform-subnets";
import { ServicePort } from "../../network/service-ports";
import { TrustLevel } from "../../network/trust-level";
import { deciderKey, leftToNet001 } from "../net/reported-by-net-001";

export { deciderKey, leftToNet001 };

/** The verdict on a source set. */
export interface SourceVerdict {
  /** Sources that must not get in, described. */
  readonly bad: string[];
  /** Sources whose trust cannot be told, described. */
  readonly unknown: string[];
  /** The Internet or public addresses are among `bad`: they get in only through a public IP, load balancer or DNAT ({@link noWayInText}). */
  readonly internet: boolean;
}

/**
 * The addresses {@link judgeSources} can only accept: those of zones whose trust `accept` takes (and
 * of the platform subnets whose addresses carry no client: NO_CLIENT_SUBNETS), less any address
 * another zone also holds. Every other source (the Internet, private addresses in no zone, tags,
 * application security groups) may be judged bad or unknown, so a host that no reach of a port can
 * bring anything else needs no verdict there.
 */
export function acceptableSources(ctx: RuleContext, accept: (level: TrustLevel) => boolean): SourceSet {
  const zones = ctx.zones;
  const acceptable = (z: Zone) => {
    if (z.kind === "subnet" && isNoClientSubnet(z.subnet)) return true;
    const level = zones.trustOf(z).level;
    return level !== undefined && accept(level);
  };
  return zones.sourcesWhere(acceptable).subtract(zones.sourcesWhere((z) => !acceptable(z)));
}

/**
 * Splits `sources` into classes and judges each with `accept(zone trust level)`: zones below the
 * bar and public or service-tag sources are `bad`; zones with no trust, private addresses in no
 * zone and application security groups without members here are `unknown`. AzureLoadBalancer
 * (Azure's health probes) is never a source; sources in `skip` (e.g. the host's own zone, judged
 * by another rule) are left out. AzureFirewallSubnet is no zone: `unknown` only where the firewall
 * may send clients this configuration does not show on `on` (the reach's protocol and ports;
 * without it every TCP and UDP port, which may over-report its DNS proxy and application rules).
 */
export function judgeSources(
  ctx: RuleContext, endpoint: Endpoint, sources: SourceSet, accept: (level: TrustLevel) => boolean, skip?: Zone, on?: JudgedPorts,
): SourceVerdict {
  const bad: string[] = [];
  const unknown: string[] = [];
  const rest = skip ? sources.subtract(skip.sources) : sources;
  if (rest.isEmpty) return { bad, unknown, internet: false };
  let internet = false;
  for (const c of classifySources(ctx.model, endpoint, rest)) {
    judgeClass(ctx, endpoint, on, c, accept, bad, unknown);
    internet ||= c.kind === "internet";
  }
  return { bad, unknown, internet };
}

/**
 * Ways the Internet reaches a host on a probe's ports today: a public IP on its NIC, a public load
 * balancer rule or inbound NAT rule, a DNAT rule (`dnat`, the reach's). Empty: an allow from the
 * Internet lets nothing in until one is added, which a finding says as SDZ-NET-001 does (noWayInText, engine/exposure.ts).
 */
export function waysIn(answer: { readonly internetEntries: readonly { readonly label: string }[] }, dnat?: { readonly label: string }): string[] {
  return [...(dnat ? [`published by DNAT rule ${dnat.label}`] : []), ...answer.internetEntries.map((e) => `through ${e.label}`)];
}


/**
 * Is the reach's missing filter SDZ-NET-002's finding? A `no-nsg` decider (no NSG on the subnet nor on
 * the NIC) on a host whose subnet NET-002 reports: it has no NSG and none by literal ID (one it cannot
 * see is NET-002's could-not-verify), and Azure does not exempt it. One missing NSG, one finding: the PXE and reference rules leave it there.
 */
export function leftToNet002(ctx: Pick<RuleContext, "runs">, endpoint: Endpoint, decider: Decider): boolean {
  const s = endpoint.subnet;
  // Only to a rule that runs in this check: excluded, it reports nothing (no silent pass).
  if (decider.kind !== "no-nsg" || !s || !ruleRuns(ctx, "SDZ-NET-002")) return false;
  // An association NET-002 cannot see is its could-not-verify on the subnet: the same unknown.
  if (s.nsgs.length > 0 || s.nsgExternal || isNsgExemptSubnet(s)) return false;
  return !endpoint.nic || (endpoint.nic.nsgs.length === 0 && !endpoint.nic.nsgUnknown);
}

/** The protocol and ports a source set reaches (a reach's): without them, every TCP and UDP port is assumed. */
export interface JudgedPorts {
  readonly protocol: "Tcp" | "Udp" | "Icmp";
  readonly ports: Intervals<number>;
}

const EVERY_PORT = Intervals.of(PORTS, [[0, 65535]]);

/**
 * Why AzureFirewallSubnet's own addresses may stand for clients this configuration does not show
 * (see firewallSubnetDoubt), or undefined: the firewall's DNAT and SNATed clients are judged as themselves.
 */
function firewallDoubt(ctx: RuleContext, endpoint: Endpoint, on: JudgedPorts | undefined, zone: Zone): string | undefined {
  if (!zone.subnet) return undefined;
  // ICMP: neither application rules nor the DNS proxy carry it; only the port-independent reasons (SNAT, unknown rules) apply.
  const asked: [("Tcp" | "Udp"), Intervals<number>][] = !on ? [["Tcp", EVERY_PORT], ["Udp", EVERY_PORT]]
    : on.protocol === "Icmp" ? [["Udp", Intervals.of(PORTS, [[0, 0]])]] : [[on.protocol, on.ports]];
  const why = new Set<string>();
  for (const [protocol, ports] of asked) {
    const d = firewallSubnetDoubt(ctx.model, zone.subnet, endpoint, protocol, ports);
    if (d) why.add(d.why);
  }
  return why.size > 0 ? [...why].join("; ") : undefined;
}

function judgeClass(
  ctx: RuleContext, endpoint: Endpoint, on: JudgedPorts | undefined, c: SourceClass, accept: (level: TrustLevel) => boolean, bad: string[], unknown: string[],
): void {
  switch (c.kind) {
    case "platform":
      return;
    case "internet":
      bad.push(c.text);
      return;
    case "zone": {
      // GatewaySubnet holds only the VPN/ExpressRoute gateway, which forwards on-premises traffic with
      // the on-premises source addresses (judged as the local network gateway's zone); it cannot carry
      // an NSG (so no sdz-trust) and is never a client itself. Likewise RouteServerSubnet and
      // AzureFirewallManagementSubnet (NO_CLIENT_SUBNETS).
      if (c.zone.kind === "subnet" && isNoClientSubnet(c.zone.subnet)) return;
      // AzureFirewallSubnet: the firewall sends from it only the traffic of clients it DNATs or SNATs, judged as themselves,
      // unless it may forward clients this configuration does not show (then they are of unknown trust).
      if (c.zone.kind === "subnet" && isFirewallSubnet(c.zone.subnet)) {
        const why = firewallDoubt(ctx, endpoint, on, c.zone);
        if (why) unknown.push(`${firewallSubnetText(c.zone.subnet!)}, whose addresses may carry the traffic of clients this configuration does not show (${why})`);
        return;
      }
      const t = ctx.zones.trustOf(c.zone);
      if (t.level === undefined) unknown.push(`zone ${c.zone.name}, whose trust is ${t.source === "unknown" ? "not known" : "not declared"} (${t.evidence})`);
      else if (!accept(t.level)) bad.push(`zone ${c.zone.name} (${t.level}, ${t.source}: ${t.evidence})`);
      return;
    }
    case "private":
      unknown.push(`${c.text}, in no zone of this configuration (declare the range with a local network gateway tagged sdz-trust)`);
      return;
    case "tag":
      bad.push(c.text);
      return;
    case "asg": {
      const members = ctx.access.topology.nicsInAsg(c.name);
      if (members.length === 0) {
        unknown.push(`${c.text}, whose members are not in this configuration`);
        return;
      }
      for (const nic of members) {
        for (const cfg of nic.ipConfigs) {
          const zone = cfg.subnet ? ctx.zones.zoneOf(cfg.subnet) : undefined;
          if (!zone) {
            unknown.push(`${c.text} member ${nic.resource.address}, whose subnet cannot be followed`);
            continue;
          }
          const t = ctx.zones.trustOf(zone);
          if (t.level === undefined) unknown.push(`${c.text} member ${nic.resource.address} in zone ${zone.name}, whose trust is not declared`);
          else if (!accept(t.level)) bad.push(`${c.text} member ${nic.resource.address} in zone ${zone.name} (${t.level}, ${t.source})`);
        }
      }
    }
  }
}

/**
 * The rule a PXE finding about `r` is reported on: {@link serviceDeciderOf}, where a port range (the
 * TFTP data range) is named by a rule range that holds part of it and spans at most the range plus
 * NAMED_RANGE_MAX ports (a single port: as {@link namingRule}). A rule for the port in any layer
 * (the subnet's NSG or the NIC's) is the one written for it.
 */
export function pxeDeciderOf(r: Reach, port: ServicePort, endpoint?: Endpoint): Decider {
  return serviceDeciderOf(r, port, endpoint, port.to - port.from + NAMED_RANGE_MAX);
}

/** Was a rule on the path that lets `r` in written for `port` ({@link pxeDeciderOf})? Allowed reaches only. */
export function namesService(r: Reach, port: ServicePort, endpoint?: Endpoint): boolean {
  if (r.outcome !== "allow") return false;
  const d = pxeDeciderOf(r, port, endpoint);
  return !!d.ports && d.kind !== "default-rule" && d.kind !== "no-nsg" && rangeNamed(d.ports, port);
}

/** For an uncertain reach: could a rule written for `port` let it in? (its ports unknown, or naming it) */
export function mayNameService(r: Reach, port: ServicePort, endpoint?: Endpoint): boolean {
  if (r.outcome !== "uncertain") return false;
  const d = pxeDeciderOf(r, port, endpoint);
  if (d.kind === "default-rule" || d.kind === "no-nsg") return false;
  return !d.ports || rangeNamed(d.ports, port);
}

function rangeNamed(ports: Intervals<number>, port: ServicePort): boolean {
  const limit = port.to - port.from + NAMED_RANGE_MAX;
  return ports.someRange((a, b) => a <= port.to && port.from <= b && b - a < limit);
}

/**
 * The ports of `ports` that some rule of the configuration could have been written for: an NSG rule
 * or Azure Firewall rule whose port range names it, or whose ports are not known (it may). A host
 * that is no distribution point is asked only about these: whether a rule names a port is decided
 * by the deciding rule, and a port no rule names has no such decider. One pass over the rules,
 * memoised per configuration (what keeps PXE-001 linear on large configurations).
 */
export function portsSomeRuleNames(ctx: RuleContext, ports: readonly ServicePort[]): ServicePort[] {
  const key = `pxe:nameable:${ports.map((p) => `${p.protocol}${p.from}-${p.to}`).join(",")}`;
  return ctx.model.memo(key, () => {
    const ranges: (Intervals<number> | undefined)[] = [];
    for (const r of ctx.access.topology.rules) ranges.push(r.destinationPorts.known ? r.destinationPorts.value : undefined);
    for (const r of ctx.reach.firewalls.rules) {
      if (r.kind === "dnat") ranges.push(r.translatedPort?.known ? Intervals.of(PORTS, [[r.translatedPort.value, r.translatedPort.value]]) : undefined);
      else ranges.push(r.destinationPorts.known ? r.destinationPorts.value : undefined);
    }
    return ports.filter((p) => {
      const limit = p.to - p.from + NAMED_RANGE_MAX;
      return ranges.some((i) => !i || i.someRange((a, b) => a <= p.to && p.from <= b && b - a < limit));
    });
  });
}
