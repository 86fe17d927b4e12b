import { ConstructErrorInfo, ConstructErrors } from "../../src";

/** Runs `fn` and returns the construction error it throws (failing when it throws anything else, or nothing). */
export function errorOf(fn: () => unknown): ConstructErrorInfo {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error("expected a construction error, nothing was thrown");
  const info = ConstructErrors.describe(thrown);
  if (!info) throw new Error(`expected a construction error, got: ${String(thrown)}`);
  return info;
}
