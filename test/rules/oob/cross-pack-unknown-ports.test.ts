/**
 * Principle 3 across packs: an NSG rule whose destination ports come from a variable and whose source
 * is private (a client subnet, not the Internet) was a could-not-verify of SDZ-KMS-003 (or SDZ-KMS-002),
 * SDZ-DOM-001, SDZ-NET-006 (with UDP) and the out-of-band owner (SDZ-OOB-001 or SDZ-OOB-002) on the same
 * rule, about the same field. Now it is one: the out-of-band owner's, naming every service the unknown
 * value may open on the host; the others leave it. A rule written for a service port stays that
 * service's (SDZ-PXE-001 leaves such a rule too); where the owner has nothing to say (a MANAGEMENT source), the
 * others keep theirs, and a rule for UDP only (no AMT port) is SDZ-NET-006's one could-not-verify, naming the
 * others. Raw, untagged azurerm resources (but the declared roles), in every NSG placement.
 */
import { oobSite, rule } from "./builders";
import { FindingStatus } from "../../../src/engine/result";
import { DOM_PACK } from "../../../src/rules/dom";
import { KMS_PACK } from "../../../src/rules/kms";
import { NET_PACK } from "../../../src/rules/net";
import { OOB_PACK } from "../../../src/rules/oob";
import { PXE_PACK } from "../../../src/rules/pxe";
import { check, messages, PLACEMENTS, Placement, TfJson } from "../../support/rule-harness";

/** The packs this file is about: every finding of theirs is asserted. */
const IDS = [KMS_PACK, DOM_PACK, OOB_PACK, NET_PACK, PXE_PACK].flatMap((p) => p.rules.map((r) => r.id));
const U = FindingStatus.UNVERIFIED;
const F = FindingStatus.FAIL;
const VM = "azurerm_windows_virtual_machine.app01";

/** Sorted `rule address status` of the open findings of {@link IDS}. */
function findings(tf: TfJson): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/** NET-004 on the neighbours' deny-alls (no ICMP before them), and on the servers' NSG when it holds one; NET-002 when the subnet has none. */
function netNoise(placement: Placement, protocol: string): string[] {
  const out = ["SDZ-NET-004 azurerm_network_security_group.clients_nsg fail", "SDZ-NET-004 azurerm_network_security_group.management_nsg fail"];
  // The servers' deny-all: an error for a TCP rule; a rule for every protocol may allow ICMP before it, which NET-004 accepts.
  if (protocol !== "*") out.push(`SDZ-NET-004 azurerm_network_security_${placement === "standalone" ? "rule.deny_all_inbound" : `group.${placement === "nic" ? "app01_nic_nsg" : "servers_nsg"}`} ${F}`);
  if (placement === "nic") out.push(`SDZ-NET-002 azurerm_subnet.servers ${F}`);
  return out;
}

/** The rule under test: TCP (or every protocol) on ports from a variable, from the client subnet 10.0.20.0/24 (trust not declared). */
const maybe = (protocol: string) => rule("maybe", 200, "Allow", protocol, "${var.ports}", "10.0.20.0/24");

/** The services the owner names for a rule of that protocol, after what the other OOB rule leaves. */
const TCP_SERVICES = "KMS \\(TCP 1688\\), Kerberos \\(TCP 88\\), Kerberos password change \\(TCP 464\\), LDAP \\(TCP 389\\), LDAPS \\(TCP 636\\), Global Catalog \\(TCP 3268\\), "
  + "Global Catalog SSL \\(TCP 3269\\), DNS \\(TCP 53\\)";
const ALL_SERVICES = "KMS \\(TCP 1688\\), Kerberos \\(TCP 88\\), Kerberos \\(UDP 88\\), Kerberos password change \\(TCP 464\\), Kerberos password change \\(UDP 464\\), "
  + "LDAP \\(TCP 389\\), LDAP \\(DC locator\\) \\(UDP 389\\), LDAPS \\(TCP 636\\), Global Catalog \\(TCP 3268\\), Global Catalog SSL \\(TCP 3269\\), DNS \\(TCP 53\\), DNS \\(UDP 53\\), "
  + "SNMP \\(UDP 161\\), SNMP trap \\(UDP 162\\), Wake-on-LAN \\(UDP 7\\), Wake-on-LAN \\(UDP 9\\), "
  + "DHCP \\(UDP 67\\), DHCP client \\(UDP 68\\), TFTP \\(UDP 69\\), PXE/BINL \\(UDP 4011\\)";

const SP_ROLE = "oob-service-point";
/** The clients zone's NSG, where its trust is declared: SDZ-KMS-006 reports a zone of unknown trust there, naming the hosts it reaches. */
const CLIENTS_NSG = "azurerm_network_security_group.clients_nsg";

describe.each(PLACEMENTS)("one could-not-verify for a rule whose ports are not known, from a private source, across packs (%s NSG rules)", (placement) => {
  describe.each(["Tcp", "*"])("protocol %s", (protocol) => {
    const services = protocol === "*" ? ALL_SERVICES : TCP_SERVICES;
    // SDZ-KMS-006 (TCP 1688 from a zone) and SDZ-PXE-012 (rules written for PXE) leave the rule to the owner too, and are named
    // (before: left out, so suppressing the owner's finding hid their doubt without saying so).
    const leaving = protocol === "*" ? "SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006, SDZ-NET-005, SDZ-NET-006, SDZ-OOB-002, SDZ-PXE-001 and SDZ-PXE-012"
      : "SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-002";

    test("on a declared KMS host and domain controller: SDZ-OOB-001's one could-not-verify names KMS and the domain services; KMS-006 points at it for TCP 1688", () => {
      const s = oobSite(placement, [maybe(protocol)], { vmTags: { "sdz-role": "kms-host,domain-controller" } });
      const at = s.address("maybe");
      // Before: also `SDZ-KMS-003 <at> unverified`, `SDZ-DOM-001 <at> unverified` (inline and standalone: the NIC's NSG guards only the DC) and,
      // with every protocol, `SDZ-NET-006 <at> unverified`, about the same variable.
      expect(findings(s.tf)).toEqual([
        `SDZ-KMS-001 ${VM} ${F}`, `SDZ-KMS-005 ${VM} ${F}`, `SDZ-KMS-006 ${CLIENTS_NSG} ${U}`, `SDZ-OOB-001 ${at} ${U}`, ...netNoise(placement, protocol),
      ].sort());
      const [msg] = messages(check(s.tf, ["SDZ-OOB-001"]), "SDZ-OOB-001");
      expect(msg).toMatch(/^could not verify: rule "maybe" of NSG \w+ may allow Intel AMT \(TCP 16992-16995\) to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\) from zone clients/);
      expect(msg.match(/the variable ports/g)).toHaveLength(1);
      expect(msg).toMatch(new RegExp(`; its destination ports, not known before apply, may also open the AMT provisioning port TCP 9971, ${services} there \\(${leaving} leave this rule to this finding\\)$`));
      const [kms006] = messages(check(s.tf, ["SDZ-KMS-006", "SDZ-OOB-001"]), "SDZ-KMS-006");
      // KMS-006's could-not-verify about the clients zone (trust not declared) is on the zone, naming the host (before: on the host).
      expect(kms006).toMatch(new RegExp(`^could not verify: zone clients .* reaches KMS host and domain controller ${VM.replace(/\./g, "\\.")} .*; TCP 1688 from zone clients is SDZ-OOB-001's finding on ${at.replace(/\./g, "\\.")};`));
    });

    test("on a KMS host and domain controller inferred from its setup script: the same one finding", () => {
      const s = oobSite(placement, [maybe(protocol)]);
      s.tf.add("azurerm_virtual_machine_extension", "setup", {
        name: "setup", virtual_machine_id: TfJson.ref(VM), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
        settings: JSON.stringify({ commandToExecute: "powershell -Command \"Install-WindowsFeature VolumeActivation; Install-WindowsFeature AD-Domain-Services; Install-ADDSForest -DomainName corp.example\"" }),
      });
      const at = s.address("maybe");
      expect(findings(s.tf)).toEqual([
        `SDZ-KMS-001 ${VM} ${F}`, `SDZ-KMS-005 ${VM} ${F}`, `SDZ-KMS-006 ${CLIENTS_NSG} ${U}`, `SDZ-OOB-001 ${at} ${U}`, ...netNoise(placement, protocol),
      ].sort());
    });

    test("on an AMT client (its subnet is a declared client segment of the service point): SDZ-OOB-001's one could-not-verify", () => {
      const s = oobSite(placement, [maybe(protocol)], { spTags: { "sdz-role": "oob-service-point", "sdz-oob-provisioning": "enabled", "sdz-oob-amt-client-prefixes": "10.0.1.0/24" } });
      const at = s.address("maybe");
      // Before: also `SDZ-KMS-003 <at> unverified`, `SDZ-DOM-001 <at> unverified` and, with every protocol, `SDZ-NET-006 <at> unverified`.
      const oob003 = check(s.tf, ["SDZ-OOB-003"]).findings.filter((f) => f.status === F).map((f) => `SDZ-OOB-003 ${f.address} ${F}`);
      expect(findings(s.tf)).toEqual([...oob003, `SDZ-OOB-001 ${at} ${U}`, ...netNoise(placement, protocol)].sort());
      expect(messages(check(s.tf, ["SDZ-OOB-001"]), "SDZ-OOB-001")[0]).toMatch(new RegExp(`may also open the AMT provisioning port TCP 9971, ${services} there \\(${leaving} leave this rule to this finding\\)$`));
    });
  });

  test("on a declared out-of-band service point: SDZ-OOB-002's one could-not-verify names AMT, KMS and the domain services", () => {
    const s = oobSite(placement, [maybe("Tcp")], { vmTags: { "sdz-role": SP_ROLE } });
    const at = s.address("maybe");
    expect(findings(s.tf).filter((f) => f.includes(at) && !f.startsWith("SDZ-NET-004"))).toEqual([`SDZ-OOB-002 ${at} ${U}`]);
    expect(messages(check(s.tf, ["SDZ-OOB-002"]), "SDZ-OOB-002")[0]).toMatch(new RegExp(`may also open Intel AMT \\(TCP 16992-16995\\), ${TCP_SERVICES} there \\(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-001 leave this rule to this finding\\)$`));
  });

  test("from a MANAGEMENT zone (AMT may come from there; KMS too): the owner is SDZ-OOB-002 (TCP 9971 while provisioning is off), naming the others", () => {
    const s = oobSite(placement, [rule("maybe", 200, "Allow", "*", "${var.ports}", "10.0.9.0/24")], { managementTrust: "MANAGEMENT", vmTags: { "sdz-role": "kms-host" } });
    const at = s.address("maybe");
    // Before: also `SDZ-DOM-001 <at> unverified` and `SDZ-NET-006 <at> unverified`. KMS-003 has nothing to say (MANAGEMENT may activate).
    expect(findings(s.tf).filter((f) => f.includes(at))).toEqual([`SDZ-OOB-002 ${at} ${U}`]);
    expect(messages(check(s.tf, ["SDZ-OOB-002"]), "SDZ-OOB-002")[0]).toMatch(/while out-of-band provisioning is off.*; its destination ports, not known before apply, may also open KMS \(TCP 1688\), .* there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006, SDZ-NET-005, SDZ-NET-006, SDZ-PXE-001 and SDZ-PXE-012 leave this rule to this finding\)$/);
  });

  test("a rule for UDP only: no AMT port, so SDZ-NET-006's could-not-verify is the one finding, naming the domain services, SNMP and PXE", () => {
    const s = oobSite(placement, [maybe("Udp")]);
    const at = s.address("maybe");
    // Before: SDZ-DOM-001's, SDZ-NET-006's and SDZ-PXE-001's (and SDZ-NET-005's from a wider source), about the same variable.
    expect(findings(s.tf).filter((f) => f.includes(at) && !f.startsWith("SDZ-NET-004"))).toEqual([`SDZ-NET-006 ${at} ${U}`]);
    expect(messages(check(s.tf, ["SDZ-NET-006"]), "SDZ-NET-006")[0]).toMatch(new RegExp("; its destination ports, not known before apply, may also open Kerberos \\(UDP 88\\), "
      + "Kerberos password change \\(UDP 464\\), LDAP \\(DC locator\\) \\(UDP 389\\), DNS \\(UDP 53\\), SNMP \\(UDP 161\\), SNMP trap \\(UDP 162\\), "
      + "DHCP \\(UDP 67\\), DHCP client \\(UDP 68\\), TFTP \\(UDP 69\\), PXE/BINL \\(UDP 4011\\) there \\(SDZ-DOM-001, SDZ-NET-005, SDZ-PXE-001 and SDZ-PXE-012 leave this rule to this finding\\)$"));
  });

  test("a rule for UDP only with SDZ-NET-006 excluded: the rules that leave it to that finding keep theirs (no silent pass)", () => {
    const s = oobSite(placement, [maybe("Udp")]);
    const at = s.address("maybe");
    const r = check(s.tf, IDS.filter((id) => id !== "SDZ-NET-006"));
    expect(r.findings.filter((f) => f.address === at && f.status === U).map((f) => f.ruleId).sort()).toEqual(["SDZ-DOM-001", "SDZ-PXE-001"]);
  });

  test("every protocol, on a PXE distribution point: the owner's one could-not-verify names the PXE ports; SDZ-PXE-001 leaves the rule, its TFTP data range too", () => {
    const s = oobSite(placement, [maybe("*")], { vmTags: { "sdz-role": "pxe-distribution-point" } });
    const at = s.address("maybe");
    // Before: also `SDZ-PXE-001 <at> unverified` (the DHCP, TFTP, PXE/BINL and TFTP data ports), about the same variable.
    expect(findings(s.tf).filter((f) => f.includes(at) && !f.startsWith("SDZ-NET-004"))).toEqual([`SDZ-OOB-001 ${at} ${U}`]);
    expect(messages(check(s.tf, ["SDZ-OOB-001"]), "SDZ-OOB-001")[0]).toMatch(/DHCP \(UDP 67\), DHCP client \(UDP 68\), TFTP \(UDP 69\), PXE\/BINL \(UDP 4011\) there \(.*SDZ-PXE-001 and SDZ-PXE-012 leave this rule to this finding\)$/);
  });

  /** The open findings about the rule "maybe" (NET-004's about the NSG aside), with `excluded` left out of the check. */
  const onRule = (s: ReturnType<typeof oobSite>, excluded: string[]) => {
    const at = s.address("maybe");
    return check(s.tf, IDS.filter((id) => !excluded.includes(id))).findings
      .filter((f) => f.address === at && f.status !== FindingStatus.SUPPRESSED && f.ruleId !== "SDZ-NET-004").map((f) => `${f.ruleId} ${f.status}`).sort();
  };

  test("an owner excluded from the check owns nothing: on a host that is no service point, SDZ-OOB-002 keeps TCP 9971 and is the one finding (was: left to the excluded SDZ-OOB-001, silent)", () => {
    const s = oobSite(placement, [maybe("Tcp")]);
    // Before: [SDZ-DOM-001 unverified, SDZ-KMS-003 unverified], and TCP 9971 said by no finding.
    expect(onRule(s, ["SDZ-OOB-001"])).toEqual([`SDZ-OOB-002 ${U}`]);
    const [msg] = messages(check(s.tf, IDS.filter((id) => id !== "SDZ-OOB-001")), "SDZ-OOB-002");
    expect(msg).toMatch(new RegExp(`may also open ${TCP_SERVICES} there \\(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003 and SDZ-KMS-006 leave this rule to this finding\\)$`));
  });

  test("an owner excluded from the check owns nothing: on a service point, SDZ-OOB-001 keeps the AMT ports and is the one finding (was: left to the excluded SDZ-OOB-002, silent)", () => {
    const s = oobSite(placement, [maybe("Tcp")], { vmTags: { "sdz-role": SP_ROLE } });
    // Before: [SDZ-DOM-001 unverified, SDZ-KMS-003 unverified], and the AMT ports said by no finding.
    expect(onRule(s, ["SDZ-OOB-002"])).toEqual([`SDZ-OOB-001 ${U}`]);
  });

  test("both out-of-band rules excluded, every protocol, on a distribution point: SDZ-NET-006's is the one finding and names what it carries, not itself (was: it named the excluded owner's list while each of those rules reported)", () => {
    const s = oobSite(placement, [maybe("*")], { vmTags: { "sdz-role": "pxe-distribution-point" } });
    const excluded = ["SDZ-OOB-001", "SDZ-OOB-002"];
    // Before: [SDZ-DOM-001, SDZ-KMS-003, SDZ-NET-006, SDZ-PXE-001, SDZ-PXE-012] all unverified about the same variable.
    expect(onRule(s, excluded)).toEqual([`SDZ-NET-006 ${U}`]);
    const [msg] = messages(check(s.tf, IDS.filter((id) => !excluded.includes(id))), "SDZ-NET-006");
    expect(msg).toMatch(/; its destination ports, not known before apply, may also open KMS \(TCP 1688\), .*SNMP trap \(UDP 162\), DHCP \(UDP 67\), .*PXE\/BINL \(UDP 4011\) there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006, SDZ-NET-005, SDZ-PXE-001 and SDZ-PXE-012 leave this rule to this finding\)$/);
    expect(msg).not.toMatch(/may also open .*Wake-on-LAN/);
    // The rules it names keep their own findings when it is excluded too (what suppressing it hides): SDZ-PXE-012 among them,
    // but for a NIC's NSG, whose rule reaches only the distribution point.
    expect(onRule(s, [...excluded, "SDZ-NET-006"])).toEqual([`SDZ-DOM-001 ${U}`, `SDZ-KMS-003 ${U}`, `SDZ-PXE-001 ${U}`, ...(placement === "nic" ? [] : [`SDZ-PXE-012 ${U}`])]);
  });

  test("beside a rule written for TCP 1688 whose protocol is a variable: TCP 1688 stays SDZ-KMS-003's, on that rule; the owner does not name KMS", () => {
    const s = oobSite(placement, [rule("allow-kms", 100, "Allow", "${var.proto}", "1688", "10.0.20.0/24"), maybe("Tcp")], { vmTags: { "sdz-role": "kms-host" } });
    const r = check(s.tf, ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-OOB-001", "SDZ-DOM-001"]);
    expect(r.findings.filter((f) => f.status === U).map((f) => `${f.ruleId} ${f.address}`).sort())
      .toEqual([`SDZ-KMS-003 ${s.address("allow-kms")}`, `SDZ-OOB-001 ${s.address("maybe")}`].sort());
    const [msg] = messages(r, "SDZ-OOB-001");
    expect(msg).not.toMatch(/KMS \(TCP 1688\)/);
    expect(msg).toMatch(/may also open the AMT provisioning port TCP 9971, Kerberos \(TCP 88\), .* there \(SDZ-DOM-001 and SDZ-OOB-002 leave this rule to this finding\)$/);
  });
});

