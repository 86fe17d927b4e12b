import { connectionType, IPSEC_CONNECTION_TYPES, ipsecPolicies, IpsecPolicyView, is, PolicyField } from "./policies";
import { RuleContext, defineRule, RuleLevel } from "../../engine/rule";

const SEED = "Seed 004 (Special IPSec considerations)";
const CONNECTION = "azurerm_virtual_network_gateway_connection";
const GATEWAY = "azurerm_virtual_network_gateway";

/** Reports unknown policy fields as unverified; true when every field is known. */
function requireKnown(ctx: RuleContext, p: IpsecPolicyView, fields: PolicyField[]): boolean {
  const unknown = fields.filter((f) => f.unknownReason !== undefined);
  if (unknown.length === 0) return true;
  ctx.unverified(p.resource, `${p.where}: ${unknown.map((f) => `${f.field} (${f.unknownReason})`).join("; ")}`);
  return false;
}

/** IPsec/VNet-to-VNet connections, with unknown types reported as unverified. */
function ipsecConnections(ctx: RuleContext, ruleWhat: string) {
  const out = [];
  for (const c of ctx.model.ofType(CONNECTION)) {
    const t = connectionType(ctx.model, c);
    if (t.value === undefined) {
      ctx.unverified(c, `the connection type is not known before apply (${t.reason}), so ${ruleWhat} cannot be checked`);
      continue;
    }
    if (IPSEC_CONNECTION_TYPES.includes(t.value)) out.push(c);
  }
  return out;
}

export const noCustomIpsecPolicy = defineRule({
  id: "SDZ-VPN-001",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "IPsec connection without a custom IPsec/IKE policy",
  rationale:
    `${SEED}: Internet tunnels between gateways should use a list of strong security methods chosen on purpose. Without a custom ipsec_policy, Azure negotiates from its default offers, which include 1024-bit DH group 2 and SHA1, whatever the on-premises device proposes.`,
  fix: "Add an ipsec_policy block (or use SiteToSiteTunnel with an IpsecPolicyPreset such as GCM_AES256_SHA384_ECP384): IKEv2, DHGroup14/24 or ECP256/384, PFS on, AES-256 or GCM-AES, SHA-256 or better.",
  requirements: ["R-SEC-2", "R-SEC-6"],
  resourceTypes: [CONNECTION],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the custom IPsec policy requirement")) {
      if (ctx.model.blocks(c, "ipsec_policy").length === 0) {
        if (typeof c.config.ipsec_policy === "string") ctx.unverified(c, "ipsec_policy is an expression that is only known at plan time");
        else ctx.report(c, `connection ${c.address} has no ipsec_policy: Azure's default proposals include DH group 2 (1024-bit) and SHA1`);
      }
    }
  },
});

export const weakDhOrPfsGroup = defineRule({
  id: "SDZ-VPN-002",
  level: RuleLevel.ERROR,
  area: "ipsec",
  title: "IPsec policy with a weak Diffie-Hellman group or without PFS",
  rationale:
    `${SEED}: Internet tunnels use strong methods, a 2048-bit Diffie-Hellman group (or stronger) and perfect forward secrecy for session keys, which protects against known-key attacks. DHGroup1 (768-bit) and DHGroup2 (1024-bit) are breakable; PFS None re-uses key material across child SAs.`,
  fix: "Set dh_group to DHGroup14, DHGroup24, ECP256 or ECP384 and pfs_group to PFS2048/PFS14, PFS24, ECP256 or ECP384.",
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      if (!requireKnown(ctx, p, [p.dhGroup, p.pfsGroup])) continue;
      if (p.dhGroup.value === undefined || is(p.dhGroup, "None", "DHGroup1", "DHGroup2")) {
        ctx.report(p.resource, `${p.where}.dh_group is ${p.dhGroup.value ?? "not set"}: weaker than 2048 bits`);
      }
      const weakPfs = p.pfsGroup.value === undefined || is(p.pfsGroup, "None", "PFS1", "PFS2");
      const mmWeak = is(p.pfsGroup, "PFSMM") && is(p.dhGroup, "None", "DHGroup1", "DHGroup2");
      if (weakPfs || mmWeak) {
        ctx.report(p.resource, `${p.where}.pfs_group is ${p.pfsGroup.value ?? "not set"}${mmWeak ? ` (same as main mode ${p.dhGroup.value})` : ""}: perfect forward secrecy is off or weaker than 2048 bits`);
      }
    }
  },
});

export const desOrMd5 = defineRule({
  id: "SDZ-VPN-003",
  level: RuleLevel.ERROR,
  area: "ipsec",
  title: "IPsec policy with DES/3DES encryption or MD5 integrity",
  rationale:
    `${SEED}: tunnels between sites must use strong encryption. DES is broken, 3DES has 64-bit blocks (Sweet32) and is deprecated, and MD5 has practical collisions.`,
  fix: "Use AES256 or GCMAES256 for ike_encryption and ipsec_encryption, and SHA256/SHA384 (or the matching GCMAES) for integrity.",
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      const fields = [p.ikeEncryption, p.ipsecEncryption, p.ikeIntegrity, p.ipsecIntegrity];
      if (!requireKnown(ctx, p, fields)) continue;
      for (const f of [p.ikeEncryption, p.ipsecEncryption]) {
        if (is(f, "DES", "DES3")) ctx.report(p.resource, `${p.where}.${f.field} is ${f.value}`);
      }
      for (const f of [p.ikeIntegrity, p.ipsecIntegrity]) {
        if (is(f, "MD5")) ctx.report(p.resource, `${p.where}.${f.field} is MD5`);
      }
    }
  },
});

export const nullEspEncryption = defineRule({
  id: "SDZ-VPN-004",
  level: RuleLevel.ERROR,
  area: "ipsec",
  title: "IPsec policy without ESP encryption (null ESP)",
  rationale:
    `${SEED}: set ESP confidentiality to None only when a higher-layer protocol encrypts the data. Otherwise the tunnel authenticates packets but sends them in clear text over the Internet.`,
  fix: "Set ipsec_encryption to GCMAES256 or AES256. If every flow through the tunnel is encrypted by an upper layer (e.g. SMB 3 encryption, TLS), suppress this rule on the connection with a reason naming that protocol.",
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      if (!requireKnown(ctx, p, [p.ipsecEncryption])) continue;
      if (is(p.ipsecEncryption, "None")) {
        ctx.report(p.resource, `${p.where}.ipsec_encryption is None: traffic crosses the tunnel unencrypted unless an upper layer encrypts it (say which in a suppression)`);
      }
    }
  },
});

export const sha1Integrity = defineRule({
  id: "SDZ-VPN-005",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "IPsec policy with SHA1 integrity",
  rationale: `${SEED}: Internet tunnels use strong security methods. SHA1 is deprecated for new designs (chosen-prefix collisions); SHA-256 or better is available on every current device.`,
  fix: "Use SHA256 or SHA384 for ike_integrity, and SHA256 or the matching GCMAES for ipsec_integrity.",
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      if (!requireKnown(ctx, p, [p.ikeIntegrity, p.ipsecIntegrity])) continue;
      for (const f of [p.ikeIntegrity, p.ipsecIntegrity]) {
        if (is(f, "SHA1")) ctx.report(p.resource, `${p.where}.${f.field} is SHA1`);
      }
    }
  },
});

export const ikev1Connection = defineRule({
  id: "SDZ-VPN-006",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "IPsec connection using IKEv1",
  rationale:
    `${SEED}: gateway-to-gateway tunnels should negotiate with strong, current methods. IKEv1 (main/aggressive mode) is legacy: aggressive mode with preshared keys exposes a crackable hash, and Azure offers custom policies and the newest algorithms with IKEv2.`,
  fix: "Set connection_protocol to IKEv2 (the default) and configure the on-premises device for IKEv2.",
  requirements: ["R-SEC-6", "R-SEC-2"],
  resourceTypes: [CONNECTION],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the IKE version")) {
      const proto = ctx.model.resolveString(c.config.connection_protocol ?? "IKEv2");
      if (!proto.known) ctx.unverified(c, `connection_protocol: ${proto.reason}`);
      else if (proto.value.toLowerCase() === "ikev1") ctx.report(c, `connection ${c.address} uses IKEv1`);
    }
  },
});

export const presharedKeyConnection = defineRule({
  id: "SDZ-VPN-007",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "IPsec connection authenticated with a preshared key",
  rationale:
    `${SEED}: preshared-key authentication is relatively weak; certificates (or Kerberos) are recommended for long-term production use. Azure site-to-site and VNet-to-VNet connections authenticate with a preshared key, and azurerm 4.55 offers no certificate authentication for them, so this warning stays until the platform does; it is informational about a platform limit, not a misconfiguration you can fix in code.`,
  fix: "Keep the key out of code (a sensitive variable or Key Vault secret), make it long and random (32+ characters), rotate it, and restrict the on-premises device to this peer. Suppress with a reason once you accept the platform limit.",
  requirements: ["R-SEC-3"],
  resourceTypes: [CONNECTION],
  check(ctx) {
    for (const c of ipsecConnections(ctx, "the authentication method")) {
      ctx.report(c, `connection ${c.address} authenticates with a preshared key (azurerm 4.55 has no certificate authentication for site-to-site connections)`);
    }
  },
});

export const literalSecret = defineRule({
  id: "SDZ-VPN-008",
  level: RuleLevel.ERROR,
  area: "ipsec",
  title: "IPsec preshared key or RADIUS secret written in the configuration",
  rationale:
    `${SEED}: preshared keys are stored in plain text and are only as strong as their secrecy. A key written as a literal ends up in source control, in cdk.tf.json and in plan output.`,
  fix: "Pass the key as a sensitive variable or a Key Vault secret (SensitiveValue in this library); never as a literal.",
  requirements: ["R-SEC-3"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    const m = ctx.model;
    const literal = (v: unknown) => v !== undefined && v !== null && m.resolve(v).known;
    for (const c of m.ofType(CONNECTION)) {
      if (literal(c.config.shared_key)) ctx.report(c, `shared_key of ${c.address} is a literal value`);
    }
    for (const g of m.ofType(GATEWAY)) {
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        if (literal(vc.radius_server_secret)) ctx.report(g, `vpn_client_configuration.radius_server_secret of ${g.address} is a literal value`);
        const servers = Array.isArray(vc.radius_server) ? vc.radius_server : vc.radius_server ? [vc.radius_server] : [];
        for (const s of servers) if (s && literal(s.secret)) ctx.report(g, `a radius_server secret of ${g.address} is a literal value`);
      }
    }
  },
});

/** Longest SA lifetime considered short (8 hours). */
export const MAX_SA_LIFETIME_SECONDS = 28800;

export const longSaLifetime = defineRule({
  id: "SDZ-VPN-009",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "IPsec SA lifetime longer than 8 hours",
  rationale: `${SEED}: Internet tunnels use short key lifetimes, so that one compromised key exposes little traffic.`,
  fix: `Set sa_lifetime (sa_lifetime_in_seconds for point-to-site) to ${MAX_SA_LIFETIME_SECONDS} seconds or less (the library's presets use 3600).`,
  requirements: ["R-SEC-2"],
  resourceTypes: [CONNECTION, GATEWAY],
  check(ctx) {
    for (const p of ipsecPolicies(ctx.model)) {
      if (!requireKnown(ctx, p, [p.saLifetime])) continue;
      const v = p.saLifetime.value === undefined ? undefined : Number(p.saLifetime.value);
      if (v !== undefined && (!Number.isFinite(v) || v > MAX_SA_LIFETIME_SECONDS)) {
        ctx.report(p.resource, `${p.where}.${p.saLifetime.field} is ${p.saLifetime.value} seconds (more than ${MAX_SA_LIFETIME_SECONDS})`);
      }
    }
  },
});

export const weakPointToSite = defineRule({
  id: "SDZ-VPN-010",
  level: RuleLevel.WARNING,
  area: "ipsec",
  title: "Point-to-site VPN with SSTP or RADIUS-only authentication",
  rationale:
    `${SEED}: remote-access VPN should not be a bare IPsec tunnel-mode setup of the kind meant for gateways; use a remote-access protocol with strong per-user or per-device authentication. On Azure that means IKEv2 or OpenVPN with certificate or Entra ID authentication. SSTP is a Windows-only TLS-over-TCP tunnel limited to 128 connections, and RADIUS-only authentication leaves the strength of the login to an external server the configuration cannot see (often passwords only).`,
  fix: "Set vpn_client_protocols to [\"IkeV2\", \"OpenVPN\"] (OpenVPN alone for Entra ID) and vpn_auth_types to Certificate and/or AAD; if RADIUS is required, enforce certificate/EAP-TLS or MFA on the RADIUS server and suppress with that reason.",
  requirements: ["R-SEC-6"],
  resourceTypes: [GATEWAY],
  check(ctx) {
    const m = ctx.model;
    for (const g of m.ofType(GATEWAY)) {
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        const protocols = m.resolveStringList(vc.vpn_client_protocols);
        if (!protocols.known) ctx.unverified(g, `vpn_client_configuration.vpn_client_protocols: ${protocols.reason}`);
        else if (protocols.value.some((p) => p.toLowerCase() === "sstp")) {
          ctx.report(g, `point-to-site on ${g.address} offers SSTP`);
        }
        const auth = m.resolveStringList(vc.vpn_auth_types);
        if (!auth.known) {
          ctx.unverified(g, `vpn_client_configuration.vpn_auth_types: ${auth.reason}`);
          continue;
        }
        let types = auth.value.map((t) => t.toLowerCase());
        if (types.length === 0) {
          // Azure infers the types from what is configured.
          const certs = m.resolve(vc.root_certificate);
          if (vc.root_certificate !== undefined && (!certs.known || (Array.isArray(certs.value) ? certs.value.length > 0 : !!certs.value))) types.push("certificate");
          if (vc.aad_tenant !== undefined) types.push("aad");
          if (vc.radius_server_address !== undefined || vc.radius_server !== undefined) types.push("radius");
        }
        types = [...new Set(types)];
        if (types.length === 1 && types[0] === "radius") {
          ctx.report(g, `point-to-site on ${g.address} authenticates with RADIUS only`);
        }
      }
    }
  },
});
