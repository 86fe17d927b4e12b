import { PxeSettingTags } from "../../contract/pxe-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { AddressSpec, NetworkIndex, NsgView, VmView } from "../../engine/network-index";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { cidrContains } from "../../network/cidr";
import { TrustLevel } from "../../network/trust-level";
import { isDenyAll, nsgsOfVm, referenceComputers } from "../pxe/common";

const TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine", "azurerm_network_security_group", "azurerm_network_security_rule"];
/** Destinations that are not "a specific place": the whole Internet, every VNet range, every Azure address. */
const BROAD_DESTINATION_TAGS = new Set(["internet", "virtualnetwork", "azurecloud"]);

function who(vm: VmView): string {
  return `reference computer ${vm.resource.address}`;
}

/**
 * The NSGs protecting a reference computer, or undefined after reporting when there are none
 * (or when an unresolved association makes that uncertain).
 */
function protectingNsgs(ctx: RuleContext, net: NetworkIndex, vm: VmView, what: string): NsgView[] | undefined {
  const nsgs = nsgsOfVm(net, vm);
  if (nsgs.length > 0) return nsgs;
  if (vm.nicsUnknown || net.unresolvedAssociations.length > 0) {
    ctx.unverified(vm.resource, `${who(vm)}: no NSG could be followed to it (unresolved NIC or NSG association), so its ${what} cannot be checked`);
  } else {
    ctx.report(vm.resource, `${who(vm)} is protected by no NSG: Azure's defaults let every VNet range in and let it reach the Internet`);
  }
  return undefined;
}

/** Why an inbound source is not the management zone, or undefined when it is. `unknown` when it cannot be told. */
function inboundProblem(net: NetworkIndex, s: AddressSpec): string | "unknown" | undefined {
  if (s.kind === "unknown" || s.kind === "asg") return "unknown";
  if (s.kind === "any" || s.kind === "tag") return `${s.text} is not the management zone`;
  const zones = net.zonesOverlapping(s.block!);
  const inMgmt = zones.some((z) => z.trust === TrustLevel.MANAGEMENT && z.prefixes.some((p) => cidrContains(p, s.block!)));
  const other = zones.filter((z) => z.trust !== TrustLevel.MANAGEMENT);
  if (!inMgmt) return `${s.text} is not inside a zone tagged sdz-trust MANAGEMENT`;
  if (other.length > 0) return `${s.text} also overlaps ${other.map((z) => `zone ${z.name}`).join(", ")}`;
  return undefined;
}

/**
 * Reports a reference computer that no NSG on its path isolates. Traffic must pass every NSG on
 * the path, so one isolating NSG is enough; `problemsOf` lists one NSG's openings (and whether some
 * of its values are unknown).
 */
function reportIsolation(ctx: RuleContext, vm: VmView, nsgs: NsgView[], direction: "inbound" | "outbound",
  problemsOf: (nsg: NsgView) => { problems: string[]; unknown: boolean }): void {
  const problems: string[] = [];
  let maybe = false;
  for (const nsg of nsgs) {
    const own = problemsOf(nsg);
    if (own.problems.length === 0 && !own.unknown) return;
    if (own.problems.length === 0) maybe = true;
    else problems.push(`NSG ${nsg.name ?? nsg.resource.address}: ${own.problems.join("; ")}`);
  }
  if (maybe) {
    ctx.unverified(vm.resource, `${who(vm)}: an ${direction} ${direction === "inbound" ? "source" : "destination"} of an otherwise isolating NSG is not known before apply`);
  } else {
    ctx.report(vm.resource, `${who(vm)} is not isolated ${direction}: ${problems.join(" | ")}`);
  }
}

export const referenceInboundIsolation = defineRule({
  id: "SDZ-REF-001",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "Reference computer reachable from outside the management zone",
  rationale:
    "Make sure the reference computer you use to capture OS images is in a secure environment, with access controls so that unexpected or malicious software can't be installed and included in the captured image (seed 001).",
  fix: "Put the reference computer in a ReferenceImagingZone: an explicit deny-all inbound rule, and allows only from a zone tagged sdz-trust MANAGEMENT.",
  requirements: ["R-REF-1"],
  resourceTypes: TYPES,
  check(ctx) {
    const net = ctx.network;
    for (const vm of referenceComputers(ctx.model, net)) {
      const nsgs = protectingNsgs(ctx, net, vm, "inbound isolation");
      if (!nsgs) continue;
      reportIsolation(ctx, vm, nsgs, "inbound", (nsg) => {
        const problems: string[] = [];
        let unknown = false;
        if (!nsg.rules.some((r) => isDenyAll(r, "Inbound"))) problems.push("no explicit deny-all inbound rule, so Azure's AllowVNetInBound admits every VNet, peered and VPN range");
        for (const rule of nsg.rules) {
          // ICMP stays open for path MTU discovery and DC location (R-SEC-4); it cannot install software.
          if (rule.direction !== "Inbound" || rule.access !== "Allow" || rule.protocol === "Icmp") continue;
          for (const src of rule.sources) {
            const p = inboundProblem(net, src);
            if (p === "unknown") unknown = true;
            else if (p) problems.push(`rule "${rule.name}": ${p}`);
          }
        }
        return { problems, unknown };
      });
    }
  },
});

export const referenceOutboundIsolation = defineRule({
  id: "SDZ-REF-002",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "Reference computer can reach arbitrary destinations",
  rationale:
    "The reference computer must stay in a secure environment where unexpected or malicious software can't be installed and captured into the image (seed 001); outbound traffic only to the capture location and the update service keeps it so.",
  fix: "Deny all outbound traffic (ReferenceImagingZone does, at priority 4096) and allow only SMB to the capture location's private endpoint and HTTP/HTTPS to the update service tags (AzureUpdateDelivery, AzureFrontDoor.FirstParty).",
  requirements: ["R-REF-1"],
  resourceTypes: TYPES,
  check(ctx) {
    const net = ctx.network;
    for (const vm of referenceComputers(ctx.model, net)) {
      const nsgs = protectingNsgs(ctx, net, vm, "outbound isolation");
      if (!nsgs) continue;
      reportIsolation(ctx, vm, nsgs, "outbound", (nsg) => {
        const problems: string[] = [];
        let unknown = false;
        if (!nsg.rules.some((r) => isDenyAll(r, "Outbound"))) problems.push("no explicit deny-all outbound rule, so Azure's AllowInternetOutBound lets it reach the Internet");
        for (const rule of nsg.rules) {
          if (rule.direction !== "Outbound" || rule.access !== "Allow") continue;
          for (const d of rule.destinations) {
            if (d.kind === "unknown") unknown = true;
            else if (d.kind === "any" || (d.kind === "tag" && BROAD_DESTINATION_TAGS.has(d.text.toLowerCase()))) problems.push(`rule "${rule.name}" allows outbound to ${d.text}`);
          }
        }
        return { problems, unknown };
      });
    }
  },
});

export const referencePatching = defineRule({
  id: "SDZ-REF-003",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "Reference computer without automatic security updates",
  rationale:
    "Always install the most recent security updates on the reference computer: it reduces the window of vulnerability for new computers when they first start up (seed 001).",
  fix: "Set patch_mode = \"AutomaticByPlatform\" (ReferenceComputer does) or at least \"AutomaticByOS\", and keep automatic_updates_enabled true.",
  requirements: ["R-REF-1"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"],
  check(ctx) {
    const m = ctx.model;
    for (const vm of referenceComputers(m, ctx.network)) {
      const r = vm.resource;
      if (r.type !== "azurerm_windows_virtual_machine") {
        ctx.unverified(r, `${who(vm)} is a ${r.type}; only azurerm_windows_virtual_machine patch settings are checked`);
        continue;
      }
      const mode = m.resolveString(r.config.patch_mode ?? "AutomaticByOS");
      const auto = m.resolveBoolean(r.config.automatic_updates_enabled);
      if (!mode.known) ctx.unverified(r, `${who(vm)}: patch_mode is not known (${mode.reason})`);
      else if (mode.value === "Manual") ctx.report(r, `${who(vm)} has patch_mode "Manual": security updates are not installed automatically`);
      if (!auto.known) ctx.unverified(r, `${who(vm)}: automatic_updates_enabled is not known (${auto.reason})`);
      else if (auto.value === false) ctx.report(r, `${who(vm)} has automatic_updates_enabled = false`);
    }
  },
});

export const referenceCaptureLocation = defineRule({
  id: "SDZ-REF-004",
  level: RuleLevel.ERROR,
  area: "pxe",
  title: "Reference computer captures to a location without SMB encryption",
  rationale:
    "When you capture the image, make sure the destination network location is secure, so the image can't be tampered with after capture (seed 001); network locations holding images are reached with SMB signing or encryption.",
  fix: `Capture to a private share that enforces SMB encryption (an IDeploymentContentLocation with smbEncryptionRequired, such as the state migration share) and record ${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} = "true".`,
  requirements: ["R-REF-1", "R-NET-1"],
  resourceTypes: ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"],
  check(ctx) {
    for (const vm of referenceComputers(ctx.model, ctx.network)) {
      const tags = ctx.model.tags(vm.resource);
      const v = tags[PxeSettingTags.CAPTURE_SMB_ENCRYPTION]?.trim().toLowerCase();
      const where = tags[PxeSettingTags.CAPTURE_LOCATION] ?? "an undeclared location";
      if (v === "false") ctx.report(vm.resource, `${who(vm)} captures images to ${where} without SMB encryption`);
      else if (v !== "true") {
        ctx.unverified(vm.resource, `${who(vm)} (role ${DeploymentRole.REFERENCE_COMPUTER}) does not declare whether its capture location enforces SMB encryption (${PxeSettingTags.CAPTURE_SMB_ENCRYPTION} is ${v === undefined ? "missing" : `"${v}"`})`);
      }
    }
  },
});
