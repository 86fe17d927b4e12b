/**
 * The one normalisation layer the access model reads through: every field a decision depends on
 * becomes a known value or an unknown naming the field and why (variable, data source, computed
 * attribute, missing, empty, malformed). Nothing is dropped: a rule that cannot be read stays in
 * the model as "could change the decision", so nothing unknown is ever compliant.
 */
import { TerraformModel } from "../model";

/** A field's value, or why it is not known. */
export type Field<T> =
  | { readonly known: true; readonly value: T }
  /** `expression`: the Terraform expression as written, when there is one (for pictures and messages). */
  | { readonly known: false; readonly field: string; readonly reason: string; readonly expression?: string };

export function knownField<T>(value: T): Field<T> {
  return { known: true, value };
}

export function unknownField<T>(field: string, reason: string, expression?: string): Field<T> {
  return { known: false, field, reason, expression };
}

/** `field: reason`, for messages. */
export function describeUnknown(f: { field: string; reason: string }): string {
  return `${f.field}: ${f.reason}`;
}

/** True for values Terraform treats as unset: undefined, null, `""` and `[]` (plan JSON writes `""` for unused fields). */
export function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

/** A string field that must be one of `allowed` (case-insensitive); missing, unknown or other values are unknown. */
export function enumField<T extends string>(model: TerraformModel, body: Record<string, unknown>, field: string, allowed: readonly T[]): Field<T> {
  const raw = body[field];
  if (isUnset(raw)) return unknownField(field, "missing (Azure requires it)");
  const r = model.resolveString(raw);
  if (!r.known) return unknownField(field, r.reason);
  const hit = allowed.find((a) => a.toLowerCase() === r.value.trim().toLowerCase());
  return hit !== undefined ? knownField(hit) : unknownField(field, `${JSON.stringify(r.value)} is not one of ${allowed.join(", ")}`);
}

/** An integer field within [min, max]; missing, unknown, fractional or out-of-range values are unknown. */
export function intField(model: TerraformModel, body: Record<string, unknown>, field: string, min: number, max: number): Field<number> {
  const raw = body[field];
  if (isUnset(raw)) return unknownField(field, "missing (Azure requires it)");
  const r = model.resolveNumber(raw);
  if (!r.known) return unknownField(field, r.reason);
  const v = r.value;
  if (v === undefined || !Number.isInteger(v) || v < min || v > max) return unknownField(field, `${String(v)} is not an integer from ${min} to ${max} (Azure rejects it)`);
  return knownField(v);
}

/**
 * A list of strings read from a singular and a plural field (`x` and `xs`); unset parts are
 * skipped, so `""` beside a filled plural is not an unknown. Undefined when both are unset.
 */
export function stringListFields(model: TerraformModel, body: Record<string, unknown>, ...fields: string[]): Field<string[]> | undefined {
  const out: string[] = [];
  let seen = false;
  for (const field of fields) {
    const raw = body[field];
    if (isUnset(raw)) continue;
    seen = true;
    const r = model.resolveStringList(raw);
    if (!r.known) return unknownField(field, r.reason, r.expression ?? (typeof raw === "string" ? raw : undefined));
    for (const item of r.value) {
      if (item.trim() === "") return unknownField(field, "contains an empty entry");
      out.push(item.trim());
    }
  }
  return seen ? knownField(out) : undefined;
}

/**
 * Why a nested-block attribute cannot be read before apply: an expression instead of blocks
 * (`security_rule = var.rules`), or a `dynamic` block (expanded at plan time). Undefined when it is
 * readable or absent. Blocks written beside a `dynamic` one are still read; this says what they may miss.
 */
export function unreadableBlock(config: Record<string, any>, attribute: string): string | undefined {
  if (typeof config[attribute] === "string") return `${attribute} is an expression that is only evaluated at plan time`;
  const dyn = config.dynamic;
  if (dyn && typeof dyn === "object" && attribute in dyn) return `${attribute} is a dynamic block, expanded at plan time`;
  return undefined;
}

/** JSON text of a value for a message, or its kind when it has none (undefined, a cycle, a BigInt). */
export function valueText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
