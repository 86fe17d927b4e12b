import { STRONG } from "./fixtures";
import { VPN_PACK } from "../../../src/rules/vpn";
import { check, messages, TfJson } from "../../support/rule-harness";

/**
 * The defects a review of the VPN pack found (Virtual WAN never read, PolicyBased gateways,
 * point-to-site defaults, one unknown field reported by two rules), each on raw, untagged
 * resources as a user writes them, asserting the exact set of (rule, status, address) the whole
 * pack produces.
 */
const IDS = VPN_PACK.rules.map((r) => r.id);
const summary = (tf: TfJson | { [key: string]: unknown }): string[] =>
  check(tf, IDS).findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`).sort();

const GW_BODY = {
  name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
  ip_configuration: [{ name: "ip", subnet_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/GatewaySubnet", public_ip_address_id: "/x/pip" }],
};
const LNG_BODY = { name: "hq", location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: ["192.168.0.0/24"] };
const CONN = "azurerm_virtual_network_gateway_connection.hq";
const GW = "azurerm_virtual_network_gateway.gw";

/** A gateway, a local network gateway and one connection `hq`. */
function tunnel(connection: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}): TfJson {
  const tf = new TfJson();
  tf.json.variable = { psk: { type: "string", sensitive: true } };
  tf.add("azurerm_virtual_network_gateway", "gw", { ...GW_BODY, ...gateway });
  tf.add("azurerm_local_network_gateway", "hq", LNG_BODY);
  tf.add("azurerm_virtual_network_gateway_connection", "hq", {
    name: "hq", location: "westeurope", resource_group_name: "rg", type: "IPsec",
    virtual_network_gateway_id: TfJson.ref(GW), local_network_gateway_id: TfJson.ref("azurerm_local_network_gateway.hq"),
    shared_key: "${var.psk}", ipsec_policy: [STRONG], ...connection,
  });
  return tf;
}

// ---------------------------------------------------------------- C1: Virtual WAN

const VWAN_CONN = "azurerm_vpn_gateway_connection.hq";
const VWAN_P2S = "azurerm_vpn_server_configuration.p2s";
/** Field names of azurerm 4.55 (website/docs/r/vpn_gateway_connection.html.markdown). */
const VWAN_STRONG = {
  dh_group: "ECP384", ike_encryption_algorithm: "AES256", ike_integrity_algorithm: "SHA384", encryption_algorithm: "GCMAES256",
  integrity_algorithm: "GCMAES256", pfs_group: "ECP384", sa_data_size_kb: 10240000, sa_lifetime_sec: 3600,
};
/** Field names of azurerm 4.55 (website/docs/r/vpn_server_configuration.html.markdown). */
const P2S_STRONG = {
  dh_group: "ECP384", ike_encryption: "AES256", ike_integrity: "SHA384", ipsec_encryption: "GCMAES256", ipsec_integrity: "GCMAES256",
  pfs_group: "ECP384", sa_lifetime_seconds: 3600, sa_data_size_kilobytes: 102400,
};

function vwan(links: unknown, server: Record<string, unknown> | undefined = undefined): TfJson {
  const tf = new TfJson();
  tf.json.variable = { psk: { type: "string", sensitive: true } };
  tf.add("azurerm_vpn_site", "hq", {
    name: "hq", location: "westeurope", resource_group_name: "rg", virtual_wan_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualWans/w",
    link: [{ name: "l1", ip_address: "203.0.113.10" }, { name: "l2", ip_address: "203.0.113.11" }],
  });
  tf.add("azurerm_vpn_gateway_connection", "hq", {
    name: "hq", vpn_gateway_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/vpnGateways/g", remote_vpn_site_id: TfJson.ref("azurerm_vpn_site.hq"),
    vpn_link: links,
  });
  if (server) {
    tf.add("azurerm_vpn_server_configuration", "p2s", {
      name: "p2s", resource_group_name: "rg", location: "westeurope", vpn_authentication_types: ["Certificate"], vpn_protocols: ["IkeV2", "OpenVPN"],
      client_root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }], ipsec_policy: [P2S_STRONG], ...server,
    });
  }
  return tf;
}
const link = (name: string, body: Record<string, unknown> = {}) => ({
  name, vpn_site_link_id: `\${azurerm_vpn_site.hq.link[${name === "l1" ? 0 : 1}].id}`, shared_key: "${var.psk}", ipsec_policy: [VWAN_STRONG], ...body,
});

describe("C1 Virtual WAN site-to-site and point-to-site are read", () => {
  test("the review's vpn-vwan case: every weak value of a link and of a server configuration is found", () => {
    const tf = vwan([link("l1", {
      protocol: "IKEv1",
      ipsec_policy: [{ dh_group: "DHGroup2", ike_encryption_algorithm: "DES", ike_integrity_algorithm: "MD5", encryption_algorithm: "None", integrity_algorithm: "SHA1", pfs_group: "None", sa_data_size_kb: 2147483647, sa_lifetime_sec: 172799 }],
    })], {
      vpn_authentication_types: ["Radius"], vpn_protocols: ["IkeV2"], client_root_certificate: undefined,
      radius: [{ server: [{ address: "10.0.0.5", secret: "${var.psk}", score: 1 }] }],
      ipsec_policy: [{ dh_group: "DHGroup1", ike_encryption: "DES", ike_integrity: "MD5", ipsec_encryption: "None", ipsec_integrity: "SHA256", pfs_group: "None", sa_lifetime_seconds: 172799, sa_data_size_kilobytes: 2147483647 }],
    });
    expect(summary(tf)).toEqual([
      `SDZ-VPN-002 fail ${VWAN_CONN}`, `SDZ-VPN-002 fail ${VWAN_P2S}`,
      `SDZ-VPN-003 fail ${VWAN_CONN}`, `SDZ-VPN-003 fail ${VWAN_P2S}`,
      `SDZ-VPN-004 fail ${VWAN_CONN}`, `SDZ-VPN-004 fail ${VWAN_P2S}`,
      `SDZ-VPN-005 fail ${VWAN_CONN}`,
      `SDZ-VPN-006 fail ${VWAN_CONN}`,
      `SDZ-VPN-007 fail ${VWAN_CONN}`,
      `SDZ-VPN-009 fail ${VWAN_CONN}`, `SDZ-VPN-009 fail ${VWAN_P2S}`,
      `SDZ-VPN-010 fail ${VWAN_P2S}`,
      `SDZ-VPN-011 fail ${VWAN_CONN}`, `SDZ-VPN-011 fail ${VWAN_P2S}`,
    ]);
    const r = check(tf, IDS);
    expect(messages(r, "SDZ-VPN-003")).toEqual([
      `vpn_link[0] (l1).ipsec_policy of ${VWAN_CONN}: ike_encryption_algorithm is DES; ike_integrity_algorithm is MD5`,
      `ipsec_policy of ${VWAN_P2S}: ike_encryption is DES; ike_integrity is MD5`,
    ]);
    expect(messages(r, "SDZ-VPN-004")[0]).toMatch(/^vpn_link\[0\] \(l1\)\.ipsec_policy of .*: encryption_algorithm is None/);
    expect(messages(r, "SDZ-VPN-005")).toEqual([`vpn_link[0] (l1).ipsec_policy of ${VWAN_CONN}: integrity_algorithm is SHA1`]);
    expect(messages(r, "SDZ-VPN-006")).toEqual([`vpn_link[0] (l1) of ${VWAN_CONN} uses IKEv1`]);
    expect(messages(r, "SDZ-VPN-009").join("\n")).toMatch(/sa_lifetime_sec is 172799[^]*sa_lifetime_seconds is 172799/);
    expect(messages(r, "SDZ-VPN-011").join("\n")).toMatch(/sa_data_size_kb is 2147483647 KB[^]*sa_data_size_kilobytes is 2147483647 KB/);
    expect(messages(r, "SDZ-VPN-010")).toEqual([expect.stringMatching(/RADIUS only/)]);
  });

  test("strong links and a strong server configuration draw only the preshared-key warning", () => {
    expect(summary(vwan([link("l1"), link("l2")], {}))).toEqual([`SDZ-VPN-007 fail ${VWAN_CONN}`]);
  });

  test("each vpn_link is its own 'where'; a link without ipsec_policy is SDZ-VPN-001's; protocol defaults to IKEv2", () => {
    const tf = vwan([link("l1", { ipsec_policy: undefined }), link("l2", { ipsec_policy: [{ ...VWAN_STRONG, dh_group: "DHGroup2" }] })]);
    expect(summary(tf)).toEqual([`SDZ-VPN-001 fail ${VWAN_CONN}`, `SDZ-VPN-002 fail ${VWAN_CONN}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    const r = check(tf, IDS);
    expect(messages(r, "SDZ-VPN-001")).toEqual([expect.stringMatching(/^vpn_link\[0\] \(l1\) of azurerm_vpn_gateway_connection\.hq has no ipsec_policy: Virtual WAN's default proposals include DH group 2/)]);
    expect(messages(r, "SDZ-VPN-002")).toEqual([expect.stringMatching(/^vpn_link\[1\] \(l2\)\.ipsec_policy of .*: dh_group is DHGroup2/)]);
  });

  test("a link policy from a dynamic block, a field or protocol from a variable, or vpn_link itself from an expression is could-not-verify naming it", () => {
    const dyn = vwan([link("l1", { ipsec_policy: undefined, dynamic: { ipsec_policy: { for_each: "${var.p}", content: VWAN_STRONG } } })]);
    expect(summary(dyn)).toEqual([`SDZ-VPN-001 unverified ${VWAN_CONN}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    expect(messages(check(dyn, ["SDZ-VPN-001"]), "SDZ-VPN-001")[0]).toMatch(/vpn_link\[0\] \(l1\) of .*: ipsec_policy is a dynamic block/);
    const field = vwan([link("l1", { protocol: "${var.ike}", ipsec_policy: [{ ...VWAN_STRONG, ike_integrity_algorithm: "${var.integ}" }] })]);
    expect(summary(field)).toEqual([`SDZ-VPN-003 unverified ${VWAN_CONN}`, `SDZ-VPN-006 unverified ${VWAN_CONN}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    const r = check(field, IDS);
    expect(messages(r, "SDZ-VPN-003")[0]).toMatch(/ike_integrity_algorithm \(the variable integ/);
    expect(messages(r, "SDZ-VPN-006")[0]).toMatch(/vpn_link\[0\] \(l1\) of .*: protocol: the variable ike/);
    const expr = vwan("${var.links}");
    // One finding for the unreadable list, SDZ-VPN-001's (which names SDZ-VPN-006 and the policy rules).
    expect(summary(expr)).toEqual([`SDZ-VPN-001 unverified ${VWAN_CONN}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
  });

  test("a server configuration without ipsec_policy offering IkeV2 is SDZ-VPN-001's; with OpenVPN only it is not; unset vpn_protocols is could-not-verify", () => {
    expect(summary(vwan([link("l1")], { ipsec_policy: undefined }))).toEqual([`SDZ-VPN-001 fail ${VWAN_P2S}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    expect(summary(vwan([link("l1")], { ipsec_policy: undefined, vpn_protocols: ["OpenVPN"] }))).toEqual([`SDZ-VPN-007 fail ${VWAN_CONN}`]);
    expect(summary(vwan([link("l1")], { ipsec_policy: undefined, vpn_protocols: undefined }))).toEqual([`SDZ-VPN-001 unverified ${VWAN_P2S}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    expect(summary(vwan([link("l1")], { ipsec_policy: "${var.policy}" }))).toEqual([`SDZ-VPN-001 unverified ${VWAN_P2S}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
  });
});

// ---------------------------------------------------------------- C2: PolicyBased gateways

describe("C2 a connection on a PolicyBased gateway negotiates IKEv1", () => {
  test("the review's vpn-policybased case: IKEv1 whatever connection_protocol says, and SDZ-VPN-001 says the gateway takes no custom policy", () => {
    for (const proto of [undefined, "IKEv2"]) {
      const tf = tunnel({ ipsec_policy: undefined, connection_protocol: proto }, { vpn_type: "PolicyBased", sku: "Basic" });
      expect([proto, summary(tf)]).toEqual([proto, [`SDZ-VPN-001 fail ${CONN}`, `SDZ-VPN-006 fail ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]]);
      const r = check(tf, IDS);
      expect(messages(r, "SDZ-VPN-006")[0]).toMatch(/PolicyBased gateway azurerm_virtual_network_gateway\.gw, which negotiates IKEv1 only/);
      expect(messages(r, "SDZ-VPN-001")[0]).toMatch(/takes no custom ipsec_policy.*RouteBased/);
    }
  });

  test("RouteBased (written or the default) with IKEv2 passes; an unknown vpn_type is could-not-verify naming it, unless a custom policy shows the gateway is route-based", () => {
    expect(summary(tunnel({}, { vpn_type: undefined }))).toEqual([`SDZ-VPN-007 fail ${CONN}`]);
    expect(summary(tunnel({}, { vpn_type: "${var.vpn_type}" }))).toEqual([`SDZ-VPN-007 fail ${CONN}`]);
    const unknown = tunnel({ ipsec_policy: undefined }, { vpn_type: "${var.vpn_type}" });
    expect(summary(unknown)).toEqual([`SDZ-VPN-001 fail ${CONN}`, `SDZ-VPN-006 unverified ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
    expect(messages(check(unknown, ["SDZ-VPN-006"]), "SDZ-VPN-006")[0]).toMatch(/vpn_type of azurerm_virtual_network_gateway\.gw/);
  });

  test("a gateway outside the configuration: a custom policy means route-based (passes); none could mean PolicyBased (could-not-verify); IKEv1 is flagged", () => {
    const ext = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/other";
    expect(summary(tunnel({ virtual_network_gateway_id: ext }))).toEqual([`SDZ-VPN-007 fail ${CONN}`]);
    const bare = tunnel({ virtual_network_gateway_id: ext, ipsec_policy: undefined });
    expect(summary(bare)).toEqual([`SDZ-VPN-001 fail ${CONN}`, `SDZ-VPN-006 unverified ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
    expect(messages(check(bare, ["SDZ-VPN-006"]), "SDZ-VPN-006")[0]).toMatch(/virtual_network_gateway_id/);
    expect(summary(tunnel({ virtual_network_gateway_id: ext, connection_protocol: "IKEv1" }))).toEqual([`SDZ-VPN-006 fail ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
  });
});

// ---------------------------------------------------------------- C3: point-to-site defaults

describe("C3 point-to-site defaults are never 'passed'", () => {
  const CERT = { address_space: ["172.16.0.0/24"], root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }] };
  test("the review's vpn-p2s-defaults case: no protocols and no policy is could-not-verify once for the protocols and once for the IKE policy", () => {
    const tf = tunnel({}, { vpn_client_configuration: [CERT] });
    expect(summary(tf)).toEqual([`SDZ-VPN-001 unverified ${GW}`, `SDZ-VPN-007 fail ${CONN}`, `SDZ-VPN-010 unverified ${GW}`]);
    const r = check(tf, IDS);
    expect(messages(r, "SDZ-VPN-010")[0]).toMatch(/vpn_client_protocols is not set/);
    expect(messages(r, "SDZ-VPN-001")[0]).toMatch(/vpn_client_configuration\.ipsec_policy.*vpn_client_protocols is not set/);
  });
  test("IkeV2 without a policy is one SDZ-VPN-001 finding; OpenVPN only needs none", () => {
    expect(summary(tunnel({}, { vpn_client_configuration: [{ ...CERT, vpn_client_protocols: ["IkeV2"] }] }))).toEqual([`SDZ-VPN-001 fail ${GW}`, `SDZ-VPN-007 fail ${CONN}`]);
    expect(summary(tunnel({}, { vpn_client_configuration: [{ ...CERT, vpn_client_protocols: ["OpenVPN"] }] }))).toEqual([`SDZ-VPN-007 fail ${CONN}`]);
  });
});

// ---------------------------------------------------------------- C8: one unknown field, one finding

describe("C8 an unknown policy field is reported once", () => {
  test("the review's vpn-field-var case: ike_integrity from a variable is one could-not-verify (SDZ-VPN-003, naming SDZ-VPN-005)", () => {
    const tf = tunnel({ ipsec_policy: [{ ...STRONG, ike_integrity: "${var.integ}" }] });
    expect(summary(tf)).toEqual([`SDZ-VPN-003 unverified ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-003")[0]).toMatch(/ike_integrity \(the variable integ.*\), read by SDZ-VPN-003 and SDZ-VPN-005/);
  });
  test("each rule keeps its own known-value findings beside the unknown", () => {
    const tf = tunnel({ ipsec_policy: [{ ...STRONG, ike_integrity: "${var.integ}", ipsec_integrity: "SHA1", ipsec_encryption: "AES256" }] });
    expect(summary(tf)).toEqual([`SDZ-VPN-003 unverified ${CONN}`, `SDZ-VPN-005 fail ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-005")[0]).toMatch(/ipsec_integrity is SHA1; also could not verify ike_integrity/);
  });
  test("ipsec_encryption from a variable is one could-not-verify from SDZ-VPN-003, not also SDZ-VPN-004", () => {
    const tf = tunnel({ ipsec_policy: [{ ...STRONG, ipsec_encryption: "${var.esp}" }] });
    expect(summary(tf)).toEqual([`SDZ-VPN-003 unverified ${CONN}`, `SDZ-VPN-007 fail ${CONN}`]);
  });
});
