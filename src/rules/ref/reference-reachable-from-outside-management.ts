import { refExample } from "./examples";
import { describeRef, referenceComputers, VM_TYPES } from "./reference-computers";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Decider, deciderOf, describePorts, noWayInText } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";
import { deciderKey, judgeSources, leftToNet001, leftToNet002, waysIn } from "../pxe/source-trust";

/** What reaches through one deciding rule, certainly (`allow`) or perhaps (`uncertain`). */
interface Part {
  readonly bad: Set<string>;
  readonly unknown: Set<string>;
  readonly ports: Map<string, Intervals<number>>;
  readonly refs: Set<string>;
  readonly doubts: Set<string>;
}

/** One deciding rule: one finding (principle 3), however many of its reaches are certain or uncertain. */
interface Group {
  readonly decider: Decider;
  readonly allow: Part;
  readonly uncertain: Part;
  /** The Internet or public addresses are among the sources it lets in (certainly or perhaps). */
  internet: boolean;
  /** How the Internet reaches those reference computers today (public IP, load balancer, DNAT); empty: no way in yet. */
  readonly ways: Set<string>;
  readonly hosts: Set<string>;
}

const newPart = (): Part => ({ bad: new Set(), unknown: new Set(), ports: new Map(), refs: new Set(), doubts: new Set() });

/** `A; B reach <refs> on <ports>`. */
function reachText(sources: Set<string>, part: Part): string {
  const ports = [...part.ports].map(([p, i]) => describePorts(p, i)).join(", ");
  return `${[...sources].join("; ")} reach ${[...part.refs].join("; ")} on ${ports}`;
}

export const referenceReachableFromOutsideManagement = defineRule({
  id: "SDZ-REF-001",
  level: RuleLevel.ERROR,
  title: "Reference computer reachable from outside the management zone",
  rationale:
    "Make sure the reference computer you use to capture OS images is in a secure environment, with access controls so that unexpected or malicious "
    + "software can't be installed and included in the captured image (seed 001, R-REF-1). The rule applies to every reference computer, declared "
    + "(sdz-role) or inferred (the source VM of an azurerm_image or a shared image version, or a VM whose script runs sysprep /generalize or an image "
    + "capture), and asks the reachability model who reaches it on any TCP or UDP port: NSG rules of the subnet and NIC with Azure's default rules "
    + "(AllowVNetInBound admits every zone of the VNet unless a deny-all overrides it), firewall network rules and DNAT. Every source must be a zone of "
    + "MANAGEMENT trust (declared with sdz-trust; an internet-facing zone counts as PERIMETER whatever its tag). Sources in a zone whose trust is not "
    + "declared, or private ranges in no zone, are could-not-verify. ICMP is not asked (it cannot install software and path MTU discovery needs it); "
    + "AzureLoadBalancer and its address 168.63.129.16 are Azure's platform; a rule that opens a wide range to the broad Internet is reported once by SDZ-NET-001, and a reference "
    + "computer with no NSG at all in a subnet SDZ-NET-002 reports is that finding. A finding about the Internet says, as SDZ-NET-001's does, when no "
    + "public IP, load balancer or DNAT reaches the computer today. One finding per "
    + "deciding rule: what it certainly lets in (an error when a source is below MANAGEMENT), then what it may let in, with why.",
  fix: "Put the reference computer in a ReferenceImagingZone: an explicit deny-all inbound rule, and allows only from a zone declared sdz-trust MANAGEMENT.",
  requirements: ["R-REF-1"],
  resourceTypes: [...VM_TYPES, "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_image", "azurerm_shared_image_version"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network and DNAT rules on the path",
    "zone trust (sdz-trust, internet-facing inferred as PERIMETER)",
    "reference computers (sdz-role, azurerm_image / azurerm_shared_image_version sources, capture scripts)",
  ],
  check(ctx) {
    const groups = new Map<string, Group>();
    for (const rc of referenceComputers(ctx)) {
      for (const ep of ctx.access.endpointsOfVm(rc.vm)) {
        for (const protocol of ["Tcp", "Udp"] as const) {
          const answer = ctx.reach.reach(ep, { protocol, from: 0, to: 65535 });
          for (const r of answer.reaches) {
            const decider = deciderOf(r, ep);
            // A rule SDZ-NET-001 reports, or a missing NSG SDZ-NET-002 reports, is that rule's one finding.
            if (leftToNet001(ctx, ep, decider) || leftToNet002(ctx, ep, decider)) continue;
            const v = judgeSources(ctx, ep, r.sources, (level) => level === TrustLevel.MANAGEMENT, undefined, { protocol: r.protocol, ports: r.ports });
            if (v.bad.length === 0 && v.unknown.length === 0) continue;
            const key = deciderKey(decider);
            let g = groups.get(key);
            if (!g) groups.set(key, (g = { decider, allow: newPart(), uncertain: newPart(), internet: false, ways: new Set(), hosts: new Set() }));
            g.hosts.add(ep.label);
            if (v.internet) {
              g.internet = true;
              waysIn(answer, r.dnat).forEach((w) => g!.ways.add(w));
            }
            const part = r.outcome === "allow" ? g.allow : g.uncertain;
            v.bad.forEach((b) => part.bad.add(b));
            v.unknown.forEach((u) => part.unknown.add(u));
            part.ports.set(protocol, (part.ports.get(protocol) ?? Intervals.empty(PORTS)).union(r.ports));
            part.refs.add(`${describeRef(rc)} at ${ep.label}`);
            r.doubts.forEach((d) => part.doubts.add(d));
          }
        }
      }
    }
    for (const { decider, allow, uncertain, internet, ways, hosts } of groups.values()) {
      const hint = decider.kind === "default-rule" ? " (no explicit deny-all inbound overrides it)" : "";
      // As SDZ-NET-001 words it: an allow from the Internet with no public IP, load balancer or DNAT in front lets nothing in yet.
      const noWay = internet && ways.size === 0 ? `; ${noWayInText(hosts.size)}` : "";
      const why = (p: Part) => ` (${[...p.doubts].join("; ") || "values not known before apply"})`;
      // The certain part first; what the rule may also let in joins the same finding (one per deciding rule).
      const maybe = new Set([...uncertain.bad, ...uncertain.unknown]);
      if (allow.bad.size > 0) {
        const also = [
          ...(allow.unknown.size > 0 ? [`; it also lets ${reachText(allow.unknown, allow)}, whose trust is not known`] : []),
          ...(maybe.size > 0 ? [`; it may also let ${reachText(maybe, uncertain)}${why(uncertain)}`] : []),
        ].join("");
        ctx.report(decider.resource, `${decider.label}${hint} lets ${reachText(allow.bad, allow)}${also}${noWay}: only the management zone may reach a reference computer`);
      } else if (uncertain.bad.size > 0) {
        const also = allow.unknown.size > 0 ? `; it lets ${reachText(allow.unknown, allow)}` : "";
        const rest = uncertain.unknown.size > 0 ? `; it may also let ${reachText(uncertain.unknown, uncertain)}` : "";
        ctx.unverified(decider.resource, `${decider.label}${hint} may let ${reachText(uncertain.bad, uncertain)}${why(uncertain)}${rest}${also}${noWay}: only the management zone may reach a reference computer`);
      } else {
        const parts = [
          ...(allow.unknown.size > 0 ? [`lets ${reachText(allow.unknown, allow)}`] : []),
          ...(uncertain.unknown.size > 0 ? [`may let ${reachText(uncertain.unknown, uncertain)}${why(uncertain)}`] : []),
        ];
        ctx.unverified(decider.resource, `${decider.label}${hint} ${parts.join("; and ")}: only a zone of MANAGEMENT trust may`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "RDP to the reference computer from an application subnet declared INTERNAL", terraform: refExample({ rdpSource: "10.0.3.0/24" }), flagged: ["azurerm_network_security_group.ref"] }],
    good: [{ description: "RDP only from the management subnet", terraform: refExample() }],
  })),
});
