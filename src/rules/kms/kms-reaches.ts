/**
 * What the KMS rules share: which VMs are KMS hosts and domain controllers (with the evidence), and
 * every place TCP 1688 is let in: per deciding NSG rule over the hosts it reaches (on KMS hosts
 * through any rule, Azure's default rules included; elsewhere through rules written for KMS), and
 * per Azure Firewall network rule that allows TCP 1688 (policy rule collection groups and classic
 * collections), whether or not the firewall is on a path. Computed once per configuration.
 */
import { KMS_TAG, KmsTags } from "../../contract/kms-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { PUBLIC_V4, PUBLIC_V6, v4RangeText } from "../../engine/access/addresses";
import { describeUnknown } from "../../engine/access/fields";
import { reopensAllowVnetInBound } from "../../engine/access/nsg-eval";
import { Reachability } from "../../engine/access/reachability";
import { SourceSet, TokenSet } from "../../engine/access/source-set";
import { NsgRule, Vnet } from "../../engine/access/topology";
import { deciderOf, exposuresByRule, mayHaveNamingRule, mayName, namesRange, namingRule, reachOn, serviceDeciderOf } from "../../engine/exposure";
import { TerraformModel, TfResource } from "../../engine/model";
import { RoleClaim, Roles } from "../../engine/roles";
import { describeShare, isBroad, Zone, Zones } from "../../engine/zones";
import { isFirewallSubnet, isNoClientSubnet } from "../../network/platform-subnets";
import { SERVICE_PORTS } from "../../network/service-ports";
import { reportedByNet001For, unknownRuleLeftToNet001 } from "../net/reported-by-net-001";
import { oobContextOf, unknownRuleLeftToOob } from "../oob/port-verdicts";

/** The KMS port (seed 003: TCP 1688). */
export const KMS = SERVICE_PORTS.KMS;

/** Largest IPv4 range (addresses) that can still be an allowlist entry: a /16. */
export const MAX_ALLOWLIST_V4 = 65_536;
/** Largest IPv6 range that can still be an allowlist entry: a /48 (one site). */
export const MAX_ALLOWLIST_V6 = 2 ** 80;

/**
 * How the roles model infers a KMS host from PowerShell DSC (src/engine/roles.ts DSC_SIGNATURES), for rationales: the DSC
 * extension registers the VM with Azure Automation for a node configuration whose document, in this configuration, declares it.
 */
export const DSC_KMS_HOST = "a PowerShell DSC extension that registers the VM with Azure Automation for a node configuration whose MOF or "
  + "configuration script (in this configuration) installs the VolumeActivation feature (WindowsFeature or WindowsFeatureSet, not Ensure = Absent)";

/** How the roles model infers a domain controller from PowerShell DSC (src/engine/roles.ts DSC_SIGNATURES, KNOWN_DSC_CONFIGURATIONS). */
export const DSC_DOMAIN_CONTROLLER = "a PowerShell DSC extension that runs the Azure quickstart's CreateADPDC configuration, or registers the VM with "
  + "Azure Automation for a node configuration whose MOF or configuration script (in this configuration) declares xADDomain, xADDomainController, "
  + "ADDomain or ADDomainController, or installs the AD-Domain-Services feature";

/** `declared: sdz-role=kms-host on x` or `inferred: reachable on TCP 1688 through rule "y"`. */
export function roleText(claim: RoleClaim): string {
  return `${claim.source}: ${claim.evidence}`;
}

/** True for an endpoint of a VM that is a KMS host (declared or inferred). */
export function onKmsHost(model: TerraformModel, ep: Endpoint): boolean {
  return !!ep.vm && !!Roles.of(model).claim(ep.vm, DeploymentRole.KMS_HOST);
}

/** One place that lets TCP 1688 in. */
export interface KmsExposure {
  readonly via: "nsg" | "firewall";
  /** The resource to report on: the NSG or standalone rule, the DNAT or network rule's collection. */
  readonly resource: TfResource;
  /** `rule "allow-kms" of NSG kms-nsg`, `firewall rule kms/allow of azurerm_firewall_policy_rule_collection_group.x`. */
  readonly label: string;
  /** The rule as a reach's decider names it (`address|label` of {@link deciderOf}): how a host-level rule finds this exposure. */
  readonly deciderKey: string;
  readonly outcome: "allow" | "uncertain";
  readonly sources: SourceSet;
  /** Hosts it reaches (endpoint labels), or the firewall rule's destinations. */
  readonly targets: Set<string>;
  /** An endpoint it reaches (for the Internet as that endpoint sees it). */
  readonly endpoint?: Endpoint;
  /** The rule was written for KMS: the range holding 1688 spans at most 100 ports (or it is a DNAT to 1688). */
  readonly names: boolean;
  /** The deciding rule is Azure's AllowVNetInBound. */
  readonly vnetDefault: boolean;
  /** The deciding rule's sources include the VirtualNetwork tag. */
  readonly vnetTerm: boolean;
  /**
   * The deciding rule allows every protocol and port from these of its sources (`VirtualNetwork`, `*`),
   * re-creating AllowVNetInBound ({@link reopensAllowVnetInBound}); undefined for any other rule.
   */
  readonly reopensVnet?: string;
  /** A DNAT rule: its sources reach the firewall's public address, so they are Internet sources whatever their ranges. */
  readonly dnat: boolean;
  readonly doubts: Set<string>;
}

/** Every place TCP 1688 is let in, once per deciding rule. Memoised per configuration. */
export function kmsExposures(model: TerraformModel): KmsExposure[] {
  return model.memo("kms-exposures", () => [...nsgExposures(model), ...firewallExposures(model)]);
}

function nsgExposures(model: TerraformModel): KmsExposure[] {
  const reach = Reachability.of(model);
  const net = { model, access: reach.access, reach };
  const oob = oobContextOf(model);
  const groups = exposuresByRule(model, [KMS], (r, ep) => {
    const d = deciderOf(r, ep);
    // Firewall network rules are read once per rule below, on the path or not.
    if (d.kind === "firewall-rule") return false;
    // No NSG at all: the subnet without an NSG is SDZ-NET-002's finding.
    if (d.kind === "no-nsg" && r.outcome === "allow") return false;
    // A reach that SDZ-NET-001 reports on this host, naming KMS, is that one finding (principle 3), whoever else the rule lets in:
    // a known allow of a rule not written for KMS from the broad Internet, or a rule not written for KMS whose values are not known
    // before apply (a dynamic security_rule block, ports from a variable). Dropped per host, before grouping: NET-001 judges each
    // host's sources, so what it says nothing about (another host the rule reaches from a zone or from less than the broad Internet,
    // a host whose NIC's NSG denies the Internet) stays the KMS rules', judged on what is left. A rule written for KMS stays theirs.
    if (r.outcome === "allow" ? reportedByNet001For(net, ep, serviceDeciderOf(r, KMS, ep), KMS) : unknownRuleLeftToNet001(net, r, ep, KMS)) return false;
    // The same from private sources: an NSG rule not written for KMS whose destination ports are not known before apply, that
    // the out-of-band owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) reports on this host naming KMS among the services
    // the unknown value may open, is that one finding (principle 3). Per host, so a host it says nothing about stays here.
    if (unknownRuleLeftToOob(oob, r, ep, KMS)) return false;
    return onKmsHost(model, ep) || !!namingRule(r, KMS) || mayName(r, KMS);
  }, (ep) => onKmsHost(model, ep) || mayHaveNamingRule(model, ep, KMS));
  const byLabel = model.memo("kms-reaches:endpoints-by-label", () => new Map<string, Endpoint>(reach.access.endpoints.map((ep) => [ep.label, ep])));
  return groups.map((g) => {
    const rule = g.decider.nsgRule;
    const names = g.decider.ports ? namesRange(g.decider.ports, KMS.from, KMS.to) : false;
    // The rule's VirtualNetwork (or *) lets the tag in only where no other NSG on the path narrows it: Azure applies the subnet's
    // NSG, then the NIC's, and both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works).
    // Narrowed (a NIC NSG allowing 1688 from a /24 only), the sources that reach are judged as addresses, not as the tag.
    const tagReaches = [...g.hosts].some((label) => tagLetIn(model, byLabel.get(label)));
    return {
      via: "nsg", resource: g.decider.resource, label: g.decider.label, deciderKey: `${g.decider.resource.address}|${g.decider.label}`, outcome: g.outcome, sources: g.sources, targets: g.hosts, endpoint: g.endpoint,
      names, vnetDefault: g.decider.kind === "default-rule" && rule?.name === "AllowVNetInBound",
      vnetTerm: tagReaches && !!rule?.sources.known && rule.sources.value.some((t) => t.kind === "tag" && t.tag === "virtualnetwork"),
      reopensVnet: tagReaches && rule && rule.sources.known && reopensAllowVnetInBound(rule)
        ? rule.sources.value.filter((t) => t.kind === "any" || (t.kind === "tag" && t.tag === "virtualnetwork")).map((t) => t.text).join(", ") : undefined,
      dnat: g.decider.kind === "dnat-rule", doubts: g.doubts,
    };
  });
}

/** Per endpoint: whether TCP 1688 lets in every address of its VirtualNetwork tag (asked per exposure group: kept). */
const TAG_LET_IN = new WeakMap<Endpoint, boolean>();

/**
 * True when TCP 1688 lets the VirtualNetwork tag in, as the host sees it (its VNet, peers, gateways' ranges, UDR prefixes): the
 * sources that reach the host, through any rule, hold every address of the tag; or some reach gets through layers none of which
 * narrows it to explicit addresses (every NSG on its path decides by a rule from `*`, VirtualNetwork or sources not known, by
 * Azure's default rule, or there is no NSG). Only an allow of explicit addresses narrows the tag: a NIC NSG that denies one
 * address and then allows VirtualNetwork still lets the tag in, minus that address. A tag whose expansion is not fully known,
 * and a host that cannot be found or has no subnet, count as let in (fail closed).
 */
function tagLetIn(model: TerraformModel, ep: Endpoint | undefined): boolean {
  if (!ep?.subnet) return true;
  let hit = TAG_LET_IN.get(ep);
  if (hit === undefined) {
    const space = Reachability.of(model).access.vnetSpace(ep.subnet.vnet, ep.subnet);
    let v4 = space.sources.v4;
    let v6 = space.sources.v6;
    let broadPath = false;
    for (const r of reachOn(model, ep, KMS)) {
      v4 = v4.subtract(r.sources.v4);
      v6 = v6.subtract(r.sources.v6);
      if (!r.grant.layers.some((l) => narrowsToAddresses(l.rule))) broadPath = true;
    }
    hit = space.unknown.length > 0 || broadPath || (v4.isEmpty && v6.isEmpty);
    TAG_LET_IN.set(ep, hit);
  }
  return hit;
}

/** A configured allow whose sources are all explicit address prefixes (no `*`, service tag, application security group or unknown value). */
function narrowsToAddresses(rule: NsgRule | undefined): boolean {
  return !!rule && !rule.isDefault && rule.access.known && rule.access.value === "Allow" && rule.sources.known
    && rule.sources.value.length > 0 && rule.sources.value.every((t) => t.kind === "cidr");
}

/**
 * Azure Firewall network rules that allow TCP 1688: rules written for it (the range holding 1688
 * spans at most 100 ports) and rules whose destinations hold a KMS host. A rule whose action,
 * protocols, ports or destinations are not known may be one: it comes back uncertain.
 */
function firewallExposures(model: TerraformModel): KmsExposure[] {
  const reach = Reachability.of(model);
  const hosts = Roles.of(model).vmsWith(DeploymentRole.KMS_HOST).flatMap(({ vm }) => reach.access.endpointsOfVm(vm))
    .filter((ep) => ep.destination.kind === "host");
  const out: KmsExposure[] = [];
  for (const r of reach.firewalls.rules) {
    if (r.kind !== "network") continue;
    const doubts: string[] = [];
    if (r.action.known) {
      if (r.action.value !== "Allow") continue;
    } else doubts.push(describeUnknown(r.action));
    if (r.protocols.known) {
      if (!r.protocols.value.has("tcp") && !r.protocols.value.has("any")) continue;
    } else doubts.push(describeUnknown(r.protocols));
    let names = false;
    if (r.destinationPorts.known) {
      if (!r.destinationPorts.value.contains(KMS.from)) continue;
      names = namesRange(r.destinationPorts.value, KMS.from, KMS.to);
    } else doubts.push(describeUnknown(r.destinationPorts));
    const targets = new Set<string>();
    if (r.destinations.known) {
      const d = r.destinations.value;
      for (const ep of hosts) {
        const c = ep.destination.kind === "host" ? ep.destination.cidr : undefined;
        if (c && (c.family === 4 ? d.v4.containsRange(c.start, c.end) : d.v6.containsRange(c.start, c.end))) targets.add(ep.label);
      }
      // A rule that opens many ports to other destinations is not about KMS.
      if (!names && targets.size === 0 && r.destinationPorts.known) continue;
      if (targets.size === 0) targets.add(`destinations ${describeSources(d)}`);
    } else {
      doubts.push(describeUnknown(r.destinations));
      targets.add("destinations not known before apply");
    }
    if (!r.sources.known) doubts.push(describeUnknown(r.sources));
    const where = r.firewall ? `firewall ${r.firewall.resource.address}` : "a policy no firewall of this configuration uses";
    out.push({
      via: "firewall", resource: r.resource, label: `firewall network rule ${r.label} of ${r.resource.address} (${where})`, deciderKey: `${r.resource.address}|firewall rule ${r.label}`,
      outcome: doubts.length === 0 ? "allow" : "uncertain", sources: r.sources.known ? r.sources.value : SourceSet.ALL,
      targets, names: names || !r.destinationPorts.known, vnetDefault: false, vnetTerm: false, dnat: false, doubts: new Set(doubts),
    });
  }
  return out;
}

/** The Internet as an exposure's endpoint sees it (the public address space for firewall rules). */
export function internetOf(model: TerraformModel, e: KmsExposure): SourceSet {
  if (e.endpoint) return Reachability.of(model).access.internetSources(e.endpoint.subnet?.vnet, e.endpoint.subnet);
  return new SourceSet(PUBLIC_V4, PUBLIC_V6, TokenSet.NONE);
}

/** Per VNet: whether one of its subnets spans its whole address space (asked for every exposure: kept). */
const ONE_SUBNET = new WeakMap<Vnet, boolean>();

function isOneSubnet(vnet: Vnet): boolean {
  let hit = ONE_SUBNET.get(vnet);
  if (hit === undefined) {
    const space = vnet.addressSpace.known ? vnet.addressSpace.value : [];
    hit = vnet.subnets.some((sn) => {
      const prefixes = sn.prefixes.known ? sn.prefixes.value : [];
      return space.every((c) => prefixes.some((p) => p.family === c.family && p.start === c.start && p.end === c.end));
    });
    ONE_SUBNET.set(vnet, hit);
  }
  return hit;
}

/**
 * Why an exposure's sources are no allowlist, piece by piece (empty when they are one). What SDZ-NET-001
 * reports (a rule not written for KMS that lets the broad Internet in) is not among an exposure's
 * sources: the exposures leave it to NET-001 host by host ({@link kmsExposures}). `internet`: one of
 * the parts is the Internet (any source, or the broad Internet), so the finding names every Internet
 * source of the exposure.
 */
export function notAnAllowlist(model: TerraformModel, e: KmsExposure): { parts: string[]; internet: boolean } {
  const s = e.sources;
  const internet = internetOf(model, e);
  const pub = s.intersect(internet);
  const broadInternet = !pub.isEmpty && isBroad(pub, internet);
  const parts: string[] = [];
  if (s.v4.isAll) return { parts: ["any source"], internet: true };
  if (broadInternet) parts.push(describeShare(pub, internet));
  if (e.vnetDefault) parts.push("VirtualNetwork through Azure's default rule AllowVNetInBound (every subnet, peered VNet and VPN/ExpressRoute range; no allowlist)");
  else if (e.vnetTerm) parts.push("VirtualNetwork (every subnet, peered VNet and VPN/ExpressRoute range)");
  if (s.tokens.all) parts.push("any service tag or application security group");
  // AzureCloud tags are part of the Internet (named above when it is broad).
  else for (const t of s.tokens.names) if (t.startsWith("tag:") && t !== "tag:azureloadbalancer" && t !== "tag:virtualnetwork" && !(broadInternet && pub.tokens.has(t))) parts.push(`service tag ${t.slice(4)}`);
  if (e.vnetDefault || e.vnetTerm) return { parts, internet: broadInternet };
  const addresses = broadInternet ? s.subtract(internet) : s;
  const wide = addresses.v4.ranges().filter(([a, b]) => b - a + 1 > MAX_ALLOWLIST_V4);
  for (const [a, b] of wide) parts.push(`${v4RangeText(a, b)} (more than a /16)`);
  for (const [a, b] of addresses.v6.ranges()) if (Number(b - a + 1n) > MAX_ALLOWLIST_V6) parts.push("an IPv6 range larger than a /48");
  for (const vnet of Reachability.of(model).access.topology.vnets) {
    if (!vnet.addressSpace.known || vnet.addressSpace.value.length === 0) continue;
    const space = vnet.addressSpace.value;
    // A VNet that is one subnet: allowing it is allowing that zone.
    if (isOneSubnet(vnet)) continue;
    const covered = space.every((c) => (c.family === 4 ? addresses.v4.containsRange(c.start, c.end) : addresses.v6.containsRange(c.start, c.end)));
    // Already named as part of a wider range.
    const counted = space.every((c) => c.family === 4 && wide.some(([a, b]) => a <= c.start && c.end <= b));
    if (covered && !counted) parts.push(`the whole address space of ${vnet.resource.address} (${space.map((c) => c.text).join(", ")})`);
  }
  return { parts, internet: broadInternet };
}

/**
 * The client zones a source set touches (IPv4 and IPv6), without the platform subnets whose addresses
 * carry no client (GatewaySubnet: on-premises clients keep their own addresses; RouteServerSubnet,
 * AzureFirewallManagementSubnet: NO_CLIENT_SUBNETS) and AzureFirewallSubnet (the firewall's addresses
 * carry the traffic of the clients it DNATs or SNATs, which the access model reports: see {@link firewallZonesOf}).
 */
export function zonesOf(model: TerraformModel, sources: SourceSet): Zone[] {
  return sortZones(Zones.of(model).overlappingSources(sources).filter((z) => !isNoClientSubnet(z.subnet) && !isFirewallSubnet(z.subnet)));
}

/** The AzureFirewallSubnet zones a source set touches: judged with {@link firewallSubnetDoubt}, not by their trust. */
export function firewallZonesOf(model: TerraformModel, sources: SourceSet): Zone[] {
  return sortZones(Zones.of(model).overlappingSources(sources).filter((z) => isFirewallSubnet(z.subnet)));
}

function sortZones(zones: Zone[]): Zone[] {
  const first = (z: Zone) => (z.prefixes[0] ? Number(z.prefixes[0].start) + (z.prefixes[0].family === 6 ? 2 ** 32 : 0) : Infinity);
  return zones.sort((a, b) => first(a) - first(b) || a.name.localeCompare(b.name));
}

/** `PERIMETER zone dmz (10.0.50.0/24; declared: sdz-trust=PERIMETER on x)`, with a MAK declaration noted. */
export function zoneText(model: TerraformModel, z: Zone): string {
  const t = Zones.of(model).trustOf(z);
  const level = t.level ? `${t.level} zone` : "zone";
  const why = t.level ? `${t.source}: ${t.evidence}` : t.source === "unknown" ? `trust not known: ${t.evidence}` : "trust not declared";
  const mak = makDeclared(model, z) ? `; declared for MAK activation (${KmsTags.ACTIVATION}=mak), so it should not be in any KMS allowlist` : "";
  return `${level} ${z.name} (${z.prefixes.map((p) => p.text).join(", ") || "prefixes not known"}; ${why}${mak})`;
}

/** True when the zone's NSG (or local network gateway) declares MAK activation. */
export function makDeclared(model: TerraformModel, z: Zone): boolean {
  const carrier = z.kind === "subnet" ? z.nsg?.resource : z.resource;
  if (!carrier) return false;
  const r = KMS_TAG.activation.read(model.tagBlock(carrier));
  return r.state === "known" && r.value === "mak";
}

/** `10.0.0.0/16, 192.168.0.0/24, ...` for messages. */
export function describeSources(s: SourceSet): string {
  if (s.v4.isAll) return "*";
  const parts = s.v4.ranges().slice(0, 4).map(([a, b]) => v4RangeText(a, b));
  if (s.v4.ranges().length > 4) parts.push("...");
  if (!s.v6.isEmpty) parts.push("IPv6 ranges");
  if (s.tokens.has("fqdn")) parts.push("FQDNs");
  return parts.join(", ") || "none";
}
