import { hardeningTags, roleTags, scriptExtension, smpNetwork, terraform } from "./examples";
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { TagSpec } from "../../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { defineRule, RuleLevel } from "../../engine/rule";
import { StateMigrationPoints } from "../../engine/state-migration-points";
import { lazyExamples } from "../lazy-examples";
import { rolesToldBySec001 } from "../sec/common";

/** The settings, with the Set-SmbServerConfiguration parameter of the SMB server options. */
const HARDENING: { spec: TagSpec<boolean>; what: string; parameter?: string }[] = [
  { spec: MIGRATION_TAG.smbSigningRequired, what: "SMB signing required (RequireSecuritySignature)", parameter: "RequireSecuritySignature" },
  { spec: MIGRATION_TAG.smbEncryptData, what: "SMB encryption required (EncryptData)", parameter: "EncryptData" },
  { spec: MIGRATION_TAG.smbRejectUnencrypted, what: "unencrypted access rejected (RejectUnencryptedAccess)", parameter: "RejectUnencryptedAccess" },
  { spec: MIGRATION_TAG.smb1Removed, what: "SMB 1 removed" },
];

const KEYS = HARDENING.map((h) => h.spec.key).join(", ");

const HARDENING_SCRIPT = "Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false -Force; "
  + "Uninstall-WindowsFeature -Name FS-SMB1; $c = Get-SmbServerConfiguration; if (-not $c.RequireSecuritySignature) { throw 'not applied' }";

export const stateMigrationPointSmbNotHardened = defineRule({
  id: "SDZ-MIG-009",
  level: RuleLevel.ERROR,
  title: "State migration point VM without SMB signing hardening",
  rationale:
    "Seed 001: \"secure the network channel between the client and the state migration point by using SMB signing or IPsec ... After the initial connection over HTTP, user state migration "
    + `data is transferred by using SMB. If you don't secure the network channel, an attacker can read and modify this data." A state migration point (declared by ${ZONE_TAG.roles.key}, or inferred: `
    + "a Configuration Manager script of this configuration runs Add- or Set-CMStateMigrationPoint for it) must require SMB signing and encryption, reject unencrypted access and have SMB 1 "
    + "removed. These are Windows settings Azure can apply: a script on the VM that sets them and reads them back (applied), or a Machine Configuration assignment that audits them (audited), "
    + `counts; the ${KEYS} tags alone are only declared, and that is a finding. Windows keeps the last value written: within a script the last Set-SmbServerConfiguration `
    + "writing an option decides (comments set nothing), across extensions and run commands of the VM the one depends_on runs last; where that order is not known and they write "
    + "different values, the value is a variable or splatted, or it is written by an extension that shares its handler with another one on the VM (Azure runs one extension per "
    + "handler: the other fails at apply), the outcome is could-not-verify, and a $false written last is a finding; a write through -CimSession to another computer is none on this VM. "
    + "A script the checks cannot read (protected settings) makes the outcome could-not-verify. A VM whose "
    + `${ZONE_TAG.roles.key} tag cannot be read may be a state migration point: SDZ-SEC-001 says so once for every role-scoped check that skipped it, these four included (this rule says so when SDZ-SEC-001 does not run).`,
  fix: "Run Set-SmbServerConfiguration -RequireSecuritySignature $true -EncryptData $true -RejectUnencryptedAccess $true -EnableSMB1Protocol $false and remove FS-SMB1 in a script extension "
    + `that reads the values back (StateMigrationPoint does), or assign the SdzWindowsHardening Machine Configuration package; record the values with the ${KEYS} tags.`,
  requirements: ["R-MIG-1"],
  resourceTypes: [...VM_TYPES, "azurerm_virtual_machine_extension", "azurerm_virtual_machine_run_command", "azurerm_policy_virtual_machine_configuration_assignment"],
  reads: [
    `state migration points: ${ZONE_TAG.roles.key} on the VM or NIC, Add-/Set-CMStateMigrationPoint in run commands and script extensions`,
    "scripts on the VM (extension settings, run commands) that set and read back the SMB server settings, their depends_on, and the extensions' publisher and type; Machine Configuration assignments",
    `the ${KEYS} tags`,
  ],
  check(ctx) {
    const points = StateMigrationPoints.of(ctx.model);
    for (const p of points.points) {
      const vm = p.vm.resource;
      const hidden = ctx.settings.hiddenScriptsOn(vm);
      const missing: string[] = [];
      const declaredOnly: string[] = [];
      /** Declared, or absent, where a script the checks cannot read may apply them. */
      const behindHidden: string[] = [];
      const unknown: string[] = [];
      /** Settings a script writes ($true) but does not read back, by those scripts: not applied, and "does not apply" would send the user to the wrong place. */
      const unread = new Map<string, { several: boolean; whats: string[] }>();
      for (const h of HARDENING) {
        // The last write on the VM (the settings model's one policy) is what Windows keeps, whatever the tag says.
        const last = ctx.settings.lastWrite(vm, h.spec.setting);
        if (last?.state === "unknown") {
          unknown.push(`${h.what}: ${last.reason}`);
          continue;
        }
        if (last && last.value === false) {
          const what = h.parameter ? `${h.parameter} to $false` : last.text;
          missing.push(`${h.what} [${last.scripts.map((x) => x.address).join(", ")} set${last.scripts.length > 1 ? "" : "s"} ${what} last]`);
          continue;
        }
        if (last?.readBack) continue;
        const s = ctx.settings.read(vm, h.spec, p.vm.nics.map((n) => n.resource));
        // Windows keeps the script's $true whatever a tag says; a read-back of it (or an audit) is still missing.
        const setBy = last && !last.readBackUnknown ? last.scripts : undefined;
        const noteUnread = (scripts: readonly { address: string }[]) => {
          const by = scripts.map((x) => x.address).join(", ");
          const entry = unread.get(by) ?? { several: scripts.length > 1, whats: [] };
          entry.whats.push(h.what);
          unread.set(by, entry);
        };
        if (s.read.state === "known") {
          if (s.read.value === false) {
            if (setBy) noteUnread(setBy);
            else missing.push(`${h.what} [${h.spec.key}=false]`);
          } else if (s.acceptable) continue;
          else if (s.unknown) behindHidden.push(h.spec.key);
          else if (setBy) noteUnread(setBy);
          else declaredOnly.push(h.spec.key);
          continue;
        }
        if (hidden.length > 0) behindHidden.push(`${h.what} (no tag)`);
        else if (s.read.state !== "absent") unknown.push(`${h.what}: ${s.read.reason}`);
        else if (setBy) noteUnread(setBy);
        else missing.push(h.what);
      }
      if (behindHidden.length > 0) unknown.push(`${behindHidden.join(", ")}: no readable script applies them, and ${hidden.join("; ")}`);
      const who = `state migration point (${p.claim.source}: ${p.claim.evidence})`;
      const parts = [
        missing.length > 0 ? `does not apply ${missing.join(", ")}` : "",
        ...[...unread].map(([by, { several, whats }]) => `has ${whats.join(", ")} set by ${by}, which do${several ? "" : "es"} not read ${whats.length > 1 ? "them" : "it"} back`),
        declaredOnly.length > 0 ? `only declares ${declaredOnly.join(", ")}: no script on the VM sets and reads them back, and no Machine Configuration assignment audits them` : "",
      ].filter((x) => x);
      if (parts.length > 0) ctx.report(vm, `${who} ${parts.join("; ")}${unknown.length > 0 ? ` (could not verify: ${unknown.join("; ")})` : ""}`);
      else if (unknown.length > 0) ctx.unverified(vm, `${who}: ${unknown.join("; ")}`);
    }
    // A VM whose role tag cannot be read: SDZ-SEC-001's one notice for every pack, or this rule's when that one does not run.
    if (!rolesToldBySec001(ctx)) {
      for (const u of points.undetermined) {
        ctx.unverified(u.vm.resource, `whether ${u.vm.resource.address} is a state migration point (${u.reason}); if it is, its SMB hardening, deletion interval, caps and backup (SDZ-MIG-009, 011, 012, 013) apply`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A state migration point that only declares its SMB hardening in tags",
      terraform: terraform(smpNetwork({
        tags: { ...roleTags(DeploymentRole.STATE_MIGRATION_POINT), ...hardeningTags() },
      })),
      flagged: ["azurerm_windows_virtual_machine.smp01"],
    }],
    good: [{
      description: "A script extension that applies the hardening and reads it back",
      terraform: terraform(smpNetwork({ tags: roleTags(DeploymentRole.STATE_MIGRATION_POINT) }), { azurerm_virtual_machine_extension: { harden: scriptExtension("smp01", HARDENING_SCRIPT) } }),
    }],
  })),
});
