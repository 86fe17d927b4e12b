import { createHash } from "crypto";
import { TerraformStack } from "cdktf";
import { ConstructErrors } from "../../src";
import { parseCidr as parseAddress } from "../../src/engine/access/addresses";
import { FirewallIndex } from "../../src/engine/access/firewalls";
import { nextHop } from "../../src/engine/access/routing";
import { Topology } from "../../src/engine/access/topology";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { HubFirewall, HubFirewallTier } from "../../src/hub/hub-firewall";
import { HubGateway, VpnGatewayGeneration, VpnGatewaySku } from "../../src/hub/hub-gateway";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { ALL_RULES } from "../../src/rules";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

function hubNetwork(stack: TerraformStack) {
  return new DeploymentNetwork(stack, "Hub", { name: "hub-vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
}

const CERT = "MIIC5jCCAc6gAwIBAgIQFakeRootCertificateDataForTestsOnlyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

describe("HubGateway", () => {
  test("synthesizes GatewaySubnet without NSG, Standard static public IP and a route-based VpnGw2AZ Generation2 gateway", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    const json = synthJson(stack);
    const subnets = Object.values(json.resource.azurerm_subnet) as any[];
    const gwSubnet = subnets.find((s) => s.name === "GatewaySubnet");
    expect(gwSubnet.address_prefixes).toEqual(["10.0.255.0/27"]);
    expect(json.resource.azurerm_subnet_network_security_group_association).toBeUndefined();
    const pips = Object.values(json.resource.azurerm_public_ip) as any[];
    expect(pips).toHaveLength(1);
    expect(pips[0]).toMatchObject({ sku: "Standard", allocation_method: "Static", zones: ["1", "2", "3"] });
    const gw = Object.values(json.resource.azurerm_virtual_network_gateway)[0] as any;
    expect(gw).toMatchObject({ type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ", generation: "Generation2", active_active: false, enable_bgp: false });
    expect(gw.ip_configuration).toHaveLength(1);
    expect(gw.vpn_client_configuration).toBeUndefined();
  });

  test("active-active creates two public IPs and two IP configurations", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", activeActive: true, sku: VpnGatewaySku.VPN_GW3, generation: VpnGatewayGeneration.GENERATION_1 });
    const json = synthJson(stack);
    const gw = Object.values(json.resource.azurerm_virtual_network_gateway)[0] as any;
    expect(gw).toMatchObject({ active_active: true, sku: "VpnGw3", generation: "Generation1" });
    expect(gw.ip_configuration).toHaveLength(2);
    const pips = Object.values(json.resource.azurerm_public_ip) as any[];
    expect(pips).toHaveLength(2);
    expect(pips[0].zones).toBeUndefined();
  });

  test("one GatewaySubnet per network", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    let thrown: any;
    try {
      new HubGateway(stack, "Gw2", { network, gatewayName: "gw2", gatewaySubnetPrefix: "10.0.254.0/27" });
    } catch (e) {
      thrown = e;
    }
    // p11: the error names the network (the prop that was given twice), not an internal "zoneName".
    expect(thrown.message).toBe("test/Gw2: Invalid network: \"hub-vnet\". Allowed: a network without a VPN gateway: network hub-vnet already has its GatewaySubnet "
      + "(a virtual network has one VPN gateway) [SDZ-PROP-DUPLICATE]");
    expect(thrown.prop).toBe("network");
  });

  test("a refused gateway claims nothing; a second gateway of the default name is told the network has one", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    expect(() => new HubGateway(stack, "Bad", { network, gatewaySubnetPrefix: "10.9.255.0/27" })).toThrow(/^test\/Bad: Invalid gatewaySubnetPrefix/);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    expect(() => new HubGateway(stack, "Gw2", { network, gatewaySubnetPrefix: "10.0.254.0/27" }))
      .toThrow(/^test\/Gw2: Invalid network: "hub-vnet"\. Allowed: a network without a VPN gateway/);
    expect(() => new HubFirewall(stack, "BadFw", { network, firewallSubnetPrefix: "10.9.254.0/26" })).toThrow(/^test\/BadFw: Invalid firewallSubnetPrefix/);
    new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.253.0/26" });
    expect(() => new HubFirewall(stack, "Fw2", { network, firewallSubnetPrefix: "10.0.252.0/26" }))
      .toThrow(/^test\/Fw2: Invalid network: "hub-vnet"\. Allowed: a network without a hub firewall/);
  });

  test("the GatewaySubnet is registered: a zone cannot overlap it", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    expect(network.zones.map((z) => z.zoneName)).toContain("GatewaySubnet");
    expect(() => new DeploymentZone(stack, "Z", { network, zoneName: "clash", addressPrefix: "10.0.255.0/24", trustLevel: TrustLevel.INTERNAL }))
      .toThrow(/Invalid addressPrefix: "10.0.255.0\/24".*GatewaySubnet/);
  });

  test("point-to-site uses IKEv2/OpenVPN with certificates, or OpenVPN with Entra ID", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", pointToSite: { addressSpace: ["172.16.200.0/24"], rootCertificates: [{ name: "corp-root", publicCertData: CERT }] } });
    const network2 = new DeploymentNetwork(stack, "Hub2", { name: "hub2-vnet", location: "westeurope", addressSpace: ["10.1.0.0/16"] });
    new HubGateway(stack, "Gw2", {
      network: network2, gatewayName: "gw2", gatewaySubnetPrefix: "10.1.255.0/27",
      pointToSite: { addressSpace: ["172.16.201.0/24"], entraId: { tenantId: "11111111-2222-3333-4444-555555555555" } },
    });
    const all = Object.values(synthJson(stack).resource.azurerm_virtual_network_gateway) as any[];
    const gws = [all.find((g) => g.name === "hub-vpngw"), all.find((g) => g.name === "gw2")];
    expect(gws[0].vpn_client_configuration).toMatchObject({ vpn_client_protocols: ["IkeV2", "OpenVPN"], vpn_auth_types: ["Certificate"], address_space: ["172.16.200.0/24"] });
    expect(gws[0].vpn_client_configuration.root_certificate[0].name).toBe("corp-root");
    expect(gws[1].vpn_client_configuration).toMatchObject({
      vpn_client_protocols: ["OpenVPN"], vpn_auth_types: ["AAD"],
      aad_tenant: "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/",
    });
  });

  test.each([
    [{ gatewaySubnetPrefix: "10.0.255.0/28" }, /Invalid gatewaySubnetPrefix: "10.0.255.0\/28"/],
    [{ gatewaySubnetPrefix: "10.9.0.0/27" }, /Invalid gatewaySubnetPrefix: "10.9.0.0\/27"\. Allowed: a prefix inside the network address space 10\.0\.0\.0\/16/],
    [{ sku: "VpnGw1" }, /Invalid sku: "VpnGw1". Allowed: VpnGw2 or better/],
    [{ sku: "VpnGw4", generation: VpnGatewayGeneration.GENERATION_1 }, /Invalid generation: "Generation1"/],
    [{ gatewayName: "bad name!" }, /Invalid gatewayName: "bad name!"/],
    [{ pointToSite: { addressSpace: ["10.0.5.0/24"], rootCertificates: [{ name: "r", publicCertData: CERT }] } }, /Invalid pointToSite.addressSpace\[0\]: "10.0.5.0\/24"/],
    [{ pointToSite: { addressSpace: ["172.16.0.0/24"] } }, /Invalid pointToSite: "no authentication".*RADIUS-only is not offered/],
    [{ pointToSite: { addressSpace: ["172.16.0.0/24"], entraId: { tenantId: "nope" } } }, /Invalid pointToSite.entraId.tenantId: "nope"/],
    [{ pointToSite: { addressSpace: ["172.16.0.0/24"], rootCertificates: [{ name: "r", publicCertData: CERT }], policy: "strong" } }, /Invalid pointToSite.policy: "strong". Allowed: an IpsecPolicyPreset/],
  ])("refuses bad input %#", (extra, message) => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    expect(() => new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", ...(extra as any) })).toThrow(message);
  });
});

describe("HubFirewall", () => {
  test("synthesizes AzureFirewallSubnet, a static public IP, a Deny threat-intelligence policy and the firewall using it", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    const fw = new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26", tier: HubFirewallTier.PREMIUM });
    const json = synthJson(stack);
    const subnet = (Object.values(json.resource.azurerm_subnet) as any[]).find((s) => s.name === "AzureFirewallSubnet");
    expect(subnet.address_prefixes).toEqual(["10.0.254.0/26"]);
    const policy = Object.values(json.resource.azurerm_firewall_policy)[0] as any;
    expect(policy).toMatchObject({ threat_intelligence_mode: "Deny", sku: "Premium", name: "hub-fw-policy" });
    const firewall = Object.values(json.resource.azurerm_firewall)[0] as any;
    expect(firewall).toMatchObject({ sku_name: "AZFW_VNet", sku_tier: "Premium" });
    expect(firewall.firewall_policy_id).toMatch(/^\$\{azurerm_firewall_policy\..+\.id\}$/);
    expect(firewall.ip_configuration[0].public_ip_address_id).toMatch(/azurerm_public_ip/);
    expect(fw.policy).toBeDefined();
    expect(network.zones.map((z) => z.zoneName)).toContain("AzureFirewallSubnet");
  });

  test.each([
    [{ firewallSubnetPrefix: "10.0.254.0/27" }, /Invalid firewallSubnetPrefix: "10.0.254.0\/27"/],
    [{ tier: "Basic" }, /Invalid tier: "Basic"/],
    [{ availabilityZones: ["4"] }, /Invalid availabilityZones\[0\]: "4"/],
    [{ firewallName: "-x" }, /Invalid firewallName: "-x"/],
    [{ firewallSubnetPrefix: "10.1.254.0/26" }, /^test\/Fw: Invalid firewallSubnetPrefix: "10.1.254.0\/26"\. Allowed: a prefix inside the network address space 10\.0\.0\.0\/16/],
    [{ firewallSubnetPrefix: "10.0.1.0/26" }, /^test\/Fw: Invalid firewallSubnetPrefix: "10.0.1.0\/26"\. Allowed: a prefix that does not overlap zone servers \(10\.0\.1\.0\/24\)/],
  ])("refuses bad input %#", (extra, message) => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new DeploymentZone(stack, "Servers", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
    expect(() => new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26", ...(extra as any) })).toThrow(message);
  });

  test("a second firewall in one network names the network (p11)", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26" });
    expect(() => new HubFirewall(stack, "Fw2", { network, firewallName: "fw2", firewallSubnetPrefix: "10.0.253.0/26" }))
      .toThrow(/^test\/Fw2: Invalid network: "hub-vnet"\. Allowed: a network without a hub firewall: network hub-vnet already has its AzureFirewallSubnet/);
  });
});

describe("HubFirewall.routeThrough (R-KMS-8)", () => {
  /** A hub with a gateway, a firewall and two INTERNAL zones, activation (10.0.5.0/24) and servers (10.0.1.0/24). */
  function hub() {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    const gateway = new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    const fw = new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26" });
    const zone = (name: string, prefix: string) =>
      new DeploymentZone(stack, name, { network, zoneName: name, addressPrefix: prefix, trustLevel: TrustLevel.INTERNAL });
    return { stack, gateway, fw, zone, activation: zone("activation", "10.0.5.0/24"), servers: zone("servers", "10.0.1.0/24") };
  }

  function site(extraZone = false) {
    const { stack, gateway, fw, zone, activation, servers } = hub();
    const mgmt = zone("management", "10.0.9.0/24");
    const clients = [Peer.ipv4List(["192.168.10.0/24", "192.168.11.0/24"]), Peer.zone(servers), Peer.zone(mgmt)];
    if (extraZone) clients.push(Peer.zone(zone("labs", "10.0.7.0/24")));
    fw.routeThrough({ zone: activation, clients, gateway });
    return { stack, fw, json: synthJson(stack) };
  }

  test("routes each client zone's, GatewaySubnet's and the zone's traffic to the other side through the firewall's private IP, both ways", () => {
    const { json, fw } = site();
    const tables = Object.entries<any>(json.resource.azurerm_route_table);
    const tableName = (key: string) => tables.find(([k]) => key.includes(`azurerm_route_table.${k}.`))?.[1].name;
    const routes = Object.values<any>(json.resource.azurerm_route)
      .map((r) => [tableName(r.route_table_name), r.address_prefix, r.next_hop_type, r.next_hop_in_ip_address]);
    const [fwKey] = Object.keys(json.resource.azurerm_firewall);
    const hop = `\${azurerm_firewall.${fwKey}.ip_configuration[0].private_ip_address}`;
    expect(routes.sort()).toEqual([
      ["GatewaySubnet-rt", "10.0.5.0/24", "VirtualAppliance", hop],
      ["activation-rt", "10.0.1.0/24", "VirtualAppliance", hop],
      ["activation-rt", "10.0.9.0/24", "VirtualAppliance", hop],
      ["activation-rt", "192.168.10.0/24", "VirtualAppliance", hop],
      ["activation-rt", "192.168.11.0/24", "VirtualAppliance", hop],
      ["management-rt", "10.0.5.0/24", "VirtualAppliance", hop],
      ["servers-rt", "10.0.5.0/24", "VirtualAppliance", hop],
    ].sort());
    // GatewaySubnet keeps gateway route propagation (Azure requires it there).
    for (const [, t] of tables) expect([t.name, t.bgp_route_propagation_enabled]).toEqual([t.name, true]);
    // One table per subnet, associated with it.
    const subnetKey = (name: string) => Object.entries<any>(json.resource.azurerm_subnet).find(([, s]) => s.name === name)![0];
    const assoc = Object.values<any>(json.resource.azurerm_subnet_route_table_association).map((a) => [a.subnet_id, tableName(a.route_table_id)]);
    const expected = ["GatewaySubnet", "activation", "management", "servers"].map((n) => [`\${azurerm_subnet.${subnetKey(n)}.id}`, `${n}-rt`]);
    expect(assoc.sort()).toEqual(expected.sort());
    expect(Object.keys(fw.routeTables).sort()).toEqual(["activation", "gatewaysubnet", "management", "servers"]);
  });

  test("the checks' routing model sees the firewall as the next hop from every client subnet and back", () => {
    const { json } = site();
    const model = TerraformModel.fromTerraformJson(json);
    const topo = Topology.of(model);
    const fws = FirewallIndex.of(model);
    const subnet = (name: string) => topo.subnets.find((s) => s.name === name)!;
    const hop = (from: string, to: string) => nextHop(subnet(from), parseAddress(to)!, fws).kind;
    expect([hop("servers", "10.0.5.4/32"), hop("management", "10.0.5.4/32"), hop("GatewaySubnet", "10.0.5.4/32")]).toEqual(["firewall", "firewall", "firewall"]);
    const back = [hop("activation", "10.0.1.4/32"), hop("activation", "10.0.9.4/32"), hop("activation", "192.168.10.20/32")];
    expect(back).toEqual(["firewall", "firewall", "firewall"]);
    // Other traffic is not redirected: servers to management stays inside the VNet.
    expect(hop("servers", "10.0.9.4/32")).toBe("direct");
  });

  test("stable addresses: routing one more zone adds a table and routes and changes no other resource", () => {
    const before = site().json;
    const after = site(true).json;
    for (const type of ["azurerm_route_table", "azurerm_route", "azurerm_subnet_route_table_association"]) {
      for (const [key, value] of Object.entries<any>(before.resource[type])) expect([type, key, after.resource[type][key]]).toEqual([type, key, value]);
    }
    const added = (type: string) => Object.keys(after.resource[type]).filter((k) => !(k in before.resource[type])).length;
    expect([added("azurerm_route_table"), added("azurerm_route"), added("azurerm_subnet_route_table_association")]).toEqual([1, 2, 1]);
  });

  test("route names stay valid and distinct when the firewall name is long; names that fit are unchanged (p05)", () => {
    const build = (firewallName: string) => {
      const { stack } = newStack();
      const network = hubNetwork(stack);
      const fw = new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26", firewallName });
      const zone = (name: string, prefix: string) =>
        new DeploymentZone(stack, name, { network, zoneName: name, addressPrefix: prefix, trustLevel: TrustLevel.INTERNAL });
      fw.routeThrough({ zone: zone("activation", "10.0.5.0/24"), clients: [Peer.zone(zone("servers", "10.0.1.0/24")), Peer.zone(zone("mgmt", "10.0.9.0/24"))] });
      return Object.values<any>(synthJson(stack).resource.azurerm_route).map((r) => r.name).sort();
    };
    // Short names are as before: no hash.
    expect(build("hub-fw")).toEqual(["via-hub-fw-to-10-0-1-0-24", "via-hub-fw-to-10-0-5-0-24", "via-hub-fw-to-10-0-5-0-24", "via-hub-fw-to-10-0-9-0-24"]);
    // A 73-character firewall name: the old names were all "via-fwxx...x-to-10" or ended in "-".
    const fwName = `fw${"x".repeat(71)}`;
    const names = build(fwName);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/);
    const start = `via-${fwName}`.slice(0, 69);
    expect(names).toEqual([
      `${start}-${createHash("sha256").update(`${fwName}|10.0.1.0/24`).digest("hex").slice(0, 10)}`,
      `${start}-${createHash("sha256").update(`${fwName}|10.0.5.0/24`).digest("hex").slice(0, 10)}`,
      `${start}-${createHash("sha256").update(`${fwName}|10.0.5.0/24`).digest("hex").slice(0, 10)}`,
      `${start}-${createHash("sha256").update(`${fwName}|10.0.9.0/24`).digest("hex").slice(0, 10)}`,
    ].sort());
    expect(new Set(names).size).toBe(3); // the 10.0.5.0/24 routes are in two tables (servers', mgmt's)
    // A cut ending in "-" loses it before the hash.
    expect(build(`fw${"x".repeat(62)}`).every((n) => !n.includes("--") && n.length <= 80)).toBe(true);
  });

  test("a route table holds at most 400 routes (Azure's limit): the call that would add the 401st is refused whole, naming the table and the count", () => {
    const { stack, gateway, fw, zone, activation, servers } = hub();
    // On-premises /24s numbered from 0: 172.16.0.0/24, ..., 172.16.255.0/24, 172.17.0.0/24, ...
    const onPremises = (from: number, count: number) =>
      Peer.ipv4List(Array.from({ length: count }, (_, i) => `172.${16 + ((from + i) >> 8)}.${(from + i) & 255}.0/24`));
    // 399 on-premises prefixes and one client zone: 400 routes in activation's table, accepted.
    fw.routeThrough({ zone: activation, clients: [onPremises(0, 200), onPremises(200, 199), Peer.zone(servers)], gateway });
    const count = () => Object.keys(synthJson(stack).resource.azurerm_route).length;
    const before = count();
    expect(before).toBe(400 + 1 + 1); // activation's table, servers' table, GatewaySubnet's
    // The same routes again add nothing and are accepted.
    fw.routeThrough({ zone: activation, clients: [onPremises(0, 10)], gateway });
    // Another client zone, one known and one new on-premises prefix: 402 in activation's table. Refused, and nothing of the call is built
    // (not mgmt's table, nor its route to activation).
    const mgmt = zone("mgmt", "10.0.9.0/24");
    let thrown: unknown;
    try {
      fw.routeThrough({ zone: activation, clients: [Peer.zone(mgmt), onPremises(398, 2)], gateway });
    } catch (e) {
      thrown = e;
    }
    const e = ConstructErrors.describe(thrown)!;
    expect([e.constructPath, e.prop, e.valueText]).toEqual(["test/Fw", "clients", "\"402 routes in route table activation-rt (400 already, 2 more from this call)\""]);
    expect(e.allowed).toMatch(/^at most 400 routes per route table \(Azure's limit\)/);
    expect(count()).toBe(before);
    expect(Object.keys(fw.routeTables).sort()).toEqual(["activation", "gatewaysubnet", "servers"]);
  });

  test("refuses a client inside the network that is not a zone, on-premises clients without the gateway, and the zone as its own client", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    const fw = new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26" });
    const activation = new DeploymentZone(stack, "A", { network, zoneName: "activation", addressPrefix: "10.0.5.0/24", trustLevel: TrustLevel.INTERNAL });
    expect(() => fw.routeThrough({ zone: activation, clients: [Peer.ipv4("10.0.1.0/24")] })).toThrow(/Invalid clients\[0\]: "10.0.1.0\/24".*Peer.zone/);
    expect(() => fw.routeThrough({ zone: activation, clients: [Peer.ipv4("192.168.10.0/24")] })).toThrow(/gateway/);
    expect(() => fw.routeThrough({ zone: activation, clients: [Peer.zone(activation)] })).toThrow(/Invalid clients\[0\]: "activation"/);
    expect(() => fw.routeThrough({ zone: activation, clients: [Peer.anyIpv4()] })).toThrow(/clients/);
  });
});

test("a hub built with the constructs has no error finding", () => {
  const { stack } = newStack();
  const network = hubNetwork(stack);
  new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", pointToSite: { addressSpace: ["172.16.200.0/24"], rootCertificates: [{ name: "corp-root", publicCertData: CERT }] } });
  new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26" });
  const result = runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES);
  expect(result.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
  // The point-to-site IKEv2 clients get the strong preset, not Azure's default proposals (SDZ-VPN-001).
  expect(result.findings.filter((f) => f.ruleId.startsWith("SDZ-VPN-") && f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.status}`)).toEqual([]);
  const gw = Object.values(synthJson(stack).resource.azurerm_virtual_network_gateway as Record<string, any>)[0];
  expect(gw.vpn_client_configuration.ipsec_policy).toEqual({
    dh_group: "ECP384", ike_encryption: "AES256", ike_integrity: "SHA384", ipsec_encryption: "GCMAES256", ipsec_integrity: "GCMAES256", pfs_group: "ECP384",
    sa_lifetime_in_seconds: 3600, sa_data_size_in_kilobytes: 10240000,
  });
});
