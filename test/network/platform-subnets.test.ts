import {
  isFirewallSubnet, isGatewaySubnet, isNoClientSubnet, isNsgExemptSubnet, isPlatformSubnet, PLATFORM_SUBNETS, platformSubnetKind, RESERVED_SUBNET_NAMES,
} from "../../src/network/platform-subnets";

describe("Azure's platform subnets", () => {
  test("the five names, matched in any case as Azure does", () => {
    expect(Object.values(PLATFORM_SUBNETS).map((s) => s.name)).toEqual(["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "AzureBastionSubnet", "RouteServerSubnet"]);
    expect(platformSubnetKind("gatewaysubnet")).toBe("gateway");
    expect(platformSubnetKind("AZUREFIREWALLSUBNET")).toBe("firewall");
    expect(platformSubnetKind("azureFirewallManagementSubnet")).toBe("firewallManagement");
    expect(platformSubnetKind("AzureBastionSubnet")).toBe("bastion");
    expect(platformSubnetKind("routeServerSubnet")).toBe("routeServer");
    expect(platformSubnetKind("Gateway-Subnet")).toBeUndefined();
    expect(platformSubnetKind(undefined)).toBeUndefined();
    expect(isGatewaySubnet({ name: "GATEWAYSUBNET" })).toBe(true);
    expect(isFirewallSubnet({ name: "azurefirewallsubnet" })).toBe(true);
    expect(isFirewallSubnet({ name: "AzureFirewallManagementSubnet" })).toBe(false);
    expect(isPlatformSubnet({})).toBe(false);
    expect(isPlatformSubnet(undefined)).toBe(false);
  });

  test("the constructs refuse the same names, lower-cased, in the order they always listed them", () => {
    expect(RESERVED_SUBNET_NAMES).toEqual(["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "azurebastionsubnet", "routeserversubnet"]);
  });

  test("NSG-exempt: every platform subnet but AzureBastionSubnet; no client zone: GatewaySubnet, RouteServerSubnet, AzureFirewallManagementSubnet", () => {
    const names = Object.values(PLATFORM_SUBNETS).map((s) => s.name);
    expect(names.filter((name) => isNsgExemptSubnet({ name }))).toEqual(["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"]);
    expect(names.filter((name) => isNoClientSubnet({ name }))).toEqual(["GatewaySubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"]);
  });
});
