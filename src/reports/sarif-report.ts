import { createHash } from "crypto";
import { CheckResult, FindingStatus } from "../engine/result";
import { RuleInfo, RuleLevel } from "../engine/rule";

const LEVEL: Record<RuleLevel, string> = { error: "error", warning: "warning", info: "note" };

/** GitHub code scanning reads `security-severity` (0-10) from rule properties. */
const SECURITY_SEVERITY: Record<RuleLevel, string> = { error: "8.0", warning: "5.0", info: "2.0" };

/** The official schema location of SARIF 2.1.0. */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** A line range in a text file (1-based, inclusive). */
export interface LineRegion {
  readonly startLine: number;
  readonly endLine: number;
}

/**
 * Renders JSON the way cdktf writes cdk.tf.json (json-stable-stringify, two-space indent): keys
 * sorted, and empty objects and arrays broken over two lines.
 */
function renderLikeCdktf(node: unknown, level = 0): string | undefined {
  if (node === undefined || typeof node === "function") return undefined;
  if (node !== null && typeof (node as { toJSON?: unknown }).toJSON === "function") node = (node as { toJSON: () => unknown }).toJSON();
  if (typeof node !== "object" || node === null) return JSON.stringify(node);
  const indent = "\n" + "  ".repeat(level);
  const out: string[] = [];
  if (Array.isArray(node)) {
    for (const item of node) out.push(indent + "  " + (renderLikeCdktf(item, level + 1) ?? "null"));
    return "[" + out.join(",") + indent + "]";
  }
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj).sort()) {
    const value = renderLikeCdktf(obj[key], level + 1);
    if (value !== undefined) out.push(indent + "  " + JSON.stringify(key) + ": " + value);
  }
  return "{" + out.join(",") + indent + "}";
}

/**
 * The line range of every resource block (`type.name`) in `cdk.tf.json` as cdktf writes it
 * (keys sorted, two-space indent), so SARIF results point at the resource itself.
 */
export function resourceLineRegions(tfJson: unknown): Map<string, LineRegion> {
  const out = new Map<string, LineRegion>();
  const lines = (renderLikeCdktf(tfJson) ?? "").split("\n");
  let inResources = false;
  let type: string | undefined;
  let open: { address: string; startLine: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '  "resource": {') inResources = true;
    else if (inResources && /^ {2}\}/.test(line)) inResources = false;
    if (!inResources) continue;
    const typeMatch = /^ {4}"(.+)": \{$/.exec(line);
    if (typeMatch) type = JSON.parse(`"${typeMatch[1]}"`);
    const nameMatch = /^ {6}"(.+)": \{$/.exec(line);
    if (nameMatch && type) open = { address: `${type}.${JSON.parse(`"${nameMatch[1]}"`)}`, startLine: i + 1 };
    if (open && /^ {6}\},?$/.test(line)) {
      out.set(open.address, { startLine: open.startLine, endLine: i + 1 });
      open = undefined;
    }
  }
  return out;
}

/** `Management port open to any or the Internet` -> `ManagementPortOpenToAnyOrTheInternet`; `ICMP` -> `Icmp`. */
function friendlyName(rule: RuleInfo): string {
  // Single-letter words ("a") would put two capitals in a row, which is not Pascal case.
  const words = rule.title.replace(/[^A-Za-z0-9]+/g, " ").trim().split(" ").filter((w) => w.length > 1 || /\d/.test(w));
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join("");
  return /^[A-Za-z]/.test(name) ? name : `Rule${rule.id.replace(/[^A-Za-z0-9]/g, "")}`;
}

function withPeriod(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function fingerprint(...parts: (string | undefined)[]): string {
  return createHash("sha256").update(parts.map((p) => p ?? "").join("\u0000")).digest("hex").slice(0, 32);
}

/**
 * SARIF 2.1.0 for code-scanning upload (validated against the official schema in the tests).
 * Rules carry their metadata and help text (rationale, fix, requirement IDs); each result has a
 * logical location for the construct path and one for the Terraform address, and its physical
 * location is the synthesized JSON file. Suppressed findings are kept, with an `accepted`
 * suppression and its reason. Unverified findings (values unknown before apply) are results of
 * their level with `properties.status = "unverified"`, never dropped.
 */
export function toSarifReport(
  results: CheckResult[],
  tool: { name: string; version: string; informationUri: string },
  artifactUri: (r: CheckResult) => string,
  regionOf?: (r: CheckResult, address: string) => LineRegion | undefined,
): object {
  const rules = new Map<string, RuleInfo>();
  results.forEach((r) => r.rules.forEach((rule) => rules.set(rule.id, rule)));
  const ruleList = [...rules.values()];
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const docsUri = `${tool.informationUri.replace(/\/+$/, "")}/blob/main/docs/rules.md`;
  const artifacts: string[] = [];
  const artifactIndex = new Map<string, number>();
  const artifactOf = (uri: string): number => {
    let i = artifactIndex.get(uri);
    if (i === undefined) {
      i = artifacts.length;
      artifacts.push(uri);
      artifactIndex.set(uri, i);
    }
    return i;
  };
  const unused = results.flatMap((r) => r.unusedSuppressions.map((s) => ({ ...s, stack: r.name })));

  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(tool.version) ? tool.version : undefined,
            informationUri: tool.informationUri,
            rules: ruleList.map((r) => ({
              id: r.id,
              name: friendlyName(r),
              shortDescription: { text: withPeriod(r.title) },
              fullDescription: { text: withPeriod(r.rationale) },
              // The library's rules (SDZ-*) are in docs/rules.md; a custom rule links only where its author says.
              ...(r.helpUri ?? r.id.startsWith("SDZ-") ? { helpUri: r.helpUri ?? `${docsUri}#${r.id.toLowerCase()}` } : {}),
              help: {
                text: `${withPeriod(r.rationale)}\n\nFix: ${withPeriod(r.fix)}\n\nRequirements: ${r.requirements.join(", ") || "none"}. Suppressible: ${r.suppressible ? "yes" : "no"}.`,
                markdown: `${withPeriod(r.rationale)}\n\n**Fix:** ${withPeriod(r.fix)}\n\n**Requirements:** ${r.requirements.join(", ") || "none"}\n\n**Suppressible:** ${r.suppressible ? "yes" : "no"}`,
              },
              defaultConfiguration: { level: LEVEL[r.level] },
              properties: {
                "requirements": r.requirements,
                "area": r.area,
                "suppressible": r.suppressible,
                "resourceTypes": r.resourceTypes,
                "security-severity": SECURITY_SEVERITY[r.level],
                "tags": ["security", r.area, ...r.requirements],
              },
            })),
          },
        },
        automationDetails: { id: results.length === 1 ? `${tool.name}/${results[0].name}/` : `${tool.name}/` },
        results: results.flatMap((res) => res.findings.map((f) => {
          const uri = artifactUri(res);
          const ruleIndex = index.get(f.ruleId);
          const region = regionOf?.(res, f.address);
          return {
            ruleId: f.ruleId,
            ...(ruleIndex !== undefined ? { ruleIndex } : {}),
            level: LEVEL[f.level],
            kind: "fail",
            message: { text: `${withPeriod(f.message)} Resource: ${f.address}. Fix: ${withPeriod(f.fix)}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri, index: artifactOf(uri) },
                  ...(region ? { region: { startLine: region.startLine, endLine: region.endLine } } : {}),
                },
                logicalLocations: [
                  ...(f.constructPath ? [{ name: f.constructPath.split("/").pop(), fullyQualifiedName: f.constructPath, kind: "module" }] : []),
                  { name: f.address, fullyQualifiedName: f.address, kind: "resource" },
                ],
              },
            ],
            partialFingerprints: { "sdzFinding/v1": fingerprint(res.name, f.ruleId, f.address, f.constructPath) },
            ...(f.status === FindingStatus.SUPPRESSED
              ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.suppressionReason ?? "" }] }
              : {}),
            properties: { requirements: f.requirements, status: f.status, stack: res.name, resourceType: f.resourceType },
          };
        })),
        artifacts: artifacts.map((uri) => ({ location: { uri }, roles: ["analysisTarget"], mimeType: "application/json", description: { text: "Terraform JSON configuration checked by the rules." } })),
        invocations: [
          {
            executionSuccessful: true,
            toolConfigurationNotifications: unused.map((s) => ({
              level: "warning",
              descriptor: { id: "unused-suppression" },
              associatedRule: index.has(s.ruleId) ? { id: s.ruleId, index: index.get(s.ruleId) } : { id: s.ruleId },
              message: { text: `The suppression of ${s.ruleId} on ${s.scope} (stack ${s.stack}) matches no finding (reason: ${s.reason}). Remove it or fix its scope.` },
            })),
          },
        ],
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
