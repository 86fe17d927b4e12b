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
import { literalScrubber } from "./scrub";
import { TerraformModel } from "../engine/model";
import { memoByName } from "../engine/name-memo";
import { CheckResult, Finding } from "../engine/result";
import {
  connectionCredentials, declaredSecretField, decodedData, literalsInExpressions, looksSecretName, mayHoldCredentials, originOf, SECRET_VALUE_FIELDS,
  secretValuesInText, snakeName,
} from "../engine/secrets";
import { boundResultTexts, boundText } from "../reports/bounded-text";

/** What replaces a secret in any text. */
export const REDACTED = "(secret value not shown)";

/**
 * Field and tag names whose values are secrets, matched by the words that end them (not by a
 * substring, which blanked `extended_key_usage`, `key_vault_id` or `key_size` values): every name
 * SDZ-SEC-002 takes for a secret (`looksSecretName`: `*password`, `*secret`, `*token`,
 * `*access_key`, `*connection_string`, `sas`...), any name whose last word is `key`, `keys`,
 * `password`, `secret`, `token`, `credential`, `passphrase`, `pwd`, `sas` or `signature`, once
 * qualifiers such as `_value`, `_data` or `_wo` are set aside (`key`, `ssh_key`, `secret_value`,
 * `key_data`), and fields whose whole text may hold secrets (custom and user data, protected
 * settings and parameters, secure environment variables). When in doubt, a name is secret.
 */
const SECRET_LAST_WORD = new Set([
  "key", "keys", "password", "passwords", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "token", "tokens",
  "credential", "credentials", "cred", "creds", "sas", "signature", "sig", "pin", "psk", "passcode", "apikey", "connectionstring", "connectionstrings",
]);
/** Qualifiers after the word that says what the value is: `secret_value`, `key_data`, `password_wo`, `token_b64`. */
const QUALIFIER = new Set(["wo", "value", "values", "data", "text", "content", "contents", "b64", "base64", "encoded", "plain", "plaintext", "raw", "hash", "string"]);
/** Fields whose whole text may carry secrets whatever it is. */
const SECRET_TEXT_FIELD = /^(custom_?data|user_?data|protected_?settings|protected_?parameters?|secure_?environment_?variables|secure_?settings)$/;

/** True when a field or tag named so holds a secret. */
export function isSecretName(name: string): boolean {
  return secretName(name);
}

/** A field whose every value is secret text (custom data, secure environment variables). */
const wholeText = memoByName((name) => SECRET_TEXT_FIELD.test(snakeName(name)));

/** Words that make a name secret wherever they stand (`sas_url` holds the signature, `password_file`...). */
const SECRET_ANY_WORD = new Set(["password", "passwords", "passwd", "passphrase", "pwd", "secret", "secrets", "token", "tokens", "credential", "credentials", "sas", "psk"]);
/** Last words that name, count or describe a secret rather than hold it (`secret_permissions`, `token_lifetime`, `key_vault_secret_id`). */
const ABOUT_A_SECRET = new Set([
  "id", "ids", "name", "names", "type", "types", "permissions", "version", "versions", "lifetime", "expiry", "expiration", "length", "count",
  "enabled", "policy", "policies", "days", "hours", "duration", "format", "rotation",
]);

const secretName = memoByName((name) => {
  if (looksSecretName(name)) return true;
  const snake = snakeName(name);
  if (wholeText(name)) return true;
  const words = snake.split("_").filter((w) => w !== "");
  while (words.length > 1 && QUALIFIER.has(words[words.length - 1])) words.pop();
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  if (SECRET_LAST_WORD.has(last)) return true;
  if (ABOUT_A_SECRET.has(last)) return false;
  // When in doubt, secret: a secret word anywhere else (`sas_url`), or a private key in any encoding (`private_key_pem`).
  return words.some((w, i) => SECRET_ANY_WORD.has(w) || (w === "private" && words[i + 1] === "key"));
});

/**
 * Inside a secret-named block, the fields that name or point at the secret, not hold it: a Container
 * Apps secret's or a connection string's `name` and `type`, a customer-managed key's
 * `key_vault_key_id`, an identity. Their values are ordinary words and IDs that messages quote.
 */
const IDENTIFYING_FIELD = /^(name|type|identity|.*_ids?)$/;

/** Values that are flags or placeholders, not secrets (`sdz-oob-mebx-custom-password = "true"` records a fact). */
const NOT_SECRET = new Set(["true", "false", "yes", "no", "null", "none", "on", "off", "enabled", "disabled"]);

/** The shortest value treated as a secret: shorter ones would blank out unrelated words. */
const MIN_SECRET_LENGTH = 4;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Every literal secret of a configuration: string values under secret-named fields (at any depth,
 * in nested blocks too, of resources and of provider, backend and cloud blocks), the values of secret-named tags, what a reference in such a field
 * resolves to (a local holding the password), the string literals written inside a function call in
 * such a field (`sensitive("...")`, `base64decode("...")` and its decoded text), the credential parts of connection strings, SAS
 * URLs and URLs with a password anywhere, tag values included, and the values SDZ-SEC-002 finds in
 * the texts it reads as scripts (extension settings, custom data decoded, scripts, unattend content,
 * name/value pairs: `-Password x`, `"Password": "x"`, `password: |` and the lines below it...).
 *
 * What is blanked is a superset of what SDZ-SEC-002 reports, by design (when in doubt, blank): the
 * rule reports each literal credential part under an ordinary name that is blanked here. Blanked but
 * not reported: placeholders in credential parts, values under names only {@link isSecretName} takes
 * for secret (`key`, `sas_url`), and credential-free connection strings under connection-string names
 * (Application Insights' APPLICATIONINSIGHTS_CONNECTION_STRING), blanked whole. The other way round,
 * a literal shorter than MIN_SECRET_LENGTH is reported but not blanked.
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
      else {
        // Not resolved: the parts written here may still hold a credential ("Server=${azurerm_mssql_server.db.fqdn};Password=x"),
        // and a literal wrapped in a function is still written here (sensitive("..."), base64decode("..."), coalesce(var.pw, "...")).
        if (mayHoldCredentials(v)) connectionSecrets(v);
        candidates.push(...literalsInExpressions(v));
      }
    }
    for (const c of candidates) {
      const t = c.trim();
      if (t.length >= MIN_SECRET_LENGTH && !NOT_SECRET.has(t.toLowerCase())) {
        found.add(c);
        if (t !== c) found.add(t);
        if (mayHoldCredentials(c)) connectionSecrets(c);
      }
    }
  };
  /**
   * The credential parts of a connection string, SAS or URL (Password=, Pwd=, AccountKey=, SharedAccessKey=, Secret=, sig=,
   * password= query parameters, scheme://user:password@, a token as a URL's user name), as
   * SDZ-SEC-002 finds them (`connectionCredentials`, one recogniser), so a message quoting only them is scrubbed too.
   * Every one is blanked, literal or not: placeholders ($(DbPassword), <password>, %DB_PW%, $env:PW, a Key Vault
   * reference), which the rule does not report since nothing secret is written, cost nothing to blank. Left out:
   * interpolations still unresolved (`${var.p}`: an expression, not a value), flags and values shorter than
   * MIN_SECRET_LENGTH (the rule reports a short literal, but blanking it would blank unrelated words).
   */
  const connectionSecrets = (text: string) => {
    for (const c of connectionCredentials(text)) {
      const part = c.value.trim();
      if (part.startsWith("${")) continue;
      for (const p of [part, part.split(",")[0]]) {
        // A comma ends a value in a Redis configuration (`password=x,ssl=True`); a SQL password may hold one: both are blanked.
        if (p.length >= MIN_SECRET_LENGTH && !NOT_SECRET.has(p.toLowerCase())) found.add(p);
      }
    }
  };
  /** A string as written, or the literal text of the local it names. */
  const throughLocal = (v: string): string => {
    if (!v.includes("local.")) return v;
    const o = originOf(model, v);
    return o.kind === "literal" && typeof o.value === "string" ? o.value : v;
  };
  /** A string under an ordinary name (an app setting): its credential parts, read through the locals it names, as the rule reads them. */
  const ordinaryText = (v: string) => {
    const text = throughLocal(v);
    if (mayHoldCredentials(text)) connectionSecrets(text);
  };
  /**
   * A text SDZ-SEC-002 reads as a script (settings, custom data, scripts, unattend content, the values of
   * name/value pairs): every secret value it finds there (-Password arguments, ConvertTo-SecureString strings,
   * /p: arguments, unattend values, secret-named entries, YAML block scalars, connection-string parts), one
   * recogniser (`secretValuesInText`). Placeholders are blanked too, as for connection strings; interpolations,
   * flags and values shorter than MIN_SECRET_LENGTH are not.
   */
  const scriptText = (text: string) => {
    for (const v of secretValuesInText(text)) {
      const t = v.trim();
      if (t.length >= MIN_SECRET_LENGTH && !t.startsWith("${") && !NOT_SECRET.has(t.toLowerCase())) found.add(t);
    }
  };
  /** Every string of a parsed settings document, read as a script (as the rule reads them). */
  const scriptStrings = (v: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof v === "string") scriptText(v);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) scriptStrings(v[i], depth + 1);
    else if (isPlainObject(v)) for (const k of Object.keys(v)) scriptStrings(v[k], depth + 1);
  };
  /** The value of a field the rule reads as text: JSON settings (parsed, then walked), custom data (base64-decoded) or a script. */
  const readAsText = (key: string, v: unknown, depth: number): void => {
    // A list of lines (a provisioner's inline commands): each read as the rule reads it.
    if (Array.isArray(v) && depth <= 32) return v.forEach((x) => readAsText(key, x, depth + 1));
    if (typeof v !== "string") return;
    const kind = textFieldKind(key);
    const text = throughLocal(v);
    if (kind === "json") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === "object") {
        // Secret-named keys and credential parts as anywhere else, and every string as a script.
        walk(parsed, depth + 1);
        scriptStrings(parsed, depth + 1);
        return;
      }
    }
    const data = kind === "data" ? decodedData(text) : undefined;
    scriptText(data ? data.text : text);
  };
  // Plain loops, no callbacks or entry arrays: these run for every node of every resource.
  // `all`: every value (a whole-secret field, custom data, secure environment variables); else the
  // identifying fields of a secret-named block are left out.
  const collectAll = (v: unknown, all = true): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) collectAll(v[i], all);
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) if (all || !IDENTIFYING_FIELD.test(k)) collectAll(v[k], all);
    } else add(v);
  };
  function walk(v: unknown, depth: number): void {
    if (depth > 32) return;
    // A connection string or SAS URL under an ordinary name (an app setting "Db"): its credential parts.
    if (typeof v === "string") {
      if (mayHoldCredentials(v) || v.includes("local.")) ordinaryText(v);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1);
    } else if (isPlainObject(v)) {
      // A name/value pair whose name says its value is a secret (a run command's NaaPassword parameter); else
      // its value is read as a script, as the rule reads it (an App Service connection string named "Database").
      if (typeof v.name === "string" && "value" in v) {
        if (secretName(v.name)) collectAll(v.value);
        else if (typeof v.value === "string") scriptText(throughLocal(v.value));
      }
      for (const k of Object.keys(v)) {
        if (textFieldKind(k) !== undefined) readAsText(k, v[k], depth);
        if (secretName(k)) collectAll(v[k], wholeText(k));
        else walk(v[k], depth + 1);
      }
    }
  }
  /** The values at a whole-secret path (`secret.value`, `container.secure_environment_variables`), through lists. */
  const at = (v: unknown, path: readonly string[], i: number): void => {
    if (Array.isArray(v)) for (const x of v) at(x, path, i);
    else if (i === path.length) collectAll(v);
    else if (isPlainObject(v)) at(v[path[i]], path, i + 1);
  };
  for (const r of model.resources) {
    walk(r.config, 0);
    for (const p of wholeSecretPaths(r.type)) at(r.config, p, 0);
    const declared = declaredSecretField(model, r);
    if (declared !== undefined) collectAll(r.config[declared]);
    const tags = model.tags(r);
    // Tags as Azure gets them (through locals too): a secret-named tag's value whole, any other's credential parts
    // (a provisioning server tagged "https://admin:<password>@host", an image location with a SAS signature).
    for (const tag of Object.keys(tags)) {
      if (secretName(tag)) add(tags[tag]);
      else if (mayHoldCredentials(tags[tag])) connectionSecrets(tags[tag]);
    }
  }
  // Provider, backend, cloud and output blocks (a provider's client_secret, a backend's access_key), as SDZ-SEC-002 reads them.
  for (const b of model.settingsBlocks) {
    walk(b.config, 0);
    for (const p of wholeSecretPaths(b.type)) at(b.config, p, 0);
    const declared = declaredSecretField(model, b);
    if (declared !== undefined) collectAll(b.config[declared]);
  }
  return [...found];
}

/**
 * Fields SDZ-SEC-002 reads as text, by name (literal-secrets.ts reads the same): extension settings
 * (JSON), custom and user data (base64), scripts, unattend content and commands to execute. Read
 * wherever they stand (a scale set's extension blocks too): blanking more than the rule reports is the
 * redactor's side of "when in doubt".
 */
const textFieldKind = memoByName((name): "json" | "data" | "text" | undefined => {
  const k = name.toLowerCase();
  return k === "settings" || k === "protected_settings" ? "json"
    : k === "custom_data" || k === "user_data" ? "data"
      : k === "script" || k === "content" || k === "command_to_execute" || k === "commandtoexecute" || k === "command" || k === "inline" ? "text" : undefined;
});

const NO_PATHS: readonly (readonly string[])[] = [];
const PATHS = new Map<string, readonly (readonly string[])[]>();
/** The whole-secret fields of a resource type as path segments, split once per type. */
function wholeSecretPaths(type: string): readonly (readonly string[])[] {
  if (!Object.prototype.hasOwnProperty.call(SECRET_VALUE_FIELDS, type)) return NO_PATHS;
  let p = PATHS.get(type);
  if (!p) PATHS.set(type, (p = SECRET_VALUE_FIELDS[type].map((f) => f.split("."))));
  return p;
}

/**
 * A function that removes every given secret from a text: each run of overlapping occurrences becomes
 * {@link REDACTED}, so no part of one survives. Secrets are matched as literal strings
 * ({@link literalScrubber}), never through a regular expression built from them.
 */
function scrubber(secrets: string[]): (text: string) => string {
  if (secrets.length === 0) return (t) => t;
  const scrub = literalScrubber(secrets, REDACTED);
  // Many findings share a text (a rule's fix): each distinct text is scrubbed once.
  const done = new Map<string, string>();
  return (text) => {
    if (typeof text !== "string" || text.length === 0) return text;
    let out = done.get(text);
    if (out === undefined) done.set(text, (out = scrub(text)));
    return out;
  };
}

/**
 * The message of any error raised while redacting. Whatever failed (collecting the secrets, matching
 * them), its own message may quote what it was working on, which is secret text: it is never passed
 * on, only the error's kind.
 */
export function redactionFailure(err: unknown): Error {
  const kind = err instanceof Error && /^[A-Za-z]{1,40}$/.test(err.name) ? err.name : "error";
  return new Error(`the output redactor failed (${kind}; its details are withheld because they may quote a secret)`);
}

/**
 * The result with every secret of `model` removed from its messages, fixes, suppression reasons and
 * inventory. Secret-named tags in the inventory show {@link REDACTED} whatever their value.
 *
 * This is the step every result passes before any output (the command line's and a synth's), so it
 * also cuts overlong names and values ({@link boundResultTexts}): after the secrets are removed, as a
 * cut secret would no longer match and part of it would be shown.
 */
export function redactSecrets(result: CheckResult, model: TerraformModel): CheckResult {
  try {
    return boundResultTexts(redact(result, model));
  } catch (err) {
    throw redactionFailure(err);
  }
}

/** One scrubber per model: the result and the diagram of a check share it (the secrets are collected once). */
const SCRUBBERS = new WeakMap<TerraformModel, (text: string) => string>();

function scrubberOf(model: TerraformModel): (text: string) => string {
  let scrub = SCRUBBERS.get(model);
  if (!scrub) SCRUBBERS.set(model, (scrub = scrubber(collectSecrets(model))));
  return scrub;
}

/**
 * How any other text taken from `model` is shown in an output: every secret of the model removed,
 * then overlong runs cut, as {@link redactSecrets} does to a result's texts (in that order, so a
 * cut secret is never half shown). For outputs drawn from the model itself rather than from the
 * result: the zone-flow diagram's labels quote zone, subnet and NSG names, rule sources and
 * destinations. Errors are passed on as {@link redactionFailure}'s.
 */
export function outputTextOf(model: TerraformModel): (text: string) => string {
  let scrub: (text: string) => string;
  try {
    scrub = scrubberOf(model);
  } catch (err) {
    throw redactionFailure(err);
  }
  return (text) => {
    try {
      return boundText(scrub(text));
    } catch (err) {
      throw redactionFailure(err);
    }
  };
}

function redact(result: CheckResult, model: TerraformModel): CheckResult {
  const scrub = scrubberOf(model);
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
