import { refExample } from "./examples";
import { CaptureLocation, captureLocationOf, describeRef, ReferenceComputer, referenceComputers, VM_TYPES } from "./reference-computers";
import { MIGRATION_TAG } from "../../contract/migration-tags";
import { PXE_TAG, PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * Judges an Azure Files capture location from the account's own settings: "secure transfer required"
 * (https_traffic_only_enabled, azurerm 4; enable_https_traffic_only, 3.x; on by default) makes Azure
 * Files refuse SMB without encryption (learn.microsoft.com/azure/storage/common/storage-require-secure-transfer);
 * an NFS share has no SMB encryption at all.
 */
function judgeAccount(ctx: RuleContext, rc: ReferenceComputer, loc: CaptureLocation): void {
  const account = loc.account!;
  const declared = ctx.settings.read(rc.vm.resource, PXE_TAG.captureSmbEncryption).read;
  const says = declared.state === "known" && declared.value ? `, although ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} on ${rc.vm.resource.address} says true` : "";
  const https = ctx.model.resolveBoolean(account.config.https_traffic_only_enabled ?? account.config.enable_https_traffic_only);
  if (!https.known) {
    ctx.unverified(account, `${describeRef(rc)} captures to ${loc.unc}; whether storage account ${account.address} requires secure transfer (SMB encryption) is not known before apply: https_traffic_only_enabled: ${https.reason}`);
  } else if (https.value === false) {
    ctx.report(account, `${describeRef(rc)} captures to ${loc.unc}, but storage account ${account.address} does not require secure transfer (https_traffic_only_enabled = false), so Azure Files accepts SMB without encryption${says}`);
  }
  if (loc.share) {
    const proto = ctx.model.resolveString(loc.share.config.enabled_protocol ?? "SMB");
    if (!proto.known) ctx.unverified(loc.share, `${describeRef(rc)} captures to ${loc.unc}; the protocol of ${loc.share.address} is not known before apply (${proto.reason})`);
    else if (proto.value.toUpperCase() === "NFS") ctx.report(loc.share, `${describeRef(rc)} captures to ${loc.unc}, an NFS share: NFS has no SMB encryption`);
  }
}

/** Judges a capture share served by a VM of this configuration: SMB encryption required (sdz-smb-encrypt-data), applied or audited. */
function judgeServer(ctx: RuleContext, rc: ReferenceComputer, loc: CaptureLocation): void {
  const server = loc.server!;
  const s = ctx.settings.read(server.resource, MIGRATION_TAG.smbEncryptData, server.nics.map((n) => n.resource));
  const where = `${describeRef(rc)} captures to ${loc.unc}, served by ${server.resource.address}`;
  switch (s.read.state) {
    case "absent":
      ctx.report(server.resource, `${where}, and nothing in this configuration makes that server require SMB encryption (Set-SmbServerConfiguration -EncryptData $true; Windows leaves it off)`);
      return;
    case "known":
      if (!s.read.value) ctx.report(server.resource, `${where}, which does not require SMB encryption (${MIGRATION_TAG.smbEncryptData.key}=false)`);
      // A script whose last write the checks cannot read (a variable, protected settings, unordered scripts) may
      // turn encryption off or on: neither "only declared" nor compliant, but could-not-verify.
      else if (!s.acceptable && s.unknown) ctx.unverified(server.resource, `${where}; whether it requires SMB encryption cannot be told: ${MIGRATION_TAG.smbEncryptData.key}=true is declared, and ${s.unknown}`);
      else if (!s.acceptable) ctx.report(server.resource, `${where}; its SMB encryption is only declared (${s.evidence})`);
      return;
    default:
      ctx.unverified(server.resource, `${where}; whether it requires SMB encryption cannot be read (${s.read.reason})`);
  }
}

export const captureLocationWithoutSmbEncryption = defineRule({
  id: "SDZ-REF-004",
  level: RuleLevel.ERROR,
  title: "Reference computer captures to a location without SMB encryption",
  rationale:
    "When you capture the image, make sure the destination network location is secure, so the image can't be tampered with after capture (seed 001, "
    + "R-REF-1); network locations holding images are reached with SMB signing or encryption (R-NET-1). The rule finds each reference computer's capture "
    + `location (${PxeSettingTags.CAPTURE_LOCATION}, else the UNC path of its capture script) and reads what the configuration shows: for an Azure Files `
    + "share of this configuration (\\\\<account>.file.core.windows.net\\<share>), the account's secure-transfer setting (Azure Files then refuses SMB "
    + "without encryption) and the share's protocol; for a share served by a VM here, that server's SMB encryption setting with its provenance (a "
    + `Windows setting: only declared is a finding). Only when the location is outside this configuration does it rely on ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION}, `
    + "which is then declared (listed by SDZ-REF-005). A reference computer captured only into an Azure image (azurerm_image) has no network location to "
    + "check. A missing or unreadable location or setting is could-not-verify.",
  fix: `Capture to a private Azure Files share with secure transfer required (the state migration share construct), or to a server that requires SMB encryption (Set-SmbServerConfiguration -EncryptData $true, applied by a script that reads it back); record the location in ${PxeSettingTags.CAPTURE_LOCATION}.`,
  requirements: ["R-REF-1", "R-NET-1"],
  resourceTypes: [...VM_TYPES, "azurerm_storage_account", "azurerm_storage_share"],
  reads: [
    "reference computers (declared or inferred)",
    `${PxeSettingTags.CAPTURE_LOCATION} or the capture script's UNC path`,
    "the named storage account's https_traffic_only_enabled and the share's enabled_protocol",
    `sdz-smb-encrypt-data of a VM serving the share, with provenance; ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} when the location is outside the configuration`,
  ],
  check(ctx) {
    for (const rc of referenceComputers(ctx)) {
      const loc = captureLocationOf(ctx, rc);
      if (loc.unknown) {
        ctx.unverified(rc.vm.resource, `${describeRef(rc)}: its capture location cannot be read (${loc.unknown})`);
        continue;
      }
      if (!loc.unc) {
        if (rc.via !== "image") ctx.unverified(rc.vm.resource, `${describeRef(rc)} does not say where it captures images: record the UNC path in ${PxeSettingTags.CAPTURE_LOCATION}`);
        continue;
      }
      if (loc.account) {
        judgeAccount(ctx, rc, loc);
        continue;
      }
      if (loc.server) {
        judgeServer(ctx, rc, loc);
        continue;
      }
      const enc = ctx.settings.read(rc.vm.resource, PXE_TAG.captureSmbEncryption, rc.vm.nics.map((n) => n.resource)).read;
      if (enc.state === "known" && !enc.value) ctx.report(rc.vm.resource, `${describeRef(rc)} captures images to ${loc.unc} without SMB encryption (${PxeSettingTags.CAPTURE_SMB_ENCRYPTION}=false)`);
      else if (enc.state === "absent") ctx.unverified(rc.vm.resource, `${describeRef(rc)} captures to ${loc.unc}, which is not part of this configuration, and does not record whether it enforces SMB encryption (${PxeSettingTags.CAPTURE_SMB_ENCRYPTION})`);
      else if (enc.state !== "known") ctx.unverified(rc.vm.resource, `${describeRef(rc)}: ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} cannot be read (${enc.reason})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "The capture share's storage account does not require secure transfer", terraform: refExample({ secureTransfer: false }), flagged: ["azurerm_storage_account.images"] }],
    good: [{ description: "The capture share's storage account requires secure transfer (the default)", terraform: refExample() }],
  })),
});
