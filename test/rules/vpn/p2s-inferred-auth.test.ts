import { checkPlan, planJson } from "../../support/plan-json";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";

/**
 * SDZ-VPN-010 when vpn_auth_types is unset: Azure infers the types from what is configured, and a
 * field Terraform writes as unset (null in Terraform JSON, "" and [] in every `terraform show -json`
 * plan) configures nothing. Raw, untagged gateways as a user writes them; the plan as Terraform
 * writes it for them.
 */
const ID = "SDZ-VPN-010";
const GW = "azurerm_virtual_network_gateway.gw";
const GW_BODY = {
  name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
  ip_configuration: [{ name: "ip", subnet_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/GatewaySubnet", public_ip_address_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/gw" }],
};
/** RADIUS over OpenVPN, vpn_auth_types not written. */
const RADIUS = { address_space: ["172.16.0.0/24"], vpn_client_protocols: ["OpenVPN"], radius_server_address: "10.0.0.5", radius_server_secret: "${var.psk}" };
const AAD = { aad_tenant: "https://login.microsoftonline.com/t/", aad_audience: "c632b3df-fb67-4d84-bdcf-b95ad541b5c8", aad_issuer: "https://sts.windows.net/t/" };

function gateway(p2s: Record<string, unknown>): TfJson {
  const tf = new TfJson();
  tf.json.variable = { psk: { type: "string", sensitive: true }, tenant: { type: "string" }, radius: { type: "string" }, certs: { type: "list(object({name=string, public_cert_data=string}))" } };
  tf.add("azurerm_virtual_network_gateway", "gw", { ...GW_BODY, vpn_client_configuration: [p2s] });
  return tf;
}

/** The gateway as `terraform show -json` plans it: unset strings "", unset lists and blocks [], vpn_auth_types as given. */
function plannedGateway(p2s: Record<string, unknown>, authTypes?: unknown[]): Record<string, unknown> {
  const vc = {
    aad_audience: "", aad_issuer: "", aad_tenant: "", address_space: ["172.16.0.0/24"], ipsec_policy: [], radius_server: [], radius_server_address: "",
    radius_server_secret: "", revoked_certificate: [], root_certificate: [], virtual_network_gateway_client_connection: [], vpn_client_protocols: ["OpenVPN"],
    ...(authTypes ? { vpn_auth_types: authTypes } : {}),
    ...p2s,
  };
  return planJson([{
    type: "azurerm_virtual_network_gateway", name: "gw",
    values: { ...GW_BODY, active_active: false, bgp_enabled: false, generation: "Generation2", tags: null, edge_zone: null, policy_group: [], custom_route: [], vpn_client_configuration: [vc] },
    // vpn_auth_types is Optional+Computed (azurerm 4.55 and 5.2 virtual_network_gateway_resource.go): unset, it is known after apply.
    unknown: { id: true, ...(authTypes ? {} : { vpn_client_configuration: [{ vpn_auth_types: true }] }) },
    expressions: {
      name: { constant_value: "gw" },
      vpn_client_configuration: [{ address_space: { constant_value: ["172.16.0.0/24"] }, vpn_client_protocols: { constant_value: ["OpenVPN"] }, radius_server_address: { constant_value: "10.0.0.5" }, radius_server_secret: { references: ["var.psk"] } }],
    },
  }]);
}

describe("SDZ-VPN-010: authentication types inferred from what is set", () => {
  test("RADIUS with the AAD fields null and no root certificates (Terraform JSON) is RADIUS only", () => {
    const r = check(gateway({ ...RADIUS, aad_tenant: null, aad_audience: null, aad_issuer: null, root_certificate: [] }), [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(messages(r, ID)).toEqual([`point-to-site on ${GW} authenticates with RADIUS only`]);
  });

  test("RADIUS with the AAD fields \"\" is RADIUS only", () => {
    const r = check(gateway({ ...RADIUS, aad_tenant: "", aad_audience: "", aad_issuer: "" }), [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(unverifiedAt(r, ID)).toEqual([]);
  });

  test("the plan of a RADIUS-only gateway (AAD fields \"\", vpn_auth_types unknown or []) is RADIUS only", () => {
    for (const auth of [undefined, []]) {
      const r = checkPlan(plannedGateway({ radius_server_address: "10.0.0.5" }, auth), [ID]);
      expect([auth, flagged(r, ID), unverifiedAt(r, ID)]).toEqual([auth, [GW], []]);
      expect(messages(r, ID)).toEqual([`point-to-site on ${GW} authenticates with RADIUS only`]);
    }
  });

  test("RADIUS beside Entra ID or certificates is not RADIUS only, in Terraform JSON and in the plan", () => {
    expect(check(gateway({ ...RADIUS, ...AAD }), [ID]).findings).toEqual([]);
    expect(check(gateway({ ...RADIUS, root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }] }), [ID]).findings).toEqual([]);
    expect(checkPlan(plannedGateway({ radius_server_address: "10.0.0.5", ...AAD }), [ID]).findings).toEqual([]);
  });

  test("certificates with the RADIUS fields null or \"\" is not RADIUS", () => {
    const cert = { address_space: ["172.16.0.0/24"], vpn_client_protocols: ["OpenVPN"], root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }] };
    expect(check(gateway({ ...cert, radius_server_address: null, radius_server_secret: null, radius_server: [] }), [ID]).findings).toEqual([]);
    expect(check(gateway({ ...cert, radius_server_address: "", radius_server_secret: "" }), [ID]).findings).toEqual([]);
  });

  test("an AAD tenant, RADIUS address or root certificates from a variable is could-not-verify naming the field", () => {
    const tenant = check(gateway({ ...RADIUS, aad_tenant: "${var.tenant}", aad_audience: "a", aad_issuer: "i" }), [ID]);
    expect([flagged(tenant, ID), unverifiedAt(tenant, ID)]).toEqual([[], [GW]]);
    expect(messages(tenant, ID)).toEqual([
      "could not verify: vpn_client_configuration.vpn_auth_types is not set, so Azure infers the authentication types from what is configured, which depends on vpn_client_configuration.aad_tenant (the variable tenant is only known at plan time): whether it authenticates with RADIUS only could not be checked",
    ]);
    const certs = check(gateway({ ...RADIUS, root_certificate: "${var.certs}" }), [ID]);
    expect([flagged(certs, ID), unverifiedAt(certs, ID)]).toEqual([[], [GW]]);
    expect(messages(certs, ID)[0]).toMatch(/vpn_client_configuration\.root_certificate \(the variable certs/);
    const radius = check(gateway({ ...RADIUS, radius_server_address: "${var.radius}" }), [ID]);
    expect([flagged(radius, ID), unverifiedAt(radius, ID)]).toEqual([[], [GW]]);
    expect(messages(radius, ID)[0]).toMatch(/vpn_client_configuration\.radius_server_address \(the variable radius/);
  });

  test("a known AAD tenant or certificate settles it whatever the RADIUS address is", () => {
    expect(check(gateway({ ...RADIUS, ...AAD, radius_server_address: "${var.radius}" }), [ID]).findings).toEqual([]);
  });
});
