/**
 * Atomic file writes: every file the library or the command line writes (reports, diagrams,
 * scripts, snippets) goes through here, so a reader, or a process killed mid-write, never sees a
 * truncated file: the content is written to a temporary file in the same folder, flushed to disk
 * and renamed over the target. rename(2) within one file system replaces the target atomically
 * (POSIX: "If newpath already exists, it will be atomically replaced"), which is why the temporary
 * file lives next to the target rather than in the system's temp folder.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** One file to write. @internal */
export interface FileToWrite {
  /** Target path. */
  readonly file: string;
  /** Content (a string is written as UTF-8). */
  readonly content: string | Uint8Array;
}

/** A temporary file written and flushed, waiting to be renamed into place. */
interface Prepared {
  readonly file: string;
  readonly temp: string;
}

/** The temporary name used while `file` is written: hidden, same folder, unique per write. */
function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone, or never created
  }
}

/** Thrown when a target exists and is not a regular file (a device, pipe, socket or folder). @internal */
export class NotRegularFileError extends Error {
  public readonly code = "ERR_NOT_REGULAR_FILE";
  constructor(public readonly file: string, public readonly kind: string) {
    super(`${file} is ${kind}, not a regular file`);
    this.name = "NotRegularFileError";
  }
}

/**
 * True when `file`, or a symbolic link it goes through, lies under `/dev` or `/proc`: `/dev/stdout`
 * and `/proc/self/fd/1` name the process's stream even when that stream is a redirected regular file.
 */
function throughStreamPath(file: string): boolean {
  let cur = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    if (/^\/(dev|proc)\//.test(cur)) return true;
    try {
      if (!fs.lstatSync(cur).isSymbolicLink()) return false;
      cur = path.resolve(path.dirname(cur), fs.readlinkSync(cur));
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * What a path that is not a regular file is (following links): a device, a pipe, a socket, a folder,
 * or a stream path under `/dev` or `/proc`; undefined for a regular or missing file. @internal
 */
export function nonRegularKind(file: string): string | undefined {
  if (throughStreamPath(file)) return "a device or process stream (under /dev or /proc)";
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * The path to replace for `file`: a symbolic link is written through (the file it names is
 * replaced, the link is kept), so the safety checks made on real paths hold for what is written.
 */
function targetOf(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs; // a new file, or a dangling link (replaced, as before)
  }
}

/** Writes `content` to a fresh temporary file beside `file` and flushes it to disk. */
function prepare(file: string, content: string | Uint8Array): Prepared {
  // Renaming over a device, a pipe or a link to one (`/dev/stdout`) would replace it with a regular
  // file (or fail half-way): refused, nothing written.
  const kind = nonRegularKind(file);
  if (kind !== undefined) throw new NotRegularFileError(file, kind);
  const target = targetOf(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  // Keep the target's permissions when it exists (a report a user made read-only for others stays so).
  let mode = 0o666;
  try {
    mode = fs.statSync(target).mode & 0o777;
  } catch {
    // new file: 0666 minus the umask, like any other file the process creates
  }
  const temp = tempNameFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", mode); // "wx": never follow or reuse an existing path
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return { file: target, temp };
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the original error is the one to report
      }
    }
    removeQuietly(temp);
    throw err;
  }
}

/** Flushes a folder's entry list, so a rename survives a power loss. Best effort: not every platform allows it. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // e.g. Windows cannot open folders; the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes a file atomically: a temporary file in the same folder is written, flushed (fsync) and
 * renamed over `file`. Readers see either the previous complete file or the new complete one;
 * on failure the temporary file is removed and the previous file is untouched. Creates missing
 * parent folders. @internal
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  writeFilesAtomic([{ file, content }]);
}

/**
 * Writes several files atomically, each as {@link writeFileAtomic} does. Every file is first
 * written and flushed to its temporary name; only then are they renamed into place one after the
 * other, so a failure while writing (disk full, permission) changes none of the targets, and the
 * window in which a kill leaves some targets old and some new is a few renames long. @internal
 */
export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const prepared: Prepared[] = [];
  try {
    for (const f of files) prepared.push(prepare(f.file, f.content));
  } catch (err) {
    for (const p of prepared) removeQuietly(p.temp);
    throw err;
  }
  const folders = new Set<string>();
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i];
    try {
      fs.renameSync(p.temp, p.file);
    } catch (err) {
      for (const rest of prepared.slice(i)) removeQuietly(rest.temp);
      throw err;
    }
    folders.add(path.dirname(p.file));
  }
  for (const dir of folders) syncFolder(dir);
}

/**
 * Removes a file if it exists (used to take away an artefact that must not outlive a failed run).
 * @internal
 */
export function removeFileIfExists(file: string): boolean {
  try {
    fs.unlinkSync(file);
    syncFolder(path.dirname(path.resolve(file)));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ENOENT") return false;
    throw err;
  }
}
