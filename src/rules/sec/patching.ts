/**
 * Whether Azure installs security updates on a VM by itself, from what the configuration sets.
 *
 * Facts (checked against the azurerm docs and Azure's API reference):
 * - `azurerm_windows_virtual_machine.patch_mode`: `Manual`, `AutomaticByOS`, `AutomaticByPlatform`;
 *   defaults to `AutomaticByOS` (azurerm docs, 4.x and 5.x). `AutomaticByOS` needs Windows
 *   Automatic Updates on (`automatic_updates_enabled`, default true; the 4.x spelling
 *   `enable_automatic_updates` was removed in 5.0, per the 5.0 upgrade guide), and `Manual` turns
 *   them off (Azure API, WindowsVMGuestPatchMode).
 * - `azurerm_linux_virtual_machine.patch_mode`: `ImageDefault` (the default: Azure does not
 *   patch) or `AutomaticByPlatform`.
 * - `AutomaticByPlatform` patches Critical and Security updates monthly in off-peak hours, unless
 *   `bypass_platform_safety_checks_on_user_schedule_enabled` is true: then the VM is patched only by
 *   an assigned maintenance configuration and never otherwise. Scheduled patching needs
 *   `AutomaticByPlatform` with that flag true; a schedule on a `Manual` VM does not run
 *   (learn.microsoft.com/azure/update-manager/prerequsite-for-schedule-patching).
 * - A schedule is an `azurerm_maintenance_configuration` with `scope = "InGuestPatch"` and
 *   `install_patches.{windows|linux}.classifications_to_include`, assigned with
 *   `azurerm_maintenance_assignment_virtual_machine` (or a dynamic scope,
 *   `azurerm_maintenance_assignment_dynamic_scope`, whose filter the checks do not evaluate).
 * - The legacy `azurerm_virtual_machine` has only `os_profile_windows_config.enable_automatic_upgrades`
 *   (default false) and no patch setting for Linux.
 */
import { blocksOf, choice, flag, OsFamily } from "./common";
import { Vm } from "../../engine/access/topology";
import { TerraformModel, TfResource } from "../../engine/model";

/** What Azure does about security updates on a VM. */
export type PatchVerdict =
  | { readonly kind: "automatic"; readonly how: string }
  /** Windows Automatic Updates in the guest (AutomaticByOS): accepted, but Azure neither orchestrates nor reports it. */
  | { readonly kind: "in-guest"; readonly how: string }
  | { readonly kind: "not-automatic"; readonly why: string }
  | { readonly kind: "unknown"; readonly why: string };

const WINDOWS_MODES = ["Manual", "AutomaticByOS", "AutomaticByPlatform"] as const;
const LINUX_MODES = ["ImageDefault", "AutomaticByPlatform"] as const;
const SECURITY_CLASSES = ["critical", "security"];
const SCOPES = ["InGuestPatch", "Extension", "Host", "OSImage", "SQLDB", "SQLManagedInstance"] as const;

/** Maintenance schedules of a configuration. Build once with {@link Maintenance.of}. */
export class Maintenance {
  public static of(model: TerraformModel): Maintenance {
    return model.memo("sec-maintenance", () => new Maintenance(model));
  }

  private readonly byVm = new Map<TfResource, TfResource[]>();
  /** Assignments and dynamic scopes that may cover any VM. */
  private readonly anyVm: string[] = [];

  private constructor(private readonly model: TerraformModel) {
    for (const a of model.ofType("azurerm_maintenance_assignment_virtual_machine")) {
      const vm = model.referencedResource(a.config.virtual_machine_id);
      if (vm) this.byVm.set(vm, [...(this.byVm.get(vm) ?? []), a]);
      else {
        const id = model.resolveString(a.config.virtual_machine_id);
        if (!id.known) this.anyVm.push(`${a.address} assigns a schedule to a VM not known before apply (${id.reason})`);
      }
    }
    for (const d of model.ofType("azurerm_maintenance_assignment_dynamic_scope")) {
      const config = model.referencedResource(d.config.maintenance_configuration_id);
      if (config) {
        const scope = choice(model, config.config.scope, SCOPES);
        if (scope.value !== "InGuestPatch" && !scope.unknown) continue; // not a guest patch schedule
      }
      this.anyVm.push(`${d.address} assigns a schedule to the VMs its filter matches, which the checks do not evaluate`);
    }
  }

  /**
   * Whether an in-guest patch schedule that installs Critical or Security updates is assigned to the
   * VM: the configuration that does, `none`, or why it cannot be told.
   */
  public scheduleFor(vm: Vm, os: OsFamily): { config?: TfResource; none?: true; unknown?: string } {
    const doubts: string[] = [];
    for (const a of this.byVm.get(vm.resource) ?? []) {
      const config = this.model.referencedResource(a.config.maintenance_configuration_id);
      if (!config || config.type !== "azurerm_maintenance_configuration") {
        doubts.push(`${a.address} assigns a maintenance configuration outside this configuration`);
        continue;
      }
      const scope = choice(this.model, config.config.scope, SCOPES);
      if (scope.unknown) {
        doubts.push(`${config.address} scope: ${scope.unknown}`);
        continue;
      }
      if (scope.value !== "InGuestPatch") continue; // platform or image maintenance, not guest updates
      const install = this.model.blocks(config, "install_patches")[0];
      if (!install) {
        doubts.push(`${config.address} has no install_patches block (Azure requires one for InGuestPatch)`);
        continue;
      }
      const families = os.os ? [os.os] : ["windows", "linux"];
      for (const family of families) {
        const block = blocksOf(install[family])[0];
        if (!block) continue;
        const classes = this.model.resolveStringList(block.classifications_to_include);
        if (!classes.known) doubts.push(`${config.address} install_patches.${family}.classifications_to_include: ${classes.reason}`);
        else if (classes.value.length === 0) doubts.push(`${config.address} install_patches.${family}.classifications_to_include is not set, so which updates it installs is not stated`);
        else if (classes.value.some((c) => SECURITY_CLASSES.includes(c.toLowerCase()))) return { config };
      }
    }
    doubts.push(...this.anyVm);
    return doubts.length > 0 ? { unknown: doubts.join("; ") } : { none: true };
  }
}

/** What Azure does about security updates on this VM. */
export function patchVerdict(model: TerraformModel, vm: Vm, os: OsFamily): PatchVerdict {
  const r = vm.resource;
  const c = r.config;
  if (r.type === "azurerm_virtual_machine") return legacyVerdict(model, r, os);
  const isWindows = r.type === "azurerm_windows_virtual_machine";
  const mode = isWindows ? choice(model, c.patch_mode, WINDOWS_MODES) : choice(model, c.patch_mode, LINUX_MODES);
  if (mode.unknown) return { kind: "unknown", why: `patch_mode: ${mode.unknown}` };
  if (mode.unset && c.os_managed_disk_id !== undefined && c.os_managed_disk_id !== null && c.os_managed_disk_id !== "") {
    return { kind: "unknown", why: "it attaches an existing OS disk (os_managed_disk_id), so its update settings come from that disk, which the configuration does not show" };
  }
  const effective = mode.value ?? (isWindows ? "AutomaticByOS" : "ImageDefault");
  const shown = mode.unset ? `patch_mode is not set (Azure's default, ${effective})` : `patch_mode is ${effective}`;
  if (effective === "AutomaticByOS") {
    // 5.x spells it automatic_updates_enabled; 4.x also accepted enable_automatic_updates (removed in 5.0).
    const field = c.automatic_updates_enabled !== undefined ? "automatic_updates_enabled" : c.enable_automatic_updates !== undefined ? "enable_automatic_updates" : "automatic_updates_enabled";
    const updates = flag(model, c[field], true);
    if (updates.unknown) return { kind: "unknown", why: `${field}: ${updates.unknown}` };
    if (updates.value === false) return { kind: "not-automatic", why: `${shown} with ${field} = false: Windows Automatic Updates is off, so nothing installs security updates (Azure requires it on for AutomaticByOS)` };
    return { kind: "in-guest", how: `${shown}: Windows Automatic Updates in the guest installs them` };
  }
  if (effective === "AutomaticByPlatform") {
    const bypass = flag(model, c.bypass_platform_safety_checks_on_user_schedule_enabled, false);
    if (bypass.unknown) return { kind: "unknown", why: `bypass_platform_safety_checks_on_user_schedule_enabled: ${bypass.unknown}` };
    if (!bypass.value) return { kind: "automatic", how: `${shown}: Azure installs Critical and Security updates monthly` };
    const schedule = Maintenance.of(model).scheduleFor(vm, os);
    if (schedule.config) return { kind: "automatic", how: `${shown} on the schedule of ${schedule.config.address}` };
    if (schedule.unknown) return { kind: "unknown", why: `${shown} with bypass_platform_safety_checks_on_user_schedule_enabled = true, so only an assigned schedule patches it: ${schedule.unknown}` };
    return { kind: "not-automatic", why: `${shown} with bypass_platform_safety_checks_on_user_schedule_enabled = true and no in-guest patch schedule (azurerm_maintenance_configuration scope InGuestPatch installing Critical/Security) assigned: Azure patches such a VM only on its schedule, so never` };
  }
  const schedule = Maintenance.of(model).scheduleFor(vm, os);
  const note = schedule.config ? `; the schedule ${schedule.config.address} cannot patch it: scheduled patching needs patch_mode AutomaticByPlatform with bypass_platform_safety_checks_on_user_schedule_enabled = true` : "";
  if (effective === "Manual") return { kind: "not-automatic", why: `${shown}: automatic updates are off and nothing installs security updates${note}` };
  return { kind: "not-automatic", why: `${shown}: Azure does not patch it; whatever the image does is not visible in the configuration${note}` };
}

function legacyVerdict(model: TerraformModel, r: TfResource, os: OsFamily): PatchVerdict {
  if (typeof r.config.os_profile_windows_config === "string") return { kind: "unknown", why: "os_profile_windows_config is evaluated at plan time" };
  if (os.os === "windows") {
    const block = model.blocks(r, "os_profile_windows_config")[0] ?? {};
    const upgrades = flag(model, block.enable_automatic_upgrades, false);
    if (upgrades.unknown) return { kind: "unknown", why: `os_profile_windows_config.enable_automatic_upgrades: ${upgrades.unknown}` };
    if (upgrades.value) return { kind: "in-guest", how: "os_profile_windows_config.enable_automatic_upgrades is true: Windows Automatic Updates in the guest installs them" };
    return { kind: "not-automatic", why: "os_profile_windows_config.enable_automatic_upgrades is false (the default for azurerm_virtual_machine): nothing installs security updates" };
  }
  if (os.os === "linux") return { kind: "not-automatic", why: "the legacy azurerm_virtual_machine has no patch setting for Linux: Azure does not patch it" };
  return { kind: "unknown", why: "reason" in os ? os.reason : "the OS is not known" };
}
