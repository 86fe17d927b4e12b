// The tag contract (layer 1): every `sdz-*` tag and share-metadata key, typed, once.
export * from "./tag";
export * from "./zone-tags";
export * from "./pxe-tags";
export * from "./kms-tags";
export * from "./migration-tags";
export * from "./oob-tags";
export * from "./ipsec-tags";
export * from "./registry";
