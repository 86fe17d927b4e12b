import { describeDp } from "./distribution-points";
import { pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { subnetLabel } from "../../engine/access/access-model";
import { Subnet } from "../../engine/access/topology";
import { TerraformModel, TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** A literal ARM ID of a VNet, subnet, NIC or NSG (a flow log target outside references): resource group, kind, name, subnet. */
const ARM_ID = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups|networkInterfaces)\/([^/]+)(?:\/subnets\/([^/]+))?\/?$/i;

/**
 * Azure blocks new NSG flow logs since 30 June 2025 and retires them on 30 September 2027 ("NSG flow logs retirement",
 * learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview; azure.microsoft.com/updates?id=Azure-NSG-flow-logs-Retirement):
 * one in this configuration cannot be created, so it covers nothing.
 */
const NSG_RETIRED = "which Azure no longer creates since 30 June 2025 and retires on 30 September 2027: use a VNet flow log";

/** Whether a flow log is on. */
type Enabled = { on: true } | { on: false } | { on?: undefined; unknown: string };

/** A flow log target read from a literal ID: what it names, by resource group and name. */
interface LiteralTarget {
  readonly fl: TfResource;
  readonly field: string;
  readonly id: string;
  readonly rg: string;
  readonly enabled: Enabled;
}

export const pxeZoneWithoutFlowLogs = defineRule({
  id: "SDZ-PXE-008",
  level: RuleLevel.WARNING,
  title: "PXE zone without flow logs",
  rationale:
    "Place protections around any network that contains PXE-enabled computers and use appropriate auditing and monitoring to detect intrusions "
    + "(seed 000); use defense in depth to protect the segments where clients reach PXE-enabled distribution points (seed 001, R-PXE-4). The rule "
    + "reads every azurerm_network_watcher_flow_log (target_resource_id, or network_security_group_id in azurerm 3) and whether it is enabled, and "
    + "reports each subnet holding a distribution point (declared or inferred) that no enabled flow log covers through its VNet, the subnet or the NIC. "
    + "A target is a reference, or a literal ID naming a resource of this configuration by kind, name and resource group (names are unique per "
    + "group only; the subscription is compared when the resource's id is known); one of the same name whose resource group is not known may or "
    + "may not be it. An NSG flow log is no coverage: Azure creates no new one since 30 June 2025 and retires them on 30 September 2027 (the "
    + "finding says so). enabled is required by azurerm 4.55 (no default): a missing one is not \"on\". A flow log whose target or enabled flag is "
    + "not known before apply makes an uncovered subnet could-not-verify, naming the field.",
  fix: "Keep the DeploymentNetwork's VNet flow log on (the default), or add an azurerm_network_watcher_flow_log with enabled = true whose target_resource_id is the VNet or the PXE subnet (a VNet flow log: NSG flow logs can no longer be created).",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_watcher_flow_log", "azurerm_subnet", "azurerm_virtual_network", "azurerm_network_security_group"],
  reads: [
    "azurerm_network_watcher_flow_log targets (references or literal ARM IDs, with their resource group) and enabled",
    "the subnets, VNets, NICs and NSGs of distribution points, with their names and resource groups",
  ],
  check(ctx) {
    const m = ctx.model;
    const dps = distributionPoints(ctx);
    if (dps.length === 0) return;
    // Flow logs by the resource they reference, literal targets by kind and name (built once per configuration).
    const { byResource, byName, unknownTargets } = flowLogIndex(m);
    const lower = (v: string) => v.toLowerCase();
    /**
     * The flow logs on a resource of this configuration: by reference, or by a literal ID of its kind and name in its resource
     * group (the subscription is compared when the resource's own id is known; the configuration does not say it otherwise).
     * One of the same name whose resource group is not known may or may not name it.
     */
    const on = (r: TfResource | undefined, key: string | undefined, byRef = true) => {
      const found = [...(r && byRef ? byResource.get(r) ?? [] : [])].map((x) => ({ ...x, doubt: undefined as string | undefined }));
      if (!r || !key) return found;
      const own = byRef ? m.resolveString(r.config.id) : { known: false as const, reason: "" };
      const rg = m.resolveString(r.config.resource_group_name);
      for (const t of byName.get(key) ?? []) {
        if (own.known && own.value.trim() !== "") {
          if (lower(own.value.trim()).replace(/\/$/, "") === lower(t.id).replace(/\/$/, "")) found.push({ fl: t.fl, enabled: t.enabled, doubt: undefined });
        } else if (rg.known) {
          if (lower(rg.value) === t.rg) found.push({ fl: t.fl, enabled: t.enabled, doubt: undefined });
        } else {
          found.push({ fl: t.fl, enabled: t.enabled, doubt: `${t.field} of ${t.fl.address} ("${t.id}") may or may not name ${r.address} (its resource_group_name is not known: ${rg.reason})` });
        }
      }
      return found;
    };
    const nameOf = (r: TfResource | undefined): string | undefined => {
      if (!r) return undefined;
      const n = m.resolveString(r.config.name);
      return n.known ? lower(n.value) : undefined;
    };
    const vnetName = (subnet: Subnet): string | undefined => {
      if (subnet.vnet?.name) return lower(subnet.vnet.name);
      const n = subnet.inline ? undefined : m.resolveString(subnet.resource.config.virtual_network_name);
      return n?.known ? lower(n.value) : undefined;
    };
    const seen = new Set<Subnet>();
    for (const dp of dps) {
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const subnet = cfg.subnet;
          if (!subnet || seen.has(subnet)) continue;
          seen.add(subnet);
          const vnet = vnetName(subnet);
          const vnetRes = subnet.vnet?.resource;
          const candidates = [
            ...on(vnetRes, vnet && `virtualnetworks:${vnet}`),
            // A standalone subnet carries its VNet's resource group; an inline one (no resource of its own) is read from its VNet's.
            ...on(subnet.inline ? vnetRes : subnet.resource, vnet && subnet.name ? `subnet:${vnet}/${lower(subnet.name)}` : undefined, !subnet.inline),
            ...on(nic.resource, nameOf(nic.resource) && `networkinterfaces:${nameOf(nic.resource)}`),
          ];
          if (candidates.some((c) => c.enabled.on === true && !c.doubt)) continue;
          const doubts = [
            ...candidates.flatMap((c) => (c.doubt ? [c.doubt]
              : c.enabled.on === undefined ? [`whether ${c.fl.address}, on ${targetLabel(m, c.fl)}, is enabled is not known (enabled: ${c.enabled.unknown})`] : [])),
            ...unknownTargets,
          ];
          // NSG flow logs on its NSGs: no coverage, said in the finding.
          const nsgLogs = [...subnet.nsgs, ...nic.nsgs].flatMap((nsg) => on(nsg.resource, nsg.name ? `networksecuritygroups:${lower(nsg.name)}` : undefined)
            .filter((c) => !c.doubt).map((c) => `${c.fl.address} is an NSG flow log (NSG ${nsg.name ?? nsg.resource.address}), ${NSG_RETIRED}`));
          const nsgNote = nsgLogs.length > 0 ? `; ${[...new Set(nsgLogs)].join("; ")}` : "";
          const where = subnet.name ? `subnet ${subnet.name}` : subnetLabel(subnet);
          if (doubts.length > 0) {
            ctx.unverified(subnet.resource, `${where}, holding ${describeDp(dp)}, is covered by no flow log the checks can confirm: ${doubts.join("; ")}${nsgNote}`);
          } else {
            ctx.report(subnet.resource, `${where}, holding ${describeDp(dp)}, has no enabled flow log on its VNet, the subnet or the NIC${nsgNote}`);
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

/**
 * The enabled (or possibly enabled) flow logs of a configuration: by the resource they reference, literal targets by kind
 * and name (VNet and NSG names are unique per resource group only:
 * learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), and why the others' targets cannot be
 * read. Memoised per configuration.
 */
function flowLogIndex(m: TerraformModel): FlowLogIndex {
  return m.memo("pxe-008:flow-logs", () => {
    const byResource = new Map<TfResource, { fl: TfResource; enabled: Enabled }[]>();
    const byName = new Map<string, LiteralTarget[]>();
    const unknownTargets: string[] = [];
    const lower = (v: string) => v.toLowerCase();
    for (const fl of m.ofType("azurerm_network_watcher_flow_log")) {
      const enabled = enabledOf(m, fl);
      if (enabled.on === false) continue;
      const field = fl.config.target_resource_id !== undefined ? "target_resource_id" : "network_security_group_id";
      const target = fl.config[field];
      const ref = m.referencedResource(target);
      if (ref) {
        (byResource.get(ref) ?? byResource.set(ref, []).get(ref)!).push({ fl, enabled });
        continue;
      }
      const id = m.resolveString(target);
      if (!id.known) {
        unknownTargets.push(`the target of ${fl.address} is not known before apply (${id.reason})`);
        continue;
      }
      const parsed = ARM_ID.exec(id.value.trim());
      if (!parsed) {
        unknownTargets.push(`the target of ${fl.address} cannot be read (${field} "${id.value}" is not a VNet, subnet, NIC or NSG ID)`);
        continue;
      }
      const kind = lower(parsed[2]);
      const key = kind === "virtualnetworks" && parsed[4] ? `subnet:${lower(parsed[3])}/${lower(parsed[4])}` : `${kind}:${lower(parsed[3])}`;
      (byName.get(key) ?? byName.set(key, []).get(key)!).push({ fl, field, id: id.value.trim(), rg: lower(parsed[1]), enabled });
    }
    return { byResource, byName, unknownTargets };
  });
}

interface FlowLogIndex {
  readonly byResource: Map<TfResource, { fl: TfResource; enabled: Enabled }[]>;
  readonly byName: Map<string, LiteralTarget[]>;
  readonly unknownTargets: string[];
}

/**
 * A flow log's `enabled`. azurerm 4.55 requires it and has no default (registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/
 * resources/network_watcher_flow_log#enabled; the @cdktf/provider-azurerm 14.23 binding types it `enabled: boolean`, not optional),
 * so a missing one is not "on": the plan fails, and the checks cannot say the flow log will log.
 */
function enabledOf(m: TerraformModel, fl: TfResource): Enabled {
  if (fl.config.enabled === undefined || fl.config.enabled === null) return { unknown: "enabled is missing, and azurerm 4.55 requires it" };
  const r = m.resolveBoolean(fl.config.enabled);
  if (!r.known) return { unknown: r.reason };
  return r.value === false ? { on: false } : { on: true };
}

/** What a flow log targets, for a message: the referenced resource, or the literal ID. */
function targetLabel(m: TerraformModel, fl: TfResource): string {
  const target = fl.config.target_resource_id ?? fl.config.network_security_group_id;
  return m.referencedResource(target)?.address ?? String(target);
}
