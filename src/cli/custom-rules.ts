/**
 * `--rules FILE`: custom rules from a CommonJS module. The module exports an array of rules, or an
 * object with `rules` (an array) and/or `packs` (an array of `{ name, rules }`), as `module.exports`
 * or as `default`. Every problem is a usage error (exit 2) naming the file; nothing of the file's
 * content is echoed (an error message of the module's own code could carry anything).
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./args";
import { Rule } from "../engine/rule";
import { CustomRulePack, ICustomRule, toEngineRules } from "../rules/custom-rule";

const EXTENSIONS = [".js", ".cjs"];

/** Loads, validates and adapts the custom rules of `file` (relative to `cwd`). Throws {@link UsageError}. */
export function loadCustomRules(file: string, cwd: string = process.cwd()): Rule[] {
  const full = path.resolve(cwd, file);
  const fail = (why: string) => new UsageError(`--rules ${file}: ${why}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw fail("no such file");
  }
  if (!stat.isFile()) throw fail("not a file (name a CommonJS module, e.g. ./my-rules.js)");
  if (!EXTENSIONS.includes(path.extname(full).toLowerCase())) throw fail(`not a CommonJS JavaScript module (${EXTENSIONS.join(" or ")}); compile TypeScript rules first`);

  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(full);
  } catch (err) {
    const name = (err as Error)?.name ?? "Error";
    if (err instanceof SyntaxError || name === "SyntaxError") throw fail(`not valid JavaScript (SyntaxError); run \`node ${file}\` to see where`);
    const code = (err as { code?: string })?.code;
    if (code === "ERR_REQUIRE_ESM" || code === "ERR_REQUIRE_ASYNC_MODULE") throw fail("an ES module; export the rules with module.exports (CommonJS)");
    if (code === "MODULE_NOT_FOUND") throw fail("it requires a module that cannot be found; run `node " + file + "` to see which");
    throw fail(`loading it threw ${/^[A-Za-z]{1,40}$/.test(name) ? name : "an error"}; run \`node ${file}\` to see it`);
  }

  const value = unwrap(exported);
  let rules: ICustomRule[] | undefined;
  let packs: CustomRulePack[] | undefined;
  if (Array.isArray(value)) rules = value;
  else if (typeof value === "object" && value !== null && ("rules" in value || "packs" in value)) {
    rules = (value as { rules?: ICustomRule[] }).rules;
    packs = (value as { packs?: CustomRulePack[] }).packs;
  } else {
    throw fail("exports no rules: export an array of rules, or { rules: [...], packs: [{ name, rules }] }");
  }
  try {
    const adapted = toEngineRules(rules, packs, "rules", "packs");
    if (adapted.length === 0) throw fail("exports an empty list of rules");
    return adapted;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw fail((err as Error)?.message ?? String(err));
  }
}

function unwrap(exported: unknown): unknown {
  if (typeof exported === "object" && exported !== null && "default" in exported && !("rules" in exported) && !("packs" in exported)) {
    return (exported as { default: unknown }).default;
  }
  return exported;
}
