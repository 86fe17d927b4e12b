import * as fs from "fs";
import * as path from "path";
import { runCli, tempDir } from "./run-cli";
import { UsageError } from "../../src/cli/args";
import { loadCustomRules } from "../../src/cli/custom-rules";

const SECRET = "Rules-Secret-Do-Not-Print-7!";
const RULE = "{ id: \"ACME-T-001\", level: \"warning\", title: \"t\", rationale: \"r\", fix: \"f\", check(ctx) {} }";

describe("--rules FILE", () => {
  const dir = tempDir("sdz-rules-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const refused = (file: string): string => {
    try {
      loadCustomRules(file, dir);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error(`${file} was accepted`);
  };

  test("a module exporting an array, { rules, packs } or default is loaded and adapted", () => {
    expect(loadCustomRules(write("array.js", `module.exports = [${RULE}];`), dir).map((r) => [r.id, r.area, r.level])).toEqual([["ACME-T-001", "custom", "warning"]]);
    const both = write("both.cjs", `exports.rules = [${RULE}]; exports.packs = [{ name: "acme", rules: [{ ...${RULE}, id: "ACME-T-002" }] }];`);
    expect(loadCustomRules(both, dir).map((r) => [r.id, r.area])).toEqual([["ACME-T-001", "custom"], ["ACME-T-002", "acme"]]);
    expect(loadCustomRules(write("default.js", `exports.default = [${RULE}];`), dir).map((r) => r.id)).toEqual(["ACME-T-001"]);
  });

  test.each([
    ["missing.js", undefined, "--rules missing.js: no such file"],
    ["rules.ts", "export const rules = [];", "--rules rules.ts: not a CommonJS JavaScript module (.js or .cjs); compile TypeScript rules first"],
    ["empty.js", "module.exports = { other: 1 };", "--rules empty.js: exports no rules: export an array of rules, or { rules: [...], packs: [{ name, rules }] }"],
    ["none.js", "module.exports = [];", "--rules none.js: exports an empty list of rules"],
    ["syntax.js", `const password = "${SECRET}" +;`, "--rules syntax.js: not valid JavaScript (SyntaxError); run `node syntax.js` to see where"],
    ["throws.js", `throw new Error("${SECRET}");`, "--rules throws.js: loading it threw Error; run `node throws.js` to see it"],
    ["requires.js", `require("./${SECRET}");`, "--rules requires.js: it requires a module that cannot be found; run `node requires.js` to see which"],
    ["collides.js", `module.exports = [{ ...${RULE}, id: "SDZ-KMS-002" }];`, /^--rules collides\.js: Invalid rules\[0\]\.id: "SDZ-KMS-002"\. Allowed: an ID that is not a built-in rule's \(SDZ-KMS-002 is "KMS/],
  ])("%s is a usage error naming the file, never echoing its content", (name, text, message) => {
    if (text !== undefined) write(name, text);
    const got = refused(name);
    if (typeof message === "string") expect(got).toBe(message);
    else expect(got).toMatch(message);
    expect(got).not.toContain(SECRET);
  });

  test("the command line exits 2 on a rules file it cannot use, and says why on stderr", () => {
    write("bad.js", `module.exports = [{ ...${RULE}, level: "fatal" }];`);
    const r = runCli(["check", "nothing-needed", "--rules", "bad.js"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^secure-deployment-zones: --rules bad\.js: Invalid rules\[0\]\.level: "fatal"\. Allowed: one of error, warning, info \(RuleLevel\) for rule ACME-T-001/);
  });
});
