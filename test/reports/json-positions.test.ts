import * as path from "path";
import { Testing } from "cdktf";
import * as fc from "fast-check";
import { HybridOsdSite } from "../../examples/hybrid-osd-site/main";
import { cdktfJsonResourceRegions, jsonSyntaxError, planResourceLines, planResourceRegions, terraformResourceLines, terraformResourceRegions } from "../../src/reports/json-positions";

function parses(text: string): boolean {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
}

describe("jsonSyntaxError agrees with JSON.parse", () => {
  test("valid JSON of any shape (pretty or compact) has no error", () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      expect(jsonSyntaxError(JSON.stringify(v, null, pretty ? 2 : undefined))).toBeUndefined();
    }), { numRuns: 500 });
  });

  test("random text and damaged JSON: an error exactly when JSON.parse fails, inside the text", () => {
    const damaged = fc.tuple(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 3 })).map(([v, at, junk]) => {
      const t = JSON.stringify(v, null, 1);
      const i = at % (t.length + 1);
      return t.slice(0, i) + junk + t.slice(i + 1);
    });
    fc.assert(fc.property(fc.oneof(fc.string(), damaged), (text) => {
      const e = jsonSyntaxError(text);
      expect(e === undefined).toBe(parses(text));
      if (e) {
        const lines = text.split("\n");
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.line).toBeLessThanOrEqual(lines.length);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeLessThanOrEqual(lines[e.line - 1].length + 1);
      }
    }), { numRuns: 2000 });
  });

  test("the position is where the text goes wrong", () => {
    expect(jsonSyntaxError("{\n  \"a\": 1,\n  \"b\": tru\n}")).toEqual({ line: 3, column: 8, problem: "unexpected character: expected a value" });
    expect(jsonSyntaxError("[1, 2")).toEqual({ line: 1, column: 6, problem: "unexpected end of input: a list is not closed" });
    expect(jsonSyntaxError("")).toEqual({ line: 1, column: 1, problem: "no JSON value: the text is empty" });
  });

  test("deep nesting does not overflow the call stack", () => {
    const depth = 200_000;
    expect(jsonSyntaxError("[".repeat(depth) + "]".repeat(depth))).toBeUndefined();
    expect(jsonSyntaxError("[".repeat(depth))).toMatchObject({ problem: "unexpected end of input: a value is missing" });
  });
});

describe("resource lines", () => {
  test("Terraform JSON: the line of each resource's name, object and list forms", () => {
    const text = [
      "{",
      "  \"resource\": {",
      "    \"azurerm_subnet\": {",
      "      \"a\": {\"name\": \"a\"},",
      "      \"b\": [",
      "        {\"name\": \"b\"}",
      "      ]",
      "    },",
      "    \"azurerm_network_security_group\": {\"nsg\": {",
      "      \"security_rule\": [{\"name\": \"x\"}]}}",
      "  },",
      "  \"locals\": {\"resource\": {\"t\": {\"n\": 1}}}",
      "}",
    ].join("\n");
    expect([...terraformResourceLines(text)]).toEqual([
      ["azurerm_subnet.a", 4],
      ["azurerm_subnet.b", 5],
      ["azurerm_network_security_group.nsg", 9],
    ]);
    expect([...terraformResourceRegions(text)]).toEqual([
      ["azurerm_subnet.a", { startLine: 4, endLine: 4 }],
      ["azurerm_subnet.b", { startLine: 5, endLine: 7 }],
      ["azurerm_network_security_group.nsg", { startLine: 9, endLine: 10 }],
    ]);
    const listForm = "{\"resource\": [\n{\"azurerm_subnet\": {\n\"a\": {}}},\n{\"azurerm_subnet\": {\"b\": {}}}]}";
    expect([...terraformResourceLines(listForm)]).toEqual([["azurerm_subnet.a", 3], ["azurerm_subnet.b", 4]]);
  });

  test("plan JSON: the line where each planned resource object starts, child modules included", () => {
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [{ address: "azurerm_subnet.a", type: "azurerm_subnet" }],
          child_modules: [{ address: "module.m", resources: [{ address: "module.m.azurerm_subnet.b[0]" }] }],
        },
      },
      resource_changes: [{ address: "azurerm_subnet.a" }],
    };
    const text = JSON.stringify(plan, null, 2);
    const lines = text.split("\n");
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)); // the object starts one line above
    expect([...planResourceLines(text)]).toEqual([
      ["azurerm_subnet.a", lineOf("\"address\": \"azurerm_subnet.a\"")],
      ["module.m.azurerm_subnet.b[0]", lineOf("module.m.azurerm_subnet.b[0]")],
    ]);
    const a = planResourceRegions(text).get("azurerm_subnet.a")!;
    expect(lines[a.endLine - 1].trim()).toMatch(/^\}/);
    expect(lines.slice(a.startLine - 1, a.endLine).join("\n")).toContain("\"type\": \"azurerm_subnet\"");
  });
});

describe("cdktfJsonResourceRegions: resource lines counted from the value, as cdktf writes it", () => {
  // cdktf writes cdk.tf.json with its own json-stable-stringify (two-space indent).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stableStringify = require(require.resolve("json-stable-stringify", { paths: [path.dirname(require.resolve("cdktf/package.json"))] })) as (v: unknown, o: object) => string;
  const written = (v: unknown) => terraformResourceRegions(stableStringify(v, { space: 2 }));

  test("equals the regions read from the text cdktf writes, for random Terraform JSON", () => {
    const body = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined)), { maxKeys: 5 });
    const config = fc.record({
      resource: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.dictionary(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), body, { maxKeys: 4 }), { maxKeys: 4 }),
      variable: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
      terraform: fc.jsonValue({ maxDepth: 2 }),
      locals: fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }))),
    });
    fc.assert(fc.property(config, (c) => {
      expect([...cdktfJsonResourceRegions(c)].sort()).toEqual([...written(c)].sort());
      // CDK Terrain writes with safe-stable-stringify: keys sorted, `{}` and `[]` on one line.
      expect([...cdktfJsonResourceRegions(c, "cdktn")].sort()).toEqual([...terraformResourceRegions(sortedJson(c))].sort());
    }), { numRuns: 300 });
  });

  test("values JSON leaves out or converts (undefined, functions, toJSON, Dates, holes) count as cdktf writes them", () => {
    const special = fc.constantFrom<unknown>(
      undefined, () => 1, new Date(0), { toJSON: () => undefined }, { toJSON: () => ({ a: [1, { b: 2 }], c: {} }) },
      { toJSON: () => [] }, { toJSON: () => "s" }, [undefined, () => 1, null], [,], {}, [], { a: undefined },
    );
    const value = fc.oneof(special, fc.jsonValue({ maxDepth: 2 }), fc.array(fc.oneof(special, fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 }));
    const body = fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(value, fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 3 })), { maxKeys: 4 });
    const config = fc.record({
      "//": value,
      "data": fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), value, { maxKeys: 2 }),
      "resource": fc.dictionary(fc.stringMatching(/^[a-z_]{1,6}$/), fc.oneof(fc.dictionary(fc.stringMatching(/^[a-z0-9_]{1,6}$/), fc.oneof(body, special), { maxKeys: 3 }), special), { maxKeys: 3 }),
      "terraform": value,
    });
    fc.assert(fc.property(config, (c) => {
      expect([...cdktfJsonResourceRegions(c)].sort()).toEqual([...written(c)].sort());
    }), { numRuns: 300 });
  });

  test("the reference site's synthesized stack: every resource, the same lines as the file", () => {
    const json = JSON.parse(Testing.synth(new HybridOsdSite(Testing.app(), "site")));
    const regions = cdktfJsonResourceRegions(json);
    expect(regions.size).toBeGreaterThan(50);
    expect(regions).toEqual(written(json));
  });
});

/** safe-stable-stringify's layout (two-space indent, keys sorted, empty objects and arrays on one line), written out. */
function sortedJson(v: unknown, indent = ""): string {
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => inner + (x === undefined ? "null" : sortedJson(x, inner))).join(",\n")}\n${indent}]`;
  }
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${sortedJson((v as Record<string, unknown>)[k], inner)}`).join(",\n")}\n${indent}}`;
}
