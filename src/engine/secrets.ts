/**
 * Finding secrets written as literals in a configuration, without ever holding on to their values:
 * every helper here answers *whether* and *where*, and says *what kind* of secret ("a -Password
 * argument"), never what it is. Used by the literal-secret rules (SDZ-SEC-002, SDZ-VPN-008). The one
 * exception, {@link connectionCredentials}, also hands the output redactor the values it must blank.
 */
import { base64Bytes } from "./base64";
import { TerraformModel } from "./model";
import { memoByName } from "./name-memo";

/**
 * Fields whose whole value is a secret whatever their name (paths without list indexes; a map's
 * every value is one): Key Vault secret values, certificate (PFX) contents, Container Apps secrets
 * (learn.microsoft.com/azure/container-apps/manage-secrets: a secret's value is the secret) and
 * container instance secure environment variables (learn.microsoft.com/azure/container-instances/
 * container-instances-environment-variables#secure-values: values hidden from the API, every one a
 * secret). Read by SDZ-SEC-002 and by the output redactor.
 */
export const SECRET_VALUE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "azurerm_key_vault_secret": ["value", "value_wo"],
  "azurerm_key_vault_certificate": ["certificate.contents"],
  "azurerm_application_gateway": ["ssl_certificate.data"],
  "azurerm_app_service_certificate": ["pfx_blob"],
  "azurerm_container_app": ["secret.value"],
  "azurerm_container_group": ["container.secure_environment_variables", "init_container.secure_environment_variables"],
  // The providers' client_certificate: "Base64 encoded PKCS#12 certificate bundle to use when authenticating as a Service Principal"
  // (registry.terraform.io/providers/hashicorp/azurerm/latest/docs#client_certificate; azuread's is the same), key included.
  "provider.azurerm": ["client_certificate"],
  "provider.azuread": ["client_certificate"],
};

/**
 * Fields whose whole value is a secret when the block declares it one (`flag` true) or names it like one
 * (`named`: the fields holding its name; an output's name is its block's): an API Management named value
 * with `secret = true` (its value "is encrypted", learn.microsoft.com/powershell/module/az.apimanagement/new-azapimanagementnamedvalue),
 * an Automation variable with `encrypted = true` (learn.microsoft.com/powershell/module/az.automation/new-azautomationvariable),
 * an App Configuration key-value whose key looks secret (`Db:Password`), an output with `sensitive = true`.
 */
const SECRET_WHEN_DECLARED: Readonly<Record<string, { readonly field: string; readonly flag?: string; readonly named: readonly string[] }>> = {
  azurerm_api_management_named_value: { field: "value", flag: "secret", named: ["name", "display_name"] },
  azurerm_automation_variable_string: { field: "value", flag: "encrypted", named: ["name"] },
  azurerm_automation_variable_object: { field: "value", flag: "encrypted", named: ["name"] },
  azurerm_app_configuration_key: { field: "value", named: ["key"] },
  output: { field: "value", flag: "sensitive", named: [] },
};

/**
 * The field of a resource (or output) whose whole value is a secret because the block says so
 * ({@link SECRET_WHEN_DECLARED}: the flag known to be true, or a name that looks secret), or an output
 * named like a secret (`output "db_password"`); undefined otherwise. Read by SDZ-SEC-002 and by the output redactor.
 */
export function declaredSecretField(
  model: TerraformModel, r: { readonly type: string; readonly name: string; readonly config: Record<string, any> },
): string | undefined {
  const declared = Object.prototype.hasOwnProperty.call(SECRET_WHEN_DECLARED, r.type) ? SECRET_WHEN_DECLARED[r.type] : undefined;
  if (!declared) return undefined;
  if (r.type === "output" && looksSecretName(r.name)) return declared.field;
  for (const f of declared.named) {
    const name = model.resolveString(r.config[f]);
    if (name.known && looksSecretName(name.value)) return declared.field;
  }
  if (declared.flag === undefined) return undefined;
  const flag = model.resolveBoolean(r.config[declared.flag]);
  return flag.known && flag.value === true ? declared.field : undefined;
}

/** Where a value comes from, as far as secrecy is concerned. */
export type ValueOrigin =
  /** Unset: undefined, null, `""`, `[]`. */
  | { readonly kind: "absent" }
  /** Written in the configuration: a literal, or a local that is one. */
  | { readonly kind: "literal"; readonly value: unknown; readonly viaLocal?: string }
  /** The value of another resource's attribute: a literal there is reported there, once. */
  | { readonly kind: "elsewhere"; readonly owner: string }
  /** A variable, data source, function call or computed attribute: not written here. */
  | { readonly kind: "not-literal"; readonly reason: string }
  /**
   * A template the checks cannot read (unbalanced braces, brackets, parentheses or quotes, a heredoc inside `${...}`, a directive around
   * written text): whether it writes a secret is not known, so a secret field holding one could not be verified.
   */
  | { readonly kind: "unreadable"; readonly reason: string };

const REF = /(?<!\$)\$\{([^{}]*)\}/g;
const WHOLE_LOCAL = /^\$\{\s*local\.([A-Za-z_][A-Za-z0-9_-]*)/;

/**
 * The one finding, for a resource whose secret fields hold no literal but some cannot be read, that says so
 * (SDZ-SEC-002 and SDZ-VPN-008 word it alike): `doubts` name each field and why.
 */
export function secretsNotRuledOut(address: string, doubts: readonly string[]): string {
  return `${address}: ${doubts.join("; ")}, so literal secrets in it could not be ruled out`;
}

/** Where a value comes from: written here (literal), another resource's attribute, or not written in the configuration. */
export function originOf(model: TerraformModel, value: unknown): ValueOrigin {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return { kind: "absent" };
  if (typeof value !== "string") {
    const r = model.resolve(value);
    return r.known ? { kind: "literal", value: r.value } : { kind: "not-literal", reason: r.reason };
  }
  const directive = /(^|[^%])%\{/.test(value);
  if (directive || /(?<!\$)\$\{/.test(value)) {
    // Read first: a template that cannot be read may write anything, references or not.
    const exprs = readExpressions(value, directive);
    if (!exprs) return { kind: "unreadable", reason: `${directive ? "a template" : "an interpolation"} the checks cannot read (unbalanced braces, brackets, parentheses or quotes, a heredoc or an unknown escape)` };
    if (directive) return directiveOrigin(value, exprs);
  }
  const refs = [...value.matchAll(REF)].map((m) => m[1].trim());
  if (refs.length === 0) {
    if (!/(?<!\$)\$\{/.test(value)) return { kind: "literal", value: value.replace(/\$\$\{/g, "${") };
    // An expression with braces of its own (`${jsonencode({ password = random_password.p.result })}`): read it whole.
    const whole = literalTemplate(value);
    if (whole === undefined) return { kind: "not-literal", reason: "comes from a variable, data source or expression evaluated at plan time" };
    return whole === "" ? { kind: "absent" } : { kind: "literal", value: whole };
  }
  const owner = refs.map((r) => model.referencedPath(`\${${r}}`)?.target.address).find((a) => a !== undefined);
  if (owner) return { kind: "elsewhere", owner };
  if (refs.every((r) => /^local\.[A-Za-z_]/.test(r))) {
    const r = model.resolve(value);
    if (r.known) return { kind: "literal", value: r.value, viaLocal: WHOLE_LOCAL.exec(value.trim())?.[1] ?? refs[0].slice("local.".length).split(/[.[]/)[0] };
    return { kind: "not-literal", reason: r.reason };
  }
  // Function calls over literals only (`sensitive("...")`, `base64decode("...")`, `format("%s", "...")`): the
  // text is still written here, in the file, cdk.tf.json, the plan and the state. sensitive() only hides the
  // value in plan output (developer.hashicorp.com/terraform/language/functions/sensitive).
  const written = literalTemplate(value);
  if (written !== undefined) return written === "" ? { kind: "absent" } : { kind: "literal", value: written };
  return { kind: "not-literal", reason: "comes from a variable, data source or expression evaluated at plan time" };
}

/**
 * A template with directives (`%{ if var.prod }${var.pw}%{ else }${var.dev_pw}%{ endif }`), which the checks do not
 * evaluate: not written here when it writes nothing but what its interpolations take from elsewhere; unreadable when
 * it writes text of its own (`%{ if var.prod }...%{ else }Pa55word%{ endif }`), in its template or in a `for`
 * directive's list, which may be the value (developer.hashicorp.com/terraform/language/expressions/strings#directives).
 */
function directiveOrigin(value: string, exprs: readonly ReadExpression[]): ValueOrigin {
  let text = value.slice(0, exprs[0].start);
  for (let k = 0; k < exprs.length; k++) text += value.slice(exprs[k].end, k + 1 < exprs.length ? exprs[k + 1].start : value.length);
  const writes = text.trim() !== "" || exprs.some((e) => {
    const strings = e.strings.some((x) => x.trim() !== "");
    if (e.directive) return /^~?\s*for\s/.test(e.expr) && strings;
    return !e.refers && (strings || /[0-9]/.test(e.expr));
  });
  return writes
    ? { kind: "unreadable", reason: "a template directive (%{...}) the checks do not evaluate, around text written in it" }
    : { kind: "not-literal", reason: "a template directive evaluated at plan time" };
}

/**
 * Functions whose result is not their arguments' text: a fresh value at each plan (uuid, timestamp) or a
 * salted hash (bcrypt: "a random salt"), developer.hashicorp.com/terraform/language/functions/bcrypt.
 * Every other function over literals only yields a value fixed by what is written (a hash of a literal
 * is as good as written).
 */
const FRESH_VALUE_FUNCTIONS = new Set(["uuid", "timestamp", "plantimestamp", "bcrypt"]);

/**
 * Functions whose result comes from a file (file, filebase64, filesha256..., templatefile): not what the
 * expression writes (a secret-named field read from a file is SDZ-SEC-002's could-not-verify, {@link readsFile}).
 */
const READS_FILE_FUNCTION = /^(?:file[a-z0-9]*|templatefile)$/;

/** One `${...}` of a template, read: its decoded string literals, and whether it refers to anything. */
interface ReadExpression {
  readonly start: number;
  readonly end: number;
  readonly expr: string;
  /** Its decoded string literals, but for indexes and object keys (names, not values). */
  readonly strings: readonly string[];
  /** A reference (var., local., data., a resource, each., a for expression's variable) or a fresh-value function. */
  readonly refers: boolean;
  /** A `%{...}` directive (`if`, `for`, `else`, `endif`...), read only where asked for. */
  readonly directive?: boolean;
}

const HCL_ESCAPES: Record<string, string> = { "n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\" };

/** What a quoted string's own templates (`"a${var.x}"`) hold: their string literals, and whether they refer to anything. */
interface NestedTemplates {
  readonly strings: string[];
  refers: boolean;
}

/** How deep templates nested in strings in expressions are read (`${f("${g("${x}")}")}`); deeper is not read. */
const MAX_NESTED_TEMPLATES = 8;

/**
 * Reads a quoted HCL string starting at `i` (the opening quote): its decoded text and the index after the
 * closing quote. A string holding templates of its own (`"a${var.x}"`, a quoted template: developer.hashicorp.com/
 * terraform/language/expressions/strings#interpolation) has them read too, into `nested`; its `value` is then
 * only the text written around them (the string is not computed). Undefined when the string is not closed, holds
 * an unknown escape, a template that cannot be read, or a directive (`%{`).
 */
function hclString(text: string, i: number, depth = 0): { value: string; next: number; nested?: NestedTemplates } | undefined {
  let out = "";
  let nested: NestedTemplates | undefined;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return { value: out, next: j + 1, nested };
    if (c === "\\") {
      const e = text[j + 1];
      if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const hex = text.slice(j + 2, j + 2 + n);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== n) return undefined;
        out += String.fromCodePoint(parseInt(hex, 16));
        j += 1 + n;
      } else if (e !== undefined && e in HCL_ESCAPES) {
        out += HCL_ESCAPES[e];
        j++;
      } else return undefined;
    } else if ((c === "$" || c === "%") && text[j + 1] === "{") {
      // `$${` and `%%{` are escapes for a literal `${` and `%{` (the first `$` or `%` is already written).
      if (text[j - 1] === c) continue;
      if (c === "%" || depth >= MAX_NESTED_TEMPLATES) return undefined;
      const body = readBody(text, j + 2, depth + 1);
      if (!body) return undefined;
      nested ??= { strings: [], refers: false };
      nested.strings.push(...body.strings);
      nested.refers ||= body.refers;
      j = body.end;
    } else out += c;
  }
  return undefined;
}

/**
 * The `${...}` expressions of a string (and its `%{...}` directives when `directives`), read with their quoted
 * strings, braces and nested templates (`${sensitive("a}b")}`, `${upper("${var.x}")}`), `$${` and `%%{` being
 * Terraform's escapes for a literal `${` and `%{`. Undefined when one cannot be read (not closed, unbalanced
 * parentheses, brackets or quotes, a heredoc, an unknown escape): the caller cannot tell what is written in it ({@link originOf}: unreadable).
 */
function readExpressions(value: string, directives = false): ReadExpression[] | undefined {
  const out: ReadExpression[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if ((c !== "$" && !(directives && c === "%")) || value[i + 1] !== "{") continue;
    if (i > 0 && value[i - 1] === c) {
      i++;
      continue;
    }
    const body = readBody(value, i + 2, 0);
    if (!body) return undefined;
    out.push({ start: i, end: body.end + 1, expr: value.slice(i + 2, body.end), strings: body.strings, refers: body.refers, directive: c === "%" });
    i = body.end;
  }
  return out;
}

/**
 * One expression's body, from `j` (after its `${`) to its closing `}` (`end`): its string literals but for indexes
 * and object keys, and whether it refers to anything ({@link ReadExpression}). Undefined when it cannot be read.
 */
function readBody(value: string, from: number, depth: number): { end: number; strings: string[]; refers: boolean } | undefined {
  const strings: string[] = [];
  let refers = false;
  let braces = 0;
  let open = 0; // parentheses and brackets not yet closed: an expression ending inside one is not read
  let prev = "{"; // the last character that matters before a name (`.`, `{`, `,`)
  for (let j = from; j < value.length; j++) {
    const c = value[j];
    if (c === '"') {
      const s = hclString(value, j, depth);
      if (!s) return undefined;
      // An index (`secrets["vm-admin"]`) or an object's key (`{ "Password" = ... }`) names a value; it is not one.
      let n = s.next;
      while (n < value.length && /\s/.test(value[n])) n++;
      const name = (prev === "[" && value[n] === "]") || ((prev === "{" || prev === ",") && braces > 0 && (value[n] === ":" || (value[n] === "=" && value[n + 1] !== "=")));
      if (!name) strings.push(s.value);
      if (s.nested) {
        if (!name) strings.push(...s.nested.strings);
        refers ||= s.nested.refers;
      }
      j = s.next - 1;
      prev = '"';
    } else if (c === "<" && value[j + 1] === "<") {
      return undefined; // a heredoc
    } else if (c === "{" || c === "[" || c === "(") {
      if (c === "{") braces++;
      else open++;
      // `x["k"]` indexes a value (after a name, `]`, `)` or a string); `["k"]` elsewhere is a list, whose strings are values.
      prev = c === "[" && !(prev === "a" || prev === "]" || prev === ")" || prev === '"') ? "list" : c;
    } else if (c === "}") {
      if (braces === 0) return open === 0 ? { end: j, strings, refers } : undefined;
      braces--;
      prev = c;
    } else if (c === ")" || c === "]") {
      if (--open < 0) return undefined;
      prev = c;
    } else if (isNameStart(value.charCodeAt(j))) {
      let k = j;
      while (k < value.length && (isNameChar(value.charCodeAt(k)) || value[k] === "-")) k++;
      const name = value.slice(j, k);
      let n = k;
      while (n < value.length && /\s/.test(value[n])) n++;
      const next = value[n];
      if (next === "(") refers ||= FRESH_VALUE_FUNCTIONS.has(name) || READS_FILE_FUNCTION.test(name);
      // An attribute of a value (`jsondecode("...").a`), an object's key (`{ a = "x" }`), or a keyword: not a reference.
      else if (prev === "." || ((prev === "{" || prev === ",") && braces > 0 && (next === ":" || (next === "=" && value[n + 1] !== "=")))) refers ||= false;
      else if (name !== "true" && name !== "false" && name !== "null") refers = true;
      j = k - 1;
      prev = "a";
    } else if (isDigit(value.charCodeAt(j))) {
      const m = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(value.slice(j, j + 64));
      j += (m ? m[0].length : 1) - 1;
      prev = "0";
    } else if (!/\s/.test(c)) {
      prev = c;
    }
  }
  return undefined;
}

/** Functions that pass one string on, as the checks evaluate them (anything else is read as written). */
const STRING_FUNCTIONS: Record<string, (s: string) => string | undefined> = {
  sensitive: (s) => s,
  nonsensitive: (s) => s,
  tostring: (s) => s,
  trimspace: (s) => s.trim(),
  chomp: (s) => s.replace(/(?:\r?\n)+$/, ""),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  base64encode: (s) => Buffer.from(s, "utf8").toString("base64"),
  base64decode: (s) => {
    // Read as written: white space at the ends is let go, white space inside is no base64 here.
    const bytes = /\s/.test(s.trim()) ? undefined : base64Bytes(s, 0);
    const text = bytes?.toString("utf8");
    return text === undefined || text.includes("\uFFFD") ? undefined : text;
  },
};

/**
 * The value of an expression of literals, where the checks can compute it: a quoted string, a number,
 * {@link STRING_FUNCTIONS} of one, and `format` with `%s` verbs only. Undefined otherwise.
 */
function evaluateLiteral(expr: string, depth = 0): string | undefined {
  const t = expr.trim();
  if (depth > 16 || t === "") return undefined;
  if (t[0] === '"') {
    const s = hclString(t, 0);
    return s && !s.nested && s.next === t.length ? s.value : undefined;
  }
  if (/^-?[0-9]+(?:\.[0-9]+)?$/.test(t)) return t;
  const call = /^([a-z][a-z0-9_]*)\s*\(([\s\S]*)\)$/.exec(t);
  if (!call) return undefined;
  const [, name, args] = call;
  if (Object.prototype.hasOwnProperty.call(STRING_FUNCTIONS, name)) {
    const inner = evaluateLiteral(args, depth + 1);
    return inner === undefined ? undefined : STRING_FUNCTIONS[name](inner);
  }
  if (name === "format") {
    const list = stringList(args);
    if (!list || list.length === 0 || /%(?![s%])/.test(list[0])) return undefined;
    let k = 1;
    return list[0].replace(/%([s%])/g, (_, v: string) => (v === "%" ? "%" : list[k++] ?? ""));
  }
  return undefined;
}

/** `"a", "b"` -> ["a", "b"]: a list of quoted strings only, else undefined. */
function stringList(args: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const skip = () => {
    while (i < args.length && /\s/.test(args[i])) i++;
  };
  skip();
  while (i < args.length) {
    if (args[i] !== '"') return undefined;
    const s = hclString(args, i);
    if (!s || s.nested) return undefined;
    out.push(s.value);
    i = s.next;
    skip();
    if (i < args.length && args[i] !== ",") return undefined;
    i++;
    skip();
  }
  return out;
}

/**
 * The text of a string whose every `${...}` is made of literals and functions over them (no reference,
 * no fresh-value function), evaluated where the checks can ({@link evaluateLiteral}), else as written;
 * `""` when nothing is written in it (`${sensitive("")}`, `${tostring(true)}`). Undefined when an
 * expression refers to something or cannot be read.
 */
function literalTemplate(value: string): string | undefined {
  const exprs = readExpressions(value);
  if (!exprs || exprs.length === 0 || exprs.some((e) => e.refers)) return undefined;
  let out = "";
  let at = 0;
  let evaluated = true;
  for (const e of exprs) {
    const v = evaluateLiteral(e.expr);
    if (v === undefined) evaluated = false;
    out += value.slice(at, e.start) + (v ?? "");
    at = e.end;
  }
  out += value.slice(at);
  if (evaluated) return out.replace(/\$\$\{/g, "${");
  // Not computed here (join, replace, a conditional...): the value as written, unless nothing is written in it.
  const writes = value.slice(0, exprs[0].start).trim() !== "" || exprs.some((e) => e.strings.some((s) => s.trim() !== "") || /[0-9]/.test(e.expr));
  return writes ? value : "";
}

/**
 * Every string literal written inside the `${...}` expressions of a value, decoded, and the value itself
 * when the checks compute it (`base64decode("...")`), references or not (`coalesce(var.pw, "fallback")`):
 * for the output redactor only, which blanks what a secret-bearing field writes, however it is wrapped.
 */
export function literalsInExpressions(value: string): string[] {
  const exprs = readExpressions(value);
  if (!exprs) return [];
  const out = exprs.flatMap((e) => e.strings);
  const whole = literalTemplate(value);
  if (whole !== undefined && whole !== value) out.push(whole);
  return out;
}

/** True for a non-empty literal string (or number) a secret could be: not a boolean, not a Key Vault reference. */
export function isSecretLiteral(origin: ValueOrigin): boolean {
  if (origin.kind !== "literal") return false;
  const v = origin.value;
  if (typeof v === "number") return true;
  if (typeof v !== "string") return false;
  const t = v.trim();
  // App Service / Functions Key Vault references name a secret; they are not one.
  return t !== "" && !/^@Microsoft\.KeyVault\(/i.test(t) && !BOOLEAN_WORDS.has(t.toLowerCase());
}

const BOOLEAN_WORDS = new Set(["true", "false", "$true", "$false", "yes", "no"]);

/** Splits camelCase and separators into lower-case snake words: `storageAccountKey` -> `storage_account_key`. */
export function snakeName(name: string): string {
  return snake(name);
}

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** Distinctive endings (compared without separators). */
const SECRET_ENDING = /(password|passwd|passphrase|secret|sharedkey|accountkey|accesskey|workspacekey|privatekey|apikey|sastoken|saskey|connectionstring|credentials?)$/;
/** Short endings that need a word boundary (`sas`, not `has`). */
const SECRET_WORD = /(^|_)(pwd|pass|sas|token|primary_key|secondary_key|auth_key)$/;

/**
 * True when an attribute, map key, parameter or variable name says its value is a secret:
 * `admin_password`, `storageAccountKey`, `DB_PASSWORD`, `client_secret`, `sasToken`,
 * `administrator_login_password_wo`. Matches the end of the name, so `password_length`,
 * `key_vault_id` and `public_key` are not secrets. SDZ-SEC-002 reads tag names with it too
 * (`SecretRotation` is no secret); the redactors use broader tests (when in doubt, secret).
 */
export function looksSecretName(name: string): boolean {
  return secretLookingName(name);
}

const secretLookingName = memoByName((name) => {
  const words = snake(name).replace(/_wo$/, "");
  return SECRET_ENDING.test(words.replace(/_/g, "")) || SECRET_WORD.test(words);
});

/**
 * How a value is written, which decides what its first character means:
 * - `value`: a string's contents (quoted, a connection string's part, XML text, a URL's part, a YAML or INI
 *   value), where `-`, `(`, `[`, `|` and `>` are characters of the secret like any other (`-Xy7!q...`);
 * - `powershell`: an unquoted PowerShell argument, where they start a parameter, a subexpression, a type,
 *   a pipeline or a redirection, never a written value;
 * - `cmd`: an unquoted Windows command-line argument (`/p:x`), where `|` and `>` are a pipe and a
 *   redirection, but `-`, `(` and `[` are the password's own;
 * - `expandable`: a PowerShell double-quoted string, a value (`-` and the others are its own) where `$`
 *   still starts a variable or a subexpression.
 */
type Written = "value" | "powershell" | "cmd" | "expandable";

/** Characters after a variable's name that end or extend the reference (`$pw;`, `$pw,ssl=True`, `$cred.Password`, `$a[0]`, `$HOME/x`). */
const AFTER_A_REFERENCE = new Set([".", "[", "(", ",", ";", ")", "}", "]", "|", "&", ":", "/", "\\"]);

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/**
 * Whether a value starting with `$` refers to something else (a variable, an interpolation, a
 * subexpression) rather than being a literal that happens to start with `$` (`$ecretP4ss!`, `$3cr3t`):
 * - `${...}` and `$(...)` always: a Terraform, shell or PowerShell interpolation, a subexpression or
 *   command substitution, an Azure Pipelines macro (read up to where a value ends, they may be cut);
 * - in PowerShell, unquoted or in double quotes, `$` and any name character, `?`, `^` or `$`: PowerShell
 *   expands the variable there ("variable names that are preceded by a dollar sign ($) are replaced with
 *   the variable's value", learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_quoting_rules;
 *   a name may start with a digit, `$3cr3t` is a variable), while a single-quoted string is verbatim;
 * - elsewhere (a connection string, YAML, XML, a single-quoted string), a name: a letter or `_`, then
 *   letters, digits and `_` (a shell "name", gnu.org/software/bash/manual/html_node/Definitions.html),
 *   optionally scoped (`$env:DB_PW`), alone or followed by what ends or extends a reference
 *   ({@link AFTER_A_REFERENCE}); or a shell positional or special parameter alone (`$1`, `$@`,
 *   gnu.org/software/bash/manual/html_node/Special-Parameters.html). `$3cr3t` is the shell's `$3` and
 *   `cr3t` only where a shell expands it: written as a value, it is a literal.
 */
function dollarReference(t: string, written: Written): boolean {
  if (t.length === 1 || t.startsWith("${") || t.startsWith("$(")) return true;
  if (written === "powershell" || written === "expandable") return isNameChar(t.charCodeAt(1)) || /^\$[?^$]/.test(t);
  if (t.length === 2 && /^\$[0-9@*#?!$_-]$/.test(t)) return true;
  let i = 1;
  const name = () => {
    if (!isNameStart(t.charCodeAt(i))) return false;
    while (i < t.length && isNameChar(t.charCodeAt(i))) i++;
    return true;
  };
  if (!name()) return false;
  // A scope (`$env:NAME`, `$script:x`): the name after it.
  if (t.charCodeAt(i) === 58 && isNameStart(t.charCodeAt(i + 1))) {
    i++;
    name();
  }
  return i === t.length || AFTER_A_REFERENCE.has(t[i]);
}

/**
 * An ARM template expression: a function call in brackets (`[parameters('pw')]`, `[listKeys(...)...]`),
 * read up to where a value ends (a quote ends a connection string's value: `[parameters(`). A string
 * starting with `[[` is ARM's escape for a literal starting with `[`: "Expressions start and end with
 * brackets", and "to have a literal string start with a left bracket [ ... add an extra bracket to start
 * the string with [[" (learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions).
 */
const ARM_EXPRESSION = /^\[(?!\[)\s*[A-Za-z][A-Za-z0-9_.]*\s*\(/;

/** A YAML block scalar's indicator (`|`, `>-`, `|2+`): the value is on the next lines (yaml.org/spec/1.2.2 section 8.1.1). */
const YAML_BLOCK_INDICATOR = /^[|>](?:[1-9]?[+-]?|[+-][1-9])$/;

/** What starts PowerShell syntax in an unquoted argument: -NextParameter, (subexpression), [type]::x, | pipe, > redirection. */
const POWERSHELL_SYNTAX = /^[-([|>]/;

/**
 * Values that are not literal secrets even after a secret-looking name: references, variables,
 * expressions, prompts and placeholders (`$var`, `$(DbPassword)`, `${x}`, `%ENV%`, `@splat`,
 * `{{template}}`, `<input>`, `[parameters('x')]`; a `$` as {@link dollarReference} reads it, so
 * `$ecretP4ss!` and `$3cr3t` are literals), and, unquoted on a command line, what starts
 * something else (see {@link Written}). A value's other first characters are its own: a real
 * password may start with `-`, `(`, `[`, `|` or `>`.
 */
function literalToken(v: string, written: Written = "value"): boolean {
  const t = v.trim();
  if (t === "" || t === "*") return false;
  if (/^[@%{<]/.test(t) || ARM_EXPRESSION.test(t) || YAML_BLOCK_INDICATOR.test(t)) return false;
  if (t.startsWith("$") && dollarReference(t, written)) return false;
  if (written === "powershell" && POWERSHELL_SYNTAX.test(t)) return false; // -NextParameter, (subexpression), [type]::x, | pipe, > redirection
  if (written === "cmd" && /^[|>]/.test(t)) return false; // | pipe, > redirection
  if (BOOLEAN_WORDS.has(t.toLowerCase()) || /^[01]$/.test(t)) return false;
  if (/^\*SENSITIVE\*DATA\*DELETED\*$/i.test(t)) return false; // what sysprep leaves behind
  // An HCL reference written inside an expression (jsonencode({ Password = var.pw })): not a literal.
  if (/^(var|local|data|module|each|count|path|self)\.[A-Za-z_]/.test(t) || /^[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*\./.test(t)) return false;
  return !/^@Microsoft\.KeyVault\(/i.test(t);
}

/** One kind of literal secret found in a text (never the secret). */
interface TextPattern {
  readonly pattern: RegExp;
  /** The kind of secret, from the match (names only), or undefined when the match is not a literal secret. */
  readonly kind: (m: RegExpExecArray) => string | undefined;
  /**
   * The value as written where the match names a secret, literal or not (a placeholder too), for the output
   * redactor only; undefined when the match holds no value of its own (a PEM header) or names no secret.
   */
  readonly value: (m: RegExpExecArray) => string | undefined;
}

const TEXT_PATTERNS: readonly TextPattern[] = [
  {
    // PowerShell parameters: -Password x, -AdminPassword:'x', -SafeModeAdministratorPassword x, -SasToken x
    pattern: /(?:^|[\s;(|])-([A-Za-z]*(?:Password|Passphrase|Pwd|Secret|Token|SharedKey|AccountKey|AccessKey))(?::\s*|\s+)(['"]?)([^\s'";)]*)/gi,
    kind: (m) => (literalToken(m[3], m[2] === "'" ? "value" : m[2] ? "expandable" : "powershell") ? `a -${m[1]} argument` : undefined),
    // Unquoted, `(`, `[`, `-`, `|` and `>` start PowerShell syntax (a subexpression: `-Password (ConvertTo-SecureString ...`), not a
    // value: nothing to blank (blanking `(ConvertTo-SecureString` mangled the rule's own words in every message).
    value: (m) => (m[2] === "" && POWERSHELL_SYNTAX.test(m[3]) ? undefined : m[3]),
  },
  {
    // ConvertTo-SecureString 'x' -AsPlainText
    pattern: /ConvertTo-SecureString\s+(?:-String\s+)?(['"])([^'"]*)\1/gi,
    kind: (m) => (literalToken(m[2], m[1] === "'" ? "value" : "expandable") ? "ConvertTo-SecureString of a literal string" : undefined),
    value: (m) => m[2],
  },
  {
    // `net user <name> <password> [/add]`: "net user [<UserName> {<Password> | *} [<Options>]]", `*` prompting for it
    // (learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/cc771865(v=ws.11)). A token
    // starting with `/` is an option (`net user guest /active:no`), not a password.
    pattern: /(?:^|[\s;&|("'])net1?(?:\.exe)?[ \t]+user[ \t]+(?:"[^"\n]*"|[^\s"'/&|;]+)[ \t]+(['"]?)([^\s'"&|;]+)/gi,
    kind: (m) => (!m[2].startsWith("/") && literalToken(m[2], m[1] ? "value" : "cmd") ? "a net user password" : undefined),
    value: (m) => (m[2].startsWith("/") ? undefined : m[2]),
  },
  {
    // Windows command lines: /p:x, /pass:x, /password:x, netdom /PasswordD:x
    pattern: /(?:^|\s)\/(p|pass|pwd|password|passwordd|passwordo)\s*:\s*(['"]?)([^\s'"]*)/gi,
    kind: (m) => (literalToken(m[3], m[2] ? "value" : "cmd") ? `a /${m[1]}: argument` : undefined),
    value: (m) => m[3],
  },
  {
    // unattend.xml: <AdministratorPassword><Value>x</Value>, <Password><Value>x</Value>, <Password>x</Password>
    pattern: /<(AdministratorPassword|Password)>\s*(?:<Value>\s*([^<]*)<\/Value>|([^<\s][^<]*)<\/Password>)/gi,
    kind: (m) => (literalToken(m[2] ?? m[3] ?? "") ? `an unattend <${m[1]}> value` : undefined),
    value: (m) => m[2] ?? m[3],
  },
  { pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g, kind: () => "a PEM private key", value: () => undefined },
  {
    // Quoted key/value pairs: "Password": "x", $AdminPassword = 'x', Password = "x" (HCL), password: "x" (YAML).
    // A key starts where no key character precedes it: without the lookbehind a long run of letters with no
    // `=`/`:` after it was retried from every one of its positions (quadratic: 28 s for 200,000 characters).
    // Leading dashes (--password="x") are matched explicitly, since a dash inside a key is a key character.
    pattern: /(?<![A-Za-z0-9_.-])-{0,2}["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?:=|:)\s*(["'])([^"'\n]*)\2/g,
    kind: (m) => (looksSecretName(m[1]) && literalToken(m[3]) ? `a "${m[1]}" entry` : undefined),
    value: (m) => (looksSecretName(m[1]) ? m[3] : undefined),
  },
  {
    // Unquoted YAML / INI: password: x, plain_text_passwd: x (a block scalar's indicator is read by yamlBlockSecrets)
    pattern: /(?:^|\n)[ \t-]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*[:=][ \t]*([^\s'"#]+)[ \t]*(?=\r?\n|$)/g,
    kind: (m) => (looksSecretName(m[1]) && literalToken(m[2]) ? `a "${m[1]}" entry` : undefined),
    value: (m) => (looksSecretName(m[1]) && !YAML_BLOCK_INDICATOR.test(m[2]) ? m[2] : undefined),
  },
];

/** At most this many characters of one text are scanned (bounded work on odd input). */
const MAX_TEXT = 200_000;

/**
 * The rest of a line that opens a YAML block scalar under a key, from the key on: `password: |`, `token: >-`,
 * `"secret": |2+ # comment` (YAML 1.2.2 section 8.1.1: the indicator, an optional indentation indicator and
 * chomping indicator in either order, then an optional comment). Group 1 is the key. The indentation and
 * sequence entries' dashes before the key are skipped by hand (no nested quantifier).
 */
const YAML_BLOCK_KEY = /^["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*:[ \t]+[|>](?:[1-9][+-]?|[+-][1-9]?)?[ \t]*(?:#.*)?$/;

/** The column of a line's key: after its indentation and any sequence entries' `- ` (`  - - key: |`). */
function yamlKeyColumn(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  while (line.charCodeAt(i) === 45 && line.charCodeAt(i + 1) === 32) {
    i++;
    while (line.charCodeAt(i) === 32) i++;
  }
  return i;
}

/**
 * Secrets written as YAML block scalars (cloud-init, a configuration file a script writes), whose value is
 * on the following lines: `password: |` then `  s3cr3t-value`. A block scalar's content is every following
 * line indented more than its key (YAML 1.2.2 sections 8.1.1.1 and 8.2.2: a node's content is indented more
 * than its parent; empty lines belong to it), up to the first non-empty line that is not. `visit` gets the
 * key and the content's non-empty lines, trimmed. One pass over the lines: a block's lines are read once.
 */
function yamlBlockSecrets(text: string, visit: (key: string, lines: string[]) => void): void {
  let at = 0;
  const lineAt = (i: number): { line: string; next: number } => {
    const nl = text.indexOf("\n", i);
    const end = nl < 0 ? text.length : nl;
    return { line: text.charCodeAt(end - 1) === 13 ? text.slice(i, end - 1) : text.slice(i, end), next: nl < 0 ? text.length + 1 : nl + 1 };
  };
  while (at <= text.length) {
    const { line, next } = lineAt(at);
    at = next;
    // Cheap tests first: most lines open no block.
    if (!(line.includes("|") || line.includes(">")) || !line.includes(":")) continue;
    const keyColumn = yamlKeyColumn(line);
    const m = YAML_BLOCK_KEY.exec(keyColumn === 0 ? line : line.slice(keyColumn));
    if (!m || !looksSecretName(m[1])) continue;
    const lines: string[] = [];
    while (at <= text.length) {
      const { line: l, next: n } = lineAt(at);
      const content = l.trim();
      if (content !== "") {
        let indent = 0;
        while (indent < l.length && l.charCodeAt(indent) === 32) indent++;
        if (indent <= keyColumn) break; // a sibling or a parent: the block ended (this line is read again above)
        lines.push(content);
      }
      at = n;
    }
    visit(m[1], lines);
  }
}

/**
 * Every secret found in a text: `kind` for a literal secret (undefined for a placeholder), `value` as
 * written where the match holds one (for the output redactor; rules use only the kind).
 */
function scanText(text: string, visit: (kind: string | undefined, value: string | undefined) => void): void {
  for (const t of [text, ...encodedCommands(text)]) {
    const s = t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
    for (const p of TEXT_PATTERNS) {
      p.pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = p.pattern.exec(s)) !== null) {
        visit(p.kind(m), p.value(m));
        if (m[0].length === 0) p.pattern.lastIndex++;
      }
    }
    // A block scalar holding one word is the value, as `password: x` would be: words (`see the vault`) and
    // several lines are not taken for a literal secret, but each line is blanked.
    yamlBlockSecrets(s, (key, lines) => {
      const one = lines.length === 1 && !/\s/.test(lines[0]) ? lines[0] : undefined;
      const kind = one !== undefined && literalToken(one) ? `a "${key}" entry` : undefined;
      if (lines.length === 0) return;
      visit(kind, lines[0]);
      for (let i = 1; i < lines.length; i++) visit(undefined, lines[i]);
    });
    for (const c of connectionCredentials(s)) visit(c.literal ? c.kind : undefined, c.value);
    convertedVariables(s, visit);
  }
}

/** `$name = 'x'` / `$name = "x"`: a PowerShell variable assigned a quoted string (one line). */
const PS_ASSIGNMENT = /\$([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(['"])([^'"\n]*)\2/g;
/** `ConvertTo-SecureString $name` (`-String $name`): the variable whose text becomes a password. */
const CONVERTED_VARIABLE = /ConvertTo-SecureString\s+(?:-String\s+)?\$([A-Za-z_][A-Za-z0-9_]*)/gi;

/**
 * `$p = '<password>'; ... ConvertTo-SecureString $p -AsPlainText`: the literal a variable is assigned, where that
 * variable is converted to a secure string (PowerShell variable names are case-insensitive). Only quoted
 * assignments: `$p = $env:PW` is no literal. Two passes over the text, each linear.
 */
function convertedVariables(s: string, visit: (kind: string | undefined, value: string | undefined) => void): void {
  if (!/ConvertTo-SecureString/i.test(s) || !s.includes("=")) return;
  const converted = new Set<string>();
  CONVERTED_VARIABLE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CONVERTED_VARIABLE.exec(s)) !== null) converted.add(m[1].toLowerCase());
  if (converted.size === 0) return;
  PS_ASSIGNMENT.lastIndex = 0;
  while ((m = PS_ASSIGNMENT.exec(s)) !== null) {
    if (!converted.has(m[1].toLowerCase())) continue;
    const literal = literalToken(m[3], m[2] === "'" ? "value" : "expandable");
    visit(literal ? "ConvertTo-SecureString of a variable assigned a literal" : undefined, m[3]);
  }
}

/**
 * The kinds of literal secrets in a text (a script, custom data, unattend XML, settings JSON),
 * decoded first where PowerShell `-EncodedCommand` carries base64. Interpolations (`${var.x}`) are
 * not literals. Returns descriptions such as `a -Password argument`, never a value.
 */
export function secretsInText(text: string): string[] {
  const found = new Set<string>();
  scanText(text, (kind) => {
    if (kind) found.add(kind);
  });
  return [...found];
}

/**
 * The values of the secrets {@link secretsInText} finds in a text, as written, placeholders included:
 * for the output redactor only, which must know what to blank (the second exception, beside
 * {@link connectionCredentials}, to this module's rule of never handing out a value).
 */
export function secretValuesInText(text: string): string[] {
  const found = new Set<string>();
  scanText(text, (_kind, value) => {
    if (value !== undefined) found.add(value);
  });
  return [...found];
}

/** One credential part of a connection string or SAS (see {@link connectionCredentials}). */
export interface ConnectionCredential {
  /** What it is, for messages: `a Password= value`, `an AccountKey= value`, `a SAS signature (sig=)`, `a token as a URL's user name`. */
  readonly kind: string;
  /**
   * The value as written, without its quotes or braces. For the output redactor only, which must
   * know what to blank; rules report {@link kind} and never the value.
   */
  readonly value: string;
  /**
   * A secret written in the text: not an interpolation (`${var.p}`), a placeholder (`$(DbPassword)`,
   * `<password>`, `%DB_PASSWORD%`, `$env:PW`), a Key Vault reference or a flag.
   */
  readonly literal: boolean;
}

/**
 * Keyed credential parts. The keywords (case-insensitive, as their parsers read them):
 * - `Password`, `Pwd`: SQL Server and the ADO.NET/ODBC family (SqlConnectionStringBuilder.Password "corresponds to
 *   the Password and pwd keys", learn.microsoft.com/dotnet/api/microsoft.data.sqlclient.sqlconnectionstringbuilder.password),
 *   and StackExchange.Redis's comma-separated `password=` (`cache.redis.cache.windows.net:6380,password=...,ssl=True`,
 *   github.com/StackExchange/StackExchange.Redis/blob/main/docs/Configuration.md);
 * - `AccountKey`: Storage (`DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k`,
 *   learn.microsoft.com/azure/storage/common/storage-configure-connection-string) and Cosmos DB;
 * - `SharedAccessKey`: Service Bus, Event Hubs and IoT Hub (`Endpoint=sb://...;SharedAccessKeyName=n;SharedAccessKey=k`,
 *   learn.microsoft.com/dotnet/api/azure.messaging.servicebus.servicebusconnectionstringproperties);
 * - `AccessKey`: SignalR and Web PubSub (`Endpoint=https://x.service.signalr.net;AccessKey=k;Version=1.0;`,
 *   learn.microsoft.com/azure/azure-signalr/concept-connection-string);
 * - `Secret`: App Configuration access keys (`Endpoint=https://contoso.azconfig.io;Id=<id>;Secret=<secret>`: the
 *   connectionString of an access key, learn.microsoft.com/rest/api/appconfiguration/stable/configuration-stores/list-keys,
 *   and `az appconfig kv list --connection-string Endpoint=https://contoso.azconfig.io;Id=xxx;Secret=xxx`,
 *   learn.microsoft.com/cli/azure/appconfig/kv); `Id` names the key, it is not one;
 * - `Application Key` (alias `AppKey`), `Application Token` (`AppToken`), `User Token` (`UserToken`, `UsrToken`): Kusto
 *   (Azure Data Explorer) connection strings' application secret and bearer tokens ("Application Key | AppKey |
 *   ApplicationKey", learn.microsoft.com/kusto/api/connection-strings/kusto#application-authentication-properties).
 * `SharedAccessKeyName` and `AccountName` name a key or an account, and Application Insights' `InstrumentationKey` is "not
 * considered a secret" (learn.microsoft.com/azure/azure-monitor/app/connection-strings): none is a credential.
 * A value is read up to `;`, a quote or white space; after `;`, `,` or at the start, a value in double or single quotes
 * (SqlClient quotes values holding `;`) or in braces (ODBC) is read whole. A value in quotes must not start with white
 * space: `"...;Password=" + $pw` in a script is a concatenation, not a quoted value.
 */
const CREDENTIAL_KEYS = "AccountKey|SharedAccessKey|AccessKey|Password|Pwd|Secret|Application\\s*Key|AppKey|Application\\s*Token|AppToken|User\\s*Token|UsrToken";
const KEYED_CREDENTIAL = new RegExp(`(?:^|[;,"'\\s])(${CREDENTIAL_KEYS})\\s*=\\s*([^;"'\\s{][^;"'\\s]*)`, "gi");
const QUOTED_CREDENTIAL = new RegExp(`(?:^|[;,])\\s*(${CREDENTIAL_KEYS})\\s*=\\s*(?:"([^"\\s][^"]*)"|'([^'\\s][^']*)'|\\{([^}]*)\\})`, "gi");
/**
 * The signature of a shared access signature: in a SAS URL's query (`?sv=...&sig=...`), or in a connection string's
 * `SharedAccessSignature=sv=...&sig=...` part (learn.microsoft.com/azure/storage/common/storage-configure-connection-string
 * #create-a-connection-string-using-a-shared-access-signature; `&amp;` when XML-encoded). The other SAS fields (sv, se,
 * sp...) grant nothing without it: "sig" is "a signature that's used to authorize access" (the SAS token's fields,
 * learn.microsoft.com/azure/storage/common/storage-sas-overview#sas-token). Eight characters at least: a signature is a
 * base64 HMAC-SHA256 (44).
 */
const SAS_SIGNATURE = /(?:^|[?&;=\s"'])sig=([^&;\s"'#]{8,})/gi;
/**
 * A password in a URL's query (`jdbc:postgresql://db/app?user=u&password=p`, `...?pwd=p`): read up to the next `&`, `#`,
 * quote or white space.
 */
const QUERY_PASSWORD = /[?&](password|passwd|pwd)=([^&#\s"']+)/gi;
/**
 * The password of a URL's user information, `scheme://user:password@host` for any scheme (https, mongodb, postgresql,
 * amqp, redis, `redis://:password@host` without a user). RFC 3986 section 3.2.1: the authority is
 * `[ userinfo "@" ] host [ ":" port ]` after `//`, userinfo holds no `/`, `?` or `#` (section 3.2: they end the
 * authority), and its `user:password` form is deprecated precisely because "the passing of authentication information in
 * clear text has proven to be a security risk". The user is read up to the first `:` (and holds no `;`: a connection string's `Endpoint=https://...;Id=a:b` is no
 * user information), the password up to the last `@`
 * before the authority ends (as WHATWG URL parsers split it: an unencoded `@` in a password stays in it). Matched from
 * `//`, not from the scheme, so a long run of letters is never rescanned.
 */
const URL_USERINFO_PASSWORD = /\/\/([^\s/?#:;"']*):([^\s/?#"']*)@/g;
/**
 * A URL's user information without a password (`https://<token>@github.com/org/repo.git`): for git and
 * other HTTPS hosting the user name is then, as often as not, the token itself. Read from `//` up to `@`
 * within the authority; a user name holding `:` is {@link URL_USERINFO_PASSWORD}'s.
 */
const URL_USERINFO_USER = /\/\/([^\s/?#:;"'@]+)@/g;
/**
 * Prefixes of tokens, case-sensitive, as their issuers document them:
 * - GitHub: `ghp_` (personal access token, classic), `github_pat_` (fine-grained), `gho_` (OAuth), `ghu_` (user access
 *   token of a GitHub App), `ghs_` (installation access token), `ghr_` (refresh token): "GitHub issues tokens that begin
 *   with a prefix to indicate the token's type" (docs.github.com/authentication/keeping-your-account-and-data-secure/
 *   about-authentication-to-github#githubs-token-formats);
 * - GitLab: `glpat-` (personal, impersonation, project and group access tokens), `gloas-`, `gldt-` (deploy), `glrt-`/`glrtr-`
 *   (runner), `glcbt-` (CI/CD job), `glptt-` (trigger), `glft-` (feed), `glimt-` (incoming mail), `glagent-`, `glwt-`
 *   (workspace), `glsoat-` (SCIM), `glffct-` (feature flags client): "the prefixes for each type of token"
 *   (docs.gitlab.com/security/tokens/#token-prefixes);
 * - Slack: `xox` and a letter (`xoxb-` bot, `xoxp-` user, `xoxe-`...) and `xapp-` (app-level) (docs.slack.dev/authentication/tokens).
 */
const TOKEN_PREFIX = /^(?:gh[pousr]_|github_pat_|gl(?:pat|oas|dt|rtr?|cbt|ptt|ft|imt|agent|wt|soat|ffct)-|xox[a-z]-|xapp-)/;
/** The characters of a token after its prefix (base62 with `_`, `-`, and `.` in GitHub's newer installation tokens and GitLab's routable ones). */
const TOKEN_BODY = /^[A-Za-z0-9_.-]+$/;
/** Every token the prefixes above name is at least this long after its prefix (GitLab's shortest: 20); shorter is a placeholder (`ghp_xxx`). */
const MIN_TOKEN_BODY = 20;

/**
 * Whether a URL's user name is a token: one that starts with a known prefix, or one long random run of
 * letters and digits with no word in it. The second covers tokens without a prefix: Azure DevOps personal
 * access tokens (52 base32 characters, or 84 letters and digits in the current format,
 * learn.microsoft.com/purview/sit-defn-azure-devops-personal-access-token) and GitHub's before 2021 (40
 * hex digits, github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available).
 * Names are short, or words joined by separators (`contoso` in `https://contoso@dev.azure.com/contoso/...`, a GUID,
 * `firstname.lastname`), and switch between letters and digits a few times at most; random data switches
 * throughout. Undefined when the user name is no token; `literal` false for a prefixed placeholder, which is
 * blanked but not reported.
 */
function urlUserToken(user: string): { literal: boolean } | undefined {
  const prefix = TOKEN_PREFIX.exec(user);
  if (prefix) {
    const body = user.slice(prefix[0].length);
    if (!TOKEN_BODY.test(body)) return undefined; // `ghp_<token>`, `ghp_${var.t}`: a placeholder, no token
    return { literal: body.length >= MIN_TOKEN_BODY && !/^(.)\1*$/.test(body) }; // `ghp_xxxx...`: a placeholder
  }
  if (user.length < 32 || !/^[A-Za-z0-9]+$/.test(user)) return undefined;
  let switches = 0;
  for (let i = 1; i < user.length; i++) if (isDigit(user.charCodeAt(i)) !== isDigit(user.charCodeAt(i - 1))) switches++;
  return switches >= 4 ? { literal: true } : undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A cheap test: only a text with `=` (keyed parts, query parameters) or `//` and `@` (a URL's user information) is read. */
export function mayHoldCredentials(text: string): boolean {
  return text.includes("=") || (text.includes("@") && text.includes("//"));
}

/** Names with "an": `an AccountKey= value`, `an Application Key= value`; but `a User Token= value`. */
function article(word: string): string {
  return /^(?:[aeio]|u(?!s))/i.test(word) ? "an" : "a";
}

/**
 * The credential parts of connection strings, SAS tokens and URLs in a text: the one notion shared by
 * SDZ-SEC-002 (which reports the literal ones on the resource and field that write them) and the
 * output redactor (which blanks every one, placeholders too).
 */
export function connectionCredentials(text: string): ConnectionCredential[] {
  const out: ConnectionCredential[] = [];
  if (!mayHoldCredentials(text)) return out;
  const userToken = (user: string) => {
    const token = urlUserToken(user);
    if (token) out.push({ kind: "a token as a URL's user name", value: user, literal: token.literal });
  };
  const s = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  let m: RegExpExecArray | null;
  if (s.includes("=")) {
    for (const re of [KEYED_CREDENTIAL, QUOTED_CREDENTIAL]) {
      re.lastIndex = 0;
      while ((m = re.exec(s)) !== null) {
        const value = m[2] ?? m[3] ?? m[4] ?? "";
        if (value.trim() === "") continue;
        const key = m[1].replace(/\s+/g, " ");
        out.push({ kind: `${article(key)} ${key}= value`, value, literal: literalToken(value) });
      }
    }
    SAS_SIGNATURE.lastIndex = 0;
    while ((m = SAS_SIGNATURE.exec(s)) !== null) {
      // A URL-encoded signature may start with %2B or %2F: an escape, not a %VARIABLE%.
      out.push({ kind: "a SAS signature (sig=)", value: m[1], literal: literalToken(m[1]) || PERCENT_ESCAPE.test(m[1]) });
    }
    QUERY_PASSWORD.lastIndex = 0;
    while ((m = QUERY_PASSWORD.exec(s)) !== null) {
      out.push({ kind: `a ${m[1].toLowerCase()}= query parameter`, value: m[2], literal: literalToken(m[2]) || PERCENT_ESCAPE.test(m[2]) });
    }
  }
  if (s.includes("@")) {
    URL_USERINFO_PASSWORD.lastIndex = 0;
    while ((m = URL_USERINFO_PASSWORD.exec(s)) !== null) {
      // GitHub's `https://<token>:x-oauth-basic@github.com` puts the token in the user name, before a fixed password.
      userToken(m[1]);
      const value = m[2];
      if (value.trim() === "") continue;
      // A password is percent-encoded where it holds a reserved character (RFC 3986 section 2.1): %40 is an escape.
      out.push({ kind: "a password in a URL's user information", value, literal: literalToken(value) || PERCENT_ESCAPE.test(value) });
    }
    URL_USERINFO_USER.lastIndex = 0;
    while ((m = URL_USERINFO_USER.exec(s)) !== null) userToken(m[1]);
  }
  return out;
}

/** A percent-encoded octet at the start of a value (RFC 3986 section 2.1), not a %VARIABLE%. */
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}/;

/**
 * Keys of connection strings that hold no credential, compared in lower case without spaces or
 * underscores: Application Insights' (the InstrumentationKey "isn't a security token or key, and isn't
 * considered a secret", learn.microsoft.com/azure/azure-monitor/app/connection-strings), SQL Server's
 * server, database, user and encryption keywords (learn.microsoft.com/dotnet/api/
 * microsoft.data.sqlclient.sqlconnection.connectionstring), and the endpoint and account names of
 * Storage and Service Bus strings. A key not listed may hold a credential.
 */
const NON_CREDENTIAL_KEYS = new Set([
  "instrumentationkey", "ingestionendpoint", "liveendpoint", "profilerendpoint", "snapshotendpoint", "applicationid", "authorization", "endpointsuffix",
  "server", "datasource", "address", "addr", "networkaddress", "database", "initialcatalog", "userid", "uid", "user", "authentication", "encrypt",
  "trustservercertificate", "hostnameincertificate", "connecttimeout", "connectiontimeout", "commandtimeout", "multipleactiveresultsets", "applicationname",
  "applicationintent", "multisubnetfailover", "persistsecurityinfo", "integratedsecurity", "trustedconnection", "port", "sslmode", "pooling",
  "defaultendpointsprotocol", "accountname", "blobendpoint", "queueendpoint", "tableendpoint", "fileendpoint", "endpoint", "entitypath",
]);

/**
 * True when a text is a connection string (`key=value` pairs separated by `;`) none of whose keys can
 * hold a credential: an Application Insights connection string, a SQL connection string that
 * authenticates with a managed identity. Anything else (a URL, an unknown key, a quoted value holding
 * `;`) is false: when in doubt, the text may be a secret.
 */
export function credentialFreeConnectionString(text: string): boolean {
  let pairs = 0;
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9 _]*?)\s*=/.exec(part);
    if (!m || !NON_CREDENTIAL_KEYS.has(m[1].toLowerCase().replace(/[\s_]/g, ""))) return false;
    pairs++;
  }
  return pairs > 0;
}

/** The kinds of the literal credential parts in a text (connection strings, SAS URLs), never their values. */
export function literalCredentialKinds(text: string): string[] {
  const kinds = new Set<string>();
  for (const c of connectionCredentials(text)) if (c.literal) kinds.add(c.kind);
  return [...kinds];
}

/** The scripts of `-EncodedCommand <base64 UTF-16LE>` arguments, decoded. */
function encodedCommands(text: string): string[] {
  const out: string[] = [];
  const re = /-(?:e|ec|enc|encodedcommand)\s+([A-Za-z0-9+/=]{8,})/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(Buffer.from(m[1], "base64").toString("utf16le"));
  return out;
}

/**
 * Custom data / user data as the VM will see it: base64 decoded when it is base64 (Azure requires
 * it for `custom_data` and `user_data` of the current VM resources), otherwise as written.
 * Undefined when the decoded bytes are not text (e.g. gzip), which the scan cannot read.
 */
export function decodedData(value: string): { text: string; decoded: boolean } | undefined {
  const bytes = base64Bytes(value, 8);
  if (bytes) {
    const text = bytes.toString("utf8");
    // Mostly printable text: a script or cloud-init; otherwise binary.
    const printable = [...text].filter((c) => c === "\n" || c === "\r" || c === "\t" || (c >= " " && c !== "\uFFFD")).length;
    if (text.length > 0 && printable / text.length > 0.95) return { text, decoded: true };
    return undefined;
  }
  return { text: value, decoded: false };
}

/** Functions that read files the checks do not see (their contents may hold secrets). */
export function readsFile(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (!value.includes("${")) return undefined;
  // Anywhere in an interpolation: `${file("pw.txt")}`, `${trimspace(file("pw.txt"))}`, `${jsonencode({ pw = file("pw.txt") })}`;
  // an expression that cannot be read is searched whole.
  const texts = readExpressions(value)?.map((e) => e.expr) ?? [value];
  for (const t of texts) {
    const m = /(?<![A-Za-z0-9_.:-])(file|filebase64|templatefile)\s*\(/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}
