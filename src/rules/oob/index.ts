import { Rule } from "../../engine/rule";

/** Rules of the oob pack. */
export const OOB_RULES: Rule[] = [];
