import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cleanEnv, FORBIDDEN_PACKAGE_PREFIXES } from "../../scripts/fresh-app-install";

/**
 * What `npm pack` puts in the tarball, checked on a copy of the project's packaging files (package.json,
 * .npmignore, README, LICENSE, API.md, docs/) in a folder that also holds everything that must stay out:
 * synth output, test output, coverage, bench results, sources, Terraform state. The real build is
 * packed and checked by scripts/fresh-app-install.ts in .ci/run.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

function filesUnder(dir: string, prefix: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}
const DOCS = filesUnder("docs", "docs/");

/** The build output (as jsii and the lazy index write it) and the bundled dependencies. */
const BUILT = ["lib/index.js", "lib/index.d.ts", "lib/zones/deployment-zone.js", "lib/zones/deployment-zone.js.map", "lib/zones/deployment-zone.d.ts", "lib/cli/main.js", ".jsii"];
const BUNDLED = ["node_modules/ipaddr.js/package.json", "node_modules/ipaddr.js/lib/ipaddr.js"];
/** Files a working folder holds that users must never receive. */
const JUNK = [
  "cdktf.out/manifest.json", "cdktf.out/stacks/hybrid-osd-site/cdk.tf.json", "cdktf.out/stacks/hybrid-osd-site/compliance-report.json",
  "test-reports/jest.json", "test-reports/junit.xml", "junit.xml", "coverage/lcov.info",
  "bench/results/latest.json", "bench/results/run.tmp", "bench/.out/zones.js", "bench/run.ts",
  "examples/hybrid-osd-site/main.ts", "src/index.ts", "test/setup-jest.ts", "scripts/lazy-index.ts",
  ".terraform/providers/azurerm.zip", "terraform.tfstate", "terraform.tfstate.backup", "lib/tsconfig.tsbuildinfo", "tsconfig.tsbuildinfo",
  "tsconfig.json", ".projenrc.ts", ".projen/tasks.json", "cdktf.json", ".ci/run", "package-lock.json", ".eslintrc.json",
  "node_modules/cdktf/package.json", // a peer dependency, never bundled
];

function packedFiles(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-pack-"));
  try {
    for (const f of ["package.json", ".npmignore", "README.md", "LICENSE", "API.md", ...DOCS]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    for (const f of [...BUILT, ...BUNDLED, ...JUNK]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), f.endsWith("package.json") ? JSON.stringify({ name: f.split("/").slice(1, -1).join("/"), version: "1.0.0" }) : "x\n");
    }
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, env: cleanEnv(), encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Relative link and image targets of a Markdown file, without anchors, as package paths. */
function relativeLinks(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
  const targets = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1])
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("#"));
  return targets.map((t) => path.posix.normalize(path.posix.join(path.posix.dirname(file), t.replace(/#.*$/, ""))));
}

describe("the published package", () => {
  const files = packedFiles();

  test("holds exactly the build, the bundled dependencies, the README, LICENSE, API.md and docs/", () => {
    expect(files).toEqual([...BUILT, ...BUNDLED, ...DOCS, "API.md", "LICENSE", "README.md", "package.json"].sort());
    expect(DOCS).toEqual(expect.arrayContaining(["docs/rules.md", "docs/cli.md"]));
  });

  test("holds no synth output, test output, coverage, bench results, examples, sources or state", () => {
    expect(files.filter((f) => FORBIDDEN_PACKAGE_PREFIXES.some((p) => f.startsWith(p)) || /tfstate|tsbuildinfo|junit\.xml/.test(f))).toEqual([]);
  });

  test("every relative link of the README, API.md and docs/ points to a file in the package", () => {
    const markdown = files.filter((f) => f.endsWith(".md") && !f.startsWith("node_modules/"));
    expect(markdown).toEqual(expect.arrayContaining(["README.md", "API.md", "docs/rules.md"]));
    const broken = markdown.flatMap((f) => relativeLinks(f).filter((t) => !files.includes(t)).map((t) => `${f} -> ${t}`));
    expect(broken).toEqual([]);
    // The link check reads links: the README's own are among them.
    expect(relativeLinks("README.md")).toEqual(expect.arrayContaining(["docs/rules.md", "API.md", "docs/images/hybrid-osd-site-zone-flows.svg"]));
  });
});

describe("package metadata", () => {
  test("has a released version, a description, keywords, a license and an author", () => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.version).not.toBe("0.0.0");
    expect(pkg.description).toMatch(/CDK for Terraform/);
    expect(pkg.keywords).toEqual(expect.arrayContaining(["cdktf", "terraform", "azure", "azurerm"]));
    expect(pkg.license).toBe("Apache-2.0");
    expect(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    expect(pkg.author.name).toBeTruthy();
  });

  test("points to no made-up address (the project has no public home yet)", () => {
    expect(JSON.stringify(pkg)).not.toMatch(/\.invalid\b/);
    expect(pkg.homepage).toBeUndefined();
    expect(pkg.author.email).toBeUndefined();
    // jsii requires repository.url; "none" says there is none rather than inventing one.
    expect(pkg.repository).toEqual({ type: "git", url: "none" });
  });

  test("peer ranges a fresh cdktf app satisfies, with the build pinned to each peer's minimum", () => {
    expect(pkg.peerDependencies).toEqual({ "cdktf": "^0.21.0", "constructs": "^10.4.2", "@cdktf/provider-azurerm": "^14.23.1" });
    expect({ cdktf: pkg.devDependencies.cdktf, constructs: pkg.devDependencies.constructs, provider: pkg.devDependencies["@cdktf/provider-azurerm"] })
      .toEqual({ cdktf: "0.21.0", constructs: "10.4.2", provider: "14.23.1" });
    expect(pkg.engines.node).toBe(">= 20.9.0");
  });
});
