/**
 * A VM whose `sdz-role` tag is not known before apply may be a distribution point: it is run through
 * the pack's checks as if it were one (fail closed), as the reference pack does for reference
 * computers (src/rules/ref/reference-computers.ts), and reported once when one would not pass.
 */
import { DistributionPoint, HYPOTHETICAL_DPS, responderCandidates } from "./distribution-points";
import { unknownRoleVmsInSegments } from "./pxe-segments";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";
import { Vm } from "../../engine/access/topology";
import { Rule, RuleContext } from "../../engine/rule";

/** The pack's checks of a distribution point, in pack order (set by the pack's index), and whether only their errors count. */
const JUDGES: { rule: Rule; failsOnly: boolean }[] = [];

/** What the rationale of each check of {@link JUDGES} says of a VM whose role cannot be read. */
export const UNCERTAIN_DP_RATIONALE = "A VM whose sdz-role tag is not known before apply, and that nothing else makes a distribution point or a "
  + "responder of a PXE segment (SDZ-PXE-013 asks about those), is checked as if it were one (fail closed): one could-not-verify on the VM, from the "
  + "first rule of the pack it would not pass, naming the tag and those rules. A PXE setting tag it does not carry is no such failure (the "
  + "settings rules count only a recorded value they report).";

/**
 * Sets the checks {@link uncertainDistributionPoints} runs: the pack's rules that judge a distribution point (not the segment
 * rules, whose segments come from the responders the configuration shows, nor its notes). `settings` are the rules that read
 * only the ConfigMgr setting tags: without the role, a VM records none, and their "does not record" would say nothing the
 * unknown tag does not; only a recorded value they report counts.
 */
export function judgeDistributionPointsWith(rules: readonly Rule[], settings: readonly Rule[]): void {
  JUDGES.splice(0, JUDGES.length, ...rules.map((rule) => ({ rule, failsOnly: settings.includes(rule) })));
}

/** A VM whose role tag cannot be read, with the checks that would not pass were it a distribution point. */
export interface UncertainDistributionPoint {
  readonly vm: Vm;
  readonly reason: string;
  readonly fails: string[];
  readonly unverified: string[];
}

/**
 * The VMs whose `sdz-role` tag is not known before apply, that no script or network evidence makes a PXE or DHCP responder
 * and that SDZ-PXE-013 does not already ask about, each run through {@link JUDGES} as if it were a distribution point. A VM
 * every check would pass is left out. Memoised; each check runs once per such VM, on that VM alone.
 */
export function uncertainDistributionPoints(ctx: RuleContext): UncertainDistributionPoint[] {
  return ctx.model.memo("pxe:uncertain", () => {
    const known = new Set(responderCandidates(ctx).map((d) => d.vm));
    for (const { vms } of unknownRoleVmsInSegments(ctx).values()) vms.forEach(({ vm }) => known.add(vm));
    const out: UncertainDistributionPoint[] = [];
    for (const vm of ctx.access.topology.vms) {
      const reason = ctx.roles.ofVm(vm).unknown;
      if (!reason || known.has(vm)) continue;
      const dp: DistributionPoint = {
        vm, claim: { role: DeploymentRole.PXE_DISTRIBUTION_POINT, source: "declared", evidence: `were its ${ZONE_TAG.roles.key} tag to say so` }, via: "declared", serves: "pxe",
      };
      const fails: string[] = [];
      const unverified: string[] = [];
      for (const { rule, failsOnly } of JUDGES) {
        let fail = false;
        let unsure = false;
        // The real context (its models, built once) with findings kept here, not reported.
        const what: RuleContext = Object.create(ctx, { report: { value: () => void (fail = true) }, unverified: { value: () => void (unsure = true) } });
        HYPOTHETICAL_DPS.set(what, [dp]);
        rule.check(what);
        if (fail) fails.push(rule.id);
        else if (unsure && !failsOnly) unverified.push(rule.id);
      }
      if (fails.length + unverified.length > 0) out.push({ vm, reason, fails, unverified });
    }
    return out;
  });
}

/**
 * Reports, from rule `ruleId`, each VM of {@link uncertainDistributionPoints} whose first check that would not pass is this
 * one: one could-not-verify per VM, naming the tag and every such check.
 */
export function reportUncertainDistributionPoints(ctx: RuleContext, ruleId: string): void {
  if (HYPOTHETICAL_DPS.has(ctx)) return;
  const order = JUDGES.map((j) => j.rule.id);
  for (const u of uncertainDistributionPoints(ctx)) {
    const first = order.find((id) => u.fails.includes(id) || u.unverified.includes(id));
    if (first !== ruleId) continue;
    const list = (ids: string[]) => (ids.length > 1 ? `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}` : ids[0]);
    const parts = [
      ...(u.fails.length > 0 ? [`${list(u.fails)} ${u.fails.length > 1 ? "report" : "reports"} a problem`] : []),
      ...(u.unverified.length > 0 ? [`${list(u.unverified)} cannot verify it`] : []),
    ];
    ctx.unverified(u.vm.resource, `whether ${u.vm.resource.address} is a PXE distribution point cannot be told (${u.reason}); if it is, ${parts.join(" and ")}: `
      + `write ${ZONE_TAG.roles.key} as a literal value (${DeploymentRole.PXE_DISTRIBUTION_POINT}, or the VM's other roles)`);
  }
}
