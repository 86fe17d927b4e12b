// Public API of the ipsec area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
