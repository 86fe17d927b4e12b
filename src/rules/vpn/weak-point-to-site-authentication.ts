import { EXAMPLE_GATEWAY, exampleTunnel, GATEWAY, SEED, SERVER_CONFIGURATION, STRONG_P2S } from "./common";
import { isUnset, unreadableBlock } from "../../engine/access/fields";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const weakPointToSite = defineRule({
  id: "SDZ-VPN-010",
  level: RuleLevel.WARNING,
  title: "Point-to-site VPN with SSTP or RADIUS-only authentication",
  rationale:
    `${SEED}: remote-access VPN should not be a bare IPsec tunnel-mode setup of the kind meant for gateways; use a remote-access protocol with strong per-user or per-device authentication. On Azure that means IKEv2 or OpenVPN with certificate or Entra ID authentication. SSTP is a Windows-only TLS-over-TCP tunnel limited to 128 connections, and RADIUS-only authentication leaves the strength of the login to an external server the configuration cannot see (often passwords only). `
    + "vpn_client_protocols left unset is chosen by Azure (the provider marks it Optional and Computed), so whether SSTP is offered is could-not-verify. "
    + "Virtual WAN point-to-site (azurerm_vpn_server_configuration) offers only IkeV2 and OpenVPN (the provider's allowed values), so there only RADIUS-only vpn_authentication_types is flagged.",
  fix: "Set vpn_client_protocols to [\"IkeV2\", \"OpenVPN\"] (OpenVPN alone for Entra ID) and vpn_auth_types to Certificate and/or AAD; if RADIUS is required, enforce certificate/EAP-TLS or MFA on the RADIUS server and suppress with that reason.",
  requirements: ["R-SEC-6"],
  resourceTypes: [GATEWAY, SERVER_CONFIGURATION],
  reads: [
    "vpn_client_configuration of azurerm_virtual_network_gateway: vpn_client_protocols, vpn_auth_types, and (when the types are unset, as Azure infers them) root_certificate, aad_tenant, radius_server_address, radius_server",
    "vpn_authentication_types and vpn_protocols of azurerm_vpn_server_configuration",
  ],
  check(ctx) {
    const m = ctx.model;
    for (const g of m.ofType(GATEWAY)) {
      const unreadable = unreadableBlock(g.config, "vpn_client_configuration");
      if (unreadable) {
        ctx.unverified(g, `${unreadable}, so its point-to-site protocols and authentication could not be checked`);
        continue;
      }
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        const protocols = m.resolveStringList(vc.vpn_client_protocols);
        if (isUnset(vc.vpn_client_protocols)) {
          ctx.unverified(g, "vpn_client_configuration.vpn_client_protocols is not set: Azure chooses the point-to-site protocols (SSTP, IkeV2, OpenVPN), so whether SSTP is offered could not be checked");
        } else if (!protocols.known) ctx.unverified(g, `vpn_client_configuration.vpn_client_protocols: ${protocols.reason}`);
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
    for (const sc of m.ofType(SERVER_CONFIGURATION)) {
      const protocols = m.resolveStringList(sc.config.vpn_protocols);
      if (!protocols.known) ctx.unverified(sc, `vpn_protocols: ${protocols.reason}`);
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
