import { dpTags, pxeRule, zone } from "./builders";
import { PINNED_IDS } from "./pinned-ids";
import { RuleLevel } from "../../../src/engine/rule";
import { PXE_PACK } from "../../../src/rules/pxe";
import { check, PLACEMENTS, site, TfJson } from "../../support/rule-harness";

describe("PXE pack", () => {
  test("pins IDs, levels, requirements and the area", () => {
    expect(PXE_PACK.rules.map((r) => r.id)).toEqual([...PINNED_IDS]);
    expect(PXE_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-PXE-001", RuleLevel.ERROR, ["R-PXE-3", "R-PXE-1"], "pxe"],
      ["SDZ-PXE-002", RuleLevel.ERROR, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-003", RuleLevel.ERROR, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-004", RuleLevel.ERROR, ["R-PXE-1", "R-PXE-7"], "pxe"],
      ["SDZ-PXE-005", RuleLevel.ERROR, ["R-PXE-5"], "pxe"],
      ["SDZ-PXE-006", RuleLevel.ERROR, ["R-PXE-6"], "pxe"],
      ["SDZ-PXE-007", RuleLevel.ERROR, ["R-PXE-7"], "pxe"],
      ["SDZ-PXE-008", RuleLevel.WARNING, ["R-PXE-4"], "pxe"],
      ["SDZ-PXE-009", RuleLevel.WARNING, ["R-PXE-9"], "pxe"],
      ["SDZ-PXE-010", RuleLevel.WARNING, ["R-PXE-8"], "pxe"],
      ["SDZ-PXE-011", RuleLevel.WARNING, ["R-PXE-2"], "pxe"],
      ["SDZ-PXE-012", RuleLevel.ERROR, ["R-PXE-10"], "pxe"],
      ["SDZ-PXE-013", RuleLevel.ERROR, ["R-PXE-10"], "pxe"],
      ["SDZ-PXE-014", RuleLevel.ERROR, ["R-PXE-7"], "pxe"],
      ["SDZ-PXE-015", RuleLevel.INFO, ["R-PXE-5", "R-PXE-6", "R-PXE-7", "R-PXE-8", "R-PXE-9", "R-PXE-2"], "pxe"],
    ]);
    for (const r of PXE_PACK.rules) {
      expect([r.id, /[Ss]eeds? 00\d/.test(r.rationale)]).toEqual([r.id, true]);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });

  test.each(PLACEMENTS)("a compliant hand-written PXE segment (%s PXE rule) raises only the declared-settings note", (placement) => {
    const s = site(placement, [pxeRule("allow-pxe", "10.0.2.0/24")], {
      vmTags: dpTags(),
      extend: (tf, { vnet, nsg }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        // The PXE zone's trust: on the subnet's NSG, or (NIC placement) on an NSG of its own.
        if (placement === "nic") tf.associate("azurerm_subnet.servers", tf.nsg("servers_nsg", [{ name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" }]));
        const carrier = placement === "nic" ? "azurerm_network_security_group.servers_nsg" : nsg;
        const [type, name] = carrier.split(".");
        tf.json.resource[type][name].tags = { "sdz-trust": "INTERNAL" };
        tf.add("azurerm_network_watcher_flow_log", "fl", {
          name: "fl", network_watcher_name: "nw", resource_group_name: "rg", target_resource_id: TfJson.ref(vnet), enabled: true, version: 2,
          storage_account_id: "/subscriptions/0/resourceGroups/l/providers/Microsoft.Storage/storageAccounts/l", retention_policy: { enabled: true, days: 90 },
        });
      },
    });
    const r = check(s.tf, [...PXE_PACK.rules]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.level} ${f.status} ${f.address}`)).toEqual([`SDZ-PXE-015 info fail ${s.vm}`]);
  });
});
