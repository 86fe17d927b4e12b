/**
 * Colour for the table on a terminal. Follows Node.js's rules for its own output
 * (https://nodejs.org/api/cli.html#force_color1-2-3): FORCE_COLOR forces colour on (and `0` or
 * `false` forces it off) and takes precedence over NO_COLOR, which turns colour off when set to any
 * non-empty value (https://no-color.org); otherwise colour is on for a terminal that is not `dumb`.
 * `--color` and `--no-color` decide before all of these. Files never get colour.
 */
import { ColorMode } from "./args";

/** Whether standard output gets colour. */
export function useColor(mode: ColorMode, isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (mode !== "auto") return mode === "always";
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.trim().toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTty && env.TERM !== "dumb";
}

/** ANSI styles, or none. */
export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
  magenta(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const style = (open: number, close: number) => (s: string) => (s === "" ? s : `\x1b[${open}m${s}\x1b[${close}m`);

/** Styles that colour (`on`) or leave the text as it is. */
export function paint(on: boolean): Paint {
  if (!on) {
    const same = (s: string) => s;
    return { red: same, yellow: same, cyan: same, green: same, magenta: same, bold: same, dim: same };
  }
  return {
    red: style(31, 39), yellow: style(33, 39), cyan: style(36, 39), green: style(32, 39), magenta: style(35, 39), bold: style(1, 22), dim: style(2, 22),
  };
}
