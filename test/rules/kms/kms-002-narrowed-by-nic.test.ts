/**
 * Review case r09: a subnet NSG rule allows TCP 1688 from VirtualNetwork, and the KMS host's NIC NSG
 * allows it only from the clients' /24, then denies everything. Azure applies the subnet's NSG and
 * then the NIC's, both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works):
 * only the /24 reaches the host, so SDZ-KMS-002 does not say the rule lets VirtualNetwork in (before:
 * its error "allows KMS (TCP 1688) from VirtualNetwork ... to azurerm_network_interface.kms01"). The
 * /24 is judged as addresses: an allowlist of a zone, SDZ-KMS-003's to judge by its trust. Where the NIC
 * NSG lets the whole VNet in on 1688 too, the error stays. Raw, untagged resources, rules inline and standalone.
 */
import { addZone } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { Body, check, messages, rule, TfJson } from "../../support/rule-harness";

const IDS = ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-NET-003"];
const DENY_ALL = rule("deny-all-inbound", 4096, "Deny", "*", "*", "*");

function nsgWith(tf: TfJson, name: string, rules: Body[], place: "inline" | "standalone"): string {
  const nsg = tf.nsg(name, place === "inline" ? rules : []);
  if (place === "standalone") rules.forEach((r) => tf.nsgRule(`${name}_${String(r.name).replace(/-/g, "_")}`, nsg, r));
  return nsg;
}

/** Servers 10.0.1.0/24 (NSG: 1688 from VirtualNetwork, no deny-all), kms01 at 10.0.1.10 with a NIC NSG of `nicRules`; clients 10.0.2.0/24 with `clientTags`. */
function site(place: "inline" | "standalone", nicSource: string, clientTags?: Record<string, string>, nicRules?: Body[]) {
  const tf = new TfJson();
  tf.json.variable = { admin_password: { type: "string", sensitive: true } };
  const vnet = tf.vnet("net");
  addZone(tf, vnet, "clients", "10.0.2.0/24", clientTags ? { tags: clientTags } : {});
  const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const subnetNsg = nsgWith(tf, "servers_nsg", [rule("allow-kms-vnet", 100, "Allow", "Tcp", "1688", "VirtualNetwork")], place);
  tf.associate(subnet, subnetNsg);
  const nic = tf.nic("kms01", subnet, "10.0.1.10");
  tf.nicNsg(nic, nsgWith(tf, "kms01_nsg", nicRules ?? [rule("allow-kms", 100, "Allow", "Tcp", "1688", nicSource), DENY_ALL], place));
  tf.windowsVm("kms01", [nic]);
  const at = place === "inline" ? subnetNsg : "azurerm_network_security_rule.servers_nsg_allow_kms_vnet";
  return { tf, subnetNsg, at };
}

function found(tf: TfJson): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status} ${f.level}`).sort();
}

describe.each(["inline", "standalone"] as const)("SDZ-KMS-002: a subnet rule from VirtualNetwork narrowed by the NIC NSG (%s rules)", (place) => {
  test("review case r09: no KMS-002 error; the clients' /24 is KMS-003's could-not-verify (its trust is not declared)", () => {
    const s = site(place, "10.0.2.0/24");
    // Before: `SDZ-KMS-002 <at> fail error` ("allows KMS (TCP 1688) from VirtualNetwork ... to azurerm_network_interface.kms01 (10.0.1.10)").
    expect(found(s.tf)).toEqual([
      `SDZ-KMS-003 ${s.at} ${FindingStatus.UNVERIFIED} ${RuleLevel.WARNING}`,
      `SDZ-NET-003 ${s.subnetNsg} ${FindingStatus.FAIL} ${RuleLevel.WARNING}`,
    ]);
    expect(messages(check(s.tf, IDS), "SDZ-KMS-003")[0]).toMatch(/allows KMS \(TCP 1688\) from zone clients \(10\.0\.2\.0\/24; trust not declared\) to azurerm_network_interface\.kms01 \(10\.0\.1\.10\)/);
  });

  test("the clients declared INTERNAL: only SDZ-NET-003's warning about the subnet NSG's missing deny-all", () => {
    const s = site(place, "10.0.2.0/24", { "sdz-trust": "INTERNAL" });
    expect(found(s.tf)).toEqual([`SDZ-NET-003 ${s.subnetNsg} ${FindingStatus.FAIL} ${RuleLevel.WARNING}`]);
  });

  test("the NIC NSG lets VirtualNetwork in on 1688 too: the KMS-002 error on the subnet rule stays", () => {
    const s = site(place, "VirtualNetwork");
    const r = check(s.tf, IDS);
    expect(found(s.tf)).toContain(`SDZ-KMS-002 ${s.at} ${FindingStatus.FAIL} ${RuleLevel.ERROR}`);
    expect(messages(r, "SDZ-KMS-002")[0]).toMatch(/^rule "allow-kms-vnet" of NSG servers_nsg allows KMS \(TCP 1688\) from VirtualNetwork /);
  });

  test("review s14 F2: the NIC NSG denies one address, then allows 1688 from VirtualNetwork: not narrowed, the KMS-002 error stays", () => {
    const s = site(place, "", undefined, [
      rule("deny-one", 100, "Deny", "Tcp", "1688", "10.0.9.9"), rule("allow-kms-vnet-nic", 200, "Allow", "Tcp", "1688", "VirtualNetwork"), DENY_ALL,
    ]);
    // Before: `SDZ-KMS-003 <at> unverified warning` (the VNet minus 10.0.9.9 judged as addresses, "could not verify"), and SDZ-NET-003's
    // warning that the host is closed to the VNet. The NIC NSG lets the VNet in on 1688, so the subnet NSG's missing deny-all is the error.
    expect(found(s.tf)).toEqual([
      `SDZ-KMS-002 ${s.at} ${FindingStatus.FAIL} ${RuleLevel.ERROR}`,
      `SDZ-NET-003 ${s.subnetNsg} ${FindingStatus.FAIL} ${RuleLevel.ERROR}`,
    ]);
    expect(messages(check(s.tf, IDS), "SDZ-KMS-002")[0]).toMatch(/^rule "allow-kms-vnet" of NSG servers_nsg allows KMS \(TCP 1688\) from VirtualNetwork /);
  });
});
