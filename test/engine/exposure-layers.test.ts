/**
 * Inbound traffic passes the subnet's NSG and then the NIC's (learn.microsoft.com/azure/virtual-network/
 * network-security-group-how-it-works), so the rule written for a service may sit on either, behind a
 * broad allow on the other. The port is named, the role inferred, and the finding reported on the
 * rule that names it, once, whichever layer holds it; an uncertain layer keeps the answer uncertain;
 * SDZ-NET-001 keeps reporting the deciding rule.
 */
import { DeploymentRole } from "../../src/contract/zone-tags";
import { Reachability } from "../../src/engine/access/reachability";
import { mayName, namingRule, reachOn, serviceDeciderOf } from "../../src/engine/exposure";
import { Roles } from "../../src/engine/roles";
import { SERVICE_PORTS } from "../../src/network/service-ports";
import { check, flagged, messages, unverifiedAt } from "../support/rule-harness";
import { Body, rule, TfJson } from "../support/tf-json";

const SUBNET_NSG = "azurerm_network_security_group.srv_nsg";
const NIC_NSG = "azurerm_network_security_group.srv_nic_nsg";

/**
 * VNet 10.0.0.0/16; subnet `srv` 10.0.5.0/24 whose NSG has `subnetRules`, VM `srv` (NIC 10.0.5.4)
 * whose NIC's NSG has `nicRules`, both then deny-all; subnet `dmz` 10.0.50.0/24 takes HTTPS from the
 * Internet (internet-facing: inferred PERIMETER). No sdz-* tags anywhere.
 */
function site(subnetRules: Body[], nicRules: Body[]): TfJson {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const srv = tf.subnet("srv", vnet, ["10.0.5.0/24"]);
  const dmz = tf.subnet("dmz", vnet, ["10.0.50.0/24"]);
  tf.associate(srv, tf.nsg("srv_nsg", [...subnetRules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  tf.associate(dmz, tf.nsg("dmz_nsg", [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet"), rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  const nic = tf.nic("srv_nic", srv, "10.0.5.4");
  tf.nicNsg(nic, tf.nsg("srv_nic_nsg", [...nicRules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  tf.windowsVm("srv", [nic]);
  tf.json.variable = { admin_password: { type: "string" }, ops_range: { type: "string" } };
  return tf;
}

const DMZ = "10.0.50.0/24";
const BROAD_ANY = rule("allow-vnet", 100, "Allow", "*", "*", "10.0.0.0/16");
const BROAD_HIGH = rule("allow-high", 100, "Allow", "*", "1024-65535", "10.0.0.0/16");
const KMS_RULE = (name: string) => rule(name, 110, "Allow", "Tcp", "1688", DMZ);
const PXE_RULE = (name: string) => rule(name, 110, "Allow", "Udp", ["67", "69", "4011"], DMZ);

function claimOf(tf: TfJson, role: DeploymentRole): string | undefined {
  const model = tf.model();
  const vm = Reachability.of(model).access.topology.vms[0];
  const c = Roles.of(model).claim(vm, role);
  return c && `${c.source}: ${c.evidence}`;
}

function kms(tf: TfJson) {
  const r = check(tf, ["SDZ-KMS-003", "SDZ-KMS-006"]);
  return {
    kms003: flagged(r, "SDZ-KMS-003"), kms003Unverified: unverifiedAt(r, "SDZ-KMS-003"),
    kms006: flagged(r, "SDZ-KMS-006"), kms006Unverified: unverifiedAt(r, "SDZ-KMS-006"),
    messages: [...messages(r, "SDZ-KMS-003"), ...messages(r, "SDZ-KMS-006")],
  };
}

function pxe(tf: TfJson) {
  const r = check(tf, ["SDZ-PXE-001"]);
  return { failing: flagged(r, "SDZ-PXE-001"), unverified: unverifiedAt(r, "SDZ-PXE-001"), messages: messages(r, "SDZ-PXE-001") };
}

describe("KMS: the rule written for TCP 1688 on either layer", () => {
  test.each([
    ["any port from the VNet", BROAD_ANY],
    ["1024-65535 from the VNet", BROAD_HIGH],
  ])("subnet NSG allows %s, the NIC's NSG allows 1688 from the DMZ: KMS host inferred through the NIC rule, one finding: SDZ-KMS-003 on the NIC's NSG (SDZ-KMS-006 leaves TCP 1688 through it)", (_what, broad) => {
    const tf = site([broad], [KMS_RULE("allow-kms")]);
    expect(claimOf(tf, DeploymentRole.KMS_HOST)).toBe('inferred: reachable on TCP 1688 through rule "allow-kms" of NSG srv_nic_nsg');
    const k = kms(tf);
    expect([k.kms003, k.kms003Unverified, k.kms006, k.kms006Unverified]).toEqual([[NIC_NSG], [], [], []]);
    expect(k.messages[0]).toMatch(/^rule "allow-kms" of NSG srv_nic_nsg allows KMS \(TCP 1688\) from PERIMETER zone dmz/);
  });

  test("the mirror: the subnet NSG names 1688 from the DMZ, the NIC's NSG allows every port from the VNet: the subnet rule, once", () => {
    const tf = site([KMS_RULE("allow-kms")], [BROAD_ANY]);
    expect(claimOf(tf, DeploymentRole.KMS_HOST)).toBe('inferred: reachable on TCP 1688 through rule "allow-kms" of NSG srv_nsg');
    const k = kms(tf);
    expect([k.kms003, k.kms003Unverified, k.kms006, k.kms006Unverified]).toEqual([[SUBNET_NSG], [], [], []]);
  });

  test("both layers name 1688: one finding, on the first (the subnet's) rule, not one per layer", () => {
    const tf = site([KMS_RULE("allow-kms-subnet")], [KMS_RULE("allow-kms-nic")]);
    expect(claimOf(tf, DeploymentRole.KMS_HOST)).toBe('inferred: reachable on TCP 1688 through rule "allow-kms-subnet" of NSG srv_nsg');
    const k = kms(tf);
    expect([k.kms003, k.kms003Unverified, k.kms006, k.kms006Unverified]).toEqual([[SUBNET_NSG], [], [], []]);
    expect(k.messages.filter((m) => m.startsWith("rule "))).toHaveLength(1);
  });

  test("control: neither layer names 1688 (every port on the subnet, 1024-65535 on the NIC): no KMS host, nothing to report", () => {
    const tf = site([BROAD_ANY], [BROAD_HIGH]);
    expect(claimOf(tf, DeploymentRole.KMS_HOST)).toBeUndefined();
    const k = kms(tf);
    expect([k.kms003, k.kms003Unverified, k.kms006, k.kms006Unverified]).toEqual([[], [], [], []]);
  });

  test("fail closed: the subnet's broad allow has a source not known before apply: the NIC rule may let the DMZ in (could-not-verify on it), no role inferred", () => {
    const tf = site([rule("allow-ops", 100, "Allow", "*", "*", "${var.ops_range}")], [KMS_RULE("allow-kms")]);
    expect(claimOf(tf, DeploymentRole.KMS_HOST)).toBeUndefined();
    const k = kms(tf);
    expect([k.kms003, k.kms003Unverified, k.kms006, k.kms006Unverified]).toEqual([[], [NIC_NSG], [], []]);
    expect(k.messages[0]).toMatch(/^could not verify: rule "allow-kms" of NSG srv_nic_nsg may allow KMS \(TCP 1688\) from PERIMETER zone dmz/);
  });
});

describe("PXE: the rule written for DHCP, TFTP and PXE/BINL on either layer", () => {
  test.each([
    ["any port from the VNet", BROAD_ANY],
    ["every UDP port from the VNet", rule("allow-vnet-udp", 100, "Allow", "Udp", "*", "10.0.0.0/16")],
  ])("subnet NSG allows %s, the NIC's NSG allows UDP 67, 69, 4011 from the DMZ: distribution point inferred through the NIC rule, SDZ-PXE-001 on the NIC's NSG", (_what, broad) => {
    const tf = site([broad], [PXE_RULE("allow-pxe")]);
    expect(claimOf(tf, DeploymentRole.PXE_DISTRIBUTION_POINT)).toBe('inferred: reachable on UDP 67 through rule "allow-pxe" of NSG srv_nic_nsg');
    const p = pxe(tf);
    expect([p.failing, p.unverified]).toEqual([[NIC_NSG], []]);
    expect(p.messages).toHaveLength(1);
    expect(p.messages[0]).toMatch(/^rule "allow-pxe" of NSG srv_nic_nsg lets zone dmz \(PERIMETER/);
  });

  test("the mirror: the subnet NSG names the PXE ports, the NIC's NSG allows every port from the VNet: the subnet rule, once", () => {
    const tf = site([PXE_RULE("allow-pxe")], [BROAD_ANY]);
    expect(claimOf(tf, DeploymentRole.PXE_DISTRIBUTION_POINT)).toBe('inferred: reachable on UDP 67 through rule "allow-pxe" of NSG srv_nsg');
    const p = pxe(tf);
    expect([p.failing, p.unverified]).toEqual([[SUBNET_NSG], []]);
  });

  test("both layers name the PXE ports: one finding, on the subnet's rule", () => {
    const tf = site([PXE_RULE("allow-pxe-subnet")], [PXE_RULE("allow-pxe-nic")]);
    expect(claimOf(tf, DeploymentRole.PXE_DISTRIBUTION_POINT)).toBe('inferred: reachable on UDP 67 through rule "allow-pxe-subnet" of NSG srv_nsg');
    const p = pxe(tf);
    expect([p.failing, p.unverified]).toEqual([[SUBNET_NSG], []]);
    expect(p.messages).toHaveLength(1);
  });

  test("control: neither layer names the PXE ports: no distribution point, nothing to report", () => {
    const tf = site([BROAD_ANY], [rule("allow-udp-any", 100, "Allow", "Udp", "*", DMZ)]);
    expect(claimOf(tf, DeploymentRole.PXE_DISTRIBUTION_POINT)).toBeUndefined();
    expect(pxe(tf)).toEqual({ failing: [], unverified: [], messages: [] });
  });
});

describe("the questions behind them", () => {
  function reaches(tf: TfJson) {
    const model = tf.model();
    const reach = Reachability.of(model);
    const ep = reach.access.endpointsOfVm(reach.access.topology.vms[0])[0];
    return reachOn(model, ep, SERVICE_PORTS.KMS).map((r) => ({
      outcome: r.outcome, named: namingRule(r, SERVICE_PORTS.KMS), mayName: mayName(r, SERVICE_PORTS.KMS),
      decider: serviceDeciderOf(r, SERVICE_PORTS.KMS, ep).label,
    }));
  }

  test("namingRule and serviceDeciderOf give the NIC's rule behind the subnet's broad allow", () => {
    expect(reaches(site([BROAD_ANY], [KMS_RULE("allow-kms")]))).toEqual([
      { outcome: "allow", named: 'rule "allow-kms" of NSG srv_nic_nsg', mayName: false, decider: 'rule "allow-kms" of NSG srv_nic_nsg' },
    ]);
  });

  test("with no rule for the port the deciding rule stays the first explicit one (the subnet's)", () => {
    expect(reaches(site([BROAD_ANY], [BROAD_HIGH]))).toEqual([
      { outcome: "allow", named: undefined, mayName: false, decider: 'rule "allow-vnet" of NSG srv_nsg' },
    ]);
  });

  test("an uncertain layer keeps the reach uncertain: may name, never named", () => {
    expect(reaches(site([rule("allow-ops", 100, "Allow", "*", "*", "${var.ops_range}")], [KMS_RULE("allow-kms")]))).toEqual([
      { outcome: "uncertain", named: undefined, mayName: true, decider: 'rule "allow-kms" of NSG srv_nic_nsg' },
    ]);
  });
});

describe("SDZ-NET-001 keeps the deciding rule", () => {
  test("the subnet NSG opens every port to the Internet and the NIC's NSG lets RDP through: reported on the subnet's rule, as before", () => {
    const tf = site([rule("allow-any", 100, "Allow", "*", "*", "*")], [rule("allow-rdp", 110, "Allow", "Tcp", "3389", "*")]);
    const r = check(tf, ["SDZ-NET-001"]);
    expect([flagged(r, "SDZ-NET-001"), unverifiedAt(r, "SDZ-NET-001")]).toEqual([[SUBNET_NSG], []]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/^rule "allow-any" of NSG srv_nsg allows RDP/);
  });

  test.each([
    ["KMS", "SDZ-KMS-002", rule("allow-kms", 110, "Allow", "Tcp", "1688", "*")],
    ["the AMT provisioning port", "SDZ-OOB-002", rule("allow-prov", 110, "Allow", "Tcp", "9971", "*")],
  ])("the subnet NSG opens every port to the Internet and the NIC's NSG names %s from the Internet: the service's rule reports the NIC rule, SDZ-NET-001 leaves it (one finding)", (_what, id, nicRule) => {
    const tf = site([rule("allow-any", 100, "Allow", "*", "*", "*")], [nicRule]);
    const r = check(tf, ["SDZ-NET-001", id]);
    expect([flagged(r, "SDZ-NET-001"), unverifiedAt(r, "SDZ-NET-001"), flagged(r, id), unverifiedAt(r, id)]).toEqual([[], [], [NIC_NSG], []]);
  });
});
