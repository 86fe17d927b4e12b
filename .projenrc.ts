import { cdktf, javascript } from "projen";

// Peer ranges a fresh cdktf app satisfies (issue 17: exact pins made `npm install` fail with
// ERESOLVE). cdktf 0.21.0 itself peers on constructs ^10.4.2, and `cdktf init` installs
// `constructs@10` (the newest 10.x), so the library accepts the same range. projen pins each peer's
// minimum as a devDependency (peerDependencyOptions.pinnedDevDependency), so the tests run against
// the oldest versions users may have; scripts/fresh-app-install.sh checks the newest.
const CDKTF_RANGE = "^0.21.0";
const CONSTRUCTS_RANGE = "^10.4.2";
// The provider classes the constructs import exist from 14.23.1 (azurerm 4.55) on.
const AZURERM_PROVIDER = "@cdktf/provider-azurerm@^14.23.1";
// The CLI is a devDependency (the `synth` task); cdktf has no release after 0.21.0.
const CDKTF_CLI = "cdktf-cli@0.21.0";

const project = new cdktf.ConstructLibraryCdktf({
  name: "secure-deployment-zones",
  description:
    "Secure-by-default CDK for Terraform constructs and synth-time checks for Windows OS-deployment zones on Azure (PXE, KMS, USMT, out-of-band management, IPsec).",
  keywords: ["cdktf", "terraform", "azure", "azurerm", "constructs", "security", "compliance", "policy-as-code",
    "network-security-group", "pxe", "kms", "configmgr", "ipsec", "sarif"],
  author: "secure-deployment-zones founders",
  // The project has no public home (no public repository, no contact address) yet, so the package
  // names none rather than a made-up one. projen writes no author email for an empty address. jsii
  // refuses to build without `repository.url` (jsii/lib/project-info.js), so the field says "none";
  // replace it with the real repository URL when there is one (and SARIF's informationUri with it).
  authorAddress: "",
  repositoryUrl: "none",
  defaultReleaseBranch: "main",
  license: "Apache-2.0",
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  // @cdktf/provider-azurerm 14.x and `cdktf init` apps require Node.js 20.9 or newer.
  minNodeVersion: "20.9.0",

  cdktfVersion: CDKTF_RANGE,
  constructsVersion: CONSTRUCTS_RANGE,
  jsiiVersion: "~5.9.0",
  typescriptVersion: "~5.9.0",

  peerDeps: [AZURERM_PROVIDER],
  // Non-jsii runtime dependencies must be bundled into a jsii library.
  // @cdktf/hcl2json: HashiCorp's HCL parser in WebAssembly, for the CLI's *.tf input. Pinned exactly:
  // src/cli/hcl.ts loads its WebAssembly module synchronously from the package's files.
  bundledDeps: ["ipaddr.js@^2.2.0", "@cdktf/hcl2json@0.21.0"],
  bin: { "secure-deployment-zones": "lib/cli/main.js" },
  devDeps: [
    CDKTF_CLI,
    "ts-node@^10.9.2",
    "fast-check@^4.3.0",
    "ajv@^8.17.1",
    "@xmldom/xmldom@^0.9.8",
    "@microsoft/sarif-multitool-linux@^5.7.0",
  ],

  // CI is `.ci/run` on a clean checkout; no GitHub workflows and no publishing from here.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,

  jestOptions: {
    // jest 30 and eslint-import-resolver-typescript 4 depend on unrs-resolver, whose platform
    // binaries are not all on the registry this project installs from; `npm ci` then refuses the
    // lock file. jest 29 and resolver 3.6 use pure-JS resolvers.
    jestVersion: "^29",
    // Snapshots are never rewritten by `npm test`; `npm run test:update` does it on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      setupFilesAfterEnv: ["<rootDir>/test/setup-jest.ts"],
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testTimeout: 120_000,
      collectCoverage: false,
    },
  },
  // Source maps beside the JavaScript (lib/**/*.js.map, sources inlined in them), not inlined in it:
  // jsii's default inlines map and sources into every file, which more than doubles what Node.js reads
  // and scans when the library loads (3.5 MB for the checks' 163 modules, 1.2 MB without). Measured in
  // paired runs: loading the checks ~110 -> ~85 ms, a zones app's import 4-5% faster. Node.js reads a
  // map only with --enable-source-maps, which keeps working (the maps are shipped).
  tsconfig: { compilerOptions: { inlineSourceMap: false, sourceMap: true, inlineSources: true } },
  tsconfigDev: {
    include: ["../src/**/*.ts", "../examples/**/*.ts", "../bench/**/*.ts", "../scripts/**/*.ts", "../.projenrc.ts", "../projenrc/**/*.ts"],
    // ts-jest only transpiles (fast); `typecheck` below type-checks tests and examples once.
    compilerOptions: { isolatedModules: true },
  },
  eslintOptions: {
    dirs: ["src"],
    devdirs: ["test", "examples", "bench", "scripts"],
    // test/tsconfig.json covers src, test, examples, bench and scripts; the root one is jsii's (src only).
    tsconfigPath: "./test/tsconfig.json",
    projectService: false,
  },
  gitignore: ["cdktf.out/", "/cdktn/node_modules/", "/cdktn/.gen/", "/cdktn/dist/", "/cdktn/cdktf.out/", "bench/results/*.tmp", "bench/.out/", ".terraform/", "*.tfstate*"],
});

// See jestVersion above: the resolver eslint's import plugin uses must not pull in unrs-resolver.
project.deps.removeDependency("eslint-import-resolver-typescript");
project.addDevDeps("eslint-import-resolver-typescript@~3.6.3");

// The provider package root loads every resource class (~1.5 s, ~400 MB per process).
project.eslint?.addRules({
  // House style: double quotes, compact object literals, braces only where a body spans lines.
  "@stylistic/quotes": ["error", "double", { avoidEscape: true }],
  "@stylistic/object-property-newline": "off",
  "curly": ["error", "multi-line"],
  "@stylistic/max-len": ["error", { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
  // CIDR and hash arithmetic needs bit operators.
  "no-bitwise": "off",
  "no-restricted-imports": [
    "error",
    {
      paths: [
        {
          name: "@cdktf/provider-azurerm",
          message:
            "Import provider classes from their submodule, e.g. @cdktf/provider-azurerm/lib/subnet; the package root costs ~1.5 s and ~400 MB.",
        },
      ],
    },
  ],
});

// Layering (shared/ARCHITECTURE.md): a layer imports only layers below it.
const CONSTRUCT_FOLDERS = ["zones", "compute", "core", "pxe", "identity", "activation", "migration", "oob", "ipsec", "hub"].map((f) => `./src/${f}`);
const layer = (target: string[], from: string[], message: string) => target.map((t) => ({ target: t, from, message }));
project.eslint?.addRules({
  "import/no-restricted-paths": ["error", {
    zones: [
      ...layer(["./src/network", "./src/requirements", "./src/contract"], ["./src/engine", "./src/rules", "./src/reports", "./src/checks", "./src/cli", ...CONSTRUCT_FOLDERS],
        "The vocabulary (network, requirements, contract) imports nothing above it."),
      ...layer(["./src/engine"], ["./src/rules", "./src/reports", "./src/policy", "./src/checks", "./src/cli", ...CONSTRUCT_FOLDERS],
        "The engine imports neither rules, reports, checks, the CLI nor constructs."),
      ...layer(CONSTRUCT_FOLDERS, ["./src/engine", "./src/rules", "./src/reports", "./src/checks", "./src/cli"],
        "Constructs import only the vocabulary and the contract."),
      // A zone is what the service constructs build on (a zone's outbound half for their clients included): it imports none of them.
      ...layer(["./src/zones", "./src/core"], ["compute", "pxe", "identity", "activation", "migration", "oob", "ipsec", "hub"].map((f) => `./src/${f}`),
        "Zones and the core constructs are the base the service constructs build on; they import none of them."),
      ...layer(["./src/rules"], ["./src/reports", "./src/policy", "./src/checks", "./src/cli", ...CONSTRUCT_FOLDERS],
        "Rules import only the engine, the contract and the vocabulary."),
      ...layer(["./src/reports"], ["./src/rules", "./src/policy", "./src/checks", "./src/cli"], "Reports import neither rules, the policy, checks nor the CLI."),
      ...layer(["./src/policy"], ["./src/checks", "./src/cli", ...CONSTRUCT_FOLDERS],
        "The policy (configuration file, baseline, secret scrubbing) is shared by the checks and the CLI and imports neither."),
      ...layer(["./src/checks"], ["./src/cli"], "The checks and the CLI compose the layers; neither imports the other."),
      ...layer(["./src/cli"], ["./src/checks"], "The checks and the CLI compose the layers; neither imports the other."),
    ],
  }],
});

project.npmignore?.exclude("/examples/", "/bench/", "/scripts/", "/cdktf.json", "/.ci/");

// The package: an allowlist, so nothing lying in the folder (cdktf.out/, test-reports/, coverage/,
// bench results, *.tfstate) can slip in. npm always adds package.json, README.md and LICENSE, and the
// bundled dependencies. docs/ is shipped because the README links to it and the reports name it.
// test/packaging/package-contents.test.ts checks the packed file list and every relative link in it.
project.package.addField("files", ["lib/**/*.js", "lib/**/*.js.map", "lib/**/*.d.ts", ".jsii", "API.md", "docs/"]);

// The version users see (`secure-deployment-zones --version`, the reports' tool version). There is no
// release workflow (release: false), which is when projen would manage it, and without one projen
// writes 0.0.0. Bump it here, by hand (semver), before packing a release.
project.package.addVersion("0.1.0");

// Lazy entry point: importing the library loads a module only when one of its exports is used
// (issue 19; why and how in scripts/lazy-index.ts).
project.compileTask.exec("ts-node --transpile-only --project test/tsconfig.json scripts/lazy-index.ts");

// Type-check tests, examples and benchmarks in one pass before jest runs.
project.testTask.prependExec("tsc --noEmit -p test/tsconfig.json");
// test/checks/mixed-engines.test.ts runs the checks on a cdktn app: cdktn's own install (issue 20),
// made here when it is missing (the npm cache usually answers).
project.testTask.prependExec("test -d cdktn/node_modules/cdktn || npm ci --prefix cdktn --no-audit --no-fund");

// The main job: synthesize the reference architecture with every check on.
project.addTask("synth", {
  description: "Synthesize the reference architecture (examples/hybrid-osd-site) with all checks",
  exec: "cdktf synth",
  env: { CHECKPOINT_DISABLE: "1" },
});
// Issue 17: the packed library installs into a fresh cdktf app and synthesizes the README's tour
// (needs the build and the registry, so it runs in .ci/run, not in `npm test`).
project.addTask("test:fresh-app", {
  description: "Pack the built library, install it into a fresh cdktf app as the README says and synthesize the README's tour",
  exec: "ts-node --transpile-only --project test/tsconfig.json scripts/fresh-app-install.ts",
  receiveArgs: true,
  env: { CHECKPOINT_DISABLE: "1" },
});
// Issue 20: the CDK Terrain build. The same source with its imports rewritten to cdktn, compiled
// with tsc into cdktn/dist/secure-deployment-zones-cdktn (why and how in scripts/build-cdktn.ts).
// cdktn's packages have their own install (cdktn/package.json and its lock file, with the npm
// override @cdktn/provider-azurerm 16.1.0 needs), so the root install and the peers are untouched.
const cdktnBuild = project.addTask("build:cdktn", {
  description: "Build secure-deployment-zones-cdktn: src/ with cdktf imports rewritten to cdktn, compiled against cdktn (into cdktn/dist)",
  env: { CHECKPOINT_DISABLE: "1" },
});
cdktnBuild.exec("npm ci --prefix cdktn --no-audit --no-fund");
cdktnBuild.exec("ts-node --transpile-only --project test/tsconfig.json scripts/build-cdktn.ts");
project.addTask("test:cdktn", {
  description: "The rules, engine, checks, constructs, reports and examples tests on cdktn (cdktn/jest.config.js maps cdktf and the provider to cdktn's; after build:cdktn)",
  exec: "jest --config cdktn/jest.config.js",
  receiveArgs: true,
  env: { CHECKPOINT_DISABLE: "1" },
});
project.addTask("test:cdktn-app", {
  description: "Pack the cdktn build, install it into a fresh cdktn app, synthesize the reference site (compared with the cdktf synth) and an RDP-from-Internet stack (after build:cdktn)",
  exec: "ts-node --transpile-only --project test/tsconfig.json scripts/cdktn-app-test.ts",
  receiveArgs: true,
  env: { CHECKPOINT_DISABLE: "1" },
});
const bench = project.addTask("bench", {
  description: "Paired benchmarks of the built library: checks, reports, diagram, import, CLI, memory (not part of npm test; options in bench/run.ts)",
  env: { TS_NODE_PROJECT: "test/tsconfig.json", CHECKPOINT_DISABLE: "1" },
});
// Everything is measured on the built library in plain Node.js processes, so build it first; only
// the orchestrator runs under ts-node (it compiles the measured child scripts to JavaScript).
bench.spawn(project.compileTask);
bench.exec("node -r ts-node/register/transpile-only bench/run.ts", { receiveArgs: true });
project.addTask("docs:diagram", {
  description: "Regenerate the reference site's zone-flow diagram embedded in the README",
  exec: "ts-node --transpile-only --project test/tsconfig.json scripts/generate-readme-diagram.ts",
  env: { CHECKPOINT_DISABLE: "1" },
});
project.addTask("docs:audit", {
  description: "Regenerate docs/legacy-site-audit.md from a real run of the checks on examples/legacy-site-audit",
  exec: "ts-node --transpile-only --project test/tsconfig.json examples/legacy-site-audit/audit.ts --write-doc",
  env: { CHECKPOINT_DISABLE: "1" },
});
project.addTask("docs:rules", {
  description: "Regenerate docs/rules.md from the rule metadata",
  exec: "ts-node --transpile-only --project test/tsconfig.json scripts/generate-rules-doc.ts",
});

// Every generated document at once (each has a test that fails when it is stale).
const docs = project.addTask("docs", { description: "Regenerate docs/rules.md, the README diagram and docs/legacy-site-audit.md" });
["docs:rules", "docs:diagram", "docs:audit"].forEach((t) => docs.spawn(project.tasks.tryFind(t)!));

project.synth();
