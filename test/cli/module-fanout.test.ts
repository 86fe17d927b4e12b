/**
 * Module calls that fan out (each module calls the next twice) double the work at every level: each
 * module folder is read once, and a configuration over the module-instance limit is unusable input
 * (exit 2, naming the limit) instead of running for ever.
 */
import * as fs from "fs";
import * as path from "path";
import { runInProcess, tempDir } from "./run-cli";
import { parseJson } from "../../src/cli/inputs";
import { readInputFile } from "../../src/cli/read-input";
import { MAX_MODULE_INSTANCES, readConfiguration } from "../../src/cli/terraform-config";

/** m0 calls m1 twice, ..., m(levels-1) calls m(levels) twice; each holds one NSG. Returns m0's file. */
function fanout(levels: number): string {
  const dir = tempDir("sdz-modfan-");
  for (let i = 0; i <= levels; i++) {
    const body: Record<string, unknown> = {
      resource: { azurerm_network_security_group: { n: { name: `n${i}`, resource_group_name: "rg", location: "westeurope", security_rule: [] } } },
    };
    if (i < levels) body.module = { a: { source: `../m${i + 1}` }, b: { source: `../m${i + 1}` } };
    fs.mkdirSync(path.join(dir, `m${i}`));
    fs.writeFileSync(path.join(dir, `m${i}`, "main.tf.json"), JSON.stringify(body));
  }
  return path.join(dir, "m0", "main.tf.json");
}

function read(root: string) {
  const reads = new Map<string, number>();
  const lists = new Map<string, number>();
  const list = (dir: string) => {
    lists.set(dir, (lists.get(dir) ?? 0) + 1);
    return { files: fs.readdirSync(dir).filter((f) => f.endsWith(".tf.json")).map((f) => path.join(dir, f)).sort() };
  };
  const text = (file: string) => {
    reads.set(file, (reads.get(file) ?? 0) + 1);
    return { text: readInputFile(file, 1e8) };
  };
  const r = readConfiguration([root], list, text, parseJson, { name: "t" });
  return { ...r, reads, lists };
}

describe("local module calls that fan out", () => {
  test("each module folder is listed and read once, however often it is called; every instance is checked", () => {
    const r = read(fanout(5));
    expect(r.errors).toEqual([]);
    expect([...r.reads.values()].every((n) => n === 1)).toBe(true);
    expect([...r.lists.values()].every((n) => n === 1)).toBe(true);
    expect(r.reads.size).toBe(6);
    // 1 + 2 + 4 + ... + 32 instances, one NSG each.
    expect(r.resources.length).toBe(63);
    expect(r.resources.map((x) => x.address)).toContain("module.b.module.a.module.b.module.a.module.b.azurerm_network_security_group.n");
    expect(new Set(r.files).size).toBe(r.files.length);
  });

  test(`more than ${MAX_MODULE_INSTANCES} module instances: one error naming the limit, read no further`, () => {
    const r = read(fanout(15)); // 2^16 - 2 instances
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/^module\.a\.(module\.[ab]\.)*module\.[ab]: more than 10,000 module instances \(the limit; module calls fan out, each call counts once\): the configuration is not read further$/);
    expect(r.resources.length).toBeLessThanOrEqual(MAX_MODULE_INSTANCES + 1);
  });

  test("the command line exits 2 promptly (22 levels: 4 million instances), naming the limit", () => {
    const root = fanout(22);
    const r = runInProcess(["check", "-q", "--no-config", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("more than 10,000 module instances (the limit");
  });
});
