import * as fs from "fs";
import * as path from "path";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { LinuxWebApp } from "@cdktf/provider-azurerm/lib/linux-web-app";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { App, AzurermBackend, TerraformStack } from "cdktf";
import * as fc from "fast-check";
import { SecureDeploymentChecks } from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { collectSecrets, isSecretName, redactSecrets, REDACTED } from "../../src/policy/redact";
import { LONG_SECRET, literalScrubber } from "../../src/policy/scrub";
import { ALL_RULES } from "../../src/rules";
import { certificateExample } from "../../src/rules/oob/certificate-examples";
import { AMT_PROVISIONING_OID } from "../../src/rules/oob/certificates";
import { tempDir } from "../cli/run-cli";
import { tokenLike } from "../support/planted-tokens";
import { Body } from "../support/tf-json";

/** The message synth fails with (checks with errors fail it after writing the reports), or "" when it passes. */
function synthErrorMessage(app: App): string {
  try {
    app.synth();
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}

const MEBX = "Mebx-Secret-7731!";

/** Names whose values are secrets: every one the redactor must blank. */
const SECRET_NAMES = ["admin_password", "PASSWORD", "radius_server_secret", "shared_key", "primary_access_key", "custom_data", "protected_settings", "sas_token",
  "connection_string", "sdz-oob-mebx-custom-password", "client-secret", "user_data", "passphrase", "key", "ssh_key", "access_key", "primary_key", "private_key",
  "account_key", "storageAccountKey", "sas", "password", "secret", "token", "api-key", "db-secret", "sdz-admin-password", "secret_value", "key_data",
  "administrator_login_password_wo", "primary_connection_string", "secure_environment_variables", "protected_parameter", "sasToken", "client_secret", "sig",
  // A secret word before an ordinary one: the value still holds the secret (a SAS URL carries its signature).
  "sas_url", "private_key_pem", "private_key_openssh", "password_file", "secret_uri", "token_url"];
/** Names of ordinary values that messages quote (the AMT EKU OID of SDZ-OOB-010/011 was blanked under extended_key_usage). */
const PLAIN_NAMES = ["name", "source_address_prefix", "sdz-role", "sdz-oob-provisioning-server", "tags", "settings", "priority", "extended_key_usage", "key_usage",
  "key_type", "key_vault_id", "key_size", "key_opts", "key_vault_key_id", "key_permissions", "secret_permissions", "key_vault_secret_id", "key_name", "token_lifetime",
  "sas_expiry", "password_length", "secret_rotation"];

describe("secret-bearing names", () => {
  test.each(SECRET_NAMES)("%s is secret-bearing", (name) => {
    expect(isSecretName(name)).toBe(true);
  });
  test.each(PLAIN_NAMES)("%s is not", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe("redaction is precise: secrets never echoed, ordinary values not blanked", () => {
  /** A finding that quotes every given text. */
  const quoting = (texts: string[]) => ({
    ruleId: "SDZ-TEST-001", level: RuleLevel.ERROR, status: FindingStatus.FAIL, title: "t", requirements: [], resourceType: "azurerm_linux_web_app",
    address: "azurerm_linux_web_app.x", message: `quotes ${texts.join(" | ")}`, fix: texts.join(" "),
  });
  const redacted = (json: { [key: string]: unknown }, texts: string[]) => {
    const m = TerraformModel.fromTerraformJson(json, { name: "p" });
    return redactSecrets({ ...runRules(m, []), findings: [quoting(texts)] }, m).findings[0];
  };

  test("property: a value planted in any secret-named field (nested, in a pair, a whole-secret field) is blanked; the same value under a plain name is quoted", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{6,16}$/).map((t) => `Pl4nt-${t}`);
    const names = [fc.constantFrom(...SECRET_NAMES), fc.constantFrom(...PLAIN_NAMES)] as const;
    fc.assert(fc.property(...names, token, token, fc.boolean(), (secretField, plainField, secret, plain, nested) => {
      fc.pre(!secret.includes(plain) && !plain.includes(secret));
      const body: Body = { [plainField]: plain, [secretField]: secret };
      const json = { resource: { azurerm_linux_web_app: { x: nested ? { site_config: [body] } : body } } };
      const f = redacted(json, [secret, plain]);
      expect(f.message).not.toContain(secret);
      expect(f.fix).not.toContain(secret);
      expect(f.message).toContain(plain);
    }), { numRuns: 200 });
  });

  test("pairs, connection strings, Container Apps secrets and secure environment variables are blanked; their names, types and IDs are not", () => {
    const S = ["Pl4nt-pair-param", "Pl4nt-conn-string", "Pl4nt-app-secret", "Pl4nt-secure-env", "Pl4nt-app-setting"];
    const json = {
      resource: {
        azurerm_virtual_machine_run_command: { rc: { name: "rc", parameter: [{ name: "NaaPassword", value: S[0] }, { name: "SiteCode", value: "P01x" }] } },
        azurerm_linux_web_app: { w: { name: "w", connection_string: [{ name: "Database", type: "SQLAzure", value: `Server=db;Password=${S[1]};` }], app_settings: { Db: `Server=db;Pwd=${S[4]}` } } },
        azurerm_container_app: { a: { name: "a", secret: [{ name: "registry", value: S[2] }] } },
        azurerm_container_group: { g: { name: "g", container: [{ name: "c", image: "nginx", secure_environment_variables: { CLIENT_ID: S[3] } }] } },
        azurerm_storage_account: { sa: { name: "sa", customer_managed_key: [{ key_vault_key_id: "/keys/cmk-0001", user_assigned_identity_id: "/ids/uai-0001" }] } },
      },
    };
    const f = redacted(json, [...S, "P01x", "Database", "SQLAzure", "registry", "/keys/cmk-0001", "/ids/uai-0001"]);
    for (const s of S) expect(f.message).not.toContain(s);
    expect(f.message).toContain("quotes (secret value not shown) | (secret value not shown) | (secret value not shown) | (secret value not shown) | (secret value not shown) | P01x | Database | SQLAzure | registry | /keys/cmk-0001 | /ids/uai-0001");
  });

  test("credential parts of connection strings and SAS URLs under ordinary names are blanked: quoted, in braces, through a local, the signature of a SAS; their neighbours are not", () => {
    const S = ["Pl4nt-quoted;pw", "Pl4nt-odbc;pw", "Pl4nt-local-pw", "Pl4ntSasSignature0123%3D", "Pl4nt-redis-pw", "Pl4nt-key-in-settings=="];
    const json = {
      locals: { db: `Server=db;User ID=u;Password=${S[2]}` },
      resource: {
        azurerm_linux_web_app: {
          w: {
            name: "w",
            app_settings: {
              A: `Server=db;Password="${S[0]}"`, B: `Driver={ODBC Driver 18 for SQL Server};Server=db;Pwd={${S[1]}}`, C: "${local.db}",
              WEBSITE_RUN_FROM_PACKAGE: `https://sa.blob.core.windows.net/c/app.zip?sv=2022-11-02&sr=b&sig=${S[3]}`, D: `cache:6380,password=${S[4]},ssl=True`,
            },
          },
        },
        azurerm_virtual_machine_extension: { e: { name: "e", settings: JSON.stringify({ Storage: `AccountName=a;AccountKey=${S[5]}` }) } },
      },
    };
    const f = redacted(json, [...S, "sv=2022-11-02", "ODBC Driver 18 for SQL Server", "cache:6380", "ssl=True"]);
    for (const s of S) expect(f.message).not.toContain(s);
    expect(f.message).toContain(`quotes ${Array(S.length).fill(REDACTED).join(" | ")} | sv=2022-11-02 | ODBC Driver 18 for SQL Server | cache:6380 | ssl=True`);
  });

  test("what the rule finds in scripts, settings, custom data and pair values is blanked: arguments, secret-named entries, unattend values, YAML block scalars", () => {
    const S = ["Pl4nt-ps-arg", "Pl4nt-settings-key", "Pl4nt-securestring", "Pl4nt-unattend", "Pl4nt-cloud-init", "Pl4nt-block-literal", "Pl4nt-block-folded", "Pl4nt-pair-script",
      "Pl4nt-vmss-block", "Pl4nt-slash-p"];
    const b64 = (t: string) => Buffer.from(t, "utf8").toString("base64");
    const json = {
      resource: {
        azurerm_virtual_machine_extension: {
          e: { name: "e", settings: JSON.stringify({ commandToExecute: `powershell -File join.ps1 -DomainPassword ${S[0]} -Verbose`, Password: S[1] }) },
        },
        azurerm_virtual_machine_run_command: {
          rc: {
            name: "rc", source: [{ script: `$p = ConvertTo-SecureString '${S[2]}' -AsPlainText -Force; net use \\\\srv\\share /user:u /p:${S[9]}` }],
            parameter: [{ name: "Setup", value: `-AdminPassword ${S[7]} -Site P01x` }],
          },
        },
        azurerm_windows_virtual_machine: {
          vm: {
            name: "vm", additional_unattend_content: [{ setting: "AutoLogon", content: `<AutoLogon><Password><Value>${S[3]}</Value></Password></AutoLogon>` }],
            custom_data: b64(`#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: ${S[4]}\n    passwd: |\n      ${S[5]}\n`),
          },
        },
        azurerm_linux_virtual_machine_scale_set: {
          ss: { name: "ss", user_data: b64(`app:\n  secret: >-\n    ${S[6]}\n`), extension: [{ name: "x", settings: JSON.stringify({ script: `db:\n  password: |\n    ${S[8]}\n` }) }] },
        },
      },
    };
    const f = redacted(json, [...S, "join.ps1 -Verbose", "P01x", "AutoLogon", "ops"]);
    expect(f.message).toBe(`quotes ${Array(S.length).fill(REDACTED).join(" | ")} | join.ps1 -Verbose | P01x | AutoLogon | ops`);
  });

  test("a credential part written in a secret-named template whose other parts reference resources is blanked (the rule reports it)", () => {
    const S = ["Pl4nt-template-pw", "Pl4nt-kv-template-pw"];
    const fqdn = "${azurerm_mssql_server.db.fully_qualified_domain_name}";
    const json = {
      resource: {
        azurerm_mssql_server: { db: { name: "db", administrator_login_password: "${var.sql_password}" } },
        azurerm_linux_web_app: { w: { name: "w", app_settings: { DB_CONNECTION_STRING: `Server=${fqdn};User ID=u;Password=${S[0]}` } } },
        azurerm_key_vault_secret: { s: { name: "s", value: `Server=${fqdn};User ID=u;Password=${S[1]}` } },
      },
    };
    const f = redacted(json, [...S, "User ID=u"]);
    expect(f.message).toBe(`quotes ${REDACTED} | ${REDACTED} | User ID=u`);
  });

  test("the AMT provisioning certificate's extended key usage is quoted in SDZ-OOB-010/011 messages after redaction", () => {
    const m = TerraformModel.fromTerraformJson(certificateExample({ issuer: "Unknown" }), { name: "amt" });
    const clean = redactSecrets(runRules(m, ALL_RULES.filter((r) => r.id === "SDZ-OOB-010" || r.id === "SDZ-OOB-011")), m);
    const oob = clean.findings.filter((f) => f.ruleId === "SDZ-OOB-010" || f.ruleId === "SDZ-OOB-011");
    expect(oob.length).toBeGreaterThan(0);
    for (const f of oob) {
      expect(f.message).toContain(`its extended key usage ${AMT_PROVISIONING_OID} (Intel AMT provisioning)`);
      expect(f.message).not.toContain(REDACTED);
    }
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
    // The protected settings are blanked whole, and the net user password in them on its own (a message may quote it alone).
    expect(collectSecrets(model).sort()).toEqual([
      "Ext-Secret-3", "Literal-Password-2", "Local-Held-Password-1", MEBX, "ZWNobyBzZWNyZXQ=", "{\"commandToExecute\":\"net user admin Ext-Secret-3\"}",
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
    const message = synthErrorMessage(app);
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

  test("a provider's client secret and a backend's access key written as literals fail synth (SDZ-SEC-002) and appear in no output", () => {
    const secret = `Provider-${tokenLike("synth-provider", 20)}`;
    const key = `Backend-${tokenLike("synth-backend", 24)}==`;
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "creds");
    new AzurermBackend(stack, { storageAccountName: "tfstate", containerName: "s", key: "k", accessKey: key });
    new AzurermProvider(stack, "azurerm", { features: [{}], clientId: "00000000-0000-0000-0000-000000000000", clientSecret: secret, tenantId: "t", subscriptionId: "s" });
    SecureDeploymentChecks.applyToApp(app, { writeDiagrams: false });
    const message = synthErrorMessage(app);
    expect(message).toContain("provider.azurerm writes a secret as literal values (not shown): client_secret");
    expect(message).toContain("terraform.backend.azurerm writes a secret as literal values (not shown): access_key");
    const dir = path.join(outdir, "stacks", "creds");
    const texts = [message, ...["compliance-report.json", "compliance-report.sarif", "compliance-report.md"].map((f) => fs.readFileSync(path.join(dir, f), "utf8"))];
    texts.push(...stack.node.findAll().flatMap((c) => c.node.metadata.map((m) => String(m.data))));
    for (const t of texts) for (const s of [secret, key]) expect(t).not.toContain(s);
  });

  test("a token as a URL's user name and passwords starting with - or ( are blanked in the synth error, annotations, reports and diagrams", () => {
    const gitlab = `glpat-${tokenLike("synth-gl", 20)}`;
    const github = `ghp_${tokenLike("synth-gh", 36)}`;
    const dash = `-Xy7!q${tokenLike("synth-dash", 16)}`;
    const paren = `(P@ss${tokenLike("synth-paren", 16)}`;
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "tokens");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    const vnet = new VirtualNetwork(stack, "net", { name: "net", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
    const subnet = new Subnet(stack, "servers", { name: "servers", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
    const nsg = new NetworkSecurityGroup(stack, "nsg", {
      name: "nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "servers" },
      securityRule: [{ name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*" }],
    });
    new SubnetNetworkSecurityGroupAssociation(stack, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const nic = new NetworkInterface(stack, "nic", { name: "nic", location: "westeurope", resourceGroupName: "rg", ipConfiguration: [{ name: "ip", subnetId: subnet.id, privateIpAddressAllocation: "Dynamic" }] });
    new WindowsVirtualMachine(stack, "sp", {
      name: "sp", location: "westeurope", resourceGroupName: "rg", size: "Standard_B2s", adminUsername: "azadmin", adminPassword: "${var.pw}",
      networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter", version: "latest" },
      tags: { "sdz-role": "oob-service-point", "sdz-oob-provisioning": "enabled", "sdz-oob-provisioning-server": `https://${gitlab}@prov.example.com/x`, "sdz-note": `https://admin:${dash}@prov.example.com/y` },
    });
    new LinuxWebApp(stack, "web", {
      name: "web", location: "westeurope", resourceGroupName: "rg", servicePlanId: "/x/p", siteConfig: {},
      appSettings: { REPO: `https://${github}@github.com/contoso/app.git`, DB: `Server=db;User ID=u;Pwd=${paren}` },
    });
    SecureDeploymentChecks.applyToApp(app);
    const message = synthErrorMessage(app);
    const dir = path.join(outdir, "stacks", "tokens");
    const files = ["compliance-report.json", "compliance-report.sarif", "compliance-report.md", "zone-flows.mmd", "zone-flows.dot", "zone-flows.svg"];
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    const annotations = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.type).startsWith("@cdktf/")).map((m) => String(m.data)));
    // SDZ-SEC-002 reports them (by field and kind, never the value); the diagram is drawn.
    expect(texts[0]).toContain("(a token as a URL's user name)");
    expect(texts[0]).toContain("app_settings.DB (a Pwd= value)");
    expect(texts[0]).toContain("tags[\\\"sdz-note\\\"] (a password in a URL's user information)");
    expect(texts[3]).toContain("servers");
    for (const text of [message, ...texts, ...annotations]) {
      for (const s of [gitlab, github, dash, paren]) expect(text).not.toContain(s.slice(2, 14));
    }
  });
});

describe("the zone-flow diagram is a report: the configuration's secrets never reach its labels", () => {
  // Subnet and NSG names allow letters, digits, underscores, periods and hyphens
  // (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork): a password fits.
  const S = {
    subnet: `Zone-Pw_${tokenLike("diag-subnet", 14)}`, zoneTag: `Tag-Pw_${tokenLike("diag-zone", 14)}`, foreign: `Nsg-Pw_${tokenLike("diag-nsg", 14)}`,
    rule: `Rule-Pw_${tokenLike("diag-rule", 14)}`, source: `Src-Pw_${tokenLike("diag-source", 14)}`,
  };
  const allow = (name: string, priority: number, port: string, source: string) => ({
    name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: source, destinationAddressPrefix: "*",
  });
  /** Each secret written where SDZ-SEC-002 finds it (an admin password, a Key Vault secret, a secret-named tag) and again where the diagram prints a text. */
  function synthSite(stackId: string) {
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, stackId);
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    const vnet = new VirtualNetwork(stack, "net", { name: "net", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
    const web = new Subnet(stack, "web", { name: S.subnet, resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
    const app2 = new Subnet(stack, "app", { name: "app", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.2.0/24"] });
    // Two inline rules: the diagram tells which arrow a finding names by the rule's name in the message (redacted there).
    const webNsg = new NetworkSecurityGroup(stack, "web_nsg", {
      name: "web-nsg", location: "westeurope", resourceGroupName: "rg",
      securityRule: [
        allow(S.rule, 100, "3389", "Internet"),
        { ...allow("https", 110, "443", ""), sourceAddressPrefix: undefined, sourceApplicationSecurityGroupIds: [`/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/${S.source}`] },
      ],
    });
    const appNsg = new NetworkSecurityGroup(stack, "app_nsg", { name: "app-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": S.zoneTag } });
    new SubnetNetworkSecurityGroupAssociation(stack, "web_assoc", { subnetId: web.id, networkSecurityGroupId: webNsg.id });
    new SubnetNetworkSecurityGroupAssociation(stack, "app_assoc", { subnetId: app2.id, networkSecurityGroupId: appNsg.id });
    new NetworkSecurityRule(stack, "foreign_rule", { ...allow("from-app", 120, "1433", "10.0.2.0/24"), resourceGroupName: "rg", networkSecurityGroupName: S.foreign });
    const nic = new NetworkInterface(stack, "nic", { name: "nic", location: "westeurope", resourceGroupName: "rg", ipConfiguration: [{ name: "ip", subnetId: web.id, privateIpAddressAllocation: "Dynamic" }] });
    new WindowsVirtualMachine(stack, "vm", {
      name: "vm", location: "westeurope", resourceGroupName: "rg", size: "Standard_B2s", adminUsername: "azadmin", adminPassword: S.subnet,
      networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter", version: "latest" },
      tags: { "db-password": S.zoneTag },
    });
    for (const [i, s] of [S.foreign, S.rule, S.source].entries()) new KeyVaultSecret(stack, `kv${i}`, { name: `s${i}`, keyVaultId: "/x/kv", value: s });
    SecureDeploymentChecks.applyToApp(app);
    const message = synthErrorMessage(app);
    const dir = path.join(outdir, "stacks", stackId);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return { message, read, stack };
  }

  test("zone names (a subnet's name, an sdz-zone tag), a foreign NSG's name and a rule's source are blanked in all three diagram files and every report", () => {
    const { message, read, stack } = synthSite("diagram");
    const files = ["zone-flows.mmd", "zone-flows.dot", "zone-flows.svg", "compliance-report.json", "compliance-report.sarif", "compliance-report.md"];
    const annotations = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.type).startsWith("@cdktf/")).map((m) => String(m.data)));
    // The rules ran (SDZ-SEC-002 names the fields; SDZ-NET-001 the Internet RDP rule) and the diagram was drawn.
    expect(read("compliance-report.json")).toContain("SDZ-SEC-002");
    expect(read("compliance-report.json")).toContain("SDZ-NET-001");
    expect(read("zone-flows.mmd")).toContain("TCP 3389");
    for (const [where, text] of [["synth error", message], ...files.map((f) => [f, read(f)]), ...annotations.map((a, i) => [`annotation ${i}`, a])]) {
      for (const s of Object.values(S)) expect([where, text.includes(s.slice(8))]).toEqual([where, false]);
    }
    // Both zones and the foreign NSG are drawn, each label blanked; the finding on the rule named by a secret still marks its arrow.
    const mmd = read("zone-flows.mmd");
    expect(mmd.match(/^\s+n\d+\["\(secret value not shown\)<br\/>[^"]*"\]/gm)?.length).toBe(3);
    expect(mmd).toContain("applicationSecurityGroups/(secret value not shown)<br/>application security group");
    expect(mmd).toMatch(/==>\|"TCP 3389<br\/>#10006; SDZ-NET-001"\|/);
  });
});

describe("the redactor matches secrets as literal strings: any size, any number, and no error quotes one", () => {
  /** The reference: every occurrence of every secret (indexOf), sorted; runs of overlapping ones merged, each run one marker. */
  const naive = (secrets: string[], text: string, marker: string) => {
    const found: [number, number][] = [];
    for (const s of secrets) for (let i = text.indexOf(s); s !== "" && i >= 0; i = text.indexOf(s, i + 1)) found.push([i, i + s.length]);
    found.sort((x, y) => x[0] - y[0]);
    let out = "";
    let at = 0;
    for (let k = 0; k < found.length;) {
      const start = found[k][0];
      let end = found[k][1];
      for (k++; k < found.length && found[k][0] < end; k++) end = Math.max(end, found[k][1]);
      out += text.slice(at, start) + marker;
      at = end;
    }
    return out + text.slice(at);
  };

  test("property: the scrubber blanks exactly the union of occurrences (runs of overlapping ones as one marker), as a naive search does", () => {
    const word = fc.stringMatching(/^[ab]{1,6}$/);
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.stringMatching(/^[abc]{0,40}$/), (secrets, text) => {
      expect(literalScrubber(secrets, "#")(text)).toBe(naive(secrets, text, "#"));
    }), { numRuns: 500 });
    // Long secrets (matched one by one) follow the same rule, overlapping copies included.
    const long = "xy".repeat(LONG_SECRET);
    const text = `a${long}xy${long}b`;
    expect(literalScrubber([long, "ab"], "#")(text)).toBe(naive([long, "ab"], text, "#"));
    expect(literalScrubber([long], "#")(text)).toBe("a#b");
  });

  test("the precise cases: longest wins where secrets share a start, touching secrets stay two markers, overlapping ones leave no tail", () => {
    const s = literalScrubber(["abcd", "abcdef", "defxyz"], "#");
    expect(s("-abcdefg-")).toBe("-#g-");
    expect(s("abcdabcd")).toBe("##");
    expect(s("abcdefxyz")).toBe("#"); // leftmost-longest replacement left "xyz" of the second
    expect(s("no secret here")).toBe("no secret here");
  });

  test("a secret of 1.1 MB and 10,000 secrets are scrubbed correctly and in bounded time", () => {
    const huge = `${"B".repeat(1_100_000)}C`;
    const many = Array.from({ length: 10_000 }, (_, i) => `Pl4nt-${i.toString(36).padStart(4, "0")}-secret`);
    const t0 = Date.now();
    const scrub = literalScrubber([huge, "Zq9SuperSecretValue42", ...many], REDACTED);
    const text = `admin Zq9SuperSecretValue42, bundle ${huge} and ${many.join(" ")}`;
    const out = scrub(text);
    expect(out).toBe(`admin ${REDACTED}, bundle ${REDACTED} and ${Array(many.length).fill(REDACTED).join(" ")}`);
    // A text made of the huge secret's prefix only (the worst case for a naive search) holds no secret.
    expect(scrub("B".repeat(1_200_000))).toBe("B".repeat(1_200_000));
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test("a configuration with a 1.1 MB secret is redacted (a regular expression built from the secrets was 'too large', and its error quoted them)", () => {
    const huge = "B".repeat(1_100_000);
    const m = TerraformModel.fromTerraformJson({
      resource: {
        azurerm_windows_virtual_machine: { vm: { name: "vm", admin_password: "Zq9SuperSecretValue42" } },
        azurerm_key_vault_secret: { big: { name: "bundle", key_vault_id: "x", value: huge } },
      },
    }, { name: "huge" });
    const result = runRules(m, ALL_RULES.filter((r) => r.id === "SDZ-SEC-002"));
    const planted = { ...result, findings: result.findings.map((f) => ({ ...f, message: `${f.message} Zq9SuperSecretValue42 ${huge}` })) };
    const clean = redactSecrets(planted, m);
    const text = JSON.stringify(clean);
    expect(text).not.toContain("Zq9SuperSecretValue42");
    expect(text).not.toContain("BBBBBBBBBBBBBBBB");
    expect(clean.findings.map((f) => f.address).sort()).toEqual(["azurerm_key_vault_secret.big", "azurerm_windows_virtual_machine.vm"]);
  });

  test("an error inside the redactor is passed on with a fixed message, never its own (which may quote a secret)", () => {
    const SECRET = "Zq9SuperSecretValue42";
    const m = TerraformModel.fromTerraformJson({ resource: { azurerm_windows_virtual_machine: { vm: { name: "vm", admin_password: SECRET } } } }, { name: "boom" });
    const result = runRules(m, []);
    const poisoned = { ...result, findings: { map: () => { throw new SyntaxError(`Invalid regular expression: /${SECRET}/`); } } } as unknown as typeof result;
    let err: Error | undefined;
    try {
      redactSecrets(poisoned, m);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toBe("the output redactor failed (SyntaxError; its details are withheld because they may quote a secret)");
    expect(`${err?.stack}`).not.toContain(SECRET);
  });
});
