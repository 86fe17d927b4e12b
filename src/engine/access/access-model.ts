/**
 * The effective-access model: computed once per configuration, it answers "from which sources can
 * protocol P, port N reach this NIC / VM / subnet / private endpoint, and through which rule?" as
 * Azure would, before apply (what Network Watcher's "effective security rules" and "IP flow
 * verify" answer after it). Rules ask it questions instead of walking NSG rules themselves.
 */
import { Cidr, NON_PUBLIC_V4, parseCidr, PRIVATE_V4, PUBLIC_V4, PUBLIC_V6 } from "./addresses";
import { describeUnknown, isUnset, valueText } from "./fields";
import { Domain, Intervals, PORTS, V4, V6 } from "./intervals";
import { candidate, defaultRules, denyAllPriority, Destination, Direction, EvalContext, namesVirtualNetwork, termMaySources } from "./nsg-eval";
import { Candidate, combineVerdicts, intersectSegs, Partition, partitionOf, uniformPartition, Verdict } from "./partition";
import { PortIndex } from "./port-index";
import { SourceSet, TokenSet } from "./source-set";
import { IpConfig, isPortless, Nic, Nsg, NsgRule, PrivateEndpoint, Protocol, PROTOCOLS, standInRule, Subnet, Topology, Vm, Vnet } from "./topology";
import { TerraformModel, TfResource } from "../model";

/** A place traffic can be addressed to. */
export interface Endpoint {
  /** Stable key (for memoisation and messages). */
  readonly key: string;
  /** `nsg`: some host behind an NSG that nothing in this configuration is associated with. */
  readonly kind: "nic" | "private-endpoint" | "subnet" | "nsg";
  /** The NIC, private endpoint or subnet resource. */
  readonly resource: TfResource;
  readonly ipConfig?: IpConfig;
  readonly privateEndpoint?: PrivateEndpoint;
  readonly subnet?: Subnet;
  readonly subnetUnknown?: string;
  readonly destination: Destination;
  readonly vm?: Vm;
  readonly nic?: Nic;
  /** For `nsg` endpoints: the NSG. */
  readonly nsg?: Nsg;
  /** A label for messages: `azurerm_network_interface.dc01 (10.0.1.4)`. */
  readonly label: string;
}

/** What a question asks about: a protocol and an inclusive port range (ignored for ICMP). */
export interface Probe {
  readonly protocol: "Tcp" | "Udp" | "Icmp";
  readonly from: number;
  readonly to: number;
}

/** One layer a packet crosses, and how it decides. */
export interface LayerStep {
  readonly layer: "subnet" | "nic";
  readonly nsg?: Nsg;
  /** The rule that decides, when there is an NSG this configuration can read. */
  readonly rule?: NsgRule;
  /** An earlier rule with unknown values that could decide otherwise. */
  readonly doubt?: NsgRule;
  readonly doubtReasons?: readonly string[];
  /** Why the layer decides without a rule. */
  readonly note?: string;
}

/** Sources that reach the endpoint on some ports, and the path that lets them in. */
export interface Grant {
  /** `allow`: the configuration lets them in; `uncertain`: it may, depending on values not known before apply. */
  readonly outcome: "allow" | "uncertain";
  readonly sources: SourceSet;
  readonly ports: Intervals<number>;
  readonly protocol: Probe["protocol"];
  readonly layers: readonly LayerStep[];
}

/** Sources the NSGs turn away, and the layer rule that does. */
export interface Denial {
  readonly sources: SourceSet;
  readonly ports: Intervals<number>;
  readonly layers: readonly LayerStep[];
}

/** The answer to one question. */
export interface AccessAnswer {
  readonly endpoint: Endpoint;
  readonly probe: Probe;
  readonly grants: readonly Grant[];
  /** What is denied, and by which rule (the first layer that denies). */
  readonly denials: readonly Denial[];
}

/** The `VirtualNetwork` tag of a VNet, expanded, and what could not be expanded. */
export interface VnetSpace {
  readonly sources: SourceSet;
  /**
   * Values the expansion depends on that are not known before apply (an address space, a route
   * prefix, a route table): the tag may then hold any address. Never modified: subnets without routes
   * share their VNet's space object. A network outside the configuration (a peering to it, a subnet of
   * it) adds nothing: its ranges are another configuration's.
   */
  readonly unknown: readonly string[];
  /** The resources whose values {@link unknown} names (a VNet, a local network gateway, a route table, a subnet), in order. */
  readonly unknownAt: readonly TfResource[];
  /**
   * Ranges the tag may or may not also hold, and why: a peered VNet whose peering's access setting,
   * or whose match to a literal remote ID, is not known. Bounded, unlike {@link unknown}.
   */
  readonly maybe?: { readonly sources: SourceSet; readonly why: readonly string[] };
}


/** One NSG layer a packet to an endpoint crosses (see {@link AccessModel.layersOf}). */
export interface Layer {
  readonly layer: "subnet" | "nic";
  readonly nsgs: Nsg[];
  /** Why an NSG this configuration cannot see may be associated. */
  readonly unknown?: string;
  /**
   * Why the layer's NSGs may or may not filter this endpoint's traffic (a setting not known before
   * apply): where they allow, the traffic passes either way; where they deny, the layer is uncertain.
   * Readers that take {@link nsgs} as filters must not narrow by them.
   */
  readonly mayBypass?: string;
  /** Why the layer's NSG does not filter this endpoint's traffic. */
  readonly bypass?: string;
}

/** Sources one path decides alike for a port segment (`key` names the outcome and the path). */
interface SegmentPiece {
  outcome: "allow" | "deny" | "uncertain";
  sources: SourceSet;
  readonly layers: LayerStep[];
  readonly key: string;
}

/** A rule's candidate for a context, its part of a partition key, and the uncertain extension an incomplete VirtualNetwork adds. */
interface CandidateHit {
  readonly candidate: Candidate<NsgRule>;
  key: string;
  extension?: Candidate<NsgRule>;
}

/** Where an answer per protocol and direction is kept in a small array. */
function slotOf(protocol: Protocol, direction: Direction): number {
  return PROTOCOLS.indexOf(protocol) * 2 + (direction === "Inbound" ? 0 : 1);
}

/** True when the rule may match `port` (its ports are not known, hold the port, or do not apply to the protocol). */
function holdsPort(r: NsgRule, protocol: Protocol, port: number): boolean {
  return isPortless(protocol) || !r.destinationPorts.known || r.destinationPorts.value.contains(port);
}

/** Per NSG: its rules in Azure's evaluation order (those whose priority is not known first: they could come first). */
const BY_PRIORITY = new WeakMap<Nsg, NsgRule[]>();

function byPriority(nsg: Nsg): NsgRule[] {
  let sorted = BY_PRIORITY.get(nsg);
  if (!sorted) {
    const rank = (r: NsgRule) => (r.priority.known ? r.priority.value : -1);
    sorted = [...nsg.rules].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
    BY_PRIORITY.set(nsg, sorted);
  }
  return sorted;
}

/** The effective-access model of one configuration. */
export class AccessModel {
  public static of(model: TerraformModel): AccessModel {
    return model.memo("access-model", () => new AccessModel(model));
  }

  public readonly topology: Topology;
  public readonly endpoints: Endpoint[] = [];
  private readonly byVm = new Map<Vm, Endpoint[]>();
  private readonly bySubnet = new Map<Subnet, Endpoint>();
  /** Hosts (NIC and private endpoints) of each subnet, in {@link endpoints} order; built on first use. */
  private hostsBySubnet?: Map<Subnet, Endpoint[]>;
  private readonly cache = new ProbeCache<AccessAnswer>();
  private readonly vnetSpaces = new Map<Vnet | Subnet, VnetSpace>();
  private readonly vnetBases = new Map<Vnet, VnetSpace>();
  private readonly defaults = new Map<Nsg, { Inbound?: NsgRule[]; Outbound?: NsgRule[] }>();
  private readonly portIndexes = new Map<Nsg, PortIndex>();
  /** Decided segments per endpoint, then direction, protocol and matching rules (see {@link decideSegment}). */
  private readonly segments = new Map<Endpoint, Map<string, SegmentPiece[]>>();
  /** Per endpoint: its evaluation context and NSG layers (asked for every question about it). */
  private readonly contexts = new Map<Endpoint, EvalContext>();
  private readonly layerCache = new Map<Endpoint, Layer[]>();
  private readonly internets = new Map<Vnet | Subnet, SourceSet>();
  private readonly vnetMaybes = new Map<VnetSpace, NonNullable<EvalContext["vnetMaybe"]>>();
  private azureCloud?: TokenSet;
  /** NSG partitions and combined layer decisions, shared across endpoints (see {@link partitionOfNsg}). */
  private readonly partitions = new Map<string, Partition<NsgRule>>();
  private readonly combined = new Map<string, SegmentPiece[]>();
  private readonly uniforms = new Map<string, Partition<NsgRule>>();
  private readonly bypassed = new Map<string, Partition<NsgRule>>();
  private readonly mayAllow = new WeakMap<Nsg, Map<SourceSet, { vnet: SourceSet; internet: SourceSet; ports: Intervals<number>[] }[]>>();
  private readonly admitted = new WeakMap<Endpoint, Map<SourceSet, Intervals<number>[]>>();
  /** Each rule's candidate per context, per protocol and direction (see partitionOfNsg); null when it does not apply. */
  private readonly candidateCache = new Map<EvalContext, Map<NsgRule, CandidateHit | null>[]>();
  /** Source address sets of combined pieces, one instance per value: hosts of many zones share a few (measured 25,200 sets, 1,410 values at 1,000 zones). */
  private readonly internedV4 = new Map<string, Intervals<number>>();
  private readonly internedV6 = new Map<string, Intervals<bigint>>();
  /** Weak: numbering an object must not keep it alive. */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  private constructor(public readonly model: TerraformModel) {
    this.topology = Topology.of(model);
    for (const nic of this.topology.nics) {
      nic.ipConfigs.forEach((cfg, i) => {
        const ep = this.nicEndpoint(nic, cfg, i);
        this.endpoints.push(ep);
        if (nic.vm) this.byVm.set(nic.vm, [...(this.byVm.get(nic.vm) ?? []), ep]);
      });
    }
    for (const pe of this.topology.privateEndpoints) {
      const dest = this.hostDestination(pe.privateIp, pe.subnet);
      this.endpoints.push({
        key: pe.resource.address, kind: "private-endpoint", resource: pe.resource, privateEndpoint: pe, subnet: pe.subnet, subnetUnknown: pe.subnetUnknown,
        destination: dest, label: `${pe.resource.address}${dest.kind === "host" ? ` (${dest.cidr.text})` : ""}`,
      });
    }
    for (const nsg of this.topology.nsgs) {
      if (nsg.subnets.length > 0 || nsg.nics.length > 0) continue;
      this.endpoints.push({ key: nsg.resource.address, kind: "nsg", resource: nsg.resource, nsg, destination: { kind: "anywhere" }, label: `hosts behind NSG ${nsg.name ?? nsg.resource.address} (associated with nothing in this configuration)` });
    }
    // Standalone rules of an NSG outside this configuration: evaluated as that NSG's only rules (its
    // other rules are not known), so an exposure they open is still seen.
    const orphans = new Map<string, NsgRule[]>();
    for (const r of this.topology.orphanRules) {
      const name = model.resolveString(r.resource.config.network_security_group_name);
      // Not String(): a value without a prototype (odd input) has no string conversion.
      const raw: unknown = r.resource.config.network_security_group_name;
      const key = name.known ? name.value : typeof raw === "string" ? raw : valueText(raw);
      orphans.set(key, [...(orphans.get(key) ?? []), r]);
    }
    for (const [name, rules] of orphans) {
      const others = unknownRules(rules[0].resource, `the other rules of NSG ${name}, which is not part of this configuration`);
      const nsg: Nsg = { resource: rules[0].resource, name, rules: [...rules, others], subnets: [], nics: [] };
      others.nsg = nsg;
      rules.forEach((r) => (r.nsg ??= nsg));
      this.endpoints.push({ key: `orphan:${name}`, kind: "nsg", resource: rules[0].resource, nsg, destination: { kind: "anywhere" }, label: `hosts behind NSG ${name} (not part of this configuration)` });
    }
    for (const subnet of this.topology.subnets) {
      const ep: Endpoint = {
        key: subnet.key, kind: "subnet", resource: subnet.resource, subnet,
        destination: subnet.prefixes.known ? { kind: "range", cidrs: subnet.prefixes.value } : { kind: "unknown", reason: `address_prefixes: ${subnet.prefixes.reason}` },
        label: subnetLabel(subnet),
      };
      this.endpoints.push(ep);
      this.bySubnet.set(subnet, ep);
    }
  }

  /** The endpoints (one per IP configuration) of a VM's NICs. */
  public endpointsOfVm(vm: Vm): Endpoint[] {
    return this.byVm.get(vm) ?? [];
  }

  /**
   * The endpoints of a subnet other than the subnet itself (NIC IP configurations and private
   * endpoints), in the order of {@link endpoints}: an index built once, so rules and zone trust
   * need not scan every endpoint per subnet (quadratic in large configurations).
   */
  public hostEndpointsOf(subnet: Subnet): readonly Endpoint[] {
    if (!this.hostsBySubnet) {
      this.hostsBySubnet = new Map();
      for (const e of this.endpoints) {
        if (e.kind === "subnet" || !e.subnet) continue;
        const list = this.hostsBySubnet.get(e.subnet);
        if (list) list.push(e);
        else this.hostsBySubnet.set(e.subnet, [e]);
      }
    }
    return this.hostsBySubnet.get(subnet) ?? [];
  }

  /** The endpoint standing for "any host of this subnet". */
  public endpointOfSubnet(subnet: Subnet): Endpoint {
    return this.bySubnet.get(subnet)!;
  }

  /**
   * The `VirtualNetwork` tag as seen from a subnet: its VNet's address space, peered VNets,
   * on-premises ranges behind gateways, and the prefixes of the user-defined routes of the subnet
   * (learn.microsoft.com/azure/virtual-network/service-tags-overview, VirtualNetwork). A UDR for
   * 0.0.0.0/0 to an appliance therefore makes the tag, and AllowVNetInBound, cover every address
   * (observed and reported: codewithme.cloud/posts/2019/01/azure-nsg-virtualnetwork-tag,
   * journeyofthegeek.com/2022/06/22/virtualnetwork-service-tag-and-network-security-groups).
   */
  public vnetSpace(vnet: Vnet | undefined, subnet?: Subnet): VnetSpace {
    const key = subnet ?? vnet;
    const cached = key ? this.vnetSpaces.get(key) : undefined;
    if (cached) return cached;
    const base = this.vnetBase(vnet, subnet);
    // A subnet without routes sees its VNet's space as it is: the same object, no copy per subnet.
    let space = base;
    if (subnet && (subnet.routeTableUnknown || subnet.routeTables.some((t) => t.routes.length > 0))) {
      const udr: Cidr[] = [];
      const unknown = [...base.unknown];
      const unknownAt = [...base.unknownAt];
      if (subnet.routeTableUnknown) {
        unknown.push(`route table of ${subnetLabel(subnet)}: ${subnet.routeTableUnknown}`);
        unknownAt.push(subnet.resource);
      }
      for (const t of subnet.routeTables) {
        for (const r of t.routes) {
          if (r.prefix.known) udr.push(r.prefix.value);
          else {
            unknown.push(`${t.resource.address} route ${r.name ?? "?"}: ${r.prefix.field}: ${r.prefix.reason}`);
            unknownAt.push(t.resource);
          }
        }
      }
      const sources = base.sources.union(cidrSources(udr));
      const maybeSources = base.maybe?.sources.subtract(sources);
      const maybe = base.maybe && maybeSources && !maybeSources.isEmpty ? { sources: maybeSources, why: base.maybe.why } : undefined;
      space = { sources, unknown, unknownAt, maybe };
    }
    if (key) this.vnetSpaces.set(key, space);
    return space;
  }

  private vnetBase(vnet: Vnet | undefined, subnet: Subnet | undefined): VnetSpace {
    const cached = vnet ? this.vnetBases.get(vnet) : undefined;
    if (cached) return cached;
    const unknown: string[] = [];
    const unknownAt: TfResource[] = [];
    const cidrs: Cidr[] = [];
    let withPrivate = false;
    const maybeCidrs: Cidr[] = [];
    const maybeWhy: string[] = [];
    let maybePrivate = false;
    /** A VNet's part of the tag: its space, its on-premises ranges; true when a gateway may learn any private range. */
    const spaceOf = (v: Vnet, into: Cidr[], why?: string): boolean => {
      const also = why ? ` (${why})` : "";
      if (v.addressSpace.known) into.push(...v.addressSpace.value);
      else {
        unknown.push(`${v.resource.address} address_space: ${v.addressSpace.reason}${also}`);
        unknownAt.push(v.resource);
        // Its subnets' known prefixes are in it whatever it is: the address space holds "the IP address
        // ranges that can be used by subnets" (Azure REST, VirtualNetwork addressSpace).
        for (const sn of v.subnets) if (sn.prefixes.known) into.push(...sn.prefixes.value);
      }
      for (const lng of v.localGateways) {
        if (lng.addressSpace.known) into.push(...lng.addressSpace.value);
        else {
          unknown.push(`${lng.resource.address} address_space: ${lng.addressSpace.reason}${also}`);
          unknownAt.push(lng.resource);
        }
      }
      // Ranges learned over BGP or set on connections outside this configuration: any private range.
      return v.hasGateway;
    };
    if (!vnet) {
      if (subnet?.prefixes.known) cidrs.push(...subnet.prefixes.value);
    } else {
      if (spaceOf(vnet, cidrs)) withPrivate = true;
      for (const p of vnet.tagPeers) {
        if (!p.doubt) {
          if (spaceOf(p.vnet, cidrs)) withPrivate = true;
        } else {
          // A peer that may or may not be in the tag: its ranges are uncertain, not every address.
          if (spaceOf(p.vnet, maybeCidrs, p.doubt)) maybePrivate = true;
          maybeWhy.push(p.doubt);
        }
      }
    }
    let sources = cidrSources(cidrs);
    if (withPrivate) sources = sources.union(new SourceSet(PRIVATE_V4, Intervals.empty(V6), TokenSet.NONE));
    let maybe: VnetSpace["maybe"];
    if (maybeWhy.length > 0) {
      let ms = cidrSources(maybeCidrs);
      if (maybePrivate) ms = ms.union(new SourceSet(PRIVATE_V4, Intervals.empty(V6), TokenSet.NONE));
      ms = ms.subtract(sources);
      if (!ms.isEmpty) maybe = { sources: ms, why: maybeWhy };
    }
    const base: VnetSpace = { sources, unknown, unknownAt, maybe };
    if (vnet) this.vnetBases.set(vnet, base);
    return base;
  }

  /**
   * The Internet as a set of sources: public space outside the VNet's own, peered and on-premises
   * ranges. UDR prefixes widen the VirtualNetwork tag but never make an address internal.
   */
  public internetSources(vnet: Vnet | undefined, subnet?: Subnet): SourceSet {
    // The VNet's base space decides (the subnet's prefixes only when the VNet is not known).
    const key = vnet ?? subnet;
    const cached = key ? this.internets.get(key) : undefined;
    if (cached) return cached;
    let vs = this.vnetBase(vnet, subnet).sources;
    // A peer kept out of the tag (its access blocked) is still reached over the peering, not the Internet.
    const peered = (vnet?.peers ?? []).flatMap((p) => (p.addressSpace.known ? p.addressSpace.value : []));
    if (peered.length > 0) vs = vs.union(cidrSources(peered));
    const internet = new SourceSet(PUBLIC_V4.subtract(vs.v4), PUBLIC_V6.subtract(vs.v6), this.cloudTokens());
    if (key) this.internets.set(key, internet);
    return internet;
  }

  /**
   * The AzureCloud service tags the configuration's NSG rules name (`AzureCloud`, `AzureCloud.WestEurope`):
   * every public address of Azure's datacenters, which any Azure customer can send from, and part of the
   * Internet tag ("The address range includes the Azure-owned public IP address space":
   * learn.microsoft.com/azure/virtual-network/service-tags-overview, which advises against allowing
   * AzureCloud for that reason). They are opaque tokens to us, so they join the Internet as tokens.
   */
  private cloudTokens(): TokenSet {
    if (this.azureCloud) return this.azureCloud;
    const names = new Set<string>();
    for (const r of this.topology.rules) {
      for (const side of [r.sources, r.destinations]) {
        if (!side.known) continue;
        for (const t of side.value) if (t.kind === "tag" && isAzureCloudTag(t.tag)) names.add(`tag:${t.tag}`);
      }
    }
    return (this.azureCloud = names.size === 0 ? TokenSet.NONE : TokenSet.of(...names));
  }

  /**
   * Who reaches `probe` on `endpoint`, inbound, and through which NSG rules. Memoised per endpoint
   * and probe; linear in the rules of the NSGs on the path (n log n with the sort).
   */
  public inbound(endpoint: Endpoint, probe: Probe): AccessAnswer {
    return this.evaluate(endpoint, probe, "Inbound");
  }

  /**
   * Where `probe` traffic from `endpoint` may go, outbound (the grants' `sources` are then the
   * destinations it may reach), and through which NSG rules. Routing beyond the NSGs is not modelled.
   */
  public outbound(endpoint: Endpoint, probe: Probe): AccessAnswer {
    return this.evaluate(endpoint, probe, "Outbound");
  }

  /**
   * True when the IPv4 address `witness` (the source inbound, the destination outbound) certainly gets
   * through every NSG on the way over `protocol` and `port`: in each NSG the first rule in Azure's
   * order (priority, the defaults last) that may match it is an allow whose every field is known, and
   * no layer may hide an NSG. Decides one address by walking the rules in order instead of
   * partitioning the whole source space: "false" only means "not certain, ask the model".
   */
  public admitsCertainly(endpoint: Endpoint, protocol: Protocol, port: number, witness: number, direction: Direction = "Inbound"): boolean {
    return this.certainDeciders(endpoint, protocol, port, witness, direction) !== undefined;
  }

  /**
   * The rules that let `witness` through, one per NSG on the way (layer order), when it certainly
   * gets through (see {@link admitsCertainly}); undefined when not certain.
   */
  public certainDeciders(endpoint: Endpoint, protocol: Protocol, port: number, witness: number, direction: Direction = "Inbound"): NsgRule[] | undefined {
    const ctx = this.contextOf(endpoint);
    const out: NsgRule[] = [];
    for (const layer of this.layersOf(endpoint)) {
      if (layer.nsgs.length === 0 && (layer.unknown || layer.mayBypass)) return undefined;
      for (const nsg of layer.nsgs) {
        let first: Candidate<NsgRule> | undefined;
        for (const list of [byPriority(nsg), this.defaultsOf(nsg, direction)]) {
          for (const r of list) {
            if (!holdsPort(r, protocol, port)) continue;
            const hit = this.candidateOf(r, ctx, protocol, direction);
            // The rule may match the witness through an incomplete VirtualNetwork: not certain.
            if (hit?.extension?.sources.v4.contains(witness)) return undefined;
            const c = hit?.candidate;
            if (c && c.sources.v4.contains(witness)) {
              first = c;
              break;
            }
          }
          if (first) break;
        }
        if (!first || !first.definite || first.access !== "Allow") return undefined;
        out.push(first.rule);
      }
    }
    return out;
  }

  /**
   * The first grant (in port order) that `wanted` accepts, without computing the whole answer: for
   * "does X get in on any port" questions over wide port ranges of large NSGs.
   */
  public findGrant(endpoint: Endpoint, probe: Probe, wanted: (g: Grant) => boolean, direction: Direction = "Inbound"): Grant | undefined {
    const cached = this.cache.get(endpoint, probe, direction);
    if (cached) return cached.grants.find(wanted);
    const ctx = this.contextOf(endpoint);
    const layers = this.layersOf(endpoint);
    const segments = probe.protocol === "Icmp" ? [[0, 65535] as const] : this.portSegments(layers, probe);
    const seen = new Set<string>();
    for (const [from, to] of segments) {
      const { matching, signature } = this.matchingAt(layers, probe.protocol, from);
      if (seen.has(signature)) continue;
      seen.add(signature);
      for (const p of this.decideSegment(endpoint, signature, layers, matching, ctx, probe.protocol, from, direction)) {
        if (p.outcome === "deny") continue;
        const g: Grant = { outcome: p.outcome, sources: p.sources, ports: Intervals.of(PORTS, [[from, to]]), protocol: probe.protocol, layers: p.layers };
        if (wanted(g)) return g;
      }
    }
    return undefined;
  }

  /**
   * False when some NSG on the way to the endpoint lets none of `sources` in over `protocol` on any
   * port: none of its rules that may allow (Azure's defaults included; a rule whose access, direction,
   * protocol or remote side is not known counts as one) holds one of them, so its first match for
   * each of them is a deny and no grant can hold one. Rules after a definite deny of everything are
   * skipped (they never match). Destinations are not looked at, which only makes "true" more
   * frequent: true means "maybe, ask the model". Cheap (one pass over each NSG's rules, cached per
   * NSG and context), for "from these sources, on any port?" questions.
   */
  public mayAdmitFrom(endpoint: Endpoint, protocol: Protocol, sources: SourceSet, direction: Direction = "Inbound"): boolean {
    return !this.admitPortsFrom(endpoint, protocol, sources, direction).isEmpty;
  }

  /**
   * The ports on which a grant may hold one of `sources` (see {@link mayAdmitFrom}): every NSG on the
   * way must have a rule that may allow one of them there, so the ports are the intersection, over
   * the NSGs, of the ports of such rules (all ports for a rule whose ports are not known, and for
   * protocols without ports). A grant outside them is impossible, so a caller asks the model only
   * about these ports.
   */
  public admitPortsFrom(endpoint: Endpoint, protocol: Protocol, sources: SourceSet, direction: Direction = "Inbound"): Intervals<number> {
    // Asked for every service of a host with the same sources: kept per endpoint and source set.
    let mine = this.admitted.get(endpoint);
    if (!mine) this.admitted.set(endpoint, (mine = new Map()));
    let perSources = mine.get(sources);
    if (!perSources) mine.set(sources, (perSources = []));
    const slot = slotOf(protocol, direction);
    const hit = perSources[slot];
    if (hit) return hit;
    const ctx = this.contextOf(endpoint);
    let ports = Intervals.all(PORTS);
    for (const layer of this.layersOf(endpoint)) {
      // An NSG that may not filter may let any port through.
      if (layer.mayBypass) continue;
      for (const nsg of layer.nsgs) {
        if (ports.isEmpty) break;
        ports = ports.intersect(this.nsgAdmitPorts(nsg, ctx, protocol, sources, direction));
      }
    }
    perSources[slot] = ports;
    return ports;
  }

  private nsgAdmitPorts(nsg: Nsg, ctx: EvalContext, protocol: Protocol, sources: SourceSet, direction: Direction): Intervals<number> {
    // Kept per NSG, source set and tag expansions (objects, no key text): hosts of one subnet share it.
    let perNsg = this.mayAllow.get(nsg);
    if (!perNsg) this.mayAllow.set(nsg, (perNsg = new Map()));
    let entries = perNsg.get(sources);
    if (!entries) perNsg.set(sources, (entries = []));
    let entry = entries.find((e) => e.vnet === ctx.vnetSources && e.internet === ctx.internetSources);
    if (!entry) entries.push((entry = { vnet: ctx.vnetSources, internet: ctx.internetSources, ports: [] }));
    const slot = slotOf(protocol, direction);
    let ports = entry.ports[slot];
    if (ports === undefined) {
      const ranges: [number, number][] = [];
      const portless = isPortless(protocol);
      let all = false;
      // Rules after a definite deny of everything never match (Azure's defaults are at 65000 and up).
      const cut = denyAllPriority(nsg, direction);
      for (const list of [nsg.rules, this.defaultsOf(nsg, direction)]) {
        for (const r of list) {
          if (r.priority.known && r.priority.value > cut) continue;
          if (r.access.known && r.access.value === "Deny") continue;
          if (r.direction.known && r.direction.value !== direction) continue;
          if (r.protocol.known && r.protocol.value !== "*" && r.protocol.value !== protocol) continue;
          if (r.destinationPorts.known && r.destinationPorts.value.isEmpty) continue;
          const remote = direction === "Inbound" ? r.sources : r.destinations;
          const may = !remote.known || remote.value.some((t) => termMaySources(t, ctx)?.overlaps(sources));
          if (!may) continue;
          if (portless || !r.destinationPorts.known || r.destinationPorts.value.isAll) {
            all = true;
            break;
          }
          const d = r.destinationPorts.value;
          for (let i = 0; i < d.starts.length; i++) ranges.push([d.starts[i], d.ends[i]]);
        }
        if (all) break;
      }
      ports = all ? Intervals.all(PORTS) : Intervals.of(PORTS, ranges);
      entry.ports[slot] = ports;
    }
    return ports;
  }

  /** How many port segments (pieces decided by the same rules) the probe's range has on this endpoint. */
  public segmentCount(endpoint: Endpoint, probe: Probe): number {
    return probe.protocol === "Icmp" ? 1 : this.portSegments(this.layersOf(endpoint), probe).length;
  }

  private evaluate(endpoint: Endpoint, probe: Probe, direction: Direction): AccessAnswer {
    // One port (or ICMP) is one memoised decision: answering again is cheaper than keeping every
    // answer (memory). Ranges cut by many rules are kept.
    if (probe.from === probe.to || probe.protocol === "Icmp") return this.compute(endpoint, probe, direction);
    let hit = this.cache.get(endpoint, probe, direction);
    if (!hit) {
      hit = this.compute(endpoint, probe, direction);
      this.cache.set(endpoint, probe, direction, hit);
    }
    return hit;
  }

  /** The NSG layers a packet to the endpoint crosses. */
  public layersOf(endpoint: Endpoint): Layer[] {
    const cached = this.layerCache.get(endpoint);
    if (cached) return cached;
    const out: Layer[] = [];
    const subnet = endpoint.subnet;
    let policies: ReturnType<typeof privateEndpointPolicies> | undefined;
    if (endpoint.kind === "nsg") {
      out.push({ layer: "subnet", nsgs: [endpoint.nsg!] });
    } else if (!subnet) {
      out.push({ layer: "subnet", nsgs: [], unknown: endpoint.subnetUnknown ?? "the subnet is not known" });
    } else if (endpoint.kind === "private-endpoint" && (policies = privateEndpointPolicies(this.model, subnet)) !== "enabled"
      && (policies === "disabled" || subnet.nsgs.length > 0 || subnet.nsgUnknown)) {
      if (policies === "disabled") {
        out.push({ layer: "subnet", nsgs: [], bypass: `private endpoint network policies are disabled on ${subnetLabel(subnet)}, so its NSG does not filter traffic to the private endpoint` });
      } else {
        // Filtered or not: where the NSG allows, both cases let the traffic through (a definite answer);
        // where it denies, the answer is not known (see bypassable). An NSG this configuration cannot see
        // may deny anything: uniformly uncertain.
        const mayBypass = `whether the NSG of ${subnetLabel(subnet)} filters traffic to the private endpoint is not known: ${policies.unknown}`;
        out.push({ layer: "subnet", nsgs: subnet.nsgs, mayBypass, unknown: subnet.nsgs.length === 0 ? subnet.nsgUnknown : undefined });
      }
    } else {
      out.push({ layer: "subnet", nsgs: subnet.nsgs, unknown: subnet.nsgs.length === 0 ? subnet.nsgUnknown : undefined });
    }
    if (endpoint.nic) out.push({ layer: "nic", nsgs: endpoint.nic.nsgs, unknown: endpoint.nic.nsgs.length === 0 ? endpoint.nic.nsgUnknown : undefined });
    this.layerCache.set(endpoint, out);
    return out;
  }

  /**
   * The rules of each layer's NSGs that may match `port` (all of them for ICMP), and a signature
   * naming them: ports with the same signature are decided alike. Taken from each NSG's port index.
   */
  private matchingAt(layers: readonly Layer[], protocol: Protocol, port: number): { matching: NsgRule[][][]; signature: string } {
    const matching: NsgRule[][][] = [];
    let signature = "";
    for (let li = 0; li < layers.length; li++) {
      const perLayer: NsgRule[][] = [];
      if (li > 0) signature += "|";
      const nsgs = layers[li].nsgs;
      for (let ni = 0; ni < nsgs.length; ni++) {
        const at = protocol === "Icmp" ? this.portIndexOf(nsgs[ni]).all() : this.portIndexOf(nsgs[ni]).at(port);
        perLayer.push(at.rules);
        signature += ni > 0 ? `;${at.ids}` : at.ids;
      }
      matching.push(perLayer);
    }
    return { matching, signature };
  }

  private compute(endpoint: Endpoint, probe: Probe, direction: Direction): AccessAnswer {
    const ctx = this.contextOf(endpoint);
    const layers = this.layersOf(endpoint);
    const protocol: Protocol = probe.protocol;
    const segments = probe.protocol === "Icmp" ? [[0, 65535] as const] : this.portSegments(layers, probe);
    if (segments.length === 1) {
      // One segment (a single port, or a range no rule cuts): its pieces are the answer.
      const [from, to] = segments[0];
      const { matching, signature } = this.matchingAt(layers, protocol, from);
      const ports = Intervals.of(PORTS, [[from, to]]);
      const grants: Grant[] = [];
      const denials: Denial[] = [];
      for (const p of this.decideSegment(endpoint, signature, layers, matching, ctx, protocol, from, direction)) {
        if (p.outcome === "deny") denials.push({ sources: p.sources, ports, layers: p.layers });
        else grants.push({ outcome: p.outcome, sources: p.sources, ports, protocol: probe.protocol, layers: p.layers });
      }
      return { endpoint, probe, grants, denials };
    }
    // Grants are products sources x ports: pieces of one port segment are united per path first,
    // then a path's pieces with exactly the same sources in other segments share one grant.
    // Segments matched by the same rules decide alike: each distinct rule set is evaluated once.
    const grants = new Map<string, { outcome: "allow" | "deny" | "uncertain"; sources: SourceSet; ports: [number, number][]; layers: LayerStep[] }>();
    for (const [from, to] of segments) {
      const { matching, signature } = this.matchingAt(layers, protocol, from);
      const pieces = this.decideSegment(endpoint, signature, layers, matching, ctx, protocol, from, direction);
      for (const p of pieces) {
        const k = `${p.key}#${sourcesKey(p.sources)}`;
        const g = grants.get(k);
        if (g) g.ports.push([from, to]);
        else grants.set(k, { outcome: p.outcome, sources: p.sources, layers: p.layers, ports: [[from, to]] });
      }
    }
    const all = [...grants.values()];
    return {
      endpoint, probe,
      grants: all.filter((g) => g.outcome !== "deny").map((g) => ({
        outcome: g.outcome as "allow" | "uncertain", sources: g.sources, ports: Intervals.of(PORTS, g.ports), protocol: probe.protocol, layers: g.layers,
      })),
      denials: all.filter((g) => g.outcome === "deny").map((d) => ({ sources: d.sources, ports: Intervals.of(PORTS, d.ports), layers: d.layers })),
    };
  }

  /**
   * The layers' combined decision for one port, as pieces united per path. Memoised per endpoint,
   * direction, protocol and `signature` (the rules of each layer that match the port): every rule
   * handed in holds the port, so the port itself decides nothing more, and the many ports a rule pack
   * asks about on one host (RDP, SSH, WinRM, SMB, LDAP, ... all met only by a deny-all) are decided once.
   */
  private decideSegment(
    endpoint: Endpoint,
    signature: string,
    layers: readonly Layer[],
    matching: NsgRule[][][],
    ctx: EvalContext,
    protocol: Protocol,
    port: number,
    direction: Direction,
  ): SegmentPiece[] {
    let mine = this.segments.get(endpoint);
    if (!mine) this.segments.set(endpoint, (mine = new Map()));
    const key = `${direction}|${protocol}|${signature}`;
    let pieces = mine.get(key);
    if (!pieces) mine.set(key, (pieces = this.decideSegmentOnce(layers, matching, ctx, protocol, port, direction)));
    return pieces;
  }

  private decideSegmentOnce(
    layers: readonly Layer[],
    matching: NsgRule[][][],
    ctx: EvalContext,
    protocol: Protocol,
    port: number,
    direction: Direction,
  ): SegmentPiece[] {
    const parts: Partition<NsgRule>[] = [];
    const layerNames: ("subnet" | "nic")[] = [];
    layers.forEach((l, li) => {
      if (l.nsgs.length === 0) {
        const note = l.bypass ?? l.mayBypass ?? (l.unknown ? `an NSG may be associated that this configuration cannot see (${l.unknown})` : `no NSG on the ${l.layer}`);
        parts.push(this.uniformOf(l.unknown || l.mayBypass ? "uncertain" : "allow", note));
        layerNames.push(l.layer);
        return;
      }
      // Azure allows one NSG per subnet and NIC; more than one here means every one must allow.
      l.nsgs.forEach((nsg, ni) => {
        const part = this.partitionOfNsg(nsg, matching[li][ni], ctx, protocol, port, direction);
        parts.push(l.mayBypass ? this.bypassable(part, l.mayBypass) : part);
        layerNames.push(l.layer);
      });
    });
    // Hosts behind the same NSGs decide alike: the combined pieces are shared by every endpoint whose layers decide alike.
    let key = layerNames.join(",");
    for (const p of parts) key += `|${this.idOf(p)}`;
    let pieces = this.combined.get(key);
    if (!pieces) this.combined.set(key, (pieces = this.combine(parts, layerNames)));
    return pieces;
  }

  /**
   * One NSG's decision, shared by every endpoint whose candidates are the same: the candidates
   * (rules that may match, with their doubts) and the VNet and Internet sets they read decide the
   * partition, so the hosts of one subnet (and the subnet itself) evaluate its NSG once.
   */
  private partitionOfNsg(nsg: Nsg, rules: readonly NsgRule[], ctx: EvalContext, protocol: Protocol, port: number, direction: Direction): Partition<NsgRule> {
    // The candidates are the rules that may match the port (the port index's pick), then Azure's defaults, in
    // that order. Each rule's candidate (and its part of the key) is computed once per context, protocol and
    // direction: it does not depend on the port, only on whether the rule holds it.
    const cands: Candidate<NsgRule>[] = [];
    let key = `${this.idOf(nsg)}|${direction}|${protocol}|${this.idOf(ctx.vnetSources)}|${this.idOf(ctx.internetSources)}|${ctx.vnetMaybe ? this.idOf(ctx.vnetMaybe) : "-"}|`;
    for (const list of [rules, this.defaultsOf(nsg, direction)]) {
      for (const r of list) {
        if (!holdsPort(r, protocol, port)) continue;
        const hit = this.candidateOf(r, ctx, protocol, direction);
        if (hit) {
          cands.push(hit.candidate);
          if (hit.extension) cands.push(hit.extension);
          key += hit.key;
        }
      }
    }
    let part = this.partitions.get(key);
    if (!part) this.partitions.set(key, (part = partitionOf(cands)));
    return part;
  }

  /**
   * A rule's candidate (and its part of a partition key) for a context, protocol and direction, computed
   * once: it does not depend on the port, only on whether the rule holds it ({@link holdsPort}). Null
   * when the rule cannot match.
   */
  private candidateOf(r: NsgRule, ctx: EvalContext, protocol: Protocol, direction: Direction): CandidateHit | null {
    let perContext = this.candidateCache.get(ctx);
    if (!perContext) this.candidateCache.set(ctx, (perContext = []));
    const mine = (perContext[slotOf(protocol, direction)] ??= new Map());
    let hit = mine.get(r);
    if (hit === undefined) {
      const c = candidate(r, ctx, protocol, undefined, direction);
      hit = c ? { candidate: c, key: c.definite ? `${r.id},` : `${r.id}?${c.doubts.join("\u0001")},` } : null;
      if (hit && c && ctx.vnetMaybe && namesVirtualNetwork(r, direction)) {
        // Sources the incomplete VirtualNetwork may hold: the rule may match them too, so they are uncertain.
        const sources = ctx.vnetMaybe.sources.subtract(c.sources);
        if (!sources.isEmpty) {
          hit.extension = { ...c, definite: false, sources, doubts: [...new Set([...c.doubts, ctx.vnetMaybe.doubt])] };
          hit.key += "+vnet,";
        }
      }
      mine.set(r, hit);
    }
    return hit;
  }

  /**
   * An NSG's decision when it may or may not filter the traffic (see {@link Layer.mayBypass}): where it
   * allows, it lets the traffic through either way; where it denies, bypassed it would not, so the
   * layer is uncertain there (the other layers still decide: a deny elsewhere denies either way).
   * Kept per partition and reason.
   */
  private bypassable(part: Partition<NsgRule>, why: string): Partition<NsgRule> {
    const key = `${this.idOf(part)}|${why}`;
    let out = this.bypassed.get(key);
    if (!out) {
      const map = (v: Verdict<NsgRule>): Verdict<NsgRule> => {
        if (v.outcome !== "deny") return v;
        const r = v.owner?.rule;
        const by = !r ? "it denies" : r.isDefault ? `Azure's default rule ${r.name} denies` : `rule "${r.name}" of NSG ${r.nsg?.name ?? r.nsg?.resource.address ?? "?"} denies`;
        // No owner: the step is told by its note (a rule here would read as the grant's decider).
        return { outcome: "uncertain", note: `${why}; where it filters, ${by}` };
      };
      const seg = <T>(list: readonly { start: T; end: T; value: Verdict<NsgRule> }[]) => list.map((x) => ({ start: x.start, end: x.end, value: map(x.value) }));
      const tokens = new Map<string, Verdict<NsgRule>>();
      for (const [n, v] of part.tokens) tokens.set(n, map(v));
      this.bypassed.set(key, (out = { v4: seg(part.v4), v6: seg(part.v6), tokens, rest: map(part.rest) }));
    }
    return out;
  }

  private uniformOf(outcome: "allow" | "uncertain", note: string): Partition<NsgRule> {
    const key = `${outcome}|${note}`;
    let part = this.uniforms.get(key);
    if (!part) this.uniforms.set(key, (part = uniformPartition({ outcome, note })));
    return part;
  }

  /** A number naming an object in cache keys. */
  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }

  private combine(parts: Partition<NsgRule>[], layerNames: ("subnet" | "nic")[]): SegmentPiece[] {
    // Pieces of the source space decided alike (same outcome, same deciding rules) form one piece:
    // ranges are gathered per path and each set is built once (uniting set by set is quadratic).
    const groups = new Map<string, PieceGroup>();
    const groupOf = (values: Verdict<NsgRule>[]): PieceGroup => {
      const outcome = combineVerdicts(values).outcome;
      // A denial is told by the first layer that denies; a grant by every layer it crosses.
      const firstDeny = outcome === "deny" ? values.findIndex((v) => v.outcome === "deny") : -1;
      let k: string = outcome;
      for (let i = 0; i < values.length; i++) if (firstDeny < 0 || i === firstDeny) k += `|${verdictKey(values[i], layerNames[i])}`;
      let g = groups.get(k);
      if (!g) {
        const all = values.map((v, i) => stepOf(v, layerNames[i]));
        g = { outcome, layers: firstDeny < 0 ? all : [all[firstDeny]], key: k, v4: [], v6: [], tokens: TokenSet.NONE };
        groups.set(k, g);
      }
      return g;
    };
    for (const seg of intersectSegs(parts.map((p) => p.v4))) groupOf(seg.values).v4.push([seg.start, seg.end]);
    for (const seg of intersectSegs(parts.map((p) => p.v6))) groupOf(seg.values).v6.push([seg.start, seg.end]);
    const names = new Set<string>();
    for (const p of parts) for (const n of p.tokens.keys()) names.add(n);
    for (const n of names) {
      const g = groupOf(parts.map((p) => p.tokens.get(n) ?? p.rest));
      g.tokens = g.tokens.union(TokenSet.of(n));
    }
    const rest = groupOf(parts.map((p) => p.rest));
    rest.tokens = rest.tokens.union(TokenSet.ALL.subtract(TokenSet.of(...names)));
    const pieces: SegmentPiece[] = [];
    for (const g of groups.values()) {
      const sources = new SourceSet(interned(this.internedV4, V4, g.v4), interned(this.internedV6, V6, g.v6), g.tokens);
      if (!sources.isEmpty) pieces.push({ outcome: g.outcome, sources, layers: g.layers, key: g.key });
    }
    return pieces;
  }

  /** Splits the probe's range where some rule's port set starts or ends, so each piece is decided by the same rules. */
  private portSegments(layers: readonly Layer[], probe: Probe): (readonly [number, number])[] {
    if (probe.from === probe.to) return [[probe.from, probe.to]];
    const cuts = new Set<number>([probe.from]);
    for (const l of layers) for (const nsg of l.nsgs) for (const c of this.portIndexOf(nsg).cutsWithin(probe.from, probe.to)) cuts.add(c);
    const points = [...cuts].sort((a, b) => a - b);
    return points.map((p, i) => [p, i + 1 < points.length ? points[i + 1] - 1 : probe.to] as const);
  }

  private portIndexOf(nsg: Nsg): PortIndex {
    let idx = this.portIndexes.get(nsg);
    if (!idx) this.portIndexes.set(nsg, (idx = new PortIndex(nsg.rules)));
    return idx;
  }

  private defaultsOf(nsg: Nsg, direction: Direction): NsgRule[] {
    let mine = this.defaults.get(nsg);
    if (!mine) this.defaults.set(nsg, (mine = {}));
    return (mine[direction] ??= defaultRules(nsg, direction));
  }

  /** What the evaluation needs to know about the endpoint's network. */
  public contextOf(endpoint: Endpoint): EvalContext {
    const cached = this.contexts.get(endpoint);
    if (cached) return cached;
    const vnet = endpoint.subnet?.vnet;
    const space = this.vnetSpace(vnet, endpoint.subnet);
    const ctx: EvalContext = {
      vnetSources: space.sources,
      internetSources: this.internetSources(vnet, endpoint.subnet),
      vnetMaybe: this.vnetMaybeOf(space),
      destination: endpoint.destination,
      asgs: endpoint.nic?.asgs ?? new Set(),
      asgUnknown: endpoint.nic?.asgUnknown,
    };
    this.contexts.set(endpoint, ctx);
    return ctx;
  }

  /**
   * What the VirtualNetwork expansion may also hold when a value it depends on is not known before
   * apply: any address outside the known part (a route prefix from a variable may be 0.0.0.0/0), or,
   * when only peers are in doubt ({@link VnetSpace.maybe}), their ranges. One
   * object per space, so contexts of one subnet share it. A network outside the configuration adds
   * nothing here: its ranges are not this configuration's values, and an NSG that leaves
   * AllowVNetInBound in force is SDZ-NET-003's finding already.
   */
  private vnetMaybeOf(space: VnetSpace): EvalContext["vnetMaybe"] {
    if (space.unknown.length === 0 && !space.maybe) return undefined;
    let hit = this.vnetMaybes.get(space);
    if (!hit) {
      // An unknown value may put any address in the tag; doubtful peers only their own ranges.
      const sources = space.unknown.length > 0
        ? new SourceSet(space.sources.v4.complement(), space.sources.v6.complement(), TokenSet.NONE)
        : space.maybe!.sources;
      const doubt = `the VirtualNetwork tag may hold more than this configuration shows (${[...space.unknown, ...(space.maybe?.why ?? [])].join("; ")})`;
      hit = { sources, doubt, causes: space.unknown.length > 0 ? [...new Set(space.unknownAt)] : [] };
      this.vnetMaybes.set(space, hit);
    }
    return hit;
  }

  private nicEndpoint(nic: Nic, cfg: IpConfig, index: number): Endpoint {
    const dest = this.hostDestination(cfg.privateIp, cfg.subnet);
    const ipText = dest.kind === "host" ? ` (${dest.cidr.text})` : "";
    return {
      key: `${nic.resource.address}#${cfg.name ?? index}`, kind: "nic", resource: nic.resource, ipConfig: cfg, subnet: cfg.subnet,
      subnetUnknown: cfg.subnetUnknown ?? (cfg.subnet ? undefined : "subnet_id is missing"), destination: dest, vm: nic.vm, nic,
      label: `${nic.resource.address}${nic.ipConfigs.length > 1 ? ` ip_configuration "${cfg.name ?? index}"` : ""}${ipText}`,
    };
  }

  private hostDestination(ip: IpConfig["privateIp"], subnet: Subnet | undefined): Destination {
    if (ip.known && ip.value !== "dynamic") return { kind: "host", cidr: ip.value };
    if (ip.known && subnet?.prefixes.known) return { kind: "range", cidrs: subnet.prefixes.value };
    if (!ip.known) return { kind: "unknown", reason: `${ip.field}: ${ip.reason}` };
    return { kind: "unknown", reason: "a dynamic address in a subnet whose prefixes are not known" };
  }
}

/**
 * Answers kept per endpoint object and probe, the probe named by a number (no key string to build
 * and hash per question: rules ask many). A probe whose ports are not whole numbers in 0-65535 is
 * never kept.
 */
export class ProbeCache<T> {
  private readonly byEndpoint = new Map<Endpoint, Map<number, T>>();

  public get(endpoint: Endpoint, probe: Probe, direction: Direction = "Inbound"): T | undefined {
    const n = probeNumber(probe, direction);
    return n === undefined ? undefined : this.byEndpoint.get(endpoint)?.get(n);
  }

  public set(endpoint: Endpoint, probe: Probe, direction: Direction, value: T): void {
    const n = probeNumber(probe, direction);
    if (n === undefined) return;
    let mine = this.byEndpoint.get(endpoint);
    if (!mine) this.byEndpoint.set(endpoint, (mine = new Map()));
    mine.set(n, value);
  }
}

function probeNumber(probe: Probe, direction: Direction): number | undefined {
  const { from, to } = probe;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) return undefined;
  const p = probe.protocol === "Tcp" ? 0 : probe.protocol === "Udp" ? 1 : 2;
  return ((p * 2 + (direction === "Inbound" ? 0 : 1)) * 65536 + from) * 65536 + to;
}

/** The set of `ranges` (gathered in ascending order), as the one instance `cache` holds for its value. */
function interned<T extends number | bigint>(cache: Map<string, Intervals<T>>, domain: Domain<T>, ranges: [T, T][]): Intervals<T> {
  if (ranges.length === 0) return Intervals.empty(domain);
  let key = "";
  for (let i = 0; i < ranges.length; i++) key += `${ranges[i][0]}-${ranges[i][1]},`;
  let set = cache.get(key);
  if (!set) cache.set(key, (set = Intervals.of(domain, ranges)));
  return set;
}

/**
 * A stand-in for the rules of an NSG this configuration cannot see: it could deny anything, in any
 * place, so what the visible rules allow is uncertain. (What the unseen rules allow has no resource
 * here to report on.)
 */
function unknownRules(resource: TfResource, why: string): NsgRule {
  return standInRule({ id: -100, resource, name: "(rules not in this configuration)", inline: false, field: "rules", why, access: "Deny" });
}

/** A key that equal source sets share. */
function sourcesKey(s: SourceSet): string {
  return `${s.v4.starts.join(",")}/${s.v4.ends.join(",")}|${s.v6.starts.join(",")}/${s.v6.ends.join(",")}|${s.tokens.all ? "all-" : ""}${[...s.tokens.names].sort().join(",")}`;
}

/** The addresses of CIDR blocks as a source set. @internal */
export function cidrSources(cidrs: Cidr[]): SourceSet {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const c of cidrs) {
    if (c.family === 4) v4.push([c.start, c.end]);
    else v6.push([c.start, c.end]);
  }
  return new SourceSet(Intervals.of(V4, v4), Intervals.of(V6, v6), TokenSet.NONE);
}

function stepOf(l: Verdict<NsgRule>, layer: "subnet" | "nic"): LayerStep {
  return { layer, nsg: l.owner?.rule.nsg, rule: l.owner?.rule, doubt: l.doubt?.rule, doubtReasons: l.doubt?.doubts, note: l.note };
}

/** What names a layer's step on a path: the layer, the deciding rule, the doubting rule, the note. */
function verdictKey(l: Verdict<NsgRule>, layer: "subnet" | "nic"): string {
  return `${layer}:${l.owner?.rule.id ?? "-"}:${l.doubt?.rule.id ?? "-"}:${l.note ?? ""}`;
}

/** Pieces of one segment's decision gathered per path (see decideSegmentOnce). */
interface PieceGroup {
  readonly outcome: "allow" | "deny" | "uncertain";
  readonly layers: LayerStep[];
  readonly key: string;
  readonly v4: [number, number][];
  readonly v6: [bigint, bigint][];
  tokens: TokenSet;
}

/** `subnet "name" of azurerm_virtual_network.x` or `azurerm_subnet.x`. */
export function subnetLabel(s: Subnet): string {
  return s.inline ? `inline subnet "${s.name ?? "?"}" of ${s.resource.address}` : s.resource.address;
}

/**
 * Whether a subnet's NSG filters traffic to its private endpoints: azurerm 4.x
 * `private_endpoint_network_policies` on a standalone subnet or an inline `subnet` block ("Disabled"
 * by default; "Enabled" and "NetworkSecurityGroupEnabled" apply the NSG, "RouteTableEnabled" only
 * routes: learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy, "network
 * policies are disabled for a subnet ... for network security groups only, for user-defined routes
 * only, or for both"), or 3.x
 * `private_endpoint_network_policies_enabled`. A value not known before apply is reported as such.
 */
function privateEndpointPolicies(model: TerraformModel, subnet: Subnet): "enabled" | "disabled" | { unknown: string } {
  const body = subnet.inline
    ? model.blocks(subnet.resource, "subnet").find((b) => { const n = model.resolveString(b.name); return n.known && n.value === subnet.name; })
    : subnet.resource.config;
  if (!body) return { unknown: `the subnet block of ${subnetLabel(subnet)} cannot be found` };
  if (!isUnset(body.private_endpoint_network_policies)) {
    const v = model.resolveString(body.private_endpoint_network_policies);
    if (!v.known) return { unknown: describeUnknown({ field: "private_endpoint_network_policies", reason: v.reason }) };
    return ["enabled", "networksecuritygroupenabled"].includes(v.value.toLowerCase()) ? "enabled" : "disabled";
  }
  if (!isUnset(body.private_endpoint_network_policies_enabled)) {
    const old = model.resolveBoolean(body.private_endpoint_network_policies_enabled);
    if (!old.known) return { unknown: describeUnknown({ field: "private_endpoint_network_policies_enabled", reason: old.reason }) };
    return old.value ? "enabled" : "disabled";
  }
  return "disabled";
}

/** `azurecloud` or a regional form (`azurecloud.westeurope`), lower-cased as the topology keeps tags. */
export function isAzureCloudTag(tag: string): boolean {
  return tag === "azurecloud" || tag.startsWith("azurecloud.");
}

export { NON_PUBLIC_V4, parseCidr };
