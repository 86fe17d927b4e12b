import { describeAccount, reportSmb, levelFor, ROLE_EVIDENCE_READS, secureTransfer, Storage } from "./common";
import { accountBody, shareBody, terraform } from "./examples";
import { SEED_001_CHANNEL, SMB_SCOPE } from "./smb-legacy-versions-accepted";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

const GOOD_TLS = ["TLS1_2", "TLS1_3"];

export const secureTransferOffOrWeakTls = defineRule({
  id: "SDZ-MIG-002",
  level: RuleLevel.ERROR,
  title: "Secure transfer off or TLS below 1.2 on a file share account",
  rationale:
    `${SEED_001_CHANNEL} With secure transfer off, Azure Files accepts unencrypted SMB sessions and plain HTTP on its REST endpoint; TLS below 1.2 is broken. `
    + "The rule reads https_traffic_only_enabled (azurerm 4.x and 5.x) and its 3.x name enable_https_traffic_only; an unset min_tls_version is TLS1_2 in azurerm 4.x, "
    + `and azurerm 5.0 no longer accepts TLS1_0 or TLS1_1 (5.0 upgrade guide, azurerm_storage_account). ${SMB_SCOPE}`,
  fix: "Set https_traffic_only_enabled = true (the default) and min_tls_version = \"TLS1_2\".",
  requirements: ["R-MIG-1", "R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account"],
  reads: ["https_traffic_only_enabled (4.x/5.x) or enable_https_traffic_only (3.x), min_tls_version of every SMB-serving storage account", ROLE_EVIDENCE_READS],
  check(ctx) {
    const storage = Storage.of(ctx.model);
    for (const account of storage.smbScope) {
      const cfg = account.resource.config;
      const problems: string[] = [];
      const unknown: string[] = [];
      const { field, on: https } = secureTransfer(ctx.model, account);
      if (!https.known) unknown.push(`${field} is not known before apply (${https.reason})`);
      else if (!https.value) problems.push(`secure transfer is off (${field} = false): unencrypted SMB and plain HTTP are accepted`);
      if (cfg.min_tls_version !== undefined && cfg.min_tls_version !== null) {
        const tls = ctx.model.resolveString(cfg.min_tls_version);
        if (!tls.known) unknown.push(`min_tls_version is not known before apply (${tls.reason})`);
        else if (!GOOD_TLS.includes(tls.value)) problems.push(`it accepts ${tls.value} (min_tls_version)`);
      }
      const what = describeAccount(storage, account);
      if (problems.length > 0) reportSmb(ctx, storage, account, `the ${what}: ${problems.join("; ")}`, { level: levelFor(storage, account) });
      else if (unknown.length > 0) ctx.unverified(account.resource, `${what}: ${unknown.join("; ")}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "Secure transfer turned off on an account holding a share",
      terraform: terraform({
        azurerm_storage_account: { files: accountBody("osdfiles01", { https_traffic_only_enabled: false }) },
        azurerm_storage_share: { images: shareBody("images", "files") },
      }),
      flagged: ["azurerm_storage_account.files"],
    }],
    good: [{
      description: "Secure transfer on (the default) and TLS 1.2",
      terraform: terraform({ azurerm_storage_account: { files: accountBody("osdfiles01") }, azurerm_storage_share: { images: shareBody("images", "files") } }),
    }],
  })),
});
