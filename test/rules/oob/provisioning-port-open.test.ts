import { addDnat, APP, oobSite, rule } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { check, flagged, messages, PLACEMENTS, site, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-OOB-002";
/** app01 as a declared service point with provisioning enabled on 9972 for the 10.0.2.0/24 segment. */
const ENABLED = { "sdz-role": "oob-service-point", [OobTags.PROVISIONING]: "enabled", [OobTags.PROVISIONING_PORT]: "9972", [OobTags.AMT_CLIENT_PREFIXES]: "10.0.2.0/24,192.168.10.0/24" };

describe("SDZ-OOB-002 AMT provisioning port", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("untagged: TCP 9971 opened to a host makes it a service point with provisioning not declared, and the rule an error", () => {
      const s = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "9971", "10.0.2.0/24")]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-prov")]);
      expect(messages(r, ID)[0]).toMatch(/allows the AMT provisioning port TCP 9971 from .* while out-of-band provisioning is off: azurerm_windows_virtual_machine\.app01 does not declare out-of-band provisioning enabled/);
    });

    test("provisioning enabled: the declared AMT client segments pass, any other source is an error naming the segments", () => {
      const ok = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "9972", ["10.0.2.0/24", "192.168.10.0/25"])], { vmTags: ENABLED });
      expect(check(ok.tf, [ID]).findings).toEqual([]);
      const bad = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "9972", "10.0.3.0/24")], { vmTags: ENABLED });
      const r = check(bad.tf, [ID]);
      expect(flagged(r, ID)).toEqual([bad.address("allow-prov")]);
      expect(messages(r, ID)[0]).toMatch(/from addresses of the virtual network in no zone 10\.0\.3\.0\/24 .* outside the declared AMT client segments \(10\.0\.2\.0\/24, 192\.168\.10\.0\/24\)/);
    });

    test("provisioning declared disabled: the custom port is an error on the service point", () => {
      const s = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "9972", "10.0.2.0/24")], { vmTags: { ...ENABLED, [OobTags.PROVISIONING]: "disabled" } });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-prov")]);
      expect(messages(r, ID)[0]).toContain("declares out-of-band provisioning disabled");
    });

    test("a custom port on a host that is no service point is not a provisioning port", () => {
      expect(check(site(placement, [rule("allow-app", 200, "Allow", "Tcp", "9972", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
    });

    test("a deny before the allow, and AzureLoadBalancer, draw nothing", () => {
      const s = site(placement, [rule("deny-prov", 100, "Deny", "Tcp", "9971", "*"), rule("allow-prov", 200, "Allow", "Tcp", "9971", "*"), rule("allow-probe", 210, "Allow", "Tcp", "9971", "AzureLoadBalancer")]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("on a service point, a wide rule from another zone opens the provisioning port too", () => {
      const s = site(placement, [rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")], { vmTags: { "sdz-role": "oob-service-point" } });
      expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.address("allow-vnet")]);
    });

    test("a rule written for the port with its source from a variable is could-not-verify", () => {
      const s = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "9971", "${var.src}")]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-prov")]);
      expect(messages(r, ID)[0]).toMatch(/variable src/);
    });

    test("a rule with its ports from a variable on a host that is no service point is SDZ-OOB-001's could-not-verify, which names TCP 9971 too", () => {
      const s = site(placement, [rule("allow-prov", 200, "Allow", "Tcp", "${var.ports}", "10.0.2.0/24")]);
      const r = check(s.tf, [ID, "SDZ-OOB-001"]);
      // Before: this rule's could-not-verify too, on the same rule, about the same variable (see unknown-ports-one-finding.test.ts).
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([s.address("allow-prov")]);
      expect(messages(r, "SDZ-OOB-001")[0]).toMatch(/variable ports.*may also open the AMT provisioning port TCP 9971, KMS \(TCP 1688\), .* there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-002 leave this rule to this finding\)$/);
    });
  });

  test("AllowVNetInBound reaching a declared service point's provisioning port is reported on its NSG", () => {
    const s = site("inline", [], { denyAll: false, vmTags: { "sdz-role": "oob-service-point" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/Azure's default rule AllowVNetInBound .* TCP 9971/);
  });

  test("provisioning enabled without declared client segments, or a mode from a variable, is could-not-verify", () => {
    const noClients = site("inline", [rule("allow-prov", 200, "Allow", "Tcp", "9972", "10.0.2.0/24")], { vmTags: { ...ENABLED, [OobTags.AMT_CLIENT_PREFIXES]: undefined as unknown as string } });
    delete (noClients.tf.json.resource.azurerm_windows_virtual_machine.app01.tags as Record<string, string>)[OobTags.AMT_CLIENT_PREFIXES];
    const r = check(noClients.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([noClients.nsg]);
    expect(messages(r, ID)[0]).toMatch(/declares no AMT client segments/);
    const varMode = site("inline", [rule("allow-prov", 200, "Allow", "Tcp", "9971", "10.0.2.0/24")], { vmTags: { "sdz-role": "oob-service-point", [OobTags.PROVISIONING]: "${var.mode}" } });
    const v = check(varMode.tf, [ID]);
    expect(flagged(v, ID)).toEqual([]);
    expect(unverifiedAt(v, ID)).toEqual([varMode.nsg]);
  });

  test("a provisioning port from a variable is could-not-verify on the service point", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "oob-service-point", [OobTags.PROVISIONING_PORT]: "${var.port}" } });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([APP]);
  });

  test("an Azure Firewall DNAT rule that publishes the provisioning port is reported on the rule collection group", () => {
    const s = oobSite("inline", [rule("allow-hub", 100, "Allow", "Tcp", "*", "10.0.100.0/26")], { extend: (tf, { vnet }) => addDnat(tf, vnet, "9971", ["192.168.50.0/24"]) });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(messages(r, ID)[0]).toMatch(/DNAT rule publish\/amt .* TCP 9971 from private addresses 192\.168\.50\.0\/24/);
  });
});
