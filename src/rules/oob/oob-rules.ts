import { OobTags } from "../../contract/oob-tags";
import { DeploymentRole, parseRoles, ZoneTags } from "../../contract/zone-tags";
import { TerraformModel, TfResource } from "../../engine/model";
import { AddressSpec, isShadowedByDeny, NetworkIndex, NsgRuleView, ruleCoversPort, ruleCoversPortRange, VM_TYPES } from "../../engine/network-index";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { cidrContains, CidrBlock, tryParseCidr } from "../../network/cidr";
import { TrustLevel } from "../../network/trust-level";

const SEED = "Seed 002 (Security best practices for out of band management)";
const NSG_TYPES = ["azurerm_network_security_group", "azurerm_network_security_rule"];
const AMT_FROM = 16992;
const AMT_TO = 16995;

/** An out-of-band service point as the tags declare it. */
interface ServicePoint {
  readonly resource: TfResource;
  readonly tags: Record<string, string>;
  readonly ips: CidrBlock[];
}

/**
 * Service points: VMs and NICs with role `oob-service-point` (a NIC whose VM already carries the
 * role is folded into that VM). Memoized.
 */
function servicePoints(model: TerraformModel, network: NetworkIndex): ServicePoint[] {
  return model.memo("oob-service-points", () => {
    const out: ServicePoint[] = [];
    const hasRole = (tags: Record<string, string>) => parseRoles(tags[ZoneTags.ROLE]).includes(DeploymentRole.OOB_SERVICE_POINT);
    const ipsOf = (nics: typeof network.nics) => nics.flatMap((n) => n.ipConfigs
      .map((c) => (c.privateIp ? tryParseCidr(c.privateIp) : undefined))
      .filter((b): b is CidrBlock => !!b));
    const vmsWithRole = new Set<TfResource>();
    for (const vm of network.vms) {
      const tags = model.tags(vm.resource);
      if (!hasRole(tags)) continue;
      vmsWithRole.add(vm.resource);
      // Settings may sit on the VM or on its NIC: merge, VM first.
      const nicTags = Object.assign({}, ...vm.nics.map((n) => model.tags(n.resource)));
      out.push({ resource: vm.resource, tags: { ...nicTags, ...tags }, ips: ipsOf(vm.nics) });
    }
    for (const nic of network.nics) {
      const tags = model.tags(nic.resource);
      if (!hasRole(tags) || (nic.vm && vmsWithRole.has(nic.vm.resource))) continue;
      out.push({ resource: nic.resource, tags, ips: ipsOf([nic]) });
    }
    return out;
  });
}

function specLabel(s: AddressSpec): string {
  return s.text;
}

/** True when every port the rule opens in [from, to] is shadowed by a deny. */
function shadowedForRange(rule: NsgRuleView, from: number, to: number): boolean {
  for (let p = from; p <= to; p++) {
    if (ruleCoversPort(rule, "Tcp", p) === true && !isShadowedByDeny(rule, "Tcp", p)) return false;
  }
  return true;
}

export const amtPortsBeyondManagement = defineRule({
  id: "SDZ-OOB-001",
  level: RuleLevel.ERROR,
  area: "oob",
  title: "Intel AMT ports open beyond the management zone",
  rationale:
    `${SEED}: the AMT management interface (TCP 16992-16995) gives power control, console and media redirection (the Media Redirection right is almost equivalent to physical access). Only the out-of-band service point and the management zone may reach it.`,
  fix: "Allow TCP 16992-16995 only from the out-of-band service point's IP or a zone tagged sdz-trust=MANAGEMENT (OutOfBandServicePoint does this for its amtClientZones).",
  requirements: ["R-OOB-2"],
  resourceTypes: NSG_TYPES,
  check(ctx) {
    const sps = servicePoints(ctx.model, ctx.network);
    const spIps = sps.flatMap((s) => s.ips);
    for (const rule of ctx.network.inboundAllows) {
      const covers = ruleCoversPortRange(rule, "Tcp", AMT_FROM, AMT_TO);
      if (covers === false) continue;
      if (covers === undefined) {
        if (rule.sources.some((s) => !sourceInManagement(ctx, s, spIps))) {
          ctx.unverified(rule.resource, `rule "${rule.name}" may open AMT ports but its protocol or ports are unknown (${rule.unknowns.join("; ")})`);
        }
        continue;
      }
      if (shadowedForRange(rule, AMT_FROM, AMT_TO)) continue;
      const bad: string[] = [];
      const unknown: string[] = [];
      for (const s of rule.sources) {
        if (s.kind === "unknown" || s.kind === "asg") unknown.push(specLabel(s));
        else if (!sourceInManagement(ctx, s, spIps)) bad.push(specLabel(s));
      }
      if (bad.length > 0) {
        ctx.report(rule.resource, `rule "${rule.name}" allows Intel AMT (TCP ${AMT_FROM}-${AMT_TO}) from ${bad.join(", ")}, outside the management zone and the out-of-band service point`);
      } else if (unknown.length > 0) {
        ctx.unverified(rule.resource, `rule "${rule.name}" allows Intel AMT (TCP ${AMT_FROM}-${AMT_TO}) from ${unknown.join(", ")}, which cannot be placed in a zone before apply`);
      }
    }
  },
});

/** A CIDR source inside a MANAGEMENT zone (and no less trusted one), or exactly a service point address. */
function sourceInManagement(ctx: RuleContext, s: AddressSpec, spIps: CidrBlock[]): boolean {
  if (s.kind !== "cidr" || !s.block) return false;
  const b = s.block;
  if (b.prefixLength === 32 && spIps.some((ip) => ip.start === b.start)) return true;
  const zones = ctx.network.zonesOverlapping(b);
  if (zones.length === 0) return false;
  return zones.every((z) => z.trust === TrustLevel.MANAGEMENT) && zones.some((z) => z.prefixes.some((p) => cidrContains(p, b)));
}

export const provisioningPortOpen = defineRule({
  id: "SDZ-OOB-002",
  level: RuleLevel.ERROR,
  area: "oob",
  title: "AMT provisioning port open while out-of-band provisioning is off, or open beyond the AMT client segments",
  rationale:
    `${SEED}: with out-of-band provisioning, untrusted computers can be provisioned and receive an AD account and a server-authentication certificate (elevation of privilege). If you do not need it, block the provisioning port (TCP 9971 by default) on the out-of-band service point. When it is enabled, only the AMT client segments need to reach it.`,
  fix: "Remove the allow (OutOfBandServicePoint denies the port unless outOfBandProvisioning is true), or enable provisioning explicitly (tag sdz-oob-provisioning=enabled) and allow the port only from the AMT client segments listed in sdz-oob-amt-client-prefixes.",
  requirements: ["R-OOB-1"],
  resourceTypes: [...NSG_TYPES, ...VM_TYPES, "azurerm_network_interface"],
  check(ctx) {
    const sps = servicePoints(ctx.model, ctx.network);
    const enabledSps = sps.filter((s) => (s.tags[OobTags.PROVISIONING] ?? "").toLowerCase() === "enabled");
    const enabled = enabledSps.length > 0;
    const clientBlocks = enabledSps.flatMap((s) => (s.tags[OobTags.AMT_CLIENT_PREFIXES] ?? "").split(",").map((p) => tryParseCidr(p.trim())).filter((b): b is CidrBlock => !!b));
    const spIps = sps.flatMap((s) => s.ips);
    const ports = new Set<number>([OobTags.DEFAULT_PROVISIONING_PORT]);
    for (const s of sps) {
      const p = Number(s.tags[OobTags.PROVISIONING_PORT]);
      if (Number.isInteger(p) && p > 0 && p <= 65535) ports.add(p);
    }
    for (const rule of ctx.network.inboundAllows) {
      for (const port of ports) {
        const covers = ruleCoversPort(rule, "Tcp", port);
        if (covers === false) continue;
        if (covers === undefined) {
          ctx.unverified(rule.resource, `rule "${rule.name}" may open the provisioning port ${port} but its protocol or ports are unknown (${rule.unknowns.join("; ")})`);
          break;
        }
        // A custom port only matters where it reaches a service point (9971 matters everywhere).
        if (port !== OobTags.DEFAULT_PROVISIONING_PORT && !reachesServicePoint(rule, spIps)) continue;
        if (isShadowedByDeny(rule, "Tcp", port)) continue;
        if (!enabled) {
          ctx.report(rule.resource, `rule "${rule.name}" allows the AMT provisioning port TCP ${port} while out-of-band provisioning is off${sps.length === 0 ? " (no service point declares sdz-oob-provisioning=enabled)" : ""}`);
          continue;
        }
        const bad = rule.sources.filter((s) => s.kind !== "unknown" && s.kind !== "asg" && !(s.kind === "cidr" && clientBlocks.some((c) => cidrContains(c, s.block!))));
        const unknown = rule.sources.filter((s) => s.kind === "unknown" || s.kind === "asg");
        if (bad.length > 0) {
          ctx.report(rule.resource, `rule "${rule.name}" allows the AMT provisioning port TCP ${port} from ${bad.map(specLabel).join(", ")}, outside the declared AMT client segments (${clientBlocks.map((c) => c.text).join(", ") || "none declared"})`);
        } else if (unknown.length > 0) {
          ctx.unverified(rule.resource, `rule "${rule.name}" allows the AMT provisioning port TCP ${port} from ${unknown.map(specLabel).join(", ")}, not known before apply`);
        }
      }
    }
  },
});

function reachesServicePoint(rule: NsgRuleView, spIps: CidrBlock[]): boolean {
  return rule.destinations.length === 0 || rule.destinations.some((d) =>
    d.kind !== "cidr" || spIps.some((ip) => cidrContains(d.block!, ip)));
}

export const amtFirmwareSettings = defineRule({
  id: "SDZ-OOB-003",
  level: RuleLevel.ERROR,
  area: "oob",
  title: "Out-of-band service point without customized AMT firmware settings",
  rationale:
    `${SEED}: request customized firmware: replace external CA thumbprints with your internal CA's, use a custom MEBx password instead of "admin", change the default provisioning server name "ProvisionServer" (an IP is most secure), and use a custom provisioning port when provisioning out of band. These settings live in firmware, so the library records them as sdz-oob-* tags on the service point.`,
  fix: "Use OutOfBandServicePoint with amtSettings, or tag the service point VM with sdz-oob-mebx-custom-password=true, sdz-oob-ca-thumbprint (40 hex digits), sdz-oob-provisioning-server (not ProvisionServer) and, when provisioning is enabled, a custom sdz-oob-provisioning-port.",
  requirements: ["R-OOB-4"],
  resourceTypes: [...VM_TYPES, "azurerm_network_interface"],
  check(ctx) {
    for (const sp of servicePoints(ctx.model, ctx.network)) {
      const t = sp.tags;
      const warn = { level: RuleLevel.WARNING };
      const mebx = t[OobTags.MEBX_CUSTOM_PASSWORD];
      if (mebx === undefined) ctx.report(sp.resource, `no custom MEBx password declared (${OobTags.MEBX_CUSTOM_PASSWORD})`, warn);
      else if (mebx.toLowerCase() !== "true") ctx.report(sp.resource, `${OobTags.MEBX_CUSTOM_PASSWORD} is "${mebx}": the MEBx account keeps its default password`);
      const thumb = t[OobTags.CA_THUMBPRINT];
      if (thumb === undefined) ctx.report(sp.resource, `no internal CA thumbprint declared (${OobTags.CA_THUMBPRINT})`, warn);
      else if (!/^[0-9a-fA-F]{40}$/.test(thumb.replace(/[\s:]/g, ""))) ctx.report(sp.resource, `${OobTags.CA_THUMBPRINT} "${thumb}" is not a 40-hex-digit thumbprint`);
      const server = t[OobTags.PROVISIONING_SERVER];
      if (server === undefined) ctx.report(sp.resource, `no provisioning server declared (${OobTags.PROVISIONING_SERVER})`, warn);
      else if (server.split(".")[0].toLowerCase() === OobTags.DEFAULT_PROVISIONING_SERVER.toLowerCase()) {
        ctx.report(sp.resource, `${OobTags.PROVISIONING_SERVER} is the default "${server}"`);
      }
      if ((t[OobTags.PROVISIONING] ?? "").toLowerCase() === "enabled") {
        const port = t[OobTags.PROVISIONING_PORT];
        if (port === undefined || Number(port) === OobTags.DEFAULT_PROVISIONING_PORT) {
          ctx.report(sp.resource, `out-of-band provisioning is enabled on the default port ${OobTags.DEFAULT_PROVISIONING_PORT}`);
        }
      }
    }
  },
});

const DAYS_PER_MONTH = 365 / 12;

export const provisioningCertificateRenewal = defineRule({
  id: "SDZ-OOB-004",
  level: RuleLevel.WARNING,
  area: "oob",
  title: "AMT provisioning certificate not renewed 40 days before expiry",
  rationale:
    `${SEED}: an expired AMT provisioning certificate makes provisioning fail; request a new one before it expires. Configuration Manager warns (status 7210) at 40 days or less before expiry and errors (7211) under 15 days.`,
  fix: "Give the certificate policy a lifetime_action with action_type AutoRenew and days_before_expiry of 40 or more (OutOfBandServicePoint uses 60).",
  requirements: ["R-OOB-5"],
  resourceTypes: ["azurerm_key_vault_certificate"],
  check(ctx) {
    const m = ctx.model;
    for (const cert of m.ofType("azurerm_key_vault_certificate")) {
      if ((m.tags(cert)[OobTags.PROVISIONING_CERTIFICATE] ?? "").toLowerCase() !== "true") continue;
      const policy = m.blocks(cert, "certificate_policy")[0];
      if (!policy) {
        ctx.report(cert, "the provisioning certificate is imported without a certificate policy: nothing renews it before it expires");
        continue;
      }
      const x509 = m.blocks({ ...cert, config: policy } as TfResource, "x509_certificate_properties")[0];
      let best: number | undefined;
      let unknownReason: string | undefined;
      for (const la of m.blocks({ ...cert, config: policy } as TfResource, "lifetime_action")) {
        const action = Array.isArray(la.action) ? la.action[0] : la.action;
        const trigger = Array.isArray(la.trigger) ? la.trigger[0] : la.trigger;
        const type = m.resolveString(action?.action_type);
        if (!type.known) {
          unknownReason = `lifetime_action.action.action_type: ${type.reason}`;
          continue;
        }
        if (type.value.toLowerCase() !== "autorenew") continue;
        const days = m.resolveNumber(trigger?.days_before_expiry);
        const pct = m.resolveNumber(trigger?.lifetime_percentage);
        let d: number | undefined;
        if (!days.known) unknownReason = `days_before_expiry: ${days.reason}`;
        else if (days.value !== undefined) d = days.value;
        else if (!pct.known) unknownReason = `lifetime_percentage: ${pct.reason}`;
        else if (pct.value !== undefined) {
          const months = m.resolveNumber(x509?.validity_in_months);
          if (!months.known || months.value === undefined) unknownReason = `validity_in_months is needed to turn lifetime_percentage into days (${months.known ? "not set" : months.reason})`;
          else d = Math.floor(months.value * DAYS_PER_MONTH * (1 - pct.value / 100));
        }
        if (d !== undefined && (best === undefined || d > best)) best = d;
      }
      if (best === undefined) {
        if (unknownReason) ctx.unverified(cert, unknownReason);
        else ctx.report(cert, "the provisioning certificate has no AutoRenew lifetime action: it must be renewed by hand before 40 days remain");
      } else if (best < 15) {
        ctx.report(cert, `the provisioning certificate renews only ${best} days before expiry (under 15 days: provisioning errors)`, { level: RuleLevel.ERROR });
      } else if (best < 40) {
        ctx.report(cert, `the provisioning certificate renews ${best} days before expiry (less than 40 days)`);
      }
    }
  },
});

export const provisioningCertificateVault = defineRule({
  id: "SDZ-OOB-005",
  level: RuleLevel.ERROR,
  area: "oob",
  title: "Key Vault holding the AMT provisioning certificate is public or without purge protection",
  rationale:
    `${SEED}: control the request and installation of the provisioning certificate and keep it in a store with restricted access. Locations holding certificates are private (R-NET-1); purge protection keeps a deleted certificate recoverable so provisioning can be restored.`,
  fix: "Set purge_protection_enabled = true and public_network_access_enabled = false on the Key Vault (reach it through a private endpoint).",
  requirements: ["R-OOB-5", "R-NET-1"],
  resourceTypes: ["azurerm_key_vault", "azurerm_key_vault_certificate"],
  check(ctx) {
    const m = ctx.model;
    const seen = new Set<TfResource>();
    for (const cert of m.ofType("azurerm_key_vault_certificate")) {
      if ((m.tags(cert)[OobTags.PROVISIONING_CERTIFICATE] ?? "").toLowerCase() !== "true") continue;
      const vault = m.referencedResource(cert.config.key_vault_id);
      if (!vault || vault.type !== "azurerm_key_vault") {
        ctx.unverified(cert, "key_vault_id does not refer to a Key Vault of this configuration, so its network access and purge protection cannot be checked");
        continue;
      }
      if (seen.has(vault)) continue;
      seen.add(vault);
      const purge = m.resolveBoolean(vault.config.purge_protection_enabled);
      if (!purge.known) ctx.unverified(vault, `purge_protection_enabled: ${purge.reason}`);
      else if (purge.value !== true) ctx.report(vault, `Key Vault ${vault.address} holds the AMT provisioning certificate without purge protection`);
      const pub = m.resolveBoolean(vault.config.public_network_access_enabled);
      if (!pub.known) ctx.unverified(vault, `public_network_access_enabled: ${pub.reason}`);
      else if (pub.value !== false) ctx.report(vault, `Key Vault ${vault.address} holds the AMT provisioning certificate with public network access ${pub.value === undefined ? "on (the default)" : "on"}`);
    }
  },
});

export const ideImageLocation = defineRule({
  id: "SDZ-OOB-006",
  level: RuleLevel.ERROR,
  area: "oob",
  title: "IDE-redirection images on a location without SMB signing/encryption",
  rationale:
    `${SEED}: store IDE-redirection images locally on the out-of-band console; if they must be on the network, retrieve them over SMB signing so they cannot be tampered with in transit.`,
  fix: "Store the images on a share that requires SMB 3 encryption (e.g. the state migration share, Azure Files) and record sdz-oob-ide-image-smb-encryption=true, or keep them local.",
  requirements: ["R-OOB-6", "R-NET-1"],
  resourceTypes: [...VM_TYPES, "azurerm_network_interface"],
  check(ctx) {
    for (const sp of servicePoints(ctx.model, ctx.network)) {
      const loc = sp.tags[OobTags.IDE_IMAGE_LOCATION];
      const enc = sp.tags[OobTags.IDE_IMAGE_SMB_ENCRYPTION];
      if (loc === undefined && enc === undefined) continue;
      if ((enc ?? "").toLowerCase() !== "true") {
        ctx.report(sp.resource, `IDE-redirection images at ${loc ?? "(location not recorded)"} are reached without SMB signing/encryption (${OobTags.IDE_IMAGE_SMB_ENCRYPTION}=${enc ?? "not set"})`);
      }
    }
  },
});
