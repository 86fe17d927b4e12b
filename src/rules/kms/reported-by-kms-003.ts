/**
 * What SDZ-KMS-003 reports, computed once per configuration: its check writes the findings from it,
 * and SDZ-KMS-006 leaves TCP 1688 from a zone through a rule that KMS-003 reports naming that zone
 * (one finding per problem: the allowlist's finding names the host's exposure, R-KMS-7, too).
 * KMS-003 itself leaves Azure's AllowVNetInBound, and every exposure SDZ-KMS-002 reports, to KMS-002 ({@link leftToKms002}).
 */
import { firewallZonesOf, KmsExposure, kmsExposures, notAnAllowlist, roleText, zonesOf, KMS } from "./kms-reaches";
import { kms002Verdicts } from "./reported-by-kms-002";
import { DeploymentRole } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { PRIVATE_V4, v4RangeText } from "../../engine/access/addresses";
import { firewallSubnetDoubt, mayListenPrivately } from "../../engine/access/firewall-subnet";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach, Reachability } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { clustersByKey } from "../../engine/clusters";
import { serviceDeciderOf } from "../../engine/exposure";
import { TerraformModel } from "../../engine/model";
import { RoleClaim, Roles } from "../../engine/roles";
import { Zone, Zones } from "../../engine/zones";
import { Trust, TrustLevel } from "../../network/trust-level";

/** TCP 1688. */
const KMS_PORTS = Intervals.of(PORTS, [[KMS.from, KMS.to]]);

/** One place that lets TCP 1688 in, as SDZ-KMS-003 judges it (only those it reports). */
export interface Kms003Verdict {
  readonly e: KmsExposure;
  /** Zones below INTERNAL trust among the sources. */
  readonly low: Zone[];
  /** Zones whose trust is neither declared nor inferred. */
  readonly undeclared: Zone[];
  /** `private addresses ... in no zone of this configuration`, or undefined. */
  readonly stray?: string;
  /**
   * AzureFirewallSubnet among the sources where the firewall may send, from its own addresses, TCP
   * 1688 of clients this configuration does not show (why): unknown clients, not a zone.
   */
  readonly forwarded: { readonly zone: Zone; readonly why: string }[];
}

/**
 * Where SDZ-KMS-003 reports each verdict whose zones are none below INTERNAL (its doubt is trust only): the verdicts that admit the
 * same zone of undeclared trust to the same host (an NSG rule and an Azure Firewall network rule on its path, two NSG rules) are one
 * could-not-verify, at the first of them in exposure order (NSG rules before firewall rules), naming each rule: one undeclared zone is
 * one problem with one fix (declare its trust). `members` by the verdict reported; `reportedAs` gives every verdict's reported one.
 * Union-find over (zone, host), linear in what the verdicts name. Verdicts with a zone below INTERNAL stay one per rule.
 */
export function kms003Clusters(model: TerraformModel): { members: Map<Kms003Verdict, Kms003Verdict[]>; reportedAs: Map<Kms003Verdict, Kms003Verdict> } {
  return model.memo("kms-003:undeclared-clusters", () => {
    const list = kms003Verdicts(model).filter((v) => v.low.length === 0);
    const members = clustersByKey(list, (v) => v.undeclared.flatMap((z) => [...v.e.targets].map((host) => `${z.key}|${host}`)));
    const reportedAs = new Map<Kms003Verdict, Kms003Verdict>();
    for (const [root, m] of members) for (const v of m) reportedAs.set(v, root);
    return { members, reportedAs };
  });
}

/** The exposure on whose resource SDZ-KMS-003 reports the verdict ({@link kms003Clusters}): its own, or its cluster's first. */
export function kms003ReportedOn(model: TerraformModel, v: Kms003Verdict): KmsExposure {
  return (kms003Clusters(model).reportedAs.get(v) ?? v).e;
}

/** True when the verdict is an error (else it is could-not-verify). */
export function isError(v: Kms003Verdict): boolean {
  return v.low.length > 0 && v.e.outcome === "allow";
}

/** Every finding of SDZ-KMS-003, in exposure order. Memoised per configuration. */
export function kms003Verdicts(model: TerraformModel): Kms003Verdict[] {
  return judged(model).reported;
}

/**
 * What SDZ-KMS-003 would say about an exposure that it leaves to SDZ-KMS-002, per exposure: every one
 * KMS-002 reports (its sources are no allowlist: any, the Internet, VirtualNetwork, a service tag, a range
 * wider than a /16), and Azure's default rule AllowVNetInBound, which KMS-002 always reports. KMS-002's
 * finding is as strong (an error wherever the rule allows; the same could-not-verify where a value is not
 * known before apply) and names these zones: the zones below INTERNAL, or of unknown trust, that a source
 * which is no allowlist lets in are part of that one problem, fixed on one rule (one finding per exposure).
 * KMS-003 keeps the allowlists KMS-002 accepts.
 */
export function leftToKms002(model: TerraformModel): Map<KmsExposure, Kms003Verdict> {
  return judged(model).left;
}

function judged(model: TerraformModel): { reported: Kms003Verdict[]; left: Map<KmsExposure, Kms003Verdict> } {
  return model.memo("kms-003:verdicts", () => {
    const zones = Zones.of(model);
    const out: Kms003Verdict[] = [];
    const left = new Map<KmsExposure, Kms003Verdict>();
    const byKms002 = new Set(kms002Verdicts(model).map((v) => v.e));
    for (const e of kmsExposures(model)) {
      // DNAT sources reach the firewall's public address: Internet sources (SDZ-KMS-002's), not zones; unless the rule may
      // listen on the firewall's private address, whose private sources are clients of their zones.
      if (e.dnat && !privateDnat(model, e)) continue;
      // A rule that opens a wide range, not named for KMS, to the broad Internet is SDZ-NET-001's one finding: the exposures leave those
      // reaches to it host by host (kmsExposures), so what is here is this rule's or SDZ-KMS-002's.
      const wider = notAnAllowlist(model, e);
      const low: Zone[] = [];
      const undeclared: Zone[] = [];
      for (const z of zonesOf(model, e.sources)) {
        const t = zones.trustOf(z);
        if (t.level === undefined) undeclared.push(z);
        else if (!Trust.isAtLeast(t.level, TrustLevel.INTERNAL)) low.push(z);
      }
      // Private addresses of no zone here (another network, an undeclared on-premises range): their trust
      // is not known. Only for an allowlist: a wider source is SDZ-KMS-002's (or SDZ-NET-001's) already.
      const stray = e.vnetDefault || e.vnetTerm || wider.parts.length > 0 ? undefined : strayPrivateSources(model, e.sources);
      const forwarded = forwardedClients(model, e);
      if (low.length === 0 && undeclared.length === 0 && !stray && forwarded.length === 0) continue;
      // AllowVNetInBound: SDZ-KMS-002 always reports it, as an error where it allows and could-not-verify where it may (never weaker
      // than this finding would be): the missing deny-all is one problem, fixed on one rule. So is every exposure KMS-002 reports (its
      // sources are no allowlist; a value not known before apply is one could-not-verify). KMS-002's finding names these zones.
      if (e.vnetDefault || byKms002.has(e)) left.set(e, { e, low, undeclared, stray, forwarded });
      else out.push({ e, low, undeclared, stray, forwarded });
    }
    return { reported: out, left };
  });
}

/** True for a DNAT exposure whose rule may listen on a private address of the firewall ({@link mayListenPrivately}). */
function privateDnat(model: TerraformModel, e: KmsExposure): boolean {
  const byKey = model.memo("kms-003:dnat-rules", () => new Map(Reachability.of(model).firewalls.rules.filter((r) => r.kind === "dnat")
    .map((r) => [`${r.resource.address}|DNAT rule ${r.label} of ${r.resource.address}`, r])));
  const rule = byKey.get(e.deciderKey);
  return !rule || mayListenPrivately(rule);
}

/**
 * The AzureFirewallSubnet zones among the exposure's sources whose addresses may carry TCP 1688 of
 * clients the configuration does not show to one of its hosts. Where they do not, the firewall's
 * clients are reported as themselves (DNAT sources are SDZ-KMS-002's and SDZ-KMS-006's; routed
 * clients keep their address or are SNATed clients the access model names), so the subnet is none.
 */
function forwardedClients(model: TerraformModel, e: KmsExposure): { zone: Zone; why: string }[] {
  const zones = firewallZonesOf(model, e.sources);
  if (zones.length === 0) return [];
  const byLabel = model.memo("kms-003:endpoints-by-label", () => new Map(Reachability.of(model).access.endpoints.map((ep) => [ep.label, ep])));
  const hosts = [...e.targets].map((t) => byLabel.get(t));
  if (hosts.length === 0) hosts.push(e.endpoint);
  const out: { zone: Zone; why: string }[] = [];
  for (const zone of zones) {
    const why = new Set<string>();
    for (const ep of hosts) {
      const d = zone.subnet ? firewallSubnetDoubt(model, zone.subnet, ep, "Tcp", KMS_PORTS) : undefined;
      if (d) why.add(d.why);
    }
    if (why.size > 0) out.push({ zone, why: [...why].join("; ") });
  }
  return out;
}

/**
 * `private addresses 172.16.201.0/24 in no zone of this configuration`: the sources' private IPv4
 * ranges outside every zone (subnets, on-premises ranges of local network gateways) and GatewaySubnet,
 * or undefined when there are none.
 */
function strayPrivateSources(model: TerraformModel, sources: SourceSet): string | undefined {
  // Every zone's addresses, united once per configuration (asked per exposure).
  const known = model.memo("kms-003:zone-sources", () => Zones.of(model).sourcesWhere(() => true));
  const stray = sources.v4.intersect(PRIVATE_V4).subtract(known.v4);
  if (stray.isEmpty) return undefined;
  const ranges = stray.ranges();
  return `private addresses ${ranges.slice(0, 3).map(([a, b]) => v4RangeText(a, b)).join(", ")}${ranges.length > 3 ? ", ..." : ""} in no zone of this configuration`;
}

/**
 * The SDZ-KMS-003 finding (or the SDZ-KMS-002 finding it leaves a rule to, other than AllowVNetInBound:
 * {@link leftToKms002} has its exposure) that names `zone` on the rule that lets reach `r` in on TCP 1688 to `ep`
 * (the rule KMS-003 groups by: {@link serviceDeciderOf}), at least as strongly as SDZ-KMS-006 would
 * (`asError`: an error; else could-not-verify suffices), or undefined. Only then does KMS-006 leave
 * that port: nothing it would report is dropped unless KMS-003's finding says it (principle 2).
 * An NSG rule, or an Azure Firewall network rule that decides (no explicit NSG rule on the path) and
 * whose destinations hold the KMS host; DNAT stays KMS-006's (KMS-003 leaves it to SDZ-KMS-002).
 */
export function reportedByKms003(model: TerraformModel, ep: Endpoint, r: Reach, zone: Zone, asError: boolean): Kms003Verdict | undefined {
  const index = model.memo("kms-003:by-rule-and-host", () => {
    const m = new Map<string, { v: Kms003Verdict; errorZones: Set<Zone>; namedZones: Set<Zone> }>();
    // What SDZ-KMS-003 leaves to SDZ-KMS-002 (but AllowVNetInBound) is named there the same way: the caller says whose finding it is.
    for (const v of [...kms003Verdicts(model), ...[...leftToKms002(model).values()].filter((x) => !x.e.vnetDefault)]) {
      const entry = { v, errorZones: new Set(isError(v) ? v.low : []), namedZones: new Set([...v.low, ...v.undeclared, ...v.forwarded.map((f) => f.zone)]) };
      // Linear in what the findings name: one key per rule and host it reaches.
      for (const host of v.e.targets) m.set(key(v.e.outcome, v.e.deciderKey, host), entry);
    }
    return m;
  });
  const d = serviceDeciderOf(r, KMS, ep);
  const hit = index.get(key(r.outcome, `${d.resource.address}|${d.label}`, ep.label));
  if (!hit) return undefined;
  return (asError ? hit.errorZones : hit.namedZones).has(zone) ? hit.v : undefined;
}

function key(outcome: string, decider: string, host: string): string {
  return `${outcome}|${decider}|${host}`;
}

/**
 * The KMS hosts and domain controllers among an exposure's hosts (endpoint labels), as
 * `KMS host azurerm_windows_virtual_machine.kms (declared: ...)`, one per VM; empty when none.
 */
export function exposedHosts(model: TerraformModel, targets: Iterable<string>): string[] {
  const byLabel = model.memo("kms-003:kms-and-dc-endpoints", () => {
    const roles = Roles.of(model);
    const access = Reachability.of(model).access;
    const m = new Map<string, { address: string; claims: RoleClaim[] }>();
    for (const role of [DeploymentRole.KMS_HOST, DeploymentRole.DOMAIN_CONTROLLER]) {
      for (const { vm, claim } of roles.vmsWith(role)) {
        for (const ep of access.endpointsOfVm(vm)) {
          const entry = m.get(ep.label) ?? { address: vm.resource.address, claims: [] };
          entry.claims.push(claim);
          m.set(ep.label, entry);
        }
      }
    }
    return m;
  });
  const out = new Map<string, string>();
  for (const t of targets) {
    const h = byLabel.get(t);
    if (!h || out.has(h.address)) continue;
    const what = h.claims.map((c) => (c.role === DeploymentRole.KMS_HOST ? "KMS host" : "domain controller")).join(" and ");
    // One tag may declare both roles: its evidence once.
    out.set(h.address, `${what} ${h.address} (${[...new Set(h.claims.map(roleText))].join("; ")})`);
  }
  return [...out.values()];
}
