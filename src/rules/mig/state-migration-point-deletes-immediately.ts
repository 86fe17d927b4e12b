import { siteServerRunCommand, smpNetwork, terraform } from "./examples";
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { ZONE_TAG } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { defineRule, RuleLevel } from "../../engine/rule";
import { NOT_SHOWN_SITE_SERVER } from "../../engine/settings";
import { deletionPolicyOf, StateMigrationPoints } from "../../engine/state-migration-points";
import { lazyExamples } from "../lazy-examples";

/** Restored state kept less than this many hours is too short to verify the restore (warning). */
const MIN_HOURS = 24;

export const stateMigrationPointDeletesImmediately = defineRule({
  id: "SDZ-MIG-012",
  level: RuleLevel.ERROR,
  title: "State migration point deletes restored state immediately (or undeclared)",
  rationale:
    "Seed 001: \"If you configure the deletion policy on the state migration point to immediately remove data that's marked for deletion, and if an attacker manages to retrieve the user "
    + "state data before the valid computer does, the site immediately deletes the user state data. Set the Delete after interval to be long enough to verify the successful restore.\" "
    + `The interval is a Configuration Manager setting of the state migration point (declared by ${ZONE_TAG.roles.key}, or inferred from Add-/Set-CMStateMigrationPoint). What a script of this `
    + "configuration sets (-DeleteImmediately, -TimeDeleteAfter/-TimeUnit) is judged first (a compliant interval counts as applied only from a script on the site server, "
    + `shown by a CMSite drive rooted at its own SMS Provider, that reads it back; elsewhere it is declared, not verified); otherwise the ${MIGRATION_TAG.deleteAfterHours.key} tag, which is accepted where no site server here `
    + `applies it, with an info finding saying it is declared, not verified. Immediate deletion is an error, under ${MIN_HOURS} hours a warning; an interval neither set nor declared is `
    + "could-not-verify (Configuration Manager keeps restored state one day by default, but the console can be set to delete it immediately).",
  fix: "Set the deletion interval with Set-CMStateMigrationPoint -TimeDeleteAfter/-TimeUnit (never -DeleteImmediately) in a run command on the site server that reads it back, "
    + `or declare it (StateMigrationPoint deleteAfter, default 7 days, writes ${MIGRATION_TAG.deleteAfterHours.key}).`,
  requirements: ["R-MIG-3"],
  resourceTypes: [...VM_TYPES, "azurerm_virtual_machine_run_command", "azurerm_virtual_machine_extension"],
  reads: ["Add-/Set-CMStateMigrationPoint -DeleteImmediately, -TimeDeleteAfter and -TimeUnit in run commands and script extensions", `the ${MIGRATION_TAG.deleteAfterHours.key} tag with its provenance`],
  check(ctx) {
    for (const p of StateMigrationPoints.of(ctx.model).points) {
      const vm = p.vm.resource;
      const who = `state migration point (${p.claim.source}: ${p.claim.evidence})`;
      const policy = deletionPolicyOf(p);
      if (policy) {
        const script = p.configMgr.find((s) => s.lines.includes(policy.line))!;
        const where = `${policy.parameters} in ${script.resource.address}`;
        if (policy.immediately) ctx.report(vm, `${who} deletes restored state immediately (${where})`);
        else if (policy.hours < MIN_HOURS) ctx.report(vm, `${who} deletes restored state after only ${policy.hours} hour(s) (${where}): too short to verify the restore`, { level: RuleLevel.WARNING });
        else if (!script.readsBack) ctx.report(vm, `${who}: declared, not verified: restored state is deleted after ${policy.hours} hours, set by ${script.resource.address}, which does not read it back`, { level: RuleLevel.INFO });
        // As for every Configuration Manager setting (settings.ts), a script on a VM not shown to be the site server is not shown to apply it.
        else if (!script.onSiteServer) {
          ctx.report(vm, `${who}: declared, not verified: restored state is deleted after ${policy.hours} hours, set by ${script.resource.address}, which runs on ${script.host.address}, ${NOT_SHOWN_SITE_SERVER}`,
            { level: RuleLevel.INFO });
        }
        continue;
      }
      const spec = MIGRATION_TAG.deleteAfterHours;
      const s = ctx.settings.read(vm, spec, p.vm.nics.map((n) => n.resource));
      if (s.read.state === "absent") {
        ctx.unverified(vm, `${who}: no deletion interval is declared (${spec.key}) or set by a Configuration Manager script of this configuration; Configuration Manager keeps restored state one day by default, but the site may be set to delete it immediately`);
      } else if (s.read.state !== "known") ctx.unverified(vm, `${who}: ${s.read.reason}`);
      else if (s.read.value <= 0) ctx.report(vm, `${who} deletes restored state immediately (${spec.key}=${s.read.value})`);
      else if (s.read.value < MIN_HOURS) ctx.report(vm, `${who} deletes restored state after only ${s.read.value} hour(s) (${spec.key}): too short to verify the restore`, { level: RuleLevel.WARNING });
      else if (s.provenance === "declared") ctx.report(vm, `${who}: declared, not verified: ${spec.key}=${s.read.value} (${s.evidence})`, { level: RuleLevel.INFO });
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The site server's run command sets the state migration point to delete restored state immediately",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-DeleteImmediately")),
      flagged: ["azurerm_windows_virtual_machine.smp01"],
    }],
    good: [{
      description: "Restored state kept 7 days, set and read back by the site server's run command",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-TimeDeleteAfter 7 -TimeUnit Days")),
    }],
  })),
});
