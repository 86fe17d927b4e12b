import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const pxeBootWithoutPassword = defineRule({
  id: "SDZ-PXE-005",
  level: RuleLevel.ERROR,
  title: "PXE boot without a required password",
  rationale:
    "Requiring a password for PXE boot adds a level of security to the PXE boot process and helps safeguard against rogue clients joining the hierarchy "
    + `(seed 001, R-PXE-5). It is a Configuration Manager setting no Azure resource expresses: the rule reads ${PxeSettingTags.PASSWORD_REQUIRED} on every `
    + "distribution point (declared or inferred) with its provenance. A run command on a site server of this configuration that sets it and reads it back "
    + "makes it applied; a tag alone is declared, accepted because nothing in Azure can apply it, and listed by SDZ-PXE-015 as declared, not verified. "
    + "A tag that is set but cannot be read is could-not-verify. A distribution point that does not record its ConfigMgr settings (an untagged one, "
    + "inferred from the network or a script) is one problem, not one per setting: this rule's one could-not-verify on it names every missing sdz-pxe-* "
    + "tag and the rule that reads it (SDZ-PXE-006, 007, 009, 010, 011, and 014 when multicast is on), and those rules leave a missing tag to it; a VM whose "
    + "whole tags block is not known before apply is that one finding too, naming every setting. When this "
    + "rule does not run, the first of them that runs says it (the error-level ones first); an excluded rule owns nothing and its tag is not listed. "
    + "Suppressing this rule's finding about such a value (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides.",
  fix: `Require a PXE password on the distribution point (Set-CMDistributionPoint -PxePassword, prompted by the script PxeDistributionPoint writes) and record it as ${PxeSettingTags.PASSWORD_REQUIRED} = "true". Never put the password itself in a tag or the configuration.`,
  requirements: ["R-PXE-5"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.PASSWORD_REQUIRED} on the VM or its NICs, with its provenance (run commands on a site server)`,
    "whether the tags SDZ-PXE-006, 007, 009, 010, 011 and 014 read are there (to name the missing ones in one finding)"],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-005");
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, JUDGED.passwordRequired) === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} does not require a password for PXE boot (${PxeSettingTags.PASSWORD_REQUIRED}=false)`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "PXE password not required", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.PASSWORD_REQUIRED]: "false" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "PXE password required", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
