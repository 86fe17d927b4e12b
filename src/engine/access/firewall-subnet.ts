/**
 * AzureFirewallSubnet as a source. The firewall originates no client traffic of its own towards a
 * host: what leaves it either keeps the client's address (network rules to a destination in its SNAT
 * private ranges: judged as that client) or carries one of its own (DNAT, SNATed network rules,
 * application rules, DNS proxy), whose clients the access model reports where it can (DNAT rules and
 * SNATed routed clients: src/engine/access/reachability.ts). So an NSG grant to the firewall's
 * subnet is no client zone, unless the firewall may send traffic of clients the configuration does
 * not show from those addresses: then the subnet stands for unknown clients (could not verify).
 */
import { Endpoint } from "./access-model";
import { Cidr, parseCidr, PUBLIC_V4 } from "./addresses";
import { Firewall, FirewallIndex, FirewallRule } from "./firewalls";
import { Intervals, PORTS } from "./intervals";
import { Subnet } from "./topology";
import { TerraformModel, TfResource } from "../model";

/** Default ports of application rule protocols (azurerm: `port` of a `protocols` block, else the protocol's own). */
const APP_DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, mssql: 1433 };
/** DNS (TCP and UDP 53): what a DNS proxy forwards. */
const DNS_PORTS = Intervals.of(PORTS, [[53, 53]]);
/** Base policies followed (as the firewall index does). */
const MAX_BASE_CHAIN = 6;

/** What a firewall may send from its own addresses besides DNAT and SNATed network rules. */
interface OwnTraffic {
  /** Application rules (always SNATed): the TCP ports they may carry, or why they cannot be read. */
  readonly appPorts: Intervals<number>;
  readonly appResources: Set<string>;
  /** DNS proxy: undefined when off; else the servers it forwards to, or why they are not known. */
  readonly dnsProxy?: { readonly servers: Cidr[]; readonly unknown?: string; readonly owner: string };
}

/**
 * Why traffic from the own addresses of AzureFirewallSubnet `subnet` to `endpoint` on `protocol`
 * `ports` may be traffic of clients this configuration does not show; undefined when every client
 * whose traffic the firewall sends from them is one the access model reports (or none).
 * - no firewall of this configuration is in the subnet: what it forwards is not known;
 * - the firewall's rules are not all known: a DNAT rule may publish the host to any source;
 * - it SNATs (or may SNAT) network-rule traffic to the host: "Azure Firewall doesn't SNAT with Network
 *   rules when the destination IP address is in a private IP address range per IANA RFC 1918 or shared
 *   address space per IANA RFC 6598" (learn.microsoft.com/azure/firewall/snat-private-range), so a host
 *   outside them sees every client the firewall routes to it (peered networks, on-premises ranges the
 *   configuration may not show) from the firewall's addresses;
 * - application rules on the port: "Application rules are always SNATed" (same page);
 * - its DNS proxy forwards to the host on port 53: the firewall is "an intermediary for DNS requests
 *   from client virtual machines to a DNS server" (learn.microsoft.com/azure/firewall/dns-settings).
 */
export function firewallSubnetDoubt(model: TerraformModel, subnet: Subnet, endpoint: Endpoint | undefined, protocol: "Tcp" | "Udp", ports: Intervals<number>): ForwardDoubt | undefined {
  const index = FirewallIndex.of(model);
  const fws = index.firewalls.filter((f) => f.subnet === subnet);
  if (fws.length === 0) return { why: "no Azure Firewall of this configuration is in it, so whose traffic it forwards from these addresses is not known", ports };
  const d = endpoint?.destination;
  const hosts = d?.kind === "host" ? [d.cidr] : d?.kind === "range" ? [...d.cidrs] : undefined;
  const why: string[] = [];
  let doubted = Intervals.empty(PORTS);
  const add = (text: string, on: Intervals<number>) => {
    if (on.isEmpty) return;
    why.push(text);
    doubted = doubted.union(on);
  };
  for (const fw of fws) {
    const name = fw.resource.address;
    if (fw.rulesUnknown.length > 0) add(`the rules of firewall ${name} are not all known (${fw.rulesUnknown.join("; ")}), so a DNAT rule may publish the host to sources this configuration does not show`, ports);
    if (!hosts) add(`the host's address is not known, so whether firewall ${name} SNATs traffic to it is not known`, ports);
    else {
      for (const h of hosts) {
        const s = index.snatTo(fw, h);
        if (s.snat === "no") continue;
        const every = "these addresses stand for every client it routes there, including networks this configuration does not show";
        add(s.snat === "yes" ? `firewall ${name} SNATs the network-rule traffic it routes to ${h.text}, so ${every}` : `${s.why}: if it does, ${every}`, ports);
        break;
      }
    }
    const own = ownTraffic(model, fw);
    if (protocol === "Tcp") add(`application rules of ${[...own.appResources].join(", ")}, which Azure Firewall always SNATs, may carry traffic of their clients to it`, ports.intersect(own.appPorts));
    const dns = own.dnsProxy;
    const served = (s: Cidr) => !hosts || hosts.some((h) => h.family === s.family && s.start <= h.end && h.start <= s.end);
    if (dns && (dns.unknown !== undefined || !hosts || dns.servers.some(served))) {
      add(`the DNS proxy of firewall ${name} (${dns.owner}) forwards its clients' queries${dns.unknown !== undefined ? ` to DNS servers that are not known (${dns.unknown})` : " to it"}`, ports.intersect(DNS_PORTS));
    }
  }
  return why.length > 0 ? { why: why.join("; "), ports: doubted } : undefined;
}

/** Why AzureFirewallSubnet's addresses may stand for clients not shown, and on which of the asked ports. */
export interface ForwardDoubt {
  readonly why: string;
  readonly ports: Intervals<number>;
}

/** `AzureFirewallSubnet (10.0.100.0/26)` for messages. */
export function firewallSubnetText(subnet: Subnet): string {
  return `${subnet.name ?? "AzureFirewallSubnet"} (${subnet.prefixes.known ? subnet.prefixes.value.map((c) => c.text).join(", ") : "prefixes not known"})`;
}

/**
 * True when a DNAT rule may listen on a private address of the firewall ("Private IP DNAT": "translate and filter inbound traffic
 * using the firewall's private IP address instead of its public IP address", learn.microsoft.com/azure/firewall/tutorial-private-ip-dnat),
 * or its address is not known: then its private sources reach the host with their own identity as clients of the zones they are in
 * (the firewall's own address is what the NSG sees), not only as Internet sources.
 */
export function mayListenPrivately(rule: FirewallRule): boolean {
  if (!rule.destinations.known) return true;
  const d = rule.destinations.value;
  return !d.v4.subtract(PUBLIC_V4).isEmpty || !d.v6.isEmpty;
}

/** Application rules and DNS proxy of one firewall (its policy and base policies, or classic settings). Memoised. */
function ownTraffic(model: TerraformModel, fw: Firewall): OwnTraffic {
  const all = model.memo("firewall-subnet:own-traffic", () => new Map<Firewall, OwnTraffic>());
  let hit = all.get(fw);
  if (hit) return hit;
  const policies = policyChain(model, fw.resource);
  const appRanges: [number, number][] = [];
  const appResources = new Set<string>();
  const addApp = (res: TfResource, rules: Record<string, any>[], protocolsAttr: string) => {
    for (const r of rules) {
      const protos = Array.isArray(r[protocolsAttr]) ? (r[protocolsAttr] as Record<string, unknown>[]) : undefined;
      appResources.add(res.address);
      if (!protos || protos.length === 0) {
        // Protocols unknown (or left to defaults): any TCP port (fail closed).
        appRanges.push([0, 65535]);
        continue;
      }
      for (const p of protos) {
        const port = model.resolveNumber(p?.port);
        const type = model.resolveString(p?.type);
        const dflt = type.known ? APP_DEFAULT_PORTS[type.value.toLowerCase()] : undefined;
        const n = port.known && port.value !== undefined ? port.value : dflt;
        if (n === undefined || !port.known) appRanges.push([0, 65535]);
        else appRanges.push([n, n]);
      }
    }
  };
  // Policy rule collection groups: those of the firewall's policy chain, and any whose policy is not known (it may be one of them).
  for (const rcg of model.ofType("azurerm_firewall_policy_rule_collection_group")) {
    const collections = model.blocks(rcg, "application_rule_collection");
    if (collections.length === 0) continue;
    // A classic firewall evaluates no policy; a group whose policy is not known may be this firewall's.
    if (!fw.resource.config.firewall_policy_id) continue;
    const policy = model.referencedResource(rcg.config.firewall_policy_id);
    if (policy && policies.length > 0 && !policies.includes(policy)) continue;
    for (const c of collections) addApp(rcg, Array.isArray(c.rule) ? c.rule : [], "protocols");
  }
  // Classic collections name their firewall.
  const fwName = model.resolveString(fw.resource.config.name);
  for (const coll of model.ofType("azurerm_firewall_application_rule_collection")) {
    const target = model.resolveString(coll.config.azure_firewall_name);
    if (target.known && fwName.known && target.value !== fwName.value) continue;
    addApp(coll, model.blocks(coll, "rule"), "protocol");
  }
  let dnsProxy: OwnTraffic["dnsProxy"];
  // A policy's DNS settings apply to the firewalls that use it; without one, the firewall's own (azurerm_firewall dns_proxy_enabled, dns_servers).
  const carriers: { res: TfResource; enabled: unknown; servers: unknown }[] = policies.length > 0
    ? policies.slice(0, 1).flatMap((p) => model.blocks(p, "dns").map((d) => ({ res: p, enabled: d.proxy_enabled, servers: d.servers })))
    : [{ res: fw.resource, enabled: fw.resource.config.dns_proxy_enabled, servers: fw.resource.config.dns_servers }];
  if (fw.resource.config.firewall_policy_id && policies.length === 0) dnsProxy = { owner: fw.resource.address, servers: [], unknown: "its policy is not part of this configuration" };
  for (const c of carriers) {
    const enabled = model.resolveBoolean(c.enabled);
    if (enabled.known && !enabled.value) continue;
    const servers = model.resolveStringList(c.servers ?? []);
    const parsed = servers.known ? servers.value.map((s) => parseCidr(s)) : [];
    const unknown = !enabled.known ? `proxy_enabled: ${enabled.reason}`
      : !servers.known ? `servers: ${servers.reason}` : parsed.some((p) => !p) ? "servers: not all addresses" : undefined;
    dnsProxy = { owner: c.res.address, servers: parsed.filter((p): p is Cidr => !!p), unknown };
  }
  hit = { appPorts: Intervals.of(PORTS, appRanges), appResources, dnsProxy };
  all.set(fw, hit);
  return hit;
}

/** The firewall's policy and its base policies (empty without a policy of this configuration). */
function policyChain(model: TerraformModel, fw: TfResource): TfResource[] {
  const out: TfResource[] = [];
  let p = model.referencedResource(fw.config.firewall_policy_id);
  while (p && p.type === "azurerm_firewall_policy" && !out.includes(p) && out.length < MAX_BASE_CHAIN) {
    out.push(p);
    p = model.referencedResource(p.config.base_policy_id);
  }
  return out;
}
