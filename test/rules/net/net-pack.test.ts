import { RuleLevel } from "../../../src/engine/rule";
import { NET_PACK } from "../../../src/rules/net";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

describe("network pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(NET_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-NET-001", RuleLevel.ERROR, ["R-SEC-7"], "network"],
      ["SDZ-NET-002", RuleLevel.ERROR, ["R-PXE-4"], "network"],
      ["SDZ-NET-003", RuleLevel.ERROR, ["R-PXE-4"], "network"],
      ["SDZ-NET-004", RuleLevel.WARNING, ["R-SEC-4"], "network"],
      ["SDZ-NET-005", RuleLevel.ERROR, ["R-SEC-5"], "network"],
      ["SDZ-NET-006", RuleLevel.WARNING, ["R-OOB-3"], "network"],
    ]);
    for (const r of NET_PACK.rules) {
      expect(r.rationale).toMatch(/[Ss]eeds? 00\d/);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });
});

describe("SDZ-NET-002 subnet without an NSG", () => {
  const ID = "SDZ-NET-002";
  function subnets(extra: (tf: TfJson, vnet: string) => void): ReturnType<typeof check> {
    const tf = new TfJson();
    extra(tf, tf.vnet("net"));
    return check(tf, [ID]);
  }

  test("flags exactly the subnets with no NSG, and exempts the platform subnets", () => {
    const r = subnets((tf, vnet) => {
      tf.subnet("bare", vnet, ["10.0.1.0/24"]);
      tf.associate(tf.subnet("covered", vnet, ["10.0.2.0/24"]), tf.nsg("covered_nsg"));
      tf.subnet("GatewaySubnet", vnet, ["10.0.255.0/27"]);
      tf.subnet("AzureFirewallSubnet", vnet, ["10.0.254.0/26"]);
      tf.subnet("AzureBastionSubnet", vnet, ["10.0.253.0/26"]);
    });
    expect(flagged(r, ID)).toEqual(["azurerm_subnet.AzureBastionSubnet", "azurerm_subnet.bare"]);
  });

  test("inline subnets: a security_group by literal ID counts, one from a variable is could-not-verify", () => {
    const tf = new TfJson();
    tf.add("azurerm_virtual_network", "net", {
      name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"],
      subnet: [
        { name: "by-id", address_prefixes: ["10.0.1.0/24"], security_group: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n" },
        { name: "by-var", address_prefixes: ["10.0.2.0/24"], security_group: "${var.nsg_id}" },
        { name: "none", address_prefixes: ["10.0.3.0/24"] },
      ],
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_virtual_network.net"]);
    expect(messages(r, ID).join("\n")).toMatch(/inline subnet "none"/);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_virtual_network.net"]);
    expect(messages(r, ID).join("\n")).toMatch(/inline subnet "by-var".*variable nsg_id/);
  });

  test("an association whose subnet is not known makes every NSG-less subnet could-not-verify", () => {
    const r = subnets((tf, vnet) => {
      tf.subnet("bare", vnet, ["10.0.1.0/24"]);
      tf.add("azurerm_subnet_network_security_group_association", "x", { subnet_id: "${var.subnet_id}", network_security_group_id: TfJson.ref(tf.nsg("n")) });
    });
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.bare"]);
  });
});

describe("SDZ-NET-003 AllowVNetInBound not overridden", () => {
  const ID = "SDZ-NET-003";
  const kms = (placement: (typeof PLACEMENTS)[number], denyAll: boolean, extra: Record<string, unknown>[] = []) =>
    site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), ...extra], { denyAll });

  test.each(PLACEMENTS)("an untagged KMS host (inferred from its rule) whose %s NSG has no deny-all: SDZ-KMS-002's error on AllowVNetInBound carries it, naming R-PXE-4", (placement) => {
    const s = kms(placement, false);
    const r = check(s.tf, [ID, "SDZ-KMS-002"]);
    // Before: also this rule's error on the same NSG, about the same missing deny-all.
    expect(flagged(r, ID)).toEqual([]);
    expect(flagged(r, "SDZ-KMS-002")).toEqual([s.nsg]);
    expect(messages(r, "SDZ-KMS-002")[0]).toMatch(/^Azure's default rule AllowVNetInBound of NSG \w+ allows KMS \(TCP 1688\) .*; no explicit inbound deny overrides AllowVNetInBound on this NSG, so the virtual network reaches the host on every port no earlier rule denies, not only TCP 1688 \(R-PXE-4: default-deny inbound\)$/);
  });

  test.each(PLACEMENTS)("an untagged PXE distribution point (inferred from its rule) whose %s NSG has no deny-all stays this rule's error", (placement) => {
    const s = site(placement, [rule("allow-pxe", 100, "Allow", "Udp", ["67", "69", "4011"], "10.0.2.0/24")], { denyAll: false });
    const r = check(s.tf, [ID, "SDZ-KMS-002"]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(flagged(r, "SDZ-KMS-002")).toEqual([]);
    expect(messages(r, ID)[0]).toMatch(/holds pxe-distribution-point azurerm_windows_virtual_machine\.app01: inferred, reachable on /);
  });

  test.each(PLACEMENTS)("a KMS host whose %s NSG denies TCP 1688 to the rest before AllowVNetInBound: KMS-002 says nothing about that rule, so this rule keeps the NSG", (placement) => {
    const s = kms(placement, false, [rule("deny-kms", 200, "Deny", "Tcp", "1688", "*")]);
    const r = check(s.tf, [ID, "SDZ-KMS-002"]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(flagged(r, "SDZ-KMS-002")).toEqual([]);
    expect(messages(r, ID)[0]).toMatch(/holds kms-host azurerm_windows_virtual_machine\.app01: inferred, reachable on TCP 1688 through rule "allow-kms"/);
  });

  test.each(PLACEMENTS)("a declared domain controller that is no KMS host, %s NSG without a deny-all: this rule's error", (placement) => {
    const s = site(placement, [], { denyAll: false, vmTags: { "sdz-role": "domain-controller" } });
    expect(flagged(check(s.tf, [ID, "SDZ-KMS-002"]), ID)).toEqual([s.nsg]);
  });

  test.each(PLACEMENTS)("the same host with a deny-all on its %s NSG passes", (placement) => {
    expect(check(kms(placement, true).tf, [ID]).findings).toEqual([]);
  });

  test("an explicit allow of all traffic from VirtualNetwork re-creates AllowVNetInBound: on a KMS host, SDZ-KMS-002's error on that rule carries it", () => {
    const s = kms("standalone", true, [rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")]);
    const r = check(s.tf, [ID, "SDZ-KMS-002"]);
    // Before: this rule's error on the same rule too (KMS-002 reports it: VirtualNetwork is no allowlist), about the same rule.
    expect(flagged(r, ID)).toEqual([]);
    expect(flagged(r, "SDZ-KMS-002")).toEqual([s.address("allow-vnet")]);
    expect(messages(r, "SDZ-KMS-002")[0]).toMatch(/re-creating AllowVNetInBound, so the virtual network reaches the host on every port, not only TCP 1688 \(R-PXE-4: default-deny inbound\)/);
  });

  test("an explicit allow of all traffic from VirtualNetwork in a declared INTERNAL zone (no KMS host) is flagged on that rule", () => {
    const s = site("standalone", [rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")], {
      extend: (tf, { nsg }) => Object.assign((tf.json.resource.azurerm_network_security_group as any)[nsg.split(".")[1]], { tags: { "sdz-trust": "INTERNAL" } }),
    });
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("allow-vnet")]);
  });

  test("a subnet with no deployment server and no declared trust is out of scope", () => {
    const s = site("inline", [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")], { denyAll: false });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("a declared INTERNAL zone is in scope; a trust tag from a variable is could-not-verify", () => {
    const tagged = site("inline", [], { denyAll: false, extend: (tf, { nsg }) => Object.assign((tf.json.resource.azurerm_network_security_group as any)[nsg.split(".")[1]], { tags: { "sdz-trust": "INTERNAL" } }) });
    expect(flagged(check(tagged.tf, [ID]), ID)).toEqual([tagged.nsg]);
    const unknown = site("inline", [], { denyAll: false, extend: (tf, { nsg }) => Object.assign((tf.json.resource.azurerm_network_security_group as any)[nsg.split(".")[1]], { tags: "${var.tags}" }) });
    const r = check(unknown.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([unknown.nsg]);
  });

  test("a UDR for 0.0.0.0/0 widens AllowVNetInBound to the Internet, and the finding says so", () => {
    const s = kms("inline", false, [] );
    const tf = s.tf;
    const rt = tf.add("azurerm_route_table", "rt", { name: "rt", location: "westeurope", resource_group_name: "rg", route: [{ name: "default", address_prefix: "0.0.0.0/0", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.100.4" }] });
    tf.add("azurerm_subnet_route_table_association", "rt", { subnet_id: TfJson.ref("azurerm_subnet.servers"), route_table_id: TfJson.ref(rt) });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/the Internet/);
  });
});

describe("SDZ-NET-004 ICMP denied wholesale", () => {
  const ID = "SDZ-NET-004";
  test.each(PLACEMENTS)("a %s deny-all with no ICMP allow before it is flagged on the deny", (placement) => {
    const s = site(placement, []);
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("deny-all-inbound")]);
  });

  test.each(PLACEMENTS)("a %s ICMP allow from the VNet before the deny passes", (placement) => {
    const s = site(placement, [rule("allow-icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16")]);
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("an outbound deny-all with no ICMP allow is flagged too", () => {
    const s = site("standalone", [rule("allow-icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), rule("deny-out", 4096, "Deny", "*", "*", "*", "*", "Outbound")]);
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("deny-out")]);
  });

  test("a deny of TCP only, or an outbound deny of ICMP, leaves inbound ICMP alone: only the outbound deny is named", () => {
    const s = site("standalone", [rule("deny-tcp", 4000, "Deny", "Tcp", "*", "*"), rule("deny-icmp-out", 4001, "Deny", "Icmp", "*", "*", "*", "Outbound")], { denyAll: false });
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("deny-icmp-out")]);
  });

  test.each(PLACEMENTS.flatMap((placement) => [
    [placement, "direction", { direction: "${var.direction}" }],
    [placement, "protocol", { protocol: "${var.protocol}" }],
  ] as const))("a %s deny-all whose %s comes from a variable, with no ICMP allow, is could-not-verify on that rule", (placement, _, change) => {
    const s = site(placement, [{ ...rule("deny-maybe", 4000, "Deny", "*", "*", "*"), ...change }], { denyAll: false });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.address("deny-maybe")]);
  });

  test("an ICMP allow whose protocol comes from a variable makes the deny could-not-verify", () => {
    const s = site("inline", [{ ...rule("maybe-icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), protocol: "${var.proto}" }]);
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
  });
});

describe("SDZ-NET-005 SNMP from broad sources", () => {
  const ID = "SDZ-NET-005";
  test.each(PLACEMENTS)("SNMP from VirtualNetwork, a /16 or a service tag on a %s NSG is flagged once per rule", (placement) => {
    for (const src of ["VirtualNetwork", "10.0.0.0/16", "AzureCloud"]) {
      const s = site(placement, [rule("allow-snmp", 100, "Allow", "Udp", "161-162", src)]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-snmp")]);
      expect(messages(r, ID)[0]).toMatch(/SNMP \(UDP 161\), SNMP trap \(UDP 162\)/);
    }
  });

  test.each(PLACEMENTS)("SNMP from one monitoring host on a %s NSG passes; so does a shadowed rule", (placement) => {
    expect(check(site(placement, [rule("allow-snmp", 100, "Allow", "Udp", "161", "10.0.9.10")]).tf, [ID]).findings).toEqual([]);
    expect(check(site(placement, [rule("deny-snmp", 100, "Deny", "Udp", "161-162", "*"), rule("allow-snmp", 110, "Allow", "Udp", "161-162", "*")]).tf, [ID]).findings).toEqual([]);
  });

  test("SNMP from a source in a variable is could-not-verify: NET-001's, which names SNMP (one finding for the variable)", () => {
    const s = site("standalone", [rule("allow-snmp", 100, "Allow", "Udp", "161", "${var.monitoring}")]);
    const r = check(s.tf, ["SDZ-NET-001", ID]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([s.address("allow-snmp")]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/SNMP \(UDP 161\)/);
    expect(unverifiedAt(r, ID)).toEqual([]);
  });

  test("UDP ports from a variable, from private sources: NET-001 has nothing to say; SDZ-NET-006's one could-not-verify names SNMP, and this rule leaves it", () => {
    const s = site("standalone", [rule("allow-snmp", 100, "Allow", "Udp", "${var.ports}", "10.0.0.0/8")]);
    const r = check(s.tf, ["SDZ-NET-001", ID, "SDZ-NET-006"]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([]);
    // Before: this rule's could-not-verify and SDZ-NET-006's, on the same rule, about the same variable.
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-006")).toEqual([s.address("allow-snmp")]);
    expect(messages(r, "SDZ-NET-006")[0]).toMatch(/may also open .*SNMP \(UDP 161\), SNMP trap \(UDP 162\).* there \(.*SDZ-NET-005.* leave this rule to this finding\)$/);
  });
});

describe("SDZ-NET-006 Wake-on-LAN", () => {
  const ID = "SDZ-NET-006";
  test.each(PLACEMENTS)("UDP 9 allowed on a %s NSG is a warning on the rule; other ports pass", (placement) => {
    const s = site(placement, [rule("allow-wol", 100, "Allow", "Udp", "9", "10.0.2.0/24")]);
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("allow-wol")]);
    expect(check(site(placement, [rule("allow-dns", 100, "Allow", "Udp", "53", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
  });

  test("a Wake-on-LAN rule whose ports come from a variable is could-not-verify", () => {
    const s = site("inline", [rule("maybe", 100, "Allow", "Udp", "${var.ports}", "10.0.2.0/24")]);
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([s.nsg]);
  });
});
