/**
 * `npm run bench`: what the checks, the reports, the diagram and the library's import cost, on the
 * built library (lib/) in plain Node.js processes.
 *
 * Every measure compares two arms run as paired, alternating child processes (A B A B ..., after one
 * unmeasured warm-up run of each), and reports medians with min-max and the median of the per-pair
 * ratios. Wall time is the whole child process, from spawn to exit (any process it starts
 * included); CPU time and peak memory come from `/usr/bin/time` (user + system of the process, its
 * threads and its waited-for children; the largest resident set among them). Results are written to
 * bench/results/latest.json and the README's table is regenerated from them (bench/readme.ts).
 *
 * Options: --rounds N (every measure), --quick (fewer rounds, no 3,000 zones), --only a,b
 * (small, import, cli, large, nsg), --lib DIR (another build, e.g. an older commit's lib/),
 * --out FILE (write there and leave the README alone), --no-readme.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { BenchResults, Comparison, README_FILE, RESULTS_FILE, withBenchTable } from "./readme";
import { pairedRatio, spread } from "./stats";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(__dirname, ".out");

// ---------------------------------------------------------------- options

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const QUICK = flag("quick");
const ROUNDS = option("rounds") !== undefined ? Number(option("rounds")) : undefined;
const ONLY = option("only")?.split(",");
const LIB = path.resolve(option("lib") ?? path.join(ROOT, "lib"));
const OUT_FILE = path.resolve(option("out") ?? RESULTS_FILE);
const WRITE_README = !flag("no-readme") && option("out") === undefined;
const rounds = (normal: number, quick: number) => ROUNDS ?? (QUICK ? quick : normal);
const wanted = (measure: string) => !ONLY || ONLY.includes(measure);

// ---------------------------------------------------------------- the child scripts, compiled once

/** Compiles the child scripts to plain CommonJS (no ts-node in the measured processes). */
function compileChildren(): void {
  fs.rmSync(OUT, { recursive: true, force: true });
  const sources = ["stack.ts", ...fs.readdirSync(path.join(__dirname, "child")).map((f) => path.join("child", f))];
  for (const source of sources) {
    const out = ts.transpileModule(fs.readFileSync(path.join(__dirname, source), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: source,
    });
    const target = path.join(OUT, source.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, out.outputText);
  }
}
const child = (name: string) => path.join(OUT, "child", `${name}.js`);

// ---------------------------------------------------------------- running arms

interface Arm {
  readonly label: string;
  readonly args: string[];
  /** Exit codes that are not a failure (the CLI exits 1 on error findings). */
  readonly okExit?: number[];
}

interface Run {
  readonly wallMs: number;
  readonly cpuMs?: number;
  readonly peakRssMb?: number;
  readonly child: Record<string, any>;
}

const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const TIME_FILE = path.join(os.tmpdir(), `sdz-bench-time-${process.pid}.txt`);

function runOnce(arm: Arm): Run {
  const command = TIME ? [TIME, "-f", "%e %U %S %M", "-o", TIME_FILE, process.execPath, ...arm.args] : [process.execPath, ...arm.args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command[0], command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, SDZ_BENCH_LIB: LIB, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || !(arm.okExit ?? [0]).includes(r.status ?? -1)) {
    throw new Error(`${arm.label} (${arm.args.join(" ")}) failed with exit ${r.status}: ${(r.stderr || String(r.error)).slice(-2000)}`);
  }
  const last = r.stdout.trim().split("\n").pop() ?? "";
  const childResult = last.startsWith("{") ? JSON.parse(last) : {};
  if (!TIME) return { wallMs, child: childResult };
  // GNU time writes "Command exited with non-zero status N" before the format line.
  const [, user, system, maxRssKb] = fs.readFileSync(TIME_FILE, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  return { wallMs, cpuMs: (user + system) * 1000, peakRssMb: maxRssKb / 1024, child: childResult };
}

/** Runs the arms in alternation, `n` rounds after one warm-up run each; the runs of each arm. */
function paired(arms: Arm[], n: number): Map<string, Run[]> {
  for (const arm of arms) runOnce(arm);
  const runs = new Map<string, Run[]>(arms.map((a) => [a.label, []]));
  for (let round = 0; round < n; round++) {
    for (const arm of arms) runs.get(arm.label)!.push(runOnce(arm));
    process.stderr.write(`  round ${round + 1}/${n}: ${arms.map((a) => `${a.label} ${Math.round(runs.get(a.label)![round].wallMs)} ms`).join(", ")}\n`);
  }
  return runs;
}

type Metric = "wallMs" | "cpuMs" | "peakRssMb" | ((r: Run) => number);

function values(runs: Run[], metric: Metric): number[] {
  return runs.map((r) => (typeof metric === "function" ? metric(r) : r[metric]!)).filter((v) => v !== undefined && Number.isFinite(v));
}

function compare(title: string, runs: Map<string, Run[]>, a: string, b: string, metric: Metric, unit: "ms" | "MB", target?: number): Comparison | undefined {
  const av = values(runs.get(a)!, metric);
  const bv = values(runs.get(b)!, metric);
  if (av.length === 0 || av.length !== bv.length) return undefined;
  return { title, a, b, unit, aValue: spread(av), bValue: spread(bv), ratio: pairedRatio(av, bv), ...(target !== undefined ? { target } : {}) };
}

const phase = (key: string) => (r: Run) => Number(r.child[key]);

// ---------------------------------------------------------------- the measures

const comparisons: Comparison[] = [];
const details: Record<string, unknown> = {};
const add = (...c: (Comparison | undefined)[]) => c.forEach((x) => x && comparisons.push(x));

function summary(runs: Map<string, Run[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, rs] of runs) {
    const keys = Object.keys(rs[0].child).filter((k) => typeof rs[0].child[k] === "number" && /Ms$|Mb$/.test(k));
    out[label] = {
      wallMs: spread(values(rs, "wallMs")),
      ...(TIME ? { cpuMs: spread(values(rs, "cpuMs")), peakRssMb: spread(values(rs, "peakRssMb")) } : {}),
      ...Object.fromEntries(keys.map((k) => [k, spread(values(rs, phase(k)))])),
      child: rs[0].child,
    };
  }
  return out;
}

function small(): void {
  process.stderr.write("10 zones: plain vs checked (reports and diagram on), whole process\n");
  const runs = paired([
    { label: "plain", args: [child("synth"), "10", "plain"] },
    { label: "checked", args: [child("synth"), "10", "checked"] },
  ], rounds(10, 5));
  const c = runs.get("checked")![0].child;
  if (!c.reports || !c.svg || !(c.errorFindings > 0)) throw new Error(`the checked 10-zone run wrote no reports, no SVG or found nothing: ${JSON.stringify(c)}`);
  add(
    compare("10 zones, whole process: checked (reports and diagram) vs plain", runs, "plain", "checked", "wallMs", "ms", 1.2),
    compare("10 zones, CPU time of the whole process", runs, "plain", "checked", "cpuMs", "ms"),
  );
  details.small = summary(runs);
}

function importCost(): void {
  process.stderr.write("import: the library vs require(\"cdktf\"), whole process\n");
  const runs = paired(["cdktf", "bare", "zones", "all"].map((m) => ({ label: m === "cdktf" ? "require(\"cdktf\")" : `library (${m})`, args: [child("import"), m] })), rounds(10, 5));
  const ref = "require(\"cdktf\")";
  add(
    compare("Import: require(\"secure-deployment-zones\")", runs, ref, "library (bare)", "wallMs", "ms", 1.15),
    compare("Import and use a zones app's exports (network, zone, peers, ports, trust, checks)", runs, ref, "library (zones)", "wallMs", "ms", 1.15),
    compare("Import and read every export (what the eager index loaded)", runs, ref, "library (all)", "wallMs", "ms"),
  );
  details.import = summary(runs);
}

function cli(): void {
  process.stderr.write("CLI on a 1,000-zone cdk.tf.json vs the floor (read, JSON.parse, one pass)\n");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-bench-cli-"));
  try {
    runOnce({ label: "prepare", args: ["--max-old-space-size=8192", child("synth"), "1000", "plain", dir] });
    const file = path.join(dir, "stacks", "bench-1000", "cdk.tf.json");
    const runs = paired([
      { label: "floor", args: [child("floor"), file] },
      { label: "CLI check", args: [path.join(LIB, "cli", "main.js"), "check", file, "--quiet"], okExit: [0, 1] },
    ], rounds(5, 3));
    const resources = Number(runs.get("floor")![0].child.resources).toLocaleString("en-US");
    add(compare(`CLI \`check\` on the 1,000-zone file (${resources} resources) vs the floor`, runs, "floor", "CLI check", "wallMs", "ms", 2));
    details.cli = { ...summary(runs), fileMb: Number((fs.statSync(file).size / 2 ** 20).toFixed(1)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function large(): void {
  const sizes = QUICK ? [1000] : [1000, 3000];
  process.stderr.write(`${sizes.join(" and ")} zones: plain vs checked, whole process\n`);
  const arms: Arm[] = [
    { label: "plain 1000", args: ["--max-old-space-size=8192", child("synth"), "1000", "plain"] },
    { label: "checked 1000", args: ["--max-old-space-size=8192", child("synth"), "1000", "checked"] },
  ];
  if (sizes.includes(3000)) {
    // Plain 3,000 too: cdktf's own growth is the floor under the checked growth.
    arms.push({ label: "checked 3000", args: ["--max-old-space-size=8192", child("synth"), "3000", "checked"] });
    arms.push({ label: "plain 3000", args: ["--max-old-space-size=8192", child("synth"), "3000", "plain"] });
  }
  const runs = paired(arms, rounds(3, 1));
  add(
    compare("1,000 zones, whole process: checked vs plain", runs, "plain 1000", "checked 1000", "wallMs", "ms", 1.15),
    compare("1,000 zones, synth phase: checked vs plain", runs, "plain 1000", "checked 1000", phase("synthMs"), "ms"),
    compare("1,000 zones, peak memory: checked vs plain", runs, "plain 1000", "checked 1000", "peakRssMb", "MB", 1.2),
  );
  if (sizes.includes(3000)) {
    add(
      compare("Growth, whole process checked: 3,000 vs 1,000 zones", runs, "checked 1000", "checked 3000", "wallMs", "ms", 3.3),
      compare("Growth, whole process plain (cdktf alone, for reference): 3,000 vs 1,000 zones", runs, "plain 1000", "plain 3000", "wallMs", "ms"),
      compare("3,000 zones, whole process: checked vs plain", runs, "plain 3000", "checked 3000", "wallMs", "ms"),
      compare("Growth, peak memory checked: 3,000 vs 1,000 zones", runs, "checked 1000", "checked 3000", "peakRssMb", "MB"),
    );
  }
  details.large = summary(runs);
}

function nsg(): void {
  process.stderr.write("checks only: one NSG with 20,000 rules vs 10,000\n");
  const runs = paired([
    { label: "10,000 rules", args: [child("nsg"), "10000"] },
    { label: "20,000 rules", args: [child("nsg"), "20000"] },
  ], rounds(5, 3));
  add(compare("Checks only (model and rules, in-process): NSG with 20,000 vs 10,000 rules (2 = linear)", runs, "10,000 rules", "20,000 rules", phase("checkMs"), "ms"));
  details.nsg = summary(runs);
}

// ---------------------------------------------------------------- main

if (!fs.existsSync(path.join(LIB, "index.js"))) throw new Error(`${LIB}/index.js not found: build the library first (npx projen compile)`);
compileChildren();
const machine = {
  cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverage: os.loadavg(),
};
const started = new Date().toISOString();
if (wanted("small")) small();
if (wanted("import")) importCost();
if (wanted("cli")) cli();
if (wanted("large")) large();
if (wanted("nsg")) nsg();
fs.rmSync(TIME_FILE, { force: true });

const results: BenchResults = {
  date: started,
  machine,
  library: path.relative(ROOT, LIB) || ".",
  method: "paired alternating child processes (A B A B ...), one warm-up run per arm; wall = whole child process; CPU and peak RSS from /usr/bin/time",
  comparisons,
  details,
};
fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
fs.writeFileSync(OUT_FILE, JSON.stringify(results, null, 2) + "\n");
process.stderr.write(`wrote ${path.relative(process.cwd(), OUT_FILE)}\n`);
if (WRITE_README) fs.writeFileSync(README_FILE, withBenchTable(fs.readFileSync(README_FILE, "utf8"), results));
for (const c of comparisons) {
  process.stdout.write(`${c.title}: ${c.b} ${c.bValue.median} ${c.unit} vs ${c.a} ${c.aValue.median} ${c.unit} = ${c.ratio.median} (${c.ratio.min}-${c.ratio.max})` +
    `${c.target !== undefined ? ` target ${c.target}: ${c.ratio.median <= c.target ? "met" : "NOT met"}` : ""}\n`);
}
