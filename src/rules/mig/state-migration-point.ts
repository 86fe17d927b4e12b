import { tagValue } from "./storage-index";
import { MigrationTags } from "../../contract/migration-tags";
import { DeploymentRole, parseRoles, ZoneTags } from "../../contract/zone-tags";
import { TfResource } from "../../engine/model";
import { VM_TYPES } from "../../engine/network-index";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";

/** VMs whose `sdz-role` tag includes `state-migration-point`. @internal */
export function stateMigrationPointVms(ctx: RuleContext): TfResource[] {
  return ctx.model.memo("migration-smp-vms", () => ctx.model.ofType(...VM_TYPES)
    .filter((vm) => parseRoles(ctx.model.tags(vm)[ZoneTags.ROLE]).includes(DeploymentRole.STATE_MIGRATION_POINT)));
}

const HARDENING: { tag: string; what: string }[] = [
  { tag: MigrationTags.SMB_SIGNING_REQUIRED, what: "SMB signing required (RequireSecuritySignature)" },
  { tag: MigrationTags.SMB_ENCRYPT_DATA, what: "SMB encryption required (EncryptData)" },
  { tag: MigrationTags.SMB_REJECT_UNENCRYPTED, what: "unencrypted access rejected (RejectUnencryptedAccess)" },
  { tag: MigrationTags.SMB1_REMOVED, what: "SMB 1 removed" },
];

export const smpSmbHardening = defineRule({
  id: "SDZ-MIG-009",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration point VM without SMB signing hardening",
  rationale:
    "Seed 001: \"secure the network channel between the client and the state migration point by using SMB signing or IPsec ... After the initial connection over HTTP, user state migration data is transferred by using SMB. If you don't secure the network channel, an attacker can read and modify this data.\" A VM tagged as a state migration point must record that its SMB server requires signing and encryption, rejects unencrypted access and has SMB 1 removed.",
  fix: "Apply Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false and remove FS-SMB1 (StateMigrationPoint does), and record it with the sdz-smb-signing-required, sdz-smb-encrypt-data, sdz-smb-reject-unencrypted and sdz-smb1-removed tags set to true.",
  requirements: ["R-MIG-1"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const vm of stateMigrationPointVms(ctx)) {
      const missing: string[] = [];
      const unknown: string[] = [];
      for (const h of HARDENING) {
        const v = tagValue(ctx.model, vm, h.tag);
        if (!v.known) unknown.push(`${h.tag} (${v.reason})`);
        else if ((v.value ?? "").toLowerCase() !== "true") missing.push(`${h.what} [${h.tag}=${v.value ?? "absent"}]`);
      }
      if (missing.length > 0) ctx.report(vm, `state migration point without ${missing.join(", ")}`);
      else if (unknown.length > 0) ctx.unverified(vm, `SMB hardening tags not known before apply: ${unknown.join(", ")}`);
    }
  },
});

export const smpDeletesImmediately = defineRule({
  id: "SDZ-MIG-012",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration point deletes restored state immediately (or undeclared)",
  rationale:
    "Seed 001: \"If you configure the deletion policy on the state migration point to immediately remove data that's marked for deletion, and if an attacker manages to retrieve the user state data before the valid computer does, the site immediately deletes the user state data. Set the Delete after interval to be long enough to verify the successful restore.\" The interval is declared in the sdz-smp-delete-after-hours tag; under 24 hours is a warning.",
  fix: "Declare the deletion interval (StateMigrationPoint deleteAfter, default 7 days) so the sdz-smp-delete-after-hours tag is at least 24, and apply it with Set-CMStateMigrationPoint -TimeDeleteAfter/-TimeUnit; never -DeleteImmediately.",
  requirements: ["R-MIG-3"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const vm of stateMigrationPointVms(ctx)) {
      const v = tagValue(ctx.model, vm, MigrationTags.SMP_DELETE_AFTER_HOURS);
      if (!v.known) {
        ctx.unverified(vm, `${MigrationTags.SMP_DELETE_AFTER_HOURS} is not known before apply (${v.reason})`);
        continue;
      }
      if (v.value === undefined) {
        ctx.report(vm, `state migration point without a declared deletion interval (${MigrationTags.SMP_DELETE_AFTER_HOURS} tag absent)`);
        continue;
      }
      const hours = Number(v.value);
      if (!Number.isFinite(hours) || v.value.trim() === "") ctx.report(vm, `${MigrationTags.SMP_DELETE_AFTER_HOURS} = "${v.value}" is not a number of hours`);
      else if (hours <= 0) ctx.report(vm, "state migration point deletes restored state immediately");
      else if (hours < 24) ctx.report(vm, `restored state is deleted after only ${hours} hour(s): too short to verify the restore`, { level: RuleLevel.WARNING });
    }
  },
});

export const smpBackup = defineRule({
  id: "SDZ-MIG-013",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration point VM without backup",
  rationale:
    "Seed 001: \"Manually back up the user state migration data on the state migration point. Configuration Manager Backup doesn't include the user state migration data in the site backup.\" The state migration point's storage folders live on the VM, so the VM (with its data disk) must be protected by Azure Backup.",
  fix: "Protect the VM with azurerm_backup_protected_vm (source_vm_id = the VM's id) and an azurerm_backup_policy_vm (policy_type V2 for Trusted Launch); StateMigrationPoint does.",
  requirements: ["R-MIG-4"],
  resourceTypes: [...VM_TYPES, "azurerm_backup_protected_vm"],
  check(ctx) {
    const vms = stateMigrationPointVms(ctx);
    if (vms.length === 0) return;
    const protectedVms = new Set<TfResource>();
    const unresolved: TfResource[] = [];
    for (const p of ctx.model.ofType("azurerm_backup_protected_vm")) {
      const target = ctx.model.referencedResource(p.config.source_vm_id);
      if (target) protectedVms.add(target);
      else unresolved.push(p);
    }
    for (const vm of vms) {
      if (protectedVms.has(vm)) continue;
      if (unresolved.length > 0) ctx.unverified(vm, `no azurerm_backup_protected_vm references this state migration point; ${unresolved.length} protection(s) name a VM not known before apply`);
      else ctx.report(vm, "state migration point VM has no azurerm_backup_protected_vm");
    }
  },
});

/** The VM half of SDZ-MIG-011: a state migration point must declare its client cap and store size. @internal */
export function checkSmpCaps(ctx: RuleContext): void {
  for (const vm of stateMigrationPointVms(ctx)) {
    for (const [tag, what, max] of [
      [MigrationTags.SMP_MAX_CLIENTS, "a client cap", 99999],
      [MigrationTags.SMP_QUOTA_GIB, "a sized state store", 32767],
    ] as [string, string, number][]) {
      const v = tagValue(ctx.model, vm, tag);
      if (!v.known) ctx.unverified(vm, `${tag} is not known before apply (${v.reason})`);
      else if (v.value === undefined) ctx.report(vm, `state migration point without ${what} (${tag} tag absent)`);
      else if (!/^\d+$/.test(v.value.trim()) || Number(v.value) < 1 || Number(v.value) > max) ctx.report(vm, `${tag} = "${v.value}" is not an integer from 1 to ${max}`);
    }
  }
}
