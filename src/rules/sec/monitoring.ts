/**
 * What the configuration says about sending a VM's security events to Log Analytics with the
 * Azure Monitor agent: agent extensions, data collection rules and their associations, read once.
 *
 * Azure: the agent is the VM extension publisher `Microsoft.Azure.Monitor`, type
 * `AzureMonitorWindowsAgent` / `AzureMonitorLinuxAgent`, and it needs a managed identity on the VM
 * (learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-requirements); it collects
 * nothing until a data collection rule is associated with the VM
 * (learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-manage). azurerm
 * (4.x and 5.x alike): `azurerm_monitor_data_collection_rule` (`data_sources.windows_event_log`
 * with `streams` and `x_path_queries`, `data_sources.syslog` with `facility_names`, `data_flow`
 * with `streams` and `destinations`, `destinations.log_analytics` with `name`) and
 * `azurerm_monitor_data_collection_rule_association` (`target_resource_id`, `data_collection_rule_id`).
 */
import { blocksOf, OsFamily } from "./common";
import { Vm } from "../../engine/access/topology";
import { TerraformModel, TfResource } from "../../engine/model";

export const AGENT_PUBLISHER = "Microsoft.Azure.Monitor";
export const AGENT_TYPE = { windows: "AzureMonitorWindowsAgent", linux: "AzureMonitorLinuxAgent" } as const;
const DCR = "azurerm_monitor_data_collection_rule";
const DCRA = "azurerm_monitor_data_collection_rule_association";
const EXTENSION = "azurerm_virtual_machine_extension";

/** Linux facilities that carry authentication events (or all of them). */
const AUTH_FACILITIES = ["auth", "authpriv", "*"];

/** One piece's state: found (with the resource), missing, or not decidable (with why). */
export interface Piece {
  readonly found?: TfResource;
  readonly doubts: string[];
}

/** The monitoring pieces of a configuration. Build once with {@link Monitoring.of}. */
export class Monitoring {
  public static of(model: TerraformModel): Monitoring {
    return model.memo("sec-monitoring", () => new Monitoring(model));
  }

  private readonly extensionsByVm = new Map<TfResource, TfResource[]>();
  /** Extensions whose VM is not known before apply: any of them may be on any VM. */
  private readonly extensionsOfUnknownVm: { ext: TfResource; reason: string }[] = [];
  private readonly associationsByVm = new Map<TfResource, TfResource[]>();
  private readonly associationsOfUnknownTarget: { assoc: TfResource; reason: string }[] = [];

  private constructor(private readonly model: TerraformModel) {
    const m = model;
    for (const ext of m.ofType(EXTENSION)) {
      const vm = m.referencedResource(ext.config.virtual_machine_id);
      if (vm) this.extensionsByVm.set(vm, [...(this.extensionsByVm.get(vm) ?? []), ext]);
      else {
        const id = m.resolveString(ext.config.virtual_machine_id);
        // A literal ID names a VM outside this configuration; an expression may name any VM here.
        if (!id.known) this.extensionsOfUnknownVm.push({ ext, reason: id.reason });
      }
    }
    for (const a of m.ofType(DCRA)) {
      if (a.config.data_collection_rule_id === undefined || a.config.data_collection_rule_id === null || a.config.data_collection_rule_id === "") continue; // an endpoint association
      const target = m.referencedResource(a.config.target_resource_id);
      if (target) this.associationsByVm.set(target, [...(this.associationsByVm.get(target) ?? []), a]);
      else {
        const id = m.resolveString(a.config.target_resource_id);
        if (!id.known) this.associationsOfUnknownTarget.push({ assoc: a, reason: id.reason });
      }
    }
  }

  /** The Azure Monitor agent extension on the VM (any OS when the OS is not known). */
  public agent(vm: Vm, os: OsFamily): Piece {
    const types = os.os ? [AGENT_TYPE[os.os]] : [AGENT_TYPE.windows, AGENT_TYPE.linux];
    const doubts: string[] = [];
    for (const ext of this.extensionsByVm.get(vm.resource) ?? []) {
      const verdict = this.isAgent(ext, types);
      if (verdict === true) return { found: ext, doubts: [] };
      if (typeof verdict === "string") doubts.push(verdict);
    }
    for (const { ext, reason } of this.extensionsOfUnknownVm) {
      const verdict = this.isAgent(ext, types);
      if (verdict !== false) doubts.push(`${ext.address} may be the agent on this VM: its virtual_machine_id is not known (${reason})`);
    }
    if (!os.os) doubts.push(`the OS is not known (${os.reason})`);
    return { doubts };
  }

  /** A managed identity on the VM, which the agent needs to authenticate. */
  public identity(vm: Vm): Piece {
    const raw = vm.resource.config.identity;
    if (typeof raw === "string") return { doubts: [`identity: ${this.model.resolve(raw).known ? "not a block" : "an expression evaluated at plan time"}`] };
    const block = this.model.blocks(vm.resource, "identity")[0];
    if (!block) return { doubts: [] };
    const t = this.model.resolveString(block.type);
    if (!t.known) return { doubts: [`identity.type: ${t.reason}`] };
    return /systemassigned|userassigned/i.test(t.value) ? { found: vm.resource, doubts: [] } : { doubts: [] };
  }

  /**
   * A data collection rule associated with the VM that sends its security events (Windows: the
   * Security channel; Linux: auth/authpriv syslog) to a Log Analytics destination. `associated`
   * says whether any rule association targets the VM at all.
   */
  public securityEvents(vm: Vm, os: OsFamily): Piece & { associated: boolean } {
    const doubts: string[] = [];
    const assocs = this.associationsByVm.get(vm.resource) ?? [];
    for (const a of assocs) {
      const rule = this.model.referencedResource(a.config.data_collection_rule_id);
      if (!rule || rule.type !== DCR) {
        const id = this.model.resolveString(a.config.data_collection_rule_id);
        doubts.push(`${a.address} associates a data collection rule ${id.known ? "outside this configuration" : `not known before apply (${id.reason})`}, whose data sources cannot be read`);
        continue;
      }
      const verdict = this.deliversSecurityEvents(rule, os);
      if (verdict.ok) return { found: rule, doubts: [], associated: true };
      doubts.push(...verdict.doubts);
    }
    for (const { assoc, reason } of this.associationsOfUnknownTarget) {
      doubts.push(`${assoc.address} may associate a rule with this VM: its target_resource_id is not known (${reason})`);
    }
    return { doubts, associated: assocs.length > 0 };
  }

  /** true, false, or why it cannot be told (publisher or type unknown). */
  private isAgent(ext: TfResource, types: readonly string[]): boolean | string {
    const pub = this.model.resolveString(ext.config.publisher);
    const type = this.model.resolveString(ext.config.type);
    if (pub.known && pub.value.toLowerCase() !== AGENT_PUBLISHER.toLowerCase()) return false;
    if (type.known && !types.some((t) => t.toLowerCase() === type.value.toLowerCase())) return false;
    if (pub.known && type.known) return true;
    return `${ext.address}: ${!pub.known ? `publisher (${pub.reason})` : `type (${(type as { reason: string }).reason})`}`;
  }

  /** Whether a rule collects the security events of the OS and routes them to Log Analytics. */
  private deliversSecurityEvents(rule: TfResource, os: OsFamily): { ok: boolean; doubts: string[] } {
    const m = this.model;
    const doubts: string[] = [];
    const unreadable = (cfg: Record<string, any>, attr: string) => typeof cfg[attr] === "string" || (cfg.dynamic && typeof cfg.dynamic === "object" && attr in cfg.dynamic);
    const list = (raw: unknown, what: string): string[] | undefined => {
      const r = m.resolveStringList(raw);
      if (r.known) return r.value;
      doubts.push(`${rule.address} ${what}: ${r.reason}`);
      return undefined;
    };
    if (unreadable(rule.config, "data_sources") || unreadable(rule.config, "data_flow") || unreadable(rule.config, "destinations")) {
      return { ok: false, doubts: [`${rule.address}: data_sources, data_flow or destinations is an expression or dynamic block evaluated at plan time`] };
    }
    // Streams that carry security events.
    const streams = new Set<string>();
    const sources = m.blocks(rule, "data_sources")[0] ?? {};
    const wantWindows = os.os !== "linux";
    const wantLinux = os.os !== "windows";
    if (wantWindows) {
      if (unreadable(sources, "windows_event_log")) doubts.push(`${rule.address} data_sources.windows_event_log is evaluated at plan time`);
      for (const src of blocksOf(sources.windows_event_log)) {
        const queries = list(src.x_path_queries, "windows_event_log.x_path_queries");
        const ss = list(src.streams, "windows_event_log.streams");
        if (queries && ss && queries.some((q) => /^\s*Security!/i.test(q))) ss.forEach((s) => streams.add(s.toLowerCase()));
      }
    }
    if (wantLinux) {
      if (unreadable(sources, "syslog")) doubts.push(`${rule.address} data_sources.syslog is evaluated at plan time`);
      for (const src of blocksOf(sources.syslog)) {
        const facilities = list(src.facility_names, "syslog.facility_names");
        const ss = list(src.streams, "syslog.streams");
        if (facilities && ss && facilities.some((f) => AUTH_FACILITIES.includes(f.toLowerCase()))) ss.forEach((s) => streams.add(s.toLowerCase()));
      }
    }
    // Log Analytics destination names.
    const destinations = new Set<string>();
    for (const d of blocksOf((m.blocks(rule, "destinations")[0] ?? {}).log_analytics)) {
      const name = m.resolveString(d.name);
      if (name.known) destinations.add(name.value);
      else doubts.push(`${rule.address} destinations.log_analytics.name: ${name.reason}`);
    }
    for (const flow of m.blocks(rule, "data_flow")) {
      const fs = list(flow.streams, "data_flow.streams");
      const fd = list(flow.destinations, "data_flow.destinations");
      if (fs && fd && fs.some((s) => streams.has(s.toLowerCase())) && fd.some((d) => destinations.has(d))) return { ok: true, doubts: [] };
    }
    return { ok: false, doubts };
  }
}
