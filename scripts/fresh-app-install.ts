/**
 * The fresh-app install test (issue 17): what a new user does, from the packed library.
 *
 * 1. `npm pack` the built library (after `npx projen compile` and `post-compile`) and check the
 *    tarball's file list.
 * 2. In an empty folder: `npm init -y`, then the README's "Use it in your app" install commands
 *    exactly as written (the library's name replaced by the tarball's path), from the registry (the
 *    npm cache may answer; nothing else is fetched). Peer conflicts fail the install (ERESOLVE, the
 *    bug this test exists for): `legacy-peer-deps` and `force` are turned off, and cdktf and
 *    constructs are installed before the library, as in an app made by `cdktf init`.
 *    The README pins TypeScript 5.9: ts-node 10 (the app command `cdktf init` writes) cannot load
 *    TypeScript 7, whose package exports no compiler API (`npm view typescript@7 exports`), and
 *    TypeScript 6 defaults `types` to `[]`, so `@types/node` is not loaded
 *    (https://www.typescriptlang.org/tsconfig/#types).
 * 3. The README's tour ("### 2. Use a zone construct") copied verbatim into `main.ts`, with the
 *    tsconfig.json and app command `cdktf init --template=typescript` writes, run as cdktf runs it
 *    (`npx ts-node main.ts`).
 * 4. The synth wrote `cdk.tf.json` and a compliance report with 0 errors (and the warnings the
 *    tour's closing comment claims), and the installed CLI checks the output and passes.
 *
 * Every step has a time limit; on failure the script prints the step, the command and its output,
 * keeps the app folder for inspection and exits 1.
 *
 * Usage: ts-node --transpile-only --project test/tsconfig.json scripts/fresh-app-install.ts [--keep]
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE_NAME = "secure-deployment-zones";

/** The README section whose install commands the test runs. */
export const INSTALL_HEADING = "## Use it in your app";
/** The README section whose TypeScript block the test synthesizes. */
export const TOUR_HEADING = "### 2. Use a zone construct";
/** The stack the tour creates. */
export const TOUR_STACK = "osd-site";

/** Per-step limits (minutes); the whole run is bounded by their sum. */
const LIMITS = { pack: 5, install: 15, run: 10, check: 5 };

/** Paths the tarball must contain, and prefixes it must not (test/packaging checks the rules on a fixture tree). */
export const REQUIRED_PACKAGE_FILES = ["package.json", "README.md", "LICENSE", "API.md", ".jsii", "lib/index.js", "lib/index.d.ts", "lib/cli/main.js", "docs/rules.md"];
export const FORBIDDEN_PACKAGE_PREFIXES = ["cdktf.out/", "test-reports/", "coverage/", "bench/", "examples/", "src/", "test/", "scripts/", ".terraform/", ".ci/", ".projen/"];

/**
 * The lines of the body of a Markdown section: from its heading to the next heading of the same or a
 * higher level. Throws when the heading is missing or not unique, so README drift fails loudly.
 */
export function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split(/\r?\n/);
  const starts = lines.flatMap((l, i) => (l.trimEnd() === heading ? [i] : []));
  if (starts.length !== 1) throw new Error(`README: expected one heading "${heading}", found ${starts.length}`);
  const level = heading.match(/^#+/)![0].length;
  const body: string[] = [];
  let fenced = false;
  for (const line of lines.slice(starts[0] + 1)) {
    if (line.startsWith("```")) fenced = !fenced;
    const h = !fenced && line.match(/^(#+) /);
    if (h && h[1].length <= level) break;
    body.push(line);
  }
  return body.join("\n");
}

/** The fenced code blocks of a Markdown text with the given info string (`ts`, `sh`), in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (m[1].trim() === language) blocks.push(m[2]);
  }
  return blocks;
}

/** The tour's code, verbatim: the one TypeScript block of the README's tour section. */
export function tourCode(readme: string): string {
  const blocks = codeBlocks(sectionOf(readme, TOUR_HEADING), "ts");
  if (blocks.length !== 1) throw new Error(`README: expected one \`\`\`ts block under "${TOUR_HEADING}", found ${blocks.length}`);
  return blocks[0];
}

/**
 * The app-local install commands of the README's "Use it in your app" section, as argument lists
 * (`npm install ...`). Global installs (`--global`, `-g`) are left out: they change the machine, not
 * the app. Throws when the section has no `npm install` command for the library.
 */
export function installCommands(readme: string): string[][] {
  const blocks = codeBlocks(sectionOf(readme, INSTALL_HEADING), "sh");
  const commands = blocks.flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l.startsWith("npm install ") || l.startsWith("npm i "))
    .map((l) => l.split(/\s+/));
  const local = commands.filter((c) => !c.includes("--global") && !c.includes("-g"));
  const library = local.findIndex((c) => c.slice(2).includes(PACKAGE_NAME));
  if (library < 0) {
    throw new Error(`README: no \`npm install ${PACKAGE_NAME} ...\` command in a \`\`\`sh block under "${INSTALL_HEADING}"`);
  }
  // The library must be installed into an app that already has cdktf and constructs, as a
  // `cdktf init` app does. Named in the same command, npm would pick the constructs version the
  // library's peer ranges ask for and hide the ERESOLVE a real app hits (issue 17: constructs 10.4.2
  // pinned, 10.8.1 installed).
  const names = (c: string[]) => c.slice(2).map((a) => a.replace(/(.)@.*$/, "$1"));
  const peersFirst = local.slice(0, library).some((c) => names(c).includes("constructs") && names(c).includes("cdktf"));
  if (!peersFirst || names(local[library]).some((n) => n === "constructs" || n === "cdktf")) {
    throw new Error(`README: under "${INSTALL_HEADING}", install cdktf and constructs with one command and ${PACKAGE_NAME} with a later one, as in an app made by \`cdktf init\``);
  }
  return local;
}

/** The counts the tour's closing comment claims (`app.synth(); // PASSED: 0 errors, 0 warnings`), if it states them. */
export function claimedCounts(code: string): { errors: number; warnings?: number } | undefined {
  const m = code.match(/PASSED:\s*(\d+) errors?(?:,\s*(\d+) warnings?)?/);
  return m ? { errors: Number(m[1]), warnings: m[2] === undefined ? undefined : Number(m[2]) } : undefined;
}

/** What `cdktf init --template=typescript` writes as tsconfig.json (cdktf-cli 0.21.0, templates/typescript). */
export const CDKTF_INIT_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true, declaration: true, experimentalDecorators: true, inlineSourceMap: true, inlineSources: true,
    lib: ["es2018"], module: "CommonJS", noEmitOnError: true, noFallthroughCasesInSwitch: true, noImplicitAny: true,
    noImplicitReturns: true, noImplicitThis: true, noUnusedLocals: true, noUnusedParameters: true, resolveJsonModule: true,
    strict: true, strictNullChecks: true, strictPropertyInitialization: true, stripInternal: true, target: "ES2018",
    incremental: true, skipLibCheck: true,
  },
  include: ["**/*.ts"],
  exclude: ["node_modules", "cdktf.out"],
};

/** The environment for npm and the app: the caller's, without npm's per-run variables, peer checks on. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // `npm run` exports npm_package_*, npm_lifecycle_* and the project's npm_config_*; they must not
  // leak into the app's npm. The registry, cache and user config stay the caller's.
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig"]);
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith("npm_") || keep.has(k.toLowerCase())) env[k] = v;
  return {
    ...env,
    // A peer conflict must fail the install, as it does for users with npm's defaults.
    npm_config_legacy_peer_deps: "false",
    npm_config_force: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
  };
}

interface Ran { readonly stdout: string; readonly stderr: string }

/** Runs a command in its own process group; kills the group and throws on timeout or a non-zero exit. */
function run(step: string, cmd: string, args: string[], cwd: string, minutes: number, echoStdout = true): Promise<Ran> {
  const shown = `${cmd} ${args.join(" ")}`;
  console.log(`\n[fresh-app] ${step}: ${shown}  (in ${cwd}, limit ${minutes} min)`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d; if (echoStdout) process.stdout.write(d); });
    child.stderr.on("data", (d: Buffer) => { stderr += d; process.stderr.write(d); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
    }, minutes * 60_000);
    child.on("error", (e) => { clearTimeout(timer); reject(new Error(`${step}: could not start ${shown}: ${e.message}`)); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (timedOut) return reject(new Error(`${step}: ${shown} did not finish within ${minutes} min and was killed`));
      if (code !== 0) {
        if (!echoStdout) process.stdout.write(stdout);
        const eresolve = /ERESOLVE/.test(stdout + stderr) ? " (ERESOLVE: the library's peer ranges conflict with what a fresh app installs)" : "";
        return reject(new Error(`${step}: ${shown} exited with ${code ?? signal} after ${seconds} s${eresolve}`));
      }
      console.log(`[fresh-app] ${step}: done in ${seconds} s`);
      resolve({ stdout, stderr });
    });
  });
}

/** Runs the whole test; the temporary folder is removed when it passes (unless `keep`) and kept when it fails. */
export async function freshAppInstall(options: { keep?: boolean } = {}): Promise<void> {
  const started = Date.now();
  for (const f of ["lib/index.js", ".jsii", "API.md"]) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: build the library first (npx projen compile && npx projen post-compile)`);
  }
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const code = tourCode(readme);
  const installs = installCommands(readme);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-fresh-app-"));
  let passed = false;
  try {
    // 1. The tarball, as `npm publish` would build it.
    const packDir = path.join(work, "pack");
    fs.mkdirSync(packDir);
    const packed = JSON.parse((await run("pack", "npm", ["pack", "--json", "--pack-destination", packDir], ROOT, LIMITS.pack, false)).stdout) as
      { filename: string; version: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    const missing = REQUIRED_PACKAGE_FILES.filter((f) => !files.includes(f));
    const forbidden = files.filter((f) => FORBIDDEN_PACKAGE_PREFIXES.some((p) => f.startsWith(p)));
    if (missing.length || forbidden.length) {
      throw new Error(`pack: the tarball lacks [${missing.join(", ")}] and contains [${forbidden.join(", ")}]`);
    }
    const tarball = path.join(packDir, packed[0].filename);
    console.log(`[fresh-app] pack: ${packed[0].filename}, ${files.length} files`);

    // 2. An empty app and the README's install commands.
    const app = path.join(work, "app");
    fs.mkdirSync(app);
    await run("init", "npm", ["init", "-y"], app, LIMITS.check);
    for (const [i, command] of installs.entries()) {
      const args = command.slice(1).map((a) => (a === PACKAGE_NAME ? tarball : a));
      await run(`install ${i + 1}/${installs.length}`, "npm", args, app, LIMITS.install);
    }
    // Every peer dependency is satisfied (npm ls exits non-zero on a missing or invalid one).
    await run("peers", "npm", ["ls", PACKAGE_NAME, "cdktf", "constructs", "@cdktf/provider-azurerm"], app, LIMITS.check);

    // 3. The tour, verbatim, as `cdktf init` sets an app up.
    fs.writeFileSync(path.join(app, "main.ts"), code);
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify(CDKTF_INIT_TSCONFIG, null, 2) + "\n");
    fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts" }, null, 2) + "\n");
    await run("synth", "npx", ["--no", "ts-node", "main.ts"], app, LIMITS.run);

    // 4. What the synth wrote.
    const stackDir = path.join(app, "cdktf.out", "stacks", TOUR_STACK);
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { resource?: Record<string, unknown> };
    for (const type of ["azurerm_virtual_network", "azurerm_network_security_group", "azurerm_windows_virtual_machine"]) {
      if (!tf.resource?.[type]) throw new Error(`synth: ${stackDir}/cdk.tf.json has no ${type}`);
    }
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, "compliance-report.json"), "utf8")) as { counts: { errors: number; warnings: number } };
    const claimed = claimedCounts(code) ?? { errors: 0 };
    if (report.counts.errors !== claimed.errors || (claimed.warnings !== undefined && report.counts.warnings !== claimed.warnings)) {
      throw new Error(`synth: the report counts ${report.counts.errors} errors and ${report.counts.warnings} warnings; the README's tour claims ` +
        `${claimed.errors} errors${claimed.warnings === undefined ? "" : ` and ${claimed.warnings} warnings`}`);
    }
    // The installed command line (bin, bundled dependencies) reads the same output and passes it.
    await run("cli", "npx", ["--no", PACKAGE_NAME, "check", "cdktf.out"], app, LIMITS.check);

    passed = true;
    console.log(`\n[fresh-app] PASSED in ${((Date.now() - started) / 1000).toFixed(0)} s: ${PACKAGE_NAME}@${packed[0].version} installs into a fresh app ` +
      `and synthesizes the README's tour with ${report.counts.errors} errors, ${report.counts.warnings} warnings.`);
  } finally {
    if (passed && !options.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`[fresh-app] the app is kept in ${work}`);
  }
}

if (require.main === module) {
  freshAppInstall({ keep: process.argv.includes("--keep") }).catch((e: Error) => {
    console.error(`\n[fresh-app] FAILED: ${e.message}`);
    process.exit(1);
  });
}
