/**
 * Ways in from the Internet that keep the client's address, so the NSG on the path sees an
 * Internet source: a public IP on the NIC, and public load balancer rules and inbound NAT rules.
 * (Azure Firewall DNAT also lets the Internet in, but rewrites the source to the firewall's own
 * address; see {@link FirewallIndex.dnatTo}.)
 *
 * Standard-SKU public IPs and load balancers are no way in for a host with no NSG at all: they are
 * "secure by default ... closed to inbound traffic when used as a frontend. Allow traffic with network
 * security group (NSG) is required", while Basic ones are "Open by default" (MicrosoftDocs/azure-docs,
 * articles/virtual-network/ip-services/public-ip-addresses.md, SKU table); "Standard load balancers and
 * standard public IP addresses are closed to inbound connections, unless network security groups (NSGs)
 * open them ... If you don't have an NSG on a subnet or network interface card (NIC) of your virtual
 * machine resource, traffic isn't allowed to reach the resource" (articles/load-balancer/load-balancer-overview.md,
 * "Security by default"). azurerm 4.x defaults both `sku`s to `Standard` (hashicorp/terraform-provider-azurerm
 * v4.55.0: website/docs/r/public_ip.html.markdown and lb.html.markdown, "Defaults to `Standard`"; the
 * schemas in internal/services/network/public_ip_resource.go and loadbalancer/lb_resource.go agree).
 * With an NSG on either layer, the NSG decides as for Basic.
 */
import { AccessModel, Endpoint, Probe } from "./access-model";
import { describeUnknown, isUnset, valueText } from "./fields";
import { TerraformModel, TfResource } from "../model";

/** One way in from the Internet to an endpoint. */
export interface Entry {
  readonly kind: "public-ip" | "load-balancer-rule" | "inbound-nat-rule";
  readonly resource: TfResource;
  /** For messages: `public IP azurerm_public_ip.x`, `load balancer rule azurerm_lb_rule.rdp (frontend port 3389)`. */
  readonly label: string;
  /** False when the way in depends on values not known before apply. */
  readonly definite: boolean;
  readonly doubts: string[];
}

interface Frontend { readonly lb: TfResource; readonly name?: string; readonly isPublic: boolean | undefined }

/** Load balancers and what they forward to, built once. */
export class LoadBalancerIndex {
  public static of(model: TerraformModel): LoadBalancerIndex {
    return model.memo("access-load-balancers", () => new LoadBalancerIndex(model));
  }

  private readonly frontends = new Map<TfResource, Frontend[]>();
  /** Pool resource -> members (`nic address#ipconfig name`, or `ip:<address>`). */
  private readonly poolMembers = new Map<TfResource, Set<string>>();
  /** NAT rule resource -> members. */
  private readonly natMembers = new Map<TfResource, Set<string>>();
  /** Associations that could not be followed (they may concern any endpoint). */
  private readonly unknownAssociations: string[] = [];

  private constructor(private readonly model: TerraformModel) {
    const m = model;
    for (const lb of m.ofType("azurerm_lb")) {
      this.frontends.set(lb, m.blocks(lb, "frontend_ip_configuration").map((f) => {
        const name = m.resolveString(f.name);
        const pub = !isUnset(f.public_ip_address_id) || !isUnset(f.public_ip_prefix_id) ? true : !isUnset(f.subnet_id) ? false : undefined;
        return { lb, name: name.known ? name.value : undefined, isPublic: pub };
      }));
    }
    const member = (nicValue: unknown, cfgName: unknown): string | undefined => {
      const nic = m.referencedResource(nicValue);
      const cfg = m.resolveString(cfgName);
      return nic && cfg.known ? `${nic.address}#${cfg.value}` : undefined;
    };
    for (const a of m.ofType("azurerm_network_interface_backend_address_pool_association")) {
      const pool = m.referencedResource(a.config.backend_address_pool_id);
      const key = member(a.config.network_interface_id, a.config.ip_configuration_name);
      if (pool && key) add(this.poolMembers, pool, key);
      else this.unknownAssociations.push(`${a.address}: its NIC, IP configuration or pool cannot be followed`);
    }
    for (const a of m.ofType("azurerm_lb_backend_address_pool_address")) {
      const pool = m.referencedResource(a.config.backend_address_pool_id);
      const ip = m.resolveString(a.config.ip_address);
      if (pool && ip.known) add(this.poolMembers, pool, `ip:${ip.value.trim()}`);
      else this.unknownAssociations.push(`${a.address}: its pool or ip_address cannot be followed`);
    }
    for (const a of m.ofType("azurerm_network_interface_nat_rule_association")) {
      const rule = m.referencedResource(a.config.nat_rule_id);
      const key = member(a.config.network_interface_id, a.config.ip_configuration_name);
      if (rule && key) add(this.natMembers, rule, key);
      else this.unknownAssociations.push(`${a.address}: its NIC, IP configuration or NAT rule cannot be followed`);
    }
  }

  /** Public load balancer rules and inbound NAT rules that forward `probe` to the endpoint. */
  public entriesTo(endpoint: Endpoint, probe: Probe): Entry[] {
    const m = this.model;
    if (endpoint.kind !== "nic" || probe.protocol === "Icmp") return [];
    // Asked for every host and port: nothing to look at without load balancer rules.
    if (m.ofType("azurerm_lb_rule").length === 0 && m.ofType("azurerm_lb_nat_rule").length === 0) return [];
    const keys = new Set<string>([`${endpoint.resource.address}#${endpoint.ipConfig?.name ?? ""}`]);
    if (endpoint.destination.kind === "host") keys.add(`ip:${endpoint.destination.cidr.text}`);
    const isMember = (set: Set<string> | undefined) => !!set && [...keys].some((k) => set.has(k));
    const out: Entry[] = [];
    // Members come from associations: one that cannot be followed may make any NIC a member.
    const mayBeMember = this.unknownAssociations.length > 0
      ? `it may forward to this host (${this.unknownAssociations[0]}${this.unknownAssociations.length > 1 ? `, and ${this.unknownAssociations.length - 1} more` : ""})`
      : undefined;
    const consider = (res: TfResource, kind: Entry["kind"], members: boolean | string) => {
      const doubts: string[] = [];
      const proto = m.resolveString(res.config.protocol);
      if (!proto.known) doubts.push(`protocol: ${proto.reason}`);
      else if (proto.value.toLowerCase() !== "all" && proto.value.toLowerCase() !== probe.protocol.toLowerCase()) return;
      const backend = m.resolveNumber(res.config.backend_port);
      if (!backend.known) doubts.push(`backend_port: ${backend.reason}`);
      // An HA-ports rule (protocol All, port 0) forwards every port.
      else if (backend.value !== undefined && backend.value !== 0 && (backend.value < probe.from || backend.value > probe.to)) return;
      const front = this.frontendOf(res);
      if (front === undefined) doubts.push("its frontend IP configuration cannot be followed");
      else if (front.isPublic === false) return;
      else if (front.isPublic === undefined) doubts.push("whether its frontend is public is not known");
      if (members === false) {
        if (!mayBeMember) return;
        doubts.push(mayBeMember);
      } else if (typeof members === "string") doubts.push(members);
      if (front) {
        const closed = closedWithoutNsg(m, front.lb, endpoint);
        if (closed === true) return;
        if (closed) doubts.push(closed);
      }
      const fp = m.resolveNumber(res.config.frontend_port);
      const label = `${kind === "load-balancer-rule" ? "load balancer rule" : "inbound NAT rule"} ${res.address}${fp.known && fp.value !== undefined ? ` (frontend port ${fp.value})` : ""}`;
      out.push({ kind, resource: res, label, definite: doubts.length === 0, doubts });
    };
    // A pool that cannot be followed (a variable, an ID of a pool elsewhere) may hold the host.
    const poolsMembership = (field: string, value: unknown): boolean | string => {
      if (isUnset(value)) return false;
      const list = Array.isArray(value) ? value : [value];
      let unknown: string | undefined;
      for (const p of list) {
        const pool = m.referencedResource(p);
        if (pool && isMember(this.poolMembers.get(pool))) return true;
        if (!pool) unknown ??= `${field}: ${valueText(p)} cannot be followed to a backend pool of this configuration, which may hold this host`;
      }
      return unknown ?? false;
    };
    for (const r of m.ofType("azurerm_lb_rule")) consider(r, "load-balancer-rule", poolsMembership("backend_address_pool_ids", r.config.backend_address_pool_ids));
    for (const r of m.ofType("azurerm_lb_nat_rule")) {
      consider(r, "inbound-nat-rule", isMember(this.natMembers.get(r)) || poolsMembership("backend_address_pool_id", r.config.backend_address_pool_id));
    }
    return out;
  }

  /** Why some association could not be followed (it may concern any NIC), if so. */
  public get unknownAssociationReasons(): readonly string[] {
    return this.unknownAssociations;
  }

  private frontendOf(rule: TfResource): Frontend | undefined {
    const lb = this.model.referencedResource(rule.config.loadbalancer_id);
    const fronts = lb ? this.frontends.get(lb) : undefined;
    if (!fronts) return undefined;
    const name = this.model.resolveString(rule.config.frontend_ip_configuration_name);
    return name.known ? fronts.find((f) => f.name === name.value) : undefined;
  }
}

/**
 * The public IP on the endpoint's NIC IP configuration, as an entry; none for a Standard one when no
 * NSG is on either layer (it admits nothing then).
 */
export function publicIpEntry(endpoint: Endpoint, model: TerraformModel): Entry | undefined {
  const pip = endpoint.ipConfig?.publicIp;
  if (!pip || !pip.attached) return undefined;
  const doubts = pip.unknown ? [describeUnknown({ field: "public_ip_address_id", reason: pip.unknown })] : [];
  if (!pip.unknown) {
    const closed = pip.resource?.type === "azurerm_public_ip"
      ? closedWithoutNsg(model, pip.resource, endpoint)
      : withoutAnyNsg(model, endpoint) && `the public IP ${pip.resource?.address ?? "(by ID)"} is not an azurerm_public_ip of this configuration, so its sku is not known`;
    if (closed === true) return undefined;
    if (closed) doubts.push(closed);
  }
  return {
    kind: "public-ip", resource: pip.resource ?? endpoint.resource,
    label: `public IP ${pip.resource?.address ?? "(by ID)"} on ${endpoint.label}`, definite: doubts.length === 0, doubts,
  };
}

/**
 * For a Standard-SKU public IP or load balancer `res` (azurerm 4.x's default when `sku` is unset) in
 * front of an endpoint with no NSG on either layer: true, nothing gets in. A doubt naming `sku` when
 * it is not known before apply and there is no NSG; false otherwise (Basic, Gateway, or an NSG that
 * decides: its allows let the Internet in through either SKU).
 */
function closedWithoutNsg(model: TerraformModel, res: TfResource, endpoint: Endpoint): boolean | string {
  if (!withoutAnyNsg(model, endpoint)) return false;
  if (isUnset(res.config.sku)) return true;
  const sku = model.resolveString(res.config.sku);
  if (!sku.known) return `${describeUnknown({ field: `sku of ${res.address}`, reason: sku.reason })} (without an NSG, a Standard one admits nothing, a Basic one everything)`;
  return sku.value.trim().toLowerCase() === "standard";
}

/** True when no NSG filters the endpoint on either layer, and none this configuration cannot see may be associated. */
function withoutAnyNsg(model: TerraformModel, endpoint: Endpoint): boolean {
  return AccessModel.of(model).layersOf(endpoint).every((l) => l.nsgs.length === 0 && !l.unknown && !l.bypass && !l.mayBypass);
}

function add(map: Map<TfResource, Set<string>>, key: TfResource, value: string): void {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(value);
}
