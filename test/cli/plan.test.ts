import * as fs from "fs";
import * as path from "path";
import { convertPlan, isPlanJson, PlanFormatError } from "../../src/cli/plan";
import { TerraformModel } from "../../src/engine/model";
import { NetworkIndex } from "../../src/engine/network-index";

const PLAN = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "plan", "plan.json"), "utf8"));

function convert(plan: any = PLAN) {
  const { resources, locals } = convertPlan(plan, "plan.json");
  const model = TerraformModel.fromResources(resources, "plan.json", locals);
  const byAddress = (a: string) => {
    const r = model.byAddress(a);
    if (!r) throw new Error(`no ${a} in ${resources.map((x) => x.address).join(", ")}`);
    return r;
  };
  return { resources, model, byAddress };
}

describe("plan conversion", () => {
  test("detects plan JSON by format_version and planned_values", () => {
    expect(isPlanJson(PLAN)).toBe(true);
    expect(isPlanJson({ format_version: "1.0", values: {} })).toBe(false);
    expect(isPlanJson({ resource: {} })).toBe(false);
  });

  test("reads managed resources of the root and child modules with their addresses", () => {
    const { resources } = convert();
    expect(resources.map((r) => r.address)).toEqual([
      "azurerm_resource_group.rg",
      "azurerm_virtual_network.vnet",
      "azurerm_subnet.pxe",
      "azurerm_network_security_group.pxe",
      "azurerm_network_security_rule.rdp",
      "azurerm_network_security_rule.jump",
      "azurerm_network_security_rule.winrm[0]",
      "azurerm_public_ip.jump",
      "azurerm_subnet_network_security_group_association.pxe",
      "module.distribution_point.azurerm_network_interface.nic",
      "module.distribution_point.azurerm_windows_virtual_machine.vm",
    ]);
    expect(resources.every((r) => r.source === "plan.json" && r.suppressions.length === 0)).toBe(true);
  });

  test("known planned values are taken as they are", () => {
    const { byAddress, model } = convert();
    const rdp = byAddress("azurerm_network_security_rule.rdp");
    expect(rdp.config).toMatchObject({ source_address_prefix: "Internet", destination_port_range: "3389", network_security_group_name: "nsg-pxe", priority: 100 });
    expect(model.tags(byAddress("azurerm_network_security_group.pxe"))).toEqual({ "sdz-zone": "pxe", "sdz-trust": "INTERNAL" });
  });

  test("an unknown value referring to one resource attribute becomes an interpolation the model follows", () => {
    const { byAddress, model } = convert();
    const assoc = byAddress("azurerm_subnet_network_security_group_association.pxe");
    expect(assoc.config.subnet_id).toBe("${azurerm_subnet.pxe.id}");
    expect(assoc.config.network_security_group_id).toBe("${azurerm_network_security_group.pxe.id}");
    expect(model.referencedResource(assoc.config.subnet_id)?.address).toBe("azurerm_subnet.pxe");
    // the id itself is computed at apply time: it stays unknown, never a made-up value
    const id = model.resolve(assoc.config.subnet_id);
    expect(id).toMatchObject({ known: false, reason: expect.stringContaining("azurerm_subnet.pxe.id") });
  });

  test("an unknown value from a computed attribute is unknown with a reason naming it", () => {
    const { byAddress, model } = convert();
    const jump = byAddress("azurerm_network_security_rule.jump");
    expect(jump.config.source_address_prefix).toBe("${azurerm_public_ip.jump.ip_address}");
    const r = model.resolveStringList(jump.config.source_address_prefix);
    expect(r.known).toBe(false);
    expect(!r.known && r.reason).toBe("azurerm_public_ip.jump.ip_address is computed by the provider at apply time");
  });

  test("an unknown value from a module variable stays unknown (no guessing)", () => {
    const { byAddress, model } = convert();
    const nic = byAddress("module.distribution_point.azurerm_network_interface.nic");
    const [ipConfig] = model.blocks(nic, "ip_configuration");
    expect(ipConfig).toMatchObject({ name: "ipconfig1", private_ip_address: "10.20.1.10" });
    expect(model.resolve(ipConfig.subnet_id).known).toBe(false);
    expect(model.referencedResource(ipConfig.subnet_id)).toBeUndefined();
  });

  test("a list of references maps each unknown element to its resource, with the module prefix", () => {
    const { byAddress } = convert();
    const vm = byAddress("module.distribution_point.azurerm_windows_virtual_machine.vm");
    expect(vm.config.network_interface_ids).toEqual(["${module.distribution_point.azurerm_network_interface.nic.id}"]);
  });

  test("the model follows references into the child module: the VM is related to its NIC", () => {
    const { byAddress, model } = convert();
    const vm = NetworkIndex.of(model).vms.find((v) => v.resource === byAddress("module.distribution_point.azurerm_windows_virtual_machine.vm"));
    expect(vm?.nicsUnknown).toBe(false);
    expect(vm?.nics.map((n) => n.resource.address)).toEqual(["module.distribution_point.azurerm_network_interface.nic"]);
  });

  test("computed-only attributes stay absent, as in cdktf output", () => {
    const { byAddress } = convert();
    const vm = byAddress("module.distribution_point.azurerm_windows_virtual_machine.vm");
    expect("virtual_machine_id" in vm.config).toBe(false);
    expect("private_ip_address" in vm.config).toBe(false);
  });

  test("a sensitive value from a variable becomes the reference; the secret is dropped", () => {
    const { byAddress, model } = convert();
    const vm = byAddress("module.distribution_point.azurerm_windows_virtual_machine.vm");
    expect(vm.config.admin_password).toBe("${var.admin_password}");
    expect(model.resolve(vm.config.admin_password)).toMatchObject({ known: false });
    expect(JSON.stringify(vm.config)).not.toContain("Plan-Secret");
  });

  test("empty strings in NSG rule fields (rule resources and inline rules) are unset; other types keep them", () => {
    const emptyPlan = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "hcl-tree", "plan", "plan.json"), "utf8"));
    emptyPlan.planned_values.root_module.resources.push({ address: "azurerm_storage_account.sa", mode: "managed", type: "azurerm_storage_account", name: "sa", values: { name: "st", custom_domain: "" } });
    const { byAddress, model } = convert(emptyPlan);
    const rule = byAddress("azurerm_network_security_rule.rdp_admins");
    expect("source_address_prefix" in rule.config).toBe(false);
    expect("description" in rule.config).toBe(false);
    expect(rule.config.source_address_prefixes).toEqual(["10.0.9.0/24", "10.0.10.0/24"]);
    const inline = byAddress("azurerm_network_security_group.plan").config.security_rule[0];
    expect("source_address_prefix" in inline).toBe(false);
    expect(inline.source_address_prefixes).toEqual(["10.0.9.0/24", "10.0.10.0/24"]);
    expect(byAddress("azurerm_storage_account.sa").config.custom_domain).toBe("");
    // The network index reads the rule's sources from the list alone.
    const view = NetworkIndex.of(model).rules.find((r) => r.resource.address === "azurerm_network_security_rule.rdp_admins");
    expect(view?.sources.map((x) => x.text)).toEqual(["10.0.9.0/24", "10.0.10.0/24"]);
  });

  test("counted instances are addressed by index and can be referenced", () => {
    const plan = JSON.parse(JSON.stringify(PLAN));
    // a second resource referring to winrm[0] by index
    plan.planned_values.root_module.resources.push({
      address: "azurerm_network_security_rule.copy", mode: "managed", type: "azurerm_network_security_rule", name: "copy",
      provider_name: "registry.terraform.io/hashicorp/azurerm", schema_version: 0, values: { name: "copy" }, sensitive_values: {},
    });
    plan.resource_changes.push({ address: "azurerm_network_security_rule.copy", mode: "managed", type: "azurerm_network_security_rule", name: "copy", change: { actions: ["create"], after_unknown: { description: true } } });
    plan.configuration.root_module.resources.push({
      address: "azurerm_network_security_rule.copy", mode: "managed", type: "azurerm_network_security_rule", name: "copy",
      expressions: { description: { references: ["azurerm_network_security_rule.winrm[0].id", "azurerm_network_security_rule.winrm[0]", "azurerm_network_security_rule.winrm"] } },
    });
    const { byAddress, model } = convert(plan);
    const winrm = byAddress("azurerm_network_security_rule.winrm[0]");
    expect(winrm.name).toBe("winrm[0]");
    const copy = byAddress("azurerm_network_security_rule.copy");
    expect(copy.config.description).toBe('${azurerm_network_security_rule["winrm[0]"].id}');
    expect(model.referencedResource(copy.config.description)).toBe(winrm);
  });

  test("an expression referring to several resources stays unknown", () => {
    const plan = JSON.parse(JSON.stringify(PLAN));
    const cfg = plan.configuration.root_module.resources.find((r: any) => r.name === "jump" && r.type === "azurerm_network_security_rule");
    cfg.expressions.source_address_prefix = { references: ["azurerm_public_ip.jump.ip_address", "azurerm_public_ip.jump", "azurerm_subnet.pxe.address_prefixes", "azurerm_subnet.pxe"] };
    const { byAddress, model } = convert(plan);
    const v = byAddress("azurerm_network_security_rule.jump").config.source_address_prefix;
    expect(model.referencedResource(v)).toBeUndefined();
    expect(model.resolve(v)).toMatchObject({ known: false, reason: "azurerm_network_security_rule.jump.source_address_prefix is computed by the provider at apply time" });
  });

  test("an unknown attribute without configuration stays unknown rather than absent", () => {
    const plan = JSON.parse(JSON.stringify(PLAN));
    plan.configuration.root_module.resources = plan.configuration.root_module.resources.filter((r: any) => r.name !== "jump");
    const { byAddress, model } = convert(plan);
    const v = byAddress("azurerm_network_security_rule.jump").config.source_address_prefix;
    expect(v).toBeDefined();
    expect(model.resolveStringList(v).known).toBe(false);
  });

  test("rejects an unsupported major format version", () => {
    expect(() => convertPlan({ format_version: "2.0", planned_values: {} }, "p")).toThrow(PlanFormatError);
    expect(() => convertPlan({ format_version: "2.0", planned_values: {} }, "p")).toThrow('unsupported plan format_version "2.0"');
  });
});

describe("plan conversion: standalone routes fill the route table of their name in their resource group", () => {
  const planOf = (routeGroup: string) => {
    const rt = (name: string, group: string) => ({ address: `azurerm_route_table.${name}`, mode: "managed", type: "azurerm_route_table", name, values: { name: "rt", resource_group_name: group } });
    const route = { address: "azurerm_route.r", mode: "managed", type: "azurerm_route", name: "r", values: { name: "r", resource_group_name: routeGroup, route_table_name: "rt", address_prefix: "0.0.0.0/0", next_hop_type: "Internet" } };
    const resources = [rt("a", "rg-a"), rt("b", "rg-b"), route];
    return {
      format_version: "1.2",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, change: { actions: ["create"], after_unknown: r.type === "azurerm_route_table" ? { id: true, route: true } : { id: true } } })),
      configuration: { root_module: { resources: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, expressions: { name: { constant_value: r.values.name } } })) } },
    };
  };

  test("the table in the route's group is read without inline routes; its namesake in another group keeps its routes unknown", () => {
    const { byAddress } = convert(planOf("RG-A"));
    expect(byAddress("azurerm_route_table.a").config.route).toBeUndefined();
    expect(byAddress("azurerm_route_table.b").config.route).toBe('${local["(known after apply)"]["azurerm_route_table.b.route"]}');
  });
});

describe("plan conversion: an existing route table's routes read back from Azure", () => {
  test("the copy Azure holds of a standalone route is dropped (the route is read from its resource, as planned); others stay", () => {
    const held = [
      { name: "default", address_prefix: "0.0.0.0/0", next_hop_type: "Internet", next_hop_in_ip_address: "" },
      { name: "portal", address_prefix: "10.9.0.0/16", next_hop_type: "None", next_hop_in_ip_address: "" },
    ];
    const table = { address: "azurerm_route_table.t", mode: "managed", type: "azurerm_route_table", name: "t", values: { name: "rt", resource_group_name: "rg", route: held } };
    const route = { address: "azurerm_route.r", mode: "managed", type: "azurerm_route", name: "r", values: { name: "DEFAULT", resource_group_name: "rg", route_table_name: "rt", address_prefix: "0.0.0.0/0", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "10.0.0.4" } };
    const plan = {
      format_version: "1.2",
      planned_values: { root_module: { resources: [table, route] } },
      resource_changes: [
        { address: table.address, change: { actions: ["no-op"], before: table.values, after: table.values, after_unknown: { route: [{}, {}] } } },
        { address: route.address, change: { actions: ["update"], before: { ...route.values, next_hop_type: "Internet" }, after: route.values, after_unknown: {} } },
      ],
      configuration: {
        root_module: {
          resources: [
            { address: table.address, mode: "managed", type: table.type, name: "t", expressions: { name: { constant_value: "rt" }, resource_group_name: { constant_value: "rg" } } },
            { address: route.address, mode: "managed", type: route.type, name: "r", expressions: { name: { constant_value: "DEFAULT" }, route_table_name: { constant_value: "rt" } } },
          ],
        },
      },
    };
    const { byAddress } = convert(plan);
    expect(byAddress("azurerm_route_table.t").config.route.map((r: any) => r.name)).toEqual(["portal"]);
  });
});
