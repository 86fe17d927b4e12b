import { pathToFileURL } from "url";
import { setFlagsFromString } from "v8";
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "worker_threads";

/**
 * How many live workers hold V8's WebAssembly baseline-only mode (see {@link holdLiftoffOnly}); kept
 * on the global object so that two copies of this module in one process (jest's registries, two
 * installs of the library) share one count.
 */
const LIFTOFF_HOLDERS = Symbol.for("secure-deployment-zones/graphviz-liftoff-only");

/**
 * Puts V8 in WebAssembly baseline-only mode (`--liftoff-only`) while a Graphviz worker lives; true when it did.
 *
 * By default V8 first compiles WebAssembly with its baseline compiler (Liftoff) and then recompiles
 * hot functions with its optimizing compiler (TurboFan) in the background. For Graphviz's layouts
 * that tier-up costs more than it saves: measured on a 2-core machine, the warm-up layout took
 * ~100 ms with it and ~35 ms without, a 250-edge layout 160-450 ms with it and 40-130 ms without,
 * and stopping the worker waited 40-90 ms for the background compilations (under 10 ms without).
 * V8's flags belong to the process (a worker cannot have its own), so the mode is set when the
 * first worker starts and the defaults (`--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering`,
 * which `--liftoff-only` turned off by implication) are put back when the last one stops: in
 * between, WebAssembly that the rest of the process compiles runs on Liftoff too (same results,
 * possibly slower). A process started with any WebAssembly or Liftoff flag of its own is left alone.
 */
function holdLiftoffOnly(): boolean {
  if (process.execArgv.some((a) => /^--(no-)?(wasm|liftoff|turbo|experimental-wasm)/.test(a.replace(/_/g, "-")))) return false;
  const g = globalThis as unknown as Record<symbol, number | undefined>;
  const holders = g[LIFTOFF_HOLDERS] ?? 0;
  if (holders === 0) setFlagsFromString("--liftoff-only");
  g[LIFTOFF_HOLDERS] = holders + 1;
  return true;
}

/** Ends one worker's hold of the baseline-only mode; the last one restores V8's defaults. */
function releaseLiftoffOnly(): void {
  const g = globalThis as unknown as Record<symbol, number | undefined>;
  const holders = (g[LIFTOFF_HOLDERS] ?? 1) - 1;
  g[LIFTOFF_HOLDERS] = holders;
  if (holders === 0) setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
}

/**
 * The worker's code (plain CommonJS, evaluated by the worker thread, so it runs the same under
 * ts-jest and from the built library). It loads `@hpcc-js/wasm-graphviz` once, at start, and then
 * answers `{ id, dot }` messages with `{ id, svg }` or `{ id, error }`. After posting a reply it
 * stores the request's id in the shared cell and wakes the waiting thread.
 */
const WORKER_SOURCE = `"use strict";
const { workerData } = require("worker_threads");
const { port, cell, moduleUrl } = workerData;
const done = new Int32Array(cell);
const log = [];
const keep = (...args) => { if (log.length < 10) log.push(args.map(String).join(" ")); };
console.log = console.info = console.warn = console.error = keep;
let graphviz;
// A first layout compiles most of Graphviz's WebAssembly functions (V8 compiles them lazily):
// done at load, it overlaps with synthesis instead of delaying the first real request.
const WARM_UP = 'digraph { graph [rankdir=LR, fontname="Helvetica", label="a"]; node [fontname="Helvetica"]; subgraph cluster_a { label="a"; a [shape=box, style="rounded,filled"] } a -> b [label="b", style=dashed] }';
const load = () => (graphviz ??= import(moduleUrl).then((m) => m.Graphviz.load()).then((gv) => { gv.dot(WARM_UP, "svg"); return gv; }));
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
    reply({ id, svg: gv.dot(dot, "svg") });
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
  private readonly liftoffOnly: boolean;

  constructor() {
    const cell = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, cell, moduleUrl: pathToFileURL(require.resolve("@hpcc-js/wasm-graphviz")).href },
      transferList: [port2],
      // Graphviz's own console output is collected by the worker and reported with its errors.
      stdout: true,
      stderr: true,
    });
    // Set before the worker compiles Graphviz (it first has to boot and import the module).
    this.liftoffOnly = holdLiftoffOnly();
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
      if (reply.svg !== undefined) return reply.svg;
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
    if (this.liftoffOnly) releaseLiftoffOnly();
  }
}
