/**
 * Finds and reads the command line's inputs: cdktf output, hand-written Terraform (HCL `*.tf` and
 * JSON `*.tf.json`, with their local modules and override files) and `terraform show -json` plan
 * output. Reading never throws: every problem becomes a one-line {@link InputError} naming the
 * file, every input that is not checked is listed with the reason, and the other inputs are still
 * checked.
 */
import * as fs from "fs";
import * as path from "path";
import { convertPlan, isPlanJson, PlanFormatError } from "./plan";
import { DEFAULT_MAX_INPUT_BYTES, InputReadError, readInputFile, readStdin } from "./read-input";
import { EXCLUDED_FOLDERS, FileProblem, isTerraformFile, quoteName, readConfiguration, TERRAFORM_BLOCKS } from "./terraform-config";
import { TerraformModel, TfResource } from "../engine/model";
import { UnreadPart } from "../policy/unread-input";
import { describeJsonSyntaxError, jsonSyntaxError, LineRegion, planResourceRegions } from "../reports/json-positions";
import { ExpiredSuppression } from "../reports/json-report";

// Parts not read are SDZ-INPUT-001 findings, at synth too (policy/unread-input.ts).
export { UNREAD_INPUT_RULE_ID, withUnreadFindings } from "../policy/unread-input";
export type { UnreadPart } from "../policy/unread-input";

/** A file or folder that could not be used, and why (one line). */
export interface InputError {
  readonly file: string;
  readonly message: string;
}

/** An input that was found but not checked, and why. */
export type SkippedInput = InputError;

/** What a configuration was read from. */
export enum InputKind {
  /** A synthesized cdktf stack (`cdktf.out/stacks/<stack>/cdk.tf.json`, or `cdk.tf` with HCL output). */
  CDKTF_STACK = "cdktf-stack",
  /** Hand-written Terraform JSON only (`*.tf.json`; the files of a folder form one configuration). */
  TERRAFORM_JSON = "terraform-json",
  /** Hand-written Terraform with HCL files (`*.tf`, possibly with `*.tf.json`). */
  TERRAFORM = "terraform",
  /** `terraform show -json <planfile>` output. */
  PLAN = "plan",
}

/** One configuration to check. */
export interface LoadedConfiguration {
  readonly name: string;
  readonly kind: InputKind;
  /** Files it was read from (display paths), its local modules' included. */
  readonly files: string[];
  readonly model: TerraformModel;
  /** Suppressions recorded in its files whose date has passed (they no longer apply). */
  readonly expiredSuppressions: ExpiredSuppression[];
  /**
   * Parts of the configuration that were not read (a remote module, resources a plan defers):
   * reported as could-not-verify findings of {@link UNREAD_INPUT_RULE_ID} on `address`.
   */
  readonly unread?: UnreadPart[];
}

/** A unit of work found on the command line, before reading. */
type Unit = (
  /** Terraform files of one folder (a scanned module folder, or files named together): a root module. */
  | { readonly kind: "module"; readonly name: string; readonly files: string[]; readonly scanned: boolean }
  /** A cdktf stack's synthesized configuration. */
  | { readonly kind: "stack"; readonly name: string; readonly files: [string] }
  /** A JSON file: a plan or Terraform JSON; `candidate` when found by a scan (then only a plan is checked). */
  | { readonly kind: "json"; readonly name: string; readonly files: [string]; readonly candidate: boolean }
) & {
  /** The folder named on the command line this unit was found in. */
  readonly origin?: string;
};

/** What the command line's paths name, before anything is read. */
export interface Discovery {
  readonly units: Unit[];
  readonly errors: InputError[];
  readonly skipped: SkippedInput[];
  /** Folders named on the command line (scanned for input). */
  readonly folders: string[];
}

/** The outcome of reading the command line's paths. */
export interface LoadResult {
  readonly configurations: LoadedConfiguration[];
  readonly errors: InputError[];
  /** Inputs found but not checked (a JSON file that is not a plan, a remote module...). */
  readonly skipped: SkippedInput[];
  /** Number of files read. */
  readonly fileCount: number;
  /** Lines of each resource, by file (display path) and address: only when asked for (`wantRegions`). */
  readonly regions: Map<string, Map<string, LineRegion>>;
}

/** The path `-` reads standard input. */
export const STDIN = "-";
const STDIN_NAME = "(stdin)";

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A cdktf output folder: `stacks/` beside `manifest.json`, or a folder named `cdktf.out`. */
function isCdktfOutput(dir: string, entries: fs.Dirent[], named: boolean): boolean {
  const hasStacks = entries.some((e) => e.isDirectory() && e.name === "stacks");
  if (named) return hasStacks || path.basename(path.resolve(dir)) === "stacks";
  return hasStacks && (entries.some((e) => e.name === "manifest.json") || path.basename(dir) === "cdktf.out");
}

/** Finds the configurations behind `paths` (files or folders). Reads folders, not files. */
export function discover(paths: string[]): Discovery {
  const units: Unit[] = [];
  const errors: InputError[] = [];
  const skipped: SkippedInput[] = [];
  const folders: string[] = [];
  const explicit = new Map<string, string[]>(); // folder -> Terraform files named on the command line
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
      units.push({ kind: "json", name: STDIN_NAME, files: [STDIN], candidate: false });
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
      const found: Unit[] = [];
      scanFolder(p, true, claim, found, errors, skipped, new Set());
      units.push(...found.map((u) => ({ ...u, origin: p })));
      continue;
    }
    if (!claim(p)) continue;
    if (path.basename(p) === "cdk.tf.json") {
      units.push({ kind: "stack", name: path.dirname(p), files: [p] });
    } else if (isTerraformFile(p)) {
      // Terraform files of one folder named on the command line form one configuration.
      const dir = path.dirname(p);
      const list = explicit.get(dir);
      if (list) list.push(p);
      else {
        const files = [p];
        explicit.set(dir, files);
        units.push({ kind: "module", name: "", files, scanned: false });
      }
    } else {
      units.push({ kind: "json", name: p, files: [p], candidate: false });
    }
  }
  const named = units.map((u): Unit => (u.kind === "module" && u.name === "" ? { ...u, name: u.files.length === 1 ? u.files[0] : path.dirname(u.files[0]) || "." } : u));
  return { units: named, errors, skipped, folders };
}

/**
 * Scans a folder tree: cdktf output folders give their stacks; every folder holding Terraform files
 * is a module (root modules are told apart from called ones when read); JSON files are plan
 * candidates. `.terraform/`, `node_modules/` and `.git/` are not entered.
 */
function scanFolder(
  dir: string, top: boolean, claim: (f: string) => boolean, units: Unit[], errors: InputError[], skipped: SkippedInput[], visited: Set<string>,
): void {
  let real = path.resolve(dir);
  try {
    real = fs.realpathSync(dir);
  } catch {
    // keep the resolved path
  }
  if (visited.has(real)) return;
  visited.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    errors.push({ file: dir, message: `cannot read folder: ${systemError(err)}` });
    return;
  }
  const found = units.length;
  if (isCdktfOutput(dir, entries, top)) {
    scanStacks(path.basename(path.resolve(dir)) === "stacks" && !entries.some((e) => e.name === "stacks") ? dir : path.join(dir, "stacks"), claim, units, errors);
    if (!top || units.length > found || errors.length > 0) return;
  }
  // Everything but folders: a FIFO or device with an input name is refused when read, never skipped silently.
  const files = entries.filter((e) => !e.isDirectory() && !e.isSymbolicLink()).map((e) => e.name);
  for (const link of entries.filter((e) => e.isSymbolicLink())) {
    const target = path.join(dir, link.name);
    let isDir = false;
    try {
      isDir = fs.statSync(target).isDirectory();
    } catch {
      // a dangling link
    }
    if (isDir) skipped.push({ file: target, message: "a symbolic link to a folder: not followed" });
    else files.push(link.name);
  }
  files.sort();
  const tf = files.filter(isTerraformFile).map((f) => path.join(dir, f)).filter(claim);
  if (tf.length > 0) units.push({ kind: "module", name: tf.length === 1 && top ? tf[0] : dir, files: tf, scanned: true });
  // Variable values (terraform.tfvars, *.auto.tfvars, their .json forms): not read, so a secret written there is not
  // checked; listed, never passed over in silence (nor taken for a plan candidate).
  for (const f of files.filter(isVariableValuesFile)) skipped.push({ file: path.join(dir, f), message: TFVARS_NOT_READ });
  for (const f of files.filter((x) => x.endsWith(".json") && !x.endsWith(".tf.json") && !isVariableValuesFile(x))) {
    const file = path.join(dir, f);
    if (claim(file)) units.push({ kind: "json", name: file, files: [file], candidate: true });
  }
  for (const sub of entries.filter((e) => e.isDirectory() && !EXCLUDED_FOLDERS.has(e.name))) {
    scanFolder(path.join(dir, sub.name), false, claim, units, errors, skipped, visited);
  }
}

/** A file of variable values (`*.tfvars`, `*.tfvars.json`), as Terraform names them. */
function isVariableValuesFile(file: string): boolean {
  return /\.tfvars(\.json)?$/.test(file);
}

const TFVARS_NOT_READ = "variable values (a .tfvars file) are not read: a secret written there is not checked by SDZ-SEC-002 "
  + "(keep such a file out of source control)";

/** Every stacks/<name>/ of a cdktf output folder is one configuration. */
function scanStacks(stacksDir: string, claim: (f: string) => boolean, units: Unit[], errors: InputError[]): void {
  let stacks: fs.Dirent[];
  try {
    stacks = fs.readdirSync(stacksDir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    errors.push({ file: stacksDir, message: `cannot read folder: ${systemError(err)}` });
    return;
  }
  for (const s of stacks) {
    const stackDir = path.join(stacksDir, s.name);
    const json = path.join(stackDir, "cdk.tf.json");
    const hcl = path.join(stackDir, "cdk.tf");
    const file = fs.existsSync(json) ? json : fs.existsSync(hcl) ? hcl : undefined;
    if (file) {
      if (claim(file)) units.push({ kind: "stack", name: stackDir, files: [file] });
    } else {
      // The synth-time checks remove a stack's cdk.tf.json when its synth starts, so a stack
      // folder without one is the output of a synth that failed or never finished.
      errors.push({ file: stackDir, message: `no cdk.tf.json: the last synth of this stack ${lastSynthOutcome(stackDir)}; run cdktf synth again` });
    }
  }
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

function noTerraform(dir: string): InputError {
  return {
    file: dir,
    message: "no Terraform found: expected a cdktf output folder (stacks/*/cdk.tf.json), Terraform files (*.tf, *.tf.json) or `terraform show -json` plan output (*.json)",
  };
}

/** Every file the discovered units will read (standard input excluded). */
export function discoveredFiles(discovery: Discovery): string[] {
  return discovery.units.flatMap((u) => u.files).filter((f) => f !== STDIN);
}

/** How inputs are read. */
export interface LoadOptions {
  /** Largest input file (or standard input) read, in bytes. */
  readonly maxInputBytes?: number;
  /** Called before each unit is read. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
  /** Record the lines of each resource in the file it came from (for SARIF and annotations). */
  readonly wantRegions?: boolean;
  /** Changes the resources of each configuration before its model is built (e.g. adds configured suppressions). */
  readonly transformResources?: (resources: TfResource[]) => TfResource[];
  /** Whether a suppression recorded with this `expires` date no longer applies. */
  readonly isExpired?: (date: string | undefined) => boolean;
}

/** Reads every unit into configurations. */
export function load(paths: string[], options: LoadOptions = {}): LoadResult {
  return loadDiscovered(discover(paths), options);
}

/** Reads input files within the size cap. */
class InputReader {
  public readonly regions = new Map<string, Map<string, LineRegion>>();

  constructor(public readonly maxBytes: number, public readonly wantRegions: boolean, public readonly options: LoadOptions = {}) {}

  /** The resources as the options want them (configured suppressions added). */
  public transform(resources: TfResource[]): TfResource[] {
    return this.options.transformResources ? this.options.transformResources(resources) : resources;
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
}

/** Lists the Terraform files of a module folder (for local module calls). */
function listModuleFolder(dir: string): { files: string[] } | { error: string } {
  try {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    return { files: entries.filter((e) => !e.isDirectory() && isTerraformFile(e.name)).map((e) => path.join(dir, e.name)).sort() };
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException)?.code === "ENOTDIR" ? "not a folder" : systemError(err) };
  }
}

/** Local module folders called by the module in `files` (from a quick read of its module blocks). */
function calledFolders(files: string[], reader: InputReader): string[] {
  const out: string[] = [];
  const noRegions = new InputReader(reader.maxBytes, false);
  const read = readConfiguration(files, () => ({ files: [] }), (f) => noRegions.text(f), parseJson, { name: "", onlyRoot: true });
  for (const source of read.localModuleFolders) out.push(path.resolve(source));
  return out;
}

/** Reads the units found by {@link discover}. */
export function loadDiscovered(discovery: Discovery, options: LoadOptions = {}): LoadResult {
  const onProgress = options.onProgress;
  const reader = new InputReader(options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES, options.wantRegions ?? false, options);
  const errors: InputError[] = [...discovery.errors];
  const skipped: SkippedInput[] = [...discovery.skipped];
  const configurations: LoadedConfiguration[] = [];
  let fileCount = 0;

  // Scanned module folders that another scanned module calls are checked in place, as part of their caller.
  const scannedModules = discovery.units.filter((u) => u.kind === "module" && u.scanned);
  const called = new Set<string>();
  if (scannedModules.length > 1) {
    for (const u of scannedModules) for (const dir of calledFolders(u.files, reader)) called.add(dir);
  }
  const units = discovery.units.filter((u) => !(u.kind === "module" && u.scanned && called.has(path.resolve(path.dirname(u.files[0])))));

  const checkedFrom = new Set<string>();
  units.forEach((unit, i) => {
    onProgress?.(i, units.length, unit.name);
    const loaded = unit.kind === "json" ? loadJson(unit, errors, skipped, reader) : loadModule(unit, errors, skipped, reader);
    if (loaded) {
      configurations.push(loaded);
      fileCount += loaded.files.length;
    }
    if (unit.origin !== undefined && (loaded || !(unit.kind === "json" && unit.candidate))) checkedFrom.add(unit.origin);
  });
  // A folder named on the command line in which nothing could be checked is unusable input.
  for (const dir of discovery.folders) {
    if (!checkedFrom.has(dir) && !errors.some((e) => e.file === dir || e.file.startsWith(dir + path.sep))) errors.push(noTerraform(dir));
  }
  return { configurations, errors, skipped, fileCount, regions: reader.regions };
}

/**
 * Names of plan files (`terraform show -json tfplan > plan.json`): `plan.json`, `tfplan.json`,
 * `*.tfplan.json`, `*.plan.json`.
 */
export function isPlanFileName(file: string): boolean {
  return /^(?:(?:.*\.)?tfplan|(?:.+\.)?plan)\.json$/i.test(path.basename(file));
}

/** The start of `terraform show -json` output (its first key). */
const PLAN_TEXT_START = /^\uFEFF?\s*\{\s*"format_version"\s*:/;

/**
 * A plan or Terraform JSON file. A scanned `.json` that is not a plan is skipped (and listed), unless
 * it is evidently a plan (by its name, see {@link isPlanFileName}, or its first key `format_version`)
 * and cannot be read as one: then it is an input error.
 */
function loadJson(unit: Extract<Unit, { kind: "json" }>, errors: InputError[], skipped: SkippedInput[], reader: InputReader): LoadedConfiguration | undefined {
  const file = unit.files[0];
  const shown = file === STDIN ? STDIN_NAME : file;
  const read = reader.text(file);
  if ("error" in read) {
    errors.push({ file: shown, message: read.error });
    return undefined;
  }
  // A scanned file that is evidently a plan but cannot be read as one is unusable input, as a named
  // one is: skipping it would pass a folder whose plan was truncated or never written.
  const evidentPlan = unit.candidate && (isPlanFileName(file) || PLAN_TEXT_START.test(read.text));
  if (read.text.trim() === "") {
    if (evidentPlan) errors.push({ file: shown, message: "not JSON: the file is empty (a Terraform plan file: truncated or never written?)" });
    else if (unit.candidate) skipped.push({ file: shown, message: "empty: not a Terraform plan" });
    else errors.push({ file: shown, message: "not JSON: the file is empty" });
    return undefined;
  }
  const parsed = parseJson(read.text);
  if ("error" in parsed) {
    if (evidentPlan) errors.push({ file: shown, message: `not JSON: ${parsed.error} (a Terraform plan file: truncated?)` });
    else if (unit.candidate) skipped.push({ file: shown, message: "not JSON: not a Terraform plan" });
    else errors.push({ file: shown, message: `not JSON: ${parsed.error}` });
    return undefined;
  }
  if (isPlanJson(parsed.json)) {
    if (reader.wantRegions) reader.regions.set(shown, planResourceRegions(read.text));
    return loadPlan(parsed.json as Record<string, any>, unit.name, shown, errors, reader);
  }
  // `terraform show -json` output that is neither a plan nor a state: a plan missing its planned values.
  if (unit.candidate && isPlainObject(parsed.json) && "format_version" in parsed.json && !("values" in parsed.json)) {
    errors.push({ file: shown, message: terraformJsonProblem(parsed.json)! });
    return undefined;
  }
  if (unit.candidate) {
    skipped.push({ file: shown, message: "not a Terraform plan (`terraform show -json <planfile>` output): not checked" });
    return undefined;
  }
  const problem = terraformJsonProblem(parsed.json);
  if (problem) {
    errors.push({ file: shown, message: problem });
    return undefined;
  }
  // Terraform JSON under another name (standard input, `main.json`): one file, one configuration,
  // read and parsed once (large stacks: the text and its parse are most of the floor).
  return loadModule({ kind: "module", name: unit.name, files: [file], scanned: false }, errors, skipped, reader, { file, text: read.text, parsed });
}

function loadPlan(json: Record<string, any>, name: string, file: string, errors: InputError[], reader: InputReader): LoadedConfiguration | undefined {
  try {
    const plan = convertPlan(json, file);
    const model = TerraformModel.fromResources(reader.transform(plan.resources), name, plan.locals, [], plan.settingsBlocks);
    const unread = plan.unchecked.map((u): UnreadPart => ({ address: u.address ?? name, resourceType: u.address ? u.type ?? "(resource)" : "(configuration)", message: u.message, source: file }));
    return { name, kind: InputKind.PLAN, files: [file], model, expiredSuppressions: [], ...(unread.length > 0 ? { unread } : {}) };
  } catch (err) {
    if (err instanceof PlanFormatError) {
      errors.push({ file, message: err.message });
      return undefined;
    }
    errors.push({ file, message: `could not read the plan (${(err as Error)?.name ?? "error"})` });
    return undefined;
  }
}

/** A root module (its local modules included), or a cdktf stack. */
function loadModule(
  unit: Extract<Unit, { kind: "module" | "stack" }>, errors: InputError[], skipped: SkippedInput[], reader: InputReader,
  already?: { file: string; text: string; parsed: { json: unknown } },
): LoadedConfiguration | undefined {
  const readText = (f: string) => (already && f === already.file ? { text: already.text } : reader.text(f));
  let reused = false;
  const parse = (text: string) => {
    if (reused || !already || text !== already.text) return parseJson(text);
    reused = true;
    return already.parsed;
  };
  const read = readConfiguration(unit.files, listModuleFolder, readText, parse, {
    name: unit.name, wantRegions: reader.wantRegions, isExpired: reader.options.isExpired,
  });
  const shown = (p: FileProblem) => ({ file: p.file === STDIN ? STDIN_NAME : p.file, message: p.message });
  errors.push(...read.errors.map(shown));
  skipped.push(...read.skipped.map(shown));
  for (const [file, regions] of read.regions) reader.regions.set(file === STDIN ? STDIN_NAME : file, regions);
  if (read.files.length === 0) return undefined;
  const files = read.files.map((f) => (f === STDIN ? STDIN_NAME : f));
  const resources = read.resources.map((r) => (r.source === STDIN ? { ...r, source: STDIN_NAME } : r));
  const kind = unit.kind === "stack" ? InputKind.CDKTF_STACK : files.some((f) => f.endsWith(".tf")) ? InputKind.TERRAFORM : InputKind.TERRAFORM_JSON;
  const from = (file: string) => (file === STDIN ? STDIN_NAME : file);
  const unread = [
    ...read.unreadModules.map((m): UnreadPart => ({ address: m.address, resourceType: "module", message: m.message, source: from(m.file) })),
    ...read.unreadResources.map((r): UnreadPart => ({ address: r.address, resourceType: r.type, message: r.message, source: from(r.file) })),
  ];
  return {
    name: unit.name, kind, files,
    model: TerraformModel.fromResources(reader.transform(resources), unit.name, read.locals, read.variables, read.settingsBlocks),
    expiredSuppressions: read.expiredSuppressions,
    ...(unread.length > 0 ? { unread } : {}),
  };
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
  const keys = Object.keys(json);
  const unexpected = keys.filter((k) => !TERRAFORM_BLOCKS.has(k));
  if (unexpected.length > 0 && unexpected.length === keys.length) {
    return `not Terraform JSON: unexpected top-level key ${quoteName(unexpected[0])} (expected resource, data, variable, output, locals, module, provider or terraform blocks)`;
  }
  return undefined;
}

function systemError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  if (code === "ENOTDIR") return "not a folder";
  return code ?? "unknown error";
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
