import { TerraformVariable, Token } from "cdktf";
import { SecureWindowsServer, serverProps } from "../../src/compute/secure-windows-server";
import { DeploymentRole } from "../../src/contract/zone-tags";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { errorOf } from "../support/construct-errors";
import { newStack, synthJson } from "../support/fixtures";

function env() {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
  const zone = new DeploymentZone(stack, "Zone", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const password = SensitiveValue.fromVariable(new TerraformVariable(stack, "pw", { type: "string", sensitive: true }));
  return { stack, zone, password };
}

describe("SecureWindowsServer", () => {
  test("one NIC with a static IP, no public IP, forwarding off; Trusted Launch, encryption at host, platform patching", () => {
    const e = env();
    new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password, roles: [DeploymentRole.KMS_HOST] });
    const json = synthJson(e.stack);
    const [nic] = Object.values<any>(json.resource.azurerm_network_interface);
    const [vm] = Object.values<any>(json.resource.azurerm_windows_virtual_machine);
    expect(nic.ip_forwarding_enabled).toBe(false);
    expect(nic.ip_configuration).toEqual([expect.objectContaining({ private_ip_address_allocation: "Static", private_ip_address: "10.0.1.10", primary: true })]);
    expect(nic.ip_configuration[0].public_ip_address_id).toBeUndefined();
    expect(vm).toMatchObject({
      secure_boot_enabled: true, vtpm_enabled: true, encryption_at_host_enabled: true,
      patch_mode: "AutomaticByPlatform", boot_diagnostics: {}, identity: { type: "SystemAssigned" },
      tags: { "sdz-role": "kms-host" },
    });
    expect(vm.network_interface_ids).toHaveLength(1);
    expect(vm.admin_password).toMatch(/^\$\{var\./);
  });

  test.each([
    ["serverName", { serverName: "this-name-is-too-long" }, /serverName/],
    ["serverName", { serverName: "12345" }, /serverName/],
    ["adminUsername", { adminUsername: "Administrator" }, /adminUsername.*not a reserved name such as administrator/],
    ["privateIpAddress outside the zone", { privateIpAddress: "10.0.2.10" }, /privateIpAddress.*"10\.0\.2\.10".*inside zone servers/],
    ["privateIpAddress reserved by Azure", { privateIpAddress: "10.0.1.3" }, /privateIpAddress.*reserve/],
    ["privateIpAddress broadcast", { privateIpAddress: "10.0.1.255" }, /privateIpAddress/],
    ["privateIpAddress as a CIDR", { privateIpAddress: "10.0.1.10/32" }, /privateIpAddress/],
  ])("refuses a bad %s, naming it", (_, override, message) => {
    const e = env();
    expect(() => new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password, ...override }))
      .toThrow(message);
  });

  test("refuses a password that is not a SensitiveValue, without echoing it", () => {
    const e = env();
    expect(() => new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: "P@ssw0rd-in-code" as any }))
      .toThrow(/adminPassword: <secret, not shown>.*SensitiveValue/);
    expect(() => SensitiveValue.fromToken("P@ssw0rd-in-code", "literal")).toThrow(/literal secrets are refused/);
    expect(() => SensitiveValue.fromVariable(new TerraformVariable(e.stack, "plain", { type: "string" }))).toThrow(/sensitive: true/);
  });

  test("addSettingsScript: one Custom Script Extension, the script readable (encoded) in public settings, nothing in protected settings", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    srv.addSettingsScript("harden", "Set-SmbServerConfiguration -EncryptData $true -Force\nif (-not (Get-SmbServerConfiguration).EncryptData) { throw 'x' }");
    const exts = Object.values<any>(synthJson(e.stack).resource.azurerm_virtual_machine_extension);
    expect(exts).toHaveLength(1);
    expect(exts[0]).toMatchObject({ name: "sdz-windows-settings", type: "CustomScriptExtension", publisher: "Microsoft.Compute" });
    expect(exts[0].protected_settings).toBeUndefined();
    const script = decode(exts[0]);
    expect(script).toContain("$ErrorActionPreference = 'Stop'");
    expect(script).toContain("# part: harden\n& {\nSet-SmbServerConfiguration -EncryptData $true -Force\nif (-not (Get-SmbServerConfiguration).EncryptData) { throw 'x' }\n}");
  });

  test("refuses a bad or duplicate part name, an empty script and a script holding a token, naming the construct and the prop", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    expect(() => srv.addSettingsScript("bad name!", "x")).toThrow(/Srv.*name.*"bad name!".*letters, digits/);
    srv.addSettingsScript("one", "Write-Output 1");
    expect(() => srv.addSettingsScript("ONE", "Write-Output 2")).toThrow(/Srv.*name.*"ONE".*not used yet.*one/);
    expect(() => srv.addSettingsScript("two", "  ")).toThrow(/Srv.*script.*PowerShell text/);
    const secret = new TerraformVariable(e.stack, "secret", { type: "string", sensitive: true });
    expect(() => srv.addSettingsScript("three", `$p = '${secret.stringValue}'`)).toThrow(/Srv.*script.*literal PowerShell text/);
    expect(srv.settingsScriptParts).toEqual(["one"]);
  });

  test("refuses parts whose command would exceed the Windows command-line limit", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    srv.addSettingsScript("small", "Write-Output 1");
    expect(() => srv.addSettingsScript("huge", "#".repeat(4000))).toThrow(/Srv.*script.*8191/);
    // The refused part is not kept: the server runs what it ran before, and the name stays free.
    expect(srv.settingsScriptParts).toEqual(["small"]);
    srv.addSettingsScript("huge", "Write-Output 2");
    expect(srv.settingsScriptParts).toEqual(["small", "huge"]);
  });

  test("any combination of features on one VM gives exactly one extension, running every part in order, waiting for every dependency", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    const other = new SecureWindowsServer(e.stack, "Other", { zone: e.zone, serverName: "app02", privateIpAddress: "10.0.1.11", adminUsername: "opsadmin", adminPassword: e.password });
    const parts = ["kms-hardening", "smp-smb-hardening", "oob-provisioning-firewall"];
    // The same dependency named twice is waited for once.
    const returned = parts.map((p, i) => srv.addSettingsScript(p, `Write-Output ${i}`, i >= 1 ? [other.networkInterface] : undefined));
    srv.addPowerShellExtension("legacy-caller", "Write-Output legacy");
    other.addSettingsScript("kms-hardening", "Write-Output other");
    expect(new Set(returned).size).toBe(1);
    const exts = Object.values<any>(synthJson(e.stack).resource.azurerm_virtual_machine_extension);
    expect(exts.map((x) => /azurerm_windows_virtual_machine\.(\w+?)_Vm_/.exec(x.virtual_machine_id)![1]).sort()).toEqual(["Other", "Srv"]);
    const mine = exts.find((x) => x.virtual_machine_id.includes("Srv_"));
    const script = decode(mine);
    const order = [...parts, "legacy-caller"].map((p) => script.indexOf(`# part: ${p}`));
    expect(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]))).toBe(true);
    expect(mine.depends_on).toEqual([expect.stringMatching(/^azurerm_network_interface\.Other_Nic_\w+$/)]);
    expect(srv.settingsScriptParts).toEqual([...parts, "legacy-caller"]);
  });
});

function decode(ext: any): string {
  const command = JSON.parse(ext.settings).commandToExecute as string;
  return Buffer.from(command.split("-EncodedCommand ")[1], "base64").toString("utf16le");
}

describe("serverProps (how service constructs build their server)", () => {
  test("passes the user's options through, and the construct's setting tags win over the user's tags", () => {
    const e = env();
    const props = serverProps(
      { serverName: "dp01", privateIpAddress: "10.0.1.11", adminUsername: "opsadmin", adminPassword: e.password, size: "Standard_D4s_v5", availabilityZone: "2", tags: { "owner": "osd-team", "sdz-pxe-multicast": "true" } },
      e.zone, [DeploymentRole.PXE_DISTRIBUTION_POINT], { "sdz-pxe-multicast": "false" },
    );
    expect(props).toMatchObject({ zone: e.zone, serverName: "dp01", size: "Standard_D4s_v5", availabilityZone: "2", roles: ["pxe-distribution-point"] });
    expect(props.tags).toEqual({ "owner": "osd-team", "sdz-pxe-multicast": "false" });
    expect(Token.isUnresolved(props.adminPassword.value)).toBe(true);
  });
});

describe("settingsAudit (Machine Configuration)", () => {
  const HASH = "a".repeat(64);

  test("adds the guest configuration extension and an Audit assignment of SdzWindowsHardening on a VM with a system-assigned identity", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", {
      zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password,
      settingsAudit: { contentUri: "https://pkgs.blob.core.windows.net/gc/SdzWindowsHardening.zip", contentHash: HASH },
    });
    srv.addSettingsScript("one", "Write-Output 1");
    const json = synthJson(e.stack);
    const exts = Object.values<any>(json.resource.azurerm_virtual_machine_extension);
    expect(exts.map((x) => `${x.publisher}/${x.type}`).sort()).toEqual(["Microsoft.Compute/CustomScriptExtension", "Microsoft.GuestConfiguration/ConfigurationforWindows"]);
    expect(exts.find((x) => x.publisher === "Microsoft.GuestConfiguration")).toMatchObject({ name: "AzurePolicyforWindows", type_handler_version: "1.0", automatic_upgrade_enabled: true });
    const [assignment] = Object.values<any>(json.resource.azurerm_policy_virtual_machine_configuration_assignment);
    expect(assignment).toMatchObject({
      name: "SdzWindowsHardening", location: "westeurope",
      configuration: { assignment_type: "Audit", content_uri: "https://pkgs.blob.core.windows.net/gc/SdzWindowsHardening.zip", content_hash: HASH.toUpperCase(), version: "1.0.0" },
    });
    expect(assignment.virtual_machine_id).toMatch(/^\$\{azurerm_windows_virtual_machine\.Srv_Vm_\w+\.id\}$/);
    expect(assignment.depends_on).toEqual([expect.stringMatching(/azurerm_virtual_machine_extension\.Srv_GuestConfigurationExtension_/)]);
    const [vm] = Object.values<any>(json.resource.azurerm_windows_virtual_machine);
    expect(vm.identity).toEqual({ type: "SystemAssigned" });
  });

  test("without settingsAudit there is no assignment and no guest configuration extension", () => {
    const e = env();
    new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    const json = synthJson(e.stack);
    expect(json.resource.azurerm_policy_virtual_machine_configuration_assignment).toBeUndefined();
    expect(json.resource.azurerm_virtual_machine_extension).toBeUndefined();
  });

  test.each([
    ["contentUri", { contentUri: "http://x/p.zip?sig=SECRETSAS", contentHash: HASH }, /Srv.*settingsAudit\.contentUri.*\?<query not shown>.*https:\/\//],
    ["contentHash", { contentUri: "https://x/p.zip", contentHash: "abc" }, /Srv.*settingsAudit\.contentHash.*"abc".*64 hexadecimal/],
    ["version", { contentUri: "https://x/p.zip", contentHash: HASH, version: "v1" }, /Srv.*settingsAudit\.version.*"v1".*1\.0\.0/],
  ])("refuses a bad %s at construction, naming the construct, the prop, the value and what is allowed", (_, settingsAudit, message) => {
    const e = env();
    const build = () => new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password, settingsAudit });
    let error: Error | undefined;
    try {
      build();
    } catch (x) {
      error = x as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/SECRETSAS/);
  });
});

describe("collectSecurityEvents (R-SEC-8)", () => {
  function twoServers() {
    const e = env();
    const a = new SecureWindowsServer(e.stack, "A", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    const b = new SecureWindowsServer(e.stack, "B", { zone: e.zone, serverName: "app02", privateIpAddress: "10.0.1.11", adminUsername: "opsadmin", adminPassword: e.password });
    return { ...e, a, b };
  }

  test("Azure Monitor agent per server, one data collection rule per network for the Security log, one association per server, a default workspace", () => {
    const e = twoServers();
    expect(e.a.collectSecurityEvents()).toBe(true);
    expect(e.b.collectSecurityEvents({})).toBe(true);
    expect(e.a.collectSecurityEvents()).toBe(true);
    const json = synthJson(e.stack);
    const agents = Object.values<any>(json.resource.azurerm_virtual_machine_extension);
    expect(agents.map((x) => [x.publisher, x.type, x.type_handler_version, x.automatic_upgrade_enabled])).toEqual([
      ["Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "1.0", true], ["Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "1.0", true],
    ]);
    const rules = Object.entries<any>(json.resource.azurerm_monitor_data_collection_rule);
    expect(rules).toHaveLength(1);
    const [ruleName, rule] = rules[0];
    expect(rule.data_sources.windows_event_log).toEqual([{ name: "security-log", streams: ["Microsoft-SecurityEvent"], x_path_queries: ["Security!*"] }]);
    expect(rule.data_flow).toEqual([{ streams: ["Microsoft-SecurityEvent"], destinations: ["security-workspace"] }]);
    const [workspaceName, workspace] = Object.entries<any>(json.resource.azurerm_log_analytics_workspace)[0];
    expect(workspace).toMatchObject({ name: "vnet-security", retention_in_days: 90 });
    expect(rule.destinations.log_analytics).toEqual([{ name: "security-workspace", workspace_resource_id: `\${azurerm_log_analytics_workspace.${workspaceName}.id}` }]);
    const associations = Object.values<any>(json.resource.azurerm_monitor_data_collection_rule_association);
    expect(associations.map((x) => x.data_collection_rule_id)).toEqual([`\${azurerm_monitor_data_collection_rule.${ruleName}.id}`, `\${azurerm_monitor_data_collection_rule.${ruleName}.id}`]);
    expect(associations.map((x) => /windows_virtual_machine\.(\w)_Vm_/.exec(x.target_resource_id)![1]).sort()).toEqual(["A", "B"]);
  });

  test("a named workspace, no default one; a second workspace in the same network is refused; enabled: false collects nothing", () => {
    const e = twoServers();
    const ws = "/subscriptions/0/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc";
    e.a.collectSecurityEvents({ workspaceResourceId: ws });
    expect(() => e.b.collectSecurityEvents({})).toThrow(/B.*securityEventLog\.workspaceResourceId.*default workspace.*one data collection rule per network/);
    expect(e.b.collectSecurityEvents({ enabled: false })).toBe(false);
    const json = synthJson(e.stack);
    expect(json.resource.azurerm_log_analytics_workspace).toBeUndefined();
    const [rule] = Object.values<any>(json.resource.azurerm_monitor_data_collection_rule);
    expect(rule.destinations.log_analytics[0].workspace_resource_id).toBe(ws);
    expect(Object.keys(json.resource.azurerm_virtual_machine_extension)).toHaveLength(1);
    expect(() => e.b.collectSecurityEvents({ workspaceResourceId: "soc" })).toThrow(/B.*securityEventLog\.workspaceResourceId.*"soc"/);
  });
});

describe("the default workspace's name, <network name>-security (case 06)", () => {
  function serverIn(networkName: string) {
    const { stack } = newStack();
    const network = new DeploymentNetwork(stack, "Net", { name: networkName, location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
    const zone = new DeploymentZone(stack, "Zone", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
    const password = SensitiveValue.fromVariable(new TerraformVariable(stack, "pw", { type: "string", sensitive: true }));
    const server = new SecureWindowsServer(stack, "S", { zone, serverName: "srv01", privateIpAddress: "10.0.1.4", adminUsername: "opsadmin", adminPassword: password });
    return { stack, network, server };
  }

  test.each([
    ["osd_site.vnet", "osd_site.vnet-security"],
    ["a".repeat(55), `${"a".repeat(55)}-security`],
  ])("a valid network name %s whose workspace name Azure refuses: refused, naming the server, the prop and the name; nothing is built", (networkName, derived) => {
    const { stack, network, server } = serverIn(networkName);
    const e = errorOf(() => server.collectSecurityEvents());
    expect({ path: e.constructPath, prop: e.prop, value: e.valueText }).toEqual({ path: "test/S", prop: "securityEventLog.workspaceResourceId", value: "\"(default workspace)\"" });
    expect(e.allowed).toBe(`the resource ID of an existing Log Analytics workspace, or enabled: false: the default workspace would be named "${derived}" after network ${networkName}, `
      + "which is not a Log Analytics workspace name of 4-63 characters: letters, digits and '-', starting and ending with a letter or digit "
      + "(a network name of at most 54 letters, digits and '-' gives a valid one)");
    expect(network.node.tryFindChild("SecurityEvents")).toBeUndefined();
    expect(server.monitorAgentExtension).toBeUndefined();
    // A named workspace works in the same network.
    expect(server.collectSecurityEvents({ workspaceResourceId: "/subscriptions/0/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc" })).toBe(true);
    expect(synthJson(stack).resource.azurerm_log_analytics_workspace).toBeUndefined();
  });

  test("the longest valid network name (54 characters) keeps its workspace", () => {
    const { stack, server } = serverIn("a".repeat(54));
    expect(server.collectSecurityEvents()).toBe(true);
    expect(Object.values<any>(synthJson(stack).resource.azurerm_log_analytics_workspace).map((w) => w.name)).toEqual([`${"a".repeat(54)}-security`]);
  });
});

describe("a refused server gives back what it claimed", () => {
  test("refused for an address another server holds (after its name was claimed): the corrected server with the same name is accepted, under the same id", () => {
    const e = env();
    new SecureWindowsServer(e.stack, "First", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    const props = { zone: e.zone, serverName: "app02", adminUsername: "opsadmin", adminPassword: e.password };
    expect(() => new SecureWindowsServer(e.stack, "Second", { ...props, privateIpAddress: "10.0.1.10" })).toThrow(/privateIpAddress/);
    // Before: "Invalid serverName: app02 ... already used by test/Second" (its own refused attempt), or a duplicate construct id.
    expect(e.stack.node.tryFindChild("Second")).toBeUndefined();
    new SecureWindowsServer(e.stack, "Second", { ...props, privateIpAddress: "10.0.1.11" });
    const vms = Object.values<any>(synthJson(e.stack).resource.azurerm_windows_virtual_machine).map((vm) => vm.name).sort();
    expect(vms).toEqual(["app01", "app02"]);
  });
});
