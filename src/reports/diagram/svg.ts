import { execFileSync } from "child_process";
import { pathToFileURL } from "url";

/**
 * The renderer run in a child process. `@hpcc-js/wasm-graphviz` is an ES module whose `Graphviz.load()`
 * is asynchronous (WebAssembly instantiation), while cdktf synthesis is synchronous: a short-lived
 * `node` child does the asynchronous part and the parent waits for it with `execFileSync`.
 * Measured cost: about 0.45-0.6 s per call on a shared 2-core machine (node start-up plus WebAssembly compilation), layout
 * itself a few milliseconds for a site-sized graph.
 */
const RENDER_SCRIPT = `
const { Graphviz } = await import(process.argv[1]);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const graphviz = await Graphviz.load();
process.stdout.write(graphviz.dot(Buffer.concat(chunks).toString("utf8"), "svg"));
`;

/** Most time one rendering may take. */
const RENDER_TIMEOUT_MS = 120_000;

/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly, synchronously, without a browser.
 * Throws with Graphviz's message when the DOT is invalid or rendering fails.
 * @internal
 */
export function renderSvgSync(dot: string): string {
  const moduleUrl = pathToFileURL(require.resolve("@hpcc-js/wasm-graphviz")).href;
  try {
    return execFileSync(process.execPath, ["--input-type=module", "-e", RENDER_SCRIPT, moduleUrl], {
      input: dot,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      timeout: RENDER_TIMEOUT_MS,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const detail = (e.stderr && String(e.stderr).trim()) || e.message || String(err);
    throw new Error(`Graphviz could not render the zone-flow diagram: ${detail.split("\n").slice(0, 5).join(" ")}`);
  }
}
