/**
 * The policy applied to a stack's Terraform JSON before it is checked: suppressions past their date
 * are dropped (and listed), configured suppressions are recorded in the resources' `//` metadata
 * next to the ones declared with `Suppressions.add`, so `cdk.tf.json` carries every suppression
 * with its reason and expiry and the command line applies exactly the same ones later.
 */
import { injectSuppressions } from "./suppressions";
import { METADATA_KEY } from "../engine/model";
import { UnusedSuppression } from "../engine/result";
import { CheckPolicy, RecordedSuppression } from "../policy/policy";
import { ExpiredSuppression } from "../reports/json-report";

/** What the policy did to a stack's JSON. @internal */
export interface StackPolicyOutcome {
  /** Every suppression in force (construct and configuration), for unused-suppression reporting. */
  readonly declared: UnusedSuppression[];
  /** Suppressions past their date. */
  readonly expired: ExpiredSuppression[];
}

/** Records the suppressions in force into `json` (in place). @internal */
export function applyPolicyToStackJson(json: any, byPath: Map<string, RecordedSuppression[]>, policy: CheckPolicy, stackPath: string): StackPolicyOutcome {
  const expired: ExpiredSuppression[] = [];
  const inForce = new Map<string, RecordedSuppression[]>();
  for (const [p, list] of byPath) {
    const kept = list.filter((s) => {
      if (!policy.isExpired(s.expires)) return true;
      expired.push({ ruleId: s.id, scope: s.scope ?? (p || stackPath), reason: s.reason, expires: s.expires! });
      return false;
    });
    if (kept.length > 0) inForce.set(p, kept);
  }
  for (const s of policy.active.filter((x) => x.constructPath !== undefined)) {
    const p = s.constructPath!;
    inForce.set(p, [...(inForce.get(p) ?? []), { id: s.ruleId, reason: s.reason, scope: p, ...(s.expires ? { expires: s.expires } : {}) }]);
  }
  injectSuppressions(json, inForce);
  for (const s of policy.active.filter((x) => x.address !== undefined)) {
    const dot = s.address!.indexOf(".");
    const body = dot > 0 ? json?.resource?.[s.address!.slice(0, dot)]?.[s.address!.slice(dot + 1)] : undefined;
    if (!body || typeof body !== "object" || Array.isArray(body)) continue; // matches nothing: reported as unused
    const meta = (body["//"] ??= {});
    const ours = (meta[METADATA_KEY] ??= {});
    ours.suppressions = [...(Array.isArray(ours.suppressions) ? ours.suppressions : []),
      { id: s.ruleId, reason: s.reason, scope: s.address, ...(s.expires ? { expires: s.expires } : {}) }];
  }
  const declared = [...inForce.values()].flat().map((s) => ({ ruleId: s.id, reason: s.reason, scope: s.scope ?? stackPath }));
  return { declared: [...declared, ...policy.declared().filter((d) => !declared.some((x) => x.ruleId === d.ruleId && x.scope === d.scope))], expired };
}
