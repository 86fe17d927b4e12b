import { dpTags, extension, patch, pxeRule, tag, zone } from "./builders";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

/** An untagged distribution point: app01 (10.0.1.4) is inferred from the PXE allow to its address. */
const dp = (placement: (typeof PLACEMENTS)[number], opts: Parameters<typeof site>[2] = {}) => site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], opts);

describe("SDZ-PXE-002 distribution point with a public IP", () => {
  const ID = "SDZ-PXE-002";
  test.each(PLACEMENTS)("an untagged distribution point (inferred from its %s PXE rule) with a public IP is flagged on the NIC", (placement) => {
    const s = dp(placement, { publicIp: true });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nic]);
    expect(messages(r, ID)[0]).toMatch(/distribution point azurerm_windows_virtual_machine\.app01 \(inferred: reachable on UDP 67 through rule "allow-pxe".*has a public IP \(azurerm_public_ip\.app01_pip\)/);
  });

  test("without a public IP it passes; a VM that serves no PXE may have one", () => {
    expect(check(dp("inline").tf, [ID]).findings).toEqual([]);
    expect(check(site("inline", [rule("allow-https", 100, "Allow", "Tcp", "443", "10.0.2.0/24")], { publicIp: true }).tf, [ID]).findings).toEqual([]);
  });

  test("a declared distribution point is checked without any PXE rule; a public IP from a variable is could-not-verify", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "pxe-distribution-point" }, extend: (tf, { nic }) => patch(tf, nic, { ip_configuration: [{ name: "primary", subnet_id: TfJson.ref("azurerm_subnet.servers"), private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4", public_ip_address_id: "${var.pip}" }] }) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nic]);
    expect(messages(r, ID)[0]).toMatch(/public_ip_address_id .*\(the variable pip/);
  });

  /**
   * A Standard public load balancer in front of the distribution point (NIC app01_nic, ip_configuration "primary"): an inbound
   * NAT rule UDP 69 (`nat`), or a load balancer rule over a backend pool holding it (`rule`), on a public or an internal frontend.
   * Before: PXE-002 read public_ip_address_id only, so a distribution point published on a public frontend passed.
   */
  function behindLoadBalancer(via: "nat" | "rule", frontend: "public" | "internal" = "public", association: unknown = TfJson.ref("azurerm_network_interface.app01_nic")) {
    return dp("inline", {
      extend: (tf, { nic }) => {
        const pip = tf.add("azurerm_public_ip", "lb", { name: "lb-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
        const lb = tf.add("azurerm_lb", "lb", {
          name: "lb", location: "westeurope", resource_group_name: "rg", sku: "Standard",
          frontend_ip_configuration: [frontend === "public" ? { name: "front", public_ip_address_id: TfJson.ref(pip) } : { name: "front", subnet_id: TfJson.ref("azurerm_subnet.servers") }],
        });
        const common = { resource_group_name: "rg", loadbalancer_id: TfJson.ref(lb), protocol: "Udp", frontend_port: 69, backend_port: 69, frontend_ip_configuration_name: "front" };
        if (via === "nat") {
          const nat = tf.add("azurerm_lb_nat_rule", "tftp", { name: "tftp", ...common });
          tf.add("azurerm_network_interface_nat_rule_association", "tftp", { network_interface_id: association, ip_configuration_name: "primary", nat_rule_id: TfJson.ref(nat) });
        } else {
          const pool = tf.add("azurerm_lb_backend_address_pool", "pxe", { name: "pxe", loadbalancer_id: TfJson.ref(lb) });
          tf.add("azurerm_network_interface_backend_address_pool_association", "pxe", { network_interface_id: TfJson.ref(nic), ip_configuration_name: "primary", backend_address_pool_id: TfJson.ref(pool) });
          tf.add("azurerm_lb_rule", "tftp", { name: "tftp", ...common, backend_address_pool_ids: [TfJson.ref(pool)] });
        }
      },
    });
  }

  test("a distribution point published on a public load balancer frontend (inbound NAT rule or load balancer rule) is flagged on that rule", () => {
    let r = check(behindLoadBalancer("nat").tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_lb_nat_rule.tftp"]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(messages(r, ID)[0]).toMatch(/^distribution point azurerm_windows_virtual_machine\.app01 \(inferred: .*\) is published on a public load balancer frontend: inbound NAT rule azurerm_lb_nat_rule\.tftp \(frontend port 69\) forwards to azurerm_network_interface\.app01_nic/);
    r = check(behindLoadBalancer("rule").tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_lb_rule.tftp"]);
  });

  test("an internal load balancer frontend passes; a NAT rule association that cannot be followed is could-not-verify", () => {
    expect(check(behindLoadBalancer("nat", "internal").tf, [ID]).findings).toEqual([]);
    const s = behindLoadBalancer("nat", "public", "${var.nic_id}");
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_lb_nat_rule.tftp"]);
    expect(messages(r, ID)[0]).toMatch(/azurerm_network_interface_nat_rule_association\.tftp: its NIC, IP configuration or NAT rule cannot be followed/);
  });

  test("a script that installs WDS makes a VM a distribution point", () => {
    const s = site("inline", [], { publicIp: true, extend: (tf, { vm }) => extension(tf, "wds", vm, "Install-WindowsFeature WDS -IncludeManagementTools") });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nic]);
    expect(messages(r, ID)[0]).toMatch(/inferred: azurerm_virtual_machine_extension\.wds installs a PXE or TFTP server \(Windows Deployment Services\)\)/);
  });
});

describe("SDZ-PXE-003 distribution point multi-homed or forwarding", () => {
  const ID = "SDZ-PXE-003";
  test("NICs in two subnets are flagged on the VM; IP forwarding on the NIC", () => {
    const s = dp("inline", {
      extend: (tf, { vnet, vm }) => {
        const other = tf.subnet("clients", vnet, ["10.0.2.0/24"]);
        const nic2 = tf.nic("app01_nic2", other, "10.0.2.10");
        patch(tf, vm, { network_interface_ids: [TfJson.ref("azurerm_network_interface.app01_nic"), TfJson.ref(nic2)] });
        patch(tf, "azurerm_network_interface.app01_nic", { ip_forwarding_enabled: true });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nic, s.vm].sort());
    expect(messages(r, ID).join("\n")).toMatch(/NICs in 2 subnets \(servers, clients\)/);
    expect(messages(r, ID).join("\n")).toMatch(/has IP forwarding enabled/);
  });

  test("one NIC with forwarding off passes", () => {
    expect(check(dp("inline", { extend: (tf, { nic }) => patch(tf, nic, { ip_forwarding_enabled: false }) }).tf, [ID]).findings).toEqual([]);
  });

  test("forwarding from a variable, or a NIC outside the configuration, is could-not-verify", () => {
    const s = site("inline", [], {
      vmTags: { "sdz-role": "pxe-distribution-point" },
      extend: (tf, { nic, vm }) => {
        patch(tf, nic, { ip_forwarding_enabled: "${var.forwarding}" });
        patch(tf, vm, { network_interface_ids: [TfJson.ref(nic), "${var.extra_nic_id}"] });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nic, s.vm].sort());
  });
});

describe("SDZ-PXE-004 distribution point in a zone below INTERNAL", () => {
  const ID = "SDZ-PXE-004";
  test.each(["inline", "standalone"] as const)("a distribution point (%s PXE rule) in a zone declared PERIMETER is flagged on the VM", (placement) => {
    const s = dp(placement, { extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "PERIMETER" }) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/sits in PERIMETER zone servers \(declared: sdz-trust=PERIMETER on azurerm_network_security_group\.servers_nsg\)/);
  });

  test("a zone declared INTERNAL that the Internet reaches is inferred PERIMETER, with the evidence", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("allow-https", 110, "Allow", "Tcp", "443", "Internet")], { extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "INTERNAL" }) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/PERIMETER zone servers \(inferred: declared INTERNAL .*but NSG rule "allow-https" allows the Internet/);
  });

  test("a zone made internet-facing only by the PXE allow that SDZ-PXE-001 reports keeps its declared trust: one finding, PXE-001's", () => {
    // Before: PXE-001 on the rule and PXE-004 "sits in PERIMETER zone servers (inferred: ... NSG rule "allow-pxe" allows the Internet ...)".
    for (const source of ["*", "Internet"]) {
      const s = site("inline", [pxeRule("allow-pxe", source)], { vmTags: dpTags(), extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "INTERNAL" }) });
      const r = check(s.tf, [ID, "SDZ-PXE-001"]);
      expect(flagged(r, "SDZ-PXE-001")).toEqual([s.nsg]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([]);
    }
    // A rule that opens more than the PXE ports PXE-001 reports still makes the zone PERIMETER.
    const wide = site("inline", [rule("allow-pxe-and-https", 100, "Allow", "*", ["67", "69", "443", "4011"], "Internet")], {
      vmTags: dpTags(), extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "INTERNAL" }),
    });
    expect(flagged(check(wide.tf, [ID]), ID)).toEqual([wide.vm]);
  });

  /**
   * A declared distribution point (10.0.1.4) in a zone declared INTERNAL, whose NSG admits PXE from AzureFirewallSubnet, and a
   * firewall policy DNAT rule `publish/tftp` that publishes UDP 69 of it to the Internet; `alsoRdp` adds a DNAT rule
   * `publish/rdp` publishing TCP 3389 of it as well.
   */
  function dnatSite(alsoRdp = false) {
    return site("inline", [pxeRule("allow-pxe-from-hub", "10.0.100.0/26"), rule("allow-rdp-from-hub", 110, "Allow", "Tcp", "3389", "10.0.100.0/26")], {
      vmTags: dpTags(),
      extend: (tf, { vnet, nsg }) => {
        tag(tf, nsg, { "sdz-trust": "INTERNAL" });
        const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
        const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
        const rules = [{ name: "tftp", protocols: ["UDP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["69"], translated_address: "10.0.1.4", translated_port: "69" }];
        if (alsoRdp) rules.push({ name: "rdp", protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["3389"], translated_address: "10.0.1.4", translated_port: "3389" });
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: rules }],
        });
      },
    });
  }

  test("a zone made internet-facing only by a DNAT rule publishing PXE that SDZ-PXE-001 reports keeps its declared trust: one finding, PXE-001's", () => {
    // Before: PXE-001 on the DNAT rule and PXE-004 "sits in PERIMETER zone servers (inferred: ... but DNAT rule publish/tftp publishes ...)".
    const r = check(dnatSite().tf, [ID, "SDZ-PXE-001"]);
    expect(flagged(r, "SDZ-PXE-001")).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    // A DNAT rule publishing another port of the host (RDP) still makes the zone PERIMETER, with that rule as the evidence.
    const wide = dnatSite(true);
    const w = check(wide.tf, [ID]);
    expect(flagged(w, ID)).toEqual([wide.vm]);
    expect(messages(w, ID)[0]).toMatch(/PERIMETER zone servers \(inferred: declared INTERNAL .*but DNAT rule publish\/rdp publishes azurerm_network_interface\.app01_nic \(10\.0\.1\.4\) \(TCP 3389\)/);
  });

  test("with multicast on too, the finding says R-PXE-7 allows multicast only in secure segments", () => {
    const s = dp("inline", { vmTags: { "sdz-pxe-multicast": "true" }, extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": "PERIMETER" }) });
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/multicast is enabled too, which R-PXE-7 allows only in secure segments/);
  });

  test.each(["INTERNAL", "MANAGEMENT"])("a zone declared %s passes", (trust) => {
    expect(check(dp("inline", { extend: (tf, { nsg }) => tag(tf, nsg, { "sdz-trust": trust }) }).tf, [ID]).findings).toEqual([]);
  });

  test("a zone with no declared trust, or a trust tag from a variable, is could-not-verify", () => {
    const undeclared = dp("nic");
    let r = check(undeclared.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([undeclared.vm]);
    expect(messages(r, ID)[0]).toMatch(/zone servers has no trust level/);
    const fromVar = dp("inline", { extend: (tf, { nsg }) => tag(tf, nsg, "${var.tags}") });
    r = check(fromVar.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([fromVar.vm]);
  });
});

describe("SDZ-PXE-008 PXE zone without flow logs", () => {
  const ID = "SDZ-PXE-008";
  const flowLog = (tf: TfJson, target: Record<string, unknown>, enabled: unknown = true) => tf.add("azurerm_network_watcher_flow_log", "fl", {
    name: "fl", network_watcher_name: "nw", resource_group_name: "rg", storage_account_id: "/subscriptions/0/resourceGroups/l/providers/Microsoft.Storage/storageAccounts/l",
    ...(enabled === "missing" ? {} : { enabled }), version: 2, retention_policy: { enabled: true, days: 90 }, ...target,
  });

  test("a PXE subnet that no flow log covers, or whose flow log is disabled, is a warning on the subnet", () => {
    expect(flagged(check(dp("inline").tf, [ID]), ID)).toEqual(["azurerm_subnet.servers"]);
    const disabled = dp("inline", { extend: (tf, { vnet }) => flowLog(tf, { target_resource_id: TfJson.ref(vnet) }, false) });
    expect(flagged(check(disabled.tf, [ID]), ID)).toEqual(["azurerm_subnet.servers"]);
  });

  test.each([
    ["the VNet", (tf: TfJson, p: { vnet: string }) => flowLog(tf, { target_resource_id: TfJson.ref(p.vnet) })],
    ["the subnet", (tf: TfJson) => flowLog(tf, { target_resource_id: TfJson.ref("azurerm_subnet.servers") })],
    ["a literal VNet ID", (tf: TfJson) => flowLog(tf, { target_resource_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/net" })],
    ["a literal subnet ID (the group written in another case)", (tf: TfJson) => flowLog(tf, { target_resource_id: "/subscriptions/0/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/net/subnets/servers" })],
    ["a literal NIC ID", (tf: TfJson) => flowLog(tf, { target_resource_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/app01_nic" })],
  ])("a flow log on %s covers it", (_what, add) => {
    expect(check(dp("inline", { extend: (tf, p) => add(tf, p as never) }).tf, [ID]).findings).toEqual([]);
  });

  test("an inline subnet is matched by a literal subnet ID in its VNet's resource group, not another's", () => {
    const build = (rg: string) => {
      const tf = new TfJson();
      const nsg = tf.nsg("pxe_nsg", [pxeRule("allow-pxe", "10.0.2.0/24"), rule("deny-all", 4096, "Deny", "*", "*", "*")]);
      tf.add("azurerm_virtual_network", "net", {
        name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"],
        subnet: [{ name: "pxe", address_prefixes: ["10.0.1.0/24"], security_group: TfJson.ref(nsg) }],
      });
      tf.windowsVm("app01", [tf.nic("app01_nic", "azurerm_virtual_network.net", "10.0.1.4")]);
      patch(tf, "azurerm_network_interface.app01_nic", { ip_configuration: [{ name: "primary", subnet_id: "${azurerm_virtual_network.net.subnet[0].id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4" }] });
      flowLog(tf, { target_resource_id: `/subscriptions/0/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/net/subnets/pxe` });
      return tf;
    };
    expect(check(build("rg"), [ID]).findings).toEqual([]);
    expect(check(build("other-rg"), [ID]).findings.map((f) => `${f.status} ${f.address}`)).toEqual(["fail azurerm_virtual_network.net"]);
  });

  /** Before: a literal ID was matched by name only, so a VNet, subnet or NIC of the same name in another resource group counted. */
  test.each([
    ["VNet", "/subscriptions/1111/resourceGroups/other-rg/providers/Microsoft.Network/virtualNetworks/net"],
    ["subnet", "/subscriptions/1111/resourceGroups/other-rg/providers/Microsoft.Network/virtualNetworks/net/subnets/servers"],
    ["NIC", "/subscriptions/1111/resourceGroups/other-rg/providers/Microsoft.Network/networkInterfaces/app01_nic"],
  ])("a literal %s ID of the same name in another resource group covers nothing here", (_what, id) => {
    const s = dp("inline", { extend: (tf) => flowLog(tf, { target_resource_id: id }) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(unverifiedAt(r, ID)).toEqual([]);
  });

  test("a literal VNet ID of the same name, where the VNet's resource group is not known before apply, is could-not-verify", () => {
    const s = dp("inline", {
      extend: (tf, { vnet }) => {
        patch(tf, vnet, { resource_group_name: "${var.rg}" });
        flowLog(tf, { target_resource_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/net" });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(messages(r, ID)[0]).toMatch(/target_resource_id of azurerm_network_watcher_flow_log\.fl \("\/subscriptions\/0\/resourceGroups\/rg\/providers\/Microsoft\.Network\/virtualNetworks\/net"\) may or may not name azurerm_virtual_network\.net \(its resource_group_name is not known/);
  });

  /**
   * NSG flow logs: Azure blocks new ones since 30 June 2025 and retires them on 30 September 2027 (learn.microsoft.com/azure/
   * network-watcher/nsg-flow-logs-overview). Before: an NSG flow log (by reference, literal ID or azurerm 3's network_security_group_id) counted as coverage.
   */
  test.each([
    ["by reference", (tf: TfJson, p: { nsg: string }) => flowLog(tf, { target_resource_id: TfJson.ref(p.nsg) })],
    ["by literal ID", (tf: TfJson) => flowLog(tf, { target_resource_id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/servers_nsg" })],
    ["through azurerm 3's network_security_group_id", (tf: TfJson, p: { nsg: string }) => flowLog(tf, { network_security_group_id: TfJson.ref(p.nsg) })],
  ])("an NSG flow log on the subnet's NSG (%s) is no coverage: a warning naming the retirement", (_what, add) => {
    const r = check(dp("inline", { extend: (tf, p) => add(tf, p as never) }).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(messages(r, ID)[0]).toMatch(/azurerm_network_watcher_flow_log\.fl is an NSG flow log \(NSG servers_nsg\), which Azure no longer creates since 30 June 2025 and retires on 30 September 2027: use a VNet flow log/);
  });

  test("a flow log whose enabled is not known before apply, or missing (azurerm 4.55 requires it), is could-not-verify naming enabled, not the target", () => {
    const fromVar = dp("inline", { extend: (tf, { vnet }) => flowLog(tf, { target_resource_id: TfJson.ref(vnet) }, "${var.on}") });
    let r = check(fromVar.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(messages(r, ID)[0]).toMatch(/whether azurerm_network_watcher_flow_log\.fl, on azurerm_virtual_network\.net, is enabled is not known \(enabled: the variable on is only known at plan time\)/);
    expect(messages(r, ID)[0]).not.toMatch(/target/);
    const missing = dp("inline", { extend: (tf, { vnet }) => flowLog(tf, { target_resource_id: TfJson.ref(vnet) }, "missing") });
    r = check(missing.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(messages(r, ID)[0]).toMatch(/\(enabled: enabled is missing, and azurerm 4\.55 requires it\)/);
  });

  test("a flow log whose target is a variable is could-not-verify; no distribution point, no finding", () => {
    const s = dp("inline", { extend: (tf) => flowLog(tf, { target_resource_id: "${var.target}" }) });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_subnet.servers"]);
    expect(check(site("inline", [rule("allow-https", 100, "Allow", "Tcp", "443", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
  });

  test("the distribution point of a zone declared with its settings is found by its role tag alone", () => {
    const s = site("inline", [], { vmTags: dpTags(), extend: (tf, { vnet }) => zone(tf, vnet, "clients", "10.0.2.0/24") });
    expect(flagged(check(s.tf, [ID]), ID)).toEqual(["azurerm_subnet.servers"]);
  });
});
