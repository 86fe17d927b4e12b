import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { defineRule, Rule, RuleLevel } from "../../src/engine/rule";

/** Flags NSGs named `open-*`; unverified when the name is unknown. */
const namedOpen = defineRule({
  id: "SDZ-TEST-001",
  level: RuleLevel.ERROR,
  area: "test",
  title: "Open NSG",
  rationale: "test rule",
  fix: "rename it",
  requirements: ["R-SEC-7"],
  resourceTypes: ["azurerm_network_security_group"],
  check(ctx) {
    for (const nsg of ctx.model.ofType("azurerm_network_security_group")) {
      const name = ctx.model.resolveString(nsg.config.name);
      if (!name.known) ctx.unverified(nsg, `the name is unknown (${name.reason})`);
      else if (name.value.startsWith("open-")) ctx.report(nsg, `NSG "${name.value}" is open`);
    }
  },
});

/** Throws on any input, after one finding. */
const throwing = defineRule({
  id: "SDZ-TEST-002",
  level: RuleLevel.WARNING,
  area: "test",
  title: "Crashes",
  rationale: "test rule",
  fix: "n/a",
  requirements: ["R-SEC-4"],
  resourceTypes: [],
  check(ctx) {
    const first = ctx.model.resources[0];
    if (first) ctx.report(first, "reported before the crash");
    throw new TypeError("cannot read properties of undefined");
  },
});

/** Notes every subnet at INFO level, with an error override for one. */
const notes = defineRule({
  id: "SDZ-TEST-003",
  level: RuleLevel.INFO,
  area: "test",
  title: "Subnet note",
  rationale: "test rule",
  fix: "none needed",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_subnet"],
  check(ctx) {
    for (const s of ctx.model.ofType("azurerm_subnet")) {
      ctx.report(s, "a note", s.name === "hot" ? { level: RuleLevel.ERROR, fix: "specific fix" } : {});
    }
  },
});

function withSuppressions(body: Record<string, unknown>, suppressions: { id: string; reason: string; scope?: string }[], path?: string) {
  return { ...body, "//": { metadata: path ? { path } : undefined, secure_deployment_zones: { suppressions } } };
}

const json = {
  resource: {
    azurerm_network_security_group: {
      a: { name: "open-a", tags: { "sdz-zone": "pxe", "sdz-trust": "INTERNAL", "other": "x" } },
      b: { name: "${var.nsg_name}" },
      c: withSuppressions({ name: "open-c" }, [
        { id: "SDZ-TEST-001", reason: "outer: accepted for the lab stack", scope: "s/lab" },
        { id: "SDZ-TEST-001", reason: "inner: this NSG is reviewed weekly", scope: "s/lab/c" },
      ], "s/lab/c"),
      d: withSuppressions({ name: "closed-d" }, [{ id: "SDZ-TEST-001", reason: "nothing to suppress here", scope: "s/d" }], "s/d"),
    },
    azurerm_subnet: { hot: { name: "hot" }, cold: { name: "cold" } },
  },
};

describe("runRules", () => {
  const model = TerraformModel.fromTerraformJson(json, { name: "demo" });

  test("findings carry rule metadata, address and construct path", () => {
    const r = runRules(model, [namedOpen]);
    const a = r.findings.find((f) => f.address === "azurerm_network_security_group.a")!;
    expect(a).toEqual({
      ruleId: "SDZ-TEST-001", level: RuleLevel.ERROR, status: FindingStatus.FAIL, title: "Open NSG", message: 'NSG "open-a" is open',
      fix: "rename it", requirements: ["R-SEC-7"], address: "azurerm_network_security_group.a", resourceType: "azurerm_network_security_group",
      constructPath: undefined, source: undefined, suppressionReason: undefined,
    });
    expect(r.rules.map((x) => x.id)).toEqual(["SDZ-TEST-001"]);
    expect(r.resourceCount).toBe(6);
    expect(r.name).toBe("demo");
  });

  test("an unknown value is unverified (a warning by default), never compliant", () => {
    const r = runRules(model, [namedOpen]);
    const b = r.findings.find((f) => f.address === "azurerm_network_security_group.b")!;
    expect(b).toMatchObject({ status: FindingStatus.UNVERIFIED, level: RuleLevel.WARNING });
    expect(b.message).toMatch(/^could not verify: the name is unknown \(the variable nsg_name/);
    expect(r.counts).toEqual({ errors: 1, warnings: 1, infos: 0, unverified: 1, suppressed: 1 });
  });

  test("failOnUnverified keeps the rule's level for unverified findings", () => {
    const r = runRules(model, [namedOpen], { failOnUnverified: true });
    expect(r.findings.find((f) => f.address === "azurerm_network_security_group.b")!.level).toBe(RuleLevel.ERROR);
    expect(r.counts).toEqual({ errors: 2, warnings: 0, infos: 0, unverified: 1, suppressed: 1 });
  });

  test("nested suppressions: the innermost reason is recorded and both count as used; one that matches nothing is unused", () => {
    const r = runRules(model, [namedOpen]);
    const c = r.findings.find((f) => f.address === "azurerm_network_security_group.c")!;
    expect(c).toMatchObject({ status: FindingStatus.SUPPRESSED, suppressionReason: "inner: this NSG is reviewed weekly", constructPath: "s/lab/c" });
    expect(r.unusedSuppressions).toEqual([{ ruleId: "SDZ-TEST-001", reason: "nothing to suppress here", scope: "s/d" }]);
  });

  test("suppressions declared on scopes without resources are reported unused", () => {
    const r = runRules(model, [namedOpen], { extraDeclaredSuppressions: [{ ruleId: "SDZ-TEST-001", reason: "empty subtree here", scope: "s/empty" }] });
    expect(r.unusedSuppressions.map((u) => u.scope).sort()).toEqual(["s/d", "s/empty"]);
  });

  test("an unsuppressible rule ignores suppressions recorded in the JSON", () => {
    const strict: Rule = { ...namedOpen, suppressible: false };
    const r = runRules(model, [strict]);
    expect(r.findings.find((f) => f.address === "azurerm_network_security_group.c")!.status).toBe(FindingStatus.FAIL);
    expect(r.counts.suppressed).toBe(0);
    expect(r.rules[0].suppressible).toBe(false);
  });

  test("a rule that throws is reported as unverified and does not stop the others", () => {
    const r = runRules(model, [throwing, namedOpen, notes]);
    const crash = r.findings.filter((f) => f.ruleId === "SDZ-TEST-002");
    expect(crash.map((f) => f.status)).toEqual([FindingStatus.FAIL, FindingStatus.UNVERIFIED]);
    expect(crash[1]).toMatchObject({ address: "demo", resourceType: "(configuration)", level: RuleLevel.WARNING });
    expect(crash[1].message).toMatch(/rule SDZ-TEST-002 failed on this input \(cannot read properties of undefined\); nothing it checks was verified/);
    expect(r.findings.filter((f) => f.ruleId === "SDZ-TEST-001")).toHaveLength(3);
    expect(r.findings.filter((f) => f.ruleId === "SDZ-TEST-003")).toHaveLength(2);
  });

  test("a finding may override the level and the fix", () => {
    const r = runRules(model, [notes]);
    expect(r.findings.map((f) => [f.address, f.level, f.fix])).toEqual([
      ["azurerm_subnet.hot", RuleLevel.ERROR, "specific fix"],
      ["azurerm_subnet.cold", RuleLevel.INFO, "none needed"],
    ]);
    expect(r.counts).toMatchObject({ errors: 1, infos: 1 });
  });

  test("the inventory lists every sdz-* tag by address, nothing else", () => {
    expect(runRules(model, []).inventory).toEqual({ "azurerm_network_security_group.a": { "sdz-zone": "pxe", "sdz-trust": "INTERNAL" } });
  });

  test("the network index is built once per model and shared by rules", () => {
    const seen: unknown[] = [];
    const probe = (id: string): Rule => ({ ...notes, id, check: (ctx) => void seen.push(ctx.network) });
    runRules(model, [probe("SDZ-TEST-010"), probe("SDZ-TEST-011")]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  test("reading the deprecated network index warns once per process, with its code, never per rule or run", () => {
    const warned: Array<[unknown, unknown]> = [];
    const spy = jest.spyOn(process, "emitWarning").mockImplementation(((w: unknown, o: unknown) => void warned.push([w, o])) as typeof process.emitWarning);
    try {
      jest.isolateModules(() => {
        // A fresh module instance: "once per process" is the module's own state.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runRules: fresh } = require("../../src/engine/engine") as typeof import("../../src/engine/engine");
        const reader = (id: string): Rule => ({ ...notes, id, check: (ctx) => void ctx.network });
        const other = (id: string): Rule => ({ ...notes, id, check: (ctx) => void ctx.access });
        fresh(model, [other("SDZ-TEST-012")]);
        expect(warned).toEqual([]);
        fresh(model, [reader("SDZ-TEST-010"), reader("SDZ-TEST-011")]);
        fresh(model, [reader("SDZ-TEST-010")]);
      });
    } finally {
      spy.mockRestore();
    }
    expect(warned).toHaveLength(1);
    expect(String(warned[0][0])).toMatch(/RuleContext\.network is deprecated.*RuleContext\.access/);
    expect(warned[0][1]).toEqual({ type: "DeprecationWarning", code: "SDZ_DEP_NETWORK_INDEX" });
  });
});
