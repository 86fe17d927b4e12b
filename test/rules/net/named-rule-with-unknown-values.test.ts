/**
 * Principle 3 between SDZ-NET-001 and the service rules: an NSG rule written for one service (its
 * ports name it) whose source is not known before apply (`${var.src}`) may let the Internet in. For
 * a service whose own rule keeps such a rule as its could-not-verify (KMS, AMT, AMT provisioning) it is
 * that rule's one finding, as a rule of known values is (before: NET-001's could-not-verify on the same
 * resource too). SNMP and Wake-on-LAN, whose rules leave such a rule to NET-001, and Kerberos, LDAP, DNS
 * and the PXE ports, which no rule judges that way, keep NET-001's (unchanged). Raw, untagged azurerm resources, in every NSG placement, with
 * a public IP on the NIC so the Internet has a way in.
 */
import { FindingStatus } from "../../../src/engine/result";
import { check, PLACEMENTS, rule, site } from "../../support/rule-harness";

const IDS = ["SDZ-NET-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-OOB-001", "SDZ-OOB-002", "SDZ-NET-005", "SDZ-NET-006", "SDZ-DOM-001", "SDZ-PXE-001"];
const U = FindingStatus.UNVERIFIED;

/** The NSG rule `named` (protocol, port) from `source`, to app01 (10.0.1.4) only, then a deny-all. */
function namedSite(placement: (typeof PLACEMENTS)[number], protocol: string, port: string, source: string) {
  const s = site(placement, [rule("named", 100, "Allow", protocol, port, source, "10.0.1.4")], { publicIp: true });
  s.tf.json.variable = { ...(s.tf.json.variable ?? {}), src: { type: "string" } };
  return s;
}

/** Sorted `rule address status` of the open findings of {@link IDS}. */
function findings(tf: Parameters<typeof check>[0]): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

describe.each(PLACEMENTS)("a rule written for a service, source from a variable (%s NSG rules)", (placement) => {
  test.each([
    // [service, protocol, port, the rules that report it]
    // SDZ-KMS-003 leaves a rule whose values are not known to SDZ-KMS-002's finding, which names its zones.
    ["KMS", "Tcp", "1688", ["SDZ-KMS-002"]],
    ["AMT", "Tcp", "16992-16995", ["SDZ-OOB-001"]],
    ["AMT provisioning", "Tcp", "9971", ["SDZ-OOB-002"]],
  ] as [string, string, string, string[]][])("%s: the service rule's could-not-verify, not SDZ-NET-001's too", (_svc, protocol, port, owners) => {
    const s = namedSite(placement, protocol, port, "${var.src}");
    const at = s.address("named");
    // Before: also `SDZ-NET-001 <at> unverified` ("may allow <service> from the Internet ...") about the same rule.
    expect(findings(s.tf)).toEqual(owners.map((id) => `${id} ${at} ${U}`).sort());
  });

  test("KMS: the service rule's could-not-verify names the unknown source", () => {
    const s = namedSite(placement, "Tcp", "1688", "${var.src}");
    const msg = check(s.tf, ["SDZ-KMS-002"]).findings.find((f) => f.ruleId === "SDZ-KMS-002")!.message;
    expect(msg).toMatch(/rule "named" of NSG \w+ may allow KMS \(TCP 1688\) from any source to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\).*the variable src is only known at plan time/);
  });

  test.each([["SNMP", "Udp", "161"], ["Wake-on-LAN", "Udp", "9"], ["Kerberos", "Tcp", "88"], ["LDAP", "Tcp", "389"], ["DNS", "Udp", "53"], ["DHCP (PXE)", "Udp", "67"]])(
    "%s: SDZ-NET-001's could-not-verify alone (its rule leaves it to NET-001, or none judges it; unchanged)", (_svc, protocol, port) => {
      const s = namedSite(placement, protocol, port, "${var.src}");
      const at = s.address("named");
      expect(findings(s.tf)).toEqual([`SDZ-NET-001 ${at} ${U}`]);
    });

  test("KMS on a declared KMS host: SDZ-KMS-006 leaves TCP 1688 from the Internet through that rule to SDZ-KMS-002's could-not-verify", () => {
    const s = namedSite(placement, "Tcp", "1688", "${var.src}");
    s.tf.json.resource.azurerm_windows_virtual_machine.app01.tags = { "sdz-role": "kms-host" };
    const at = s.address("named");
    // Before: `SDZ-NET-001 <at> unverified` too; without it, KMS-006 would report the Internet on TCP 1688 through the same rule.
    expect(check(s.tf, [...IDS, "SDZ-KMS-006"]).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort())
      .toEqual([`SDZ-KMS-002 ${at} ${U}`]);
  });

  test("known values: KMS from the Internet is SDZ-KMS-002's error alone (unchanged)", () => {
    const s = namedSite(placement, "Tcp", "1688", "Internet");
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.address("named")} ${FindingStatus.FAIL}`]);
  });
});
