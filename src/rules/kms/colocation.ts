import { destinationIncludes, KMS_TCP_PORT, namesPort, nicAddresses, vmRoles } from "./helpers";
import { DeploymentRole } from "../../contract/zone-tags";
import { isShadowedByDeny, NetworkIndex, NicView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

/** Ports that only a domain controller serves (Kerberos, LDAP, Global Catalog). */
const DC_SIGNATURE_PORTS = [
  { protocol: "Tcp", port: 88 },
  { protocol: "Udp", port: 88 },
  { protocol: "Tcp", port: 389 },
  { protocol: "Udp", port: 389 },
  { protocol: "Tcp", port: 3268 },
];

/** The first inbound allow that names one of the ports and reaches one of the NICs, as `rule "x" (TCP 88)`. */
function exposingRule(network: NetworkIndex, nics: NicView[], ports: { protocol: string; port: number }[]): string | undefined {
  for (const nic of nics) {
    const ips = nicAddresses(nic);
    for (const nsg of network.nsgsProtecting(nic)) {
      for (const rule of nsg.rules) {
        if (rule.direction !== "Inbound" || rule.access !== "Allow") continue;
        for (const p of ports) {
          if (!namesPort(rule, p.protocol, p.port) || isShadowedByDeny(rule, p.protocol, p.port)) continue;
          if (rule.destinations.some((d) => ips.some((ip) => destinationIncludes(d, ip) === "yes"))) {
            return `rule "${rule.name}" (${p.protocol.toUpperCase()} ${p.port})`;
          }
        }
      }
    }
  }
  return undefined;
}

export const kmsOnDomainController = defineRule({
  id: "SDZ-KMS-001",
  level: RuleLevel.ERROR,
  area: "kms",
  suppressible: false,
  title: "KMS host and domain controller on the same VM",
  rationale:
    "Seed 003: if the KMS service runs on a domain controller, the DC is exposed to every zone that activates, and a compromise of KMS (MS-RPC, with a history of wormable flaws) compromises the domain. 'Have KMS service on a separate virtual server so that compromise of KMS will not compromise Domain Controllers.'",
  fix: "Run KMS on its own VM (KmsHost in an ActivationZone) and keep TCP 1688 off the domain controllers.",
  requirements: ["R-KMS-1"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface", "azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    const net = ctx.network;
    for (const vm of net.vms) {
      const roles = vmRoles(vm);
      const kmsRole = roles.has(DeploymentRole.KMS_HOST);
      const dcRole = roles.has(DeploymentRole.DOMAIN_CONTROLLER);
      if (kmsRole && dcRole) {
        ctx.report(vm.resource, "the VM carries both the kms-host and the domain-controller role (sdz-role)");
        continue;
      }
      const kmsPort = kmsRole ? undefined : exposingRule(net, vm.nics, [{ protocol: "Tcp", port: KMS_TCP_PORT }]);
      const dcPort = dcRole ? undefined : exposingRule(net, vm.nics, DC_SIGNATURE_PORTS);
      if ((kmsRole || kmsPort) && (dcRole || dcPort)) {
        const kms = kmsRole ? "carries the kms-host role" : `exposes KMS through ${kmsPort}`;
        const dc = dcRole ? "carries the domain-controller role" : `exposes domain services through ${dcPort}`;
        ctx.report(vm.resource, `the VM ${kms} and ${dc}`);
      }
    }
    for (const nic of net.nics) {
      if (nic.vm) continue;
      if (nic.roles.includes(DeploymentRole.KMS_HOST) && nic.roles.includes(DeploymentRole.DOMAIN_CONTROLLER)) {
        ctx.report(nic.resource, "the network interface carries both the kms-host and the domain-controller role (sdz-role)");
      }
    }
  },
});
