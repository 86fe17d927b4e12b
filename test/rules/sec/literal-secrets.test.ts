import * as fs from "fs";
import * as path from "path";
import { runRules } from "../../../src/engine/engine";
import { HIDDEN_VALUE } from "../../../src/engine/inventory";
import { collectSecrets, redactSecrets } from "../../../src/policy/redact";
import { ALL_RULES, findRule } from "../../../src/rules";
import { runInProcess, tempDir } from "../../cli/run-cli";
import { planJson, planModel } from "../../support/plan-json";
import { BASE32_LOWER, HEX, tokenLike } from "../../support/planted-tokens";
import { Body, check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-SEC-002";

/** Distinct planted secrets: none of them may ever appear in a finding, a fix or a report. */
const SECRET = Array.from({ length: 24 }, (_, i) => `Pl4nted-S3cret-${String(i).padStart(2, "0")}-x9q`);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const utf16b64 = (s: string) => Buffer.from(s, "utf16le").toString("base64");

/** A Windows VM with a NIC, written by hand. */
function vm(tf: TfJson, name: string, extra: Body = {}): string {
  const subnet = tf.json.resource.azurerm_subnet?.servers ? "azurerm_subnet.servers" : tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
  return tf.windowsVm(name, [tf.nic(`${name}_nic`, subnet, undefined)], extra);
}

function extension(tf: TfJson, name: string, onVm: string, body: Body): string {
  return tf.add("azurerm_virtual_machine_extension", name, {
    name, virtual_machine_id: TfJson.ref(onVm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10", ...body,
  });
}

describe("SDZ-SEC-002 secrets written as literals", () => {
  test("paths index a list item only when the list has several; a name/value pair is named by its name", () => {
    const tf = new TfJson();
    const app = tf.add("azurerm_container_app", "app", {
      name: "app",
      secret: [{ name: "db-password", value: SECRET[20] }, { name: "plain", value: "x" }],
      template: [{ container: [{ name: "a", env: [{ name: "X", value: "1" }, { name: "API_TOKEN", value: SECRET[21] }] }] }],
      registry: [{ server: "r" }, { server: "s", password: SECRET[22] }],
    });
    const r = check(tf, [ID]);
    // A Container Apps secret's value is a secret whatever its name ("plain" too).
    expect(messages(r, ID)).toEqual([`${app} writes secrets as literal values (not shown): secret["db-password"]; secret["plain"]; template.container.env["API_TOKEN"]; registry[1].password`]);
  });

  test("secrets under ordinary names: App Service connection strings, Container Apps secrets, container group secure environment variables", () => {
    const tf = new TfJson();
    const plan = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/serverFarms/p";
    const webApp = (type: string, name: string, value: string) => tf.add(type, name, {
      name, location: "westeurope", resource_group_name: "rg", service_plan_id: plan, site_config: [{}],
      connection_string: [{ name: "Database", type: "SQLAzure", value }],
    });
    const linux = webApp("azurerm_linux_web_app", "linux", `Server=tcp:db.database.windows.net;Database=app;User ID=app;Password=${SECRET[0]};`);
    const windows = webApp("azurerm_windows_web_app", "windows", `DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${SECRET[1]};EndpointSuffix=core.windows.net`);
    const bus = webApp("azurerm_linux_web_app", "bus", `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SECRET[2]}`);
    // Not literal secrets: a variable, another resource's attribute, a Key Vault reference, no password at all.
    webApp("azurerm_linux_web_app", "fromvar", "Server=tcp:db.database.windows.net;User ID=app;Password=${var.db_password};");
    webApp("azurerm_linux_web_app", "fromres", "Server=tcp:db.database.windows.net;User ID=app;Password=${azurerm_mssql_server.db.administrator_login_password};");
    webApp("azurerm_windows_web_app", "kvref", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)");
    webApp("azurerm_linux_web_app", "msi", "Server=tcp:db.database.windows.net;Database=app;Authentication=Active Directory Managed Identity;");
    const app = tf.add("azurerm_container_app", "app", {
      name: "app", resource_group_name: "rg", container_app_environment_id: "/x/env", revision_mode: "Single",
      secret: [{ name: "registry", value: SECRET[3] }],
      template: [{ container: [{ name: "c", image: "nginx", cpu: 0.25, memory: "0.5Gi" }] }],
    });
    tf.add("azurerm_container_app", "kv", {
      name: "kv", resource_group_name: "rg", container_app_environment_id: "/x/env", revision_mode: "Single",
      secret: [{ name: "registry", identity: "System", key_vault_secret_id: "https://kv.vault.azure.net/secrets/r" }, { name: "other", value: "${var.other}" }],
      template: [{ container: [{ name: "c", image: "nginx", cpu: 0.25, memory: "0.5Gi" }] }],
    });
    const group = (name: string, env: unknown) => tf.add("azurerm_container_group", name, {
      name, location: "westeurope", resource_group_name: "rg", os_type: "Linux",
      container: [{ name: "c", image: "nginx", cpu: 1, memory: 1, environment_variables: { MODE: "prod" }, secure_environment_variables: env }],
    });
    const cg = group("cg", { DB: SECRET[4], FROMVAR: "${var.x}" });
    group("cgvar", { DB: "${var.db}" });
    group("cgmap", "${var.secure_env}");
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([app, bus, cg, linux, windows].sort());
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID).sort()).toEqual([
      `${app} writes a secret as literal values (not shown): secret["registry"]`,
      `${bus} writes a secret as literal values (not shown): connection_string["Database"] (a SharedAccessKey= value)`,
      `${cg} writes a secret as literal values (not shown): container.secure_environment_variables.DB`,
      `${linux} writes a secret as literal values (not shown): connection_string["Database"] (a Password= value)`,
      `${windows} writes a secret as literal values (not shown): connection_string["Database"] (an AccountKey= value)`,
    ].sort());
    const all = JSON.stringify(r);
    for (const s of SECRET.slice(0, 5)) expect(all).not.toContain(s);
  });

  test("connection strings under ordinary names (app settings, site_config, environment variables): a literal credential part is flagged, references and credential-free strings are not", () => {
    const tf = new TfJson();
    const plan = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/serverFarms/p";
    const app = (type: string, name: string, settings: Body, extra: Body = {}) => tf.add(type, name, {
      name, location: "westeurope", resource_group_name: "rg", service_plan_id: plan, site_config: [{}], app_settings: settings, ...extra,
    });
    const sqlLiteral = app("azurerm_windows_web_app", "sql", { DB: `Server=tcp:x.database.windows.net;Database=d;User ID=u;Password=${SECRET[0]}` });
    const storageKey = app("azurerm_linux_function_app", "storage", { STORAGE: `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SECRET[1]}==;EndpointSuffix=core.windows.net` },
      { storage_account_name: "a", storage_uses_managed_identity: true });
    // A literal password beside a reference to another resource: the password is still written here.
    tf.add("azurerm_mssql_server", "db", { name: "db", location: "westeurope", resource_group_name: "rg", version: "12.0", administrator_login: "u", administrator_login_password: "${var.sql_password}" });
    const mixed = app("azurerm_windows_function_app", "mixed", { DB: `Server=tcp:\${azurerm_mssql_server.db.fully_qualified_domain_name},1433;User ID=u;Pwd=${SECRET[2]};` });
    const sas = app("azurerm_linux_web_app", "sas", { WEBSITE_RUN_FROM_PACKAGE: `https://sa.blob.core.windows.net/c/app.zip?sv=2022-11-02&sr=b&sp=r&sig=${SECRET[3]}%3D` });
    const bus = app("azurerm_linux_web_app", "bus", { BUS: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SECRET[4]}` });
    const signalr = app("azurerm_linux_web_app", "signalr", { SIGNALR: `Endpoint=https://x.service.signalr.net;AccessKey=${SECRET[13]};Version=1.0;` });
    const quoted = app("azurerm_linux_web_app", "quoted", { DB: `Server=db;User ID=u;Password="${SECRET[5]};x"` });
    tf.json.locals = { conn: `Server=db;User ID=u;Password=${SECRET[6]}` };
    const viaLocal = app("azurerm_linux_web_app", "vialocal", { DB: "${local.conn}" });
    // Not literal secrets: a Key Vault reference, an interpolated password, another resource's connection string,
    // a connection string without a credential part, placeholders.
    app("azurerm_windows_web_app", "kvref", { DB: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)" });
    app("azurerm_linux_function_app", "fromvar", { DB: "Server=tcp:x.database.windows.net;Database=d;User ID=u;Password=${var.db_password}" }, { storage_account_name: "a" });
    app("azurerm_windows_function_app", "fromres", { STORAGE: "${azurerm_storage_account.sa.primary_connection_string}", DB: "Server=x;Password=${azurerm_mssql_server.db.administrator_login_password}" });
    app("azurerm_linux_web_app", "nosecret", {
      DB: "Server=tcp:x.database.windows.net;Database=d;Authentication=Active Directory Managed Identity;",
      BUS: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send",
      AzureWebJobsStorage__accountName: "a", MODE: "prod", EMPTY: "Server=x;Password=;",
    });
    app("azurerm_linux_web_app", "placeholder", { DB: "Server=x;Pwd=$(DbPassword);", DB2: "Server=x;Password=<your-password>;", DB3: "Server=x;Password=%DB_PASSWORD%;" });
    const group = (name: string, env: Body) => tf.add("azurerm_container_group", name, {
      name, location: "westeurope", resource_group_name: "rg", os_type: "Linux",
      container: [{ name: "c", image: "nginx", cpu: 1, memory: 1, environment_variables: env }],
    });
    // The same reading elsewhere: an App Service connection string block, a startup command in site_config,
    // a Container Apps environment variable, extension settings.
    const block = tf.add("azurerm_linux_web_app", "block", {
      name: "block", location: "westeurope", resource_group_name: "rg", service_plan_id: plan, site_config: [{ app_command_line: `dotnet app.dll --db "Server=db;User ID=u;Password=${SECRET[9]}"` }],
      connection_string: [{ name: "Db", type: "SQLAzure", value: `Server=\${azurerm_mssql_server.db.fully_qualified_domain_name};User ID=u;Password=${SECRET[10]}` }],
    });
    const capp = tf.add("azurerm_container_app", "capp", {
      name: "capp", resource_group_name: "rg", container_app_environment_id: "/x/env", revision_mode: "Single",
      template: [{ container: [{ name: "c", image: "nginx", cpu: 0.25, memory: "0.5Gi", env: [{ name: "DB", value: `Server=db;Password=${SECRET[11]}` }, { name: "KV", secret_name: "db" }] }] }],
    });
    const ext = tf.add("azurerm_virtual_machine_extension", "ext", {
      name: "ext", virtual_machine_id: "/x/vm", publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ Database: `Server=db;User ID=u;Password=${SECRET[12]}`, Storage: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=[parameters('key')]" }),
    });
    const cg = group("cg", { REDIS: `cache.redis.cache.windows.net:6380,password=${SECRET[7]},ssl=True,abortConnect=False` });
    group("cgok", { REDIS: "cache.redis.cache.windows.net:6380,password=${var.redis_key},ssl=True" });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([block, bus, capp, cg, ext, mixed, quoted, sas, signalr, sqlLiteral, storageKey, viaLocal].sort());
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID).sort()).toEqual([
      `${block} writes secrets as literal values (not shown): site_config.app_command_line (a Password= value); connection_string["Db"] (a Password= value)`,
      `${capp} writes a secret as literal values (not shown): template.container.env["DB"] (a Password= value)`,
      `${ext} writes a secret as literal values (not shown): settings.Database (a Password= value)`,
      `${bus} writes a secret as literal values (not shown): app_settings.BUS (a SharedAccessKey= value)`,
      `${cg} writes a secret as literal values (not shown): container.environment_variables.REDIS (a password= value)`,
      `${mixed} writes a secret as literal values (not shown): app_settings.DB (a Pwd= value)`,
      `${quoted} writes a secret as literal values (not shown): app_settings.DB (a Password= value)`,
      `${sas} writes a secret as literal values (not shown): app_settings.WEBSITE_RUN_FROM_PACKAGE (a SAS signature (sig=))`,
      `${signalr} writes a secret as literal values (not shown): app_settings.SIGNALR (an AccessKey= value)`,
      `${sqlLiteral} writes a secret as literal values (not shown): app_settings.DB (a Password= value)`,
      `${storageKey} writes a secret as literal values (not shown): app_settings.STORAGE (an AccountKey= value)`,
      `${viaLocal} writes a secret as literal values (not shown): app_settings.DB (a Password= value, through local.conn)`,
    ].sort());
    const all = JSON.stringify(r);
    for (const s of SECRET.slice(0, 14)) expect(all).not.toContain(s);
  });

  test("connection strings under connection-string names: one without a credential key is not a secret; a part written in a template with references is", () => {
    const tf = new TfJson();
    const ikey = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;"
      + "LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=11111111-1111-1111-1111-111111111111";
    const app = (name: string, settings: Body) => tf.add("azurerm_linux_web_app", name, {
      name, location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}], app_settings: settings,
    });
    tf.add("azurerm_mssql_server", "db", { name: "db", location: "westeurope", resource_group_name: "rg", version: "12.0", administrator_login: "u", administrator_login_password: "${var.sql_password}" });
    // Not secrets: Application Insights' connection string (its InstrumentationKey is not a secret), a managed identity's SQL connection string.
    app("insights", { APPLICATIONINSIGHTS_CONNECTION_STRING: ikey, DB_CONNECTION_STRING: "Server=tcp:db.database.windows.net,1433;Initial Catalog=app;Authentication=Active Directory Managed Identity;Encrypt=True;" });
    tf.add("azurerm_api_management_logger", "ai", { name: "ai", api_management_name: "apim", resource_group_name: "rg", application_insights: [{ connection_string: ikey }] });
    tf.add("azurerm_data_factory_linked_service_azure_sql_database", "mi", { name: "mi", data_factory_id: "/x/adf", use_managed_identity: true, connection_string: "Data Source=db.database.windows.net;Initial Catalog=app;" });
    // A password from a variable inside a connection-string-named template: not a literal.
    app("fromvar", { DB_CONNECTION_STRING: "Server=\${azurerm_mssql_server.db.fully_qualified_domain_name};User ID=u;Password=\${var.db_password}" });
    // Secrets: a literal password; a key the checks do not know (a SignalR client secret); a literal part of a template.
    const literal = app("literal", { DB_CONNECTION_STRING: `Server=db;User ID=u;Password=${SECRET[0]}` });
    const unknownKey = app("unknownkey", { SIGNALR_CONNECTION_STRING: `Endpoint=https://x.service.signalr.net;AuthType=azure.app;ClientId=c;ClientSecret=${SECRET[1]};TenantId=t;Version=1.0;` });
    const mixed = app("mixed", { DB_CONNECTION_STRING: `Server=\${azurerm_mssql_server.db.fully_qualified_domain_name};User ID=u;Password=${SECRET[2]}` });
    const kv = tf.add("azurerm_key_vault_secret", "conn", { name: "conn", key_vault_id: "/x/kv", value: `Server=\${azurerm_mssql_server.db.fully_qualified_domain_name};User ID=u;Password=${SECRET[3]}` });
    const adf = tf.add("azurerm_data_factory_linked_service_azure_sql_database", "pw", { name: "pw", data_factory_id: "/x/adf", connection_string: `Data Source=db;Initial Catalog=app;User ID=u;Password=${SECRET[4]}` });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([adf, kv, literal, mixed, unknownKey].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${adf} writes a secret as literal values (not shown): connection_string`,
      `${kv} writes a secret as literal values (not shown): value (a Password= value)`,
      `${literal} writes a secret as literal values (not shown): app_settings.DB_CONNECTION_STRING`,
      `${mixed} writes a secret as literal values (not shown): app_settings.DB_CONNECTION_STRING (a Password= value)`,
      `${unknownKey} writes a secret as literal values (not shown): app_settings.SIGNALR_CONNECTION_STRING`,
    ].sort());
    expect(JSON.stringify(r)).not.toMatch(/Pl4nted-S3cret-0[0-4]/);
  });

  test("what the redactor blanks as a connection-string credential under an ordinary name is what the rule reports, but for placeholders", () => {
    const tf = new TfJson();
    const settings = {
      LIT: `Server=db;Password=${SECRET[0]}`, STORE: `AccountName=a;AccountKey=${SECRET[1]}`, BLOBS: `BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=2015-04-05&sr=b&sig=${SECRET[2]}`,
      REDIS: `h:6380,password=${SECRET[3]},ssl=True`, QUOTED: `Server=db;Pwd='${SECRET[4]}'`,
      // ODBC: a value in braces is read whole (it may hold ';').
      ODBC: `Driver={ODBC Driver 18 for SQL Server};Server=tcp:x,1433;Uid=u;Pwd={${SECRET[5]};x};Encrypt=yes`,
    };
    // Placeholders are blanked (when in doubt, blank) but not reported: nothing secret is written.
    const placeholders = { P1: "Server=db;Password=$(DbPassword)", P2: "Server=db;Password=<password>", P3: "Server=db;Pwd=$env:DB_PW", P4: "Server=db;Password=%DBPW%", P5: "Server=db;Password=${var.db_password}" };
    const w = tf.add("azurerm_linux_web_app", "w", { name: "w", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}], app_settings: { ...settings, ...placeholders } });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([w]);
    expect(messages(r, ID)).toEqual([
      `${w} writes secrets as literal values (not shown): app_settings.LIT (a Password= value); app_settings.STORE (an AccountKey= value); `
      + "app_settings.BLOBS (a SAS signature (sig=)); app_settings.REDIS (a password= value); app_settings.QUOTED (a Pwd= value); app_settings.ODBC (a Pwd= value)",
    ]);
    // The redactor blanks every credential part above (placeholders too: blanking them costs nothing), and nothing else.
    expect(collectSecrets(tf.model()).sort()).toEqual([
      SECRET[0], SECRET[1], SECRET[2], SECRET[3], `${SECRET[3]},ssl=True`, SECRET[4], `${SECRET[5]};x`, "$(DbPassword)", "<password>", "$env:DB_PW", "%DBPW%",
    ].sort());
  });

  test("URL passwords (user:password@, any scheme), password= and pwd= query parameters, App Configuration Secret= and Kusto keys and tokens under ordinary names and in tags", () => {
    const tf = new TfJson();
    const oob = vm(tf, "oob", {
      tags: {
        "sdz-role": "oob-service-point", "sdz-oob-provisioning": "enabled",
        "sdz-oob-provisioning-server": `https://admin:${SECRET[0]}@prov.example.com/x`,
        // The same signature twice in one tag: the field is named once.
        "sdz-oob-ide-image-location": `https://store.blob.core.windows.net/c/ide.img?sv=2022-11-02&sig=${SECRET[1]}&x=1&sig=${SECRET[1]}`,
      },
    });
    const app = tf.add("azurerm_linux_web_app", "app", {
      name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        MONGO: `mongodb+srv://app:${SECRET[2]}@cluster0.example.mongodb.net/db?retryWrites=true`, PG: `postgresql://u:${SECRET[3]}@db:5432/app`,
        AMQP: `amqp://guest:${SECRET[4]}@mq:5672/`, REDIS: `redis://:${SECRET[5]}@cache:6379/0`, JDBC: `jdbc:postgresql://db/app?user=u&password=${SECRET[6]}`,
        ODBC: `https://api.example.com/q?uid=u&pwd=${SECRET[7]}`,
        // App Configuration: an access key's Id holds ':' (not a URL's user information); its Secret is the credential.
        APPCONFIG: `Endpoint=https://contoso.azconfig.io;Id=abcd-l0-s0:tl6ABcdef;Secret=${SECRET[8]}`,
        KUSTO: `Data Source=https://help.kusto.windows.net;Fed=True;AppClientId=c;AppKey=${SECRET[9]};Authority Id=t`,
        KUSTO2: `Data Source=https://help.kusto.windows.net;Fed=True;Application Client Id=c;Application Key=${SECRET[10]}`,
        KUSTO3: `Data Source=https://help.kusto.windows.net;Fed=True;AppToken=${SECRET[12]}`, KUSTO4: `Data Source=https://help.kusto.windows.net;Fed=True;User Token=${SECRET[13]}`,
      },
    });
    tf.json.locals = { tags: { "sdz-note": `see https://user:${SECRET[11]}@example.com` } };
    const sa = tf.add("azurerm_storage_account", "sa", { name: "sa", location: "westeurope", resource_group_name: "rg", account_tier: "Standard", account_replication_type: "LRS", tags: "${local.tags}" });
    // No literal credential: no password, an empty one, interpolations, placeholders, a mail address, an Id without its Secret.
    tf.add("azurerm_linux_web_app", "clean", {
      name: "clean", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        A: "https://user@host.example.com/x", B: "https://host.example.com:8443/x?a=b", C: "https://u:${var.pw}@h.example.com/", D: "https://u:$(PW)@h.example.com/",
        E: "postgresql://u:@db/app", F: "jdbc:postgresql://db/app?user=u&password=${var.p}", G: "mail ops@example.com // team", H: "Endpoint=https://a.azconfig.io;Id=x:y",
        I: "Endpoint=https://a.azconfig.io;Id=x:y;Secret=${var.appconfig_secret}", J: "Data Source=https://k.kusto.windows.net;Fed=True",
      },
      tags: { docs: "https://learn.microsoft.com/azure/storage/common/storage-sas-overview", owner: "ops@example.com" },
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([app, oob, sa].sort());
    const url = "a password in a URL's user information";
    expect(messages(r, ID).sort()).toEqual([
      `${app} writes secrets as literal values (not shown): app_settings.MONGO (${url}); app_settings.PG (${url}); app_settings.AMQP (${url}); app_settings.REDIS (${url}); `
      + "app_settings.JDBC (a password= query parameter); app_settings.ODBC (a pwd= query parameter); app_settings.APPCONFIG (a Secret= value); "
      + "app_settings.KUSTO (an AppKey= value); app_settings.KUSTO2 (an Application Key= value); app_settings.KUSTO3 (an AppToken= value); "
      + "app_settings.KUSTO4 (a User Token= value)",
      `${oob} writes secrets as literal values (not shown): tags["sdz-oob-provisioning-server"] (${url}); tags["sdz-oob-ide-image-location"] (a SAS signature (sig=))`,
      `${sa} writes a secret as literal values (not shown): tags["sdz-note"] (${url})`,
    ].sort());
    // Findings never quote them (the inventory does, until the redactor blanks it: below).
    expect(JSON.stringify(r.findings)).not.toMatch(/Pl4nted-S3cret-(0\d|1[0-3])/);
    // The redactor blanks those parts (placeholders too), and leaves the rest of each URL.
    expect(collectSecrets(tf.model()).sort()).toEqual([...SECRET.slice(0, 14), "$(PW)"].sort());
  });

  test("a token written as a URL's user name (git over HTTPS: a known token prefix, or a long random one) is reported and blanked; ordinary user names are not", () => {
    const tf = new TfJson();
    const T = {
      classic: `ghp_${tokenLike("classic", 36)}`, fine: `github_pat_${tokenLike("fine1", 22)}_${tokenLike("fine2", 59)}`, gitlab: `glpat-${tokenLike("gitlab", 20)}`,
      // Azure DevOps' personal access tokens (52 base32 characters; now 84 letters and digits signed "AZDO" near the end) and GitHub's
      // before 2021 (40 hex digits): no prefix.
      ado: tokenLike("ado", 52, BASE32_LOWER), ado84: `${tokenLike("ado84", 76)}AZDO${tokenLike("ado84-tail", 4)}`, legacy: tokenLike("legacy", 40, HEX),
      // The token as the password (already read) and as the user name before a fixed password (GitHub's x-oauth-basic form).
      xat: `ghs_${tokenLike("xat", 36)}`, oauth: `gho_${tokenLike("oauth", 36)}`, runner: `glrt-${tokenLike("runner", 20)}`,
    };
    const url = "a password in a URL's user information";
    const user = "a token as a URL's user name";
    const app = tf.add("azurerm_linux_web_app", "app", {
      name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        REPO: `https://${T.classic}@github.com/contoso/app.git`, FINE: `git clone https://${T.fine}@github.com/contoso/app.git`,
        GITLAB: `https://${T.gitlab}@gitlab.com/contoso/app.git`, ADO: `https://${T.ado}@dev.azure.com/contoso/project/_git/app`,
        ADO84: `https://${T.ado84}@dev.azure.com/contoso/project/_git/app`,
        LEGACY: `https://${T.legacy}@github.com/contoso/app.git`, XAT: `https://x-access-token:${T.xat}@github.com/contoso/app.git`,
        BASIC: `https://${T.oauth}:x-oauth-basic@github.com/contoso/app.git`,
      },
    });
    const runner = vm(tf, "runner", { tags: { "sdz-note": `registered from https://${T.runner}@gitlab.example.com/ops/runner.git` } });
    // Ordinary user names and placeholders: a name, git over SSH, an Azure DevOps organization, interpolations and macros,
    // placeholders after a prefix, a GUID, a long name with a number or two, a dotted name, a short name with numbers.
    tf.add("azurerm_linux_web_app", "clean", {
      name: "clean", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        A: "https://user@host.example.com/x", B: "ssh://git@github.com/contoso/app.git", C: "https://contoso@dev.azure.com/contoso/project/_git/app",
        D: "https://${var.gh_token}@github.com/contoso/app.git", E: "https://$(System.AccessToken)@dev.azure.com/contoso/project/_git/app",
        F: "https://ghp_<token>@github.com/contoso/app.git", G: "https://ghp_yourtoken@github.com/contoso/app.git",
        H: "https://00000000-0000-0000-0000-000000000000@host.example.com/", I: "https://buildagent2024westeuropeproduction01@host.example.com/",
        J: "https://firstname.lastname@host.example.com/", K: `https://ghp_${"x".repeat(36)}@github.com/contoso/app.git`, L: "https://app01svc02x@host.example.com/",
      },
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([app, runner].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${app} writes secrets as literal values (not shown): app_settings.REPO (${user}); app_settings.FINE (${user}); app_settings.GITLAB (${user}); `
      + `app_settings.ADO (${user}); app_settings.ADO84 (${user}); app_settings.LEGACY (${user}); app_settings.XAT (${url}); app_settings.BASIC (${user}); app_settings.BASIC (${url})`,
      `${runner} writes a secret as literal values (not shown): tags["sdz-note"] (${user})`,
    ].sort());
    expect(JSON.stringify(r.findings)).not.toMatch(new RegExp(Object.values(T).map((t) => t.slice(5, 25)).join("|")));
    // The redactor blanks those tokens, the fixed password beside one, and token-prefixed placeholders (blanking costs nothing).
    expect(collectSecrets(tf.model()).sort()).toEqual([...Object.values(T), "x-oauth-basic", "ghp_yourtoken", `ghp_${"x".repeat(36)}`].sort());
  });

  test("a secret starting with -, (, [, | or > is a literal (real passwords do); expressions, subexpressions and YAML block indicators are not", () => {
    const tf = new TfJson();
    const t = (seed: string) => tokenLike(seed, 14);
    const P = {
      dash: `-Xy7!q${t("dash")}`, paren: `(P@ss${t("paren")}`, bracket: `[${t("bracket")}==`, pipe: `|${t("pipe")}`, gt: `>${t("gt")}`, quoted: `(${t("quoted")})`,
      url: `-${t("url")}`, query: `[${t("query")}`, escaped: `[[${t("escaped")}]`,
    };
    const S = { arg: `-${t("arg")}`, cmd: `(${t("cmd")}`, secure: `|${t("secure")}`, xml: `-${t("xml")}`, yaml: `-${t("yaml")}`, yamlQuoted: `(${t("yamlq")}` };
    const app = tf.add("azurerm_linux_web_app", "app", {
      name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        DASH: `Server=db;User ID=u;Password=${P.dash}`, PAREN: `Server=db;Pwd=${P.paren}`, BRACKET: `AccountName=a;AccountKey=${P.bracket}`,
        PIPE: `cache:6380,password=${P.pipe},ssl=True`, GT: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${P.gt}`,
        QUOTED: `Server=db;Password="${P.quoted}"`, URL: `postgresql://u:${P.url}@db:5432/app`, QUERY: `jdbc:postgresql://db/app?user=u&password=${P.query}`,
        // ARM reads a string starting with "[[" as a literal starting with "[" (template-expressions#escape-characters).
        ESCAPED: `Server=db;Password=${P.escaped}`,
      },
    });
    const host = vm(tf, "host", {
      custom_data: b64(`<AdministratorPassword><Value>${S.xml}</Value></AdministratorPassword>`),
      user_data: b64(`#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: ${S.yaml}\n  - name: app\n    password: "${S.yamlQuoted}"\n`),
    });
    const ext = extension(tf, "ext", host, {
      settings: JSON.stringify({
        commandToExecute: `powershell -File join.ps1 -DomainPassword '${S.arg}'; netdom join %COMPUTERNAME% /d:corp /ud:corp\\join /passwordd:${S.cmd}; `
          + `$p = ConvertTo-SecureString '${S.secure}' -AsPlainText -Force`,
      }),
    });
    // Not literals: ARM expressions (a function call in brackets), PowerShell's unquoted subexpressions, type
    // expressions, pipelines and next parameters, a redirection on a command line, and a YAML block scalar's
    // indicator (its text is on the next lines).
    tf.add("azurerm_linux_web_app", "clean", {
      name: "clean", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: { A: "Server=db;Password=[concat(parameters('prefix'), variables('suffix'))]", B: "AccountName=a;AccountKey=[listKeys(variables('id'), '2023-01-01').keys[0].value]" },
    });
    extension(tf, "fine", host, {
      settings: JSON.stringify({
        commandToExecute: "powershell -Command Join -DomainPassword (Get-Secret -Name join) -LocalPassword [Text.Encoding]::UTF8.GetString($b) -AdminPassword | Out-Null; "
          + "New-Thing -ServicePassword -AsPlainText; cmd /c cmdkey /generic:srv /user:u /pass:>nul",
      }),
    });
    vm(tf, "yaml", { user_data: b64("#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    password: |\n      ${APP_PASSWORD}\n    token: >-\n      see the vault\n") });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([app, ext, host].sort());
    const pw = "a Password= value";
    expect(messages(r, ID).sort()).toEqual([
      `${app} writes secrets as literal values (not shown): app_settings.DASH (${pw}); app_settings.PAREN (a Pwd= value); app_settings.BRACKET (an AccountKey= value); `
      + "app_settings.PIPE (a password= value); app_settings.GT (a SharedAccessKey= value); app_settings.QUOTED (a Password= value); "
      + `app_settings.URL (a password in a URL's user information); app_settings.QUERY (a password= query parameter); app_settings.ESCAPED (${pw})`,
      `${ext} writes secrets as literal values (not shown): settings.commandToExecute (a -DomainPassword argument); `
      + "settings.commandToExecute (ConvertTo-SecureString of a literal string); settings.commandToExecute (a /passwordd: argument)",
      `${host} writes secrets as literal values (not shown): custom_data (an unattend <AdministratorPassword> value, base64-decoded); `
      + 'user_data (a "password" entry, base64-decoded); user_data (a "plain_text_passwd" entry, base64-decoded)',
    ].sort());
    const all = JSON.stringify(r.findings);
    for (const s of [...Object.values(P), ...Object.values(S)]) expect(all).not.toContain(s.slice(1, 12));
    // The redactor blanks every credential part (it blanked these already: it blanks placeholders too).
    const blanked = collectSecrets(tf.model());
    for (const s of Object.values(P)) expect(blanked).toContain(s);
  });

  test("a literal starting with $ ($ecretP4ss!, $3cr3t) is a secret; a variable reference ($name, $env:NAME, ${...}, $(...)) is not", () => {
    const tf = new TfJson();
    const t = (seed: string) => tokenLike(seed, 10);
    // Literals: a $ followed by what no identifier is (a digit first, punctuation after the name).
    const L = {
      conn: `$ecretP4ss!${t("d-conn")}`, digit: `$3cr3t${t("d-digit")}`, url: `$ecret~${t("d-url")}`, yaml: `$ecret-${t("d-yaml")}`, quoted: `$3${t("d-quoted")}`,
      single: `$ecret!${t("d-single")}`, unattend: `$Pass@${t("d-xml")}`, query: `$9x${t("d-query")}`,
    };
    const app = tf.add("azurerm_linux_web_app", "app", {
      name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: { CONN: `Server=db;User ID=u;Password=${L.conn}`, DIGIT: `AccountName=a;AccountKey=${L.digit}`, URL: `postgresql://u:${L.url}@db/app`, QUERY: `jdbc:x://db?password=${L.query}` },
    });
    const host = vm(tf, "host", {
      user_data: b64(`#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: ${L.yaml}\n    password: "${L.quoted}"\n`),
      custom_data: b64(`<AdministratorPassword><Value>${L.unattend}</Value></AdministratorPassword>`),
    });
    const ext = extension(tf, "ext", host, { settings: JSON.stringify({ commandToExecute: `powershell -Command Join -DomainPassword '${L.single}'` }) });
    // References: PowerShell and shell variables (scoped, with members or an index), subexpressions, interpolations, a positional argument;
    // unquoted or double-quoted on a PowerShell command line, any $ starts an expression ($3cr3t is a variable there).
    tf.add("azurerm_linux_web_app", "refs", {
      name: "refs", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: {
        A: "Server=db;Password=$DB_PASSWORD;", B: "Server=db;Pwd=$env:DB_PW", C: "AccountName=a;AccountKey=${var.key}", D: "Server=db;Password=$(DbPassword)",
        E: "cache:6380,password=$redisPassword,ssl=True", F: "https://u:$PW@h.example.com/", G: "Server=db;Password=$cred.Password;", H: "Server=db;Password=$1",
      },
    });
    const clean = vm(tf, "clean", {
      user_data: b64("#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: $OPS_PASSWORD\n    password: \"${APP_PASSWORD}\"\n    passwd: $secrets[0]\n"),
    });
    extension(tf, "fine", clean, {
      settings: JSON.stringify({ commandToExecute: "powershell -Command Join -DomainPassword $3cr3t -LocalPassword \"$pw!\" -AdminPassword $($s.Value) /p:$JOIN_PW" }),
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([app, ext, host].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${app} writes secrets as literal values (not shown): app_settings.CONN (a Password= value); app_settings.DIGIT (an AccountKey= value); `
      + "app_settings.URL (a password in a URL's user information); app_settings.QUERY (a password= query parameter)",
      `${ext} writes a secret as literal values (not shown): settings.commandToExecute (a -DomainPassword argument)`,
      `${host} writes secrets as literal values (not shown): user_data (a "password" entry, base64-decoded); `
      + 'user_data (a "plain_text_passwd" entry, base64-decoded); custom_data (an unattend <AdministratorPassword> value, base64-decoded)',
    ].sort());
    expect(JSON.stringify(r.findings)).not.toContain("$ecret");
    const blanked = collectSecrets(tf.model());
    for (const s of Object.values(L)) expect([s, blanked.includes(s)]).toEqual([s, true]);
  });

  test("YAML block scalars (password: |, >-, |2) in cloud-init and scripts: the value on the next, more indented line is read, and blanked", () => {
    const tf = new TfJson();
    const t = (seed: string) => `${tokenLike(seed, 14)}-x9`;
    const S = { literal: t("blk-literal"), folded: t("blk-folded"), indent: t("blk-indent"), item: t("blk-item"), script: t("blk-script"), crlf: t("blk-crlf") };
    const cloud = vm(tf, "cloud", {
      user_data: b64(`#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: |\n      ${S.literal}\n    lock_passwd: false\n`
        + `chpasswd:\n  users:\n    - name: app\n      password: >-\n\n        ${S.folded}\n`),
    });
    const indent = vm(tf, "indent", { custom_data: b64(`write_files:\n- path: /etc/app.conf\n  content: x\napp:\n  db_password: |2-\n     ${S.indent}\n  user: app\n`) });
    const item = vm(tf, "item", { custom_data: b64(`secrets:\n- token: |+ # a comment\n    ${S.item}\n- name: b\r\n  password: >\r\n    ${S.crlf}\r\n`) });
    const rc = tf.add("azurerm_virtual_machine_run_command", "rc", {
      name: "rc", location: "westeurope", virtual_machine_id: TfJson.ref(cloud), source: { script: `cat > /etc/app.yaml <<EOF\nadmin:\n  secret: |\n    ${S.script}\nEOF\n` },
    });
    // Not literal secrets: a placeholder, words (as `token: see the vault` unquoted), a block under an ordinary name, an empty block
    // (the next line is a sibling key), a block indicator at the end of the text.
    vm(tf, "clean", {
      user_data: b64("#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    password: |\n      ${APP_PASSWORD}\n    token: >-\n      see the vault\n"
        + "    content: |\n      plain-text-config-line\n    passwd: |\n    owner: root\nruncmd:\n  - echo done\nsecret: |"),
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([cloud, indent, item, rc].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${cloud} writes secrets as literal values (not shown): user_data (a "plain_text_passwd" entry, base64-decoded); user_data (a "password" entry, base64-decoded)`,
      `${indent} writes a secret as literal values (not shown): custom_data (a "db_password" entry, base64-decoded)`,
      `${item} writes secrets as literal values (not shown): custom_data (a "token" entry, base64-decoded); custom_data (a "password" entry, base64-decoded)`,
      `${rc} writes a secret as literal values (not shown): source.script (a "secret" entry)`,
    ].sort());
    const blanked = collectSecrets(tf.model());
    for (const s of Object.values(S)) expect([s, blanked.includes(s)]).toEqual([s, true]);
    // Blanked or not, as reported: the words of a block under a secret name are blanked too (when in doubt), an ordinary block is not.
    expect(blanked).toContain("see the vault");
    for (const plain of ["plain-text-config-line", "owner: root", "${APP_PASSWORD}"]) expect([plain, blanked.includes(plain)]).toEqual([plain, false]);
  });

  test("a literal connection-string credential is echoed by no finding, report or log of any rule (command line, every format)", () => {
    const dir = tempDir();
    const tf = new TfJson();
    tf.add("azurerm_windows_web_app", "w", {
      name: "w", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: [{}],
      app_settings: { DB: `Server=tcp:x.database.windows.net;Database=d;User ID=u;Password=${SECRET[8]}`, STORAGE: `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${SECRET[9]}==` },
    });
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, JSON.stringify(tf.json));
    const reports = ["r.json", "r.sarif", "r.md", "r.xml"].map((f) => path.join(dir, f));
    const outputs: string[] = [];
    for (const format of ["table", "json", "github"]) {
      const run = runInProcess(["check", file, "--no-config", "--verbose", "--format", format, "--json", reports[0], "--sarif", reports[1], "--markdown", reports[2], "--format", `junit=${reports[3]}`]);
      expect(run.code).toBe(1);
      outputs.push(run.stdout, run.stderr, ...reports.map((f) => fs.readFileSync(f, "utf8")));
    }
    expect(outputs.join("\n")).toContain("azurerm_windows_web_app.w writes secrets as literal values (not shown): app_settings.DB (a Password= value); app_settings.STORAGE (an AccountKey= value)");
    for (const text of outputs) for (const s of [SECRET[8], SECRET[9]]) expect(text).not.toContain(s);
  });

  test("VM admin_password: a literal or a local is flagged; a variable, random_password or another resource's value is not", () => {
    const tf = new TfJson();
    tf.json.locals = { pw: SECRET[0] };
    const lit = vm(tf, "lit", { admin_password: SECRET[1] });
    const viaLocal = vm(tf, "vialocal", { admin_password: "${local.pw}" });
    vm(tf, "fromvar");
    tf.add("random_password", "pw", { length: 24 });
    vm(tf, "random", { admin_password: TfJson.ref("random_password.pw", "result") });
    tf.add("azurerm_key_vault_secret", "pw", { name: "admin", key_vault_id: "/x/kv", value: "${var.admin_password}" });
    vm(tf, "fromkv", { admin_password: TfJson.ref("azurerm_key_vault_secret.pw", "value") });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([lit, viaLocal].sort());
    expect(messages(r, ID)).toEqual([
      `${lit} writes a secret as literal values (not shown): admin_password`,
      `${viaLocal} writes a secret as literal values (not shown): admin_password (through local.pw)`,
    ]);
  });

  test("a literal wrapped in a function call (sensitive, base64decode, trimspace, format) is still written in the configuration: reported and blanked", () => {
    const tf = new TfJson();
    tf.json.locals = { pw: SECRET[9] };
    const hcl = (s: string) => JSON.stringify(s); // an HCL string literal, as cdktf and hand-written JSON quote it
    const sens = vm(tf, "sens", { admin_password: `\${sensitive(${hcl(SECRET[0])})}` });
    const dec = vm(tf, "dec", { admin_password: `\${base64decode(${hcl(b64(SECRET[1]))})}` });
    const trim = vm(tf, "trim", { admin_password: `\${trimspace(${hcl(` ${SECRET[2]} `)})}` });
    const fmt = vm(tf, "fmt", { admin_password: `\${format("%s", ${hcl(SECRET[3])})}` });
    const nested = vm(tf, "nested", { admin_password: `\${nonsensitive(sensitive(lower(${hcl(SECRET[4])})))}` });
    const part = vm(tf, "part", { admin_password: `P-\${sensitive(${hcl(SECRET[5])})}` });
    const brace = vm(tf, "brace", { admin_password: `\${sensitive("Pa}ss-${SECRET[6]}")}` });
    const kv = tf.add("azurerm_key_vault_secret", "s", { name: "s", key_vault_id: "/x/kv", value: `\${sensitive(${hcl(SECRET[7])})}` });
    // Not literals: references inside a function (they stay placeholders), and functions whose result is not their arguments' text.
    vm(tf, "fromvar", { admin_password: "${sensitive(var.admin_password)}" });
    vm(tf, "fromlocal", { admin_password: "${trimspace(local.pw)}" });
    vm(tf, "fromdata", { admin_password: "${sensitive(data.azurerm_key_vault_secret.pw.value)}" });
    tf.add("random_password", "pw", { length: 24 });
    vm(tf, "fromres", { admin_password: "${sensitive(random_password.pw.result)}" });
    vm(tf, "coalesce", { admin_password: `\${coalesce(var.admin_password, ${hcl(SECRET[8])})}` });
    vm(tf, "fresh", { admin_password: "${uuid()}" });
    vm(tf, "salted", { admin_password: `\${bcrypt(${hcl(SECRET[10])})}` });
    vm(tf, "forexpr", { admin_password: "${join(\"\", [for c in var.parts : upper(c)])}" });
    vm(tf, "empty", { admin_password: "${sensitive(\"\")}" });
    vm(tf, "flag", { admin_password: "${tostring(true)}" });
    vm(tf, "fromfile", { admin_password: "${trimspace(file(\"pw.txt\"))}" });
    vm(tf, "indexed", { admin_password: "${sensitive(data.azurerm_key_vault_secret.by_name[\"vm-admin-entry\"].value)}" });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([sens, dec, trim, fmt, nested, part, brace, kv].sort());
    // A value read from a file is not written here: the checks cannot say (could not verify), as for file() alone.
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_windows_virtual_machine.fromfile"]);
    expect(messages(r, ID)).toContain(`${sens} writes a secret as literal values (not shown): admin_password`);
    // The redactor blanks the literal however it is wrapped (decoded too), and the fallback of a coalesce().
    const blanked = collectSecrets(tf.model());
    for (const s of [SECRET[0], SECRET[1], b64(SECRET[1]), SECRET[2], SECRET[3], SECRET[4], SECRET[5], SECRET[7], SECRET[8]]) {
      expect([s, blanked.includes(s)]).toEqual([s, true]);
    }
    expect(blanked.some((b) => b.includes(SECRET[6]))).toBe(true);
    // An index names a value: it is not blanked (it would blank words of unrelated messages).
    expect(blanked).not.toContain("%s");
    expect(blanked).not.toContain("vm-admin-entry");
  });

  test("a literal wrapped in a function call is echoed by no output of the command line", () => {
    const dir = tempDir();
    const tf = new TfJson();
    vm(tf, "sens", { admin_password: `\${sensitive("${SECRET[11]}")}` });
    vm(tf, "dec", { admin_password: `\${base64decode("${b64(SECRET[12])}")}` });
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, JSON.stringify(tf.json));
    const report = path.join(dir, "r.json");
    const run = runInProcess(["check", file, "--no-config", "--verbose", "--format", "json", "--json", report]);
    expect(run.code).toBe(1);
    const out = [run.stdout, run.stderr, fs.readFileSync(report, "utf8")].join("\n");
    expect(out).toContain("azurerm_windows_virtual_machine.sens writes a secret as literal values (not shown): admin_password");
    for (const s of [SECRET[11], SECRET[12], b64(SECRET[12])]) expect(out).not.toContain(s);
  });

  test("provider blocks, the state backend and HCP Terraform's cloud block: literal credentials are reported on them and blanked", () => {
    const tf = new TfJson();
    vm(tf, "app");
    tf.json.provider = {
      azurerm: [
        { features: [{}], client_id: "00000000-0000-0000-0000-000000000000", tenant_id: "t", subscription_id: "s", client_secret: SECRET[0], client_certificate_password: SECRET[1] },
        { alias: "west", features: [{}], client_certificate: b64(SECRET[2]) },
        { alias: "fromvar", features: [{}], client_secret: "${var.client_secret}", client_certificate_path: "/etc/sp.pfx" },
      ],
      azuread: { client_secret: `\${sensitive("${SECRET[3]}")}` },
    };
    tf.json.terraform = { backend: { azurerm: { storage_account_name: "tfstate", container_name: "s", key: "k", access_key: SECRET[4], sas_token: `?sv=2022-11-02&sig=${SECRET[5]}` } } };
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual(["provider.azuread", "provider.azurerm", "provider.azurerm.west", "terraform.backend.azurerm"]);
    expect(messages(r, ID).sort()).toEqual([
      "provider.azuread writes a secret as literal values (not shown): client_secret",
      "provider.azurerm writes secrets as literal values (not shown): client_secret; client_certificate_password",
      "provider.azurerm.west writes a secret as literal values (not shown): client_certificate",
      "terraform.backend.azurerm writes secrets as literal values (not shown): access_key; sas_token",
    ]);
    const blanked = collectSecrets(tf.model());
    for (const s of [SECRET[0], SECRET[1], b64(SECRET[2]), SECRET[3], SECRET[4], SECRET[5]]) expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
    // HCP Terraform's token (terraform { cloud { token = ... } }), in a configuration written as HCL turns into JSON (blocks as lists).
    const cloud = check({ terraform: [{ cloud: [{ organization: "contoso", token: SECRET[6] }] }], resource: {} }, [ID]);
    expect(messages(cloud, ID)).toEqual(["terraform.cloud writes a secret as literal values (not shown): token"]);
  });

  test("expressions with braces or lists of their own (review s13): references are no literal, a list's string is one, file() is could-not-verify wherever it stands", () => {
    const tf = new TfJson();
    tf.add("random_password", "p", { length: 24 });
    const secret = (name: string, value: string) => tf.add("azurerm_key_vault_secret", name, { name, key_vault_id: "/x/kv", value });
    // Before: a JSON credential bundle built from references was taken whole for a literal (an error on ordinary configurations).
    secret("bundle", "${jsonencode({user = \"app\", password = random_password.p.result})}");
    tf.json.output = { db: { value: "${jsonencode({host = azurerm_key_vault_secret.bundle.id, password = random_password.p.result})}", sensitive: true } };
    // Before: a string in a one-element list was read as an index, so nothing was written: a silent pass.
    const hcl = (v: string) => JSON.stringify(v);
    const joined = secret("joined", `\${join("", [${hcl(SECRET[9])}])}`);
    const one = secret("one", `\${one([${hcl(SECRET[10])}])}`);
    // Before: file() after a brace was missed, so its call was taken for a literal.
    const fromFile = secret("fromfile", "${jsonencode({pw = file(\"pw.txt\")})}");
    const formatted = secret("formatted", "${format(\"{%s}\", file(\"pw.txt\"))}");
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([joined, one].sort());
    expect(unverifiedAt(r, ID)).toEqual([formatted, fromFile].sort());
    const blanked = collectSecrets(tf.model());
    for (const s of [SECRET[9], SECRET[10]]) {
      expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
      expect(JSON.stringify(r.findings)).not.toContain(s);
    }
  });

  test("a secret field holding a template the checks cannot read is could-not-verify naming the field; templates of references only pass (raw Terraform JSON)", () => {
    const secret = (value: string) => ({ name: "s", key_vault_id: "/x/kv", value });
    const app = (settings: Record<string, string>) => ({
      name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/plan", site_config: [{}], app_settings: settings,
    });
    const raw = {
      variable: { pw: { type: "string", sensitive: true } },
      resource: {
        azurerm_key_vault_secret: {
          // Before: each was "not a literal", a silent pass, though the checks could not tell what it writes.
          unclosed: secret(`\${sensitive("${SECRET[0]}")`),
          quote: secret(`\${sensitive("${SECRET[1]})}`),
          paren: secret(`\${sensitive(trimspace("${SECRET[16]}")}`),
          heredoc: secret(`\${trimspace(<<EOT\n${SECRET[2]}\nEOT\n)}`),
          escape: secret(`\${sensitive("${SECRET[3]}\\q")}`),
          directive: secret(`%{ if var.prod }\${var.pw}%{ else }${SECRET[4]}%{ endif }`),
          // Before: a template nested in a string was not read, so a literal in it passed; read now, it is one.
          nested: secret(`\${sensitive("${SECRET[5]}-\${"x"}")}`),
          // References only, however written: not written here.
          refs_nested: secret('${upper("${var.pw}")}'),
          refs_list: secret('${join("", ["${var.pw}", "${data.azurerm_key_vault_secret.s.value}"])}'),
          refs_directive: secret("%{ if var.prod }${var.pw}%{ else }${data.azurerm_key_vault_secret.s.value}%{ endif }"),
          refs_resource: secret('${sensitive("${random_password.p.result}")}'),
          // An ordinary field is not a secret field: an expression there that cannot be read is no doubt of this rule.
          ordinary: { name: "o", key_vault_id: "/x/kv", value: "${var.pw}", content_type: '${upper("x)}' },
        },
        azurerm_linux_web_app: {
          // A secret-named app setting that cannot be read, beside a literal one: one finding naming both.
          both: app({ DB_PASSWORD: `\${sensitive("${SECRET[6]}")`, API_TOKEN: SECRET[7] }),
        },
        random_password: { p: { length: 24 } },
      },
    };
    const r = check(raw, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_key_vault_secret.nested", "azurerm_linux_web_app.both"]);
    const unreadable = "holds an interpolation the checks cannot read (unbalanced braces, brackets, parentheses or quotes, a heredoc or an unknown escape)";
    expect(unverifiedAt(r, ID)).toEqual(["escape", "heredoc", "paren", "quote", "unclosed", "directive"].map((n) => `azurerm_key_vault_secret.${n}`).sort());
    expect(messages(r, ID).sort()).toEqual([
      "azurerm_key_vault_secret.nested writes a secret as literal values (not shown): value",
      `azurerm_linux_web_app.both writes a secret as literal values (not shown): app_settings.API_TOKEN; also could not read app_settings.DB_PASSWORD ${unreadable}`,
      "could not verify: azurerm_key_vault_secret.directive: value holds a template directive (%{...}) the checks do not evaluate, around text written in it, so literal secrets in it could not be ruled out",
      ...["escape", "heredoc", "paren", "quote", "unclosed"].map((n) => `could not verify: azurerm_key_vault_secret.${n}: value ${unreadable}, so literal secrets in it could not be ruled out`),
    ].sort());
    expect(JSON.stringify(r.findings)).not.toMatch(/Pl4nted/);
    // The literal of a nested template is blanked like any other written in an expression.
    expect(collectSecrets(TfJson.fromJson(raw).model()).some((b) => b.includes(SECRET[5]))).toBe(true);
  });

  test("a plan (terraform show -json): literal credentials of provider configurations and root outputs are reported and blanked; references are not", () => {
    const plan = planJson([]) as { configuration: Record<string, any> };
    plan.configuration.provider_config = {
      "azurerm": { name: "azurerm", full_name: "registry.terraform.io/hashicorp/azurerm", expressions: { features: [{}], client_id: { constant_value: "c" }, client_secret: { constant_value: SECRET[7] } } },
      "azurerm.west": { name: "azurerm", alias: "west", expressions: { client_secret: { references: ["var.client_secret"] } } },
    };
    plan.configuration.root_module.outputs = {
      db_password: { expression: { constant_value: SECRET[8] } },
      pip: { expression: { references: ["azurerm_public_ip.a.ip_address", "azurerm_public_ip.a"] } },
    };
    const model = planModel(plan);
    const r = runRules(model, [findRule(ID)!]);
    // Before: a plan's model held no provider or output block, so neither was read.
    expect(flagged(r, ID)).toEqual(["output.db_password", "provider.azurerm"]);
    const blanked = collectSecrets(model);
    for (const s of [SECRET[7], SECRET[8]]) {
      expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
      expect(JSON.stringify(r.findings)).not.toContain(s);
    }
  });

  test("a plan: child modules' outputs (configuration.root_module.module_calls.<name>.module.outputs, recursively) are read, addressed by their module", () => {
    const plan = planJson([]) as { configuration: Record<string, any> };
    const module = (outputs: Record<string, unknown>, calls: Record<string, unknown> = {}) => ({ outputs, resources: [], module_calls: calls });
    plan.configuration.root_module.outputs = { id: { expression: { references: ["module.net.vnet_id", "module.net"] } } };
    plan.configuration.root_module.module_calls = {
      net: {
        source: "./net",
        expressions: {},
        module: module(
          {
            vpn_password: { expression: { constant_value: SECRET[13] } },
            db: { expression: { constant_value: `Server=tcp:db.database.windows.net;Password=${SECRET[14]};` } },
            from_var: { expression: { references: ["var.pw"] }, sensitive: true },
            vnet_id: { expression: { references: ["azurerm_virtual_network.v.id", "azurerm_virtual_network.v"] } },
          },
          { vault: { source: "./vault", expressions: {}, module: module({ token: { expression: { constant_value: SECRET[15] }, sensitive: true } }) } },
        ),
      },
      plain: { source: "./plain", expressions: {}, module: module({ name: { expression: { constant_value: "plain" } } }) },
    };
    const model = planModel(plan);
    const r = runRules(model, [findRule(ID)!]);
    // Before: only the root module's outputs were read, so none of these was.
    expect(flagged(r, ID)).toEqual(["module.net.module.vault.output.token", "module.net.output.db", "module.net.output.vpn_password"]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    const blanked = collectSecrets(model);
    for (const s of [SECRET[13], SECRET[14], SECRET[15]]) {
      expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
      expect(JSON.stringify(r.findings)).not.toContain(s);
    }
  });

  test("net user passwords and a variable assigned a literal then given to ConvertTo-SecureString (scripts, provisioner commands and inline lines)", () => {
    const tf = new TfJson();
    const host = vm(tf, "app");
    const settings = (commandToExecute: string) => ({ settings: JSON.stringify({ commandToExecute }) });
    const netUser = extension(tf, "netuser", host, settings(`net user admin ${SECRET[0]} /add`));
    const netUserHcl = extension(tf, "netuserhcl", host, { settings: `\${jsonencode({commandToExecute = "cmd /c net user admin ${SECRET[1]} /add /y"})}` });
    const psVar = extension(tf, "psvar", host, settings(`powershell -Command "$p = '${SECRET[2]}'; New-LocalUser -Name svc -Password (ConvertTo-SecureString $p -AsPlainText -Force)"`));
    // Not literals: a prompt (*), options only, placeholders and variables; a variable assigned from the environment.
    extension(tf, "netok", host, settings("net user admin * /add & net user guest /active:no & net user svc %SVC_PW% /add & net user"));
    extension(tf, "psok", host, settings("powershell -Command \"$p = $env:PW; $q = 'unrelated-text'; $s = ConvertTo-SecureString $p -AsPlainText -Force; net user svc $p /add\""));
    const prov = vm(tf, "prov", {
      provisioner: [
        { "local-exec": { command: `powershell -Command Set-LocalUser -Name a -Password (ConvertTo-SecureString '${SECRET[3]}' -AsPlainText -Force)` } },
        { "remote-exec": { inline: ["echo hi", `net user svc ${SECRET[4]} /add`] } },
      ],
    });
    vm(tf, "provok", { provisioner: [{ "local-exec": { command: "echo ${self.name}" } }] });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([netUser, netUserHcl, psVar, prov].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${netUserHcl} writes a secret as literal values (not shown): settings (a net user password)`,
      `${netUser} writes a secret as literal values (not shown): settings.commandToExecute (a net user password)`,
      `${prov} writes secrets as literal values (not shown): provisioner[0].local-exec.command (ConvertTo-SecureString of a literal string); `
        + "provisioner[1].remote-exec.inline[1] (a net user password)",
      `${psVar} writes a secret as literal values (not shown): settings.commandToExecute (ConvertTo-SecureString of a variable assigned a literal)`,
    ].sort());
    const blanked = collectSecrets(tf.model());
    for (const s of SECRET.slice(0, 5)) expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
    for (const plain of ["unrelated-text", "/add", "/active:no"]) expect([plain, blanked.includes(plain)]).toEqual([plain, false]);
  });

  test("values declared or named secret (API Management named values, Automation variables, App Configuration keys) and outputs", () => {
    const tf = new TfJson();
    const nv = tf.add("azurerm_api_management_named_value", "nv", { name: "nv", resource_group_name: "rg", api_management_name: "apim", display_name: "dbpw", secret: true, value: SECRET[0] });
    tf.add("azurerm_api_management_named_value", "plain", { name: "plain", resource_group_name: "rg", api_management_name: "apim", display_name: "url", secret: false, value: "https://backend.example.com" });
    tf.add("azurerm_api_management_named_value", "kv", { name: "kv", resource_group_name: "rg", api_management_name: "apim", display_name: "kv", secret: true, value_from_key_vault: [{ secret_id: "https://kv.vault.azure.net/secrets/x" }] });
    const av = tf.add("azurerm_automation_variable_string", "v", { name: "dbpw", resource_group_name: "rg", automation_account_name: "aa", encrypted: true, value: SECRET[1] });
    tf.add("azurerm_automation_variable_string", "region", { name: "region", resource_group_name: "rg", automation_account_name: "aa", encrypted: false, value: "westeurope" });
    tf.add("azurerm_automation_variable_string", "fromvar", { name: "pw", resource_group_name: "rg", automation_account_name: "aa", encrypted: true, value: "${var.pw}" });
    // Named like a secret, a value is one whatever its flag: an App Configuration key (its key names it), an unencrypted variable, a named value.
    const appKey = tf.add("azurerm_app_configuration_key", "k", { configuration_store_id: "/x/st", key: "Db:Password", value: SECRET[5] });
    tf.add("azurerm_app_configuration_key", "host", { configuration_store_id: "/x/st", key: "Db:Host", value: "db.example.com" });
    tf.add("azurerm_app_configuration_key", "ref", { configuration_store_id: "/x/st", key: "Db:Password2", type: "vault", vault_key_reference: "https://kv.vault.azure.net/secrets/db" });
    const named = tf.add("azurerm_automation_variable_string", "named", { name: "sql_admin_password", resource_group_name: "rg", automation_account_name: "aa", value: SECRET[6] });
    const display = tf.add("azurerm_api_management_named_value", "display", { name: "d", resource_group_name: "rg", api_management_name: "apim", display_name: "backend-api-key", value: SECRET[7] });
    tf.json.output = {
      db_password: { value: SECRET[2] },
      marked: { value: SECRET[3], sensitive: true },
      conn: { value: `Server=tcp:db;Database=d;User ID=u;Password=${SECRET[4]}` },
      region: { value: "westeurope" },
      fromres: { value: "${azurerm_automation_variable_string.v.value}", sensitive: true },
    };
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([nv, av, appKey, named, display, "output.conn", "output.db_password", "output.marked"].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${display} writes a secret as literal values (not shown): value`,
      `${nv} writes a secret as literal values (not shown): value`,
      `${appKey} writes a secret as literal values (not shown): value`,
      `${named} writes a secret as literal values (not shown): value`,
      `${av} writes a secret as literal values (not shown): value`,
      "output.conn writes a secret as literal values (not shown): value (a Password= value)",
      "output.db_password writes a secret as literal values (not shown): value",
      "output.marked writes a secret as literal values (not shown): value",
    ]);
    const blanked = collectSecrets(tf.model());
    for (const s of SECRET.slice(0, 8)) expect([s, blanked.some((b) => b.includes(s))]).toEqual([s, true]);
    for (const plain of ["westeurope", "https://backend.example.com", "db.example.com"]) expect([plain, blanked.includes(plain)]).toEqual([plain, false]);
  });

  test("a literal Key Vault secret value is reported on the secret, not again on the VM that uses it", () => {
    const tf = new TfJson();
    const secret = tf.add("azurerm_key_vault_secret", "pw", { name: "admin", key_vault_id: "/x/kv", value: SECRET[2] });
    vm(tf, "app", { admin_password: TfJson.ref(secret, "value") });
    const wo = tf.add("azurerm_key_vault_secret", "wo", { name: "wo", key_vault_id: "/x/kv", value_wo: SECRET[3], value_wo_version: 1 });
    tf.add("azurerm_key_vault_secret", "ok", { name: "ok", key_vault_id: "/x/kv", value_wo: "${var.secret}", value_wo_version: 1 });
    expect(flagged(check(tf, [ID]), ID)).toEqual([secret, wo].sort());
  });

  test("extension settings: secret-named keys, -Password and /p: arguments, ConvertTo-SecureString, -EncodedCommand, SAS URLs; protected settings from variables pass", () => {
    const tf = new TfJson();
    const host = vm(tf, "app");
    const key = extension(tf, "key", host, { settings: JSON.stringify({ fileUris: [], Password: SECRET[4] }) });
    const arg = extension(tf, "arg", host, { settings: JSON.stringify({ commandToExecute: `powershell -File join.ps1 -DomainPassword ${SECRET[5]}` }) });
    const slash = extension(tf, "slash", host, { settings: JSON.stringify({ commandToExecute: `netdom join %COMPUTERNAME% /d:corp /ud:corp\\join /passwordd:${SECRET[6]}` }) });
    const encoded = extension(tf, "encoded", host, { settings: JSON.stringify({ commandToExecute: `powershell -EncodedCommand ${utf16b64(`$p = ConvertTo-SecureString '${SECRET[7]}' -AsPlainText -Force`)}` }) });
    const sas = extension(tf, "sas", host, { settings: JSON.stringify({ fileUris: [`https://sa.blob.core.windows.net/c/s.ps1?sv=2022-11-02&sr=b&sig=${SECRET[8]}AbCdEf%2B`] }) });
    const prot = extension(tf, "prot", host, { protected_settings: JSON.stringify({ Password: SECRET[9] }) });
    extension(tf, "fine", host, {
      settings: JSON.stringify({ commandToExecute: "powershell -File join.ps1 -DomainPassword $env:JOIN_PW -PasswordNeverExpires:$true" }),
      protected_settings: "${jsonencode({ Password = var.join_password })}",
    });
    extension(tf, "fine2", host, { settings: JSON.stringify({ Name: "corp.example.com", User: "corp\\join", Restart: "true", Options: "3" }), protected_settings: JSON.stringify({ Password: "${var.join_password}" }) });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([key, arg, slash, encoded, sas, prot].sort());
    const m = messages(r, ID).join("\n");
    expect(m).toContain(`${key} writes a secret as literal values (not shown): settings.Password`);
    expect(m).toContain("settings.commandToExecute (a -DomainPassword argument)");
    expect(m).toContain("settings.commandToExecute (a /passwordd: argument)");
    expect(m).toContain("settings.commandToExecute (ConvertTo-SecureString of a literal string)");
    expect(m).toContain("settings.fileUris[0] (a SAS signature (sig=))");
    expect(m).toContain(`${prot} writes a secret as literal values (not shown): protected_settings.Password`);
  });

  test("the redactor leaves the rule's own words alone: an unquoted (subexpression) after -Password is PowerShell syntax, not a value", () => {
    const tf = new TfJson();
    const host = vm(tf, "app");
    const direct = extension(tf, "direct", host, { settings: JSON.stringify({ commandToExecute: `powershell -Command "New-LocalUser -Name svc -Password (ConvertTo-SecureString '${SECRET[0]}' -AsPlainText -Force)"` }) });
    const assigned = extension(tf, "assigned", host, { settings: JSON.stringify({ commandToExecute: `powershell -Command "$p = ConvertTo-SecureString -String '${SECRET[1]}' -AsPlainText -Force"` }) });
    const model = tf.model();
    expect(collectSecrets(model).filter((s) => s.includes("ConvertTo-SecureString"))).toEqual([]);
    const r = redactSecrets(check(tf, [ID]), model);
    expect(messages(r, ID).sort()).toEqual([
      `${assigned} writes a secret as literal values (not shown): settings.commandToExecute (ConvertTo-SecureString of a literal string)`,
      `${direct} writes a secret as literal values (not shown): settings.commandToExecute (ConvertTo-SecureString of a literal string)`,
    ]);
    expect(JSON.stringify(r)).not.toContain(SECRET[0]);
    expect(JSON.stringify(r)).not.toContain(SECRET[1]);
  });

  test("scale set extensions: settings and protected_settings of extension blocks and of the scale set extension resource are read as JSON", () => {
    const tf = new TfJson();
    const join = (pw: string) => JSON.stringify({ commandToExecute: `powershell -Command Add-Computer -DomainName corp.example.com -Credential (New-Object PSCredential('corp\\join', (ConvertTo-SecureString '${pw}' -AsPlainText -Force)))` });
    const ext = (settings: Body) => ({ name: "join", publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10", ...settings });
    const ss = (type: string, name: string, extensions: Body[]) => tf.add(type, name, {
      name, location: "westeurope", resource_group_name: "rg", sku: "Standard_B2s", instances: 1, admin_username: "azureuser", admin_password: "${var.admin_password}",
      network_interface: [{ name: "n", primary: true, ip_configuration: [{ name: "i", primary: true, subnet_id: "/x/subnets/s" }] }],
      os_disk: [{ caching: "ReadWrite", storage_account_type: "Standard_LRS" }], extension: extensions,
    });
    const win = ss("azurerm_windows_virtual_machine_scale_set", "win", [ext({ settings: join(SECRET[0]) })]);
    const lin = ss("azurerm_linux_virtual_machine_scale_set", "lin", [ext({ settings: "{}" }), ext({ protected_settings: JSON.stringify({ Password: SECRET[1] }) })]);
    const orch = ss("azurerm_orchestrated_virtual_machine_scale_set", "orch", [ext({ settings: join(SECRET[2]) })]);
    ss("azurerm_windows_virtual_machine_scale_set", "clean", [ext({ settings: JSON.stringify({ commandToExecute: "powershell -File join.ps1" }), protected_settings: "${jsonencode({ Password = var.join_password })}" })]);
    const res = tf.add("azurerm_virtual_machine_scale_set_extension", "res", { virtual_machine_scale_set_id: "/x/vmss", ...ext({ settings: join(SECRET[3]) }) });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([lin, orch, res, win].sort());
    expect(messages(r, ID).sort()).toEqual([
      `${lin} writes a secret as literal values (not shown): extension[1].protected_settings.Password`,
      `${orch} writes a secret as literal values (not shown): extension.settings.commandToExecute (ConvertTo-SecureString of a literal string)`,
      `${res} writes a secret as literal values (not shown): settings.commandToExecute (ConvertTo-SecureString of a literal string)`,
      `${win} writes a secret as literal values (not shown): extension.settings.commandToExecute (ConvertTo-SecureString of a literal string)`,
    ].sort());
    const all = JSON.stringify(r);
    for (const s of SECRET.slice(0, 4)) expect(all).not.toContain(s);
  });

  test("HCL written inside an expression (jsonencode) is read too", () => {
    const tf = new TfJson();
    const ext = extension(tf, "hcl", vm(tf, "app"), { protected_settings: `\${jsonencode({ "Password" = "${SECRET[10]}" })}` });
    expect(flagged(check(tf, [ID]), ID)).toEqual([ext]);
  });

  test("custom_data and user_data are base64-decoded and read; a file() the checks do not open is could-not-verify", () => {
    const tf = new TfJson();
    const unattend = vm(tf, "unattend", { custom_data: b64(`<unattend><UserAccounts><AdministratorPassword><Value>${SECRET[11]}</Value><PlainText>true</PlainText></AdministratorPassword></UserAccounts></unattend>`) });
    const cloud = vm(tf, "cloud", { user_data: b64(`#cloud-config\nchpasswd:\n  expire: false\nusers:\n  - name: ops\n    plain_text_passwd: ${SECRET[12]}\n`) });
    const pem = vm(tf, "pem", { custom_data: b64(`-----BEGIN RSA PRIVATE KEY-----\n${SECRET[13]}\n-----END RSA PRIVATE KEY-----\n`) });
    vm(tf, "clean", { custom_data: b64("#cloud-config\npackage_upgrade: true\n") });
    const file = vm(tf, "file", { custom_data: '${filebase64("init.ps1")}' });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([cloud, pem, unattend].sort());
    expect(messages(r, ID).join("\n")).toMatch(/custom_data \(an unattend <AdministratorPassword> value, base64-decoded\)/);
    expect(unverifiedAt(r, ID)).toEqual([file]);
    expect(messages(r, ID).join("\n")).toMatch(/custom_data is read by filebase64\(\) from a file the checks do not open/);
  });

  test("a secret-named field or a whole secret read from a file is could-not-verify, as the rationale says", () => {
    const tf = new TfJson();
    const admin = vm(tf, "fromfile", { admin_password: '${file("secrets/admin.txt")}' });
    const kv = tf.add("azurerm_key_vault_secret", "s", { name: "s", key_vault_id: "/x/kv", value: '${file("secrets/db.txt")}' });
    const tmpl = tf.add("azurerm_key_vault_secret", "t", { name: "t", key_vault_id: "/x/kv", value: '${templatefile("secrets/db.tpl", { env = "prod" })}' });
    const param = tf.add("azurerm_virtual_machine_run_command", "rc", {
      name: "rc", location: "westeurope", virtual_machine_id: TfJson.ref(vm(tf, "host")), source: { script: "Write-Output ok" },
      parameter: [{ name: "JoinPassword", value: '${file("join.txt")}' }],
    });
    vm(tf, "fromvar", { admin_password: "${var.admin_password}" });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([admin, kv, param, tmpl].sort());
    expect(messages(r, ID).sort()).toEqual([
      `could not verify: ${admin}: admin_password is read by file() from a file the checks do not open, so literal secrets in it could not be ruled out`,
      `could not verify: ${kv}: value is read by file() from a file the checks do not open, so literal secrets in it could not be ruled out`,
      `could not verify: ${param}: parameter["JoinPassword"] is read by file() from a file the checks do not open, so literal secrets in it could not be ruled out`,
      `could not verify: ${tmpl}: value is read by templatefile() from a file the checks do not open, so literal secrets in it could not be ruled out`,
    ].sort());
  });

  test("unattend content and run command scripts and parameters are read", () => {
    const tf = new TfJson();
    const host = vm(tf, "ua", { additional_unattend_content: [{ setting: "AutoLogon", content: `<AutoLogon><Password><Value>${SECRET[14]}</Value></Password><Enabled>true</Enabled></AutoLogon>` }] });
    const rc = tf.add("azurerm_virtual_machine_run_command", "rc", {
      name: "rc", location: "westeurope", virtual_machine_id: TfJson.ref(host),
      source: { script: `Set-CMDistributionPoint -SiteSystemServerName dp01 -PxePassword (ConvertTo-SecureString "${SECRET[15]}" -AsPlainText -Force)` },
      parameter: [{ name: "Site", value: "P01" }, { name: "NaaPassword", value: SECRET[16] }],
      protected_parameter: [{ name: "OtherPassword", value: "${var.other}" }],
    });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([rc, host].sort());
    expect(messages(r, ID).join("\n")).toContain('parameter["NaaPassword"]');
  });

  test("tags: secret-looking names with values are flagged; contract settings with allowed values are not", () => {
    const tf = new TfJson();
    const a = vm(tf, "a", { tags: { "db-password": SECRET[17], "owner": "ops" } });
    vm(tf, "b", { tags: { "sdz-pxe-password-required": "true", "sdz-oob-mebx-custom-password": "true", "db-password": "" } });
    const c = vm(tf, "c", { tags: { "sdz-oob-mebx-custom-password": SECRET[18] } });
    vm(tf, "d", { tags: { "api-token": "${var.token}" } });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([a, c].sort());
    expect(messages(r, ID).join("\n")).toMatch(/tags\["db-password"\][\s\S]*tags\["sdz-oob-mebx-custom-password"\]/);
  });

  test("tags: a name that ends like a secret is one, a name that merely contains a secret word is not; the key is printed as written (raw Terraform JSON)", () => {
    const rg = (tags: Record<string, string>) => ({ name: "rg", location: "westeurope", tags });
    const raw = {
      resource: {
        azurerm_resource_group: {
          // Before: each was an error (a "contains" test: secret, password, key-, credential, token anywhere in the name).
          ordinary: rg({ "SecretRotation": "quarterly", "PasswordPolicy": "domain-default", "key-vault": "kv-contoso", "credential-owner": "platform-team", "TokenLifetime": "8h" }),
          // Names that end like a secret, with literal values: still errors, named as written (before: lower-cased).
          secrets: rg({ "AdminPassword": SECRET[0], "sql-password": SECRET[1], "apiToken": SECRET[2], "client_secret": SECRET[3], "SecretRotation": "quarterly" }),
          // The secret word followed by a qualifier (an environment, a number, `Value`): still a secret (review s14 F4).
          qualified: rg({ "sql-password-prod": SECRET[4], "AdminPassword2": SECRET[5], "SecretValue": SECRET[6], "ApiToken_Primary": SECRET[7], "PasswordPolicyProd": "strict" }),
        },
      },
    };
    const r = check(raw, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_resource_group.qualified", "azurerm_resource_group.secrets"]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID)).toEqual([
      'azurerm_resource_group.secrets writes secrets as literal values (not shown): tags["AdminPassword"]; tags["sql-password"]; tags["apiToken"]; tags["client_secret"]',
      'azurerm_resource_group.qualified writes secrets as literal values (not shown): tags["sql-password-prod"]; tags["AdminPassword2"]; tags["SecretValue"]; tags["ApiToken_Primary"]',
    ]);
    expect(JSON.stringify(r.findings)).not.toMatch(/Pl4nted/);
    // Redaction is unchanged: the output redactor still blanks every value under a secret-looking tag name.
    const blanked = collectSecrets(TfJson.fromJson(raw).model());
    for (const s of SECRET.slice(0, 4)) expect([s, blanked.includes(s)]).toEqual([s, true]);
  });

  test("certificate contents and passwords, app settings, container secrets", () => {
    const tf = new TfJson();
    const cert = tf.add("azurerm_key_vault_certificate", "imported", { name: "c", key_vault_id: "/x/kv", certificate: { contents: b64(SECRET[19]), password: SECRET[20] } });
    const fromFile = tf.add("azurerm_key_vault_certificate", "fromfile", { name: "f", key_vault_id: "/x/kv", certificate: { contents: '${filebase64("c.pfx")}', password: "${var.pfx_password}" } });
    const app = tf.add("azurerm_linux_web_app", "app", { name: "app", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/plan", site_config: {}, app_settings: { DB_PASSWORD: SECRET[21], KV_REF: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)", LOG_LEVEL: "info" } });
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual([cert, app].sort());
    expect(unverifiedAt(r, ID)).toEqual([fromFile]);
    expect(messages(r, ID).join("\n")).toContain(`${cert} writes secrets as literal values (not shown): certificate.contents; certificate.password`);
    expect(messages(r, ID).join("\n")).toContain(`${app} writes a secret as literal values (not shown): app_settings.DB_PASSWORD`);
  });

  test("preshared keys of VPN connections are SDZ-VPN-008's, not reported twice", () => {
    const tf = new TfJson();
    tf.add("azurerm_virtual_network_gateway_connection", "c", { name: "c", location: "westeurope", resource_group_name: "rg", type: "IPsec", virtual_network_gateway_id: "/x/gw", local_network_gateway_id: "/x/lng", shared_key: SECRET[22] });
    const r = check(tf, [ID, "SDZ-VPN-008"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual(["SDZ-VPN-008 azurerm_virtual_network_gateway_connection.c"]);
    // SDZ-VPN-008 not in the check: this rule reports the key (review s14 F7: it was reported by none).
    const alone = check(tf, [ID]);
    expect(alone.findings.map((f) => `${f.ruleId} ${f.address} ${f.status}`)).toEqual([`${ID} azurerm_virtual_network_gateway_connection.c fail`]);
    expect(JSON.stringify(alone.findings)).not.toContain(SECRET[22]);
  });

  test("preshared keys the VPN pack does not read (Virtual WAN connection links) are this rule's", () => {
    const tf = new TfJson();
    const vwan = tf.add("azurerm_vpn_gateway_connection", "branch", {
      name: "branch", vpn_gateway_id: "/x/vpngw", remote_vpn_site_id: "/x/site",
      vpn_link: [{ name: "link1", vpn_site_link_id: "/x/site/link1", shared_key: SECRET[22] }, { name: "link2", vpn_site_link_id: "/x/site/link2", shared_key: "${var.link2_key}" }],
    });
    const r = check(tf, [ID, "SDZ-VPN-008"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual([`${ID} ${vwan}`]);
    expect(messages(r, ID)).toEqual([`${vwan} writes a secret as literal values (not shown): vpn_link[0].shared_key`]);
  });

  test("variables named like secrets must be sensitive and have no default", () => {
    const tf = new TfJson();
    tf.json.variable = {
      admin_password: { type: "string", sensitive: true },
      vpn_shared_key: { type: "string" },
      sql_password: { type: "string", sensitive: true, default: SECRET[23] },
      api_token: { type: "string", default: "" },
      password_length: { type: "number", default: 24 },
      key_vault_name: { type: "string", default: "kv-prod" },
    };
    const r = check(tf, [ID]);
    expect(flagged(r, ID)).toEqual(["var.api_token", "var.sql_password", "var.vpn_shared_key"]);
    expect(messages(r, ID)).toEqual([
      "variable vpn_shared_key holds a secret by its name, but it is not marked sensitive = true, so its value shows in plan output and logs",
      "variable sql_password holds a secret by its name, but it has a default value (not shown), which writes the secret in the configuration",
      "variable api_token holds a secret by its name, but it is not marked sensitive = true, so its value shows in plan output and logs",
    ]);
  });
});

describe("secret echo: no planted secret ever appears in any finding of any rule", () => {
  test("the tag inventory shows a secret-bearing sdz-* tag only when its value is one its type allows, and no other secret-named tag", () => {
    const tf = new TfJson();
    vm(tf, "a", { tags: { "sdz-oob-mebx-custom-password": "true", "sdz-pxe-password-required": "false", "sdz-zone": "servers" } });
    vm(tf, "b", { tags: { "sdz-oob-mebx-custom-password": SECRET[0], "db-password": SECRET[1] } });
    const r = check(tf, [ID]);
    expect(r.inventory).toEqual({
      "azurerm_windows_virtual_machine.a": { "sdz-oob-mebx-custom-password": "true", "sdz-pxe-password-required": "false", "sdz-zone": "servers" },
      "azurerm_windows_virtual_machine.b": { "sdz-oob-mebx-custom-password": HIDDEN_VALUE },
    });
  });

  test("every secret above, in one configuration, checked by every rule", () => {
    const tf = new TfJson();
    tf.json.locals = { pw: SECRET[0] };
    tf.json.variable = { sql_password: { type: "string", sensitive: true, default: SECRET[23] }, admin_password: { type: "string", sensitive: true } };
    const roles = { "sdz-role": "kms-host,domain-controller,oob-service-point,pxe-distribution-point" };
    const host = vm(tf, "app", {
      admin_password: SECRET[1], custom_data: b64(`<AdministratorPassword><Value>${SECRET[11]}</Value></AdministratorPassword>`), user_data: b64(`password: ${SECRET[12]}`),
      tags: { ...roles, "db-password": SECRET[17], "sdz-oob-mebx-custom-password": SECRET[18] },
    });
    vm(tf, "app2", { admin_password: "${local.pw}" });
    extension(tf, "ext", host, {
      settings: JSON.stringify({ Password: SECRET[4], commandToExecute: `x -Password ${SECRET[5]} /p:${SECRET[6]} -EncodedCommand ${utf16b64(`ConvertTo-SecureString '${SECRET[7]}' -AsPlainText`)}`, fileUris: [`https://a/b?sig=${SECRET[8]}`] }),
      protected_settings: JSON.stringify({ Password: SECRET[9] }),
    });
    tf.add("azurerm_key_vault_secret", "s", { name: "s", key_vault_id: "/x/kv", value: SECRET[2], value_wo: SECRET[3] });
    tf.add("azurerm_key_vault_certificate", "c", { name: "c", key_vault_id: "/x/kv", certificate: { contents: b64(SECRET[19]), password: SECRET[20] } });
    tf.add("azurerm_linux_web_app", "w", { name: "w", location: "westeurope", resource_group_name: "rg", service_plan_id: "/x/p", site_config: {}, app_settings: { DB_PASSWORD: SECRET[21] } });
    tf.add("azurerm_virtual_network_gateway_connection", "vpn", { name: "vpn", location: "westeurope", resource_group_name: "rg", type: "IPsec", virtual_network_gateway_id: "/x/gw", local_network_gateway_id: "/x/lng", shared_key: SECRET[22] });
    tf.add("azurerm_virtual_machine_run_command", "rc", { name: "rc", location: "westeurope", virtual_machine_id: TfJson.ref(host), source: { script: `-PxePassword ${SECRET[15]}` }, parameter: [{ name: "NaaPassword", value: SECRET[16] }] });

    const r = check(tf); // every rule of every pack
    expect(flagged(r, ID)).toEqual([
      "azurerm_key_vault_certificate.c", "azurerm_key_vault_secret.s", "azurerm_linux_web_app.w", "azurerm_virtual_machine_extension.ext",
      "azurerm_virtual_machine_run_command.rc", "azurerm_windows_virtual_machine.app", "azurerm_windows_virtual_machine.app2", "var.sql_password",
    ]);
    expect(flagged(r, "SDZ-VPN-008")).toEqual(["azurerm_virtual_network_gateway_connection.vpn"]);
    // Every rule of every pack is held to it (the out-of-band pack's MEBx tag echo is gone since its rewrite).
    const everything = JSON.stringify(r);
    for (const s of SECRET) {
      for (const form of [s, b64(s), utf16b64(s), s.slice(0, 12)]) {
        const at = everything.indexOf(form);
        expect([form, at < 0 ? "" : everything.slice(Math.max(0, at - 300), at + 40)]).toEqual([form, ""]);
      }
    }
    expect(r.rules.length).toBe(ALL_RULES.length);
  });
});
