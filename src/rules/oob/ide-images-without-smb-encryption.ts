import { SEED } from "./common";
import { exampleTerraform } from "./examples";
import { OOB_TAG, OobTags } from "../../contract/oob-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { AmtServicePoint, AmtServicePoints } from "../../engine/amt-service-points";
import { TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** `\\host\share[\path]`. */
const UNC = /^\\\\([^\\/]+)[\\/]+([^\\/]+)/;
/** An Azure Files endpoint: `<account>.file.core.windows.net` (or a sovereign cloud's suffix). */
const AZURE_FILES_HOST = /^([a-z0-9]{3,24})\.file\.core\./i;
/** A local path on the console (`C:\images`): images stored locally, as the seed prefers. */
const LOCAL_PATH = /^[a-z]:[\\/]/i;

export const ideImagesWithoutSmbEncryption = defineRule({
  id: "SDZ-OOB-006",
  level: RuleLevel.ERROR,
  title: "IDE-redirection images on a network location reached without SMB signing or encryption",
  rationale:
    `${SEED}: store IDE-redirection images locally on the out-of-band management console; if they must be on the network, retrieve them over SMB signing so they `
    + "cannot be tampered with in transit, and secure the stored files (R-OOB-6). The location is the service point's sdz-oob-ide-image-location. When it is an "
    + "Azure Files share of this configuration (\\\\<account>.file.core.windows.net\\<share>), the rule reads the storage account itself: with secure transfer "
    + "required (https_traffic_only_enabled, the default) Azure Files refuses SMB without encryption, which also protects integrity "
    + "(learn.microsoft.com/azure/storage/common/storage-require-secure-transfer); Azure Files has no separate signing switch. For any other location the "
    + "declared sdz-oob-ide-image-smb-encryption is accepted and shown as declared, not verified (info).",
  fix: "Keep the images local to the console, or store them on a share that requires SMB 3 encryption: an Azure Files share with https_traffic_only_enabled = true "
    + "(the default), or a file server that requires encryption (record sdz-oob-ide-image-smb-encryption=true).",
  requirements: ["R-OOB-6", "R-NET-1"],
  resourceTypes: [...VM_TYPES, "azurerm_storage_account"],
  reads: ["out-of-band service points and their sdz-oob-ide-image-location / sdz-oob-ide-image-smb-encryption", "the storage account of an Azure Files location: https_traffic_only_enabled (azurerm 3.x: enable_https_traffic_only)"],
  check(ctx) {
    for (const sp of AmtServicePoints.of(ctx.model).points) checkServicePoint(ctx, sp);
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "IDE images on an Azure Files share whose account accepts unencrypted SMB",
      terraform: ideExample(false),
      flagged: ["azurerm_windows_virtual_machine.sp"],
    }],
    good: [{
      description: "IDE images on an Azure Files share whose account requires secure transfer (SMB with encryption)",
      terraform: ideExample(true),
    }],
  })),
});

function checkServicePoint(ctx: RuleContext, sp: AmtServicePoint): void {
  const vm = sp.vm.resource;
  const loc = ctx.settings.read(vm, OOB_TAG.ideImageLocation, sp.nics).read;
  const enc = ctx.settings.read(vm, OOB_TAG.ideImageSmbEncryption, sp.nics);
  const who = `out-of-band service point ${vm.address}`;
  if (loc.state === "absent" && enc.read.state === "absent") return;
  if (loc.state === "unknown" || loc.state === "invalid") {
    ctx.unverified(vm, `${who}: where its IDE-redirection images are stored is not known (${loc.reason})`);
    return;
  }
  const path = loc.state === "known" ? loc.value : undefined;
  if (path !== undefined && LOCAL_PATH.test(path)) return;
  const unc = path !== undefined ? UNC.exec(path) : null;
  const host = unc ? unc[1].toLowerCase() : undefined;
  const accountName = host ? AZURE_FILES_HOST.exec(host)?.[1]?.toLowerCase() : undefined;
  if (accountName) {
    const { account, unknownNames } = findAccount(ctx, accountName);
    if (account) {
      const secure = ctx.model.resolveBoolean(account.config.https_traffic_only_enabled ?? account.config.enable_https_traffic_only);
      if (!secure.known) ctx.unverified(vm, `${who}: IDE-redirection images at ${path} are on ${account.address}, whose https_traffic_only_enabled is not known before apply (${secure.reason})`);
      else if (secure.value === false) {
        ctx.report(vm, `${who}: IDE-redirection images at ${path} are on ${account.address}, which accepts SMB without encryption (https_traffic_only_enabled = false), so they can be tampered with in transit`);
      }
      return;
    }
    if (unknownNames.length > 0) {
      ctx.unverified(vm, `${who}: IDE-redirection images at ${path} may be on a storage account of this configuration whose name is not known before apply (${unknownNames.join(", ")})`);
      return;
    }
  }
  const where = path ?? "(location not recorded)";
  const r = enc.read;
  if (r.state === "unknown") ctx.unverified(vm, `${who}: whether IDE-redirection images at ${where} are reached with SMB encryption is not known (${r.reason})`);
  else if (r.state === "invalid") ctx.report(vm, `${who}: ${r.reason}`);
  else if (r.state === "absent" || !r.value) {
    ctx.report(vm, `${who}: IDE-redirection images at ${where} are reached without SMB signing or encryption (${OobTags.IDE_IMAGE_SMB_ENCRYPTION} is ${r.state === "absent" ? "not set" : "false"})`);
  } else if (path !== undefined) {
    ctx.report(vm, `${who}: IDE-redirection images at ${where}, outside this configuration: SMB encryption is declared, not verified (${enc.evidence})`, { level: RuleLevel.INFO });
  }
}

function findAccount(ctx: RuleContext, name: string): { account?: TfResource; unknownNames: string[] } {
  const unknownNames: string[] = [];
  for (const a of ctx.model.ofType("azurerm_storage_account")) {
    const n = ctx.model.resolveString(a.config.name);
    if (!n.known) unknownNames.push(a.address);
    else if (n.value.toLowerCase() === name) return { account: a, unknownNames };
  }
  return { unknownNames };
}

function ideExample(secure: boolean): { [key: string]: unknown } {
  return exampleTerraform({
    serverTags: { [ZoneTags.ROLE]: DeploymentRole.OOB_SERVICE_POINT, [OobTags.IDE_IMAGE_LOCATION]: "\\\\osdcontent01.file.core.windows.net\\ide" },
    resources: {
      azurerm_storage_account: {
        content: {
          name: "osdcontent01", resource_group_name: "rg", location: "westeurope", account_tier: "Premium", account_kind: "FileStorage", account_replication_type: "LRS",
          https_traffic_only_enabled: secure, public_network_access_enabled: false,
        },
      },
      azurerm_storage_share: { ide: { name: "ide", storage_account_id: "${azurerm_storage_account.content.id}", quota: 100 } },
    },
  });
}
