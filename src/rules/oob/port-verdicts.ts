/**
 * What SDZ-OOB-001 (the Intel AMT ports, TCP 16992-16995) and SDZ-OOB-002 (the AMT provisioning port,
 * TCP 9971 or a service point's custom one) report about the rules that let those ports in, computed
 * once per configuration: their checks write the findings from it.
 *
 * One rule whose destination ports are not known before apply (a variable) may open both; it is one
 * could-not-verify, naming the field once (principle 3), with the other port named in it: on an
 * out-of-band service point, SDZ-OOB-002's (its provisioning port is asked through any rule there,
 * R-OOB-1); on every other host, SDZ-OOB-001's (away from a service point OOB-002 reads only rules
 * written for TCP 9971). A rule written for a port stays that port's rule's, and a host where the
 * owner has nothing to report keeps the other rule's finding (nothing is dropped that no finding says).
 *
 * That finding is also the one could-not-verify of the other packs about such a rule where its sources
 * are not the Internet (SDZ-NET-001's, as reported-by-net-001.ts says): KMS (SDZ-KMS-002, SDZ-KMS-003),
 * the domain services (SDZ-DOM-001), SNMP (SDZ-NET-005), Wake-on-LAN (SDZ-NET-006) and PXE (SDZ-PXE-001) leave it to this
 * finding where it names their port on the host ({@link unknownRuleLeftToOob}), and the finding names
 * every such service the unknown value may open there. The owner is this pair of rules because it is the
 * most specific about who may reach a host through such a rule (only the MANAGEMENT zones and the service
 * point may reach AMT), so it is already reported wherever the KMS rules would be (a zone below INTERNAL or
 * of unknown trust, a private range of no zone, VirtualNetwork), and it names the hosts (SDZ-DOM-001 reads
 * rules, not hosts). Where it has nothing to report on a host (every source may reach AMT and the
 * provisioning port there; a rule for UDP only), SDZ-NET-006's could-not-verify about the rule, where it
 * reports one, is the one finding in the same way ({@link ownedServices}); elsewhere the other rules keep theirs.
 */
import { describeServicePoints, listOf, provisioningOf, ServicePointProvisioning } from "./common";
import { OobTags } from "../../contract/oob-tags";
import { Endpoint } from "../../engine/access/access-model";
import { firewallSubnetDoubt, firewallSubnetText } from "../../engine/access/firewall-subnet";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach, Reachability } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Nic, Subnet } from "../../engine/access/topology";
import { AmtServicePoints, sourcesOf } from "../../engine/amt-service-points";
import {
  classifySources, Decider, deciderOf, describeHosts, exposuresByRule, hostEndpoints, mayHaveNamingRule, mayName, namesRange, namingRule, reachOn,
  serviceDeciderOf,
} from "../../engine/exposure";
import { TfResource } from "../../engine/model";
import { RuleContext, ruleRuns } from "../../engine/rule";
import { Settings } from "../../engine/settings";
import { Zones } from "../../engine/zones";
import { isFirewallSubnet, isNoClientSubnet } from "../../network/platform-subnets";
import { describeServicePort, DOMAIN_SERVICE_PORTS, SERVICE_PORTS, ServicePort } from "../../network/service-ports";
import { TrustLevel } from "../../network/trust-level";
import { leftToNet001, serviceRuleOwns, unknownRuleLeftToNet001 } from "../net/reported-by-net-001";

const AMT = SERVICE_PORTS.AMT;
const AMT_PORTS = Intervals.of(PORTS, [[AMT.from, AMT.to]]);

/** One finding of SDZ-OOB-001 or SDZ-OOB-002. */
export interface PortFinding {
  readonly resource: TfResource;
  readonly status: "fail" | "unverified";
  readonly message: string;
}

/**
 * What the shared verdicts read of a rule context: a check's own, or one built from the model where
 * another pack asks outside its check ({@link oobContextOf}: the KMS exposures are computed from the model).
 */
export type OobContext = Pick<RuleContext, "model" | "access" | "reach" | "settings" | "runs">;

/** The context of the verdicts, from the model alone (every part is memoised on the model). */
export function oobContextOf(model: RuleContext["model"]): OobContext {
  const reach = Reachability.of(model);
  // The rules the model's check runs, when it runs one (an owner that does not run leaves nothing to be left to it).
  return { model, access: reach.access, reach, settings: Settings.of(model), runs: (ruleId: string) => model.runsInCheck(ruleId) };
}

/** The findings of SDZ-OOB-001, in group order. Memoised per configuration. */
export function oob001Findings(ctx: OobContext): PortFinding[] {
  return ctx.model.memo("oob-001:findings", () => {
    const left = oob002Others(ctx).left;
    return oob001Core(ctx).judged.map((j) => {
      const { decider, hosts } = j;
      // Hosts that are no service point, where SDZ-OOB-002 leaves this rule (its ports not known) to this finding: say what it would have.
      const also = [...hosts].some((h) => left.has(pairKey(decider, h)));
      return withOthers(ctx, j, "SDZ-OOB-001", also ? { text: `the AMT provisioning port TCP ${OobTags.DEFAULT_PROVISIONING_PORT}`, rule: "SDZ-OOB-002" } : undefined);
    });
  });
}

/** The findings of SDZ-OOB-002: service points first, then the other hosts. Memoised per configuration. */
export function oob002Findings(ctx: OobContext): PortFinding[] {
  return ctx.model.memo("oob-002:findings", () => {
    const left = oob001Core(ctx).left;
    const sp = oob002ServicePoints(ctx).judged.map((j) => {
      const { decider, hosts } = j;
      // On a service point, SDZ-OOB-001 leaves a rule whose ports are not known to this finding: say what it would have.
      const also = [...hosts].some((h) => left.has(pairKey(decider, h)));
      return withOthers(ctx, j, "SDZ-OOB-002", also ? { text: `Intel AMT (TCP ${AMT.from}-${AMT.to})`, rule: "SDZ-OOB-001" } : undefined);
    });
    return [...sp, ...oob002Others(ctx).judged.map((j) => withOthers(ctx, j, "SDZ-OOB-002"))];
  });
}

/**
 * The services of the other packs whose rules leave to the OOB owner's could-not-verify a rule whose
 * destination ports are not known before apply, with those rules: KMS (SDZ-KMS-002 and 003, and SDZ-KMS-006
 * for TCP 1688 from a zone: unknownRuleOwnerOf), the domain services SDZ-DOM-001 reads (Kerberos, kpasswd,
 * LDAP, LDAPS, Global Catalog, DNS), SNMP, Wake-on-LAN and PXE (SDZ-PXE-001, and SDZ-PXE-012 for the rules
 * written for PXE it reads: pxe-segments.ts). The finding names them all, so that suppressing it shows what
 * else it hides.
 */
const OTHER_SERVICES: readonly { readonly port: ServicePort; readonly rules: readonly string[] }[] = [
  { port: SERVICE_PORTS.KMS, rules: ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006"] },
  ...DOMAIN_SERVICE_PORTS.filter((p) => p.locator).map((port) => ({ port, rules: ["SDZ-DOM-001"] })),
  ...[SERVICE_PORTS.SNMP, SERVICE_PORTS.SNMP_TRAP].map((port) => ({ port, rules: ["SDZ-NET-005"] })),
  ...[SERVICE_PORTS.WAKE_ON_LAN_ECHO, SERVICE_PORTS.WAKE_ON_LAN_DISCARD].map((port) => ({ port, rules: ["SDZ-NET-006"] })),
  // The fixed PXE ports (a distribution point's TFTP data range follows its TFTP port: pxe-exposures.ts).
  ...[SERVICE_PORTS.DHCP_SERVER, SERVICE_PORTS.DHCP_CLIENT, SERVICE_PORTS.TFTP, SERVICE_PORTS.PXE_BINL].map((port) => ({ port, rules: ["SDZ-PXE-001", "SDZ-PXE-012"] })),
];

/**
 * Per `decider|host` of an owner's could-not-verify about an NSG rule whose destination ports are not
 * known before apply (the finding names the rule's doubts): the other services ({@link OTHER_SERVICES})
 * that the same rule may open on that host, the rule a finding about them would land on being this one
 * (a rule written for the service, in either layer, stays that service's: {@link portsUnknown}). The
 * out-of-band pair owns such a rule wherever it reports it; elsewhere (a rule for UDP only, which opens
 * no AMT port), SDZ-NET-006 does where it reports it: it reports any source but Azure's platform, so it is
 * reported wherever SNMP (SDZ-NET-005), PXE (SDZ-PXE-001, 012) and the domain services' UDP ports
 * (SDZ-DOM-001) would be. Per configuration; one reach question per owned pair and service.
 */
function ownedServices(ctx: OobContext): Map<string, OwnedPair> {
  return ctx.model.memo("oob:unknown-rule-services", () => {
    const out = new Map(oobOwnedServices(ctx));
    addOwnedPairs(ctx, out, wakeOnLanJudged(ctx).map((j) => ({ j, owner: "SDZ-NET-006" })));
    return out;
  });
}

/**
 * {@link ownedServices} of the out-of-band pair alone: what SDZ-NET-006 leaves to it. Only an owner that runs in the check
 * owns anything: an excluded owner's pair goes to the next that reports the rule there (the other out-of-band rule, else
 * SDZ-NET-006), and a finding names only the pairs it owns ({@link withOthers}).
 */
function oobOwnedServices(ctx: OobContext): Map<string, OwnedPair> {
  return ctx.model.memo("oob:unknown-rule-services-oob", () => {
    const out = new Map<string, OwnedPair>();
    addOwnedPairs(ctx, out, [
      ...oob001Core(ctx).judged.map((j) => ({ j, owner: "SDZ-OOB-001" })),
      ...[...oob002ServicePoints(ctx).judged, ...oob002Others(ctx).judged].map((j) => ({ j, owner: "SDZ-OOB-002" })),
    ].filter((x) => ruleRuns(ctx, x.owner)));
    return out;
  });
}

/** Adds the pairs of the owners' could-not-verify findings that no earlier owner holds, with what else they may open there. */
function addOwnedPairs(ctx: OobContext, out: Map<string, OwnedPair>, judged: readonly { readonly j: Judged; readonly owner: string }[]): void {
  const byLabel = ctx.model.memo("oob:endpoints-by-label", () => new Map(ctx.access.endpoints.map((ep) => [ep.label, ep])));
  for (const { j, owner } of judged) {
    if (j.f.status !== "unverified" || !j.namesDoubts || j.decider.kind !== "nsg-rule" || j.decider.ports) continue;
    for (const h of j.hosts) {
      const key = pairKey(j.decider, h);
      const ep = byLabel.get(h);
      if (out.has(key) || !ep) continue;
      const opens = (svc: (typeof OTHER_SERVICES)[number]) => !svc.rules.includes(owner) && reachOn(ctx.model, ep, svc.port)
        .some((r) => portsUnknown(r, svc.port, ep) && pairKey(serviceDeciderOf(r, svc.port, ep), h) === key);
      out.set(key, { owner, resource: j.f.resource, services: OTHER_SERVICES.filter(opens) });
    }
  }
}

const WAKE_ON_LAN = [SERVICE_PORTS.WAKE_ON_LAN_ECHO, SERVICE_PORTS.WAKE_ON_LAN_DISCARD];

/**
 * SDZ-NET-006's verdicts: who reaches UDP 7 or 9 through a rule written for them, or whose ports are not known, from any source
 * but Azure's platform; a rule SDZ-NET-001 reports, or one whose ports are not known that the out-of-band owner reports naming
 * Wake-on-LAN on the host, is that finding. Memoised per configuration.
 */
function wakeOnLanJudged(ctx: OobContext): Judged[] {
  return ctx.model.memo("net-006:judged", () => {
    const out: Judged[] = [];
    const oob = oobOwnedServices(ctx);
    const leftToOob = (r: Reach, ep: Endpoint, port: ServicePort) => {
      if (!portsUnknown(r, port, ep)) return false;
      const d = serviceDeciderOf(r, port, ep);
      const hit = d.kind === "nsg-rule" ? oob.get(pairKey(d, ep.label)) : undefined;
      return !!hit && ruleRuns(ctx, hit.owner) && hit.services.some((svc) => samePort(svc.port, port));
    };
    for (const g of exposuresByRule(ctx.model, WAKE_ON_LAN,
      (r, ep, port) => serviceRuleOwns(ctx, r, ep, port) && !leftToOob(r, ep, port),
      (ep, port) => mayHaveNamingRule(ctx.model, ep, port))) {
      const from = classifySources(ctx.model, g.endpoint, g.sources).filter((c) => c.kind !== "platform").map((c) => c.text);
      if (from.length === 0) continue;
      const msg = `${g.decider.label} allows Wake-on-LAN (${[...g.services].map((x) => x.replace("Wake-on-LAN ", "")).join(", ")}) from ${from.slice(0, 3).join("; ")} `
        + `to ${describeHosts(g.hosts)}: prefer out-of-band management, which authenticates and encrypts the power-on command`;
      const f: PortFinding = g.outcome === "allow"
        ? { resource: g.decider.resource, status: "fail", message: msg }
        : { resource: g.decider.resource, status: "unverified", message: `${msg.replace(" allows ", " may allow ")} (${[...g.doubts].join("; ")})` };
      out.push({ f, decider: g.decider, hosts: g.hosts, namesDoubts: g.outcome === "uncertain" });
    }
    return out;
  });
}

/**
 * The findings of SDZ-NET-006. A could-not-verify about a rule whose ports are not known names what else the unknown value may
 * open on its hosts, where it is the one finding about that rule ({@link ownedServices}). Memoised per configuration.
 */
export function wakeOnLanFindings(ctx: OobContext): PortFinding[] {
  return ctx.model.memo("net-006:findings", () => wakeOnLanJudged(ctx).map((j) => withOthers(ctx, j, "SDZ-NET-006")));
}

/** The OOB owner's could-not-verify about one rule on one host: whose it is, where, and the other services it names. */
interface OwnedPair {
  readonly owner: string;
  readonly resource: TfResource;
  readonly services: readonly (typeof OTHER_SERVICES)[number][];
}

/**
 * The OOB owner's could-not-verify (its rule ID and resource) that the uncertain reach `r` on `port` to `ep` is left to,
 * or undefined: the rule a finding about `port` lands on ({@link serviceDeciderOf}) is an NSG rule whose destination ports
 * are not known before apply (not written for the port), and the owner's finding about that rule on this host names the port
 * among the services the unknown value may open. The same rule, the same host, the same unknown field: one finding (principle 3).
 * Ask SDZ-NET-001 first ({@link unknownRuleLeftToNet001}): a rule that may let the Internet in is its finding.
 */
export function unknownRuleOwnerOf(ctx: OobContext, r: Reach, ep: Endpoint, port: ServicePort): OobOwner | undefined {
  if (!portsUnknown(r, port, ep)) return undefined;
  const d = serviceDeciderOf(r, port, ep);
  if (d.kind !== "nsg-rule") return undefined;
  const hit = ownedServices(ctx).get(pairKey(d, ep.label));
  if (!hit || !ruleRuns(ctx, hit.owner)) return undefined;
  return hit.services.some((s) => samePort(s.port, port)) ? { id: hit.owner, resource: hit.resource } : undefined;
}

/** An OOB owner's finding: its rule ID and the resource it is reported on. */
export interface OobOwner {
  readonly id: string;
  readonly resource: TfResource;
}

/** True when {@link unknownRuleOwnerOf} has an owner for the reach: the service's rule leaves it to that finding. */
export function unknownRuleLeftToOob(ctx: OobContext, r: Reach, ep: Endpoint, port: ServicePort): boolean {
  return !!unknownRuleOwnerOf(ctx, r, ep, port);
}

/**
 * True when the OOB owner's could-not-verify about `decider` (an NSG rule whose destination ports are not known before apply)
 * names `port` on some host ({@link unknownRuleLeftToOob}): for a rule read on its own (SDZ-DOM-001 reads every NSG rule, not reaches).
 */
export function unknownRuleLeftToOobOnSomeHost(ctx: OobContext, decider: Decider, port: ServicePort): boolean {
  const byRule = ctx.model.memo("oob:unknown-rule-services-by-rule", () => {
    const out = new Map<string, { port: ServicePort; owner: string }[]>();
    for (const [key, { services, owner }] of ownedServices(ctx)) {
      const rule = key.slice(0, key.lastIndexOf("|"));
      out.set(rule, [...(out.get(rule) ?? []), ...services.map((s) => ({ port: s.port, owner }))]);
    }
    return out;
  });
  return !!byRule.get(ruleKey(decider))?.some((p) => samePort(p.port, port) && ruleRuns(ctx, p.owner));
}

/** Compared by value: the domain service ports are copies of the service ports, with their own names. */
function samePort(a: ServicePort, b: ServicePort): boolean {
  return a.protocol === b.protocol && a.from === b.from && a.to === b.to;
}

/**
 * The finding, naming what the rule's unknown destination ports may also open on its hosts: the other
 * OOB port (`sibling`, left by the other OOB rule on some of them, as before) and the other services
 * whose rules leave this rule to the finding ({@link ownedServices}), host by host where they differ.
 */
function withOthers(ctx: OobContext, j: Judged, owner: string, sibling?: { readonly text: string; readonly rule: string }): PortFinding {
  const owned = ownedServices(ctx);
  const byText = new Map<string, { hosts: string[]; rules: Set<string> }>();
  for (const h of j.hosts) {
    // Only what this finding owns: another owner's pair is that finding's to name.
    const pair = owned.get(pairKey(j.decider, h));
    const services = pair?.owner === owner ? pair.services : [];
    const texts = [...(sibling ? [sibling.text] : []), ...new Set(services.map((s) => describeServicePort(s.port)))];
    if (texts.length === 0) continue;
    const text = texts.join(", ");
    const entry = byText.get(text) ?? { hosts: [], rules: new Set<string>() };
    entry.hosts.push(h);
    if (sibling) entry.rules.add(sibling.rule);
    services.forEach((s) => s.rules.forEach((id) => entry.rules.add(id)));
    byText.set(text, entry);
  }
  if (byText.size === 0) return j.f;
  const rules = [...new Set([...byText.values()].flatMap((e) => [...e.rules]))].sort();
  const where = byText.size === 1 && [...byText.values()][0].hosts.length === j.hosts.size
    ? `${[...byText.keys()][0]} there`
    : [...byText].map(([text, e]) => `${text} on ${describeHosts(e.hosts)}`).join("; ");
  const who = rules.length === 1 ? `${rules[0]} leaves` : `${rules.slice(0, -1).join(", ")} and ${rules[rules.length - 1]} leave`;
  return { ...j.f, message: `${j.f.message}; its destination ports, not known before apply, may also open ${where} (${who} this rule to this finding)` };
}

/** `decider|host`: how one rule on one host is told apart. */
function pairKey(d: Decider, host: string): string {
  return `${ruleKey(d)}|${host}`;
}

/** `decider`: how one rule is told apart. */
function ruleKey(d: Decider): string {
  return `${d.resource.address}|${d.label}`;
}

/**
 * True for an uncertain reach through a rule whose destination ports are not known before apply (so
 * it is not written for `port`, and may open it): the rule a finding about `port` lands on has no known ports.
 */
function portsUnknown(r: Reach, port: ServicePort, ep: Endpoint): boolean {
  if (r.outcome !== "uncertain" || namingRule(r, port) || !mayName(r, port)) return false;
  const d = serviceDeciderOf(r, port, ep);
  return d.kind !== "default-rule" && d.kind !== "no-nsg" && !d.ports;
}

interface Judged {
  readonly f: PortFinding;
  readonly decider: Decider;
  readonly hosts: ReadonlySet<string>;
  /** The finding names the values of the rule that are not known before apply (its doubts). */
  readonly namesDoubts: boolean;
}

/**
 * Per could-not-verify that names the rule's unknown values: the `decider|host` pairs it covers (a rule
 * whose ports are not known is left to it there). One about something else (whether provisioning is
 * enabled) takes nothing over.
 */
function reportedPairs(judged: readonly Judged[]): Set<string> {
  const out = new Set<string>();
  for (const j of judged) if (j.f.status === "unverified" && j.namesDoubts) for (const h of j.hosts) out.add(pairKey(j.decider, h));
  return out;
}

/**
 * SDZ-OOB-001's groups and verdicts, before the pointer to what SDZ-OOB-002 leaves to them. On a
 * service point, a rule whose ports are not known that OOB-002 reports there is left to that finding
 * (`left`: the pairs left).
 */
function oob001Core(ctx: OobContext): { judged: Judged[]; reported: Set<string>; left: Set<string> } {
  return ctx.model.memo("oob-001:core", () => {
    const sps = AmtServicePoints.of(ctx.model);
    const spSources = sps.sources;
    const clients = clientSegments(ctx);
    // Left to SDZ-OOB-002 only where it runs (excluded, it owns nothing: no silent pass).
    const byOob002 = ruleRuns(ctx, "SDZ-OOB-002") ? oob002ServicePoints(ctx).reported : new Set<string>();
    const left = new Set<string>();
    const groups = exposuresByRule(ctx.model, [AMT], (r, ep) => {
      if (!(namingRule(r, AMT) || mayName(r, AMT) || (isClientHost(ep, clients) && deciderOf(r, ep).kind !== "no-nsg"))) return false;
      // A rule not written for AMT whose values are not known before apply and whose could-not-verify SDZ-NET-001 reports on
      // this host naming AMT is that one finding (principle 3); dropped per host, so a host NET-001 says nothing about keeps this one.
      if (unknownRuleLeftToNet001(ctx, r, ep, AMT)) return false;
      // On a service point, a rule whose ports are not known is SDZ-OOB-002's could-not-verify where it reports it (the same field).
      if (sps.ofVm(ep.vm) && portsUnknown(r, AMT, ep)) {
        const key = pairKey(serviceDeciderOf(r, AMT, ep), ep.label);
        if (byOob002.has(key)) {
          left.add(key);
          return false;
        }
      }
      return true;
    }, (ep) => isClientHost(ep, clients) || mayHaveNamingRule(ctx.model, ep, AMT));
    const judged: Judged[] = [];
    for (const g of groups) {
      const names = !g.decider.ports || namesRange(g.decider.ports, AMT.from, AMT.to);
      const { bad, doubts } = judgeSources(ctx, g.endpoint, g.sources.subtract(spSources), names, sps.points.some((p) => p.addressUnknown !== undefined));
      if (bad.length === 0 && doubts.length === 0) continue;
      const where = describeHosts(g.hosts);
      const spText = describeServicePoints(sps.points);
      // Every could-not-verify below names the rule's doubts (the values not known before apply).
      const at = (f: Omit<PortFinding, "resource">) => judged.push({ f: { resource: g.decider.resource, ...f }, decider: g.decider, hosts: g.hosts, namesDoubts: true });
      if (bad.length > 0) {
        const msg = `${g.decider.label} allows Intel AMT (TCP ${AMT.from}-${AMT.to}) from ${listOf(bad)} to ${where}: only the out-of-band service point and MANAGEMENT zones may reach AMT (${spText})`;
        if (g.outcome === "allow") at({ status: "fail", message: msg });
        else at({ status: "unverified", message: `${msg.replace(" allows ", " may allow ")} (${[...g.doubts].join("; ") || "values not known before apply"})` });
        continue;
      }
      const verb = g.outcome === "allow" ? "allows" : "may allow";
      at({ status: "unverified", message: `${g.decider.label} ${verb} Intel AMT (TCP ${AMT.from}-${AMT.to}) to ${where} from ${listOf(doubts)}, which cannot be placed in a MANAGEMENT zone or on the service point${g.doubts.size ? ` (${[...g.doubts].join("; ")})` : ""}` });
    }
    return { judged, reported: reportedPairs(judged), left };
  });
}

/** The declared AMT client segments of every service point. */
function clientSegments(ctx: OobContext): SourceSet {
  let out = SourceSet.EMPTY;
  for (const p of provisioningOf(ctx)) if (p.clients.state === "declared") out = out.union(p.clients.sources);
  return out;
}

function isClientHost(ep: Endpoint, clients: SourceSet): boolean {
  if (clients.isEmpty) return false;
  const d = ep.destination;
  const cidrs = d.kind === "host" ? [d.cidr] : d.kind === "range" ? d.cidrs : [];
  return cidrs.some((c) => (c.family === 4 ? clients.v4.overlapsRange(c.start, c.end) : clients.v6.overlapsRange(c.start, c.end)));
}

/**
 * Splits the sources (service point addresses already removed) into findings and doubts. The broad
 * Internet through a rule that does not name the AMT ports is left to SDZ-NET-001. AzureFirewallSubnet
 * is judged with firewallSubnetDoubt (as the KMS and PXE packs do), not by the trust inferred for it.
 */
function judgeSources(ctx: OobContext, ep: Endpoint, sources: SourceSet, names: boolean, spDynamic: boolean): { bad: string[]; doubts: string[] } {
  const bad: string[] = [];
  const doubts: string[] = [];
  const zones = Zones.of(ctx.model);
  const topology = Reachability.of(ctx.model).access.topology;
  const sps = AmtServicePoints.of(ctx.model);
  for (const c of classifySources(ctx.model, ep, sources)) {
    switch (c.kind) {
      case "platform":
        break;
      case "internet":
        if (names || !c.broad) bad.push(c.text);
        break;
      case "zone":
        // AzureFirewallSubnet, whatever trust is inferred for it: the firewall sends from it only the traffic of the clients it
        // DNATs (reported on the DNAT rule) or routes (their own address to a private host), unless it may forward clients this
        // configuration does not show (firewallSubnetDoubt, as in the KMS and PXE packs).
        if (c.zone.kind === "subnet" && isFirewallSubnet(c.zone.subnet)) {
          const d = firewallSubnetDoubt(ctx.model, c.zone.subnet!, ep, "Tcp", AMT_PORTS);
          if (d) doubts.push(`${firewallSubnetText(c.zone.subnet!)}, whose addresses may carry the traffic of clients this configuration does not show (${d.why})`);
          break;
        }
        if (c.trust === TrustLevel.MANAGEMENT) break;
        // GatewaySubnet, RouteServerSubnet, AzureFirewallManagementSubnet: their own addresses carry no client (NO_CLIENT_SUBNETS).
        if (c.zone.kind === "subnet" && isNoClientSubnet(c.zone.subnet)) break;
        if (spDynamic && c.sources.v4.size() === 1 && sps.points.some((p) => p.addressUnknown && inSubnet(p.vm.nics, c.zone.subnet))) {
          doubts.push(`${c.text}: a single address that may be the service point's dynamic address`);
        } else if (c.trust !== undefined) bad.push(c.text);
        else doubts.push(`${c.text} (${c.zone.trust.evidence || "no trust declared or inferred"})`);
        break;
      case "private":
        doubts.push(`${c.text} (in no zone of this configuration: its trust is not known)`);
        break;
      case "tag":
        bad.push(c.text);
        break;
      case "asg": {
        const members = topology.nicsInAsg(c.name);
        const spNic = (n: (typeof members)[number]) => !!sps.ofVm(n.vm);
        const trustOf = (n: (typeof members)[number]) => n.ipConfigs
          .map((i) => (i.subnet ? zones.zoneOf(i.subnet) : undefined))
          .map((z) => (z ? zones.trustOf(z).level : undefined));
        if (members.length > 0 && members.every((n) => spNic(n) || trustOf(n).every((t) => t === TrustLevel.MANAGEMENT))) break;
        if (members.some((n) => !spNic(n) && trustOf(n).some((t) => t !== undefined && t !== TrustLevel.MANAGEMENT))) bad.push(`${c.text} (it holds hosts outside the management zones)`);
        else doubts.push(`${c.text} (its members cannot all be placed)`);
        break;
      }
    }
  }
  return { bad, doubts };
}

function inSubnet(nics: readonly Nic[], subnet: Subnet | undefined): boolean {
  return !!subnet && nics.some((n) => n.ipConfigs.some((i) => i.subnet === subnet));
}

interface Group {
  readonly decider: Decider;
  readonly outcome: "allow" | "uncertain";
  readonly port: number;
  readonly prov?: ServicePointProvisioning;
  readonly endpoint: Endpoint;
  readonly hosts: Set<string>;
  readonly doubts: Set<string>;
  sources: SourceSet;
}

function provisioningPort(port: number): ServicePort {
  return { name: "AMT provisioning", protocol: "Tcp", from: port, to: port };
}

/** SDZ-OOB-002 on the service points' endpoints: it leaves nothing there to SDZ-OOB-001. */
function oob002ServicePoints(ctx: OobContext): { judged: Judged[]; reported: Set<string> } {
  return ctx.model.memo("oob-002:service-points", () => {
    const judged = judge002(ctx, group002(ctx, true, () => false));
    return { judged, reported: reportedPairs(judged) };
  });
}

/**
 * SDZ-OOB-002 on the other hosts: a rule whose ports are not known that SDZ-OOB-001 reports on the
 * host is left to that finding (`left`: the pairs left).
 */
function oob002Others(ctx: OobContext): { judged: Judged[]; left: Set<string> } {
  return ctx.model.memo("oob-002:others", () => {
    // Left to SDZ-OOB-001 only where it runs (excluded, it owns nothing: no silent pass).
    const byOob001 = ruleRuns(ctx, "SDZ-OOB-001") ? oob001Core(ctx).reported : new Set<string>();
    const left = new Set<string>();
    const judged = judge002(ctx, group002(ctx, false, (r, ep, svc, decider) => {
      if (!portsUnknown(r, svc, ep)) return false;
      const key = pairKey(decider, ep.label);
      if (!byOob001.has(key)) return false;
      left.add(key);
      return true;
    }));
    return { judged, left };
  });
}

/** SDZ-OOB-002's groups on the service points' endpoints (`onServicePoints`) or on the other hosts, without the reaches `leave` says. */
function group002(ctx: OobContext, onServicePoints: boolean, leave: (r: Reach, ep: Endpoint, svc: ServicePort, decider: Decider) => boolean): Group[] {
  const provs = provisioningOf(ctx);
  const groups = new Map<string, Group>();
  for (const ep of hostEndpoints(ctx.model)) {
    const prov = provs.find((p) => p.sp.vm === ep.vm);
    if (!!prov !== onServicePoints) continue;
    const port = prov ? prov.port : OobTags.DEFAULT_PROVISIONING_PORT;
    if (port === undefined) continue;
    const svc = provisioningPort(port);
    // Away from a service point only rules written for the port count: none may name it, nothing to ask.
    if (!prov && !mayHaveNamingRule(ctx.model, ep, svc)) continue;
    const reaches = reachOn(ctx.model, ep, svc);
    // DNAT traffic reaches the NSG from the firewall's subnet: that echo of a DNAT reach is the DNAT rule's finding, not a second one.
    const echo = sourcesOf(reaches.flatMap((r) => (r.dnat?.firewall?.subnet?.prefixes.known ? r.dnat.firewall.subnet.prefixes.value : [])));
    for (const r of reaches) {
      const named = !!namingRule(r, svc) || mayName(r, svc);
      // The rule written for the port, in whichever layer (what SDZ-NET-001 leaves to this rule), else the deciding rule.
      const decider = serviceDeciderOf(r, svc, ep);
      if (!named && (!prov || decider.kind === "no-nsg")) continue;
      // A rule that opens every port to the Internet is SDZ-NET-001's one finding.
      if (!named && leftToNet001(ctx, ep, decider)) continue;
      // A rule not written for the port whose values are not known before apply and whose could-not-verify NET-001 reports
      // on this host naming it (TCP 9971; a custom port is not in NET-001's list) is that one finding.
      if (unknownRuleLeftToNet001(ctx, r, ep, svc)) continue;
      const sources = r.dnat ? r.sources : r.sources.subtract(echo);
      if (sources.isEmpty) continue;
      if (leave(r, ep, svc, decider)) continue;
      const key = `${r.outcome}|${decider.resource.address}|${decider.label}|${port}|${prov?.sp.vm.resource.address ?? ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { decider, outcome: r.outcome, port, prov, endpoint: ep, hosts: new Set(), doubts: new Set(), sources: SourceSet.EMPTY }));
      g.sources = g.sources.union(sources);
      g.hosts.add(ep.label);
      r.doubts.forEach((d) => g!.doubts.add(d));
    }
  }
  return [...groups.values()];
}

/** SDZ-OOB-002's verdict on each group. */
function judge002(ctx: OobContext, groups: readonly Group[]): Judged[] {
  const out: Judged[] = [];
  for (const g of groups) {
    const names = !g.decider.ports || namesRange(g.decider.ports, g.port, g.port);
    const classes = classifySources(ctx.model, g.endpoint, g.sources).filter((c) => c.kind !== "platform" && !(c.kind === "internet" && c.broad && !names));
    if (classes.length === 0) continue;
    const head = `${g.decider.label} ${g.outcome === "allow" ? "allows" : "may allow"} the AMT provisioning port TCP ${g.port}`;
    const where = describeHosts(g.hosts);
    const doubts = g.doubts.size > 0 ? ` (${[...g.doubts].join("; ")})` : "";
    const at = (status: PortFinding["status"], message: string, namesDoubts = false) => out.push({ f: { resource: g.decider.resource, status, message }, decider: g.decider, hosts: g.hosts, namesDoubts });
    const report = (msg: string) => (g.outcome === "allow" ? at("fail", msg) : at("unverified", `${msg}${doubts}`, g.doubts.size > 0));
    const mode = g.prov?.mode ?? { state: "disabled" as const, declared: false };
    if (mode.state === "unknown") {
      at("unverified", `${head} to ${where}, and whether out-of-band provisioning is enabled there is not known (${mode.reason})`);
      continue;
    }
    if (mode.state === "disabled") {
      const why = !g.prov ? "no out-of-band service point with provisioning enabled is there"
        : mode.declared ? `${g.prov.sp.vm.resource.address} declares out-of-band provisioning disabled` : `${g.prov.sp.vm.resource.address} does not declare out-of-band provisioning enabled (${OobTags.PROVISIONING})`;
      report(`${head} from ${listOf(classes.map((c) => c.text))} to ${where}, while out-of-band provisioning is off: ${why}`);
      continue;
    }
    const clients = g.prov!.clients;
    if (clients.state !== "declared") {
      const why = clients.state === "absent" ? `${g.prov!.sp.vm.resource.address} declares no AMT client segments (${OobTags.AMT_CLIENT_PREFIXES})` : clients.reason;
      at("unverified", `${head} to ${where} with out-of-band provisioning enabled, but the AMT client segments allowed to reach it are not known: ${why}`);
      continue;
    }
    const outside = classifySources(ctx.model, g.endpoint, g.sources.subtract(clients.sources))
      .filter((c) => c.kind !== "platform" && !(c.kind === "internet" && c.broad && !names));
    if (outside.length === 0) continue;
    report(`${head} from ${listOf(outside.map((c) => c.text))} to ${where}, outside the declared AMT client segments (${clients.text.join(", ")})`);
  }
  return out;
}
