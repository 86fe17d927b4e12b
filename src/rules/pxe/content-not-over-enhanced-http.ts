import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeContentTransport, PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const contentNotOverEnhancedHttp = defineRule({
  id: "SDZ-PXE-009",
  level: RuleLevel.WARNING,
  title: "PXE content not downloaded over Enhanced HTTP",
  rationale:
    "With Enhanced HTTP, several OS deployment scenarios no longer need a network access account to download content from a distribution point "
    + `(seed 001, R-PXE-9). The rule reads ${PxeSettingTags.CONTENT_TRANSPORT} on every distribution point with its provenance (a site setting: `
    + "Set-CMSite -UseSmsGeneratedCert; declared is accepted and listed by SDZ-PXE-015); a missing tag is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here.",
  fix: `Enable Enhanced HTTP (Set-CMSite -UseSmsGeneratedCert $true) and record ${PxeSettingTags.CONTENT_TRANSPORT} = "${PxeContentTransport.ENHANCED_HTTP}" (the PxeDistributionPoint default).`,
  requirements: ["R-PXE-9"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.CONTENT_TRANSPORT} on the VM or its NICs, with provenance`],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-009");
    for (const dp of distributionPoints(ctx)) {
      const t = judgedSetting(ctx, dp, JUDGED.contentTransport);
      if (t !== undefined && t !== PxeContentTransport.ENHANCED_HTTP) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} serves content over ${t}, not Enhanced HTTP`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Content over SMB with a network access account", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.CONTENT_TRANSPORT]: "smb" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "Enhanced HTTP", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
