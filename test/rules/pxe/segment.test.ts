import { gzipSync } from "zlib";
import { dpTags, extension, linuxVmRunning, patch, pxeFirewall, pxeRule, secondVm, tag, zone } from "./builders";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const FLOWS = "SDZ-PXE-012";
const SECOND = "SDZ-PXE-013";
const clients = (tf: TfJson, vnet: string) => zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });

describe("SDZ-PXE-012 PXE flows into a PXE segment towards other hosts", () => {
  test.each(["inline", "standalone"] as const)("a %s subnet rule that opens PXE to the whole segment is flagged, naming the other hosts", (placement) => {
    for (const dest of ["10.0.1.0/24", "*", "VirtualNetwork"]) {
      const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24", dest)], {
        vmTags: { "sdz-role": "pxe-distribution-point" },
        extend: (tf, { vnet }) => {
          clients(tf, vnet);
          secondVm(tf, "web01", "10.0.1.20");
        },
      });
      const r = check(s.tf, [FLOWS]);
      expect(flagged(r, FLOWS)).toEqual([s.address("allow-pxe")]);
      expect(messages(r, FLOWS)[0]).toMatch(/opens DHCP \(UDP 67\), TFTP \(UDP 69\), PXE\/BINL \(UDP 4011\) in PXE zone servers to every host of zone servers \(10\.0\.1\.0\/24\), among them azurerm_network_interface\.web01_nic \(10\.0\.1\.20\)/);
    }
  });

  test("a TFTP data range tag that cannot be read: rules that let UDP beyond the distribution point may be its TFTP data rule, could-not-verify on the distribution point", () => {
    const build = (tftp: string | undefined) => site("inline", [
      pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.4"), rule("allow-tftp-data", 110, "Allow", "Udp", "50000-50999", "10.0.2.0/24", "10.0.1.0/24"),
    ], {
      vmTags: { "sdz-role": "pxe-distribution-point", ...(tftp === undefined ? {} : { "sdz-pxe-tftp-data-ports": tftp }) },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        secondVm(tf, "web01", "10.0.1.20");
        tf.json.variable = { tftp_range: { type: "string" } };
      },
    });
    const fromVar = build("${var.tftp_range}");
    let r = check(fromVar.tf, [FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([]);
    expect(unverifiedAt(r, FLOWS)).toEqual([fromVar.vm]);
    expect(messages(r, FLOWS)).toEqual([
      `could not verify: distribution point ${fromVar.vm} (declared: sdz-role=pxe-distribution-point on ${fromVar.vm}): its TFTP data range cannot be read `
      + "(its sdz-pxe-tftp-data-ports tag is not known before apply (the variable tftp_range is only known at plan time)), so whether rule \"allow-tftp-data\" of NSG servers_nsg, which lets UDP into "
      + "hosts of PXE zone servers other than the distribution point, is written for it cannot be told (the default range is not assumed); write sdz-pxe-tftp-data-ports as a literal range (e.g. 64001-65000)",
    ]);
    // Written as a literal, the rule is the TFTP data rule and opens it to the whole segment.
    const literal = build("50000-50999");
    r = check(literal.tf, [FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([literal.nsg]);
    expect(unverifiedAt(r, FLOWS)).toEqual([]);
    // No tag: the default 64001-65000, which that rule does not name.
    expect(check(build(undefined).tf, [FLOWS]).findings).toEqual([]);
  });

  test("a TFTP data range tag that cannot be read, with sources below INTERNAL on the range and a rule beyond the distribution point: one could-not-verify (SDZ-PXE-001's) naming both", () => {
    // Before: SDZ-PXE-001 and SDZ-PXE-012 each gave a could-not-verify on the distribution point, for the same tag and the same fix.
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.4"), rule("tftp-data", 110, "Allow", "Udp", "50000-51000", "10.0.2.0/24", "*")], {
      vmTags: { "sdz-role": "pxe-distribution-point", "sdz-pxe-tftp-data-ports": "${var.tftp}" },
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "PERIMETER" });
        secondVm(tf, "web01", "10.0.1.20");
        tf.json.variable = { tftp: { type: "string" } };
      },
    });
    const r = check(s.tf, [FLOWS, "SDZ-PXE-001"]);
    expect(unverifiedAt(r, FLOWS)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-PXE-001")).toEqual([s.vm]);
    expect(messages(r, "SDZ-PXE-001").filter((m) => m.startsWith("could not verify"))).toEqual([
      `could not verify: distribution point ${s.vm} (declared: sdz-role=pxe-distribution-point on ${s.vm}): its TFTP data range cannot be read `
      + "(its sdz-pxe-tftp-data-ports tag is not known before apply (the variable tftp is only known at plan time)), so whether sources below INTERNAL trust or of unknown trust, "
      + "which may reach UDP ports 1024-65535 on it, reach its TFTP data range cannot be told, nor whether rule \"tftp-data\" of NSG servers_nsg, which lets UDP into hosts of "
      + "PXE zone servers other than the distribution point, is written for it (the default range is not assumed); write sdz-pxe-tftp-data-ports as a literal range (e.g. 64001-65000)",
    ]);
  });

  /**
   * The PXE subnet's NSG has only Azure's default rules; the clients' traffic for it is routed through an Azure Firewall
   * whose network rule allows PXE to `destinations`. Before: PXE-012 read NSG rules only, so a firewall rule to the whole
   * subnet passed, and PXE-013 (with PXE-005..011) took web01, which the rule reaches, for a second responder.
   */
  function behindFirewall(destinations: string[]) {
    return site("inline", [], {
      denyAll: false,
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "INTERNAL" });
        const { subnet } = clients(tf, vnet);
        secondVm(tf, "web01", "10.0.1.20");
        pxeFirewall(tf, vnet, subnet, "10.0.2.0/24", destinations);
      },
    });
  }

  test("an Azure Firewall network rule that sends PXE to the whole segment is flagged on its rule collection group, and the host it reaches is no second responder", () => {
    const s = behindFirewall(["10.0.1.0/24"]);
    const r = check(s.tf, [FLOWS, SECOND, "SDZ-PXE-005", "SDZ-PXE-006"]);
    expect(flagged(r, FLOWS)).toEqual(["azurerm_firewall_policy_rule_collection_group.pxe"]);
    expect(unverifiedAt(r, FLOWS)).toEqual([]);
    expect(messages(r, FLOWS)[0]).toMatch(/^firewall rule pxe\/pxe opens DHCP \(UDP 67\), TFTP \(UDP 69\), PXE\/BINL \(UDP 4011\) in PXE zone servers to every host of zone servers \(10\.0\.1\.0\/24\), among them azurerm_network_interface\.web01_nic \(10\.0\.1\.20\)/);
    expect(flagged(r, SECOND)).toEqual([]);
    expect(r.findings.filter((f) => f.address === "azurerm_windows_virtual_machine.web01")).toEqual([]);
  });

  test("an Azure Firewall network rule on the path whose destinations are not known is could-not-verify on its rule collection group, naming the field", () => {
    // Before: no finding (the reach model carried the uncertain rule as "the firewall's rules are not all known", no rule to report).
    const s = behindFirewall(["${var.pxe_destinations}"]);
    const r = check(s.tf, [FLOWS, SECOND]);
    expect(flagged(r, FLOWS)).toEqual([]);
    expect(unverifiedAt(r, FLOWS)).toEqual(["azurerm_firewall_policy_rule_collection_group.pxe"]);
    expect(messages(r, FLOWS)[0]).toMatch(/firewall rule pxe\/pxe opens DHCP \(UDP 67\), TFTP \(UDP 69\), PXE\/BINL \(UDP 4011\) in PXE zone servers.*destination_addresses: the variable pxe_destinations is only known at plan time/);
    expect(flagged(r, SECOND)).toEqual([]);
    expect(unverifiedAt(r, SECOND)).toEqual([]);
  });

  test("an Azure Firewall network rule to the distribution point's own address passes; one to part of the segment names what it opens", () => {
    expect(check(behindFirewall(["10.0.1.4"]).tf, [FLOWS, SECOND]).findings).toEqual([]);
    const r = check(behindFirewall(["10.0.1.4", "10.0.1.16/28"]).tf, [FLOWS, SECOND]);
    expect(flagged(r, FLOWS)).toEqual(["azurerm_firewall_policy_rule_collection_group.pxe"]);
    expect(messages(r, FLOWS)[0]).toMatch(/in PXE zone servers to addresses 10\.0\.1\.16-10\.0\.1\.31 of zone servers \(azurerm_network_interface\.web01_nic \(10\.0\.1\.20\)\), not only/);
    expect(flagged(r, SECOND)).toEqual([]);
  });

  test.each(PLACEMENTS)("a %s rule to the distribution point's own address passes", (placement) => {
    const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.4")], { extend: (tf, { vnet }) => clients(tf, vnet) });
    expect(check(s.tf, [FLOWS]).findings).toEqual([]);
  });

  test("on the distribution point's own NIC NSG, destination * reaches only that NIC", () => {
    const s = site("nic", [pxeRule("allow-pxe", "10.0.2.0/24", "*")], { extend: (tf, { vnet }) => clients(tf, vnet) });
    expect(check(s.tf, [FLOWS]).findings).toEqual([]);
  });

  test("a rule written for PXE towards another host than the declared distribution point is flagged, and is not also a second responder", () => {
    const s = site("standalone", [pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.4"), pxeRule("allow-pxe-web", "10.0.2.0/24", "10.0.1.20", 110)], {
      vmTags: dpTags(),
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        secondVm(tf, "web01", "10.0.1.20");
      },
    });
    const r = check(s.tf, [FLOWS, SECOND, "SDZ-PXE-005"]);
    expect(flagged(r, FLOWS)).toEqual([s.address("allow-pxe-web")]);
    expect(messages(r, FLOWS)[0]).toMatch(/to addresses 10\.0\.1\.20 of zone servers \(azurerm_network_interface\.web01_nic \(10\.0\.1\.20\)\)/);
    expect(flagged(r, SECOND)).toEqual([]);
    // web01 answers PXE only because of that rule: the other PXE rules do not take it for a distribution point.
    expect(r.findings.filter((f) => f.address === "azurerm_windows_virtual_machine.web01")).toEqual([]);
  });

  test("an application security group destination reaches its members", () => {
    const s = site("inline", [{ ...pxeRule("allow-pxe", "10.0.2.0/24"), destination_address_prefix: undefined, destination_application_security_group_ids: [TfJson.ref("azurerm_application_security_group.pxe")] }], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet, nic }) => {
        clients(tf, vnet);
        tf.add("azurerm_application_security_group", "pxe", { name: "pxe", location: "westeurope", resource_group_name: "rg" });
        const web = secondVm(tf, "web01", "10.0.1.20");
        for (const n of [nic, web.nic]) tf.add("azurerm_network_interface_application_security_group_association", n.split(".")[1], { network_interface_id: TfJson.ref(n), application_security_group_id: TfJson.ref("azurerm_application_security_group.pxe") });
      },
    });
    const body = s.tf.json.resource.azurerm_network_security_group.servers_nsg.security_rule as Record<string, unknown>[];
    delete body[0].destination_address_prefix;
    const r = check(s.tf, [FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([s.nsg]);
    expect(messages(r, FLOWS)[0]).toMatch(/azurerm_network_interface\.web01_nic \(member of application security group azurerm_application_security_group\.pxe\)/);
  });

  test("a destination from a variable, or a narrow range around a distribution point whose address is dynamic, is could-not-verify", () => {
    const fromVar = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24", "${var.dest}")], { vmTags: { "sdz-role": "pxe-distribution-point" }, extend: (tf, { vnet }) => clients(tf, vnet) });
    let r = check(fromVar.tf, [FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([]);
    expect(unverifiedAt(r, FLOWS)).toEqual([fromVar.nsg]);
    const dynamic = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.0/28")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet, nic }) => {
        clients(tf, vnet);
        patch(tf, nic, { ip_configuration: [{ name: "primary", subnet_id: TfJson.ref("azurerm_subnet.servers"), private_ip_address_allocation: "Dynamic" }] });
      },
    });
    r = check(dynamic.tf, [FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([]);
    expect(unverifiedAt(r, FLOWS)).toEqual([dynamic.nsg]);
    expect(messages(r, FLOWS)[0]).toMatch(/a dynamic address/);
  });
});

describe("SDZ-PXE-013 a second PXE or DHCP responder in a PXE segment", () => {
  test("a second VM of the zone that installs the DHCP server beside the declared distribution point is flagged on that VM", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        const { vm } = secondVm(tf, "rogue01", "10.0.1.30");
        extension(tf, "dhcp", vm, "Install-WindowsFeature DHCP -IncludeManagementTools");
      },
    });
    const r = check(s.tf, [SECOND]);
    expect(flagged(r, SECOND)).toEqual(["azurerm_windows_virtual_machine.rogue01"]);
    expect(messages(r, SECOND)[0]).toMatch(/rogue01 answers PXE or DHCP in PXE zone servers \(inferred: azurerm_virtual_machine_extension\.dhcp installs a DHCP server \(the DHCP Server role\)\) beside the distribution point azurerm_windows_virtual_machine\.app01 \(declared: /);
  });

  /** Before: only Windows feature installs and wdsutil counted, so every one of these Linux (and DISM) responders passed. */
  test.each([
    ["dnsmasq with a DHCP range and TFTP", "apt-get install -y dnsmasq && printf 'dhcp-range=10.0.2.10,10.0.2.200\\nenable-tftp\\ndhcp-boot=pxelinux.0\\n' > /etc/dnsmasq.d/pxe.conf && systemctl restart dnsmasq", /dnsmasq with dhcp-range/],
    ["isc-dhcp-server", "apt-get update && apt-get install -y isc-dhcp-server", /the isc-dhcp-server package/],
    ["tftpd-hpa", "sudo apt-get -y install tftpd-hpa syslinux-common", /the tftpd-hpa package/],
    ["dhcp-server (RHEL)", "dnf install -y dhcp-server", /installs a DHCP server \(the dhcp-server package\)/],
    ["dhcp-server and tftp-server (RHEL): the PXE part is the evidence", "dnf install -y dhcp-server tftp-server", /installs a PXE or TFTP server \(the tftp-server package\)/],
    ["kea-dhcp4-server", "apt install -y kea-dhcp4-server", /the kea-dhcp4-server package/],
    ["a DHCP service enabled", "systemctl enable --now isc-dhcp-server", /the isc-dhcp-server service/],
    ["DISM DHCPServer", "dism /online /enable-feature /featurename:DHCPServer /all", /the Windows feature DHCPServer/],
  ])("a Linux or DISM responder beside the declared distribution point is flagged: %s", (_what, command, evidence) => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        linuxVmRunning(tf, "rogue01", "10.0.1.30", command);
      },
    });
    const r = check(s.tf, [SECOND]);
    expect(flagged(r, SECOND)).toEqual(["azurerm_linux_virtual_machine.rogue01"]);
    expect(messages(r, SECOND)[0]).toMatch(evidence);
  });

  /** Before: the Linux Custom Script Extension's `script` setting (base64, optionally gzip'ed) was read as written, so it said nothing. */
  test.each([
    ["base64", (text: string) => Buffer.from(text).toString("base64"), ["azurerm_linux_virtual_machine.rogue01"]],
    ["gzip'ed, then base64", (text: string) => gzipSync(Buffer.from(text)).toString("base64"), ["azurerm_linux_virtual_machine.rogue01"]],
    ["not base64 (a script in clear is read as written)", (text: string) => text, ["azurerm_linux_virtual_machine.rogue01"]],
    ["base64 of something that is no text", () => Buffer.from([0, 1, 2, 3, 250, 251, 252, 253]).toString("base64"), []],
  ])("a Linux responder whose CustomScript `script` setting is %s", (_what, encode, expected) => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        const { vm } = linuxVmRunning(tf, "rogue01", "10.0.1.30", "true");
        tf.json.resource.azurerm_virtual_machine_extension.rogue01_setup.settings = JSON.stringify({ script: encode("#!/bin/sh\napt-get update\napt-get install -y isc-dhcp-server\n") });
        expect(vm).toBe("azurerm_linux_virtual_machine.rogue01");
      },
    });
    const r = check(s.tf, [SECOND]);
    expect(flagged(r, SECOND)).toEqual(expected);
    if (expected.length > 0) expect(messages(r, SECOND)[0]).toMatch(/the isc-dhcp-server package/);
  });

  test.each([
    ["a DHCP client", "apt-get install -y isc-dhcp-client dhcpcd5 && dnf install -y dhcp-client"],
    ["TFTP clients", "apt-get install -y tftp-hpa atftp && yum install -y tftp"],
    ["dnsmasq as a DNS cache only", "apt-get install -y dnsmasq && echo 'server=168.63.129.16' > /etc/dnsmasq.d/dns.conf"],
    ["the DHCP and WDS management tools", "Install-WindowsFeature RSAT-DHCP, WDS-AdminPack; dism /online /enable-feature /featurename:DHCPServer-Tools"],
    ["a DHCP client service", "systemctl restart dhcpcd"],
  ])("a VM of the zone that installs %s is no responder", (_what, command) => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        linuxVmRunning(tf, "app02", "10.0.1.31", command);
      },
    });
    expect(check(s.tf, [SECOND]).findings).toEqual([]);
  });

  test("a second VM with another job passes", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        extension(tf, "web", secondVm(tf, "web01", "10.0.1.20").vm, "Install-WindowsFeature Web-Server");
      },
    });
    expect(check(s.tf, [SECOND]).findings).toEqual([]);
  });

  test("two declared distribution points in one zone, or two inferred ones each with its own rule, are one finding on the zone", () => {
    const declared = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        secondVm(tf, "dp02", "10.0.1.5", { "sdz-role": "pxe-distribution-point" });
      },
    });
    let r = check(declared.tf, [SECOND]);
    expect(flagged(r, SECOND)).toEqual([declared.nsg]);
    expect(messages(r, SECOND)[0]).toMatch(/PXE zone servers has 2 PXE\/DHCP responders/);
    const inferred = site("standalone", [pxeRule("allow-pxe", "10.0.2.0/24", "10.0.1.4"), pxeRule("allow-pxe-2", "10.0.2.0/24", "10.0.1.5", 110)], {
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        secondVm(tf, "dp02", "10.0.1.5");
      },
    });
    r = check(inferred.tf, [SECOND, FLOWS]);
    expect(flagged(r, SECOND)).toEqual([inferred.nsg]);
    expect(flagged(r, FLOWS)).toEqual([]);
  });

  test("hosts that answer only because a PXE rule opens the whole segment are SDZ-PXE-012's finding, not a second responder", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24", "*")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        secondVm(tf, "web01", "10.0.1.20");
      },
    });
    const r = check(s.tf, [SECOND, FLOWS]);
    expect(flagged(r, FLOWS)).toEqual([s.nsg]);
    expect(flagged(r, SECOND)).toEqual([]);
  });

  test("a VM of a PXE zone whose role tag is not known is could-not-verify", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { vnet }) => {
        clients(tf, vnet);
        tag(tf, secondVm(tf, "web01", "10.0.1.20").vm, "${var.tags}");
      },
    });
    // Nothing else shows web01's role: SDZ-SEC-001's one notice for every pack says its distribution point checks did not run.
    const r = check(s.tf, [SECOND, "SDZ-SEC-001"]);
    expect(flagged(r, SECOND)).toEqual([]);
    expect(unverifiedAt(r, SECOND)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-SEC-001")).toEqual(["azurerm_windows_virtual_machine.web01"]);
    expect(messages(r, "SDZ-SEC-001")[0]).toContain("a second responder in its PXE segment");
  });
});
