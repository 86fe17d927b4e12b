/**
 * The IDs of the kms pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-KMS-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-004", "SDZ-KMS-005", "SDZ-KMS-006", "SDZ-KMS-007"];
