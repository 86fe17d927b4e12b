import { AccessModel } from "./access/access-model";
import { Reachability } from "./access/reachability";
import { settingInventory, tagInventory } from "./inventory";
import { TerraformModel, TfResource } from "./model";
import { NetworkIndex } from "./network-index";
import { CheckResult, countFindings, Finding, FindingStatus, UnusedSuppression } from "./result";
import { Roles } from "./roles";
import { ReportOptions, Rule, RuleContext, ruleInfo, RuleLevel } from "./rule";
import { Settings } from "./settings";
import { Zones } from "./zones";

/** Options of a check run. */
export interface RunOptions {
  /**
   * Treat "could not verify" findings at the rule's own level (so an unverifiable error fails).
   * By default they are warnings: visible, never reported as compliant, but not blocking.
   */
  readonly failOnUnverified?: boolean;
  /** Suppressions declared on scopes that hold no resource (they can only be unused). */
  readonly extraDeclaredSuppressions?: UnusedSuppression[];
}

/**
 * Runs rules over one configuration. Pure: reads the model, returns findings. Rule crashes are
 * caught and reported as unverified, so one bad rule or odd input never hides the others.
 */
let networkWarned = false;

/**
 * `ctx.network` is the old NSG reader: it does not see rules written as dynamic blocks, resource groups or
 * inline/standalone conflicts, which the access model reports. Say so once per process (Node's standard
 * DeprecationWarning, silenced by --no-deprecation), never per rule or per stack.
 */
function warnNetworkDeprecated(): void {
  if (networkWarned) return;
  networkWarned = true;
  process.emitWarning(
    "RuleContext.network is deprecated: it does not read NSG rules written as dynamic blocks, resource groups or inline/standalone "
      + "conflicts, so a rule built on it can miss what Azure enforces. Ask RuleContext.access or RuleContext.reach instead.",
    { type: "DeprecationWarning", code: "SDZ_DEP_NETWORK_INDEX" },
  );
}

export function runRules(model: TerraformModel, rules: readonly Rule[], options: RunOptions = {}): CheckResult {
  const findings: Finding[] = [];
  const used = new Set<string>();
  const stackResource: TfResource = { type: "(configuration)", name: model.name, address: model.name, config: {}, suppressions: [] };

  const shared: { network?: NetworkIndex; access?: AccessModel; reach?: Reachability; zones?: Zones; roles?: Roles; settings?: Settings } = {};
  const running = new Set(rules.map((r) => r.id));
  // Also held by the model, for the shared verdicts other models compute from the model alone (TerraformModel.runsInCheck).
  model.beginRun(running);
  const runs = (ruleId: string) => running.has(ruleId);
  for (const rule of rules) {
    const suppressible = rule.suppressible !== false;
    const push = (resource: TfResource, message: string, opts: ReportOptions = {}) => {
      const unverified = !!opts.unverified;
      let level = opts.level ?? rule.level;
      if (unverified && !options.failOnUnverified && level === RuleLevel.ERROR) level = RuleLevel.WARNING;
      // Every matching suppression counts as used (an outer and an inner one may both apply);
      // the innermost (last recorded) one gives the reason.
      const matching = suppressible ? (resource.suppressions ?? []).filter((s) => s.id === rule.id) : [];
      const suppression = matching.length > 0 ? matching[matching.length - 1] : undefined;
      for (const s of matching) used.add(suppressionKey(rule.id, s.scope ?? resource.address));
      findings.push({
        ruleId: rule.id,
        level,
        status: suppression ? FindingStatus.SUPPRESSED : unverified ? FindingStatus.UNVERIFIED : FindingStatus.FAIL,
        title: rule.title,
        message: unverified ? `could not verify: ${message}` : message,
        fix: opts.fix ?? rule.fix,
        requirements: [...rule.requirements],
        address: resource.address,
        resourceType: resource.type,
        constructPath: resource.constructPath,
        source: resource.source,
        suppressionReason: suppression?.reason,
      });
    };
    const ctx: RuleContext = {
      model,
      // Built on first use, then held: rules read these in their inner loops.
      get network() {
        warnNetworkDeprecated();
        return (shared.network ??= NetworkIndex.of(model));
      },
      get access() {
        return (shared.access ??= AccessModel.of(model));
      },
      get reach() {
        return (shared.reach ??= Reachability.of(model));
      },
      get zones() {
        return (shared.zones ??= Zones.of(model));
      },
      get roles() {
        return (shared.roles ??= Roles.of(model));
      },
      get settings() {
        return (shared.settings ??= Settings.of(model));
      },
      report: push,
      unverified: (resource, message) => push(resource, message, { unverified: true }),
      runs,
    };
    try {
      rule.check(ctx);
    } catch (err) {
      push(stackResource, `rule ${rule.id} failed on this input (${(err as Error)?.message ?? String(err)}); nothing it checks was verified`, { unverified: true });
    }
  }

  // Every declared suppression, once per (rule, scope); those never used are reported.
  const declared = new Map<string, UnusedSuppression>();
  for (const r of model.resources) {
    for (const s of r.suppressions ?? []) {
      const scope = s.scope ?? r.address;
      declared.set(suppressionKey(s.id, scope), { ruleId: s.id, reason: s.reason, scope });
    }
  }
  for (const s of options.extraDeclaredSuppressions ?? []) declared.set(suppressionKey(s.ruleId, s.scope), s);
  const unusedSuppressions = [...declared.entries()].filter(([k]) => !used.has(k)).map(([, v]) => v);

  const inventory = tagInventory(model);
  const settings = settingInventory(model);

  return {
    name: model.name,
    findings,
    unusedSuppressions,
    rules: rules.map(ruleInfo),
    resourceCount: model.resources.length,
    counts: countFindings(findings),
    inventory,
    settings,
  };
}

function suppressionKey(id: string, scope: string): string {
  return `${id}\u0000${scope}`;
}
