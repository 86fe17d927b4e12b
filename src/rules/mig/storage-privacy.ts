import { describeAccount, nestedBlock, StorageIndex } from "./storage-index";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";

export const publicStateStore = defineRule({
  id: "SDZ-MIG-005",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "State migration or deployment content storage reachable from public networks",
  rationale:
    "Seed 001: state migration data is personal data (files, settings, browser cookies) and must not be disclosed; network locations holding images and exported task sequences must be secured (seeds 001, 002). Public network access on, network rules defaulting to Allow, or public nested items expose the account beyond the private endpoint. Error for state migration accounts, warning for deployment content accounts.",
  fix: "Set public_network_access_enabled = false, network_rules { default_action = \"Deny\" } and allow_nested_items_to_be_public = false; reach the share through a private endpoint (StateMigrationShare does all three).",
  requirements: ["R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_account_network_rules"],
  check(ctx) {
    const m = ctx.model;
    const index = StorageIndex.of(m);
    const standalone = new Map<TfResource, TfResource[]>();
    for (const r of m.ofType("azurerm_storage_account_network_rules")) {
      const target = m.referencedResource(r.config.storage_account_id);
      if (target) standalone.set(target, [...(standalone.get(target) ?? []), r]);
    }
    for (const account of index.accounts) {
      if (!account.stateMigration && !account.deploymentContent) continue;
      const level = account.stateMigration ? RuleLevel.ERROR : RuleLevel.WARNING;
      const what = describeAccount(account);
      const cfg = account.resource.config;

      const pna = m.resolveBoolean(cfg.public_network_access_enabled);
      if (!pna.known) ctx.unverified(account.resource, `public_network_access_enabled is not known before apply (${pna.reason})`);
      else if (pna.value !== false) {
        ctx.report(account.resource, `the ${what} has public network access ${pna.value === undefined ? "on (public_network_access_enabled unset defaults to true)" : "on"}`, { level });
      }

      const inline = nestedBlock(m, cfg, "network_rules");
      const rules = [...(inline.known && inline.value ? [{ block: inline.value, res: account.resource }] : []),
        ...(standalone.get(account.resource) ?? []).map((r) => ({ block: r.config, res: r }))];
      if (!inline.known) ctx.unverified(account.resource, `network_rules is not known before apply (${inline.reason})`);
      else if (rules.length === 0) {
        ctx.report(account.resource, `the ${what} has no network rules, so the default action is Allow`, { level });
      }
      for (const { block, res } of rules) {
        const action = m.resolveString(block.default_action);
        if (!action.known) ctx.unverified(res, `network rules default_action is not known before apply (${action.reason})`);
        else if (action.value.toLowerCase() !== "deny") ctx.report(res, `the ${what}'s network rules default to ${action.value}`, { level });
      }

      const nested = m.resolveBoolean(cfg.allow_nested_items_to_be_public);
      if (!nested.known) ctx.unverified(account.resource, `allow_nested_items_to_be_public is not known before apply (${nested.reason})`);
      else if (nested.value !== false) {
        ctx.report(account.resource, `the ${what} allows public (anonymous) nested items${nested.value === undefined ? " (allow_nested_items_to_be_public unset defaults to true)" : ""}`, { level });
      }
    }
  },
});

export const sharedKeyAccess = defineRule({
  id: "SDZ-MIG-008",
  level: RuleLevel.WARNING,
  area: "migration",
  title: "Storage account shared key access on",
  rationale:
    "Seed 001: clients that share one identity (the network access account) can tamper with or delete each other's state data. An account key is one shared identity with full control of every share, outside identity-based access and its auditing.",
  fix: "Set shared_access_key_enabled = false and grant access with RBAC and identity-based (Kerberos) authentication; configure the azurerm provider with storage_use_azuread = true.",
  requirements: ["R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account"],
  check(ctx) {
    for (const account of StorageIndex.of(ctx.model).accounts) {
      const v = ctx.model.resolveBoolean(account.resource.config.shared_access_key_enabled);
      if (!v.known) ctx.unverified(account.resource, `shared_access_key_enabled is not known before apply (${v.reason})`);
      else if (v.value !== false) {
        ctx.report(account.resource, `shared key access is ${v.value === undefined ? "on (shared_access_key_enabled unset defaults to true)" : "on"}`);
      }
    }
  },
});
