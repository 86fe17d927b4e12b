import { IConstruct } from "constructs";
import { METADATA_KEY } from "../engine/model";
import { invalidProp } from "../network/errors";
import { isDate } from "../policy/config";
import type { RecordedSuppression } from "../policy/policy";
import { findRule } from "../rules";
import { isCustomRuleId } from "../rules/custom-rule";

/** A suppression of one rule on a construct subtree. */
export interface RuleSuppression {
  /** The rule ID, e.g. `SDZ-NET-002`. */
  readonly id: string;
  /** Why the finding is acceptable here: at least 10 characters, recorded in every report. */
  readonly reason: string;
  /**
   * The last day the suppression applies (`YYYY-MM-DD`, UTC). After it the finding counts again and
   * the expired suppression is reported (at synth and by the command line, which reads the date
   * from the synthesized JSON).
   * @default - never expires
   */
  readonly expires?: string;
}

const MIN_REASON = 10;
/**
 * Declared suppressions, per construct tree (keyed by the tree's root, so separate apps, e.g. in
 * tests, never see each other's suppressions, and a discarded app is garbage-collected).
 */
const registrations = new WeakMap<IConstruct, Map<IConstruct, RuleSuppression[]>>();

function registry(scope: IConstruct): Map<IConstruct, RuleSuppression[]> {
  const root = scope.node.root;
  let map = registrations.get(root);
  if (!map) registrations.set(root, (map = new Map()));
  return map;
}

/**
 * Suppressions, in the spirit of cdk-nag's `NagSuppressions`: declared on a construct, they apply
 * to every resource below it, are written into the synthesized JSON (so the command-line checker
 * honours them too) and appear in the reports with their reason. A suppression that matches no
 * finding is reported.
 */
export class Suppressions {
  /** Suppresses rules on `scope` and everything below it. */
  public static add(scope: IConstruct, suppressions: RuleSuppression[]): void {
    if (!Array.isArray(suppressions) || suppressions.length === 0) {
      throw invalidProp("suppressions", suppressions, "a non-empty list of { id, reason }");
    }
    suppressions.forEach((s, i) => {
      const rule = findRule(s?.id);
      // A custom rule's ID (outside SDZ-) is accepted here: the rules are registered on the checks,
      // later; a suppression that matches no finding is reported at synth.
      if (!rule && !isCustomRuleId(s?.id)) {
        throw invalidProp(`suppressions[${i}].id`, s?.id, "the ID of a rule this library ships (see docs/rules.md) or of a custom rule (not starting with SDZ-)");
      }
      if (rule?.suppressible === false) {
        throw invalidProp(`suppressions[${i}].id`, s.id, `a suppressible rule; ${s.id} cannot be suppressed (${rule.title})`);
      }
      if (typeof s.reason !== "string" || s.reason.trim().length < MIN_REASON) {
        throw invalidProp(`suppressions[${i}].reason`, s.reason, `a reason of at least ${MIN_REASON} characters saying why the finding is acceptable`);
      }
      if (s.expires !== undefined && !isDate(s.expires)) {
        throw invalidProp(`suppressions[${i}].expires`, s.expires, "a date YYYY-MM-DD (the last day the suppression applies)");
      }
    });
    const map = registry(scope);
    const list = map.get(scope) ?? [];
    list.push(...suppressions.map((s) => ({ id: s.id, reason: s.reason.trim(), ...(s.expires !== undefined ? { expires: s.expires } : {}) })));
    map.set(scope, list);
  }

  /** Suppressions declared directly on `scope`. */
  public static of(scope: IConstruct): RuleSuppression[] {
    return [...(registrations.get(scope.node.root)?.get(scope) ?? [])];
  }

  private constructor() {}
}

/** Declared suppressions under (or above) a root, keyed by construct path. @internal */
export function suppressionsByPath(root: IConstruct): Map<string, RecordedSuppression[]> {
  const rootPath = root.node.path;
  const out = new Map<string, RecordedSuppression[]>();
  for (const [scope, list] of registrations.get(root.node.root) ?? []) {
    const p = scope.node.path;
    const related = p === "" || p === rootPath || p.startsWith(rootPath + "/") || rootPath.startsWith(p + "/");
    if (!related) continue;
    out.set(p, [...(out.get(p) ?? []), ...list.map((s) => ({ id: s.id, reason: s.reason, scope: p || "(app)", ...(s.expires !== undefined ? { expires: s.expires } : {}) }))]);
  }
  return out;
}

/**
 * Writes each resource's effective suppressions into its `//` metadata, so the reports, the
 * engine and the command-line checker read them from one place. Cost: O(resources x path depth).
 * @internal
 */
export function injectSuppressions(json: any, byPath: Map<string, RecordedSuppression[]>): void {
  if (byPath.size === 0 || !json || typeof json.resource !== "object") return;
  for (const byName of Object.values<any>(json.resource)) {
    if (!byName || typeof byName !== "object") continue;
    for (const body of Object.values<any>(byName)) {
      const meta = body?.["//"];
      const path: unknown = meta?.metadata?.path;
      if (typeof path !== "string") continue;
      const found: RecordedSuppression[] = [...(byPath.get("") ?? [])];
      let idx = -1;
      do {
        idx = path.indexOf("/", idx + 1);
        const prefix = idx === -1 ? path : path.slice(0, idx);
        found.push(...(byPath.get(prefix) ?? []));
      } while (idx !== -1);
      if (found.length > 0) {
        const records = found.map((s) => ({ id: s.id, reason: s.reason, scope: s.scope, ...(s.expires !== undefined ? { expires: s.expires } : {}) }));
        meta[METADATA_KEY] = { suppressions: records };
      }
    }
  }
}
