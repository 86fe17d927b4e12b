// Measures `require()` of the built library in a fresh, plain Node.js process (no ts-node, which
// would add the TypeScript compiler to the numbers): prints one JSON line.
const path = require("path");

const entry = path.resolve(__dirname, "..", "lib", "index.js");
const before = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
require(entry);
const t1 = process.hrtime.bigint();
const loadedProviderRoot = Object.keys(require.cache).some((k) => /@cdktf[\\/]provider-azurerm[\\/]lib[\\/]index\.js$/.test(k));
process.stdout.write(JSON.stringify({
  requireMs: Number(t1 - t0) / 1e6,
  rssMb: process.memoryUsage().rss / 1024 / 1024,
  rssDeltaMb: (process.memoryUsage().rss - before) / 1024 / 1024,
  loadedProviderRoot,
}) + "\n");
