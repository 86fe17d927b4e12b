import { parseCidr } from "../../../src/engine/access/addresses";
import { Reachability } from "../../../src/engine/access/reachability";
import { TfJson, rule } from "../../support/tf-json";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

/** Clients (10.0.2.0/24) route the app subnet (10.0.1.0/24) to next hop `hop`; the app NSG admits RDP from the VNet. */
function routed(hop: string) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const app = tf.subnet("app", vnet, ["10.0.1.0/24"]);
  const clients = tf.subnet("clients", vnet, ["10.0.2.0/24"]);
  tf.subnet("others", vnet, ["10.0.3.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [rule("rdp-vnet", 100, "Allow", "Tcp", "3389", "VirtualNetwork"), rule("deny-all", 4000, "Deny", "*", "*", "*")]));
  const rt = tf.add("azurerm_route_table", "clients", {
    name: "clients", location: "westeurope", resource_group_name: "rg",
    route: [{ name: "to-app", address_prefix: "10.0.1.0/24", next_hop_type: hop, ...(hop === "VirtualAppliance" ? { next_hop_in_ip_address: "10.0.9.4" } : {}) }],
  });
  tf.add("azurerm_subnet_route_table_association", "clients_rt", { subnet_id: TfJson.ref(clients), route_table_id: TfJson.ref(rt) });
  tf.windowsVm("vm", [tf.nic("vm", app, "10.0.1.4")]);
  const reach = Reachability.of(tf.model());
  const ep = reach.access.endpoints.find((e) => e.kind === "nic")!;
  const answer = reach.reach(ep, { protocol: "Tcp", from: 3389, to: 3389 });
  return (ip: string) => answer.reaches.filter((r) => r.sources.v4.contains(v4(ip))).map((r) => r.outcome);
}

describe("a route to next hop None drops the traffic: its sources do not reach the host", () => {
  test("clients whose route to the host is None: no reach; other subnets still reach it", () => {
    const from = routed("None");
    expect(from("10.0.2.7")).toEqual([]);
    expect(from("10.0.3.7")).toEqual(["allow"]);
  });

  test("control: VnetLocal keeps the clients' direct reach", () => {
    expect(routed("VnetLocal")("10.0.2.7")).toEqual(["allow"]);
  });

  test("control: an appliance that is not a firewall of this configuration decides nothing we can read: the clients still count", () => {
    expect(routed("VirtualAppliance")("10.0.2.7")).toEqual(["allow"]);
  });
});
