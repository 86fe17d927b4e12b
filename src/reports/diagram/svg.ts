import { GraphvizWorker } from "./graphviz-worker";

/** Most time one rendering may take, loading Graphviz included; the worker is stopped after it. */
const RENDER_TIMEOUT_MS = 120_000;

/** The process's Graphviz worker, made on first use and shared by every stack of one synthesis. */
let worker: GraphvizWorker | undefined;
let stopScheduled = false;
/** Renderings announced by {@link prepareSvgRenderer} and not done yet. */
let announced = 0;

/**
 * The worker, made if needed. It is stopped when the last announced rendering is done, or else as
 * soon as the event loop runs again: synthesis is synchronous, so every stack of one `app.synth()`
 * shares it, and nothing keeps it (or its ~40 MB) afterwards. Stopping it early matters: V8 keeps
 * compiling Graphviz's hot functions in the background after a layout, and a process cannot exit
 * before its worker's isolate is torn down, which waits for them (measured 0.2-0.4 s when the
 * worker was stopped only at exit, under 0.1 s when stopped right after the last rendering).
 */
function graphviz(): GraphvizWorker {
  if (!worker?.usable) worker = new GraphvizWorker();
  if (!stopScheduled) {
    stopScheduled = true;
    setImmediate(stopSvgRenderer);
  }
  return worker;
}

/**
 * Above this many constructs a stack's rendering is not prepared ahead: its diagram usually has more
 * arrows than an SVG is drawn for (`MAX_SVG_EDGES`), its synthesis takes seconds anyway, and a
 * worker loading beside it would only add to its peak memory (about 40 MB).
 * @internal
 */
export const PREPARE_MAX_CONSTRUCTS = 5_000;

/**
 * Announces a rendering to come and starts loading Graphviz in a worker thread (once), so that its
 * WebAssembly is compiled on another core while the stack synthesizes and {@link renderSvgSync}
 * waits less, unless the stack has more than {@link PREPARE_MAX_CONSTRUCTS} `constructs`. Each call
 * must be followed by one {@link svgRenderingDone}.
 * @internal
 */
export function prepareSvgRenderer(constructs: number = 0): void {
  announced++;
  if (constructs > PREPARE_MAX_CONSTRUCTS) return;
  try {
    graphviz();
  } catch {
    // Only an optimisation: the rendering itself reports any failure to start Graphviz.
  }
}

/**
 * Starts loading Graphviz without announcing a rendering (the checks call it when they are added
 * to a stack, so the WebAssembly compiles while the app builds its constructs too). An unannounced
 * worker is stopped as soon as the event loop runs again, like any other.
 * @internal
 */
export function warmSvgRenderer(constructs: number = 0): void {
  if (constructs > PREPARE_MAX_CONSTRUCTS) return;
  try {
    graphviz();
  } catch {
    // Only an optimisation.
  }
}

/**
 * Says that a rendering announced by {@link prepareSvgRenderer} is done (or was not needed): after
 * the last one the worker is stopped at once.
 * @internal
 */
export function svgRenderingDone(): void {
  if (announced > 0 && --announced === 0) stopSvgRenderer();
}

/**
 * Stops the process's Graphviz worker now, if there is one (the next rendering starts a new one).
 * @internal
 */
export function stopSvgRenderer(): void {
  stopScheduled = false;
  announced = 0;
  worker?.dispose();
  worker = undefined;
}

/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly, synchronously, without a browser and
 * without a child process (see {@link GraphvizWorker}). Throws with Graphviz's message when the
 * DOT is invalid or rendering fails or takes longer than `timeoutMs`.
 * @internal
 */
export function renderSvgSync(dot: string, timeoutMs: number = RENDER_TIMEOUT_MS): string {
  try {
    return graphviz().render(dot, timeoutMs);
  } catch (err) {
    const detail = (err as Error).message || String(err);
    throw new Error(`Graphviz could not render the zone-flow diagram: ${detail.split("\n").slice(0, 5).join(" ")}`);
  }
}
