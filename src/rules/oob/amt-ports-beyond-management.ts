import { SEED } from "./common";
import { exampleTerraform, nsgRule } from "./examples";
import { oob001Findings } from "./port-verdicts";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const amtPortsBeyondManagement = defineRule({
  id: "SDZ-OOB-001",
  level: RuleLevel.ERROR,
  title: "Intel AMT ports reachable from beyond the service point and the management zones",
  rationale:
    `${SEED}: the AMT management interface (TCP 16992-16995) gives power control, a remote console and media redirection, and granting the Media Redirection right is almost `
    + "equivalent to physical access (R-OOB-2). Only the out-of-band service point and MANAGEMENT zones may reach it. The rule asks the access model who reaches TCP "
    + "16992-16995 on each host through a rule written for those ports (its range spans at most 100 ports), and on hosts of the declared AMT client segments "
    + "(`sdz-oob-amt-client-prefixes`) through any rule. Sources are classified: the service point's own addresses pass; a zone passes when its trust is MANAGEMENT "
    + "(declared; an internet-facing zone counts as PERIMETER whatever its tag); GatewaySubnet, RouteServerSubnet and AzureFirewallManagementSubnet are no client "
    + "zone (what Azure runs there sends no client's traffic from their addresses); AzureFirewallSubnet is no zone either: the firewall sends from it the traffic of "
    + "the clients it DNATs, judged as themselves on the DNAT rule (the Internet, or the zone a Private IP DNAT takes them from), and of the clients it routes, which keep "
    + "their own address to a private host, so it is could-not-verify only where the firewall may forward clients the configuration does not show (no firewall of "
    + "this configuration in it, rules not all known, network-rule SNAT to the host, application rules on the AMT ports); a zone whose trust is neither declared nor inferred, or addresses in no zone, are "
    + "could-not-verify; the Internet, other zones, service tags and `*` are findings. The service point is the declared or inferred one (reachable on the AMT "
    + "provisioning port through a rule written for it, or the source of the only allows written for the AMT ports). AzureLoadBalancer and its address 168.63.129.16 are Azure's platform, never "
    + "a source; a rule that opens every port from the broad Internet is SDZ-NET-001's, and so, host by host, is a rule not written for the AMT ports whose values "
    + "are not known before apply (a dynamic security_rule block, ports from a variable) where SDZ-NET-001's could-not-verify about it names AMT: one "
    + "could-not-verify per unknown rule. A rule written for the AMT ports stays this rule's, and where SDZ-NET-001 says nothing about a rule on a host "
    + "(its NIC's NSG denies the Internet, the sources are private), this rule keeps its own. A rule whose destination ports are not known before apply "
    + "may open the AMT provisioning port too: on a host that is no service point, SDZ-OOB-002 leaves it to this could-not-verify, which then says so; "
    + "on an out-of-band service point this rule leaves it to SDZ-OOB-002's could-not-verify where that one reports it (the service point's "
    + "provisioning port is asked through any rule there, R-OOB-1), which names the AMT ports: one could-not-verify per unknown field. "
    + "This could-not-verify (or SDZ-OOB-002's, as above) is also the one finding about an NSG rule whose destination ports are not known before apply from sources that are not the Internet (SDZ-NET-001's): it names, host by host, every other service the unknown value may open there (KMS TCP 1688; Kerberos, kpasswd, LDAP, LDAPS, Global Catalog and DNS; SNMP; Wake-on-LAN; DHCP, TFTP and PXE/BINL), and SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006, SDZ-DOM-001, SDZ-NET-005, SDZ-NET-006, SDZ-PXE-001 and SDZ-PXE-012 leave the rule to it (one could-not-verify per unknown rule). Suppressing this rule's finding about such a rule (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides. The out-of-band pair owns it because it is the most specific about who may reach a host through such a rule (only the service point and MANAGEMENT zones may reach AMT), so it is reported wherever the KMS rules would be, and it names the hosts (SDZ-DOM-001 reads rules, not hosts). A rule excluded from the check owns nothing: the others then keep theirs. A rule written for a service's port stays that service's rule's; where this pair has nothing to say on a host (a rule for UDP only; every source may reach AMT and the provisioning port there) the others keep theirs, and a rule for UDP only is SDZ-NET-006's one could-not-verify, which names the other services the same way (it reports any source but Azure's platform, so it is reported wherever they would be).",
  fix: "Allow TCP 16992-16995 only from the out-of-band service point's address or from a zone tagged sdz-trust=MANAGEMENT (OutOfBandServicePoint does this for its AMT client zones).",
  requirements: ["R-OOB-2"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_nat_rule_collection"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network and DNAT rules on the path",
    "for sources in AzureFirewallSubnet: the firewall there, whether its rules are all known, its SNAT private ranges and its application rules",
    "zones and their trust (sdz-trust refines; internet-facing is PERIMETER)",
    "out-of-band service points (declared or inferred) and their sdz-oob-amt-client-prefixes",
  ],
  check(ctx) {
    for (const f of oob001Findings(ctx)) (f.status === "fail" ? ctx.report(f.resource, f.message) : ctx.unverified(f.resource, f.message));
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "AMT allowed on the client subnet from any source",
      terraform: exampleTerraform({ clientRules: [nsgRule("allow-amt", 200, "Inbound", "Allow", "16992-16995", "*")] }),
      flagged: ["azurerm_network_security_group.clients"],
    }],
    good: [{
      description: "AMT allowed only from the one host that manages the AMT clients (the service point, inferred without any tag)",
      terraform: exampleTerraform({ clientRules: [nsgRule("allow-amt", 200, "Inbound", "Allow", "16992-16995", "10.0.9.10")] }),
    }],
  })),
});
