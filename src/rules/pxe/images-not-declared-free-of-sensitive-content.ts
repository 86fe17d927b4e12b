import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const imagesNotDeclaredFreeOfSensitiveContent = defineRule({
  id: "SDZ-PXE-010",
  level: RuleLevel.WARNING,
  title: "PXE images not declared free of sensitive content",
  rationale:
    "Don't include line-of-business applications or software that contains sensitive data in an image that you use for PXE boot or multicast: a rogue "
    + `computer may download it (seed 001, R-PXE-8). What an image contains is the owner's statement: the rule reads ${PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT} `
    + "on every distribution point (always declared, listed by SDZ-PXE-015); false is a warning; a missing tag is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here.",
  fix: `Remove line-of-business and sensitive software from PXE images (install it with a task sequence instead) and declare it with ${PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT} = "true".`,
  requirements: ["R-PXE-8"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT} on the VM or its NICs`],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-010");
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, JUDGED.imagesFreeOfSensitiveContent) === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} serves images that are not declared free of line-of-business or sensitive content`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Images not declared free of sensitive content", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT]: "false" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "Images declared free of sensitive content", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
