import { SEED } from "./common";
import { dnsExample } from "./dns-examples";
import { protectionOf, provisioningRecords, RECORD_TYPES } from "./dns-records";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningNameRecordUnlocked = defineRule({
  id: "SDZ-OOB-009",
  level: RuleLevel.ERROR,
  title: "DNS record for the AMT provisioning name not protected from change",
  rationale:
    `${SEED}: secure the DNS record of the provisioning name so it cannot be modified to resolve to anything but the out-of-band service point (R-OOB-7). In Azure `
    + "that is a management lock of level ReadOnly on the record, its zone, its resource group or the subscription (locks apply to child resources). A CanNotDelete "
    + "lock keeps the record from being deleted but not from being changed (learn.microsoft.com/azure/azure-resource-manager/management/lock-resources: "
    + "\"CanNotDelete means authorized users can still read and modify a resource, but they can't delete the resource\"), so it is reported one level lower, as a warning. Only "
    + "records of a provisioning name in use are checked (SDZ-OOB-007 reports the others); a lock whose scope or level is not known before apply, or that may hold the record but whose "
    + "group or zone name (or the record's) is not known before apply, is could-not-verify; a lock on a resource group of this configuration holds the records "
    + "whose resource_group_name refers to that group, whatever its name.",
  fix: "Add an azurerm_management_lock with lock_level = \"ReadOnly\" on the record or its DNS zone (changes then need the lock removed first, by an Owner or User Access Administrator).",
  requirements: ["R-OOB-7"],
  resourceTypes: [...RECORD_TYPES, "azurerm_management_lock"],
  reads: ["azurerm_management_lock (scope, lock_level) on the record, its zone, its resource group or the subscription"],
  check(ctx) {
    for (const r of provisioningRecords(ctx).records) {
      if (r.users.length === 0) continue;
      const p = protectionOf(ctx, r);
      const what = `${r.resource.address} (${r.fqdn}), the AMT provisioning name of ${r.users.map((u) => u.sp.vm.resource.address).join(", ")},`;
      if (p.level === "none") ctx.report(r.resource, `${what} has no management lock on it, its zone, its resource group or the subscription: anyone who may edit the zone can point it at a rogue provisioning server`);
      else if (p.level === "CanNotDelete") ctx.report(r.resource, `${what} is locked only against deletion (CanNotDelete, ${p.lock.address}): it can still be changed to resolve elsewhere`, { level: RuleLevel.WARNING });
      else if (p.level === "unknown") ctx.unverified(r.resource, `whether ${r.resource.address} (${r.fqdn}) is locked is not known (${p.reason})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The provisioning name's record has no lock",
      terraform: dnsExample({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10"] }),
      flagged: ["azurerm_private_dns_a_record.provisioning"],
    }],
    good: [{
      description: "A ReadOnly lock on the record",
      terraform: dnsExample({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10"], lock: "ReadOnly" }),
    }],
  })),
});
