/**
 * Terraform HCL (`*.tf`) to Terraform JSON, with `@cdktf/hcl2json`: HashiCorp's HCL parser compiled
 * to WebAssembly, shipped in the package (no network, no Terraform binary).
 *
 * The package's API is asynchronous only because it instantiates the WebAssembly module
 * asynchronously; its parse function answers synchronously once the module runs. The command line
 * is synchronous, so the module is instantiated here with the synchronous WebAssembly API, on first
 * use only (a configuration without `.tf` files never loads it).
 *
 * The output is Terraform JSON as `terraform` reads it: blocks as lists of bodies, expressions as
 * `${...}` strings. Parse errors are reported with file, line and column and HCL's one-line summary
 * only: HCL's detail text may quote the source, and the source may hold a secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

/** The functions the Go program registers (see @cdktf/hcl2json's bridge). */
interface GoParser {
  parse(fileName: string, text: string, done: (error: string | null, json: string | null) => void): void;
}

let parser: GoParser | undefined;
/** The compiled WebAssembly module: compiled once, instantiated again after a failure. */
let compiled: object | undefined;

/**
 * Instantiates the WebAssembly HCL parser, once per process while it works: after a failure (the Go
 * program crashed or exited, e.g. on a stack overflow) {@link parseHcl} drops it and the next file
 * gets a fresh instance, so one bad file never makes the later ones fail.
 */
function loadParser(): GoParser {
  if (parser) return parser;
  const dir = path.dirname(require.resolve("@cdktf/hcl2json/package.json"));
  // The package's Go runtime glue defines globalThis.Go.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(dir, "wasm", "bridge_wasm_exec.js"));
  const g = globalThis as unknown as {
    Go: new () => { importObject: { go: Record<string, unknown> }; exit: (code: number) => void; run(instance: object): Promise<void> };
    // Node's WebAssembly global (the compiler's lib does not declare it).
    WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => object };
  };
  const go = new g.Go();
  // The Go runtime writes its own crash reports (stack traces) to the process's stdout and stderr,
  // which would corrupt a report on standard output: the parser's answers come through the callback,
  // so its writes are dropped, and so is the glue's "exit code" warning.
  go.importObject.go["runtime.wasmWrite"] = () => undefined;
  go.exit = () => undefined;
  // Synchronous compile and instantiation: Node allows both for modules of any size.
  compiled ??= new g.WebAssembly.Module(zlib.gunzipSync(fs.readFileSync(path.join(dir, "main.wasm.gz"))));
  const instance = new g.WebAssembly.Instance(compiled, go.importObject);
  // The Go program registers its functions on this global object, synchronously, when it starts.
  const exported: Partial<GoParser> = {};
  (globalThis as unknown as Record<string, unknown>).__parse_terraform_config_wasm__ = exported;
  void go.run(instance).catch(() => undefined);
  if (typeof exported.parse !== "function") throw new Error("the HCL parser did not start");
  parser = exported as GoParser;
  return parser;
}

/**
 * The deepest nesting of brackets (`(`, `[`, `{`, and `${`/`%{` in strings) the parser is given:
 * HCL's recursive-descent parser overflows its stack far below the input size limit (200 KB of `[`
 * crashed it after 8 s), and no real configuration nests a tenth as deep.
 */
export const MAX_HCL_NESTING = 256;

/**
 * Where brackets first nest deeper than `limit` (outside strings, comments and heredocs; a string's
 * `${...}` counts as code), or undefined. A linear scan, not a parser: it only bounds the parser's work.
 */
export function tooDeep(text: string, limit: number = MAX_HCL_NESTING): { line: number; column: number } | undefined {
  let depth = 0;
  let inString = false;
  const templates: number[] = []; // depth at which each open `${` of a string began
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    }
    if (inString) {
      if (c === "\\") i++;
      else if (c === "\"" || c === "\n") inString = false;
      else if ((c === "$" || c === "%") && text[i + 1] === "{") {
        if (text[i - 1] === c) continue; // `$${` / `%%{`: a literal
        templates.push(depth);
        inString = false;
        i++;
        if (++depth > limit) return { line, column: i - lineStart + 1 };
      }
      continue;
    }
    if (c === "\"") inString = true;
    else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const end = text.indexOf("\n", i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end);
      for (let j = skipped.indexOf("\n"); j >= 0; j = skipped.indexOf("\n", j + 1)) {
        line++;
        lineStart = i + j + 1;
      }
      i = end < 0 ? text.length : end + 1;
    } else if (c === "<" && text[i + 1] === "<") {
      const h = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(text.slice(i, i + 80));
      if (h) {
        // Skip to the line that holds only the heredoc's terminator.
        const re = new RegExp(`^[ \\t]*${h[1]}[ \\t]*\\r?$`, "gm");
        re.lastIndex = i + h[0].length;
        const m = re.exec(text);
        const end = m ? m.index + m[0].length : text.length;
        for (let j = text.indexOf("\n", i); j >= 0 && j < end; j = text.indexOf("\n", j + 1)) {
          line++;
          lineStart = j + 1;
        }
        i = end - 1;
      }
    } else if (c === "(" || c === "[" || c === "{") {
      if (++depth > limit) return { line, column: i - lineStart + 1 };
    } else if (c === ")" || c === "]" || c === "}") {
      if (c === "}" && templates.length > 0 && templates[templates.length - 1] === depth - 1) {
        templates.pop();
        inString = true;
      }
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** A summary HCL gives for a diagnostic, kept only when it is plain words (never a quote of the source). */
function safeSummary(summary: string | undefined): string {
  const s = (summary ?? "").trim();
  return /^[A-Za-z][A-Za-z ,'()-]{0,80}$/.test(s) && !/["`]/.test(s) ? s : "invalid HCL";
}

/**
 * Parses one HCL file to Terraform JSON. On a syntax error returns a message with the problem
 * summary, line and column (`Argument or block definition required (line 3 column 5)`).
 */
export function parseHcl(fileName: string, text: string): { json: Record<string, unknown> } | { error: string } {
  const deep = tooDeep(text);
  if (deep) return { error: `brackets nest deeper than ${MAX_HCL_NESTING} levels: not parsed (line ${deep.line} column ${deep.column})` };
  let result: { json?: string; error?: string } = {};
  let answered = false;
  try {
    loadParser().parse(path.basename(fileName), text, (error, json) => {
      answered = true;
      result = error ? { error } : { json: json ?? "{}" };
    });
  } catch (err) {
    // The Go program may be dead now (a crash ends it): the next file gets a fresh parser.
    parser = undefined;
    return { error: `the HCL parser failed (${(err as Error)?.name ?? "error"})` };
  }
  if (!answered) {
    parser = undefined;
    return { error: "the HCL parser did not answer" };
  }
  if (result.error !== undefined) {
    // "parse config: [main.tf:3,5-9: Summary; Detail...]": keep the position and the summary.
    const m = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^;\]]*)/.exec(result.error);
    return { error: m ? `${safeSummary(m[3])} (line ${m[1]} column ${m[2]})` : "invalid HCL" };
  }
  try {
    const json = JSON.parse(result.json ?? "{}");
    return { json: json && typeof json === "object" && !Array.isArray(json) ? json : {} };
  } catch {
    return { error: "the HCL parser returned no configuration" };
  }
}

/**
 * The line range of each block `resource "<type>" "<name>"` (or `module "<name>"`) in HCL text,
 * from its header to its closing brace, keyed by `type.name` (`module.name`). A scan of block
 * headers and braces (strings, comments and heredocs are skipped), linear in the text.
 */
export function hclBlockRegions(text: string): Map<string, { startLine: number; endLine: number }> {
  const out = new Map<string, { startLine: number; endLine: number }>();
  const lines = text.split("\n");
  let depth = 0;
  let open: { key: string; startLine: number } | undefined;
  let heredoc: string | undefined;
  let inBlockComment = false;
  const header = /^\s*(resource|data|module)\s+("?)([^\s"{]+)\2(?:\s+("?)([^\s"{]+)\4)?\s*\{/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    if (depth === 0 && !inBlockComment) {
      const m = header.exec(line);
      if (m) {
        const key = m[1] === "resource" ? `${m[3]}.${m[5]}` : m[1] === "module" ? `module.${m[3]}` : `data.${m[3]}.${m[5]}`;
        open = { key, startLine: i + 1 };
      }
    }
    // Count braces outside strings and comments.
    let inString = false;
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (inBlockComment) {
        if (c === "*" && line[j + 1] === "/") {
          inBlockComment = false;
          j++;
        }
        continue;
      }
      if (inString) {
        if (c === "\\") j++;
        else if (c === "\"") inString = false;
        continue;
      }
      if (c === "\"") inString = true;
      else if (c === "#" || (c === "/" && line[j + 1] === "/")) break;
      else if (c === "/" && line[j + 1] === "*") {
        inBlockComment = true;
        j++;
      } else if (c === "<" && line[j + 1] === "<") {
        const h = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line.slice(j));
        if (h) {
          heredoc = h[1];
          break;
        }
      } else if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (depth === 0 && open) {
          if (!out.has(open.key)) out.set(open.key, { startLine: open.startLine, endLine: i + 1 });
          open = undefined;
        }
      }
    }
  }
  return out;
}
