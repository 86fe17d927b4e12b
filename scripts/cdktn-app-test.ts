/**
 * The cdktn test app (issue 20): the cdktn build, packed and installed into a fresh CDK Terrain app.
 *
 * 1. `npm pack` the package `npx projen build:cdktn` built (cdktn/dist/secure-deployment-zones-cdktn).
 * 2. In an empty folder (`npm init -y`): the commands of the README's "CDK Terrain (cdktn)" section,
 *    as written (the override the provider's lagging peer range needs, cdktn's packages, then the
 *    library, its name replaced by the tarball's path). Peer conflicts fail the install; the npm cache
 *    may answer.
 * 3. The reference site (examples/hybrid-osd-site/main.ts, its imports rewritten as the build
 *    rewrites src/, the library imported from the package) is type-checked against the installed
 *    packages and synthesized with `node` (App.synth(), no cdktn-cli, so no Node.js 22): 0 errors,
 *    and the same resource, data source, variable and output addresses, the same findings and the
 *    same zone-flow diagram as the cdktf build's synth of the same file.
 * 4. A stack with a hand-written NSG rule allowing RDP from the Internet fails synth with
 *    SDZ-NET-001's message, and the reports are written with that finding.
 * 5. The package's command line checks the reference site's cdktn output and passes it.
 *
 * Every step has a time limit; on failure the script prints the step and its output, keeps the
 * folder and exits 1. Usage (the `test:cdktn-app` task, after `build:cdktn`):
 *   ts-node --transpile-only --project test/tsconfig.json scripts/cdktn-app-test.ts [--keep]
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { CDKTN_PACKAGE_NAME, PACKAGE_DIR, rewriteSource } from "./build-cdktn";
import { cleanEnv, codeBlocks, sectionOf } from "./fresh-app-install";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "hybrid-osd-site", "main.ts");
const STACK = "hybrid-osd-site";
/** The README section whose commands the app is installed with. */
export const CDKTN_HEADING = "## CDK Terrain (cdktn)";
/** Per-step limits (minutes). */
const LIMITS = { pack: 3, install: 10, typecheck: 5, synth: 10 };

interface Ran { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly seconds: number }

/** Runs a command in its own process group, killed after `minutes`; resolves with its exit code and output. */
function run(step: string, cmd: string, args: string[], cwd: string, minutes: number, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Ran> {
  console.log(`[cdktn-app] ${step}: ${cmd} ${args.join(" ")}  (in ${cwd}, limit ${minutes} min)`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d; });
    child.stderr.on("data", (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
      reject(new Error(`${step}: did not finish within ${minutes} min and was killed`));
    }, minutes * 60_000);
    child.on("error", (e) => { clearTimeout(timer); reject(new Error(`${step}: could not start ${cmd}: ${e.message}`)); });
    child.on("close", (code) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      console.log(`[cdktn-app] ${step}: exit ${code} after ${seconds.toFixed(1)} s`);
      resolve({ code, stdout, stderr, seconds });
    });
  });
}

/** Like {@link run}, and throws with the output unless the command exits 0. */
async function ok(step: string, cmd: string, args: string[], cwd: string, minutes: number, env?: NodeJS.ProcessEnv): Promise<Ran> {
  const r = await run(step, cmd, args, cwd, minutes, env);
  if (r.code !== 0) throw new Error(`${step}: ${cmd} ${args.join(" ")} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A command line split into words as a POSIX shell would (single and double quotes; no expansions). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:'([^']*)'|"([^"]*)"|([^\s'"]+))+|\s+/g)) {
    if (/^\s+$/.test(m[0])) continue;
    words.push([...m[0].matchAll(/'([^']*)'|"([^"]*)"|([^\s'"]+)/g)].map((p) => p[1] ?? p[2] ?? p[3]).join(""));
  }
  return words;
}

/**
 * The npm commands of the README's cdktn section (`npm pkg set ...`, `npm install ...`), as argument
 * lists. Throws unless the library is installed by a later command than cdktn and constructs, after an
 * override, so README drift fails loudly.
 */
export function cdktnInstallCommands(readme: string): string[][] {
  const commands = codeBlocks(sectionOf(readme, CDKTN_HEADING), "sh").flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/\s#.*$/, "").trim())
    .filter((l) => l.startsWith("npm pkg set ") || l.startsWith("npm install "))
    .map(shellWords);
  const library = commands.findIndex((c) => c.includes(CDKTN_PACKAGE_NAME));
  const names = (c: string[]) => c.slice(2).map((a) => a.replace(/(.)@.*$/, "$1"));
  const peers = commands.findIndex((c) => c[1] === "install" && names(c).includes("cdktn") && names(c).includes("constructs"));
  const override = commands.findIndex((c) => c[1] === "pkg" && c.some((a) => a.startsWith("overrides.")));
  if (library < 0 || peers < 0 || peers > library || (override >= 0 && override > peers)) {
    throw new Error(`README: under "${CDKTN_HEADING}", expected npm commands that install cdktn and constructs, then ${CDKTN_PACKAGE_NAME} (any override first)`);
  }
  return commands;
}

/** The reference site for the cdktn app: the example with cdktf's imports rewritten and the library taken from the package. */
export function cdktnExample(source: string): string {
  const { text, forbidden } = rewriteSource("main.ts", source);
  if (forbidden.length) throw new Error(`the example still imports ${forbidden.join(", ")}`);
  const out = text.replace(/from "\.\.\/\.\.\/src"/g, `from "${CDKTN_PACKAGE_NAME}"`);
  if (/from "\.\.?\//.test(out)) throw new Error("the example imports a relative module the app does not have");
  return out;
}

/** A hand-written NSG rule that lets RDP in from the Internet, on a subnet (what a cdktn user writes without the constructs). */
export const RDP_APP = `
const { App, TerraformStack } = require("cdktn");
const { AzurermProvider } = require("@cdktn/provider-azurerm/lib/provider");
const { VirtualNetwork } = require("@cdktn/provider-azurerm/lib/virtual-network");
const { Subnet } = require("@cdktn/provider-azurerm/lib/subnet");
const { NetworkSecurityGroup } = require("@cdktn/provider-azurerm/lib/network-security-group");
const { SubnetNetworkSecurityGroupAssociation } = require("@cdktn/provider-azurerm/lib/subnet-network-security-group-association");
const { SecureDeploymentChecks } = require("${CDKTN_PACKAGE_NAME}");

const app = new App();
const stack = new TerraformStack(app, "rdp-open");
new AzurermProvider(stack, "azurerm", { features: [{}] });
const vnet = new VirtualNetwork(stack, "net", { name: "net", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
const subnet = new Subnet(stack, "app", { name: "app", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
const nsg = new NetworkSecurityGroup(stack, "app-nsg", {
  name: "app-nsg", location: "westeurope", resourceGroupName: "rg",
  securityRule: [{
    name: "rdp-from-internet", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
    sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*",
  }],
});
new SubnetNetworkSecurityGroupAssociation(stack, "app-nsg-assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
SecureDeploymentChecks.applyToApp(app);
app.synth();
`;

type TfJson = Record<string, Record<string, unknown> | undefined>;

/** Every address a configuration declares: resources, data sources, variables, outputs, locals and providers. */
export function addresses(tf: TfJson): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(tf.resource ?? {})) for (const name of Object.keys(byName as object)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const name of Object.keys(byName as object)) out.push(`data.${type}.${name}`);
  for (const name of Object.keys(tf.variable ?? {})) out.push(`var.${name}`);
  for (const name of Object.keys(tf.output ?? {})) out.push(`output.${name}`);
  for (const name of Object.keys(tf.locals ?? {})) out.push(`local.${name}`);
  for (const name of Object.keys(tf.provider ?? {})) out.push(`provider.${name}`);
  return out.sort();
}

/**
 * The paths where two configurations differ, apart from what names the engine: the `//` metadata
 * (backend and stack names, paths), `terraform.required_providers` (provider version pins) and the local
 * backend's state file (in the folder each app runs in).
 */
export function differences(a: unknown, b: unknown, at = ""): string[] {
  if (at === ".//" || at === ".terraform.required_providers" || at === ".terraform.backend.local.path") return [];
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || "."];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
}

interface Report {
  readonly counts: { errors: number; warnings: number };
  readonly findings: { ruleId: string; address: string; status: string; level: string }[];
}

const findingKeys = (r: Report) =>
  r.findings.map((f) => `${f.ruleId} ${f.level} ${f.status} ${f.address}`).sort();
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** Runs the whole test; the folder is removed when it passes (unless `keep`) and kept when it fails. */
export async function cdktnAppTest(options: { keep?: boolean } = {}): Promise<void> {
  const started = Date.now();
  if (!fs.existsSync(path.join(PACKAGE_DIR, "lib", "index.js"))) throw new Error(`${PACKAGE_DIR} is not built: run npx projen build:cdktn first`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-cdktn-app-"));
  let passed = false;
  try {
    // 1. The tarball.
    const packed = JSON.parse((await ok("pack", "npm", ["pack", "--json", "--pack-destination", work], PACKAGE_DIR, LIMITS.pack)).stdout) as { filename: string }[];
    const tarball = path.join(work, packed[0].filename);

    // 2. A fresh app with cdktn's packages (and the overrides the provider's peer range needs) and the library.
    const app = path.join(work, "app");
    fs.mkdirSync(app);
    await ok("init", "npm", ["init", "-y"], app, LIMITS.pack);
    const commands = cdktnInstallCommands(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    for (const [i, command] of commands.entries()) {
      await ok(`install ${i + 1}/${commands.length}`, "npm", command.slice(1).map((a) => (a === CDKTN_PACKAGE_NAME ? tarball : a)), app, LIMITS.install);
    }
    await ok("peers", "npm", ["ls", CDKTN_PACKAGE_NAME, "cdktn", "constructs", "@cdktn/provider-azurerm"], app, LIMITS.pack);

    // 3. The reference site: type-checked against the installed packages, then synthesized by node.
    fs.writeFileSync(path.join(app, "main.ts"), cdktnExample(fs.readFileSync(EXAMPLE, "utf8")));
    const rootOptions = readJson<{ compilerOptions: Record<string, unknown> }>(path.join(ROOT, "tsconfig.json")).compilerOptions;
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { ...rootOptions, rootDir: ".", outDir: undefined, noEmit: true, typeRoots: [path.join(ROOT, "node_modules", "@types")], types: ["node"] },
      files: ["main.ts"],
    }, null, 2) + "\n");
    await ok("typecheck", process.execPath, [require.resolve("typescript/bin/tsc", { paths: [ROOT] }), "-p", "tsconfig.json"], app, LIMITS.typecheck);
    fs.writeFileSync(path.join(app, "main.js"), ts.transpileModule(fs.readFileSync(path.join(app, "main.ts"), "utf8"),
      { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    const [cdktn] = await Promise.all([
      ok("synth (cdktn)", process.execPath, ["main.js"], app, LIMITS.synth),
      // The same file through the cdktf build (the source, as `npm run synth` runs it), for comparison.
      ok("synth (cdktf)", process.execPath, ["-r", "ts-node/register/transpile-only", EXAMPLE], ROOT, LIMITS.synth,
        { ...cleanEnv(), TS_NODE_PROJECT: path.join(ROOT, "test", "tsconfig.json"), CDKTF_OUTDIR: path.join(work, "cdktf.out") }),
    ]);
    const nStack = path.join(app, "cdktf.out", "stacks", STACK);
    const fStack = path.join(work, "cdktf.out", "stacks", STACK);
    const nReport = readJson<Report>(path.join(nStack, "compliance-report.json"));
    const fReport = readJson<Report>(path.join(fStack, "compliance-report.json"));
    if (nReport.counts.errors !== 0) throw new Error(`synth (cdktn): ${nReport.counts.errors} errors in the reference site's report\n${cdktn.stdout}${cdktn.stderr}`);
    const nTf = readJson<TfJson>(path.join(nStack, "cdk.tf.json"));
    const fTf = readJson<TfJson>(path.join(fStack, "cdk.tf.json"));
    const nAddr = addresses(nTf);
    const fAddr = addresses(fTf);
    const onlyN = nAddr.filter((a) => !fAddr.includes(a));
    const onlyF = fAddr.filter((a) => !nAddr.includes(a));
    if (onlyN.length || onlyF.length) throw new Error(`compare: addresses only in the cdktn synth [${onlyN.join(", ")}], only in the cdktf synth [${onlyF.join(", ")}]`);
    const diff = differences(nTf, fTf);
    if (diff.length) throw new Error(`compare: the Terraform JSON differs (apart from metadata and provider pins) at ${diff.slice(0, 20).join(", ")}`);
    if (JSON.stringify(findingKeys(nReport)) !== JSON.stringify(findingKeys(fReport))) {
      throw new Error(`compare: the findings differ:\n cdktn: ${findingKeys(nReport).join("\n   ")}\n cdktf: ${findingKeys(fReport).join("\n   ")}`);
    }
    for (const f of ["zone-flows.mmd", "compliance-report.md"]) {
      if (fs.readFileSync(path.join(nStack, f), "utf8") !== fs.readFileSync(path.join(fStack, f), "utf8")) throw new Error(`compare: ${f} differs between the cdktn and the cdktf synth`);
    }
    console.log(`[cdktn-app] reference site: ${nAddr.length} addresses, the same in both synths; ${nReport.findings.length} findings, ` +
      `${nReport.counts.errors} errors, ${nReport.counts.warnings} warnings; the same Terraform JSON apart from provider pins; ` +
      "the same Markdown report and zone-flow diagram");

    // 4. A hand-written RDP-from-Internet rule fails synth, with the rule's message and the reports.
    fs.writeFileSync(path.join(app, "rdp.js"), RDP_APP);
    const rdp = await run("synth (RDP from the Internet)", process.execPath, ["rdp.js"], app, LIMITS.synth);
    const output = rdp.stdout + rdp.stderr;
    if (rdp.code === 0) throw new Error(`synth (RDP): passed; it must fail on SDZ-NET-001\n${output}`);
    if (!/\[SDZ-NET-001\] Management port open to any or the Internet: .*RDP/.test(output)) throw new Error(`synth (RDP): failed without SDZ-NET-001's message\n${output}`);
    const rdpReport = readJson<Report>(path.join(app, "cdktf.out", "stacks", "rdp-open", "compliance-report.json"));
    const errors = rdpReport.findings.filter((f) => f.level === "error").map((f) => `${f.ruleId} ${f.address}`);
    if (JSON.stringify(errors) !== JSON.stringify(["SDZ-NET-001 azurerm_network_security_group.app-nsg"])) {
      throw new Error(`synth (RDP): the report's errors are [${errors.join(", ")}]; expected [SDZ-NET-001 azurerm_network_security_group.app-nsg]`);
    }
    for (const f of ["compliance-report.sarif", "compliance-report.md"]) {
      if (!fs.readFileSync(path.join(app, "cdktf.out", "stacks", "rdp-open", f), "utf8").includes("SDZ-NET-001")) throw new Error(`synth (RDP): ${f} does not name SDZ-NET-001`);
    }
    console.log("[cdktn-app] RDP from the Internet: synth failed with SDZ-NET-001's message; the reports name the finding");

    // 5. The package's command line reads the reference site's cdktn output and passes it (the RDP stack's
    // failed synth leaves no cdk.tf.json to read, by design: see src/checks/stale-output.ts).
    await ok("cli", "npx", ["--no", "secure-deployment-zones", "check", path.join("cdktf.out", "stacks", STACK)], app, LIMITS.synth);
    console.log("[cdktn-app] command line: the reference site's cdktn output passes");
    passed = true;
    console.log(`\n[cdktn-app] PASSED in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    if (passed && !options.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`[cdktn-app] the app is kept in ${work}`);
  }
}

if (require.main === module) {
  cdktnAppTest({ keep: process.argv.includes("--keep") }).catch((e: Error) => {
    console.error(`\n[cdktn-app] FAILED: ${e.message}`);
    process.exit(1);
  });
}
