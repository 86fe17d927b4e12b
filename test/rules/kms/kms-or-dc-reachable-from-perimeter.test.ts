import { addFirewall, addRouteTable, addZone, FirewallKind, fwRule, KMS_HOST_VM, viaFirewall } from "./sites";
import { ZoneTags } from "../../../src/contract/zone-tags";
import { RuleLevel } from "../../../src/engine/rule";
import { Body, check, flagged, messages, PLACEMENTS, Placement, rule, site, SiteOptions, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-006";
/** app01 is a domain controller by inference: Kerberos and LDAP through rules written for them, from the clients. */
const DC = [rule("allow-kerberos", 100, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 110, "Allow", "Tcp", "389", "10.0.2.0/24")];

/** The DC beside clients 10.0.2.0/24 (declared INTERNAL) and dmz 10.0.50.0/24 (declared PERIMETER). */
function dcSite(placement: Placement, extra: Body[] = [], o: SiteOptions & { clientsTrust?: string | null } = {}) {
  return site(placement, [...DC, ...extra], {
    ...o,
    extend: (tf, s) => {
      addZone(tf, s.vnet, "clients", "10.0.2.0/24", o.clientsTrust === null ? {} : { tags: { "sdz-trust": o.clientsTrust ?? "INTERNAL" } });
      addZone(tf, s.vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      o.extend?.(tf, s);
    },
  });
}

describe("SDZ-KMS-006 KMS host or domain controller reachable from a perimeter zone or the Internet", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test("an allow from the perimeter on any port is one error on the VM, with the zone, the port and the path", () => {
      const r = check(dcSite(placement, [rule("allow-rdp", 120, "Allow", "Tcp", "3389", "10.0.50.0/24")]).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/^domain controller is reachable from PERIMETER zone dmz \(10\.0\.50\.0\/24; declared: sdz-trust=PERIMETER on azurerm_network_security_group\.dmz_nsg\) on TCP 3389 through rule "allow-rdp" of NSG /);
      expect(messages(r, ID)[0]).toMatch(/\(domain controller: inferred: reachable on TCP 88 through rule "allow-kerberos"/);
    });

    test("no deny-all: Azure's AllowVNetInBound lets the perimeter in on every port", () => {
      const r = check(dcSite(placement, [], { denyAll: false }).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/PERIMETER zone dmz .* on TCP any port, UDP any port through Azure's default rule AllowVNetInBound of NSG (servers_nsg|app01_nic_nsg) \(domain controller: /);
    });

    test("a rule opening every port to any source is SDZ-NET-001's one finding; a narrower allow from the perimeter beside it is still this rule's", () => {
      const s = dcSite(placement, [rule("allow-rdp", 115, "Allow", "Tcp", "3389", "10.0.50.0/24"), rule("allow-all", 120, "Allow", "*", "*", "*")]);
      const r = check(s.tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, "SDZ-NET-001")).toEqual([s.address("allow-all")]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/^domain controller is reachable from PERIMETER zone dmz \(10\.0\.50\.0\/24; [^)]*\) on TCP 3389 through rule "allow-rdp" of NSG [^;]*\(domain controller: /);
      expect(messages(r, ID)[0]).not.toMatch(/allow-all/);
    });

    test("allows from INTERNAL clients only pass; so does ICMP from the perimeter (R-SEC-4)", () => {
      expect(check(dcSite(placement, [rule("allow-icmp", 4000, "Allow", "Icmp", "*", "10.0.0.0/16")]).tf, [ID]).findings).toEqual([]);
    });

    test("HTTPS from the Internet through a rule written for it is reported; a wide allow from the Internet is SDZ-NET-001's", () => {
      const https = check(dcSite(placement, [rule("allow-https", 120, "Allow", "Tcp", "443", "Internet")]).tf, [ID]);
      expect(flagged(https, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(https, ID)[0]).toMatch(/reachable from the Internet on TCP 443 through rule "allow-https"/);
      // Nothing brings the Internet to the host yet: the finding says so, as SDZ-NET-001's does (was: "reachable from the Internet" alone).
      expect(messages(https, ID)[0]).toMatch(/\(no public IP, load balancer or DNAT reaches it today: the allow would expose it once one does\)/);
      const published = check(dcSite(placement, [rule("allow-https", 120, "Allow", "Tcp", "443", "Internet")], { publicIp: true }).tf, [ID]);
      expect(messages(published, ID)[0]).toMatch(/through rule "allow-https" .*\(in through .*public IP/);
      expect(messages(published, ID)[0]).not.toMatch(/no public IP, load balancer or DNAT/);
      const wide = check(dcSite(placement, [rule("allow-all", 120, "Allow", "*", "*", "Internet")]).tf, [ID, "SDZ-NET-001"]);
      expect(flagged(wide, ID)).toEqual([]);
      expect(flagged(wide, "SDZ-NET-001")).toHaveLength(1);
    });

    test("RDP from one public address (not the broad Internet, so not SDZ-NET-001's) is reported", () => {
      const r = check(dcSite(placement, [rule("allow-admin", 120, "Allow", "Tcp", "3389", "203.0.113.7")]).tf, [ID, "SDZ-NET-001"]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/reachable from public addresses 203\.0\.113\.7 on TCP 3389/);
      expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    });

    test("an allow whose source comes from a variable is could-not-verify", () => {
      const r = check(dcSite(placement, [rule("allow-mgmt", 120, "Allow", "Tcp", "3389", "${var.admins}")]).tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/may be reachable from .*PERIMETER zone dmz .*source_address_prefix: the variable admins/);
    });

    test("clients in a zone whose trust is neither declared nor inferred are could-not-verify", () => {
      const r = check(dcSite(placement, [], { clientsTrust: null }).tf, [ID]);
      // On the zone, where its trust is declared, naming the host (before: on the host).
      expect(unverifiedAt(r, ID)).toEqual(["azurerm_network_security_group.clients_nsg"]);
      expect(messages(r, ID)[0]).toMatch(/^could not verify: zone clients \(10\.0\.2\.0\/24; trust not declared\) reaches domain controller azurerm_windows_virtual_machine\.app01 \([^)]*\) on TCP (88-389|88, 389)/);
    });
  });

  test("an error whether the role is declared or only inferred (with its evidence)", () => {
    const rdp = [rule("allow-rdp", 120, "Allow", "Tcp", "3389", "10.0.50.0/24")];
    const inferred = check(dcSite("inline", rdp).tf, [ID]);
    expect(inferred.findings.map((f) => f.level)).toEqual([RuleLevel.ERROR]);
    expect(messages(inferred, ID)[0]).toMatch(/\(domain controller: inferred/);
    const declared = check(dcSite("inline", rdp, { vmTags: { [ZoneTags.ROLE]: "domain-controller" } }).tf, [ID]);
    expect(declared.findings.map((f) => f.level)).toEqual([RuleLevel.ERROR]);
    expect(messages(declared, ID)[0]).toMatch(/\(domain controller: declared: sdz-role=domain-controller on azurerm_windows_virtual_machine\.app01\)$/);
  });

  test("a KMS host inside a zone declared PERIMETER is reachable from its own zone", () => {
    const perimeter = (tf: TfJson, { nsg }: { nsg: string }) => Object.assign(tf.json.resource.azurerm_network_security_group[nsg.split(".")[1]], { tags: { "sdz-trust": "PERIMETER" } });
    const rdp = check(site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), rule("allow-rdp", 110, "Allow", "Tcp", "3389", "10.0.1.0/24")], { extend: perimeter }).tf, [ID]);
    expect(flagged(rdp, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(rdp, ID)[0]).toMatch(/^KMS host is reachable from PERIMETER zone servers \(10\.0\.1\.0\/24; declared[^)]*\) on TCP 3389 through rule "allow-rdp"/);
    // TCP 1688 from its own zone through a KMS allowlist is SDZ-KMS-003's one finding on the rule, naming the exposure (R-KMS-7).
    const kms = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.1.0/24")], { extend: perimeter });
    const r = check(kms.tf, [ID, "SDZ-KMS-003"]);
    expect(flagged(r, ID)).toEqual([]);
    expect(flagged(r, "SDZ-KMS-003")).toEqual([kms.nsg]);
    expect(messages(r, "SDZ-KMS-003")[0]).toMatch(/from PERIMETER zone servers .* it also exposes KMS host azurerm_windows_virtual_machine\.app01 .*\(R-KMS-7\)$/);
  });

  test("a DNAT rule publishing the DC to the Internet is reported with the DNAT path", () => {
    const s = dcSite("inline", [rule("allow-from-hub", 120, "Allow", "Tcp", "443", "10.0.100.0/26")], {
      extend: (tf, { vnet }) => {
        addFirewall(tf, vnet, "policy", []);
        tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
          name: "dnat", firewall_policy_id: TfJson.ref("azurerm_firewall_policy.hub"), priority: 100,
          nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "https", protocols: ["TCP"], source_addresses: ["*"], destination_address: "20.1.2.3", destination_ports: ["443"], translated_address: "10.0.1.4", translated_port: "443" }] }],
        });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID)[0]).toMatch(/from the Internet on TCP 443 through DNAT rule publish\/https, then rule "allow-from-hub" of NSG servers_nsg/);
  });

  describe.each<FirewallKind>(["policy", "classic"])("perimeter traffic routed through Azure Firewall (%s)", (kind) => {
    const routed = (fwRules: Body[]) => dcSite("inline", [rule("allow-rdp", 120, "Allow", "Tcp", "3389", "10.0.50.0/24")], {
      extend: (tf, { vnet }) => {
        addFirewall(tf, vnet, kind, fwRules);
        addRouteTable(tf, "dmz_rt", "azurerm_subnet.dmz", [viaFirewall("servers-via-fw", "10.0.1.0/24")]);
      },
    });

    test("a firewall rule that lets the perimeter through is on the path the finding names", () => {
      const r = check(routed([fwRule("rdp", ["10.0.50.0/24"], ["3389"], ["10.0.1.4"])]).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_VM]);
      expect(messages(r, ID)[0]).toMatch(/PERIMETER zone dmz .* on TCP 3389 through firewall rule kms-activation\/rdp, then rule "allow-rdp"/);
    });

    test("a firewall that allows nothing from the perimeter stops it", () => {
      expect(check(routed([fwRule("other", ["10.0.2.0/24"], ["3389"], ["10.0.1.4"])]).tf, [ID]).findings).toEqual([]);
    });
  });
});
