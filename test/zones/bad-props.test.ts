/**
 * Every class of bad input issue 14 found accepted (the 40 of 200 invalid props tried), each
 * refused at construction with an error that names the construct path, the prop, the value (never
 * for a secret) and what is allowed.
 */
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack, TerraformVariable } from "cdktf";
import { ConstructErrorCode } from "../../src";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { HubFirewall } from "../../src/hub/hub-firewall";
import { HubGateway } from "../../src/hub/hub-gateway";
import { SiteToSiteTunnel } from "../../src/ipsec/site-to-site-tunnel";
import { FilesIdentitySource, StateMigrationShare } from "../../src/migration";
import { Peer, PeerKind } from "../../src/network/peer";
import { Port } from "../../src/network/port";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork, DeploymentNetworkProps } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { errorOf } from "../support/construct-errors";
import { newStack } from "../support/fixtures";

/** Runs `fn` and returns the construction error it throws (failing when it throws anything else). */

function expectRefused(fn: () => unknown, expected: { path: string; prop: string; value?: string; allowed: RegExp; code?: ConstructErrorCode }) {
  const e = errorOf(fn);
  expect({ path: e.constructPath, prop: e.prop, code: e.code })
    .toEqual({ path: expected.path, prop: expected.prop, code: expected.code ?? ConstructErrorCode.INVALID_VALUE });
  if (expected.value !== undefined) expect(e.valueText).toBe(expected.value);
  expect(e.allowed).toMatch(expected.allowed);
  // The message carries all of it, for humans.
  expect(e.message).toContain(`${expected.path}: Invalid ${expected.prop}: `);
  expect(e.message).toContain(`[${e.code}]`);
  return e;
}

const NET: DeploymentNetworkProps = { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true };

function password(stack: TerraformStack) {
  return SensitiveValue.fromVariable(new TerraformVariable(stack, `pw${stack.node.children.length}`, { type: "string", sensitive: true }));
}

function site() {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", NET);
  const zone = new DeploymentZone(stack, "Servers", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const server = (id: string, over: Record<string, unknown> = {}) => new SecureWindowsServer(stack, id, {
    zone, serverName: id.toLowerCase(), privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: password(stack), ...over,
  } as any);
  return { stack, network, zone, server };
}

describe("address spaces Azure refuses", () => {
  test.each([
    ["0.0.0.0/0", /never 0\.0\.0\.0\/0/],
    ["224.0.0.0/8", /outside 224\.0\.0\.0\/4 \(multicast\)/],
    ["127.0.0.0/8", /outside 127\.0\.0\.0\/8 \(loopback\)/],
    ["169.254.0.0/16", /outside 169\.254\.0\.0\/16 \(link-local\)/],
    ["168.63.129.16/32", /outside 168\.63\.129\.16\/32 \(Azure's internal DNS/],
    ["0.0.0.0/1", /outside 127\.0\.0\.0\/8 \(loopback\)/],
  ])("%s", (cidr, allowed) => {
    const { stack } = newStack();
    expectRefused(() => new DeploymentNetwork(stack, "Net", { ...NET, addressSpace: ["10.0.0.0/16", cidr] }),
      { path: "test/Net", prop: "addressSpace[1]", value: JSON.stringify(cidr), allowed });
  });
});

describe("resource group names", () => {
  test.each([["with /", "rg/one"], ["with ?", "rg?"], ["of 200 characters", "r".repeat(200)], ["ending with .", "rg."], ["padded", " rg"]])("%s", (_, name) => {
    const { stack } = newStack();
    const e = expectRefused(() => new DeploymentNetwork(stack, "Net", { ...NET, resourceGroupName: name }),
      { path: "test/Net", prop: "resourceGroupName", allowed: /resource group name of 1-90 characters: letters, digits, '_', '\(', '\)', '-', '\.'; not ending with '\.'/ });
    expect(e.valueText!.length).toBeLessThanOrEqual(302);
  });

  test("a network name whose default resource group name would be invalid names the network name", () => {
    const { stack } = newStack();
    // VNet names allow 64 characters; <name>-rg stays within 90, so only the character rules can fail.
    expectRefused(() => new DeploymentNetwork(stack, "Net", { ...NET, name: "v".repeat(65) }), { path: "test/Net", prop: "name", allowed: /virtual network name of 2-64/ });
  });
});

describe("names Azure would refuse, derived from a prop", () => {
  test("an NSG name over 80 characters from a long zone name", () => {
    const { stack, network } = site();
    const zoneName = "z".repeat(78);
    expectRefused(() => new DeploymentZone(stack, "Long", { network, zoneName, addressPrefix: "10.0.2.0/24", trustLevel: TrustLevel.INTERNAL }),
      { path: "test/Long", prop: "zoneName", value: JSON.stringify(zoneName), allowed: /at most 76 characters, so that the derived network security group name .* is a network security group name of 1-80 characters/ });
  });

  test("a tunnel name whose connection name would exceed 80 characters", () => {
    const { stack, network } = site();
    const gateway = new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    expectRefused(() => new SiteToSiteTunnel(stack, "T", {
      gateway, tunnelName: "t".repeat(70), peerGatewayAddress: "203.0.113.10", onPremisesAddressSpace: ["192.168.0.0/24"], sharedKey: password(stack),
    }), { path: "test/T", prop: "tunnelName", allowed: /at most 69 characters/ });
  });
});

describe("tags", () => {
  test.each([
    ["a name with <", { "cost<center": "a" }, 'tags["cost<center"]', /without surrounding whitespace and without < > % & \\ \? \//],
    ["a name with >", { "a>b": "a" }, 'tags["a>b"]', /tag name of 1-512 characters/],
    ["a value of 257 characters", { owner: "x".repeat(257) }, 'tags["owner"]', /a string tag value of at most 256 characters/],
    ["an empty name", { "": "empty name" }, 'tags[""]', /tag name of 1-512 characters/],
    ["a padded value", { owner: " ops" }, 'tags["owner"]', /without surrounding whitespace/],
  ])("%s on a network", (_, tags, prop, allowed) => {
    const { stack } = newStack();
    expectRefused(() => new DeploymentNetwork(stack, "Net", { ...NET, tags }), { path: "test/Net", prop, allowed });
  });

  test("more than 50 tags on one resource, counting the network's, the zone's and the construct's own", () => {
    const { stack } = newStack();
    const many = (n: number, p: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${p}${i}`, "v"]));
    const network = new DeploymentNetwork(stack, "Net", { ...NET, tags: many(30, "net") });
    // 30 + 19 + the 2 zone tags = 51
    expectRefused(() => new DeploymentZone(stack, "Z", { network, zoneName: "z", addressPrefix: "10.0.2.0/24", trustLevel: TrustLevel.INTERNAL, tags: many(19, "zone") }),
      { path: "test/Z", prop: "tags", value: "\"51 tags\"", allowed: /at most 50 tags per resource/ });
    expectRefused(() => new DeploymentNetwork(stack, "Net2", { ...NET, tags: many(51, "t") }), { path: "test/Net2", prop: "tags", allowed: /at most 50 tags/ });
  });

  test("storage accounts allow tag names of 128 characters only", () => {
    const { stack, zone } = site();
    expectRefused(() => new StateMigrationShare(stack, "Share", {
      zone, storageAccountName: "share01", quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS }, tags: { ["n".repeat(129)]: "v" },
    }), { path: "test/Share", prop: `tags["${"n".repeat(40)}"]`, allowed: /tag name of 1-128 characters \(storage accounts\)/ });
  });
});

describe("whitespace is refused, never written through", () => {
  test.each([
    ["addressSpace", () => new DeploymentNetwork(newStack().stack, "Net", { ...NET, addressSpace: ["10.0.0.0/16 "] }), "test/Net", "addressSpace[0]", "\"10.0.0.0/16 \""],
    ["dnsServers", () => new DeploymentNetwork(newStack().stack, "Net", { ...NET, dnsServers: [" 10.0.1.4"] }), "test/Net", "dnsServers[0]", "\" 10.0.1.4\""],
  ])("%s", (_, fn, path, prop, value) => {
    expectRefused(fn, { path, prop, value, allowed: /without surrounding whitespace/ });
  });

  test("a zone prefix and a static IP", () => {
    const { stack, network, server } = site();
    expectRefused(() => new DeploymentZone(stack, "Z", { network, zoneName: "z", addressPrefix: "10.0.2.0/24\n", trustLevel: TrustLevel.INTERNAL }),
      { path: "test/Z", prop: "addressPrefix", value: "\"10.0.2.0/24\\n\"", allowed: /without surrounding whitespace/ });
    expectRefused(() => server("Srv", { privateIpAddress: "10.0.1.10 " }),
      { path: "test/Srv", prop: "privateIpAddress", value: "\"10.0.1.10 \"", allowed: /without surrounding whitespace/ });
  });
});

describe("server settings", () => {
  test.each([
    ["an admin name ending in '.'", { adminUsername: "opsadmin." }, "adminUsername", "\"opsadmin.\"", /not ending with '\.'/],
    ["a reserved admin name", { adminUsername: "Admin" }, "adminUsername", "\"Admin\"", /not a reserved name/],
    ["an admin name over 20 characters", { adminUsername: "a".repeat(21) }, "adminUsername", undefined, /1-20 letters/],
    ["availability zone 4", { availabilityZone: "4" }, "availabilityZone", "\"4\"", /"1", "2" or "3"/],
    ["an empty VM size", { size: "" }, "size", "\"\"", /a Standard Azure VM size with premium storage and Trusted Launch, such as Standard_D2s_v5/],
    ["a VM size of another shape", { size: "D2s v5" }, "size", "\"D2s v5\"", /a Standard Azure VM size/],
    ["a Basic VM size (no Gen2 for Trusted Launch, no premium storage)", { size: "Basic_A2" }, "size", "\"Basic_A2\"", /a Standard Azure VM size .*not a Basic_ size/],
    ["a server name over 15 characters", { serverName: "s".repeat(16) }, "serverName", undefined, /Windows VM name of 1-15 characters/],
  ])("%s", (_, over, prop, value, allowed) => {
    const { server } = site();
    expectRefused(() => server("Srv", over), { path: "test/Srv", prop, value, allowed });
  });
});

describe("values that must be unique across the constructs of a stack", () => {
  test("the same static IP twice (two servers, or a server and a private endpoint)", () => {
    const { stack, zone, server } = site();
    server("Srv1");
    expectRefused(() => server("Srv2"), {
      path: "test/Srv2", prop: "privateIpAddress", value: "\"10.0.1.10\"", code: ConstructErrorCode.DUPLICATE_VALUE,
      allowed: /a static private IP address not already used in this network: test\/Srv1 uses it/,
    });
    expectRefused(() => new StateMigrationShare(stack, "Share", { zone, storageAccountName: "share01", quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS }, privateIpAddress: "10.0.1.10" }),
      { path: "test/Share", prop: "privateIpAddress", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /test\/Srv1 uses it/ });
  });

  test("the same server name twice (case-insensitive, as Windows compares computer names)", () => {
    const { server } = site();
    server("Srv1", { serverName: "app01" });
    expectRefused(() => server("Srv2", { serverName: "APP01", privateIpAddress: "10.0.1.11" }),
      { path: "test/Srv2", prop: "serverName", value: "\"APP01\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /a server name not already used in this stack: test\/Srv1 uses it/ });
  });

  test("the same storage account name twice (global in Azure), including the network's flow log account", () => {
    const { stack } = newStack();
    const network = new DeploymentNetwork(stack, "Net", { ...NET, disableFlowLogs: false, flowLogs: { storageAccountName: "logs01" } });
    const zone = new DeploymentZone(stack, "Z", { network, zoneName: "z", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
    const share = (id: string, storageAccountName: string) => new StateMigrationShare(stack, id, {
      zone, storageAccountName, quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS },
    });
    share("A", "share01");
    expectRefused(() => share("B", "share01"), { path: "test/B", prop: "storageAccountName", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /not already used in this app \(the name is global in Azure\): test\/A uses it/ });
    expectRefused(() => share("C", "logs01"), { path: "test/C", prop: "storageAccountName", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /test\/Net uses it/ });
  });

  test("the same tunnel name twice", () => {
    const { stack, network } = site();
    const gateway = new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    const tunnel = (id: string, range: string) => new SiteToSiteTunnel(stack, id, {
      gateway, tunnelName: "hq", peerGatewayAddress: "203.0.113.10", onPremisesAddressSpace: [range], sharedKey: password(stack),
    });
    tunnel("T1", "192.168.0.0/24");
    expectRefused(() => tunnel("T2", "192.168.1.0/24"), { path: "test/T2", prop: "tunnelName", value: "\"hq\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /test\/T1 uses it/ });
  });
});

describe("a missing required prop names the prop (never a TypeError)", () => {
  test.each<[string, (s: ReturnType<typeof site>) => unknown, string, string]>([
    ["network props", ({ stack }) => new DeploymentNetwork(stack, "N2", undefined as any), "test/N2", "props"],
    ["network name", ({ stack }) => new DeploymentNetwork(stack, "N2", { location: "westeurope", addressSpace: ["10.9.0.0/16"] } as any), "test/N2", "name"],
    ["network address space", ({ stack }) => new DeploymentNetwork(stack, "N2", { name: "v2", location: "westeurope" } as any), "test/N2", "addressSpace"],
    ["zone network", ({ stack }) => new DeploymentZone(stack, "Z2", { zoneName: "z2", addressPrefix: "10.0.2.0/24", trustLevel: TrustLevel.INTERNAL } as any), "test/Z2", "network"],
    ["zone prefix", ({ stack, network }) => new DeploymentZone(stack, "Z2", { network, zoneName: "z2", trustLevel: TrustLevel.INTERNAL } as any), "test/Z2", "addressPrefix"],
    ["zone trust", ({ stack, network }) => new DeploymentZone(stack, "Z2", { network, zoneName: "z2", addressPrefix: "10.0.2.0/24" } as any), "test/Z2", "trustLevel"],
    ["server admin name", ({ server }) => server("S2", { adminUsername: undefined }), "test/S2", "adminUsername"],
    ["server password", ({ server }) => server("S2", { adminPassword: undefined }), "test/S2", "adminPassword"],
    ["server zone", ({ server }) => server("S2", { zone: undefined }), "test/S2", "zone"],
    ["share quota", ({ stack, zone }) => new StateMigrationShare(stack, "Sh", { zone, storageAccountName: "share01", identity: { source: FilesIdentitySource.ENTRA_KERBEROS } } as any), "test/Sh", "quotaGib"],
    ["share identity", ({ stack, zone }) => new StateMigrationShare(stack, "Sh", { zone, storageAccountName: "share01", quotaGib: 100 } as any), "test/Sh", "identity"],
    ["tunnel shared key", ({ stack, network }) => new SiteToSiteTunnel(stack, "T", {
      gateway: new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" }), tunnelName: "hq", peerGatewayAddress: "203.0.113.10", onPremisesAddressSpace: ["192.168.0.0/24"],
    } as any), "test/T", "sharedKey"],
  ])("%s", (_, build, path, prop) => {
    const s = site();
    const e = errorOf(() => build(s));
    expect([e.constructPath, e.prop, e.code]).toEqual([path, prop, ConstructErrorCode.MISSING_VALUE]);
    expect(e.message).not.toMatch(/Cannot read properties/);
  });
});

describe("Azure's per-NSG limits", () => {
  test("a zone refuses the flow that would make its NSG hold more than 1,000 security rules (p02)", () => {
    const { zone } = site();
    // The zone's own rules: the inbound deny-all and the ICMP allow from the network.
    for (let i = 0; i < 998; i++) zone.allowInbound(Peer.ipv4("10.0.2.4/32"), Port.tcp(1024 + i), `flow ${i}`);
    expect(zone.flows).toHaveLength(998);
    expectRefused(() => zone.allowOutbound(Peer.ipv4("10.0.2.4/32"), Port.tcp(5000), "one too many"), {
      path: "test/Servers", prop: "flows", value: "\"1001 security rules in NSG servers-nsg (999 flows and 2 rules of the zone's own)\"",
      allowed: /^at most 1000 security rules per NSG \(Azure's limit\); split the zone/,
    });
    expect(zone.flows).toHaveLength(998);
    // The same flow again is the same rule, not a new one: still accepted.
    expect(zone.allowInbound(Peer.ipv4("10.0.2.4/32"), Port.tcp(1024), "flow 0")).toBe(zone.flows[0].rule);
  });
});

describe("names Azure keeps unique per resource group, across networks sharing one (p04)", () => {
  function shared() {
    const { stack } = newStack();
    const rg = new ResourceGroup(stack, "Rg", { name: "osd-rg", location: "westeurope" });
    const network = (id: string, space: string) =>
      new DeploymentNetwork(stack, id, { ...NET, name: id.toLowerCase(), addressSpace: [space], resourceGroup: rg });
    return { stack, a: network("NetA", "10.1.0.0/16"), b: network("NetB", "10.2.0.0/16"), network };
  }

  test("two zones of one name in two networks sharing a resource group: the second NSG name is refused", () => {
    const { stack, a, b } = shared();
    new DeploymentZone(stack, "AServers", { network: a, zoneName: "servers", addressPrefix: "10.1.1.0/24", trustLevel: TrustLevel.INTERNAL });
    expectRefused(() => new DeploymentZone(stack, "BServers", { network: b, zoneName: "servers", addressPrefix: "10.2.1.0/24", trustLevel: TrustLevel.INTERNAL }), {
      path: "test/BServers", prop: "zoneName", value: "\"servers\"", code: ConstructErrorCode.DUPLICATE_VALUE,
      allowed: /^a value whose network security group name "servers-nsg" is not already used in resource group osd-rg: test\/AServers creates it there/,
    });
    // Other zone names, and the same zone name in a network of another group, are fine.
    new DeploymentZone(stack, "BApps", { network: b, zoneName: "apps", addressPrefix: "10.2.2.0/24", trustLevel: TrustLevel.INTERNAL });
    const c = new DeploymentNetwork(stack, "NetC", { ...NET, name: "netc", addressSpace: ["10.3.0.0/16"] });
    new DeploymentZone(stack, "CServers", { network: c, zoneName: "servers", addressPrefix: "10.3.1.0/24", trustLevel: TrustLevel.INTERNAL });
  });

  test("the same VNet name, hub names and route tables in one group; and two created groups of one name", () => {
    const { stack, network } = shared();
    expectRefused(() => new DeploymentNetwork(stack, "NetA2", { ...NET, name: "neta", addressSpace: ["10.4.0.0/16"], resourceGroup: stackRg(stack) }), {
      path: "test/NetA2", prop: "name", value: "\"neta\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /virtual network name "neta" .* test\/NetA creates it there/,
    });
    const c = network("NetC", "10.5.0.0/16");
    const d = network("NetD", "10.6.0.0/16");
    new HubGateway(stack, "GwC", { network: c, gatewaySubnetPrefix: "10.5.255.0/27" });
    expectRefused(() => new HubGateway(stack, "GwD", { network: d, gatewaySubnetPrefix: "10.6.255.0/27" }), {
      path: "test/GwD", prop: "gatewayName", value: "\"hub-vpngw\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /virtual network gateway name "hub-vpngw" .* test\/GwC/,
    });
    const fwC = new HubFirewall(stack, "FwC", { network: c, firewallSubnetPrefix: "10.5.254.0/26" });
    expectRefused(() => new HubFirewall(stack, "FwD", { network: d, firewallSubnetPrefix: "10.6.254.0/26" }), {
      path: "test/FwD", prop: "firewallName", value: "\"hub-fw\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /firewall name "hub-fw" .* test\/FwC/,
    });
    const e = network("NetE", "10.7.0.0/16");
    const fwD = new HubFirewall(stack, "FwD2", { network: e, firewallName: "fw-d", firewallSubnetPrefix: "10.7.254.0/26" });
    const gwC = stack.node.findChild("GwC") as HubGateway;
    const gwD = new HubGateway(stack, "GwD2", { network: e, gatewayName: "gw-d", gatewaySubnetPrefix: "10.7.255.0/27" });
    const zone = (net: DeploymentNetwork, id: string, name: string, prefix: string) =>
      new DeploymentZone(stack, id, { network: net, zoneName: name, addressPrefix: prefix, trustLevel: TrustLevel.INTERNAL });
    const onPremises = [Peer.ipv4("192.168.0.0/24")];
    fwC.routeThrough({ zone: zone(c, "CAct", "act-c", "10.5.5.0/24"), clients: onPremises, gateway: gwC });
    // Zone names differ (their NSG names must), but both GatewaySubnets would get a table "GatewaySubnet-rt".
    expectRefused(() => fwD.routeThrough({ zone: zone(e, "DAct", "act-d", "10.7.5.0/24"), clients: onPremises, gateway: gwD }), {
      path: "test/FwD2", prop: "gateway", value: "\"GatewaySubnet\"", code: ConstructErrorCode.DUPLICATE_VALUE,
      allowed: /route table name "GatewaySubnet-rt" is not already used in resource group osd-rg: test\/FwC\/Routes creates it there/,
    });
    const { stack: s2 } = newStack();
    new DeploymentNetwork(s2, "N1", { ...NET, name: "n1", resourceGroupName: "shared-rg" });
    expectRefused(() => new DeploymentNetwork(s2, "N2", { ...NET, name: "n2", addressSpace: ["10.9.0.0/16"], resourceGroupName: "Shared-RG" }), {
      path: "test/N2", prop: "resourceGroupName", value: "\"Shared-RG\"", code: ConstructErrorCode.DUPLICATE_VALUE, allowed: /a resource group name not already used in this stack: test\/N1 uses it/,
    });
  });
});

function stackRg(stack: TerraformStack): ResourceGroup {
  return stack.node.findChild("Rg") as ResourceGroup;
}

describe("a flow's local end lies in the zone (p09)", () => {
  test.each<[string, (z: DeploymentZone) => unknown, string]>([
    ["allowInbound", (z) => z.allowInbound(Peer.ipv4("10.0.2.4/32"), Port.RDP, "x", { local: Peer.ipv4("10.0.9.4/32") }), "\"10.0.9.4/32\""],
    ["allowOutbound", (z) => z.allowOutbound(Peer.ipv4("10.0.2.4/32"), Port.HTTPS, "x", { local: Peer.ipv4List(["10.0.1.4/32", "10.0.0.0/16"]) }), "\"10.0.0.0/16\""],
    ["denyInbound", (z) => z.denyInbound(Peer.anyIpv4(), Port.SMB, "x", { local: Peer.ipv4("192.168.1.4/32") }), "\"192.168.1.4/32\""],
  ])("%s refuses a local end outside the zone's prefix", (_, call, value) => {
    const { zone } = site();
    expectRefused(() => call(zone), { path: "test/Servers", prop: "local", value, allowed: /^hosts inside zone servers \(10\.0\.1\.0\/24\)$/ });
    expect(zone.flows).toHaveLength(0);
  });

  test("a local end inside the zone is accepted, and names its hosts on the rule", () => {
    const { zone } = site();
    const rule = zone.allowInbound(Peer.ipv4("10.0.2.4/32"), Port.RDP, "x", { local: Peer.ipv4("10.0.1.4/32") });
    expect(rule.destinationAddressPrefixInput).toBe("10.0.1.4/32");
  });
});

describe("a CIDR with host bits set, which Azure refuses in a security rule (case 04)", () => {
  const byHand = (prefix: string) => ({ kind: PeerKind.CIDRS, label: prefix, addressPrefixes: [prefix] });

  test("a flow refuses a hand-made peer whose prefix has host bits set, and adds no rule", () => {
    const { zone } = site();
    expectRefused(() => zone.allowInbound(byHand("192.168.10.7/24"), Port.RDP, "RDP from the admin VLAN"), {
      path: "test/Servers", prop: "peer", value: "\"192.168.10.7/24\"",
      allowed: /^an IPv4 CIDR block written with its network address .*: 192\.168\.10\.0\/24 for the whole block, or 192\.168\.10\.7 \(192\.168\.10\.7\/32\) for that one host$/,
    });
    expect(zone.flows).toHaveLength(0);
  });

  test("the network address is written through unchanged", () => {
    const { zone } = site();
    const rule = zone.allowInbound(Peer.ipv4("192.168.10.0/24"), Port.RDP, "RDP from the admin VLAN");
    expect(rule.sourceAddressPrefixInput).toBe("192.168.10.0/24");
  });
});
