import { describeAccount, describeStateShare, ROLE_EVIDENCE_READS, stateAccounts, stateShares, Storage, StorageAccount } from "./common";
import { accountBody, shareBody, shareRoleMetadata, terraform } from "./examples";
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

interface Protection {
  readonly resource: TfResource;
  readonly share?: TfResource;
  readonly account?: StorageAccount;
  readonly shareName?: string;
  /** Why the protection cannot be matched to a share. */
  readonly unknown?: string;
}

export const stateShareWithoutBackup = defineRule({
  id: "SDZ-MIG-007",
  level: RuleLevel.ERROR,
  title: "State migration share without backup",
  rationale:
    "Seed 001: \"Manually back up the user state migration data on the state migration point. Configuration Manager Backup doesn't include the user state migration data in the site backup.\" "
    + `A state migration share (declared by ${ZONE_TAG.roles.key} or ${MIGRATION_TAG.shareRoles.key} metadata, or inferred: a state migration point's scripts name it or its account, or the account's Files private endpoint is `
    + "in the point's zone) needs its own azurerm_backup_protected_file_share, in a vault whose soft delete is not turned off (soft_delete_enabled defaults to true in azurerm 4.x and is "
    + "removed in 5.0, where the vault's soft delete is Azure's default). A share the evidence names that this configuration does not manage cannot be verified and is reported as such.",
  fix: "Protect the share: azurerm_recovery_services_vault (soft delete on), azurerm_backup_policy_file_share, azurerm_backup_container_storage_account and azurerm_backup_protected_file_share referencing the account and share (StateMigrationShare creates them).",
  requirements: ["R-MIG-4"],
  resourceTypes: ["azurerm_storage_share", "azurerm_backup_protected_file_share", "azurerm_recovery_services_vault"],
  reads: ["azurerm_backup_protected_file_share (source_storage_account_id, source_file_share_name, recovery_vault_name)", "azurerm_recovery_services_vault soft_delete_enabled", ROLE_EVIDENCE_READS],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    const protections: Protection[] = m.ofType("azurerm_backup_protected_file_share").map((r) => {
      const share = m.referencedPath(r.config.source_file_share_name)?.target;
      const account = storage.accountFrom(r.config.source_storage_account_id);
      const name = m.resolveString(r.config.source_file_share_name);
      const unknown = !name.known ? `source_file_share_name is not known before apply (${name.reason})`
        : !account ? `source_storage_account_id ${JSON.stringify(r.config.source_storage_account_id)} is no account of this configuration` : undefined;
      return { resource: r, share: share?.type === "azurerm_storage_share" ? share : undefined, account, shareName: name.known ? name.value.toLowerCase() : undefined, unknown };
    });
    const unmatched = protections.filter((p) => p.unknown);
    const protectionOf = (account: StorageAccount | undefined, name: string | undefined, share?: TfResource) =>
      protections.find((p) => (share && p.share === share) || (!!account && p.account === account && !!name && p.shareName === name));
    const vaults = new Map<string, TfResource>();
    for (const v of m.ofType("azurerm_recovery_services_vault")) {
      const n = m.resolveString(v.config.name);
      if (n.known) vaults.set(n.value.toLowerCase(), v);
    }
    const reportedVaults = new Set<TfResource>();
    // soft_delete_enabled: defaults to true in azurerm 4.x; azurerm 5.0 removes the deprecated property
    // (5.0 upgrade guide, azurerm_recovery_services_vault), so unset is never a finding.
    const unmatchedNote = () => `; ${unmatched.length} protection(s) cannot be matched (${unmatched[0].resource.address}: ${unmatched[0].unknown})`;

    for (const share of stateShares(storage)) {
      const what = describeStateShare(storage, share);
      const name = share.name.known ? share.name.value.toLowerCase() : undefined;
      const p = protectionOf(share.account, name, share.resource);
      if (!p) {
        if (!share.name.known) ctx.unverified(share.resource, `${what}: the share name is not known before apply (${share.name.reason}), so its backup cannot be matched`);
        else if (!share.account) ctx.unverified(share.resource, `${what}: its account cannot be followed to an account of this configuration, so its backup cannot be matched`);
        else if (unmatched.length > 0) ctx.unverified(share.resource, `${what}: no azurerm_backup_protected_file_share is known to protect it${unmatchedNote()}`);
        else ctx.report(share.resource, `${what} has no azurerm_backup_protected_file_share`);
        continue;
      }
      const vaultRes = m.referencedResource(p.resource.config.recovery_vault_name) ?? (() => {
        const n = m.resolveString(p.resource.config.recovery_vault_name);
        return n.known ? vaults.get(n.value.toLowerCase()) : undefined;
      })();
      if (!vaultRes || vaultRes.type !== "azurerm_recovery_services_vault" || reportedVaults.has(vaultRes)) continue;
      const soft = m.resolveBoolean(vaultRes.config.soft_delete_enabled);
      if (!soft.known) ctx.unverified(vaultRes, `soft_delete_enabled of the vault backing up the ${what} is not known before apply (${soft.reason})`);
      else if (soft.value === false) {
        reportedVaults.add(vaultRes);
        ctx.report(vaultRes, `the vault backing up the ${what} has soft delete off: its backups can be erased at once`);
      }
    }
    // State stores whose shares this configuration does not manage: their backup is not visible here.
    for (const account of stateAccounts(storage)) {
      const missing = [...account.referencedShares.keys()].filter((n) => !protectionOf(account, n));
      const what = describeAccount(storage, account);
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
