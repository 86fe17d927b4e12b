import { Rule } from "../../engine/rule";

/** Rules of the kms pack. */
export const KMS_RULES: Rule[] = [];
