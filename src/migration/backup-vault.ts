import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { ConstructErrorCode, invalidProp, requireIntInRange } from "../network/errors";
import { requireAzureName, requireDerivedName, requireIdentifier } from "../network/validators";
import { DeploymentNetwork } from "../zones/deployment-network";

/** Backup times: HH:MM on the hour or half hour (what Azure Backup schedules accept). */
const BACKUP_TIME = /^([01]\d|2[0-3]):(00|30)$/;
/** Windows time zone names (`UTC`, `W. Europe Standard Time`). */
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9 ().+-]{0,80}$/;

/** The backup settings a state migration share and a state migration point both take (R-MIG-4). */
export interface BackupOptions {
  /**
   * An existing Recovery Services vault (keep soft delete on).
   * @default - a new vault with soft delete on
   */
  readonly vault?: RecoveryServicesVault;
  /**
   * Name of the vault created when `vault` is omitted (2-50 letters, digits, '-', starting with a letter).
   * @default `<storageAccountName>-rsv` for a share, `<serverName>-rsv` for a state migration point
   */
  readonly vaultName?: string;
  /**
   * Daily recovery points to keep: 1-200 for a share, 7-9999 for a state migration point (Enhanced VM policy).
   * @default 30
   */
  readonly dailyRetentionCount?: number;
  /**
   * Daily backup time, HH:MM on the hour or half hour.
   * @default "23:00"
   */
  readonly backupTime?: string;
  /**
   * Time zone of `backupTime` (Windows time zone name).
   * @default "UTC"
   */
  readonly timezone?: string;
}

/** Backup settings after validation. @internal */
export interface ValidBackupSettings {
  readonly vault?: RecoveryServicesVault;
  /** The name of the vault to create (undefined with an existing vault). */
  readonly vaultName?: string;
  /** The prop the name comes from (`backup.vaultName`, or the owner's name for the default), for errors. */
  readonly vaultNameFrom?: { prop: string; value: string };
  readonly dailyRetentionCount: number;
  readonly backupTime: string;
  readonly timezone: string;
}

/**
 * The name of a backup policy derived from its owner's name (`<owner>-daily`). azurerm wants a policy
 * name to start with a letter, while storage account and VM names may start with a digit: those get
 * `bp-` in front (names that start with a letter keep their name, so no existing policy is renamed).
 * @internal
 */
export function backupPolicyName(from: { prop: string; value: string }, base: string): string {
  const name = Token.isUnresolved(base) || /^[a-zA-Z]/.test(base) ? base : `bp-${base}`;
  return requireDerivedName(from.prop, from.value, name, "backupPolicy");
}

/**
 * Validates backup settings: an existing vault or a valid name for a new one (the default derived
 * from the owner's name), the daily retention within `retention`, a time on the hour or half
 * hour, a Windows time zone name. @internal
 */
export function validateBackupOptions(
  prop: string,
  b: BackupOptions | undefined,
  defaultVault: { name: string; from: { prop: string; value: string } },
  retention: { min: number; max: number },
): ValidBackupSettings {
  const o = b ?? {};
  if (o.vault !== undefined && o.vaultName !== undefined) {
    throw invalidProp(`${prop}.vaultName`, o.vaultName, "nothing when vault is given (the existing vault is used)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  if (o.vault !== undefined && !(o.vault instanceof RecoveryServicesVault)) throw invalidProp(`${prop}.vault`, String(o.vault), "a RecoveryServicesVault");
  const vaultName = o.vault ? undefined : o.vaultName !== undefined
    ? requireAzureName(`${prop}.vaultName`, o.vaultName, "recoveryServicesVault")
    : requireDerivedName(defaultVault.from.prop, defaultVault.from.value, defaultVault.name, "recoveryServicesVault");
  const dailyRetentionCount = requireIntInRange(`${prop}.dailyRetentionCount`, o.dailyRetentionCount ?? 30, retention.min, retention.max);
  const backupTime = requireIdentifier(`${prop}.backupTime`, o.backupTime ?? "23:00", "a time HH:MM (24 h) on the hour or half hour, e.g. 23:00");
  if (!BACKUP_TIME.test(backupTime)) throw invalidProp(`${prop}.backupTime`, backupTime, "a time HH:MM (24 h) on the hour or half hour, e.g. 23:00");
  const timezone = requireIdentifier(`${prop}.timezone`, o.timezone ?? "UTC", "a Windows time zone name such as UTC or W. Europe Standard Time");
  if (!TIME_ZONE.test(timezone)) throw invalidProp(`${prop}.timezone`, timezone, "a Windows time zone name such as UTC or W. Europe Standard Time");
  const vaultNameFrom = o.vault ? undefined : o.vaultName !== undefined ? { prop: `${prop}.vaultName`, value: o.vaultName } : defaultVault.from;
  return { vault: o.vault, vaultName, vaultNameFrom, dailyRetentionCount, backupTime, timezone };
}

/**
 * Claims the name of the vault `owner` will create in `network`'s resource group: vault names are
 * unique per resource group (resource-name-rules, Microsoft.RecoveryServices `vaults`, scope resource
 * group), and azurerm refuses to create one that exists (recovery_services_vault_resource.go:
 * tf.ImportAsExistsError), so a second share or state migration point deriving or naming the same
 * vault would fail at apply. Nothing is claimed for an existing vault. @internal
 */
export function claimVaultName(owner: IConstruct, network: DeploymentNetwork, b: ValidBackupSettings): void {
  if (b.vaultName === undefined || b.vaultNameFrom === undefined || Token.isUnresolved(b.vaultName)) return;
  network._claimName(b.vaultNameFrom.prop, b.vaultNameFrom.value, "Recovery Services vault", b.vaultName, owner,
    "for one vault backing up both, pass backup: { vault: <the other construct>.backupVault }");
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
