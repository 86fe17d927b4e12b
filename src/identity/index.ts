// Public API of the identity area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
