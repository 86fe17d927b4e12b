import { CONNECTION, EXAMPLE_CONNECTION, EXAMPLE_GATEWAY, exampleTunnel, GATEWAY, SEED, STRONG_P2S } from "./common";
import { RuleContext, defineRule, RuleLevel } from "../../engine/rule";
import { isSecretLiteral, originOf } from "../../engine/secrets";
import { lazyExamples } from "../lazy-examples";

export const literalSecret = defineRule({
  id: "SDZ-VPN-008",
  level: RuleLevel.ERROR,
  title: "IPsec preshared key or RADIUS secret written in the configuration",
  rationale:
    `${SEED}: preshared keys are stored in plain text and are only as strong as their secrecy. A key written as a literal ends up in source control, in cdk.tf.json and in plan output. `
    + "A key written in a local counts as written here, and so does one wrapped in a function over literals only (sensitive(\"...\") only hides it in plan output; base64decode(\"...\"), trimspace, format); a variable or reference inside a function (sensitive(var.psk)) does not. A key taken from another resource (a Key Vault secret, random_password) is judged on that resource (SDZ-SEC-002 reports a literal Key Vault secret value), so one literal is reported once. Virtual WAN keys and secrets (vpn_link shared_key of azurerm_vpn_gateway_connection, radius server secret of azurerm_vpn_server_configuration) are SDZ-SEC-002's, which reads every secret-named field. Findings name the field, never the value.",
  fix: "Pass the key as a sensitive variable or a Key Vault secret (SensitiveValue in this library); never as a literal.",
  requirements: ["R-SEC-3", "R-SEC-9"],
  resourceTypes: [CONNECTION, GATEWAY],
  reads: [
    "shared_key of azurerm_virtual_network_gateway_connection",
    "vpn_client_configuration.radius_server_secret and radius_server[].secret of azurerm_virtual_network_gateway",
  ],
  check(ctx) {
    const m = ctx.model;
    for (const c of m.ofType(CONNECTION)) {
      const fields = literalFields(ctx, [["shared_key", c.config.shared_key]]);
      if (fields.length > 0) ctx.report(c, `${fields.join(" and ")} of ${c.address} ${fields.length > 1 ? "are" : "is"} written as a literal value (not shown)`);
    }
    for (const g of m.ofType(GATEWAY)) {
      const candidates: [string, unknown][] = [];
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        candidates.push(["vpn_client_configuration.radius_server_secret", vc.radius_server_secret]);
        const servers = Array.isArray(vc.radius_server) ? vc.radius_server : vc.radius_server ? [vc.radius_server] : [];
        servers.forEach((s: any, i: number) => candidates.push([`vpn_client_configuration.radius_server[${i}].secret`, s?.secret]));
      }
      const fields = literalFields(ctx, candidates);
      if (fields.length > 0) ctx.report(g, `${fields.join(" and ")} of ${g.address} ${fields.length > 1 ? "are" : "is"} written as a literal value (not shown)`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [
      { description: "A preshared key written in the configuration", terraform: exampleTunnel({ shared_key: "not-a-real-key-0123456789" }), flagged: [EXAMPLE_CONNECTION] },
      {
        description: "A RADIUS secret written in the configuration",
        terraform: exampleTunnel({}, { vpn_client_configuration: { ...STRONG_P2S, vpn_auth_types: ["Radius"], root_certificate: undefined, radius_server_address: "10.0.0.5", radius_server_secret: "not-a-real-secret" } }),
        flagged: [EXAMPLE_GATEWAY],
      },
    ],
    good: [{ description: "The key comes from a sensitive variable", terraform: exampleTunnel() }],
  })),
});

/** The fields whose values are literal secrets (names only). */
function literalFields(ctx: RuleContext, candidates: [string, unknown][]): string[] {
  return candidates.filter(([, v]) => isSecretLiteral(originOf(ctx.model, v))).map(([f, v]) => {
    const o = originOf(ctx.model, v);
    return o.kind === "literal" && o.viaLocal ? `${f} (through local.${o.viaLocal})` : f;
  });
}
