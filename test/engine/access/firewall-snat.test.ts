import { v4RangeText } from "../../../src/engine/access/addresses";
import { Reach, Reachability } from "../../../src/engine/access/reachability";
import { SourceSet } from "../../../src/engine/access/source-set";
import { describeReach } from "../../../src/engine/exposure";
import { FindingStatus } from "../../../src/engine/result";
import { Body, check, flagged, messages, rule, TfJson, unverifiedAt } from "../../support/rule-harness";

/**
 * Azure Firewall SNATs network-rule traffic whose destination is outside its SNAT private ranges
 * (learn.microsoft.com/azure/firewall/snat-private-range): the host's NSGs then see an address of
 * AzureFirewallSubnet, not the client. Raw, untagged resources throughout.
 */

const RDP = { protocol: "Tcp" as const, from: 3389, to: 3389 };
const FW_SUBNET = "10.0.100.0/26";

function text(s: SourceSet): string[] {
  return s.v4.ranges().map(([a, b]) => v4RangeText(a, b));
}

interface SiteOptions {
  /** The policy's fields (private_ip_ranges, auto_learn_private_ranges_enabled). */
  readonly policy?: Body;
  /** Classic: no policy; the firewall's own fields and a classic network rule collection. */
  readonly classic?: Body;
  /** The firewall's own fields, with a policy. */
  readonly firewall?: Body;
  /** The app NSG's allow (default: RDP from the firewall's subnet only). */
  readonly allow?: Body;
  /** The VNet's address spaces and the app subnet's prefix and host (default: private ones). */
  readonly space?: string[];
  readonly app?: [prefix: string, host: string];
}

/**
 * VNet `net` with AzureFirewallSubnet (10.0.100.0/26), `clients` (10.0.2.0/24, routed to `app`
 * through the firewall) and `app` (default 10.0.1.0/24, VM app01 at 10.0.1.4, its NSG admitting RDP
 * from the firewall's subnet only). The firewall's network rule allows RDP from the clients to the app subnet.
 */
function site(o: SiteOptions = {}) {
  const [appPrefix, host] = o.app ?? ["10.0.1.0/24", "10.0.1.4"];
  const tf = new TfJson();
  const vnet = tf.vnet("net", o.space ?? ["10.0.0.0/16"]);
  const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, [FW_SUBNET]);
  const clients = tf.subnet("clients", vnet, ["10.0.2.0/24"]);
  const app = tf.subnet("app", vnet, [appPrefix]);
  tf.associate(app, tf.nsg("app_nsg", [o.allow ?? rule("allow-from-firewall", 100, "Allow", "Tcp", "3389", FW_SUBNET), rule("deny-all", 4000, "Deny", "*", "*", "*")]));
  const netRule = { name: "rdp", protocols: ["TCP"], source_addresses: ["10.0.2.0/24"], destination_addresses: [appPrefix], destination_ports: ["3389"] };
  let policy: string | undefined;
  if (!o.classic) {
    policy = tf.add("azurerm_firewall_policy", "p", { name: "p", location: "westeurope", resource_group_name: "rg", ...o.policy });
    tf.add("azurerm_firewall_policy_rule_collection_group", "rules", {
      name: "rules", firewall_policy_id: TfJson.ref(policy), priority: 100,
      network_rule_collection: [{ name: "admins", priority: 100, action: "Allow", rule: [netRule] }],
    });
  }
  const fw = tf.add("azurerm_firewall", "hub", {
    name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard",
    ...(policy ? { firewall_policy_id: TfJson.ref(policy) } : {}), ...o.firewall, ...o.classic,
    ip_configuration: [{ name: "cfg", subnet_id: TfJson.ref(fwSubnet) }],
  });
  if (o.classic) {
    tf.add("azurerm_firewall_network_rule_collection", "admins", {
      name: "admins", azure_firewall_name: TfJson.ref(fw, "name"), resource_group_name: "rg", priority: 100, action: "Allow", rule: [netRule],
    });
  }
  const rt = tf.add("azurerm_route_table", "spokes", {
    name: "spokes", location: "westeurope", resource_group_name: "rg",
    route: [{ name: "to-app", address_prefix: appPrefix, next_hop_type: "VirtualAppliance", next_hop_in_ip_address: `\${${fw}.ip_configuration[0].private_ip_address}` }],
  });
  tf.add("azurerm_subnet_route_table_association", "clients_rt", { subnet_id: TfJson.ref(clients), route_table_id: TfJson.ref(rt) });
  tf.windowsVm("app01", [tf.nic("app01_nic", app, host)]);
  return tf;
}

/** The reaches to RDP on app01 from the clients' subnet: outcome, sources, firewall rule, NSG rule, SNAT addresses, doubts. */
function clientReaches(tf: TfJson) {
  const reach = Reachability.of(tf.model());
  const ep = reach.access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.app01_nic"))!;
  const clients = SourceSet.v4([[0x0a000200, 0x0a0002ff]]);
  const got = reach.reach(ep, RDP).reaches.filter((r: Reach) => r.sources.overlaps(clients));
  return {
    reaches: got.map((r) => ({
      outcome: r.outcome, sources: text(r.sources), firewallRule: r.firewall?.rule?.label, nsgRule: r.grant.layers[0].rule?.name,
      seenAs: r.firewall?.snat ? text(r.firewall.snat) : undefined, doubts: r.doubts,
    })),
    mayReach: reach.mayReachFrom(ep, clients),
  };
}

const SNATED = { outcome: "allow", sources: ["10.0.2.0/24"], firewallRule: "admins/rdp", nsgRule: "allow-from-firewall", seenAs: [FW_SUBNET], doubts: [] };

describe("network-rule traffic SNATed by the firewall: the NSGs see the firewall's subnet", () => {
  test("default ranges, a private host: no SNAT, the NSG sees the client and denies it (unchanged)", () => {
    expect(clientReaches(site())).toEqual({ reaches: [], mayReach: false });
  });

  test("default ranges, an NSG admitting the clients: they reach with their own address, no SNAT (unchanged)", () => {
    const got = clientReaches(site({ allow: rule("allow-clients", 100, "Allow", "Tcp", "3389", "10.0.2.0/24") }));
    expect(got.reaches).toEqual([{ outcome: "allow", sources: ["10.0.2.0/24"], firewallRule: "admins/rdp", nsgRule: "allow-clients", seenAs: undefined, doubts: [] }]);
  });

  test("always SNAT (policy private_ip_ranges 255.255.255.255/32): the clients reach through the NSG that admits only the firewall's subnet", () => {
    expect(clientReaches(site({ policy: { private_ip_ranges: ["255.255.255.255/32"] } }))).toEqual({ reaches: [SNATED], mayReach: true });
  });

  test("a SNATed path says so: the NSG rule that follows admitted the firewall's address, not the client's", () => {
    const paths = (tf: TfJson) => {
      const reach = Reachability.of(tf.model());
      const ep = reach.access.endpoints.find((e) => e.key.startsWith("azurerm_network_interface.app01_nic"))!;
      return reach.reach(ep, RDP).reaches.filter((r) => r.sources.overlaps(SourceSet.v4([[0x0a000200, 0x0a0002ff]]))).map(describeReach);
    };
    expect(paths(site({ policy: { private_ip_ranges: ["255.255.255.255/32"] } }))).toEqual([`firewall rule admins/rdp (SNATed to ${FW_SUBNET}), then rule "allow-from-firewall" of NSG app_nsg, then no NSG on the nic`]);
    expect(paths(site({ allow: rule("allow-clients", 100, "Allow", "Tcp", "3389", "10.0.2.0/24") }))).toEqual(['firewall rule admins/rdp, then rule "allow-clients" of NSG app_nsg, then no NSG on the nic']);
  });

  test("always SNAT: an NSG admitting the clients but not the firewall's subnet no longer lets them in", () => {
    const got = clientReaches(site({ policy: { private_ip_ranges: ["255.255.255.255/32"] }, allow: rule("allow-clients", 100, "Allow", "Tcp", "3389", "10.0.2.0/24") }));
    expect(got).toEqual({ reaches: [], mayReach: false });
  });

  test("default ranges, a host with a public-range private address: SNATed", () => {
    const got = clientReaches(site({ space: ["10.0.0.0/16", "20.30.40.0/24"], app: ["20.30.40.0/24", "20.30.40.4"] }));
    expect(got).toEqual({ reaches: [SNATED], mayReach: true });
  });

  test("a custom list without IANAPrivateRanges replaces the defaults: a 10.x host is SNATed; with it, not", () => {
    expect(clientReaches(site({ policy: { private_ip_ranges: ["192.168.0.0/16"] } })).reaches).toEqual([SNATED]);
    expect(clientReaches(site({ policy: { private_ip_ranges: ["IANAPrivateRanges", "20.30.40.0/24"] } })).reaches).toEqual([]);
  });

  test("never SNAT (0.0.0.0/0) with a public-range host: the NSG sees the client", () => {
    const got = clientReaches(site({ policy: { private_ip_ranges: ["0.0.0.0/0"] }, space: ["10.0.0.0/16", "20.30.40.0/24"], app: ["20.30.40.0/24", "20.30.40.4"] }));
    expect(got).toEqual({ reaches: [], mayReach: false });
  });

  test("private_ip_ranges from a variable: whether it SNATs is not known, so the clients may reach (uncertain, naming the field)", () => {
    const tf = site({ policy: { private_ip_ranges: "${var.snat_ranges}" } });
    tf.json.variable = { snat_ranges: { type: "list(string)" } };
    const got = clientReaches(tf);
    expect(got.reaches.map((r) => ({ ...r, doubts: undefined }))).toEqual([{ ...SNATED, outcome: "uncertain", doubts: undefined }]);
    expect(got.reaches[0].doubts).toHaveLength(1);
    expect(got.reaches[0].doubts[0]).toMatch(/^whether firewall azurerm_firewall\.hub SNATs traffic to 10\.0\.1\.4 is not known \(azurerm_firewall_policy\.p private_ip_ranges: .+\)$/);
    expect(got.mayReach).toBe(true);
  });

  test("private_ip_ranges from a variable, an NSG admitting both the clients and the firewall: certain either way", () => {
    const tf = site({ policy: { private_ip_ranges: "${var.snat_ranges}" }, allow: rule("allow-vnet", 100, "Allow", "Tcp", "3389", "10.0.0.0/16") });
    tf.json.variable = { snat_ranges: { type: "list(string)" } };
    expect(clientReaches(tf).reaches).toEqual([{ outcome: "allow", sources: ["10.0.2.0/24"], firewallRule: "admins/rdp", nsgRule: "allow-vnet", seenAs: undefined, doubts: [] }]);
  });

  test("private_ip_ranges from a variable, an NSG admitting the clients only: uncertain (SNATed, the NSG would deny them)", () => {
    const tf = site({ policy: { private_ip_ranges: "${var.snat_ranges}" }, allow: rule("allow-clients", 100, "Allow", "Tcp", "3389", "10.0.2.0/24") });
    tf.json.variable = { snat_ranges: { type: "list(string)" } };
    const got = clientReaches(tf).reaches;
    expect(got.map((r) => [r.outcome, r.sources, r.nsgRule, r.seenAs])).toEqual([["uncertain", ["10.0.2.0/24"], "allow-clients", undefined]]);
    expect(got[0].doubts[0]).toMatch(/^whether firewall azurerm_firewall\.hub SNATs traffic to 10\.0\.1\.4 is not known /);
  });

  test("auto-learn on a public-range host: learned ranges may include it, so SNAT is not known (uncertain)", () => {
    const got = clientReaches(site({ policy: { auto_learn_private_ranges_enabled: true }, space: ["10.0.0.0/16", "20.30.40.0/24"], app: ["20.30.40.0/24", "20.30.40.4"] }));
    expect(got.reaches.map((r) => [r.outcome, r.sources, r.nsgRule, r.seenAs])).toEqual([["uncertain", ["10.0.2.0/24"], "allow-from-firewall", [FW_SUBNET]]]);
    expect(got.reaches[0].doubts).toEqual([
      "whether firewall azurerm_firewall.hub SNATs traffic to 20.30.40.4 is not known (azurerm_firewall_policy.p auto_learn_private_ranges_enabled: ranges the firewall learns from Azure Route Server at run time are not SNATed either)",
    ]);
  });

  test("classic firewall (no policy): its own private_ip_ranges decide", () => {
    expect(clientReaches(site({ classic: { private_ip_ranges: ["255.255.255.255/32"] } }))).toEqual({ reaches: [SNATED], mayReach: true });
    expect(clientReaches(site({ classic: {} }))).toEqual({ reaches: [], mayReach: false });
  });

  test("a firewall with a policy ignores its own private_ip_ranges: the policy's (default) apply", () => {
    expect(clientReaches(site({ firewall: { private_ip_ranges: ["255.255.255.255/32"] } }))).toEqual({ reaches: [], mayReach: false });
  });

  test("an NSG admitting only part of the firewall's subnet: which address it SNATs to is not known (uncertain)", () => {
    const got = clientReaches(site({ policy: { private_ip_ranges: ["255.255.255.255/32"] }, allow: rule("allow-fw-one", 100, "Allow", "Tcp", "3389", "10.0.100.4") })).reaches;
    expect(got.map((r) => [r.outcome, r.sources, r.nsgRule, r.doubts])).toEqual([[
      "uncertain", ["10.0.2.0/24"], "allow-fw-one", ["firewall azurerm_firewall.hub SNATs to one of its addresses in 10.0.100.0/26, and the NSGs admit only some of them"],
    ]]);
  });
});

describe("SNAT in a rule's findings: the client is the origin", () => {
  /**
   * app01 is a reference computer (an image's source VM, SDZ-REF-001); the clients' NSG lets the
   * Internet in on 443, so their zone is internet-facing (PERIMETER). AzureFirewallSubnet's own addresses
   * are no client zone: the NSG rule admitting them lets in whom the firewall SNATs (or, where the
   * firewall may forward clients this configuration does not show, unknown clients).
   */
  function refCheck(policy: Body) {
    const tf = site({ policy });
    tf.json.variable = { snat_ranges: { type: "list(string)" } };
    tf.add("azurerm_image", "golden", { name: "golden", location: "westeurope", resource_group_name: "rg", source_virtual_machine_id: TfJson.ref("azurerm_windows_virtual_machine.app01") });
    tf.associate("azurerm_subnet.clients", tf.nsg("clients_nsg", [rule("https-in", 100, "Allow", "Tcp", "443", "Internet")]));
    return check(tf, ["SDZ-REF-001"]);
  }

  function refFinding(policy: Body): string[] {
    const result = refCheck(policy);
    expect(flagged(result, "SDZ-REF-001")).toEqual(["azurerm_network_security_group.app_nsg"]);
    expect(unverifiedAt(result, "SDZ-REF-001")).toEqual([]);
    return messages(result, "SDZ-REF-001");
  }

  test("always SNAT: the perimeter clients reach the reference computer through the NSG rule admitting the firewall, named as the origin", () => {
    const [msg, ...more] = refFinding({ private_ip_ranges: ["255.255.255.255/32"] });
    expect(more).toEqual([]);
    // Before: "lets zone AzureFirewallSubnet (PERIMETER, ...); zone clients ..." (the firewall's addresses as a zone of their own).
    expect(msg).toMatch(/^rule "allow-from-firewall" of NSG app_nsg lets zone clients \(PERIMETER, inferred: NSG rule "https-in" [^)]*\)\) reach reference computer azurerm_windows_virtual_machine\.app01 /);
  });

  test("default ranges: the clients are not SNATed and the NSG denies them; the firewall's own addresses carry no client: nothing", () => {
    // Before: an error naming "zone AzureFirewallSubnet (PERIMETER, ...)", a source that carries no one's traffic here.
    expect(refCheck({}).findings).toEqual([]);
  });

  test("application rules on HTTPS do not cast doubt on an NSG rule admitting the firewall on RDP: the judge asks about the reach's own port", () => {
    const tf = site();
    tf.add("azurerm_firewall_policy_rule_collection_group", "web", {
      name: "web", firewall_policy_id: TfJson.ref("azurerm_firewall_policy.p"), priority: 300,
      application_rule_collection: [{ name: "web", priority: 100, action: "Allow", rule: [{ name: "intranet", source_addresses: ["10.0.0.0/8"], destination_fqdns: ["intranet.corp.example"], protocols: [{ type: "Https", port: 443 }] }] }],
    });
    tf.add("azurerm_image", "golden", { name: "golden", location: "westeurope", resource_group_name: "rg", source_virtual_machine_id: TfJson.ref("azurerm_windows_virtual_machine.app01") });
    // Before: could not verify on app_nsg, "AzureFirewallSubnet ... application rules ... may carry traffic of their clients" (every port assumed).
    expect(check(tf, ["SDZ-REF-001"]).findings).toEqual([]);
  });

  test("private_ip_ranges from a variable: the clients may reach through the rule admitting the firewall: could not verify, naming the field", () => {
    const result = refCheck({ private_ip_ranges: "${var.snat_ranges}" });
    // Before: also an error on the rule naming "zone AzureFirewallSubnet (PERIMETER, ...)"; then two could-not-verify on the one rule.
    // Now one: the clients it shows may reach (SNAT not known), and the firewall's addresses stand for the clients it may SNAT that
    // this configuration does not show.
    expect(flagged(result, "SDZ-REF-001")).toEqual([]);
    expect(unverifiedAt(result, "SDZ-REF-001")).toEqual(["azurerm_network_security_group.app_nsg"]);
    const [unverified] = result.findings.filter((f) => f.ruleId === "SDZ-REF-001" && f.status === FindingStatus.UNVERIFIED).map((f) => f.message);
    expect(unverified).toMatch(/^could not verify: rule "allow-from-firewall" of NSG app_nsg may let zone clients \(PERIMETER, [^)]*\)\) reach reference computer .*\(whether firewall azurerm_firewall\.hub SNATs traffic to 10\.0\.1\.4 is not known \(azurerm_firewall_policy\.p private_ip_ranges: [^)]+\)\); it lets AzureFirewallSubnet \(10\.0\.100\.0\/26\), whose addresses may carry the traffic of clients this configuration does not show \(whether firewall azurerm_firewall\.hub SNATs traffic to 10\.0\.1\.4 is not known/);
  });
});
