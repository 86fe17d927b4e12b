/**
 * The README's benchmark table, generated from a results file of `npm run bench`
 * (bench/results/latest.json). `ts-node bench/readme.ts` rewrites the table from the committed
 * results; `npm run bench` does it after measuring. A test checks the README matches the results.
 */
import * as fs from "fs";
import * as path from "path";
import type { Spread } from "./stats";

/** One comparison of two arms, as stored in the results file. */
export interface Comparison {
  readonly title: string;
  /** What is compared: `<b label> vs <a label>`. */
  readonly a: string;
  readonly b: string;
  /** The figure compared (wall time, CPU time, peak memory, in-process time). */
  readonly unit: "ms" | "MB";
  readonly aValue: Spread;
  readonly bValue: Spread;
  /** Per-pair ratio b / a. */
  readonly ratio: Spread;
  /** Most the ratio may be (issue 19), if there is a target. */
  readonly target?: number;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel?: string;
    readonly memoryGb: number;
    readonly node: string;
    readonly platform: string;
    readonly loadAverage?: number[];
  };
  readonly library: string;
  readonly comparisons: readonly Comparison[];
  readonly [key: string]: unknown;
}

export const README_START = "<!-- bench-table:start (generated from bench/results/latest.json by bench/readme.ts; do not edit) -->";
export const README_END = "<!-- bench-table:end -->";
export const RESULTS_FILE = path.join(__dirname, "results", "latest.json");
export const README_FILE = path.join(__dirname, "..", "README.md");

const fmt = (s: Spread, unit: string) => `${s.median} ${unit} (${s.min}-${s.max})`;

/** The Markdown table (and its caption line) for `results`. */
export function benchTable(results: BenchResults): string {
  const m = results.machine;
  const rows = results.comparisons.map((c) => {
    const verdict = c.target === undefined ? "" : c.ratio.median <= c.target ? `at most ${c.target}: met` : `at most ${c.target}: **not met**`;
    return `| ${c.title} | ${c.b}: ${fmt(c.bValue, c.unit)} | ${c.a}: ${fmt(c.aValue, c.unit)} | **${c.ratio.median}** (${c.ratio.min}-${c.ratio.max}) | ${verdict} |`;
  });
  return [
    `Measured ${results.date.slice(0, 10)} on ${m.cpus} cores (${m.cpuModel ?? "unknown CPU"}), ${m.memoryGb} GiB, Node ${m.node}` +
      (m.loadAverage ? `, load average ${m.loadAverage.map((l) => l.toFixed(1)).join(" / ")} at the start (a shared machine)` : "") +
      ". Medians of paired runs, min-max in parentheses; the ratio is the median of the per-pair ratios." +
      Object.entries((results.reruns ?? {}) as Record<string, { date: string; why: string }>)
        .map(([measure, r]) => ` The ${measure} rows were measured again on ${r.date.slice(0, 10)}: ${r.why}.`).join(""),
    "",
    "| measure | B | A | B / A | target |",
    "| --- | ---: | ---: | ---: | --- |",
    ...rows,
  ].join("\n");
}

/** `readme` with the text between the markers replaced by the table of `results`. */
export function withBenchTable(readme: string, results: BenchResults): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README has no ${README_START} ... ${README_END} section`);
  return readme.slice(0, start + README_START.length) + "\n" + benchTable(results) + "\n" + readme.slice(end);
}

if (require.main === module) {
  const results = JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as BenchResults;
  fs.writeFileSync(README_FILE, withBenchTable(fs.readFileSync(README_FILE, "utf8"), results));
  process.stdout.write(`README benchmark table regenerated from ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}
