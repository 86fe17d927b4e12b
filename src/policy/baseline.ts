/**
 * Baselines, for adopting the checks on an existing estate: the findings a baseline file records are
 * still reported, marked as known, but only new findings fail.
 *
 * A finding is keyed by rule ID, Terraform address and a fingerprint of rule, address and resource
 * type, never by its message (messages are improved between releases; a key that moved with them
 * would turn every known finding into a new one). Several findings of one rule on one resource (two
 * open inline rules of one NSG) are counted: the baseline records how many are known, and any
 * beyond that number are new. Findings of rules that cannot be suppressed are never baselined.
 */
import { createHash } from "crypto";
import { ConfigError, readPolicyJson } from "./config";
import { CheckResult, Finding, FindingStatus } from "../engine/result";
import { findRule } from "../rules";

/** Version of the baseline file format. */
export const BASELINE_VERSION = 1;

/** One known finding (or several, `count`, of one rule on one resource). */
export interface BaselineEntry {
  readonly ruleId: string;
  readonly address: string;
  /** First 16 hex digits of sha256(rule ID, address, resource type). */
  readonly fingerprint: string;
  readonly count: number;
}

/** The message-independent fingerprint of a finding. */
export function findingFingerprint(f: Pick<Finding, "ruleId" | "address" | "resourceType">): string {
  return createHash("sha256").update(`${f.ruleId}\u0000${f.address}\u0000${f.resourceType}`).digest("hex").slice(0, 16);
}

function keyOf(ruleId: string, address: string, fingerprint: string): string {
  return `${ruleId}\u0000${address}\u0000${fingerprint}`;
}

/** Whether a finding may be baselined: open (not suppressed), of a rule that can be suppressed. */
export function isBaselinable(f: Finding): boolean {
  return f.status !== FindingStatus.SUPPRESSED && findRule(f.ruleId)?.suppressible !== false;
}

/** A set of known findings. */
export class Baseline {
  /** The baseline of every open finding of `results` (those that may be baselined). */
  public static fromResults(results: readonly CheckResult[]): Baseline {
    const counts = new Map<string, BaselineEntry>();
    for (const f of results.flatMap((r) => r.findings).filter(isBaselinable)) {
      const fingerprint = findingFingerprint(f);
      const key = keyOf(f.ruleId, f.address, fingerprint);
      const prev = counts.get(key);
      counts.set(key, { ruleId: f.ruleId, address: f.address, fingerprint, count: (prev?.count ?? 0) + 1 });
    }
    return new Baseline([...counts.values()]);
  }

  /** Reads and validates a baseline file (strictly: a malformed one is an error naming the entry). */
  public static read(file: string): Baseline {
    const json = readPolicyJson(file);
    const fail = (where: string, problem: string) => new ConfigError(`${file}: ${where}`, problem);
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw fail("(top level)", "must be a baseline object (write one with --baseline-write)");
    const doc = json as Record<string, unknown>;
    if (doc.baselineVersion !== BASELINE_VERSION) throw fail("baselineVersion", `must be ${BASELINE_VERSION} (this version of the tool reads baseline format ${BASELINE_VERSION})`);
    if (!Array.isArray(doc.findings)) throw fail("findings", "must be a list");
    const entries = doc.findings.map((e: unknown, i: number): BaselineEntry => {
      const x = e as Record<string, unknown>;
      const ok = typeof x === "object" && x !== null && typeof x.ruleId === "string" && typeof x.address === "string"
        && typeof x.fingerprint === "string" && /^[0-9a-f]{16}$/.test(x.fingerprint) && Number.isInteger(x.count) && (x.count as number) > 0;
      if (!ok) throw fail(`findings[${i}]`, "must be { ruleId, address, fingerprint (16 hex digits), count (a positive integer) }");
      return { ruleId: x.ruleId as string, address: x.address as string, fingerprint: x.fingerprint as string, count: x.count as number };
    });
    return new Baseline(entries);
  }

  private constructor(public readonly entries: readonly BaselineEntry[]) {}

  /** The file's content: entries sorted, so a baseline diffs cleanly in review. */
  public toJson(): object {
    const sorted = [...this.entries].sort((a, b) => (a.ruleId + a.address < b.ruleId + b.address ? -1 : a.ruleId + a.address > b.ruleId + b.address ? 1 : 0));
    return { baselineVersion: BASELINE_VERSION, tool: "secure-deployment-zones", findings: sorted };
  }

  /**
   * A matcher for one check: true for a finding the baseline knows (each entry matches at most
   * `count` findings, in the order they are offered), false for a new one.
   */
  public matcher(): (f: Finding) => boolean {
    const left = new Map(this.entries.map((e) => [keyOf(e.ruleId, e.address, e.fingerprint), e.count]));
    return (f) => {
      if (!isBaselinable(f)) return false;
      const key = keyOf(f.ruleId, f.address, findingFingerprint(f));
      const n = left.get(key) ?? 0;
      if (n <= 0) return false;
      left.set(key, n - 1);
      return true;
    };
  }
}
