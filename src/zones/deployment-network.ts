import { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Construct, IConstruct } from "constructs";
import { CidrBlock, cidrContains, cidrOverlaps } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, requireIntInRange } from "../network/errors";
import { RETENTION_LIMITS } from "../network/limits";
import { abandonConstruct, claimFlowLogName, claimNameInGroup, claimUnique, onRelease, UniqueKind } from "../network/uniqueness";
import {
  requireAddressSpace, requireAzureName, requireBoolean, requireDefined, requireDerivedName, requireGuid, requireIpv4Address,
  requireIpv4Cidr, requireRegion, requireResourceGroupName, requireResourceId, requireTags,
} from "../network/validators";

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
  /**
   * Virtual network name (2-64 characters: letters, digits, `.`, `-`, `_`).
   *
   * The VNet flow log is named `<name>-flowlog` in the Network Watcher, which networks of one
   * region usually share (`NetworkWatcher_<location>` in `NetworkWatcherRG`): two networks there
   * need different names, whatever their resource groups.
   */
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

/** The network's props after validation. */
interface ValidNetworkProps {
  readonly name: string;
  readonly location: string;
  readonly spaceBlocks: CidrBlock[];
  readonly addressSpace: string[];
  readonly resourceGroupName?: string;
  readonly dnsServers?: string[];
  readonly tags: { [key: string]: string };
  readonly flowLogs?: ValidFlowLogs;
}

interface ValidFlowLogs {
  readonly retentionDays: number;
  readonly storageAccountId?: string;
  readonly storageAccountName?: string;
  readonly networkWatcherName: string;
  readonly networkWatcherResourceGroupName: string;
  readonly trafficAnalytics?: Required<TrafficAnalyticsOptions>;
}

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
  /**
   * The resource group name (a reference to the group). Read once: every read of a provider
   * attribute creates a new token with a stack-trace capture, and zones use it for every resource.
   */
  public readonly resourceGroupName: string;
  /** The VNet name, as a reference (read once, like `resourceGroupName`). */
  public readonly virtualNetworkName: string;
  /** The VNet ID, as a reference (read once). */
  public readonly virtualNetworkId: string;

  private readonly spaceBlocks: CidrBlock[];
  private readonly zoneNames = new Set<string>();
  private readonly zoneRegistry: { zoneName: string; addressPrefix: string; block: CidrBlock }[] = [];

  constructor(scope: Construct, id: string, props: DeploymentNetworkProps) {
    super(scope, id);
    try {
      const v = attributeErrors(this.node.path, () => validateNetworkProps(props));
      this.networkName = v.name;
      this.location = v.location;
      this.addressSpace = v.addressSpace;
      this.spaceBlocks = v.spaceBlocks;
      this.tags = v.tags;

      const nameProp = props.resourceGroupName !== undefined ? "resourceGroupName" : "name";
      if (!props.resourceGroup) {
        attributeErrors(this.node.path, () => claimUnique(this, nameProp, UniqueKind.RESOURCE_GROUP_NAME, v.resourceGroupName ?? `${v.name}-rg`));
      }
      this.resourceGroup = props.resourceGroup ?? new ResourceGroup(this, "ResourceGroup", {
        name: v.resourceGroupName ?? `${v.name}-rg`,
        location: v.location,
        tags: this.tags,
      });
      this.resourceGroupName = this.resourceGroup.name;
      attributeErrors(this.node.path, () => this._claimName("name", v.name, "virtual network", v.name));
      this.virtualNetwork = new VirtualNetwork(this, "VirtualNetwork", {
        name: v.name,
        location: v.location,
        resourceGroupName: this.resourceGroupName,
        addressSpace: this.addressSpace,
        dnsServers: v.dnsServers,
        tags: this.tags,
      });
      this.virtualNetworkName = this.virtualNetwork.name;
      this.virtualNetworkId = this.virtualNetwork.id;
      if (v.flowLogs) {
        const { flowLog, storageAccount } = attributeErrors(this.node.path, () => this.buildFlowLog(v.name, v.location, v.flowLogs!));
        this.flowLog = flowLog;
        this.flowLogStorageAccount = storageAccount;
      }
    } catch (e) {
      // A refused network gives back the names it claimed and leaves the tree (nothing it built is synthesized).
      abandonConstruct(this);
      throw e;
    }
  }

  private buildFlowLog(name: string, location: string, fl: ValidFlowLogs): { flowLog: NetworkWatcherFlowLog; storageAccount?: StorageAccount } {
    const flowLogName = `${name}-flowlog`;
    // Flow logs live in the Network Watcher (often the shared NetworkWatcherRG), not in this network's group.
    claimFlowLogName(this, "name", name, fl.networkWatcherResourceGroupName, fl.networkWatcherName, flowLogName);
    let storageAccount: StorageAccount | undefined;
    let storageAccountId = fl.storageAccountId;
    if (storageAccountId === undefined) {
      claimUnique(this, "flowLogs.storageAccountName", UniqueKind.STORAGE_ACCOUNT_NAME, fl.storageAccountName!);
      storageAccount = new StorageAccount(this, "FlowLogStorage", {
        name: fl.storageAccountName!,
        location,
        resourceGroupName: this.resourceGroupName,
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
      storageAccountId = storageAccount.id;
    }
    const ta = fl.trafficAnalytics;
    const flowLog = new NetworkWatcherFlowLog(this, "FlowLog", {
      name: flowLogName,
      networkWatcherName: fl.networkWatcherName,
      resourceGroupName: fl.networkWatcherResourceGroupName,
      targetResourceId: this.virtualNetworkId,
      storageAccountId,
      enabled: true,
      version: 2,
      retentionPolicy: { enabled: true, days: fl.retentionDays },
      trafficAnalytics: ta ? { enabled: true, ...ta } : undefined,
      tags: this.tags,
    });
    return { flowLog, storageAccount };
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
    this._registerSubnet(zoneName, addressPrefix, "addressPrefix");
  }

  /**
   * Claims the Azure name `name` of a `resourceType` resource `owner` creates in this network's
   * resource group (derived from the user's `prop` = `value`); fails when another construct of the
   * stack creates one of that name in the same group (another network sharing it); `hint` ends the error.
   * @internal
   */
  public _claimName(prop: string, value: unknown, resourceType: string, name: string, owner: IConstruct = this, hint?: string): void {
    claimNameInGroup(owner, prop, value, this.resourceGroup, resourceType, name, hint);
  }

  /**
   * {@link registerZone}, with the errors naming the caller's props: `prefixProp` for the prefix,
   * and `nameTaken` (when given) building the error for a name already registered. An `owner`
   * construct gets the name and prefix back when it is refused (see `abandonConstruct`).
   * @internal
   */
  public _registerSubnet(zoneName: string, addressPrefix: string, prefixProp: string, nameTaken?: () => Error, owner?: IConstruct): void {
    const allowed = "an IPv4 CIDR block of /29 or larger (Azure's smallest subnet), such as 10.20.1.0/24";
    const block = requireIpv4Cidr(prefixProp, addressPrefix, allowed);
    if (block.prefixLength > 29) throw invalidProp(prefixProp, addressPrefix, allowed);
    requireAzureName("zoneName", zoneName, "subnet");
    if (this.zoneNames.has(zoneName.toLowerCase())) {
      if (nameTaken) throw nameTaken();
      throw invalidProp("zoneName", zoneName, `a zone name not already used in network ${this.networkName} (taken: ${this.zoneRegistry.map((z) => z.zoneName).join(", ")})`,
        ConstructErrorCode.DUPLICATE_VALUE);
    }
    if (!this.spaceBlocks.some((s) => cidrContains(s, block))) {
      throw invalidProp(prefixProp, addressPrefix, `a prefix inside the network address space ${this.addressSpace.join(", ")}`);
    }
    const clash = this.zoneRegistry.find((z) => cidrOverlaps(z.block, block));
    if (clash) {
      throw invalidProp(prefixProp, addressPrefix, `a prefix that does not overlap zone ${clash.zoneName} (${clash.addressPrefix})`);
    }
    const entry = { zoneName, addressPrefix, block };
    this.zoneRegistry.push(entry);
    this.zoneNames.add(zoneName.toLowerCase());
    // Given back when the owner is refused (abandonConstruct), so a retry may take the name and prefix.
    if (owner) {
      onRelease(owner, () => {
        const i = this.zoneRegistry.indexOf(entry);
        if (i < 0) return;
        this.zoneRegistry.splice(i, 1);
        this.zoneNames.delete(zoneName.toLowerCase());
      });
    }
  }
}

function defaultStorageName(networkName: string): string {
  const base = networkName.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 14) || "sdz";
  let h = 0;
  for (const ch of networkName) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${base}fl${h.toString(36).slice(0, 6)}`.slice(0, 24).padEnd(3, "0");
}

/** Validates every prop before anything is built. */
function validateNetworkProps(props: DeploymentNetworkProps): ValidNetworkProps {
  requireDefined("props", props, "the network's props (name, location, addressSpace)");
  const name = requireAzureName("name", props.name, "virtualNetwork");
  const location = requireRegion("location", props.location);
  const spaceBlocks = requireAddressSpace("addressSpace", props.addressSpace);
  if (props.resourceGroup !== undefined && props.resourceGroupName !== undefined) {
    throw invalidProp("resourceGroupName", props.resourceGroupName, "nothing when resourceGroup is given (the existing group's name applies)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  const resourceGroupName = props.resourceGroupName === undefined
    ? requireDerivedName("name", name, `${name}-rg`, "resourceGroup")
    : requireResourceGroupName("resourceGroupName", props.resourceGroupName);
  if (props.dnsServers !== undefined && !Array.isArray(props.dnsServers)) throw invalidProp("dnsServers", props.dnsServers, "a list of IPv4 addresses");
  const dnsServers = props.dnsServers?.map((d, i) => requireIpv4Address(`dnsServers[${i}]`, d));
  const tags = requireTags("tags", props.tags);
  const disabled = requireBoolean("disableFlowLogs", props.disableFlowLogs, false);
  if (disabled && props.flowLogs) {
    throw invalidProp("flowLogs", props.flowLogs, "no flow log settings when disableFlowLogs is true", ConstructErrorCode.CONFLICTING_VALUE);
  }
  return {
    name, location, spaceBlocks, addressSpace: spaceBlocks.map((b) => b.text), dnsServers, tags,
    resourceGroupName: props.resourceGroup ? undefined : resourceGroupName,
    flowLogs: disabled ? undefined : validateFlowLogs(name, location, props.flowLogs ?? {}),
  };
}

function validateFlowLogs(networkName: string, location: string, fl: FlowLogOptions): ValidFlowLogs {
  const R = RETENTION_LIMITS;
  const retentionDays = requireIntInRange("flowLogs.retentionDays", fl.retentionDays ?? R.flowLogDefaultDays, R.flowLogMinDays, R.flowLogMaxDays);
  if (fl.storageAccountId !== undefined && fl.storageAccountName !== undefined) {
    throw invalidProp("flowLogs.storageAccountName", fl.storageAccountName, "nothing when storageAccountId is given (no account is created)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  const storageAccountId = fl.storageAccountId === undefined ? undefined
    : requireResourceId("flowLogs.storageAccountId", fl.storageAccountId, "/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>");
  const storageAccountName = storageAccountId !== undefined ? undefined
    : requireAzureName("flowLogs.storageAccountName", fl.storageAccountName ?? defaultStorageName(networkName), "storageAccount");
  const networkWatcherName = fl.networkWatcherName === undefined
    ? requireDerivedName("location", location, `NetworkWatcher_${location}`, "networkWatcher")
    : requireAzureName("flowLogs.networkWatcherName", fl.networkWatcherName, "networkWatcher");
  const networkWatcherResourceGroupName = requireResourceGroupName("flowLogs.networkWatcherResourceGroupName", fl.networkWatcherResourceGroupName ?? "NetworkWatcherRG");
  const ta = fl.trafficAnalytics;
  const p = "flowLogs.trafficAnalytics";
  const trafficAnalytics = ta === undefined ? undefined : {
    workspaceId: requireGuid(`${p}.workspaceId`, ta.workspaceId, "the Log Analytics workspace GUID (its workspace_id)"),
    workspaceRegion: requireRegion(`${p}.workspaceRegion`, ta.workspaceRegion),
    workspaceResourceId: requireResourceId(`${p}.workspaceResourceId`, ta.workspaceResourceId, "/subscriptions/.../providers/Microsoft.OperationalInsights/workspaces/<name>"),
    intervalInMinutes: requireOneOf(`${p}.intervalInMinutes`, ta.intervalInMinutes ?? 10, [10, 60]),
  };
  requireDerivedName("name", networkName, `${networkName}-flowlog`, "flowLog");
  return { retentionDays, storageAccountId, storageAccountName, networkWatcherName, networkWatcherResourceGroupName, trafficAnalytics };
}

function requireOneOf(prop: string, value: number, allowed: number[]): number {
  if (!allowed.includes(value)) throw invalidProp(prop, value, allowed.join(" or "));
  return value;
}
