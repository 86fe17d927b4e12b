import { onPremises, pxeRule, tag, zone } from "./builders";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-PXE-001";

describe("SDZ-PXE-001 PXE, TFTP or DHCP from untrusted or undeclared sources", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("PXE from a subnet that takes HTTPS from the Internet (inferred PERIMETER) is one error on the rule, with the evidence", () => {
      const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], { extend: (tf, { vnet }) => zone(tf, vnet, "dmz", "10.0.2.0/24", { internetFacing: true }) });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/rule "allow-pxe" of NSG \S+ lets zone dmz \(PERIMETER, inferred: NSG rule "allow-https" allows the Internet/);
      expect(messages(r, ID)[0]).toMatch(/DHCP \(UDP 67\), TFTP \(UDP 69\), PXE\/BINL \(UDP 4011\) on azurerm_network_interface\.app01_nic \(10\.0\.1\.4\), distribution point azurerm_windows_virtual_machine\.app01 \(inferred: reachable on UDP 67/);
    });

    test("PXE from an on-premises range declared PERIMETER (local network gateway) is an error", () => {
      const s = site(placement, [pxeRule("allow-pxe", "172.20.5.0/24")], { extend: (tf) => onPremises(tf, "branch_dmz", ["172.20.0.0/16"], "PERIMETER") });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/zone branch_dmz \(PERIMETER, declared: sdz-trust=PERIMETER on azurerm_local_network_gateway\.branch_dmz\)/);
    });

    test("PXE from the Internet through a rule written for PXE is an error (not SDZ-NET-001's), saying whether a way in from the Internet exists today", () => {
      // Before: "lets the Internet reach" whether or not a public IP, load balancer or DNAT reaches the host (SDZ-NET-001 says which).
      const s = site(placement, [pxeRule("allow-pxe", "Internet")]);
      let r = check(s.tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, ID)).toEqual([s.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/lets the Internet reach .*; no public IP, load balancer or DNAT reaches it today$/);
      expect(flagged(r, "SDZ-NET-001")).toEqual([]);
      const published = site(placement, [pxeRule("allow-pxe", "Internet")], { publicIp: true });
      r = check(published.tf, [ID]);
      expect(flagged(r, ID)).toEqual([published.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/lets the Internet reach /);
      expect(messages(r, ID)[0]).not.toMatch(/reaches it today/);
    });

    test("PXE from a range both an INTERNAL subnet and a PERIMETER on-premises zone hold is still an error (the check does not skip it as trusted)", () => {
      const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], {
        extend: (tf, { vnet }) => {
          zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
          onPremises(tf, "overlap_dmz", ["10.0.2.0/25"], "PERIMETER");
        },
      });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/zone overlap_dmz \(PERIMETER/);
    });

    test("PXE from client zones declared INTERNAL (a subnet and an on-premises range) passes", () => {
      const s = site(placement, [pxeRule("allow-pxe", ["10.0.2.0/24", "192.168.10.0/24"])], {
        extend: (tf, { vnet }) => {
          zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
          onPremises(tf, "hq", ["192.168.10.0/24"], "INTERNAL");
        },
      });
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("PXE from a zone whose trust is not declared, or from private addresses in no zone, is could-not-verify", () => {
      const undeclared = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], { extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24") });
      let r = check(undeclared.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([undeclared.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/zone clients, whose trust is not declared/);
      const nowhere = site(placement, [pxeRule("allow-pxe", "192.168.10.0/24")]);
      r = check(nowhere.tf, [ID]);
      expect(unverifiedAt(r, ID)).toEqual([nowhere.address("allow-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/private addresses 192\.168\.10\.0\/24, in no zone of this configuration/);
    });

    test("a PXE rule whose access is not known, from a perimeter zone, is could-not-verify", () => {
      const s = site(placement, [{ ...pxeRule("maybe-pxe", "10.0.2.0/24"), access: "${var.access}" }], { extend: (tf, { vnet }) => zone(tf, vnet, "dmz", "10.0.2.0/24", { trust: "PERIMETER" }) });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("maybe-pxe")]);
      expect(messages(r, ID)[0]).toMatch(/may let zone dmz \(PERIMETER.*access: the variable access/);
    });
  });

  test("the TFTP data range: the default 64001-65000, or the distribution point's own sdz-pxe-tftp-data-ports, opened from the Internet", () => {
    const def = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("allow-tftp-data", 110, "Allow", "Udp", "64001-65000", "Internet")], {
      extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" }),
    });
    let r = check(def.tf, [ID]);
    expect(flagged(r, ID)).toEqual([def.nsg]);
    expect(messages(r, ID)[0]).toMatch(/rule "allow-tftp-data" .* lets the Internet reach TFTP data \(UDP 64001-65000\)/);
    const custom = site("standalone", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("allow-tftp-data", 110, "Allow", "Udp", "50000-50100", "Internet")], {
      vmTags: { "sdz-pxe-tftp-data-ports": "50000-50100" },
      extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" }),
    });
    r = check(custom.tf, [ID]);
    expect(flagged(r, ID)).toEqual([custom.address("allow-tftp-data")]);
    expect(messages(r, ID)[0]).toMatch(/TFTP data \(UDP 50000-50100\)/);
  });

  test("a TFTP data range tag that cannot be read is could-not-verify on the distribution point naming the tag, never the default range", () => {
    // The Internet may reach UDP 50000-50999: the range the tag may name, or not.
    const build = (tftp: string | undefined, open: boolean) => site("inline", [
      pxeRule("allow-pxe", "10.0.2.0/24"), ...(open ? [rule("allow-tftp-data", 110, "Allow", "Udp", "50000-50999", "Internet")] : []),
    ], {
      vmTags: tftp === undefined ? undefined : { "sdz-pxe-tftp-data-ports": tftp },
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        tf.json.variable = { tftp_range: { type: "string" } };
      },
    });
    const fromVar = build("${var.tftp_range}", true);
    let r = check(fromVar.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([fromVar.vm]);
    expect(messages(r, ID)).toEqual([
      `could not verify: distribution point ${fromVar.vm} (inferred: reachable on UDP 67 through rule "allow-pxe" of NSG servers_nsg): its TFTP data range cannot be read `
      + "(its sdz-pxe-tftp-data-ports tag is not known before apply (the variable tftp_range is only known at plan time)), so whether sources below INTERNAL trust or of unknown trust, "
      + "which may reach UDP ports 1024-65535 on it, reach its TFTP data range cannot be told, nor whether rule \"allow-tftp-data\" of NSG servers_nsg, which lets UDP into hosts of PXE zone "
      + "servers other than the distribution point, is written for it (the default range is not assumed); write sdz-pxe-tftp-data-ports as a literal range (e.g. 64001-65000)",
    ]);
    // SDZ-PXE-012's question about the same tag (allow-tftp-data reaches the whole subnet) is part of that finding, not a second one on the VM.
    expect(unverifiedAt(check(fromVar.tf, ["SDZ-PXE-012"]), "SDZ-PXE-012")).toEqual([]);
    const malformed = build("fifty-thousand", true);
    r = check(malformed.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([malformed.vm]);
    expect(messages(r, ID)[0]).toMatch(/its TFTP data range cannot be read \(its sdz-pxe-tftp-data-ports tag .*fifty-thousand/);
    // The same range written as a literal: the rule that opens it is the error.
    const literal = build("50000-50999", true);
    r = check(literal.tf, [ID]);
    expect(flagged(r, ID)).toEqual([literal.nsg]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    // Nothing untrusted reaches an unprivileged UDP port of the distribution point: the unknown range changes nothing.
    const closed = build("${var.tftp_range}", false);
    r = check(closed.tf, [ID]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("a rule that opens every port from the Internet is SDZ-NET-001's finding, not this rule's", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("allow-all", 200, "Allow", "*", "*", "*")], {
      extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" }),
    });
    const r = check(s.tf, [ID, "SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([s.nsg]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("on a distribution point any rule counts: AllowVNetInBound lets a perimeter zone of the VNet in", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      denyAll: false,
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        zone(tf, vnet, "dmz", "10.0.3.0/24", { trust: "PERIMETER" });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/Azure's default rule AllowVNetInBound of NSG servers_nsg lets zone dmz \(PERIMETER/);
    // The VNet's addresses outside any subnet cannot be judged: they are named, not passed.
    expect(messages(r, ID)[0]).toMatch(/sources whose trust is not known besides: addresses of the virtual network in no zone/);
  });

  test("AzureLoadBalancer health probes are not a PXE client", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("allow-probes", 110, "Allow", "*", "*", "AzureLoadBalancer")], {
      extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" }),
    });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("the distribution point's own zone is SDZ-PXE-004's: PXE from inside a PERIMETER zone is reported there, once", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.1.0/24")], { extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "PERIMETER" }) });
    const r = check(s.tf, [ID, "SDZ-PXE-004"]);
    expect(flagged(r, ID)).toEqual([]);
    expect(flagged(r, "SDZ-PXE-004")).toEqual([s.vm]);
  });

  test("a subnet with no host yet: a rule written for PXE from the Internet is still reported", () => {
    const tf = new TfJson();
    const subnet = tf.subnet("pxe", tf.vnet("net"), ["10.0.1.0/24"]);
    tf.associate(subnet, tf.nsg("pxe_nsg", [pxeRule("allow-pxe", "Internet", "*"), rule("deny-all", 4096, "Deny", "*", "*", "*")]));
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_network_security_group.pxe_nsg"]);
    expect(messages(r, ID)[0]).toMatch(/on azurerm_subnet\.pxe/);
  });

  test("on a host that is no distribution point, only rules written for PXE count", () => {
    const s = site("inline", [rule("allow-udp", 100, "Allow", "Udp", "*", "10.0.2.0/24")], { extend: (tf, { vnet }) => zone(tf, vnet, "dmz", "10.0.2.0/24", { trust: "PERIMETER" }) });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("an Azure Firewall DNAT rule that publishes TFTP on the distribution point to the Internet is reported on the rule collection group", () => {
    const s = site("inline", [pxeRule("allow-pxe-from-hub", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "tftp", protocols: ["UDP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["69"], translated_address: "10.0.1.4", translated_port: "69" }] }],
        });
      },
    });
    const r = check(s.tf, [ID]);
    // Before: also the NSG rule that admits AzureFirewallSubnet, as "zone AzureFirewallSubnet (PERIMETER, inferred)". The firewall sends
    // from its subnet only the DNAT's clients (reported on the DNAT rule) and no SNATed traffic (10.0.1.4 is a private address): one finding.
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID).join("\n")).toMatch(/DNAT rule publish\/tftp of azurerm_firewall_policy_rule_collection_group\.dnat lets the Internet reach TFTP \(UDP 69\) on azurerm_network_interface\.app01_nic/);
    expect(messages(r, ID).join("\n")).not.toMatch(/AzureFirewallSubnet/);
  });

  test("NSG rule admitting AzureFirewallSubnet, whose firewall SNATs every network-rule flow: clients it routes there are not all shown, could not verify", () => {
    const s = site("inline", [pxeRule("allow-pxe-from-hub", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        // 255.255.255.255/32 as the SNAT private range: "always SNAT traffic processed by network rules" (learn.microsoft.com/azure/firewall/snat-private-range).
        const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg", private_ip_ranges: ["255.255.255.255/32"] });
        tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
      },
    });
    const r = check(s.tf, [ID]);
    // Before: an error naming "zone AzureFirewallSubnet (PERIMETER, inferred ...)".
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/lets AzureFirewallSubnet \(10\.0\.100\.0\/26\), whose addresses may carry the traffic of clients this configuration does not show \(firewall azurerm_firewall\.fw SNATs the network-rule traffic it routes to 10\.0\.1\.4/);
  });
});

/**
 * The judge of AzureFirewallSubnet as a source is asked on the reach's protocol and ports (source-trust.ts, JudgedPorts).
 * Without them it assumed every TCP and UDP port, so a firewall whose DNS proxy forwards to the host (port 53) or whose
 * application rules carry HTTPS (TCP 443) made every PXE grant to the firewall's subnet could-not-verify, though neither
 * carries DHCP, TFTP or PXE/BINL (UDP 67, 69, 4011).
 */
describe("SDZ-PXE-001 judges AzureFirewallSubnet on the PXE ports only", () => {
  /** A hub firewall in AzureFirewallSubnet whose DNS proxy forwards to the distribution point and whose application rules carry HTTPS. */
  function hubSite(opts: { snatAlways?: boolean; dnatTftp?: boolean } = {}) {
    return site("inline", [pxeRule("allow-pxe-from-hub", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        const policy = tf.add("azurerm_firewall_policy", "policy", {
          name: "p", location: "westeurope", resource_group_name: "rg", dns: [{ proxy_enabled: true, servers: ["10.0.1.4"] }],
          // 255.255.255.255/32 as the SNAT private range: "always SNAT traffic processed by network rules" (learn.microsoft.com/azure/firewall/snat-private-range).
          ...(opts.snatAlways ? { private_ip_ranges: ["255.255.255.255/32"] } : {}),
        });
        tf.add("azurerm_firewall", "fw", {
          name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy),
          ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }],
        });
        tf.add("azurerm_firewall_policy_rule_collection_group", "rules", {
          name: "rules", firewall_policy_id: TfJson.ref(policy), priority: 100,
          application_rule_collection: [{ name: "web", priority: 200, action: "Allow", rule: [{ name: "intranet", source_addresses: ["10.0.0.0/8"], destination_fqdns: ["intranet.corp.example"], protocols: [{ type: "Https", port: 443 }] }] }],
          ...(opts.dnatTftp ? {
            nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "tftp", protocols: ["UDP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["69"], translated_address: "10.0.1.4", translated_port: "69" }] }],
          } : {}),
        });
      },
    });
  }

  test("compliant: a PXE grant to the firewall's subnet, whose DNS proxy and application rules carry no PXE port, passes", () => {
    // Before (every port assumed): could-not-verify on the NSG, naming the DNS proxy and the application rules.
    expect(check(hubSite().tf, [ID]).findings).toEqual([]);
  });

  test("violating: a DNAT rule publishing TFTP to the Internet is the one finding, on the rule collection group", () => {
    const r = check(hubSite({ dnatTftp: true }).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.rules"]);
    // Before: the NSG grant to AzureFirewallSubnet was could-not-verify besides.
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID)[0]).toMatch(/DNAT rule publish\/tftp of azurerm_firewall_policy_rule_collection_group\.rules lets the Internet reach TFTP \(UDP 69\) on azurerm_network_interface\.app01_nic/);
  });

  test("could not verify: a firewall that SNATs every network-rule flow, for that reason alone (not its DNS proxy or application rules)", () => {
    const s = hubSite({ snatAlways: true });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/lets AzureFirewallSubnet \(10\.0\.100\.0\/26\), whose addresses may carry the traffic of clients this configuration does not show \(firewall azurerm_firewall\.fw SNATs the network-rule traffic it routes to 10\.0\.1\.4, so [^()]*\) reach/);
    expect(messages(r, ID)[0]).not.toMatch(/DNS proxy|application rules/);
  });
});

test("a distribution point in a subnet without an NSG (nor one on its NIC) is SDZ-NET-002's one finding", () => {
  // Before: SDZ-NET-002's error on the subnet and SDZ-PXE-001's ("no NSG on the subnet lets the Internet ... reach") on the NIC, one fix.
  const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
    vmTags: { "sdz-role": "pxe-distribution-point" },
    extend: (tf, { vnet }) => {
      zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
      delete tf.json.resource.azurerm_subnet_network_security_group_association.servers_servers_nsg;
    },
  });
  const r = check(s.tf, [ID, "SDZ-NET-002"]);
  expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.servers"]);
  expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  // SDZ-NET-002 not in the check: this rule keeps what the missing NSG lets in (it was a silent pass).
  const alone = check(s.tf, [ID]);
  expect(flagged(alone, ID)).toEqual(["azurerm_network_interface.app01_nic"]);
  expect(messages(alone, ID)[0]).toMatch(/^no NSG on the subnet lets the Internet/);
  // An NSG on the NIC: the subnet's missing NSG is still NET-002's, and the NIC's rules are judged here.
  const nicNsg = site("nic", [pxeRule("allow-pxe", "Internet")], { vmTags: { "sdz-role": "pxe-distribution-point" } });
  expect(flagged(check(nicNsg.tf, [ID]), ID)).toEqual([nicNsg.nsg]);
});

describe("SDZ-PXE-001: a zone whose trust is not declared is one could-not-verify per NSG, naming every rule that admits it", () => {
  // Relays (UDP 67, 4011) and clients (TFTP and its data range) of one on-premises range without sdz-trust, in two rules.
  const relays = rule("allow-dhcp-relays", 100, "Allow", "Udp", ["67", "4011"], "192.168.10.1", "10.0.1.4");
  const clients = rule("allow-tftp-clients", 110, "Allow", "Udp", ["69", "64001-65000"], "192.168.10.0/24", "10.0.1.4");
  const branch = rule("allow-branch", 120, "Allow", "Udp", ["69"], "172.20.5.0/24", "10.0.1.4");
  const undeclared = (tf: TfJson) => {
    onPremises(tf, "hq", ["192.168.0.0/16"]);
    onPremises(tf, "branch", ["172.20.0.0/16"]);
  };

  test.each(["inline", "nic"] as const)("%s NSG rules: one finding for zone hq naming both rules, one for zone branch", (placement) => {
    const s = site(placement, [relays, clients, branch], { extend: undeclared });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    // Before: one could-not-verify per rule (three on the NSG), two of them for zone hq.
    expect(unverifiedAt(r, ID)).toEqual([s.nsg, s.nsg]);
    const [hq, other] = messages(r, ID);
    expect(hq).toMatch(/^could not verify: rule "allow-dhcp-relays" of NSG \S+ lets zone hq, whose trust is not declared .* reach DHCP \(UDP 67\), PXE\/BINL \(UDP 4011\) on .*; rule "allow-tftp-clients" of NSG \S+ lets zone hq, .* reach TFTP \(UDP 69\), TFTP data \(UDP 64001-65000\) on .*: PXE must come only from zones of INTERNAL trust or more$/);
    expect(hq).not.toContain("allow-branch");
    expect(other).toMatch(/^could not verify: rule "allow-branch" of NSG \S+ lets zone branch, whose trust is not declared/);
  });

  test("a rule that admits both zones joins them in one finding", () => {
    const both = rule("allow-both", 130, "Allow", "Udp", ["69"], ["192.168.20.0/24", "172.20.6.0/24"], "10.0.1.4");
    const s = site("inline", [relays, branch, both], { extend: undeclared });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/"allow-dhcp-relays".*"allow-branch".*"allow-both" of NSG \S+ lets zone (hq|branch), .*; zone (hq|branch)/);
  });

  test("standalone rules are each their own resource: one finding on each", () => {
    const s = site("standalone", [relays, clients], { extend: undeclared });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([s.address("allow-dhcp-relays"), s.address("allow-tftp-clients")].sort());
  });

  test("declaring the zone's trust clears them all", () => {
    const s = site("inline", [relays, clients], { extend: (tf) => onPremises(tf, "hq", ["192.168.0.0/16"], "INTERNAL") });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });
});
