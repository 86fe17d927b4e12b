// The rules and constructs tests against CDK Terrain (issue 20): the main jest configuration, with
// cdktf, cdktf/lib/*, @cdktf/provider-azurerm/* and constructs mapped to the packages of this
// folder's install (cdktn 0.24, @cdktn/provider-azurerm 16.x, constructs in cdktn's range). The
// source under test is the same src/; only the engine and the provider under it change.
// Run with `npx projen test:cdktn` (after `npm ci --prefix cdktn`, which build:cdktn does).
const path = require("path");

const root = path.resolve(__dirname, "..");
const modules = path.join(__dirname, "node_modules");
const base = require("../package.json").jest;

/**
 * Test folders that run against cdktn: the rules, the engine, the checks, the constructs, the
 * reports and the reference examples. Left out: the CLI, docs, packaging, benchmarks and scripts
 * tests, which read files or run the built cdktf package and do not touch the engine or the
 * provider classes.
 */
const FOLDERS = [
  "rules", "engine", "checks", "zones", "network", "contract", "core", "compute", "activation",
  "identity", "migration", "oob", "pxe", "hub", "ipsec", "examples", "reports",
];

/**
 * Known differences, left out by name. json-positions.test.ts compares with cdktf's own writer
 * (json-stable-stringify), which cdktn does not ship; cdktn's layout (safe-stable-stringify, empty
 * objects and arrays on one line) is checked by the SARIF regions test of reports.test.ts, which runs here.
 */
const KNOWN_DIFFERENCES = {
  files: ["<rootDir>/test/reports/json-positions\\.test\\.ts$"],
  tests: [],
};

module.exports = {
  ...base,
  rootDir: root,
  testMatch: FOLDERS.map((f) => `<rootDir>/test/${f}/**/*.test.ts`),
  moduleNameMapper: {
    "^cdktf$": path.join(modules, "cdktn"),
    "^cdktf/(.*)$": path.join(modules, "cdktn", "$1"),
    "^@cdktf/provider-azurerm/(.*)$": path.join(modules, "@cdktn", "provider-azurerm", "$1"),
    "^@cdktf/provider-azurerm$": path.join(modules, "@cdktn", "provider-azurerm"),
    "^constructs$": path.join(modules, "constructs"),
  },
  // Mixing the cdktf build with cdktn needs both engines; under this mapping there is only cdktn.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, "<rootDir>/test/checks/mixed-engines\\.test\\.ts$", ...KNOWN_DIFFERENCES.files],
  ...(KNOWN_DIFFERENCES.tests.length > 0
    ? { testNamePattern: `^(?!.*(?:${KNOWN_DIFFERENCES.tests.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$)` }
    : {}),
  setupFiles: [...(base.setupFiles ?? []), path.join(__dirname, "jest-setup.js")],
  // jest-junit would overwrite the main suite's test-reports/junit.xml.
  reporters: ["default"],
};
