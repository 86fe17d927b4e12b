import { AddressSpec, NsgRuleView, NsgView } from "../../engine/network-index";
import { RuleContext } from "../../engine/rule";
import { cidrContains } from "../../network/cidr";

// Shared NSG semantics of the network rule pack (internal: not exported from the public API).

/** True for `*`, `0.0.0.0/0` or the `VirtualNetwork` service tag: every address the VNet routes. */
export function isWholeNetwork(spec: AddressSpec): boolean {
  return spec.kind === "any" || (spec.kind === "tag" && spec.text.toLowerCase() === "virtualnetwork");
}

/** True when the rule covers every destination port (`*`, `0-65535` or `1-65535`). */
export function coversAllPorts(rule: NsgRuleView): boolean {
  return !!rule.destinationPorts && rule.destinationPorts.some((p) => p.from <= 1 && p.to === 65535);
}

/** True when the rule matches every protocol and every port. */
export function isAllTraffic(rule: NsgRuleView): boolean {
  return rule.protocol === "*" && coversAllPorts(rule);
}

/**
 * True when the rule matches all ICMP: protocol `Icmp`, or `*` over every port (an NSG rule of
 * protocol `*` restricted to some ports is not counted as an ICMP rule: ports do not apply to ICMP,
 * and reading it either way would be a guess).
 */
export function coversIcmp(rule: NsgRuleView): boolean {
  return rule.protocol === "Icmp" || isAllTraffic(rule);
}

/**
 * True when the local side of a rule (inbound: destinations, outbound: sources) covers everything
 * the NSG protects: `*`, `0.0.0.0/0`, `VirtualNetwork`, or CIDRs that contain every known prefix
 * of the subnets the NSG is associated with.
 */
export function coversLocalSide(nsg: NsgView | undefined, specs: AddressSpec[]): boolean {
  if (specs.some(isWholeNetwork)) return true;
  if (!nsg) return false;
  const prefixes = nsg.subnets.flatMap((s) => s.prefixes ?? []);
  if (prefixes.length === 0 || nsg.subnets.some((s) => !s.prefixes)) return false;
  return prefixes.every((p) => specs.some((s) => s.kind === "cidr" && !!s.block && cidrContains(s.block, p)));
}

/** The remote side of a rule: sources for inbound rules, destinations for outbound ones. */
export function remoteSide(rule: NsgRuleView): AddressSpec[] {
  return rule.direction === "Outbound" ? rule.destinations : rule.sources;
}

/** The local side of a rule: destinations for inbound rules, sources for outbound ones. */
export function localSide(rule: NsgRuleView): AddressSpec[] {
  return rule.direction === "Outbound" ? rule.sources : rule.destinations;
}

/** True when some field the semantics depend on could not be resolved. */
export function hasUnknowns(rule: NsgRuleView): boolean {
  return rule.unknowns.length > 0 || rule.direction === undefined || rule.access === undefined
    || rule.priority === undefined || rule.protocol === undefined || rule.destinationPorts === undefined
    || rule.sources.some((s) => s.kind === "unknown") || rule.destinations.some((s) => s.kind === "unknown");
}

/**
 * Standalone `azurerm_network_security_rule` resources whose NSG name is not known before apply:
 * they may belong to any NSG of the configuration, so a rule must not claim an NSG lacks them.
 */
export function rulesOfUnknownNsg(ctx: RuleContext): NsgRuleView[] {
  return ctx.model.memo("network-rules-of-unknown-nsg", () => ctx.network.rules.filter((r) => {
    if (r.nsg || r.inline) return false;
    return !ctx.model.resolveString(r.resource.config.network_security_group_name).known;
  }));
}

/** A short description of a rule for messages. */
export function describeRule(rule: NsgRuleView): string {
  return `rule "${rule.name}"${rule.priority !== undefined ? ` (priority ${rule.priority})` : ""}`;
}

/** A short description of an NSG for messages. */
export function describeNsg(nsg: NsgView): string {
  return `NSG "${nsg.name ?? nsg.resource.name}"${nsg.zoneName ? ` of zone ${nsg.zoneName}` : ""}`;
}
