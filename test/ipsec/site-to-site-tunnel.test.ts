import { TerraformStack, TerraformVariable } from "cdktf";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { NetworkIndex } from "../../src/engine/network-index";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { HubGateway } from "../../src/hub/hub-gateway";
import { IkeDhGroup, IkeEncryption, IkeIntegrity, IpsecEncryption, IpsecIntegrity, IpsecPolicyPreset, PfsGroup } from "../../src/ipsec/ipsec-policy";
import { IpsecNsgRules, SiteToSiteTunnel } from "../../src/ipsec/site-to-site-tunnel";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { ALL_RULES } from "../../src/rules";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

function setup(stack: TerraformStack) {
  const network = new DeploymentNetwork(stack, "Hub", { name: "hub-vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
  const gateway = new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
  const psk = SensitiveValue.fromVariable(new TerraformVariable(stack, "psk", { type: "string", sensitive: true }));
  return { network, gateway, psk };
}

const base = { tunnelName: "branch1", peerGatewayAddress: "203.0.113.10", onPremisesAddressSpace: ["192.168.10.0/24"] };

describe("SiteToSiteTunnel", () => {
  test("synthesizes an IKEv2 IPsec connection with the GCM-AES-256/SHA-384/ECP384 policy by default", () => {
    const { stack } = newStack();
    const { gateway, psk } = setup(stack);
    new SiteToSiteTunnel(stack, "T", { ...base, gateway, sharedKey: psk });
    const json = synthJson(stack);
    const conn = Object.values(json.resource.azurerm_virtual_network_gateway_connection)[0] as any;
    expect(conn).toMatchObject({ type: "IPsec", connection_protocol: "IKEv2", enable_bgp: false, use_policy_based_traffic_selectors: false });
    expect(conn.ipsec_policy).toEqual({
      dh_group: "ECP384", ike_encryption: "AES256", ike_integrity: "SHA384",
      ipsec_encryption: "GCMAES256", ipsec_integrity: "GCMAES256", pfs_group: "ECP384",
      sa_lifetime: 3600, sa_datasize: 10240000,
    });
    expect(conn.shared_key).toBe("${var.psk}");
    expect(conn.tags["sdz-ipsec-policy"]).toBe("GCM_AES256_SHA384_ECP384");
    expect(conn.local_network_gateway_id).toMatch(/azurerm_local_network_gateway\..+\.id/);
    const lng = Object.values(json.resource.azurerm_local_network_gateway)[0] as any;
    expect(lng).toMatchObject({ gateway_address: "203.0.113.10", address_space: ["192.168.10.0/24"] });
    expect(lng.tags?.["sdz-trust"]).toBeUndefined();
  });

  test("declared on-premises trust tags the local network gateway so the rules see the ranges as a zone", () => {
    const { stack } = newStack();
    const { gateway, psk } = setup(stack);
    new SiteToSiteTunnel(stack, "T", { ...base, gateway, sharedKey: psk, onPremisesTrustLevel: TrustLevel.PERIMETER, onPremisesZoneName: "branch-dmz", policy: IpsecPolicyPreset.AES256_SHA256_DHGROUP14 });
    const json = synthJson(stack);
    const lng = Object.values(json.resource.azurerm_local_network_gateway)[0] as any;
    expect(lng.tags).toMatchObject({ "sdz-zone": "branch-dmz", "sdz-trust": "PERIMETER" });
    const conn = Object.values(json.resource.azurerm_virtual_network_gateway_connection)[0] as any;
    expect(conn.ipsec_policy).toMatchObject({ dh_group: "DHGroup14", pfs_group: "PFS2048", ipsec_encryption: "AES256", ipsec_integrity: "SHA256" });
    const zones = NetworkIndex.of(TerraformModel.fromTerraformJson(json)).zones.filter((z) => z.onPremises);
    expect(zones).toHaveLength(1);
    expect(zones[0]).toMatchObject({ name: "branch-dmz", trust: TrustLevel.PERIMETER });
    expect(zones[0].prefixes.map((p) => p.text)).toEqual(["192.168.10.0/24"]);
  });

  test("a refused tunnel leaves the tree and gives back its name: the corrected retry under the same id is accepted", () => {
    const { stack } = newStack();
    const { gateway, psk } = setup(stack);
    new SiteToSiteTunnel(stack, "T", { ...base, gateway, sharedKey: psk });
    // Refused for a name another tunnel holds, then for an address: neither refusal stays in the tree.
    expect(() => new SiteToSiteTunnel(stack, "T2", { ...base, gateway, sharedKey: psk })).toThrow(/test\/T2: .*Invalid tunnelName: "branch1"/);
    expect(stack.node.tryFindChild("T2")).toBeUndefined();
    expect(() => new SiteToSiteTunnel(stack, "T2", { ...base, tunnelName: "branch2", peerGatewayAddress: "10.1.2.3", gateway, sharedKey: psk }))
      .toThrow(/test\/T2: .*Invalid peerGatewayAddress/);
    expect(stack.node.tryFindChild("T2")).toBeUndefined();
    new SiteToSiteTunnel(stack, "T2", { ...base, tunnelName: "branch2", peerGatewayAddress: "203.0.113.20", gateway, sharedKey: psk });
    const json = synthJson(stack);
    expect(Object.values<any>(json.resource.azurerm_local_network_gateway).map((g) => g.name).sort()).toEqual(["branch1-lng", "branch2-lng"]);
  });

  test("a tunnel is secure by default: no error finding, and the preshared-key warning explains the platform limit", () => {
    const { stack } = newStack();
    const { gateway, psk } = setup(stack);
    new SiteToSiteTunnel(stack, "T", { ...base, gateway, sharedKey: psk });
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES);
    expect(result.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
    const vpn = result.findings.filter((f) => f.ruleId.startsWith("SDZ-VPN") && f.status === FindingStatus.FAIL);
    expect(vpn.map((f) => f.ruleId)).toEqual(["SDZ-VPN-007"]);
    expect(vpn[0].level).toBe(RuleLevel.WARNING);
    expect(vpn[0].message).toMatch(/no certificate authentication/);
  });

  test.each([
    [{ tunnelName: "" }, /Invalid tunnelName: ""/],
    [{ peerGatewayAddress: "10.1.2.3" }, /Invalid peerGatewayAddress: "10.1.2.3"/],
    [{ peerGatewayAddress: "203.0.113.0/24" }, /Invalid peerGatewayAddress: "203.0.113.0\/24"/],
    [{ peerGatewayAddress: "vpn.example.com" }, /Invalid peerGatewayAddress: "vpn.example.com"/],
    [{ onPremisesAddressSpace: [] }, /Invalid onPremisesAddressSpace: \[\]/],
    [{ onPremisesAddressSpace: ["10.0.5.0/24"] }, /Invalid onPremisesAddressSpace\[0\]: "10.0.5.0\/24".*outside the VNet/],
    [{ onPremisesAddressSpace: ["0.0.0.0/0"] }, /Invalid onPremisesAddressSpace\[0\]: "0.0.0.0\/0"/],
    [{ onPremisesTrustLevel: "TRUSTED" }, /Invalid onPremisesTrustLevel: "TRUSTED"/],
    [{ sharedKey: "literal-psk" }, /Invalid sharedKey: <secret, not shown>/],
  ])("refuses bad input %#", (extra, message) => {
    const { stack } = newStack();
    const { gateway, psk } = setup(stack);
    expect(() => new SiteToSiteTunnel(stack, "T", { ...base, gateway, sharedKey: psk, ...(extra as any) })).toThrow(message);
  });
});

describe("IpsecPolicyPreset", () => {
  const good = {
    name: "custom", dhGroup: IkeDhGroup.DH_GROUP_24, ikeEncryption: IkeEncryption.GCM_AES256, ikeIntegrity: IkeIntegrity.SHA384,
    ipsecEncryption: IpsecEncryption.GCM_AES128, ipsecIntegrity: IpsecIntegrity.GCM_AES128, pfsGroup: PfsGroup.PFS_24,
  };

  test("custom accepts a strong policy and keeps its values", () => {
    const p = IpsecPolicyPreset.custom({ ...good, saLifetimeSeconds: 300, saDataSizeKilobytes: 1024 });
    expect(p).toMatchObject({ dhGroup: "DHGroup24", pfsGroup: "PFS24", ipsecEncryption: "GCMAES128", saLifetimeSeconds: 300, saDataSizeKilobytes: 1024 });
  });

  test.each([
    [{ dhGroup: "DHGroup2" }, /Invalid dhGroup: "DHGroup2". Allowed: DHGroup14, DHGroup2048, DHGroup24, ECP256, ECP384/],
    [{ dhGroup: "None" }, /Invalid dhGroup: "None"/],
    [{ pfsGroup: "PFS1" }, /Invalid pfsGroup: "PFS1"/],
    [{ pfsGroup: "None" }, /Invalid pfsGroup: "None"/],
    [{ ikeEncryption: "DES3" }, /Invalid ikeEncryption: "DES3"/],
    [{ ikeEncryption: "AES128" }, /Invalid ikeEncryption: "AES128"/],
    [{ ikeIntegrity: "SHA1" }, /Invalid ikeIntegrity: "SHA1"/],
    [{ ikeIntegrity: "MD5" }, /Invalid ikeIntegrity: "MD5"/],
    [{ ipsecEncryption: "None" }, /Invalid ipsecEncryption: "None"/],
    [{ ipsecEncryption: "DES" }, /Invalid ipsecEncryption: "DES"/],
    [{ ipsecIntegrity: "SHA1" }, /Invalid ipsecIntegrity: "SHA1"/],
    [{ ipsecIntegrity: "GCMAES256" }, /Invalid ipsecIntegrity: "GCMAES256". Allowed: GCMAES128/],
    [{ ipsecEncryption: "AES256", ipsecIntegrity: "GCMAES128" }, /Invalid ipsecIntegrity: "GCMAES128". Allowed: SHA256/],
    [{ saLifetimeSeconds: 299 }, /Invalid saLifetimeSeconds: 299. Allowed: an integer from 300 to 28800/],
    [{ saLifetimeSeconds: 86400 }, /Invalid saLifetimeSeconds: 86400/],
    [{ saDataSizeKilobytes: 512 }, /Invalid saDataSizeKilobytes: 512/],
    [{ saDataSizeKilobytes: 102400001 }, /Invalid saDataSizeKilobytes: 102400001/],
    [{ name: "bad name" }, /Invalid name: "bad name"/],
  ])("custom refuses weak or inconsistent field %#", (extra, message) => {
    expect(() => IpsecPolicyPreset.custom({ ...good, ...(extra as any) })).toThrow(message);
  });

  test("every preset passes its own validation and uses PFS with IKEv2-grade groups", () => {
    for (const p of [IpsecPolicyPreset.GCM_AES256_SHA384_ECP384, IpsecPolicyPreset.GCM_AES256_SHA256_ECP256, IpsecPolicyPreset.AES256_SHA256_DHGROUP14]) {
      expect(() => IpsecPolicyPreset.custom({ ...p })).not.toThrow();
      expect(p.saLifetimeSeconds).toBe(3600);
    }
  });
});

describe("IpsecNsgRules", () => {
  test("opens IKE, NAT-T and ESP from the peer gateway only, to the appliance only", () => {
    const { stack } = newStack();
    const network = new DeploymentNetwork(stack, "N", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
    const zone = new DeploymentZone(stack, "Edge", { network, zoneName: "edge", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.PERIMETER });
    IpsecNsgRules.allowTunnelEndpoint(zone, "198.51.100.7", Peer.ipv4("10.0.1.4/32"));
    const rules = (Object.values(synthJson(stack).resource.azurerm_network_security_rule) as any[]).filter((r) => r.access === "Allow" && /IPsec peer/.test(r.description));
    expect(rules.map((r) => [r.protocol, r.destination_port_range, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Esp", "*", "198.51.100.7/32", "10.0.1.4/32"],
      ["Udp", "4500", "198.51.100.7/32", "10.0.1.4/32"],
      ["Udp", "500", "198.51.100.7/32", "10.0.1.4/32"],
    ]);
    expect(() => IpsecNsgRules.allowTunnelEndpoint(zone, "198.51.100.0/24", Peer.ipv4("10.0.1.4/32"))).toThrow(/Invalid peerGatewayAddress: "198.51.100.0\/24"/);
  });
});
