/**
 * AzureFirewallSubnet as a source of Intel AMT (SDZ-OOB-001), as in the KMS and PXE packs: the
 * firewall originates no client traffic of its own, so an NSG rule admitting its subnet lets in only
 * the clients the firewall forwards: DNAT sources (which the access model reports on the DNAT rule)
 * and routed clients (which keep their own address to a private host). The subnet is a
 * could-not-verify only where the firewall may forward clients the configuration does not show (its
 * rules not all known, SNAT to the host, no firewall of this configuration in it). Raw, untagged
 * azurerm resources; the only tags are sdz-trust declarations (the AMT host's zone is MANAGEMENT).
 */
import { rule, TfJson } from "./builders";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, site, Site } from "../../support/rule-harness";

const ID = "SDZ-OOB-001";
const FAIL = FindingStatus.FAIL;
const UNVERIFIED = FindingStatus.UNVERIFIED;
const GROUP = "azurerm_firewall_policy_rule_collection_group.hub";

/** (rule, address, outcome) of every finding, suppressed ones left out. */
function findings(s: Site, ids = [ID]): string[] {
  return check(s.tf, ids).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/**
 * app01 (10.0.1.4) in subnet servers, whose NSG is declared MANAGEMENT and allows Intel AMT (TCP
 * 16992-16995 and 664) from AzureFirewallSubnet 10.0.100.0/26 only; an Azure Firewall (public
 * address 20.1.2.3) there, whose policy holds the rule collection group `hub` (`group` fields).
 */
function behindFirewall(group: Record<string, unknown>, edit?: (tf: TfJson) => void): Site {
  return site("inline", [rule("allow-amt-from-fw", 200, "Allow", "Tcp", ["16992-16995", "664"], "10.0.100.0/26")], {
    extend: (tf, { vnet, nsg }) => {
      (tf.json.resource.azurerm_network_security_group[nsg.split(".")[1]] as Record<string, unknown>).tags = { "sdz-trust": "MANAGEMENT" };
      const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
      const pip = tf.add("azurerm_public_ip", "fw_ip", { name: "fw-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
      const policy = tf.add("azurerm_firewall_policy", "hub", { name: "hub", location: "westeurope", resource_group_name: "rg" });
      tf.add("azurerm_firewall", "hub", {
        name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy),
        ip_configuration: [{ name: "ip", subnet_id: TfJson.ref(fwSubnet), public_ip_address_id: TfJson.ref(pip) }],
      });
      tf.add("azurerm_firewall_policy_rule_collection_group", "hub", { name: "hub", firewall_policy_id: TfJson.ref(policy), priority: 100, ...group });
      edit?.(tf);
    },
  });
}

/** A network rule collection: the clients subnet 10.0.20.0/24 to `destinations` on `ports`. */
function network(destinations: string[], ports: string[]): Record<string, unknown> {
  return { network_rule_collection: [{ name: "spokes", priority: 200, action: "Allow", rule: [{ name: "web", protocols: ["TCP"], source_addresses: ["10.0.20.0/24"], destination_addresses: destinations, destination_ports: ports }] }] };
}

/** A DNAT of the firewall's public address on TCP `port` to app01's `port`, from `sources`. */
function dnat(port: string, sources: string[]): Record<string, unknown> {
  return {
    nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "amt", protocols: ["TCP"], source_addresses: sources, destination_address: "20.1.2.3", destination_ports: [port], translated_address: "10.0.1.4", translated_port: port }] }],
  };
}

describe("SDZ-OOB-001: AzureFirewallSubnet is no client zone", () => {
  test.each([
    ["no rule collection at all", {}],
    ["a network rule that forwards HTTPS to another host", network(["10.0.30.4"], ["443"])],
    // Routed clients keep their address to a private host (no SNAT): the NSG rule for the firewall's range does not let them in.
    ["a network rule that forwards AMT to the host from the clients subnet", network(["10.0.1.4"], ["16992-16995"])],
  ])("a firewall whose known rules forward no other client from its addresses (%s): nothing to report", (_what, group) => {
    // Before: `SDZ-OOB-001 <NSG> fail`, "... from zone AzureFirewallSubnet (PERIMETER, inferred ...)".
    expect(findings(behindFirewall(group))).toEqual([]);
  });

  test.each([["*"], ["0.0.0.0/0"], ["198.51.100.7"]])("a DNAT from %s to the AMT host: one error, on the DNAT rule, never on the NSG rule for the firewall's range", (src) => {
    const s = behindFirewall(dnat("16993", [src]));
    // Before: also `SDZ-OOB-001 <NSG> fail` about "zone AzureFirewallSubnet (PERIMETER ...)": the same exposure twice.
    expect(findings(s)).toEqual([`${ID} ${GROUP} ${FAIL}`]);
    const [msg] = messages(check(s.tf, [ID]), ID);
    expect(msg).toMatch(/^DNAT rule publish\/amt of azurerm_firewall_policy_rule_collection_group\.hub allows Intel AMT \(TCP 16992-16995\) from .* to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    expect(msg).not.toMatch(/AzureFirewallSubnet/);
  });

  test.each([["INTERNAL", [`${ID} ${GROUP} ${FAIL}`]], ["MANAGEMENT", []]])("Private IP DNAT (the firewall's private address) from a zone declared %s: judged as that zone, on the DNAT rule", (trust, expected) => {
    const s = behindFirewall(dnat("16993", ["10.0.20.0/24"]), (tf) => {
      const group = tf.json.resource.azurerm_firewall_policy_rule_collection_group.hub as { nat_rule_collection: { rule: Record<string, unknown>[] }[] };
      group.nat_rule_collection[0].rule[0].destination_address = "10.0.100.4";
      const clients = tf.subnet("clients", "azurerm_virtual_network.net", ["10.0.20.0/24"]);
      const nsg = tf.nsg("clients_nsg", [rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
      (tf.json.resource.azurerm_network_security_group.clients_nsg as Record<string, unknown>).tags = { "sdz-trust": trust };
      tf.associate(clients, nsg);
    });
    // Before: also `SDZ-OOB-001 <NSG> fail` about "zone AzureFirewallSubnet (PERIMETER ...)", whatever the DNAT's sources.
    expect(findings(s)).toEqual(expected);
    if (expected.length > 0) expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/^DNAT rule publish\/amt of azurerm_firewall_policy_rule_collection_group\.hub allows Intel AMT \(TCP 16992-16995\) from zone clients \(INTERNAL/);
  });

  test("a DNAT from the Internet to another port of the host: not AMT, nothing to report", () => {
    expect(findings(behindFirewall(dnat("443", ["*"])))).toEqual([]);
  });

  test("a rule collection group whose DNAT rules come from a variable: one could-not-verify, SDZ-NET-001's on the group, naming the field and AMT", () => {
    const s = behindFirewall({ nat_rule_collection: "${var.nat_rules}" });
    // Before: also `SDZ-OOB-001 <NSG> fail` about "zone AzureFirewallSubnet (PERIMETER ...)". The unknown DNAT rule itself is the
    // one could-not-verify (SDZ-NET-001's, which names AMT among the services it may open: principle 3).
    expect(findings(s, [ID, "SDZ-NET-001"])).toEqual([`SDZ-NET-001 ${GROUP} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, ["SDZ-NET-001"]), "SDZ-NET-001")[0]).toMatch(/AMT \(TCP 16992-16995\).*nat_rule_collection is an expression/);
  });

  test("a rule collection group whose policy comes from a variable: the firewall's rules are not all known, could not verify on the NSG rule, naming the field", () => {
    const s = behindFirewall({ ...dnat("443", ["*"]), firewall_policy_id: "${var.policy_id}" });
    // Before: `SDZ-OOB-001 <NSG> fail` about "zone AzureFirewallSubnet (PERIMETER ...)".
    expect(findings(s)).toEqual([`${ID} ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(
      /^could not verify: rule "allow-amt-from-fw" of NSG servers_nsg allows Intel AMT \(TCP 16992-16995\) to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\) from AzureFirewallSubnet \(10\.0\.100\.0\/26\), .*the rules of firewall azurerm_firewall\.hub are not all known \(the rules of azurerm_firewall_policy_rule_collection_group\.hub firewall_policy_id: .*policy_id/,
    );
  });

  test("a firewall that SNATs every network-rule flow (private_ip_ranges 255.255.255.255/32): could not verify on the NSG rule", () => {
    const s = behindFirewall({}, (tf) => {
      (tf.json.resource.azurerm_firewall_policy.hub as Record<string, unknown>).private_ip_ranges = ["255.255.255.255/32"];
    });
    expect(findings(s)).toEqual([`${ID} ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/from AzureFirewallSubnet \(10\.0\.100\.0\/26\), .*firewall azurerm_firewall\.hub SNATs the network-rule traffic it routes to 10\.0\.1\.4/);
  });

  test("application rules (always SNATed) on an AMT port: could not verify on the NSG rule; on HTTPS only: nothing to report", () => {
    const app = (port: number) => ({
      application_rule_collection: [{ name: "web", priority: 300, action: "Allow", rule: [{ name: "tools", source_addresses: ["10.0.20.0/24"], destination_fqdns: ["amt.corp.example"], protocols: [{ type: "Https", port }] }] }],
    });
    const s = behindFirewall(app(16993));
    expect(findings(s)).toEqual([`${ID} ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/application rules of azurerm_firewall_policy_rule_collection_group\.hub, which Azure Firewall always SNATs/);
    expect(findings(behindFirewall(app(443)))).toEqual([]);
  });

  test("an AzureFirewallSubnet with no firewall of this configuration: could not verify on the NSG rule", () => {
    const s = site("inline", [rule("allow-amt-from-fw", 200, "Allow", "Tcp", ["16992-16995", "664"], "10.0.100.0/26")], {
      extend: (tf, { vnet }) => void tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]),
    });
    expect(findings(s)).toEqual([`${ID} ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/no Azure Firewall of this configuration is in it/);
  });
});
