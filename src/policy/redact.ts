/**
 * Secrets never reach a message, report, log or annotation.
 *
 * Rules describe what they find, and a message may quote a value. Before any output is written
 * (annotations, reports, the command line's output), every literal value of a secret-bearing field
 * (passwords, keys, secrets, tokens, custom data, protected settings...) and of a secret-named tag
 * is removed from the result's text, and the settings inventory never shows a secret-named tag's
 * value. Rules should never quote such values in the first place; this is the last line of defence
 * at the output boundary, applied to every result the same way.
 */
import { TerraformModel } from "../engine/model";
import { memoByName } from "../engine/name-memo";
import { CheckResult, Finding } from "../engine/result";

/** What replaces a secret in any text. */
export const REDACTED = "(secret value not shown)";

/**
 * Field and tag names whose values are secrets: `*password*`, `*passwd*`, `*passphrase*`, `*secret*`,
 * `*key*` (keys, access keys, shared keys), `*token*`, `*credential*`, `*connection_string*`,
 * `*sas*` (shared access signatures), `custom_data`, `user_data` and `protected_settings`.
 */
const SECRET_NAME = /pass(word|wd|phrase)|secret|key|token|credential|connection_?string|(^|[_-])sas([_-]|$)|custom_?data|user_?data|protected_?settings/i;

/** True when a field or tag named so holds a secret. */
export function isSecretName(name: string): boolean {
  return secretName(name);
}

const secretName = memoByName((name) => SECRET_NAME.test(name));

/** Values that are flags or placeholders, not secrets (`sdz-oob-mebx-custom-password = "true"` records a fact). */
const NOT_SECRET = new Set(["true", "false", "yes", "no", "null", "none", "on", "off", "enabled", "disabled"]);

/** The shortest value treated as a secret: shorter ones would blank out unrelated words. */
const MIN_SECRET_LENGTH = 4;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Every literal secret of a configuration: string values under secret-named fields (at any depth,
 * in nested blocks too), the values of secret-named tags, and what a reference in such a field
 * resolves to (a local holding the password).
 */
export function collectSecrets(model: TerraformModel): string[] {
  const found = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "number") v = String(v);
    if (typeof v !== "string") return;
    const candidates = [v];
    if (v.includes("${")) {
      const resolved = model.resolve(v);
      candidates.length = 0;
      if (resolved.known && (typeof resolved.value === "string" || typeof resolved.value === "number")) candidates.push(String(resolved.value));
      else if (resolved.known) collectAll(resolved.value);
    }
    for (const c of candidates) {
      const t = c.trim();
      if (t.length >= MIN_SECRET_LENGTH && !NOT_SECRET.has(t.toLowerCase())) {
        found.add(c);
        if (t !== c) found.add(t);
      }
    }
  };
  // Plain loops, no callbacks or entry arrays: these run for every node of every resource.
  const collectAll = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) collectAll(v[i]);
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) collectAll(v[k]);
    } else add(v);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1);
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) {
        if (secretName(k)) collectAll(v[k]);
        else walk(v[k], depth + 1);
      }
    }
  };
  for (const r of model.resources) {
    walk(r.config, 0);
    const tags = model.tags(r);
    for (const tag of Object.keys(tags)) if (secretName(tag)) add(tags[tag]);
  }
  return [...found];
}

/** A function that removes every given secret from a text (longest first, so no part of one survives). */
function scrubber(secrets: string[]): (text: string) => string {
  if (secrets.length === 0) return (t) => t;
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  const re = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  // Many findings share a text (a rule's fix): each distinct text is scrubbed once.
  const done = new Map<string, string>();
  return (text) => {
    if (typeof text !== "string" || text.length === 0) return text;
    let out = done.get(text);
    if (out === undefined) done.set(text, (out = text.replace(re, REDACTED)));
    return out;
  };
}

/**
 * The result with every secret of `model` removed from its messages, fixes, suppression reasons and
 * inventory. Secret-named tags in the inventory show {@link REDACTED} whatever their value.
 */
export function redactSecrets(result: CheckResult, model: TerraformModel): CheckResult {
  const scrub = scrubber(collectSecrets(model));
  const finding = (f: Finding): Finding => ({
    ...f,
    message: scrub(f.message),
    fix: scrub(f.fix),
    ...(f.suppressionReason !== undefined ? { suppressionReason: scrub(f.suppressionReason) } : {}),
  });
  // A secret-named tag or setting never shows its value (flags such as "true" excepted); any other text is scrubbed.
  const shownValue = (k: string, v: string) => (isSecretName(k) && !NOT_SECRET.has(String(v).trim().toLowerCase()) ? REDACTED : scrub(v));
  const inventory: CheckResult["inventory"] = {};
  for (const [address, tags] of Object.entries(result.inventory)) {
    inventory[address] = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, shownValue(k, v)]));
  }
  return {
    ...result,
    findings: result.findings.map(finding),
    unusedSuppressions: result.unusedSuppressions.map((s) => ({ ...s, reason: scrub(s.reason) })),
    inventory,
    ...(result.settings ? { settings: result.settings.map((x) => ({ ...x, value: shownValue(x.setting, x.value), evidence: scrub(x.evidence) })) } : {}),
  };
}
