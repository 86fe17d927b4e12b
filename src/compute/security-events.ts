import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import { MonitorDataCollectionRuleAssociation } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../network/errors";
import { AZURE_NAMES, describeAzureName, isValidAzureName } from "../network/naming";
import { requireBoolean, requireResourceId } from "../network/validators";
import { DeploymentNetwork } from "../zones/deployment-network";

/**
 * Where a deployment server sends its Windows Security event log (R-SEC-8): the Azure Monitor
 * agent, a data collection rule collecting the Security log, and its association with the VM.
 */
export interface SecurityEventLogOptions {
  /**
   * Send the Security event log to Log Analytics. Turning it off leaves the server without
   * security event collection (the checks report it).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Resource ID of the Log Analytics workspace the events go to. Every server of one network
   * uses one data collection rule, so every server of a network names the same workspace.
   * @default - a workspace `<network name>-security` (90 days retention) created once per network
   */
  readonly workspaceResourceId?: string;
}

/** Days the default workspace keeps security events. */
const DEFAULT_RETENTION_DAYS = 90;

/** The id of the network's collection under the network (fixed: its addresses never depend on which server came first). */
const COLLECTION_ID = "SecurityEvents";

/**
 * The network-wide part: the workspace (when none is given) and one data collection rule. It is a
 * child of the network with a fixed id, so its addresses never depend on which server came first.
 */
class SecurityEventCollection extends Construct {
  public static of(network: DeploymentNetwork, workspaceResourceId: string | undefined): SecurityEventCollection {
    // Checked before anything is built, so a refused call leaves no half-made collection under the network.
    SecurityEventCollection.check(network, workspaceResourceId);
    return SecurityEventCollection.existing(network) ?? new SecurityEventCollection(network, workspaceResourceId);
  }

  /** Throws what {@link SecurityEventCollection.of} would refuse, building nothing. */
  public static check(network: DeploymentNetwork, workspaceResourceId: string | undefined): void {
    const existing = SecurityEventCollection.existing(network);
    if (!existing && workspaceResourceId === undefined) defaultWorkspaceName(network);
    if (existing && existing.requested !== workspaceResourceId) {
      throw invalidProp("securityEventLog.workspaceResourceId", workspaceResourceId ?? "(default workspace)",
        `the workspace the other servers of network ${network.networkName} use (${existing.requested ?? "the default workspace"}): one data collection rule per network`);
    }
  }

  /** The network's collection, once a server collects. */
  private static existing(network: DeploymentNetwork): SecurityEventCollection | undefined {
    return network.node.tryFindChild(COLLECTION_ID) as SecurityEventCollection | undefined;
  }

  public readonly rule: MonitorDataCollectionRule;
  public readonly workspace?: LogAnalyticsWorkspace;

  private constructor(network: DeploymentNetwork, private readonly requested: string | undefined) {
    super(network, COLLECTION_ID);
    if (requested === undefined) {
      this.workspace = new LogAnalyticsWorkspace(this, "Workspace", {
        name: defaultWorkspaceName(network),
        location: network.location,
        resourceGroupName: network.resourceGroupName,
        sku: "PerGB2018",
        retentionInDays: DEFAULT_RETENTION_DAYS,
        tags: network.tags,
      });
    }
    // The Security log as the SecurityEvent table: stream Microsoft-SecurityEvent, XPath "Security!*"
    // (learn.microsoft.com/azure/azure-monitor/agents/data-collection-windows-events;
    // registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/monitor_data_collection_rule).
    this.rule = new MonitorDataCollectionRule(this, "Rule", {
      name: `${network.networkName}-security-events`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      kind: "Windows",
      description: "Windows Security event log of the deployment servers (R-SEC-8)",
      dataSources: { windowsEventLog: [{ name: "security-log", streams: ["Microsoft-SecurityEvent"], xPathQueries: ["Security!*"] }] },
      destinations: { logAnalytics: [{ name: "security-workspace", workspaceResourceId: requested ?? this.workspace!.id }] },
      dataFlow: [{ streams: ["Microsoft-SecurityEvent"], destinations: ["security-workspace"] }],
      tags: network.tags,
    });
  }
}

/**
 * The default workspace's name, `<network name>-security`. A valid VNet name may hold `.` and `_`
 * and 64 characters, which a workspace name may not (see `AZURE_NAMES.logAnalyticsWorkspace`): such
 * a name is refused here, naming the prop that avoids it, rather than by azurerm at plan.
 */
function defaultWorkspaceName(network: DeploymentNetwork): string {
  const name = `${network.networkName}-security`;
  const rule = AZURE_NAMES.logAnalyticsWorkspace;
  if (Token.isUnresolved(name) || isValidAzureName(rule, name)) return name;
  throw invalidProp("securityEventLog.workspaceResourceId", "(default workspace)",
    `the resource ID of an existing Log Analytics workspace, or enabled: false: the default workspace would be named "${name}" after network ${network.networkName}, `
    + `which is not ${describeAzureName(rule)} (a network name of at most ${rule.max - "-security".length} letters, digits and '-' gives a valid one)`);
}

/** Validated options. @internal */
export function validateSecurityEventLog(prop: string, o: SecurityEventLogOptions | undefined): { enabled: boolean; workspaceResourceId?: string } {
  const enabled = requireBoolean(`${prop}.enabled`, o?.enabled, true);
  const workspaceResourceId = o?.workspaceResourceId === undefined ? undefined
    : requireResourceId(`${prop}.workspaceResourceId`, o.workspaceResourceId, "/subscriptions/.../providers/Microsoft.OperationalInsights/workspaces/<name>");
  return { enabled, workspaceResourceId };
}

/**
 * Throws what collecting a server's security events with `options` in `network` would refuse (a
 * malformed option, a default workspace name the network's name makes invalid, another workspace
 * than the network's rule uses), building nothing: a construct calls it before it builds its server,
 * so such a refusal leaves nothing half-built (no VM, NIC or claimed address). @internal
 */
export function checkSecurityEventLog(network: DeploymentNetwork, options: SecurityEventLogOptions | undefined): void {
  const o = validateSecurityEventLog("securityEventLog", options);
  if (o.enabled) SecurityEventCollection.check(network, o.workspaceResourceId);
}

/**
 * The per-server part: the Azure Monitor agent (publisher `Microsoft.Azure.Monitor`, type
 * `AzureMonitorWindowsAgent`, handler 1.0, automatic upgrade; it authenticates with the VM's
 * system-assigned identity) and the association of the network's rule with the VM
 * (learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-manage).
 * @internal
 */
export function collectSecurityEvents(scope: Construct, network: DeploymentNetwork, virtualMachineId: string, workspaceResourceId: string | undefined) {
  const collection = SecurityEventCollection.of(network, workspaceResourceId);
  const agent = new VirtualMachineExtension(scope, "MonitorAgent", {
    name: "AzureMonitorWindowsAgent",
    virtualMachineId,
    publisher: "Microsoft.Azure.Monitor",
    type: "AzureMonitorWindowsAgent",
    typeHandlerVersion: "1.0",
    autoUpgradeMinorVersion: true,
    automaticUpgradeEnabled: true,
  });
  const association = new MonitorDataCollectionRuleAssociation(scope, "SecurityEventsAssociation", {
    name: "security-events",
    targetResourceId: virtualMachineId,
    dataCollectionRuleId: collection.rule.id,
    description: "Windows Security event log to Log Analytics (R-SEC-8)",
  });
  return { agent, association, rule: collection.rule, workspace: collection.workspace };
}
