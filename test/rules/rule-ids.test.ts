import { RuleCatalog } from "../../src/rules/catalog";

/**
 * Rule IDs are a public contract (suppressions, SARIF baselines and dashboards refer to them):
 * an ID is never renamed, reused or removed silently. Adding a rule means adding its ID here.
 */
const PINNED_RULE_IDS = [
  "SDZ-NET-001", "SDZ-NET-002", "SDZ-NET-003", "SDZ-NET-004", "SDZ-NET-005", "SDZ-NET-006",
  "SDZ-PXE-001", "SDZ-PXE-002", "SDZ-PXE-003", "SDZ-PXE-004", "SDZ-PXE-005", "SDZ-PXE-006", "SDZ-PXE-007", "SDZ-PXE-008", "SDZ-PXE-009", "SDZ-PXE-010", "SDZ-PXE-011",
  "SDZ-REF-001", "SDZ-REF-002", "SDZ-REF-003", "SDZ-REF-004",
  "SDZ-KMS-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-004", "SDZ-KMS-005", "SDZ-KMS-006", "SDZ-KMS-007",
  "SDZ-DOM-001",
  "SDZ-MIG-001", "SDZ-MIG-002", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-005", "SDZ-MIG-006", "SDZ-MIG-007", "SDZ-MIG-008", "SDZ-MIG-009", "SDZ-MIG-010", "SDZ-MIG-011", "SDZ-MIG-012", "SDZ-MIG-013", "SDZ-MIG-014",
  "SDZ-OOB-001", "SDZ-OOB-002", "SDZ-OOB-003", "SDZ-OOB-004", "SDZ-OOB-005", "SDZ-OOB-006",
  "SDZ-VPN-001", "SDZ-VPN-002", "SDZ-VPN-003", "SDZ-VPN-004", "SDZ-VPN-005", "SDZ-VPN-006", "SDZ-VPN-007", "SDZ-VPN-008", "SDZ-VPN-009", "SDZ-VPN-010",
];

describe("rule IDs", () => {
  test("the shipped rule IDs are exactly the pinned list", () => {
    expect([...RuleCatalog.ids()].sort()).toEqual([...PINNED_RULE_IDS].sort());
  });

  test("IDs are unique", () => {
    const ids = RuleCatalog.ids();
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
  });

  test("IDs have the format SDZ-<AREA>-NNN", () => {
    for (const id of RuleCatalog.ids()) expect(id).toMatch(/^SDZ-[A-Z]{2,8}-\d{3}$/);
  });
});
