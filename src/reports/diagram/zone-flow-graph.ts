import { TerraformModel, TfResource } from "../../engine/model";
import { AddressSpec, NetworkIndex, NicView, NsgRuleView, NsgView, ZoneView } from "../../engine/network-index";
import { Finding, FindingStatus } from "../../engine/result";
import { RuleLevel } from "../../engine/rule";
import { CidrBlock, cidrContains } from "../../network/cidr";
import { TrustLevel } from "../../network/trust-level";

/**
 * The zone-flow graph of one configuration: zones (and the other ends of allowed inbound flows)
 * as nodes, allowed inbound flows as edges, findings marked where they apply. Built only from the
 * {@link TerraformModel} and its {@link NetworkIndex}, so hand-written resources that follow the tag
 * contract are drawn exactly like the library's own zones. Renderers (Mermaid, DOT) read this.
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
  /** An Azure zone: an NSG tagged `sdz-zone`/`sdz-trust`. */
  ZONE = "zone",
  /** An on-premises range: a tagged `azurerm_local_network_gateway`. */
  ON_PREMISES_ZONE = "on-premises-zone",
  /** An NSG without zone tags. */
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

/** One arrow: every allowed inbound rule between two nodes. @internal */
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

/** The most severe mark of a list (errors first, then warnings, failures before unverified). @internal */
export function worstMark(marks: readonly FlowMark[]): FlowMark | undefined {
  const score = (m: FlowMark) => (m.level === RuleLevel.ERROR ? 4 : m.level === RuleLevel.WARNING ? 2 : 0) + (m.unverified ? 0 : 1);
  let worst: FlowMark | undefined;
  for (const m of marks) if (!worst || score(m) > score(worst)) worst = m;
  return worst;
}

/** Protocol and ports of a rule, as a short label: `TCP 1688`, `UDP 67, 69, 4011`, `all traffic`. @internal */
export function portLabel(rule: Pick<NsgRuleView, "protocol" | "destinationPorts">): string {
  const proto = rule.protocol === undefined ? "?" : rule.protocol === "*" ? "ANY" : rule.protocol.toUpperCase();
  if (proto === "ICMP" || proto === "ESP" || proto === "AH") return proto;
  const ports = rule.destinationPorts;
  if (!ports) return `${proto} ports ?`;
  const all = ports.some((p) => p.from === 0 && p.to === 65535);
  if (all) return proto === "ANY" ? "all traffic" : `${proto} all ports`;
  const text = ports.slice(0, MAX_PORTS).map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`));
  if (ports.length > MAX_PORTS) text.push(`+${ports.length - MAX_PORTS}`);
  return `${proto} ${text.join(", ")}`;
}

interface RuleEdgeRef {
  readonly edge: FlowEdge;
  readonly sourceText: string;
}

/** Builds the graph. Linear in resources, rules and findings (source prefixes fan out to at most a few zones). @internal */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildZoneFlowGraph(model: TerraformModel, findings: readonly Finding[] = []): ZoneFlowGraph {
  return new GraphBuilder(model).build(findings);
}

class GraphBuilder {
  private readonly index: NetworkIndex;
  private readonly nodes: FlowNode[] = [];
  private readonly edges: FlowEdge[] = [];
  private readonly unplaced: FlowMark[] = [];
  private readonly nodeByKey = new Map<string, FlowNode>();
  private readonly zoneNode = new Map<ZoneView, FlowNode>();
  private readonly nodeByResource = new Map<TfResource, FlowNode>();
  private readonly edgeByKey = new Map<string, FlowEdge>();
  private readonly edgesByRule = new Map<NsgRuleView, RuleEdgeRef[]>();
  private readonly rulesByAddress = new Map<string, NsgRuleView[]>();
  private readonly implicitByNsg = new Map<TfResource, FlowEdge>();
  private readonly overlapMemo = new Map<string, ZoneView[]>();
  private nicsByVm?: Map<TfResource, NicView[]>;
  private counter = 0;

  constructor(private readonly model: TerraformModel) {
    this.index = NetworkIndex.of(model);
  }

  public build(findings: readonly Finding[]): ZoneFlowGraph {
    // Sorted by address so the same configuration always draws the same picture, whatever the
    // order of the JSON it came from (cdk.tf.json is key-sorted; an in-memory stack is not).
    const nsgs = [...this.index.nsgs].sort((a, b) => byText(a.resource.address, b.resource.address));
    const rules = [...this.index.rules].sort((a, b) => byText(a.resource.address, b.resource.address)
      || (a.priority ?? 0) - (b.priority ?? 0) || byText(a.name, b.name));
    this.addZones();
    for (const nsg of nsgs) this.destinationOf(nsg);
    for (const rule of rules) this.addRule(rule);
    for (const nsg of nsgs) this.addImplicitVnetFlow(nsg);
    this.markFindings(findings);
    return { name: this.model.name, nodes: this.nodes, edges: this.edges, unplaced: this.unplaced };
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
    const zones = [...this.index.zones].sort((a, b) => byText(a.name, b.name) || byText(a.resource.address, b.resource.address));
    for (const zone of zones) {
      const prefixes = zone.prefixes.slice(0, MAX_PREFIXES).map((p) => p.text);
      if (zone.prefixes.length > MAX_PREFIXES) prefixes.push(`+${zone.prefixes.length - MAX_PREFIXES} more`);
      const details = [
        zone.trust ?? "trust not declared",
        ...(zone.onPremises ? ["on premises"] : []),
        ...(prefixes.length > 0 ? [prefixes.join(", ")] : ["no known prefix"]),
      ];
      const n = this.node(`zone:${zone.resource.address}`, (id) => ({
        id, kind: zone.onPremises ? FlowNodeKind.ON_PREMISES_ZONE : FlowNodeKind.ZONE, label: zone.name, details, trust: zone.trust, marks: [],
      }));
      this.zoneNode.set(zone, n);
      this.nodeByResource.set(zone.resource, n);
    }
  }

  /** The node a rule of `nsg` lets traffic into: its zone, or the untagged NSG itself. */
  private destinationOf(nsg: NsgView): FlowNode {
    const zone = this.index.zoneOfNsg(nsg);
    if (zone) return this.zoneNode.get(zone)!;
    const n = this.node(`nsg:${nsg.resource.address}`, (id) => ({
      id, kind: FlowNodeKind.UNTAGGED_NSG, label: nsg.name ?? nsg.resource.address, details: ["NSG without zone tags"], marks: [],
    }));
    this.nodeByResource.set(nsg.resource, n);
    return n;
  }

  private foreignNsg(rule: NsgRuleView): FlowNode {
    const name = this.model.resolveString(rule.resource.config.network_security_group_name);
    const text = name.known ? name.value : "an NSG known only at apply time";
    return this.node(`foreign:${text}`, (id) => ({
      id, kind: FlowNodeKind.FOREIGN_NSG, label: text, details: ["NSG outside this configuration"], marks: [],
    }));
  }

  /** Nodes a source stands for, with the text to show when it is narrower than a whole zone. */
  private sourcesOf(spec: AddressSpec): { node: FlowNode; qualifier?: string }[] {
    switch (spec.kind) {
      case "any":
        return [{ node: this.node("any", (id) => ({ id, kind: FlowNodeKind.ANY, label: "Any (*)", details: ["every address"], trust: TrustLevel.UNTRUSTED, marks: [] })) }];
      case "tag": {
        const tag = spec.text.toLowerCase();
        if (tag === "internet") {
          return [{ node: this.node("internet", (id) => ({ id, kind: FlowNodeKind.INTERNET, label: "Internet", details: ["service tag"], trust: TrustLevel.UNTRUSTED, marks: [] })) }];
        }
        if (tag === "virtualnetwork") return [{ node: this.virtualNetworkNode() }];
        return [{ node: this.node(`tag:${tag}`, (id) => ({ id, kind: FlowNodeKind.SERVICE_TAG, label: spec.text, details: ["service tag"], marks: [] })) }];
      }
      case "cidr":
        return this.cidrSources(spec.block!);
      case "asg": {
        const ref = /(azurerm_application_security_group\.[A-Za-z0-9_-]+)/.exec(spec.text);
        const label = ref ? ref[1] : spec.text;
        return [{ node: this.node(`asg:${label}`, (id) => ({ id, kind: FlowNodeKind.ASG, label, details: ["application security group"], marks: [] })) }];
      }
      default:
        return [{
          node: this.node(`unresolved:${spec.text}`, (id) => ({
            id, kind: FlowNodeKind.UNRESOLVED, label: spec.text, details: ["known only at apply time"], marks: [],
          })),
        }];
    }
  }

  private cidrSources(block: CidrBlock): { node: FlowNode; qualifier?: string }[] {
    let zones = this.overlapMemo.get(block.text);
    if (!zones) {
      zones = this.index.zonesOverlapping(block);
      this.overlapMemo.set(block.text, zones);
    }
    // A source inside a zone comes from that zone; a broader one (a whole VNet range, a /8) is its
    // own node, so the arrow shows the range the rule really admits.
    const containing = zones.filter((z) => z.prefixes.some((p) => cidrContains(p, block)));
    if (containing.length > 0 && containing.length <= MAX_FANOUT) {
      return containing.map((z) => ({
        node: this.zoneNode.get(z)!,
        qualifier: z.prefixes.some((p) => p.prefixLength === block.prefixLength && cidrContains(p, block)) ? undefined : block.text,
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
    const key = `${from.id}>${to.id}>${implicit ? "i" : "r"}`;
    let e = this.edgeByKey.get(key);
    if (!e) {
      e = { from: from.id, to: to.id, lines: [], omittedLines: 0, ruleAddresses: [], implicit, uncertain: false, marks: [] };
      this.edgeByKey.set(key, e);
      this.edges.push(e);
    }
    return e;
  }

  private addLine(e: FlowEdge, line: string): void {
    if (e.lines.includes(line)) return;
    if (e.lines.length < MAX_LINES) e.lines.push(line);
    else e.omittedLines++;
  }

  private addRule(rule: NsgRuleView): void {
    const byAddr = this.rulesByAddress.get(rule.resource.address) ?? [];
    byAddr.push(rule);
    this.rulesByAddress.set(rule.resource.address, byAddr);
    if (rule.direction === "Outbound" || rule.access === "Deny") return;
    const uncertain = rule.direction === undefined || rule.access === undefined;
    const to = rule.nsg ? this.destinationOf(rule.nsg) : this.foreignNsg(rule);
    const narrowedTo = this.destinationText(rule, to);
    const ports = portLabel(rule);
    const refs: RuleEdgeRef[] = [];
    const sources = rule.sources.length > 0 ? rule.sources : [{ kind: "unknown", text: "no source", reason: "the rule names no source" } as AddressSpec];
    for (const spec of sources) {
      for (const { node, qualifier } of this.sourcesOf(spec)) {
        const e = this.edge(node, to, false);
        if (uncertain) e.uncertain = true;
        const line = `${uncertain ? "? " : ""}${ports}${qualifier ? ` from ${qualifier}` : ""}${narrowedTo ? ` to ${narrowedTo}` : ""}`;
        this.addLine(e, line);
        if (!e.ruleAddresses.includes(rule.resource.address)) e.ruleAddresses.push(rule.resource.address);
        refs.push({ edge: e, sourceText: spec.text });
      }
    }
    this.edgesByRule.set(rule, refs);
  }

  /** The rule's destinations when they are narrower than the whole zone (e.g. one host). */
  private destinationText(rule: NsgRuleView, to: FlowNode): string | undefined {
    const d = rule.destinations;
    if (d.length === 0 || d.some((x) => x.kind === "any" || x.kind === "tag")) return undefined;
    const zone = rule.nsg ? this.index.zoneOfNsg(rule.nsg) : undefined;
    if (zone && to.kind === FlowNodeKind.ZONE && d.every((x) => x.kind === "cidr" && zone.prefixes.some((p) => p.text === x.block!.text))) return undefined;
    const texts = d.slice(0, 3).map((x) => x.text);
    if (d.length > 3) texts.push(`+${d.length - 3}`);
    return texts.join(", ");
  }

  /**
   * Azure's default rule AllowVNetInBound (65000) lets every subnet, peered VNet and VPN range in
   * unless an explicit deny overrides it: draw that flow when nothing does.
   */
  private addImplicitVnetFlow(nsg: NsgView): void {
    if (nsg.rules.some(overridesAllowVnet)) return;
    const e = this.edge(this.virtualNetworkNode(), this.destinationOf(nsg), true);
    this.addLine(e, "all traffic (default AllowVNetInBound, no deny-all)");
    this.implicitByNsg.set(nsg.resource, e);
  }

  // ------------------------------------------------------------------ findings

  private markFindings(findings: readonly Finding[]): void {
    const seen = new Set<string>();
    for (const f of findings) {
      if (f.status === FindingStatus.SUPPRESSED || f.level === RuleLevel.INFO) continue;
      const key = `${f.ruleId}\u0000${f.address}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
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
    // Inline rules share the NSG's address: keep those the message names.
    const named = rules.length === 1 && !rules[0].inline ? rules : rules.filter((r) => f.message.includes(`"${r.name}"`));
    if (named.length === 0) {
      // A finding on an NSG that no deny-all protects: the implicit VNet flow is the offender when
      // the message says so.
      const resource = this.model.byAddress(f.address);
      const implicit = resource ? this.implicitByNsg.get(resource) : undefined;
      if (implicit && /AllowVNetInBound/i.test(f.message)) {
        addMark(implicit.marks, mark);
        return true;
      }
      return false;
    }
    for (const r of named) {
      const refs = this.edgesByRule.get(r)!;
      const bySource = refs.filter((x) => x.sourceText.length > 0 && f.message.includes(x.sourceText));
      for (const x of bySource.length > 0 ? bySource : refs) addMark(x.edge.marks, mark);
    }
    return true;
  }

  /** Zones a non-rule resource belongs to: itself (zone NSG, local gateway), its NIC's zones, or what it references. */
  private nodesOfResource(resource: TfResource): FlowNode[] {
    const own = this.nodeByResource.get(resource);
    if (own) return [own];
    const out = new Set<FlowNode>();
    const nic = this.index.nicOf(resource);
    if (nic) this.index.zonesOfNic(nic).forEach((z) => out.add(this.zoneNode.get(z)!));
    for (const n of this.vmNics(resource)) this.index.zonesOfNic(n).forEach((z) => out.add(this.zoneNode.get(z)!));
    const subnet = this.index.subnetOf(resource);
    if (subnet) subnet.nsgs.forEach((nsg) => out.add(this.destinationOf(nsg)));
    if (out.size > 0) return [...out];
    // One level of references: a tunnel to a tagged local gateway, a private endpoint in a zone's subnet...
    for (const value of Object.values(resource.config)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        const target = this.model.referencedResource(v);
        if (!target) continue;
        const n = this.nodeByResource.get(target);
        if (n) out.add(n);
        const tn = this.index.nicOf(target);
        if (tn) this.index.zonesOfNic(tn).forEach((z) => out.add(this.zoneNode.get(z)!));
        this.index.subnetOf(target)?.nsgs.forEach((nsg) => out.add(this.destinationOf(nsg)));
      }
    }
    return [...out];
  }

  private vmNics(resource: TfResource): NicView[] {
    this.nicsByVm ??= new Map(this.index.vms.map((v) => [v.resource, v.nics]));
    return this.nicsByVm.get(resource) ?? [];
  }
}

function addMark(list: FlowMark[], mark: FlowMark): void {
  if (!list.some((m) => m.ruleId === mark.ruleId && m.address === mark.address && m.unverified === mark.unverified)) list.push(mark);
}

/** An inbound deny of all traffic from any (or VirtualNetwork) to any: AllowVNetInBound never applies. */
function overridesAllowVnet(r: NsgRuleView): boolean {
  return r.direction === "Inbound" && r.access === "Deny" && r.protocol === "*"
    && !!r.destinationPorts?.some((p) => p.from === 0 && p.to === 65535)
    && r.sources.some((s) => s.kind === "any" || (s.kind === "tag" && s.text.toLowerCase() === "virtualnetwork"))
    && r.destinations.some((d) => d.kind === "any" || (d.kind === "tag" && d.text.toLowerCase() === "virtualnetwork"));
}
