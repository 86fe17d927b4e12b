/**
 * Ways in from the Internet and the SKU of what is in front: a Standard public IP or load balancer
 * (azurerm 4.x's default) admits nothing to a host with no NSG on either layer; a Basic one is open.
 */
import { Reachability } from "../../../src/engine/access/reachability";
import { check, flagged, messages, unverifiedAt } from "../../support/rule-harness";
import { Body, rule, TfJson } from "../../support/tf-json";

const NET001 = "SDZ-NET-001";
const NET002 = "SDZ-NET-002";
const RDP = { protocol: "Tcp" as const, from: 3389, to: 3389 };

interface Opts {
  /** The public IP's `sku`: omitted when undefined; `var` makes it a variable without a default. */
  readonly sku?: string;
  /** An NSG allowing RDP from any source, on the subnet or the NIC. */
  readonly nsgOn?: "subnet" | "nic";
  /** The subnet's NSG is associated by an ID this configuration does not hold. */
  readonly externalSubnetNsg?: boolean;
}

/** VNet `net`, subnet `app` 10.0.1.0/24, NIC `vm` 10.0.1.4 with public IP `vm_pip`, VM `vm`. */
function pipSite(opts: Opts = {}): TfJson {
  const tf = new TfJson();
  const subnet = tf.subnet("app", tf.vnet("net"), ["10.0.1.0/24"]);
  const pip = tf.add("azurerm_public_ip", "vm_pip", {
    name: "vm-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", ...skuOf(tf, opts.sku),
  });
  const nic = tf.nic("vm", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
  tf.windowsVm("vm", [nic]);
  if (opts.nsgOn) {
    const nsg = tf.nsg("open", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "*")]);
    if (opts.nsgOn === "subnet") tf.associate(subnet, nsg);
    else tf.nicNsg(nic, nsg);
  }
  if (opts.externalSubnetNsg) {
    tf.add("azurerm_subnet_network_security_group_association", "app_ext", {
      subnet_id: TfJson.ref(subnet), network_security_group_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/elsewhere",
    });
  }
  return tf;
}

function skuOf(tf: TfJson, sku: string | undefined): Body {
  if (sku === undefined) return {};
  if (sku !== "var") return { sku };
  (tf.json.variable ??= {}).pip_sku = { type: "string" };
  return { sku: "${var.pip_sku}" };
}

/** The Internet entries of the NIC `vm` for RDP. */
function entries(tf: TfJson) {
  const reach = Reachability.of(tf.model());
  const ep = reach.access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.vm"))!;
  return reach.reach(ep, RDP).internetEntries.map((e) => ({ kind: e.kind, resource: e.resource.address, definite: e.definite, doubts: e.doubts }));
}

describe("public IP entries and the public IP's SKU", () => {
  test.each([["Standard"], [undefined]])("sku %p (undefined: azurerm 4.x's default, Standard), no NSG anywhere: no way in", (sku) => {
    expect(entries(pipSite({ sku }))).toEqual([]);
  });

  test("Basic, no NSG anywhere: a definite way in", () => {
    expect(entries(pipSite({ sku: "Basic" }))).toEqual([{ kind: "public-ip", resource: "azurerm_public_ip.vm_pip", definite: true, doubts: [] }]);
  });

  test("sku not known before apply, no NSG anywhere: a way in that is not definite, doubting sku", () => {
    const [e, ...rest] = entries(pipSite({ sku: "var" }));
    expect(rest).toEqual([]);
    expect([e.kind, e.resource, e.definite]).toEqual(["public-ip", "azurerm_public_ip.vm_pip", false]);
    expect(e.doubts).toEqual(["sku of azurerm_public_ip.vm_pip: the variable pip_sku is only known at plan time (without an NSG, a Standard one admits nothing, a Basic one everything)"]);
  });

  test.each([["subnet"], ["nic"]] as const)("Standard with an NSG on the %s: the NSG decides, the public IP is a definite way in", (nsgOn) => {
    expect(entries(pipSite({ sku: "Standard", nsgOn }))).toEqual([{ kind: "public-ip", resource: "azurerm_public_ip.vm_pip", definite: true, doubts: [] }]);
  });

  test("Standard with an NSG this configuration cannot see on the subnet: kept (that NSG decides)", () => {
    expect(entries(pipSite({ sku: "Standard", externalSubnetNsg: true }))).toEqual([{ kind: "public-ip", resource: "azurerm_public_ip.vm_pip", definite: true, doubts: [] }]);
  });

  test("a public IP by ID, not in this configuration, no NSG anywhere: its sku is not known, so not definite", () => {
    const tf = new TfJson();
    const subnet = tf.subnet("app", tf.vnet("net"), ["10.0.1.0/24"]);
    tf.nic("vm", subnet, "10.0.1.4", { public_ip_address_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/elsewhere" });
    const [e, ...rest] = entries(tf);
    expect(rest).toEqual([]);
    expect([e.kind, e.definite, e.doubts]).toEqual(["public-ip", false, [expect.stringMatching(/is not an azurerm_public_ip of this configuration, so its sku is not known/)]]);
  });
});

describe("SDZ-NET-001 and SDZ-NET-002 on a host with a public IP", () => {
  test.each([["Standard"], [undefined]])("sku %p, no NSG: no NET-001 (nothing gets in), NET-002 on the subnet", (sku) => {
    const r = check(pipSite({ sku }), [NET001, NET002]);
    expect(flagged(r, NET001)).toEqual([]);
    expect(unverifiedAt(r, NET001)).toEqual([]);
    expect(flagged(r, NET002)).toEqual(["azurerm_subnet.app"]);
    expect(unverifiedAt(r, NET002)).toEqual([]);
  });

  test("Basic, no NSG: NET-001 on the NIC, reachable now through the public IP; NET-002 on the subnet", () => {
    const r = check(pipSite({ sku: "Basic" }), [NET001, NET002]);
    expect(flagged(r, NET001)).toEqual(["azurerm_network_interface.vm"]);
    expect(unverifiedAt(r, NET001)).toEqual([]);
    expect(messages(r, NET001)).toEqual([expect.stringMatching(/^no NSG on the subnet allows RDP \(TCP 3389\).*; reachable now through public IP azurerm_public_ip\.vm_pip on /)]);
    expect(flagged(r, NET002)).toEqual(["azurerm_subnet.app"]);
  });

  test("sku not known before apply, no NSG: NET-001 could not verify (naming sku), no error; NET-002 on the subnet", () => {
    const r = check(pipSite({ sku: "var" }), [NET001, NET002]);
    expect(flagged(r, NET001)).toEqual([]);
    expect(unverifiedAt(r, NET001)).toEqual(["azurerm_network_interface.vm"]);
    expect(messages(r, NET001)).toEqual([expect.stringMatching(/^could not verify: no NSG on the subnet may allow RDP \(TCP 3389\).*; perhaps reachable through public IP azurerm_public_ip\.vm_pip on azurerm_network_interface\.vm \(10\.0\.1\.4\) \(sku of azurerm_public_ip\.vm_pip: the variable pip_sku is only known at plan time /)]);
    expect(flagged(r, NET002)).toEqual(["azurerm_subnet.app"]);
  });

  test.each([["subnet"], ["nic"]] as const)("Standard with an NSG on the %s allowing RDP from *: NET-001 on that NSG, reachable through the public IP", (nsgOn) => {
    const r = check(pipSite({ sku: "Standard", nsgOn }), [NET001, NET002]);
    expect(flagged(r, NET001)).toEqual(["azurerm_network_security_group.open"]);
    expect(unverifiedAt(r, NET001)).toEqual([]);
    expect(messages(r, NET001)).toEqual([expect.stringMatching(/^rule "allow-rdp" of NSG open allows RDP \(TCP 3389\).*; reachable now through public IP azurerm_public_ip\.vm_pip on /)]);
    // The subnet has an NSG, or it has none and NET-002 says so.
    expect(flagged(r, NET002)).toEqual(nsgOn === "subnet" ? [] : ["azurerm_subnet.app"]);
  });
});

describe("load balancer entries and the load balancer's SKU", () => {
  /** A public load balancer `lb` forwarding TCP 3389 to NIC `vm` (no public IP of its own), with `sku` as in {@link Opts}. */
  function lbSite(sku: string | undefined, nsgOn?: "subnet") {
    const tf = new TfJson();
    const subnet = tf.subnet("app", tf.vnet("net"), ["10.0.1.0/24"]);
    const nic = tf.nic("vm", subnet, "10.0.1.4");
    tf.windowsVm("vm", [nic]);
    const pip = tf.add("azurerm_public_ip", "lb_pip", { name: "lb-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: sku === "Basic" ? "Basic" : "Standard" });
    const lb = tf.add("azurerm_lb", "lb", {
      name: "lb", location: "westeurope", resource_group_name: "rg", ...skuOf(tf, sku),
      frontend_ip_configuration: [{ name: "fe", public_ip_address_id: TfJson.ref(pip) }],
    });
    const pool = tf.add("azurerm_lb_backend_address_pool", "pool", { name: "pool", loadbalancer_id: TfJson.ref(lb) });
    tf.add("azurerm_network_interface_backend_address_pool_association", "vm_pool", { network_interface_id: TfJson.ref(nic), ip_configuration_name: "primary", backend_address_pool_id: TfJson.ref(pool) });
    tf.add("azurerm_lb_rule", "rdp", {
      name: "rdp", loadbalancer_id: TfJson.ref(lb), protocol: "Tcp", frontend_port: 3389, backend_port: 3389, frontend_ip_configuration_name: "fe", backend_address_pool_ids: [TfJson.ref(pool)],
    });
    if (nsgOn) tf.associate(subnet, tf.nsg("open", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "*")]));
    return tf;
  }

  test.each([["Standard"], [undefined]])("sku %p (undefined: azurerm 4.x's default, Standard), no NSG: no way in, no NET-001", (sku) => {
    const tf = lbSite(sku);
    expect(entries(tf)).toEqual([]);
    const r = check(tf, [NET001, NET002]);
    expect([flagged(r, NET001), unverifiedAt(r, NET001), flagged(r, NET002)]).toEqual([[], [], ["azurerm_subnet.app"]]);
  });

  test("Basic, no NSG: a definite way in, NET-001 on the NIC", () => {
    const tf = lbSite("Basic");
    expect(entries(tf)).toEqual([{ kind: "load-balancer-rule", resource: "azurerm_lb_rule.rdp", definite: true, doubts: [] }]);
    expect(flagged(check(tf, [NET001]), NET001)).toEqual(["azurerm_network_interface.vm"]);
  });

  test("sku not known before apply, no NSG: not definite, doubting sku; NET-001 could not verify", () => {
    const tf = lbSite("var");
    expect(entries(tf)).toEqual([{ kind: "load-balancer-rule", resource: "azurerm_lb_rule.rdp", definite: false, doubts: [expect.stringMatching(/^sku of azurerm_lb\.lb: the variable pip_sku is only known at plan time/)] }]);
    const r = check(tf, [NET001]);
    expect([flagged(r, NET001), unverifiedAt(r, NET001)]).toEqual([[], ["azurerm_network_interface.vm"]]);
  });

  test("Basic, a rule whose backend pool is a variable: it may forward to the host (not definite, naming the field)", () => {
    const tf = lbSite("Basic");
    (tf.json.variable ??= {}).pool_id = { type: "string" };
    (tf.json.resource.azurerm_lb_rule.rdp as Body).backend_address_pool_ids = ["${var.pool_id}"];
    expect(entries(tf)).toEqual([{
      kind: "load-balancer-rule", resource: "azurerm_lb_rule.rdp", definite: false,
      doubts: [expect.stringMatching(/^backend_address_pool_ids: "\$\{var\.pool_id\}" cannot be followed to a backend pool of this configuration/)],
    }]);
    const r = check(tf, [NET001]);
    expect([flagged(r, NET001), unverifiedAt(r, NET001)]).toEqual([[], ["azurerm_network_interface.vm"]]);
  });

  test("Basic, a pool association whose NIC cannot be followed: any NIC may be a member (not definite)", () => {
    const tf = lbSite("Basic");
    (tf.json.variable ??= {}).nic_id = { type: "string" };
    (tf.json.resource.azurerm_network_interface_backend_address_pool_association.vm_pool as Body).network_interface_id = "${var.nic_id}";
    expect(entries(tf)).toEqual([{
      kind: "load-balancer-rule", resource: "azurerm_lb_rule.rdp", definite: false,
      doubts: ["it may forward to this host (azurerm_network_interface_backend_address_pool_association.vm_pool: its NIC, IP configuration or pool cannot be followed)"],
    }]);
  });

  test("with an NSG deciding, a doubtful way in is named as such in NET-001's message", () => {
    const tf = lbSite("Standard", "subnet");
    (tf.json.variable ??= {}).pool_id = { type: "string" };
    (tf.json.resource.azurerm_lb_rule.rdp as Body).backend_address_pool_ids = ["${var.pool_id}"];
    const r = check(tf, [NET001]);
    expect(flagged(r, NET001)).toEqual(["azurerm_network_security_group.open"]);
    expect(messages(r, NET001)).toEqual([expect.stringMatching(/; perhaps reachable through load balancer rule azurerm_lb_rule\.rdp \(frontend port 3389\) \(backend_address_pool_ids: /)]);
  });

  test("Standard with an NSG allowing RDP from *: a definite way in, NET-001 on the NSG", () => {
    const tf = lbSite("Standard", "subnet");
    expect(entries(tf)).toEqual([{ kind: "load-balancer-rule", resource: "azurerm_lb_rule.rdp", definite: true, doubts: [] }]);
    const r = check(tf, [NET001]);
    expect(flagged(r, NET001)).toEqual(["azurerm_network_security_group.open"]);
    expect(messages(r, NET001)).toEqual([expect.stringMatching(/reachable now through load balancer rule azurerm_lb_rule\.rdp \(frontend port 3389\)$/)]);
  });
});
