/**
 * Principle 3 between SDZ-KMS-002 (TCP 1688 from sources that are no allowlist) and SDZ-KMS-006 (a KMS
 * host or domain controller takes perimeter or Internet traffic: R-KMS-7). One NSG rule that lets the
 * Internet in on TCP 1688 is one error: KMS-002's on the rule (the thing the user fixes, with an
 * allowlist), which names the host's exposure to the Internet; KMS-006 keeps the host's other ports
 * and paths and says where TCP 1688 went. A narrower public source (one address, which an allowlist
 * may hold) stays KMS-006's. Raw, untagged azurerm resources, in every NSG placement.
 */
import { addZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { Body, check, messages, PLACEMENTS, Placement, rule, site, TfJson } from "../../support/rule-harness";

const KMS002 = "SDZ-KMS-002";
const KMS006 = "SDZ-KMS-006";
const IDS = [KMS002, "SDZ-KMS-003", KMS006, "SDZ-NET-001"];
const FAIL = FindingStatus.FAIL;
const U = FindingStatus.UNVERIFIED;

/** Sorted `rule address status` of the open findings of {@link IDS}. */
function findings(tf: TfJson): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/**
 * app01 (10.0.1.4, untagged: a KMS host only by inference) with `rules`; beside it a DMZ 10.0.50.0/24 declared PERIMETER.
 * `publicIp`: a public IP on app01's NIC, which brings the Internet to it.
 */
function kmsSite(placement: Placement, rules: Body[], vmTags?: Record<string, string>, publicIp = false) {
  const s = site(placement, rules, { vmTags, publicIp, extend: (tf, { vnet }) => addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } }) });
  s.tf.json.variable = { ...(s.tf.json.variable ?? {}), src: { type: "string" } };
  return s;
}

describe.each(PLACEMENTS)("SDZ-KMS-002 and SDZ-KMS-006: one finding for TCP 1688 from the Internet (%s NSG rules)", (placement) => {
  test.each(["Internet", "*"])("TCP 1688 only, from %s, on a host inferred from that rule, with a public IP: one error, KMS-002's on the rule, naming the host's exposure (R-KMS-7)", (source) => {
    const s = kmsSite(placement, [rule("kms-internet", 100, "Allow", "Tcp", "1688", source)], undefined, true);
    const at = s.address("kms-internet");
    // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail` ("KMS host is reachable from the Internet on TCP 1688 through rule ...").
    expect(findings(s.tf)).toEqual([`${KMS002} ${at} ${FAIL}`]);
    const [msg] = messages(check(s.tf, [KMS002]), KMS002);
    expect(msg).toMatch(/^rule "kms-internet" of NSG \w+ allows KMS \(TCP 1688\) from (the Internet|any source) to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    expect(msg).toMatch(/it also exposes KMS host azurerm_windows_virtual_machine\.app01 \(inferred: reachable on TCP 1688 through rule "kms-internet" [^)]*\) to the Internet( and to perimeter traffic)? \(R-KMS-7\)$/);
  });

  test.each(["Internet", "*"])("TCP 1688 only, from %s, with no public IP, load balancer or DNAT: the same one error, saying that nothing brings the Internet in yet (as SDZ-NET-001 does)", (source) => {
    const s = kmsSite(placement, [rule("kms-internet", 100, "Allow", "Tcp", "1688", source)]);
    expect(findings(s.tf)).toEqual([`${KMS002} ${s.address("kms-internet")} ${FAIL}`]);
    const [msg] = messages(check(s.tf, [KMS002]), KMS002);
    // Before: `...; it also exposes KMS host azurerm_windows_virtual_machine.app01 (...) to the Internet (R-KMS-7)`, though nothing brings the Internet to it.
    expect(msg).not.toMatch(/to the Internet/);
    expect(msg).toMatch(/; no public IP, load balancer or DNAT reaches KMS host azurerm_windows_virtual_machine\.app01 \(inferred: [^)]*\) today \(R-KMS-7 once one does\)$/);
  });

  test("TCP 1688 and HTTPS from the Internet in one rule: KMS-002 reports the rule for 1688, KMS-006 the host for 443 only, pointing at KMS-002", () => {
    const s = kmsSite(placement, [rule("allow-web", 100, "Allow", "Tcp", ["443", "1688"], "Internet")]);
    const at = s.address("allow-web");
    expect(findings(s.tf)).toEqual([`${KMS002} ${at} ${FAIL}`, `${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
    const [msg] = messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006);
    // Before: `... from the Internet on TCP 443, 1688 through rule "allow-web" ...` (1688 in both findings).
    expect(msg).toMatch(new RegExp(`^KMS host is reachable from the Internet on TCP 443 through rule "allow-web" of NSG \\w+ \\(no public IP, load balancer or DNAT reaches it today: the allow would expose it once one does\\); TCP 1688 from the Internet is SDZ-KMS-002's finding on ${at.replace(/\./g, "\\.")} `));
  });

  test("TCP 1688 from the Internet and RDP from the DMZ, two rules: KMS-002 on the 1688 rule, KMS-006 on the host for RDP, pointing at KMS-002", () => {
    const s = kmsSite(placement, [rule("kms-internet", 100, "Allow", "Tcp", "1688", "Internet"), rule("allow-rdp", 110, "Allow", "Tcp", "3389", "10.0.50.0/24")]);
    const at = s.address("kms-internet");
    expect(findings(s.tf)).toEqual([`${KMS002} ${at} ${FAIL}`, `${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
    const [msg] = messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006);
    expect(msg).toMatch(/^KMS host is reachable from PERIMETER zone dmz \([^)]*\) on TCP 3389 through rule "allow-rdp" of NSG \w+; TCP 1688 from the Internet is SDZ-KMS-002's finding on /);
    expect(msg.split("; TCP 1688 from the Internet")[0]).not.toMatch(/1688/);
  });

  test("TCP 1688 from one public address (an allowlist entry KMS-002 accepts): KMS-006's error, unchanged", () => {
    const s = kmsSite(placement, [rule("kms-partner", 100, "Allow", "Tcp", "1688", "203.0.113.7")]);
    expect(findings(s.tf)).toEqual([`${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
    expect(messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006)[0]).toMatch(/^KMS host is reachable from public addresses 203\.0\.113\.7 on TCP 1688 through rule "kms-partner"/);
  });

  test("TCP 1688 from VirtualNetwork and one public address: KMS-002 names VirtualNetwork, not the address; KMS-006 keeps the address", () => {
    const s = kmsSite(placement, [rule("kms-mixed", 100, "Allow", "Tcp", "1688", ["VirtualNetwork", "203.0.113.7"])]);
    expect(findings(s.tf)).toEqual([`${KMS002} ${s.address("kms-mixed")} ${FAIL}`, `${KMS006} ${KMS_HOST_VM} ${FAIL}`]);
    expect(messages(check(s.tf, [KMS006, "SDZ-KMS-002", "SDZ-KMS-003"]), KMS006)[0]).toMatch(/reachable from public addresses 203\.0\.113\.7 on TCP 1688 through rule "kms-mixed"/);
  });

  test("TCP 1688 from a variable: SDZ-KMS-002's could-not-verify alone (unchanged)", () => {
    const s = kmsSite(placement, [rule("kms-var", 100, "Allow", "Tcp", "1688", "${var.src}")], { "sdz-role": "kms-host" });
    expect(findings(s.tf)).toEqual([`${KMS002} ${s.address("kms-var")} ${U}`]);
  });

  test("a declared domain controller with TCP 1688 from the Internet: one error, KMS-002's, naming the DC", () => {
    const s = kmsSite(placement, [
      rule("allow-kerberos", 100, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 110, "Allow", "Tcp", "389", "10.0.2.0/24"),
      rule("kms-internet", 120, "Allow", "Tcp", "1688", "Internet"),
    ], { "sdz-role": "domain-controller" }, true);
    // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail` (TCP 1688 from the Internet).
    expect(findings(s.tf)).toEqual([`${KMS002} ${s.address("kms-internet")} ${FAIL}`]);
    expect(messages(check(s.tf, [KMS002]), KMS002)[0]).toMatch(/it also exposes KMS host and domain controller azurerm_windows_virtual_machine\.app01 .* to the Internet \(R-KMS-7\)$/);
  });
});

test("one rule (destination *) lets the Internet in on TCP 1688 to two KMS hosts of a subnet, neither with a way in: one error, KMS-002's, naming both", () => {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const nsg = tf.nsg("servers_nsg", [rule("kms-internet", 100, "Allow", "Tcp", "1688", "Internet"), rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
  tf.associate(subnet, nsg);
  ["app01", "app02"].forEach((name, i) => tf.windowsVm(name, [tf.nic(`${name}_nic`, subnet, `10.0.1.${4 + i}`)]));
  // Before: also `SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail` and `... app02 fail`.
  expect(findings(tf)).toEqual([`${KMS002} ${nsg} ${FAIL}`]);
  expect(messages(check(tf, [KMS002]), KMS002)[0]).toMatch(/; no public IP, load balancer or DNAT reaches KMS host azurerm_windows_virtual_machine\.app01 .*, KMS host azurerm_windows_virtual_machine\.app02 .* today \(R-KMS-7 once one does\)$/);
  // A public IP on app02 brings the Internet to it: exposed (R-KMS-7); app01 still has no way in.
  Object.assign((tf.json.resource.azurerm_network_interface.app02_nic.ip_configuration as Body[])[0], {
    public_ip_address_id: TfJson.ref(tf.add("azurerm_public_ip", "app02_pip", { name: "app02-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" })),
  });
  expect(findings(tf)).toEqual([`${KMS002} ${nsg} ${FAIL}`]);
  expect(messages(check(tf, [KMS002]), KMS002)[0]).toMatch(/; it also exposes KMS host azurerm_windows_virtual_machine\.app02 \([^)]*\) to the Internet \(R-KMS-7\); no public IP, load balancer or DNAT reaches KMS host azurerm_windows_virtual_machine\.app01 \([^)]*\) today \(R-KMS-7 once one does\)$/);
});
