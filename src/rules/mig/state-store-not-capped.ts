import { describeAccount, describeStateShare, ROLE_EVIDENCE_READS, stateAccounts, stateShares, Storage, StorageAccount } from "./common";
import { accountBody, shareBody, shareRoleMetadata, siteServerRunCommand, smpNetwork, terraform } from "./examples";
import { AZURE_FILES_LIMITS, MIGRATION_TAG } from "../../contract/migration-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { unreadableBlock } from "../../engine/access/fields";
import { VM_TYPES } from "../../engine/access/topology";
import { TerraformModel, TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { NOT_SHOWN_SITE_SERVER } from "../../engine/settings";
import { StateMigrationPoint, StateMigrationPoints } from "../../engine/state-migration-points";
import { lazyExamples } from "../lazy-examples";

const L = AZURE_FILES_LIMITS;

/** Quota bounds (GiB) of an account; no `max` when it depends on a value Azure computes. */
/** `unbounded`: why the quota cannot be judged against the account's bounds at all. */
interface QuotaBounds { min: number; max?: number; kind: string; reason?: string; unbounded?: string }

function quotaBounds(model: TerraformModel, account: StorageAccount | undefined): QuotaBounds {
  if (!account) return { min: 1, max: L.quotaMaxLargeGib, kind: "an account outside this configuration" };
  // Provisioned v2 accounts have per-account bounds: Microsoft documents the share quota (FileShareData.ShareQuota,
  // learn.microsoft.com/dotnet/api/azure.resourcemanager.storage.filesharedata.sharequota) as "For file shares created
  // under Files Provisioned v2 account type, please refer to the GetFileServiceUsage API response for the minimum and
  // maximum allowed provisioned storage size": known only to Azure, so a quota there cannot be judged before apply.
  const rawBilling = account.resource.config.provisioned_billing_model_version;
  const billing = rawBilling === undefined || rawBilling === null ? { known: true as const, value: "" } : model.resolveString(rawBilling);
  if (!billing.known) return { min: 1, kind: "an account whose billing model is not known", unbounded: `provisioned_billing_model_version is not known before apply (${billing.reason})` };
  if (billing.value.trim().toUpperCase() === "V2") {
    return { min: 1, kind: "a provisioned v2 account", unbounded: "the account is provisioned v2 (provisioned_billing_model_version = \"V2\"), whose quota bounds Azure reports per account (GetFileServiceUsage)" };
  }
  const kind = model.resolveString(account.resource.config.account_kind ?? "StorageV2");
  if (!kind.known) return { min: 1, kind: "an account of unknown kind", reason: kind.reason };
  if (kind.value === "FileStorage") return { min: L.quotaMinPremiumGib, max: L.quotaMaxLargeGib, kind: "a premium FileStorage account" };
  const large = model.resolveBoolean(account.resource.config.large_file_share_enabled);
  if (!large.known) return { min: 1, kind: "a standard account", reason: large.reason };
  if (large.value === true) return { min: 1, max: L.quotaMaxLargeGib, kind: "a standard account with large file shares" };
  if (large.value === false) return { min: 1, max: L.quotaMaxStandardGib, kind: "a standard account without large file shares" };
  return { min: 1, kind: "a standard account", reason: "large_file_share_enabled is unset (computed by Azure)" };
}

/** Data disks attached to a VM (attachments and the legacy inline storage_data_disk), and why some cannot be followed. */
function dataDisks(model: TerraformModel, vm: TfResource): { count: number; unknown?: string } {
  let count = model.blocks(vm, "storage_data_disk").length;
  // A dynamic storage_data_disk (legacy azurerm_virtual_machine) is expanded at plan time: it may attach disks.
  const hidden = unreadableBlock(vm.config, "storage_data_disk");
  let unknown: string | undefined = hidden ? `${vm.address}: ${hidden}` : undefined;
  const name = model.resolveString(vm.config.name);
  for (const att of model.ofType("azurerm_virtual_machine_data_disk_attachment")) {
    const target = model.referencedResource(att.config.virtual_machine_id);
    if (target) {
      if (target === vm) count++;
      continue;
    }
    const lit = model.resolveString(att.config.virtual_machine_id);
    const literalName = lit.known ? /\/virtualMachines\/([^/]+)$/i.exec(lit.value)?.[1] : undefined;
    if (literalName && name.known && literalName.toLowerCase() === name.value.toLowerCase()) count++;
    else if (!literalName) unknown ??= `${att.address}: virtual_machine_id cannot be followed to a VM (${lit.known ? JSON.stringify(lit.value) : lit.reason})`;
  }
  return { count, unknown };
}

/** The state migration point half: a client cap (a Configuration Manager setting) and a store on its own data disk. */
function checkPoint(ctx: RuleContext, p: StateMigrationPoint): void {
  const vm = p.vm.resource;
  const problems: string[] = [];
  const unknown: string[] = [];
  const declared: string[] = [];
  const spec = MIGRATION_TAG.maxClients;
  // A script on the site server first: from another VM it is not shown to apply (settings.ts).
  const caps = p.configMgr.filter((x) => /-MaximumClientNumber\s+\d+/i.test(x.text));
  const script = caps.find((x) => x.onSiteServer) ?? caps[0];
  const s = ctx.settings.read(vm, spec, p.vm.nics.map((n) => n.resource));
  if (script) {
    if (!script.readsBack) declared.push(`the client cap is set by ${script.resource.address}, which does not read it back`);
    else if (!script.onSiteServer) declared.push(`the client cap is set by ${script.resource.address}, which runs on ${script.host.address}, ${NOT_SHOWN_SITE_SERVER}`);
  } else if (s.read.state === "known") {
    if (s.provenance === "declared") declared.push(`${spec.key}=${s.read.value} (${s.evidence})`);
  } else if (s.read.state === "absent") {
    unknown.push(`no client cap is declared (${spec.key}) or set by a Configuration Manager script of this configuration (New-CMStorageFolder -MaximumClientNumber)`);
  } else unknown.push(s.read.reason);
  const disks = dataDisks(ctx.model, vm);
  if (disks.count === 0) {
    if (disks.unknown) unknown.push(`no data disk is known to be attached (${disks.unknown})`);
    else problems.push("it has no data disk, so its storage folders share the OS disk: an attacker who fills them stops the server");
  }
  const who = `state migration point (${p.claim.source}: ${p.claim.evidence})`;
  if (problems.length > 0) ctx.report(vm, `${who}: ${problems.join("; ")}${unknown.length > 0 ? ` (could not verify: ${unknown.join("; ")})` : ""}`);
  else if (unknown.length > 0) ctx.unverified(vm, `${who}: ${unknown.join("; ")}`);
  else if (declared.length > 0) ctx.report(vm, `${who}: declared, not verified: ${declared.join("; ")}`, { level: RuleLevel.INFO });
}

export const stateStoreNotCapped = defineRule({
  id: "SDZ-MIG-011",
  level: RuleLevel.ERROR,
  title: "State migration storage not capped",
  rationale:
    "Seed 001: \"Configuration Manager doesn't limit or manage the amount of data that's stored on the state migration point. An attacker could fill up the available disk space and cause a "
    + "denial of service.\" A state migration share (declared, or inferred from the state migration points that use it) needs a quota within its account kind's bounds "
    + `(1-${L.quotaMaxStandardGib} GiB standard, 1-${L.quotaMaxLargeGib} with large file shares, ${L.quotaMinPremiumGib}-${L.quotaMaxLargeGib} premium); on a provisioned v2 account `
    + "(provisioned_billing_model_version = \"V2\") Azure reports the bounds per account, so the quota there is could-not-verify. A state migration point "
    + "(declared, or inferred from Add-/Set-CMStateMigrationPoint) needs its storage folders on a data disk of their own (the disk size is the hard cap) and a client cap. "
    + "The client cap is a Configuration Manager setting: a script of this configuration that sets it is accepted (as applied only from the site server, shown by a "
    + `CMSite drive rooted at its own SMS Provider; from another VM it is declared, not verified), and so is the ${MIGRATION_TAG.maxClients.key} tag where no site server here `
    + "applies it; the finding then says it is declared, not verified (info). A cap neither declared nor set is could-not-verify.",
  fix: `Set quota on the share (1-${L.quotaMaxLargeGib} GiB standard with large file shares, 1-${L.quotaMaxStandardGib} without, ${L.quotaMinPremiumGib}-${L.quotaMaxLargeGib} premium); `
    + `give the state migration point a data disk for its storage folders and a client cap (New-CMStorageFolder -MaximumClientNumber), recorded as ${MIGRATION_TAG.maxClients.key} (StateMigrationPoint does).`,
  requirements: ["R-MIG-2"],
  resourceTypes: ["azurerm_storage_share", ...VM_TYPES, "azurerm_virtual_machine_data_disk_attachment", "azurerm_virtual_machine_run_command"],
  reads: [
    "quota of state migration shares, account_kind and large_file_share_enabled of their accounts",
    `data disk attachments of state migration points; New-CMStorageFolder -MaximumClientNumber in Configuration Manager scripts; the ${MIGRATION_TAG.maxClients.key} tag`,
    ROLE_EVIDENCE_READS,
  ],
  check(ctx) {
    const m = ctx.model;
    const storage = Storage.of(m);
    for (const share of stateShares(storage)) {
      const what = describeStateShare(storage, share);
      const quota = m.resolveNumber(share.resource.config.quota);
      if (!quota.known) {
        ctx.unverified(share.resource, `${what}: quota is not known before apply (${quota.reason})`);
        continue;
      }
      if (quota.value === undefined) {
        ctx.report(share.resource, `the ${what} has no quota: it can grow until the account limit`);
        continue;
      }
      const b = quotaBounds(m, share.account);
      if (b.unbounded) {
        ctx.unverified(share.resource, `${what}: quota ${quota.value} GiB cannot be checked against its account's bounds: ${b.unbounded}`);
        continue;
      }
      if (quota.value < b.min || (b.max !== undefined && quota.value > b.max)) ctx.report(share.resource, `the ${what} has quota ${quota.value} GiB, outside ${b.min}-${b.max} GiB for ${b.kind}`);
      else if (b.max === undefined && quota.value > L.quotaMaxStandardGib) ctx.unverified(share.resource, `${what}: quota ${quota.value} GiB needs large file shares, but ${b.reason}`);
    }
    for (const account of stateAccounts(storage)) {
      const unmanaged = [...account.referencedShares.keys()];
      const what = describeAccount(storage, account);
      if (unmanaged.length > 0) ctx.unverified(account.resource, `${what}: share(s) ${unmanaged.map((n) => `"${n}"`).join(", ")} are not managed by this configuration, so their quota cannot be verified`);
      else if (account.shares.length === 0) ctx.unverified(account.resource, `${what}: no file share of it is managed by this configuration, so its quota cannot be verified`);
    }
    for (const p of StateMigrationPoints.of(m).points) checkPoint(ctx, p);
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A state migration share (declared in its metadata) with a quota its account cannot hold (no large file shares)",
      terraform: terraform({
        azurerm_storage_account: { usmt: accountBody("contosousmt01", { large_file_share_enabled: false }) },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt", { quota: 6000, metadata: shareRoleMetadata(DeploymentRole.STATE_MIGRATION_STORE) }) },
      }),
      flagged: ["azurerm_storage_share.usmt"],
    }, {
      description: "An untagged state migration point (added by the site server's run command) whose storage folders share the OS disk",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-TimeDeleteAfter 7 -TimeUnit Days -StorageFolder (New-CMStorageFolder -StorageFolderName F:\\USMT -MaximumClientNumber 100 -MinimumFreeSpace 10 -SpaceUnit Percent)")),
      flagged: ["azurerm_windows_virtual_machine.smp01"],
    }],
    good: [{
      description: "The same point with a data disk for its storage folders",
      terraform: terraform(smpNetwork(), siteServerRunCommand("-TimeDeleteAfter 7 -TimeUnit Days -StorageFolder (New-CMStorageFolder -StorageFolderName F:\\USMT -MaximumClientNumber 100 -MinimumFreeSpace 10 -SpaceUnit Percent)"), {
        azurerm_managed_disk: { store: { name: "smp01-store", location: "westeurope", resource_group_name: "rg", storage_account_type: "Premium_LRS", create_option: "Empty", disk_size_gb: 512 } },
        azurerm_virtual_machine_data_disk_attachment: { store: { managed_disk_id: "${azurerm_managed_disk.store.id}", virtual_machine_id: "${azurerm_windows_virtual_machine.smp01.id}", lun: 10, caching: "None" } },
      }),
    }],
  })),
});
