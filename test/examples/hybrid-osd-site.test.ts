import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { HybridOsdSite, remoteStateFromEnv } from "../../examples/hybrid-osd-site/main";
import { SecureDeploymentChecks } from "../../src";
import { TerraformModel } from "../../src/engine/model";
import { AddressSpec, NetworkIndex, NsgRuleView, ruleCoversPort, VmView } from "../../src/engine/network-index";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { cidrOverlaps, parseCidr } from "../../src/network/cidr";
import { dependsOnCount, refusedDependsOn } from "../support/depends-on";

const ROOT = path.join(__dirname, "..", "..");
const STACK = "hybrid-osd-site";
const STACK_DIR = path.join("stacks", STACK);
const PERIMETER = parseCidr("perimeter", "10.40.100.0/24");
/** The state migration point's VM, as the construct names it. */
/** The out-of-band service point's provisioning certificate, as the construct names it. */
const AMT_CERTIFICATE = "azurerm_key_vault_certificate.OobServicePoint_ProvisioningCertificate_7C87D806";

/** Synthesizes the site the way `cdktf synth` does, with the checks (fullSynth throws on an error finding). */
function synthesize(props = {}) {
  const app = Testing.app();
  const stack = new HybridOsdSite(app, STACK, props);
  const checks = new SecureDeploymentChecks();
  checks.applyToStack(stack);
  const outdir = Testing.fullSynth(stack);
  const json = JSON.parse(fs.readFileSync(path.join(outdir, STACK_DIR, "cdk.tf.json"), "utf8"));
  const result = checks.resultFor(stack) as CheckResult;
  const index = NetworkIndex.of(TerraformModel.fromTerraformJson(json, { name: STACK }));
  return { stack, outdir, json, result, index };
}

function subnetNamesOf(vm: VmView): string[] {
  return vm.nics.flatMap((n) => n.ipConfigs.map((c) => c.subnet?.name ?? "?"));
}

/**
 * Whether a source could be an address of the perimeter zone: any, a service tag (VirtualNetwork
 * includes the perimeter), an unknown value, or a CIDR sharing an address with the perimeter prefix.
 */
function sourceMayBePerimeter(s: AddressSpec): boolean {
  if (s.kind !== "cidr") return s.kind !== "asg";
  return !!s.block && cidrOverlaps(s.block, PERIMETER);
}

/** The deployment-service ports the perimeter must never reach. */
const SERVICE_PORTS: [string, number, string][] = [
  ["Tcp", 1688, "KMS"],
  ["Udp", 67, "DHCP (relayed PXE)"],
  ["Udp", 69, "TFTP"],
  ["Udp", 4011, "PXE BINL"],
  ["Tcp", 445, "SMB (state/content shares, DP, SYSVOL)"],
  ["Tcp", 88, "Kerberos"],
  ["Udp", 88, "Kerberos"],
  ["Tcp", 389, "LDAP"],
  ["Udp", 389, "LDAP (DC locator)"],
];

describe("examples/hybrid-osd-site", () => {
  const site = synthesize();

  test("every depends_on entry is a bare reference, as terraform init requires", () => {
    expect(dependsOnCount(site.json)).toBeGreaterThan(0);
    expect(refusedDependsOn(site.json)).toEqual([]);
  });
  const allowsInbound = site.index.rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");

  test("passes every rule: no error finding, nothing failing above info, only the documented suppression", () => {
    expect(site.result).toBeDefined();
    // No error finding at all: none failing, none unverified, none suppressed.
    const errors = site.result.findings.filter((f) => f.level === RuleLevel.ERROR);
    expect(errors).toEqual([]);
    const open = site.result.findings.filter((f) => (f.status === FindingStatus.FAIL && f.level !== RuleLevel.INFO) || f.status === FindingStatus.UNVERIFIED);
    // The KMS and state migration point hardening is applied: each server's one settings script
    // (public settings) sets every value and reads it back, so SDZ-KMS-005 and SDZ-MIG-009 pass.
    expect(open.map((f) => `${f.ruleId} ${f.level} ${f.status} ${f.address}`)).toEqual([]);
    // The preshared key (no certificate authentication for site-to-site in azurerm 4.55) and the
    // provisioning certificate's exportable key (installed on the service point from its private vault).
    const suppressed = site.result.findings.filter((f) => f.status === FindingStatus.SUPPRESSED);
    expect(suppressed.map((f) => `${f.ruleId} ${f.address}`).sort()).toEqual([`SDZ-OOB-011 ${AMT_CERTIFICATE}`, expect.stringMatching(/^SDZ-VPN-007 /)]);
    expect(site.result.unusedSuppressions).toEqual([]);
    // The notes are the MAK declaration, the Azure Files signing explanation and the distribution
    // point's ConfigMgr settings (declared, not verified: no site server in this site), nothing else.
    const notes = site.result.findings.filter((f) => f.status === FindingStatus.FAIL).map((f) => f.ruleId).sort();
    // SDZ-OOB-003 / SDZ-PXE-015 / SDZ-MIG-011 / SDZ-MIG-012: firmware and ConfigMgr settings declared, not verified (the state migration
    // point's storage folder cap and deletion interval live in ConfigMgr); SDZ-OOB-010: the internal CA signs the CSR outside the configuration.
    expect(notes).toEqual(["SDZ-KMS-007", "SDZ-MIG-010", "SDZ-MIG-010", "SDZ-MIG-011", "SDZ-MIG-012", "SDZ-OOB-003", "SDZ-OOB-010", "SDZ-PXE-015"]);
    for (const file of ["compliance-report.json", "compliance-report.sarif", "compliance-report.md", "pxedp01-configmgr-pxe.ps1"]) {
      expect(fs.existsSync(path.join(site.outdir, STACK_DIR, file))).toBe(true);
    }
  });

  test("the report lists every setting with its provenance; nothing is applied unless a resource of the configuration applies it", () => {
    const settings = site.result.settings ?? [];
    const report = JSON.parse(fs.readFileSync(path.join(site.outdir, STACK_DIR, "compliance-report.json"), "utf8"));
    expect(report.settings).toEqual(settings);
    const md = fs.readFileSync(path.join(site.outdir, STACK_DIR, "compliance-report.md"), "utf8");
    expect(md).toContain("## Settings and their provenance");
    const by = (p: string) => settings.filter((x) => x.provenance === p);
    // The KMS host's anonymous-access hardening and the state migration point's SMB settings: its settings script sets and reads them back.
    const kmsVm = "azurerm_windows_virtual_machine.Kms_Server_Vm_1E3B4CCF";
    expect(by("applied").filter((x) => x.address === kmsVm).map((x) => x.setting)).toEqual(expect.arrayContaining(["sdz-restrict-anonymous", "sdz-restrict-anonymous-sam", "sdz-restrict-null-session-access"]));
    for (const x of by("applied")) expect(x.evidence).toMatch(/azurerm_[a-z_]+\.[A-Za-z0-9_]+/); // names the resource that applies it
    // No ConfigMgr site server here and no firmware reach: the PXE and AMT settings are declared.
    expect(by("declared").some((x) => x.setting.startsWith("sdz-pxe-"))).toBe(true);
    expect(by("declared").some((x) => x.setting.startsWith("sdz-oob-"))).toBe(true);
    expect(settings.filter((x) => x.setting.startsWith("sdz-oob-") && x.provenance !== "declared")).toEqual([]);
    for (const x of settings) expect(md).toContain(`\`${x.setting}\``);
  });

  test("has every zone, tagged with its trust, plus the on-premises ranges declared INTERNAL", () => {
    const zones = Object.fromEntries(site.index.zones.map((z) => [z.name, z]));
    const expected: Record<string, [string, string[]]> = {
      "servers": ["INTERNAL", ["10.40.1.0/24"]],
      "identity": ["INTERNAL", ["10.40.2.0/24"]],
      "pxe": ["INTERNAL", ["10.40.3.0/24"]],
      "content": ["INTERNAL", ["10.40.4.0/24"]],
      "activation": ["INTERNAL", ["10.40.5.0/24"]],
      "reference": ["INTERNAL", ["10.40.6.0/24"]],
      "management": ["MANAGEMENT", ["10.40.9.0/24"]],
      "perimeter": ["PERIMETER", ["10.40.100.0/24"]],
      "onprem-hq": ["INTERNAL", ["192.168.1.0/24", "192.168.10.0/24", "192.168.11.0/24"]],
    };
    expect(Object.keys(zones).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, [trust, prefixes]] of Object.entries(expected)) {
      expect([name, zones[name].trust, zones[name].prefixes.map((p) => p.text)]).toEqual([name, trust, prefixes]);
      expect(zones[name].onPremises).toBe(name === "onprem-hq");
    }
    // The tag contract, as written: sdz-zone/sdz-trust on each NSG and on the local network gateway.
    const nsgTags = Object.values<any>(site.json.resource.azurerm_network_security_group).map((n) => `${n.tags["sdz-zone"]}=${n.tags["sdz-trust"]}`).sort();
    expect(nsgTags).toEqual(Object.entries(expected).filter(([n]) => n !== "onprem-hq").map(([n, [t]]) => `${n}=${t}`).sort());
    const [lng] = Object.values<any>(site.json.resource.azurerm_local_network_gateway);
    expect(lng.tags).toMatchObject({ "sdz-zone": "onprem-hq", "sdz-trust": "INTERNAL" });
    // Every zone denies all other inbound traffic at 4096, so AllowVNetInBound lets no zone in.
    for (const nsg of site.index.nsgs) {
      const denyAll = nsg.rules.find((r) => r.direction === "Inbound" && r.access === "Deny" && r.priority === 4096);
      expect([nsg.zoneName, denyAll?.sources.map((s) => s.text)]).toEqual([nsg.zoneName, ["*"]]);
    }
  });

  test("hub: VPN gateway, IKEv2 tunnel with a custom policy and a sensitive key, Azure Firewall with its policy", () => {
    const [gw] = Object.values<any>(site.json.resource.azurerm_virtual_network_gateway);
    expect(gw).toMatchObject({ type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ" });
    const [conn] = Object.values<any>(site.json.resource.azurerm_virtual_network_gateway_connection);
    expect(conn).toMatchObject({ type: "IPsec", connection_protocol: "IKEv2", shared_key: "${var.vpn_shared_key}" });
    expect(conn.ipsec_policy).toMatchObject({ dh_group: "ECP384", ipsec_encryption: "GCMAES256", pfs_group: "ECP384" });
    const [fw] = Object.values<any>(site.json.resource.azurerm_firewall);
    const [policyKey] = Object.keys(site.json.resource.azurerm_firewall_policy);
    expect(fw.firewall_policy_id).toBe(`\${azurerm_firewall_policy.${policyKey}.id}`);
    expect(site.json.resource.azurerm_firewall_policy[policyKey].threat_intelligence_mode).toBe("Deny");
    const subnets = Object.values<any>(site.json.resource.azurerm_subnet).map((s) => s.name);
    expect(subnets).toEqual(expect.arrayContaining(["GatewaySubnet", "AzureFirewallSubnet"]));
  });

  test("the KMS host is its own VM in the activation zone, distinct from both domain controllers", () => {
    const kms = site.index.vms.filter((v) => v.roles.includes("kms-host"));
    const dcs = site.index.vms.filter((v) => v.roles.includes("domain-controller"));
    expect(kms).toHaveLength(1);
    expect(dcs).toHaveLength(2);
    expect(kms[0].roles).toEqual(["kms-host"]);
    for (const dc of dcs) expect(dc.roles).toEqual(["domain-controller"]);
    expect(new Set([...kms, ...dcs].map((v) => v.resource.address)).size).toBe(3);
    expect(subnetNamesOf(kms[0])).toEqual(["activation"]);
    for (const dc of dcs) expect(subnetNamesOf(dc)).toEqual(["identity"]);
    expect(kms[0].nics.flatMap((n) => n.ipConfigs.map((c) => c.privateIp))).toEqual(["10.40.5.4"]);
    expect(dcs.flatMap((d) => d.nics.flatMap((n) => n.ipConfigs.map((c) => c.privateIp))).sort()).toEqual(["10.40.2.4", "10.40.2.5"]);
    expect(kms[0].resource.config.admin_password).toBe("${var.kms_admin_password}");
    for (const dc of dcs) expect(dc.resource.config.admin_password).toBe("${var.dc_admin_password}");
    // The VNet resolves names through the DCs.
    const [vnet] = Object.values<any>(site.json.resource.azurerm_virtual_network);
    expect(vnet.dns_servers).toEqual(["10.40.2.4", "10.40.2.5"]);
  });

  test("KMS is allowlisted to the on-premises client VLANs and the internal and management zones only, in the NSG and the hub firewall", () => {
    const allowlist = ["10.40.1.0/24", "10.40.9.0/24", "192.168.10.0/24", "192.168.11.0/24"];
    const allows1688 = allowsInbound.filter((r) => ruleCoversPort(r, "Tcp", 1688) !== false);
    for (const r of allows1688) {
      expect(ruleCoversPort(r, "Tcp", 1688)).toBe(true);
      expect(r.nsg?.zoneName).toBe("activation");
      expect(r.destinations.map((d) => d.text)).toEqual(["10.40.5.4/32"]);
    }
    expect(allows1688.flatMap((r) => r.sources.map((s) => s.text)).sort()).toEqual(allowlist);
    // Hub firewall: an IP group with the same allowlist, one rule for TCP 1688 to the KMS address,
    // attached to the hub firewall's policy.
    const [ipGroupKey, ipGroup] = Object.entries<any>(site.json.resource.azurerm_ip_group)[0];
    expect([...ipGroup.cidrs].sort()).toEqual(allowlist);
    const [policyKey] = Object.keys(site.json.resource.azurerm_firewall_policy);
    const [rcg] = Object.values<any>(site.json.resource.azurerm_firewall_policy_rule_collection_group);
    expect(rcg.firewall_policy_id).toBe(`\${azurerm_firewall_policy.${policyKey}.id}`);
    expect(rcg.network_rule_collection[0].rule).toEqual([expect.objectContaining({
      protocols: ["TCP"],
      destination_ports: ["1688"],
      destination_addresses: ["10.40.5.4"],
      source_ip_groups: [`\${azurerm_ip_group.${ipGroupKey}.id}`],
    })]);
    // Outputs: the fixed address and the client command, never a secret.
    const outputs = Object.values<any>(site.json.output).map((o) => o.value).sort();
    expect(outputs).toEqual(["10.40.5.4", "slmgr /skms 10.40.5.4:1688"]);
  });

  test("the perimeter zone declares MAK and reaches no deployment service port", () => {
    const perimeter = Object.values<any>(site.json.resource.azurerm_network_security_group).find((n) => n.tags["sdz-zone"] === "perimeter");
    expect(perimeter.tags["sdz-activation"]).toBe("mak");
    expect(perimeter.tags["sdz-activation-justification"]).toMatch(/MAK/);

    const fromPerimeter = allowsInbound.filter((r) => r.sources.some(sourceMayBePerimeter));
    // The check can see the perimeter: the default ICMP rules (from the VNet space) do include it.
    expect(fromPerimeter.length).toBeGreaterThan(0);
    expect(fromPerimeter.every((r) => r.protocol === "Icmp")).toBe(true);
    const reached = (r: NsgRuleView) => SERVICE_PORTS.filter(([proto, port]) => ruleCoversPort(r, proto, port) !== false).map(([, port, what]) => `${what} ${port} via ${r.name}`);
    expect(fromPerimeter.flatMap(reached)).toEqual([]);
    // And the perimeter itself refuses to open TCP/UDP connections towards internal ranges.
    const perimeterDenies = site.index.rules.filter((r) => r.nsg?.zoneName === "perimeter" && r.direction === "Outbound" && r.access === "Deny");
    expect(perimeterDenies.map((r) => [r.protocol, r.destinations.map((d) => d.text)])).toEqual([
      ["Tcp", ["10.40.0.0/16", "192.168.1.0/24", "192.168.10.0/24", "192.168.11.0/24"]],
      ["Udp", ["10.40.0.0/16", "192.168.1.0/24", "192.168.10.0/24", "192.168.11.0/24"]],
    ]);
  });

  test("PXE reaches the distribution point only from the client VLANs and their relay agents", () => {
    const pxeRules = allowsInbound.filter((r) => r.nsg?.zoneName === "pxe" && ruleCoversPort(r, "Udp", 67) === true);
    expect(pxeRules).toHaveLength(1);
    expect(pxeRules[0].sources.map((s) => s.text)).toEqual(["192.168.10.0/24", "192.168.11.0/24", "192.168.10.1", "192.168.11.1"]);
    expect(pxeRules[0].destinations.map((d) => d.text)).toEqual(["10.40.3.4/32"]);
    const dp = site.index.vms.find((v) => v.roles.includes("pxe-distribution-point"))!;
    expect(dp.resource.config.tags).toMatchObject({ "sdz-pxe-unknown-computers": "false", "sdz-pxe-multicast": "false" });
  });

  test("the shares: state for the clients, content as capture and IDE-redirection location", () => {
    const accounts = Object.values<any>(site.json.resource.azurerm_storage_account).filter((a) => a.azure_files_authentication);
    expect(accounts.map((a) => [a.name, a.tags["sdz-role"], a.public_network_access_enabled]).sort()).toEqual([
      ["osdsitecontent01", "deployment-content", false],
      ["osdsiteusmt01", "state-migration-store", false],
    ]);
    const smbTo = (ip: string) => allowsInbound.filter((r) => r.nsg?.zoneName === "content" && r.destinations.some((d) => d.text === `${ip}/32`) && ruleCoversPort(r, "Tcp", 445) === true)
      .flatMap((r) => r.sources.map((s) => s.text)).sort();
    expect(smbTo("10.40.4.4")).toEqual(["192.168.10.0/24", "192.168.11.0/24"]);
    expect(smbTo("10.40.4.5")).toEqual(["10.40.6.0/24", "10.40.9.0/24"]);
    const ref = site.index.vms.find((v) => v.roles.includes("reference-computer"))!;
    const oob = site.index.vms.find((v) => v.roles.includes("oob-service-point"))!;
    const unc = "\\\\osdsitecontent01.file.core.windows.net\\content";
    expect(site.stack.contentShare.uncPath).toBe(unc);
    expect(ref.resource.config.tags["sdz-ref-capture-location"]).toBe(unc);
    expect(oob.resource.config.tags["sdz-oob-ide-image-location"]).toBe(unc);
    expect(subnetNamesOf(oob)).toEqual(["management"]);
  });

  test("the DCs replicate DC /32 to DC /32, opened by the identity zone; no rule admits the whole identity prefix", () => {
    const identity = allowsInbound.filter((r) => r.nsg?.zoneName === "identity");
    expect(identity.some((r) => r.sources.some((src) => src.text === "10.40.2.0/24"))).toBe(false);
    const dcToDc = (from: string, to: string) => identity.filter((r) => r.sources.some((x) => x.text === `${from}/32`) && r.destinations.some((d) => d.text === `${to}/32`));
    for (const [from, to] of [["10.40.2.4", "10.40.2.5"], ["10.40.2.5", "10.40.2.4"]]) {
      const rules = dcToDc(from, to);
      for (const [proto, port] of [["Tcp", 135], ["Tcp", 445], ["Tcp", 389], ["Tcp", 88], ["Udp", 53], ["Tcp", 3268], ["Tcp", 50000]] as const) {
        expect([from, to, proto, port, rules.some((r) => ruleCoversPort(r, proto, port) === true)]).toEqual([from, to, proto, port, true]);
      }
      // Only the DCs: every replication rule's sources are DC addresses.
      expect(rules.every((r) => r.sources.every((x) => ["10.40.2.4/32", "10.40.2.5/32"].includes(x.text)))).toBe(true);
    }
  });

  test("out-of-band: HTTPS to the vault endpoint from the service point and the runner of terraform apply only; AMT to the on-premises client VLANs only (no Azure VM has AMT)", () => {
    const mgmtRules = site.index.rules.filter((r) => r.nsg?.zoneName === "management");
    const https = mgmtRules.filter((r) => r.access === "Allow" && ruleCoversPort(r, "Tcp", 443) === true);
    expect(https.map((r) => [r.direction, r.sources.map((x) => x.text), r.destinations.map((d) => d.text)]).sort()).toEqual([
      ["Inbound", ["10.40.9.4/32"], ["10.40.9.5/32"]],
      ["Inbound", ["192.168.1.20/32"], ["10.40.9.5/32"]], // Terraform's data-plane writes (secret, contacts, certificate)
      ["Outbound", ["10.40.9.4/32"], ["10.40.9.5/32"]],
    ]);
    const [pe] = Object.values<any>(site.json.resource.azurerm_private_endpoint).filter((p) => p.private_service_connection.subresource_names[0] === "vault");
    expect(pe.ip_configuration).toEqual([{ name: "vault", private_ip_address: "10.40.9.5", subresource_name: "vault", member_name: "default" }]);
    const amtOut = mgmtRules.filter((r) => r.direction === "Outbound" && r.access === "Allow" && ruleCoversPort(r, "Tcp", 16993) === true);
    expect(amtOut.flatMap((r) => r.destinations.map((d) => d.text)).sort()).toEqual(["192.168.10.0/24", "192.168.11.0/24"]);
    expect(amtOut.every((r) => r.sources.map((x) => x.text).join() === "10.40.9.4/32")).toBe(true);
    // No Azure NSG admits AMT: the clients are on premises, behind their router.
    expect(allowsInbound.filter((r) => ruleCoversPort(r, "Tcp", 16993) === true)).toEqual([]);
    const oob = site.index.vms.find((v) => v.roles.includes("oob-service-point"))!;
    expect(oob.resource.config.tags["sdz-oob-amt-client-prefixes"]).toBe("192.168.10.0/24,192.168.11.0/24");
  });

  test("R-KMS-8: route tables send KMS traffic between the clients and the activation zone through the firewall's private IP, both ways", () => {
    const tables = site.json.resource.azurerm_route_table as Record<string, any>;
    const tableOf = (ref: string) => Object.entries(tables).find(([k]) => ref.includes(`azurerm_route_table.${k}.`))![1].name;
    const [fwKey] = Object.keys(site.json.resource.azurerm_firewall);
    const routes = Object.values<any>(site.json.resource.azurerm_route);
    expect(routes.every((r) => r.next_hop_type === "VirtualAppliance" && r.next_hop_in_ip_address === `\${azurerm_firewall.${fwKey}.ip_configuration[0].private_ip_address}`)).toBe(true);
    expect(routes.map((r) => `${tableOf(r.route_table_name)} ${r.address_prefix}`).sort()).toEqual([
      "GatewaySubnet-rt 10.40.5.0/24",
      "activation-rt 10.40.1.0/24", "activation-rt 10.40.9.0/24", "activation-rt 192.168.10.0/24", "activation-rt 192.168.11.0/24",
      "management-rt 10.40.5.0/24",
      "servers-rt 10.40.5.0/24",
    ]);
  });

  test("the AMT provisioning certificate: a CSR for the internal CA (issuer Unknown), renewal reminders, installed on the service point by the Key Vault VM extension", () => {
    const [certKey, cert] = Object.entries<any>(site.json.resource.azurerm_key_vault_certificate)[0];
    expect(cert.certificate_policy.issuer_parameters.name).toBe("Unknown");
    expect(cert.certificate_policy.lifetime_action).toEqual([{ action: { action_type: "EmailContacts" }, trigger: { days_before_expiry: 60 } }]);
    expect(Object.values<any>(site.json.resource.azurerm_key_vault_certificate_contacts)[0].contact).toEqual([{ email: "pki-team@corp.example.com" }]);
    const installer = Object.values<any>(site.json.resource.azurerm_virtual_machine_extension).filter((e) => e.type === "KeyVaultForWindows");
    expect(installer).toHaveLength(1);
    expect(JSON.parse(installer[0].settings).secretsManagementSettings.observedCertificates[0])
      .toMatchObject({ url: `\${azurerm_key_vault_certificate.${certKey}.versionless_secret_id}`, certificateStoreLocation: "LocalMachine", keyExportable: false });
    // In-band provisioning by address: no DNS record for a provisioning name (R-OOB-7).
    expect(site.json.resource.azurerm_private_dns_a_record).toBeUndefined();
  });

  test("the state migration point: a hardened member server with a capped state store, reached by the client VLANs over HTTPS and SMB only", () => {
    const smp = site.index.vms.find((v) => v.roles.includes("state-migration-point"))!;
    expect(subnetNamesOf(smp)).toEqual(["servers"]);
    expect(smp.resource.config.tags).toMatchObject({ "sdz-smp-quota-gib": "1024" });
    const toSmp = allowsInbound.filter((r) => r.destinations.some((d) => d.text === "10.40.1.10/32"));
    const fromClients = toSmp.filter((r) => r.sources.some((x) => x.text === "192.168.10.0/24"));
    expect([80, 443, 445].filter((p) => fromClients.some((r) => ruleCoversPort(r, "Tcp", p) !== false))).toEqual([443, 445]); // Enhanced HTTP site: no HTTP
    expect(fs.existsSync(path.join(site.outdir, STACK_DIR, "smp01-state-migration-point.ps1"))).toBe(true);
  });

  test("the provider authenticates storage data-plane calls with Entra ID (shared key access is off)", () => {
    expect(site.json.provider.azurerm).toEqual([expect.objectContaining({ storage_use_azuread: true })]);
  });

  test("every variable is free of defaults; every secret is sensitive", () => {
    const vars = site.json.variable as Record<string, { default?: unknown; sensitive?: boolean }>;
    expect(Object.keys(vars).length).toBeGreaterThan(0);
    for (const [name, v] of Object.entries(vars)) expect([name, "default" in v]).toEqual([name, false]);
    const secrets = ["amt_mebx_password", "dc_admin_password", "kms_admin_password", "server_admin_password", "vpn_shared_key"];
    for (const name of secrets) expect([name, vars[name]?.sensitive]).toEqual([name, true]);
    // Every secret-bearing attribute references a sensitive variable.
    const vms = Object.values<any>(site.json.resource.azurerm_windows_virtual_machine);
    for (const vm of vms) expect(secrets.map((s) => `\${var.${s}}`)).toContain(vm.admin_password);
    expect(JSON.stringify(site.json.output)).not.toMatch(/var\.|password/i);
  });

  test("state is local by default and in an azurerm backend when asked", () => {
    // No remote backend (cdktf's App then writes a local one; see the app test below).
    expect(Object.keys(site.json.terraform.backend ?? {}).filter((k) => k !== "local")).toEqual([]);
    const remote = synthesize({ remoteState: { storageAccountName: "sttfstate01", resourceGroupName: "rg-tfstate", containerName: "tfstate" } });
    expect(remote.json.terraform.backend).toEqual({
      azurerm: { storage_account_name: "sttfstate01", resource_group_name: "rg-tfstate", container_name: "tfstate", key: "hybrid-osd-site.tfstate", use_azuread_auth: true },
    });
    expect(remote.result.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL)).toEqual([]);
  });

  test("remoteStateFromEnv: none set means local, all three set means azurerm, a partial set fails naming what is missing", () => {
    expect(remoteStateFromEnv({})).toBeUndefined();
    expect(remoteStateFromEnv({ SDZ_STATE_STORAGE_ACCOUNT: "st1", SDZ_STATE_RESOURCE_GROUP: "rg1", SDZ_STATE_CONTAINER: "c1", SDZ_STATE_KEY: "site.tfstate" }))
      .toEqual({ storageAccountName: "st1", resourceGroupName: "rg1", containerName: "c1", key: "site.tfstate" });
    expect(() => remoteStateFromEnv({ SDZ_STATE_STORAGE_ACCOUNT: "st1" })).toThrow(/missing: SDZ_STATE_RESOURCE_GROUP, SDZ_STATE_CONTAINER/);
  });

  test("runs as the cdktf app (what `cdktf synth` runs): synthesizes with the checks and writes the reports", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "hybrid-osd-site."));
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    for (const k of ["SDZ_STATE_STORAGE_ACCOUNT", "SDZ_STATE_RESOURCE_GROUP", "SDZ_STATE_CONTAINER", "SDZ_STATE_KEY"]) delete env[k];
    const run = spawnSync(process.execPath, [
      require.resolve("ts-node/dist/bin.js"), "--transpile-only", "--project", path.join(ROOT, "test", "tsconfig.json"),
      path.join(ROOT, "examples", "hybrid-osd-site", "main.ts"),
    ], { cwd: ROOT, env, encoding: "utf8", timeout: 110_000 });
    expect(run.stderr).not.toMatch(/\[SDZ-/);
    expect(run.status).toBe(0);
    const dir = path.join(outdir, STACK_DIR);
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    expect(tf.resource.azurerm_virtual_network_gateway).toBeDefined();
    expect(Object.keys(tf.terraform.backend)).toEqual(["local"]); // no SDZ_STATE_* set: local state
    const report = JSON.parse(fs.readFileSync(path.join(dir, "compliance-report.json"), "utf8"));
    expect(report.passed).toBe(true);
    // No warning: the KMS and state migration point hardening is applied (set and read back).
    expect(report.counts).toMatchObject({ errors: 0, warnings: 0, unverified: 0, suppressed: 2 });
    expect(fs.existsSync(path.join(dir, "compliance-report.sarif"))).toBe(true);
    expect(fs.readFileSync(path.join(dir, "compliance-report.md"), "utf8")).toContain("**PASSED**");
  }, 120_000);
});
