import { TfJson } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { RuleLevel } from "../../../src/engine/rule";
import { dnsExample, DnsExampleOptions } from "../../../src/rules/oob/dns-examples";
import { exampleTerraform } from "../../../src/rules/oob/examples";
import { check, flagged, messages, unverifiedAt } from "../../support/rule-harness";

const RECORD = "azurerm_private_dns_a_record.provisioning";

function dns(opts: DnsExampleOptions, edit: (tf: TfJson, record: Record<string, unknown>) => void = () => undefined): TfJson {
  const tf = TfJson.fromJson(dnsExample(opts));
  edit(tf, tf.json.resource.azurerm_private_dns_a_record.provisioning);
  return tf;
}

describe("SDZ-OOB-007 provisioning name registered while out-of-band provisioning is off", () => {
  const ID = "SDZ-OOB-007";
  test("a record of the service point's provisioning name while it declares provisioning disabled is an error on the record", () => {
    const r = check(dns({ provisioning: "disabled", recordName: "oobsp", records: ["10.0.9.10"] }), [ID]);
    expect(flagged(r, ID)).toEqual([RECORD]);
    expect(messages(r, ID)[0]).toMatch(/registers the AMT provisioning name oobsp\.corp\.example\.com: azurerm_windows_virtual_machine\.sp uses that name with out-of-band provisioning off/);
  });

  test("untagged: a ProvisionServer record (public A or private CNAME) with no service point using it is an error", () => {
    const tf = TfJson.fromJson(exampleTerraform({
      resources: {
        azurerm_dns_zone: { pub: { name: "example.com", resource_group_name: "rg" } },
        azurerm_dns_a_record: { ps: { name: "ProvisionServer", zone_name: "${azurerm_dns_zone.pub.name}", resource_group_name: "rg", ttl: 300, records: ["203.0.113.7"] } },
        azurerm_private_dns_cname_record: { ps: { name: "provisionserver", zone_name: "corp.example.com", resource_group_name: "rg", ttl: 300, record: "oobsp.corp.example.com" } },
        azurerm_private_dns_a_record: { other: { name: "web", zone_name: "corp.example.com", resource_group_name: "rg", ttl: 300, records: ["10.0.20.4"] } },
      },
    }));
    expect(flagged(check(tf, [ID]), ID)).toEqual(["azurerm_dns_a_record.ps", "azurerm_private_dns_cname_record.ps"]);
  });

  test("provisioning enabled: the record of its name is expected, a ProvisionServer record beside it is not", () => {
    expect(check(dns({ provisioning: "enabled", recordName: "oobsp", records: ["10.0.9.10"], lock: "ReadOnly" }), [ID]).findings).toEqual([]);
    expect(flagged(check(dns({ provisioning: "enabled", recordName: "ProvisionServer", records: ["10.0.9.10"], lock: "ReadOnly" }), [ID]), ID)).toEqual([RECORD]);
  });

  test("a record in another zone than the declared FQDN's is not the provisioning name", () => {
    const tf = dns({ provisioning: "disabled", recordName: "oobsp", records: ["10.0.9.10"] }, (_tf, rec) => (rec.zone_name = "lab.example.com"));
    expect(check(tf, [ID]).findings).toEqual([]);
  });

  test("a record name, or a provisioning mode, from a variable is could-not-verify", () => {
    expect(unverifiedAt(check(dns({ provisioning: "disabled", recordName: "${var.name}", records: ["10.0.9.10"] }), [ID]), ID)).toEqual([RECORD]);
    const mode = dns({ provisioning: "disabled", recordName: "oobsp", records: ["10.0.9.10"] }, (tf) => {
      (tf.json.resource.azurerm_windows_virtual_machine.sp.tags as Record<string, string>)[OobTags.PROVISIONING] = "${var.mode}";
    });
    expect(unverifiedAt(check(mode, [ID]), ID)).toEqual([RECORD]);
  });
});

describe("SDZ-OOB-008 the provisioning name resolves only to the service point", () => {
  const ID = "SDZ-OOB-008";
  const on = { provisioning: "enabled" as const, recordName: "oobsp", lock: "ReadOnly" as const };
  test("the service point's address, or a reference to its NIC's address, passes; any other address is an error", () => {
    expect(check(dns({ ...on, records: ["10.0.9.10"] }), [ID]).findings).toEqual([]);
    expect(check(dns({ ...on, records: ["${azurerm_network_interface.sp.ip_configuration[0].private_ip_address}"] }), [ID]).findings).toEqual([]);
    const r = check(dns({ ...on, records: ["10.0.9.10", "${azurerm_network_interface.client01.ip_configuration[0].private_ip_address}"] }), [ID]);
    expect(flagged(r, ID)).toEqual([RECORD]);
    expect(messages(r, ID)[0]).toMatch(/resolves to 10\.0\.20\.4, not only to the out-of-band service point azurerm_windows_virtual_machine\.sp/);
  });

  test("a CNAME to the service point's own name, or to a record of this configuration that holds its address, passes; to another host is an error", () => {
    const cname = (target: string) => dns({ ...on, recordName: "unused", records: ["10.0.9.10"] }, (tf) => {
      tf.add("azurerm_private_dns_cname_record", "alias", { name: "oobsp", zone_name: "corp.example.com", resource_group_name: "rg", ttl: 300, record: target });
      tf.add("azurerm_management_lock", "alias", { name: "alias", scope: "${azurerm_private_dns_cname_record.alias.id}", lock_level: "ReadOnly" });
    });
    expect(check(cname("sp.corp.example.com"), [ID]).findings).toEqual([]);
    expect(check(cname("unused.corp.example.com."), [ID]).findings).toEqual([]);
    expect(flagged(check(cname("rogue.example.net"), [ID]), ID)).toEqual(["azurerm_private_dns_cname_record.alias"]);
  });

  test("addresses from a variable are could-not-verify", () => {
    expect(unverifiedAt(check(dns({ ...on, records: ["${var.ip}"] }), [ID]), ID)).toEqual([RECORD]);
  });
});

describe("SDZ-OOB-009 the provisioning name's record is locked", () => {
  const ID = "SDZ-OOB-009";
  const on = { provisioning: "enabled" as const, recordName: "oobsp", records: ["10.0.9.10"] };
  test("no lock is an error; CanNotDelete still lets it be changed (warning); ReadOnly passes", () => {
    expect(flagged(check(dns(on), [ID]), ID)).toEqual([RECORD]);
    const cannotDelete = check(dns({ ...on, lock: "CanNotDelete" }), [ID]);
    expect(cannotDelete.findings.map((f) => [f.address, f.level])).toEqual([[RECORD, RuleLevel.WARNING]]);
    expect(messages(cannotDelete, ID)[0]).toMatch(/locked only against deletion/);
    expect(check(dns({ ...on, lock: "ReadOnly" }), [ID]).findings).toEqual([]);
  });

  test("a ReadOnly lock on the zone, the resource group (by reference or ID) or the subscription protects the record", () => {
    for (const scope of ["${azurerm_private_dns_zone.corp.id}", "${azurerm_resource_group.rg.id}", "/subscriptions/0000/resourceGroups/rg",
      "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/corp.example.com", "/subscriptions/0000"]) {
      const tf = dns(on, (t) => {
        t.add("azurerm_resource_group", "rg", { name: "rg", location: "westeurope" });
        t.add("azurerm_management_lock", "l", { name: "l", scope, lock_level: "ReadOnly" });
      });
      expect([scope, check(tf, [ID]).findings]).toEqual([scope, []]);
    }
    const elsewhere = dns(on, (t) => t.add("azurerm_management_lock", "l", { name: "l", scope: "/subscriptions/0000/resourceGroups/other", lock_level: "ReadOnly" }));
    expect(flagged(check(elsewhere, [ID]), ID)).toEqual([RECORD]);
  });

  test("a resource group named by a variable: a lock on the record's own group (by reference) protects it; another group does not; names not known are could-not-verify", () => {
    /** The record and its zone live in the group `dns`, whose name is a variable; `lockScope` is the lock's scope. */
    const rgVar = (lockScope: string, recordGroup = "${azurerm_resource_group.dns.name}") => dns(on, (t, rec) => {
      t.add("azurerm_resource_group", "dns", { name: "${var.dns_rg}", location: "westeurope" });
      t.add("azurerm_resource_group", "other", { name: "${var.other_rg}", location: "westeurope" });
      rec.resource_group_name = recordGroup;
      (t.json.resource.azurerm_private_dns_zone.corp as Record<string, unknown>).resource_group_name = "${azurerm_resource_group.dns.name}";
      t.add("azurerm_management_lock", "l", { name: "l", scope: lockScope, lock_level: "ReadOnly" });
    });
    expect(check(rgVar("${azurerm_resource_group.dns.id}"), [ID]).findings).toEqual([]);
    expect(flagged(check(rgVar("${azurerm_resource_group.other.id}"), [ID]), ID)).toEqual([RECORD]);
    const literalGroup = check(rgVar("/subscriptions/0000/resourceGroups/dns"), [ID]);
    expect(literalGroup.findings.map((f) => [f.address, f.status])).toEqual([[RECORD, "unverified"]]);
    expect(messages(literalGroup, ID)[0]).toMatch(/whether azurerm_management_lock\.l \(scope \/subscriptions\/0000\/resourceGroups\/dns\) holds it: resource_group_name of azurerm_private_dns_a_record\.provisioning: /);
    // The record's group written as a literal: whether the variable-named group is it is not known.
    expect(unverifiedAt(check(rgVar("${azurerm_resource_group.dns.id}", "dns"), [ID]), ID)).toEqual([RECORD]);
  });

  test("a lock whose scope or level is not known is could-not-verify", () => {
    const scope = dns(on, (t) => t.add("azurerm_management_lock", "l", { name: "l", scope: "${var.scope}", lock_level: "ReadOnly" }));
    expect(unverifiedAt(check(scope, [ID]), ID)).toEqual([RECORD]);
  });

  test("records of a name not in use are SDZ-OOB-007's, not this rule's", () => {
    expect(check(dns({ ...on, provisioning: "disabled" }), [ID]).findings).toEqual([]);
  });
});
