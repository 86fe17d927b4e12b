import { SEED } from "./common";
import { dnsExample } from "./dns-examples";
import { provisioningRecords, RECORD_TYPES } from "./dns-records";
import { OobTags } from "../../contract/oob-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningNameRecordWhileProvisioningOff = defineRule({
  id: "SDZ-OOB-007",
  level: RuleLevel.ERROR,
  title: "DNS record for the AMT provisioning name while out-of-band provisioning is off",
  rationale:
    `${SEED}: if you do not use out-of-band provisioning, do not register an alias for the out-of-band service point in DNS; AMT-based computers look up their `
    + "provisioning server by name (the firmware default is ProvisionServer), and a record of that name that resolves to the wrong or a rogue computer sends them "
    + "to a rogue provisioning server (R-OOB-7). The rule finds public and private zone A and CNAME records whose name is a provisioning name: the "
    + "sdz-oob-provisioning-server a service point declares, or ProvisionServer. Such a record is a finding unless a service point that uses that name declares "
    + "out-of-band provisioning enabled (then SDZ-OOB-008 and SDZ-OOB-009 check where it points and that it is locked). A record whose name or zone is not known "
    + "before apply, or a service point whose provisioning mode is not known, is could-not-verify.",
  fix: "Remove the record (in-band provisioning needs none), or enable out-of-band provisioning on the service point that uses the name (sdz-oob-provisioning=enabled).",
  requirements: ["R-OOB-7"],
  resourceTypes: RECORD_TYPES,
  reads: ["azurerm_private_dns_a_record, azurerm_private_dns_cname_record, azurerm_dns_a_record, azurerm_dns_cname_record (name, zone)", "out-of-band service points and their declared sdz-oob-provisioning and sdz-oob-provisioning-server"],
  check(ctx) {
    const index = provisioningRecords(ctx);
    for (const u of index.uncertain) {
      ctx.unverified(u.resource, `${u.resource.address} may register an AMT provisioning name (${OobTags.DEFAULT_PROVISIONING_SERVER} or a declared ${OobTags.PROVISIONING_SERVER}): ${u.reason}`);
    }
    for (const r of index.records) {
      if (r.users.length > 0) continue;
      if (r.undecided.length > 0) {
        ctx.unverified(r.resource, `${r.resource.address} registers the AMT provisioning name ${r.fqdn}, and whether out-of-band provisioning is enabled is not known (${r.undecided.map((p) => (p.mode as { reason: string }).reason).join("; ")})`);
        continue;
      }
      const why = r.idle.length > 0
        ? `${r.idle.map((p) => p.sp.vm.resource.address).join(", ")} ${r.idle.length > 1 ? "use" : "uses"} that name with out-of-band provisioning off`
        : "no out-of-band service point uses that name with out-of-band provisioning enabled";
      ctx.report(r.resource, `${r.resource.address} registers the AMT provisioning name ${r.fqdn}: ${why}, so the record only gives AMT clients a name a rogue server could answer to`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A private DNS record for the service point's provisioning name while it declares provisioning disabled",
      terraform: dnsExample({ provisioning: "disabled", recordName: "oobsp", records: ["10.0.9.10"] }),
      flagged: ["azurerm_private_dns_a_record.provisioning"],
    }],
    good: [{
      description: "Provisioning declared enabled: the record for its name is expected (and locked)",
      terraform: dnsExample({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10"], lock: "ReadOnly" }),
    }],
  })),
});
