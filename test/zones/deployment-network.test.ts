import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformVariable } from "cdktf";
import { DeploymentNetwork, DeploymentNetworkProps } from "../../src";
import { newStack, synthJson } from "../support/fixtures";

const BASE: DeploymentNetworkProps = { name: "deploy-vnet", location: "westeurope", addressSpace: ["10.10.0.0/16"] };

function synth(props: Partial<DeploymentNetworkProps> = {}) {
  const { stack } = newStack();
  const net = new DeploymentNetwork(stack, "Net", { ...BASE, ...props });
  return { net, json: synthJson(stack) };
}
function one(obj: Record<string, any> | undefined): [string, any] {
  const entries = Object.entries(obj ?? {});
  expect(entries).toHaveLength(1);
  return entries[0];
}

describe("DeploymentNetwork synthesis", () => {
  test("resource group, VNet with address space, DNS servers and tags", () => {
    const { json } = synth({ dnsServers: ["10.10.1.4", "10.10.1.5"], tags: { env: "lab" } });
    const [rgKey, rg] = one(json.resource.azurerm_resource_group);
    expect(rg).toEqual({ name: "deploy-vnet-rg", location: "westeurope", tags: { env: "lab" } });
    const [, vnet] = one(json.resource.azurerm_virtual_network);
    expect(vnet).toEqual({
      name: "deploy-vnet", location: "westeurope", resource_group_name: `\${azurerm_resource_group.${rgKey}.name}`,
      address_space: ["10.10.0.0/16"], dns_servers: ["10.10.1.4", "10.10.1.5"], tags: { env: "lab" },
    });
  });

  test("a given resource group is used, none created", () => {
    const { stack } = newStack();
    const rg = new ResourceGroup(stack, "Rg", { name: "existing", location: "westeurope" });
    new DeploymentNetwork(stack, "Net", { ...BASE, resourceGroup: rg });
    const json = synthJson(stack);
    expect(Object.keys(json.resource.azurerm_resource_group)).toEqual(["Rg"]);
    expect(one(json.resource.azurerm_virtual_network)[1].resource_group_name).toBe("${azurerm_resource_group.Rg.name}");
  });

  test("VNet flow log: targets the VNet (not an NSG), version 2, 90 days, into a new private storage account", () => {
    const { json, net } = synth();
    const [vnetKey] = one(json.resource.azurerm_virtual_network);
    const [saKey, sa] = one(json.resource.azurerm_storage_account);
    const [, fl] = one(json.resource.azurerm_network_watcher_flow_log);
    expect(fl).toMatchObject({
      name: "deploy-vnet-flowlog",
      network_watcher_name: "NetworkWatcher_westeurope",
      resource_group_name: "NetworkWatcherRG",
      target_resource_id: `\${azurerm_virtual_network.${vnetKey}.id}`,
      storage_account_id: `\${azurerm_storage_account.${saKey}.id}`,
      enabled: true,
      version: 2,
      retention_policy: { enabled: true, days: 90 },
    });
    expect(fl.network_security_group_id).toBeUndefined();
    expect(fl.traffic_analytics).toBeUndefined();
    expect(sa).toMatchObject({
      name: expect.stringMatching(/^[a-z0-9]{3,24}$/),
      min_tls_version: "TLS1_2", https_traffic_only_enabled: true, allow_nested_items_to_be_public: false,
      public_network_access_enabled: true, shared_access_key_enabled: false, infrastructure_encryption_enabled: true,
      network_rules: { default_action: "Deny", bypass: ["AzureServices", "Logging", "Metrics"] },
    });
    expect(net.flowLog).toBeDefined();
    expect(net.flowLogStorageAccount).toBeDefined();
  });

  test("flow log options: existing storage, retention, watcher, traffic analytics", () => {
    const { json } = synth({
      flowLogs: {
        storageAccountId: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/central",
        retentionDays: 30,
        networkWatcherName: "nw-weu",
        networkWatcherResourceGroupName: "nw-rg",
        trafficAnalytics: {
          workspaceId: "11111111-2222-3333-4444-555555555555",
          workspaceRegion: "westeurope",
          workspaceResourceId: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/law",
          intervalInMinutes: 60,
        },
      },
    });
    expect(json.resource.azurerm_storage_account).toBeUndefined();
    expect(one(json.resource.azurerm_network_watcher_flow_log)[1]).toMatchObject({
      storage_account_id: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/central",
      retention_policy: { enabled: true, days: 30 },
      network_watcher_name: "nw-weu",
      resource_group_name: "nw-rg",
      traffic_analytics: {
        enabled: true,
        workspace_id: "11111111-2222-3333-4444-555555555555",
        workspace_region: "westeurope",
        workspace_resource_id: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/law",
        interval_in_minutes: 60,
      },
    });
  });

  test("traffic analytics values may be references (tokens are not validated)", () => {
    const { stack } = newStack();
    const v = (n: string) => new TerraformVariable(stack, n, { type: "string" }).stringValue;
    new DeploymentNetwork(stack, "Net", { ...BASE, flowLogs: { trafficAnalytics: { workspaceId: v("ws"), workspaceRegion: v("region"), workspaceResourceId: v("wsid") } } });
    expect(one(synthJson(stack).resource.azurerm_network_watcher_flow_log)[1].traffic_analytics.interval_in_minutes).toBe(10);
  });

  test("flow logs can be turned off", () => {
    const { json, net } = synth({ disableFlowLogs: true });
    expect(json.resource.azurerm_network_watcher_flow_log).toBeUndefined();
    expect(json.resource.azurerm_storage_account).toBeUndefined();
    expect(net.flowLog).toBeUndefined();
  });

  test("registerZone keeps hand-made subnets out of zone prefixes", () => {
    const { net } = synth();
    net.registerZone("GatewaySubnet", "10.10.255.0/27");
    expect(net.zones).toEqual([{ zoneName: "GatewaySubnet", addressPrefix: "10.10.255.0/27" }]);
    expect(() => net.registerZone("z", "10.10.255.0/24")).toThrow(/does not overlap zone GatewaySubnet/);
  });
});

describe("DeploymentNetwork construction errors", () => {
  test.each<[string, Partial<DeploymentNetworkProps>, RegExp]>([
    ["bad name", { name: "-vnet" }, /Invalid name: "-vnet"/],
    ["one-letter name", { name: "v" }, /Invalid name: "v"/],
    ["bad location", { location: "West Europe" }, /Invalid location: "West Europe"\. Allowed: an Azure region name/],
    ["empty address space", { addressSpace: [] }, /Invalid addressSpace: \[\]\. Allowed: a non-empty list/],
    ["invalid CIDR", { addressSpace: ["10.10.0.0/99"] }, /Invalid addressSpace\[0\]: "10\.10\.0\.0\/99"/],
    ["host bits set", { addressSpace: ["10.10.1.0/16"] }, /Invalid addressSpace\[0\]: "10\.10\.1\.0\/16"\. Allowed: a CIDR whose address is the network address \(10\.10\.0\.0\/16\)/],
    ["IPv6 space", { addressSpace: ["fd00::/48"] }, /Invalid addressSpace\[0\]: "fd00::\/48"\. Allowed: an IPv4 CIDR block/],
    ["overlapping space", { addressSpace: ["10.10.0.0/16", "10.10.128.0/17"] }, /Invalid addressSpace: .*10\.10\.0\.0\/16 overlaps 10\.10\.128\.0\/17/],
    ["DNS server CIDR", { dnsServers: ["10.10.1.0/24"] }, /Invalid dnsServers\[0\]: "10\.10\.1\.0\/24"\. Allowed: an IPv4 address/],
    ["DNS server garbage", { dnsServers: ["10.10.1.4", "dc01"] }, /Invalid dnsServers\[1\]: "dc01"/],
    ["retention 0", { flowLogs: { retentionDays: 0 } }, /Invalid flowLogs\.retentionDays: 0\. Allowed: an integer from 1 to 365/],
    ["retention 400", { flowLogs: { retentionDays: 400 } }, /Invalid flowLogs\.retentionDays: 400/],
    ["storage name", { flowLogs: { storageAccountName: "Flow-Logs" } }, /Invalid flowLogs\.storageAccountName: "Flow-Logs"\. Allowed: a storage account name of 3-24 characters: lowercase/],
    ["storage id", { flowLogs: { storageAccountId: "central" } }, /Invalid flowLogs\.storageAccountId: "central"/],
    ["watcher name", { flowLogs: { networkWatcherName: "bad name" } }, /Invalid flowLogs\.networkWatcherName: "bad name"/],
    ["flow logs while disabled", { disableFlowLogs: true, flowLogs: { retentionDays: 30 } }, /Invalid flowLogs: .*Allowed: no flow log settings when disableFlowLogs is true/],
  ])("%s", (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  const ta = { workspaceId: "11111111-2222-3333-4444-555555555555", workspaceRegion: "westeurope", workspaceResourceId: "/subscriptions/0/resourceGroups/r/providers/Microsoft.OperationalInsights/workspaces/w" };
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["interval", { intervalInMinutes: 30 }, /Invalid flowLogs\.trafficAnalytics\.intervalInMinutes: 30\. Allowed: 10 or 60/],
    ["workspace GUID", { workspaceId: "law" }, /Invalid flowLogs\.trafficAnalytics\.workspaceId: "law"/],
    ["workspace region", { workspaceRegion: "West Europe" }, /Invalid flowLogs\.trafficAnalytics\.workspaceRegion: "West Europe"/],
    ["workspace resource id", { workspaceResourceId: "law" }, /Invalid flowLogs\.trafficAnalytics\.workspaceResourceId: "law"/],
  ])("traffic analytics %s", (_, bad, message) => {
    expect(() => synth({ flowLogs: { trafficAnalytics: { ...ta, ...bad } as any } })).toThrow(message);
  });
});
