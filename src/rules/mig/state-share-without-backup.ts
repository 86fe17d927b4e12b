import { describeAccount, describeStateShare, ROLE_EVIDENCE_READS, stateAccounts, stateShares, Storage, StorageAccount } from "./common";
import { accountBody, shareBody, shareRoleMetadata, terraform } from "./examples";
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { Resolved, TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { AccountLink } from "../../engine/storage";
import { lazyExamples } from "../lazy-examples";

interface Protection {
  readonly resource: TfResource;
  /** The share resource source_file_share_name refers to (it gives the name only: the account is source_storage_account_id). */
  readonly share?: TfResource;
  /** The lower-cased share name, or why it is not known before apply. */
  readonly shareName: Resolved<string>;
  /** Where source_storage_account_id leads (an account here, elsewhere, or not known before apply). */
  readonly account: AccountLink;
}

/** How the protections of this configuration stand to one share. */
interface Match {
  /** A protection of this share on this account. */
  readonly definite?: Protection;
  /** Protections that may be this share's, with the fields that are not known before apply. */
  readonly possible: { p: Protection; unknown: string[] }[];
}

export const stateShareWithoutBackup = defineRule({
  id: "SDZ-MIG-007",
  level: RuleLevel.ERROR,
  title: "State migration share without backup",
  rationale:
    "Seed 001: \"Manually back up the user state migration data on the state migration point. Configuration Manager Backup doesn't include the user state migration data in the site backup.\" "
    + `A state migration share (declared by ${ZONE_TAG.roles.key} or ${MIGRATION_TAG.shareRoles.key} metadata, or inferred: a state migration point's scripts name it or its account, or the account's Files private endpoint is `
    + "in the point's zone) needs its own azurerm_backup_protected_file_share, in a vault whose soft delete is not turned off (soft_delete_enabled defaults to true in azurerm 4.x and is "
    + "removed in 5.0, where the vault's soft delete is Azure's default). The protection must name the share (source_file_share_name, by reference or name) on the share's account "
    + "(source_storage_account_id: a reference to the share gives only its name); where either is not known before apply, or the vault (recovery_vault_name) is not known or not "
    + "managed by this configuration, the outcome is could-not-verify naming the field. A share the evidence names that this configuration does not manage cannot be verified and is reported as such.",
  fix: "Protect the share: azurerm_recovery_services_vault (soft delete on), azurerm_backup_policy_file_share, azurerm_backup_container_storage_account and azurerm_backup_protected_file_share referencing the account and share (StateMigrationShare creates them).",
  requirements: ["R-MIG-4"],
  resourceTypes: ["azurerm_storage_share", "azurerm_backup_protected_file_share", "azurerm_recovery_services_vault"],
  reads: ["azurerm_backup_protected_file_share (source_storage_account_id, followed through another resource's argument such as azurerm_backup_container_storage_account storage_account_id; source_file_share_name, recovery_vault_name)", "azurerm_recovery_services_vault soft_delete_enabled", ROLE_EVIDENCE_READS],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    const protections: Protection[] = m.ofType("azurerm_backup_protected_file_share").map((r) => {
      const share = m.referencedPath(r.config.source_file_share_name)?.target;
      const name = m.resolveString(r.config.source_file_share_name);
      return {
        resource: r, share: share?.type === "azurerm_storage_share" ? share : undefined, account: storage.linkOf(r.config.source_storage_account_id),
        shareName: name.known ? { known: true, value: name.value.toLowerCase() } : name,
      };
    });
    /**
     * A protection is the share's when it names the share (by reference or name) on the share's
     * account (source_storage_account_id): the reference gives only the name, so the account must
     * match too. A name or account link not known before apply makes the match possible, not definite.
     */
    const matchOf = (account: StorageAccount, name: string | undefined, share?: TfResource): Match => {
      const possible: Match["possible"] = [];
      for (const p of protections) {
        const nameMatch = (!!share && p.share === share) || (!!name && p.shareName.known && p.shareName.value === name);
        const nameUnknown = !p.share && !p.shareName.known;
        const accountMatch = p.account.account === account;
        const accountUnknown = !!p.account.unknown && storage.mayBe(account, p.account);
        if (nameMatch && accountMatch) return { definite: p, possible: [] };
        if ((nameMatch || nameUnknown) && (accountMatch || accountUnknown)) {
          possible.push({
            p, unknown: [
              ...(nameUnknown ? [`source_file_share_name is not known before apply (${(p.shareName as { reason: string }).reason})`] : []),
              ...(accountUnknown ? [`source_storage_account_id is not known before apply (${p.account.unknown})`] : []),
            ],
          });
        }
      }
      return { possible };
    };
    const vaults = new Map<string, TfResource>();
    for (const v of m.ofType("azurerm_recovery_services_vault")) {
      const n = m.resolveString(v.config.name);
      if (n.known) vaults.set(n.value.toLowerCase(), v);
    }
    /** The vault a protection backs up to, or why it cannot be read here. */
    const vaultOf = (p: Protection): { vault: TfResource } | { why: string } => {
      const raw = p.resource.config.recovery_vault_name;
      const ref = m.referencedResource(raw);
      if (ref?.type === "azurerm_recovery_services_vault") return { vault: ref };
      const n = m.resolveString(raw);
      if (!n.known) return { why: `recovery_vault_name of ${p.resource.address} is not known before apply (${n.reason}), so the vault's soft delete cannot be checked` };
      const v = vaults.get(n.value.toLowerCase());
      return v ? { vault: v } : { why: `its vault "${n.value}" (recovery_vault_name of ${p.resource.address}) is not managed by this configuration, so its soft delete cannot be checked` };
    };
    const reportedVaults = new Set<TfResource>();
    /** Checks the vault of a definite protection: soft delete off is a finding on the vault; a vault that cannot be read is could-not-verify on `where`. */
    const checkVault = (p: Protection, what: string, where: TfResource) => {
      const v = vaultOf(p);
      if ("why" in v) {
        ctx.unverified(where, `${what}: ${v.why}`);
        return;
      }
      if (reportedVaults.has(v.vault)) return;
      // soft_delete_enabled: defaults to true in azurerm 4.x; azurerm 5.0 removes the deprecated property
      // (5.0 upgrade guide, azurerm_recovery_services_vault), so unset is never a finding.
      const soft = m.resolveBoolean(v.vault.config.soft_delete_enabled);
      if (!soft.known) ctx.unverified(v.vault, `soft_delete_enabled of the vault backing up the ${what} is not known before apply (${soft.reason})`);
      else if (soft.value === false) {
        reportedVaults.add(v.vault);
        ctx.report(v.vault, `the vault backing up the ${what} has soft delete off: its backups can be erased at once`);
      }
    };
    /** `; 1 protection(s) cannot be matched (x: source_storage_account_id is not known ...; its vault ...)`. */
    const possibleNote = (possible: Match["possible"]) => {
      const first = possible[0];
      const vault = vaultOf(first.p);
      const why = [...first.unknown, ...("why" in vault ? [vault.why] : [])];
      return `; ${possible.length} protection(s) cannot be matched (${first.p.resource.address}: ${why.join("; ")})`;
    };

    for (const share of stateShares(storage)) {
      const what = describeStateShare(storage, share);
      const name = share.name.known ? share.name.value.toLowerCase() : undefined;
      const match = share.account ? matchOf(share.account, name, share.resource) : undefined;
      if (match?.definite) {
        checkVault(match.definite, what, share.resource);
        continue;
      }
      if (!share.name.known && !protections.some((p) => p.share === share.resource)) {
        ctx.unverified(share.resource, `${what}: the share name is not known before apply (${share.name.reason}), so its backup cannot be matched`);
      } else if (!share.account || !match) ctx.unverified(share.resource, `${what}: its account cannot be followed to an account of this configuration, so its backup cannot be matched`);
      else if (match.possible.length > 0) ctx.unverified(share.resource, `${what}: no azurerm_backup_protected_file_share is known to protect it${possibleNote(match.possible)}`);
      else ctx.report(share.resource, `${what} has no azurerm_backup_protected_file_share`);
    }
    // State stores whose shares this configuration does not manage: their backup is not visible here.
    for (const account of stateAccounts(storage)) {
      const what = describeAccount(storage, account);
      const missing: string[] = [];
      for (const n of account.referencedShares.keys()) {
        const match = matchOf(account, n);
        if (match.definite) checkVault(match.definite, `${what}, share "${n}"`, account.resource);
        else missing.push(n);
      }
      if (missing.length > 0) ctx.unverified(account.resource, `${what}: share(s) ${missing.map((n) => `"${n}"`).join(", ")} are not managed by this configuration and no azurerm_backup_protected_file_share here protects them`);
      else if (account.shares.length === 0 && account.referencedShares.size === 0) ctx.unverified(account.resource, `${what}: no file share of it is managed by this configuration, so its backup cannot be verified`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A share declared as a state migration store (share metadata) with no backup",
      terraform: terraform({
        azurerm_storage_account: { usmt: accountBody("contosousmt01") },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt", { metadata: shareRoleMetadata(DeploymentRole.STATE_MIGRATION_STORE) }) },
      }),
      flagged: ["azurerm_storage_share.usmt"],
    }],
    good: [{
      description: "The same share protected by Azure Backup",
      terraform: terraform({
        azurerm_storage_account: { usmt: accountBody("contosousmt01") },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt", { metadata: shareRoleMetadata(DeploymentRole.STATE_MIGRATION_STORE) }) },
        azurerm_recovery_services_vault: { rsv: { name: "usmt-rsv", location: "westeurope", resource_group_name: "rg", sku: "Standard" } },
        azurerm_backup_policy_file_share: {
          daily: { name: "daily", resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}", backup: { frequency: "Daily", time: "23:00" }, retention_daily: { count: 30 } },
        },
        azurerm_backup_protected_file_share: {
          usmt: {
            resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}", source_storage_account_id: "${azurerm_storage_account.usmt.id}",
            source_file_share_name: "${azurerm_storage_share.usmt.name}", backup_policy_id: "${azurerm_backup_policy_file_share.daily.id}",
          },
        },
      }),
    }],
  })),
});
