import {
  AccessOutcome, CustomRule, CustomRuleContext, DeploymentRole, EvidenceSource, ICustomRule, Protocol, RuleLevel, SourceKind, TrustLevel, ValueState, ZoneTags,
} from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { CheckResult } from "../../src/engine/result";
import { toEngineRules } from "../../src/rules/custom-rule";

/** A subnet whose NSG holds `rules`, and one NIC at 10.0.1.4 (raw Terraform JSON, as a user writes it). */
function exampleSite(rules: Record<string, unknown>[]): { [key: string]: any } {
  return {
    resource: {
      azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
      azurerm_subnet: { app: { name: "app", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
      azurerm_network_security_group: { app: { name: "app-nsg", location: "westeurope", resource_group_name: "rg", security_rule: rules } },
      azurerm_subnet_network_security_group_association: { app: { subnet_id: "${azurerm_subnet.app.id}", network_security_group_id: "${azurerm_network_security_group.app.id}" } },
      azurerm_network_interface: {
        vm: { name: "vm-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.app.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4" }] },
      },
    },
  };
}

/** A custom rule whose check is `check`. */
function rule(check: (ctx: CustomRuleContext) => void, id = "ACME-T-001", level = RuleLevel.ERROR): ICustomRule {
  return { id, level, title: "test rule", rationale: "for tests", fix: "fix it", check };
}

/** Runs one custom rule on Terraform JSON and returns the result. */
function run(json: unknown, r: ICustomRule): CheckResult {
  return runRules(TerraformModel.fromTerraformJson(json, { name: "test" }), toEngineRules([r], undefined));
}

/** Asks `ask` inside a rule's check and returns its answer. */
function ask<T>(json: unknown, question: (ctx: CustomRuleContext) => T): T {
  let answer: T | undefined;
  const result = run(json, rule((ctx) => {
    answer = question(ctx);
  }));
  expect(result.findings).toEqual([]);
  return answer as T;
}

const RDP = (source: string) => ({
  name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
  source_port_range: "*", destination_port_range: "3389", source_address_prefix: source, destination_address_prefix: "*",
});

describe("custom rule validation", () => {
  test.each([
    [{ id: "SDZ-NET-001" }, /Invalid rules\[0\]\.id: "SDZ-NET-001"\. Allowed: an ID that is not a built-in rule's \(SDZ-NET-001 is "Management port open to any or the Internet"\); use your own prefix, e\.g\. ACME-NET-001/],
    [{ id: "sdz-net-001" }, /Invalid rules\[0\]\.id: "sdz-net-001"\. Allowed: an ID that is not a built-in rule's \(SDZ-NET-001/],
    [{ id: "SDZ-MINE-001" }, /Invalid rules\[0\]\.id: "SDZ-MINE-001"\. Allowed: an ID outside the SDZ- prefix, which is reserved/],
    [{ id: "ACME 1" }, /Invalid rules\[0\]\.id: "ACME 1"\. Allowed: an ID of 1 to 64 letters/],
    [{ level: "fatal" }, /Invalid rules\[0\]\.level: "fatal"\. Allowed: one of error, warning, info \(RuleLevel\) for rule ACME-T-001/],
    [{ title: " " }, /Invalid rules\[0\]\.title: " "\. Allowed: a non-empty text for rule ACME-T-001/],
    [{ check: undefined }, /Invalid rules\[0\]\.check: .*Allowed: a method check\(context\) for rule ACME-T-001/],
    [{ requirements: "R-1" }, /Invalid rules\[0\]\.requirements: "R-1"\. Allowed: a list of strings for rule ACME-T-001/],
    [{ helpUri: "docs/x.md" }, /Invalid rules\[0\]\.helpUri: "docs\/x\.md"\. Allowed: an http\(s\) URL for rule ACME-T-001/],
  ])("a bad rule %j is refused, naming the rule, the field and the value", (override, message) => {
    expect(() => toEngineRules([{ ...rule(() => undefined), ...override } as ICustomRule], undefined)).toThrow(message);
  });

  test("IDs are unique across rules and packs (case-insensitive); pack names are checked", () => {
    const a = rule(() => undefined, "ACME-A-001");
    expect(() => toEngineRules([a], [{ name: "acme", rules: [rule(() => undefined, "acme-a-001")] }]))
      .toThrow(/Invalid packs\[0\]\.rules\[0\]\.id: "acme-a-001"\. Allowed: an ID no other custom rule uses \(rules\[0\] has it\)/);
    expect(() => toEngineRules(undefined, [{ name: "Acme Rules", rules: [a] }])).toThrow(/Invalid packs\[0\]\.name: "Acme Rules"/);
    const adapted = toEngineRules([a], [{ name: "acme-net", rules: [rule(() => undefined, "ACME-B-001")] }]);
    expect(adapted.map((r) => [r.id, r.area])).toEqual([["ACME-A-001", "custom"], ["ACME-B-001", "acme-net"]]);
  });

  test("a class rule keeps its metadata; suppressible defaults to true", () => {
    class Mine extends CustomRule {
      constructor() {
        super({ id: "ACME-C-001", level: RuleLevel.INFO, title: "t", rationale: "r", fix: "f", requirements: ["ACME-1"], suppressible: false });
      }
      public check(): void {}
    }
    const [r] = toEngineRules([new Mine()], undefined);
    expect(r).toMatchObject({ id: "ACME-C-001", level: "info", requirements: ["ACME-1"], resourceTypes: [], suppressible: false, area: "custom" });
    expect(toEngineRules([rule(() => undefined)], undefined)[0].suppressible).toBe(true);
  });
});

describe("findings of a custom rule", () => {
  const site = exampleSite([RDP("*")]);

  test("report and couldNotVerify go through the engine: level, fix, status; unverified errors are warnings", () => {
    const result = run(site, rule((ctx) => {
      const [nsg] = ctx.resourcesOfType("azurerm_network_security_group");
      ctx.report(nsg, "bad", { level: RuleLevel.INFO, fix: "specific fix" });
      ctx.couldNotVerify(ctx.resource("azurerm_subnet.app")!, "unknown");
    }));
    expect(result.findings.map((f) => [f.ruleId, f.level, f.status, f.address, f.message, f.fix])).toEqual([
      ["ACME-T-001", "info", "fail", "azurerm_network_security_group.app", "bad", "specific fix"],
      ["ACME-T-001", "warning", "unverified", "azurerm_subnet.app", "could not verify: unknown", "fix it"],
    ]);
  });

  test("a check that throws, or reports on a resource it did not get, is 'could not verify' on the configuration", () => {
    const thrown = run(site, rule(() => {
      throw new Error("boom");
    }));
    expect(thrown.findings.map((f) => [f.status, f.address, f.message])).toEqual([["unverified", "test", "could not verify: rule ACME-T-001 failed on this input (boom); nothing it checks was verified"]]);
    const wrong = run(site, rule((ctx) => ctx.report({ type: "x", name: "y", address: "x.y", attributes: {} }, "bad")));
    expect(wrong.findings.map((f) => [f.status, f.address])).toEqual([["unverified", "test"]]);
    expect(wrong.findings[0].message).toContain('no resource "x.y" in configuration test');
  });
});

describe("CustomRuleContext", () => {
  test("resources by type and address, with their synthesized attributes", () => {
    const answer = ask(exampleSite([RDP("*")]), (ctx) => ({
      nics: ctx.resourcesOfType("azurerm_network_interface").map((r) => [r.address, r.attributes.name]),
      all: ctx.allResources().length,
      none: ctx.resource("azurerm_subnet.nope"),
      name: ctx.configurationName,
    }));
    expect(answer).toEqual({ nics: [["azurerm_network_interface.vm", "vm-nic"]], all: 5, none: undefined, name: "test" });
  });

  test("attributes and tags: known (references followed), absent, unknown naming the field", () => {
    const json = {
      variable: { tags: {} },
      resource: {
        azurerm_storage_account: {
          a: { name: "a", tags: { "Cost-Center": "it" }, network_rules: { default_action: "Deny" }, location: "${azurerm_storage_account.b.location}" },
          b: { name: "b", tags: "${var.tags}", location: "westeurope", network_rules: [{ default_action: "${var.tags}" }] },
        },
      },
    };
    const answer = ask(json, (ctx) => {
      const a = ctx.resource("azurerm_storage_account.a")!;
      const b = ctx.resource("azurerm_storage_account.b")!;
      return {
        tag: ctx.tag(a, "cost-center"), missing: ctx.tag(a, "owner"), unknownTag: ctx.tag(b, "cost-center"),
        nested: ctx.attribute(a, "network_rules.0.default_action"), followed: ctx.attribute(a, "location"),
        absent: ctx.attribute(a, "min_tls_version"), unknown: ctx.attribute(b, "network_rules.0.default_action"),
      };
    });
    expect(answer.tag).toEqual({ state: ValueState.KNOWN, value: "it" });
    expect(answer.missing).toEqual({ state: ValueState.ABSENT });
    expect(answer.unknownTag).toMatchObject({ state: ValueState.UNKNOWN, reason: expect.stringMatching(/^azurerm_storage_account\.b\.tags: .*variable tags/) });
    expect(answer.nested).toEqual({ state: ValueState.KNOWN, value: "Deny" });
    expect(answer.followed).toEqual({ state: ValueState.KNOWN, value: "westeurope" });
    expect(answer.absent).toEqual({ state: ValueState.ABSENT });
    expect(answer.unknown).toMatchObject({ state: ValueState.UNKNOWN, reason: expect.stringMatching(/^azurerm_storage_account\.b\.network_rules\.0\.default_action: .*variable tags/) });
  });

  test("inboundAccess: the Internet among the sources, with the deciding NSG and the path", () => {
    const a = ask(exampleSite([RDP("*")]), (ctx) => ctx.inboundAccess(ctx.resource("azurerm_network_interface.vm")!, Protocol.TCP, 3389));
    expect(a.outcome).toBe(AccessOutcome.ALLOWED);
    expect(a.internet).toBe(AccessOutcome.ALLOWED);
    const internet = a.sources.filter((s) => s.kind === SourceKind.INTERNET);
    expect(internet).toEqual([expect.objectContaining({
      outcome: AccessOutcome.ALLOWED, broadInternet: true, decidingResource: "azurerm_network_security_group.app",
      decidedBy: expect.stringContaining("allow-rdp"), path: expect.stringContaining('rule "allow-rdp"'), endpoint: "azurerm_network_interface.vm (10.0.1.4)",
    })]);
  });

  test("inboundAccess: VNet-only access is not the Internet; an unknown source prefix is uncertain, never denied", () => {
    const fromVnet = ask(exampleSite([RDP("10.0.9.0/24")]), (ctx) => ctx.inboundAccess(ctx.resource("azurerm_network_interface.vm")!, Protocol.TCP, 3389));
    expect([fromVnet.outcome, fromVnet.internet]).toEqual([AccessOutcome.ALLOWED, AccessOutcome.DENIED]);
    expect(fromVnet.sources.map((s) => s.kind)).not.toContain(SourceKind.INTERNET);

    const site = { ...exampleSite([RDP("${var.admin_cidr}")]), variable: { admin_cidr: {} } };
    const unknown = ask(site, (ctx) => ctx.inboundAccess(ctx.resource("azurerm_network_interface.vm")!, Protocol.TCP, 3389));
    expect(unknown.internet).toBe(AccessOutcome.UNCERTAIN);
    expect(unknown.reasons.join(" ")).toMatch(/admin_cidr/);
  });

  test("inboundAccess on a resource no network holds is uncertain, naming it; a bad protocol or port fails the rule", () => {
    const json = { resource: { azurerm_storage_account: { a: { name: "a" } } } };
    const a = ask(json, (ctx) => ctx.inboundAccess(ctx.resource("azurerm_storage_account.a")!, Protocol.TCP, 445));
    expect(a).toEqual({
      outcome: AccessOutcome.UNCERTAIN, internet: AccessOutcome.UNCERTAIN, sources: [], internetWaysIn: [],
      reasons: ["azurerm_storage_account.a is not a VM, NIC, private endpoint, subnet or NSG placed in a network of this configuration"],
    });
    const bad = run(json, rule((ctx) => ctx.inboundAccess(ctx.resource("azurerm_storage_account.a")!, Protocol.ESP, 0)));
    expect(bad.findings.map((f) => [f.status, f.message])).toEqual([["unverified", expect.stringContaining("protocol must be TCP, UDP or ICMP")]]);
  });

  test("zonesOf and rolesOf: declared trust and roles with evidence", () => {
    const site: any = exampleSite([RDP("10.0.9.0/24")]);
    site.resource.azurerm_network_security_group.app.tags = { [ZoneTags.ZONE]: "admin", [ZoneTags.TRUST]: TrustLevel.MANAGEMENT };
    site.resource.azurerm_windows_virtual_machine = {
      vm: { name: "vm", network_interface_ids: ["${azurerm_network_interface.vm.id}"], tags: { [ZoneTags.ROLE]: DeploymentRole.KMS_HOST } },
    };
    const a = ask(site, (ctx) => {
      const vm = ctx.resource("azurerm_windows_virtual_machine.vm")!;
      return { zones: ctx.zonesOf(vm), roles: ctx.rolesOf(vm), nicRoles: ctx.rolesOf(ctx.resource("azurerm_network_interface.vm")!), subnet: ctx.zonesOf(ctx.resource("azurerm_subnet.app")!) };
    });
    expect(a.zones).toEqual({
      state: ValueState.KNOWN, reasons: [],
      zones: [{ name: "admin", address: "azurerm_subnet.app", trust: TrustLevel.MANAGEMENT, source: EvidenceSource.DECLARED, evidence: expect.any(String) }],
    });
    expect(a.subnet.zones.map((z) => z.name)).toEqual(["admin"]);
    expect(a.roles.state).toBe(ValueState.KNOWN);
    expect(a.roles.roles).toEqual([{ role: DeploymentRole.KMS_HOST, source: EvidenceSource.DECLARED, evidence: expect.any(String) }]);
    expect(a.nicRoles.roles.map((r) => r.role)).toEqual([DeploymentRole.KMS_HOST]);
  });

  test("a VM whose NICs are not known: access and zones are uncertain, naming network_interface_ids", () => {
    const site: any = { ...exampleSite([]), variable: { nics: {} } };
    site.resource.azurerm_windows_virtual_machine = { vm: { name: "vm", network_interface_ids: "${var.nics}" } };
    const a = ask(site, (ctx) => {
      const vm = ctx.resource("azurerm_windows_virtual_machine.vm")!;
      return { access: ctx.inboundAccess(vm, Protocol.TCP, 3389), zones: ctx.zonesOf(vm) };
    });
    expect([a.access.outcome, a.access.internet]).toEqual([AccessOutcome.UNCERTAIN, AccessOutcome.UNCERTAIN]);
    expect(a.access.reasons).toEqual([expect.stringMatching(/^the network interfaces of azurerm_windows_virtual_machine\.vm are not known \(network_interface_ids: .*nics/)]);
    expect(a.zones).toEqual({ zones: [], state: ValueState.UNKNOWN, reasons: [expect.stringContaining("network_interface_ids")] });
  });

  test("setting: a contract tag's provenance; a name outside the contract fails the rule", () => {
    const site: any = exampleSite([]);
    site.resource.azurerm_windows_virtual_machine = { vm: { name: "vm", network_interface_ids: ["${azurerm_network_interface.vm.id}"] } };
    const absent = ask(site, (ctx) => ctx.setting(ctx.resource("azurerm_windows_virtual_machine.vm")!, ZoneTags.ROLE));
    expect(absent).toMatchObject({ state: ValueState.ABSENT, acceptable: false });
    const bad = run(site, rule((ctx) => ctx.setting(ctx.resource("azurerm_windows_virtual_machine.vm")!, "cost-center")));
    expect(bad.findings.map((f) => [f.status, f.message])).toEqual([["unverified", expect.stringContaining('"cost-center" is not a tag of the secure-deployment-zones contract')]]);
  });
});
