import { exampleServer } from "./examples";
import { scanResource } from "./literal-secrets";
import { TfResource, TfSettingsBlock } from "../../engine/model";
import { defineRule, RuleLevel, ruleRuns } from "../../engine/rule";
import { looksSecretName, secretsNotRuledOut } from "../../engine/secrets";
import { lazyExamples } from "../lazy-examples";

/** A file's name without its folder (the blocks of one address are in one module's folder). */
function fileName(source: string): string {
  return source.replace(/^.*[\\/]/, "");
}

/** A Linux web app with the given app settings (examples). */
function webApp(appSettings: Record<string, string>): Record<string, unknown> {
  return { name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "${azurerm_service_plan.app.id}", site_config: {}, app_settings: appSettings };
}

export const secretWrittenAsLiteral = defineRule({
  id: "SDZ-SEC-002",
  level: RuleLevel.ERROR,
  title: "Secret written as a literal in the configuration",
  rationale:
    "Seed 000 asks for strong passwords throughout the organization; seed 001 protects certificate files (.pfx) with a strong password and warns that task-sequence information not kept in "
    + "protected variables may be disclosed; seed 004 warns that preshared keys are stored in plain text. "
    + "A secret written as a literal is in source control, in cdk.tf.json, in the plan and in every copy of them, so it is no longer secret (R-SEC-9). "
    + "The rule reads every resource, and every provider block (client_secret, client_certificate_password, the base64 client_certificate of azurerm and azuread, "
    + "each alias and child module's block on its own), the state backend (terraform { backend \"azurerm\" { access_key, sas_token, client_secret } }) and HCP Terraform's "
    + "cloud block (token), as resources are read: attributes and map keys whose names end like a secret (password, secret, token, shared/access/account/private/api key, connection string, SAS; "
    + "the write-only *_wo forms too), name/value pairs whose name does (run command parameters), the values of other name/value pairs read as text (an App Service "
    + "connection string named \"Database\" holding Password=, AccountKey= or SharedAccessKey=), every other value under an ordinary name (app_settings entries, site_config, "
    + "container environment variables, WEBSITE_RUN_FROM_PACKAGE) for the credential parts of a connection string or SAS written in it: Password= or Pwd= (SQL, ODBC, the "
    + "comma-separated password= of Redis), AccountKey= (Storage, Cosmos DB), SharedAccessKey= (Service Bus, Event Hubs, IoT Hub), AccessKey= (SignalR, Web PubSub), "
    + "Secret= (App Configuration), Application Key=/AppKey= and the application and user tokens of Kusto, a SAS signature sig= (a SAS URL, SharedAccessSignature=), "
    + "the password of a URL's user information (scheme://user:password@host, any scheme: https, mongodb, postgresql, amqp, redis...), a token written as a URL's "
    + "user name (https://<token>@github.com/org/repo.git, git over HTTPS: a user name with a GitHub, GitLab or Slack token prefix such as ghp_, github_pat_ or glpat-, "
    + "or a long random run of letters and digits such as an Azure DevOps personal access token; an ordinary user name such as git, contoso or first.last is not one) "
    + "and password=/pwd= query parameters; a part that is an interpolation (Password=${var.p}), a placeholder ($(DbPassword), <password>, %DB_PW%), a variable reference "
    + "($DB_PASSWORD, $env:DB_PW, $cred.Password; on a PowerShell command line, unquoted or in double quotes, any $name, which PowerShell expands), an ARM expression ([parameters('pw')]) or a Key Vault "
    + "reference (@Microsoft.KeyVault(...)) is not a literal, but a value that merely starts with $ ($ecretP4ss!, $3cr3t: no variable name alone) is, and so is a value starting "
    + "with -, (, [, | or > (real passwords do: only unquoted on a PowerShell command line do "
    + "those start another parameter, a subexpression, a type or a pipeline), and under an ordinary name a connection string without such a part (managed identity, Application Insights' "
    + "InstrumentationKey) is not reported. Under a connection-string name, a connection string all of whose keys are known to hold no credential (Application Insights', "
    + "a managed identity's SQL string) is not a secret; any other literal value is, whole. A value that is a template with references (Server=${azurerm_mssql_server.db.fqdn};Password=...) "
    + "is read for the credential parts written in it. "
    + "The output redactor blanks the same parts (one recogniser), placeholders too. The rule also reads whole-value secrets whatever their name (Key Vault secret values, certificate "
    + "contents, Container Apps secret values, every container group secure environment variable), "
    + "extension settings and protected_settings of extension resources and of scale sets' extension blocks (JSON: secret-named keys, and -Password, /p:, net user <name> <password>, "
    + "ConvertTo-SecureString of a literal or of a variable assigned one ($p = '...'), connection-string, SAS and private-key patterns in their scripts, "
    + "decoding -EncodedCommand), custom_data and user_data (base64-decoded), unattend content, run command scripts and provisioners' command and inline lines, where secret-named YAML and INI entries are read quoted, "
    + "unquoted and as YAML block scalars (password: | or >- with the value on the next, more indented line; a block of several words or lines is not taken for one secret), "
    + "and the output redactor blanks every value these patterns find there, placeholders and multi-line blocks too; and tags whose names end like a secret, as attribute names are read (AdminPassword, sql-password, apiToken; a name that merely contains a secret word, "
    + "such as SecretRotation, PasswordPolicy, key-vault or TokenLifetime, names a setting about a secret, not one; "
    + "an sdz-* tag whose value is one its type allows, such as sdz-oob-mebx-custom-password=true, is a setting, not a secret); any other tag's value is read for the same credential "
    + "parts as an ordinary value (sdz-oob-provisioning-server = https://admin:<password>@host, an image location with a SAS signature). "
    + "A value is a literal when it is written in the resource or in a local, or wrapped in functions over literals only (sensitive(\"...\"), which only hides it in plan output, "
    + "base64decode(\"...\"), trimspace, format: the literal is still in the file, cdk.tf.json and the state); a reference inside a function (sensitive(var.pw), coalesce(var.pw, ...)) "
    + "is not, nor is a function whose result is not what is written (uuid, timestamp, bcrypt's salted hash). A value taken from another resource is judged there (a Key Vault secret's literal value is reported on the secret, not on every user of it). "
    + "Values declared or named secret are secrets: an API Management named value with secret = true or a secret-looking name or display_name, an Automation variable "
    + "with encrypted = true or a secret-looking name, an App Configuration key-value whose key looks secret (Db:Password), an output with sensitive = true or named like "
    + "a secret (any other output is read for credential parts, as an ordinary value). "
    + "Input variables whose names look like secrets must be sensitive = true and have no default (a default is a literal). "
    + "Literal preshared keys and RADIUS secrets of VPN gateways and connections are SDZ-VPN-008's. One finding per resource or variable names every field, and one per provider, backend, cloud or output address "
    + "however many files write it (a block and its override file: each file's literals are committed, the override file's named with its file); no message ever contains a value. "
    + "Text read from files (file(), filebase64(), templatefile()) is could-not-verify: the checks do not open files. "
    + "So is a secret field holding a template the checks cannot read (unbalanced braces, parentheses, brackets or quotes, a heredoc or an unknown escape inside ${...}, "
    + "or a %{...} directive around text of its own): it may write the secret. Templates nested in an expression's strings are read as the expression is "
    + "(upper(\"${var.pw}\") is a reference, sensitive(\"...${\"x\"}\") a literal), and a directive around references only is not written here. "
    + "Variable values files (*.tfvars, *.tfvars.json) are not read: the command line lists them as not checked.",
  fix: "Take the secret from a sensitive variable (variable { sensitive = true }, no default) or from Key Vault (a data source, or a Key Vault reference), in cdktf SensitiveValue; "
    + "put extension secrets in protected_settings, never in settings; remove secrets from tags, custom data and scripts (pass them as protected parameters); rotate every secret that was committed.",
  requirements: ["R-SEC-9"],
  resourceTypes: ["(any resource)", "variable", "output", "provider", "terraform backend and cloud"],
  reads: [
    "every attribute, nested block and map of every resource (secret-named fields, name/value pairs), and its tags",
    "azurerm_key_vault_secret value/value_wo, azurerm_key_vault_certificate certificate.contents, application gateway ssl_certificate.data, app service pfx_blob, "
      + "container app secret values, container group secure_environment_variables",
    "values of name/value pairs (App Service connection strings) as text",
    "every other value under an ordinary name (app_settings, site_config, environment variables): credential parts of connection strings and SAS URLs "
      + "(Password=, Pwd=, AccountKey=, SharedAccessKey=, AccessKey=, Secret=, Kusto AppKey=/AppToken=/UserToken=, sig=, password=/pwd= query parameters, "
      + "scheme://user:password@ URL passwords, tokens as a URL's user name), in tag values too",
    "extension settings/protected_settings of extensions and scale set extension blocks (JSON and scripts, -EncodedCommand decoded), custom_data/user_data (base64-decoded), unattend content, run command scripts "
      + "(secret-named YAML/INI entries, quoted, unquoted and as YAML block scalars: password: | then the value on the next, more indented line)",
    "locals the values point at, and input variables (name, sensitive, default)",
    "provider blocks (every alias, child modules' too; azurerm/azuread client_certificate whole), terraform backend and cloud blocks, read as resources are; "
      + "in a plan, configuration.provider_config and the outputs of the root module and of every child module (module.net.output.x; a plan carries no backend)",
    "values declared or named secret: API Management named value value (secret = true, or a secret name/display_name), Automation variable value (encrypted = true, "
      + "or a secret name), App Configuration key value (a secret key), output value (sensitive = true or a secret name)",
    "provisioners' command (local-exec) and inline lines (remote-exec) as scripts: net user passwords, ConvertTo-SecureString of a literal or of a variable assigned one",
  ],
  check(ctx) {
    /** One finding for what one resource or block writes, naming every field (and file, when several write it). */
    const reportScan = (r: TfResource, fields: readonly string[], doubts: readonly string[]) => {
      if (fields.length > 0) {
        ctx.report(r, `${r.address} writes ${fields.length === 1 ? "a secret" : "secrets"} as literal values (not shown): ${fields.join("; ")}${doubts.length ? `; also could not read ${doubts.join("; ")}` : ""}`);
      } else if (doubts.length > 0) {
        ctx.unverified(r, secretsNotRuledOut(r.address, doubts));
      }
    };
    // SDZ-VPN-008 owns literal preshared keys and RADIUS secrets only when it runs in this check (no silent pass).
    const vpn008 = ruleRuns(ctx, "SDZ-VPN-008");
    for (const r of ctx.model.resources) {
      const scan = scanResource(ctx.model, r, vpn008);
      reportScan(r, scan.fields, scan.doubts);
    }
    // Provider, backend, cloud and output blocks, read as resources are: a provider's client_secret or a backend's access_key
    // is the most common committed Azure credential. One address may be written in several files (an override file merges
    // into "the block with the same block header", developer.hashicorp.com/terraform/language/files/override): each
    // file is read, since a literal the override replaces is still committed in its file, and one finding names them all,
    // on the first file that writes one; a field of another file says which.
    const byAddress = new Map<string, TfSettingsBlock[]>();
    for (const b of ctx.model.settingsBlocks) {
      const same = byAddress.get(b.address);
      if (same) same.push(b);
      else byAddress.set(b.address, [b]);
    }
    const asResource = (b: TfSettingsBlock): TfResource => ({
      type: b.type, name: b.name, address: b.address, config: b.config, suppressions: [], source: b.source,
    });
    for (const blocks of byAddress.values()) {
      const scans = blocks.map((b) => ({ b, scan: scanResource(ctx.model, asResource(b), vpn008) }));
      const at = (scans.find((s) => s.scan.fields.length > 0) ?? scans.find((s) => s.scan.doubts.length > 0))?.b;
      if (!at) continue;
      const inFile = (b: TfSettingsBlock, what: string) => (b.source === at.source || b.source === undefined ? what : `${what} (in ${fileName(b.source)})`);
      const fields = [...new Set(scans.flatMap((s) => s.scan.fields.map((f) => inFile(s.b, f))))];
      const doubts = [...new Set(scans.flatMap((s) => s.scan.doubts.map((d) => inFile(s.b, d))))];
      reportScan(asResource(at), fields, doubts);
    }
    for (const v of ctx.model.variables) {
      if (!looksSecretName(v.name)) continue;
      const problems: string[] = [];
      const sensitive = ctx.model.resolveBoolean(v.config.sensitive);
      if (!sensitive.known || sensitive.value !== true) problems.push("it is not marked sensitive = true, so its value shows in plan output and logs");
      const d = v.config.default;
      if (d !== undefined && d !== null && d !== "") problems.push("it has a default value (not shown), which writes the secret in the configuration");
      if (problems.length > 0) {
        const pseudo: TfResource = { type: "variable", name: v.name, address: v.address, config: {}, suppressions: [], source: v.source };
        ctx.report(pseudo, `variable ${v.name} holds a secret by its name, but ${problems.join(", and ")}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A VM whose administrator password is written in the configuration, and a non-sensitive password variable with a default",
      terraform: {
        ...exampleServer({ vm: { admin_password: "Example-Only-Not-A-Real-Password-1" } }),
        variable: { admin_password: { type: "string", sensitive: true }, sql_password: { type: "string", default: "Example-Only-Not-A-Real-Password-2" } },
      },
      flagged: ["azurerm_windows_virtual_machine.kms01", "var.sql_password"],
    }, {
      description: "A web app whose app setting \"DB\" holds a connection string with a literal password (the setting's name says nothing; its Password= part does)",
      terraform: { resource: { azurerm_linux_web_app: { app: webApp({ DB: "Server=tcp:db.database.windows.net;Database=app;User ID=app;Password=Example-Only-Not-A-Real-Password-3;" }) } } },
      flagged: ["azurerm_linux_web_app.app"],
    }, {
      description: "A storage account whose ordinary tag holds a URL with a password in its user information (https://user:password@host)",
      terraform: {
        resource: {
          azurerm_storage_account: {
            backup: {
              name: "stbackup", location: "westeurope", resource_group_name: "rg", account_tier: "Standard", account_replication_type: "LRS",
              tags: { "backup-target": "https://backup:Example-Only-Not-A-Real-Password-4@backup.example.com/share" },
            },
          },
        },
      },
      flagged: ["azurerm_storage_account.backup"],
    }],
    good: [
      { description: "The password comes from a sensitive variable without a default", terraform: exampleServer() },
      {
        description: "The web app's connection string is a Key Vault reference, and its storage connection string takes the key from the storage account",
        terraform: {
          resource: {
            azurerm_linux_web_app: {
              app: webApp({
                DB: "@Microsoft.KeyVault(SecretUri=https://kv-app.vault.azure.net/secrets/db/)",
                STORAGE: "DefaultEndpointsProtocol=https;AccountName=stapp;AccountKey=${azurerm_storage_account.app.primary_access_key}",
              }),
            },
            azurerm_storage_account: { app: { name: "stapp", location: "westeurope", resource_group_name: "rg", account_tier: "Standard", account_replication_type: "LRS" } },
          },
        },
      },
    ],
  })),
});
