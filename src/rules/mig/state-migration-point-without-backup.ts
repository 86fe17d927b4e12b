import { siteServerRunCommand, smpNetwork, terraform } from "./examples";
import { ZONE_TAG } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { StateMigrationPoints } from "../../engine/state-migration-points";
import { lazyExamples } from "../lazy-examples";

export const stateMigrationPointWithoutBackup = defineRule({
  id: "SDZ-MIG-013",
  level: RuleLevel.ERROR,
  title: "State migration point VM without backup",
  rationale:
    "Seed 001: \"Manually back up the user state migration data on the state migration point. Configuration Manager Backup doesn't include the user state migration data in the site backup.\" "
    + "The state migration point's storage folders live on the VM, so the VM (with its data disk) must be protected by Azure Backup. The rule applies to state migration points declared "
    + `by ${ZONE_TAG.roles.key} or inferred from Add-/Set-CMStateMigrationPoint in a script of this configuration.`,
  fix: "Protect the VM with azurerm_backup_protected_vm (source_vm_id = the VM's id) and an azurerm_backup_policy_vm (policy_type V2 for Trusted Launch); StateMigrationPoint does.",
  requirements: ["R-MIG-4"],
  resourceTypes: [...VM_TYPES, "azurerm_backup_protected_vm"],
  reads: ["azurerm_backup_protected_vm source_vm_id (a reference or a literal VM ID)", `state migration points: ${ZONE_TAG.roles.key}, Add-/Set-CMStateMigrationPoint in run commands and script extensions`],
  check(ctx) {
    const m = ctx.model;
    const points = StateMigrationPoints.of(m).points;
    if (points.length === 0) return;
    const protectedVms = new Set<TfResource>();
    const protectedNames = new Set<string>();
    const unresolved: string[] = [];
    for (const p of m.ofType("azurerm_backup_protected_vm")) {
      const target = m.referencedResource(p.config.source_vm_id);
      if (target) {
        protectedVms.add(target);
        continue;
      }
      const lit = m.resolveString(p.config.source_vm_id);
      const name = lit.known ? /\/virtualMachines\/([^/]+)$/i.exec(lit.value)?.[1] : undefined;
      if (name) protectedNames.add(name.toLowerCase());
      else unresolved.push(`${p.address}: source_vm_id ${lit.known ? `${JSON.stringify(lit.value)} is no VM ID` : `is not known before apply (${lit.reason})`}`);
    }
    for (const p of points) {
      const vm = p.vm.resource;
      const name = m.resolveString(vm.config.name);
      if (protectedVms.has(vm) || (name.known && protectedNames.has(name.value.toLowerCase()))) continue;
      const who = `state migration point (${p.claim.source}: ${p.claim.evidence})`;
      if (unresolved.length > 0) ctx.unverified(vm, `${who}: no azurerm_backup_protected_vm is known to protect it; ${unresolved[0]}`);
      else ctx.report(vm, `${who} has no azurerm_backup_protected_vm`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An untagged state migration point (added by the site server's run command) that nothing backs up",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-TimeDeleteAfter 7 -TimeUnit Days")),
      flagged: ["azurerm_windows_virtual_machine.smp01"],
    }],
    good: [{
      description: "The same point protected by Azure Backup",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-TimeDeleteAfter 7 -TimeUnit Days"), {
        azurerm_recovery_services_vault: { rsv: { name: "smp-rsv", location: "westeurope", resource_group_name: "rg", sku: "Standard" } },
        azurerm_backup_policy_vm: { daily: { name: "daily", resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}", policy_type: "V2", backup: { frequency: "Daily", time: "23:00" }, retention_daily: { count: 30 } } },
        azurerm_backup_protected_vm: { smp01: { resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}", source_vm_id: "${azurerm_windows_virtual_machine.smp01.id}", backup_policy_id: "${azurerm_backup_policy_vm.daily.id}" } },
      }),
    }],
  })),
});
