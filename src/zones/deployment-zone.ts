import { createHash } from "crypto";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { DefaultTokenResolver, dependable, StringConcat, Token, Tokenization } from "cdktf";
import { Construct } from "constructs";
import { DeploymentNetwork } from "./deployment-network";
import { ALLOW_BAND, DENY_ALL_PRIORITY, DENY_BAND, ICMP_PRIORITY, PriorityAllocator, PrioritySlotOwner } from "./priority-allocator";
import { tagsOf } from "../contract/tag";
import { ZONE_TAG, ZoneTags } from "../contract/zone-tags";
import { cidrContains, parseCidr, tryParseCidr } from "../network/cidr";
import { attributeErrors, invalidProp, missingProp } from "../network/errors";
import { NSG_LIMITS } from "../network/limits";
import { IPeer, IZoneRef, Peer, PeerKind, requireNoHostBits } from "../network/peer";
import { RESERVED_SUBNET_NAMES } from "../network/platform-subnets";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";
import { abandonConstruct, buildOrAbandon } from "../network/uniqueness";
import {
  mergeTags, requireAzureName, requireBoolean, requireDefined, requireDerivedName, requireEnum, requireTags, requireText,
} from "../network/validators";

/**
 * What every zone takes, whatever its kind: the base of {@link DeploymentZoneProps} and of every
 * specialised zone's props (PXE, activation, identity, management, reference imaging).
 */
export interface ZoneOptions {
  /** The network the zone belongs to. */
  readonly network: DeploymentNetwork;
  /** The zone's subnet prefix (/29 or larger), inside the network address space and overlapping no other zone. */
  readonly addressPrefix: string;
  /**
   * Also deny all outbound traffic at priority 4096, so only flows opened with `allowOutbound` leave the zone.
   * `connectFrom`/`connectTo` open the outbound side here, and so do the service constructs
   * (KMS host, identity zone, state migration share and point, out-of-band runners) for a client
   * given as this zone or as a CIDR inside it (from that CIDR only); build the zone before them.
   * @default false
   */
  readonly denyAllOutbound?: boolean;
  /**
   * Allow ICMP from the network's address space at priority 4095, just before the deny-all, so the
   * zone stays default-deny without blocking ICMP wholesale (R-SEC-4: path MTU discovery and domain
   * controller location need ICMP). With `denyAllOutbound`, ICMP to the address space is allowed
   * outbound too. Deny narrower ICMP sources with `denyInbound` at a lower priority number, or allow
   * ICMP from further ranges (e.g. on-premises clients of a domain controller) with `allowInbound`.
   * Set to false only for a zone that must not answer ICMP at all; the checks then warn (SDZ-NET-004).
   * @default true
   */
  readonly allowIcmpFromNetwork?: boolean;
  /**
   * Extra tags for the zone's NSG (the zone tags are always set).
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
}

/** Properties of a {@link DeploymentZone}. */
export interface DeploymentZoneProps extends ZoneOptions {
  /**
   * Zone name; also the subnet name, and the NSG is `<zoneName>-nsg` (1-76 characters: letters,
   * digits, `.`, `-`, `_`, starting with a letter or digit and ending with a letter, digit or `_`).
   */
  readonly zoneName: string;
  /** How much the zone is trusted. */
  readonly trustLevel: TrustLevel;
}

/**
 * The base zone props of a specialised zone: its options, with the zone name and trust level it
 * decided. @internal
 */
export function zoneProps(options: ZoneOptions | undefined, zoneName: string, trustLevel: TrustLevel): DeploymentZoneProps {
  return {
    network: options?.network as DeploymentNetwork,
    addressPrefix: options?.addressPrefix as string,
    denyAllOutbound: options?.denyAllOutbound,
    allowIcmpFromNetwork: options?.allowIcmpFromNetwork,
    tags: options?.tags,
    zoneName,
    trustLevel,
  };
}

/** Options of one NSG rule. */
export interface ZoneRuleOptions {
  /**
   * Explicit priority (100-4095; keep to 100-999, below the automatic bands), unique per
   * direction in the zone.
   * @default - derived from the flow's intent: a hash-chosen slot in 1000-1999 for denies and
   * 2000-4094 for allows, stable when other flows are added or removed (see the class docs)
   */
  readonly priority?: number;
  /**
   * The other end of the flow, inside the zone: for inbound rules the destination, for outbound the source.
   * Narrow it to specific hosts (e.g. a domain controller's IP) whenever you can.
   * @default - the whole zone prefix
   */
  readonly local?: IPeer;
}

/** Which hosts of the two zones a {@link DeploymentZone.connectFrom} / `connectTo` flow joins. */
export interface ZoneConnectionOptions {
  /**
   * The sending hosts, inside the source zone (e.g. `Peer.ipv4("10.0.1.4/32")`).
   * @default - the whole source zone
   */
  readonly sourceHosts?: IPeer;
  /**
   * The receiving hosts, inside the destination zone.
   * @default - the whole destination zone
   */
  readonly destinationHosts?: IPeer;
}

/** Direction of a flow, seen from the zone. */
export enum FlowDirection {
  INBOUND = "Inbound",
  OUTBOUND = "Outbound",
}

/** A flow the zone allows or denies, recorded for reports and diagrams. */
export interface ZoneFlow {
  /** Direction seen from the zone. */
  readonly direction: FlowDirection;
  /** Allow or deny. */
  readonly access: string;
  /** The remote end. */
  readonly peer: IPeer;
  /** The local end inside the zone. */
  readonly local: IPeer;
  /** Protocol and ports. */
  readonly port: Port;
  /** Why the flow exists. */
  readonly description: string;
  /** NSG priority (current: an automatic priority may move when another flow lands on its slot). */
  readonly priority: number;
  /** The NSG rule resource. */
  readonly rule: NetworkSecurityRule;
}

/** A flow as the zone keeps it: its rule and priority live in the allocator's slot, which may move it. */
interface FlowRecord extends Omit<ZoneFlow, "priority" | "rule"> {
  readonly slot: RuleSlot;
  readonly allocator: PriorityAllocator;
}

/**
 * A segmented zone: one subnet, its own NSG (tagged with the zone name and trust level, see
 * {@link ZoneTags}), and an explicit deny-all inbound rule at priority 4096 so that Azure's default
 * `AllowVNetInBound` (65000) does not let every other subnet, peered VNet and VPN-connected range in.
 * By default ICMP from the network address space is allowed at priority 4095 (see `allowIcmpFromNetwork`).
 * Open flows with intent: `zone.allowInbound(Peer.zone(clients), Port.KMS, "KMS activation")`.
 *
 * Stable addresses: each flow's rule is named after its intent (direction, access, protocol,
 * ports, both ends), never after call order, so adding or removing a flow renames no other rule;
 * the same flow opened twice is one rule. Automatic priorities come from a hash of the intent inside
 * a band (denies 1000-1999, allows 2000-4094, so an automatic deny always shadows an automatic
 * allow); another rule's priority moves only when two intents hash into the same run of slots,
 * and then in place, ordered with `depends_on` so Azure never sees a duplicate priority.
 */
export class DeploymentZone extends Construct implements IZoneRef, IPeer {
  /** Zone name (the subnet name). */
  public readonly zoneName: string;
  /** The zone prefix. */
  public readonly addressPrefix: string;
  /** Trust level. */
  public readonly trustLevel: TrustLevel;
  /** As a peer: a zone (use the zone itself wherever a peer is expected, like `Peer.zone(zone)`). */
  public readonly kind: PeerKind = PeerKind.ZONE;
  /** As a peer: `zone <name>`. */
  public readonly label: string;
  /** As a peer: the zone prefix. */
  public readonly addressPrefixes: string[];
  /** Whether the zone denies all outbound traffic except the flows it opens (`denyAllOutbound`). */
  public readonly outboundDenied: boolean;
  /** The network. */
  public readonly network: DeploymentNetwork;
  /** The subnet. */
  public readonly subnet: Subnet;
  /** The zone's NSG. */
  public readonly networkSecurityGroup: NetworkSecurityGroup;
  /** The deny-all inbound rule at priority 4096. */
  public readonly denyAllInboundRule: NetworkSecurityRule;
  /** The inbound ICMP allow from the network address space at priority 4095, unless `allowIcmpFromNetwork` is false. */
  public readonly icmpInboundRule?: NetworkSecurityRule;

  private readonly inbound = new PriorityAllocator("inbound");
  private readonly outbound = new PriorityAllocator("outbound");
  private readonly flowList: FlowRecord[] = [];
  /** Provider attributes read once per zone, not per rule (each read creates a token and captures a stack trace). */
  private subnetIdRef?: string;
  private nsgNameRef?: string;
  /** Security rules created in the NSG (flows and the zone's own deny-all/ICMP rules): Azure caps them. */
  private ruleCount = 0;
  private readonly flowsByKey = new Map<string, FlowRecord>();

  constructor(scope: Construct, id: string, props: DeploymentZoneProps) {
    super(scope, id);
    // A refused zone gives back its prefix, name and NSG name and leaves the tree, so a caller may retry.
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => validateZoneProps(props, this)));
    this.zoneName = v.zoneName;
    this.addressPrefix = props.addressPrefix;
    this.trustLevel = v.trustLevel;
    this.label = `zone ${v.zoneName}`;
    this.addressPrefixes = [props.addressPrefix];
    this.outboundDenied = v.denyAllOutbound;
    this.network = props.network;
    const rg = props.network.resourceGroupName;

    this.subnet = new Subnet(this, "Subnet", {
      name: props.zoneName,
      resourceGroupName: rg,
      virtualNetworkName: props.network.virtualNetworkName,
      addressPrefixes: [props.addressPrefix],
      defaultOutboundAccessEnabled: false,
      privateEndpointNetworkPolicies: "Enabled",
    });

    this.networkSecurityGroup = new NetworkSecurityGroup(this, "Nsg", {
      name: `${props.zoneName}-nsg`,
      location: props.network.location,
      resourceGroupName: rg,
      tags: v.nsgTags,
    });

    new SubnetNetworkSecurityGroupAssociation(this, "NsgAssociation", {
      subnetId: this.subnetId,
      networkSecurityGroupId: this.networkSecurityGroup.id,
    });

    this.denyAllInboundRule = this.createRule("DenyAllInbound", {
      name: "deny-all-inbound",
      description: "Explicit deny-all: overrides Azure's AllowVNetInBound (65000)",
      priority: DENY_ALL_PRIORITY,
      direction: FlowDirection.INBOUND,
      access: "Deny",
      port: Port.allTraffic(),
      remote: Peer.anyIpv4(),
      local: Peer.anyIpv4(),
    });
    if (v.allowIcmpFromNetwork) {
      const vnet = Peer.ipv4List(props.network.addressSpace);
      this.icmpInboundRule = this.createRule("AllowIcmpInbound", {
        name: "allow-icmp-from-network",
        description: "ICMP from the VNet address space: path MTU discovery and domain controller location (R-SEC-4)",
        priority: this.inbound.reserve(ICMP_PRIORITY),
        direction: FlowDirection.INBOUND,
        access: "Allow",
        port: Port.icmp(),
        remote: vnet,
        local: Peer.zone(this),
      });
      if (v.denyAllOutbound) {
        this.createRule("AllowIcmpOutbound", {
          name: "allow-icmp-to-network",
          description: "ICMP to the VNet address space: path MTU discovery and domain controller location (R-SEC-4)",
          priority: this.outbound.reserve(ICMP_PRIORITY),
          direction: FlowDirection.OUTBOUND,
          access: "Allow",
          port: Port.icmp(),
          remote: vnet,
          local: Peer.zone(this),
        });
      }
    }
    if (v.denyAllOutbound) {
      this.createRule("DenyAllOutbound", {
        name: "deny-all-outbound",
        description: "Explicit deny-all outbound: only flows opened by the zone leave it",
        priority: DENY_ALL_PRIORITY,
        direction: FlowDirection.OUTBOUND,
        access: "Deny",
        port: Port.allTraffic(),
        remote: Peer.anyIpv4(),
        local: Peer.anyIpv4(),
      });
    }
  }

  /**
   * Undoes this zone after it was refused: it gives back its prefix, name and other claims and
   * leaves the tree. A specialised zone that refuses a prop after its base zone was built calls it
   * from its `catch`, then rethrows. @internal
   */
  public _abandon(): void {
    abandonConstruct(this);
  }

  /** The subnet ID. */
  public get subnetId(): string {
    return (this.subnetIdRef ??= this.subnet.id);
  }

  /** As a peer: the zone itself (optional only because `IPeer.zone` is). */
  public get zone(): IZoneRef | undefined {
    return this;
  }

  /**
   * Opens a flow from another zone into this one, on both sides when needed: the inbound allow
   * here, and, when the source zone denies all outbound traffic (`denyAllOutbound`), the matching
   * outbound allow there. Both are ordinary flows (deduplicated, stable addresses).
   * @param source the sending zone
   * @param port protocol and ports, e.g. `Port.KMS`
   * @param description why the flow exists
   * @returns the rules created or found: the inbound allow, then the outbound allow if any
   */
  public connectFrom(source: DeploymentZone, port: Port, description: string, options: ZoneConnectionOptions = {}): NetworkSecurityRule[] {
    return attributeErrors(this.node.path, () => this.connectFromChecked(source, port, description, options ?? {}));
  }

  private connectFromChecked(source: DeploymentZone, port: Port, description: string, options: ZoneConnectionOptions): NetworkSecurityRule[] {
    if (!(source instanceof DeploymentZone)) {
      throw invalidProp("source", (source as any)?.zoneName ?? source, "a DeploymentZone (for a peer that is not a zone, use allowInbound)");
    }
    const from = checkHostsIn("sourceHosts", options.sourceHosts, source);
    const to = checkHostsIn("destinationHosts", options.destinationHosts, this);
    const rules = [this.allowInbound(from ?? source, port, description, { local: to })];
    if (source.outboundDenied) rules.push(source.allowOutbound(to ?? this, port, description, { local: from }));
    return rules;
  }

  /**
   * Opens a flow from this zone to another one, on both sides when needed: the inbound allow
   * there, and the outbound allow here when this zone denies all outbound traffic. The same as
   * `destination.connectFrom(this, ...)`.
   * @returns the rules created or found: the inbound allow, then the outbound allow if any
   */
  public connectTo(destination: DeploymentZone, port: Port, description: string, options: ZoneConnectionOptions = {}): NetworkSecurityRule[] {
    if (!(destination instanceof DeploymentZone)) {
      throw invalidProp("destination", (destination as any)?.zoneName ?? destination, "a DeploymentZone (for a peer that is not a zone, use allowOutbound)");
    }
    return destination.connectFrom(this, port, description, options);
  }

  /** Flows opened or closed by this zone's rules, in creation order (the deny-all and default ICMP rules excluded). */
  public get flows(): ZoneFlow[] {
    return this.flowList.map(({ slot, allocator, ...f }) => ({ ...f, rule: slot.rule, priority: allocator.priorityOf(slot) }));
  }

  /**
   * Allows traffic from `peer` into the zone. Opening the same flow again returns the existing rule.
   */
  public allowInbound(peer: IPeer, port: Port, description: string, options: ZoneRuleOptions = {}): NetworkSecurityRule {
    return this.addFlow(FlowDirection.INBOUND, "Allow", peer, port, description, options);
  }

  /** Denies traffic from `peer` into the zone (takes precedence over later, higher-numbered allows). */
  public denyInbound(peer: IPeer, port: Port, description: string, options: ZoneRuleOptions = {}): NetworkSecurityRule {
    return this.addFlow(FlowDirection.INBOUND, "Deny", peer, port, description, options);
  }

  /** Allows traffic from the zone to `peer`. */
  public allowOutbound(peer: IPeer, port: Port, description: string, options: ZoneRuleOptions = {}): NetworkSecurityRule {
    return this.addFlow(FlowDirection.OUTBOUND, "Allow", peer, port, description, options);
  }

  /** Denies traffic from the zone to `peer`. */
  public denyOutbound(peer: IPeer, port: Port, description: string, options: ZoneRuleOptions = {}): NetworkSecurityRule {
    return this.addFlow(FlowDirection.OUTBOUND, "Deny", peer, port, description, options);
  }

  private addFlow(direction: FlowDirection, access: string, peer: IPeer, port: Port, description: string, options: ZoneRuleOptions): NetworkSecurityRule {
    return attributeErrors(this.node.path, () => this.addFlowChecked(direction, access, peer, port, description, options ?? {}));
  }

  private addFlowChecked(direction: FlowDirection, access: string, peer: IPeer, port: Port, text: string, options: ZoneRuleOptions): NetworkSecurityRule {
    checkPeer("peer", peer);
    if (!(port instanceof Port)) throw port === undefined ? missingProp("port", "a Port such as Port.KMS") : invalidProp("port", String(port), "a Port such as Port.KMS");
    // The NSG rule keeps the first 140 characters (Azure's limit); the flow keeps the whole sentence.
    const description = requireText("description", text, 1, FLOW_DESCRIPTION_MAX, "a sentence saying why the flow exists");
    if (options.local !== undefined) checkPeer("local", options.local);
    // A local end outside the zone's prefix makes a rule that never matches (the NSG sees only the
    // zone's traffic) and a flow that misreports it: addresses must lie in the zone, as for connectFrom.
    if (options.local?.kind === PeerKind.CIDRS || options.local?.kind === PeerKind.ZONE) checkHostsIn("local", options.local, this);
    const local = options.local ?? Peer.zone(this);
    const key = this.intentKey(direction, access, port, peer, local);
    const allocator = direction === FlowDirection.INBOUND ? this.inbound : this.outbound;
    const existing = this.flowsByKey.get(key);
    if (existing) {
      // The same flow twice is one rule: return it (its first description stays).
      const held = allocator.priorityOf(existing.slot);
      if (options.priority !== undefined && options.priority !== held) {
        throw invalidProp("priority", options.priority, `${held}, or no priority: the same flow (${describeFlow(direction, access, port, peer)}) already exists as rule ${existing.slot.rule.node.id} at priority ${held}`);
      }
      return existing.slot.rule;
    }
    if (this.ruleCount >= NSG_LIMITS.rulesPerNsgMax) {
      throw invalidProp("flows", `${this.ruleCount + 1} security rules in NSG ${this.zoneName}-nsg (${this.flowList.length + 1} flows and ${this.ruleCount - this.flowList.length} rules of the zone's own)`,
        `at most ${NSG_LIMITS.rulesPerNsgMax} security rules per NSG (Azure's limit); split the zone or merge flows (one flow may carry several prefixes or a port range)`);
    }
    const band = access === "Allow" ? ALLOW_BAND : DENY_BAND;
    if (options.priority !== undefined) allocator.checkExplicit(options.priority);
    else allocator.checkRoom(band);

    const { id, name } = ruleIdentity(direction, access, port, peer, key);
    const rule = this.createRule(id, { name, description, priority: band.from, direction, access, port, remote: peer, local });
    const slot = new RuleSlot(rule);
    if (options.priority !== undefined) allocator.addExplicit(key, slot, options.priority);
    else allocator.addAutomatic(key, slot, band);
    const record = { direction, access, peer, local, port, description, slot, allocator };
    this.flowsByKey.set(key, record);
    this.flowList.push(record);
    return rule;
  }

  /**
   * What a flow is, independent of call order and description: direction, access, protocol,
   * ports, and both ends' prefixes (sorted). Unresolved prefixes (a private endpoint's address
   * known after apply) are keyed by the reference they resolve to, never by a token's sequence number.
   */
  private intentKey(direction: FlowDirection, access: string, port: Port, peer: IPeer, local: IPeer): string {
    const prefixes = (p: IPeer) => Array.from(new Set(p.addressPrefixes.map((x) => (Token.isUnresolved(x) ? this.resolveReference(x) : x.trim()))))
      .sort().join(",");
    return [direction, access, port.protocol, port.portRange, prefixes(peer), prefixes(local)].join("|");
  }

  private resolveReference(value: string): string {
    return String(Tokenization.resolve(value, { scope: this, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) }));
  }

  private createRule(
    id: string,
    r: { name: string; description: string; priority: number; direction: FlowDirection; access: string; port: Port; remote: IPeer; local: IPeer },
  ): NetworkSecurityRule {
    const inbound = r.direction === FlowDirection.INBOUND;
    const source = inbound ? r.remote : r.local;
    const destination = inbound ? r.local : r.remote;
    this.ruleCount++;
    return new NetworkSecurityRule(this, id, {
      name: r.name,
      description: r.description.slice(0, NSG_LIMITS.descriptionMaxLength),
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.port.protocol,
      sourcePortRange: "*",
      destinationPortRange: r.port.portRange,
      ...addressFields("source", source),
      ...addressFields("destination", destination),
      resourceGroupName: this.network.resourceGroupName,
      networkSecurityGroupName: (this.nsgNameRef ??= this.networkSecurityGroup.name),
    });
  }
}

/** An NSG rule as the priority allocator sees it: it takes new priorities and waits for displaced rules. */
class RuleSlot implements PrioritySlotOwner {
  private managedDependencies: string[] = [];

  constructor(public readonly rule: NetworkSecurityRule) {}

  public setPriority(priority: number): void {
    this.rule.priority = priority;
  }

  public setPredecessors(owners: PrioritySlotOwner[]): void {
    // dependable() writes `type.name`; a resource's fqn would write "${type.name}", which Terraform
    // refuses in depends_on ("Invalid expression"): cdktf's own dependsOn config goes through it too.
    const mine = owners.map((o) => dependable((o as RuleSlot).rule));
    const others = (this.rule.dependsOn ?? []).filter((d) => !this.managedDependencies.includes(d));
    this.managedDependencies = mine;
    const all = [...others, ...mine];
    this.rule.dependsOn = all.length > 0 ? all : undefined;
  }
}

/** Validates a zone's props and registers its prefix with the network (which refuses overlaps). */
function validateZoneProps(props: DeploymentZoneProps, owner: Construct) {
  requireDefined("props", props, "the zone's props (network, zoneName, addressPrefix, trustLevel)");
  if (!(props.network instanceof DeploymentNetwork)) {
    throw props.network === undefined ? missingProp("network", "the DeploymentNetwork the zone belongs to") : invalidProp("network", String(props.network), "a DeploymentNetwork");
  }
  const zoneName = requireAzureName("zoneName", props.zoneName, "subnet");
  if (RESERVED_SUBNET_NAMES.includes(zoneName.toLowerCase())) {
    throw invalidProp("zoneName", zoneName, `a name other than Azure's reserved subnet names (${RESERVED_SUBNET_NAMES.join(", ")})`);
  }
  requireDerivedName("zoneName", zoneName, `${zoneName}-nsg`, "networkSecurityGroup");
  const trustLevel = requireEnum("trustLevel", props.trustLevel, TrustLevel);
  const denyAllOutbound = requireBoolean("denyAllOutbound", props.denyAllOutbound, false);
  const allowIcmpFromNetwork = requireBoolean("allowIcmpFromNetwork", props.allowIcmpFromNetwork, true);
  const own = tagsOf(ZONE_TAG.zone.entry(zoneName), ZONE_TAG.trust.entry(trustLevel));
  const nsgTags = mergeTags("tags", props.network.tags, requireTags("tags", props.tags), own);
  requireDefined("addressPrefix", props.addressPrefix, "the zone's IPv4 prefix, such as 10.20.1.0/24");
  // First: a name taken in this network is said so. The zone gets the prefix back if it is refused.
  props.network._registerSubnet(zoneName, props.addressPrefix, "addressPrefix", undefined, owner);
  props.network._claimName("zoneName", zoneName, "network security group", `${zoneName}-nsg`, owner);
  return { zoneName, trustLevel, denyAllOutbound, allowIcmpFromNetwork, nsgTags };
}

/** Longest flow description accepted (generated descriptions name long peer lists). */
const FLOW_DESCRIPTION_MAX = 2048;

/** Fails unless `peer` looks like a peer (kind and a non-empty list of prefixes). */
function checkPeer(prop: string, peer: IPeer): void {
  if (peer === undefined || peer === null) throw missingProp(prop, "a peer: Peer.ipv4, Peer.ipv4List, Peer.serviceTag, Peer.anyIpv4, or a zone");
  if (!Object.values(PeerKind).includes(peer.kind) || !Array.isArray(peer.addressPrefixes) || peer.addressPrefixes.length === 0
    || peer.addressPrefixes.some((p) => typeof p !== "string" || p.length === 0 || (!Token.isUnresolved(p) && p.trim() !== p))) {
    throw invalidProp(prop, (peer as IPeer).label ?? String(peer), "a peer from Peer.ipv4, Peer.ipv4List, Peer.serviceTag, Peer.anyIpv4, or a zone");
  }
  // A peer built by hand (not through Peer) gets the same check as Peer.ipv4: its prefixes go verbatim into the rule.
  if (peer.kind === PeerKind.CIDRS || peer.kind === PeerKind.ZONE) {
    for (const p of peer.addressPrefixes) {
      const block = Token.isUnresolved(p) ? undefined : tryParseCidr(p);
      if (block) requireNoHostBits(prop, block);
    }
  }
}

/** Fails unless every prefix of `hosts` lies inside `zone`; returns the hosts. */
function checkHostsIn(prop: string, hosts: IPeer | undefined, zone: DeploymentZone): IPeer | undefined {
  if (hosts === undefined) return undefined;
  const zoneBlock = parseCidr("zone.addressPrefix", zone.addressPrefix);
  if (hosts.kind !== PeerKind.CIDRS && hosts.kind !== PeerKind.ZONE) {
    throw invalidProp(prop, hosts.label, `specific hosts inside zone ${zone.zoneName} (${zone.addressPrefix})`);
  }
  for (const prefix of hosts.addressPrefixes) {
    if (Token.isUnresolved(prefix)) continue;
    const block = tryParseCidr(prefix);
    if (!block || !cidrContains(zoneBlock, block)) {
      throw invalidProp(prop, prefix, `hosts inside zone ${zone.zoneName} (${zone.addressPrefix})`);
    }
  }
  return hosts;
}

/** A short, readable label of a flow for messages. */
function describeFlow(direction: FlowDirection, access: string, port: Port, peer: IPeer): string {
  return `${access.toLowerCase()} ${direction.toLowerCase()} ${port.toString()} ${direction === FlowDirection.INBOUND ? "from" : "to"} ${peer.label}`;
}

/**
 * The construct ID and the Azure name of a flow's rule, derived from its intent: the same flow
 * always gets the same Terraform address and name (`name` forces a new rule when it changes), and
 * adding or removing another flow renames nothing. The readable part says what the rule does; the
 * hash of the full intent key keeps two flows with the same readable part apart. Azure rule names:
 * 1-80 characters, letters, digits, `_`, `.`, `-`, starting with a letter or digit and ending with
 * a letter, digit or `_` (learn.microsoft.com, "Naming rules and restrictions for Azure resources").
 */
function ruleIdentity(direction: FlowDirection, access: string, port: Port, peer: IPeer, key: string): { id: string; name: string } {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  const verb = access === "Allow" ? "allow" : "deny";
  const dir = direction === FlowDirection.INBOUND ? "in" : "out";
  const ports = port.portRange === "*" ? "any" : port.portRange;
  const what = `${port.protocol === "*" ? "all" : port.protocol.toLowerCase()}-${ports}`;
  const readable = slug(`${verb}-${dir}-${what}-${dir === "in" ? "from" : "to"}-${peer.label}`);
  const name = `${readable.slice(0, NSG_LIMITS.ruleNameMaxLength - hash.length - 1).replace(/[-_.]+$/, "")}-${hash}`;
  const id = `${verb === "allow" ? "Allow" : "Deny"}${dir === "in" ? "In" : "Out"}-${what}-${hash}`;
  return { id, name };
}

function addressFields(side: "source" | "destination", peer: IPeer): Record<string, unknown> {
  if (peer.kind === PeerKind.ANY || peer.kind === PeerKind.SERVICE_TAG || peer.addressPrefixes.length === 1) {
    return { [`${side}AddressPrefix`]: peer.addressPrefixes[0] };
  }
  return { [`${side}AddressPrefixes`]: peer.addressPrefixes };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
