import { PINNED_IDS as DOM } from "./dom/pinned-ids";
import { PINNED_IDS as KMS } from "./kms/pinned-ids";
import { PINNED_IDS as MIG } from "./mig/pinned-ids";
import { PINNED_IDS as NET } from "./net/pinned-ids";
import { PINNED_IDS as OOB } from "./oob/pinned-ids";
import { PINNED_IDS as PXE } from "./pxe/pinned-ids";
import { PINNED_IDS as REF } from "./ref/pinned-ids";
import { PINNED_IDS as SEC } from "./sec/pinned-ids";
import { PINNED_IDS as VPN } from "./vpn/pinned-ids";
import { ALL_PACKS } from "../../src/rules";
import { RuleCatalog } from "../../src/rules/catalog";

/**
 * Rule IDs are a public contract (suppressions, SARIF baselines and dashboards refer to them): an
 * ID is never renamed, reused or removed silently. Each pack pins its own list, beside its tests.
 */
const PINNED: Record<string, readonly string[]> = { "SDZ-NET": NET, "SDZ-PXE": PXE, "SDZ-REF": REF, "SDZ-KMS": KMS, "SDZ-DOM": DOM, "SDZ-MIG": MIG, "SDZ-OOB": OOB, "SDZ-VPN": VPN, "SDZ-SEC": SEC };

describe("rule IDs", () => {
  test("each pack ships exactly its pinned IDs, in its own folder's prefix", () => {
    for (const pack of ALL_PACKS) {
      expect([pack.prefix, pack.rules.map((r) => r.id)]).toEqual([pack.prefix, [...(PINNED[pack.prefix] ?? [])]]);
    }
    expect(ALL_PACKS.map((p) => p.prefix).sort()).toEqual(Object.keys(PINNED).sort());
  });

  test("IDs are unique and have the format SDZ-<AREA>-NNN", () => {
    const ids = RuleCatalog.ids();
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^SDZ-[A-Z]{2,8}-\d{3}$/);
  });
});
