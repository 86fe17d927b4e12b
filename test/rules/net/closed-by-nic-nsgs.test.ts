/**
 * SDZ-NET-002 and SDZ-NET-003 judge a subnet by effective access: Azure applies the subnet's NSG and
 * then the NIC's, and both must allow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works).
 * Where every host of the subnet is closed to the virtual network by its own NIC NSG, the subnet's
 * missing deny-all (or missing NSG) exposes nothing today: the findings say so, one level lower (a
 * subnet with no NSG that holds a deployment server stays an error). A subnet with a host left open,
 * or whose hosts cannot all be listed (a scale set, an AKS node pool, a NIC whose subnet cannot be
 * followed, a private endpoint), keeps the error that says the VNet reaches it on any port.
 * Raw, untagged azurerm resources; rules inline and standalone, on the subnet's NSG and the NIC's.
 */
import { CheckResult, FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { Body, check, messages, rule, TfJson } from "../../support/rule-harness";

const IDS = ["SDZ-NET-002", "SDZ-NET-003"];
const PLACES = ["inline", "standalone"] as const;
type Place = (typeof PLACES)[number];

/** Sorted `rule address status level` of the open findings of {@link IDS}. */
function found(r: CheckResult): string[] {
  return r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && IDS.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.address} ${f.status} ${f.level}`).sort();
}
const fail = (id: string, address: string, level: RuleLevel) => `${id} ${address} ${FindingStatus.FAIL} ${level}`;

function nsgWith(tf: TfJson, name: string, rules: Body[], place: Place): string {
  const nsg = tf.nsg(name, place === "inline" ? rules : []);
  if (place === "standalone") rules.forEach((r) => tf.nsgRule(`${name}_${String(r.name).replace(/-/g, "_")}`, nsg, r));
  return nsg;
}

const DENY_ALL = rule("deny-all-inbound", 4096, "Deny", "*", "*", "*");
const KMS_FROM_CLIENTS = rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24");

/**
 * VNet 10.0.0.0/16; clients 10.0.2.0/24 (its NSG denies all); servers 10.0.1.0/24 with an NSG holding
 * `subnetRules` (no NSG when null); VM kms01 (NIC 10.0.1.10) whose NIC NSG holds `nicRules`: by default
 * TCP 1688 from the clients (an untagged KMS host, inferred) and a deny-all.
 */
function servers(place: Place, subnetRules: Body[] | null, nicRules: Body[] = [KMS_FROM_CLIENTS, DENY_ALL]) {
  const tf = new TfJson();
  tf.json.variable = { admin_password: { type: "string", sensitive: true }, subnet_id: { type: "string" } };
  const vnet = tf.vnet("net");
  tf.associate(tf.subnet("clients", vnet, ["10.0.2.0/24"]), tf.nsg("clients_nsg", [DENY_ALL]));
  const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const subnetNsg = subnetRules ? nsgWith(tf, "servers_nsg", subnetRules, place) : undefined;
  if (subnetNsg) tf.associate(subnet, subnetNsg);
  const nic = tf.nic("kms01", subnet, "10.0.1.10");
  tf.nicNsg(nic, nsgWith(tf, "kms01_nsg", nicRules, place));
  tf.windowsVm("kms01", [nic]);
  return { tf, subnet, subnetNsg: subnetNsg!, vnet };
}

/** A second VM app02 (NIC 10.0.1.11) in servers, with a NIC NSG of `rules` (none when undefined). */
function addHost(tf: TfJson, subnet: string, place: Place, rules?: Body[]): void {
  const nic = tf.nic("app02", subnet, "10.0.1.11");
  if (rules) tf.nicNsg(nic, nsgWith(tf, "app02_nsg", rules, place));
  tf.windowsVm("app02", [nic]);
}

const OPEN = /so every subnet of the VNet, every peered VNet and every VPN\/ExpressRoute-connected range can reach it on any port/;

describe.each(PLACES)("SDZ-NET-003: a subnet NSG without a deny-all (%s rules)", (place) => {
  const ICMP = rule("allow-icmp", 4000, "Allow", "Icmp", "*", "10.0.0.0/16");

  test("review case r04: the only host's NIC NSG denies all: a warning that a host added without its own NSG would be reachable, not the error", () => {
    const s = servers(place, [ICMP]);
    const r = check(s.tf, IDS);
    // Before: `SDZ-NET-003 servers_nsg fail error`, "... can reach it on any port".
    expect(found(r)).toEqual([fail("SDZ-NET-003", s.subnetNsg, RuleLevel.WARNING)]);
    const [msg] = messages(r, "SDZ-NET-003");
    expect(msg).toMatch(/^NSG "servers_nsg" of zone servers \(holds kms-host azurerm_windows_virtual_machine\.kms01: inferred, reachable on TCP 1688 through rule "allow-kms" of NSG kms01_nsg\): no explicit inbound deny overrides Azure's default rule AllowVNetInBound \(priority 65000\), but its only host azurerm_network_interface\.kms01 \(10\.0\.1\.10\) is closed to the virtual network by its own NIC NSG \(kms01_nsg\) except through what it allows \(rule "allow-kms" of NSG kms01_nsg\), so nothing else of the VNet reaches a host of the subnet today; a host added to the subnet without its own NSG would be reachable from every subnet of the VNet/);
    expect(msg).not.toMatch(OPEN);
  });

  test("the subnet NSG's own allow from VirtualNetwork on TCP 1688, narrowed by the NIC NSG: the same warning", () => {
    const s = servers(place, [rule("allow-kms-vnet", 100, "Allow", "Tcp", "1688", "VirtualNetwork")]);
    expect(found(check(s.tf, IDS))).toEqual([fail("SDZ-NET-003", s.subnetNsg, RuleLevel.WARNING)]);
  });

  test("two hosts, both closed by their NIC NSGs: the warning names both", () => {
    const s = servers(place, [ICMP]);
    addHost(s.tf, s.subnet, place, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.2.5"), DENY_ALL]);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-003", s.subnetNsg, RuleLevel.WARNING)]);
    expect(messages(r, "SDZ-NET-003")[0]).toMatch(/each of its 2 hosts \(azurerm_network_interface\.kms01 \(10\.0\.1\.10\), azurerm_network_interface\.app02 \(10\.0\.1\.11\)\) is closed to the virtual network by its own NIC NSG \(kms01_nsg, app02_nsg\) except through what they allow \(rule "allow-kms" of NSG kms01_nsg, rule "allow-rdp" of NSG app02_nsg\), so nothing else of the VNet/);
  });

  test.each([
    ["a second host without a NIC NSG", (s: ReturnType<typeof servers>) => addHost(s.tf, s.subnet, place)],
    ["a second host whose NIC NSG has no deny-all", (s: ReturnType<typeof servers>) => addHost(s.tf, s.subnet, place, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.2.5")])],
    ["a scale set in the subnet (hosts the checks do not list)", (s: ReturnType<typeof servers>) => s.tf.add("azurerm_windows_virtual_machine_scale_set", "pool", {
      name: "pool", location: "westeurope", resource_group_name: "rg", sku: "Standard_D2s_v5", instances: 2, admin_username: "ops", admin_password: "${var.admin_password}",
      network_interface: [{ name: "nic", primary: true, ip_configuration: [{ name: "ip", primary: true, subnet_id: TfJson.ref(s.subnet) }] }],
    })],
    ["a NIC elsewhere whose subnet_id is a variable", (s: ReturnType<typeof servers>) => s.tf.add("azurerm_network_interface", "other", {
      name: "other", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${var.subnet_id}", private_ip_address_allocation: "Dynamic" }],
    })],
    ["a private endpoint in the subnet (no NIC NSG of its own)", (s: ReturnType<typeof servers>) => s.tf.add("azurerm_private_endpoint", "pe", {
      name: "pe", location: "westeurope", resource_group_name: "rg", subnet_id: TfJson.ref(s.subnet),
      private_service_connection: { name: "c", is_manual_connection: false, private_connection_resource_id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa", subresource_names: ["blob"] },
    })],
  ])("%s: the error stays", (_, extend) => {
    const s = servers(place, [ICMP]);
    extend(s);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-003", s.subnetNsg, RuleLevel.ERROR)]);
    expect(messages(r, "SDZ-NET-003")[0]).toMatch(OPEN);
  });

  test("the NIC NSG without a deny-all leaves the only host open: as before, SDZ-KMS-002's error on AllowVNetInBound carries it", () => {
    const s = servers(place, [ICMP], [KMS_FROM_CLIENTS, rule("deny-rdp", 200, "Deny", "Tcp", "3389", "*")]);
    const r = check(s.tf, [...IDS, "SDZ-KMS-002"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.address} ${f.status} ${f.level}`)).toEqual([fail("SDZ-KMS-002", s.subnetNsg, RuleLevel.ERROR)]);
  });

  // Review s14 F1: the host counts as closed by what gets through the NIC NSG, not by the NIC rule's likeness to AllowVNetInBound.
  test.each([
    ["allows all traffic from the VNet's own space 10.0.0.0/16", [rule("allow-vnet-cidr", 200, "Allow", "*", "*", "10.0.0.0/16")]],
    ["allows Tcp * and Udp * from VirtualNetwork in two rules", [rule("vnet-tcp", 200, "Allow", "Tcp", "*", "VirtualNetwork"), rule("vnet-udp", 210, "Allow", "Udp", "*", "VirtualNetwork")]],
    ["allows TCP 1688 from the VNet's own space (a prefix wider than a /24)", [rule("kms-vnet-cidr", 200, "Allow", "Tcp", "1688", "10.0.0.0/16")]],
    ["allows every port from the clients' /24 (not a few ports)", [rule("clients-all", 200, "Allow", "*", "*", "10.0.2.0/24")]],
    ["allows TCP 445 from *", [rule("smb-any", 200, "Allow", "Tcp", "445", "*")]],
  ])("review s14 F1: the NIC NSG %s: the error stays (before: a warning that the host is closed)", (_, extra) => {
    const s = servers(place, [ICMP], [KMS_FROM_CLIENTS, ...extra, DENY_ALL]);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-003", s.subnetNsg, RuleLevel.ERROR)]);
    expect(messages(r, "SDZ-NET-003")[0]).toMatch(OPEN);
  });

  test("with a deny-all on the subnet NSG too: nothing", () => {
    expect(found(check(servers(place, [ICMP, DENY_ALL]).tf, IDS))).toEqual([]);
  });
});

describe.each(PLACES)("SDZ-NET-002: a subnet without an NSG whose hosts have NIC NSGs (%s rules)", (place) => {
  test("review case r08a: a host closed by its NIC NSG, no deployment server: a note that the hosts are protected only by their own NSGs", () => {
    const s = servers(place, null, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.2.5"), DENY_ALL]);
    const r = check(s.tf, IDS);
    // Before: `SDZ-NET-002 servers fail error`, "... can reach it on any port".
    expect(found(r)).toEqual([fail("SDZ-NET-002", s.subnet, RuleLevel.INFO)]);
    expect(messages(r, "SDZ-NET-002")).toEqual([
      "azurerm_subnet.servers has no network security group, so its hosts are protected only by their own NSGs: its only host azurerm_network_interface.kms01 (10.0.1.10) "
      + "is closed to the virtual network by its own NIC NSG (kms01_nsg) except through what it allows (rule \"allow-rdp\" of NSG kms01_nsg); a host added to the subnet without one would be reachable from every subnet of the VNet, "
      + "every peered VNet and every VPN/ExpressRoute-connected range on any port",
    ]);
  });

  test("the closed host is a KMS host (inferred): the error stays, with the same effective-access wording (R-PXE-4)", () => {
    const s = servers(place, null);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-002", s.subnet, RuleLevel.ERROR)]);
    const [msg] = messages(r, "SDZ-NET-002");
    expect(msg).toMatch(/protected only by their own NSGs: its only host azurerm_network_interface\.kms01 \(10\.0\.1\.10\) is closed to the virtual network by its own NIC NSG \(kms01_nsg\) except through what it allows \(rule "allow-kms" of NSG kms01_nsg\)/);
    expect(msg).toMatch(/; the subnet holds kms-host azurerm_windows_virtual_machine\.kms01 \(inferred: reachable on TCP 1688 through rule "allow-kms" of NSG kms01_nsg\), and R-PXE-4 asks for a firewall around the segment$/);
  });

  test("a NIC NSG without a deny-all: the error that the VNet reaches the subnet on any port stays", () => {
    const s = servers(place, null, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.2.5")]);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-002", s.subnet, RuleLevel.ERROR)]);
    expect(messages(r, "SDZ-NET-002")[0]).toMatch(/has no network security group: every subnet of the VNet, every peered VNet and every VPN\/ExpressRoute-connected range can reach it on any port$/);
  });

  test.each([
    ["allows all traffic from the VNet's own space 10.0.0.0/16", [rule("allow-vnet-cidr", 200, "Allow", "*", "*", "10.0.0.0/16")]],
    ["allows TCP 445 from *", [rule("smb-any", 200, "Allow", "Tcp", "445", "*")]],
  ])("review s14 F1: a NIC NSG that %s: the error (before: a note that the host is closed)", (_, extra) => {
    const s = servers(place, null, [...extra, DENY_ALL]);
    const r = check(s.tf, IDS);
    expect(found(r)).toEqual([fail("SDZ-NET-002", s.subnet, RuleLevel.ERROR)]);
    expect(messages(r, "SDZ-NET-002")[0]).toMatch(/has no network security group: every subnet of the VNet, every peered VNet and every VPN\/ExpressRoute-connected range can reach it on any port$/);
  });

  test("review case r08b: an AKS node pool in the subnet (its nodes' NSG is AKS-managed, not in the configuration): the error stays", () => {
    const s = servers(place, null, [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.2.5"), DENY_ALL]);
    s.tf.add("azurerm_kubernetes_cluster", "aks", {
      name: "aks", location: "westeurope", resource_group_name: "rg", dns_prefix: "aks", identity: { type: "SystemAssigned" },
      default_node_pool: { name: "system", node_count: 2, vm_size: "Standard_D2s_v5", vnet_subnet_id: TfJson.ref(s.subnet) },
    });
    expect(found(check(s.tf, IDS))).toEqual([fail("SDZ-NET-002", s.subnet, RuleLevel.ERROR)]);
  });
});
