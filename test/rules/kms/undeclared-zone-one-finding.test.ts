/**
 * One zone whose trust is not declared is one problem with one fix (declare its trust): SDZ-KMS-003 reports it once per
 * KMS host, naming every rule (NSG and Azure Firewall) that admits it, and SDZ-KMS-006 once, on the zone, naming every KMS
 * host and domain controller it reaches. A host with no NSG at all in a subnet SDZ-NET-002 reports is that finding.
 * Raw, untagged azurerm resources (review F8 parts 1 and 4; reproducers r11a and r18).
 */
import { addFirewall, addRouteTable, addZone, FirewallKind, fwRule, KMS_HOST_VM, tag, viaFirewall } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, rule, site, TfJson } from "../../support/rule-harness";

const KMS003 = "SDZ-KMS-003";
const KMS006 = "SDZ-KMS-006";
const U = FindingStatus.UNVERIFIED;
const FAIL = FindingStatus.FAIL;
const LAB_NSG = "azurerm_network_security_group.lab_nsg";
const DC01 = "azurerm_windows_virtual_machine.dc01";
const DC02 = "azurerm_windows_virtual_machine.dc02";

function findings(tf: TfJson, rules: string[] = [KMS003, KMS006]): string[] {
  return check(tf, rules).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/**
 * Hub and spoke in one VNet: the KMS host app01 (subnet servers, NSG declared INTERNAL) takes TCP 1688 from the lab zone
 * (10.0.3.0/24) through its NSG rule, and the hub firewall, on the lab's route to the servers and the DCs, allows the same
 * through a network rule; two DCs (subnet dcs, NSG declared INTERNAL) take Kerberos and LDAP from the lab, which the firewall
 * allows too. The lab's own NSG carries no sdz-trust unless `labTrust` is given.
 */
function hubSpoke(kind: FirewallKind, labTrust?: string): { tf: TfJson; collection: string; nsg: string } {
  let collection = "";
  const s = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.3.0/24")], {
    extend: (tf, { vnet, nsg }) => {
      tag(tf, nsg, { "sdz-trust": "INTERNAL" });
      const lab = addZone(tf, vnet, "lab", "10.0.3.0/24", labTrust ? { tags: { "sdz-trust": labTrust } } : {});
      const dcs = addZone(tf, vnet, "dcs", "10.0.2.0/24", {
        rules: [rule("allow-ad-tcp", 100, "Allow", "Tcp", ["88", "389"], "10.0.3.0/24")], tags: { "sdz-trust": "INTERNAL" },
      });
      for (const [name, ip] of [["dc01", "10.0.2.4"], ["dc02", "10.0.2.5"]]) tf.windowsVm(name, [tf.nic(`${name}_nic`, dcs.subnet, ip)]);
      ({ collection } = addFirewall(tf, vnet, kind, [
        fwRule("kms", ["10.0.3.0/24"], ["1688"], ["10.0.1.4"]),
        fwRule("ad", ["10.0.3.0/24"], ["88", "389"], ["10.0.2.0/24"]),
      ]));
      addRouteTable(tf, "lab_rt", lab.subnet, [viaFirewall("servers-via-fw", "10.0.1.0/24"), viaFirewall("dcs-via-fw", "10.0.2.0/24")]);
    },
  });
  return { tf: s.tf, collection, nsg: s.nsg };
}

describe.each<FirewallKind>(["policy", "classic"])("a zone of undeclared trust admitted by an NSG rule and a firewall rule (%s)", (kind) => {
  test("SDZ-KMS-003: one could-not-verify on the NSG naming both rules; SDZ-KMS-006: one on the zone naming both DCs", () => {
    const { tf, collection, nsg } = hubSpoke(kind);
    // Before: `SDZ-KMS-003 <collection> unverified` beside the NSG's, and `SDZ-KMS-006 <dc01|dc02> unverified` (one per DC), all asking the lab's trust.
    expect(findings(tf)).toEqual([`${KMS003} ${nsg} ${U}`, `${KMS006} ${LAB_NSG} ${U}`]);
    const [kms003] = messages(check(tf, [KMS003]), KMS003);
    expect(kms003).toMatch(/^could not verify: rule "allow-kms" of NSG servers_nsg allows KMS \(TCP 1688\) from zone lab \(10\.0\.3\.0\/24; trust not declared\) to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\); firewall network rule kms-activation\/kms of \S+ .*allows KMS \(TCP 1688\) from zone lab .*, whose trust is neither declared/);
    expect(kms003).toMatch(new RegExp(`KMS host ${KMS_HOST_VM.replace(".", "\\.")} .* is exposed to perimeter traffic \\(R-KMS-7\\)$`));
    expect(kms003).not.toMatch(collection.replace(".", "\\.").concat(".*", collection.replace(".", "\\.")));
    // The KMS host's TCP 1688 from the lab is SDZ-KMS-003's finding (which names the host): not again here.
    const [kms006] = messages(check(tf, [KMS003, KMS006]), KMS006);
    expect(kms006).not.toMatch(/app01/);
    expect(kms006).toMatch(/^could not verify: zone lab \(10\.0\.3\.0\/24; trust not declared\) reaches domain controller azurerm_windows_virtual_machine\.dc01 \([^)]*\) on TCP 88, 389 through .*; and domain controller azurerm_windows_virtual_machine\.dc02 .*; its trust is neither declared \(sdz-trust\)/);
  });

  test("declaring the zone's trust clears all of them: one root cause", () => {
    expect(findings(hubSpoke(kind, "INTERNAL").tf)).toEqual([]);
  });

  test("a zone below INTERNAL stays an error per rule and per host (unchanged)", () => {
    const { tf, collection, nsg } = hubSpoke(kind, "PERIMETER");
    expect(findings(tf)).toEqual([`${KMS003} ${collection} ${FAIL}`, `${KMS003} ${nsg} ${FAIL}`, `${KMS006} ${DC01} ${FAIL}`, `${KMS006} ${DC02} ${FAIL}`].sort());
  });
});

/** A domain controller dc01 (inferred from the script that promotes it) in subnet dcs, with no NSG on the subnet or the NIC. */
function dcWithoutNsg(extend?: (tf: TfJson, vnet: string) => void): TfJson {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.60.0.0/16"]);
  extend?.(tf, vnet);
  const subnet = tf.subnet("dcs", vnet, ["10.60.2.0/24"]);
  const vm = tf.windowsVm("dc01", [tf.nic("dc01_nic", subnet, "10.60.2.4")]);
  tf.add("azurerm_virtual_machine_extension", "dc01_promote", {
    name: "promote", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
    settings: JSON.stringify({ commandToExecute: "powershell -Command \"Install-WindowsFeature AD-Domain-Services; Install-ADDSForest -DomainName corp.contoso.com -SafeModeAdministratorPassword $env:DSRM -Force\"" }),
  });
  return tf;
}

describe("a domain controller with no NSG at all", () => {
  test("SDZ-NET-002's one finding on the subnet; SDZ-KMS-006 leaves its own subnet (trust not declared) to it", () => {
    // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.dc01 unverified` ("reachable from zone dcs (trust not declared) ... through no NSG").
    expect(findings(dcWithoutNsg(), [KMS006, "SDZ-NET-002"])).toEqual([`SDZ-NET-002 azurerm_subnet.dcs ${FAIL}`]);
  });

  test("with SDZ-NET-002 excluded from the check, SDZ-KMS-006 keeps it (no silent pass), on the zone", () => {
    expect(findings(dcWithoutNsg(), [KMS006])).toEqual([`${KMS006} azurerm_subnet.dcs ${U}`]);
    expect(messages(check(dcWithoutNsg(), [KMS006]), KMS006)[0]).toMatch(/zone dcs \(10\.60\.2\.0\/24; trust not declared\) reaches domain controller azurerm_windows_virtual_machine\.dc01 .* through no NSG on the subnet or the NIC/);
  });

  test("a zone below INTERNAL reaching it through the missing NSG stays SDZ-KMS-006's error on the host (unchanged)", () => {
    const tf = dcWithoutNsg((t, vnet) => addZone(t, vnet, "dmz", "10.60.50.0/24", { tags: { "sdz-trust": "PERIMETER" } }));
    expect(findings(tf, [KMS006, "SDZ-NET-002"])).toEqual([`SDZ-NET-002 azurerm_subnet.dcs ${FAIL}`, `${KMS006} ${DC01} ${FAIL}`].sort());
    expect(messages(check(tf, [KMS006, "SDZ-NET-002"]), KMS006)[0]).toMatch(/^domain controller is reachable from PERIMETER zone dmz .* through no NSG on the subnet or the NIC/);
    expect(messages(check(tf, [KMS006, "SDZ-NET-002"]), KMS006)[0]).not.toMatch(/zone dcs/);
  });
});
