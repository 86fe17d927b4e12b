/**
 * The KMS rules find domain controllers and KMS hosts built by PowerShell DSC (the roles model's DSC
 * evidence, src/engine/roles.ts), and their rationales say so where they list how a role is inferred.
 * Raw, untagged azurerm resources: a DC made by the DSC extension running the Azure quickstart's
 * CreateADPDC configuration, no rule written for Kerberos or LDAP.
 */
import { addInternetFacingZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { findRule } from "../../../src/rules";
import { check, messages, rule, site, TfJson } from "../../support/rule-harness";

describe("KMS rationales name DSC among the ways a role is inferred", () => {
  test.each(["SDZ-KMS-001", "SDZ-KMS-002", "SDZ-KMS-004", "SDZ-KMS-006"])("%s", (id) => {
    const rationale = findRule(id)!.rationale;
    // Before: scripts and network rules only.
    expect(rationale).toContain("a PowerShell DSC extension that registers the VM with Azure Automation for a node configuration whose MOF or configuration script");
    expect(rationale).toContain("installs the VolumeActivation feature");
    if (id === "SDZ-KMS-001" || id === "SDZ-KMS-006") {
      expect(rationale).toContain("runs the Azure quickstart's CreateADPDC configuration");
      expect(rationale).toContain("declares xADDomain, xADDomainController, ADDomain or ADDomainController, or installs the AD-Domain-Services feature");
    }
  });
});

test("a domain controller built by the quickstart's DSC configuration, reachable on RDP from an internet-facing zone: SDZ-KMS-006, naming the DSC evidence", () => {
  const s = site("inline", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.60.0/24")], {
    extend: (tf, { vnet, vm }) => {
      addInternetFacingZone(tf, vnet);
      tf.add("azurerm_virtual_machine_extension", "create_ad_forest", {
        name: "create-ad-forest", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Powershell", type: "DSC", type_handler_version: "2.83",
        settings: JSON.stringify({ ModulesUrl: "https://example.invalid/CreateADPDC.zip", ConfigurationFunction: "CreateADPDC.ps1\\CreateADPDC", Properties: { DomainName: "corp.example" } }),
      });
    },
  });
  const r = check(s.tf, ["SDZ-KMS-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006"]);
  expect(r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${FindingStatus.FAIL}`]);
  expect(messages(r, "SDZ-KMS-006")[0]).toMatch(/^domain controller is reachable from PERIMETER zone webdmz .* on TCP 3389 .*extension azurerm_virtual_machine_extension\.create_ad_forest installs Active Directory Domain Services \(runs DSC configuration CreateADPDC/);
});
