/**
 * Report paths are checked before anything is read or written: a report must never replace an
 * input, a file of a checked folder (other than a report this tool wrote), or another report.
 */
import * as fs from "fs";
import * as path from "path";
import { nonRegularKind } from "../core/atomic-file";

/** A file the command will write, and the option that asked for it (e.g. `--sarif`). */
export interface OutputTarget {
  readonly option: string;
  readonly file: string;
}

/** A file the command reads, and the option that named it (none for the paths to check). */
export interface ReadFile {
  readonly file: string;
  readonly option?: string;
  /**
   * The file's identity (`dev:ino`) when it is known without a path: the regular file behind
   * standard input (`check - < main.tf.json`), whose `file` is then `(stdin)`.
   */
  readonly identity?: string;
}

/** A folder holding an input file named on the command line (or a local module's), and that input. */
export interface InputFolder {
  readonly folder: string;
  readonly input: string;
}

/** What the command reads: files (inputs, config, baseline, rules) and the folders it scans. */
export interface ReadPaths {
  readonly files: readonly ReadFile[];
  readonly folders: readonly string[];
  /**
   * Folders of input files (named ones, and local modules'): Terraform reads every `*.tf` and
   * `*.tf.json` of a module's folder, so those are inputs even when the command line named one file,
   * and the folder's other files are the user's: a report may replace only a report this tool wrote.
   */
  readonly inputFolders?: readonly InputFolder[];
}

/** The identity (`dev:ino`) of the regular file behind standard input, if it is one. */
export function stdinIdentity(): string | undefined {
  try {
    const st = fs.fstatSync(0);
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** Options whose targets may name the same file (refreshing a baseline in place). */
const MAY_SHARE: ReadonlyArray<[string, string]> = [["--baseline", "--baseline-write"]];

/** The identity of an existing file (device and inode), or undefined. */
function identity(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The real path of `file`, resolving symbolic links of the file itself or of its nearest existing folder. */
function realPath(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(realPath(parent), path.basename(abs));
  }
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** Names a scan would read as Terraform input: a report must not take such a name inside a checked folder. */
function looksLikeInput(file: string): boolean {
  return /\.tf(\.json)?$/i.test(path.basename(file));
}

/** The first lines of the files this tool writes: an existing file that starts so may be replaced. */
const OWN_REPORT_SIGNATURES: RegExp[] = [
  /^\{\s*"cliReportVersion"\s*:/,
  /^\{\s*"reportVersion"\s*:\s*\d+\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"secure-deployment-zones"/,
  /^\{\s*"baselineVersion"\s*:/,
  /^\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"[\s\S]{0,300}?"driver"\s*:\s*\{\s*"name"\s*:\s*"secure-deployment-zones"/,
  /^# (secure-deployment-zones check|Compliance report: )/,
  /^<\?xml[^>]*\?>\s*<testsuites name="secure-deployment-zones"/,
  /^(::(error|warning|notice)[ :]|(PASSED|FAILED|INCOMPLETE): )/,
];

/** True when `file` holds a report this tool wrote (judged from its first bytes). */
export function isOwnReport(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return false;
    const buf = Buffer.alloc(2048);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString("utf8");
    return OWN_REPORT_SIGNATURES.some((re) => re.test(head));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Why the output targets cannot be written, one message per problem (empty when all is well).
 * Each message names both paths: the report and the input, folder or other report it collides with.
 */
export function reportPathProblems(targets: readonly OutputTarget[], reads: ReadPaths): string[] {
  const problems: string[] = [];
  const inputs = reads.files.map((f) => ({ ...f, real: f.identity !== undefined ? undefined : realPath(f.file), id: f.identity ?? identity(f.file) }));
  const shares = (a: string | undefined, b: string) => MAY_SHARE.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const folders = reads.folders.map((folder) => ({ folder, real: realPath(folder) }));
  const inputFolders = (reads.inputFolders ?? []).map((f) => ({ ...f, real: realPath(f.folder) }));
  const seen: { target: OutputTarget; real: string; id?: string }[] = [];
  for (const target of targets) {
    // Reports are written atomically (a temporary file renamed into place), which would replace a
    // device, a pipe or a link to one (`/dev/stdout`) with a regular file: refused.
    const kind = nonRegularKind(target.file);
    if (kind !== undefined) {
      problems.push(`${target.option} ${target.file} is ${kind}, not a regular file: reports are written to files (print to standard output with --format instead)`);
      continue;
    }
    const real = realPath(target.file);
    const id = identity(target.file);
    const input = inputs.find((i) => (i.real === real || (id !== undefined && i.id === id)) && !shares(i.option, target.option));
    if (input) {
      const what = input.option ? `the file read by ${input.option}` : input.identity !== undefined ? "the file read from standard input" : "the input";
      const named = input.identity !== undefined ? "" : ` ${input.file}`;
      problems.push(`${target.option} ${target.file} would overwrite ${what}${named}: choose another report path`);
      continue;
    }
    const other = seen.find((s) => s.real === real || (id !== undefined && s.id === id));
    if (other) {
      if (!shares(other.target.option, target.option)) {
        problems.push(`${other.target.option} ${other.target.file} and ${target.option} ${target.file} name the same file: give each report its own path`);
      }
      continue;
    }
    seen.push({ target, real, id });
    const folder = folders.find((f) => isInside(real, f.real));
    if (folder) {
      if (looksLikeInput(real)) {
        problems.push(`${target.option} ${target.file} is inside the checked folder ${folder.folder} and would be read as Terraform input next time: choose another report path`);
      } else if (id !== undefined && !isOwnReport(target.file)) {
        problems.push(`${target.option} ${target.file} is a file of the checked folder ${folder.folder} and not a report this tool wrote: choose another report path`);
      }
      continue;
    }
    const module = inputFolders.find((f) => path.dirname(real) === f.real);
    if (module) {
      if (looksLikeInput(real)) {
        problems.push(`${target.option} ${target.file} is a Terraform file of the folder of the input ${module.input}, which Terraform reads as one module: choose another report path`);
      } else if (id !== undefined && !isOwnReport(target.file)) {
        problems.push(`${target.option} ${target.file} is a file of the folder of the input ${module.input} and not a report this tool wrote: choose another report path`);
      }
    }
  }
  return problems;
}
