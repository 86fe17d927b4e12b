/**
 * The IDs of the net pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-NET-001", "SDZ-NET-002", "SDZ-NET-003", "SDZ-NET-004", "SDZ-NET-005", "SDZ-NET-006"];
