/**
 * Finds and reads the command line's inputs: cdktf output, hand-written `*.tf.json` and
 * `terraform show -json` plan output. Reading never throws: every problem becomes a one-line
 * {@link InputError} naming the file, and the other inputs are still checked.
 */
import * as fs from "fs";
import * as path from "path";
import { convertPlan, isPlanJson, PlanFormatError } from "./plan";
import { DEFAULT_MAX_INPUT_BYTES, InputReadError, readInputFile, readStdin } from "./read-input";
import { TerraformModel, TfResource } from "../engine/model";
import { describeJsonSyntaxError, jsonSyntaxError, LineRegion, planResourceRegions, terraformResourceRegions } from "../reports/json-positions";

/** A file or folder that could not be used, and why (one line). */
export interface InputError {
  readonly file: string;
  readonly message: string;
}

/** What a configuration was read from. */
export enum InputKind {
  /** A synthesized cdktf stack (`cdktf.out/stacks/<stack>/cdk.tf.json`). */
  CDKTF_STACK = "cdktf-stack",
  /** Hand-written Terraform JSON (`*.tf.json`; files of one folder form one configuration). */
  TERRAFORM_JSON = "terraform-json",
  /** `terraform show -json <planfile>` output. */
  PLAN = "plan",
}

/** One configuration to check. */
export interface LoadedConfiguration {
  readonly name: string;
  readonly kind: InputKind;
  /** Files it was read from (display paths). */
  readonly files: string[];
  readonly model: TerraformModel;
}

/** A unit of work found on the command line, before reading. */
interface Unit {
  readonly kind: "tfjson" | "auto";
  readonly name: string;
  readonly files: string[];
  /** Found by scanning this folder: a `.json` that is not a plan is skipped silently. */
  readonly optional?: string;
  readonly stack?: boolean;
}

/** The outcome of reading the command line's paths. */
export interface LoadResult {
  readonly configurations: LoadedConfiguration[];
  readonly errors: InputError[];
  /** Number of files read. */
  readonly fileCount: number;
  /** Lines of each resource, by file (display path) and address: only when asked for (`wantRegions`). */
  readonly regions: Map<string, Map<string, LineRegion>>;
}

/** The path `-` reads standard input. */
export const STDIN = "-";

/** Block types allowed at the top level of Terraform JSON. */
const TOP_LEVEL_BLOCKS = new Set([
  "resource", "data", "variable", "output", "locals", "module", "provider", "terraform",
  "moved", "import", "check", "removed", "ephemeral", "//",
]);

/** What the command line's paths name, before anything is read. */
export interface Discovery {
  readonly units: Unit[];
  readonly errors: InputError[];
  /** Folders named on the command line (scanned for input). */
  readonly folders: string[];
}

/** Finds the configurations behind `paths` (files or folders). */
export function discover(paths: string[]): Discovery {
  const units: Unit[] = [];
  const errors: InputError[] = [];
  const folders: string[] = [];
  const explicitTfJson = new Map<string, string[]>(); // folder -> files named on the command line
  const seen = new Set<string>();
  const claim = (file: string): boolean => {
    let key = path.resolve(file);
    try {
      key = fs.realpathSync(file);
    } catch {
      // keep the resolved path
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  for (const p of paths) {
    if (p === STDIN) {
      units.push({ kind: "auto", name: "(stdin)", files: [STDIN] });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      errors.push({ file: p, message: `cannot read: ${systemError(err)}` });
      continue;
    }
    if (stat.isDirectory()) {
      folders.push(p);
      const found = scanFolder(p, claim);
      errors.push(...(found.errors ?? []));
      units.push(...found.units);
      continue;
    }
    if (!claim(p)) continue;
    if (p.endsWith(".tf")) {
      errors.push({ file: p, message: "Terraform HCL is not read: check the plan instead (terraform plan -out=tfplan && terraform show -json tfplan > plan.json), or write Terraform JSON (*.tf.json)" });
      continue;
    }
    if (p.endsWith(".tf.json")) {
      const dir = path.dirname(p);
      const list = explicitTfJson.get(dir) ?? [];
      if (list.length === 0) units.push({ kind: "tfjson", name: "", files: list }); // filled below, keeps order
      list.push(p);
      explicitTfJson.set(dir, list);
      continue;
    }
    units.push({ kind: "auto", name: p, files: [p] });
  }
  // Explicit *.tf.json files of one folder form one configuration, as Terraform merges them.
  const named = units.map((u) => {
    if (u.kind !== "tfjson" || u.name !== "") return u;
    const stack = u.files.length === 1 && path.basename(u.files[0]) === "cdk.tf.json";
    return { ...u, name: stack ? path.dirname(u.files[0]) : configurationName(u.files), stack };
  });
  return { units: named, errors, folders };
}

/** Every file the discovered units will read (standard input excluded). */
export function discoveredFiles(discovery: Discovery): string[] {
  return discovery.units.flatMap((u) => u.files).filter((f) => f !== STDIN);
}

function configurationName(files: string[]): string {
  if (files.length === 1) return files[0];
  return path.dirname(files[0]) || ".";
}

/** A folder: a cdktf output folder (stacks), or a folder of *.tf.json and plan files. */
function scanFolder(dir: string, claim: (file: string) => boolean): { units: Unit[]; errors?: InputError[] } {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    return { units: [], errors: [{ file: dir, message: `cannot read folder: ${systemError(err)}` }] };
  }
  const units: Unit[] = [];
  // cdktf.out (or its stacks folder): every stacks/<name>/cdk.tf.json is one configuration.
  const stacksDir = entries.some((e) => e.isDirectory() && e.name === "stacks") ? path.join(dir, "stacks") : path.basename(path.resolve(dir)) === "stacks" ? dir : undefined;
  if (stacksDir) {
    let stacks: fs.Dirent[] = [];
    try {
      stacks = fs.readdirSync(stacksDir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      return { units: [], errors: [{ file: stacksDir, message: `cannot read folder: ${systemError(err)}` }] };
    }
    const errors: InputError[] = [];
    for (const s of stacks) {
      const stackDir = path.join(stacksDir, s.name);
      const file = path.join(stackDir, "cdk.tf.json");
      if (fs.existsSync(file)) {
        if (claim(file)) units.push({ kind: "tfjson", name: stackDir, files: [file], stack: true });
      } else {
        // The synth-time checks remove a stack's cdk.tf.json when its synth starts, so a stack
        // folder without one is the output of a synth that failed or never finished.
        errors.push({ file: stackDir, message: `no cdk.tf.json: the last synth of this stack ${lastSynthOutcome(stackDir)}; run cdktf synth again` });
      }
    }
    if (units.length > 0 || errors.length > 0) return { units, errors };
  }
  // Everything but folders: a FIFO or device with an input name is refused when read, never skipped silently.
  const files = entries.filter((e) => !e.isDirectory()).map((e) => e.name).sort();
  const tfJson = files.filter((f) => f.endsWith(".tf.json")).map((f) => path.join(dir, f)).filter(claim);
  if (tfJson.length > 0) {
    const stack = tfJson.length === 1 && path.basename(tfJson[0]) === "cdk.tf.json";
    units.push({ kind: "tfjson", name: tfJson.length === 1 && !stack ? tfJson[0] : dir, files: tfJson, stack });
  }
  for (const f of files.filter((x) => x.endsWith(".json") && !x.endsWith(".tf.json"))) {
    const file = path.join(dir, f);
    if (claim(file)) units.push({ kind: "auto", name: file, files: [file], optional: dir });
  }
  if (units.length === 0) return { units: [], errors: [noTerraformJson(dir)] };
  return { units };
}

/** What the synth-time report beside a stack says about the last synth (never its findings). */
function lastSynthOutcome(stackDir: string): string {
  try {
    const report = JSON.parse(readInputFile(path.join(stackDir, "compliance-report.json"), DEFAULT_MAX_INPUT_BYTES));
    if (report && report.passed === false) return "failed its checks (see compliance-report.json)";
  } catch {
    // no report, or not readable: say what is certain
  }
  return "failed or did not finish";
}

function noTerraformJson(dir: string): InputError {
  return {
    file: dir,
    message: "no Terraform JSON found: expected a cdktf output folder (stacks/*/cdk.tf.json), *.tf.json files or `terraform show -json` plan output (*.json)",
  };
}

/** How inputs are read. */
export interface LoadOptions {
  /** Largest input file (or standard input) read, in bytes. */
  readonly maxInputBytes?: number;
  /** Called before each unit is read. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
  /** Record the lines of each resource in the file it came from (for SARIF and annotations). */
  readonly wantRegions?: boolean;
}

/** Reads every unit into configurations. */
export function load(paths: string[], options: LoadOptions = {}): LoadResult {
  return loadDiscovered(discover(paths), options);
}

/** Reads the units found by {@link discover}. */
export function loadDiscovered(discovery: Discovery, options: LoadOptions = {}): LoadResult {
  const onProgress = options.onProgress;
  const reader = new InputReader(options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES, options.wantRegions ?? false);
  const units = discovery.units;
  const errors = [...discovery.errors];
  const configurations: LoadedConfiguration[] = [];
  let fileCount = 0;
  // Folders whose only candidates are .json files: an error if none of them is a plan.
  const onlyOptional = new Map<string, boolean>();
  for (const u of units) if (u.optional !== undefined && !onlyOptional.has(u.optional)) onlyOptional.set(u.optional, false);
  for (const u of units) if (u.optional === undefined && u.files.some((f) => onlyOptional.has(path.dirname(f)))) onlyOptional.delete(path.dirname(u.files[0]));
  units.forEach((unit, i) => {
    onProgress?.(i, units.length, unit.name);
    const loaded = unit.kind === "tfjson" ? loadTerraformJson(unit, errors, reader) : loadAuto(unit, errors, reader);
    if (loaded) {
      configurations.push(loaded);
      fileCount += loaded.files.length;
      if (unit.optional !== undefined) onlyOptional.set(unit.optional, true);
    } else if (!unit.optional) fileCount += unit.files.length;
  });
  for (const [dir, found] of onlyOptional) if (!found) errors.push(noTerraformJson(dir));
  return { configurations, errors, fileCount, regions: reader.regions };
}

/** Reads input files within the size cap. */
class InputReader {
  /** Lines of each resource, by file and address (filled when `wantRegions`). */
  public readonly regions = new Map<string, Map<string, LineRegion>>();

  constructor(public readonly maxBytes: number, private readonly wantRegions: boolean) {}

  /** Records where each resource of a parsed file is (a second linear pass over the text). */
  public recordRegions(file: string, text: string, json: unknown): void {
    if (!this.wantRegions) return;
    this.regions.set(displayName(file), isPlanJson(json) ? planResourceRegions(text) : terraformResourceRegions(text));
  }

  /** The text of a file (or standard input), or an error message. */
  public text(file: string): { text: string } | { error: string } {
    try {
      return { text: file === STDIN ? readStdin(this.maxBytes) : readInputFile(file, this.maxBytes) };
    } catch (err) {
      if (err instanceof InputReadError) return { error: err.message };
      return { error: `cannot read: ${systemError(err)}` };
    }
  }

  /** Reads and parses one JSON file; on failure records the error and returns undefined. */
  public json(file: string, errors: InputError[]): { json: unknown } | undefined {
    const read = this.text(file);
    if ("error" in read) {
      errors.push({ file: displayName(file), message: read.error });
      return undefined;
    }
    if (read.text.trim() === "") {
      errors.push({ file: displayName(file), message: "not JSON: the file is empty" });
      return undefined;
    }
    const parsed = parseJson(read.text);
    if ("error" in parsed) {
      errors.push({ file: displayName(file), message: `not JSON: ${parsed.error}` });
      return undefined;
    }
    this.recordRegions(file, read.text, parsed.json);
    return { json: parsed.json };
  }
}

function displayName(file: string): string {
  return file === STDIN ? "(stdin)" : file;
}

function loadAuto(unit: Unit, errors: InputError[], reader: InputReader): LoadedConfiguration | undefined {
  const file = unit.files[0];
  if (unit.optional) {
    // A .json file found in a folder: checked only if it is a plan.
    const read = reader.text(file);
    if ("error" in read) {
      // A file that is not a regular file, or too large, is reported even when it is only a candidate.
      if (!/^cannot read: no such file/.test(read.error)) errors.push({ file, message: read.error });
      return undefined;
    }
    const parsed = parseJson(read.text);
    if ("error" in parsed) return undefined;
    const json = parsed.json;
    if (isPlanJson(json)) reader.recordRegions(file, read.text, json);
    return isPlanJson(json) ? loadPlan(json as Record<string, any>, unit, errors) : undefined;
  }
  const read = reader.json(file, errors);
  if (!read) return undefined;
  if (isPlanJson(read.json)) return loadPlan(read.json as Record<string, any>, unit, errors);
  const problem = terraformJsonProblem(read.json);
  if (problem) {
    errors.push({ file: displayName(file), message: problem });
    return undefined;
  }
  const model = TerraformModel.fromTerraformJson(normalize(read.json as Record<string, any>), { source: displayName(file), name: unit.name });
  return { name: unit.name, kind: InputKind.TERRAFORM_JSON, files: [displayName(file)], model };
}

function loadPlan(json: Record<string, any>, unit: Unit, errors: InputError[]): LoadedConfiguration | undefined {
  const file = displayName(unit.files[0]);
  try {
    const plan = convertPlan(json, file);
    return { name: unit.name, kind: InputKind.PLAN, files: [file], model: TerraformModel.fromResources(plan.resources, unit.name, plan.locals) };
  } catch (err) {
    if (err instanceof PlanFormatError) {
      errors.push({ file, message: err.message });
      return undefined;
    }
    errors.push({ file, message: `could not read the plan: ${(err as Error)?.message ?? String(err)}` });
    return undefined;
  }
}

/** Reads the *.tf.json files of one configuration and merges them, as Terraform does. */
function loadTerraformJson(unit: Unit, errors: InputError[], reader: InputReader): LoadedConfiguration | undefined {
  const resources: TfResource[] = [];
  const owner = new Map<string, string>();
  const locals: Record<string, unknown> = {};
  const files: string[] = [];
  for (const file of unit.files) {
    const read = reader.json(file, errors);
    if (!read) continue;
    if (isPlanJson(read.json)) {
      errors.push({ file, message: "a `terraform show -json` plan saved as *.tf.json: rename it to *.json (Terraform would fail to load it as configuration)" });
      continue;
    }
    const problem = terraformJsonProblem(read.json);
    if (problem) {
      errors.push({ file, message: problem });
      continue;
    }
    const json = normalize(read.json as Record<string, any>);
    const model = TerraformModel.fromTerraformJson(json, { source: file });
    for (const r of model.resources) {
      const other = owner.get(r.address);
      if (other !== undefined) {
        errors.push({ file, message: `duplicate resource ${r.address} (already declared in ${other}); Terraform rejects this configuration` });
        continue;
      }
      owner.set(r.address, file);
      resources.push(r);
    }
    Object.assign(locals, json.locals ?? {});
    files.push(file);
  }
  if (files.length === 0) return undefined;
  const kind = unit.stack ? InputKind.CDKTF_STACK : InputKind.TERRAFORM_JSON;
  return { name: unit.name, kind, files, model: TerraformModel.fromResources(resources, unit.name, locals) };
}

/** Why a parsed JSON value is not Terraform JSON, or undefined when it is. */
export function terraformJsonProblem(json: unknown): string | undefined {
  if (!isPlainObject(json)) {
    return `not Terraform JSON: expected an object of Terraform blocks (resource, variable, ...), found ${Array.isArray(json) ? "a list" : json === null ? "null" : typeof json}`;
  }
  if ("format_version" in json) {
    if ("values" in json) return "not a plan: this is `terraform show -json` output of a state (no planned_values); check `terraform show -json <planfile>` output instead";
    return "not Terraform JSON: has format_version but no planned_values (expected `terraform show -json <planfile>` output)";
  }
  const unexpected = Object.keys(json).filter((k) => !TOP_LEVEL_BLOCKS.has(k));
  if (unexpected.length > 0) {
    return `not Terraform JSON: unexpected top-level key ${quoteName(unexpected[0])} (expected resource, data, variable, output, locals, module, provider or terraform blocks)`;
  }
  const res = json.resource;
  if (res !== undefined && !isPlainObject(res) && !(Array.isArray(res) && res.every(isPlainObject))) {
    return "not Terraform JSON: \"resource\" must be an object of resource types";
  }
  for (const [type, byName] of Object.entries(mergeList(res))) {
    if (!isPlainObject(byName)) return `not Terraform JSON: resource ${quoteName(type)} must be an object of named resources`;
  }
  return undefined;
}

/** Terraform JSON allows a block type as a list of objects; the model reads the merged object. */
function normalize(json: Record<string, any>): Record<string, any> {
  return { ...json, resource: mergeList(json.resource), locals: mergeList(json.locals) };
}

function mergeList(v: unknown): Record<string, any> {
  if (Array.isArray(v)) {
    const out: Record<string, any> = {};
    for (const part of v.filter(isPlainObject)) {
      for (const [k, val] of Object.entries(part)) out[k] = isPlainObject(out[k]) && isPlainObject(val) ? { ...out[k], ...val } : val;
    }
    return out;
  }
  return isPlainObject(v) ? v : {};
}

/**
 * A name from the input (a block or resource type), quoted when it looks like one. Anything else
 * is not repeated: an input error must never copy input text that could be a secret.
 */
export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name) ? JSON.stringify(name) : "(a key that is not a Terraform name)";
}

function systemError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return firstLine((err as Error)?.message ?? String(err));
}

/**
 * Parses JSON. On a syntax error the message gives the problem, line and column only: never the
 * engine's message, which quotes the text around the error (a secret can sit next to a typo).
 */
export function parseJson(text: string): { json: unknown } | { error: string } {
  try {
    return { json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch {
    const e = jsonSyntaxError(text);
    return { error: e ? describeJsonSyntaxError(e) : "invalid JSON" };
  }
}

function firstLine(s: string): string {
  return s.split(/\r?\n/)[0];
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
