import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-NET-001";

describe("SDZ-NET-001 management port open to any or the Internet", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each([["*"], ["Internet"], ["0.0.0.0/0"], [["0.0.0.0/1", "128.0.0.0/1"]]])("RDP from %j is one error on the rule that allows it", (src) => {
      const s = site(placement, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", src as string | string[])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-rdp")]);
      expect(messages(r, ID)[0]).toMatch(/RDP \(TCP 3389\) from the Internet to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    });

    test("RDP from the management subnet or specific public addresses passes", () => {
      for (const src of ["10.0.9.0/24", "203.0.113.7"]) {
        expect(check(site(placement, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", src)]).tf, [ID]).findings).toEqual([]);
      }
    });

    test("a deny at a lower number shadows the allow for the Internet", () => {
      const s = site(placement, [rule("deny-rdp", 100, "Deny", "Tcp", "3389", "Internet"), rule("allow-rdp", 200, "Allow", "Tcp", "3389", "*")]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("an allow of every port from * is one error listing every sensitive service it opens", () => {
      const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", "*")]);
      const r = check(s.tf);
      expect(flagged(r, ID)).toEqual([s.address("allow-all")]);
      const msg = messages(r, ID)[0];
      for (const svc of ["RDP", "SSH", "WinRM HTTP", "SMB", "RPC endpoint mapper", "KMS", "AMT", "SNMP", "TFTP"]) expect(msg).toContain(svc);
      // The network pack's service rules leave a rule that opens everything to this one finding
      // (test/rules/one-finding-per-exposure.test.ts checks every pack).
      for (const id of ["SDZ-NET-005", "SDZ-NET-006"]) expect(flagged(r, id)).toEqual([]);
    });

    test.each([
      ["access", { access: "${var.access}" }, /access: the variable access/],
      ["direction", { direction: "${var.direction}" }, /direction: the variable direction/],
      ["source", { source_address_prefix: "${var.src}" }, /source_address_prefix: the variable src/],
      ["ports", { destination_port_range: "${var.ports}" }, /destination_port_range: the variable ports/],
      ["missing source", { source_address_prefix: undefined }, /missing/],
      ["unexpected access", { access: "Maybe" }, /"Maybe" is not one of Allow, Deny/],
    ])("a rule whose %s is not known is could-not-verify, never a pass", (_what, patch, reason) => {
      const body = { ...rule("mystery", 100, "Allow", "Tcp", "3389", "*"), ...patch } as Record<string, unknown>;
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      const s = site(placement, [body]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("mystery")]);
      expect(messages(r, ID)[0]).toMatch(reason);
      expect(check(s.tf, [ID], { failOnUnverified: true }).counts.errors).toBe(1);
    });
  });

  test("AzureLoadBalancer health probes are not an attacker's source", () => {
    const s = site("inline", [rule("allow-probes", 100, "Allow", "*", "*", "AzureLoadBalancer")]);
    const r = check(s.tf, ["SDZ-NET-001", "SDZ-NET-005", "SDZ-NET-006"]);
    expect(r.findings).toEqual([]);
  });

  test("a Basic public IP with no NSG at all is open to the Internet, reported on the NIC", () => {
    const tf = new TfJson();
    const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
    const pip = tf.add("azurerm_public_ip", "pip", { name: "pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Basic" });
    tf.nic("app_nic", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_network_interface.app_nic"]);
    expect(messages(r, ID)[0]).toMatch(/no NSG on the subnet.*reachable now through public IP azurerm_public_ip\.pip/);
  });

  test("a Standard public IP (azurerm 4.x's default sku) with no NSG at all lets nothing in: no finding", () => {
    const tf = new TfJson();
    const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
    const pip = tf.add("azurerm_public_ip", "pip", { name: "pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static" });
    tf.nic("app_nic", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
    expect(check(tf, [ID]).findings).toEqual([]);
  });

  test("with no NSG at all, a public IP whose ID is not known before apply makes the finding unverified, not an error", () => {
    const tf = new TfJson();
    const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
    tf.json.variable = { pip_id: { type: "string" } };
    tf.nic("app_nic", subnet, "10.0.1.4", { public_ip_address_id: "${var.pip_id}" });
    const r = check(tf, [ID]);
    expect([flagged(r, ID), unverifiedAt(r, ID)]).toEqual([[], ["azurerm_network_interface.app_nic"]]);
    expect(messages(r, ID)[0]).toMatch(/^could not verify: no NSG on the subnet may allow RDP .*; perhaps reachable through public IP \(by ID\) on azurerm_network_interface\.app_nic \(10\.0\.1\.4\) \(public_ip_address_id: the variable pip_id is only known at plan time\)$/);
  });

  test("a firewall DNAT rule that publishes RDP to the Internet is reported on the rule collection group", () => {
    const s = site("inline", [rule("allow-rdp-from-hub", 100, "Allow", "Tcp", "3389", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "rdp", protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["3389"], translated_address: "10.0.1.4", translated_port: "3389" }] }],
        });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(messages(r, ID)[0]).toMatch(/DNAT rule publish\/rdp.*RDP \(TCP 3389\) from the Internet/);
  });

  test("a DNAT rule whose translated port is not known is could-not-verify", () => {
    const s = site("inline", [rule("allow-hub", 100, "Allow", "Tcp", "*", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "x", protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["443"], translated_address: "10.0.1.4", translated_port: "${var.port}" }] }],
        });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(messages(r, ID)[0]).toContain("translated_port: the variable port");
  });
});
