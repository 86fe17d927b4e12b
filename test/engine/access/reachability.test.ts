import { parseCidr } from "../../../src/engine/access/addresses";
import { Reachability } from "../../../src/engine/access/reachability";
import { TfJson, rule } from "../../support/tf-json";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

interface HubOptions { routeClients?: boolean; clientRoutePrefix?: string; fwAllows?: string[]; fwDestinations?: string[]; dnat?: boolean; publicIp?: boolean }

/** A hub with a firewall, a spoke zone of clients and a KMS zone; `routes` decides whether clients go through the firewall. */
function hubSite(opts: HubOptions = {}) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
  const clients = tf.subnet("clients", vnet, ["10.0.1.0/24"]);
  const kms = tf.subnet("kms", vnet, ["10.0.5.0/24"]);
  tf.associate(kms, tf.nsg("kms_nsg", [
    rule("allow-kms", 100, "Allow", "Tcp", "1688", "VirtualNetwork"),
    rule("deny-all", 4096, "Deny", "*", "*", "*"),
  ]));
  tf.hubFirewall(fwSubnet, {
    network_rule_collection: [{
      name: "kms", priority: 100, action: "Allow",
      rule: [{ name: "kms-allowlist", protocols: ["TCP"], source_addresses: opts.fwAllows ?? ["10.0.1.10"], destination_addresses: opts.fwDestinations ?? ["10.0.5.4"], destination_ports: ["1688"] }],
    }],
    ...(opts.dnat ? {
      nat_rule_collection: [{
        name: "publish", priority: 100, action: "Dnat",
        rule: [{ name: "kms-dnat", protocols: ["TCP"], source_addresses: ["*"], destination_address: "${azurerm_public_ip.fw_pip.ip_address}", destination_ports: ["1688"], translated_address: "10.0.5.4", translated_port: "1688" }],
      }],
    } : {}),
  });
  if (opts.routeClients) {
    const rt = tf.add("azurerm_route_table", "spokes", {
      name: "spokes", location: "westeurope", resource_group_name: "rg",
      route: [{ name: "to-kms", address_prefix: opts.clientRoutePrefix ?? "10.0.5.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "${azurerm_firewall.hub.ip_configuration[0].private_ip_address}" }],
    });
    tf.add("azurerm_subnet_route_table_association", "clients_rt", { subnet_id: TfJson.ref(clients), route_table_id: TfJson.ref(rt) });
  }
  const nic = tf.nic("kms_nic", kms, "10.0.5.4", opts.publicIp ? { public_ip_address_id: TfJson.ref(tf.add("azurerm_public_ip", "kms_pip", { name: "kms-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static" })) } : {});
  tf.windowsVm("kms", [nic]);
  const reach = Reachability.of(tf.model());
  const ep = reach.access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.kms_nic"))!;
  return { reach, ep };
}

function reachedFrom(answer: ReturnType<Reachability["reach"]>, ip: string) {
  return answer.reaches.filter((r) => r.sources.v4.contains(v4(ip)));
}

describe("reachability beyond the NSG", () => {
  test("without routes, the firewall's allowlist is bypassed: every client reaches KMS directly", () => {
    const { reach, ep } = hubSite();
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    const r = reachedFrom(a, "10.0.1.99");
    expect(r.map((x) => [x.outcome, x.firewall])).toEqual([["allow", undefined]]);
  });

  test("with a route through the firewall, only the allowlisted client gets through, named by its firewall rule", () => {
    const { reach, ep } = hubSite({ routeClients: true });
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    expect(reachedFrom(a, "10.0.1.99")).toEqual([]);
    const ok = reachedFrom(a, "10.0.1.10");
    expect(ok.map((x) => [x.outcome, x.firewall?.rule?.label])).toEqual([["allow", "kms/kms-allowlist"]]);
  });

  test("a firewall rule whose destinations are not known may let its sources in: uncertain, decided by that rule, naming the field", () => {
    // Before: the uncertain reach named no rule ("the firewall's rules are not all known"), so no rule's could-not-verify could land on it.
    const { reach, ep } = hubSite({ routeClients: true, fwDestinations: ["${var.kms_destination}"] });
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    expect(reachedFrom(a, "10.0.1.99")).toEqual([]);
    const may = reachedFrom(a, "10.0.1.10");
    expect(may.map((x) => [x.outcome, x.firewall?.rule?.label, x.firewall?.note])).toEqual([["uncertain", "kms/kms-allowlist", undefined]]);
    expect(may[0].doubts.join("; ")).toMatch(/destination_addresses: the variable kms_destination is only known at plan time/);
  });

  test("a route less specific than the VNet's address space loses to the system route: the firewall is not on the path", () => {
    const { reach, ep } = hubSite({ routeClients: true, clientRoutePrefix: "10.0.0.0/8" });
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    expect(reachedFrom(a, "10.0.1.99").map((x) => x.firewall)).toEqual([undefined]);
  });

  test("a DNAT rule publishes the host to its sources when the NSG admits the firewall's subnet", () => {
    const { reach, ep } = hubSite({ dnat: true });
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    const viaDnat = a.reaches.filter((r) => r.dnat);
    expect(viaDnat.map((r) => [r.outcome, r.dnat!.label, r.grant.layers[0].rule?.name])).toEqual([["allow", "publish/kms-dnat", "allow-kms"]]);
    expect(viaDnat[0].sources.v4.contains(v4("8.8.8.8"))).toBe(true);
  });

  test("a public IP on the NIC is a way in from the Internet", () => {
    const { reach, ep } = hubSite({ publicIp: true });
    const a = reach.reach(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    expect(a.internetEntries.map((e) => e.kind)).toEqual(["public-ip"]);
  });
});

describe("mayReachFrom: does any of these sources get in on any port", () => {
  /** A NIC behind an NSG with `ports` single-port allows from a private range, then `extra`, then deny-all. */
  function site(ports: number, extra: ReturnType<typeof rule>[] = []) {
    const tf = new TfJson();
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const app = tf.subnet("app", vnet, ["10.0.1.0/24"]);
    const allows = Array.from({ length: ports }, (_, i) => rule(`p${i}`, 100 + i, "Allow", "Tcp", String(2000 + 2 * i), "10.0.9.0/24"));
    tf.associate(app, tf.nsg("app_nsg", [...allows, ...extra, rule("deny-all", 4000, "Deny", "*", "*", "*")]));
    tf.nic("vm", app, "10.0.1.4");
    const model = tf.model();
    const reach = Reachability.of(model);
    const ep = reach.access.endpoints.find((e) => e.kind === "nic")!;
    return { reach, ep, internet: reach.access.internetSources(ep.subnet?.vnet, ep.subnet) };
  }

  test("no Internet source gets in: false; one rule letting it in on one port: true", () => {
    const closed = site(3);
    expect(closed.reach.mayReachFrom(closed.ep, closed.internet)).toBe(false);
    const open = site(3, [rule("rdp", 900, "Allow", "Tcp", "3389", "Internet")]);
    expect(open.reach.mayReachFrom(open.ep, open.internet)).toBe(true);
  });

  test("an NSG none of whose allows may hold an Internet source: false without deciding any port, however many pieces", () => {
    const many = site(200);
    expect(many.reach.access.segmentCount(many.ep, { protocol: "Tcp", from: 0, to: 65535 })).toBeGreaterThan(256);
    expect(many.reach.access.mayAdmitFrom(many.ep, "Tcp", many.internet)).toBe(false);
    expect(many.reach.mayReachFrom(many.ep, many.internet)).toBe(false);
  });

  test("an NSG cutting the ports into more pieces than it decides at once: \"maybe\" (true), never a wrong false", () => {
    // The Internet allow of every port is shadowed by a deny: nothing gets in, but only deciding every piece would show it.
    const many = site(200, [rule("deny-internet", 350, "Deny", "Tcp", "*", "Internet"), rule("web", 900, "Allow", "Tcp", "*", "Internet")]);
    expect(many.reach.access.segmentCount(many.ep, { protocol: "Tcp", from: 0, to: 65535 })).toBeGreaterThan(256);
    expect(many.reach.access.admitPortsFrom(many.ep, "Tcp", many.internet).isAll).toBe(true);
    expect(many.reach.mayReachFrom(many.ep, many.internet)).toBe(true);
  });

  test("only the ports an allow of the sources names are decided: an Internet allow of 443 shadowed by a deny is a definite false", () => {
    const many = site(200, [rule("deny-web", 350, "Deny", "Tcp", "443", "Internet"), rule("web", 900, "Allow", "Tcp", "443", "Internet")]);
    expect(many.reach.access.admitPortsFrom(many.ep, "Tcp", many.internet).ranges()).toEqual([[443, 443]]);
    expect(many.reach.access.admitPortsFrom(many.ep, "Udp", many.internet).isEmpty).toBe(true);
    expect(many.reach.mayReachFrom(many.ep, many.internet)).toBe(false);
  });
});

describe("mayReachOn: may these sources reach this service", () => {
  function site(rules: ReturnType<typeof rule>[], dnat = false) {
    const tf = new TfJson();
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const app = tf.subnet("app", vnet, ["10.0.1.0/24"]);
    tf.associate(app, tf.nsg("app_nsg", [...rules, rule("deny-all", 4000, "Deny", "*", "*", "*")]));
    tf.nic("vm", app, "10.0.1.4");
    if (dnat) {
      const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
      tf.hubFirewall(fwSubnet, {
        nat_rule_collection: [{
          name: "publish", priority: 100, action: "Dnat",
          rule: [{
            name: "rdp-dnat", protocols: ["TCP"], source_addresses: ["*"], destination_address: "${azurerm_public_ip.fw_pip.ip_address}", destination_ports: ["3389"],
            translated_address: "10.0.1.4", translated_port: "3389",
          }],
        }],
      });
    }
    const reach = Reachability.of(tf.model());
    const ep = reach.access.endpoints.find((e) => e.kind === "nic")!;
    return { reach, ep, internet: reach.access.internetSources(ep.subnet?.vnet, ep.subnet) };
  }
  const RDP = { protocol: "Tcp" as const, from: 3389, to: 3389 };
  const SSH = { protocol: "Tcp" as const, from: 22, to: 22 };

  test("an Internet allow of RDP: true for RDP, false for SSH, and the model agrees", () => {
    const s = site([rule("rdp", 100, "Allow", "Tcp", "3389", "Internet")]);
    expect([s.reach.mayReachOn(s.ep, RDP, s.internet), s.reach.mayReachOn(s.ep, SSH, s.internet)]).toEqual([true, false]);
    expect(s.reach.reach(s.ep, SSH).reaches.some((r) => r.sources.overlaps(s.internet))).toBe(false);
  });

  test("a DNAT rule publishing the host: true whatever the NSG, since its sources arrive from the firewall", () => {
    const s = site([], true);
    expect(s.reach.mayReachOn(s.ep, RDP, s.internet)).toBe(true);
  });
});
