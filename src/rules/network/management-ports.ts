import { isAnyOrInternet, isShadowedByDeny, ruleCoversPort } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

/** Ports whose exposure to the Internet the documents forbid (R-SEC-7). */
const MANAGEMENT_PORTS: { port: number; protocol: string; name: string }[] = [
  { port: 3389, protocol: "Tcp", name: "RDP" },
  { port: 22, protocol: "Tcp", name: "SSH" },
  { port: 5985, protocol: "Tcp", name: "WinRM HTTP" },
  { port: 5986, protocol: "Tcp", name: "WinRM HTTPS" },
  { port: 445, protocol: "Tcp", name: "SMB" },
  { port: 135, protocol: "Tcp", name: "RPC endpoint mapper" },
];

export const managementPortsFromInternet = defineRule({
  id: "SDZ-NET-001",
  level: RuleLevel.ERROR,
  area: "network",
  title: "Management port open to any or the Internet",
  rationale:
    "Deployment infrastructure must be reachable only by those who administer it (seeds 000, 001). RDP, SSH, WinRM, SMB and RPC exposed to any source or the Internet invite brute force and wormable exploits.",
  fix: "Allow management ports only from a management zone or specific administrator addresses (e.g. Peer.zone(managementZone)), or use Azure Bastion.",
  requirements: ["R-SEC-7"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    for (const rule of ctx.network.inboundAllows) {
      const broad = rule.sources.filter(isAnyOrInternet);
      const unknownSource = rule.sources.some((s) => s.kind === "unknown");
      for (const p of MANAGEMENT_PORTS) {
        const covers = ruleCoversPort(rule, p.protocol, p.port);
        if (covers === false) continue;
        if (covers === undefined) {
          if (broad.length > 0 || unknownSource) {
            ctx.unverified(rule.resource, `rule "${rule.name}" allows traffic from ${broad.map((b) => b.text).join(", ") || "an unresolved source"} but its protocol or ports are unknown (${rule.unknowns.join("; ")})`);
            break;
          }
          continue;
        }
        if (broad.length > 0 && !isShadowedByDeny(rule, p.protocol, p.port)) {
          ctx.report(rule.resource, `rule "${rule.name}" allows ${p.name} (${p.protocol.toUpperCase()} ${p.port}) from ${broad.map((b) => b.text).join(", ")}`);
        } else if (unknownSource) {
          ctx.unverified(rule.resource, `rule "${rule.name}" allows ${p.name} (${p.protocol.toUpperCase()} ${p.port}) from a source that is not known before apply (${rule.unknowns.join("; ")})`);
        }
      }
    }
  },
});
