import * as fs from "fs";
import * as path from "path";
import { Document, DOMParser, Element } from "@xmldom/xmldom";
import { FIXTURES, runCli, runInProcess, tempDir } from "./run-cli";
import { parseArgs } from "../../src/cli/args";
import { paint, useColor } from "../../src/cli/color";
import { escapeData, escapeProperty, workflowCommand } from "../../src/cli/github";
import { xmlText } from "../../src/cli/junit";
import { main } from "../../src/cli/main";

const ESC = "\x1b[";

/** Runs the command line in this process with a chosen terminal and environment. */
function runWithIo(args: string[], io: { outIsTty: boolean; env: Record<string, string | undefined> }) {
  let stdout = "";
  let stderr = "";
  const cwd = process.cwd();
  process.chdir(FIXTURES);
  try {
    const code = main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), errIsTty: false, outIsTty: io.outIsTty, env: io.env });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

/** Parses XML; any warning, error or fatal error of the parser fails the test. */
function parseXml(text: string, ignoreWarning?: RegExp): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (!(level === "warning" && ignoreWarning?.test(message))) problems.push(`${level}: ${message}`);
    },
  }).parseFromString(text, "text/xml");
  expect(problems).toEqual([]);
  return doc;
}

function elements(parent: Document | Element, name: string): Element[] {
  return Array.from(parent.getElementsByTagName(name));
}

describe("--format", () => {
  test("several formats at once: one on standard output, the others to files", () => {
    const dir = tempDir();
    const junit = path.join(dir, "out.xml");
    const sarif = path.join(dir, "out.sarif");
    const md = path.join(dir, "out.md");
    const r = runInProcess(["check", "tfjson-split", "--format", "json", "--format", `junit=${junit}`, `--format=sarif=${sarif}`, "--markdown", md]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.passed).toBe(false);
    expect(fs.readFileSync(junit, "utf8")).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(JSON.parse(fs.readFileSync(sarif, "utf8")).version).toBe("2.1.0");
    expect(fs.readFileSync(md, "utf8")).toContain("SDZ-NET-001");
  });

  test("the old options keep working: --format json, --json/--sarif/--markdown FILE", () => {
    const args = parseArgs(["check", "x", "--format", "json", "--json", "a.json", "--sarif", "b.sarif", "--markdown", "c.md"]);
    expect(args.kind).toBe("check");
    if (args.kind !== "check") return;
    expect(args.options.format).toBe("json");
    expect(args.options.files).toEqual([
      { format: "json", file: "a.json", option: "--json" },
      { format: "sarif", file: "b.sarif", option: "--sarif" },
      { format: "markdown", file: "c.md", option: "--markdown" },
    ]);
    const defaults = parseArgs(["check", "x"]);
    expect(defaults.kind === "check" && defaults.options).toMatchObject({ format: "table", files: [], softFail: false, verbose: false, color: "auto" });
  });

  test.each([
    [["--format", "json", "--format", "sarif"], /only one format can go to standard output \(--format json and --format sarif\)/],
    [["--format", "junit="], /--format junit= needs a file name/],
    [["--format", "xml=out.xml"], /--format must be one of table, json, sarif, markdown, junit, github \(optionally =FILE\), not "xml=out.xml"/],
    [["--json", "a.json", "--json", "b.json"], /--json given twice/],
    [["--color", "--no-color"], /--color and --no-color contradict each other/],
    [["--soft-fail=yes"], /--soft-fail takes no value/],
  ])("usage error %j", (args, message) => {
    const r = runInProcess(["check", "clean", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("two formats to one file is a usage error naming both options", () => {
    const dir = tempDir();
    const file = path.join(dir, "out");
    const r = runInProcess(["check", "clean", "--json", file, "--format", `junit=${file}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--json");
    expect(r.stderr).toContain("--format junit");
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe("GitHub workflow annotations", () => {
  test("one annotation per open finding with file and lines, then the summary line (exact text)", () => {
    const r = runInProcess(["check", "tfjson-split", "--format", "github", "--sarif-root", "."]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      "::error file=tfjson-split/rules.tf.json,line=4,endLine=16,title=SDZ-NET-001 Management port open to any or the Internet::" +
        "rule \"rdp-admins\" of NSG nsg-mgmt allows RDP (TCP 3389) from the Internet to hosts behind NSG nsg-mgmt (associated with nothing in this configuration); " +
        "no public IP, load balancer or DNAT reaches it today. Resource: azurerm_network_security_rule.rdp_admins. " +
        "Fix: Allow management ports only from a management zone or specific administrator addresses (e.g. Peer.zone(managementZone)), or use Azure Bastion; " +
        "remove public IPs and DNAT rules that publish management ports.",
      "FAILED: 1 error, 0 warnings, 0 notes, 0 could not be verified, 0 suppressed in 1 configuration (2 resources)",
      "",
    ]);
  });

  test("an unusable input is an error annotation on its file; a suppressed finding gets none", () => {
    const r = runInProcess(["check", "tfjson-single", "bad/not-json.tf.json", "--format", "github", "--sarif-root", "."]);
    expect(r.code).toBe(2);
    expect(r.stdout.split("\n")).toEqual([
      "::error file=bad/not-json.tf.json,title=secure-deployment-zones%3A unusable input::not JSON: expected a property name in double quotes (line 4 column 31)",
      "INCOMPLETE: 0 errors, 0 warnings, 0 notes, 0 could not be verified, 1 suppressed in 1 configuration (3 resources); 1 input could not be read",
      "",
    ]);
  });

  test("escaping follows the Actions toolkit: a message cannot end the command or start another", () => {
    expect(escapeData("100% done\r\n::error::x")).toBe("100%25 done%0D%0A::error::x");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
    expect(workflowCommand("warning", { file: "a,b.tf", line: 3, endLine: undefined, title: "" }, "two\nlines")).toBe("::warning file=a%2Cb.tf,line=3::two%0Alines");
    expect(workflowCommand("notice", {}, "m")).toBe("::notice::m");
  });
});

describe("JUnit XML", () => {
  test("parses; failures are exactly the open error findings; passing cases are the rules that ran; counts agree", () => {
    const r = runInProcess(["check", "tfjson-split", "--format", "junit"]);
    expect(r.code).toBe(1);
    const doc = parseXml(r.stdout);
    const root = doc.documentElement!;
    expect(root.tagName).toBe("testsuites");
    const suites = elements(doc, "testsuite");
    expect(suites.map((s) => s.getAttribute("name"))).toEqual(["tfjson-split"]);
    const cases = elements(suites[0], "testcase");
    const failed = cases.filter((c) => elements(c, "failure").length > 0).map((c) => c.getAttribute("name"));
    expect(failed.sort()).toEqual(["SDZ-NET-001 azurerm_network_security_rule.rdp_admins"]);
    const names = cases.map((c) => c.getAttribute("name"));
    // A rule that ran on the NSG and found nothing is a passing case; a rule that failed on a resource has no passing case there.
    expect(names).toContain("SDZ-NET-001 azurerm_network_security_group.mgmt");
    expect(names.filter((n) => n === "SDZ-NET-001 azurerm_network_security_rule.rdp_admins")).toHaveLength(1);
    expect(new Set(names).size).toBe(names.length);
    for (const el of [root, suites[0]]) {
      expect(Number(el.getAttribute("tests"))).toBe(cases.length);
      expect(Number(el.getAttribute("failures"))).toBe(1);
      expect(Number(el.getAttribute("errors"))).toBe(0);
      expect(Number(el.getAttribute("skipped"))).toBe(0);
    }
    const failure = elements(cases.find((c) => c.getAttribute("name")?.startsWith("SDZ-NET-001 azurerm_network_security_rule"))!, "failure")[0];
    expect(failure.getAttribute("message")).toBe('Management port open to any or the Internet: rule "rdp-admins" of NSG nsg-mgmt allows RDP (TCP 3389) from the Internet '
      + "to hosts behind NSG nsg-mgmt (associated with nothing in this configuration); no public IP, load balancer or DNAT reaches it today");
    expect(failure.textContent).toContain("Resource: azurerm_network_security_rule.rdp_admins");
  });

  test("suppressed findings are skipped with the reason; unusable inputs are errors of the suite inputs", () => {
    const r = runInProcess(["check", "tfjson-single", "bad/not-json.tf.json", "--format", "junit"]);
    expect(r.code).toBe(2);
    const doc = parseXml(r.stdout);
    const suites = elements(doc, "testsuite");
    expect(suites.map((s) => s.getAttribute("name"))).toEqual(["inputs", path.join("tfjson-single", "lab.tf.json")]);
    const errorCase = elements(suites[0], "testcase");
    expect(errorCase.map((c) => c.getAttribute("name"))).toEqual(["bad/not-json.tf.json"]);
    expect(elements(errorCase[0], "error")[0].getAttribute("type")).toBe("unusable-input");
    const skipped = elements(suites[1], "testcase").filter((c) => elements(c, "skipped").length > 0);
    expect(skipped.map((c) => c.getAttribute("name"))).toEqual(["SDZ-NET-001 azurerm_network_security_rule.lab_rdp"]);
    expect(elements(skipped[0], "skipped")[0].getAttribute("message")).toBe("suppressed: Isolated lab, torn down nightly, no production data");
    expect(doc.documentElement!.getAttribute("errors")).toBe("1");
    expect(doc.documentElement!.getAttribute("skipped")).toBe("1");
  });

  test("text that XML cannot carry is escaped or replaced, and still parses", () => {
    const nasty = "a<b>&\"'\u0000\u001b\uFFFF\uD800z";
    const escaped = xmlText(nasty);
    expect(escaped).toBe("a&lt;b&gt;&amp;&quot;&apos;\uFFFD\uFFFD\uFFFD\uFFFDz");
    // The parser warns about U+FFFD itself (it suspects an encoding problem): that one is expected.
    const doc = parseXml(`<x a="${escaped}">${escaped}</x>`, /replacement character/);
    expect(doc.documentElement!.getAttribute("a")).toBe("a<b>&\"'\uFFFD\uFFFD\uFFFD\uFFFDz");
  });
});

describe("colour", () => {
  test.each([
    ["auto", true, {}, true],
    ["auto", false, {}, false],
    ["auto", true, { NO_COLOR: "1" }, false],
    ["auto", true, { NO_COLOR: "" }, true],
    ["auto", true, { TERM: "dumb" }, false],
    ["auto", false, { FORCE_COLOR: "1" }, true],
    ["auto", true, { FORCE_COLOR: "0" }, false],
    ["auto", false, { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
    ["always", false, { NO_COLOR: "1" }, true],
    ["never", true, { FORCE_COLOR: "1" }, false],
  ] as const)("mode %s, terminal %s, env %j: colour %s", (mode, tty, env, expected) => {
    expect(useColor(mode, tty, env)).toBe(expected);
  });

  test("on a terminal the table is coloured; NO_COLOR turns it off; the columns are unchanged", () => {
    const coloured = runWithIo(["check", "tfjson-split"], { outIsTty: true, env: {} });
    const plain = runWithIo(["check", "tfjson-split"], { outIsTty: true, env: { NO_COLOR: "1" } });
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toContain(`${ESC}31merror`);
    expect(coloured.stdout).toContain(`${ESC}31m${ESC}1mFAILED`);
    expect(plain.stdout).not.toContain(ESC);
    // eslint-disable-next-line no-control-regex
    expect(coloured.stdout.replace(/\x1b\[\d+m/g, "")).toBe(plain.stdout);
  });

  test("not a terminal: no colour; files never get colour, even with --color", () => {
    const dir = tempDir();
    const file = path.join(dir, "table.txt");
    const r = runWithIo(["check", "tfjson-split", "--color", "--format", `table=${file}`], { outIsTty: false, env: {} });
    expect(r.stdout).toContain(ESC);
    expect(fs.readFileSync(file, "utf8")).not.toContain(ESC);
    expect(runWithIo(["check", "tfjson-split"], { outIsTty: false, env: {} }).stdout).not.toContain(ESC);
    // other formats on a terminal are never coloured
    expect(runWithIo(["check", "tfjson-split", "--format", "github"], { outIsTty: true, env: {} }).stdout).not.toContain(ESC);
  });

  test("the binary colours with FORCE_COLOR and not with NO_COLOR (child process, stdout is a pipe)", () => {
    expect(runCli(["check", "tfjson-split"], { env: { FORCE_COLOR: "1", NO_COLOR: undefined } }).stdout).toContain(ESC);
    expect(runCli(["check", "tfjson-split"], { env: { NO_COLOR: "1", FORCE_COLOR: undefined } }).stdout).not.toContain(ESC);
  });

  test("paint(false) leaves text as it is", () => {
    const p = paint(false);
    expect([p.red("a"), p.bold("b"), p.dim("c")]).toEqual(["a", "b", "c"]);
  });
});

describe("--soft-fail", () => {
  test("findings still reported, exit 0, and the reports say so", () => {
    const dir = tempDir();
    const json = path.join(dir, "r.json");
    const r = runInProcess(["check", "tfjson-split", "--soft-fail", "--json", json]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SDZ-NET-001");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(
      "FAILED (soft fail: exit code 0): 1 error, 0 warnings, 0 notes, 0 could not be verified, 0 suppressed in 1 configuration (2 resources)");
    const doc = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(doc).toMatchObject({ passed: false, softFail: true, exitCode: 0 });
    expect(doc.counts.errors).toBe(1);
  });

  test("without --soft-fail the JSON has no softFail field (additive) and exit code 1", () => {
    const r = runInProcess(["check", "tfjson-split", "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode).toBe(1);
    expect("softFail" in doc).toBe(false);
  });

  test("unusable input still exits 2", () => {
    const r = runInProcess(["check", "tfjson-split", "bad/not-json.tf.json", "--soft-fail"]);
    expect(r.code).toBe(2);
  });
});

describe("--verbose", () => {
  function passedOf(stdout: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const m of stdout.matchAll(/^ {4}(\S+): (.*)$/gm)) out.set(m[1], m[2].split(", "));
    return out;
  }

  test("lists per resource the rules that ran and found nothing; a failed rule is not listed there", () => {
    const r = runInProcess(["check", "tfjson-single", "--verbose"]);
    expect(r.stdout).toContain("  passed (rules that ran on the resource and found nothing):");
    const passed = passedOf(r.stdout);
    expect([...passed.keys()]).toEqual(["azurerm_network_security_group.lab", "azurerm_network_security_rule.lab_rdp", "azurerm_network_security_rule.winrm_mgmt"]);
    // WinRM from a private range passes the management-port rule; the suppressed RDP rule did not pass it.
    expect(passed.get("azurerm_network_security_rule.winrm_mgmt")).toContain("SDZ-NET-001");
    expect(passed.get("azurerm_network_security_rule.lab_rdp")).not.toContain("SDZ-NET-001");
  });

  test("without --verbose no passing rules are listed", () => {
    expect(runInProcess(["check", "tfjson-single"]).stdout).not.toContain("passed (");
  });
});
