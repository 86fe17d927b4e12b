import { addDataDisk, addRunCommand, addScript, addSiteServerAdding, addVm, addVmBackup, HARDENING_SCRIPT, patch, storageSite } from "./builders";
import { HARDENING_GUEST_CONFIGURATION } from "../../../src/contract/setting-traits";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";

const VM = "azurerm_windows_virtual_machine.smp01";
const ROLE = { "sdz-role": "state-migration-point" };
const HARDENING_TAGS = { "sdz-smb-signing-required": "true", "sdz-smb-encrypt-data": "true", "sdz-smb-reject-unencrypted": "true", "sdz-smb1-removed": "true" };

/** How `smp01` becomes a state migration point: its tag, or the site server's run command (untagged). */
const HOW: [string, (tf: TfJson, tags?: Record<string, string>, siteServerParameters?: string) => string, RegExp][] = [
  ["declared by sdz-role", (tf, tags = {}) => addVm(tf, "smp01", "smp", "10.0.1.20", { ...ROLE, ...tags }),
    /state migration point \(declared: sdz-role=state-migration-point on azurerm_windows_virtual_machine\.smp01\)/],
  ["inferred from Add-CMStateMigrationPoint", (tf, tags, parameters = "") => {
    addSiteServerAdding(tf, parameters);
    return addVm(tf, "smp01", "smp", "10.0.1.20", tags);
  }, /state migration point \(inferred: azurerm_virtual_machine_run_command\.smp_role configures it \(Add-CMStateMigrationPoint/],
];

type How = (typeof HOW)[number][1];

function point(how: How, tags?: Record<string, string>, extra: (tf: TfJson, vm: string) => void = () => undefined, parameters?: string): TfJson {
  const tf = storageSite();
  const vm = how(tf, tags, parameters);
  extra(tf, vm);
  return tf;
}

describe.each(HOW)("a state migration point %s", (_how, how, who) => {
  describe("SDZ-MIG-009 SMB hardening", () => {
    const ID = "SDZ-MIG-009";
    test("nothing applies it: an error naming every missing setting and the evidence", () => {
      const r = check(point(how), [ID]);
      expect(flagged(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(who);
      expect(messages(r, ID)[0]).toMatch(/does not apply SMB signing required \(RequireSecuritySignature\), SMB encryption required \(EncryptData\), unencrypted access rejected \(RejectUnencryptedAccess\), SMB 1 removed/);
    });

    test("the tags alone are only declared: an error", () => {
      const r = check(point(how, HARDENING_TAGS), [ID]);
      expect(flagged(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/only declares sdz-smb-signing-required, sdz-smb-encrypt-data, sdz-smb-reject-unencrypted, sdz-smb1-removed: no script on the VM sets and reads them back/);
    });

    test.each([["with", HARDENING_TAGS], ["without", undefined]])("a script extension that sets and reads back the settings, %s tags, passes", (_w, tags) => {
      expect(check(point(how, tags, (tf, vm) => addScript(tf, "harden", vm, HARDENING_SCRIPT)), [ID]).findings).toEqual([]);
    });

    test("a script wins over a tag that says false", () => {
      const tf = point(how, { ...HARDENING_TAGS, "sdz-smb1-removed": "false" }, (t, vm) => addScript(t, "harden", vm, HARDENING_SCRIPT));
      expect(check(tf, [ID]).findings).toEqual([]);
      const r = check(point(how, { ...HARDENING_TAGS, "sdz-smb1-removed": "false" }), [ID]);
      expect(messages(r, ID)[0]).toMatch(/does not apply SMB 1 removed \[sdz-smb1-removed=false\]/);
    });

    test("a script that sets without reading back does not count, and the error says so (F7): not \"does not apply\" for what it sets", () => {
      const r = check(point(how, undefined, (tf, vm) => addScript(tf, "harden", vm, "Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -Force")), [ID]);
      expect(flagged(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/\) does not apply SMB 1 removed; has SMB signing required \(RequireSecuritySignature\), SMB encryption required \(EncryptData\), unencrypted access rejected \(RejectUnencryptedAccess\) set by azurerm_virtual_machine_extension\.harden, which does not read them back$/);
      // With the tags: the same words, not "only declares".
      const t = check(point(how, HARDENING_TAGS, (tf, vm) => addScript(tf, "harden", vm, "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force")), [ID]);
      expect(flagged(t, ID)).toEqual([VM]);
      expect(messages(t, ID)[0]).toMatch(/\) has SMB signing required \(RequireSecuritySignature\) set by azurerm_virtual_machine_extension\.harden, which does not read it back; only declares sdz-smb-encrypt-data, sdz-smb-reject-unencrypted, sdz-smb1-removed:/);
    });

    test("a Machine Configuration assignment with the identity and extension it needs audits the declared tags", () => {
      const tf = point(how, HARDENING_TAGS, (t, vm) => {
        patch(t, vm, { identity: { type: "SystemAssigned" } });
        t.add("azurerm_virtual_machine_extension", "gc", { name: "AzurePolicyforWindows", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", type_handler_version: "1.0" });
        t.add("azurerm_policy_virtual_machine_configuration_assignment", "audit", {
          name: HARDENING_GUEST_CONFIGURATION, location: "westeurope", virtual_machine_id: TfJson.ref(vm), configuration: { version: "1.0.0", assignment_type: "Audit" },
        });
      });
      expect(check(tf, [ID]).findings).toEqual([]);
    });

    test.each([["declared tags", HARDENING_TAGS], ["no tags", undefined]])("a script in protected settings, with %s, is could-not-verify", (_w, tags) => {
      const r = check(point(how, tags, (tf, vm) => addScript(tf, "harden", vm, HARDENING_SCRIPT, "protected_settings")), [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/no readable script applies them, and azurerm_virtual_machine_extension\.harden keeps \(part of\) its script in protected_settings/);
    });
  });

  describe("SDZ-MIG-011 caps of the point", () => {
    const ID = "SDZ-MIG-011";
    test("no data disk is an error", () => {
      const r = check(point(how, { "sdz-smp-max-clients": "100" }), [ID]);
      expect(flagged(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/it has no data disk, so its storage folders share the OS disk/);
    });

    test("a data disk and a declared client cap: info, declared, not verified", () => {
      const r = check(point(how, { "sdz-smp-max-clients": "100" }, (tf, vm) => addDataDisk(tf, "store", vm)), [ID]);
      expect(r.findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual([`info fail ${VM}`]);
      expect(messages(r, ID)[0]).toMatch(/declared, not verified: sdz-smp-max-clients=100 \(sdz-smp-max-clients on azurerm_windows_virtual_machine\.smp01 is declared/);
    });

    test("a data disk and no client cap anywhere: could-not-verify", () => {
      const r = check(point(how, undefined, (tf, vm) => addDataDisk(tf, "store", vm)), [ID]);
      expect(unverifiedAt(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/no client cap is declared \(sdz-smp-max-clients\) or set by a Configuration Manager script/);
    });

    test("a data disk attached by a literal VM ID counts; an attachment whose VM is not known is could-not-verify", () => {
      const literal = point(how, { "sdz-smp-max-clients": "100" }, (tf) => {
        const disk = tf.add("azurerm_managed_disk", "store", { name: "store", location: "westeurope", resource_group_name: "rg", storage_account_type: "Premium_LRS", create_option: "Empty", disk_size_gb: 512 });
        tf.add("azurerm_virtual_machine_data_disk_attachment", "store", { managed_disk_id: TfJson.ref(disk), virtual_machine_id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/smp01", lun: 10, caching: "None" });
      });
      // Only the note that the client cap is declared: the disk is seen.
      expect(check(literal, [ID]).findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual([`info fail ${VM}`]);
      const unknown = point(how, { "sdz-smp-max-clients": "100" }, (tf) => tf.add("azurerm_virtual_machine_data_disk_attachment", "store", { managed_disk_id: "${var.disk}", virtual_machine_id: "${var.vm}", lun: 10, caching: "None" }));
      const r = check(unknown, [ID]);
      expect(unverifiedAt(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/no data disk is known to be attached \(azurerm_virtual_machine_data_disk_attachment\.store: virtual_machine_id cannot be followed/);
    });
  });

  describe("SDZ-MIG-012 deletion interval (a Configuration Manager setting)", () => {
    const ID = "SDZ-MIG-012";
    test.each([
      [{ "sdz-smp-delete-after-hours": "0" }, "error fail", /deletes restored state immediately \(sdz-smp-delete-after-hours=0\)/],
      [{ "sdz-smp-delete-after-hours": "12" }, "warning fail", /after only 12 hour\(s\) \(sdz-smp-delete-after-hours\)/],
      [{ "sdz-smp-delete-after-hours": "168" }, "info fail", /declared, not verified: sdz-smp-delete-after-hours=168 \(sdz-smp-delete-after-hours on azurerm_windows_virtual_machine\.smp01 is declared/],
      [{}, "warning unverified", /no deletion interval is declared \(sdz-smp-delete-after-hours\) or set by a Configuration Manager script/],
      [{ "sdz-smp-delete-after-hours": "soon" }, "warning unverified", /its sdz-smp-delete-after-hours tag is "soon"/],
    ])("tags %j: %s", (tags, outcome, says) => {
      const r = check(point(how, tags), [ID]);
      expect(r.findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual([`${outcome} ${VM}`]);
      expect(messages(r, ID)[0]).toMatch(says);
      expect(messages(r, ID)[0]).toMatch(who);
    });
  });

  describe("SDZ-MIG-013 VM backup", () => {
    const ID = "SDZ-MIG-013";
    test("no azurerm_backup_protected_vm is an error", () => {
      expect(flagged(check(point(how), [ID]), ID)).toEqual([VM]);
    });
    test.each([["a reference", (vm: string) => TfJson.ref(vm)], ["a literal VM ID", () => "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/smp01"]])("a protection by %s passes", (_w, id) => {
      expect(check(point(how, undefined, (tf, vm) => addVmBackup(tf, "bk", vm, id(vm))), [ID]).findings).toEqual([]);
    });
    test("a protection whose VM is not known before apply is could-not-verify", () => {
      const r = check(point(how, undefined, (tf, vm) => addVmBackup(tf, "bk", vm, "${var.vm_id}")), [ID]);
      expect(unverifiedAt(r, ID)).toEqual([VM]);
      expect(messages(r, ID)[0]).toMatch(/azurerm_backup_protected_vm\.bk: source_vm_id is not known before apply/);
    });
  });
});

describe("SDZ-MIG-012 what the site server's script sets comes first", () => {
  const ID = "SDZ-MIG-012";
  test.each([
    ["-DeleteImmediately", true, "error fail", /deletes restored state immediately \(-DeleteImmediately in azurerm_virtual_machine_run_command\.smp_role\)/],
    ["-TimeDeleteAfter 12 -TimeUnit Hours", true, "warning fail", /after only 12 hour\(s\) \(-TimeDeleteAfter 12 -TimeUnit Hours in azurerm_virtual_machine_run_command\.smp_role\)/],
    ["-TimeDeleteAfter 7 -TimeUnit Days", true, undefined, undefined],
    ["-TimeDeleteAfter 7 -TimeUnit Days", false, "info fail", /declared, not verified: restored state is deleted after 168 hours, set by azurerm_virtual_machine_run_command\.smp_role, which does not read it back/],
  ])("%s (read back: %s)", (parameters, readBack, outcome, says) => {
    const tf = storageSite();
    addSiteServerAdding(tf, parameters, "smp01.corp.contoso.com", readBack);
    // A tag that says otherwise does not hide what the script does.
    addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-smp-delete-after-hours": "168" });
    const r = check(tf, [ID]);
    expect(r.findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual(outcome ? [`${outcome} ${VM}`] : []);
    if (says) expect(messages(r, ID)[0]).toMatch(says);
  });

  test("a tagged point whose tags come from a variable, inferred from the site server: could-not-verify", () => {
    const tf = storageSite();
    addSiteServerAdding(tf);
    patch(tf, addVm(tf, "smp01", "smp", "10.0.1.20", {}), { tags: "${var.tags}" });
    const r = check(tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([VM]);
    expect(messages(r, ID)[0]).toMatch(/its tags are not known before apply/);
  });
});

describe("a Configuration Manager script on a VM not shown to be the site server (no CMSite drive rooted at itself)", () => {
  const NOT_SHOWN = "it runs on azurerm_windows_virtual_machine.cm01, which no script of this configuration shows to be a Configuration Manager site server";
  function site(parameters: string, siteServer: boolean): TfJson {
    const tf = storageSite();
    addSiteServerAdding(tf, parameters, "smp01.corp.contoso.com", true, siteServer);
    addDataDisk(tf, "store", addVm(tf, "smp01", "smp", "10.0.1.20"));
    return tf;
  }

  test("the point is still inferred, and its evidence says the script's VM is not shown to be the site server", () => {
    const r = check(site("-DeleteImmediately", false), ["SDZ-MIG-012"]);
    expect(flagged(r, "SDZ-MIG-012")).toEqual([VM]);
    expect(messages(r, "SDZ-MIG-012")[0]).toContain(`(inferred: azurerm_virtual_machine_run_command.smp_role configures it (Add-CMStateMigrationPoint -SiteSystemServerName smp01.corp.contoso.com -SiteC...); ${NOT_SHOWN}`);
    // From the site server, the evidence is the script alone.
    const fromSite = check(site("-DeleteImmediately", true), ["SDZ-MIG-012"]);
    expect(flagged(fromSite, "SDZ-MIG-012")).toEqual([VM]);
    expect(messages(fromSite, "SDZ-MIG-012")[0]).not.toContain("no script of this configuration shows");
  });

  test.each([
    ["SDZ-MIG-012", "-TimeDeleteAfter 7 -TimeUnit Days", "restored state is deleted after 168 hours, set by azurerm_virtual_machine_run_command.smp_role, which runs on azurerm_windows_virtual_machine.cm01"],
    ["SDZ-MIG-011", "-StorageFolder (New-CMStorageFolder -StorageFolderName F:\\USMT -MaximumClientNumber 100 -MinimumFreeSpace 10 -SpaceUnit Percent)",
      "the client cap is set by azurerm_virtual_machine_run_command.smp_role, which runs on azurerm_windows_virtual_machine.cm01"],
  ])("%s: a compliant value it sets and reads back is declared, not verified (info); from the site server it passes", (id, parameters, says) => {
    const r = check(site(parameters, false), [id]);
    expect(r.findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual([`info fail ${VM}`]);
    expect(messages(r, id)[0]).toContain(`declared, not verified: ${says}, which no script of this configuration shows to be a Configuration Manager site server`);
    expect(check(site(parameters, true), [id]).findings).toEqual([]);
  });
});

describe("SDZ-MIG-011 a client cap set by the site server's script", () => {
  const ID = "SDZ-MIG-011";
  test.each([[true, []], [false, ["info"]]])("read back %s", (readBack, levels) => {
    const tf = storageSite();
    addSiteServerAdding(tf, "-StorageFolder (New-CMStorageFolder -StorageFolderName F:\\USMT -MaximumClientNumber 100 -MinimumFreeSpace 10 -SpaceUnit Percent)", "smp01.corp.contoso.com", readBack as boolean);
    addDataDisk(tf, "store", addVm(tf, "smp01", "smp", "10.0.1.20"));
    expect(check(tf, [ID]).findings.map((f) => f.level)).toEqual(levels);
  });
});

describe("a VM whose role cannot be read", () => {
  test("is reported once, by SDZ-SEC-001 for every pack, as could-not-verify naming the point rules", () => {
    const tf = storageSite();
    patch(tf, addVm(tf, "vm01", "smp", "10.0.1.30"), { tags: "${var.tags}" });
    const r = check(tf, ["SDZ-MIG-009", "SDZ-MIG-011", "SDZ-MIG-012", "SDZ-MIG-013", "SDZ-SEC-001"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual(["SDZ-SEC-001 unverified azurerm_windows_virtual_machine.vm01"]);
    expect(messages(r, "SDZ-SEC-001")[0]).toMatch(/whether azurerm_windows_virtual_machine\.vm01 is any of .*state-migration-point.* could not be told \(azurerm_windows_virtual_machine\.vm01: its tags are not known before apply/);
    expect(messages(r, "SDZ-SEC-001")[0]).toContain("the state migration point rules (SDZ-MIG-009, 011, 012, 013)");
  });

  test("a KMS host or an untagged VM is no state migration point: the point rules stay silent", () => {
    const tf = storageSite();
    addVm(tf, "kms01", "servers", "10.0.2.5", { "sdz-role": "kms-host", ...HARDENING_TAGS });
    addRunCommand(tf, "other", addVm(tf, "app01", "servers", "10.0.2.6"), "Add-CMDistributionPoint -SiteSystemServerName app01");
    expect(check(tf, ["SDZ-MIG-009", "SDZ-MIG-011", "SDZ-MIG-012", "SDZ-MIG-013"]).findings).toEqual([]);
  });
});
