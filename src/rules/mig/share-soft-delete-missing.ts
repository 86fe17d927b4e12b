import { describeAccount, reportSmb, levelFor, nestedBlock, ROLE_EVIDENCE_READS, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { AZURE_FILES_LIMITS } from "../../contract/migration-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const MIN_DAYS = AZURE_FILES_LIMITS.minShareRetentionDays;

export const shareSoftDeleteMissing = defineRule({
  id: "SDZ-MIG-006",
  level: RuleLevel.ERROR,
  title: `File share soft delete absent or under ${MIN_DAYS} days`,
  rationale:
    "Seed 001: \"Set the Delete after interval to be long enough to verify the successful restore of user state data\" and do not delete user state immediately. On Azure Files, "
    + "share soft delete (share_properties.retention_policy) is what keeps a deleted share recoverable while the restore is verified. A share_properties block without "
    + "retention_policy makes azurerm turn soft delete off; without the block, Azure's default applies (on for accounts created since January 2021, "
    + "learn.microsoft.com/azure/storage/files/storage-files-planning), which this configuration does not ensure, so both are findings and the message says which. The rule applies to every SMB-serving account; "
    + "error where the account holds state migration data (declared or inferred, the finding says which), warning otherwise.",
  fix: `Set share_properties { retention_policy { days = 14 } } (${MIN_DAYS}-365) on the storage account; StateMigrationShare defaults to 14 days.`,
  requirements: ["R-MIG-3"],
  resourceTypes: ["azurerm_storage_account"],
  reads: ["share_properties.retention_policy.days of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    for (const account of storage.smbScope) {
      const what = describeAccount(storage, account);
      const level = levelFor(storage, account);
      const sp = nestedBlock(m, account.resource.config, "share_properties");
      const rp = sp.known ? nestedBlock(m, sp.value, "retention_policy") : sp;
      if (!rp.known) {
        ctx.unverified(account.resource, `${what}: share_properties.retention_policy is not known before apply (${rp.reason})`);
        continue;
      }
      if (!rp.value) {
        // azurerm sends share_properties only when the block is set, and then without retention_policy as
        // shareDeleteRetentionPolicy.enabled = false (internal/services/storage/storage_account_resource.go,
        // expandAccountShareProperties / expandAccountShareDeleteRetentionPolicy). Without the block the file
        // service keeps Azure's setting: "Soft delete is enabled by default for new storage accounts from
        // January 2021 onward" (learn.microsoft.com/azure/storage/files/storage-files-planning, "Soft delete").
        const message = sp.known && sp.value
          ? `the ${what} sets share_properties without retention_policy, so azurerm turns share soft delete off: a deleted share is gone at once`
          : `the ${what} does not set share soft delete (no share_properties block): Azure turns it on for accounts created since January 2021, `
            + "but with a retention this configuration does not choose, and an account created earlier or changed outside Terraform may have none";
        reportSmb(ctx, storage, account, message, { level });
        continue;
      }
      const days = m.resolveNumber(rp.value.days);
      if (!days.known) ctx.unverified(account.resource, `${what}: share_properties.retention_policy.days is not known before apply (${days.reason})`);
      // azurerm: days defaults to 7 when the block is present.
      else if (days.value !== undefined && days.value < MIN_DAYS) {
        reportSmb(ctx, storage, account, `the ${what} keeps deleted shares only ${days.value} day(s) (minimum ${MIN_DAYS})`, { level });
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An account holding a share, with no share soft delete",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { share_properties: { smb: { versions: ["SMB3.1.1"] } } }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "Share soft delete for 14 days",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
