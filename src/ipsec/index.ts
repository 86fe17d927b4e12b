// Public API of the ipsec area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { IpsecPolicyPreset, IkeDhGroup, PfsGroup, IkeEncryption, IkeIntegrity, IpsecEncryption, IpsecIntegrity } from "./ipsec-policy";
export type { IpsecPolicyProps } from "./ipsec-policy";
export { SiteToSiteTunnel, IpsecNsgRules } from "./site-to-site-tunnel";
export { IpsecTags } from "../contract/ipsec-tags";
export type { SiteToSiteTunnelProps } from "./site-to-site-tunnel";
