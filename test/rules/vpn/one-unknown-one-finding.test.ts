import { STRONG, P2S_POLICY } from "./fixtures";
import { VPN_PACK } from "../../../src/rules/vpn";
import { check, messages, TfJson } from "../../support/rule-harness";

/**
 * One value the pack cannot read is one could-not-verify, from one owner rule that names the
 * others reading it: a connection's `type` and a Virtual WAN connection's `vpn_link` list are
 * SDZ-VPN-001's, the point-to-site protocols SDZ-VPN-010's. Raw, untagged resources as a user
 * writes them; the exact set of (rule, status, address) of the whole pack is asserted.
 */
const IDS = VPN_PACK.rules.map((r) => r.id);
const summary2 = (tf: TfJson, ids: string[]): string[] => check(tf, ids).findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`).sort();
const summary = (tf: TfJson): string[] => summary2(tf, IDS);

const GW = "azurerm_virtual_network_gateway.gw";
const CONN = "azurerm_virtual_network_gateway_connection.hq";
const VWAN_CONN = "azurerm_vpn_gateway_connection.c";
const P2S = "azurerm_vpn_server_configuration.p2s";
const CERT_P2S = { address_space: ["172.16.0.0/24"], vpn_auth_types: ["Certificate"], root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }] };

function site(): TfJson {
  const tf = new TfJson();
  tf.json.variable = { psk: { type: "string", sensitive: true }, t: { type: "string" }, protocols: { type: "list(string)" }, links: { type: "any" } };
  return tf;
}

function gateway(tf: TfJson, extra: Record<string, unknown> = {}): void {
  tf.add("azurerm_virtual_network_gateway", "gw", {
    name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
    ip_configuration: [{ name: "ip", subnet_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/GatewaySubnet", public_ip_address_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/gw" }],
    ...extra,
  });
}

describe("an unknown connection type is one finding, SDZ-VPN-001's", () => {
  test("the review's D9-type-unknown case: SDZ-VPN-006 and 007 leave it to SDZ-VPN-001, which names them", () => {
    const tf = site();
    gateway(tf);
    tf.add("azurerm_virtual_network_gateway_connection", "hq", {
      name: "hq", location: "westeurope", resource_group_name: "rg", type: "${var.t}", virtual_network_gateway_id: TfJson.ref(GW),
      local_network_gateway_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/localNetworkGateways/hq", shared_key: "${var.psk}", ipsec_policy: [STRONG],
    });
    expect(summary(tf)).toEqual([`SDZ-VPN-001 unverified ${CONN}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-001")).toEqual([
      `could not verify: the connection type is not known before apply (the variable t is only known at plan time), so whether ${CONN} negotiates IKE (IPsec, Vnet2Vnet) or not (ExpressRoute) could not be checked; read by SDZ-VPN-001, SDZ-VPN-006 and SDZ-VPN-007 (custom IPsec policy, IKE version, preshared key)`,
    ]);
    // SDZ-VPN-001 excluded from the check: the next reader that runs says it (no silent pass).
    const without001 = check(tf, IDS.filter((id) => id !== "SDZ-VPN-001"));
    expect(without001.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-006 unverified ${CONN}`]);
    const only007 = check(tf, ["SDZ-VPN-007"]);
    expect(only007.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-007 unverified ${CONN}`]);
  });
});

describe("an unreadable vpn_link list is one finding, SDZ-VPN-001's", () => {
  test("the review's D9-vwan-link-expr case: SDZ-VPN-006 leaves it to SDZ-VPN-001; the preshared key warning stays", () => {
    const tf = site();
    tf.add("azurerm_vpn_gateway_connection", "c", {
      name: "c", vpn_gateway_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/vpnGateways/g",
      remote_vpn_site_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/vpnSites/s", vpn_link: "${var.t}",
    });
    expect(summary(tf)).toEqual([`SDZ-VPN-001 unverified ${VWAN_CONN}`, `SDZ-VPN-007 fail ${VWAN_CONN}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-001")).toEqual([
      `could not verify: ${VWAN_CONN}: vpn_link is an expression that is only evaluated at plan time, so its links' IPsec policies and IKE versions could not be checked; read by SDZ-VPN-001 to 006, 009 and 011`,
    ]);
    // SDZ-VPN-001 excluded: SDZ-VPN-006, which reads the links too, says it.
    expect(check(tf, ["SDZ-VPN-006"]).findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-006 unverified ${VWAN_CONN}`]);
  });
});

describe("unknown point-to-site protocols are one finding, SDZ-VPN-010's", () => {
  test("the review's D9-p2s-protocols-var case: without an ipsec_policy SDZ-VPN-010 names SDZ-VPN-001, which is silent", () => {
    const tf = site();
    gateway(tf, { vpn_client_configuration: [{ ...CERT_P2S, vpn_client_protocols: "${var.protocols}" }] });
    expect(summary(tf)).toEqual([`SDZ-VPN-010 unverified ${GW}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-010")).toEqual([
      "could not verify: vpn_client_configuration.vpn_client_protocols (the variable protocols is only known at plan time), so whether SSTP is offered could not be checked; read by SDZ-VPN-010 and SDZ-VPN-001 (without vpn_client_configuration.ipsec_policy, whether IKEv2 clients negotiate from Azure's default proposals)",
    ]);
  });

  test("SDZ-VPN-010 excluded: SDZ-VPN-001 says it (no silent pass)", () => {
    const tf = site();
    gateway(tf, { vpn_client_configuration: [{ ...CERT_P2S, vpn_client_protocols: "${var.protocols}" }] });
    expect(summary2(tf, IDS.filter((id) => id !== "SDZ-VPN-010"))).toEqual([`SDZ-VPN-001 unverified ${GW}`]);
    expect(messages(check(tf, ["SDZ-VPN-001"]), "SDZ-VPN-001")[0]).toMatch(/vpn_client_protocols is not known before apply \(the variable protocols/);
  });

  test("with an ipsec_policy only SDZ-VPN-010 reads them", () => {
    const tf = site();
    gateway(tf, { vpn_client_configuration: [{ ...CERT_P2S, vpn_client_protocols: "${var.protocols}", ipsec_policy: [P2S_POLICY] }] });
    expect(summary(tf)).toEqual([`SDZ-VPN-010 unverified ${GW}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-010")).toEqual([
      "could not verify: vpn_client_configuration.vpn_client_protocols (the variable protocols is only known at plan time), so whether SSTP is offered could not be checked",
    ]);
  });

  test("a Virtual WAN server configuration's vpn_protocols from a variable is SDZ-VPN-010's too", () => {
    const tf = site();
    tf.add("azurerm_vpn_server_configuration", "p2s", {
      name: "p2s", resource_group_name: "rg", location: "westeurope", vpn_authentication_types: ["Certificate"], vpn_protocols: "${var.protocols}",
      client_root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }],
    });
    expect(summary(tf)).toEqual([`SDZ-VPN-010 unverified ${P2S}`]);
    expect(messages(check(tf, IDS), "SDZ-VPN-010")).toEqual([
      "could not verify: vpn_protocols (the variable protocols is only known at plan time), so whether SSTP is offered could not be checked; read by SDZ-VPN-010 and SDZ-VPN-001 (without ipsec_policy, whether IKEv2 clients negotiate from Azure's default proposals)",
    ]);
  });
});

describe("an unreadable vpn_client_configuration is one finding, SDZ-VPN-010's, naming the rules that read it", () => {
  const unreadable = () => {
    const tf = site();
    tf.json.variable!.p2s = { type: "any" };
    gateway(tf, { vpn_client_configuration: "${var.p2s}" });
    return tf;
  };

  test("SDZ-VPN-010's could-not-verify names SDZ-VPN-001 and the policy rules, which leave it to it (was: it named only its own protocols and authentication)", () => {
    expect(summary(unreadable())).toEqual([`SDZ-VPN-010 unverified ${GW}`]);
    expect(messages(check(unreadable(), IDS), "SDZ-VPN-010")).toEqual([
      "could not verify: vpn_client_configuration is an expression that is only evaluated at plan time, so its point-to-site protocols and authentication (SDZ-VPN-010), "
        + "whether IKEv2 clients negotiate from a custom IPsec policy (SDZ-VPN-001) and that policy's groups, algorithms and lifetimes (SDZ-VPN-002 to 005, 009, 011) could not be checked",
    ]);
  });

  test("SDZ-VPN-010 excluded: SDZ-VPN-001 says it (was: silent, so the pack passed a gateway whose point-to-site it could not read)", () => {
    expect(summary2(unreadable(), IDS.filter((id) => id !== "SDZ-VPN-010"))).toEqual([`SDZ-VPN-001 unverified ${GW}`]);
    // A dynamic block is the same.
    const tf = site();
    gateway(tf, { dynamic: { vpn_client_configuration: { for_each: "${var.links}", content: { address_space: ["172.16.0.0/24"] } } } });
    expect(summary2(tf, ["SDZ-VPN-001"])).toEqual([`SDZ-VPN-001 unverified ${GW}`]);
    expect(messages(check(tf, ["SDZ-VPN-001"]), "SDZ-VPN-001")[0]).toMatch(/^could not verify: vpn_client_configuration is a dynamic block, expanded at plan time, so .*\(SDZ-VPN-001\)/);
  });
});
