import * as path from "path";

/** The directory of the built library under test: `SDZ_BENCH_LIB`, or this checkout's `lib/`. */
export const LIB_DIR = path.resolve(process.env.SDZ_BENCH_LIB ?? path.join(__dirname, "..", "..", "..", "lib"));

/** Loads a module of the built library, e.g. `library("index")` or `library("engine/engine")`. */
export function library<T = any>(module: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(LIB_DIR, module));
}

/** Prints the child's one-line JSON result (the parent reads the last line of stdout). */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + "\n");
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
