import { isKmsNic, vmRoles } from "./helpers";
import { KMS_HARDENING, KmsTags } from "../../contract/kms-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { defineRule, RuleLevel } from "../../engine/rule";

export const kmsDynamicIp = defineRule({
  id: "SDZ-KMS-004",
  level: RuleLevel.ERROR,
  area: "kms",
  title: "KMS host network interface with a dynamic private IP",
  rationale:
    "Seed 003: 'See if the IP address of the KMS server can be hardcoded in the initial install so that access to internal DNS server is not necessary.' Clients configured with slmgr /skms <ip>:1688 need an address that never changes.",
  fix: "Set private_ip_address_allocation = \"Static\" and a private_ip_address on every NIC of the KMS host (KmsHost does), and give clients `slmgr /skms <ip>:1688`.",
  requirements: ["R-KMS-4"],
  resourceTypes: ["azurerm_network_interface", "azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"],
  check(ctx) {
    const m = ctx.model;
    for (const nic of ctx.network.nics) {
      if (!isKmsNic(nic)) continue;
      for (const cfg of m.blocks(nic.resource, "ip_configuration")) {
        const name = m.resolveString(cfg.name);
        const label = `ip_configuration "${name.known ? name.value : "?"}"`;
        const alloc = m.resolveString(cfg.private_ip_address_allocation);
        if (!alloc.known) {
          ctx.unverified(nic.resource, `${label}: private_ip_address_allocation is not known before apply (${alloc.reason})`);
        } else if (alloc.value.toLowerCase() !== "static") {
          ctx.report(nic.resource, `${label} of a KMS host NIC uses a ${alloc.value} private IP: clients cannot be pointed at a fixed address`);
        } else if (cfg.private_ip_address === undefined || cfg.private_ip_address === null || cfg.private_ip_address === "") {
          ctx.report(nic.resource, `${label} of a KMS host NIC is Static but sets no private_ip_address`);
        }
      }
    }
    for (const vm of ctx.network.vms) {
      if (vm.nicsUnknown && vmRoles(vm).has(DeploymentRole.KMS_HOST)) {
        ctx.unverified(vm.resource, "some network interfaces of this KMS host are not part of this configuration, so their IP allocation cannot be checked");
      }
    }
  },
});

export const kmsAnonymousHardening = defineRule({
  id: "SDZ-KMS-005",
  level: RuleLevel.WARNING,
  area: "kms",
  title: "KMS host without anonymous-access hardening",
  rationale:
    "Seed 003: 'MS RPC access to the servers might accept anonymous connections by default ... these connections might enumerate user accounts and shares on the KMS host.' 'Disallow anonymous connections.' The hardening (RestrictAnonymous, RestrictAnonymousSAM, RestrictNullSessAccess, SMB 1 removed) is applied inside the guest, so it is recorded as sdz-* tags on the VM.",
  fix: `Apply the hardening with KmsHost (a PowerShell extension) or your own configuration management, and record it on the VM: ${KMS_HARDENING.map((t) => `${t.spec.key}=true`).join(", ")}.`,
  requirements: ["R-KMS-5"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface"],
  check(ctx) {
    const m = ctx.model;
    for (const vm of ctx.network.vms) {
      if (!vmRoles(vm).has(DeploymentRole.KMS_HOST)) continue;
      const raw = m.resolve(vm.resource.config.tags);
      if (!raw.known) {
        ctx.unverified(vm.resource, `the VM's tags are not known before apply (${raw.reason}), so its hardening record (${KmsTags.RESTRICT_ANONYMOUS}...) cannot be read`);
        continue;
      }
      const tags = m.tags(vm.resource);
      const missing = KMS_HARDENING.filter((t) => (tags[t.spec.key] ?? "").toLowerCase() !== "true");
      if (missing.length > 0) {
        ctx.report(vm.resource, `the KMS host does not record ${missing.map((t) => `${t.what} (${t.spec.key}=true)`).join(", ")}`);
      }
    }
  },
});

export const makActivationDeclared = defineRule({
  id: "SDZ-KMS-007",
  level: RuleLevel.INFO,
  area: "kms",
  title: "Zone activates with MAK instead of KMS",
  rationale:
    "Seed 003: 'The MAK method should be used for machines in firewalled zones' and 'Use proxy MAK activation for less secure/internet facing dmz.' A zone that declares MAK (sdz-activation=mak on its NSG) is listed so the report shows how its servers activate.",
  fix: "Nothing to fix: activate the zone's servers with a MAK (slmgr /ipk <MAK>, or VAMT proxy activation). Keep the zone out of every KMS allowlist.",
  requirements: ["R-KMS-3"],
  resourceTypes: ["azurerm_network_security_group"],
  check(ctx) {
    for (const nsg of ctx.network.nsgs) {
      const tags = ctx.model.tags(nsg.resource);
      if ((tags[KmsTags.ACTIVATION] ?? "").toLowerCase() !== "mak") continue;
      const why = tags[KmsTags.ACTIVATION_JUSTIFICATION];
      ctx.report(nsg.resource, `zone ${nsg.zoneName ?? nsg.name ?? nsg.resource.name}${nsg.trust ? ` (${nsg.trust})` : ""} activates with MAK, not KMS${why ? `: ${why}` : ""}`);
    }
  },
});
