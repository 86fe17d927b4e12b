import { addFirewall, FirewallKind, fwRule } from "./sites";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-002";
const KMS_TAGS = { "sdz-role": "kms-host" };

describe("SDZ-KMS-002 KMS open to broad sources", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each([
      ["VirtualNetwork", /from VirtualNetwork \(every subnet, peered VNet/],
      ["*", /from any source/],
      ["Internet", /from the Internet/],
      ["AzureCloud", /from service tag AzureCloud \(the public addresses of every Azure customer\) to/],
      ["10.0.0.0/8", /from 10\.0\.0\.0\/8 \(more than a \/16\)/],
      ["10.0.0.0/16", /from the whole address space of azurerm_virtual_network\.net \(10\.0\.0\.0\/16\)/],
      [["0.0.0.0/1", "128.0.0.0/1"], /from any source/],
    ])("TCP 1688 from %j is one error on the rule", (src, reason) => {
      const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", src as string | string[])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(reason);
      expect(messages(r, ID)[0]).toMatch(/to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    });

    test("an allowlist of client subnets and on-premises ranges passes", () => {
      const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", ["10.0.2.0/24", "10.0.3.0/24", "192.168.10.0/24"])]);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("a KMS host whose NSG has no deny-all: Azure's AllowVNetInBound is reported on the NSG", () => {
      const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], { denyAll: false });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.nsg]);
      expect(messages(r, ID)[0]).toMatch(/^Azure's default rule AllowVNetInBound of NSG .* allows KMS \(TCP 1688\) from VirtualNetwork through Azure's default rule AllowVNetInBound/);
    });

    test("a range that holds 1688 without naming it counts on a KMS host, not elsewhere", () => {
      const range = rule("allow-range", 100, "Allow", "Tcp", "1000-2000", "VirtualNetwork");
      const kms = site(placement, [range], { vmTags: KMS_TAGS });
      expect(flagged(check(kms.tf, [ID]), ID)).toEqual([kms.address("allow-range")]);
      expect(check(site(placement, [range]).tf, [ID]).findings).toEqual([]);
    });

    test("a wide allow from the Internet on a KMS host is SDZ-NET-001's finding, not this rule's", () => {
      const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", "Internet")], { vmTags: KMS_TAGS });
      const r = check(s.tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, ID)).toEqual([]);
      expect(flagged(r, "SDZ-NET-001")).toEqual([s.address("allow-all")]);
      expect(messages(r, "SDZ-NET-001")[0]).toContain("KMS (TCP 1688)");
    });

    test("AzureLoadBalancer health probes are not a source", () => {
      const s = site(placement, [rule("allow-probes", 100, "Allow", "Tcp", "1688", "AzureLoadBalancer")], { vmTags: KMS_TAGS });
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });

    test("a rule written for KMS whose source is not known is could-not-verify", () => {
      const s = site(placement, [{ ...rule("allow-kms", 100, "Allow", "Tcp", "1688", "VirtualNetwork"), source_address_prefix: "${var.src}" }]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.address("allow-kms")]);
      expect(messages(r, ID)[0]).toMatch(/may allow KMS \(TCP 1688\) from any source .*source_address_prefix: the variable src/);
    });

    test("a rule from VirtualNetwork whose ports are not known is the out-of-band owner's one could-not-verify, which names KMS", () => {
      const s = site(placement, [{ ...rule("allow-kms", 100, "Allow", "Tcp", "1688", "VirtualNetwork"), destination_port_range: "${var.ports}" }]);
      const r = check(s.tf, [ID, "SDZ-OOB-001"]);
      // Before: this rule's could-not-verify too ("may allow KMS (TCP 1688) from VirtualNetwork ..."), about the same variable.
      expect(unverifiedAt(r, ID)).toEqual([]);
      expect(unverifiedAt(r, "SDZ-OOB-001")).toEqual([s.address("allow-kms")]);
      expect(messages(r, "SDZ-OOB-001")[0]).toMatch(/destination_port_range: the variable ports.*may also open .*KMS \(TCP 1688\).* there \(.*SDZ-KMS-002, SDZ-KMS-003.* leave this rule to this finding\)$/);
    });
  });

  describe.each<FirewallKind>(["policy", "classic"])("Azure Firewall network rules (%s)", (kind) => {
    const withFirewall = (rules: Record<string, unknown>[]) => {
      let collection = "";
      const s = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
        extend: (tf, { vnet }) => ({ collection } = addFirewall(tf, vnet, kind, rules)),
      });
      return { s, collection };
    };

    test("TCP 1688 from * is an error on the collection, though no route puts the firewall on a path", () => {
      const { s, collection } = withFirewall([fwRule("kms", ["*"], ["1688"], ["10.0.1.4"])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([collection]);
      expect(messages(r, ID)[0]).toMatch(/^firewall network rule kms-activation\/kms of .* \(firewall azurerm_firewall\.hub\) allows KMS \(TCP 1688\) from any source to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
      // A network rule lets no Internet traffic in (only a DNAT rule does): before, `it also exposes KMS host ... to the Internet (R-KMS-7)`.
      expect(messages(r, ID)[0]).not.toMatch(/exposes .* to the Internet/);
      expect(messages(r, ID)[0]).toMatch(/: KMS must be allowed only from an explicit list of client addresses; Azure Firewall lets the Internet in only through DNAT rules, so this network rule brings it to no host$/);
    });

    test("TCP 1688 from * on a network rule while the host has a public IP: the Internet reaches the host around the firewall, not through this rule", () => {
      let collection = "";
      const s = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
        publicIp: true, extend: (tf, { vnet }) => ({ collection } = addFirewall(tf, vnet, kind, [fwRule("kms", ["*"], ["1688"], ["10.0.1.4"])])),
      });
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([collection]);
      expect(messages(r, ID)[0]).not.toMatch(/exposes .* to the Internet/);
    });

    test("a rule written for 1688 counts towards any destination; a broad range source is no allowlist", () => {
      const { s, collection } = withFirewall([fwRule("kms", ["10.0.0.0/8"], ["1688"], ["172.16.5.4"])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([collection]);
      expect(messages(r, ID)[0]).toMatch(/from 10\.0\.0\.0\/8 \(more than a \/16\) to destinations 172\.16\.5\.4/);
    });

    test("an allowlist passes, and so does a wide rule to hosts that are not KMS hosts", () => {
      expect(check(withFirewall([fwRule("kms", ["10.0.2.0/24", "192.168.10.0/24"], ["1688"], ["10.0.1.4"])]).s.tf, [ID]).findings).toEqual([]);
      expect(check(withFirewall([fwRule("web", ["*"], ["1-65535"], ["10.0.7.4"])]).s.tf, [ID]).findings).toEqual([]);
    });

    test.each([["1688,3389"], ["Any"]])("ports %j that do not parse are could-not-verify on the collection", (ports) => {
      const { s, collection } = withFirewall([fwRule("kms", ["*"], [ports], ["10.0.1.4"])]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([collection]);
      expect(messages(r, ID)[0]).toMatch(/destination_ports: ".*" is not a port or port range/);
    });
  });

  test("an IP group of client ranges is an allowlist", () => {
    const s = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
      extend: (tf, { vnet }) => {
        const group = tf.add("azurerm_ip_group", "kms_clients", { name: "kms-clients", location: "westeurope", resource_group_name: "rg", cidrs: ["10.0.2.0/24"] });
        addFirewall(tf, vnet, "policy", [{ name: "kms", protocols: ["TCP"], source_ip_groups: [TfJson.ref(group)], destination_addresses: ["10.0.1.4"], destination_ports: ["1688"] }]);
      },
    });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("a DNAT rule that publishes TCP 1688 to the Internet is this rule's (it names the port), not SDZ-NET-001's", () => {
    const s = site("inline", [rule("allow-from-hub", 100, "Allow", "Tcp", "1688", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        addFirewall(tf, vnet, "policy", []);
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref("azurerm_firewall_policy.hub"), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "kms", protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["1688"], translated_address: "10.0.1.4", translated_port: "1688" }] }],
        });
      },
    });
    const r = check(s.tf, [ID, "SDZ-NET-001"]);
    expect(flagged(r, ID)).toEqual(["azurerm_firewall_policy_rule_collection_group.dnat"]);
    expect(messages(r, ID)[0]).toMatch(/^DNAT rule publish\/kms .* allows KMS \(TCP 1688\) from any source.*; it also exposes KMS host azurerm_windows_virtual_machine\.app01 \([^)]*\) to the Internet \(R-KMS-7\)$/);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    // Its sources reach the firewall's public address: Internet sources, never zones to SDZ-KMS-003. The NSG rule that admits
    // AzureFirewallSubnet admits the DNAT's clients (reported here and by SDZ-KMS-006), not a zone: no second finding naming the subnet.
    const zones = check(s.tf, ["SDZ-KMS-003"]);
    expect(zones.findings).toEqual([]);
  });
});
