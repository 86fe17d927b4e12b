import { DataAzurermKeyVaultSecret } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { Fn, Lazy, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { ConstructErrors } from "../../src";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack } from "../support/fixtures";

/** The literal a careless user tries to smuggle in; it must appear in no message and no output. */
const LITERAL = "Winter2025!Pa55";

function env() {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
  const zone = new DeploymentZone(stack, "Servers", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  let n = 10;
  const server = (adminPassword: SensitiveValue, id = "Srv") => new SecureWindowsServer(stack, id, {
    zone, serverName: id.toLowerCase(), privateIpAddress: `10.0.1.${n++}`, adminUsername: "opsadmin", adminPassword,
  });
  return { stack, zone, server };
}

function kvSecret(stack: TerraformStack, id = "AdminSecret") {
  return new DataAzurermKeyVaultSecret(stack, id, { name: "admin-password", keyVaultId: "/subscriptions/0/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv" });
}

/** Runs `fn`, expects a construction error, and returns it: names the prop, never the value. */
function refused(fn: () => unknown, prop: string) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  const info = ConstructErrors.describe(error);
  expect(info).toBeDefined();
  expect(info!.prop).toBe(prop);
  expect(info!.message).not.toContain(LITERAL);
  expect(String((error as Error).stack)).not.toContain(LITERAL);
  return info!;
}

describe("SensitiveValue accepts only values that cannot carry a literal", () => {
  test("a sensitive variable without a default, directly or through fromToken", () => {
    const { stack, server } = env();
    const v = new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true });
    server(SensitiveValue.fromVariable(v), "Srv1");
    const vm = server(SensitiveValue.fromToken(v.stringValue, "the admin password variable"), "Srv2").virtualMachine;
    expect(vm.adminPasswordInput).toBeDefined();
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values<any>(json.resource.azurerm_windows_virtual_machine).map((x) => x.admin_password)).toEqual(["${var.admin_password}", "${var.admin_password}"]);
  });

  test("a Key Vault secret data source, directly or through fromToken", () => {
    const { stack, server } = env();
    const secret = kvSecret(stack);
    server(SensitiveValue.fromKeyVaultSecret(secret), "Srv1");
    server(SensitiveValue.fromToken(secret.value, "Key Vault"), "Srv2");
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values<any>(json.resource.azurerm_windows_virtual_machine).map((x) => x.admin_password))
      .toEqual(["${data.azurerm_key_vault_secret.AdminSecret.value}", "${data.azurerm_key_vault_secret.AdminSecret.value}"]);
  });

  test("a sensitive variable with a default is refused, without quoting the default", () => {
    const { stack } = env();
    const v = new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true, default: LITERAL });
    const info = refused(() => SensitiveValue.fromVariable(v), "variable");
    expect(info.allowed).toMatch(/without a default/);
    expect(info.code).toBe("SDZ-PROP-SECRET");
  });

  test("the same variable passed through fromToken is refused where it is used, naming the construct and the prop", () => {
    const { stack, server } = env();
    const v = new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true, default: LITERAL });
    const info = refused(() => server(SensitiveValue.fromToken(v.stringValue, "a variable")), "adminPassword");
    expect(info.constructPath).toBe("test/Srv");
    expect(info.valueText).toBe("\"var.admin_password (its default is not shown)\"");
  });

  test("a Lazy that produces a literal is refused", () => {
    const { server } = env();
    const lazy = Lazy.stringValue({ produce: () => LITERAL });
    refused(() => server(SensitiveValue.fromToken(lazy, "lazy")), "adminPassword");
  });

  test("a literal concatenated with a token is refused", () => {
    const { stack, server } = env();
    const v = new TerraformVariable(stack, "suffix", { type: "string", sensitive: true });
    refused(() => server(SensitiveValue.fromToken(`${LITERAL}${v.stringValue}`, "concatenation")), "adminPassword");
    refused(() => server(SensitiveValue.fromToken(Fn.join("", [LITERAL, v.stringValue]), "join"), "Srv2"), "adminPassword");
  });

  test("a non-sensitive variable is refused, directly and through fromToken", () => {
    const { stack, server } = env();
    const v = new TerraformVariable(stack, "plain", { type: "string" });
    refused(() => SensitiveValue.fromVariable(v), "variable");
    refused(() => server(SensitiveValue.fromToken(v.stringValue, "plain variable")), "adminPassword");
  });

  test("Fn.nonsensitive(...) is refused", () => {
    const { stack, server } = env();
    const v = new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true });
    refused(() => server(SensitiveValue.fromToken(Fn.nonsensitive(v.stringValue), "nonsensitive")), "adminPassword");
  });

  test("a literal string, and a Key Vault secret resource's own (literal) value, are refused", () => {
    const { stack, server } = env();
    refused(() => SensitiveValue.fromToken(LITERAL, "literal"), "token");
    const written = new KeyVaultSecret(stack, "Written", { name: "x", keyVaultId: "/subscriptions/0/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv", value: LITERAL });
    refused(() => server(SensitiveValue.fromToken(written.value, "a secret resource"), "Srv1"), "adminPassword");
    refused(() => server(LITERAL as any, "Srv2"), "adminPassword");
  });

  test("a variable of another stack is refused (it would need a cross-stack output)", () => {
    const app = Testing.app();
    const other = new TerraformStack(app, "other");
    const v = new TerraformVariable(other, "admin_password", { type: "string", sensitive: true });
    const { stack, server } = env();
    refused(() => server(SensitiveValue.fromToken(v.stringValue, "other stack")), "adminPassword");
    // ...even when this stack has a variable of the same name
    new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true });
    refused(() => server(SensitiveValue.fromToken(v.stringValue, "other stack"), "Srv2"), "adminPassword");
  });

  test("the error never quotes the value; toString shows the origin only", () => {
    const { stack } = env();
    const v = new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true });
    expect(`${SensitiveValue.fromVariable(v)}`).toBe("<sensitive: var.admin_password>");
  });
});
