import * as fc from "fast-check";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { ALL_RULES } from "../../src/rules";

/**
 * Property: whatever shape the resources have, the engine and every shipped rule (ALL_RULES, so
 * rules added later are covered too) neither throw nor crash, and every finding is complete.
 */

// The types rules read today plus those every rule declares (new rules add theirs automatically).
const TYPES = [...new Set([
  "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_subnet", "azurerm_virtual_network",
  "azurerm_network_interface", "azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine",
  "azurerm_subnet_network_security_group_association", "azurerm_network_interface_security_group_association",
  "azurerm_local_network_gateway", "azurerm_storage_account", "azurerm_storage_share", "azurerm_public_ip",
  "azurerm_virtual_network_gateway", "azurerm_virtual_network_gateway_connection", "azurerm_network_watcher_flow_log",
  "azurerm_virtual_machine_extension", "azurerm_key_vault", "azurerm_resource_group",
  ...ALL_RULES.flatMap((r) => r.resourceTypes),
])].sort();
const NAMES = ["a", "b", "c", "d"];
const ATTRS = ["id", "name", "address_prefixes", "address_space", "tags", "ip_configuration", "security_rule", "private_ip_address", "resource_group_name"];

// Fields the network index and rules read, so generated values reach deep code paths.
const FIELDS = [
  "name", "resource_group_name", "location", "tags", "direction", "access", "protocol", "priority", "source_address_prefix",
  "source_address_prefixes", "destination_address_prefix", "destination_address_prefixes", "source_port_range",
  "destination_port_range", "destination_port_ranges", "network_security_group_name", "network_security_group_id",
  "subnet_id", "network_interface_id", "network_interface_ids", "address_prefixes", "address_space", "security_rule",
  "subnet", "security_group", "ip_configuration", "private_ip_address", "private_ip_address_allocation",
  "public_ip_address_id", "ip_forwarding_enabled", "source_application_security_group_ids", "gateway_address",
  "public_network_access_enabled", "min_tls_version", "https_traffic_only_enabled", "quota", "enabled_protocol",
  "settings", "protected_settings", "type", "sku", "ipsec_policy", "shared_key", "connection_protocol",
  "target_resource_id", "enabled", "retention_policy", "vpn_client_configuration",
];

const reference: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...NAMES), fc.constantFrom(...ATTRS)).map(([t, n, a]) => `\${${t}.${n}.${a}}`),
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...NAMES)).map(([t, n]) => `\${${t}.${n}.${["ip_configuration[0].subnet_id", "security_rule[1].priority", "tags[\"sdz-zone\"]"][n.length % 3]}}`),
  fc.constantFrom("${var.x}", "${data.azurerm_subnet.s.address_prefixes}", "${local.l}", "${local.missing}", "${module.m.out}",
    '${cidrsubnet("10.0.0.0/16", 8, 1)}', "${each.value}", "${azurerm_subnet.a}", "prefix-${var.x}-suffix", "$${escaped}", "%{if true}x%{endif}", "${", "${}"),
);

const scalarString = fc.oneof(
  fc.constantFrom("*", "Internet", "VirtualNetwork", "AzureLoadBalancer", "0.0.0.0/0", "10.0.0.0/8", "10.0.1.0/24", "10.0.1.4",
    "192.168.0.0/16", "::/0", "2001:db8::/32", "10.0.0.0/33", "3389", "22", "445", "1688", "67-69", "4011", "7", "9", "161",
    "16992-16995", "0-65535", "70000", "5-1", "Inbound", "Outbound", "inbound", "Allow", "Deny", "Tcp", "Udp", "Icmp", "Esp",
    "Ah", "*", "tcp", "Static", "Dynamic", "true", "false", "INTERNAL", "PERIMETER", "MANAGEMENT", "UNTRUSTED", "internal",
    "kms-host", "pxe-distribution-point,domain-controller", "", " ", "GatewaySubnet", "AzureFirewallSubnet", "TLS1_0", "SMB"),
  fc.string({ maxLength: 12 }),
  reference,
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalarString },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70000 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, 1.5, Number.MAX_SAFE_INTEGER, -1, 4096, 65000, 100) },
);

const tags = fc.oneof(
  fc.dictionary(
    fc.constantFrom("sdz-zone", "sdz-trust", "sdz-role", "sdz-pxe-password-required", "sdz-unknown-computers", "sdz-x", "owner", ""),
    fc.oneof(scalarString, fc.constant(null), fc.integer(), fc.array(scalarString, { maxLength: 2 }), fc.constant({ nested: "x" })),
    { maxKeys: 5 },
  ),
  fc.constantFrom(null, "tags-as-string", 5, [], ["a", "b"], "${var.tags}", "${azurerm_resource_group.a.tags}"),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), tie("value"), { maxKeys: 6 }) },
  ),
}));

const body = fc.record(
  {
    fields: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 14 }),
    tags,
    meta: fc.option(fc.oneof(
      fc.record({ metadata: fc.record({ path: fc.constantFrom("s/a", "s/b/c", "s") }), secure_deployment_zones: fc.record({ suppressions: fc.array(fc.record({ id: fc.constantFrom(...ALL_RULES.map((r) => r.id), "SDZ-NOPE-1"), reason: fc.string(), scope: fc.constantFrom("s", "s/a") }), { maxLength: 2 }) }) }),
      fc.constantFrom(null, "meta", 5, { secure_deployment_zones: { suppressions: "x" } }, { secure_deployment_zones: { suppressions: [null, 5, { id: 3 }] } }),
    ), { nil: undefined }),
    asList: fc.boolean(),
  },
  { requiredKeys: ["fields", "asList"] },
).map(({ fields, tags: t, meta, asList }) => {
  const b: Record<string, unknown> = { ...fields };
  if (t !== undefined) b.tags = t;
  if (meta !== undefined) b["//"] = meta;
  return asList ? [b] : b;
});

const configuration = fc.record({
  resources: fc.array(
    fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...NAMES), fc.oneof({ weight: 9, arbitrary: body }, { weight: 1, arbitrary: value })),
    { maxLength: 14 },
  ),
  locals: fc.option(fc.dictionary(fc.constantFrom("l", "m", "n"), value, { maxKeys: 3 }), { nil: undefined }),
}).map(({ resources, locals }) => {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, name, b] of resources) (resource[type] ??= {})[name] = b;
  return { resource, locals };
});

describe("engine on arbitrary resource shapes", () => {
  test("never throws, no rule crashes, every finding is complete", () => {
    expect(ALL_RULES.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(configuration, fc.boolean(), (json, failOnUnverified) => {
        const model = TerraformModel.fromTerraformJson(json, { name: "prop" });
        const result = runRules(model, ALL_RULES, { failOnUnverified });
        const crashes = result.findings.filter((f) => / failed on this input /.test(f.message));
        if (crashes.length > 0) throw new Error(`rules crashed on odd input: ${crashes.map((c) => c.message).join("; ")}`);
        for (const f of result.findings) {
          expect(typeof f.ruleId).toBe("string");
          expect(ALL_RULES.some((r) => r.id === f.ruleId)).toBe(true);
          expect(typeof f.address).toBe("string");
          expect(f.address.length).toBeGreaterThan(0);
          expect(typeof f.message).toBe("string");
          expect(f.message.length).toBeGreaterThan(0);
          expect(Object.values(RuleLevel)).toContain(f.level);
          expect(Object.values(FindingStatus)).toContain(f.status);
        }
        const c = result.counts;
        expect(c.errors + c.warnings + c.infos + c.suppressed).toBe(result.findings.length);
        // JSON-serializable (reports are written from it)
        expect(() => JSON.stringify(result)).not.toThrow();
      }),
      { numRuns: 200, seed: Number(process.env.FC_SEED ?? 20240611) },
    );
  });
});
