import { describeDp, judgedSetting, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { PXE_TAG, PxeSettingTags } from "../../contract/pxe-tags";
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
    + "A missing or unreadable tag is could-not-verify.",
  fix: `Require a PXE password on the distribution point (Set-CMDistributionPoint -PxePassword, prompted by the script PxeDistributionPoint writes) and record it as ${PxeSettingTags.PASSWORD_REQUIRED} = "true". Never put the password itself in a tag or the configuration.`,
  requirements: ["R-PXE-5"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.PASSWORD_REQUIRED} on the VM or its NICs, with its provenance (run commands on a site server)`],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, PXE_TAG.passwordRequired, "whether a PXE password is required") === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} does not require a password for PXE boot (${PxeSettingTags.PASSWORD_REQUIRED}=false)`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "PXE password not required", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.PASSWORD_REQUIRED]: "false" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "PXE password required", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
