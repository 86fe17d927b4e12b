import { describeDp, TFTP_DATA_ANY, VM_TYPES } from "./distribution-points";
import { pxeExample } from "./examples";
import { PxeExposure, pxeExposures } from "./pxe-exposures";
import { pxeSegments } from "./pxe-segments";
import { PXE_TAG } from "../../contract/pxe-tags";
import { clustersByKey } from "../../engine/clusters";
import { describeHosts, noWayInText } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * The exposures whose sources are all of unknown trust (a zone whose trust is not declared, private ranges in no zone), joined
 * when they are reported on the same resource and share such a source: one undeclared zone is one problem with one fix (declare
 * its trust), so the rules of one NSG that admit it are one could-not-verify naming each, not one per rule. Keyed by the
 * cluster's first exposure (where it is reported); union-find over (resource, source), linear in the exposures' sources.
 */
function undeclaredClusters(groups: Iterable<PxeExposure>): Map<PxeExposure, PxeExposure[]> {
  const list = [...groups].filter((g) => g.bad.size === 0);
  return clustersByKey(list, (g) => [...g.unknown].map((u) => `${g.decider.resource.address}|${u}`));
}

export const pxeReachableFromUntrustedSources = defineRule({
  id: "SDZ-PXE-001",
  level: RuleLevel.ERROR,
  title: "PXE, TFTP or DHCP reachable from the Internet, a zone below INTERNAL or an undeclared zone",
  rationale:
    "PXE cannot authenticate servers or clients and TFTP can be spoofed (seed 000); a rogue client can pull images or attack the distribution point, "
    + "so PXE-enabled distribution points are enabled only on secure segments and never reachable from perimeter or untrusted networks (seed 001, R-PXE-3). "
    + "The rule asks the reachability model who reaches DHCP (UDP 67, 68), TFTP (UDP 69), PXE/BINL (UDP 4011) and the TFTP data range "
    + "(the distribution point's sdz-pxe-tftp-data-ports, by default UDP 64001-65000; a tag that is set but not known before apply or malformed is could-not-verify on the "
    + "distribution point, naming the tag, when such sources may reach any unprivileged UDP port of it, one finding that also names the rules SDZ-PXE-012 cannot place for that tag) on every distribution point, through any rule (NSG rules of the "
    + "subnet and NIC, Azure's default AllowVNetInBound, firewall network rules, DNAT), and on every other host through rules written for those ports. "
    + "It reports, once per deciding rule, sources that are the Internet or public addresses, zones below INTERNAL trust (declared with sdz-trust, or "
    + "inferred: an internet-facing subnet counts as PERIMETER), service tags, and VirtualNetwork or AllowVNetInBound where they span such zones. "
    + "Sources in a zone whose trust is not declared, or private ranges in no zone, make it could-not-verify (issue 13): declare them. The rules reported on one resource (an NSG) that admit the same such source are one "
    + "could-not-verify naming each rule (one undeclared zone, one fix), not one per rule. "
    + "The distribution point's own zone is judged by SDZ-PXE-004; AzureLoadBalancer and its address 168.63.129.16 are Azure's platform, not a PXE client; a rule that opens a wide "
    + "range to the broad Internet is reported once by SDZ-NET-001, and a host with no NSG at all in a subnet SDZ-NET-002 reports is that finding. "
    + "A rule whose destination ports are not known before apply, from sources that are not the Internet, is SDZ-OOB-001's (or SDZ-OOB-002's) one could-not-verify where "
    + "that one names the PXE ports on the host (it is reported wherever this rule would be), and a rule for UDP only SDZ-NET-006's, which names them the same way. "
    + "A finding about the Internet says, as SDZ-NET-001's does, when no public IP, load balancer or DNAT reaches the host today (the allow still "
    + "stands: adding one later would expose PXE).",
  fix: "Allow UDP 67, 68, 69, 4011 and the TFTP data range only from the provisioning client segments and DHCP relay agents (PxeZone clientSegments/relayAgents), "
    + "declared as zones of INTERNAL trust or more (a local network gateway or subnet NSG tagged sdz-trust); add an explicit deny-all so AllowVNetInBound does not admit other zones.",
  requirements: ["R-PXE-3", "R-PXE-1"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_local_network_gateway", ...VM_TYPES],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network and DNAT rules on the path",
    "zone trust (sdz-trust, or internet-facing inferred as PERIMETER) of subnets and local network gateways",
    "distribution points (sdz-role, or inferred) and their sdz-pxe-tftp-data-ports tag",
  ],
  check(ctx) {
    const { groups, rangeUnknown } = pxeExposures(ctx);
    for (const [dp, why] of rangeUnknown) {
      // SDZ-PXE-012's question about the same tag (which rules beyond the distribution point may be its range's) is part of this one finding.
      const beyond = pxeSegments(ctx).flatMap((seg) => seg.rangeUnknown.filter((u) => u.dp === dp).map((u) => {
        const many = u.rules.length > 1;
        return `${u.rules.join(", ")}, which ${many ? "let" : "lets"} UDP into hosts of PXE zone ${seg.zone.name} other than the distribution point, ${many ? "are" : "is"} written for it`;
      }));
      const fix = `(the default range is not assumed); write ${PXE_TAG.tftpDataPorts.key} as a literal range (e.g. 64001-65000)`;
      const ports = `UDP ports ${TFTP_DATA_ANY.from}-${TFTP_DATA_ANY.to}`;
      ctx.unverified(dp.vm.resource, beyond.length === 0
        ? `${describeDp(dp)}: its TFTP data range cannot be read (${why}), and sources below INTERNAL trust or of unknown trust `
          + `may reach ${ports} on it, so whether they reach its TFTP data range cannot be told ${fix}`
        : `${describeDp(dp)}: its TFTP data range cannot be read (${why}), so whether sources below INTERNAL trust or of unknown trust, which may reach ${ports} on it, `
          + `reach its TFTP data range cannot be told, nor whether ${beyond.join("; nor whether ")} ${fix}`);
    }
    const on = (g: PxeExposure) => `${[...g.services].join(", ")} on ${describeHosts(g.hosts)}${g.dps.size > 0 ? `, ${[...g.dps].join("; ")}` : ""}`;
    const undeclared = undeclaredClusters(groups.values());
    for (const g of groups.values()) {
      if (g.bad.size > 0) {
        // As SDZ-NET-001 words it: an allow from the Internet with no public IP, load balancer or DNAT in front lets nothing in yet.
        const noWay = g.internet && g.ways.size === 0 ? `; ${noWayInText(g.hosts.size)}` : "";
        const msg = `${g.decider.label} lets ${[...g.bad].join("; ")} reach ${on(g)}${g.unknown.size > 0 ? `; sources whose trust is not known besides: ${[...g.unknown].join("; ")}` : ""}${noWay}`;
        if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
        else ctx.unverified(g.decider.resource, `${msg.replace(" lets ", " may let ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
      } else {
        // Sources of unknown trust only: one finding for the rules of this resource that admit them (reported at the first).
        const cluster = undeclared.get(g);
        if (!cluster) continue;
        const doubts = new Set(cluster.flatMap((c) => [...c.doubts]));
        ctx.unverified(g.decider.resource, `${cluster.map((c) => `${c.decider.label} ${c.outcome === "allow" ? "lets" : "may let"} ${[...c.unknown].join("; ")} reach ${on(c)}`).join("; ")}: `
          + `PXE must come only from zones of INTERNAL trust or more${doubts.size > 0 ? ` (${[...doubts].join("; ")})` : ""}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "TFTP and PXE/BINL opened to a subnet that takes HTTPS from the Internet (inferred PERIMETER)",
      terraform: pxeExample({ pxeSource: "10.0.2.0/24", clientZone: "internet-facing" }),
      flagged: ["azurerm_network_security_group.pxe"],
    }],
    good: [{
      description: "PXE from a client subnet declared INTERNAL",
      terraform: pxeExample({ pxeSource: "10.0.2.0/24", clientZone: "INTERNAL" }),
    }],
  })),
});
