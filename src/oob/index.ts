// Public API of the oob area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { ManagementZone } from "./management-zone";
export type { ManagementZoneProps } from "./management-zone";
export { OutOfBandServicePoint } from "./out-of-band-service-point";
export type { OutOfBandServicePointProps, AmtFirmwareSettings, ProvisioningCertificateOptions } from "./out-of-band-service-point";
export { OobTags } from "../contract/oob-tags";
