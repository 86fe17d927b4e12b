/** The `check` command: read the configuration and the inputs, run the rules, print and write the reports. */
import * as fs from "fs";
import * as path from "path";
import { CheckOptions, OutputFormat } from "./args";
import { paint, useColor } from "./color";
import { toGithubAnnotations } from "./github";
import { discover, discoveredFiles, InputError, loadDiscovered, withUnreadFindings } from "./inputs";
import { EXIT, Io } from "./io";
import { toJunit } from "./junit";
import { CheckedConfiguration, CheckRun, processExitCode, renderTable, summaryLine, toCliJson, toCliMarkdown, toCliSarif, totalCounts } from "./output";
import { findGitRoot } from "./repo-root";
import { InputFolder, OutputTarget, ReadFile, reportPathProblems, stdinIdentity } from "./report-paths";
import { writeFileAtomic } from "../core/atomic-file";
import { runRules } from "../engine/engine";
import { CheckResult } from "../engine/result";
import { Baseline } from "../policy/baseline";
import { CheckConfig, ConfigError, findConfigFile, loadConfigFile } from "../policy/config";
import { CheckPolicy } from "../policy/policy";
import { redactSecrets } from "../policy/redact";
import { ALL_RULES } from "../rules";

const FORMAT_NAMES: Record<OutputFormat, string> = { table: "table", json: "JSON", sarif: "SARIF", markdown: "Markdown", junit: "JUnit", github: "GitHub annotations" };

const ALIAS_ORDER = ["--json", "--sarif", "--markdown"];
function aliasRank(option: string): number {
  const i = ALIAS_ORDER.indexOf(option);
  return i < 0 ? ALIAS_ORDER.length : i;
}

/** More configurations than this print a progress line on stderr. */
export const PROGRESS_THRESHOLD = 10;

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The folder of each input file (first input named per folder): Terraform reads a module's whole folder. */
function inputFoldersOf(files: readonly string[]): InputFolder[] {
  const out = new Map<string, InputFolder>();
  for (const file of files) {
    const folder = path.dirname(path.resolve(file));
    if (!out.has(folder)) out.set(folder, { folder, input: file });
  }
  return [...out.values()];
}

const NO_CONFIG: CheckConfig = { excludeRules: [], ruleLevels: {}, suppressions: [] };

/** The configuration (`--config`, or the file found upward from the working directory) and the baseline. */
function loadPolicy(options: CheckOptions): { config: CheckConfig; configFile?: string; baselineFile?: string; baseline?: Baseline } {
  const configFile = options.configFile ?? (options.noConfig ? undefined : findConfigFile(process.cwd()));
  const config = configFile !== undefined ? loadConfigFile(configFile) : NO_CONFIG;
  const baselineFile = options.baselineFile ?? config.baseline;
  // A baseline about to be written need not exist yet.
  const toBeWritten = options.baselineWriteFile !== undefined && baselineFile !== undefined && !fs.existsSync(baselineFile);
  const baseline = baselineFile !== undefined && !toBeWritten ? Baseline.read(baselineFile) : undefined;
  return { config, configFile, baselineFile, baseline };
}

/** Runs `check`; returns the exit code. */
export function check(options: CheckOptions, io: Io): number {
  const fail = (message: string) => {
    io.err(`secure-deployment-zones: ${message}\n`);
    return EXIT.UNUSABLE;
  };
  if (options.sarifRoot !== undefined && !isFolder(options.sarifRoot)) return fail(`--sarif-root ${options.sarifRoot} is not a folder`);

  let policyFiles: ReturnType<typeof loadPolicy>;
  try {
    policyFiles = loadPolicy(options);
  } catch (err) {
    if (err instanceof ConfigError) return fail(`configuration error: ${err.message}`);
    throw err;
  }
  const { config, configFile, baselineFile } = policyFiles;
  const failOnUnverified = options.failOnUnverified || config.failOnUnverified === true;
  const policy = new CheckPolicy({ ...config, failOnUnverified }, policyFiles.baseline);

  const discovery = discover(options.paths);
  // No report may replace an input, a file of a checked folder or another report: refuse before reading anything.
  const targets: OutputTarget[] = [
    // The file aliases first, in their historical order (--json, --sarif, --markdown), so messages stay as they were.
    ...[...options.files].sort((a, b) => aliasRank(a.option) - aliasRank(b.option)).map((f) => ({ option: f.option, file: f.file! })),
    ...(options.baselineWriteFile ? [{ option: "--baseline-write", file: options.baselineWriteFile }] : []),
  ];
  const formats = new Set([options.format, ...options.files.map((f) => f.format)]);
  const named = options.paths.filter((p) => p !== "-" && !discovery.folders.includes(p));
  const stdinId = options.paths.includes("-") ? stdinIdentity() : undefined;
  const reads: ReadFile[] = [
    ...[...new Set([...named, ...discoveredFiles(discovery)])].map((file) => ({ file })),
    // A file redirected to standard input (`check - < main.tf.json`) is an input too.
    ...(stdinId !== undefined ? [{ file: "(stdin)", identity: stdinId }] : []),
    ...(configFile !== undefined ? [{ file: configFile, option: "--config" }] : []),
    ...(baselineFile !== undefined && fs.existsSync(baselineFile) ? [{ file: baselineFile, option: "--baseline" }] : []),
    // The custom rules module was loaded (run) before the check: it is read as much as an input.
    ...(options.rulesFile !== undefined ? [{ file: options.rulesFile, option: "--rules" }] : []),
  ];
  const pathProblems = reportPathProblems(targets, { files: reads, folders: discovery.folders, inputFolders: inputFoldersOf(named) });
  if (pathProblems.length > 0) {
    for (const p of pathProblems) io.err(`secure-deployment-zones: ${p}\n`);
    return EXIT.UNUSABLE;
  }

  const progress = !options.quiet;
  let shownProgress = false;
  const loaded = loadDiscovered(discovery, {
    maxInputBytes: options.maxInputBytes,
    wantRegions: formats.has("sarif") || formats.has("github"),
    transformResources: (resources) => policy.suppressResources(resources),
    isExpired: (date) => policy.isExpired(date),
    onProgress: (done, total, name) => {
      if (!progress || total <= PROGRESS_THRESHOLD) return;
      if (done === 0) io.err(`checking ${total} configurations...\n`);
      if (io.errIsTty) {
        io.err(`\r\x1b[K[${done + 1}/${total}] ${name}`);
        shownProgress = true;
      }
    },
  });
  const errors: InputError[] = [...loaded.errors];
  // Local modules may live outside the paths named: no report may replace one of their files either.
  const readLate = loaded.configurations.flatMap((c) => c.files).filter((f) => f !== "(stdin)").map((file) => ({ file }));
  const lateProblems = reportPathProblems(targets, { files: readLate, folders: [], inputFolders: inputFoldersOf(readLate.map((f) => f.file)) });
  if (lateProblems.length > 0) {
    for (const p of lateProblems) io.err(`secure-deployment-zones: ${p}\n`);
    return EXIT.UNUSABLE;
  }

  const rules = [...policy.selectRules(ALL_RULES), ...(options.customRules ?? [])];
  // No secret of the configuration reaches any output, and no name or value beyond a bounded length
  // (see redact.ts and bounded-text.ts).
  // Parts of an input that were not read (remote modules, deferred resources) are could-not-verify findings.
  const raw: CheckResult[] = loaded.configurations.map((c) =>
    redactSecrets(withUnreadFindings(runRules(c.model, rules, { failOnUnverified }), c.unread, failOnUnverified), c.model));
  // A configured suppression that matched no resource of any configuration is reported once, with the first configuration.
  const matched = new Set(loaded.configurations.flatMap((c) => c.model.resources.flatMap((r) => r.suppressions.map((s) => `${s.id}\u0000${s.scope ?? r.address}`))));
  const unmatched = policy.declared().filter((d) => !matched.has(`${d.ruleId}\u0000${d.scope}`));
  if (raw.length > 0 && unmatched.length > 0) raw[0] = { ...raw[0], unusedSuppressions: [...raw[0].unusedSuppressions, ...unmatched] };
  if (shownProgress) io.err("\r\x1b[K");

  // --baseline-write: the current open findings become the baseline, which is then applied.
  let applied = policy;
  if (options.baselineWriteFile !== undefined) {
    const levelled = raw.map((r) => new CheckPolicy(policy.config, undefined, policy.today).apply(r));
    const baseline = Baseline.fromResults(levelled);
    try {
      writeFileAtomic(options.baselineWriteFile, JSON.stringify(baseline.toJson(), null, 2) + "\n");
    } catch (err) {
      return fail(`error: ${options.baselineWriteFile}: cannot write the baseline (${(err as NodeJS.ErrnoException)?.code ?? "error"})`);
    }
    applied = new CheckPolicy(policy.config, baseline, policy.today);
  }
  const checked: CheckedConfiguration[] = loaded.configurations.map((configuration, i) => ({
    configuration,
    result: applied.apply(raw[i], configuration.expiredSuppressions),
  }));

  if (checked.length === 0 && errors.length === 0) {
    errors.push({ file: options.paths.join(" "), message: "nothing to check" });
  }
  for (const e of errors) io.err(`secure-deployment-zones: error: ${e.file}: ${e.message}\n`);

  const counts = totalCounts(checked);
  let exitCode: number = errors.length > 0 ? EXIT.UNUSABLE : counts.errors > 0 ? EXIT.FINDINGS : EXIT.OK;

  const writeFile = (file: string, content: string, what: string): void => {
    try {
      writeFileAtomic(file, content);
    } catch (err) {
      io.err(`secure-deployment-zones: error: ${file}: cannot write the ${what} report (${(err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err)})\n`);
      exitCode = EXIT.UNUSABLE;
    }
  };
  // The reports carry the exit code computed from the inputs; a failed write only changes the process's.
  const run: CheckRun = { checked, errors, skipped: loaded.skipped, exitCode, softFail: options.softFail };
  const root = options.sarifRoot !== undefined ? path.resolve(options.sarifRoot) : findGitRoot(process.cwd()) ?? process.cwd();
  const where = { root, regions: loaded.regions };
  const render = (format: OutputFormat, toStdout: boolean): string => {
    switch (format) {
      case "json": return JSON.stringify(toCliJson(run), null, 2) + "\n";
      case "sarif": return JSON.stringify(toCliSarif(run, where), null, 2) + "\n";
      case "markdown": return toCliMarkdown(run);
      case "junit": return toJunit(run);
      case "github": return toGithubAnnotations(run, where, summaryLine(run));
      case "table": {
        // Colour only on standard output, never in a file.
        const p = paint(toStdout && useColor(options.color, io.outIsTty ?? false, io.env ?? process.env));
        const body = !options.quiet && (checked.length > 0 || run.skipped.length > 0) ? renderTable(run, { paint: p, verbose: options.verbose }) : "";
        return body + summaryLine(run, p) + "\n";
      }
    }
  };
  for (const f of options.files) writeFile(f.file!, render(f.format, false), FORMAT_NAMES[f.format]);
  io.out(render(options.format, true));
  const processCode = processExitCode(run);
  return exitCode === EXIT.UNUSABLE ? EXIT.UNUSABLE : processCode;
}
