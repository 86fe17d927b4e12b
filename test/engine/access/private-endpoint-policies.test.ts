import { AccessModel } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { check, flagged, unverifiedAt } from "../../support/rule-harness";
import { Body, TfJson, rule } from "../../support/tf-json";

/**
 * A private endpoint at 10.0.1.10 in subnet `app`, whose NSG denies everything at 4000. Whether the NSG
 * filters the endpoint's traffic depends on the subnet's private endpoint network policies.
 */
function site(opts: { inline?: boolean; policies?: unknown; field?: string; rules?: Body[] }) {
  const tf = new TfJson();
  const field = opts.field ?? "private_endpoint_network_policies";
  const policy = opts.policies === undefined ? {} : { [field]: opts.policies };
  const nsg = tf.nsg("app_nsg", [...(opts.rules ?? []), rule("deny-all", 4000, "Deny", "*", "*", "*")]);
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
  const at = (ip: string) => {
    const n = (parseCidr(ip) as { start: number }).start;
    const g = answer.grants.find((x) => x.sources.v4.contains(n));
    return g ? `${g.outcome}${g.layers.map((l) => (l.rule ? ` by ${l.rule.name}` : "")).join("")}` : "deny";
  };
  return { tf, outcomes: answer.grants.map((g) => g.outcome).sort(), denied: answer.denials.length > 0, layers: access.layersOf(ep), answer, at };
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

describe("policies not known before apply: only where the NSG denies does the unknown bypass make the answer uncertain", () => {
  const unknown = (rules: Body[]) => site({ policies: "${var.pep}", rules });

  test("where the NSG allows, it lets the traffic through whether or not it filters: a definite allow by that rule", () => {
    const r = unknown([rule("allow-smb-vnet", 100, "Allow", "Tcp", "445", "10.0.0.0/16")]);
    expect(r.at("10.0.2.5")).toBe("allow by allow-smb-vnet");
    // Where it denies, bypassed it would not: uncertain, naming the setting and the deny.
    expect(r.at("203.0.113.9")).toBe("uncertain");
    const g = r.answer.grants.find((x) => x.outcome === "uncertain")!;
    expect(g.layers[0].note).toMatch(/private_endpoint_network_policies: .*where it filters, rule "deny-all" of NSG app_nsg denies/);
  });

  test("SDZ-NET-005: an NSG that opens SNMP to every address is an error whether or not it filters the private endpoint", () => {
    const r = unknown([rule("allow-snmp-any", 100, "Allow", "Udp", "161", "*")]);
    const res = check(r.tf, ["SDZ-NET-005"]);
    expect(flagged(res, "SDZ-NET-005")).toEqual(["azurerm_network_security_group.app_nsg"]);
    expect(unverifiedAt(res, "SDZ-NET-005")).toEqual([]);
  });

  test("the known cases are unchanged: Enabled denies what the NSG denies, Disabled lets everything through", () => {
    const rules = [rule("allow-smb-vnet", 100, "Allow", "Tcp", "445", "10.0.0.0/16")];
    expect(site({ policies: "Enabled", rules }).at("203.0.113.9")).toBe("deny");
    expect(site({ policies: "Disabled", rules }).at("203.0.113.9")).toBe("allow");
  });
});
