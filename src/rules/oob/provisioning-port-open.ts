import { provisioningOf, SEED } from "./common";
import { exampleTerraform, nsgRule } from "./examples";
import { oob002Findings } from "./port-verdicts";
import { OobTags } from "../../contract/oob-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningPortOpen = defineRule({
  id: "SDZ-OOB-002",
  level: RuleLevel.ERROR,
  title: "AMT provisioning port open while out-of-band provisioning is off, or open beyond the AMT client segments",
  rationale:
    `${SEED}: with out-of-band provisioning, untrusted computers can be provisioned and receive an Active Directory account and a server-authentication certificate `
    + "(elevation of privilege). If you do not need it, block the provisioning port (TCP 9971 by default) on the out-of-band service point (R-OOB-1); when it is "
    + "enabled, only the AMT client segments need to reach it. The rule asks the access model who reaches the provisioning port of each service point (its "
    + "declared custom port, else 9971) through any rule, and who reaches TCP 9971 on any other host through a rule written for it. Out-of-band provisioning "
    + "is on only where the service point declares `sdz-oob-provisioning=enabled` (a Configuration Manager setting; nothing else in Azure records it); the "
    + "allowed segments are its `sdz-oob-amt-client-prefixes`. AzureLoadBalancer is not a source; a rule that opens every port from the broad Internet is "
    + "SDZ-NET-001's, and so, host by host, is a rule not written for the port whose values are not known before apply (a dynamic security_rule block, "
    + "ports from a variable) where SDZ-NET-001's could-not-verify about it names TCP 9971 (NET-001 lists the default port only: a custom provisioning "
    + "port stays this rule's, as does a rule written for the port); "
    + "a host with no NSG at all is SDZ-NET-002's. A rule whose destination ports are not known before apply may open the AMT ports too: on an "
    + "out-of-band service point SDZ-OOB-001 leaves it to this could-not-verify, which then says so; on any other host (where this rule reads "
    + "TCP 9971 only for rules written for it) it is left to SDZ-OOB-001's could-not-verify where that one reports it, which names TCP 9971: "
    + "one could-not-verify per unknown field. Where this could-not-verify (not SDZ-OOB-001's) is the one about a rule whose destination ports are not known "
    + "before apply, from sources that are not the Internet, it names every other service the unknown value may open on the host (KMS, the domain services, "
    + "SNMP, Wake-on-LAN, PXE), whose rules leave it to this finding, as SDZ-OOB-001's rationale says. "
    + "Suppressing this rule's finding about such a rule (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides.",
  fix: "Deny the provisioning port on the service point's NSG (OutOfBandServicePoint does unless outOfBandProvisioning is true), or enable provisioning explicitly "
    + "(sdz-oob-provisioning=enabled) and allow the port only from the AMT client segments listed in sdz-oob-amt-client-prefixes.",
  requirements: ["R-OOB-1"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_nat_rule_collection", ...VM_TYPES],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "Azure Firewall network and DNAT rules on the path",
    "out-of-band service points (declared or inferred) and their declared sdz-oob-provisioning, sdz-oob-provisioning-port and sdz-oob-amt-client-prefixes",
  ],
  check(ctx) {
    for (const p of provisioningOf(ctx)) {
      // An invalid port is SDZ-OOB-003's error; one that is not known yet is could-not-verify here.
      if (p.portProblem?.state === "unknown") {
        ctx.unverified(p.sp.vm.resource, `the provisioning port of out-of-band service point ${p.sp.vm.resource.address} is not known (${p.portProblem.reason}), so the port that must be blocked cannot be checked`);
      }
    }
    for (const f of oob002Findings(ctx)) (f.status === "fail" ? ctx.report(f.resource, f.message) : ctx.unverified(f.resource, f.message));
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The provisioning port opened to the client subnet while nothing declares out-of-band provisioning",
      terraform: exampleTerraform({ managementRules: [nsgRule("allow-provisioning", 200, "Inbound", "Allow", "9971", "10.0.20.0/24", "10.0.9.10")] }),
      flagged: ["azurerm_network_security_group.management"],
    }],
    good: [{
      description: "Provisioning declared enabled on a custom port, reached only from the declared AMT client segment",
      terraform: exampleTerraform({
        managementRules: [nsgRule("allow-provisioning", 200, "Inbound", "Allow", "9972", "10.0.20.0/24", "10.0.9.10")],
        serverTags: { [OobTags.PROVISIONING]: "enabled", [OobTags.PROVISIONING_PORT]: "9972", [OobTags.AMT_CLIENT_PREFIXES]: "10.0.20.0/24", [ZoneTags.ROLE]: DeploymentRole.OOB_SERVICE_POINT },
      }),
    }],
  })),
});
