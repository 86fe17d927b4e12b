/**
 * What the constructs claim at construction (zone prefixes and names in their network, names per
 * resource group, per stack, per app, per Network Watcher): a refused construct gives back what it
 * claimed and leaves the tree, so a caller that catches the error can retry; and flow log names,
 * which live in the Network Watcher (not in the network's resource group), are claimed per watcher.
 */
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack } from "cdktf";
import { ConstructErrorCode } from "../../src";
import { HubFirewall } from "../../src/hub/hub-firewall";
import { HubGateway } from "../../src/hub/hub-gateway";
import { IdentityZone } from "../../src/identity/identity-zone";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { PxeZone } from "../../src/pxe/pxe-zone";
import { DeploymentNetwork, DeploymentNetworkProps } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { errorOf } from "../support/construct-errors";
import { newStack, synthJson } from "../support/fixtures";

const NET: DeploymentNetworkProps = { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true };
/** A flow log storage account given by ID: networks of one VNet name would otherwise derive one (global) storage account name. */
const LOGS = "/subscriptions/0/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/logs";

/** Names of the synthesized resources of `type`. */
function names(stack: TerraformStack, type: string): string[] {
  return Object.values<any>(synthJson(stack).resource[type] ?? {}).map((r) => r.name).sort();
}

function sharedGroup() {
  const { stack } = newStack();
  const rg = new ResourceGroup(stack, "Rg", { name: "osd-rg", location: "westeurope" });
  const a = new DeploymentNetwork(stack, "NetA", { ...NET, name: "neta", addressSpace: ["10.1.0.0/16"], resourceGroup: rg });
  const b = new DeploymentNetwork(stack, "NetB", { ...NET, name: "netb", addressSpace: ["10.2.0.0/16"], resourceGroup: rg });
  new DeploymentZone(stack, "AServers", { network: a, zoneName: "servers", addressPrefix: "10.1.1.0/24", trustLevel: TrustLevel.INTERNAL });
  return { stack, rg, a, b };
}

describe("a refused zone gives back its prefix and name", () => {
  test("refused for its NSG name (taken in the shared resource group): the corrected zone with the same prefix is accepted, under the same id or another", () => {
    const { stack, b } = sharedGroup();
    const e = errorOf(() => new DeploymentZone(stack, "BServers", { network: b, zoneName: "servers", addressPrefix: "10.2.1.0/24", trustLevel: TrustLevel.INTERNAL }));
    expect([e.constructPath, e.prop, e.code]).toEqual(["test/BServers", "zoneName", ConstructErrorCode.DUPLICATE_VALUE]);
    // Nothing of the refused zone stays: not its prefix, not its construct.
    expect(b.zones).toEqual([]);
    expect(stack.node.tryFindChild("BServers")).toBeUndefined();
    const fixed = new DeploymentZone(stack, "BServers", { network: b, zoneName: "b-servers", addressPrefix: "10.2.1.0/24", trustLevel: TrustLevel.INTERNAL });
    expect(b.zones).toEqual([{ zoneName: "b-servers", addressPrefix: "10.2.1.0/24" }]);
    expect(fixed.node.path).toBe("test/BServers");
    expect(names(stack, "azurerm_subnet")).toEqual(["b-servers", "servers"]);
    expect(names(stack, "azurerm_network_security_group")).toEqual(["b-servers-nsg", "servers-nsg"]);
  });

  test("the same, retried under another id", () => {
    const { stack, b } = sharedGroup();
    errorOf(() => new DeploymentZone(stack, "BServers", { network: b, zoneName: "servers", addressPrefix: "10.2.1.0/24", trustLevel: TrustLevel.INTERNAL }));
    new DeploymentZone(stack, "BServers2", { network: b, zoneName: "b-servers", addressPrefix: "10.2.1.0/24", trustLevel: TrustLevel.INTERNAL });
    expect(b.zones).toEqual([{ zoneName: "b-servers", addressPrefix: "10.2.1.0/24" }]);
  });

  test("a refused zone does not release what another zone holds", () => {
    const { stack, a } = sharedGroup();
    // Refused: the name is taken in this network (by AServers); AServers keeps its name, prefix and NSG name.
    errorOf(() => new DeploymentZone(stack, "Dup", { network: a, zoneName: "servers", addressPrefix: "10.1.2.0/24", trustLevel: TrustLevel.INTERNAL }));
    expect(a.zones).toEqual([{ zoneName: "servers", addressPrefix: "10.1.1.0/24" }]);
    const again = errorOf(() => new DeploymentZone(stack, "Dup", { network: a, zoneName: "other", addressPrefix: "10.1.1.0/25", trustLevel: TrustLevel.INTERNAL }));
    expect(again.allowed).toMatch(/does not overlap zone servers \(10\.1\.1\.0\/24\)/);
  });

  test("a specialised zone refused after its base zone was built (IdentityZone domainClients) gives back its prefix", () => {
    const { stack } = newStack();
    const net = new DeploymentNetwork(stack, "Net", NET);
    const dmz = new DeploymentZone(stack, "Dmz", { network: net, zoneName: "dmz", addressPrefix: "10.0.8.0/24", trustLevel: TrustLevel.PERIMETER });
    const e = errorOf(() => new IdentityZone(stack, "Identity", { network: net, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(dmz)] }));
    expect([e.constructPath, e.prop]).toEqual(["test/Identity", "domainClients[0]"]);
    expect(net.zones.map((z) => z.zoneName)).toEqual(["dmz"]);
    new IdentityZone(stack, "Identity", { network: net, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.ipv4("10.0.1.0/24")] });
    expect(names(stack, "azurerm_subnet")).toEqual(["dmz", "identity"]);
  });
});

describe("a refused network gives back its names and builds nothing", () => {
  test("refused for its flow log storage account name (used app-wide): the retry with the same resource group and VNet names is accepted", () => {
    const { stack } = newStack();
    new DeploymentNetwork(stack, "N1", { name: "n1", location: "westeurope", addressSpace: ["10.1.0.0/16"], flowLogs: { storageAccountName: "flowlogs01" } });
    const props = { name: "n2", location: "westeurope", addressSpace: ["10.2.0.0/16"], resourceGroupName: "n2-rg" };
    const e = errorOf(() => new DeploymentNetwork(stack, "N2", { ...props, flowLogs: { storageAccountName: "flowlogs01" } }));
    expect([e.constructPath, e.prop, e.code]).toEqual(["test/N2", "flowLogs.storageAccountName", ConstructErrorCode.DUPLICATE_VALUE]);
    expect(stack.node.tryFindChild("N2")).toBeUndefined();
    new DeploymentNetwork(stack, "N2b", { ...props, flowLogs: { storageAccountName: "flowlogs02" } });
    // One resource group and one VNet each: the refused network left none behind.
    expect(names(stack, "azurerm_resource_group")).toEqual(["n1-rg", "n2-rg"]);
    expect(names(stack, "azurerm_virtual_network")).toEqual(["n1", "n2"]);
  });
});

describe("a refused hub gives back its subnet", () => {
  test("HubGateway and HubFirewall refused for a name taken in the shared resource group: the renamed retry in the same network is accepted", () => {
    const { stack, a, b } = sharedGroup();
    new HubGateway(stack, "GwA", { network: a, gatewaySubnetPrefix: "10.1.255.0/27" });
    new HubFirewall(stack, "FwA", { network: a, firewallSubnetPrefix: "10.1.254.0/26" });
    const gw = errorOf(() => new HubGateway(stack, "GwB", { network: b, gatewaySubnetPrefix: "10.2.255.0/27" }));
    expect([gw.constructPath, gw.prop, gw.code]).toEqual(["test/GwB", "gatewayName", ConstructErrorCode.DUPLICATE_VALUE]);
    const fw = errorOf(() => new HubFirewall(stack, "FwB", { network: b, firewallSubnetPrefix: "10.2.254.0/26" }));
    expect([fw.constructPath, fw.prop, fw.code]).toEqual(["test/FwB", "firewallName", ConstructErrorCode.DUPLICATE_VALUE]);
    expect(b.zones).toEqual([]);
    new HubGateway(stack, "GwB", { network: b, gatewayName: "gw-b", gatewaySubnetPrefix: "10.2.255.0/27" });
    new HubFirewall(stack, "FwB", { network: b, firewallName: "fw-b", firewallSubnetPrefix: "10.2.254.0/26" });
    expect(b.zones.map((z) => z.zoneName).sort()).toEqual(["AzureFirewallSubnet", "GatewaySubnet"]);
    expect(names(stack, "azurerm_firewall")).toEqual(["fw-b", "hub-fw"]);
  });
});

describe("flow log names are unique per Network Watcher, across networks", () => {
  test("two networks of one VNet name in two resource groups, one region: the second flow log is refused, naming both networks", () => {
    const { stack } = newStack();
    new DeploymentNetwork(stack, "Prod", { name: "osd-vnet", location: "westeurope", addressSpace: ["10.1.0.0/16"], resourceGroupName: "prod-rg", flowLogs: { storageAccountId: LOGS } });
    const e = errorOf(() => new DeploymentNetwork(stack, "Lab", { name: "osd-vnet", location: "westeurope", addressSpace: ["10.2.0.0/16"], resourceGroupName: "lab-rg", flowLogs: { storageAccountId: LOGS } }));
    expect([e.constructPath, e.prop, e.valueText, e.code]).toEqual(["test/Lab", "name", "\"osd-vnet\"", ConstructErrorCode.DUPLICATE_VALUE]);
    expect(e.allowed).toMatch(/^a value whose flow log name "osd-vnet-flowlog" is not already used in Network Watcher NetworkWatcher_westeurope \(resource group NetworkWatcherRG\): test\/Prod creates it there/);
    expect(stack.node.tryFindChild("Lab")).toBeUndefined();
  });

  test("another region (another watcher), another watcher name, or another VNet name is accepted; names are unchanged", () => {
    const { stack } = newStack();
    new DeploymentNetwork(stack, "Prod", { name: "osd-vnet", location: "westeurope", addressSpace: ["10.1.0.0/16"], resourceGroupName: "prod-rg", flowLogs: { storageAccountId: LOGS } });
    new DeploymentNetwork(stack, "Dr", { name: "osd-vnet", location: "northeurope", addressSpace: ["10.2.0.0/16"], resourceGroupName: "dr-rg", flowLogs: { storageAccountId: LOGS } });
    new DeploymentNetwork(stack, "Lab", {
      name: "osd-vnet", location: "westeurope", addressSpace: ["10.3.0.0/16"], resourceGroupName: "lab-rg",
      flowLogs: { storageAccountId: LOGS, networkWatcherName: "lab-watcher", networkWatcherResourceGroupName: "lab-rg" },
    });
    new DeploymentNetwork(stack, "Test", { name: "test-vnet", location: "westeurope", addressSpace: ["10.4.0.0/16"] });
    expect(names(stack, "azurerm_network_watcher_flow_log")).toEqual(["osd-vnet-flowlog", "osd-vnet-flowlog", "osd-vnet-flowlog", "test-vnet-flowlog"]);
  });

  test("watcher and flow log names are compared without case, as Azure does", () => {
    const { stack } = newStack();
    new DeploymentNetwork(stack, "Prod", { name: "osd-vnet", location: "westeurope", addressSpace: ["10.1.0.0/16"], resourceGroupName: "prod-rg", flowLogs: { storageAccountId: LOGS } });
    const e = errorOf(() => new DeploymentNetwork(stack, "Lab", {
      name: "OSD-vnet", location: "westeurope", addressSpace: ["10.2.0.0/16"], resourceGroupName: "lab-rg",
      flowLogs: { storageAccountId: LOGS, networkWatcherName: "networkwatcher_westeurope", networkWatcherResourceGroupName: "networkwatcherrg" },
    }));
    expect([e.constructPath, e.prop, e.valueText]).toEqual(["test/Lab", "name", "\"OSD-vnet\""]);
  });

  test("a PXE zone's own flow log (network flow logs off) and another network's VNet flow log of the same name: refused, naming both", () => {
    const { stack } = newStack();
    new DeploymentNetwork(stack, "Corp", { name: "pxe", location: "westeurope", addressSpace: ["10.1.0.0/16"] });
    const osd = new DeploymentNetwork(stack, "Osd", { ...NET, name: "osd", addressSpace: ["10.2.0.0/16"] });
    const pxe = {
      network: osd, addressPrefix: "10.2.1.0/24", clientSegments: ["192.168.10.0/24"], relayAgents: ["192.168.10.1"],
      flowLogStorageAccountId: "/subscriptions/0/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/logs",
    };
    const e = errorOf(() => new PxeZone(stack, "Pxe", { ...pxe, zoneName: "pxe" }));
    expect([e.constructPath, e.prop, e.valueText, e.code]).toEqual(["test/Pxe", "zoneName", "\"pxe\"", ConstructErrorCode.DUPLICATE_VALUE]);
    expect(e.allowed).toMatch(/flow log name "pxe-flowlog" is not already used in Network Watcher NetworkWatcher_westeurope \(resource group NetworkWatcherRG\): test\/Corp creates it there/);
    // The refused zone gave its prefix back: the renamed zone takes it.
    new PxeZone(stack, "Pxe", { ...pxe, zoneName: "osd-pxe" });
    expect(names(stack, "azurerm_network_watcher_flow_log")).toEqual(["osd-pxe-flowlog", "pxe-flowlog"]);
  });
});

describe("a refused HubFirewall.routeThrough builds and claims nothing", () => {
  test("GatewaySubnet-rt taken in the shared resource group: no table of the call is built, and their names stay free", () => {
    const { stack, a, b } = sharedGroup();
    const onPremises = [Peer.ipv4("192.168.0.0/24")];
    const hub = (net: DeploymentNetwork, id: string, space: number) => ({
      gw: new HubGateway(stack, `Gw${id}`, { network: net, gatewayName: `gw-${id}`, gatewaySubnetPrefix: `10.${space}.255.0/27` }),
      fw: new HubFirewall(stack, `Fw${id}`, { network: net, firewallName: `fw-${id}`, firewallSubnetPrefix: `10.${space}.254.0/26` }),
    });
    const zone = (net: DeploymentNetwork, id: string, prefix: string) =>
      new DeploymentZone(stack, id, { network: net, zoneName: id.toLowerCase(), addressPrefix: prefix, trustLevel: TrustLevel.INTERNAL });
    const ha = hub(a, "a", 1);
    ha.fw.routeThrough({ zone: zone(a, "ActA", "10.1.5.0/24"), clients: onPremises, gateway: ha.gw });
    const hb = hub(b, "b", 2);
    const actB = zone(b, "ActB", "10.2.5.0/24");
    const clientsB = zone(b, "ClientsB", "10.2.6.0/24");
    const e = errorOf(() => hb.fw.routeThrough({ zone: actB, clients: [Peer.zone(clientsB), ...onPremises], gateway: hb.gw }));
    expect([e.constructPath, e.prop, e.code]).toEqual(["test/Fwb", "gateway", ConstructErrorCode.DUPLICATE_VALUE]);
    expect(hb.fw.routeTables).toEqual({});
    expect(names(stack, "azurerm_route_table")).toEqual(["GatewaySubnet-rt", "acta-rt"]);
    // The names the refused call claimed first (clientsb-rt, actb-rt) are free: routing between the two zones alone is accepted.
    hb.fw.routeThrough({ zone: actB, clients: [Peer.zone(clientsB)] });
    expect(names(stack, "azurerm_route_table")).toEqual(["GatewaySubnet-rt", "acta-rt", "actb-rt", "clientsb-rt"]);
  });
});
