import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { ManagementZone } from "../../src/oob/management-zone";
import { OutOfBandServicePoint, OutOfBandServicePointProps } from "../../src/oob/out-of-band-service-point";
import { ALL_RULES } from "../../src/rules";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

const THUMB = "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678";

function setup(stack: TerraformStack) {
  const network = new DeploymentNetwork(stack, "N", { name: "osd-vnet", location: "westeurope", addressSpace: ["10.40.0.0/16"] });
  const management = new ManagementZone(stack, "Mgmt", { network, addressPrefix: "10.40.9.0/24" });
  const clients = new DeploymentZone(stack, "Clients", { network, zoneName: "clients", addressPrefix: "10.40.20.0/24", trustLevel: TrustLevel.INTERNAL });
  const secret = (name: string) => SensitiveValue.fromVariable(new TerraformVariable(stack, name, { type: "string", sensitive: true }));
  const props: OutOfBandServicePointProps = {
    zone: management,
    serverName: "oobsp01",
    privateIpAddress: "10.40.9.10",
    adminUsername: "osdadmin",
    adminPassword: secret("admin_password"),
    amtSettings: { mebxPassword: secret("mebx_password"), internalCaThumbprint: THUMB, provisioningServer: "10.40.9.10", provisioningPort: 9972 },
    amtClientZones: [clients],
    keyVaultName: "oob-kv-01",
    deploymentRunners: [Peer.ipv4("192.168.1.20/32")],
    tenantId: "11111111-2222-3333-4444-555555555555",
    provisioningCertificate: { name: "amt-provisioning", subject: "CN=oobsp01.corp.example.com", renewalContacts: ["pki@corp.example.com"] },
  };
  return { network, management, clients, props };
}

/** The PowerShell of the service point's Windows Firewall extension. */
function firewallScriptOf(json: any): string {
  // The firewall part runs in the server's one settings extension (public settings).
  const ext = Object.values<any>(json.resource.azurerm_virtual_machine_extension).find((e) => e.name === "sdz-windows-settings");
  const script = Buffer.from(/EncodedCommand (\S+)"/.exec(ext.settings)![1], "base64").toString("utf16le");
  return /# part: oob-provisioning-firewall\n& \{\n([\s\S]*?)\n\}\n/.exec(script)![1];
}

function rulesOf(json: any, nsgName: string): any[] {
  const nsg = Object.entries(json.resource.azurerm_network_security_group).find(([, v]: any) => v.name === nsgName)![0];
  return (Object.values(json.resource.azurerm_network_security_rule) as any[]).filter((r) => r.network_security_group_name === `\${azurerm_network_security_group.${nsg}.name}`);
}

describe("ManagementZone", () => {
  test("is a zone with trust MANAGEMENT", () => {
    const { stack } = newStack();
    const { management } = setup(stack);
    expect(management.trustLevel).toBe(TrustLevel.MANAGEMENT);
    const nsg = Object.values(synthJson(stack).resource.azurerm_network_security_group).find((n: any) => n.name === "management-nsg") as any;
    expect(nsg.tags).toMatchObject({ "sdz-zone": "management", "sdz-trust": "MANAGEMENT" });
  });
});

describe("OutOfBandServicePoint", () => {
  test("AMT ports on client zones open from the service point only; the provisioning ports are denied when provisioning is off", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", props);
    const json = synthJson(stack);
    const clientAllows = rulesOf(json, "clients-nsg").filter((r) => r.access === "Allow" && r.destination_port_range === "16992-16995");
    expect(clientAllows).toHaveLength(1);
    expect(clientAllows[0]).toMatchObject({ direction: "Inbound", protocol: "Tcp", source_address_prefix: "10.40.9.10/32", destination_address_prefix: "10.40.20.0/24" });
    const mgmt = rulesOf(json, "management-nsg");
    const denies = mgmt.filter((r) => r.access === "Deny" && r.direction === "Inbound" && r.priority < 4096);
    expect(denies.map((r) => [r.destination_port_range, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["9971", "*", "10.40.9.10/32"],
      ["9972", "*", "10.40.9.10/32"],
    ]);
    expect(mgmt.filter((r) => r.access === "Allow" && ["9971", "9972"].includes(r.destination_port_range))).toEqual([]);
    const script = firewallScriptOf(json);
    expect(script).toContain("-LocalPort 9972 -Action Block");
    expect(script).toContain("-LocalPort 9971 -Action Block");
  });

  test("with provisioning enabled, only the AMT client segments reach the custom provisioning port on the service point", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, outOfBandProvisioning: true });
    const json = synthJson(stack);
    const mgmt = rulesOf(json, "management-nsg");
    const allow = mgmt.filter((r) => r.access === "Allow" && r.destination_port_range === "9972");
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ direction: "Inbound", source_address_prefix: "10.40.20.0/24", destination_address_prefix: "10.40.9.10/32" });
    expect(mgmt.filter((r) => r.destination_port_range === "9971" && r.access === "Allow")).toEqual([]);
    const vm = Object.values(json.resource.azurerm_windows_virtual_machine)[0] as any;
    expect(vm.tags).toMatchObject({ "sdz-oob-provisioning": "enabled", "sdz-oob-amt-client-prefixes": "10.40.20.0/24" });
  });

  test("records the AMT firmware settings as tags, never the MEBx password", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", props);
    const json = synthJson(stack);
    const vm = Object.values(json.resource.azurerm_windows_virtual_machine)[0] as any;
    expect(vm.tags).toEqual(expect.objectContaining({
      "sdz-role": "oob-service-point",
      "sdz-oob-provisioning": "disabled",
      "sdz-oob-provisioning-port": "9972",
      "sdz-oob-provisioning-server": "10.40.9.10",
      "sdz-oob-ca-thumbprint": THUMB,
      "sdz-oob-mebx-custom-password": "true",
    }));
    const text = JSON.stringify(json);
    expect(text.match(/var\.mebx_password/g)).toHaveLength(1);
    const secret = Object.values(json.resource.azurerm_key_vault_secret)[0] as any;
    expect(secret.value_wo).toBe("${var.mebx_password}");
    expect(secret.value).toBeUndefined();
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(JSON.stringify(result)).not.toContain("mebx_password");
    expect(result.inventory[Object.keys(json.resource.azurerm_windows_virtual_machine).map((k) => `azurerm_windows_virtual_machine.${k}`)[0]])
      .toMatchObject({ "sdz-oob-ca-thumbprint": THUMB });
  });

  test("the provisioning certificate is a CSR for the internal CA (issuer Unknown), non-exportable, with a reminder to the contacts 60 days before expiry, in a private, purge-protected Key Vault", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", props);
    const json = synthJson(stack);
    const kv = Object.values(json.resource.azurerm_key_vault)[0] as any;
    expect(kv).toMatchObject({ purge_protection_enabled: true, public_network_access_enabled: false, rbac_authorization_enabled: true, network_acls: { default_action: "Deny", bypass: "None" } });
    const cert = Object.values(json.resource.azurerm_key_vault_certificate)[0] as any;
    expect(cert.tags["sdz-oob-provisioning-certificate"]).toBe("true");
    expect(cert.certificate_policy.issuer_parameters.name).toBe("Unknown");
    expect(cert.certificate_policy.key_properties.exportable).toBe(false);
    expect(cert.certificate_policy.lifetime_action).toEqual([{ action: { action_type: "EmailContacts" }, trigger: { days_before_expiry: 60 } }]);
    const [contactsKey, contacts] = Object.entries<any>(json.resource.azurerm_key_vault_certificate_contacts)[0];
    expect(contacts.contact).toEqual([{ email: "pki@corp.example.com" }]);
    expect(cert.depends_on).toContain(`azurerm_key_vault_certificate_contacts.${contactsKey}`);
    expect(cert.certificate_policy.x509_certificate_properties.extended_key_usage).toContain("2.16.840.1.113741.1.2.3");
    const pe = Object.values(json.resource.azurerm_private_endpoint)[0] as any;
    expect(pe.private_service_connection.subresource_names).toEqual(["vault"]);
    // Non-exportable: nothing installs it from the vault, and no DNS record (in-band provisioning).
    expect(sp.certificateInstaller).toBeUndefined();
    // The settings script and the Azure Monitor agent (security events, R-SEC-8); no Key Vault extension.
    expect(Object.values<any>(json.resource.azurerm_virtual_machine_extension).map((e) => e.type).sort()).toEqual(["AzureMonitorWindowsAgent", "CustomScriptExtension"]);
    expect(json.resource.azurerm_private_dns_a_record).toBeUndefined();
    // The rules see a certificate signed outside Key Vault (declared, info) with a key that stays in the vault.
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => ["SDZ-OOB-004", "SDZ-OOB-010", "SDZ-OOB-011"].includes(f.ruleId)).map((f) => `${f.ruleId} ${f.level} ${f.status}`))
      .toEqual(["SDZ-OOB-010 info fail"]);
  });

  test("keyExportable: the Key Vault VM extension installs the certificate non-exportable into LocalMachine\\My, over the managed identity", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", { ...props, provisioningCertificate: { ...props.provisioningCertificate, keyExportable: true } });
    const json = synthJson(stack);
    const [certKey, cert] = Object.entries<any>(json.resource.azurerm_key_vault_certificate)[0];
    expect(cert.certificate_policy.key_properties.exportable).toBe(true);
    const ext = Object.values<any>(json.resource.azurerm_virtual_machine_extension).find((e) => e.type === "KeyVaultForWindows");
    expect(ext).toMatchObject({ publisher: "Microsoft.Azure.KeyVault", type_handler_version: "3.0" });
    expect(JSON.parse(ext.settings).secretsManagementSettings.observedCertificates).toEqual([{
      url: `\${azurerm_key_vault_certificate.${certKey}.versionless_secret_id}`, certificateStoreName: "MY", certificateStoreLocation: "LocalMachine", keyExportable: false,
    }]);
    expect(ext.protected_settings).toBeUndefined();
    expect(sp.certificateInstaller).toBeDefined();
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => f.ruleId === "SDZ-OOB-011").map((f) => `${f.ruleId} ${f.level} ${f.status}`)).toEqual(["SDZ-OOB-011 warning fail"]);
  });

  test("issuer Self renews automatically and needs no contacts", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, provisioningCertificate: { name: "amt-provisioning", subject: "CN=oobsp01.corp.example.com", issuerName: "Self" } });
    const json = synthJson(stack);
    const cert = Object.values(json.resource.azurerm_key_vault_certificate)[0] as any;
    expect(cert.certificate_policy.issuer_parameters.name).toBe("Self");
    expect(cert.certificate_policy.lifetime_action).toEqual([{ action: { action_type: "AutoRenew" }, trigger: { days_before_expiry: 60 } }]);
    expect(json.resource.azurerm_key_vault_certificate_contacts).toBeUndefined();
  });

  test("out-of-band provisioning by name: an A record of the name to the service point, locked ReadOnly", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", {
      ...props, outOfBandProvisioning: true,
      amtSettings: { ...props.amtSettings, provisioningServer: "oobprov.corp.example.com" },
      provisioningDnsZone: { zoneName: "corp.example.com", resourceGroupName: "dns-rg" },
    });
    const json = synthJson(stack);
    const [recordKey, record] = Object.entries<any>(json.resource.azurerm_private_dns_a_record)[0];
    expect(record).toMatchObject({ name: "oobprov", zone_name: "corp.example.com", resource_group_name: "dns-rg", ttl: 300, records: ["10.40.9.10"] });
    const lock = Object.values<any>(json.resource.azurerm_management_lock)[0];
    expect(lock).toMatchObject({ lock_level: "ReadOnly", scope: `\${azurerm_private_dns_a_record.${recordKey}.id}` });
    expect(sp.provisioningRecord).toBeDefined();
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => ["SDZ-OOB-007", "SDZ-OOB-008", "SDZ-OOB-009"].includes(f.ruleId))).toEqual([]);
  });

  test("the Windows Firewall script removes the rules of earlier runs, recreates the declared ones and reads them back", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", props);
    const lines = firewallScriptOf(synthJson(stack)).trim().split("\n");
    expect(lines[0]).toBe("$ErrorActionPreference = 'Stop'");
    expect(lines[1]).toBe("Get-NetFirewallRule -ErrorAction SilentlyContinue | Where-Object { $_.Name -like 'SDZ-*AMT-Provisioning*' } | Remove-NetFirewallRule");
    // Every rule it creates matches the removal pattern (a re-run, or a switch of provisioning mode, leaves no stale rule).
    const created = lines.filter((l) => l.startsWith("New-NetFirewallRule")).map((l) => /-Name '([^']+)'/.exec(l)![1]);
    expect(created).toEqual(["SDZ-Block-AMT-Provisioning-9972", "SDZ-Block-AMT-Provisioning-9971"]);
    for (const name of created) {
      expect(/^SDZ-.*AMT-Provisioning/.test(name)).toBe(true);
      expect(lines.some((l) => l.includes(`throw "Windows Firewall rule ${name} was not applied as declared"`))).toBe(true);
    }
  });

  test("an IDE-redirection location with SMB encryption is recorded and reached over TCP 445 only", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, ideRedirectionImageLocation: { uncPath: "\\\\st.file.core.windows.net\\ide", privateEndpointPrefix: "10.40.9.50/32", smbEncryptionRequired: true } });
    const json = synthJson(stack);
    const vm = Object.values(json.resource.azurerm_windows_virtual_machine)[0] as any;
    expect(vm.tags).toMatchObject({ "sdz-oob-ide-image-location": "\\\\st.file.core.windows.net\\ide", "sdz-oob-ide-image-smb-encryption": "true" });
    const out = rulesOf(json, "management-nsg").filter((r) => r.direction === "Outbound" && r.destination_port_range === "445");
    expect(out.map((r) => [r.source_address_prefix, r.destination_address_prefix])).toEqual([["10.40.9.10/32", "10.40.9.50/32"]]);
  });

  test("HTTPS from the service point's /32 to the Key Vault private endpoint's static /32 is opened, nothing wider", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", { ...props, keyVaultPrivateIpAddress: "10.40.9.20" });
    const json = synthJson(stack);
    const pe = Object.values(json.resource.azurerm_private_endpoint)[0] as any;
    expect(pe.ip_configuration).toEqual([{ name: "vault", private_ip_address: "10.40.9.20", subresource_name: "vault", member_name: "default" }]);
    const https = rulesOf(json, "management-nsg").filter((r) => r.destination_port_range === "443");
    expect(https.map((r) => [r.direction, r.access, r.protocol, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Inbound", "Allow", "Tcp", "10.40.9.10/32", "10.40.9.20/32"],
      ["Inbound", "Allow", "Tcp", "192.168.1.20/32", "10.40.9.20/32"], // the runner of terraform apply
      ["Outbound", "Allow", "Tcp", "10.40.9.10/32", "10.40.9.20/32"],
    ]);
    expect(https.every((r) => r.priority < 4096 && r.source_port_range === "*")).toBe(true);
    expect(sp.networkRules).toContain(sp.keyVaultAccessRule);
    // Ordered before the zone's deny-all, so the flow really gets through.
    const inbound = https.find((r) => r.direction === "Inbound" && r.source_address_prefix === "10.40.9.10/32")!;
    expect(inbound.priority).toBeLessThan(rulesOf(json, "management-nsg").find((r) => r.name === "deny-all-inbound")!.priority);
  });

  test("the runner of terraform apply reaches the vault's private endpoint: HTTPS from each named runner to the endpoint's /32, before the deny-all; the vault stays private", () => {
    const { stack } = newStack();
    const { props, network } = setup(stack);
    const build = new DeploymentZone(stack, "Build", { network, zoneName: "build", addressPrefix: "10.40.30.0/24", trustLevel: TrustLevel.MANAGEMENT, denyAllOutbound: true });
    new OutOfBandServicePoint(stack, "Oob", {
      ...props, keyVaultPrivateIpAddress: "10.40.9.20",
      deploymentRunners: [Peer.ipv4List(["192.168.1.20/32", "10.40.30.7/32"]), Peer.zone(build)],
    });
    const json = synthJson(stack);
    const mgmt = rulesOf(json, "management-nsg");
    const https = mgmt.filter((r) => r.destination_port_range === "443" && r.direction === "Inbound");
    expect(https.map((r) => [r.access, r.protocol, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Allow", "Tcp", "10.40.30.0/24", "10.40.9.20/32"],
      ["Allow", "Tcp", "10.40.30.7/32", "10.40.9.20/32"],
      ["Allow", "Tcp", "10.40.9.10/32", "10.40.9.20/32"],
      ["Allow", "Tcp", "192.168.1.20/32", "10.40.9.20/32"],
    ]);
    const denyAll = mgmt.find((r) => r.name === "deny-all-inbound")!.priority;
    expect(https.every((r) => r.priority < denyAll)).toBe(true);
    // The build zone denies outbound: its side of both runner flows is opened too, to the endpoint only.
    const out = rulesOf(json, "build-nsg").filter((r) => r.direction === "Outbound" && r.destination_port_range === "443");
    expect(out.map((r) => [r.access, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Allow", "10.40.30.0/24", "10.40.9.20/32"],
      ["Allow", "10.40.30.7/32", "10.40.9.20/32"],
    ]);
    const kv = Object.values<any>(json.resource.azurerm_key_vault)[0];
    expect(kv).toMatchObject({ public_network_access_enabled: false, network_acls: { default_action: "Deny", bypass: "None" } });
    expect(kv.network_acls.ip_rules).toBeUndefined();
  });

  test("a runner CIDR inside a zone that denies outbound and is built after the service point fails synth: its outbound rule was never opened", () => {
    const { stack } = newStack();
    const { props, network } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, keyVaultPrivateIpAddress: "10.40.9.20", deploymentRunners: [Peer.ipv4("10.40.30.7/32")] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    new DeploymentZone(stack, "Build", { network, zoneName: "build", addressPrefix: "10.40.30.0/24", trustLevel: TrustLevel.MANAGEMENT, denyAllOutbound: true });
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/Oob\] Invalid deploymentRunners\[0\]: "10\.40\.30\.7\/32"\. .*lies in zone build \(10\.40\.30\.0\/24\), which denies all outbound traffic and was built after this construct/);
  });

  test("the identity running Terraform gets Key Vault Certificates Officer on the vault and Key Vault Secrets Officer on the MEBx secret only; the data-plane writes wait for them", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, provisioningCertificate: { ...props.provisioningCertificate, keyExportable: true } });
    const json = synthJson(stack);
    const [vault] = Object.keys(json.resource.azurerm_key_vault);
    const [config] = Object.keys(json.data.azurerm_client_config);
    const deployer = `\${data.azurerm_client_config.${config}.object_id}`;
    const assignments = Object.entries<any>(json.resource.azurerm_role_assignment);
    expect(assignments.map(([, a]) => [a.role_definition_name, a.scope, a.principal_id]).sort()).toEqual([
      ["Key Vault Certificates Officer", `\${azurerm_key_vault.${vault}.id}`, deployer],
      ["Key Vault Secrets Officer", `\${azurerm_key_vault.${vault}.id}/secrets/amt-mebx-password`, deployer],
      ["Key Vault Secrets User", `\${azurerm_key_vault.${vault}.id}`, expect.stringMatching(/^\$\{azurerm_windows_virtual_machine\..*\.identity\[0\]\.principal_id\}$/)],
    ]);
    const keyOf = (role: string) => `azurerm_role_assignment.${assignments.find(([, a]) => a.role_definition_name === role)![0]}`;
    const secret = Object.values<any>(json.resource.azurerm_key_vault_secret)[0];
    expect(secret.name).toBe("amt-mebx-password");
    expect(secret.depends_on).toContain(keyOf("Key Vault Secrets Officer"));
    expect(Object.values<any>(json.resource.azurerm_key_vault_certificate)[0].depends_on).toContain(keyOf("Key Vault Certificates Officer"));
    expect(Object.values<any>(json.resource.azurerm_key_vault_certificate_contacts)[0].depends_on).toContain(keyOf("Key Vault Certificates Officer"));
    // The deployer cannot read the exportable certificate's private key: SDZ-OOB-012 reports nothing.
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => f.ruleId === "SDZ-OOB-012")).toEqual([]);
  });

  test("deployerPrincipalId names the identity running Terraform explicitly", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const id = "99999999-8888-7777-6666-555555555555";
    new OutOfBandServicePoint(stack, "Oob", { ...props, deployerPrincipalId: id });
    const json = synthJson(stack);
    expect(Object.values<any>(json.resource.azurerm_role_assignment).filter((a) => a.principal_id === id).map((a) => a.role_definition_name).sort())
      .toEqual(["Key Vault Certificates Officer", "Key Vault Secrets Officer"]);
  });

  test("the vault's name resolves to its private endpoint: the network's privatelink.vaultcore.azure.net zone, linked to the VNet, in the endpoint's DNS zone group", () => {
    const { stack } = newStack();
    const { props, network } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", props);
    const json = synthJson(stack);
    const zones = Object.entries<any>(json.resource.azurerm_private_dns_zone);
    expect(zones.map(([, z]) => z.name)).toEqual(["privatelink.vaultcore.azure.net"]);
    const [zoneKey] = zones[0];
    expect(sp.keyVaultPrivateDnsZone?.node.scope).toBe(network); // under the network: shared, never moved by a service point
    expect(Object.values<any>(json.resource.azurerm_private_dns_zone_virtual_network_link)).toEqual([expect.objectContaining({
      name: "osd-vnet-vault-link", private_dns_zone_name: `\${azurerm_private_dns_zone.${zoneKey}.name}`, registration_enabled: false,
    })]);
    const pe = Object.values<any>(json.resource.azurerm_private_endpoint)[0];
    expect(pe.private_dns_zone_group).toEqual({ name: "vault", private_dns_zone_ids: [`\${azurerm_private_dns_zone.${zoneKey}.id}`] });
  });

  test("an existing vault DNS zone (a hub's) is used as given and nothing is created", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const id = "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";
    const sp = new OutOfBandServicePoint(stack, "Oob", { ...props, keyVaultPrivateDnsZoneId: id });
    const json = synthJson(stack);
    expect(json.resource.azurerm_private_dns_zone).toBeUndefined();
    expect(sp.keyVaultPrivateDnsZone).toBeUndefined();
    expect(Object.values<any>(json.resource.azurerm_private_endpoint)[0].private_dns_zone_group).toEqual({ name: "vault", private_dns_zone_ids: [id] });
  });

  test("without a static endpoint address, the HTTPS rule targets the address Azure assigns to the endpoint", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", props);
    const json = synthJson(stack);
    const pe = Object.keys(json.resource.azurerm_private_endpoint)[0];
    expect((json.resource.azurerm_private_endpoint[pe] as any).ip_configuration).toBeUndefined();
    const inbound = rulesOf(json, "management-nsg").filter((r) => r.destination_port_range === "443" && r.direction === "Inbound");
    const assigned = `\${azurerm_private_endpoint.${pe}.private_service_connection[0].private_ip_address}`;
    expect(inbound.map((r) => [r.access, r.protocol, r.source_address_prefix, r.destination_address_prefix]).sort()).toEqual([
      ["Allow", "Tcp", "10.40.9.10/32", assigned],
      ["Allow", "Tcp", "192.168.1.20/32", assigned], // the runner of terraform apply
    ]);
  });

  test("on-premises AMT client VLANs: AMT flows leave the service point only towards them; no Azure NSG admits AMT inbound", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    const sp = new OutOfBandServicePoint(stack, "Oob", { ...props, amtClientZones: undefined, amtClients: [Peer.ipv4List(["192.168.10.0/24", "192.168.11.0/24"])] });
    const json = synthJson(stack);
    const all = Object.values(json.resource.azurerm_network_security_rule) as any[];
    const amt = all.filter((r) => r.destination_port_range === "16992-16995");
    expect(amt).toHaveLength(1);
    expect(amt[0]).toMatchObject({
      direction: "Outbound", access: "Allow", protocol: "Tcp", source_address_prefix: "10.40.9.10/32",
      destination_address_prefixes: ["192.168.10.0/24", "192.168.11.0/24"],
    });
    expect(rulesOf(json, "management-nsg")).toContain(amt[0]);
    // Provisioning stays off: still denied on the service point, never allowed from the VLANs.
    expect(all.filter((r) => ["9971", "9972"].includes(r.destination_port_range)).map((r) => r.access)).toEqual(["Deny", "Deny"]);
    const vm = Object.values(json.resource.azurerm_windows_virtual_machine)[0] as any;
    expect(vm.tags["sdz-oob-amt-client-prefixes"]).toBe("192.168.10.0/24,192.168.11.0/24");
    expect(sp.amtClientPrefixes).toEqual(["192.168.10.0/24", "192.168.11.0/24"]);
  });

  test("on-premises AMT clients with provisioning enabled: only they reach the provisioning port, on the service point's /32", () => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, amtClientZones: undefined, amtClients: [Peer.ipv4("192.168.10.0/24"), Peer.ipv4("192.168.11.0/24")], outOfBandProvisioning: true });
    const json = synthJson(stack);
    const prov = rulesOf(json, "management-nsg").filter((r) => r.destination_port_range === "9972");
    expect(prov).toHaveLength(1);
    expect(prov[0]).toMatchObject({ direction: "Inbound", access: "Allow", protocol: "Tcp", source_address_prefixes: ["192.168.10.0/24", "192.168.11.0/24"], destination_address_prefix: "10.40.9.10/32" });
    const script = firewallScriptOf(json);
    expect(script).toContain("-LocalPort 9972 -RemoteAddress '192.168.10.0/24','192.168.11.0/24' -Action Allow");
    const result = runRules(TerraformModel.fromTerraformJson(json), ALL_RULES);
    expect(result.findings.filter((f) => f.ruleId.startsWith("SDZ-OOB")).map((f) => `${f.ruleId} ${f.level} ${f.status}`))
      // SDZ-OOB-003: the firmware settings are declared, not verified (info); SDZ-OOB-010: the internal CA signs the CSR outside the configuration (declared, info).
      .toEqual(["SDZ-OOB-003 info fail", "SDZ-OOB-010 info fail"]);
  });

  test("zones and on-premises segments together: zone peers act like amtClientZones, all segments are recorded", () => {
    const { stack } = newStack();
    const { props, network, clients } = setup(stack);
    const lab = new DeploymentZone(stack, "Lab", { network, zoneName: "lab", addressPrefix: "10.40.21.0/24", trustLevel: TrustLevel.INTERNAL });
    const sp = new OutOfBandServicePoint(stack, "Oob", { ...props, amtClients: [Peer.zone(clients), Peer.ipv4("192.168.10.0/24"), Peer.zone(lab)] });
    const json = synthJson(stack);
    for (const [nsg, prefix] of [["clients-nsg", "10.40.20.0/24"], ["lab-nsg", "10.40.21.0/24"]]) {
      const amtIn = rulesOf(json, nsg).filter((r) => r.destination_port_range === "16992-16995");
      expect(amtIn.map((r) => [r.direction, r.source_address_prefix, r.destination_address_prefix])).toEqual([["Inbound", "10.40.9.10/32", prefix]]);
    }
    const out = rulesOf(json, "management-nsg").filter((r) => r.destination_port_range === "16992-16995");
    expect(out.map((r) => r.destination_address_prefix).sort()).toEqual(["10.40.20.0/24", "10.40.21.0/24", "192.168.10.0/24"]);
    expect(sp.amtClientPrefixes).toEqual(["10.40.20.0/24", "10.40.21.0/24", "192.168.10.0/24"]);
    const vm = Object.values(json.resource.azurerm_windows_virtual_machine)[0] as any;
    expect(vm.tags["sdz-oob-amt-client-prefixes"]).toBe("10.40.20.0/24,10.40.21.0/24,192.168.10.0/24");
  });

  test.each<[string, (p: OutOfBandServicePointProps, s: TerraformStack) => OutOfBandServicePointProps, RegExp]>([
    ["no client at all", (p) => ({ ...p, amtClientZones: undefined }), /Invalid amtClientZones: \[\]\. Allowed: a non-empty list .* or the AMT client segments .* in amtClients/],
    ["an empty amtClients list", (p) => ({ ...p, amtClients: [] }), /Invalid amtClients: \[\]/],
    ["any as AMT client", (p) => ({ ...p, amtClients: [Peer.anyIpv4()] }), /Invalid amtClients\[0\]: "any"\. Allowed: specific addresses/],
    ["a service tag as AMT client", (p) => ({ ...p, amtClients: [Peer.ipv4("192.168.10.0/24"), Peer.serviceTag("VirtualNetwork")] }), /Invalid amtClients\[1\]: "VirtualNetwork"/],
    ["0.0.0.0/0 as AMT client", (p) => ({ ...p, amtClients: [Peer.ipv4("0.0.0.0/0")] }), /Invalid amtClients\[0\]: "0\.0\.0\.0\/0"\. Allowed: .*never 0\.0\.0\.0\/0/],
    ["a CIDR inside the VNet", (p) => ({ ...p, amtClients: [Peer.ipv4("10.40.30.0/24")] }), /Invalid amtClients\[0\]: "10\.40\.30\.0\/24"\. Allowed: on-premises CIDRs outside the VNet address space \(10\.40\.30\.0\/24 overlaps 10\.40\.0\.0\/16\); for an Azure zone pass Peer\.zone/],
    ["the management zone as a peer", (p) => ({ ...p, amtClients: [Peer.zone(p.zone)] }), /Invalid amtClients\[0\]: "management"\. Allowed: a client zone other than the management zone/],
    ["a CIDR in another network's zone", (p, s) => {
      const other = new DeploymentNetwork(s, "N2", { name: "spoke", location: "westeurope", addressSpace: ["10.50.0.0/16"] });
      new DeploymentZone(s, "Spoke", { network: other, zoneName: "spoke", addressPrefix: "10.50.1.0/24", trustLevel: TrustLevel.INTERNAL });
      return { ...p, amtClients: [Peer.ipv4("10.50.1.0/25")] };
    }, /Invalid amtClients\[0\]: "10\.50\.1\.0\/25"\. Allowed: on-premises CIDRs outside every zone \(10\.50\.1\.0\/25 overlaps zone spoke\)/],
    ["a Key Vault endpoint address outside the zone", (p) => ({ ...p, keyVaultPrivateIpAddress: "10.40.8.20" }), /Invalid keyVaultPrivateIpAddress: "10\.40\.8\.20"\. Allowed: a host address inside zone management \(10\.40\.9\.0\/24\)/],
    ["a reserved Key Vault endpoint address", (p) => ({ ...p, keyVaultPrivateIpAddress: "10.40.9.3" }), /Invalid keyVaultPrivateIpAddress: "10\.40\.9\.3"/],
    ["a CIDR as Key Vault endpoint address", (p) => ({ ...p, keyVaultPrivateIpAddress: "10.40.9.20/32" }), /Invalid keyVaultPrivateIpAddress: "10\.40\.9\.20\/32"/],
    ["a non-address as Key Vault endpoint address", (p) => ({ ...p, keyVaultPrivateIpAddress: "vault" }), /Invalid keyVaultPrivateIpAddress: "vault"/],
    ["the service point's address for the Key Vault endpoint", (p) => ({ ...p, keyVaultPrivateIpAddress: "10.40.9.10" }), /Invalid keyVaultPrivateIpAddress: "10\.40\.9\.10"\. Allowed: an address other than the service point's own/],
    ["a file DNS zone for the vault", (p) => ({ ...p, keyVaultPrivateDnsZoneId: "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/privatelink.file.core.windows.net" }),
      /Invalid keyVaultPrivateDnsZoneId: ".*privatelink\.file\.core\.windows\.net"\. Allowed: the resource ID of a privatelink\.vaultcore\.azure\.net private DNS zone/],
    ["no deployment runner", (p) => ({ ...p, deploymentRunners: undefined as any }),
      /Invalid deploymentRunners: undefined\. Allowed: where terraform apply runs .* the vault has public access off/],
    ["an empty runner list", (p) => ({ ...p, deploymentRunners: [] }), /Invalid deploymentRunners: \[\]\. Allowed: a non-empty list of peers/],
    ["any as deployment runner", (p) => ({ ...p, deploymentRunners: [Peer.anyIpv4()] }), /Invalid deploymentRunners\[0\]: "any"\. Allowed: specific addresses/],
    ["the VirtualNetwork tag as deployment runner", (p) => ({ ...p, deploymentRunners: [Peer.serviceTag("VirtualNetwork")] }), /Invalid deploymentRunners\[0\]: "VirtualNetwork"/],
    ["a runner range across zones", (p) => ({ ...p, deploymentRunners: [Peer.ipv4("10.40.8.0/23")] }),
      /Invalid deploymentRunners\[0\]: "10\.40\.8\.0\/23"\. Allowed: a runner CIDR inside one zone or outside every zone; 10\.40\.8\.0\/23 covers zone management \(10\.40\.9\.0\/24\) only in part\. Pass Peer\.zone\(management\)/],
    ["a name as the vault's DNS zone", (p) => ({ ...p, keyVaultPrivateDnsZoneId: "privatelink.vaultcore.azure.net" }), /Invalid keyVaultPrivateDnsZoneId: "privatelink\.vaultcore\.azure\.net"\. Allowed: an Azure resource ID/],
  ])("refuses %s", (_name, change, message) => {
    const { stack } = newStack();
    const { props } = setup(stack);
    expect(() => new OutOfBandServicePoint(stack, "Oob", change(props, stack))).toThrow(message);
  });

  test.each([false, true])("a hybrid site with on-premises AMT clients and a static vault endpoint has no error finding (provisioning %s)", (enabled) => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, amtClientZones: undefined, amtClients: [Peer.ipv4List(["192.168.10.0/24", "192.168.11.0/24"])], keyVaultPrivateIpAddress: "10.40.9.20", outOfBandProvisioning: enabled });
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES);
    expect(result.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL)).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId.startsWith("SDZ-OOB")).map((f) => `${f.ruleId} ${f.level} ${f.status}`))
      // SDZ-OOB-003: the firmware settings are declared, not verified (info); SDZ-OOB-010: the internal CA signs the CSR outside the configuration (declared, info).
      .toEqual(["SDZ-OOB-003 info fail", "SDZ-OOB-010 info fail"]);
  });

  test.each<[string, (p: OutOfBandServicePointProps, s: TerraformStack) => OutOfBandServicePointProps, RegExp]>([
    ["non-management zone", (p, s) => ({ ...p, zone: new DeploymentZone(s, "Int", { network: p.zone.network, zoneName: "internal", addressPrefix: "10.40.1.0/24", trustLevel: TrustLevel.INTERNAL }) }), /Invalid zone: "internal". Allowed: a zone with trust level MANAGEMENT/],
    ["thumbprint", (p) => ({ ...p, amtSettings: { ...p.amtSettings, internalCaThumbprint: "abc" } }), /Invalid amtSettings.internalCaThumbprint: "abc"/],
    ["default server", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningServer: "ProvisionServer" } }), /Invalid amtSettings.provisioningServer: "ProvisionServer"/],
    ["default server FQDN", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningServer: "provisionserver.corp.example.com" } }), /Invalid amtSettings.provisioningServer/],
    ["bad server", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningServer: "bad host!" } }), /Invalid amtSettings.provisioningServer: "bad host!"/],
    ["a provisioning address that is not the service point's", (p) => ({ ...p, outOfBandProvisioning: true, amtSettings: { ...p.amtSettings, provisioningServer: "10.40.9.40" } }),
      /Invalid amtSettings\.provisioningServer: "10\.40\.9\.40"\. Allowed: the service point's own address 10\.40\.9\.10 \(the firmware sends its Hello messages/],
    ["another provisioning address with provisioning off", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningServer: "192.168.1.10" } }),
      /Invalid amtSettings\.provisioningServer: "192\.168\.1\.10"\. Allowed: the service point's own address 10\.40\.9\.10/],
    ["default port", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningPort: 9971 } }), /Invalid amtSettings.provisioningPort: 9971/],
    ["AMT port", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningPort: 16993 } }), /Invalid amtSettings.provisioningPort: 16993/],
    ["low port", (p) => ({ ...p, amtSettings: { ...p.amtSettings, provisioningPort: 80 } }), /Invalid amtSettings.provisioningPort: 80/],
    ["literal password", (p) => ({ ...p, amtSettings: { ...p.amtSettings, mebxPassword: "admin" as any } }), /Invalid amtSettings.mebxPassword: <secret, not shown>/],
    ["no client zones", (p) => ({ ...p, amtClientZones: [] }), /Invalid amtClientZones: \[\]/],
    ["management as client", (p) => ({ ...p, amtClientZones: [p.zone] }), /Invalid amtClientZones\[0\]: "management"/],
    ["vault name", (p) => ({ ...p, keyVaultName: "1kv" }), /Invalid keyVaultName: "1kv"/],
    ["tenant", (p) => ({ ...p, tenantId: "tenant" }), /Invalid tenantId: "tenant"/],
    ["deployer", (p) => ({ ...p, deployerPrincipalId: "terraform" }), /Invalid deployerPrincipalId: "terraform"/],
    ["renewal 30 days", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, renewDaysBeforeExpiry: 30 } }), /Invalid provisioningCertificate.renewDaysBeforeExpiry: 30/],
    ["a registered (third-party) issuer", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, issuerName: "digicert" } }), /Invalid provisioningCertificate.issuerName: "digicert"\. Allowed: Unknown/],
    ["issuer Unknown without contacts", (p) => ({ ...p, provisioningCertificate: { name: "amt", subject: "CN=oobsp" } }), /Invalid provisioningCertificate.renewalContacts: \[\]\. Allowed: at least one e-mail address/],
    ["a bad contact", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, renewalContacts: ["pki"] } }), /Invalid provisioningCertificate.renewalContacts\[0\]: "pki"/],
    ["a DNS zone with in-band provisioning", (p) => ({ ...p, provisioningDnsZone: { zoneName: "corp.example.com", resourceGroupName: "dns-rg" } }), /Invalid provisioningDnsZone: "corp.example.com"\. Allowed: nothing while out-of-band provisioning is off/],
    ["out-of-band provisioning by name without a DNS zone", (p) => ({ ...p, outOfBandProvisioning: true, amtSettings: { ...p.amtSettings, provisioningServer: "oobprov.corp.example.com" } }), /Invalid provisioningDnsZone: undefined\. Allowed: the private DNS zone holding the provisioning name oobprov\.corp\.example\.com/],
    ["a DNS zone not holding the name", (p) => ({ ...p, outOfBandProvisioning: true, amtSettings: { ...p.amtSettings, provisioningServer: "oobprov.corp.example.com" }, provisioningDnsZone: { zoneName: "other.example.com", resourceGroupName: "dns-rg" } }), /Invalid provisioningDnsZone.zoneName: "other.example.com"/],
    ["a DNS zone for a provisioning address", (p) => ({ ...p, outOfBandProvisioning: true, provisioningDnsZone: { zoneName: "corp.example.com", resourceGroupName: "dns-rg" } }), /Invalid provisioningDnsZone: "corp.example.com"\. Allowed: nothing: the firmware reaches/],
    ["subject", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, subject: "oobsp" } }), /Invalid provisioningCertificate.subject: "oobsp"/],
    ["a certificate named like the MEBx password secret", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, name: "AMT-MEBX-Password" } }), /Invalid provisioningCertificate.name: "AMT-MEBX-Password"\. Allowed: a Key Vault object name other than amt-mebx-password/],
    ["validity", (p) => ({ ...p, provisioningCertificate: { ...p.provisioningCertificate, validityInMonths: 61 } }), /Invalid provisioningCertificate.validityInMonths: 61/],
    ["IDE location without SMB encryption", (p) => ({ ...p, ideRedirectionImageLocation: { uncPath: "\\\\fs01\\ide", privateEndpointPrefix: "10.40.9.50/32", smbEncryptionRequired: false } }), /Invalid ideRedirectionImageLocation: "\\\\\\\\fs01\\\\ide". Allowed: a content location that requires SMB encryption/],
  ])("refuses %s", (_name, change, message) => {
    const { stack } = newStack();
    const { props } = setup(stack);
    expect(() => new OutOfBandServicePoint(stack, "Oob", change(props, stack))).toThrow(message);
  });

  test.each([false, true])("a site built with it has no error finding (provisioning %s)", (enabled) => {
    const { stack } = newStack();
    const { props } = setup(stack);
    new OutOfBandServicePoint(stack, "Oob", { ...props, outOfBandProvisioning: enabled });
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES);
    expect(result.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId.startsWith("SDZ-OOB")).map((f) => `${f.ruleId} ${f.level} ${f.status}`))
      // SDZ-OOB-003: the firmware settings are declared, not verified (info); SDZ-OOB-010: the internal CA signs the CSR outside the configuration (declared, info).
      .toEqual(["SDZ-OOB-003 info fail", "SDZ-OOB-010 info fail"]);
  });
});
