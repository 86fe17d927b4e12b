import { Endpoint } from "../../engine/access/access-model";
import { Reachability } from "../../engine/access/reachability";
import { SourceSet, TokenSet } from "../../engine/access/source-set";
import { NsgRule } from "../../engine/access/topology";
import { nsgDecider } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";
import { leftToNet001 } from "./reported-by-net-001";

const ICMP = { protocol: "Icmp" as const, from: 0, to: 65535 };

export const icmpDeniedWholesale = defineRule({
  id: "SDZ-NET-004",
  level: RuleLevel.WARNING,
  title: "ICMP denied wholesale",
  rationale:
    "Seed 004 warns against blocking ICMP wholesale (R-SEC-4): path MTU discovery needs ICMP from routers and gateways, network logon and Group Policy "
    + "measure ICMP response times to choose a domain controller and detect slow links, and tracert and file sharing use it to test reachability. "
    + "The rule asks the access model, per host and per direction, whether any ICMP gets through the subnet and NIC NSGs at all; when none does and an "
    + "explicit Deny (not Azure's default DenyAll, which comes after AllowVNetInBound) is what stops ICMP from the virtual network, that Deny is reported; "
    + "a rule that may be that deny because its access, direction or protocol is not known before apply is could-not-verify, naming the field "
    + "(a block of rules of which nothing is known, such as a dynamic security_rule block, is left to SDZ-NET-001's could-not-verify when it reports that block). "
    + "A deny-all preceded by an ICMP allow restricts ICMP without blocking it, so DeploymentZone allows ICMP from the VNet address space at priority 4095 "
    + "(option allowIcmpFromNetwork). The level is warning: blocking ICMP breaks functions, it does not open an attack path.",
  fix: "Allow ICMP (Port.icmp()) from the networks that need it (the VNet address space, the domain controllers' clients, the gateways) at a priority number below the deny, "
    + "e.g. keep DeploymentZone's default allowIcmpFromNetwork, or zone.allowInbound(Peer.ipv4List([...]), Port.icmp(), \"PMTU discovery and DC location\").",
  requirements: ["R-SEC-4"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  reads: ["inline and standalone NSG rules of subnets and NICs, both directions, with Azure's default rules"],
  check(ctx) {
    const access = Reachability.of(ctx.model).access;
    const done = new Set<string>();
    const endpoints = access.endpoints.filter((e) => e.kind === "subnet" ? (e.subnet?.nsgs.length ?? 0) > 0 : e.kind === "nic" ? (e.nic?.nsgs.length ?? 0) > 0 : e.kind === "nsg");
    for (const ep of endpoints) {
      for (const direction of ["Inbound", "Outbound"] as const) {
        // Only an explicit deny is ever reported: with none that may touch ICMP this way, nothing to decide.
        if (!access.layersOf(ep).some((l) => l.nsgs.some((n) => n.rules.some((r) => mayDenyIcmp(r, direction))))) continue;
        // One VNet address certainly let through is enough (the usual ICMP allow from the VNet space): nothing to report.
        const space = vnetOf(access, ep).v4;
        if (!space.isEmpty && access.admitsCertainly(ep, "Icmp", 0, space.starts[0], direction)) continue;
        const answer = direction === "Inbound" ? access.inbound(ep, ICMP) : access.outbound(ep, ICMP);
        const through = answer.grants.filter((g) => addresses(g.sources).overlaps(vnetOf(access, ep)));
        if (through.some((g) => g.outcome === "allow")) continue;
        const vnet = vnetOf(access, ep);
        // The explicit deny that turns the VNet's ICMP away: in a denial, or the owner of an uncertain piece.
        const denying = [
          ...answer.denials.filter((d) => d.sources.overlaps(vnet)).map((d) => d.layers[0]?.rule),
          ...through.filter((g) => g.outcome === "uncertain").flatMap((g) => g.layers.map((l) => l.rule)),
          // A deny-all whose direction or protocol is not known before apply may turn ICMP away: could not verify, naming it.
          ...through.filter((g) => g.outcome === "uncertain").flatMap((g) => g.layers.map((l) => l.doubt)),
        ].filter((r): r is NsgRule => !!r && !r.isDefault && mayDeny(r));
        // Rules of which nothing is known (a dynamic security_rule block, rules from an expression) are
        // one could-not-verify: SDZ-NET-001's, when it reports that very block here (principle 3).
        const rule = denying.find((r) => !nothingKnown(r) || !leftToNet001(ctx, ep, nsgDecider(r)));
        if (!rule) continue;
        // A rule whose direction is not known is one finding, not one per direction (principle 3).
        const key = `${rule.direction.known ? direction : "?"}|${rule.resource.address}|${rule.name}`;
        if (done.has(key)) continue;
        done.add(key);
        // A rule whose access is not known may be that deny: it is named with why (its access), not as a deny.
        const denies = rule.access.known ? "denies" : "may deny";
        const what = rule.protocol.known && rule.protocol.value === "Icmp" ? `${denies} all ICMP` : `${denies} all traffic, ICMP included,`;
        const way = rule.direction.known ? `${direction.toLowerCase()} rule` : "rule";
        const msg = `NSG "${rule.nsg?.name ?? rule.nsg?.resource.address ?? "?"}": ${way} "${rule.name}"${rule.priority.known ? ` (priority ${rule.priority.value})` : ""} ${what} `
          + `${!rule.direction.known ? "from or to" : direction === "Inbound" ? "from" : "to"} the virtual network with no ICMP allowed before it: path MTU discovery and domain controller location (ICMP response times) break`;
        const doubt = through.find((g) => g.outcome === "uncertain");
        if (doubt) ctx.unverified(rule.resource, `${msg}, unless ${doubtText(doubt.layers, rule)}`);
        else ctx.report(rule.resource, msg);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A deny-all at 4096 with no ICMP allowed before it",
      terraform: site([{ name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" }]),
      flagged: ["azurerm_network_security_group.app"],
    }],
    good: [{
      description: "ICMP from the VNet allowed at 4095, before the deny-all",
      terraform: site([
        { name: "allow-icmp", priority: 4095, direction: "Inbound", access: "Allow", protocol: "Icmp", source_port_range: "*", destination_port_range: "*", source_address_prefix: "10.0.0.0/16", destination_address_prefix: "*" },
        { name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" },
      ]),
    }],
  })),
});

/**
 * An explicit rule that denies, or whose access is not known before apply (it may deny: fail closed),
 * whose direction and protocol, where known, include ICMP `direction`: the only rules a finding names.
 */
function mayDenyIcmp(r: NsgRule, direction: "Inbound" | "Outbound"): boolean {
  return mayDeny(r) && (!r.direction.known || r.direction.value === direction)
    && (!r.protocol.known || r.protocol.value === "*" || r.protocol.value === "Icmp");
}

/** A stand-in for rules not known before apply: none of the fields that say what it does is known (its access included). */
function nothingKnown(r: NsgRule): boolean {
  return !r.access.known && !r.priority.known && !r.direction.known && !r.protocol.known && !r.sources.known && !r.destinationPorts.known;
}

/** Deny, or access not known before apply. */
function mayDeny(r: NsgRule): boolean {
  return !r.access.known || r.access.value === "Deny";
}

function addresses(s: SourceSet): SourceSet {
  return new SourceSet(s.v4, s.v6, TokenSet.NONE);
}

function vnetOf(access: Reachability["access"], ep: Endpoint): SourceSet {
  return access.vnetSpace(ep.subnet?.vnet, ep.subnet).sources;
}

/** What would let ICMP through after all; when the doubt is the reported rule's own access, that it allows. */
function doubtText(layers: readonly { doubt?: NsgRule; doubtReasons?: readonly string[] }[], reported: NsgRule): string {
  const l = layers.find((x) => x.doubt);
  if (!l) return "values not known before apply allow ICMP";
  const reasons = `(${(l.doubtReasons ?? []).join("; ")})`;
  if (l.doubt === reported && !reported.access.known) return `its access is Allow ${reasons}`;
  const denies = l.doubt!.access.known && l.doubt!.access.value === "Deny";
  return `rule "${l.doubt!.name}" ${denies ? "does not apply to ICMP in this direction" : "allows ICMP"} ${reasons}`;
}

function site(rules: Record<string, unknown>[]): { [key: string]: unknown } {
  return {
    resource: {
      azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
      azurerm_subnet: { app: { name: "app", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
      azurerm_network_security_group: { app: { name: "app-nsg", location: "westeurope", resource_group_name: "rg", security_rule: rules } },
      azurerm_subnet_network_security_group_association: { app: { subnet_id: "${azurerm_subnet.app.id}", network_security_group_id: "${azurerm_network_security_group.app.id}" } },
    },
  };
}

