/**
 * AzureBastionSubnet as a source: Azure Bastion with exactly the NSG Microsoft requires
 * (learn.microsoft.com/azure/bastion/bastion-nsg: Internet and GatewayManager in on TCP 443, ...)
 * and a KMS host that allows RDP from the Bastion subnet only, as Microsoft recommends for target
 * VMs. The Internet reaching Bastion's own TLS front end on 443 does not make the subnet a
 * perimeter zone; anything else that lets the Internet in still does. Raw, untagged resources
 * (review finding F2, reproducers r01, r01b, r01c).
 */
import { ZoneTags } from "../../../src/contract/zone-tags";
import { Zones } from "../../../src/engine/zones";
import { TrustLevel } from "../../../src/network/trust-level";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-006";
const KMS_VM = "azurerm_windows_virtual_machine.kms01";

type Rule = Record<string, unknown>;

function nsgRule(name: string, priority: number, direction: string, protocol: string, ports: string | string[], source: string, destination = "*"): Rule {
  return {
    name, priority, direction, access: "Allow", protocol, source_port_range: "*",
    ...(Array.isArray(ports) ? { destination_port_ranges: ports } : { destination_port_range: ports }),
    source_address_prefix: source, destination_address_prefix: destination,
  };
}

/** The NSG rules Microsoft requires on AzureBastionSubnet (learn.microsoft.com/azure/bastion/bastion-nsg). */
const BASTION_NSG: Rule[] = [
  nsgRule("AllowHttpsInbound", 120, "Inbound", "Tcp", "443", "Internet"),
  nsgRule("AllowGatewayManagerInbound", 130, "Inbound", "Tcp", "443", "GatewayManager"),
  nsgRule("AllowAzureLoadBalancerInbound", 140, "Inbound", "Tcp", "443", "AzureLoadBalancer"),
  nsgRule("AllowBastionHostCommunication", 150, "Inbound", "*", ["8080", "5701"], "VirtualNetwork", "VirtualNetwork"),
  nsgRule("AllowSshRdpOutbound", 100, "Outbound", "*", ["22", "3389"], "*", "VirtualNetwork"),
  nsgRule("AllowAzureCloudOutbound", 110, "Outbound", "Tcp", "443", "*", "AzureCloud"),
  nsgRule("AllowBastionCommunication", 120, "Outbound", "*", ["8080", "5701"], "VirtualNetwork", "VirtualNetwork"),
  nsgRule("AllowHttpOutbound", 130, "Outbound", "*", "80", "*", "Internet"),
];

interface Options {
  /** Rules added to the Bastion NSG. */
  readonly extraRules?: Rule[];
  /** Tags on the Bastion NSG. */
  readonly tags?: Record<string, string>;
  /** No NSG on AzureBastionSubnet (r01b). */
  readonly noNsg?: boolean;
  /** Extra attributes of the azurerm_bastion_host; `null` leaves the Bastion host out. */
  readonly bastion?: Record<string, unknown> | null;
  /** Put a NIC of this configuration in AzureBastionSubnet (Azure refuses it; the configuration shows it). */
  readonly nicInBastionSubnet?: boolean;
}

/** r01: AzureBastionSubnet 10.60.0.0/26 with Bastion, a KMS host 10.60.5.10 taking RDP from the Bastion subnet only. */
function r01(o: Options = {}): Record<string, unknown> {
  const rg = "${azurerm_resource_group.rg.name}";
  const common = { location: "westeurope", resource_group_name: rg };
  const resource: Record<string, Record<string, unknown>> = {
    azurerm_resource_group: { rg: { name: "rg-osd", location: "westeurope" } },
    azurerm_virtual_network: { net: { name: "vnet-net", ...common, address_space: ["10.60.0.0/16"] } },
    azurerm_subnet: {
      bastion: { name: "AzureBastionSubnet", resource_group_name: rg, virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.60.0.0/26"] },
      kms: { name: "snet-kms", resource_group_name: rg, virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.60.5.0/24"] },
    },
    azurerm_network_security_group: {
      ...(o.noNsg ? {} : { bastion: { name: "nsg-bastion", ...common, security_rule: [...BASTION_NSG, ...(o.extraRules ?? [])], ...(o.tags ? { tags: o.tags } : {}) } }),
      kms: {
        name: "nsg-kms", ...common,
        security_rule: [
          nsgRule("AllowKmsFromClients", 100, "Inbound", "Tcp", "1688", "10.60.1.0/24", "10.60.5.10"),
          nsgRule("AllowRdpFromBastion", 110, "Inbound", "Tcp", "3389", "10.60.0.0/26", "10.60.5.10"),
          nsgRule("AllowIcmpFromVnet", 4000, "Inbound", "Icmp", "*", "10.60.0.0/16"),
          { name: "DenyAllInbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" },
        ],
      },
    },
    azurerm_subnet_network_security_group_association: {
      ...(o.noNsg ? {} : { bastion: { subnet_id: "${azurerm_subnet.bastion.id}", network_security_group_id: "${azurerm_network_security_group.bastion.id}" } }),
      kms: { subnet_id: "${azurerm_subnet.kms.id}", network_security_group_id: "${azurerm_network_security_group.kms.id}" },
    },
    azurerm_public_ip: { bastion: { name: "pip-bastion", ...common, allocation_method: "Static", sku: "Standard" } },
    azurerm_network_interface: {
      kms01: { name: "nic-kms01", ...common, ip_configuration: [{ name: "ipconfig1", subnet_id: "${azurerm_subnet.kms.id}", private_ip_address_allocation: "Static", private_ip_address: "10.60.5.10" }] },
      ...(o.nicInBastionSubnet ? { stray: { name: "nic-stray", ...common, ip_configuration: [{ name: "ipconfig1", subnet_id: "${azurerm_subnet.bastion.id}", private_ip_address_allocation: "Static", private_ip_address: "10.60.0.10" }] } } : {}),
    },
    azurerm_windows_virtual_machine: {
      kms01: {
        name: "kms01", ...common, size: "Standard_D2s_v5", admin_username: "azureadmin", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.kms01.id}"], patch_mode: "AutomaticByPlatform",
        os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
      },
    },
  };
  if (o.bastion !== null) {
    resource.azurerm_bastion_host = {
      bastion: {
        name: "bas-osd", ...common, sku: "Standard",
        ip_configuration: { name: "ipconfig", subnet_id: "${azurerm_subnet.bastion.id}", public_ip_address_id: "${azurerm_public_ip.bastion.id}" },
        ...o.bastion,
      },
    };
  }
  return { variable: { admin_password: { type: "string", sensitive: true } }, resource };
}

function bastionTrust(tf: Record<string, unknown>) {
  const zones = Zones.of(TfJson.fromJson(tf).model());
  const zone = zones.zones.find((z) => z.subnet?.name === "AzureBastionSubnet")!;
  return zones.trustOf(zone);
}

describe("AzureBastionSubnet: Bastion's TLS front end on 443 is no perimeter", () => {
  // Before: SDZ-KMS-006 error "KMS host is reachable from PERIMETER zone AzureBastionSubnet (...; inferred: NSG rule
  // "AllowHttpsInbound" allows the Internet to reach azurerm_subnet.bastion (TCP 443)) on TCP 3389".
  test("r01: the NSG Microsoft requires and RDP from the Bastion subnet only: no SDZ-KMS-006 finding; the subnet is inferred MANAGEMENT", () => {
    const r = check(r01(), [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    const t = bastionTrust(r01());
    expect(t.level).toBe(TrustLevel.MANAGEMENT);
    expect(t.source).toBe("inferred");
    expect(t.evidence).toMatch(/AzureBastionSubnet/);
    expect(t.evidence).toMatch(/azurerm_bastion_host\.bastion/);
  });

  // Before: the same error, with "declared MANAGEMENT (...), but NSG rule "AllowHttpsInbound" allows the Internet ...".
  test("r01c: a declared sdz-trust on the Bastion NSG stands, MANAGEMENT and PERIMETER alike", () => {
    const mgmt = r01({ tags: { [ZoneTags.ZONE]: "bastion", [ZoneTags.TRUST]: "MANAGEMENT" } });
    expect(check(mgmt, [ID]).findings).toEqual([]);
    expect(bastionTrust(mgmt)).toMatchObject({ level: TrustLevel.MANAGEMENT, source: "declared" });
    const perimeter = r01({ tags: { [ZoneTags.TRUST]: "PERIMETER" } });
    const r = check(perimeter, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_VM]);
    expect(messages(r, ID)[0]).toMatch(/PERIMETER zone AzureBastionSubnet \(10\.60\.0\.0\/26; declared: sdz-trust=PERIMETER/);
  });

  // Before: could not verify ("zone AzureBastionSubnet (...; trust not declared)"), better than with the NSG Microsoft requires.
  test("r01b: no NSG on the Bastion subnet: no SDZ-KMS-006 finding (SDZ-NET-002 reports the missing NSG)", () => {
    const r = check(r01({ noNsg: true }), [ID, "SDZ-NET-002"]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.bastion"]);
  });

  test("an allow from the Internet on another port of the Bastion NSG still makes it PERIMETER", () => {
    const r = check(r01({ extraRules: [nsgRule("AllowAltHttps", 160, "Inbound", "Tcp", "8443", "Internet")] }), [ID]);
    expect(flagged(r, ID)).toEqual([KMS_VM]);
    expect(messages(r, ID)[0]).toMatch(/PERIMETER zone AzureBastionSubnet \(10\.60\.0\.0\/26; inferred: NSG rule "AllowAltHttps" allows the Internet to reach azurerm_subnet\.bastion \(TCP 8443\)\) on TCP 3389/);
    // A rule opening 443 and more: the other ports count; so does UDP 443 (Bastion's front end is TCP).
    const wide = check(r01({ extraRules: [nsgRule("AllowWebInbound", 160, "Inbound", "Tcp", "443-444", "Internet")] }), [ID]);
    expect(flagged(wide, ID)).toEqual([KMS_VM]);
    expect(messages(wide, ID)[0]).toMatch(/"AllowWebInbound" allows the Internet to reach azurerm_subnet\.bastion \(TCP 444\)/);
    const udp = check(r01({ extraRules: [nsgRule("AllowQuicInbound", 160, "Inbound", "*", "443", "Internet")] }), [ID]);
    expect(flagged(udp, ID)).toEqual([KMS_VM]);
    expect(messages(udp, ID)[0]).toMatch(/"AllowQuicInbound" allows the Internet to reach azurerm_subnet\.bastion \(UDP 443\)/);
  });

  test("RDP from the Internet on the Bastion NSG: PERIMETER; that rule is SDZ-NET-001's one finding, and the subnet is not inferred MANAGEMENT", () => {
    const tf = r01({ extraRules: [nsgRule("AllowRdpInbound", 160, "Inbound", "Tcp", "3389", "Internet")] });
    expect(bastionTrust(tf)).toMatchObject({ level: TrustLevel.PERIMETER, evidence: expect.stringMatching(/"AllowRdpInbound" allows the Internet to reach azurerm_subnet\.bastion \(TCP 3389\)/) });
    const r = check(tf, [ID, "SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual(["azurerm_network_security_group.bastion"]);
    expect(flagged(r, ID)).toEqual([]);
    // Not a silent pass: the subnet's trust is asked for.
    // On the zone, where its trust is declared (before: on the host).
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_network_security_group.bastion"]);
    expect(messages(r, ID)[0]).toMatch(/zone AzureBastionSubnet \(10\.60\.0\.0\/26; .* reaches KMS host azurerm_windows_virtual_machine\.kms01 .*; its trust is neither declared/);
  });

  test("shareable links on the Bastion (or not known): anyone with a link reaches the VMs' sign-in without Azure sign-in, so 443 from the Internet counts", () => {
    for (const value of [true, "${var.shareable}"]) {
      const tf = r01({ bastion: { shareable_link_enabled: value } });
      const r = check(tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_VM]);
      expect(messages(r, ID)[0]).toMatch(/PERIMETER zone AzureBastionSubnet \(10\.60\.0\.0\/26; inferred: NSG rule "AllowHttpsInbound" allows the Internet to reach azurerm_subnet\.bastion \(TCP 443\), and shareable_link_enabled of azurerm_bastion_host\.bastion/);
    }
    expect(check(r01({ bastion: { shareable_link_enabled: false } }), [ID]).findings).toEqual([]);
  });

  test("no Bastion host in the configuration, or a NIC of it in the subnet: nothing is set aside (as before)", () => {
    for (const tf of [r01({ bastion: null }), r01({ nicInBastionSubnet: true })]) {
      const r = check(tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_VM]);
      expect(messages(r, ID)[0]).toMatch(/PERIMETER zone AzureBastionSubnet \(10\.60\.0\.0\/26; inferred: NSG rule "AllowHttpsInbound" allows the Internet to reach azurerm_subnet\.bastion \(TCP 443\)\)/);
    }
  });
});
