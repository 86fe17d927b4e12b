import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { JUDGED, judgedSetting, reportUnrecordedSettings } from "./judged-settings";
import { distributionPoints } from "./pxe-segments";
import { PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const multicastWithoutEncryption = defineRule({
  id: "SDZ-PXE-014",
  level: RuleLevel.ERROR,
  title: "Multicast without encrypted packages",
  rationale:
    "For every OS deployment package you can enable encryption when Configuration Manager transfers it by multicast; it helps prevent rogue computers "
    + "from joining the multicast session and attackers from tampering with the transmission (seed 001, R-PXE-7). Encryption is a package property "
    + "(Set-CMOperatingSystemImage / Set-CMOperatingSystemInstaller -MulticastEncrypt $true), recorded on the distribution point that serves the "
    + `packages as ${PxeSettingTags.MULTICAST_ENCRYPTION}. When ${PxeSettingTags.MULTICAST} is true, the rule reads it with its provenance: a run `
    + "command on a site server that sets and reads it back makes it applied; a tag alone is declared, accepted (nothing in Azure reaches ConfigMgr) and "
    + "listed by SDZ-PXE-015. False is an error; a missing tag is named in SDZ-PXE-005's one could-not-verify for the distribution point (see there), an unreadable one is could-not-verify here. With multicast off or unknown the rule is silent: SDZ-PXE-007 "
    + "reports multicast itself (Azure carries none), and the other half of R-PXE-7, multicast only on distribution points in secure segments, is "
    + "SDZ-PXE-004's (every PXE distribution point must be in a zone of INTERNAL trust or more; its finding says when multicast is on).",
  fix: `Encrypt every package deployed by multicast (Set-CMOperatingSystemImage -MulticastEncrypt $true, or the package's Distribution Settings) and record ${PxeSettingTags.MULTICAST_ENCRYPTION} = "true"; or turn multicast off (${PxeSettingTags.MULTICAST} = "false").`,
  requirements: ["R-PXE-7"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", `${PxeSettingTags.MULTICAST} and ${PxeSettingTags.MULTICAST_ENCRYPTION} on the VM or its NICs, with provenance`],
  check(ctx) {
    reportUnrecordedSettings(ctx, "SDZ-PXE-014");
    for (const dp of distributionPoints(ctx)) {
      // Multicast off or unknown: SDZ-PXE-007's (the condition the missing-settings finding asks too).
      if (!JUDGED.multicastEncryption.when!(ctx, dp)) continue;
      if (judgedSetting(ctx, dp, JUDGED.multicastEncryption) === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} serves multicast without encrypting the packages (${PxeSettingTags.MULTICAST_ENCRYPTION}=false)`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Multicast on, packages not encrypted", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.MULTICAST]: "true", [PxeSettingTags.MULTICAST_ENCRYPTION]: "false" } }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "Multicast on, packages encrypted", terraform: pxeExample({ dpTags: { ...COMPLIANT_DP_TAGS, [PxeSettingTags.MULTICAST]: "true", [PxeSettingTags.MULTICAST_ENCRYPTION]: "true" } }) }],
  })),
});
