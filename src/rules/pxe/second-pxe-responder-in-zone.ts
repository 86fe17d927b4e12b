import { describeDp, DistributionPoint, VM_TYPES } from "./distribution-points";
import { DP_ROLE, pxeExample } from "./examples";
import { pxeSegments, PxeSegment, respondsOnItsOwn } from "./pxe-segments";
import { DeploymentRole } from "../../contract/zone-tags";
import { Vm } from "../../engine/access/topology";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";
import { rolesToldBySec001 } from "../sec/common";
import { rolesNotTold } from "../sec/roles-not-told";

const DP = DeploymentRole.PXE_DISTRIBUTION_POINT;

function vmsIn(seg: PxeSegment): Vm[] {
  const out = new Set<Vm>();
  for (const nic of seg.subnet.nics) if (nic.vm) out.add(nic.vm);
  return [...out];
}

export const secondPxeResponderInZone = defineRule({
  id: "SDZ-PXE-013",
  level: RuleLevel.ERROR,
  title: "A second PXE or DHCP responder in a PXE segment",
  rationale:
    "PXE does not prevent an unknown server from performing remote installations on PXE clients, and a rogue distribution point that answers PXE can "
    + "serve a tampered image (seeds 000, 001): no host of a PXE zone other than its distribution point may be a PXE or DHCP responder (R-PXE-10). For "
    + "every zone that holds a distribution point, the rule counts the VMs with a NIC in it that answer PXE or DHCP: declared (sdz-role "
    + "pxe-distribution-point), inferred from a script (public extension settings, the Linux Custom Script `script` base64-decoded and gunzipped, or a run command) that installs or enables a PXE, DHCP or TFTP server: the "
    + "WDS or DHCP Windows feature (Install-WindowsFeature, DISM, wdsutil /initialize-server), the Linux isc-dhcp-server, dhcp-server, kea, "
    + "tftpd-hpa, tftp-server or atftpd package or service, or dnsmasq with a dhcp-range, enable-tftp, dhcp-boot or pxe-service (the DHCP and "
    + "TFTP clients and the management tools are not evidence); or reachable on UDP "
    + "67, 69 or 4011 through a rule written for them. A host that answers only because a PXE rule opens the whole segment or another host is "
    + "SDZ-PXE-012's finding, not this one's. A zone holds a distribution point when a VM of it serves PXE: declared, a WDS, TFTP or dnsmasq PXE "
    + "server, or reachable on UDP 69 or 4011 (a DHCP server alone, reachable on UDP 67 only or installing only a DHCP server, makes no PXE segment). "
    + "The segment's distribution point is the declared one, else the responder that serves PXE; when there is one, each other responder is reported "
    + "on its VM, otherwise the zone is reported once, listing them. A responder reported here is not also judged as a distribution point by the "
    + "other PXE rules (its settings, zone, public IP): removing it is the one fix. A VM of the zone whose role tag is not known before apply is could-not-verify: SDZ-SEC-001's one notice for that VM when nothing else shows its "
    + "role, this rule's when the VM is a DHCP responder or holds another role.",
  fix: "Keep one distribution point per PXE segment: remove WDS/DHCP and the PXE allows from the other hosts (or move them to another zone), and declare the distribution point with sdz-role = pxe-distribution-point.",
  requirements: ["R-PXE-10"],
  resourceTypes: [...VM_TYPES, "azurerm_virtual_machine_extension", "azurerm_virtual_machine_run_command", "azurerm_network_security_group", "azurerm_network_security_rule"],
  reads: [
    "sdz-role of VMs and NICs",
    "extension and run command scripts (public settings) of VMs",
    "inline and standalone NSG rules of subnets and NICs (who reaches UDP 67, 69, 4011 through a rule written for them)",
  ],
  check(ctx) {
    // SDZ-SEC-001's one notice for a VM whose role tag cannot be read already says that its distribution point checks, this one included, did not run.
    let toldBySec001: Set<Vm> | undefined;
    const told = (vm: Vm) => rolesToldBySec001(ctx)
      && (toldBySec001 ??= new Set(rolesNotTold(ctx).filter((n) => n.roles.includes(DP)).map((n) => n.vm))).has(vm);
    for (const seg of pxeSegments(ctx)) {
      const responders = seg.dps.filter((dp) => respondsOnItsOwn(ctx, seg, dp));
      const responderVms = new Set(responders.map((r) => r.vm));
      if (responders.length > 0) {
        for (const vm of vmsIn(seg)) {
          const roles = ctx.roles.ofVm(vm);
          if (!responderVms.has(vm) && roles.unknown && !told(vm)) {
            ctx.unverified(vm.resource, `${vm.resource.address} shares PXE zone ${seg.zone.name} with ${responders.map((r) => r.vm.resource.address).join(", ")}, and whether it is a PXE/DHCP responder cannot be told: its role tag is not known (${roles.unknown})`);
          }
        }
      }
      if (responders.length < 2) continue;
      // The segment's distribution point: the declared one, else the one responder that serves PXE (the others serve DHCP only).
      const designated = responders.filter((r) => seg.designated.includes(r));
      const list = (rs: DistributionPoint[]) => rs.map((r) => `${r.vm.resource.address} (${r.claim.source}: ${r.claim.evidence})`).join("; ");
      if (designated.length === 1) {
        for (const r of responders.filter((x) => x !== designated[0])) {
          ctx.report(r.vm.resource, `${r.vm.resource.address} answers PXE or DHCP in PXE zone ${seg.zone.name} (${r.claim.source}: ${r.claim.evidence}) beside the ${describeDp(designated[0])}: only the distribution point may answer PXE in its segment`);
        }
      } else {
        ctx.report(seg.zone.resource, `PXE zone ${seg.zone.name} has ${responders.length} PXE/DHCP responders: ${list(responders)}; only one distribution point may answer PXE in a segment`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A second VM of the PXE subnet installs the DHCP server role",
      terraform: pxeExample({ dpTags: DP_ROLE, otherHost: { script: "Install-WindowsFeature DHCP -IncludeManagementTools" } }),
      flagged: ["azurerm_windows_virtual_machine.app"],
    }],
    good: [{
      description: "The second VM of the PXE subnet is a plain server",
      terraform: pxeExample({ dpTags: DP_ROLE, otherHost: { script: "Install-WindowsFeature Web-Server" } }),
    }],
  })),
});
