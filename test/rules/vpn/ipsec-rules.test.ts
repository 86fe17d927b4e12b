import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { VirtualNetworkGateway, VirtualNetworkGatewayVpnClientConfiguration } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import { VirtualNetworkGatewayConnection, VirtualNetworkGatewayConnectionIpsecPolicy } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { RuleLevel } from "../../../src/engine/rule";
import { VPN_PACK } from "../../../src/rules/vpn";
import { checkFixture, failures, openFindings, unverified } from "../../support/fixtures";

const STRONG: VirtualNetworkGatewayConnectionIpsecPolicy = {
  dhGroup: "ECP384", ikeEncryption: "AES256", ikeIntegrity: "SHA384",
  ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", pfsGroup: "ECP384", saLifetime: 3600, saDatasize: 102400000,
};

function gateway(s: Construct, vpnClient?: VirtualNetworkGatewayVpnClientConfiguration) {
  return new VirtualNetworkGateway(s, "gw", {
    name: "gw", location: "westeurope", resourceGroupName: "rg", type: "Vpn", vpnType: "RouteBased", sku: "VpnGw2",
    ipConfiguration: [{ name: "ip", subnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/GatewaySubnet", publicIpAddressId: "/subscriptions/x/pip" }],
    vpnClientConfiguration: vpnClient,
  });
}

interface ConnOpts {
  policy?: Partial<VirtualNetworkGatewayConnectionIpsecPolicy> | null;
  protocol?: string;
  type?: string;
  sharedKey?: "var" | "literal" | "none";
  policyFromVar?: keyof VirtualNetworkGatewayConnectionIpsecPolicy;
}

function connection(o: ConnOpts = {}) {
  return checkFixture((s) => {
    const gw = gateway(s);
    const lng = new LocalNetworkGateway(s, "lng", { name: "onprem", location: "westeurope", resourceGroupName: "rg", gatewayAddress: "203.0.113.10", addressSpace: ["192.168.0.0/24"] });
    const key = o.sharedKey ?? "var";
    const policy = o.policy === null ? undefined : { ...STRONG, ...(o.policy ?? {}) } as VirtualNetworkGatewayConnectionIpsecPolicy;
    if (policy && o.policyFromVar) (policy as any)[o.policyFromVar] = new TerraformVariable(s, "pv", { type: "string" }).stringValue;
    new VirtualNetworkGatewayConnection(s, "conn", {
      name: "conn", location: "westeurope", resourceGroupName: "rg", type: o.type ?? "IPsec",
      virtualNetworkGatewayId: gw.id, localNetworkGatewayId: lng.id,
      connectionProtocol: o.protocol,
      sharedKey: key === "var" ? new TerraformVariable(s, "psk", { type: "string", sensitive: true }).stringValue : key === "literal" ? "hunter2-hunter2" : undefined,
      ipsecPolicy: policy,
    });
  }, VPN_PACK.rules);
}

const ADDR = "azurerm_virtual_network_gateway_connection.conn";

describe("a strong connection", () => {
  test("has only the preshared-key warning", () => {
    const r = connection();
    expect(openFindings(r).map((f) => f.ruleId)).toEqual(["SDZ-VPN-007"]);
  });
});

describe("SDZ-VPN-001 no custom ipsec_policy", () => {
  test("a connection without ipsec_policy warns", () => {
    const f = failures(connection({ policy: null }), "SDZ-VPN-001");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ address: ADDR, level: RuleLevel.WARNING });
    expect(f[0].message).toMatch(/DH group 2/);
  });
  test("an ExpressRoute connection is not an IPsec connection", () => {
    expect(failures(connection({ policy: null, type: "ExpressRoute", sharedKey: "none" }), "SDZ-VPN-001")).toHaveLength(0);
  });
  test("with a policy it passes", () => {
    expect(openFindings(connection(), "SDZ-VPN-001")).toHaveLength(0);
  });
});

describe("SDZ-VPN-002 weak DH or PFS", () => {
  test.each([["dhGroup", "DHGroup2"], ["dhGroup", "DHGroup1"], ["dhGroup", "None"], ["pfsGroup", "None"], ["pfsGroup", "PFS1"], ["pfsGroup", "PFS2"]])("%s %s fails as an error", (field, value) => {
    const f = failures(connection({ policy: { [field]: value } }), "SDZ-VPN-002");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.ERROR);
    expect(f[0].message).toContain(value);
  });
  test("PFSMM inherits a weak main-mode group", () => {
    expect(failures(connection({ policy: { dhGroup: "DHGroup2", pfsGroup: "PFSMM" } }), "SDZ-VPN-002")).toHaveLength(2);
    expect(failures(connection({ policy: { dhGroup: "DHGroup24", pfsGroup: "PFSMM" } }), "SDZ-VPN-002")).toHaveLength(0);
  });
  test.each([["DHGroup14", "PFS2048"], ["DHGroup24", "PFS24"], ["ECP256", "ECP256"], ["DHGroup2048", "PFS14"]])("%s with %s passes", (dh, pfs) => {
    expect(openFindings(connection({ policy: { dhGroup: dh, pfsGroup: pfs } }), "SDZ-VPN-002")).toHaveLength(0);
  });
  test("a group from a variable is unverified, never compliant", () => {
    const r = connection({ policyFromVar: "dhGroup" });
    expect(failures(r, "SDZ-VPN-002")).toHaveLength(0);
    expect(unverified(r, "SDZ-VPN-002")[0].message).toMatch(/could not verify: ipsec_policy: dh_group/);
  });
});

describe("SDZ-VPN-003 DES/3DES or MD5", () => {
  test.each([["ikeEncryption", "DES3"], ["ipsecEncryption", "DES"], ["ikeIntegrity", "MD5"], ["ipsecIntegrity", "MD5"]])("%s %s fails", (field, value) => {
    const f = failures(connection({ policy: { [field]: value } }), "SDZ-VPN-003");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(value);
    expect(f[0].level).toBe(RuleLevel.ERROR);
  });
  test("AES and SHA-2 pass", () => {
    expect(openFindings(connection({ policy: { ikeEncryption: "AES256", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256" } }), "SDZ-VPN-003")).toHaveLength(0);
  });
});

describe("SDZ-VPN-004 null ESP", () => {
  test("ipsec_encryption None fails", () => {
    const f = failures(connection({ policy: { ipsecEncryption: "None", ipsecIntegrity: "SHA256" } }), "SDZ-VPN-004");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/unencrypted/);
  });
  test("GCM passes", () => {
    expect(openFindings(connection(), "SDZ-VPN-004")).toHaveLength(0);
  });
});

describe("SDZ-VPN-005 SHA1", () => {
  test("SHA1 warns for each field", () => {
    const f = failures(connection({ policy: { ikeIntegrity: "SHA1", ipsecEncryption: "AES256", ipsecIntegrity: "SHA1" } }), "SDZ-VPN-005");
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining("ike_integrity"), expect.stringContaining("ipsec_integrity")]);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("SHA384 passes", () => {
    expect(openFindings(connection(), "SDZ-VPN-005")).toHaveLength(0);
  });
});

describe("SDZ-VPN-006 IKEv1", () => {
  test("IKEv1 warns", () => {
    const f = failures(connection({ protocol: "IKEv1" }), "SDZ-VPN-006");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("IKEv2 (explicit or default) passes", () => {
    expect(openFindings(connection({ protocol: "IKEv2" }), "SDZ-VPN-006")).toHaveLength(0);
    expect(openFindings(connection(), "SDZ-VPN-006")).toHaveLength(0);
  });
});

describe("SDZ-VPN-007 preshared key", () => {
  test("an IPsec connection warns and says why", () => {
    const f = failures(connection(), "SDZ-VPN-007");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].message).toMatch(/azurerm 4.55 has no certificate authentication/);
  });
  test("an ExpressRoute connection does not use IKE", () => {
    expect(failures(connection({ type: "ExpressRoute", sharedKey: "none" }), "SDZ-VPN-007")).toHaveLength(0);
  });
});

describe("SDZ-VPN-008 literal secrets", () => {
  test("a literal shared key fails", () => {
    const f = failures(connection({ sharedKey: "literal" }), "SDZ-VPN-008");
    expect(f).toHaveLength(1);
    expect(f[0].message).not.toContain("hunter2");
  });
  test("a shared key from a sensitive variable passes", () => {
    expect(openFindings(connection(), "SDZ-VPN-008")).toHaveLength(0);
  });
  test("a literal RADIUS secret fails", () => {
    const r = checkFixture((s) => { gateway(s, { addressSpace: ["172.16.0.0/24"], radiusServerAddress: "10.0.0.5", radiusServerSecret: "s3cret", vpnClientProtocols: ["IkeV2"] }); }, VPN_PACK.rules);
    expect(failures(r, "SDZ-VPN-008")).toHaveLength(1);
  });
});

describe("SDZ-VPN-009 SA lifetime", () => {
  test("a day-long SA lifetime warns", () => {
    const f = failures(connection({ policy: { saLifetime: 86400 } }), "SDZ-VPN-009");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("86400");
  });
  test("one hour passes", () => {
    expect(openFindings(connection(), "SDZ-VPN-009")).toHaveLength(0);
  });
});

describe("SDZ-VPN-010 point-to-site", () => {
  const cert = [{ name: "root", publicCertData: "MIIBfake" }];
  const p2s = (c: Partial<VirtualNetworkGatewayVpnClientConfiguration>) =>
    checkFixture((s) => { gateway(s, { addressSpace: ["172.16.0.0/24"], ...c }); }, VPN_PACK.rules);

  test("SSTP warns", () => {
    const f = failures(p2s({ vpnClientProtocols: ["SSTP"], rootCertificate: cert }), "SDZ-VPN-010");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/SSTP/);
  });
  test("RADIUS-only (explicit or inferred) warns", () => {
    const secret = (s: Construct) => new TerraformVariable(s, "rs", { type: "string", sensitive: true }).stringValue;
    const explicit = checkFixture((s) => { gateway(s, { addressSpace: ["172.16.0.0/24"], vpnClientProtocols: ["IkeV2"], vpnAuthTypes: ["Radius"], radiusServerAddress: "10.0.0.5", radiusServerSecret: secret(s) }); }, VPN_PACK.rules);
    expect(failures(explicit, "SDZ-VPN-010")[0].message).toMatch(/RADIUS only/);
    const inferred = checkFixture((s) => { gateway(s, { addressSpace: ["172.16.0.0/24"], vpnClientProtocols: ["IkeV2"], radiusServerAddress: "10.0.0.5", radiusServerSecret: secret(s) }); }, VPN_PACK.rules);
    expect(failures(inferred, "SDZ-VPN-010")).toHaveLength(1);
  });
  test("IKEv2/OpenVPN with certificates passes; Entra ID with OpenVPN passes", () => {
    expect(openFindings(p2s({ vpnClientProtocols: ["IkeV2", "OpenVPN"], vpnAuthTypes: ["Certificate"], rootCertificate: cert }), "SDZ-VPN-010")).toHaveLength(0);
    expect(openFindings(p2s({ vpnClientProtocols: ["OpenVPN"], vpnAuthTypes: ["AAD"], aadTenant: "https://login.microsoftonline.com/t/", aadAudience: "a", aadIssuer: "https://sts.windows.net/t/" }), "SDZ-VPN-010")).toHaveLength(0);
  });
  test("protocols from a variable are unverified", () => {
    const r = checkFixture((s) => { gateway(s, { addressSpace: ["172.16.0.0/24"], vpnClientProtocols: new TerraformVariable(s, "protos", { type: "list(string)" }).listValue, rootCertificate: cert }); }, VPN_PACK.rules);
    expect(unverified(r, "SDZ-VPN-010")).toHaveLength(1);
  });
  test("a weak point-to-site ipsec_policy is checked like a connection's", () => {
    const r = p2s({
      vpnClientProtocols: ["IkeV2"], rootCertificate: cert,
      ipsecPolicy: { dhGroup: "DHGroup2", ikeEncryption: "AES256", ikeIntegrity: "SHA256", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", pfsGroup: "None", saLifetimeInSeconds: 3600, saDataSizeInKilobytes: 102400 },
    });
    const f = failures(r, "SDZ-VPN-002");
    expect(f).toHaveLength(2);
    expect(f[0].message).toMatch(/vpn_client_configuration.ipsec_policy/);
  });
});
