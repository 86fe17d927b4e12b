/**
 * The IDs of the dom pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-DOM-001"];
