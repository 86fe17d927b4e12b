import { BackupContainerStorageAccount } from "@cdktf/provider-azurerm/lib/backup-container-storage-account";
import { BackupPolicyFileShare } from "@cdktf/provider-azurerm/lib/backup-policy-file-share";
import { BackupProtectedFileShare } from "@cdktf/provider-azurerm/lib/backup-protected-file-share";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { StorageAccount, StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** SMB settings a careful user writes: SMB 3.1.1, Kerberos AES-256, AES-256-GCM. */
export const SECURE_SMB = {
  versions: ["SMB3.1.1"],
  authenticationTypes: ["Kerberos"],
  kerberosTicketEncryptionType: ["AES-256"],
  channelEncryptionType: ["AES-256-GCM"],
};

/** A raw storage account with everything the migration rules ask for, unless overridden. */
export function secureAccount(scope: Construct, role: string | undefined, overrides: Partial<StorageAccountConfig> = {}, id = "acct"): StorageAccount {
  return new StorageAccount(scope, id, {
    name: `${id}store01`.replace(/[^a-z0-9]/g, ""),
    location: "westeurope",
    resourceGroupName: "rg",
    accountTier: "Standard",
    accountReplicationType: "LRS",
    largeFileShareEnabled: true,
    minTlsVersion: "TLS1_2",
    httpsTrafficOnlyEnabled: true,
    publicNetworkAccessEnabled: false,
    sharedAccessKeyEnabled: false,
    allowNestedItemsToBePublic: false,
    networkRules: { defaultAction: "Deny", bypass: ["AzureServices"] },
    shareProperties: { retentionPolicy: { days: 14 }, smb: SECURE_SMB },
    tags: role ? { "sdz-role": role } : {},
    lifecycle: { preventDestroy: true },
    ...overrides,
  });
}

/** A raw share on `account`. */
export function share(scope: Construct, account: StorageAccount, name = "usmt", quota = 1024, id = "share"): StorageShare {
  return new StorageShare(scope, id, { name, storageAccountId: account.id, quota, lifecycle: { preventDestroy: true } });
}

/** The raw backup chain for one share; `softDelete` on the vault. */
export function backupShare(scope: Construct, account: StorageAccount, shareName: string, softDelete = true): BackupProtectedFileShare {
  const vault = new RecoveryServicesVault(scope, "vault", { name: "backup-rsv", location: "westeurope", resourceGroupName: "rg", sku: "Standard", softDeleteEnabled: softDelete });
  const policy = new BackupPolicyFileShare(scope, "policy", {
    name: "daily", recoveryVaultName: vault.name, resourceGroupName: "rg",
    backup: { frequency: "Daily", time: "23:00" }, retentionDaily: { count: 30 },
  });
  const container = new BackupContainerStorageAccount(scope, "container", { recoveryVaultName: vault.name, resourceGroupName: "rg", storageAccountId: account.id });
  return new BackupProtectedFileShare(scope, "protected", {
    recoveryVaultName: vault.name, resourceGroupName: "rg", sourceStorageAccountId: account.id,
    sourceFileShareName: shareName, backupPolicyId: policy.id, dependsOn: [container],
  });
}

/** A hand-written Windows VM with the given tags. */
export function windowsVm(scope: Construct, tags: { [k: string]: string }, id = "vm"): WindowsVirtualMachine {
  const pw = new TerraformVariable(scope, `${id}_pw`, { type: "string", sensitive: true });
  const nic = new NetworkInterface(scope, `${id}-nic`, {
    name: `${id}-nic`, location: "westeurope", resourceGroupName: "rg",
    ipConfiguration: [{ name: "ip", subnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s", privateIpAddressAllocation: "Dynamic" }],
  });
  return new WindowsVirtualMachine(scope, id, {
    name: id, location: "westeurope", resourceGroupName: "rg", size: "Standard_D2s_v5",
    adminUsername: "opsadmin", adminPassword: pw.stringValue, networkInterfaceIds: [nic.id],
    osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    tags,
  });
}

/** A string variable (values only known at plan time). */
export function stringVar(scope: Construct, id: string): string {
  return new TerraformVariable(scope, id, { type: "string" }).stringValue;
}
