import { AccessModel } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { check, flagged, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

/** A route on the servers subnet: its prefix decides how far the VirtualNetwork tag reaches (service-tags-overview, VirtualNetwork). */
function routeOnServers(prefix: string) {
  return (tf: TfJson, s: { subnet: string }) => {
    tf.json.variable = { route_prefix: { type: "string" } };
    const rt = tf.add("azurerm_route_table", "rt", {
      name: "rt", location: "westeurope", resource_group_name: "rg",
      route: [{ name: "default", address_prefix: prefix, next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.9.4" }],
    });
    tf.add("azurerm_subnet_route_table_association", "rt_servers", { subnet_id: TfJson.ref(s.subnet), route_table_id: TfJson.ref(rt) });
  };
}

function answerFor(tf: TfJson, port: number) {
  const access = AccessModel.of(tf.model());
  const ep = access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.app01_nic"))!;
  const a = access.inbound(ep, { protocol: "Tcp", from: port, to: port });
  const outcomeAt = (ip: string) => {
    const g = a.grants.find((x) => x.sources.v4.contains(v4(ip)));
    // "allow by R": the deciding rules; "uncertain, R may match": the rule whose match is in doubt.
    if (g?.outcome === "allow") return `allow by ${g.layers.flatMap((l) => (l.rule ? [l.rule.name] : [])).join("+")}`;
    if (g) return `uncertain, ${g.layers.flatMap((l) => (l.doubt ? [l.doubt.name] : [])).join("+")} may match`;
    return a.denials.some((d) => d.sources.v4.contains(v4(ip))) ? "deny" : "none";
  };
  return { access, ep, outcomeAt };
}

describe("an incomplete VirtualNetwork expansion is uncertain, never a silent deny (fail closed)", () => {
  test("a route prefix not known before apply: Internet sources may be in VirtualNetwork (a 0.0.0.0/0 route puts them there)", () => {
    const s = site("inline", [], { denyAll: false, extend: routeOnServers("${var.route_prefix}") });
    const { outcomeAt } = answerFor(s.tf, 3389);
    expect(outcomeAt("10.0.2.7")).toBe("allow by AllowVNetInBound"); // the known VNet space: as before
    expect(outcomeAt("203.0.113.9")).toBe("uncertain, AllowVNetInBound may match");
  });

  test("a route prefix that is a service tag (AzureCloud) is not a range this configuration can expand: uncertain", () => {
    const s = site("inline", [], { denyAll: false, extend: routeOnServers("AzureCloud") });
    expect(answerFor(s.tf, 3389).outcomeAt("203.0.113.9")).toBe("uncertain, AllowVNetInBound may match");
  });

  test("an address space not known before apply: the tag may hold any address", () => {
    const s = site("inline", [], {
      denyAll: false, extend: (tf) => {
        tf.json.variable = { space: { type: "list(string)" } };
        (tf.json.resource.azurerm_virtual_network.net as { address_space: unknown }).address_space = "${var.space}";
      },
    });
    expect(answerFor(s.tf, 3389).outcomeAt("198.51.100.1")).toBe("uncertain, AllowVNetInBound may match");
    // Its subnets' prefixes are in it whatever it is: sources there, and the host as a destination, are certain.
    expect(answerFor(s.tf, 3389).outcomeAt("10.0.1.77")).toBe("allow by AllowVNetInBound");
  });

  test("a peering to a network outside the configuration is that configuration's: Internet sources stay with DenyAllInBound", () => {
    const s = site("inline", [], {
      denyAll: false,
      extend: (tf) => tf.add("azurerm_virtual_network_peering", "to_hub", {
        name: "to-hub", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}",
        remote_virtual_network_id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub",
      }),
    });
    expect(answerFor(s.tf, 3389).outcomeAt("198.51.100.1")).toBe("deny");
  });

  test("control: a complete expansion (a known route prefix that stays inside) leaves Internet sources to DenyAllInBound", () => {
    const s = site("inline", [], { denyAll: false, extend: routeOnServers("10.1.0.0/16") });
    const { outcomeAt } = answerFor(s.tf, 3389);
    expect(outcomeAt("203.0.113.9")).toBe("deny");
    expect(outcomeAt("10.1.3.3")).toBe("allow by AllowVNetInBound"); // the route prefix widens VirtualNetwork
  });

  test("a deny of VirtualNetwork before an allow of everything: outside the known space the deny may or may not match", () => {
    const s = site("inline", [rule("deny-vnet", 100, "Deny", "*", "*", "VirtualNetwork"), rule("allow-all", 200, "Allow", "Tcp", "3389", "*")], {
      denyAll: false, extend: routeOnServers("${var.route_prefix}"),
    });
    const { access, ep, outcomeAt } = answerFor(s.tf, 3389);
    expect(outcomeAt("10.0.2.7")).toBe("deny");
    expect(outcomeAt("203.0.113.9")).toBe("uncertain, deny-vnet may match");
    // The first-match shortcut must not claim certainty where the VirtualNetwork rule may match first.
    expect(access.certainDeciders(ep, "Tcp", 3389, v4("203.0.113.9"))).toBeUndefined();
  });

  test.each(PLACEMENTS)("SDZ-NET-001 (%s rules): RDP open to the VNet only becomes could-not-verify (on the route table) when a route prefix is unknown, and passes when it is known", (placement) => {
    const allowVnet = [rule("allow-rdp-vnet", 100, "Allow", "Tcp", "3389", "VirtualNetwork")];
    const unknown = site(placement, allowVnet, { publicIp: true, extend: routeOnServers("${var.route_prefix}") });
    const known = site(placement, allowVnet, { publicIp: true, extend: routeOnServers("10.1.0.0/16") });
    const everything = site(placement, allowVnet, { publicIp: true, extend: routeOnServers("0.0.0.0/0") });
    const ru = check(unknown.tf, ["SDZ-NET-001"]);
    expect(flagged(ru, "SDZ-NET-001")).toEqual([]);
    // Said once, on the route table whose prefix is not known, naming the rule it leaves open.
    expect(unverifiedAt(ru, "SDZ-NET-001")).toEqual(["azurerm_route_table.rt"]);
    expect(ru.findings.find((f) => f.ruleId === "SDZ-NET-001")?.message).toContain("rule \"allow-rdp-vnet\" of NSG");
    const rk = check(known.tf, ["SDZ-NET-001"]);
    expect([...flagged(rk, "SDZ-NET-001"), ...unverifiedAt(rk, "SDZ-NET-001")]).toEqual([]);
    expect(flagged(check(everything.tf, ["SDZ-NET-001"]), "SDZ-NET-001")).toEqual([everything.address("allow-rdp-vnet")]);
  });
});
