import { Rule } from "../../engine/rule";

/** Rules of the pxe pack. */
export const PXE_RULES: Rule[] = [];
