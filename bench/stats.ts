/** Median with the range of a set of runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median, minimum and maximum of `values`, rounded to `digits` decimals. */
export function spread(values: readonly number[], digits = 0): Spread {
  if (values.length === 0) throw new Error("spread of no values");
  const round = (v: number) => Number(v.toFixed(digits));
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)), runs: values.length };
}

/** The ratio `b[i] / a[i]` of each pair of runs (run i of both arms), as a spread. */
export function pairedRatio(a: readonly number[], b: readonly number[]): Spread {
  if (a.length !== b.length) throw new Error("paired runs of different lengths");
  return spread(a.map((v, i) => b[i] / v), 2);
}
