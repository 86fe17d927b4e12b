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
 * Test folders that run against cdktn: the rules, the engine, the checks, the constructs and the
 * reference examples. Left out: the CLI, reports, docs, packaging, benchmarks and scripts tests,
 * which read files or run the built cdktf package and do not touch the engine or the provider
 * classes (the CLI and reports are the same code on either engine).
 */
const FOLDERS = [
  "rules", "engine", "checks", "zones", "network", "contract", "core", "compute", "activation",
  "identity", "migration", "oob", "pxe", "hub", "ipsec", "examples",
];

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
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, "<rootDir>/test/checks/mixed-engines\\.test\\.ts$"],
  setupFiles: [...(base.setupFiles ?? []), path.join(__dirname, "jest-setup.js")],
  // jest-junit would overwrite the main suite's test-reports/junit.xml.
  reporters: ["default"],
};
