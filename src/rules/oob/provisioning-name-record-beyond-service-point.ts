import { listOf, SEED } from "./common";
import { dnsExample } from "./dns-examples";
import { provisioningRecords, RECORD_TYPES, targetsOf } from "./dns-records";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningNameRecordBeyondServicePoint = defineRule({
  id: "SDZ-OOB-008",
  level: RuleLevel.ERROR,
  title: "DNS record for the AMT provisioning name resolves to something other than the service point",
  rationale:
    `${SEED}: when name resolution is used for ProvisionServer or a custom provisioning name, the record must resolve to the out-of-band service point: a record `
    + "that resolves to the wrong or a rogue computer lets that computer provision AMT clients (R-OOB-7). For each A or CNAME record of a provisioning name in use "
    + "(a service point declares it with out-of-band provisioning enabled), the rule reads what it resolves to: literal addresses, references to a NIC's address, "
    + "alias targets (target_resource_id) and CNAME targets (followed through records of this configuration, else compared with the service point's computer "
    + "name). Anything other than the service point is a finding; a value not known before apply is could-not-verify.",
  fix: "Make the record resolve only to the out-of-band service point's address (or a CNAME to its own name).",
  requirements: ["R-OOB-7"],
  resourceTypes: RECORD_TYPES,
  reads: ["A and CNAME records of the provisioning name (records, record, target_resource_id)", "the service point's NIC addresses and computer name"],
  check(ctx) {
    for (const r of provisioningRecords(ctx).records) {
      if (r.users.length === 0) continue;
      const targets = targetsOf(ctx, r, r.users.map((p) => p.sp));
      const others = targets.filter((t) => t.kind === "other").map((t) => (t as { text: string }).text);
      const unknown = targets.filter((t) => t.kind === "unknown").map((t) => (t as { text: string }).text);
      const sps = r.users.map((p) => p.sp.vm.resource.address).join(", ");
      if (others.length > 0) ctx.report(r.resource, `${r.resource.address} (${r.fqdn}) resolves to ${listOf(others)}, not only to the out-of-band service point ${sps} that provisions under this name`);
      else if (unknown.length > 0) ctx.unverified(r.resource, `what ${r.resource.address} (${r.fqdn}) resolves to is not known before apply (${unknown.join("; ")})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The provisioning name also resolves to a client",
      terraform: dnsExample({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10", "10.0.20.4"], lock: "ReadOnly" }),
      flagged: ["azurerm_private_dns_a_record.provisioning"],
    }],
    good: [{
      description: "The provisioning name resolves to the service point only",
      terraform: dnsExample({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10"], lock: "ReadOnly" }),
    }],
  })),
});
