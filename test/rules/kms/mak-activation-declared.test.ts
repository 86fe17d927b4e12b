import { addOnPremises, addZone } from "./sites";
import { RuleLevel } from "../../../src/engine/rule";
import { check, flagged, messages, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-007";

function withZone(tags: Record<string, string>, extend?: (tf: TfJson, vnet: string) => void) {
  return site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
    extend: (tf, { vnet }) => {
      addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags });
      extend?.(tf, vnet);
    },
  });
}

describe("SDZ-KMS-007 zone activates with MAK", () => {
  test("a zone whose NSG declares MAK is one info note on the NSG, with its trust and justification", () => {
    const r = check(withZone({ "sdz-trust": "PERIMETER", "sdz-activation": "mak", "sdz-activation-justification": "DMZ web servers activate with MAK" }).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_network_security_group.dmz_nsg"]);
    expect(r.findings.map((f) => f.level)).toEqual([RuleLevel.INFO]);
    expect(messages(r, ID)).toEqual(["zone dmz (PERIMETER) activates with MAK, not KMS: DMZ web servers activate with MAK"]);
  });

  test("an on-premises zone declares it on its local network gateway; an undeclared trust is said so", () => {
    const r = check(withZone({}, (tf, vnet) => addOnPremises(tf, vnet, { "sdz-activation": "mak" })).tf, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_local_network_gateway.onprem"]);
    expect(messages(r, ID)).toEqual(["zone onprem (trust not declared) activates with MAK, not KMS"]);
  });

  test("zones without the tag, or whose whole tags block is unknown, are not listed", () => {
    expect(check(withZone({ "sdz-trust": "PERIMETER" }).tf, [ID]).findings).toEqual([]);
    const s = withZone({});
    (s.tf.json.resource.azurerm_network_security_group.dmz_nsg as Record<string, unknown>).tags = "${var.tags}";
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test.each([
    ["${var.activation}", /variable activation/],
    ["kms", /"kms"; allowed: one of mak/],
  ])("an activation tag %j that cannot be read as MAK is could-not-verify", (value, reason) => {
    const r = check(withZone({ "sdz-activation": value }).tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual(["azurerm_network_security_group.dmz_nsg"]);
    expect(messages(r, ID)[0]).toMatch(reason);
  });
});
