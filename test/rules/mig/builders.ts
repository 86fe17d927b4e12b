/**
 * Raw, untagged azurerm resources for the migration pack's tests: storage accounts, shares, Files
 * private endpoints, state migration points and deployment servers, written as a user writes them.
 * Evidence that makes storage a state migration store or deployment content is added explicitly.
 */
import { accountBody, shareBody } from "../../../src/rules/mig/examples";
import { Body, TfJson } from "../../support/tf-json";

export { accountBody, shareBody };

/** The account under test: `azurerm_storage_account.usmt`, named `contosousmt01`. */
export const ACCOUNT = "azurerm_storage_account.usmt";
export const ACCOUNT_NAME = "contosousmt01";
/** Its share: `azurerm_storage_share.usmt`, named `usmt`. */
export const SHARE = "azurerm_storage_share.usmt";
export const UNC = `\\\\${ACCOUNT_NAME}.file.core.windows.net\\usmt`;

/** A site: VNet 10.0.0.0/16 with subnets `smp` (10.0.1.0/24), `content` (10.0.4.0/24) and `servers` (10.0.2.0/24). */
export function storageSite(): TfJson {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  tf.subnet("smp", vnet, ["10.0.1.0/24"]);
  tf.subnet("content", vnet, ["10.0.4.0/24"]);
  tf.subnet("servers", vnet, ["10.0.2.0/24"]);
  return tf;
}

/** Adds the account under test (secure unless overridden) and returns its address. */
export function addAccount(tf: TfJson, overrides: Body = {}, id = "usmt", name = ACCOUNT_NAME): string {
  return tf.add("azurerm_storage_account", id, accountBody(name, overrides));
}

/** Adds a share (secure unless overridden) on the account `accountId` and returns its address. */
export function addShare(tf: TfJson, extra: Body = {}, id = "usmt", accountId = "usmt", name = "usmt"): string {
  return tf.add("azurerm_storage_share", id, shareBody(name, accountId, extra));
}

/** A VM `name` with a NIC in `subnet` (static `ip`), untagged unless `tags` are given. */
export function addVm(tf: TfJson, name: string, subnet: string, ip: string, tags?: Record<string, string>): string {
  const nic = tf.nic(`${name}_nic`, `azurerm_subnet.${subnet}`, ip);
  return tf.windowsVm(name, [nic], tags ? { tags } : {});
}

/** A Files private endpoint of `account` (address) in `subnet`. */
export function addFilesEndpoint(tf: TfJson, id: string, account: string, subnet: string, subresource = "file"): string {
  return tf.add("azurerm_private_endpoint", id, {
    name: id, location: "westeurope", resource_group_name: "rg", subnet_id: TfJson.ref(`azurerm_subnet.${subnet}`),
    private_service_connection: {
      name: id, is_manual_connection: false, private_connection_resource_id: TfJson.ref(account), subresource_names: [subresource],
    },
  });
}

/** A custom script extension running `script` on `vm` (in settings, or in protected_settings). */
export function addScript(tf: TfJson, id: string, vm: string, script: string, where: "settings" | "protected_settings" = "settings"): string {
  return tf.add("azurerm_virtual_machine_extension", id, {
    name: id, virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
    [where]: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
  });
}

/** A run command on `vm` (the site server) running `script`. */
export function addRunCommand(tf: TfJson, id: string, vm: string, script: string): string {
  return tf.add("azurerm_virtual_machine_run_command", id, { name: id, location: "westeurope", virtual_machine_id: TfJson.ref(vm), source: { script } });
}

/** A data disk attached to `vm`. */
export function addDataDisk(tf: TfJson, id: string, vm: string): void {
  const disk = tf.add("azurerm_managed_disk", id, { name: id, location: "westeurope", resource_group_name: "rg", storage_account_type: "Premium_LRS", create_option: "Empty", disk_size_gb: 512 });
  tf.add("azurerm_virtual_machine_data_disk_attachment", id, { managed_disk_id: TfJson.ref(disk), virtual_machine_id: TfJson.ref(vm), lun: 10, caching: "None" });
}

/** Azure Backup for the VM `vm`. */
export function addVmBackup(tf: TfJson, id: string, vm: string, sourceVmId: string = TfJson.ref(vm)): void {
  tf.add("azurerm_backup_protected_vm", id, { resource_group_name: "rg", recovery_vault_name: "rsv", source_vm_id: sourceVmId, backup_policy_id: "${azurerm_backup_policy_vm.daily.id}" });
}

/** Azure Backup for the share under test, in vault `rsv` (soft delete as given; unset by default). */
export function addShareBackup(tf: TfJson, opts: { softDelete?: unknown; shareName?: unknown; account?: string } = {}): void {
  tf.add("azurerm_recovery_services_vault", "rsv", { name: "usmt-rsv", location: "westeurope", resource_group_name: "rg", sku: "Standard", ...(opts.softDelete !== undefined ? { soft_delete_enabled: opts.softDelete } : {}) });
  tf.add("azurerm_backup_protected_file_share", "usmt", {
    resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}",
    source_storage_account_id: TfJson.ref(opts.account ?? ACCOUNT), source_file_share_name: opts.shareName ?? TfJson.ref(SHARE, "name"),
    backup_policy_id: "${azurerm_backup_policy_file_share.daily.id}",
  });
}

/** Mutates the body of a resource (`type.name`). */
export function patch(tf: TfJson, address: string, fields: Body): void {
  const [type, name] = address.split(".");
  Object.assign(tf.json.resource[type][name], fields);
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete tf.json.resource[type][name][k];
}

/** SMB hardening that sets and reads back every setting SDZ-MIG-009 asks for. */
export const HARDENING_SCRIPT = "Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false -Force; "
  + "Uninstall-WindowsFeature -Name FS-SMB1; $c = Get-SmbServerConfiguration";

/** The site server `cm01` (in `servers`) adding `smp01` as a state migration point with `parameters`. */
export function addSiteServerAdding(tf: TfJson, parameters = "", server = "smp01.corp.contoso.com", readBack = true, siteServer = true): string {
  const cm = addVm(tf, "cm01", "servers", "10.0.2.10");
  // The ConfigMgr drive rooted at the VM's own SMS Provider shows it to be the site server (settings.ts).
  const drive = siteServer ? "New-PSDrive -Name P01 -PSProvider CMSite -Root $env:COMPUTERNAME\nSet-Location P01:\n" : "";
  return addRunCommand(tf, "smp_role", cm, `${drive}Add-CMStateMigrationPoint -SiteSystemServerName ${server} -SiteCode P01 ${parameters}${readBack ? `\nGet-CMStateMigrationPoint -SiteSystemServerName ${server}` : ""}`);
}
