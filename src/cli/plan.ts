/**
 * Converts `terraform show -json <planfile>` output into the resources the rule engine reads.
 *
 * - Values come from `planned_values` (root module and every child module, recursively); data
 *   sources are skipped, addresses keep their module prefix (`module.net.azurerm_subnet.pxe`).
 * - A value Terraform only knows after apply (marked in `resource_changes[].change.after_unknown`)
 *   whose configuration expression refers to exactly one resource attribute
 *   (`subnet_id = azurerm_subnet.pxe.id`) becomes the interpolation `${azurerm_subnet.pxe.id}`, so
 *   the model follows the relation as it does for cdktf output. Any other unknown value that the
 *   configuration sets becomes an expression the model cannot evaluate (see {@link UNKNOWN_LOCAL}),
 *   so rules report "could not verify" rather than pass; computed-only attributes the
 *   configuration does not set (`id`, `guid`...) stay absent, as in cdktf output.
 * - Resources keep their Terraform address: counted instances `type.x[0]`, for_each instances
 *   `type.x["key"]`, child-module resources `module.net.type.x`; the model follows references to all
 *   of them, so relations inside modules are checked as in cdktf output.
 * - An existing parent's `security_rule` / `route` that the configuration does not write is Azure's
 *   state: the copies of the standalone rules and routes are dropped (see withoutStandaloneCopies).
 * - A value marked sensitive (`sensitive_values`) whose expression has references is replaced by
 *   that reference (`${var.admin_password}`): the secret never reaches a report, and rules see
 *   where it came from, as in cdktf output. A sensitive literal written in the configuration stays.
 * - A plan carries no `lifecycle` block: each resource says so ({@link TfResource.notInInput}), so a
 *   rule reading prevent_destroy reports could-not-verify rather than "not set" (see NOT_IN_PLAN).
 *
 * Format: https://developer.hashicorp.com/terraform/internals/json-format (format_version 1.x).
 */
import { TfResource, TfSettingsBlock } from "../engine/model";

/** A plan the converter cannot use (message is one line, without the file name). */
export class PlanFormatError extends Error {}

/** True when the JSON looks like `terraform show -json` output of a plan. */
export function isPlanJson(json: unknown): boolean {
  return isPlainObject(json) && "format_version" in json && "planned_values" in json;
}

/** Planned resource instance as it appears under `planned_values`. */
interface PlannedResource {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly values?: Record<string, unknown>;
  readonly sensitive_values?: unknown;
  /** Module instance address, "" for the root module (added while walking). */
  moduleAddress: string;
}

const NOT_RESOURCES = new Set(["var", "local", "data", "module", "each", "count", "path", "terraform", "self"]);
const RESOURCE_REF = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(.*)$/;

/** Something of the plan that was not checked (a deferred resource, an incomplete plan), and why. */
export interface UncheckedPart {
  /** The deferred resource's address, or undefined for the plan as a whole. */
  readonly address?: string;
  readonly type?: string;
  readonly message: string;
}

/** A converted plan: resources and the locals their unknown values point into. */
export interface ConvertedPlan {
  readonly resources: TfResource[];
  readonly locals: Record<string, unknown>;
  /** Parts of the plan Terraform has not planned yet (`complete: false`, `deferred_changes`): could not verify. */
  readonly unchecked: UncheckedPart[];
  /** Provider configurations and every module's outputs as the configuration writes them (for secrets written there). */
  readonly settingsBlocks: TfSettingsBlock[];
}

/**
 * Nested blocks the checks read (NSG rules, routes, IP configurations, firewall rule collections,
 * IPsec policies) which a `dynamic` block may generate. A whole block list unknown before apply
 * (`after_unknown: {security_rule: true}`) while the configuration's expressions do not name it is
 * a `dynamic` block whose `for_each` is unknown: Terraform's JSON configuration
 * (developer.hashicorp.com/terraform/internals/json-format, "expressions") lists the arguments and
 * static nested blocks only, never `dynamic` ones. Such a list becomes an unknown marker, which the
 * model reads as "evaluated at plan time" (every rule of it unknown), never as "no rules".
 *
 * Any other unknown attribute the expressions do not name is one the configuration does not set,
 * computed by the provider (`id`, `guid`, `fqdn`...): it stays absent, as in cdktf output. A
 * dynamic block only ever makes blocks, so absence from the expressions means "not set" for those.
 */
const DYNAMIC_CAPABLE_BLOCKS = new Set([
  "security_rule", "route", "ip_configuration", "frontend_ip_configuration",
  "application_rule_collection", "network_rule_collection", "nat_rule_collection", "rule",
  "ipsec_policy", "vpn_client_configuration",
]);

/**
 * What a plan never carries. `lifecycle` (prevent_destroy, ignore_changes...) is in neither
 * planned_values nor the configuration section, whose resources hold address, mode, type, name,
 * provider_config_key, provisioners, expressions, schema_version, count/for_each_expression and
 * depends_on only (developer.hashicorp.com/terraform/internals/json-format, "Configuration
 * Representation"; hashicorp/terraform internal/command/jsonconfig/config.go, `type resource struct`).
 */
const NOT_IN_PLAN: Readonly<Record<string, string>> = Object.freeze({ lifecycle: "a plan (terraform show -json) carries no lifecycle block" });

/**
 * Block lists that are also Optional+Computed in azurerm (`security_rule` of an NSG, `route` of a
 * route table): unset in the configuration, they are unknown on create too, filled at apply with
 * what Azure holds, i.e. the standalone `azurerm_network_security_rule` / `azurerm_route` resources
 * (azurerm forbids mixing inline and standalone ones). Unknown and unnamed, they are read as unset
 * only when standalone resources of the plan point at this parent; otherwise a dynamic block cannot
 * be told apart from "no rules" and the list stays unknown (write `security_rule = []` to say none).
 */
const FILLED_BY_STANDALONE: Record<string, { parent: string; attribute: string; field: string }> = {
  azurerm_network_security_rule: { parent: "azurerm_network_security_group", attribute: "security_rule", field: "network_security_group_name" },
  azurerm_route: { parent: "azurerm_route_table", attribute: "route", field: "route_table_name" },
};

/**
 * Converts a plan, ready for `TerraformModel.fromResources(resources, name, locals)`. Throws
 * {@link PlanFormatError} when the plan cannot be read (unsupported format version,
 * planned_values of the wrong shape).
 */
export function convertPlan(plan: Record<string, any>, source: string): ConvertedPlan {
  // "errored": the plan "was produced by a failed run" (planning stopped with errors): what it holds
  // is partial and may miss any resource (developer.hashicorp.com/terraform/internals/json-format).
  if (plan.errored === true) {
    throw new PlanFormatError("the plan is errored (\"errored\": true): Terraform failed while planning, so the plan is partial; fix the errors of `terraform plan` and check the new plan");
  }
  const version = plan.format_version;
  if (typeof version !== "string" || !/^\d+\.\d+/.test(version)) {
    throw new PlanFormatError("not a Terraform plan: format_version is not a version string");
  }
  if (version.split(".")[0] !== "1") {
    // Only a plain version number is repeated: the value comes from the input.
    const shown = /^\d+(\.\d+){0,3}$/.test(version) ? `"${version}"` : "(not a plain version number)";
    throw new PlanFormatError(`unsupported plan format_version ${shown} (this checker reads format 1.x, Terraform 1.x)`);
  }
  const planned = plan.planned_values;
  if (!isPlainObject(planned)) throw new PlanFormatError("not a Terraform plan: planned_values is not an object");
  const root = planned.root_module ?? {};
  if (!isPlainObject(root)) throw new PlanFormatError("not a Terraform plan: planned_values.root_module is not an object");

  const instances: PlannedResource[] = [];
  collectModule(root, "", instances, 0);

  const changes = new Map<string, Record<string, any>>();
  for (const rc of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (isPlainObject(rc) && typeof rc.address === "string" && isPlainObject(rc.change)) changes.set(rc.address, rc.change);
  }

  // Instances by module and resource (`type.name`), to pick the target of a reference.
  const byResource = new Map<string, PlannedResource[]>();
  for (const r of instances) {
    const key = `${r.moduleAddress}|${r.type}.${r.name}`;
    const list = byResource.get(key) ?? [];
    list.push(r);
    byResource.set(key, list);
  }

  const configRoot = isPlainObject(plan.configuration) && isPlainObject(plan.configuration.root_module) ? plan.configuration.root_module : {};
  const configCache = new Map<string, Map<string, Record<string, unknown>>>();
  const expressionsOf = (r: PlannedResource): Record<string, unknown> | undefined => {
    let byAddress = configCache.get(r.moduleAddress);
    if (!byAddress) {
      byAddress = new Map();
      const mod = configModule(configRoot, r.moduleAddress);
      for (const cr of Array.isArray(mod?.resources) ? mod.resources : []) {
        if (isPlainObject(cr) && cr.mode !== "data" && typeof cr.type === "string" && typeof cr.name === "string") {
          byAddress.set(`${cr.type}.${cr.name}`, isPlainObject(cr.expressions) ? cr.expressions : {});
        }
      }
      configCache.set(r.moduleAddress, byAddress);
    }
    return byAddress.get(`${r.type}.${r.name}`);
  };

  // Parents whose Optional+Computed block list standalone resources of the plan fill (see FILLED_BY_STANDALONE).
  // Looked up per standalone rule or route (thousands in a large plan): parents by their name and
  // resource group, once. NSG and route table names are unique per resource group only
  // (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), and Azure
  // compares names case-insensitively: a rule names its parent by both. A parent or a rule whose
  // group is not known before apply is never matched by name (a doubt, not a match): the parent's
  // list then stays unknown.
  const parentTypes = new Set(Object.values(FILLED_BY_STANDALONE).map((l) => l.parent));
  const nameKey = (type: string, name: unknown, group: unknown) =>
    (typeof name === "string" && name !== "" && typeof group === "string" && group !== "" ? `${type}|${name.toLowerCase()}|${group.toLowerCase()}` : undefined);
  const parentsByName = new Map<string, PlannedResource[]>();
  for (const p of instances) {
    if (!parentTypes.has(p.type) || !isPlainObject(p.values)) continue;
    const key = nameKey(p.type, p.values.name, p.values.resource_group_name);
    if (key === undefined) continue;
    const list = parentsByName.get(key);
    if (list) list.push(p);
    else parentsByName.set(key, [p]);
  }
  const filled = new Set<string>();
  /** Per `<parent address>|<attribute>`: the names (lower-cased) of the standalone rules or routes that are its. */
  const ownNames = new Map<string, Set<string>>();
  for (const r of instances) {
    const link = FILLED_BY_STANDALONE[r.type];
    if (!link) continue;
    const values = isPlainObject(r.values) ? r.values : {};
    const expr = expressionsOf(r)?.[link.field];
    const refs = isAttributeExpression(expr) && expr.references ? resourceTargets(expr.references).filter((t) => t.type === link.parent) : [];
    const key = nameKey(link.parent, values[link.field], values.resource_group_name);
    const byName = key !== undefined ? parentsByName.get(key) ?? [] : [];
    const byRef = refs.flatMap((t) => byResource.get(`${r.moduleAddress}|${link.parent}.${t.name}`) ?? []);
    const own = isPlainObject(r.values) && typeof r.values.name === "string" ? r.values.name.toLowerCase() : undefined;
    for (const p of [...byName, ...byRef]) {
      const list = `${p.address}|${link.attribute}`;
      filled.add(list);
      if (own === undefined) continue;
      const names = ownNames.get(list);
      if (names) names.add(own);
      else ownNames.set(list, new Set([own]));
    }
  }

  const resources = instances.map((r): TfResource => {
    const ctx: Ctx = { self: r, byResource, filled };
    const values = isPlainObject(r.values) ? r.values : {};
    const change = changes.get(r.address);
    const expressions = expressionsOf(r);
    const merged = merge(values, change?.after_unknown, r.sensitive_values, expressions, ctx, []) as Record<string, any>;
    const prior = isPlainObject(merged) ? priorStateLists(r, merged, change, expressions) : [];
    const config = isPlainObject(merged) ? withoutStandaloneCopies(r, merged, prior, ownNames) : merged;
    // Lists still there after the standalone copies left: rules Azure holds that no resource writes.
    const heldByAzure = isPlainObject(config) ? prior.filter((a) => a in config) : [];
    return {
      ...(heldByAzure.length > 0 ? { heldByAzure } : {}),
      notInInput: NOT_IN_PLAN,
      type: r.type,
      name: instanceName(r),
      address: r.address,
      config: isPlainObject(config) ? withoutUnsetNsgFields(r.type, config) : {},
      suppressions: [],
      source,
    };
  });
  return { resources, locals: { [UNKNOWN_LOCAL]: {} }, unchecked: uncheckedParts(plan), settingsBlocks: settingsBlocksOfPlan(plan, source) };
}

/**
 * The provider configurations (`configuration.provider_config`: name, alias, module_address, expressions) and the
 * outputs (`outputs`: expression, sensitive) of the root module and of every child module of a plan, as Terraform JSON
 * would write them: a literal is its `constant_value`, an expression over references is the first reference (not a
 * literal). A child module's configuration is `module_calls.<name>.module`, "using the same structure as the
 * root_module object, recursively describing the full module tree" (developer.hashicorp.com/terraform/internals/
 * json-format, Configuration Representation; hashicorp/terraform internal/command/jsonconfig/config.go, `providerConfig`,
 * `output`, `moduleCall`): its outputs are addressed by the calls that lead to it (`module.net.output.x`), once per call
 * (the configuration holds the block, not its count/for_each instances). The plan carries no backend.
 */
function settingsBlocksOfPlan(plan: Record<string, any>, source: string): TfSettingsBlock[] {
  const config = isPlainObject(plan.configuration) ? plan.configuration : {};
  const out: TfSettingsBlock[] = [];
  const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
  if (isPlainObject(config.provider_config)) {
    for (const p of Object.values(config.provider_config)) {
      if (!isPlainObject(p) || typeof p.name !== "string" || !NAME.test(p.name)) continue;
      const alias = typeof p.alias === "string" && NAME.test(p.alias) ? `.${p.alias}` : "";
      const module = typeof p.module_address === "string" && /^module\.[A-Za-z0-9_.\-[\]"]{1,256}$/.test(p.module_address) ? `${p.module_address}.` : "";
      out.push({ type: `provider.${p.name}`, name: p.name, address: `${module}provider.${p.name}${alias}`, config: blockOfExpressions(p.expressions, 0), source });
    }
  }
  // Depth-first over the module tree (each module once: the configuration is a tree), bounded in depth.
  const outputsOf = (mod: Record<string, any>, prefix: string, depth: number): void => {
    if (isPlainObject(mod.outputs)) {
      for (const [name, o] of Object.entries(mod.outputs)) {
        if (!isPlainObject(o) || !NAME.test(name)) continue;
        out.push({ type: "output", name, address: `${prefix}output.${name}`, config: { value: valueOfExpression(o.expression, 0), sensitive: o.sensitive === true }, source });
      }
    }
    if (depth >= MAX_MODULE_DEPTH || !isPlainObject(mod.module_calls)) return;
    for (const [call, c] of Object.entries(mod.module_calls)) {
      if (NAME.test(call) && isPlainObject(c) && isPlainObject(c.module)) outputsOf(c.module, `${prefix}module.${call}.`, depth + 1);
    }
  };
  if (isPlainObject(config.root_module)) outputsOf(config.root_module, "", 0);
  return out;
}

/** How deep child modules' outputs are read (module calls nest far less in practice). */
const MAX_MODULE_DEPTH = 32;

/** A block's expressions as Terraform JSON arguments ({@link valueOfExpression} each; nested blocks are lists of blocks). */
function blockOfExpressions(expressions: unknown, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlainObject(expressions) || depth > 16) return out;
  for (const [k, e] of Object.entries(expressions)) out[k] = valueOfExpression(e, depth + 1);
  return out;
}

/** `{constant_value}` is the literal; `{references}` the first reference, as an interpolation; a nested block's list, each block read. */
function valueOfExpression(e: unknown, depth: number): unknown {
  if (isAttributeExpression(e)) {
    if ("constant_value" in e) return e.constant_value;
    return e.references && typeof e.references[0] === "string" ? `\${${e.references[0]}}` : "${(expression evaluated at plan time)}";
  }
  if (Array.isArray(e)) return e.map((b) => blockOfExpressions(b, depth + 1));
  return isPlainObject(e) ? blockOfExpressions(e, depth + 1) : undefined;
}

/**
 * A parent's block list as the configuration has it, without the copies Azure holds of its
 * standalone rules or routes. `security_rule` (`route`) is Optional+Computed: left unset, the plan
 * carries the prior state, which azurerm reads from Azure and which so lists every rule of the NSG,
 * the standalone `azurerm_network_security_rule` resources' own included ("Since security_rule can
 * be configured both inline and via the separate azurerm_network_security_rule resource, we have to
 * explicitly set it to empty slice ([]) to remove it", website/docs/r/network_security_group.html.markdown).
 * An update writes the list only when the configuration changes it (`d.HasChange("security_rule")`
 * in resourceNetworkSecurityGroupUpdate; the route table's update likewise), so those copies are the
 * standalone resources' rules, which the model reads from those resources (as planned, not as they
 * were): here they would be a second, possibly outdated, inline copy. A rule of the list that no
 * standalone resource of this parent names (one created in the portal) is enforced by Azure and
 * stays an inline rule. A list left empty is absent, as in the configuration (a written `[]` would
 * remove the standalone rules at each update).
 *
 * Only a list the configuration does not write and the plan carries unchanged from the prior state:
 * a `dynamic` block is absent from the expressions too, but on an existing parent its list is what
 * the block makes (which may differ from the prior state), and on a new one (no prior state) an
 * unset list is unknown.
 */
function withoutStandaloneCopies(
  r: PlannedResource, config: Record<string, any>, prior: readonly string[], ownNames: Map<string, Set<string>>,
): Record<string, any> {
  let out = config;
  for (const attribute of prior) {
    const names = ownNames.get(`${r.address}|${attribute}`);
    if (!names) continue;
    const kept = (out[attribute] as unknown[]).filter((b) => !(isPlainObject(b) && typeof b.name === "string" && names.has(b.name.toLowerCase())));
    // Nothing left: absent, as the configuration has it (an empty list would read as a written `[]`).
    const { [attribute]: _, ...rest } = out;
    out = kept.length > 0 ? { ...rest, [attribute]: kept } : rest;
  }
  return out;
}

/**
 * The block lists of `r` (NSG rules, routes) that are Azure's prior state, not the configuration's: not
 * written in its expressions and carried unchanged from `change.before` (see withoutStandaloneCopies). An
 * update writes such a list only when the configuration changes it, so rules left in it (created outside
 * Terraform) neither conflict with standalone rules nor are removed by an apply.
 */
function priorStateLists(
  r: PlannedResource, config: Record<string, any>, change: Record<string, any> | undefined, expressions: Record<string, unknown> | undefined,
): string[] {
  const held: string[] = [];
  for (const link of Object.values(FILLED_BY_STANDALONE)) {
    if (link.parent !== r.type || !Array.isArray(config[link.attribute]) || (expressions && link.attribute in expressions)) continue;
    const before = isPlainObject(change?.before) ? change!.before[link.attribute] : undefined;
    if (Array.isArray(before) && JSON.stringify(before) === JSON.stringify(r.values?.[link.attribute])) held.push(link.attribute);
  }
  return held;
}

/**
 * What the plan leaves for a later plan: `deferred_changes` (resources Terraform deferred, e.g.
 * because their configuration or provider is unknown) and `complete: false` (more planning phases
 * follow). Their values are not in `planned_values`, so nothing about them was checked.
 */
function uncheckedParts(plan: Record<string, any>): UncheckedPart[] {
  const out: UncheckedPart[] = [];
  const deferred = Array.isArray(plan.deferred_changes) ? plan.deferred_changes : [];
  for (const d of deferred) {
    const rc = isPlainObject(d) && isPlainObject(d.resource_change) ? d.resource_change : undefined;
    const address = typeof rc?.address === "string" && rc.address.length <= 512 ? rc.address : undefined;
    const reason = isPlainObject(d) && typeof d.reason === "string" && /^[a-z_]{1,64}$/.test(d.reason) ? ` (reason: ${d.reason})` : "";
    out.push({
      address,
      type: typeof rc?.type === "string" && /^[A-Za-z0-9_]{1,64}$/.test(rc.type) ? rc.type : undefined,
      message: `${address ?? "a resource"} is deferred to a later plan${reason}: Terraform has not planned it, so nothing about it was checked; apply this plan and check the next one`,
    });
  }
  if (plan.complete === false && out.length === 0) {
    out.push({ message: "the plan is not complete (\"complete\": false): Terraform will plan more changes after this one is applied, and those were not checked" });
  }
  return out;
}

/**
 * The provider writes every optional string of an NSG rule into the plan, `""` when it is not set
 * (e.g. `source_address_prefix = ""` beside `source_address_prefixes`). In cdktf output and
 * hand-written JSON an unset field is absent; here `""` is read the same way, so a rule never
 * reports "could not verify" over a field nobody set.
 */
function withoutUnsetNsgFields(type: string, config: Record<string, any>): Record<string, any> {
  const dropEmpty = (o: Record<string, any>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ""));
  if (type === "azurerm_network_security_rule") return dropEmpty(config);
  if (type === "azurerm_network_security_group" && Array.isArray(config.security_rule)) {
    return { ...config, security_rule: config.security_rule.map((r: unknown) => (isPlainObject(r) ? dropEmpty(r) : r)) };
  }
  return config;
}

interface Ctx {
  readonly self: PlannedResource;
  readonly byResource: Map<string, PlannedResource[]>;
  /** `<address>|<attribute>` of block lists standalone resources fill (see FILLED_BY_STANDALONE). */
  readonly filled: Set<string>;
}

function collectModule(mod: Record<string, any>, moduleAddress: string, out: PlannedResource[], depth: number): void {
  if (depth > 64) return;
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
    if (!isPlainObject(r) || r.mode === "data") continue;
    if (typeof r.address !== "string" || typeof r.type !== "string" || typeof r.name !== "string") continue;
    out.push({ ...(r as any), moduleAddress });
  }
  for (const child of Array.isArray(mod.child_modules) ? mod.child_modules : []) {
    if (isPlainObject(child)) collectModule(child, typeof child.address === "string" ? child.address : moduleAddress, out, depth + 1);
  }
}

/** The configuration module for a module instance address (`module.a[0].module.b` -> calls a, b). */
function configModule(root: Record<string, any>, moduleAddress: string): Record<string, any> | undefined {
  if (moduleAddress === "") return root;
  let cur: Record<string, any> | undefined = root;
  const re = /module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(moduleAddress)) !== null) {
    const call: unknown = cur?.module_calls?.[m[1]];
    cur = isPlainObject(call) && isPlainObject(call.module) ? call.module : undefined;
    if (!cur) return undefined;
  }
  return cur;
}

/** The model name of an instance: `x`, `x[0]`, `x["key"]` (its address is `type.<name>`). */
function instanceName(r: PlannedResource): string {
  if (r.index === undefined || r.index === null) return r.name;
  return typeof r.index === "number" ? `${r.name}[${r.index}]` : `${r.name}[${JSON.stringify(r.index)}]`;
}

/**
 * How an interpolation names a resource instance so that the model finds it by address:
 * `azurerm_subnet.x`, `azurerm_subnet["x[0]"]`, `module.net.azurerm_subnet.x`. Undefined for
 * instances with a string key, whose address cannot be written as a model reference.
 */
function referenceBase(r: PlannedResource): string | undefined {
  const prefix = r.moduleAddress ? `${r.moduleAddress}.` : "";
  if (r.index === undefined || r.index === null) return `${prefix}${r.type}.${r.name}`;
  if (typeof r.index === "number") return `${prefix}${r.type}["${r.name}[${r.index}]"]`;
  return undefined;
}

/**
 * The local that unknown values point into: `${local["(known after apply)"]["<address>.<path>"]}`
 * resolves to unknown with the reason "<address>.<path> is computed by the provider at apply
 * time", and is never taken for a reference to a resource.
 */
export const UNKNOWN_LOCAL = "(known after apply)";

/** An expression the model cannot evaluate, saying which value is unknown before apply. */
function unknownMarker(ctx: Ctx, path: (string | number)[]): string {
  const what = `${ctx.self.address}.${formatPath(path)}`.replace(/"/g, "'");
  return `\${local["${UNKNOWN_LOCAL}"]["${what}"]}`;
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** An attribute expression (`{constant_value}` / `{references}`), as opposed to a nested block's expressions. */
function isAttributeExpression(e: unknown): e is { constant_value?: unknown; references?: string[] } {
  if (!isPlainObject(e)) return false;
  const keys = Object.keys(e);
  return keys.every((k) => k === "constant_value" || k === "references") && (e.references === undefined || Array.isArray(e.references));
}

interface Target {
  readonly type: string;
  readonly name: string;
  readonly key?: number | string;
  /** The longest attribute path referenced, e.g. `.id` or `.ip_configuration[0].private_ip_address`. */
  rest: string;
}

/** The distinct resources an expression refers to, in order of appearance. */
function resourceTargets(references: string[]): Target[] {
  const out = new Map<string, Target>();
  for (const ref of references) {
    if (typeof ref !== "string") continue;
    const m = RESOURCE_REF.exec(ref);
    if (!m || NOT_RESOURCES.has(m[1])) continue;
    let key: number | string | undefined;
    if (m[3]) {
      const inner = m[3].slice(1, -1);
      try {
        key = inner.startsWith("\"") ? String(JSON.parse(inner)) : Number(inner);
      } catch {
        continue;
      }
    }
    const id = `${m[1]}.${m[2]}`;
    const existing = out.get(id);
    if (!existing) out.set(id, { type: m[1], name: m[2], key, rest: m[4] });
    else {
      if (existing.key === undefined && key !== undefined) (existing as { key?: number | string }).key = key;
      if (m[4].length > existing.rest.length) existing.rest = m[4];
    }
  }
  return [...out.values()];
}

/** The interpolation for one referenced resource attribute, when the instance is unambiguous. */
function interpolation(target: Target, references: string[], ctx: Ctx): string | undefined {
  if (!/^(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+$/.test(target.rest)) return undefined; // whole resource, or a dynamic index
  const candidates = ctx.byResource.get(`${ctx.self.moduleAddress}|${target.type}.${target.name}`) ?? [];
  let instance: PlannedResource | undefined;
  if (target.key !== undefined) instance = candidates.find((c) => c.index === target.key);
  else if (candidates.length === 1 && (candidates[0].index === undefined || candidates[0].index === null)) instance = candidates[0];
  else if (ctx.self.index !== undefined && (references.includes("count.index") || references.includes("each.key"))) {
    // `azurerm_subnet.x[count.index].id`: the instance with the same key as this one.
    instance = candidates.find((c) => c.index === ctx.self.index);
  }
  const base = instance && referenceBase(instance);
  return base ? `\${${base}${target.rest}}` : undefined;
}

/**
 * The traversals an expression reads: its references less those that are a prefix of another
 * (Terraform lists `azurerm_subnet.a.id` with `azurerm_subnet.a`). A bare reference
 * (`azurerm_subnet.a.id`) has one; `c ? azurerm_subnet.a.id : azurerm_subnet.a.address_prefixes[0]`
 * has two, and a conditional, function call or template over one reference cannot be told from it
 * by the references alone, so only an expression whose every reference lies on one traversal is
 * taken for that traversal.
 */
function traversals(references: string[]): string[] {
  const refs = [...new Set(references.filter((r) => typeof r === "string"))];
  const under = (shorter: string, longer: string) => longer.startsWith(shorter) && (longer[shorter.length] === "." || longer[shorter.length] === "[");
  return refs.filter((r) => !refs.some((o) => o !== r && under(r, o)));
}

/** The one resource attribute a bare reference reads (`azurerm_subnet.a.id`), else undefined. */
function bareReference(expr: unknown, ctx: Ctx): string | undefined {
  if (!isAttributeExpression(expr) || !expr.references || "constant_value" in expr) return undefined;
  if (traversals(expr.references).length !== 1) return undefined;
  const targets = resourceTargets(expr.references);
  return targets.length === 1 ? interpolation(targets[0], expr.references, ctx) : undefined;
}

/**
 * A value unknown before apply: the referenced attribute when the expression is a bare reference
 * to one resource instance, else a marker. A conditional over one resource
 * (`azurerm_subnet.a.id != "" ? "*" : azurerm_subnet.a.address_prefixes[0]`) is not that reference:
 * it is a marker, never the value of one of its branches.
 */
function unknownValue(expr: unknown, ctx: Ctx, path: (string | number)[]): string {
  return bareReference(expr, ctx) ?? unknownMarker(ctx, path);
}

/**
 * Merges planned values with the unknown and sensitive masks, guided by the configuration
 * expressions (an attribute expression, or an object/list of a nested block's expressions).
 */
function merge(value: unknown, unknown: unknown, sensitive: unknown, expr: unknown, ctx: Ctx, path: (string | number)[]): unknown {
  if (path.length > 32) return value;
  if (unknown === true) return unknownValue(expr, ctx, path);
  if (sensitive === true) {
    // A secret from elsewhere (variable, another resource): show where it comes from, never the value.
    // Only a bare reference stands for the value: `c ? "*" : var.x` is not `var.x` (see traversals).
    if (isAttributeExpression(expr) && expr.references && expr.references.length > 0) {
      const paths = traversals(expr.references);
      if (paths.length !== 1) return unknownMarker(ctx, path);
      return bareReference(expr, ctx) ?? `\${${paths[0]}}`;
    }
    if (isAttributeExpression(expr) && "constant_value" in expr) return value; // a literal in the configuration
    return value === undefined || value === null ? value : unknownMarker(ctx, path);
  }
  const unknownIsList = Array.isArray(unknown);
  const sensitiveIsList = Array.isArray(sensitive);
  if (unknownIsList || sensitiveIsList || (Array.isArray(value) && Array.isArray(expr))) {
    if (!Array.isArray(value) && !unknownIsList) return value;
    const arr: unknown[] = Array.isArray(value) ? [...value] : [];
    const u = unknownIsList ? (unknown as unknown[]) : [];
    const s = sensitiveIsList ? (sensitive as unknown[]) : [];
    const n = Math.max(arr.length, u.length);
    if (isAttributeExpression(expr)) {
      // A list attribute, e.g. network_interface_ids = [azurerm_network_interface.a.id, ...].
      const unknownIdx = u.map((x, i) => (x === true ? i : -1)).filter((i) => i >= 0);
      // Mapped in order only when the list is written as bare references, one per unknown item.
      const targets = expr.references ? resourceTargets(expr.references) : [];
      const paths = expr.references ? traversals(expr.references) : [];
      const mapped = targets.length === unknownIdx.length && paths.length === targets.length ? targets.map((t) => interpolation(t, expr.references!, ctx)) : [];
      for (let i = 0; i < n; i++) {
        const k = unknownIdx.indexOf(i);
        if (k >= 0) arr[i] = mapped[k] ?? unknownMarker(ctx, [...path, i]);
        else if (s[i] === true) arr[i] = merge(arr[i], undefined, true, expr, ctx, [...path, i]);
        else arr[i] = merge(arr[i], u[i], s[i], undefined, ctx, [...path, i]);
      }
      return arr;
    }
    const blocks = Array.isArray(expr) ? expr : undefined;
    for (let i = 0; i < n; i++) {
      const blockExpr = blocks ? pickBlockExpressions(blocks, arr[i], n) : undefined;
      arr[i] = merge(arr[i], u[i], s[i], blockExpr, ctx, [...path, i]);
    }
    return arr;
  }
  if (isPlainObject(unknown) || isPlainObject(sensitive)) {
    if (value !== undefined && value !== null && !isPlainObject(value)) return value;
    const obj: Record<string, unknown> = isPlainObject(value) ? { ...value } : {};
    const u = isPlainObject(unknown) ? unknown : {};
    const s = isPlainObject(sensitive) ? sensitive : {};
    const blockExprs = isPlainObject(expr) && !isAttributeExpression(expr) ? expr : undefined;
    for (const key of new Set([...Object.keys(u), ...Object.keys(s)])) {
      if (u[key] === false && (s[key] === false || s[key] === undefined)) continue;
      // Not written in the configuration: computed-only, absent as in cdktf output; but a block list the
      // checks read may be a `dynamic` block, which the expressions never show (see DYNAMIC_CAPABLE_BLOCKS).
      if (u[key] === true && blockExprs && !(key in blockExprs)) {
        if (!DYNAMIC_CAPABLE_BLOCKS.has(key) || (path.length === 0 && ctx.filled.has(`${ctx.self.address}|${key}`))) continue;
        obj[key] = unknownMarker(ctx, [...path, key]);
        continue;
      }
      const merged = merge(obj[key], u[key], s[key], blockExprs?.[key], ctx, [...path, key]);
      if (merged !== undefined) obj[key] = merged;
    }
    return obj;
  }
  return value;
}

/**
 * The configuration block matching the i-th planned block. Blocks of set type may come back in
 * another order, so with several blocks the one whose literal arguments agree with the planned
 * values is taken; ambiguity leaves the block without expressions (its unknowns stay unknown).
 */
function pickBlockExpressions(blocks: unknown[], planned: unknown, n: number): unknown {
  if (blocks.length === 1 && n === 1) return blocks[0];
  if (!isPlainObject(planned)) return undefined;
  let best: unknown;
  let bestScore = -1;
  let tie = false;
  for (const b of blocks) {
    if (!isPlainObject(b)) continue;
    let score = 0;
    let conflict = false;
    for (const [k, e] of Object.entries(b)) {
      if (!isAttributeExpression(e) || !("constant_value" in e) || !(k in planned)) continue;
      if (JSON.stringify(e.constant_value) === JSON.stringify(planned[k])) score++;
      else conflict = true;
    }
    if (conflict) continue;
    if (score > bestScore) {
      best = b;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  return best !== undefined && !tie && bestScore > 0 ? best : undefined;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
