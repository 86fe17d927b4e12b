/**
 * Azure limits and the library's fixed thresholds, defined once. The constructs validate against
 * them and the rules judge against them, so the two can never disagree on a number. Sources are
 * cited per entry.
 */

/**
 * NSG rules: priorities 100-4096 (learn.microsoft.com, "Network security groups": "a number between
 * 100 and 4096"; the azurerm provider validates the same range), names of 1-80 characters,
 * descriptions of at most 140 characters (azurerm `description` validation). At most 1,000 rules
 * per NSG (learn.microsoft.com, "Azure subscription and service limits, quotas, and constraints",
 * Networking limits - Azure Resource Manager: "NSG rules per NSG | 1,000"). @internal
 */
export const NSG_LIMITS = {
  priorityMin: 100,
  priorityMax: 4096,
  ruleNameMaxLength: 80,
  descriptionMaxLength: 140,
  rulesPerNsgMax: 1000,
} as const;

/**
 * Route tables: at most 400 user-defined routes per route table (learn.microsoft.com, "Azure
 * subscription and service limits, quotas, and constraints", Networking limits - Azure Resource
 * Manager: "User-defined routes per route table | 400"). @internal
 */
export const ROUTE_TABLE_LIMITS = {
  routesPerTableMax: 400,
} as const;

/** TCP/UDP port numbers; ports below 1024 are privileged (well-known), so custom ports stay above. @internal */
export const PORT_LIMITS = { min: 1, max: 65535, unprivilegedMin: 1024 } as const;

/**
 * Azure Files share quotas in GiB (learn.microsoft.com, "Azure Files scalability and performance
 * targets"): a standard share holds up to 5 TiB, or 100 TiB with large file shares; a premium
 * (FileStorage) share is provisioned from 100 GiB to 100 TiB. Share soft delete keeps a deleted
 * share 1-365 days (azurerm `share_properties.retention_policy.days`). @internal
 */
export const AZURE_FILES_LIMITS = {
  quotaMinGib: 1,
  standardQuotaMaxGib: 5120,
  largeFileShareQuotaMaxGib: 102400,
  premiumQuotaMinGib: 100,
  premiumQuotaMaxGib: 102400,
  softDeleteMinDays: 1,
  softDeleteMaxDays: 365,
} as const;

/**
 * The library's retention floors and defaults. Share soft delete under 7 days is too short to
 * verify a USMT restore (seed 001, R-MIG-3: "long enough to verify the successful restore"); the
 * constructs default to 14 and the checks flag less than 7. A state migration point deletes
 * restored state after 7 days by default, never immediately. VNet flow logs keep 1-365 days
 * (azurerm `retention_policy.days`), 90 by default. @internal
 */
export const RETENTION_LIMITS = {
  shareSoftDeleteMinDays: 7,
  shareSoftDeleteDefaultDays: 14,
  stateDeleteAfterDefaultDays: 7,
  flowLogMinDays: 1,
  flowLogMaxDays: 365,
  flowLogDefaultDays: 90,
} as const;

/**
 * Azure resource tags (learn.microsoft.com, "Use tags to organize your Azure resources and
 * management hierarchy", Limitations): at most 50 tag name/value pairs per resource; names of at
 * most 512 characters (128 on storage accounts); values of at most 256 characters; names cannot
 * contain `<`, `>`, `%`, `&`, `\`, `?` or `/`. @internal
 */
export const TAG_LIMITS = {
  maxTags: 50,
  nameMaxLength: 512,
  storageAccountNameMaxLength: 128,
  valueMaxLength: 256,
  forbiddenNameCharacters: ["<", ">", "%", "&", "\\", "?", "/"],
} as const;
