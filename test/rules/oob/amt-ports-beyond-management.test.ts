import { addDnat, oobSite, rule, SP } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { check, flagged, messages, PLACEMENTS, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-OOB-001";
const AMT = "16992-16995";

describe("SDZ-OOB-001 Intel AMT ports beyond the service point and the management zones", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each([["*"], ["Internet"], [["0.0.0.0/1", "128.0.0.0/1"]], ["AzureCloud"]])("AMT from %j through a rule written for it is one error on that rule", (src) => {
      const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", AMT, src as string | string[])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-amt")]);
      expect(messages(r, ID)[0]).toMatch(/allows Intel AMT \(TCP 16992-16995\) from .* to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    });

    test("AMT from a zone declared INTERNAL is an error naming the zone", () => {
      const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", "16993", "10.0.20.0/24")], { clientTrust: "INTERNAL" });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-amt")]);
      expect(messages(r, ID)[0]).toContain("zone clients (INTERNAL)");
    });

    test("untagged: AMT from the one host that is the source of every AMT allow (the service point, inferred) passes", () => {
      const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", AMT, "10.0.9.10")]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("AMT from a zone declared MANAGEMENT passes; the same zone undeclared is could-not-verify", () => {
      const declared = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", AMT, "10.0.9.0/24")], { managementTrust: "MANAGEMENT" });
      expect(check(declared.tf, [ID]).findings).toEqual([]);
      const undeclared = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", AMT, "10.0.9.0/24")]);
      const r = check(undeclared.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([undeclared.address("allow-amt")]);
      expect(messages(r, ID)[0]).toMatch(/zone management \(trust not declared\)/);
    });

    test("a MANAGEMENT zone that the Internet reaches counts as PERIMETER", () => {
      const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", AMT, "10.0.9.0/24")], {
        managementTrust: "MANAGEMENT", managementRules: [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet")],
      });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-amt")]);
      expect(messages(r, ID)[0]).toContain("zone management (PERIMETER, inferred)");
    });

    test("AzureLoadBalancer is not a source; a deny at a lower number shadows the allow", () => {
      expect(check(oobSite(placement, [rule("allow-probe", 200, "Allow", "Tcp", AMT, "AzureLoadBalancer")]).tf, [ID]).findings).toEqual([]);
      const shadowed = oobSite(placement, [rule("deny-amt", 100, "Deny", "Tcp", AMT, "*"), rule("allow-amt", 200, "Allow", "Tcp", AMT, "*")]);
      expect(check(shadowed.tf, [ID]).findings).toEqual([]);
    });

    test.each([
      // Written for AMT: this rule's, whatever else is unknown.
      ["source", rule("allow-amt", 200, "Allow", "Tcp", AMT, "${var.src}"), /variable src/],
      // Not from the Internet: SDZ-NET-001 has nothing to say about it.
      ["ports", rule("allow-amt", 200, "Allow", "Tcp", "${var.ports}", "10.0.20.0/24"), /variable ports/],
    ])("a rule whose %s is not known is could-not-verify on that rule", (_what, body, reason) => {
      const s = oobSite(placement, [body]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-amt")]);
      expect(messages(r, ID)[0]).toMatch(reason);
    });

    test("a rule whose ports are not known, from *, is SDZ-NET-001's could-not-verify (which names AMT), not this rule's", () => {
      const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", "${var.ports}", "*")]);
      const r = check(s.tf, [ID, "SDZ-NET-001"]);
      // Before: also this rule's could-not-verify on the same rule, about the same variable.
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-NET-001")).toEqual([s.address("allow-amt")]);
      expect(messages(r, "SDZ-NET-001")[0]).toMatch(/AMT \(TCP 16992-16995\).* \(destination_port_range: the variable ports/);
    });

    test("a rule that opens every port from the Internet is SDZ-NET-001's, not this rule's", () => {
      const s = oobSite(placement, [rule("allow-all", 200, "Allow", "*", "*", "*")]);
      const r = check(s.tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, ID)).toEqual([]);
      expect(flagged(r, "SDZ-NET-001")).toEqual([s.address("allow-all")]);
    });

    test("on a declared AMT client segment, a wide rule from another zone is reported too", () => {
      const rules = [rule("allow-clients", 200, "Allow", "Tcp", "*", "10.0.20.0/24")];
      expect(check(oobSite(placement, rules, { clientTrust: "INTERNAL" }).tf, [ID]).findings).toEqual([]);
      const s = oobSite(placement, rules, { clientTrust: "INTERNAL", spTags: { "sdz-role": "oob-service-point", [OobTags.AMT_CLIENT_PREFIXES]: "10.0.1.0/24" } });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-clients")]);
    });
  });

  test("a service point with a dynamic address: a single address of its subnet may be it (could-not-verify), not an error", () => {
    const s = oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", AMT, "10.0.9.10")], { spIp: "dynamic", spTags: { "sdz-role": "oob-service-point" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.nsg]);
    expect(messages(r, ID)[0]).toMatch(/may be the service point's dynamic address/);
  });

  test("an application security group holding only the service point passes; one holding app01 of an INTERNAL zone is an error", () => {
    const withAsg = (member: "oobsp_nic" | "app01_nic") => oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", AMT, [])], {
      spTags: { "sdz-role": "oob-service-point" },
      extend: (tf) => {
        const asg = tf.add("azurerm_application_security_group", "amt_admins", { name: "amt-admins", location: "westeurope", resource_group_name: "rg" });
        tf.add("azurerm_network_interface_application_security_group_association", "member", { network_interface_id: `\${azurerm_network_interface.${member}.id}`, application_security_group_id: `\${${asg}.id}` });
        const nsg = tf.json.resource.azurerm_network_security_group.servers_nsg as { security_rule: Record<string, unknown>[]; tags?: Record<string, string> };
        nsg.tags = { "sdz-trust": "INTERNAL" };
        const body = nsg.security_rule.find((x) => x.name === "allow-amt")!;
        delete body.source_address_prefixes;
        body.source_application_security_group_ids = [`\${${asg}.id}`];
      },
    });
    expect(check(withAsg("oobsp_nic").tf, [ID]).findings).toEqual([]);
    const s = withAsg("app01_nic");
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([s.nsg]);
  });

  test("an Azure Firewall DNAT rule that publishes AMT to the Internet is reported on the rule collection group", () => {
    const s = oobSite("inline", [rule("allow-hub", 100, "Allow", "Tcp", "*", "10.0.100.0/26")], {
      spTags: { "sdz-role": "oob-service-point" },
      extend: (tf, { vnet }) => addDnat(tf, vnet, "16993"),
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(messages(r, ID)[0]).toMatch(/DNAT rule publish\/amt .* from the Internet/);
  });

  test("the message names the service point and its evidence", () => {
    const s = oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", AMT, "*")], { spTags: { "sdz-role": "oob-service-point" } });
    expect(messages(check(s.tf, [ID]), ID)[0]).toContain(`out-of-band service point ${SP} (10.0.9.10; declared: sdz-role=oob-service-point`);
  });
});
