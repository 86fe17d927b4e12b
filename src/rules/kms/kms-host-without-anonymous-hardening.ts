import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule } from "./example-sites";
import { roleText } from "./kms-reaches";
import { KMS_HARDENING } from "../../contract/kms-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { TerraformModel, TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** A script that sets and reads back the four settings (what KmsHost's extension does), for the example. */
const HARDENING_SCRIPT = [
  "$lsa = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'",
  "Set-ItemProperty -Path $lsa -Name RestrictAnonymous -Value 1",
  "Set-ItemProperty -Path $lsa -Name RestrictAnonymousSAM -Value 1",
  "Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -Name RestrictNullSessAccess -Value 1",
  "Uninstall-WindowsFeature -Name FS-SMB1",
  "if ((Get-ItemPropertyValue -Path $lsa -Name RestrictAnonymous) -ne 1) { exit 1 }",
  "if ((Get-ItemPropertyValue -Path $lsa -Name RestrictAnonymousSAM) -ne 1) { exit 1 }",
  "if ((Get-ItemPropertyValue -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -Name RestrictNullSessAccess) -ne 1) { exit 1 }",
  "if ((Get-WindowsFeature -Name FS-SMB1).Installed) { exit 1 }",
].join("; ");

/** A Windows VM: azurerm_windows_virtual_machine, or a legacy azurerm_virtual_machine without a Linux profile. */
function isWindows(model: TerraformModel, vm: TfResource): boolean {
  if (vm.type === "azurerm_windows_virtual_machine") return true;
  return vm.type === "azurerm_virtual_machine" && model.blocks(vm, "os_profile_linux_config").length === 0;
}

export const kmsHostWithoutAnonymousHardening = defineRule({
  id: "SDZ-KMS-005",
  level: RuleLevel.WARNING,
  title: "KMS host without anonymous-access hardening applied",
  rationale:
    "Seed 003: 'MS RPC access to the servers might accept anonymous connections by default ... these connections might enumerate user accounts and shares on "
    + "the KMS host.' 'Disallow anonymous connections.' The hardening (RestrictAnonymous, RestrictAnonymousSAM, RestrictNullSessAccess, SMB 1 removed) lives "
    + "inside the guest, so the rule asks the settings model, per Windows KMS host (declared or inferred), how each setting is made true: applied (an extension or run "
    + "command on the VM sets it and reads it back, for the registry values under the key Windows reads them from: HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa "
    + "for RestrictAnonymous and RestrictAnonymousSAM, ...\\Services\\LanmanServer\\Parameters for RestrictNullSessAccess, in any spelling PowerShell or reg.exe "
    + "accepts; a write under another key applies nothing, and a key the checks cannot read is could-not-verify) "
    + `or audited (a Machine Configuration assignment checks it) passes, with or without its ${ZoneTags.PREFIX}* tag; a tag that `
    + "nothing in the configuration makes true is only declared, and that is a finding (Azure could apply it). Where a script on the VM cannot be read "
    + "(protected settings, values not known before apply), whether it applies the setting is could-not-verify. One finding per VM, listing the settings.",
  fix: "Apply the hardening with a script that sets and reads back each value (KmsHost's extension does: "
    + `${KMS_HARDENING.map((t) => `${t.what}`).join(", ")}), or assign the SdzWindowsHardening Machine Configuration package to the VM; record it with `
    + `${KMS_HARDENING.map((t) => `${t.spec.key}=true`).join(", ")}.`,
  requirements: ["R-KMS-5"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface", "azurerm_virtual_machine_extension", "azurerm_virtual_machine_run_command", "azurerm_policy_virtual_machine_configuration_assignment"],
  reads: [
    `hardening settings of KMS hosts with their provenance: ${ZoneTags.PREFIX}* tags on the VM and its NICs, extension and run-command scripts that set and read them back, Machine Configuration assignments`,
    `KMS hosts: declared (${ZoneTags.ROLE}) or inferred (roles model)`,
  ],
  check(ctx) {
    for (const { vm, claim } of ctx.roles.vmsWith(DeploymentRole.KMS_HOST)) {
      // The settings are Windows registry values and features: a Linux KMS host (vlmcsd) has none.
      if (!isWindows(ctx.model, vm.resource)) continue;
      const nics = vm.nics.map((n) => n.resource);
      const missing: string[] = [];
      const declared: string[] = [];
      const unreadable = new Set<string>();
      const unknown: string[] = [];
      /** Settings a script writes but does not read back, by those scripts: not applied, but "nothing applies" would send the user to the wrong place. */
      const unread = new Map<string, { several: boolean; whats: string[] }>();
      const addUnread = (scripts: readonly TfResource[], what: string) => {
        const by = scripts.map((x) => x.address).join(", ");
        const entry = unread.get(by) ?? { several: scripts.length > 1, whats: [] };
        entry.whats.push(what);
        unread.set(by, entry);
      };
      for (const h of KMS_HARDENING) {
        const seen = ctx.settings.observed(vm.resource, h.spec.setting);
        if (seen.provenance) continue;
        const s = ctx.settings.read(vm.resource, h.spec, nics);
        const read = s.read;
        if (read.state === "known" && read.value === true) {
          if (s.acceptable) continue;
          if (s.unknown) {
            unknown.push(`${h.what} (${h.spec.key}=true is declared)`);
            unreadable.add(s.unknown);
          } else if (seen.unread) addUnread(seen.unread, h.what);
          else declared.push(`${h.what} (${h.spec.key}=true)`);
        } else if (read.state === "known" || read.state === "absent") {
          if (seen.hidden) {
            unknown.push(h.what);
            unreadable.add(seen.hidden);
          } else if (seen.unread) addUnread(seen.unread, h.what);
          else missing.push(`${h.what}${read.state === "known" ? ` (${h.spec.key}=false)` : ""}${seen.against ? ` (${seen.against})` : ""}`);
        } else unknown.push(`${h.what} (${read.reason})`);
      }
      const who = `KMS host ${vm.resource.address} (${roleText(claim)})`;
      const problems: string[] = [];
      if (missing.length > 0) problems.push(`nothing applies ${missing.join(", ")}`);
      for (const [by, { several, whats }] of unread) {
        problems.push(`${by} set${several ? "" : "s"} ${whats.join(", ")} but do${several ? "" : "es"} not read ${whats.length > 1 ? "them" : "it"} back`);
      }
      if (declared.length > 0) {
        problems.push(`${declared.join(", ")} ${declared.length > 1 ? "are" : "is"} only declared: no extension or run command on the VM sets and reads `
          + `${declared.length > 1 ? "them" : "it"} back, and no Machine Configuration assignment audits ${declared.length > 1 ? "them" : "it"}`);
      }
      if (problems.length > 0) {
        ctx.report(vm.resource, `${who}: ${problems.join("; ")}; anonymous RPC/SMB connections may enumerate its accounts and shares`);
      } else if (unknown.length > 0) {
        ctx.unverified(vm.resource, `${who}: whether ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} applied cannot be told${unreadable.size > 0 ? `: ${[...unreadable].join("; ")}` : ""}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A KMS host that only declares the hardening in tags: nothing applies it",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], { vm: { tags: Object.fromEntries(KMS_HARDENING.map((h) => [h.spec.key, "true"])) } }),
      flagged: ["azurerm_windows_virtual_machine.kms"],
    }],
    good: [{
      description: "A script extension sets each value and reads it back",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [{
          azurerm_virtual_machine_extension: {
            hardening: {
              name: "hardening", virtual_machine_id: "${azurerm_windows_virtual_machine.kms.id}", publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
              settings: JSON.stringify({ commandToExecute: HARDENING_SCRIPT }),
            },
          },
        }],
      }),
    }],
  })),
});
