/**
 * What SDZ-KMS-002 reports, computed once per configuration: its check writes the findings from it,
 * and SDZ-NET-003 leaves Azure's AllowVNetInBound of an NSG (or an explicit rule re-creating it) to it
 * where KMS-002 reports that very rule on a KMS host (one finding per problem: the missing deny-all, fixed on one NSG; KMS-002's finding
 * names R-PXE-4's default-deny too).
 */
import { KMS, KmsExposure, kmsExposures, notAnAllowlist } from "./kms-reaches";
import { Endpoint } from "../../engine/access/access-model";
import { reopensAllowVnetInBound } from "../../engine/access/nsg-eval";
import { Reach } from "../../engine/access/reachability";
import { NsgRule } from "../../engine/access/topology";
import { nsgDecider, serviceDeciderOf } from "../../engine/exposure";
import { TerraformModel } from "../../engine/model";

/** One place SDZ-KMS-002 reports: the exposure and the sources that are no allowlist. */
export interface Kms002Verdict {
  readonly e: KmsExposure;
  /** `any source`, `VirtualNetwork through Azure's default rule AllowVNetInBound (...)`, ... */
  readonly parts: readonly string[];
  /** One of the parts is the Internet (any source, or the broad Internet): the finding names every Internet source of the rule. */
  readonly internet: boolean;
}

/** Every finding of SDZ-KMS-002, in exposure order. Memoised per configuration. */
export function kms002Verdicts(model: TerraformModel): Kms002Verdict[] {
  return model.memo("kms-002:verdicts", () => {
    const out: Kms002Verdict[] = [];
    for (const e of kmsExposures(model)) {
      const { parts, internet } = notAnAllowlist(model, e);
      // An allowlist is no finding. (A wide rule from the broad Internet is SDZ-NET-001's one finding: no exposure holds it.)
      if (parts.length === 0) continue;
      out.push({ e, parts, internet });
    }
    return out;
  });
}

/**
 * SDZ-KMS-002's finding on `rule`, Azure's default rule AllowVNetInBound of an NSG or an explicit allow of
 * all traffic from VirtualNetwork (or *) that re-creates it, where it lets the virtual network in on TCP
 * 1688 to a KMS host behind that NSG; undefined when KMS-002 does not report it (an earlier rule decides
 * TCP 1688, no KMS host is behind the NSG, or the rule is another one). Its outcome says how strongly:
 * "allow" is an error, "uncertain" a could-not-verify.
 */
export function reportedByKms002(model: TerraformModel, rule: NsgRule): Kms002Verdict | undefined {
  if (!(rule.isDefault && rule.name === "AllowVNetInBound") && !reopensAllowVnetInBound(rule)) return undefined;
  const byKey = model.memo("kms-002:allow-vnet-inbound", () => {
    const m = new Map<string, Kms002Verdict>();
    for (const v of kms002Verdicts(model)) {
      // One exposure per deciding rule and outcome: an error wins over a could-not-verify of the same rule.
      if ((v.e.vnetDefault || v.e.reopensVnet) && (v.e.outcome === "allow" || !m.has(v.e.deciderKey))) m.set(v.e.deciderKey, v);
    }
    return m;
  });
  const d = nsgDecider(rule);
  return byKey.get(`${d.resource.address}|${d.label}`);
}

/**
 * SDZ-KMS-002's could-not-verify about the rule that lets the uncertain reach `r` in on TCP 1688 to `ep`
 * (the rule the KMS exposures group by: {@link serviceDeciderOf}), or undefined. SDZ-KMS-006 leaves TCP
 * 1688 of such a reach from the Internet to it: the same value not known before apply (a source from a
 * variable), on the same rule, is one could-not-verify. Known allows are not looked up here.
 */
export function unverifiedByKms002(model: TerraformModel, ep: Endpoint, r: Reach): Kms002Verdict | undefined {
  if (r.outcome !== "uncertain") return undefined;
  return verdictOnRuleAndHost(model, "unverified", (v) => v.e.outcome === "uncertain", ep, r);
}

/**
 * SDZ-KMS-002's error about the rule that lets the allowed reach `r` in on TCP 1688 to `ep` (the rule
 * the KMS exposures group by: {@link serviceDeciderOf}), where that finding names the Internet (any
 * source, or the broad Internet: every Internet source of the rule), or undefined. SDZ-KMS-006 leaves
 * TCP 1688 of such a reach from the Internet to it: the rule is the one problem (an allowlist fixes
 * it), and the finding names the host's exposure to the Internet (R-KMS-7). A narrower public source
 * (one address) is no part of that finding (it may be an allowlist entry): it stays SDZ-KMS-006's.
 */
export function internetReportedByKms002(model: TerraformModel, ep: Endpoint, r: Reach): Kms002Verdict | undefined {
  if (r.outcome !== "allow") return undefined;
  return verdictOnRuleAndHost(model, "internet", (v) => v.e.outcome === "allow" && v.internet, ep, r);
}

/**
 * The finding of SDZ-KMS-002 that `keep` selects about the rule the KMS exposures group `r` by
 * ({@link serviceDeciderOf}) on host `ep`. Indexed once per configuration and `kind`: linear in what
 * the findings name, one key per rule and host it reaches.
 */
function verdictOnRuleAndHost(model: TerraformModel, kind: string, keep: (v: Kms002Verdict) => boolean, ep: Endpoint, r: Reach): Kms002Verdict | undefined {
  const byKey = model.memo(`kms-002:${kind}-by-rule-and-host`, () => {
    const m = new Map<string, Kms002Verdict>();
    for (const v of kms002Verdicts(model)) if (keep(v)) for (const host of v.e.targets) m.set(`${v.e.deciderKey}|${host}`, v);
    return m;
  });
  const d = serviceDeciderOf(r, KMS, ep);
  return byKey.get(`${d.resource.address}|${d.label}|${ep.label}`);
}
