/**
 * The `sdz-*` tags of the migration area (part of the tag contract, see {@link ZoneTags}).
 *
 * The constructs of this area write them and the `SDZ-MIG-*` rules read them, so a hand-written
 * VM or storage account carrying the same tags is checked exactly like one the library created.
 *
 * On a state migration point VM (and its NIC), next to `sdz-role = state-migration-point`:
 * - `sdz-smb-signing-required` = `true`: `Set-SmbServerConfiguration -RequireSecuritySignature $true` was applied.
 * - `sdz-smb-encrypt-data` = `true`: `-EncryptData $true` (SMB 3 encryption of every session).
 * - `sdz-smb-reject-unencrypted` = `true`: `-RejectUnencryptedAccess $true` (clients that cannot encrypt are refused).
 * - `sdz-smb1-removed` = `true`: SMB 1 disabled and the `FS-SMB1` feature removed. The one definition of
 *   this tag: a KMS host records its SMB 1 removal with it too, and both SDZ-MIG-009 and SDZ-KMS-005 read it.
 * - `sdz-smp-delete-after-hours`: hours the state migration point keeps restored state before deleting it
 *   (`Set-CMStateMigrationPoint -TimeDeleteAfter`); never `0` ("delete immediately", R-MIG-3).
 * - `sdz-smp-restore-only`: `true` or `false` (`-EnableRestoreOnlyMode`).
 * - `sdz-smp-max-clients`: the storage folder's client cap (`New-CMStorageFolder -MaximumClientNumber`).
 * - `sdz-smp-min-free-space`: the storage folder's free-space floor, e.g. `10 Percent` (`-MinimumFreeSpace`/`-SpaceUnit`).
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
  /** VM tag: SMB 1 removed (`true`); shared by state migration points and KMS hosts (SDZ-MIG-009, SDZ-KMS-005). */
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
