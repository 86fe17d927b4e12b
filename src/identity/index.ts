// Public API of the identity area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { IdentityZone, DomainController } from "./identity-zone";
export type { IdentityZoneProps, DomainControllerProps } from "./identity-zone";
