/**
 * What a peering puts in the VirtualNetwork tag: a peering's `allow_virtual_network_access` decides
 * whether its remote VNet is in its own VNet's tag ("Block all traffic to the remote virtual network
 * ... only changes the definition of the VirtualNetwork service tag":
 * learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering); a value not known before
 * apply, or a literal remote ID that may name another VNet, leaves the remote's ranges uncertain.
 * Raw, untagged azurerm JSON.
 */
import { AccessModel } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { Topology } from "../../../src/engine/access/topology";
import { Body, site, TfJson } from "../../support/rule-harness";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const HUB_ID = `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`;

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

/** How the NIC of `key` answers TCP `port` from `ip`: allow / uncertain / deny, with the deciding (or doubting) rules. */
function outcome(tf: TfJson, key: string, ip: string, port = 3389): string {
  const access = AccessModel.of(tf.model());
  const ep = access.endpoints.find((e) => e.key.startsWith(key))!;
  const a = access.inbound(ep, { protocol: "Tcp", from: port, to: port });
  const g = a.grants.find((x) => x.sources.v4.contains(v4(ip)));
  if (g?.outcome === "allow") return `allow by ${g.layers.flatMap((l) => (l.rule ? [l.rule.name] : [])).join("+")}`;
  if (g) return `uncertain, ${g.layers.flatMap((l) => (l.doubt ? [l.doubt.name] : [])).join("+")} may match`;
  return a.denials.some((d) => d.sources.v4.contains(v4(ip))) ? "deny" : "none";
}

/**
 * The harness site (VNet `net` 10.0.0.0/16, NIC app01 10.0.1.4 behind an NSG with only Azure's
 * defaults) and VNet `hub` 10.1.0.0/16 with host hub01 (10.1.1.4, no NSG), peered net -> hub with
 * `toHub` and, unless `fromHub` is null, hub -> net with `fromHub`.
 */
function peered(toHub: Body, fromHub: Body | null = {}, hubExtra: Body = {}) {
  return site("inline", [], {
    denyAll: false,
    extend: (tf) => {
      tf.json.variable = { access: { type: "bool" } };
      const hub = tf.add("azurerm_virtual_network", "hub", { name: "hub", location: "westeurope", resource_group_name: "rg", address_space: ["10.1.0.0/16"], ...hubExtra });
      const hubSubnet = tf.subnet("shared", hub, ["10.1.1.0/24"]);
      tf.nic("hub01_nic", hubSubnet, "10.1.1.4");
      tf.add("azurerm_virtual_network_peering", "net_to_hub", {
        name: "net-to-hub", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", remote_virtual_network_id: TfJson.ref(hub), ...toHub,
      });
      if (fromHub) {
        tf.add("azurerm_virtual_network_peering", "hub_to_net", {
          name: "hub-to-net", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.hub.name}", remote_virtual_network_id: "${azurerm_virtual_network.net.id}", ...fromHub,
        });
      }
    },
  }).tf;
}

describe("allow_virtual_network_access decides what a peering adds to its VNet's VirtualNetwork tag", () => {
  const APP = "azurerm_network_interface.app01_nic";

  test("unset (azurerm's default true) or true: the remote VNet is in the tag, AllowVNetInBound lets it in", () => {
    expect(outcome(peered({}), APP, "10.1.2.3")).toBe("allow by AllowVNetInBound");
    expect(outcome(peered({ allow_virtual_network_access: true }), APP, "10.1.2.3")).toBe("allow by AllowVNetInBound");
  });

  test("false: the remote VNet is not in the tag, so DenyAllInBound turns it away", () => {
    const tf = peered({ allow_virtual_network_access: false });
    expect(outcome(tf, APP, "10.1.2.3")).toBe("deny");
    expect(outcome(tf, APP, "10.0.2.7")).toBe("allow by AllowVNetInBound"); // its own space stays
    // The hub's own peering decides the hub's tag: net stays in it.
    const access = AccessModel.of(tf.model());
    const hub = access.topology.vnets.find((v) => v.resource.address === "azurerm_virtual_network.hub")!;
    expect(access.vnetSpace(hub).sources.v4.contains(v4("10.0.2.7"))).toBe(true);
  });

  test("false on the hub's side only: the hub's tag leaves net out, net's tag keeps the hub", () => {
    const tf = peered({}, { allow_virtual_network_access: false });
    expect(outcome(tf, APP, "10.1.2.3")).toBe("allow by AllowVNetInBound");
    const topo = Topology.of(tf.model());
    const tagOf = (a: string) => topo.vnets.find((v) => v.resource.address === a)!.tagPeers.map((p) => p.vnet.resource.address);
    expect(tagOf("azurerm_virtual_network.hub")).toEqual([]);
    expect(tagOf("azurerm_virtual_network.net")).toEqual(["azurerm_virtual_network.hub"]);
  });

  test("without the hub's own peering in the configuration, net counts in the hub's tag as before (its side may be elsewhere)", () => {
    const topo = Topology.of(peered({ allow_virtual_network_access: false }, null).model());
    const tagOf = (a: string) => topo.vnets.find((v) => v.resource.address === a)!.tagPeers.map((p) => p.vnet.resource.address);
    expect(tagOf("azurerm_virtual_network.net")).toEqual([]);
    expect(tagOf("azurerm_virtual_network.hub")).toEqual(["azurerm_virtual_network.net"]);
  });

  test("not known before apply: the remote VNet's ranges are uncertain, and only those (fail closed, not every address)", () => {
    const tf = peered({ allow_virtual_network_access: "${var.access}" });
    expect(outcome(tf, APP, "10.1.2.3")).toBe("uncertain, AllowVNetInBound may match");
    expect(outcome(tf, APP, "10.0.2.7")).toBe("allow by AllowVNetInBound");
    expect(outcome(tf, APP, "203.0.113.9")).toBe("deny");
    const access = AccessModel.of(tf.model());
    const ep = access.endpoints.find((e) => e.key.startsWith(APP))!;
    expect(access.contextOf(ep).vnetMaybe?.doubt).toContain("azurerm_virtual_network_peering.net_to_hub: allow_virtual_network_access");
  });
});

describe("a literal remote_virtual_network_id is matched by subscription, resource group and name", () => {
  const APP = "azurerm_network_interface.app01_nic";

  test("same group and name, subscription not said by the configuration: the VNet may be the one, its ranges are uncertain", () => {
    const tf = peered({ remote_virtual_network_id: HUB_ID }, null);
    expect(outcome(tf, APP, "10.1.2.3")).toBe("uncertain, AllowVNetInBound may match");
    expect(outcome(tf, APP, "203.0.113.9")).toBe("deny");
  });

  test("the VNet's id known (a plan of an existing VNet): the same ID is the VNet, another subscription is not", () => {
    expect(outcome(peered({ remote_virtual_network_id: HUB_ID }, null, { id: HUB_ID }), APP, "10.1.2.3")).toBe("allow by AllowVNetInBound");
    const other = HUB_ID.replace("00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111");
    expect(outcome(peered({ remote_virtual_network_id: other }, null, { id: HUB_ID }), APP, "10.1.2.3")).toBe("deny");
  });

  test("another resource group or name: a VNet outside the configuration, which adds nothing", () => {
    expect(outcome(peered({ remote_virtual_network_id: HUB_ID.replace("/rg/", "/rg-other/") }, null), APP, "10.1.2.3")).toBe("deny");
  });

  test("access blocked on a literal ID that may name the hub: nothing is added", () => {
    expect(outcome(peered({ remote_virtual_network_id: HUB_ID, allow_virtual_network_access: false }, null), APP, "10.1.2.3")).toBe("deny");
  });
});
