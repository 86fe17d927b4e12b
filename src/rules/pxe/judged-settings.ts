/**
 * The Configuration Manager settings the PXE rules judge, one rule each, and the one could-not-verify for those a distribution
 * point does not record. An untagged distribution point (inferred from the network or a script) records none of them: that is
 * one problem (its ConfigMgr settings are not declared; nothing in Azure shows them), not one per rule (principle 3). The first
 * of {@link SETTINGS_READERS} that runs reports it once per distribution point, naming every missing tag and the rule that reads
 * it; the other rules leave a missing tag to it. A tag that is there stays its rule's: a value that breaks the requirement is that
 * rule's finding, and one that cannot be read (a variable, a value not allowed) that rule's could-not-verify. A VM whose whole
 * tags block is not known before apply is one cause for every setting too, and said once the same way.
 */
import { DistributionPoint, describeDp, dpSetting } from "./distribution-points";
import { distributionPoints } from "./pxe-segments";
import { InOrder } from "../../contract/in-order";
import { PXE_TAG } from "../../contract/pxe-tags";
import { TagSpec } from "../../contract/tag";
import { RuleContext, ruleRuns } from "../../engine/rule";

/** A setting one rule judges ({@link judgedSetting}). */
export interface JudgedSetting<T> {
  /** The rule that judges it. */
  readonly rule: string;
  readonly spec: TagSpec<T>;
  /** What the setting says, for messages: `whether a PXE password is required`. */
  readonly what: string;
  /** The rule reads it only when this holds (SDZ-PXE-014: only with multicast on). */
  readonly when?: (ctx: RuleContext, dp: DistributionPoint) => boolean;
  /** What the distribution point's own scripts apply, beside the tag ({@link judgedSetting} says how the two combine). Memoised per VM. */
  readonly applied?: (ctx: RuleContext, dp: DistributionPoint) => ScriptValue<T> | undefined;
}

/** A value scripts on the distribution point apply, with the evidence; or why it cannot be told. */
export type ScriptValue<T> = { readonly value: T; readonly evidence: string } | { readonly unknown: string };

function judged<T>(rule: string, spec: TagSpec<T>, what: string, when?: JudgedSetting<T>["when"], applied?: JudgedSetting<T>["applied"]): JudgedSetting<T> {
  return { rule, spec, what, when, applied };
}

/**
 * Windows Deployment Services' answer policy, set on the server itself: `wdsutil /Set-Server /AnswerClients:{All | Known | None}`
 * ("Specifies which clients this server will answer. If you set this value to Known, a computer must be prestaged in active
 * directory Domain Services (AD DS) before it will be answered": learn.microsoft.com/windows-server/administration/windows-commands/wdsutil-set-server).
 * All answers unknown computers: evidence that the distribution point does. Known and None are no evidence that it does not:
 * on a Configuration Manager distribution point, ConfigMgr's PXE provider registers with WDS and answers the requests with its
 * own unknown-computer setting, which the tag records. The last such command of each script counts; scripts that leave
 * different policies, which nothing orders, cannot be told apart.
 */
const WDS_ANSWER_CLIENTS = InOrder.of([/\bwdsutil(?:\.exe)?\b/i, /[/-]set-server\b/i, /[/-]answerclients:(all|known|none)\b/i], "\n;&|");

function wdsAnswersUnknown(ctx: RuleContext, dp: DistributionPoint): ScriptValue<boolean> | undefined {
  // Asked by SDZ-PXE-005 (missing tags) and twice by SDZ-PXE-006 (value, evidence): the scripts are read once per VM.
  const byVm = ctx.model.memo("pxe:wds-answer-clients", () => new Map<string, ScriptValue<boolean> | null>());
  let hit = byVm.get(dp.vm.resource.address);
  if (hit === undefined) byVm.set(dp.vm.resource.address, (hit = wdsPolicyOf(ctx, dp) ?? null));
  return hit ?? undefined;
}

function wdsPolicyOf(ctx: RuleContext, dp: DistributionPoint): ScriptValue<boolean> | undefined {
  const last = new Map<string, string[]>();
  for (const script of ctx.settings.scriptsOn(dp.vm.resource)) {
    const found = WDS_ANSWER_CLIENTS.matchAll(script.strict);
    if (found.length === 0) continue;
    const policy = found[found.length - 1].terms[2][1].toLowerCase();
    last.set(policy, [...(last.get(policy) ?? []), script.resource.address]);
  }
  if (last.size === 0) return undefined;
  if (last.size > 1) {
    return { unknown: `scripts set different WDS answer policies (${[...last].map(([p, by]) => `/AnswerClients:${p} by ${by.join(", ")}`).join("; ")}) and nothing orders them` };
  }
  const [[policy, by]] = [...last];
  // Known or None says nothing of ConfigMgr's own setting (its PXE provider answers through WDS): only All is evidence.
  if (policy !== "all") return undefined;
  return { value: true, evidence: `${by.join(", ")} run${by.length > 1 ? "" : "s"} wdsutil /Set-Server /AnswerClients:${policy}` };
}

/** The settings, one per rule. */
export const JUDGED = {
  passwordRequired: judged("SDZ-PXE-005", PXE_TAG.passwordRequired, "whether a PXE password is required"),
  unknownComputers: judged("SDZ-PXE-006", PXE_TAG.unknownComputers, "whether unknown computers are answered", undefined, wdsAnswersUnknown),
  multicast: judged("SDZ-PXE-007", PXE_TAG.multicast, "whether multicast is enabled"),
  contentTransport: judged("SDZ-PXE-009", PXE_TAG.contentTransport, "how clients download content"),
  imagesFreeOfSensitiveContent: judged("SDZ-PXE-010", PXE_TAG.imagesFreeOfSensitiveContent, "whether its images are free of sensitive content"),
  respondAllInterfaces: judged("SDZ-PXE-011", PXE_TAG.respondAllInterfaces, "on which interfaces it answers PXE"),
  multicastEncryption: judged("SDZ-PXE-014", PXE_TAG.multicastEncryption, "whether the packages it serves by multicast are encrypted", multicastOn),
};

/** SDZ-PXE-014 reads the encryption only when multicast is known to be on (it is silent otherwise). */
function multicastOn(ctx: RuleContext, dp: DistributionPoint): boolean {
  const m = dpSetting(ctx, dp, PXE_TAG.multicast).read;
  return m.state === "known" && m.value;
}

/**
 * The rules that judge a setting, in the order they own the missing ones: the lowest ID first, the error-level rules before
 * the warning-level ones (a could-not-verify keeps its rule's level with failOnUnverified, so an error rule's missing tag is
 * never carried at warning level while an error rule runs).
 */
const SETTINGS_READERS: readonly JudgedSetting<unknown>[] = [
  JUDGED.passwordRequired, JUDGED.unknownComputers, JUDGED.multicast, JUDGED.multicastEncryption,
  JUDGED.contentTransport, JUDGED.imagesFreeOfSensitiveContent, JUDGED.respondAllInterfaces,
] as JudgedSetting<unknown>[];

/** The rule that reports the missing settings: the first of {@link SETTINGS_READERS} that runs (an excluded one owns nothing). */
function settingsOwner(ctx: RuleContext): string | undefined {
  return SETTINGS_READERS.find((s) => ruleRuns(ctx, s.rule))?.rule;
}

/**
 * When `ruleId` owns them ({@link settingsOwner}): one could-not-verify per distribution point that does not record some of
 * the settings whose rules run, naming each missing tag and the rule that reads it (or, when the VM's whole tags block is not
 * known before apply, every such setting, for that one reason). Every rule of {@link SETTINGS_READERS}
 * calls it first in its check.
 */
export function reportUnrecordedSettings(ctx: RuleContext, ruleId: string): void {
  if (settingsOwner(ctx) !== ruleId) return;
  const readers = SETTINGS_READERS.filter((s) => ruleRuns(ctx, s.rule));
  for (const dp of distributionPoints(ctx)) {
    const tags = tagsNotKnown(ctx, dp);
    if (tags !== undefined) {
      const read = readers.filter((s) => !s.when || s.when(ctx, dp));
      ctx.unverified(dp.vm.resource, `${describeDp(dp)}: its tags are not known before apply (${tags}), so ${read.map((s) => `${s.what} (${s.spec.key}, ${s.rule})`).join(", ")} `
        + "cannot be read; write the sdz-pxe-* tags as literals, or apply the ConfigMgr settings with a run command on the site server");
      continue;
    }
    const missing = readers.filter((s) => dpSetting(ctx, dp, s.spec).read.state === "absent" && (!s.when || s.when(ctx, dp)) && !s.applied?.(ctx, dp));
    if (missing.length === 0) continue;
    const many = missing.length > 1;
    ctx.unverified(dp.vm.resource, `${describeDp(dp)} does not record ${missing.map((s) => `${s.what} (${s.spec.key}, ${s.rule})`).join(", ")}: `
      + `${many ? "these tags are missing, so the rules named could not check them" : "the tag is missing, so that rule could not check it"}; `
      + `record the ConfigMgr ${many ? "settings as those tags, or apply them" : "setting as that tag, or apply it"} with a run command on the site server`);
  }
}

/**
 * Why no setting of the distribution point can be read, when the VM's whole tags block is not known before apply (a variable,
 * a module output): every setting is read from it first (Settings.read), so that one cause is one finding, not one per rule.
 */
function tagsNotKnown(ctx: RuleContext, dp: DistributionPoint): string | undefined {
  const block = ctx.model.tagBlock(dp.vm.resource);
  return block.known ? undefined : block.reason;
}

/** The evidence of a value the distribution point's own scripts apply, for a rule's message; undefined when none does. */
export function appliedEvidence<T>(ctx: RuleContext, dp: DistributionPoint, setting: JudgedSetting<T>): string | undefined {
  const applied = setting.applied?.(ctx, dp);
  return applied && "value" in applied ? applied.evidence : undefined;
}

/**
 * A setting the rule judges: the value when known (a value its own scripts apply first). A missing tag, or a VM whose whole tags block is not known, is {@link reportUnrecordedSettings}'s (the owner runs
 * whenever this rule does: it is the first of the readers that run); a tag not known before apply or not an allowed value is
 * this rule's could-not-verify, naming the tag; a value that is known but only declared where Azure could apply it is
 * reported as not verified.
 */
export function judgedSetting<T>(ctx: RuleContext, dp: DistributionPoint, setting: JudgedSetting<T>): T | undefined {
  const s = dpSetting(ctx, dp, setting.spec);
  // What the server's own scripts apply (WDS answering all clients) is evidence beside the ConfigMgr setting the tag records:
  // where the tag is absent or agrees, it is the value; where they disagree, which of ConfigMgr's PXE provider and WDS answers
  // is not known (could not verify).
  const applied = setting.applied?.(ctx, dp);
  if (applied) {
    if (!("value" in applied)) {
      ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${setting.what} cannot be told: ${applied.unknown}`);
      return undefined;
    }
    if (s.read.state === "absent" || (s.read.state === "known" && s.read.value === applied.value)) return applied.value;
    if (s.read.state === "known") {
      ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${setting.what} cannot be told: ${setting.spec.key}=${String(s.read.value)} (${s.evidence}) `
        + `and ${applied.evidence} say different things, and which of ConfigMgr's PXE responder and WDS answers is not known`);
      return undefined;
    }
  }
  switch (s.read.state) {
    case "known":
      if (!s.acceptable) {
        ctx.report(dp.vm.resource, `${describeDp(dp)}: ${setting.what} is only declared (${s.evidence}); apply it with a script that reads it back, or audit it`);
        return undefined;
      }
      return s.read.value;
    case "absent":
      return undefined;
    default:
      // The whole tags block not known is reportUnrecordedSettings' too.
      if (tagsNotKnown(ctx, dp) !== undefined) return undefined;
      ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${setting.what} cannot be read (${s.read.reason})`);
      return undefined;
  }
}
