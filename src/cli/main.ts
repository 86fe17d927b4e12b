#!/usr/bin/env node
/**
 * `secure-deployment-zones check <path>...`: the library's rules, run outside a cdktf app, on
 * cdktf output, hand-written *.tf.json and `terraform show -json` plan output.
 *
 * One implementation: the same model, engine, rules and report writers as the synth-time aspect.
 * Reads JSON only (no provider bindings, no cdktf), so it starts fast.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, USAGE, UsageError } from "./args";
import { EXIT, Io } from "./io";

/**
 * The process's streams. A reader that goes away (`check x | head -c1`) closes the pipe: the next
 * write fails with EPIPE, reported asynchronously as an 'error' event that would otherwise end the
 * process with a stack trace and exit code 1. The stream is marked closed instead, nothing more is
 * written to it, and the process ends with the check's own exit code.
 */
function processIo(): Io {
  const closed = { out: false, err: false };
  const onError = (which: "out" | "err") => (err: NodeJS.ErrnoException) => {
    closed[which] = true;
    if (err?.code !== "EPIPE" && err?.code !== "ERR_STREAM_DESTROYED" && which === "out" && !closed.err) {
      process.stderr.write(`secure-deployment-zones: cannot write to standard output (${err?.code ?? "error"})\n`);
    }
  };
  process.stdout.on("error", onError("out"));
  process.stderr.on("error", onError("err"));
  return {
    out: (t) => {
      if (!closed.out) process.stdout.write(t);
    },
    err: (t) => {
      if (!closed.err) process.stderr.write(t);
    },
    errIsTty: !!process.stderr.isTTY,
    outIsTty: !!process.stdout.isTTY,
    env: process.env,
  };
}

/** Runs the command line; returns the exit code. Never throws. */
export function main(argv: string[], io: Io = processIo()): number {
  let command;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`secure-deployment-zones: ${err.message}\nRun \`secure-deployment-zones --help\` for usage.\n`);
      return EXIT.UNUSABLE;
    }
    throw err;
  }
  if (command.kind === "help") {
    io.out(USAGE);
    return EXIT.OK;
  }
  if (command.kind === "version") {
    io.out(`${packageVersion()}\n`);
    return EXIT.OK;
  }
  let options = command.options;
  if (options.rulesFile !== undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { loadCustomRules } = require("./custom-rules") as typeof import("./custom-rules");
      options = { ...options, customRules: loadCustomRules(options.rulesFile) };
    } catch (err) {
      const text = err instanceof UsageError ? err.message : `--rules ${options.rulesFile}: could not be loaded`;
      io.err(`secure-deployment-zones: ${text}\nRun \`secure-deployment-zones --help\` for usage.\n`);
      return EXIT.UNUSABLE;
    }
  }
  try {
    // Loaded only to check: --help, --version and usage errors answer at once.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { check } = require("./check") as typeof import("./check");
    return check(options, io);
  } catch (err) {
    io.err(`secure-deployment-zones: ${internalErrorText(err)}\n`);
    return EXIT.UNUSABLE;
  }
}

/**
 * An internal error without its message: a message may quote the input (a secret value, a huge
 * name), while the stack frames name only code locations, which is what a bug report needs.
 */
export function internalErrorText(err: unknown): string {
  const name = err instanceof Error && /^[A-Za-z]{1,40}$/.test(err.name) ? err.name : "error";
  const stack = err instanceof Error && typeof err.stack === "string" ? err.stack : "";
  const frames = stack.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 20);
  return `internal error (${name}; its message is withheld because it may quote the input)${frames.length > 0 ? `\n${frames.join("\n")}` : ""}`;
}

function packageVersion(): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
