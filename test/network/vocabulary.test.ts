import { ConstructErrorCode, Peer, PeerKind, Port, Protocol, Trust, TrustLevel } from "../../src";
import { cidrContains, cidrOverlaps, parseCidr, tryParseCidr } from "../../src/network/cidr";
import { requireSpecificPeers } from "../../src/network/peer";
import { errorOf } from "../support/construct-errors";

describe("TrustLevel", () => {
  test("is ordered UNTRUSTED < PERIMETER < INTERNAL < MANAGEMENT", () => {
    const order = [TrustLevel.UNTRUSTED, TrustLevel.PERIMETER, TrustLevel.INTERNAL, TrustLevel.MANAGEMENT];
    expect(order.map(Trust.rank)).toEqual([0, 1, 2, 3]);
    for (const [i, a] of order.entries()) {
      for (const [j, b] of order.entries()) expect(Trust.isAtLeast(a, b)).toBe(i >= j);
    }
  });

  test("management is at least as trusted as internal (seed 003), not the reverse", () => {
    expect(Trust.isAtLeast(TrustLevel.MANAGEMENT, TrustLevel.INTERNAL)).toBe(true);
    expect(Trust.isAtLeast(TrustLevel.INTERNAL, TrustLevel.MANAGEMENT)).toBe(false);
  });

  test("tag values parse case-insensitively; anything else is undefined", () => {
    expect(Trust.tryParse(" internal ")).toBe(TrustLevel.INTERNAL);
    expect(Trust.tryParse("Management")).toBe(TrustLevel.MANAGEMENT);
    expect(Trust.tryParse("high")).toBeUndefined();
    expect(Trust.tryParse("")).toBeUndefined();
  });
});

describe("Peer", () => {
  test("ipv4, ipv4List (deduplicated), serviceTag, anyIpv4 and zone", () => {
    expect(Peer.ipv4("10.1.2.3/32")).toMatchObject({ kind: PeerKind.CIDRS, label: "10.1.2.3/32", addressPrefixes: ["10.1.2.3/32"] });
    expect(Peer.ipv4List(["10.1.2.3", "10.1.2.4", "10.1.2.3"])).toMatchObject({ kind: PeerKind.CIDRS, addressPrefixes: ["10.1.2.3", "10.1.2.4"], label: "10.1.2.3, 10.1.2.4" });
    expect(Peer.serviceTag("Storage.WestEurope")).toMatchObject({ kind: PeerKind.SERVICE_TAG, addressPrefixes: ["Storage.WestEurope"] });
    expect(Peer.anyIpv4()).toMatchObject({ kind: PeerKind.ANY, addressPrefixes: ["*"], label: "any" });
    const zone = { zoneName: "clients", trustLevel: TrustLevel.INTERNAL, addressPrefix: "10.1.0.0/24" };
    expect(Peer.zone(zone)).toMatchObject({ kind: PeerKind.ZONE, label: "zone clients", addressPrefixes: ["10.1.0.0/24"], zone });
  });

  test.each([
    [() => Peer.ipv4("10.1.2"), /Invalid cidr: "10\.1\.2"/],
    [() => Peer.ipv4("10.1.2.0/40"), /Invalid cidr: "10\.1\.2\.0\/40"/],
    [() => Peer.ipv4("fd00::1"), /Invalid cidr: "fd00::1"\. Allowed: an IPv4 address or CIDR block/],
    [() => Peer.ipv4List([]), /Invalid cidrs: \[\]\. Allowed: a non-empty list/],
    [() => Peer.ipv4List(["10.0.0.1", "nope"]), /Invalid cidrs\[1\]: "nope"/],
    [() => Peer.serviceTag("Azure Load Balancer"), /Invalid tag: "Azure Load Balancer"/],
    [() => Peer.serviceTag(""), /Invalid tag: ""/],
  ])("bad input %#", (fn, message) => {
    expect(fn).toThrow(message);
  });

  // Azure refuses a security rule prefix with host bits set (SecurityRuleInvalidAddressPrefix), so the peer does.
  test("refuses a CIDR block written with host bits set, suggesting the network and the host", () => {
    const e = errorOf(() => Peer.ipv4("192.168.10.7/24"));
    expect({ prop: e.prop, value: e.valueText, code: e.code }).toEqual({ prop: "cidr", value: "\"192.168.10.7/24\"", code: ConstructErrorCode.INVALID_VALUE });
    expect(e.allowed).toBe("an IPv4 CIDR block written with its network address (Azure refuses a security rule prefix with host bits set): "
      + "192.168.10.0/24 for the whole block, or 192.168.10.7 (192.168.10.7/32) for that one host");
    expect(errorOf(() => Peer.ipv4List(["10.0.0.0/24", "10.0.1.5/23"]))).toMatchObject({ prop: "cidrs[1]", valueText: "\"10.0.1.5/23\"" });
    expect(errorOf(() => Peer.ipv4List(["10.0.0.0/24", "10.0.1.5/23"])).allowed).toMatch(/: 10\.0\.0\.0\/23 for the whole block, or 10\.0\.1\.5 /);
  });

  test("accepts network addresses, /32 hosts and bare addresses", () => {
    for (const cidr of ["192.168.10.0/24", "192.168.10.7/32", "192.168.10.7", "10.0.0.0/8", "0.0.0.0/0"]) {
      expect(Peer.ipv4(cidr).addressPrefixes).toEqual([cidr]);
    }
  });
});

describe("requireSpecificPeers", () => {
  test("accepts hosts, CIDR lists and zones, returning their blocks", () => {
    const zone = { zoneName: "clients", trustLevel: TrustLevel.INTERNAL, addressPrefix: "10.1.0.0/24" };
    const blocks = requireSpecificPeers("kmsClients", [Peer.ipv4("10.2.0.4"), Peer.zone(zone)], 24);
    expect(blocks.map((b) => b.text)).toEqual(["10.2.0.4", "10.1.0.0/24"]);
  });

  test.each([
    [[], /Invalid kmsClients: \[\]\. Allowed: a non-empty list of peers/],
    [[Peer.anyIpv4()], /Invalid kmsClients\[0\]: "any"\. Allowed: specific addresses/],
    [[Peer.ipv4("10.0.0.4"), Peer.serviceTag("VirtualNetwork")], /Invalid kmsClients\[1\]: "VirtualNetwork"/],
    [[Peer.ipv4("0.0.0.0/0")], /Invalid kmsClients\[0\]: "0\.0\.0\.0\/0"\. Allowed: .*never 0\.0\.0\.0\/0/],
    [[Peer.ipv4("10.0.0.0/16")], /Invalid kmsClients\[0\]: "10\.0\.0\.0\/16"\. Allowed: specific addresses or CIDR blocks of \/24 or longer/],
    [[{ kind: PeerKind.CIDRS, label: "by hand", addressPrefixes: ["10.2.0.9/24"] }], /Invalid kmsClients\[0\]: "10\.2\.0\.9\/24"\. Allowed: .*: 10\.2\.0\.0\/24 for the whole block/],
  ])("rejects %#", (peers, message) => {
    expect(() => requireSpecificPeers("kmsClients", peers as any, 24)).toThrow(message);
  });
});

describe("Port", () => {
  test("factories produce the NSG spelling and a readable label", () => {
    const cases: [Port, Protocol, string, string][] = [
      [Port.tcp(1688), Protocol.TCP, "1688", "TCP 1688"],
      [Port.tcpRange(49152, 65535), Protocol.TCP, "49152-65535", "TCP 49152-65535"],
      [Port.tcpRange(80, 80), Protocol.TCP, "80", "TCP 80"],
      [Port.allTcp(), Protocol.TCP, "*", "TCP any port"],
      [Port.udp(67), Protocol.UDP, "67", "UDP 67"],
      [Port.udpRange(64001, 65000), Protocol.UDP, "64001-65000", "UDP 64001-65000"],
      [Port.allUdp(), Protocol.UDP, "*", "UDP any port"],
      [Port.icmp(), Protocol.ICMP, "*", "ICMP"],
      [Port.esp(), Protocol.ESP, "*", "ESP"],
      [Port.ah(), Protocol.AH, "*", "AH"],
      [Port.allTraffic(), Protocol.ALL, "*", "any protocol any port"],
    ];
    for (const [port, protocol, range, label] of cases) {
      expect([port.protocol, port.portRange, port.toString()]).toEqual([protocol, range, label]);
    }
  });

  test("covers", () => {
    expect(Port.tcpRange(100, 200).covers(Protocol.TCP, 150)).toBe(true);
    expect(Port.tcpRange(100, 200).covers(Protocol.TCP, 201)).toBe(false);
    expect(Port.tcpRange(100, 200).covers(Protocol.UDP, 150)).toBe(false);
    expect(Port.allTraffic().covers(Protocol.UDP, 9)).toBe(true);
    expect(Port.allUdp().covers(Protocol.UDP, 7)).toBe(true);
  });

  test.each([
    [() => Port.tcp(0), /Invalid port: 0\. Allowed: an integer port from 1 to 65535/],
    [() => Port.udp(65536), /Invalid port: 65536/],
    [() => Port.tcp(80.5), /Invalid port: 80\.5/],
    [() => Port.tcpRange(0, 10), /Invalid fromPort: 0/],
    [() => Port.udpRange(10, 70000), /Invalid toPort: 70000/],
    [() => Port.udpRange(200, 100), /Invalid toPort: 100\. Allowed: a port not below fromPort \(200\)/],
  ])("bad port %#", (fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe("CIDR helpers", () => {
  test("parse, contain, overlap", () => {
    const vnet = parseCidr("x", "10.10.0.0/16");
    const a = tryParseCidr("10.10.1.0/24")!;
    const b = tryParseCidr("10.10.1.128/25")!;
    const c = tryParseCidr("10.11.0.0/24")!;
    expect(cidrContains(vnet, a)).toBe(true);
    expect(cidrContains(a, vnet)).toBe(false);
    expect(cidrOverlaps(a, b)).toBe(true);
    expect(cidrOverlaps(a, c)).toBe(false);
    expect(tryParseCidr("10.1")).toBeUndefined();
    expect(() => parseCidr("addressPrefix", "10.10.1.1/24", { requireNetworkAddress: true })).toThrow(/network address \(10\.10\.1\.0\/24\)/);
  });
});
