import { DataAzurermSubnet } from "@cdktf/provider-azurerm/lib/data-azurerm-subnet";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Fn, TerraformLocal, TerraformVariable } from "cdktf";
import { TerraformModel } from "../../src/engine/model";
import { NetworkIndex } from "../../src/engine/network-index";
import { newStack, synthJson } from "../support/fixtures";

/** A model from raw Terraform JSON resources. */
function model(resource: Record<string, Record<string, unknown>>, locals?: Record<string, unknown>): TerraformModel {
  return TerraformModel.fromTerraformJson({ resource, locals }, { name: "raw" });
}

describe("TerraformModel: resolving values", () => {
  const m = model(
    {
      azurerm_subnet: {
        app: { name: "app", address_prefixes: ["10.0.1.0/24"], resource_group_name: "${azurerm_resource_group.rg.name}" },
      },
      azurerm_resource_group: { rg: { name: "rg-prod", location: "westeurope" } },
      azurerm_network_security_group: {
        nsg: { name: "${azurerm_subnet.app.name}-nsg", tags: { "sdz-zone": "${local.zone}", "owner": "${var.owner}" } },
      },
    },
    { zone: "pxe", nested: { cidrs: ["10.9.0.0/16"] }, loop_a: "${local.loop_b}", loop_b: "${local.loop_a}", via_res: "${azurerm_subnet.app.address_prefixes}" },
  );

  test("literals resolve to themselves", () => {
    expect(m.resolve("10.0.0.0/8")).toEqual({ known: true, value: "10.0.0.0/8" });
    expect(m.resolve(42)).toEqual({ known: true, value: 42 });
    expect(m.resolve(null)).toEqual({ known: true, value: null });
    expect(m.resolveStringList(undefined)).toEqual({ known: true, value: [] });
  });

  test("a reference to a same-stack attribute is followed, also through another reference", () => {
    expect(m.resolve("${azurerm_subnet.app.address_prefixes}")).toEqual({ known: true, value: ["10.0.1.0/24"] });
    expect(m.resolve("${azurerm_subnet.app.address_prefixes[0]}")).toEqual({ known: true, value: "10.0.1.0/24" });
    expect(m.resolveString("${azurerm_subnet.app.resource_group_name}")).toEqual({ known: true, value: "rg-prod" });
  });

  test("embedded interpolation of known scalars is resolved", () => {
    const nsg = m.byAddress("azurerm_network_security_group.nsg")!;
    expect(m.resolveString(nsg.config.name)).toEqual({ known: true, value: "app-nsg" });
  });

  test("locals are expanded (also nested and through references), loops end as unknown", () => {
    expect(m.resolve("${local.zone}")).toEqual({ known: true, value: "pxe" });
    expect(m.resolve("${local.nested.cidrs[0]}")).toEqual({ known: true, value: "10.9.0.0/16" });
    expect(m.resolve("${local.via_res}")).toEqual({ known: true, value: ["10.0.1.0/24"] });
    const loop = m.resolve("${local.loop_a}");
    expect(loop.known).toBe(false);
    expect(m.resolve("${local.missing}")).toMatchObject({ known: false, reason: expect.stringContaining("local missing is not defined") });
  });

  test.each([
    ["${var.cidr}", /variable cidr/],
    ["${data.azurerm_subnet.shared.address_prefixes}", /data source azurerm_subnet.shared/],
    ["${azurerm_subnet.app.id}", /azurerm_subnet\.app\.id is computed by the provider at apply time/],
    ["${azurerm_subnet.other.name}", /not a resource of this configuration/],
    ["${azurerm_subnet.app}", /whole resource/],
    ['${cidrsubnet("10.0.0.0/16", 8, 1)}', /function call or operator/],
    ["${module.net.cidr}", /module values/],
    ["10.0.${var.octet}.0/24", /variable octet/],
    ["%{if var.open}*%{else}10.0.0.0/8%{endif}", /template directive/],
  ])("%s stays unknown, with a reason", (expr, reason) => {
    const r = m.resolve(expr);
    expect(r.known).toBe(false);
    if (!r.known) expect(r.reason).toMatch(reason);
  });

  test("an unknown element makes the whole list unknown", () => {
    expect(m.resolveStringList(["10.0.0.0/8", "${var.extra}"]).known).toBe(false);
  });

  test("escaped interpolation ($${) and template (%%{) are literals", () => {
    expect(m.resolve("$${not.a.ref}")).toEqual({ known: true, value: "${not.a.ref}" });
    expect(m.resolve("100%%{x}")).toEqual({ known: true, value: "100%{x}" });
  });

  test("tags keep only known values", () => {
    expect(m.tags(m.byAddress("azurerm_network_security_group.nsg")!)).toEqual({ "sdz-zone": "pxe" });
  });

  test("typed resolvers convert or refuse", () => {
    expect(m.resolveNumber("100")).toEqual({ known: true, value: 100 });
    expect(m.resolveNumber("abc").known).toBe(false);
    expect(m.resolveBoolean("true")).toEqual({ known: true, value: true });
    expect(m.resolveBoolean("yes").known).toBe(false);
    expect(m.resolveString({ a: 1 }).known).toBe(false);
  });

  test("referencedResource follows whole references only", () => {
    expect(m.referencedResource("${azurerm_subnet.app.id}")?.address).toBe("azurerm_subnet.app");
    expect(m.referencedResource("${data.azurerm_subnet.app.id}")).toBeUndefined();
    expect(m.referencedResource("prefix-${azurerm_subnet.app.id}")).toBeUndefined();
    expect(m.referencedResource("/subscriptions/x/resourceGroups/rg")).toBeUndefined();
  });

  test("odd JSON shapes are skipped, never thrown on", () => {
    for (const json of [null, 42, "x", [], { resource: [] }, { resource: { azurerm_subnet: "x" } }, { resource: { azurerm_subnet: { a: 5, b: [{ name: "b" }, 3] } } }]) {
      expect(() => TerraformModel.fromTerraformJson(json)).not.toThrow();
    }
    const m2 = TerraformModel.fromTerraformJson({ resource: { azurerm_subnet: { a: 5, b: [{ name: "b" }, { address_prefixes: ["10.0.0.0/24"] }] } } });
    expect(m2.resources.map((r) => r.address)).toEqual(["azurerm_subnet.b"]);
    expect(m2.byAddress("azurerm_subnet.b")!.config).toEqual({ name: "b", address_prefixes: ["10.0.0.0/24"] });
  });

  test("a resource whose body is not an object, or a type whose value is not an object, is listed as unreadable, not dropped silently", () => {
    const unread = TerraformModel.fromTerraformJson({
      resource: {
        azurerm_subnet: { a: 5, b: [{ name: "b" }, 3], c: null, d: [1, "x"], e: [] },
        azurerm_network_security_group: null,
        azurerm_network_security_rule: [{ r: { name: "r" } }],
      },
    }, { source: "main.tf.json" });
    expect(unread.resources.map((r) => r.address)).toEqual(["azurerm_subnet.b"]);
    const body = (found: string) => `the resource's body is ${found}, not an object of arguments: not read, nothing of it was checked`;
    const type = (t: string, found: string) => `the resources of type ${t} are ${found}, not an object of named resources: not read, nothing of them was checked`;
    expect(unread.unreadable.map((u) => [u.address, u.type, u.message, u.source])).toEqual([
      ["azurerm_network_security_group", "azurerm_network_security_group", type("azurerm_network_security_group", "null"), "main.tf.json"],
      ["azurerm_network_security_rule", "azurerm_network_security_rule", type("azurerm_network_security_rule", "a list"), "main.tf.json"],
      ["azurerm_subnet.a", "azurerm_subnet", body("number"), "main.tf.json"],
      ["azurerm_subnet.c", "azurerm_subnet", body("null"), "main.tf.json"],
      ["azurerm_subnet.d", "azurerm_subnet", body("a list without an object"), "main.tf.json"],
      ["azurerm_subnet.e", "azurerm_subnet", body("a list without an object"), "main.tf.json"],
    ]);
  });
});

describe("TerraformModel: references as cdktf writes them", () => {
  test("variables, data sources, computed attributes, locals and function calls in a synthesized stack", () => {
    const { stack } = newStack();
    const cidr = new TerraformVariable(stack, "cidr", { type: "string" });
    const shared = new DataAzurermSubnet(stack, "shared", { name: "shared", virtualNetworkName: "vnet", resourceGroupName: "rg" });
    const vnet = new VirtualNetwork(stack, "vnet", { name: "vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
    const subnet = new Subnet(stack, "app", { name: "app", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
    const local = new TerraformLocal(stack, "mgmt", "10.0.9.0/24");
    const nsg = new NetworkSecurityGroup(stack, "nsg", { name: "nsg", location: "westeurope", resourceGroupName: "rg" });
    const sources: Record<string, string | string[]> = {
      fromVar: cidr.stringValue,
      fromData: Fn.element(shared.addressPrefixes, 0),
      fromId: subnet.id,
      fromLocal: local.asString,
      fromFn: Fn.cidrsubnet("10.0.0.0/16", 8, 3),
      embedded: `${cidr.stringValue}-x`,
    };
    let prio = 100;
    for (const [name, src] of Object.entries(sources)) {
      new NetworkSecurityRule(stack, name, {
        name, priority: prio++, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443",
        sourceAddressPrefix: src as string, destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
      });
    }
    new NetworkSecurityRule(stack, "fromSubnet", {
      name: "fromSubnet", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443",
      sourceAddressPrefixes: subnet.addressPrefixes, destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
    });
    const m = TerraformModel.fromTerraformJson(synthJson(stack));
    const rules = new Map(NetworkIndex.of(m).rules.map((r) => [r.name, r]));
    const source = (name: string) => rules.get(name)!.sources;

    expect(source("fromVar")).toEqual([expect.objectContaining({ kind: "unknown", reason: expect.stringMatching(/variable cidr/) })]);
    expect(source("fromData")).toEqual([expect.objectContaining({ kind: "unknown", reason: expect.stringMatching(/function call|data source/) })]);
    expect(source("fromId")).toEqual([expect.objectContaining({ kind: "unknown", reason: expect.stringMatching(/azurerm_subnet\.app\.id is computed/) })]);
    expect(source("fromLocal")).toEqual([expect.objectContaining({ kind: "cidr", text: "10.0.9.0/24" })]);
    expect(source("fromFn")).toEqual([expect.objectContaining({ kind: "unknown", reason: expect.stringMatching(/function call/) })]);
    expect(source("embedded")).toEqual([expect.objectContaining({ kind: "unknown" })]);
    // `${azurerm_subnet.app.address_prefixes}` is understood as that subnet's prefixes.
    expect(source("fromSubnet")).toEqual([expect.objectContaining({ kind: "cidr", text: "10.0.1.0/24" })]);
    for (const name of Object.keys(sources)) expect(rules.get(name)!.nsg?.name).toBe("nsg");
  });
});

describe("references into child modules and resource instances (plan addresses)", () => {
  const res = (address: string, type: string, config: Record<string, unknown>) => ({
    type, name: address.split(".").pop()!, address, config, suppressions: [],
  });
  const planModel = TerraformModel.fromResources([
    res("module.dp.azurerm_subnet.pxe", "azurerm_subnet", { address_prefixes: ["10.1.2.0/24"] }),
    res("module.site[0].module.net.azurerm_subnet.a", "azurerm_subnet", { address_prefixes: ["10.9.0.0/24"] }),
    { ...res("azurerm_subnet.zone[1]", "azurerm_subnet", { address_prefixes: ["10.3.1.0/24"] }) },
    { ...res('azurerm_subnet.byname["kms"]', "azurerm_subnet", { address_prefixes: ["10.4.0.0/24"] }) },
  ], "plan");

  test("a module resource attribute is followed", () => {
    expect(planModel.resolve("${module.dp.azurerm_subnet.pxe.address_prefixes}")).toEqual({ known: true, value: ["10.1.2.0/24"] });
    expect(planModel.referencedResource("${module.dp.azurerm_subnet.pxe.id}")?.address).toBe("module.dp.azurerm_subnet.pxe");
  });

  test("nested and indexed modules are followed", () => {
    expect(planModel.resolve("${module.site[0].module.net.azurerm_subnet.a.address_prefixes[0]}")).toEqual({ known: true, value: "10.9.0.0/24" });
  });

  test("count and for_each instances are followed", () => {
    expect(planModel.resolve("${azurerm_subnet.zone[1].address_prefixes}")).toEqual({ known: true, value: ["10.3.1.0/24"] });
    expect(planModel.resolve('${azurerm_subnet.byname["kms"].address_prefixes}')).toEqual({ known: true, value: ["10.4.0.0/24"] });
  });

  test("a module output stays unknown, with a reason", () => {
    const r = planModel.resolve("${module.dp.subnet_id}");
    expect(r.known).toBe(false);
    expect(planModel.referencedResource("${module.other.azurerm_subnet.x.id}")).toBeUndefined();
  });
});

describe("TerraformModel: resource names", () => {
  test("names keep their text whatever the characters (ASCII, Latin-1, beyond), and two-byte input strings too", () => {
    // A two-byte string holding ASCII, as cdktf's logical IDs of nested constructs are: sliced from a string with a non-Latin-1 character.
    const twoByte = "\u0151Zone0_Nsg_5ED02728".slice(1);
    const names = [twoByte, "caf\u00e9", "zone\u0151"];
    for (const compactNames of [false, true]) {
      const m = TerraformModel.fromTerraformJson({ resource: { azurerm_subnet: Object.fromEntries(names.map((n) => [n, { name: n }])) } }, { name: "t", compactNames });
      expect(m.resources.map((r) => [r.name, r.address])).toEqual(names.map((n) => [n, `azurerm_subnet.${n}`]));
      expect(m.byAddress(`azurerm_subnet.${twoByte}`)?.name).toBe("Zone0_Nsg_5ED02728");
    }
  });

  test("compacted in one pass: names stay aligned with their bodies across types and skipped bodies; a name holding NUL keeps its text", () => {
    const twoByte = (s: string) => `\u0151${s}`.slice(1);
    for (const odd of ["plain", "with\u0000nul"]) {
      const json = {
        resource: {
          azurerm_subnet: { [twoByte("a")]: { name: "a" }, [twoByte("skipped")]: "not a body", [twoByte("b")]: [{ name: "b" }], [odd]: { name: "odd" } },
          not_a_block: "x",
          azurerm_network_security_group: { [twoByte("caf\u00e9")]: { name: "c" } },
        },
      };
      const m = TerraformModel.fromTerraformJson(json, { name: "t", compactNames: true });
      expect(m.resources.map((r) => [r.address, r.config.name])).toEqual([
        ["azurerm_subnet.a", "a"], ["azurerm_subnet.b", "b"], [`azurerm_subnet.${odd}`, "odd"], ["azurerm_network_security_group.caf\u00e9", "c"],
      ]);
    }
    expect(TerraformModel.fromTerraformJson({ resource: {} }, { compactNames: true }).resources).toEqual([]);
  });
});
