import { describeAccount, reportSmb, levelFor, ROLE_EVIDENCE_READS, smbList, smbSettings, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { SEED_001_CHANNEL, SMB_SCOPE } from "./smb-legacy-versions-accepted";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const smbChannelEncryptionWeak = defineRule({
  id: "SDZ-MIG-003",
  level: RuleLevel.ERROR,
  title: "SMB channel encryption unset or CCM-only on a file share account",
  rationale:
    `${SEED_001_CHANNEL} Azure Files has no SMB-signing switch: the integrity of state data in transit comes from SMB 3.x encryption. Both of its cipher families are authenticated `
    + "encryption (AES-CCM and AES-GCM alike protect integrity as well as confidentiality), so CCM is not unauthenticated; the rule still asks for GCM only, as hardening: AES-128-CCM is "
    + "the SMB 3.0 cipher that older clients fall back to, GCM is faster and preferred by SMB 3.1.1, and AES-256-GCM is the strongest cipher Azure Files offers "
    + `(files-smb-protocol: AES-256-GCM, AES-128-GCM, AES-128-CCM). Unset channel_encryption_type accepts AES-128-CCM. CCM alongside GCM is a warning. ${SMB_SCOPE}`,
  fix: "Set share_properties.smb.channel_encryption_type = [\"AES-256-GCM\"] (add \"AES-128-GCM\" only for older clients).",
  requirements: ["R-MIG-1", "R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share", "azurerm_private_endpoint"],
  reads: ["share_properties.smb.channel_encryption_type of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const account of storage.smbScope) {
      const smb = smbSettings(ctx.model, account);
      const ciphers = smb.known ? smbList(ctx.model, smb.value, "channel_encryption_type") : smb;
      const what = describeAccount(storage, account);
      if (!ciphers.known) {
        ctx.unverified(account.resource, `${what}: ${ciphers.reason}`);
        continue;
      }
      const c = ciphers.value ?? [];
      const gcm = c.filter((x) => x.endsWith("-GCM"));
      const ccm = c.filter((x) => x.endsWith("-CCM"));
      const level = levelFor(storage, account);
      if (c.length === 0) reportSmb(ctx, storage, account, `the ${what} leaves share_properties.smb.channel_encryption_type unset, so AES-128-CCM is accepted`, { level });
      else if (gcm.length === 0) reportSmb(ctx, storage, account, `the ${what} accepts only ${c.join(", ")}: no AES-GCM channel encryption`, { level });
      else if (ccm.length > 0) reportSmb(ctx, storage, account, `the ${what} still accepts ${ccm.join(", ")} next to ${gcm.join(", ")}`, { level: RuleLevel.WARNING });
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "Channel encryption left unset on an account holding a share",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { share_properties: { smb: { versions: ["SMB3.1.1"] } } }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "AES-256-GCM only",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
