import * as fs from "fs";
import * as path from "path";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { SecureDeploymentChecks } from "../../src/checks/aspect";
import { Suppressions } from "../../src/checks/suppressions";
import { FindingStatus } from "../../src/engine/result";
import { managementPortsFromInternet } from "../../src/rules/net/management-port-open-to-internet";
import { newStack } from "../support/fixtures";

// A test-only unsuppressible rule is added to the shipped rules, so the engine's handling of
// `suppressible: false` is tested whatever rules the library ships.
jest.mock("../../src/rules", () => {
  const actual = jest.requireActual("../../src/rules");
  const strict = {
    id: "SDZ-TEST-900",
    level: "error",
    area: "test",
    title: "Strict test rule",
    rationale: "test only",
    fix: "rename the NSG",
    requirements: ["R-SEC-7"],
    resourceTypes: ["azurerm_network_security_group"],
    suppressible: false,
    check(ctx: any) {
      for (const nsg of ctx.model.ofType("azurerm_network_security_group")) {
        const name = ctx.model.resolveString(nsg.config.name);
        if (name.known && name.value.startsWith("strict-")) ctx.report(nsg, `NSG "${name.value}" is strict.`);
      }
    },
  };
  return { ...actual, ALL_RULES: [...actual.ALL_RULES, strict], findRule: (id: string) => (id === strict.id ? strict : actual.findRule(id)) };
});

const RDP_FIX = managementPortsFromInternet.fix;

function openRdp(scope: Construct, id: string, source = "Internet") {
  const nsg = new NetworkSecurityGroup(scope, `${id}-nsg`, { name: `${id}-nsg`, location: "westeurope", resourceGroupName: "rg" });
  return new NetworkSecurityRule(scope, id, {
    name: id, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
    sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: source, destinationAddressPrefix: "*",
    resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
  });
}

/** Annotations below `root`, by level. */
function annotations(root: IConstruct, level: "error" | "warning" | "info"): string[] {
  const type = level === "error" ? "@cdktf/error" : level === "warning" ? "@cdktf/warn" : "@cdktf/info";
  return root.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data)));
}

function check(stack: TerraformStack, checks = new SecureDeploymentChecks({ writeReports: false })) {
  checks.applyToStack(stack);
  const json = JSON.parse(Testing.synth(stack, true));
  return { checks, json, result: checks.resultFor(stack)! };
}

describe("Suppressions.add validation", () => {
  const { stack } = newStack();
  test.each([
    [[], /Invalid suppressions: \[\]\. Allowed: a non-empty list/],
    [[{ id: "SDZ-NOPE-001", reason: "a long enough reason" }], /Invalid suppressions\[0\]\.id: "SDZ-NOPE-001"\. Allowed: the ID of a rule this library ships/],
    [[{ id: "SDZ-NET-001", reason: "too short" }], /Invalid suppressions\[0\]\.reason: "too short"\. Allowed: a reason of at least 10 characters/],
    [[{ id: "SDZ-NET-001", reason: "   short    " }], /Invalid suppressions\[0\]\.reason/],
    [[{ id: "SDZ-NET-001", reason: "fine reason here" }, { id: "SDZ-TEST-900", reason: "cannot suppress this one" }], /Invalid suppressions\[1\]\.id: "SDZ-TEST-900"\. Allowed: a suppressible rule; SDZ-TEST-900 cannot be suppressed/],
  ])("%j is refused", (list, message) => {
    expect(() => Suppressions.add(stack, list as any)).toThrow(message);
  });

  test("a valid suppression is kept (trimmed) on its scope", () => {
    const c = new Construct(stack, "valid");
    Suppressions.add(c, [{ id: "SDZ-NET-001", reason: "  exactly10c  " }]);
    expect(Suppressions.of(c)).toEqual([{ id: "SDZ-NET-001", reason: "exactly10c" }]);
  });
});

describe("suppressions in a stack", () => {
  test("apply to a whole subtree, are recorded in cdk.tf.json, and leave siblings alone", () => {
    const { app, stack } = newStack();
    const lab = new Construct(stack, "lab");
    openRdp(lab, "one");
    openRdp(new Construct(lab, "deeper"), "two");
    // a sibling outside the subtree: its (unverified) finding stays open
    openRdp(stack, "outside", new TerraformVariable(stack, "src", { type: "string" }).stringValue);
    Suppressions.add(lab, [{ id: "SDZ-NET-001", reason: "Lab subtree torn down nightly" }]);
    const checks = new SecureDeploymentChecks({ writeReports: false });
    checks.applyToStack(stack);
    app.synth();
    const result = checks.resultFor(stack)!;
    const at = (p: string) => result.findings.find((f) => f.constructPath === p)!;
    expect(at("test/lab/one")).toMatchObject({ status: FindingStatus.SUPPRESSED, suppressionReason: "Lab subtree torn down nightly" });
    expect(at("test/lab/deeper/two")).toMatchObject({ status: FindingStatus.SUPPRESSED, suppressionReason: "Lab subtree torn down nightly" });
    expect(at("test/outside").status).toBe(FindingStatus.UNVERIFIED);
    expect(result.counts).toMatchObject({ errors: 0, unverified: 1, suppressed: 2 });
    expect(result.unusedSuppressions).toEqual([]);
    // recorded under `//.secure_deployment_zones` of each resource below the scope
    const tf = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "test", "cdk.tf.json"), "utf8"));
    const recorded = Object.values<any>(tf.resource.azurerm_network_security_rule)
      .filter((r) => r["//"].secure_deployment_zones)
      .map((r) => [r["//"].metadata.path, r["//"].secure_deployment_zones.suppressions]);
    expect(recorded.sort()).toEqual([
      ["test/lab/deeper/two", [{ id: "SDZ-NET-001", reason: "Lab subtree torn down nightly", scope: "test/lab" }]],
      ["test/lab/one", [{ id: "SDZ-NET-001", reason: "Lab subtree torn down nightly", scope: "test/lab" }]],
    ]);
  });

  test("a suppression that matches nothing, and one on an empty subtree, are reported", () => {
    const { stack } = newStack();
    const clean = new Construct(stack, "clean");
    openRdp(clean, "fine", "10.0.9.0/24");
    Suppressions.add(clean, [{ id: "SDZ-NET-001", reason: "believed to be needed" }]);
    const empty = new Construct(stack, "empty");
    Suppressions.add(empty, [{ id: "SDZ-NET-001", reason: "nothing lives below here" }]);
    const { result } = check(stack);
    expect(result.findings).toEqual([]);
    expect(result.unusedSuppressions.sort((a, b) => a.scope.localeCompare(b.scope))).toEqual([
      { ruleId: "SDZ-NET-001", reason: "believed to be needed", scope: "test/clean" },
      { ruleId: "SDZ-NET-001", reason: "nothing lives below here", scope: "test/empty" },
    ]);
    expect(annotations(stack, "warning").sort()).toEqual([
      "[SDZ-NET-001] suppression matches no finding (scope test/clean; reason: believed to be needed). Remove it or fix its scope.",
      "[SDZ-NET-001] suppression matches no finding (scope test/empty; reason: nothing lives below here). Remove it or fix its scope.",
    ]);
  });

  test("an unsuppressible rule recorded in JSON by hand still fails", () => {
    const { stack } = newStack();
    new NetworkSecurityGroup(stack, "s", { name: "strict-one", location: "westeurope", resourceGroupName: "rg" });
    const { result } = check(stack);
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: "SDZ-TEST-900", status: FindingStatus.FAIL })]);
  });
});

describe("SecureDeploymentChecks", () => {
  test("annotation text: [RULE-ID] title: message. Resource: address (path). Fix: ...", () => {
    const { stack } = newStack();
    openRdp(stack, "rdp");
    new NetworkSecurityGroup(stack, "s", { name: "strict-two", location: "westeurope", resourceGroupName: "rg" });
    check(stack);
    expect(annotations(stack, "error").sort()).toEqual([
      `[SDZ-NET-001] Management port open to any or the Internet: rule "rdp" of NSG rdp-nsg allows RDP (TCP 3389) from the Internet to hosts behind NSG rdp-nsg (associated with nothing in this configuration); no public IP, load balancer or DNAT reaches it today. Resource: azurerm_network_security_rule.rdp (test/rdp). Fix: ${RDP_FIX}`,
      '[SDZ-TEST-900] Strict test rule: NSG "strict-two" is strict. Resource: azurerm_network_security_group.s (test/s). Fix: rename the NSG',
    ]);
    // the annotation sits on the offending construct
    expect(annotations(stack.node.findChild("rdp"), "error")).toHaveLength(1);
  });

  test("excludeRules: unknown or unsuppressible IDs are refused; excluded rules do not run", () => {
    expect(() => new SecureDeploymentChecks({ excludeRules: ["SDZ-NET-001", "SDZ-NOPE-404"] })).toThrow(/Invalid excludeRules\[1\]: "SDZ-NOPE-404"\. Allowed: the ID of a rule/);
    expect(() => new SecureDeploymentChecks({ excludeRules: ["SDZ-TEST-900"] })).toThrow(/Invalid excludeRules\[0\]: "SDZ-TEST-900"\. Allowed: a rule that may be turned off/);
    const { stack } = newStack();
    openRdp(stack, "rdp");
    const { result } = check(stack, new SecureDeploymentChecks({ excludeRules: ["SDZ-NET-001"], writeReports: false }));
    expect(result.findings).toEqual([]);
    expect(result.rules.map((r) => r.id)).not.toContain("SDZ-NET-001");
    expect(result.rules.map((r) => r.id)).toContain("SDZ-TEST-900");
  });

  test("failOnUnverified turns an unverifiable error into a synth failure", () => {
    const build = () => {
      const { stack } = newStack();
      openRdp(stack, "rdp", new TerraformVariable(stack, "src", { type: "string" }).stringValue);
      return stack;
    };
    const lenient = build();
    check(lenient);
    expect(annotations(lenient, "error")).toEqual([]);
    expect(annotations(lenient, "warning")).toEqual([expect.stringMatching(/^\[SDZ-NET-001\] .*could not verify: .*variable src/)]);
    const strict = build();
    check(strict, new SecureDeploymentChecks({ failOnUnverified: true, writeReports: false }));
    expect(annotations(strict, "error")).toEqual([expect.stringMatching(/^\[SDZ-NET-001\] .*could not verify/)]);
  });

  test("applyToStack is idempotent", () => {
    const { stack } = newStack();
    const checks = new SecureDeploymentChecks({ writeReports: false });
    checks.applyToStack(stack);
    checks.applyToStack(stack);
    openRdp(stack, "rdp");
    Testing.synth(stack, true);
    expect(annotations(stack, "error")).toHaveLength(1);
  });

  test("applyToApp covers stacks created before and after the call; an error fails app.synth", () => {
    const app = Testing.app();
    const stackOf = (id: string) => {
      const s = new TerraformStack(app, id);
      new AzurermProvider(s, "azurerm", { features: [{}] });
      return s;
    };
    const before = stackOf("before");
    openRdp(before, "ok", "10.0.9.0/24");
    const checks = SecureDeploymentChecks.applyToApp(app as App);
    const after = stackOf("after");
    openRdp(after, "bad");
    expect(() => app.synth()).toThrow(/\[SDZ-NET-001\] Management port open to any or the Internet: .*Resource: azurerm_network_security_rule\.bad \(after\/bad\)\. Fix:/s);
    expect(checks.resultFor(before)?.counts.errors).toBe(0);
    expect(checks.resultFor(after)?.counts.errors).toBe(1);
    // reports written for the stack checked before the failure
    expect(fs.existsSync(path.join(app.outdir, "stacks", "before", "compliance-report.json"))).toBe(true);
  });
});
