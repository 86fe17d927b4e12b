/**
 * One finding per exposure between SDZ-KMS-002 (TCP 1688 from sources that are no allowlist) and
 * SDZ-KMS-003 (TCP 1688 from zones below INTERNAL, or of unknown trust). A rule whose values are not
 * known before apply (ports or sources from a variable) is one could-not-verify, and a rule whose
 * sources are no allowlist one error: where KMS-002 reports a rule, KMS-003 leaves it to that finding,
 * which names KMS-003's zones (before: both on the same rule). A rule KMS-002 has nothing to say about
 * (an allowlist of one zone) stays KMS-003's. Raw, untagged azurerm resources, in every NSG placement.
 */
import { addInternetFacingZone, addZone, KMS_HOST_VM } from "./sites";
import { FindingStatus } from "../../../src/engine/result";
import { Body, check, messages, PLACEMENTS, Placement, rule, site, TfJson } from "../../support/rule-harness";

const IDS = ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-KMS-006", "SDZ-NET-001", "SDZ-NET-003", "SDZ-OOB-001", "SDZ-OOB-002", "SDZ-DOM-001"];
const FAIL = FindingStatus.FAIL;
const U = FindingStatus.UNVERIFIED;

/** A declared KMS host app01 (10.0.1.4) with `rules`; beside it clients 10.0.2.0/24 (INTERNAL), lab 10.0.3.0/24 (untagged), dmz 10.0.50.0/24 (PERIMETER), webdmz (internet-facing). */
function kmsSite(placement: Placement, rules: Body[], denyAll = true) {
  const s = site(placement, rules, {
    denyAll,
    vmTags: { "sdz-role": "kms-host" },
    extend: (tf, { vnet }) => {
      addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
      addZone(tf, vnet, "lab", "10.0.3.0/24");
      addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
      addInternetFacingZone(tf, vnet);
    },
  });
  s.tf.json.variable = { ...(s.tf.json.variable ?? {}), ports: { type: "string" }, src: { type: "string" } };
  return s;
}

/** Sorted `rule address status` of the open findings of {@link IDS}. */
function findings(tf: Parameters<typeof check>[0]): string[] {
  return check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

describe.each(PLACEMENTS)("SDZ-KMS-002 and SDZ-KMS-003: one finding per exposure (%s NSG rules)", (placement) => {
  test("ports from a variable, from 10.0.0.0/8 (private, wider than a /16): the out-of-band owner's could-not-verify (SDZ-OOB-001), naming KMS; KMS-006 keeps the other ports", () => {
    const s = kmsSite(placement, [rule("maybe", 100, "Allow", "Tcp", "${var.ports}", "10.0.0.0/8")]);
    const at = s.address("maybe");
    // Before: `SDZ-KMS-002 <at> unverified` (and, before that, SDZ-KMS-003's too) beside SDZ-OOB-001's and SDZ-DOM-001's, about the same
    // variable: the rule is not written for KMS, so its unknown ports are one could-not-verify, the out-of-band owner's (cross-pack-unknown-ports.test.ts).
    expect(findings(s.tf)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${U}`, `SDZ-OOB-001 ${at} ${U}`]);
    const [oob] = messages(check(s.tf, ["SDZ-OOB-001"]), "SDZ-OOB-001");
    expect(oob).toMatch(/^could not verify: rule "maybe" of NSG \w+ may allow Intel AMT \(TCP 16992-16995\) from .*zone dmz \(PERIMETER\).* to azurerm_network_interface\.app01_nic \(10\.0\.1\.4\)/);
    expect(oob).toMatch(/may also open the AMT provisioning port TCP 9971, KMS \(TCP 1688\), .* there \(SDZ-DOM-001, SDZ-KMS-002, SDZ-KMS-003, SDZ-KMS-006 and SDZ-OOB-002 leave this rule to this finding\)$/);
    // TCP 1688 from the zones stays with the rule's finding; the host's finding points at it.
    const [kms006] = messages(check(s.tf, ["SDZ-KMS-006", "SDZ-OOB-001", "SDZ-KMS-002", "SDZ-KMS-003"]), "SDZ-KMS-006");
    expect(kms006).toMatch(/on TCP 0-1687, 1689-65535 through /);
    expect(kms006).toMatch(new RegExp(`TCP 1688 from zones [^;]*dmz[^;]* is SDZ-OOB-001's finding on ${at.replace(/\./g, "\\.")}`));
  });

  test("TCP 1688 from a variable: SDZ-KMS-002's could-not-verify alone", () => {
    const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "${var.src}")]);
    // Before: also `SDZ-KMS-003 <rule> unverified` (and, before that, SDZ-NET-001's).
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.address("allow-kms")} ${U}`]);
  });

  test("ports from a variable, from the DMZ alone (an allowlist KMS-002 accepts): the out-of-band owner's could-not-verify, naming KMS", () => {
    const s = kmsSite(placement, [rule("maybe", 100, "Allow", "Tcp", "${var.ports}", "10.0.50.0/24")]);
    // Before: `SDZ-KMS-003 <rule> unverified` beside SDZ-OOB-001's, about the same variable.
    expect(findings(s.tf)).toEqual([`SDZ-KMS-006 ${KMS_HOST_VM} ${U}`, `SDZ-OOB-001 ${s.address("maybe")} ${U}`]);
  });

  test("TCP 1688 from the DMZ, through a rule written for it whose source list is a variable: SDZ-KMS-002's could-not-verify (the rule stays the KMS rules')", () => {
    const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "${var.src}")]);
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.address("allow-kms")} ${U}`]);
  });

  test("known values: TCP 1688 from 10.0.0.0/8, which holds the DMZ: SDZ-KMS-002's error alone, naming the DMZ (R-KMS-3) and the host's exposure (R-KMS-7)", () => {
    const s = kmsSite(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.0.0/8")]);
    const at = s.address("allow-kms");
    // Before: also `SDZ-KMS-003 <at> fail` ("allows KMS (TCP 1688) from PERIMETER zone dmz ..."), about the same rule: fixed by one allowlist.
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${at} ${FAIL}`]);
    expect(messages(check(s.tf, ["SDZ-KMS-002"]), "SDZ-KMS-002")[0]).toMatch(/^rule "allow-kms" of NSG \w+ allows KMS \(TCP 1688\) from 10\.0\.0\.0\/8 \(more than a \/16\) to .*; among them PERIMETER zone dmz .*which must activate with MAK \(R-KMS-3\).*it also exposes KMS host azurerm_windows_virtual_machine\.app01 .* to perimeter traffic \(R-KMS-7\)$/);
  });
});

/**
 * An explicit allow of all traffic from VirtualNetwork (a user's rule, not Azure's default) on a KMS host
 * re-creates AllowVNetInBound: SDZ-KMS-002 reports it (VirtualNetwork is no allowlist) and says it opens
 * every port (R-PXE-4), so SDZ-NET-003 leaves that rule to it, as it leaves Azure's AllowVNetInBound
 * (before: NET-003's error on the same rule too, and KMS-003's). An NSG with no KMS host stays NET-003's.
 */
describe.each(PLACEMENTS)("an explicit allow of all traffic from VirtualNetwork (%s NSG rules)", (placement) => {
  test("on a declared KMS host: SDZ-KMS-002's error on the rule, naming R-PXE-4; KMS-006 keeps the host's other ports", () => {
    const s = kmsSite(placement, [rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")]);
    const at = s.address("allow-vnet");
    // Before: also `SDZ-NET-003 <at> fail` (re-creating AllowVNetInBound), about the same rule (and, before 9cf3adc, `SDZ-KMS-003 <at> fail`).
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${at} ${FAIL}`, `SDZ-KMS-006 ${KMS_HOST_VM} ${FAIL}`]);
    const [kms002] = messages(check(s.tf, ["SDZ-KMS-002"]), "SDZ-KMS-002");
    expect(kms002).toMatch(/^rule "allow-vnet" of NSG \w+ allows KMS \(TCP 1688\) from VirtualNetwork .*; among them PERIMETER zone dmz /);
    expect(kms002).toMatch(/; the rule allows all traffic from VirtualNetwork, re-creating AllowVNetInBound, so the virtual network reaches the host on every port, not only TCP 1688 \(R-PXE-4: default-deny inbound\)/);
    expect(messages(check(s.tf, ["SDZ-KMS-006", "SDZ-KMS-002", "SDZ-KMS-003"]), "SDZ-KMS-006")[0]).toMatch(/on TCP 0-1687, 1689-65535, UDP any port through rule "allow-vnet" .*TCP 1688 from zones [^;]* is SDZ-KMS-002's finding on /);
  });

  test("on an untagged KMS host (inferred from its 1688 rule): the same one error on the rule; KMS-006 keeps the host's other ports", () => {
    const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")], {
      extend: (tf, { vnet }) => addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } }),
    });
    // Before: also `SDZ-NET-003 <allow-vnet> fail`. KMS-006: the untagged zones of the VNet (servers itself) on the other ports, trust not known:
    // on the zone, where its trust is declared (before: on the host).
    expect(findings(s.tf)).toEqual([`SDZ-KMS-002 ${s.address("allow-vnet")} ${FAIL}`, `SDZ-KMS-006 ${placement === "nic" ? "azurerm_subnet.servers" : "azurerm_network_security_group.servers_nsg"} ${U}`]);
  });
});

// The zone's trust is declared on the subnet's NSG: the placements that have one.
test.each(["inline", "standalone"] as const)("an explicit allow of all traffic from VirtualNetwork in an INTERNAL zone with no KMS host (%s): SDZ-NET-003's error (unchanged)", (placement) => {
  const s = site(placement, [rule("allow-vnet", 200, "Allow", "*", "*", "VirtualNetwork")], {
    extend: (tf, { nsg }) => { tf.json.resource.azurerm_network_security_group[nsg.split(".")[1]].tags = { "sdz-trust": "INTERNAL" }; },
  });
  expect(findings(s.tf)).toEqual([`SDZ-NET-003 ${s.address("allow-vnet")} ${FAIL}`]);
});

/**
 * Who SDZ-NET-001 reports is judged per host and per deciding rule; the KMS rules used to judge "a wide
 * rule from the broad Internet, left to NET-001" on the union of an exposure's sources over every host.
 * One subnet rule not written for KMS (TCP 1000-2000 from *) reaches two declared KMS hosts, whose NIC
 * NSGs each let in less than half of the public space (no host is open to the broad Internet, so NET-001
 * says nothing), while the union is more than half: KMS-002 dropped the rule as NET-001's, and no finding
 * said that KMS is open to a large part of the Internet. Now the reaches NET-001 reports are left to it
 * host by host (reportedByNet001For), and what remains is judged as any other source.
 */
describe("an exposure whose hosts each see less than the broad Internet", () => {
  function twoHosts(nicSources: [string[], string[]], extra: Body[] = []) {
    const tf = new TfJson();
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
    const nsg = tf.nsg("servers_nsg", [rule("allow-wide", 100, "Allow", "Tcp", "1000-2000", "*"), ...extra, rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
    tf.associate(subnet, nsg);
    addZone(tf, vnet, "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
    ["app01", "app02"].forEach((name, i) => {
      const nic = tf.nic(`${name}_nic`, subnet, `10.0.1.${4 + i}`);
      tf.nicNsg(nic, tf.nsg(`${name}_nic_nsg`, [rule("allow-some", 100, "Allow", "Tcp", "*", nicSources[i]), rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]));
      tf.windowsVm(name, [nic], { tags: { "sdz-role": "kms-host" } });
    });
    return { tf, nsg };
  }

  test("37% and 25% of the public IPv4 space, 62% together: SDZ-KMS-002's error on the rule (before: none; it names the zones the /2 holds), KMS-006 on each host", () => {
    const { tf, nsg } = twoHosts([["0.0.0.0/2", "64.0.0.0/3"], ["96.0.0.0/3", "128.0.0.0/3"]]);
    // Before: only the two SDZ-KMS-006 errors; the allowlist problem of the rule was dropped as if SDZ-NET-001 reported it.
    expect(findings(tf)).toEqual([`SDZ-KMS-002 ${nsg} ${FAIL}`, "SDZ-KMS-006 azurerm_windows_virtual_machine.app01 fail", "SDZ-KMS-006 azurerm_windows_virtual_machine.app02 fail"]);
    expect(messages(check(tf, ["SDZ-KMS-002"]), "SDZ-KMS-002")[0]).toMatch(/^rule "allow-wide" of NSG servers_nsg allows KMS \(TCP 1688\) from the Internet, .* to 2 hosts \(azurerm_network_interface\.app01_nic .*azurerm_network_interface\.app02_nic /);
  });

  test("the broad Internet on one host, the DMZ on the other: NET-001's error for the first, KMS-003's for the DMZ on the second (before: NET-001's only)", () => {
    const { tf, nsg } = twoHosts([["*"], ["10.0.50.0/24"]]);
    // Before: the rule's sources over both hosts were the broad Internet, so KMS-003 dropped the DMZ on app02 too, which NET-001 (about app01) does not name.
    const all = check(tf, IDS).findings.filter((f) => f.status !== FindingStatus.SUPPRESSED);
    expect(all.map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort()).toEqual([
      `SDZ-KMS-003 ${nsg} ${FAIL}`, "SDZ-KMS-006 azurerm_windows_virtual_machine.app02 fail", `SDZ-NET-001 ${nsg} ${FAIL}`,
    ]);
    expect(all.find((f) => f.ruleId === "SDZ-NET-001")!.message).toMatch(/^rule "allow-wide" of NSG servers_nsg allows KMS \(TCP 1688\) from the Internet to azurerm_network_interface\.app01_nic/);
    expect(all.find((f) => f.ruleId === "SDZ-KMS-003")!.message).toMatch(/^rule "allow-wide" of NSG servers_nsg allows KMS \(TCP 1688\) from PERIMETER zone dmz .* to azurerm_network_interface\.app02_nic/);
  });
});
