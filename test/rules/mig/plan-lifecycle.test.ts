import { ACCOUNT, ACCOUNT_NAME, accountBody, SHARE, shareBody } from "./builders";
import { checkPlan, planJson, PlannedResource } from "../../support/plan-json";
import { check, flagged, messages, unverifiedAt } from "../../support/rule-harness";

/**
 * SDZ-MIG-014 on a plan: `terraform show -json` carries no `lifecycle` block (neither in
 * planned_values nor in the configuration section), so prevent_destroy can be neither seen nor
 * missed there. The state migration account and share as a user writes them (the account declared
 * by its sdz-role tag, or the share by its sdz_role metadata), both with prevent_destroy in the HCL.
 */
const ID = "SDZ-MIG-014";
const WHY = "a plan (terraform show -json) carries no lifecycle block, so lifecycle.prevent_destroy could not be checked there: check it in the .tf files (or run the check on them)";

/** The account and share as Terraform plans them (lifecycle is not part of the plan); `declare` adds the evidence. */
function storePlan(declare: "account tag" | "share metadata"): Record<string, unknown> {
  const { lifecycle: _a, ...account } = accountBody(ACCOUNT_NAME, declare === "account tag" ? { tags: { "sdz-role": "state-migration-store" } } : {});
  const { lifecycle: _s, storage_account_id: _id, ...share } = shareBody("usmt", "usmt", declare === "share metadata" ? { metadata: { sdz_role: "state-migration-store" } } : {});
  const resources: PlannedResource[] = [
    { type: "azurerm_storage_account", name: "usmt", values: account },
    {
      type: "azurerm_storage_share", name: "usmt", values: { ...share, storage_account_id: null },
      unknown: { id: true, storage_account_id: true },
      expressions: { name: { constant_value: "usmt" }, quota: { constant_value: 1024 }, storage_account_id: { references: ["azurerm_storage_account.usmt.id", "azurerm_storage_account.usmt"] } },
    },
  ];
  return planJson(resources);
}

describe("SDZ-MIG-014 on a plan", () => {
  test.each(["account tag", "share metadata"] as const)("the state store (declared by its %s) is could-not-verify, never 'no prevent_destroy'", (declare) => {
    const r = checkPlan(storePlan(declare), [ID]);
    expect(flagged(r, ID)).toEqual([]);
    // Either evidence makes both the account and its share state migration storage.
    expect(unverifiedAt(r, ID)).toEqual([ACCOUNT, SHARE]);
    for (const m of messages(r, ID)) {
      expect(m).toMatch(/^could not verify: the state migration (storage account|share "usmt") \(/);
      expect(m.endsWith(`: ${WHY}`)).toBe(true);
    }
  });

  test("the same resources in Terraform JSON keep their lifecycle: with prevent_destroy they pass, without it they warn", () => {
    const tf = (lifecycle?: unknown) => ({
      resource: {
        azurerm_storage_account: { usmt: accountBody(ACCOUNT_NAME, { tags: { "sdz-role": "state-migration-store" }, lifecycle }) },
        azurerm_storage_share: { usmt: shareBody("usmt", "usmt", { lifecycle }) },
      },
    });
    expect(check(tf({ prevent_destroy: true }), [ID]).findings).toEqual([]);
    const bare = check(tf(undefined), [ID]);
    expect([flagged(bare, ID), unverifiedAt(bare, ID)]).toEqual([[ACCOUNT, SHARE], []]);
  });
});
