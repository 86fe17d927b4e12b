/**
 * Which deciding rules SDZ-NET-001 already reports on an endpoint, and for which services, so that
 * the service rules of every pack leave what NET-001 reports to that one finding (principle 3).
 */
import { leftToServiceRule, MANAGEMENT_PORTS, OTHER_SENSITIVE_PORTS } from "./management-port-open-to-internet";
import { Endpoint } from "../../engine/access/access-model";
import { Reach } from "../../engine/access/reachability";
import { Decider, deciderOf, hostEndpoints, mayName, namesRange, namingRule, probeOf, serviceDeciderOf } from "../../engine/exposure";
import { RuleContext } from "../../engine/rule";
import { isBroad } from "../../engine/zones";
import { ServicePort } from "../../network/service-ports";

/**
 * What the questions below read of a rule context: a check's own, or one built from the model
 * (`{ model, access: reach.access, reach }` with Reachability.of(model)) where a pack computes a
 * shared verdict outside any check (the KMS pack's exposures).
 */
export type Net001Context = Pick<RuleContext, "model" | "access" | "reach">;

/**
 * True when SDZ-NET-001 would report the rule that lets `decider` in on this endpoint: it opens a
 * management port, or another sensitive port without naming it, to the broad Internet, whether or not
 * NET-001 runs in this check (zone trust asks it: such a rule is an exposure, not what makes a zone a
 * perimeter). To leave a finding to NET-001, ask {@link leftToNet001}. Memoised per endpoint.
 */
export function reportedByNet001(ctx: Net001Context, endpoint: Endpoint, decider: Decider): boolean {
  return reportedOn(ctx, endpoint).has(deciderKey(decider));
}

/**
 * True when SDZ-NET-001 runs in this check and reports the rule that lets `decider` in on this
 * endpoint ({@link reportedByNet001}): that rule is its one finding, and the service rules do not report
 * it again. When NET-001 does not run (excluded, not selected), they keep it: no silent pass.
 */
export function leftToNet001(ctx: Net001Context, endpoint: Endpoint, decider: Decider): boolean {
  return net001Runs(ctx) && reportedByNet001(ctx, endpoint, decider);
}

/** Whether SDZ-NET-001 runs in this check (the engine's answer, held by the model for verdicts computed outside a check). */
function net001Runs(ctx: Net001Context): boolean {
  return ctx.model.runsInCheck("SDZ-NET-001");
}

/**
 * True when SDZ-NET-001's finding (failing or could-not-verify) about `decider` on this endpoint
 * names `port` among the services it opens (one of them has its protocol and covers its ports, so
 * a service port built elsewhere, e.g. a configured provisioning port, is compared by value): the
 * same rule, the same host, the same service. A
 * service rule leaves such a reach to that finding, which is how a rule whose values are not known
 * before apply (a dynamic security_rule block, a variable) is one could-not-verify, not one per pack.
 * `decider` is the one the caller would report on (deciderOf or serviceDeciderOf of the reach): only
 * when it is NET-001's deciding rule do the two findings land on the same resource. Memoised per endpoint.
 */
export function reportedByNet001For(ctx: Net001Context, endpoint: Endpoint, decider: Decider, port: ServicePort): boolean {
  return net001Runs(ctx) && covers(reportedOn(ctx, endpoint).get(deciderKey(decider)), port);
}

/**
 * True when an uncertain reach on `port` is left to SDZ-NET-001's could-not-verify: the rule a service rule
 * would report it on ({@link serviceDeciderOf}) was not written for the port (its ports are not known
 * before apply, as in a dynamic security_rule block, or form a range wider than a service's), and
 * NET-001's finding about that rule on this host names the port (same rule, same host, same service).
 * A rule written for the port stays the service rule's, as NET-001's rationale says (that NET-001 also
 * reports one whose other values are not known is its side to settle, not the service rule's).
 * Known allows keep the packs' own tests ({@link reportedByNet001}).
 */
export function unknownRuleLeftToNet001(ctx: Net001Context, r: Reach, endpoint: Endpoint, port: ServicePort): boolean {
  if (r.outcome !== "uncertain") return false;
  const d = serviceDeciderOf(r, port, endpoint);
  if (d.ports && namesRange(d.ports, port.from, port.to)) return false;
  return reportedByNet001For(ctx, endpoint, d, port);
}

/**
 * True when SDZ-NET-001's finding about `decider` on some host names `port` (as {@link reportedByNet001For}):
 * for a rule read on its own, whatever hosts it applies to (SDZ-DOM-001 reads every NSG rule, not reaches).
 * Every host is asked once per configuration, on the first question.
 */
export function reportedByNet001OnSomeHost(ctx: Net001Context, decider: Decider, port: ServicePort): boolean {
  if (!net001Runs(ctx)) return false;
  const all = ctx.model.memo("net001:reported-anywhere", () => {
    const out = new Map<string, Set<ServicePort>>();
    for (const ep of hostEndpoints(ctx.model)) {
      for (const [key, ports] of reportedOn(ctx, ep)) {
        let into = out.get(key);
        if (!into) out.set(key, (into = new Set()));
        ports.forEach((p) => into!.add(p));
      }
    }
    return out;
  });
  return covers(all.get(deciderKey(decider)), port);
}

/** One of the services NET-001 names has the port's protocol and covers its ports (compared by value). */
function covers(named: Set<ServicePort> | undefined, port: ServicePort): boolean {
  return !!named && [...named].some((s) => s.protocol === port.protocol && s.from <= port.from && port.to <= s.to);
}

/**
 * The reaches a service rule (SDZ-NET-005, SDZ-NET-006) reports on `port`: through a rule written for
 * it (it names the port), or one whose ports are not known before apply and may name it, unless
 * SDZ-NET-001's finding about that very rule already names the port (an unknown rule's could-not-verify
 * lists every sensitive service it may open).
 */
export function serviceRuleOwns(ctx: Net001Context, r: Reach, endpoint: Endpoint, port: ServicePort): boolean {
  if (!namingRule(r, port) && !mayName(r, port)) return false;
  return !reportedByNet001For(ctx, endpoint, serviceDeciderOf(r, port, endpoint), port);
}

/** Per endpoint: the deciding rules NET-001 reports (by {@link deciderKey}), each with the services it names. */
function reportedOn(ctx: Net001Context, endpoint: Endpoint): Map<string, Set<ServicePort>> {
  // Per endpoint object: asked for every reach of every host by several packs, so no key string per question.
  const perEndpoint = ctx.model.memo("net001:reported", () => new WeakMap<Endpoint, Map<string, Set<ServicePort>>>());
  let out = perEndpoint.get(endpoint);
  if (out) return out;
  perEndpoint.set(endpoint, (out = new Map()));
  const internet = ctx.access.internetSources(endpoint.subnet?.vnet, endpoint.subnet);
  // What NET-001 reports needs an Internet source that gets in: most hosts let none in on any port.
  if (!ctx.reach.mayReachFrom(endpoint, internet)) return out;
  // The same questions, in the same order, as NET-001's check. Its warnings about wide public ranges
  // short of the Internet (management ports only) are not here: the service rules judge those sources.
  for (const svc of [...MANAGEMENT_PORTS, ...OTHER_SENSITIVE_PORTS]) {
    if (!ctx.reach.mayReachOn(endpoint, probeOf(svc), internet)) continue;
    const answer = ctx.reach.reach(endpoint, probeOf(svc));
    for (const r of answer.reaches) {
      const pub = r.sources.intersect(internet);
      if (pub.isEmpty || !isBroad(pub, internet)) continue;
      if (leftToServiceRule(r, svc, endpoint)) continue;
      const d = deciderOf(r, endpoint);
      if (d.kind === "no-nsg" && answer.internetEntries.length === 0 && !r.dnat) continue;
      const key = deciderKey(d);
      let ports = out.get(key);
      if (!ports) out.set(key, (ports = new Set()));
      ports.add(svc);
    }
  }
  return out;
}

/** A key that tells deciding rules apart. */
export function deciderKey(d: Decider): string {
  return `${d.resource.address}|${d.label}`;
}
