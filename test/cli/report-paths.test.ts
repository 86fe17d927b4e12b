import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { copyFixture, runCli, runInProcess, tempDir } from "./run-cli";

/** Every file under `dir` with its content, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      out[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
    }
  }
  return out;
}

describe("a report path never replaces an input, a checked folder's file or another report", () => {
  test.each(["--sarif", "--json", "--markdown"])("check main.tf.json %s main.tf.json: exit 2 naming both, input intact", (option) => {
    const dir = copyFixture("tfjson-single");
    const input = path.join(dir, "lab.tf.json");
    const before = fs.readFileSync(input, "utf8");
    const r = runInProcess(["check", input, option, input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: ${option} ${input} would overwrite the input ${input}: choose another report path\n`);
    expect(r.stdout).toBe("");
    expect(fs.readFileSync(input, "utf8")).toBe(before);
  });

  test("another spelling, a symbolic link and a hard link to the input are caught too", () => {
    const dir = copyFixture("tfjson-single");
    const input = path.join(dir, "lab.tf.json");
    const before = snapshot(dir);
    const other = path.join(tempDir(), "elsewhere");
    fs.mkdirSync(other);
    fs.symlinkSync(input, path.join(other, "link.json"));
    fs.linkSync(input, path.join(other, "hard.json"));
    for (const target of [path.join(dir, "..", path.basename(dir), ".", "lab.tf.json"), path.join(other, "link.json"), path.join(other, "hard.json")]) {
      const r = runInProcess(["check", input, "--json", target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--json ${target} would overwrite the input ${input}`);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test("a file of a checked folder: an input, a file that is not a report, a name read as input", () => {
    const dir = copyFixture("tfjson-split");
    fs.writeFileSync(path.join(dir, "README.md"), "# infra\n");
    const before = snapshot(dir);
    const cases: [string, string][] = [
      [path.join(dir, "rules.tf.json"), `--sarif ${path.join(dir, "rules.tf.json")} would overwrite the input ${path.join(dir, "rules.tf.json")}`],
      [path.join(dir, "README.md"), `--sarif ${path.join(dir, "README.md")} is a file of the checked folder ${dir} and not a report this tool wrote`],
      [path.join(dir, "findings.tf.json"), `--sarif ${path.join(dir, "findings.tf.json")} is inside the checked folder ${dir} and would be read as Terraform input next time`],
    ];
    for (const [target, message] of cases) {
      const r = runInProcess(["check", dir, "--sarif", target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test("a new report inside a checked folder is written, and can be replaced by the next run", () => {
    const dir = copyFixture("tfjson-split");
    const report = path.join(dir, "reports", "check.sarif");
    for (let run = 0; run < 2; run++) {
      const r = runInProcess(["check", dir, "--sarif", report]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(1);
      expect(JSON.parse(fs.readFileSync(report, "utf8")).version).toBe("2.1.0");
    }
  });

  test("two reports on one path: exit 2 naming both options, nothing written", () => {
    const out = path.join(tempDir(), "r.json");
    const r = runInProcess(["check", "clean", "--sarif", out, "--json", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: --json ${out} and --sarif ${out} name the same file: give each report its own path\n`);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("cdktf output: cdk.tf.json is refused, the synth-time report may be replaced", () => {
    const dir = copyFixture("cdktf-output");
    const stackJson = path.join(dir, "stacks", "dev", "cdk.tf.json");
    const before = fs.readFileSync(stackJson, "utf8");
    const refused = runInProcess(["check", dir, "--json", stackJson]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--json ${stackJson} would overwrite the input ${stackJson}`);
    expect(fs.readFileSync(stackJson, "utf8")).toBe(before);

    const md = path.join(dir, "stacks", "dev", "compliance-report.md");
    fs.writeFileSync(md, "# Compliance report: dev\n\nold\n");
    const allowed = runInProcess(["check", dir, "--markdown", md]);
    expect(allowed.code).toBe(1);
    expect(fs.readFileSync(md, "utf8")).toMatch(/^# secure-deployment-zones check/);
  });

  test("the installed command refuses too (child process)", () => {
    const dir = copyFixture("tfjson-single");
    const input = path.join(dir, "lab.tf.json");
    const before = fs.readFileSync(input, "utf8");
    const r = runCli(["check", input, "--markdown", input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--markdown ${input} would overwrite the input ${input}`);
    expect(fs.readFileSync(input, "utf8")).toBe(before);
  });

  test("the folder of a named input: its other Terraform files and files that are not reports are refused", () => {
    const dir = copyFixture("tfjson-split");
    fs.writeFileSync(path.join(dir, "NOTES.md"), "# notes\n");
    const input = path.join(dir, "network.tf.json");
    const before = snapshot(dir);
    const cases: [string, string][] = [
      [path.join(dir, "variables.tf.json"), `--json ${path.join(dir, "variables.tf.json")} is a Terraform file of the folder of the input ${input}, which Terraform reads as one module`],
      [path.join(dir, "later.tf"), `--json ${path.join(dir, "later.tf")} is a Terraform file of the folder of the input ${input}, which Terraform reads as one module`],
      [path.join(dir, "NOTES.md"), `--json ${path.join(dir, "NOTES.md")} is a file of the folder of the input ${input} and not a report this tool wrote`],
    ];
    for (const [target, message] of cases) {
      const r = runInProcess(["check", input, "--json", target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`secure-deployment-zones: ${message}: choose another report path\n`);
      expect(r.stdout).toBe("");
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test("the folder of a named input: a new report is written, and the next run replaces it", () => {
    const dir = copyFixture("tfjson-split");
    const input = path.join(dir, "network.tf.json");
    const report = path.join(dir, "report.json");
    for (let run = 0; run < 2; run++) {
      const r = runInProcess(["check", input, "--json", report]);
      expect(r.stderr).toBe("");
      expect(JSON.parse(fs.readFileSync(report, "utf8")).cliReportVersion).toBeDefined();
    }
  });

  test("the regular file behind standard input is an input", () => {
    const dir = copyFixture("tfjson-single");
    const input = path.join(dir, "lab.tf.json");
    const before = snapshot(dir);
    const fd = fs.openSync(input, "r");
    try {
      const r = runCli(["check", "-", "--json", input], { stdin: fd });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`secure-deployment-zones: --json ${input} would overwrite the file read from standard input: choose another report path\n`);
    } finally {
      fs.closeSync(fd);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test("the --rules module is refused as a report path", () => {
    const dir = copyFixture("tfjson-single");
    const rules = path.join(dir, "..", "rules.js");
    fs.writeFileSync(rules, "module.exports = [{ id: \"ACME-T-001\", level: \"warning\", title: \"t\", rationale: \"r\", fix: \"f\", check() {} }];\n");
    const before = fs.readFileSync(rules, "utf8");
    const r = runInProcess(["check", path.join(dir, "lab.tf.json"), "--rules", rules, "--json", rules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: --json ${rules} would overwrite the file read by --rules ${rules}: choose another report path\n`);
    expect(fs.readFileSync(rules, "utf8")).toBe(before);
  });
});

describe("a report path that is not a regular file is refused before anything is read or written", () => {
  const posix = process.platform !== "win32" ? test : test.skip;
  posix("a FIFO and a link to /dev/null or /proc/self/fd/1: exit 2, each kept as it was", () => {
    const dir = tempDir();
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    fs.symlinkSync("/dev/null", path.join(dir, "null"));
    fs.symlinkSync("/proc/self/fd/1", path.join(dir, "so"));
    const cases: [string, string][] = [
      [fifo, "is a pipe (FIFO)"],
      [path.join(dir, "null"), "is a device or process stream (under /dev or /proc)"],
      [path.join(dir, "so"), "is a device or process stream (under /dev or /proc)"],
    ];
    for (const [target, kind] of cases) {
      const r = runInProcess(["check", "clean", "--format", `json=${target}`]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`secure-deployment-zones: --format json ${target} ${kind}, not a regular file: reports are written to files (print to standard output with --format instead)\n`);
    }
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(fs.readlinkSync(path.join(dir, "null"))).toBe("/dev/null");
    expect(fs.readlinkSync(path.join(dir, "so"))).toBe("/proc/self/fd/1");
  });
});
