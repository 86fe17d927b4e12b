import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { Construct } from "constructs";
import { invalidProp } from "../network/errors";

/** Recovery Services vault names: 2-50 letters, digits and '-', starting with a letter. */
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,49}$/;
/** Backup times: HH:MM on the hour or half hour (what Azure Backup schedules accept). */
const BACKUP_TIME = /^([01]\d|2[0-3]):(00|30)$/;

/** Fails unless `name` is a valid Recovery Services vault name. @internal */
export function checkVaultName(prop: string, name: string): string {
  if (!VAULT_NAME.test(name ?? "")) throw invalidProp(prop, name, "2-50 letters, digits and '-', starting with a letter");
  return name;
}

/** Fails unless `time` is `HH:MM` on the hour or half hour. @internal */
export function checkBackupTime(prop: string, time: string): string {
  if (!BACKUP_TIME.test(time ?? "")) throw invalidProp(prop, time, "a time HH:MM (24 h) on the hour or half hour, e.g. 23:00");
  return time;
}

/**
 * The vault that backs up state migration data: an existing one, or a new one with soft delete on
 * (a deleted backup item is kept 14 days, so a compromised admin cannot silently erase the backups). @internal
 */
export function ensureVault(
  scope: Construct,
  existing: RecoveryServicesVault | undefined,
  name: string,
  location: string,
  resourceGroupName: string,
  tags: { [key: string]: string },
): { vault: RecoveryServicesVault; created: boolean } {
  if (existing) return { vault: existing, created: false };
  const vault = new RecoveryServicesVault(scope, "BackupVault", {
    name,
    location,
    resourceGroupName,
    sku: "Standard",
    softDeleteEnabled: true,
    crossRegionRestoreEnabled: false,
    tags,
  });
  return { vault, created: true };
}
