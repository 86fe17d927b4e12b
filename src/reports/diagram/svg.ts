import { GraphvizWorker } from "./graphviz-worker";

/** Most time one rendering may take, loading Graphviz included; the worker is stopped after it. */
const RENDER_TIMEOUT_MS = 120_000;

/**
 * How long an unused worker is kept once the event loop runs again. Synthesis is synchronous, so
 * every stack of one `app.synth()` shares the worker; a long-lived process (a test runner, a
 * program synthesizing several apps) does not keep Graphviz's memory (about 40 MB) afterwards.
 */
const IDLE_MS = 1_000;

/** The process's Graphviz worker, made on first use and shared by every stack. */
let worker: GraphvizWorker | undefined;
let idleTimer: NodeJS.Timeout | undefined;

function graphviz(): GraphvizWorker {
  if (!worker?.usable) worker = new GraphvizWorker();
  const current = worker;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    current.dispose();
    if (worker === current) worker = undefined;
  }, IDLE_MS);
  idleTimer.unref();
  return current;
}

/**
 * Starts loading Graphviz in a worker thread (idempotent), so that its WebAssembly is compiled on
 * another core while the stack synthesizes and {@link renderSvgSync} waits less.
 * @internal
 */
export function prepareSvgRenderer(): void {
  graphviz();
}

/**
 * Stops the process's Graphviz worker now, if there is one (the next rendering starts a new one).
 * @internal
 */
export function stopSvgRenderer(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
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
