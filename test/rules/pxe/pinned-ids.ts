/**
 * The IDs of the pxe pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-PXE-001", "SDZ-PXE-002", "SDZ-PXE-003", "SDZ-PXE-004", "SDZ-PXE-005", "SDZ-PXE-006", "SDZ-PXE-007", "SDZ-PXE-008", "SDZ-PXE-009", "SDZ-PXE-010", "SDZ-PXE-011", "SDZ-PXE-012", "SDZ-PXE-013", "SDZ-PXE-014", "SDZ-PXE-015"];
