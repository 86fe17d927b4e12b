import { DEPLOYMENT_SERVER_ROLES, describeClaims, osOf, serversWith } from "./common";
import { exampleServer } from "./examples";
import { AGENT_PUBLISHER, AGENT_TYPE, Monitoring } from "./monitoring";
import { describeRolesNotTold, rolesNotTold, serverClaimsOf } from "./roles-not-told";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const securityEventsNotCollected = defineRule({
  id: "SDZ-SEC-001",
  level: RuleLevel.WARNING,
  title: "Deployment server does not send its security events to a Log Analytics workspace",
  rationale:
    "Seed 000 lists, among the protections around deployment infrastructure, \"appropriate auditing and monitoring to detect intrusions into the network\"; "
    + "seed 003 adds that KMS hosts and domain controllers expose MS-RPC, a protocol with active exploits, to other zones (R-SEC-8). "
    + "On Azure the security events of a server reach a workspace only through three pieces together: the Azure Monitor agent extension "
    + `(publisher ${AGENT_PUBLISHER}, type ${AGENT_TYPE.windows}, or ${AGENT_TYPE.linux} on Linux) with a managed identity on the VM, `
    + "a data collection rule whose windows_event_log data source collects the Security channel (an x_path_queries entry starting with \"Security!\", e.g. \"Security!*\" or a narrower "
    + "Security query; on Linux a syslog source with the auth or authpriv facility) and whose data_flow sends that stream to a log_analytics destination, and an association of that rule with the VM. "
    + "The rule applies to every VM holding a deployment role, declared (sdz-role) or inferred from the configuration: PXE distribution points, KMS hosts, domain controllers, "
    + "state migration points (also when a Configuration Manager script adds the role to the VM) and out-of-band service points (also the VM that is the only source of the allows for the AMT ports). One finding per server names every missing piece; pieces that cannot be read (a rule outside this configuration, "
    + "an extension or association whose target is a variable) make it could-not-verify. "
    + "This rule also carries, once per VM, the could-not-verify of a VM whose role tag cannot be read and that no other evidence places in a role: it names "
    + "every role left open (distribution point, KMS host, domain controller, state migration point, out-of-band service point, reference computer) and the checks of each, "
    + "in every pack, that did not run on the VM (the role-scoped rules of the other packs leave it to this finding while this rule runs, and say it themselves when it is excluded; SDZ-KMS-001 asks itself whether a KMS host is also a domain controller). "
    + "Suppressing this rule on such a VM hides that notice too. Level warning: a server without monitoring is not an opening, it hides one. "
    + "It checks that collection is configured, not that the agent gets through: the agent reaches its endpoints by name (global.handler.control.monitor.azure.com, "
    + "<workspace-id>.ods.opinsights.azure.com, outbound TCP 443, or a private link scope; learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-network-configuration) "
    + "through the VM's DNS servers, and neither path is evaluated here: a server whose NSGs block its DNS servers or that egress passes this rule and still sends nothing.",
  fix: `Add an azurerm_virtual_machine_extension (publisher ${AGENT_PUBLISHER}, type ${AGENT_TYPE.windows}, auto_upgrade_minor_version = true) and a system-assigned identity on the VM, `
    + "an azurerm_monitor_data_collection_rule with data_sources.windows_event_log { streams = [\"Microsoft-SecurityEvent\"], x_path_queries = [\"Security!*\"] }, "
    + "destinations.log_analytics { workspace_resource_id = <workspace>.id } and a data_flow from that stream to it, and an azurerm_monitor_data_collection_rule_association "
    + "(target_resource_id = the VM's id, data_collection_rule_id = the rule's id).",
  requirements: ["R-SEC-8"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_virtual_machine_extension", "azurerm_monitor_data_collection_rule", "azurerm_monitor_data_collection_rule_association"],
  reads: [
    "deployment roles of VMs (declared sdz-role, or inferred from inline, standalone and NIC-level NSG rules, firewall and DNAT paths, and extension scripts); "
      + "state migration points configured by Add-/Set-CMStateMigrationPoint scripts; the VM that is the only source of the NSG allows for Intel AMT (TCP 16992-16995)",
    "the sdz-role tag of every VM and its NICs, and the distribution point, reference computer, state migration point and AMT service point inferences, for the notice on a VM whose role tag cannot be read",
    "azurerm_virtual_machine_extension publisher, type and virtual_machine_id; the VM's identity block",
    "azurerm_monitor_data_collection_rule_association target_resource_id and data_collection_rule_id",
    "azurerm_monitor_data_collection_rule data_sources.windows_event_log (x_path_queries, streams), data_sources.syslog (facility_names, streams), data_flow, destinations.log_analytics",
  ],
  check(ctx) {
    const mon = Monitoring.of(ctx.model);
    // A VM whose role tag cannot be read: the one could-not-verify for every role-scoped check that skipped it.
    for (const n of rolesNotTold(ctx)) ctx.unverified(n.vm.resource, describeRolesNotTold(n));
    for (const { vm, claims } of serversWith(ctx, DEPLOYMENT_SERVER_ROLES, (server) => serverClaimsOf(ctx, server))) {
      const os = osOf(ctx.model, vm);
      const agent = mon.agent(vm, os);
      const identity = mon.identity(vm);
      const events = mon.securityEvents(vm, os);
      const agentType = os.os ? AGENT_TYPE[os.os] : `${AGENT_TYPE.windows} or ${AGENT_TYPE.linux}`;
      const missing: string[] = [];
      if (!agent.found && agent.doubts.length === 0) missing.push(`the Azure Monitor agent extension (publisher ${AGENT_PUBLISHER}, type ${agentType})`);
      if (!identity.found && identity.doubts.length === 0) missing.push("a managed identity on the VM (the agent authenticates with it)");
      if (!events.found && events.doubts.length === 0) {
        missing.push(events.associated
          ? `an associated data collection rule that sends ${os.os === "linux" ? "auth/authpriv syslog" : "the Security event log (x_path_queries \"Security!...\")"} to a log_analytics destination (the associated rules do not)`
          : `a data collection rule association (azurerm_monitor_data_collection_rule_association) of a rule that sends ${os.os === "linux" ? "auth/authpriv syslog" : "the Security event log"} to a Log Analytics workspace`);
      }
      const doubts = [...agent.doubts, ...identity.doubts, ...events.doubts];
      const who = `${vm.resource.address} (${describeClaims(claims)})`;
      if (missing.length > 0) {
        ctx.report(vm.resource, `${who} sends no security events to a Log Analytics workspace: missing ${missing.join("; ")}${doubts.length ? `; also could not verify: ${doubts.join("; ")}` : ""}`);
      } else if (doubts.length > 0) {
        ctx.unverified(vm.resource, `${who}: whether its security events reach a Log Analytics workspace depends on ${doubts.join("; ")}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A KMS host (inferred from its NSG rule for TCP 1688) with no monitoring agent, rule or association", terraform: exampleServer({ monitoring: "none" }), flagged: ["azurerm_windows_virtual_machine.kms01"] }],
    good: [{ description: "The agent, a system-assigned identity, a rule collecting Security!* to Log Analytics, and its association", terraform: exampleServer({ monitoring: "full" }) }],
  })),
});
