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
