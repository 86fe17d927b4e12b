// Public API of the migration area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export {};
