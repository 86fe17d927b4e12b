/**
 * One finding per problem for Azure's default rule AllowVNetInBound on a KMS host: an untagged KMS
 * host (inferred from the rule that opens TCP 1688) whose NSG has no deny before priority 65000, so
 * AllowVNetInBound admits the VNet, its peers and its on-premises ranges on TCP 1688. SDZ-KMS-002
 * reports that rule (VirtualNetwork is no allowlist) and names the zones below INTERNAL (or of unknown
 * trust) it lets in and that no deny-all overrides the rule (R-PXE-4); SDZ-KMS-003 and SDZ-NET-003 leave
 * it to that finding (before: NET-003's error on the same NSG too); SDZ-KMS-006 reports the host's exposure.
 * Raw, untagged azurerm resources, in every NSG placement.
 */
import { addInternetFacingZone, addZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, PLACEMENTS, rule, site, TfJson } from "../../support/rule-harness";

const IDS = ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006", "SDZ-NET-003"];
const FAIL = FindingStatus.FAIL;
const UNVERIFIED = FindingStatus.UNVERIFIED;

function findings(tf: TfJson): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

describe.each(PLACEMENTS)("AllowVNetInBound on an untagged KMS host (%s NSG rules): SDZ-KMS-002's one finding on the rule", (placement) => {
  /** app01 takes TCP 1688 from the INTERNAL clients through a rule written for it; no deny-all, so AllowVNetInBound decides the rest. */
  function kmsSite(zones: (tf: TfJson, vnet: string) => void) {
    return site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
      denyAll: false,
      extend: (tf, { vnet }) => {
        addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
        zones(tf, vnet);
      },
    });
  }

  test("an internet-facing zone in the VNet: KMS-002 on the NSG (naming the zone), KMS-006 on the host; not KMS-003 again", () => {
    const s = kmsSite((tf, vnet) => addInternetFacingZone(tf, vnet));
    // Before: also `SDZ-KMS-003 <NSG> fail` ("Azure's default rule AllowVNetInBound ... allows KMS (TCP 1688) from PERIMETER zone webdmz").
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.nsg} ${FAIL}`, `SDZ-KMS-006 ${KMS_HOST_VM} ${FAIL}`]);
    const [kms002] = messages(check(s.tf, ["SDZ-KMS-002"]), "SDZ-KMS-002");
    expect(kms002).toMatch(/^Azure's default rule AllowVNetInBound of NSG \w+ allows KMS \(TCP 1688\) from VirtualNetwork through Azure's default rule AllowVNetInBound .* to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\); among them PERIMETER zone webdmz \(10\.0\.60\.0\/24; inferred: [^)]*\)\), which must activate with MAK \(R-KMS-3\)/);
    expect(kms002).toMatch(/it also exposes KMS host azurerm_windows_virtual_machine\.app01 .* to perimeter traffic \(R-KMS-7\)$/);
    // TCP 1688 through AllowVNetInBound is no longer left to a KMS-003 finding: the host's finding names every port.
    expect(messages(check(s.tf, ["SDZ-KMS-006"]), "SDZ-KMS-006")[0]).toMatch(/PERIMETER zone webdmz \([^)]*\)\) on TCP any port, UDP any port through Azure's default rule AllowVNetInBound/);
  });

  test("a zone of undeclared trust in the VNet: KMS-002's error names it; no KMS-003 could-not-verify beside it", () => {
    const s = kmsSite((tf, vnet) => addZone(tf, vnet, "lab", "10.0.3.0/24"));
    // Before: also `SDZ-KMS-003 <NSG> unverified` about the same default rule.
    // KMS-006: one could-not-verify per zone of undeclared trust (lab, and the host's own subnet), where its trust is declared (before: one on the host).
    const servers = placement === "nic" ? "azurerm_subnet.servers" : "azurerm_network_security_group.servers_nsg";
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.nsg} ${FAIL}`, `SDZ-KMS-006 azurerm_network_security_group.lab_nsg ${UNVERIFIED}`, `SDZ-KMS-006 ${servers} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-002"]), "SDZ-KMS-002")[0]).toMatch(/; among them zones whose trust is not known: .*zone lab \(10\.0\.3\.0\/24; trust not declared\)/);
  });

  test("with a deny-all the allowlist rule decides: nothing to report", () => {
    const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
      extend: (tf, { vnet }) => {
        addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
        addInternetFacingZone(tf, vnet);
      },
    });
    expect(findings(s.tf)).toEqual([]);
  });
});
