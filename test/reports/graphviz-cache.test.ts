import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GRAPHVIZ_WASM_PINS, GraphvizWasmPin, GraphvizWorker } from "../../src/reports/diagram/graphviz-worker";

// The Graphviz worker's cache of the WebAssembly that @hpcc-js/wasm-graphviz inflates on every load.

const DOT = 'digraph { graph [rankdir=LR]; subgraph cluster_z { label="zone"; a [shape=box] } a -> b [label="tcp/443"] }';
const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const BUNDLE_SHA = sha256(fs.readFileSync(require.resolve("@hpcc-js/wasm-graphviz"), "utf8"));
const PIN = GRAPHVIZ_WASM_PINS.find((p) => p.bundle === BUNDLE_SHA);

function render(cacheDir: string | null, pins?: readonly GraphvizWasmPin[]): { svg: string; from: string | undefined } {
  const worker = new GraphvizWorker({ cacheDir, pins });
  try {
    return { svg: worker.render(DOT, 60_000), from: worker.wasmSource };
  } finally {
    worker.dispose();
  }
}

let dir: string;
let cacheFile: string;
let reference: string;
let goodBytes: Buffer;

beforeAll(() => {
  // The SVG as the package renders it when nothing of the cache is involved.
  reference = render(null).svg;
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-graphviz-cache-"));
  cacheFile = path.join(dir, `graphviz-${PIN?.wasm}.wasm`);
});

afterEach(() => {
  fs.chmodSync(dir, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

function populate(): void {
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
  goodBytes = fs.readFileSync(cacheFile);
}

test("the installed @hpcc-js/wasm-graphviz bundle is pinned (else the worker loads it without the cache)", () => {
  if (!PIN) {
    throw new Error(`add the bundle to GRAPHVIZ_WASM_PINS (src/reports/diagram/graphviz-worker.ts): bundle ${BUNDLE_SHA}, with the size and SHA-256 `
      + "of the WebAssembly it inflates (the value of Ct(ro(to)) in dist/index.js)");
  }
});

test("the first load inflates the WebAssembly and caches exactly the pinned bytes; the next load takes them from the cache; same SVG", () => {
  populate();
  expect(fs.readdirSync(dir)).toEqual([path.basename(cacheFile)]);
  expect(goodBytes.length).toBe(PIN!.size);
  expect(sha256(goodBytes)).toBe(PIN!.wasm);
  if (process.platform !== "win32") expect(fs.statSync(cacheFile).mode & 0o777).toBe(0o600);
  expect(render(dir)).toEqual({ svg: reference, from: "cache" });
  expect(render(dir)).toEqual({ svg: reference, from: "cache" });
});

test("a corrupt, truncated or foreign cache file is ignored (the package inflates its own) and replaced with the pinned bytes", () => {
  populate();
  const flipped = Buffer.from(goodBytes);
  flipped[flipped.length >> 1] ^= 0xff;
  const foreign = Buffer.alloc(goodBytes.length, 0x61);
  for (const bad of [flipped, goodBytes.subarray(0, goodBytes.length - 1), foreign, Buffer.concat([goodBytes, Buffer.from("x")]), Buffer.alloc(0)]) {
    fs.writeFileSync(cacheFile, bad);
    expect(render(dir)).toEqual({ svg: reference, from: "package" });
    expect(sha256(fs.readFileSync(cacheFile))).toBe(PIN!.wasm);
  }
  expect(fs.readdirSync(dir)).toEqual([path.basename(cacheFile)]);
});

const posix = process.platform === "win32" ? test.skip : test;

posix("a cache path that is a link, a folder or a FIFO is neither followed nor waited on", () => {
  populate();
  // A link to the right bytes is still not followed; the cache file replaces the link, not its target.
  const elsewhere = path.join(dir, "elsewhere.wasm");
  fs.renameSync(cacheFile, elsewhere);
  fs.symlinkSync(elsewhere, cacheFile);
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
  expect(fs.lstatSync(cacheFile).isFile()).toBe(true);
  expect(sha256(fs.readFileSync(elsewhere))).toBe(PIN!.wasm);
  fs.rmSync(cacheFile);
  fs.mkdirSync(cacheFile);
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
  fs.rmdirSync(cacheFile);
  execFileSync("mkfifo", [cacheFile]);
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
});

posix("a cache folder that others may write to is neither read nor written", () => {
  populate();
  fs.chmodSync(dir, 0o777);
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
  fs.rmSync(cacheFile);
  expect(render(dir)).toEqual({ svg: reference, from: "package" });
  expect(fs.readdirSync(dir)).toEqual([]);
});

test("a cache folder that cannot be made costs nothing but the cache", () => {
  const file = path.join(dir, "a-file");
  fs.writeFileSync(file, "x");
  expect(render(path.join(file, "cache"))).toEqual({ svg: reference, from: "package" });
});

test("a bundle that is not pinned is loaded as published: no cache read or written", () => {
  populate();
  expect(render(dir, [])).toEqual({ svg: reference, from: "published" });
  expect(render(dir, [{ ...PIN!, bundle: "0".repeat(64) }])).toEqual({ svg: reference, from: "published" });
  fs.rmSync(cacheFile);
  expect(render(dir, [])).toEqual({ svg: reference, from: "published" });
  expect(fs.readdirSync(dir)).toEqual([]);
});
