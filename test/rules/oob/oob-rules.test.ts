import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultCertificate, KeyVaultCertificateCertificatePolicyLifetimeAction } from "@cdktf/provider-azurerm/lib/key-vault-certificate";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { RuleLevel } from "../../../src/engine/rule";
import { OOB_PACK } from "../../../src/rules/oob";
import { checkFixture, failures, openFindings, unverified } from "../../support/fixtures";

const RG = "rg";
const THUMB = "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678";

function zone(s: Construct, name: string, prefix: string, trust: string) {
  const nsg = new NetworkSecurityGroup(s, `${name}-nsg`, { name: `${name}-nsg`, location: "westeurope", resourceGroupName: RG, tags: { "sdz-zone": name, "sdz-trust": trust } });
  const subnet = new Subnet(s, `${name}-subnet`, { name, resourceGroupName: RG, virtualNetworkName: "vnet", addressPrefixes: [prefix] });
  new SubnetNetworkSecurityGroupAssociation(s, `${name}-assoc`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  return { nsg, subnet };
}

interface RuleOpts { protocol?: string; priority?: number; destination?: string; access?: string }

function allow(s: Construct, id: string, nsg: NetworkSecurityGroup, source: string, port: string, opts: RuleOpts = {}) {
  new NetworkSecurityRule(s, id, {
    name: id, priority: opts.priority ?? 200, direction: "Inbound", access: opts.access ?? "Allow", protocol: opts.protocol ?? "Tcp",
    sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: source, destinationAddressPrefix: opts.destination ?? "*",
    resourceGroupName: RG, networkSecurityGroupName: nsg.name,
  });
}

function servicePoint(s: Construct, subnet: Subnet, tags: Record<string, string>) {
  const nic = new NetworkInterface(s, "sp-nic", {
    name: "sp-nic", location: "westeurope", resourceGroupName: RG,
    ipConfiguration: [{ name: "primary", subnetId: subnet.id, privateIpAddressAllocation: "Static", privateIpAddress: "10.0.9.10" }],
    tags: { "sdz-role": "oob-service-point" },
  });
  new WindowsVirtualMachine(s, "sp", {
    name: "sp", location: "westeurope", resourceGroupName: RG, size: "Standard_D2s_v5", adminUsername: "osdadmin",
    adminPassword: new TerraformVariable(s, "pw", { type: "string", sensitive: true }).stringValue,
    networkInterfaceIds: [nic.id], osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    tags: { "sdz-role": "oob-service-point", ...tags },
  });
}

const GOOD_SETTINGS = {
  "sdz-oob-mebx-custom-password": "true", "sdz-oob-ca-thumbprint": THUMB, "sdz-oob-provisioning-server": "10.0.9.10",
  "sdz-oob-provisioning-port": "9972", "sdz-oob-provisioning": "disabled", "sdz-oob-amt-client-prefixes": "10.0.20.0/24",
};

type Zone = ReturnType<typeof zone>;

function site(build: (s: Construct, z: { mgmt: Zone; clients: Zone; dmz: Zone }) => void, spTags: Record<string, string> | null = GOOD_SETTINGS) {
  return checkFixture((s) => {
    const mgmt = zone(s, "management", "10.0.9.0/24", "MANAGEMENT");
    const clients = zone(s, "clients", "10.0.20.0/24", "INTERNAL");
    const dmz = zone(s, "dmz", "10.0.30.0/24", "PERIMETER");
    if (spTags) servicePoint(s, mgmt.subnet, spTags);
    build(s, { mgmt, clients, dmz });
  }, OOB_PACK.rules);
}

describe("SDZ-OOB-001 AMT ports beyond the management zone", () => {
  test.each([["*"], ["VirtualNetwork"], ["10.0.30.0/24"], ["10.0.0.0/16"], ["172.16.0.0/24"]])("AMT from %s fails", (src) => {
    const f = failures(site((s, z) => allow(s, "amt", z.clients.nsg, src, "16992-16995")), "SDZ-OOB-001");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ address: "azurerm_network_security_rule.amt", level: RuleLevel.ERROR });
    expect(f[0].message).toContain(src);
  });
  test("one AMT port within a wider range fails", () => {
    expect(failures(site((s, z) => allow(s, "amt", z.clients.nsg, "*", "16000-17000")), "SDZ-OOB-001")).toHaveLength(1);
  });
  test.each([["10.0.9.0/24"], ["10.0.9.10/32"], ["10.0.9.10"]])("AMT from the management zone or the service point (%s) passes", (src) => {
    expect(openFindings(site((s, z) => allow(s, "amt", z.clients.nsg, src, "16992-16995")), "SDZ-OOB-001")).toHaveLength(0);
  });
  test("an AMT allow shadowed by a deny passes", () => {
    const r = site((s, z) => {
      allow(s, "deny", z.clients.nsg, "*", "16992-16995", { access: "Deny", priority: 100 });
      allow(s, "amt", z.clients.nsg, "*", "16992-16995");
    });
    expect(openFindings(r, "SDZ-OOB-001")).toHaveLength(0);
  });
  test("a source from a variable is unverified", () => {
    const r = site((s, z) => allow(s, "amt", z.clients.nsg, new TerraformVariable(s, "src", { type: "string" }).stringValue, "16993"));
    expect(failures(r, "SDZ-OOB-001")).toHaveLength(0);
    expect(unverified(r, "SDZ-OOB-001")).toHaveLength(1);
  });
});

describe("SDZ-OOB-002 provisioning port", () => {
  test("the default port open while provisioning is off fails, even without a service point", () => {
    const f = failures(site((s, z) => allow(s, "prov", z.mgmt.nsg, "10.0.20.0/24", "9971"), null), "SDZ-OOB-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/TCP 9971 while out-of-band provisioning is off/);
  });
  test("the custom port open to the service point while provisioning is off fails", () => {
    const f = failures(site((s, z) => allow(s, "prov", z.mgmt.nsg, "10.0.20.0/24", "9972", { destination: "10.0.9.10/32" })), "SDZ-OOB-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("9972");
  });
  test("the custom port on a host that is not a service point is not the provisioning port", () => {
    expect(openFindings(site((s, z) => allow(s, "other", z.clients.nsg, "10.0.9.0/24", "9972", { destination: "10.0.20.5/32" })), "SDZ-OOB-002")).toHaveLength(0);
  });
  test("provisioning enabled: only the declared AMT client segments may reach the port", () => {
    const enabled = { ...GOOD_SETTINGS, "sdz-oob-provisioning": "enabled" };
    const ok = site((s, z) => allow(s, "prov", z.mgmt.nsg, "10.0.20.0/24", "9972", { destination: "10.0.9.10/32" }), enabled);
    expect(openFindings(ok, "SDZ-OOB-002")).toHaveLength(0);
    const bad = site((s, z) => allow(s, "prov", z.mgmt.nsg, "10.0.30.0/24", "9972", { destination: "10.0.9.10/32" }), enabled);
    expect(failures(bad, "SDZ-OOB-002")[0].message).toMatch(/outside the declared AMT client segments \(10.0.20.0\/24\)/);
  });
  test("provisioning enabled with on-premises AMT segments in sdz-oob-amt-client-prefixes: those sources pass, other on-premises ranges fail", () => {
    const enabled = { ...GOOD_SETTINGS, "sdz-oob-provisioning": "enabled", "sdz-oob-amt-client-prefixes": "10.0.20.0/24,192.168.10.0/24,192.168.11.0/24" };
    const ok = site((s, z) => allow(s, "prov", z.mgmt.nsg, "192.168.11.0/25", "9972", { destination: "10.0.9.10/32" }), enabled);
    expect(openFindings(ok, "SDZ-OOB-002")).toHaveLength(0);
    const bad = site((s, z) => allow(s, "prov", z.mgmt.nsg, "192.168.12.0/24", "9972", { destination: "10.0.9.10/32" }), enabled);
    const f = failures(bad, "SDZ-OOB-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("from 192.168.12.0/24, outside the declared AMT client segments (10.0.20.0/24, 192.168.10.0/24, 192.168.11.0/24)");
  });
  test("a deny-only configuration passes", () => {
    expect(openFindings(site((s, z) => allow(s, "deny", z.mgmt.nsg, "*", "9971", { access: "Deny" })), "SDZ-OOB-002")).toHaveLength(0);
  });
  test("ports from a variable are unverified", () => {
    const r = site((s, z) => allow(s, "prov", z.mgmt.nsg, "10.0.20.0/24", new TerraformVariable(s, "port", { type: "string" }).stringValue));
    expect(unverified(r, "SDZ-OOB-002")).toHaveLength(1);
  });
});

describe("SDZ-OOB-003 AMT firmware settings", () => {
  test("customized settings pass", () => {
    expect(openFindings(site(() => undefined), "SDZ-OOB-003")).toHaveLength(0);
  });
  test("default provisioning server and bad thumbprint are errors", () => {
    const f = failures(site(() => undefined, { ...GOOD_SETTINGS, "sdz-oob-provisioning-server": "ProvisionServer", "sdz-oob-ca-thumbprint": "xyz" }), "SDZ-OOB-003");
    expect(f.map((x) => x.level)).toEqual([RuleLevel.ERROR, RuleLevel.ERROR]);
    expect(f[0].address).toBe("azurerm_windows_virtual_machine.sp");
  });
  test("enabled provisioning on the default port is an error", () => {
    const f = failures(site(() => undefined, { ...GOOD_SETTINGS, "sdz-oob-provisioning": "enabled", "sdz-oob-provisioning-port": "9971" }), "SDZ-OOB-003");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/default port 9971/);
  });
  test("a service point without declared settings warns for each", () => {
    const f = failures(site(() => undefined, {}), "SDZ-OOB-003");
    expect(f).toHaveLength(3);
    expect(f.every((x) => x.level === RuleLevel.WARNING)).toBe(true);
  });
});

interface CertOpts {
  actions?: KeyVaultCertificateCertificatePolicyLifetimeAction[];
  vault?: { purge?: boolean; public?: boolean };
  tagged?: boolean;
  noPolicy?: boolean;
  daysFromVar?: boolean;
}

function cert(opts: CertOpts) {
  return checkFixture((s) => {
    const kv = new KeyVault(s, "kv", {
      name: "kv1", location: "westeurope", resourceGroupName: RG, tenantId: "11111111-2222-3333-4444-555555555555", skuName: "standard",
      purgeProtectionEnabled: opts.vault?.purge ?? true, publicNetworkAccessEnabled: opts.vault?.public ?? false,
    });
    const actions = opts.daysFromVar
      ? [{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: new TerraformVariable(s, "d", { type: "number" }).numberValue } }]
      : opts.actions;
    new KeyVaultCertificate(s, "cert", {
      name: "amt", keyVaultId: kv.id,
      certificate: opts.noPolicy ? { contents: "MIIfake" } : undefined,
      certificatePolicy: opts.noPolicy ? undefined : {
        issuerParameters: { name: "Self" },
        keyProperties: { exportable: true, keyType: "RSA", keySize: 2048, reuseKey: false },
        secretProperties: { contentType: "application/x-pkcs12" },
        lifetimeAction: actions,
        x509CertificateProperties: { subject: "CN=sp", validityInMonths: 12, keyUsage: ["digitalSignature"] },
      },
      tags: opts.tagged === false ? {} : { "sdz-oob-provisioning-certificate": "true" },
    });
  }, OOB_PACK.rules);
}
const renew = (trigger: { daysBeforeExpiry?: number; lifetimePercentage?: number }, actionType = "AutoRenew") => [{ action: { actionType }, trigger }];

describe("SDZ-OOB-004 provisioning certificate renewal", () => {
  test("AutoRenew 60 days before expiry passes", () => {
    expect(openFindings(cert({ actions: renew({ daysBeforeExpiry: 60 }) }), "SDZ-OOB-004")).toHaveLength(0);
  });
  test("AutoRenew 30 days before expiry warns", () => {
    const f = failures(cert({ actions: renew({ daysBeforeExpiry: 30 }) }), "SDZ-OOB-004");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("AutoRenew 10 days before expiry is an error", () => {
    expect(failures(cert({ actions: renew({ daysBeforeExpiry: 10 }) }), "SDZ-OOB-004")[0].level).toBe(RuleLevel.ERROR);
  });
  test("lifetime_percentage is turned into days with the validity", () => {
    // 12 months at 80% leaves ~73 days; at 98% ~7 days.
    expect(openFindings(cert({ actions: renew({ lifetimePercentage: 80 }) }), "SDZ-OOB-004")).toHaveLength(0);
    expect(failures(cert({ actions: renew({ lifetimePercentage: 98 }) }), "SDZ-OOB-004")[0].level).toBe(RuleLevel.ERROR);
  });
  test("email-only lifetime actions or an imported certificate warn", () => {
    expect(failures(cert({ actions: renew({ daysBeforeExpiry: 60 }, "EmailContacts") }), "SDZ-OOB-004")[0].message).toMatch(/no AutoRenew/);
    expect(failures(cert({ noPolicy: true }), "SDZ-OOB-004")[0].message).toMatch(/imported without a certificate policy/);
  });
  test("days from a variable are unverified", () => {
    const r = cert({ daysFromVar: true });
    expect(failures(r, "SDZ-OOB-004")).toHaveLength(0);
    expect(unverified(r, "SDZ-OOB-004")).toHaveLength(1);
  });
  test("certificates not tagged for provisioning are not checked", () => {
    expect(openFindings(cert({ actions: renew({ daysBeforeExpiry: 5 }), tagged: false }), "SDZ-OOB-004")).toHaveLength(0);
  });
});

describe("SDZ-OOB-005 provisioning certificate vault", () => {
  test("a public vault without purge protection fails twice", () => {
    const f = failures(cert({ actions: renew({ daysBeforeExpiry: 60 }), vault: { purge: false, public: true } }), "SDZ-OOB-005");
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/without purge protection/), expect.stringMatching(/public network access on/)]);
    expect(f[0].address).toBe("azurerm_key_vault.kv");
  });
  test("a private, purge-protected vault passes", () => {
    expect(openFindings(cert({ actions: renew({ daysBeforeExpiry: 60 }) }), "SDZ-OOB-005")).toHaveLength(0);
  });
});

describe("SDZ-OOB-006 IDE-redirection images", () => {
  test("a location without SMB encryption fails", () => {
    const f = failures(site(() => undefined, { ...GOOD_SETTINGS, "sdz-oob-ide-image-location": "\\\\fs01\\ide" }), "SDZ-OOB-006");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/without SMB signing/);
  });
  test("a location with SMB encryption passes", () => {
    const r = site(() => undefined, { ...GOOD_SETTINGS, "sdz-oob-ide-image-location": "\\\\fs01\\ide", "sdz-oob-ide-image-smb-encryption": "true" });
    expect(openFindings(r, "SDZ-OOB-006")).toHaveLength(0);
  });
});
