/**
 * AzureFirewallSubnet as a source of TCP 1688 (SDZ-KMS-003) and of any port (SDZ-KMS-006): the
 * firewall originates no client traffic of its own, so an NSG grant to its subnet is no client zone
 * when the access model reports every client whose traffic leaves it from those addresses (DNAT
 * sources, SNATed routed clients). Where it may forward clients this configuration does not show
 * (SNAT to the host, a policy outside the configuration, a DNS proxy that forwards to a DC), the
 * subnet stays a could-not-verify naming why. Raw, untagged azurerm resources.
 */
import { addFirewall, addZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, rule, site, TfJson } from "../../support/rule-harness";

const IDS = ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006"];
const FAIL = FindingStatus.FAIL;
const UNVERIFIED = FindingStatus.UNVERIFIED;

function findings(tf: TfJson, ids = IDS): string[] {
  return check(tf, ids).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/** DNAT of the firewall's address `on` (default its public 20.1.2.3), TCP 1688, to the KMS host app01 (10.0.1.4), from `sources`. */
function dnat(tf: TfJson, sources: string[], on = "20.1.2.3"): string {
  return tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
    name: "dnat", firewall_policy_id: TfJson.ref("azurerm_firewall_policy.hub"), priority: 100,
    nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "kms", protocols: ["TCP"], source_addresses: sources, destination_address: on, destination_ports: ["1688"], translated_address: "10.0.1.4", translated_port: "1688" }] }],
  });
}

/** app01 takes TCP 1688 (and `extra` rules) from the hub firewall's subnet 10.0.100.0/26 only, then a deny-all. */
function hub(extend: (tf: TfJson) => void, extra: ReturnType<typeof rule>[] = []) {
  return site("inline", [rule("allow-kms-from-fw", 100, "Allow", "Tcp", "1688", "10.0.100.0/26"), ...extra], {
    extend: (tf, { vnet }) => {
      addFirewall(tf, vnet, "policy", []);
      extend(tf);
    },
  });
}

describe("AzureFirewallSubnet is no client zone of SDZ-KMS-003 / SDZ-KMS-006", () => {
  test("DNAT from the Internet to the KMS host: the DNAT's Internet sources are reported, never zone AzureFirewallSubnet", () => {
    const s = hub((tf) => dnat(tf, ["*"]));
    // Before: also `SDZ-KMS-003 azurerm_network_security_group.servers_nsg fail` ("... from PERIMETER zone AzureFirewallSubnet ...");
    // and, until KMS-006 left TCP 1688 from the Internet through a rule KMS-002 reports to that finding, `SDZ-KMS-006 app01 fail` on the same DNAT rule.
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 azurerm_firewall_policy_rule_collection_group.dnat ${FAIL}`]);
    const [msg] = messages(check(s.tf, ["SDZ-KMS-002"]), "SDZ-KMS-002");
    expect(msg).toMatch(/^DNAT rule publish\/kms of azurerm_firewall_policy_rule_collection_group\.dnat allows KMS \(TCP 1688\) from any source to .*it also exposes KMS host azurerm_windows_virtual_machine\.app01 .* to the Internet \(R-KMS-7\)$/);
    expect(msg).not.toMatch(/AzureFirewallSubnet/);
  });

  test("DNAT from one partner address: the same, the partner address is the source", () => {
    const s = hub((tf) => dnat(tf, ["198.51.100.7"]));
    expect(findings(s.tf)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${FAIL}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-006"]), "SDZ-KMS-006")[0]).toMatch(/198\.51\.100\.7/);
  });

  test("Private IP DNAT (the firewall's private address) from a perimeter zone: SDZ-KMS-003 names that zone on the DNAT rule, never AzureFirewallSubnet", () => {
    const s = hub((tf) => {
      addZone(tf, "azurerm_virtual_network.net", "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      dnat(tf, ["10.0.50.0/24"], "10.0.100.4");
    });
    // Before: `SDZ-KMS-003 <NSG> fail` naming "PERIMETER zone AzureFirewallSubnet" (the DMZ itself unnamed: DNAT sources were taken for Internet ones).
    expect(findings(s.tf)).toEqual([`SDZ-KMS-003 azurerm_firewall_policy_rule_collection_group.dnat ${FAIL}`]);
    const [msg] = messages(check(s.tf, ["SDZ-KMS-003"]), "SDZ-KMS-003");
    expect(msg).toMatch(/^DNAT rule publish\/kms of azurerm_firewall_policy_rule_collection_group\.dnat allows KMS \(TCP 1688\) from PERIMETER zone dmz \(10\.0\.50\.0\/24; declared/);
    expect(msg).not.toMatch(/AzureFirewallSubnet/);
  });

  test("the firewall admitted, no DNAT and no SNAT to the host (a private address): nothing to report", () => {
    const s = hub(() => undefined);
    // Before: `SDZ-KMS-003 ... fail` naming PERIMETER zone AzureFirewallSubnet.
    expect(findings(s.tf)).toEqual([]);
  });

  test("the firewall SNATs every network-rule flow (private_ip_ranges 255.255.255.255/32): clients it may route there are not all shown, could not verify", () => {
    const s = hub((tf) => {
      (tf.json.resource.azurerm_firewall_policy.hub as Record<string, unknown>).private_ip_ranges = ["255.255.255.255/32"];
    });
    expect(findings(s.tf)).toEqual([`SDZ-KMS-003 ${s.nsg} ${UNVERIFIED}`]);
    const [msg] = messages(check(s.tf, ["SDZ-KMS-003"]), "SDZ-KMS-003");
    expect(msg).toMatch(/from AzureFirewallSubnet \(10\.0\.100\.0\/26\) to azurerm_network_interface\.app01_nic .*firewall azurerm_firewall\.hub SNATs the network-rule traffic it routes to 10\.0\.1\.4/);
  });

  test("a firewall whose policy is outside the configuration: its DNAT rules are not known, could not verify", () => {
    const s = hub((tf) => {
      (tf.json.resource.azurerm_firewall.hub as Record<string, unknown>).firewall_policy_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/shared";
    });
    expect(findings(s.tf)).toEqual([`SDZ-KMS-003 ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-003"]), "SDZ-KMS-003")[0]).toMatch(/the rules of firewall azurerm_firewall\.hub are not all known/);
  });

  test("an AzureFirewallSubnet with no firewall of this configuration: could not verify", () => {
    const s = site("inline", [rule("allow-kms-from-fw", 100, "Allow", "Tcp", "1688", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => { tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]); },
    });
    expect(findings(s.tf)).toEqual([`SDZ-KMS-003 ${s.nsg} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-003"]), "SDZ-KMS-003")[0]).toMatch(/no Azure Firewall of this configuration is in it/);
  });

  test("a domain controller that takes HTTPS from the firewall, whose policy has application rules (always SNATed): could not verify on TCP 443 only", () => {
    const dc = [rule("allow-kerberos", 110, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 120, "Allow", "Tcp", "389", "10.0.2.0/24")];
    const s = site("inline", [...dc, rule("allow-from-fw", 130, "Allow", "Tcp", ["443", "3389"], "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        addFirewall(tf, vnet, "policy", []);
        tf.add("azurerm_firewall_policy_rule_collection_group", "web", {
          name: "web", firewall_policy_id: TfJson.ref("azurerm_firewall_policy.hub"), priority: 300,
          application_rule_collection: [{ name: "web", priority: 100, action: "Allow", rule: [{ name: "intranet", source_addresses: ["10.0.0.0/8"], destination_fqdns: ["intranet.corp.example"], protocols: [{ type: "Https", port: 443 }] }] }],
        });
      },
    });
    // Before: `SDZ-KMS-006 ... fail` naming PERIMETER zone AzureFirewallSubnet on TCP 443, 3389.
    expect(findings(s.tf)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${UNVERIFIED}`]);
    const [msg] = messages(check(s.tf, ["SDZ-KMS-006"]), "SDZ-KMS-006");
    expect(msg).toMatch(/reachable from AzureFirewallSubnet \(10\.0\.100\.0\/26\), .*application rules of azurerm_firewall_policy_rule_collection_group\.web, which Azure Firewall always SNATs.*\) on TCP 443 through rule "allow-from-fw"/);
    expect(msg).not.toMatch(/3389/);
  });

  test("a domain controller that takes DNS from the firewall, whose DNS proxy forwards to it: could not verify (SDZ-KMS-006)", () => {
    const dc = [rule("allow-kerberos", 110, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 120, "Allow", "Tcp", "389", "10.0.2.0/24")];
    const s = site("inline", [...dc, rule("allow-dns-from-fw", 130, "Allow", "*", "53", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        addFirewall(tf, vnet, "policy", []);
        (tf.json.resource.azurerm_firewall_policy.hub as Record<string, unknown>).dns = [{ proxy_enabled: true, servers: ["10.0.1.4"] }];
      },
    });
    // Before: `SDZ-KMS-006 ... fail` naming PERIMETER zone AzureFirewallSubnet on TCP and UDP 53.
    expect(findings(s.tf)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${UNVERIFIED}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-006"]), "SDZ-KMS-006")[0]).toMatch(/domain controller is reachable from AzureFirewallSubnet \(10\.0\.100\.0\/26\), .*the DNS proxy of firewall azurerm_firewall\.hub \(azurerm_firewall_policy\.hub\) forwards its clients' queries to it\) on TCP 53, UDP 53 through rule "allow-dns-from-fw"/);
    // Without the DNS proxy, the firewall's own name resolution is no client traffic: nothing.
    (s.tf.json.resource.azurerm_firewall_policy.hub as Record<string, unknown>).dns = [{ proxy_enabled: false, servers: ["10.0.1.4"] }];
    expect(findings(s.tf)).toEqual([]);
  });
});
