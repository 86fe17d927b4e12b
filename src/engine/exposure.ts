/**
 * Questions rules ask the access model, and the words findings use for the answers: who reaches a
 * service on an endpoint, which rule lets them in (and whether that rule was written for the
 * service), and what the sources are (the Internet, a zone, the VNet, a platform address).
 */
import { Endpoint, Probe } from "./access/access-model";
import { PRIVATE_V4 } from "./access/addresses";
import { Intervals, V6 } from "./access/intervals";
import { Reach, Reachability } from "./access/reachability";
import { SourceSet, TokenSet } from "./access/source-set";
import { NsgRule } from "./access/topology";
import { TerraformModel, TfResource } from "./model";
import { describeShare, describePorts, isBroad, Zone, Zones } from "./zones";
import { describeServicePort, ServicePort } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";

/** A rule "names" a port when the range holding it spans at most this many ports: it was written for that service. */
export const NAMED_RANGE_MAX = 100;

/** The probe of a service port. */
export function probeOf(p: ServicePort): Probe {
  return { protocol: p.protocol, from: p.from, to: p.to };
}

/** The ways sources reach a service on an endpoint. */
export function reachOn(model: TerraformModel, endpoint: Endpoint, port: ServicePort): readonly Reach[] {
  return Reachability.of(model).reach(endpoint, probeOf(port)).reaches;
}

/** The rule that lets a reach in: a DNAT rule, a firewall rule, else the first explicit NSG rule on the path, else the default rule. */
export interface Decider {
  readonly kind: "nsg-rule" | "default-rule" | "no-nsg" | "firewall-rule" | "dnat-rule";
  /** The resource a finding about it is reported on. */
  readonly resource: TfResource;
  /** `rule "allow-kms" of NSG kms-nsg`, `Azure's default rule AllowVNetInBound of NSG x`, `firewall rule kms/allow`. */
  readonly label: string;
  readonly nsgRule?: NsgRule;
  /** The rule's own destination ports (for "names the port"). */
  readonly ports?: Intervals<number>;
}

/** Who decides to let a reach in. */
export function deciderOf(r: Reach): Decider {
  if (r.dnat) return { kind: "dnat-rule", resource: r.dnat.resource, label: `DNAT rule ${r.dnat.label} of ${r.dnat.resource.address}`, ports: r.dnat.translatedPort?.known ? Intervals.of(r.ports.domain, [[r.dnat.translatedPort.value, r.dnat.translatedPort.value]]) : undefined };
  const layers = r.grant.layers;
  const explicit = layers.find((l) => l.rule && !l.rule.isDefault);
  if (explicit?.rule) {
    const rule = explicit.rule;
    return { kind: "nsg-rule", resource: rule.resource, label: `rule "${rule.name}" of NSG ${nsgName(rule)}`, nsgRule: rule, ports: rule.destinationPorts.known ? rule.destinationPorts.value : undefined };
  }
  if (r.firewall?.rule) return { kind: "firewall-rule", resource: r.firewall.rule.resource, label: `firewall rule ${r.firewall.rule.label}`, ports: r.firewall.rule.destinationPorts.known ? r.firewall.rule.destinationPorts.value : undefined };
  const def = layers.find((l) => l.rule)?.rule;
  if (def) return { kind: "default-rule", resource: def.resource, label: `Azure's default rule ${def.name} of NSG ${nsgName(def)}`, nsgRule: def };
  const note = layers.find((l) => l.note)?.note ?? "no NSG";
  const subnet = r.grant.layers[0];
  void subnet;
  return { kind: "no-nsg", resource: r.grant.layers.find((l) => l.nsg)?.nsg?.resource ?? ({} as TfResource), label: note };
}

function nsgName(rule: NsgRule): string {
  return rule.nsg?.name ?? rule.nsg?.resource.address ?? "?";
}

/**
 * The deciding rule's label when it was written for `port` (the range holding the port spans at
 * most {@link NAMED_RANGE_MAX} ports), else undefined. Default rules and missing NSGs never name a port.
 */
export function namingRule(r: Reach, port: ServicePort): string | undefined {
  if (r.outcome !== "allow") return undefined;
  const d = deciderOf(r);
  if (!d.ports || d.kind === "default-rule" || d.kind === "no-nsg") return undefined;
  return namesRange(d.ports, port.from, port.to) ? d.label : undefined;
}

/** True when a range of `ports` overlapping [from, to] spans at most {@link NAMED_RANGE_MAX} ports. */
export function namesRange(ports: Intervals<number>, from: number, to: number): boolean {
  return ports.ranges().some(([a, b]) => a <= to && from <= b && b - a < NAMED_RANGE_MAX);
}

/** What a source set stands for, piece by piece. */
export type SourceClass =
  /** Public addresses: the Internet (`broad`) or specific public ranges. */
  | { readonly kind: "internet"; readonly broad: boolean; readonly sources: SourceSet; readonly text: string }
  /** A zone of the configuration (a subnet, or an on-premises range set), with its trust. */
  | { readonly kind: "zone"; readonly zone: Zone; readonly trust?: TrustLevel; readonly trustSource: string; readonly sources: SourceSet; readonly text: string }
  /** Private addresses in no zone of the configuration (other VNets, on-premises ranges not declared). */
  | { readonly kind: "private"; readonly sources: SourceSet; readonly text: string }
  /** Azure's platform (AzureLoadBalancer health probes): never an attacker's source. */
  | { readonly kind: "platform"; readonly text: string }
  /** Another service tag, or an application security group. */
  | { readonly kind: "tag" | "asg"; readonly name: string; readonly text: string };

/** Splits sources into the classes findings talk about. */
export function classifySources(model: TerraformModel, endpoint: Endpoint, sources: SourceSet): SourceClass[] {
  const access = Reachability.of(model).access;
  const zones = Zones.of(model);
  const internet = access.internetSources(endpoint.subnet?.vnet, endpoint.subnet);
  const out: SourceClass[] = [];
  const pub = sources.intersect(internet);
  if (!pub.isEmpty) out.push({ kind: "internet", broad: isBroad(pub, internet), sources: pub, text: describeShare(pub, internet) });
  let rest = sources.subtract(internet);
  for (const z of zones.overlappingSources(rest)) {
    const part = rest.intersect(z.sources);
    if (part.isEmpty) continue;
    const trust = zones.trustOf(z);
    out.push({ kind: "zone", zone: z, trust: trust.level, trustSource: trust.source, sources: part, text: `zone ${z.name}${trust.level ? ` (${trust.level}${trust.source === "inferred" ? ", inferred" : ""})` : " (trust not declared)"}` });
    rest = rest.subtract(part);
  }
  const addrRest = new SourceSet(rest.v4, rest.v6, TokenSet.NONE);
  if (!addrRest.isEmpty) {
    const inPrivate = addrRest.v4.intersect(PRIVATE_V4);
    out.push({ kind: "private", sources: addrRest, text: `${inPrivate.isEmpty ? "other" : "private"} addresses ${addrRest.v4.ranges().slice(0, 3).map(([a, b]) => rangeText(a, b)).join(", ")}${addrRest.v6.isEmpty ? "" : " and IPv6 ranges"}` });
  }
  const tokens = rest.tokens;
  if (tokens.all) out.push({ kind: "tag", name: "*", text: "any service tag or application security group" });
  else {
    for (const t of tokens.names) {
      if (t === "tag:azureloadbalancer") out.push({ kind: "platform", text: "AzureLoadBalancer (Azure's health probes)" });
      else if (t.startsWith("asg:")) out.push({ kind: "asg", name: t.slice(4), text: `application security group ${t.slice(4)}` });
      else out.push({ kind: "tag", name: t.slice(4), text: `service tag ${t.slice(4)}` });
    }
  }
  void V6;
  return out;
}

function rangeText(a: number, b: number): string {
  const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  const size = b - a + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && a % size === 0) return prefix === 32 ? ip(a) : `${ip(a)}/${prefix}`;
  return `${ip(a)}-${ip(b)}`;
}

/** `through rule "x" of NSG y (subnet) and rule "z" of NSG w (NIC)`, or the firewall / DNAT path. */
export function describeReach(r: Reach): string {
  const parts: string[] = [];
  if (r.dnat) parts.push(`DNAT rule ${r.dnat.label}`);
  if (r.firewall) parts.push(r.firewall.rule ? `firewall rule ${r.firewall.rule.label}` : `firewall ${r.firewall.firewall.resource.address}`);
  for (const l of r.grant.layers) {
    if (l.rule) parts.push(l.rule.isDefault ? `Azure's default rule ${l.rule.name} of NSG ${nsgName(l.rule)}` : `rule "${l.rule.name}" of NSG ${nsgName(l.rule)}`);
    else if (l.note) parts.push(l.note);
  }
  return parts.join(", then ");
}

export { describePorts, describeServicePort };
