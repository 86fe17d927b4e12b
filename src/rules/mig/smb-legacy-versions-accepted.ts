import { describeAccount, reportSmb, levelFor, ROLE_EVIDENCE_READS, secureTransfer, smbList, smbSettings, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** Seed 001 on the SMB channel, quoted by the SMB transport rules. @internal */
export const SEED_001_CHANNEL = "Seed 001: \"secure the network channel between the client and the state migration point by using SMB signing or IPsec ... If you don't secure the network channel, an attacker can read and modify this data.\"";

/** What makes an account subject to the SMB transport rules, for their rationales. @internal */
export const SMB_SCOPE = "The rule applies to every account that serves SMB, whatever its role: one that holds a file share or a Files private endpoint, a FileStorage account, one that configures share_properties, "
  + "or a state migration or deployment content store (declared, or inferred from the state migration points and deployment servers that use it). "
  + "Error where the account holds state migration data (declared or inferred, the finding says which), warning otherwise.";

/** The versions Azure Files allows when share_properties.smb.versions is unset (files-smb-protocol, "SMB security settings"). */
const ALL_VERSIONS = ["SMB2.1", "SMB3.0", "SMB3.1.1"];

export const smbLegacyVersionsAccepted = defineRule({
  id: "SDZ-MIG-001",
  level: RuleLevel.ERROR,
  title: "SMB versions unset or allowing SMB 3.0 (or SMB 2.1 without secure transfer) on a file share account",
  rationale:
    `${SEED_001_CHANNEL} SMB 2.1 has no encryption and SMB 3.0 only AES-CCM without pre-authentication integrity. Leaving share_properties.smb.versions unset allows every version; `
    + "Azure Files refuses SMB 2.1 while secure transfer is required (\"SMB 2.1 is disallowed if 'require secure transfer' is enabled\", learn.microsoft.com/azure/storage/files/files-smb-protocol), "
    + "so the finding names SMB 3.0, and SMB 2.1 only where secure transfer is off (https_traffic_only_enabled = false; could-not-verify where that is not known before apply and only SMB 2.1 is in question). "
    + `${SMB_SCOPE}`,
  fix: "Set share_properties.smb.versions = [\"SMB3.1.1\"] on the storage account (StateMigrationShare does).",
  requirements: ["R-MIG-1", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share", "azurerm_private_endpoint"],
  reads: ["share_properties.smb.versions and https_traffic_only_enabled (enable_https_traffic_only in 3.x) of every SMB-serving storage account", ROLE_EVIDENCE_READS],
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
      const unset = !v || v.length === 0;
      // Unset: Azure allows every version (files-smb-protocol, "SMB security settings"); SMB 2.1 only while secure transfer is off.
      const listed = unset ? ALL_VERSIONS : v;
      const st = secureTransfer(ctx.model, account);
      const smb21 = listed.includes("SMB2.1");
      const accepted = listed.filter((x) => x === "SMB3.0" || (x === "SMB2.1" && st.on.known && !st.on.value));
      const setting = unset ? "share_properties.smb.versions is unset (Azure then allows every version)" : `share_properties.smb.versions = ${v.join(", ")}`;
      const notes: string[] = [];
      if (smb21 && st.on.known && st.on.value) notes.push("SMB 2.1 is refused while secure transfer is on");
      if (smb21 && st.on.known && !st.on.value) notes.push(`SMB 2.1 because secure transfer is off (${st.field} = false)`);
      const doubt = smb21 && !st.on.known ? `SMB 2.1 unless secure transfer is on (${st.field} is not known before apply (${st.on.reason}))` : undefined;
      const level = levelFor(storage, account);
      if (accepted.length > 0) {
        const extra = [...notes, ...(doubt ? [`and ${doubt}`] : [])];
        reportSmb(ctx, storage, account, `the ${what} accepts ${accepted.join(", ")}: ${setting}${extra.length > 0 ? `; ${extra.join("; ")}` : ""}`, { level });
      } else if (doubt) ctx.unverified(account.resource, `${what}: ${setting}, so it accepts ${doubt}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "An untagged account holding a share still accepts SMB 3.0",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { share_properties: { smb: { versions: ["SMB3.0", "SMB3.1.1"] } } }) },
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
