import { coversLocalSide, describeNsg, describeRule, hasUnknowns, isAllTraffic, isWholeNetwork, rulesOfUnknownNsg } from "./nsg-semantics";
import { ZoneTags } from "../../contract/zone-tags";
import { NsgRuleView, NsgView } from "../../engine/network-index";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";

/** Priority of Azure's default AllowVNetInBound rule. */
const ALLOW_VNET_INBOUND_PRIORITY = 65000;

type TrustState = { kind: "none" } | { kind: "level"; level: TrustLevel } | { kind: "unknown"; reason: string };

/** The trust level an NSG declares in its `sdz-trust` tag, distinguishing "no tag" from "not known before apply". */
export function declaredTrust(ctx: RuleContext, nsg: NsgView): TrustState {
  if (nsg.trust !== undefined) return { kind: "level", level: nsg.trust };
  const tags = ctx.model.resolve(nsg.resource.config.tags);
  if (!tags.known) return { kind: "unknown", reason: `its tags are not known before apply (${tags.reason})` };
  const raw = tags.value && typeof tags.value === "object" ? (tags.value as Record<string, unknown>)[ZoneTags.TRUST] : undefined;
  if (raw === undefined || raw === null) return { kind: "none" };
  const text = ctx.model.resolveString(raw);
  if (!text.known) return { kind: "unknown", reason: `its ${ZoneTags.TRUST} tag is not known before apply (${text.reason})` };
  return { kind: "unknown", reason: `its ${ZoneTags.TRUST} tag "${text.value}" is not a trust level (${Object.values(TrustLevel).join(", ")})` };
}

/** An explicit inbound deny of all traffic from every VNet source to everything the NSG protects. */
function isVnetDeny(nsg: NsgView, r: NsgRuleView): boolean {
  return r.direction === "Inbound" && r.access === "Deny" && r.priority !== undefined && r.priority < ALLOW_VNET_INBOUND_PRIORITY
    && isAllTraffic(r) && r.sources.some(isWholeNetwork) && coversLocalSide(nsg, r.destinations);
}

/** An inbound allow of all traffic from every VNet source: re-creates AllowVNetInBound. */
function isVnetAllow(nsg: NsgView, r: NsgRuleView): boolean {
  return r.direction === "Inbound" && r.access === "Allow" && r.priority !== undefined
    && isAllTraffic(r) && r.sources.some(isWholeNetwork) && coversLocalSide(nsg, r.destinations);
}

export const vnetInboundNotOverridden = defineRule({
  id: "SDZ-NET-003",
  level: RuleLevel.ERROR,
  area: "network",
  title: "Trusted zone does not override AllowVNetInBound",
  rationale:
    "Seed 000 asks for a firewall around segments holding deployment infrastructure (R-PXE-4: default-deny inbound). "
    + "An NSG only denies what no rule allows, and Azure's default rule AllowVNetInBound (priority 65000) allows the VirtualNetwork service tag: "
    + "every subnet of the VNet, every peered VNet and every range reached through a VPN or ExpressRoute gateway. "
    + "A zone of trust INTERNAL or MANAGEMENT (tag sdz-trust) therefore needs an explicit inbound Deny of all protocols and ports, "
    + "from `*`, `0.0.0.0/0` or `VirtualNetwork`, to everything the NSG protects, at a priority below 65000, "
    + "and no earlier Allow of all traffic from those sources that would re-open it. DeploymentZone adds one at priority 4096.",
  fix: "Add an inbound rule: access Deny, protocol `*`, destination ports `*`, source `*` (or VirtualNetwork), destination `*`, priority 4096; then allow only the flows the zone needs at lower priority numbers (DeploymentZone does this).",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(ctx) {
    const orphans = rulesOfUnknownNsg(ctx).filter((r) => r.direction !== "Outbound" && r.access !== "Allow");
    for (const nsg of ctx.network.nsgs) {
      const trust = declaredTrust(ctx, nsg);
      if (trust.kind === "none") continue;
      if (trust.kind === "level" && !Trust.isAtLeast(trust.level, TrustLevel.INTERNAL)) continue;
      const label = trust.kind === "level" ? `${describeNsg(nsg)} (trust ${trust.level})` : describeNsg(nsg);

      const deny = nsg.rules.filter((r) => isVnetDeny(nsg, r)).sort((a, b) => a.priority! - b.priority!)[0];
      if (deny) {
        const reopen = nsg.rules.filter((r) => isVnetAllow(nsg, r) && r.priority! < deny.priority!).sort((a, b) => a.priority! - b.priority!)[0];
        if (!reopen) continue;
        const msg = `${label}: ${describeRule(reopen)} allows all traffic from ${reopen.sources.map((s) => s.text).join(", ")} before the deny ${describeRule(deny)}, `
          + "which re-opens the zone to every subnet, peered VNet and VPN-connected range exactly as Azure's AllowVNetInBound (65000) would";
        if (trust.kind === "level") ctx.report(reopen.resource, msg);
        else ctx.unverified(reopen.resource, `${msg}; ${trust.reason}`);
        continue;
      }

      const doubtful = nsg.rules.filter((r) => r.direction !== "Outbound" && r.access !== "Allow" && hasUnknowns(r));
      const msg = `${label} has no explicit inbound deny that overrides Azure's default rule AllowVNetInBound (priority 65000), `
        + "so every subnet of the VNet, every peered VNet and every VPN/ExpressRoute-connected range can reach the zone on any port";
      if (doubtful.length > 0 || orphans.length > 0) {
        const why = doubtful.length > 0
          ? `${describeRule(doubtful[0])} may be one but has values not known before apply (${doubtful[0].unknowns.join("; ") || "unresolved fields"})`
          : `standalone ${describeRule(orphans[0])} belongs to an NSG whose name is not known before apply`;
        ctx.unverified(nsg.resource, `${msg}, unless ${why}`);
      } else if (trust.kind === "unknown") {
        ctx.unverified(nsg.resource, `${msg}, if it is a zone of trust INTERNAL or higher: ${trust.reason}`);
      } else {
        ctx.report(nsg.resource, msg);
      }
    }
  },
});
