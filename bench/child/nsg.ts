/**
 * `nsg.js <rules>`: the checks alone on one NSG with `rules` rules: model building plus every rule,
 * timed in-process (the JSON is built beforehand and not timed).
 */
import { library, msSince, report } from "./library";
import { bigNsgJson } from "../stack";

const rules = Number(process.argv[2]);
const { TerraformModel } = library("engine/model");
const { runRules } = library("engine/engine");
const { ALL_RULES } = library("rules");
const json = bigNsgJson(rules);
const t0 = process.hrtime.bigint();
const model = TerraformModel.fromTerraformJson(json, { name: "big-nsg" });
const result = runRules(model, ALL_RULES);
const checkMs = msSince(t0);
report({ rules, checkMs, findings: result.findings.length, peakRssMb: process.resourceUsage().maxRSS / 1024 });
