import { refExample } from "./examples";
import { describeRef, referenceComputers, VM_TYPES } from "./reference-computers";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const referenceWithoutAutomaticUpdates = defineRule({
  id: "SDZ-REF-003",
  level: RuleLevel.ERROR,
  title: "Reference computer without automatic security updates",
  rationale:
    "Always install the most recent security updates on the reference computer: it reduces the window of vulnerability for new computers when they "
    + "first start up (seed 001, R-REF-1). The rule reads, for every reference computer (declared or inferred): on azurerm_windows_virtual_machine, "
    + "patch_mode (default AutomaticByOS; Manual is a finding) and automatic_updates_enabled (default true); on azurerm_linux_virtual_machine, "
    + "patch_mode (AutomaticByPlatform passes; ImageDefault, the default, leaves updates to the image and is could-not-verify); on the legacy "
    + "azurerm_virtual_machine, os_profile_windows_config.enable_automatic_upgrades (default false). One finding per VM; values not known before apply "
    + "are could-not-verify.",
  fix: "Set patch_mode = \"AutomaticByPlatform\" (ReferenceComputer does) or at least \"AutomaticByOS\", and keep automatic_updates_enabled true.",
  requirements: ["R-REF-1"],
  resourceTypes: VM_TYPES,
  reads: ["reference computers (declared or inferred)", "patch_mode and automatic_updates_enabled (Windows), patch_mode (Linux), os_profile_windows_config.enable_automatic_upgrades (legacy VM)"],
  check(ctx) {
    const m = ctx.model;
    for (const rc of referenceComputers(ctx)) {
      const r = rc.vm.resource;
      const bad: string[] = [];
      const unknown: string[] = [];
      if (r.type === "azurerm_windows_virtual_machine") {
        const mode = m.resolveString(r.config.patch_mode ?? "AutomaticByOS");
        const auto = m.resolveBoolean(r.config.automatic_updates_enabled ?? r.config.enable_automatic_updates);
        if (!mode.known) unknown.push(`patch_mode: ${mode.reason}`);
        else if (mode.value === "Manual") bad.push("patch_mode is \"Manual\"");
        if (!auto.known) unknown.push(`automatic_updates_enabled: ${auto.reason}`);
        else if (auto.value === false) bad.push("automatic_updates_enabled is false");
      } else if (r.type === "azurerm_linux_virtual_machine") {
        const mode = m.resolveString(r.config.patch_mode ?? "ImageDefault");
        if (!mode.known) unknown.push(`patch_mode: ${mode.reason}`);
        else if (mode.value !== "AutomaticByPlatform") unknown.push(`patch_mode "${mode.value}" leaves security updates to the image, which the checks cannot see`);
      } else {
        const cfg = m.blocks(r, "os_profile_windows_config")[0];
        const auto = m.resolveBoolean(cfg?.enable_automatic_upgrades);
        if (!cfg) unknown.push("it has no os_profile_windows_config; a Linux legacy VM's updates are left to its image");
        else if (!auto.known) unknown.push(`os_profile_windows_config.enable_automatic_upgrades: ${auto.reason}`);
        else if (auto.value !== true) bad.push("os_profile_windows_config.enable_automatic_upgrades is not true (the default is false)");
      }
      if (bad.length > 0) ctx.report(r, `${describeRef(rc)} does not install security updates automatically: ${bad.join(", ")}`);
      else if (unknown.length > 0) ctx.unverified(r, `${describeRef(rc)}: whether it installs security updates automatically cannot be told (${unknown.join("; ")})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A VM captured into an image (a reference computer) with manual patching", terraform: refExample({ patchMode: "Manual", tagged: false }), flagged: ["azurerm_windows_virtual_machine.ref"] }],
    good: [{ description: "Platform patching", terraform: refExample({ tagged: false }) }],
  })),
});
