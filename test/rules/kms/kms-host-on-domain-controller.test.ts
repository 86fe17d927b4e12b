import { body, KMS_HOST_NIC, KMS_HOST_VM, suppress, tag } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-001";
const KMS = rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24");
const KERBEROS = rule("allow-kerberos", 110, "Allow", "*", "88", "10.0.2.0/24");
const LDAP = rule("allow-ldap", 120, "Allow", "Tcp", "389", "10.0.2.0/24");

describe("SDZ-KMS-001 KMS host and domain controller on the same VM", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("a VM reachable on TCP 1688, Kerberos and LDAP through rules written for them is one error on the VM", () => {
      const s = site(placement, [KMS, KERBEROS, LDAP]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/both a KMS host \(inferred: reachable on TCP 1688 through rule "allow-kms" of NSG .*\) and a domain controller \(inferred: reachable on TCP 88 through rule "allow-kerberos" .* and reachable on TCP 389 through rule "allow-ldap"/);
    });

    test("a KMS host alone, or a domain controller alone, passes", () => {
      expect(check(site(placement, [KMS]).tf, [ID]).findings).toEqual([]);
      expect(check(site(placement, [KERBEROS, LDAP]).tf, [ID]).findings).toEqual([]);
    });

    test("a wide range that holds 1688 (1000-2000) does not make a domain controller a KMS host", () => {
      expect(check(site(placement, [KERBEROS, LDAP, rule("allow-range", 130, "Allow", "Tcp", "1000-2000", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
    });

    test("a domain controller with a rule whose ports come from a variable may be a KMS host: could-not-verify on the VM", () => {
      const s = site(placement, [KERBEROS, LDAP, rule("maybe-kms", 130, "Allow", "Tcp", "${var.ports}", "10.0.2.0/24")]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/is a domain controller .* and may also be a KMS host: rule "maybe-kms" .*may open TCP 1688 \(.*destination_port_range: the variable ports/);
    });

    test("a KMS host whose LDAP rule's access comes from a variable may be a domain controller: could-not-verify", () => {
      const s = site(placement, [KMS, KERBEROS, { ...LDAP, access: "${var.access}" }]);
      const r = check(s.tf, [ID]);
      expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/may also be a domain controller: .*access: the variable access/);
    });
  });

  test("declared roles count wherever they are written: kms-host on the VM, domain-controller on its NIC", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "kms-host" } });
    tag(s.tf, KMS_HOST_NIC, { "sdz-role": "domain-controller" });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/KMS host \(declared: sdz-role=kms-host on azurerm_windows_virtual_machine\.app01\) and a domain controller \(declared: sdz-role=domain-controller on azurerm_network_interface\.app01_nic\)/);
  });

  test("an extension that installs AD DS on a KMS host makes it a domain controller", () => {
    const s = site("standalone", [KMS]);
    s.tf.add("azurerm_virtual_machine_extension", "promote", {
      name: "promote", virtual_machine_id: TfJson.ref(KMS_HOST_VM), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: "powershell -Command \"Install-WindowsFeature AD-Domain-Services; Install-ADDSForest -DomainName corp.example\"" }),
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toContain("extension azurerm_virtual_machine_extension.promote installs Active Directory Domain Services");
  });

  test("a domain controller whose role tag comes from a variable is could-not-verify", () => {
    const s = site("inline", [KERBEROS, LDAP]);
    tag(s.tf, KMS_HOST_VM, "${var.tags}");
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/its role tag cannot be read .*variable tags/);
  });

  test("is not suppressible: a suppression recorded on the VM does not hide the finding", () => {
    const s = site("inline", [KMS, KERBEROS, LDAP]);
    suppress(s.tf, KMS_HOST_VM, ID);
    const r = check(s.tf, [ID]);
    expect(r.findings.map((f) => [f.address, f.status])).toEqual([[KMS_HOST_VM, FindingStatus.FAIL]]);
    expect(body(s.tf, KMS_HOST_VM)["//"]).toBeDefined();
  });
});
