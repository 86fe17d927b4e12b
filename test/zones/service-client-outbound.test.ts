import { ActivationZone } from "../../src/activation/activation-zone";
import { KmsHost } from "../../src/activation/kms-host";
import { DomainController, IdentityZone } from "../../src/identity/identity-zone";
import { FilesIdentitySource, StateMigrationPoint, StateMigrationShare } from "../../src/migration";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { env, resourcesOf } from "../activation/env";
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
