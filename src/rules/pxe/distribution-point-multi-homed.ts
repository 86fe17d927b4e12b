import { describeDp, subnetsOf, VM_TYPES } from "./distribution-points";
import { pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { subnetLabel } from "../../engine/access/access-model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const distributionPointMultiHomed = defineRule({
  id: "SDZ-PXE-003",
  level: RuleLevel.ERROR,
  title: "PXE distribution point multi-homed or forwarding traffic",
  rationale:
    "If a distribution point responds to PXE on all network interfaces it may expose the PXE service to untrusted networks (seed 001, R-PXE-2). "
    + "One NIC in the PXE segment, not spanning subnets and not forwarding IP, keeps PXE on the segment it was meant for. The rule reads, for every "
    + "distribution point (declared or inferred), the subnets of its NICs' IP configurations and ip_forwarding_enabled of each NIC; a NIC or subnet that "
    + "cannot be followed, or a forwarding flag not known before apply, is could-not-verify.",
  fix: "Give the distribution point exactly one NIC in the PXE subnet, with ip_forwarding_enabled = false (PxeDistributionPoint does this).",
  requirements: ["R-PXE-2"],
  resourceTypes: [...VM_TYPES, "azurerm_network_interface"],
  reads: ["distribution points (sdz-role, or inferred)", "network_interface_ids, the subnets of each NIC IP configuration, ip_forwarding_enabled (enable_ip_forwarding in azurerm 3)"],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      for (const nic of dp.vm.nics) {
        if (!nic.ipForwarding.known) ctx.unverified(nic.resource, `${describeDp(dp)}: ${nic.ipForwarding.field} of ${nic.resource.address} is not known before apply (${nic.ipForwarding.reason})`);
        else if (nic.ipForwarding.value) ctx.report(nic.resource, `${describeDp(dp)}: NIC ${nic.resource.address} has IP forwarding enabled, so it can route traffic between segments`);
      }
      const { subnets, unknown } = subnetsOf(dp.vm);
      if (subnets.length > 1) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} has NICs in ${subnets.length} subnets (${subnets.map((s) => s.name ?? subnetLabel(s)).join(", ")})`);
      } else if (unknown.length > 0) {
        ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${unknown.join("; ")}, so a NIC in another segment cannot be ruled out`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A distribution point with a second NIC in the client subnet", terraform: pxeExample({ secondNic: true }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "One NIC, forwarding off", terraform: pxeExample({ ipForwarding: false }) }],
  })),
});
