import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { adminPassword, migrationStack } from "./support";
import { ConfigMgrSiteServer } from "../../src/compute/configmgr-site-server";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { MIGRATION_TAG } from "../../src/contract/migration-tags";
import { TagSpec } from "../../src/contract/tag";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { RuleLevel } from "../../src/engine/rule";
import { Settings } from "../../src/engine/settings";
import { DeletionIntervalUnit, FreeSpaceUnit, StateMigrationPoint, StateMigrationPointProps } from "../../src/migration";
import { Peer } from "../../src/network/peer";
import { ALL_RULES } from "../../src/rules";
import { synthJson } from "../support/fixtures";

type SiteFactory = (env: ReturnType<typeof migrationStack>, password: SensitiveValue) => Partial<StateMigrationPointProps>;

function build(extra: Partial<StateMigrationPointProps> = {}, withSite?: SiteFactory) {
  const env = migrationStack();
  const password = adminPassword(env.stack);
  if (withSite) extra = { ...extra, ...withSite(env, password) };
  const smp = new StateMigrationPoint(env.stack, "Smp", {
    zone: env.storeZone, serverName: "smp01", privateIpAddress: "10.20.1.20", adminUsername: "smpadmin",
    adminPassword: password, storageQuotaGib: 512, clients: [Peer.zone(env.clients)], siteCode: "P01",
    siteSystemServerName: "smp01.corp.contoso.com", ...extra,
  });
  return { ...env, smp, json: synthJson(env.stack) };
}
const only = (json: any, type: string) => {
  const e = Object.entries<any>(json.resource[type] ?? {});
  expect(e).toHaveLength(1);
  return { name: e[0][0], body: e[0][1] };
};

describe("StateMigrationPoint synthesis", () => {
  const { json, smp } = build();
  const vm = only(json, "azurerm_windows_virtual_machine");

  test("the VM records its role, SMB hardening and typed settings as sdz-* tags", () => {
    expect(vm.body.tags).toEqual({
      "sdz-role": "state-migration-point",
      "sdz-smb-signing-required": "true",
      "sdz-smb-encrypt-data": "true",
      "sdz-smb-reject-unencrypted": "true",
      "sdz-smb1-removed": "true",
      "sdz-smp-delete-after-hours": "168",
      "sdz-smp-restore-only": "false",
      "sdz-smp-max-clients": "100",
      "sdz-smp-min-free-space": "10 Percent",
      "sdz-smp-quota-gib": "512",
    });
    expect(vm.body.secure_boot_enabled).toBe(true);
  });

  test("a data disk sized to the quota, private, protected from destroy, attached to the VM", () => {
    const disk = only(json, "azurerm_managed_disk");
    expect(disk.body).toMatchObject({
      name: "smp01-statestore", disk_size_gb: 512, create_option: "Empty", storage_account_type: "Premium_LRS",
      network_access_policy: "DenyAll", public_network_access_enabled: false, lifecycle: { prevent_destroy: true },
    });
    const att = only(json, "azurerm_virtual_machine_data_disk_attachment");
    expect(att.body).toMatchObject({
      managed_disk_id: `\${azurerm_managed_disk.${disk.name}.id}`,
      virtual_machine_id: `\${azurerm_windows_virtual_machine.${vm.name}.id}`, lun: 10, caching: "None",
    });
  });

  test("the extension runs the SMB hardening script after the disk is attached", () => {
    const exts = Object.values<any>(json.resource.azurerm_virtual_machine_extension);
    expect(exts.map((x) => x.type).sort()).toEqual(["AzureMonitorWindowsAgent", "CustomScriptExtension"]);
    const ext = exts.find((x) => x.type === "CustomScriptExtension");
    expect(ext.depends_on).toEqual([expect.stringMatching(/^azurerm_virtual_machine_data_disk_attachment\.\w+$/)]);
    const cmd: string = JSON.parse(ext.settings).commandToExecute;
    const script = Buffer.from(cmd.split("-EncodedCommand ")[1], "base64").toString("utf16le");
    expect(script).toContain(smp.hardeningScript.trimEnd());
    expect(ext.protected_settings).toBeUndefined();
    expect(script).toContain("Set-SmbServerConfiguration -RequireSecuritySignature $true -EnableSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false -Force");
    expect(script).toContain("Uninstall-WindowsFeature -Name FS-SMB1");
    expect(script).toContain("-EncryptionCiphers 'AES_256_GCM, AES_128_GCM'");
    expect(script).toMatch(/-DriveLetter F /);
    expect(script).toContain("New-Item -ItemType Directory -Path 'F:\\StateMigration'");
    expect(script).toMatch(/throw 'SMB hardening did not apply'/);
  });

  test("a server name starting with a digit gives a VM backup policy name azurerm accepts (it must start with a letter)", () => {
    const { json: digits } = build({ serverName: "1smp", backup: { vaultName: "smp-rsv" } });
    expect(only(digits, "azurerm_backup_policy_vm").body.name).toBe("bp-1smp-daily");
  });

  test("VM backup with an Enhanced (V2) policy in a soft-delete vault", () => {
    const vault = only(json, "azurerm_recovery_services_vault");
    expect(vault.body).toMatchObject({ name: "smp01-rsv", soft_delete_enabled: true });
    const pol = only(json, "azurerm_backup_policy_vm");
    expect(pol.body).toMatchObject({ name: "smp01-daily", policy_type: "V2", backup: { frequency: "Daily", time: "23:00" }, retention_daily: { count: 30 } });
    expect(only(json, "azurerm_backup_protected_vm").body).toMatchObject({
      source_vm_id: `\${azurerm_windows_virtual_machine.${vm.name}.id}`,
      backup_policy_id: `\${azurerm_backup_policy_vm.${pol.name}.id}`,
    });
  });

  test("inbound only TCP 445, 443 and 80 from the client zone to the server IP", () => {
    const allows = Object.values<any>(json.resource.azurerm_network_security_rule).filter((r) => r.access === "Allow" && r.protocol !== "Icmp");
    expect(allows.map((r) => r.destination_port_range).sort()).toEqual(["443", "445", "80"]);
    for (const r of allows) {
      expect(r).toMatchObject({ direction: "Inbound", protocol: "Tcp", source_address_prefix: "10.20.2.0/24", destination_address_prefix: "10.20.1.20/32" });
    }
  });

  test("secure by default: no error or warning finding from every rule; the SMB settings are applied (the settings script sets and reads them back)", () => {
    const model = TerraformModel.fromTerraformJson(json);
    const r = runRules(model, ALL_RULES);
    expect(r.findings.filter((f) => f.level !== RuleLevel.INFO).map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([]);
    const settings = Settings.of(model);
    const server = model.byAddress(`azurerm_windows_virtual_machine.${vm.name}`)!;
    for (const spec of [MIGRATION_TAG.smbSigningRequired, MIGRATION_TAG.smbEncryptData, MIGRATION_TAG.smbRejectUnencrypted, MIGRATION_TAG.smb1Removed]) {
      expect([spec.key, settings.read(server, spec).provenance]).toEqual([spec.key, "applied"]);
    }
  });
});

describe("StateMigrationPoint ConfigMgr snippet", () => {
  test("is written next to cdk.tf.json with the typed settings", () => {
    const { stack, smp } = build({ deleteAfter: 36, deleteAfterUnit: DeletionIntervalUnit.HOURS, maxClients: 250, minimumFreeSpace: 20, minimumFreeSpaceUnit: FreeSpaceUnit.GIGABYTE, restoreOnlyMode: true, storageFolderPath: "G:\\USMT\\Store" });
    const outdir = Testing.fullSynth(stack);
    const file = fs.readFileSync(path.join(outdir, "stacks", "test", "smp01-state-migration-point.ps1"), "utf8");
    expect(file).toBe(smp.configMgrSnippet);
    expect(file).toContain("$folder = New-CMStorageFolder -StorageFolderName 'G:\\USMT\\Store' -MaximumClientNumber 250 -MinimumFreeSpace 20 -SpaceUnit Gigabyte");
    expect(file).toContain("Set-CMStateMigrationPoint -SiteSystemServerName 'smp01.corp.contoso.com' -SiteCode 'P01' -AddStorageFolder $folder -TimeDeleteAfter 36 -TimeUnit Hours -EnableRestoreOnlyMode $true");
    expect(file).not.toMatch(/DeleteImmediately/);
    expect(smp.deleteAfterHours).toBe(36);
    expect(smp.hardeningScript).toMatch(/-DriveLetter G /);
  });

  test("httpsOnly drops port 80", () => {
    const { json } = build({ httpsOnly: true });
    const ports = Object.values<any>(json.resource.azurerm_network_security_rule).filter((r) => r.access === "Allow" && r.protocol === "Tcp").map((r) => r.destination_port_range);
    expect(ports.sort()).toEqual(["443", "445"]);
  });

  test("allowDestroy removes prevent_destroy from the data disk", () => {
    expect(only(build({ allowDestroy: true }).json, "azurerm_managed_disk").body.lifecycle).toBeUndefined();
  });
});

describe("StateMigrationPoint construction errors", () => {
  test("delete immediately is refused (R-MIG-3)", () => {
    expect(() => build({ deleteAfter: 0 })).toThrow(/Invalid deleteAfter: 0\. Allowed: at least 1: deleting restored state immediately/);
  });
  test.each([
    [{ deleteAfter: -1 }, /Invalid deleteAfter: -1/],
    [{ deleteAfter: 366 }, /Invalid deleteAfter: 366\. Allowed: an integer from 1 to 365/],
    [{ storageQuotaGib: 2 }, /Invalid storageQuotaGib: 2\. Allowed: an integer from 4 to 32767/],
    [{ storageQuotaGib: 40000 }, /Invalid storageQuotaGib: 40000/],
    [{ clients: [] }, /Invalid clients: \[\]/],
    [{ clients: [Peer.serviceTag("VirtualNetwork")] }, /Invalid clients\[0\]: "VirtualNetwork"/],
    [{ siteCode: "P0" }, /Invalid siteCode: "P0"/],
    [{ siteSystemServerName: "bad name" }, /Invalid siteSystemServerName: "bad name"/],
    [{ storageFolderPath: "C:\\StateMigration" }, /Invalid storageFolderPath: "C:\\\\StateMigration"/],
    [{ storageFolderPath: "F:\\a'b" }, /Invalid storageFolderPath/],
    [{ maxClients: 0 }, /Invalid maxClients: 0\. Allowed: an integer from 1 to 99999/],
    [{ minimumFreeSpace: 101 }, /Invalid minimumFreeSpace: 101\. Allowed: an integer from 1 to 100/],
    [{ minimumFreeSpace: 512, minimumFreeSpaceUnit: FreeSpaceUnit.GIGABYTE }, /Invalid minimumFreeSpace: 512\. Allowed: an integer from 1 to 511/],
    [{ deleteAfterUnit: "Weeks" }, /Invalid deleteAfterUnit: "Weeks"/],
    [{ dataDiskStorageType: "UltraSSD_LRS" }, /Invalid dataDiskStorageType: "UltraSSD_LRS"/],
    [{ backup: { dailyRetentionCount: 5 } }, /Invalid backup\.dailyRetentionCount: 5\. Allowed: an integer from 7 to 9999/],
    [{ backup: { vaultName: "-x" } }, /Invalid backup\.vaultName: "-x"/],
  ])("bad prop %j", (props, msg) => {
    expect(() => build(props as any)).toThrow(msg);
  });
});

describe("StateMigrationPoint ConfigMgr settings on a named site server", () => {
  const SMP_SETTINGS = [MIGRATION_TAG.deleteAfterHours, MIGRATION_TAG.restoreOnly, MIGRATION_TAG.maxClients, MIGRATION_TAG.minFreeSpace] as TagSpec<unknown>[];
  const SITE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cm-rg/providers/Microsoft.Compute/virtualMachines/cm01";

  function provenances(json: any) {
    const model = TerraformModel.fromTerraformJson(json);
    const [vm] = model.ofType("azurerm_windows_virtual_machine").filter((r) => r.config.name === "smp01");
    return SMP_SETTINGS.map((spec) => [spec.key, Settings.of(model).read(vm, spec).provenance]);
  }

  test("a run command on the site server sets the folder, deletion interval and restore-only mode and reads them back; no secret", () => {
    const { json, smp } = build({ configMgrSiteServer: ConfigMgrSiteServer.fromVirtualMachineId(SITE, "westeurope"), deleteAfter: 36, deleteAfterUnit: DeletionIntervalUnit.HOURS });
    const [rc] = Object.values<any>(json.resource.azurerm_virtual_machine_run_command);
    expect(rc).toMatchObject({ name: "sdz-smp-smp01", virtual_machine_id: SITE, location: "westeurope" });
    expect(rc.protected_parameter ?? []).toEqual([]);
    const script: string = rc.source.script;
    expect(script).toContain("$Smp = 'smp01.corp.contoso.com'");
    expect(script).toMatch(/^\$folder = New-CMStorageFolder -StorageFolderName \$FolderPath -MaximumClientNumber 100 -MinimumFreeSpace 10 -SpaceUnit Percent$/m);
    expect(script).toMatch(/^Set-CMStateMigrationPoint .* -TimeDeleteAfter 36 -TimeUnit Hours -EnableRestoreOnlyMode \$false$/m);
    expect(script).toContain("-ne 2160) { throw 'The deletion interval did not apply' }");
    expect(smp.configMgrRunCommand).toBeDefined();
    expect(rc.depends_on).toEqual([expect.stringMatching(/^azurerm_windows_virtual_machine\.\w+_Vm_\w+$/)]);
  });

  test("applied with a site server of this configuration, declared without one", () => {
    const siteServer = (env: ReturnType<typeof migrationStack>, password: SensitiveValue) => {
      const cm = new SecureWindowsServer(env.stack, "SiteServer", { zone: env.storeZone, serverName: "cm01", privateIpAddress: "10.20.1.30", adminUsername: "smpadmin", adminPassword: password });
      return { configMgrSiteServer: ConfigMgrSiteServer.fromServer(cm) };
    };
    expect(provenances(build({}, siteServer).json)).toEqual(SMP_SETTINGS.map((s) => [s.key, "applied"]));
    const bare = build().json;
    expect(bare.resource.azurerm_virtual_machine_run_command).toBeUndefined();
    expect(provenances(bare)).toEqual(SMP_SETTINGS.map((s) => [s.key, "declared"]));
  });

  test("refuses a configMgrSiteServer that is not one, naming the construct and the prop", () => {
    expect(() => build({ configMgrSiteServer: "cm01" as any })).toThrow(/Smp.*configMgrSiteServer.*"cm01".*ConfigMgrSiteServer\.fromServer/);
  });
});
