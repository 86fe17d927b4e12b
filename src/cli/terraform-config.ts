/**
 * Reads a Terraform configuration written by hand, as Terraform loads it: the `.tf` (HCL) and
 * `.tf.json` files of a module folder merged into one module, override files applied, and local
 * child modules followed and checked in place.
 *
 * - Files: every `*.tf` and `*.tf.json` of a folder (or the files named on the command line). Two
 *   files declaring the same resource, module call or local value are an error, as in Terraform.
 * - Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms) are applied after the
 *   other files, in lexicographic order of their names, as Terraform does
 *   (https://developer.hashicorp.com/terraform/language/files/override): a top-level block merges
 *   into the block with the same header; an argument replaces the original argument; a nested
 *   block type replaces every block of that type in the original; `lifecycle` is merged argument by
 *   argument; each local value is overridden on its own; a block that overrides nothing is an error.
 * - Local module calls (`source = "./..."` or `"../..."`, the only local form Terraform accepts)
 *   are read from their folder and their resources checked with module addresses
 *   (`module.net.azurerm_subnet.a`); references inside the module are rewritten to those addresses,
 *   its locals are kept apart from the caller's, and `var.x` takes the value the call passes (or the
 *   variable's default). Remote sources are reported as not checked.
 * - Top-level blocks the checker does not read (`action`, `import`, `removed`, `check`, `moved`,
 *   `ephemeral`, ...) are accepted; a block type Terraform does not know is listed as skipped.
 */
import * as path from "path";
import { hclBlockRegions, parseHcl } from "./hcl";
import { METADATA_KEY, notAnObject, settingsBlocksOf, TerraformModel, TfResource, TfSettingsBlock, TfVariable, unreadableBodyMessage } from "../engine/model";
import { isDate } from "../policy/config";
import { LineRegion, terraformResourceRegions } from "../reports/json-positions";
import { ExpiredSuppression } from "../reports/json-report";

/** A problem with one file (one line, never quoting the file's values). */
export interface FileProblem {
  readonly file: string;
  readonly message: string;
}

/** Reads a file's text, or says why it cannot (bounded, non-blocking: see read-input). */
export type TextReader = (file: string) => { text: string } | { error: string };

/** Parses JSON text, or says where it is not JSON (never quoting it). */
export type JsonParser = (text: string) => { json: unknown } | { error: string };

/** Top-level blocks of Terraform's language (1.14); all but a few are accepted without being read. */
export const TERRAFORM_BLOCKS = new Set([
  "resource", "data", "ephemeral", "variable", "output", "locals", "module", "provider", "terraform",
  "moved", "import", "check", "removed", "action", "//",
]);

/** The override files of a folder, by Terraform's naming rule. */
export function isOverrideFile(file: string): boolean {
  return /^(.*_)?override\.tf(\.json)?$/.test(path.basename(file));
}

/** A Terraform configuration file (HCL or JSON syntax). */
export function isTerraformFile(file: string): boolean {
  return /\.tf(\.json)?$/.test(file);
}

/**
 * The most module instances one configuration may hold (each call of a local module counts once,
 * however often the module is called): module calls that fan out (`a` calls `b` twice, `b` calls `c`
 * twice...) double the work at each level, so 22 levels would never end. A configuration over the
 * limit is unusable input (exit 2), never a partial pass.
 */
export const MAX_MODULE_INSTANCES = 10_000;

/** The most resources one configuration may hold once its local modules are instantiated. */
export const MAX_RESOURCES = 1_000_000;

/** The shortest reason a recorded suppression may give (the configuration file's minimum, policy/config.ts). */
const MIN_SUPPRESSION_REASON = 10;

/** Folders never scanned or read as modules: provider and module caches, dependencies, VCS data. */
export const EXCLUDED_FOLDERS = new Set([".terraform", "node_modules", ".git"]);

type Body = Record<string, any>;

/** One module's declarations, merged from its files. */
interface ModuleDeclarations {
  readonly resources: Map<string, { type: string; name: string; body: Body; file: string }>;
  readonly modules: Map<string, { body: Body; file: string }>;
  readonly locals: Map<string, { value: unknown; file: string }>;
  readonly variables: Map<string, { body: Body; file: string }>;
  /** Provider, backend and cloud blocks, each file's on its own (an override file's too: what it writes is in the repository). */
  readonly settings: TfSettingsBlock[];
  /** Resources whose body is not an object (`null`, a list of non-objects): nothing of them can be read. */
  readonly unreadable: { type: string; name: string; file: string; found: string }[];
}

/** A configuration read from files: resources with their final addresses, and what was read. */
export interface ReadConfiguration {
  readonly resources: TfResource[];
  readonly locals: Record<string, unknown>;
  /** The root module's input variables (rules about secrets held in variables read them). */
  readonly variables: TfVariable[];
  /** Provider, backend and cloud blocks of every module read (rules about literal secrets read them). */
  readonly settingsBlocks: TfSettingsBlock[];
  /** Files read, in order (display paths). */
  readonly files: string[];
  /** Lines of each resource, by file and final address. */
  readonly regions: Map<string, Map<string, LineRegion>>;
  readonly errors: FileProblem[];
  /** Inputs not checked, and why (remote modules, unknown blocks). */
  readonly skipped: FileProblem[];
  /** Folders of the local modules the root module calls (resolved paths). */
  readonly localModuleFolders: string[];
  /** Suppressions recorded in the files' `//` metadata whose `expires` date has passed (removed). */
  readonly expiredSuppressions: ExpiredSuppression[];
  /** Module calls whose resources were not read (remote sources): could not verify what they deploy. */
  readonly unreadModules: { readonly file: string; readonly address: string; readonly message: string }[];
  /** Resources whose body could not be read (`null`, a list of non-objects): could not verify them. */
  readonly unreadResources: { readonly file: string; readonly address: string; readonly type: string; readonly message: string }[];
}

function isPlainObject(v: unknown): v is Body {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A block written once or as a list of bodies (Terraform JSON allows both; hcl2json writes lists). */
function mergedBody(v: unknown): Body | undefined {
  if (Array.isArray(v)) {
    const bodies = v.filter(isPlainObject);
    return bodies.length > 0 ? Object.assign({}, ...bodies) : undefined;
  }
  return isPlainObject(v) ? v : undefined;
}

/** `{a: x}` or `[{a: x}, {b: y}]` -> entries. */
function entriesOf(v: unknown): [string, unknown][] {
  if (Array.isArray(v)) return v.filter(isPlainObject).flatMap((o) => Object.entries(o));
  return isPlainObject(v) ? Object.entries(v) : [];
}

/** A Terraform name, safe to repeat in a message (anything else is not quoted). */
function nameOf(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ? name : "(a name that is not a Terraform name)";
}

/** A name quoted for a message, or a phrase when it does not look like a Terraform name (it could be anything). */
export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ? JSON.stringify(name) : "(a key that is not a Terraform name)";
}

/** The folder a source path is relative to. */
function folderOf(file: string): string {
  return path.dirname(file);
}

/**
 * Merges `override` into `base` as Terraform merges an override block: arguments and nested block
 * types replace the original; `lifecycle` (resource and data blocks) is merged argument by argument.
 */
function overrideBody(base: Body, override: Body, mergeLifecycle: boolean): Body {
  const out: Body = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (key === "lifecycle" && mergeLifecycle) {
      out.lifecycle = [{ ...(mergedBody(base.lifecycle) ?? {}), ...(mergedBody(value) ?? {}) }];
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Reads the files of one module into its declarations. */
class ModuleReader {
  public readonly errors: FileProblem[] = [];
  public readonly skipped: FileProblem[] = [];
  public readonly regions = new Map<string, Map<string, LineRegion>>();
  public readonly filesRead: string[] = [];

  constructor(private readonly readText: TextReader, private readonly parseJson: JsonParser, private readonly wantRegions: boolean) {}

  /** Parses one file into Terraform JSON; records the problem and returns undefined when it cannot. */
  private parse(file: string): Body | undefined {
    const read = this.readText(file);
    if ("error" in read) {
      this.errors.push({ file, message: read.error });
      return undefined;
    }
    const hcl = file.endsWith(".tf");
    if (!hcl && read.text.trim() === "") {
      this.errors.push({ file, message: "not JSON: the file is empty" });
      return undefined;
    }
    const json = hcl ? parseHcl(file, read.text) : this.parseJson(read.text);
    if ("error" in json) {
      this.errors.push({ file, message: `${hcl ? "not HCL" : "not JSON"}: ${json.error}` });
      return undefined;
    }
    if (!isPlainObject(json.json)) {
      this.errors.push({ file, message: "not Terraform JSON: expected an object of Terraform blocks (resource, variable, ...)" });
      return undefined;
    }
    const doc = json.json;
    if ("format_version" in doc) {
      this.errors.push({ file, message: "a `terraform show -json` document saved as Terraform configuration: name it *.json (Terraform would fail to load it)" });
      return undefined;
    }
    const known = Object.keys(doc).filter((k) => TERRAFORM_BLOCKS.has(k));
    const unknown = Object.keys(doc).filter((k) => !TERRAFORM_BLOCKS.has(k));
    if (unknown.length > 0 && known.length === 0 && Object.keys(doc).length > 0) {
      this.errors.push({ file, message: `not Terraform JSON: unexpected top-level key ${quoteName(unknown[0])} (expected resource, data, variable, output, locals, module, provider or terraform blocks)` });
      return undefined;
    }
    for (const k of unknown) this.skipped.push({ file, message: `top-level block ${quoteName(k)} is not a Terraform block this checker knows: ignored` });
    if (doc.resource !== undefined && !isPlainObject(doc.resource) && !(Array.isArray(doc.resource) && doc.resource.every(isPlainObject))) {
      this.errors.push({ file, message: "not Terraform JSON: \"resource\" must be an object of resource types" });
      return undefined;
    }
    for (const [type, byName] of entriesOf(doc.resource)) {
      if (!isPlainObject(byName)) {
        this.errors.push({ file, message: `not Terraform JSON: resource ${quoteName(type)} must be an object of named resources` });
        return undefined;
      }
    }
    if (this.wantRegions) this.regions.set(file, hcl ? hclBlockRegions(read.text) : terraformResourceRegions(read.text));
    return doc;
  }

  /** Reads and merges the files of one module, overrides last. */
  public read(files: readonly string[]): ModuleDeclarations {
    const decl: ModuleDeclarations = { resources: new Map(), modules: new Map(), locals: new Map(), variables: new Map(), settings: [], unreadable: [] };
    const normal = files.filter((f) => !isOverrideFile(f));
    const overrides = files.filter(isOverrideFile).sort((a, b) => (path.basename(a) < path.basename(b) ? -1 : path.basename(a) > path.basename(b) ? 1 : 0));
    for (const file of normal) {
      const doc = this.parse(file);
      if (!doc) continue;
      this.filesRead.push(file);
      this.declare(decl, doc, file);
    }
    for (const file of overrides) {
      const doc = this.parse(file);
      if (!doc) continue;
      this.filesRead.push(file);
      this.override(decl, doc, file);
    }
    return decl;
  }

  private declare(decl: ModuleDeclarations, doc: Body, file: string): void {
    decl.settings.push(...settingsBlocksOf(doc, { source: file }));
    for (const [type, byName] of entriesOf(doc.resource)) {
      for (const [name, raw] of Object.entries(byName as Body)) {
        const body = mergedBody(raw);
        if (!body) {
          // Terraform rejects such a body; skipping it silently would pass a resource nobody checked.
          decl.unreadable.push({ type, name, file, found: notAnObject(raw) });
          continue;
        }
        const key = `${type}.${name}`;
        const other = decl.resources.get(key);
        if (other) {
          this.errors.push({ file, message: `duplicate resource ${nameOf(type)}.${nameOf(name)} (already declared in ${other.file}); Terraform rejects this configuration` });
          continue;
        }
        decl.resources.set(key, { type, name, body, file });
      }
    }
    for (const [name, raw] of entriesOf(doc.module)) {
      const body = mergedBody(raw);
      if (!body) continue;
      const other = decl.modules.get(name);
      if (other) {
        this.errors.push({ file, message: `duplicate module call ${nameOf(name)} (already declared in ${other.file}); Terraform rejects this configuration` });
        continue;
      }
      decl.modules.set(name, { body, file });
    }
    for (const [name, value] of entriesOf(doc.locals)) {
      const other = decl.locals.get(name);
      if (other) {
        this.errors.push({ file, message: `duplicate local value ${nameOf(name)} (already defined in ${other.file}); Terraform rejects this configuration` });
        continue;
      }
      decl.locals.set(name, { value, file });
    }
    for (const [name, raw] of entriesOf(doc.variable)) {
      const body = mergedBody(raw);
      if (body) decl.variables.set(name, { body, file });
    }
  }

  private override(decl: ModuleDeclarations, doc: Body, file: string): void {
    decl.settings.push(...settingsBlocksOf(doc, { source: file }));
    const missing = (what: string) => this.errors.push({ file, message: `${what} overrides nothing: no such block in the other files of this module; Terraform rejects this configuration` });
    for (const [type, byName] of entriesOf(doc.resource)) {
      for (const [name, raw] of Object.entries(byName as Body)) {
        const body = mergedBody(raw);
        const base = decl.resources.get(`${type}.${name}`);
        if (!body) continue;
        if (!base) {
          missing(`resource ${nameOf(type)}.${nameOf(name)}`);
          continue;
        }
        base.body = overrideBody(base.body, body, true);
      }
    }
    for (const [name, raw] of entriesOf(doc.module)) {
      const body = mergedBody(raw);
      const base = decl.modules.get(name);
      if (!body) continue;
      if (!base) {
        missing(`module call ${nameOf(name)}`);
        continue;
      }
      base.body = overrideBody(base.body, body, false);
    }
    for (const [name, value] of entriesOf(doc.locals)) {
      const base = decl.locals.get(name);
      if (!base) {
        missing(`local value ${nameOf(name)}`);
        continue;
      }
      base.value = value;
    }
    for (const [name, raw] of entriesOf(doc.variable)) {
      const body = mergedBody(raw);
      const base = decl.variables.get(name);
      if (body && base) base.body = overrideBody(base.body, body, false);
    }
  }
}

/** Names that start a reference but never name a resource. */
const NOT_RESOURCES = new Set(["var", "local", "data", "module", "each", "count", "path", "terraform", "self", "ephemeral"]);

/** How references inside a module are rewritten to the addresses the model gives its resources. */
interface Scope {
  /** `module.a.module.b.` ("" for the root module). */
  readonly prefix: string;
  /** Values of the module's input variables (already in the caller's terms). */
  readonly vars: Map<string, unknown>;
}

const INTERPOLATION = /(?<!\$)\$\{([^{}]*)\}/g;
const WHOLE_VAR = /^\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/;

/** Rewrites one expression (the inside of `${...}`) for a child module. */
function rewriteExpression(expr: string, scope: Scope): string {
  const p = scope.prefix;
  return expr
    .replace(/(^|[^\w.\]"'-])local\.([A-Za-z_][A-Za-z0-9_-]*)/g, (_, before: string, name: string) => `${before}local["${p}${name}"]`)
    .replace(/(^|[^\w.\]"'-])([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g, (all: string, before: string, type: string, name: string) =>
      (NOT_RESOURCES.has(type) ? all : `${before}${p}${type}.${name}`));
}

/** A module input variable's value written into a string. */
function substituteVar(name: string, scope: Scope): string | undefined {
  if (!scope.vars.has(name)) return undefined;
  const v = scope.vars.get(name);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return undefined;
  if (!v.includes("${")) return v.replace(/\$\{/g, "$${");
  return /^\$\{[^{}]*\}$/.test(v) ? v : undefined;
}

/** Rewrites every string of a value for a child module (references, locals and input variables). */
function rewriteValue(value: unknown, scope: Scope, depth = 0): unknown {
  if (scope.prefix === "" || depth > 64) return value;
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    const whole = WHOLE_VAR.exec(value.trim());
    if (whole && scope.vars.has(whole[1])) return scope.vars.get(whole[1]);
    return value.replace(INTERPOLATION, (all: string, expr: string) => {
      const v = /^\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/.exec(expr);
      if (v) return substituteVar(v[1], scope) ?? all;
      return `\${${rewriteExpression(expr, scope)}}`;
    });
  }
  if (Array.isArray(value)) return value.map((v) => rewriteValue(v, scope, depth + 1));
  if (isPlainObject(value)) {
    const out: Body = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === "//" ? v : rewriteValue(v, scope, depth + 1);
    return out;
  }
  return value;
}

/** A module source Terraform reads from the local file system. */
function isLocalSource(source: unknown): source is string {
  return typeof source === "string" && /^\.\.?[\\/]/.test(source);
}

/** A remote module source, safe to show: no credentials, no query string. */
function shownSource(source: unknown): string {
  if (typeof source !== "string") return "(not a string)";
  const s = source.replace(/\/\/[^/@\s]*@/, "//").split("?")[0];
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Lists a folder's Terraform files (sorted; override files included). */
export type FolderLister = (dir: string) => { files: string[] } | { error: string };

/**
 * Reads a configuration: the root module's files, then every local module it calls, recursively.
 * Resources of child modules get module addresses; their references, locals and variables are
 * rewritten so the model follows them.
 */
export function readConfiguration(
  rootFiles: readonly string[],
  listFolder: FolderLister,
  readText: TextReader,
  parseJson: JsonParser,
  options: { name: string; wantRegions?: boolean; onlyRoot?: boolean; isExpired?: (date: string | undefined) => boolean },
): ReadConfiguration {
  const localModuleFolders: string[] = [];
  const unreadModules: ReadConfiguration["unreadModules"][number][] = [];
  const unreadResources: ReadConfiguration["unreadResources"][number][] = [];
  const expiredSuppressions: ExpiredSuppression[] = [];
  /** Drops recorded suppressions past their `expires` date from a body's metadata (returns a copy when it does). */
  const dropExpired = (body: Body, address: string): Body => {
    const recorded = body["//"]?.[METADATA_KEY]?.suppressions;
    if (!options.isExpired || !Array.isArray(recorded)) return body;
    const kept = recorded.filter((s: any) => {
      if (!isPlainObject(s) || !options.isExpired!(typeof s.expires === "string" ? s.expires : undefined)) return true;
      const scope = typeof s.scope === "string" ? s.scope : address;
      if (!expiredSuppressions.some((e) => e.ruleId === s.id && e.scope === scope)) {
        expiredSuppressions.push({ ruleId: String(s.id), scope, reason: typeof s.reason === "string" ? s.reason : "", expires: String(s.expires) });
      }
      return false;
    });
    if (kept.length === recorded.length) return body;
    return { ...body, "//": { ...body["//"], [METADATA_KEY]: { ...body["//"][METADATA_KEY], suppressions: kept } } };
  };
  /**
   * Checks the suppressions recorded in a body's metadata as the configuration file's are checked
   * (policy/config.ts): a list of { id, reason of at least 10 characters, expires? YYYY-MM-DD }. A
   * malformed one is an input error (exit 2) and is dropped, so its finding still shows.
   */
  const checkRecorded = (body: Body, address: string, file: string): Body => {
    const ours = body["//"]?.[METADATA_KEY];
    if (!isPlainObject(ours) || ours.suppressions === undefined) return body;
    const where = `${address}: "//".${METADATA_KEY}.suppressions`;
    const recorded: unknown = ours.suppressions;
    const problems: string[] = [];
    let kept: unknown[] = [];
    if (!Array.isArray(recorded)) {
      problems.push(`${where} must be a list of { id, reason, expires? }`);
    } else {
      kept = recorded.filter((s: unknown, i: number) => {
        const at = `${where}[${i}]`;
        if (!isPlainObject(s) || typeof s.id !== "string" || s.id.trim() === "") problems.push(`${at} must be an object { id, reason, expires? } with a rule ID`);
        else if (typeof s.reason !== "string" || s.reason.trim().length < MIN_SUPPRESSION_REASON) {
          problems.push(`${at}.reason must say why the finding is acceptable, in at least ${MIN_SUPPRESSION_REASON} characters (as in the configuration file)`);
        } else if (s.expires !== undefined && !isDate(s.expires)) problems.push(`${at}.expires must be a date YYYY-MM-DD`);
        else return true;
        return false;
      });
    }
    if (problems.length === 0) return body;
    for (const message of problems) reader.errors.push({ file, message: `${message}: not applied` });
    return { ...body, "//": { ...body["//"], [METADATA_KEY]: { ...ours, suppressions: kept } } };
  };
  const reader = new ModuleReader(readText, parseJson, options.wantRegions ?? false);
  const resources: TfResource[] = [];
  const locals: Record<string, unknown> = {};
  const variables: TfVariable[] = [];
  const settingsBlocks: TfSettingsBlock[] = [];
  const regions = new Map<string, Map<string, LineRegion>>();

  // Each module folder is listed and read once; every call of it instantiates the cached declarations
  // (never changed once read: instantiating copies what it rewrites).
  const folderListings = new Map<string, ReturnType<FolderLister>>();
  const declarations = new Map<string, ModuleDeclarations>();
  let instances = 0;
  let stopped = false;
  const stop = (file: string, message: string) => {
    if (!stopped) reader.errors.push({ file, message });
    stopped = true;
  };

  /** Reads one module; `passed` (child modules) names the variables the call sets: the others take their defaults. */
  const visit = (files: readonly string[], scope: Scope, chain: string[], passed?: Set<string>) => {
    const filesKey = files.join("\u0000");
    let decl = declarations.get(filesKey);
    if (!decl) declarations.set(filesKey, (decl = reader.read(files)));
    if (passed) {
      for (const [name, { body }] of decl.variables) if (!passed.has(name) && "default" in body) scope.vars.set(name, body.default);
    } else {
      for (const [name, { body, file }] of decl.variables) variables.push({ name, address: `var.${name}`, config: body, source: file });
    }
    // Locals: the root module's by name, a child module's under its prefix (`local["module.a.x"]`).
    for (const [name, { value }] of decl.locals) locals[`${scope.prefix}${name}`] = rewriteValue(value, scope);
    for (const b of decl.settings) settingsBlocks.push({ ...b, address: `${scope.prefix}${b.address}`, config: rewriteValue(b.config, scope) as Body });
    for (const u of decl.unreadable) {
      const address = `${scope.prefix}${nameOf(u.type)}.${nameOf(u.name)}`;
      const message = unreadableBodyMessage(u.found);
      reader.skipped.push({ file: u.file, message: `${address}: ${message}` });
      unreadResources.push({ file: u.file, address, type: nameOf(u.type), message });
    }
    // Resources, through the model's own reading of Terraform JSON (metadata, suppressions).
    const byFile = new Map<string, Body>();
    for (const r of decl.resources.values()) {
      const doc = byFile.get(r.file) ?? { resource: {} };
      const address = `${scope.prefix}${r.type}.${r.name}`;
      (doc.resource[r.type] ??= {})[r.name] = dropExpired(checkRecorded(rewriteValue(r.body, scope) as Body, `${scope.prefix}${nameOf(r.type)}.${nameOf(r.name)}`, r.file), address);
      byFile.set(r.file, doc);
    }
    for (const [file, doc] of byFile) {
      for (const r of TerraformModel.resourcesOf(doc, { source: file })) {
        resources.push(scope.prefix === "" ? r : { ...r, address: `${scope.prefix}${r.address}` });
      }
      if (resources.length > MAX_RESOURCES) {
        stop(file, `more than ${MAX_RESOURCES.toLocaleString("en-US")} resources once local modules are instantiated (the limit): the configuration is not read further`);
        return;
      }
      const fileRegions = reader.regions.get(file);
      if (fileRegions) {
        const mine = regions.get(file) ?? new Map<string, LineRegion>();
        for (const [key, region] of fileRegions) if (!key.startsWith("module.") && !key.startsWith("data.")) mine.set(`${scope.prefix}${key}`, region);
        regions.set(file, mine);
      }
    }
    // Child modules.
    for (const [name, { body, file }] of decl.modules) {
      if (stopped) return;
      const address = `${scope.prefix}module.${name}`;
      if (!isLocalSource(body.source)) {
        // Listed as skipped (as before) and reported as a finding, so a report never passes over it.
        reader.skipped.push({ file, message: `${address}: remote module source "${shownSource(body.source)}" is not checked (check the plan to include it: terraform show -json <planfile>)` });
        unreadModules.push({
          file, address,
          message: `the resources of remote module source "${shownSource(body.source)}" are not read, so nothing it deploys was checked (check the plan to include them: terraform show -json <planfile>)`,
        });
        continue;
      }
      const dir = path.join(folderOf(file), body.source);
      const key = path.resolve(dir);
      if (scope.prefix === "") localModuleFolders.push(key);
      if (options.onlyRoot) continue;
      if (chain.includes(key) || chain.length > 32) {
        reader.errors.push({ file, message: `${address}: module source ${body.source} calls itself (a module cycle); Terraform rejects this configuration` });
        continue;
      }
      if (++instances > MAX_MODULE_INSTANCES) {
        stop(file, `${address}: more than ${MAX_MODULE_INSTANCES.toLocaleString("en-US")} module instances (the limit; module calls fan out, each call counts once): the configuration is not read further`);
        return;
      }
      let listed = folderListings.get(key);
      if (!listed) folderListings.set(key, (listed = listFolder(dir)));
      if ("error" in listed) {
        reader.errors.push({ file, message: `${address}: module source ${body.source}: ${listed.error}` });
        continue;
      }
      const childScope: Scope = { prefix: `${address}.`, vars: new Map() };
      // Arguments are expressions of the calling module: rewrite them in its scope first.
      const args = new Set<string>();
      for (const [arg, value] of Object.entries(body)) {
        if (["source", "version", "count", "for_each", "providers", "depends_on", "//"].includes(arg)) continue;
        childScope.vars.set(arg, rewriteValue(value, scope));
        args.add(arg);
      }
      visit(listed.files, childScope, [...chain, key], args);
    }
  };

  visit(rootFiles, { prefix: "", vars: new Map() }, [path.resolve(folderOf(rootFiles[0] ?? "."))]);
  return {
    resources, locals, variables, settingsBlocks, files: reader.filesRead, regions, errors: reader.errors, skipped: reader.skipped,
    localModuleFolders, expiredSuppressions, unreadModules, unreadResources,
  };
}
