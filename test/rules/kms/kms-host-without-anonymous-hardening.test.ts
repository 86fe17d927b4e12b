import { body, KMS_HOST_VM, tag } from "./sites";
import { Body, check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-005";
const KMS = rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24");
const TAGS = {
  "sdz-restrict-anonymous": "true",
  "sdz-restrict-anonymous-sam": "true",
  "sdz-restrict-null-session-access": "true",
  "sdz-smb1-removed": "true",
};
/** Sets each value and reads it back (the cmdlets the settings contract recognises). */
const SCRIPT = [
  "$lsa = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'",
  "Set-ItemProperty -Path $lsa -Name RestrictAnonymous -Value 1",
  "Set-ItemProperty -Path $lsa -Name RestrictAnonymousSAM -Value 1",
  "Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -Name RestrictNullSessAccess -Value 1",
  "Uninstall-WindowsFeature -Name FS-SMB1",
  "if ((Get-ItemPropertyValue -Path $lsa -Name RestrictAnonymous) -ne 1) { exit 1 }",
  "if ((Get-ItemPropertyValue -Path $lsa -Name RestrictAnonymousSAM) -ne 1) { exit 1 }",
  "if ((Get-ItemPropertyValue -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -Name RestrictNullSessAccess) -ne 1) { exit 1 }",
  "if ((Get-WindowsFeature -Name FS-SMB1).Installed) { exit 1 }",
].join("\n");

function extension(tf: TfJson, fields: Body): void {
  tf.add("azurerm_virtual_machine_extension", "hardening", {
    name: "hardening", virtual_machine_id: TfJson.ref(KMS_HOST_VM), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10", ...fields,
  });
}

describe("SDZ-KMS-005 KMS host without anonymous-access hardening", () => {
  describe.each(PLACEMENTS)("%s NSG rules (the KMS host is inferred through them)", (placement) => {
    test("an untagged KMS host with nothing that applies the hardening is one warning on the VM, naming every setting", () => {
      const r = check(site(placement, [KMS]).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/^KMS host azurerm_windows_virtual_machine\.app01 \(inferred: reachable on TCP 1688 .*\): nothing applies RestrictAnonymous, RestrictAnonymousSAM, RestrictNullSessAccess, SMB 1 removed/);
    });

    test("hardening tags that nothing makes true are only declared: a finding", () => {
      const r = check(site(placement, [KMS], { vmTags: TAGS }).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/RestrictAnonymous \(sdz-restrict-anonymous=true\), .*SMB 1 removed \(sdz-smb1-removed=true\) are only declared: no extension or run command on the VM sets and reads them back/);
    });

    test("a script extension that sets and reads back every value makes them applied: passes, with or without tags", () => {
      for (const vmTags of [TAGS, undefined]) {
        const s = site(placement, [KMS], { vmTags });
        extension(s.tf, { settings: JSON.stringify({ commandToExecute: SCRIPT }) });
        expect(check(s.tf, [ID]).findings).toEqual([]);
      }
    });
  });

  test("a run command that applies only part of it leaves the rest reported", () => {
    const s = site("inline", [KMS], { vmTags: TAGS });
    s.tf.add("azurerm_virtual_machine_run_command", "anon", {
      name: "anon", location: "westeurope", virtual_machine_id: TfJson.ref(KMS_HOST_VM),
      source: [{ script: SCRIPT.split("\n").filter((l) => /\$lsa =|RestrictAnonymous\b/.test(l)).join("\n") }],
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/: RestrictAnonymousSAM \(sdz-restrict-anonymous-sam=true\), RestrictNullSessAccess .*SMB 1 removed .* are only declared/);
  });

  describe("F7: a script that writes the values but does not read them back: still not applied, and the message says so (not \"nothing applies\")", () => {
    /** The reviewer's r07 script: each value written under the right key, nothing read back. */
    const NO_READ_BACK = [
      "$ErrorActionPreference = 'Stop'",
      "New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa' -Name RestrictAnonymous -PropertyType DWord -Value 1 -Force",
      "New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa' -Name RestrictAnonymousSAM -PropertyType DWord -Value 1 -Force",
      "New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -Name RestrictNullSessAccess -PropertyType DWord -Value 1 -Force",
      "Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol -NoRestart",
    ];
    const run = (lines: string[], vmTags?: Record<string, string>) => {
      const s = site("inline", [KMS], { vmTags });
      extension(s.tf, { settings: JSON.stringify({ commandToExecute: `powershell -Command "${lines.join("; ")}"` }) });
      return check(s.tf, [ID]);
    };

    test("r07: every value set, none read back: one warning naming the script and what it lacks", () => {
      const r = run(NO_READ_BACK);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)).toEqual([expect.stringMatching(
        /^KMS host azurerm_windows_virtual_machine\.app01 \(.*\): azurerm_virtual_machine_extension\.hardening sets RestrictAnonymous, RestrictAnonymousSAM, RestrictNullSessAccess, SMB 1 removed but does not read them back; anonymous RPC\/SMB connections/)]);
    });

    test("with the hardening tags: the same words, not \"only declared\"", () => {
      const r = run(NO_READ_BACK, TAGS);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: azurerm_virtual_machine_extension\.hardening sets RestrictAnonymous, RestrictAnonymousSAM, RestrictNullSessAccess, SMB 1 removed but does not read them back; anonymous/);
    });

    test("a value the script does not write at all is still \"nothing applies\"", () => {
      const r = run(NO_READ_BACK.filter((l) => !/SMB1Protocol|RestrictNullSessAccess/.test(l)));
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: nothing applies RestrictNullSessAccess, SMB 1 removed; azurerm_virtual_machine_extension\.hardening sets RestrictAnonymous, RestrictAnonymousSAM but does not read them back; anonymous/);
    });
  });

  describe("the registry key: Windows reads RestrictAnonymous(SAM) only under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa, RestrictNullSessAccess only under ...\\Services\\LanmanServer\\Parameters", () => {
    const LSA = "SYSTEM\\CurrentControlSet\\Control\\Lsa";
    const LANMAN = "SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters";
    /** SCRIPT with the Lsa key written and read back at `lsa` (as `$lsa`'s literal) and the LanmanServer key at `lanman`. */
    const withKeys = (lsa: string, lanman = `'HKLM:\\${LANMAN}'`) => SCRIPT.replace(/'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'/, lsa)
      .split("'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters'").join(lanman);
    const run = (script: string) => {
      const s = site("inline", [KMS]);
      extension(s.tf, { settings: JSON.stringify({ commandToExecute: script }) });
      return check(s.tf, [ID]);
    };

    test("hardening written to and read back from HKCU:\\Software\\Lsa is not applied: a finding naming the key it writes", () => {
      const r = run(withKeys("'HKCU:\\Software\\Lsa'"));
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)).toEqual([expect.stringMatching(
        /: nothing applies RestrictAnonymous \(azurerm_virtual_machine_extension\.hardening writes it under HKCU:\\Software\\Lsa, not HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\), RestrictAnonymousSAM \(.*under HKCU:\\Software\\Lsa.*\); anonymous/)]);
    });

    test("the script of the report's reproducer (powershell -Command \"...\", doubled backslashes, HKCU for the Lsa values) is a finding for the two Lsa values only", () => {
      const cmd = "powershell -Command \"Set-ItemProperty -Path 'HKCU:\\\\Software\\\\Lsa' -Name RestrictAnonymous -Value 1; Set-ItemProperty -Path 'HKCU:\\\\Software\\\\Lsa' -Name RestrictAnonymousSAM -Value 1; "
        + "Set-ItemProperty -Path 'HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters' -Name RestrictNullSessAccess -Value 1; Uninstall-WindowsFeature -Name FS-SMB1; "
        + "if ((Get-ItemPropertyValue -Path 'HKCU:\\\\Software\\\\Lsa' -Name RestrictAnonymous) -ne 1) { exit 1 }; if ((Get-ItemPropertyValue -Path 'HKCU:\\\\Software\\\\Lsa' -Name RestrictAnonymousSAM) -ne 1) { exit 1 }; "
        + "if ((Get-ItemPropertyValue -Path 'HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters' -Name RestrictNullSessAccess) -ne 1) { exit 1 }; if ((Get-WindowsFeature -Name FS-SMB1).Installed) { exit 1 }\"";
      const r = run(cmd);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: nothing applies RestrictAnonymous \(.*\), RestrictAnonymousSAM \(.*\); anonymous/);
      expect(run(cmd.split("HKCU:\\\\Software\\\\Lsa").join(`HKLM:\\\\${LSA.split("\\").join("\\\\")}`)).findings).toEqual([]);
    });

    test("reg.exe commands chained with cmd's & on one line: each statement's own key counts (was: the first key of the line for every value)", () => {
      const reg = (verb: string, key: string, name: string) => `reg ${verb} HKLM\\${key} /v ${name}${verb === "add" ? " /t REG_DWORD /d 1 /f" : ""}`;
      const line = [
        reg("add", LSA, "RestrictAnonymous"), reg("add", LSA, "RestrictAnonymousSAM"), reg("add", LANMAN, "RestrictNullSessAccess"),
        reg("query", LSA, "RestrictAnonymous"), reg("query", LSA, "RestrictAnonymousSAM"), reg("query", LANMAN, "RestrictNullSessAccess"),
        "powershell -Command \"Uninstall-WindowsFeature -Name FS-SMB1; if ((Get-WindowsFeature -Name FS-SMB1).Installed) { exit 1 }\"",
      ];
      expect(run(line.join(" & ")).findings).toEqual([]);
      expect(run(line.join(" && ")).findings).toEqual([]);
      // The LanmanServer value written under the Lsa key, still on one line: a finding for that value only.
      const wrong = [...line];
      wrong[2] = reg("add", LSA, "RestrictNullSessAccess");
      const r = run(wrong.join(" & "));
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: nothing applies RestrictNullSessAccess \(azurerm_virtual_machine_extension\.hardening writes it under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa, not /);
    });

    test.each([
      ["HKLM:\\ in any case", `'hklm:\\${LSA.toLowerCase()}'`, `'HKLM:\\${LANMAN.replace("LanmanServer", "LanManServer")}'`],
      ["Registry::HKEY_LOCAL_MACHINE\\", `'Registry::HKEY_LOCAL_MACHINE\\${LSA}'`, `"Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\${LANMAN}\\"`],
      ["HKLM:\\ unquoted", `HKLM:\\${LSA}`, `HKLM:\\${LANMAN}`],
    ])("the same key spelled %s is applied: passes", (_what, lsa, lanman) => {
      expect(run(withKeys(lsa, lanman)).findings).toEqual([]);
    });

    test("reg add / reg query with HKLM\\ or HKEY_LOCAL_MACHINE\\ is applied; reg add under HKCU\\ is not", () => {
      const reg = (root: string) => [
        `reg add "${root}\\${LSA}" /v RestrictAnonymous /t REG_DWORD /d 1 /f`,
        `reg add ${root}\\${LSA} /v RestrictAnonymousSAM /t REG_DWORD /d 1 /f`,
        `reg.exe add "HKEY_LOCAL_MACHINE\\${LANMAN}" /v RestrictNullSessAccess /t REG_DWORD /d 1 /f`,
        "Uninstall-WindowsFeature -Name FS-SMB1",
        `reg query "${root}\\${LSA}" /v RestrictAnonymous`,
        `reg query "${root}\\${LSA}" /v RestrictAnonymousSAM`,
        `reg query "HKLM\\${LANMAN}" /v RestrictNullSessAccess`,
        "if ((Get-WindowsFeature -Name FS-SMB1).Installed) { exit 1 }",
      ].join("\n");
      expect(run(reg("HKLM")).findings).toEqual([]);
      expect(run(reg("HKEY_LOCAL_MACHINE")).findings).toEqual([]);
      const r = run(reg("HKCU"));
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: nothing applies RestrictAnonymous \(azurerm_virtual_machine_extension\.hardening writes it under HKCU\\SYSTEM\\CurrentControlSet\\Control\\Lsa, not HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\), RestrictAnonymousSAM \(.*\); anonymous/);
    });

    test("written under the right key but read back from another: not read back, so not applied", () => {
      const script = SCRIPT.replace("if ((Get-ItemPropertyValue -Path $lsa -Name RestrictAnonymous)", "if ((Get-ItemPropertyValue -Path 'HKCU:\\Software\\Lsa' -Name RestrictAnonymous)");
      const r = run(script);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/: azurerm_virtual_machine_extension\.hardening sets RestrictAnonymous but does not read it back; anonymous/);
      expect(messages(r, ID)[0]).not.toMatch(/nothing applies/);
    });

    test("a key the checks cannot read (a variable from outside the script, a computed path) is could-not-verify, naming it", () => {
      const r = run(withKeys("$env:LSA_KEY"));
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/whether RestrictAnonymous, RestrictAnonymousSAM are applied cannot be told: azurerm_virtual_machine_extension\.hardening writes it last, but it writes RestrictAnonymous under \$lsa, a key the checks cannot read \(\$lsa = \$env:LSA_KEY is not a literal\)/);
    });
  });

  test("a Machine Configuration assignment makes the tags audited when the VM has the identity and extension it needs", () => {
    const audited = (withIdentity: boolean) => {
      const s = site("inline", [KMS], { vmTags: TAGS });
      if (withIdentity) body(s.tf, KMS_HOST_VM).identity = [{ type: "SystemAssigned" }];
      extension(s.tf, { publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", type_handler_version: "1.29" });
      s.tf.add("azurerm_policy_virtual_machine_configuration_assignment", "hardening", {
        name: "SdzWindowsHardening", location: "westeurope", virtual_machine_id: TfJson.ref(KMS_HOST_VM), configuration: [{ version: "1.0.0" }],
      });
      return check(s.tf, [ID]);
    };
    expect(audited(true).findings).toEqual([]);
    const r = audited(false);
    expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toContain("only declared");
  });

  test("a script kept in protected settings cannot be read: could-not-verify, saying why", () => {
    const s = site("inline", [KMS], { vmTags: TAGS });
    extension(s.tf, { protected_settings: JSON.stringify({ commandToExecute: "powershell -EncodedCommand AAAA" }) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/whether RestrictAnonymous \(sdz-restrict-anonymous=true is declared\), .* are applied cannot be told: azurerm_virtual_machine_extension\.hardening keeps \(part of\) its script in protected_settings/);
  });

  test("hardening tags from a variable are could-not-verify", () => {
    const s = site("inline", [KMS]);
    tag(s.tf, KMS_HOST_VM, "${var.tags}");
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/its tags are not known before apply/);
  });

  test("a Linux KMS host is not checked: the settings are Windows registry values and features", () => {
    const s = site("inline", [KMS]);
    const [, name] = KMS_HOST_VM.split(".");
    const vm = s.tf.json.resource.azurerm_windows_virtual_machine[name];
    delete s.tf.json.resource.azurerm_windows_virtual_machine;
    s.tf.add("azurerm_linux_virtual_machine", name, { ...vm, admin_password: undefined, disable_password_authentication: true });
    expect(check(s.tf, [ID]).findings).toEqual([]);
    // It is still a KMS host: SDZ-KMS-004 sees it once its address is dynamic.
    const cfg = (s.tf.json.resource.azurerm_network_interface.app01_nic.ip_configuration as Body[])[0];
    Object.assign(cfg, { private_ip_address_allocation: "Dynamic" });
    delete cfg.private_ip_address;
    expect(flagged(check(s.tf, ["SDZ-KMS-004"]), "SDZ-KMS-004")).toEqual(["azurerm_network_interface.app01_nic"]);
  });

  test("a VM that serves no KMS is not checked", () => {
    expect(check(site("inline", [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
  });
});
