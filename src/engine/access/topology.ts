/**
 * The network topology of one configuration, normalised once: virtual networks and their address
 * spaces, subnets, NSGs with their rules (inline and standalone, every field through the
 * fail-closed {@link Field} layer), associations, NICs, VMs, private endpoints, peerings, gateways,
 * local network gateways and route tables. The access model evaluates traffic over this; it never
 * reads raw configuration itself.
 */
import { Cidr, parseCidr } from "./addresses";
import { describeUnknown, enumField, Field, intField, isUnset, knownField, stringListFields, unknownField, unreadableBlock } from "./fields";
import { Intervals, PORTS } from "./intervals";
import { TerraformModel, TfResource } from "../model";

/** NSG protocols, as Azure spells them. */
export type Protocol = "Tcp" | "Udp" | "Icmp" | "Esp" | "Ah" | "*";
export const PROTOCOLS: readonly Protocol[] = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];

/** True for the protocols that have no ports (ICMP, ESP, AH): a rule's port fields do not narrow them. */
export function isPortless(protocol: Protocol): boolean {
  return protocol === "Icmp" || protocol === "Esp" || protocol === "Ah";
}

/** One entry of an NSG rule's source or destination. */
export type AddressTerm =
  | { readonly kind: "any"; readonly text: string }
  | { readonly kind: "cidr"; readonly text: string; readonly cidr: Cidr }
  /** A service tag, lower-cased (`virtualnetwork`, `internet`, `azureloadbalancer`, `storage.westeurope`...). */
  | { readonly kind: "tag"; readonly text: string; readonly tag: string }
  /** An application security group, keyed by the resource address it references or its literal ID. */
  | { readonly kind: "asg"; readonly text: string; readonly id: string }
  | { readonly kind: "unknown"; readonly text: string; readonly reason: string };

/** An NSG rule: inline, standalone, or one of Azure's default rules. */
export interface NsgRule {
  /** Unique per topology; orders rules of equal priority deterministically. */
  readonly id: number;
  /** The resource a finding about this rule is reported on (the standalone rule, or the NSG holding it). */
  readonly resource: TfResource;
  readonly name: string;
  readonly inline: boolean;
  /** Azure's default rules (AllowVNetInBound...): not in the configuration, always there. */
  readonly isDefault: boolean;
  nsg?: Nsg;
  readonly direction: Field<"Inbound" | "Outbound">;
  readonly access: Field<"Allow" | "Deny">;
  readonly priority: Field<number>;
  readonly protocol: Field<Protocol>;
  readonly sources: Field<readonly AddressTerm[]>;
  readonly destinations: Field<readonly AddressTerm[]>;
  /** Destination ports; every port for ICMP, ESP and AH (they have none). */
  readonly destinationPorts: Field<Intervals<number>>;
  /** Source ports. */
  readonly sourcePorts: Field<Intervals<number>>;
  /** Every field that is not known, for messages. */
  readonly unknowns: { readonly field: string; readonly reason: string }[];
}

/** A network security group. */
export interface Nsg {
  readonly resource: TfResource;
  readonly name?: string;
  readonly rules: NsgRule[];
  readonly subnets: Subnet[];
  readonly nics: Nic[];
  /** Why the NSG may also be associated with subnets or NICs beyond {@link subnets} and {@link nics} (an association that cannot be followed). */
  associationsUnknown?: string;
}

/** A virtual network. */
export interface Vnet {
  readonly resource: TfResource;
  readonly name?: string;
  readonly addressSpace: Field<Cidr[]>;
  readonly subnets: Subnet[];
  /** VNets this one is peered with (both directions seen or not; Azure needs both for traffic): the peering routes, whatever the access setting. */
  readonly peers: Vnet[];
  /**
   * VNets whose address space is in this VNet's VirtualNetwork tag through a peering. A peering's
   * `allow_virtual_network_access` decides whether its remote VNet is in its own VNet's tag
   * ("Block all traffic to the remote virtual network ... only changes the definition of the
   * VirtualNetwork service tag": learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering).
   * `doubt`: why it may or may not be (the setting, or which VNet a literal remote ID names, is not known).
   */
  readonly tagPeers: TagPeer[];
  /** Peerings whose remote VNet (or, by name, whose own VNet) is not certainly one of this configuration: they widen no VirtualNetwork tag here (a VNet a literal remote ID may name is a doubt in {@link tagPeers}). */
  readonly externalPeerings: TfResource[];
  /** Local network gateways connected to a gateway of this VNet (directly, or through gateway transit). */
  readonly localGateways: LocalGateway[];
  /** True when a VPN or ExpressRoute gateway sits in this VNet. */
  hasGateway: boolean;
}

/** A VNet in another's VirtualNetwork tag (see {@link Vnet.tagPeers}). */
export interface TagPeer {
  readonly vnet: Vnet;
  readonly doubt?: string;
}

/** A subnet: standalone `azurerm_subnet` or an inline block of `azurerm_virtual_network`. */
export interface Subnet {
  readonly key: string;
  readonly resource: TfResource;
  readonly name?: string;
  readonly inline: boolean;
  vnet?: Vnet;
  readonly prefixes: Field<Cidr[]>;
  readonly nsgs: Nsg[];
  /** Why an NSG may be associated that this configuration cannot follow. */
  nsgUnknown?: string;
  /** An NSG associated that is not part of this configuration (by ID or data source): the subnet has one, its rules are not known. */
  nsgExternal?: string;
  readonly nics: Nic[];
  readonly privateEndpoints: PrivateEndpoint[];
  readonly routeTables: RouteTable[];
  routeTableUnknown?: string;
}

/** One IP configuration of a NIC. */
export interface IpConfig {
  readonly nic: Nic;
  readonly name?: string;
  readonly subnet?: Subnet;
  /** Why the subnet could not be followed. */
  readonly subnetUnknown?: string;
  /** The private address: known, dynamic (assigned by Azure from the subnet), or unknown. */
  readonly privateIp: Field<Cidr | "dynamic">;
  /** The public IP attached, if any: its resource when in this configuration. */
  readonly publicIp: { readonly attached: false } | { readonly attached: true; readonly resource?: TfResource; readonly unknown?: string };
  readonly primary: boolean;
}

/** A network interface. */
export interface Nic {
  readonly resource: TfResource;
  readonly ipConfigs: IpConfig[];
  readonly nsgs: Nsg[];
  nsgUnknown?: string;
  /** Application security groups of the NIC (keys as in {@link AddressTerm}). */
  readonly asgs: Set<string>;
  asgUnknown?: string;
  readonly ipForwarding: Field<boolean>;
  vm?: Vm;
}

/** A virtual machine (Windows, Linux or legacy). */
export interface Vm {
  readonly resource: TfResource;
  readonly nics: Nic[];
  readonly nicsUnknown?: string;
}

/** A private endpoint. */
export interface PrivateEndpoint {
  readonly resource: TfResource;
  readonly subnet?: Subnet;
  readonly subnetUnknown?: string;
  readonly privateIp: Field<Cidr | "dynamic">;
  /** The resource it connects to, when in this configuration. */
  readonly target?: TfResource;
}

/** An on-premises range set (`azurerm_local_network_gateway`). */
export interface LocalGateway {
  readonly resource: TfResource;
  readonly addressSpace: Field<Cidr[]>;
}

/** A route of a route table. */
export interface Route {
  readonly name?: string;
  readonly prefix: Field<Cidr>;
  readonly nextHopType: Field<string>;
  /** The next hop address: a literal, a reference to a resource attribute, or unknown. */
  readonly nextHop?: { readonly ip?: Cidr; readonly resource?: TfResource; readonly unknown?: string };
}

/** A route table. */
export interface RouteTable {
  readonly resource: TfResource;
  readonly routes: Route[];
  readonly subnets: Subnet[];
}

export const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];

/** A subnet's resource ID: resource group, VNet and subnet names (Azure matches resource IDs case-insensitively). */
const VNET_SUBNET_ID = /\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/virtualnetworks\/([^/]+)\/subnets\/([^/]+)\/?$/i;

/** A VNet's resource ID: subscription, resource group and VNet name. */
const VNET_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/virtualnetworks\/([^/]+)\/?$/i;

/** Whether two `resource_group_name` values name the same group, or why that is not known. */
type RgMatch = "same" | "different" | { readonly unknown: string };

/** Parses one NSG source/destination entry. */
export function parseAddressTerm(text: string): AddressTerm {
  const t = text.trim();
  if (t === "*" || t.toLowerCase() === "any") return { kind: "any", text: t };
  const cidr = parseCidr(t);
  if (cidr) return { kind: "cidr", text: t, cidr };
  if (/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/.test(t)) return { kind: "tag", text: t, tag: t.toLowerCase() };
  return { kind: "unknown", text: t, reason: `${JSON.stringify(t)} is not an address, CIDR or service tag` };
}

/** Every port: what a portless protocol's rule matches. */
const ALL_PORTS_FIELD: Field<Intervals<number>> = Object.freeze(knownField(Intervals.all(PORTS)));

/** Parses `*`, `80`, `1000-2000` into a port interval; undefined otherwise. */

export function parsePortText(text: string): readonly [number, number] | undefined {
  const t = text.trim();
  if (t === "*") return [0, 65535];
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] !== undefined ? Number(m[2]) : from;
  return from <= to && to <= 65535 ? [from, to] : undefined;
}

/** The normalised network of one configuration. Build once with {@link Topology.of}. */
export class Topology {
  public static of(model: TerraformModel): Topology {
    return model.memo("access-topology", () => new Topology(model));
  }

  public readonly vnets: Vnet[] = [];
  public readonly subnets: Subnet[] = [];
  public readonly nsgs: Nsg[] = [];
  /** Every NSG rule of the configuration (defaults excluded). */
  public readonly rules: NsgRule[] = [];
  public readonly nics: Nic[] = [];
  public readonly vms: Vm[] = [];
  public readonly privateEndpoints: PrivateEndpoint[] = [];
  public readonly localGateways: LocalGateway[] = [];
  public readonly routeTables: RouteTable[] = [];
  /** Standalone rules whose NSG could not be followed (they may belong to any NSG of the configuration). */
  public readonly orphanRules: NsgRule[] = [];

  /** Why any NSG may be associated with a subnet or NIC this configuration cannot follow (an association whose NSG cannot be followed either). */
  public nsgAssociationsUnknown?: string;
  private nextRuleId = 0;
  private readonly byResource = new Map<TfResource, { kind: string; value: unknown }>();
  /** Subnets by `vnet/subnet` name, lower-cased: a list, since VNet names are unique per resource group only. */
  private readonly subnetByVnetAndName = new Map<string, Subnet[]>();
  /** VNets by name, lower-cased (names are unique per resource group only). */
  private readonly vnetByName = new Map<string, Vnet[]>();
  /** Subnets whose VNet or names are not known: a literal subnet ID may name any of them. */
  private unidentifiedSubnets = 0;
  private readonly inlineCache = new Map<Vnet, { count: number; list: Subnet[] }>();
  /**
   * Rule fields read from one raw value, per field: thousands of rules repeat a few values (`*`,
   * `Inbound`, `3389`, a zone's prefix), and within one configuration a raw value (even a
   * reference) always reads the same. Shared readings and their lists are frozen (and typed
   * readonly); the terms in them are plain data nothing writes to.
   */
  private readonly fieldsByRaw = new Map<string, Map<unknown, Field<unknown>>>();
  private asgMembers?: Map<string, Nic[]>;

  private constructor(private readonly model: TerraformModel) {
    this.indexVnetsAndSubnets();
    this.indexNsgs();
    this.indexNics();
    this.indexVms();
    this.indexAssociations();
    this.indexPrivateEndpoints();
    this.indexPeeringsAndGateways();
    this.indexRouteTables();
  }

  public nsgOf(r: TfResource): Nsg | undefined {
    return this.get<Nsg>(r, "nsg");
  }

  public nicOf(r: TfResource): Nic | undefined {
    return this.get<Nic>(r, "nic");
  }

  public vmOf(r: TfResource): Vm | undefined {
    return this.get<Vm>(r, "vm");
  }

  /** The standalone subnet of a resource (inline subnets are reached through their VNet). */
  public subnetOf(r: TfResource): Subnet | undefined {
    return this.get<Subnet>(r, "subnet");
  }

  public vnetOf(r: TfResource): Vnet | undefined {
    return this.get<Vnet>(r, "vnet");
  }

  /**
   * A subnet from a `subnet_id` value: a reference to a subnet, or a literal ID naming a resource
   * group, VNet and subnet of this configuration (and its subscription, when the VNet's id is known). `external` is set when the value certainly names
   * no subnet of this configuration (a literal ID that matches none and could match none).
   */
  public subnetFromId(value: unknown): { subnet?: Subnet; unknown?: string; external?: boolean } {
    if (isUnset(value)) return { unknown: "subnet_id is missing" };
    const ref = this.model.referencedPath(value);
    if (ref) {
      const standalone = this.subnetOf(ref.target);
      if (standalone) return { subnet: standalone };
      const vnet = this.vnetOf(ref.target);
      // `${azurerm_virtual_network.x.subnet[0].id}` or a `subnet` set addressed by name: follow by position or name.
      if (vnet && ref.path[0] === "subnet") {
        const inline = this.inlineSubnets(vnet);
        const i = ref.path[1];
        if (typeof i === "number" && inline[i]) return { subnet: inline[i] };
        if (inline.length === 1) return { subnet: inline[0] };
      }
      return { unknown: `${String(value)} cannot be followed to one subnet of this configuration` };
    }
    const lit = this.model.resolveString(value);
    if (!lit.known) return { unknown: `subnet_id is not known before apply (${lit.reason})` };
    const m = VNET_SUBNET_ID.exec(lit.value);
    if (!m) return { unknown: `subnet_id ${JSON.stringify(lit.value)} is not a subnet resource ID` };
    // VNet names are unique per resource group only (learn.microsoft.com/azure/azure-resource-manager/
    // management/resource-name-rules): the ID's resource group must be the VNet's too.
    const same: Subnet[] = [];
    const doubts: string[] = [];
    // The VNet's ID in the subnet's (subscription included): a VNet whose own id is known (a plan of an
    // existing VNet) is the one only when it is the same, whatever the group and name say.
    const text = lit.value.trim().toLowerCase();
    const vnetPart = text.slice(0, text.lastIndexOf("/subnets/"));
    for (const s of this.subnetByVnetAndName.get(`${m[2].toLowerCase()}/${m[3].toLowerCase()}`) ?? []) {
      const own = this.knownId(s.vnet!.resource);
      if (own !== undefined) {
        if (own === vnetPart) same.push(s);
        continue;
      }
      const rg = this.rgMatch(m[1], s.vnet!.resource.config.resource_group_name);
      if (rg === "same") same.push(s);
      else if (rg !== "different") doubts.push(`${s.key} (its VNet ${s.vnet!.resource.address}: ${rg.unknown})`);
    }
    if (same.length === 1) return { subnet: same[0] };
    if (same.length + doubts.length > 0) {
      return { unknown: `subnet ${JSON.stringify(lit.value)} may or may not be ${[...same.map((s) => s.key), ...doubts].join(", ")} (VNet names are unique per resource group only)` };
    }
    return { unknown: `subnet ${JSON.stringify(lit.value)} is not part of this configuration`, external: this.unidentifiedSubnets === 0 };
  }

  /** For candidates found by name: whether each is in the resource group of `res` ({@link rgMatch}), and those certainly in it. */
  private inGroupOf<T extends { readonly resource: TfResource }>(res: TfResource, candidates: readonly T[]): { matches: RgMatch[]; same: T[] } {
    const matches = candidates.map((c) => this.rgMatch(res.config.resource_group_name, c.resource.config.resource_group_name));
    return { matches, same: candidates.filter((_, i) => matches[i] === "same") };
  }

  /**
   * Whether two `resource_group_name` values name the same resource group. Azure treats resource
   * group names case-insensitively; two values written alike (the same variable or reference)
   * are the same group even when neither is known before apply. Callers matching by name take a
   * candidate certainly in the group as the one (a name is unique within a group, so any other
   * candidate is not it), and a candidate only possibly in it as a doubt, never as a match.
   */
  private rgMatch(a: unknown, b: unknown): RgMatch {
    const ra = this.model.resolveString(a);
    const rb = this.model.resolveString(b);
    if (ra.known && rb.known) return ra.value.toLowerCase() === rb.value.toLowerCase() ? "same" : "different";
    if (typeof a === "string" && a.trim() !== "" && a.trim() === (typeof b === "string" ? b.trim() : undefined)) return "same";
    const missing = !ra.known ? ra : rb as { reason: string };
    return { unknown: `resource_group_name is not known (${missing.reason})` };
  }

  /**
   * The NICs in an application security group (by the key of its {@link AddressTerm}). Indexed on
   * first use: rules ask per source class, and a scan of every NIC per question would be quadratic.
   */
  public nicsInAsg(id: string): readonly Nic[] {
    if (!this.asgMembers) {
      this.asgMembers = new Map();
      for (const nic of this.nics) {
        for (const a of nic.asgs) {
          const list = this.asgMembers.get(a);
          if (list) list.push(nic);
          else this.asgMembers.set(a, [nic]);
        }
      }
    }
    return this.asgMembers.get(id) ?? [];
  }

  /** Records an association that cannot be followed on `nsg` (or, when its NSG cannot be followed either, for every NSG). */
  private mayAssociate(nsg: Nsg | undefined, why: string): void {
    if (nsg) nsg.associationsUnknown ??= why;
    else this.nsgAssociationsUnknown ??= why;
  }

  /** A VNet's inline subnets in order (asked per NIC configuration that references one: kept until the VNet gains a subnet). */
  private inlineSubnets(vnet: Vnet): Subnet[] {
    const hit = this.inlineCache.get(vnet);
    if (hit && hit.count === vnet.subnets.length) return hit.list;
    const list = vnet.subnets.filter((s) => s.inline);
    this.inlineCache.set(vnet, { count: vnet.subnets.length, list });
    return list;
  }

  private get<T>(r: TfResource, kind: string): T | undefined {
    const v = this.byResource.get(r);
    return v && v.kind === kind ? (v.value as T) : undefined;
  }

  private register(r: TfResource, kind: string, value: unknown): void {
    this.byResource.set(r, { kind, value });
  }

  private name(r: TfResource, body: Record<string, unknown> = r.config): string | undefined {
    const n = this.model.resolveString(body.name);
    return n.known ? n.value : undefined;
  }

  private cidrList(body: Record<string, unknown>, ...fields: string[]): Field<Cidr[]> {
    const plural = fields[fields.length - 1];
    const list = stringListFields(this.model, body, ...fields);
    if (!list) return unknownField(plural, "missing");
    if (!list.known) return list;
    const out: Cidr[] = [];
    for (const t of list.value) {
      const c = parseCidr(t);
      if (!c) return unknownField(plural, `${JSON.stringify(t)} is not a CIDR`);
      out.push(c);
    }
    return knownField(out);
  }

  // ------------------------------------------------------------------------------ building

  private indexVnetsAndSubnets(): void {
    const m = this.model;
    const vnetByName = this.vnetByName;
    for (const res of m.ofType("azurerm_virtual_network")) {
      const vnet: Vnet = {
        resource: res, name: this.name(res), addressSpace: this.cidrList(res.config, "address_space"),
        subnets: [], peers: [], tagPeers: [], externalPeerings: [], localGateways: [], hasGateway: false,
      };
      this.vnets.push(vnet);
      this.register(res, "vnet", vnet);
      if (vnet.name) vnetByName.set(vnet.name.toLowerCase(), [...(vnetByName.get(vnet.name.toLowerCase()) ?? []), vnet]);
      m.blocks(res, "subnet").forEach((block, i) => {
        const subnet = this.newSubnet(`${res.address}.subnet[${i}]`, res, this.name(res, block), true, this.cidrList(block, "address_prefix", "address_prefixes"));
        subnet.vnet = vnet;
        vnet.subnets.push(subnet);
      });
    }
    for (const res of m.ofType("azurerm_subnet")) {
      const subnet = this.newSubnet(res.address, res, this.name(res), false, this.cidrList(res.config, "address_prefix", "address_prefixes"));
      this.register(res, "subnet", subnet);
      const ref = m.referencedResource(res.config.virtual_network_name);
      let vnet = ref ? this.vnetOf(ref) : undefined;
      if (!vnet) {
        // By name: a subnet lives in its VNet's resource group, and VNet names are unique per resource
        // group only, so only a VNet certainly of the subnet's group is its VNet. Otherwise the subnet
        // stays without one: its VirtualNetwork tag is then its own prefixes (a network outside the configuration).
        const n = m.resolveString(res.config.virtual_network_name);
        const candidates = n.known ? vnetByName.get(n.value.toLowerCase()) ?? [] : [];
        const { same } = this.inGroupOf(res, candidates);
        if (same.length === 1) vnet = same[0];
      }
      if (vnet) {
        subnet.vnet = vnet;
        vnet.subnets.push(subnet);
      }
    }
    for (const s of this.subnets) {
      if (!s.vnet?.name || !s.name) {
        this.unidentifiedSubnets++;
        continue;
      }
      const key = `${s.vnet.name.toLowerCase()}/${s.name.toLowerCase()}`;
      const list = this.subnetByVnetAndName.get(key);
      if (list) list.push(s);
      else this.subnetByVnetAndName.set(key, [s]);
    }
  }

  private newSubnet(key: string, resource: TfResource, name: string | undefined, inline: boolean, prefixes: Field<Cidr[]>): Subnet {
    const s: Subnet = { key, resource, name, inline, prefixes, nsgs: [], nics: [], privateEndpoints: [], routeTables: [] };
    this.subnets.push(s);
    return s;
  }

  private indexNsgs(): void {
    const m = this.model;
    const byName = new Map<string, Nsg[]>();
    /** The configuration body of each rule read here, to compare an inline rule with a standalone one of the same name. */
    const bodies = new Map<NsgRule, Record<string, unknown>>();
    for (const res of m.ofType("azurerm_network_security_group")) {
      const nsg: Nsg = { resource: res, name: this.name(res), rules: [], subnets: [], nics: [] };
      this.nsgs.push(nsg);
      this.register(res, "nsg", nsg);
      if (nsg.name) byName.set(nsg.name.toLowerCase(), [...(byName.get(nsg.name.toLowerCase()) ?? []), nsg]);
      for (const block of m.blocks(res, "security_rule")) {
        const rule = this.parseRule(res, block, true);
        rule.nsg = nsg;
        nsg.rules.push(rule);
        this.rules.push(rule);
        bodies.set(rule, block);
      }
      // Rules from a `dynamic` block or an expression exist only at plan time: any of them may allow or
      // deny anything, in any place, so what the NSG decides is uncertain (never the defaults alone).
      const unreadable = unreadableBlock(res.config, "security_rule");
      if (unreadable) {
        const rule = standInRule({ id: this.nextRuleId++, resource: res, name: "(security_rule evaluated at plan time)", inline: true, field: "security_rule", why: unreadable });
        rule.nsg = nsg;
        nsg.rules.push(rule);
        this.rules.push(rule);
      }
    }
    const withStandalone = new Set<Nsg>();
    for (const res of m.ofType("azurerm_network_security_rule")) {
      const rule = this.parseRule(res, res.config, false);
      bodies.set(rule, res.config);
      const ref = m.referencedResource(res.config.network_security_group_name);
      let nsg = ref ? this.nsgOf(ref) : undefined;
      if (!nsg) {
        const n = m.resolveString(res.config.network_security_group_name);
        const candidates = n.known ? byName.get(n.value.toLowerCase()) ?? [] : [];
        // NSG names are unique per resource group only (learn.microsoft.com/azure/azure-resource-manager/
        // management/resource-name-rules): the rule's resource group must be the NSG's too.
        const { matches, same } = this.inGroupOf(res, candidates);
        const possible = candidates.filter((_, i) => matches[i] !== "different");
        if (same.length === 1) nsg = same[0];
        else if (possible.length === 1) {
          // Kept on the one NSG it may belong to, as a rule that may or may not be there (the same
          // field and channel as a rule whose NSG cannot be followed at all).
          nsg = possible[0];
          const rg = matches[candidates.indexOf(nsg)] as { unknown: string };
          rule.unknowns.push({
            field: "network_security_group_name",
            reason: `${rg.unknown}, and NSG names are unique per resource group only: the rule may belong to another NSG named ${JSON.stringify(nsg.name)}`,
          });
        }
      }
      if (nsg) {
        rule.nsg = nsg;
        nsg.rules.push(rule);
        withStandalone.add(nsg);
      } else {
        rule.unknowns.push({ field: "network_security_group_name", reason: "the NSG cannot be followed to one NSG of this configuration" });
        this.orphanRules.push(rule);
      }
      this.rules.push(rule);
    }
    for (const nsg of withStandalone) this.markInlineConflict(nsg, bodies);
  }

  /**
   * An NSG that manages its rules inline (`security_rule`) while standalone
   * `azurerm_network_security_rule` resources add to it: the provider "cannot use a Network Security
   * Group with in-line Network Security Rules in conjunction with any Network Security Rule
   * resources. Doing so will cause a conflict of rule settings and will overwrite rules"
   * (website/docs/r/network_security_group.html.markdown). `security_rule` is Optional+Computed with
   * ConfigMode Attr: an absent attribute leaves the rules alone, but a written one, `[]` included
   * ("we have to explicitly set it to empty slice ([]) to remove it", same page), is the whole rule
   * set each update of the NSG writes, removing the standalone rules until they are applied again.
   * So each standalone rule may be missing, and an inline rule whose name a different standalone rule
   * also claims may be overwritten. An inline rule identical to a standalone one of the same name is
   * that rule (a plan shows the rules Azure holds in `security_rule` after a refresh): no conflict.
   */
  private markInlineConflict(nsg: Nsg, bodies: Map<NsgRule, Record<string, unknown>>): void {
    // Rules a plan shows as Azure's state (created outside Terraform; the configuration does not write
    // the list): an update of the NSG leaves them and the standalone rules alone. They are enforced
    // rules like any other, read inline; there is nothing conflicting to report.
    if (nsg.resource.heldByAzure?.includes("security_rule")) return;
    const explicitEmpty = Array.isArray(nsg.resource.config.security_rule) && nsg.resource.config.security_rule.length === 0;
    const inline = nsg.rules.filter((r) => r.inline);
    if (!explicitEmpty && inline.length === 0) return;
    const standaloneByName = new Map<string, NsgRule[]>();
    for (const r of nsg.rules) if (!r.inline) standaloneByName.set(r.name.toLowerCase(), [...(standaloneByName.get(r.name.toLowerCase()) ?? []), r]);
    const signature = (r: NsgRule) => ruleSignature(bodies.get(r));
    /** Per inline rule: the standalone rules of its name that say something else. */
    const rivalsOf = (r: NsgRule) => (standaloneByName.get(r.name.toLowerCase()) ?? []).filter((o) => signature(o) !== signature(r));
    const conflicting = inline.filter((r) => !standaloneByName.has(r.name.toLowerCase()) || rivalsOf(r).length > 0);
    if (!explicitEmpty && conflicting.length === 0) return;
    const where = `NSG ${nsg.name ?? nsg.resource.address}`;
    const why = explicitEmpty
      ? `${where} writes security_rule = [] itself, so each update of it removes its standalone rules (azurerm: inline rules cannot be used with azurerm_network_security_rule): this rule may be missing after an apply`
      : `${where} also sets its rules inline (security_rule), which each update of it writes as its whole rule set (azurerm: inline rules cannot be used with azurerm_network_security_rule): this rule may be missing after an apply`;
    for (const list of standaloneByName.values()) for (const r of list) r.unknowns.push({ field: "network_security_group_name", reason: why });
    for (const r of conflicting) {
      const rivals = rivalsOf(r);
      if (rivals.length > 0) r.unknowns.push({ field: "network_security_group_name", reason: `${rivals[0].resource.address} writes a different rule of the same name into ${where} (azurerm: inline rules cannot be used with azurerm_network_security_rule): this rule may be overwritten` });
    }
  }

  /** Normalises one rule; every unreadable field becomes an unknown naming the field. */
  public parseRule(resource: TfResource, body: Record<string, unknown>, inline: boolean): NsgRule {
    const m = this.model;
    const direction = this.byRaw("direction", body.direction, () => enumField(m, body, "direction", ["Inbound", "Outbound"] as const));
    const access = this.byRaw("access", body.access, () => enumField(m, body, "access", ["Allow", "Deny"] as const));
    const priority = this.byRaw("priority", body.priority, () => intField(m, body, "priority", 100, 4096));
    const protocol = this.byRaw("protocol", body.protocol, () => enumField(m, body, "protocol", PROTOCOLS));
    const addresses = (single: string, plural: string, asgField: string): Field<readonly AddressTerm[]> => {
      // The usual form (one prefix, no list, no ASG) reads the same wherever it is written.
      if (isUnset(body[plural]) && isUnset(body[asgField])) return this.byRaw(single, body[single], () => this.addressTerms(body, single, plural, asgField));
      return this.addressTerms(body, single, plural, asgField);
    };
    const ports = (single: string, plural: string): Field<Intervals<number>> => {
      // ICMP and the like have no ports: every port matches, whatever the fields say.
      if (protocol.known && isPortless(protocol.value)) return ALL_PORTS_FIELD;
      if (isUnset(body[plural])) return this.byRaw(single, body[single], () => this.portRanges(body, single, plural));
      return this.portRanges(body, single, plural);
    };
    const sources = addresses("source_address_prefix", "source_address_prefixes", "source_application_security_group_ids");
    const destinations = addresses("destination_address_prefix", "destination_address_prefixes", "destination_application_security_group_ids");
    const destinationPorts = ports("destination_port_range", "destination_port_ranges");
    const sourcePorts = ports("source_port_range", "source_port_ranges");
    const unknowns: { field: string; reason: string }[] = [];
    for (const f of [direction, access, priority, protocol, sources, destinations, destinationPorts, sourcePorts]) {
      if (!f.known) unknowns.push({ field: f.field, reason: f.reason });
    }
    const nameField = m.resolveString(body.name);
    return {
      id: this.nextRuleId++, resource, inline, isDefault: false,
      name: nameField.known ? nameField.value : inline ? "(unnamed)" : resource.name,
      direction, access, priority, protocol, sources, destinations, destinationPorts, sourcePorts, unknowns,
    };
  }

  /** A rule field read once per raw value (a string or number; other values are read every time). */
  private byRaw<T>(field: string, raw: unknown, read: () => Field<T>): Field<T> {
    if (typeof raw !== "string" && typeof raw !== "number") return read();
    let perField = this.fieldsByRaw.get(field);
    if (!perField) this.fieldsByRaw.set(field, (perField = new Map()));
    let hit = perField.get(raw) as Field<T> | undefined;
    if (!hit) {
      hit = read();
      if (hit.known && Array.isArray(hit.value)) Object.freeze(hit.value);
      perField.set(raw, Object.freeze(hit));
    }
    return hit;
  }

  /** A rule's sources or destinations: prefixes, service tags and ASGs. */
  private addressTerms(body: Record<string, unknown>, single: string, plural: string, asgField: string): Field<AddressTerm[]> {
    const m = this.model;
    const list = stringListFields(m, body, single, plural);
    const out: AddressTerm[] = [];
    if (list && !list.known) return list;
    if (list) {
      for (const t of list.value) {
        const term = parseAddressTerm(t);
        if (term.kind === "unknown") return unknownField(list.value.length > 1 ? plural : single, term.reason);
        out.push(term);
      }
    }
    const asgRaw = body[asgField];
    if (!isUnset(asgRaw)) {
      const items = Array.isArray(asgRaw) ? asgRaw : [asgRaw];
      for (const item of items) {
        const ref = m.referencedResource(item);
        if (ref) out.push({ kind: "asg", text: ref.address, id: ref.address });
        else {
          const lit = m.resolveString(item);
          if (!lit.known) return unknownField(asgField, lit.reason);
          out.push({ kind: "asg", text: lit.value, id: lit.value.toLowerCase() });
        }
      }
    }
    if (out.length === 0) return unknownField(plural, `missing: neither ${single}, ${plural} nor ${asgField} is set`);
    return knownField(out);
  }

  /** A rule's source or destination ports (of a protocol that has ports). */
  private portRanges(body: Record<string, unknown>, single: string, plural: string): Field<Intervals<number>> {
    const list = stringListFields(this.model, body, single, plural);
    if (!list) return unknownField(plural, `missing: neither ${single} nor ${plural} is set`);
    if (!list.known) return list;
    const ranges: (readonly [number, number])[] = [];
    for (const t of list.value) {
      const r = parsePortText(t);
      if (!r) return unknownField(list.value.length > 1 ? plural : single, `${JSON.stringify(t)} is not a port or port range`);
      ranges.push(r);
    }
    return knownField(Intervals.of(PORTS, ranges));
  }

  private indexNics(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_network_interface")) {
      const fwd = res.config.ip_forwarding_enabled ?? res.config.enable_ip_forwarding; // azurerm 4+ / 3.x
      const fwdResolved = m.resolveBoolean(fwd);
      const nic: Nic = {
        resource: res, ipConfigs: [], nsgs: [], asgs: new Set(),
        ipForwarding: fwdResolved.known ? knownField(fwdResolved.value === true) : unknownField("ip_forwarding_enabled", fwdResolved.reason),
      };
      m.blocks(res, "ip_configuration").forEach((cfg, i) => {
        const { subnet, unknown } = isUnset(cfg.subnet_id) ? { subnet: undefined, unknown: undefined } : this.subnetFromId(cfg.subnet_id);
        const ip: IpConfig = {
          nic, name: this.name(res, cfg), subnet, subnetUnknown: unknown,
          privateIp: this.privateIp(cfg, "private_ip_address_allocation", "private_ip_address"),
          publicIp: this.publicIpOf(cfg.public_ip_address_id),
          primary: cfg.primary === true || i === 0,
        };
        nic.ipConfigs.push(ip);
        subnet?.nics.includes(nic) || subnet?.nics.push(nic);
      });
      // IP configurations from a `dynamic` block or an expression: a host whose subnet, address and
      // public IP are not known, never a NIC without one (which no rule would look at).
      const unreadable = unreadableBlock(res.config, "ip_configuration");
      if (unreadable) {
        nic.ipConfigs.push({
          nic, name: "(ip_configuration evaluated at plan time)", subnetUnknown: unreadable,
          privateIp: unknownField("ip_configuration", unreadable), publicIp: { attached: true, unknown: unreadable }, primary: nic.ipConfigs.length === 0,
        });
      }
      this.nics.push(nic);
      this.register(res, "nic", nic);
    }
  }

  private privateIp(cfg: Record<string, unknown>, allocationField: string, ipField: string): Field<Cidr | "dynamic"> {
    const m = this.model;
    const alloc = m.resolveString(cfg[allocationField] ?? (isUnset(cfg[ipField]) ? "Dynamic" : "Static"));
    if (!alloc.known) return unknownField(allocationField, alloc.reason);
    if (alloc.value.toLowerCase() === "dynamic" && isUnset(cfg[ipField])) return knownField("dynamic");
    const ip = m.resolveString(cfg[ipField]);
    if (!ip.known) return isUnset(cfg[ipField]) ? knownField("dynamic") : unknownField(ipField, ip.reason);
    const c = parseCidr(ip.value);
    return c ? knownField(c) : unknownField(ipField, `${JSON.stringify(ip.value)} is not an IP address`);
  }

  private publicIpOf(value: unknown): IpConfig["publicIp"] {
    if (isUnset(value)) return { attached: false };
    const ref = this.model.referencedResource(value);
    if (ref) return { attached: true, resource: ref };
    const lit = this.model.resolveString(value);
    return { attached: true, unknown: lit.known ? undefined : lit.reason };
  }

  private indexVms(): void {
    const m = this.model;
    for (const res of m.ofType(...VM_TYPES)) {
      const ids = res.config.network_interface_ids;
      const r = m.resolve(ids);
      const items: unknown[] = Array.isArray(ids) ? ids : ids !== undefined ? [ids] : [];
      const nics: Nic[] = [];
      let nicsUnknown: string | undefined = !Array.isArray(ids) && !r.known ? `network_interface_ids: ${r.reason}` : undefined;
      for (const item of items) {
        const ref = m.referencedResource(item);
        const nic = ref ? this.nicOf(ref) : undefined;
        if (nic) nics.push(nic);
        // Never String() (a value without a prototype has no string conversion: odd input must not crash a
        // rule); JSON text when it has one, cut short (an odd value may be large), else what kind it is.
        else nicsUnknown ??= `network_interface_ids: ${typeof item === "string" ? item : describeOddItem(item)} is not a NIC of this configuration`;
      }
      const vm: Vm = { resource: res, nics, nicsUnknown };
      nics.forEach((n) => (n.vm = vm));
      this.vms.push(vm);
      this.register(res, "vm", vm);
    }
  }

  private indexAssociations(): void {
    const m = this.model;
    let anySubnetUnknown: string | undefined;
    for (const res of m.ofType("azurerm_subnet_network_security_group_association")) {
      // A literal subnet ID that certainly names a subnet elsewhere concerns no subnet here.
      const { subnet, unknown, external } = this.subnetFromId(res.config.subnet_id);
      const nsgRef = m.referencedResource(res.config.network_security_group_id);
      const nsg = nsgRef ? this.nsgOf(nsgRef) : undefined;
      if (subnet && nsg) {
        subnet.nsgs.push(nsg);
        nsg.subnets.push(subnet);
      } else if (subnet) {
        // The association resource exists for this subnet: it has an NSG, whose rules this configuration does not hold.
        subnet.nsgUnknown ??= `${res.address}: the NSG ${describeRef(m, res.config.network_security_group_id)} is not part of this configuration`;
        subnet.nsgExternal ??= describeRef(m, res.config.network_security_group_id);
      } else if (!external) {
        anySubnetUnknown ??= `${res.address}: ${unknown}`;
        this.mayAssociate(nsg, `${res.address}: ${unknown}`);
      }
    }
    // azurerm 5.x sets the association on the subnet itself: `network_security_group_id_wo` (write-only,
    // absent from plans; its `_wo_version` is kept) and the exported `network_security_group_id`
    // (CHANGELOG 5.0.0, hashicorp/terraform-provider-azurerm#32847).
    for (const subnet of this.subnets) {
      if (subnet.inline) continue;
      const c = subnet.resource.config;
      const value = !isUnset(c.network_security_group_id_wo) ? c.network_security_group_id_wo : c.network_security_group_id;
      if (isUnset(value)) {
        if (!isUnset(c.network_security_group_id_wo_version)) subnet.nsgUnknown ??= `${subnet.resource.address}: network_security_group_id_wo is write-only, so a plan does not show which NSG it associates`;
        continue;
      }
      const ref = m.referencedResource(value);
      const nsg = ref ? this.nsgOf(ref) : undefined;
      if (nsg) {
        subnet.nsgs.push(nsg);
        nsg.subnets.push(subnet);
      } else {
        subnet.nsgUnknown ??= `${subnet.resource.address}: the NSG ${describeRef(m, value)} is not part of this configuration`;
        if (ref || this.isLiteral(value)) subnet.nsgExternal ??= describeRef(m, value);
      }
    }
    for (const vnet of m.ofType("azurerm_virtual_network")) {
      const inline = this.vnetOf(vnet)!.subnets.filter((s) => s.inline);
      m.blocks(vnet, "subnet").forEach((block, i) => {
        const subnet = inline[i];
        if (!subnet || isUnset(block.security_group)) return;
        const ref = m.referencedResource(block.security_group);
        const nsg = ref ? this.nsgOf(ref) : undefined;
        if (nsg) {
          subnet.nsgs.push(nsg);
          nsg.subnets.push(subnet);
        } else {
          const lit = m.resolveString(block.security_group);
          subnet.nsgUnknown ??= lit.known || ref
            ? `inline subnet security_group ${describeRef(m, block.security_group)} is not an NSG of this configuration`
            : `its security_group is not known before apply (${lit.reason})`;
          if (this.isLiteral(block.security_group)) subnet.nsgExternal ??= String(block.security_group);
        }
      });
    }
    // An association whose subnet cannot be followed may concern any subnet that has no NSG of its own.
    if (anySubnetUnknown) for (const s of this.subnets) if (s.nsgs.length === 0) s.nsgUnknown ??= anySubnetUnknown;

    let anyNicUnknown: string | undefined;
    for (const res of m.ofType("azurerm_network_interface_security_group_association")) {
      const nicRef = m.referencedResource(res.config.network_interface_id);
      const nic = nicRef ? this.nicOf(nicRef) : undefined;
      const nsgRef = m.referencedResource(res.config.network_security_group_id);
      const nsg = nsgRef ? this.nsgOf(nsgRef) : undefined;
      if (nic && nsg) {
        nic.nsgs.push(nsg);
        nsg.nics.push(nic);
      } else if (nic) nic.nsgUnknown ??= `${res.address}: the NSG ${describeRef(m, res.config.network_security_group_id)} is not part of this configuration`;
      else {
        anyNicUnknown ??= `${res.address}: its network_interface_id cannot be followed to a NIC of this configuration`;
        this.mayAssociate(nsg, anyNicUnknown);
      }
    }
    if (anyNicUnknown) for (const n of this.nics) if (n.nsgs.length === 0) n.nsgUnknown ??= anyNicUnknown;

    let anyAsgUnknown: string | undefined;
    for (const res of m.ofType("azurerm_network_interface_application_security_group_association")) {
      const nicRef = m.referencedResource(res.config.network_interface_id);
      const nic = nicRef ? this.nicOf(nicRef) : undefined;
      const asgRef = m.referencedResource(res.config.application_security_group_id);
      const asgId = asgRef ? asgRef.address : (() => {
        const lit = m.resolveString(res.config.application_security_group_id);
        return lit.known ? lit.value.toLowerCase() : undefined;
      })();
      if (nic && asgId) nic.asgs.add(asgId);
      else if (nic) nic.asgUnknown ??= `${res.address}: application_security_group_id is not known before apply`;
      else anyAsgUnknown ??= `${res.address}: its network_interface_id cannot be followed`;
    }
    // ASGs inline on an ip_configuration (azurerm 2.x style) are not in 4.x; the association above is the way.
    if (anyAsgUnknown) for (const n of this.nics) n.asgUnknown ??= anyAsgUnknown;
  }

  /** True for a known, non-empty literal (an Azure resource ID written out), not a reference or expression. */
  private isLiteral(value: unknown): boolean {
    if (this.model.referencedResource(value)) return false;
    const r = this.model.resolveString(value);
    return r.known && r.value.trim() !== "";
  }

  private indexPrivateEndpoints(): void {
    const m = this.model;
    for (const res of m.ofType("azurerm_private_endpoint")) {
      const { subnet, unknown } = this.subnetFromId(res.config.subnet_id);
      const ipBlocks = m.blocks(res, "ip_configuration");
      const privateIp: Field<Cidr | "dynamic"> = ipBlocks.length > 0 ? this.privateIp({ ...ipBlocks[0], allocation: "Static" }, "allocation", "private_ip_address") : knownField("dynamic");
      const conn = m.blocks(res, "private_service_connection")[0];
      const target = conn ? m.referencedResource(conn.private_connection_resource_id) : undefined;
      const pe: PrivateEndpoint = { resource: res, subnet, subnetUnknown: unknown, privateIp, target };
      this.privateEndpoints.push(pe);
      subnet?.privateEndpoints.push(pe);
    }
  }

  private indexPeeringsAndGateways(): void {
    const m = this.model;
    /** Peerings whose VNet is known, with the remote VNets they may name (doubt: it may be another). */
    const sides: { res: TfResource; local: Vnet; remotes: TagPeer[] }[] = [];
    /** Per VNet: the VNets a peering of this configuration certainly joins it to (its own side). */
    const peeredTo = new Map<Vnet, Set<Vnet>>();
    for (const res of m.ofType("azurerm_virtual_network_peering")) {
      const localRef = m.referencedResource(res.config.virtual_network_name);
      let local = localRef ? this.vnetOf(localRef) : undefined;
      if (!local) {
        // By name: the peering lives in its VNet's resource group, and VNet names are unique per
        // resource group only. A VNet that may be the one records the peering as one it cannot follow
        // (externalPeerings), never as a peer it may not have.
        const n = m.resolveString(res.config.virtual_network_name);
        const candidates = n.known ? this.vnetByName.get(n.value.toLowerCase()) ?? [] : [];
        const { matches, same } = this.inGroupOf(res, candidates);
        if (same.length === 1) local = same[0];
        else {
          for (const v of candidates.filter((_, i) => matches[i] !== "different")) v.externalPeerings.push(res);
          continue;
        }
      }
      const remotes = this.remoteVnets(res.config.remote_virtual_network_id);
      if (remotes.length === 0 || remotes.some((r) => r.doubt)) local.externalPeerings.push(res);
      for (const r of remotes) {
        if (r.doubt) continue;
        // The peering routes both ways once both sides exist; the other side may be outside this configuration.
        if (!local.peers.includes(r.vnet)) local.peers.push(r.vnet);
        if (!r.vnet.peers.includes(local)) r.vnet.peers.push(local);
        let mine = peeredTo.get(local);
        if (!mine) peeredTo.set(local, (mine = new Set()));
        mine.add(r.vnet);
      }
      sides.push({ res, local, remotes });
    }
    const tagIndex = new Map<Vnet, Map<Vnet, number>>();
    /** Puts `peer` in the tag of `vnet`; a certain entry wins over a doubtful one. */
    const addTagPeer = (vnet: Vnet, peer: Vnet, doubt?: string) => {
      let idx = tagIndex.get(vnet);
      if (!idx) tagIndex.set(vnet, (idx = new Map()));
      const at = idx.get(peer);
      if (at === undefined) {
        idx.set(peer, vnet.tagPeers.length);
        vnet.tagPeers.push({ vnet: peer, doubt });
      } else if (vnet.tagPeers[at].doubt && !doubt) vnet.tagPeers[at] = { vnet: peer };
    };
    for (const { res, local, remotes } of sides) {
      // azurerm: allow_virtual_network_access defaults to true (website/docs/r/virtual_network_peering).
      const access = m.resolveBoolean(res.config.allow_virtual_network_access);
      const accessDoubt = access.known ? undefined : `${res.address}: allow_virtual_network_access: ${access.reason}`;
      const allows = !access.known || access.value !== false;
      for (const r of remotes) {
        if (r.vnet === local) continue;
        if (allows) addTagPeer(local, r.vnet, [r.doubt, accessDoubt].filter((d) => d).join("; ") || undefined);
        // The remote side's tag is its own peering's to decide; without one in this configuration (it
        // may be elsewhere), this one's VNet counts as there, as it always has.
        if (!peeredTo.get(r.vnet)?.has(local)) addTagPeer(r.vnet, local, r.doubt);
      }
    }
    for (const res of m.ofType("azurerm_local_network_gateway")) {
      const lng: LocalGateway = { resource: res, addressSpace: this.cidrList(res.config, "address_space") };
      this.localGateways.push(lng);
      this.register(res, "lng", lng);
    }
    const gatewayVnet = new Map<TfResource, Vnet>();
    for (const res of m.ofType("azurerm_virtual_network_gateway")) {
      for (const cfg of m.blocks(res, "ip_configuration")) {
        const vnet = this.subnetFromId(cfg.subnet_id).subnet?.vnet;
        if (vnet) {
          vnet.hasGateway = true;
          gatewayVnet.set(res, vnet);
        }
      }
    }
    for (const res of m.ofType("azurerm_virtual_network_gateway_connection")) {
      const gwRef = m.referencedResource(res.config.virtual_network_gateway_id);
      const vnet = gwRef ? gatewayVnet.get(gwRef) : undefined;
      const lngRef = m.referencedResource(res.config.local_network_gateway_id);
      const lng = lngRef ? this.get<LocalGateway>(lngRef, "lng") : undefined;
      if (vnet && lng && !vnet.localGateways.includes(lng)) vnet.localGateways.push(lng);
    }
  }

  /** A resource's `id` when the configuration holds it (a plan of an existing resource), lower-cased without a trailing slash. */
  private knownId(res: TfResource): string | undefined {
    const id = this.model.resolveString(res.config.id);
    return id.known && id.value.trim() !== "" ? id.value.trim().replace(/\/$/, "").toLowerCase() : undefined;
  }

  /**
   * The VNets of this configuration a `remote_virtual_network_id` may name: the one it references,
   * or those a literal ID may name. A literal ID names a VNet by subscription, resource group and
   * name; the configuration says which subscription a VNet is in only when its `id` is known (a
   * plan of an existing VNet), so a VNet of the same group and name is otherwise one it may name, a
   * doubt, never a match. Nothing when it certainly names none (or a VNet outside this configuration:
   * its ranges are not this configuration's values).
   */
  private remoteVnets(value: unknown): TagPeer[] {
    const ref = this.model.referencedResource(value);
    if (ref) {
      const v = this.vnetOf(ref);
      return v ? [{ vnet: v }] : [];
    }
    const lit = this.model.resolveString(value);
    if (!lit.known) return [];
    const text = lit.value.trim();
    const m = VNET_ID.exec(text);
    if (!m) return [];
    const wanted = text.replace(/\/$/, "").toLowerCase();
    const out: TagPeer[] = [];
    for (const v of this.vnetByName.get(m[3].toLowerCase()) ?? []) {
      const own = this.knownId(v.resource);
      if (own !== undefined) {
        if (own === wanted) out.push({ vnet: v });
        continue;
      }
      const rg = this.rgMatch(m[2], v.resource.config.resource_group_name);
      if (rg === "different") continue;
      const why = rg === "same" ? `the configuration does not say which subscription ${v.resource.address} is in` : `${v.resource.address}: ${rg.unknown}`;
      out.push({ vnet: v, doubt: `remote_virtual_network_id ${JSON.stringify(text)} may or may not name ${v.resource.address} (${why})` });
    }
    // A certain match is the one: an ID names one VNet.
    const certain = out.find((r) => !r.doubt);
    return certain ? [certain] : out;
  }

  private indexRouteTables(): void {
    const m = this.model;
    const byName = new Map<string, RouteTable[]>();
    for (const res of m.ofType("azurerm_route_table")) {
      const table: RouteTable = { resource: res, routes: m.blocks(res, "route").map((b) => this.parseRoute(b)), subnets: [] };
      // Routes from a `dynamic` block or an expression: any prefix, any next hop.
      const unreadable = unreadableBlock(res.config, "route");
      if (unreadable) table.routes.push({ prefix: unknownField("route", unreadable), nextHopType: unknownField("route", unreadable), nextHop: { unknown: unreadable } });
      this.routeTables.push(table);
      this.register(res, "route-table", table);
      const n = this.name(res);
      if (n) byName.set(n.toLowerCase(), [...(byName.get(n.toLowerCase()) ?? []), table]);
    }
    for (const res of m.ofType("azurerm_route")) {
      const ref = m.referencedResource(res.config.route_table_name);
      const byRef = ref ? this.get<RouteTable>(ref, "route-table") : undefined;
      if (byRef) {
        byRef.routes.push(this.parseRoute(res.config));
        continue;
      }
      // By name: route table names are unique per resource group only, so the route's group must be
      // the table's. A table that may hold it gets it with an unknown prefix: routing through that
      // table becomes "could not verify" unless a known route decides.
      const n = m.resolveString(res.config.route_table_name);
      const candidates = n.known ? byName.get(n.value.toLowerCase()) ?? [] : [];
      const { matches, same } = this.inGroupOf(res, candidates);
      if (same.length === 1) same[0].routes.push(this.parseRoute(res.config));
      else {
        candidates.forEach((t, i) => {
          const r = matches[i];
          if (r === "different") return;
          const why = r === "same" ? "several route tables of this configuration share its name and resource group" : `${r.unknown}, and route table names are unique per resource group only`;
          t.routes.push({ ...this.parseRoute(res.config), prefix: unknownField("route_table_name", `${res.address}: ${why}: the route may belong to another table`) });
        });
      }
    }
    let anyUnknown: string | undefined;
    const attach = (subnet: Subnet | undefined, tableValue: unknown, where: string, unknownSubnet?: string) => {
      const ref = this.model.referencedResource(tableValue);
      const table = ref ? this.get<RouteTable>(ref, "route-table") : undefined;
      if (subnet && table) {
        subnet.routeTables.push(table);
        table.subnets.push(subnet);
      } else if (subnet) subnet.routeTableUnknown ??= `${where}: the route table is not part of this configuration`;
      else anyUnknown ??= `${where}: ${unknownSubnet ?? "its subnet cannot be followed"}`;
    };
    for (const res of m.ofType("azurerm_subnet_route_table_association")) {
      const { subnet, unknown } = this.subnetFromId(res.config.subnet_id);
      attach(subnet, res.config.route_table_id, res.address, unknown);
    }
    for (const vnet of this.vnets) {
      const inline = vnet.subnets.filter((s) => s.inline);
      m.blocks(vnet.resource, "subnet").forEach((block, i) => {
        if (!isUnset(block.route_table_id) && inline[i]) attach(inline[i], block.route_table_id, `${vnet.resource.address} subnet ${inline[i].name ?? i}`);
      });
    }
    // azurerm 5.x: `route_table_id_wo` (write-only) and the exported `route_table_id` on the subnet (#32847).
    for (const subnet of this.subnets) {
      if (subnet.inline) continue;
      const c = subnet.resource.config;
      const value = !isUnset(c.route_table_id_wo) ? c.route_table_id_wo : c.route_table_id;
      if (!isUnset(value)) attach(subnet, value, subnet.resource.address);
      else if (!isUnset(c.route_table_id_wo_version)) subnet.routeTableUnknown ??= `${subnet.resource.address}: route_table_id_wo is write-only, so a plan does not show which route table it associates`;
    }
    if (anyUnknown) for (const s of this.subnets) if (s.routeTables.length === 0) s.routeTableUnknown ??= anyUnknown;
  }

  private parseRoute(body: Record<string, unknown>): Route {
    const m = this.model;
    const prefixRaw = m.resolveString(body.address_prefix);
    const prefix: Field<Cidr> = !prefixRaw.known ? unknownField("address_prefix", prefixRaw.reason)
      : parseCidr(prefixRaw.value) ? knownField(parseCidr(prefixRaw.value)!) : unknownField("address_prefix", `${JSON.stringify(prefixRaw.value)} is not a CIDR (service tags as route prefixes are not evaluated)`);
    const hopType = m.resolveString(body.next_hop_type);
    let nextHop: Route["nextHop"];
    if (!isUnset(body.next_hop_in_ip_address)) {
      const ref = m.referencedPath(body.next_hop_in_ip_address);
      if (ref) nextHop = { resource: ref.target };
      else {
        const lit = m.resolveString(body.next_hop_in_ip_address);
        nextHop = lit.known ? { ip: parseCidr(lit.value) } : { unknown: lit.reason };
      }
    }
    return {
      name: this.name({ config: body } as TfResource, body),
      prefix,
      nextHopType: hopType.known ? knownField(hopType.value) : unknownField("next_hop_type", hopType.reason),
      nextHop,
    };
  }
}

/**
 * A stand-in for NSG rules this configuration cannot see or read: every field unknown for `why`
 * (under `field`), so it may match anything, in any place; `access`, when given, is known.
 */
export function standInRule(o: { id: number; resource: TfResource; name: string; inline: boolean; field: string; why: string; access?: "Allow" | "Deny" }): NsgRule {
  const u = <T>(): Field<T> => ({ known: false, field: o.field, reason: o.why });
  return {
    id: o.id, resource: o.resource, name: o.name, inline: o.inline, isDefault: false,
    direction: u(), access: o.access ? { known: true, value: o.access } : u(), priority: u(), protocol: u(), sources: u(), destinations: u(),
    destinationPorts: u(), sourcePorts: u(), unknowns: [{ field: o.field, reason: o.why }],
  };
}

/** The fields of a rule body that decide what it does, in one comparable text (unset fields left out; lists sorted; case ignored). */
const RULE_FIELDS = [
  "direction", "access", "priority", "protocol", "source_port_range", "source_port_ranges", "destination_port_range", "destination_port_ranges",
  "source_address_prefix", "source_address_prefixes", "destination_address_prefix", "destination_address_prefixes",
  "source_application_security_group_ids", "destination_application_security_group_ids",
];
function ruleSignature(body: Record<string, unknown> | undefined): string {
  const out: unknown[] = [];
  for (const f of RULE_FIELDS) {
    const v = body?.[f];
    if (isUnset(v)) continue;
    const norm = (x: unknown) => (typeof x === "string" ? x.trim().toLowerCase() : x);
    out.push(f, Array.isArray(v) ? v.map(norm).map((x) => JSON.stringify(x)).sort() : norm(v));
  }
  return JSON.stringify(out);
}

function describeRef(model: TerraformModel, value: unknown): string {
  const ref = model.referencedResource(value);
  if (ref) return ref.address;
  return typeof value === "string" ? JSON.stringify(value) : "(not a string)";
}

export { describeUnknown };

/** An unexpected network_interface_ids item as JSON text (at most 120 characters), or its kind when it has none. */
function describeOddItem(item: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(item);
  } catch {
    json = undefined; // e.g. a cycle or a BigInt: say what kind it is instead
  }
  if (json === undefined) return `a ${Array.isArray(item) ? "list" : typeof item}`;
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
