import { describeAccount, isStateStore, nestedBlock, ROLE_EVIDENCE_READS, Storage, StorageAccount } from "./common";
import { accountBody, roleTags, scriptExtension, shareBody, smpNetwork, terraform } from "./examples";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { TerraformModel, TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** What the public endpoint of an account lets in. */
type Exposure =
  | { readonly kind: "private" }
  /** `full`: public addresses get in (no rules, Allow, or IP rules); `endpoint`: the endpoint is up but its firewall denies public addresses. */
  | { readonly kind: "full" | "endpoint"; readonly text: string }
  | { readonly kind: "unknown"; readonly resource: TfResource; readonly reason: string };

/**
 * Azure decides in two steps: public_network_access_enabled = false closes the public endpoint
 * (only private endpoints remain); otherwise the network rules (inline, or the standalone
 * azurerm_storage_account_network_rules, which replaces them) decide, and no rules means Allow.
 * Neither attribute changed in azurerm 5.0: the 5.0 upgrade guide lists, for azurerm_storage_account,
 * only the allow_nested_items_to_be_public default (now false), min_tls_version values,
 * customer_managed_key, queue_properties and static_website, and nothing for
 * azurerm_storage_account_network_rules
 * (registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/5.0-upgrade-guide,
 * "Breaking Changes in Resources").
 */
function exposureOf(model: TerraformModel, account: StorageAccount, standalone: TfResource | undefined, unlinked: readonly string[]): Exposure {
  const cfg = account.resource.config;
  const pna = model.resolveBoolean(cfg.public_network_access_enabled);
  if (!pna.known) return { kind: "unknown", resource: account.resource, reason: `public_network_access_enabled is not known before apply (${pna.reason})` };
  if (pna.value === false) return { kind: "private" };
  const open = pna.value === undefined ? "public network access is on (public_network_access_enabled unset defaults to true)" : "public network access is on";
  const inline = nestedBlock(model, cfg, "network_rules");
  if (!standalone && !inline.known) return { kind: "unknown", resource: account.resource, reason: `network_rules is not known before apply (${inline.reason})` };
  const block = standalone?.config ?? (inline.known ? inline.value : undefined);
  const where = standalone ? `the network rules of ${standalone.address}` : "its network rules";
  const rulesAt = standalone ?? account.resource;
  if (!block) {
    // An account with no rules of its own may be the one a standalone azurerm_storage_account_network_rules
    // whose storage_account_id cannot be followed applies to; then those rules decide, not Allow.
    if (unlinked.length > 0) {
      // A few named, the rest counted: every account may be concerned by every unfollowed rules resource.
      const named = `${unlinked.slice(0, 3).join("; ")}${unlinked.length > 3 ? `; and ${unlinked.length - 3} more` : ""}`;
      return { kind: "unknown", resource: account.resource, reason: `${open} and it has no network rules of its own, but ${named}` };
    }
    return { kind: "full", text: `${open} and it has no network rules, so every address is allowed${anonymous(model, account)}` };
  }
  const action = model.resolveString(block.default_action);
  if (!action.known) return { kind: "unknown", resource: rulesAt, reason: `network rules default_action is not known before apply (${action.reason})` };
  if (action.value.trim().toLowerCase() !== "deny") return { kind: "full", text: `${open} and ${where} default to ${action.value}${anonymous(model, account)}` };
  const ips = ipRules(model, block.ip_rules);
  // ip_rules admits public addresses only (Azure rejects private ranges), so any known entry lets the public in,
  // whatever the unknown ones are; only when no known entry does can an unknown one change the answer.
  if (ips.known.length > 0) {
    const more = ips.unknown ? `, and entries not known before apply (${ips.unknown})` : "";
    return { kind: "full", text: `${open} and ${where} allow public addresses ${ips.known.slice(0, 3).join(", ")}${ips.known.length > 3 ? ", ..." : ""}${more}${anonymous(model, account)}` };
  }
  if (ips.unknown) return { kind: "unknown", resource: rulesAt, reason: `network rules ip_rules is not known before apply (${ips.unknown})` };
  return { kind: "endpoint", text: `${open}: its public endpoint answers, though ${where} deny public addresses by default` };
}

/** The entries of ip_rules that are known, and why the others (or the whole list) are not. */
function ipRules(model: TerraformModel, value: unknown): { known: string[]; unknown?: string } {
  if (!Array.isArray(value)) {
    const all = model.resolveStringList(value);
    return all.known ? { known: all.value.map((x) => x.trim()).filter((x) => x !== "") } : { known: [], unknown: all.reason };
  }
  const known: string[] = [];
  const unknown: string[] = [];
  for (const item of value) {
    const r = model.resolveStringList(item);
    if (r.known) known.push(...r.value.map((x) => x.trim()).filter((x) => x !== ""));
    else unknown.push(r.reason);
  }
  return { known, unknown: unknown.length > 0 ? `${unknown.length} of them: ${unknown[0]}` : undefined };
}

/** `; containers may be made anonymous (...)` when allow_nested_items_to_be_public is true, or unset (true in azurerm 4.x, false from 5.0). */
function anonymous(model: TerraformModel, account: StorageAccount): string {
  const v = model.resolveBoolean(account.resource.config.allow_nested_items_to_be_public);
  if (v.known && v.value === true) return "; containers may be made anonymous (allow_nested_items_to_be_public = true)";
  if (v.known && v.value === undefined) return "; containers may be made anonymous (allow_nested_items_to_be_public unset: true in azurerm 4.x, false from 5.0)";
  return "";
}

function lower(level: RuleLevel): RuleLevel {
  return level === RuleLevel.ERROR ? RuleLevel.WARNING : RuleLevel.INFO;
}

export const stateStoreReachableFromPublicNetworks = defineRule({
  id: "SDZ-MIG-005",
  level: RuleLevel.ERROR,
  title: "State migration or deployment content storage reachable from public networks",
  rationale:
    "Seed 001: state migration data is personal data (files, settings, browser cookies) and must not be disclosed; network locations holding images and exported task sequences "
    + "must be secured (seeds 001, 002). The rule applies to state migration stores (error) and deployment content stores (warning), declared or inferred: an account a state "
    + "migration point's scripts name (UNC path, Files host or account name) or whose Files private endpoint is in the point's zone is a state store even without tags. "
    + "It asks what Azure lets in: public_network_access_enabled = false closes the public endpoint; otherwise the inline or standalone network rules decide (none means Allow). "
    + "Public addresses that get in (no rules, default Allow, IP rules) are a finding at the rule's level; a public endpoint whose rules deny public addresses is one level lower. "
    + `Where the configuration cannot tell whether an account is a state store (its ${ZONE_TAG.roles.key} tag or a share's metadata from a variable, or a state migration point running `
    + "scripts the checks cannot read), this rule says so once, as could-not-verify.",
  fix: "Set public_network_access_enabled = false and reach the share through a private endpoint (StateMigrationShare does); keep network_rules { default_action = \"Deny\" } and allow_nested_items_to_be_public = false.",
  requirements: ["R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_account_network_rules", "azurerm_storage_share", "azurerm_private_endpoint"],
  reads: ["public_network_access_enabled, inline network_rules and azurerm_storage_account_network_rules (default_action, ip_rules), allow_nested_items_to_be_public", ROLE_EVIDENCE_READS],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    const standalone = new Map<StorageAccount, TfResource>();
    /** Standalone rules whose account cannot be followed: they may be any account's (with whether only an account whose name is unknown). */
    const unlinked: { why: string; onlyUnnamed?: boolean }[] = [];
    for (const r of m.ofType("azurerm_storage_account_network_rules")) {
      const byId = r.config.storage_account_id !== undefined && r.config.storage_account_id !== null;
      const field = byId ? "storage_account_id" : "storage_account_name";
      const link = storage.linkOf(r.config[field], !byId);
      if (link.account) standalone.set(link.account, r);
      else if (link.unknown) unlinked.push({ why: `${r.address} ${field} is not known before apply (${link.unknown}), so its rules may be this account's`, onlyUnnamed: link.onlyUnnamed });
    }
    // The same lists for every account (named accounts only see links that may name them): built once.
    const unlinkedAll = unlinked.map((u) => u.why);
    const unlinkedNamed = unlinked.filter((u) => !u.onlyUnnamed).map((u) => u.why);
    for (const account of storage.accounts) {
      const state = isStateStore(storage, account);
      const content = storage.accountClaims(account, DeploymentRole.DEPLOYMENT_CONTENT).length > 0;
      const doubt = state ? undefined : storage.stateStoreDoubt(account);
      if (!state && !content && !doubt) continue;
      const e = exposureOf(m, account, standalone.get(account), account.name.known ? unlinkedNamed : unlinkedAll);
      const what = describeAccount(storage, account);
      if (doubt) {
        const exposure = e.kind === "full" || e.kind === "endpoint" ? `; it is reachable: ${e.text}` : e.kind === "unknown" ? `; ${e.reason}` : "";
        ctx.unverified(account.resource, `whether ${account.resource.address} is a state migration store (${doubt})${exposure}; if it is, it must not be reachable from public networks, and SDZ-MIG-007, SDZ-MIG-011 and SDZ-MIG-014 apply to it`);
        continue;
      }
      const level = state ? RuleLevel.ERROR : RuleLevel.WARNING;
      if (e.kind === "unknown") ctx.unverified(e.resource, `${what}${e.resource === account.resource ? "" : ` ${account.resource.address}`}: ${e.reason}`);
      else if (e.kind === "full") ctx.report(account.resource, `the ${what} is reachable from public networks: ${e.text}`, { level });
      else if (e.kind === "endpoint") ctx.report(account.resource, `the ${what}: ${e.text}; close it`, { level: lower(level) });
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An untagged account that the state migration point's script mounts, with public network access left on and no network rules",
      terraform: terraform(smpNetwork({ tags: roleTags(DeploymentRole.STATE_MIGRATION_POINT) }), {
        azurerm_storage_account: { usmt: accountBody("contosousmt01", { public_network_access_enabled: undefined, network_rules: undefined }) },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt") },
        azurerm_virtual_machine_extension: { smp01: scriptExtension("smp01", "New-SmbGlobalMapping -RemotePath \\\\contosousmt01.file.core.windows.net\\usmt -LocalPath S:") },
      }),
      flagged: ["azurerm_storage_account.usmt"],
    }],
    good: [{
      description: "The same store with public network access off",
      terraform: terraform(smpNetwork({ tags: roleTags(DeploymentRole.STATE_MIGRATION_POINT) }), {
        azurerm_storage_account: { usmt: accountBody("contosousmt01") },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt") },
        azurerm_virtual_machine_extension: { smp01: scriptExtension("smp01", "New-SmbGlobalMapping -RemotePath \\\\contosousmt01.file.core.windows.net\\usmt -LocalPath S:") },
      }),
    }],
  })),
});
