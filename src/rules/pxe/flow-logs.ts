import { describeDp, distributionPoints } from "./common";
import { TfResource } from "../../engine/model";
import { NicView, SubnetView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";

const ARM_ID = /\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups|networkInterfaces)\/([^/]+)(?:\/subnets\/([^/]+))?\/?$/i;

export const pxeZoneFlowLogs = defineRule({
  id: "SDZ-PXE-008",
  level: RuleLevel.WARNING,
  area: "pxe",
  title: "PXE zone without flow logs",
  rationale:
    "Place protections around any network that contains PXE-enabled computers and use appropriate auditing and monitoring to detect intrusions (seed 000); use defense in depth to protect the segments where clients reach PXE-enabled distribution points (seed 001).",
  fix: "Keep the DeploymentNetwork's VNet flow log on (the default), or add an enabled azurerm_network_watcher_flow_log whose target_resource_id is the VNet or the PXE subnet.",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_watcher_flow_log", "azurerm_subnet", "azurerm_virtual_network", "azurerm_network_security_group"],
  check(ctx) {
    const m = ctx.model;
    const dps = distributionPoints(m, ctx.network);
    if (dps.length === 0) return;

    // What enabled flow logs cover: resources referenced, or names parsed from literal ARM IDs.
    const coveredResources = new Set<TfResource>();
    const coveredNames = new Set<string>();
    const unknownTargets: string[] = [];
    for (const fl of m.ofType("azurerm_network_watcher_flow_log")) {
      const enabled = m.resolveBoolean(fl.config.enabled);
      if (enabled.known && enabled.value === false) continue;
      const target = fl.config.target_resource_id ?? fl.config.network_security_group_id;
      const ref = m.referencedResource(target);
      if (ref) {
        if (enabled.known) coveredResources.add(ref);
        else unknownTargets.push(`${fl.address} (enabled: ${enabled.reason})`);
        continue;
      }
      const id = m.resolveString(target);
      const parsed = id.known ? ARM_ID.exec(id.value) : null;
      if (parsed && enabled.known) {
        const kind = parsed[1].toLowerCase();
        if (kind === "virtualnetworks" && parsed[3]) coveredNames.add(`subnet:${parsed[2].toLowerCase()}/${parsed[3].toLowerCase()}`);
        else coveredNames.add(`${kind}:${parsed[2].toLowerCase()}`);
      } else {
        unknownTargets.push(`${fl.address} (${id.known ? `target "${id.value}" is not a VNet, subnet, NIC or NSG ID` : id.reason})`);
      }
    }

    const seen = new Set<SubnetView>();
    for (const dp of dps) {
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const subnet = cfg.subnet;
          if (!subnet || seen.has(subnet)) continue;
          seen.add(subnet);
          if (isCovered(subnet, nic)) continue;
          const where = subnet.name ? `subnet ${subnet.name}` : subnet.resource.address;
          if (unknownTargets.length > 0) {
            ctx.unverified(subnet.resource, `${where}, holding ${describeDp(dp)}, is covered by no known flow log, and the target of ${unknownTargets.join(", ")} is not known before apply`);
          } else {
            ctx.report(subnet.resource, `${where}, holding ${describeDp(dp)}, has no flow log on its VNet, the subnet or its NSG`);
          }
        }
      }
    }

    function isCovered(subnet: SubnetView, nic: NicView): boolean {
      const vnet = vnetOf(subnet);
      const vnetName = vnet.resource ? nameOf(vnet.resource) : vnet.name;
      const subnetName = subnet.name?.toLowerCase();
      if (!subnet.inline && coveredResources.has(subnet.resource)) return true;
      if (vnet.resource && coveredResources.has(vnet.resource)) return true;
      if (coveredResources.has(nic.resource)) return true;
      if (vnetName && coveredNames.has(`virtualnetworks:${vnetName}`)) return true;
      if (vnetName && subnetName && coveredNames.has(`subnet:${vnetName}/${subnetName}`)) return true;
      const nicName = nameOf(nic.resource);
      if (nicName && coveredNames.has(`networkinterfaces:${nicName}`)) return true;
      for (const nsg of [...subnet.nsgs, ...nic.nsgs]) {
        if (coveredResources.has(nsg.resource)) return true;
        if (nsg.name && coveredNames.has(`networksecuritygroups:${nsg.name.toLowerCase()}`)) return true;
      }
      return false;
    }

    function vnetOf(subnet: SubnetView): { resource?: TfResource; name?: string } {
      if (subnet.inline) return { resource: subnet.resource };
      const raw = subnet.resource.config.virtual_network_name;
      const ref = m.referencedResource(raw);
      if (ref && ref.type === "azurerm_virtual_network") return { resource: ref };
      const name = m.resolveString(raw);
      if (!name.known) return {};
      const lower = name.value.toLowerCase();
      const match = m.ofType("azurerm_virtual_network").find((v) => nameOf(v) === lower);
      return match ? { resource: match } : { name: lower };
    }

    function nameOf(r: TfResource): string | undefined {
      const n = m.resolveString(r.config.name);
      return n.known ? n.value.toLowerCase() : undefined;
    }
  },
});
