import { describeDp, VM_TYPES } from "./distribution-points";
import { pxeExample } from "./examples";
import { pxeExposures } from "./pxe-exposures";
import { pxeSegments } from "./pxe-segments";
import { PXE_TAG } from "../../contract/pxe-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const pxeFlowsReachOtherHosts = defineRule({
  id: "SDZ-PXE-012",
  level: RuleLevel.ERROR,
  title: "PXE, TFTP or DHCP allowed into a PXE segment towards hosts other than the distribution point",
  rationale:
    "A PXE client cannot tell a valid distribution point from a rogue one, and TFTP can be spoofed (seeds 000, 001): only the distribution point may "
    + "receive and answer PXE, so PXE/TFTP/DHCP flows into a PXE segment go to the distribution point's own address, not to every host of the segment "
    + "(R-PXE-10). For every zone that holds a distribution point (declared, else every one the checks infer), the rule asks the reachability model "
    + "which rules written for PXE (their port range holds UDP 67, 68, 69, 4011 or the TFTP data range and is narrow) let PXE into the zone's hosts, "
    + "and reads each rule's destinations against what its NSG protects: on a subnet NSG, any address, VirtualNetwork or a CIDR wider than the "
    + "distribution point opens PXE to every current and future host of the segment; on a NIC NSG, the rule reaches only that NIC. An application "
    + "security group reaches its members. An Azure Firewall network rule that lets the routed PXE traffic through (the NSGs behind it have only "
    + "Azure's default rules) is read the same way: its destination addresses or IP groups against the segment's addresses. A destination or distribution point address not known before apply is could-not-verify; so is a distribution point "
    + "whose sdz-pxe-tftp-data-ports tag is set but not known before apply or malformed, when other NSG rules let UDP into the segment beyond it (any of them may be "
    + "the rule for its TFTP data range; when SDZ-PXE-001 reports that tag on the distribution point, its one finding names these rules). A rule that opens "
    + "a wide range from the broad Internet is SDZ-NET-001's; one whose destination ports are not known before apply is SDZ-OOB-001's (or 002's, or for UDP only SDZ-NET-006's) one "
    + "could-not-verify where that one names the PXE ports on the host; a second responder that is one for another reason is SDZ-PXE-013's.",
  fix: "Set the PXE rule's destination (destination_address_prefix of an NSG rule, destination_addresses of a firewall network rule) to the distribution point's own address "
    + "(PxeZone does: destination_address_prefix = the DP's static IP), and give the distribution point a static private IP.",
  requirements: ["R-PXE-10"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_network_rule_collection", ...VM_TYPES],
  reads: [
    "inline and standalone NSG rules of subnets and NICs (their destinations and the NSG's associations)",
    "Azure Firewall network rules on the path (their destination addresses and IP groups)",
    "application security groups of NICs",
    "distribution points (sdz-role, or inferred) and their NIC addresses",
  ],
  check(ctx) {
    for (const seg of pxeSegments(ctx)) {
      for (const u of seg.rangeUnknown) {
        // A distribution point whose unreadable TFTP data range SDZ-PXE-001 reports: that one finding names these rules too
        // (asked only here, so PXE-012 alone does not compute PXE-001's verdicts).
        if (pxeExposures(ctx).rangeUnknown.has(u.dp)) continue;
        const many = u.rules.length > 1;
        ctx.unverified(u.dp.vm.resource, `${describeDp(u.dp)}: its TFTP data range cannot be read (${u.why}), so whether ${u.rules.join(", ")}, which ${many ? "let" : "lets"} UDP into `
          + `hosts of PXE zone ${seg.zone.name} other than the distribution point, ${many ? "are" : "is"} written for it cannot be told (the default range is not assumed); `
          + `write ${PXE_TAG.tftpDataPorts.key} as a literal range (e.g. 64001-65000)`);
      }
      for (const f of seg.rules.values()) {
        if (f.beyond.length === 0 && f.unknown.length === 0) continue;
        const dps = seg.designated.map(describeDp).join("; ");
        const what = `${f.decider.label} opens ${[...f.services].join(", ")} in PXE zone ${seg.zone.name}`;
        if (f.beyond.length > 0) {
          const msg = `${what} to ${f.beyond.join(", ")}, not only to the distribution point's own address (${dps})`;
          if (f.outcome === "allow") ctx.report(f.decider.resource, msg);
          else ctx.unverified(f.decider.resource, `${msg} (${[...f.doubts].join("; ") || "values not known before apply"})`);
        } else {
          ctx.unverified(f.decider.resource, `${what}, and ${f.unknown.join("; ")} cannot be told, so it may reach hosts other than the distribution point (${dps})`);
        }
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "The PXE allow targets the whole PXE subnet instead of the distribution point", terraform: pxeExample({ pxeDestination: "10.0.1.0/24" }), flagged: ["azurerm_network_security_group.pxe"] }],
    good: [{ description: "The PXE allow targets the distribution point's address", terraform: pxeExample() }],
  })),
});
