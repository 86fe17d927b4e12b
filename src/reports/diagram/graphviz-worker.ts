import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "worker_threads";

/**
 * `@hpcc-js/wasm-graphviz` bundles whose WebAssembly the worker may take from its cache: the
 * bundle's SHA-256, and the size and SHA-256 of the WebAssembly it inflates. Another bundle (a new
 * version) is loaded as published, without the cache: add its line (test/reports/diagram.test.ts
 * prints it) when the dependency is upgraded.
 * @internal
 */
export const GRAPHVIZ_WASM_PINS: readonly GraphvizWasmPin[] = [
  // @hpcc-js/wasm-graphviz 1.29.2
  { bundle: "550d9cd6ff429f5bd225316fe1faed4f852038c3e1ec609ce113af1f9379ce25", wasm: "f918f648ff18937b2aa6d3f8b08cd28453a619fa3eb3720c4d0b79345ba68cc7", size: 1_596_320 },
];

/** A known `@hpcc-js/wasm-graphviz` bundle and the WebAssembly it inflates. @internal */
export interface GraphvizWasmPin {
  readonly bundle: string;
  readonly wasm: string;
  readonly size: number;
}

/** The per-user folder of the inflated Graphviz WebAssembly, under the system's temporary folder. @internal */
export function defaultGraphvizCacheDir(): string {
  return path.join(os.tmpdir(), `secure-deployment-zones-${process.getuid?.() ?? "user"}`);
}

/**
 * The worker's code (plain CommonJS, evaluated by the worker thread, so it runs the same under
 * ts-jest and from the built library). It loads `@hpcc-js/wasm-graphviz` once, at start, and then
 * answers `{ id, dot }` messages with `{ id, svg, wasm }` or `{ id, error }`. After posting a reply
 * it stores the request's id in the shared cell and wakes the waiting thread.
 *
 * The package inflates its WebAssembly (1.6 MB, zstd in base91 inside the bundle) in JavaScript on
 * every load: ~100 ms of the worker's ~170 ms load. For a bundle listed in {@link GRAPHVIZ_WASM_PINS},
 * the worker evaluates the bundle itself with one expression changed (`Lr??=Ct(ro(to))`, the
 * inflation, which must occur exactly once), so that the inflated bytes come from a cache file when
 * it holds exactly the pinned bytes, and are written there otherwise. The cache can never change a
 * rendering: a file is used only when its folder belongs to this user and is writable by nobody
 * else, it is a regular file (opened without following links or blocking) of the pinned size, and
 * its SHA-256 is the pinned one; anything else is ignored and the package inflates its own copy. It
 * is written to a fresh temporary file renamed into place (no fsync: a torn file fails the hash).
 * Any failure of this path (unknown bundle, changed shape) loads the package as published.
 */
const WORKER_SOURCE = `"use strict";
const { workerData } = require("worker_threads");
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const vm = require("vm");
const { port, cell, moduleUrl, moduleFile, cacheDir, pins } = workerData;
const done = new Int32Array(cell);
const log = [];
const keep = (...args) => { if (log.length < 10) log.push(args.map(String).join(" ")); };
console.log = console.info = console.warn = console.error = keep;
const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");
const INFLATE = "Lr??=Ct(ro(to))";
const HOOK = Symbol.for("secure-deployment-zones/graphviz-wasm");
// Where the WebAssembly of the last load came from: "cache", "package" (inflated by the patched
// bundle) or "published" (the package as published, not patched).
let wasmFrom = "published";
const folderIsOwn = (dir) => {
  const st = fs.lstatSync(dir);
  return st.isDirectory() && (typeof process.getuid !== "function" || (st.uid === process.getuid() && (st.mode & 0o022) === 0));
};
function readCache(file, pin) {
  let fd;
  try {
    if (!folderIsOwn(path.dirname(file))) return undefined;
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW || 0) | (fs.constants.O_NONBLOCK || 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size !== pin.size) return undefined;
    const bytes = new Uint8Array(pin.size);
    for (let at = 0; at < bytes.length;) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    return sha256(bytes) === pin.wasm ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
function writeCache(file, bytes) {
  const temp = file + "." + process.pid + "." + crypto.randomBytes(6).toString("hex") + ".tmp";
  let fd;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!folderIsOwn(path.dirname(file))) return;
    fd = fs.openSync(temp, "wx", 0o600);
    for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch {
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
    try { fs.unlinkSync(temp); } catch {}
  }
}
// The bundle with its inflation routed through the cache, as a module namespace; undefined when
// the bundle is not a pinned one or does not have the expected shape.
function patchedModule() {
  const text = fs.readFileSync(moduleFile, "utf8");
  const pin = pins.find((p) => p.bundle === sha256(text));
  const at = text.indexOf(INFLATE);
  const exported = text.lastIndexOf("export{");
  const close = text.indexOf("}", exported);
  if (!pin || at < 0 || text.indexOf(INFLATE, at + 1) >= 0 || exported < at || close < 0) return undefined;
  const tail = text.slice(close + 1).split("\\n").map((l) => l.trim()).filter((l) => l !== "" && l !== ";");
  if (tail.some((l) => !l.startsWith("//# sourceMappingURL="))) return undefined;
  const names = text.slice(exported + 7, close).split(",").map((e) => e.trim().split(" as "));
  if (names.some((n) => n.length > 2 || n.some((x) => !/^[A-Za-z_$][\\w$]*$/.test(x)))) return undefined;
  const file = path.join(cacheDir, "graphviz-" + pin.wasm + ".wasm");
  globalThis[HOOK] = (inflate) => {
    const cached = cacheDir ? readCache(file, pin) : undefined;
    if (cached) {
      wasmFrom = "cache";
      return cached;
    }
    const bytes = inflate();
    wasmFrom = "package";
    if (cacheDir && bytes.length === pin.size && sha256(bytes) === pin.wasm) writeCache(file, bytes);
    return bytes;
  };
  const body = text.slice(0, at) + "Lr??=globalThis[Symbol.for(" + JSON.stringify(HOOK.description) + ")](()=>Ct(ro(to)))"
    + text.slice(at + INFLATE.length, exported) + ";return {" + names.map((n) => JSON.stringify(n[n.length - 1]) + ":" + n[0]).join(",") + "};";
  return vm.runInThisContext("(function(){\\"use strict\\";" + body + "\\n})", { filename: moduleFile })();
}
let graphvizModule;
const importGraphviz = () => (graphvizModule ??= (async () => {
  try {
    const m = patchedModule();
    if (m) return m;
  } catch {
    // the package as published, below
  }
  return import(moduleUrl);
})());
let graphviz;
// A first layout compiles most of Graphviz's WebAssembly functions (V8 compiles them lazily):
// done at load, it overlaps with synthesis instead of delaying the first real request.
const WARM_UP = 'digraph { graph [rankdir=LR, fontname="Helvetica", label="a"]; node [fontname="Helvetica"]; subgraph cluster_a { label="a"; a [shape=box, style="rounded,filled"] } a -> b [label="b", style=dashed] }';
const load = () => (graphviz ??= importGraphviz().then((m) => m.Graphviz.load()).then((gv) => { gv.dot(WARM_UP, "svg"); return gv; }));
load().catch(() => undefined);
const reply = (message) => {
  port.postMessage(message);
  Atomics.store(done, 0, message.id);
  Atomics.notify(done, 0);
};
let current = 0;
process.on("uncaughtException", (err) => reply({ id: current, error: String(err && err.message || err) }));
port.on("message", async ({ id, dot }) => {
  current = id;
  log.length = 0;
  try {
    const gv = await load();
    reply({ id, svg: gv.dot(dot, "svg"), wasm: wasmFrom });
  } catch (err) {
    // Graphviz unloads its module after a failure: load it afresh for the next request.
    graphviz = undefined;
    reply({ id, error: [String(err && err.message || err), ...log].join(" ").slice(0, 2000) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly svg?: string;
  readonly error?: string;
  /** Where the worker's WebAssembly came from (see the worker's code). */
  readonly wasm?: "cache" | "package" | "published";
}

/** Options of {@link GraphvizWorker}. @internal */
export interface GraphvizWorkerOptions {
  /** The folder of the inflated WebAssembly; `null`: no cache. @default defaultGraphvizCacheDir() */
  readonly cacheDir?: string | null;
  /** The bundles known to the cache. @default GRAPHVIZ_WASM_PINS */
  readonly pins?: readonly GraphvizWasmPin[];
}

/**
 * Graphviz (WebAssembly) in a worker thread, called synchronously.
 *
 * `@hpcc-js/wasm-graphviz` is an ES module whose only entry point, `Graphviz.load()`, is
 * asynchronous (the Emscripten glue awaits `WebAssembly.instantiate`), while cdktf synthesis is
 * synchronous. The worker does the asynchronous part; the synthesizing thread posts the DOT and
 * blocks with `Atomics.wait` until the worker stores the request's id in a shared cell, then takes
 * the reply with `receiveMessageOnPort` (both synchronous). The module is loaded and compiled once
 * per process and every stack reuses it.
 *
 * Measured alternatives (paired runs on a shared 2-core machine, see `npm run bench`):
 * - a `node` child process per rendering (the previous design) pays Node's start-up, the module
 *   import and the WebAssembly load for every stack: about 0.5 s each;
 * - loading the module on the synthesizing thread itself is not possible through the package's API
 *   (its factory is `async`; making it synchronous means patching the minified bundle), and would
 *   put the whole load (mostly a JavaScript zstd decompression of the inlined WebAssembly) on the
 *   critical path, where the worker can do it on another core while synthesis runs.
 *
 * The worker is `unref`'d: it never keeps the process alive.
 */
export class GraphvizWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done: Int32Array;
  private lastId = 0;
  private disposed = false;

  /** Where the WebAssembly of the last rendering came from (tests). */
  public wasmSource: Reply["wasm"];

  constructor(options: GraphvizWorkerOptions = {}) {
    const moduleFile = require.resolve("@hpcc-js/wasm-graphviz");
    const cell = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2, cell, moduleFile, moduleUrl: pathToFileURL(moduleFile).href,
        cacheDir: options.cacheDir === undefined ? defaultGraphvizCacheDir() : options.cacheDir, pins: options.pins ?? GRAPHVIZ_WASM_PINS,
      },
      transferList: [port2],
      // Graphviz's own console output is collected by the worker and reported with its errors.
      stdout: true,
      stderr: true,
    });
    // A worker that dies (out of memory, say) is replaced by the next rendering; its 'error' event
    // must have a listener, or it would end the synthesizing process.
    this.worker.on("error", () => this.dispose());
    this.worker.on("exit", () => this.dispose());
    this.worker.unref();
    this.port = port1;
    this.port.unref();
    this.done = new Int32Array(cell);
  }

  /** Whether this worker can still render (it is discarded after a timeout). */
  public get usable(): boolean {
    return !this.disposed;
  }

  /**
   * Lays `dot` out and returns the SVG. Throws with Graphviz's message when the DOT is invalid, and
   * after `timeoutMs` (the worker is then terminated, unusable, and a new one must be made).
   */
  public render(dot: string, timeoutMs: number): string {
    if (this.disposed) throw new Error("the Graphviz worker was stopped");
    const id = ++this.lastId;
    this.port.postMessage({ id, dot });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.done, 0);
      if (seen === id) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.dispose();
        throw new Error(`layout took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`);
      }
      Atomics.wait(this.done, 0, seen, left);
    }
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const reply = m.message as Reply;
      if (reply.id !== id) continue;
      if (reply.svg !== undefined) {
        this.wasmSource = reply.wasm;
        return reply.svg;
      }
      throw new Error(reply.error ?? "no output");
    }
    throw new Error("the Graphviz worker stored no reply");
  }

  /** Stops the worker thread. */
  public dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
