import { describeAccount, reportSmb, levelFor, ROLE_EVIDENCE_READS, smbList, smbSettings, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { SEED_001_CHANNEL, SMB_SCOPE } from "./smb-legacy-versions-accepted";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const smbWeakAuthenticationAllowed = defineRule({
  id: "SDZ-MIG-004",
  level: RuleLevel.ERROR,
  title: "NTLMv2 or RC4 Kerberos tickets allowed on a file share account",
  rationale:
    `${SEED_001_CHANNEL} Seed 001 also warns that clients sharing one identity can tamper with each other's state data. NTLMv2 is open to relay and offline cracking and bypasses `
    + `identity-based access; RC4-HMAC tickets are crackable (Kerberoasting). Unset lists allow both. One finding per account names every weak method. ${SMB_SCOPE}`,
  fix: "Set share_properties.smb.authentication_types = [\"Kerberos\"] and kerberos_ticket_encryption_type = [\"AES-256\"], with azure_files_authentication (AD DS or Entra Kerberos).",
  requirements: ["R-MIG-1", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account", "azurerm_storage_share", "azurerm_private_endpoint"],
  reads: ["share_properties.smb.authentication_types and kerberos_ticket_encryption_type of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const account of storage.smbScope) {
      const smb = smbSettings(ctx.model, account);
      const what = describeAccount(storage, account);
      if (!smb.known) {
        ctx.unverified(account.resource, `${what}: ${smb.reason}`);
        continue;
      }
      const problems: string[] = [];
      const unknown: string[] = [];
      const types = smbList(ctx.model, smb.value, "authentication_types");
      if (!types.known) unknown.push(types.reason);
      else if (!types.value || types.value.length === 0) problems.push("share_properties.smb.authentication_types is unset, so NTLMv2 is accepted");
      else if (types.value.includes("NTLMv2")) problems.push(`it accepts NTLMv2 (authentication_types = ${types.value.join(", ")})`);
      const tickets = smbList(ctx.model, smb.value, "kerberos_ticket_encryption_type");
      if (!tickets.known) unknown.push(tickets.reason);
      else if (!tickets.value || tickets.value.length === 0) problems.push("share_properties.smb.kerberos_ticket_encryption_type is unset, so RC4-HMAC tickets are accepted");
      else if (tickets.value.includes("RC4-HMAC")) problems.push("it accepts RC4-HMAC Kerberos tickets");
      if (problems.length > 0) {
        reportSmb(ctx, storage, account, `the ${what}: ${problems.join("; ")}${unknown.length > 0 ? ` (and could not verify: ${unknown.join("; ")})` : ""}`, { level: levelFor(storage, account) });
      } else if (unknown.length > 0) ctx.unverified(account.resource, `${what}: ${unknown.join("; ")}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "NTLMv2 and RC4 tickets left at Azure's defaults on an account holding a share",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { share_properties: { smb: { versions: ["SMB3.1.1"], channel_encryption_type: ["AES-256-GCM"] } } }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "Kerberos only, AES-256 tickets",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
