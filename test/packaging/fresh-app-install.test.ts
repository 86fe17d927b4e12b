import * as fs from "fs";
import * as path from "path";
import { claimedCounts, codeBlocks, installCommands, sectionOf, TOUR_HEADING, TOUR_STACK, tourCode } from "../../scripts/fresh-app-install";

// The install test itself runs in .ci/run (it needs the built library and the registry); these tests
// check that it reads the README the way a user does.

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
const FENCE = "```";

describe("the README's tour, as the fresh-app install test reads it", () => {
  const code = tourCode(README);

  test("is a whole app: imports the library, creates the stack the test reads, wires the checks in and synthesizes", () => {
    expect(code).toMatch(/from "secure-deployment-zones";/);
    expect(code).toContain(`new TerraformStack(app, "${TOUR_STACK}")`);
    expect(code).toContain("SecureDeploymentChecks.applyToApp(app);");
    expect(code.trimEnd().split("\n").pop()).toMatch(/^app\.synth\(\);/);
    // The tour passes and states its warning count; the fresh-app run checks the counts against a real synth.
    expect(claimedCounts(code)).toEqual({ errors: 0, warnings: expect.any(Number) });
  });

  test("is copied verbatim from the README", () => {
    expect(README).toContain(`${TOUR_HEADING}\n`);
    expect(README).toContain(`${FENCE}ts\n${code}${FENCE}\n`);
  });
});

describe("the README's install commands", () => {
  test("are run as written: the peers first, then the library with the provider, then the TypeScript tools; the global CLI is left out", () => {
    const commands = installCommands(README);
    expect(commands.map((c) => c.slice(0, 2))).toEqual(commands.map(() => ["npm", "install"]));
    expect(commands[0].slice(2).sort()).toEqual(["cdktf@^0.21.0", "constructs@^10.4.2"]);
    expect(commands[1].slice(2)).toEqual(["secure-deployment-zones", "@cdktf/provider-azurerm@^14.23.1"]);
    expect(commands.flat()).not.toContain("--global");
    expect(commands.flat()).toEqual(expect.arrayContaining(["typescript@~5.9", "ts-node@^10.9.2"]));
  });

  const readme = (sh: string) => `# T\n\n## Use it in your app\n\n${FENCE}sh\n${sh}${FENCE}\n\n## Next\n\n${FENCE}sh\nnpm install other\n${FENCE}\n`;

  test("comments are stripped and only this section's app-local installs are taken", () => {
    expect(installCommands(readme("npm install cdktf@^0.21.0 constructs@10  # have these\nnpm install secure-deployment-zones x@1\nnpm install -g cdktf-cli\nnpx cdktf synth\n")))
      .toEqual([["npm", "install", "cdktf@^0.21.0", "constructs@10"], ["npm", "install", "secure-deployment-zones", "x@1"]]);
  });

  test.each([
    ["no library install", "npm install cdktf constructs\n", /no `npm install secure-deployment-zones/],
    ["the library installed with its peers (hides ERESOLVE)", "npm install secure-deployment-zones cdktf@^0.21.0 constructs@^10.4.2\n", /install cdktf and constructs with one command/],
    ["the library installed before its peers", "npm install secure-deployment-zones\nnpm install cdktf constructs\n", /install cdktf and constructs with one command/],
  ])("refuses a section with %s", (_, sh, error) => {
    expect(() => installCommands(readme(sh))).toThrow(error);
  });
});

describe("README sections and code blocks", () => {
  const md = [
    "# Title", "", "## A", "", "### 1. One", "", `${FENCE}ts`, "one();", FENCE, "",
    "### 2. Use a zone construct", "", "Text.", "", `${FENCE}sh`, "# a shell comment, not a heading", "npm test", FENCE, "",
    `${FENCE}ts`, "two();", "// PASSED: 1 error", FENCE, "", "#### detail", "", `${FENCE}ts`, "three();", FENCE, "",
    "### 3. Three", "", `${FENCE}ts`, "four();", FENCE, "", "## B", "",
  ].join("\n");

  test("a section ends at the next heading of its level or higher, not at a comment in a code block", () => {
    const body = sectionOf(md, "### 2. Use a zone construct");
    expect(body).toContain("# a shell comment, not a heading");
    expect(body).toContain("three();");
    expect(body).not.toContain("four();");
    expect(codeBlocks(body, "ts")).toEqual(["two();\n// PASSED: 1 error\n", "three();\n"]);
    expect(codeBlocks(body, "sh")).toEqual(["# a shell comment, not a heading\nnpm test\n"]);
  });

  test("the tour must be exactly one TypeScript block under a unique heading", () => {
    expect(() => tourCode(md)).toThrow(/expected one ```ts block under "### 2. Use a zone construct", found 2/);
    expect(() => tourCode(md.replace("### 2. Use a zone construct", "### 2. Zones"))).toThrow(/expected one heading "### 2. Use a zone construct", found 0/);
    expect(() => tourCode(md + "\n### 2. Use a zone construct\n")).toThrow(/found 2/);
    expect(tourCode(md.replace("#### detail", "### detail"))).toBe("two();\n// PASSED: 1 error\n");
  });

  test("the counts a closing comment claims", () => {
    expect(claimedCounts("app.synth(); // PASSED: 0 errors, 3 warnings")).toEqual({ errors: 0, warnings: 3 });
    expect(claimedCounts("// PASSED: 1 error")).toEqual({ errors: 1, warnings: undefined });
    expect(claimedCounts("app.synth();")).toBeUndefined();
  });
});
