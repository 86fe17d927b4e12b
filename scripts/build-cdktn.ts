/**
 * The CDK Terrain build (issue 20): the same source, compiled against `cdktn` and
 * `@cdktn/provider-azurerm` instead of `cdktf` and `@cdktf/provider-azurerm`.
 *
 * 1. Every `src/**\/*.ts` is copied to `cdktn/.gen/src/` with its module specifiers rewritten
 *    (imports, exports, `import("...")` types, `require(...)` and `require.resolve(...)`, found with
 *    the TypeScript parser, so a string that merely mentions cdktf is left alone):
 *    `cdktf` -> `cdktn`, `cdktf/lib/...` -> `cdktn/lib/...`, `@cdktf/provider-azurerm/...` ->
 *    `@cdktn/provider-azurerm/...`. The build fails when a specifier of the `cdktf` package or of
 *    another `@cdktf/*` package survives, or when a rewritten deep import has no file in the cdktn
 *    package. `@cdktf/hcl2json` is kept on purpose: it is HashiCorp's HCL parser compiled to
 *    WebAssembly (its only dependency is fs-extra), used by the command line to read `*.tf` files,
 *    not the synthesis engine; both packages parse HCL with the same pinned parser that the tests run.
 * 2. `tsc` compiles it (the root tsconfig's options, no jsii: the cdktn package is for TypeScript and
 *    JavaScript apps) into `cdktn/dist/secure-deployment-zones-cdktn/lib`, and the entry point is made
 *    lazy as in the main build (scripts/lazy-index.ts).
 * 3. The package folder gets its own package.json (peers `cdktn`, `@cdktn/provider-azurerm` 16.x and
 *    `constructs` in cdktn's range; the main package's runtime dependencies as plain dependencies),
 *    the README, LICENSE and docs/.
 *
 * cdktn's packages come from `cdktn/package.json` (installed with `npm ci --prefix cdktn`), so the
 * root install and the main package's peers are untouched. Usage (the `build:cdktn` task):
 *   ts-node --transpile-only --project test/tsconfig.json scripts/build-cdktn.ts
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
/** The folder with cdktn's own package.json and install. */
export const CDKTN_DIR = path.join(ROOT, "cdktn");
/** The rewritten source (generated, gitignored). */
export const GEN_DIR = path.join(CDKTN_DIR, ".gen");
/** The cdktn package's name. */
export const CDKTN_PACKAGE_NAME = "secure-deployment-zones-cdktn";
/** The built package folder (generated, gitignored). */
export const PACKAGE_DIR = path.join(CDKTN_DIR, "dist", CDKTN_PACKAGE_NAME);

/**
 * Peer ranges of the cdktn package. `@cdktn/provider-azurerm` 16.1.0 declares `cdktn ^0.23.0` while
 * only 0.24.0 is published (apps need an npm override until it is updated); cdktn 0.24.0 declares
 * `constructs >=10.6.0 <10.8.0` (`npm view cdktn@0.24.0 peerDependencies`).
 */
export const CDKTN_PEERS: Record<string, string> = {
  "cdktn": "^0.24.0",
  "@cdktn/provider-azurerm": "^16.1.0",
  "constructs": ">=10.6.0 <10.8.0",
};

/** `@cdktn/provider-azurerm` 16.x requires Node.js 20.16 or newer (its `engines`); cdktn declares none. */
export const CDKTN_NODE_ENGINE = ">= 20.16.0";

/** What the cdktn package's README says first: the README below is the main package's, written for cdktf. */
export const CDKTN_README_NOTE = `> **${CDKTN_PACKAGE_NAME}** is secure-deployment-zones built for CDK Terrain (\`cdktn\`), from the same
> source. Install and Node.js versions: the section "CDK Terrain (cdktn)" below. In the examples, import
> from \`cdktn\`, \`@cdktn/provider-azurerm/lib/...\` and \`${CDKTN_PACKAGE_NAME}\` instead of \`cdktf\`,
> \`@cdktf/provider-azurerm/lib/...\` and \`secure-deployment-zones\`.

`;

/** `@cdktf/*` packages that may stay in the cdktn build (see the header: a parser, not the engine). */
export const ALLOWED_CDKTF_PACKAGES = ["@cdktf/hcl2json"];

/** The cdktn specifier for a module specifier, or the specifier itself when it is not cdktf's. */
export function cdktnSpecifier(specifier: string): string {
  if (specifier === "cdktf" || specifier.startsWith("cdktf/")) return "cdktn" + specifier.slice("cdktf".length);
  const provider = "@cdktf/provider-azurerm";
  if (specifier === provider || specifier.startsWith(provider + "/")) return "@cdktn/provider-azurerm" + specifier.slice(provider.length);
  return specifier;
}

/** Whether a specifier (after rewriting) still names cdktf or an `@cdktf/*` package other than the allowed ones. */
export function isForbiddenSpecifier(specifier: string): boolean {
  if (specifier === "cdktf" || specifier.startsWith("cdktf/")) return true;
  if (!specifier.startsWith("@cdktf/")) return false;
  return !ALLOWED_CDKTF_PACKAGES.some((p) => specifier === p || specifier.startsWith(p + "/"));
}

/** A module specifier in a source file: the string literal's text span (without quotes). */
interface Specifier { readonly start: number; readonly end: number; readonly text: string }

/** Every module specifier of a TypeScript source: imports, exports, `import("x")`, `require("x")`, `require.resolve("x")`. */
export function moduleSpecifiers(fileName: string, source: string): Specifier[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Specifier[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      found.push({ start: node.getStart(sf) + 1, end: node.getEnd() - 1, text: node.text });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      if (callee === "require" || callee === "require.resolve" || node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The source with cdktf's module specifiers rewritten to cdktn's, and the specifiers that were rewritten. */
export function rewriteSource(fileName: string, source: string): { text: string; rewritten: string[]; forbidden: string[] } {
  const specs = moduleSpecifiers(fileName, source);
  let text = source;
  const rewritten: string[] = [];
  const forbidden: string[] = [];
  // From the end, so earlier offsets stay valid.
  for (const s of [...specs].sort((a, b) => b.start - a.start)) {
    const to = cdktnSpecifier(s.text);
    if (to !== s.text) {
      text = text.slice(0, s.start) + to + text.slice(s.end);
      rewritten.push(to);
    }
    if (isForbiddenSpecifier(to)) forbidden.push(to);
  }
  return { text, rewritten: rewritten.reverse(), forbidden };
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Whether `specifier` (a cdktn package or one of its deep paths) resolves from the cdktn install. */
function resolvesFromCdktn(specifier: string): boolean {
  try {
    require.resolve(specifier, { paths: [CDKTN_DIR] });
    return true;
  } catch {
    return false;
  }
}

/** Copies src/ to `<GEN_DIR>/src` with the imports rewritten; throws listing every surviving cdktf import. */
export function writeRewrittenSource(srcDir = path.join(ROOT, "src"), outDir = path.join(GEN_DIR, "src")): { files: number; rewritten: number } {
  fs.rmSync(outDir, { recursive: true, force: true });
  const problems: string[] = [];
  let rewrittenCount = 0;
  const cdktnTargets = new Set<string>();
  for (const file of tsFiles(srcDir)) {
    const rel = path.relative(srcDir, file);
    const { text, rewritten, forbidden } = rewriteSource(rel, fs.readFileSync(file, "utf8"));
    for (const f of forbidden) problems.push(`src/${rel}: "${f}"`);
    rewritten.filter((r) => r.startsWith("cdktn/") || r.startsWith("@cdktn/")).forEach((r) => cdktnTargets.add(r));
    rewrittenCount += rewritten.length;
    fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outDir, rel), text);
  }
  if (problems.length) {
    throw new Error(`build:cdktn: cdktf imports survive the rewrite (allowed: ${ALLOWED_CDKTF_PACKAGES.join(", ")}):\n  ${problems.join("\n  ")}`);
  }
  const missing = [...cdktnTargets].filter((t) => !t.endsWith("/package.json") && !resolvesFromCdktn(t));
  if (missing.length) throw new Error(`build:cdktn: the cdktn packages have no ${missing.join(", ")} (run npm ci --prefix cdktn)`);
  return { files: tsFiles(outDir).length, rewritten: rewrittenCount };
}

/** The cdktn package's package.json, from the main one. */
export function cdktnPackageJson(main: Record<string, unknown>): Record<string, unknown> {
  const deps = { ...(main.dependencies as Record<string, string>) };
  return {
    name: CDKTN_PACKAGE_NAME,
    version: main.version,
    description: `${String(main.description).replace(/CDK for Terraform \(cdktf\)|CDK for Terraform/, "CDK Terrain (cdktn)")} Built from the same source as ${main.name}, for cdktn.`,
    keywords: [...new Set([...(main.keywords as string[]).filter((k) => k !== "cdktf"), "cdktn", "cdk-terrain"])],
    license: main.license,
    author: main.author,
    repository: main.repository,
    main: "lib/index.js",
    types: "lib/index.d.ts",
    bin: main.bin,
    engines: { node: CDKTN_NODE_ENGINE },
    // Plain dependencies (npm installs them); the main package bundles them only because jsii requires it.
    dependencies: deps,
    peerDependencies: CDKTN_PEERS,
    files: ["lib/**/*.js", "lib/**/*.d.ts", "docs/"],
  };
}

/** The compiler options of the cdktn build: the root tsconfig's (jsii's), emitting JavaScript and .d.ts. */
function tsconfig(): Record<string, unknown> {
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  return {
    compilerOptions: {
      ...root.compilerOptions,
      rootDir: "src",
      outDir: path.relative(GEN_DIR, path.join(PACKAGE_DIR, "lib")),
      // Types from the root install (@types/node); no jest types in the library.
      typeRoots: [path.relative(GEN_DIR, path.join(ROOT, "node_modules", "@types"))],
      types: ["node"],
      incremental: false,
    },
    include: ["src/**/*.ts"],
  };
}

function build(): void {
  const started = Date.now();
  if (!fs.existsSync(path.join(CDKTN_DIR, "node_modules", "cdktn"))) throw new Error("build:cdktn: cdktn is not installed; run npm ci --prefix cdktn");
  const { files, rewritten } = writeRewrittenSource();
  console.log(`build:cdktn: ${files} files copied to ${path.relative(ROOT, GEN_DIR)}/src, ${rewritten} imports rewritten to cdktn`);
  fs.writeFileSync(path.join(GEN_DIR, "tsconfig.json"), JSON.stringify(tsconfig(), null, 2) + "\n");

  fs.rmSync(PACKAGE_DIR, { recursive: true, force: true });
  fs.mkdirSync(PACKAGE_DIR, { recursive: true });
  const mainPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(path.join(PACKAGE_DIR, "package.json"), JSON.stringify(cdktnPackageJson(mainPackage), null, 2) + "\n");
  fs.copyFileSync(path.join(ROOT, "LICENSE"), path.join(PACKAGE_DIR, "LICENSE"));
  fs.writeFileSync(path.join(PACKAGE_DIR, "README.md"), CDKTN_README_NOTE + fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
  fs.cpSync(path.join(ROOT, "docs"), path.join(PACKAGE_DIR, "docs"), { recursive: true });

  const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  execFileSync(process.execPath, [tsc, "-p", path.join(GEN_DIR, "tsconfig.json")], { stdio: "inherit" });
  execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "lazy-index.ts"), path.join(PACKAGE_DIR, "lib", "index.js")],
    { stdio: "inherit", env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json") } });
  // The compiled package must not load cdktf: no require of cdktf survives in lib/ either.
  const leaks = fs.readdirSync(path.join(PACKAGE_DIR, "lib"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))
    .flatMap((f) => moduleSpecifiers(f, fs.readFileSync(path.join(PACKAGE_DIR, "lib", f), "utf8")).filter((s) => isForbiddenSpecifier(s.text)).map((s) => `lib/${f}: "${s.text}"`));
  if (leaks.length) throw new Error(`build:cdktn: the compiled package still names cdktf modules:\n  ${leaks.join("\n  ")}`);
  console.log(`build:cdktn: ${path.relative(ROOT, PACKAGE_DIR)} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) {
  try {
    build();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
