import { refExample } from "./examples";
import { captureLocationOf, describeRef, ReferenceComputer, referenceComputers, VM_TYPES } from "./reference-computers";
import { REFERENCE_UPDATE_SERVICE_TAGS } from "../../contract/pxe-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { Endpoint } from "../../engine/access/access-model";
import { parseCidr } from "../../engine/access/addresses";
import { Intervals, PORTS } from "../../engine/access/intervals";
import { Reach } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Subnet } from "../../engine/access/topology";
import { classifySources, Decider, deciderOf, describePorts, PLATFORM_ADDRESS, SourceClass } from "../../engine/exposure";
import { TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { DOMAIN_SERVICE_PORTS, SERVICE_PORTS } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";
import { deciderKey } from "../pxe/source-trust";

type Proto = "Tcp" | "Udp";

/** Destinations a reference computer may reach, on some ports, and why. */
interface Allowed {
  readonly protocol: Proto;
  readonly ports: Intervals<number>;
  readonly destinations: SourceSet;
}

interface Group {
  readonly decider: Decider;
  /** The deciding rules (name -> priority): Azure's default outbound rules of one NSG are one problem (no deny-all), one finding. */
  readonly labels: Map<string, number>;
  readonly outcome: "allow" | "uncertain";
  /** `zone app (INTERNAL)` -> ports per protocol, and whether it is a problem or why it cannot be told. */
  readonly items: Map<string, { bad: boolean; why: Set<Doubt>; ports: Map<Proto, Intervals<number>> }>;
  readonly refs: Set<string>;
  readonly doubts: Set<string>;
  /** Why the DNS servers of the reference computers reached cannot be told. */
  readonly dnsUnknown: Set<string>;
}

const ports = (...ranges: [number, number][]) => Intervals.of(PORTS, ranges);
const S = SERVICE_PORTS;
/** What a domain member needs on its domain controllers (seed 004) and the dynamic RPC range, per protocol. */
const DOMAIN_PORTS: Record<Proto, Intervals<number>> = {
  Tcp: ports(...DOMAIN_SERVICE_PORTS.filter((p) => p.protocol === "Tcp").map((p): [number, number] => [p.from, p.to]), [S.RPC_DYNAMIC.from, S.RPC_DYNAMIC.to]),
  Udp: ports(...DOMAIN_SERVICE_PORTS.filter((p) => p.protocol === "Udp").map((p): [number, number] => [p.from, p.to])),
};
const DNS_PORTS = ports([S.DNS_UDP.from, S.DNS_UDP.to]);
const SMB = ports([S.SMB.from, S.SMB.to]);
const WEB = ports([S.HTTP.from, S.HTTP.to], [S.HTTPS.from, S.HTTPS.to]);
/**
 * Azure's platform address 168.63.129.16 (its DNS resolver, DHCP, the VM agent's WireServer) and the
 * AzurePlatformDNS tag: not a destination an NSG rule opens. Traffic to the host's virtual IP is not
 * subject to NSGs unless a rule names an AzurePlatform* tag (learn.microsoft.com/azure/virtual-network/
 * what-is-ip-address-168-63-129-16, network-security-groups-overview "Azure platform considerations"),
 * and only the platform answers there: not "public addresses" the reference computer could reach.
 */
const PLATFORM = PLATFORM_ADDRESS.union(SourceSet.token("tag:azureplatformdns"));

function hostSet(ep: Endpoint): SourceSet {
  const d = ep.destination;
  if (d.kind === "host") return SourceSet.cidr(d.cidr);
  if (d.kind === "range") return d.cidrs.reduce((s, c) => s.union(SourceSet.cidr(c)), SourceSet.EMPTY);
  return SourceSet.EMPTY;
}

function subnetSet(s: Subnet | undefined): SourceSet {
  return s?.prefixes.known ? s.prefixes.value.reduce((acc, c) => acc.union(SourceSet.cidr(c)), SourceSet.EMPTY) : SourceSet.EMPTY;
}

/**
 * What the reference computer may reach: SMB to its capture location (the private endpoints of the
 * Azure Files account it names, or the VM serving the share), HTTP/HTTPS to the update service tags,
 * the domain services of domain controllers and DNS servers (declared or inferred), DNS to the
 * DNS servers Azure gives it ({@link dnsServersOf}), and the domain services of an Azure AD DS subnet.
 * `dnsUnknown` says why its DNS servers cannot all be told.
 */
function allowedFor(ctx: RuleContext, rc: ReferenceComputer): { allowed: Allowed[]; dnsUnknown: string[] } {
  const out: Allowed[] = [];
  const loc = captureLocationOf(ctx, rc);
  let capture = SourceSet.EMPTY;
  if (loc.account) {
    for (const pe of ctx.access.topology.privateEndpoints.filter((p) => p.target === loc.account)) {
      capture = capture.union(pe.privateIp.known && pe.privateIp.value !== "dynamic" ? SourceSet.cidr(pe.privateIp.value) : subnetSet(pe.subnet));
    }
  }
  if (loc.server) for (const ep of ctx.access.endpointsOfVm(loc.server)) capture = capture.union(hostSet(ep));
  if (!capture.isEmpty) out.push({ protocol: "Tcp", ports: SMB, destinations: capture });
  out.push({ protocol: "Tcp", ports: WEB, destinations: REFERENCE_UPDATE_SERVICE_TAGS.reduce((s, t) => s.union(SourceSet.token(`tag:${t.toLowerCase()}`)), SourceSet.EMPTY) });
  let domain = SourceSet.EMPTY;
  const domainVms = new Set([DeploymentRole.DOMAIN_CONTROLLER, DeploymentRole.DNS_SERVER].flatMap((role) => ctx.roles.vmsWith(role).map((x) => x.vm)));
  const dcSubnets = new Set<Subnet>();
  for (const vm of domainVms) {
    for (const ep of ctx.access.endpointsOfVm(vm)) {
      domain = domain.union(hostSet(ep));
      if (ep.subnet) dcSubnets.add(ep.subnet);
    }
  }
  // A zone that holds only domain controllers and DNS servers may be named as a whole (Peer.zone(identity)).
  for (const subnet of dcSubnets) {
    if (subnet.privateEndpoints.length === 0 && subnet.nics.every((n) => n.vm && domainVms.has(n.vm))) domain = domain.union(subnetSet(subnet));
  }
  for (const ds of ctx.model.ofType("azurerm_active_directory_domain_service")) {
    for (const rs of ctx.model.blocks(ds, "initial_replica_set")) {
      const { subnet } = ctx.access.topology.subnetFromId(rs.subnet_id);
      domain = domain.union(subnetSet(subnet));
    }
  }
  for (const p of ["Tcp", "Udp"] as const) if (!domain.isEmpty) out.push({ protocol: p, ports: DOMAIN_PORTS[p], destinations: domain });
  const dns = dnsServersOf(ctx, rc);
  // An entry even when empty: the DNS ports are then a segment of their own, told apart when the servers are not known.
  if (!dns.servers.isEmpty || dns.unknown.length > 0) for (const p of ["Tcp", "Udp"] as const) out.push({ protocol: p, ports: DNS_PORTS, destinations: dns.servers });
  return { allowed: out, dnsUnknown: dns.unknown };
}

/** The DNS servers a reference computer is given, and why some cannot be told. */
interface DnsServers {
  readonly servers: SourceSet;
  /** `dns_servers of azurerm_virtual_network.net: the variable dns is only known at plan time`. */
  readonly unknown: string[];
}

const VNET_ID = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/?$/i;

/**
 * The `azurerm_virtual_network_dns_servers` of each VNet, and those whose target cannot be told (they
 * may set any VNet's). Indexed once: a scan of every such resource per VNet would be quadratic.
 */
function standaloneDnsServers(ctx: RuleContext): { byVnet: Map<TfResource, TfResource[]>; doubts: { vnet?: TfResource; why: string }[] } {
  return ctx.model.memo("ref:vnet-dns-servers", () => {
    const byVnet = new Map<TfResource, TfResource[]>();
    /** Resources that may set a VNet (`vnet`), or any VNet (no `vnet`). */
    const doubts: { vnet?: TfResource; why: string }[] = [];
    const vnets = ctx.access.topology.vnets;
    const name = (r: TfResource, f: string) => {
      const v = ctx.model.resolveString(r.config[f]);
      return v.known ? v.value.toLowerCase() : undefined;
    };
    const add = (vnet: TfResource, res: TfResource) => (byVnet.get(vnet) ?? byVnet.set(vnet, []).get(vnet)!).push(res);
    for (const res of ctx.model.ofType("azurerm_virtual_network_dns_servers")) {
      const ref = ctx.model.referencedResource(res.config.virtual_network_id);
      if (ref) {
        if (ref.type === "azurerm_virtual_network") add(ref, res);
        continue;
      }
      const id = ctx.model.resolveString(res.config.virtual_network_id);
      if (!id.known) {
        doubts.push({ why: `virtual_network_id of ${res.address}: ${id.reason}` });
        continue;
      }
      // A literal ID names a VNet by subscription, group and name; the configuration does not say a
      // VNet's subscription, so one of the same group and name only may be it (as for peerings).
      const m = VNET_ID.exec(id.value.trim());
      for (const v of m ? vnets : []) {
        const [rg, n] = [name(v.resource, "resource_group_name"), name(v.resource, "name")];
        if ((n !== undefined && n !== m![2].toLowerCase()) || (rg !== undefined && rg !== m![1].toLowerCase())) continue;
        doubts.push({ vnet: v.resource, why: `virtual_network_id of ${res.address} (${id.value}) may or may not name ${v.resource.address}` });
      }
    }
    return { byVnet, doubts };
  });
}

/**
 * The DNS servers Azure's DHCP gives a reference computer: per NIC, the NIC's own `dns_servers`
 * when set, which override its VNet's ("a custom setting that overrides the setting for the virtual
 * network": learn.microsoft.com/azure/virtual-network/virtual-network-network-interface), else its
 * VNet's, set inline (`dns_servers`) or by `azurerm_virtual_network_dns_servers`. `AzureProvidedDNS`
 * and no setting mean Azure's resolver 168.63.129.16, which the NSGs do not filter (not added here).
 */
function dnsServersOf(ctx: RuleContext, rc: ReferenceComputer): DnsServers {
  let servers = SourceSet.EMPTY;
  const unknown = new Set<string>();
  const read = (res: TfResource, field = "dns_servers"): string[] | undefined => {
    const list = ctx.model.resolveStringList(res.config[field]);
    if (!list.known) {
      unknown.add(`${field} of ${res.address}: ${list.reason}`);
      return undefined;
    }
    return list.value;
  };
  const use = (res: TfResource, list: string[]) => {
    for (const ip of list) {
      if (ip.toLowerCase() === "azureprovideddns") continue;
      const c = parseCidr(ip);
      if (c) servers = servers.union(SourceSet.cidr(c));
      else unknown.add(`dns_servers of ${res.address}: ${JSON.stringify(ip)} is not an IP address`);
    }
  };
  const { byVnet, doubts } = standaloneDnsServers(ctx);
  for (const nic of rc.vm.nics) {
    const own = read(nic.resource);
    if (own === undefined) continue;
    if (own.length > 0) {
      use(nic.resource, own);
      continue;
    }
    for (const ipc of nic.ipConfigs) {
      const vnet = ipc.subnet?.vnet;
      if (!vnet) {
        // Its VNet's DNS settings are not this configuration's values (a subnet not followed, or of a VNet outside it).
        if (ipc.subnetUnknown) unknown.add(`the VNet of ${nic.resource.address}: ${ipc.subnetUnknown}`);
        else if (ipc.subnet) unknown.add(`the DNS servers of the VNet of subnet ${ipc.subnet.key}, which is not part of this configuration`);
        continue;
      }
      for (const d of doubts) if (!d.vnet || d.vnet === vnet.resource) unknown.add(d.why);
      const lists = [vnet.resource, ...(byVnet.get(vnet.resource) ?? [])].map((r) => ({ r, list: read(r) })).filter((x) => x.list?.length);
      // Both write the VNet's one DNS setting ("will cause a conflict ... and will overwrite virtual networks DNS servers":
      // the azurerm_virtual_network docs' note on DNS servers): two different lists, the last applied wins.
      if (new Set(lists.map((x) => JSON.stringify(x.list))).size > 1) {
        unknown.add(`dns_servers of ${lists.map((x) => x.r.address).join(" and ")} differ, and the last applied wins`);
        continue;
      }
      if (lists[0]) use(lists[0].r, lists[0].list!);
    }
  }
  return { servers, unknown: [...unknown] };
}

/** Why a destination cannot be told apart from one the reference computer needs: a host outside this configuration, or its DNS server. */
type Doubt = "outside" | "dns";

/**
 * Whether a destination the rule does not accept may still be one the reference computer needs, so
 * that it cannot be told (could-not-verify) rather than a problem: an application security group;
 * private ranges in no zone, or on-premises zones, on SMB or the domain ports (a share or domain
 * controller outside this configuration); a subnet on SMB when the capture location does not
 * resolve to a resource here (it may be that share); on the DNS port when its DNS servers are not
 * known, any destination but the whole Internet or a service tag (more than a few servers).
 */
function cannotTell(c: SourceClass, protocol: Proto, a: number, b: number, captureUnknown: boolean, dnsUnknown: boolean): Doubt | undefined {
  if (c.kind === "asg") return "outside";
  const needed = SMB.union(DOMAIN_PORTS[protocol]).containsRange(a, b);
  if ((c.kind === "private" || (c.kind === "zone" && c.zone.kind === "on-premises")) && needed) return "outside";
  if (c.kind === "zone" && captureUnknown && protocol === "Tcp" && SMB.containsRange(a, b)) return "outside";
  if (dnsUnknown && DNS_PORTS.containsRange(a, b) && c.kind !== "tag" && !(c.kind === "internet" && c.broad)) return "dns";
  return undefined;
}

/** Cuts `ports` where an allowed entry's ports start or end, so each piece has one set of allowed destinations. */
function segments(all: Intervals<number>, allowed: Allowed[]): [number, number][] {
  const cuts = new Set<number>();
  for (const [a] of all.ranges()) cuts.add(a);
  for (const e of allowed) {
    for (const [a, b] of e.ports.ranges()) {
      if (all.contains(a)) cuts.add(a);
      if (b < 65535 && all.contains(b + 1)) cuts.add(b + 1);
    }
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const range = all.ranges().find(([s, e]) => s <= points[i] && points[i] <= e)!;
    out.push([points[i], Math.min(range[1], i + 1 < points.length ? points[i + 1] - 1 : 65535)]);
  }
  return out;
}

export const referenceReachesArbitraryDestinations = defineRule({
  id: "SDZ-REF-002",
  level: RuleLevel.ERROR,
  title: "Reference computer can reach destinations other than its capture location, the update service and its domain controllers",
  rationale:
    "The reference computer must stay in a secure environment where unexpected or malicious software can't be installed and captured into the image "
    + "(seed 001, R-REF-1): outbound traffic goes only to the capture location (SMB), the update service (HTTP/HTTPS to the AzureUpdateDelivery and "
    + "AzureFrontDoor.FirstParty service tags) and the domain controllers and DNS servers it needs to reach a Kerberos-only capture share (the domain "
    + "service ports of seed 004 and the dynamic RPC range on domain controllers and DNS servers, declared or inferred, or on a zone that holds only "
    + "those; DNS to the DNS servers Azure gives it: its NIC's dns_servers, which override the VNet's, else the VNet's, set inline or by "
    + "azurerm_virtual_network_dns_servers; an Azure AD DS subnet). The rule asks the access model where each reference computer (declared or inferred) may send TCP and UDP "
    + "through its subnet and NIC NSGs, Azure's default rules included (AllowInternetOutBound and AllowVnetOutBound unless a deny-all overrides them), "
    + "and reports every other destination once per deciding rule. Private ranges in no zone on SMB or domain ports are could-not-verify (they may "
    + "be an on-premises share or domain controller); so is the DNS port when those DNS servers are not known before apply (the field is named). Azure's platform address 168.63.129.16 (its DNS resolver, DHCP, the VM agent) and the AzurePlatformDNS tag are not "
    + "destinations: NSGs do not filter traffic to the host's virtual IP unless a rule names an AzurePlatform tag. ICMP is not asked. Routing beyond the NSGs is not modelled.",
  fix: "Deny all outbound traffic (ReferenceImagingZone does, at priority 4096) and allow only SMB to the capture location's private endpoint, HTTP/HTTPS "
    + "to the update service tags, and the domain service ports to the domain controllers and DNS servers.",
  requirements: ["R-REF-1"],
  resourceTypes: [...VM_TYPES, "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_private_endpoint", "azurerm_storage_account",
    "azurerm_network_interface", "azurerm_virtual_network", "azurerm_virtual_network_dns_servers"],
  reads: [
    "outbound inline and standalone NSG rules of subnets and NICs, with Azure's default rules",
    "the capture location (sdz-ref-capture-location or a capture script) and the private endpoints of the Azure Files account it names",
    "domain controllers and DNS servers (declared or inferred), Azure AD DS subnets",
    "the reference computer's DNS servers: its NICs' dns_servers, else their VNet's (dns_servers, or azurerm_virtual_network_dns_servers by virtual_network_id)",
  ],
  check(ctx) {
    const groups = new Map<string, Group>();
    for (const rc of referenceComputers(ctx)) {
      const { allowed, dnsUnknown } = allowedFor(ctx, rc);
      const loc = captureLocationOf(ctx, rc);
      const captureUnknown = !loc.account && !loc.server;
      for (const ep of ctx.access.endpointsOfVm(rc.vm)) {
        for (const protocol of ["Tcp", "Udp"] as const) {
          for (const g of ctx.access.outbound(ep, { protocol, from: 0, to: 65535 }).grants) {
            const r: Reach = { outcome: g.outcome, sources: g.sources, ports: g.ports, protocol, grant: g, doubts: [] };
            const decider = deciderOf(r, ep);
            for (const [a, b] of segments(g.ports, allowed.filter((e) => e.protocol === protocol))) {
              const ok = allowed.filter((e) => e.protocol === protocol && e.ports.containsRange(a, b))
                .reduce((s, e) => s.union(e.destinations), SourceSet.EMPTY);
              const rest = g.sources.subtract(ok).subtract(PLATFORM);
              if (rest.isEmpty) continue;
              const seg = ports([a, b]);
              for (const c of classifySources(ctx.model, ep, rest)) {
                if (c.kind === "platform") continue;
                const doubt = cannotTell(c, protocol, a, b, captureUnknown, dnsUnknown.length > 0);
                const key = `${r.outcome}|${decider.kind === "default-rule" ? `default|${decider.resource.address}` : deciderKey(decider)}`;
                let grp = groups.get(key);
                if (!grp) {
                  grp = { decider, labels: new Map(), outcome: r.outcome, items: new Map(), refs: new Set(), doubts: new Set(), dnsUnknown: new Set() };
                  groups.set(key, grp);
                }
                const p = decider.nsgRule?.priority;
                grp.labels.set(decider.kind === "default-rule" ? decider.nsgRule!.name : decider.label, p?.known ? p.value : 0);
                const item = grp.items.get(c.text) ?? { bad: false, why: new Set<Doubt>(), ports: new Map<Proto, Intervals<number>>() };
                item.bad ||= !doubt;
                if (doubt) item.why.add(doubt);
                if (doubt === "dns") for (const u of dnsUnknown) grp.dnsUnknown.add(u);
                item.ports.set(protocol, (item.ports.get(protocol) ?? Intervals.empty(PORTS)).union(seg));
                grp.items.set(c.text, item);
                grp.refs.add(`${describeRef(rc)} at ${ep.label}`);
                for (const l of g.layers) if (l.doubt) grp.doubts.add(`rule "${l.doubt.name}" may decide otherwise (${(l.doubtReasons ?? []).join("; ")})`);
              }
            }
          }
        }
      }
    }
    for (const g of groups.values()) {
      const describe = (bad: boolean) => [...g.items].filter(([, v]) => v.bad === bad).map(([k, v]) => `${k} on ${[...v.ports].map(([p, i]) => describePorts(p, i)).join(" and ")}`);
      const bad = describe(true);
      const unknown = describe(false);
      const from = [...g.refs].join("; ");
      const label = g.decider.kind === "default-rule"
        ? `Azure's default rule${g.labels.size > 1 ? "s" : ""} ${[...g.labels].sort((x, y) => x[1] - y[1]).map(([n]) => n).join(" and ")} of NSG ${g.decider.nsgRule?.nsg?.name ?? g.decider.resource.address} (no explicit deny-all outbound overrides ${g.labels.size > 1 ? "them" : "it"})`
        : g.decider.label;
      const tail = ": a reference computer may reach only its capture location, the update service and its domain controllers/DNS";
      const why = new Set([...g.items.values()].filter((v) => !v.bad).flatMap((v) => [...v.why]));
      const dns = `its DNS server (${[...g.dnsUnknown].join("; ")})`;
      if (bad.length > 0) {
        const apart = [...(why.has("outside") ? ["a share or domain controller outside this configuration"] : []), ...(why.has("dns") ? [dns] : [])].join(" or ");
        const msg = `${label} ${g.labels.size > 1 ? "let" : "lets"} ${from} reach ${bad.join("; ")}${unknown.length > 0 ? `, and ${unknown.join("; ")}, which cannot be told apart from ${apart}` : ""}${tail}`;
        if (g.outcome === "allow") ctx.report(g.decider.resource, msg);
        else ctx.unverified(g.decider.resource, `${msg.replace(/ lets? /, " may let ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
      } else {
        const whether = [...(why.has("outside") ? ["the capture location or a domain controller outside this configuration"] : []), ...(why.has("dns") ? [dns] : [])].join(", or ");
        ctx.unverified(g.decider.resource, `${label} ${g.outcome === "allow" ? (g.labels.size > 1 ? "let" : "lets") : "may let"} ${from} reach ${unknown.join("; ")}: it cannot be told whether that is ${whether}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "No deny-all outbound: Azure's AllowInternetOutBound lets the reference computer reach the Internet", terraform: refExample({ denyAllOutbound: false }), flagged: ["azurerm_network_security_group.ref"] }],
    good: [{ description: "Outbound only SMB to the capture share's private endpoint and HTTPS to the update service tags", terraform: refExample() }],
  })),
});
