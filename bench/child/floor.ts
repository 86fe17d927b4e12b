/**
 * `floor.js <cdk.tf.json>`: the floor under any checker of that file: read it, `JSON.parse` it and
 * make one pass over every resource (each attribute name read once).
 */
import * as fs from "fs";
import { report } from "./library";

const json = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let resources = 0;
let attributes = 0;
for (const byName of Object.values<Record<string, Record<string, unknown>>>(json.resource ?? {})) {
  for (const config of Object.values(byName)) {
    resources++;
    attributes += Object.keys(config).length;
  }
}
report({ resources, attributes });
