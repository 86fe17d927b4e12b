/**
 * Questions rules ask the access model, and the words findings use for the answers: who reaches a
 * service on an endpoint, which rule lets them in (and whether that rule was written for the
 * service), and what the sources are (the Internet, a zone, the VNet, a platform address).
 */
import { Endpoint, Probe } from "./access/access-model";
import { AZURE_PLATFORM_IP, parseCidr, PRIVATE_V4, PUBLIC_V6, v4RangeText } from "./access/addresses";
import { FirewallRule } from "./access/firewalls";
import { Intervals, PORTS } from "./access/intervals";
import { candidate } from "./access/nsg-eval";
import { Reach, Reachability } from "./access/reachability";
import { SourceSet, TokenSet } from "./access/source-set";
import { Nsg, NsgRule } from "./access/topology";
import { TerraformModel, TfResource } from "./model";
import { describeShare, describePorts, isBroad, Zone, Zones } from "./zones";
import { describeServicePort, ServicePort } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";

/** A rule "names" a port when the range holding it spans at most this many ports: it was written for that service. */
export const NAMED_RANGE_MAX = 100;

/** The probe of a service port. */
export function probeOf(p: ServicePort): Probe {
  return { protocol: p.protocol, from: p.from, to: p.to };
}

/** The ways sources reach a service on an endpoint. */
export function reachOn(model: TerraformModel, endpoint: Endpoint, port: ServicePort): readonly Reach[] {
  return Reachability.of(model).reach(endpoint, probeOf(port)).reaches;
}

/** The rule that lets a reach in: a DNAT rule, a firewall rule, else the first explicit NSG rule on the path, else the default rule. */
export interface Decider {
  readonly kind: "nsg-rule" | "default-rule" | "no-nsg" | "firewall-rule" | "dnat-rule";
  /** The resource a finding about it is reported on. */
  readonly resource: TfResource;
  /** `rule "allow-kms" of NSG kms-nsg`, `Azure's default rule AllowVNetInBound of NSG x`, `firewall rule kms/allow`. */
  readonly label: string;
  readonly nsgRule?: NsgRule;
  /** The rule's own destination ports (for "names the port"). */
  readonly ports?: Intervals<number>;
}

/**
 * Who decides to let a reach in. For an uncertain reach, the rule whose unknown values could
 * decide (that is what a user must make known).
 */
export function deciderOf(r: Reach, endpoint?: Endpoint): Decider {
  if (r.dnat) return dnatDecider(r.dnat);
  const layers = r.grant.layers;
  // Uncertain: an allow that an unknown rule may shadow is the allow's; a deny that an unknown rule
  // may override is the unknown rule's. Either way, the rule a user must look at.
  const uncertain = layers.find((l) => l.doubt);
  if (r.outcome === "uncertain" && uncertain?.doubt) {
    const ownerAllows = uncertain.rule && !uncertain.rule.isDefault && uncertain.rule.access.known && uncertain.rule.access.value === "Allow";
    return nsgDecider(ownerAllows ? uncertain.rule! : uncertain.doubt);
  }
  const explicit = layers.find((l) => l.rule && !l.rule.isDefault)?.rule;
  if (explicit) return nsgDecider(explicit);
  if (r.firewall?.rule) {
    return { kind: "firewall-rule", resource: r.firewall.rule.resource, label: `firewall rule ${r.firewall.rule.label}`, ports: r.firewall.rule.destinationPorts.known ? r.firewall.rule.destinationPorts.value : undefined };
  }
  const def = layers.find((l) => l.rule)?.rule;
  if (def) return nsgDecider(def);
  const note = layers.find((l) => l.note)?.note ?? "no NSG";
  const resource = endpoint?.resource ?? layers.find((l) => l.nsg)?.nsg?.resource ?? r.grant.layers[0]?.rule?.resource;
  return { kind: "no-nsg", resource: resource!, label: note };
}

/** The decider a DNAT rule is when it publishes an endpoint (what {@link deciderOf} gives for its reaches); its ports are the translated port. */
export function dnatDecider(rule: FirewallRule): Decider {
  const tp = rule.translatedPort;
  return { kind: "dnat-rule", resource: rule.resource, label: `DNAT rule ${rule.label} of ${rule.resource.address}`, ports: tp?.known ? Intervals.of(PORTS, [[tp.value, tp.value]]) : undefined };
}

/** The decider an NSG rule is when it decides (what {@link deciderOf} gives for a reach it lets in). */
export function nsgDecider(rule: NsgRule): Decider {
  if (rule.isDefault) return { kind: "default-rule", resource: rule.resource, label: `Azure's default rule ${rule.name} of NSG ${nsgName(rule)}`, nsgRule: rule };
  return { kind: "nsg-rule", resource: rule.resource, label: `rule "${rule.name}" of NSG ${nsgName(rule)}`, nsgRule: rule, ports: rule.destinationPorts.known ? rule.destinationPorts.value : undefined };
}

function nsgName(rule: NsgRule): string {
  return rule.nsg?.name ?? rule.nsg?.resource.address ?? "?";
}

/**
 * The label of the rule on the reach's path that was written for `port` (the range holding the port
 * spans at most {@link NAMED_RANGE_MAX} ports), else undefined: see {@link serviceDeciderOf}. Traffic
 * passes every layer (the subnet's NSG and the NIC's), so a rule for the port in any of them names it,
 * behind a broad allow of another. Default rules and missing NSGs never name a port. Allowed reaches only.
 */
export function namingRule(r: Reach, port: ServicePort): string | undefined {
  return namingDecider(r, port)?.label;
}

/** The rule {@link namingRule} names, as a decider. */
export function namingDecider(r: Reach, port: ServicePort): Decider | undefined {
  if (r.outcome !== "allow") return undefined;
  const d = serviceDeciderOf(r, port);
  return namesWithin(d, port, NAMED_RANGE_MAX) ? d : undefined;
}

/**
 * The rule a finding about `port` on this reach is reported on, when the question is "a rule written
 * for this service": {@link deciderOf} when it names the port (or, for an uncertain reach, its ports
 * are not known); else the first NSG rule on the path that lets the reach in and names the port
 * (ranges spanning less than `span` ports: {@link NAMED_RANGE_MAX} unless told), the subnet's before
 * the NIC's; else, for an uncertain reach, the first of those whose ports are not known; else
 * {@link deciderOf}. For an uncertain layer the rules that may let it in count (the allow that an
 * unknown rule may shadow, an unknown rule that may allow). A DNAT rule is deciderOf's first answer;
 * a firewall rule names a port only where deciderOf gives it (no explicit NSG rule on the path), as
 * before: the KMS rules read firewall network rules once per rule, on the path or not. One rule per
 * reach, so an exposure is reported once however many layers name the port.
 */
export function serviceDeciderOf(r: Reach, port: ServicePort, endpoint?: Endpoint, span: number = NAMED_RANGE_MAX): Decider {
  const d = deciderOf(r, endpoint);
  if (r.outcome === "allow" ? namesWithin(d, port, span) : mayNameWithin(d, port, span)) return d;
  return onPath(r, port, span, false) ?? (r.outcome === "uncertain" ? onPath(r, port, span, true) : undefined) ?? d;
}

/**
 * The first NSG rule on the reach's path (see {@link serviceDeciderOf}) whose ports name `port`, or with
 * `unknownPorts` whose ports are not known. Builds a decider only for the rule it returns.
 */
function onPath(r: Reach, port: ServicePort, span: number, unknownPorts: boolean): Decider | undefined {
  const hit = (ports: Intervals<number> | undefined) => (ports ? !unknownPorts && portsName(ports, port, span) : unknownPorts);
  for (const l of r.grant.layers) {
    // The layer's deciding allow, then an earlier rule with unknown values that may allow instead of it.
    const owner = l.rule && !l.rule.isDefault && l.rule.access.known && l.rule.access.value === "Allow" ? l.rule : undefined;
    if (owner && hit(owner.destinationPorts.known ? owner.destinationPorts.value : undefined)) return nsgDecider(owner);
    const doubt = l.doubt && !l.doubt.isDefault && !(l.doubt.access.known && l.doubt.access.value === "Deny") ? l.doubt : undefined;
    if (doubt && hit(doubt.destinationPorts.known ? doubt.destinationPorts.value : undefined)) return nsgDecider(doubt);
  }
  return undefined;
}

/** The decider names `port`: its known ports hold it in a range spanning less than `span` ports (never a default rule or a missing NSG). */
function namesWithin(d: Decider, port: ServicePort, span: number): boolean {
  return !!d.ports && d.kind !== "default-rule" && d.kind !== "no-nsg" && portsName(d.ports, port, span);
}

/** The decider may name `port`: it names it, or its ports are not known. */
function mayNameWithin(d: Decider, port: ServicePort, span: number): boolean {
  if (d.kind === "default-rule" || d.kind === "no-nsg") return false;
  return !d.ports || portsName(d.ports, port, span);
}

function portsName(ports: Intervals<number>, port: ServicePort, span: number): boolean {
  return ports.someRange((a, b) => a <= port.to && port.from <= b && b - a < span);
}

/**
 * False when no reach of the endpoint on `port` can have a {@link namingRule} or pass {@link mayName}:
 * no NSG rule on its path has ports that name the port or are not known, and the configuration has
 * no Azure Firewall rule (DNAT and firewall rules are the other deciders that name ports). Sound and
 * cheap (no port is decided): true means "ask the model".
 */
export function mayHaveNamingRule(model: TerraformModel, endpoint: Endpoint, port: ServicePort): boolean {
  const reach = Reachability.of(model);
  if (reach.firewalls.rules.length > 0 || reach.firewalls.firewalls.length > 0) return true;
  for (const layer of reach.access.layersOf(endpoint)) {
    for (const nsg of layer.nsgs) {
      const n = namedPortsOf(nsg);
      if (n.unknown || n.ports.overlapsRange(port.from, port.to)) return true;
    }
  }
  return false;
}

/**
 * An allow rule of the configuration written for `port` (its known destination ports name it, see
 * {@link NAMED_RANGE_MAX}), wherever it is: for a host whose subnet cannot be followed, any NSG may be
 * its own. The first in the configuration's order, once per port.
 */
export function ruleWrittenFor(model: TerraformModel, port: ServicePort): NsgRule | undefined {
  const byPort = model.memo("exposure:rule-written-for", () => new Map<ServicePort, NsgRule | null>());
  let hit = byPort.get(port);
  if (hit === undefined) {
    hit = Reachability.of(model).access.topology.rules.find((r) => (!r.access.known || r.access.value === "Allow") && (!r.direction.known || r.direction.value === "Inbound")
      && (!r.protocol.known || r.protocol.value === "*" || r.protocol.value.toLowerCase() === port.protocol.toLowerCase())
      && r.destinationPorts.known && namesRange(r.destinationPorts.value, port.from, port.to)) ?? null;
    byPort.set(port, hit);
  }
  return hit ?? undefined;
}

/** Per NSG: the ports its rules name (ranges under {@link NAMED_RANGE_MAX} ports), and whether some rule's ports are not known. */
const NAMED_PORTS = new WeakMap<Nsg, { ports: Intervals<number>; unknown: boolean }>();

function namedPortsOf(nsg: Nsg): { ports: Intervals<number>; unknown: boolean } {
  let hit = NAMED_PORTS.get(nsg);
  if (!hit) {
    const ranges: [number, number][] = [];
    let unknown = false;
    for (const r of nsg.rules) {
      if (!r.destinationPorts.known) unknown = true;
      else {
        const d = r.destinationPorts.value;
        for (let i = 0; i < d.starts.length; i++) if (d.ends[i] - d.starts[i] < NAMED_RANGE_MAX) ranges.push([d.starts[i], d.ends[i]]);
      }
    }
    NAMED_PORTS.set(nsg, (hit = { ports: Intervals.of(PORTS, ranges), unknown }));
  }
  return hit;
}

/**
 * The label {@link namingRule} gives the first reach of `port` on the endpoint that a rule written for
 * the port lets in, found without deciding the port when that is certain: the endpoint is behind one
 * NSG, one of its rules names the port (no other does, none has ports not known, there is no Azure
 * Firewall), and an address of that rule's sources certainly gets in through it. `undefined` means
 * "not settled this way: ask the model" (never "no such reach").
 */
export function certainNamingRule(model: TerraformModel, endpoint: Endpoint, port: ServicePort): string | undefined {
  if (port.from !== port.to) return undefined;
  const reach = Reachability.of(model);
  // A firewall may decide instead, and a route through another hop makes a reach uncertain.
  if (reach.firewalls.rules.length > 0 || reach.firewalls.firewalls.length > 0 || reach.anyRoutes) return undefined;
  const nsgs = reach.access.layersOf(endpoint).flatMap((l) => l.nsgs);
  if (nsgs.length !== 1 || namedPortsOf(nsgs[0]).unknown) return undefined;
  let only: NsgRule | undefined;
  for (const r of nsgs[0].rules) {
    if (!r.destinationPorts.known || !namesRange(r.destinationPorts.value, port.from, port.to)) continue;
    if (only) return undefined;
    only = r;
  }
  if (!only) return undefined;
  const c = candidate(only, reach.access.contextOf(endpoint), port.protocol, port.from);
  if (!c || !c.definite || c.access !== "Allow" || c.sources.v4.isEmpty) return undefined;
  const by = reach.access.certainDeciders(endpoint, port.protocol, port.from, c.sources.v4.starts[0]);
  return by && by.length === 1 && by[0] === only ? nsgDecider(only).label : undefined;
}

/**
 * For an uncertain reach: could a rule written for `port` let it in? True when the rule
 * {@link serviceDeciderOf} gives names the port or its ports are not known. A rule that opens
 * everything and is uncertain only in its source, with no rule for the port on the path, is left to
 * the rule that reports wide exposures.
 */
export function mayName(r: Reach, port: ServicePort): boolean {
  if (r.outcome !== "uncertain") return false;
  return mayNameWithin(serviceDeciderOf(r, port), port, NAMED_RANGE_MAX);
}

/** True when a range of `ports` overlapping [from, to] spans at most {@link NAMED_RANGE_MAX} ports. */
export function namesRange(ports: Intervals<number>, from: number, to: number): boolean {
  return ports.someRange((a, b) => a <= to && from <= b && b - a < NAMED_RANGE_MAX);
}

/** What a source set stands for, piece by piece. */
export type SourceClass =
  /** Public addresses: the Internet (`broad`) or specific public ranges. */
  | { readonly kind: "internet"; readonly broad: boolean; readonly sources: SourceSet; readonly text: string }
  /** A zone of the configuration (a subnet, or an on-premises range set), with its trust. */
  | { readonly kind: "zone"; readonly zone: Zone; readonly trust?: TrustLevel; readonly trustSource: string; readonly sources: SourceSet; readonly text: string }
  /** Private addresses in no zone of the configuration (other VNets, on-premises ranges not declared). */
  | { readonly kind: "private"; readonly sources: SourceSet; readonly text: string }
  /** Azure's platform (AzureLoadBalancer health probes, its address 168.63.129.16): never an attacker's source. */
  | { readonly kind: "platform"; readonly text: string }
  /** Another service tag, or an application security group. */
  | { readonly kind: "tag" | "asg"; readonly name: string; readonly text: string };

/** Azure's platform address, 168.63.129.16/32, as a source set. */
export const PLATFORM_ADDRESS = SourceSet.cidr(parseCidr(`${AZURE_PLATFORM_IP}/32`)!);

/** Splits sources into the classes findings talk about. */
export function classifySources(model: TerraformModel, endpoint: Endpoint, sources: SourceSet): SourceClass[] {
  const access = Reachability.of(model).access;
  const zones = Zones.of(model);
  const internet = access.internetSources(endpoint.subnet?.vnet, endpoint.subnet);
  const out: SourceClass[] = [];
  // 168.63.129.16 is Azure's own virtual public address (health probes, DHCP, DNS, the VM agent): traffic from it comes from the
  // host, not from the Internet (learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16), as AzureLoadBalancer.
  const platform = sources.intersect(PLATFORM_ADDRESS);
  if (!platform.isEmpty) {
    out.push({ kind: "platform", text: `${AZURE_PLATFORM_IP} (Azure's platform address: health probes, DHCP, DNS, the VM agent)` });
    sources = sources.subtract(PLATFORM_ADDRESS);
  }
  const pub = sources.intersect(internet);
  if (!pub.isEmpty) out.push({ kind: "internet", broad: isBroad(pub, internet), sources: pub, text: describeShare(pub, internet) });
  let rest = sources.subtract(internet);
  for (const z of zones.overlappingSources(rest)) {
    const part = rest.intersect(z.sources);
    if (part.isEmpty) continue;
    const trust = zones.trustOf(z);
    out.push({ kind: "zone", zone: z, trust: trust.level, trustSource: trust.source, sources: part, text: `zone ${z.name}${trust.level ? ` (${trust.level}${trust.source === "inferred" ? ", inferred" : ""})` : " (trust not declared)"}` });
    rest = rest.subtract(part);
  }
  // What is left of the addresses: private ranges in no zone (other VNets, on-premises). Special
  // ranges (this-network, loopback, link-local, multicast) are never a source and are not shown.
  const vnet = access.vnetSpace(endpoint.subnet?.vnet, endpoint.subnet).sources;
  const addresses = new SourceSet(rest.v4.intersect(PRIVATE_V4.union(vnet.v4)), rest.v6.intersect(PUBLIC_V6.union(vnet.v6)), TokenSet.NONE);
  for (const [part, what] of [[addresses.intersect(vnet), "addresses of the virtual network in no zone"], [addresses.subtract(vnet), "private addresses"]] as const) {
    if (part.isEmpty) continue;
    const ranges = part.v4.ranges();
    out.push({ kind: "private", sources: part, text: `${what} ${ranges.slice(0, 3).map(([a, b]) => rangeText(a, b)).join(", ")}${ranges.length > 3 ? ", ..." : ""}${part.v6.isEmpty ? "" : " and IPv6 ranges"}` });
  }
  const tokens = rest.tokens;
  if (tokens.all) out.push({ kind: "tag", name: "*", text: "any service tag or application security group" });
  else {
    for (const t of tokens.names) {
      if (t === "tag:azureloadbalancer") out.push({ kind: "platform", text: "AzureLoadBalancer (Azure's health probes)" });
      else if (t.startsWith("asg:")) out.push({ kind: "asg", name: t.slice(4), text: `application security group ${t.slice(4)}` });
      else out.push({ kind: "tag", name: t.slice(4), text: `service tag ${t.slice(4)}` });
    }
  }
  return out;
}

function rangeText(a: number, b: number): string {
  const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  const size = b - a + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && a % size === 0) return prefix === 32 ? ip(a) : `${ip(a)}/${prefix}`;
  return `${ip(a)}-${ip(b)}`;
}

/**
 * The endpoints a host-level question is asked about: every NIC IP configuration and private
 * endpoint, every subnet that holds none of them (its future hosts), and hosts behind NSGs attached
 * to nothing in this configuration.
 */
export function hostEndpoints(model: TerraformModel): Endpoint[] {
  return model.memo("host-endpoints", () => {
    const access = Reachability.of(model).access;
    const withHosts = new Set(access.endpoints.filter((e) => e.kind === "nic" || e.kind === "private-endpoint").map((e) => e.subnet));
    return access.endpoints.filter((e) => e.kind !== "subnet" || !withHosts.has(e.subnet));
  });
}

/** Reaches of one deciding rule, gathered over hosts and services. */
export interface ExposureGroup {
  readonly decider: Decider;
  readonly outcome: "allow" | "uncertain";
  /** Every source that gets through it. */
  sources: SourceSet;
  /** The services (`SNMP (UDP 161)`) and hosts (endpoint labels) it opens. */
  readonly services: Set<string>;
  readonly hosts: Set<string>;
  /** One endpoint it reaches, for classifying sources. */
  readonly endpoint: Endpoint;
  readonly doubts: Set<string>;
}

/**
 * Asks, for every host endpoint and service port, who gets in, keeps the reaches `accept` wants, and
 * groups them by the rule that lets them in ({@link serviceDeciderOf}: a rule written for the port,
 * in whichever layer, when the path has one): one finding per rule, naming every service and host.
 * `ask`, when given, must be true wherever `accept` could keep a reach (a sound pre-check, such as
 * {@link mayHaveNamingRule}); elsewhere the model is not asked.
 */
export function exposuresByRule(
  model: TerraformModel,
  ports: readonly ServicePort[],
  accept: (r: Reach, ep: Endpoint, port: ServicePort) => boolean,
  ask?: (ep: Endpoint, port: ServicePort) => boolean,
): ExposureGroup[] {
  const groups = new Map<string, ExposureGroup>();
  for (const ep of hostEndpoints(model)) {
    for (const port of ports) {
      if (ask && !ask(ep, port)) continue;
      for (const r of reachOn(model, ep, port)) {
        if (!accept(r, ep, port)) continue;
        const decider = serviceDeciderOf(r, port, ep);
        const key = `${r.outcome}|${decider.resource.address}|${decider.label}`;
        let g = groups.get(key);
        if (!g) {
          g = { decider, outcome: r.outcome, sources: SourceSet.EMPTY, services: new Set(), hosts: new Set(), endpoint: ep, doubts: new Set() };
          groups.set(key, g);
        }
        g.sources = g.sources.union(r.sources);
        g.services.add(describeServicePort(port));
        g.hosts.add(ep.label);
        r.doubts.forEach((d) => g!.doubts.add(d));
      }
    }
  }
  return [...groups.values()];
}

/** What a finding adds when Internet sources are allowed but nothing brings them in: no public IP, load balancer or DNAT. */
export const noWayInText = (hosts: number) => `no public IP, load balancer or DNAT reaches ${hosts > 1 ? "them" : "it"} today`;

/** `host` or `3 hosts (a, b, c)`. */
export function describeHosts(hosts: Iterable<string>): string {
  const list = [...hosts];
  return list.length === 1 ? list[0] : `${list.length} hosts (${list.slice(0, 3).join(", ")}${list.length > 3 ? ", ..." : ""})`;
}

/** `through rule "x" of NSG y (subnet) and rule "z" of NSG w (NIC)`, or the firewall / DNAT path. */
export function describeReach(r: Reach): string {
  const parts: string[] = [];
  if (r.dnat) parts.push(`DNAT rule ${r.dnat.label}`);
  if (r.firewall) {
    const by = r.firewall.rule ? `firewall rule ${r.firewall.rule.label}` : `firewall ${r.firewall.firewall.resource.address}`;
    // SNATed, the NSG rules that follow decided on the firewall's address, not the client's: say so, or the path reads as if they admitted the client.
    parts.push(r.firewall.snat ? `${by} (SNATed to ${snatText(r.firewall.snat)})` : by);
  }
  for (const l of r.grant.layers) {
    if (l.rule) parts.push(l.rule.isDefault ? `Azure's default rule ${l.rule.name} of NSG ${nsgName(l.rule)}` : `rule "${l.rule.name}" of NSG ${nsgName(l.rule)}`);
    else if (l.note) parts.push(l.note);
  }
  return parts.join(", then ");
}

/** The firewall subnet's ranges a SNATed path comes from, for messages: at most three, then a count. */
function snatText(s: SourceSet): string {
  const ranges = s.v4.ranges();
  const shown = ranges.slice(0, 3).map(([a, b]) => v4RangeText(a, b));
  if (ranges.length > 3) shown.push(`${ranges.length - 3} more ranges`);
  return shown.join(", ") || "its subnet";
}

export { describePorts, describeServicePort };
