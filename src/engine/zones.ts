/**
 * Zones and their trust, with evidence. A zone is a subnet of the configuration (named by the
 * `sdz-zone` tag of its NSG, else by the subnet's name) or an on-premises range set (a local
 * network gateway). Its trust is declared by the `sdz-trust` tag, or inferred from the
 * configuration: a subnet the Internet can reach is internet-facing and counts as PERIMETER, and
 * AzureFirewallSubnet faces the Internet by design. Where both exist the lower one counts: a tag
 * never hides what the configuration shows. AzureBastionSubnet holding the configuration's Azure
 * Bastion (and nothing else) is the exception: the Internet on TCP 443 reaches Bastion's own TLS
 * front end, not a perimeter host, and the subnet is an administrative source, inferred MANAGEMENT
 * when nothing is declared (see {@link Zones.bastionOf}). Zones with neither are *undeclared*;
 * rules that need a trust level then say "could not verify" instead of passing.
 */
import { AccessModel, Endpoint, isAzureCloudTag } from "./access/access-model";
import { Cidr } from "./access/addresses";
import { FirewallRule } from "./access/firewalls";
import { Intervals, PORTS, V4, V6 } from "./access/intervals";
import { termSources } from "./access/nsg-eval";
import { Reachability } from "./access/reachability";
import { SourceSet, TokenSet } from "./access/source-set";
import { LocalGateway, Nsg, NsgRule, Subnet } from "./access/topology";
import { TerraformModel, TfResource } from "./model";
import { ZONE_TAG } from "../contract/zone-tags";
import { isFirewallSubnet, platformSubnetKind } from "../network/platform-subnets";
import { Trust, TrustLevel } from "../network/trust-level";

/** How a zone's trust is known. */
export interface TrustClaim {
  /** The effective level; undefined when neither declared nor inferred. */
  readonly level?: TrustLevel;
  /** `declared` (tag), `inferred` (configuration), `undeclared` (neither), `unknown` (the tag is not known before apply). */
  readonly source: "declared" | "inferred" | "undeclared" | "unknown";
  /** Why: the tag, or the configuration that shows it, or why it cannot be read. */
  readonly evidence: string;
}

/** A zone of the configuration. */
export interface Zone {
  readonly key: string;
  readonly name: string;
  readonly kind: "subnet" | "on-premises";
  readonly subnet?: Subnet;
  readonly localGateway?: LocalGateway;
  /** The NSG that carries the zone's tags (the subnet's NSG). */
  readonly nsg?: Nsg;
  /** The resource to report on for the zone. */
  readonly resource: TfResource;
  readonly prefixes: readonly Cidr[];
  readonly sources: SourceSet;
  trust: TrustClaim;
}

/** Leaves out an NSG allow on an endpoint as evidence of internet-facing (another finding reports it). */
export type ExceptRule = (rule: NsgRule, endpoint: Endpoint) => boolean;
/** Leaves out a DNAT rule publishing an endpoint as evidence of internet-facing (another finding reports it). */
export type ExceptDnat = (rule: FirewallRule, endpoint: Endpoint) => boolean;

/** Share of the public address space a source set must cover to count as "the Internet" rather than specific public addresses. */
export const BROAD_INTERNET_SHARE = 0.5;

/** Zones of one configuration. Build once with {@link Zones.of}. */
export class Zones {
  public static of(model: TerraformModel): Zones {
    return model.memo("zones", () => new Zones(model));
  }

  public readonly zones: Zone[] = [];
  private readonly bySubnet = new Map<Subnet, Zone>();
  private readonly starts: number[] = [];
  private readonly index: { start: number; end: number; zone: Zone }[] = [];
  private readonly maxEnd: number[] = [];
  private readonly facing = new Map<Subnet, string | null>();
  private readonly evidence = new Map<Subnet, FacingEvidence[]>();
  private readonly bastions = new Map<Subnet, BastionSubnet | null>();
  private bastionHosts?: Map<Subnet, TfResource[]>;

  private constructor(private readonly model: TerraformModel) {
    const access = AccessModel.of(model);
    for (const subnet of access.topology.subnets) {
      const nsg = subnet.nsgs[0];
      const zoneTag = nsg ? ZONE_TAG.zone.read(model.tagBlock(nsg.resource)) : undefined;
      const prefixes = subnet.prefixes.known ? subnet.prefixes.value : [];
      const zone: Zone = {
        key: subnet.key, kind: "subnet", subnet, nsg, resource: nsg?.resource ?? subnet.resource,
        name: zoneTag?.state === "known" ? zoneTag.value : subnet.name ?? subnet.resource.name,
        prefixes, sources: sourcesOf(prefixes), trust: { source: "undeclared", evidence: "" },
      };
      this.zones.push(zone);
      this.bySubnet.set(subnet, zone);
    }
    for (const lng of access.topology.localGateways) {
      const tags = model.tagBlock(lng.resource);
      const zoneTag = ZONE_TAG.zone.read(tags);
      const prefixes = lng.addressSpace.known ? lng.addressSpace.value : [];
      this.zones.push({
        key: lng.resource.address, kind: "on-premises", localGateway: lng, resource: lng.resource,
        name: zoneTag.state === "known" ? zoneTag.value : lng.resource.name,
        prefixes, sources: sourcesOf(prefixes), trust: { source: "undeclared", evidence: "" },
      });
    }
    for (const z of this.zones) for (const p of z.prefixes) if (p.family === 4) this.index.push({ start: p.start, end: p.end, zone: z });
    this.index.sort((a, b) => a.start - b.start);
    let max = -1;
    for (const e of this.index) {
      this.starts.push(e.start);
      max = Math.max(max, e.end);
      this.maxEnd.push(max);
    }
    // Declared trust first (cheap); inferred trust needs reachability, computed on first use per zone.
    for (const z of this.zones) z.trust = this.declaredTrust(z);
  }

  /** The zone of a subnet. */
  public zoneOf(subnet: Subnet): Zone | undefined {
    return this.bySubnet.get(subnet);
  }

  /** The addresses of the zones `keep` picks, as one source set. */
  public sourcesWhere(keep: (z: Zone) => boolean): SourceSet {
    return sourcesOf(this.zones.filter(keep).flatMap((z) => z.prefixes));
  }

  /** Zones sharing an address with an IPv4 range (interval index: O(log n + hits)). */
  public overlapping(start: number, end: number): Zone[] {
    let lo = 0;
    let hi = this.starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= end) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const out: Zone[] = [];
    // A zone with several prefixes has several entries: kept once (with a set past a few hits, as a /8 may hold thousands of zones).
    let seen: Set<Zone> | undefined;
    for (let i = last; i >= 0 && this.maxEnd[i] >= start; i--) {
      const e = this.index[i];
      if (e.end < start) continue;
      if (seen ? seen.has(e.zone) : out.includes(e.zone)) continue;
      out.push(e.zone);
      if (seen) seen.add(e.zone);
      else if (out.length > 16) seen = new Set(out);
    }
    return out;
  }

  /** Zones sharing an address with a source set (IPv4 intervals; IPv6 by scan, they are rare). */
  public overlappingSources(s: SourceSet): Zone[] {
    const out = new Set<Zone>();
    const v4 = s.v4;
    for (let i = 0; i < v4.starts.length; i++) for (const z of this.overlapping(v4.starts[i], v4.ends[i])) out.add(z);
    if (!s.v6.isEmpty) for (const z of this.zones) if (!z.sources.v6.isEmpty && z.sources.v6.intersect(s.v6).isEmpty === false) out.add(z);
    return [...out];
  }

  /**
   * The zone's effective trust: the lower of the declared level and what the configuration shows
   * (internet-facing is PERIMETER), with the evidence of both. `except` leaves out NSG rules, and
   * `exceptDnat` Azure Firewall DNAT rules, that another finding already reports (a rule opening
   * everything to the Internet is one finding).
   */
  public trustOf(zone: Zone, except?: ExceptRule, exceptDnat?: ExceptDnat): TrustClaim {
    if (zone.kind !== "subnet" || !zone.subnet) return zone.trust;
    const facing = except || exceptDnat ? this.computeFacing(zone.subnet, except, exceptDnat) : this.internetFacing(zone.subnet);
    if (!facing) return this.bastionTrust(zone) ?? zone.trust;
    const declared = zone.trust;
    if (declared.level !== undefined && !Trust.isAtLeast(declared.level, TrustLevel.INTERNAL)) return declared;
    const inferred = declared.level !== undefined ? `declared ${declared.level} (${declared.evidence}), but ${facing}` : facing;
    return { level: TrustLevel.PERIMETER, source: "inferred", evidence: inferred };
  }

  /**
   * Why a subnet is internet-facing, or undefined: a host with a public IP or behind a public load
   * balancer rule that the NSGs let Internet sources through to, a DNAT rule publishing one of its
   * hosts, an NSG rule allowing the Internet (or any address) in, or AzureFirewallSubnet itself.
   */
  public internetFacing(subnet: Subnet): string | undefined {
    const cached = this.facing.get(subnet);
    if (cached !== undefined) return cached ?? undefined;
    const why = this.computeFacing(subnet);
    this.facing.set(subnet, why ?? null);
    return why;
  }

  /**
   * AzureBastionSubnet holding the configuration's Bastion, when nothing in it faces the Internet but
   * Bastion's front end (not even through a rule another finding reports) and no trust is declared:
   * MANAGEMENT, inferred. Only Bastion runs there ("The subnet cannot contain additional resources",
   * learn.microsoft.com/azure/bastion/configuration-settings#subnet), and it opens sessions into the
   * VNet only for users Azure signs in, with Reader on the Bastion, the VM and its NIC
   * (learn.microsoft.com/azure/bastion/bastion-faq#roles): an administrative source. A declared level
   * (or one not known before apply) stands.
   */
  private bastionTrust(zone: Zone): TrustClaim | undefined {
    if (zone.trust.source !== "undeclared" || !zone.subnet) return undefined;
    const b = this.bastionOf(zone.subnet);
    if (!b?.frontEndOnly || this.internetFacing(zone.subnet)) return undefined;
    return { level: TrustLevel.MANAGEMENT, source: "inferred", evidence: `it is AzureBastionSubnet, holding only Azure Bastion ${b.hosts.map((h) => h.address).join(", ")}, whose sessions into the network are opened by users Azure signs in` };
  }

  /**
   * AzureBastionSubnet with the configuration's azurerm_bastion_host in it: whether the Internet
   * reaching it on TCP 443 is Bastion's own front end only (`frontEndOnly`), else why not (`why`).
   * Azure Bastion "will create a public IP that needs port 443 enabled on the public IP for ingress
   * traffic. Port 3389/22 are NOT required to be opened on the AzureBastionSubnet"
   * (learn.microsoft.com/azure/bastion/bastion-nsg): on 443 the Internet meets Bastion's TLS front
   * end, where users sign in to Azure before any session reaches a VM. Not so when:
   * - a NIC or host of the configuration is in the subnet (Azure refuses it: "The subnet cannot
   *   contain additional resources", learn.microsoft.com/azure/bastion/configuration-settings#subnet;
   *   the configuration shows one, so nothing is set aside);
   * - shareable links are on, or not known: "When a user without Azure credentials clicks a
   *   shareable link, a webpage opens that prompts the user to sign in to the target resource via RDP
   *   or SSH" (learn.microsoft.com/azure/bastion/shareable-link): the Internet reaches the VMs'
   *   sign-in through 443 without signing in to Azure.
   * Undefined for any other subnet, or when no Bastion of the configuration is in it (one Bastion per
   * virtual network; what runs there is then not shown).
   */
  public bastionOf(subnet: Subnet): BastionSubnet | undefined {
    const cached = this.bastions.get(subnet);
    if (cached !== undefined) return cached ?? undefined;
    let out: BastionSubnet | undefined;
    const hosts = platformSubnetKind(subnet.name) === "bastion" ? this.bastionHostsIn(subnet) : [];
    if (hosts.length > 0) {
      const access = AccessModel.of(this.model);
      const shared = hosts.map((h) => ({ h, v: this.model.resolveBoolean(h.config.shareable_link_enabled) })).find(({ v }) => !v.known || v.value === true);
      const why = shared
        ? `shareable_link_enabled of ${shared.h.address} is ${shared.v.known ? "true" : "not known before apply"}: anyone holding a link reaches the VMs' sign-in from the Internet without signing in to Azure`
        : undefined;
      out = { hosts, frontEndOnly: why === undefined && access.hostEndpointsOf(subnet).length === 0, why };
    }
    this.bastions.set(subnet, out ?? null);
    return out;
  }

  /** The configuration's azurerm_bastion_host resources in a subnet (all hosts indexed once by their ip_configuration's subnet_id). */
  private bastionHostsIn(subnet: Subnet): TfResource[] {
    if (!this.bastionHosts) {
      const topology = AccessModel.of(this.model).topology;
      this.bastionHosts = new Map();
      for (const h of this.model.ofType("azurerm_bastion_host")) {
        for (const cfg of this.model.blocks(h, "ip_configuration")) {
          const s = topology.subnetFromId(cfg.subnet_id).subnet;
          if (s) this.bastionHosts.set(s, [...(this.bastionHosts.get(s) ?? []), h]);
        }
      }
    }
    return this.bastionHosts.get(subnet) ?? [];
  }

  private computeFacing(subnet: Subnet, except?: ExceptRule, exceptDnat?: ExceptDnat): string | undefined {
    for (const e of this.facingEvidence(subnet)) {
      const left = e.rule ? except?.(e.rule, e.endpoint!) : e.dnat ? exceptDnat?.(e.dnat, e.endpoint!) : false;
      if (!left) return e.why();
    }
    return undefined;
  }

  /**
   * What could make a subnet internet-facing, in the order it is looked at, up to the first fact no
   * rule can be left out of (a public IP or load balancer): a DNAT rule (`dnat`, which `exceptDnat`
   * may leave out), a public IP or load balancer, else a broad explicit NSG allow (`rule`, which
   * `except` may leave out). Computed once per subnet, so zone
   * trust asked with and without `except`, by every rule and for every zone, asks the reach model
   * once; the messages are only written for the evidence that is used.
   */
  private facingEvidence(subnet: Subnet): FacingEvidence[] {
    const cached = this.evidence.get(subnet);
    if (cached) return cached;
    const out: FacingEvidence[] = [];
    this.evidence.set(subnet, out);
    if (isFirewallSubnet(subnet)) {
      out.push({ why: () => "it is AzureFirewallSubnet: Azure Firewall's public side receives Internet traffic" });
      return out;
    }
    const reach = Reachability.of(this.model);
    const access = reach.access;
    // AzureBastionSubnet: the Internet on TCP 443 (only) reaches Bastion's own TLS front end (bastionOf), no perimeter host.
    const bastion = this.bastionOf(subnet);
    const frontEnd = (protocol: string, ports: Intervals<number>) => protocol === "Tcp" && !ports.isEmpty && ports.subtract(HTTPS).isEmpty;
    // Explicit NSG allows that let Internet sources in, on the ports they name.
    const endpoints = [access.endpointOfSubnet(subnet), ...access.hostEndpointsOf(subnet)];
    // A DNAT rule is one piece of evidence per host, whatever ports it is found on.
    const dnats = new Set<string>();
    for (const ep of endpoints) {
      const internet = access.internetSources(subnet.vnet, subnet);
      // Every piece of evidence below is an Internet source that gets in: most hosts let none in on any port.
      if (!reach.mayReachFrom(ep, internet)) continue;
      for (const probe of internetProbes(access, ep)) {
        const answer = reach.reach(ep, probe);
        for (const r of answer.reaches) {
          if (r.outcome !== "allow") continue;
          const pub = r.sources.intersect(internet);
          if (pub.isEmpty) continue;
          const ports = () => describePorts(probe.protocol, r.ports);
          const onFrontEnd = bastion !== undefined && !r.dnat && frontEnd(probe.protocol, r.ports);
          if (onFrontEnd && bastion.frontEndOnly) continue;
          // Why Bastion's front end still counts (shareable links), said with the evidence.
          const note = onFrontEnd && bastion.why ? `, and ${bastion.why}` : "";
          if (r.dnat) {
            // Carried as the evidence's rule: a rule pack that reports the DNAT rule itself may leave it out (one finding).
            const dnat = r.dnat;
            const key = `${ep.key}|${dnat.id}`;
            if (!dnats.has(key)) {
              dnats.add(key);
              out.push({ why: () => `DNAT rule ${dnat.label} publishes ${ep.label} (${ports()}) to ${describeShare(pub, internet)}`, endpoint: ep, dnat });
            }
            continue;
          }
          const rule = r.grant.layers.find((l) => l.rule && !l.rule.isDefault)?.rule;
          if (answer.internetEntries.length > 0) {
            const entry = answer.internetEntries[0];
            out.push({ why: () => `${entry.label} lets ${describeShare(pub, internet)} reach ${ep.label} (${ports()})${note}` });
            return out;
          }
          if (rule && isBroad(pub, internet)) out.push({ why: () => `NSG rule "${rule.name}" allows ${describeShare(pub, internet)} to reach ${ep.label} (${ports()})${note}`, endpoint: ep, rule });
        }
      }
    }
    return out;
  }

  private declaredTrust(z: Zone): TrustClaim {
    const carrier = z.kind === "subnet" ? z.nsg?.resource : z.resource;
    if (!carrier) {
      return z.subnet?.nsgUnknown
        ? { source: "unknown", evidence: `its NSG cannot be read (${z.subnet.nsgUnknown})` }
        : { source: "undeclared", evidence: `${z.name} has no NSG carrying an ${ZONE_TAG.trust.key} tag` };
    }
    const r = ZONE_TAG.trust.read(this.model.tagBlock(carrier));
    switch (r.state) {
      case "known": return { level: r.value, source: "declared", evidence: `${ZONE_TAG.trust.key}=${r.value} on ${carrier.address}` };
      case "absent": return { source: "undeclared", evidence: `${carrier.address} has no ${ZONE_TAG.trust.key} tag` };
      default: return { source: "unknown", evidence: `${carrier.address}: ${r.reason}` };
    }
  }
}

/** TCP 443: Azure Bastion's public front end (learn.microsoft.com/azure/bastion/bastion-nsg). */
const HTTPS = Intervals.of(PORTS, [[443, 443]]);

/** AzureBastionSubnet with the configuration's Bastion in it ({@link Zones.bastionOf}). */
export interface BastionSubnet {
  /** The azurerm_bastion_host resources in it. */
  readonly hosts: readonly TfResource[];
  /** True when the Internet on TCP 443 reaches only Bastion's front end, where users sign in to Azure first. */
  readonly frontEndOnly: boolean;
  /** Why 443 from the Internet still counts, when the configuration says (shareable links). */
  readonly why?: string;
}

/**
 * One piece of evidence that a subnet is internet-facing; `rule` (an NSG allow on `endpoint`) may be
 * left out by `except`, `dnat` (a DNAT rule publishing `endpoint`) by `exceptDnat`.
 */
interface FacingEvidence {
  readonly why: () => string;
  readonly rule?: NsgRule;
  readonly dnat?: FirewallRule;
  readonly endpoint?: Endpoint;
}

/**
 * Probes for "does the Internet get in at all": the ports of every allow rule on the endpoint's
 * NSGs whose sources may include Internet addresses (every port where nothing filters). Rules from
 * private sources only are skipped, so a large NSG costs one pass over its rules.
 */
function internetProbes(access: AccessModel, ep: Endpoint): { protocol: "Tcp" | "Udp"; from: number; to: number }[] {
  const out = new Map<string, { protocol: "Tcp" | "Udp"; from: number; to: number }>();
  const add = (protocol: "Tcp" | "Udp", from: number, to: number) => out.set(`${protocol}${from}-${to}`, { protocol, from, to });
  const ctx = access.contextOf(ep);
  const internet = access.internetSources(ep.subnet?.vnet, ep.subnet);
  for (const layer of access.layersOf(ep)) {
    if (layer.nsgs.length === 0) {
      add("Tcp", 0, 65535);
      add("Udp", 0, 65535);
    }
    for (const nsg of layer.nsgs) {
      for (const r of nsg.rules) {
        if (!r.access.known || r.access.value !== "Allow" || !r.destinationPorts.known || !r.protocol.known || !r.sources.known) continue;
        if (!r.sources.value.some((t) => termSources(t, ctx)?.overlaps(internet) ?? false)) continue;
        const protos: ("Tcp" | "Udp")[] = r.protocol.value === "*" ? ["Tcp", "Udp"] : r.protocol.value === "Tcp" || r.protocol.value === "Udp" ? [r.protocol.value] : [];
        for (const p of protos) for (const [a, b] of r.destinationPorts.value.ranges()) add(p, a, b);
      }
    }
  }
  // A UDR for 0.0.0.0/0 widens AllowVNetInBound (and VirtualNetwork rules) to Internet sources; an
  // incomplete expansion (a route prefix not known before apply) may.
  if (ctx.vnetSources.overlaps(internet) || ctx.vnetMaybe?.sources.overlaps(internet)) {
    add("Tcp", 0, 65535);
    add("Udp", 0, 65535);
  }
  return [...out.values()];
}

/** True when the sources cover at least half of the public IPv4 or IPv6 space the endpoint sees, or hold an AzureCloud tag. */
export function isBroad(pub: SourceSet, internet: SourceSet): boolean {
  return broadAddresses(pub, internet) || cloudTags(pub).length > 0;
}

/** True when the addresses cover at least half of the public IPv4 or IPv6 space the endpoint sees. */
function broadAddresses(pub: SourceSet, internet: SourceSet): boolean {
  return (internet.v4.size() > 0 && pub.v4.size() >= BROAD_INTERNET_SHARE * internet.v4.size())
    || (internet.v6.size() > 0 && pub.v6.size() >= BROAD_INTERNET_SHARE * internet.v6.size());
}

/** The AzureCloud tags among the sources (the Internet holds them as tokens: any Azure customer sends from them). */
function cloudTags(pub: SourceSet): string[] {
  return pub.tokens.all ? [] : [...pub.tokens.names].filter((n) => n.startsWith("tag:") && isAzureCloudTag(n.slice(4))).map((n) => n.slice(4));
}

/** `the Internet`, `public addresses 203.0.113.0/24` or `service tag AzureCloud (...)`. */
export function describeShare(pub: SourceSet, internet: SourceSet): string {
  if (broadAddresses(pub, internet)) return "the Internet";
  const clouds = cloudTags(pub);
  const ranges = pub.v4.ranges().slice(0, 3).map(([a, b]) => rangeText(a, b));
  const addresses = ranges.length > 0 ? `public addresses ${ranges.join(", ")}${pub.v4.ranges().length > 3 ? ", ..." : ""}` : "";
  if (clouds.length === 0) return addresses || "public addresses";
  const tags = `service tag ${clouds.map(displayTag).join(", ")} (the public addresses of every Azure customer)`;
  return addresses ? `${tags} and ${addresses}` : tags;
}

/** `AzureCloud`, `AzureCloud.westeurope`: the tag as Azure spells its base name. */
function displayTag(tag: string): string {
  return `AzureCloud${tag.slice("azurecloud".length)}`;
}

function rangeText(a: number, b: number): string {
  const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  const size = b - a + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && a % size === 0) return prefix === 32 ? ip(a) : `${ip(a)}/${prefix}`;
  return `${ip(a)}-${ip(b)}`;
}

/** `TCP 3389`, `UDP 161-162`, `ICMP`. */
export function describePorts(protocol: string, ports: Intervals<number>): string {
  if (protocol === "Icmp") return "ICMP";
  const r = ports.ranges();
  const text = r.length === 1 && r[0][0] === 0 && r[0][1] === 65535 ? "any port" : r.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(", ");
  return `${protocol.toUpperCase()} ${text}`;
}

function sourcesOf(cidrs: readonly Cidr[]): SourceSet {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const c of cidrs) (c.family === 4 ? v4.push([c.start, c.end]) : v6.push([c.start, c.end]));
  return new SourceSet(Intervals.of(V4, v4), Intervals.of(V6, v6), TokenSet.NONE);
}
