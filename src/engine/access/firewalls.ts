/**
 * Azure Firewall, normalised: which firewall sits where, and its network and DNAT rules, from a
 * firewall policy's rule collection groups (`azurerm_firewall_policy_rule_collection_group`, base
 * policies first) or the classic `azurerm_firewall_network_rule_collection` /
 * `azurerm_firewall_nat_rule_collection` resources. Rule order follows "Azure Firewall rule
 * processing logic" (learn.microsoft.com/azure/firewall/rule-processing): DNAT before network rules,
 * rule collection groups by priority, then collections by priority, then rules in order; traffic no
 * rule allows is denied.
 */
import type { Endpoint } from "./access-model";
import { Cidr, parseCidr, PRIVATE_V4 } from "./addresses";
import { describeUnknown, Field, isUnset, knownField, unknownField, unreadableBlock } from "./fields";
import { Intervals, PORTS, V4, V6 } from "./intervals";
import { Candidate, Partition, partitionOf } from "./partition";
import { SourceSet, TokenSet } from "./source-set";
import { parsePortText, Subnet, Topology } from "./topology";
import { TerraformModel, TfResource } from "../model";

/** A rule of a firewall, network or DNAT. */
export interface FirewallRule {
  readonly id: number;
  readonly kind: "network" | "dnat";
  /** The resource a finding is reported on: the rule collection group or classic collection. */
  readonly resource: TfResource;
  /** `collection/rule`. */
  readonly label: string;
  /** Evaluation order: group priority, collection priority, position. */
  readonly order: Field<number>;
  readonly action: Field<"Allow" | "Deny" | "Dnat">;
  /** Lower-cased protocols: tcp, udp, icmp, any. */
  readonly protocols: Field<Set<string>>;
  readonly sources: Field<SourceSet>;
  /** Network rules: destination addresses; DNAT rules: the firewall address the rule listens on. */
  readonly destinations: Field<SourceSet>;
  readonly destinationPorts: Field<Intervals<number>>;
  /** DNAT only: where traffic is sent. */
  readonly translatedAddress?: Field<Cidr>;
  readonly translatedPort?: Field<number>;
  /**
   * The firewall that evaluates it. A policy may be used by several firewalls, directly or as a base
   * policy: each firewall's {@link Firewall.rules} holds the rule bound to it (a copy where the order or
   * the firewall differs), {@link FirewallIndex.rules} holds it once, bound to the first. Unset when no
   * firewall of this configuration is known to use it.
   */
  readonly firewall?: Firewall;
  /** Why no firewall of this configuration is known to use it (set with `firewall` unset). */
  readonly firewallUnknown?: string;
}

/** A DNAT rule that may publish an endpoint; `definite` when no value it depends on is unknown. */
export interface DnatMatch {
  readonly rule: FirewallRule;
  readonly definite: boolean;
  readonly doubts: string[];
}

/**
 * The destinations a firewall does not SNAT network-rule traffic to (its "SNAT private IP address
 * ranges"); traffic to any other destination reaches it from an address of AzureFirewallSubnet
 * (learn.microsoft.com/azure/firewall/snat-private-range).
 */
export interface SnatRanges {
  /** IPv4 destinations not SNATed; unknown when the value they come from is. */
  readonly ranges: Field<Intervals<number>>;
  /** The resource whose setting applies: the firewall's policy, else the firewall. */
  readonly owner: TfResource;
  /** Set when ranges learned at run time are not SNATed either (auto-learn), saying so. */
  readonly learned?: string;
}

/** Whether a firewall SNATs network-rule traffic to a destination; `maybe` says why that is not known. */
export type SnatDecision = { readonly snat: "yes" } | { readonly snat: "no" } | { readonly snat: "maybe"; readonly why: string };

/** An Azure Firewall. */
export interface Firewall {
  readonly resource: TfResource;
  readonly name?: string;
  /** Its AzureFirewallSubnet: DNAT traffic, and network-rule traffic it SNATs, arrive from addresses of this subnet. */
  readonly subnet?: Subnet;
  readonly publicIps: TfResource[];
  readonly rules: FirewallRule[];
  /** Why the rules may be incomplete (a policy outside the configuration, a collection that cannot be placed). */
  readonly rulesUnknown: string[];
  /** Where it does not SNAT network-rule traffic. */
  readonly snat: SnatRanges;
}

const ORDER_SCALE = 100_000;
/** The name in a firewall policy's resource ID. */
const POLICY_ID = /\/firewallPolicies\/([^/\s]+)\/?$/i;
/**
 * Order offset per level of base policy. A policy's own orders reach group priority x 1e8 (Azure caps
 * priorities at 65,000: 6.5e12), so each level must be further apart than that, and the deepest chain
 * must stay a safe integer.
 */
const LEVEL_SCALE = 10_000_000_000_000;
/** Base policies followed at most (beyond, the rest of the chain is an unknown, not dropped). */
const MAX_BASE_CHAIN = 6;

/** The firewalls of a configuration and their rules. Build once with {@link FirewallIndex.of}. */
export class FirewallIndex {
  public static of(model: TerraformModel): FirewallIndex {
    return model.memo("access-firewalls", () => new FirewallIndex(model, Topology.of(model)));
  }

  public readonly firewalls: Firewall[] = [];
  /** Every firewall rule, including those of policies no firewall of this configuration uses. */
  public readonly rules: FirewallRule[] = [];
  /** The DNAT rules, bound to each firewall that evaluates them, indexed on first use. */
  private dnat?: DnatIndex;
  private nextId = 0;
  private readonly ipGroups = new Map<TfResource, Field<Cidr[]>>();

  private constructor(private readonly model: TerraformModel, topology: Topology) {
    this.indexIpGroups();
    const { byPolicy: policyRules, unplaced } = this.policyRules();
    const m = model;
    for (const res of m.ofType("azurerm_firewall")) {
      const cfgs = m.blocks(res, "ip_configuration");
      const subnet = cfgs.map((c) => (isUnset(c.subnet_id) ? undefined : topology.subnetFromId(c.subnet_id).subnet)).find((s) => s);
      const publicIps = cfgs.map((c) => m.referencedResource(c.public_ip_address_id)).filter((r): r is TfResource => !!r);
      const rulesUnknown: string[] = [];
      const name = m.resolveString(res.config.name);
      const fw: Firewall = {
        resource: res, name: name.known ? name.value : undefined, subnet, publicIps, rules: [], rulesUnknown, snat: this.snatRangesOf(res),
      };
      if (!isUnset(res.config.firewall_policy_id)) {
        const policy = m.referencedResource(res.config.firewall_policy_id);
        if (!policy) rulesUnknown.push(`firewall_policy_id ${String(res.config.firewall_policy_id)} is not a policy of this configuration`);
        else for (const { rule, order } of this.withBases(policy, policyRules, rulesUnknown)) fw.rules.push(bind(rule, order, fw));
        // A rule collection group whose policy is not known may be this firewall's policy's (or a base's).
        rulesUnknown.push(...unplaced);
      }
      this.firewalls.push(fw);
    }
    this.classicRules();
  }

  /** The firewall whose AzureFirewallSubnet holds an address, or that a route's next hop names. */
  public firewallAt(nextHop: { ip?: Cidr; resource?: TfResource } | undefined): Firewall | undefined {
    if (!nextHop) return undefined;
    if (nextHop.resource) return this.firewalls.find((f) => f.resource === nextHop.resource);
    const ip = nextHop.ip;
    if (!ip || ip.family !== 4) return undefined;
    const holds = (f: Firewall) => f.subnet?.prefixes.known && f.subnet.prefixes.value.some((p) => p.family === 4 && p.start <= ip.start && ip.end <= p.end);
    return this.firewalls.find(holds);
  }

  /**
   * Whether `fw` SNATs network-rule traffic to `host`: it does unless the destination is in its SNAT
   * private ranges ({@link SnatRanges}). Ranges that are not known, or that ranges learned at run
   * time may widen, leave it open (`maybe`), never "no SNAT".
   */
  public snatTo(fw: Firewall, host: Cidr): SnatDecision {
    const s = fw.snat;
    const whether = `whether firewall ${fw.resource.address} SNATs traffic to ${host.text} is not known`;
    if (!s.ranges.known) return { snat: "maybe", why: `${whether} (${s.owner.address} ${describeUnknown(s.ranges)})` };
    if (host.family !== 4) return { snat: "maybe", why: `${whether} (its SNAT private ranges are IPv4 ranges)` };
    if (s.ranges.value.containsRange(host.start, host.end)) return { snat: "no" };
    if (s.ranges.value.overlapsRange(host.start, host.end)) return { snat: "maybe", why: `${whether} (${host.text} is partly in the SNAT private ranges of ${s.owner.address})` };
    if (s.learned) return { snat: "maybe", why: `${whether} (${s.owner.address} ${s.learned})` };
    return { snat: "yes" };
  }

  /** The firewall's decision over every source for traffic to `host` on `protocol`/`port` (network rules). */
  public evaluate(fw: Firewall, host: Cidr | undefined, protocol: "Tcp" | "Udp" | "Icmp", port: number): Partition<FirewallRule | undefined> {
    const cands: Candidate<FirewallRule | undefined>[] = [];
    for (const r of fw.rules) {
      if (r.kind !== "network") continue;
      const c = this.candidate(r, host, protocol, port);
      if (c) cands.push(c);
    }
    if (fw.rulesUnknown.length > 0) {
      cands.push({ rule: undefined, order: -1, access: undefined, definite: false, sources: SourceSet.ALL, doubts: fw.rulesUnknown });
    }
    // Traffic no rule allows is denied.
    cands.push({ rule: undefined, order: Number.MAX_SAFE_INTEGER, access: "Deny", definite: true, sources: SourceSet.ALL, doubts: [] });
    return partitionOf(cands);
  }

  /**
   * DNAT rules that may send `protocol` traffic to the endpoint on a port in [from, to] (translated
   * address and port), one per firewall that evaluates the rule. A host with a known static address
   * is published by the rules translating to exactly that address. Otherwise the address the rule
   * translates to may be the endpoint's, never definitely: see {@link DnatIndex.candidates}.
   * `taken(subnet, address)`: the address is another endpoint's static address in that subnet (or,
   * without a subnet, anywhere in this configuration), so Azure gives it to no other host.
   */
  public dnatTo(endpoint: Endpoint, protocol: "Tcp" | "Udp" | "Icmp", from: number, to: number, taken?: (subnet: Subnet | undefined, address: Cidr) => boolean): DnatMatch[] {
    const out: DnatMatch[] = [];
    for (const { rule: r, doubt } of this.dnatIndex().candidates(endpoint, taken)) {
      const doubts: string[] = doubt ? [doubt] : [];
      const proto = matchProtocol(r, protocol);
      if (proto === "no") continue;
      if (proto === "maybe" && !r.protocols.known) doubts.push(describeUnknown(r.protocols));
      if (!r.translatedAddress!.known) doubts.push(describeUnknown(r.translatedAddress!));
      const tp = r.translatedPort!;
      if (tp.known) {
        if (tp.value < from || tp.value > to) continue;
      } else doubts.push(describeUnknown(tp));
      if (!r.sources.known) doubts.push(describeUnknown(r.sources));
      if (!r.action.known) doubts.push(describeUnknown(r.action));
      out.push({ rule: r, definite: doubts.length === 0, doubts });
    }
    return out;
  }

  /** Every DNAT rule bound to each firewall that evaluates it, plus those no firewall of this configuration is known to use. */
  private dnatIndex(): DnatIndex {
    if (this.dnat) return this.dnat;
    const rules: FirewallRule[] = [];
    for (const fw of this.firewalls) for (const r of fw.rules) if (r.kind === "dnat") rules.push(r);
    for (const r of this.rules) {
      if (r.kind !== "dnat" || r.firewall) continue;
      (r as { firewallUnknown?: string }).firewallUnknown ??= `the policy of ${r.resource.address} is used by no firewall of this configuration`;
      rules.push(r);
    }
    return (this.dnat = new DnatIndex(rules));
  }

  private candidate(r: FirewallRule, host: Cidr | undefined, protocol: "Tcp" | "Udp" | "Icmp", port: number): Candidate<FirewallRule | undefined> | undefined {
    const doubts: string[] = [];
    const proto = matchProtocol(r, protocol);
    if (proto === "no") return undefined;
    if (!r.protocols.known) doubts.push(describeUnknown(r.protocols));
    if (protocol !== "Icmp") {
      if (r.destinationPorts.known) {
        if (!r.destinationPorts.value.contains(port)) return undefined;
      } else doubts.push(describeUnknown(r.destinationPorts));
    }
    if (r.destinations.known) {
      const d = r.destinations.value;
      const hit = !host ? undefined : host.family === 4 ? d.v4.containsRange(host.start, host.end) : d.v6.containsRange(host.start, host.end);
      if (hit === false && !d.tokens.has("fqdn")) return undefined;
      if (hit !== true) doubts.push(hit === undefined ? "the destination host's address is not known" : "destination FQDNs are resolved at run time");
    } else doubts.push(describeUnknown(r.destinations));
    if (!r.order.known) doubts.push(describeUnknown(r.order));
    if (!r.action.known) doubts.push(describeUnknown(r.action));
    const access = r.action.known ? (r.action.value === "Deny" ? "Deny" : "Allow") : undefined;
    return {
      rule: r, order: r.order.known ? r.order.value : -1, access, definite: doubts.length === 0,
      sources: r.sources.known ? r.sources.value : SourceSet.ALL, doubts: r.sources.known ? doubts : [...doubts, describeUnknown(r.sources)],
    };
  }

  // ------------------------------------------------------------------------------ building

  /**
   * The SNAT private ranges of a firewall. A firewall with a policy takes the policy's
   * `private_ip_ranges` and auto-learn setting ("The firewall PrivateRange property is ignored for
   * firewalls associated with a Firewall Policy": learn.microsoft.com/azure/firewall/snat-private-range);
   * SNAT settings are not among what a policy inherits from its base (rule collections and threat
   * intelligence: learn.microsoft.com/azure/firewall-manager/policy-overview, "Hierarchical policies").
   * Without a policy, the firewall's own `private_ip_ranges` (azurerm_firewall: "A list of SNAT private
   * CIDR IP ranges, or the special string IANAPrivateRanges"). Unset or empty: Azure's defaults (the
   * provider sends no SNAT setting for an empty list). `IANAPrivateRanges` adds the defaults; other
   * entries replace them ("make sure your custom list still includes the IANA RFC 1918 range").
   * `0.0.0.0/0` never SNATs and `255.255.255.255/32` always does, as Microsoft documents, with no
   * special case: they are ranges like the others. Auto-learn (azurerm_firewall_policy
   * `auto_learn_private_ranges_enabled`) adds ranges learned from Azure Route Server at run time,
   * "considered to be internal to the network, so traffic to destinations in the learned ranges aren't SNATed".
   */
  private snatRangesOf(fw: TfResource): SnatRanges {
    const m = this.model;
    let owner = fw;
    let learned: string | undefined;
    if (!isUnset(fw.config.firewall_policy_id)) {
      const policy = m.referencedResource(fw.config.firewall_policy_id);
      if (!policy || policy.type !== "azurerm_firewall_policy") {
        const why = `${String(fw.config.firewall_policy_id)} is not a policy of this configuration, so the SNAT private ranges that apply (the policy's) are not known`;
        return { owner: fw, ranges: unknownField("firewall_policy_id", why) };
      }
      owner = policy;
      const auto = m.resolveBoolean(policy.config.auto_learn_private_ranges_enabled);
      if (!auto.known) learned = `auto_learn_private_ranges_enabled: ${auto.reason}`;
      else if (auto.value) learned = "auto_learn_private_ranges_enabled: ranges the firewall learns from Azure Route Server at run time are not SNATed either";
    }
    const raw = owner.config.private_ip_ranges;
    const list = isUnset(raw) ? { known: true as const, value: [] as readonly string[] } : m.resolveStringList(raw);
    if (!list.known) return { owner, learned, ranges: unknownField("private_ip_ranges", list.reason) };
    // Azure's default, which IANAPrivateRanges stands for, is IANA RFC 1918 and the RFC 6598 shared
    // address space (PRIVATE_V4): "By default, Azure Firewall doesn't SNAT with Network rules when the
    // destination IP address is in a private IP address range per IANA RFC 1918 or shared address space
    // per IANA RFC 6598" (the azurerm_firewall docs name RFC 1918 only; Microsoft's page is followed).
    if (list.value.length === 0) return { owner, learned, ranges: knownField(PRIVATE_V4) };
    const ranges: [number, number][] = [];
    for (const t of list.value) {
      if (t.trim().toLowerCase() === "ianaprivateranges") ranges.push(...PRIVATE_V4.ranges());
      else {
        const c = parseCidr(t);
        if (!c) return { owner, learned, ranges: unknownField("private_ip_ranges", `${JSON.stringify(t)} is not an address, a CIDR or IANAPrivateRanges`) };
        if (c.family === 4) ranges.push([c.start, c.end]);
      }
    }
    return { owner, learned, ranges: knownField(Intervals.of(V4, ranges)) };
  }

  private indexIpGroups(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_ip_group")) {
      const list = m.resolveStringList(res.config.cidrs);
      this.ipGroups.set(res, !list.known ? unknownField("cidrs", list.reason) : cidrsOf(list.value, "cidrs"));
    }
    for (const res of m.ofType("azurerm_ip_group_cidr")) {
      const group = m.referencedResource(res.config.ip_group_id);
      const cidr = m.resolveString(res.config.cidr);
      if (!group || !this.ipGroups.has(group)) continue;
      const cur = this.ipGroups.get(group)!;
      if (!cur.known) continue;
      const c = cidr.known ? parseCidr(cidr.value) : undefined;
      this.ipGroups.set(group, c ? knownField([...cur.value, c]) : unknownField("cidrs", `${res.address} cidr: ${cidr.known ? "not a CIDR" : cidr.reason}`));
    }
  }

  /**
   * Rules of each policy, by policy resource; `unplaced`: why the rule collection groups whose policy
   * is not one of this configuration may hold rules of any firewall with a policy.
   */
  private policyRules(): { byPolicy: Map<TfResource, { rules: FirewallRule[]; unknown: string[] }>; unplaced: string[] } {
    const m = this.model;
    const out = new Map<TfResource, { rules: FirewallRule[]; unknown: string[] }>();
    const unplaced: string[] = [];
    for (const p of m.ofType("azurerm_firewall_policy")) out.set(p, { rules: [], unknown: [] });
    for (const group of m.ofType("azurerm_firewall_policy_rule_collection_group")) {
      const policy = m.referencedResource(group.config.firewall_policy_id);
      const entry = policy ? out.get(policy) : undefined;
      const gp = m.resolveNumber(group.config.priority);
      const groupPriority: Field<number> = gp.known && gp.value !== undefined ? knownField(gp.value) : unknownField("priority", gp.known ? "missing" : gp.reason);
      const rules = [
        ...this.collections(group, "nat_rule_collection", "dnat", groupPriority),
        ...this.collections(group, "network_rule_collection", "network", groupPriority),
      ];
      this.rules.push(...rules);
      if (entry) entry.rules.push(...rules);
      else {
        const raw = group.config.firewall_policy_id;
        const ref = m.resolveString(raw);
        const why = `${group.address} firewall_policy_id: ${ref.known ? `${JSON.stringify(ref.value)} is not a policy of this configuration` : ref.reason}`;
        // A known ID of a policy elsewhere (its name matches no policy here, and every policy here has a known
        // name) is another configuration's: it casts no doubt on this configuration's firewalls.
        const named = ref.known ? POLICY_ID.exec(ref.value)?.[1]?.toLowerCase() : undefined;
        const elsewhere = named !== undefined && [...out.keys()].every((p) => {
          const n = m.resolveString(p.config.name);
          return n.known && n.value.toLowerCase() !== named;
        });
        if (!elsewhere) unplaced.push(`the rules of ${why}`);
        for (const r of rules) (r as { firewallUnknown?: string }).firewallUnknown = why;
      }
    }
    for (const e of out.values()) e.rules.sort((a, b) => (a.order.known ? a.order.value : -1) - (b.order.known ? b.order.value : -1));
    return { byPolicy: out, unplaced };
  }

  /**
   * A policy's rules with its base policies', each with its order in this chain: rules inherited from
   * a parent policy are processed before the child's, whatever their priorities
   * (learn.microsoft.com/azure/firewall-manager/rule-processing, "Inherited rules"), so each level
   * up the chain comes a whole {@link LEVEL_SCALE} earlier.
   */
  private withBases(policy: TfResource, all: Map<TfResource, { rules: FirewallRule[] }>, unknown: string[]): { rule: FirewallRule; order: Field<number> }[] {
    const chain = [policy];
    for (let p = policy; !isUnset(p.config.base_policy_id);) {
      const base = this.model.referencedResource(p.config.base_policy_id);
      if (!base || !all.has(base)) {
        unknown.push(`${p.address} base_policy_id is not a policy of this configuration`);
        break;
      }
      if (chain.includes(base) || chain.length >= MAX_BASE_CHAIN) {
        unknown.push(`${p.address} base_policy_id: the chain of base policies ${chain.includes(base) ? "loops" : `is deeper than ${MAX_BASE_CHAIN - 1} levels`}`);
        break;
      }
      chain.push(base);
      p = base;
    }
    const out: { rule: FirewallRule; order: Field<number> }[] = [];
    for (let depth = chain.length - 1; depth >= 0; depth--) {
      const offset = (chain.length - 1 - depth) * LEVEL_SCALE;
      for (const r of all.get(chain[depth])?.rules ?? []) {
        out.push({ rule: r, order: r.order.known && offset ? knownField(r.order.value + offset) : r.order });
      }
    }
    return out;
  }

  private collections(owner: TfResource, attribute: string, kind: "network" | "dnat", groupPriority: Field<number>): FirewallRule[] {
    const m = this.model;
    const out: FirewallRule[] = [];
    const unreadable = unreadableBlock(owner.config, attribute);
    if (unreadable) out.push(this.unreadableRule(owner, kind, `(${attribute} evaluated at plan time)`, unreadable));
    for (const coll of m.blocks(owner, attribute)) {
      const cp = m.resolveNumber(coll.priority);
      const collName = m.resolveString(coll.name);
      const action = m.resolveString(coll.action);
      const rulesWhy = unreadableBlock(coll, "rule");
      if (rulesWhy) out.push(this.unreadableRule(owner, kind, `${collName.known ? collName.value : "?"}/(rules evaluated at plan time)`, rulesWhy));
      subBlocks(coll.rule).forEach((rule, i) => {
        const order: Field<number> = !groupPriority.known ? groupPriority
          : !cp.known || cp.value === undefined ? unknownField("priority", cp.known ? "missing" : cp.reason)
            : knownField((groupPriority.value * ORDER_SCALE + cp.value) * 1000 + i);
        out.push(this.parseRule(owner, kind, `${collName.known ? collName.value : "?"}/${nameOr(m, rule.name, i)}`, order, action, rule));
      });
    }
    return out;
  }

  private classicRules(): void {
    const m = this.model;
    for (const [type, kind] of [["azurerm_firewall_nat_rule_collection", "dnat"], ["azurerm_firewall_network_rule_collection", "network"]] as const) {
      for (const res of m.ofType(type)) {
        const fwName = m.resolveString(res.config.azure_firewall_name);
        const ref = m.referencedResource(res.config.azure_firewall_name);
        const byName = fwName.known ? this.firewalls.find((f) => f.name?.toLowerCase() === fwName.value.toLowerCase()) : undefined;
        const fw = this.firewalls.find((f) => f.resource === ref) ?? byName;
        let unplaced: string | undefined;
        if (!fw) {
          // Classic collections belong to firewalls without a policy: those whose name may be this one.
          unplaced = `azure_firewall_name: ${fwName.known ? `${JSON.stringify(fwName.value)} names no firewall of this configuration` : fwName.reason}`;
          const may = this.firewalls.filter((f) => isUnset(f.resource.config.firewall_policy_id) && (!fwName.known || f.name === undefined));
          for (const f of may) f.rulesUnknown.push(`the rules of ${res.address} ${unplaced}`);
        }
        const cp = m.resolveNumber(res.config.priority);
        const action = m.resolveString(res.config.action);
        const name = m.resolveString(res.config.name);
        const rulesWhy = unreadableBlock(res.config, "rule");
        if (rulesWhy) {
          const r = this.unreadableRule(res, kind, `${name.known ? name.value : "?"}/(rules evaluated at plan time)`, rulesWhy);
          this.rules.push(r);
          if (fw) fw.rules.push(bind(r, r.order, fw));
          else (r as { firewallUnknown?: string }).firewallUnknown = `${res.address} ${unplaced!}`;
        }
        subBlocks(res.config.rule).forEach((rule, i) => {
          // Classic collections share one priority space per rule type; DNAT comes before network rules.
          const order: Field<number> = cp.known && cp.value !== undefined ? knownField(cp.value * 1000 + i) : unknownField("priority", cp.known ? "missing" : cp.reason);
          const r = this.parseRule(res, kind, `${name.known ? name.value : "?"}/${nameOr(m, rule.name, i)}`, order, action, rule);
          this.rules.push(r);
          if (fw) fw.rules.push(bind(r, r.order, fw));
          else (r as { firewallUnknown?: string }).firewallUnknown = `${res.address} ${unplaced!}`;
        });
      }
    }
  }

  private parseRule(resource: TfResource, kind: "network" | "dnat", label: string, order: Field<number>, actionRaw: ReturnType<TerraformModel["resolveString"]>, rule: Record<string, unknown>): FirewallRule {
    const m = this.model;
    const action: FirewallRule["action"] = !actionRaw.known ? unknownField("action", actionRaw.reason)
      : ["allow", "deny", "dnat"].includes(actionRaw.value.toLowerCase()) ? knownField(cap(actionRaw.value) as "Allow" | "Deny" | "Dnat")
        : unknownField("action", `${JSON.stringify(actionRaw.value)} is not Allow, Deny or Dnat`);
    const protoList = m.resolveStringList(rule.protocols);
    const protocols: Field<Set<string>> = !protoList.known ? unknownField("protocols", protoList.reason)
      : protoList.value.length === 0 ? unknownField("protocols", "missing") : knownField(new Set(protoList.value.map((p) => p.trim().toLowerCase())));
    const sources = this.addressSet(rule, ["source_addresses"], ["source_ip_groups"], []);
    const destinations = kind === "network"
      ? this.addressSet(rule, ["destination_addresses"], ["destination_ip_groups"], ["destination_fqdns"])
      : this.addressSet(rule, ["destination_address", "destination_addresses"], [], []);
    const portList = m.resolveStringList(rule.destination_ports);
    let destinationPorts: Field<Intervals<number>>;
    if (!portList.known) destinationPorts = unknownField("destination_ports", portList.reason);
    else {
      const ranges = portList.value.map((p) => (p.trim() === "*" ? ([0, 65535] as const) : parsePortText(p)));
      const bad = portList.value.find((_, i) => !ranges[i]);
      destinationPorts = bad !== undefined || portList.value.length === 0
        ? unknownField("destination_ports", bad !== undefined ? `${JSON.stringify(bad)} is not a port or port range` : "missing")
        : knownField(Intervals.of(PORTS, ranges as (readonly [number, number])[]));
    }
    const out: FirewallRule = { id: this.nextId++, kind, resource, label, order, action, protocols, sources, destinations, destinationPorts };
    if (kind === "dnat") {
      const ta = m.resolveString(rule.translated_address);
      const tp = m.resolveNumber(rule.translated_port);
      (out as { translatedAddress?: Field<Cidr> }).translatedAddress = isUnset(rule.translated_address)
        ? unknownField("translated_address", isUnset(rule.translated_fqdn) ? "missing" : "the rule translates to an FQDN, resolved at run time")
        : !ta.known ? unknownField("translated_address", ta.reason) : parseCidr(ta.value) ? knownField(parseCidr(ta.value)!) : unknownField("translated_address", `${JSON.stringify(ta.value)} is not an address`);
      (out as { translatedPort?: Field<number> }).translatedPort = !tp.known ? unknownField("translated_port", tp.reason)
        : tp.value === undefined ? unknownField("translated_port", "missing") : knownField(tp.value);
    }
    return out;
  }

  /**
   * A stand-in for rules this configuration cannot read (a `dynamic` block or an expression, expanded at
   * plan time): every field unknown, so it may allow, deny or publish anything, in any place.
   */
  private unreadableRule(resource: TfResource, kind: "network" | "dnat", label: string, why: string): FirewallRule {
    const u = <T>(field: string): Field<T> => unknownField(field, why);
    const out: FirewallRule = {
      id: this.nextId++, kind, resource, label, order: u("priority"), action: u("action"), protocols: u("protocols"),
      sources: u("source_addresses"), destinations: u("destination_addresses"), destinationPorts: u("destination_ports"),
    };
    if (kind === "dnat") Object.assign(out, { translatedAddress: u("translated_address"), translatedPort: u("translated_port") });
    return out;
  }

  /** Addresses (`*`, CIDRs, `a-b` ranges), IP groups and FQDNs (an opaque `fqdn` token) of a firewall rule. */
  private addressSet(rule: Record<string, unknown>, addressFields: string[], groupFields: string[], fqdnFields: string[]): Field<SourceSet> {
    const m = this.model;
    let set = SourceSet.EMPTY;
    let any = false;
    for (const f of addressFields) {
      if (isUnset(rule[f])) continue;
      any = true;
      const list = m.resolveStringList(rule[f]);
      if (!list.known) return unknownField(f, list.reason);
      for (const t of list.value) {
        const s = firewallAddress(t);
        if (!s) return unknownField(f, `${JSON.stringify(t)} is not an address, CIDR, range or *`);
        set = set.union(s);
      }
    }
    for (const f of groupFields) {
      if (isUnset(rule[f])) continue;
      any = true;
      const items = Array.isArray(rule[f]) ? (rule[f] as unknown[]) : [rule[f]];
      for (const item of items) {
        const g = m.referencedResource(item);
        const cidrs = g ? this.ipGroups.get(g) : undefined;
        if (!cidrs) return unknownField(f, `${String(item)} is not an IP group of this configuration`);
        if (!cidrs.known) return unknownField(f, `${g!.address} ${describeUnknown(cidrs)}`);
        set = set.union(cidrSet(cidrs.value));
      }
    }
    for (const f of fqdnFields) {
      if (isUnset(rule[f])) continue;
      any = true;
      set = set.union(SourceSet.token("fqdn"));
    }
    return any ? knownField(set) : unknownField(addressFields[addressFields.length - 1], "missing");
  }
}

function matchProtocol(r: FirewallRule, protocol: string): "yes" | "no" | "maybe" {
  if (!r.protocols.known) return "maybe";
  const p = r.protocols.value;
  return p.has("any") || p.has(protocol.toLowerCase()) ? "yes" : "no";
}

function firewallAddress(t: string): SourceSet | undefined {
  const s = t.trim();
  if (s === "*") return new SourceSet(Intervals.all(V4), Intervals.all(V6), TokenSet.NONE);
  const range = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(s);
  if (range) {
    const a = parseCidr(range[1]);
    const b = parseCidr(range[2]);
    if (a?.family === 4 && b?.family === 4 && a.prefix === 32 && b.prefix === 32 && a.start <= b.start) return SourceSet.v4([[a.start, b.start]]);
    return undefined;
  }
  const c = parseCidr(s);
  return c ? cidrSet([c]) : undefined;
}

function cidrSet(cidrs: Cidr[]): SourceSet {
  let s = SourceSet.EMPTY;
  for (const c of cidrs) s = s.union(SourceSet.cidr(c));
  return s;
}

function cidrsOf(list: string[], field: string): Field<Cidr[]> {
  const out: Cidr[] = [];
  for (const t of list) {
    const c = parseCidr(t);
    if (!c) return unknownField(field, `${JSON.stringify(t)} is not a CIDR`);
    out.push(c);
  }
  return knownField(out);
}

function subBlocks(value: unknown): Record<string, unknown>[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(value)) return value.filter(isObj);
  return isObj(value) ? [value] : [];
}

function nameOr(m: TerraformModel, value: unknown, index: number): string {
  const n = m.resolveString(value);
  return n.known ? n.value : String(index);
}

function cap(s: string): string {
  const t = s.trim().toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}


/**
 * The rule as `fw` evaluates it at `order`: the rule itself the first time (it then names its first
 * firewall in {@link FirewallIndex.rules} too), else a copy.
 */
function bind(r: FirewallRule, order: Field<number>, fw: Firewall): FirewallRule {
  if (!r.firewall) {
    (r as { firewall?: Firewall }).firewall = fw;
    if (order === r.order) return r;
  }
  return { ...r, order, firewall: fw };
}

/** An address's place in a sorted array of DNAT rules (by translated address). */
function lowerBound(list: { start: number | bigint }[], start: number | bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** DNAT rules by translated address: exact hosts by lookup, address ranges by binary search, never a scan per host. */
class DnatIndex {
  private readonly byHost = new Map<string, FirewallRule[]>();
  private readonly sorted: Record<4 | 6, { start: number | bigint; rule: FirewallRule; address: Cidr }[]> = { 4: [], 6: [] };
  /** Rules whose translated address is not known: they may translate to any host. */
  private readonly unknownAddress: FirewallRule[] = [];

  public constructor(rules: FirewallRule[]) {
    for (const r of rules) {
      const ta = r.translatedAddress!;
      if (!ta.known) {
        this.unknownAddress.push(r);
        continue;
      }
      const k = `${ta.value.family}:${ta.value.start}`;
      const list = this.byHost.get(k);
      if (list) list.push(r);
      else this.byHost.set(k, [r]);
      this.sorted[ta.value.family].push({ start: ta.value.start, rule: r, address: ta.value });
    }
    for (const f of [4, 6] as const) this.sorted[f].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /**
   * The rules that may translate to the endpoint, with why that is not certain. A known static address:
   * the rules naming exactly it. A dynamic address: Azure assigns it from the subnet's range
   * (learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses), so a rule to an
   * address of that range not held statically by another host may be this one's. A subnet endpoint
   * stands for the hosts of the subnet not in this configuration: a rule to an address of the subnet
   * publishes whichever host holds it. An unknown address: any address of its subnet (any at all
   * without known prefixes); hosts behind an NSG attached to nothing here: any address not held
   * statically by a host of this configuration. Rules whose translated address is not known may
   * translate to any endpoint.
   */
  public candidates(endpoint: Endpoint, taken?: (subnet: Subnet | undefined, address: Cidr) => boolean): { rule: FirewallRule; doubt?: string }[] {
    const d = endpoint.destination;
    const out: { rule: FirewallRule; doubt?: string }[] = [];
    if (d.kind === "host") {
      for (const rule of this.byHost.get(`${d.cidr.family}:${d.cidr.start}`) ?? []) out.push({ rule });
    } else {
      const subnetPrefixes = endpoint.subnet?.prefixes.known ? endpoint.subnet.prefixes.value : undefined;
      const ranges = d.kind === "range" ? d.cidrs : d.kind === "unknown" ? subnetPrefixes : undefined;
      const why = (a: Cidr) => endpoint.kind === "subnet" ? `${a.text} is an address of the subnet: the DNAT rule publishes whichever host holds it`
        : d.kind === "range" ? `the host's private address is dynamic, assigned by Azure from the subnet's range: it may be ${a.text}`
          : d.kind === "unknown" ? `the host's address is not known (${d.reason}): it may be ${a.text}`
            : `the hosts behind this NSG are not part of this configuration: one may have address ${a.text}`;
      const subnet = d.kind === "anywhere" ? undefined : endpoint.subnet;
      const add = (e: { rule: FirewallRule; address: Cidr }) => {
        if (!taken?.(subnet, e.address)) out.push({ rule: e.rule, doubt: why(e.address) });
      };
      if (ranges) {
        for (const c of ranges) {
          const list = this.sorted[c.family];
          for (let i = lowerBound(list, c.start); i < list.length && list[i].start <= c.end; i++) add(list[i]);
        }
      } else for (const f of [4, 6] as const) this.sorted[f].forEach(add);
    }
    for (const rule of this.unknownAddress) out.push({ rule });
    return out;
  }
}
