import * as fs from "fs";
import * as path from "path";
import { Peer, PeerKind, Port, Protocol } from "../../src";
import { SERVICE_PORTS } from "../../src/network/service-ports";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone, FlowDirection } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

function zones(denyAllOutbound: boolean) {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.60.0.0/16"] });
  const clients = new DeploymentZone(stack, "Clients", { network, zoneName: "clients", addressPrefix: "10.60.1.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound });
  const kms = new DeploymentZone(stack, "Kms", { network, zoneName: "kms", addressPrefix: "10.60.2.0/24", trustLevel: TrustLevel.INTERNAL });
  return { stack, clients, kms };
}

describe("a zone is a peer", () => {
  test("a zone passed where a peer is expected is the same flow as Peer.zone(zone)", () => {
    const { clients, kms } = zones(false);
    expect(clients).toMatchObject({ kind: PeerKind.ZONE, label: "zone clients", addressPrefixes: ["10.60.1.0/24"] });
    expect(clients.zone).toBe(clients);
    const a = kms.allowInbound(clients, Port.KMS, "KMS from the clients");
    expect(kms.allowInbound(Peer.zone(clients), Port.KMS, "KMS from the clients (again)")).toBe(a);
    expect(kms.flows).toHaveLength(1);
  });
});

describe("connectFrom / connectTo open both sides when the source denies outbound", () => {
  test("source without denyAllOutbound: one inbound allow in the destination", () => {
    const { stack, clients, kms } = zones(false);
    const rules = kms.connectFrom(clients, Port.KMS, "KMS activation");
    expect(rules).toHaveLength(1);
    expect(kms.flows.map((f) => [f.direction, f.access, f.peer.label, f.port.toString()])).toEqual([[FlowDirection.INBOUND, "Allow", "zone clients", "TCP 1688"]]);
    expect(clients.flows).toEqual([]);
    expect(Object.values<any>(synthJson(stack).resource.azurerm_network_security_rule).filter((r) => r.destination_port_range === "1688")).toHaveLength(1);
  });

  test("source with denyAllOutbound: the inbound allow here and the outbound allow there, narrowed to the given hosts", () => {
    const { stack, clients, kms } = zones(true);
    const rules = clients.connectTo(kms, Port.KMS, "KMS activation", { destinationHosts: Peer.ipv4("10.60.2.4/32") });
    expect(rules).toHaveLength(2);
    const json = synthJson(stack);
    const kmsRules = Object.values<any>(json.resource.azurerm_network_security_rule).filter((r) => r.destination_port_range === "1688");
    expect(kmsRules.map((r) => [r.direction, r.access, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Inbound", "Allow", "10.60.1.0/24", "10.60.2.4/32"],
      ["Outbound", "Allow", "10.60.1.0/24", "10.60.2.4/32"],
    ]);
    // Calling it again changes nothing
    expect(kms.connectFrom(clients, Port.KMS, "KMS activation", { destinationHosts: Peer.ipv4("10.60.2.4/32") })).toEqual(rules);
  });

  test("hosts outside their zone, and peers that are not zones, are refused", () => {
    const { clients, kms } = zones(true);
    expect(() => kms.connectFrom(clients, Port.KMS, "x", { sourceHosts: Peer.ipv4("10.60.2.9/32") }))
      .toThrow(/Invalid sourceHosts: "10\.60\.2\.9\/32"\. Allowed: hosts inside zone clients \(10\.60\.1\.0\/24\)/);
    expect(() => kms.connectFrom(clients, Port.KMS, "x", { destinationHosts: Peer.anyIpv4() })).toThrow(/Invalid destinationHosts: "any"/);
    expect(() => kms.connectFrom(Peer.ipv4("10.0.0.0/8") as any, Port.KMS, "x")).toThrow(/Invalid source: .*Allowed: a DeploymentZone/);
  });
});

describe("named well-known ports", () => {
  test("come from the one service table the checks read", () => {
    const cases: [Port, keyof typeof SERVICE_PORTS][] = [
      [Port.KMS, "KMS"], [Port.SMB, "SMB"], [Port.RDP, "RDP"], [Port.KERBEROS_TCP, "KERBEROS_TCP"], [Port.KERBEROS_UDP, "KERBEROS_UDP"],
      [Port.KERBEROS_PASSWORD_TCP, "KERBEROS_PASSWORD_TCP"], [Port.LDAP_TCP, "LDAP_TCP"], [Port.GLOBAL_CATALOG, "GLOBAL_CATALOG"],
      [Port.DNS_UDP, "DNS_UDP"], [Port.NTP, "NTP"], [Port.DHCP_SERVER, "DHCP_SERVER"], [Port.TFTP, "TFTP"], [Port.PXE_BINL, "PXE_BINL"],
      [Port.TFTP_DATA, "TFTP_DATA"], [Port.AMT, "AMT"], [Port.AMT_PROVISIONING, "AMT_PROVISIONING"], [Port.SNMP, "SNMP"],
      [Port.IKE, "IKE"], [Port.IKE_NAT_TRAVERSAL, "IKE_NAT_TRAVERSAL"], [Port.WINRM_HTTPS, "WINRM_HTTPS"], [Port.RPC_DYNAMIC, "RPC_DYNAMIC"],
    ];
    for (const [port, key] of cases) {
      const s = SERVICE_PORTS[key];
      expect([key, port.protocol, port.fromPort, port.toPort]).toEqual([key, s.protocol === "Tcp" ? Protocol.TCP : Protocol.UDP, s.from, s.to]);
    }
    expect(Port.WINRM.portRange).toBe("5985-5986");
  });

  test("no construct spells a port number: they use the named ports (configurable ports excepted)", () => {
    const root = path.join(__dirname, "..", "..", "src");
    const dirs = ["zones", "compute", "core", "activation", "identity", "migration", "oob", "pxe", "ipsec", "hub"];
    const offenders: string[] = [];
    for (const dir of dirs) {
      for (const file of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ts"))) {
        const text = fs.readFileSync(path.join(root, dir, file), "utf8");
        for (const m of text.matchAll(/Port\.(tcp|udp|tcpRange|udpRange)\(\s*\d/g)) offenders.push(`${dir}/${file}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
