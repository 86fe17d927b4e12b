import { CONNECTION, EXAMPLE_CONNECTION, EXAMPLE_GATEWAY, exampleTunnel, GATEWAY, SEED, STRONG_P2S } from "./common";
import { TfResource } from "../../engine/model";
import { RuleContext, defineRule, RuleLevel } from "../../engine/rule";
import { isSecretLiteral, originOf, readsFile, secretsNotRuledOut } from "../../engine/secrets";
import { lazyExamples } from "../lazy-examples";

export const literalSecret = defineRule({
  id: "SDZ-VPN-008",
  level: RuleLevel.ERROR,
  title: "IPsec preshared key or RADIUS secret written in the configuration",
  rationale:
    `${SEED}: preshared keys are stored in plain text and are only as strong as their secrecy. A key written as a literal ends up in source control, in cdk.tf.json and in plan output. `
    + "A key written in a local counts as written here, and so does one wrapped in a function over literals only (sensitive(\"...\") only hides it in plan output; base64decode(\"...\"), trimspace, format); a variable or reference inside a function (sensitive(var.psk)) does not. A key taken from another resource (a Key Vault secret, random_password) is judged on that resource (SDZ-SEC-002 reports a literal Key Vault secret value), so one literal is reported once. Virtual WAN keys and secrets (vpn_link shared_key of azurerm_vpn_gateway_connection, radius server secret of azurerm_vpn_server_configuration) are SDZ-SEC-002's, which reads every secret-named field. "
    + "A key or secret holding a template the checks cannot read (unbalanced braces, brackets, parentheses or quotes, a heredoc or an unknown escape inside ${...}, "
    + "or a %{...} directive around text of its own) may write the key, and so may one read from a file (file(), filebase64(), templatefile()), which the checks do not open: "
    + "could-not-verify on the resource, naming the field, as SDZ-SEC-002 words it. "
    + "Findings name the field, never the value.",
  fix: "Pass the key as a sensitive variable or a Key Vault secret (SensitiveValue in this library); never as a literal.",
  requirements: ["R-SEC-3", "R-SEC-9"],
  resourceTypes: [CONNECTION, GATEWAY],
  reads: [
    "shared_key of azurerm_virtual_network_gateway_connection",
    "vpn_client_configuration.radius_server_secret and radius_server[].secret of azurerm_virtual_network_gateway",
  ],
  check(ctx) {
    const m = ctx.model;
    /** One finding per resource: the literal fields (with any unreadable one), or else the unreadable ones, worded as SDZ-SEC-002's. */
    const report = (r: TfResource, candidates: [string, unknown][]) => {
      const { fields, doubts } = secretFields(ctx, candidates);
      const also = doubts.length > 0 ? `; also could not read ${doubts.join("; ")}` : "";
      if (fields.length > 0) ctx.report(r, `${fields.join(" and ")} of ${r.address} ${fields.length > 1 ? "are" : "is"} written as a literal value (not shown)${also}`);
      else if (doubts.length > 0) ctx.unverified(r, secretsNotRuledOut(r.address, doubts));
    };
    for (const c of m.ofType(CONNECTION)) report(c, [["shared_key", c.config.shared_key]]);
    for (const g of m.ofType(GATEWAY)) {
      const candidates: [string, unknown][] = [];
      for (const vc of m.blocks(g, "vpn_client_configuration")) {
        candidates.push(["vpn_client_configuration.radius_server_secret", vc.radius_server_secret]);
        const servers = Array.isArray(vc.radius_server) ? vc.radius_server : vc.radius_server ? [vc.radius_server] : [];
        servers.forEach((s: any, i: number) => candidates.push([`vpn_client_configuration.radius_server[${i}].secret`, s?.secret]));
      }
      report(g, candidates);
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

/**
 * The fields whose values are literal secrets (names only), and those whose value the checks cannot read: read from a
 * file, or a template they cannot read (an unclosed `${`, unbalanced quotes or parentheses, a heredoc inside `${}`, a
 * directive around text of its own). Either may write the key, so it fails closed (SDZ-SEC-002 leaves these fields to
 * this rule, so nothing else reports them).
 */
function secretFields(ctx: RuleContext, candidates: [string, unknown][]): { fields: string[]; doubts: string[] } {
  const fields: string[] = [];
  const doubts: string[] = [];
  for (const [f, v] of candidates) {
    // Read from a file the checks do not open (file(), filebase64(), templatefile()): as SDZ-SEC-002 says of its own fields.
    const file = readsFile(v);
    if (file) {
      doubts.push(`${f} is read by ${file}() from a file the checks do not open`);
      continue;
    }
    const o = originOf(ctx.model, v);
    if (isSecretLiteral(o)) fields.push(o.kind === "literal" && o.viaLocal ? `${f} (through local.${o.viaLocal})` : f);
    else if (o.kind === "unreadable") doubts.push(`${f} holds ${o.reason}`);
  }
  return { fields, doubts };
}
