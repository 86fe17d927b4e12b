/**
 * What the PXE rules share: the distribution points of a configuration (declared or inferred, with
 * the evidence), their PXE settings read with provenance, their TFTP data range and their zones.
 */
import { mayNameService, namesService } from "./source-trust";
import { InOrder } from "../../contract/in-order";
import { PXE_TAG } from "../../contract/pxe-tags";
import { TagSpec } from "../../contract/tag";
import { DeploymentRole } from "../../contract/zone-tags";
import { Subnet, Vm } from "../../engine/access/topology";
import { reachOn } from "../../engine/exposure";
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
 * What a responder serves: PXE (a PXE or TFTP server: what makes a host a distribution point, seed 001's "PXE-enabled
 * distribution point") or DHCP only (a DHCP server, which hands out addresses and no boot image: a responder SDZ-PXE-013
 * counts in a PXE segment, never a distribution point).
 */
export type Serves = "pxe" | "dhcp";

/**
 * What an extension or run command script does that makes the VM a PXE or DHCP responder, with what
 * it installs. (ConfigMgr's Set-CMDistributionPoint -EnablePxe runs on the site server and names
 * another machine, so it is not evidence about the VM it runs on.) Public settings only: protected
 * ones are never read. A name is matched whole (not followed or preceded by a letter, digit or
 * hyphen), so the management tools (RSAT-DHCP, WDS-AdminPack, DHCPServer-Tools) and the DHCP and
 * TFTP *clients* (isc-dhcp-client, dhcp-client, dhcpcd, tftp, tftp-hpa, atftp) are no evidence.
 * The PXE patterns come first: a script that installs both a DHCP and a PXE or TFTP server serves PXE.
 */
const RESPONDER_SCRIPTS: readonly { readonly serves: Serves; readonly patterns: readonly (RegExp | InOrder)[]; readonly what: (name: string) => string }[] = [
  // Server Manager feature names: WDS, WDS-Deployment, WDS-Transport (Windows Deployment Services answers PXE); DHCP (the DHCP Server role).
  { serves: "pxe", patterns: [InOrder.onOneLine(/(?:Install|Add)-WindowsFeature/i, /(?<![\w-])(WDS|WDS-Deployment|WDS-Transport)(?![\w-])/i)], what: () => "Windows Deployment Services" },
  { serves: "pxe", patterns: [InOrder.onOneLine(/wdsutil(?:\.exe)?/i, /\/initiali[sz]e-server/i)], what: () => "Windows Deployment Services" },
  // DISM / Enable-WindowsOptionalFeature names: Microsoft-Windows-Deployment-Services[-...] (its -Admin-Pack is the console only);
  // DHCPServer (DHCPServerCore on Server Core 2008).
  { serves: "pxe", patterns: optionalFeature(/(?<![\w-])(Microsoft-Windows-Deployment-Services(?!-Admin)[\w-]*)(?![\w-])/i), what: (name) => `the Windows feature ${name}` },
  // Linux server packages (d-i.debian.org/manual, "Preparing Files for TFTP Net Booting": isc-dhcp-server, tftpd-hpa, atftpd;
  // RHEL/Fedora: dhcp-server (dhcp before RHEL 8), tftp-server, kea; Debian kea-dhcp4-server). The clients are other packages.
  { serves: "pxe", patterns: [packageInstall(/(?<![\w.=:/-])(tftpd-hpa|tftp-server|atftpd|tftpd)(?![\w.-])/i)], what: (name) => `the ${name} package` },
  { serves: "pxe", patterns: [/\b(?:systemctl\s+(?:enable|start|restart)(?:\s+--now)?|service)\s+(tftpd-hpa|atftpd|tftp\.socket)(?![\w.-])/i], what: (name) => `the ${name} service` },
  { serves: "dhcp", patterns: [InOrder.onOneLine(/(?:Install|Add)-WindowsFeature/i, /(?<![\w-])(DHCP)(?![\w-])/i)], what: () => "the DHCP Server role" },
  { serves: "dhcp", patterns: optionalFeature(/(?<![\w-])(DHCPServer(?:Core)?)(?![\w-])/i), what: (name) => `the Windows feature ${name}` },
  {
    serves: "dhcp",
    patterns: [packageInstall(/(?<![\w.=:/-])(isc-dhcp-server|dhcp-server|dhcp|kea-dhcp4-server|kea)(?![\w.-])/i)],
    what: (name) => `the ${name} package`,
  },
  { serves: "dhcp", patterns: [/\b(?:systemctl\s+(?:enable|start|restart)(?:\s+--now)?|service)\s+(isc-dhcp-server|dhcpd|kea-dhcp4(?:-server)?)(?![\w.-])/i], what: (name) => `the ${name} service` },
];

/** A Windows optional feature enabled with DISM (`dism /online /enable-feature ... <feature>`) or Enable-WindowsOptionalFeature. */
function optionalFeature(feature: RegExp): InOrder[] {
  return [InOrder.onOneLine(/dism(?:\.exe)?/i, /\/enable-feature/i, feature), InOrder.onOneLine(/Enable-WindowsOptionalFeature/i, feature)];
}

/** A Linux package installed in one shell command (to a newline, `;`, `&` or `|`). */
function packageInstall(name: RegExp): InOrder {
  return InOrder.of([/\b(?:apt-get|apt|yum|dnf|microdnf|tdnf|zypper|apk)\b/i, /\b(?:install|add|in)\b/i, name], "\n;&|");
}

/** The name a pattern's first match captures (its last term's first group), or undefined when the text holds no match. */
function capturedIn(pattern: RegExp | InOrder, text: string): string | undefined {
  if (pattern instanceof InOrder) {
    const m = pattern.exec(text);
    return m ? m.terms[m.terms.length - 1][1] ?? "" : undefined;
  }
  const m = pattern.exec(text);
  return m ? m[1] ?? "" : undefined;
}

/**
 * dnsmasq answers DHCP only with a dhcp-range, and TFTP only with enable-tftp (dnsmasq(8): "--dhcp-range ... Enable the DHCP
 * server", "--enable-tftp Enable the TFTP server function"); dhcp-boot and pxe-service are its PXE answers. Installing it
 * alone (a DNS cache) is no evidence.
 */
const DNSMASQ = /\bdnsmasq\b/i;
const DNSMASQ_PXE = /(?<![\w-])(?:--)?(enable-tftp|dhcp-boot|pxe-service)(?![\w-])/i;
const DNSMASQ_DHCP = /(?<![\w-])(?:--)?(dhcp-range)(?![\w-])/i;

/** What a script installs that answers PXE or DHCP (PXE first), or undefined. */
export function responderIn(text: string): { readonly serves: Serves; readonly what: string } | undefined {
  const dnsmasq = DNSMASQ.test(text);
  for (const serves of ["pxe", "dhcp"] as const) {
    for (const r of RESPONDER_SCRIPTS) {
      if (r.serves !== serves) continue;
      for (const p of r.patterns) {
        const name = capturedIn(p, text);
        if (name !== undefined) return { serves, what: r.what(name) };
      }
    }
    const d = dnsmasq ? (serves === "pxe" ? DNSMASQ_PXE : DNSMASQ_DHCP).exec(text) : null;
    if (d) return { serves, what: `dnsmasq with ${d[1]}` };
  }
  return undefined;
}

/** A distribution point (or another PXE/DHCP responder) of the configuration. */
export interface DistributionPoint {
  readonly vm: Vm;
  /** Why the checks take it for one: the declaration, the network evidence or the script. */
  readonly claim: RoleClaim;
  /** What the claim rests on: the role tag, what the network lets in, or a script on the VM. */
  readonly via: "declared" | "network" | "script";
  /**
   * What it answers: PXE (declared; a script that installs a PXE or TFTP server; reachable on TFTP or PXE/BINL through a rule
   * written for them), or DHCP only (a DHCP server: a responder for SDZ-PXE-013, never a distribution point).
   */
  readonly serves: Serves;
}

/**
 * Every VM that may answer PXE or DHCP: declared (`sdz-role=pxe-distribution-point`), inferred by the engine
 * (reachable on UDP 67, 69 or 4011 through a rule written for them), or inferred here from a script
 * that installs a PXE, DHCP or TFTP server ({@link responderIn}). The rules use {@link distributionPoints} (pxe-segments.ts), which
 * keeps those that serve PXE and leaves out hosts that answer only because a too-wide PXE rule reaches them and the
 * responders SDZ-PXE-013 reports beside a segment's distribution point. Memoised.
 */
export function responderCandidates(ctx: RuleContext): DistributionPoint[] {
  return ctx.model.memo("pxe:responder-candidates", () => {
    const out: DistributionPoint[] = [];
    // The engine infers the role from the network: reachable on UDP 67, 69 or 4011 through a rule written for them. Only UDP 67
    // (DHCP, e.g. from a relay agent) is a DHCP server; a PXE client downloads its boot file over TFTP (UDP 69) and a proxyDHCP
    // PXE server answers on UDP 4011, so PXE needs one of those.
    const inferred = new Map<Vm, DistributionPoint>();
    for (const x of ctx.roles.vmsWith(DeploymentRole.PXE_DISTRIBUTION_POINT)) {
      const declared = x.claim.source === "declared";
      const dp: DistributionPoint = { vm: x.vm, claim: x.claim, via: declared ? "declared" : "network", serves: declared || reachedForPxe(ctx, x.vm) ? "pxe" : "dhcp" };
      if (dp.serves === "pxe") out.push(dp);
      else inferred.set(x.vm, dp);
    }
    const have = new Set(out.map((d) => d.vm));
    for (const vm of ctx.access.topology.vms) {
      if (have.has(vm)) continue;
      // A script that installs a PXE server makes the VM a distribution point even when the network shows DHCP only.
      let found: DistributionPoint | undefined;
      for (const script of ctx.settings.scriptsOn(vm.resource)) {
        const r = responderIn(script.text);
        if (!r || (found && (found.serves === "pxe" || r.serves === "dhcp"))) continue;
        const evidence = `${script.resource.address} installs ${r.serves === "pxe" ? "a PXE or TFTP server" : "a DHCP server"} (${r.what})`;
        found = { vm, claim: { role: DeploymentRole.PXE_DISTRIBUTION_POINT, source: "inferred", evidence }, via: "script", serves: r.serves };
        if (r.serves === "pxe") break;
      }
      const dp = found?.serves === "pxe" ? found : inferred.get(vm) ?? found;
      if (dp) out.push(dp);
    }
    return out;
  });
}

/** Is the VM reachable on TFTP or PXE/BINL through a rule written for them (or one that may be)? */
function reachedForPxe(ctx: RuleContext, vm: Vm): boolean {
  for (const ep of ctx.access.endpointsOfVm(vm)) {
    for (const port of [S.TFTP, S.PXE_BINL]) {
      if (reachOn(ctx.model, ep, port).some((r) => namesService(r, port, ep) || mayNameService(r, port, ep))) return true;
    }
  }
  return false;
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
