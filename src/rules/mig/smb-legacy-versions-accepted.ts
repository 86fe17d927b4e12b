import { describeAccount, reportSmb, levelFor, ROLE_EVIDENCE_READS, smbList, smbSettings, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** Seed 001 on the SMB channel, quoted by the SMB transport rules. @internal */
export const SEED_001_CHANNEL = "Seed 001: \"secure the network channel between the client and the state migration point by using SMB signing or IPsec ... If you don't secure the network channel, an attacker can read and modify this data.\"";

/** What makes an account subject to the SMB transport rules, for their rationales. @internal */
export const SMB_SCOPE = "The rule applies to every account that serves SMB, whatever its role: one that holds a file share or a Files private endpoint, a FileStorage account, one that configures share_properties, "
  + "or a state migration or deployment content store (declared, or inferred from the state migration points and deployment servers that use it). "
  + "Error where the account holds state migration data (declared or inferred, the finding says which), warning otherwise.";

export const smbLegacyVersionsAccepted = defineRule({
  id: "SDZ-MIG-001",
  level: RuleLevel.ERROR,
  title: "SMB versions unset or allowing SMB 2.1/3.0 on a file share account",
  rationale:
    `${SEED_001_CHANNEL} SMB 2.1 has no encryption and SMB 3.0 only AES-CCM without pre-authentication integrity; leaving share_properties.smb.versions unset accepts both. ${SMB_SCOPE}`,
  fix: "Set share_properties.smb.versions = [\"SMB3.1.1\"] on the storage account (StateMigrationShare does).",
  requirements: ["R-MIG-1", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share", "azurerm_private_endpoint"],
  reads: ["share_properties.smb.versions of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const account of storage.smbScope) {
      const smb = smbSettings(ctx.model, account);
      const versions = smb.known ? smbList(ctx.model, smb.value, "versions") : smb;
      const what = describeAccount(storage, account);
      if (!versions.known) {
        ctx.unverified(account.resource, `${what}: ${versions.reason}`);
        continue;
      }
      const v = versions.value;
      const legacy = v?.filter((x) => x === "SMB2.1" || x === "SMB3.0") ?? [];
      if (!v || v.length === 0) reportSmb(ctx, storage, account, `the ${what} leaves share_properties.smb.versions unset, so SMB 2.1 and 3.0 are accepted`, { level: levelFor(storage, account) });
      else if (legacy.length > 0) reportSmb(ctx, storage, account, `the ${what} accepts ${legacy.join(", ")} (share_properties.smb.versions = ${v.join(", ")})`, { level: levelFor(storage, account) });
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An untagged account holding a share still accepts SMB 2.1",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { share_properties: { smb: { versions: ["SMB2.1", "SMB3.1.1"] } } }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "SMB 3.1.1 only",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
