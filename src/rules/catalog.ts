import { ALL_RULES } from "./index";
import { RuleInfo, ruleInfo } from "../engine/rule";

/** The catalog of rules the library ships. */
export class RuleCatalog {
  /** Metadata of every rule (for docs, dashboards and tests). */
  public static list(): RuleInfo[] {
    return ALL_RULES.map(ruleInfo);
  }

  /** IDs of every rule. */
  public static ids(): string[] {
    return ALL_RULES.map((r) => r.id);
  }

  private constructor() {}
}
