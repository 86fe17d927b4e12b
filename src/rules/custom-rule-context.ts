/**
 * What a custom rule's check receives: a small, jsii-compatible view of the engine's
 * {@link RuleContext}. Every question is answered from the same memoised models the built-in rules
 * ask (effective access and reachability, zones and trust, roles, settings), and every answer that
 * depends on a value not known before apply says so (state UNKNOWN / outcome UNCERTAIN, with the
 * reason): a custom rule should report it with `couldNotVerify`, never pass it.
 */
import { findTagSpec } from "../contract/registry";
import { DeploymentRole } from "../contract/zone-tags";
import { Endpoint } from "../engine/access/access-model";
import { Reachability } from "../engine/access/reachability";
import { Subnet } from "../engine/access/topology";
import { classifySources, deciderOf, describeReach } from "../engine/exposure";
import { TerraformModel, TfResource } from "../engine/model";
import { RuleContext, RuleLevel } from "../engine/rule";
import { Protocol } from "../network/port";
import { TrustLevel } from "../network/trust-level";

/** One resource of the configuration under check, as Terraform will see it. */
export interface CustomRuleResource {
  /** Resource type, e.g. `azurerm_storage_account`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Terraform address `<type>.<name>` (with a module prefix when it came from a plan). */
  readonly address: string;
  /**
   * The synthesized attributes (snake_case, as in `cdk.tf.json`): literals, and `${...}` expressions
   * as written. Use {@link CustomRuleContext.attribute} to read a value with references followed
   * and unknown values flagged.
   */
  readonly attributes: { [key: string]: any };
  /**
   * Construct path, when the resource came from a cdktf stack.
   * @default - none (read by the CLI from Terraform JSON or a plan)
   */
  readonly constructPath?: string;
}

/** Whether a value could be read. */
export enum ValueState {
  /** The value is in the configuration and known before apply. */
  KNOWN = "known",
  /** The attribute or tag is not set. */
  ABSENT = "absent",
  /** The value is set but not known before apply (a variable, a data source, a computed attribute) or not readable: could not verify. */
  UNKNOWN = "unknown",
}

/** A value as read from the configuration. */
export interface CustomRuleValue {
  /** Whether it is known, absent or unknown. */
  readonly state: ValueState;
  /**
   * The value (JSON: string, number, boolean, list or map) when KNOWN.
   * @default - none
   */
  readonly value?: any;
  /**
   * Why the value is UNKNOWN, naming the field.
   * @default - none
   */
  readonly reason?: string;
}

/** How sure an access answer is. */
export enum AccessOutcome {
  /** Yes: the configuration lets it in. */
  ALLOWED = "allowed",
  /** No: nothing lets it in. */
  DENIED = "denied",
  /** Could not verify: a value the answer depends on is not known before apply. */
  UNCERTAIN = "uncertain",
}

/** What a set of sources stands for. */
export enum SourceKind {
  /** Public addresses (see `broadInternet`). */
  INTERNET = "internet",
  /** A zone of the configuration (a subnet or an on-premises range set). */
  ZONE = "zone",
  /** Private addresses in no zone of the configuration (other VNets, undeclared on-premises ranges). */
  PRIVATE = "private",
  /** Azure's platform: AzureLoadBalancer (health probes) and its address 168.63.129.16. */
  PLATFORM = "platform",
  /** A service tag, or any tag. */
  SERVICE_TAG = "service-tag",
  /** An application security group. */
  APPLICATION_SECURITY_GROUP = "application-security-group",
}

/** Sources that reach a resource one way. */
export interface AccessSource {
  /** What they are. */
  readonly kind: SourceKind;
  /** In words: `any address (the whole Internet)`, `zone kms (INTERNAL)`, `service tag Storage`. */
  readonly description: string;
  /** ALLOWED, or UNCERTAIN when a value on the path is not known before apply. */
  readonly outcome: AccessOutcome;
  /**
   * For INTERNET: at least half of the public address space (what the built-in rules call "the Internet").
   * @default false
   */
  readonly broadInternet?: boolean;
  /**
   * For ZONE: the zone's name.
   * @default - none
   */
  readonly zone?: string;
  /**
   * For ZONE: its effective trust (declared or inferred).
   * @default - none: not declared and not inferred
   */
  readonly trust?: TrustLevel;
  /** The resource to change to close this way in (the deciding NSG, rule, firewall rule or DNAT rule). */
  readonly decidingResource: string;
  /** The rule that lets them in, in words. */
  readonly decidedBy: string;
  /** The path through NSG layers, firewalls and DNAT, in words. */
  readonly path: string;
  /** The host or subnet reached (an endpoint label). */
  readonly endpoint: string;
  /** Why the outcome is UNCERTAIN (empty when ALLOWED). */
  readonly doubts: string[];
}

/** Who reaches a resource on a protocol and port. */
export interface InboundAccessAnswer {
  /** Whether any source reaches it: ALLOWED, DENIED, or UNCERTAIN (could not verify). */
  readonly outcome: AccessOutcome;
  /** Whether public (Internet) addresses are among the sources: ALLOWED, DENIED or UNCERTAIN. */
  readonly internet: AccessOutcome;
  /** Every way in, by source class. */
  readonly sources: AccessSource[];
  /** Ways in from the Internet that exist today (public IPs, public load balancer rules). */
  readonly internetWaysIn: string[];
  /** Why the answer is not certain: the resource is not placed in a network here, values not known before apply. */
  readonly reasons: string[];
}

/** How a role or trust is known. */
export enum EvidenceSource {
  /** A tag of the library's contract says so. */
  DECLARED = "declared",
  /** The configuration shows it. */
  INFERRED = "inferred",
  /** Neither. */
  UNDECLARED = "undeclared",
  /** The tag that would say so is not known before apply. */
  UNKNOWN = "unknown",
}

/** One deployment role of a VM, with evidence. */
export interface RoleEvidence {
  /** The role. */
  readonly role: DeploymentRole;
  /** DECLARED (`sdz-role` tag) or INFERRED (reachable on the service's ports through a rule written for them; an extension installs it). */
  readonly source: EvidenceSource;
  /** Why. */
  readonly evidence: string;
}

/** The roles of a resource. */
export interface RolesAnswer {
  /** Roles found. */
  readonly roles: RoleEvidence[];
  /** KNOWN, or UNKNOWN when the role tag or the VM cannot be read (then more roles may exist). */
  readonly state: ValueState;
  /**
   * Why UNKNOWN.
   * @default - none
   */
  readonly reason?: string;
}

/** The zone of a resource and its trust. */
export interface ZoneEvidence {
  /** The zone's name (its `sdz-zone` tag, else the subnet's name). */
  readonly name: string;
  /** The subnet or on-premises resource of the zone. */
  readonly address: string;
  /**
   * Effective trust: the lower of declared and inferred.
   * @default - none: neither declared nor inferred
   */
  readonly trust?: TrustLevel;
  /** How the trust is known. */
  readonly source: EvidenceSource;
  /** Why. */
  readonly evidence: string;
}

/** The zones a resource is placed in. */
export interface ZonesAnswer {
  /** One per subnet the resource is in (a VM with NICs in two subnets is in two zones). */
  readonly zones: ZoneEvidence[];
  /** KNOWN, or UNKNOWN when a placement cannot be followed. */
  readonly state: ValueState;
  /** Why UNKNOWN (empty when KNOWN). */
  readonly reasons: string[];
}

/** How a setting recorded as an `sdz-*` tag is made true. */
export enum SettingProvenance {
  /** A script of this configuration sets it and reads it back. */
  APPLIED = "applied",
  /** A Machine Configuration assignment audits it. */
  AUDITED = "audited",
  /** Only the tag says so. */
  DECLARED = "declared",
}

/** A setting of the library's tag contract, read from a VM with its provenance. */
export interface SettingAnswer {
  /** KNOWN, ABSENT, or UNKNOWN (not known before apply, or not a value the tag allows). */
  readonly state: ValueState;
  /**
   * The tag's text when KNOWN (withheld for tags that may hold a secret).
   * @default - none
   */
  readonly value?: string;
  /**
   * How it is made true, when KNOWN.
   * @default - none
   */
  readonly provenance?: SettingProvenance;
  /** Whether the built-in rules would accept it (applied, audited, or declared where nothing in Azure can apply it). */
  readonly acceptable: boolean;
  /** Evidence, or why it is UNKNOWN. */
  readonly evidence: string;
}

/** Options of one finding. */
export interface CustomFindingOptions {
  /**
   * Level of this finding.
   * @default - the rule's level
   */
  readonly level?: RuleLevel;
  /**
   * A finding-specific fix.
   * @default - the rule's fix
   */
  readonly fix?: string;
}

const PROBES: Partial<Record<Protocol, "Tcp" | "Udp" | "Icmp">> = { [Protocol.TCP]: "Tcp", [Protocol.UDP]: "Udp", [Protocol.ICMP]: "Icmp" };

/**
 * The configuration under check and the models the built-in rules use, for a custom rule. Built by
 * the checks; a rule receives one per configuration.
 */
export class CustomRuleContext {
  /** @internal */
  public static _of(ctx: RuleContext): CustomRuleContext {
    return new CustomRuleContext(ctx);
  }

  /** Name of the configuration (the stack, or the CLI input). */
  public readonly configurationName: string;
  private readonly ctx: RuleContext;
  private readonly model: TerraformModel;

  private constructor(ctx: RuleContext) {
    this.ctx = ctx;
    this.model = ctx.model;
    this.configurationName = ctx.model.name;
  }

  /** Every resource of the configuration, in declaration order. */
  public allResources(): CustomRuleResource[] {
    return this.model.resources.map(view);
  }

  /** The resources of one Terraform type (e.g. `azurerm_storage_account`). */
  public resourcesOfType(type: string): CustomRuleResource[] {
    return this.model.ofType(type).map(view);
  }

  /**
   * A resource by address.
   * @returns undefined when the configuration has no such resource
   */
  public resource(address: string): CustomRuleResource | undefined {
    const r = this.model.byAddress(address);
    return r ? view(r) : undefined;
  }

  /**
   * An attribute's value with references to other resources and locals followed: `path` is an
   * attribute name or a dotted path into nested blocks (`network_rules.0.default_action`).
   * The value is the checks' own: read it, never modify it (lists built from references are frozen).
   */
  public attribute(resource: CustomRuleResource, path: string): CustomRuleValue {
    const r = this.find(resource);
    const parts = path.split(".").filter((p) => p !== "");
    if (parts.length === 0) throw new Error(`attribute: the path ${JSON.stringify(path)} names no attribute of ${r.address}`);
    let cur: unknown = r.config;
    for (let i = 0; i < parts.length; i++) {
      const resolved = this.model.resolve(cur);
      const field = `${r.address}.${parts.slice(0, i).join(".") || parts[0]}`;
      if (!resolved.known) return { state: ValueState.UNKNOWN, reason: `${field}: ${resolved.reason}` };
      cur = step(resolved.value, parts[i]);
      if (cur === undefined || cur === null) return { state: ValueState.ABSENT };
    }
    const last = this.model.resolve(cur);
    if (!last.known) return { state: ValueState.UNKNOWN, reason: `${r.address}.${parts.join(".")}: ${last.reason}` };
    return { state: ValueState.KNOWN, value: last.value };
  }

  /** A tag of the resource (`tags`; Azure tag names are case-insensitive). */
  public tag(resource: CustomRuleResource, key: string): CustomRuleValue {
    const r = this.find(resource);
    const block = this.model.tagBlock(r);
    if (!block.known) return { state: ValueState.UNKNOWN, reason: `${r.address}.tags: ${block.reason}` };
    const v = block.values.get(key.toLowerCase());
    if (v === undefined) return { state: ValueState.ABSENT };
    if (!v.known) return { state: ValueState.UNKNOWN, reason: `${r.address}.tags["${key}"]: ${v.reason}` };
    return { state: ValueState.KNOWN, value: v.text };
  }

  /**
   * Who reaches the resource on a protocol and port, inbound, after the subnet and NIC NSGs (with
   * Azure's default rules), Azure Firewall on the path, DNAT rules, public IPs and load balancers.
   * The resource may be a VM, a NIC, a private endpoint, a subnet, or an NSG associated with nothing
   * here; anything else is answered UNCERTAIN (nothing places it in a network this configuration shows).
   * @param protocol TCP, UDP or ICMP
   * @param port the destination port (ignored for ICMP)
   */
  public inboundAccess(resource: CustomRuleResource, protocol: Protocol, port: number): InboundAccessAnswer {
    const r = this.find(resource);
    const probeProtocol = PROBES[protocol];
    if (!probeProtocol) throw new Error(`inboundAccess: protocol must be TCP, UDP or ICMP, not ${JSON.stringify(protocol)}`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`inboundAccess: port must be an integer from 0 to 65535, not ${JSON.stringify(port)}`);
    const endpoints = this.endpointsOf(r);
    const reasons: string[] = [];
    if (endpoints.length === 0) {
      const vm = Reachability.of(this.model).access.topology.vmOf(r);
      reasons.push(vm?.nicsUnknown
        ? `the network interfaces of ${r.address} are not known (${vm.nicsUnknown})`
        : `${r.address} is not a VM, NIC, private endpoint, subnet or NSG placed in a network of this configuration`);
      return { outcome: AccessOutcome.UNCERTAIN, internet: AccessOutcome.UNCERTAIN, sources: [], internetWaysIn: [], reasons };
    }
    const reach = Reachability.of(this.model);
    const sources: AccessSource[] = [];
    const ways = new Set<string>();
    for (const ep of endpoints) {
      if (ep.subnetUnknown) reasons.push(`${ep.label}: its subnet is not known (${ep.subnetUnknown})`);
      const answer = reach.reach(ep, { protocol: probeProtocol, from: port, to: port });
      answer.internetEntries.forEach((e) => ways.add(e.label));
      for (const rc of answer.reaches) {
        const decider = deciderOf(rc, ep);
        const outcome = rc.outcome === "allow" ? AccessOutcome.ALLOWED : AccessOutcome.UNCERTAIN;
        const common = {
          outcome, decidingResource: decider.resource.address, decidedBy: decider.label, path: describeReach(rc), endpoint: ep.label, doubts: [...rc.doubts],
        };
        for (const c of classifySources(this.model, ep, rc.sources)) {
          if (c.kind === "internet") sources.push({ ...common, kind: SourceKind.INTERNET, description: c.text, broadInternet: c.broad });
          else if (c.kind === "zone") sources.push({ ...common, kind: SourceKind.ZONE, description: c.text, zone: c.zone.name, trust: c.trust });
          else if (c.kind === "private") sources.push({ ...common, kind: SourceKind.PRIVATE, description: c.text });
          else if (c.kind === "platform") sources.push({ ...common, kind: SourceKind.PLATFORM, description: c.text });
          else if (c.kind === "asg") sources.push({ ...common, kind: SourceKind.APPLICATION_SECURITY_GROUP, description: c.text });
          else sources.push({ ...common, kind: SourceKind.SERVICE_TAG, description: c.text });
        }
        rc.doubts.forEach((d) => reasons.push(d));
      }
    }
    const fold = (list: AccessSource[]): AccessOutcome => list.some((s) => s.outcome === AccessOutcome.ALLOWED)
      ? AccessOutcome.ALLOWED
      : list.length > 0 || reasons.length > 0 ? AccessOutcome.UNCERTAIN : AccessOutcome.DENIED;
    // A source that may be any tag ("*") may be the Internet too.
    const internetish = sources.filter((s) => s.kind === SourceKind.INTERNET || (s.kind === SourceKind.SERVICE_TAG && s.description.startsWith("any ")));
    let internet = fold(internetish.filter((s) => s.kind === SourceKind.INTERNET));
    if (internet !== AccessOutcome.ALLOWED && internetish.length > 0) internet = AccessOutcome.UNCERTAIN;
    if (internet === AccessOutcome.DENIED && sources.some((s) => s.outcome === AccessOutcome.UNCERTAIN)) internet = AccessOutcome.UNCERTAIN;
    return { outcome: fold(sources), internet, sources, internetWaysIn: [...ways], reasons: [...new Set(reasons)] };
  }

  /** The deployment roles of a VM (or of the VM a NIC belongs to), declared or inferred, with evidence. */
  public rolesOf(resource: CustomRuleResource): RolesAnswer {
    const r = this.find(resource);
    const topology = Reachability.of(this.model).access.topology;
    const vm = topology.vmOf(r) ?? topology.nicOf(r)?.vm;
    if (!vm) return { roles: [], state: ValueState.KNOWN };
    const roles = this.ctx.roles.ofVm(vm);
    const claims = roles.claims.map((c) => ({ role: c.role, source: c.source === "declared" ? EvidenceSource.DECLARED : EvidenceSource.INFERRED, evidence: c.evidence }));
    return roles.unknown ? { roles: claims, state: ValueState.UNKNOWN, reason: roles.unknown } : { roles: claims, state: ValueState.KNOWN };
  }

  /** The zones a resource is in (a subnet, its NSG, a NIC, VM or private endpoint), with their effective trust. */
  public zonesOf(resource: CustomRuleResource): ZonesAnswer {
    const r = this.find(resource);
    const topology = Reachability.of(this.model).access.topology;
    const subnets = new Set<Subnet>();
    const reasons: string[] = [];
    const own = topology.subnetOf(r);
    if (own) subnets.add(own);
    topology.nsgOf(r)?.subnets.forEach((s) => subnets.add(s));
    const vm = topology.vmOf(r);
    if (vm?.nicsUnknown) reasons.push(`the network interfaces of ${r.address} are not known (${vm.nicsUnknown})`);
    for (const ep of this.endpointsOf(r)) {
      if (ep.kind === "subnet" || ep.kind === "nsg") continue;
      if (ep.subnet) subnets.add(ep.subnet);
      else reasons.push(`${ep.label}: its subnet is not known (${ep.subnetUnknown ?? "not in this configuration"})`);
    }
    const zones: ZoneEvidence[] = [];
    for (const s of subnets) {
      const z = this.ctx.zones.zoneOf(s);
      if (!z) continue;
      const t = this.ctx.zones.trustOf(z);
      zones.push({ name: z.name, address: s.resource.address, trust: t.level, source: t.source as EvidenceSource, evidence: t.evidence });
    }
    return { zones, state: reasons.length > 0 ? ValueState.UNKNOWN : ValueState.KNOWN, reasons };
  }

  /**
   * A setting of the library's tag contract (an `sdz-*` tag, see docs/tag-contract) on a VM, with
   * its provenance: applied by a script here, audited, or only declared.
   */
  public setting(resource: CustomRuleResource, key: string): SettingAnswer {
    const r = this.find(resource);
    const spec = findTagSpec(key);
    if (!spec) throw new Error(`setting: ${JSON.stringify(key)} is not a tag of the secure-deployment-zones contract`);
    const vm = Reachability.of(this.model).access.topology.vmOf(r);
    const state = this.ctx.settings.read(r, spec, vm ? vm.nics.map((n) => n.resource) : []);
    const read = state.read;
    if (read.state === "absent") return { state: ValueState.ABSENT, acceptable: false, evidence: `${spec.key} is not set on ${r.address}` };
    if (read.state !== "known") return { state: ValueState.UNKNOWN, acceptable: false, evidence: `${r.address}: ${read.reason}` };
    const provenance = state.provenance === "applied" ? SettingProvenance.APPLIED : state.provenance === "audited" ? SettingProvenance.AUDITED : SettingProvenance.DECLARED;
    const value = spec.secretBearing ? undefined : Array.isArray(read.value) ? read.value.join(",") : String(read.value);
    const evidence = state.unknown ? `${state.evidence}; ${state.unknown}` : state.evidence;
    return { state: ValueState.KNOWN, value, provenance, acceptable: state.acceptable, evidence };
  }

  /** Reports a finding on a resource. */
  public report(resource: CustomRuleResource, message: string, options?: CustomFindingOptions): void {
    const r = this.find(resource);
    this.ctx.report(r, String(message), { level: options?.level, fix: options?.fix });
  }

  /** Reports that the rule could not verify a resource (a value it needs is not known before apply): never pass it instead. */
  public couldNotVerify(resource: CustomRuleResource, message: string): void {
    this.ctx.unverified(this.find(resource), String(message));
  }

  private find(resource: CustomRuleResource): TfResource {
    const address = resource?.address;
    const r = typeof address === "string" ? this.model.byAddress(address) : undefined;
    if (!r) throw new Error(`no resource ${JSON.stringify(address)} in configuration ${this.model.name}: pass a resource this context returned`);
    return r;
  }

  private endpointsOf(r: TfResource): Endpoint[] {
    const byResource = this.model.memo("custom-rule-endpoints", () => {
      const map = new Map<TfResource, Endpoint[]>();
      const add = (k: TfResource | undefined, ep: Endpoint) => {
        if (k) map.set(k, [...(map.get(k) ?? []), ep]);
      };
      for (const ep of Reachability.of(this.model).access.endpoints) {
        add(ep.resource, ep);
        if (ep.vm && ep.vm.resource !== ep.resource) add(ep.vm.resource, ep);
        if (ep.kind === "nsg" && ep.nsg && ep.nsg.resource !== ep.resource) add(ep.nsg.resource, ep);
      }
      return map;
    });
    return byResource.get(r) ?? [];
  }
}

function view(r: TfResource): CustomRuleResource {
  return { type: r.type, name: r.name, address: r.address, attributes: r.config, constructPath: r.constructPath };
}

function step(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : undefined;
  if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    if (key in obj) return obj[key];
    // A single block may be written as an object where Terraform indexes it: `network_rules.0`.
    return key === "0" ? value : undefined;
  }
  return undefined;
}
