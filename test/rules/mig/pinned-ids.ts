/**
 * The IDs of the mig pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-MIG-001", "SDZ-MIG-002", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-005", "SDZ-MIG-006", "SDZ-MIG-007", "SDZ-MIG-008", "SDZ-MIG-009", "SDZ-MIG-010", "SDZ-MIG-011", "SDZ-MIG-012", "SDZ-MIG-013", "SDZ-MIG-014"];
