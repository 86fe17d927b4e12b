import { Resolved, TerraformModel, TfResource } from "./model";
import { parseRoles, ZoneTags } from "../contract/zone-tags";
import { CidrBlock, cidrContains, cidrOverlaps, isAnyAddress, tryParseCidr } from "../network/cidr";
import { Trust, TrustLevel } from "../network/trust-level";

/** One side of an NSG rule, parsed. */
export interface AddressSpec {
  /** `any` (`*`, `0.0.0.0/0`), `tag` (service tag), `cidr`, `asg` (application security group) or `unknown`. */
  readonly kind: "any" | "tag" | "cidr" | "asg" | "unknown";
  /** The text as written (or the unresolved expression). */
  readonly text: string;
  readonly block?: CidrBlock;
  /** Why the value is unknown. */
  readonly reason?: string;
}

/** An inclusive port range; `*` is 0-65535. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** An NSG rule, inline or standalone, normalized. */
export interface NsgRuleView {
  /** The resource to report on: the standalone rule, or the NSG holding an inline rule. */
  readonly resource: TfResource;
  /** The NSG the rule belongs to, when it could be found. */
  nsg?: NsgView;
  readonly inline: boolean;
  readonly name: string;
  /** `Inbound` or `Outbound`; undefined when unknown. */
  readonly direction?: "Inbound" | "Outbound";
  /** `Allow` or `Deny`; undefined when unknown. */
  readonly access?: "Allow" | "Deny";
  readonly priority?: number;
  /** `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`; undefined when unknown. */
  readonly protocol?: string;
  readonly sources: AddressSpec[];
  readonly destinations: AddressSpec[];
  /** Destination ports; undefined when unknown. */
  readonly destinationPorts?: PortRange[];
  /** Fields that could not be resolved, with reasons. */
  readonly unknowns: string[];
}

/** A network security group with what it protects. */
export interface NsgView {
  readonly resource: TfResource;
  readonly name?: string;
  /** Zone name from the `sdz-zone` tag. */
  readonly zoneName?: string;
  /** Trust level from the `sdz-trust` tag. */
  readonly trust?: TrustLevel;
  readonly rules: NsgRuleView[];
  readonly subnets: SubnetView[];
  readonly nics: NicView[];
}

/** A subnet (standalone `azurerm_subnet`, or a block inside `azurerm_virtual_network`). */
export interface SubnetView {
  readonly resource: TfResource;
  readonly name?: string;
  readonly inline: boolean;
  /** Address prefixes; undefined when unknown. */
  readonly prefixes?: CidrBlock[];
  readonly prefixesUnknownReason?: string;
  readonly nsgs: NsgView[];
  readonly nics: NicView[];
}

/** One IP configuration of a NIC. */
export interface IpConfigView {
  readonly name?: string;
  readonly subnet?: SubnetView;
  /** True when `subnet_id` could not be followed to a subnet of this configuration. */
  readonly subnetUnknown: boolean;
  readonly allocation?: string;
  readonly privateIp?: string;
  readonly publicIpAddressId?: unknown;
}

/** A network interface. */
export interface NicView {
  readonly resource: TfResource;
  readonly ipConfigs: IpConfigView[];
  readonly nsgs: NsgView[];
  readonly roles: string[];
  /** `ip_forwarding_enabled` (azurerm 4) as resolved; undefined when unset or unknown. */
  readonly ipForwarding: Resolved<boolean | undefined>;
  vm?: VmView;
}

/** A virtual machine (Windows, Linux or legacy `azurerm_virtual_machine`). */
export interface VmView {
  readonly resource: TfResource;
  readonly nics: NicView[];
  /** True when some `network_interface_ids` entry could not be followed. */
  readonly nicsUnknown: boolean;
  /** Roles from the `sdz-role` tag. */
  readonly roles: string[];
}

/** A zone: an NSG carrying the zone tags plus the prefixes of the subnets it protects, or a tagged on-premises range. */
export interface ZoneView {
  readonly name: string;
  readonly trust?: TrustLevel;
  readonly nsg?: NsgView;
  /** The tagged resource (NSG or local network gateway). */
  readonly resource: TfResource;
  readonly prefixes: CidrBlock[];
  /** True for on-premises ranges declared on a tagged `azurerm_local_network_gateway`. */
  readonly onPremises: boolean;
}

export const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];
const BROAD_TAGS = new Set(["internet"]);

/** Parses one NSG address prefix. */
export function parseAddress(text: string): AddressSpec {
  const t = text.trim();
  if (t === "*" || t.toLowerCase() === "any") return { kind: "any", text: t };
  const block = tryParseCidr(t);
  if (block) return isAnyAddress(block) ? { kind: "any", text: t, block } : { kind: "cidr", text: t, block };
  if (/^[A-Za-z][A-Za-z0-9.]*$/.test(t)) return { kind: "tag", text: t };
  return { kind: "unknown", text: t, reason: `"${t}" is not an address, CIDR or service tag` };
}

/** Parses `*`, `80`, `1000-2000`. Undefined for anything else. */
export function parsePortRange(text: string): PortRange | undefined {
  const t = String(text).trim();
  if (t === "*") return { from: 0, to: 65535 };
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : from;
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

/** True when the spec means any address or the Internet. */
export function isAnyOrInternet(spec: AddressSpec): boolean {
  return spec.kind === "any" || (spec.kind === "tag" && BROAD_TAGS.has(spec.text.toLowerCase()));
}

/** True when the spec is `*`/`0.0.0.0/0`, `Internet`, `VirtualNetwork` or another service tag: never a list of hosts. */
export function isBroadSource(spec: AddressSpec): boolean {
  return spec.kind === "any" || spec.kind === "tag";
}

/** Does the rule's protocol and port set include `protocol`/`port`? `undefined` when unknown. */
export function ruleCoversPort(rule: NsgRuleView, protocol: string, port?: number): boolean | undefined {
  if (rule.protocol === undefined) return undefined;
  if (rule.protocol !== "*" && rule.protocol.toLowerCase() !== protocol.toLowerCase()) return false;
  if (port === undefined) return true;
  if (!rule.destinationPorts) return undefined;
  return rule.destinationPorts.some((r) => port >= r.from && port <= r.to);
}

/** Does the rule open any port of the inclusive range? `undefined` when unknown. */
export function ruleCoversPortRange(rule: NsgRuleView, protocol: string, from: number, to: number): boolean | undefined {
  if (rule.protocol === undefined) return undefined;
  if (rule.protocol !== "*" && rule.protocol.toLowerCase() !== protocol.toLowerCase()) return false;
  if (!rule.destinationPorts) return undefined;
  return rule.destinationPorts.some((r) => r.from <= to && from <= r.to);
}

function specCovers(outer: AddressSpec, inner: AddressSpec): boolean {
  if (outer.kind === "any") return true;
  if (outer.kind === "cidr" && inner.kind === "cidr") return cidrContains(outer.block!, inner.block!);
  if (outer.kind === "tag" && inner.kind === "tag") return outer.text.toLowerCase() === inner.text.toLowerCase();
  return false;
}

/**
 * True when a Deny rule of the same NSG and direction, at a lower priority number, covers the
 * given port for every source of `rule`, so `rule` never takes effect for that port.
 */
export function isShadowedByDeny(rule: NsgRuleView, protocol: string, port?: number): boolean {
  const nsg = rule.nsg;
  if (!nsg || rule.priority === undefined) return false;
  return nsg.rules.some((d) =>
    d !== rule && d.access === "Deny" && d.direction === rule.direction && d.priority !== undefined && d.priority < rule.priority!
    && ruleCoversPort(d, protocol, port) === true
    && d.destinations.some((x) => x.kind === "any") // a narrower deny may still leave other destinations open
    && rule.sources.every((s) => d.sources.some((ds) => specCovers(ds, s))));
}

/** The resolved, cross-referenced network of one configuration. Build once per model with {@link NetworkIndex.of}. */
export class NetworkIndex {
  /** The shared index of a model (built on first use). */
  public static of(model: TerraformModel): NetworkIndex {
    return model.memo("network-index", () => new NetworkIndex(model));
  }

  public readonly nsgs: NsgView[] = [];
  public readonly rules: NsgRuleView[] = [];
  public readonly subnets: SubnetView[] = [];
  public readonly nics: NicView[] = [];
  public readonly vms: VmView[] = [];
  public readonly zones: ZoneView[] = [];
  /** NSG associations whose subnet or NIC could not be followed (rules must not claim "no NSG" then). */
  public readonly unresolvedAssociations: TfResource[] = [];

  private readonly nsgByResource = new Map<TfResource, NsgView>();
  private readonly subnetByResource = new Map<TfResource, SubnetView>();
  private readonly nicByResource = new Map<TfResource, NicView>();
  private readonly zoneByNsg = new Map<NsgView, ZoneView>();
  private readonly zoneIntervals: { start: number; end: number; zone: ZoneView }[] = [];
  private readonly zoneMaxEnd: number[] = [];
  private readonly v6Zones: ZoneView[] = [];

  private constructor(private readonly model: TerraformModel) {
    this.indexNsgs();
    this.indexSubnets();
    this.indexNics();
    this.indexVms();
    this.indexAssociations();
    this.indexZones();
  }

  /** The NSG view of an NSG resource. */
  public nsgOf(resource: TfResource): NsgView | undefined {
    return this.nsgByResource.get(resource);
  }

  /** The NIC view of a NIC resource. */
  public nicOf(resource: TfResource): NicView | undefined {
    return this.nicByResource.get(resource);
  }

  /** The subnet view of a subnet resource. */
  public subnetOf(resource: TfResource): SubnetView | undefined {
    return this.subnetByResource.get(resource);
  }

  /** Inbound rules that allow traffic (every NSG). */
  public get inboundAllows(): NsgRuleView[] {
    return this.model.memo("inbound-allows", () => this.rules.filter((r) => r.direction === "Inbound" && r.access === "Allow"));
  }

  /** Zones whose prefixes share at least one address with `block` (an interval index: O(log n + matches)). */
  public zonesOverlapping(block: CidrBlock): ZoneView[] {
    if (block.family === 6) return this.v6Zones.filter((z) => z.prefixes.some((p) => cidrOverlaps(p, block)));
    const iv = this.zoneIntervals;
    let lo = 0;
    let hi = iv.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (iv[mid].start <= block.end) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const out: ZoneView[] = [];
    for (let i = last; i >= 0 && this.zoneMaxEnd[i] >= block.start; i--) {
      if (iv[i].end >= block.start && !out.includes(iv[i].zone)) out.push(iv[i].zone);
    }
    return out;
  }

  /** The zones a NIC sits in (through its subnets' NSGs, or its own NSG). */
  public zonesOfNic(nic: NicView): ZoneView[] {
    const out = new Set<ZoneView>();
    for (const cfg of nic.ipConfigs) {
      for (const nsg of cfg.subnet?.nsgs ?? []) addZone(out, this.zoneOfNsg(nsg));
      for (const p of cfg.subnet?.prefixes ?? []) this.zonesOverlapping(p).forEach((z) => out.add(z));
    }
    for (const nsg of nic.nsgs) addZone(out, this.zoneOfNsg(nsg));
    return [...out];
  }

  /** The zone declared by an NSG's tags, if any. */
  public zoneOfNsg(nsg: NsgView): ZoneView | undefined {
    return this.zoneByNsg.get(nsg);
  }

  /** The NSGs that filter traffic to a NIC: its own and its subnets'. */
  public nsgsProtecting(nic: NicView): NsgView[] {
    const out = new Set<NsgView>(nic.nsgs);
    for (const cfg of nic.ipConfigs) cfg.subnet?.nsgs.forEach((n) => out.add(n));
    return [...out];
  }

  // ---------------------------------------------------------------- building

  private indexNsgs(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_network_security_group")) {
      const tags = m.tags(res);
      const name = m.resolveString(res.config.name);
      const view: NsgView = {
        resource: res,
        name: name.known ? name.value : undefined,
        zoneName: tags[ZoneTags.ZONE],
        trust: tags[ZoneTags.TRUST] !== undefined ? Trust.tryParse(tags[ZoneTags.TRUST]) : undefined,
        rules: [],
        subnets: [],
        nics: [],
      };
      this.nsgs.push(view);
      this.nsgByResource.set(res, view);
      for (const block of m.blocks(res, "security_rule")) {
        const rule = this.parseRule(res, block, true);
        rule.nsg = view;
        view.rules.push(rule);
        this.rules.push(rule);
      }
    }
    const byName = new Map<string, NsgView[]>();
    for (const v of this.nsgs) if (v.name) byName.set(v.name.toLowerCase(), [...(byName.get(v.name.toLowerCase()) ?? []), v]);
    for (const res of m.ofType("azurerm_network_security_rule")) {
      const rule = this.parseRule(res, res.config, false);
      const ref = m.referencedResource(res.config.network_security_group_name);
      let nsg = ref ? this.nsgByResource.get(ref) : undefined;
      if (!nsg) {
        const nm = m.resolveString(res.config.network_security_group_name);
        const candidates = nm.known ? byName.get(nm.value.toLowerCase()) ?? [] : [];
        // NSG names are unique per resource group only: a same-named NSG in another resource
        // group is a different NSG (possibly outside this configuration).
        const rg = m.resolveString(res.config.resource_group_name);
        const sameGroup = candidates.filter((c) => {
          const crg = m.resolveString(c.resource.config.resource_group_name);
          return rg.known && crg.known && crg.value.toLowerCase() === rg.value.toLowerCase();
        });
        if (sameGroup.length === 1) nsg = sameGroup[0];
        else if (sameGroup.length === 0 && candidates.length === 1) {
          // Attach only when the resource groups cannot be compared (one of them is unknown).
          const crg = m.resolveString(candidates[0].resource.config.resource_group_name);
          if (!rg.known || !crg.known) nsg = candidates[0];
        }
      }
      if (nsg) {
        rule.nsg = nsg;
        nsg.rules.push(rule);
      } else {
        rule.unknowns.push("network_security_group_name: the NSG is not part of this configuration");
      }
      this.rules.push(rule);
    }
  }

  private parseRule(resource: TfResource, body: Record<string, any>, inline: boolean): NsgRuleView {
    const m = this.model;
    const unknowns: string[] = [];
    const str = (field: string): string | undefined => {
      const r = m.resolveString(body[field]);
      if (!r.known) {
        unknowns.push(`${field}: ${r.reason}`);
        return undefined;
      }
      return r.value;
    };
    const direction = normalize(str("direction"), ["Inbound", "Outbound"]) as NsgRuleView["direction"];
    const access = normalize(str("access"), ["Allow", "Deny"]) as NsgRuleView["access"];
    const protoText = str("protocol");
    const protocol = protoText === undefined ? undefined : protoText === "*" ? "*" : normalize(protoText, ["Tcp", "Udp", "Icmp", "Esp", "Ah"]);
    const prio = m.resolveNumber(body.priority);
    if (!prio.known) unknowns.push(`priority: ${prio.reason}`);
    const name = m.resolveString(body.name);
    const addresses = (single: string, plural: string, asg: string): AddressSpec[] => {
      const out: AddressSpec[] = [];
      for (const field of [single, plural]) {
        if (body[field] === undefined || body[field] === null) continue;
        const r = m.resolveStringList(body[field]);
        if (!r.known) {
          unknowns.push(`${field}: ${r.reason}`);
          out.push({ kind: "unknown", text: r.expression ?? textOf(body[field]), reason: r.reason });
        } else r.value.forEach((t) => out.push(parseAddress(t)));
      }
      if (body[asg] !== undefined && body[asg] !== null) {
        const r = m.resolveStringList(body[asg]);
        (r.known ? r.value : [textOf(body[asg])]).forEach((t) => out.push({ kind: "asg", text: t }));
      }
      return out;
    };
    let destinationPorts: PortRange[] | undefined = [];
    for (const field of ["destination_port_range", "destination_port_ranges"]) {
      if (body[field] === undefined || body[field] === null) continue;
      const r = m.resolveStringList(body[field]);
      if (!r.known) {
        unknowns.push(`${field}: ${r.reason}`);
        destinationPorts = undefined;
        break;
      }
      for (const t of r.value) {
        const pr = parsePortRange(t);
        if (!pr) {
          unknowns.push(`${field}: "${t}" is not a port or port range`);
          destinationPorts = undefined;
          break;
        }
        destinationPorts.push(pr);
      }
      if (!destinationPorts) break;
    }
    if (destinationPorts && destinationPorts.length === 0 && (protocol === "Icmp" || protocol === "Esp" || protocol === "Ah")) {
      destinationPorts = [{ from: 0, to: 65535 }];
    }
    return {
      resource,
      inline,
      name: name.known ? name.value : resource.name,
      direction,
      access,
      priority: prio.known ? prio.value : undefined,
      protocol,
      sources: addresses("source_address_prefix", "source_address_prefixes", "source_application_security_group_ids"),
      destinations: addresses("destination_address_prefix", "destination_address_prefixes", "destination_application_security_group_ids"),
      destinationPorts,
      unknowns,
    };
  }

  private indexSubnets(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_subnet")) {
      const name = m.resolveString(res.config.name);
      const p = m.resolveStringList(res.config.address_prefixes);
      const view: SubnetView = {
        resource: res,
        name: name.known ? name.value : undefined,
        inline: false,
        prefixes: p.known ? p.value.map(tryParseCidr).filter((b): b is CidrBlock => !!b) : undefined,
        prefixesUnknownReason: p.known ? undefined : p.reason,
        nsgs: [],
        nics: [],
      };
      this.subnets.push(view);
      this.subnetByResource.set(res, view);
    }
    for (const vnet of m.ofType("azurerm_virtual_network")) {
      for (const block of m.blocks(vnet, "subnet")) {
        const name = m.resolveString(block.name);
        const p = m.resolveStringList(block.address_prefixes ?? block.address_prefix);
        const view: SubnetView = {
          resource: vnet,
          name: name.known ? name.value : undefined,
          inline: true,
          prefixes: p.known ? p.value.map(tryParseCidr).filter((b): b is CidrBlock => !!b) : undefined,
          prefixesUnknownReason: p.known ? undefined : p.reason,
          nsgs: [],
          nics: [],
        };
        this.subnets.push(view);
        const nsgRes = m.referencedResource(block.security_group);
        const nsg = nsgRes ? this.nsgByResource.get(nsgRes) : undefined;
        if (nsg) {
          view.nsgs.push(nsg);
          nsg.subnets.push(view);
        } else if (block.security_group) this.unresolvedAssociations.push(vnet);
      }
    }
  }

  private indexNics(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_network_interface")) {
      const ipConfigs: IpConfigView[] = m.blocks(res, "ip_configuration").map((cfg) => {
        const subnetRes = m.referencedResource(cfg.subnet_id);
        const subnet = subnetRes ? this.subnetByResource.get(subnetRes) : undefined;
        const alloc = m.resolveString(cfg.private_ip_address_allocation);
        const ip = m.resolveString(cfg.private_ip_address);
        const name = m.resolveString(cfg.name);
        return {
          name: name.known ? name.value : undefined,
          subnet,
          subnetUnknown: !subnet && cfg.subnet_id !== undefined,
          allocation: alloc.known ? alloc.value : undefined,
          privateIp: ip.known ? ip.value : undefined,
          publicIpAddressId: cfg.public_ip_address_id,
        };
      });
      const view: NicView = {
        resource: res,
        ipConfigs,
        nsgs: [],
        roles: parseRoles(m.tags(res)[ZoneTags.ROLE]),
        ipForwarding: m.resolveBoolean(res.config.ip_forwarding_enabled),
      };
      ipConfigs.forEach((c) => c.subnet?.nics.push(view));
      this.nics.push(view);
      this.nicByResource.set(res, view);
    }
  }

  private indexVms(): void {
    const m = this.model;
    for (const res of m.ofType(...VM_TYPES)) {
      const ids = res.config.network_interface_ids;
      const items: unknown[] = Array.isArray(ids) ? ids : ids !== undefined ? [ids] : [];
      let nicsUnknown = !Array.isArray(ids) && ids !== undefined;
      const nics: NicView[] = [];
      for (const item of items) {
        const nicRes = m.referencedResource(item);
        const nic = nicRes ? this.nicByResource.get(nicRes) : undefined;
        if (nic) nics.push(nic);
        else nicsUnknown = true;
      }
      const view: VmView = { resource: res, nics, nicsUnknown, roles: parseRoles(m.tags(res)[ZoneTags.ROLE]) };
      nics.forEach((n) => (n.vm = view));
      this.vms.push(view);
    }
  }

  private indexAssociations(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_subnet_network_security_group_association")) {
      const subnetRes = m.referencedResource(res.config.subnet_id);
      const nsgRes = m.referencedResource(res.config.network_security_group_id);
      const subnet = subnetRes ? this.subnetByResource.get(subnetRes) : undefined;
      const nsg = nsgRes ? this.nsgByResource.get(nsgRes) : undefined;
      if (subnet && nsg) {
        subnet.nsgs.push(nsg);
        nsg.subnets.push(subnet);
      } else this.unresolvedAssociations.push(res);
    }
    for (const res of m.ofType("azurerm_network_interface_security_group_association")) {
      const nicRes = m.referencedResource(res.config.network_interface_id);
      const nsgRes = m.referencedResource(res.config.network_security_group_id);
      const nic = nicRes ? this.nicByResource.get(nicRes) : undefined;
      const nsg = nsgRes ? this.nsgByResource.get(nsgRes) : undefined;
      if (nic && nsg) {
        nic.nsgs.push(nsg);
        nsg.nics.push(nic);
      } else this.unresolvedAssociations.push(res);
    }
  }

  private indexZones(): void {
    const m = this.model;
    for (const nsg of this.nsgs) {
      if (!nsg.zoneName && !nsg.trust) continue;
      const prefixes = nsg.subnets.flatMap((s) => s.prefixes ?? []);
      const zone: ZoneView = {
        name: nsg.zoneName ?? nsg.name ?? nsg.resource.name, trust: nsg.trust, nsg, resource: nsg.resource, prefixes, onPremises: false,
      };
      this.zones.push(zone);
      this.zoneByNsg.set(nsg, zone);
    }
    for (const lng of m.ofType("azurerm_local_network_gateway")) {
      const tags = m.tags(lng);
      if (!tags[ZoneTags.TRUST] && !tags[ZoneTags.ZONE]) continue;
      const space = m.resolveStringList(lng.config.address_space);
      const prefixes = space.known ? space.value.map(tryParseCidr).filter((b): b is CidrBlock => !!b) : [];
      this.zones.push({
        name: tags[ZoneTags.ZONE] ?? lng.name,
        trust: tags[ZoneTags.TRUST] !== undefined ? Trust.tryParse(tags[ZoneTags.TRUST]) : undefined,
        resource: lng,
        prefixes,
        onPremises: true,
      });
    }
    for (const zone of this.zones) {
      for (const p of zone.prefixes) {
        if (p.family === 4) this.zoneIntervals.push({ start: p.start, end: p.end, zone });
        else if (!this.v6Zones.includes(zone)) this.v6Zones.push(zone);
      }
    }
    this.zoneIntervals.sort((a, b) => a.start - b.start);
    let max = -1;
    for (const iv of this.zoneIntervals) {
      max = Math.max(max, iv.end);
      this.zoneMaxEnd.push(max);
    }
  }
}

function addZone(set: Set<ZoneView>, zone: ZoneView | undefined): void {
  if (zone) set.add(zone);
}

function normalize(value: string | undefined, allowed: string[]): string | undefined {
  if (value === undefined) return undefined;
  return allowed.find((a) => a.toLowerCase() === value.toLowerCase());
}

/** Lowest trust among the zones overlapping an address (undefined when no tagged zone overlaps it). */
export function lowestTrust(zones: ZoneView[]): TrustLevel | undefined {
  let lowest: TrustLevel | undefined;
  for (const z of zones) {
    if (z.trust !== undefined && (lowest === undefined || Trust.rank(z.trust) < Trust.rank(lowest))) lowest = z.trust;
  }
  return lowest;
}

/** A printable text for any value (never throws, also on objects without a prototype). */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
