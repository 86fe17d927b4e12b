/**
 * Atomic writes never replace what is not a regular file: a device, a pipe, or a link to a process
 * stream (`/dev/stdout`, `/proc/self/fd/1`) is refused, and a symbolic link to a regular file is
 * written through (the file it names is replaced, the link is kept).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NotRegularFileError, writeFileAtomic } from "../../src/core/atomic-file";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "sdz-atomic-core-"));
}

const posix = process.platform !== "win32" ? test : test.skip;

describe("writeFileAtomic and targets that are not regular files", () => {
  posix("a FIFO is refused at once (no open, no hang) and stays a FIFO", () => {
    const dir = tempDir();
    const fifo = path.join(dir, "report.json");
    execFileSync("mkfifo", [fifo]);
    expect(() => writeFileAtomic(fifo, "x")).toThrow(NotRegularFileError);
    expect(() => writeFileAtomic(fifo, "x")).toThrow(`${fifo} is a pipe (FIFO), not a regular file`);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["report.json"]);
  });

  posix("a link to /dev/null or to /proc/self/fd/1 is refused and kept", () => {
    const dir = tempDir();
    for (const [name, to] of [["null.json", "/dev/null"], ["so.json", "/proc/self/fd/1"]]) {
      const link = path.join(dir, name);
      fs.symlinkSync(to, link);
      expect(() => writeFileAtomic(link, "x")).toThrow(`${link} is a device or process stream (under /dev or /proc), not a regular file`);
      expect(fs.readlinkSync(link)).toBe(to);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(["null.json", "so.json"]);
  });

  posix("a link to a regular file is written through: the link stays, the file it names gets the content", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "reports"));
    const real = path.join(dir, "reports", "2026-12-01.json");
    fs.writeFileSync(real, "old");
    const link = path.join(dir, "latest.json");
    fs.symlinkSync(path.join("reports", "2026-12-01.json"), link);
    writeFileAtomic(link, "new");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe("new");
    expect(fs.readdirSync(path.join(dir, "reports"))).toEqual(["2026-12-01.json"]);
  });

  test("a folder is refused", () => {
    const dir = tempDir();
    expect(() => writeFileAtomic(dir, "x")).toThrow(`${dir} is a folder, not a regular file`);
  });
});
