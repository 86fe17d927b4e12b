import { isShadowedByDeny } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";
import { isHost } from "../../network/cidr";
import { DOMAIN_SERVICE_PORTS } from "../../network/service-ports";
import { namesPort } from "../kms/helpers";

const LOCATOR_PORTS = DOMAIN_SERVICE_PORTS.filter((p) => p.locator);

export const domainServicesToBroadDestination = defineRule({
  id: "SDZ-DOM-001",
  level: RuleLevel.WARNING,
  area: "kms",
  title: "Kerberos/LDAP/DNS rule towards any or a whole range instead of DC addresses",
  rationale:
    "Seed 004: 'To minimize the security issues, you should allow these exemptions only for the specific IP addresses of the domain controllers and the DNS servers.' A Kerberos, LDAP, Global Catalog or DNS rule whose destination is any, a service tag or a whole range opens those services on every host there.",
  fix: "Point the rule at the domain controllers' and DNS servers' own addresses (/32), e.g. with IdentityZone and DomainController.",
  requirements: ["R-SEC-1"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    for (const rule of ctx.network.rules) {
      if (rule.access !== "Allow") continue;
      const ports = LOCATOR_PORTS.filter((p) => namesPort(rule, p.protocol, p.from) && !(rule.direction === "Inbound" && isShadowedByDeny(rule, p.protocol, p.from)));
      if (ports.length === 0) continue;
      const names = Array.from(new Set(ports.map((p) => `${p.name} ${p.protocol.toUpperCase()} ${p.from}`))).join(", ");
      const broad = rule.destinations.filter((d) => d.kind === "any" || d.kind === "tag" || (d.kind === "cidr" && !isHost(d.block!)));
      if (broad.length > 0) {
        ctx.report(rule.resource, `${rule.direction ?? ""} rule "${rule.name}" allows ${names} towards ${broad.map((b) => b.text).join(", ")} instead of specific domain controller/DNS addresses`.trim());
      } else if (rule.destinations.some((d) => d.kind === "unknown")) {
        ctx.unverified(rule.resource, `rule "${rule.name}" allows ${names} towards a destination not known before apply (${rule.unknowns.join("; ")})`);
      }
    }
  },
});
