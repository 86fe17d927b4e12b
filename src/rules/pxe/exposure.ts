import { distributionPoints, nsgsOfVm, PXE_PORTS, tftpDataRange } from "./common";
import {
  isAnyOrInternet, isShadowedByDeny, lowestTrust, NsgView, PortRange, ruleCoversPort, ruleCoversPortRange, ZoneView,
} from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";

function belowInternal(trust: TrustLevel | undefined): boolean {
  return trust !== undefined && !Trust.isAtLeast(trust, TrustLevel.INTERNAL);
}

export const pxePortsFromUntrusted = defineRule({
  id: "SDZ-PXE-001",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE, TFTP or DHCP reachable from any, the Internet or a perimeter zone",
  rationale:
    "PXE cannot authenticate servers or clients and TFTP can be spoofed (seed 000); a rogue client can pull images or attack the distribution point, so PXE-enabled distribution points are enabled only on secure segments, never reachable from perimeter or untrusted networks (seed 001).",
  fix: "Allow UDP 67, 68, 69, 4011 and the TFTP data range only from the provisioning client segments and DHCP relay agents (PxeZone clientSegments/relayAgents), never from *, Internet, VirtualNetwork spanning a perimeter zone, or a PERIMETER/UNTRUSTED zone.",
  requirements: ["R-PXE-3", "R-PXE-1"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_local_network_gateway", "azurerm_windows_virtual_machine"],
  check(ctx) {
    const net = ctx.network;
    // The TFTP data range of each distribution point, on the NSGs that protect it.
    const dataRanges = new Map<NsgView, PortRange[]>();
    for (const dp of distributionPoints(ctx.model, net)) {
      const range = tftpDataRange(ctx, dp.vm);
      for (const nsg of nsgsOfVm(net, dp.vm)) {
        const list = dataRanges.get(nsg) ?? [];
        if (!list.some((r) => r.from === range.from && r.to === range.to)) list.push(range);
        dataRanges.set(nsg, list);
      }
    }
    const lowZones: ZoneView[] = net.zones.filter((z) => belowInternal(z.trust));

    for (const rule of net.inboundAllows) {
      const covered: string[] = [];
      let portsUnknown = false;
      for (const p of PXE_PORTS) {
        const c = ruleCoversPort(rule, "Udp", p.port);
        if (c === undefined) portsUnknown = true;
        else if (c && !isShadowedByDeny(rule, "Udp", p.port)) covered.push(`${p.name} (UDP ${p.port})`);
      }
      for (const r of (rule.nsg ? dataRanges.get(rule.nsg) : undefined) ?? []) {
        const c = ruleCoversPortRange(rule, "Udp", r.from, r.to);
        if (c === undefined) portsUnknown = true;
        else if (c) covered.push(`TFTP data (UDP ${r.from}-${r.to})`);
      }
      if (covered.length === 0 && !portsUnknown) continue;

      const bad: string[] = [];
      const unresolved: string[] = [];
      for (const s of rule.sources) {
        if (isAnyOrInternet(s)) bad.push(`${s.text} (any address or the Internet)`);
        else if (s.kind === "cidr" && s.block) {
          const zones = net.zonesOverlapping(s.block).filter((z) => belowInternal(z.trust));
          if (zones.length > 0) bad.push(`${s.text} (overlaps ${lowestTrust(zones)} zone ${zones.map((z) => z.name).join(", ")})`);
        } else if (s.kind === "tag" && s.text.toLowerCase() === "virtualnetwork" && lowZones.length > 0) {
          bad.push(`VirtualNetwork (spans ${lowZones.map((z) => `${z.trust} zone ${z.name}`).join(", ")})`);
        } else if (s.kind === "unknown") unresolved.push(s.reason ?? s.text);
      }
      if (covered.length > 0 && bad.length > 0) {
        ctx.report(rule.resource, `rule "${rule.name}" allows ${covered.join(", ")} from ${bad.join(", ")}`);
      } else if (covered.length > 0 && unresolved.length > 0) {
        ctx.unverified(rule.resource, `rule "${rule.name}" allows ${covered.join(", ")} from a source not known before apply (${unresolved.join("; ")})`);
      } else if (covered.length === 0 && portsUnknown && (bad.length > 0 || unresolved.length > 0)) {
        ctx.unverified(rule.resource, `rule "${rule.name}" allows traffic from ${[...bad, ...unresolved].join(", ")} but its protocol or ports are unknown (${rule.unknowns.join("; ")})`);
      }
    }
  },
});
