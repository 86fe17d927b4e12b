import { describeRule } from "./nsg-semantics";
import { AddressSpec, isShadowedByDeny, ruleCoversPort, ruleCoversPortRange } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

const SNMP_PORTS = [161, 162];
/** The broadest CIDR still counted as "specific management systems": a /24 (IPv4) or /120 (IPv6). */
const MIN_PREFIX = { 4: 24, 6: 120 } as const;

/** True when the source is not a set of specific systems: any, a service tag, or a CIDR broader than /24. */
export function isBroadSnmpSource(spec: AddressSpec): boolean {
  if (spec.kind === "any" || spec.kind === "tag") return true;
  if (spec.kind === "cidr" && spec.block) return spec.block.prefixLength < MIN_PREFIX[spec.block.family];
  return false;
}

export const snmpFromBroadSources = defineRule({
  id: "SDZ-NET-005",
  level: RuleLevel.ERROR,
  area: "network",
  title: "SNMP allowed from broad sources",
  rationale:
    "Seed 004: SNMP exemptions must specify the source and destination addresses of the SNMP management systems and agents for UDP 161 and 162 (R-SEC-5). "
    + "SNMP v1/v2c authenticates with a community string sent in clear text; opened to any address, the Internet, VirtualNetwork or another service tag, "
    + "or a range broader than a /24, it lets any host in that range read (or set) device configuration. "
    + "The rule checks inbound Allow rules covering UDP 161 or 162 (protocol Udp or `*`), skipping ports an earlier Deny shadows for every source of the rule.",
  fix: "Allow UDP 161/162 only from the specific management systems (Peer.ipv4(\"10.0.9.10/32\"), a /24 or narrower, or an application security group), never from *, Internet, VirtualNetwork or another service tag.",
  requirements: ["R-SEC-5"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    for (const rule of ctx.network.inboundAllows) {
      const covers = ruleCoversPortRange(rule, "Udp", 161, 162);
      if (covers === false) continue;
      const broad = rule.sources.filter(isBroadSnmpSource);
      const unknownSource = rule.sources.find((s) => s.kind === "unknown");
      if (covers === undefined) {
        if (broad.length > 0 || unknownSource) {
          ctx.unverified(rule.resource, `${describeRule(rule)} allows traffic from ${[...broad, ...(unknownSource ? [unknownSource] : [])].map((s) => s.text).join(", ")} `
            + `but its protocol or ports are not known before apply, so it may open SNMP (${rule.unknowns.join("; ")})`);
        }
        continue;
      }
      const open = SNMP_PORTS.filter((p) => ruleCoversPort(rule, "Udp", p) === true && !isShadowedByDeny(rule, "Udp", p));
      if (open.length === 0) continue;
      if (broad.length > 0) {
        ctx.report(rule.resource, `${describeRule(rule)} allows SNMP (UDP ${open.join(", ")}) from ${broad.map((b) => b.text).join(", ")}: `
          + "SNMP must be allowed only between specific management systems and agents");
      } else if (unknownSource) {
        ctx.unverified(rule.resource, `${describeRule(rule)} allows SNMP (UDP ${open.join(", ")}) from a source that is not known before apply (${unknownSource.reason ?? unknownSource.text})`);
      }
    }
  },
});
