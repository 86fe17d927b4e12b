import { STRONG, P2S_POLICY } from "./fixtures";
import { RuleLevel } from "../../../src/engine/rule";
import { VPN_PACK } from "../../../src/rules/vpn";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";

/**
 * The IPsec/VPN pack on raw, untagged azurerm resources: a route-based gateway, local network
 * gateways and connections written as a user writes them.
 */
const CERT_P2S = { address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2", "OpenVPN"], vpn_auth_types: ["Certificate"], root_certificate: [{ name: "root", public_cert_data: "MIIBfake" }] };

const GW = "azurerm_virtual_network_gateway.gw";
const conn = (name: string) => `azurerm_virtual_network_gateway_connection.${name}`;

interface Site {
  readonly tf: TfJson;
  connection(name: string, body?: Record<string, unknown>): string;
}

/** A gateway (optionally with point-to-site) and a local network gateway; add connections with `connection`. */
function vpn(p2s?: Record<string, unknown>, gatewayExtra: Record<string, unknown> = {}): Site {
  const tf = new TfJson();
  tf.json.variable = { psk: { type: "string", sensitive: true } };
  tf.add("azurerm_virtual_network_gateway", "gw", {
    name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
    ip_configuration: [{ name: "ip", subnet_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/GatewaySubnet", public_ip_address_id: "/x/pip" }],
    ...(p2s ? { vpn_client_configuration: p2s } : {}),
    ...gatewayExtra,
  });
  tf.add("azurerm_local_network_gateway", "hq", { name: "hq", location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: ["192.168.0.0/24"] });
  return {
    tf,
    connection(name, body = {}) {
      return tf.add("azurerm_virtual_network_gateway_connection", name, {
        name, location: "westeurope", resource_group_name: "rg", type: "IPsec", connection_protocol: "IKEv2",
        virtual_network_gateway_id: TfJson.ref(GW), local_network_gateway_id: TfJson.ref("azurerm_local_network_gateway.hq"),
        shared_key: "${var.psk}", ipsec_policy: STRONG, ...body,
      });
    },
  };
}

/** One connection with a policy override. */
function withPolicy(policy: Record<string, unknown>, name = "c1"): TfJson {
  const s = vpn();
  s.connection(name, { ipsec_policy: { ...STRONG, ...policy } });
  return s.tf;
}

describe("vpn pack", () => {
  test("pins IDs, levels, requirements and the area; every rule has reads and good/bad examples", () => {
    expect(VPN_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-VPN-001", RuleLevel.WARNING, ["R-SEC-2", "R-SEC-6"], "ipsec"],
      ["SDZ-VPN-002", RuleLevel.ERROR, ["R-SEC-2"], "ipsec"],
      ["SDZ-VPN-003", RuleLevel.ERROR, ["R-SEC-2"], "ipsec"],
      ["SDZ-VPN-004", RuleLevel.ERROR, ["R-SEC-2"], "ipsec"],
      ["SDZ-VPN-005", RuleLevel.WARNING, ["R-SEC-2"], "ipsec"],
      ["SDZ-VPN-006", RuleLevel.WARNING, ["R-SEC-6", "R-SEC-2"], "ipsec"],
      ["SDZ-VPN-007", RuleLevel.WARNING, ["R-SEC-3"], "ipsec"],
      ["SDZ-VPN-008", RuleLevel.ERROR, ["R-SEC-3", "R-SEC-9"], "ipsec"],
      ["SDZ-VPN-009", RuleLevel.WARNING, ["R-SEC-2"], "ipsec"],
      ["SDZ-VPN-010", RuleLevel.WARNING, ["R-SEC-6"], "ipsec"],
      ["SDZ-VPN-011", RuleLevel.WARNING, ["R-SEC-2"], "ipsec"],
    ]);
    for (const r of VPN_PACK.rules) {
      expect(r.rationale).toMatch(/[Ss]eed 004/);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });

  test("a strong IPsec connection draws only the preshared-key warning (a platform limit)", () => {
    const s = vpn();
    s.connection("c1");
    const r = check(s.tf, VPN_PACK.rules.map((x) => x.id));
    expect(r.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-007 fail ${conn("c1")}`]);
  });

  test("attribute names of azurerm 4.x (enable_bgp) and 5.x (bgp_enabled) read alike", () => {
    const ids = VPN_PACK.rules.map((x) => x.id);
    const v4 = vpn();
    v4.connection("c1", { enable_bgp: true, ipsec_policy: { ...STRONG, dh_group: "DHGroup2" } });
    const v5 = vpn();
    v5.connection("c1", { bgp_enabled: true, ipsec_policy: { ...STRONG, dh_group: "DHGroup2" } });
    const summary = (t: TfJson) => check(t, ids).findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`);
    expect(summary(v4.tf)).toEqual(summary(v5.tf));
    expect(summary(v5.tf)).toContain(`SDZ-VPN-002 fail ${conn("c1")}`);
  });
});

describe("SDZ-VPN-001 no custom ipsec_policy", () => {
  const ID = "SDZ-VPN-001";
  test("IPsec and VNet-to-VNet connections without a policy are flagged; ExpressRoute and connections with one are not", () => {
    const s = vpn();
    s.connection("bare", { ipsec_policy: undefined });
    s.connection("v2v", { type: "Vnet2Vnet", local_network_gateway_id: undefined, peer_virtual_network_gateway_id: TfJson.ref(GW), ipsec_policy: undefined });
    s.connection("er", { type: "ExpressRoute", shared_key: undefined, local_network_gateway_id: undefined, ipsec_policy: undefined, express_route_circuit_id: "/x/er" });
    s.connection("good");
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([conn("bare"), conn("v2v")]);
    expect(messages(r, ID)[0]).toMatch(/DH group 2/);
    expect(unverifiedAt(r, ID)).toEqual([]);
  });

  test("a policy from a variable or a dynamic block, or a type from a variable, is could-not-verify", () => {
    const s = vpn();
    s.connection("expr", { ipsec_policy: "${var.policy}" });
    s.connection("dyn", { ipsec_policy: undefined, dynamic: { ipsec_policy: { for_each: "${var.p}", content: { dh_group: "${ipsec_policy.value.dh}" } } } });
    s.connection("type", { type: "${var.kind}", ipsec_policy: undefined });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([conn("dyn"), conn("expr"), conn("type")]);
    expect(messages(r, ID).join("\n")).toMatch(/SDZ-VPN-002 to 005, 009, 011/);
  });
});

describe("SDZ-VPN-002 weak DH or PFS", () => {
  const ID = "SDZ-VPN-002";
  test.each([
    [{ dh_group: "DHGroup2" }, /dh_group is DHGroup2/],
    [{ dh_group: "DHGroup1" }, /dh_group is DHGroup1/],
    [{ dh_group: "None" }, /dh_group is None/],
    [{ pfs_group: "None" }, /pfs_group is None/],
    [{ pfs_group: "PFS1" }, /pfs_group is PFS1/],
    [{ pfs_group: "PFS2" }, /pfs_group is PFS2/],
    [{ dh_group: "DHGroup2", pfs_group: "PFSMM" }, /dh_group is DHGroup2.*pfs_group is PFSMM \(same as main mode DHGroup2\)/],
  ])("%j is one error on the connection", (policy, text) => {
    const r = check(withPolicy(policy), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(r.findings[0].level).toBe(RuleLevel.ERROR);
    expect(messages(r, ID)[0]).toMatch(text);
  });

  test.each([["DHGroup14", "PFS2048"], ["DHGroup24", "PFS24"], ["ECP256", "ECP256"], ["DHGroup2048", "PFS14"], ["DHGroup24", "PFSMM"]])("%s with %s passes", (dh, pfs) => {
    expect(check(withPolicy({ dh_group: dh, pfs_group: pfs }), [ID]).findings).toEqual([]);
  });

  test("a group from a variable is could-not-verify; a known weak group beside it is still an error naming the unknown", () => {
    const unknown = check(withPolicy({ dh_group: "${var.dh}" }), [ID]);
    expect(flagged(unknown, ID)).toEqual([]);
    expect(unverifiedAt(unknown, ID)).toEqual([conn("c1")]);
    expect(messages(unknown, ID)[0]).toMatch(/could not verify: ipsec_policy of .*: dh_group \(the variable dh/);
    const mixed = check(withPolicy({ dh_group: "${var.dh}", pfs_group: "None" }), [ID]);
    expect(flagged(mixed, ID)).toEqual([conn("c1")]);
    expect(messages(mixed, ID)[0]).toMatch(/pfs_group is None.*also could not verify dh_group/);
  });

  test("point-to-site policies are checked like a connection's; an unreadable one is SDZ-VPN-001's could-not-verify, not this rule's", () => {
    const weak = vpn({ ...CERT_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: { ...P2S_POLICY, dh_group: "DHGroup2", pfs_group: "None" } });
    const r = check(weak.tf, [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(messages(r, ID)[0]).toMatch(/vpn_client_configuration\.ipsec_policy of azurerm_virtual_network_gateway\.gw: dh_group is DHGroup2 \(weaker than 2048 bits\); pfs_group is None/);
    const expr = vpn({ ...CERT_P2S, ipsec_policy: "${var.p2s_policy}" });
    const u = check(expr.tf, [ID, "SDZ-VPN-001"]);
    expect(u.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-001 unverified ${GW}`]);
  });
});

describe("SDZ-VPN-003 DES/3DES or MD5", () => {
  const ID = "SDZ-VPN-003";
  test.each([["ike_encryption", "DES3"], ["ipsec_encryption", "DES"], ["ike_integrity", "MD5"], ["ipsec_integrity", "MD5"]])("%s %s is an error", (field, value) => {
    const r = check(withPolicy({ [field]: value }), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(messages(r, ID)[0]).toContain(`${field} is ${value}`);
  });
  test("several weak fields of one policy are one finding", () => {
    const r = check(withPolicy({ ike_encryption: "DES3", ike_integrity: "MD5" }), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(messages(r, ID)[0]).toMatch(/ike_encryption is DES3; ike_integrity is MD5/);
  });
  test("AES and SHA-2 pass; an algorithm from a variable is could-not-verify", () => {
    expect(check(withPolicy({ ike_encryption: "AES256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256" }), [ID]).findings).toEqual([]);
    const r = check(withPolicy({ ike_encryption: "${var.enc}" }), [ID]);
    expect(unverifiedAt(r, ID)).toEqual([conn("c1")]);
  });
});

describe("SDZ-VPN-004 null ESP", () => {
  const ID = "SDZ-VPN-004";
  test("ipsec_encryption None is an error; GCM passes; a variable is SDZ-VPN-003's could-not-verify (one finding for one unknown)", () => {
    const r = check(withPolicy({ ipsec_encryption: "None", ipsec_integrity: "SHA256" }), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(messages(r, ID)[0]).toMatch(/unencrypted/);
    expect(check(withPolicy({}), [ID]).findings).toEqual([]);
    const v = check(withPolicy({ ipsec_encryption: "${var.esp}" }), [ID, "SDZ-VPN-003"]);
    expect(v.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-003 unverified ${conn("c1")}`]);
    expect(messages(v, "SDZ-VPN-003")[0]).toMatch(/ipsec_encryption \(the variable esp.*\), read by SDZ-VPN-003 and SDZ-VPN-004/);
  });
});

describe("SDZ-VPN-005 SHA1", () => {
  const ID = "SDZ-VPN-005";
  test("SHA1 in both fields is one warning naming both", () => {
    const r = check(withPolicy({ ike_integrity: "SHA1", ipsec_encryption: "AES256", ipsec_integrity: "SHA1" }), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(r.findings[0].level).toBe(RuleLevel.WARNING);
    expect(messages(r, ID)[0]).toMatch(/ike_integrity is SHA1; ipsec_integrity is SHA1/);
  });
  test("SHA384 passes; a variable is SDZ-VPN-003's could-not-verify (one finding for one unknown)", () => {
    expect(check(withPolicy({}), [ID]).findings).toEqual([]);
    const v = check(withPolicy({ ike_integrity: "${var.prf}" }), [ID, "SDZ-VPN-003"]);
    expect(v.findings.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-VPN-003 unverified ${conn("c1")}`]);
  });
});

describe("SDZ-VPN-006 IKEv1", () => {
  const ID = "SDZ-VPN-006";
  test("IKEv1 warns; IKEv2 and the default pass; a protocol from a variable is could-not-verify", () => {
    const s = vpn();
    s.connection("v1", { connection_protocol: "IKEv1" });
    s.connection("v2");
    s.connection("dflt", { connection_protocol: undefined });
    s.connection("var", { connection_protocol: "${var.ike}" });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([conn("v1")]);
    expect(unverifiedAt(r, ID)).toEqual([conn("var")]);
  });
});

describe("SDZ-VPN-007 preshared key", () => {
  const ID = "SDZ-VPN-007";
  test("every IPsec/VNet-to-VNet connection warns and says why; ExpressRoute does not; an unknown type is left to SDZ-VPN-001", () => {
    const s = vpn();
    s.connection("c1");
    s.connection("er", { type: "ExpressRoute", shared_key: undefined, local_network_gateway_id: undefined, ipsec_policy: undefined, express_route_circuit_id: "/x/er" });
    s.connection("unknown", { type: "${var.kind}" });
    const r = check(s.tf, [ID, "SDZ-VPN-001"]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(messages(r, ID)).toContainEqual(expect.stringMatching(/^connection .*c1 authenticates with a preshared key \(azurerm has no certificate authentication/));
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(unverifiedAt(r, "SDZ-VPN-001")).toEqual([conn("unknown")]);
    // Alone, this rule says it (SDZ-VPN-001 does not run).
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([conn("unknown")]);
  });
});

describe("SDZ-VPN-008 literal preshared keys and RADIUS secrets", () => {
  const ID = "SDZ-VPN-008";
  const PLANTED = "planted-psk-7f3a9c1e";

  test("a literal shared key, or one written in a local, is an error that never shows the key", () => {
    const s = vpn();
    s.connection("lit", { shared_key: PLANTED });
    s.connection("viaLocal", { shared_key: "${local.psk}" });
    s.tf.json.locals = { psk: PLANTED };
    s.connection("var");
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([conn("lit"), conn("viaLocal")]);
    expect(messages(r, ID).join("\n")).toMatch(/shared_key \(through local\.psk\)/);
    expect(JSON.stringify(r)).not.toContain(PLANTED);
  });

  test("a literal key wrapped in a function call (sensitive(), base64decode()) is still a literal; a variable inside one is not", () => {
    const s = vpn();
    s.connection("sens", { shared_key: `\${sensitive("${PLANTED}")}` });
    s.connection("dec", { shared_key: `\${base64decode("${Buffer.from(PLANTED).toString("base64")}")}` });
    s.connection("sensVar", { shared_key: "${sensitive(var.psk)}" });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([conn("dec"), conn("sens")]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(JSON.stringify(r.findings.map((f) => f.message))).not.toContain(PLANTED);
  });

  test("a key taken from another resource is judged there, not here", () => {
    const s = vpn();
    s.tf.add("azurerm_key_vault_secret", "psk", { name: "psk", key_vault_id: "/x/kv", value: PLANTED });
    s.connection("fromKv", { shared_key: TfJson.ref("azurerm_key_vault_secret.psk", "value") });
    s.tf.add("random_password", "psk", { length: 40 });
    s.connection("random", { shared_key: TfJson.ref("random_password.psk", "result") });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("literal RADIUS secrets (single server and radius_server blocks) are one error on the gateway", () => {
    const s = vpn({ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], radius_server_address: "10.0.0.5", radius_server_secret: PLANTED, radius_server: [{ address: "10.0.0.6", secret: PLANTED, score: 1 }] });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(messages(r, ID)[0]).toMatch(/radius_server_secret and vpn_client_configuration\.radius_server\[0\]\.secret/);
    expect(JSON.stringify(r)).not.toContain(PLANTED);
    const fromVar = vpn({ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], radius_server_address: "10.0.0.5", radius_server_secret: "${var.radius}" });
    expect(check(fromVar.tf, [ID]).findings).toEqual([]);
  });

  test("a key or RADIUS secret holding a template the checks cannot read is could-not-verify naming the field, worded as SDZ-SEC-002's (raw Terraform JSON)", () => {
    const planted = Array.from({ length: 8 }, (_, i) => `Pl4nted-Psk-${i}-q7z`);
    const connection = (shared_key: string) => ({
      name: "cn", location: "westeurope", resource_group_name: "rg", type: "IPsec",
      virtual_network_gateway_id: "${azurerm_virtual_network_gateway.gw.id}", local_network_gateway_id: "/x/lng", shared_key,
    });
    const gateway = (vpn_client_configuration: Record<string, unknown>) => ({
      name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
      ip_configuration: [{ name: "ip", subnet_id: "/x/GatewaySubnet", public_ip_address_id: "/x/pip" }],
      vpn_client_configuration: [{ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], vpn_auth_types: ["Radius"], ...vpn_client_configuration }],
    });
    const raw = {
      variable: { psk: { type: "string", sensitive: true }, psk2: { type: "string", sensitive: true } },
      resource: {
        azurerm_virtual_network_gateway_connection: {
          // Before: each passed silently (SDZ-SEC-002 leaves these fields to this rule), though the checks could not tell what it writes.
          unclosed: connection(`\${sensitive("${planted[0]}")`),
          quote: connection(`\${sensitive("${planted[1]})}`),
          paren: connection(`\${sensitive(trimspace("${planted[2]}")}`),
          heredoc: connection(`\${trimspace(<<EOT\n${planted[3]}\nEOT\n)}`),
          directive: connection(`%{ if var.prod }\${var.psk}%{ else }${planted[4]}%{ endif }`),
          // References only, however written: not written here.
          refs_directive: connection("%{ if var.prod }${var.psk}%{ else }${var.psk2}%{ endif }"),
          refs_nested: connection('${upper("${var.psk}")}'),
        },
        azurerm_virtual_network_gateway: {
          // A literal RADIUS secret beside one that cannot be read: one finding naming both.
          gw: gateway({ radius_server_address: "10.0.0.5", radius_server_secret: planted[5], radius_server: [{ address: "10.0.0.6", secret: `\${sensitive("${planted[6]}")`, score: 1 }] }),
          // Only one that cannot be read.
          gw2: gateway({ radius_server: [{ address: "10.0.0.6", secret: `\${trimspace(<<EOT\n${planted[7]}\nEOT\n)}`, score: 1 }] }),
        },
      },
    };
    const r = check(raw, [ID, "SDZ-SEC-002"]);
    const unreadable = "holds an interpolation the checks cannot read (unbalanced braces, brackets, parentheses or quotes, a heredoc or an unknown escape)";
    expect(flagged(r, ID)).toEqual([GW]);
    expect(unverifiedAt(r, ID)).toEqual([...["directive", "heredoc", "paren", "quote", "unclosed"].map(conn), "azurerm_virtual_network_gateway.gw2"].sort());
    expect(messages(r, ID).sort()).toEqual([
      `vpn_client_configuration.radius_server_secret of ${GW} is written as a literal value (not shown); also could not read vpn_client_configuration.radius_server[0].secret ${unreadable}`,
      `could not verify: ${conn("directive")}: shared_key holds a template directive (%{...}) the checks do not evaluate, around text written in it, so literal secrets in it could not be ruled out`,
      ...["heredoc", "paren", "quote", "unclosed"].map((n) => `could not verify: ${conn(n)}: shared_key ${unreadable}, so literal secrets in it could not be ruled out`),
      `could not verify: azurerm_virtual_network_gateway.gw2: vpn_client_configuration.radius_server[0].secret ${unreadable}, so literal secrets in it could not be ruled out`,
    ].sort());
    // One finding per problem: SDZ-SEC-002 leaves these fields to this rule.
    expect(r.findings.filter((f) => f.ruleId === "SDZ-SEC-002")).toEqual([]);
    expect(JSON.stringify(r.findings)).not.toMatch(/Pl4nted/);
  });

  test("a key or RADIUS secret read by file() is could-not-verify naming the field, as SDZ-SEC-002 words it for its own fields (raw Terraform JSON)", () => {
    const raw = {
      resource: {
        azurerm_virtual_network_gateway_connection: {
          // Before: a silent pass (not a literal, and SDZ-SEC-002 leaves shared_key to this rule).
          fromfile: {
            name: "cn", location: "westeurope", resource_group_name: "rg", type: "IPsec", virtual_network_gateway_id: "/x/gw", local_network_gateway_id: "/x/lng",
            shared_key: '${trimspace(file("psk.txt"))}',
          },
        },
        azurerm_virtual_network_gateway: {
          gw: {
            name: "gw", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ",
            ip_configuration: [{ name: "ip", subnet_id: "/x/GatewaySubnet", public_ip_address_id: "/x/pip" }],
            vpn_client_configuration: [{ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], radius_server_address: "10.0.0.5", radius_server_secret: '${file("radius.txt")}' }],
          },
        },
      },
    };
    const r = check(raw, [ID, "SDZ-SEC-002"]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([GW, conn("fromfile")]);
    expect(messages(r, ID)).toEqual([
      `could not verify: ${conn("fromfile")}: shared_key is read by file() from a file the checks do not open, so literal secrets in it could not be ruled out`,
      `could not verify: ${GW}: vpn_client_configuration.radius_server_secret is read by file() from a file the checks do not open, so literal secrets in it could not be ruled out`,
    ]);
    expect(r.findings.filter((f) => f.ruleId === "SDZ-SEC-002")).toEqual([]);
  });
});

describe("SDZ-VPN-009 SA lifetime", () => {
  const ID = "SDZ-VPN-009";
  test("a day-long lifetime warns; one hour and the Azure default pass; a variable is could-not-verify", () => {
    const r = check(withPolicy({ sa_lifetime: 86400 }), [ID]);
    expect(flagged(r, ID)).toEqual([conn("c1")]);
    expect(messages(r, ID)[0]).toContain("86400");
    expect(check(withPolicy({}), [ID]).findings).toEqual([]);
    expect(check(withPolicy({ sa_lifetime: undefined }), [ID]).findings).toEqual([]);
    expect(unverifiedAt(check(withPolicy({ sa_lifetime: "${var.life}" }), [ID]), ID)).toEqual([conn("c1")]);
  });
  test("point-to-site sa_lifetime_in_seconds is read", () => {
    const s = vpn({ ...CERT_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: { ...P2S_POLICY, sa_lifetime_in_seconds: 172000 } });
    expect(flagged(check(s.tf, [ID]), ID)).toEqual([GW]);
  });
});

describe("SDZ-VPN-010 point-to-site", () => {
  const ID = "SDZ-VPN-010";
  test("SSTP warns", () => {
    const r = check(vpn({ ...CERT_P2S, vpn_client_protocols: ["SSTP"] }).tf, [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(messages(r, ID)[0]).toMatch(/SSTP/);
  });
  test("RADIUS-only (explicit or inferred by Azure) warns", () => {
    const explicit = vpn({ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], vpn_auth_types: ["Radius"], radius_server_address: "10.0.0.5", radius_server_secret: "${var.r}" });
    expect(messages(check(explicit.tf, [ID]), ID)).toEqual([expect.stringMatching(/RADIUS only/)]);
    const inferred = vpn({ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["IkeV2"], radius_server_address: "10.0.0.5", radius_server_secret: "${var.r}" });
    expect(flagged(check(inferred.tf, [ID]), ID)).toEqual([GW]);
  });
  test("IKEv2/OpenVPN with certificates passes; Entra ID with OpenVPN passes; no point-to-site passes", () => {
    expect(check(vpn(CERT_P2S).tf, [ID]).findings).toEqual([]);
    expect(check(vpn({ address_space: ["172.16.0.0/24"], vpn_client_protocols: ["OpenVPN"], vpn_auth_types: ["AAD"], aad_tenant: "https://login.microsoftonline.com/t/", aad_audience: "a", aad_issuer: "https://sts.windows.net/t/" }).tf, [ID]).findings).toEqual([]);
    expect(check(vpn().tf, [ID]).findings).toEqual([]);
  });
  test("protocols or auth types from a variable, or the whole configuration from an expression, are could-not-verify", () => {
    expect(unverifiedAt(check(vpn({ ...CERT_P2S, vpn_client_protocols: "${var.protos}" }).tf, [ID]), ID)).toEqual([GW]);
    expect(unverifiedAt(check(vpn({ ...CERT_P2S, vpn_auth_types: "${var.auth}" }).tf, [ID]), ID)).toEqual([GW]);
    const expr = vpn(undefined, { vpn_client_configuration: "${var.p2s}" });
    const r = check(expr.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([GW]);
  });
});

describe("SDZ-VPN-011 SA data lifetime (R-SEC-2, documented deviation from seed 004's 50 MB)", () => {
  const ID = "SDZ-VPN-011";
  test("unset (Azure's ~100 GB default) and values above 10240000 KB warn", () => {
    const unsetR = check(withPolicy({ sa_datasize: undefined }), [ID]);
    expect(flagged(unsetR, ID)).toEqual([conn("c1")]);
    expect(messages(unsetR, ID)[0]).toMatch(/sa_datasize is not set: Azure rekeys only every 102400000 KB/);
    const big = check(withPolicy({ sa_datasize: 102400000 }), [ID]);
    expect(flagged(big, ID)).toEqual([conn("c1")]);
    expect(big.findings[0].level).toBe(RuleLevel.WARNING);
    expect(flagged(check(withPolicy({ sa_datasize: 10240001 }), [ID]), ID)).toEqual([conn("c1")]);
  });

  test("the presets' 10240000 KB, seed 004's 51200 KB (50 MB) and Azure's minimum 1024 KB pass", () => {
    for (const v of [10240000, 51200, 1024]) expect([v, check(withPolicy({ sa_datasize: v }), [ID]).findings]).toEqual([v, []]);
  });

  test("a value from a variable, a non-number or one below Azure's 1024 KB minimum is could-not-verify", () => {
    for (const v of ["${var.kb}", "lots", 0, 512]) {
      const r = check(withPolicy({ sa_datasize: v }), [ID]);
      expect([v, flagged(r, ID), unverifiedAt(r, ID)]).toEqual([v, [], [conn("c1")]]);
    }
  });

  test("point-to-site sa_data_size_in_kilobytes is read", () => {
    const s = vpn({ ...CERT_P2S, vpn_client_protocols: ["IkeV2"], ipsec_policy: { ...P2S_POLICY, sa_data_size_in_kilobytes: 102400000 } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([GW]);
    expect(messages(r, ID)[0]).toMatch(/vpn_client_configuration\.ipsec_policy of azurerm_virtual_network_gateway\.gw: sa_data_size_in_kilobytes is 102400000 KB/);
  });
});
