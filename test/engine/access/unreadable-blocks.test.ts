import { parseCidr } from "../../../src/engine/access/addresses";
import { Reachability } from "../../../src/engine/access/reachability";
import { check, flagged, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

const DYNAMIC_RULES = {
  for_each: "${var.rules}",
  content: {
    name: "${security_rule.value.name}", priority: "${security_rule.value.priority}", direction: "Inbound", access: "Allow", protocol: "Tcp",
    source_port_range: "*", destination_port_range: "${security_rule.value.port}", source_address_prefix: "*", destination_address_prefix: "*",
  },
};

/** The servers NSG's inline rules replaced by `how`: a dynamic block, or an expression. */
function unreadableNsg(how: "dynamic" | "expression", rules = [] as ReturnType<typeof rule>[]) {
  return site("inline", rules, {
    denyAll: false, publicIp: true,
    extend: (tf, s) => {
      tf.json.variable = { rules: { type: "any" } };
      const nsg = tf.json.resource.azurerm_network_security_group[s.nsg.split(".")[1]] as Record<string, unknown>;
      if (how === "dynamic") nsg.dynamic = { security_rule: DYNAMIC_RULES };
      else nsg.security_rule = "${var.rules}";
    },
  });
}

describe("rules written as a dynamic block or an expression are read as unknown, never as absent (fail closed)", () => {
  test.each(["dynamic", "expression"] as const)("NSG security_rule as a %s: RDP from the Internet could not be verified, on the NSG", (how) => {
    const s = unreadableNsg(how);
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([s.nsg]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001")!.message).toMatch(/security_rule: security_rule is (a dynamic block, expanded|an expression that is only evaluated) at plan time/);
  });

  test("static rules beside a dynamic block: a deny-all at 100 does not make it certain (the dynamic rules may come first)", () => {
    const s = unreadableNsg("dynamic", [rule("deny-all", 100, "Deny", "*", "*", "*")]);
    const reach = Reachability.of(s.tf.model());
    const ep = reach.access.endpoints.find((e) => e.kind === "nic")!;
    const a = reach.access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 });
    expect(a.grants.filter((g) => g.sources.v4.contains(v4("203.0.113.9"))).map((g) => g.outcome)).toEqual(["uncertain"]);
  });

  test("control: the same NSG with its rules written out is decided (RDP from * is one error)", () => {
    const s = site("inline", [rule("rdp", 100, "Allow", "Tcp", "3389", "*")], { denyAll: false, publicIp: true });
    expect(flagged(check(s.tf, ["SDZ-NET-001"]), "SDZ-NET-001")).toEqual([s.nsg]);
  });

  test("a route table whose routes are a dynamic block: the VirtualNetwork tag may hold any address", () => {
    const s = site("inline", [rule("rdp-vnet", 100, "Allow", "Tcp", "3389", "VirtualNetwork")], {
      publicIp: true,
      extend: (tf, x) => {
        tf.json.variable = { routes: { type: "any" } };
        const rt = tf.add("azurerm_route_table", "rt", {
          name: "rt", location: "westeurope", resource_group_name: "rg",
          dynamic: { route: { for_each: "${var.routes}", content: { name: "${route.key}", address_prefix: "${route.value}", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.9.4" } } },
        });
        tf.add("azurerm_subnet_route_table_association", "rt_servers", { subnet_id: TfJson.ref(x.subnet), route_table_id: TfJson.ref(rt) });
      },
    });
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    // Said once, on the route table whose routes are not known, naming the rule they leave open.
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_route_table.rt"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001")?.message).toContain("rule \"rdp-vnet\" of NSG");
  });

  test.each(["dynamic", "expression"] as const)("a NIC whose ip_configuration is a %s is a host of unknown subnet and address, not a NIC without one", (how) => {
    const tf = new TfJson();
    tf.json.variable = { ipcfg: { type: "any" } };
    const body: Record<string, unknown> = { name: "vm-nic", location: "westeurope", resource_group_name: "rg" };
    if (how === "dynamic") body.dynamic = { ip_configuration: { for_each: "${var.ipcfg}", content: { name: "${ip_configuration.key}", subnet_id: "${ip_configuration.value}", private_ip_address_allocation: "Dynamic" } } };
    else body.ip_configuration = "${var.ipcfg}";
    const nic = tf.add("azurerm_network_interface", "vm", body);
    tf.nicNsg(nic, tf.nsg("nic_nsg", [rule("rdp", 100, "Allow", "Tcp", "3389", "*")]));
    tf.windowsVm("vm", [nic]);
    const r = check(tf, ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_network_security_group.nic_nsg"]);
  });

  test("a firewall policy whose DNAT collections are a dynamic block may publish any host", () => {
    const s = site("inline", [rule("rdp-vnet", 100, "Allow", "Tcp", "3389", "VirtualNetwork")], {
      extend: (tf, x) => {
        tf.json.variable = { nat: { type: "any" } };
        const fwSubnet = tf.subnet("AzureFirewallSubnet", x.vnet, ["10.0.100.0/26"]);
        const fw = tf.hubFirewall(fwSubnet, {});
        const group = tf.json.resource.azurerm_firewall_policy_rule_collection_group.rules as Record<string, unknown>;
        group.dynamic = { nat_rule_collection: { for_each: "${var.nat}", content: { name: "${nat_rule_collection.key}", priority: 100, action: "Dnat", rule: [] } } };
        expect(fw.firewall).toBe("azurerm_firewall.hub");
      },
    });
    const reach = Reachability.of(s.tf.model());
    const ep = reach.access.endpoints.find((e) => e.kind === "nic")!;
    const dnat = reach.reach(ep, { protocol: "Tcp", from: 3389, to: 3389 }).reaches.filter((r) => r.dnat);
    expect(dnat.map((r) => [r.outcome, r.dnat!.label])).toEqual([["uncertain", "(nat_rule_collection evaluated at plan time)"]]);
  });
});
