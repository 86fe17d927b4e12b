import { booleanSetting, describeDp, distributionPoints, setting } from "./common";
import { PxeContentTransport, PxeSettingTags } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";

const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];
const MIN_JUSTIFICATION = 20;

export const pxePasswordRequired = defineRule({
  id: "SDZ-PXE-005",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE boot without a required password",
  rationale:
    "Requiring a password for PXE boot adds a level of security to the PXE boot process and helps safeguard against rogue clients joining the hierarchy (seed 001).",
  fix: `Require a PXE password on the distribution point (Set-CMDistributionPoint -PxePassword, prompted by the snippet PxeDistributionPoint writes) and record it as ${PxeSettingTags.PASSWORD_REQUIRED} = "true". Never put the password itself in a tag or the configuration.`,
  requirements: ["R-PXE-5"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (booleanSetting(ctx, dp, PxeSettingTags.PASSWORD_REQUIRED, "whether a PXE password is required") === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} does not require a password for PXE boot`);
      }
    }
  },
});

export const pxeUnknownComputers = defineRule({
  id: "SDZ-PXE-006",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE answers unknown computers",
  rationale:
    "Respond only to known (prestaged) computers (seed 000). Provisioning unknown computers lets an attacker efficiently become a trusted client; if it must be done, implement access controls so unauthorized computers cannot connect (seed 001).",
  fix: `Turn unknown-computer support off (${PxeSettingTags.UNKNOWN_COMPUTERS} = "false"). If it is really needed, write why and how the client segments are access-controlled in ${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION} (PxeDistributionPoint unknownComputerJustification); it then remains a warning.`,
  requirements: ["R-PXE-6"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (booleanSetting(ctx, dp, PxeSettingTags.UNKNOWN_COMPUTERS, "whether unknown computers are answered") !== true) continue;
      const raw = ctx.model.tags(dp.vm.resource)[PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION]?.trim() ?? "";
      if (raw.length >= MIN_JUSTIFICATION) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} answers unknown computers, accepted with the justification "${raw}"; keep the client segments access-controlled and monitored`, { level: RuleLevel.WARNING });
      } else {
        ctx.report(dp.vm.resource, `${describeDp(dp)} answers unknown computers without a written justification (${PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION} ${raw ? `is only ${raw.length} characters` : "is missing"})`);
      }
    }
  },
});

export const pxeMulticast = defineRule({
  id: "SDZ-PXE-007",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "Multicast enabled on an Azure-hosted distribution point",
  rationale:
    "Multicast is allowed only on distribution points in secure segments and must be encrypted (seed 001). Azure virtual networks carry no multicast or broadcast, so a multicast-enabled distribution point in Azure cannot work and signals a configuration copied from elsewhere.",
  fix: `Disable multicast on the distribution point (Set-CMDistributionPoint -EnableMulticast $false; ${PxeSettingTags.MULTICAST} = "false"). Use multicast, encrypted, only on an on-premises distribution point in a secure segment.`,
  requirements: ["R-PXE-7"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (booleanSetting(ctx, dp, PxeSettingTags.MULTICAST, "whether multicast is enabled") === true) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} has multicast enabled, but Azure virtual networks carry no multicast`);
      }
    }
  },
});

export const pxeContentTransport = defineRule({
  id: "SDZ-PXE-009",
  level: RuleLevel.WARNING,
  area: "pxe",
  title: "PXE content not downloaded over Enhanced HTTP",
  rationale:
    "With Enhanced HTTP, several OS deployment scenarios no longer need a network access account to download content from a distribution point (seed 001).",
  fix: `Enable Enhanced HTTP (Set-CMSite -UseSmsGeneratedCert $true) and record ${PxeSettingTags.CONTENT_TRANSPORT} = "${PxeContentTransport.ENHANCED_HTTP}" (the PxeDistributionPoint default).`,
  requirements: ["R-PXE-9"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    const allowed = Object.values(PxeContentTransport) as string[];
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      const v = setting(ctx, dp.vm, PxeSettingTags.CONTENT_TRANSPORT);
      if (v === PxeContentTransport.ENHANCED_HTTP) continue;
      if (v !== undefined && allowed.includes(v)) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} serves content over ${v}, not Enhanced HTTP`);
      } else {
        ctx.unverified(dp.vm.resource, `${describeDp(dp)} does not declare its content transport (${PxeSettingTags.CONTENT_TRANSPORT} is ${v === undefined ? "missing or not known before apply" : `"${v}", expected one of ${allowed.join(", ")}`})`);
      }
    }
  },
});

export const pxeImageContent = defineRule({
  id: "SDZ-PXE-010",
  level: RuleLevel.WARNING,
  area: "pxe",
  title: "PXE images not declared free of sensitive content",
  rationale:
    "Don't include line-of-business applications or software that contains sensitive data in an image that you use for PXE boot or multicast: a rogue computer may download it (seed 001).",
  fix: `Remove line-of-business and sensitive software from PXE images (install it with a task sequence instead) and declare it with ${PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT} = "true".`,
  requirements: ["R-PXE-8"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (booleanSetting(ctx, dp, PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT, "that its images carry no sensitive content") === false) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} serves images that are not declared free of line-of-business or sensitive content`);
      }
    }
  },
});

export const pxeRespondAllInterfaces = defineRule({
  id: "SDZ-PXE-011",
  level: RuleLevel.WARNING,
  area: "pxe",
  title: "PXE answered on every network interface",
  rationale:
    "Configure PXE-enabled distribution points to respond to PXE requests only on specified network interfaces; responding on all interfaces might expose the PXE service to untrusted networks (seed 001).",
  fix: `Restrict PXE answers to the PXE NIC (Set-CMDistributionPoint -MacAddressForRespondingPxeRequest, as the generated snippet does) and record ${PxeSettingTags.RESPOND_ALL_INTERFACES} = "false".`,
  requirements: ["R-PXE-2"],
  resourceTypes: VM_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (booleanSetting(ctx, dp, PxeSettingTags.RESPOND_ALL_INTERFACES, "on which interfaces it answers PXE") === true) {
        const multi = dp.vm.nics.length > 1 || dp.vm.nics.some((n) => n.ipConfigs.length > 1);
        ctx.report(dp.vm.resource, `${describeDp(dp)} answers PXE on every network interface${multi ? ", and it has more than one" : ""}`,
          { level: multi ? RuleLevel.ERROR : RuleLevel.WARNING });
      }
    }
  },
});
