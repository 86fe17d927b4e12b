import { subnetWithRule } from "./examples";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";
import { wakeOnLanFindings } from "../oob/port-verdicts";

export const wakeOnLanAllowed = defineRule({
  id: "SDZ-NET-006",
  level: RuleLevel.WARNING,
  title: "Wake-on-LAN allowed inbound",
  rationale:
    "Seed 002: use out-of-band management instead of Wake On LAN; out-of-band management authenticates and encrypts with industry-standard protocols, "
    + "while a Wake-on-LAN magic packet (UDP 7 or 9) is unauthenticated and wakes any machine whose MAC address the sender knows (R-OOB-3). "
    + "The rule asks the access model who reaches UDP 7 or 9 on each host through a rule written for them (its port range holds 7 or 9 and spans at most "
    + "100 ports); a rule that opens every port from the Internet is reported once by SDZ-NET-001, and so is a rule whose values are not known "
    + "before apply (a dynamic security_rule block) when SDZ-NET-001's could-not-verify about it already lists Wake-on-LAN; from sources that are not the Internet, such a rule whose destination ports "
    + "are not known is left to the out-of-band owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) where it names Wake-on-LAN on the host (one could-not-verify per unknown rule). "
    + "Where the out-of-band pair has nothing to say (a rule for UDP only), this rule's could-not-verify is that one finding: it names every other service the unknown value "
    + "may open on each host (SNMP, PXE, the domain services' UDP ports; KMS too for a rule of every protocol), and SDZ-NET-005, SDZ-PXE-001, SDZ-PXE-012, SDZ-DOM-001 "
    + "and the KMS rules (SDZ-KMS-002, 003, 006) leave the rule to it (this rule reports any source but Azure's platform, so it is reported wherever they would be); "
    + "an out-of-band rule excluded from the check owns nothing, so this one may own such a rule then. Suppressing this rule's finding about such a rule (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides. Warning, because waking a machine is not by itself an intrusion.",
  fix: "Remove the rule and wake computers with out-of-band management (Intel AMT power-on, see the OOB zone), or narrow the rule so it does not cover UDP 7/9.",
  requirements: ["R-OOB-3"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  reads: ["inline and standalone NSG rules of subnets and NICs, with Azure's default rules", "Azure Firewall network and DNAT rules on the path"],
  check(ctx) {
    for (const f of wakeOnLanFindings(ctx)) {
      if (f.status === "fail") ctx.report(f.resource, f.message);
      else ctx.unverified(f.resource, f.message);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "UDP 9 (Wake-on-LAN) opened from the client subnet",
      terraform: wolSite("9"),
      flagged: ["azurerm_network_security_group.app"],
    }],
    good: [{
      description: "No Wake-on-LAN port opened",
      terraform: wolSite("443"),
    }],
  })),
});

function wolSite(port: string): { [key: string]: unknown } {
  return subnetWithRule({ name: "allow-wake", protocol: "Udp", ports: port, source: "10.0.2.0/24" });
}
