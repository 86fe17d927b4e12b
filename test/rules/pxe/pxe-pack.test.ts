import { dpTags, extension, linuxVmRunning, pxeRule, secondVm, tag, zone } from "./builders";
import { PINNED_IDS } from "./pinned-ids";
import { RuleLevel } from "../../../src/engine/rule";
import { PXE_PACK } from "../../../src/rules/pxe";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson } from "../../support/rule-harness";

describe("PXE pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(PXE_PACK.rules.map((r) => r.id)).toEqual([...PINNED_IDS]);
    expect(PXE_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-PXE-001", RuleLevel.ERROR, ["R-PXE-3", "R-PXE-1"], "pxe"],
      ["SDZ-PXE-002", RuleLevel.ERROR, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-003", RuleLevel.ERROR, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-004", RuleLevel.ERROR, ["R-PXE-1", "R-PXE-7"], "pxe"],
      ["SDZ-PXE-005", RuleLevel.ERROR, ["R-PXE-5"], "pxe"],
      ["SDZ-PXE-006", RuleLevel.ERROR, ["R-PXE-6"], "pxe"],
      ["SDZ-PXE-007", RuleLevel.ERROR, ["R-PXE-7"], "pxe"],
      ["SDZ-PXE-008", RuleLevel.WARNING, ["R-PXE-4"], "pxe"],
      ["SDZ-PXE-009", RuleLevel.WARNING, ["R-PXE-9"], "pxe"],
      ["SDZ-PXE-010", RuleLevel.WARNING, ["R-PXE-8"], "pxe"],
      ["SDZ-PXE-011", RuleLevel.WARNING, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-012", RuleLevel.ERROR, ["R-PXE-10"], "pxe"],
      ["SDZ-PXE-013", RuleLevel.ERROR, ["R-PXE-10"], "pxe"],
      ["SDZ-PXE-014", RuleLevel.ERROR, ["R-PXE-7"], "pxe"],
      ["SDZ-PXE-015", RuleLevel.INFO, ["R-PXE-5", "R-PXE-6", "R-PXE-7", "R-PXE-8", "R-PXE-9", "R-PXE-2"], "pxe"],
    ]);
    for (const r of PXE_PACK.rules) {
      expect([r.id, /[Ss]eeds? 00\d/.test(r.rationale)]).toEqual([r.id, true]);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });

  test.each(PLACEMENTS)("a compliant hand-written PXE segment (%s PXE rule) raises only the declared-settings note", (placement) => {
    const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: dpTags(),
      extend: (tf, { vnet, nsg }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        // The PXE zone's trust: on the subnet's NSG, or (NIC placement) on an NSG of its own.
        if (placement === "nic") tf.associate("azurerm_subnet.servers", tf.nsg("servers_nsg", [{ name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" }]));
        const carrier = placement === "nic" ? "azurerm_network_security_group.servers_nsg" : nsg;
        const [type, name] = carrier.split(".");
        tf.json.resource[type][name].tags = { "sdz-trust": "INTERNAL" };
        tf.add("azurerm_network_watcher_flow_log", "fl", {
          name: "fl", network_watcher_name: "nw", resource_group_name: "rg", target_resource_id: TfJson.ref(vnet), enabled: true, version: 2,
          storage_account_id: "/subscriptions/0/resourceGroups/l/providers/Microsoft.Storage/storageAccounts/l", retention_policy: { enabled: true, days: 90 },
        });
      },
    });
    const r = check(s.tf, [...PXE_PACK.rules]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.level} ${f.status} ${f.address}`)).toEqual([`SDZ-PXE-015 info fail ${s.vm}`]);
  });
});

/**
 * What a distribution point is (seed 001: a ConfigMgr distribution point enabled for PXE): a host declared one, one that
 * serves PXE (WDS, a TFTP server, dnsmasq's PXE/TFTP answers) or one reachable on TFTP or PXE/BINL through a rule written
 * for them. Before: every DHCP server and every second responder that SDZ-PXE-013 reports was judged as one too, so one
 * VM had 6-8 findings (PXE-004 error, PXE-005..011 could-not-verify) for a problem that had one or none.
 */
describe("PXE pack: DHCP servers and second responders are no distribution points", () => {
  const withFlowLog = (tf: TfJson, vnet: string) => tf.add("azurerm_network_watcher_flow_log", "fl", {
    name: "fl", network_watcher_name: "nw", resource_group_name: "rg", target_resource_id: TfJson.ref(vnet), enabled: true, version: 2,
    storage_account_id: "/subscriptions/0/resourceGroups/l/providers/Microsoft.Storage/storageAccounts/l", retention_policy: { enabled: true, days: 90 },
  });
  const summary = (r: ReturnType<typeof check>) => r.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`).sort();

  test.each([
    ["the Windows DHCP server role", (tf: TfJson, vm: string) => extension(tf, "setup", vm, "Install-WindowsFeature DHCP -IncludeManagementTools")],
    ["the DHCPServer feature through DISM", (tf: TfJson, vm: string) => extension(tf, "setup", vm, "dism /online /enable-feature /featurename:DHCPServer /all")],
  ])("a VM that installs %s in a PERIMETER subnet, with no PXE allow, gets no PXE finding", (_what, install) => {
    const s = site("inline", [], {
      extend: (tf, { vnet, nsg, vm }) => {
        tag(tf, nsg, { "sdz-trust": "PERIMETER" });
        withFlowLog(tf, vnet);
        install(tf, vm);
      },
    });
    expect(summary(check(s.tf, [...PXE_PACK.rules]))).toEqual([]);
  });

  test.each([
    ["isc-dhcp-server", "apt-get install -y isc-dhcp-server"],
    ["kea", "apt install -y kea-dhcp4-server"],
    ["dnsmasq with a DHCP range only", "apt-get install -y dnsmasq && echo 'dhcp-range=10.0.2.10,10.0.2.200' > /etc/dnsmasq.d/dhcp.conf"],
  ])("a Linux VM that runs %s (DHCP only) gets no PXE finding", (_what, command) => {
    const s = site("inline", [], {
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "PERIMETER" });
        withFlowLog(tf, vnet);
        linuxVmRunning(tf, "dhcp01", "10.0.1.30", command);
      },
    });
    expect(summary(check(s.tf, [...PXE_PACK.rules]))).toEqual([]);
  });

  test("a VM reachable on DHCP (UDP 67) only, through a rule written for it, is a DHCP server, no distribution point; with TFTP too it is one", () => {
    const build = (ports: string[]) => site("inline", [rule("allow-dhcp-relay", 100, "Allow", "Udp", ports, "10.0.2.0/24", "10.0.1.4")], {
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "PERIMETER" });
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        withFlowLog(tf, vnet);
      },
    });
    expect(summary(check(build(["67"]).tf, [...PXE_PACK.rules]))).toEqual([]);
    const pxe = build(["67", "69"]);
    expect(flagged(check(pxe.tf, ["SDZ-PXE-004"]), "SDZ-PXE-004")).toEqual([pxe.vm]);
  });

  test.each([
    ["WDS", "Install-WindowsFeature WDS -IncludeManagementTools"],
    ["dnsmasq answering PXE", "apt-get install -y dnsmasq && echo 'pxe-service=x86PC,Boot,pxelinux' > /etc/dnsmasq.d/pxe.conf"],
    ["a TFTP server", "apt-get install -y isc-dhcp-server tftpd-hpa"],
  ])("a VM that installs %s still is a distribution point (SDZ-PXE-004 in a PERIMETER subnet)", (_what, command) => {
    const s = site("inline", [], {
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "PERIMETER" });
        withFlowLog(tf, vnet);
        linuxVmRunning(tf, "pxe01", "10.0.1.30", command);
      },
    });
    const r = check(s.tf, ["SDZ-PXE-004"]);
    expect(flagged(r, "SDZ-PXE-004")).toEqual(["azurerm_linux_virtual_machine.pxe01"]);
  });

  test.each([
    ["installs WDS", "Install-WindowsFeature WDS -IncludeManagementTools"],
    ["installs the DHCP server", "Install-WindowsFeature DHCP -IncludeManagementTools"],
  ])("a second VM that %s beside the declared distribution point has one finding, SDZ-PXE-013's", (_what, script) => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: dpTags(),
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "INTERNAL" });
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        withFlowLog(tf, vnet);
        extension(tf, "setup", secondVm(tf, "rogue01", "10.0.1.30").vm, script);
      },
    });
    expect(summary(check(s.tf, [...PXE_PACK.rules]))).toEqual([
      "SDZ-PXE-013 fail azurerm_windows_virtual_machine.rogue01",
      `SDZ-PXE-015 fail ${s.vm}`,
    ]);
  });

  test("with no declared distribution point, a DHCP server beside a VM that installs WDS is reported on its VM by SDZ-PXE-013, and judged by no other rule", () => {
    const s = site("inline", [], {
      extend: (tf, { vnet, nsg, vm }) => {
        tag(tf, nsg, { "sdz-trust": "INTERNAL" });
        withFlowLog(tf, vnet);
        extension(tf, "wds", vm, "Install-WindowsFeature WDS -IncludeManagementTools");
        extension(tf, "dhcp", secondVm(tf, "dhcp01", "10.0.1.30").vm, "Install-WindowsFeature DHCP -IncludeManagementTools");
      },
    });
    const r = check(s.tf, [...PXE_PACK.rules]);
    expect(flagged(r, "SDZ-PXE-013")).toEqual(["azurerm_windows_virtual_machine.dhcp01"]);
    expect(messages(r, "SDZ-PXE-013")[0]).toMatch(/^azurerm_windows_virtual_machine\.dhcp01 answers PXE or DHCP in PXE zone servers \(inferred: azurerm_virtual_machine_extension\.dhcp installs a DHCP server \(the DHCP Server role\)\) beside the distribution point azurerm_windows_virtual_machine\.app01 \(inferred: azurerm_virtual_machine_extension\.wds installs a PXE or TFTP server \(Windows Deployment Services\)\): only the distribution point may answer PXE in its segment$/);
    expect(r.findings.filter((f) => f.address === "azurerm_windows_virtual_machine.dhcp01").map((f) => f.ruleId)).toEqual(["SDZ-PXE-013"]);
  });
});
