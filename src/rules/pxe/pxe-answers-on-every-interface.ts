import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const pxeAnswersOnEveryInterface = defineRule({
  id: "SDZ-PXE-011",
  level: RuleLevel.WARNING,
  title: "PXE answered on every network interface",
  rationale:
    "Configure PXE-enabled distribution points to respond to PXE requests only on specified network interfaces; responding on all interfaces might "
    + `expose the PXE service to untrusted networks (seed 001, R-PXE-2). The rule reads ${PxeSettingTags.RESPOND_ALL_INTERFACES} on every distribution `
    + "point with its provenance (declared is accepted, listed by SDZ-PXE-015): a warning on a single-NIC server, an error when the server has more than "
    + "one NIC or IP configuration. A missing tag is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here.",
  fix: `Restrict PXE answers to the PXE NIC (Set-CMDistributionPoint -MacAddressForRespondingPxeRequest, as the generated script does) and record ${PxeSettingTags.RESPOND_ALL_INTERFACES} = "false".`,
  requirements: ["R-PXE-2"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.RESPOND_ALL_INTERFACES} on the VM or its NICs, with provenance`, "the VM's NICs and IP configurations"],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-011");
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, JUDGED.respondAllInterfaces) !== true) continue;
      const multi = dp.vm.nics.length > 1 || dp.vm.nics.some((n) => n.ipConfigs.length > 1);
      ctx.report(dp.vm.resource, `${describeDp(dp)} answers PXE on every network interface${multi ? ", and it has more than one" : ""}`,
        { level: multi ? RuleLevel.ERROR : RuleLevel.WARNING });
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "PXE answered on every interface", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.RESPOND_ALL_INTERFACES]: "true" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "PXE answered on the PXE NIC only", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
