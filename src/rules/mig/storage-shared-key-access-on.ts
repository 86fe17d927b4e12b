import { describeAccount, reportSmb, ROLE_EVIDENCE_READS, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const storageSharedKeyAccessOn = defineRule({
  id: "SDZ-MIG-008",
  level: RuleLevel.WARNING,
  title: "Storage account shared key access on",
  rationale:
    "Seed 001: clients that share one identity (the network access account) can tamper with or delete each other's state data. An account key is one shared identity with full "
    + "control of every share, outside identity-based access and its auditing. The rule applies to every SMB-serving account (a share, a Files private endpoint, FileStorage, "
    + "share_properties, or a state migration or deployment content role); accounts that serve no file share are out of its scope. shared_access_key_enabled defaults to true "
    + "in azurerm 4.x and 5.x.",
  fix: "Set shared_access_key_enabled = false and grant access with RBAC and identity-based (Kerberos) authentication; configure the azurerm provider with storage_use_azuread = true.",
  requirements: ["R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account"],
  reads: ["shared_access_key_enabled of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const account of storage.smbScope) {
      const v = ctx.model.resolveBoolean(account.resource.config.shared_access_key_enabled);
      const what = describeAccount(storage, account);
      if (!v.known) ctx.unverified(account.resource, `${what}: shared_access_key_enabled is not known before apply (${v.reason})`);
      else if (v.value !== false) {
        reportSmb(ctx, storage, account, `shared key access is on for the ${what}${v.value === undefined ? " (shared_access_key_enabled unset defaults to true)" : ""}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An account holding a share with shared key access left at its default",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { shared_access_key_enabled: undefined }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "Shared key access off",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
