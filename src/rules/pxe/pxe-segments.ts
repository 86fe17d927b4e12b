/**
 * PXE segments (R-PXE-10): the zones that hold a distribution point, the rules written for PXE that
 * let PXE traffic into them, and where each of those rules sends it. Shared by SDZ-PXE-012 (PXE
 * flows that reach hosts other than the distribution point) and SDZ-PXE-013 (a second PXE or DHCP
 * responder in the zone), so a host that answers PXE only because a too-wide rule reaches it is one
 * finding (the rule's), not two.
 */
import { DistributionPoint, dpPorts, PXE_PORTS, RESPONDER_PORTS, responderCandidates, TFTP_DATA_ANY, tftpDataRange } from "./distribution-points";
import { deciderKey, mayNameService, namesService, pxeDeciderOf, leftToNet001 } from "./source-trust";
import { Endpoint } from "../../engine/access/access-model";
import { FirewallRule } from "../../engine/access/firewalls";
import { Reach } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Nic, NsgRule, Subnet, Vm } from "../../engine/access/topology";
import { Decider, describeServicePort, reachOn } from "../../engine/exposure";
import { RuleContext } from "../../engine/rule";
import { Zone } from "../../engine/zones";
import { SERVICE_PORTS } from "../../network/service-ports";
import { unknownRuleLeftToOob } from "../oob/port-verdicts";

/** Where one rule written for PXE sends PXE traffic in a segment. */
export interface PxeFlowRule {
  readonly decider: Decider;
  /** The rule the decider is: an NSG rule, or an Azure Firewall network rule on the path. */
  readonly rule: NsgRule | FirewallRule;
  readonly outcome: "allow" | "uncertain";
  readonly services: Set<string>;
  readonly doubts: Set<string>;
  /** What it opens beyond the distribution point's own address (empty: only the distribution point). */
  readonly beyond: string[];
  /** Why where it sends traffic cannot be told. */
  readonly unknown: string[];
}

/** A zone holding a distribution point. */
export interface PxeSegment {
  readonly zone: Zone;
  readonly subnet: Subnet;
  /** Every distribution point (or other responder the checks see) with a NIC in the zone. */
  readonly dps: DistributionPoint[];
  /** The distribution points PXE traffic should go to: the declared ones, else every one the checks see that serves PXE. */
  readonly designated: DistributionPoint[];
  /** Rules written for PXE that let PXE traffic into the zone, by deciding rule. */
  readonly rules: Map<string, PxeFlowRule>;
  /**
   * Designated distribution points whose TFTP data range cannot be read (why), with the other NSG
   * rules that let UDP into the zone beyond the distribution point: any of them may be the one
   * written for that range, which cannot be told.
   */
  readonly rangeUnknown: { readonly dp: DistributionPoint; readonly why: string; readonly rules: string[] }[];
}

/**
 * The rule a PXE flow rule reads destinations from: the deciding NSG rule, or the Azure Firewall
 * network rule that lets the routed traffic through (on the path with only Azure's default NSG rules
 * behind it, deciderOf names it). Default rules, missing NSGs and DNAT rules (which translate to one
 * address) send nothing "beyond": undefined.
 */
function flowRuleOf(decider: Decider, r: Reach): NsgRule | FirewallRule | undefined {
  if (decider.kind === "nsg-rule") return decider.nsgRule;
  if (decider.kind === "firewall-rule" && r.firewall?.rule?.kind === "network") return r.firewall.rule;
  return undefined;
}

/**
 * The distribution points the PXE rules check: every responder candidate that serves PXE, except
 * - one that SDZ-PXE-013 reports as a second responder: in a segment whose designated distribution points
 *   (the declared ones, else those that serve PXE) it is not among, it is that finding, not a distribution point;
 * - a host the checks infer only because a PXE rule that SDZ-PXE-012 reports (it opens the whole segment or another host)
 *   reaches it, when its zone has a distribution point that answers on its own. (When every candidate
 *   of a zone answers only through such a rule, none can be told from the others and all are kept.)
 * A DHCP server (serves DHCP only) is never one: SDZ-PXE-013 counts it as a responder in a PXE segment.
 */
export function distributionPoints(ctx: RuleContext): DistributionPoint[] {
  return ctx.model.memo("pxe:distribution-points", () => {
    const segments = pxeSegments(ctx);
    const own = new Map<DistributionPoint, boolean>();
    const rogue = new Set<DistributionPoint>();
    for (const seg of segments) {
      for (const dp of seg.dps) {
        const answers = respondsOnItsOwn(ctx, seg, dp);
        own.set(dp, (own.get(dp) ?? false) || answers);
        if (answers && !seg.designated.includes(dp)) rogue.add(dp);
      }
    }
    return responderCandidates(ctx).filter((dp) => {
      if (dp.serves !== "pxe" || rogue.has(dp)) return false;
      if (own.get(dp) !== false) return true;
      // Kept when no other candidate of its zones answers on its own.
      return !segments.some((seg) => seg.dps.includes(dp) && seg.dps.some((o) => o !== dp && own.get(o)));
    });
  });
}

/** The distribution point a VM is, if any. */
export function distributionPointOf(ctx: RuleContext, vm: Vm | undefined): DistributionPoint | undefined {
  return vm ? distributionPoints(ctx).find((d) => d.vm === vm) : undefined;
}

/**
 * Does the candidate answer PXE on its own, not only because a rule that SDZ-PXE-012 reports reaches
 * it? Declared and script evidence count; a network inference counts when some rule written for PXE
 * that is not one of those reaches the VM.
 */
export function respondsOnItsOwn(ctx: RuleContext, seg: PxeSegment, dp: DistributionPoint): boolean {
  if (dp.via !== "network") return true;
  const flagged = new Set([...seg.rules.values()].filter((f) => f.beyond.length > 0).map((f) => deciderKey(f.decider)));
  for (const ep of ctx.access.endpointsOfVm(dp.vm)) {
    for (const port of RESPONDER_PORTS) {
      for (const r of reachOn(ctx.model, ep, port)) {
        if (!namesService(r, port, ep) && !mayNameService(r, port, ep)) continue;
        if (!flagged.has(deciderKey(pxeDeciderOf(r, port, ep)))) return true;
      }
    }
  }
  return false;
}

/** The PXE segments of a configuration. Memoised. */
export function pxeSegments(ctx: RuleContext): PxeSegment[] {
  return ctx.model.memo("pxe:segments", () => {
    const bySubnet = new Map<Subnet, DistributionPoint[]>();
    for (const dp of responderCandidates(ctx)) {
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          if (!cfg.subnet) continue;
          const list = bySubnet.get(cfg.subnet) ?? [];
          if (!list.includes(dp)) list.push(dp);
          bySubnet.set(cfg.subnet, list);
        }
      }
    }
    const out: PxeSegment[] = [];
    for (const [subnet, dps] of bySubnet) {
      // A subnet whose responders all serve DHCP only holds no distribution point: it is no PXE segment.
      const pxe = dps.filter((d) => d.serves === "pxe");
      const zone = pxe.length > 0 ? ctx.zones.zoneOf(subnet) : undefined;
      if (!zone) continue;
      const declared = dps.filter((d) => d.claim.source === "declared");
      const designated = declared.length > 0 ? declared : pxe;
      const rules = flowRules(ctx, subnet, zone, designated);
      out.push({ zone, subnet, dps, designated, rules, rangeUnknown: rangeUnknownIn(ctx, subnet, zone, designated, rules) });
    }
    return out;
  });
}

/** The rules written for PXE that let PXE into the zone's hosts, each with where it sends the traffic. */
function flowRules(ctx: RuleContext, subnet: Subnet, zone: Zone, designated: DistributionPoint[]): Map<string, PxeFlowRule> {
  const rules = new Map<string, PxeFlowRule>();
  const endpoints = hostsOf(ctx, subnet);
  for (const ep of endpoints) {
    const dp = designated.find((d) => d.vm === ep.vm) ?? designated[0];
    for (const port of dpPorts(ctx, dp)) {
      for (const r of reachOn(ctx.model, ep, port)) {
        const named = namesService(r, port, ep);
        if (!named && !mayNameService(r, port, ep)) continue;
        // A rule whose ports are not known before apply is the out-of-band owner's one could-not-verify where it names this
        // port on this host (the TFTP data range with the TFTP port it follows; oob/port-verdicts.ts), as for SDZ-PXE-001.
        if (!named && unknownRuleLeftToOob(ctx, r, ep, PXE_PORTS.includes(port) ? port : SERVICE_PORTS.TFTP)) continue;
        const decider = pxeDeciderOf(r, port, ep);
        const rule = flowRuleOf(decider, r);
        if (!rule || leftToNet001(ctx, ep, decider)) continue;
        const key = deciderKey(decider);
        let f = rules.get(key);
        if (!f) {
          f = { decider, rule, outcome: r.outcome, services: new Set(), doubts: new Set(), beyond: [], unknown: [] };
          rules.set(key, f);
        }
        if (r.outcome === "uncertain") (f as { outcome: string }).outcome = "uncertain";
        f.services.add(describeServicePort(port));
        r.doubts.forEach((d) => f!.doubts.add(d));
      }
    }
  }
  for (const f of rules.values()) whereItGoes(ctx, f, subnet, zone, designated);
  return rules;
}

/**
 * For the designated distribution points whose TFTP data range cannot be read: the NSG or firewall rules, other
 * than those already judged as PXE rules, that let some unprivileged UDP port (any the range could
 * be) into the zone's hosts and send it beyond the distribution point, or where to cannot be told.
 * Asked only when such a distribution point exists (one more reach query per host of the zone).
 */
function rangeUnknownIn(ctx: RuleContext, subnet: Subnet, zone: Zone, designated: DistributionPoint[], known: Map<string, PxeFlowRule>): PxeSegment["rangeUnknown"] {
  const unknown = designated.flatMap((dp) => {
    const range = tftpDataRange(ctx, dp);
    return range.unknown !== undefined ? [{ dp, why: range.unknown }] : [];
  });
  if (unknown.length === 0) return [];
  const candidates = new Map<string, PxeFlowRule>();
  for (const ep of hostsOf(ctx, subnet)) {
    for (const r of reachOn(ctx.model, ep, TFTP_DATA_ANY)) {
      const decider = pxeDeciderOf(r, TFTP_DATA_ANY, ep);
      const rule = flowRuleOf(decider, r);
      if (!rule || leftToNet001(ctx, ep, decider)) continue;
      const key = deciderKey(decider);
      if (known.has(key) || candidates.has(key)) continue;
      candidates.set(key, { decider, rule, outcome: r.outcome, services: new Set(), doubts: new Set(), beyond: [], unknown: [] });
    }
  }
  const rules: string[] = [];
  for (const f of candidates.values()) {
    whereItGoes(ctx, f, subnet, zone, designated);
    if (f.beyond.length > 0 || f.unknown.length > 0) rules.push(f.decider.label);
  }
  return rules.length === 0 ? [] : unknown.map((u) => ({ ...u, rules }));
}

/**
 * Fills `beyond` and `unknown`: the hosts of the zone a rule's destinations match, among what it
 * guards, other than the designated distribution points. An NSG rule guards every address of the
 * subnet when its NSG is the subnet's, only its own NICs when it is a NIC's NSG. An Azure Firewall
 * network rule guards every address the routed traffic is sent to: its destination_addresses (or
 * destination IP groups; learn.microsoft.com/azure/firewall/rule-processing) read against the zone's
 * addresses, as a subnet NSG's are.
 */
function whereItGoes(ctx: RuleContext, f: PxeFlowRule, subnet: Subnet, zone: Zone, designated: DistributionPoint[]): void {
  const isDp = (nic: Nic) => designated.some((d) => d.vm === nic.vm);
  const rule = f.rule;
  if (!rule.destinations.known) {
    f.unknown.push(`${rule.destinations.field}: ${rule.destinations.reason}`);
    return;
  }
  // Addresses of the designated distribution points in this zone, and those that are not known.
  let dpAddresses = SourceSet.EMPTY;
  const dpDynamic: string[] = [];
  for (const d of designated) {
    for (const nic of d.vm.nics) {
      for (const cfg of nic.ipConfigs) {
        if (cfg.subnet !== subnet) continue;
        if (cfg.privateIp.known && cfg.privateIp.value !== "dynamic") dpAddresses = dpAddresses.union(SourceSet.cidr(cfg.privateIp.value));
        else dpDynamic.push(`${nic.resource.address} has ${cfg.privateIp.known ? "a dynamic address" : `an address not known before apply (${cfg.privateIp.reason})`}`);
      }
    }
  }
  const zoneHosts = hostsOf(ctx, subnet).filter((e) => e.kind === "nic" && e.nic && !isDp(e.nic));

  const firewall = "kind" in rule;
  const nsg = firewall ? undefined : rule.nsg;
  if (firewall || (nsg && nsg.subnets.includes(subnet))) {
    if (!subnet.prefixes.known) {
      f.unknown.push(`the address prefixes of ${zone.name} (${subnet.prefixes.reason})`);
      return;
    }
    const whole = zone.sources;
    let matched = SourceSet.EMPTY;
    let everything = false;
    if (firewall) {
      matched = rule.destinations.value.intersect(whole);
      everything = matched.equals(whole);
    } else {
      for (const t of rule.destinations.value) {
        if (t.kind === "any" || (t.kind === "tag" && t.tag === "virtualnetwork")) {
          matched = whole;
          everything = true;
        } else if (t.kind === "cidr") matched = matched.union(SourceSet.cidr(t.cidr).intersect(whole));
        else if (t.kind === "asg") {
          for (const nic of ctx.access.topology.nicsInAsg(t.id).filter((n) => n.ipConfigs.some((c) => c.subnet === subnet))) {
            if (!isDp(nic)) f.beyond.push(`${nic.resource.address} (member of application security group ${t.text})`);
          }
        }
      }
    }
    const excess = matched.subtract(dpAddresses);
    if (excess.isEmpty) return;
    if (dpDynamic.length > 0 && !everything) {
      f.unknown.push(`whether ${describeSet(excess)} is only the distribution point's address (${dpDynamic.join("; ")})`);
      return;
    }
    const hosts = zoneHosts.filter((e) => e.destination.kind === "host" && !excess.intersect(SourceSet.cidr(e.destination.cidr)).isEmpty).map((e) => e.label);
    f.beyond.push(everything || excess.v4.size() + dpAddresses.v4.size() >= whole.v4.size()
      ? `every host of zone ${zone.name} (${zone.prefixes.map((p) => p.text).join(", ")})${hosts.length > 0 ? `, among them ${hosts.join(", ")}` : ""}`
      : `${describeSet(excess)} of zone ${zone.name}${hosts.length > 0 ? ` (${hosts.join(", ")})` : ""}`);
    return;
  }
  // A NIC's NSG: its rules reach only the NICs it is associated with.
  const terms = firewall ? [] : rule.destinations.value;
  for (const nic of nsg?.nics ?? []) {
    if (isDp(nic) || !nic.ipConfigs.some((c) => c.subnet === subnet)) continue;
    for (const cfg of nic.ipConfigs.filter((c) => c.subnet === subnet)) {
      const match = terms.map((t): "yes" | "no" | "maybe" => {
        if (t.kind === "any" || (t.kind === "tag" && t.tag === "virtualnetwork")) return "yes";
        if (t.kind === "asg") return nic.asgs.has(t.id) ? "yes" : "no";
        if (t.kind !== "cidr") return "no";
        if (!cfg.privateIp.known || cfg.privateIp.value === "dynamic") return "maybe";
        return SourceSet.cidr(t.cidr).intersect(SourceSet.cidr(cfg.privateIp.value)).isEmpty ? "no" : "yes";
      });
      if (match.includes("yes")) f.beyond.push(`${nic.resource.address}${cfg.privateIp.known && cfg.privateIp.value !== "dynamic" ? ` (${cfg.privateIp.value.text})` : ""}`);
      else if (match.includes("maybe")) f.unknown.push(`whether ${nic.resource.address}, whose address is not known, is a destination`);
    }
  }
}

/** The NIC and private endpoint endpoints of a subnet (an index built once per configuration). */
function hostsOf(ctx: RuleContext, subnet: Subnet): Endpoint[] {
  const index = ctx.model.memo("pxe:hosts-by-subnet", () => {
    const m = new Map<Subnet, Endpoint[]>();
    for (const e of ctx.access.endpoints) {
      if (!e.subnet || (e.kind !== "nic" && e.kind !== "private-endpoint")) continue;
      const list = m.get(e.subnet);
      if (list) list.push(e);
      else m.set(e.subnet, [e]);
    }
    return m;
  });
  return index.get(subnet) ?? [];
}


function describeSet(s: SourceSet): string {
  const ip = (n: number) => [24, 16, 8, 0].map((b) => (n >>> b) & 255).join(".");
  const ranges = s.v4.ranges().map(([a, b]) => (a === b ? ip(a) : `${ip(a)}-${ip(b)}`));
  return `addresses ${ranges.slice(0, 3).join(", ")}${ranges.length > 3 ? ", ..." : ""}`;
}

