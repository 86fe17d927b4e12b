import { listOf, provisioningOf, SEED, ServicePointProvisioning } from "./common";
import { exampleTerraform, nsgRule } from "./examples";
import { OobTags } from "../../contract/oob-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { SourceSet } from "../../engine/access/source-set";
import { VM_TYPES } from "../../engine/access/topology";
import { sourcesOf } from "../../engine/amt-service-points";
import { classifySources, Decider, describeHosts, hostEndpoints, mayHaveNamingRule, mayName, namesRange, namingRule, reachOn, serviceDeciderOf } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { ServicePort } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";
import { reportedByNet001, unknownRuleLeftToNet001 } from "../net/reported-by-net-001";

interface Group {
  readonly decider: Decider;
  readonly outcome: "allow" | "uncertain";
  readonly port: number;
  readonly prov?: ServicePointProvisioning;
  readonly endpoint: Endpoint;
  readonly hosts: Set<string>;
  readonly doubts: Set<string>;
  sources: SourceSet;
}

function provisioningPort(port: number): ServicePort {
  return { name: "AMT provisioning", protocol: "Tcp", from: port, to: port };
}

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
    + "a host with no NSG at all is SDZ-NET-002's.",
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
    const provs = provisioningOf(ctx);
    const groups = new Map<string, Group>();
    for (const p of provs) {
      // An invalid port is SDZ-OOB-003's error; one that is not known yet is could-not-verify here.
      if (p.portProblem?.state === "unknown") {
        ctx.unverified(p.sp.vm.resource, `the provisioning port of out-of-band service point ${p.sp.vm.resource.address} is not known (${p.portProblem.reason}), so the port that must be blocked cannot be checked`);
      }
    }
    for (const ep of hostEndpoints(ctx.model)) {
      const prov = provs.find((p) => p.sp.vm === ep.vm);
      const port = prov ? prov.port : OobTags.DEFAULT_PROVISIONING_PORT;
      if (port === undefined) continue;
      const svc = provisioningPort(port);
      // Away from a service point only rules written for the port count: none may name it, nothing to ask.
      if (!prov && !mayHaveNamingRule(ctx.model, ep, svc)) continue;
      const reaches = reachOn(ctx.model, ep, svc);
      // DNAT traffic reaches the NSG from the firewall's subnet: that echo of a DNAT reach is the DNAT rule's finding, not a second one.
      const echo = sourcesOf(reaches.flatMap((r) => (r.dnat?.firewall?.subnet?.prefixes.known ? r.dnat.firewall.subnet.prefixes.value : [])));
      for (const r of reaches) {
        const named = !!namingRule(r, svc) || mayName(r, svc);
        // The rule written for the port, in whichever layer (what SDZ-NET-001 leaves to this rule), else the deciding rule.
        const decider = serviceDeciderOf(r, svc, ep);
        if (!named && (!prov || decider.kind === "no-nsg")) continue;
        // A rule that opens every port to the Internet is SDZ-NET-001's one finding.
        if (!named && reportedByNet001(ctx, ep, decider)) continue;
        // A rule not written for the port whose values are not known before apply and whose could-not-verify NET-001 reports
        // on this host naming it (TCP 9971; a custom port is not in NET-001's list) is that one finding.
        if (unknownRuleLeftToNet001(ctx, r, ep, svc)) continue;
        const sources = r.dnat ? r.sources : r.sources.subtract(echo);
        if (sources.isEmpty) continue;
        const key = `${r.outcome}|${decider.resource.address}|${decider.label}|${port}|${prov?.sp.vm.resource.address ?? ""}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { decider, outcome: r.outcome, port, prov, endpoint: ep, hosts: new Set(), doubts: new Set(), sources: SourceSet.EMPTY }));
        g.sources = g.sources.union(sources);
        g.hosts.add(ep.label);
        r.doubts.forEach((d) => g!.doubts.add(d));
      }
    }
    for (const g of groups.values()) {
      const names = !g.decider.ports || namesRange(g.decider.ports, g.port, g.port);
      const classes = classifySources(ctx.model, g.endpoint, g.sources).filter((c) => c.kind !== "platform" && !(c.kind === "internet" && c.broad && !names));
      if (classes.length === 0) continue;
      const head = `${g.decider.label} ${g.outcome === "allow" ? "allows" : "may allow"} the AMT provisioning port TCP ${g.port}`;
      const where = describeHosts(g.hosts);
      const doubts = g.doubts.size > 0 ? ` (${[...g.doubts].join("; ")})` : "";
      const report = (msg: string) => (g.outcome === "allow" ? ctx.report(g.decider.resource, msg) : ctx.unverified(g.decider.resource, `${msg}${doubts}`));
      const mode = g.prov?.mode ?? { state: "disabled" as const, declared: false };
      if (mode.state === "unknown") {
        ctx.unverified(g.decider.resource, `${head} to ${where}, and whether out-of-band provisioning is enabled there is not known (${mode.reason})`);
        continue;
      }
      if (mode.state === "disabled") {
        const why = !g.prov ? "no out-of-band service point with provisioning enabled is there"
          : mode.declared ? `${g.prov.sp.vm.resource.address} declares out-of-band provisioning disabled` : `${g.prov.sp.vm.resource.address} does not declare out-of-band provisioning enabled (${OobTags.PROVISIONING})`;
        report(`${head} from ${listOf(classes.map((c) => c.text))} to ${where}, while out-of-band provisioning is off: ${why}`);
        continue;
      }
      const clients = g.prov!.clients;
      if (clients.state !== "declared") {
        const why = clients.state === "absent" ? `${g.prov!.sp.vm.resource.address} declares no AMT client segments (${OobTags.AMT_CLIENT_PREFIXES})` : clients.reason;
        ctx.unverified(g.decider.resource, `${head} to ${where} with out-of-band provisioning enabled, but the AMT client segments allowed to reach it are not known: ${why}`);
        continue;
      }
      const outside = classifySources(ctx.model, g.endpoint, g.sources.subtract(clients.sources))
        .filter((c) => c.kind !== "platform" && !(c.kind === "internet" && c.broad && !names));
      if (outside.length === 0) continue;
      report(`${head} from ${listOf(outside.map((c) => c.text))} to ${where}, outside the declared AMT client segments (${clients.text.join(", ")})`);
    }
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
