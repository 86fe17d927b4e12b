/** The `check` command: read the inputs, run the rules, print and write the reports. */
import * as fs from "fs";
import * as path from "path";
import { CheckOptions } from "./args";
import { discover, discoveredFiles, InputError, loadDiscovered } from "./inputs";
import { EXIT, Io } from "./io";
import { CheckedConfiguration, CheckRun, renderTable, summaryLine, toCliJson, toCliMarkdown, toCliSarif, totalCounts } from "./output";
import { findGitRoot } from "./repo-root";
import { OutputTarget, reportPathProblems } from "./report-paths";
import { redactSecrets } from "../checks/redact";
import { writeFileAtomic } from "../core/atomic-file";
import { runRules } from "../engine/engine";
import { ALL_RULES } from "../rules";

/** More configurations than this print a progress line on stderr. */
export const PROGRESS_THRESHOLD = 10;

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Runs `check`; returns the exit code. */
export function check(options: CheckOptions, io: Io): number {
  if (options.sarifRoot !== undefined && !isFolder(options.sarifRoot)) {
    io.err(`secure-deployment-zones: --sarif-root ${options.sarifRoot} is not a folder\n`);
    return EXIT.UNUSABLE;
  }
  const discovery = discover(options.paths);
  // No report may replace an input, a file of a checked folder or another report: refuse before reading anything.
  const targets: OutputTarget[] = [
    ...(options.jsonFile ? [{ option: "--json", file: options.jsonFile }] : []),
    ...(options.sarifFile ? [{ option: "--sarif", file: options.sarifFile }] : []),
    ...(options.markdownFile ? [{ option: "--markdown", file: options.markdownFile }] : []),
  ];
  const named = options.paths.filter((p) => p !== "-" && !discovery.folders.includes(p));
  const reads = [...new Set([...named, ...discoveredFiles(discovery)])].map((file) => ({ file }));
  const pathProblems = reportPathProblems(targets, { files: reads, folders: discovery.folders });
  if (pathProblems.length > 0) {
    for (const p of pathProblems) io.err(`secure-deployment-zones: ${p}\n`);
    return EXIT.UNUSABLE;
  }

  const progress = !options.quiet;
  let shownProgress = false;
  const loaded = loadDiscovered(discovery, {
    maxInputBytes: options.maxInputBytes,
    wantRegions: options.sarifFile !== undefined,
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
  const lateProblems = reportPathProblems(targets, { files: readLate, folders: [] });
  if (lateProblems.length > 0) {
    for (const p of lateProblems) io.err(`secure-deployment-zones: ${p}\n`);
    return EXIT.UNUSABLE;
  }

  const checked: CheckedConfiguration[] = loaded.configurations.map((configuration) => ({
    configuration,
    // No secret of the configuration reaches any output (see redact.ts).
    result: redactSecrets(runRules(configuration.model, ALL_RULES, { failOnUnverified: options.failOnUnverified }), configuration.model),
  }));
  if (shownProgress) io.err("\r\x1b[K");

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
      io.err(`secure-deployment-zones: error: ${file}: cannot write the ${what} report (${(err as Error)?.message ?? String(err)})\n`);
      exitCode = EXIT.UNUSABLE;
    }
  };
  // The reports carry the exit code computed from the inputs; a failed write only changes the process's.
  const run: CheckRun = { checked, errors, skipped: loaded.skipped, exitCode };
  if (options.jsonFile) writeFile(options.jsonFile, JSON.stringify(toCliJson(run), null, 2) + "\n", "JSON");
  if (options.sarifFile) {
    const root = options.sarifRoot !== undefined ? path.resolve(options.sarifRoot) : findGitRoot(process.cwd()) ?? process.cwd();
    writeFile(options.sarifFile, JSON.stringify(toCliSarif(run, { root, regions: loaded.regions }), null, 2) + "\n", "SARIF");
  }
  if (options.markdownFile) writeFile(options.markdownFile, toCliMarkdown(run), "Markdown");

  if (options.format === "json") {
    io.out(JSON.stringify(toCliJson(run), null, 2) + "\n");
  } else {
    if (!options.quiet && (checked.length > 0 || run.skipped.length > 0)) io.out(renderTable(run));
    io.out(summaryLine(run) + "\n");
  }
  return exitCode;
}

