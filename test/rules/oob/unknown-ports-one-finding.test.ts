/**
 * Principle 3 between SDZ-OOB-001 (Intel AMT ports, TCP 16992-16995) and SDZ-OOB-002 (the AMT
 * provisioning port, TCP 9971): one NSG rule whose destination ports come from a variable may open
 * both, and was a could-not-verify of each, on the same rule, about the same field. Now it is one:
 * on a host that is no service point SDZ-OOB-001's, on a service point SDZ-OOB-002's, each naming the
 * other port; where the owner has nothing to say about the rule (its sources pass there), the other
 * rule keeps its own. Raw, untagged azurerm resources (but the declared service point), in every placement.
 */
import { oobSite, rule } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, PLACEMENTS, TfJson } from "../../support/rule-harness";

const OOB1 = "SDZ-OOB-001";
const OOB2 = "SDZ-OOB-002";
const U = FindingStatus.UNVERIFIED;

/** Sorted `rule address status` of the two rules' open findings. */
function findings(tf: TfJson): string[] {
  return check(tf, [OOB1, OOB2]).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

const SP = { "sdz-role": "oob-service-point" };

describe.each(PLACEMENTS)("SDZ-OOB-001 and SDZ-OOB-002: one could-not-verify for a rule whose ports are not known (%s NSG rules)", (placement) => {
  test("on a host that is no service point, from the client subnet (trust not declared): SDZ-OOB-001's, naming the variable once and TCP 9971", () => {
    const s = oobSite(placement, [rule("maybe", 200, "Allow", "Tcp", "${var.ports}", "10.0.20.0/24")]);
    // Before: also `SDZ-OOB-002 <rule> unverified` ("may allow the AMT provisioning port TCP 9971 ..."), about the same variable.
    expect(findings(s.tf)).toEqual([`${OOB1} ${s.address("maybe")} ${U}`]);
    const [msg] = messages(check(s.tf, [OOB1]), OOB1);
    expect(msg).toMatch(/^could not verify: rule "maybe" of NSG \w+ may allow Intel AMT \(TCP 16992-16995\) to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\) from zone clients/);
    expect(msg.match(/the variable ports/g)).toHaveLength(1);
    // The other services the unknown ports may open there, whose rules leave it to this finding too (see cross-pack-unknown-ports.test.ts).
    expect(msg).toMatch(/; its destination ports, not known before apply, may also open the AMT provisioning port TCP 9971, KMS \(TCP 1688\), .* there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-002 leave this rule to this finding\)$/);
  });

  test("on a declared service point: SDZ-OOB-002's, naming the variable once and the AMT ports", () => {
    const s = oobSite(placement, [rule("maybe", 200, "Allow", "Tcp", "${var.ports}", "10.0.20.0/24")], { vmTags: SP });
    // Before: also `SDZ-OOB-001 <rule> unverified` ("may allow Intel AMT (TCP 16992-16995) ..."), about the same variable.
    expect(findings(s.tf)).toEqual([`${OOB2} ${s.address("maybe")} ${U}`]);
    const [msg] = messages(check(s.tf, [OOB2]), OOB2);
    expect(msg).toMatch(/^could not verify: rule "maybe" of NSG \w+ may allow the AMT provisioning port TCP 9971 from zone clients .* while out-of-band provisioning is off: azurerm_windows_virtual_machine\.app01 does not declare/);
    expect(msg.match(/the variable ports/g)).toHaveLength(1);
    expect(msg).toMatch(/; its destination ports, not known before apply, may also open Intel AMT \(TCP 16992-16995\), KMS \(TCP 1688\), .* there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-001 leave this rule to this finding\)$/);
  });

  test("on a host that is no service point, from a MANAGEMENT zone (AMT may come from there): SDZ-OOB-002 keeps its could-not-verify", () => {
    const s = oobSite(placement, [rule("maybe", 200, "Allow", "Tcp", "${var.ports}", "10.0.9.0/24")], { managementTrust: "MANAGEMENT" });
    expect(findings(s.tf)).toEqual([`${OOB2} ${s.address("maybe")} ${U}`]);
    expect(messages(check(s.tf, [OOB2]), OOB2)[0]).not.toMatch(/leaves this rule/);
  });

  test("on a service point with provisioning enabled for the client segment: SDZ-OOB-001 keeps its could-not-verify (OOB-002 has nothing to say)", () => {
    const s = oobSite(placement, [rule("maybe", 200, "Allow", "Tcp", "${var.ports}", "10.0.20.0/24")], {
      vmTags: { ...SP, [OobTags.PROVISIONING]: "enabled", [OobTags.AMT_CLIENT_PREFIXES]: "10.0.20.0/24" },
    });
    expect(findings(s.tf)).toEqual([`${OOB1} ${s.address("maybe")} ${U}`]);
    expect(messages(check(s.tf, [OOB1]), OOB1)[0]).not.toMatch(/leaves this rule/);
  });

  test("a rule written for the AMT ports and one written for TCP 9971, each from a variable source: each rule's own could-not-verify (unchanged)", () => {
    const s = oobSite(placement, [rule("amt", 200, "Allow", "Tcp", "16992-16995", "${var.src}"), rule("prov", 210, "Allow", "Tcp", "9971", "${var.src}")]);
    expect(findings(s.tf)).toEqual([`${OOB1} ${s.address("amt")} ${U}`, `${OOB2} ${s.address("prov")} ${U}`].sort());
  });
});
