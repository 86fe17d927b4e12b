import { describeDp, dpSetting, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { PXE_TAG } from "../../contract/pxe-tags";
import { TagSpec } from "../../contract/tag";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** The distribution point settings the PXE rules accept when they are only declared. */
const SETTINGS: TagSpec<unknown>[] = [
  PXE_TAG.passwordRequired, PXE_TAG.unknownComputers, PXE_TAG.unknownComputersJustification, PXE_TAG.multicast, PXE_TAG.multicastEncryption,
  PXE_TAG.contentTransport, PXE_TAG.respondAllInterfaces, PXE_TAG.imagesFreeOfSensitiveContent, PXE_TAG.tftpDataPorts,
] as TagSpec<unknown>[];

export const settingsDeclaredNotVerified = defineRule({
  id: "SDZ-PXE-015",
  level: RuleLevel.INFO,
  title: "Distribution point settings declared, not verified",
  rationale:
    "The PXE settings seed 001 asks for (password, unknown computers, multicast and its encryption, Enhanced HTTP, PXE interfaces, image content) and the TFTP data range live in "
    + "Configuration Manager, which no Azure resource reaches: the rules accept them when only declared as sdz-pxe-* tags, because nothing in Azure "
    + "could apply them (issue 16). The reports must still say that nothing verifies them: this note lists, once per distribution point, every such "
    + "setting that is only declared (no run command on a site server of this configuration sets it and reads it back). Applied settings are not listed; "
    + "a declared value that breaks a requirement is the finding of the rule for that setting.",
  fix: "Name the site server so PxeDistributionPoint applies the settings with a run command (they become applied), or run the generated ConfigMgr script and keep this note as the record that they are declared.",
  requirements: ["R-PXE-5", "R-PXE-6", "R-PXE-7", "R-PXE-8", "R-PXE-9", "R-PXE-2"],
  resourceTypes: VM_TYPES,
  reads: ["distribution points (sdz-role, or inferred)", "the sdz-pxe-* settings of the VM or its NICs, with their provenance (run commands on a site server)"],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      const declared: string[] = [];
      for (const spec of SETTINGS) {
        const s = dpSetting(ctx, dp, spec);
        if (s.read.state !== "known" || s.provenance !== "declared" || !s.acceptable) continue;
        declared.push(spec.secretBearing ? spec.key : `${spec.key}=${spec.codec.format(s.read.value)}`);
      }
      if (declared.length > 0) {
        ctx.report(dp.vm.resource, `${describeDp(dp)}: declared, not verified: ${declared.join(", ")}; no run command on a site server of this configuration applies them`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A distribution point whose ConfigMgr settings are only tags", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "A distribution point with no declared settings", terraform: pxeExample() }],
  })),
});
