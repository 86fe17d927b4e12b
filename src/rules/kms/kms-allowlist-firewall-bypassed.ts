import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule, exampleZone } from "./example-sites";
import { KMS, zonesOf } from "./kms-reaches";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { subnetLabel } from "../../engine/access/access-model";
import { Cidr } from "../../engine/access/addresses";
import { describeUnknown, Field } from "../../engine/access/fields";
import { Firewall, FirewallIndex, FirewallRule } from "../../engine/access/firewalls";
import { nextHop } from "../../engine/access/routing";
import { SourceSet } from "../../engine/access/source-set";
import { Route, Subnet } from "../../engine/access/topology";
import { probeOf } from "../../engine/exposure";
import { TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { Zone } from "../../engine/zones";
import { isGatewaySubnet } from "../../network/platform-subnets";
import { lazyExamples } from "../lazy-examples";

/** The number of ports in 1-65535: a firewall rule naming all of them ("*") is written for no particular service. */
const ALL_PORTS = 65535;

/** True when `inner` lies in `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family) return false;
  return (outer.start as number | bigint) <= (inner.start as number | bigint) && (inner.end as number | bigint) <= (outer.end as number | bigint);
}

/** True when a firewall rule's address set holds the host. */
function holds(set: SourceSet, host: Cidr): boolean {
  return host.family === 4 ? set.v4.containsRange(host.start, host.end) : set.v6.containsRange(host.start, host.end);
}

/** A firewall's rule that holds (or, with `doubt`, may hold) a KMS allowlist for a host. */
interface Holder {
  readonly rule: FirewallRule;
  /** The rule's fields not known before apply on which holding depends, naming each (unset: it holds). */
  readonly doubt?: string;
}

/**
 * Whether a network rule holds a KMS allowlist for `host`: allows TCP 1688 to it. Each of action, protocols, ports and
 * destinations must be known to match; one that is not known (a variable, an IP group outside the configuration) makes the
 * rule a possible holder, named in `doubt` (fail closed: a firewall that may hold the allowlist must not be dropped).
 * With `writtenForKms`, only rules that name a port range short of all ports count (a rule opening every port to a
 * range is no KMS allowlist, so it does not make a host a KMS host).
 */
function holding(r: FirewallRule, host: Cidr, writtenForKms: boolean): Holder | undefined {
  if (r.kind !== "network") return undefined;
  const unknown: string[] = [];
  const check = <T>(f: Field<T>, ok: (v: T) => boolean): boolean => {
    if (f.known) return ok(f.value);
    unknown.push(describeUnknown(f));
    return true;
  };
  const matches = check(r.action, (a) => a === "Allow")
    && check(r.protocols, (p) => p.has("tcp") || p.has("any"))
    && check(r.destinationPorts, (p) => p.contains(KMS.from) && (!writtenForKms || p.size() < ALL_PORTS))
    && check(r.destinations, (d) => holds(d, host));
  if (!matches) return undefined;
  return unknown.length === 0 ? { rule: r } : { rule: r, doubt: `firewall rule ${r.label}: ${unknown.join("; ")}` };
}

/**
 * Firewalls of the configuration that hold a KMS allowlist for `host` (`certain`: a known network rule allowing TCP 1688
 * to it), and those that may (`possible`: no known such rule, but one whose unknown values may make it one).
 */
function holdersOf(firewalls: FirewallIndex, host: Cidr, writtenForKms: boolean): { certain: Map<Firewall, Holder>; possible: Map<Firewall, Holder> } {
  const certain = new Map<Firewall, Holder>();
  const possible = new Map<Firewall, Holder>();
  for (const fw of firewalls.firewalls) {
    let maybe: Holder | undefined;
    for (const r of fw.rules) {
      const h = holding(r, host, writtenForKms);
      if (h && !h.doubt) {
        certain.set(fw, h);
        break;
      }
      maybe ??= h;
    }
    if (maybe && !certain.has(fw)) possible.set(fw, maybe);
  }
  return { certain, possible };
}

/** One finding: a resource to change, and what it lets bypass the firewall. */
interface Bypass {
  readonly resource: TfResource;
  readonly zones: Set<string>;
  readonly hosts: Set<string>;
  readonly firewalls: Set<string>;
  readonly reasons: Set<string>;
  readonly doubts: Set<string>;
}

/** The subnets whose routes traffic from a zone follows: its own subnet; for an on-premises zone, the GatewaySubnet of each VNet whose gateway connects it. */
function routingSubnets(ctx: RuleContext, z: Zone): Subnet[] {
  if (z.subnet) return [z.subnet];
  const lng = z.localGateway;
  return ctx.access.topology.vnets.filter((v) => lng && v.localGateways.includes(lng)).flatMap((v) => v.subnets.filter(isGatewaySubnet));
}

/** The route table holding a route of a subnet. */
function tableOf(subnet: Subnet, route: Route): TfResource | undefined {
  return subnet.routeTables.find((t) => t.routes.includes(route))?.resource;
}

/** The routes of a subnet whose fields are not known, naming the field (what a user must make known). */
function unknownRoutes(subnet: Subnet): string | undefined {
  const out: string[] = [];
  if (subnet.routeTableUnknown) out.push(subnet.routeTableUnknown);
  for (const t of subnet.routeTables) {
    for (const r of t.routes) {
      for (const f of [r.prefix, r.nextHopType]) if (!f.known) out.push(`route "${r.name ?? "?"}" of ${t.resource.address}: ${describeUnknown(f)}`);
      if (r.nextHop?.unknown) out.push(`route "${r.name ?? "?"}" of ${t.resource.address}: next_hop_in_ip_address: ${r.nextHop.unknown}`);
    }
  }
  return out.length > 0 ? out.join("; ") : undefined;
}

/** The system route that carries traffic from `subnet` to `host`: the VNet's (or a peer's) address prefix holding it. */
function systemRoute(subnet: Subnet, host: Cidr): string {
  const vnets = subnet.vnet ? [subnet.vnet, ...subnet.vnet.peers] : [];
  for (const v of vnets) {
    if (!v.addressSpace.known) continue;
    const c = v.addressSpace.value.find((p) => within(host, p));
    if (c) return `${c.text} (${v === subnet.vnet ? "VnetLocal" : `VNetPeering to ${v.resource.address}`})`;
  }
  return "of the virtual network";
}

/** Why traffic from `subnet` to `host` does not take one of the `holders`: the route that is missing or loses. */
function whyDirect(subnet: Subnet, host: Cidr, holders: ReadonlyMap<Firewall, Holder>, firewalls: FirewallIndex): { resource: TfResource; reason: string } {
  const where = subnetLabel(subnet);
  const system = systemRoute(subnet, host);
  if (subnet.routeTables.length === 0) {
    return { resource: subnet.resource, reason: `${where} has no route table, so Azure's system route ${system} carries it` };
  }
  for (const t of subnet.routeTables) {
    for (const r of t.routes) {
      if (!r.prefix.known || !within(host, r.prefix.value)) continue;
      const fw = r.nextHop ? firewalls.firewallAt(r.nextHop) : undefined;
      if (fw && holders.has(fw)) {
        return { resource: t.resource, reason: `route "${r.name ?? "?"}" (${r.prefix.value.text} to ${fw.resource.address}) of ${t.resource.address} is less specific than Azure's system route ${system}, which wins (longest prefix)` };
      }
    }
  }
  const t = subnet.routeTables[0].resource;
  return { resource: t, reason: `${t.address} (on ${where}) has no route for ${host.text} to the firewall, so Azure's system route ${system} carries it` };
}

export const kmsAllowlistFirewallBypassed = defineRule({
  id: "SDZ-KMS-008",
  level: RuleLevel.ERROR,
  title: "Traffic to a KMS host bypasses the firewall that holds its allowlist",
  rationale:
    "Seed 003: 'Firewalls should allow only specific IPs to access the KMS server from the network zones' (R-KMS-6); a firewall allowlist that traffic does "
    + "not cross is decorative (R-KMS-8). When a firewall of the configuration holds a KMS allowlist (a network rule allowing TCP 1688 to a KMS host, in a "
    + "firewall policy or a classic collection), the rule asks the reachability model which zones reach that host on TCP 1688 without passing that firewall, "
    + "and the routing model why: the zone's subnet (for on-premises zones, GatewaySubnet) has no route table, its route to the firewall is less specific "
    + "than the virtual network's address space (Azure's system route wins by longest prefix: learn.microsoft.com/azure/virtual-network/"
    + "virtual-networks-udr-overview), it has no route for the host, or it routes through another firewall or appliance. One finding per resource to change, "
    + "naming the zones, the host and the firewall. Routes that are not known before apply, and appliances that are not firewalls of the configuration, "
    + "are could-not-verify; so is traffic around a firewall whose network rule may hold the allowlist but has an action, protocol, port or destination "
    + "not known before apply (a variable, an IP group outside the configuration), naming that field. Error: R-KMS-8 requires the firewall on the path; the NSG allowlist on the host (SDZ-KMS-002, SDZ-KMS-003) still filters "
    + "the traffic, but the firewall's allowlist and its logs are bypassed.",
  fix: "Associate a route table with each client zone's subnet (and GatewaySubnet for on-premises clients) holding a route for the KMS host's address or its "
    + "zone's prefix, more specific than the virtual network's address space, with next hop VirtualAppliance and the firewall's private IP; "
    + "route the return traffic of the KMS zone the same way.",
  requirements: ["R-KMS-8"],
  resourceTypes: ["azurerm_route_table", "azurerm_route", "azurerm_subnet_route_table_association", "azurerm_subnet", "azurerm_virtual_network", "azurerm_firewall", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_network_rule_collection"],
  reads: [
    "Azure Firewall network rules that allow TCP 1688 to a KMS host (policy rule collection groups and classic collections)",
    "route tables of the client subnets and of GatewaySubnet (user-defined routes against Azure's system routes)",
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules (who reaches TCP 1688 at all)",
    `KMS hosts: declared (${ZoneTags.ROLE}), inferred (roles model), or the VM a firewall rule written for TCP 1688 names`,
  ],
  check(ctx) {
    const firewalls = ctx.reach.firewalls;
    const fwSubnets = new Set(firewalls.firewalls.map((f) => f.subnet).filter((s): s is Subnet => !!s));
    const certain = new Map<string, Bypass>();
    const unsure = new Map<string, Bypass>();
    const note = (into: Map<string, Bypass>, resource: TfResource, zone: string, host: string, fw: string, reason: string, doubts: readonly string[] = []) => {
      let b = into.get(resource.address);
      if (!b) into.set(resource.address, (b = { resource, zones: new Set(), hosts: new Set(), firewalls: new Set(), reasons: new Set(), doubts: new Set() }));
      b.zones.add(zone);
      b.hosts.add(host);
      b.firewalls.add(fw);
      b.reasons.add(reason);
      doubts.forEach((d) => b!.doubts.add(d));
    };
    // KMS hosts by role, and any VM a firewall's KMS allowlist names: that allowlist is the one R-KMS-8 wants on the path,
    // even where the host's NSG leaves it unsure whether the role can be inferred.
    const kmsHosts = new Set(ctx.roles.vmsWith(DeploymentRole.KMS_HOST).map(({ vm }) => vm));
    for (const vm of firewalls.firewalls.length > 0 ? ctx.access.topology.vms : []) {
      for (const ep of ctx.access.endpointsOfVm(vm)) {
        if (ep.destination.kind !== "host") continue;
        const host = ep.destination.cidr;
        const { certain: sure, possible } = holdersOf(firewalls, host, !kmsHosts.has(vm));
        if (sure.size === 0 && possible.size === 0) continue;
        // A firewall known to hold the allowlist is the one to cross; crossing one that only may hold it is unsure.
        // With none known, those that may hold it stand in for it (fail closed), and a path around them is unsure, naming
        // the rule's unknown fields.
        const holders = sure.size > 0 ? sure : possible;
        const maybe = sure.size > 0 ? possible : new Map<Firewall, Holder>();
        const holdDoubts = sure.size > 0 ? [] : [...possible.values()].map((h) => h.doubt!);
        const hostText = `${vm.resource.address} (${host.text})`;
        const fwText = `${[...holders.entries()].map(([f, h]) => `${f.resource.address} (firewall rule ${h.rule.label})`).join(" or ")}, which ${sure.size > 0 ? "holds" : "may hold"} the KMS allowlist`;
        for (const r of ctx.reach.reach(ep, probeOf(KMS)).reaches) {
          if (r.dnat || (r.firewall && holders.has(r.firewall.firewall))) continue;
          const doubts = [...r.doubts, ...holdDoubts];
          for (const z of zonesOf(ctx.model, r.sources)) {
            const zone = `${z.kind === "on-premises" ? "on-premises zone" : "zone"} ${z.name} (${z.prefixes.map((p) => p.text).join(", ")})`;
            const subnets = routingSubnets(ctx, z);
            if (subnets.length === 0) {
              note(unsure, z.resource, zone, hostText, fwText, "no gateway of this configuration connects it, so its route cannot be followed", doubts);
              continue;
            }
            for (const s of subnets) {
              if (s === ep.subnet || fwSubnets.has(s)) continue;
              const via = z.kind === "on-premises" ? ` (on-premises traffic follows the routes of ${subnetLabel(s)})` : "";
              const hop = nextHop(s, host, firewalls);
              const into = r.outcome === "allow" && sure.size > 0 ? certain : unsure;
              switch (hop.kind) {
                case "firewall":
                  if (holders.has(hop.firewall)) continue;
                  if (maybe.has(hop.firewall)) {
                    note(unsure, tableOf(s, hop.route) ?? s.resource, zone, hostText, fwText, `its route "${hop.route.name ?? "?"}" sends it through firewall ${hop.firewall.resource.address}, which may hold a KMS allowlist for ${host.text}${via}`, [...doubts, maybe.get(hop.firewall)!.doubt!]);
                    continue;
                  }
                  note(into, tableOf(s, hop.route) ?? s.resource, zone, hostText, fwText, `its route "${hop.route.name ?? "?"}" sends it through firewall ${hop.firewall.resource.address}, which holds no KMS allowlist for ${host.text}${via}`, doubts);
                  break;
                case "appliance":
                  note(unsure, tableOf(s, hop.route) ?? s.resource, zone, hostText, fwText, `its route "${hop.route.name ?? "?"}" sends it to the appliance ${hop.address ?? "?"}, not a firewall of this configuration, so whether it passes the allowlist cannot be told${via}`, doubts);
                  break;
                case "unknown":
                  note(unsure, s.routeTables[0]?.resource ?? s.resource, zone, hostText, fwText, `the route from ${subnetLabel(s)} cannot be followed (${unknownRoutes(s) ?? hop.reason})${via}`, holdDoubts);
                  break;
                case "direct": {
                  // Sent to the Internet or a gateway, the traffic never reaches the host inside the network.
                  if (hop.via !== "VnetLocal" && hop.via !== "VNetPeering") continue;
                  const why = whyDirect(s, host, holders, firewalls);
                  note(into, why.resource, zone, hostText, fwText, `${why.reason}${via}`, doubts);
                  break;
                }
                default:
                  break;
              }
            }
          }
        }
      }
    }
    const text = (b: Bypass) => `${[...b.zones].join(", ")} ${b.zones.size > 1 ? "reach" : "reaches"} KMS host ${[...b.hosts].join(", ")} on TCP 1688 without crossing `
      + `${[...b.firewalls].join("; ")}: ${[...b.reasons].join("; ")}`;
    for (const b of certain.values()) ctx.report(b.resource, `${text(b)}. Route the KMS host's address from there to the firewall`);
    for (const b of unsure.values()) {
      if (certain.has(b.resource.address)) continue;
      ctx.unverified(b.resource, `${text(b).replace(/ (reach|reaches) KMS host/, " may reach KMS host")}${b.doubts.size > 0 ? ` (${[...b.doubts].join("; ")})` : ""}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The hub firewall holds the KMS allowlist, but the client subnet has no route table: its traffic goes straight to the KMS host",
      terraform: bypassSite(false),
      flagged: ["azurerm_subnet.clients"],
    }],
    good: [{
      description: "The client subnet routes the KMS zone's prefix to the firewall",
      terraform: bypassSite(true),
    }],
  })),
});

function bypassSite(routed: boolean): { [key: string]: unknown } {
  const firewall = {
    azurerm_subnet: { fw: { name: "AzureFirewallSubnet", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.100.0/26"] } },
    azurerm_firewall_policy: { hub: { name: "hub-policy", location: "westeurope", resource_group_name: "rg" } },
    azurerm_firewall: { hub: { name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: "${azurerm_firewall_policy.hub.id}", ip_configuration: [{ name: "ip", subnet_id: "${azurerm_subnet.fw.id}", public_ip_address_id: "${azurerm_public_ip.hub.id}" }] } },
    azurerm_public_ip: { hub: { name: "hub-fw-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" } },
    azurerm_firewall_policy_rule_collection_group: {
      kms: {
        name: "kms", firewall_policy_id: "${azurerm_firewall_policy.hub.id}", priority: 400,
        network_rule_collection: [{ name: "kms-activation", priority: 100, action: "Allow", rule: [{ name: "kms", protocols: ["TCP"], source_addresses: ["10.0.1.0/24"], destination_addresses: ["10.0.5.4"], destination_ports: ["1688"] }] }],
      },
    },
  };
  const routes: Record<string, Record<string, Record<string, unknown>>> = routed ? {
    azurerm_route_table: { clients: { name: "clients-rt", location: "westeurope", resource_group_name: "rg", route: [{ name: "kms-via-firewall", address_prefix: "10.0.5.0/24", next_hop_type: "VirtualAppliance", next_hop_in_ip_address: "${azurerm_firewall.hub.ip_configuration[0].private_ip_address}" }] } },
    azurerm_subnet_route_table_association: { clients: { subnet_id: "${azurerm_subnet.clients.id}", route_table_id: "${azurerm_route_table.clients.id}" } },
  } : {};
  return exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
    extra: [exampleZone("clients", "10.0.1.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "INTERNAL" }), firewall, routes],
  });
}
