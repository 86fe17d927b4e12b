import { describeDp, VM_TYPES } from "./distribution-points";
import { COMPLIANT_DP_TAGS, pxeExample } from "./examples";
import { distributionPoints } from "./pxe-segments";
import { Probe } from "../../engine/access/access-model";
import { Entry } from "../../engine/access/entries";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** Every TCP and UDP port: a public frontend forwarding any of them to the distribution point is a way in. */
const EVERY_PORT: readonly Probe[] = [{ protocol: "Tcp", from: 0, to: 65535 }, { protocol: "Udp", from: 0, to: 65535 }];

export const distributionPointHasPublicIp = defineRule({
  id: "SDZ-PXE-002",
  level: RuleLevel.ERROR,
  title: "PXE distribution point with a public IP",
  rationale:
    "A PXE-enabled distribution point must answer only on its PXE segment (seed 001: respond to PXE requests only on specified network interfaces; R-PXE-2). "
    + "A public IP on one of its NICs gives PXE, TFTP and the server itself a way in from the Internet, whatever the NSGs say today. The rule applies to "
    + "every distribution point, declared (sdz-role) or inferred (reachable on UDP 69 or 4011 through a rule written for them, or a script that "
    + "installs a PXE or TFTP server, see SDZ-PXE-013; a DHCP server, and a second responder SDZ-PXE-013 reports, is none), and reads public_ip_address_id of every IP configuration of its NICs; one whose value is not known before apply is could-not-verify. "
    + "A public load balancer frontend that forwards to it is the same way in, so the rule also reports each load balancer rule and inbound NAT rule "
    + "on a public frontend whose backend pool or NAT association holds one of its NICs (any TCP or UDP port), on that rule; one whose frontend, "
    + "protocol, backend port or association cannot be followed is could-not-verify. (A Standard public IP or load balancer admits nothing into a "
    + "host that has no NSG at all, so none is reported then.)",
  fix: "Remove public_ip_address_id from the distribution point's NIC, and the load balancer rules or inbound NAT rules that publish it; administer it "
    + "through Azure Bastion or the management zone (PxeDistributionPoint never creates a public IP).",
  requirements: ["R-PXE-2"],
  resourceTypes: [...VM_TYPES, "azurerm_network_interface", "azurerm_public_ip", "azurerm_lb", "azurerm_lb_rule", "azurerm_lb_nat_rule"],
  reads: [
    "distribution points (sdz-role, or inferred from the network or their scripts)", "public_ip_address_id of each NIC IP configuration",
    "public load balancer rules and inbound NAT rules, with their backend pool and NAT rule associations",
  ],
  check(ctx) {
    for (const dp of distributionPoints(ctx)) {
      if (dp.vm.nicsUnknown) ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${dp.vm.nicsUnknown}, so a NIC with a public IP cannot be ruled out`);
      for (const nic of dp.vm.nics) {
        for (const cfg of nic.ipConfigs) {
          const pip = cfg.publicIp;
          if (!pip.attached) continue;
          const where = `NIC ${nic.resource.address} (ip_configuration "${cfg.name ?? "?"}")`;
          if (pip.unknown) ctx.unverified(nic.resource, `${describeDp(dp)}: public_ip_address_id of ${where} is not known before apply (${pip.unknown})`);
          else ctx.report(nic.resource, `${describeDp(dp)} has a public IP${pip.resource ? ` (${pip.resource.address})` : ""} on ${where}`);
        }
      }
      // Public load balancer rules and inbound NAT rules that forward to it (the engine's index of entries: one per rule and NIC).
      const entries = new Map<Entry["resource"], { entry: Entry; nics: Set<string> }>();
      for (const ep of ctx.access.endpointsOfVm(dp.vm)) {
        for (const probe of EVERY_PORT) {
          for (const entry of ctx.reach.loadBalancers.entriesTo(ep, probe)) {
            const seen = entries.get(entry.resource);
            if (!seen) entries.set(entry.resource, { entry, nics: new Set([ep.resource.address]) });
            else {
              seen.nics.add(ep.resource.address);
              // Definite for one of its NICs: it publishes the distribution point, whatever the others.
              if (entry.definite && !seen.entry.definite) seen.entry = entry;
            }
          }
        }
      }
      for (const { entry, nics } of entries.values()) {
        const msg = `${describeDp(dp)} is published on a public load balancer frontend: ${entry.label} forwards to ${[...nics].join(", ")}`;
        if (entry.definite) ctx.report(entry.resource, msg);
        else ctx.unverified(entry.resource, `${msg.replace(" is published ", " may be published ").replace(" forwards ", " may forward ")} (${entry.doubts.join("; ")})`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "An untagged distribution point (inferred from its PXE rule) with a public IP", terraform: pxeExample({ publicIp: true }), flagged: ["azurerm_network_interface.dp"] }],
    good: [{ description: "The same distribution point without a public IP", terraform: pxeExample({ dpTags: COMPLIANT_DP_TAGS }) }],
  })),
});
