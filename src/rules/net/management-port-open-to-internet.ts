import { Endpoint, Layer } from "../../engine/access/access-model";
import { Reach, Reachability } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Decider, deciderOf, describeServicePort, hostEndpoints, namesRange, namingRule, noWayInText, reachOn, serviceDeciderOf } from "../../engine/exposure";
import { TfResource } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { describeShare, isBroad } from "../../engine/zones";
import { SERVICE_PORTS, ServicePort } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";

const S = SERVICE_PORTS;
/** Management ports whose exposure to the Internet the documents forbid (R-SEC-7). */
export const MANAGEMENT_PORTS: ServicePort[] = [S.RDP, S.SSH, S.WINRM_HTTP, S.WINRM_HTTPS, S.SMB, S.RPC_ENDPOINT_MAPPER];
/**
 * Other deployment services. A rule written for one of them (it names its port) is reported by that
 * service's own rule; a rule that opens them along with everything else is reported here, once.
 */
export const OTHER_SENSITIVE_PORTS: ServicePort[] = [
  S.KMS, S.KERBEROS_TCP, S.LDAP_TCP, S.LDAPS, S.GLOBAL_CATALOG, S.DNS_UDP, S.AMT, S.AMT_PROVISIONING,
  S.SNMP, S.SNMP_TRAP, S.DHCP_SERVER, S.TFTP, S.PXE_BINL, S.WAKE_ON_LAN_ECHO, S.WAKE_ON_LAN_DISCARD,
];

/**
 * The services whose own rule keeps a rule written for them (it names the port) whose other values are
 * not known before apply, such as a source from a variable, as its could-not-verify, with that rule:
 * SDZ-NET-001 leaves such a rule to it, as it leaves one whose values are known ({@link leftToServiceRule}).
 * SDZ-NET-005 and SDZ-NET-006 leave such a rule to NET-001 instead (serviceRuleOwns); Kerberos, LDAP and
 * DNS have no rule that judges who reaches them (SDZ-DOM-001 judges where their rules lead), nor do the
 * PXE ports through such a rule: those stay NET-001's could-not-verify. One finding either way.
 */
export const SERVICE_RULE_OF_UNKNOWN: ReadonlyMap<ServicePort, string> = new Map([
  // SDZ-KMS-003 leaves such a rule to SDZ-KMS-002's finding, which names its zones.
  [S.KMS, "SDZ-KMS-002"], [S.AMT, "SDZ-OOB-001"], [S.AMT_PROVISIONING, "SDZ-OOB-002"],
]);

/**
 * True when SDZ-NET-001 leaves a reach on `svc` to that service's own rule: `svc` is not a management
 * port and the rule the service rule reports the reach on ({@link serviceDeciderOf}) was written for it,
 * whether it certainly lets the reach in ({@link namingRule}) or another of its values is not known
 * before apply (for the services of {@link SERVICE_RULE_OF_UNKNOWN}). The complement, for uncertain
 * reaches, of what the service rules leave to NET-001 (unknownRuleLeftToNet001): each such reach is
 * one rule's. SDZ-NET-001's check and what the other packs ask of it (reported-by-net-001.ts) both use it.
 */
export function leftToServiceRule(r: Reach, svc: ServicePort, endpoint: Endpoint): boolean {
  if (MANAGEMENT_PORTS.includes(svc)) return false;
  if (namingRule(r, svc)) return true;
  if (r.outcome !== "uncertain" || !SERVICE_RULE_OF_UNKNOWN.has(svc)) return false;
  const d = serviceDeciderOf(r, svc, endpoint);
  return !!d.ports && namesRange(d.ports, svc.from, svc.to);
}

/**
 * More public addresses than an administrator, a site or a partner sends from: an IPv4 /16 (65,536
 * addresses) or an IPv6 /32 (65,536 /48s, an end site's usual prefix: RFC 3177, relaxed by RFC 6177). Sources wider than
 * that but short of "the Internet" ({@link isBroad}: half the public space) still hold strangers'
 * addresses, whoever owns part of them; a /32 of an administrator or a partner's /24 never does.
 */
const WIDE_PUBLIC_V4 = 2 ** 16;
const WIDE_PUBLIC_V6 = 2 ** 96;

/** True when the public sources are wider than any administrator's or partner's range ({@link WIDE_PUBLIC_V4}). */
export function isWidePublic(pub: SourceSet): boolean {
  return pub.v4.size() > WIDE_PUBLIC_V4 || pub.v6.size() > WIDE_PUBLIC_V6;
}

/** `public addresses 1.0.0.0-9.255.255.255, ... (42% of the public IPv4 space, ...)`: a wide range, with its share. */
function describeWide(pub: SourceSet, internet: SourceSet): string {
  const share = pub.v4.size() > WIDE_PUBLIC_V4 && internet.v4.size() > 0
    ? `${Math.max(1, Math.round((100 * pub.v4.size()) / internet.v4.size()))}% of the public IPv4 space`
    : "more than an IPv6 /32";
  // describeShare lists IPv4 ranges only.
  return `${pub.v4.isEmpty ? "public IPv6 addresses" : describeShare(pub, internet)} (${share}, wider than any administrator's or partner's range)`;
}

interface Group {
  readonly decider: Decider;
  /** Sources wider than an administrator's or partner's range but not the Internet: a warning ({@link isWidePublic}). */
  readonly wide: boolean;
  /**
   * For reaches uncertain only because the VirtualNetwork tag may hold any address (a value it depends
   * on is not known before apply): the deciding rules that name it, on every NSG, in one finding on
   * the resource whose value is not known (principle 3), with why.
   */
  readonly tag?: { readonly resource: TfResource; readonly deciders: Set<string>; readonly doubt: string };
  readonly outcome: "allow" | "uncertain";
  readonly services: Set<string>;
  readonly hosts: Set<string>;
  /** Ways in from the Internet (`through public IP x`), each certain or not (with why). */
  readonly ways: Map<string, readonly string[] | undefined>;
  readonly doubts: Set<string>;
  sources: string;
}

export const managementPortsFromInternet = defineRule({
  id: "SDZ-NET-001",
  level: RuleLevel.ERROR,
  title: "Management port open to any or the Internet",
  rationale:
    "Deployment infrastructure must be reachable only by those who administer it (seeds 000, 001; R-SEC-7). RDP, SSH, WinRM, SMB and RPC exposed to any source "
    + "or the Internet invite brute force and wormable exploits. The rule asks the effective-access model, per host, which sources reach each port through "
    + "the subnet and NIC NSGs (priorities, denies, Azure's default rules), Azure Firewall DNAT, public IPs and load balancers, and reports each rule that lets "
    + "the Internet in (any source, the Internet tag, CIDRs covering at least half of the public address space, such as 0.0.0.0/1 + 128.0.0.0/1, or the "
    + "AzureCloud service tag, whose addresses any Azure customer sends from) once, "
    + "with every sensitive service it opens and the hosts it reaches. Management ports opened to public ranges short of that but wider than any administrator's, "
    + "site's or partner's addresses (more than an IPv4 /16 or an IPv6 /32, e.g. 0.0.0.0/2 + 64.0.0.0/3) are a warning: they still hold strangers' addresses; "
    + "an administrator's /32 or a partner's /24 is not reported. A rule that opens every port also lists the other deployment services it exposes "
    + "(KMS, Kerberos, LDAP, DNS, AMT, SNMP, PXE, Wake-on-LAN); a rule written for one of those services is left to that service's rule. "
    + "So is one written for KMS, AMT or AMT provisioning whose other values are not known before apply (a source from a variable): SDZ-KMS-002 "
    + "(naming SDZ-KMS-003's zones), SDZ-OOB-001 and SDZ-OOB-002 keep it as their could-not-verify, so it is that one finding. "
    + "A rule that may let the Internet in but whose values are not known before apply (a dynamic security_rule block, a variable) is one could-not-verify here, "
    + "listing every service it may open; SDZ-NET-005 and SDZ-NET-006 leave it the SNMP and Wake-on-LAN ports it lists, even through a rule written for them, and SDZ-NET-004 a block of rules of which nothing is known. "
    + "AzureLoadBalancer health probes are Azure's platform, never an attacker's source. The finding says whether a way in from the Internet exists today "
    + "(public IP, load balancer rule, DNAT); an allow without one is still reported, because adding a public IP later would expose the host. "
    + "When the only doubt is the VirtualNetwork tag (a VNet address space, route prefix or route table not known before apply may put any address in it), "
    + "the could-not-verify is reported once, on the resource holding that value, listing the rules it may leave open, not once per NSG.",
  fix: "Allow management ports only from a management zone or specific administrator addresses (e.g. Peer.zone(managementZone)), or use Azure Bastion; "
    + "remove public IPs and DNAT rules that publish management ports.",
  requirements: ["R-SEC-7"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_network_interface", "azurerm_firewall_policy_rule_collection_group", "azurerm_firewall_nat_rule_collection", "azurerm_lb_rule", "azurerm_lb_nat_rule", "azurerm_public_ip",
    // Where a VirtualNetwork tag not known before apply is reported (once).
    "azurerm_virtual_network", "azurerm_route_table", "azurerm_subnet", "azurerm_local_network_gateway"],
  reads: ["inline and standalone NSG rules of subnets and NICs, with Azure's default rules", "what the VirtualNetwork tag holds (address spaces, peerings, gateways, route prefixes)", "Azure Firewall DNAT rules (policy and classic)", "public IPs on NICs, public load balancer rules and inbound NAT rules"],
  check(ctx) {
    const groups = new Map<string, Group>();
    const reach = Reachability.of(ctx.model);
    for (const ep of hostEndpoints(ctx.model)) {
      const internet = reach.access.internetSources(ep.subnet?.vnet, ep.subnet);
      // Most hosts let no Internet source in on any port: one question instead of one per service.
      if (!reach.mayReachFrom(ep, internet)) continue;
      const tagDoubt = reach.access.contextOf(ep).vnetMaybe;
      for (const svc of [...MANAGEMENT_PORTS, ...OTHER_SENSITIVE_PORTS]) {
        const management = MANAGEMENT_PORTS.includes(svc);
        const probe = { protocol: svc.protocol, from: svc.from, to: svc.to };
        // Only the services on ports an Internet source may get in on are asked about.
        if (!reach.mayReachOn(ep, probe, internet)) continue;
        const answer = reach.reach(ep, probe);
        for (const r of reachOn(ctx.model, ep, svc)) {
          const pub = r.sources.intersect(internet);
          if (pub.isEmpty) continue;
          // The Internet opens every sensitive service; a wide public range only the management ports
          // (R-SEC-7): the other services' rules judge their own sources.
          const wide = !isBroad(pub, internet);
          if (wide && !(management && isWidePublic(pub))) continue;
          if (leftToServiceRule(r, svc, ep)) continue;
          const decider = deciderOf(r, ep);
          // No filter at all and no way in from the Internet: nothing arrives (a missing NSG is SDZ-NET-002's).
          if (decider.kind === "no-nsg" && answer.internetEntries.length === 0 && !r.dnat) continue;
          // With no filter, only the ways in decide: when none is certain (a public IP whose sku is not
          // known yet), neither is the exposure.
          const doubtfulWay = decider.kind === "no-nsg" && !r.dnat && !answer.internetEntries.some((e) => e.definite);
          const outcome = doubtfulWay ? "uncertain" : r.outcome;
          const byTag = outcome === "uncertain" && !doubtfulWay && tagDoubt && tagDoubt.causes.length > 0 && onlyTheTag(r, tagDoubt.doubt, reach.access.layersOf(ep));
          const key = byTag ? `tag|${tagDoubt.doubt}` : `${outcome}|${wide ? "wide" : "internet"}|${decider.resource.address}|${decider.label}`;
          let g = groups.get(key);
          if (!g) {
            const sources = wide ? describeWide(pub, internet) : describeShare(pub, internet);
            const tag = byTag ? { resource: tagDoubt.causes[0], deciders: new Set<string>(), doubt: tagDoubt.doubt } : undefined;
            g = { decider, wide, tag, outcome, services: new Set(), hosts: new Set(), ways: new Map(), doubts: new Set(), sources };
            groups.set(key, g);
          }
          g.tag?.deciders.add(decider.label);
          if (doubtfulWay) answer.internetEntries.forEach((e) => e.doubts.forEach((d) => g!.doubts.add(d)));
          g.services.add(describeServicePort(svc));
          g.hosts.add(ep.label);
          if (r.dnat) g.ways.set(`published by DNAT rule ${r.dnat.label}`, undefined);
          for (const e of answer.internetEntries) if (!g.ways.has(`through ${e.label}`)) g.ways.set(`through ${e.label}`, e.definite ? undefined : e.doubts);
          r.doubts.forEach((d) => g!.doubts.add(d));
        }
      }
    }
    for (const g of groups.values()) {
      const services = [...g.services];
      const hosts = [...g.hosts];
      const where = hosts.length === 1 ? hosts[0] : `${hosts.length} hosts (${hosts.slice(0, 3).join(", ")}${hosts.length > 3 ? ", ..." : ""})`;
      // A way in that is not certain says why, unless the finding's own doubts (in parentheses at its end) already do.
      const sure = [...g.ways].filter(([, why]) => !why).map(([w]) => w);
      const maybe = [...g.ways].filter(([, why]) => why).map(([w, why]) => (g.outcome === "allow" ? `${w} (${why!.join("; ")})` : w));
      const ways = [...(sure.length > 0 ? [`reachable now ${sure.join(", ")}`] : []), ...(maybe.length > 0 ? [`perhaps reachable ${maybe.join(", ")}`] : [])];
      const way = ways.length > 0 ? `; ${ways.join("; ")}` : `; ${noWayInText(1)}`;
      if (g.tag) {
        // The doubt is the unknown value itself: said once, on its resource, with every rule it leaves open.
        const deciders = [...g.tag.deciders];
        const who = `${deciders.slice(0, 3).join(", ")}${deciders.length > 3 ? ` and ${deciders.length - 3} more` : ""}`;
        ctx.unverified(g.tag.resource, `${g.tag.doubt}: if it holds Internet addresses, ${who} may allow ${services.join(", ")} from ${g.sources} to ${where}${way}`);
        continue;
      }
      const text = `${g.decider.label} allows ${services.join(", ")} from ${g.sources} to ${where}${way}`;
      if (g.outcome === "allow") ctx.report(g.decider.resource, text, g.wide ? { level: RuleLevel.WARNING } : undefined);
      else ctx.unverified(g.decider.resource, `${text.replace(" allows ", " may allow ")} (${[...g.doubts].join("; ") || "values not known before apply"})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "RDP allowed from any source on the subnet's NSG",
      terraform: exampleSite([{ name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389", source_address_prefix: "*", destination_address_prefix: "*" }]),
      flagged: ["azurerm_network_security_group.app"],
    }, {
      description: "RDP allowed from 8.0.0.0/8: not the Internet, but wider than any administrator's or partner's range (a warning)",
      terraform: exampleSite([{ name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389", source_address_prefix: "8.0.0.0/8", destination_address_prefix: "*" }]),
      flagged: ["azurerm_network_security_group.app"],
    }],
    good: [{
      description: "RDP allowed from the management subnet only",
      terraform: exampleSite([{ name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389", source_address_prefix: "10.0.9.0/24", destination_address_prefix: "*" }]),
    }, {
      description: "RDP allowed from one administrator's public address",
      terraform: exampleSite([{ name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "3389", source_address_prefix: "203.0.113.7", destination_address_prefix: "*" }]),
    }],
  })),
});

/**
 * True when the reach is uncertain only because the VirtualNetwork tag may hold more than the
 * configuration shows (`doubt`): every doubt of the reach is that one, through rules naming
 * VirtualNetwork whose own fields are known.
 */
function onlyTheTag(r: Reach, doubt: string, layers: readonly Layer[]): boolean {
  // A layer without any filter lets everything through: its note is not a doubt.
  const open = new Set(layers.filter((l) => l.nsgs.length === 0 && !l.unknown && !l.mayBypass).map((l) => l.layer));
  const notes = new Set(r.grant.layers.filter((l) => !l.rule && l.note && open.has(l.layer)).map((l) => l.note));
  const doubts = r.doubts.filter((d) => !notes.has(d));
  return doubts.length > 0 && doubts.every((d) => d.includes(doubt))
    && r.grant.layers.every((l) => !l.doubt || (l.doubtReasons ?? []).every((x) => x === doubt));
}

/** A subnet with an NSG holding `rules` and one NIC: the shape of this pack's examples. */
export function exampleSite(rules: Record<string, unknown>[]): { [key: string]: unknown } {
  return {
    resource: {
      azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
      azurerm_subnet: { app: { name: "app", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
      azurerm_network_security_group: { app: { name: "app-nsg", location: "westeurope", resource_group_name: "rg", security_rule: rules } },
      azurerm_subnet_network_security_group_association: { app: { subnet_id: "${azurerm_subnet.app.id}", network_security_group_id: "${azurerm_network_security_group.app.id}" } },
      azurerm_network_interface: { vm: { name: "vm-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.app.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.4" }] } },
    },
  };
}

