/**
 * Azure's naming rules for the resources the constructs create, from learn.microsoft.com,
 * "Naming rules and restrictions for Azure resources" (azure-resource-manager/management/
 * resource-name-rules), plus the Windows computer-name limit for VMs. One entry per resource type;
 * constructs validate every name they write against it, including names they derive
 * (`<zoneName>-nsg`, `<tunnelName>-connection`...). @internal
 */

/** One resource type's rule. @internal */
export interface AzureNameRule {
  /** What the name is, for messages. */
  readonly what: string;
  readonly min: number;
  readonly max: number;
  /** The whole-name pattern (length excluded). */
  readonly pattern: RegExp;
  /** The allowed characters and shape, in words. */
  readonly shape: string;
}

/** Alphanumerics, `_`, `.`, `-`; start with an alphanumeric; end with an alphanumeric or `_` (most Microsoft.Network types). */
const NETWORK_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/;
const NETWORK_SHAPE = "letters, digits, '_', '.', '-'; starting with a letter or digit and ending with a letter, digit or '_'";

function network(what: string, min: number, max: number): AzureNameRule {
  return { what, min, max, pattern: NETWORK_NAME, shape: NETWORK_SHAPE };
}

/** @internal */
export const AZURE_NAMES = {
  // Microsoft.Resources
  resourceGroup: {
    what: "resource group name", min: 1, max: 90,
    // Letters (Unicode letters too), digits, '_', '(', ')', '-', '.'; cannot end with '.'.
    pattern: /^[\p{L}\p{N}_().-]*[\p{L}\p{N}_()-]$/u,
    shape: "letters, digits, '_', '(', ')', '-', '.'; not ending with '.'",
  },
  // Microsoft.Network
  virtualNetwork: network("virtual network name", 2, 64),
  subnet: network("subnet name", 1, 80),
  networkSecurityGroup: network("network security group name", 1, 80),
  securityRule: network("security rule name", 1, 80),
  networkInterface: network("network interface name", 1, 80),
  publicIp: network("public IP address name", 1, 80),
  localNetworkGateway: network("local network gateway name", 1, 80),
  connection: network("connection name", 1, 80),
  virtualNetworkGateway: network("virtual network gateway name", 1, 80),
  firewall: network("firewall name", 1, 80),
  firewallPolicy: network("firewall policy name", 1, 80),
  ipGroup: network("IP group name", 1, 80),
  privateEndpoint: network("private endpoint name", 2, 64),
  networkWatcher: network("network watcher name", 1, 80),
  flowLog: network("flow log name", 1, 80),
  // Microsoft.Compute
  managedDisk: { what: "managed disk name", min: 1, max: 80, pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/, shape: NETWORK_SHAPE },
  windowsVm: {
    // Azure allows 1-15 for Windows VMs; the computer name takes the same value (NetBIOS limit).
    what: "Windows VM name", min: 1, max: 15, pattern: /^(?!\d+$)[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    shape: "letters, digits and '-'; not only digits; not starting or ending with '-'",
  },
  // Microsoft.Storage
  storageAccount: { what: "storage account name", min: 3, max: 24, pattern: /^[a-z0-9]+$/, shape: "lowercase letters and digits" },
  fileShare: {
    what: "file share name", min: 3, max: 63, pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    shape: "lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
  },
  // Microsoft.KeyVault
  keyVault: {
    what: "Key Vault name", min: 3, max: 24, pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    shape: "letters, digits and '-'; starting with a letter, ending with a letter or digit, no '--'",
  },
  keyVaultObject: { what: "Key Vault certificate or secret name", min: 1, max: 127, pattern: /^[a-zA-Z0-9-]+$/, shape: "letters, digits and '-'" },
  // Microsoft.OperationalInsights: workspaces, 4-63, alphanumerics and hyphens, starting and ending
  // with an alphanumeric (resource-name-rules); azurerm checks the same before any API call
  // (internal/services/loganalytics/validate/log_analytics_workspace_name.go).
  logAnalyticsWorkspace: {
    what: "Log Analytics workspace name", min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/,
    shape: "letters, digits and '-', starting and ending with a letter or digit",
  },
  // Microsoft.RecoveryServices
  recoveryServicesVault: {
    what: "Recovery Services vault name", min: 2, max: 50, pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
    shape: "letters, digits and '-', starting with a letter",
  },
  // azurerm validates backup policy names itself (validate.BackupPolicyName: ^[a-zA-Z][-\da-zA-Z]{2,149}$).
  backupPolicy: {
    what: "backup policy name", min: 3, max: 150, pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
    shape: "letters, digits and '-', starting with a letter",
  },
} as const;

/** @internal */
export type AzureNameKind = keyof typeof AZURE_NAMES;

/** Whether `name` satisfies `rule`. @internal */
export function isValidAzureName(rule: AzureNameRule, name: string): boolean {
  return typeof name === "string" && name.length >= rule.min && name.length <= rule.max && rule.pattern.test(name);
}

/** `min-max characters: shape`. @internal */
export function describeAzureName(rule: AzureNameRule): string {
  return `a ${rule.what} of ${rule.min === rule.max ? rule.min : `${rule.min}-${rule.max}`} characters: ${rule.shape}`;
}
