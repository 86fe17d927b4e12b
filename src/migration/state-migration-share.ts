import { BackupContainerStorageAccount } from "@cdktf/provider-azurerm/lib/backup-container-storage-account";
import { BackupPolicyFileShare } from "@cdktf/provider-azurerm/lib/backup-policy-file-share";
import { BackupProtectedFileShare } from "@cdktf/provider-azurerm/lib/backup-protected-file-share";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { checkBackupTime, checkVaultName, ensureVault } from "./backup-vault";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { IDeploymentContentLocation } from "../core/content-location";
import { cidrContains, ipv4Size, parseCidr } from "../network/cidr";
import { invalidProp, requireIntInRange } from "../network/errors";
import { AZURE_FILES_LIMITS, RETENTION_LIMITS } from "../network/limits";
import { IPeer, Peer, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { DeploymentNetwork } from "../zones/deployment-network";
import { DeploymentZone } from "../zones/deployment-zone";

/** What the share holds; decides the `sdz-role` tag and how strictly the rules judge the account. */
export enum ContentLocationPurpose {
  /** USMT user state (ConfigMgr state store): `sdz-role = state-migration-store`. */
  STATE_MIGRATION = "state-migration",
  /**
   * Other deployment content reached over SMB: captured reference images, exported task sequences,
   * IDE-redirection images (`sdz-role = deployment-content`).
   */
  DEPLOYMENT_CONTENT = "deployment-content",
}

/** Performance tier of the storage account. */
export enum FileShareTier {
  /** `StorageV2`, standard tier: shares up to 102400 GiB with large file shares (5120 GiB without). */
  STANDARD = "Standard",
  /** `FileStorage`, premium (SSD) tier: provisioned shares of 100-102400 GiB. */
  PREMIUM = "Premium",
}

/** The directory that issues the Kerberos tickets clients present to Azure Files. */
export enum FilesIdentitySource {
  /** On-premises AD DS (the storage account is joined to the domain): `AD`. */
  ACTIVE_DIRECTORY = "AD",
  /** Microsoft Entra Kerberos for hybrid identities: `AADKERB`. */
  ENTRA_KERBEROS = "AADKERB",
  /** Microsoft Entra Domain Services: `AADDS`. */
  ENTRA_DOMAIN_SERVICES = "AADDS",
}

/** Share-level permission granted to every authenticated identity without an explicit RBAC role. */
export enum DefaultSharePermission {
  /** Nobody without an explicit role assignment. */
  NONE = "None",
  /** Read access. */
  READER = "StorageFileDataSmbShareReader",
  /** Read, write, delete. */
  CONTRIBUTOR = "StorageFileDataSmbShareContributor",
  /** Read, write, delete and modify NTFS permissions. */
  ELEVATED_CONTRIBUTOR = "StorageFileDataSmbShareElevatedContributor",
}

/** The AD DS domain the storage account is joined to. */
export interface FilesActiveDirectoryOptions {
  /** DNS domain name, e.g. `corp.contoso.com`. */
  readonly domainName: string;
  /** Domain GUID. */
  readonly domainGuid: string;
  /**
   * Domain SID (required by AD DS authentication).
   * @default - none (Entra Kerberos)
   */
  readonly domainSid?: string;
  /**
   * Forest name.
   * @default - none
   */
  readonly forestName?: string;
  /**
   * NetBIOS domain name.
   * @default - none
   */
  readonly netbiosDomainName?: string;
  /**
   * SID of the storage account's computer object in AD DS.
   * @default - none
   */
  readonly storageSid?: string;
}

/** Identity-based (Kerberos) access to the share: the only authentication the share accepts. */
export interface FilesIdentityOptions {
  /** The directory issuing Kerberos tickets. */
  readonly source: FilesIdentitySource;
  /**
   * Domain details: required for AD DS, optional for Entra Kerberos and Entra Domain Services.
   * @default - none
   */
  readonly activeDirectory?: FilesActiveDirectoryOptions;
  /**
   * Permission for authenticated identities that have no RBAC role on the share.
   * @default DefaultSharePermission.NONE
   */
  readonly defaultSharePermission?: DefaultSharePermission;
}

/** Backup of the share (R-MIG-4: ConfigMgr site backup does not include state migration data). */
export interface ContentShareBackupOptions {
  /**
   * An existing Recovery Services vault (keep soft delete on).
   * @default - a new vault with soft delete on
   */
  readonly vault?: RecoveryServicesVault;
  /**
   * Name of the vault created when `vault` is omitted (2-50 letters, digits, '-').
   * @default `<storageAccountName>-rsv`
   */
  readonly vaultName?: string;
  /**
   * Daily recovery points to keep (1-200).
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

/** Properties of a {@link StateMigrationShare}. */
export interface StateMigrationShareProps {
  /** The zone whose subnet holds the share's private endpoint. */
  readonly zone: DeploymentZone;
  /** Storage account name: 3-24 lowercase letters and digits, globally unique. */
  readonly storageAccountName: string;
  /** Quota of the share in GiB (R-MIG-2): 1-102400 (standard with large file shares), 1-5120 (standard without), 100-102400 (premium). */
  readonly quotaGib: number;
  /** Identity-based access: Kerberos tickets from AD DS or Entra. Shared keys and NTLM are off. */
  readonly identity: FilesIdentityOptions;
  /**
   * What the share holds.
   * @default ContentLocationPurpose.STATE_MIGRATION
   */
  readonly purpose?: ContentLocationPurpose;
  /**
   * Share name: 3-63 lowercase letters, digits and single hyphens.
   * @default "usmt" for state migration, "content" otherwise
   */
  readonly shareName?: string;
  /**
   * Performance tier.
   * @default FileShareTier.STANDARD
   */
  readonly tier?: FileShareTier;
  /**
   * Large file shares (standard tier only; up to 102400 GiB; cannot be turned off later).
   * @default true
   */
  readonly largeFileSharesEnabled?: boolean;
  /**
   * Replication: LRS or ZRS (premium and large file shares), or GRS, RAGRS, GZRS, RAGZRS (standard without large file shares).
   * @default "LRS" (the share is backed up to the vault; pick ZRS where the region offers it)
   */
  readonly replication?: string;
  /**
   * Also accept AES-128-GCM channel encryption, for clients older than Windows 11 / Server 2022 that
   * cannot negotiate AES-256-GCM. AES-128-CCM is never accepted.
   * @default false - AES-256-GCM only
   */
  readonly allowAes128Gcm?: boolean;
  /**
   * Days a deleted share stays recoverable (share soft delete, R-MIG-3): 7-365. A value of 1-6
   * needs `acceptShortRetention` AND a suppression of SDZ-MIG-006 with a reason.
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * Accept a share soft-delete retention under 7 days (then also suppress SDZ-MIG-006).
   * @default false
   */
  readonly acceptShortRetention?: boolean;
  /**
   * Backup settings.
   * @default - a new vault, daily backup at 23:00 UTC, 30 daily recovery points
   */
  readonly backup?: ContentShareBackupOptions;
  /**
   * Static IP of the private endpoint, inside the zone prefix (not Azure's reserved addresses).
   * @default - dynamic; `privateEndpointPrefix` is then the whole zone prefix
   */
  readonly privateIpAddress?: string;
  /**
   * An existing `privatelink.file.core.windows.net` private DNS zone (e.g. in a hub), already linked to the VNet.
   * @default - one zone per network is created and linked to the network's VNet
   */
  readonly privateDnsZoneId?: string;
  /**
   * Clients allowed to reach the share on TCP 445 (zones or specific CIDRs; never any or a service tag).
   * An inbound rule per peer is added to the zone's NSG.
   * @default - none: open flows with `zone.allowInbound` yourself
   */
  readonly clients?: IPeer[];
  /**
   * Let Terraform destroy the storage account and share (R-MIG-6). By default both carry
   * `lifecycle { prevent_destroy = true }`, so neither `terraform destroy` nor a replacing change
   * can delete state data by accident.
   *
   * Decommissioning is a deliberate sequence: (1) verify that every restore completed and delete
   * the computer associations in ConfigMgr; (2) stop backup protection of the share (Azure Backup
   * holds a delete lock on the account while it protects a share) and decide how long the
   * recovery points are kept; (3) set `allowDestroy: true` and deploy; (4) remove the construct
   * (or run `terraform destroy`).
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Extra tags for the account, endpoint and vault (`sdz-role` is always set).
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
}

const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const SHARE_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const REPLICATION = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** The private DNS zone for the `file` sub-resource of storage accounts. */
const FILE_PRIVATE_DNS_ZONE = "privatelink.file.core.windows.net";

const FILE_DNS_ZONE_ID = "FilePrivateDnsZone";

/**
 * The network's `privatelink.file.core.windows.net` zone and its VNet link, shared by every share
 * of the network. Both live under the network (not under whichever share came first), and their
 * names derive from the network, so adding, removing or reordering shares never moves them.
 */
function filePrivateDnsZone(network: DeploymentNetwork): PrivateDnsZone {
  const existing = network.node.tryFindChild(FILE_DNS_ZONE_ID);
  if (existing instanceof PrivateDnsZone) return existing;
  const rg = network.resourceGroupName;
  const zone = new PrivateDnsZone(network, FILE_DNS_ZONE_ID, { name: FILE_PRIVATE_DNS_ZONE, resourceGroupName: rg, tags: network.tags });
  new PrivateDnsZoneVirtualNetworkLink(network, `${FILE_DNS_ZONE_ID}Link`, {
    name: `${network.networkName}-file-link`,
    resourceGroupName: rg,
    privateDnsZoneName: zone.name,
    virtualNetworkId: network.virtualNetwork.id,
    registrationEnabled: false,
    tags: network.tags,
  });
  return zone;
}

/**
 * An Azure Files share for USMT state (a ConfigMgr state store reached over a UNC path) or other
 * deployment content reached over SMB, secure by default:
 *
 * - Channel (R-MIG-1, R-NET-1): SMB 3.1.1 only, channel encryption AES-256-GCM (AES-128-GCM only with
 *   `allowAes128Gcm`, CCM never), Kerberos only (NTLMv2 off), Kerberos tickets AES-256, secure transfer
 *   required, TLS 1.2 minimum. **Azure Files has no SMB-signing switch**: every SMB 3.x session it
 *   accepts here is encrypted with an AEAD cipher (AES-GCM), which authenticates every message, so the
 *   enforced encryption provides the integrity (signing-grade tamper protection) that the documents
 *   ask SMB signing for. Rule SDZ-MIG-010 says so in every report.
 * - Private (R-MIG-5): public network access off, network rules default Deny (Azure services bypass
 *   for Azure Backup), a `file` private endpoint in the zone subnet registered in the
 *   `privatelink.file.core.windows.net` zone linked to the VNet, shared key access off, no public
 *   nested items, infrastructure (double) encryption on.
 * - Capped (R-MIG-2): a required quota validated against the account kind.
 * - Soft delete (R-MIG-3): deleted shares recoverable 14 days by default, never under 7 without
 *   `acceptShortRetention` and a suppression.
 * - Backed up (R-MIG-4): Recovery Services vault (soft delete on), daily file-share policy, storage
 *   account registration and protected share.
 * - Deliberate decommissioning (R-MIG-6): `prevent_destroy` on account and share unless `allowDestroy`.
 *
 * Tags: the account carries `sdz-role` = `state-migration-store` or `deployment-content`; the share
 * records the same role in its metadata under `sdz_role` (shares cannot be tagged).
 *
 * Note for Terraform: with shared key access off, configure the azurerm provider with
 * `storage_use_azuread = true`.
 */
export class StateMigrationShare extends Construct implements IDeploymentContentLocation {
  /** The storage account. */
  public readonly storageAccount: StorageAccount;
  /** The file share. */
  public readonly share: StorageShare;
  /** The `file` private endpoint in the zone subnet. */
  public readonly privateEndpoint: PrivateEndpoint;
  /**
   * The network's `privatelink.file.core.windows.net` zone the endpoint registers in (one per
   * network, a child of the network, shared by every share), unless `privateDnsZoneId` was given.
   */
  public readonly privateDnsZone?: PrivateDnsZone;
  /** The vault holding the backups. */
  public readonly backupVault: RecoveryServicesVault;
  /** The file-share backup policy. */
  public readonly backupPolicy: BackupPolicyFileShare;
  /** The protected (backed-up) share. */
  public readonly protectedShare: BackupProtectedFileShare;
  /** UNC path of the share, e.g. `\\account.file.core.windows.net\usmt`. */
  public readonly uncPath: string;
  /** CIDR of the private endpoint (`<ip>/32` with a static IP, else the zone prefix). */
  public readonly privateEndpointPrefix: string;
  /** Always true: SMB 3.x AES-GCM encryption is enforced on every session. */
  public readonly smbEncryptionRequired: boolean = true;
  /** What the share holds. */
  public readonly purpose: ContentLocationPurpose;
  /** The share quota in GiB. */
  public readonly quotaGib: number;
  /** Share soft-delete retention in days. */
  public readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: StateMigrationShareProps) {
    super(scope, id);
    const purpose = props.purpose ?? ContentLocationPurpose.STATE_MIGRATION;
    if (!Object.values(ContentLocationPurpose).includes(purpose)) {
      throw invalidProp("purpose", purpose, Object.values(ContentLocationPurpose).join(", "));
    }
    if (!STORAGE_ACCOUNT_NAME.test(props.storageAccountName ?? "")) {
      throw invalidProp("storageAccountName", props.storageAccountName, "3-24 lowercase letters and digits");
    }
    const shareName = props.shareName ?? (purpose === ContentLocationPurpose.STATE_MIGRATION ? "usmt" : "content");
    if (!SHARE_NAME.test(shareName)) {
      throw invalidProp("shareName", shareName, "3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
    }
    const tier = props.tier ?? FileShareTier.STANDARD;
    if (!Object.values(FileShareTier).includes(tier)) throw invalidProp("tier", tier, Object.values(FileShareTier).join(", "));
    const premium = tier === FileShareTier.PREMIUM;
    if (premium && props.largeFileSharesEnabled !== undefined) {
      throw invalidProp("largeFileSharesEnabled", props.largeFileSharesEnabled, "unset for the premium tier (premium shares are always up to 102400 GiB)");
    }
    const largeShares = !premium && props.largeFileSharesEnabled !== false;
    const replication = props.replication ?? "LRS";
    const replicationAllowed = premium || largeShares ? ["LRS", "ZRS"] : REPLICATION;
    if (!replicationAllowed.includes(replication)) {
      throw invalidProp("replication", replication, `${replicationAllowed.join(", ")} for a ${premium ? "premium" : largeShares ? "standard large-file-share" : "standard"} account`);
    }
    const F = AZURE_FILES_LIMITS;
    const [qMin, qMax] = premium
      ? [F.premiumQuotaMinGib, F.premiumQuotaMaxGib]
      : [F.quotaMinGib, largeShares ? F.largeFileShareQuotaMaxGib : F.standardQuotaMaxGib];
    this.quotaGib = requireIntInRange("quotaGib", props.quotaGib, qMin, qMax);

    const retention = props.retentionDays ?? RETENTION_LIMITS.shareSoftDeleteDefaultDays;
    requireIntInRange("retentionDays", retention, AZURE_FILES_LIMITS.softDeleteMinDays, AZURE_FILES_LIMITS.softDeleteMaxDays);
    if (retention < RETENTION_LIMITS.shareSoftDeleteMinDays && props.acceptShortRetention !== true) {
      throw invalidProp("retentionDays", retention, `${RETENTION_LIMITS.shareSoftDeleteMinDays}-${AZURE_FILES_LIMITS.softDeleteMaxDays} days (under ${RETENTION_LIMITS.shareSoftDeleteMinDays} only with acceptShortRetention: true and a suppression of SDZ-MIG-006 giving the reason)`);
    }
    this.retentionDays = retention;

    const identity = props.identity;
    if (!identity || !Object.values(FilesIdentitySource).includes(identity.source)) {
      throw invalidProp("identity.source", identity?.source, Object.values(FilesIdentitySource).join(", "));
    }
    const permission = identity.defaultSharePermission ?? DefaultSharePermission.NONE;
    if (!Object.values(DefaultSharePermission).includes(permission)) {
      throw invalidProp("identity.defaultSharePermission", permission, Object.values(DefaultSharePermission).join(", "));
    }
    const ad = identity.activeDirectory;
    if (identity.source === FilesIdentitySource.ACTIVE_DIRECTORY && (!ad || !ad.domainSid || !ad.storageSid || !ad.forestName || !ad.netbiosDomainName)) {
      throw invalidProp("identity.activeDirectory", ad, "domainName, domainGuid, domainSid, storageSid, forestName and netbiosDomainName of the AD DS domain the account is joined to");
    }
    if (ad) {
      if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/.test(ad.domainName ?? "")) {
        throw invalidProp("identity.activeDirectory.domainName", ad.domainName, "a DNS domain name such as corp.contoso.com");
      }
      if (!GUID.test(ad.domainGuid ?? "") && !Token.isUnresolved(ad.domainGuid)) {
        throw invalidProp("identity.activeDirectory.domainGuid", ad.domainGuid, "a GUID such as 7b2f6b43-5a4c-4d43-9a0e-1f2d3c4b5a69");
      }
    }

    const backup = props.backup ?? {};
    const dailyRetention = requireIntInRange("backup.dailyRetentionCount", backup.dailyRetentionCount ?? 30, 1, 200);
    const backupTime = checkBackupTime("backup.backupTime", backup.backupTime ?? "23:00");
    const vaultName = backup.vault ? undefined : checkVaultName("backup.vaultName", backup.vaultName ?? `${props.storageAccountName}-rsv`);
    const timezone = backup.timezone ?? "UTC";
    if (!/^[A-Za-z][A-Za-z0-9 ().+-]{0,80}$/.test(timezone)) throw invalidProp("backup.timezone", timezone, "a Windows time zone name such as UTC or W. Europe Standard Time");

    const zone = props.zone;
    const network = zone.network;
    if (props.privateIpAddress !== undefined) {
      const zoneBlock = parseCidr("zone.addressPrefix", zone.addressPrefix);
      const ip = parseCidr("privateIpAddress", props.privateIpAddress);
      const offset = ip.start - zoneBlock.start;
      if (props.privateIpAddress.includes("/") || !cidrContains(zoneBlock, ip) || offset < 4 || offset >= ipv4Size(zoneBlock) - 1) {
        throw invalidProp("privateIpAddress", props.privateIpAddress, `a host address inside zone ${zone.zoneName} (${zone.addressPrefix}), excluding the first four and the last address that Azure reserves`);
      }
    }
    if (props.privateDnsZoneId !== undefined && !Token.isUnresolved(props.privateDnsZoneId)
      && !/\/providers\/Microsoft\.Network\/privateDnsZones\/privatelink\.file\.core\.windows\.net$/i.test(props.privateDnsZoneId)) {
      throw invalidProp("privateDnsZoneId", props.privateDnsZoneId, `the resource ID of a ${FILE_PRIVATE_DNS_ZONE} private DNS zone`);
    }
    const clients = props.clients ?? [];
    if (props.clients !== undefined) requireSpecificPeers("clients", clients);

    this.purpose = purpose;
    const role = purpose === ContentLocationPurpose.STATE_MIGRATION ? DeploymentRole.STATE_MIGRATION_STORE : DeploymentRole.DEPLOYMENT_CONTENT;
    const tags: { [key: string]: string } = { ...network.tags, ...(props.tags ?? {}), ...tagsOf(ZONE_TAG.roles.entry([role])) };
    const lifecycle = props.allowDestroy === true ? undefined : { preventDestroy: true };
    const rg = network.resourceGroupName;

    const channelEncryption = props.allowAes128Gcm ? ["AES-256-GCM", "AES-128-GCM"] : ["AES-256-GCM"];
    this.storageAccount = new StorageAccount(this, "Account", {
      name: props.storageAccountName,
      location: network.location,
      resourceGroupName: rg,
      accountKind: premium ? "FileStorage" : "StorageV2",
      accountTier: premium ? "Premium" : "Standard",
      accountReplicationType: replication,
      largeFileShareEnabled: premium ? undefined : largeShares,
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      publicNetworkAccessEnabled: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      infrastructureEncryptionEnabled: true,
      networkRules: { defaultAction: "Deny", bypass: ["AzureServices"] },
      shareProperties: {
        retentionPolicy: { days: retention },
        smb: {
          versions: ["SMB3.1.1"],
          authenticationTypes: ["Kerberos"],
          kerberosTicketEncryptionType: ["AES-256"],
          channelEncryptionType: channelEncryption,
        },
      },
      azureFilesAuthentication: {
        directoryType: identity.source,
        defaultShareLevelPermission: permission,
        activeDirectory: ad ? {
          domainName: ad.domainName,
          domainGuid: ad.domainGuid,
          domainSid: ad.domainSid,
          forestName: ad.forestName,
          netbiosDomainName: ad.netbiosDomainName,
          storageSid: ad.storageSid,
        } : undefined,
      },
      tags,
      lifecycle,
    });

    this.share = new StorageShare(this, "Share", {
      name: shareName,
      storageAccountId: this.storageAccount.id,
      quota: this.quotaGib,
      accessTier: premium ? "Premium" : "TransactionOptimized",
      enabledProtocol: "SMB",
      metadata: tagsOf(MIGRATION_TAG.shareRoles.entry([role])),
      lifecycle,
    });

    let dnsZoneId = props.privateDnsZoneId;
    if (!dnsZoneId) {
      this.privateDnsZone = filePrivateDnsZone(network);
      dnsZoneId = this.privateDnsZone.id;
    }

    this.privateEndpoint = new PrivateEndpoint(this, "FileEndpoint", {
      name: `${props.storageAccountName}-file-pe`,
      location: network.location,
      resourceGroupName: rg,
      subnetId: zone.subnetId,
      customNetworkInterfaceName: `${props.storageAccountName}-file-pe-nic`,
      privateServiceConnection: {
        name: `${props.storageAccountName}-file`,
        isManualConnection: false,
        privateConnectionResourceId: this.storageAccount.id,
        subresourceNames: ["file"],
      },
      privateDnsZoneGroup: { name: "file", privateDnsZoneIds: [dnsZoneId] },
      ipConfiguration: props.privateIpAddress ? [{ name: "file", privateIpAddress: props.privateIpAddress, subresourceName: "file", memberName: "file" }] : undefined,
      tags,
    });

    this.privateEndpointPrefix = props.privateIpAddress ? `${props.privateIpAddress}/32` : zone.addressPrefix;
    this.uncPath = `\\\\${props.storageAccountName}.file.core.windows.net\\${shareName}`;
    const local = props.privateIpAddress ? Peer.ipv4(this.privateEndpointPrefix) : undefined;
    for (const peer of clients) {
      zone.allowInbound(peer, Port.SMB, `SMB 3.1.1 (encrypted) to share ${shareName} from ${peer.label}`, { local });
    }

    const { vault } = ensureVault(this, backup.vault, vaultName ?? "", network.location, rg, tags);
    this.backupVault = vault;
    const vaultRg = backup.vault ? backup.vault.resourceGroupName : rg;
    this.backupPolicy = new BackupPolicyFileShare(this, "BackupPolicy", {
      name: `${props.storageAccountName}-${shareName}-daily`.slice(0, 150),
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      timezone,
      backup: { frequency: "Daily", time: backupTime },
      retentionDaily: { count: dailyRetention },
    });
    const container = new BackupContainerStorageAccount(this, "BackupContainer", {
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      storageAccountId: this.storageAccount.id,
    });
    this.protectedShare = new BackupProtectedFileShare(this, "ProtectedShare", {
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      sourceStorageAccountId: this.storageAccount.id,
      sourceFileShareName: this.share.name,
      backupPolicyId: this.backupPolicy.id,
      dependsOn: [container],
    });
  }
}
