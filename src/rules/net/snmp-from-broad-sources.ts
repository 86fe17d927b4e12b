import { subnetWithRule } from "./examples";
import { serviceRuleOwns } from "./reported-by-net-001";
import { SourceSet, TokenSet } from "../../engine/access/source-set";
import { classifySources, describeHosts, exposuresByRule, mayHaveNamingRule } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { SERVICE_PORTS } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";
import { unknownRuleLeftToOob } from "../oob/port-verdicts";

/** The broadest source still counted as "specific management systems": 256 addresses (a /24). */
const MAX_SPECIFIC_ADDRESSES = 256;

/** The sources that make an SNMP allow broad: service tags other than the platform's, or more than a /24 of addresses. */
function broadPart(sources: SourceSet): string | undefined {
  const tokens = sources.tokens;
  if (tokens.all) return "any source";
  const tags = [...tokens.names].filter((t) => t.startsWith("tag:") && t !== "tag:azureloadbalancer");
  if (tags.length > 0) return `service tag ${tags.map((t) => t.slice(4)).join(", ")}`;
  const addresses = new SourceSet(sources.v4, sources.v6, TokenSet.NONE);
  if (addresses.v4.size() + addresses.v6.size() > MAX_SPECIFIC_ADDRESSES) return "more than a /24 of addresses";
  return undefined;
}

export const snmpFromBroadSources = defineRule({
  id: "SDZ-NET-005",
  level: RuleLevel.ERROR,
  title: "SNMP allowed from broad sources",
  rationale:
    "Seed 004: SNMP exemptions must specify the source and destination addresses of the SNMP management systems and agents for UDP 161 and 162 (R-SEC-5). "
    + "SNMP v1/v2c authenticates with a community string sent in clear text; opened to any address, the Internet, VirtualNetwork or another service tag, "
    + "or to more addresses than a /24, it lets any host in that range read (or set) device configuration. The rule asks the access model who reaches "
    + "UDP 161 and 162 on each host through a rule written for SNMP (its port range holds 161 or 162 and spans at most 100 ports); a rule that opens every "
    + "port from the Internet is reported once by SDZ-NET-001 instead, and so is a rule whose values are not known before apply (a dynamic security_rule block) "
    + "when SDZ-NET-001's could-not-verify about it already lists SNMP; from sources that are not the Internet, such a rule whose destination ports are not "
    + "known is left to the out-of-band owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) where it names SNMP on the host, or for a rule for UDP only to SDZ-NET-006's, which names it the same way (one could-not-verify per unknown rule). AzureLoadBalancer probes are Azure's platform, not an SNMP manager.",
  fix: "Allow UDP 161/162 only from the specific management systems (Peer.ipv4(\"10.0.9.10/32\"), a /24 or narrower, or an application security group), never from *, Internet, VirtualNetwork or another service tag.",
  requirements: ["R-SEC-5"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  reads: ["inline and standalone NSG rules of subnets and NICs, with Azure's default rules", "Azure Firewall network and DNAT rules on the path"],
  check(ctx) {
    const groups = exposuresByRule(ctx.model, [SERVICE_PORTS.SNMP, SERVICE_PORTS.SNMP_TRAP],
      // Not a rule whose ports are not known, from private sources, that the out-of-band owner's could-not-verify reports naming the port.
      (r, ep, port) => serviceRuleOwns(ctx, r, ep, port) && !unknownRuleLeftToOob(ctx, r, ep, port),
      (ep, port) => mayHaveNamingRule(ctx.model, ep, port));
    for (const g of groups) {
      const broad = broadPart(g.sources);
      if (!broad) continue;
      const classes = classifySources(ctx.model, g.endpoint, g.sources).filter((c) => c.kind !== "platform").map((c) => c.text);
      const msg = `${g.decider.label} allows ${[...g.services].join(", ")} from ${broad} (${classes.slice(0, 3).join("; ")}) to ${describeHosts(g.hosts)}: `
        + "SNMP must be allowed only between specific management systems and agents";
      if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
      else ctx.unverified(g.decider.resource, `${msg.replace(" allows ", " may allow ")} (${[...g.doubts].join("; ")})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "SNMP opened to the whole VNet",
      terraform: snmpSite("VirtualNetwork"),
      flagged: ["azurerm_network_security_group.app"],
    }],
    good: [{
      description: "SNMP from the one monitoring server",
      terraform: snmpSite("10.0.9.10"),
    }],
  })),
});

function snmpSite(source: string): { [key: string]: unknown } {
  return subnetWithRule({ name: "allow-snmp", protocol: "Udp", ports: "161-162", source });
}
