import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { Construct } from "constructs";
import { DeploymentNetwork } from "./deployment-network";
import { DENY_ALL_PRIORITY, ICMP_PRIORITY, PriorityAllocator } from "./priority-allocator";
import { tagsOf } from "../contract/tag";
import { ZONE_TAG, ZoneTags } from "../contract/zone-tags";
import { invalidProp } from "../network/errors";
import { IPeer, IZoneRef, Peer, PeerKind } from "../network/peer";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";

/** Subnet names Azure reserves for its own services; a zone cannot take them. */
const RESERVED_SUBNET_NAMES = ["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "azurebastionsubnet", "routeserversubnet"];

/** Properties of a {@link DeploymentZone}. */
export interface DeploymentZoneProps {
  /** The network the zone belongs to. */
  readonly network: DeploymentNetwork;
  /** Zone name; also the subnet name (1-80 characters: letters, digits, `.`, `-`, `_`). */
  readonly zoneName: string;
  /** The zone's subnet prefix, inside the network address space and overlapping no other zone. */
  readonly addressPrefix: string;
  /** How much the zone is trusted. */
  readonly trustLevel: TrustLevel;
  /**
   * Also deny all outbound traffic at priority 4096, so only flows opened with `allowOutbound` leave the zone.
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

/** Options of one NSG rule. */
export interface ZoneRuleOptions {
  /**
   * Explicit priority (100-4095), unique per direction in the zone.
   * @default - the next free priority, counting up from 100 in steps of 10
   */
  readonly priority?: number;
  /**
   * The other end of the flow, inside the zone: for inbound rules the destination, for outbound the source.
   * Narrow it to specific hosts (e.g. a domain controller's IP) whenever you can.
   * @default - the whole zone prefix
   */
  readonly local?: IPeer;
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
  /** NSG priority. */
  readonly priority: number;
  /** The NSG rule resource. */
  readonly rule: NetworkSecurityRule;
}

/**
 * A segmented zone: one subnet, its own NSG (tagged with the zone name and trust level, see
 * {@link ZoneTags}), and an explicit deny-all inbound rule at priority 4096 so that Azure's default
 * `AllowVNetInBound` (65000) does not let every other subnet, peered VNet and VPN-connected range in.
 * By default ICMP from the network address space is allowed at priority 4095 (see `allowIcmpFromNetwork`).
 * Open flows with intent: `zone.allowInbound(Peer.zone(clients), Port.tcp(1688), "KMS activation")`.
 */
export class DeploymentZone extends Construct implements IZoneRef {
  /** Zone name (the subnet name). */
  public readonly zoneName: string;
  /** The zone prefix. */
  public readonly addressPrefix: string;
  /** Trust level. */
  public readonly trustLevel: TrustLevel;
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
  private readonly flowList: ZoneFlow[] = [];

  constructor(scope: Construct, id: string, props: DeploymentZoneProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/.test(props.zoneName ?? "")) {
      throw invalidProp("zoneName", props.zoneName, "1-80 characters: letters, digits, '.', '-', '_', starting with a letter or digit");
    }
    if (RESERVED_SUBNET_NAMES.includes(props.zoneName.toLowerCase())) {
      throw invalidProp("zoneName", props.zoneName, `a name other than Azure's reserved subnet names (${RESERVED_SUBNET_NAMES.join(", ")})`);
    }
    if (props.allowIcmpFromNetwork !== undefined && typeof props.allowIcmpFromNetwork !== "boolean") {
      throw invalidProp("allowIcmpFromNetwork", props.allowIcmpFromNetwork, "true or false");
    }
    if (!Object.values(TrustLevel).includes(props.trustLevel)) {
      throw invalidProp("trustLevel", props.trustLevel, Object.values(TrustLevel).join(", "));
    }
    props.network.registerZone(props.zoneName, props.addressPrefix);

    this.zoneName = props.zoneName;
    this.addressPrefix = props.addressPrefix;
    this.trustLevel = props.trustLevel;
    this.network = props.network;
    const rg = props.network.resourceGroupName;

    this.subnet = new Subnet(this, "Subnet", {
      name: props.zoneName,
      resourceGroupName: rg,
      virtualNetworkName: props.network.virtualNetwork.name,
      addressPrefixes: [props.addressPrefix],
      defaultOutboundAccessEnabled: false,
      privateEndpointNetworkPolicies: "Enabled",
    });

    this.networkSecurityGroup = new NetworkSecurityGroup(this, "Nsg", {
      name: `${props.zoneName}-nsg`,
      location: props.network.location,
      resourceGroupName: rg,
      tags: {
        ...props.network.tags,
        ...(props.tags ?? {}),
        ...tagsOf(ZONE_TAG.zone.entry(props.zoneName), ZONE_TAG.trust.entry(props.trustLevel)),
      },
    });

    new SubnetNetworkSecurityGroupAssociation(this, "NsgAssociation", {
      subnetId: this.subnet.id,
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
    if (props.allowIcmpFromNetwork !== false) {
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
      if (props.denyAllOutbound) {
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
    if (props.denyAllOutbound) {
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

  /** The subnet ID. */
  public get subnetId(): string {
    return this.subnet.id;
  }

  /** Flows opened or closed by this zone's rules, in creation order (the deny-all and default ICMP rules excluded). */
  public get flows(): ZoneFlow[] {
    return [...this.flowList];
  }

  /** Allows traffic from `peer` into the zone. */
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
    if (!description || description.trim().length === 0) {
      throw invalidProp("description", description, "a non-empty sentence saying why the flow exists");
    }
    const priority = (direction === FlowDirection.INBOUND ? this.inbound : this.outbound).allocate(options.priority);
    const local = options.local ?? Peer.zone(this);
    const verb = access === "Allow" ? "allow" : "deny";
    const name = `${verb}-${direction === FlowDirection.INBOUND ? "in" : "out"}-${priority}-${slug(description)}`.slice(0, 80).replace(/[-_.]+$/, "");
    const rule = this.createRule(`${direction}${priority}`, { name, description, priority, direction, access, port, remote: peer, local });
    this.flowList.push({ direction, access, peer, local, port, description, priority, rule });
    return rule;
  }

  private createRule(
    id: string,
    r: { name: string; description: string; priority: number; direction: FlowDirection; access: string; port: Port; remote: IPeer; local: IPeer },
  ): NetworkSecurityRule {
    const inbound = r.direction === FlowDirection.INBOUND;
    const source = inbound ? r.remote : r.local;
    const destination = inbound ? r.local : r.remote;
    return new NetworkSecurityRule(this, id, {
      name: r.name,
      description: r.description.slice(0, 140),
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.port.protocol,
      sourcePortRange: "*",
      destinationPortRange: r.port.portRange,
      ...addressFields("source", source),
      ...addressFields("destination", destination),
      resourceGroupName: this.network.resourceGroupName,
      networkSecurityGroupName: this.networkSecurityGroup.name,
    });
  }
}

function addressFields(side: "source" | "destination", peer: IPeer): Record<string, unknown> {
  if (peer.kind === PeerKind.ANY || peer.kind === PeerKind.SERVICE_TAG || peer.addressPrefixes.length === 1) {
    return { [`${side}AddressPrefix`]: peer.addressPrefixes[0] };
  }
  return { [`${side}AddressPrefixes`]: peer.addressPrefixes };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
}
