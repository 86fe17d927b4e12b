import { TerraformStack } from "cdktf";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { RuleLevel } from "../../src/engine/rule";
import { HubFirewall, HubFirewallTier } from "../../src/hub/hub-firewall";
import { HubGateway, VpnGatewayGeneration, VpnGatewaySku } from "../../src/hub/hub-gateway";
import { TrustLevel } from "../../src/network/trust-level";
import { ALL_RULES } from "../../src/rules";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

function hubNetwork(stack: TerraformStack) {
  return new DeploymentNetwork(stack, "Hub", { name: "hub-vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
}

const CERT = "MIIC5jCCAc6gAwIBAgIQFakeRootCertificateDataForTestsOnlyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

describe("HubGateway", () => {
  test("synthesizes GatewaySubnet without NSG, Standard static public IP and a route-based VpnGw2AZ Generation2 gateway", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    const json = synthJson(stack);
    const subnets = Object.values(json.resource.azurerm_subnet) as any[];
    const gwSubnet = subnets.find((s) => s.name === "GatewaySubnet");
    expect(gwSubnet.address_prefixes).toEqual(["10.0.255.0/27"]);
    expect(json.resource.azurerm_subnet_network_security_group_association).toBeUndefined();
    const pips = Object.values(json.resource.azurerm_public_ip) as any[];
    expect(pips).toHaveLength(1);
    expect(pips[0]).toMatchObject({ sku: "Standard", allocation_method: "Static", zones: ["1", "2", "3"] });
    const gw = Object.values(json.resource.azurerm_virtual_network_gateway)[0] as any;
    expect(gw).toMatchObject({ type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ", generation: "Generation2", active_active: false, enable_bgp: false });
    expect(gw.ip_configuration).toHaveLength(1);
    expect(gw.vpn_client_configuration).toBeUndefined();
  });

  test("active-active creates two public IPs and two IP configurations", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", activeActive: true, sku: VpnGatewaySku.VPN_GW3, generation: VpnGatewayGeneration.GENERATION_1 });
    const json = synthJson(stack);
    const gw = Object.values(json.resource.azurerm_virtual_network_gateway)[0] as any;
    expect(gw).toMatchObject({ active_active: true, sku: "VpnGw3", generation: "Generation1" });
    expect(gw.ip_configuration).toHaveLength(2);
    const pips = Object.values(json.resource.azurerm_public_ip) as any[];
    expect(pips).toHaveLength(2);
    expect(pips[0].zones).toBeUndefined();
  });

  test("one GatewaySubnet per network", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    expect(() => new HubGateway(stack, "Gw2", { network, gatewayName: "gw2", gatewaySubnetPrefix: "10.0.254.0/27" })).toThrow(/Invalid \w+: "GatewaySubnet".*not already used/);
  });

  test("the GatewaySubnet is registered: a zone cannot overlap it", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27" });
    expect(network.zones.map((z) => z.zoneName)).toContain("GatewaySubnet");
    expect(() => new DeploymentZone(stack, "Z", { network, zoneName: "clash", addressPrefix: "10.0.255.0/24", trustLevel: TrustLevel.INTERNAL }))
      .toThrow(/Invalid addressPrefix: "10.0.255.0\/24".*GatewaySubnet/);
  });

  test("point-to-site uses IKEv2/OpenVPN with certificates, or OpenVPN with Entra ID", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", pointToSite: { addressSpace: ["172.16.200.0/24"], rootCertificates: [{ name: "corp-root", publicCertData: CERT }] } });
    const network2 = new DeploymentNetwork(stack, "Hub2", { name: "hub2-vnet", location: "westeurope", addressSpace: ["10.1.0.0/16"] });
    new HubGateway(stack, "Gw2", {
      network: network2, gatewayName: "gw2", gatewaySubnetPrefix: "10.1.255.0/27",
      pointToSite: { addressSpace: ["172.16.201.0/24"], entraId: { tenantId: "11111111-2222-3333-4444-555555555555" } },
    });
    const all = Object.values(synthJson(stack).resource.azurerm_virtual_network_gateway) as any[];
    const gws = [all.find((g) => g.name === "hub-vpngw"), all.find((g) => g.name === "gw2")];
    expect(gws[0].vpn_client_configuration).toMatchObject({ vpn_client_protocols: ["IkeV2", "OpenVPN"], vpn_auth_types: ["Certificate"], address_space: ["172.16.200.0/24"] });
    expect(gws[0].vpn_client_configuration.root_certificate[0].name).toBe("corp-root");
    expect(gws[1].vpn_client_configuration).toMatchObject({
      vpn_client_protocols: ["OpenVPN"], vpn_auth_types: ["AAD"],
      aad_tenant: "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/",
    });
  });

  test.each([
    [{ gatewaySubnetPrefix: "10.0.255.0/28" }, /Invalid gatewaySubnetPrefix: "10.0.255.0\/28"/],
    [{ gatewaySubnetPrefix: "10.9.0.0/27" }, /Invalid addressPrefix: "10.9.0.0\/27"/],
    [{ sku: "VpnGw1" }, /Invalid sku: "VpnGw1". Allowed: VpnGw2 or better/],
    [{ sku: "VpnGw4", generation: VpnGatewayGeneration.GENERATION_1 }, /Invalid generation: "Generation1"/],
    [{ gatewayName: "bad name!" }, /Invalid gatewayName: "bad name!"/],
    [{ pointToSite: { addressSpace: ["10.0.5.0/24"], rootCertificates: [{ name: "r", publicCertData: CERT }] } }, /Invalid pointToSite.addressSpace\[0\]: "10.0.5.0\/24"/],
    [{ pointToSite: { addressSpace: ["172.16.0.0/24"] } }, /Invalid pointToSite: "no authentication".*RADIUS-only is not offered/],
    [{ pointToSite: { addressSpace: ["172.16.0.0/24"], entraId: { tenantId: "nope" } } }, /Invalid pointToSite.entraId.tenantId: "nope"/],
  ])("refuses bad input %#", (extra, message) => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    expect(() => new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", ...(extra as any) })).toThrow(message);
  });
});

describe("HubFirewall", () => {
  test("synthesizes AzureFirewallSubnet, a static public IP, a Deny threat-intelligence policy and the firewall using it", () => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    const fw = new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26", tier: HubFirewallTier.PREMIUM });
    const json = synthJson(stack);
    const subnet = (Object.values(json.resource.azurerm_subnet) as any[]).find((s) => s.name === "AzureFirewallSubnet");
    expect(subnet.address_prefixes).toEqual(["10.0.254.0/26"]);
    const policy = Object.values(json.resource.azurerm_firewall_policy)[0] as any;
    expect(policy).toMatchObject({ threat_intelligence_mode: "Deny", sku: "Premium", name: "hub-fw-policy" });
    const firewall = Object.values(json.resource.azurerm_firewall)[0] as any;
    expect(firewall).toMatchObject({ sku_name: "AZFW_VNet", sku_tier: "Premium" });
    expect(firewall.firewall_policy_id).toMatch(/^\$\{azurerm_firewall_policy\..+\.id\}$/);
    expect(firewall.ip_configuration[0].public_ip_address_id).toMatch(/azurerm_public_ip/);
    expect(fw.policy).toBeDefined();
    expect(network.zones.map((z) => z.zoneName)).toContain("AzureFirewallSubnet");
  });

  test.each([
    [{ firewallSubnetPrefix: "10.0.254.0/27" }, /Invalid firewallSubnetPrefix: "10.0.254.0\/27"/],
    [{ tier: "Basic" }, /Invalid tier: "Basic"/],
    [{ availabilityZones: ["4"] }, /Invalid availabilityZones\[0\]: "4"/],
    [{ firewallName: "-x" }, /Invalid firewallName: "-x"/],
  ])("refuses bad input %#", (extra, message) => {
    const { stack } = newStack();
    const network = hubNetwork(stack);
    expect(() => new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26", ...(extra as any) })).toThrow(message);
  });
});

test("a hub built with the constructs has no error finding", () => {
  const { stack } = newStack();
  const network = hubNetwork(stack);
  new HubGateway(stack, "Gw", { network, gatewaySubnetPrefix: "10.0.255.0/27", pointToSite: { addressSpace: ["172.16.200.0/24"], rootCertificates: [{ name: "corp-root", publicCertData: CERT }] } });
  new HubFirewall(stack, "Fw", { network, firewallSubnetPrefix: "10.0.254.0/26" });
  const result = runRules(TerraformModel.fromTerraformJson(synthJson(stack)), ALL_RULES);
  expect(result.findings.filter((f) => f.level === RuleLevel.ERROR)).toEqual([]);
});
