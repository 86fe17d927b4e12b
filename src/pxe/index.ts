// Public API of the pxe area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
