/** Terraform JSON of the DNS rules' examples: the example site plus a private DNS zone `corp.example.com`. */
import { exampleTerraform } from "./examples";
import { OobTags } from "../../contract/oob-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";

/** Options of {@link dnsExample}. */
export interface DnsExampleOptions {
  /** The service point's declared provisioning mode. */
  readonly provisioning: "enabled" | "disabled";
  /** The record's name (relative to the zone). */
  readonly recordName: string;
  /** The A record's addresses. */
  readonly records: string[];
  /** A management lock on the record. */
  readonly lock?: "ReadOnly" | "CanNotDelete";
}

export function dnsExample(opts: DnsExampleOptions): { [key: string]: unknown } {
  return exampleTerraform({
    serverTags: {
      [ZoneTags.ROLE]: DeploymentRole.OOB_SERVICE_POINT, [OobTags.PROVISIONING]: opts.provisioning,
      [OobTags.PROVISIONING_SERVER]: "oobsp.corp.example.com", [OobTags.PROVISIONING_PORT]: "24601",
    },
    resources: {
      azurerm_private_dns_zone: { corp: { name: "corp.example.com", resource_group_name: "rg" } },
      azurerm_private_dns_a_record: {
        provisioning: { name: opts.recordName, zone_name: "${azurerm_private_dns_zone.corp.name}", resource_group_name: "rg", ttl: 300, records: opts.records },
      },
      ...(opts.lock ? {
        azurerm_management_lock: { provisioning: { name: "provisioning-record", scope: "${azurerm_private_dns_a_record.provisioning.id}", lock_level: opts.lock, notes: "AMT provisioning name" } },
      } : {}),
    },
  });
}
