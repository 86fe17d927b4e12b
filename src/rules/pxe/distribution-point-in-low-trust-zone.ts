import { describeDp, dpSetting, VM_TYPES, zonesOfVm } from "./distribution-points";
import { pxeExample } from "./examples";
import { dnatReportedByPxe001, reportedByPxe001 } from "./pxe-exposures";
import { distributionPoints } from "./pxe-segments";
import { PXE_TAG } from "../../contract/pxe-tags";
import { nsgDecider } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";
import { reportedByNet001 } from "../net/reported-by-net-001";

export const distributionPointInLowTrustZone = defineRule({
  id: "SDZ-PXE-004",
  level: RuleLevel.ERROR,
  title: "PXE distribution point in a zone below INTERNAL trust",
  rationale:
    "Don't enable a distribution point for PXE when it's in an untrusted network, such as a perimeter network (seed 001, R-PXE-1); place protections "
    + "around any network that contains PXE (seed 000). The rule reads the effective trust of every zone a distribution point's NICs are in: the "
    + "declared sdz-trust of the subnet's NSG, lowered to PERIMETER when the configuration shows the subnet is internet-facing (a public IP, DNAT, "
    + "load balancer rule or NSG allow from the Internet), with the evidence. An NSG allow that SDZ-NET-001 reports, or a PXE allow or DNAT rule that "
    + "SDZ-PXE-001 reports and that opens no other port, is left out of that inference: the exposure is that rule's one finding. A zone with neither a declaration nor an inference is could-not-verify. "
    + "It also carries the zone half of R-PXE-7 (multicast only on distribution points in secure segments): every PXE distribution point, multicast "
    + "or not, must be in a zone of INTERNAL trust or more, and the finding says when multicast is enabled too.",
  fix: "Move the distribution point into a PxeZone (INTERNAL or MANAGEMENT trust) that the Internet cannot reach, or tag its NSG with sdz-trust INTERNAL "
    + "only if the segment really is internal and segmented.",
  requirements: ["R-PXE-1", "R-PXE-7"],
  resourceTypes: [...VM_TYPES, "azurerm_network_security_group", "azurerm_subnet"],
  reads: ["distribution points (sdz-role, or inferred)", "zone trust of their subnets (sdz-trust, internet-facing inferred as PERIMETER)", "sdz-pxe-multicast (for the message)"],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      const { zones, unknown } = zonesOfVm(ctx, dp.vm);
      const low: string[] = [];
      const undeclared: string[] = [...unknown];
      for (const z of zones) {
        // A zone made internet-facing only by a rule that SDZ-NET-001 reports, or by a PXE allow or DNAT that SDZ-PXE-001
        // reports (and that opens nothing else), is that rule's one finding.
        const t = ctx.zones.trustOf(z, (rule, ep) => reportedByNet001(ctx, ep, nsgDecider(rule)) || reportedByPxe001(ctx, rule),
          (dnat) => dnatReportedByPxe001(ctx, dnat));
        if (t.level === undefined) undeclared.push(`zone ${z.name} has no trust level (${t.evidence})`);
        else if (!Trust.isAtLeast(t.level, TrustLevel.INTERNAL)) low.push(`${t.level} zone ${z.name} (${t.source}: ${t.evidence})`);
      }
      if (low.length > 0) {
        const multicast = dpSetting(ctx, dp, PXE_TAG.multicast);
        const mc = multicast.read.state === "known" && multicast.read.value ? "; multicast is enabled too, which R-PXE-7 allows only in secure segments" : "";
        ctx.report(dp.vm.resource, `${describeDp(dp)} sits in ${low.join(" and ")}${mc}`);
      } else if (undeclared.length > 0) {
        ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${undeclared.join("; ")}; declare the zone's trust with sdz-trust on its NSG`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A distribution point in a subnet declared PERIMETER", terraform: pxeExample({ pxeTrust: "PERIMETER" }), flagged: ["azurerm_windows_virtual_machine.dp"] }],
    good: [{ description: "A distribution point in a subnet declared INTERNAL, which nothing exposes to the Internet", terraform: pxeExample({ pxeTrust: "INTERNAL" }) }],
  })),
});
