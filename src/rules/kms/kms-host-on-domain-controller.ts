import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule } from "./example-sites";
import { DSC_DOMAIN_CONTROLLER, DSC_KMS_HOST, KMS, roleText } from "./kms-reaches";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { Reachability } from "../../engine/access/reachability";
import { Vm } from "../../engine/access/topology";
import { mayHaveNamingRule, mayName, namingRule, reachOn, serviceDeciderOf } from "../../engine/exposure";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { SERVICE_PORTS, ServicePort } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";

const S = SERVICE_PORTS;
/** What makes a domain controller on the network: Kerberos and LDAP (as the roles model infers it). */
const DC_SIGNATURE: ServicePort[][] = [[S.KERBEROS_TCP, S.KERBEROS_UDP], [S.LDAP_TCP, S.LDAP_UDP]];

/**
 * Whether values not known before apply could let each group of ports in through a rule written for
 * it (so the role would be inferred): the doubts, or undefined when some group is certainly closed.
 */
function mayServe(model: TerraformModel, vm: Vm, groups: ServicePort[][]): string[] | undefined {
  const endpoints = Reachability.of(model).access.endpointsOfVm(vm);
  const doubts: string[] = [];
  for (const anyOf of groups) {
    let hit: string | undefined;
    for (const ep of endpoints) {
      for (const p of anyOf) {
        // Both answers below need a rule that names the port (or whose ports are not known).
        if (!mayHaveNamingRule(model, ep, p)) continue;
        for (const r of reachOn(model, ep, p)) {
          if (namingRule(r, p)) hit ??= "";
          else if (mayName(r, p)) hit ??= `${serviceDeciderOf(r, p, ep).label} may open ${p.protocol.toUpperCase()} ${p.from} (${r.doubts.join("; ") || "values not known before apply"})`;
        }
      }
    }
    if (hit === undefined) return undefined;
    if (hit) doubts.push(hit);
  }
  return doubts;
}

export const kmsHostOnDomainController = defineRule({
  id: "SDZ-KMS-001",
  level: RuleLevel.ERROR,
  suppressible: false,
  title: "KMS host and domain controller on the same VM",
  rationale:
    "Seed 003: if the KMS service runs on a domain controller, the DC is exposed to every zone that activates, and a compromise of KMS (MS-RPC, with a history "
    + "of wormable flaws) compromises the domain: 'Have KMS service on a separate virtual server so that compromise of KMS will not compromise Domain Controllers.' "
    + `The rule asks the roles model for every VM that is both a KMS host and a domain controller, on any evidence: declared (${ZoneTags.ROLE} on the VM or its NICs) or `
    + "inferred (reachable on TCP 1688 through a rule written for KMS; reachable on Kerberos and LDAP through rules written for them; a script, in an extension "
    + `or a run command, that sets up a KMS host or installs AD DS; for a KMS host, ${DSC_KMS_HOST}; for a domain controller, ${DSC_DOMAIN_CONTROLLER}). Where`
    + " values not known before apply could complete the second role (a rule's ports or sources from a "
    + "variable, a role tag that cannot be read), the VM is reported as could-not-verify. Not suppressible: no exception makes a KMS host on a DC safe.",
  fix: "Run KMS on its own VM (KmsHost in an ActivationZone), remove the Volume Activation role and TCP 1688 from the domain controller, and activate against the new host's address.",
  requirements: ["R-KMS-1"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface", "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_virtual_machine_extension"],
  reads: [
    `deployment roles of VMs: ${ZoneTags.ROLE} on the VM and its NICs (declared), reachability on TCP 1688 and on Kerberos + LDAP through rules written for them (inline and standalone NSG rules of subnets and NICs, Azure Firewall on the path), extension and run-command scripts that configure KMS or install AD DS, and PowerShell DSC (the DSC extension, Azure Automation DSC configurations and node configurations) that does (inferred)`,
  ],
  check(ctx) {
    for (const vm of ctx.access.topology.vms) {
      const roles = ctx.roles.ofVm(vm);
      const kms = ctx.roles.claim(vm, DeploymentRole.KMS_HOST);
      const dc = ctx.roles.claim(vm, DeploymentRole.DOMAIN_CONTROLLER);
      if (kms && dc) {
        ctx.report(vm.resource, `the VM is both a KMS host (${roleText(kms)}) and a domain controller (${roleText(dc)}): a compromise of KMS compromises the domain`);
        continue;
      }
      if (!kms && !dc) continue;
      const [have, missing] = kms ? [`a KMS host (${roleText(kms)})`, "a domain controller"] : [`a domain controller (${roleText(dc!)})`, "a KMS host"];
      const doubts = kms ? mayServe(ctx.model, vm, DC_SIGNATURE) : mayServe(ctx.model, vm, [[KMS]]);
      if (roles.unknown) ctx.unverified(vm.resource, `the VM is ${have}; whether it is also ${missing} cannot be told: its role tag cannot be read (${roles.unknown})`);
      else if (doubts && doubts.length > 0) ctx.unverified(vm.resource, `the VM is ${have} and may also be ${missing}: ${doubts.join("; ")}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "One VM reachable on TCP 1688 and on Kerberos and LDAP through rules written for them: KMS runs on the domain controller",
      terraform: colocationSite(["1688", "88", "389"]),
      flagged: ["azurerm_windows_virtual_machine.kms"],
    }],
    good: [{
      description: "The domain controller serves Kerberos and LDAP only; KMS lives elsewhere",
      terraform: colocationSite(["88", "389"]),
    }],
  })),
});

function colocationSite(ports: string[]): { [key: string]: unknown } {
  return exampleKmsSite([exampleRule("allow-from-clients", 100, "Tcp", ports, "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL]);
}
