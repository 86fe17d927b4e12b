import { ROLE_EVIDENCE_READS, secureTransfer, shareLabel, Storage, StorageAccount } from "./common";
import { accountBody, shareBody, shareRoleMetadata, terraform } from "./examples";
import { SEED_001_CHANNEL } from "./smb-legacy-versions-accepted";
import { DeploymentRole } from "../../contract/zone-tags";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { describeClaims, isNfs, roleNoun } from "../../engine/storage";
import { lazyExamples } from "../lazy-examples";

/** The note every state-migration or deployment-content share on Azure Files gets in the report. */
export const AZURE_FILES_SIGNING_NOTE =
  "Azure Files has no SMB-signing switch; SMB 3.x encryption (authenticated encryption, AES-GCM or AES-CCM) authenticates every message and so provides signing-grade integrity for this share, "
  + "provided SDZ-MIG-002 passes (secure transfer on, so Azure Files enforces SMB encryption) and SDZ-MIG-001/003 pass (SMB 3.1.1 only, AES-GCM only)";

/**
 * True when the account's secure transfer is known to be off ({@link secureTransfer}): Azure Files then
 * accepts SMB 2.1 and SMB 3.x without encryption, so the note would be false. SDZ-MIG-002 reports it;
 * the note is left out there.
 */
function secureTransferOff(model: TerraformModel, account: StorageAccount | undefined): boolean {
  if (!account) return false;
  const st = secureTransfer(model, account).on;
  return st.known && !st.value;
}

export const smbSigningReplacedByEncryption = defineRule({
  id: "SDZ-MIG-010",
  level: RuleLevel.INFO,
  title: "Azure Files: SMB encryption stands in for SMB signing",
  rationale:
    `${SEED_001_CHANNEL} Seeds 001 and 002 ask for SMB signing (or IPsec) on state migration and deployment content locations. Azure Files offers no signing setting; SMB 3.x `
    + "encryption is authenticated encryption (AES-GCM and AES-CCM alike) and authenticates every SMB message, which is the integrity signing would give, plus confidentiality. "
    + "The note goes on every state migration or deployment content SMB share (declared or inferred; on the account when none of its shares is managed by this configuration), so the "
    + "report says how the requirement is met; it is left out on NFS shares (enabled_protocol = \"NFS\": no SMB encryption applies) and where the account's secure transfer is off (https_traffic_only_enabled = false), because Azure Files then accepts "
    + "unencrypted SMB and SDZ-MIG-002 reports it.",
  fix: "No action: keep secure transfer on, SMB 3.1.1 only and AES-GCM channel encryption so the note holds.",
  requirements: ["R-MIG-1", "R-NET-1", "R-OOB-6"],
  resourceTypes: ["azurerm_storage_share", "azurerm_storage_account"],
  reads: [ROLE_EVIDENCE_READS],
  suppressible: false,
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const share of storage.shares) {
      // An NFS share has no SMB encryption to stand in for signing: the note would be false there.
      if (isNfs(share)) continue;
      const claims = storage.shareClaims(share);
      if (claims.length > 0 && !secureTransferOff(ctx.model, share.account)) ctx.report(share.resource, `${roleNoun(claims[0].role)} share ${shareLabel(share)} (${describeClaims(claims, 1)}): ${AZURE_FILES_SIGNING_NOTE}`);
    }
    for (const account of storage.accounts) {
      if (account.shares.length > 0) continue;
      const claims = storage.accountClaims(account);
      if (claims.length > 0 && !secureTransferOff(ctx.model, account)) ctx.report(account.resource, `${roleNoun(claims[0].role)} account ${account.resource.address} (${describeClaims(claims, 1)}): ${AZURE_FILES_SIGNING_NOTE}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A deployment content share (declared in its metadata) gets the note",
      terraform: terraform({ azurerm_storage_account: { content: accountBody("osdcontent01") }, azurerm_storage_share: { content: shareBody("content", "content", { metadata: shareRoleMetadata(DeploymentRole.DEPLOYMENT_CONTENT) }) } }),
      flagged: ["azurerm_storage_share.content"],
    }],
    good: [{
      description: "A share nothing uses for state migration or deployment content gets none",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("teamfiles01") }, azurerm_storage_share: { files: shareBody("files", "files") } }),
    }],
  })),
});
