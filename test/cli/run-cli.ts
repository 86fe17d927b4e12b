import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Repository root (the CLI runs from source through ts-node, so no build is needed). */
export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(__dirname, "fixtures");
const MAIN = path.join(ROOT, "src", "cli", "main.ts");
const TS_NODE = require.resolve("ts-node/register/transpile-only", { paths: [ROOT] });

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command that runs the command line from source (for shell pipelines in tests). */
export const CLI_COMMAND = [process.execPath, "-r", TS_NODE, MAIN];

/** Runs the real command line as a child process. Paths in `args` are relative to `cwd` (default: fixtures). */
export function runCli(args: string[], options: { cwd?: string; input?: string; stdin?: number; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, ["-r", TS_NODE, MAIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    input: options.input,
    stdio: options.stdin !== undefined ? [options.stdin, "pipe", "pipe"] : undefined,
    encoding: "utf8",
    env: { ...process.env, ...options.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") },
    // A guard against hangs, not a performance bound: a run killed by it fails the test (signal set).
    timeout: 110_000,
  });
  if (r.error) throw r.error;
  if (r.signal) throw new Error(`the command line was killed by ${r.signal} (it hung)`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = "sdz-cli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Table rows of one rule: `[rule, level, address, message]`. */
export function tableRows(stdout: string, ruleId: string): string[][] {
  return stdout
    .split("\n")
    .filter((l) => l.trimStart().startsWith(ruleId + " "))
    .map((l) => {
      const m = /^\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(l);
      return m ? [m[1], m[2], m[3], m[4]] : [];
    });
}

/**
 * Runs the command line in this process (fast; same code path as the binary after argument
 * parsing). Relative paths in `args` are resolved against `cwd` (default: fixtures).
 */
export function runInProcess(args: string[], options: { cwd?: string } = {}): CliRun {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require("../../src/cli/main") as typeof import("../../src/cli/main");
  let stdout = "";
  let stderr = "";
  const cwd = process.cwd();
  process.chdir(options.cwd ?? FIXTURES);
  try {
    const code = main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), errIsTty: false });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

/** Copies a fixture folder into a fresh temporary folder and returns the copy's path. */
export function copyFixture(name: string): string {
  const dir = path.join(tempDir(), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}
