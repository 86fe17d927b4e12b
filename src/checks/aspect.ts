import * as path from "path";
import { AnnotationMetadataEntryType, App, IAspect, TerraformStack, Aspects } from "cdktf";
import { Manifest } from "cdktf/lib/manifest";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct, IConstruct } from "constructs";
import { applyPolicyToStackJson } from "./stack-policy";
import { removeStaleStackOutput } from "./stale-output";
import { suppressionsByPath } from "./suppressions";
import { jsiiTypeNames } from "../core/jsii-type";
import { runRules } from "../engine/engine";
import { TerraformModel } from "../engine/model";
import { CheckResult, FindingStatus } from "../engine/result";
import { Rule, RuleLevel } from "../engine/rule";
import { invalidProp } from "../network/errors";
import { CheckPolicyOptions } from "../policy/config";
import { CheckPolicy, policyFromOptions } from "../policy/policy";
import { outputTextOf, redactSecrets } from "../policy/redact";
import { unreadPartsOf, withUnreadFindings } from "../policy/unread-input";
import type { ZoneFlowGraph } from "../reports/diagram/zone-flow-graph";
// json-report holds only types and a small helper over the engine's result (no writer, no diagram).
import { extrasOf, ReportedFinding } from "../reports/json-report";
import { ALL_RULES, findRule } from "../rules";
import { CustomRulePack, ICustomRule, toEngineRules } from "../rules/custom-rule";

// Required on first use, not at the top: importing the library must not load the reports or the diagram.
/* eslint-disable @typescript-eslint/no-require-imports */
const reportWriters = (): typeof import("../reports") => require("../reports");
const diagramWriters = (): typeof import("../reports/diagram") => require("../reports/diagram");
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Options of {@link SecureDeploymentChecks}: the checks' policy (the same options as the command
 * line's configuration file) and what is written next to `cdk.tf.json`.
 */
export interface SecureDeploymentChecksProps extends CheckPolicyOptions {
  /**
   * Write the JSON, SARIF and Markdown reports next to each stack's `cdk.tf.json`.
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Also write the zone-flow diagram next to the reports: `zone-flows.mmd` (Mermaid), `zone-flows.svg`
   * (laid out in-process, synchronously, in milliseconds for a site-sized graph) and `zone-flows.dot`
   * (Graphviz DOT); see docs/zone-flow-diagrams.md. Ignored when `writeReports` is false.
   * @default true
   */
  readonly writeDiagrams?: boolean;
  /**
   * Custom rules to run after the library's rules, on the same model (see docs/custom-rules.md).
   * Their findings fail synth, are suppressed and land in the reports like the built-in ones.
   * IDs must be unique and must not use the library's `SDZ-` prefix.
   * @default - none
   */
  readonly rules?: ICustomRule[];
  /**
   * Packs of custom rules: like `rules`, with the pack's name as their area in the reports.
   * @default - none
   */
  readonly packs?: CustomRulePack[];
}

const REPORTS_ID = "SecureDeploymentChecksReports";

/**
 * The synth-time checks, as a cdktf Aspect. Add it to each stack, or call
 * {@link SecureDeploymentChecks.applyToApp} once to cover every stack of an app (cdktf ignores
 * aspects added to the App itself).
 *
 * The rules run after every other aspect, on the stack's final Terraform JSON: library
 * constructs and hand-written resources are checked alike. Findings become annotations (an
 * error fails `cdktf synth` with `[RULE-ID] what, where, fix`) and reports are written next to
 * `cdk.tf.json`: `compliance-report.json`, `compliance-report.sarif`, `compliance-report.md`.
 */
export class SecureDeploymentChecks implements IAspect {
  /**
   * Checks every stack of `app`, including stacks added after this call (they are picked up when
   * the app synthesizes).
   */
  public static applyToApp(app: App, props: SecureDeploymentChecksProps = {}): SecureDeploymentChecks {
    const checks = new SecureDeploymentChecks(props);
    const attach = () => {
      for (const c of app.node.findAll()) if (TerraformStack.isStack(c)) checks.applyToStack(c);
    };
    attach();
    const synth = app.synth.bind(app);
    app.synth = () => {
      attach();
      synth();
    };
    return checks;
  }

  private readonly rules: Rule[];
  private readonly policy: CheckPolicy;
  private readonly props: SecureDeploymentChecksProps;
  private readonly prepared = new WeakSet<TerraformStack>();
  /** Stacks whose check ran in this synth (custom synthesis fails a prepared stack that was not checked). */
  private readonly validated = new Set<string>();
  private readonly results = new Map<string, CheckResult>();
  /** Checked stacks whose reports are still to be written (at custom synthesis). */
  private readonly toReport = new Map<string, { result: CheckResult; json: unknown; graph?: ZoneFlowGraph }>();

  constructor(props: SecureDeploymentChecksProps = {}) {
    this.props = props;
    for (const [i, id] of (props.excludeRules ?? []).entries()) {
      const rule = findRule(id);
      if (!rule) throw invalidProp(`excludeRules[${i}]`, id, "the ID of a rule this library ships (see docs/rules.md)");
      if (rule.suppressible === false) throw invalidProp(`excludeRules[${i}]`, id, `a rule that may be turned off; ${id} is not suppressible`);
    }
    // Configuration file, rule selection, levels, configured suppressions and the baseline; then the user's own rules.
    this.policy = policyFromOptions(props);
    this.rules = [...this.policy.selectRules(ALL_RULES), ...toEngineRules(props.rules, props.packs)];
  }

  /**
   * Adds these checks to one stack (idempotent): a stack of cdktf, or of CDK Terrain (cdktn) in an
   * app that mixes the engines. A cdktf stack gets them as an aspect. Another engine's stack never
   * runs this package's aspects (cdktf and cdktn keep aspects under a private symbol each), so it is
   * prepared here: its validation and the reports' custom synthesis use what both engines share
   * (`node.addValidation`, `Symbol.for("cdktf/customSynthesis")`, the annotation types). A stack
   * this build cannot check is refused; a prepared stack whose synth skips the check fails it.
   */
  public applyToStack(stack: TerraformStack): void {
    if (stack instanceof TerraformStack) {
      if (!Aspects.of(stack).all.includes(this)) Aspects.of(stack).add(this);
    } else {
      const other = stack as unknown as { toTerraform?: unknown; node?: { path?: unknown; addValidation?: unknown } } | undefined;
      if (!TerraformStack.isStack(stack) || typeof other?.toTerraform !== "function" || typeof other.node?.addValidation !== "function") {
        throw invalidProp("stack", other?.node?.path ?? stack,
          "a TerraformStack of cdktf or of CDK Terrain (cdktn); the checks cannot run on anything else, and do not pass it unchecked");
      }
      this.visit(stack);
    }
  }

  /** Called by cdktf for every construct; acts on stacks only. */
  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.prepared.has(node)) return;
    this.prepared.add(node);
    const stack = node;
    // Validations run after every aspect: the configuration is final by then.
    stack.node.addValidation({ validate: () => { this.validated.add(stack.node.path); return this.checkStack(stack); } });
    // The writer exists with reports off too: it fails a synth that skipped the check (below).
    if (!stack.node.tryFindChild(REPORTS_ID)) {
      const writer = new Construct(stack, REPORTS_ID);
      addCustomSynthesis(writer, {
        onSynthesize: (session) => {
          if (!this.validated.delete(stack.node.path)) {
            // The synth skipped the stack's validations (e.g. `skipValidation`): nothing was checked, and it must not pass as checked.
            line(stack, AnnotationMetadataEntryType.ERROR, `[secure-deployment-zones] ${stack.node.path}: NOT CHECKED: this synth skipped the stack's validations, `
              + "where the checks run; synthesize without skipValidation (or remove SecureDeploymentChecks from this stack).");
            return;
          }
          const checked = this.toReport.get(stack.node.path);
          if (!checked) return;
          // The model and JSON are only needed for this write: release them (large stacks).
          this.toReport.delete(stack.node.path);
          const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
          const diagram = checked.graph ? diagramWriters().zoneFlowFiles(dir, checked.result, checked.graph) : [];
          reportWriters().writeReports(dir, checked.result, checked.json, engineOf(stack), diagram);
          // cdktf collects annotations after custom synthesis: the closing line can name where the reports are.
          line(stack, AnnotationMetadataEntryType.INFO, `${summaryOf(checked.result)} Reports: ${path.relative(process.cwd(), dir) || "."}`);
        },
      });
    }
  }

  /** The result of the last check of `stack`, if it was checked. */
  public resultFor(stack: TerraformStack): CheckResult | undefined {
    return this.results.get(stack.node.path);
  }

  private checkStack(stack: TerraformStack): string[] {
    // This synth replaces the stack's output: the previous Terraform JSON and reports must not outlive it
    // when the synth fails from here on (see stale-output.ts).
    const app = App.of(stack);
    removeStaleStackOutput(path.join(app.outdir, Manifest.stacksFolder, stack.node.id));
    const json = stack.toTerraform();
    // Suppressions in force (declared on constructs and configured) are recorded in the JSON; expired ones are listed.
    const applied = applyPolicyToStackJson(json, suppressionsByPath(stack), this.policy, stack.node.path);
    // The synthesizer calls toTerraform() again right after validation; hand it this result
    // once instead of resolving the whole stack a second time.
    const own = stack as unknown as { toTerraform?: () => unknown };
    own.toTerraform = () => {
      delete own.toTerraform;
      return json;
    };
    const model = TerraformModel.fromTerraformJson(json, { name: stack.node.id, compactNames: true });
    // No secret of the configuration, and no name or value beyond a bounded length, reaches an annotation or a report (see redact.ts).
    // A resource whose body is not an object (an override set it to null) was not read: could not verify, as on the command line.
    const result = this.policy.apply(redactSecrets(withUnreadFindings(runRules(model, this.rules, {
      failOnUnverified: this.policy.failOnUnverified,
      extraDeclaredSuppressions: applied.declared,
    }), unreadPartsOf(model), this.policy.failOnUnverified), model), applied.expired);
    this.results.set(stack.node.path, result);
    if (this.props.writeReports !== false) {
      // The diagram's graph is built now, so the model and its caches (the largest part of a check's
      // memory) are released before cdktf writes the stack: the configuration is held once.
      // Its labels quote the configuration: shown through the redactor, as the result's texts are.
      const graph = this.props.writeDiagrams !== false ? diagramWriters().buildZoneFlowGraph(model, result.findings, outputTextOf(model)) : undefined;
      this.toReport.set(stack.node.path, { result, json, graph });
    }
    // A finding's construct path may be cut (bounded-text.ts): annotations go to the construct the model records.
    const pathOf = (address: string) => model.byAddress(address)?.constructPath;
    this.annotate(stack, result, pathOf);
    if (this.props.writeReports === false) line(stack, AnnotationMetadataEntryType.INFO, summaryOf(result));
    return [];
  }

  private annotate(stack: TerraformStack, result: CheckResult, pathOf: (address: string) => string | undefined): void {
    for (const f of result.findings) {
      if (f.status === FindingStatus.SUPPRESSED) continue;
      const target = findConstruct(stack, f.constructPath !== undefined ? pathOf(f.address) ?? f.constructPath : undefined);
      const where = f.constructPath ? `${f.address} (${f.constructPath})` : f.address;
      // A finding the baseline knows is reported but does not fail synth.
      const known = (f as ReportedFinding).baselined === true;
      const text = `${known ? "(known: in the baseline) " : ""}[${f.ruleId}] ${f.title}: ${f.message.replace(/[.\s]+$/, "")}. Resource: ${where}. Fix: ${f.fix}`;
      if (f.level === RuleLevel.ERROR && !known) line(target, AnnotationMetadataEntryType.ERROR, text);
      else if (f.level === RuleLevel.ERROR || f.level === RuleLevel.WARNING) line(target, AnnotationMetadataEntryType.WARN, text);
      else line(target, AnnotationMetadataEntryType.INFO, text);
    }
    for (const s of result.unusedSuppressions) {
      line(findConstruct(stack, s.scope), AnnotationMetadataEntryType.WARN, `[${s.ruleId}] suppression matches no finding (scope ${s.scope}; reason: ${s.reason}). Remove it or fix its scope.`);
    }
    for (const s of extrasOf(result).expiredSuppressions) {
      line(findConstruct(stack, s.scope), AnnotationMetadataEntryType.WARN,
        `[${s.ruleId}] suppression on ${s.scope} expired on ${s.expires} (reason: ${s.reason}): it no longer suppresses. Fix the finding, or renew the suppression with a later date.`);
    }
  }
}

/**
 * One annotation line, without the stack trace `Annotations.addError` records (cdktf's CLI prints
 * it under every message: about 35 lines a finding). The entry keeps cdktf's annotation type, so an
 * error still fails synth (cdktf/lib/synthesize/synthesizer.js collects `@cdktf/*` metadata after
 * custom synthesis and throws on `@cdktf/error`); `addMetadata` records no trace unless asked.
 */
function line(target: IConstruct, type: AnnotationMetadataEntryType, text: string): void {
  target.node.addMetadata(type, text, { stackTrace: false });
}

/**
 * The engine a stack comes from, by the jsii type name its class carries (`instanceof` knows only this
 * build's engine): cdk.tf.json's layout, and so SARIF's line numbers, depend on it.
 */
function engineOf(stack: TerraformStack): "cdktf" | "cdktn" {
  const stackType = jsiiTypeNames(stack).find((t) => t === "cdktf.TerraformStack" || t === "cdktn.TerraformStack");
  return stackType === "cdktn.TerraformStack" ? "cdktn" : "cdktf";
}

/** The closing line of a stack's check, pass or fail. */
function summaryOf(result: CheckResult): string {
  const c = result.counts;
  return `[secure-deployment-zones] ${result.name}: ${c.errors === 0 ? "PASSED" : "FAILED"}: ${c.errors} error(s), ${c.warnings} warning(s), ${c.infos} note(s), `
    + `${c.unverified} could not be verified, ${c.suppressed} suppressed (${result.resourceCount} resources).`;
}

function findConstruct(stack: TerraformStack, constructPath: string | undefined): IConstruct {
  if (!constructPath) return stack;
  const parts = constructPath.split("/");
  let cur: IConstruct = stack;
  const start = parts[0] === stack.node.id ? 1 : 0;
  for (let i = start; i < parts.length; i++) {
    const next = cur.node.tryFindChild(parts[i]);
    if (!next) break;
    cur = next;
  }
  return cur;
}
