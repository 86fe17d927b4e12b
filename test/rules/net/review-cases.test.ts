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
 *   Wake-on-LAN, is that one finding: SDZ-NET-005 and SDZ-NET-006 do not add theirs, nor does
 *   SDZ-NET-004 for a block of which nothing is known (principle 3).
 */
import { deciderOf, hostEndpoints, reachOn } from "../../../src/engine/exposure";
import { CheckResult, FindingStatus } from "../../../src/engine/result";
import { defineRule, RuleLevel } from "../../../src/engine/rule";
import { SERVICE_PORTS, ServicePort } from "../../../src/network/service-ports";
import { NET_PACK } from "../../../src/rules/net";
import { reportedByNet001For } from "../../../src/rules/net/reported-by-net-001";
import { check, messages, PLACEMENTS, Placement, rule, site, TfJson } from "../../support/rule-harness";

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
    expect(messages(r, "SDZ-NET-004")).toEqual([expect.stringMatching(/rule "deny-all" \(priority 4096\) may deny all traffic, ICMP included, from the virtual network .*, unless its access is Allow \(access: the variable acc/)]);
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

describe("SDZ-NET-001: management ports from wide public ranges that are not the Internet", () => {
  test("review case net-quarter: RDP from 0.0.0.0/2 + 64.0.0.0/3 is one warning of NET-001, and nothing else", () => {
    const r = check(reviewSite({ security_rule: [{ ...rule("rdp-quarter", 100, "Allow", "Tcp", "3389", ["0.0.0.0/2", "64.0.0.0/3"]) }] }, true));
    expect(found(r)).toEqual([fail("SDZ-NET-001", NSG, RuleLevel.WARNING)]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/rule "rdp-quarter" of NSG app-nsg allows RDP \(TCP 3389\) from public addresses 1\.0\.0\.0-9\.255\.255\.255, 11\.0\.0\.0-95\.255\.255\.255 \(4\d% of the public IPv4 space, wider than any administrator's or partner's range\) to azurerm_network_interface\.vm \(10\.0\.1\.4\); reachable now through public IP azurerm_public_ip\.vm/);
  });

  describe.each(PLACEMENTS)("%s NSG rules", (placement: Placement) => {
    test.each([
      [["0.0.0.0/2", "64.0.0.0/3"]],
      ["8.0.0.0/8"],
      ["100.64.0.0/10"], // shared address space (RFC 6598): not public
      ["198.18.0.0/15"], // benchmarking (RFC 2544): not public either
      ["20.0.0.0/15"],
      ["2a00::/31"],
      ["fd00::/8"], // unique local IPv6: not public
    ])("RDP from %j", (src) => {
      const s = site(placement, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", src as string | string[])], { publicIp: true });
      const r = check(s.tf, ["SDZ-NET-001"]);
      const wide = !["100.64.0.0/10", "198.18.0.0/15", "fd00::/8"].includes(src as string);
      expect(found(r)).toEqual(wide ? [fail("SDZ-NET-001", s.address("allow-rdp"), RuleLevel.WARNING)] : []);
      if (src === "2a00::/31") expect(messages(r, "SDZ-NET-001")[0]).toMatch(/from public IPv6 addresses \(more than an IPv6 \/32, wider than any administrator's or partner's range\)/);
    });

    test("an administrator's /32, a partner's /24, a /16 or an IPv6 /32 stay silent; the Internet stays an error", () => {
      for (const src of ["203.0.113.7", "198.51.100.0/24", "20.1.0.0/16", ["203.0.113.7", "198.51.100.0/24"], "2001:db8:1::/48", "2001:db8::/32"]) {
        expect(found(check(site(placement, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", src)], { publicIp: true }).tf, ["SDZ-NET-001"]))).toEqual([]);
      }
      const s = site(placement, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", ["0.0.0.0/1", "128.0.0.0/1"])], { publicIp: true });
      expect(found(check(s.tf, ["SDZ-NET-001"]))).toEqual([fail("SDZ-NET-001", s.address("allow-rdp"), RuleLevel.ERROR)]);
    });

    test("a wide range whose access is not known is could-not-verify", () => {
      const s = site(placement, [{ ...rule("allow-rdp", 100, "Allow", "Tcp", "3389", "8.0.0.0/8"), access: "${var.acc}" }], { publicIp: true });
      expect(found(check(s.tf, ["SDZ-NET-001"]))).toEqual([unverified("SDZ-NET-001", s.address("allow-rdp"))]);
    });
  });

  test("an allow of every port from a wide range names the management ports only: the other services' rules judge theirs", () => {
    const s = site("inline", [rule("allow-wide", 100, "Allow", "*", "*", "8.0.0.0/8")], { publicIp: true });
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect(found(r)).toEqual([fail("SDZ-NET-001", s.nsg, RuleLevel.WARNING)]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/allows RDP \(TCP 3389\), SSH \(TCP 22\), WinRM HTTP \(TCP 5985\), WinRM HTTPS \(TCP 5986\), SMB \(TCP 445\), RPC endpoint mapper \(TCP 135\) from public addresses 8\.0\.0\.0\/8/);
  });
});

describe("a dynamic security_rule block: one could-not-verify in the NET pack", () => {
  const dynamicRules = (source: string) => ({
    dynamic: {
      security_rule: {
        for_each: "${var.rules}",
        content: {
          name: "${security_rule.value.name}", priority: "${security_rule.value.priority}", direction: "Inbound", access: "Allow", protocol: "Tcp",
          source_port_range: "*", destination_port_range: "${security_rule.value.port}", source_address_prefix: source, destination_address_prefix: "*",
        },
      },
    },
  });

  test("review case net-dyn: NET-001's could-not-verify names SNMP and Wake-on-LAN; NET-005 and NET-006 add nothing", () => {
    const r = check(reviewSite(dynamicRules("*"), true), NET);
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", NSG)]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/SNMP \(UDP 161\), SNMP trap \(UDP 162\).*Wake-on-LAN \(UDP 7\), Wake-on-LAN \(UDP 9\) from the Internet/);
  });

  test("review case net-anyany: a known allow-all is NET-001's error only", () => {
    const r = check(reviewSite({ security_rule: [catchAll("Allow")].map((x) => ({ ...x, name: "allow-all", priority: 100 })) }, true), NET);
    expect(found(r, NET)).toEqual([fail("SDZ-NET-001", NSG, RuleLevel.ERROR)]);
  });

  test.each(PLACEMENTS)("%s: ports from a variable, private sources: NET-001 reports nothing; NET-006's could-not-verify is the one finding, naming SNMP", (placement) => {
    const s = site(placement, [rule("maybe", 100, "Allow", "Udp", "${var.ports}", "10.0.0.0/8")], { denyAll: false, publicIp: true });
    const subnetWithoutNsg = placement === "nic" ? [fail("SDZ-NET-002", "azurerm_subnet.servers", RuleLevel.ERROR)] : [];
    // Before: also NET-005's could-not-verify, about the same variable.
    const r = check(s.tf, NET);
    expect(found(r, NET)).toEqual([...subnetWithoutNsg, unverified("SDZ-NET-006", s.address("maybe"))].sort());
    expect(messages(r, "SDZ-NET-006")[0]).toMatch(/may also open .*SNMP \(UDP 161\), SNMP trap \(UDP 162\).* there \(.*SDZ-NET-005.* leave this rule to this finding\)$/);
  });

  test("the same ports from the Internet: NET-001's could-not-verify names SNMP and Wake-on-LAN, and is the one finding", () => {
    const s = site("standalone", [rule("maybe", 100, "Allow", "Udp", "${var.ports}", "*")], { denyAll: false, publicIp: true });
    const r = check(s.tf, NET);
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", s.address("maybe"))]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/SNMP \(UDP 161\), SNMP trap \(UDP 162\).*Wake-on-LAN \(UDP 7\), Wake-on-LAN \(UDP 9\) from the Internet/);
  });

  test.each(PLACEMENTS)("%s: a rule for SNMP whose source is a variable is one could-not-verify, NET-001's, which names SNMP", (placement) => {
    const s = site(placement, [rule("allow-snmp", 100, "Allow", "Udp", "161", "${var.monitoring}")], { denyAll: false, publicIp: true });
    const subnetWithoutNsg = placement === "nic" ? [fail("SDZ-NET-002", "azurerm_subnet.servers", RuleLevel.ERROR)] : [];
    const r = check(s.tf, NET);
    // Before: also SDZ-NET-005's could-not-verify on the same rule, about the same variable.
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", s.address("allow-snmp")), ...subnetWithoutNsg].sort());
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/may allow SNMP \(UDP 161\) from the Internet .*source_address_prefix: the variable monitoring/);
  });

  test("a known deny-all after the block is still NET-004's, could-not-verify because the block may allow ICMP first", () => {
    const r = check(reviewSite({ ...dynamicRules("*"), security_rule: [catchAll("Deny")] }, true), NET);
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", NSG), unverified("SDZ-NET-004", NSG)]);
    expect(messages(r, "SDZ-NET-004")).toEqual([expect.stringMatching(/rule "deny-all" \(priority 4096\) denies all traffic, ICMP included, .* unless rule "\(security_rule evaluated at plan time\)" allows ICMP/)]);
  });

  test("reportedByNet001For compares services by value: what another pack builds for a port NET-001 lists counts, a port it does not list does not", () => {
    const answers: Record<string, boolean> = {};
    const asks = defineRule({
      id: "TEST-NET-900", level: RuleLevel.INFO, title: "asks", rationale: "test", fix: "none", requirements: [], resourceTypes: [],
      check(ctx) {
        const ep = hostEndpoints(ctx.model)[0];
        const decider = deciderOf(reachOn(ctx.model, ep, SERVICE_PORTS.SNMP)[0], ep);
        const ports: [string, ServicePort][] = [
          ["a copy of SNMP", { ...SERVICE_PORTS.SNMP }], ["LDAP TCP 389", { name: "LDAP", protocol: "Tcp", from: 389, to: 389 }],
          ["AMT TCP 16993", { name: "AMT", protocol: "Tcp", from: 16993, to: 16993 }], ["Kerberos UDP 88", { name: "Kerberos", protocol: "Udp", from: 88, to: 88 }],
          ["provisioning TCP 9972", { name: "AMT provisioning", protocol: "Tcp", from: 9972, to: 9972 }],
        ];
        for (const [name, port] of ports) answers[name] = reportedByNet001For(ctx, ep, decider, port);
      },
    });
    // NET-001 runs in the check: only then does another rule leave a finding to it.
    check(reviewSite(dynamicRules("*"), true), ["SDZ-NET-001", asks]);
    expect(answers).toEqual({ "a copy of SNMP": true, "LDAP TCP 389": true, "AMT TCP 16993": true, "Kerberos UDP 88": false, "provisioning TCP 9972": false });
  });

  test("a block NET-001 has nothing to say about (the NIC's NSG denies the Internet) stays could-not-verify in NET-004; SNMP and Wake-on-LAN are the out-of-band owner's", () => {
    const tf = reviewSite(dynamicRules("*"), true);
    const nicNsg = tf.nsg("nic_nsg", [rule("deny-internet", 100, "Deny", "*", "*", "Internet")]);
    tf.nicNsg("azurerm_network_interface.vm", nicNsg);
    const r = check(tf, [...NET, "SDZ-OOB-001"]);
    // Before: also `SDZ-NET-005 <nsg> unverified` and `SDZ-NET-006 <nsg> unverified`, about the same block. Its private sources may reach
    // Intel AMT: SDZ-OOB-001's could-not-verify is the one finding about the block's unknown ports, naming SNMP and Wake-on-LAN there.
    expect(found(r, [...NET, "SDZ-OOB-001"])).toEqual([unverified("SDZ-NET-004", NSG), unverified("SDZ-OOB-001", NSG)]);
    expect(messages(r, "SDZ-OOB-001")[0]).toMatch(/may also open .*SNMP \(UDP 161\), SNMP trap \(UDP 162\), Wake-on-LAN \(UDP 7\), Wake-on-LAN \(UDP 9\), .*PXE\/BINL \(UDP 4011\) there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006, SDZ-NET-005, SDZ-NET-006, SDZ-OOB-002, SDZ-PXE-001 and SDZ-PXE-012 leave this rule to this finding\)$/);
  });

  /** The unknown rule set on each placement: a dynamic block on the subnet's or the NIC's NSG, or standalone rules from for_each. */
  function dynamicSite(placement: Placement): { tf: TfJson; at: string; subnetWithoutNsg: boolean } {
    const tf = new TfJson();
    tf.json.variable = { rules: { type: "any" } };
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
    const pip = tf.add("azurerm_public_ip", "pip", { name: "pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
    const nic = tf.nic("app01_nic", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
    if (placement === "standalone") {
      const nsg = tf.nsg("servers_nsg");
      tf.associate(subnet, nsg);
      const at = tf.nsgRule("dyn", nsg, {
        for_each: "${var.rules}", name: "${each.value.name}", priority: "${each.value.priority}", direction: "Inbound", access: "Allow", protocol: "Tcp",
        source_port_range: "*", destination_port_range: "${each.value.port}", source_address_prefix: "*", destination_address_prefix: "*",
      });
      return { tf, at, subnetWithoutNsg: false };
    }
    const at = tf.add("azurerm_network_security_group", placement === "nic" ? "nic_nsg" : "servers_nsg", { name: "nsg", location: "westeurope", resource_group_name: "rg", ...dynamicRules("*") });
    if (placement === "nic") tf.nicNsg(nic, at);
    else tf.associate(subnet, at);
    return { tf, at, subnetWithoutNsg: placement === "nic" };
  }

  test.each(PLACEMENTS)("%s: NET-001's could-not-verify only", (placement) => {
    const s = dynamicSite(placement);
    const r = check(s.tf, NET);
    expect(found(r, NET)).toEqual([unverified("SDZ-NET-001", s.at), ...(s.subnetWithoutNsg ? [fail("SDZ-NET-002", "azurerm_subnet.servers", RuleLevel.ERROR)] : [])].sort());
  });
});
