// Public API of the hub area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { HubGateway, VpnGatewaySku, VpnGatewayGeneration, PointToSiteProtocol } from "./hub-gateway";
export type { HubGatewayProps, PointToSiteOptions, PointToSiteRootCertificate, PointToSiteEntraId } from "./hub-gateway";
export { HubFirewall, HubFirewallTier } from "./hub-firewall";
export type { HubFirewallProps } from "./hub-firewall";
export type { FirewallPathOptions } from "./hub-firewall";
