import { AccessModel } from "../../../src/engine/access/access-model";
import { TfJson, rule } from "../../support/tf-json";

/**
 * A private endpoint at 10.0.1.10 in subnet `app`, whose NSG denies everything at 4000. Whether the NSG
 * filters the endpoint's traffic depends on the subnet's private endpoint network policies.
 */
function site(opts: { inline?: boolean; policies?: unknown; field?: string }) {
  const tf = new TfJson();
  const field = opts.field ?? "private_endpoint_network_policies";
  const policy = opts.policies === undefined ? {} : { [field]: opts.policies };
  const nsg = tf.nsg("app_nsg", [rule("deny-all", 4000, "Deny", "*", "*", "*")]);
  let subnetId: string;
  if (opts.inline) {
    tf.add("azurerm_virtual_network", "net", {
      name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"],
      subnet: [{ name: "app", address_prefixes: ["10.0.1.0/24"], security_group: TfJson.ref(nsg), ...policy }],
    });
    subnetId = "${azurerm_virtual_network.net.subnet[0].id}";
  } else {
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const subnet = tf.subnet("app", vnet, ["10.0.1.0/24"], policy);
    tf.associate(subnet, nsg);
    subnetId = TfJson.ref(subnet);
  }
  tf.add("azurerm_private_endpoint", "pe", {
    name: "pe", location: "westeurope", resource_group_name: "rg", subnet_id: subnetId,
    ip_configuration: [{ name: "ip", private_ip_address: "10.0.1.10", subresource_name: "file" }],
    private_service_connection: [{ name: "c", is_manual_connection: false, private_connection_resource_id: "/subscriptions/0/x", subresource_names: ["file"] }],
  });
  tf.json.variable = { pep: { type: "string" } };
  const access = AccessModel.of(tf.model());
  const ep = access.endpoints.find((e) => e.kind === "private-endpoint")!;
  const answer = access.inbound(ep, { protocol: "Tcp", from: 445, to: 445 });
  return { outcomes: answer.grants.map((g) => g.outcome).sort(), denied: answer.denials.length > 0, layers: access.layersOf(ep) };
}

describe("private endpoint network policies decide whether the subnet's NSG filters a private endpoint", () => {
  test.each([
    ["standalone subnet, Enabled", { policies: "Enabled" }],
    ["standalone subnet, NetworkSecurityGroupEnabled", { policies: "NetworkSecurityGroupEnabled" }],
    ["inline subnet block, Enabled", { inline: true, policies: "Enabled" }],
    ["azurerm 3.x boolean, true", { policies: true, field: "private_endpoint_network_policies_enabled" }],
  ])("%s: the NSG's deny-all applies", (_, opts) => {
    const r = site(opts);
    expect(r.outcomes).toEqual([]);
    expect(r.denied).toBe(true);
  });

  test.each([
    ["standalone subnet, absent (Disabled by default)", {}],
    ["standalone subnet, Disabled", { policies: "Disabled" }],
    ["standalone subnet, RouteTableEnabled (routes only)", { policies: "RouteTableEnabled" }],
    ["inline subnet block, absent", { inline: true }],
    ["inline subnet block, Disabled", { inline: true, policies: "Disabled" }],
  ])("%s: the NSG is bypassed, traffic is allowed", (_, opts) => {
    const r = site(opts);
    expect(r.outcomes).toEqual(["allow"]);
    expect(r.layers[0].bypass).toMatch(/private endpoint network policies are disabled/);
  });

  test.each([
    ["standalone subnet", {}],
    ["inline subnet block", { inline: true }],
  ])("%s, policies not known before apply: uncertain, naming the field (never a definite allow or deny)", (_, opts) => {
    const r = site({ ...opts, policies: "${var.pep}" });
    expect(r.outcomes).toEqual(["uncertain"]);
    expect(r.denied).toBe(false);
    expect(r.layers[0].mayBypass).toMatch(/private_endpoint_network_policies: /);
  });
});
