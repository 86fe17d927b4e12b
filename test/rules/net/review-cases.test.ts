/**
 * The NET pack on the review's reproducers (raw, untagged azurerm JSON), with the inline, standalone
 * and NIC-level placements of the rules involved: the exact set of (rule, address, status, level)
 * each gives.
 *
 * - An explicit catch-all whose `access` is a variable may deny ICMP wholesale: could-not-verify
 *   naming `access` (SDZ-NET-004), never silence.
 * - RDP from public ranges that are not "the Internet" but far wider than an administrator's or a
 *   partner's addresses (0.0.0.0/2 + 64.0.0.0/3) is a warning of SDZ-NET-001, not silence; a /32 or
 *   a partner's /24 stays silent.
 * - A dynamic security_rule block whose could-not-verify SDZ-NET-001 reports, naming SNMP and
 *   Wake-on-LAN, is that one finding: SDZ-NET-005 and SDZ-NET-006 do not add theirs (principle 3).
 */
import { CheckResult, FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { NET_PACK } from "../../../src/rules/net";
import { check, messages, PLACEMENTS, rule, site, TfJson } from "../../support/rule-harness";

const NET = NET_PACK.rules.map((r) => r.id);
const NSG = "azurerm_network_security_group.app";

/** Sorted `rule address status level` of every open finding (of `ids` when given). */
function found(r: CheckResult, ids?: string[]): string[] {
  return r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && (!ids || ids.includes(f.ruleId)))
    .map((f) => `${f.ruleId} ${f.address} ${f.status} ${f.level}`).sort();
}

const fail = (id: string, address: string, level: RuleLevel) => `${id} ${address} ${FindingStatus.FAIL} ${level}`;
/** Could-not-verify findings carry warning level (unless failOnUnverified). */
const unverified = (id: string, address: string) => `${id} ${address} ${FindingStatus.UNVERIFIED} ${RuleLevel.WARNING}`;

/** The review's site: subnet app (10.0.1.0/24) of VNet 10.0.0.0/16 with NSG app-nsg, one NIC 10.0.1.4, a Standard public IP when `pip`. */
function reviewSite(nsg: Record<string, unknown>, pip: boolean): TfJson {
  const tf = new TfJson();
  tf.json.variable = { acc: { type: "string" }, rules: { type: "any" } };
  const vnet = tf.add("azurerm_virtual_network", "net", { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] });
  const subnet = tf.subnet("app", vnet, ["10.0.1.0/24"]);
  tf.add("azurerm_network_security_group", "app", { name: "app-nsg", location: "westeurope", resource_group_name: "rg", ...nsg });
  tf.add("azurerm_subnet_network_security_group_association", "app", { subnet_id: TfJson.ref(subnet), network_security_group_id: TfJson.ref(NSG) });
  const extra = pip
    ? { public_ip_address_id: TfJson.ref(tf.add("azurerm_public_ip", "vm", { name: "vm-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" })) }
    : {};
  tf.add("azurerm_network_interface", "vm", {
    name: "vm-nic", location: "westeurope", resource_group_name: "rg",
    ip_configuration: [{ name: "primary", subnet_id: TfJson.ref(subnet), private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4", ...extra }],
  });
  return tf;
}

const catchAll = (access: string) => ({ name: "deny-all", priority: 4096, direction: "Inbound", access, protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" });

describe("SDZ-NET-004: a catch-all whose access is not known before apply", () => {
  test("review case net-icmp-var: could-not-verify on the NSG naming access, next to NET-001's; net-icmp-deny: the warning", () => {
    const r = check(reviewSite({ security_rule: [catchAll("${var.acc}")] }, false), NET);
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", NSG), unverified("SDZ-NET-004", NSG)]);
    expect(messages(r, "SDZ-NET-004")).toEqual([expect.stringMatching(/rule "deny-all" \(priority 4096\) may deny all traffic, ICMP included, from the virtual network .*access: the variable acc/)]);
    const deny = check(reviewSite({ security_rule: [catchAll("Deny")] }, false), NET);
    expect(found(deny, NET)).toEqual([fail("SDZ-NET-004", NSG, RuleLevel.WARNING)]);
  });

  test.each(PLACEMENTS)("%s: one could-not-verify on the rule, naming access; an ICMP allow before it clears it", (placement) => {
    const s = site(placement, [{ ...rule("deny-maybe", 4096, "Deny", "*", "*", "*"), access: "${var.acc}" }], { denyAll: false });
    const r = check(s.tf, NET);
    const subnetWithoutNsg = placement === "nic" ? [fail("SDZ-NET-002", "azurerm_subnet.servers", RuleLevel.ERROR)] : [];
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", s.address("deny-maybe")), ...subnetWithoutNsg, unverified("SDZ-NET-004", s.address("deny-maybe"))].sort());
    expect(messages(r, "SDZ-NET-004")).toEqual([expect.stringMatching(/access: the variable acc/)]);
    const allowed = site(placement, [rule("allow-icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), { ...rule("deny-maybe", 4096, "Deny", "*", "*", "*"), access: "${var.acc}" }], { denyAll: false });
    expect(found(check(allowed.tf, ["SDZ-NET-004"]))).toEqual([]);
  });

  test("an outbound catch-all whose access is not known is one could-not-verify, not one per direction", () => {
    const s = site("standalone", [rule("allow-icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), { ...rule("deny-out", 4096, "Deny", "*", "*", "*", "*", "Outbound"), access: "${var.acc}" }]);
    expect(found(check(s.tf, ["SDZ-NET-004"]))).toEqual([unverified("SDZ-NET-004", s.address("deny-out"))]);
  });
});

