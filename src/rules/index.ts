import { DOM_PACK } from "./dom";
import { KMS_PACK } from "./kms";
import { MIG_PACK } from "./mig";
import { NET_PACK } from "./net";
import { OOB_PACK } from "./oob";
import { PXE_PACK } from "./pxe";
import { REF_PACK } from "./ref";
import { SEC_PACK } from "./sec";
import { VPN_PACK } from "./vpn";
import { Rule, RulePack } from "../engine/rule";

/** Every pack the library ships, in report order. Each pack lives in the folder named after its ID prefix. */
export const ALL_PACKS: readonly RulePack[] = [NET_PACK, PXE_PACK, REF_PACK, KMS_PACK, DOM_PACK, MIG_PACK, OOB_PACK, VPN_PACK, SEC_PACK];

/** Every rule the library ships. */
export const ALL_RULES: readonly Rule[] = ALL_PACKS.flatMap((p) => p.rules);

const BY_ID = new Map(ALL_RULES.map((r) => [r.id, r]));

/** A rule by ID. */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}
