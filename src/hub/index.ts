// Public API of the hub area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
