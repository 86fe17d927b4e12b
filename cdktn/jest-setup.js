// Guards the mapping: the tests must run on cdktn's engine and provider, never silently on cdktf's.
const engine = require("cdktf/package.json");
const provider = require("@cdktf/provider-azurerm/package.json");
const constructs = require("constructs/package.json");
if (engine.name !== "cdktn" || provider.name !== "@cdktn/provider-azurerm" || !/^10\.[67]\./.test(constructs.version)) {
  throw new Error(`test:cdktn must run on cdktn: cdktf resolves to ${engine.name}@${engine.version}, the provider to ${provider.name}@${provider.version}, constructs to ${constructs.version}`);
}
