import { AccessModel, cidrSources } from "../../engine/access/access-model";
import { Cidr } from "../../engine/access/addresses";
import { shadowsAllowVnetInBound } from "../../engine/access/nsg-eval";
import { SourceSet } from "../../engine/access/source-set";
import { AddressTerm, isPortless, Nic, Nsg, NsgRule, Protocol, Topology } from "../../engine/access/topology";
import { TerraformModel, TfResource } from "../../engine/model";
import { Finding, FindingStatus } from "../../engine/result";
import { RuleLevel } from "../../engine/rule";
import { Zone, Zones } from "../../engine/zones";
import { isPlatformSubnet } from "../../network/platform-subnets";
import { TrustLevel } from "../../network/trust-level";
import { boundText } from "../bounded-text";

/**
 * The zone-flow graph of one configuration: zones (and the other ends of allowed inbound flows)
 * as nodes, allowed inbound flows as edges, findings marked where they apply. Built only from the
 * {@link TerraformModel} and the same models the rules ask (topology, zones with declared or inferred
 * trust, the access model for Azure's default rule), so hand-written, untagged resources are drawn
 * exactly like the library's own zones. Renderers (Mermaid, DOT) read this.
 * @internal
 */
export interface ZoneFlowGraph {
  /** Configuration (stack) name. */
  readonly name: string;
  readonly nodes: FlowNode[];
  readonly edges: FlowEdge[];
  /** Open findings that could not be placed on a flow or a zone. */
  readonly unplaced: FlowMark[];
}

/** What a node stands for. @internal */
export enum FlowNodeKind {
  /** An Azure zone: a subnet (named by its NSG's `sdz-zone` tag, else the subnet's name). */
  ZONE = "zone",
  /** An on-premises range: an `azurerm_local_network_gateway`. */
  ON_PREMISES_ZONE = "on-premises-zone",
  /** An NSG attached to no subnet or NIC of the configuration. */
  UNTAGGED_NSG = "untagged-nsg",
  /** A standalone rule whose NSG is not part of the configuration. */
  FOREIGN_NSG = "foreign-nsg",
  /** `*`, `Any`, `0.0.0.0/0`. */
  ANY = "any",
  /** The `Internet` service tag. */
  INTERNET = "internet",
  /** Another service tag (`VirtualNetwork`, `AzureLoadBalancer`...). */
  SERVICE_TAG = "service-tag",
  /** Addresses that fall in no zone, or span many zones. */
  ADDRESSES = "addresses",
  /** An application security group. */
  ASG = "asg",
  /** A source known only at apply time. */
  UNRESOLVED = "unresolved",
}

/** One node. @internal */
export interface FlowNode {
  /** Generated identifier, safe in Mermaid and DOT (`[a-z0-9_]`). */
  readonly id: string;
  readonly kind: FlowNodeKind;
  /** Main text (zone name, service tag, CIDR...). */
  readonly label: string;
  /** Further lines (trust level, prefixes...). */
  readonly details: string[];
  /** Trust level, for colouring; undefined when not declared or not a zone. */
  readonly trust?: TrustLevel;
  /** Findings on the zone itself (its NSG, VMs, tunnel...). */
  readonly marks: FlowMark[];
}

/**
 * One arrow: every allowed inbound rule between two nodes, unless the source zone's own NSG
 * certainly lets none of it out (Azure drops a flow denied by either side). @internal
 */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** One line per distinct (ports, narrowing) of the rules behind the arrow. */
  readonly lines: string[];
  /** Number of lines left out of `lines` to keep the label readable. */
  omittedLines: number;
  /** Addresses of the NSG rule resources (standalone rule, or the NSG of inline rules). */
  readonly ruleAddresses: string[];
  /** The implicit `AllowVNetInBound` flow of an NSG with no deny-all overriding it. */
  readonly implicit: boolean;
  /** True when a rule behind the arrow has an unknown direction or access. */
  uncertain: boolean;
  readonly marks: FlowMark[];
}

/** A finding marked on a node or edge. @internal */
export interface FlowMark {
  readonly ruleId: string;
  readonly level: RuleLevel;
  readonly unverified: boolean;
  readonly address: string;
}

/** Most zones (overlapping each other) one source prefix may be drawn from before it is drawn as its own node. */
const MAX_FANOUT = 4;
/** Most label lines per arrow. */
const MAX_LINES = 6;
/** Most ports listed in one label line. */
const MAX_PORTS = 6;
/** Most prefixes listed on a zone. */
const MAX_PREFIXES = 3;

/** The marker of a finding in labels: error, warning, unverified. @internal */
export function markText(m: FlowMark): string {
  return `${m.unverified ? "?" : m.level === RuleLevel.ERROR ? "✖" : "⚠"} ${m.ruleId}`;
}

/** Marks as label lines, a few per line. @internal */
export function markLines(marks: readonly FlowMark[], perLine = 3): string[] {
  const out: string[] = [];
  for (let i = 0; i < marks.length; i += perLine) out.push(marks.slice(i, i + perLine).map(markText).join("  "));
  return out;
}

/** Most findings listed in the note of findings placed on no flow or zone. */
const MAX_NOTE_LINES = 12;

/** The lines of the note listing findings placed on no flow or zone (empty when there are none). @internal */
export function unplacedNoteLines(unplaced: readonly FlowMark[]): string[] {
  if (unplaced.length === 0) return [];
  // Addresses are whole in the reports (suppressions match them), but a label line is cut like any other text.
  const lines = ["Findings on no flow or zone", ...unplaced.slice(0, MAX_NOTE_LINES).map((m) => boundText(`${markText(m)} ${m.address}`))];
  if (unplaced.length > MAX_NOTE_LINES) lines.push(`+${unplaced.length - MAX_NOTE_LINES} more (see compliance-report.md)`);
  return lines;
}

/** The text lines of a node: its label, its details on one line, its finding markers. @internal */
export function nodeLines(n: FlowNode): string[] {
  const lines = [n.label, n.details.join(" · ")];
  // Most nodes carry no finding: no marker lines to spread.
  if (n.marks.length > 0) lines.push(...markLines(n.marks));
  return lines;
}

/** The label lines of an arrow: its rules, how many were left out, its finding markers. @internal */
export function edgeLines(e: FlowEdge): string[] {
  const lines = [...e.lines];
  if (e.omittedLines > 0) lines.push(`+${e.omittedLines} more`);
  if (e.marks.length > 0) lines.push(...markLines(e.marks));
  return lines;
}

/** The nodes of a graph by where the renderers draw them, each list in graph order. @internal */
export interface NodeGroups {
  /** On-premises zones, drawn in their own cluster. */
  readonly onPremises: FlowNode[];
  /** Azure zones and untagged NSGs, drawn in the configuration's cluster. */
  readonly azure: FlowNode[];
  /** Everything else (foreign NSGs, service tags, addresses...), drawn outside both clusters. */
  readonly others: FlowNode[];
}

/** Splits nodes into the groups drawn apart, in one pass (a membership test per node was quadratic). @internal */
export function nodeGroups(nodes: readonly FlowNode[]): NodeGroups {
  const groups: NodeGroups = { onPremises: [], azure: [], others: [] };
  for (const n of nodes) {
    if (n.kind === FlowNodeKind.ON_PREMISES_ZONE) groups.onPremises.push(n);
    else if (n.kind === FlowNodeKind.ZONE || n.kind === FlowNodeKind.UNTAGGED_NSG) groups.azure.push(n);
    else groups.others.push(n);
  }
  return groups;
}

/**
 * Lines as one text, each ended by a newline. Concatenated rather than `Array.join`: the lines are
 * composite strings (template literals), which V8 joins markedly slower than it flattens one long
 * concatenation when the text is written (a few ms of the 1,000-zone DOT file, writing included).
 * @internal
 */
export function textOfLines(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) text += line + "\n";
  return text;
}

/** The most severe mark of a list (errors first, then warnings, failures before unverified). @internal */
export function worstMark(marks: readonly FlowMark[]): FlowMark | undefined {
  const score = (m: FlowMark) => (m.level === RuleLevel.ERROR ? 4 : m.level === RuleLevel.WARNING ? 2 : 0) + (m.unverified ? 0 : 1);
  let worst: FlowMark | undefined;
  for (const m of marks) if (!worst || score(m) > score(worst)) worst = m;
  return worst;
}

/** Protocol and ports of a rule, as a short label: `TCP 1688`, `UDP 67, 69, 4011`, `all traffic`. @internal */
export function portLabel(rule: Pick<NsgRule, "protocol" | "destinationPorts">): string {
  const proto = !rule.protocol.known ? "?" : rule.protocol.value === "*" ? "ANY" : rule.protocol.value.toUpperCase();
  if (proto === "ICMP" || proto === "ESP" || proto === "AH") return proto;
  if (!rule.destinationPorts.known) return `${proto} ports ?`;
  const ports = rule.destinationPorts.value.ranges();
  if (ports.some(([a, b]) => a <= 1 && b === 65535)) return proto === "ANY" ? "all traffic" : `${proto} all ports`;
  const text = ports.slice(0, MAX_PORTS).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`));
  if (ports.length > MAX_PORTS) text.push(`+${ports.length - MAX_PORTS}`);
  return `${proto} ${text.join(", ")}`;
}

interface RuleEdgeRef {
  readonly edge: FlowEdge;
  readonly sourceText: string;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A rule's priority for sorting (0 when unknown). */
function priorityOf(rule: NsgRule): number {
  return rule.priority.known ? rule.priority.value : 0;
}

/**
 * How a text from the configuration is shown in the diagram. The diagram is a report: its labels
 * quote zone (subnet, tag), NSG and ASG names and rule sources and destinations, and must show them
 * as every other output does, secrets removed and long runs cut. The checks pass the output
 * redactor's (policy/redact.ts `outputTextOf`, which reports may not import); alone, texts are only
 * cut (bounded-text.ts). @internal
 */
export type ShownText = (text: string) => string;

/**
 * Builds the graph. Linear in resources, rules and findings (source prefixes fan out to at most a few zones).
 * `shown` is applied to every text taken from the configuration (see {@link ShownText}).
 * @internal
 */
export function buildZoneFlowGraph(model: TerraformModel, findings: readonly Finding[] = [], shown: ShownText = boundText): ZoneFlowGraph {
  return new GraphBuilder(model, shown).build(findings);
}

class GraphBuilder {
  private readonly topology: Topology;
  private readonly access: AccessModel;
  private readonly zones: Zones;
  private readonly nodes: FlowNode[] = [];
  private readonly edges: FlowEdge[] = [];
  private readonly unplaced: FlowMark[] = [];
  private readonly nodeByKey = new Map<string, FlowNode>();
  private readonly zoneNode = new Map<Zone, FlowNode>();
  /** The other way round (a scan of zoneNode per arrow was quadratic in large stacks). */
  private readonly nodeZone = new Map<FlowNode, Zone>();
  private readonly nodeByResource = new Map<TfResource, FlowNode>();
  /** Each NSG's destinations, worked out once (every rule of the NSG asks again). */
  private readonly destinationsByNsg = new Map<Nsg, FlowNode[]>();
  /** Arrows by source node, then destination node: object keys, no key string built per rule and source. */
  private readonly ruleEdges = new Map<FlowNode, Map<FlowNode, FlowEdge>>();
  /** The same for the implicit AllowVNetInBound arrows, kept apart from the arrows of rules. */
  private readonly implicitEdges = new Map<FlowNode, Map<FlowNode, FlowEdge>>();
  private readonly edgesByRule = new Map<NsgRule, RuleEdgeRef[]>();
  private readonly rulesByAddress = new Map<string, NsgRule[]>();
  private readonly implicitByNsg = new Map<TfResource, FlowEdge[]>();
  private readonly overlapMemo = new Map<string, { node: FlowNode; qualifier?: string }[]>();
  /** Each rule's destinations as addresses (undefined: not all known CIDRs), worked out once. */
  private readonly destinationSets = new Map<NsgRule, SourceSet | undefined>();
  private counter = 0;

  constructor(private readonly model: TerraformModel, private readonly shown: ShownText) {
    this.access = AccessModel.of(model);
    this.topology = this.access.topology;
    this.zones = Zones.of(model);
  }

  public build(findings: readonly Finding[]): ZoneFlowGraph {
    const rules = this.orderAndIndexRules();
    this.addZones();
    for (const nsg of [...this.topology.nsgs].sort((a, b) => byText(a.resource.address, b.resource.address))) this.destinationsOf(nsg);
    for (const rule of rules) this.addRule(rule);
    this.addImplicitVnetFlows();
    this.markFindings(findings);
    // Labels quote names and values from the configuration (zones, NSGs, sources, prefixes): shown as every report's texts
    // are, secrets removed and long runs cut (the marks were placed above on the texts as the findings' messages show them).
    const shown = this.shown;
    const nodes = this.nodes.map((n) => ({ ...n, label: shown(n.label), details: n.details.map(shown) }));
    for (const e of this.edges) for (let i = 0; i < e.lines.length; i++) e.lines[i] = shown(e.lines[i]);
    return { name: shown(this.model.name), nodes, edges: this.edges, unplaced: this.unplaced };
  }

  /**
   * The rules sorted by address, then priority, then name (ties in the topology's order), so the same
   * configuration always draws the same picture, whatever the order of the JSON it came from
   * (cdk.tf.json is key-sorted; an in-memory stack is not). Fills {@link rulesByAddress} in that order.
   */
  private orderAndIndexRules(): NsgRule[] {
    for (const rule of this.topology.rules) {
      const sameAddress = this.rulesByAddress.get(rule.resource.address);
      if (sameAddress) sameAddress.push(rule);
      else this.rulesByAddress.set(rule.resource.address, [rule]);
    }
    // The distinct addresses in the built-in string order (UTF-16 code units, as byText): no
    // comparator call per pair of thousands of rules. Then the few rules sharing an address (inline rules).
    const ordered: NsgRule[] = [];
    for (const address of [...this.rulesByAddress.keys()].sort()) {
      const sameAddress = this.rulesByAddress.get(address)!;
      if (sameAddress.length > 1) sameAddress.sort((a, b) => priorityOf(a) - priorityOf(b) || byText(a.name, b.name));
      ordered.push(...sameAddress);
    }
    return ordered;
  }

  // ------------------------------------------------------------------ nodes

  private node(key: string, make: (id: string) => FlowNode): FlowNode {
    let n = this.nodeByKey.get(key);
    if (!n) {
      n = make(`n${this.counter++}`);
      this.nodeByKey.set(key, n);
      this.nodes.push(n);
    }
    return n;
  }

  private addZones(): void {
    const zones = [...this.zones.zones].sort((a, b) => byText(a.name, b.name) || byText(a.key, b.key));
    for (const zone of zones) {
      // Platform subnets (gateway, firewall, bastion, route server) carry no zone of their own unless tagged.
      if (zone.kind === "subnet" && !zone.nsg && isPlatformSubnet(zone.subnet)) continue;
      const trust = this.zones.trustOf(zone);
      const prefixes = zone.prefixes.slice(0, MAX_PREFIXES).map((p) => p.text);
      if (zone.prefixes.length > MAX_PREFIXES) prefixes.push(`+${zone.prefixes.length - MAX_PREFIXES} more`);
      const details = [
        trust.level ? `${trust.level}${trust.source === "inferred" ? " (inferred)" : ""}` : "trust not declared",
        ...(zone.kind === "on-premises" ? ["on premises"] : []),
        ...(prefixes.length > 0 ? [prefixes.join(", ")] : ["no known prefix"]),
      ];
      const n = this.node(`zone:${zone.key}`, (id) => ({
        id, kind: zone.kind === "on-premises" ? FlowNodeKind.ON_PREMISES_ZONE : FlowNodeKind.ZONE, label: zone.name, details, trust: trust.level, marks: [],
      }));
      this.zoneNode.set(zone, n);
      if (!this.nodeZone.has(n)) this.nodeZone.set(n, zone);
      this.nodeByResource.set(zone.resource, n);
      if (zone.subnet && !zone.subnet.inline) this.nodeByResource.set(zone.subnet.resource, n);
    }
  }

  /** The nodes a rule of `nsg` lets traffic into: the zones of its subnets and NICs, or the NSG itself when attached to nothing. */
  private destinationsOf(nsg: Nsg): FlowNode[] {
    let nodes = this.destinationsByNsg.get(nsg);
    if (!nodes) this.destinationsByNsg.set(nsg, (nodes = this.findDestinations(nsg)));
    return nodes;
  }

  /** {@link destinationsOf}, worked out. */
  private findDestinations(nsg: Nsg): FlowNode[] {
    const out = new Set<FlowNode>();
    for (const s of nsg.subnets) {
      const z = this.zones.zoneOf(s);
      const n = z && this.zoneNode.get(z);
      if (n) out.add(n);
    }
    for (const nic of nsg.nics) {
      for (const cfg of nic.ipConfigs) {
        const z = cfg.subnet && this.zones.zoneOf(cfg.subnet);
        const n = z && this.zoneNode.get(z);
        if (n) out.add(n);
      }
    }
    if (out.size > 0) return [...out];
    const n = this.node(`nsg:${nsg.resource.address}`, (id) => ({
      id, kind: FlowNodeKind.UNTAGGED_NSG, label: nsg.name ?? nsg.resource.address, details: ["NSG attached to no subnet here"], marks: [],
    }));
    this.nodeByResource.set(nsg.resource, n);
    return [n];
  }

  private foreignNsg(rule: NsgRule): FlowNode {
    const name = this.model.resolveString(rule.resource.config.network_security_group_name);
    const text = name.known ? name.value : "an NSG known only at apply time";
    return this.node(`foreign:${text}`, (id) => ({
      id, kind: FlowNodeKind.FOREIGN_NSG, label: text, details: ["NSG outside this configuration"], marks: [],
    }));
  }

  /** Nodes a source stands for, with the text to show when it is narrower than a whole zone. */
  private sourcesOf(term: AddressTerm): { node: FlowNode; qualifier?: string }[] {
    switch (term.kind) {
      case "any":
        return [{ node: this.node("any", (id) => ({ id, kind: FlowNodeKind.ANY, label: "Any (*)", details: ["every address"], trust: TrustLevel.UNTRUSTED, marks: [] })) }];
      case "tag": {
        if (term.tag === "internet") {
          return [{ node: this.node("internet", (id) => ({ id, kind: FlowNodeKind.INTERNET, label: "Internet", details: ["service tag"], trust: TrustLevel.UNTRUSTED, marks: [] })) }];
        }
        if (term.tag === "virtualnetwork") return [{ node: this.virtualNetworkNode() }];
        return [{ node: this.node(`tag:${term.tag}`, (id) => ({ id, kind: FlowNodeKind.SERVICE_TAG, label: term.text, details: ["service tag"], marks: [] })) }];
      }
      case "cidr":
        return this.cidrSources(term.cidr);
      case "asg": {
        const ref = /(azurerm_application_security_group\.[A-Za-z0-9_-]+)/.exec(term.text);
        const label = ref ? ref[1] : term.text;
        return [{ node: this.node(`asg:${label}`, (id) => ({ id, kind: FlowNodeKind.ASG, label, details: ["application security group"], marks: [] })) }];
      }
      default:
        return [{
          node: this.node(`unresolved:${term.text}`, (id) => ({
            id, kind: FlowNodeKind.UNRESOLVED, label: term.text, details: ["known only at apply time"], marks: [],
          })),
        }];
    }
  }

  private cidrSources(block: Cidr): { node: FlowNode; qualifier?: string }[] {
    // The same block (the VNet range of every zone's ICMP rule) is met once per rule: answered once.
    let hit = this.overlapMemo.get(block.text);
    if (!hit) this.overlapMemo.set(block.text, (hit = this.cidrSourcesOnce(block)));
    return hit;
  }

  private cidrSourcesOnce(block: Cidr): { node: FlowNode; qualifier?: string }[] {
    const zones = block.family === 4 ? this.zones.overlapping(block.start, block.end).filter((z) => this.zoneNode.has(z)) : [];
    // A source inside a zone comes from that zone; a broader one (a whole VNet range, a /8) is its
    // own node, so the arrow shows the range the rule really admits.
    const inside = (p: Cidr) => p.family === block.family && (p.start as number) <= (block.start as number) && (block.end as number) <= (p.end as number);
    const containing = zones.filter((z) => z.prefixes.some(inside));
    if (containing.length > 0 && containing.length <= MAX_FANOUT) {
      return containing.map((z) => ({
        node: this.zoneNode.get(z)!,
        qualifier: z.prefixes.some((p) => p.prefix === block.prefix && inside(p)) ? undefined : block.text,
      }));
    }
    const detail = zones.length === 0 ? "in no zone" : `spans ${zones.length} zone${zones.length === 1 ? "" : "s"}`;
    return [{ node: this.node(`cidr:${block.text}`, (id) => ({ id, kind: FlowNodeKind.ADDRESSES, label: block.text, details: [detail], marks: [] })) }];
  }

  /** The `VirtualNetwork` service tag: every subnet, peered VNet and VPN/ExpressRoute range. */
  private virtualNetworkNode(): FlowNode {
    return this.node("tag:virtualnetwork", (id) => ({
      id, kind: FlowNodeKind.SERVICE_TAG, label: "VirtualNetwork", details: ["service tag: VNet, peerings, VPN ranges"], marks: [],
    }));
  }

  // ------------------------------------------------------------------ edges

  private edge(from: FlowNode, to: FlowNode, implicit: boolean): FlowEdge {
    const index = implicit ? this.implicitEdges : this.ruleEdges;
    let byTo = index.get(from);
    if (!byTo) index.set(from, (byTo = new Map()));
    let e = byTo.get(to);
    if (!e) {
      e = { from: from.id, to: to.id, lines: [], omittedLines: 0, ruleAddresses: [], implicit, uncertain: false, marks: [] };
      byTo.set(to, e);
      this.edges.push(e);
    }
    return e;
  }

  private addLine(e: FlowEdge, line: string): void {
    if (e.lines.includes(line)) return;
    if (e.lines.length < MAX_LINES) e.lines.push(line);
    else e.omittedLines++;
  }

  private addRule(rule: NsgRule): void {
    const address = rule.resource.address;
    if ((rule.direction.known && rule.direction.value === "Outbound") || (rule.access.known && rule.access.value === "Deny")) return;
    const uncertain = !rule.direction.known || !rule.access.known;
    const targets = rule.nsg && this.topology.nsgOf(rule.nsg.resource) === rule.nsg ? this.destinationsOf(rule.nsg) : [this.foreignNsg(rule)];
    // A line is `[? ]<ports>[ from <qualifier>][ to <destination>]`: each part is worked out once, where it stops changing.
    const ports = `${uncertain ? "? " : ""}${portLabel(rule)}`;
    const refs: RuleEdgeRef[] = [];
    const sources: readonly AddressTerm[] = rule.sources.known ? rule.sources.value
      : [{ kind: "unknown", text: rule.sources.expression ?? "a source known only at apply time", reason: rule.sources.reason }];
    for (const to of targets) {
      const narrowedTo = this.destinationText(rule, to);
      const toText = narrowedTo ? ` to ${narrowedTo}` : "";
      for (const term of sources) {
        for (const { node, qualifier } of this.sourcesOf(term)) {
          if (this.deniedAtSource(rule, node)) continue;
          const e = this.edge(node, to, false);
          if (uncertain) e.uncertain = true;
          this.addLine(e, qualifier ? `${ports} from ${qualifier}${toText}` : ports + toText);
          if (!e.ruleAddresses.includes(address)) e.ruleAddresses.push(address);
          refs.push({ edge: e, sourceText: term.text });
        }
      }
    }
    // A rule drawn nowhere (its sources' NSGs let none of it out) leaves its findings to its zone.
    if (refs.length > 0) this.edgesByRule.set(rule, refs);
  }

  /**
   * True when the source zone's subnet NSG certainly lets none of the rule's traffic out: for each
   * protocol the rule admits, no outbound rule of that NSG that may allow (Azure's defaults
   * included, anything not known counting as "may") reaches the rule's destinations on its ports.
   * Azure evaluates the source subnet's NSG outbound as well as the destination's inbound, and a
   * deny in either drops the flow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works),
   * so such an arrow would draw a flow nothing makes open. Anything unknown (the VNet outside the
   * configuration included) keeps the arrow.
   */
  private deniedAtSource(rule: NsgRule, node: FlowNode): boolean {
    const zone = this.nodeZone.get(node);
    const ports = rule.destinationPorts;
    // Without its VNet in the configuration the model knows only the subnet's own part of the
    // VirtualNetwork tag (Azure's AllowVnetOutBound reaches the whole VNet): no conclusion then.
    if (!zone?.subnet?.vnet || node.kind !== FlowNodeKind.ZONE || !rule.protocol.known || !ports.known) return false;
    let destinations = this.destinationSets.get(rule);
    if (!this.destinationSets.has(rule)) {
      const d = rule.destinations.known ? rule.destinations.value : undefined;
      destinations = d && d.length > 0 && d.every((t) => t.kind === "cidr")
        ? cidrSources(d.map((t) => (t as Extract<AddressTerm, { kind: "cidr" }>).cidr)) : undefined;
      this.destinationSets.set(rule, destinations);
    }
    if (!destinations) return false;
    const ep = this.access.endpointOfSubnet(zone.subnet);
    const protocols: Protocol[] = rule.protocol.value === "*" ? ["Tcp", "Udp", "Icmp", "Esp", "Ah"] : [rule.protocol.value];
    return protocols.every((p) => {
      const out = this.access.admitPortsFrom(ep, p, destinations!, "Outbound");
      return isPortless(p) ? out.isEmpty : out.intersect(ports.value).isEmpty;
    });
  }

  /** The rule's destinations when they are narrower than the whole zone (e.g. one host). */
  private destinationText(rule: NsgRule, to: FlowNode): string | undefined {
    if (!rule.destinations.known) return "?";
    const d = rule.destinations.value;
    if (d.length === 0 || d.some((x) => x.kind === "any" || x.kind === "tag")) return undefined;
    const zone = this.nodeZone.get(to);
    if (zone && to.kind === FlowNodeKind.ZONE && d.every((x) => x.kind === "cidr" && zone.prefixes.some((p) => p.text === x.cidr.text))) return undefined;
    const texts = d.slice(0, 3).map((x) => x.text);
    if (d.length > 3) texts.push(`+${d.length - 3}`);
    return texts.join(", ");
  }

  /**
   * Azure's default rule AllowVNetInBound (65000) lets every subnet, peered VNet and VPN range in
   * unless an explicit deny overrides it: draw that flow where the access model says it decides.
   */
  private addImplicitVnetFlows(): void {
    for (const zone of this.zones.zones) {
      const subnet = zone.subnet;
      const to = this.zoneNode.get(zone);
      if (!subnet || !to || subnet.nsgs.length === 0) continue;
      // A deny-all before 65000 (DeploymentZone's 4096): the default rule decides nothing, no port needs deciding.
      if (subnet.nsgs.every(shadowsAllowVnetInBound)) continue;
      const ep = this.access.endpointOfSubnet(subnet);
      const byDefault = (g: { layers: readonly { rule?: NsgRule }[] }) => g.layers.some((l) => l.rule?.isDefault && l.rule.name === "AllowVNetInBound");
      const decided = (["Tcp", "Udp"] as const).map((protocol) => this.access.findGrant(ep, { protocol, from: 0, to: 65535 }, byDefault))
        .flatMap((g) => (g ? g.layers.filter((l) => l.rule?.isDefault && l.rule.name === "AllowVNetInBound").map((l) => l.rule!) : []));
      if (decided.length === 0) continue;
      const e = this.edge(this.virtualNetworkNode(), to, true);
      this.addLine(e, "all traffic (default AllowVNetInBound, no deny-all)");
      for (const r of decided) this.implicitByNsg.set(r.resource, [...(this.implicitByNsg.get(r.resource) ?? []), e]);
    }
  }

  // ------------------------------------------------------------------ findings

  private markFindings(findings: readonly Finding[]): void {
    const seen: SeenFindings = new Map();
    for (const f of findings) {
      if (f.status === FindingStatus.SUPPRESSED || f.level === RuleLevel.INFO) continue;
      if (!firstSighting(seen, f)) continue;
      const mark: FlowMark = { ruleId: f.ruleId, level: f.level, unverified: f.status === FindingStatus.UNVERIFIED, address: f.address };
      if (this.markOnFlows(f, mark)) continue;
      const resource = this.model.byAddress(f.address);
      const nodes = resource ? this.nodesOfResource(resource) : [];
      if (nodes.length === 0) {
        addMark(this.unplaced, mark);
        continue;
      }
      for (const n of nodes) addMark(n.marks, mark);
    }
  }

  /** Marks the arrows of the NSG rule(s) a finding names; false when it names none. */
  private markOnFlows(f: Finding, mark: FlowMark): boolean {
    const rules = (this.rulesByAddress.get(f.address) ?? []).filter((r) => this.edgesByRule.has(r));
    // Inline rules share the NSG's address: keep those the message names (quoted and set off by spaces, so redacted and cut
    // as the message is: redact.ts, bounded-text.ts).
    const named = rules.length === 1 && !rules[0].inline ? rules : rules.filter((r) => f.message.includes(this.shown(`"${r.name}"`)));
    if (named.length === 0) {
      // A finding on an NSG that no deny-all protects: the implicit VNet flow is the offender when
      // the message says so.
      const implicit = this.implicitByNsg.get(this.model.byAddress(f.address) as TfResource);
      if (implicit && /AllowVNetInBound/i.test(f.message)) {
        implicit.forEach((e) => addMark(e.marks, mark));
        return true;
      }
      return false;
    }
    for (const r of named) {
      const refs = this.edgesByRule.get(r)!;
      const bySource = refs.filter((x) => x.sourceText.length > 0 && f.message.includes(this.shown(x.sourceText)));
      for (const x of bySource.length > 0 ? bySource : refs) addMark(x.edge.marks, mark);
    }
    return true;
  }

  /** Zones a non-rule resource belongs to: itself (zone NSG, subnet, local gateway), its NICs' zones, or what it references. */
  private nodesOfResource(resource: TfResource): FlowNode[] {
    const own = this.nodeByResource.get(resource);
    if (own) return [own];
    const out = new Set<FlowNode>();
    const addNic = (nic: Nic | undefined) => nic?.ipConfigs.forEach((c) => {
      const z = c.subnet && this.zones.zoneOf(c.subnet);
      const n = z && this.zoneNode.get(z);
      if (n) out.add(n);
    });
    addNic(this.topology.nicOf(resource));
    this.topology.vmOf(resource)?.nics.forEach(addNic);
    if (out.size > 0) return [...out];
    // One level of references: a tunnel to a local gateway, a private endpoint in a zone's subnet...
    for (const value of Object.values(resource.config)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        const target = this.model.referencedResource(v);
        if (!target) continue;
        const n = this.nodeByResource.get(target);
        if (n) out.add(n);
        addNic(this.topology.nicOf(target));
      }
    }
    return [...out];
  }
}

/** Messages met per rule id, then address (long messages are not copied into a key string per finding). */
type SeenFindings = Map<string, Map<string, Set<string>>>;

/** True the first time a finding's rule, address and message are met together; records them. */
function firstSighting(seen: SeenFindings, f: Finding): boolean {
  let byAddress = seen.get(f.ruleId);
  if (!byAddress) seen.set(f.ruleId, (byAddress = new Map()));
  let messages = byAddress.get(f.address);
  if (!messages) byAddress.set(f.address, (messages = new Set()));
  if (messages.has(f.message)) return false;
  messages.add(f.message);
  return true;
}

function addMark(list: FlowMark[], mark: FlowMark): void {
  if (!list.some((m) => m.ruleId === mark.ruleId && m.address === mark.address && m.unverified === mark.unverified)) list.push(mark);
}
