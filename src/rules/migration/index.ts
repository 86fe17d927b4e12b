import { Rule } from "../../engine/rule";

/** Rules of the migration pack. */
export const MIGRATION_RULES: Rule[] = [];
