import { RuleLevel } from "../../../src/engine/rule";
import { DOM_PACK } from "../../../src/rules/dom";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-DOM-001";

describe("domain-services pack", () => {
  test("pins the ID, level, requirement and area; the rule documents what it reads and has examples", () => {
    expect(DOM_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([["SDZ-DOM-001", RuleLevel.WARNING, ["R-SEC-1"], "domain"]]);
    for (const r of DOM_PACK.rules) {
      expect(r.rationale).toMatch(/[Ss]eed 004/);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });
});

describe("SDZ-DOM-001 Kerberos/LDAP/DNS rule towards a broad destination", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    // On the NIC's own NSG a destination holding the NIC is that host only (see the tests of that case below):
    // there only a destination that misses the host (so no domain controller is inferred from the rule) is flagged.
    const destinations: [string | string[]][] = placement === "nic" ? [[["10.0.2.4", "10.0.0.0/24"]]] : [["*"], ["VirtualNetwork"], ["10.0.0.0/16"], [["10.0.2.4", "10.0.0.0/24"]]];
    test.each(destinations)("an inbound Kerberos/LDAP allow towards %j is one warning on the rule", (dest) => {
      const s = site(placement, [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24", dest as string | string[])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-domain")]);
      expect(messages(r, ID)[0]).toMatch(/^inbound rule "allow-domain" of NSG \w+ allows Kerberos \(TCP 88\), LDAP \(TCP 389\) towards .* instead of the specific addresses of the domain controllers and DNS servers$/);
      expect(messages(r, ID)[0]).not.toContain("10.0.2.4,");
    });

    test("an outbound DNS allow towards any is flagged too", () => {
      const s = site(placement, [rule("dns-out", 100, "Allow", "Udp", "53", "10.0.1.0/24", "*", "Outbound")]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("dns-out")]);
      expect(messages(r, ID)[0]).toMatch(/^outbound rule "dns-out" .* allows DNS \(UDP 53\) towards \*/);
    });

    test("rules towards the DC addresses pass; a rule that opens every port is not a domain-services rule; denies are not exemptions", () => {
      const s = site(placement, [
        rule("allow-domain", 100, "Allow", "*", ["53", "88", "389", "636", "3268"], "10.0.2.0/24", ["10.0.1.4", "10.0.1.5/32"]),
        rule("allow-all", 110, "Allow", "*", "*", "10.0.9.0/24"),
        rule("deny-ldap", 120, "Deny", "Tcp", "389", "*"),
      ]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test.each([
      ["destination", { destination_address_prefix: "${var.dcs}" }, /towards a destination not known before apply .*destination_address_prefix: the variable dcs/],
      ["access", { access: "${var.access}" }, /may allow Kerberos \(TCP 88\) towards \* .*access: the variable access/],
    ])("a rule whose %s is not known is could-not-verify", (_what, patch, reason) => {
      const s = site(placement, [{ ...rule("allow-kerberos", 100, "Allow", "Tcp", "88", "10.0.2.0/24"), ...patch }]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-kerberos")]);
      expect(messages(r, ID)[0]).toMatch(reason);
    });

    test("UDP ports from a variable, from private addresses: no AMT port, so SDZ-NET-006's could-not-verify names Kerberos, LDAP and DNS over UDP, and this rule leaves it to that one finding", () => {
      const s = site(placement, [{ ...rule("allow-kerberos", 100, "Allow", "Udp", "88", "10.0.2.0/24"), destination_port_range: "${var.ports}" }]);
      const r = check(s.tf, [ID, "SDZ-OOB-001", "SDZ-NET-006"]);
      // Before: this rule's could-not-verify too ("may allow Kerberos (UDP 88), ... towards *"), on the same rule, about the same variable.
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([]);
      expect(unverifiedAt(r, "SDZ-NET-006")).toEqual([s.address("allow-kerberos")]);
      expect(messages(r, "SDZ-NET-006")[0]).toMatch(/may also open Kerberos \(UDP 88\), Kerberos password change \(UDP 464\), LDAP \(DC locator\) \(UDP 389\), DNS \(UDP 53\), .* there \(.*SDZ-DOM-001.* leave this rule to this finding\)$/);
    });

    test("TCP ports from a variable, from private addresses: SDZ-OOB-001's could-not-verify names Kerberos, LDAP and DNS, and this rule leaves it to that one finding", () => {
      const s = site(placement, [{ ...rule("allow-kerberos", 100, "Allow", "Tcp", "88", "10.0.2.0/24"), destination_port_range: "${var.ports}" }]);
      const r = check(s.tf, [ID, "SDZ-OOB-001"]);
      // Before: this rule's could-not-verify too ("may allow Kerberos (TCP 88), ... towards *"), on the same rule, about the same variable.
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([s.address("allow-kerberos")]);
      expect(messages(r, "SDZ-OOB-001")[0]).toMatch(/may also open .*Kerberos \(TCP 88\), Kerberos password change \(TCP 464\), LDAP \(TCP 389\), LDAPS \(TCP 636\), Global Catalog \(TCP 3268\), Global Catalog SSL \(TCP 3269\), DNS \(TCP 53\) there \(.*SDZ-DOM-001.* leave this rule to this finding\)$/);
    });
  });

  describe("an NSG associated only with NICs of domain controllers and DNS servers", () => {
    test.each(["*", "VirtualNetwork", "10.0.0.0/16"])("an inbound Kerberos/LDAP allow towards %s on the domain controller's own NIC NSG is its address: no warning", (dest) => {
      const s = site("nic", [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24", dest)]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("the same NSG also on a NIC of no server known here (no VM of this configuration uses it): the warning stays", () => {
      const s = site("nic", [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24", "*")], {
        extend: (tf, x) => tf.nicNsg(tf.nic("spare_nic", "azurerm_subnet.servers", "10.0.1.5"), x.nsg),
      });
      expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("allow-domain")]);
    });

    test("a declared domain controller (sdz-role) is exempt the same way", () => {
      const s = site("nic", [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.9.0/24", "*")], { vmTags: { "sdz-role": "domain-controller" } });
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test.each([
      ["a NIC association whose NIC cannot be followed", (tf: TfJson, nsg: string) => tf.add("azurerm_network_interface_security_group_association", "other",
        { network_interface_id: "${var.other_nic_id}", network_security_group_id: TfJson.ref(nsg) })],
      ["a subnet association whose subnet cannot be followed", (tf: TfJson, nsg: string) => tf.add("azurerm_subnet_network_security_group_association", "other",
        { subnet_id: "${var.other_subnet_id}", network_security_group_id: TfJson.ref(nsg) })],
    ])("%s may put the NSG on other hosts: the warning stays", (_what, associate) => {
      const s = site("nic", [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24", "*")], { extend: (tf, x) => associate(tf, x.nsg) });
      expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("allow-domain")]);
    });

    test("outbound rules of that NSG are still read: a DNS allow towards any from the domain controller is flagged", () => {
      const s = site("nic", [rule("allow-domain", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24", "*"), rule("dns-out", 110, "Allow", "Udp", "53", "10.0.1.0/24", "*", "Outbound")]);
      expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("dns-out")]);
    });
  });

  test("a standalone rule of an NSG outside the configuration is read too", () => {
    const tf = new TfJson();
    tf.add("azurerm_network_security_rule", "ldap", { name: "ldap", resource_group_name: "rg", network_security_group_name: "external-nsg", ...rule("ldap", 100, "Allow", "Tcp", "389", "10.0.2.0/24", "VirtualNetwork") });
    expect(flagged(check(tf, [ID]), ID)).toEqual(["azurerm_network_security_rule.ldap"]);
  });
});

describe("SDZ-DOM-001 doubts", () => {
  /** An NSG holding a dynamic security_rule block; with `guarded`, on a subnet whose one NIC's own NSG denies the Internet first. */
  function dynamicNsg(guarded: boolean): { tf: TfJson; dyn: string } {
    const tf = new TfJson();
    tf.json.variable = { extra_rules: { type: "list(any)" } };
    const dyn = tf.add("azurerm_network_security_group", "dyn", {
      name: "dyn-nsg", location: "westeurope", resource_group_name: "rg",
      dynamic: {
        security_rule: {
          for_each: "${var.extra_rules}", content: {
            name: "${security_rule.value.name}", priority: "${security_rule.value.priority}", direction: "Outbound", access: "Allow", protocol: "Tcp",
            source_port_range: "*", destination_port_range: "${security_rule.value.port}", source_address_prefix: "10.0.1.0/24", destination_address_prefix: "${security_rule.value.dest}",
          },
        },
      },
    });
    if (guarded) {
      const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
      tf.associate(subnet, dyn);
      tf.nicNsg(tf.nic("app01_nic", subnet, "10.0.1.4"), tf.nsg("guard", [rule("deny-internet", 100, "Deny", "*", "*", "Internet")]));
    }
    return { tf, dyn };
  }

  test("a dynamic security_rule block that SDZ-NET-001 reports (it may let the Internet in to the hosts behind it) is that one could-not-verify", () => {
    const { tf, dyn } = dynamicNsg(false);
    const r = check(tf, [ID, "SDZ-NET-001"]);
    // Before: also this rule's could-not-verify on the same NSG, about the same block.
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([dyn]);
  });

  test("where SDZ-NET-001 says nothing about the block (the NIC's NSG denies the Internet), it is SDZ-OOB-001's one could-not-verify (its private sources may reach AMT), naming these services", () => {
    const { tf, dyn } = dynamicNsg(true);
    const r = check(tf, [ID, "SDZ-NET-001", "SDZ-OOB-001"]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([]);
    expect(flagged(r, ID)).toEqual([]);
    // Before: this rule's could-not-verify on the same NSG, about the same block.
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([dyn]);
    expect(messages(r, "SDZ-OOB-001")[0]).toMatch(/may also open .*Kerberos \(TCP 88\), Kerberos \(UDP 88\), .*DNS \(UDP 53\).* there \(.*SDZ-DOM-001.* leave this rule to this finding\)$/);
    expect(messages(r, "SDZ-OOB-001")[0].split("is a dynamic block").length).toBe(2);
  });

  test("an outbound block (its direction known): no host's finding names it, so it is one could-not-verify here that states its doubt once", () => {
    const tf = new TfJson();
    tf.json.variable = { extra_rules: { type: "list(any)" } };
    const nsg = tf.nsg("out", []);
    tf.nsgRule("dyn", nsg, {
      for_each: "${var.extra_rules}", name: "${each.value.name}", priority: "${each.value.priority}", direction: "Outbound", access: "Allow", protocol: "Tcp",
      source_port_range: "*", destination_port_range: "${each.value.port}", source_address_prefix: "10.0.1.0/24", destination_address_prefix: "${each.value.dest}",
    });
    const r = check(tf, [ID, "SDZ-NET-001", "SDZ-OOB-001"]);
    expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_network_security_rule.dyn"]);
    expect(messages(r, ID)).toEqual([expect.stringMatching(/^could not verify: outbound rule .* may allow Kerberos \(TCP 88\), .* towards a destination not known before apply/)]);
  });

  /**
   * SDZ-NET-001's could-not-verify about the same rule (it may let the Internet in) names Kerberos TCP 88,
   * LDAP TCP 389, LDAPS, Global Catalog TCP 3268 and DNS UDP 53: one could-not-verify per unknown rule.
   */
  describe.each(PLACEMENTS)("%s NSG rules that SDZ-NET-001 reports as could-not-verify", (placement) => {
    const withVars = (s: { tf: TfJson }) => {
      s.tf.json.variable = { proto: { type: "string" }, ports: { type: "string" } };
      return s.tf;
    };

    test("ports not known before apply, from *: the whole rule is NET-001's (it lists every sensitive service the rule may open)", () => {
      const s = site(placement, [rule("maybe", 100, "Allow", "*", "${var.ports}", "*")], { publicIp: true });
      const r = check(withVars(s), [ID, "SDZ-NET-001"]);
      // Before: also SDZ-DOM-001's could-not-verify naming the eleven locator services, on the same rule, about the same variable.
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([s.address("maybe")]);
    });

    test("a rule written for Kerberos whose protocol is a variable, from *: it stays this rule's whole (NET-001 leaves rules written for a service to its rule)", () => {
      const s = site(placement, [rule("krb", 100, "Allow", "${var.proto}", "88", "*")], { publicIp: true });
      const r = check(withVars(s), [ID, "SDZ-NET-001"]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("krb")]);
      expect(messages(r, ID)).toEqual([expect.stringMatching(/^could not verify: inbound rule "krb" of NSG \w+ may allow Kerberos \(TCP 88\), Kerberos \(UDP 88\) towards \* instead of .*\(protocol: the variable proto/)]);
    });

    test("the same rule from private sources: NET-001 says nothing, so both Kerberos ports stay here", () => {
      const s = site(placement, [rule("krb", 100, "Allow", "${var.proto}", "88", "10.0.0.0/8")], { publicIp: true });
      const r = check(withVars(s), [ID, "SDZ-NET-001"]);
      expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([]);
      expect(messages(r, ID)).toEqual([expect.stringMatching(/may allow Kerberos \(TCP 88\), Kerberos \(UDP 88\) towards \*/)]);
    });

    test("an outbound rule whose ports are a variable: NET-001 reads inbound rules only, so it stays here", () => {
      const s = site(placement, [rule("out", 100, "Allow", "*", "${var.ports}", "*", "*", "Outbound")], { publicIp: true });
      const r = check(withVars(s), [ID, "SDZ-NET-001"]);
      expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("out")]);
    });
  });
});

describe("SDZ-DOM-001 towards an application security group", () => {
  /**
   * Clients (10.0.1.0/24) allowed TCP 88, 389 outbound to ASG `apps`; servers app1, app2 and dc1 (declared domain
   * controller) in 10.0.2.0/24; `members` says which of them join the ASG, `tags` sets tags on a VM.
   */
  function asgSite(members: string[], tags: Record<string, Record<string, string>> = {}): { tf: TfJson; rule: string } {
    const tf = new TfJson();
    const vnet = tf.vnet("net");
    const clients = tf.subnet("clients", vnet, ["10.0.1.0/24"]);
    const servers = tf.subnet("servers", vnet, ["10.0.2.0/24"]);
    const asg = tf.add("azurerm_application_security_group", "apps", { name: "apps", location: "westeurope", resource_group_name: "rg" });
    tf.associate(clients, tf.nsg("clients", [{
      name: "to-dc", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_ranges: ["88", "389"],
      source_address_prefix: "*", destination_application_security_group_ids: [TfJson.ref(asg)],
    }]));
    tf.associate(servers, tf.nsg("servers"));
    for (const [name, ip] of [["app1", "10.0.2.10"], ["app2", "10.0.2.11"], ["dc1", "10.0.2.4"]]) {
      const nic = tf.nic(`${name}_nic`, servers, ip);
      tf.windowsVm(name, [nic], { tags: { ...(name === "dc1" ? { "sdz-role": "domain-controller" } : {}), ...tags[name] } });
      if (members.includes(name)) tf.add("azurerm_network_interface_application_security_group_association", name, { network_interface_id: TfJson.ref(nic), application_security_group_id: TfJson.ref(asg) });
    }
    return { tf, rule: "azurerm_network_security_group.clients" };
  }

  test("an ASG whose members are not all domain controllers or DNS servers is one warning naming those members", () => {
    const s = asgSite(["app1", "app2"]);
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.rule]);
    expect(messages(r, ID)).toEqual([expect.stringMatching(/^outbound rule "to-dc" of NSG clients allows Kerberos \(TCP 88\), LDAP \(TCP 389\) towards application security group azurerm_application_security_group\.apps \(members azurerm_network_interface\.app1_nic, azurerm_network_interface\.app2_nic are not domain controllers or DNS servers\) instead of/)]);
    expect(flagged(check(asgSite(["dc1", "app1"]).tf, [ID]), ID)).toEqual([s.rule]);
  });

  test("an ASG of domain controllers only passes", () => {
    expect(check(asgSite(["dc1"]).tf, [ID]).findings).toEqual([]);
  });

  test("an ASG with no member in this configuration, or a member whose role tag is not known before apply, is could-not-verify", () => {
    for (const [s, why] of [
      [asgSite([]), /application security group azurerm_application_security_group\.apps has no member in this configuration/],
      [asgSite(["dc1", "app1"], { app1: { "sdz-role": "${var.role}" } }), /whether azurerm_network_interface\.app1_nic .* cannot be told \(azurerm_windows_virtual_machine\.app1: its sdz-role tag is not known before apply/],
    ] as const) {
      const r = check(s.tf, [ID]);
      expect([flagged(r, ID), unverifiedAt(r, ID)]).toEqual([[], [s.rule]]);
      expect(messages(r, ID)[0]).toMatch(why);
    }
  });
});
