/**
 * One NSG rule (destination *) that applies to two hosts, a KMS host and another VM, from a perimeter
 * zone or the Internet on every port: SDZ-NET-001 leaves nothing to the KMS rules host by host that
 * would make two findings of it. From the Internet it is NET-001's one error (the KMS rules say nothing);
 * from the DMZ it is SDZ-KMS-003's one error on the rule (the other VM is no KMS host and the rule is not
 * written for KMS), and SDZ-KMS-006 keeps the host's other ports, pointing at KMS-003. Pinned here (it
 * was checked, not changed): the NSG on the subnet (inline, standalone rules) or shared by both NICs.
 */
import { addZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, PLACEMENTS, Placement, rule, site } from "../../support/rule-harness";

const IDS = ["SDZ-NET-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006"];

/** app01 (declared KMS host) and app02 (10.0.1.5, untagged) behind one NSG holding `allow-x` from `source` on every port. */
function twoHosts(placement: Placement, source: string) {
  return site(placement, [rule("allow-x", 100, "Allow", "*", "*", source)], {
    vmTags: { "sdz-role": "kms-host" },
    extend: (tf, { vnet, subnet, nsg }) => {
      addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      const nic = tf.nic("app02_nic", subnet, "10.0.1.5");
      if (placement === "nic") tf.nicNsg(nic, nsg);
      tf.windowsVm("app02", [nic]);
    },
  });
}

function findings(s: ReturnType<typeof twoHosts>): string[] {
  return check(s.tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

describe.each(PLACEMENTS)("one rule, two hosts (%s NSG rules)", (placement) => {
  test("every port from the Internet: SDZ-NET-001's one error, naming both hosts", () => {
    const s = twoHosts(placement, "Internet");
    expect(findings(s)).toEqual([`SDZ-NET-001 ${s.address("allow-x")} fail`]);
    expect(messages(check(s.tf, ["SDZ-NET-001"]), "SDZ-NET-001")[0]).toMatch(/KMS \(TCP 1688\).* to 2 hosts \(azurerm_network_interface\.app01_nic .*azurerm_network_interface\.app02_nic /);
  });

  test("every port from the DMZ: SDZ-KMS-003's error on the rule (TCP 1688), SDZ-KMS-006's on the KMS host for the other ports, pointing at it", () => {
    const s = twoHosts(placement, "10.0.50.0/24");
    expect(findings(s)).toEqual([`SDZ-KMS-003 ${s.address("allow-x")} fail`, `SDZ-KMS-006 ${KMS_HOST_VM} fail`]);
    expect(messages(check(s.tf, ["SDZ-KMS-006", "SDZ-KMS-002", "SDZ-KMS-003"]), "SDZ-KMS-006")[0]).toMatch(/on TCP 0-1687, 1689-65535, UDP any port through rule "allow-x" .*; TCP 1688 from zone dmz is SDZ-KMS-003's finding on /);
  });
});
