/**
 * Compares the Terraform attribute names of the azurerm resource and data source types the library
 * names (every `azurerm_*` in src/) between `@cdktf/provider-azurerm` 14.23 (azurerm 4.55) and
 * `@cdktn/provider-azurerm` 16.x (azurerm 4.73) (issue 20): an attribute a rule reads that was
 * renamed must be read under both names.
 *
 * The names come from the generated JavaScript of each type (`lib/<type>/index.js`), where every
 * attribute and nested block is written as `snake_name: cdktf.xToTerraform(...)` (top level and
 * nested blocks alike; one set per type). Usage:
 *   ts-node --transpile-only --project test/tsconfig.json scripts/provider-attributes.ts
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
export const CDKTF_PROVIDER_LIB = path.join(ROOT, "node_modules", "@cdktf", "provider-azurerm", "lib");
export const CDKTN_PROVIDER_LIB = path.join(ROOT, "cdktn", "node_modules", "@cdktn", "provider-azurerm", "lib");

/** The attribute and block names a provider type's generated code writes, or undefined when the package has no such type. */
export function attributeNames(lib: string, folder: string): Set<string> | undefined {
  const file = path.join(lib, folder, "index.js");
  if (!fs.existsSync(file)) return undefined;
  const code = fs.readFileSync(file, "utf8").split("//# sourceMappingURL")[0];
  return new Set([...code.matchAll(/^\s+([a-z0-9_]+): (?:cdktf|cdktn)\.[A-Za-z]+\(/gm)].map((m) => m[1]));
}

/** Every `azurerm_*` type name in the library's source. */
export function typesNamedInSource(dir = path.join(ROOT, "src")): string[] {
  const names = new Set<string>();
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!f.endsWith(".ts")) continue;
    for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/\bazurerm_[a-z0-9_]*[a-z0-9]\b/g)) names.add(m[0]);
  }
  return [...names].sort();
}

/** One type's difference: names only in the old provider, only in the new one. */
export interface AttributeChange { readonly type: string; readonly removed: string[]; readonly added: string[] }

/** The types (resources, and `data.` sources) whose attribute names differ between the two providers. */
export function compareProviders(types: string[], oldLib = CDKTF_PROVIDER_LIB, newLib = CDKTN_PROVIDER_LIB):
{ compared: string[]; changes: AttributeChange[] } {
  const compared: string[] = [];
  const changes: AttributeChange[] = [];
  for (const t of types) {
    const folder = t.replace(/^azurerm_/, "").replace(/_/g, "-");
    for (const [dir, name] of [[folder, t], [`data-azurerm-${folder}`, `data.${t}`]]) {
      const before = attributeNames(oldLib, dir);
      const after = attributeNames(newLib, dir);
      if (!before && !after) continue;
      compared.push(name);
      const removed = [...(before ?? [])].filter((k) => !after?.has(k)).sort();
      const added = [...(after ?? [])].filter((k) => !before?.has(k)).sort();
      if (!before || !after) changes.push({ type: name, removed: before ? ["(the whole type)"] : [], added: after ? ["(the whole type)"] : [] });
      else if (removed.length || added.length) changes.push({ type: name, removed, added });
    }
  }
  return { compared, changes };
}

if (require.main === module) {
  const { compared, changes } = compareProviders(typesNamedInSource());
  console.log(`${compared.length} provider types compared (14.23 -> 16.x): ${compared.join(", ")}\n`);
  for (const c of changes) console.log(`${c.type}: removed [${c.removed.join(", ")}], added [${c.added.join(", ")}]`);
}
