import { clientConfigurationUnreadable, EXAMPLE_GATEWAY, exampleTunnel, GATEWAY, SEED, SERVER_CONFIGURATION, STRONG_P2S } from "./common";
import { blocksOf } from "./policies";
import { isUnset, unreadableBlock } from "../../engine/access/fields";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/**
 * Whether a field of the client configuration configures anything: true, false, or why that is not
 * known ("field (reason)"). null, "" and [] configure nothing: Terraform JSON writes null for an unset
 * argument and every `terraform show -json` plan writes "" and [] for the unset fields of the block,
 * and azurerm sends Azure "" for an unset aad_tenant (expandVirtualNetworkGatewayVpnClientConfig in
 * hashicorp/terraform-provider-azurerm internal/services/network/virtual_network_gateway_resource.go,
 * v4.55.0 and v5.2.0 alike; the block's attribute names are the same in both schemas).
 */
function presence(m: TerraformModel, vc: Record<string, any>, field: string): boolean | string {
  const dyn = vc.dynamic;
  if (dyn && typeof dyn === "object" && field in dyn) return `vpn_client_configuration.${field} (a dynamic block, expanded at plan time)`;
  if (isUnset(vc[field])) return false;
  const r = m.resolve(vc[field]);
  if (!r.known) return `vpn_client_configuration.${field} (${r.reason})`;
  return !isUnset(r.value);
}

/**
 * With vpn_auth_types unset, Azure infers the types from what is configured: root_certificate
 * (Certificate), aad_tenant (AAD; aad_audience and aad_issuer are RequiredWith it in the provider
 * schema), radius_server_address or radius_server (Radius). RADIUS only when RADIUS is set and
 * neither of the others is; a field not known before apply leaves it open (named in `unknown`)
 * unless a known one settles it (a certificate or tenant that is set, or no RADIUS at all).
 */
function inferredAuth(m: TerraformModel, vc: Record<string, any>): { radiusOnly: boolean; unknown?: string } {
  const cert = presence(m, vc, "root_certificate");
  const aad = presence(m, vc, "aad_tenant");
  if (cert === true || aad === true) return { radiusOnly: false };
  const address = presence(m, vc, "radius_server_address");
  const servers = presence(m, vc, "radius_server");
  const radius = address === true || servers === true ? true : address === false && servers === false ? false : undefined;
  if (radius === false) return { radiusOnly: false };
  const doubts = [cert, aad, ...(radius === undefined ? [address, servers] : [])].filter((p): p is string => typeof p === "string");
  return doubts.length === 0 ? { radiusOnly: true } : { radiusOnly: false, unknown: doubts.join(", ") };
}

/**
 * Protocols not known before apply: one finding, this rule's. SDZ-VPN-001 reads them too when no
 * ipsec_policy is set (whether IKEv2 clients use Azure's default proposals) and leaves them here,
 * so the finding names it then.
 */
function unknownProtocols(body: Record<string, any>, prefix: string, field: string, reason: string): string {
  const noPolicy = unreadableBlock(body, "ipsec_policy") === undefined && blocksOf(body, "ipsec_policy").length === 0;
  const alsoRead = noPolicy ? `; read by SDZ-VPN-010 and SDZ-VPN-001 (without ${prefix}ipsec_policy, whether IKEv2 clients negotiate from Azure's default proposals)` : "";
  return `${prefix}${field} (${reason}), so whether SSTP is offered could not be checked${alsoRead}`;
}

export const weakPointToSite = defineRule({
  id: "SDZ-VPN-010",
  level: RuleLevel.WARNING,
  title: "Point-to-site VPN with SSTP or RADIUS-only authentication",
  rationale:
    `${SEED}: remote-access VPN should not be a bare IPsec tunnel-mode setup of the kind meant for gateways; use a remote-access protocol with strong per-user or per-device authentication. On Azure that means IKEv2 or OpenVPN with certificate or Entra ID authentication. SSTP is a Windows-only TLS-over-TCP tunnel limited to 128 connections, and RADIUS-only authentication leaves the strength of the login to an external server the configuration cannot see (often passwords only). `
    + "vpn_client_protocols left unset is chosen by Azure (the provider marks it Optional and Computed), so whether SSTP is offered is could-not-verify. "
    + "Protocols written as an expression (vpn_client_protocols, a server configuration's vpn_protocols) are could-not-verify here, once: SDZ-VPN-001 reads them too when no ipsec_policy is set and leaves them here, and the finding names it. A vpn_client_configuration written as an expression or a dynamic block is could-not-verify here, once, naming SDZ-VPN-001 and the policy rules (SDZ-VPN-002 to 005, 009, 011), which read it too and leave it here (SDZ-VPN-001 says it when this rule does not run). Suppressing this rule's finding about such a value (rather than excluding the rule from the check) hides those rules' doubt about it too: the finding names them so that the suppression shows what it hides. "
    + "vpn_auth_types left unset is inferred by Azure from what is configured: root certificates, an Entra ID tenant (aad_tenant), a RADIUS server. A field written null, \"\" or [] configures nothing (Terraform JSON writes unset arguments as null, and every terraform show -json plan writes the block's unset fields as \"\" and []); one not known before apply makes the inference could-not-verify, unless a certificate or tenant that is set, or no RADIUS at all, settles it. "
    + "Virtual WAN point-to-site (azurerm_vpn_server_configuration) offers only IkeV2 and OpenVPN (the provider's allowed values), so there only RADIUS-only vpn_authentication_types is flagged (the provider requires the field).",
  fix: "Set vpn_client_protocols to [\"IkeV2\", \"OpenVPN\"] (OpenVPN alone for Entra ID) and vpn_auth_types to Certificate and/or AAD; if RADIUS is required, enforce certificate/EAP-TLS or MFA on the RADIUS server and suppress with that reason.",
  requirements: ["R-SEC-6"],
  resourceTypes: [GATEWAY, SERVER_CONFIGURATION],
  reads: [
    "vpn_client_configuration of azurerm_virtual_network_gateway: vpn_client_protocols, vpn_auth_types, and (when the types are unset, as Azure infers them) root_certificate, aad_tenant, radius_server_address, radius_server, where null, \"\" and [] are unset; the same names in azurerm 4.x and 5.x",
    "vpn_authentication_types and vpn_protocols of azurerm_vpn_server_configuration",
  ],
  check(ctx) {
    const m = ctx.model;
    for (const g of m.ofType(GATEWAY)) {
      // Said once, here (naming SDZ-VPN-001 and the policy rules, which read it too), or by SDZ-VPN-001 when this rule does not run.
      if (clientConfigurationUnreadable(ctx, g, "SDZ-VPN-010")) continue;
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        const protocols = m.resolveStringList(vc.vpn_client_protocols);
        if (isUnset(vc.vpn_client_protocols)) {
          ctx.unverified(g, "vpn_client_configuration.vpn_client_protocols is not set: Azure chooses the point-to-site protocols (SSTP, IkeV2, OpenVPN), so whether SSTP is offered could not be checked");
        } else if (!protocols.known) ctx.unverified(g, unknownProtocols(vc, "vpn_client_configuration.", "vpn_client_protocols", protocols.reason));
        else if (protocols.value.some((p) => p.toLowerCase() === "sstp")) {
          ctx.report(g, `point-to-site on ${g.address} offers SSTP`);
        }
        const auth = m.resolveStringList(vc.vpn_auth_types);
        if (!auth.known) {
          ctx.unverified(g, `vpn_client_configuration.vpn_auth_types: ${auth.reason}`);
          continue;
        }
        if (auth.value.length === 0) {
          const inferred = inferredAuth(m, vc);
          if (inferred.radiusOnly) ctx.report(g, `point-to-site on ${g.address} authenticates with RADIUS only`);
          else if (inferred.unknown) {
            ctx.unverified(g, `vpn_client_configuration.vpn_auth_types is not set, so Azure infers the authentication types from what is configured, which depends on ${inferred.unknown}: whether it authenticates with RADIUS only could not be checked`);
          }
          continue;
        }
        const types = [...new Set(auth.value.map((t) => t.toLowerCase()))];
        if (types.length === 1 && types[0] === "radius") {
          ctx.report(g, `point-to-site on ${g.address} authenticates with RADIUS only`);
        }
      }
    }
    for (const sc of m.ofType(SERVER_CONFIGURATION)) {
      const protocols = m.resolveStringList(sc.config.vpn_protocols);
      if (!protocols.known) ctx.unverified(sc, unknownProtocols(sc.config, "", "vpn_protocols", protocols.reason));
      else if (protocols.value.some((p) => p.toLowerCase() === "sstp")) ctx.report(sc, `point-to-site on ${sc.address} offers SSTP`);
      const auth = m.resolveStringList(sc.config.vpn_authentication_types);
      if (!auth.known) ctx.unverified(sc, `vpn_authentication_types: ${auth.reason}`);
      else {
        const types = [...new Set(auth.value.map((t) => t.toLowerCase()))];
        if (types.length === 1 && types[0] === "radius") ctx.report(sc, `point-to-site on ${sc.address} authenticates with RADIUS only`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "Point-to-site over SSTP", terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_client_protocols: ["SSTP"] } }), flagged: [EXAMPLE_GATEWAY] }],
    good: [{ description: "IKEv2 and OpenVPN with certificate authentication", terraform: exampleTunnel({}, { vpn_client_configuration: STRONG_P2S }) }],
  })),
});
