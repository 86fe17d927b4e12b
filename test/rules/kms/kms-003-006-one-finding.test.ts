/**
 * Principle 3 between SDZ-KMS-003 (a TCP 1688 allowlist admits a zone below INTERNAL: R-KMS-3) and
 * SDZ-KMS-006 (a KMS host or domain controller takes perimeter traffic: R-KMS-7). TCP 1688 from a
 * perimeter zone through a rule that KMS-003 reports is one finding, KMS-003's on the rule, naming
 * both concerns; KMS-006 keeps every other port and path (RDP from the DMZ, DNAT, AllowVNetInBound).
 * Raw, untagged azurerm resources, in every NSG placement (inline, standalone rules, NIC-level NSG).
 */
import { addFirewall, addInternetFacingZone, addRouteTable, addZone, FirewallKind, fwRule, KMS_HOST_VM, viaFirewall } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { Body, check, messages, PLACEMENTS, Placement, rule, site, SiteOptions } from "../../support/rule-harness";

const KMS003 = "SDZ-KMS-003";
const KMS006 = "SDZ-KMS-006";

/** app01 (10.0.1.4) with `rules`; beside it clients 10.0.2.0/24 (INTERNAL), dmz 10.0.50.0/24 (PERIMETER), webdmz 10.0.60.0/24 (internet-facing, untagged), lab 10.0.3.0/24 (untagged). */
function kmsSite(placement: Placement, rules: Body[], o: SiteOptions = {}) {
  return site(placement, rules, {
    ...o,
    extend: (tf, s) => {
      addZone(tf, s.vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
      addZone(tf, s.vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      addInternetFacingZone(tf, s.vnet);
      addZone(tf, s.vnet, "lab", "10.0.3.0/24");
      o.extend?.(tf, s);
    },
  });
}

/** Every open finding of the two rules: `rule id address status`, sorted. */
function findings(tf: Parameters<typeof check>[0]): string[] {
  return check(tf, [KMS003, KMS006]).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED)
    .map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

const FAIL = FindingStatus.FAIL;
const UNVERIFIED = FindingStatus.UNVERIFIED;
/** The lab zone's NSG, where its trust is declared: SDZ-KMS-006 reports a zone of unknown trust there, naming the hosts it reaches. */
const LAB_NSG = "azurerm_network_security_group.lab_nsg";
/** app01 is a domain controller by inference: Kerberos and LDAP through rules written for them, from the clients. */
const DC = [rule("allow-kerberos", 100, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 110, "Allow", "Tcp", "389", "10.0.2.0/24")];

describe("SDZ-KMS-003 and SDZ-KMS-006: one finding for TCP 1688 from a perimeter zone", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each([["declared PERIMETER", "10.0.50.0/24", "dmz"], ["internet-facing, untagged", "10.0.60.0/24", "webdmz"]])(
      "TCP 1688 only, from a zone %s: one error, SDZ-KMS-003's on the rule, naming the allowlist (R-KMS-3) and the host's exposure (R-KMS-7)", (_what, prefix, zone) => {
        const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", ["10.0.2.0/24", prefix])]);
        // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail`.
        expect(findings(s.tf)).toEqual([`${KMS003} ${s.address("allow-kms")} ${FAIL}`]);
        const [msg] = messages(check(s.tf, [KMS003]), KMS003);
        expect(msg).toMatch(new RegExp(`^rule "allow-kms" of NSG \\w+ allows KMS \\(TCP 1688\\) from PERIMETER zone ${zone} .* to azurerm_network_interface\\.app01_nic \\(10\\.0\\.1\\.4\\): only zones trusted INTERNAL or more may activate with KMS; the others use MAK \\(R-KMS-3\\)`));
        expect(msg).toMatch(/it also exposes KMS host azurerm_windows_virtual_machine\.app01 \(inferred: .*\) to perimeter traffic, which a KMS host or domain controller never takes \(R-KMS-7\)/);
      });

    test("TCP 1688 and RDP from the DMZ, two rules: KMS-003 reports the 1688 rule, KMS-006 the host for RDP only, pointing at KMS-003 for 1688", () => {
      const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.50.0/24"), rule("allow-rdp", 110, "Allow", "Tcp", "3389", "10.0.50.0/24")]);
      expect(findings(s.tf)).toEqual([`${KMS003} ${s.address("allow-kms")} ${FAIL}`, `${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
      const [msg] = messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006);
      // Before: `... on TCP 1688 through rule "allow-kms" ...; and from ... on TCP 3389 ...` (1688 in both findings).
      expect(msg).toMatch(/^KMS host is reachable from PERIMETER zone dmz \(10\.0\.50\.0\/24; [^)]*\) on TCP 3389 through rule "allow-rdp" of NSG \w+; TCP 1688 from zone dmz is SDZ-KMS-003's finding on /);
      // 1688 is not among the ports this finding reports (the evidence of the role may cite it).
      expect(msg.split("; TCP 1688 from zone dmz")[0]).not.toMatch(/1688/);
    });

    test("TCP 1688 and RDP from the DMZ in one rule: KMS-003 reports the rule for 1688, KMS-006 the host for 3389 through the same rule", () => {
      const s = kmsSite(placement, [rule("allow-dmz", 100, "Allow", "Tcp", ["1688", "3389"], "10.0.50.0/24")]);
      expect(findings(s.tf)).toEqual([`${KMS003} ${s.address("allow-dmz")} ${FAIL}`, `${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
      expect(messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006)[0]).toMatch(/PERIMETER zone dmz \([^)]*\) on TCP 3389 through rule "allow-dmz" of NSG \w+; TCP 1688 from zone dmz is SDZ-KMS-003's finding/);
    });

    test("no deny-all: KMS-006 reports Azure's AllowVNetInBound on every port; KMS-003 leaves TCP 1688 through it to SDZ-KMS-002's finding on that rule", () => {
      const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], { denyAll: false, vmTags: { "sdz-role": "kms-host" } });
      // Before: also `SDZ-KMS-003 <NSG> fail` on AllowVNetInBound, which SDZ-KMS-002 reports too (allow-vnet-inbound-one-finding.test.ts).
      expect(findings(s.tf)).toEqual([`${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
      expect(messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006)[0]).toMatch(/PERIMETER zone dmz \([^)]*\) on TCP any port, UDP any port through Azure's default rule AllowVNetInBound/);
    });

    test("a domain controller (not a KMS host) that the DMZ reaches on RDP: KMS-006's, unchanged", () => {
      const s = kmsSite(placement, [...DC, rule("allow-rdp", 120, "Allow", "Tcp", "3389", "10.0.50.0/24")]);
      expect(findings(s.tf)).toEqual([`${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
      expect(messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006)[0]).toMatch(/^domain controller is reachable from PERIMETER zone dmz .* on TCP 3389 through rule "allow-rdp"/);
    });

    test("a zone whose trust is not known: one could-not-verify, KMS-003's on the rule, for 1688; KMS-006 keeps the other ports", () => {
      const only = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.3.0/24")]);
      // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 unverified`, asking the same question.
      expect(findings(only.tf)).toEqual([`${KMS003} ${only.address("allow-kms")} ${UNVERIFIED}`]);
      expect(messages(check(only.tf, [KMS003]), KMS003)[0]).toMatch(/from zone lab .*declare it so the check can tell whether the zone may activate with KMS; if it is below INTERNAL, KMS host azurerm_windows_virtual_machine\.app01 .* is exposed to perimeter traffic \(R-KMS-7\)/);
      const rdp = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.3.0/24"), rule("allow-rdp", 110, "Allow", "Tcp", "3389", "10.0.3.0/24")]);
      // KMS-006's could-not-verify is on the zone, where its trust is declared (before: on the host).
      expect(findings(rdp.tf)).toEqual([`${KMS003} ${rdp.address("allow-kms")} ${UNVERIFIED}`, `${KMS006} ${LAB_NSG} ${UNVERIFIED}`]);
      expect(messages(check(rdp.tf, [KMS006, KMS003]), KMS006)[0]).toMatch(/^could not verify: zone lab \(10\.0\.3\.0\/24; trust not declared\) reaches KMS host azurerm_windows_virtual_machine\.app01 .* on TCP 3389 through rule "allow-rdp"/);
      // SDZ-KMS-003 excluded from the check: KMS-006 keeps TCP 1688 itself (no silent pass).
      const alone = messages(check(rdp.tf, [KMS006]), KMS006)[0];
      expect(alone).toMatch(/^could not verify: zone lab \(10\.0\.3\.0\/24; trust not declared\) reaches KMS host azurerm_windows_virtual_machine\.app01 .* on TCP 1688, 3389 through rule "allow-kms"/);
      expect(alone).not.toMatch(/SDZ-KMS-003's finding/);
    });

    test("a perimeter zone in an error, an undeclared one beside it: the error names both; KMS-006 drops neither zone's other ports", () => {
      const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", ["10.0.50.0/24", "10.0.3.0/24"]), rule("allow-rdp", 110, "Allow", "Tcp", "3389", "10.0.3.0/24")]);
      // KMS-006 reports the lab's RDP as could-not-verify (nothing of the host is an error once 1688 is KMS-003's).
      expect(findings(s.tf)).toEqual([`${KMS003} ${s.address("allow-kms")} ${FAIL}`, `${KMS006} ${LAB_NSG} ${UNVERIFIED}`]);
      expect(messages(check(s.tf, [KMS003]), KMS003)[0]).toMatch(/from PERIMETER zone dmz .*; also from zones whose trust is not known: zone lab/);
    });

    test("a 1688 source from a variable, on a declared KMS host: one could-not-verify, SDZ-KMS-002's on the rule (KMS-003 leaves it there)", () => {
      const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "${var.clients}")], { vmTags: { "sdz-role": "kms-host" } });
      // Before: `SDZ-KMS-003 <rule> unverified` beside SDZ-KMS-002's, about the same variable; earlier also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 unverified`.
      expect(check(s.tf, ["SDZ-KMS-002", KMS003, KMS006]).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`))
        .toEqual([`SDZ-KMS-002 ${s.address("allow-kms")} ${UNVERIFIED}`]);
    });
  });
  test.each<FirewallKind>(["policy", "classic"])("the DMZ routed through Azure Firewall (%s), whose network rule decides TCP 1688: one error, KMS-003's on the collection", (kind) => {
    let collection = "";
    // The KMS host's NSG keeps Azure's AllowVNetInBound (the firewall rule decides what the DMZ gets); the firewall's own subnet is denied.
    const s = site("inline", [rule("deny-firewall-subnet", 100, "Deny", "*", "*", "10.0.100.0/26")], {
      denyAll: false, vmTags: { "sdz-role": "kms-host" },
      extend: (tf, { vnet, nsg }) => {
        tf.json.resource.azurerm_network_security_group[nsg.split(".")[1]].tags = { "sdz-trust": "INTERNAL" };
        addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
        ({ collection } = addFirewall(tf, vnet, kind, [fwRule("kms", ["10.0.50.0/24"], ["1688"], ["10.0.1.4"])]));
        addRouteTable(tf, "dmz_rt", "azurerm_subnet.dmz", [viaFirewall("servers-via-fw", "10.0.1.0/24")]);
      },
    });
    // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail` (the DMZ on TCP 1688 through firewall rule kms-activation/kms).
    expect(findings(s.tf)).toEqual([`${KMS003} ${collection} ${FAIL}`]);
    expect(messages(check(s.tf, [KMS003]), KMS003)[0]).toMatch(/^firewall network rule kms-activation\/kms .* from PERIMETER zone dmz .*it also exposes KMS host azurerm_windows_virtual_machine\.app01 .*\(R-KMS-7\)$/);
  });
});
