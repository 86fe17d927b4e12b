import { KMS_TAG } from "../../src/contract/kms-tags";
import { MIGRATION_TAG } from "../../src/contract/migration-tags";
import { OOB_TAG } from "../../src/contract/oob-tags";
import { PXE_TAG } from "../../src/contract/pxe-tags";
import { HARDENING_GUEST_CONFIGURATION } from "../../src/contract/setting-traits";
import { TagSpec } from "../../src/contract/tag";
import { TerraformModel } from "../../src/engine/model";
import { Settings } from "../../src/engine/settings";
import { check, flagged, messages, unverifiedAt } from "../support/rule-harness";
import { TfJson } from "../support/tf-json";

function vmWith(tags: Record<string, string>, extra: (tf: TfJson, vm: string) => void = () => undefined) {
  const tf = new TfJson();
  const sub = tf.subnet("s", tf.vnet("net"), ["10.0.1.0/24"]);
  const vm = tf.windowsVm("kms01", [tf.nic("nic", sub, "10.0.1.4")], { tags });
  extra(tf, vm);
  const model = tf.model();
  return { settings: Settings.of(model), vm: model.byAddress(vm)! };
}

const HARDENED = { "sdz-restrict-anonymous": "true" };

describe("settings provenance", () => {
  test("a hardening tag with nothing that applies it is only declared, and not acceptable", () => {
    const { settings, vm } = vmWith(HARDENED);
    const s = settings.read(vm, KMS_TAG.restrictAnonymous);
    expect([s.provenance, s.acceptable]).toEqual(["declared", false]);
    expect(s.evidence).toMatch(/only declared/);
  });

  test("a script extension that sets the value and reads it back makes it applied", () => {
    const script = "Set-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa -Name RestrictAnonymous -Value 1; if ((Get-ItemPropertyValue -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa -Name RestrictAnonymous) -ne 1) { exit 1 }";
    const { settings, vm } = vmWith(HARDENED, (tf, v) => tf.add("azurerm_virtual_machine_extension", "harden", {
      name: "harden", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
    }));
    const s = settings.read(vm, KMS_TAG.restrictAnonymous);
    expect([s.provenance, s.acceptable]).toEqual(["applied", true]);
  });

  test("setting without reading back is not applied", () => {
    const { settings, vm } = vmWith(HARDENED, (tf, v) => tf.add("azurerm_virtual_machine_extension", "harden", {
      name: "harden", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: "powershell Set-ItemProperty -Path HKLM:\\x -Name RestrictAnonymous -Value 1" }),
    }));
    expect(settings.read(vm, KMS_TAG.restrictAnonymous).provenance).toBe("declared");
  });

  test("a Machine Configuration assignment audits it only with the identity and extension it needs", () => {
    const assign = (tf: TfJson, v: string) => tf.add("azurerm_policy_virtual_machine_configuration_assignment", "audit", {
      name: HARDENING_GUEST_CONFIGURATION, location: "westeurope", virtual_machine_id: TfJson.ref(v), configuration: { version: "1.0.0", assignment_type: "Audit" },
    });
    const bare = vmWith(HARDENED, assign);
    const s1 = bare.settings.read(bare.vm, KMS_TAG.restrictAnonymous);
    expect(s1.provenance).toBe("declared");
    expect(s1.evidence).toMatch(/lacks a system-assigned identity/);
    const full = vmWith(HARDENED, (tf, v) => {
      assign(tf, v);
      Object.assign((tf.json.resource.azurerm_windows_virtual_machine as any).kms01, { identity: { type: "SystemAssigned" } });
      tf.add("azurerm_virtual_machine_extension", "gc", { name: "AzurePolicyforWindows", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", type_handler_version: "1.0" });
    });
    expect(full.settings.read(full.vm, KMS_TAG.restrictAnonymous).provenance).toBe("audited");
  });

  test("Configuration Manager settings are declared but acceptable, applied by a run command on a site server that names the server", () => {
    const declared = vmWith({ "sdz-pxe-password-required": "true" });
    expect(declared.settings.read(declared.vm, PXE_TAG.passwordRequired)).toMatchObject({ provenance: "declared", acceptable: true });
    const applied = vmWith({ "sdz-pxe-password-required": "true" }, (tf) => {
      const sub = "azurerm_subnet.s";
      const site = tf.windowsVm("cm01", [tf.nic("cm_nic", sub, "10.0.1.5")]);
      tf.add("azurerm_virtual_machine_run_command", "pxe", {
        name: "pxe", location: "westeurope", virtual_machine_id: TfJson.ref(site),
        source: { script: "New-PSDrive -Name P01 -PSProvider CMSite -Root cm01\nSet-CMDistributionPoint -SiteSystemServerName kms01 -EnablePxe $true -PxePassword $p; Get-CMDistributionPoint -SiteSystemServerName kms01" },
      });
    });
    expect(applied.settings.read(applied.vm, PXE_TAG.passwordRequired).provenance).toBe("applied");
  });

  test("firmware settings are always declared", () => {
    const { settings, vm } = vmWith({ "sdz-oob-mebx-custom-password": "true" });
    expect(settings.read(vm, OOB_TAG.mebxCustomPassword)).toMatchObject({ provenance: "declared", acceptable: true });
  });
});

/**
 * Review reproducers (cases prov/kms-zero, prov/commented, prov/cm): "applied" only when a script on
 * the right VM sets the declared value and reads it back. Raw, untagged resources but for the sdz tags.
 */
describe("applied means the declared value is what the script leaves", () => {
  const PW = { variable: { pw: { type: "string", sensitive: true } } };
  const windowsVm = (name: string, tags?: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    name, admin_username: "u", admin_password: "${var.pw}", size: "Standard_D2s_v5", network_interface_ids: [], resource_group_name: "rg", location: "x", ...extra, ...(tags ? { tags } : {}),
  });
  const extension = (vm: string, commandToExecute: string) => ({
    e: { name: "e", virtual_machine_id: `\${azurerm_windows_virtual_machine.${vm}.id}`, publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10", settings: JSON.stringify({ commandToExecute }) },
  });
  const inventory = (json: Record<string, unknown>, vm: string, specs: TagSpec<any>[]) => {
    const model = TerraformModel.fromTerraformJson(json);
    const settings = Settings.of(model);
    return specs.map((s) => { const r = settings.read(model.byAddress(vm)!, s); return [s.key, r.provenance, r.evidence]; });
  };
  const outcomes = (json: Record<string, unknown>, prefix: string) =>
    check(json).findings.filter((f) => f.ruleId.startsWith(prefix)).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();

  // A: the extension sets the three registry values to 0, the opposite of the tags, and reads them back.
  const KMS = [KMS_TAG.restrictAnonymous, KMS_TAG.restrictAnonymousSam, KMS_TAG.restrictNullSessionAccess];
  const kmsZero = (value: string) => ({
    resource: {
      azurerm_windows_virtual_machine: { vm: windowsVm("kms01", { "sdz-role": "kms-host", "sdz-restrict-anonymous": "true", "sdz-restrict-anonymous-sam": "true", "sdz-restrict-null-session-access": "true" }) },
      azurerm_virtual_machine_extension: extension("vm", `powershell -Command "$k='HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Lsa'; Set-ItemProperty -Path $k -Name RestrictAnonymous -Value ${value}; `
        + `Set-ItemProperty -Path $k -Name RestrictAnonymousSAM -Value ${value}; Set-ItemProperty -Path 'HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters' -Name RestrictNullSessAccess -Value ${value}; `
        + "Get-ItemProperty -Path $k -Name RestrictAnonymous; Get-ItemProperty $k -Name RestrictAnonymousSAM; Get-ItemProperty HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters -Name RestrictNullSessAccess\""),
    },
    ...PW,
  });

  test("A (kms-zero): registry values set to 0 under tags saying 1 are declared (was: applied), naming what the script sets; SDZ-KMS-005 lists them", () => {
    const vm = "azurerm_windows_virtual_machine.vm";
    expect(inventory(kmsZero("0"), vm, KMS)).toEqual([
      ["sdz-restrict-anonymous", "declared", `sdz-restrict-anonymous on ${vm} is only declared: azurerm_virtual_machine_extension.e sets RestrictAnonymous = 0 last, not sdz-restrict-anonymous=true, and no Machine Configuration assignment audits it`],
      ["sdz-restrict-anonymous-sam", "declared", `sdz-restrict-anonymous-sam on ${vm} is only declared: azurerm_virtual_machine_extension.e sets RestrictAnonymousSAM = 0 last, not sdz-restrict-anonymous-sam=true, and no Machine Configuration assignment audits it`],
      ["sdz-restrict-null-session-access", "declared", `sdz-restrict-null-session-access on ${vm} is only declared: azurerm_virtual_machine_extension.e sets RestrictNullSessAccess = 0 last, not sdz-restrict-null-session-access=true, and no Machine Configuration assignment audits it`],
    ]);
    const r = check(kmsZero("0"), ["SDZ-KMS-005"]);
    expect(outcomes(kmsZero("0"), "SDZ-KMS-")).toEqual([`SDZ-KMS-005 ${vm} fail`]);
    expect(messages(r, "SDZ-KMS-005")[0]).toMatch(/nothing applies SMB 1 removed; RestrictAnonymous \(sdz-restrict-anonymous=true\), RestrictAnonymousSAM \(sdz-restrict-anonymous-sam=true\), RestrictNullSessAccess \(sdz-restrict-null-session-access=true\) are only declared/);
    // The same script writing 1 applies them: only SMB 1 is left.
    expect(inventory(kmsZero("1"), vm, KMS).map((x) => x[1])).toEqual(["applied", "applied", "applied"]);
    expect(messages(check(kmsZero("1"), ["SDZ-KMS-005"]), "SDZ-KMS-005")).toEqual([expect.stringMatching(/: nothing applies SMB 1 removed; anonymous/)]);
  });

  // B: the SMB commands (and the read-back) are in PowerShell comments.
  const SMB = [MIGRATION_TAG.smbSigningRequired, MIGRATION_TAG.smbEncryptData, MIGRATION_TAG.smbRejectUnencrypted, MIGRATION_TAG.smb1Removed];
  const smp = (command: string) => ({
    resource: {
      azurerm_windows_virtual_machine: { vm: windowsVm("smp01", { "sdz-role": "state-migration-point", "sdz-smb-signing-required": "true", "sdz-smb-encrypt-data": "true", "sdz-smb-reject-unencrypted": "true", "sdz-smb1-removed": "true" }) },
      azurerm_virtual_machine_extension: extension("vm", command),
    },
    ...PW,
  });
  const COMMENTED = "powershell -Command \"# TODO later: Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true; "
    + "Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol\nWrite-Host 'not done yet' # Get-SmbServerConfiguration\"";
  const MIG = ["SDZ-MIG-009 azurerm_windows_virtual_machine.vm fail", "SDZ-MIG-011 azurerm_windows_virtual_machine.vm fail", "SDZ-MIG-012 azurerm_windows_virtual_machine.vm unverified", "SDZ-MIG-013 azurerm_windows_virtual_machine.vm fail"];

  test("B (commented): SMB commands in comments apply nothing: declared (was: applied), and SDZ-MIG-009 fails as for tags alone", () => {
    const vm = "azurerm_windows_virtual_machine.vm";
    expect(inventory(smp(COMMENTED), vm, SMB).map((x) => x[1])).toEqual(["declared", "declared", "declared", "declared"]);
    expect(outcomes(smp(COMMENTED), "SDZ-MIG-")).toEqual(MIG);
    expect(messages(check(smp(COMMENTED), ["SDZ-MIG-009"]), "SDZ-MIG-009")[0]).toMatch(/only declares sdz-smb-signing-required, sdz-smb-encrypt-data, sdz-smb-reject-unencrypted, sdz-smb1-removed/);
    // A block comment is a comment too; `#` inside a string is not one.
    const block = "powershell -Command \"<# Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true\nUninstall-WindowsFeature FS-SMB1 #> Get-SmbServerConfiguration\"";
    expect(inventory(smp(block), vm, SMB).map((x) => x[1])).toEqual(["declared", "declared", "declared", "declared"]);
    // (A `#` inside a string earlier on the same line would make the rest of it a possible comment: not applied, by design.)
    const live = "powershell -Command \"Write-Host 'step #1'\nSet-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -Force # harden\nUninstall-WindowsFeature FS-SMB1\nGet-SmbServerConfiguration; Get-WindowsFeature FS-SMB1\"";
    expect(inventory(smp(live), vm, SMB).map((x) => x[1])).toEqual(["applied", "applied", "applied", "applied"]);
    expect(outcomes(smp(live), "SDZ-MIG-")).toEqual(MIG.slice(1));
  });

  test("a later write that may be in a string or a comment keeps a value from being applied", () => {
    const vm = "azurerm_windows_virtual_machine.vm";
    // `"#"` is a string, so the $false after it runs: Windows keeps $false.
    const tricky = "powershell -Command \"Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true; Write-Host \\\"#\\\"; Set-SmbServerConfiguration -EncryptData $false\nGet-SmbServerConfiguration\"";
    const [signing, encrypt] = inventory(smp(tricky), vm, SMB);
    expect(signing[1]).toBe("applied");
    expect(encrypt.slice(1)).toEqual(["declared", `sdz-smb-encrypt-data on ${vm} is only declared: azurerm_virtual_machine_extension.e writes -EncryptData $true last, or -EncryptData $false if what may be a comment or a string is code, `
      + "which the checks cannot tell apart, and no Machine Configuration assignment audits it"]);
  });

  // C: a run command on ws01 (no site server) sets the opposite of the declared PXE values.
  const PXE = [PXE_TAG.multicast, PXE_TAG.unknownComputers];
  const cm = (opts: { host?: "ws" | "cm"; value?: string } = {}) => ({
    resource: {
      azurerm_windows_virtual_machine: {
        pxe: windowsVm("pxe01", { "sdz-role": "pxe-distribution-point", "sdz-pxe-multicast": "false", "sdz-pxe-unknown-computers": "false" }, { computer_name: "pxe01" }),
        ws: windowsVm("ws01"),
        cm: windowsVm("cm01"),
      },
      azurerm_virtual_machine_run_command: {
        rc: {
          name: "rc", location: "x", virtual_machine_id: `\${azurerm_windows_virtual_machine.${opts.host ?? "ws"}.id}`,
          source: {
            script: `${opts.host === "cm" ? "Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1')\nNew-PSDrive -Name P01 -PSProvider CMSite -Root $env:COMPUTERNAME | Out-Null\n" : ""}`
              + `Set-CMDistributionPoint -SiteSystemServerName pxe01.corp -EnableMulticast ${opts.value ?? "$true"} -EnableUnknownComputerSupport ${opts.value ?? "$true"}\nGet-CMDistributionPoint -SiteSystemServerName pxe01.corp`,
          },
        },
      },
    },
    ...PW,
  });
  // The tags the distribution point does not record (password, content transport, images, interfaces) are SDZ-PXE-005's one could-not-verify.
  const PXE_OUTCOMES = ["SDZ-PXE-005 azurerm_windows_virtual_machine.pxe unverified"];

  test("C (cm): a run command on a VM that is no site server, setting the opposite values, applies nothing: declared (was: applied) and listed by SDZ-PXE-015", () => {
    const vm = "azurerm_windows_virtual_machine.pxe";
    const notSite = "it runs on azurerm_windows_virtual_machine.ws, which no script of this configuration shows to be a Configuration Manager site server (a CMSite drive rooted at the VM itself)";
    expect(inventory(cm(), vm, PXE)).toEqual([
      ["sdz-pxe-multicast", "declared", `sdz-pxe-multicast on ${vm} is declared: run command azurerm_virtual_machine_run_command.rc: ${notSite}, and sets -EnableMulticast $true last, not sdz-pxe-multicast=false (run the generated ConfigMgr script, or name the site server so the construct applies it)`],
      ["sdz-pxe-unknown-computers", "declared", `sdz-pxe-unknown-computers on ${vm} is declared: run command azurerm_virtual_machine_run_command.rc: ${notSite}, and sets -EnableUnknownComputerSupport $true last, not sdz-pxe-unknown-computers=false (run the generated ConfigMgr script, or name the site server so the construct applies it)`],
    ]);
    expect(outcomes(cm(), "SDZ-PXE-")).toEqual([...PXE_OUTCOMES, `SDZ-PXE-015 ${vm} fail`].sort());
    expect(messages(check(cm(), ["SDZ-PXE-015"]), "SDZ-PXE-015")[0]).toMatch(/declared, not verified: sdz-pxe-unknown-computers=false, sdz-pxe-multicast=false;/);
    // Right values, wrong VM; wrong values on the site server: still declared. Right values on the site server: applied.
    expect(inventory(cm({ value: "$false" }), vm, PXE).map((x) => x[1])).toEqual(["declared", "declared"]);
    const opposite = inventory(cm({ host: "cm" }), vm, PXE);
    expect(opposite.map((x) => x[1])).toEqual(["declared", "declared"]);
    expect(opposite[0][2]).toContain("run command azurerm_virtual_machine_run_command.rc: sets -EnableMulticast $true last, not sdz-pxe-multicast=false");
    expect(inventory(cm({ host: "cm", value: "$false" }), vm, PXE).map((x) => x[1])).toEqual(["applied", "applied"]);
    expect(outcomes(cm({ host: "cm", value: "$false" }), "SDZ-PXE-")).toEqual(PXE_OUTCOMES);
  });
});

/**
 * A declared distribution point dp01 (no NSG rule needed) whose setting tags are on the VM (`vmTags`) and on its NICs
 * (`nicTags`, one NIC per entry). Review D10: the VM's tag, else the first NIC's, won silently.
 */
function dpWithCarriers(vmTags: Record<string, string>, nicTags: Record<string, string>[]) {
  const tf = new TfJson();
  const sub = tf.subnet("pxe", tf.vnet("net"), ["10.0.1.0/24"]);
  const nics = nicTags.map((tags, i) => {
    const nic = tf.nic(`nic${i}`, sub, `10.0.1.${10 + i}`);
    tf.json.resource.azurerm_network_interface[`nic${i}`].tags = tags;
    return nic;
  });
  const vm = tf.windowsVm("dp01", nics, { tags: { "sdz-role": "pxe-distribution-point", ...vmTags } });
  const model = tf.model();
  return { tf, settings: Settings.of(model), vm: model.byAddress(vm)!, nics: nics.map((n) => model.byAddress(n)!) };
}

describe("a setting declared on the VM and on a NIC, or on two NICs, with different values", () => {
  test("is no value: could-not-verify naming both places (was: the VM's, or the first NIC's, won silently)", () => {
    const s = dpWithCarriers({ "sdz-pxe-unknown-computers": "false" }, [{ "sdz-pxe-unknown-computers": "true" }]);
    const read = s.settings.read(s.vm, PXE_TAG.unknownComputers, s.nics).read;
    expect(read.state).toBe("invalid");
    expect((read as { reason: string }).reason).toBe(
      "its sdz-pxe-unknown-computers tag is \"false\" on azurerm_windows_virtual_machine.dp01 but \"true\" on azurerm_network_interface.nic0: "
      + "the declarations disagree, so which one holds cannot be told (declare it once, on the VM)",
    );
    const r = check(s.tf, ["SDZ-PXE-006"]);
    expect(flagged(r, "SDZ-PXE-006")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-PXE-006")).toEqual(["azurerm_windows_virtual_machine.dp01"]);
    expect(messages(r, "SDZ-PXE-006")[0]).toMatch(/whether unknown computers are answered cannot be read \(its sdz-pxe-unknown-computers tag is "false" on azurerm_windows_virtual_machine\.dp01 but "true" on azurerm_network_interface\.nic0/);
  });

  test("two NICs that disagree, with no VM tag: could-not-verify; the same value everywhere is that value", () => {
    const two = dpWithCarriers({}, [{ "sdz-pxe-password-required": "true" }, { "sdz-pxe-password-required": "false" }]);
    expect(two.settings.read(two.vm, PXE_TAG.passwordRequired, two.nics).read).toMatchObject({ state: "invalid", reason: expect.stringMatching(/"true" on azurerm_network_interface\.nic0 but "false" on azurerm_network_interface\.nic1/) });
    const same = dpWithCarriers({ "sdz-pxe-password-required": "true" }, [{ "sdz-pxe-password-required": "true" }, {}]);
    expect(same.settings.read(same.vm, PXE_TAG.passwordRequired, same.nics).read).toEqual({ state: "known", value: true });
  });

  test("a NIC whose tag is not known before apply beside a known declaration: could-not-verify naming it", () => {
    const s = dpWithCarriers({ "sdz-pxe-password-required": "true" }, [{ "sdz-pxe-password-required": "${var.pxe_password_required}" }]);
    const read = s.settings.read(s.vm, PXE_TAG.passwordRequired, s.nics).read;
    expect(read.state).toBe("unknown");
    expect((read as { reason: string }).reason).toMatch(/^its sdz-pxe-password-required tag on azurerm_network_interface\.nic0 is not known before apply \(.*pxe_password_required.*\), so whether it agrees with "true" on azurerm_windows_virtual_machine\.dp01 cannot be told/);
  });
});

/**
 * KMS DNS publishing (sdz-kms-dns-publishing): the Software Protection Platform reads DisableDnsPublishing only under
 * HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform ("Registry Settings for Volume Activation"),
 * as RestrictAnonymous is read only under ...\Control\Lsa. It was read with no key check: a write anywhere applied it.
 */
describe("KMS DNS publishing is applied only when written and read back under the key the Software Protection Platform reads", () => {
  const SPP = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform";
  const VM = "azurerm_windows_virtual_machine.kms01";
  const read = (script: string) => {
    const { settings, vm } = vmWith({ "sdz-kms-dns-publishing": "disabled" }, (tf, v) => tf.add("azurerm_virtual_machine_extension", "harden", {
      name: "harden", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: script }),
    }));
    const s = settings.read(vm, KMS_TAG.dnsPublishing);
    return { provenance: s.provenance, acceptable: s.acceptable, evidence: s.evidence, unknown: s.unknown };
  };

  test("written and read back under another key (HKCU:\\...): not applied, naming where it went (was: applied)", () => {
    const s = read(`$k = 'HKCU:\\${SPP}'; Set-ItemProperty -Path $k -Name DisableDnsPublishing -Value 1; Get-ItemPropertyValue -Path $k -Name DisableDnsPublishing`);
    expect(s).toEqual({
      provenance: "declared", acceptable: false, unknown: undefined,
      evidence: `sdz-kms-dns-publishing on ${VM} is only declared: azurerm_virtual_machine_extension.harden writes it under HKCU:\\${SPP}, not HKEY_LOCAL_MACHINE\\${SPP}, `
        + "and no Machine Configuration assignment audits it",
    });
    // reg.exe under a sibling key of HKLM: the same.
    expect(read("reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" /v DisableDnsPublishing /t REG_DWORD /d 1 /f & reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" /v DisableDnsPublishing"))
      .toMatchObject({ provenance: "declared", evidence: expect.stringContaining("writes it under HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion, not HKEY_LOCAL_MACHINE\\") });
  });

  test("written under the right key but read back from another: not read back, so not applied", () => {
    expect(read(`Set-ItemProperty -Path 'HKLM:\\${SPP}' -Name DisableDnsPublishing -Value 1; Get-ItemPropertyValue -Path 'HKCU:\\${SPP}' -Name DisableDnsPublishing`))
      .toMatchObject({ provenance: "declared", acceptable: false, unknown: undefined });
  });

  test.each([
    ["PowerShell, HKLM: drive through a variable", `$spp = 'HKLM:\\${SPP}'; Set-ItemProperty -Path $spp -Name 'DisableDnsPublishing' -Value 1 -Type DWord; if ((Get-ItemPropertyValue -Path $spp -Name 'DisableDnsPublishing') -ne 1) { throw 'x' }`],
    ["PowerShell, provider path in another case", `New-ItemProperty -Path "Registry::HKEY_LOCAL_MACHINE\\${SPP.toLowerCase()}" -Name DisableDnsPublishing -Value 1 -PropertyType DWord -Force; Get-ItemProperty "Registry::HKEY_LOCAL_MACHINE\\${SPP}" -Name DisableDnsPublishing`],
    ["reg.exe", `reg add "HKLM\\${SPP}" /v DisableDnsPublishing /t REG_DWORD /d 1 /f & reg query "HKEY_LOCAL_MACHINE\\${SPP}" /v DisableDnsPublishing`],
    ["slmgr /cdns, read back with reg query", `cscript //nologo %windir%\\system32\\slmgr.vbs /cdns & reg query "HKLM\\${SPP}" /v DisableDnsPublishing`],
  ])("%s: applied", (_what, script) => {
    expect(read(script)).toMatchObject({ provenance: "applied", acceptable: true });
  });

  test("a key from a variable the script does not assign: could-not-verify, naming the variable (was: applied)", () => {
    const s = read("Set-ItemProperty -Path $env:SPP -Name DisableDnsPublishing -Value 1; Get-ItemPropertyValue -Path $env:SPP -Name DisableDnsPublishing");
    expect(s.provenance).toBe("declared");
    expect(s.unknown).toBe("azurerm_virtual_machine_extension.harden writes it last, but it writes DisableDnsPublishing under $env:SPP, a key the checks cannot read ($env:SPP is not a literal)");
    const r = read(`Set-ItemProperty -Path 'HKLM:\\${SPP}' -Name DisableDnsPublishing -Value 1; Get-ItemPropertyValue -Path $k -Name DisableDnsPublishing`);
    expect(r.unknown).toBe("azurerm_virtual_machine_extension.harden sets it, but it reads DisableDnsPublishing back under $k, a key the checks cannot read ($k is not assigned in the script)");
  });

  test("a registry write after slmgr /cdns, the same statement as an earlier one, is the last write (was: slmgr's, ordered by the first occurrence)", () => {
    const put = (d: number) => `reg add "HKLM\\${SPP}" /v DisableDnsPublishing /t REG_DWORD /d ${d} /f`;
    const s = read([put(0), "slmgr /cdns", put(0), `reg query "HKLM\\${SPP}" /v DisableDnsPublishing`].join("\n"));
    expect(s).toMatchObject({ provenance: "declared", evidence: expect.stringContaining("sets DisableDnsPublishing = 0 last, not sdz-kms-dns-publishing=disabled") });
  });
});
