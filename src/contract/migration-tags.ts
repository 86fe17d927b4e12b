import { TRAITS } from "./setting-traits";
import { BOOLEAN, integer, TagCodec, TagSpec, wordList } from "./tag";
import { DeploymentRole } from "./zone-tags";

/**
 * The `sdz-*` tags of the migration area.
 *
 * On a state migration point VM (and its NIC), next to `sdz-role = state-migration-point`:
 * - `sdz-smb-signing-required` = `true`: `Set-SmbServerConfiguration -RequireSecuritySignature $true`.
 * - `sdz-smb-encrypt-data` = `true`: `-EncryptData $true` (SMB 3 encryption of every session).
 * - `sdz-smb-reject-unencrypted` = `true`: `-RejectUnencryptedAccess $true`.
 * - `sdz-smb1-removed` = `true`: SMB 1 disabled and the `FS-SMB1` feature removed (also on KMS hosts).
 * - `sdz-smp-delete-after-hours`: hours the state migration point keeps restored state before deleting it; never `0` (R-MIG-3).
 * - `sdz-smp-restore-only`: `true` or `false` (`-EnableRestoreOnlyMode`).
 * - `sdz-smp-max-clients`: the storage folder's client cap.
 * - `sdz-smp-min-free-space`: the storage folder's free-space floor, e.g. `10 Percent`.
 * - `sdz-smp-quota-gib`: size of the data disk holding the storage folder (the store's hard cap, R-MIG-2).
 *
 * On a storage account: `sdz-role` = `state-migration-store` or `deployment-content`. Azure file shares
 * cannot carry tags, so a share records its role in its metadata under `sdz_role` (metadata keys must be
 * C# identifiers, hence the underscore).
 */
export class MigrationTags {
  /** VM tag: SMB signing required on the SMB server. */
  public static readonly SMB_SIGNING_REQUIRED = "sdz-smb-signing-required";
  /** VM tag: SMB encryption required for every session. */
  public static readonly SMB_ENCRYPT_DATA = "sdz-smb-encrypt-data";
  /** VM tag: unencrypted SMB access rejected. */
  public static readonly SMB_REJECT_UNENCRYPTED = "sdz-smb-reject-unencrypted";
  /** VM tag: SMB 1 removed (`true`); shared by state migration points and KMS hosts. */
  public static readonly SMB1_REMOVED = "sdz-smb1-removed";
  /** VM tag: hours before restored state is deleted. */
  public static readonly SMP_DELETE_AFTER_HOURS = "sdz-smp-delete-after-hours";
  /** VM tag: restore-only mode. */
  public static readonly SMP_RESTORE_ONLY = "sdz-smp-restore-only";
  /** VM tag: maximum number of clients of the storage folder. */
  public static readonly SMP_MAX_CLIENTS = "sdz-smp-max-clients";
  /** VM tag: minimum free space of the storage folder, `<n> <Megabyte|Gigabyte|Percent>`. */
  public static readonly SMP_MIN_FREE_SPACE = "sdz-smp-min-free-space";
  /** VM tag: size in GiB of the state store data disk. */
  public static readonly SMP_QUOTA_GIB = "sdz-smp-quota-gib";
  /** Share metadata key holding the share's deployment role. */
  public static readonly SHARE_ROLE_METADATA = "sdz_role";

  private constructor() {}
}

/** `<n> <Megabyte|Gigabyte|Percent>`, as ConfigMgr's storage folder takes it. */
const FREE_SPACE: TagCodec<{ amount: number; unit: "Megabyte" | "Gigabyte" | "Percent" }> = {
  allowed: "<n> Megabyte, <n> Gigabyte or <n> Percent",
  parse: (t) => {
    const m = /^\s*(\d{1,9})\s+(megabyte|gigabyte|percent)\s*$/i.exec(t);
    if (!m) return undefined;
    const unit = (m[2][0].toUpperCase() + m[2].slice(1).toLowerCase()) as "Megabyte" | "Gigabyte" | "Percent";
    const amount = Number(m[1]);
    return amount >= 1 && (unit !== "Percent" || amount <= 100) ? { amount, unit } : undefined;
  },
  format: (v) => `${v.amount} ${v.unit}`,
};

/** The migration settings, typed. @internal */
export const MIGRATION_TAG = {
  smbSigningRequired: new TagSpec<boolean>(MigrationTags.SMB_SIGNING_REQUIRED, BOOLEAN, "SMB signing required (R-MIG-1)", false, TRAITS.smbSigningRequired),
  smbEncryptData: new TagSpec<boolean>(MigrationTags.SMB_ENCRYPT_DATA, BOOLEAN, "SMB encryption of every session (R-MIG-1, R-MIG-5)", false, TRAITS.smbEncryptData),
  smbRejectUnencrypted: new TagSpec<boolean>(MigrationTags.SMB_REJECT_UNENCRYPTED, BOOLEAN, "unencrypted SMB access rejected (R-MIG-1)", false, TRAITS.smbRejectUnencrypted),
  smb1Removed: new TagSpec<boolean>(MigrationTags.SMB1_REMOVED, BOOLEAN, "SMB 1 disabled and removed (R-MIG-1, R-KMS-5)", false, TRAITS.smb1Removed),
  deleteAfterHours: new TagSpec<number>(MigrationTags.SMP_DELETE_AFTER_HOURS, integer(0, 8760 * 24), "hours before restored state is deleted (R-MIG-3)", false, TRAITS.smpDeleteAfter),
  restoreOnly: new TagSpec<boolean>(MigrationTags.SMP_RESTORE_ONLY, BOOLEAN, "restore-only mode", false, TRAITS.smpRestoreOnly),
  maxClients: new TagSpec<number>(MigrationTags.SMP_MAX_CLIENTS, integer(1, 99999), "the storage folder's client cap (R-MIG-2)", false, TRAITS.smpMaxClients),
  minFreeSpace: new TagSpec(MigrationTags.SMP_MIN_FREE_SPACE, FREE_SPACE, "the storage folder's free-space floor (R-MIG-2)", false, TRAITS.smpMinFreeSpace),
  quotaGib: new TagSpec<number>(MigrationTags.SMP_QUOTA_GIB, integer(1, 32767), "size of the state store data disk in GiB (R-MIG-2)"),
  /** Share metadata (not a tag): the share's deployment roles. */
  shareRoles: new TagSpec<DeploymentRole[]>(MigrationTags.SHARE_ROLE_METADATA, wordList(Object.values(DeploymentRole)), "the deployment roles of an Azure file share (metadata)"),
};

/**
 * Azure Files limits and the library's retention floor, defined once for the constructs and the
 * checks. Quota bounds: a share's quota "must be greater than 0, and less than or equal to 5TB
 * (5120). For Large File Shares, the maximum size is 102400" (learn.microsoft.com,
 * Azure.ResourceManager.Storage FileShareData.ShareQuota); premium (FileStorage) shares are
 * provisioned from 100 GiB. @internal
 */
export const AZURE_FILES_LIMITS = {
  /** Largest quota (GiB) of a standard share without large file shares. */
  quotaMaxStandardGib: 5120,
  /** Largest quota (GiB) of a standard share with large file shares, and of a premium share. */
  quotaMaxLargeGib: 102400,
  /** Smallest quota (GiB) of a premium (FileStorage) share. */
  quotaMinPremiumGib: 100,
  /**
   * Share soft delete kept at least this many days (R-MIG-3): long enough to verify a restore before
   * a deleted state share is gone. Azure accepts 1-365; seven is the library's floor.
   */
  minShareRetentionDays: 7,
} as const;
