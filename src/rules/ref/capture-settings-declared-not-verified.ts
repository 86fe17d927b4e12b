import { refExample } from "./examples";
import { captureLocationOf, describeRef, referenceComputers, VM_TYPES } from "./reference-computers";
import { PXE_TAG, PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const captureSettingsDeclaredNotVerified = defineRule({
  id: "SDZ-REF-005",
  level: RuleLevel.INFO,
  title: "Reference computer capture location declared, not verified",
  rationale:
    "When the capture location is outside this configuration, SDZ-REF-004 accepts the reference computer's word for it "
    + `(${PxeSettingTags.CAPTURE_LOCATION} and ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION}): nothing here can show the share enforces SMB encryption `
    + "(seed 001, R-REF-1; issue 16). The reports must say so: this note lists, once per reference computer, what is only declared. A location that "
    + "resolves to a storage account or server of this configuration is verified from its settings and not listed.",
  fix: "Capture to a share that is part of this configuration (an Azure Files share or a server whose SMB settings are applied), or keep this note as the record that the location is declared.",
  requirements: ["R-REF-1"],
  resourceTypes: VM_TYPES,
  reads: ["reference computers (declared or inferred)", `${PxeSettingTags.CAPTURE_LOCATION} and ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} on the VM or its NICs`],
  check(ctx) {
    for (const rc of referenceComputers(ctx)) {
      const loc = captureLocationOf(ctx, rc);
      if (!loc.unc || loc.account || loc.server) continue;
      const enc = ctx.settings.read(rc.vm.resource, PXE_TAG.captureSmbEncryption, rc.vm.nics.map((n) => n.resource)).read;
      if (enc.state !== "known" || !enc.value) continue;
      ctx.report(rc.vm.resource, `${describeRef(rc)}: declared, not verified: ${loc.from === "tag" ? `${PxeSettingTags.CAPTURE_LOCATION}=${loc.unc}` : `capture location ${loc.unc} (from its capture script)`}, `
        + `${PxeSettingTags.CAPTURE_SMB_ENCRYPTION}=true; the location is not part of this configuration`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Capture to an on-premises share, its SMB encryption only declared", terraform: refExample({ captureUnc: "\\\\fs01.corp.example\\captures", captureEncryptionTag: "true" }), flagged: ["azurerm_windows_virtual_machine.ref"] }],
    good: [{ description: "Capture to an Azure Files share of this configuration (verified from the account)", terraform: refExample() }],
  })),
});
