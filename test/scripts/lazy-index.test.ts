import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exportOwners, lazyIndexSource } from "../../scripts/lazy-index";

/* eslint-disable @typescript-eslint/no-require-imports -- the fixture is plain compiled JavaScript, loaded by path */

/** A tiny compiled package: an eager index re-exporting from two modules and a sub-index. */
function fixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-lazy-"));
  fs.mkdirSync(path.join(dir, "area"));
  fs.writeFileSync(path.join(dir, "a.js"), "globalThis.__loaded.push('a'); class A {} exports.A = A; exports.B = 1;\n");
  fs.writeFileSync(path.join(dir, "area", "c.js"), "globalThis.__loaded.push('c'); exports.C = { c: true };\n");
  fs.writeFileSync(path.join(dir, "area", "index.js"),
    "var c_1 = require('./c'); Object.defineProperty(exports, 'C', { enumerable: true, get: function () { return c_1.C; } });\n");
  fs.writeFileSync(path.join(dir, "index.js"), [
    "Object.defineProperty(exports, '__esModule', { value: true });",
    "var a_1 = require('./a');",
    "Object.defineProperty(exports, 'A', { enumerable: true, get: function () { return a_1.A; } });",
    "Object.defineProperty(exports, 'B', { enumerable: true, get: function () { return a_1.B; } });",
    "var area = require('./area'); for (var k in area) Object.defineProperty(exports, k, { enumerable: true, get: (function (k) { return function () { return area[k]; }; })(k) });",
  ].join("\n"));
  return dir;
}

describe("lazy entry point", () => {
  const loaded: string[] = [];
  beforeEach(() => {
    loaded.length = 0;
    (globalThis as { __loaded?: string[] }).__loaded = loaded;
  });

  test("each export is traced to the module defining it, not to a re-exporting index", () => {
    const dir = fixture();
    expect([...exportOwners(path.join(dir, "index.js"))]).toEqual([["A", "./a"], ["B", "./a"], ["C", "./area/c"]]);
  });

  test("the lazy index loads nothing until an export is read, then only that export's module, with identical values", () => {
    const dir = fixture();
    const eagerFile = path.join(dir, "index.js");
    const eager = require(eagerFile);
    const owners = exportOwners(eagerFile);
    const lazyFile = path.join(dir, "lazy.js");
    fs.writeFileSync(lazyFile, lazyIndexSource(owners));
    // A fresh module registry: nothing of the fixture is loaded yet.
    jest.isolateModules(() => {
      loaded.length = 0;
      const lazy = require(lazyFile);
      expect(loaded).toEqual([]);
      expect(Object.keys(lazy).sort()).toEqual(["A", "B", "C"]);
      expect(lazy.C).toEqual({ c: true });
      expect(loaded).toEqual(["c"]);
      expect(lazy.A.name).toBe("A");
      expect(loaded).toEqual(["c", "a"]);
    });
    // In one registry the values are the very same objects as the eager index's.
    const lazy = require(lazyFile);
    for (const name of ["A", "B", "C"]) expect(lazy[name]).toBe(eager[name]);
  });
});
