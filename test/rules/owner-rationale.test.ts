import { findRule } from "../../src/rules";

/**
 * Owner rules carry, in one could-not-verify, the doubt other rules leave to them (one finding per problem). Suppressing
 * (not excluding) that finding hides those doubts too: each owner's rationale says so, and its message names the rules
 * (asserted beside each owner's tests: test/rules/oob/cross-pack-unknown-ports.test.ts for SDZ-OOB-001, 002 and SDZ-NET-006,
 * test/rules/vpn/one-unknown-one-finding.test.ts for SDZ-VPN-001 and 010, test/rules/vpn/review-cases.test.ts for
 * SDZ-VPN-003, test/rules/sec/roles-not-told.test.ts for SDZ-SEC-001, test/rules/pxe/unrecorded-settings.test.ts for SDZ-PXE-005).
 */
describe("each owner rule's rationale says that suppressing its finding hides the doubts it carries", () => {
  test.each(["SDZ-OOB-001", "SDZ-OOB-002", "SDZ-NET-006", "SDZ-VPN-001", "SDZ-VPN-010", "SDZ-VPN-003", "SDZ-PXE-005"])("%s", (id) => {
    expect(findRule(id)!.rationale).toMatch(/Suppressing this rule's finding about such a (rule|value) \(rather than excluding the rule from the check\) hides those rules' doubt about it too/);
  });

  test("SDZ-SEC-001 (its notice on a VM whose role tag cannot be read)", () => {
    expect(findRule("SDZ-SEC-001")!.rationale).toContain("Suppressing this rule on such a VM hides that notice too.");
  });
});
