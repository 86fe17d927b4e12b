import { PINNED_IDS } from "./pinned-ids";
import { RuleLevel } from "../../../src/engine/rule";
import { REF_PACK } from "../../../src/rules/ref";
import { Body, check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";
import { extension, onPremises, patch, runCommand, secondVm, tag, zone } from "../pxe/builders";

/**
 * A reference computer (app01, 10.0.1.4, subnet `servers`) with a management zone (10.0.9.0/24,
 * MANAGEMENT), an application zone (10.0.3.0/24, INTERNAL) and a capture share: storage account
 * `images01`, share `captures`, private endpoint 10.0.4.5 in a content zone.
 */
interface RefOptions {
  /** Inbound rules (default: RDP from the management zone). */
  readonly inbound?: Body[];
  /** Outbound rules (default: SMB to the capture endpoint, HTTP/HTTPS to the update tags, deny-all). */
  readonly outbound?: Body[];
  /** VM tags (default: role and capture location declared). */
  readonly tags?: Record<string, string>;
  readonly vm?: Body;
  readonly account?: Body;
  readonly extend?: (tf: TfJson, s: { vnet: string; vm: string; nic: string; nsg: string }) => void;
}

const CAPTURE = "\\\\images01.file.core.windows.net\\captures";
const out = (name: string, priority: number, protocol: string, port: string | string[], destination: string | string[], access: "Allow" | "Deny" = "Allow") =>
  rule(name, priority, access, protocol, port, "*", destination, "Outbound");
const DEFAULT_OUT = [
  out("smb-to-capture", 100, "Tcp", "445", "10.0.4.5"),
  out("updates", 110, "Tcp", ["80", "443"], ["AzureUpdateDelivery", "AzureFrontDoor.FirstParty"]),
  out("deny-all-outbound", 4096, "*", "*", "*", "Deny"),
];

function ref(placement: (typeof PLACEMENTS)[number], o: RefOptions = {}) {
  return site(placement, [...(o.inbound ?? [rule("rdp-from-management", 100, "Allow", "Tcp", "3389", "10.0.9.0/24")]), ...(o.outbound ?? DEFAULT_OUT)], {
    vmTags: o.tags ?? { "sdz-role": "reference-computer", "sdz-ref-capture-location": CAPTURE },
    extend: (tf, s) => {
      zone(tf, s.vnet, "mgmt", "10.0.9.0/24", { trust: "MANAGEMENT" });
      zone(tf, s.vnet, "app", "10.0.3.0/24", { trust: "INTERNAL" });
      const content = zone(tf, s.vnet, "content", "10.0.4.0/24", { trust: "INTERNAL" });
      tf.add("azurerm_storage_account", "images", { name: "images01", resource_group_name: "rg", location: "westeurope", account_tier: "Premium", account_kind: "FileStorage", account_replication_type: "ZRS", ...o.account });
      tf.add("azurerm_storage_share", "captures", { name: "captures", storage_account_id: TfJson.ref("azurerm_storage_account.images"), quota: 1024 });
      tf.add("azurerm_private_endpoint", "images", {
        name: "images-pe", location: "westeurope", resource_group_name: "rg", subnet_id: TfJson.ref(content.subnet),
        private_service_connection: { name: "file", private_connection_resource_id: TfJson.ref("azurerm_storage_account.images"), subresource_names: ["file"], is_manual_connection: false },
        ip_configuration: [{ name: "file", private_ip_address: "10.0.4.5", subresource_name: "file", member_name: "file" }],
      });
      if (o.vm) patch(tf, s.vm, o.vm);
      else patch(tf, s.vm, { patch_mode: "AutomaticByPlatform" });
      o.extend?.(tf, s);
    },
  });
}

describe("reference pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(REF_PACK.rules.map((r) => r.id)).toEqual([...PINNED_IDS]);
    expect(REF_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-REF-001", RuleLevel.ERROR, ["R-REF-1"], "reference"],
      ["SDZ-REF-002", RuleLevel.ERROR, ["R-REF-1"], "reference"],
      ["SDZ-REF-003", RuleLevel.ERROR, ["R-REF-1"], "reference"],
      ["SDZ-REF-004", RuleLevel.ERROR, ["R-REF-1", "R-NET-1"], "reference"],
      ["SDZ-REF-005", RuleLevel.INFO, ["R-REF-1"], "reference"],
    ]);
    for (const r of REF_PACK.rules) {
      expect([r.id, /[Ss]eeds? 00\d/.test(r.rationale)]).toEqual([r.id, true]);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });

  test.each(PLACEMENTS)("a compliant hand-written reference computer (%s NSG) passes every rule of the pack", (placement) => {
    expect(check(ref(placement).tf, [...REF_PACK.rules]).findings).toEqual([]);
  });
});

describe("which VMs are reference computers", () => {
  const ID = "SDZ-REF-003";
  test("the source VM of an azurerm_image or a shared image version, or a VM whose script runs sysprep /generalize, without any tag", () => {
    const viaImage = ref("inline", { tags: {}, vm: { patch_mode: "Manual" }, extend: (tf, { vm }) => tf.add("azurerm_image", "golden", { name: "golden", location: "westeurope", resource_group_name: "rg", source_virtual_machine_id: TfJson.ref(vm) }) });
    let r = check(viaImage.tf, [ID]);
    expect(flagged(r, ID)).toEqual([viaImage.vm]);
    expect(messages(r, ID)[0]).toMatch(/inferred: azurerm_image\.golden captures it \(source_virtual_machine_id\)/);
    const viaGallery = ref("inline", { tags: {}, vm: { patch_mode: "Manual" }, extend: (tf, { vm }) => tf.add("azurerm_shared_image_version", "v1", { name: "1.0.0", gallery_name: "g", image_name: "i", resource_group_name: "rg", location: "westeurope", managed_image_id: TfJson.ref(vm), target_region: [{ name: "westeurope", regional_replica_count: 1 }] }) });
    expect(flagged(check(viaGallery.tf, [ID]), ID)).toEqual([viaGallery.vm]);
    const viaScript = ref("inline", { tags: {}, vm: { patch_mode: "Manual" }, extend: (tf, { vm }) => runCommand(tf, "capture", vm, "C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown") });
    r = check(viaScript.tf, [ID]);
    expect(flagged(r, ID)).toEqual([viaScript.vm]);
    expect(messages(r, ID)[0]).toMatch(/inferred: azurerm_virtual_machine_run_command\.capture generalizes or captures its OS/);
  });

  test("a VM with neither is not a reference computer", () => {
    expect(check(ref("inline", { tags: {}, vm: { patch_mode: "Manual" } }).tf, [...REF_PACK.rules]).findings).toEqual([]);
  });
});

describe("SDZ-REF-001 reference computer reachable from outside the management zone", () => {
  const ID = "SDZ-REF-001";
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("RDP from an INTERNAL zone, a subnet that faces the Internet, or an on-premises range declared INTERNAL is flagged on the rule", () => {
      for (const src of ["10.0.3.0/24", "10.0.7.0/24", "192.168.10.0/24"]) {
        const s = ref(placement, {
          inbound: [rule("rdp", 100, "Allow", "Tcp", "3389", src)],
          extend: (tf, { vnet }) => {
            zone(tf, vnet, "dmz", "10.0.7.0/24", { internetFacing: true });
            onPremises(tf, "hq", ["192.168.10.0/24"], "INTERNAL");
          },
        });
        const r = check(s.tf, [ID]);
        expect(flagged(r, ID)).toEqual([s.address("rdp")]);
        expect(messages(r, ID)[0]).toMatch(/reach reference computer azurerm_windows_virtual_machine\.app01 \(declared: sdz-role=reference-computer.* on TCP 3389: only the management zone/);
      }
    });

    test("Azure's platform address 168.63.129.16 (load balancer health probes) is no source; a public address beside it still is", () => {
      // Before: 168.63.129.16 counted as "the Internet" (an error), though Azure sends only its own probes and agent traffic from it.
      const probe = ref(placement, { inbound: [rule("rdp-from-management", 100, "Allow", "Tcp", "3389", "10.0.9.0/24"), rule("probe", 110, "Allow", "Tcp", "8080", "168.63.129.16")] });
      expect(check(probe.tf, [ID]).findings).toEqual([]);
      const pub = ref(placement, { inbound: [rule("rdp-from-management", 100, "Allow", "Tcp", "3389", "10.0.9.0/24"), rule("probe", 110, "Allow", "Tcp", "8080", ["168.63.129.16", "203.0.113.7"])] });
      const r = check(pub.tf, [ID]);
      expect(flagged(r, ID)).toEqual([pub.address("probe")]);
      expect(messages(r, ID)[0]).not.toMatch(/168\.63\.129\.16/);
    });

    test("RDP from a zone whose trust is not declared is could-not-verify", () => {
      const s = ref(placement, { inbound: [rule("rdp", 100, "Allow", "Tcp", "3389", "10.0.6.0/24")], extend: (tf, { vnet }) => zone(tf, vnet, "jump", "10.0.6.0/24") });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("rdp")]);
      expect(messages(r, ID)[0]).toMatch(/zone jump, whose trust is not declared/);
    });

    test("a source from a variable is could-not-verify (on RDP it is SDZ-NET-001's: the Internet may be in it)", () => {
      const s = ref(placement, { inbound: [rule("rdp", 100, "Allow", "Tcp", "8080", "${var.admins}")] });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("rdp")]);
    });
  });

  test("no deny-all: AllowVNetInBound lets every zone of the VNet in, reported on the NSG", () => {
    const s = site("inline", [rule("rdp-from-management", 100, "Allow", "Tcp", "3389", "10.0.9.0/24")], {
      denyAll: false, vmTags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": CAPTURE },
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "mgmt", "10.0.9.0/24", { trust: "MANAGEMENT" });
        zone(tf, vnet, "app", "10.0.3.0/24", { trust: "INTERNAL" });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/Azure's default rule AllowVNetInBound of NSG servers_nsg \(no explicit deny-all inbound overrides it\) lets zone app \(INTERNAL/);
  });

  test("RDP from the Internet is SDZ-NET-001's finding; a rule opening a non-management port to the Internet is this rule's", () => {
    const rdp = ref("inline", { inbound: [rule("rdp", 100, "Allow", "Tcp", "3389", "Internet")] });
    let r = check(rdp.tf, [ID, "SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([rdp.nsg]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
    const web = ref("inline", { inbound: [rule("web", 100, "Allow", "Tcp", "8080", "Internet")] });
    r = check(web.tf, [ID, "SDZ-NET-001"]);
    expect(flagged(r, ID)).toEqual([web.nsg]);
    expect(messages(r, ID)[0]).toMatch(/lets the Internet reach .* on TCP 8080/);
  });

  /**
   * Before: "lets the Internet reach" with no way in from the Internet (SDZ-NET-001 says "no public IP, load balancer or
   * DNAT reaches it today" for the same case), and a subnet without an NSG gave SDZ-NET-002's error and this rule's on top.
   */
  test("a rule that lets the Internet in says whether a public IP, load balancer or DNAT reaches the reference computer today", () => {
    const web = ref("inline", { inbound: [rule("web", 100, "Allow", "Tcp", "8080", "Internet")] });
    let r = check(web.tf, [ID]);
    expect(flagged(r, ID)).toEqual([web.nsg]);
    expect(messages(r, ID)[0]).toMatch(/lets the Internet reach .* on TCP 8080; no public IP, load balancer or DNAT reaches it today: only the management zone may reach a reference computer$/);
    const published = ref("inline", {
      inbound: [rule("web", 100, "Allow", "Tcp", "8080", "Internet")],
      extend: (tf, { nic }) => {
        const pip = tf.add("azurerm_public_ip", "ref_pip", { name: "ref-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
        patch(tf, nic, { ip_configuration: [{ name: "primary", subnet_id: TfJson.ref("azurerm_subnet.servers"), private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4", public_ip_address_id: TfJson.ref(pip) }] });
      },
    });
    r = check(published.tf, [ID]);
    expect(flagged(r, ID)).toEqual([published.nsg]);
    expect(messages(r, ID)[0]).not.toMatch(/reaches it today/);
  });

  test("a reference computer in a subnet without an NSG is SDZ-NET-002's one finding", () => {
    const s = ref("inline", {
      extend: (tf) => {
        delete tf.json.resource.azurerm_subnet_network_security_group_association.servers_servers_nsg;
      },
    });
    expect(Object.keys(s.tf.json.resource.azurerm_subnet_network_security_group_association)).not.toContain("servers_servers_nsg");
    const r = check(s.tf, [ID, "SDZ-NET-002"]);
    expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.servers"]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("a management zone declared MANAGEMENT that faces the Internet no longer counts as management", () => {
    const s = ref("inline", { extend: (tf) => { tf.json.resource.azurerm_network_security_group.mgmt_nsg.security_rule = [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet")]; } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/zone mgmt \(PERIMETER, inferred: declared MANAGEMENT/);
  });
});

describe("SDZ-REF-002 reference computer reaching other destinations", () => {
  const ID = "SDZ-REF-002";
  test.each(PLACEMENTS)("no deny-all outbound on the %s NSG: Azure's default outbound rules are one finding on the NSG", (placement) => {
    const s = ref(placement, { outbound: DEFAULT_OUT.slice(0, 2) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/Azure's default rules AllowVnetOutBound and AllowInternetOutBound of NSG \S+ \(no explicit deny-all outbound overrides them\) let reference computer .* reach the Internet on TCP any port and UDP any port/);
  });

  test.each(PLACEMENTS)("an explicit allow to the Internet, an INTERNAL zone or a broad service tag on the %s NSG is flagged on the rule", (placement) => {
    for (const [dst, text] of [["Internet", /the Internet on TCP 443/], ["10.0.3.0/24", /zone app \(INTERNAL\) on TCP 443/], ["AzureCloud", /service tag AzureCloud \(the public addresses of every Azure customer\) on TCP 443/]] as const) {
      const s = ref(placement, { outbound: [...DEFAULT_OUT.slice(0, 2), out("web", 120, "Tcp", "443", dst), DEFAULT_OUT[2]] });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("web")]);
      expect(messages(r, ID)[0]).toMatch(text);
    }
  });

  test("the capture share's private endpoint on SMB, the update tags, and Kerberos/DNS/LDAP to the domain controllers pass", () => {
    const s = ref("standalone", {
      outbound: [...DEFAULT_OUT.slice(0, 2), out("kerberos-ldap-dns", 120, "*", ["53", "88", "389", "464"], "10.0.2.4"), DEFAULT_OUT[2]],
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "identity", "10.0.2.0/24", { trust: "INTERNAL" });
        secondVm(tf, "dc01", "10.0.2.4", { "sdz-role": "domain-controller" }, "azurerm_subnet.identity");
      },
    });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("the domain ports to a whole zone that holds only domain controllers pass; to a zone with other hosts they do not", () => {
    const build = (withApp: boolean) => ref("inline", {
      outbound: [...DEFAULT_OUT.slice(0, 2), out("domain", 120, "*", ["53", "88", "389"], "10.0.2.0/24"), DEFAULT_OUT[2]],
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "identity", "10.0.2.0/24", { trust: "INTERNAL" });
        secondVm(tf, "dc01", "10.0.2.4", { "sdz-role": "domain-controller" }, "azurerm_subnet.identity");
        secondVm(tf, "dc02", "10.0.2.5", { "sdz-role": "domain-controller,dns-server" }, "azurerm_subnet.identity");
        if (withApp) secondVm(tf, "app02", "10.0.2.9", undefined, "azurerm_subnet.identity");
      },
    });
    expect(check(build(false).tf, [ID]).findings).toEqual([]);
    const mixed = build(true);
    const r = check(mixed.tf, [ID]);
    expect(flagged(r, ID)).toEqual([mixed.nsg]);
    expect(messages(r, ID)[0]).toMatch(/zone identity \(INTERNAL\) on TCP 53, 88, 389 and UDP 53, 88, 389/);
  });

  test("a domain controller inferred from what its NSG lets in, or the VNet's DNS server, counts too; other ports to it do not", () => {
    const s = ref("inline", {
      outbound: [...DEFAULT_OUT.slice(0, 2), out("domain", 120, "*", ["53", "88", "389"], "10.0.2.4"), out("dns", 130, "Udp", "53", "10.0.2.53"), out("dc-web", 140, "Tcp", "8443", "10.0.2.4"), DEFAULT_OUT[2]],
      extend: (tf, { vnet }) => {
        patch(tf, vnet, { dns_servers: ["10.0.2.53"] });
        const id = zone(tf, vnet, "identity", "10.0.2.0/24", { trust: "INTERNAL" });
        tf.json.resource.azurerm_network_security_group[id.nsg.split(".")[1]].security_rule = [
          rule("kerberos", 100, "Allow", "*", "88", "10.0.0.0/16", "10.0.2.4"), rule("ldap", 110, "Allow", "*", "389", "10.0.0.0/16", "10.0.2.4"), rule("deny-all", 4096, "Deny", "*", "*", "*"),
        ];
        secondVm(tf, "dc01", "10.0.2.4", undefined, "azurerm_subnet.identity");
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.address("dc-web")]);
    expect(messages(r, ID)[0]).toMatch(/zone identity \(INTERNAL\) on TCP 8443/);
  });

  test("SMB to a private range in no zone may be an on-premises share or domain controller: could-not-verify; another port there is flagged", () => {
    const smb = ref("inline", { outbound: [...DEFAULT_OUT.slice(0, 2), out("smb-onprem", 120, "Tcp", "445", "192.168.50.0/24"), DEFAULT_OUT[2]] });
    let r = check(smb.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([smb.nsg]);
    const web = ref("inline", { outbound: [...DEFAULT_OUT.slice(0, 2), out("web-onprem", 120, "Tcp", "8080", "192.168.50.0/24"), DEFAULT_OUT[2]] });
    r = check(web.tf, [ID]);
    expect(flagged(r, ID)).toEqual([web.nsg]);
  });

  test("SMB to the capture share when the capture location is not in the configuration cannot be told apart: could-not-verify", () => {
    const s = ref("inline", { tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": "\\\\fs01.corp.example\\captures", "sdz-ref-capture-smb-encryption": "true" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/zone content \(INTERNAL\) on TCP 445: it cannot be told/);
  });

  test("an outbound rule whose destination is a variable is could-not-verify", () => {
    const s = ref("standalone", { outbound: [...DEFAULT_OUT.slice(0, 2), { ...out("maybe", 120, "Tcp", "443", "x"), destination_address_prefix: "${var.dest}" }, DEFAULT_OUT[2]] });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.address("maybe")]);
  });

  describe("DNS servers: the VNet's (inline or azurerm_virtual_network_dns_servers), unless the NIC sets its own", () => {
    /** UDP 53 to 10.0.7.4 (zone dns, INTERNAL), and the DNS settings `dns` writes. */
    const dnsSite = (dns: (tf: TfJson, s: { vnet: string; nic: string }) => void) => ref("inline", {
      outbound: [...DEFAULT_OUT.slice(0, 2), out("dns", 130, "Udp", "53", "10.0.7.4"), DEFAULT_OUT[2]],
      extend: (tf, s) => {
        zone(tf, s.vnet, "dns", "10.0.7.0/24", { trust: "INTERNAL" });
        dns(tf, s);
      },
    });
    const standalone = (tf: TfJson, vnetId: string, servers: unknown) => tf.add("azurerm_virtual_network_dns_servers", "dns", { virtual_network_id: vnetId, dns_servers: servers });

    test("the server set inline on the VNet, by azurerm_virtual_network_dns_servers, or on the reference computer's NIC passes", () => {
      for (const build of [
        (tf: TfJson, s: { vnet: string }) => patch(tf, s.vnet, { dns_servers: ["10.0.7.4"] }),
        (tf: TfJson, s: { vnet: string }) => standalone(tf, TfJson.ref(s.vnet), ["10.0.7.4"]),
        (tf: TfJson, s: { nic: string }) => patch(tf, s.nic, { dns_servers: ["10.0.7.4"] }),
      ]) {
        expect(check(dnsSite(build).tf, [ID]).findings).toEqual([]);
      }
    });

    test("the NIC's own servers override the VNet's (AzureProvidedDNS too), and another VNet's servers are not the reference computer's", () => {
      for (const build of [
        (tf: TfJson, s: { vnet: string; nic: string }) => {
          patch(tf, s.vnet, { dns_servers: ["10.0.7.4"] });
          patch(tf, s.nic, { dns_servers: ["10.0.7.5"] });
        },
        (tf: TfJson, s: { vnet: string; nic: string }) => {
          standalone(tf, TfJson.ref(s.vnet), ["10.0.7.4"]);
          patch(tf, s.nic, { dns_servers: ["AzureProvidedDNS"] });
        },
        (tf: TfJson) => patch(tf, tf.vnet("other", ["10.1.0.0/16"]), { dns_servers: ["10.0.7.4"] }),
        (tf: TfJson) => standalone(tf, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/other", ["10.0.7.4"]),
      ]) {
        const s = dnsSite(build);
        const r = check(s.tf, [ID]);
        expect(flagged(r, ID)).toEqual([s.address("dns")]);
        expect(messages(r, ID)[0]).toMatch(/zone dns \(INTERNAL\) on UDP 53: a reference computer may reach only/);
      }
    });

    test("servers not known before apply (the VNet's, the standalone resource's, its target, or the NIC's) are could-not-verify naming the field", () => {
      for (const [build, field] of [
        [(tf: TfJson, s: { vnet: string }) => patch(tf, s.vnet, { dns_servers: "${var.dns}" }), /dns_servers of azurerm_virtual_network\.net: the variable dns is only known at plan time/],
        [(tf: TfJson, s: { vnet: string }) => standalone(tf, TfJson.ref(s.vnet), ["${var.dns}"]), /dns_servers of azurerm_virtual_network_dns_servers\.dns: the variable dns is only known at plan time/],
        [(tf: TfJson) => standalone(tf, "${var.vnet_id}", ["10.0.7.4"]), /virtual_network_id of azurerm_virtual_network_dns_servers\.dns: the variable vnet_id is only known at plan time/],
        [(tf: TfJson, s: { vnet: string }) => {
          patch(tf, s.vnet, { dns_servers: ["10.0.7.4"] });
          standalone(tf, TfJson.ref(s.vnet), ["10.0.7.5"]);
        }, /dns_servers of azurerm_virtual_network\.net and azurerm_virtual_network_dns_servers\.dns differ, and the last applied wins/],
        // The reference computer's subnet is of a VNet outside this configuration: its DNS settings are not here.
        [(tf: TfJson) => patch(tf, "azurerm_subnet.servers", { virtual_network_name: "hub" }), /the DNS servers of the VNet of subnet \S+, which is not part of this configuration/],
        // A literal ID of the same group and name: the configuration does not say the VNet's subscription.
        [(tf: TfJson) => standalone(tf, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/net", ["10.0.7.4"]),
          /virtual_network_id of azurerm_virtual_network_dns_servers\.dns \(\/subscriptions\/0000\/.*\/net\) may or may not name azurerm_virtual_network\.net/],
        [(tf: TfJson, s: { vnet: string; nic: string }) => {
          patch(tf, s.vnet, { dns_servers: ["10.0.7.4"] });
          patch(tf, s.nic, { dns_servers: "${var.dns}" });
        }, /dns_servers of azurerm_network_interface\.app01_nic: the variable dns is only known at plan time/],
      ] as const) {
        const s = dnsSite(build);
        const r = check(s.tf, [ID]);
        expect([flagged(r, ID), unverifiedAt(r, ID)]).toEqual([[], [s.address("dns")]]);
        expect(messages(r, ID)[0]).toMatch(/reach zone dns \(INTERNAL\) on UDP 53: it cannot be told whether that is its DNS server/);
        expect(messages(r, ID)[0]).toMatch(field);
      }
    });

    test("Azure's platform address 168.63.129.16 (DNS, the VM agent) and the AzurePlatformDNS tag are not destinations the NSG opens; a public resolver beside them is", () => {
      for (const dst of [["168.63.129.16"], ["AzurePlatformDNS"]]) {
        const s = ref("inline", { outbound: [...DEFAULT_OUT.slice(0, 2), out("azure-dns", 130, "*", ["53", "80", "32526"], dst), DEFAULT_OUT[2]] });
        expect(check(s.tf, [ID]).findings).toEqual([]);
      }
      const s = ref("inline", { outbound: [...DEFAULT_OUT.slice(0, 2), out("dns", 130, "Udp", "53", ["168.63.129.16", "203.0.113.53"]), DEFAULT_OUT[2]] });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("dns")]);
      expect(messages(r, ID)[0]).toMatch(/reach public addresses 203\.0\.113\.53 on UDP 53:/);
    });

    test("unknown DNS servers leave other ports, and the whole Internet on DNS, flagged", () => {
      const s = ref("inline", {
        outbound: [...DEFAULT_OUT.slice(0, 2), out("dns-anywhere", 130, "Udp", "53", "Internet"), out("web", 140, "Tcp", "8443", "10.0.7.4"), DEFAULT_OUT[2]],
        extend: (tf, { vnet }) => {
          zone(tf, vnet, "dns", "10.0.7.0/24", { trust: "INTERNAL" });
          patch(tf, vnet, { dns_servers: "${var.dns}" });
        },
      });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("dns-anywhere"), s.address("web")].sort());
      expect(unverifiedAt(r, ID)).toEqual([]);
    });
  });
});

describe("SDZ-REF-003 reference computer without automatic updates", () => {
  const ID = "SDZ-REF-003";
  test("manual patching, or automatic updates off, is one error on the VM", () => {
    const s = ref("inline", { vm: { patch_mode: "Manual", automatic_updates_enabled: false } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/patch_mode is "Manual", automatic_updates_enabled is false/);
  });

  test("platform patching or the default (AutomaticByOS) passes", () => {
    expect(check(ref("inline").tf, [ID]).findings).toEqual([]);
    expect(check(ref("inline", { vm: { patch_mode: undefined } }).tf, [ID]).findings).toEqual([]);
  });

  test("a patch mode from a variable, or a Linux VM leaving updates to its image, is could-not-verify", () => {
    const s = ref("inline", { vm: { patch_mode: "${var.patch_mode}" } });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([s.vm]);
    const tf = new TfJson();
    const subnet = tf.subnet("ref", tf.vnet("net"), ["10.0.5.0/24"]);
    tf.add("azurerm_linux_virtual_machine", "ref", { name: "ref", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", network_interface_ids: [TfJson.ref(tf.nic("ref_nic", subnet, "10.0.5.4"))], tags: { "sdz-role": "reference-computer" } });
    expect(unverifiedAt(check(tf, [ID]), ID)).toEqual(["azurerm_linux_virtual_machine.ref"]);
  });
});

describe("SDZ-REF-004 capture location without SMB encryption", () => {
  const ID = "SDZ-REF-004";
  test("an Azure Files capture share is judged from its account: secure transfer off is flagged on the account, whatever the tag says", () => {
    const s = ref("inline", { account: { https_traffic_only_enabled: false }, tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": CAPTURE, "sdz-ref-capture-smb-encryption": "true" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_storage_account.images"]);
    expect(messages(r, ID)[0]).toMatch(/does not require secure transfer \(https_traffic_only_enabled = false\), so Azure Files accepts SMB without encryption, although sdz-ref-capture-smb-encryption .* says true/);
  });

  test("secure transfer on (the default) passes without any encryption tag; an NFS share is flagged on the share", () => {
    expect(check(ref("inline").tf, [ID]).findings).toEqual([]);
    const nfs = ref("inline", { extend: (tf) => patch(tf, "azurerm_storage_share.captures", { enabled_protocol: "NFS" }) });
    expect(flagged(check(nfs.tf, [ID]), ID)).toEqual(["azurerm_storage_share.captures"]);
  });

  test("secure transfer from a variable is could-not-verify on the account", () => {
    const s = ref("inline", { account: { https_traffic_only_enabled: "${var.https}" } });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual(["azurerm_storage_account.images"]);
  });

  test("a share served by a VM here: its SMB encryption must be applied, not only declared", () => {
    const build = (tags?: Record<string, string>, script?: string) => ref("inline", {
      tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": "\\\\fs01\\captures" },
      extend: (tf) => {
        const fs = secondVm(tf, "fs01", "10.0.4.10", tags, "azurerm_subnet.content");
        if (script) extension(tf, "smb", fs.vm, script);
      },
    });
    let r = check(build().tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_windows_virtual_machine.fs01"]);
    expect(messages(r, ID)[0]).toMatch(/nothing in this configuration makes that server require SMB encryption/);
    r = check(build({ "sdz-smb-encrypt-data": "true" }).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_windows_virtual_machine.fs01"]);
    expect(messages(r, ID)[0]).toMatch(/only declared/);
    r = check(build({ "sdz-smb-encrypt-data": "true" }, "Set-SmbServerConfiguration -EncryptData $true -Force; Get-SmbServerConfiguration").tf, [ID]);
    expect(r.findings).toEqual([]);
  });

  test("a share served by a VM here whose script writes SMB encryption last with a value the checks cannot read: could-not-verify, not 'only declared'", () => {
    const s = ref("inline", {
      tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": "\\\\fs01\\captures" },
      extend: (tf) => {
        const fs = secondVm(tf, "fs01", "10.0.4.10", { "sdz-smb-encrypt-data": "true" }, "azurerm_subnet.content");
        extension(tf, "smb", fs.vm, "Set-SmbServerConfiguration -EncryptData $true -Force; Set-SmbServerConfiguration -EncryptData $encrypt -Force; Get-SmbServerConfiguration");
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_windows_virtual_machine.fs01"]);
    expect(messages(r, ID)[0]).toMatch(/whether it requires SMB encryption cannot be told: .*declared/);
  });

  test("a location outside the configuration relies on the tag: false is flagged on the VM, missing is could-not-verify", () => {
    const onPrem = (enc?: string) => ref("inline", { tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": "\\\\fs01.corp.example\\captures", ...(enc ? { "sdz-ref-capture-smb-encryption": enc } : {}) } });
    expect(flagged(check(onPrem("false").tf, [ID]), ID)).toEqual(["azurerm_windows_virtual_machine.app01"]);
    expect(check(onPrem("true").tf, [ID]).findings).toEqual([]);
    expect(unverifiedAt(check(onPrem().tf, [ID]), ID)).toEqual(["azurerm_windows_virtual_machine.app01"]);
  });

  test("no capture location at all is could-not-verify, unless the VM is captured only into an Azure image", () => {
    const none = ref("inline", { tags: { "sdz-role": "reference-computer" } });
    expect(unverifiedAt(check(none.tf, [ID]), ID)).toEqual([none.vm]);
    const image = ref("inline", { tags: {}, extend: (tf, { vm }) => tf.add("azurerm_image", "golden", { name: "golden", location: "westeurope", resource_group_name: "rg", source_virtual_machine_id: TfJson.ref(vm) }) });
    expect(check(image.tf, [ID]).findings).toEqual([]);
  });

  test("the capture script's UNC path is the location when no tag says it", () => {
    const s = ref("inline", {
      tags: {}, account: { https_traffic_only_enabled: false },
      extend: (tf, { vm }) => runCommand(tf, "capture", vm, "New-WindowsImage -CapturePath C:\\ -Name Gold -ImagePath \\\\images01.file.core.windows.net\\captures\\gold.wim"),
    });
    expect(flagged(check(s.tf, [ID]), ID)).toEqual(["azurerm_storage_account.images"]);
  });

  test("a capture location tag from a variable is could-not-verify", () => {
    const s = ref("inline", { extend: (tf, { vm }) => tag(tf, vm, { "sdz-ref-capture-location": "${var.location}" }) });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([s.vm]);
  });
});

describe("SDZ-REF-005 capture location declared, not verified", () => {
  const ID = "SDZ-REF-005";
  test("a location outside the configuration, its encryption taken from the tag, is one info note on the VM", () => {
    const s = ref("inline", { tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": "\\\\fs01.corp.example\\captures", "sdz-ref-capture-smb-encryption": "true" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(r.findings.map((f) => f.level)).toEqual([RuleLevel.INFO]);
    expect(messages(r, ID)[0]).toMatch(/declared, not verified: sdz-ref-capture-location=\\\\fs01\.corp\.example\\captures, sdz-ref-capture-smb-encryption=true/);
  });

  test("a location verified from the configuration has no note", () => {
    expect(check(ref("inline", { tags: { "sdz-role": "reference-computer", "sdz-ref-capture-location": CAPTURE, "sdz-ref-capture-smb-encryption": "true" } }).tf, [ID]).findings).toEqual([]);
  });
});
