// Public API of the oob area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
