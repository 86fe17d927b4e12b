import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const distributionPointHasPublicIp = defineRule({
  id: "SDZ-PXE-002",
  level: RuleLevel.ERROR,
  title: "PXE distribution point with a public IP",
  rationale:
    "A PXE-enabled distribution point must answer only on its PXE segment (seed 001: respond to PXE requests only on specified network interfaces; R-PXE-2). "
    + "A public IP on one of its NICs gives PXE, TFTP and the server itself a way in from the Internet, whatever the NSGs say today. The rule applies to "
    + "every distribution point, declared (sdz-role) or inferred (reachable on UDP 67, 69 or 4011 through a rule written for them, or a script that "
    + "installs WDS or DHCP), and reads public_ip_address_id of every IP configuration of its NICs; one whose value is not known before apply is could-not-verify.",
  fix: "Remove public_ip_address_id from the distribution point's NIC; administer it through Azure Bastion or the management zone (PxeDistributionPoint never creates a public IP).",
  requirements: ["R-PXE-2"],
  resourceTypes: [...VM_TYPES, "azurerm_network_interface", "azurerm_public_ip"],
  reads: ["distribution points (sdz-role, or inferred from the network or their scripts)", "public_ip_address_id of each NIC IP configuration"],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      if (dp.vm.nicsUnknown) ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${dp.vm.nicsUnknown}, so a NIC with a public IP cannot be ruled out`);
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const pip = cfg.publicIp;
          if (!pip.attached) continue;
          const where = `NIC ${nic.resource.address} (ip_configuration "${cfg.name ?? "?"}")`;
          if (pip.unknown) ctx.unverified(nic.resource, `${describeDp(dp)}: public_ip_address_id of ${where} is not known before apply (${pip.unknown})`);
          else ctx.report(nic.resource, `${describeDp(dp)} has a public IP${pip.resource ? ` (${pip.resource.address})` : ""} on ${where}`);
        }
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "An untagged distribution point (inferred from its PXE rule) with a public IP", terraform: pxeExample({ publicIp: true }), flagged: ["azurerm_network_interface.dp"] }],
    good: [{ description: "The same distribution point without a public IP", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
