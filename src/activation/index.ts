// Public API of the activation area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { ActivationZone } from "./activation-zone";
export type { ActivationZoneProps, MakActivationDeclaration } from "./activation-zone";
export { KmsHost, KmsServer } from "./kms-host";
export type { KmsHostProps, KmsManagementInterface, KmsPrivateDnsRecordOptions } from "./kms-host";
export { KmsTags } from "../contract/kms-tags";
