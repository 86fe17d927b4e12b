import { IPSEC_RULES } from "./ipsec";
import { KMS_RULES } from "./kms";
import { MIGRATION_RULES } from "./migration";
import { NET_PACK } from "./net";
import { OOB_RULES } from "./oob";
import { PXE_RULES } from "./pxe";
import { Rule } from "../engine/rule";

/** Every rule the library ships, grouped by pack. */
export const ALL_RULES: readonly Rule[] = [
  ...NET_PACK.rules,
  ...PXE_RULES,
  ...KMS_RULES,
  ...MIGRATION_RULES,
  ...OOB_RULES,
  ...IPSEC_RULES,
];

const BY_ID = new Map(ALL_RULES.map((r) => [r.id, r]));

/** A rule by ID. */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}
