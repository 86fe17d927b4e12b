import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { CidrBlock, cidrContains, cidrOverlaps, parseCidr, tryParseCidr } from "../network/cidr";
import { invalidProp, requireIntInRange } from "../network/errors";
import { RETENTION_LIMITS } from "../network/limits";

/** Traffic analytics for the VNet flow log. */
export interface TrafficAnalyticsOptions {
  /** Log Analytics workspace GUID (`workspace_id`). */
  readonly workspaceId: string;
  /** Region of the workspace. */
  readonly workspaceRegion: string;
  /** Azure resource ID of the workspace. */
  readonly workspaceResourceId: string;
  /**
   * Processing interval in minutes: 10 or 60.
   * @default 10
   */
  readonly intervalInMinutes?: number;
}

/** VNet flow logs (NSG flow logs can no longer be created on Azure, so the VNet is the target). */
export interface FlowLogOptions {
  /**
   * Network Watcher name. Azure creates one per region automatically.
   * @default `NetworkWatcher_<location>`
   */
  readonly networkWatcherName?: string;
  /**
   * Resource group of the Network Watcher.
   * @default "NetworkWatcherRG"
   */
  readonly networkWatcherResourceGroupName?: string;
  /**
   * Storage account that receives the flow logs. When omitted, a private storage account is created.
   * @default - a new storage account
   */
  readonly storageAccountId?: string;
  /**
   * Name of the storage account created when `storageAccountId` is omitted: 3-24 lowercase letters and digits.
   * @default - derived from the network name
   */
  readonly storageAccountName?: string;
  /**
   * Days to keep flow logs (1-365).
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Send flow logs to traffic analytics.
   * @default - no traffic analytics
   */
  readonly trafficAnalytics?: TrafficAnalyticsOptions;
}

/** Properties of a {@link DeploymentNetwork}. */
export interface DeploymentNetworkProps {
  /** Virtual network name (2-64 characters: letters, digits, `.`, `-`, `_`). */
  readonly name: string;
  /** Azure region, e.g. `westeurope`. */
  readonly location: string;
  /** The VNet address space: one or more non-overlapping IPv4 CIDR blocks. */
  readonly addressSpace: string[];
  /**
   * An existing resource group to deploy into.
   * @default - a resource group named `resourceGroupName` is created
   */
  readonly resourceGroup?: ResourceGroup;
  /**
   * Name of the resource group to create when `resourceGroup` is not given.
   * @default `<name>-rg`
   */
  readonly resourceGroupName?: string;
  /**
   * DNS servers for the VNet (e.g. the domain controllers' static IPs).
   * @default - Azure-provided DNS
   */
  readonly dnsServers?: string[];
  /**
   * Turn VNet flow logs off. Flow logs are the monitoring half of defense in depth (R-PXE-4); the
   * checks warn about zones without them.
   * @default false
   */
  readonly disableFlowLogs?: boolean;
  /**
   * Flow log settings.
   * @default - flow logs to a new private storage account, 90 days retention
   */
  readonly flowLogs?: FlowLogOptions;
  /**
   * Tags for every resource the network creates.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** A zone as the network's registry knows it. */
export interface RegisteredZone {
  /** Zone name. */
  readonly zoneName: string;
  /** Zone prefix. */
  readonly addressPrefix: string;
}

const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/**
 * The virtual network every deployment zone lives in: resource group, VNet, the registry that
 * keeps zones from overlapping, and VNet flow logs (on by default).
 */
export class DeploymentNetwork extends Construct {
  /** The resource group. */
  public readonly resourceGroup: ResourceGroup;
  /** The virtual network. */
  public readonly virtualNetwork: VirtualNetwork;
  /** The VNet flow log, unless disabled. */
  public readonly flowLog?: NetworkWatcherFlowLog;
  /** The storage account created for flow logs, if any. */
  public readonly flowLogStorageAccount?: StorageAccount;
  /** The virtual network's name. */
  public readonly networkName: string;
  /** Azure region. */
  public readonly location: string;
  /** The VNet address space. */
  public readonly addressSpace: string[];
  /** Tags applied to every resource. */
  public readonly tags: { [key: string]: string };

  private readonly spaceBlocks: CidrBlock[];
  private readonly zoneRegistry: { zoneName: string; addressPrefix: string; block: CidrBlock }[] = [];

  constructor(scope: Construct, id: string, props: DeploymentNetworkProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$/.test(props.name ?? "")) {
      throw invalidProp("name", props.name, "2-64 characters: letters, digits, '.', '-', '_', starting with a letter or digit");
    }
    if (!props.location || !/^[a-z0-9]+$/i.test(props.location)) {
      throw invalidProp("location", props.location, "an Azure region name such as westeurope");
    }
    if (!Array.isArray(props.addressSpace) || props.addressSpace.length === 0) {
      throw invalidProp("addressSpace", props.addressSpace, "a non-empty list of IPv4 CIDR blocks");
    }
    this.spaceBlocks = props.addressSpace.map((c, i) => {
      const b = parseCidr(`addressSpace[${i}]`, c, { requireNetworkAddress: true });
      if (b.family !== 4 || !c.includes("/")) throw invalidProp(`addressSpace[${i}]`, c, "an IPv4 CIDR block such as 10.20.0.0/16");
      return b;
    });
    this.spaceBlocks.forEach((a, i) => this.spaceBlocks.slice(i + 1).forEach((b) => {
      if (cidrOverlaps(a, b)) throw invalidProp("addressSpace", props.addressSpace, `non-overlapping CIDR blocks (${a.text} overlaps ${b.text})`);
    }));
    (props.dnsServers ?? []).forEach((d, i) => {
      const b = tryParseCidr(d);
      if (!b || b.family !== 4 || d.includes("/")) throw invalidProp(`dnsServers[${i}]`, d, "an IPv4 address such as 10.0.1.4");
    });

    this.networkName = props.name;
    this.location = props.location;
    this.addressSpace = [...props.addressSpace];
    this.tags = { ...(props.tags ?? {}) };

    this.resourceGroup = props.resourceGroup ?? new ResourceGroup(this, "ResourceGroup", {
      name: props.resourceGroupName ?? `${props.name}-rg`,
      location: props.location,
      tags: this.tags,
    });

    this.virtualNetwork = new VirtualNetwork(this, "VirtualNetwork", {
      name: props.name,
      location: props.location,
      resourceGroupName: this.resourceGroup.name,
      addressSpace: this.addressSpace,
      dnsServers: props.dnsServers,
      tags: this.tags,
    });

    if (props.disableFlowLogs && props.flowLogs) {
      throw invalidProp("flowLogs", props.flowLogs, "no flow log settings when disableFlowLogs is true");
    }
    if (!props.disableFlowLogs) {
      const fl = props.flowLogs ?? {};
      const retention = requireIntInRange("flowLogs.retentionDays", fl.retentionDays ?? RETENTION_LIMITS.flowLogDefaultDays, RETENTION_LIMITS.flowLogMinDays, RETENTION_LIMITS.flowLogMaxDays);
      let storageAccountId = fl.storageAccountId;
      if (!storageAccountId) {
        const accountName = fl.storageAccountName ?? defaultStorageName(props.name);
        if (!STORAGE_ACCOUNT_NAME.test(accountName)) {
          throw invalidProp("flowLogs.storageAccountName", accountName, "3-24 lowercase letters and digits");
        }
        this.flowLogStorageAccount = new StorageAccount(this, "FlowLogStorage", {
          name: accountName,
          location: props.location,
          resourceGroupName: this.resourceGroup.name,
          accountTier: "Standard",
          accountReplicationType: "LRS",
          minTlsVersion: "TLS1_2",
          httpsTrafficOnlyEnabled: true,
          allowNestedItemsToBePublic: false,
          // Network Watcher writes flow logs as a trusted Microsoft service: that exception only
          // applies to a public endpoint restricted to selected networks, so the endpoint stays
          // on with a default-deny firewall rather than being disabled outright.
          publicNetworkAccessEnabled: true,
          sharedAccessKeyEnabled: false,
          infrastructureEncryptionEnabled: true,
          networkRules: { defaultAction: "Deny", bypass: ["AzureServices", "Logging", "Metrics"] },
          tags: this.tags,
        });
        storageAccountId = this.flowLogStorageAccount.id;
      }
      const ta = fl.trafficAnalytics;
      if (ta && ![10, 60].includes(ta.intervalInMinutes ?? 10)) {
        throw invalidProp("flowLogs.trafficAnalytics.intervalInMinutes", ta.intervalInMinutes, "10 or 60");
      }
      if (ta) validateTrafficAnalytics(ta);
      if (fl.networkWatcherName !== undefined && !Token.isUnresolved(fl.networkWatcherName) && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_]$/.test(fl.networkWatcherName)) {
        throw invalidProp("flowLogs.networkWatcherName", fl.networkWatcherName, "1-80 characters: letters, digits, '.', '-', '_'");
      }
      if (fl.storageAccountId !== undefined && !Token.isUnresolved(fl.storageAccountId) && !AZURE_ID.test(fl.storageAccountId)) {
        throw invalidProp("flowLogs.storageAccountId", fl.storageAccountId, "an Azure resource ID (/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>) or a reference to a storage account");
      }
      this.flowLog = new NetworkWatcherFlowLog(this, "FlowLog", {
        name: `${props.name}-flowlog`,
        networkWatcherName: fl.networkWatcherName ?? `NetworkWatcher_${props.location}`,
        resourceGroupName: fl.networkWatcherResourceGroupName ?? "NetworkWatcherRG",
        targetResourceId: this.virtualNetwork.id,
        storageAccountId,
        enabled: true,
        version: 2,
        retentionPolicy: { enabled: true, days: retention },
        trafficAnalytics: ta ? {
          enabled: true,
          workspaceId: ta.workspaceId,
          workspaceRegion: ta.workspaceRegion,
          workspaceResourceId: ta.workspaceResourceId,
          intervalInMinutes: ta.intervalInMinutes ?? 10,
        } : undefined,
        tags: this.tags,
      });
    }
  }

  /** The resource group name. */
  public get resourceGroupName(): string {
    return this.resourceGroup.name;
  }

  /** Zones registered so far. */
  public get zones(): RegisteredZone[] {
    return this.zoneRegistry.map(({ zoneName, addressPrefix }) => ({ zoneName, addressPrefix }));
  }

  /**
   * Registers a zone's prefix: fails when the name is taken, the prefix is outside the address
   * space, or it overlaps another zone. Zone constructs call this; call it yourself for subnets
   * you add by hand (e.g. GatewaySubnet) so zones cannot overlap them.
   */
  public registerZone(zoneName: string, addressPrefix: string): void {
    const block = parseCidr("addressPrefix", addressPrefix, { requireNetworkAddress: true });
    if (block.family !== 4 || !addressPrefix.includes("/") || block.prefixLength > 29) {
      throw invalidProp("addressPrefix", addressPrefix, "an IPv4 CIDR block of /29 or larger (Azure's smallest subnet), such as 10.20.1.0/24");
    }
    if (this.zoneRegistry.some((z) => z.zoneName.toLowerCase() === zoneName.toLowerCase())) {
      throw invalidProp("zoneName", zoneName, `a zone name not already used in network ${this.networkName} (taken: ${this.zoneRegistry.map((z) => z.zoneName).join(", ")})`);
    }
    if (!this.spaceBlocks.some((s) => cidrContains(s, block))) {
      throw invalidProp("addressPrefix", addressPrefix, `a prefix inside the network address space ${this.addressSpace.join(", ")}`);
    }
    const clash = this.zoneRegistry.find((z) => cidrOverlaps(z.block, block));
    if (clash) {
      throw invalidProp("addressPrefix", addressPrefix, `a prefix that does not overlap zone ${clash.zoneName} (${clash.addressPrefix})`);
    }
    this.zoneRegistry.push({ zoneName, addressPrefix, block });
  }
}

const AZURE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validateTrafficAnalytics(ta: TrafficAnalyticsOptions): void {
  const p = "flowLogs.trafficAnalytics";
  if (!Token.isUnresolved(ta.workspaceId) && !GUID.test(ta.workspaceId ?? "")) {
    throw invalidProp(`${p}.workspaceId`, ta.workspaceId, "the Log Analytics workspace GUID (its workspace_id), or a reference to it");
  }
  if (!Token.isUnresolved(ta.workspaceRegion) && !/^[a-z0-9]+$/i.test(ta.workspaceRegion ?? "")) {
    throw invalidProp(`${p}.workspaceRegion`, ta.workspaceRegion, "an Azure region name such as westeurope");
  }
  if (!Token.isUnresolved(ta.workspaceResourceId) && !AZURE_ID.test(ta.workspaceResourceId ?? "")) {
    throw invalidProp(`${p}.workspaceResourceId`, ta.workspaceResourceId, "an Azure resource ID (/subscriptions/.../providers/Microsoft.OperationalInsights/workspaces/<name>), or a reference to it");
  }
}

function defaultStorageName(networkName: string): string {
  const base = networkName.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 14) || "sdz";
  let h = 0;
  for (const ch of networkName) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${base}fl${h.toString(36).slice(0, 6)}`.slice(0, 24).padEnd(3, "0");
}
