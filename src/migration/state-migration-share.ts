import { BackupContainerStorageAccount } from "@cdktf/provider-azurerm/lib/backup-container-storage-account";
import { BackupPolicyFileShare } from "@cdktf/provider-azurerm/lib/backup-policy-file-share";
import { BackupProtectedFileShare } from "@cdktf/provider-azurerm/lib/backup-protected-file-share";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { Construct } from "constructs";
import { BackupOptions, backupPolicyName, claimVaultName, ensureVault, validateBackupOptions } from "./backup-vault";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { IDeploymentContentLocation } from "../core/content-location";
import { FILE_PRIVATE_LINK_DNS, privateLinkDnsZone, requirePrivateLinkDnsZoneId } from "../core/private-link-dns";
import { attributeErrors, ConstructErrorCode, invalidProp, missingProp, requireIntInRange } from "../network/errors";
import { AZURE_FILES_LIMITS, RETENTION_LIMITS } from "../network/limits";
import { IPeer, Peer, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { buildOrAbandon, claimUnique, UniqueKind } from "../network/uniqueness";
import {
  mergeTags, requireAzureName, requireBoolean, requireDefined, requireDerivedName, requireDnsDomain, requireEnum, requireGuid, requireHostInZone,
  requireIdentifier, requireTags,
} from "../network/validators";
import { allowFromOutboundDeniedClients, CLIENT_CIDRS_ALLOWED, resolveOutboundDeniedClients } from "../zones/client-placement";
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
export interface ContentShareBackupOptions extends BackupOptions {}

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
   * An inbound rule per peer is added to the zone's NSG. A client zone, or a CIDR inside a zone, that
   * denies all outbound traffic (`denyAllOutbound`) also gets TCP 445 out of that zone (from the
   * CIDR's own prefixes); a CIDR covering only part of such a zone is refused. Build the client
   * zones before the share (a later one fails synth).
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

/** Storage account replication types (azurerm `account_replication_type`). */
const REPLICATION = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"];
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
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateShareProps(props);
      const clientSides = resolveOutboundDeniedClients(this, "clients", valid.clients, `share clients: ${CLIENT_CIDRS_ALLOWED}`);
      claimUnique(this, "storageAccountName", UniqueKind.STORAGE_ACCOUNT_NAME, valid.storageAccountName);
      if (valid.privateIpAddress) claimUnique(this, "privateIpAddress", UniqueKind.STATIC_IP, valid.privateIpAddress, props.zone.network);
      claimVaultName(this, props.zone.network, valid.backup);
      return { ...valid, clientSides };
    }));
    const zone = props.zone;
    const network = zone.network;
    this.purpose = v.purpose;
    this.quotaGib = v.quotaGib;
    this.retentionDays = v.retentionDays;
    const lifecycle = v.allowDestroy ? undefined : { preventDestroy: true };

    this.storageAccount = this.buildAccount(v, lifecycle);
    this.share = new StorageShare(this, "Share", {
      name: v.shareName,
      storageAccountId: this.storageAccount.id,
      quota: v.quotaGib,
      accessTier: v.premium ? "Premium" : "TransactionOptimized",
      enabledProtocol: "SMB",
      metadata: tagsOf(MIGRATION_TAG.shareRoles.entry([v.role])),
      lifecycle,
    });

    let dnsZoneId = v.privateDnsZoneId;
    if (!dnsZoneId) {
      this.privateDnsZone = privateLinkDnsZone(network, FILE_PRIVATE_LINK_DNS);
      dnsZoneId = this.privateDnsZone.id;
    }
    const sa = v.storageAccountName;
    this.privateEndpoint = new PrivateEndpoint(this, "FileEndpoint", {
      name: `${sa}-file-pe`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      subnetId: zone.subnetId,
      customNetworkInterfaceName: `${sa}-file-pe-nic`,
      privateServiceConnection: {
        name: `${sa}-file`,
        isManualConnection: false,
        privateConnectionResourceId: this.storageAccount.id,
        subresourceNames: ["file"],
      },
      privateDnsZoneGroup: { name: "file", privateDnsZoneIds: [dnsZoneId] },
      ipConfiguration: v.privateIpAddress ? [{ name: "file", privateIpAddress: v.privateIpAddress, subresourceName: "file", memberName: "file" }] : undefined,
      tags: v.tags,
    });

    this.privateEndpointPrefix = v.privateIpAddress ? `${v.privateIpAddress}/32` : zone.addressPrefix;
    this.uncPath = `\\\\${sa}.file.core.windows.net\\${v.shareName}`;
    const local = v.privateIpAddress ? Peer.ipv4(this.privateEndpointPrefix) : undefined;
    v.clients.forEach((peer, i) => {
      const what = `SMB 3.1.1 (encrypted) to share ${v.shareName} from ${peer.label}`;
      zone.allowInbound(peer, Port.SMB, what, { local });
      // Out of a client zone (or the zone holding a client CIDR) that denies all outbound traffic too, or its own NSG drops the session.
      allowFromOutboundDeniedClients(v.clientSides[i], local ?? zone, Port.SMB, what);
    });

    const backup = this.buildBackup(v);
    this.backupVault = backup.vault;
    this.backupPolicy = backup.policy;
    this.protectedShare = backup.protectedShare;
  }

  /** The storage account: SMB 3.1.1 with AES-GCM, Kerberos only, private, no shared key. */
  private buildAccount(v: ValidShareProps, lifecycle: { preventDestroy: boolean } | undefined): StorageAccount {
    const network = v.zone.network;
    const ad = v.activeDirectory;
    return new StorageAccount(this, "Account", {
      name: v.storageAccountName,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      accountKind: v.premium ? "FileStorage" : "StorageV2",
      accountTier: v.premium ? "Premium" : "Standard",
      accountReplicationType: v.replication,
      largeFileShareEnabled: v.premium ? undefined : v.largeShares,
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
        retentionPolicy: { days: v.retentionDays },
        smb: {
          versions: ["SMB3.1.1"],
          authenticationTypes: ["Kerberos"],
          kerberosTicketEncryptionType: ["AES-256"],
          channelEncryptionType: v.allowAes128Gcm ? ["AES-256-GCM", "AES-128-GCM"] : ["AES-256-GCM"],
        },
      },
      azureFilesAuthentication: {
        directoryType: v.identitySource,
        defaultShareLevelPermission: v.permission,
        activeDirectory: ad ? {
          domainName: ad.domainName,
          domainGuid: ad.domainGuid,
          domainSid: ad.domainSid,
          forestName: ad.forestName,
          netbiosDomainName: ad.netbiosDomainName,
          storageSid: ad.storageSid,
        } : undefined,
      },
      tags: v.tags,
      lifecycle,
    });
  }

  /** Backup (R-MIG-4): the vault, a daily file-share policy, the account registration and the protected share. */
  private buildBackup(v: ValidShareProps) {
    const network = v.zone.network;
    const b = v.backup;
    const { vault } = ensureVault(this, b.vault, b.vaultName ?? "", network.location, network.resourceGroupName, v.tags);
    const vaultRg = b.vault ? b.vault.resourceGroupName : network.resourceGroupName;
    const policy = new BackupPolicyFileShare(this, "BackupPolicy", {
      name: backupPolicyName({ prop: "storageAccountName", value: v.storageAccountName }, `${v.storageAccountName}-${v.shareName}-daily`),
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      timezone: b.timezone,
      backup: { frequency: "Daily", time: b.backupTime },
      retentionDaily: { count: b.dailyRetentionCount },
    });
    const container = new BackupContainerStorageAccount(this, "BackupContainer", {
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      storageAccountId: this.storageAccount.id,
    });
    const protectedShare = new BackupProtectedFileShare(this, "ProtectedShare", {
      recoveryVaultName: vault.name,
      resourceGroupName: vaultRg,
      sourceStorageAccountId: this.storageAccount.id,
      sourceFileShareName: this.share.name,
      backupPolicyId: policy.id,
      dependsOn: [container],
    });
    return { vault, policy, protectedShare };
  }
}

type ValidShareProps = ReturnType<typeof validateShareProps>;

/** Validates every prop before anything is built. */
function validateShareProps(props: StateMigrationShareProps) {
  requireDefined("props", props, "the share's props (zone, storageAccountName, quotaGib, identity)");
  if (!(props.zone instanceof DeploymentZone)) {
    throw props.zone === undefined ? missingProp("zone", "the DeploymentZone whose subnet holds the private endpoint") : invalidProp("zone", String(props.zone), "a DeploymentZone");
  }
  const zone = props.zone;
  const purpose = requireEnum("purpose", props.purpose, ContentLocationPurpose, ContentLocationPurpose.STATE_MIGRATION);
  const storageAccountName = requireAzureName("storageAccountName", props.storageAccountName, "storageAccount");
  const shareName = requireAzureName("shareName", props.shareName ?? (purpose === ContentLocationPurpose.STATE_MIGRATION ? "usmt" : "content"), "fileShare");
  const tier = requireEnum("tier", props.tier, FileShareTier, FileShareTier.STANDARD);
  const premium = tier === FileShareTier.PREMIUM;
  if (premium && props.largeFileSharesEnabled !== undefined) {
    throw invalidProp("largeFileSharesEnabled", props.largeFileSharesEnabled,
      `unset for the premium tier (premium shares are always up to ${AZURE_FILES_LIMITS.premiumQuotaMaxGib} GiB)`, ConstructErrorCode.CONFLICTING_VALUE);
  }
  const largeShares = !premium && requireBoolean("largeFileSharesEnabled", props.largeFileSharesEnabled, true);
  const replicationAllowed = premium || largeShares ? ["LRS", "ZRS"] : REPLICATION;
  const replication = requireIdentifier("replication", props.replication ?? "LRS", replicationAllowed.join(", "));
  if (!replicationAllowed.includes(replication)) {
    throw invalidProp("replication", replication, `${replicationAllowed.join(", ")} for a ${premium ? "premium" : largeShares ? "standard large-file-share" : "standard"} account`);
  }
  const F = AZURE_FILES_LIMITS;
  const [qMin, qMax] = premium
    ? [F.premiumQuotaMinGib, F.premiumQuotaMaxGib]
    : [F.quotaMinGib, largeShares ? F.largeFileShareQuotaMaxGib : F.standardQuotaMaxGib];
  requireDefined("quotaGib", props.quotaGib, `the share quota in GiB (${qMin}-${qMax}), the hard cap of the store (R-MIG-2)`);
  const quotaGib = requireIntInRange("quotaGib", props.quotaGib, qMin, qMax);
  const R = RETENTION_LIMITS;
  const retentionDays = requireIntInRange("retentionDays", props.retentionDays ?? R.shareSoftDeleteDefaultDays, F.softDeleteMinDays, F.softDeleteMaxDays);
  if (retentionDays < R.shareSoftDeleteMinDays && requireBoolean("acceptShortRetention", props.acceptShortRetention, false) !== true) {
    throw invalidProp("retentionDays", retentionDays, `${R.shareSoftDeleteMinDays}-${F.softDeleteMaxDays} days (under ${R.shareSoftDeleteMinDays} only with acceptShortRetention: true and a suppression of SDZ-MIG-006 giving the reason)`);
  }
  const identity = requireDefined("identity", props.identity, "the identity source of the share's Kerberos tickets ({ source: FilesIdentitySource.ENTRA_KERBEROS } or AD DS)");
  const identitySource = requireEnum("identity.source", identity.source, FilesIdentitySource);
  const permission = requireEnum("identity.defaultSharePermission", identity.defaultSharePermission, DefaultSharePermission, DefaultSharePermission.NONE);
  const activeDirectory = validateActiveDirectory(identitySource, identity.activeDirectory);
  const privateIpAddress = props.privateIpAddress === undefined ? undefined : requireHostInZone("privateIpAddress", props.privateIpAddress, zone);
  if (props.privateDnsZoneId !== undefined) requirePrivateLinkDnsZoneId("privateDnsZoneId", props.privateDnsZoneId, FILE_PRIVATE_LINK_DNS);
  const clients = props.clients ?? [];
  if (props.clients !== undefined) requireSpecificPeers("clients", clients);
  const role = purpose === ContentLocationPurpose.STATE_MIGRATION ? DeploymentRole.STATE_MIGRATION_STORE : DeploymentRole.DEPLOYMENT_CONTENT;
  const tags = mergeTags("tags", zone.network.tags, requireTags("tags", props.tags, { storageAccount: true }), tagsOf(ZONE_TAG.roles.entry([role])));
  const backup = validateBackupOptions("backup", props.backup,
    { name: `${storageAccountName}-rsv`, from: { prop: "storageAccountName", value: storageAccountName } }, SHARE_BACKUP_RETENTION);
  requireDerivedName("storageAccountName", storageAccountName, `${storageAccountName}-file-pe`, "privateEndpoint");
  return {
    zone, purpose, role, storageAccountName, shareName, premium, largeShares, replication, quotaGib, retentionDays, identitySource, permission,
    activeDirectory, privateIpAddress, privateDnsZoneId: props.privateDnsZoneId, clients, tags, backup,
    allowAes128Gcm: requireBoolean("allowAes128Gcm", props.allowAes128Gcm, false),
    allowDestroy: requireBoolean("allowDestroy", props.allowDestroy, false),
  };
}

/** AD DS needs every domain detail; Entra sources may give some. */
function validateActiveDirectory(source: FilesIdentitySource, ad: FilesActiveDirectoryOptions | undefined): FilesActiveDirectoryOptions | undefined {
  const p = "identity.activeDirectory";
  if (source === FilesIdentitySource.ACTIVE_DIRECTORY && (!ad || !ad.domainSid || !ad.storageSid || !ad.forestName || !ad.netbiosDomainName)) {
    throw invalidProp(p, ad, "domainName, domainGuid, domainSid, storageSid, forestName and netbiosDomainName of the AD DS domain the account is joined to",
      ad === undefined ? ConstructErrorCode.MISSING_VALUE : ConstructErrorCode.INVALID_VALUE);
  }
  if (!ad) return undefined;
  return {
    domainName: requireDnsDomain(`${p}.domainName`, ad.domainName),
    domainGuid: requireGuid(`${p}.domainGuid`, ad.domainGuid, "the domain GUID"),
    domainSid: ad.domainSid === undefined ? undefined : requireIdentifier(`${p}.domainSid`, ad.domainSid, "the domain SID (S-1-5-21-...)"),
    forestName: ad.forestName === undefined ? undefined : requireDnsDomain(`${p}.forestName`, ad.forestName),
    netbiosDomainName: ad.netbiosDomainName === undefined ? undefined : requireIdentifier(`${p}.netbiosDomainName`, ad.netbiosDomainName, "the NetBIOS domain name"),
    storageSid: ad.storageSid === undefined ? undefined : requireIdentifier(`${p}.storageSid`, ad.storageSid, "the storage account's SID in AD DS (S-1-5-21-...)"),
  };
}

/** Daily recovery points a file-share backup policy keeps (Azure Backup: 1-200). */
const SHARE_BACKUP_RETENTION = { min: 1, max: 200 };
