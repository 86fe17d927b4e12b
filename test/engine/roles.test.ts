import { Reachability } from "../../src/engine/access/reachability";
import { mayHaveNamingRule, namingRule, reachOn } from "../../src/engine/exposure";
import { Roles } from "../../src/engine/roles";
import { SERVICE_PORTS } from "../../src/network/service-ports";
import { Body, TfJson, rule } from "../support/tf-json";

/** A VM in a subnet whose NSG has `rules` (then deny-all); optionally a firewall whose DNAT rule publishes TCP 1688 of the VM. */
function site(rules: Body[], opts: { dnat?: boolean } = {}) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const app = tf.subnet("app", vnet, ["10.0.5.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [...rules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  if (opts.dnat) {
    const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
    tf.hubFirewall(fwSubnet, {
      nat_rule_collection: [{
        name: "publish", priority: 100, action: "Dnat",
        rule: [{ name: "kms-dnat", protocols: ["TCP"], source_addresses: ["*"], destination_address: "${azurerm_public_ip.fw_pip.ip_address}", destination_ports: ["1688"], translated_address: "10.0.5.4", translated_port: "1688" }],
      }],
    });
  }
  tf.windowsVm("srv", [tf.nic("srv_nic", app, "10.0.5.4")]);
  const model = tf.model();
  const reach = Reachability.of(model);
  const vm = reach.access.topology.vms[0];
  const ep = reach.access.endpointsOfVm(vm)[0];
  const named = reachOn(model, ep, SERVICE_PORTS.KMS).some((r) => namingRule(r, SERVICE_PORTS.KMS) !== undefined);
  return { roles: Roles.of(model).ofVm(vm).claims.map((c) => [c.role, c.source, c.evidence]), mayName: mayHaveNamingRule(model, ep, SERVICE_PORTS.KMS), named };
}

describe("roles inferred from the rules that name a service's port, and the pre-check that spares asking the model", () => {
  test("an NSG rule that opens TCP 1688: KMS host inferred, with the rule as evidence", () => {
    const s = site([rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.1.0/24")]);
    expect(s.roles).toEqual([["kms-host", "inferred", "reachable on TCP 1688 through rule \"allow-kms\" of NSG app_nsg"]]);
    expect([s.mayName, s.named]).toEqual([true, true]);
  });

  test("no rule names TCP 1688 (RDP only, and an allow of every port): no KMS role, and the pre-check says so without the model", () => {
    const s = site([rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.1.0/24"), rule("allow-all", 200, "Allow", "*", "*", "10.0.2.0/24")]);
    expect(s.roles).toEqual([]);
    expect([s.mayName, s.named]).toEqual([false, false]);
  });

  test("only a firewall DNAT rule names TCP 1688 (the NSG admits the firewall on every port): KMS host inferred through the DNAT rule", () => {
    const s = site([rule("allow-fw", 100, "Allow", "*", "*", "10.0.100.0/26")], { dnat: true });
    expect(s.mayName).toBe(true);
    expect(s.named).toBe(true);
    expect(s.roles.map(([role, source]) => [role, source])).toEqual([["kms-host", "inferred"]]);
    expect(s.roles[0][2]).toContain("DNAT rule");
  });
});

/**
 * A PXE segment 10.0.1.0/24 holding two VMs, dp01 (10.0.1.10, tagged sdz-role=pxe-distribution-point with `declared`) and app01
 * (10.0.1.20), with clients in 10.0.2.0/24. `nsgRules` go on the segment's NSG (then deny-all); with `firewallTo`, the NSG keeps
 * Azure's default rules only and the clients' traffic to the segment is routed through an Azure Firewall whose network rule
 * allows UDP 67, 69, 4011 from them to those destinations.
 */
function pxeSegment(nsgRules: Body[], firewallTo?: string[], declared = false) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const pxe = tf.subnet("pxe", vnet, ["10.0.1.0/24"]);
  const clients = tf.subnet("clients", vnet, ["10.0.2.0/24"]);
  tf.associate(pxe, tf.nsg("pxe_nsg", firewallTo ? [] : [...nsgRules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  if (firewallTo) {
    const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
    tf.hubFirewall(fwSubnet, {
      network_rule_collection: [{
        name: "pxe", priority: 100, action: "Allow",
        rule: [{ name: "pxe", protocols: ["UDP"], source_addresses: ["10.0.2.0/24"], destination_addresses: firewallTo, destination_ports: ["67", "69", "4011"] }],
      }],
    });
    const rt = tf.add("azurerm_route_table", "clients", {
      name: "clients-rt", location: "westeurope", resource_group_name: "rg",
      route: [{ name: "to-pxe", address_prefix: "10.0.1.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "${azurerm_firewall.hub.ip_configuration[0].private_ip_address}" }],
    });
    tf.add("azurerm_subnet_route_table_association", "clients", { subnet_id: TfJson.ref(clients), route_table_id: TfJson.ref(rt) });
  }
  tf.windowsVm("dp01", [tf.nic("dp01_nic", pxe, "10.0.1.10")], declared ? { tags: { "sdz-role": "pxe-distribution-point" } } : {});
  tf.windowsVm("app01", [tf.nic("app01_nic", pxe, "10.0.1.20")]);
  const model = tf.model();
  const roles = Roles.of(model);
  const out: Record<string, string[]> = {};
  for (const vm of Reachability.of(model).access.topology.vms) out[vm.resource.name] = roles.ofVm(vm).claims.map((c) => `${c.role}: ${c.evidence}`);
  return out;
}

describe("a PXE role is inferred from a rule that lets other hosts of the segment in only when no other host serves PXE on its own", () => {
  const PXE_PORTS = ["67", "69", "4011"];
  const DECLARED = "pxe-distribution-point: sdz-role=pxe-distribution-point on azurerm_windows_virtual_machine.dp01";

  test("an Azure Firewall network rule sending PXE to the whole segment beside a declared distribution point makes no other host one", () => {
    // Before: app01 was inferred pxe-distribution-point "reachable on UDP 67 through firewall rule pxe/pxe" (SDZ-SEC-001 then blamed it).
    expect(pxeSegment([], ["10.0.1.0/24"], true)).toEqual({ dp01: [DECLARED], app01: [] });
  });

  test("when no host serves PXE on its own, none can be told from the others: each host the rule reaches is kept", () => {
    const fw = "pxe-distribution-point: reachable on UDP 67 through firewall rule pxe/pxe";
    expect(pxeSegment([], ["10.0.1.0/24"])).toEqual({ dp01: [fw], app01: [fw] });
  });

  test("a rule to one host's address makes that host, and only it, a distribution point; so does it beside a whole-segment rule", () => {
    expect(pxeSegment([], ["10.0.1.10"])).toEqual({ dp01: ["pxe-distribution-point: reachable on UDP 67 through firewall rule pxe/pxe"], app01: [] });
    const toDp = rule("allow-pxe-dp", 100, "Allow", "Udp", PXE_PORTS, "10.0.2.0/24", "10.0.1.10");
    const toAll = rule("allow-pxe-all", 110, "Allow", "Udp", PXE_PORTS, "10.0.3.0/24", "*");
    expect(pxeSegment([toDp, toAll])).toEqual({ dp01: ["pxe-distribution-point: reachable on UDP 67 through rule \"allow-pxe-dp\" of NSG pxe_nsg"], app01: [] });
  });

  test("an NSG rule is read the same way: to every host of the segment beside a declared distribution point, no role for the others", () => {
    expect(pxeSegment([rule("allow-pxe", 100, "Allow", "Udp", PXE_PORTS, "10.0.2.0/24", "*")], undefined, true)).toEqual({ dp01: [DECLARED], app01: [] });
  });
});
