import { refExample } from "./examples";
import { describeRef, referenceComputers, VM_TYPES } from "./reference-computers";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Decider, deciderOf, describePorts } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { TrustLevel } from "../../network/trust-level";
import { lazyExamples } from "../lazy-examples";
import { deciderKey, judgeSources, reportedByNet001 } from "../pxe/source-trust";

interface Group {
  readonly decider: Decider;
  readonly outcome: "allow" | "uncertain";
  readonly bad: Set<string>;
  readonly unknown: Set<string>;
  readonly ports: Map<string, Intervals<number>>;
  readonly refs: Set<string>;
  readonly doubts: Set<string>;
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
    + "AzureLoadBalancer is Azure's platform; a rule that opens a wide range to the broad Internet is reported once by SDZ-NET-001.",
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
          for (const r of ctx.reach.reach(ep, { protocol, from: 0, to: 65535 }).reaches) {
            const decider = deciderOf(r, ep);
            if (reportedByNet001(ctx, ep, decider)) continue;
            const v = judgeSources(ctx, ep, r.sources, (level) => level === TrustLevel.MANAGEMENT, undefined, { protocol: r.protocol, ports: r.ports });
            if (v.bad.length === 0 && v.unknown.length === 0) continue;
            const key = `${r.outcome}|${deciderKey(decider)}`;
            let g = groups.get(key);
            if (!g) {
              g = { decider, outcome: r.outcome, bad: new Set(), unknown: new Set(), ports: new Map(), refs: new Set(), doubts: new Set() };
              groups.set(key, g);
            }
            v.bad.forEach((b) => g!.bad.add(b));
            v.unknown.forEach((u) => g!.unknown.add(u));
            g.ports.set(protocol, (g.ports.get(protocol) ?? Intervals.empty(PORTS)).union(r.ports));
            g.refs.add(`${describeRef(rc)} at ${ep.label}`);
            r.doubts.forEach((d) => g!.doubts.add(d));
          }
        }
      }
    }
    for (const g of groups.values()) {
      const ports = [...g.ports].map(([p, i]) => describePorts(p, i)).join(", ");
      const to = `${[...g.refs].join("; ")} on ${ports}`;
      const hint = g.decider.kind === "default-rule" ? " (no explicit deny-all inbound overrides it)" : "";
      if (g.bad.size > 0) {
        const msg = `${g.decider.label}${hint} lets ${[...g.bad].join("; ")} reach ${to}: only the management zone may reach a reference computer`;
        if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
        else ctx.unverified(g.decider.resource, `${msg.replace(" lets ", " may let ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
      } else {
        ctx.unverified(g.decider.resource, `${g.decider.label}${hint} ${g.outcome === "allow" ? "lets" : "may let"} ${[...g.unknown].join("; ")} reach ${to}: only a zone of MANAGEMENT trust may`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "RDP to the reference computer from an application subnet declared INTERNAL", terraform: refExample({ rdpSource: "10.0.3.0/24" }), flagged: ["azurerm_network_security_group.ref"] }],
    good: [{ description: "RDP only from the management subnet", terraform: refExample() }],
  })),
});
