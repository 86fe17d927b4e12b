/**
 * Azure's NSG processing, before apply, for one destination and one protocol/port: rules in
 * priority order, first match wins, Azure's default rules last, subnet NSG then NIC NSG (both must
 * allow inbound). Written from "How network security groups filter network traffic" and "Network
 * security groups: security rules / default security rules" (learn.microsoft.com/azure/virtual-network).
 */
import { Cidr } from "./addresses";
import { describeUnknown } from "./fields";
import { Intervals, PORTS } from "./intervals";
import { Candidate, UNKNOWN_ORDER } from "./partition";
import { SourceSet } from "./source-set";
import { AddressTerm, isPortless, Nsg, NsgRule, Protocol } from "./topology";
import { TfResource } from "../model";

/** The destination of a query: one host, a range of possible hosts (a subnet, a dynamic IP), or unknown. */
export type Destination =
  | { readonly kind: "host"; readonly cidr: Cidr }
  | { readonly kind: "range"; readonly cidrs: readonly Cidr[] }
  /** Some host behind an NSG attached to nothing in this configuration: an allow towards any VNet address opens it, only a deny of every VNet address closes it. */
  | { readonly kind: "anywhere" }
  | { readonly kind: "unknown"; readonly reason: string };

/** What the evaluation needs to know about the destination's network. */
export interface EvalContext {
  /** The `VirtualNetwork` service tag, expanded. */
  readonly vnetSources: SourceSet;
  /** The `Internet` service tag, expanded. */
  readonly internetSources: SourceSet;
  /**
   * When the `VirtualNetwork` expansion depends on a value not known before apply (a route prefix, a
   * route table, an address space, a peering's access setting): the addresses it may also hold (every
   * address outside {@link vnetSources}, or only a doubtful peer's ranges) and why. A rule naming
   * VirtualNetwork is then uncertain for those sources.
   */
  readonly vnetMaybe?: {
    readonly sources: SourceSet;
    readonly doubt: string;
    /** The resources whose values not known before apply let the tag hold any address (empty when only doubtful peers widen it). */
    readonly causes: readonly TfResource[];
  };
  readonly destination: Destination;
  /** The application security groups of the destination NIC. */
  readonly asgs: ReadonlySet<string>;
  readonly asgUnknown?: string;
}

/** Traffic direction, seen from the endpoint. */
export type Direction = "Inbound" | "Outbound";

/**
 * Azure's default rules of a direction: inbound AllowVNetInBound (65000),
 * AllowAzureLoadBalancerInBound (65001), DenyAllInBound (65500); outbound AllowVnetOutBound (65000),
 * AllowInternetOutBound (65001), DenyAllOutBound (65500).
 */
export function defaultRules(nsg: Nsg, direction: Direction): NsgRule[] {
  // The fields are shared constants: every NSG has these rules, and the model holds them per NSG.
  return (direction === "Inbound" ? DEFAULT_IN : DEFAULT_OUT).map((d, i) => ({
    id: -6 + i + (direction === "Inbound" ? 0 : 3), resource: nsg.resource, name: d.name, inline: true, isDefault: true, nsg, ...d.fields,
  }));
}

type DefaultRuleFields = Pick<NsgRule, "direction" | "access" | "priority" | "protocol" | "sources" | "destinations" | "destinationPorts" | "sourcePorts" | "unknowns">;
type DefaultRule = { name: string; fields: DefaultRuleFields };
const VNET_TERM: AddressTerm = { kind: "tag", text: "VirtualNetwork", tag: "virtualnetwork" };
const ANY_TERM: AddressTerm = { kind: "any", text: "*" };
function defaultRule(name: string, direction: Direction, priority: number, access: "Allow" | "Deny", source: AddressTerm, destination: AddressTerm): DefaultRule {
  const fields: DefaultRuleFields = {
    direction: { known: true as const, value: direction },
    access: { known: true as const, value: access },
    priority: { known: true as const, value: priority },
    protocol: { known: true as const, value: "*" as Protocol },
    sources: { known: true as const, value: [source] },
    destinations: { known: true as const, value: [destination] },
    destinationPorts: { known: true as const, value: Intervals.all(PORTS) },
    sourcePorts: { known: true as const, value: Intervals.all(PORTS) },
    unknowns: [],
  };
  return { name, fields };
}
const DEFAULT_IN: DefaultRule[] = [
  defaultRule("AllowVNetInBound", "Inbound", 65000, "Allow", VNET_TERM, VNET_TERM),
  defaultRule("AllowAzureLoadBalancerInBound", "Inbound", 65001, "Allow", { kind: "tag", text: "AzureLoadBalancer", tag: "azureloadbalancer" }, ANY_TERM),
  defaultRule("DenyAllInBound", "Inbound", 65500, "Deny", ANY_TERM, ANY_TERM),
];
const DEFAULT_OUT: DefaultRule[] = [
  defaultRule("AllowVnetOutBound", "Outbound", 65000, "Allow", VNET_TERM, VNET_TERM),
  defaultRule("AllowInternetOutBound", "Outbound", 65001, "Allow", ANY_TERM, { kind: "tag", text: "Internet", tag: "internet" }),
  defaultRule("DenyAllOutBound", "Outbound", 65500, "Deny", ANY_TERM, ANY_TERM),
];

/**
 * True for a deny with every field known, for every protocol, destination port and source port, to
 * `*`: it matches every packet from its sources (the sources are the caller's question).
 */
function isBlanketDeny(r: NsgRule): boolean {
  return r.unknowns.length === 0 && r.access.known && r.access.value === "Deny" && r.protocol.known && r.protocol.value === "*"
    && r.destinationPorts.known && r.destinationPorts.value.isAll && r.sourcePorts.known && r.sourcePorts.value.isAll
    && r.destinations.known && r.destinations.value.some((t) => t.kind === "any");
}

/**
 * True when a rule of the NSG denies, before Azure's AllowVNetInBound (65000), every inbound packet
 * that rule would allow: a blanket deny (see isBlanketDeny) from `*` or VirtualNetwork, at a priority
 * under 65000. AllowVNetInBound then never decides anything through this NSG (a rule whose fields are
 * not known only adds doubts: the first definite match still decides). A cheap test that spares
 * deciding every port.
 */
export function shadowsAllowVnetInBound(nsg: Nsg): boolean {
  return nsg.rules.some((r) => isBlanketDeny(r) && r.direction.known && r.direction.value === "Inbound" && r.priority.known && r.priority.value < 65000
    && r.sources.known && r.sources.value.some((t) => t.kind === "any" || (t.kind === "tag" && t.tag === "virtualnetwork")));
}

/**
 * True for an explicit allow of every protocol and port from `*` or VirtualNetwork: it re-creates
 * Azure's AllowVNetInBound for the sources it names (a rule whose access is not known may too).
 * SDZ-NET-003 reports it as it reports AllowVNetInBound, and leaves it to SDZ-KMS-002 on a KMS host.
 */
export function reopensAllowVnetInBound(r: NsgRule): boolean {
  return !r.isDefault && r.protocol.known && r.protocol.value === "*" && r.destinationPorts.known && r.destinationPorts.value.containsRange(1, 65535)
    && r.sources.known && r.sources.value.some((t) => t.kind === "any" || (t.kind === "tag" && t.tag === "virtualnetwork"));
}

/** Per NSG: the lowest priority of a definite "deny everything" rule, per direction (Infinity: none). */
const DENY_ALL = new WeakMap<Nsg, { Inbound: number; Outbound: number }>();

/**
 * The priority of the NSG's first definite deny of everything in `direction` (a blanket deny from
 * `*`), or Infinity. Every rule after it, Azure's defaults included, decides nothing: Azure stops at
 * the first match, and that rule matches every flow.
 */
export function denyAllPriority(nsg: Nsg, direction: Direction): number {
  let cached = DENY_ALL.get(nsg);
  if (!cached) {
    cached = { Inbound: Infinity, Outbound: Infinity };
    for (const r of nsg.rules) {
      if (!isBlanketDeny(r) || !r.direction.known || !r.priority.known || !r.sources.known || !r.sources.value.some((t) => t.kind === "any")) continue;
      cached[r.direction.value] = Math.min(cached[r.direction.value], r.priority.value);
    }
    DENY_ALL.set(nsg, cached);
  }
  return cached[direction];
}

/** The sources an address term stands for. */
export function termSources(t: AddressTerm, ctx: EvalContext): SourceSet | undefined {
  switch (t.kind) {
    case "any": return SourceSet.ALL;
    case "cidr": return t.cidr.family === 4 ? SourceSet.v4([[t.cidr.start, t.cidr.end]]) : SourceSet.v6([[t.cidr.start, t.cidr.end]]);
    case "tag":
      if (t.tag === "virtualnetwork") return ctx.vnetSources;
      if (t.tag === "internet") return ctx.internetSources;
      return SourceSet.token(`tag:${t.tag}`);
    case "asg": return SourceSet.token(`asg:${t.id}`);
    default: return undefined;
  }
}

/**
 * The sources an address term may stand for: {@link termSources}, and for VirtualNetwork also what an
 * incomplete expansion may hold. For "could this rule match these sources" questions.
 */
export function termMaySources(t: AddressTerm, ctx: EvalContext): SourceSet | undefined {
  const s = termSources(t, ctx);
  return ctx.vnetMaybe && t.kind === "tag" && t.tag === "virtualnetwork" ? ctx.vnetMaybe.sources.union(s ?? SourceSet.EMPTY) : s;
}

/** True when the rule's remote side (sources inbound, destinations outbound) names VirtualNetwork. */
export function namesVirtualNetwork(rule: NsgRule, direction: Direction): boolean {
  const remote = direction === "Inbound" ? rule.sources : rule.destinations;
  return remote.known && remote.value.some((t) => t.kind === "tag" && t.tag === "virtualnetwork");
}

/** Does a destination term match the query's destination? For a range, an allow needs some host, a deny every host. */
function destinationMatch(t: AddressTerm, ctx: EvalContext, deny: boolean | undefined): "yes" | "no" | "maybe" {
  const d = ctx.destination;
  switch (t.kind) {
    case "any": return "yes";
    case "unknown": return "maybe";
    case "asg":
      if (ctx.asgs.has(t.id)) return "yes";
      return ctx.asgUnknown ? "maybe" : "no";
    case "tag": {
      // A VNet host is in VirtualNetwork and never in Internet or another service's tag.
      if (t.tag !== "virtualnetwork") return "no";
      if (d.kind === "anywhere") return "yes";
      if (d.kind === "unknown") return "maybe";
      const cidrs = d.kind === "host" ? [d.cidr] : d.cidrs;
      const vnet = ctx.vnetSources;
      const inVnet = cidrs.every((c) => (c.family === 4 ? vnet.v4.containsRange(c.start, c.end) : vnet.v6.containsRange(c.start, c.end)));
      // The destination is a host of a subnet of the VNet even when the address space is not known.
      return inVnet ? "yes" : "maybe";
    }
    case "cidr": {
      if (d.kind === "anywhere") return deny === true ? "no" : deny === false ? "yes" : "maybe";
      if (d.kind === "unknown") return "maybe";
      const cidrs = d.kind === "host" ? [d.cidr] : d.cidrs;
      const rel = cidrs.map((c) => relation(t.cidr, c));
      if (d.kind === "host") return rel[0] === "contains" ? "yes" : "no";
      if (rel.every((r) => r === "disjoint")) return "no";
      if (rel.every((r) => r === "contains")) return "yes";
      // Part of the range: some hosts match. An allow then opens something; a deny blocks only part.
      return deny === true ? "no" : deny === false ? "yes" : "maybe";
    }
  }
}

function relation(outer: Cidr, inner: Cidr): "contains" | "partial" | "disjoint" {
  if (outer.family !== inner.family) return "disjoint";
  const os = outer.start as number | bigint;
  const oe = outer.end as number | bigint;
  const is = inner.start as number | bigint;
  const ie = inner.end as number | bigint;
  if (os <= is && ie <= oe) return "contains";
  if (is <= oe && os <= ie) return "partial";
  return "disjoint";
}

/**
 * The rule as it applies to `protocol`/`port` at the destination; undefined when it certainly does
 * not apply (other direction, protocol, ports or destination). With `port` undefined, the rule's
 * ports are not looked at (the caller has picked rules that hold the port): the answer then holds
 * for every port the rule's ports hold.
 */
export function candidate(rule: NsgRule, ctx: EvalContext, protocol: Protocol, port: number | undefined, direction: Direction = "Inbound"): Candidate<NsgRule> | undefined {
  const doubts: string[] = [];
  if (rule.direction.known) {
    if (rule.direction.value !== direction) return undefined;
  } else doubts.push(describeUnknown(rule.direction));
  // Inbound: the endpoint is the rule's destination and the painted side its sources; outbound the reverse.
  const local = direction === "Inbound" ? rule.destinations : rule.sources;
  const remote = direction === "Inbound" ? rule.sources : rule.destinations;
  if (rule.protocol.known) {
    if (rule.protocol.value !== "*" && rule.protocol.value !== protocol) return undefined;
  } else doubts.push(describeUnknown(rule.protocol));
  const portless = isPortless(protocol);
  if (!portless) {
    if (rule.destinationPorts.known) {
      if (port !== undefined && !rule.destinationPorts.value.contains(port)) return undefined;
    } else doubts.push(describeUnknown(rule.destinationPorts));
  }
  const access = rule.access.known ? rule.access.value : undefined;
  if (!rule.access.known) doubts.push(describeUnknown(rule.access));
  const deny = access === undefined ? undefined : access === "Deny";
  // A deny limited to some source ports does not stop a sender who picks another port; an allow's
  // source ports are the sender's choice, so they do not narrow an exposure.
  if (deny === true && portless === false) {
    if (!rule.sourcePorts.known) doubts.push(describeUnknown(rule.sourcePorts));
    else if (!rule.sourcePorts.value.isAll && !rule.sourcePorts.value.containsRange(1, 65535)) return undefined;
  }
  if (local.known) {
    const states = local.value.map((t) => destinationMatch(t, ctx, deny));
    if (states.every((s) => s === "no")) return undefined;
    if (!states.includes("yes")) doubts.push(`${direction === "Inbound" ? "destination" : "source"} ${local.value.map((t) => t.text).join(", ")} may or may not be this host${ctx.asgUnknown ? ` (${ctx.asgUnknown})` : ""}`);
  } else doubts.push(describeUnknown(local));
  let sources: SourceSet;
  if (remote.known) sources = remoteSources(rule, remote.value, ctx, direction);
  else {
    doubts.push(describeUnknown(remote));
    sources = SourceSet.ALL;
  }
  if (!rule.priority.known) doubts.push(describeUnknown(rule.priority));
  for (const u of rule.unknowns) if (u.field === "network_security_group_name") doubts.push(describeUnknown(u));
  const order = rule.priority.known ? rule.priority.value * 1_000_000 + (rule.id + 10) : UNKNOWN_ORDER;
  return { rule, order, access, definite: doubts.length === 0, sources, doubts: doubts.length === 0 ? NO_DOUBTS : [...new Set(doubts)] };
}

const NO_DOUBTS: string[] = [];

/** The last remote side computed per rule and direction, with the tag expansions it was computed for. */
const remoteCache = new WeakMap<NsgRule, { direction: Direction; vnet: SourceSet; internet: SourceSet; sources: SourceSet }>();

/**
 * The union of the rule's remote terms (sources inbound, destinations outbound). Only the
 * VirtualNetwork and Internet tags depend on the context, so the set is kept per rule and reused
 * while those two expansions are the same objects (every host of one VNet or subnet asks alike).
 */
function remoteSources(rule: NsgRule, terms: readonly AddressTerm[], ctx: EvalContext, direction: Direction): SourceSet {
  const hit = remoteCache.get(rule);
  if (hit && hit.direction === direction && hit.vnet === ctx.vnetSources && hit.internet === ctx.internetSources) return hit.sources;
  let sources = SourceSet.EMPTY;
  for (const t of terms) {
    const s = termSources(t, ctx);
    if (s) sources = sources.union(s);
  }
  remoteCache.set(rule, { direction, vnet: ctx.vnetSources, internet: ctx.internetSources, sources });
  return sources;
}

