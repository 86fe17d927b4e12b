import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule } from "./example-sites";
import { DSC_KMS_HOST, roleText } from "./kms-reaches";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { isUnset } from "../../engine/access/fields";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const kmsHostWithDynamicIp = defineRule({
  id: "SDZ-KMS-004",
  level: RuleLevel.ERROR,
  title: "KMS host network interface with a dynamic private IP",
  rationale:
    "Seed 003: 'See if the IP address of the KMS server can be hardcoded in the initial install so that access to internal DNS server is not necessary.' "
    + "Clients configured with slmgr /skms <ip>:1688 need an address that never changes. The rule reads every IP configuration of every NIC of every KMS host "
    + `(declared by ${ZoneTags.ROLE}, or inferred: reachable on TCP 1688 through a rule written for KMS, a script, in an extension or a run command, that sets up a KMS host, `
    + `or ${DSC_KMS_HOST}). A Static `
    + "allocation whose address comes from a variable is fixed at apply and passes; an allocation that is not known before apply, or NICs of the VM that are "
    + "not part of the configuration, are could-not-verify.",
  fix: "Set private_ip_address_allocation = \"Static\" and a private_ip_address on every NIC of the KMS host (KmsHost does), and give clients `slmgr /skms <ip>:1688`.",
  requirements: ["R-KMS-4"],
  resourceTypes: ["azurerm_network_interface", "azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"],
  reads: ["NIC IP configurations of KMS hosts (private_ip_address_allocation, private_ip_address)", `KMS hosts: declared (${ZoneTags.ROLE}) or inferred (roles model)`],
  check(ctx) {
    for (const { vm, claim } of ctx.roles.vmsWith(DeploymentRole.KMS_HOST)) {
      const who = `KMS host ${vm.resource.address} (${roleText(claim)})`;
      if (vm.nicsUnknown) ctx.unverified(vm.resource, `${who}: some of its network interfaces are not part of this configuration (${vm.nicsUnknown}), so their IP allocation cannot be checked`);
      for (const nic of vm.nics) {
        const dynamic: string[] = [];
        const unknown: string[] = [];
        const blocks = ctx.model.blocks(nic.resource, "ip_configuration");
        nic.ipConfigs.forEach((cfg, i) => {
          const label = `ip_configuration "${cfg.name ?? i}"`;
          const ip = cfg.privateIp;
          if (ip.known) {
            if (ip.value === "dynamic") dynamic.push(label);
            return;
          }
          // Static with an address from a variable or another resource: fixed at apply.
          const alloc = ctx.model.resolveString(blocks[i]?.private_ip_address_allocation);
          if (alloc.known && alloc.value.toLowerCase() === "static" && !isUnset(blocks[i]?.private_ip_address)) return;
          unknown.push(`${label}: ${ip.field} is not known before apply (${ip.reason})`);
        });
        if (dynamic.length > 0) {
          ctx.report(nic.resource, `${dynamic.join(", ")} of ${who} ${dynamic.length > 1 ? "use" : "uses"} a dynamic private IP: clients pointed at its address (slmgr /skms <ip>:1688) lose activation when it changes`);
        } else if (unknown.length > 0) ctx.unverified(nic.resource, `${who}: ${unknown.join("; ")}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A KMS host (a rule opens TCP 1688 to it) whose NIC takes a dynamic address",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24"), EXAMPLE_DENY_ALL], { nic: { private_ip_address_allocation: "Dynamic", private_ip_address: null } }),
      flagged: ["azurerm_network_interface.kms"],
    }],
    good: [{
      description: "The same host with a static address",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24"), EXAMPLE_DENY_ALL]),
    }],
  })),
});
