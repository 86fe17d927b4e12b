/**
 * A normalized, resolved view of one Terraform configuration (a synthesized cdktf stack, a
 * hand-written .tf.json, or a plan converted by the CLI). Rules read only this, so the same rules
 * check library constructs, hand-written resources and other tools' output alike.
 */
import { TagBlock, TagText } from "../contract/tag";

/** A suppression recorded on a resource (in the JSON under `//.secure_deployment_zones`). */
export interface SuppressionRecord {
  readonly id: string;
  readonly reason: string;
  /** Construct path the suppression was declared on. */
  readonly scope?: string;
}

/** One managed resource of the configuration. */
export interface TfResource {
  /** Resource type, e.g. `azurerm_subnet`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Terraform address `<type>.<name>` (with a module prefix when it came from a plan). */
  readonly address: string;
  /** Final configuration, snake_case keys, `//` metadata removed. */
  readonly config: Record<string, any>;
  /** Construct path, when the resource came from a cdktf stack. */
  readonly constructPath?: string;
  /** Suppressions that apply to this resource. */
  readonly suppressions: SuppressionRecord[];
  /** Where the resource was read from (CLI input file), if not a stack. */
  readonly source?: string;
  /**
   * Block lists whose value is what Azure holds (a plan's prior state), which the configuration does
   * not write: `security_rule` of an existing NSG left unset keeps rules created elsewhere (the portal),
   * which Azure enforces and an update of the NSG never rewrites.
   */
  readonly heldByAzure?: readonly string[];
  /**
   * Arguments the input cannot carry, each with why: a plan (`terraform show -json`) has no
   * `lifecycle` block. A rule reading one reports could-not-verify with that reason, never "not set".
   */
  readonly notInInput?: Readonly<Record<string, string>>;
}

/** An input variable of the configuration (`variable "x" {}`), for rules about secrets held in variables. */
export interface TfVariable {
  readonly name: string;
  /** `var.<name>`: what findings about it are reported on. */
  readonly address: string;
  /** The variable's block: `type`, `default`, `sensitive`, `description`. */
  readonly config: Record<string, any>;
  readonly source?: string;
}

/**
 * A block of the configuration that is not a resource but writes values, credentials included: a
 * provider's configuration (`provider "azurerm" { client_secret = ... }`), the state backend's
 * (`terraform { backend "azurerm" { access_key = ... } }`), HCP Terraform's (`terraform { cloud { token = ... } }`)
 * or an output (`output "x" { value = ..., sensitive = true }`).
 * Rules about secrets written in the configuration read them like resources.
 */
export interface TfSettingsBlock {
  /** `provider.azurerm`, `terraform.backend.azurerm`, `terraform.cloud`, `output`: what kind of block it is, whatever its alias. */
  readonly type: string;
  /** The provider's or backend's type (`azurerm`), `cloud`, or the output's name. */
  readonly name: string;
  /** `provider.azurerm`, `provider.azurerm.west` (an alias), `terraform.backend.azurerm`, with a module prefix in a child module. */
  readonly address: string;
  /** The block's arguments, `//` metadata removed. */
  readonly config: Record<string, any>;
  readonly source?: string;
}

/** A Terraform name, safe to put in an address; anything else is named by its position. */
function blockName(name: string, index: number): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ? name : `(block ${index + 1})`;
}

/** The bodies of a block written once or as a list of bodies (Terraform JSON allows both; HCL turned into JSON writes lists). */
function bodiesOf(v: unknown): Record<string, any>[] {
  if (Array.isArray(v)) return v.filter(isPlainObject);
  return isPlainObject(v) ? [v] : [];
}

/**
 * The provider, backend, cloud and output blocks of one Terraform JSON document (a file, or a synthesized stack),
 * each body on its own: two files configuring one provider (an override file) are two blocks, as a
 * credential written in either is in the repository. `prefix` is a child module's address (`module.a.`).
 */
export function settingsBlocksOf(json: unknown, options: { source?: string; prefix?: string } = {}): TfSettingsBlock[] {
  const out: TfSettingsBlock[] = [];
  if (!isPlainObject(json)) return out;
  const prefix = options.prefix ?? "";
  const add = (type: string, name: string, address: string, body: Record<string, any>) => {
    const { ["//"]: _meta, ...config } = body;
    out.push({ type, name, address: `${prefix}${address}`, config, source: options.source });
  };
  for (const providers of bodiesOf(json.provider)) {
    Object.keys(providers).forEach((name, i) => {
      const type = `provider.${blockName(name, i)}`;
      for (const body of bodiesOf(providers[name])) {
        const alias = typeof body.alias === "string" && /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(body.alias) ? `.${body.alias}` : "";
        add(type, blockName(name, i), `${type}${alias}`, body);
      }
    });
  }
  for (const terraform of bodiesOf(json.terraform)) {
    for (const backends of bodiesOf(terraform.backend)) {
      Object.keys(backends).forEach((name, i) => {
        const type = `terraform.backend.${blockName(name, i)}`;
        for (const body of bodiesOf(backends[name])) add(type, blockName(name, i), type, body);
      });
    }
    for (const body of bodiesOf(terraform.cloud)) add("terraform.cloud", "cloud", "terraform.cloud", body);
  }
  for (const outputs of bodiesOf(json.output)) {
    Object.keys(outputs).forEach((name, i) => {
      for (const body of bodiesOf(outputs[name])) add("output", blockName(name, i), `output.${blockName(name, i)}`, body);
    });
  }
  return out;
}

/**
 * A resource of Terraform JSON whose body is not an object of arguments (`null`, a number, a list
 * without an object), or a resource type whose value is not an object of named resources: nothing of
 * it can be read, so nothing of it is checked. Terraform rejects such a body; a check must say so
 * rather than pass what it never read (reported as could-not-verify above the engine).
 */
export interface UnreadableResource {
  /** `type.name`, or the type alone when the whole type's value is not an object. */
  readonly address: string;
  readonly type: string;
  /** One line: what was found and that nothing of it was checked. */
  readonly message: string;
  readonly source?: string;
}

/** What a value that is not an object is, in words: `null`, `a list without an object`, `a list`, `number`. */
export function notAnObject(raw: unknown): string {
  if (Array.isArray(raw)) return raw.some(isPlainObject) ? "a list" : "a list without an object";
  return raw === null ? "null" : typeof raw;
}

/** The message of a resource whose body is `found` ({@link notAnObject}). */
export function unreadableBodyMessage(found: string): string {
  return `the resource's body is ${found}, not an object of arguments: not read, nothing of it was checked`;
}

/** A value that may not be known before apply. */
export type Resolved<T> =
  | { readonly known: true; readonly value: T }
  | { readonly known: false; readonly reason: string; readonly expression?: string };

/** The key under `//` where the library records its metadata in Terraform JSON. */
export const METADATA_KEY = "secure_deployment_zones";

const WHOLE_REF = /^\$\{([^{}]+)\}$/;
// `$${` is Terraform's escape for a literal `${`.
const EMBEDDED_REF = /(?<!\$)\$\{([^{}]+)\}/g;
const SIMPLE_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["[^"]*"\])*$/;
const MAX_DEPTH = 8;
/** The longest string an interpolation may build (1 MiB of characters); a longer one is unknown. */
const MAX_INTERPOLATED_LENGTH = 1 << 20;

function known<T>(value: T): Resolved<T> {
  return { known: true, value };
}
function unknown<T>(reason: string, expression?: string): Resolved<T> {
  return { known: false, reason, expression };
}

/** Splits `a.b[0].c["x"]` into ["a","b",0,"c","x"]. `path` must match SIMPLE_PATH (every caller checks). */
function splitPath(path: string): (string | number)[] {
  // Most references are dotted names (`azurerm_subnet.x.id`): a split, no regular expression per part.
  if (!path.includes("[")) return path.split(".");
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"]*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(m[3]);
  }
  return parts;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The configuration of one Terraform root module, indexed for rules. */
export class TerraformModel {
  /**
   * Builds a model from Terraform JSON (`cdk.tf.json` or `*.tf.json`).
   * Odd shapes are skipped, never thrown on: a rule engine must not crash on user input.
   */
  public static fromTerraformJson(json: unknown, options: { source?: string; name?: string; compactNames?: boolean } = {}): TerraformModel {
    const unreadable: UnreadableResource[] = [];
    const resources = TerraformModel.resourcesOf(json, { ...options, unreadable });
    const root = isPlainObject(json) ? json : {};
    const locals = isPlainObject(root.locals) ? root.locals : {};
    const variables: TfVariable[] = [];
    if (isPlainObject(root.variable)) {
      for (const [name, raw] of Object.entries(root.variable)) {
        const body = Array.isArray(raw) ? Object.assign({}, ...raw.filter(isPlainObject)) : raw;
        if (isPlainObject(body)) variables.push({ name, address: `var.${name}`, config: body, source: options.source });
      }
    }
    return new TerraformModel(resources, locals, options.name ?? options.source ?? "stack", variables, unreadable, settingsBlocksOf(json, { source: options.source }));
  }

  /**
   * The resources of Terraform JSON, as {@link fromTerraformJson} reads them, without a model.
   * `compactNames`: store names one byte per character where V8 holds them in two (cdktf's logical
   * IDs: see latin1Compact); names parsed from a file are already compact. `unreadable`, when given,
   * receives every resource (or type) skipped because its body is not an object.
   */
  public static resourcesOf(json: unknown, options: { source?: string; compactNames?: boolean; unreadable?: UnreadableResource[] } = {}): TfResource[] {
    const resources: TfResource[] = [];
    const root = isPlainObject(json) ? json : {};
    const blocks = isPlainObject(root.resource) ? root.resource : {};
    const source = options.source;
    // Object.keys rather than Object.entries (no pair per resource), and names compacted in one pass
    // (per name, Buffer round trips cost ~30 ms on the 11,000 resources of the 1,000-zone file).
    const types = Object.keys(blocks).filter((type) => {
      if (isPlainObject(blocks[type])) return true;
      options.unreadable?.push({
        address: type, type, source,
        message: `the resources of type ${type} are ${notAnObject(blocks[type])}, not an object of named resources: not read, nothing of them was checked`,
      });
      return false;
    });
    const names = types.map((type) => Object.keys(blocks[type]));
    const ids = options.compactNames ? latin1CompactAll(names.flat()) : undefined;
    let n = 0;
    types.forEach((type, t) => {
      const byName = blocks[type];
      for (const name of names[t]) {
        const id = ids ? ids[n++] : name;
        const raw = byName[name];
        // Terraform JSON allows a list of bodies for one name; take the merged view (none: nothing to read).
        const bodies = Array.isArray(raw) ? raw.filter(isPlainObject) : undefined;
        const body = bodies ? (bodies.length > 0 ? Object.assign({}, ...bodies) : undefined) : raw;
        if (!isPlainObject(body)) {
          options.unreadable?.push({ address: `${type}.${id}`, type, message: unreadableBodyMessage(notAnObject(raw)), source });
          continue;
        }
        const { ["//"]: meta, ...config } = body;
        const metadata = isPlainObject(meta) ? meta : {};
        const ours = isPlainObject(metadata[METADATA_KEY]) ? metadata[METADATA_KEY] : {};
        const suppressions = Array.isArray(ours.suppressions)
          ? ours.suppressions
            .filter((s: unknown) => isPlainObject(s) && typeof s.id === "string")
            .map((s: any) => ({ id: String(s.id), reason: typeof s.reason === "string" ? s.reason : "", scope: typeof s.scope === "string" ? s.scope : undefined }))
          : [];
        const path = isPlainObject(metadata.metadata) && typeof metadata.metadata.path === "string" ? metadata.metadata.path : undefined;
        resources.push({ type, name: id, address: `${type}.${id}`, config, constructPath: path, suppressions, source });
      }
    });
    return resources;
  }

  /** Builds a model from resources prepared elsewhere (e.g. the CLI's plan reader). */
  public static fromResources(
    resources: TfResource[], name: string, locals: Record<string, unknown> = {}, variables: TfVariable[] = [], settingsBlocks: TfSettingsBlock[] = [],
  ): TerraformModel {
    return new TerraformModel(resources, locals, name, variables, [], settingsBlocks);
  }

  private readonly byType = new Map<string, TfResource[]>();
  private readonly byAddr = new Map<string, TfResource>();
  private readonly cache = new Map<string, unknown>();
  /** The rules the check under way runs ({@link beginRun}). */
  private running?: ReadonlySet<string>;
  /** A verdict asked which rules run before any check began (every rule counted as running). */
  private askedOutsideCheck = false;
  private readonly tagBlocks = new WeakMap<TfResource, TagBlock>();
  private readonly refs = new Map<string, TfResource | null>();
  /**
   * Strings resolved, by depth and text: a resource group's name, an NSG's name, a subnet's ID are
   * written on thousands of resources and rules. The model never changes, so the answer for a text at
   * a depth never does either (the depth guard may answer differently at another depth). Keeping the
   * answers below the top too makes locals that fan out (`l0 = "${local.l1}${local.l1}..."`, each
   * level repeating the next) cost one resolution per text and depth instead of one per path.
   */
  private readonly resolvedStrings: Map<string, Resolved<unknown>>[] = Array.from({ length: MAX_DEPTH + 1 }, () => new Map());

  /** The resources, block lists written as a local expanded (see {@link withLocalBlocks}). */
  public readonly resources: TfResource[];

  private constructor(
    resources: TfResource[],
    private readonly locals: Record<string, unknown>,
    /** A name for the configuration (stack name or file). */
    public readonly name: string,
    /** The configuration's input variables (empty for a plan, whose variables are values). */
    public readonly variables: readonly TfVariable[] = [],
    /**
     * Resources of the Terraform JSON that could not be read (see {@link UnreadableResource}); empty for
     * a model built from resources prepared elsewhere, whose reader reports its own.
     */
    public readonly unreadable: readonly UnreadableResource[] = [],
    /** Provider, backend, cloud and output blocks (see {@link TfSettingsBlock}); not read from a plan (empty). */
    public readonly settingsBlocks: readonly TfSettingsBlock[] = [],
  ) {
    this.resources = withLocalBlocks(resources, locals);
    for (const r of this.resources) {
      let list = this.byType.get(r.type);
      if (!list) this.byType.set(r.type, (list = []));
      list.push(r);
      this.byAddr.set(r.address, r);
    }
  }

  /** Resources of the given types, in declaration order. */
  public ofType(...types: string[]): TfResource[] {
    if (types.length === 1) return this.byType.get(types[0]) ?? [];
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /** A resource by address (`type.name`). */
  public byAddress(address: string): TfResource | undefined {
    return this.byAddr.get(address);
  }

  /**
   * Whether a rule runs in the check under way on this model ({@link beginRun}), for the verdicts shared
   * models compute from the model alone (a rule leaves a finding only to an owner that runs). Outside a
   * check every rule counts as running.
   */
  public runsInCheck(ruleId: string): boolean {
    if (this.running === undefined) {
      this.askedOutsideCheck = true;
      return true;
    }
    return this.running.has(ruleId);
  }

  /**
   * Called by the engine at the start of a check with the rules it runs. The memo holds verdicts that
   * depend on which rules run (findings left to an owner): a check with another set of rules starts
   * from an empty memo rather than reuse them.
   */
  public beginRun(ruleIds: ReadonlySet<string>): void {
    const before = this.running;
    const stale = before === undefined ? this.askedOutsideCheck : before.size !== ruleIds.size || [...ruleIds].some((id) => !before.has(id));
    if (stale) this.cache.clear();
    this.running = ruleIds;
    this.askedOutsideCheck = false;
  }


  /**
   * A per-model memo for derived indexes (e.g. the network index), so every rule shares one
   * computation and checks stay linear in the number of resources.
   */
  public memo<T>(key: string, build: () => T): T {
    const hit = this.cache.get(key);
    if (hit !== undefined || this.cache.has(key)) return hit as T;
    const value = build();
    this.cache.set(key, value);
    return value;
  }

  /**
   * The resource a value refers to: `${azurerm_subnet.x.id}` -> the subnet `x`.
   * Undefined for literals, variables, data sources and resources outside this configuration.
   */
  public referencedResource(value: unknown): TfResource | undefined {
    if (typeof value !== "string") return undefined;
    // The same references (a resource group's name, a subnet's ID) are written on many resources: parsed once each.
    const hit = this.refs.get(value);
    if (hit !== undefined) return hit ?? undefined;
    const target = this.referencedPath(value)?.target;
    this.refs.set(value, target ?? null);
    return target;
  }

  /**
   * The resource and attribute path a whole reference points at: `${azurerm_firewall.hub.ip_configuration[0].private_ip_address}`
   * -> the firewall and `["ip_configuration", 0, "private_ip_address"]`. Undefined for anything else.
   */
  public referencedPath(value: unknown): { target: TfResource; path: (string | number)[] } | undefined {
    if (typeof value !== "string") return undefined;
    const m = WHOLE_REF.exec(value.trim());
    if (!m || !SIMPLE_PATH.test(m[1].trim())) return undefined;
    const parts = splitPath(m[1].trim());
    if (["var", "data", "local", "each", "count", "path", "terraform", "self"].includes(String(parts[0]))) return undefined;
    const found = this.locate(parts);
    return found ? { target: found.target, path: found.rest } : undefined;
  }

  /**
   * The resource's `tags` block for the tag contract's reader (keys lower-cased: Azure tag names are
   * case-insensitive). Unknown when the block itself comes from a variable or expression.
   */
  public tagBlock(resource: TfResource, attribute = "tags"): TagBlock {
    if (attribute !== "tags") return this.memo(`tag-block:${attribute}:${resource.address}`, () => this.readTagBlock(resource, attribute));
    // Asked per resource by most rules: looked up by the resource object, with no key string to build and hash.
    let block = this.tagBlocks.get(resource);
    if (!block) this.tagBlocks.set(resource, (block = this.readTagBlock(resource, attribute)));
    return block;
  }

  private readTagBlock(resource: TfResource, attribute: string): TagBlock {
    const raw = resource.config[attribute];
    if (raw === undefined || raw === null) return { known: true, values: new Map() };
    const r = this.resolve(raw);
    if (!r.known) return { known: false, reason: r.reason };
    if (!isPlainObject(r.value)) return { known: false, reason: `${attribute} is ${describe(r.value)}, not a map` };
    const values = new Map<string, TagText>();
    const written = new Map<string, string>();
    for (const [k, v] of Object.entries(r.value)) {
      const text = this.resolveString(v);
      values.set(k.toLowerCase(), text.known ? { known: true, text: text.value } : { known: false, reason: text.reason });
      written.set(k.toLowerCase(), k);
    }
    return { known: true, values, written };
  }

  /**
   * Finds the resource an expression path starts with: `type.name`, an instance `type.name[0]` /
   * `type.name["key"]`, or a child-module resource `module.a[0].module.b.type.name` (the
   * addresses the CLI's plan reader produces). Returns the rest of the path too.
   */
  private locate(parts: (string | number)[]): { target: TfResource; rest: (string | number)[] } | undefined {
    let i = 0;
    let prefix = "";
    while (parts[i] === "module" && typeof parts[i + 1] === "string") {
      prefix += `module.${String(parts[i + 1])}`;
      i += 2;
      if (typeof parts[i] === "number") prefix += `[${parts[i++]}]`;
      prefix += ".";
    }
    const type = parts[i];
    const name = parts[i + 1];
    if (typeof type !== "string" || typeof name !== "string") return undefined;
    let address = `${prefix}${type}.${name}`;
    let next = i + 2;
    const key = parts[next];
    const instance = typeof key === "number" ? `${address}[${key}]` : typeof key === "string" ? `${address}["${key}"]` : undefined;
    if (instance !== undefined && this.byAddr.has(instance)) {
      address = instance;
      next++;
    }
    const target = this.byAddr.get(address);
    return target ? { target, rest: parts.slice(next) } : undefined;
  }

  /**
   * Resolves a value: literals as they are, references to attributes of resources in this
   * configuration followed to their literal value, locals expanded. Anything else (variables,
   * data sources, attributes computed at apply time, function calls) is unknown, with a reason.
   * Results are shared (strings are resolved once per text): never modify them; lists built here
   * are frozen so a caller that tries fails loudly instead of changing what later callers see.
   */
  public resolve(value: unknown, depth = 0): Resolved<unknown> {
    if (depth > MAX_DEPTH) return unknown("reference chain too deep to follow");
    if (typeof value === "string") {
      const memo = this.resolvedStrings[depth];
      let r = memo.get(value);
      if (r === undefined) memo.set(value, (r = this.resolveStringValue(value, depth)));
      return r;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const r = this.resolve(item, depth + 1);
        if (!r.known) return r;
        out.push(r.value);
      }
      return known(Object.freeze(out));
    }
    return known(value);
  }

  /** Resolves a value that must be a string (numbers and booleans are stringified). */
  public resolveString(value: unknown): Resolved<string> {
    const r = this.resolve(value);
    if (!r.known) return r;
    if (typeof r.value === "string") return known(r.value);
    if (typeof r.value === "number" || typeof r.value === "boolean") return known(String(r.value));
    return unknown(`expected a string, found ${describe(r.value)}`);
  }

  /**
   * Resolves a list of strings. A single string counts as a one-element list (NSG fields come in
   * both forms). Undefined and null resolve to an empty list.
   */
  public resolveStringList(value: unknown): Resolved<string[]> {
    if (value === undefined || value === null) return known([]);
    const r = this.resolve(value);
    if (!r.known) return r;
    const items = Array.isArray(r.value) ? r.value : [r.value];
    const out: string[] = [];
    for (const item of items) {
      if (typeof item === "string") out.push(item);
      else if (typeof item === "number") out.push(String(item));
      else return unknown(`expected a list of strings, found ${describe(item)}`);
    }
    return known(out);
  }

  /** Resolves a boolean (accepts "true"/"false" strings as Terraform does). */
  public resolveBoolean(value: unknown): Resolved<boolean | undefined> {
    if (value === undefined || value === null) return known(undefined);
    const r = this.resolve(value);
    if (!r.known) return r;
    if (typeof r.value === "boolean") return known(r.value);
    if (r.value === "true" || r.value === "false") return known(r.value === "true");
    return unknown(`expected a boolean, found ${describe(r.value)}`);
  }

  /** Resolves a number (numeric strings accepted). */
  public resolveNumber(value: unknown): Resolved<number | undefined> {
    if (value === undefined || value === null) return known(undefined);
    const r = this.resolve(value);
    if (!r.known) return r;
    if (typeof r.value === "number" && Number.isFinite(r.value)) return known(r.value);
    if (typeof r.value === "string" && r.value.trim() !== "" && Number.isFinite(Number(r.value))) return known(Number(r.value));
    return unknown(`expected a number, found ${describe(r.value)}`);
  }

  /** The resolved tags of a resource (only entries whose value is known). */
  public tags(resource: TfResource): Record<string, string> {
    // Most resources set none: no resolution to run (it would end in the same empty answer).
    if (resource.config.tags === undefined || resource.config.tags === null) return {};
    const r = this.resolve(resource.config.tags);
    if (!r.known || !isPlainObject(r.value)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.value)) {
      const s = this.resolveString(v);
      if (s.known) out[k] = s.value;
    }
    return out;
  }

  /** The nested blocks of a resource attribute (`security_rule`, `ip_configuration`...), always as a list. */
  public blocks(resource: TfResource, attribute: string): Record<string, any>[] {
    const v = resource.config[attribute];
    if (Array.isArray(v)) return v.filter(isPlainObject);
    if (isPlainObject(v)) return [v];
    return [];
  }

  private resolveStringValue(value: string, depth: number): Resolved<unknown> {
    // Template directives (`%{if ...}`, `%{for ...}`) are evaluated at plan time; `%%{` is a literal.
    if (/(^|[^%])%\{/.test(value)) return unknown("a Terraform template directive (%{...}) that is only evaluated at plan time", value);
    if (!value.includes("${")) return known(value.replace(/%%\{/g, "%{"));
    const whole = WHOLE_REF.exec(value.trim());
    if (whole) return this.resolveExpression(whole[1].trim(), value, depth);
    // A string with embedded references: resolve each to a scalar, or give up.
    let failed: Resolved<unknown> | undefined;
    let length = value.length;
    const text = value.replace(EMBEDDED_REF, (_, expr: string) => {
      if (failed) return "";
      const r = this.resolveExpression(expr.trim(), value, depth);
      if (!r.known || (typeof r.value !== "string" && typeof r.value !== "number" && typeof r.value !== "boolean")) {
        failed = r.known ? unknown("interpolates a non-scalar value", value) : r;
        return "";
      }
      const piece = String(r.value);
      // Bounded: interpolations that fan out would otherwise build gigabytes (unknown, never cut short).
      length += piece.length;
      if (length > MAX_INTERPOLATED_LENGTH) {
        failed = unknown(`expanding ${expr.trim()} here builds a value longer than ${MAX_INTERPOLATED_LENGTH.toLocaleString("en-US")} characters: not followed`, value);
        return "";
      }
      return piece;
    });
    return failed ?? known(text.replace(/\$\$\{/g, "${"));
  }

  private resolveExpression(expr: string, original: string, depth: number): Resolved<unknown> {
    if (!SIMPLE_PATH.test(expr)) return unknown("a Terraform expression (function call or operator) that is only evaluated at plan time", original);
    const parts = splitPath(expr);
    const head = parts[0];
    if (head === "var") return unknown(`the variable ${String(parts[1])} is only known at plan time`, original);
    if (head === "data") return unknown(`the data source ${parts.slice(1, 3).join(".")} is only read at plan time`, original);
    if (head === "module") {
      const found = this.locate(parts);
      if (!found) return unknown("module values (outputs) are only known at plan time", original);
      if (found.rest.length === 0) return unknown(`a reference to the whole resource ${found.target.address}`, original);
      return this.walk(found.target.config, found.rest, original, depth, found.target.address);
    }
    if (head === "each" || head === "count" || head === "path" || head === "terraform" || head === "self") {
      return unknown(`${String(head)} values are only known at plan time`, original);
    }
    if (head === "local") {
      const name = String(parts[1]);
      if (!(name in this.locals)) return unknown(`the local ${name} is not defined in this configuration`, original);
      return this.walk(this.locals[name], parts.slice(2), original, depth);
    }
    const found = this.locate(parts);
    if (!found) return unknown(`${String(parts[0])}.${String(parts[1])} is not a resource of this configuration`, original);
    if (found.rest.length === 0) return unknown(`a reference to the whole resource ${found.target.address}`, original);
    return this.walk(found.target.config, found.rest, original, depth, found.target.address);
  }

  private walk(start: unknown, path: (string | number)[], original: string, depth: number, owner?: string): Resolved<unknown> {
    let cur: unknown = start;
    for (let i = 0; i < path.length; i++) {
      const resolved = this.resolve(cur, depth + 1);
      if (!resolved.known) return resolved;
      cur = resolved.value;
      const key = path[i];
      if (Array.isArray(cur) && typeof key === "number") cur = cur[key];
      else if (isPlainObject(cur) && typeof key === "string") cur = cur[key];
      // A single block may be written as an object where Terraform would index it: `a[0].b`.
      else if (isPlainObject(cur) && key === 0) cur = cur as unknown;
      else cur = undefined;
      if (cur === undefined) {
        return unknown(`${owner ? owner + "." : ""}${path.slice(0, i + 1).join(".")} is computed by the provider at apply time`, original);
      }
    }
    return this.resolve(cur, depth + 1);
  }
}

/** Block lists azurerm also accepts as an attribute expression (`security_rule = local.rules`): ConfigMode Attr. */
const ATTRIBUTE_BLOCKS = ["security_rule", "route"];
/** A whole reference to a local: `${local.rules}`, or `${local["module.a.rules"]}` (a child module's, as the CLI names them). */
const WHOLE_LOCAL = /^\$\{\s*local(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\["([^"\\]+)"\])\s*\}$/;

/**
 * The literal list of blocks a whole-local reference stands for (`${local.rules}` where the locals
 * block holds `rules = [{...}, ...]`), following locals that are themselves a whole reference to
 * another local (at most {@link MAX_DEPTH}, a cycle ends it); undefined for anything else (a local
 * that is not defined, holds an expression or a list of anything but objects): that stays an
 * expression, read as evaluated at plan time.
 */
function localBlocks(value: string, locals: Record<string, unknown>): Record<string, unknown>[] | undefined {
  let cur: unknown = value;
  const seen = new Set<string>();
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const m = typeof cur === "string" ? WHOLE_LOCAL.exec(cur.trim()) : null;
    if (!m) break;
    const key = m[1] ?? m[2];
    if (seen.has(key) || !Object.prototype.hasOwnProperty.call(locals, key)) return undefined;
    seen.add(key);
    cur = locals[key];
  }
  return Array.isArray(cur) && cur.every(isPlainObject) ? cur : undefined;
}

/**
 * Resources whose `security_rule` / `route` is written as a local holding a literal list of blocks
 * (cdktf writes `"security_rule": "${local.rules}"` for a TerraformLocal) with the blocks in place,
 * so the checks read the rules, at synth as in the CLI. Only these two attributes of each resource
 * are looked at, and only when the configuration has locals; the resources given are never changed
 * (an expanded one is a copy).
 */
function withLocalBlocks(resources: TfResource[], locals: Record<string, unknown>): TfResource[] {
  if (Object.keys(locals).length === 0) return resources;
  let out: TfResource[] | undefined;
  resources.forEach((r, i) => {
    let config: Record<string, any> | undefined;
    for (const attribute of ATTRIBUTE_BLOCKS) {
      const v = r.config[attribute];
      const blocks = typeof v === "string" ? localBlocks(v, locals) : undefined;
      if (blocks) (config ??= { ...r.config })[attribute] = structuredClone(blocks);
    }
    if (!config) return;
    out ??= resources.slice();
    out[i] = { ...r, config };
  });
  return out ?? resources;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The same text, stored one byte per character when it is Latin-1. cdktf's logical IDs of nested
 * constructs come as two-byte strings (ASCII text in UTF-16), and every address, message and
 * report built from them would be two-byte too: twice the memory, and a slow UTF-8 encoding when
 * the reports are written. Latin-1 decoding makes one-byte strings.
 */
function latin1Compact(s: string): string {
  return /^[\x00-\xff]*$/.test(s) ? Buffer.from(s, "latin1").toString("latin1") : s;
}

/**
 * {@link latin1Compact} of many names in one round trip: joined by NUL, compacted, split (a name
 * holding NUL or a character past U+00FF makes it fall back to one name at a time).
 */
function latin1CompactAll(names: string[]): string[] {
  if (names.length === 0) return names;
  const joined = names.join("\u0000");
  if (/^[\x00-\xff]*$/.test(joined)) {
    const out = Buffer.from(joined, "latin1").toString("latin1").split("\u0000");
    if (out.length === names.length) return out;
  }
  return names.map(latin1Compact);
}
