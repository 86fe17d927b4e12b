/** Command-line arguments of `secure-deployment-zones`. */
import { DEFAULT_MAX_INPUT_BYTES, formatSize, parseSize } from "./read-input";

/** Output format on standard output. */
export type OutputFormat = "table" | "json";

/** Parsed options of `check`. */
export interface CheckOptions {
  readonly paths: string[];
  readonly format: OutputFormat;
  readonly jsonFile?: string;
  readonly sarifFile?: string;
  readonly markdownFile?: string;
  readonly failOnUnverified: boolean;
  readonly quiet: boolean;
  /** Largest input file read, in bytes. */
  readonly maxInputBytes: number;
  /** The folder SARIF URIs are relative to (default: the git repository root, else the working directory). */
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

Options:
  --format table|json      output on stdout (default: table)
  --json FILE              write the JSON report to FILE
  --sarif FILE             write a SARIF 2.1.0 report to FILE (code scanning)
  --sarif-root DIR         make SARIF file URIs relative to DIR (default: the root of the
                           git repository holding the working directory)
  --markdown FILE          write a Markdown report to FILE
  --fail-on-unverified     findings the rules could not verify keep their rule's level
                           (by default an unverifiable error is reported as a warning)
  --quiet                  print only the summary line (and input errors); no progress
  --max-input-size SIZE    largest input file read (default: ${formatSize(DEFAULT_MAX_INPUT_BYTES)}); e.g. 2GiB, 100MB
  --config FILE            read options from FILE (default: secure-deployment-zones.json in
                           the working directory or the nearest folder above it)
  --no-config              do not read a configuration file
  --baseline FILE          findings recorded in FILE are reported as known and do not fail
  --baseline-write FILE    write the current findings to FILE as a baseline (then apply it)
  -h, --help               show this help
  --version                show the version

Exit codes:
  0  no unsuppressed error
  1  at least one unsuppressed error finding
  2  unusable input (a path that cannot be read, is not a regular file, is over the size
     limit, is not JSON, or is not Terraform JSON), or a usage error; findings in the other inputs are still printed and written,
     and 2 takes precedence over 1
`;

const VALUE_OPTIONS = new Set(["--format", "--json", "--sarif", "--markdown", "--max-input-size", "--sarif-root", "--config", "--baseline", "--baseline-write"]);

/** Parses arguments (without `node` and the script). Throws {@link UsageError}. */
export function parseArgs(argv: string[]): Command {
  if (argv.length === 0) throw new UsageError("missing command: expected `check <path>...`");
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  if (argv[0] === "--version" || argv[0] === "version") return { kind: "version" };
  if (argv[0] !== "check") throw new UsageError(`unknown command ${JSON.stringify(argv[0])}: expected \`check <path>...\``);

  const paths: string[] = [];
  const values: Record<string, string> = {};
  let failOnUnverified = false;
  let quiet = false;
  let noConfig = false;
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
      if (arg in values) throw new UsageError(`${arg} given twice`);
      values[arg] = value;
      continue;
    }
    if (inline !== undefined) throw new UsageError(`${arg} takes no value`);
    if (arg === "--fail-on-unverified") failOnUnverified = true;
    else if (arg === "--quiet" || arg === "-q") quiet = true;
    else if (arg === "--no-config") noConfig = true;
    else if (arg === "--version") return { kind: "version" };
    else throw new UsageError(`unknown option ${arg}`);
  }
  const format = values["--format"] ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, not ${JSON.stringify(format)}`);
  if (paths.length === 0) throw new UsageError("missing <path>: name a cdktf.out folder, a folder or a file to check");
  if (noConfig && values["--config"] !== undefined) throw new UsageError("--config and --no-config contradict each other");
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
      format,
      jsonFile: values["--json"],
      sarifFile: values["--sarif"],
      markdownFile: values["--markdown"],
      failOnUnverified,
      quiet,
      maxInputBytes,
      sarifRoot: values["--sarif-root"],
      configFile: values["--config"],
      noConfig,
      baselineFile: values["--baseline"],
      baselineWriteFile: values["--baseline-write"],
    },
  };
}
