import { ALL_PORTS, ClosedHosts, closedByNicNsgs, describeClosedHosts, describeClosedReach, isVnetAllow, outsideOf, subnetSources } from "./closed-by-nic-nsgs";
import { leftToNet001 } from "./reported-by-net-001";
import { Endpoint, subnetLabel } from "../../engine/access/access-model";
import { reopensAllowVnetInBound as reopensVnet, shadowsAllowVnetInBound } from "../../engine/access/nsg-eval";
import { Reachability } from "../../engine/access/reachability";
import { SourceSet } from "../../engine/access/source-set";
import { Nsg, NsgRule, Subnet } from "../../engine/access/topology";
import { classifySources, nsgDecider } from "../../engine/exposure";
import { TfResource } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel, ruleRuns } from "../../engine/rule";
import { Trust, TrustLevel } from "../../network/trust-level";
import { reportedByKms002 } from "../kms/reported-by-kms-002";
import { lazyExamples } from "../lazy-examples";

/** True when AllowVNetInBound never decides through the NSG and no rule of it re-creates it (see {@link shadowsAllowVnetInBound}). */
function closesVnet(nsg: Nsg): boolean {
  return shadowsAllowVnetInBound(nsg) && !nsg.rules.some((r) => reopensVnet(r) && !(r.access.known && r.access.value === "Deny"));
}

export const vnetInboundNotOverridden = defineRule({
  id: "SDZ-NET-003",
  level: RuleLevel.ERROR,
  title: "Zone with deployment infrastructure does not override AllowVNetInBound",
  rationale:
    "Seed 000 asks for a firewall around segments holding deployment infrastructure (R-PXE-4: default-deny inbound). "
    + "An NSG only denies what no rule allows, and Azure's default rule AllowVNetInBound (priority 65000) allows the VirtualNetwork service tag: "
    + "every subnet of the VNet, every peered VNet, every range reached through a VPN or ExpressRoute gateway, and the prefixes of the subnet's user-defined routes "
    + "(a UDR for 0.0.0.0/0 widens it to every address). The rule applies to a zone declared INTERNAL or MANAGEMENT (sdz-trust) and to any subnet that holds "
    + "a deployment server, declared (sdz-role) or inferred from the configuration (a VM reachable on KMS, Kerberos and LDAP, PXE or AMT provisioning ports "
    + "through rules written for them), so an untagged KMS or PXE segment is covered. It asks the access model whether AllowVNetInBound, or an explicit "
    + "allow of all traffic from * or VirtualNetwork that re-creates it, admits sources outside the zone on any TCP or UDP port, after every earlier rule "
    + "of the subnet and NIC NSGs. DeploymentZone adds a deny-all at priority 4096. Where AllowVNetInBound lets the virtual network reach a KMS host on "
    + "TCP 1688, SDZ-KMS-002 reports that very rule (VirtualNetwork is no allowlist) and says the NSG has no deny-all, naming this requirement: the NSG "
    + "is left to that one finding when it is at least as strong (one finding per problem, one fix). So is an explicit allow of all traffic from "
    + "VirtualNetwork (or *) that re-creates AllowVNetInBound and that SDZ-KMS-002 reports on a KMS host: its finding says the rule opens every port "
    + "(R-PXE-4). Every NSG that protects no KMS host, or where an earlier rule decides TCP 1688, stays this rule's. "
    + "Azure applies the subnet's NSG and then the NIC's, and both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works): "
    + "where every host of the subnet is a NIC closed to the virtual network by its own NSG (on every TCP and UDP port, a source outside the subnet gets "
    + "through the NIC NSG only by a narrow allowlist entry: a configured allow whose sources are explicit prefixes of at most a /24 (IPv6: a /64), none "
    + "holding every address of the VNet outside the subnet, on at most 16 destination ports; an allow from *, VirtualNetwork, a service tag, an application "
    + "security group, a wider prefix or more ports, a rule with values not known before apply, or Azure's AllowVNetInBound counts as the VNet getting in, "
    + "whatever the rule looks like), the subnet NSG's missing deny-all exposes nothing beyond those entries today. The finding is then a warning that says so, naming them, "
    + "and that a host added to the subnet without its own NSG would be reachable on any port: R-PXE-4 asks for default-deny around the segment (defence in "
    + "depth), and the subnet's NSG is that layer. It stays an error when any host is reachable, and fails closed where the hosts cannot all be listed: an "
    + "empty subnet, a private endpoint (no NIC NSG), a NIC or private endpoint anywhere whose subnet cannot be followed, a VM whose NICs cannot be followed, "
    + "or a resource the checks do not model that names the subnet (a scale set, an AKS node pool, a gateway, a load balancer frontend).",
  fix: "Add an inbound rule: access Deny, protocol `*`, destination ports `*`, source `*` (or VirtualNetwork), destination `*`, priority 4096; then allow only the flows the zone needs at lower priority numbers (DeploymentZone does this).",
  requirements: ["R-PXE-4"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_subnet", "azurerm_windows_virtual_machine", "azurerm_network_interface"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs, with Azure's default rules", "route tables of the subnet (UDR prefixes widen VirtualNetwork)",
    "zone trust (sdz-trust) and deployment roles (declared or inferred)", "every resource that names a subnet (hosts the access model does not list)",
  ],
  check(ctx) {
    const access = Reachability.of(ctx.model).access;
    const reported = new Set<TfResource>();
    const targets: { ep: Endpoint; scope: { label: string; unknown?: string }; own: SourceSet; closed?: ClosedHosts }[] = [];
    for (const subnet of access.topology.subnets) {
      const scope = scopeOf(ctx, subnet);
      // Every host of the subnet closed to the virtual network by its own NIC NSG: what the subnet's NSG lets in reaches
      // none of them today (Azure applies the subnet's NSG, then the NIC's: both must allow), and each host's NSG closes it.
      const closed = scope ? closedByNicNsgs(ctx, subnet) : undefined;
      if (scope) targets.push({ ep: access.endpointOfSubnet(subnet), scope, own: subnetSources(subnet), closed });
      if (closed) continue;
      // NSGs on the NICs of deployment servers are checked on the host itself.
      for (const ep of access.hostEndpointsOf(subnet).filter((e) => e.kind === "nic" && (e.nic?.nsgs.length ?? 0) > 0)) {
        const vmScope = scopeOfVm(ctx, ep);
        if (vmScope) targets.push({ ep, scope: vmScope, own: subnetSources(subnet) });
      }
    }
    const closed = new Map<Nsg, boolean>();
    const isClosed = (nsg: Nsg) => closed.get(nsg) ?? closed.set(nsg, closesVnet(nsg)).get(nsg)!;
    for (const { ep, scope, own, closed: closedHosts } of targets) {
      // Every NSG on the path denies everything before AllowVNetInBound and nothing re-creates it: no
      // grant can be decided by either (the compliant case), so no port needs deciding.
      const layers = access.layersOf(ep);
      if (layers.every((l) => l.nsgs.every(isClosed))) continue;
      const hits = new Map<TfResource, { rule: NsgRule; sources: SourceSet; uncertain: boolean; doubts: string[] }>();
      // One grant per protocol is enough to show the zone is open: the first one AllowVNetInBound
      // (or a rule re-creating it) decides for sources outside the zone.
      for (const probe of ALL_PORTS) {
        const g = access.findGrant(ep, probe, (x) => !outsideOf(x, own).isEmpty && x.layers.some((l) => isVnetAllow(l.rule)));
        if (!g) continue;
        const layer = g.layers.find((l) => isVnetAllow(l.rule))!;
        const res = layer.rule!.resource;
        const h = hits.get(res) ?? { rule: layer.rule!, sources: SourceSet.EMPTY, uncertain: false, doubts: [] };
        h.sources = h.sources.union(outsideOf(g, own));
        if (g.outcome === "uncertain") {
          h.uncertain = true;
          g.layers.forEach((l) => l.doubt && h.doubts.push(`rule "${l.doubt.name}" (${(l.doubtReasons ?? []).join("; ")})`));
        }
        hits.set(res, h);
      }
      for (const [res, h] of hits) {
        if (reported.has(res)) continue;
        // An allow of everything from * that opens management ports to the Internet is SDZ-NET-001's one finding.
        if (!h.rule.isDefault && leftToNet001(ctx, ep, nsgDecider(h.rule))) continue;
        // AllowVNetInBound of a KMS host's NSG, or a rule re-creating it, that SDZ-KMS-002 reports at least as strongly (an error, or both
        // could-not-verify): that one finding names this requirement too (R-PXE-4). Not marked reported: another target of the NSG may still need an error.
        const kms002 = ruleRuns(ctx, "SDZ-KMS-002") ? reportedByKms002(ctx.model, h.rule) : undefined;
        if (kms002 && (kms002.e.outcome === "allow" || h.uncertain || !!scope.unknown)) continue;
        reported.add(res);
        const classes = classifySources(ctx.model, ep, h.sources).map((c) => c.text);
        const how = h.rule.isDefault
          ? "no explicit inbound deny overrides Azure's default rule AllowVNetInBound (priority 65000)"
          : `rule "${h.rule.name}" allows all traffic from ${h.rule.sources.known ? h.rule.sources.value.map((t) => t.text).join(", ") : "?"}, re-creating AllowVNetInBound`;
        const outside = `(sources outside the zone: ${classes.slice(0, 4).join("; ")}${classes.length > 4 ? "; ..." : ""})`;
        if (closedHosts) {
          // No exposure today: a defence-in-depth gap of the segment (R-PXE-4), one level lower.
          const gap = `${scope.label}: ${how}, but ${describeClosedHosts(closedHosts)}, so ${describeClosedReach(closedHosts)}; `
            + "a host added to the subnet without its own NSG would be reachable from every subnet of the VNet, "
            + `every peered VNet and every VPN/ExpressRoute-connected range on any port ${outside}`;
          const doubt = scope.unknown ? `, if it is a zone of trust INTERNAL or higher: ${scope.unknown}`
            : h.uncertain ? `, unless ${h.doubts.join(", ") || "values not known before apply decide otherwise"}` : "";
          ctx.report(res, `${gap}${doubt}`, { level: RuleLevel.WARNING, unverified: !!doubt });
          continue;
        }
        const msg = `${scope.label}: ${how}, so every subnet of the VNet, every peered VNet and every VPN/ExpressRoute-connected range can reach it on any port ${outside}`;
        if (scope.unknown) ctx.unverified(res, `${msg}, if it is a zone of trust INTERNAL or higher: ${scope.unknown}`);
        else if (h.uncertain) ctx.unverified(res, `${msg}, unless ${h.doubts.join(", ") || "values not known before apply decide otherwise"}`);
        else ctx.report(res, msg);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      // Not a KMS host: there SDZ-KMS-002's finding on AllowVNetInBound carries this requirement.
      description: "A PXE distribution point's subnet (inferred from the rule that opens DHCP, TFTP and PXE/BINL) whose NSG has no deny-all",
      terraform: pxeSubnet(false),
      flagged: ["azurerm_network_security_group.pxe"],
    }],
    good: [{
      description: "The same subnet with an explicit deny-all at 4096",
      terraform: pxeSubnet(true),
    }],
  })),
});

/** The deployment server behind a NIC endpoint, as a scope. */
function scopeOfVm(ctx: RuleContext, ep: Endpoint): { label: string } | undefined {
  const vm = ep.vm;
  const role = vm ? ctx.roles.ofVm(vm).claims[0] : undefined;
  if (!vm || !role) return undefined;
  const nsg = ep.nic!.nsgs[0];
  return { label: `NSG "${nsg.name ?? nsg.resource.name}" of ${ep.label} (holds ${role.role} ${vm.resource.address}: ${role.source === "declared" ? role.evidence : `inferred, ${role.evidence}`})` };
}

/** Why the zone is in scope, or undefined; `unknown` when its trust tag cannot be read. */
function scopeOf(ctx: RuleContext, subnet: Subnet): { label: string; unknown?: string } | undefined {
  const zone = ctx.zones.zoneOf(subnet);
  const nsg = subnet.nsgs[0];
  const name = `${nsg ? `NSG "${nsg.name ?? nsg.resource.name}" of ` : ""}zone ${zone?.name ?? subnetLabel(subnet)}`;
  const trust = zone?.trust;
  if (trust?.source === "declared" && trust.level && Trust.isAtLeast(trust.level, TrustLevel.INTERNAL)) return { label: `${name} (trust ${trust.level})` };
  for (const nic of subnet.nics) {
    if (!nic.vm) continue;
    const roles = ctx.roles.ofVm(nic.vm).claims;
    if (roles.length > 0) return { label: `${name} (holds ${roles[0].role} ${nic.vm.resource.address}: ${roles[0].source === "declared" ? roles[0].evidence : `inferred, ${roles[0].evidence}`})` };
  }
  if (trust?.source === "unknown") return { label: name, unknown: trust.evidence };
  return undefined;
}

function pxeSubnet(denyAll: boolean): { [key: string]: unknown } {
  const rules: Record<string, unknown>[] = [
    { name: "allow-pxe", priority: 100, direction: "Inbound", access: "Allow", protocol: "Udp", source_port_range: "*", destination_port_ranges: ["67", "69", "4011"], source_address_prefix: "10.0.1.0/24", destination_address_prefix: "10.0.5.4" },
  ];
  if (denyAll) rules.push({ name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" });
  return {
    resource: {
      azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
      azurerm_subnet: { pxe: { name: "deployment", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.5.0/24"] } },
      azurerm_network_security_group: { pxe: { name: "pxe-nsg", location: "westeurope", resource_group_name: "rg", security_rule: rules } },
      azurerm_subnet_network_security_group_association: { pxe: { subnet_id: "${azurerm_subnet.pxe.id}", network_security_group_id: "${azurerm_network_security_group.pxe.id}" } },
      azurerm_network_interface: { pxe: { name: "pxe-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.pxe.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.5.4" }] } },
      azurerm_windows_virtual_machine: { pxe: { name: "pxe01", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", admin_password: "${var.admin_password}", network_interface_ids: ["${azurerm_network_interface.pxe.id}"], os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" }, source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" } } },
    },
    variable: { admin_password: { type: "string", sensitive: true } },
  };
}
