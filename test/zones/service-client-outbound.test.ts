import { Testing } from "cdktf";
import { ActivationZone } from "../../src/activation/activation-zone";
import { KmsHost } from "../../src/activation/kms-host";
import { DomainController, IdentityZone } from "../../src/identity/identity-zone";
import { FilesIdentitySource, StateMigrationPoint, StateMigrationShare } from "../../src/migration";
import { IPeer, Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { env, resourcesOf } from "../activation/env";
import { errorOf } from "../support/construct-errors";
import { synthJson } from "../support/fixtures";

/**
 * A service construct opens the client side of its flows too: a client zone with denyAllOutbound
 * drops every packet it sends unless its own NSG allows it outbound (Azure evaluates the source
 * subnet's NSG outbound before the destination's inbound).
 */
function outboundOf(json: any, nsg: string): string[] {
  return resourcesOf(json, "azurerm_network_security_rule").map(([, r]) => r)
    .filter((r) => r.direction === "Outbound" && r.access === "Allow" && r.protocol !== "Icmp" && r.network_security_group_name.includes(`${nsg}_Nsg`))
    .map((r) => `${r.source_address_prefix} -> ${r.destination_address_prefix} ${r.protocol} ${r.destination_port_range}`)
    .sort();
}

function setup() {
  const e = env({ withDmz: false });
  const closed = new DeploymentZone(e.stack, "Closed", { network: e.network, zoneName: "closed", addressPrefix: "10.0.3.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
  return { ...e, closed };
}

describe("service flows from a client zone that denies all outbound traffic", () => {
  test("KmsHost opens TCP 1688 out of the denying client zone to the KMS address only; an open client zone gets nothing", () => {
    const e = setup();
    const activation = new ActivationZone(e.stack, "Activation", { network: e.network, zoneName: "activation", addressPrefix: "10.0.5.0/24" });
    const host = new KmsHost(e.stack, "Kms", {
      zone: activation, serverName: "kms01", privateIpAddress: "10.0.5.4", adminUsername: "opsadmin", adminPassword: e.password,
      allowedClients: [Peer.zone(e.closed), Peer.zone(e.clients)],
    });
    const json = synthJson(e.stack);
    expect(outboundOf(json, "Closed")).toEqual(["10.0.3.0/24 -> 10.0.5.4/32 Tcp 1688"]);
    expect(outboundOf(json, "Clients")).toEqual([]);
    expect(host.nsgRules).toHaveLength(3);
  });

  test("IdentityZone opens every domain service out of the denying client zone, to each DC's address", () => {
    const e = setup();
    const identity = new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.closed), Peer.zone(e.clients)] });
    new DomainController(e.stack, "Dc1", { zone: identity, serverName: "dc01", privateIpAddress: "10.0.2.4", adminUsername: "opsadmin", adminPassword: e.password });
    const out = outboundOf(synthJson(e.stack), "Closed");
    expect(out).toEqual([
      "Tcp 88", "Udp 88", "Tcp 464", "Udp 464", "Tcp 389", "Udp 389", "Tcp 636", "Tcp 3268", "Tcp 3269",
      "Tcp 53", "Udp 53", "Tcp 135", "Tcp 445", "Udp 123", "Tcp 49152-65535",
    ].map((p) => `10.0.3.0/24 -> 10.0.2.4/32 ${p}`).sort());
  });

  test("StateMigrationShare and StateMigrationPoint open SMB (and HTTP/S) out of the denying client zone", () => {
    const e = setup();
    const store = new DeploymentZone(e.stack, "Store", { network: e.network, zoneName: "store", addressPrefix: "10.0.4.0/24", trustLevel: TrustLevel.INTERNAL });
    new StateMigrationShare(e.stack, "Usmt", {
      zone: store, storageAccountName: "usmtstore01", quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS },
      clients: [Peer.zone(e.closed)], privateIpAddress: "10.0.4.10",
    });
    new StateMigrationPoint(e.stack, "Smp", {
      zone: store, serverName: "smp01", privateIpAddress: "10.0.4.20", adminUsername: "smpadmin", adminPassword: e.password,
      storageQuotaGib: 512, clients: [Peer.zone(e.closed)], siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com",
    });
    expect(outboundOf(synthJson(e.stack), "Closed")).toEqual([
      "10.0.3.0/24 -> 10.0.4.10/32 Tcp 445",
      "10.0.3.0/24 -> 10.0.4.20/32 Tcp 443",
      "10.0.3.0/24 -> 10.0.4.20/32 Tcp 445",
      "10.0.3.0/24 -> 10.0.4.20/32 Tcp 80",
    ]);
  });
});

/** The allow-outbound rules of a zone's NSG (ICMP excluded), as synthesized. */
function outboundRulesOf(json: any, nsg: string): any[] {
  return resourcesOf(json, "azurerm_network_security_rule").map(([, r]) => r)
    .filter((r) => r.direction === "Outbound" && r.access === "Allow" && r.protocol !== "Icmp" && r.network_security_group_name.includes(`${nsg}_Nsg`));
}

describe("service flows from a CIDR client inside a zone that denies all outbound traffic", () => {
  test("KmsHost: a /28 client inside the denying zone gets TCP 1688 out of that zone, from the /28 to the KMS address", () => {
    const e = setup();
    const activation = new ActivationZone(e.stack, "Activation", { network: e.network, zoneName: "activation", addressPrefix: "10.0.5.0/24" });
    new KmsHost(e.stack, "Kms", {
      zone: activation, serverName: "kms01", privateIpAddress: "10.0.5.4", adminUsername: "opsadmin", adminPassword: e.password,
      allowedClients: [Peer.ipv4("10.0.3.0/28")],
    });
    const rules = outboundRulesOf(synthJson(e.stack), "Closed");
    expect(rules).toHaveLength(1);
    const { priority, name, ...rule } = rules[0];
    expect(rule).toEqual({
      description: "KMS activation from 10.0.3.0/28 to kms01",
      direction: "Outbound",
      access: "Allow",
      protocol: "Tcp",
      source_port_range: "*",
      destination_port_range: "1688",
      source_address_prefix: "10.0.3.0/28",
      destination_address_prefix: "10.0.5.4/32",
      resource_group_name: expect.any(String),
      network_security_group_name: "${azurerm_network_security_group.Closed_Nsg_A13C264C.name}",
    });
    expect(name).toMatch(/^allow-out-tcp-1688-to-10-0-5-4-32-[0-9a-f]{10}$/);
    expect(priority).toBeGreaterThanOrEqual(2000);
    expect(priority).toBeLessThanOrEqual(4094);
  });

  function kms(e: ReturnType<typeof setup>, allowedClients: IPeer[], id = "Kms") {
    const activation = (e.stack.node.tryFindChild("Activation") as ActivationZone | undefined)
      ?? new ActivationZone(e.stack, "Activation", { network: e.network, zoneName: "activation", addressPrefix: "10.0.5.0/24" });
    return new KmsHost(e.stack, id, {
      zone: activation, serverName: "kms01", privateIpAddress: "10.0.5.4", adminUsername: "opsadmin", adminPassword: e.password, allowedClients,
    });
  }

  test("a Peer.ipv4List spanning two denying zones opens one rule in each, from only that zone's prefixes; on-premises and open-zone prefixes need none", () => {
    const e = setup();
    new DeploymentZone(e.stack, "Closed2", { network: e.network, zoneName: "closed2", addressPrefix: "10.0.6.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
    kms(e, [Peer.ipv4List(["10.0.3.16/28", "192.168.1.0/24", "10.0.6.4", "10.0.1.0/25", "10.0.3.64/26"])]);
    const json = synthJson(e.stack);
    expect(outboundRulesOf(json, "Closed").map((r) => [r.source_address_prefixes, r.destination_address_prefix, r.destination_port_range]))
      .toEqual([[["10.0.3.16/28", "10.0.3.64/26"], "10.0.5.4/32", "1688"]]);
    expect(outboundOf(json, "Closed2")).toEqual(["10.0.6.4 -> 10.0.5.4/32 Tcp 1688"]);
    expect(outboundOf(json, "Clients")).toEqual([]);
  });

  test("a CIDR inside a denying zone that is itself a client adds no second rule: the zone's rule covers it", () => {
    const e = setup();
    kms(e, [Peer.ipv4("10.0.3.0/28"), Peer.zone(e.closed)]);
    expect(outboundOf(synthJson(e.stack), "Closed")).toEqual(["10.0.3.0/24 -> 10.0.5.4/32 Tcp 1688"]);
  });

  test("a CIDR covering only part of a denying zone is refused, naming the construct, the prop, the value and the zone; the host leaves the tree", () => {
    const e = setup();
    const err = errorOf(() => kms(e, [Peer.zone(e.clients), Peer.ipv4("10.0.2.0/23")]));
    expect(err.constructPath).toBe("test/Kms");
    expect(err.prop).toBe("allowedClients[1]");
    expect(err.valueText).toBe('"10.0.2.0/23"');
    expect(err.allowed).toMatch(/^KMS clients: zones \(Peer\.zone\), or hosts and CIDRs each inside one zone or outside every zone that denies all outbound traffic; 10\.0\.2\.0\/23 covers zone closed \(10\.0\.3\.0\/24\) only in part, which denies all outbound traffic/);
    expect(err.allowed).toMatch(/Pass Peer\.zone\(closed\)/);
    expect(e.stack.node.tryFindChild("Kms")).toBeUndefined();
    // A CIDR covering whole zones that let traffic out needs no outbound rule: accepted as before.
    kms(e, [Peer.ipv4("10.0.0.0/23")]);
    expect(outboundOf(synthJson(e.stack), "Clients")).toEqual([]);
  });

  test("a denying zone built after the host that holds a client CIDR fails synth (its outbound rule was never opened)", () => {
    const e = setup();
    kms(e, [Peer.ipv4("10.0.6.0/28")]);
    new DeploymentZone(e.stack, "Late", { network: e.network, zoneName: "late", addressPrefix: "10.0.6.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
    expect(() => Testing.synth(e.stack, true)).toThrow(/allowedClients\[0\]: "10\.0\.6\.0\/28".*lies in zone late \(10\.0\.6\.0\/24\), which denies all outbound traffic and was built after this construct/);
  });

  test("a zone built after the host that a client CIDR covers in part fails synth too; an open late zone is fine", () => {
    const e = setup();
    kms(e, [Peer.ipv4("10.0.6.0/23")]);
    new DeploymentZone(e.stack, "LateOpen", { network: e.network, zoneName: "late-open", addressPrefix: "10.0.6.0/24", trustLevel: TrustLevel.INTERNAL });
    expect(() => Testing.synth(e.stack, true)).not.toThrow();
    new DeploymentZone(e.stack, "Late", { network: e.network, zoneName: "late", addressPrefix: "10.0.7.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
    expect(() => Testing.synth(e.stack, true)).toThrow(/allowedClients\[0\]: "10\.0\.6\.0\/23".*covers zone late \(10\.0\.7\.0\/24\) only in part.*was built after this construct.* \[SDZ-PROP-INVALID\]/);
  });

  test("a CIDR inside zones of two networks with overlapping address spaces, one denying outbound, is refused: which NSG it leaves through cannot be told", () => {
    const e = setup();
    const other = new DeploymentNetwork(e.stack, "Other", { name: "other", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
    new DeploymentZone(other, "Twin", { network: other, zoneName: "twin", addressPrefix: "10.0.3.0/24", trustLevel: TrustLevel.INTERNAL });
    const err = errorOf(() => kms(e, [Peer.ipv4("10.0.3.0/28")]));
    expect([err.constructPath, err.prop, err.valueText]).toEqual(["test/Kms", "allowedClients[0]", '"10.0.3.0/28"']);
    expect(err.allowed).toMatch(/10\.0\.3\.0\/28 lies in zones of several networks \(closed \(10\.0\.3\.0\/24, network test\/Net\) and twin \(10\.0\.3\.0\/24, network test\/Other\)\)/);
    // The zone itself is unambiguous.
    kms(e, [Peer.zone(e.closed)]);
    expect(outboundOf(synthJson(e.stack), "Closed")).toEqual(["10.0.3.0/24 -> 10.0.5.4/32 Tcp 1688"]);
  });

  test("IdentityZone, StateMigrationShare and StateMigrationPoint open the client side for a CIDR inside a denying zone, from that CIDR", () => {
    const e = setup();
    const identity = new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.ipv4("10.0.3.32/27"), Peer.zone(e.clients)] });
    new DomainController(e.stack, "Dc1", { zone: identity, serverName: "dc01", privateIpAddress: "10.0.2.4", adminUsername: "opsadmin", adminPassword: e.password });
    const store = new DeploymentZone(e.stack, "Store", { network: e.network, zoneName: "store", addressPrefix: "10.0.4.0/24", trustLevel: TrustLevel.INTERNAL });
    new StateMigrationShare(e.stack, "Usmt", {
      zone: store, storageAccountName: "usmtstore01", quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS },
      clients: [Peer.ipv4("10.0.3.128/25")], privateIpAddress: "10.0.4.10",
    });
    new StateMigrationPoint(e.stack, "Smp", {
      zone: store, serverName: "smp01", privateIpAddress: "10.0.4.20", adminUsername: "smpadmin", adminPassword: e.password, httpsOnly: true,
      storageQuotaGib: 512, clients: [Peer.ipv4("10.0.3.128/25")], siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com",
    });
    expect(outboundOf(synthJson(e.stack), "Closed")).toEqual([
      ...["Tcp 88", "Udp 88", "Tcp 464", "Udp 464", "Tcp 389", "Udp 389", "Tcp 636", "Tcp 3268", "Tcp 3269",
        "Tcp 53", "Udp 53", "Tcp 135", "Tcp 445", "Udp 123", "Tcp 49152-65535"].map((p) => `10.0.3.32/27 -> 10.0.2.4/32 ${p}`),
      "10.0.3.128/25 -> 10.0.4.10/32 Tcp 445",
      "10.0.3.128/25 -> 10.0.4.20/32 Tcp 443",
      "10.0.3.128/25 -> 10.0.4.20/32 Tcp 445",
    ].sort());
  });

  test("the share and the point refuse a client CIDR covering part of a denying zone, naming their prop", () => {
    const e = setup();
    const store = new DeploymentZone(e.stack, "Store", { network: e.network, zoneName: "store", addressPrefix: "10.0.4.0/24", trustLevel: TrustLevel.INTERNAL });
    const share = errorOf(() => new StateMigrationShare(e.stack, "Usmt", {
      zone: store, storageAccountName: "usmtstore01", quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS }, clients: [Peer.ipv4("10.0.2.0/23")],
    }));
    expect([share.constructPath, share.prop, share.valueText]).toEqual(["test/Usmt", "clients[0]", '"10.0.2.0/23"']);
    expect(share.allowed).toMatch(/^share clients: .*covers zone closed \(10\.0\.3\.0\/24\) only in part/);
    const point = errorOf(() => new StateMigrationPoint(e.stack, "Smp", {
      zone: store, serverName: "smp01", privateIpAddress: "10.0.4.20", adminUsername: "smpadmin", adminPassword: e.password,
      storageQuotaGib: 512, clients: [Peer.ipv4("10.0.2.0/23")], siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com",
    }));
    expect([point.constructPath, point.prop, point.valueText]).toEqual(["test/Smp", "clients[0]", '"10.0.2.0/23"']);
    const identity = errorOf(() => new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.ipv4("10.0.0.0/22")] }));
    expect([identity.constructPath, identity.prop, identity.valueText]).toEqual(["test/Identity", "domainClients[0]", '"10.0.0.0/22"']);
    // The refused identity zone gave its prefix back: a corrected retry is accepted.
    new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.closed)] });
  });
});
