import { DeploymentRole } from "../../contract/zone-tags";
import { TerraformModel, TfResource } from "../../engine/model";
import { AddressSpec, isShadowedByDeny, NetworkIndex, NicView, NsgRuleView, NsgView, parseAddress, parsePortRange, PortRange, ruleCoversPort, VmView, ZoneView } from "../../engine/network-index";
import { CidrBlock, cidrContains, cidrOverlaps, tryParseCidr } from "../../network/cidr";
import { Trust, TrustLevel } from "../../network/trust-level";

/** The KMS port. */
export const KMS_TCP_PORT = 1688;

/** A rule "names" a port when one of its ranges holds it and spans at most this many ports (not an all-ports rule). */
const EXPLICIT_RANGE_MAX = 100;

/** True when the rule opens `port` through a range of at most 100 ports (a rule written for that service). */
export function namesPort(rule: NsgRuleView, protocol: string, port: number): boolean {
  if (ruleCoversPort(rule, protocol, port) !== true || !rule.destinationPorts) return false;
  return rule.destinationPorts.some((r) => port >= r.from && port <= r.to && r.to - r.from < EXPLICIT_RANGE_MAX);
}

/** Roles of a VM: its own tag plus its NICs' tags. */
export function vmRoles(vm: VmView): Set<string> {
  return new Set([...vm.roles, ...vm.nics.flatMap((n) => n.roles)]);
}

/** Roles of a NIC: its own tag plus its VM's. */
export function nicRoles(nic: NicView): Set<string> {
  return new Set([...nic.roles, ...(nic.vm?.roles ?? [])]);
}

/** True when the NIC belongs to a KMS host (by role tag on the NIC or its VM). */
export function isKmsNic(nic: NicView): boolean {
  return nicRoles(nic).has(DeploymentRole.KMS_HOST);
}

/** True when an NSG protects (through its subnets or directly) a NIC of a KMS host. */
export function nsgProtectsKms(nsg: NsgView | undefined): boolean {
  if (!nsg) return false;
  let v = KMS_NSG_CACHE.get(nsg);
  if (v === undefined) {
    v = nsg.nics.some(isKmsNic) || nsg.subnets.some((s) => s.nics.some(isKmsNic));
    KMS_NSG_CACHE.set(nsg, v);
  }
  return v;
}

const KMS_NSG_CACHE = new WeakMap<NsgView, boolean>();

/** Nested blocks of a plain block value, always as a list. */
export function subBlocks(value: unknown): Record<string, any>[] {
  const isObj = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(value)) return value.filter(isObj);
  return isObj(value) ? [value] : [];
}

/** The private IPs of a NIC's configurations, parsed (undefined entries where unknown). */
export function nicAddresses(nic: NicView): (CidrBlock | undefined)[] {
  return nic.ipConfigs.map((c) => (c.privateIp ? tryParseCidr(c.privateIp) : undefined));
}

/** One place where TCP 1688 is allowed: an NSG rule or an Azure Firewall policy network rule. */
export interface KmsExposure {
  readonly resource: TfResource;
  readonly label: string;
  readonly sources: AddressSpec[];
  /** Why some of the rule could not be read. */
  readonly unknowns: string[];
}

/**
 * Every NSG inbound allow that opens TCP 1688 for KMS (it names the port, or it protects a KMS
 * host), not shadowed by a deny, and every Azure Firewall policy network rule that allows TCP 1688.
 * Rules whose ports are unknown and that protect a KMS host come back with `portsUnknown`.
 */
export function kmsExposures(model: TerraformModel, network: NetworkIndex): { exposures: KmsExposure[]; portsUnknown: KmsExposure[] } {
  return model.memo("kms-exposures", () => {
    const exposures: KmsExposure[] = [];
    const portsUnknown: KmsExposure[] = [];
    for (const rule of network.inboundAllows) {
      const covers = ruleCoversPort(rule, "Tcp", KMS_TCP_PORT);
      if (covers === false) continue;
      const relevant = namesPort(rule, "Tcp", KMS_TCP_PORT) || nsgProtectsKms(rule.nsg);
      if (covers === undefined) {
        if (nsgProtectsKms(rule.nsg)) portsUnknown.push({ resource: rule.resource, label: `NSG rule "${rule.name}"`, sources: rule.sources, unknowns: rule.unknowns });
        continue;
      }
      if (!relevant || isShadowedByDeny(rule, "Tcp", KMS_TCP_PORT)) continue;
      exposures.push({ resource: rule.resource, label: `NSG rule "${rule.name}"`, sources: rule.sources, unknowns: rule.unknowns });
    }
    for (const group of model.ofType("azurerm_firewall_policy_rule_collection_group")) {
      for (const coll of model.blocks(group, "network_rule_collection")) {
        const action = model.resolveString(coll.action);
        if (action.known && action.value.toLowerCase() !== "allow") continue;
        const collName = model.resolveString(coll.name);
        for (const r of subBlocks(coll.rule)) {
          const name = model.resolveString(r.name);
          const label = `firewall rule "${collName.known ? collName.value : "?"}/${name.known ? name.value : "?"}"`;
          const unknowns: string[] = [];
          if (!action.known) unknowns.push(`action: ${action.reason}`);
          const protocols = model.resolveStringList(r.protocols);
          const ports = model.resolveStringList(r.destination_ports);
          if (!protocols.known || !ports.known) {
            portsUnknown.push({ resource: group, label, sources: [], unknowns: [protocols.known ? "" : `protocols: ${protocols.reason}`, ports.known ? "" : `destination_ports: ${ports.reason}`].filter(Boolean) });
            continue;
          }
          const tcp = protocols.value.some((p) => ["tcp", "any"].includes(p.toLowerCase()));
          const ranges = ports.value.map(parsePortRange).filter((p): p is PortRange => !!p);
          if (!tcp || !ranges.some((p) => KMS_TCP_PORT >= p.from && KMS_TCP_PORT <= p.to)) continue;
          const sources: AddressSpec[] = [];
          const addrs = model.resolveStringList(r.source_addresses);
          if (!addrs.known) sources.push({ kind: "unknown", text: addrs.expression ?? "source_addresses", reason: addrs.reason });
          else addrs.value.forEach((a) => sources.push(parseAddress(a)));
          const groups = model.resolveStringList(r.source_ip_groups);
          const groupRefs: unknown[] = Array.isArray(r.source_ip_groups) ? r.source_ip_groups : r.source_ip_groups !== undefined ? [r.source_ip_groups] : [];
          for (const ref of groupRefs) {
            const ipGroup = model.referencedResource(ref);
            const cidrs = ipGroup && ipGroup.type === "azurerm_ip_group" ? model.resolveStringList(ipGroup.config.cidrs) : undefined;
            if (!cidrs || !cidrs.known) {
              sources.push({ kind: "unknown", text: String(ref), reason: cidrs && !cidrs.known ? cidrs.reason : "the IP group is not part of this configuration" });
            } else cidrs.value.forEach((c) => sources.push(parseAddress(c)));
          }
          if (!groups.known && groupRefs.length === 0) sources.push({ kind: "unknown", text: "source_ip_groups", reason: groups.reason });
          exposures.push({ resource: group, label, sources, unknowns });
        }
      }
    }
    return { exposures, portsUnknown };
  });
}

/** Zones trusted less than INTERNAL (perimeter, untrusted) that have prefixes. */
export function lowTrustZones(network: NetworkIndex): ZoneView[] {
  return network.zones.filter((z) => z.trust !== undefined && !Trust.isAtLeast(z.trust, TrustLevel.INTERNAL) && z.prefixes.length > 0);
}

/** How much of `zone` a source spec covers: all, some, none, or unknown. */
export function sourceCovers(spec: AddressSpec, block: CidrBlock): "all" | "some" | "none" | "unknown" {
  switch (spec.kind) {
    case "any":
      return "all";
    case "tag":
      // VirtualNetwork holds every subnet of the VNet, peered VNets and VPN-connected ranges.
      return spec.text.toLowerCase() === "virtualnetwork" ? "all" : "none";
    case "cidr":
      return cidrContains(spec.block!, block) ? "all" : cidrOverlaps(spec.block!, block) ? "some" : "none";
    case "asg":
      return "none";
    default:
      return "unknown";
  }
}

/** Does a destination spec include the address? `maybe` when it cannot be told. */
export function destinationIncludes(spec: AddressSpec, ip: CidrBlock | undefined): "yes" | "no" | "maybe" {
  switch (spec.kind) {
    case "any":
      return "yes";
    case "tag":
      return spec.text.toLowerCase() === "virtualnetwork" ? "yes" : "no";
    case "cidr":
      if (!ip) return "maybe";
      return cidrContains(spec.block!, ip) ? "yes" : "no";
    default:
      return "maybe";
  }
}

/** Combines per-spec answers: the strongest wins. */
export function best<T extends string>(values: T[], order: T[]): T {
  for (const o of order) if (values.includes(o)) return o;
  return order[order.length - 1];
}
