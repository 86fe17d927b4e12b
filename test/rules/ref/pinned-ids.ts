/**
 * The IDs of the ref pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-REF-001", "SDZ-REF-002", "SDZ-REF-003", "SDZ-REF-004", "SDZ-REF-005"];
