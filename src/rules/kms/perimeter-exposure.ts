import { best, destinationIncludes, lowTrustZones, nicAddresses, nicRoles, sourceCovers, vmRoles } from "./helpers";
import { DeploymentRole } from "../../contract/zone-tags";
import { NsgView, ZoneView } from "../../engine/network-index";
import { defineRule, RuleLevel } from "../../engine/rule";
import { CidrBlock, cidrContains } from "../../network/cidr";

type Verdict = { kind: "blocked" } | { kind: "reachable"; via: string } | { kind: "unknown"; why: string };

/** True when a Deny rule stops every protocol and port. */
function coversEverything(rule: NsgView["rules"][number]): boolean {
  return rule.protocol === "*" && !!rule.destinationPorts?.some((p) => p.from <= 1 && p.to >= 65535);
}

/**
 * Does traffic from the perimeter prefix reach the address through this NSG? Rules in priority
 * order; ICMP-only allows are skipped (R-SEC-4 keeps ICMP open for PMTU and DC location); without a
 * full deny the default AllowVNetInBound (65000) lets the VNet, peered VNets and VPN ranges in.
 */
function verdict(nsg: NsgView, from: CidrBlock, ip: CidrBlock | undefined): Verdict {
  const rules = nsg.rules.filter((r) => r.direction === "Inbound" && r.priority !== undefined).sort((a, b) => a.priority! - b.priority!);
  for (const r of rules) {
    if (r.access === undefined) return { kind: "unknown", why: `rule "${r.name}" has an unknown access (${r.unknowns.join("; ")})` };
    const src = best(r.sources.map((s) => sourceCovers(s, from)), ["all", "some", "unknown", "none"]);
    if (src === "none") continue;
    const dst = best(r.destinations.map((d) => destinationIncludes(d, ip)), ["yes", "maybe", "no"]);
    if (dst === "no") continue;
    if (r.access === "Deny") {
      if (src === "all" && dst === "yes" && coversEverything(r)) return { kind: "blocked" };
      continue;
    }
    if (r.protocol === "Icmp") continue;
    if (src === "unknown" || dst === "maybe" || r.protocol === undefined) {
      return { kind: "unknown", why: `rule "${r.name}" may allow it (${r.unknowns.join("; ") || "an application security group or unknown address"})` };
    }
    const ports = r.destinationPorts?.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(",") ?? "?";
    return { kind: "reachable", via: `rule "${r.name}" of NSG ${nsg.name ?? nsg.resource.name} (${r.protocol === "*" ? "any protocol" : r.protocol.toUpperCase()} ${ports})` };
  }
  return { kind: "reachable", via: `Azure's default AllowVNetInBound (65000): NSG ${nsg.name ?? nsg.resource.name} has no deny-all that overrides it` };
}

export const kmsOrDcFromPerimeter = defineRule({
  id: "SDZ-KMS-006",
  level: RuleLevel.ERROR,
  area: "kms",
  title: "KMS host or domain controller reachable from a perimeter zone",
  rationale:
    "Seed 003: 'If KMS service is on a domain controller, then DCs (as well as the KMS) are both exposed to malicious dmz traffic.' Neither a KMS host nor a domain controller may accept perimeter traffic on any port. In Azure the default rule AllowVNetInBound (65000) lets every subnet, peered VNet and VPN range in unless an explicit deny overrides it.",
  fix: "Deny all inbound at the end of the NSG (DeploymentZone does, at 4096) and allow only specific clients trusted INTERNAL or more; activate perimeter servers with MAK.",
  requirements: ["R-KMS-7"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_interface", "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_subnet", "azurerm_local_network_gateway"],
  check(ctx) {
    const net = ctx.network;
    const perimeter = lowTrustZones(net);
    if (perimeter.length === 0) return;
    const targets: { resource: typeof net.vms[number]["resource"]; what: string; nics: typeof net.nics }[] = [];
    for (const vm of net.vms) {
      const roles = vmRoles(vm);
      const what = [roles.has(DeploymentRole.KMS_HOST) ? "KMS host" : "", roles.has(DeploymentRole.DOMAIN_CONTROLLER) ? "domain controller" : ""].filter(Boolean).join(" and ");
      if (what) targets.push({ resource: vm.resource, what, nics: vm.nics });
    }
    for (const nic of net.nics) {
      if (nic.vm) continue;
      const roles = nicRoles(nic);
      const what = [roles.has(DeploymentRole.KMS_HOST) ? "KMS host" : "", roles.has(DeploymentRole.DOMAIN_CONTROLLER) ? "domain controller" : ""].filter(Boolean).join(" and ");
      if (what) targets.push({ resource: nic.resource, what, nics: [nic] });
    }
    for (const t of targets) {
      const found = new Map<ZoneView, string>();
      const unknown: string[] = [];
      for (const nic of t.nics) {
        const ips = nicAddresses(nic);
        nic.ipConfigs.forEach((cfg, i) => {
          if (cfg.subnetUnknown) {
            unknown.push(`the subnet of ${nic.resource.address} is not part of this configuration`);
            return;
          }
          const ip = ips[i];
          const nsgs = [...new Set([...(cfg.subnet?.nsgs ?? []), ...nic.nsgs])];
          for (const zone of perimeter) {
            if (found.has(zone)) continue;
            for (const prefix of zone.prefixes) {
              if (ip && cidrContains(prefix, ip)) {
                found.set(zone, `it sits inside the zone (${ip.text} in ${prefix.text})`);
                break;
              }
              if (nsgs.length === 0) {
                if (net.unresolvedAssociations.length > 0) unknown.push(`${nic.resource.address} has no NSG that could be followed (some NSG associations are not resolvable)`);
                else found.set(zone, `${nic.resource.address} has no NSG, so Azure's default AllowVNetInBound (65000) lets the zone in`);
                break;
              }
              const verdicts = nsgs.map((n) => verdict(n, prefix, ip));
              if (verdicts.some((v) => v.kind === "blocked")) continue;
              const u = verdicts.find((v) => v.kind === "unknown");
              if (u && u.kind === "unknown") {
                unknown.push(`from ${zone.name}: ${u.why}`);
                continue;
              }
              found.set(zone, verdicts.map((v) => (v.kind === "reachable" ? v.via : "")).filter(Boolean).join(" and "));
              break;
            }
          }
        });
      }
      for (const [zone, via] of found) {
        ctx.report(t.resource, `${t.what} is reachable from ${zone.trust} zone ${zone.name} (${zone.prefixes.map((p) => p.text).join(", ")}): ${via}`);
      }
      if (found.size === 0 && unknown.length > 0) ctx.unverified(t.resource, `${t.what} may be reachable from a perimeter zone: ${unknown.join("; ")}`);
    }
  },
});
