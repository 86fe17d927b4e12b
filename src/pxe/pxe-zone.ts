import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { Construct } from "constructs";
import { CidrBlock, cidrOverlaps, isAnyAddress, parseCidr } from "../network/cidr";
import { attributeErrors, childPath, ConstructErrorCode, invalidProp, missingProp, requireIntInRange } from "../network/errors";
import { RETENTION_LIMITS } from "../network/limits";
import { Peer, IPeer } from "../network/peer";
import { TrustLevel } from "../network/trust-level";
import { claimFlowLogName } from "../network/uniqueness";
import { requireDefined, requireDerivedName, requireIpv4Address, requireIpv4Cidr, requireResourceId, requireTrustedZoneLevel } from "../network/validators";
import { DeploymentZone, ZoneOptions, zoneProps } from "../zones/deployment-zone";

/** Properties of a {@link PxeZone}. */
export interface PxeZoneProps extends ZoneOptions {
  /** Zone name; also the subnet name. */
  readonly zoneName: string;
  /**
   * Trust level of the zone: INTERNAL or MANAGEMENT. A PXE zone in a perimeter or untrusted
   * network is refused (R-PXE-1).
   * @default TrustLevel.INTERNAL
   */
  readonly trustLevel?: TrustLevel;
  /**
   * The on-premises provisioning client segments (VLANs) this zone serves, as IPv4 CIDR blocks
   * reached over the site-to-site tunnel. PXE, TFTP and content flows are opened from these and
   * from `relayAgents` only (R-PXE-3). They must lie outside the Azure network's address space and
   * be /8 or narrower.
   */
  readonly clientSegments: string[];
  /**
   * The IPv4 addresses of the DHCP relay agents (router "IP helper" interfaces) that forward the
   * clients' DHCP/PXE requests to the distribution point. Azure VNets carry no broadcast, so PXE
   * clients can only reach a distribution point in Azure through a relay.
   */
  readonly relayAgents: string[];
  /**
   * Storage account that receives the zone's flow log when the network has flow logs disabled.
   * When the network already writes a VNet flow log (its default), this is not needed.
   * @default - the network's VNet flow log; required when the network has none (R-PXE-4)
   */
  readonly flowLogStorageAccountId?: string;
  /**
   * Days to keep the zone's own flow log (only used when the zone creates one).
   * @default 90
   */
  readonly flowLogRetentionDays?: number;
}

/**
 * A segmented zone for PXE distribution points: the Azure half of a hybrid PXE network.
 *
 * Azure virtual networks carry no broadcast and no multicast, and a DHCP server inside a VNet is
 * reachable only through a DHCP relay. PXE clients therefore never sit in Azure: they boot in
 * on-premises client segments (VLANs, declared here as CIDRs reached over the site-to-site
 * tunnel) whose routers relay DHCP/PXE (IP helper) to a distribution point hosted in this
 * dedicated zone. Multicast deployment cannot work across this path and is refused.
 *
 * The zone is at least INTERNAL trust (R-PXE-1), denies all other inbound traffic at priority
 * 4096 (so Azure's `AllowVNetInBound` does not let other subnets or VPN ranges in), and is covered
 * by a flow log (R-PXE-4): the network's VNet flow log, or one of its own on the subnet. Each
 * {@link PxeDistributionPoint} added to it opens DHCP/BINL, TFTP and content ports to its own
 * address, from the client segments and relay agents only (R-PXE-3).
 */
export class PxeZone extends DeploymentZone {
  /** The on-premises client segments served. */
  public readonly clientSegments: string[];
  /** The DHCP relay agent addresses. */
  public readonly relayAgents: string[];
  /** The zone's own subnet flow log, when the network has no VNet flow log. */
  public readonly flowLog?: NetworkWatcherFlowLog;

  constructor(scope: Construct, id: string, props: PxeZoneProps) {
    const v = attributeErrors(childPath(scope, id), () => validatePxeZoneProps(props));
    super(scope, id, zoneProps(props, props.zoneName, v.trust));
    this.clientSegments = v.clientSegments;
    this.relayAgents = v.relayAgents;
    if (v.flowLog) {
      const name = `${props.zoneName}-flowlog`;
      const watcher = `NetworkWatcher_${props.network.location}`;
      try {
        // Unique per Network Watcher: another network's VNet flow log or zone flow log may take the name.
        attributeErrors(this.node.path, () => claimFlowLogName(this, "zoneName", props.zoneName, "NetworkWatcherRG", watcher, name));
      } catch (e) {
        this._abandon();
        throw e;
      }
      this.flowLog = new NetworkWatcherFlowLog(this, "FlowLog", {
        name,
        networkWatcherName: watcher,
        resourceGroupName: "NetworkWatcherRG",
        targetResourceId: this.subnetId,
        storageAccountId: v.flowLog.storageAccountId,
        enabled: true,
        version: 2,
        retentionPolicy: { enabled: true, days: v.flowLog.retentionDays },
        tags: props.network.tags,
      });
    }
  }

  /** The peer PXE flows are allowed from: the client segments and the relay agents. */
  public get pxeClientPeer(): IPeer {
    return Peer.ipv4List([...this.clientSegments, ...this.relayAgents]);
  }
}

/** Validates the props before the zone is built. */
function validatePxeZoneProps(props: PxeZoneProps) {
  requireDefined("props", props, "the PXE zone's props (network, zoneName, addressPrefix, clientSegments, relayAgents)");
  const trust = requireTrustedZoneLevel(props.trustLevel,
    "PXE-enabled distribution points belong only on secure, segmented networks, never in a perimeter or untrusted zone (R-PXE-1)");
  const space = (props.network?.addressSpace ?? []).map((c) => parseCidr("network.addressSpace", c));
  const segmentsAllowed = "a non-empty list of IPv4 CIDR blocks of the on-premises provisioning client segments";
  requireDefined("clientSegments", props.clientSegments, segmentsAllowed);
  if (!Array.isArray(props.clientSegments) || props.clientSegments.length === 0) {
    throw invalidProp("clientSegments", props.clientSegments, segmentsAllowed);
  }
  const seen: CidrBlock[] = [];
  props.clientSegments.forEach((c, i) => {
    const block = requireIpv4Cidr(`clientSegments[${i}]`, c);
    if (isAnyAddress(block) || block.prefixLength < 8) {
      throw invalidProp(`clientSegments[${i}]`, c, "an IPv4 CIDR block of /8 or narrower (never 0.0.0.0/0): PXE is allowed only from the provisioning client segments (R-PXE-3)");
    }
    const inAzure = space.find((s) => cidrOverlaps(s, block));
    if (inAzure) {
      throw invalidProp(`clientSegments[${i}]`, c,
        `an on-premises range outside the Azure network's address space (it overlaps ${inAzure.text}): Azure VNets carry no broadcast, so PXE clients cannot boot inside Azure`);
    }
    const dup = seen.find((s) => cidrOverlaps(s, block));
    if (dup) throw invalidProp(`clientSegments[${i}]`, c, `a segment that does not overlap another listed segment (${dup.text})`);
    seen.push(block);
  });
  const relaysAllowed = "a non-empty list of DHCP relay agent (IP helper) IPv4 addresses: Azure VNets carry no broadcast, so clients reach the distribution point only through a relay";
  requireDefined("relayAgents", props.relayAgents, relaysAllowed);
  if (!Array.isArray(props.relayAgents) || props.relayAgents.length === 0) throw invalidProp("relayAgents", props.relayAgents, relaysAllowed);
  props.relayAgents.forEach((a, i) => {
    requireIpv4Address(`relayAgents[${i}]`, a, "one IPv4 address (a relay agent interface), such as 192.168.10.1");
  });
  let flowLog: { storageAccountId: string; retentionDays: number } | undefined;
  if (props.network && !props.network.flowLog) {
    if (props.flowLogStorageAccountId === undefined) {
      throw missingProp("flowLogStorageAccountId",
        `a storage account ID for the zone's flow log: network ${props.network.node.path} has flow logs disabled, and a PXE segment must be monitored (R-PXE-4)`);
    }
    const R = RETENTION_LIMITS;
    flowLog = {
      storageAccountId: requireResourceId("flowLogStorageAccountId", props.flowLogStorageAccountId, "/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>"),
      retentionDays: requireIntInRange("flowLogRetentionDays", props.flowLogRetentionDays ?? R.flowLogDefaultDays, R.flowLogMinDays, R.flowLogMaxDays),
    };
    requireDerivedName("zoneName", props.zoneName, `${props.zoneName}-flowlog`, "flowLog");
  } else if (props.flowLogStorageAccountId !== undefined || props.flowLogRetentionDays !== undefined) {
    throw invalidProp(props.flowLogStorageAccountId !== undefined ? "flowLogStorageAccountId" : "flowLogRetentionDays",
      props.flowLogStorageAccountId ?? props.flowLogRetentionDays,
      "nothing: the network's VNet flow log already covers this zone (set the network's flowLogs options instead)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  return { trust, clientSegments: [...props.clientSegments], relayAgents: [...props.relayAgents], flowLog };
}
