import * as fs from "fs";
import * as path from "path";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { Baseline, findingFingerprint } from "../../src/policy/baseline";
import { ConfigError, findConfigFile, isDate, parseCheckConfig } from "../../src/policy/config";
import { CheckPolicy } from "../../src/policy/policy";
import { ALL_RULES, findRule } from "../../src/rules";
import { tempDir } from "../cli/run-cli";

function problem(input: unknown): string {
  try {
    parseCheckConfig(input, "/base");
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return "(accepted)";
}

const UNSUPPRESSIBLE = ALL_RULES.find((r) => r.suppressible === false);

describe("configuration is validated strictly, with errors naming the option", () => {
  test.each([
    [{ excludeRule: [] }, "excludeRule: is not an option (options: excludeRules, onlyRules, ruleLevels, suppressions, failOnUnverified, baseline)"],
    [{ excludeRules: "SDZ-NET-001" }, "excludeRules: must be a list of rule IDs, not \"SDZ-NET-001\""],
    [{ excludeRules: ["SDZ-NET-001", "SDZ-NOPE-1"] }, "excludeRules[1]: \"SDZ-NOPE-1\" is not the ID of a rule this library ships (see docs/rules.md)"],
    [{ onlyRules: [42] }, "onlyRules[0]: 42 is not the ID of a rule this library ships (see docs/rules.md)"],
    [{ ruleLevels: { "SDZ-NET-001": "critical" } }, "ruleLevels.SDZ-NET-001: must be \"error\", \"warning\" or \"info\", not \"critical\""],
    [{ ruleLevels: { "SDZ-X": "error" } }, "ruleLevels.SDZ-X: is not the ID of a rule this library ships (see docs/rules.md)"],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", reason: "a good reason here" }] }, "suppressions[0]: must name exactly one of address (a Terraform address) or constructPath (a construct path)"],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", address: "a.b", constructPath: "s/a", reason: "a good reason here" }] }, "suppressions[0]: must name exactly one of address (a Terraform address) or constructPath (a construct path)"],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", address: "a.b", reason: "short" }] }, "suppressions[0].reason: must say why the finding is acceptable, in at least 10 characters (found \"short\")"],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", address: "a.b", reason: "a good reason here", expires: "2025-02-30" }] }, "suppressions[0].expires: must be a date YYYY-MM-DD, not \"2025-02-30\""],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", address: " a.b", reason: "a good reason here" }] }, "suppressions[0].address: must be a non-empty string without surrounding spaces, not \" a.b\""],
    [{ suppressions: [{ ruleId: "SDZ-NET-001", address: "a.b", reason: "a good reason here", until: "2030-01-01" }] }, "suppressions[0].until: is not a suppression field (fields: ruleId, address, constructPath, reason, expires)"],
    [{ failOnUnverified: "yes" }, "failOnUnverified: must be true or false, not \"yes\""],
    [{ baseline: 3 }, "baseline: must be the path of a baseline file, not 3"],
    [[], "(top level): must be an object of options, not a list"],
  ])("%j", (input, message) => {
    expect(problem(input)).toBe(message);
  });

  test("rules that cannot be suppressed can be neither turned off, nor suppressed, nor lowered", () => {
    expect(UNSUPPRESSIBLE).toBeDefined();
    const id = UNSUPPRESSIBLE!.id;
    expect(problem({ excludeRules: [id] })).toMatch(new RegExp(`^excludeRules\\[0\\]: ${id} cannot be turned off`));
    expect(problem({ suppressions: [{ ruleId: id, address: "a.b", reason: "a good reason here" }] })).toMatch(new RegExp(`^suppressions\\[0\\]\\.ruleId: ${id} cannot be suppressed`));
    expect(problem({ ruleLevels: { [id]: "info" } })).toBe(`ruleLevels.${id}: cannot lower the level of ${id} below ${UNSUPPRESSIBLE!.level} (the rule is not suppressible)`);
    // and onlyRules cannot leave it out
    const policy = new CheckPolicy(parseCheckConfig({ onlyRules: ["SDZ-NET-001"] }, "/"));
    expect(policy.selectRules(ALL_RULES).map((r) => r.id).sort()).toEqual(["SDZ-NET-001", ...ALL_RULES.filter((r) => r.suppressible === false).map((r) => r.id)].sort());
  });

  test("a valid configuration: baseline resolved against the file's folder", () => {
    const c = parseCheckConfig({
      $schema: "x", excludeRules: ["SDZ-NET-002"], ruleLevels: { "SDZ-NET-001": "warning" }, baseline: "ci/baseline.json",
      suppressions: [{ ruleId: "SDZ-NET-001", constructPath: "site/lab", reason: "  lab torn down nightly  ", expires: "2030-01-31" }],
    }, "/repo");
    expect(c).toMatchObject({
      excludeRules: ["SDZ-NET-002"], ruleLevels: { "SDZ-NET-001": "warning" }, baseline: path.resolve("/repo", "ci/baseline.json"),
      suppressions: [{ ruleId: "SDZ-NET-001", constructPath: "site/lab", reason: "lab torn down nightly", expires: "2030-01-31" }],
    });
  });

  test("dates: real calendar days only; a suppression applies through its last day", () => {
    expect(["2024-02-29", "2030-12-31"].every(isDate)).toBe(true);
    expect(["2023-02-29", "2030-13-01", "30-01-2030", "2030-1-1", ""].some(isDate)).toBe(false);
    const policy = new CheckPolicy(parseCheckConfig({}, "/"), undefined, "2030-06-15");
    expect(policy.isExpired("2030-06-15")).toBe(false);
    expect(policy.isExpired("2030-06-14")).toBe(true);
    expect(policy.isExpired(undefined)).toBe(false);
  });

  test("the configuration file is found in the working directory or the nearest folder above", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "a", "b"), { recursive: true });
    fs.writeFileSync(path.join(root, "secure-deployment-zones.json"), "{}");
    expect(findConfigFile(path.join(root, "a", "b"))).toBe(path.join(root, "secure-deployment-zones.json"));
    fs.writeFileSync(path.join(root, "a", "secure-deployment-zones.json"), "{}");
    expect(findConfigFile(path.join(root, "a", "b"))).toBe(path.join(root, "a", "secure-deployment-zones.json"));
  });
});

describe("baselines", () => {
  const rule = (name: string, source: string) => ({
    name, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389",
    source_address_prefix: source, destination_address_prefix: "*", resource_group_name: "rg", network_security_group_name: `${name}-nsg`,
  });
  // Each rule in an NSG of its own: each is its own finding (one finding per problem).
  const nsgsOf = (rules: Record<string, object>) => Object.fromEntries(Object.keys(rules).map((k) => [`${k}_nsg`, { name: `${(rules[k] as { name: string }).name}-nsg`, location: "westeurope", resource_group_name: "rg" }]));
  const check = (rules: Record<string, object>) => runRules(TerraformModel.fromTerraformJson({ resource: { azurerm_network_security_group: nsgsOf(rules), azurerm_network_security_rule: rules } }, { name: "t" }), [findRule("SDZ-NET-001")!]);

  test("keys ignore the message: a finding whose text changes stays known; a new resource is new", () => {
    const before = check({ a: rule("rdp", "Internet") });
    const baseline = Baseline.fromResults([before]);
    expect(baseline.entries).toEqual([{ ruleId: "SDZ-NET-001", address: "azurerm_network_security_rule.a", fingerprint: findingFingerprint(before.findings[0]), count: 1 }]);
    // Another rule name (the message quotes it) and another source: still the same problem on the same resource.
    const after = check({ a: rule("rdp-renamed", "*"), b: rule("new", "Internet") });
    const applied = new CheckPolicy(parseCheckConfig({}, "/"), baseline).apply(after);
    expect(applied.findings.map((f: any) => [f.address, f.baselined === true])).toEqual([["azurerm_network_security_rule.a", true], ["azurerm_network_security_rule.b", false]]);
    expect(applied.counts).toMatchObject({ errors: 1, baselined: 1 });
  });

  test("the file round-trips, sorted; a malformed one is refused naming the entry", () => {
    const dir = tempDir();
    const file = path.join(dir, "b.json");
    const baseline = Baseline.fromResults([check({ z: rule("z", "Internet"), a: rule("a", "Internet") })]);
    fs.writeFileSync(file, JSON.stringify(baseline.toJson()));
    expect(Baseline.read(file).entries.map((e) => e.address)).toEqual(["azurerm_network_security_rule.a", "azurerm_network_security_rule.z"]);
    fs.writeFileSync(file, JSON.stringify({ baselineVersion: 1, findings: [{ ruleId: "SDZ-NET-001", address: "x", fingerprint: "nothex", count: 1 }] }));
    expect(() => Baseline.read(file)).toThrow(`${file}: findings[0]: must be { ruleId, address, fingerprint (16 hex digits), count (a positive integer) }`);
    fs.writeFileSync(file, JSON.stringify({ baselineVersion: 2, findings: [] }));
    expect(() => Baseline.read(file)).toThrow(`${file}: baselineVersion: must be 1`);
  });
});
