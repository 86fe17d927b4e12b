import { PxeSettingTags } from "../../contract/pxe-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { TerraformModel } from "../../engine/model";
import {
  NetworkIndex, NicView, NsgRuleView, NsgView, PortRange, ruleCoversPort, VmView, parsePortRange,
} from "../../engine/network-index";
import { RuleContext } from "../../engine/rule";
import { cidrContains, tryParseCidr } from "../../network/cidr";

/** The PXE ports: DHCP server/client, TFTP and PXE/BINL (proxyDHCP). */
export const PXE_PORTS: { port: number; name: string }[] = [
  { port: 67, name: "DHCP" },
  { port: 68, name: "DHCP client" },
  { port: 69, name: "TFTP" },
  { port: 4011, name: "PXE/BINL" },
];

/** Ports whose exposure identifies a PXE server when no role tag says so. */
const IDENTIFYING_PORTS = [67, 69, 4011];

/** The TFTP data range the PXE responder uses by default (WDS and the ConfigMgr PXE responder). */
export const DEFAULT_TFTP_DATA_PORTS: PortRange = { from: 64001, to: 65000 };

/** A distribution point found in the configuration. */
export interface DistributionPoint {
  readonly vm: VmView;
  /** True when the `sdz-role` tag of the VM or one of its NICs says `pxe-distribution-point`. */
  readonly byRole: boolean;
  /** Inbound allow rules that expose PXE ports to the VM (identify it when no role says so). */
  readonly exposedBy: NsgRuleView[];
}

function hasRole(roles: string[], role: string): boolean {
  return roles.includes(role);
}

/**
 * VMs that act as PXE distribution points: tagged with the `pxe-distribution-point` role (on the
 * VM or a NIC), or protected by an NSG that allows UDP 67, 69 or 4011 in to them. A VM whose role
 * tag names other roles only is not inferred from ports (e.g. a DHCP server tagged `dns-server`).
 * Built once per model.
 */
export function distributionPoints(model: TerraformModel, network: NetworkIndex): DistributionPoint[] {
  return model.memo("pxe-distribution-points", () => {
    const exposed = new Map<VmView, NsgRuleView[]>();
    for (const rule of network.inboundAllows) {
      if (!rule.nsg || !IDENTIFYING_PORTS.some((p) => ruleCoversPort(rule, "Udp", p) === true)) continue;
      const nics = new Set<NicView>(rule.nsg.nics);
      rule.nsg.subnets.forEach((s) => s.nics.forEach((n) => nics.add(n)));
      for (const nic of nics) {
        if (!nic.vm || !destinationReaches(rule, nic)) continue;
        const list = exposed.get(nic.vm) ?? [];
        if (!list.includes(rule)) list.push(rule);
        exposed.set(nic.vm, list);
      }
    }
    const out: DistributionPoint[] = [];
    for (const vm of network.vms) {
      const roles = [...vm.roles, ...vm.nics.flatMap((n) => n.roles)];
      const byRole = hasRole(roles, DeploymentRole.PXE_DISTRIBUTION_POINT);
      const rules = exposed.get(vm) ?? [];
      if (byRole || (rules.length > 0 && roles.length === 0)) out.push({ vm, byRole, exposedBy: rules });
    }
    return out;
  });
}

/** VMs tagged with the `reference-computer` role (on the VM or a NIC). */
export function referenceComputers(model: TerraformModel, network: NetworkIndex): VmView[] {
  return model.memo("reference-computers", () => network.vms.filter((vm) =>
    hasRole([...vm.roles, ...vm.nics.flatMap((n) => n.roles)], DeploymentRole.REFERENCE_COMPUTER)));
}

/** False only when every destination is a CIDR that provably contains none of the NIC's addresses. */
function destinationReaches(rule: NsgRuleView, nic: NicView): boolean {
  if (rule.destinations.length === 0 || rule.destinations.some((d) => d.kind !== "cidr")) return true;
  const ips = nic.ipConfigs.map((c) => (c.privateIp ? tryParseCidr(c.privateIp) : undefined));
  if (ips.some((ip) => !ip)) return true;
  return rule.destinations.some((d) => ips.some((ip) => cidrContains(d.block!, ip!)));
}

/** How a distribution point was identified, for messages. */
export function describeDp(dp: DistributionPoint): string {
  if (dp.byRole) return `distribution point ${dp.vm.resource.address} (role tag ${DeploymentRole.PXE_DISTRIBUTION_POINT})`;
  return `distribution point ${dp.vm.resource.address} (exposes PXE ports through ${dp.exposedBy.map((r) => `"${r.name}"`).join(", ")})`;
}

/** A typed setting of a distribution point, read from the VM's tags. */
export function setting(ctx: RuleContext, vm: VmView, tag: string): string | undefined {
  const v = ctx.model.tags(vm.resource)[tag];
  return v === undefined ? undefined : v.trim().toLowerCase();
}

/**
 * Reads a boolean setting tag; reports unverified (and returns undefined) when the tag is absent,
 * unresolvable or not `true`/`false`.
 */
export function booleanSetting(ctx: RuleContext, dp: DistributionPoint, tag: string, what: string): boolean | undefined {
  const v = setting(ctx, dp.vm, tag);
  if (v === "true") return true;
  if (v === "false") return false;
  ctx.unverified(dp.vm.resource, v === undefined
    ? `${describeDp(dp)} does not declare ${what} (tag ${tag} is missing or not known before apply); record the ConfigMgr setting as the tag`
    : `${describeDp(dp)} has ${tag}="${v}", expected "true" or "false"`);
  return undefined;
}

/** The TFTP data range declared on a distribution point (default 64001-65000). */
export function tftpDataRange(ctx: RuleContext, vm: VmView): PortRange {
  const v = setting(ctx, vm, PxeSettingTags.TFTP_DATA_PORTS);
  return (v && parsePortRange(v)) || DEFAULT_TFTP_DATA_PORTS;
}

/** True for a rule that denies every protocol and port from/to any address in its direction. */
export function isDenyAll(rule: NsgRuleView, direction: "Inbound" | "Outbound"): boolean {
  return rule.direction === direction && rule.access === "Deny" && rule.protocol === "*"
    && !!rule.destinationPorts && rule.destinationPorts.some((p) => p.from === 0 && p.to === 65535)
    && rule.sources.some((s) => s.kind === "any") && rule.destinations.some((d) => d.kind === "any");
}

/** The NSGs protecting any NIC of a VM. */
export function nsgsOfVm(network: NetworkIndex, vm: VmView): NsgView[] {
  const out = new Set<NsgView>();
  vm.nics.forEach((n) => network.nsgsProtecting(n).forEach((g) => out.add(g)));
  return [...out];
}
