/**
 * Builds the error thrown for bad construct input: it always names the property, the value and
 * what is allowed, so a user can fix the call without reading the source.
 */
export function invalidProp(prop: string, value: unknown, allowed: string): Error {
  return new Error(`Invalid ${prop}: ${formatValue(value)}. Allowed: ${allowed}`);
}

/** Renders a value for an error message; long lists and objects are kept readable. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return String(value);
  }
}

/** Fails when an integer is outside [min, max]. */
export function requireIntInRange(prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(prop, value, `an integer from ${min} to ${max}`);
  }
  return value;
}
