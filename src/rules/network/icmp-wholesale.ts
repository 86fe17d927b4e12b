import { coversIcmp, coversLocalSide, describeNsg, describeRule, hasUnknowns, isWholeNetwork, localSide, remoteSide, rulesOfUnknownNsg } from "./nsg-semantics";
import { NsgRuleView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

const DIRECTIONS = ["Inbound", "Outbound"] as const;

/**
 * A Deny that blocks all ICMP in its direction: protocol `Icmp` (or `*` over every port), remote
 * side `*`/`0.0.0.0/0`/`VirtualNetwork`, local side everything the NSG protects.
 */
function isWholesaleIcmpDeny(r: NsgRuleView): boolean {
  return r.access === "Deny" && coversIcmp(r) && remoteSide(r).some(isWholeNetwork) && coversLocalSide(r.nsg, localSide(r));
}

/** An Allow that lets some ICMP through (any source, any destination). */
function allowsSomeIcmp(r: NsgRuleView): boolean {
  return r.access === "Allow" && coversIcmp(r) && r.sources.length > 0 && r.destinations.length > 0;
}

/** Could this rule, once its unknown values are known, allow ICMP? */
function mayAllowIcmp(r: NsgRuleView): boolean {
  return hasUnknowns(r) && r.access !== "Deny" && (r.protocol === undefined || r.protocol === "Icmp" || r.protocol === "*");
}

export const icmpDeniedWholesale = defineRule({
  id: "SDZ-NET-004",
  level: RuleLevel.WARNING,
  area: "network",
  title: "ICMP denied wholesale",
  rationale:
    "Seed 004 warns against blocking ICMP wholesale (R-SEC-4): path MTU discovery needs inbound ICMP from routers and gateways, "
    + "network logon and Group Policy measure ICMP response times to choose a domain controller and detect slow links, and tracert and file sharing use it to test reachability. "
    + "Semantics: per NSG and direction, walking the rules by priority, the first Deny that covers all ICMP (protocol Icmp, or `*` over every port) "
    + "from `*`/`0.0.0.0/0`/`VirtualNetwork` to everything the NSG protects is a finding unless some Allow of ICMP (protocol Icmp, or `*` over every port, from any source) comes before it. "
    + "So an explicit ICMP-specific deny is flagged, and so is a deny-all that leaves no ICMP allowed; a deny-all preceded by an ICMP allow is not, "
    + "because ICMP is then restricted, not blocked. A zone's deny-all at 4096 is required by R-PXE-4, so DeploymentZone allows ICMP from the VNet address space "
    + "at priority 4095 by default (option allowIcmpFromNetwork): library zones stay default-deny and comply. "
    + "The level is warning: blocking ICMP breaks functions, it does not open an attack path.",
  fix: "Allow ICMP (Port.icmp()) from the networks that need it (the VNet address space, the domain controllers' clients, the gateways) at a priority number below the deny, "
    + "e.g. keep DeploymentZone's default allowIcmpFromNetwork, or zone.allowInbound(Peer.ipv4List([...]), Port.icmp(), \"PMTU discovery and DC location\").",
  requirements: ["R-SEC-4"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    const orphanAllows = rulesOfUnknownNsg(ctx).filter((r) => r.access !== "Deny" && (r.protocol === undefined || coversIcmp(r)));
    for (const nsg of ctx.network.nsgs) {
      for (const direction of DIRECTIONS) {
        const rules = nsg.rules.filter((r) => r.direction === direction && r.priority !== undefined).sort((a, b) => a.priority! - b.priority!);
        const undetermined = nsg.rules.filter((r) => (r.direction === undefined || r.direction === direction) && mayAllowIcmp(r));
        for (const r of rules) {
          if (allowsSomeIcmp(r)) break; // ICMP is restricted from here on, not blocked wholesale
          if (!isWholesaleIcmpDeny(r)) continue;
          const what = r.protocol === "Icmp" ? "denies all ICMP" : "denies all traffic, ICMP included,";
          const msg = `${describeNsg(nsg)}: ${direction.toLowerCase()} ${describeRule(r)} ${what} from ${remoteSide(r).map((s) => s.text).join(", ")} `
            + "with no ICMP allowed before it: path MTU discovery and domain controller location (ICMP response times) break";
          const doubt = undetermined.find((u) => u.priority === undefined || u.priority < r.priority!)
            ?? orphanAllows.find((o) => o.direction === undefined || o.direction === direction);
          if (doubt) ctx.unverified(r.resource, `${msg}, unless ${describeRule(doubt)} allows ICMP (${doubt.unknowns.join("; ") || "values not known before apply"})`);
          else ctx.report(r.resource, msg);
          break;
        }
      }
    }
    // Wholesale ICMP denies whose NSG is not in this configuration cannot be checked for an earlier ICMP allow.
    for (const r of ctx.network.rules) {
      if (r.nsg || r.direction === undefined || r.priority === undefined || !isWholesaleIcmpDeny(r)) continue;
      ctx.unverified(r.resource, `${describeRule(r)} denies all ICMP (${r.direction.toLowerCase()}) but its NSG is not part of this configuration, so an earlier ICMP allow cannot be seen`);
    }
  },
});
