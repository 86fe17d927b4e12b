/**
 * The IDs of the oob pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = [
  "SDZ-OOB-001", "SDZ-OOB-002", "SDZ-OOB-003", "SDZ-OOB-004", "SDZ-OOB-005", "SDZ-OOB-006",
  "SDZ-OOB-007", "SDZ-OOB-008", "SDZ-OOB-009", "SDZ-OOB-010", "SDZ-OOB-011", "SDZ-OOB-012",
];
