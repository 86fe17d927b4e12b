import { parseCidr } from "../../../src/engine/access/addresses";
import { Reach, Reachability } from "../../../src/engine/access/reachability";
import { Body, TfJson, rule } from "../../support/tf-json";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

const RDP = { protocol: "Tcp" as const, from: 3389, to: 3389 };
const FW_SUBNET = "10.0.100.0/26";

/** A DNAT rule `name` publishing TCP 3389 of `to` to every source. */
function dnat(name: string, to: string): Body {
  return { name, protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["3389"], translated_address: to, translated_port: "3389" };
}

/**
 * VNet 10.0.0.0/16: AzureFirewallSubnet, `app` (10.0.1.0/24, its NSG admits RDP from the VNet, so
 * from the firewall's subnet too; `extraRules` follow) and `clients` (10.0.2.0/24). No firewall: add with {@link firewall}.
 */
function network(extraRules: Body[] = []) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, [FW_SUBNET]);
  const app = tf.subnet("app", vnet, ["10.0.1.0/24"]);
  const clients = tf.subnet("clients", vnet, ["10.0.2.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "VirtualNetwork"), ...extraRules, rule("deny-all", 4000, "Deny", "*", "*", "*")]));
  return { tf, vnet, fwSubnet, app, clients };
}

/** Firewall `name` in `subnet`, with policy `policyRef` when given (else classic rules apply). */
function firewall(tf: TfJson, name: string, subnet: string, policyRef?: string): string {
  return tf.add("azurerm_firewall", name, {
    name: `${name}-fw`, location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard",
    ...(policyRef ? { firewall_policy_id: TfJson.ref(policyRef) } : {}),
    ip_configuration: [{ name: "cfg", subnet_id: TfJson.ref(subnet) }],
  });
}

function policy(tf: TfJson, name: string, base?: string): string {
  return tf.add("azurerm_firewall_policy", name, { name, location: "westeurope", resource_group_name: "rg", ...(base ? { base_policy_id: TfJson.ref(base) } : {}) });
}

function group(tf: TfJson, name: string, policyRef: string, priority: number, collections: Body): string {
  return tf.add("azurerm_firewall_policy_rule_collection_group", name, { name, firewall_policy_id: policyRef, priority, ...collections });
}

function natCollection(...rules: Body[]): Body {
  return { nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: rules }] };
}

/** Network rule collection `name` with one RDP rule from the clients to the app subnet. */
function rdpCollection(name: string, action: "Allow" | "Deny", priority = 100): Body {
  return { name, priority, action, rule: [{ name: "rdp", protocols: ["TCP"], source_addresses: ["10.0.2.0/24"], destination_addresses: ["10.0.1.0/24"], destination_ports: ["3389"] }] };
}

/** Routes the clients' traffic to the app subnet through firewall `fw`. */
function routeClients(tf: TfJson, clients: string, fw: string): void {
  const rt = tf.add("azurerm_route_table", "spokes", {
    name: "spokes", location: "westeurope", resource_group_name: "rg",
    route: [{
      name: "to-app", address_prefix: "10.0.1.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: `\${${fw}.ip_configuration[0].private_ip_address}`,
    }],
  });
  tf.add("azurerm_subnet_route_table_association", "clients_rt", { subnet_id: TfJson.ref(clients), route_table_id: TfJson.ref(rt) });
}

/** The reaches of client 10.0.2.7 to RDP on NIC `vm` (10.0.1.4, added here in `app`), the clients routed through `fw`. */
function clientRdpReaches(tf: TfJson, clients: string, app: string, fw: string): Reach[] {
  routeClients(tf, clients, fw);
  tf.nic("vm", app, "10.0.1.4");
  const reach = Reachability.of(tf.model());
  return reach.reach(endpointOf(reach, "azurerm_network_interface.vm"), RDP).reaches.filter((r) => r.sources.v4.contains(v4("10.0.2.7")));
}

function endpointOf(reach: Reachability, key: string) {
  const ep = reach.access.endpoints.find((e) => e.key.startsWith(key));
  if (!ep) throw new Error(`no endpoint ${key}`);
  return ep;
}

/** The DNAT reaches: rule label, its firewall, outcome, and the doubts. */
function dnatReaches(reaches: readonly Reach[]) {
  return reaches.filter((r) => r.dnat).map((r) => ({
    rule: r.dnat!.label, firewall: r.dnat!.firewall?.resource.address, outcome: r.outcome, doubts: r.doubts,
  }));
}

describe("DNAT to a host without a known static address", () => {
  /** A firewall with a policy publishing `targets`; the app subnet holds `nics` (name, static address or dynamic). */
  function site(targets: string[], nics: [string, string | undefined][]) {
    const { tf, fwSubnet, app } = network();
    const p = policy(tf, "p");
    firewall(tf, "hub", fwSubnet, p);
    group(tf, "rules", TfJson.ref(p), 100, natCollection(...targets.map((t, i) => dnat(`to-${i}`, t))));
    for (const [name, ip] of nics) tf.nic(name, app, ip);
    return Reachability.of(tf.model());
  }

  test("a dynamic address: a DNAT rule to an address of the subnet may publish it (uncertain, saying why), one outside does not", () => {
    const reach = site(["10.0.1.20", "10.0.3.4"], [["vm", undefined]]);
    const ep = endpointOf(reach, "azurerm_network_interface.vm");
    expect(ep.destination.kind).toBe("range");
    expect(dnatReaches(reach.reach(ep, RDP).reaches)).toEqual([{
      rule: "publish/to-0", firewall: "azurerm_firewall.hub", outcome: "uncertain",
      doubts: ["the host's private address is dynamic, assigned by Azure from the subnet's range: it may be 10.0.1.20"],
    }]);
    expect(reach.mayReachOn(ep, RDP, reach.access.internetSources(ep.subnet?.vnet, ep.subnet))).toBe(true);
  });

  test("an address another host of the subnet holds statically is never a dynamic host's: only that host is published, definitely", () => {
    const reach = site(["10.0.1.4"], [["vm", undefined], ["fixed", "10.0.1.4"]]);
    expect(dnatReaches(reach.reach(endpointOf(reach, "azurerm_network_interface.vm"), RDP).reaches)).toEqual([]);
    expect(dnatReaches(reach.reach(endpointOf(reach, "azurerm_network_interface.fixed"), RDP).reaches)).toEqual([
      { rule: "publish/to-0", firewall: "azurerm_firewall.hub", outcome: "allow", doubts: [] },
    ]);
  });

  test("a known static host keeps the exact match: a DNAT rule to its neighbour does not publish it", () => {
    const reach = site(["10.0.1.5"], [["fixed", "10.0.1.4"]]);
    expect(dnatReaches(reach.reach(endpointOf(reach, "azurerm_network_interface.fixed"), RDP).reaches)).toEqual([]);
  });

  test("a subnet with no host here: a DNAT rule to one of its addresses publishes whichever host holds it", () => {
    const reach = site(["10.0.1.4"], []);
    const ep = endpointOf(reach, "azurerm_subnet.app");
    expect(dnatReaches(reach.reach(ep, RDP).reaches)).toEqual([{
      rule: "publish/to-0", firewall: "azurerm_firewall.hub", outcome: "uncertain",
      doubts: ["10.0.1.4 is an address of the subnet: the DNAT rule publishes whichever host holds it"],
    }]);
  });

  test("a host whose address is not known: any DNAT rule to an address of its subnet may publish it", () => {
    const { tf, fwSubnet, app } = network();
    tf.json.variable = { ip: { type: "string" } };
    const p = policy(tf, "p");
    firewall(tf, "hub", fwSubnet, p);
    group(tf, "rules", TfJson.ref(p), 100, natCollection(dnat("in", "10.0.1.9"), dnat("out", "10.0.7.9")));
    tf.nic("vm", app, "${var.ip}");
    const reach = Reachability.of(tf.model());
    const ep = endpointOf(reach, "azurerm_network_interface.vm");
    expect(ep.destination.kind).toBe("unknown");
    const got = dnatReaches(reach.reach(ep, RDP).reaches);
    expect(got.map((d) => [d.rule, d.outcome])).toEqual([["publish/in", "uncertain"]]);
    expect(got[0].doubts).toHaveLength(1);
    expect(got[0].doubts[0]).toMatch(/^the host's address is not known \(.*\): it may be 10\.0\.1\.9$/);
  });

  test("a DNAT rule whose translated address is not known may publish a static host: uncertain, naming the field", () => {
    const { tf, fwSubnet, app } = network();
    tf.json.variable = { target: { type: "string" } };
    const p = policy(tf, "p");
    firewall(tf, "hub", fwSubnet, p);
    group(tf, "rules", TfJson.ref(p), 100, natCollection(dnat("var", "${var.target}")));
    tf.nic("fixed", app, "10.0.1.4");
    const reach = Reachability.of(tf.model());
    const got = dnatReaches(reach.reach(endpointOf(reach, "azurerm_network_interface.fixed"), RDP).reaches);
    expect(got.map((d) => [d.rule, d.outcome])).toEqual([["publish/var", "uncertain"]]);
    expect(got[0].doubts).toHaveLength(1);
    expect(got[0].doubts[0]).toMatch(/^translated_address: /);
  });
});

describe("base policies: inherited rules come first", () => {
  /** Parent policy's group at `parentPriority` allows the clients' RDP; the child's group at 100 denies it. */
  function site(parentPriority: number) {
    const { tf, fwSubnet, app, clients } = network();
    const parent = policy(tf, "parent");
    const child = policy(tf, "child", parent);
    const fw = firewall(tf, "hub", fwSubnet, child);
    group(tf, "parent_rules", TfJson.ref(parent), parentPriority, { network_rule_collection: [rdpCollection("parent-allow", "Allow")] });
    group(tf, "child_rules", TfJson.ref(child), 100, { network_rule_collection: [rdpCollection("child-deny", "Deny")] });
    return clientRdpReaches(tf, clients, app, fw);
  }

  test.each([200, 20000])("a parent group at priority %d is processed before the child's group at 100: the parent's allow decides", (prio) => {
    const client = site(prio);
    expect(client.map((r) => [r.outcome, r.firewall?.rule?.label, r.firewall?.rule?.resource.address])).toEqual([["allow", "parent-allow/rdp", "azurerm_firewall_policy_rule_collection_group.parent_rules"]]);
  });

  test("a DNAT rule of the base policy is the firewall's: it publishes the host definitely, through that firewall", () => {
    const { tf, fwSubnet, app } = network();
    const parent = policy(tf, "parent");
    firewall(tf, "hub", fwSubnet, policy(tf, "child", parent));
    group(tf, "parent_rules", TfJson.ref(parent), 100, natCollection(dnat("rdp", "10.0.1.4")));
    tf.nic("vm", app, "10.0.1.4");
    const reach = Reachability.of(tf.model());
    expect(dnatReaches(reach.reach(endpointOf(reach, "azurerm_network_interface.vm"), RDP).reaches)).toEqual([
      { rule: "publish/rdp", firewall: "azurerm_firewall.hub", outcome: "allow", doubts: [] },
    ]);
  });

  test("a base policy shared by two firewalls: each firewall publishes the host through its DNAT rule", () => {
    const { tf, fwSubnet, app } = network([rule("allow-edge", 200, "Allow", "Tcp", "3389", "10.1.100.0/26")]);
    const other = tf.add("azurerm_virtual_network", "other", { name: "other", location: "westeurope", resource_group_name: "rg", address_space: ["10.1.0.0/16"] });
    const otherFwSubnet = tf.subnet("AzureFirewallSubnet2", other, ["10.1.100.0/26"], { name: "AzureFirewallSubnet" });
    const parent = policy(tf, "parent");
    firewall(tf, "hub", fwSubnet, policy(tf, "child_a", parent));
    firewall(tf, "edge", otherFwSubnet, policy(tf, "child_b", parent));
    group(tf, "parent_rules", TfJson.ref(parent), 100, natCollection(dnat("rdp", "10.0.1.4")));
    tf.nic("vm", app, "10.0.1.4");
    const reach = Reachability.of(tf.model());
    const got = reach.reach(endpointOf(reach, "azurerm_network_interface.vm"), RDP).reaches.filter((r) => r.dnat);
    // The app NSG admits both firewalls' subnets, where each one's DNAT traffic comes from.
    expect(got.map((r) => [r.dnat!.label, r.dnat!.firewall?.resource.address, r.outcome, r.grant.layers[0].rule?.name])).toEqual([
      ["publish/rdp", "azurerm_firewall.hub", "allow", "allow-rdp"], ["publish/rdp", "azurerm_firewall.edge", "allow", "allow-edge"],
    ]);
    const fws = reach.firewalls.firewalls.map((f) => [f.resource.address, f.rules.filter((r) => r.kind === "dnat").map((r) => r.firewall?.resource.address)]);
    expect(fws).toEqual([["azurerm_firewall.hub", ["azurerm_firewall.hub"]], ["azurerm_firewall.edge", ["azurerm_firewall.edge"]]]);
  });
});

describe("rule collections that cannot be placed make their firewalls' rules unknown", () => {
  test("a classic collection whose firewall name is not known: evaluation through a firewall without a policy is uncertain, naming it", () => {
    const { tf, fwSubnet, app, clients } = network();
    tf.json.variable = { fw_name: { type: "string" } };
    const fw = firewall(tf, "hub", fwSubnet);
    tf.add("azurerm_firewall_network_rule_collection", "lost", { ...rdpCollection("lost", "Allow"), azure_firewall_name: "${var.fw_name}", resource_group_name: "rg" });
    const client = clientRdpReaches(tf, clients, app, fw);
    expect(client.map((r) => [r.outcome, r.firewall?.firewall.resource.address, r.firewall?.rule])).toEqual([["uncertain", "azurerm_firewall.hub", undefined]]);
    expect(client[0].doubts.filter((d) => d.startsWith("the rules of azurerm_firewall_network_rule_collection.lost azure_firewall_name: "))).toHaveLength(1);
  });

  test("a classic collection naming a firewall that is not here leaves a firewall with a known other name alone: it denies", () => {
    const { tf, fwSubnet, app, clients } = network();
    const fw = firewall(tf, "hub", fwSubnet);
    tf.add("azurerm_firewall_network_rule_collection", "elsewhere", { ...rdpCollection("elsewhere", "Allow"), azure_firewall_name: "some-other-fw", resource_group_name: "rg" });
    const client = clientRdpReaches(tf, clients, app, fw);
    expect(client).toEqual([]);
  });

  test("a rule collection group whose policy is not known: evaluation through a firewall with a policy is uncertain, naming it", () => {
    const { tf, fwSubnet, app, clients } = network();
    tf.json.variable = { policy_id: { type: "string" } };
    const fw = firewall(tf, "hub", fwSubnet, policy(tf, "p"));
    group(tf, "lost", "${var.policy_id}", 100, { network_rule_collection: [rdpCollection("lost", "Allow")] });
    const client = clientRdpReaches(tf, clients, app, fw);
    expect(client.map((r) => [r.outcome, r.firewall?.rule])).toEqual([["uncertain", undefined]]);
    expect(client[0].doubts.filter((d) => d.startsWith("the rules of azurerm_firewall_policy_rule_collection_group.lost firewall_policy_id: "))).toHaveLength(1);
  });

  test.each([
    ["names a policy elsewhere (a name no policy here has): the local firewall decides alone", "/subscriptions/0/resourceGroups/hub/providers/Microsoft.Network/firewallPolicies/central", false],
    ["names a policy by this configuration's policy name: it may be this one", "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/p", true],
  ])("a rule collection group whose literal policy ID %s", (_what, id, doubted) => {
    const { tf, fwSubnet, app, clients } = network();
    const fw = firewall(tf, "hub", fwSubnet, policy(tf, "p"));
    group(tf, "remote", id, 100, { network_rule_collection: [rdpCollection("remote", "Allow")] });
    const client = clientRdpReaches(tf, clients, app, fw);
    // Policy p has no rules: the firewall denies the clients, unless the remote group may be p's.
    expect(client.map((r) => r.outcome)).toEqual(doubted ? ["uncertain"] : []);
  });
});

describe("routed sources are the endpoint's own, whichever endpoint asked first", () => {
  /**
   * VNet `net` (10.0.0.0/16): `app` and `clients` share a route table that sends 10.0.1.0/24 through
   * the firewall, which allows nothing. VNet `other` reuses 10.0.0.0/16 (not peered) with a host at
   * the same address as `vm` (10.0.1.4). Traffic inside `app` is not routed, so `app`'s own
   * neighbours reach `vm` through its NSG alone; `other`'s host is asked about first.
   */
  function overlapping() {
    const { tf, fwSubnet, app, clients } = network();
    const fw = firewall(tf, "hub", fwSubnet);
    const rt = tf.add("azurerm_route_table", "spokes", {
      name: "spokes", location: "westeurope", resource_group_name: "rg",
      route: [{ name: "to-app", address_prefix: "10.0.1.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: `\${${fw}.ip_configuration[0].private_ip_address}` }],
    });
    for (const [name, subnet] of [["app_rt", app], ["clients_rt", clients]]) tf.add("azurerm_subnet_route_table_association", name, { subnet_id: TfJson.ref(subnet), route_table_id: TfJson.ref(rt) });
    tf.nic("vm", app, "10.0.1.4");
    const other = tf.subnet("other_app", tf.vnet("other", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
    tf.associate(other, tf.nsg("other_nsg", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "*")]));
    tf.nic("twin", other, "10.0.1.4");
    return tf;
  }

  const neighbour = (reach: Reachability) => reach.reach(endpointOf(reach, "azurerm_network_interface.vm"), RDP).reaches
    .filter((r) => r.sources.v4.contains(v4("10.0.1.9")))
    .map((r) => ({ outcome: r.outcome, firewall: r.firewall?.firewall.resource.address }));

  test("a neighbour in the subnet reaches the host through its NSG, not through the firewall, even after the twin's answer", () => {
    const alone = neighbour(Reachability.of(overlapping().model()));
    expect(alone).toEqual([{ outcome: "allow", firewall: undefined }]);
    const reach = Reachability.of(overlapping().model());
    reach.reach(endpointOf(reach, "azurerm_network_interface.twin"), RDP);
    expect(neighbour(reach)).toEqual(alone);
  });
});
