import { TerraformStack } from "cdktf";
import { DeploymentNetwork, DeploymentZone, FlowDirection, Peer, Port, TrustLevel } from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { NetworkIndex } from "../../src/engine/network-index";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { ALL_RULES } from "../../src/rules";
import { newStack, synthJson } from "../support/fixtures";

function network(stack: TerraformStack, props: Partial<ConstructorParameters<typeof DeploymentNetwork>[2]> = {}) {
  return new DeploymentNetwork(stack, "Net", { name: "deploy-vnet", location: "westeurope", addressSpace: ["10.10.0.0/16"], ...props });
}

/** Standalone NSG rules of the synthesized stack, keyed by their `name` attribute. */
function rulesByName(json: any): Record<string, any> {
  return Object.fromEntries(Object.values<any>(json.resource.azurerm_network_security_rule ?? {}).map((r) => [r.name, r]));
}

function only<T>(obj: Record<string, T> | undefined): T {
  const values = Object.values(obj ?? {});
  expect(values).toHaveLength(1);
  return values[0];
}

describe("DeploymentZone synthesis", () => {
  function build() {
    const { stack } = newStack();
    const net = network(stack, { tags: { env: "lab" } });
    const mgmt = new DeploymentZone(stack, "Mgmt", { network: net, zoneName: "mgmt", addressPrefix: "10.10.9.0/24", trustLevel: TrustLevel.MANAGEMENT });
    const servers = new DeploymentZone(stack, "Servers", { network: net, zoneName: "servers", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.INTERNAL, tags: { owner: "ops" } });
    servers.allowInbound(Peer.zone(mgmt), Port.tcp(3389), "RDP from management");
    servers.allowInbound(Peer.ipv4List(["10.10.20.4", "10.10.20.5/32"]), Port.udpRange(64001, 65000), "Media ports", { local: Peer.ipv4("10.10.1.10") });
    servers.allowInbound(Peer.serviceTag("AzureLoadBalancer"), Port.tcp(443), "Health probes", { priority: 500 });
    servers.denyInbound(Peer.anyIpv4(), Port.tcp(445), "No SMB from anywhere");
    servers.allowOutbound(Peer.zone(mgmt), Port.allTcp(), "Reports to management");
    return { stack, net, mgmt, servers, json: synthJson(stack) };
  }

  test("subnet: zone name, prefix, no default outbound access, private endpoint policies enabled", () => {
    const { json } = build();
    const subnets = Object.values<any>(json.resource.azurerm_subnet);
    const s = subnets.find((x) => x.name === "servers");
    expect(s).toMatchObject({
      name: "servers",
      address_prefixes: ["10.10.1.0/24"],
      default_outbound_access_enabled: false,
      private_endpoint_network_policies: "Enabled",
      virtual_network_name: "${azurerm_virtual_network.Net_VirtualNetwork_63836A22.name}",
      resource_group_name: "${azurerm_resource_group.Net_ResourceGroup_25F4E4BF.name}",
    });
  });

  test("NSG: tags carry the zone contract over network and zone tags; associated with the subnet", () => {
    const { json } = build();
    const nsgs = json.resource.azurerm_network_security_group;
    expect(nsgs.Servers_Nsg_B9D32EDE ?? Object.values<any>(nsgs).find((n) => n.name === "servers-nsg")).toMatchObject({
      name: "servers-nsg",
      location: "westeurope",
      tags: { "env": "lab", "owner": "ops", "sdz-zone": "servers", "sdz-trust": "INTERNAL" },
    });
    const assocs = Object.values<any>(json.resource.azurerm_subnet_network_security_group_association);
    expect(assocs).toHaveLength(2);
    const subnetKey = Object.entries<any>(json.resource.azurerm_subnet).find(([, v]) => v.name === "servers")![0];
    const nsgKey = Object.entries<any>(nsgs).find(([, v]) => v.name === "servers-nsg")![0];
    expect(assocs).toContainEqual({
      subnet_id: `\${azurerm_subnet.${subnetKey}.id}`,
      network_security_group_id: `\${azurerm_network_security_group.${nsgKey}.id}`,
    });
  });

  test("zone tags cannot be overridden by user tags", () => {
    const { stack } = newStack();
    const net = network(stack);
    new DeploymentZone(stack, "Z", { network: net, zoneName: "z", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.PERIMETER, tags: { "sdz-trust": "MANAGEMENT", "sdz-zone": "other" } });
    expect(only<any>(synthJson(stack).resource.azurerm_network_security_group).tags).toEqual({ "sdz-zone": "z", "sdz-trust": "PERIMETER" });
  });

  test("rules: exact names, protocols, ports, sources, destinations and priorities", () => {
    const { json, servers } = build();
    const all = Object.values<any>(json.resource.azurerm_network_security_rule);
    const serversNsgRef = "${azurerm_network_security_group.Servers_Nsg_" ;
    const mine = all.filter((r) => r.network_security_group_name.startsWith(serversNsgRef));
    // Names and priorities derive from each flow's intent (direction, access, protocol, ports, both
    // ends), never from call order: these exact values are what keeps plans stable across versions.
    expect(mine.map((r) => [r.direction, r.priority, r.name]).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`))).toEqual([
      ["Inbound", 1501, "deny-in-tcp-445-from-any-397da8b5f0"],
      ["Inbound", 2984, "allow-in-tcp-3389-from-zone-mgmt-849fec615d"],
      ["Inbound", 3515, "allow-in-udp-64001-65000-from-10-10-20-4-10-10-20-5-32-332d513f53"],
      ["Inbound", 4095, "allow-icmp-from-network"],
      ["Inbound", 4096, "deny-all-inbound"],
      ["Inbound", 500, "allow-in-tcp-443-from-azureloadbalancer-63f12b1068"],
      ["Outbound", 3662, "allow-out-tcp-any-to-zone-mgmt-be1b60bd16"],
    ]);
    const byName = Object.fromEntries(mine.map((r) => [r.name, r]));
    expect(byName["allow-in-tcp-3389-from-zone-mgmt-849fec615d"]).toMatchObject({
      access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389",
      source_address_prefix: "10.10.9.0/24", destination_address_prefix: "10.10.1.0/24", description: "RDP from management",
    });
    expect(byName["allow-in-udp-64001-65000-from-10-10-20-4-10-10-20-5-32-332d513f53"]).toMatchObject({
      protocol: "Udp", destination_port_range: "64001-65000",
      source_address_prefixes: ["10.10.20.4", "10.10.20.5/32"], destination_address_prefix: "10.10.1.10",
    });
    expect(byName["allow-in-udp-64001-65000-from-10-10-20-4-10-10-20-5-32-332d513f53"].source_address_prefix).toBeUndefined();
    expect(byName["allow-in-tcp-443-from-azureloadbalancer-63f12b1068"]).toMatchObject({ source_address_prefix: "AzureLoadBalancer", destination_port_range: "443" });
    expect(byName["deny-in-tcp-445-from-any-397da8b5f0"]).toMatchObject({ access: "Deny", source_address_prefix: "*", destination_port_range: "445" });
    expect(byName["allow-out-tcp-any-to-zone-mgmt-be1b60bd16"]).toMatchObject({
      direction: "Outbound", protocol: "Tcp", destination_port_range: "*", source_address_prefix: "10.10.1.0/24", destination_address_prefix: "10.10.9.0/24",
    });
    expect(byName["allow-icmp-from-network"]).toMatchObject({
      access: "Allow", protocol: "Icmp", destination_port_range: "*", source_address_prefix: "10.10.0.0/16", destination_address_prefix: "10.10.1.0/24",
    });
    expect(byName["deny-all-inbound"]).toMatchObject({
      access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*",
      description: "Explicit deny-all: overrides Azure's AllowVNetInBound (65000)",
    });
    // The flows list records intent (the deny-all and default ICMP rules excluded)
    expect(servers.flows.map((f) => [f.direction, f.access, f.priority, f.port.toString(), f.peer.label])).toEqual([
      [FlowDirection.INBOUND, "Allow", 2984, "TCP 3389", "zone mgmt"],
      [FlowDirection.INBOUND, "Allow", 3515, "UDP 64001-65000", "10.10.20.4, 10.10.20.5/32"],
      [FlowDirection.INBOUND, "Allow", 500, "TCP 443", "AzureLoadBalancer"],
      [FlowDirection.INBOUND, "Deny", 1501, "TCP 445", "any"],
      [FlowDirection.OUTBOUND, "Allow", 3662, "TCP any port", "zone mgmt"],
    ]);
    expect(servers.denyAllInboundRule).toBeDefined();
    expect(servers.icmpInboundRule).toBeDefined();
  });

  test("denyAllOutbound adds a deny-all outbound at 4096 and an ICMP allow to the network at 4095", () => {
    const { stack } = newStack();
    const net = network(stack);
    new DeploymentZone(stack, "Z", { network: net, zoneName: "z", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
    const rules = rulesByName(synthJson(stack));
    expect(rules["deny-all-outbound"]).toMatchObject({ direction: "Outbound", access: "Deny", priority: 4096, protocol: "*", source_address_prefix: "*", destination_address_prefix: "*" });
    expect(rules["allow-icmp-to-network"]).toMatchObject({ direction: "Outbound", access: "Allow", priority: 4095, protocol: "Icmp", source_address_prefix: "10.10.1.0/24", destination_address_prefix: "10.10.0.0/16" });
  });

  test("a network with several address ranges allows ICMP from each", () => {
    const { stack } = newStack();
    const net = network(stack, { addressSpace: ["10.10.0.0/16", "172.16.0.0/24"] });
    new DeploymentZone(stack, "Z", { network: net, zoneName: "z", addressPrefix: "172.16.0.0/26", trustLevel: TrustLevel.INTERNAL });
    expect(rulesByName(synthJson(stack))["allow-icmp-from-network"].source_address_prefixes).toEqual(["10.10.0.0/16", "172.16.0.0/24"]);
  });

  test("allowIcmpFromNetwork: false creates no ICMP rule, and the checks then warn (SDZ-NET-004), never error", () => {
    const { stack } = newStack();
    const net = network(stack);
    const z = new DeploymentZone(stack, "Z", { network: net, zoneName: "z", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.INTERNAL, allowIcmpFromNetwork: false });
    expect(z.icmpInboundRule).toBeUndefined();
    const json = synthJson(stack);
    expect(rulesByName(json)["allow-icmp-from-network"]).toBeUndefined();
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.map((f) => [f.ruleId, f.level, f.status])).toEqual([["SDZ-NET-004", RuleLevel.WARNING, FindingStatus.FAIL]]);
    // ...and the zone can comply explicitly
    z.allowInbound(Peer.ipv4("10.10.0.0/16"), Port.icmp(), "PMTU discovery and DC location");
    expect(runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES).findings).toHaveLength(0);
  });

  test("secure by default: a network of library zones passes every rule with no finding at all", () => {
    const { stack } = build();
    const { stack: s2 } = newStack("second");
    const net = network(s2);
    for (const [i, trust] of [TrustLevel.UNTRUSTED, TrustLevel.PERIMETER, TrustLevel.INTERNAL, TrustLevel.MANAGEMENT].entries()) {
      new DeploymentZone(s2, `Z${i}`, { network: net, zoneName: `zone-${i}`, addressPrefix: `10.10.${i}.0/24`, trustLevel: trust, denyAllOutbound: i % 2 === 0 });
    }
    for (const st of [stack, s2]) {
      const result = runRules(TerraformModel.fromTerraformJson(synthJson(st)), ALL_RULES);
      expect(result.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
      expect(result.findings.filter((f) => f.ruleId.startsWith("SDZ-NET-"))).toEqual([]);
    }
  });

  test("the network index reads library zones as zones with their trust and prefixes", () => {
    const { json } = build();
    const idx = NetworkIndex.of(TerraformModel.fromTerraformJson(json));
    const zones = idx.zones.map((z: any) => [z.name, z.trust, z.prefixes.map((p: any) => p.text)]).sort();
    expect(zones).toEqual([["mgmt", "MANAGEMENT", ["10.10.9.0/24"]], ["servers", "INTERNAL", ["10.10.1.0/24"]]]);
  });
});

describe("DeploymentZone construction errors", () => {
  function zone(props: Record<string, unknown> = {}, net?: DeploymentNetwork) {
    const { stack } = newStack();
    const n = net ?? network(stack);
    return new DeploymentZone(n.node.scope as any, `Z${Math.random().toString(36).slice(2)}`, {
      network: n, zoneName: "z", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.INTERNAL, ...props,
    } as any);
  }

  test.each([
    ["not-a-cidr", /Invalid addressPrefix: "not-a-cidr"\. Allowed: an IPv4 CIDR block/],
    ["10.10.1.0/33", /Invalid addressPrefix: "10\.10\.1\.0\/33"/],
    ["10.10.1.5/24", /Invalid addressPrefix: "10\.10\.1\.5\/24"\. Allowed: a CIDR whose address is the network address \(10\.10\.1\.0\/24\)/],
    ["10.10.1.0/30", /Invalid addressPrefix: "10\.10\.1\.0\/30"\. Allowed: an IPv4 CIDR block of \/29 or larger/],
    ["10.10.1.0", /Invalid addressPrefix: "10\.10\.1\.0"/],
    ["fd00::/64", /Invalid addressPrefix: "fd00::\/64"/],
    ["10.20.0.0/24", /Invalid addressPrefix: "10\.20\.0\.0\/24"\. Allowed: a prefix inside the network address space 10\.10\.0\.0\/16/],
    ["10.0.0.0/8", /Invalid addressPrefix: "10\.0\.0\.0\/8"\. Allowed: a prefix inside the network address space/],
  ])("address prefix %s is rejected", (prefix, message) => {
    expect(() => zone({ addressPrefix: prefix })).toThrow(message);
  });

  test("overlapping zones and duplicate names are rejected, naming the other zone", () => {
    const { stack } = newStack();
    const net = network(stack);
    new DeploymentZone(stack, "A", { network: net, zoneName: "servers", addressPrefix: "10.10.0.0/23", trustLevel: TrustLevel.INTERNAL });
    expect(() => new DeploymentZone(stack, "B", { network: net, zoneName: "clients", addressPrefix: "10.10.1.0/24", trustLevel: TrustLevel.INTERNAL }))
      .toThrow(/Invalid addressPrefix: "10\.10\.1\.0\/24"\. Allowed: a prefix that does not overlap zone servers \(10\.10\.0\.0\/23\)/);
    expect(() => new DeploymentZone(stack, "C", { network: net, zoneName: "SERVERS", addressPrefix: "10.10.4.0/24", trustLevel: TrustLevel.INTERNAL }))
      .toThrow(/Invalid zoneName: "SERVERS"\. Allowed: a zone name not already used in network .*taken: servers/);
    expect(net.zones).toEqual([{ zoneName: "servers", addressPrefix: "10.10.0.0/23" }]);
  });

  test.each([[""], ["-lead"], ["trail-"], ["has space"], ["a".repeat(81)], ["GatewaySubnet"], ["azurebastionsubnet"]])("zone name %p is rejected", (name) => {
    expect(() => zone({ zoneName: name })).toThrow(/Invalid zoneName/);
  });

  test("trust level and flags are validated", () => {
    expect(() => zone({ trustLevel: "HIGH" })).toThrow(/Invalid trustLevel: "HIGH"\. Allowed: UNTRUSTED, PERIMETER, INTERNAL, MANAGEMENT/);
    expect(() => zone({ allowIcmpFromNetwork: "yes" })).toThrow(/Invalid allowIcmpFromNetwork: "yes"/);
  });

  test("priorities: out of range, duplicate, the reserved 4095, and the NSG's 1,000 rules before a full band", () => {
    const z = zone();
    const peer = Peer.ipv4("10.10.9.0/24");
    expect(() => z.allowInbound(peer, Port.tcp(1), "x", { priority: 99 })).toThrow(/Invalid priority: 99\. Allowed: an integer from 100 to 4095/);
    expect(() => z.allowInbound(peer, Port.tcp(1), "x", { priority: 4096 })).toThrow(/Invalid priority: 4096/);
    expect(() => z.allowInbound(peer, Port.tcp(1), "x", { priority: 150.5 })).toThrow(/Invalid priority: 150\.5/);
    expect(() => z.allowInbound(peer, Port.tcp(1), "x", { priority: 4095 })).toThrow(/Invalid priority: 4095\. Allowed: a priority not already used .*ICMP allow/);
    z.allowInbound(peer, Port.tcp(1), "x", { priority: 110 });
    expect(() => z.denyInbound(peer, Port.tcp(2), "y", { priority: 110 })).toThrow(/Invalid priority: 110\. Allowed: a priority not already used by another inbound rule/);
    // outbound priorities are a separate space
    expect(z.allowOutbound(peer, Port.tcp(1), "x", { priority: 110 })).toBeDefined();
    expect(z.flows.map((f) => f.priority)).toEqual([110, 110]);
    // an explicit priority inside the deny band takes its slot; automatic denies take others, until the NSG
    // holds Azure's 1,000 rules (3 flows above, the deny-all and the ICMP allow, 996 denies): the band (1000
    // slots) can no longer fill up in a zone, the per-NSG limit comes first
    z.denyInbound(peer, Port.tcp(3), "explicit deny", { priority: 1500 });
    for (let i = 0; i < 995; i++) z.denyInbound(peer, Port.tcp(1000 + i), `deny ${i}`);
    const denies = z.flows.filter((f) => f.direction === FlowDirection.INBOUND && f.access === "Deny").map((f) => f.priority);
    expect(new Set(denies).size).toBe(996);
    expect(denies.every((p) => p >= 1000 && p <= 1999)).toBe(true);
    expect(() => z.denyInbound(peer, Port.tcp(9), "one too many")).toThrow(/Invalid flows: "1001 security rules in NSG z-nsg.*at most 1000 security rules per NSG/);
  });

  test("a flow needs a description; a long one is kept whole on the flow and cut to Azure's 140 characters on the rule", () => {
    expect(() => zone().allowInbound(Peer.anyIpv4(), Port.tcp(443), "  ")).toThrow(/Invalid description: "  "/);
    const z = zone();
    const long = `${"why ".repeat(80)}end`;
    const rule = z.allowInbound(Peer.anyIpv4(), Port.tcp(443), `  ${long} `);
    expect(z.flows[0].description).toBe(long);
    expect(rule.descriptionInput).toBe(long.slice(0, 140));
  });

  test("without ICMP, priority 4095 is free", () => {
    const z = zone({ allowIcmpFromNetwork: false });
    expect(z.allowInbound(Peer.ipv4("10.10.9.4"), Port.icmp(), "ICMP from the admin host", { priority: 4095 })).toBeDefined();
  });
});
