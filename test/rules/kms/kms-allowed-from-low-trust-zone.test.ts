import { addFirewall, addInternetFacingZone, addOnPremises, addZone, FirewallKind, fwRule } from "./sites";
import { Body, check, flagged, messages, PLACEMENTS, Placement, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-003";

/**
 * The KMS host app01 (10.0.1.4) allows TCP 1688 from `source`; beside it: dmz 10.0.50.0/24
 * (declared PERIMETER), webdmz 10.0.60.0/24 (internet-facing, so inferred PERIMETER), mak
 * 10.0.70.0/24 (declared PERIMETER and MAK), clients 10.0.2.0/24 (declared INTERNAL) and lab
 * 10.0.3.0/24 (no trust tag, not internet-facing).
 */
function kmsSite(placement: Placement, source: string | string[], extend?: (tf: TfJson, vnet: string) => void) {
  return site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", source)], {
    extend: (tf, { vnet }) => {
      addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      addInternetFacingZone(tf, vnet);
      addZone(tf, vnet, "mak", "10.0.70.0/24", { tags: { "sdz-trust": "PERIMETER", "sdz-activation": "mak" } });
      addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
      addZone(tf, vnet, "lab", "10.0.3.0/24");
      extend?.(tf, vnet);
    },
  });
}

describe("SDZ-KMS-003 KMS allowed from a perimeter or untrusted zone", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("a rule opening every port to any source, not written for KMS, is SDZ-NET-001's one finding, not this rule's", () => {
      const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", "*")], {
        vmTags: { "sdz-role": "kms-host" },
        extend: (tf, { vnet }) => {
          addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
        },
      });
      const r = check(s.tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, "SDZ-NET-001")).toEqual([s.address("allow-all")]);
      expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
    });

    test("a /28 inside a declared perimeter zone is an error on the rule, with the zone and its evidence", () => {
      const s = kmsSite(placement, ["10.0.2.0/24", "10.0.50.16/28"]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(/allows KMS \(TCP 1688\) from PERIMETER zone dmz \(10\.0\.50\.0\/24; declared: sdz-trust=PERIMETER on azurerm_network_security_group\.dmz_nsg\) to azurerm_network_interface\.app01_nic/);
      expect(messages(r, ID)[0]).not.toContain("zone clients");
    });

    test("an internet-facing zone with no tag is PERIMETER by inference", () => {
      const s = kmsSite(placement, "10.0.60.0/24");
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(/PERIMETER zone webdmz \(10\.0\.60\.0\/24; inferred: NSG rule "allow-https" allows the Internet to reach azurerm_subnet\.webdmz/);
    });

    test("a zone that declares MAK activation is named so", () => {
      const s = kmsSite(placement, "10.0.70.0/24");
      expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/PERIMETER zone mak .*declared for MAK activation \(sdz-activation=mak\)/);
    });

    test("INTERNAL clients pass", () => {
      expect(check(kmsSite(placement, ["10.0.2.0/24"]).tf, [ID]).findings).toEqual([]);
    });

    test("private addresses outside every zone (another network, an undeclared on-premises range) are could-not-verify: their trust is not known", () => {
      const s = kmsSite(placement, ["10.0.2.0/24", "172.16.0.0/24"]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(/from private addresses 172\.16\.0\.0\/24 in no zone of this configuration to .*whose trust is neither declared/);
    });

    test("a zone whose trust is neither declared nor inferred is could-not-verify", () => {
      const s = kmsSite(placement, "10.0.3.0/24");
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(/from zone lab \(10\.0\.3\.0\/24; trust not declared\) .*whose trust is neither declared \(sdz-trust\) nor shown by the configuration/);
    });

    test("a source from a variable is one could-not-verify, SDZ-KMS-002's, naming these zones and the field", () => {
      const s = kmsSite(placement, "${var.clients}");
      const r = check(s.tf, [ID, "SDZ-KMS-002"]);
      // Before: this rule's could-not-verify too, about the same variable on the same rule. KMS-002's names the zones this one did.
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-KMS-002")).toEqual([s.address("allow-kms")]);
      expect(messages(r, "SDZ-KMS-002")[0]).toMatch(/may allow KMS \(TCP 1688\) from any source .*PERIMETER zone dmz .*PERIMETER zone webdmz .*PERIMETER zone mak .*zone lab .*source_address_prefix: the variable clients/);
    });
  });

  test("an on-premises range declared UNTRUSTED is caught", () => {
    const s = kmsSite("inline", "192.168.10.0/24", (tf, vnet) => addOnPremises(tf, vnet, { "sdz-trust": "UNTRUSTED" }));
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.address("allow-kms")]);
    expect(messages(r, ID)[0]).toMatch(/UNTRUSTED zone onprem \(192\.168\.10\.0\/24; declared: sdz-trust=UNTRUSTED on azurerm_local_network_gateway\.onprem\)/);
  });

  describe.each<FirewallKind>(["policy", "classic"])("Azure Firewall network rules (%s)", (kind) => {
    const withFirewall = (rules: Body[]) => {
      let collection = "";
      const s = kmsSite("inline", "10.0.2.0/24", (tf, vnet) => ({ collection } = addFirewall(tf, vnet, kind, rules)));
      return { s, collection };
    };

    test("a firewall allowlist that holds the perimeter is an error on the collection", () => {
      const { s, collection } = withFirewall([fwRule("kms", ["10.0.2.0/24", "10.0.50.0/24"], ["1688"], ["10.0.1.4"])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([collection]);
      expect(messages(r, ID)[0]).toMatch(/^firewall network rule kms-activation\/kms .* allows KMS \(TCP 1688\) from PERIMETER zone dmz/);
    });

    test("a firewall allowlist of INTERNAL clients passes; one from a variable is SDZ-KMS-002's one could-not-verify", () => {
      expect(check(withFirewall([fwRule("kms", ["10.0.2.0/24"], ["1688"], ["10.0.1.4"])]).s.tf, [ID]).findings).toEqual([]);
      const { s, collection } = withFirewall([fwRule("kms", [], ["1688"], ["10.0.1.4"], { source_addresses: "${var.clients}" })]);
      const r = check(s.tf, [ID, "SDZ-KMS-002"]);
      // Before: this rule's could-not-verify on the collection too.
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-KMS-002")).toEqual([collection]);
    });
  });
});
