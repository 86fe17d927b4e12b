import { describeDp } from "./distribution-points";
import { pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { subnetLabel } from "../../engine/access/access-model";
import { Nic, Subnet } from "../../engine/access/topology";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** A literal ARM ID of a VNet, subnet, NIC or NSG (a flow log target outside references). */
const ARM_ID = /\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups|networkInterfaces)\/([^/]+)(?:\/subnets\/([^/]+))?\/?$/i;

export const pxeZoneWithoutFlowLogs = defineRule({
  id: "SDZ-PXE-008",
  level: RuleLevel.WARNING,
  title: "PXE zone without flow logs",
  rationale:
    "Place protections around any network that contains PXE-enabled computers and use appropriate auditing and monitoring to detect intrusions "
    + "(seed 000); use defense in depth to protect the segments where clients reach PXE-enabled distribution points (seed 001, R-PXE-4). The rule "
    + "reads every azurerm_network_watcher_flow_log (target_resource_id, or network_security_group_id in azurerm 3) and whether it is enabled, and "
    + "reports each subnet holding a distribution point (declared or inferred) that no enabled flow log covers through its VNet, the subnet, the NIC or "
    + "an NSG on the path. A flow log whose target or enabled flag is not known before apply makes an uncovered subnet could-not-verify.",
  fix: "Keep the DeploymentNetwork's VNet flow log on (the default), or add an enabled azurerm_network_watcher_flow_log whose target_resource_id is the VNet or the PXE subnet.",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_watcher_flow_log", "azurerm_subnet", "azurerm_virtual_network", "azurerm_network_security_group"],
  reads: ["azurerm_network_watcher_flow_log targets (references or literal ARM IDs) and enabled", "the subnets, VNets, NICs and NSGs of distribution points"],
  check(ctx) {
    const m = ctx.model;
    const dps = distributionPoints(ctx);
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
    const nameOf = (r: TfResource | undefined): string | undefined => {
      if (!r) return undefined;
      const n = m.resolveString(r.config.name);
      return n.known ? n.value.toLowerCase() : undefined;
    };
    const vnetName = (subnet: Subnet): string | undefined => {
      if (subnet.vnet?.name) return subnet.vnet.name.toLowerCase();
      const n = subnet.inline ? undefined : m.resolveString(subnet.resource.config.virtual_network_name);
      return n?.known ? n.value.toLowerCase() : undefined;
    };
    const covered = (subnet: Subnet, nic: Nic): boolean => {
      const vnet = vnetName(subnet);
      if (!subnet.inline && coveredResources.has(subnet.resource)) return true;
      if (subnet.vnet && coveredResources.has(subnet.vnet.resource)) return true;
      if (coveredResources.has(nic.resource)) return true;
      if (vnet && coveredNames.has(`virtualnetworks:${vnet}`)) return true;
      if (vnet && subnet.name && coveredNames.has(`subnet:${vnet}/${subnet.name.toLowerCase()}`)) return true;
      const nicName = nameOf(nic.resource);
      if (nicName && coveredNames.has(`networkinterfaces:${nicName}`)) return true;
      return [...subnet.nsgs, ...nic.nsgs].some((nsg) => coveredResources.has(nsg.resource) || (!!nsg.name && coveredNames.has(`networksecuritygroups:${nsg.name.toLowerCase()}`)));
    };
    const seen = new Set<Subnet>();
    for (const dp of dps) {
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const subnet = cfg.subnet;
          if (!subnet || seen.has(subnet)) continue;
          seen.add(subnet);
          if (covered(subnet, nic)) continue;
          const where = subnet.name ? `subnet ${subnet.name}` : subnetLabel(subnet);
          if (unknownTargets.length > 0) {
            ctx.unverified(subnet.resource, `${where}, holding ${describeDp(dp)}, is covered by no known flow log, and the target of ${unknownTargets.join(", ")} is not known before apply`);
          } else {
            ctx.report(subnet.resource, `${where}, holding ${describeDp(dp)}, has no flow log on its VNet, the subnet, the NIC or its NSG`);
          }
        }
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "A PXE subnet in a VNet without a flow log", terraform: pxeExample({ flowLog: false }), flagged: ["azurerm_subnet.pxe"] }],
    good: [{ description: "The VNet has an enabled flow log", terraform: pxeExample() }],
  })),
});
