/**
 * The access model against a brute-force evaluator of Azure's NSG processing, written from the
 * documentation ("How network security groups filter network traffic"): for inbound traffic the
 * subnet's NSG is evaluated, then the NIC's; in each, rules are processed in priority order and the
 * first rule whose protocol, source, source port, destination and destination port match decides;
 * Azure's default rules (AllowVNetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound
 * 65500) come last; a layer with no NSG allows everything; traffic passes when every layer allows.
 */
import * as fc from "fast-check";
import { AccessModel } from "../../../src/engine/access/access-model";
import { parseCidr } from "../../../src/engine/access/addresses";
import { SourceSet } from "../../../src/engine/access/source-set";
import { certainNamingRule, namingRule, reachOn } from "../../../src/engine/exposure";
import { SERVICE_PORTS } from "../../../src/network/service-ports";
import { Body, TfJson } from "../../support/tf-json";

const VNET = "10.0.0.0/16";
const SUBNET = "10.0.1.0/24";
const HOST = "10.0.1.4";
const SOURCES = ["*", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.2.7", "192.168.0.0/16", "8.8.8.0/24",
  "VirtualNetwork", "Internet", "AzureLoadBalancer"];
const DESTINATIONS = ["*", HOST, SUBNET, "10.0.1.5", "10.0.2.0/24", "VirtualNetwork"];
const PORTS = ["*", "22", "80", "443", "1688", "1000-2000", "3389", "50000-60000"];
const PROBE_SOURCES = ["10.0.2.7", "10.0.1.9", "10.0.3.3", "192.168.5.5", "8.8.8.8", "200.1.1.1", "100.64.0.1", "tag:azureloadbalancer"];
const PROBE_PORTS = [22, 80, 443, 1500, 1688, 3389, 55000, 65000];

interface RuleSpec { priority: number; direction: string; access: string; protocol: string; port: string; source: string; destination: string }

function ip(text: string): number {
  return (parseCidr(text) as { start: number }).start;
}

/** Does an address prefix or tag (as Azure reads it) contain the source? */
function sourceMatches(prefix: string, src: string): boolean {
  if (prefix === "*") return true;
  if (src.startsWith("tag:")) return prefix.toLowerCase() === src.slice(4);
  const s = ip(src);
  if (prefix === "VirtualNetwork") return inCidr(VNET, s);
  if (prefix === "Internet") return !inCidr(VNET, s) && !["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].some((c) => inCidr(c, s));
  if (prefix === "AzureLoadBalancer") return false;
  return inCidr(prefix, s);
}

function inCidr(cidr: string, n: number): boolean {
  const c = parseCidr(cidr) as { start: number; end: number };
  return c.start <= n && n <= c.end;
}

/** Does a prefix or tag contain the VNet host? It is in VirtualNetwork, never in Internet or AzureLoadBalancer. */
function destinationMatches(prefix: string): boolean {
  if (prefix === "*" || prefix === "VirtualNetwork") return true;
  if (prefix === "Internet" || prefix === "AzureLoadBalancer") return false;
  return inCidr(prefix, ip(HOST));
}

function portMatches(range: string, port: number): boolean {
  if (range === "*") return true;
  const [a, b] = range.split("-").map(Number);
  return port >= a && port <= (b ?? a);
}

function layerAllows(rules: RuleSpec[] | undefined, remote: string, protocol: string, port: number, direction = "Inbound"): boolean {
  if (!rules) return true;
  const defaults: RuleSpec[] = direction === "Inbound" ? [
    { priority: 65000, direction, access: "Allow", protocol: "*", port: "*", source: "VirtualNetwork", destination: "VirtualNetwork" },
    { priority: 65001, direction, access: "Allow", protocol: "*", port: "*", source: "AzureLoadBalancer", destination: "*" },
    { priority: 65500, direction, access: "Deny", protocol: "*", port: "*", source: "*", destination: "*" },
  ] : [
    { priority: 65000, direction, access: "Allow", protocol: "*", port: "*", source: "VirtualNetwork", destination: "VirtualNetwork" },
    { priority: 65001, direction, access: "Allow", protocol: "*", port: "*", source: "*", destination: "Internet" },
    { priority: 65500, direction, access: "Deny", protocol: "*", port: "*", source: "*", destination: "*" },
  ];
  const all = [...rules, ...defaults].sort((a, b) => a.priority - b.priority);
  for (const r of all) {
    if (r.direction !== direction) continue;
    if (r.protocol !== "*" && r.protocol !== protocol) continue;
    if (protocol !== "Icmp" && !portMatches(r.port, port)) continue;
    // Inbound the remote end is the source and the host the destination; outbound the reverse.
    const [remoteSide, hostSide] = direction === "Inbound" ? [r.source, r.destination] : [r.destination, r.source];
    if (!sourceMatches(remoteSide, remote) || !destinationMatches(hostSide)) continue;
    return r.access === "Allow";
  }
  return false;
}

const ruleArb = fc.record({
  direction: fc.constantFrom("Inbound", "Inbound", "Inbound", "Outbound"),
  access: fc.constantFrom("Allow", "Deny"),
  protocol: fc.constantFrom("Tcp", "Udp", "*", "Icmp"),
  port: fc.constantFrom(...PORTS),
  source: fc.constantFrom(...SOURCES),
  destination: fc.constantFrom(...DESTINATIONS),
});

const layerArb = fc.option(fc.uniqueArray(fc.integer({ min: 100, max: 4096 }), { maxLength: 8 }).chain((prios) =>
  fc.tuple(...prios.map(() => ruleArb)).map((rs) => rs.map((r, i) => ({ ...r, priority: prios[i] } as RuleSpec)))), { nil: undefined });

function toBody(r: RuleSpec, i: number): Body {
  return {
    name: `r${i}`, priority: r.priority, direction: r.direction, access: r.access, protocol: r.protocol,
    source_port_range: "*", destination_port_range: r.port, source_address_prefix: r.source, destination_address_prefix: r.destination,
  };
}

describe("NSG semantics against a brute-force evaluator", () => {
  test("random subnet and NIC NSGs, random probes: the model allows exactly what Azure would", () => {
    fc.assert(fc.property(layerArb, layerArb, fc.boolean(), (subnetRules, nicRules, standalone) => {
      const tf = new TfJson();
      const vnet = tf.vnet("net", [VNET]);
      const sub = tf.subnet("s", vnet, [SUBNET]);
      const nic = tf.nic("n", sub, HOST);
      if (subnetRules) {
        const nsg = tf.nsg("subnet_nsg", standalone ? [] : subnetRules.map(toBody));
        if (standalone) subnetRules.forEach((r, i) => tf.nsgRule(`sr${i}`, nsg, toBody(r, i)));
        tf.associate(sub, nsg);
      }
      if (nicRules) tf.nicNsg(nic, tf.nsg("nic_nsg", nicRules.map(toBody)));
      const access = AccessModel.of(tf.model());
      const ep = access.endpoints.find((e) => e.kind === "nic")!;
      for (const protocol of ["Tcp", "Udp", "Icmp"] as const) {
        for (const port of protocol === "Icmp" ? [0] : PROBE_PORTS) {
          const answer = access.inbound(ep, { protocol, from: port, to: port });
          expect(answer.grants.every((g) => g.outcome === "allow")).toBe(true);
          for (const src of PROBE_SOURCES) {
            const expected = layerAllows(subnetRules, src, protocol, port) && layerAllows(nicRules, src, protocol, port);
            const got = answer.grants.some((g) => (src.startsWith("tag:") ? g.sources.tokens.has(src) : g.sources.v4.contains(ip(src))));
            if (got !== expected) throw new Error(`${protocol} ${port} from ${src}: model ${got}, Azure ${expected}\nsubnet ${JSON.stringify(subnetRules)}\nnic ${JSON.stringify(nicRules)}`);
            // Every generated field is known, so the one-address walk is exact here too.
            if (!src.startsWith("tag:") && access.admitsCertainly(ep, protocol, port, ip(src)) !== expected) {
              throw new Error(`admitsCertainly ${protocol} ${port} from ${src}: ${!expected}, Azure ${expected}\nsubnet ${JSON.stringify(subnetRules)}\nnic ${JSON.stringify(nicRules)}`);
            }
          }
        }
      }
    }), { numRuns: 300 });
  });

  test("outbound: random NSGs, random destinations: the model allows exactly what Azure would", () => {
    fc.assert(fc.property(layerArb, layerArb, (subnetRules, nicRules) => {
      const tf = new TfJson();
      const sub = tf.subnet("s", tf.vnet("net", [VNET]), [SUBNET]);
      const nic = tf.nic("n", sub, HOST);
      if (subnetRules) tf.associate(sub, tf.nsg("subnet_nsg", subnetRules.map(toBody)));
      if (nicRules) tf.nicNsg(nic, tf.nsg("nic_nsg", nicRules.map(toBody)));
      const access = AccessModel.of(tf.model());
      const ep = access.endpoints.find((e) => e.kind === "nic")!;
      for (const protocol of ["Tcp", "Udp", "Icmp"] as const) {
        for (const port of protocol === "Icmp" ? [0] : PROBE_PORTS) {
          const answer = access.outbound(ep, { protocol, from: port, to: port });
          for (const dst of PROBE_SOURCES.filter((x) => !x.startsWith("tag:"))) {
            const expected = layerAllows(subnetRules, dst, protocol, port, "Outbound") && layerAllows(nicRules, dst, protocol, port, "Outbound");
            const got = answer.grants.some((g) => g.sources.v4.contains(ip(dst)));
            if (got !== expected) throw new Error(`outbound ${protocol} ${port} to ${dst}: model ${got}, Azure ${expected}\nsubnet ${JSON.stringify(subnetRules)}\nnic ${JSON.stringify(nicRules)}`);
          }
        }
      }
    }), { numRuns: 200 });
  });

  test("certainNamingRule, when it settles, names the rule the model's first naming reach names", () => {
    // A random NSG plus one rule written for KMS (random priority and source), on the subnet; sometimes a NIC NSG too.
    const withKmsRule = fc.tuple(layerArb, fc.integer({ min: 100, max: 4096 }), fc.constantFrom(...SOURCES), fc.constantFrom("Allow", "Allow", "Deny"))
      .map(([rules, priority, source, access]) => [
        ...(rules ?? []).filter((r) => r.priority !== priority),
        { priority, direction: "Inbound", access, protocol: "Tcp", port: "1688", source, destination: "*" } as RuleSpec,
      ]);
    const nicLayer = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: layerArb, weight: 1 });
    let settled = 0;
    fc.assert(fc.property(withKmsRule, nicLayer, (subnetRules, nicRules) => {
      const tf = new TfJson();
      const sub = tf.subnet("s", tf.vnet("net", [VNET]), [SUBNET]);
      const nic = tf.nic("n", sub, HOST);
      tf.associate(sub, tf.nsg("subnet_nsg", subnetRules.map(toBody)));
      if (nicRules) tf.nicNsg(nic, tf.nsg("nic_nsg", nicRules.map(toBody)));
      const model = tf.model();
      const ep = AccessModel.of(model).endpoints.find((e) => e.kind === "nic")!;
      for (const port of [SERVICE_PORTS.KMS, SERVICE_PORTS.RDP]) {
        const quick = certainNamingRule(model, ep, port);
        if (quick === undefined) continue;
        settled++;
        expect(quick).toBe(reachOn(model, ep, port).map((r) => namingRule(r, port)).find((n) => n));
      }
    }), { numRuns: 300 });
    // The shortcut is taken often enough for the comparison to mean something.
    expect(settled).toBeGreaterThan(50);
  });

  test("port ranges give the same answer as probing each port", () => {
    fc.assert(fc.property(layerArb, (rules) => {
      const tf = new TfJson();
      const sub = tf.subnet("s", tf.vnet("net", [VNET]), [SUBNET]);
      tf.nic("n", sub, HOST);
      if (rules) tf.associate(sub, tf.nsg("nsg", rules.map(toBody)));
      const access = AccessModel.of(tf.model());
      const ep = access.endpoints.find((e) => e.kind === "nic")!;
      const range = access.inbound(ep, { protocol: "Tcp", from: 1, to: 65535 });
      for (const port of PROBE_PORTS) {
        for (const src of PROBE_SOURCES.filter((s) => !s.startsWith("tag:"))) {
          const single = access.inbound(ep, { protocol: "Tcp", from: port, to: port }).grants.some((g) => g.sources.v4.contains(ip(src)));
          const ranged = range.grants.some((g) => g.sources.v4.contains(ip(src)) && g.ports.contains(port));
          if (single !== ranged) throw new Error(`port ${port} from ${src}: single ${single}, range ${ranged}: ${JSON.stringify(rules)}`);
        }
      }
    }), { numRuns: 150 });
  });

  test("mayAdmitFrom and admitPortsFrom (the pre-checks): no grant holds one of the sources where they say none can", () => {
    const probeSets = [["8.8.8.8"], ["10.0.2.7"], ["192.168.5.5", "200.1.1.1"], ["10.0.1.9"]];
    // Half the layers also get a deny of everything (the pre-check skips what follows it), at a random priority and direction.
    const denyAll = fc.record({ priority: fc.integer({ min: 100, max: 4096 }), direction: fc.constantFrom("Inbound", "Outbound") });
    const withDenyAll = fc.tuple(layerArb, fc.option(denyAll, { nil: undefined })).map(([rules, d]) =>
      (!rules || !d || rules.some((r) => r.priority === d.priority) ? rules : [...rules, { ...d, access: "Deny", protocol: "*", port: "*", source: "*", destination: "*" }]));
    fc.assert(fc.property(withDenyAll, withDenyAll, (subnetRules, nicRules) => {
      const tf = new TfJson();
      const sub = tf.subnet("s", tf.vnet("net", [VNET]), [SUBNET]);
      const nic = tf.nic("n", sub, HOST);
      if (subnetRules) tf.associate(sub, tf.nsg("subnet_nsg", subnetRules.map(toBody)));
      if (nicRules) tf.nicNsg(nic, tf.nsg("nic_nsg", nicRules.map(toBody)));
      const access = AccessModel.of(tf.model());
      const ep = access.endpoints.find((e) => e.kind === "nic")!;
      for (const protocol of ["Tcp", "Udp"] as const) {
        for (const direction of ["Inbound", "Outbound"] as const) {
          for (const set of probeSets) {
            const sources = SourceSet.v4(set.map((a) => [ip(a), ip(a)] as [number, number]));
            // Outside the ports admitPortsFrom gives, no grant holds one of the sources.
            const ports = access.admitPortsFrom(ep, protocol, sources, direction);
            for (const port of PROBE_PORTS.filter((p) => !ports.contains(p))) {
              const probe = { protocol, from: port, to: port };
              const answer = direction === "Inbound" ? access.inbound(ep, probe) : access.outbound(ep, probe);
              if (answer.grants.some((g) => g.sources.overlaps(sources))) {
                throw new Error(`${direction} ${protocol} ${port} from ${set}: not in ${JSON.stringify(ports.ranges())}, but a grant holds it\nsubnet ${JSON.stringify(subnetRules)}\nnic ${JSON.stringify(nicRules)}`);
              }
            }
            if (access.mayAdmitFrom(ep, protocol, sources, direction)) continue;
            const grant = access.findGrant(ep, { protocol, from: 0, to: 65535 }, (g) => g.sources.overlaps(sources), direction);
            if (grant) throw new Error(`${direction} ${protocol} from ${set}: pre-check false, but a grant holds it\nsubnet ${JSON.stringify(subnetRules)}\nnic ${JSON.stringify(nicRules)}`);
          }
        }
      }
    }), { numRuns: 300 });
  });
});
