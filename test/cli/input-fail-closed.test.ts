/**
 * Inputs read fail-closed: what the readers cannot see (a dynamic block unknown until apply, a
 * conditional over one resource, a remote module, an errored or deferred plan) is reported, never
 * passed. Every input is built here from raw Terraform (no sdz-* tags).
 */
import * as fs from "fs";
import * as path from "path";
import { runInProcess, tempDir } from "./run-cli";
import { convertPlan } from "../../src/cli/plan";

const c = (v: unknown) => ({ constant_value: v });
const ref = (...r: string[]) => ({ references: r });

const RULE = {
  name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*",
  destination_port_range: "3389", source_address_prefix: "*", destination_address_prefix: "*",
};
const RULE_UNKNOWN = Object.fromEntries(Object.keys(RULE).map((k) => [k, false]));
const RULE_EXPR = Object.fromEntries(Object.entries(RULE).map(([k, v]) => [k, c(v)]));

type R = { type: string; name: string; values: any; unknown: any; expressions: any; actions?: string[]; before?: any };

/** Subnet with an NSG, a NIC with a public IP in it: the NSG's rules decide RDP from the Internet. */
function base(nsg: Partial<R> = {}): R[] {
  return [
    { type: "azurerm_virtual_network", name: "net", values: { name: "net", resource_group_name: "rg", address_space: ["10.0.0.0/16"] }, unknown: { id: true }, expressions: { name: c("net"), address_space: c(["10.0.0.0/16"]) } },
    { type: "azurerm_subnet", name: "app", values: { name: "app", resource_group_name: "rg", virtual_network_name: "net", address_prefixes: ["10.0.1.0/24"] }, unknown: { id: true }, expressions: { name: c("app"), virtual_network_name: ref("azurerm_virtual_network.net.name", "azurerm_virtual_network.net"), address_prefixes: c(["10.0.1.0/24"]) } },
    { type: "azurerm_network_security_group", name: "app", values: { name: "app-nsg", resource_group_name: "rg", security_rule: [RULE] }, unknown: { id: true, security_rule: [RULE_UNKNOWN] }, expressions: { name: c("app-nsg"), security_rule: [RULE_EXPR] }, ...nsg },
    { type: "azurerm_subnet_network_security_group_association", name: "app", values: {}, unknown: { id: true, subnet_id: true, network_security_group_id: true }, expressions: { subnet_id: ref("azurerm_subnet.app.id", "azurerm_subnet.app"), network_security_group_id: ref("azurerm_network_security_group.app.id", "azurerm_network_security_group.app") } },
    { type: "azurerm_public_ip", name: "vm", values: { name: "vm-pip", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" }, unknown: { id: true, ip_address: true }, expressions: { name: c("vm-pip"), allocation_method: c("Static"), sku: c("Standard") } },
    { type: "azurerm_network_interface", name: "vm", values: { name: "vm-nic", resource_group_name: "rg", ip_configuration: [{ name: "primary", private_ip_address_allocation: "Dynamic" }] }, unknown: { id: true, ip_configuration: [{ subnet_id: true, public_ip_address_id: true }] }, expressions: { name: c("vm-nic"), ip_configuration: [{ name: c("primary"), private_ip_address_allocation: c("Dynamic"), subnet_id: ref("azurerm_subnet.app.id", "azurerm_subnet.app"), public_ip_address_id: ref("azurerm_public_ip.vm.id", "azurerm_public_ip.vm") }] } },
  ];
}

function plan(resources: R[], extra: Record<string, unknown> = {}): any {
  return {
    format_version: "1.2", terraform_version: "1.11.4",
    planned_values: { root_module: { resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: "managed", type: r.type, name: r.name, values: r.values, sensitive_values: {} })) } },
    resource_changes: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: "managed", type: r.type, name: r.name, change: { actions: r.actions ?? ["create"], before: r.before ?? null, after: r.values, after_unknown: r.unknown, after_sensitive: {} } })),
    configuration: { root_module: { resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: "managed", type: r.type, name: r.name, expressions: r.expressions })) } },
    complete: true, applyable: true, errored: false,
    ...extra,
  };
}

function check(files: Record<string, unknown>, target: string, ...flags: string[]) {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  const r = runInProcess(["check", path.join(dir, target), "--format", "json", ...flags]);
  const doc = r.stdout ? JSON.parse(r.stdout) : undefined;
  const findings: any[] = doc ? doc.configurations.flatMap((cfg: any) => cfg.report.findings) : [];
  /** `status address` of one rule's findings, sorted. */
  const of = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.status} ${f.address}`).sort();
  return { ...r, doc, findings, of, dir };
}

describe("plan: a nested block list unknown until apply (dynamic block) is unknown, not empty", () => {
  test("dynamic security_rule with unknown for_each: SDZ-NET-001 could not verify, naming security_rule", () => {
    const r = check({ "plan.json": plan(base({ values: { name: "app-nsg", resource_group_name: "rg" }, unknown: { id: true, security_rule: true }, expressions: { name: c("app-nsg") } })) }, "plan.json");
    expect(r.code).toBe(0);
    expect(r.of("SDZ-NET-001")).toEqual(["unverified azurerm_network_security_group.app"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001").message).toContain("security_rule");
  });

  test("the same NSG with its rules as standalone resources is read as without inline rules (no regression)", () => {
    const resources = base({ values: { name: "app-nsg", resource_group_name: "rg" }, unknown: { id: true, security_rule: true }, expressions: { name: c("app-nsg") } });
    resources.push({
      type: "azurerm_network_security_rule", name: "rdp", values: { ...RULE, resource_group_name: "rg", network_security_group_name: "app-nsg" }, unknown: { id: true },
      expressions: { ...RULE_EXPR, network_security_group_name: ref("azurerm_network_security_group.app.name", "azurerm_network_security_group.app") },
    });
    const r = check({ "plan.json": plan(resources) }, "plan.json");
    expect(r.code).toBe(1);
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_rule.rdp"]);
    expect(r.findings.some((f) => f.message.includes("evaluated at plan time"))).toBe(false);
  });
});

describe("plan: only a bare reference stands for an unknown value", () => {
  test("a conditional over one resource is unknown, not its other branch's known value", () => {
    const nsg = base()[2];
    const rule = { ...RULE, source_address_prefix: undefined };
    const r = check({
      "plan.json": plan(base({
        values: { ...nsg.values, security_rule: [rule] },
        unknown: { id: true, security_rule: [{ ...RULE_UNKNOWN, source_address_prefix: true }] },
        expressions: { name: c("app-nsg"), security_rule: [{ ...RULE_EXPR, source_address_prefix: ref("azurerm_subnet.app.id", "azurerm_subnet.app", "azurerm_subnet.app.address_prefixes[0]", "azurerm_subnet.app.address_prefixes") }] },
      })),
    }, "plan.json");
    expect(r.code).toBe(0);
    expect(r.of("SDZ-NET-001")).toEqual(["unverified azurerm_network_security_group.app"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001").message).toContain("source_address_prefix");
  });
});

describe("plan: errored, deferred and incomplete plans", () => {
  test("errored: true is unusable input (exit 2) naming the file", () => {
    const r = check({ "plan.json": plan([], { errored: true, complete: false, applyable: false }) }, "plan.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(r.dir, "plan.json")}: the plan is errored`);
  });

  test("deferred_changes: could not verify on each deferred address (SDZ-INPUT-001)", () => {
    const resources = base();
    const nsg = resources.splice(2, 1)[0];
    const deferred = [{ reason: "resource_config_unknown", resource_change: { address: "azurerm_network_security_group.app", mode: "managed", type: nsg.type, name: nsg.name, change: { actions: ["create"] } } }];
    const r = check({ "plan.json": plan(resources, { complete: false, deferred_changes: deferred }) }, "plan.json");
    expect(r.code).toBe(0);
    expect(r.of("SDZ-INPUT-001")).toEqual(["unverified azurerm_network_security_group.app"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-INPUT-001").message).toContain("deferred to a later plan (reason: resource_config_unknown)");
  });

  test("complete: false without deferred changes: could not verify on the plan as a whole", () => {
    const r = check({ "plan.json": plan(base(), { complete: false }) }, "plan.json");
    expect(r.code).toBe(1); // the RDP rule still fails
    expect(r.of("SDZ-INPUT-001")).toEqual([`unverified ${path.join(r.dir, "plan.json")}`]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-INPUT-001").message).toContain("not complete");
  });
});

describe("HCL: a remote module is could not verify, in every report", () => {
  const MAIN = 'module "vm" {\n  source  = "Azure/compute/azurerm"\n  version = "5.3.0"\n  remote_port = "3389"\n}\n';

  test("SDZ-INPUT-001 on module.vm; still listed as not checked; a warning unless --fail-on-unverified", () => {
    const r = check({ "main.tf": MAIN }, "main.tf");
    expect(r.code).toBe(0);
    expect(r.of("SDZ-INPUT-001")).toEqual(["unverified module.vm"]);
    const f = r.findings.find((x) => x.ruleId === "SDZ-INPUT-001");
    expect(f.level).toBe("warning");
    expect(f.message).toContain('remote module source "Azure/compute/azurerm" are not read');
    expect(r.doc.skippedInputs.map((s: any) => s.message)).toEqual([expect.stringContaining("module.vm: remote module source")]);
    const strict = runInProcess(["check", path.join(r.dir, "main.tf"), "--format", "sarif", "--fail-on-unverified"]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).runs[0].results.map((x: any) => x.ruleId)).toEqual(["SDZ-INPUT-001"]);
  });
});

describe("cdktf: security_rule from a local that is a literal list", () => {
  test("the local's rules are read (RDP from the Internet fails), not 'evaluated at plan time'", () => {
    const stack = {
      locals: { rules: [RULE] },
      resource: {
        azurerm_virtual_network: { net: { name: "net", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
        azurerm_subnet: { app: { name: "app", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
        azurerm_network_security_group: { app: { name: "app-nsg", resource_group_name: "rg", security_rule: "${local.rules}" } },
        azurerm_subnet_network_security_group_association: { app: { subnet_id: "${azurerm_subnet.app.id}", network_security_group_id: "${azurerm_network_security_group.app.id}" } },
        azurerm_public_ip: { vm: { name: "vm-pip", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" } },
        azurerm_network_interface: { vm: { name: "vm-nic", resource_group_name: "rg", ip_configuration: [{ name: "primary", private_ip_address_allocation: "Dynamic", subnet_id: "${azurerm_subnet.app.id}", public_ip_address_id: "${azurerm_public_ip.vm.id}" }] } },
      },
    };
    const r = check({ "cdk.tf.json": stack }, "cdk.tf.json");
    expect(r.code).toBe(1);
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_group.app"]);
  });
});

describe("plan: a standalone rule fills the NSG of its name in its resource group only", () => {
  /** The subnet's NSG with its rules unknown and unnamed (a dynamic block, or rules from standalone resources). */
  const dynamicNsg = { values: { name: "app-nsg", resource_group_name: "rg" }, unknown: { id: true, security_rule: true }, expressions: { name: c("app-nsg") } };
  const otherNsg: R = {
    type: "azurerm_network_security_group", name: "other", values: { name: "app-nsg", resource_group_name: "rg-other" },
    unknown: { id: true, security_rule: true }, expressions: { name: c("app-nsg"), resource_group_name: c("rg-other") },
  };
  const standalone = (values: Record<string, unknown>, unknown: Record<string, unknown> = { id: true }): R => ({
    type: "azurerm_network_security_rule", name: "rdp", values: { ...RULE, network_security_group_name: "app-nsg", ...values }, unknown,
    expressions: { ...RULE_EXPR, network_security_group_name: c("app-nsg"), resource_group_name: unknown.resource_group_name ? ref("var.rg") : c(values.resource_group_name) },
  });

  test("a rule for the NSG of the same name in another group leaves the subnet's NSG unknown (SDZ-NET-001 could not verify)", () => {
    const r = check({ "plan.json": plan([...base(dynamicNsg), otherNsg, standalone({ resource_group_name: "rg-other" })]) }, "plan.json");
    // The rule itself allows RDP from anywhere (fails wherever it lands); the subnet's NSG is not filled by it.
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_rule.rdp", "unverified azurerm_network_security_group.app"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001" && f.status === "unverified").message).toContain("security_rule");
  });

  test("a rule whose resource group is not known before apply fills no NSG by name (a doubt, not a match)", () => {
    const r = check({ "plan.json": plan([...base(dynamicNsg), standalone({}, { id: true, resource_group_name: true })]) }, "plan.json");
    expect(r.of("SDZ-NET-001")).toEqual(["unverified azurerm_network_security_group.app"]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-NET-001").message).toContain("security_rule");
  });

  test("the rule in the NSG's own group (names compared case-insensitively) fills it, and only it: the namesake elsewhere stays unknown", () => {
    const r = check({ "plan.json": plan([...base(dynamicNsg), otherNsg, standalone({ resource_group_name: "RG", network_security_group_name: "APP-NSG" })]) }, "plan.json");
    expect(r.code).toBe(1);
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_rule.rdp", "unverified azurerm_network_security_group.other"]);
  });
});

describe("plan: an existing NSG's rules read back from Azure are not taken for inline rules of the configuration", () => {
  /** As azurerm reads an NSG rule back into the NSG's security_rule (every field, "" and [] when unset). */
  const readBack = (rule: Record<string, unknown>) => ({
    description: "", destination_address_prefixes: [], destination_application_security_group_ids: [], destination_port_ranges: [],
    source_address_prefixes: [], source_application_security_group_ids: [], source_port_ranges: [], ...rule,
  });
  const OLD_RDP = readBack({ ...RULE, source_address_prefix: "10.0.0.0/8" });
  const PORTAL_SSH = readBack({ ...RULE, name: "portal-ssh", priority: 200, destination_port_range: "22" });
  /** The subnet's NSG, already deployed, `security_rule` not written: the plan carries what Azure holds. */
  const existingNsg = (held: unknown[]): Partial<R> => {
    const values = { name: "app-nsg", resource_group_name: "rg", security_rule: held };
    return { values, before: values, actions: ["no-op"], unknown: { security_rule: held.map(() => ({})) }, expressions: { name: c("app-nsg"), resource_group_name: c("rg") } };
  };
  const standalone: R = {
    type: "azurerm_network_security_rule", name: "rdp", values: { ...RULE, resource_group_name: "rg", network_security_group_name: "app-nsg" }, unknown: { id: true },
    expressions: { ...RULE_EXPR, resource_group_name: c("rg"), network_security_group_name: ref("azurerm_network_security_group.app.name", "azurerm_network_security_group.app") },
  };

  test("the standalone rule changed by this plan is read as planned, once: no 'inline and standalone rules mixed' doubt", () => {
    const r = check({ "plan.json": plan([...base(existingNsg([OLD_RDP])), standalone]) }, "plan.json");
    expect(r.code).toBe(1);
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_rule.rdp"]);
    expect(r.findings.filter((f) => /inline|overwritten|may be missing/.test(f.message)).map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });

  test("an NSG with no rule in Azure yet is not read as writing security_rule = []", () => {
    const r = check({ "plan.json": plan([...base(existingNsg([])), standalone]) }, "plan.json");
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_rule.rdp"]);
    expect(r.findings.filter((f) => /security_rule = \[\]|may be missing/.test(f.message)).map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });

  test("a rule no resource of the configuration writes (created in the portal) is enforced by Azure: kept as the NSG's rule", () => {
    const p = plan([...base(existingNsg([OLD_RDP, PORTAL_SSH])), standalone]);
    const { resources } = convertPlan(p, "plan.json");
    const nsg = resources.find((x) => x.address === "azurerm_network_security_group.app")!;
    expect(nsg.config.security_rule.map((b: any) => b.name)).toEqual(["portal-ssh"]);
    expect(nsg.heldByAzure).toEqual(["security_rule"]);
    // Azure enforces it: SSH from the Internet fails on the NSG; and an update of the NSG does not write
    // the list, so the standalone rule beside it is certain (no "may be missing" doubt): it fails too.
    const r = check({ "plan.json": p }, "plan.json");
    expect(r.of("SDZ-NET-001")).toEqual(["fail azurerm_network_security_group.app", "fail azurerm_network_security_rule.rdp"]);
    expect(r.findings.find((f) => f.address === "azurerm_network_security_group.app").message).toContain("portal-ssh");
    expect(r.findings.filter((f) => /inline|overwritten|may be missing/.test(f.message)).map((f) => `${f.ruleId} ${f.address}`)).toEqual([]);
  });

  test("a list the configuration writes (inline blocks) is kept whole: mixing stays a finding", () => {
    const values = { name: "app-nsg", resource_group_name: "rg", security_rule: [OLD_RDP] };
    const nsg = { values, before: values, actions: ["no-op"], unknown: { security_rule: [{}] }, expressions: { name: c("app-nsg"), security_rule: [Object.fromEntries(Object.entries(OLD_RDP).map(([k, v]) => [k, c(v)]))] } };
    const { resources } = convertPlan(plan([...base(nsg), standalone]), "plan.json");
    const held = resources.find((x) => x.address === "azurerm_network_security_group.app")!;
    expect(held.config.security_rule.map((b: any) => b.name)).toEqual(["allow-rdp"]);
    expect(held.heldByAzure).toBeUndefined();
  });

  test("a list the plan changes without an expression for it (a dynamic block) is kept whole", () => {
    const nsg = { ...existingNsg([OLD_RDP]), before: { name: "app-nsg", resource_group_name: "rg", security_rule: [PORTAL_SSH] } };
    const { resources } = convertPlan(plan([...base(nsg), standalone]), "plan.json");
    expect(resources.find((x) => x.address === "azurerm_network_security_group.app")!.config.security_rule.map((b: any) => b.name)).toEqual(["allow-rdp"]);
  });
});

describe("a scanned folder's plan file that cannot be read is unusable input, never skipped", () => {
  const TF = JSON.stringify({ resource: { azurerm_resource_group: { deploy: { name: "rg-deploy", location: "westeurope" } } } });
  const GOOD_PLAN = fs.readFileSync(path.join(__dirname, "fixtures", "plan", "plan.json"), "utf8");

  function folder(files: Record<string, string>): string {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "main.tf.json"), TF);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test.each([
    ["plan.json", "", "not JSON: the file is empty (a Terraform plan file: truncated or never written?)"],
    ["tfplan.json", GOOD_PLAN.slice(0, 200), expect.stringMatching(/^not JSON: .* \(line \d+ column \d+\) \(a Terraform plan file: truncated\?\)$/)],
    ["prod.tfplan.json", GOOD_PLAN.slice(0, 200), expect.stringMatching(/\(a Terraform plan file: truncated\?\)$/)],
    ["prod.plan.json", "   ", "not JSON: the file is empty (a Terraform plan file: truncated or never written?)"],
    ["out.json", GOOD_PLAN.slice(0, 200), expect.stringMatching(/\(a Terraform plan file: truncated\?\)$/)],
    ["out.json", "{\"format_version\": \"1.2\", \"terraform_version\": \"1.11.4\"}", "not Terraform JSON: has format_version but no planned_values (expected `terraform show -json <planfile>` output)"],
  ])("%s: exit 2 naming it (the Terraform files beside it are still checked)", (name, text, message) => {
    const dir = folder({ [name]: text as string });
    const r = runInProcess(["check", "--no-config", "--format", "json", dir]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.inputErrors).toEqual([{ file: path.join(dir, name), message }]);
    expect(doc.skippedInputs).toEqual([]);
    expect(doc.configurations.map((x: any) => x.name)).toEqual([path.join(dir, "main.tf.json")]);
  });

  test.each([
    ["package.json", "{\"name\": \"infra\"}", "not a Terraform plan (`terraform show -json <planfile>` output): not checked"],
    ["notes.json", "", "empty: not a Terraform plan"],
    ["broken.json", "{\"name\": ", "not JSON: not a Terraform plan"],
    ["state.json", "{\"format_version\": \"1.0\", \"values\": {}}", "not a Terraform plan (`terraform show -json <planfile>` output): not checked"],
  ])("other JSON is still skipped and listed: %s", (name, text, message) => {
    const dir = folder({ [name]: text });
    const r = runInProcess(["check", "--no-config", "--format", "json", dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.inputErrors).toEqual([]);
    expect(doc.skippedInputs).toEqual([{ file: path.join(dir, name), message }]);
  });
});

describe("a resource whose body is not an object is reported, never dropped", () => {
  test.each([
    ["null", null, "null"],
    ["a list of numbers", [1, 2], "a list without an object"],
    ["a number", 5, "number"],
  ])("%s: could not verify (SDZ-INPUT-001) on its address, listed as not checked; the other resources are checked", (_, body, found) => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, JSON.stringify({
      resource: {
        azurerm_network_security_rule: { r: body },
        azurerm_resource_group: { rg: { name: "rg", location: "westeurope" } },
      },
    }));
    const message = `the resource's body is ${found}, not an object of arguments: not read, nothing of it was checked`;
    const r = runInProcess(["check", "--no-config", "--format", "json", file]);
    const doc = JSON.parse(r.stdout);
    const report = doc.configurations[0].report;
    expect(report.findings.map((f: any) => [f.ruleId, f.status, f.address, f.message])).toEqual([
      ["SDZ-INPUT-001", "unverified", "azurerm_network_security_rule.r", `could not verify: ${message}`],
    ]);
    expect(report.resourceCount).toBe(1);
    expect(doc.skippedInputs).toEqual([{ file, message: `azurerm_network_security_rule.r: ${message}` }]);
    expect(runInProcess(["check", "--no-config", "-q", "--fail-on-unverified", file]).code).toBe(1);
  });
});
