/**
 * Azure limits and the library's fixed thresholds, defined once. The constructs validate against
 * them and the rules judge against them, so the two can never disagree on a number. Sources are
 * cited per entry.
 */

/**
 * NSG rules: priorities 100-4096 (learn.microsoft.com, "Network security groups": "a number between
 * 100 and 4096"; the azurerm provider validates the same range), names of 1-80 characters,
 * descriptions of at most 140 characters (azurerm `description` validation). @internal
 */
export const NSG_LIMITS = {
  priorityMin: 100,
  priorityMax: 4096,
  ruleNameMaxLength: 80,
  descriptionMaxLength: 140,
} as const;
