/**
 * The official SARIF 2.1.0 schema (shipped with Microsoft's SARIF multitool), compiled once with ajv
 * and the formats it uses: reports and the command line are checked against what GitHub code
 * scanning reads.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";

const SCHEMA_FILE = path.join(path.dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")), "sarif-2.1.0.json");

let compiled: { ajv: Ajv2020; validate: ValidateFunction } | undefined;

function schema(): { ajv: Ajv2020; validate: ValidateFunction } {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: true });
  ajv.addFormat("uri", (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
  ajv.addFormat("uri-reference", () => true);
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  // GUIDs (RFC 4122 text form); without it ajv warns on every compile and checks none.
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return (compiled = { ajv, validate: ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"))) });
}

/** True when `doc` is valid SARIF 2.1.0. */
export function isValidSarif(doc: unknown): boolean {
  return schema().validate(doc) === true;
}

/** Throws, with the schema's errors, unless `doc` is valid SARIF 2.1.0. */
export function assertValidSarif(doc: unknown): void {
  const { ajv, validate } = schema();
  if (!validate(doc)) throw new Error(`SARIF is not valid: ${ajv.errorsText(validate.errors, { separator: "\n" })}`);
}
