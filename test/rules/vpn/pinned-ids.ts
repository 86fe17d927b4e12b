/**
 * The IDs of the vpn pack, pinned: an ID is a public contract (suppressions, baselines, dashboards),
 * never renamed, reused or removed. Adding a rule means adding its ID here.
 */
export const PINNED_IDS: readonly string[] = ["SDZ-VPN-001", "SDZ-VPN-002", "SDZ-VPN-003", "SDZ-VPN-004", "SDZ-VPN-005", "SDZ-VPN-006", "SDZ-VPN-007", "SDZ-VPN-008", "SDZ-VPN-009", "SDZ-VPN-010"];
