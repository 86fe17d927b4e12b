import { BackupPolicyVm } from "@cdktf/provider-azurerm/lib/backup-policy-vm";
import { BackupProtectedVm } from "@cdktf/provider-azurerm/lib/backup-protected-vm";
import { ManagedDisk } from "@cdktf/provider-azurerm/lib/managed-disk";
import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { VirtualMachineDataDiskAttachment } from "@cdktf/provider-azurerm/lib/virtual-machine-data-disk-attachment";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { VirtualMachineRunCommand } from "@cdktf/provider-azurerm/lib/virtual-machine-run-command";
import { dependable } from "cdktf";
import { Construct } from "constructs";
import { BackupOptions, backupPolicyName, claimVaultName, ensureVault, validateBackupOptions, ValidBackupSettings } from "./backup-vault";
import { ConfigMgrSiteServer, runOnSiteServer } from "../compute/configmgr-site-server";
import { SecureWindowsServer, SecureWindowsServerProps } from "../compute/secure-windows-server";
import { checkSecurityEventLog } from "../compute/security-events";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole } from "../contract/zone-tags";
import { addStackArtifact } from "../core/stack-artifact";
import { attributeErrors, invalidProp, requireIntInRange } from "../network/errors";
import { RETENTION_LIMITS } from "../network/limits";
import { IPeer, Peer, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { buildOrAbandon } from "../network/uniqueness";
import { mergeTags, requireBoolean, requireDefined, requireDerivedName, requireEnum, requireHostName, requireIdentifier } from "../network/validators";
import { allowFromOutboundDeniedClients, CLIENT_CIDRS_ALLOWED, resolveOutboundDeniedClients } from "../zones/client-placement";

/** Unit of the state migration point's deletion interval (`-TimeUnit`). */
export enum DeletionIntervalUnit {
  /** Days. */
  DAYS = "Days",
  /** Hours. */
  HOURS = "Hours",
}

/** Unit of a storage folder's minimum free space (`-SpaceUnit`). */
export enum FreeSpaceUnit {
  /** Megabytes. */
  MEGABYTE = "Megabyte",
  /** Gigabytes. */
  GIGABYTE = "Gigabyte",
  /** Percent of the volume. */
  PERCENT = "Percent",
}

/** VM backup of the state migration point (R-MIG-4). */
export interface StateMigrationPointBackupOptions extends BackupOptions {}

/** Properties of a {@link StateMigrationPoint}. The `roles` of the server always include `state-migration-point`. */
export interface StateMigrationPointProps extends SecureWindowsServerProps {
  /** Size of the data disk holding the storage folder, in GiB (4-32767): the hard cap of the state store (R-MIG-2). */
  readonly storageQuotaGib: number;
  /**
   * The clients that migrate state (zones or specific CIDRs; never any or a service tag). Each gets
   * inbound TCP 445 (SMB) and 443 (HTTPS), plus 80 unless `httpsOnly`, to the server's IP only.
   * A client zone, or a CIDR inside a zone, that denies all outbound traffic (`denyAllOutbound`)
   * also gets the same ports out of that zone (from the CIDR's own prefixes); a CIDR covering only
   * part of such a zone is refused. Build the client zones before this point (a later one fails synth).
   */
  readonly clients: IPeer[];
  /** ConfigMgr site code (3 letters or digits), for the settings snippet. */
  readonly siteCode: string;
  /**
   * The site system server name as ConfigMgr knows it (FQDN).
   * @default - the server name
   */
  readonly siteSystemServerName?: string;
  /**
   * Storage folder path on the data disk (drive E: to Z:; the data disk gets that letter).
   * @default "F:\\StateMigration"
   */
  readonly storageFolderPath?: string;
  /**
   * How long restored state is kept before the state migration point deletes it (R-MIG-3):
   * long enough to verify the restore. 0 ("delete immediately") is refused.
   * @default 7
   */
  readonly deleteAfter?: number;
  /**
   * Unit of `deleteAfter`.
   * @default DeletionIntervalUnit.DAYS
   */
  readonly deleteAfterUnit?: DeletionIntervalUnit;
  /**
   * Restore-only mode (the point refuses new state and only serves restores, e.g. before decommissioning).
   * @default false
   */
  readonly restoreOnlyMode?: boolean;
  /**
   * Maximum number of clients the storage folder holds (1-99999).
   * @default 100
   */
  readonly maxClients?: number;
  /**
   * Minimum free space the storage folder keeps (1-100 percent, or 1-99999 MB/GB below the disk size).
   * @default 10
   */
  readonly minimumFreeSpace?: number;
  /**
   * Unit of `minimumFreeSpace`.
   * @default FreeSpaceUnit.PERCENT
   */
  readonly minimumFreeSpaceUnit?: FreeSpaceUnit;
  /**
   * Open only HTTPS (443) and SMB (445), not HTTP (80), for sites using HTTPS or Enhanced HTTP.
   * @default false
   */
  readonly httpsOnly?: boolean;
  /**
   * Data disk type.
   * @default "Premium_LRS"
   */
  readonly dataDiskStorageType?: string;
  /**
   * VM backup settings.
   * @default - a new vault, Enhanced (V2) policy, daily at 23:00 UTC, 30 daily recovery points
   */
  readonly backup?: StateMigrationPointBackupOptions;
  /**
   * Let Terraform destroy the state store data disk (R-MIG-6). By default it carries
   * `lifecycle { prevent_destroy = true }`. Decommissioning: set `restoreOnlyMode`, verify the
   * last restores and delete the computer associations, remove the storage folder in ConfigMgr
   * (which does not delete the physical folder), stop VM backup protection, then set
   * `allowDestroy: true`, deploy, and remove the construct.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * The Configuration Manager site server (an Azure VM). When given, a VM run command there applies
   * the state migration point's ConfigMgr settings (storage folder with its client and free-space
   * limits, deletion interval, restore-only mode), reads them back and fails when they did not take:
   * the settings are *applied*. Without it they are only *declared*: run the generated
   * `<serverName>-state-migration-point.ps1` yourself.
   * @default - the settings are declared and the script is written for you to run
   */
  readonly configMgrSiteServer?: ConfigMgrSiteServer;
}

const DISK_TYPES = ["Premium_LRS", "Premium_ZRS", "StandardSSD_LRS", "StandardSSD_ZRS", "Standard_LRS", "PremiumV2_LRS"];
const FOLDER_PATH = /^([E-Ze-z]):\\[A-Za-z0-9 _.-]+(\\[A-Za-z0-9 _.-]+)*$/;

/**
 * A ConfigMgr state migration point on a Windows server (the role keeps its storage folders on the
 * server), built on {@link SecureWindowsServer}:
 *
 * - a data disk sized to `storageQuotaGib` (R-MIG-2), encrypted at host, no network access, with
 *   `prevent_destroy` unless `allowDestroy` (R-MIG-6);
 * - SMB server hardening by a VM extension (R-MIG-1): `RequireSecuritySignature`, `EncryptData`,
 *   `RejectUnencryptedAccess`, AES-256-GCM preferred where the OS supports cipher ordering, SMB 1
 *   disabled and the `FS-SMB1` feature removed; the script throws if the settings do not read back.
 *   The hardening is recorded as tags ({@link MigrationTags}) which rule SDZ-MIG-009 reads;
 * - VM backup with an Enhanced (V2) policy, required for Trusted Launch VMs (R-MIG-4);
 * - inbound only TCP 445, 443 (and 80 unless `httpsOnly`) from the declared clients, to the server's IP;
 * - the ConfigMgr settings (deletion interval, restore-only mode, max clients, minimum free space) typed,
 *   recorded as `sdz-smp-*` tags and emitted as `<serverName>-state-migration-point.ps1` (a
 *   `New-CMStorageFolder` / `Set-CMStateMigrationPoint` snippet) in the stack output folder.
 *   "Delete immediately" is refused (R-MIG-3).
 *
 * Only client flows are opened. Flows from the ConfigMgr site server (site system installation and
 * management) are the caller's to open, e.g. `zone.allowInbound(Peer.ipv4(siteServerIp), Port.SMB, ...)`.
 */
export class StateMigrationPoint extends Construct {
  /** The hardened server. */
  public readonly server: SecureWindowsServer;
  /** The state store data disk. */
  public readonly dataDisk: ManagedDisk;
  /** The server's one settings extension, applying SMB hardening and preparing the data disk (after the disk is attached). */
  public readonly hardeningExtension: VirtualMachineExtension;
  /** The vault holding the VM backups. */
  public readonly backupVault: RecoveryServicesVault;
  /** The VM backup policy. */
  public readonly backupPolicy: BackupPolicyVm;
  /** The VM backup protection. */
  public readonly protectedVm: BackupProtectedVm;
  /** Storage folder path on the data disk. */
  public readonly storageFolderPath: string;
  /** Hours before restored state is deleted. */
  public readonly deleteAfterHours: number;
  /** The hardening script run on the server (also useful for review). */
  public readonly hardeningScript: string;
  /** The ConfigMgr settings snippet written next to cdk.tf.json. */
  public readonly configMgrSnippet: string;
  /** The run command that applies the ConfigMgr settings on the site server, when `configMgrSiteServer` is given. */
  public readonly configMgrRunCommand?: VirtualMachineRunCommand;

  constructor(scope: Construct, id: string, props: StateMigrationPointProps) {
    super(scope, id);
    // Refused (here or by its server), it gives back the vault name it claimed and leaves the tree.
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateSmpProps(props);
      const clientSides = resolveOutboundDeniedClients(this, "clients", props.clients, `state migration clients: ${CLIENT_CIDRS_ALLOWED}`);
      // Before the server is built, so such a refusal leaves no server behind.
      checkSecurityEventLog(props.zone.network, props.securityEventLog);
      claimVaultName(this, props.zone.network, valid.backup);
      return { ...valid, clientSides };
    }));
    this.storageFolderPath = v.folder;
    this.deleteAfterHours = v.deleteAfterHours;
    const settingsTags = tagsOf(
      MIGRATION_TAG.smbSigningRequired.entry(true),
      MIGRATION_TAG.smbEncryptData.entry(true),
      MIGRATION_TAG.smbRejectUnencrypted.entry(true),
      MIGRATION_TAG.smb1Removed.entry(true),
      MIGRATION_TAG.deleteAfterHours.entry(v.deleteAfterHours),
      MIGRATION_TAG.restoreOnly.entry(v.restoreOnly),
      MIGRATION_TAG.maxClients.entry(v.maxClients),
      MIGRATION_TAG.minFreeSpace.entry({ amount: v.minFree, unit: v.spaceUnit }),
      MIGRATION_TAG.quotaGib.entry(v.quota),
    );
    this.server = buildOrAbandon(this, () => new SecureWindowsServer(this, "Server", { ...props, roles: v.roles, tags: { ...(props.tags ?? {}), ...settingsTags } }));
    const network = props.zone.network;

    this.dataDisk = new ManagedDisk(this, "StateStoreDisk", {
      name: `${props.serverName}-statestore`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      storageAccountType: v.diskType,
      createOption: "Empty",
      diskSizeGb: v.quota,
      networkAccessPolicy: "DenyAll",
      publicNetworkAccessEnabled: false,
      zone: props.availabilityZone,
      tags: mergeTags("tags", network.tags, props.tags, tagsOf(MIGRATION_TAG.quotaGib.entry(v.quota))),
      lifecycle: v.allowDestroy ? undefined : { preventDestroy: true },
    });
    const attachment = new VirtualMachineDataDiskAttachment(this, "StateStoreDiskAttachment", {
      managedDiskId: this.dataDisk.id,
      virtualMachineId: this.server.virtualMachineId,
      lun: 10,
      caching: "None",
    });

    this.hardeningScript = smbHardeningScript(v.driveLetter, v.folder);
    this.hardeningExtension = this.server.addSettingsScript("smp-smb-hardening", this.hardeningScript, [attachment]);
    // Security events to Log Analytics (R-SEC-8), by default.
    this.server.collectSecurityEvents(props.securityEventLog);

    const local = Peer.ipv4(`${this.server.privateIpAddress}/32`);
    const ports: [Port, string][] = [
      [Port.SMB, "SMB (signed, encrypted) state transfer"],
      [Port.HTTPS, "HTTPS state migration point requests"],
    ];
    if (!v.httpsOnly) ports.push([Port.HTTP, "HTTP state migration point requests"]);
    props.clients.forEach((peer, i) => {
      for (const [port, what] of ports) {
        const text = `${what} from ${peer.label} to ${props.serverName}`;
        props.zone.allowInbound(peer, port, text, { local });
        // Out of a client zone that denies all outbound traffic too, or its own NSG drops the request.
        allowFromOutboundDeniedClients(v.clientSides[i], local, port, text);
      }
    });

    const backup = this.buildBackup(v.backup, mergeTags("tags", network.tags, props.tags));
    this.backupVault = backup.vault;
    this.backupPolicy = backup.policy;
    this.protectedVm = backup.protectedVm;

    const snippetInput = {
      serverName: props.serverName,
      siteSystem: v.siteSystem,
      siteCode: v.siteCode,
      folder: v.folder,
      maxClients: v.maxClients,
      minFree: v.minFree,
      spaceUnit: v.spaceUnit,
      deleteAfter: v.deleteAfter,
      unit: v.unit,
      restoreOnly: v.restoreOnly,
    };
    this.configMgrSnippet = configMgrSnippet(snippetInput);
    const snippet = this.configMgrSnippet;
    if (v.site) {
      this.configMgrRunCommand = runOnSiteServer(this, "ConfigMgrSettings", v.site, `sdz-smp-${props.serverName}`, configMgrRunCommandScript(snippetInput), []);
      this.configMgrRunCommand.dependsOn = [dependable(this.server.virtualMachine)]; // `type.name`, not "${...}" (Terraform refuses it)
    }
    addStackArtifact(this, "ConfigMgrSnippet", `${props.serverName}-state-migration-point.ps1`, () => snippet);
  }

  /** VM backup (R-MIG-4): the vault, an Enhanced (V2) policy (required for Trusted Launch VMs), the protection. */
  private buildBackup(b: ValidBackupSettings, tags: { [key: string]: string }) {
    const network = this.server.zone.network;
    const { vault } = ensureVault(this, b.vault, b.vaultName ?? "", network.location, network.resourceGroupName, tags);
    const vaultRg = b.vault ? b.vault.resourceGroupName : network.resourceGroupName;
    const policy = new BackupPolicyVm(this, "BackupPolicy", {
      name: backupPolicyName({ prop: "serverName", value: this.server.serverName }, `${this.server.serverName}-daily`),
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      policyType: "V2",
      timezone: b.timezone,
      instantRestoreRetentionDays: 7,
      backup: { frequency: "Daily", time: b.backupTime },
      retentionDaily: { count: b.dailyRetentionCount },
    });
    const protectedVm = new BackupProtectedVm(this, "ProtectedVm", {
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      sourceVmId: this.server.virtualMachineId,
      backupPolicyId: policy.id,
    });
    return { vault, policy, protectedVm };
  }
}

/** Validates what the state migration point adds to the server's props (the server validates the rest). */
function validateSmpProps(props: StateMigrationPointProps) {
  requireDefined("props", props, "the state migration point's props (zone, server settings, storageQuotaGib, clients, siteCode)");
  requireDefined("storageQuotaGib", props.storageQuotaGib, `the data disk size in GiB (${SMP_DISK_GIB.min}-${SMP_DISK_GIB.max}), the hard cap of the state store (R-MIG-2)`);
  const quota = requireIntInRange("storageQuotaGib", props.storageQuotaGib, SMP_DISK_GIB.min, SMP_DISK_GIB.max);
  requireDefined("clients", props.clients, "the clients that migrate state (zones or specific CIDRs)");
  requireSpecificPeers("clients", props.clients);
  const siteCode = requireIdentifier("siteCode", props.siteCode, "a ConfigMgr site code: 3 letters or digits");
  if (!/^[A-Za-z0-9]{3}$/.test(siteCode)) throw invalidProp("siteCode", props.siteCode, "a ConfigMgr site code: 3 letters or digits");
  const siteSystem = requireHostName("siteSystemServerName", props.siteSystemServerName ?? props.serverName);
  const folder = requireIdentifier("storageFolderPath", props.storageFolderPath ?? "F:\\StateMigration", "a folder on drive E: to Z: such as F:\\StateMigration");
  const folderMatch = FOLDER_PATH.exec(folder);
  if (!folderMatch) throw invalidProp("storageFolderPath", folder, "a folder on drive E: to Z: such as F:\\StateMigration (letters, digits, space, '_', '.', '-')");
  const unit = requireEnum("deleteAfterUnit", props.deleteAfterUnit, DeletionIntervalUnit, DeletionIntervalUnit.DAYS);
  const deleteAfter = props.deleteAfter ?? RETENTION_LIMITS.stateDeleteAfterDefaultDays;
  if (deleteAfter === 0) {
    throw invalidProp("deleteAfter", deleteAfter, "at least 1: deleting restored state immediately lets an attacker who retrieved it first erase it before the valid computer restores it (R-MIG-3)");
  }
  requireIntInRange("deleteAfter", deleteAfter, 1, unit === DeletionIntervalUnit.DAYS ? 365 : 365 * 24);
  const maxClients = requireIntInRange("maxClients", props.maxClients ?? 100, 1, CONFIGMGR_MAX);
  const spaceUnit = requireEnum("minimumFreeSpaceUnit", props.minimumFreeSpaceUnit, FreeSpaceUnit, FreeSpaceUnit.PERCENT);
  const minFree = props.minimumFreeSpace ?? 10;
  if (spaceUnit === FreeSpaceUnit.PERCENT) requireIntInRange("minimumFreeSpace", minFree, 1, 100);
  else requireIntInRange("minimumFreeSpace", minFree, 1, Math.min(CONFIGMGR_MAX, (spaceUnit === FreeSpaceUnit.GIGABYTE ? quota : quota * 1024) - 1));
  const diskType = requireIdentifier("dataDiskStorageType", props.dataDiskStorageType ?? "Premium_LRS", DISK_TYPES.join(", "));
  if (!DISK_TYPES.includes(diskType)) throw invalidProp("dataDiskStorageType", diskType, DISK_TYPES.join(", "));
  const serverName = String(props.serverName);
  const backup = validateBackupOptions("backup", props.backup, { name: `${serverName}-rsv`, from: { prop: "serverName", value: serverName } }, SMP_BACKUP_RETENTION);
  requireDerivedName("serverName", serverName, `${serverName}-statestore`, "managedDisk");
  return {
    quota, siteCode, siteSystem, folder, driveLetter: folderMatch[1].toUpperCase(), unit, deleteAfter,
    deleteAfterHours: unit === DeletionIntervalUnit.DAYS ? deleteAfter * 24 : deleteAfter,
    maxClients, spaceUnit, minFree, diskType, backup,
    restoreOnly: requireBoolean("restoreOnlyMode", props.restoreOnlyMode, false),
    httpsOnly: requireBoolean("httpsOnly", props.httpsOnly, false),
    allowDestroy: requireBoolean("allowDestroy", props.allowDestroy, false),
    roles: Array.from(new Set([...(props.roles ?? []), DeploymentRole.STATE_MIGRATION_POINT])),
    site: requireSiteServer(props.configMgrSiteServer),
  };
}

/** Data disk sizes the state store accepts, in GiB (Azure managed disks: 4 GiB to 32 TiB - 1). */
const SMP_DISK_GIB = { min: 4, max: 32767 };
/** Daily recovery points an Enhanced (V2) VM backup policy keeps (7-9999). */
const SMP_BACKUP_RETENTION = { min: 7, max: 9999 };
/** ConfigMgr's upper bound for storage folder client counts and free-space amounts. */
const CONFIGMGR_MAX = 99999;

/**
 * The SMB server hardening (and data disk preparation) run on the state migration point.
 * Paths are validated before they reach the script, so no quoting can break out.
 */
function smbHardeningScript(driveLetter: string, folder: string): string {
  return [
    "# State store data disk: initialize the raw disk once and create the storage folder",
    "foreach ($d in @(Get-Disk | Where-Object PartitionStyle -eq 'RAW')) {",
    "  Initialize-Disk -Number $d.Number -PartitionStyle GPT",
    `  New-Partition -DiskNumber $d.Number -UseMaximumSize -DriveLetter ${driveLetter} | Format-Volume -FileSystem NTFS -NewFileSystemLabel 'StateStore' -Confirm:$false | Out-Null`,
    "}",
    `New-Item -ItemType Directory -Path '${folder}' -Force | Out-Null`,
    "# SMB server hardening (R-MIG-1): signing required, encryption required, unencrypted access rejected, SMB 1 off",
    "Set-SmbServerConfiguration -RequireSecuritySignature $true -EnableSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false -Force",
    "if ((Get-Command Set-SmbServerConfiguration).Parameters.ContainsKey('EncryptionCiphers')) { Set-SmbServerConfiguration -EncryptionCiphers 'AES_256_GCM, AES_128_GCM' -Force }",
    "if ((Get-WindowsFeature -Name FS-SMB1).Installed) { Uninstall-WindowsFeature -Name FS-SMB1 | Out-Null }",
    "$c = Get-SmbServerConfiguration",
    "if (-not $c.RequireSecuritySignature -or -not $c.EncryptData -or -not $c.RejectUnencryptedAccess -or $c.EnableSMB1Protocol) { throw 'SMB hardening did not apply' }",
    "",
  ].join("\n");
}

interface SmpSettings {
  serverName: string; siteSystem: string; siteCode: string; folder: string; maxClients: number; minFree: number;
  spaceUnit: FreeSpaceUnit; deleteAfter: number; unit: DeletionIntervalUnit; restoreOnly: boolean;
}

function requireSiteServer(site: ConfigMgrSiteServer | undefined): ConfigMgrSiteServer | undefined {
  if (site !== undefined && !(site instanceof ConfigMgrSiteServer)) {
    throw invalidProp("configMgrSiteServer", String(site), "ConfigMgrSiteServer.fromServer(server) or ConfigMgrSiteServer.fromVirtualMachineId(id, location)");
  }
  return site;
}

/**
 * The script a run command runs on the site server: the storage folder with its limits (re-added on
 * every run so the limits are always the configured ones; removing a folder from the ConfigMgr
 * configuration does not delete the data on disk), the deletion interval and restore-only mode, each
 * cmdlet on one line, then read back with `Get-CMStateMigrationPoint`, failing when a value did not take.
 */
function configMgrRunCommandScript(s: SmpSettings): string {
  const minutes = (s.unit === DeletionIntervalUnit.DAYS ? 24 * 60 : 60) * s.deleteAfter;
  return [
    `# secure-deployment-zones: state migration point settings of ${s.serverName}, applied on the site server and read back.`,
    "$ErrorActionPreference = 'Stop'",
    `$SiteCode = '${s.siteCode}'`,
    `$Smp = '${s.siteSystem}'`,
    `$FolderPath = '${s.folder}'`,
    "Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1')",
    "if (-not (Get-PSDrive -Name $SiteCode -PSProvider CMSite -ErrorAction SilentlyContinue)) { New-PSDrive -Name $SiteCode -PSProvider CMSite -Root $env:COMPUTERNAME | Out-Null }",
    "Set-Location \"$($SiteCode):\\\"",
    "function Get-CMEmbedded($Object, [string]$Name) { $p = $Object.Props | Where-Object PropertyName -eq $Name; if (-not $p) { throw \"ConfigMgr property $Name not found\" }; $p }",
    "function Get-SmpFolderText { ((Get-CMStateMigrationPoint -SiteSystemServerName $Smp -SiteCode $SiteCode).PropLists | ForEach-Object { $_.Values }) -join ';' }",
    `$folder = New-CMStorageFolder -StorageFolderName $FolderPath -MaximumClientNumber ${s.maxClients} -MinimumFreeSpace ${s.minFree} -SpaceUnit ${s.spaceUnit}`,
    "if ((Get-SmpFolderText) -match [regex]::Escape($FolderPath)) { Set-CMStateMigrationPoint -SiteSystemServerName $Smp -SiteCode $SiteCode -RemoveStorageFolder $folder }",
    "Set-CMStateMigrationPoint -SiteSystemServerName $Smp -SiteCode $SiteCode -AddStorageFolder $folder",
    `Set-CMStateMigrationPoint -SiteSystemServerName $Smp -SiteCode $SiteCode -TimeDeleteAfter ${s.deleteAfter} -TimeUnit ${s.unit} -EnableRestoreOnlyMode $${s.restoreOnly}`,
    "$Point = Get-CMStateMigrationPoint -SiteSystemServerName $Smp -SiteCode $SiteCode",
    "if ((Get-SmpFolderText) -notmatch [regex]::Escape($FolderPath)) { throw 'The storage folder did not apply' }",
    `if ((Get-CMEmbedded $Point 'SMPStoreDeletionCycleTimeInMinutes').Value -ne ${minutes}) { throw 'The deletion interval did not apply' }`,
    `if ((Get-CMEmbedded $Point 'SMPQuiesceState').Value -ne ${s.restoreOnly ? 1 : 0}) { throw 'Restore-only mode did not apply' }`,
    "",
  ].join("\n");
}

function configMgrSnippet(s: SmpSettings): string {
  return [
    `# State migration point settings for ${s.serverName}, generated by secure-deployment-zones.`,
    "# Run from the Configuration Manager site drive (PS XYZ:\\>) after the state migration point role is added.",
    `# Restored state is deleted after ${s.deleteAfter} ${s.unit.toLowerCase()}, never immediately (R-MIG-3); the folder is capped (R-MIG-2).`,
    `$folder = New-CMStorageFolder -StorageFolderName '${s.folder}' -MaximumClientNumber ${s.maxClients} -MinimumFreeSpace ${s.minFree} -SpaceUnit ${s.spaceUnit}`,
    `Set-CMStateMigrationPoint -SiteSystemServerName '${s.siteSystem}' -SiteCode '${s.siteCode}' -AddStorageFolder $folder -TimeDeleteAfter ${s.deleteAfter} -TimeUnit ${s.unit} -EnableRestoreOnlyMode $${s.restoreOnly}`,
    "",
  ].join("\r\n");
}
