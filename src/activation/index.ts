// Public API of the activation area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
