import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { killTestResult } from "./kill-writer";
import { removeFileIfExists, writeFileAtomic, writeFilesAtomic } from "../../src/core/atomic-file";
import { REPORT_FILES, toJsonReport, toMarkdownReport, toSarifReport, TOOL } from "../../src/reports";

const ROOT = path.resolve(__dirname, "..", "..");

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "sdz-atomic-"));
}

/** Every entry of a folder (temporary files are hidden dot files). */
function entries(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe("writeFileAtomic", () => {
  test("creates missing folders and writes the content; no temporary file is left", () => {
    const dir = tempDir();
    const file = path.join(dir, "a", "b", "report.json");
    writeFileAtomic(file, "{\"ok\":true}\n");
    expect(fs.readFileSync(file, "utf8")).toBe("{\"ok\":true}\n");
    expect(entries(path.join(dir, "a", "b"))).toEqual(["report.json"]);
  });

  test("replaces an existing file and keeps its permissions", () => {
    const dir = tempDir();
    const file = path.join(dir, "report.md");
    fs.writeFileSync(file, "old");
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, Buffer.from("new"));
    expect(fs.readFileSync(file, "utf8")).toBe("new");
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(entries(dir)).toEqual(["report.md"]);
  });

  test("a failed rename leaves the target as it was and removes the temporary file", () => {
    const dir = tempDir();
    const target = path.join(dir, "report.sarif");
    fs.mkdirSync(target); // a folder in the way: rename(2) of a file over a folder fails
    fs.writeFileSync(path.join(target, "keep.txt"), "kept");
    expect(() => writeFileAtomic(target, "x")).toThrow();
    expect(fs.readFileSync(path.join(target, "keep.txt"), "utf8")).toBe("kept");
    expect(entries(dir)).toEqual(["report.sarif"]);
  });

  test("several files: when one cannot be prepared, none of the targets changes", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.json"), "old-a");
    fs.writeFileSync(path.join(dir, "blocker"), "a file where a folder is needed");
    expect(() => writeFilesAtomic([
      { file: path.join(dir, "a.json"), content: "new-a" },
      { file: path.join(dir, "blocker", "b.json"), content: "new-b" },
    ])).toThrow();
    expect(fs.readFileSync(path.join(dir, "a.json"), "utf8")).toBe("old-a");
    expect(entries(dir)).toEqual(["a.json", "blocker"]);
  });

  test("removeFileIfExists removes a file once and reports whether it did", () => {
    const dir = tempDir();
    const file = path.join(dir, "cdk.tf.json");
    fs.writeFileSync(file, "{}");
    expect(removeFileIfExists(file)).toBe(true);
    expect(removeFileIfExists(file)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe("reports written by a process killed at random points", () => {
  const expected = [0, 1].map((v) => {
    const result = killTestResult(v as 0 | 1);
    return {
      [REPORT_FILES.json]: JSON.stringify(toJsonReport(result, TOOL), null, 2) + "\n",
      [REPORT_FILES.sarif]: JSON.stringify(toSarifReport([result], TOOL, () => "cdk.tf.json"), null, 2) + "\n",
      [REPORT_FILES.markdown]: toMarkdownReport(result),
    };
  });

  /** Starts the writer; while it writes, `watch` reads the reports; after `delayMs` the writer is SIGKILLed. */
  function runAndKill(dir: string, delayMs: number, watch: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "kill-writer.ts"), dir], {
        cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") }, stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      let watching = false;
      let failure: unknown;
      const poll = () => {
        if (!watching) return;
        try {
          watch();
        } catch (err) {
          failure = failure ?? err;
        }
        setImmediate(poll);
      };
      child.stdout.on("data", (d) => {
        out += d;
        if (!watching && out.includes("ready")) {
          watching = true;
          setImmediate(poll);
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }
      });
      child.on("exit", (code, signal) => {
        watching = false;
        if (failure) reject(failure);
        else if (signal === "SIGKILL") resolve();
        else reject(new Error(`writer ended by itself (code ${code})`));
      });
      child.on("error", reject);
    });
  }

  function expectComplete(dir: string): void {
    for (const name of Object.values(REPORT_FILES)) {
      const text = fs.readFileSync(path.join(dir, name), "utf8");
      if (text !== expected[0][name] && text !== expected[1][name]) {
        throw new Error(`${name} is neither complete version (${text.length} characters)`);
      }
    }
  }

  test("each report is always the previous complete file or the new complete one, while written and after a kill", async () => {
    // Kill points spread over the write cycle; while the writer runs, a reader checks the files continuously.
    for (const delay of [5, 40, 300, 1200]) {
      const dir = tempDir();
      await runAndKill(dir, delay, () => expectComplete(dir));
      expectComplete(dir);
    }
  });
});
