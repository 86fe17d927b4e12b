import { RecoveryServicesVault } from "@cdktf/provider-azurerm/lib/recovery-services-vault";
import { migrationStack } from "./support";
import { injectSuppressions, suppressionsByPath, Suppressions } from "../../src/checks/suppressions";
import { IDeploymentContentLocation } from "../../src/core/content-location";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import {
  ContentLocationPurpose, DefaultSharePermission, FilesIdentitySource, FileShareTier, StateMigrationShare, StateMigrationShareProps,
} from "../../src/migration";
import { Peer } from "../../src/network/peer";
import { ALL_RULES } from "../../src/rules";
import { synthJson } from "../support/fixtures";

const ENTRA = { source: FilesIdentitySource.ENTRA_KERBEROS };

function build(extra: Partial<StateMigrationShareProps> = {}) {
  const env = migrationStack();
  const share = new StateMigrationShare(env.stack, "Usmt", {
    zone: env.storeZone, storageAccountName: "usmtstore01", quotaGib: 2048, identity: ENTRA,
    clients: [Peer.zone(env.clients)], privateIpAddress: "10.20.1.10", ...extra,
  });
  return { ...env, share, json: synthJson(env.stack) };
}

const one = (json: any, type: string) => {
  const all = Object.entries(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return { name: all[0][0], body: all[0][1] as any };
};
const ownAccount = (json: any) => Object.entries<any>(json.resource.azurerm_storage_account).find(([, b]) => b.name === "usmtstore01")!;

describe("StateMigrationShare synthesis", () => {
  const { json, share } = build();
  const [accountName, account] = ownAccount(json);
  const shareRes = one(json, "azurerm_storage_share");

  test("storage account: SMB 3.1.1, AES-256-GCM, Kerberos AES-256, private, no shared key, double encryption", () => {
    expect(account).toMatchObject({
      account_kind: "StorageV2",
      account_tier: "Standard",
      account_replication_type: "LRS",
      large_file_share_enabled: true,
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      public_network_access_enabled: false,
      shared_access_key_enabled: false,
      allow_nested_items_to_be_public: false,
      infrastructure_encryption_enabled: true,
      network_rules: { default_action: "Deny", bypass: ["AzureServices"] },
      azure_files_authentication: { directory_type: "AADKERB", default_share_level_permission: "None" },
      tags: { "sdz-role": "state-migration-store" },
      lifecycle: { prevent_destroy: true },
    });
    expect(account.share_properties).toEqual({
      retention_policy: { days: 14 },
      smb: { versions: ["SMB3.1.1"], authentication_types: ["Kerberos"], kerberos_ticket_encryption_type: ["AES-256"], channel_encryption_type: ["AES-256-GCM"] },
    });
  });

  test("share: quota, SMB, role metadata, prevent_destroy, on the account", () => {
    expect(shareRes.body).toEqual({
      name: "usmt",
      storage_account_id: `\${azurerm_storage_account.${accountName}.id}`,
      quota: 2048,
      access_tier: "TransactionOptimized",
      enabled_protocol: "SMB",
      metadata: { sdz_role: "state-migration-store" },
      lifecycle: { prevent_destroy: true },
    });
    expect(share.quotaGib).toBe(2048);
    expect(share.retentionDays).toBe(14);
  });

  test("private endpoint in the zone subnet with a static IP and the file private DNS zone linked to the VNet", () => {
    const pe = one(json, "azurerm_private_endpoint").body;
    const dns = one(json, "azurerm_private_dns_zone");
    const link = one(json, "azurerm_private_dns_zone_virtual_network_link").body;
    expect(pe.subnet_id).toMatch(/^\$\{azurerm_subnet\.Store_Subnet_[A-F0-9]+\.id\}$/);
    expect(pe.private_service_connection).toEqual({
      name: "usmtstore01-file", is_manual_connection: false,
      private_connection_resource_id: `\${azurerm_storage_account.${accountName}.id}`, subresource_names: ["file"],
    });
    expect(pe.private_dns_zone_group).toEqual({ name: "file", private_dns_zone_ids: [`\${azurerm_private_dns_zone.${dns.name}.id}`] });
    expect(pe.ip_configuration).toEqual([{ name: "file", private_ip_address: "10.20.1.10", subresource_name: "file", member_name: "file" }]);
    expect(dns.body.name).toBe("privatelink.file.core.windows.net");
    expect(link.private_dns_zone_name).toBe(`\${azurerm_private_dns_zone.${dns.name}.name}`);
    expect(link.virtual_network_id).toMatch(/^\$\{azurerm_virtual_network\.Net_VirtualNetwork_[A-F0-9]+\.id\}$/);
    expect(link.registration_enabled).toBe(false);
  });

  test("backup: soft-delete vault, daily policy, container registration, protected share", () => {
    const vault = one(json, "azurerm_recovery_services_vault");
    expect(vault.body).toMatchObject({ name: "usmtstore01-rsv", sku: "Standard", soft_delete_enabled: true });
    const policy = one(json, "azurerm_backup_policy_file_share");
    expect(policy.body).toMatchObject({
      recovery_vault_name: `\${azurerm_recovery_services_vault.${vault.name}.name}`,
      timezone: "UTC", backup: { frequency: "Daily", time: "23:00" }, retention_daily: { count: 30 },
    });
    expect(policy.body.name).toBe("usmtstore01-usmt-daily");
    const container = one(json, "azurerm_backup_container_storage_account");
    expect(container.body.storage_account_id).toBe(`\${azurerm_storage_account.${accountName}.id}`);
    const prot = one(json, "azurerm_backup_protected_file_share").body;
    expect(prot).toMatchObject({
      source_storage_account_id: `\${azurerm_storage_account.${accountName}.id}`,
      source_file_share_name: `\${azurerm_storage_share.${shareRes.name}.name}`,
      backup_policy_id: `\${azurerm_backup_policy_file_share.${policy.name}.id}`,
      depends_on: [`azurerm_backup_container_storage_account.${container.name}`],
    });
  });

  test("NSG: SMB 445 from the client zone to the endpoint IP only", () => {
    const rules = Object.values<any>(json.resource.azurerm_network_security_rule).filter((r) => r.access === "Allow" && r.protocol !== "Icmp");
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      direction: "Inbound", protocol: "Tcp", destination_port_range: "445",
      source_address_prefix: "10.20.2.0/24", destination_address_prefix: "10.20.1.10/32",
    });
  });

  test("is an IDeploymentContentLocation with encryption enforced", () => {
    const loc: IDeploymentContentLocation = share;
    expect(loc.uncPath).toBe("\\\\usmtstore01.file.core.windows.net\\usmt");
    expect(loc.privateEndpointPrefix).toBe("10.20.1.10/32");
    expect(loc.smbEncryptionRequired).toBe(true);
  });

  test("secure by default: no error finding from every rule", () => {
    const r = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(r.findings.filter((f) => f.level === RuleLevel.ERROR || f.level === RuleLevel.WARNING)).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === "SDZ-MIG-010")).toHaveLength(1);
  });
});

describe("StateMigrationShare options", () => {
  test("deployment content: role tag and metadata, default share name, dynamic endpoint IP covers the zone", () => {
    const { json, share } = build({ purpose: ContentLocationPurpose.DEPLOYMENT_CONTENT, privateIpAddress: undefined, clients: undefined });
    expect(ownAccount(json)[1].tags["sdz-role"]).toBe("deployment-content");
    expect(one(json, "azurerm_storage_share").body).toMatchObject({ name: "content", metadata: { sdz_role: "deployment-content" } });
    expect(one(json, "azurerm_private_endpoint").body.ip_configuration).toBeUndefined();
    expect(share.privateEndpointPrefix).toBe("10.20.1.0/24");
    expect(share.uncPath).toBe("\\\\usmtstore01.file.core.windows.net\\content");
    const r = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(r.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
  });

  test("allowAes128Gcm adds AES-128-GCM, never CCM", () => {
    const { json } = build({ allowAes128Gcm: true });
    expect(ownAccount(json)[1].share_properties.smb.channel_encryption_type).toEqual(["AES-256-GCM", "AES-128-GCM"]);
  });

  test("allowDestroy removes prevent_destroy, and SDZ-MIG-014 then warns", () => {
    const { json } = build({ allowDestroy: true });
    expect(ownAccount(json)[1].lifecycle).toBeUndefined();
    expect(one(json, "azurerm_storage_share").body.lifecycle).toBeUndefined();
    const r = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(r.findings.filter((f) => f.ruleId === "SDZ-MIG-014")).toHaveLength(2);
  });

  test("premium tier: FileStorage account, Premium share, 100 GiB minimum", () => {
    const { json } = build({ tier: FileShareTier.PREMIUM, quotaGib: 100 });
    expect(ownAccount(json)[1]).toMatchObject({ account_kind: "FileStorage", account_tier: "Premium" });
    expect(ownAccount(json)[1].large_file_share_enabled).toBeUndefined();
    expect(one(json, "azurerm_storage_share").body.access_tier).toBe("Premium");
    expect(() => build({ tier: FileShareTier.PREMIUM, quotaGib: 99 })).toThrow(/Invalid quotaGib: 99\. Allowed: an integer from 100 to 102400/);
  });

  test("AD DS identity emits the active_directory block and the chosen default permission", () => {
    const { json } = build({
      identity: {
        source: FilesIdentitySource.ACTIVE_DIRECTORY, defaultSharePermission: DefaultSharePermission.CONTRIBUTOR,
        activeDirectory: {
          domainName: "corp.contoso.com", domainGuid: "7b2f6b43-5a4c-4d43-9a0e-1f2d3c4b5a69", domainSid: "S-1-5-21-1-2-3",
          storageSid: "S-1-5-21-1-2-3-1234", forestName: "contoso.com", netbiosDomainName: "CORP",
        },
      },
    });
    expect(ownAccount(json)[1].azure_files_authentication).toEqual({
      directory_type: "AD", default_share_level_permission: "StorageFileDataSmbShareContributor",
      active_directory: {
        domain_name: "corp.contoso.com", domain_guid: "7b2f6b43-5a4c-4d43-9a0e-1f2d3c4b5a69", domain_sid: "S-1-5-21-1-2-3",
        storage_sid: "S-1-5-21-1-2-3-1234", forest_name: "contoso.com", netbios_domain_name: "CORP",
      },
    });
  });

  test("a storage account name starting with a digit gives a backup policy name azurerm accepts (it must start with a letter)", () => {
    const env = migrationStack();
    new StateMigrationShare(env.stack, "Digits", { zone: env.storeZone, storageAccountName: "01osdcontent", quotaGib: 100, identity: ENTRA, backup: { vaultName: "osd-rsv" } });
    const policy = one(synthJson(env.stack), "azurerm_backup_policy_file_share");
    expect(policy.body.name).toBe("bp-01osdcontent-usmt-daily");
    expect(policy.body.name).toMatch(/^[a-zA-Z][-\da-zA-Z]{2,149}$/); // azurerm's validate.BackupPolicyName
  });

  test("two shares in one network share one private DNS zone; an existing zone or vault is reused", () => {
    const env = migrationStack();
    new StateMigrationShare(env.stack, "A", { zone: env.storeZone, storageAccountName: "usmta01", quotaGib: 100, identity: ENTRA });
    const vault = new RecoveryServicesVault(env.stack, "HubVault", { name: "hub-rsv", location: "westeurope", resourceGroupName: "hub-rg", sku: "Standard", softDeleteEnabled: true });
    new StateMigrationShare(env.stack, "B", { zone: env.storeZone, storageAccountName: "usmtb01", quotaGib: 100, identity: ENTRA, backup: { vault } });
    const zoneId = "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/privatelink.file.core.windows.net";
    new StateMigrationShare(env.stack, "C", { zone: env.storeZone, storageAccountName: "usmtc01", quotaGib: 100, identity: ENTRA, privateDnsZoneId: zoneId });
    const json = synthJson(env.stack);
    expect(Object.keys(json.resource.azurerm_private_dns_zone)).toHaveLength(1);
    expect(Object.keys(json.resource.azurerm_private_dns_zone_virtual_network_link)).toHaveLength(1);
    expect(Object.keys(json.resource.azurerm_recovery_services_vault)).toHaveLength(3); // A, C and the hub vault
    const pes = Object.values<any>(json.resource.azurerm_private_endpoint);
    expect(pes.find((p) => p.name === "usmtc01-file-pe").private_dns_zone_group.private_dns_zone_ids).toEqual([zoneId]);
    const prot = Object.values<any>(json.resource.azurerm_backup_protected_file_share).find((p) => p.resource_group_name === "${azurerm_recovery_services_vault.HubVault.resource_group_name}");
    expect(prot.recovery_vault_name).toBe("${azurerm_recovery_services_vault.HubVault.name}");
  });

  test("retention under 7 days needs acceptShortRetention AND a suppression of SDZ-MIG-006", () => {
    const { stack, share, json } = build({ retentionDays: 5, acceptShortRetention: true });
    expect(ownAccount(json)[1].share_properties.retention_policy.days).toBe(5);
    const unsuppressed = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(unsuppressed.findings.filter((f) => f.ruleId === "SDZ-MIG-006" && f.status === FindingStatus.FAIL && f.level === RuleLevel.ERROR)).toHaveLength(1);
    Suppressions.add(share, [{ id: "SDZ-MIG-006", reason: "Lab store, restores verified within two days" }]);
    const json2 = stack.toTerraform(); // with the construct-path metadata, as the aspect reads it
    injectSuppressions(json2, suppressionsByPath(stack));
    const suppressed = runRules(TerraformModel.fromTerraformJson(json2), ALL_RULES);
    expect(suppressed.findings.filter((f) => f.ruleId === "SDZ-MIG-006").map((f) => f.status)).toEqual([FindingStatus.SUPPRESSED]);
  });
});

describe("StateMigrationShare construction errors", () => {
  test.each([
    ["UpperCase1", /Invalid storageAccountName: "UpperCase1"\. Allowed: a storage account name of 3-24 characters: lowercase letters and digits/],
    ["ab", /Invalid storageAccountName: "ab"/],
    ["with-hyphen", /Invalid storageAccountName: "with-hyphen"/],
    ["a".repeat(25), /Invalid storageAccountName: "a{25}"/],
  ])("storage account name %s", (name, msg) => {
    expect(() => build({ storageAccountName: name })).toThrow(msg);
  });

  test.each([
    [{ quotaGib: 0 }, /Invalid quotaGib: 0\. Allowed: an integer from 1 to 102400/],
    [{ quotaGib: 102401 }, /Invalid quotaGib: 102401/],
    [{ quotaGib: 10.5 }, /Invalid quotaGib: 10\.5/],
    [{ quotaGib: 5121, largeFileSharesEnabled: false, replication: "GRS" }, /Invalid quotaGib: 5121\. Allowed: an integer from 1 to 5120/],
  ])("quota out of range %j", (props, msg) => {
    expect(() => build(props as any)).toThrow(msg);
  });

  test.each([
    [{ retentionDays: 5 }, /Invalid retentionDays: 5\. Allowed: 7-365 days \(under 7 only with acceptShortRetention: true and a suppression of SDZ-MIG-006/],
    [{ retentionDays: 0, acceptShortRetention: true }, /Invalid retentionDays: 0\. Allowed: an integer from 1 to 365/],
    [{ retentionDays: 366 }, /Invalid retentionDays: 366/],
  ])("retention %j", (props, msg) => {
    expect(() => build(props as any)).toThrow(msg);
  });

  test.each([
    [{ shareName: "Bad_Name" }, /Invalid shareName: "Bad_Name"/],
    [{ shareName: "a--b" }, /Invalid shareName: "a--b"/],
    [{ replication: "GRS" }, /Invalid replication: "GRS"\. Allowed: LRS, ZRS for a standard large-file-share account/],
    [{ tier: FileShareTier.PREMIUM, largeFileSharesEnabled: true }, /Invalid largeFileSharesEnabled: true/],
    [{ identity: { source: "NTLM" } }, /Invalid identity\.source: "NTLM"/],
    [{ identity: { source: FilesIdentitySource.ACTIVE_DIRECTORY } }, /Invalid identity\.activeDirectory: undefined\. Allowed: domainName, domainGuid, domainSid/],
    [{ identity: { source: FilesIdentitySource.ENTRA_KERBEROS, activeDirectory: { domainName: "corp.contoso.com", domainGuid: "not-a-guid" } } }, /Invalid identity\.activeDirectory\.domainGuid: "not-a-guid"/],
    [{ privateIpAddress: "10.20.1.2" }, /Invalid privateIpAddress: "10\.20\.1\.2"/],
    [{ privateIpAddress: "10.20.9.10" }, /Invalid privateIpAddress: "10\.20\.9\.10"/],
    [{ clients: [Peer.anyIpv4()] }, /Invalid clients\[0\]: "any"/],
    [{ privateDnsZoneId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net" }, /Invalid privateDnsZoneId/],
    [{ backup: { vaultName: "1vault" } }, /Invalid backup\.vaultName: "1vault"/],
    [{ backup: { backupTime: "23:15" } }, /Invalid backup\.backupTime: "23:15"/],
    [{ backup: { dailyRetentionCount: 201 } }, /Invalid backup\.dailyRetentionCount: 201/],
    [{ purpose: "archive" }, /Invalid purpose: "archive"/],
  ])("bad prop %j", (props, msg) => {
    expect(() => build(props as any)).toThrow(msg);
  });
});
