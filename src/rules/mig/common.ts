/**
 * What the migration rules share: how a storage account is described in a finding (its role and the
 * evidence for it), the level a finding takes from that role, and reading nested blocks that may be
 * written as an object, a one-element list or an expression.
 */
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { unreadableBlock } from "../../engine/access/fields";
import { Resolved, TerraformModel } from "../../engine/model";
import { RuleContext, RuleLevel } from "../../engine/rule";
import { describeClaims, FileShare, shareLabel, Storage, StorageAccount } from "../../engine/storage";

const STATE = DeploymentRole.STATE_MIGRATION_STORE;
const CONTENT = DeploymentRole.DEPLOYMENT_CONTENT;

/** The storage model, the data types the rules use and the words for them. */
export { Storage, shareLabel };
export type { FileShare, StorageAccount };

/** Resource types of the storage rules' evidence. */
export const STORAGE_EVIDENCE_TYPES = ["azurerm_storage_account", "azurerm_storage_share", "azurerm_private_endpoint", "azurerm_virtual_machine_extension", "azurerm_virtual_machine_run_command", "azurerm_windows_virtual_machine"];

/** What the role evidence paths read, for `reads`. */
export const ROLE_EVIDENCE_READS = `storage roles: ${ZONE_TAG.roles.key} on the account, ${MIGRATION_TAG.shareRoles.key} share metadata, capture and IDE image location tags; `
  + "UNC paths, Files hosts and account names in the scripts of state migration points and deployment servers; Files private endpoints in their zones";

/** True when the account holds state migration data (with evidence). */
export function isStateStore(storage: Storage, account: StorageAccount): boolean {
  return storage.accountClaims(account, STATE).length > 0;
}

/** Error where the account holds state migration data, warning otherwise. */
export function levelFor(storage: Storage, account: StorageAccount): RuleLevel {
  return isStateStore(storage, account) ? RuleLevel.ERROR : RuleLevel.WARNING;
}

/**
 * `state migration storage account (declared: sdz-role=... on ...)`,
 * `deployment content storage account (inferred: ...)`, or
 * `storage account serving SMB (it holds file share ...)`: what the account is and why the rule
 * applies (findings land on the account, so its address is in the report already).
 */
export function describeAccount(storage: Storage, account: StorageAccount): string {
  const state = storage.accountClaims(account, STATE);
  if (state.length > 0) return `state migration storage account (${describeClaims(state)})`;
  const content = storage.accountClaims(account, CONTENT);
  if (content.length > 0) return `deployment content storage account (${describeClaims(content)})`;
  const serving = storage.smbServing(account);
  if (serving) return `storage account serving SMB (${serving})`;
  const doubt = storage.smbDoubt(account);
  return doubt ? `storage account that may serve SMB (${doubt})` : "storage account serving SMB (no file share seen)";
}

/**
 * Reports a problem of an account in the SMB rules' scope ({@link Storage.smbScope}): a finding
 * where the account serves SMB, could-not-verify where it only may (the message, through
 * {@link describeAccount}, says why), never a pass.
 */
export function reportSmb(ctx: RuleContext, storage: Storage, account: StorageAccount, message: string, options?: { level?: RuleLevel }): void {
  if (!storage.smbServing(account) && storage.smbDoubt(account)) ctx.unverified(account.resource, message);
  else ctx.report(account.resource, message, options);
}

/** `state migration share "usmt" (azurerm_storage_share.x) (declared: ...)`. */
export function describeStateShare(storage: Storage, share: FileShare): string {
  return `state migration share ${shareLabel(share)} (${describeClaims(storage.shareClaims(share, STATE))})`;
}

/** State migration shares (with evidence), in declaration order. */
export function stateShares(storage: Storage): FileShare[] {
  return storage.shares.filter((s) => storage.shareClaims(s, STATE).length > 0);
}

/** State migration accounts (with evidence). */
export function stateAccounts(storage: Storage): StorageAccount[] {
  return storage.accounts.filter((a) => isStateStore(storage, a));
}

/**
 * A nested block (`share_properties`, `smb`, `network_rules`, `lifecycle`...): an object, the first
 * element of a list, undefined when absent, or unknown when the block is an unresolved expression
 * or a `dynamic` block (expanded at plan time: it may produce the block or not, with any content).
 */
export function nestedBlock(model: TerraformModel, parent: Record<string, any> | undefined, key: string): Resolved<Record<string, any> | undefined> {
  if (!parent) return { known: true, value: undefined };
  let v = parent[key];
  // A string is resolved below (a local may hold the block); anything else beside a dynamic block of the same name is not what Terraform will use.
  const dynamic = typeof v === "string" ? undefined : unreadableBlock(parent, key);
  if (dynamic) return { known: false, reason: dynamic };
  if (v === undefined || v === null) return { known: true, value: undefined };
  if (typeof v === "string") {
    const r = model.resolve(v);
    if (!r.known) return r;
    v = r.value;
  }
  if (Array.isArray(v)) v = v[0];
  if (v && typeof v === "object" && !Array.isArray(v)) return { known: true, value: v };
  return { known: true, value: undefined };
}

/** `share_properties.smb` of an account (undefined when absent), or why it is not known. */
export function smbSettings(model: TerraformModel, account: StorageAccount): Resolved<Record<string, any> | undefined> {
  const sp = nestedBlock(model, account.resource.config, "share_properties");
  if (!sp.known) return { known: false, reason: `share_properties is not known before apply (${sp.reason})` };
  const smb = nestedBlock(model, sp.value, "smb");
  return smb.known ? smb : { known: false, reason: `share_properties.smb is not known before apply (${smb.reason})` };
}

/** One list field of the smb block, trimmed; unset is `undefined` (Azure's defaults then apply). */
export function smbList(model: TerraformModel, smb: Record<string, any> | undefined, field: string): Resolved<string[] | undefined> {
  const v = smb?.[field];
  if (v === undefined || v === null) return { known: true, value: undefined };
  const r = model.resolveStringList(v);
  if (!r.known) return { known: false, reason: `share_properties.smb.${field} is not known before apply (${r.reason})` };
  return { known: true, value: r.value.map((x) => x.trim()) };
}

/**
 * Secure transfer of an account: `https_traffic_only_enabled` (azurerm 4.x/5.x), or its 3.x name
 * `enable_https_traffic_only`; unset is on (azurerm's default), with the field read. While it is on,
 * Azure Files rejects SMB without encryption, SMB 2.1 included ("SMB 2.1 is disallowed if 'require
 * secure transfer' is enabled, because SMB 2.1 does not support encryption in transit",
 * learn.microsoft.com/azure/storage/files/files-smb-protocol, "SMB security settings"); off, it
 * accepts SMB 2.1 and SMB 3.x without encryption.
 */
export function secureTransfer(model: TerraformModel, account: StorageAccount): { field: string; on: Resolved<boolean> } {
  const cfg = account.resource.config;
  const field = cfg.https_traffic_only_enabled !== undefined ? "https_traffic_only_enabled" : "enable_https_traffic_only";
  const v = model.resolveBoolean(cfg[field]);
  return { field, on: v.known ? { known: true, value: v.value !== false } : v };
}
