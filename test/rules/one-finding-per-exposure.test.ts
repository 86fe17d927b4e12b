/**
 * Principle 3, across every pack: one rule that opens everything to the Internet is one clear error
 * (SDZ-NET-001 on the rule that does it), whatever the host behind it is (declared or inferred role),
 * and whichever NSG placement carries the rule. Other packs may report other problems of the host
 * (missing settings, dynamic IPs, default outbound rules), never this exposure a second time.
 */
import { DeploymentRole } from "../../src/contract/zone-tags";
import { FindingStatus } from "../../src/engine/result";
import { check, PLACEMENTS, rule, site } from "../support/rule-harness";

const HOSTS: [string, Record<string, string> | undefined][] = [
  ["an untagged VM", undefined],
  ...Object.values(DeploymentRole)
    // Storage roles are not VM roles. KMS hosts join when the KMS pack moves to the access model.
    .filter((r) => r !== DeploymentRole.STATE_MIGRATION_STORE && r !== DeploymentRole.DEPLOYMENT_CONTENT && r !== DeploymentRole.KMS_HOST)
    .map((r): [string, Record<string, string>] => [`a VM declared ${r}`, { "sdz-role": r }]),
];

describe("one finding per exposure, across every pack", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each(HOSTS)("an allow of every port from * to %s is one error: SDZ-NET-001 on the rule", (_what, vmTags) => {
      for (const src of ["*", "Internet", "0.0.0.0/0"]) {
        const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", src)], { vmTags });
        const r = check(s.tf);
        // Findings about this rule (others, e.g. on Azure's default outbound rules or the deny-all, are other problems).
        const onRule = r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && f.message.includes('"allow-all"'));
        expect(onRule.map((f) => `${f.ruleId} ${f.level}`)).toEqual(["SDZ-NET-001 error"]);
      }
    });
  });

  test("Azure's AzureLoadBalancer health-probe allow of every port draws nothing from any pack", () => {
    for (const placement of PLACEMENTS) {
      const s = site(placement, [rule("allow-probes", 100, "Allow", "*", "*", "AzureLoadBalancer")]);
      const r = check(s.tf);
      expect(r.findings.filter((f) => f.message.includes("allow-probes")).map((f) => f.ruleId)).toEqual([]);
    }
  });
});
