import { addFirewall, addOnPremises, addRouteTable, addZone, body, FirewallKind, fwRule, viaFirewall } from "./sites";
import { RuleLevel } from "../../../src/engine/rule";
import { Body, check, flagged, messages, PLACEMENTS, Placement, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-008";

/**
 * The KMS host app01 (10.0.1.4) takes TCP 1688 from clients 10.0.2.0/24; the hub firewall (10.0.100.0/26)
 * holds the KMS allowlist (TCP 1688 from the clients to 10.0.1.4) in a policy or a classic collection;
 * `routes` (if given) is the clients' route table. No resource carries a tag: the KMS host is
 * inferred from the NSG rule that admits TCP 1688.
 */
function kmsSite(placement: Placement, kind: FirewallKind, routes?: Body[], o: { fwRules?: Body[]; extend?: (tf: TfJson, vnet: string) => void } = {}) {
  return site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", ["10.0.2.0/24", "192.168.10.0/24"])], {
    extend: (tf, { vnet }) => {
      const clients = addZone(tf, vnet, "clients", "10.0.2.0/24");
      addFirewall(tf, vnet, kind, o.fwRules ?? [fwRule("kms", ["10.0.2.0/24", "192.168.10.0/24"], ["1688"], ["10.0.1.4"])]);
      if (routes) addRouteTable(tf, "clients_rt", clients.subnet, routes);
      o.extend?.(tf, vnet);
    },
  });
}

/** Host app01 (10.0.1.4) behind `nsgRules`, the client zone 10.0.2.0/24, and a hub firewall (policy) holding `fwRules`. */
function clientsAndFirewall(placement: Placement, nsgRules: Body[], fwRules: Body[]) {
  return site(placement, nsgRules, {
    extend: (tf, { vnet }) => {
      addZone(tf, vnet, "clients", "10.0.2.0/24");
      addFirewall(tf, vnet, "policy", fwRules);
    },
  });
}

describe("SDZ-KMS-008 traffic to a KMS host bypasses the firewall that holds its allowlist", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    describe.each<FirewallKind>(["policy", "classic"])("firewall rules in a %s", (kind) => {
      test("a client zone with no route table reaches the KMS host directly: an error on its subnet naming zone, host, firewall and route", () => {
        const r = check(kmsSite(placement, kind).tf, [ID]);
        expect(flagged(r, ID)).toEqual(["azurerm_subnet.clients"]);
        expect(r.findings.map((f) => f.level)).toEqual([RuleLevel.ERROR]);
        expect(messages(r, ID)[0]).toMatch(/^zone clients \(10\.0\.2\.0\/24\) reaches KMS host azurerm_windows_virtual_machine\.app01 \(10\.0\.1\.4\) on TCP 1688 without crossing azurerm_firewall\.hub \(firewall rule kms-activation\/kms\), which holds the KMS allowlist: azurerm_subnet\.clients has no route table, so Azure's system route 10\.0\.0\.0\/16 \(VnetLocal\) carries it/);
      });

      test("a default route to the firewall loses to the VNet's system route: an error on the route table", () => {
        const r = check(kmsSite(placement, kind, [viaFirewall("default", "0.0.0.0/0")]).tf, [ID]);
        expect(flagged(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
        expect(messages(r, ID)[0]).toMatch(/route "default" \(0\.0\.0\.0\/0 to azurerm_firewall\.hub\) of azurerm_route_table\.clients_rt is less specific than Azure's system route 10\.0\.0\.0\/16 \(VnetLocal\), which wins/);
      });

      test("a route for the KMS zone's prefix through the firewall passes", () => {
        expect(check(kmsSite(placement, kind, [viaFirewall("kms", "10.0.1.0/24")]).tf, [ID]).findings).toEqual([]);
      });

      test("a route whose prefix comes from a variable is could-not-verify on the route table", () => {
        const r = check(kmsSite(placement, kind, [{ ...viaFirewall("kms", "10.0.1.0/24"), address_prefix: "${var.kms_prefix}" }]).tf, [ID]);
        expect(flagged(r, ID)).toEqual([]);
        expect(unverifiedAt(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
        expect(r.findings.map((f) => f.level)).toEqual([RuleLevel.WARNING]); // could not verify: a warning unless failOnUnverified
        expect(messages(r, ID)[0]).toMatch(/zone clients .* may reach KMS host .*the route from azurerm_subnet\.clients cannot be followed \(.*address_prefix.*variable kms_prefix/);
      });

      test("a route table associated from a variable is could-not-verify on the subnet", () => {
        const r = check(kmsSite(placement, kind, undefined, {
          extend: (tf) => {
            tf.add("azurerm_subnet_route_table_association", "clients_rt", { subnet_id: TfJson.ref("azurerm_subnet.clients"), route_table_id: "${var.clients_route_table_id}" });
          },
        }).tf, [ID]);
        expect(flagged(r, ID)).toEqual([]);
        expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.clients"]);
        expect(messages(r, ID)[0]).toMatch(/the route from azurerm_subnet\.clients cannot be followed \(azurerm_subnet_route_table_association\.clients_rt: the route table is not part of this configuration\)/);
      });
    });
  });

  describe.each<FirewallKind>(["policy", "classic"])("a KMS rule of a firewall in a %s with a value not known before apply (fail closed)", (kind) => {
    const collection = kind === "policy" ? "azurerm_firewall_policy_rule_collection_group.kms" : "azurerm_firewall_network_rule_collection.kms";
    /** The site with the firewall's KMS rule (or its collection) patched; `routes` is the clients' route table. */
    const unknownSite = (patch: (fwr: Body, coll: Body) => void, routes?: Body[]) => kmsSite("inline", kind, routes, {
      extend: (tf) => {
        const b = body(tf, collection);
        const coll = (kind === "policy" ? (b.network_rule_collection as Body[])[0] : b);
        patch((coll.rule as Body[])[0], coll);
      },
    });
    test.each<[string, (fwr: Body, coll: Body) => void, RegExp]>([
      ["its port comes from a variable", (r) => { r.destination_ports = ["${var.kms_port}"]; }, /destination_ports: .*variable kms_port/],
      ["its collection's action comes from a variable", (_r, c) => { c.action = "${var.kms_action}"; }, /action: .*variable kms_action/],
      ["its destination is an IP group outside the configuration", (r) => {
        delete r.destination_addresses;
        r.destination_ip_groups = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/ipGroups/kms"];
      }, /destination_ip_groups/],
    ])("%s: traffic around the firewall is one could-not-verify on the client subnet naming the field", (_name, patch, field) => {
      const r = check(unknownSite(patch).tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.clients"]);
      const [message] = messages(r, ID);
      expect(message).toMatch(/^could not verify: zone clients \(10\.0\.2\.0\/24\) may reach KMS host azurerm_windows_virtual_machine\.app01 \(10\.0\.1\.4\) on TCP 1688 without crossing azurerm_firewall\.hub \(firewall rule kms-activation\/kms\), which may hold the KMS allowlist: azurerm_subnet\.clients has no route table/);
      expect(message).toMatch(field);
    });

    test("the same rule with the clients routed through the firewall passes: the traffic crosses it whatever the rule holds", () => {
      const r = check(unknownSite((fwr) => { fwr.destination_ports = ["${var.kms_port}"]; }, [viaFirewall("kms", "10.0.1.0/24")]).tf, [ID]);
      expect(r.findings).toEqual([]);
    });
  });

  /**
   * Two firewalls: hub (net, 10.0.100.0/26) whose KMS rule is fully known holds the allowlist; spoke (in the peered VNet
   * net2 10.1.0.0/16, AzureFirewallSubnet 10.1.100.0/26) has a KMS rule with one value not known before apply, so it only
   * may hold one. `clientRoutes` is the clients' route table.
   */
  describe("a certain holder (hub) and a possible one (spoke, in a peered VNet)", () => {
    const twoFirewalls = (clientRoutes: Body[] | undefined, patch: (fwr: Body, coll: Body) => void) => kmsSite("inline", "policy", clientRoutes, {
      extend: (tf, vnet) => {
        const net2 = tf.vnet("net2", ["10.1.0.0/16"]);
        tf.add("azurerm_virtual_network_peering", "net_to_net2", { name: "net-to-net2", resource_group_name: "rg", virtual_network_name: TfJson.ref(vnet, "name"), remote_virtual_network_id: TfJson.ref(net2) });
        tf.add("azurerm_virtual_network_peering", "net2_to_net", { name: "net2-to-net", resource_group_name: "rg", virtual_network_name: TfJson.ref(net2, "name"), remote_virtual_network_id: TfJson.ref(vnet) });
        const subnet = tf.subnet("spoke_fw", net2, ["10.1.100.0/26"], { name: "AzureFirewallSubnet" });
        const pip = tf.add("azurerm_public_ip", "spoke_fw_ip", { name: "spoke-fw-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
        const policy = tf.add("azurerm_firewall_policy", "spoke", { name: "spoke-policy", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_firewall", "spoke", {
          name: "spoke-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy),
          ip_configuration: [{ name: "ip", subnet_id: TfJson.ref(subnet), public_ip_address_id: TfJson.ref(pip) }],
        });
        const coll: Body = { name: "spoke-kms", priority: 100, action: "Allow", rule: [fwRule("kms", ["10.0.2.0/24"], ["1688"], ["10.0.1.4"])] };
        patch((coll.rule as Body[])[0], coll);
        tf.add("azurerm_firewall_policy_rule_collection_group", "spoke", { name: "spoke", firewall_policy_id: TfJson.ref(policy), priority: 400, network_rule_collection: [coll] });
      },
    });
    const UNKNOWN: [string, (fwr: Body, coll: Body) => void, RegExp][] = [
      ["action", (_r, c) => { c.action = "${var.spoke_action}"; }, /action: .*variable spoke_action/],
      ["port", (r) => { r.destination_ports = ["${var.spoke_port}"]; }, /destination_ports: .*variable spoke_port/],
      ["destination", (r) => { r.destination_addresses = ["${var.spoke_destination}"]; }, /destination_addresses: .*variable spoke_destination/],
    ];

    test.each(UNKNOWN)("spoke's %s not known: the clients routed through spoke (not hub) is could-not-verify on their route table, naming spoke's field", (_what, patch, field) => {
      const r = check(twoFirewalls([viaFirewall("kms", "10.0.1.0/24", "azurerm_firewall.spoke")], patch).tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
      expect(r.findings.map((f) => f.status)).toEqual(["unverified"]);
      const [message] = messages(r, ID);
      expect(message).toMatch(/^could not verify: zone clients \(10\.0\.2\.0\/24\) may reach KMS host azurerm_windows_virtual_machine\.app01 \(10\.0\.1\.4\) on TCP 1688 without crossing azurerm_firewall\.hub \(firewall rule kms-activation\/kms\), which holds the KMS allowlist: its route "kms" sends it through firewall azurerm_firewall\.spoke, which may hold a KMS allowlist for 10\.0\.1\.4 \(.*firewall rule spoke-kms\/kms: /);
      expect(message).toMatch(field);
    });

    test("spoke's rule fully known, for another port: spoke drops TCP 1688 (no rule allows it), so the clients do not reach the host through it: no finding", () => {
      expect(check(twoFirewalls([viaFirewall("kms", "10.0.1.0/24", "azurerm_firewall.spoke")], (fwr) => { fwr.destination_ports = ["443"]; }).tf, [ID]).findings).toEqual([]);
    });

    test.each(UNKNOWN)("spoke's %s not known: the clients routed through hub pass; with no route table they are an error on their subnet naming hub only", (_what, patch) => {
      expect(check(twoFirewalls([viaFirewall("kms", "10.0.1.0/24")], patch).tf, [ID]).findings).toEqual([]);
      const r = check(twoFirewalls(undefined, patch).tf, [ID]);
      expect(flagged(r, ID)).toEqual(["azurerm_subnet.clients"]);
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(messages(r, ID)).toEqual([expect.stringMatching(/^zone clients \(10\.0\.2\.0\/24\) reaches KMS host azurerm_windows_virtual_machine\.app01 \(10\.0\.1\.4\) on TCP 1688 without crossing azurerm_firewall\.hub \(firewall rule kms-activation\/kms\), which holds the KMS allowlist: azurerm_subnet\.clients has no route table/)]);
    });
  });

  test("a host no role marks, whose firewall rule's port comes from a variable: whether that rule is a KMS allowlist is not known, could not verify", () => {
    const r = check(clientsAndFirewall("inline", [rule("allow-clients", 100, "Allow", "Tcp", "*", ["10.0.2.0/24"])],
      [fwRule("app", ["10.0.2.0/24"], ["${var.app_port}"], ["10.0.1.4"])]).tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.clients"]);
    expect(messages(r, ID)[0]).toMatch(/which may hold the KMS allowlist: .*\(firewall rule kms-activation\/app: destination_ports: .*variable app_port/);
  });

  test("a known rule's value decides: a variable port on a UDP-only rule holds no KMS allowlist", () => {
    const r = check(kmsSite("inline", "policy", undefined, { fwRules: [fwRule("kms", ["10.0.2.0/24"], ["${var.kms_port}"], ["10.0.1.4"], { protocols: ["UDP"] })] }).tf, [ID]);
    expect(r.findings).toEqual([]);
  });

  test("standalone azurerm_route resources are read: a route for the host to the firewall passes, a wider one loses to the VNet", () => {
    const standalone = (prefix: string) => kmsSite("standalone", "policy", [], {
      extend: (tf) => {
        tf.add("azurerm_route", "kms", { name: "kms", resource_group_name: "rg", route_table_name: TfJson.ref("azurerm_route_table.clients_rt", "name"), ...viaFirewall("kms", prefix) });
      },
    });
    expect(check(standalone("10.0.1.4/32").tf, [ID]).findings).toEqual([]);
    const r = check(standalone("10.0.0.0/8").tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
    expect(messages(r, ID)[0]).toMatch(/route "kms" \(10\.0\.0\.0\/8 to azurerm_firewall\.hub\) of azurerm_route_table\.clients_rt is less specific than Azure's system route 10\.0\.0\.0\/16 \(VnetLocal\)/);
  });

  test.each(PLACEMENTS)("an earlier %s NSG deny whose sources come from a variable: the clients may reach the host around the firewall (could not verify)", (placement) => {
    const deny = rule("deny-blocked", 100, "Deny", "Tcp", "1688", "${var.blocked_clients}");
    const r = check(clientsAndFirewall(placement, [deny, rule("allow-kms", 110, "Allow", "Tcp", "1688", ["10.0.2.0/24"])],
      [fwRule("kms", ["10.0.2.0/24"], ["1688"], ["10.0.1.4"])]).tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.clients"]);
    expect(messages(r, ID)[0]).toMatch(/^could not verify: zone clients \(10\.0\.2\.0\/24\) may reach KMS host .*azurerm_subnet\.clients has no route table.*rule "deny-blocked" may decide otherwise \(source_address_prefix: the variable blocked_clients/);
  });

  test("a host that no role or KMS rule marks is no KMS host: a firewall rule and an NSG rule opening every port to it are left to other rules", () => {
    const r = check(clientsAndFirewall("inline", [rule("allow-clients", 100, "Allow", "Tcp", "*", ["10.0.2.0/24"])],
      [fwRule("any", ["10.0.2.0/24"], ["*"], ["10.0.1.4"])]).tf, [ID]);
    expect(r.findings).toEqual([]);
  });

  test("a route table that sends the KMS zone elsewhere is reported on that table", () => {
    const r = check(kmsSite("inline", "policy", [{ name: "local", address_prefix: "10.0.1.0/24", next_hop_type: "VnetLocal" }]).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
    expect(messages(r, ID)[0]).toMatch(/azurerm_route_table\.clients_rt \(on azurerm_subnet\.clients\) has no route for 10\.0\.1\.4 to the firewall/);
  });

  test("a route to an appliance that is not a firewall of the configuration is could-not-verify", () => {
    const r = check(kmsSite("inline", "policy", [{ name: "nva", address_prefix: "10.0.1.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.200.4" }]).tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_route_table.clients_rt"]);
    expect(messages(r, ID)[0]).toMatch(/sends it to the appliance 10\.0\.200\.4, not a firewall of this configuration/);
  });

  test("a literal next hop inside AzureFirewallSubnet is the firewall", () => {
    const routes = [{ name: "kms", address_prefix: "10.0.1.4/32", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.100.4" }];
    expect(check(kmsSite("standalone", "classic", routes).tf, [ID]).findings).toEqual([]);
  });

  test("no firewall rule allows TCP 1688 to the host: there is no allowlist to bypass", () => {
    expect(check(kmsSite("inline", "policy", undefined, { fwRules: [fwRule("web", ["10.0.2.0/24"], ["443"], ["10.0.1.4"])] }).tf, [ID]).findings).toEqual([]);
  });

  test("on-premises clients follow GatewaySubnet's routes: no route table there is an error on GatewaySubnet; a route to the firewall fixes it", () => {
    const onPrem = (routed: boolean) => kmsSite("inline", "policy", [viaFirewall("kms", "10.0.1.0/24")], {
      extend: (tf, vnet) => {
        const { gatewaySubnet } = addOnPremises(tf, vnet);
        if (routed) addRouteTable(tf, "gateway_rt", gatewaySubnet, [viaFirewall("kms", "10.0.1.0/24")]);
      },
    });
    const r = check(onPrem(false).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_subnet.GatewaySubnet"]);
    expect(messages(r, ID)[0]).toMatch(/^on-premises zone onprem \(192\.168\.10\.0\/24\) reaches KMS host .*azurerm_subnet\.GatewaySubnet has no route table.* \(on-premises traffic follows the routes of azurerm_subnet\.GatewaySubnet\)/);
    expect(check(onPrem(true).tf, [ID]).findings).toEqual([]);
  });
});
