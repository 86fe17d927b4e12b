import { AccessModel } from "../../../src/engine/access/access-model";
import { denyAllPriority, shadowsAllowVnetInBound } from "../../../src/engine/access/nsg-eval";
import { SourceSet } from "../../../src/engine/access/source-set";
import { Body, TfJson, rule } from "../../support/tf-json";

/** Whether AllowVNetInBound decides something on the subnet, asked of the model port by port (what the shortcut spares). */
function vnetDefaultDecides(access: AccessModel): boolean {
  const ep = access.endpoints.find((e) => e.kind === "subnet")!;
  return (["Tcp", "Udp"] as const).some((protocol) => access.findGrant(ep, { protocol, from: 0, to: 65535 },
    (g) => g.layers.some((l) => l.rule?.isDefault === true && l.rule.name === "AllowVNetInBound")) !== undefined);
}

function nsgWith(rules: Body[]): { shadows: boolean; decides: boolean } {
  const tf = new TfJson();
  const sub = tf.subnet("app", tf.vnet("net", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
  tf.associate(sub, tf.nsg("app_nsg", [rule("kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), ...rules]));
  const access = AccessModel.of(tf.model());
  return { shadows: shadowsAllowVnetInBound(access.topology.nsgs[0]), decides: vnetDefaultDecides(access) };
}

describe("shadowsAllowVnetInBound: a deny before 65000 that leaves Azure's default rule nothing to decide", () => {
  test.each([
    ["a deny of everything from *", [rule("deny-all", 4096, "Deny", "*", "*", "*")]],
    ["a deny of everything from VirtualNetwork", [rule("deny-vnet", 4000, "Deny", "*", "*", "VirtualNetwork")]],
  ])("%s: true, and the model agrees that AllowVNetInBound decides nothing", (_, rules) => {
    expect(nsgWith(rules)).toEqual({ shadows: true, decides: false });
  });

  test.each([
    ["no deny at all", []],
    ["a deny of TCP only", [rule("deny-tcp", 4096, "Deny", "Tcp", "*", "*")]],
    ["a deny of some ports", [rule("deny-low", 4096, "Deny", "*", "0-1023", "*")]],
    ["a deny from one range", [rule("deny-range", 4096, "Deny", "*", "*", "10.0.0.0/24")]],
  ])("%s: false, and the model shows AllowVNetInBound deciding", (_, rules) => {
    expect(nsgWith(rules)).toEqual({ shadows: false, decides: true });
  });

  test("a deny to one destination, or with a field known only at apply time, is not taken as shadowing (fail closed: the model decides)", () => {
    expect(nsgWith([rule("deny-host", 4096, "Deny", "*", "*", "*", "10.0.1.4")]).shadows).toBe(false);
    expect(nsgWith([{ ...rule("deny-var", 4096, "Deny", "*", "*", "*"), priority: "${var.priority}" }]).shadows).toBe(false);
    expect(nsgWith([{ ...rule("deny-sp", 4096, "Deny", "*", "*", "*"), source_port_range: "80" }]).shadows).toBe(false);
  });
});

describe("denyAllPriority: the first deny of everything, after which no rule (Azure's defaults included) decides", () => {
  function site(rules: Body[]): AccessModel {
    const tf = new TfJson();
    const sub = tf.subnet("app", tf.vnet("net", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
    tf.associate(sub, tf.nsg("app_nsg", [rule("kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), ...rules]));
    return AccessModel.of(tf.model());
  }
  /** A VNet address that only AllowVNetInBound (65000) or the rule after the deny could let in. */
  const neighbour = SourceSet.v4([[0x0a000305, 0x0a000305]]);
  const mayAdmit = (access: AccessModel) => access.mayAdmitFrom(access.endpoints.find((e) => e.kind === "subnet")!, "Tcp", neighbour);

  test("a deny of everything at 4000: its priority, and the pre-check no longer counts AllowVNetInBound or a later allow", () => {
    const access = site([rule("deny-all", 4000, "Deny", "*", "*", "*"), rule("late", 4050, "Allow", "Tcp", "22", "10.0.3.0/24")]);
    expect(denyAllPriority(access.topology.nsgs[0], "Inbound")).toBe(4000);
    expect(denyAllPriority(access.topology.nsgs[0], "Outbound")).toBe(Infinity);
    expect(mayAdmit(access)).toBe(false);
  });

  test("an allow before the deny still counts", () => {
    expect(mayAdmit(site([rule("early", 200, "Allow", "Tcp", "22", "10.0.3.0/24"), rule("deny-all", 4096, "Deny", "*", "*", "*")]))).toBe(true);
  });

  test.each([
    ["a deny of TCP only", rule("deny-tcp", 4096, "Deny", "Tcp", "*", "*")],
    ["a deny from VirtualNetwork", rule("deny-vnet", 4096, "Deny", "*", "*", "VirtualNetwork")],
    ["a deny to one host", rule("deny-host", 4096, "Deny", "*", "*", "*", "10.0.1.4")],
    ["a deny whose priority is known only at apply time", { ...rule("deny-var", 4096, "Deny", "*", "*", "*"), priority: "${var.priority}" }],
  ])("%s is not a deny of everything: no cut, AllowVNetInBound still counts", (_, deny) => {
    const access = site([deny]);
    expect(denyAllPriority(access.topology.nsgs[0], "Inbound")).toBe(Infinity);
    expect(mayAdmit(access)).toBe(true);
  });
});

describe("admitsCertainly: one address, walked through the rules in Azure's order", () => {
  function site(rules: Body[]): { access: AccessModel; ok: (src: string) => boolean } {
    const tf = new TfJson();
    const sub = tf.subnet("app", tf.vnet("net", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
    tf.associate(sub, tf.nsg("app_nsg", [...rules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
    tf.nic("vm", sub, "10.0.1.4");
    const access = AccessModel.of(tf.model());
    const ep = access.endpoints.find((e) => e.kind === "nic")!;
    const ip = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    return { access, ok: (src) => access.admitsCertainly(ep, "Icmp", 0, ip(src)) };
  }

  test("an ICMP allow from the VNet before the deny-all: certain for a VNet address, not for another", () => {
    const s = site([rule("icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16")]);
    expect([s.ok("10.0.3.3"), s.ok("192.168.1.1")]).toEqual([true, false]);
  });

  test.each([
    ["the allow's protocol comes from a variable", [{ ...rule("icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), protocol: "${var.protocol}" }]],
    ["an earlier rule's priority is not known", [rule("icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), { ...rule("deny", 200, "Deny", "*", "*", "*"), priority: "${var.p}" }]],
    ["an earlier deny's direction is not known", [rule("icmp", 4095, "Allow", "Icmp", "*", "10.0.0.0/16"), { ...rule("deny", 200, "Deny", "*", "*", "*"), direction: "${var.d}" }]],
  ])("%s: not certain (the model is asked)", (_, rules) => {
    expect(site(rules as Body[]).ok("10.0.3.3")).toBe(false);
  });
});
