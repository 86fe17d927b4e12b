import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { DomainController, IdentityZone, IdentityZoneProps } from "../../src/identity/identity-zone";
import { Peer } from "../../src/network/peer";
import { Port } from "../../src/network/port";
import { TrustLevel } from "../../src/network/trust-level";
import { ALL_RULES } from "../../src/rules";
import { env, resourcesOf } from "../activation/env";
import { synthJson } from "../support/fixtures";

const EXPECTED_PORTS = [
  "Tcp 88", "Udp 88", "Tcp 464", "Udp 464", "Tcp 389", "Udp 389", "Tcp 636", "Tcp 3268", "Tcp 3269",
  "Tcp 53", "Udp 53", "Tcp 135", "Tcp 445", "Udp 123", "Tcp 49152-65535",
];

function identityEnv(over: Partial<IdentityZoneProps> = {}) {
  const e = env();
  const zone = new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.clients)], ...over });
  const dc = (id: string, ip: string) => new DomainController(e.stack, id, { zone, serverName: id.toLowerCase(), privateIpAddress: ip, adminUsername: "opsadmin", adminPassword: e.password });
  return { ...e, zone, dc };
}

function allowRules(json: any) {
  return resourcesOf(json, "azurerm_network_security_rule").map(([, r]) => r).filter((r) => r.access === "Allow" && r.protocol !== "Icmp");
}

describe("IdentityZone and DomainController", () => {
  test("domain services are opened from the declared clients to each DC's own address only", () => {
    const e = identityEnv();
    e.dc("Dc1", "10.0.2.4");
    e.dc("Dc2", "10.0.2.5");
    const all = allowRules(synthJson(e.stack));
    const rules = all.filter((r) => r.source_address_prefix === "10.0.1.0/24");
    expect(rules).toHaveLength(2 * EXPECTED_PORTS.length);
    // Every other allow is DC-to-DC replication (tested below): nothing else is opened.
    expect(all.filter((r) => !rules.includes(r)).every((r) => /^10\.0\.2\.[45]\/32$/.test(r.source_address_prefix))).toBe(true);
    for (const ip of ["10.0.2.4/32", "10.0.2.5/32"]) {
      const forDc = rules.filter((r) => r.destination_address_prefix === ip);
      expect(forDc.map((r) => `${r.protocol} ${r.destination_port_range}`).sort()).toEqual([...EXPECTED_PORTS].sort());
      expect(forDc.every((r) => r.source_address_prefix === "10.0.1.0/24" && r.direction === "Inbound")).toBe(true);
    }
    expect(rules.some((r) => r.destination_address_prefix === "10.0.2.0/24" || r.destination_address_prefix === "*")).toBe(false);
    expect(e.zone.domainControllerAddresses).toEqual(["10.0.2.4", "10.0.2.5"]);
  });

  test("several client peers become one source list; a restricted RPC range is used", () => {
    const e2 = env();
    const z2 = new IdentityZone(e2.stack, "Identity", { network: e2.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e2.clients), Peer.ipv4("10.0.8.10")], rpcDynamicPortStart: 50000, rpcDynamicPortEnd: 50999 });
    new DomainController(e2.stack, "Dc1", { zone: z2, serverName: "dc01", privateIpAddress: "10.0.2.4", adminUsername: "opsadmin", adminPassword: e2.password });
    const rules = allowRules(synthJson(e2.stack));
    expect(rules.every((r) => JSON.stringify(r.source_address_prefixes) === JSON.stringify(["10.0.1.0/24", "10.0.8.10"]))).toBe(true);
    expect(rules.map((r) => r.destination_port_range)).toContain("50000-50999");
    expect(rules.map((r) => r.destination_port_range)).not.toContain("49152-65535");
  });

  test("two DCs replicate: every domain service and the RPC range, DC /32 to DC /32, both directions", () => {
    const e = identityEnv();
    e.dc("Dc1", "10.0.2.4");
    expect(e.zone.replicationRules).toEqual([]);
    e.dc("Dc2", "10.0.2.5");
    const json = synthJson(e.stack);
    const repl = allowRules(json).filter((r) => r.description.startsWith("DC replication"));
    expect(repl).toHaveLength(2 * EXPECTED_PORTS.length);
    expect(e.zone.replicationRules).toHaveLength(2 * EXPECTED_PORTS.length);
    const key = (r: any) => `${r.direction} ${r.source_address_prefix} -> ${r.destination_address_prefix} ${r.protocol} ${r.destination_port_range}`;
    const expected = EXPECTED_PORTS.flatMap((p) => [
      `Inbound 10.0.2.4/32 -> 10.0.2.5/32 ${p}`,
      `Inbound 10.0.2.5/32 -> 10.0.2.4/32 ${p}`,
    ]);
    expect(repl.map(key).sort()).toEqual(expected.sort());
    expect(repl.every((r) => r.source_port_range === "*" && /^\$\{azurerm_network_security_group\.Identity_Nsg_[0-9A-F]+\.name\}$/.test(r.network_security_group_name))).toBe(true);
    expect(repl.map((r) => r.description)).toContain("DC replication SMB (SYSVOL, Group Policy) TCP 445 from dc1 to dc2");
    expect(repl.map((r) => r.description)).toContain("DC replication RPC dynamic 49152-65535 from dc1 to dc2");
    // All below the deny-all, each at its own priority.
    const prios = repl.map((r) => r.priority);
    expect(new Set(prios).size).toBe(prios.length);
    expect(Math.max(...prios)).toBeLessThan(4095);
    // Never the zone prefix or any (besides the zone's default ICMP rule): no other host of the zone is opened.
    expect(allowRules(json).some((r) => [r.source_address_prefix, r.destination_address_prefix].includes("10.0.2.0/24"))).toBe(false);
  });

  test("a third DC replicates with both earlier DCs, one rule per pair of DCs and port; the restricted RPC range is used", () => {
    const e = identityEnv({ rpcDynamicPortStart: 50000, rpcDynamicPortEnd: 50999 });
    e.dc("Dc1", "10.0.2.4");
    e.dc("Dc2", "10.0.2.5");
    e.dc("Dc3", "10.0.2.6");
    const repl = allowRules(synthJson(e.stack)).filter((r) => r.description.startsWith("DC replication"));
    expect(repl).toHaveLength(6 * EXPECTED_PORTS.length);
    expect(repl.every((r) => r.source_address_prefixes === undefined && r.destination_address_prefixes === undefined)).toBe(true);
    const dc3In = repl.filter((r) => r.destination_address_prefix === "10.0.2.6/32");
    expect(dc3In).toHaveLength(2 * EXPECTED_PORTS.length);
    expect(dc3In.map((r) => r.source_address_prefix).sort()).toEqual([
      ...Array(EXPECTED_PORTS.length).fill("10.0.2.4/32"), ...Array(EXPECTED_PORTS.length).fill("10.0.2.5/32"),
    ]);
    const dc3Out = repl.filter((r) => r.source_address_prefix === "10.0.2.6/32");
    expect(dc3Out).toHaveLength(2 * EXPECTED_PORTS.length);
    expect(dc3In.map((r) => r.destination_port_range)).toContain("50000-50999");
    // Every ordered pair of DCs is open on TCP 445 exactly once.
    const pairs = (r: any) => [r.source_address_prefix ?? r.source_address_prefixes].flat().flatMap((s: string) =>
      [r.destination_address_prefix ?? r.destination_address_prefixes].flat().map((d: string) => `${s}>${d}`));
    const smb = repl.filter((r) => r.protocol === "Tcp" && r.destination_port_range === "445").flatMap(pairs).sort();
    expect(smb).toEqual(["10.0.2.4/32>10.0.2.5/32", "10.0.2.4/32>10.0.2.6/32", "10.0.2.5/32>10.0.2.4/32",
      "10.0.2.5/32>10.0.2.6/32", "10.0.2.6/32>10.0.2.4/32", "10.0.2.6/32>10.0.2.5/32"]);
  });

  test("replication rules are keyed by the pair of DCs: adding, removing or reordering a DC renames none of the other DCs' rules", () => {
    type Dc = [string, string];
    const addresses = (dcs: Dc[], over: Partial<IdentityZoneProps> = {}) => {
      const e = identityEnv(over);
      for (const [id, ip] of dcs) e.dc(id, ip);
      const rules = synthJson(e.stack).resource.azurerm_network_security_rule as Record<string, any>;
      const repl = Object.entries(rules).filter(([, r]) => r.description.startsWith("DC replication"));
      // Address and Azure name (ForceNew) of each rule, by the pair of DC addresses it joins.
      return new Map(repl.map(([address, r]) => [address, `${r.name} ${r.direction} ${r.source_address_prefix}>${r.destination_address_prefix}`]));
    };
    const dc1: Dc = ["Dc1", "10.0.2.4"];
    const dc2: Dc = ["Dc2", "10.0.2.5"];
    const dc3: Dc = ["Dc3", "10.0.2.6"];
    const three = addresses([dc1, dc2, dc3]);
    const reordered = addresses([dc2, dc3, dc1]);
    const withoutDc1 = addresses([dc2, dc3]);
    const twoFirst = addresses([dc1, dc2]);
    // The same DCs in another order: the same rules, same addresses, same names.
    expect([...reordered.entries()].sort()).toEqual([...three.entries()].sort());
    // dc01 removed: every dc02<->dc03 rule keeps its address and name; only dc01's rules go.
    expect(withoutDc1.size).toBe(2 * EXPECTED_PORTS.length);
    for (const [address, what] of withoutDc1) expect(three.get(address)).toBe(what);
    expect([...three.values()].filter((w) => !/10\.0\.2\.4\//.test(w))).toHaveLength(withoutDc1.size);
    // dc03 added to dc01 and dc02: their rules stay as they were.
    for (const [address, what] of twoFirst) expect(three.get(address)).toBe(what);
    // The same holds for the outbound rules of a zone that denies all outbound traffic.
    const out3 = addresses([dc1, dc2, dc3], { denyAllOutbound: true });
    const out2 = addresses([dc3, dc2], { denyAllOutbound: true });
    expect(out2.size).toBe(4 * EXPECTED_PORTS.length);
    for (const [address, what] of out2) expect(out3.get(address)).toBe(what);
  });

  test("with denyAllOutbound the replication flows are allowed outbound too", () => {
    const e = identityEnv({ denyAllOutbound: true });
    e.dc("Dc1", "10.0.2.4");
    e.dc("Dc2", "10.0.2.5");
    const out = allowRules(synthJson(e.stack)).filter((r) => r.direction === "Outbound");
    expect(out).toHaveLength(2 * EXPECTED_PORTS.length);
    const key = (r: any) => `${r.source_address_prefix} -> ${r.destination_address_prefix} ${r.protocol} ${r.destination_port_range}`;
    expect(out.map(key).sort()).toEqual(EXPECTED_PORTS.flatMap((p) => [`10.0.2.4/32 -> 10.0.2.5/32 ${p}`, `10.0.2.5/32 -> 10.0.2.4/32 ${p}`]).sort());
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(e.stack)), ALL_RULES);
    expect(result.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL)).toEqual([]);
    expect(result.findings.filter((f) => /^SDZ-(KMS|DOM)-/.test(f.ruleId))).toEqual([]);
  });

  test("the DC VM has a static IP and the domain-controller role tag", () => {
    const e = identityEnv();
    e.dc("Dc1", "10.0.2.4");
    const json = synthJson(e.stack);
    const [, vm] = resourcesOf(json, "azurerm_windows_virtual_machine")[0];
    const [, nic] = resourcesOf(json, "azurerm_network_interface")[0];
    expect(vm.tags["sdz-role"]).toBe("domain-controller");
    expect(nic.ip_configuration[0]).toMatchObject({ private_ip_address_allocation: "Static", private_ip_address: "10.0.2.4" });
    const [, nsg] = resourcesOf(json, "azurerm_network_security_group").find(([, n]) => n.name === "identity-nsg")!;
    expect(nsg.tags).toMatchObject({ "sdz-zone": "identity", "sdz-trust": "INTERNAL" });
  });

  test("is secure by default: no error, no domain-services or KMS finding", () => {
    const e = identityEnv();
    e.dc("Dc1", "10.0.2.4");
    e.dc("Dc2", "10.0.2.5");
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(e.stack)), ALL_RULES);
    expect(result.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL)).toEqual([]);
    expect(result.findings.filter((f) => /^SDZ-(KMS|DOM)-/.test(f.ruleId))).toEqual([]);
  });

  test("a hand-opened rule from the perimeter to a DC is caught by SDZ-KMS-006", () => {
    const e = identityEnv();
    e.dc("Dc1", "10.0.2.4");
    e.zone.allowInbound(Peer.zone(e.dmz), Port.tcp(3389), "rdp from dmz");
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(e.stack)), ALL_RULES);
    const f = result.findings.filter((x) => x.ruleId === "SDZ-KMS-006" && x.status === FindingStatus.FAIL);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("domain controller is reachable from PERIMETER zone dmz");
  });
});

describe("IdentityZone construction errors", () => {
  test.each([
    ["a perimeter trust level", { trustLevel: TrustLevel.PERIMETER }, /Invalid trustLevel: "PERIMETER"\. Allowed: INTERNAL or MANAGEMENT/],
    ["an RPC range start below 1025", { rpcDynamicPortStart: 135 }, /Invalid rpcDynamicPortStart: 135\. Allowed: an integer from 1025 to 65535/],
    ["an RPC range under 255 ports", { rpcDynamicPortStart: 50000, rpcDynamicPortEnd: 50100 }, /Invalid rpcDynamicPortEnd: 50100\. Allowed: .*at least 255 ports/],
    // Only the start given (p11): the default end (65535) leaves too few ports; the error names the start, not the end.
    ["an RPC range start leaving under 255 ports to the default end", { rpcDynamicPortStart: 65400 },
      /Invalid rpcDynamicPortStart: 65400\. Allowed: an integer from 1025 to 65281, giving at least 255 ports up to the default rpcDynamicPortEnd \(65535\)/],
    ["an RPC range end leaving under 255 ports from the default start", { rpcDynamicPortEnd: 49200 }, /Invalid rpcDynamicPortEnd: 49200\. Allowed: .*from rpcDynamicPortStart \(49152\)/],
    ["no clients", { domainClients: [] }, /Invalid domainClients: \[\]/],
    ["any as client", { domainClients: [Peer.anyIpv4()] }, /Invalid domainClients\[0\]: "any"/],
  ])("refuses %s", (_, over, message) => {
    expect(() => identityEnv(over as Partial<IdentityZoneProps>)).toThrow(message);
  });

  test("refuses perimeter clients, as a zone or as a CIDR inside it", () => {
    const e = env();
    expect(() => new IdentityZone(e.stack, "I1", { network: e.network, zoneName: "id1", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.dmz)] }))
      .toThrow(/Invalid domainClients\[0\]: "zone dmz"\. Allowed: peers in zones trusted INTERNAL or more; zone dmz is PERIMETER.*R-KMS-7/);
    expect(() => new IdentityZone(e.stack, "I2", { network: e.network, zoneName: "id2", addressPrefix: "10.0.3.0/24", domainClients: [Peer.ipv4("10.0.9.32/27")] }))
      .toThrow(/Invalid domainClients\[0\]: "10\.0\.9\.32\/27".*lies in zone dmz/);
  });

  test("refuses a DC outside an IdentityZone and a duplicate DC address", () => {
    const e = identityEnv();
    expect(() => new DomainController(e.stack, "Bad", { zone: e.clients as any, serverName: "dc9", privateIpAddress: "10.0.1.9", adminUsername: "opsadmin", adminPassword: e.password }))
      .toThrow(/Invalid zone: "clients"\. Allowed: an IdentityZone/);
    e.dc("Dc1", "10.0.2.4");
    expect(() => e.dc("Dc2", "10.0.2.4")).toThrow(/Invalid privateIpAddress: "10\.0\.2\.4"\. Allowed: a static private IP address not already used in this network: test\/Dc1 uses it \[SDZ-PROP-DUPLICATE\]/);
  });
});
