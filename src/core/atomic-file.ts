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

/** Writes `content` to a fresh temporary file beside `file` and flushes it to disk. */
function prepare(file: string, content: string | Uint8Array): Prepared {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  // Keep the target's permissions when it exists (a report a user made read-only for others stays so).
  let mode = 0o666;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    // new file: 0666 minus the umask, like any other file the process creates
  }
  const temp = tempNameFor(path.resolve(file));
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", mode); // "wx": never follow or reuse an existing path
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return { file: path.resolve(file), temp };
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
