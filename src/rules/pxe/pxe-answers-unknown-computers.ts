import { describeDp, dpSetting, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { appliedEvidence, JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PXE_TAG, PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** The shortest justification that can say why and how the segment is access-controlled. */
const MIN_JUSTIFICATION = 20;

export const pxeAnswersUnknownComputers = defineRule({
  id: "SDZ-PXE-006",
  level: RuleLevel.ERROR,
  title: "PXE answers unknown computers",
  rationale:
    "Respond only to known (prestaged) computers (seed 000). Provisioning unknown computers lets an attacker efficiently become a trusted client; if it "
    + "must be done, implement access controls so unauthorized computers cannot connect (seed 001, R-PXE-6). The rule reads "
    + `${PxeSettingTags.UNKNOWN_COMPUTERS} on every distribution point with its provenance (a ConfigMgr setting: declared is accepted and listed by `
    + "SDZ-PXE-015), and the Windows Deployment Services answer policy a script on the distribution point sets: wdsutil /Set-Server /AnswerClients:All "
    + "answers unknown computers (a finding with the tag absent or true; could not verify beside a tag that says false, since ConfigMgr's PXE provider "
    + "answers through WDS with its own setting); Known or None is no evidence of ConfigMgr's setting, which the tag still records. "
    + `Unknown-computer support with a written justification of at least ${MIN_JUSTIFICATION} characters `
    + `(${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION}) is a warning; without one, an error. A missing tag is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here.`,
  fix: `Turn unknown-computer support off (${PxeSettingTags.UNKNOWN_COMPUTERS} = "false"). If it is really needed, write why and how the client segments are access-controlled in ${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION} (PxeDistributionPoint unknownComputerJustification); it then remains a warning.`,
  requirements: ["R-PXE-6"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.UNKNOWN_COMPUTERS} and ${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION} on the VM or its NICs, with provenance`],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-006");
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, JUDGED.unknownComputers) !== true) continue;
      const by = appliedEvidence(ctx, dp, JUDGED.unknownComputers);
      const answers = by ? `answers unknown computers (${by})` : "answers unknown computers";
      const j = dpSetting(ctx, dp, PXE_TAG.unknownComputersJustification).read;
      const why = j.state === "known" ? j.value : "";
      if (why.length >= MIN_JUSTIFICATION) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} ${answers}, accepted with the justification "${why}"; keep the client segments access-controlled and monitored`, { level: RuleLevel.WARNING });
      } else {
        const state = j.state === "known" ? `is only ${why.length} characters` : j.state === "absent" ? "is missing" : `cannot be read (${j.reason})`;
        ctx.report(dp.vm.resource, `${describeDp(dp)} ${answers} without a written justification (${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION} ${state})`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Unknown computers answered without a justification", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.UNKNOWN_COMPUTERS]: "true" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "Known (prestaged) computers only", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
