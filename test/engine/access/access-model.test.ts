import { AccessModel, Grant } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { TfJson, rule } from "../../support/tf-json";

function v4(ip: string): number {
  return (parseCidr(ip) as { start: number }).start;
}

function grantFor(grants: readonly Grant[], ip: string, port: number): Grant | undefined {
  return grants.find((g) => g.sources.v4.contains(v4(ip)) && g.ports.contains(port));
}

function site(rules: ReturnType<typeof rule>[], nicRules?: ReturnType<typeof rule>[]) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const sub = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const nsg = tf.nsg("servers_nsg", rules);
  tf.associate(sub, nsg);
  const nic = tf.nic("kms_nic", sub, "10.0.1.4");
  if (nicRules) tf.nicNsg(nic, tf.nsg("nic_nsg", nicRules));
  tf.windowsVm("kms", [nic]);
  const model = tf.model();
  const access = AccessModel.of(model);
  const ep = access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.kms_nic"))!;
  return { access, ep };
}

describe("effective access: one NSG layer", () => {
  test("AllowVNetInBound admits the VNet when no deny overrides it, and nothing from outside", () => {
    const { access, ep } = site([]);
    const a = access.inbound(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    const g = grantFor(a.grants, "10.0.9.9", 1688)!;
    expect(g.outcome).toBe("allow");
    expect(g.layers[0].rule?.name).toBe("AllowVNetInBound");
    expect(grantFor(a.grants, "8.8.8.8", 1688)).toBeUndefined();
    expect(grantFor(a.grants, "192.168.1.1", 1688)).toBeUndefined();
  });

  test("first match wins: a deny at a lower number shadows a later allow for the sources it covers", () => {
    const { access, ep } = site([
      rule("deny-dmz", 100, "Deny", "Tcp", "1688", "10.0.50.0/24"),
      rule("allow-all-kms", 200, "Allow", "Tcp", "1000-2000", "*"),
      rule("deny-all", 4096, "Deny", "*", "*", "*"),
    ]);
    const a = access.inbound(ep, { protocol: "Tcp", from: 1688, to: 1688 });
    expect(grantFor(a.grants, "10.0.50.7", 1688)).toBeUndefined();
    expect(grantFor(a.grants, "10.0.1.9", 1688)?.layers[0].rule?.name).toBe("allow-all-kms");
    expect(grantFor(a.grants, "8.8.8.8", 1688)?.layers[0].rule?.name).toBe("allow-all-kms");
    expect(access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 }).grants).toEqual([]);
  });

  test("subnet and NIC NSGs must both allow", () => {
    const { access, ep } = site(
      [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "*")],
      [rule("nic-deny-rdp-internet", 100, "Deny", "Tcp", "3389", "Internet")],
    );
    const a = access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 });
    expect(grantFor(a.grants, "8.8.8.8", 3389)).toBeUndefined();
    const g = grantFor(a.grants, "10.0.2.2", 3389)!;
    expect(g.layers.map((l) => l.rule?.name)).toEqual(["allow-rdp", "AllowVNetInBound"]);
  });

  test("a rule whose access comes from a variable makes the outcome uncertain, never allowed or denied", () => {
    const { access, ep } = site([
      { ...rule("mystery", 100, "Allow", "Tcp", "3389", "*"), access: "${var.access}" },
      rule("deny-all", 4096, "Deny", "*", "*", "*"),
    ]);
    const g = grantFor(access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 }).grants, "8.8.8.8", 3389)!;
    expect(g.outcome).toBe("uncertain");
    expect(g.layers[0].doubt?.name).toBe("mystery");
    expect(g.layers[0].doubtReasons?.join(" ")).toContain("access: the variable access");
  });

  test("port ranges are split where rules change, and each piece keeps its own rule", () => {
    const { access, ep } = site([
      rule("deny-amt-2", 100, "Deny", "Tcp", "16994-16995", "*"),
      rule("allow-amt", 200, "Allow", "Tcp", "16992-16995", "10.0.9.0/24"),
      rule("deny-all", 4096, "Deny", "*", "*", "*"),
    ]);
    const a = access.inbound(ep, { protocol: "Tcp", from: 16992, to: 16995 });
    const g = grantFor(a.grants, "10.0.9.5", 16992)!;
    expect(g.ports.ranges()).toEqual([[16992, 16993]]);
    expect(grantFor(a.grants, "10.0.9.5", 16994)).toBeUndefined();
  });

  test("the whole IPv4 Internet written as two /1 halves is the Internet", () => {
    const { access, ep } = site([
      rule("allow-halves", 100, "Allow", "Tcp", "3389", ["0.0.0.0/1", "128.0.0.0/1"]),
      rule("deny-all", 4096, "Deny", "*", "*", "*"),
    ]);
    const a = access.inbound(ep, { protocol: "Tcp", from: 3389, to: 3389 });
    const internet = access.internetSources(ep.subnet!.vnet, ep.subnet);
    const reached = a.grants.filter((g) => g.outcome === "allow").reduce((acc, g) => acc.union(g.sources), internet.subtract(internet));
    expect(internet.v4.subtract(reached.v4).isEmpty).toBe(true);
    expect(reached.v6.isEmpty).toBe(true);
  });
});

describe("azurerm 5.x attribute names", () => {
  test("a subnet's network_security_group_id_wo associates the NSG; in a plan, only its _wo_version is left and the NSG is unknown", () => {
    const build = (wo: boolean) => {
      const tf = new TfJson();
      const nsg = tf.nsg("n", [rule("deny-all", 4096, "Deny", "*", "*", "*")]);
      tf.subnet("s", tf.vnet("net"), ["10.0.1.0/24"], wo ? { network_security_group_id_wo: TfJson.ref(nsg), network_security_group_id_wo_version: 1 } : { network_security_group_id_wo_version: 1 });
      const access = AccessModel.of(tf.model());
      return access.topology.subnets[0];
    };
    expect(build(true).nsgs.map((n) => n.name)).toEqual(["n"]);
    const planned = build(false);
    expect(planned.nsgs).toEqual([]);
    expect(planned.nsgUnknown).toMatch(/write-only/);
  });
});

describe("Topology.nicsInAsg: the members of an application security group, in configuration order", () => {
  test("two NICs of one group, one of another, none of a third", () => {
    const tf = new TfJson();
    const sub = tf.subnet("app", tf.vnet("net", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
    const nics = ["a", "b", "c"].map((n, i) => tf.nic(n, sub, `10.0.1.${4 + i}`));
    for (const g of ["pxe", "web", "empty"]) tf.add("azurerm_application_security_group", g, { name: g, location: "westeurope", resource_group_name: "rg" });
    const member = (nic: string, asg: string) => tf.add("azurerm_network_interface_application_security_group_association", `${nic.split(".")[1]}_${asg}`, {
      network_interface_id: TfJson.ref(nic), application_security_group_id: TfJson.ref(`azurerm_application_security_group.${asg}`),
    });
    member(nics[2], "pxe");
    member(nics[0], "pxe");
    member(nics[1], "web");
    const topology = AccessModel.of(tf.model()).topology;
    const names = (id: string) => topology.nicsInAsg(id).map((n) => n.resource.address);
    expect(names("azurerm_application_security_group.pxe")).toEqual([nics[0], nics[2]]);
    expect(names("azurerm_application_security_group.web")).toEqual([nics[1]]);
    expect(names("azurerm_application_security_group.empty")).toEqual([]);
  });
});

describe("Topology.parseRule: a raw value is read once per configuration", () => {
  test("rules repeating a value share one frozen reading; a reference reads the same for every rule; lists, ASGs and plurals are read per rule", () => {
    const tf = new TfJson();
    tf.json.variable = { admin_range: { type: "string" } };
    const sub = tf.subnet("app", tf.vnet("net", ["10.0.0.0/16"]), ["10.0.1.0/24"]);
    tf.add("azurerm_application_security_group", "admins", { name: "admins", location: "westeurope", resource_group_name: "rg" });
    tf.associate(sub, tf.nsg("app_nsg", [
      rule("rdp", 100, "Allow", "Tcp", "3389", "10.9.0.0/24"),
      rule("winrm", 110, "Allow", "Tcp", "3389", "10.9.0.0/24"),
      rule("var1", 120, "Allow", "Tcp", "443", "${var.admin_range}"),
      rule("var2", 130, "Allow", "Tcp", "443", "${var.admin_range}"),
      rule("list1", 140, "Allow", "Tcp", ["80", "443"], ["10.9.0.0/24", "10.8.0.0/24"]),
      rule("list2", 150, "Allow", "Tcp", ["80", "443"], ["10.9.0.0/24", "10.8.0.0/24"]),
      rule("icmp", 160, "Allow", "Icmp", "3389", "10.9.0.0/24"),
      // The same single prefix beside an ASG, and the same single port beside a list: other values, read on their own.
      { ...rule("asg", 170, "Allow", "Tcp", "3389", "10.9.0.0/24"), source_application_security_group_ids: [TfJson.ref("azurerm_application_security_group.admins")] },
      { ...rule("plural", 180, "Allow", "Tcp", "3389", "10.9.0.0/24"), destination_port_ranges: ["5985"] },
    ]));
    const rules = AccessModel.of(tf.model()).topology.rules;
    const byName = (n: string) => rules.find((r) => r.name === n)!;
    const [rdp, winrm] = [byName("rdp"), byName("winrm")];
    for (const f of ["sources", "destinations", "destinationPorts", "sourcePorts", "direction", "access", "protocol"] as const) expect(winrm[f]).toBe(rdp[f]);
    expect(winrm.priority).not.toBe(rdp.priority);
    expect(Object.isFrozen(rdp.sources)).toBe(true);
    expect(rdp.sources.known && Object.isFrozen(rdp.sources.value)).toBe(true);
    expect(() => (rdp.sources.known ? (rdp.sources.value as unknown[]).push("x") : undefined)).toThrow(TypeError);
    // The same unknown, naming the field, on each rule that writes it: one reading.
    expect(byName("var2").sources).toBe(byName("var1").sources);
    for (const n of ["var1", "var2"]) {
      expect(byName(n).sources.known).toBe(false);
      expect(byName(n).unknowns).toEqual([{ field: "source_address_prefix", reason: expect.stringMatching(/variable admin_range/) }]);
    }
    // Lists are read per rule (equal values, separate readings).
    expect(byName("list1").sources).not.toBe(byName("list2").sources);
    expect(byName("list1").sources).toEqual(byName("list2").sources);
    // A prefix beside an ASG, and a port beside a list of ports, are other values than the prefix or port alone.
    const asg = byName("asg").sources;
    expect(asg).not.toBe(rdp.sources);
    expect(asg.known && asg.value.map((t) => t.kind)).toEqual(["cidr", "asg"]);
    const plural = byName("plural").destinationPorts;
    expect(plural).not.toBe(rdp.destinationPorts);
    expect(plural.known && plural.value.ranges()).toEqual([[3389, 3389], [5985, 5985]]);
    // A portless protocol matches every port whatever its port field says.
    const icmpPorts = byName("icmp").destinationPorts;
    expect(icmpPorts.known && icmpPorts.value.isAll).toBe(true);
    expect(rdp.destinationPorts.known && rdp.destinationPorts.value.ranges()).toEqual([[3389, 3389]]);
  });
});
