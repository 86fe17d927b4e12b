import { describeClaims, osOf, RPC_HOST_ROLES, serversWith } from "./common";
import { exampleServer } from "./examples";
import { patchVerdict } from "./patching";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const rpcHostNotPatchedAutomatically = defineRule({
  id: "SDZ-SEC-003",
  level: RuleLevel.ERROR,
  title: "KMS host or domain controller does not receive security updates automatically",
  rationale:
    "Seed 003: KMS is Microsoft RPC, \"a protocol [that] is very complex and has a history of vulnerabilities\" with active exploits (Conficker), and KMS hosts and domain controllers "
    + "expose it to other zones, where no firewall can inspect it. The one defence left on the host is to be patched, without waiting for someone (R-SEC-10). "
    + "The rule applies to VMs holding the kms-host or domain-controller role, declared (sdz-role) or inferred (reachable on TCP 1688, or on Kerberos and LDAP, through rules written for them; "
    + "a script that installs the service). Accepted: patch_mode AutomaticByPlatform (Azure installs Critical and Security updates monthly; with "
    + "bypass_platform_safety_checks_on_user_schedule_enabled = true only when an in-guest maintenance configuration installing Critical or Security updates is assigned, since Azure then "
    + "patches on that schedule only), and AutomaticByOS with Windows Automatic Updates on, which is what an azurerm_windows_virtual_machine gets when patch_mode is not set (azurerm docs: "
    + "\"Defaults to AutomaticByOS\"). AutomaticByOS leaves the updates to Windows Update inside the guest, which Azure neither orchestrates nor reports and which domain Group Policy (WSUS, "
    + "Configuration Manager) may reconfigure, so it is accepted with an info finding saying so, one per VM. "
    + "Flagged: Manual (a maintenance schedule on a Manual VM does not run: Azure's scheduled patching needs AutomaticByPlatform), automatic updates turned off, Linux ImageDefault (the default: "
    + "Azure does not patch), and the legacy azurerm_virtual_machine without enable_automatic_upgrades. Unknown values, an attached existing OS disk, or a dynamic maintenance scope "
    + "whose filter may cover the VM are could-not-verify; a VM whose role tag cannot be read is SDZ-SEC-001's one could-not-verify (this rule's when SDZ-SEC-001 does not run).",
  fix: "Set patch_mode = \"AutomaticByPlatform\" (with provision_vm_agent = true) on the VM; to choose the window, also set bypass_platform_safety_checks_on_user_schedule_enabled = true and "
    + "assign an azurerm_maintenance_configuration (scope InGuestPatch, in_guest_user_patch_mode User, install_patches.windows.classifications_to_include [\"Critical\", \"Security\"], "
    + "a weekly window) with azurerm_maintenance_assignment_virtual_machine.",
  requirements: ["R-SEC-10"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_maintenance_configuration", "azurerm_maintenance_assignment_virtual_machine"],
  reads: [
    "deployment roles of VMs (kms-host, domain-controller: declared, or inferred from inline, standalone and NIC-level NSG rules, firewall and DNAT paths, and extension scripts)",
    "patch_mode, automatic_updates_enabled (4.x: enable_automatic_updates), bypass_platform_safety_checks_on_user_schedule_enabled, os_managed_disk_id of Windows and Linux VMs",
    "os_profile_windows_config.enable_automatic_upgrades of the legacy azurerm_virtual_machine",
    "azurerm_maintenance_assignment_virtual_machine, azurerm_maintenance_assignment_dynamic_scope and azurerm_maintenance_configuration (scope, install_patches classifications)",
  ],
  check(ctx) {
    for (const { vm, claims } of serversWith(ctx, RPC_HOST_ROLES, undefined, "automatic patching")) {
      const verdict = patchVerdict(ctx.model, vm, osOf(ctx.model, vm));
      const who = `${vm.resource.address} (${describeClaims(claims)})`;
      if (verdict.kind === "not-automatic") ctx.report(vm.resource, `${who} does not receive security updates automatically: ${verdict.why}`);
      else if (verdict.kind === "in-guest") {
        ctx.report(vm.resource, `${who}: ${verdict.how}, on the guest's Windows Update policy, which Azure neither orchestrates nor reports (domain Group Policy may change it); patch_mode AutomaticByPlatform makes Azure install Critical and Security updates`, { level: RuleLevel.INFO });
      } else if (verdict.kind === "unknown") ctx.unverified(vm.resource, `${who}: whether it receives security updates automatically depends on ${verdict.why}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A KMS host (inferred from its NSG rule for TCP 1688) with patch_mode Manual", terraform: exampleServer({ vm: { patch_mode: "Manual", automatic_updates_enabled: false } }), flagged: ["azurerm_windows_virtual_machine.kms01"] }],
    good: [{ description: "The same KMS host patched by the platform", terraform: exampleServer({ vm: { patch_mode: "AutomaticByPlatform", provision_vm_agent: true } }) }],
  })),
});
