/**
 * The HCL parser (Go compiled to WebAssembly) is bounded and recovers: brackets nested deeper than
 * MAX_HCL_NESTING are refused before parsing (they overflowed the parser's stack after seconds),
 * and a parser that failed is replaced, so one bad file never makes the later files fail.
 */
import * as fs from "fs";
import * as path from "path";
import { runInProcess, tempDir } from "./run-cli";
import { MAX_HCL_NESTING, parseHcl, tooDeep } from "../../src/cli/hcl";

const OK_TF = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-app\"\n  location = \"westeurope\"\n}\n";
const nested = (n: number) => `locals {\n  x = ${"[".repeat(n)}1${"]".repeat(n)}\n}\n`;

describe("HCL parsing is bounded", () => {
  test(`brackets nested ${MAX_HCL_NESTING} deep are parsed, one more is refused naming line and column`, () => {
    expect(parseHcl("a.tf", nested(MAX_HCL_NESTING - 2))).toHaveProperty("json");
    expect(parseHcl("a.tf", nested(MAX_HCL_NESTING + 10))).toEqual({ error: `brackets nest deeper than ${MAX_HCL_NESTING} levels: not parsed (line 2 column ${6 + MAX_HCL_NESTING})` });
  });

  test("brackets in strings, comments and heredocs do not count; a string's ${...} does", () => {
    const deep = "(".repeat(MAX_HCL_NESTING + 5);
    expect(tooDeep(`locals {\n  a = "${deep}"\n  # ${deep}\n  /* ${deep}\n */\n  b = <<EOT\n${deep}\nEOT\n  c = 1\n}\n`)).toBeUndefined();
    expect(tooDeep(`locals {\n  a = "$\${${deep}"\n}\n`)).toBeUndefined();
    expect(tooDeep(`locals {\n  a = "x-\${${deep}}"\n}\n`)).toEqual({ line: 2, column: 10 + MAX_HCL_NESTING });
    // After a heredoc and a string with a template, counting goes on where it should.
    expect(tooDeep(`locals {\n  b = <<-EOT\n  ((((\n  EOT\n  s = "\${local.a}"\n  c = ${"[".repeat(MAX_HCL_NESTING)}\n}\n`)).toEqual({ line: 6, column: 6 + MAX_HCL_NESTING });
  });

  test("the review's 200 KB of nested brackets: refused at once, the valid file after it is read (exit 2 for the bad one only)", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "deep"));
    fs.mkdirSync(path.join(dir, "ok"));
    fs.writeFileSync(path.join(dir, "deep", "main.tf"), `locals {\n x = ${"[".repeat(100_000)}\n}\n`);
    fs.writeFileSync(path.join(dir, "ok", "main.tf"), OK_TF);
    const r = runInProcess(["check", "-q", "--no-config", path.join(dir, "deep"), path.join(dir, "ok")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`secure-deployment-zones: error: ${path.join(dir, "deep", "main.tf")}: not HCL: brackets nest deeper than ${MAX_HCL_NESTING} levels: not parsed (line 2 column ${6 + MAX_HCL_NESTING - 1})\n`);
    expect(r.stdout).toMatch(/in 1 configuration \(1 resource\)/);
  });

  test("a parser that failed is replaced: the next file parses", () => {
    expect(parseHcl("a.tf", OK_TF)).toHaveProperty("json");
    // The Go program's exported functions: break them as a crash would.
    const exported = (globalThis as any).__parse_terraform_config_wasm__;
    exported.parse = () => {
      throw new RangeError("Maximum call stack size exceeded");
    };
    expect(parseHcl("b.tf", OK_TF)).toEqual({ error: "the HCL parser failed (RangeError)" });
    const again = parseHcl("c.tf", OK_TF);
    expect(again).toHaveProperty("json");
    expect((again as any).json.resource).toBeDefined();
  });
});
