/**
 * JUnit XML, for CI systems that show test results: one test suite per configuration, one test
 * case per rule and resource the rule ran on (from the rule's resource types), and one per finding.
 * An open error finding is a failure; a warning or note passes with its message on system-out; a
 * suppressed finding or one a baseline knows is skipped with the reason; an unusable input is an
 * error of the suite "inputs".
 */
import { passedRules } from "./coverage";
import { CheckRun } from "./output";
import { FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";
import { ReportedFinding } from "../reports/json-report";

/** Text safe in XML: the five entities escaped, characters XML 1.0 does not allow replaced by U+FFFD. */
export function xmlText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

interface Case {
  readonly name: string;
  readonly file?: string;
  readonly body: string;
  readonly kind: "pass" | "failure" | "skipped" | "error";
}

function testcase(classname: string, c: Case): string {
  const attrs = `classname="${xmlText(classname)}" name="${xmlText(c.name)}"${c.file ? ` file="${xmlText(c.file)}"` : ""}`;
  return c.body === "" ? `    <testcase ${attrs}/>` : `    <testcase ${attrs}>\n${c.body}\n    </testcase>`;
}

function suite(name: string, cases: Case[], properties: Record<string, string> = {}): string {
  const count = (k: Case["kind"]) => cases.filter((c) => c.kind === k).length;
  const props = Object.entries(properties).map(([k, v]) => `      <property name="${xmlText(k)}" value="${xmlText(v)}"/>`);
  return [
    `  <testsuite name="${xmlText(name)}" tests="${cases.length}" failures="${count("failure")}" errors="${count("error")}" skipped="${count("skipped")}">`,
    ...(props.length > 0 ? ["    <properties>", ...props, "    </properties>"] : []),
    ...cases.map((c) => testcase(name, c)),
    "  </testsuite>",
  ].join("\n");
}

/** The JUnit XML document of a run. */
export function toJunit(run: CheckRun): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const add = (name: string, cases: Case[], properties?: Record<string, string>) => {
    suites.push(suite(name, cases, properties));
    totals.tests += cases.length;
    totals.failures += cases.filter((c) => c.kind === "failure").length;
    totals.errors += cases.filter((c) => c.kind === "error").length;
    totals.skipped += cases.filter((c) => c.kind === "skipped").length;
  };
  if (run.errors.length > 0) {
    add("inputs", run.errors.map((e) => ({ name: e.file, kind: "error", body: `      <error message="${xmlText(e.message)}" type="unusable-input"/>` })));
  }
  for (const { configuration, result } of run.checked) {
    const cases: Case[] = [];
    for (const f of result.findings as ReportedFinding[]) {
      const name = `${f.ruleId} ${f.address}`;
      const text = `${f.message}\nResource: ${f.address}${f.constructPath ? ` (${f.constructPath})` : ""}\nFix: ${f.fix}\nRequirements: ${f.requirements.join(", ") || "none"}`;
      const file = f.source;
      if (f.status === FindingStatus.SUPPRESSED) {
        cases.push({ name, file, kind: "skipped", body: `      <skipped message="${xmlText(`suppressed: ${f.suppressionReason ?? ""}`)}"/>` });
      } else if (f.baselined) {
        cases.push({ name, file, kind: "skipped", body: `      <skipped message="${xmlText(`known (baseline): ${f.message}`)}"/>` });
      } else if (f.level === RuleLevel.ERROR) {
        const type = f.status === FindingStatus.UNVERIFIED ? "unverified" : "error";
        cases.push({ name, file, kind: "failure", body: `      <failure message="${xmlText(`${f.title}: ${f.message}`)}" type="${type}">${xmlText(text)}</failure>` });
      } else {
        cases.push({ name, file, kind: "pass", body: `      <system-out>${xmlText(`[${f.status === FindingStatus.UNVERIFIED ? `${f.level}, could not verify` : f.level}] ${text}`)}</system-out>` });
      }
    }
    for (const c of passedRules(result, configuration.model)) {
      for (const id of c.passed) cases.push({ name: `${id} ${c.address}`, kind: "pass", body: "" });
    }
    add(configuration.name, cases, { kind: configuration.kind, resources: String(result.resourceCount) });
  }
  return [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    `<testsuites name="secure-deployment-zones" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
