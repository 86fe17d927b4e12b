/**
 * What the PXE rules share: the distribution points of a configuration (declared or inferred, with
 * the evidence), their PXE settings read with provenance, their TFTP data range and their zones.
 */
import { PXE_TAG } from "../../contract/pxe-tags";
import { TagSpec } from "../../contract/tag";
import { DeploymentRole } from "../../contract/zone-tags";
import { Subnet, Vm } from "../../engine/access/topology";
import { RoleClaim } from "../../engine/roles";
import { RuleContext } from "../../engine/rule";
import { SettingState } from "../../engine/settings";
import { Zone } from "../../engine/zones";
import { PORT_LIMITS } from "../../network/limits";
import { SERVICE_PORTS, ServicePort } from "../../network/service-ports";

/** VM resource types a PXE rule reports on. */
export const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];

const S = SERVICE_PORTS;
/**
 * The fixed PXE ports (R-PXE-3): DHCP server and client, TFTP, PXE/BINL (proxyDHCP). The TFTP data
 * range comes on top, per distribution point ({@link tftpDataRange}).
 */
export const PXE_PORTS: readonly ServicePort[] = [S.DHCP_SERVER, S.DHCP_CLIENT, S.TFTP, S.PXE_BINL];
/** The ports a PXE or DHCP responder answers on: what makes a host one (R-PXE-10). */
export const RESPONDER_PORTS: readonly ServicePort[] = [S.DHCP_SERVER, S.TFTP, S.PXE_BINL];

/**
 * What an extension or run command script does that makes the VM a PXE or DHCP responder: installs
 * Windows Deployment Services or the DHCP server role, or initialises WDS. (ConfigMgr's
 * Set-CMDistributionPoint -EnablePxe runs on the site server and names another machine, so it is
 * not evidence about the VM it runs on.) Public settings only: protected ones are never read.
 */
const RESPONDER_SCRIPT = /(Install|Add)-WindowsFeature[^\n]*\b(WDS|WDS-Deployment|WDS-Transport|DHCP)\b|wdsutil(\.exe)?[^\n]*\/initiali[sz]e-server/i;

/** A distribution point (or another PXE/DHCP responder) of the configuration. */
export interface DistributionPoint {
  readonly vm: Vm;
  /** Why the checks take it for one: the declaration, the network evidence or the script. */
  readonly claim: RoleClaim;
  /** What the claim rests on: the role tag, what the network lets in, or a script on the VM. */
  readonly via: "declared" | "network" | "script";
}

/**
 * Every VM that may answer PXE: declared (`sdz-role=pxe-distribution-point`), inferred by the engine
 * (reachable on UDP 67, 69 or 4011 through a rule written for them), or inferred here from a script
 * that installs WDS or DHCP. The rules use {@link distributionPoints} (pxe-segments.ts), which
 * leaves out hosts that answer only because a too-wide PXE rule reaches them. Memoised.
 */
export function responderCandidates(ctx: RuleContext): DistributionPoint[] {
  return ctx.model.memo("pxe:responder-candidates", () => {
    // The engine infers the role from the network only (reachable on UDP 67, 69 or 4011 through a rule written for them).
    const out: DistributionPoint[] = ctx.roles.vmsWith(DeploymentRole.PXE_DISTRIBUTION_POINT)
      .map((x): DistributionPoint => ({ vm: x.vm, claim: x.claim, via: x.claim.source === "declared" ? "declared" : "network" }));
    const have = new Set(out.map((d) => d.vm));
    for (const vm of ctx.access.topology.vms) {
      if (have.has(vm)) continue;
      const script = ctx.settings.scriptsOn(vm.resource).find((s) => RESPONDER_SCRIPT.test(s.text));
      if (script) out.push({ vm, claim: { role: DeploymentRole.PXE_DISTRIBUTION_POINT, source: "inferred", evidence: `${script.resource.address} installs a PXE/DHCP responder (Windows Deployment Services or the DHCP server)` }, via: "script" });
    }
    return out;
  });
}

/** `distribution point azurerm_windows_virtual_machine.dp (declared: sdz-role=... on ...)`. */
export function describeDp(dp: DistributionPoint): string {
  return `distribution point ${dp.vm.resource.address} (${dp.claim.source}: ${dp.claim.evidence})`;
}

/** Reads one setting of a distribution point (VM tags, then its NICs') with its provenance. */
export function dpSetting<T>(ctx: RuleContext, dp: DistributionPoint, spec: TagSpec<T>): SettingState<T> {
  return ctx.settings.read(dp.vm.resource, spec, dp.vm.nics.map((n) => n.resource));
}

/**
 * A boolean setting the rule judges: the value when known, after reporting "could not verify" when
 * it is missing, not known before apply or not a boolean (naming the tag). A value that is known
 * but only declared where Azure could apply it is reported by the caller's rule as not verified.
 */
export function judgedSetting<T>(ctx: RuleContext, dp: DistributionPoint, spec: TagSpec<T>, what: string): T | undefined {
  const s = dpSetting(ctx, dp, spec);
  switch (s.read.state) {
    case "known":
      if (!s.acceptable) {
        ctx.report(dp.vm.resource, `${describeDp(dp)}: ${what} is only declared (${s.evidence}); apply it with a script that reads it back, or audit it`);
        return undefined;
      }
      return s.read.value;
    case "absent":
      ctx.unverified(dp.vm.resource, `${describeDp(dp)} does not record ${what} (tag ${spec.key} is missing); record the ConfigMgr setting as that tag, or apply it with a run command on the site server`);
      return undefined;
    default:
      ctx.unverified(dp.vm.resource, `${describeDp(dp)}: ${what} cannot be read (${s.read.reason})`);
      return undefined;
  }
}

/**
 * Every port a TFTP data range may be when the tag cannot be read: the unprivileged UDP ports (what
 * PxeDistributionPoint accepts for a range, 1024-65535).
 */
export const TFTP_DATA_ANY: ServicePort = { ...S.TFTP_DATA, from: PORT_LIMITS.unprivilegedMin, to: PORT_LIMITS.max };

/** A distribution point's TFTP data range, or why it cannot be read. */
export type TftpRange = { port: ServicePort; unknown?: undefined } | { port?: undefined; unknown: string };

/**
 * The TFTP data range of a distribution point: its `sdz-pxe-tftp-data-ports` tag (the range the PXE
 * responder uses, R-PXE-3), else (no tag) the WDS/ConfigMgr default 64001-65000. A tag that is set
 * but cannot be read (a variable, a malformed range) gives no range, only why: the rules cannot
 * know which range to check and say so, instead of checking the default.
 */
export function tftpDataRange(ctx: RuleContext, dp: DistributionPoint | undefined): TftpRange {
  if (!dp) return { port: S.TFTP_DATA };
  const r = dpSetting(ctx, dp, PXE_TAG.tftpDataPorts).read;
  switch (r.state) {
    case "known": return { port: { ...S.TFTP_DATA, from: r.value.from, to: r.value.to } };
    case "absent": return { port: S.TFTP_DATA };
    default: return { unknown: r.reason };
  }
}

/** The ports a distribution point's PXE is checked on: the fixed ones and its TFTP data range, when known. */
export function dpPorts(ctx: RuleContext, dp: DistributionPoint | undefined): ServicePort[] {
  const range = tftpDataRange(ctx, dp);
  return range.port ? [...PXE_PORTS, range.port] : [...PXE_PORTS];
}

/** The subnets a VM's NICs are in, and why some cannot be followed. */
export function subnetsOf(vm: Vm): { subnets: Subnet[]; unknown: string[] } {
  const subnets: Subnet[] = [];
  const unknown: string[] = [];
  if (vm.nicsUnknown) unknown.push(vm.nicsUnknown);
  for (const nic of vm.nics) {
    for (const cfg of nic.ipConfigs) {
      if (cfg.subnet && !subnets.includes(cfg.subnet)) subnets.push(cfg.subnet);
      else if (!cfg.subnet) unknown.push(`${nic.resource.address} ip_configuration "${cfg.name ?? "?"}": ${cfg.subnetUnknown ?? "subnet_id is missing"}`);
    }
  }
  return { subnets, unknown };
}

/** The zones of a VM's NICs. */
export function zonesOfVm(ctx: RuleContext, vm: Vm): { zones: Zone[]; unknown: string[] } {
  const { subnets, unknown } = subnetsOf(vm);
  const zones: Zone[] = [];
  for (const s of subnets) {
    const z = ctx.zones.zoneOf(s);
    if (z && !zones.includes(z)) zones.push(z);
  }
  return { zones, unknown };
}
