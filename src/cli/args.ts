/** Command-line arguments of `secure-deployment-zones`. */
import { DEFAULT_MAX_INPUT_BYTES, formatSize, parseSize } from "./read-input";
import type { Rule } from "../engine/rule";

/** Output formats. */
export const OUTPUT_FORMATS = ["table", "json", "sarif", "markdown", "junit", "github"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where one format goes: standard output, or a file (`--format sarif=out.sarif`, `--sarif out.sarif`). */
export interface OutputRequest {
  readonly format: OutputFormat;
  /** The file to write, or undefined for standard output. */
  readonly file?: string;
  /** The option that asked for it (`--format`, `--json`...), for messages. */
  readonly option: string;
}

/** When the table is coloured. */
export type ColorMode = "auto" | "always" | "never";

/** Parsed options of `check`. */
export interface CheckOptions {
  readonly paths: string[];
  /** The format on standard output (default: table). */
  readonly format: OutputFormat;
  /** Every format written to a file. */
  readonly files: OutputRequest[];
  readonly failOnUnverified: boolean;
  readonly quiet: boolean;
  /** `--rules FILE`: a CommonJS module of custom rules. */
  readonly rulesFile?: string;
  /** The custom rules loaded from `rulesFile` (by main, before the check). */
  readonly customRules?: readonly Rule[];
  /** Exit 0 when findings fail the check (still 2 for unusable input). */
  readonly softFail: boolean;
  /** List the rules that passed on each resource. */
  readonly verbose: boolean;
  readonly color: ColorMode;
  /** Largest input file read, in bytes. */
  readonly maxInputBytes: number;
  /** The folder SARIF URIs and annotation paths are relative to (default: the git repository root, else the working directory). */
  readonly sarifRoot?: string;
  /** Configuration file (default: secure-deployment-zones.json found upward from the working directory). */
  readonly configFile?: string;
  /** Do not look for a configuration file. */
  readonly noConfig: boolean;
  /** Baseline to apply (replaces the configuration's). */
  readonly baselineFile?: string;
  /** Write a baseline of the current findings to this file. */
  readonly baselineWriteFile?: string;
}

/** What the command line asks for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "check"; readonly options: CheckOptions };

/** A usage error (exit code 2). */
export class UsageError extends Error {}

export const USAGE = `Usage: secure-deployment-zones check <path>... [options]

Checks Terraform (cdktf output, HCL, JSON, plans) against the secure-deployment-zones rules
(the same rules as the synth-time aspect) and prints the findings.

<path> is any mix of:
  cdktf.out                a cdktf output folder: every stacks/<stack>/cdk.tf.json
  some/folder              scanned recursively: each root module (*.tf, *.tf.json, with its
                           local modules and override files) and any terraform show -json
                           plan output (*.json); .terraform/, node_modules/, .git/ skipped
  main.tf, main.tf.json    Terraform files; several files of one folder are checked together
  plan.json                terraform show -json <planfile> output
  -                        standard input (Terraform JSON or plan JSON)

Output:
  --format FORMAT[=FILE]   table, json, sarif, markdown, junit or github (workflow
                           annotations); without =FILE on standard output (default: table).
                           Repeat it to write several: --format github --format sarif=r.sarif
  --json FILE              the same as --format json=FILE
  --sarif FILE             the same as --format sarif=FILE (SARIF 2.1.0, for code scanning)
  --markdown FILE          the same as --format markdown=FILE
  --sarif-root DIR         make SARIF URIs and annotation paths relative to DIR (default: the
                           root of the git repository holding the working directory)
  --verbose                also list, per resource, the rules that ran and found nothing
  --quiet                  print only the summary line (and input errors); no progress
  --color, --no-color      colour the table (default: on a terminal, unless NO_COLOR is set;
                           FORCE_COLOR forces it)

Checks:
  --fail-on-unverified     findings the rules could not verify keep their rule's level
                           (by default an unverifiable error is reported as a warning)
  --rules FILE             also run the custom rules a CommonJS module exports
                           (see docs/custom-rules.md)
  --soft-fail              exit 0 even when findings fail the check (2 still means unusable input)
  --config FILE            read options from FILE (default: secure-deployment-zones.json in
                           the working directory or the nearest folder above it)
  --no-config              do not read a configuration file
  --baseline FILE          findings recorded in FILE are reported as known and do not fail
  --baseline-write FILE    write the current findings to FILE as a baseline (then apply it)
  --max-input-size SIZE    largest input file read (default: ${formatSize(DEFAULT_MAX_INPUT_BYTES)}); e.g. 2GiB, 100MB

  -h, --help               show this help
  --version                show the version

Exit codes:
  0  no unsuppressed error (or --soft-fail)
  1  at least one unsuppressed error finding (known findings of a baseline excluded)
  2  unusable input (a path that cannot be read, is not a regular file, is over the size
     limit, or is not Terraform), an invalid configuration, or a usage error; findings in
     the other inputs are still printed and written, and 2 takes precedence over 1
`;

const VALUE_OPTIONS = new Set(["--format", "--json", "--sarif", "--markdown", "--max-input-size", "--sarif-root", "--config", "--baseline", "--baseline-write", "--rules"]);
/** Options that may be given more than once. */
const REPEATABLE = new Set(["--format"]);
const FILE_ALIASES: Record<string, OutputFormat> = { "--json": "json", "--sarif": "sarif", "--markdown": "markdown" };

function isFormat(text: string): text is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(text);
}

/** Parses arguments (without `node` and the script). Throws {@link UsageError}. */
export function parseArgs(argv: string[]): Command {
  if (argv.length === 0) throw new UsageError("missing command: expected `check <path>...`");
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  if (argv[0] === "--version" || argv[0] === "version") return { kind: "version" };
  if (argv[0] !== "check") throw new UsageError(`unknown command ${JSON.stringify(argv[0])}: expected \`check <path>...\``);

  const paths: string[] = [];
  const values: Record<string, string> = {};
  const formats: { option: string; value: string }[] = [];
  const flags = new Set<string>();
  let onlyPaths = false;
  for (let i = 1; i < argv.length; i++) {
    let arg = argv[i];
    if (onlyPaths || arg === "-" || !arg.startsWith("-")) {
      paths.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPaths = true;
      continue;
    }
    let inline: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (VALUE_OPTIONS.has(arg)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
        throw new UsageError(`${arg} needs a value`);
      }
      if (arg === "--format" || arg in FILE_ALIASES) {
        formats.push({ option: arg, value: arg === "--format" ? value : `${FILE_ALIASES[arg]}=${value}` });
        if (arg in FILE_ALIASES && formats.filter((f) => f.option === arg).length > 1) throw new UsageError(`${arg} given twice`);
        continue;
      }
      if (arg in values && !REPEATABLE.has(arg)) throw new UsageError(`${arg} given twice`);
      values[arg] = value;
      continue;
    }
    if (inline !== undefined) throw new UsageError(`${arg} takes no value`);
    if (arg === "-q") arg = "--quiet";
    if (arg === "--version") return { kind: "version" };
    if (!["--fail-on-unverified", "--quiet", "--no-config", "--soft-fail", "--verbose", "--color", "--no-color"].includes(arg)) throw new UsageError(`unknown option ${arg}`);
    flags.add(arg);
  }

  let format: OutputFormat | undefined;
  const files: OutputRequest[] = [];
  for (const { option, value } of formats) {
    const eq = value.indexOf("=");
    const name = eq >= 0 ? value.slice(0, eq) : value;
    const file = eq >= 0 ? value.slice(eq + 1) : undefined;
    if (!isFormat(name)) {
      throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(", ")} (optionally =FILE), not ${JSON.stringify(value)}`);
    }
    if (file === undefined) {
      if (format !== undefined) throw new UsageError(`only one format can go to standard output (--format ${format} and --format ${name}); write the others to files: --format ${name}=FILE`);
      format = name;
    } else {
      if (file === "") throw new UsageError(`${option} ${name}= needs a file name`);
      files.push({ format: name, file, option: option === "--format" ? `--format ${name}` : option });
    }
  }
  if (paths.length === 0) throw new UsageError("missing <path>: name a cdktf.out folder, a folder or a file to check");
  if (flags.has("--no-config") && values["--config"] !== undefined) throw new UsageError("--config and --no-config contradict each other");
  if (flags.has("--color") && flags.has("--no-color")) throw new UsageError("--color and --no-color contradict each other");
  let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
  if (values["--max-input-size"] !== undefined) {
    const size = parseSize(values["--max-input-size"]);
    if (size === undefined) throw new UsageError(`--max-input-size must be a size such as 512MiB, 2GiB or 100000000, not ${JSON.stringify(values["--max-input-size"])}`);
    maxInputBytes = size;
  }
  return {
    kind: "check",
    options: {
      paths,
      format: format ?? "table",
      files,
      failOnUnverified: flags.has("--fail-on-unverified"),
      quiet: flags.has("--quiet"),
      softFail: flags.has("--soft-fail"),
      verbose: flags.has("--verbose"),
      color: flags.has("--color") ? "always" : flags.has("--no-color") ? "never" : "auto",
      maxInputBytes,
      sarifRoot: values["--sarif-root"],
      configFile: values["--config"],
      noConfig: flags.has("--no-config"),
      baselineFile: values["--baseline"],
      baselineWriteFile: values["--baseline-write"],
      rulesFile: values["--rules"],
    },
  };
}
