import { checkSmpCaps } from "./state-migration-point";
import { AccountView, describeAccount, levelFor, nestedBlock, ShareView, StorageIndex } from "./storage-index";
import { TerraformModel, TfResource } from "../../engine/model";
import { VM_TYPES } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

const MIN_RETENTION_DAYS = 7;

export const shareRetention = defineRule({
  id: "SDZ-MIG-006",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "File share soft delete absent or under 7 days",
  rationale:
    "Seed 001: \"Set the Delete after interval to be long enough to verify the successful restore of user state data\" and do not delete user state immediately. On Azure Files, share soft delete (share_properties.retention_policy) is what keeps deleted state recoverable while the restore is verified. Error where the account holds state migration data, warning otherwise.",
  fix: "Set share_properties { retention_policy { days = 14 } } (7-365) on the storage account; StateMigrationShare defaults to 14 days.",
  requirements: ["R-MIG-3"],
  resourceTypes: ["azurerm_storage_account"],
  check(ctx) {
    const m = ctx.model;
    for (const account of StorageIndex.of(m).smbAccounts) {
      const what = describeAccount(account);
      const level = levelFor(account);
      const sp = nestedBlock(m, account.resource.config, "share_properties");
      if (!sp.known) {
        ctx.unverified(account.resource, `share_properties is not known before apply (${sp.reason})`);
        continue;
      }
      const rp = nestedBlock(m, sp.value, "retention_policy");
      if (!rp.known) {
        ctx.unverified(account.resource, `share_properties.retention_policy is not known before apply (${rp.reason})`);
        continue;
      }
      if (!rp.value) {
        ctx.report(account.resource, `the ${what} has no share soft delete (share_properties.retention_policy absent): a deleted share is gone at once`, { level });
        continue;
      }
      const days = m.resolveNumber(rp.value.days);
      if (!days.known) ctx.unverified(account.resource, `share_properties.retention_policy.days is not known before apply (${days.reason})`);
      else if (days.value !== undefined && days.value < MIN_RETENTION_DAYS) {
        ctx.report(account.resource, `the ${what} keeps deleted shares only ${days.value} day(s) (minimum ${MIN_RETENTION_DAYS})`, { level });
      }
    }
  },
});

interface Protection {
  readonly resource: TfResource;
  readonly account?: AccountView;
  readonly accountExpr: unknown;
  readonly shareName?: string;
}

export const stateShareBackup = defineRule({
  id: "SDZ-MIG-007",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration share without backup",
  rationale:
    "Seed 001: \"Manually back up the user state migration data on the state migration point. Configuration Manager Backup doesn't include the user state migration data in the site backup.\" A state migration share needs its own azurerm_backup_protected_file_share, in a vault whose soft delete is on.",
  fix: "Protect the share: azurerm_recovery_services_vault (soft_delete_enabled = true), azurerm_backup_policy_file_share, azurerm_backup_container_storage_account and azurerm_backup_protected_file_share referencing the account and share (StateMigrationShare creates them).",
  requirements: ["R-MIG-4"],
  resourceTypes: ["azurerm_storage_share", "azurerm_backup_protected_file_share", "azurerm_recovery_services_vault"],
  check(ctx) {
    const m = ctx.model;
    const index = StorageIndex.of(m);
    const protections: Protection[] = [];
    const unresolved: TfResource[] = [];
    const byAccount = new Map<AccountView, Protection[]>();
    for (const r of m.ofType("azurerm_backup_protected_file_share")) {
      const account = index.accountOf(m.referencedResource(r.config.source_storage_account_id));
      const name = m.resolveString(r.config.source_file_share_name);
      const p: Protection = { resource: r, account, accountExpr: r.config.source_storage_account_id, shareName: name.known ? name.value : undefined };
      if (!name.known) unresolved.push(r);
      protections.push(p);
      if (account) byAccount.set(account, [...(byAccount.get(account) ?? []), p]);
    }
    const vaults = new Map<string, TfResource>();
    for (const v of m.ofType("azurerm_recovery_services_vault")) {
      const n = m.resolveString(v.config.name);
      if (n.known) vaults.set(n.value.toLowerCase(), v);
    }
    const reportedVaults = new Set<TfResource>();

    const matches = (share: ShareView): Protection | undefined => {
      const name = share.name;
      if (!name.known) return undefined;
      const candidates = share.account ? byAccount.get(share.account) ?? [] : protections.filter((p) =>
        JSON.stringify(p.accountExpr) === JSON.stringify(share.resource.config.storage_account_id ?? share.resource.config.storage_account_name));
      return candidates.find((p) => p.shareName === name.value);
    };

    for (const share of index.shares) {
      if (!share.stateMigration) continue;
      const label = share.name.known ? `state migration share "${share.name.value}"` : "state migration share";
      const p = matches(share);
      if (!p) {
        if (!share.name.known) ctx.unverified(share.resource, `the share name is not known before apply (${share.name.reason}), so its backup cannot be matched`);
        else if (unresolved.length > 0 || (!share.account && protections.length > 0)) {
          ctx.unverified(share.resource, `no azurerm_backup_protected_file_share could be matched to ${label}; ${unresolved.length + (share.account ? 0 : protections.length)} protection(s) name a share or account not known before apply`);
        } else ctx.report(share.resource, `${label} has no azurerm_backup_protected_file_share referencing it`);
        continue;
      }
      const vaultRes = m.referencedResource(p.resource.config.recovery_vault_name)
        ?? (() => {
          const n = m.resolveString(p.resource.config.recovery_vault_name);
          return n.known ? vaults.get(n.value.toLowerCase()) : undefined;
        })();
      if (!vaultRes || vaultRes.type !== "azurerm_recovery_services_vault" || reportedVaults.has(vaultRes)) continue;
      const soft = m.resolveBoolean(vaultRes.config.soft_delete_enabled);
      if (!soft.known) ctx.unverified(vaultRes, `soft_delete_enabled of the vault backing up ${label} is not known before apply (${soft.reason})`);
      else if (soft.value === false) {
        reportedVaults.add(vaultRes);
        ctx.report(vaultRes, `the vault backing up ${label} has soft delete off: its backups can be erased at once`);
      }
    }
  },
});

/** Quota bounds (GiB) of an account kind; `undefined` max when it depends on an unknown setting. */
function quotaBounds(ctx: { model: TerraformModel }, account: AccountView | undefined): { min: number; max?: number; kind: string; reason?: string } {
  if (!account) return { min: 1, max: 102400, kind: "an account outside this configuration" };
  const m = ctx.model;
  const kind = m.resolveString(account.resource.config.account_kind ?? "StorageV2");
  if (!kind.known) return { min: 1, kind: "an account of unknown kind", reason: kind.reason };
  if (kind.value === "FileStorage") return { min: 100, max: 102400, kind: "a premium FileStorage account" };
  const large = m.resolveBoolean(account.resource.config.large_file_share_enabled);
  if (!large.known) return { min: 1, kind: "a standard account", reason: large.reason };
  if (large.value === true) return { min: 1, max: 102400, kind: "a standard account with large file shares" };
  if (large.value === false) return { min: 1, max: 5120, kind: "a standard account without large file shares" };
  return { min: 1, kind: "a standard account", reason: "large_file_share_enabled is unset (computed by Azure)" };
}

export const stateStoreCapped = defineRule({
  id: "SDZ-MIG-011",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration storage not capped",
  rationale:
    "Seed 001: \"Configuration Manager doesn't limit or manage the amount of data that's stored on the state migration point. An attacker could fill up the available disk space and cause a denial of service.\" A state migration share needs a quota within its account kind's bounds; a state migration point needs a client cap and a sized store.",
  fix: "Set quota on the share (1-102400 GiB standard with large file shares, 1-5120 without, 100-102400 premium); on a state migration point VM record sdz-smp-max-clients and sdz-smp-quota-gib (StateMigrationPoint does).",
  requirements: ["R-MIG-2"],
  resourceTypes: ["azurerm_storage_share", ...VM_TYPES],
  check(ctx) {
    const m = ctx.model;
    for (const share of StorageIndex.of(m).shares) {
      if (!share.stateMigration) continue;
      const quota = m.resolveNumber(share.resource.config.quota);
      if (!quota.known) {
        ctx.unverified(share.resource, `quota is not known before apply (${quota.reason})`);
        continue;
      }
      if (quota.value === undefined) {
        ctx.report(share.resource, "the state migration share has no quota: it can grow until the account limit");
        continue;
      }
      const b = quotaBounds(ctx, share.account);
      if (quota.value < b.min || (b.max !== undefined && quota.value > b.max)) {
        ctx.report(share.resource, `quota ${quota.value} GiB is outside ${b.min}-${b.max} GiB for ${b.kind}`);
      } else if (b.max === undefined && quota.value > 5120) {
        ctx.unverified(share.resource, `quota ${quota.value} GiB needs large file shares, but ${b.reason}`);
      }
    }
    checkSmpCaps(ctx);
  },
});

export const stateStoreDestroyProtection = defineRule({
  id: "SDZ-MIG-014",
  level: RuleLevel.WARNING,
  area: "migration",
  title: "State migration store not protected from accidental destroy",
  rationale:
    "Seed 001: removing a state migration folder in the console does not delete the data, and decommissioning must remove it deliberately. The other half is that the data must not disappear by accident: a renamed resource or a stray destroy deletes the account and every share in it.",
  fix: "Add lifecycle { prevent_destroy = true } to the state migration storage account and share (StateMigrationShare does unless allowDestroy); lift it deliberately when decommissioning.",
  requirements: ["R-MIG-6"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share"],
  check(ctx) {
    const m = ctx.model;
    const index = StorageIndex.of(m);
    const targets: TfResource[] = [
      ...index.accounts.filter((a) => a.stateMigration).map((a) => a.resource),
      ...index.shares.filter((s) => s.stateMigration).map((s) => s.resource),
    ];
    for (const res of targets) {
      const lc = nestedBlock(m, res.config, "lifecycle");
      const pd = lc.known ? m.resolveBoolean(lc.value?.prevent_destroy) : lc;
      if (!pd.known) ctx.unverified(res, `lifecycle.prevent_destroy is not known (${pd.reason})`);
      else if (pd.value !== true) ctx.report(res, "state migration data can be destroyed by a plain terraform destroy (no lifecycle.prevent_destroy)");
    }
  },
});
