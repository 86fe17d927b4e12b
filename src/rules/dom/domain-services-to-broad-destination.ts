import { DeploymentRole } from "../../contract/zone-tags";
import { describeUnknown } from "../../engine/access/fields";
import { AddressTerm, Nsg, NsgRule, Topology } from "../../engine/access/topology";
import { namesRange, nsgDecider } from "../../engine/exposure";
import { defineRule, RuleLevel } from "../../engine/rule";
import { describeServicePort, DOMAIN_SERVICE_PORTS } from "../../network/service-ports";
import { lazyExamples } from "../lazy-examples";
import { reportedByNet001OnSomeHost } from "../net/reported-by-net-001";
import { unknownRuleLeftToOobOnSomeHost } from "../oob/port-verdicts";

/** Kerberos, LDAP, Global Catalog and DNS: the ports seed 004 says must target specific DC/DNS addresses. */
const LOCATOR_PORTS = DOMAIN_SERVICE_PORTS.filter((p) => p.locator);

/** A destination that is not one host: any, a service tag, a range wider than one address (an application security group is judged by its members). */
function broadTerm(t: AddressTerm): boolean {
  if (t.kind === "any" || t.kind === "tag") return true;
  if (t.kind === "cidr") return t.cidr.family === 4 ? t.cidr.prefix < 32 : t.cidr.prefix < 128;
  return false;
}

/** An application security group's members that are not domain controllers or DNS servers, and why others cannot be told. */
interface AsgMembers {
  readonly not: string[];
  readonly doubts: string[];
}

function nsgName(r: NsgRule): string {
  return r.nsg?.name ?? r.nsg?.resource.address ?? "?";
}

export const domainServicesToBroadDestination = defineRule({
  id: "SDZ-DOM-001",
  level: RuleLevel.WARNING,
  title: "Kerberos/LDAP/DNS rule towards any or a whole range instead of DC addresses",
  rationale:
    "Seed 004: 'To minimize the security issues, you should allow these exemptions only for the specific IP addresses of the domain controllers and the DNS "
    + "servers.' The rule reads every normalised NSG rule of the configuration, inbound and outbound, inline and standalone (orphan standalone rules too), "
    + "and reports an allow written for Kerberos, kpasswd, LDAP, LDAPS, Global Catalog or DNS (the range holding the port spans at most 100 ports) whose "
    + "destination is any, a service tag or a range wider than one address: it opens those services on every host there, not only on the domain "
    + "controllers and DNS servers. A rule that opens every port is left to the exposure rules. An allow whose destination, ports, protocol, access or "
    + "direction is not known before apply is could-not-verify. A rule shadowed by an earlier deny is still reported: it states an exemption wider than "
    + "the documents allow. An inbound rule of an NSG associated only with NICs of domain controllers and DNS servers (declared or inferred) is theirs "
    + "whatever its destination says: that NSG filters traffic to those hosts alone. A rule whose destination ports are not known before apply (a dynamic "
    + "security_rule block, a variable) that SDZ-NET-001 reports as could-not-verify, naming some of these services (it lists Kerberos TCP 88, LDAP TCP 389, "
    + "LDAPS, Global Catalog TCP 3268 and DNS UDP 53), is left to that one finding (principle 3): it lists every sensitive service the rule may open, and a "
    + "rule that may open every port is the exposure rules' as it is once known; the other ports it does not list (Kerberos UDP 88, kpasswd, LDAP UDP 389, "
    + "Global Catalog SSL, DNS TCP 53) are the same unknown value, judged here once it is known. A rule whose known ports name these services was written "
    + "for them and stays here whole, whatever else is not known (NET-001's rationale leaves such rules to the service's rule). Where NET-001 says nothing "
    + "about the rule (no Internet source reaches a host through it, an outbound rule), this rule keeps its could-not-verify, unless the out-of-band "
    + "owner's could-not-verify (SDZ-OOB-001 or SDZ-OOB-002) about the rule, on some host it reaches from private sources, names some of these services "
    + "among those its unknown ports may open there: that is the one could-not-verify (it names every one of these ports the rule's protocol allows), "
    + "as SDZ-OOB-001's rationale says (for a rule for UDP only, SDZ-NET-006's could-not-verify, which names these services the same way); an outbound rule, or one whose every source may reach AMT and Wake-on-LAN stays here. An application security "
    + "group destination names the NICs associated with it: it is broad when a member is not a domain controller or DNS server (declared or inferred), and "
    + "could-not-verify when it has no member in this configuration, when a member's sdz-role tag is not known before apply, or when an association's "
    + "NIC cannot be followed.",
  fix: "Point the rule at the domain controllers' and DNS servers' own addresses (/32, as IdentityZone and DomainController do), or at an application security "
    + "group whose only members are their NICs.",
  requirements: ["R-SEC-1"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_network_interface_application_security_group_association"],
  reads: [
    "inline and standalone NSG rules of subnets and NICs (and of NSGs associated with nothing), inbound and outbound",
    "members of destination application security groups (NIC associations) and their VMs' roles (declared or inferred)",
  ],
  check(ctx) {
    // An NSG associated only with NICs of domain controllers and DNS servers filters traffic to those
    // hosts alone: whatever an inbound rule's destination says, it is their addresses (an NSG applies to
    // the subnets and NICs it is associated with: learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
    const onlyDomainServers = new Map<Nsg, boolean>();
    const topology = Topology.of(ctx.model);
    const guardsOnlyDomainServers = (nsg: Nsg | undefined): boolean => {
      // An association that cannot be followed may put the NSG on other hosts too: no exemption.
      if (!nsg || nsg.subnets.length > 0 || nsg.nics.length === 0 || nsg.associationsUnknown || topology.nsgAssociationsUnknown) return false;
      let hit = onlyDomainServers.get(nsg);
      if (hit === undefined) {
        const serves = (nic: Nsg["nics"][number]) => !!nic.vm && !!(ctx.roles.claim(nic.vm, DeploymentRole.DOMAIN_CONTROLLER) ?? ctx.roles.claim(nic.vm, DeploymentRole.DNS_SERVER));
        hit = nsg.nics.every(serves);
        onlyDomainServers.set(nsg, hit);
      }
      return hit;
    };
    // An application security group names the NICs associated with it: the domain controllers' and DNS servers' only
    // when each member is one. No member here (an ASG of another configuration, or not yet used) cannot be told.
    const asgs = new Map<string, AsgMembers>();
    const membershipUnknown = topology.nics.find((n) => n.asgUnknown)?.asgUnknown;
    const membersOf = (t: Extract<AddressTerm, { kind: "asg" }>): AsgMembers => {
      let hit = asgs.get(t.id);
      if (hit) return hit;
      const members = topology.nicsInAsg(t.id);
      const not: string[] = [];
      const doubts: string[] = [];
      if (members.length === 0) doubts.push(`application security group ${t.text} has no member in this configuration`);
      else if (membershipUnknown) doubts.push(`other NICs may be members of application security group ${t.text} (${membershipUnknown})`);
      for (const nic of members) {
        const vm = nic.vm;
        if (vm && (ctx.roles.claim(vm, DeploymentRole.DOMAIN_CONTROLLER) ?? ctx.roles.claim(vm, DeploymentRole.DNS_SERVER))) continue;
        const unknown = vm ? ctx.roles.ofVm(vm).unknown : undefined;
        if (unknown) doubts.push(`whether ${nic.resource.address} (${vm!.resource.address}) is a domain controller or DNS server cannot be told (${unknown})`);
        else not.push(nic.resource.address);
      }
      asgs.set(t.id, (hit = { not, doubts }));
      return hit;
    };
    for (const rule of topology.rules) {
      // A dynamic block leaves every field unknown for the same reason: each doubt is said once, in order.
      const doubts = new Set<string>();
      if (rule.access.known) {
        if (rule.access.value !== "Allow") continue;
      } else doubts.add(describeUnknown(rule.access));
      if (!rule.direction.known) doubts.add(describeUnknown(rule.direction));
      else if (rule.direction.value === "Inbound" && guardsOnlyDomainServers(rule.nsg)) continue;
      let ports = LOCATOR_PORTS;
      if (rule.protocol.known) {
        const proto = rule.protocol.value;
        ports = ports.filter((p) => proto === "*" || proto === p.protocol);
      } else doubts.add(describeUnknown(rule.protocol));
      if (rule.destinationPorts.known) {
        const dp = rule.destinationPorts.value;
        ports = ports.filter((p) => namesRange(dp, p.from, p.to));
      } else doubts.add(describeUnknown(rule.destinationPorts));
      if (ports.length === 0) continue;
      // Ports not known before apply (a dynamic security_rule block, a variable) where SDZ-NET-001's could-not-verify about
      // this rule, on some host, names some of these services: that finding lists every sensitive service the rule may
      // open, and a rule that may open every port is the exposure rules' (as it is once known): one could-not-verify.
      // A rule whose known ports name these services was written for them: it stays here whole, whatever else is unknown.
      if (!rule.destinationPorts.known && ports.some((p) => reportedByNet001OnSomeHost(ctx, nsgDecider(rule), p))) continue;
      // The same from private sources: the out-of-band owner's could-not-verify about this rule (SDZ-OOB-001 or SDZ-OOB-002),
      // on some host, names these services among those the unknown value may open there. Where it says nothing (a rule for UDP
      // only, an outbound rule, sources that may all reach AMT and TCP 9971), this rule keeps its could-not-verify.
      if (!rule.destinationPorts.known && ports.some((p) => unknownRuleLeftToOobOnSomeHost(ctx, nsgDecider(rule), p))) continue;
      let towards: string;
      if (rule.destinations.known) {
        const broad: string[] = [];
        const maybe: string[] = [];
        const asgDoubts: string[] = [];
        for (const t of rule.destinations.value) {
          if (t.kind !== "asg") {
            if (broadTerm(t)) broad.push(t.text);
            continue;
          }
          const m = membersOf(t);
          const text = `application security group ${t.text}`;
          if (m.not.length > 0) broad.push(`${text} (${m.not.length > 1 ? "members" : "member"} ${m.not.join(", ")} ${m.not.length > 1 ? "are" : "is"} not domain controllers or DNS servers)`);
          else if (m.doubts.length > 0) {
            maybe.push(text);
            asgDoubts.push(...m.doubts);
          }
        }
        if (broad.length === 0 && maybe.length === 0) continue;
        // A destination certainly broad is the finding; an ASG whose members cannot be told is its doubt only without one.
        towards = (broad.length > 0 ? broad : maybe).join(", ");
        if (broad.length === 0) asgDoubts.forEach((d) => doubts.add(d));
      } else {
        doubts.add(describeUnknown(rule.destinations));
        towards = "a destination not known before apply";
      }
      const services = [...new Set(ports.map(describeServicePort))].join(", ");
      const direction = rule.direction.known ? `${rule.direction.value.toLowerCase()} ` : "";
      const msg = `${direction}rule "${rule.name}" of NSG ${nsgName(rule)} allows ${services} towards ${towards} instead of the specific addresses of the domain controllers and DNS servers`;
      if (doubts.size === 0) ctx.report(rule.resource, msg);
      else ctx.unverified(rule.resource, `${msg.replace(" allows ", " may allow ")} (${[...doubts].join("; ")})`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "Clients may send Kerberos and LDAP to the whole VNet",
      terraform: domainSite("VirtualNetwork"),
      flagged: ["azurerm_network_security_group.clients"],
    }],
    good: [{
      description: "Kerberos and LDAP only to the two domain controllers",
      terraform: domainSite(["10.0.2.4", "10.0.2.5"]),
    }],
  })),
});

function domainSite(destination: string | string[]): { [key: string]: unknown } {
  return {
    resource: {
      azurerm_network_security_group: {
        clients: {
          name: "clients-nsg", location: "westeurope", resource_group_name: "rg", security_rule: [{
            name: "allow-domain", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_ranges: ["88", "389"],
            source_address_prefix: "10.0.1.0/24", ...(Array.isArray(destination) ? { destination_address_prefixes: destination } : { destination_address_prefix: destination }),
          }],
        },
      },
    },
  };
}
