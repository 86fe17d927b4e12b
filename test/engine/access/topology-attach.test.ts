/**
 * How the topology attaches NSG rules, subnets, peerings and routes written by name or literal ID:
 * names of VNets, NSGs and route tables are unique per resource group only, and an NSG cannot hold
 * inline rules and standalone rules at once. Raw, untagged azurerm JSON.
 */
import { AccessAnswer, AccessModel } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { Topology } from "../../../src/engine/access/topology";
import { check, flagged, unverifiedAt } from "../../support/rule-harness";
import { Body, rule, TfJson } from "../../support/tf-json";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const subnetId = (rg: string, vnet = "net", subnet = "servers") => `${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

/** The grant and denial covering one source address and port. */
function at(a: AccessAnswer, ip: string, port: number) {
  const hit = <T extends { sources: { v4: { contains(n: number): boolean } }; ports: { contains(n: number): boolean } }>(list: readonly T[]) =>
    list.find((x) => x.sources.v4.contains(v4(ip)) && x.ports.contains(port));
  return { grant: hit(a.grants), denial: hit(a.denials) };
}

/** VNet `net` (rg), subnet `servers`, NIC 10.0.1.4 with a public IP, NSG `servers_nsg` with `inline` rules (security_rule left out when undefined). */
function site(inline: Body[] | undefined, extend: (tf: TfJson, nsg: string, subnet: string) => void) {
  const tf = new TfJson();
  const vnet = tf.vnet("net");
  const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const nsg = tf.add("azurerm_network_security_group", "servers_nsg", {
    name: "servers-nsg", location: "westeurope", resource_group_name: "rg", ...(inline !== undefined ? { security_rule: inline } : {}),
  });
  const pip = tf.add("azurerm_public_ip", "pip", { name: "pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
  tf.nic("app_nic", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
  extend(tf, nsg, subnet);
  return tf;
}

function rdpFromInternet(tf: TfJson): AccessAnswer {
  const access = AccessModel.of(tf.model());
  const ep = access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.app_nic"))!;
  return access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 });
}

const ALLOW_RDP = rule("allow-rdp", 200, "Allow", "Tcp", "3389", "*");
const DENY_RDP = rule("deny-rdp", 100, "Deny", "Tcp", "3389", "*");

describe("a literal subnet_id is matched by resource group, VNet and subnet name", () => {
  const withAssociation = (id: string, vnetRg: unknown = "rg") => {
    const tf = site([rule("deny-all", 4096, "Deny", "*", "*", "*")], (t, nsg) => {
      t.add("azurerm_subnet_network_security_group_association", "assoc", { subnet_id: id, network_security_group_id: TfJson.ref(nsg) });
    });
    (tf.json.resource.azurerm_virtual_network.net as Body).resource_group_name = vnetRg;
    return tf;
  };

  test("an ID in another resource group is another subnet: this one has no NSG, and nothing doubts that", () => {
    const r = check(withAssociation(subnetId("rg-other")), ["SDZ-NET-002"]);
    expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.servers"]);
    expect(unverifiedAt(r, "SDZ-NET-002")).toEqual([]);
  });

  test("the same resource group, spelt in another case, is this subnet: its NSG applies", () => {
    const tf = withAssociation(subnetId("RG"));
    expect(check(tf, ["SDZ-NET-002"]).findings.filter((f) => f.ruleId === "SDZ-NET-002")).toEqual([]);
    const { grant, denial } = at(rdpFromInternet(tf), "8.8.8.8", 3389);
    expect(grant).toBeUndefined();
    expect(denial?.layers[0].rule?.name).toBe("deny-all");
  });

  test("a VNet whose resource group is not known may or may not be the one: could not verify, never a match", () => {
    const tf = withAssociation(subnetId("rg"), "${var.network_rg}");
    const r = check(tf, ["SDZ-NET-002"]);
    expect(flagged(r, "SDZ-NET-002")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.servers"]);
    const topo = Topology.of(tf.model());
    expect(topo.subnetFromId(subnetId("rg")).unknown).toContain("resource_group_name is not known");
    expect(topo.subnetFromId(subnetId("rg")).subnet).toBeUndefined();
  });

  test("two VNets of one name in two resource groups: the ID picks the one of its group", () => {
    const tf = new TfJson();
    for (const rg of ["rg-a", "rg-b"]) {
      tf.add("azurerm_virtual_network", `net_${rg}`, { name: "net", location: "westeurope", resource_group_name: rg, address_space: [rg === "rg-a" ? "10.1.0.0/16" : "10.2.0.0/16"] });
      tf.add("azurerm_subnet", `app_${rg}`, { name: "app", resource_group_name: rg, virtual_network_name: "net", address_prefixes: [rg === "rg-a" ? "10.1.1.0/24" : "10.2.1.0/24"] });
    }
    const topo = Topology.of(tf.model());
    expect(topo.subnetFromId(subnetId("rg-b", "net", "app")).subnet?.key).toBe("azurerm_subnet.app_rg-b");
    expect(topo.subnetFromId(subnetId("rg-a", "net", "app")).subnet?.key).toBe("azurerm_subnet.app_rg-a");
    // A standalone subnet naming its VNet joins the VNet of its own resource group.
    expect(topo.subnets.map((s) => [s.key, s.vnet?.resource.address])).toEqual([
      ["azurerm_subnet.app_rg-a", "azurerm_virtual_network.net_rg-a"],
      ["azurerm_subnet.app_rg-b", "azurerm_virtual_network.net_rg-b"],
    ]);
  });

  test("a VNet whose id the configuration holds (a plan of an existing VNet): an ID of another subscription is another subnet", () => {
    const ownId = `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/net`;
    const other = subnetId("rg").replace("00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111");
    const withId = (id: string) => {
      const tf = withAssociation(id);
      (tf.json.resource.azurerm_virtual_network.net as Body).id = ownId;
      return tf;
    };
    const r = check(withId(other), ["SDZ-NET-002"]);
    expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.servers"]);
    expect(Topology.of(withId(other).model()).subnetFromId(other)).toMatchObject({ external: true });
    // The same subscription, group and name: this subnet, its NSG applies.
    expect(check(withId(subnetId("rg")), ["SDZ-NET-002"]).findings.filter((f) => f.ruleId === "SDZ-NET-002")).toEqual([]);
  });

  test("a subnet naming a VNet whose resource group is not known joins no VNet (its VirtualNetwork tag is incomplete)", () => {
    const tf = new TfJson();
    tf.add("azurerm_virtual_network", "net", { name: "net", location: "westeurope", resource_group_name: "${var.rg}", address_space: ["10.1.0.0/16"] });
    tf.add("azurerm_subnet", "app", { name: "app", resource_group_name: "rg", virtual_network_name: "net", address_prefixes: ["10.1.1.0/24"] });
    tf.add("azurerm_subnet", "same_var", { name: "db", resource_group_name: "${var.rg}", virtual_network_name: "net", address_prefixes: ["10.1.2.0/24"] });
    const topo = Topology.of(tf.model());
    expect(topo.subnets.map((s) => [s.key, s.vnet?.resource.address])).toEqual([
      ["azurerm_subnet.app", undefined],
      // Written with the same variable as the VNet's: the same group, whatever it is.
      ["azurerm_subnet.same_var", "azurerm_virtual_network.net"],
    ]);
  });
});

describe("a standalone rule naming its NSG joins it only in the NSG's resource group", () => {
  const withRule = (rg: string) => site(undefined, (t, nsg) => {
    t.add("azurerm_network_security_rule", "deny_rdp", { ...DENY_RDP, network_security_group_name: "servers-nsg", resource_group_name: rg });
    t.nsgRule("allow_rdp", nsg, ALLOW_RDP);
    t.associate("azurerm_subnet.servers", nsg);
  });

  test("a resource group that is not known makes the deny a doubt: the allow behind it may decide", () => {
    const { grant } = at(rdpFromInternet(withRule("${var.rule_rg}")), "8.8.8.8", 3389);
    expect(grant?.outcome).toBe("uncertain");
    expect(grant?.layers[0].rule?.name).toBe("allow-rdp");
    expect(grant?.layers[0].doubt?.name).toBe("deny-rdp");
    expect(grant?.layers[0].doubtReasons).toEqual([
      'network_security_group_name: resource_group_name is not known (the variable rule_rg is only known at plan time), and NSG names are unique per resource group only: the rule may belong to another NSG named "servers-nsg"',
    ]);
    const r = check(withRule("${var.rule_rg}"), ["SDZ-NET-001"]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_network_security_rule.allow_rdp"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
  });

  test("the NSG's resource group: the deny decides", () => {
    const { grant, denial } = at(rdpFromInternet(withRule("RG")), "8.8.8.8", 3389);
    expect(grant).toBeUndefined();
    expect(denial?.layers[0].rule?.name).toBe("deny-rdp");
  });

  test("another resource group: the deny belongs to another NSG and the allow is definite", () => {
    const tf = withRule("rg-other");
    const { grant } = at(rdpFromInternet(tf), "8.8.8.8", 3389);
    expect(grant?.outcome).toBe("allow");
    expect(grant?.layers[0].rule?.name).toBe("allow-rdp");
    expect(Topology.of(tf.model()).orphanRules.map((r) => r.resource.address)).toEqual(["azurerm_network_security_rule.deny_rdp"]);
  });
});

describe("an NSG with inline rules and standalone rules: the provider overwrites one set with the other", () => {
  const mixed = (inline: Body[] | undefined, standalone: Record<string, Body>) => site(inline, (t, nsg) => {
    for (const [name, body] of Object.entries(standalone)) t.nsgRule(name, nsg, body);
    t.associate("azurerm_subnet.servers", nsg);
  });

  test("a standalone deny beside an inline allow may be missing after an apply: the allow may decide", () => {
    const tf = mixed([ALLOW_RDP], { deny_rdp: DENY_RDP });
    const { grant } = at(rdpFromInternet(tf), "8.8.8.8", 3389);
    expect(grant?.outcome).toBe("uncertain");
    expect(grant?.layers[0].rule?.name).toBe("allow-rdp");
    expect(grant?.layers[0].doubt?.name).toBe("deny-rdp");
    expect(grant?.layers[0].doubtReasons?.[0]).toMatch(/^network_security_group_name: NSG servers-nsg also sets its rules inline \(security_rule\)/);
    const r = check(tf, ["SDZ-NET-001"]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_network_security_group.servers_nsg"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
  });

  test("security_rule left out: the standalone rules are the NSG's rules, and the deny decides", () => {
    const { grant, denial } = at(rdpFromInternet(mixed(undefined, { deny_rdp: DENY_RDP, allow_rdp: ALLOW_RDP })), "8.8.8.8", 3389);
    expect(grant).toBeUndefined();
    expect(denial?.layers[0].rule?.name).toBe("deny-rdp");
  });

  test("security_rule = [] written out manages an empty rule set: every standalone rule may be removed", () => {
    const { grant } = at(rdpFromInternet(mixed([], { deny_rdp: DENY_RDP, allow_rdp: ALLOW_RDP })), "8.8.8.8", 3389);
    // Both may be gone: Azure's DenyAllInBound decides unless the allow is there (and the deny is not).
    expect(grant?.outcome).toBe("uncertain");
    expect(grant?.layers[0].rule?.name).toBe("DenyAllInBound");
    expect(grant?.layers[0].doubt?.name).toBe("allow-rdp");
    expect(grant?.layers[0].doubtReasons).toEqual([
      "network_security_group_name: NSG servers-nsg writes security_rule = [] itself, so each update of it removes its standalone rules (azurerm: inline rules cannot be used with azurerm_network_security_rule): this rule may be missing after an apply",
    ]);
  });

  test("an inline rule identical to the standalone rule of its name is that rule (a refreshed plan lists it): no conflict", () => {
    const { grant, denial } = at(rdpFromInternet(mixed([DENY_RDP, ALLOW_RDP], { deny_rdp: DENY_RDP, allow_rdp: ALLOW_RDP })), "8.8.8.8", 3389);
    expect(grant).toBeUndefined();
    expect(denial?.layers[0].rule?.name).toBe("deny-rdp");
    expect(denial?.layers[0].doubt).toBeUndefined();
  });

  test("an inline rule whose name a different standalone rule claims may be overwritten", () => {
    const narrow = rule("deny-rdp", 100, "Deny", "Tcp", "3389", "10.0.0.0/8");
    const tf = mixed([DENY_RDP, ALLOW_RDP], { deny_rdp: narrow });
    const { grant } = at(rdpFromInternet(tf), "8.8.8.8", 3389);
    expect(grant?.outcome).toBe("uncertain");
    expect(grant?.layers[0].rule?.name).toBe("allow-rdp");
    expect(grant?.layers[0].doubt?.inline).toBe(true);
    expect(grant?.layers[0].doubtReasons).toEqual([
      "network_security_group_name: azurerm_network_security_rule.deny_rdp writes a different rule of the same name into NSG servers-nsg (azurerm: inline rules cannot be used with azurerm_network_security_rule): this rule may be overwritten",
    ]);
  });
});

describe("peerings and routes naming their VNet or route table", () => {
  test("a peering joins the VNet of its resource group; one whose group is not known leaves the VNet incomplete", () => {
    const tf = new TfJson();
    tf.add("azurerm_virtual_network", "hub_a", { name: "hub", location: "westeurope", resource_group_name: "rg-a", address_space: ["10.1.0.0/16"] });
    tf.add("azurerm_virtual_network", "hub_b", { name: "hub", location: "westeurope", resource_group_name: "rg-b", address_space: ["10.2.0.0/16"] });
    tf.add("azurerm_virtual_network", "spoke", { name: "spoke", location: "westeurope", resource_group_name: "rg-a", address_space: ["10.3.0.0/16"] });
    tf.add("azurerm_virtual_network_peering", "b_to_spoke", { name: "p1", resource_group_name: "rg-b", virtual_network_name: "hub", remote_virtual_network_id: TfJson.ref("azurerm_virtual_network.spoke") });
    tf.add("azurerm_virtual_network_peering", "maybe", { name: "p2", resource_group_name: "${var.rg}", virtual_network_name: "hub", remote_virtual_network_id: TfJson.ref("azurerm_virtual_network.spoke") });
    const topo = Topology.of(tf.model());
    const view = (a: string) => {
      const v = topo.vnets.find((x) => x.resource.address === a)!;
      return { peers: v.peers.map((p) => p.resource.address), external: v.externalPeerings.map((p) => p.address) };
    };
    expect(view("azurerm_virtual_network.hub_a")).toEqual({ peers: [], external: ["azurerm_virtual_network_peering.maybe"] });
    expect(view("azurerm_virtual_network.hub_b")).toEqual({ peers: ["azurerm_virtual_network.spoke"], external: ["azurerm_virtual_network_peering.maybe"] });
    expect(view("azurerm_virtual_network.spoke")).toEqual({ peers: ["azurerm_virtual_network.hub_b"], external: [] });
  });

  test("a route joins the table of its resource group; one whose group is not known is a route of unknown prefix there", () => {
    const tf = new TfJson();
    for (const rg of ["rg-a", "rg-b"]) tf.add("azurerm_route_table", `rt_${rg}`, { name: "rt", location: "westeurope", resource_group_name: rg });
    tf.add("azurerm_route", "known", { name: "to-fw", resource_group_name: "rg-b", route_table_name: "rt", address_prefix: "0.0.0.0/0", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.0.4" });
    tf.add("azurerm_route", "maybe", { name: "maybe", resource_group_name: "${var.rg}", route_table_name: "rt", address_prefix: "10.9.0.0/16", next_hop_type: "None" });
    const topo = Topology.of(tf.model());
    const routes = (a: string) => topo.routeTables.find((t) => t.resource.address === a)!.routes.map((r) => [r.name, r.prefix.known ? r.prefix.value.text : `unknown ${r.prefix.field}`]);
    expect(routes("azurerm_route_table.rt_rg-a")).toEqual([["maybe", "unknown route_table_name"]]);
    expect(routes("azurerm_route_table.rt_rg-b")).toEqual([["to-fw", "0.0.0.0/0"], ["maybe", "unknown route_table_name"]]);
  });
});
