/**
 * Bounded, non-blocking reads of the command line's input: regular files and standard input only,
 * at most a given number of bytes each.
 *
 * A path is opened with O_NONBLOCK and checked with fstat(2) before anything is read, so a named
 * pipe without a writer, a device such as /dev/zero or a socket is refused at once instead of
 * blocking or growing memory without bound (open(2): "O_NONBLOCK ... When possible, the file is
 * opened in nonblocking mode"; a FIFO opened for reading with O_NONBLOCK returns immediately even
 * without a writer). Opening a socket file fails with ENXIO.
 */
import { constants as bufferConstants } from "buffer";
import * as fs from "fs";
import * as tty from "tty";

/** Default cap on the size of one input: far above any real plan or configuration. */
export const DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** A file that cannot be read as input; the message is one line and never quotes the content. */
export class InputReadError extends Error {}

const UNITS: Record<string, number> = {
  "": 1, "b": 1,
  "k": 1024, "kib": 1024, "kb": 1000,
  "m": 1024 ** 2, "mib": 1024 ** 2, "mb": 1000 ** 2,
  "g": 1024 ** 3, "gib": 1024 ** 3, "gb": 1000 ** 3,
};

/** Parses a size such as `512MiB`, `100MB`, `64k` or `1048576` (K, M, G and KiB, MiB, GiB are powers of 1024; KB, MB, GB of 1000). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** `536870912` -> `512 MiB`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function tooLarge(maxBytes: number): InputReadError {
  return new InputReadError(`cannot read: larger than the input limit of ${formatSize(maxBytes)} (raise it with --max-input-size)`);
}

/** Why a file of this kind is not read. */
function refuse(st: fs.Stats): InputReadError | undefined {
  const only = "only regular files and standard input are read";
  if (st.isDirectory()) return new InputReadError("cannot read: is a folder");
  if (st.isFIFO()) return new InputReadError(`cannot read: a named pipe (FIFO); ${only}`);
  if (st.isCharacterDevice() || st.isBlockDevice()) return new InputReadError(`cannot read: a device; ${only}`);
  if (st.isSocket()) return new InputReadError(`cannot read: a socket; ${only}`);
  if (!st.isFile()) return new InputReadError(`cannot read: not a regular file; ${only}`);
  return undefined;
}

function openError(err: unknown): InputReadError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return new InputReadError("cannot read: no such file or folder");
  if (code === "EACCES" || code === "EPERM") return new InputReadError("cannot read: permission denied");
  if (code === "ENXIO") return new InputReadError("cannot read: a socket; only regular files and standard input are read");
  if (code === "EISDIR") return new InputReadError("cannot read: is a folder");
  if (code === "ELOOP") return new InputReadError("cannot read: too many levels of symbolic links");
  return new InputReadError(`cannot read: ${code ?? "unknown error"}`);
}

/** Sleeps without spinning the CPU (for a non-blocking standard input that has no data yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads from `fd` until end of file, failing once more than `maxBytes` arrive. */
function readAll(fd: number, maxBytes: number, sizeHint: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(Math.max(sizeHint + 1, 64 * 1024), maxBytes + 1));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length > maxBytes) throw tooLarge(maxBytes);
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    let n: number;
    try {
      n = fs.readSync(fd, buf, length, buf.length - length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === "EAGAIN") {
        pause(5);
        continue;
      }
      if (code === "EOF") break; // Windows pipes
      throw openError(err);
    }
    if (n === 0) break;
    length += n;
    if (length > maxBytes) throw tooLarge(maxBytes);
  }
  return buf.subarray(0, length);
}

function decode(bytes: Buffer): string {
  if (bytes.length > bufferConstants.MAX_STRING_LENGTH) {
    throw new InputReadError(`cannot read: larger than the longest text Node.js can hold (${formatSize(bufferConstants.MAX_STRING_LENGTH)})`);
  }
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a regular file as UTF-8 text (a byte order mark is dropped). Throws {@link InputReadError}
 * for anything else (folder, FIFO, device, socket), for a missing or unreadable file and for a file
 * over `maxBytes`, without blocking and without reading more than `maxBytes + 1` bytes.
 */
export function readInputFile(file: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw openError(err);
  }
  try {
    const st = fs.fstatSync(fd);
    const refused = refuse(st);
    if (refused) throw refused;
    if (st.size > maxBytes) throw tooLarge(maxBytes);
    return decode(readAll(fd, maxBytes, st.size));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads standard input as UTF-8 text, at most `maxBytes`. A pipe, socket or redirected file is
 * read; a terminal or a device (`< /dev/zero`) is refused at once.
 */
export function readStdin(maxBytes: number, isTty = (): boolean => tty.isatty(0)): string {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(0);
  } catch (err) {
    throw openError(err);
  }
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    if (isTty()) throw new InputReadError("standard input is a terminal: pipe Terraform JSON or a plan into it, or name a file");
    throw new InputReadError("standard input is a device: only regular files, pipes and sockets are read");
  }
  if (st.isDirectory()) throw new InputReadError("standard input is a folder");
  if (st.isFile() && st.size > maxBytes) throw tooLarge(maxBytes);
  return decode(readAll(0, maxBytes, st.isFile() ? st.size : 0));
}
