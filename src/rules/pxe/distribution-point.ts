import { describeDp, distributionPoints } from "./common";
import { lowestTrust, SubnetView, ZoneView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";

const DP_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface"];

export const dpPublicIp = defineRule({
  id: "SDZ-PXE-002",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE distribution point with a public IP",
  rationale:
    "A PXE-enabled distribution point must answer only on its PXE segment (seed 001: respond to PXE requests only on specified network interfaces). A public IP exposes PXE, TFTP and the distribution point itself to untrusted networks.",
  fix: "Remove public_ip_address_id from the distribution point's NIC; administer it through Azure Bastion or the management zone (PxeDistributionPoint never creates a public IP).",
  requirements: ["R-PXE-2"],
  resourceTypes: DP_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      if (dp.vm.nicsUnknown) ctx.unverified(dp.vm.resource, `${describeDp(dp)}: some network_interface_ids cannot be followed to a NIC of this configuration`);
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const pip = cfg.publicIpAddressId;
          if (pip !== undefined && pip !== null && pip !== "") {
            ctx.report(nic.resource, `${describeDp(dp)} has a public IP on NIC ${nic.resource.address} (ip_configuration "${cfg.name ?? "?"}")`);
          }
        }
      }
    }
  },
});

export const dpMultiHomed = defineRule({
  id: "SDZ-PXE-003",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE distribution point multi-homed or forwarding traffic",
  rationale:
    "If a distribution point responds to PXE on all network interfaces it may expose the PXE service to untrusted networks (seed 001). One NIC in the PXE segment, not spanning subnets and not forwarding IP, keeps PXE on the segment it was meant for.",
  fix: "Give the distribution point exactly one NIC in the PXE subnet, with ip_forwarding_enabled = false (PxeDistributionPoint does this).",
  requirements: ["R-PXE-2"],
  resourceTypes: DP_TYPES,
  check(ctx) {
    for (const dp of distributionPoints(ctx.model, ctx.network)) {
      const subnets = new Set<SubnetView>();
      let unknownSubnet = dp.vm.nicsUnknown;
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          if (cfg.subnet) subnets.add(cfg.subnet);
          else if (cfg.subnetUnknown) unknownSubnet = true;
        }
        if (nic.ipForwarding.known && nic.ipForwarding.value === true) {
          ctx.report(nic.resource, `${describeDp(dp)}: NIC ${nic.resource.address} has IP forwarding enabled`);
        } else if (!nic.ipForwarding.known) {
          ctx.unverified(nic.resource, `${describeDp(dp)}: ip_forwarding_enabled of ${nic.resource.address} is not known (${nic.ipForwarding.reason})`);
        }
      }
      if (subnets.size > 1) {
        ctx.report(dp.vm.resource, `${describeDp(dp)} has NICs in ${subnets.size} subnets (${[...subnets].map((s) => s.name ?? s.resource.address).join(", ")})`);
      } else if (unknownSubnet) {
        ctx.unverified(dp.vm.resource, `${describeDp(dp)}: the subnet of some NIC cannot be followed, so multi-homing cannot be ruled out`);
      }
    }
  },
});

export const dpZoneTrust = defineRule({
  id: "SDZ-PXE-004",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "PXE distribution point in a zone below INTERNAL trust",
  rationale:
    "Don't enable a distribution point for PXE when it's in an untrusted network, such as a perimeter network (seed 001); place protections around any network that contains PXE (seed 000).",
  fix: "Move the distribution point into a PxeZone (INTERNAL or MANAGEMENT trust), or tag its NSG with sdz-trust INTERNAL only if the segment really is internal and segmented.",
  requirements: ["R-PXE-1"],
  resourceTypes: [...DP_TYPES, "azurerm_network_security_group", "azurerm_subnet"],
  check(ctx) {
    const net = ctx.network;
    for (const dp of distributionPoints(ctx.model, net)) {
      const zones = new Set<ZoneView>();
      dp.vm.nics.forEach((n) => net.zonesOfNic(n).forEach((z) => zones.add(z)));
      const trusted = [...zones].filter((z) => z.trust !== undefined);
      const low = lowestTrust(trusted);
      if (low !== undefined && !Trust.isAtLeast(low, TrustLevel.INTERNAL)) {
        const names = trusted.filter((z) => z.trust === low).map((z) => z.name).join(", ");
        ctx.report(dp.vm.resource, `${describeDp(dp)} sits in ${low} zone ${names}`);
      } else if (trusted.length === 0) {
        ctx.unverified(dp.vm.resource, `${describeDp(dp)} is in no zone tagged with sdz-trust, so its segment's trust is unknown`);
      }
    }
  },
});
