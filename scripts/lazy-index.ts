/**
 * Rewrites the compiled entry point (`lib/index.js`) so that each export loads its module on first
 * use. Run after `jsii` by the compile task.
 *
 * Why: TypeScript compiles `export { X } from "./x"` to an eager `require("./x")`, so importing the
 * library loaded every construct, their provider classes, the rules and everything they import
 * (measured: about 1.5x the cost of `require("cdktf")` alone). With lazy getters an app pays only
 * for what it uses: a zones-only app never loads the hub's firewall or the migration's storage
 * classes. jsii (and its runtime for other languages) reads exports by name, so getters are
 * transparent; `lib/index.d.ts` and the `.jsii` assembly are unchanged.
 *
 * How: the eager index is loaded once, each export is traced to the module that defines it (the
 * module whose own property holds the same value as a data property, not a re-export getter), and
 * the lazy index is written and checked: the same names, each resolving to the identical value.
 * The build fails rather than ship an index that differs.
 */
import * as fs from "fs";
import * as path from "path";

/* eslint-disable @typescript-eslint/no-require-imports -- this script loads compiled modules by path on purpose */

const MARKER = "// Lazy entry point written by scripts/lazy-index.ts after jsii";

/** Where each export of `indexFile` is defined, as a path relative to the index's folder. */
export function exportOwners(indexFile: string): Map<string, string> {
  const dir = path.dirname(indexFile);
  const index = require(indexFile) as Record<string, unknown>;
  const names = Object.keys(index).filter((n) => n !== "__esModule");
  // Touch every export: with an already lazy index this loads the modules that define them.
  const values = new Map(names.map((n) => [n, index[n]]));
  const loaded = Object.keys(require.cache).filter((f) => f.startsWith(dir + path.sep) && f !== indexFile);
  const owners = new Map<string, string>();
  for (const name of names) {
    const owner = loaded.find((f) => {
      const d = Object.getOwnPropertyDescriptor(require.cache[f]!.exports, name);
      return d !== undefined && "value" in d && d.value === values.get(name);
    });
    if (!owner) throw new Error(`lazy-index: no module under ${dir} defines the export ${name}`);
    owners.set(name, "./" + path.relative(dir, owner).split(path.sep).join("/").replace(/\.js$/, ""));
  }
  return owners;
}

/** The lazy index's source. */
export function lazyIndexSource(owners: Map<string, string>): string {
  return [
    "\"use strict\";",
    MARKER + ": each export requires its module on first use (see that script for why).",
    "Object.defineProperty(exports, \"__esModule\", { value: true });",
    "function lazy(name, from) {",
    "    Object.defineProperty(exports, name, { enumerable: true, get: function () { return require(from)[name]; } });",
    "}",
    ...[...owners].map(([name, from]) => `lazy(${JSON.stringify(name)}, ${JSON.stringify(from)});`),
    "",
  ].join("\n");
}

if (require.main === module) {
  const indexFile = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "lib", "index.js"));
  const eager = require(indexFile) as Record<string, unknown>;
  const owners = exportOwners(indexFile);
  fs.writeFileSync(indexFile, lazyIndexSource(owners));
  // The compiler's source map describes the eager index just replaced (the lazy one is its own source).
  fs.rmSync(`${indexFile}.map`, { force: true });
  delete require.cache[indexFile];
  const lazy = require(indexFile) as Record<string, unknown>;
  const expected = [...owners.keys()].sort();
  const actual = Object.keys(lazy).filter((n) => n !== "__esModule").sort();
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`lazy-index: exports differ: ${actual.join(",")} vs ${expected.join(",")}`);
  for (const name of expected) {
    if (lazy[name] !== eager[name]) throw new Error(`lazy-index: ${name} resolves to a different value`);
  }
  process.stdout.write(`lazy-index: ${expected.length} exports of ${path.relative(process.cwd(), indexFile)} load on first use\n`);
}
