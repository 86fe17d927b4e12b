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

/** Runs the real command line as a child process. Paths in `args` are relative to `cwd` (default: fixtures). */
export function runCli(args: string[], options: { cwd?: string; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, ["-r", TS_NODE, MAIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") },
    timeout: 110_000,
  });
  if (r.error) throw r.error;
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
