/**
 * Who reaches the PXE services of the configuration's hosts from sources below INTERNAL trust or of
 * unknown trust, grouped by deciding rule: what SDZ-PXE-001 reports. Computed once per configuration
 * (memoised) and shared, so that SDZ-PXE-004 leaves a zone at its declared trust when the only thing
 * that makes it internet-facing is a PXE allow PXE-001 reports (one exposure, one finding), and
 * SDZ-PXE-012 leaves an unreadable TFTP data range to PXE-001's one finding on the distribution point.
 */
import { DistributionPoint, describeDp, dpPorts, PXE_PORTS, TFTP_DATA_ANY, tftpDataRange } from "./distribution-points";
import { distributionPointOf } from "./pxe-segments";
import { acceptableSources, deciderKey, judgeSources, leftToNet002, mayNameService, namesService, portsSomeRuleNames, pxeDeciderOf, leftToNet001, waysIn } from "./source-trust";
import { FirewallRule } from "../../engine/access/firewalls";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { SourceSet } from "../../engine/access/source-set";
import { NsgRule } from "../../engine/access/topology";
import { Decider, describeServicePort, dnatDecider, hostEndpoints, nsgDecider, probeOf } from "../../engine/exposure";
import { RuleContext } from "../../engine/rule";
import { SERVICE_PORTS } from "../../network/service-ports";
import { Trust, TrustLevel } from "../../network/trust-level";
import { unknownRuleLeftToOob } from "../oob/port-verdicts";

/** One deciding rule that lets sources PXE must not come from (or whose trust is not known) reach PXE services. */
export interface PxeExposure {
  readonly decider: Decider;
  readonly outcome: "allow" | "uncertain";
  readonly bad: Set<string>;
  readonly unknown: Set<string>;
  readonly services: Set<string>;
  /** The ports of those services (UDP), for "does the rule open anything else". */
  ports: Intervals<number>;
  readonly hosts: Set<string>;
  readonly dps: Set<string>;
  readonly doubts: Set<string>;
  /** The Internet or public addresses are among `bad`. */
  internet: boolean;
  /** How the Internet reaches those hosts today (public IP, load balancer, DNAT); empty: no way in yet. */
  readonly ways: Set<string>;
}

/** What SDZ-PXE-001 reports. */
export interface PxeExposures {
  /** By outcome and deciding rule. */
  readonly groups: Map<string, PxeExposure>;
  /**
   * Distribution points whose TFTP data range cannot be read (why), and that sources to judge may
   * reach on some port the range could be.
   */
  readonly rangeUnknown: Map<DistributionPoint, string>;
}

/** PXE-001's verdicts for the configuration. Memoised. */
export function pxeExposures(ctx: RuleContext): PxeExposures {
  return ctx.model.memo("pxe:exposures", () => {
    const groups = new Map<string, PxeExposure>();
    // Other hosts are asked only about the ports some rule could have been written for.
    const named = portsSomeRuleNames(ctx, dpPorts(ctx, undefined));
    const rangeUnknown = new Map<DistributionPoint, string>();
    const accept = (level: TrustLevel) => Trust.isAtLeast(level, TrustLevel.INTERNAL);
    // Sources the verdict can only accept: a port that nothing else may reach needs no answer.
    let suspect: SourceSet | undefined;
    for (const ep of hostEndpoints(ctx.model)) {
      const dp = distributionPointOf(ctx, ep.vm);
      const own = dp && ep.subnet ? ctx.zones.zoneOf(ep.subnet) : undefined;
      const range = dp ? tftpDataRange(ctx, dp) : undefined;
      if (dp && range?.unknown !== undefined && !rangeUnknown.has(dp)
        && ctx.reach.mayReachOn(ep, probeOf(TFTP_DATA_ANY), (suspect ??= SourceSet.ALL.subtract(acceptableSources(ctx, accept))))) {
        rangeUnknown.set(dp, range.unknown);
      }
      for (const port of dp ? dpPorts(ctx, dp) : named) {
        if (!ctx.reach.mayReachOn(ep, probeOf(port), (suspect ??= SourceSet.ALL.subtract(acceptableSources(ctx, accept))))) continue;
        const answer = ctx.reach.reach(ep, probeOf(port));
        for (const r of answer.reaches) {
          // Other hosts: only rules written for PXE (the rest is the exposure rules' business).
          if (!dp && !namesService(r, port, ep) && !mayNameService(r, port, ep)) continue;
          const decider = pxeDeciderOf(r, port, ep);
          // A rule SDZ-NET-001 reports, or a missing NSG SDZ-NET-002 reports, is that rule's one finding; a rule whose ports are
          // not known before apply is the out-of-band owner's one could-not-verify where it names this port on this host (the
          // TFTP data range with the TFTP port it follows).
          if (leftToNet001(ctx, ep, decider) || leftToNet002(ctx, ep, decider)) continue;
          if (r.outcome === "uncertain" && unknownRuleLeftToOob(ctx, r, ep, PXE_PORTS.includes(port) ? port : SERVICE_PORTS.TFTP)) continue;
          const verdict = judgeSources(ctx, ep, r.sources, accept, own, { protocol: r.protocol, ports: r.ports });
          if (verdict.bad.length === 0 && verdict.unknown.length === 0) continue;
          const key = `${r.outcome}|${deciderKey(decider)}`;
          let g = groups.get(key);
          if (!g) {
            g = {
              decider, outcome: r.outcome, bad: new Set(), unknown: new Set(), services: new Set(), ports: Intervals.empty(PORTS),
              hosts: new Set(), dps: new Set(), doubts: new Set(), internet: false, ways: new Set(),
            };
            groups.set(key, g);
          }
          verdict.bad.forEach((b) => g!.bad.add(b));
          verdict.unknown.forEach((u) => g!.unknown.add(u));
          g.services.add(describeServicePort(port));
          g.ports = g.ports.union(Intervals.of(PORTS, [[port.from, port.to]]));
          g.hosts.add(ep.label);
          if (dp) g.dps.add(describeDp(dp));
          r.doubts.forEach((d) => g!.doubts.add(d));
          if (verdict.internet) {
            g.internet = true;
            waysIn(answer, r.dnat).forEach((w) => g!.ways.add(w));
          }
        }
      }
    }
    return { groups, rangeUnknown };
  });
}

/**
 * True when SDZ-PXE-001 reports the NSG rule as an error (it lets sources PXE must not come from
 * reach PXE services) and the rule opens no port beyond those services: the rule is that one
 * finding, and what it exposes is PXE, nothing else.
 */
export function reportedByPxe001(ctx: RuleContext, rule: NsgRule): boolean {
  const g = pxeExposures(ctx).groups.get(`allow|${deciderKey(nsgDecider(rule))}`);
  if (!g || g.bad.size === 0 || !rule.destinationPorts.known) return false;
  return rule.destinationPorts.value.subtract(g.ports).isEmpty;
}

/**
 * True when SDZ-PXE-001 reports the DNAT rule as an error (it publishes a PXE service to sources PXE
 * must not come from) and the port it publishes is one of those services: the DNAT is that one finding.
 */
export function dnatReportedByPxe001(ctx: RuleContext, rule: FirewallRule): boolean {
  const g = pxeExposures(ctx).groups.get(`allow|${deciderKey(dnatDecider(rule))}`);
  const port = rule.translatedPort;
  return !!g && g.bad.size > 0 && !!port?.known && g.ports.contains(port.value);
}
