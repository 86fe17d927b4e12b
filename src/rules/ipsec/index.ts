import { Rule } from "../../engine/rule";

/** Rules of the ipsec pack. */
export const IPSEC_RULES: Rule[] = [];
