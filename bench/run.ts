/**
 * `npm run bench`: the cost of the checks at growing sizes, and the library's import cost.
 * Each measurement runs in a fresh Node process (fair peak memory, no warm caches across sizes).
 * Results: a table on stdout, bench/results/latest.json and bench/results/latest.md.
 * Sizes can be overridden: `npm run bench -- 10 100`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const SIZES = sizes.length > 0 ? sizes : [10, 100, 1000, 3000];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 1);

function node(script: string, args: string[], extra: string[] = []): any {
  const out = execFileSync(process.execPath, [...extra, "-r", "ts-node/register/transpile-only", path.join(__dirname, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json"), CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

function best(zones: number, mode: string): any {
  let pick: any;
  for (let i = 0; i < REPEATS; i++) {
    const r = node("measure.ts", [String(zones), mode], ["--max-old-space-size=8192"]);
    if (!pick || r.synthMs < pick.synthMs) pick = r;
  }
  return pick;
}

const rows: any[] = [];
for (const zones of SIZES) {
  const plain = best(zones, "plain");
  const checked = best(zones, "checked");
  const row = {
    zones,
    resources: plain.resources,
    constructMs: Math.round(plain.constructMs),
    plainSynthMs: Math.round(plain.synthMs),
    checkedSynthMs: Math.round(checked.synthMs),
    ratio: Number((checked.synthMs / plain.synthMs).toFixed(2)),
    plainPeakRssMb: Math.round(plain.peakRssMb),
    checkedPeakRssMb: Math.round(checked.peakRssMb),
  };
  rows.push(row);
  process.stderr.write(`measured ${zones} zones\n`);
}

/** The library's import cost: the median of several fresh, plain Node.js processes. */
function measureImport(): any {
  if (!fs.existsSync(path.join(ROOT, "lib", "index.js"))) return { error: "lib/index.js not found: run `npx projen compile` first" };
  const runs = Array.from({ length: 5 }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "import-cost.js")], { cwd: ROOT, encoding: "utf8" }).trim()));
  const median = (key: string) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { requireMs: median("requireMs"), rssMb: median("rssMb"), rssDeltaMb: median("rssDeltaMb"), loadedProviderRoot: runs.some((r) => r.loadedProviderRoot), runs: runs.length };
}
const importCost = measureImport();

const targets = (() => {
  const at = (z: number) => rows.find((r) => r.zones === z);
  const r1000 = at(1000);
  const r3000 = at(3000);
  return {
    checkedOverPlainAt1000: r1000 ? { value: r1000.ratio, target: 1.25, met: r1000.ratio <= 1.25 } : undefined,
    growth3000Over1000: r1000 && r3000
      ? { value: Number((r3000.checkedSynthMs / r1000.checkedSynthMs).toFixed(2)), target: 3.5, met: r3000.checkedSynthMs / r1000.checkedSynthMs <= 3.5 }
      : undefined,
    importMs: importCost.requireMs !== undefined ? { value: Math.round(importCost.requireMs), target: 300, met: importCost.requireMs < 300 } : undefined,
    importRssMb: importCost.rssMb !== undefined ? { value: Math.round(importCost.rssMb), target: 120, met: importCost.rssMb < 120 } : undefined,
  };
})();

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` };
const result = { date: new Date().toISOString(), machine, repeats: REPEATS, rows, importCost, targets };

const header = "| zones | resources | construct ms | plain synth ms | checked synth ms | checked/plain | peak RSS plain MB | peak RSS checked MB |";
const table = [header, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.zones} | ${r.resources} | ${r.constructMs} | ${r.plainSynthMs} | ${r.checkedSynthMs} | ${r.ratio} | ${r.plainPeakRssMb} | ${r.checkedPeakRssMb} |`)].join("\n");
const md = [
  "# Benchmark results",
  "",
  `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GiB, Node ${machine.node}, ${machine.platform}. Date: ${result.date}.`,
  "",
  table,
  "",
  `Import of the built library: ${importCost.requireMs !== undefined ? `${Math.round(importCost.requireMs)} ms, ${Math.round(importCost.rssMb)} MB RSS, provider package root loaded: ${importCost.loadedProviderRoot}` : importCost.error}.`,
  "",
  "Targets: " + Object.entries(targets).filter(([, v]) => v).map(([k, v]: [string, any]) => `${k} = ${v.value} (target ${v.target}: ${v.met ? "met" : "MISSED"})`).join("; "),
  "",
].join("\n");
fs.mkdirSync(path.join(__dirname, "results"), { recursive: true });
fs.writeFileSync(path.join(__dirname, "results", "latest.json"), JSON.stringify(result, null, 2) + "\n");
fs.writeFileSync(path.join(__dirname, "results", "latest.md"), md);
process.stdout.write(md);
