/**
 * Property test: random bytes, random JSON and random Terraform-shaped documents (configuration
 * and plan) with secrets planted in string fields go through the command line: it always ends with
 * exit code 0, 1 or 2, and no planted secret of a secret-bearing field or secret-named tag appears
 * in stdout, stderr or any report. Rule messages may quote ordinary values (an NSG rule's name);
 * values of fields named like passwords, keys, secrets, custom data or protected settings never.
 */
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { runCli, runInProcess, tempDir } from "./run-cli";
import { isSecretName } from "../../src/policy/redact";
import { ALL_RULES } from "../../src/rules";

const RULE_TYPES = [...new Set(ALL_RULES.flatMap((r) => r.resourceTypes))].sort();
const TYPES = [...new Set([...RULE_TYPES, "azurerm_virtual_network_gateway", "azurerm_virtual_machine_extension", "azurerm_resource_group"])].sort();
const PLANT = "\u0000PLANT\u0000";

/** A value in a field: a plausible literal or a planted secret. Secret-bearing fields always get a planted one. */
const plausible = fc.constantFrom(
  "Internet", "*", "VirtualNetwork", "10.0.0.0/24", "10.0.9.0/24", "0.0.0.0/0", "3389", "22", "67-69", "1688", "16992-16995", "Allow", "Deny", "Inbound", "Outbound",
  "Tcp", "Udp", "*", "Static", "Dynamic", "true", "false", "pxe-distribution-point", "kms-host", "domain-controller", "oob-service-point", "INTERNAL",
  "DMZ", "UNTRUSTED", "MANAGEMENT", "westeurope", "rg", "${azurerm_subnet.a.id}", "${azurerm_network_security_group.a.name}", "${var.x}", "${local.l}",
);
const value = (all: boolean) => (all ? fc.constant(PLANT) : fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: fc.constant(PLANT) }));

const SECRET_FIELDS = ["admin_password", "custom_data", "protected_settings", "shared_key", "primary_access_key", "radius_server_secret", "client_secret", "sas_token", "connection_string", "account_key"];
const SECRET_TAGS = ["sdz-oob-mebx-custom-password", "sdz-admin-password", "api-key", "db-secret"];
const TAGS = ["sdz-role", "sdz-zone", "sdz-trust", "sdz-oob-provisioning-server", "sdz-oob-ca-thumbprint", "sdz-pxe-password-required", "sdz-kms-interface", "owner"];
const OTHER_FIELDS = ["network_security_group_name", "subnet_id", "admin_username", "location", "settings", "private_ip_address_allocation"];
const RULE_FIELDS = ["name", "priority", "direction", "access", "protocol", "source_port_range", "destination_port_range", "source_address_prefix", "destination_address_prefix"];

function body(all: boolean) {
  const v = value(all);
  const rule = fc.record(Object.fromEntries(RULE_FIELDS.map((f) => [f, v])), { requiredKeys: [] });
  return fc.record({
    ...Object.fromEntries([...RULE_FIELDS, ...OTHER_FIELDS].map((f) => [f, v])),
    ...Object.fromEntries(SECRET_FIELDS.map((f) => [f, fc.constant(PLANT)])),
    tags: fc.record(Object.fromEntries([...TAGS.map((t) => [t, v]), ...SECRET_TAGS.map((t) => [t, fc.constant(PLANT)])]), { requiredKeys: [] }),
    security_rule: fc.array(rule, { maxLength: 3 }),
    ip_configuration: fc.array(fc.record({ name: v, subnet_id: v, private_ip_address_allocation: v, private_ip_address: v }, { requiredKeys: [] }), {
      maxLength: 2,
    }),
    vpn_client_configuration: fc.array(fc.record({ radius_server_secret: fc.constant(PLANT), address_space: fc.array(v, { maxLength: 2 }) }), { maxLength: 1 }),
    os_profile: fc.array(fc.record({ admin_password: fc.constant(PLANT), custom_data: fc.constant(PLANT), computer_name: v }), { maxLength: 1 }),
  }, { requiredKeys: [] });
}

const resources = (all: boolean) => fc.array(fc.record({ type: fc.constantFrom(...TYPES), name: fc.constantFrom("a", "b", "c", "d"), body: body(all) }), { minLength: 1, maxLength: 8 });

/** Terraform JSON, or a plan with the same resources as planned values. */
const terraformShaped = fc.tuple(fc.boolean(), fc.boolean()).chain(([all, plan]) => resources(all).map((list) => {
  if (plan) {
    return {
      format_version: "1.2",
      planned_values: { root_module: { resources: list.map((r, i) => ({ address: `${r.type}.${r.name}${i}`, mode: "managed", type: r.type, name: `${r.name}${i}`, values: r.body })) } },
    };
  }
  const resource: Record<string, Record<string, unknown>> = {};
  for (const r of list) (resource[r.type] ??= {})[r.name] = r.body;
  return { resource, locals: { l: PLANT } };
}));

/**
 * Replaces every planted marker (with `everywhere`, every string) by a unique token; returns the
 * document and the tokens that must never be echoed: those of secret-bearing fields and tags, or
 * all of them with `allSecret`.
 */
function plant(doc: unknown, everywhere: boolean, allSecret = false): { doc: unknown; secrets: string[] } {
  const secrets: string[] = [];
  let n = 0;
  const walk = (v: unknown, key: string, secretContext: boolean): unknown => {
    if (v === PLANT || (everywhere && typeof v === "string")) {
      const token = `Zq${(n++).toString(36)}Sekret${Math.random().toString(36).slice(2, 10)}`;
      if (allSecret || secretContext || (!key.startsWith("azurerm_") && isSecretName(key))) secrets.push(token);
      return token;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key, secretContext));
    if (v && typeof v === "object") {
      // Resource types (`azurerm_key_vault`) are structure, not fields.
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, secretContext || (!k.startsWith("azurerm_") && isSecretName(k)))]));
    }
    return v;
  };
  return { doc: walk(doc, "", false), secrets };
}

function checkOutputs(file: string, secrets: string[], format: "table" | "json", viaChild = false): void {
  const out = tempDir();
  const reports = ["r.json", "r.sarif", "r.md"].map((f) => path.join(out, f));
  const args = ["check", file, "--format", format, "--json", reports[0], "--sarif", reports[1], "--markdown", reports[2]];
  const r = viaChild ? runCli(args) : runInProcess(args);
  expect([0, 1, 2]).toContain(r.code);
  const texts = [r.stdout, r.stderr, ...reports.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8"))];
  for (const secret of secrets) {
    for (const text of texts) {
      if (text.includes(secret)) throw new Error(`planted secret ${secret} was echoed:\n${text.split("\n").filter((l) => l.includes(secret)).slice(0, 3).join("\n")}`);
    }
  }
}

describe("no planted secret in any output, whatever the input", () => {
  test("random Terraform-shaped documents (configurations and plans)", () => {
    const dir = tempDir();
    fc.assert(fc.property(terraformShaped, fc.boolean(), fc.constantFrom<"table" | "json">("table", "json"), (doc, everywhere, format) => {
      const { doc: planted, secrets } = plant(doc, everywhere);
      const file = path.join(dir, "main.tf.json");
      fs.writeFileSync(file, JSON.stringify(planted, null, 1));
      checkOutputs(file, secrets, format);
    }), { numRuns: 200 });
  });

  test("random JSON, every string a secret", () => {
    const dir = tempDir();
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
      const { doc: planted, secrets } = plant(doc, true, true);
      const file = path.join(dir, "input.json");
      fs.writeFileSync(file, JSON.stringify(planted));
      checkOutputs(file, secrets, "table");
    }), { numRuns: 150 });
  });

  test("random bytes around a secret (broken JSON included)", () => {
    const dir = tempDir();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), fc.constantFrom("", "{\"admin_password\": \"", "{\"a\": "), (before, after, prefix) => {
      const secret = `Zq${Math.random().toString(36).slice(2)}Sekret`;
      const file = path.join(dir, "main.tf.json");
      fs.writeFileSync(file, Buffer.concat([Buffer.from(before), Buffer.from(prefix + secret), Buffer.from(after)]));
      checkOutputs(file, [secret], "json");
    }), { numRuns: 150 });
  });

  test("a few Terraform-shaped documents through the installed command (child process)", () => {
    const dir = tempDir();
    const samples = fc.sample(terraformShaped, { numRuns: 3, seed: 17 });
    samples.forEach((doc, i) => {
      const { doc: planted, secrets } = plant(doc, false);
      const file = path.join(dir, `case${i}.tf.json`);
      fs.writeFileSync(file, JSON.stringify(planted));
      checkOutputs(file, secrets, i % 2 === 0 ? "table" : "json", true);
    });
  });
});
