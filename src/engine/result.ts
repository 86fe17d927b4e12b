import { RuleInfo, RuleLevel } from "./rule";

/** What became of a finding. */
export enum FindingStatus {
  /** The rule found a violation (or, at INFO level, a note). */
  FAIL = "fail",
  /** The rule could not see the value it needs (variable, data source, computed attribute). */
  UNVERIFIED = "unverified",
  /** Suppressed with a recorded reason. */
  SUPPRESSED = "suppressed",
}

/** One finding of one rule on one resource. */
export interface Finding {
  /** Rule ID. */
  readonly ruleId: string;
  /** Effective level. */
  readonly level: RuleLevel;
  /** Status. */
  readonly status: FindingStatus;
  /** Rule title. */
  readonly title: string;
  /** What is wrong, on this resource. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** Requirement IDs. */
  readonly requirements: string[];
  /** Terraform address, e.g. `azurerm_subnet.pxe`. */
  readonly address: string;
  /** Resource type. */
  readonly resourceType: string;
  /** Construct path, when known. */
  readonly constructPath?: string;
  /** Input file, for the command line. */
  readonly source?: string;
  /** The suppression reason, when suppressed. */
  readonly suppressionReason?: string;
}

/** A suppression declared but matching no finding. */
export interface UnusedSuppression {
  /** Rule ID. */
  readonly ruleId: string;
  /** Reason given. */
  readonly reason: string;
  /** Construct path (or resource address) it was declared on. */
  readonly scope: string;
}

/** One `sdz-*` setting of a resource, and how it is made true. */
export interface SettingRecord {
  /** Terraform address of the resource that carries it. */
  readonly address: string;
  /** The tag, e.g. `sdz-smb-signing-required`. */
  readonly setting: string;
  /** Its value as printed (never a secret). */
  readonly value: string;
  /** `applied` (a resource sets and verifies it), `audited` (Azure keeps checking it) or `declared` (only the tag says so). */
  readonly provenance: string;
  /** What makes it so, or why it is only declared. */
  readonly evidence: string;
}

/** Counts of a check run. */
export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly unverified: number;
  readonly suppressed: number;
}

/** The result of checking one configuration (stack or file). */
export interface CheckResult {
  /** Stack name or file. */
  readonly name: string;
  /** Every finding, suppressed ones included. */
  readonly findings: Finding[];
  /** Suppressions that matched nothing. */
  readonly unusedSuppressions: UnusedSuppression[];
  /** Rules that ran. */
  readonly rules: RuleInfo[];
  /** Resources checked. */
  readonly resourceCount: number;
  /** Counts by outcome. */
  readonly counts: FindingCounts;
  /** Every `sdz-*` tag of tagged resources, by address (values of secret-bearing tags are never shown). */
  readonly inventory: { [address: string]: { [tag: string]: string } };
  /** Every setting with its provenance: applied, audited or declared. */
  readonly settings?: SettingRecord[];
}

/** Counts of a list of findings. Failing and unverified findings count under their level too. */
export function countFindings(findings: Finding[]): FindingCounts {
  let errors = 0, warnings = 0, infos = 0, unverified = 0, suppressed = 0;
  for (const f of findings) {
    if (f.status === FindingStatus.SUPPRESSED) {
      suppressed++;
      continue;
    }
    if (f.status === FindingStatus.UNVERIFIED) unverified++;
    if (f.level === RuleLevel.ERROR) errors++;
    else if (f.level === RuleLevel.WARNING) warnings++;
    else infos++;
  }
  return { errors, warnings, infos, unverified, suppressed };
}
