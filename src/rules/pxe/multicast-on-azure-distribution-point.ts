import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const multicastOnAzureDistributionPoint = defineRule({
  id: "SDZ-PXE-007",
  level: RuleLevel.ERROR,
  title: "Multicast enabled on an Azure-hosted distribution point",
  rationale:
    "Multicast is allowed only on distribution points in secure segments and must be encrypted (seed 001, R-PXE-7). Azure virtual networks carry no "
    + "multicast or broadcast traffic, so a multicast-enabled distribution point in Azure cannot work and signals a configuration copied from elsewhere. "
    + `The rule reads ${PxeSettingTags.MULTICAST} on every distribution point with its provenance (declared is accepted, listed by SDZ-PXE-015); a `
    + "setting that is missing is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here. Encryption of multicast packages is SDZ-PXE-014's, the zone SDZ-PXE-004's.",
  fix: `Disable multicast on the distribution point (Set-CMDistributionPoint -EnableMulticast $false; ${PxeSettingTags.MULTICAST} = "false"). Use multicast, encrypted, only on an on-premises distribution point in a secure segment.`,
  requirements: ["R-PXE-7"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.MULTICAST} on the VM or its NICs, with provenance`],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-007");
    for (const dp of distributionPoints(ctx)) {
      if (judgedSetting(ctx, dp, JUDGED.multicast) === true) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} has multicast enabled, but Azure virtual networks carry no multicast`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Multicast enabled", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.MULTICAST]: "true", [PxeSettingTags.MULTICAST_ENCRYPTION]: "true" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "Multicast off", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
