import * as fs from "fs";
import * as path from "path";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { App, TerraformStack } from "cdktf";
import { SecureDeploymentChecks } from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { collectSecrets, isSecretName, redactSecrets, REDACTED } from "../../src/policy/redact";
import { ALL_RULES } from "../../src/rules";
import { tempDir } from "../cli/run-cli";

const MEBX = "Mebx-Secret-7731!";

describe("secret-bearing names", () => {
  test.each(["admin_password", "PASSWORD", "radius_server_secret", "shared_key", "primary_access_key", "custom_data", "protected_settings", "sas_token",
    "connection_string", "sdz-oob-mebx-custom-password", "client-secret", "user_data", "passphrase"])("%s is secret-bearing", (name) => {
    expect(isSecretName(name)).toBe(true);
  });
  test.each(["name", "source_address_prefix", "sdz-role", "sdz-oob-provisioning-server", "tags", "settings", "priority"])("%s is not", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe("collectSecrets and redactSecrets", () => {
  const json = {
    locals: { pw: "Local-Held-Password-1" },
    resource: {
      azurerm_windows_virtual_machine: {
        vm: {
          admin_password: "Literal-Password-2", custom_data: "ZWNobyBzZWNyZXQ=",
          os_profile: [{ admin_password: "${local.pw}" }],
          tags: { "sdz-role": "oob-service-point", "sdz-oob-mebx-custom-password": MEBX, "sdz-pxe-password-required": "true" },
        },
      },
      azurerm_virtual_machine_extension: { ext: { protected_settings: "{\"commandToExecute\":\"net user admin Ext-Secret-3\"}", settings: "{}" } },
      azurerm_storage_account: { sa: { name: "st", tags: { "sdz-zone": "x" } } },
    },
  };
  const model = TerraformModel.fromTerraformJson(json, { name: "t" });

  test("secrets come from secret-named fields at any depth, from references they hold, and from secret-named tags; flags are not secrets", () => {
    expect(collectSecrets(model).sort()).toEqual([
      "Literal-Password-2", "Local-Held-Password-1", MEBX, "ZWNobyBzZWNyZXQ=", "{\"commandToExecute\":\"net user admin Ext-Secret-3\"}",
    ].sort());
  });

  test("a secret-named tag is collected beside resources whose tags are null or absent; a text repeated across findings is scrubbed in each", () => {
    const TAG_SECRET = "Tag-Held-Token-44";
    const m = TerraformModel.fromTerraformJson({
      resource: {
        azurerm_storage_account: {
          tagged: { name: "a", tags: { "api-token": TAG_SECRET } },
          nulled: { name: "b", tags: null },
          bare: { name: "c" },
        },
      },
    }, { name: "tags" });
    expect(collectSecrets(m)).toEqual([TAG_SECRET]);
    const result = runRules(m, []);
    const leak = (address: string) => ({
      ruleId: "SDZ-TEST-001", level: RuleLevel.ERROR, status: FindingStatus.FAIL, title: "t", requirements: [], resourceType: "azurerm_storage_account",
      address, message: `holds ${TAG_SECRET}`, fix: `remove ${TAG_SECRET}`,
    });
    const clean = redactSecrets({ ...result, findings: [leak("azurerm_storage_account.tagged"), leak("azurerm_storage_account.nulled")] }, m);
    expect(clean.findings.map((f) => [f.message, f.fix])).toEqual([
      [`holds ${REDACTED}`, `remove ${REDACTED}`], [`holds ${REDACTED}`, `remove ${REDACTED}`],
    ]);
  });

  test("every text of the result is scrubbed and secret-named settings never show their value", () => {
    const result = runRules(model, ALL_RULES);
    // No rule quotes the tag's value (SDZ-OOB-003 names the tag only), and the inventory withholds it: redaction is the second line.
    expect(result.findings.filter((f) => f.message.includes(MEBX)).map((f) => f.ruleId)).toEqual([]);
    expect(JSON.stringify(result.inventory)).not.toContain(MEBX);

    const clean = redactSecrets(result, model);
    expect(JSON.stringify(clean)).not.toContain(MEBX);
    // Planted in a message, the value is scrubbed.
    const planted = redactSecrets({ ...result, findings: result.findings.map((f, i) => (i === 0 ? { ...f, message: `${f.message} ${MEBX}` } : f)) }, model);
    expect(JSON.stringify(planted)).not.toContain(MEBX);
    expect(planted.findings[0].message).toContain(REDACTED);
    expect(clean.findings.map((f) => f.ruleId)).toEqual(result.findings.map((f) => f.ruleId));
  });
});

describe("synth: no secret in annotations, the synth error or the reports", () => {
  test("a MEBx password written into its tag never appears in any output", () => {
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "oob");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    const nic = new NetworkInterface(stack, "nic", { name: "nic", location: "westeurope", resourceGroupName: "rg", ipConfiguration: [{ name: "ip", privateIpAddressAllocation: "Dynamic" }] });
    new WindowsVirtualMachine(stack, "sp", {
      name: "sp", location: "westeurope", resourceGroupName: "rg", size: "Standard_B2s", adminUsername: "azadmin", adminPassword: "${var.pw}",
      networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter", version: "latest" },
      tags: { "sdz-role": "oob-service-point", "sdz-oob-mebx-custom-password": MEBX },
    });
    SecureDeploymentChecks.applyToApp(app, { writeDiagrams: false });
    let message = "";
    try {
      app.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("SDZ-OOB-003");
    expect(message).not.toContain(MEBX);
    const dir = path.join(outdir, "stacks", "oob");
    for (const f of ["compliance-report.json", "compliance-report.sarif", "compliance-report.md"]) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      expect(text).toContain("SDZ-OOB-003");
      expect(text).not.toContain(MEBX);
    }
    const annotations = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.type).startsWith("@cdktf/")).map((m) => String(m.data)));
    expect(annotations.some((a) => a.includes("SDZ-OOB-003"))).toBe(true);
    expect(annotations.filter((a) => a.includes(MEBX))).toEqual([]);
  });
});
