import { kmsPublishedByDnat, SERVICE_RULES } from "./fixtures";
import { FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { Body, check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-SEC-003";

/** A server of `role` (inferred from its rules) whose VM carries `vm` attributes. */
function server(role: "kms-host" | "domain-controller", vm: Body, placement: (typeof PLACEMENTS)[number] = "inline", extend?: (tf: TfJson, vmAddress: string) => void) {
  return site(placement, SERVICE_RULES[role], {
    extend: (tf, s) => {
      Object.assign(tf.json.resource.azurerm_windows_virtual_machine[s.vm.split(".")[1]], vm);
      extend?.(tf, s.vm);
    },
  });
}

/** An in-guest patch configuration (Critical and Security updates, weekly). */
function patchConfig(tf: TfJson, config: Body = {}): string {
  return tf.add("azurerm_maintenance_configuration", "patching", {
    name: "patching", location: "westeurope", resource_group_name: "rg", scope: "InGuestPatch", in_guest_user_patch_mode: "User",
    window: { start_date_time: "2026-01-01 02:00", time_zone: "UTC", duration: "03:55", recur_every: "1Week Sunday" },
    install_patches: { reboot: "IfRequired", windows: { classifications_to_include: ["Critical", "Security"] } },
    ...config,
  });
}

/** An in-guest patch schedule assigned to `vm`. */
function schedule(tf: TfJson, vm: string, config: Body = {}): void {
  tf.add("azurerm_maintenance_assignment_virtual_machine", "patching", { location: "westeurope", maintenance_configuration_id: TfJson.ref(patchConfig(tf, config)), virtual_machine_id: TfJson.ref(vm) });
}

const infos = (r: ReturnType<typeof check>) => r.findings.filter((f) => f.ruleId === ID && f.level === RuleLevel.INFO).map((f) => f.address);
const errors = (r: ReturnType<typeof check>) =>
  r.findings.filter((f) => f.ruleId === ID && f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL).map((f) => f.address);

describe("SDZ-SEC-003 KMS hosts and domain controllers are patched automatically", () => {
  describe.each(["kms-host", "domain-controller"] as const)("an untagged %s (inferred)", (role) => {
    test.each(PLACEMENTS)("through a %s rule: patch_mode Manual is an error naming the role and why", (placement) => {
      const s = server(role, { patch_mode: "Manual", automatic_updates_enabled: false }, placement);
      const r = check(s.tf, [ID]);
      expect(errors(r)).toEqual([s.vm]);
      expect(messages(r, ID)[0]).toMatch(new RegExp(`${role}: inferred \\(reachable on .*patch_mode is Manual: automatic updates are off`));
    });

    test.each(PLACEMENTS)("through a %s rule: AutomaticByPlatform passes", (placement) => {
      expect(check(server(role, { patch_mode: "AutomaticByPlatform", provision_vm_agent: true }, placement).tf, [ID]).findings).toEqual([]);
    });
  });

  test("a KMS host reachable only through a firewall DNAT rule is in scope", () => {
    const s = kmsPublishedByDnat();
    Object.assign(s.tf.json.resource.azurerm_windows_virtual_machine.app01, { patch_mode: "Manual" });
    expect(errors(check(s.tf, [ID]))).toEqual([s.vm]);
  });

  test("other VMs, even unpatched, are out of scope (web server, distribution point)", () => {
    const web = site("inline", [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")], { extend: (tf, s) => Object.assign(tf.json.resource.azurerm_windows_virtual_machine[s.vm.split(".")[1]], { patch_mode: "Manual" }) });
    expect(check(web.tf, [ID]).findings).toEqual([]);
    const dp = site("inline", SERVICE_RULES["pxe-distribution-point"], { extend: (tf, s) => Object.assign(tf.json.resource.azurerm_windows_virtual_machine[s.vm.split(".")[1]], { patch_mode: "Manual" }) });
    expect(check(dp.tf, [ID]).findings).toEqual([]);
  });

  test("patch_mode not set is Azure's default AutomaticByOS: accepted with one info finding saying Windows Update in the guest does it", () => {
    const s = server("kms-host", {});
    const r = check(s.tf, [ID]);
    expect(errors(r)).toEqual([]);
    expect(infos(r)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/patch_mode is not set \(Azure's default, AutomaticByOS\): Windows Automatic Updates in the guest installs them/);
    expect(infos(check(server("kms-host", { patch_mode: "AutomaticByOS" }).tf, [ID]))).toEqual([s.vm]);
  });

  test("AutomaticByOS with automatic updates off (5.x automatic_updates_enabled, 4.x enable_automatic_updates) is an error", () => {
    for (const field of ["automatic_updates_enabled", "enable_automatic_updates"]) {
      const s = server("kms-host", { [field]: false });
      const r = check(s.tf, [ID]);
      expect([field, errors(r)]).toEqual([field, [s.vm]]);
      expect(messages(r, ID)[0]).toContain(`${field} = false`);
    }
  });

  describe("AutomaticByPlatform with bypass_platform_safety_checks_on_user_schedule_enabled (patched only on a schedule)", () => {
    const bypass = { patch_mode: "AutomaticByPlatform", provision_vm_agent: true, bypass_platform_safety_checks_on_user_schedule_enabled: true };
    test("without a schedule is an error", () => {
      const s = server("domain-controller", bypass);
      const r = check(s.tf, [ID]);
      expect(errors(r)).toEqual([s.vm]);
      expect(messages(r, ID)[0]).toMatch(/no in-guest patch schedule/);
    });
    test("with an InGuestPatch schedule installing Critical/Security updates passes", () => {
      expect(check(server("domain-controller", bypass, "inline", (tf, vm) => schedule(tf, vm)).tf, [ID]).findings).toEqual([]);
    });
    test("a schedule of another scope, or one installing only definitions, does not count", () => {
      const host = server("domain-controller", bypass, "inline", (tf, vm) => schedule(tf, vm, { scope: "Host", install_patches: undefined }));
      expect(errors(check(host.tf, [ID]))).toEqual([host.vm]);
      const defs = server("domain-controller", bypass, "inline", (tf, vm) => schedule(tf, vm, { install_patches: { windows: { classifications_to_include: ["Definition"] } } }));
      expect(errors(check(defs.tf, [ID]))).toEqual([defs.vm]);
    });
    test.each<[string, (tf: TfJson, vm: string) => void]>([
      ["the configuration is outside this configuration", (tf, vm) => tf.add("azurerm_maintenance_assignment_virtual_machine", "a", { location: "westeurope", maintenance_configuration_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Maintenance/maintenanceConfigurations/shared", virtual_machine_id: TfJson.ref(vm) })],
      ["the classifications come from a variable", (tf, vm) => schedule(tf, vm, { install_patches: { windows: { classifications_to_include: "${var.classes}" } } })],
      ["the classifications are not set", (tf, vm) => schedule(tf, vm, { install_patches: { windows: { kb_numbers_to_exclude: ["5000001"] } } })],
      ["a dynamic scope may cover the VM", (tf) => {
        tf.add("azurerm_maintenance_assignment_dynamic_scope", "all", { name: "all", maintenance_configuration_id: TfJson.ref(patchConfig(tf)), filter: { os_types: ["Windows"] } });
      }],
      ["an assignment's VM is a variable", (tf) => {
        tf.add("azurerm_maintenance_assignment_virtual_machine", "a", { location: "westeurope", maintenance_configuration_id: TfJson.ref(patchConfig(tf)), virtual_machine_id: "${var.vm_id}" });
      }],
    ])("could-not-verify when %s", (_what, build) => {
      const s = server("domain-controller", bypass, "inline", build);
      const r = check(s.tf, [ID]);
      expect(errors(r)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    });
  });

  test("a schedule on a Manual VM does not run: still an error, and the message says why", () => {
    const s = server("kms-host", { patch_mode: "Manual" }, "inline", (tf, vm) => schedule(tf, vm));
    const r = check(s.tf, [ID]);
    expect(errors(r)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/cannot patch it: scheduled patching needs patch_mode AutomaticByPlatform with bypass_platform_safety_checks_on_user_schedule_enabled = true/);
  });

  test.each<[string, Body]>([
    ["patch_mode from a variable", { patch_mode: "${var.patch_mode}" }],
    ["an unexpected patch_mode", { patch_mode: "Sometimes" }],
    ["automatic updates from a variable", { automatic_updates_enabled: "${var.au}" }],
    ["an attached existing OS disk", { os_managed_disk_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/dc01-os" }],
  ])("could-not-verify with %s", (_what, vm) => {
    const s = server("kms-host", vm);
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
  });

  test("a VM whose role tag cannot be read and whose rules show no service is SDZ-SEC-001's one could-not-verify, naming this rule", () => {
    const s = site("inline", [], { extend: (tf, { vm }) => Object.assign(tf.json.resource.azurerm_windows_virtual_machine[vm.split(".")[1]], { tags: "${var.tags}", patch_mode: "Manual" }) });
    const r = check(s.tf, [ID, "SDZ-SEC-001"]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-SEC-001")).toEqual([s.vm]);
    expect(messages(r, "SDZ-SEC-001")[0]).toContain("automatic patching (SDZ-SEC-003)");
  });

  test("Linux: ImageDefault (the default) is an error, AutomaticByPlatform passes", () => {
    const linux = (vm: Body) => {
      const tf = new TfJson();
      const nsg = tf.nsg("nsg", [...SERVICE_RULES["kms-host"], rule("deny-all", 4096, "Deny", "*", "*", "*")]);
      const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
      tf.associate(subnet, nsg);
      tf.add("azurerm_linux_virtual_machine", "vlmcs", {
        name: "vlmcs", location: "westeurope", resource_group_name: "rg", size: "Standard_B2s", admin_username: "ops",
        network_interface_ids: [TfJson.ref(tf.nic("vlmcs_nic", subnet, "10.0.1.4"))], os_disk: { caching: "ReadWrite", storage_account_type: "Standard_LRS" }, ...vm,
      });
      return tf;
    };
    const r = check(linux({}), [ID]);
    expect(errors(r)).toEqual(["azurerm_linux_virtual_machine.vlmcs"]);
    expect(messages(r, ID)[0]).toMatch(/patch_mode is not set \(Azure's default, ImageDefault\): Azure does not patch it/);
    expect(check(linux({ patch_mode: "AutomaticByPlatform", provision_vm_agent: true }), [ID]).findings).toEqual([]);
  });

  test("the legacy azurerm_virtual_machine: enable_automatic_upgrades off (the default) is an error, on is the in-guest info", () => {
    const legacy = (winConfig: Body) => {
      const tf = new TfJson();
      const nsg = tf.nsg("nsg", [...SERVICE_RULES["domain-controller"], rule("deny-all", 4096, "Deny", "*", "*", "*")]);
      const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
      tf.associate(subnet, nsg);
      tf.add("azurerm_virtual_machine", "dc01", {
        name: "dc01", location: "westeurope", resource_group_name: "rg", vm_size: "Standard_D2s_v5",
        network_interface_ids: [TfJson.ref(tf.nic("dc01_nic", subnet, "10.0.1.4"))],
        storage_os_disk: { name: "os", create_option: "FromImage" },
        os_profile: { computer_name: "dc01", admin_username: "ops", admin_password: "${var.pw}" },
        os_profile_windows_config: { provision_vm_agent: true, ...winConfig },
      });
      return tf;
    };
    expect(errors(check(legacy({}), [ID]))).toEqual(["azurerm_virtual_machine.dc01"]);
    const on = check(legacy({ enable_automatic_upgrades: true }), [ID]);
    expect([errors(on), infos(on)]).toEqual([[], ["azurerm_virtual_machine.dc01"]]);
  });
});
