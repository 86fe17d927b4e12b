/**
 * Which deciding rules SDZ-NET-001 already reports on an endpoint, so that the service rules of every
 * pack leave a rule that opens everything to the Internet to that one finding (principle 3).
 */
import { MANAGEMENT_PORTS, OTHER_SENSITIVE_PORTS } from "./management-port-open-to-internet";
import { Endpoint } from "../../engine/access/access-model";
import { Decider, deciderOf, namingRule, probeOf } from "../../engine/exposure";
import { RuleContext } from "../../engine/rule";
import { isBroad } from "../../engine/zones";

/**
 * True when SDZ-NET-001 reports the rule that lets `decider` in on this endpoint: it opens a
 * management port, or another sensitive port without naming it, to the broad Internet. Such a rule
 * is one finding (NET-001's); the service rules do not report it again. Memoised per endpoint.
 */
export function reportedByNet001(ctx: RuleContext, endpoint: Endpoint, decider: Decider): boolean {
  // Per endpoint object: asked for every reach of every host by several packs, so no key string per question.
  const perEndpoint = ctx.model.memo("net001:reported", () => new WeakMap<Endpoint, Set<string>>());
  let keys = perEndpoint.get(endpoint);
  if (!keys) perEndpoint.set(endpoint, (keys = reportedOn(ctx, endpoint)));
  return keys.has(deciderKey(decider));
}

function reportedOn(ctx: RuleContext, endpoint: Endpoint): Set<string> {
  const out = new Set<string>();
  const internet = ctx.access.internetSources(endpoint.subnet?.vnet, endpoint.subnet);
  // What NET-001 reports needs an Internet source that gets in: most hosts let none in on any port.
  if (!ctx.reach.mayReachFrom(endpoint, internet)) return out;
  for (const svc of [...MANAGEMENT_PORTS, ...OTHER_SENSITIVE_PORTS]) {
    if (!ctx.reach.mayReachOn(endpoint, probeOf(svc), internet)) continue;
    const answer = ctx.reach.reach(endpoint, probeOf(svc));
    for (const r of answer.reaches) {
      const pub = r.sources.intersect(internet);
      if (pub.isEmpty || !isBroad(pub, internet)) continue;
      if (!MANAGEMENT_PORTS.includes(svc) && namingRule(r, svc)) continue;
      const d = deciderOf(r, endpoint);
      if (d.kind === "no-nsg" && answer.internetEntries.length === 0 && !r.dnat) continue;
      out.add(deciderKey(d));
    }
  }
  return out;
}

/** A key that tells deciding rules apart. */
export function deciderKey(d: Decider): string {
  return `${d.resource.address}|${d.label}`;
}
