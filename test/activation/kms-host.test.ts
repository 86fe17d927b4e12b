import { FirewallPolicy } from "@cdktf/provider-azurerm/lib/firewall-policy";
import { Testing } from "cdktf";
import { decodeScript, env, resourcesOf } from "./env";
import { ActivationZone } from "../../src/activation/activation-zone";
import { KmsHost, KmsHostProps, KmsServer } from "../../src/activation/kms-host";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { KMS_TAG } from "../../src/contract/kms-tags";
import { MIGRATION_TAG } from "../../src/contract/migration-tags";
import { TagSpec } from "../../src/contract/tag";
import { DeploymentRole } from "../../src/contract/zone-tags";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { Settings } from "../../src/engine/settings";
import { DomainController, IdentityZone } from "../../src/identity/identity-zone";
import { Peer, PeerKind } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { ALL_RULES } from "../../src/rules";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { errorOf } from "../support/construct-errors";
import { synthJson } from "../support/fixtures";

function kmsEnv(options: { withDmz?: boolean } = {}) {
  const e = env(options);
  const activation = new ActivationZone(e.stack, "Activation", { network: e.network, zoneName: "activation", addressPrefix: "10.0.5.0/24" });
  const base = (over: Partial<KmsHostProps> = {}): KmsHostProps => ({
    zone: activation,
    serverName: "kms01",
    privateIpAddress: "10.0.5.4",
    adminUsername: "opsadmin",
    adminPassword: e.password,
    allowedClients: [Peer.zone(e.clients), Peer.ipv4("10.0.8.10/32")],
    ...over,
  });
  return { ...e, activation, base };
}

/** Clients inside the management subnet (10.0.8.0/24), the only ones a management NIC can answer. */
const ON_LINK = [Peer.ipv4("10.0.8.10/32"), Peer.ipv4("10.0.8.32/28")];

function kmsRules(json: any, zoneNsgName: string) {
  return resourcesOf(json, "azurerm_network_security_rule")
    .map(([, r]) => r)
    .filter((r) => r.destination_port_range === "1688" && r.network_security_group_name.includes(zoneNsgName));
}

describe("KmsHost", () => {
  test("opens TCP 1688 only from the allowlist, only to the KMS address, on a static IP", () => {
    const e = kmsEnv();
    const host = new KmsHost(e.stack, "Kms", e.base());
    const json = synthJson(e.stack);
    const rules = kmsRules(json, "Activation_Nsg");
    expect(rules).toHaveLength(2);
    expect(rules.map((r) => r.source_address_prefix).sort()).toEqual(["10.0.1.0/24", "10.0.8.10/32"]);
    for (const r of rules) {
      expect(r).toMatchObject({ access: "Allow", direction: "Inbound", protocol: "Tcp", destination_address_prefix: "10.0.5.4/32" });
    }
    const [, nic] = resourcesOf(json, "azurerm_network_interface")[0];
    expect(nic.ip_configuration[0]).toMatchObject({ private_ip_address_allocation: "Static", private_ip_address: "10.0.5.4" });
    expect(host.activationAddress).toBe("10.0.5.4");
    expect(host.allowedPrefixes).toEqual(["10.0.1.0/24", "10.0.8.10/32"]);
  });

  test("records its role and hardening as sdz-* tags on the VM and NIC", () => {
    const e = kmsEnv();
    new KmsHost(e.stack, "Kms", e.base());
    const json = synthJson(e.stack);
    const [, vm] = resourcesOf(json, "azurerm_windows_virtual_machine")[0];
    const [, nic] = resourcesOf(json, "azurerm_network_interface")[0];
    for (const tags of [vm.tags, nic.tags]) {
      expect(tags).toMatchObject({
        "sdz-role": "kms-host",
        "sdz-restrict-anonymous": "true",
        "sdz-restrict-anonymous-sam": "true",
        "sdz-restrict-null-session-access": "true",
        "sdz-smb1-removed": "true",
        "sdz-kms-firewall-scope": "allowlist",
        "sdz-kms-dns-publishing": "disabled",
        "sdz-kms-interface": "production",
      });
      // One tag for one fact: the SMB 1 record is the one the state migration point writes.
      expect(tags).not.toHaveProperty("sdz-smb1");
    }
  });

  test("the hardening script scopes the Windows Firewall, removes anonymous access and SMB 1, and turns DNS publishing off", () => {
    const e = kmsEnv();
    const host = new KmsHost(e.stack, "Kms", e.base());
    const json = synthJson(e.stack);
    const [, ext] = resourcesOf(json, "azurerm_virtual_machine_extension").find(([, x]) => x.type === "CustomScriptExtension")!;
    expect(ext.name).toBe("sdz-windows-settings");
    const script = decodeScript(ext);
    expect(script).toContain(host.hardeningScript);
    expect(script).toContain("$allow = @('10.0.1.0/24', '10.0.8.10/32')");
    expect(script).toMatch(/New-NetFirewallRule -Name 'SDZ-KMS-1688' .*-Direction Inbound -Protocol TCP -LocalPort 1688 -LocalAddress '10\.0\.5\.4' -RemoteAddress \$allow -Action Allow/);
    expect(script).toContain("DisplayGroup -eq 'Key Management Service' } | Disable-NetFirewallRule");
    expect(script).toContain("Set-ItemProperty -Path $lsa -Name 'RestrictAnonymous' -Value 1 -Type DWord");
    expect(script).toContain("Set-ItemProperty -Path $lsa -Name 'RestrictAnonymousSAM' -Value 1 -Type DWord");
    expect(script).toContain("Set-ItemProperty -Path $lanman -Name 'RestrictNullSessAccess' -Value 1 -Type DWord");
    expect(script).toContain("Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force");
    expect(script).toContain("Uninstall-WindowsFeature -Name FS-SMB1");
    expect(script).toContain("Set-ItemProperty -Path $spp -Name 'DisableDnsPublishing' -Value 1 -Type DWord");
    expect(script).not.toContain("opsadmin");
  });

  test("every KMS hardening setting is applied (set and read back by the settings script), for either DNS publishing choice", () => {
    for (const dnsPublishing of [false, true]) {
      const e = kmsEnv();
      new KmsHost(e.stack, "Kms", e.base({ dnsPublishing }));
      const model = TerraformModel.fromTerraformJson(synthJson(e.stack));
      const [vm] = model.ofType("azurerm_windows_virtual_machine");
      const settings = Settings.of(model);
      const specs: TagSpec<unknown>[] = [
        KMS_TAG.restrictAnonymous, KMS_TAG.restrictAnonymousSam, KMS_TAG.restrictNullSessionAccess, KMS_TAG.firewallScope,
        KMS_TAG.dnsPublishing, MIGRATION_TAG.smb1Removed,
      ];
      expect(specs.map((spec) => [spec.key, settings.read(vm, spec).provenance])).toEqual(specs.map((spec) => [spec.key, "applied"]));
    }
  });

  test("the KMS host is patched automatically by the platform (R-SEC-10)", () => {
    const e = kmsEnv();
    new KmsHost(e.stack, "Kms", e.base());
    const [[, vm]] = resourcesOf(synthJson(e.stack), "azurerm_windows_virtual_machine");
    expect(vm).toMatchObject({ patch_mode: "AutomaticByPlatform", patch_assessment_mode: "AutomaticByPlatform", bypass_platform_safety_checks_on_user_schedule_enabled: false, provision_vm_agent: true });
  });

  test("a KMS host on an existing server that already has a settings script part adds to the same one extension", () => {
    const e = kmsEnv();
    const activation = e.base().zone;
    const server = new SecureWindowsServer(e.stack, "Existing", { zone: activation, serverName: "srv01", privateIpAddress: "10.0.5.9", adminUsername: "opsadmin", adminPassword: e.password });
    server.addSettingsScript("site-baseline", "Write-Output baseline");
    const host = new KmsHost(e.stack, "Kms", { zone: activation, allowedClients: [Peer.zone(e.clients)], kmsServer: KmsServer.existing(server) });
    const exts = resourcesOf(synthJson(e.stack), "azurerm_virtual_machine_extension");
    expect(exts.map(([, x]) => x.type).sort()).toEqual(["AzureMonitorWindowsAgent", "CustomScriptExtension"]);
    expect(host.hardeningExtension).toBe(server.settingsExtension);
    expect(server.settingsScriptParts).toEqual(["site-baseline", "kms-hardening"]);
  });

  test("dnsPublishing: true lets the host publish its SRV record, and records it", () => {
    const e = kmsEnv();
    const host = new KmsHost(e.stack, "Kms", e.base({ dnsPublishing: true }));
    expect(host.hardeningScript).toContain("'DisableDnsPublishing' -Value 0");
    const [, vm] = resourcesOf(synthJson(e.stack), "azurerm_windows_virtual_machine")[0];
    expect(vm.tags["sdz-kms-dns-publishing"]).toBe("enabled");
  });

  test("outputs the fixed address and the client command, and no secret", () => {
    const e = kmsEnv();
    const host = new KmsHost(e.stack, "Kms", e.base());
    const json = synthJson(e.stack);
    const values = Object.values(json.output).map((o: any) => o.value);
    expect(values).toContain("10.0.5.4");
    expect(values).toContain("slmgr /skms 10.0.5.4:1688");
    expect(host.clientCommand).toBe("slmgr /skms 10.0.5.4:1688");
    expect(JSON.stringify(json.output)).not.toMatch(/admin_password|sensitive/);
  });

  test("no DNS record by default; a private _vlmcs._tcp SRV record and A record when asked", () => {
    const plain = kmsEnv();
    new KmsHost(plain.stack, "Kms", plain.base());
    expect(resourcesOf(synthJson(plain.stack), "azurerm_private_dns_srv_record")).toHaveLength(0);

    const e = kmsEnv();
    new KmsHost(e.stack, "Kms", e.base({ privateDnsRecord: { zoneName: "corp.contoso.com" } }));
    const json = synthJson(e.stack);
    const [, srv] = resourcesOf(json, "azurerm_private_dns_srv_record")[0];
    expect(srv).toMatchObject({ name: "_vlmcs._tcp", zone_name: "corp.contoso.com", ttl: 300 });
    expect(srv.record).toEqual([{ priority: 0, weight: 0, port: 1688, target: "kms01.corp.contoso.com" }]);
    const [, a] = resourcesOf(json, "azurerm_private_dns_a_record")[0];
    expect(a).toMatchObject({ name: "kms01", records: ["10.0.5.4"] });
  });

  test("with a hub firewall policy: an IP group of the allowlist and a network rule for TCP 1688 to the KMS address", () => {
    const e = kmsEnv();
    const policy = new FirewallPolicy(e.stack, "Policy", { name: "hub-policy", location: "westeurope", resourceGroupName: "hub-rg" });
    new KmsHost(e.stack, "Kms", e.base({ firewallPolicy: policy }));
    const json = synthJson(e.stack);
    const [groupName, group] = resourcesOf(json, "azurerm_ip_group")[0];
    expect(group.cidrs).toEqual(["10.0.1.0/24", "10.0.8.10/32"]);
    const [, rcg] = resourcesOf(json, "azurerm_firewall_policy_rule_collection_group")[0];
    expect(rcg.priority).toBe(400);
    expect(rcg.firewall_policy_id).toBe("${azurerm_firewall_policy.Policy.id}");
    expect(rcg.network_rule_collection).toHaveLength(1);
    expect(rcg.network_rule_collection[0]).toMatchObject({ action: "Allow" });
    expect(rcg.network_rule_collection[0].rule).toEqual([expect.objectContaining({
      protocols: ["TCP"],
      source_ip_groups: [`\${azurerm_ip_group.${groupName}.id}`],
      destination_addresses: ["10.0.5.4"],
      destination_ports: ["1688"],
    })]);
    expect(rcg.network_rule_collection[0].rule[0].source_addresses).toBeUndefined();
  });

  test("managementInterface serves activation on a second NIC in the management zone", () => {
    const e = kmsEnv();
    // Clients inside the management subnet only: a secondary NIC has no default gateway (test below).
    const host = new KmsHost(e.stack, "Kms", e.base({ managementInterface: { zone: e.mgmt, privateIpAddress: "10.0.8.20" }, allowedClients: ON_LINK }));
    const json = synthJson(e.stack);
    const [, vm] = resourcesOf(json, "azurerm_windows_virtual_machine")[0];
    expect(vm.network_interface_ids).toHaveLength(2);
    const mgmtNic = resourcesOf(json, "azurerm_network_interface").map(([, n]) => n).find((n) => n.name === "kms01-mgmt-nic");
    expect(mgmtNic.ip_configuration[0]).toMatchObject({ private_ip_address_allocation: "Static", private_ip_address: "10.0.8.20" });
    expect(mgmtNic.ip_configuration[0].subnet_id).toMatch(/^\$\{azurerm_subnet\.Mgmt_Subnet[A-Za-z0-9_]*\.id\}$/);
    expect(mgmtNic.tags["sdz-role"]).toBe("kms-host");
    expect(kmsRules(json, "Activation_Nsg")).toHaveLength(0);
    const mgmtRules = kmsRules(json, "Mgmt_Nsg");
    expect(mgmtRules).toHaveLength(2);
    expect(mgmtRules.every((r) => r.destination_address_prefix === "10.0.8.20/32")).toBe(true);
    expect(host.activationAddress).toBe("10.0.8.20");
    expect(host.hardeningScript).toContain("-LocalAddress '10.0.8.20'");
    expect(Object.values(json.output).map((o: any) => o.value)).toContain("slmgr /skms 10.0.8.20:1688");
    expect(vm.tags["sdz-kms-interface"]).toBe("management");
  });

  test("managementInterface refuses allowlisted clients outside the management subnet: a secondary NIC has no default gateway", () => {
    const e = kmsEnv();
    const mgmtNic = { zone: e.mgmt, privateIpAddress: "10.0.8.20" };
    // The clients zone (10.0.1.0/24) is another subnet: the host's answers from 10.0.8.20 could never leave.
    expect(() => new KmsHost(e.stack, "Kms", e.base({ managementInterface: mgmtNic })))
      .toThrow(/Invalid allowedClients\[0\]: "zone clients"\. Allowed: with managementInterface, clients inside the management zone mgmt \(10\.0\.8\.0\/24\) only: 10\.0\.1\.0\/24 is outside it, and Azure gives the management NIC \(a secondary NIC\) no default gateway/);
    // Any block outside the management subnet is refused, whichever entry it is.
    expect(() => new KmsHost(e.stack, "Kms2", e.base({
      serverName: "kms02", privateIpAddress: "10.0.5.5", managementInterface: { zone: e.mgmt, privateIpAddress: "10.0.8.21" },
      allowedClients: [Peer.ipv4("10.0.8.10/32"), Peer.ipv4("10.0.6.0/23")],
    })))
      .toThrow(/Invalid allowedClients\[1\]: "10\.0\.6\.0\/23"\. Allowed: with managementInterface, clients inside the management zone mgmt/);
    // Refused before the address is claimed: the same address is accepted with on-link clients.
    const host = new KmsHost(e.stack, "Kms3", e.base({ serverName: "kms03", privateIpAddress: "10.0.5.6", managementInterface: mgmtNic, allowedClients: [Peer.zone(e.mgmt)] }));
    expect(host.activationAddress).toBe("10.0.8.20");
  });

  test("refused after its management address was claimed (a bad privateDnsRecord): it leaves the tree and gives the address back, so the corrected retry is accepted", () => {
    const e = kmsEnv();
    const props = e.base({ managementInterface: { zone: e.mgmt, privateIpAddress: "10.0.8.20" }, allowedClients: ON_LINK });
    const err = errorOf(() => new KmsHost(e.stack, "Kms", { ...props, privateDnsRecord: { zoneName: "not a domain" } }));
    expect([err.constructPath, err.prop]).toEqual(["test/Kms", "privateDnsRecord.zoneName"]);
    expect(e.stack.node.tryFindChild("Kms")).toBeUndefined();
    const host = new KmsHost(e.stack, "Kms", { ...props, privateDnsRecord: { zoneName: "corp.contoso.com" } });
    expect([host.node.path, host.activationAddress]).toEqual(["test/Kms", "10.0.8.20"]);
    expect(resourcesOf(synthJson(e.stack), "azurerm_windows_virtual_machine").map(([, vm]) => vm.name)).toEqual(["kms01"]);
  });

  test("an existing non-DC server of the activation zone can be used and gets the role and hardening tags", () => {
    const e = kmsEnv();
    const server = new SecureWindowsServer(e.stack, "Srv", { zone: e.activation, serverName: "kms02", privateIpAddress: "10.0.5.6", adminUsername: "opsadmin", adminPassword: e.password, roles: [DeploymentRole.DNS_SERVER] });
    new KmsHost(e.stack, "Kms", { zone: e.activation, server, allowedClients: [Peer.zone(e.clients)] });
    const [, vm] = resourcesOf(synthJson(e.stack), "azurerm_windows_virtual_machine")[0];
    expect(vm.tags["sdz-role"]).toBe("dns-server,kms-host");
    expect(vm.tags["sdz-restrict-anonymous-sam"]).toBe("true");
  });

  test("a full deployment (identity zone, DCs, KMS host, MAK perimeter) is secure by default", () => {
    const e = kmsEnv();
    const identity = new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.clients), Peer.zone(e.mgmt)] });
    new DomainController(e.stack, "Dc1", { zone: identity, serverName: "dc01", privateIpAddress: "10.0.2.4", adminUsername: "opsadmin", adminPassword: e.password });
    new DomainController(e.stack, "Dc2", { zone: identity, serverName: "dc02", privateIpAddress: "10.0.2.5", adminUsername: "opsadmin", adminPassword: e.password });
    const policy = new FirewallPolicy(e.stack, "Policy", { name: "hub-policy", location: "westeurope", resourceGroupName: "hub-rg" });
    new KmsHost(e.stack, "Kms", e.base({ firewallPolicy: policy, managementInterface: { zone: e.mgmt, privateIpAddress: "10.0.8.20" }, allowedClients: ON_LINK }));
    e.activation.declareMakActivation(e.dmz, "DMZ web servers activate with MAK");
    const result = runRules(TerraformModel.fromTerraformJson(synthJson(e.stack)), ALL_RULES);
    const errors = result.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL);
    expect(errors).toEqual([]);
    const kmsFindings = result.findings.filter((f) => /^SDZ-(KMS|DOM)-/.test(f.ruleId) && f.level !== RuleLevel.INFO);
    // The hardening is applied: the settings script (public settings) sets each value and reads it back.
    expect(kmsFindings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([]);
    const mak = result.findings.filter((f) => f.ruleId === "SDZ-KMS-007");
    expect(mak).toHaveLength(1);
    expect(mak[0].message).toContain("zone dmz (PERIMETER) activates with MAK, not KMS: DMZ web servers activate with MAK");
  });
});

describe("KmsHost construction errors", () => {
  test.each([
    ["a perimeter zone", (e: ReturnType<typeof kmsEnv>) => [Peer.zone(e.dmz)], /Invalid allowedClients\[0\]: "zone dmz"\. Allowed: peers in zones trusted INTERNAL or more; zone dmz is PERIMETER\. .*MAK/],
    ["a /28 inside the perimeter subnet", () => [Peer.ipv4("10.0.8.10/32"), Peer.ipv4("10.0.9.16/28")], /Invalid allowedClients\[1\]: "10\.0\.9\.16\/28"\..*10\.0\.9\.16\/28 lies in zone dmz \(10\.0\.9\.0\/24, PERIMETER\).*MAK/],
    ["a range covering the perimeter subnet", () => [Peer.ipv4("10.0.0.0/16")], /Invalid allowedClients\[0\].*zone dmz.*MAK/],
    ["any address", () => [Peer.anyIpv4()], /Invalid allowedClients\[0\]: "any"/],
    ["the VirtualNetwork service tag", () => [Peer.serviceTag("VirtualNetwork")], /Invalid allowedClients\[0\]: "VirtualNetwork"/],
    ["an empty list", () => [], /Invalid allowedClients: \[\]/],
  ])("refuses %s in the allowlist", (_, peers, message) => {
    const e = kmsEnv();
    expect(() => new KmsHost(e.stack, "Kms", e.base({ allowedClients: (peers as any)(e) }))).toThrow(message);
  });

  test("accepts a management-zone host and an internal zone", () => {
    const e = kmsEnv();
    expect(() => new KmsHost(e.stack, "Kms", e.base({ allowedClients: [Peer.ipv4("10.0.8.10"), Peer.zone(e.clients)] }))).not.toThrow();
  });

  test("a perimeter zone added after the host is caught at synth", () => {
    const e = kmsEnv({ withDmz: false });
    new KmsHost(e.stack, "Kms", e.base({ allowedClients: [Peer.ipv4("10.0.9.16/28")] }));
    new DeploymentZone(e.stack, "LateDmz", { network: e.network, zoneName: "late-dmz", addressPrefix: "10.0.9.0/24", trustLevel: TrustLevel.PERIMETER });
    expect(() => Testing.synth(e.stack, true)).toThrow(/allowedClients\[0\].*late-dmz.*MAK/);
  });

  test("refuses a domain controller as the KMS server (R-KMS-1)", () => {
    const e = kmsEnv();
    const identity = new IdentityZone(e.stack, "Identity", { network: e.network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(e.clients)] });
    const dc = new DomainController(e.stack, "Dc1", { zone: identity, serverName: "dc01", privateIpAddress: "10.0.2.4", adminUsername: "opsadmin", adminPassword: e.password });
    expect(() => new KmsHost(e.stack, "Kms", { zone: e.activation, server: dc, allowedClients: [Peer.zone(e.clients)] })).toThrow(/Invalid server: "test\/Dc1"\. Allowed: a server that is not a domain controller.*R-KMS-1/);
  });

  test("refuses a server whose tags carry the domain-controller role", () => {
    const e = kmsEnv();
    const server = new SecureWindowsServer(e.stack, "Srv", { zone: e.activation, serverName: "dc9", privateIpAddress: "10.0.5.6", adminUsername: "opsadmin", adminPassword: e.password, roles: [DeploymentRole.DOMAIN_CONTROLLER] });
    expect(() => new KmsHost(e.stack, "Kms", { zone: e.activation, server, allowedClients: [Peer.zone(e.clients)] })).toThrow(/Invalid server: "test\/Srv".*not a domain controller/);
  });

  test("refuses a server of another zone, and server settings given with a server", () => {
    const e = kmsEnv();
    const other = new SecureWindowsServer(e.stack, "Other", { zone: e.clients, serverName: "app1", privateIpAddress: "10.0.1.6", adminUsername: "opsadmin", adminPassword: e.password });
    expect(() => new KmsHost(e.stack, "Kms", { zone: e.activation, server: other, allowedClients: [Peer.zone(e.clients)] })).toThrow(/Invalid server: "test\/Other"\. Allowed: a server of the activation zone activation \(it sits in clients\)/);
    const mine = new SecureWindowsServer(e.stack, "Mine", { zone: e.activation, serverName: "kms3", privateIpAddress: "10.0.5.7", adminUsername: "opsadmin", adminPassword: e.password });
    expect(() => new KmsHost(e.stack, "Kms2", { zone: e.activation, server: mine, serverName: "x", allowedClients: [Peer.zone(e.clients)] })).toThrow(/Invalid serverName: "x"\. Allowed: nothing when `server` is given/);
  });

  test("refuses a zone that is not an ActivationZone", () => {
    const e = kmsEnv();
    expect(() => new KmsHost(e.stack, "Kms", e.base({ zone: e.clients as any }))).toThrow(/Invalid zone: "clients"\. Allowed: an ActivationZone/);
  });

  test.each([
    ["a non-management zone", (e: ReturnType<typeof kmsEnv>) => ({ zone: e.clients, privateIpAddress: "10.0.1.20" }), /Invalid managementInterface\.zone: "clients"\. Allowed: a zone of trust MANAGEMENT \(zone clients is INTERNAL\)/],
    ["an address outside the zone", (e: ReturnType<typeof kmsEnv>) => ({ zone: e.mgmt, privateIpAddress: "10.0.1.20" }), /Invalid managementInterface\.privateIpAddress: "10\.0\.1\.20"/],
    ["a reserved address", (e: ReturnType<typeof kmsEnv>) => ({ zone: e.mgmt, privateIpAddress: "10.0.8.1" }), /Invalid managementInterface\.privateIpAddress: "10\.0\.8\.1"/],
    ["a zone of another network", (e: ReturnType<typeof kmsEnv>) => {
      const net2 = new DeploymentNetwork(e.stack, "Net2", { name: "other", location: "westeurope", addressSpace: ["10.1.0.0/16"], disableFlowLogs: true });
      return { zone: new DeploymentZone(e.stack, "M2", { network: net2, zoneName: "m2", addressPrefix: "10.1.8.0/24", trustLevel: TrustLevel.MANAGEMENT }), privateIpAddress: "10.1.8.20" };
    }, /Invalid managementInterface\.zone: "m2"\. Allowed: another zone of the activation zone's network/],
  ])("refuses a management interface in %s", (_, mgmt, message) => {
    const e = kmsEnv();
    expect(() => new KmsHost(e.stack, "Kms", e.base({ managementInterface: (mgmt as any)(e) }))).toThrow(message);
  });

  test("refuses bad firewall priority, DNS zone name, host name and TTL", () => {
    const e = kmsEnv();
    expect(() => new KmsHost(e.stack, "K1", e.base({ firewallRuleCollectionGroupPriority: 50 }))).toThrow(/Invalid firewallRuleCollectionGroupPriority: 50\. Allowed: an integer from 100 to 65000/);
    expect(() => new KmsHost(e.stack, "K2", e.base({ privateDnsRecord: { zoneName: "not a zone" } }))).toThrow(/Invalid privateDnsRecord\.zoneName: "not a zone"/);
    expect(() => new KmsHost(e.stack, "K3", e.base({ privateDnsRecord: { zoneName: "corp.contoso.com", hostName: "bad_name" } }))).toThrow(/Invalid privateDnsRecord\.hostName: "bad_name"/);
    expect(() => new KmsHost(e.stack, "K4", e.base({ privateDnsRecord: { zoneName: "corp.contoso.com", ttl: 5 } }))).toThrow(/Invalid privateDnsRecord\.ttl: 5\. Allowed: an integer from 60 to 86400/);
  });
});

describe("ActivationZone", () => {
  test("refuses a trust level below INTERNAL", () => {
    const e = env();
    expect(() => new ActivationZone(e.stack, "A", { network: e.network, zoneName: "act", addressPrefix: "10.0.5.0/24", trustLevel: TrustLevel.PERIMETER }))
      .toThrow(/Invalid trustLevel: "PERIMETER"\. Allowed: INTERNAL or MANAGEMENT/);
  });

  test("declareMakActivation tags the perimeter zone's NSG and lists it", () => {
    const e = kmsEnv();
    e.activation.declareMakActivation(e.dmz, "DMZ web servers: MAK via VAMT proxy activation");
    const nsg = resourcesOf(synthJson(e.stack), "azurerm_network_security_group").map(([, n]) => n).find((n) => n.name === "dmz-nsg");
    expect(nsg.tags).toMatchObject({ "sdz-zone": "dmz", "sdz-trust": "PERIMETER", "sdz-activation": "mak", "sdz-activation-justification": "DMZ web servers: MAK via VAMT proxy activation" });
    expect(e.activation.makActivationZones).toEqual([{ zoneName: "dmz", trustLevel: TrustLevel.PERIMETER, justification: "DMZ web servers: MAK via VAMT proxy activation" }]);
  });

  test("refuses MAK declarations for INTERNAL zones, without a justification, or twice", () => {
    const e = kmsEnv();
    expect(() => e.activation.declareMakActivation(e.clients, "why")).toThrow(/Invalid zone: "clients"\. Allowed: a zone below INTERNAL trust/);
    expect(() => e.activation.declareMakActivation(e.dmz, " ")).toThrow(/Invalid justification: " "/);
    expect(() => e.activation.declareMakActivation(e.dmz, "x".repeat(257))).toThrow(/Invalid justification/);
    e.activation.declareMakActivation(e.dmz, "DMZ");
    expect(() => e.activation.declareMakActivation(e.dmz, "again")).toThrow(/Invalid zone: "dmz"\. Allowed: a zone not already declared/);
  });
});

describe("KmsHost allowedClients with host bits set (case 04)", () => {
  test("refuses the prefix Azure would refuse in the KMS rule, naming the host and the prop", () => {
    const e = kmsEnv();
    const err = errorOf(() => new KmsHost(e.stack, "Kms", e.base({ allowedClients: [{ kind: PeerKind.CIDRS, label: "by hand", addressPrefixes: ["192.168.11.25/24"] }] })));
    expect({ path: err.constructPath, prop: err.prop, value: err.valueText }).toEqual({ path: "test/Kms", prop: "allowedClients[0]", value: "\"192.168.11.25/24\"" });
    expect(err.allowed).toMatch(/: 192\.168\.11\.0\/24 for the whole block, or 192\.168\.11\.25 \(192\.168\.11\.25\/32\) for that one host$/);
  });
});
