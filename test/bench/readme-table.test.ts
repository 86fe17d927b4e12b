import * as fs from "fs";
import { benchTable, BenchResults, README_END, README_FILE, README_START, RESULTS_FILE, withBenchTable } from "../../bench/readme";
import { pairedRatio, spread } from "../../bench/stats";

// Nothing here is timed: the figures come from `npm run bench`; these tests keep the README honest
// about them and check the arithmetic.
describe("the README's benchmark table", () => {
  test("matches the committed results file (regenerate with `npm run bench` or `ts-node bench/readme.ts`)", () => {
    const results = JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as BenchResults;
    const readme = fs.readFileSync(README_FILE, "utf8");
    expect(readme).toBe(withBenchTable(readme, results));
    expect(readme).toContain(benchTable(results));
  });

  test("says whether each target is met from the median ratio, and shows min-max", () => {
    const results: BenchResults = {
      date: "2026-01-02T03:04:05.000Z",
      machine: { cpus: 2, memoryGb: 8, node: "v20.0.0", platform: "linux x64" },
      library: "lib",
      comparisons: [
        { title: "fast", a: "A", b: "B", unit: "ms", aValue: spread([100, 110, 90]), bValue: spread([110, 120, 100]), ratio: pairedRatio([100, 110, 90], [110, 120, 100]), target: 1.2 },
        { title: "slow", a: "A", b: "B", unit: "MB", aValue: spread([10]), bValue: spread([20]), ratio: pairedRatio([10], [20]), target: 1.5 },
        { title: "info", a: "A", b: "B", unit: "ms", aValue: spread([1]), bValue: spread([2]), ratio: pairedRatio([1], [2]) },
      ],
    };
    const rows = benchTable(results).split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| measure") && !l.startsWith("| ---"));
    expect(rows).toEqual([
      "| fast | B: 110 ms (100-120) | A: 100 ms (90-110) | **1.1** (1.09-1.11) | at most 1.2: met |",
      "| slow | B: 20 MB (20-20) | A: 10 MB (10-10) | **2** (2-2) | at most 1.5: **not met** |",
      "| info | B: 2 ms (2-2) | A: 1 ms (1-1) | **2** (2-2) |  |",
    ]);
  });

  test("only the text between the markers is replaced", () => {
    const results = JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as BenchResults;
    const text = `before\n${README_START}\nold table\n${README_END}\nafter\n`;
    const updated = withBenchTable(text, results);
    expect(updated.startsWith(`before\n${README_START}\n`)).toBe(true);
    expect(updated.endsWith(`\n${README_END}\nafter\n`)).toBe(true);
    expect(updated).not.toContain("old table");
    expect(() => withBenchTable("no markers", results)).toThrow(/no <!-- bench-table:start/);
  });
});
