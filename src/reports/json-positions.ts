/**
 * A small JSON scanner that keeps positions, in one linear pass without building values:
 *
 * - {@link jsonSyntaxError}: where a text stops being JSON, as line and column and a problem from a
 *   fixed vocabulary. `JSON.parse` messages quote the text around the error (V8 copies about ten
 *   characters each side), which can be a password next to a typo; these never quote the input.
 * - {@link terraformResourceLines} and {@link planResourceLines}: the line of each resource in the
 *   file it came from, so SARIF results and annotations point at the resource itself rather than at
 *   a re-serialized copy of the document.
 */

/** Where and why a text is not JSON. `problem` never contains text from the input. */
export interface JsonSyntaxError {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units (SARIF's default column kind). */
  readonly column: number;
  readonly problem: string;
}

/** A step of the path to a value: an object key or a list index. */
type Step = string | number;

/** Called for the start of every value (object, list or scalar) with its path and line. */
type Visitor = (path: readonly Step[], line: number, kind: "object" | "array" | "scalar", stringValue: string | undefined) => void;

/** Called when an object or list ends, with its path and the line of its closing bracket. */
type LeaveVisitor = (path: readonly Step[], line: number) => void;

/** A line range in a text file (1-based, inclusive). */
export interface LineRegion {
  readonly startLine: number;
  readonly endLine: number;
}

class Scanner {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private error: JsonSyntaxError | undefined;
  /** The path of the value being scanned (only kept while `keepPath` says so, to stay cheap). */
  private readonly path: Step[] = [];

  constructor(
    private readonly text: string,
    private readonly visit?: Visitor,
    private readonly keepDepth = Infinity,
    private readonly leave?: LeaveVisitor,
  ) {}

  private left(): void {
    if (this.leave && this.path.length <= this.keepDepth) this.leave(this.path, this.line);
  }

  public run(): JsonSyntaxError | undefined {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1, this.lineStart = 1;
    this.skipSpace();
    if (this.pos >= this.text.length) return this.fail("no JSON value: the text is empty");
    this.value();
    if (this.error) return this.error;
    this.skipSpace();
    if (this.pos < this.text.length) return this.fail("unexpected data after the JSON value");
    return undefined;
  }

  private fail(problem: string): JsonSyntaxError {
    this.error ??= { line: this.line, column: this.pos - this.lineStart + 1, problem };
    return this.error;
  }

  private skipSpace(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.pos++;
      else if (c === 0x0a) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else return;
    }
  }

  /**
   * Scans one value. Iterative over nesting (an explicit stack), so deeply nested input cannot
   * overflow the call stack.
   */
  private value(): void {
    const t = this.text;
    // Each frame: the container kind, and whether a first element has been seen.
    const stack: { kind: "object" | "array"; count: number }[] = [];
    const notify = (kind: "object" | "array" | "scalar", str?: string) => {
      if (this.visit && this.path.length <= this.keepDepth) this.visit(this.path, this.line, kind, str);
    };
    for (;;) {
      // Expect a value at this.pos.
      this.skipSpace();
      const c = t.charCodeAt(this.pos);
      let closed = false;
      if (c === 0x7b /* { */) {
        notify("object");
        this.pos++;
        stack.push({ kind: "object", count: 0 });
        this.skipSpace();
        if (t.charCodeAt(this.pos) === 0x7d /* } */) {
          this.left();
          this.pos++;
          stack.pop();
          closed = true;
        } else if (!this.property()) return;
      } else if (c === 0x5b /* [ */) {
        notify("array");
        this.pos++;
        stack.push({ kind: "array", count: 0 });
        this.skipSpace();
        if (t.charCodeAt(this.pos) === 0x5d /* ] */) {
          this.left();
          this.pos++;
          stack.pop();
          closed = true;
        } else {
          this.path.push(0);
          continue;
        }
      } else if (c === 0x22 /* " */) {
        const line = this.line;
        const s = this.string(this.visit !== undefined && this.path.length <= this.keepDepth);
        if (s === null) return;
        if (this.visit && this.path.length <= this.keepDepth) this.visit(this.path, line, "scalar", s);
        closed = true;
      } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
        notify("scalar");
        if (!this.number()) return;
        closed = true;
      } else if (t.startsWith("true", this.pos) || t.startsWith("null", this.pos)) {
        notify("scalar");
        this.pos += 4;
        closed = true;
      } else if (t.startsWith("false", this.pos)) {
        notify("scalar");
        this.pos += 5;
        closed = true;
      } else {
        this.fail(this.pos >= t.length ? "unexpected end of input: a value is missing" : "unexpected character: expected a value");
        return;
      }
      if (!closed) continue; // an object whose first property is being scanned
      // A value is complete: continue in the enclosing container(s).
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) return;
        this.skipSpace();
        const d = t.charCodeAt(this.pos);
        if (top.kind === "array") {
          if (d === 0x2c /* , */) {
            this.pos++;
            top.count++;
            this.path[this.path.length - 1] = top.count;
            break; // next element
          }
          if (d === 0x5d /* ] */) {
            this.path.pop();
            this.left();
            this.pos++;
            stack.pop();
            continue;
          }
          this.fail(this.pos >= t.length ? "unexpected end of input: a list is not closed" : "expected ',' or ']' after a list item");
          return;
        }
        // object: a property value was just completed
        this.path.pop();
        if (d === 0x2c /* , */) {
          this.pos++;
          this.skipSpace();
          if (!this.property()) return;
          break; // its value
        }
        if (d === 0x7d /* } */) {
          this.left();
          this.pos++;
          stack.pop();
          continue;
        }
        this.fail(this.pos >= t.length ? "unexpected end of input: an object is not closed" : "expected ',' or '}' after a property value");
        return;
      }
    }
  }

  /** Scans `"key" :` and pushes the key on the path; false on error. */
  private property(): boolean {
    if (this.text.charCodeAt(this.pos) !== 0x22) {
      this.fail(this.pos >= this.text.length ? "unexpected end of input: an object is not closed" : "expected a property name in double quotes");
      return false;
    }
    const key = this.string(true);
    if (key === null) return false;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) {
      this.fail("expected ':' after a property name");
      return false;
    }
    this.pos++;
    this.path.push(key);
    return true;
  }

  /** Scans a string starting at the opening quote; returns its value when `keep`, "" otherwise; null on error. */
  private string(keep: boolean): string | null {
    const t = this.text;
    const start = ++this.pos;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (Number.isNaN(c)) {
        this.fail("unexpected end of input: a string is not closed");
        return null;
      }
      if (c < 0x20) {
        this.fail(c === 0x0a ? "unterminated string (a line break inside a string)" : "control character inside a string");
        return null;
      }
      if (c === 0x5c /* \ */) {
        escaped = true;
        const e = t.charCodeAt(this.pos + 1);
        if (e === 0x75 /* u */) {
          if (!/^[0-9A-Fa-f]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
            this.fail("invalid \\u escape in a string");
            return null;
          }
          this.pos += 6;
          continue;
        }
        if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) {
          this.fail("invalid escape in a string");
          return null;
        }
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    const end = this.pos;
    this.pos++;
    if (!keep) return "";
    const raw = t.slice(start, end);
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  private number(): boolean {
    const re = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m || m[0] === "-" || m[0].length === 0) {
      this.fail("invalid number");
      return false;
    }
    this.pos += m[0].length;
    const next = this.text.charCodeAt(this.pos);
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) {
      this.fail("invalid number");
      return false;
    }
    return true;
  }
}

/** Where `text` stops being JSON, or undefined when it is valid JSON. Never quotes the input. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return new Scanner(text).run();
}

/** `problem (line L column C)`: a parse error safe to print (no input text). */
export function describeJsonSyntaxError(e: JsonSyntaxError): string {
  return `${e.problem} (line ${e.line} column ${e.column})`;
}

/** The address of a resource body in Terraform JSON: `resource.<type>.<name>` or `resource[i].<type>.<name>`. */
function terraformAddress(path: readonly Step[]): string | undefined {
  if (path[0] !== "resource") return undefined;
  const rest = typeof path[1] === "number" ? path.slice(2) : path.slice(1);
  if (rest.length === 2 && typeof rest[0] === "string" && typeof rest[1] === "string") return `${rest[0]}.${rest[1]}`;
  return undefined;
}

/**
 * The lines of every resource block in Terraform JSON (`cdk.tf.json`, `*.tf.json`): from the
 * `"<name>": {` key under `resource.<type>` to its closing bracket, keyed by address `type.name`.
 * Also reads the list form Terraform JSON allows (`"resource": [ { "<type>": { ... } } ]`).
 */
export function terraformResourceRegions(text: string): Map<string, LineRegion> {
  const starts = new Map<string, number>();
  const out = new Map<string, LineRegion>();
  new Scanner(text, (path, line) => {
    const address = terraformAddress(path);
    if (address !== undefined && !starts.has(address)) starts.set(address, line);
  }, 4, (path, line) => {
    const address = terraformAddress(path);
    const startLine = address !== undefined ? starts.get(address) : undefined;
    if (address !== undefined && startLine !== undefined && !out.has(address)) out.set(address, { startLine, endLine: line });
  }).run();
  // A resource whose body is a scalar (not valid Terraform, but still a position): one line.
  for (const [address, startLine] of starts) if (!out.has(address)) out.set(address, { startLine, endLine: startLine });
  return out;
}

/**
 * The lines of every resource block of a Terraform JSON *value* as cdktf writes it to cdk.tf.json
 * (json-stable-stringify, two-space indent: keys sorted, one member or item per line, empty
 * objects and arrays over two lines), counted from the value itself: no text is built. Every object
 * and array takes two lines plus its members' (a member's first line holds its key); a scalar takes
 * one. Undefined values and functions are left out of objects and written as `null` in arrays.
 */
export function cdktfJsonResourceRegions(tfJson: unknown, layout: JsonLayout = "cdktf"): Map<string, LineRegion> {
  // cdktn writes with safe-stable-stringify: keys sorted too, but empty objects and arrays on one line.
  const empty = layout === "cdktn" ? 1 : 2;
  const lineCount = lineCounter(empty);
  const out = new Map<string, LineRegion>();
  const root = jsonValue(tfJson);
  if (!isJsonObject(root)) return out;
  let line = 2;
  for (const key of Object.keys(root).sort()) {
    const value = jsonValue(root[key]);
    if (value === undefined) continue;
    // Keys are written sorted: nothing after "resource" can move a resource, so it is not counted.
    if (key === "resource") {
      if (isJsonObject(value)) resourceRegions(value, line + 1, empty, lineCount, out);
      break;
    }
    line += lineCount(value);
  }
  return out;
}

/**
 * Adds the region of every resource under `resource` (the value of the top-level key, whose
 * first type starts on `typeLine`) to `out`. Each body is counted once; a block's lines are 2 plus
 * its members' (or `empty`), summed on the way.
 */
function resourceRegions(
  resource: Record<string, unknown>, typeLine: number, empty: number, lineCount: (v: unknown) => number, out: Map<string, LineRegion>,
): void {
  for (const type of Object.keys(resource).sort()) {
    const byName = jsonValue(resource[type]);
    if (byName === undefined) continue;
    if (!isJsonObject(byName)) {
      typeLine += lineCount(byName);
      continue;
    }
    let nameLine = typeLine + 1;
    let names = 0;
    for (const name of Object.keys(byName).sort()) {
      const body = jsonValue(byName[name]);
      if (body === undefined) continue;
      const n = lineCount(body);
      const address = `${type}.${name}`;
      if (!out.has(address)) out.set(address, { startLine: nameLine, endLine: nameLine + n - 1 });
      nameLine += n;
      names++;
    }
    typeLine += names > 0 ? nameLine - typeLine + 1 : empty;
  }
}

/** The value json-stable-stringify writes for `v` (after `toJSON`), or undefined when it leaves it out. */
function jsonValue(v: unknown): unknown {
  if (v === undefined || typeof v === "function") return undefined;
  if (v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function") return (v as { toJSON: () => unknown }).toJSON();
  return v;
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Which engine's writer laid out cdk.tf.json: cdktf (json-stable-stringify) or CDK Terrain (safe-stable-stringify). */
export type JsonLayout = "cdktf" | "cdktn";

/** Containers nested deeper than this count as one line (a guard against pathological input, not a real layout). */
const MAX_DEPTH = 512;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A function giving the lines an (already {@link jsonValue}d) value takes when written with
 * two-space indent; `empty`: lines of `{}` and `[]`.
 *
 * It visits every member of the stack (about 170,000 at 1,000 zones), so the common cases are kept
 * cheap: strings, numbers and booleans are one line without a `toJSON` look-up (unless someone gave
 * their prototypes a `toJSON`), and object keys are walked with `for...in` rather than collected
 * into an array. The counts are those of {@link jsonValue} applied to every member.
 */
function lineCounter(empty: number): (v: unknown) => number {
  // A toJSON on a primitive's prototype would apply to every such value: then take the general path.
  const plainPrimitives = [String, Number, Boolean].every((t) => (t.prototype as { toJSON?: unknown }).toJSON === undefined);

  /** Lines of a member before {@link jsonValue}; 0 when an object leaves it out (undefined, a function). */
  function memberLines(raw: unknown, depth: number): number {
    const type = typeof raw;
    if (type === "object") {
      if (raw === null) return 1;
      if (typeof (raw as { toJSON?: unknown }).toJSON !== "function") return containerLines(raw as object, depth);
    } else if (type === "string" || type === "number" || type === "boolean") {
      if (plainPrimitives) return 1;
    } else if (type === "undefined" || type === "function") return 0;
    const value = jsonValue(raw);
    if (value === undefined) return 0;
    return typeof value === "object" && value !== null ? containerLines(value, depth) : 1;
  }

  /** Lines of an object or array whose members are at `depth + 1`. */
  function containerLines(v: object, depth: number): number {
    if (depth > MAX_DEPTH) return 1;
    let members = 0;
    if (Array.isArray(v)) {
      if (v.length === 0) return empty;
      // An item an object would leave out is written as `null`: one line.
      for (let i = 0; i < v.length; i++) members += memberLines(v[i], depth + 1) || 1;
      return 2 + members;
    }
    for (const key in v) {
      if (hasOwn.call(v, key)) members += memberLines((v as Record<string, unknown>)[key], depth + 1);
    }
    // No member written (none, or all left out): `{}`.
    return members > 0 ? 2 + members : empty;
  }

  return (v) => (typeof v === "object" && v !== null ? containerLines(v, 0) : 1);
}

/** The start line of every resource block in Terraform JSON, keyed by address `type.name`. */
export function terraformResourceLines(text: string): Map<string, number> {
  return new Map([...terraformResourceRegions(text)].map(([a, r]) => [a, r.startLine]));
}

/**
 * The lines of every resource instance in `terraform show -json` plan output: its object under
 * `planned_values` (root module and child modules), keyed by its `address`.
 */
export function planResourceRegions(text: string): Map<string, LineRegion> {
  const out = new Map<string, LineRegion>();
  const open = new Map<string, { startLine: number; address?: string }>(); // path of a resource object -> start, address
  const isResource = (path: readonly Step[]) => path.length >= 4 && path[0] === "planned_values" && typeof path[path.length - 1] === "number" && path[path.length - 2] === "resources";
  new Scanner(text, (path, line, kind, str) => {
    if (path[0] !== "planned_values") return;
    if (kind === "object" && isResource(path)) open.set(path.join("\u0000"), { startLine: line });
    else if (kind === "scalar" && str !== undefined && path[path.length - 1] === "address" && isResource(path.slice(0, -1))) {
      const o = open.get(path.slice(0, -1).join("\u0000"));
      if (o) o.address = str;
    }
  }, Infinity, (path, line) => {
    if (!isResource(path)) return;
    const key = path.join("\u0000");
    const o = open.get(key);
    open.delete(key);
    if (o?.address !== undefined && !out.has(o.address)) out.set(o.address, { startLine: o.startLine, endLine: line });
  }).run();
  return out;
}

/** The start line of every resource instance in plan output, keyed by address. */
export function planResourceLines(text: string): Map<string, number> {
  return new Map([...planResourceRegions(text)].map(([a, r]) => [a, r.startLine]));
}
