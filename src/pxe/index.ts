// Public API of the pxe area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { PxeSettingTags, PxeContentTransport } from "../contract/pxe-tags";
export { PxeZone } from "./pxe-zone";
export type { PxeZoneProps } from "./pxe-zone";
export { PxeDistributionPoint } from "./distribution-point";
export type { PxeDistributionPointProps } from "./distribution-point";
export { ReferenceImagingZone, ReferenceComputer } from "./reference-imaging-zone";
export type { ReferenceImagingZoneProps, ReferenceComputerProps } from "./reference-imaging-zone";
