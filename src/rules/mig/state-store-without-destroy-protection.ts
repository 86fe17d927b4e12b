import { describeAccount, describeStateShare, nestedBlock, ROLE_EVIDENCE_READS, stateAccounts, stateShares, Storage } from "./common";
import { accountBody, roleTags, shareBody, terraform } from "./examples";
import { DeploymentRole } from "../../contract/zone-tags";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const stateStoreWithoutDestroyProtection = defineRule({
  id: "SDZ-MIG-014",
  level: RuleLevel.WARNING,
  title: "State migration store not protected from accidental destroy",
  rationale:
    "Seed 001: removing a state migration folder in the console does not delete the data, and decommissioning must remove it deliberately. The other half is that the data must not "
    + "disappear by accident: a renamed resource or a stray destroy deletes the account and every share in it. The rule applies to state migration accounts and shares, declared or "
    + "inferred from the state migration points that use them. An azurerm_management_lock of this configuration on the account or its resource group does not count: "
    + "Terraform destroys in the reverse of creation order (hashicorp/terraform docs/destroying.md), so a lock that refers to the account goes first and one on the group is not "
    + "ordered before it (a CanNotDelete lock does stop deletion outside Terraform, learn.microsoft.com/azure/storage/common/lock-account-resource, and does not protect the shares in it); "
    + "the finding names such a lock. "
    + "A plan (terraform show -json) carries no lifecycle block, so on a plan the rule is could-not-verify for each store: check the .tf files instead.",
  fix: "Add lifecycle { prevent_destroy = true } to the state migration storage account and share (StateMigrationShare does unless allowDestroy); lift it deliberately when decommissioning.",
  requirements: ["R-MIG-6"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share"],
  reads: ["lifecycle.prevent_destroy of state migration accounts and shares (Terraform JSON and .tf files; a plan does not carry it)", ROLE_EVIDENCE_READS],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    const targets: { res: TfResource; what: string }[] = [
      ...stateAccounts(storage).map((a) => ({ res: a.resource, what: `the ${describeAccount(storage, a)}` })),
      ...stateShares(storage).map((s) => ({ res: s.resource, what: `the ${describeStateShare(storage, s)}` })),
    ];
    // Locks whose scope refers to a resource of this configuration (the account, a group), by target.
    const locks = new Map<TfResource, TfResource[]>();
    for (const lock of m.ofType("azurerm_management_lock")) {
      const target = m.referencedResource(lock.config.scope);
      if (target) locks.set(target, [...locks.get(target) ?? [], lock]);
    }
    for (const { res, what } of targets) {
      const notInInput = res.notInInput?.lifecycle;
      if (notInInput !== undefined) {
        ctx.unverified(res, `${what}: ${notInInput}, so lifecycle.prevent_destroy could not be checked there: check it in the .tf files (or run the check on them)`);
        continue;
      }
      const lc = nestedBlock(m, res.config, "lifecycle");
      const pd = lc.known ? m.resolveBoolean(lc.value?.prevent_destroy) : lc;
      if (!pd.known) ctx.unverified(res, `${what}: lifecycle.prevent_destroy is not known (${pd.reason})`);
      else if (pd.value !== true) {
        const lock = locks.get(res)?.[0];
        const note = lock ? `; ${lock.address} on it does not stop that: Terraform destroys the lock first, as it refers to the account` : "";
        ctx.report(res, `${what} can be destroyed by a plain terraform destroy (no lifecycle.prevent_destroy)${note}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A state migration account (declared by its tag) and its share without prevent_destroy",
      terraform: terraform({
        azurerm_storage_account: { usmt: accountBody("contosousmt01", { lifecycle: undefined, tags: roleTags(DeploymentRole.STATE_MIGRATION_STORE) }) },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt", { lifecycle: undefined }) },
      }),
      flagged: ["azurerm_storage_account.usmt", "azurerm_storage_share.usmt"],
    }],
    good: [{
      description: "Both protected by lifecycle.prevent_destroy",
      terraform: terraform({
        azurerm_storage_account: { usmt: accountBody("contosousmt01", { tags: roleTags(DeploymentRole.STATE_MIGRATION_STORE) }) },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt") },
      }),
    }],
  })),
});
