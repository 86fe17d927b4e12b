import { coversAllPorts, describeRule } from "./nsg-semantics";
import { isShadowedByDeny, ruleCoversPort } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

const WOL_PORTS = [7, 9];

export const wakeOnLanAllowed = defineRule({
  id: "SDZ-NET-006",
  level: RuleLevel.WARNING,
  area: "network",
  title: "Wake-on-LAN allowed inbound",
  rationale:
    "Seed 002: use out-of-band management instead of Wake On LAN; out-of-band management authenticates and encrypts with industry-standard protocols, "
    + "while a Wake-on-LAN magic packet (UDP 7 or 9) is unauthenticated and wakes any machine whose MAC address the sender knows (R-OOB-3). "
    + "Any inbound Allow that covers UDP 7 or 9 (protocol Udp or `*`, including rules that open every UDP port) and is not shadowed by an earlier Deny is flagged. "
    + "Warning, because waking a machine is not by itself an intrusion.",
  fix: "Remove the rule and wake computers with out-of-band management (Intel AMT power-on, see the OOB zone), or narrow the rule so it does not cover UDP 7/9.",
  requirements: ["R-OOB-3"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    for (const rule of ctx.network.inboundAllows) {
      const state = WOL_PORTS.map((p) => ruleCoversPort(rule, "Udp", p));
      if (state.every((s) => s === false)) continue;
      if (state.some((s) => s === undefined)) {
        ctx.unverified(rule.resource, `${describeRule(rule)}: its protocol or ports are not known before apply, so it may allow Wake-on-LAN (UDP 7/9) (${rule.unknowns.join("; ")})`);
        continue;
      }
      const open = WOL_PORTS.filter((p, i) => state[i] === true && !isShadowedByDeny(rule, "Udp", p));
      if (open.length === 0) continue;
      const what = coversAllPorts(rule) ? `opens every ${rule.protocol === "*" ? "protocol and port" : "UDP port"}, including Wake-on-LAN (UDP ${open.join(", ")})` : `allows Wake-on-LAN (UDP ${open.join(", ")})`;
      ctx.report(rule.resource, `${describeRule(rule)} ${what} from ${rule.sources.map((s) => s.text).join(", ") || "?"}: prefer out-of-band management, which authenticates and encrypts the power-on command`);
    }
  },
});
