/**
 * Settings with their provenance. A setting Azure resources cannot express is recorded as an
 * `sdz-*` tag, and the tag alone proves nothing: the reports say, for each one, whether it is
 * - *applied*: a resource of this configuration sets it to the declared value and reads it back (a
 *   script extension or run command on the VM; for Configuration Manager settings, a run command on a
 *   site server of this configuration that names the server; the value is the last write on the VM,
 *   {@link Settings.lastWrite}; comments set nothing; another value, or one the scripts do not state,
 *   is not applied), or
 * - *audited*: Azure keeps checking it after apply (a Machine Configuration assignment of a package
 *   that checks it, on a VM with the managed identity and the guest configuration extension it needs), or
 * - *declared*: the user states it and nothing in this configuration makes it true.
 * Rules accept *applied* and *audited*; *declared* only where Azure cannot reach the setting
 * (Configuration Manager without a site server here, AMT firmware), and then say so.
 */
import { gunzipSync } from "zlib";
import { isUnset } from "./access/fields";
import { base64Bytes } from "./base64";
import { TerraformModel, TfResource } from "./model";
import { settingWrites, hardenedValue, readsBack, SettingWrite, withoutComments, withoutPossibleComments } from "../contract/setting-traits";
import { SettingTraits, TagRead, TagSpec } from "../contract/tag";

/** Why a script's Configuration Manager cmdlets are not taken as applied: what {@link Settings.isSiteServer} did not find. */
export const NOT_SHOWN_SITE_SERVER = "which no script of this configuration shows to be a Configuration Manager site server (a CMSite drive rooted at the VM itself)";

/** How a setting is made true. */
export type Provenance = "applied" | "audited" | "declared";

/** A setting as read from a resource, with its provenance. */
export interface SettingState<T> {
  /** The tag as read (absent, known, unknown, invalid). */
  readonly read: TagRead<T>;
  /** For a known value: how it is made true. */
  readonly provenance?: Provenance;
  /** What makes it so: `extension azurerm_virtual_machine_extension.x sets and reads back ...`, or why only declared. */
  readonly evidence: string;
  /** True when the rules may accept the value: applied, audited, or declared where nothing in Azure can apply it. */
  readonly acceptable: boolean;
  /** Why the provenance itself could not be determined (a script in protected settings, an unknown script). */
  readonly unknown?: string;
}

interface Script {
  readonly resource: TfResource;
  /** The script without its comments ({@link withoutComments}): what a script does, as rules read it. */
  readonly text: string;
  /**
   * The script without anything that may be a comment ({@link withoutPossibleComments}): what surely
   * runs. A value counts as applied only when both readings agree on it.
   */
  readonly strict: string;
}

/** A script as the checks read it: comments dropped (PowerShell runs none of them). */
function scriptOf(resource: TfResource, raw: string): Script {
  return { resource, text: withoutComments(raw), strict: withoutPossibleComments(raw.replace(/\\"/g, '"')) };
}

/**
 * A resource a PowerShell DSC document declares: its type (`WindowsFeature`, `xADDomain`, ...), the
 * features a `WindowsFeature`/`WindowsFeatureSet` names, and whether it says `Ensure = Absent`.
 * Property values other than those are not kept: a MOF may hold credentials in plain text.
 */
export interface DscResource {
  readonly type: string;
  readonly features: readonly string[];
  readonly absent: boolean;
}

/**
 * A PowerShell DSC extension on a VM (publisher Microsoft.Powershell, type DSC), read from its public
 * settings: the configuration it runs from its package, the Azure Automation node configuration it
 * registers the VM for, and, where this configuration holds that node configuration (its MOF) or the
 * DSC configuration it is compiled from (its script), the DSC resources that apply to the node.
 * Settings fields whose value is not known before apply are not read; protected settings never are.
 */
export interface DscRun {
  readonly resource: TfResource;
  /** The configuration function the extension runs from its package (`CreateADPDC` of `CreateADPDC.ps1\CreateADPDC`). */
  readonly configuration?: string;
  /** The Azure Automation node configuration the VM is registered for (`<configuration>.<node>`). */
  readonly nodeConfiguration?: string;
  /** The resource of this configuration that holds the node's DSC document, and the resources it declares for the node. */
  readonly document?: { readonly resource: TfResource; readonly resources: readonly DscResource[] };
}

/**
 * The last write of a setting on a VM: the value Windows keeps after the VM's readable scripts run
 * ({@link Settings.lastWrite}), or why it is not known.
 */
export type LastWrite =
  | {
    readonly state: "known";
    readonly value: unknown;
    /** The last write as the script writes it (`-RequireSecuritySignature $false`). */
    readonly text: string;
    /** The scripts that write it last (several only when nothing orders them and they agree). */
    readonly scripts: readonly TfResource[];
    /** Whether one of those scripts also reads it back (the setting's verify pattern, in what surely runs). */
    readonly readBack: boolean;
    /** Without a read-back: why one of those scripts may read it back where the checks cannot tell (a registry key not known). */
    readonly readBackUnknown?: string;
  }
  | { readonly state: "unknown"; readonly reason: string; readonly scripts: readonly TfResource[] };

/** What one script leaves a setting at: its last write's value, or why that is not known. */
type ScriptLast = { readonly value: unknown; readonly text: string } | { readonly unknown: string };

/** Settings of a configuration. Build once with {@link Settings.of}. */
export class Settings {
  public static of(model: TerraformModel): Settings {
    return model.memo("settings", () => new Settings(model));
  }

  /** Scripts that run on each VM (by VM address), and scripts whose text is not readable. */
  private readonly scripts = new Map<string, Script[]>();
  private readonly hiddenScripts = new Map<string, string[]>();
  /**
   * Script runners on each VM (by VM address) whose script the checks do not read: a script-running
   * extension (or one whose handler is not known) with protected or unreadable settings, a run command
   * from a URI. Any of them may write a setting after the readable scripts.
   */
  private readonly hiddenRunners = new Map<string, { resource: TfResource; why: string }[]>();
  /** The extensions on each VM (by VM address) with their handler (`publisher.type`, lower case) where known. */
  private readonly extensions = new Map<string, { resource: TfResource; handler?: string }[]>();
  /** What each resource depends on through depends_on, transitively; computed on first use. */
  private readonly dependencies = new Map<TfResource, Set<TfResource>>();
  private readonly allRunCommands: { script: Script; vm: TfResource }[] = [];
  /** Whether a VM is a Configuration Manager site server (its SMS Provider), by VM address; computed on first use. */
  private readonly siteServers = new Map<string, boolean>();
  private readonly assignments = new Map<string, { resource: TfResource; name: string }[]>();
  private readonly dsc = new Map<string, DscRun[]>();
  /** DSC documents of Azure Automation by lower-cased name, indexed on first use; each read once. */
  private dscDocuments?: { nodes: Map<string, TfResource[]>; configurations: Map<string, TfResource[]> };
  private readonly dscParsed = new Map<TfResource, { nodes: DscNode[]; resources: DscDeclared[] } | null>();

  private constructor(private readonly model: TerraformModel) {
    const m = model;
    for (const ext of m.ofType("azurerm_virtual_machine_extension")) {
      const vm = m.referencedResource(ext.config.virtual_machine_id);
      if (!vm) continue;
      const publisher = m.resolveString(ext.config.publisher);
      const type = m.resolveString(ext.config.type);
      const handler = publisher.known && type.known ? `${publisher.value}.${type.value}`.toLowerCase() : undefined;
      this.extensions.set(vm.address, [...(this.extensions.get(vm.address) ?? []), { resource: ext, handler }]);
      const texts: string[] = [];
      const settings = m.resolve(ext.config.settings);
      if (settings.known) texts.push(scriptText(settings.value));
      const runsScripts = handler === undefined || !NO_USER_SCRIPT_HANDLERS.has(handler);
      if (ext.config.protected_settings !== undefined) {
        // Protected settings may carry secrets that no finding may quote (a script's statements are quoted as evidence), so they are
        // never read as evidence (SDZ-SEC-002 reads them for literal secrets only, and reports none of their text).
        const why = `${ext.address} keeps (part of) its script in protected_settings, which the checks do not read as evidence (keep the script in settings and only its secrets in protected_settings)`;
        this.hidden(vm.address, why);
        if (runsScripts) this.hiddenRunner(vm.address, ext, why);
      }
      // A script downloaded from fileUris (Custom Script Extension) and run by the command is text the checks do not read.
      const files = settings.known ? fileUrisOf(settings.value) : 0;
      if (files > 0) this.hiddenRunner(vm.address, ext, `${ext.address} runs scripts it downloads from fileUris, which the checks do not read`);
      if (!settings.known && ext.config.settings !== undefined) {
        const why = `${ext.address} settings: ${settings.reason}`;
        this.hidden(vm.address, why);
        if (runsScripts) this.hiddenRunner(vm.address, ext, why);
      }
      if (texts.length > 0) this.add(vm.address, scriptOf(ext, texts.join("\n")));
      const run = isDsc(m, ext) ? this.dscRun(ext, settings.known ? settings.value : undefined) : undefined;
      if (run) this.dsc.set(vm.address, [...(this.dsc.get(vm.address) ?? []), run]);
    }
    for (const rc of m.ofType("azurerm_virtual_machine_run_command")) {
      const vm = m.referencedResource(rc.config.virtual_machine_id);
      const source = m.blocks(rc, "source")[0];
      const script = source ? m.resolveString(source.script) : undefined;
      if (!vm) continue;
      if (script?.known) {
        const s = scriptOf(rc, decodeEncoded(script.value));
        this.add(vm.address, s);
        this.allRunCommands.push({ script: s, vm });
      } else if (source) {
        // No inline script at all (script_uri, command_id) is not an unknown value: say what it is.
        const why = `${rc.address} source: ${script && !script.known && !isUnset(source.script) ? script.reason : "a script URI or command ID the checks do not read"}`;
        this.hidden(vm.address, why);
        this.hiddenRunner(vm.address, rc, why);
      }
    }
    for (const a of m.ofType("azurerm_policy_virtual_machine_configuration_assignment")) {
      const vm = m.referencedResource(a.config.virtual_machine_id);
      // The guest configuration's name is the resource's own `name`: azurerm 4.55's `configuration` block has
      // none (registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/policy_virtual_machine_configuration_assignment).
      const name = m.blocks(a, "configuration").length > 0 ? m.resolveString(a.config.name) : undefined;
      if (vm && name?.known) this.assignments.set(vm.address, [...(this.assignments.get(vm.address) ?? []), { resource: a, name: name.value }]);
    }
  }

  /**
   * Reads a setting from a VM (tags of the VM, then its NICs) with its provenance. Every carrier is
   * read: two that declare different values are no value (`invalid`, naming both), and a tag whose
   * value is not known before apply beside a known one is `unknown`, so a second declaration is never
   * dropped silently (which carrier comes first is an ordering accident).
   */
  public read<T>(vm: TfResource, spec: TagSpec<T>, nics: readonly TfResource[] = []): SettingState<T> {
    const read = this.declaration(spec, [vm, ...nics]);
    if (read.state !== "known") return { read, evidence: "", acceptable: false };
    const traits = spec.setting;
    if (!traits) return { read, provenance: "declared", evidence: `${spec.key} on ${vm.address}`, acceptable: true };
    if (traits.kind === "firmware") {
      return { read, provenance: "declared", evidence: `${spec.key} on ${vm.address}: AMT firmware settings are declared; no Azure resource reaches firmware`, acceptable: true };
    }
    const wanted = `${spec.key}=${spec.secretBearing ? "(value not shown)" : spec.codec.format(read.value)}`;
    if (traits.kind === "windows") {
      const applied = this.appliedOn(vm, traits, read.value, wanted);
      if (applied.evidence) return { read, provenance: "applied", evidence: applied.evidence, acceptable: true };
      const audited = this.auditedOn(vm, traits.auditedBy ?? []);
      if (audited.ok) return { read, provenance: "audited", evidence: audited.text, acceptable: true };
      const unknown = [applied.unknown, ...(this.hiddenScripts.get(vm.address) ?? [])].filter((x): x is string => !!x);
      const scripts = applied.against.length > 0 ? applied.against.join("; ") : "no extension or run command on the VM sets it and reads it back";
      return {
        read, provenance: "declared", acceptable: false, unknown: unknown.length > 0 ? unknown.join("; ") : undefined,
        evidence: `${spec.key} on ${vm.address} is only declared: ${scripts}, and no Machine Configuration assignment audits it${audited.text ? ` (${audited.text})` : ""}`,
      };
    }
    // Configuration Manager: a run command on a site server of this configuration that names this server applies it.
    const applied = this.appliedByConfigMgr(vm, traits, read.value, wanted);
    if (applied.evidence) return { read, provenance: "applied", evidence: applied.evidence, acceptable: true };
    const why = applied.against.length > 0 ? applied.against.join("; ") : "no run command on a site server of this configuration applies it";
    return { read, provenance: "declared", acceptable: true, evidence: `${spec.key} on ${vm.address} is declared: ${why} (run the generated ConfigMgr script, or name the site server so the construct applies it)` };
  }

  /**
   * The tag's declaration over its carriers: the first that has it, unless another declares a
   * different value or one not known before apply. A carrier whose whole tags block is not known
   * before apply is read only when it comes first (as before): a block from a variable is common and
   * says nothing about this tag.
   */
  private declaration<T>(spec: TagSpec<T>, carriers: readonly TfResource[]): TagRead<T> {
    let first: { value: T; at: TfResource } | undefined;
    for (const carrier of carriers) {
      const block = this.model.tagBlock(carrier);
      if (first && !block.known) continue;
      const r = spec.read(block);
      if (r.state === "absent") continue;
      if (!first) {
        if (r.state !== "known") return r;
        first = { value: r.value, at: carrier };
        continue;
      }
      const shown = (v: T) => (spec.secretBearing ? "(value not shown)" : JSON.stringify(spec.codec.format(v)));
      if (r.state === "known") {
        if (spec.codec.format(r.value) === spec.codec.format(first.value)) continue;
        const where = spec.secretBearing
          ? `has different values on ${first.at.address} and ${carrier.address} (not shown: the tag may hold a secret)`
          : `is ${shown(first.value)} on ${first.at.address} but ${shown(r.value)} on ${carrier.address}`;
        return { state: "invalid", reason: `its ${spec.key} tag ${where}: the declarations disagree, so which one holds cannot be told (declare it once, on the VM)` };
      }
      const why = r.reason.replace(/^its \S+ tag /, "");
      return { state: r.state, reason: `its ${spec.key} tag on ${carrier.address} ${why}, so whether it agrees with ${shown(first.value)} on ${first.at.address} cannot be told` };
    }
    return first ? { state: "known", value: first.value } : { state: "absent" };
  }

  /**
   * What the configuration itself shows for a setting on a VM, whatever its tag says: *applied* (a
   * script on the VM sets it and reads it back) or *audited* (a Machine Configuration assignment
   * that checks it, with the identity and extension it needs), else no provenance; `hidden` says
   * which scripts the checks cannot read (protected settings, unknown values), or why the last write
   * is not known, so "nothing applies it" cannot be claimed; `against` what the scripts do instead (a
   * different value written last, a write under another registry key, the hardened value written
   * but not read back); `unread` the scripts that write the hardened value last but do not read it
   * back. Lets a rule accept a setting applied by an untagged script.
   */
  public observed(vm: TfResource, traits: SettingTraits | undefined): {
    provenance?: "applied" | "audited"; evidence: string; hidden?: string; against?: string; unread?: readonly TfResource[];
  } {
    const hidden = this.hiddenScripts.get(vm.address)?.join("; ");
    if (!traits || traits.kind !== "windows") return { evidence: "", hidden };
    const applied = this.appliedOn(vm, traits, hardenedValue(traits), "the hardened value");
    if (applied.evidence) return { provenance: "applied", evidence: applied.evidence };
    const audited = this.auditedOn(vm, traits.auditedBy ?? []);
    if (audited.ok) return { provenance: "audited", evidence: audited.text };
    const doubts = [applied.unknown, hidden].filter((x): x is string => !!x);
    const against = !applied.unknown && applied.against.length > 0 ? applied.against.join("; ") : undefined;
    return { evidence: audited.text, hidden: doubts.length > 0 ? doubts.join("; ") : undefined, against, unread: applied.unread };
  }

  /** Every script that runs on a VM (readable ones). */
  public scriptsOn(vm: TfResource): readonly Script[] {
    return this.scripts.get(vm.address) ?? [];
  }

  /**
   * Why some scripts that run on a VM cannot be read (protected settings, values not known before
   * apply, a script URI): whatever they do is unknown, so a rule that looks for a script must not
   * conclude "none" while this is not empty.
   */
  public hiddenScriptsOn(vm: TfResource): readonly string[] {
    return this.hiddenScripts.get(vm.address) ?? [];
  }

  /** The PowerShell DSC extensions on a VM, with what their public settings name (see {@link DscRun}). */
  public dscOn(vm: TfResource): readonly DscRun[] {
    return this.dsc.get(vm.address) ?? [];
  }

  private dscRun(ext: TfResource, resolved: unknown): DscRun | undefined {
    const m = this.model;
    const settings = dscSettings(ext.config.settings, resolved);
    if (!settings) return undefined;
    const text = (v: unknown) => {
      const r = m.resolveString(v);
      return r.known && r.value.trim() ? r.value.trim() : undefined;
    };
    // Two schemas (learn.microsoft.com/azure/virtual-machines/extensions/dsc-template, "Update from a previous format"):
    // `configuration.function` (+ `.script`, `.url`) and `configurationArguments`, or the earlier `ConfigurationFunction`
    // ("Script.ps1\Function" in the JSON text "Script.ps1\\Function", as the quickstart active-directory-new-domain writes it) and `Properties`.
    const configuration = text(field(field(settings, "configuration"), "function")) ?? text(field(settings, "configurationFunction"))?.split("\\").pop();
    // Onboarding to Azure Automation State Configuration passes RegistrationUrl and NodeConfigurationName as configuration
    // arguments (dsc-template, "Template example for a Windows VM"): as a map, or a list of {Name, Value}.
    let nodeConfiguration: string | undefined;
    for (const args of [field(settings, "configurationArguments"), field(settings, "properties")]) {
      nodeConfiguration ??= text(argument(args, "NodeConfigurationName"));
    }
    const document = nodeConfiguration ? this.dscDocument(nodeConfiguration) : undefined;
    return { resource: ext, configuration: configuration || undefined, nodeConfiguration, document };
  }

  /**
   * The DSC document this configuration holds for an Automation node configuration `<configuration>.<node>`: the
   * azurerm_automation_dsc_nodeconfiguration of that name (its MOF is what the node pulls), else the
   * azurerm_automation_dsc_configuration named by the part before the first dot (azurerm names the node configuration's
   * configuration so: internal/services/automation/automation_dsc_nodeconfiguration_resource.go, strings.Split(name, ".")[0]),
   * read for the node's `Node` block. Two resources of the same name (in different Automation accounts) are not told
   * apart: none is read, so nothing is claimed from either.
   */
  private dscDocument(nodeConfiguration: string): DscRun["document"] {
    const docs = (this.dscDocuments ??= {
      nodes: byName(this.model, "azurerm_automation_dsc_nodeconfiguration"),
      configurations: byName(this.model, "azurerm_automation_dsc_configuration"),
    });
    const name = nodeConfiguration.toLowerCase();
    const dot = name.indexOf(".");
    const mof = docs.nodes.get(name);
    if (mof) return mof.length === 1 ? this.declared(mof[0], "mof") : undefined;
    const script = dot > 0 ? docs.configurations.get(name.slice(0, dot)) : undefined;
    if (!script || script.length !== 1) return undefined;
    return this.declared(script[0], "script", dot > 0 ? name.slice(dot + 1) : undefined);
  }

  /** The DSC resources a document declares (for a script, those of the node's block), its content parsed once. */
  private declared(resource: TfResource, kind: "mof" | "script", node?: string): DscRun["document"] {
    let parsed = this.dscParsed.get(resource);
    if (parsed === undefined) {
      const content = this.model.resolveString(resource.config.content_embedded);
      parsed = content.known ? parseDsc(content.value, kind) : null;
      this.dscParsed.set(resource, parsed);
    }
    if (!parsed) return undefined;
    return { resource, resources: forNode(parsed, node) };
  }

  /**
   * Whether the scripts on the VM apply `value`. For a setting whose written value the checks read,
   * the last write on the VM ({@link lastWrite}) must be `value`, by a script that also reads it
   * back; a last write of another value is `against` it, one that is not known is `unknown` too, and
   * one of `value` that no script reads back is `against` it with those scripts as `unread`. For
   * the others, a script that sets it and reads it back in what surely runs.
   */
  private appliedOn(vm: TfResource, traits: SettingTraits, value: unknown, wanted: string): {
    evidence?: string; against: string[]; unknown?: string; unread?: readonly TfResource[];
  } {
    const pattern = traits.applied;
    if (!pattern) return { against: [] };
    if (!readsValue(traits)) {
      const by = (this.scripts.get(vm.address) ?? []).find((s) => pattern.set.test(s.strict) && pattern.verify.test(s.strict));
      return by ? { evidence: `${by.resource.address} sets it and reads it back`, against: [] } : { against: [] };
    }
    const last = this.lastWrite(vm, traits);
    if (!last) {
      // Writes under another registry key (HKCU:\Software\Lsa for RestrictAnonymous) are no writes: say where they went.
      const misplaced = (this.scripts.get(vm.address) ?? []).flatMap((s) => settingWrites(traits, s.strict)!.filter((w) => w.elsewhere).slice(-1)
        .map((w) => `${s.resource.address} writes it ${w.elsewhere}`));
      return { against: misplaced };
    }
    if (last.state === "unknown") return { against: [last.reason], unknown: last.reason };
    const by = last.scripts.map((r) => r.address).join(", ");
    if (last.value !== value) return { against: [`${by} set${last.scripts.length > 1 ? "" : "s"} ${last.text} last, not ${wanted}`] };
    if (!last.readBack && last.readBackUnknown) return { against: [last.readBackUnknown], unknown: last.readBackUnknown };
    // Written but not read back: not applied (a read-back shows it took), but say who sets it, so nothing reads as "nothing applies it".
    if (!last.readBack) return { against: [`${by} set${last.scripts.length > 1 ? "" : "s"} it but do${last.scripts.length > 1 ? "" : "es"} not read it back`], unread: last.scripts };
    return { evidence: `${by} set${last.scripts.length > 1 ? "" : "s"} it and read${last.scripts.length > 1 ? "" : "s"} it back`, against: [] };
  }

  /**
   * The last write of a setting on a VM, for settings whose written value the checks read (undefined
   * for the others, and when no readable script on the VM writes it). Windows keeps the last value
   * written:
   * - within a script, the last write in textual order, comments stripped; both readings of what may
   *   be a comment ({@link Script}) must agree on it, else it is not known;
   * - a write through `-CimSession` to another computer is no write on this VM; to a computer the
   *   checks do not know (a variable), a write of an unknown value;
   * - across scripts, depends_on (transitively) orders them: the scripts no other writer runs after
   *   decide, and must agree; scripts nothing orders that write different values leave it not known;
   * - Azure accepts one extension per handler on a VM ("Multiple VMExtensions per handler not
   *   supported for OS type 'Windows'", by design: github.com/Azure/azure-powershell/issues/8173;
   *   for the Windows Custom Script Extension github.com/MicrosoftDocs/azure-docs/issues/96494): a
   *   writing extension that shares its handler with another extension on the VM may be the one
   *   that fails at apply, so what it writes is not known, whatever depends_on says.
   * Not known is fail closed: the reason names the scripts, and nothing is claimed applied.
   */
  public lastWrite(vm: TfResource, traits: SettingTraits | undefined): LastWrite | undefined {
    if (!traits || traits.kind !== "windows" || !readsValue(traits)) return undefined;
    const writers: { s: Script; last: ScriptLast }[] = [];
    for (const s of this.scripts.get(vm.address) ?? []) {
      const last = this.scriptLast(vm, traits, s);
      if (last) writers.push({ s, last });
    }
    if (writers.length === 0) return undefined;
    const exts = this.extensions.get(vm.address) ?? [];
    for (const w of writers) {
      const own = exts.find((e) => e.resource === w.s.resource);
      const others = own?.handler ? exts.filter((e) => e !== own && e.handler === own.handler) : [];
      if (others.length > 0) {
        const all = [w.s.resource, ...others.map((e) => e.resource)];
        return {
          state: "unknown", scripts: all,
          reason: `${all.map((r) => r.address).join(" and ")} are extensions of one handler (${own!.handler}) on the VM, and Azure runs one extension per handler: `
            + `one of them fails at apply, so whether ${w.s.resource.address}'s write happens is not known`,
        };
      }
    }
    // The writers no other writer runs after.
    const final = writers.filter((w) => !writers.some((x) => x !== w && this.dependsOn(x.s.resource).has(w.s.resource)));
    const unknown = final.find((w) => "unknown" in w.last);
    if (unknown) return { state: "unknown", reason: (unknown.last as { unknown: string }).unknown, scripts: [unknown.s.resource] };
    // A script the checks do not read may write the setting after the readable ones unless every last
    // writer runs after it (depends_on); otherwise the last write is not known.
    const unordered = (this.hiddenRunners.get(vm.address) ?? []).filter((h) => !final.every((w) => this.dependsOn(w.s.resource).has(h.resource)));
    if (unordered.length > 0) {
      return {
        state: "unknown", scripts: [...final.map((w) => w.s.resource), ...unordered.map((h) => h.resource)],
        reason: `${unordered.map((h) => h.why).join("; ")}; nothing orders ${unordered.length > 1 ? "them" : "it"} before ${final.map((w) => w.s.resource.address).join(", ")}, `
          + "so it may write the setting last",
      };
    }
    const known = final.map((w) => ({ s: w.s, last: w.last as { value: unknown; text: string } }));
    if (known.every((w) => w.last.value === known[0].last.value)) {
      const reads = known.map((w) => ({ s: w.s, r: readsBack(traits, w.s.strict) }));
      const doubt = reads.find((x) => typeof x.r === "string");
      return {
        state: "known", value: known[0].last.value, text: known[known.length - 1].last.text, scripts: known.map((w) => w.s.resource),
        readBack: reads.some((x) => x.r === true),
        readBackUnknown: doubt ? `${doubt.s.resource.address} sets it, but ${doubt.r as string}` : undefined,
      };
    }
    return {
      state: "unknown", scripts: known.map((w) => w.s.resource),
      reason: `${known.map((w) => `${w.s.resource.address} sets ${w.last.text}`).join(" and ")} last, and no depends_on orders them, so which value Windows keeps is not known`,
    };
  }

  /**
   * What one script leaves a setting at (undefined when it does not write it here): its last write,
   * read without comments and without what may be comments; the two must agree.
   */
  private scriptLast(vm: TfResource, traits: SettingTraits, s: Script): ScriptLast | undefined {
    const at = s.resource.address;
    const last = (text: string) => {
      const writes = settingWrites(traits, text)!;
      let out: SettingWrite | undefined;
      for (const w of writes) {
        // A write under another registry key sets nothing Windows reads for this setting.
        if (w.elsewhere) continue;
        const target = this.target(vm, w.statement);
        if (target === "elsewhere") continue;
        out = target === "here" ? w : { unknown: target, text: w.text, statement: w.statement };
      }
      return { writes: writes.length, last: out };
    };
    const q = last(s.text);
    const m = last(s.strict);
    const lq = q.last;
    const lm = m.last;
    if (!lq && !lm) {
      const p = traits.applied;
      // The pattern sees a write the value readers do not: set in a form whose value the checks do not read.
      if (q.writes === 0 && p && p.set.test(s.strict) && p.verify.test(s.strict)) return { unknown: `${at} sets it in a form whose value the checks do not read` };
      return undefined;
    }
    if (!lm || !lq) return { unknown: `${at} writes ${(lq ?? lm)!.text} only in what may be a comment or a string, which the checks cannot tell apart` };
    for (const l of [lm, lq]) if (l.unknown !== undefined) return { unknown: `${at} writes it last, but ${l.unknown}` };
    if (lm.value !== lq.value) {
      return { unknown: `${at} writes ${lm.text} last, or ${lq.text} if what may be a comment or a string is code, which the checks cannot tell apart` };
    }
    return { value: lm.value, text: lm.text };
  }

  /**
   * Which computer a write goes to: `-CimSession` runs a CIM cmdlet (Set-SmbServerConfiguration, ...)
   * "in a remote session or on a remote computer. Enter a computer name or a session object"
   * (learn.microsoft.com/powershell/module/smbshare/set-smbserverconfiguration, -CimSession); without
   * it, the local one. A literal name is this VM (its computer name, localhost) or another computer;
   * anything else is a computer the checks do not know (returned as the reason).
   */
  private target(vm: TfResource, statement: string): "here" | "elsewhere" | string {
    const m = /-CimSession\b(?:\s*:\s*|\s+)(\S*)/i.exec(statement);
    if (!m) return "here";
    const raw = m[1].replace(/^['"(]+|['")},]+$/g, "");
    if (!/^(?:[A-Za-z0-9][\w.-]*|\$env:computername)$/i.test(raw)) return `it writes through -CimSession ${raw || "(no value)"}, to a computer the checks do not know`;
    const name = raw.toLowerCase();
    if (["localhost", ".", "127.0.0.1", "$env:computername"].includes(name)) return "here";
    const own = this.computerName(vm);
    // A computer name not known before apply may be the one the script names: that write may be here.
    if ("unknown" in own) return `it writes through -CimSession ${raw}, and whether that is this VM is not known: ${own.unknown}`;
    const o = own.name.toLowerCase();
    return name === o || name.startsWith(`${o}.`) ? "here" : "elsewhere";
  }

  /** What a resource depends on through depends_on, transitively. */
  private dependsOn(resource: TfResource): Set<TfResource> {
    let out = this.dependencies.get(resource);
    if (out) return out;
    out = new Set<TfResource>();
    const stack = [resource];
    while (stack.length > 0) {
      const r = stack.pop()!;
      for (const d of Array.isArray(r.config.depends_on) ? r.config.depends_on : []) {
        const target = typeof d === "string" ? this.model.byAddress(d.replace(/^\$\{\s*|\s*\}$/g, "")) : undefined;
        if (target && !out.has(target)) {
          out.add(target);
          stack.push(target);
        }
      }
    }
    this.dependencies.set(resource, out);
    return out;
  }

  /**
   * Whether a run command on a Configuration Manager site server of this configuration applies `value`
   * to the server `vm`: it names the server, sets the setting and reads it back, and (where the
   * checks read the value) its last write to this server is `value`. A run command that sets it from
   * a VM that is no site server, or sets another value, makes it not applied (`against`).
   */
  private appliedByConfigMgr(vm: TfResource, traits: SettingTraits, value: unknown, wanted: string): { evidence?: string; against: string[] } {
    const own = this.computerName(vm);
    const pattern = traits.applied;
    if (!pattern || "unknown" in own) return { against: [] };
    const name = own.name;
    const names = new RegExp(`(?<![\\w.$-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "i");
    // A write to another server (a literal -SiteSystemServerName that is not this one) is not a write here.
    const here = (w: SettingWrite) => {
      const server = /-SiteSystemServerName\s*:?\s*['"]?([A-Za-z0-9][\w.-]*)/i.exec(w.statement)?.[1]?.toLowerCase();
      const n = name.toLowerCase();
      return !server || server === n || server.startsWith(`${n}.`);
    };
    let by: Script | undefined;
    const against: string[] = [];
    for (const { script: s, vm: host } of this.allRunCommands) {
      if (!names.test(s.text) || !pattern.set.test(s.text)) continue;
      const sets = names.test(s.strict) && pattern.set.test(s.strict) && pattern.verify.test(s.strict);
      const doubts: string[] = [];
      if (!this.isSiteServer(host)) {
        doubts.push(`it runs on ${host.address}, ${NOT_SHOWN_SITE_SERVER}`);
      }
      const doubt = lastWriteDoubt(traits, s, (w) => w.value === value, wanted, sets, here);
      if (doubt) doubts.push(doubt.replace(`${s.resource.address} `, ""));
      if (doubts.length > 0) against.push(`run command ${s.resource.address}: ${doubts.join(", and ")}`);
      else if (sets) by ??= s;
    }
    if (against.length > 0 || !by) return { against };
    return { evidence: `run command ${by.resource.address} sets it on the site server and reads it back`, against };
  }

  /**
   * Whether a VM is a Configuration Manager site server: a script on it (in what surely runs) maps the
   * ConfigMgr PowerShell drive to the SMS Provider on the VM itself, `New-PSDrive -PSProvider CMSite
   * -Root` `$env:COMPUTERNAME`, `localhost` or the VM's computer name. The drive's root is the SMS
   * Provider the cmdlets talk to (learn.microsoft.com/powershell/sccm/overview, "Get started with
   * Configuration Manager cmdlets"); the site server built by the constructs does this. Other
   * Configuration Manager facts read from scripts (state migration points) ask this too.
   */
  public isSiteServer(vm: TfResource): boolean {
    let known = this.siteServers.get(vm.address);
    if (known !== undefined) return known;
    const computer = this.computerName(vm);
    const own = "name" in computer ? computer.name.toLowerCase() : undefined;
    const local = (root: string) => {
      const r = root.toLowerCase();
      return r === "$env:computername" || r === "localhost" || r === "." || r === "127.0.0.1" || (!!own && (r === own || r.startsWith(`${own}.`)));
    };
    known = (this.scripts.get(vm.address) ?? []).some((s) => [...s.strict.matchAll(/\bNew-PSDrive\b[^\n;|]*/gi)].some((m) => {
      const root = /-Root\s*:?\s*['"]?([^\s'";|)]+)/i.exec(m[0])?.[1];
      return /-PSProvider\s*:?\s*['"]?CMSite\b/i.test(m[0]) && !!root && local(root);
    }));
    this.siteServers.set(vm.address, known);
    return known;
  }

  private auditedOn(vm: TfResource, names: readonly string[]): { ok: boolean; text: string } {
    const a = (this.assignments.get(vm.address) ?? []).find((x) => names.some((n) => n.toLowerCase() === x.name.toLowerCase()));
    if (!a) return { ok: false, text: "" };
    // Machine Configuration needs the VM's system-assigned identity and the guest configuration extension
    // (learn.microsoft.com/azure/governance/machine-configuration/overview, "Deploy requirements for Azure virtual machines").
    const identity = this.model.blocks(vm, "identity").some((b) => /systemassigned/i.test(String(this.model.resolveString(b.type).known ? (this.model.resolveString(b.type) as { value: string }).value : "")));
    const ext = this.model.ofType("azurerm_virtual_machine_extension").some((e) => this.model.referencedResource(e.config.virtual_machine_id) === vm
      && /Microsoft\.GuestConfiguration/i.test(String(this.model.resolveString(e.config.publisher).known ? (this.model.resolveString(e.config.publisher) as { value: string }).value : "")));
    if (identity && ext) return { ok: true, text: `Machine Configuration assignment ${a.resource.address} (${a.name}) audits it` };
    return { ok: false, text: `assignment ${a.resource.address} exists but the VM lacks ${!identity ? "a system-assigned identity" : "the guest configuration extension"} it needs to report` };
  }

  /**
   * The VM's computer name: `computer_name`, else `name` (azurerm's default for it). When the field
   * that decides it is not known before apply (a set computer_name from a variable is the name,
   * whatever `name` says) or is empty: `unknown`, the field and its reason.
   */
  private computerName(vm: TfResource): { name: string } | { unknown: string } {
    const f = isUnset(vm.config.computer_name) ? "name" : "computer_name";
    const r = this.model.resolveString(vm.config[f]);
    if (r.known && r.value.trim()) return { name: r.value.trim() };
    return { unknown: `${vm.address} ${f}: ${r.known ? "empty" : r.reason}` };
  }

  private add(vm: string, s: Script): void {
    this.scripts.set(vm, [...(this.scripts.get(vm) ?? []), s]);
  }

  private hidden(vm: string, why: string): void {
    this.hiddenScripts.set(vm, [...(this.hiddenScripts.get(vm) ?? []), why]);
  }

  private hiddenRunner(vm: string, resource: TfResource, why: string): void {
    const list = this.hiddenRunners.get(vm) ?? [];
    if (!list.some((r) => r.resource === resource)) list.push({ resource, why });
    this.hiddenRunners.set(vm, list);
  }
}

/**
 * Extension handlers (`publisher.type`, lower case) known to run no script or configuration the user
 * supplies, whatever their protected settings hold (a domain join password, a workspace key, a vault
 * certificate list): domain join, the Key Vault VM extension, the monitoring agents, Antimalware, Machine
 * Configuration, Network Watcher, the Dependency agent, Azure Disk Encryption and Entra ID login
 * (learn.microsoft.com/azure/virtual-machines/extensions/overview lists each one's purpose). Every other
 * handler (Custom Script, Run Command, DSC, Chef, Puppet, a vendor's, or one not known before apply) may
 * run what its unread settings say, and so may write any Windows setting: fail closed.
 */
const NO_USER_SCRIPT_HANDLERS: ReadonlySet<string> = new Set([
  "microsoft.compute.jsonaddomainextension",
  "microsoft.azure.keyvault.keyvaultforwindows",
  "microsoft.azure.keyvault.keyvaultforlinux",
  "microsoft.azure.monitor.azuremonitorwindowsagent",
  "microsoft.azure.monitor.azuremonitorlinuxagent",
  "microsoft.enterprisecloud.monitoring.microsoftmonitoringagent",
  "microsoft.azure.security.iaasantimalware",
  "microsoft.guestconfiguration.configurationforwindows",
  "microsoft.guestconfiguration.configurationforlinux",
  "microsoft.azure.networkwatcher.networkwatcheragentwindows",
  "microsoft.azure.networkwatcher.networkwatcheragentlinux",
  "microsoft.azure.monitoring.dependencyagent.dependencyagentwindows",
  "microsoft.azure.security.azurediskencryption",
  "microsoft.azure.activedirectory.aadloginforwindows",
]);

/**
 * How many files an extension's settings download (`fileUris`, any case: the Custom Script Extension's
 * public setting, learn.microsoft.com/azure/virtual-machines/extensions/custom-script-windows), from
 * the settings as an object or a JSON text.
 */
function fileUrisOf(settings: unknown): number {
  const v = settingsObject(settings);
  if (!v || Array.isArray(v)) return 0;
  for (const [k, x] of Object.entries(v)) {
    if (k.toLowerCase() === "fileuris") return Array.isArray(x) ? x.length : x === undefined || x === null ? 0 : 1;
  }
  return 0;
}

/** Whether the checks read the value a script writes for this setting (it has `writes`). */
function readsValue(traits: SettingTraits): boolean {
  return settingWrites(traits, "") !== undefined;
}

/**
 * Why a script's writes of a setting keep `wanted` from being applied by it, or undefined when they do
 * not: its last write (of those `keep` retains) is another value or one not known from the script, in
 * either reading of its comments; or it writes the value only in what may be a comment; or it sets the
 * setting (`sets`) in a form the checks do not read. Settings whose value the checks do not read have
 * no doubt. Used for Configuration Manager settings, which a run command on a site server writes
 * for another server; Windows settings go through {@link Settings.lastWrite}.
 */
function lastWriteDoubt(
  traits: SettingTraits, s: Script, ok: (w: SettingWrite) => boolean, wanted: string, sets: boolean, keep: (w: SettingWrite) => boolean = () => true,
): string | undefined {
  const all = settingWrites(traits, s.text)?.filter((w) => !w.elsewhere);
  if (!all) return undefined;
  const lq = all.filter(keep).pop();
  const lm = settingWrites(traits, s.strict)!.filter((w) => !w.elsewhere).filter(keep).pop();
  for (const l of [lm, lq]) {
    if (!l) continue;
    if (l.unknown !== undefined) return `${s.resource.address} writes it last, but ${l.unknown}`;
    if (!ok(l)) return `${s.resource.address} sets ${l.text} last, not ${wanted}`;
  }
  if (lq && !lm) return `${s.resource.address} writes ${lq.text} only in what may be a comment or a string, which the checks cannot tell apart`;
  if (sets && !lm) return `${s.resource.address} sets it in a form whose value the checks do not read`;
  return undefined;
}

/** Whether an extension is the PowerShell DSC extension (learn.microsoft.com/azure/virtual-machines/extensions/dsc-windows: publisher Microsoft.Powershell, type DSC). */
function isDsc(m: TerraformModel, ext: TfResource): boolean {
  const publisher = m.resolveString(ext.config.publisher);
  const type = m.resolveString(ext.config.type);
  return publisher.known && type.known && publisher.value.toLowerCase() === "microsoft.powershell" && type.value.toLowerCase() === "dsc";
}

/**
 * The public settings of a DSC extension as an object. When the whole value is not known before apply
 * but is a JSON text whose unknown parts sit inside string values (`"RegistrationUrl": "${azurerm_automation_account.a.dsc_server_endpoint}"`,
 * as a heredoc writes it), the object is read from the text: a field is then read only if its own value
 * resolves ({@link field} callers resolve each one). A settings value that is a variable or an expression
 * (jsonencode(...)) is no JSON text: nothing is read.
 */
function dscSettings(raw: unknown, resolved: unknown): Record<string, unknown> | undefined {
  const parse = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  const obj = parse(resolved ?? raw);
  return obj && typeof obj === "object" && !Array.isArray(obj) ? (obj as Record<string, unknown>) : undefined;
}

/** A field of a settings object, its key matched case-insensitively (the quickstart writes `ConfigurationFunction`, the schema `configurationFunction`). */
function field(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const k = key.toLowerCase();
  for (const [name, value] of Object.entries(obj)) if (name.toLowerCase() === k) return value;
  return undefined;
}

/** A configuration argument: a key of a map, or the Value of a `{Name, Value}` entry of a list (either form is in dsc-template). */
function argument(args: unknown, name: string): unknown {
  if (!Array.isArray(args)) return field(args, name);
  for (const a of args) {
    if (String(field(a, "name") ?? "").toLowerCase() === name.toLowerCase()) return field(a, "value");
    const direct = field(a, name);
    if (direct !== undefined) return direct;
  }
  return undefined;
}

/** Resources of a type by lower-cased resolved name (names not known before apply are left out: they cannot be matched). */
function byName(m: TerraformModel, type: string): Map<string, TfResource[]> {
  const out = new Map<string, TfResource[]>();
  for (const r of m.ofType(type)) {
    const name = m.resolveString(r.config.name);
    if (!name.known) continue;
    const k = name.value.toLowerCase();
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

interface DscNode {
  /** The literal node names of a `Node` block (none when the name is an expression such as $AllNodes.NodeName). */
  readonly names: readonly string[];
  readonly start: number;
  readonly end: number;
}

interface DscDeclared extends DscResource {
  readonly at: number;
}

/** Resource keywords read in a DSC configuration script: the Windows feature resources and ActiveDirectoryDsc's / xActiveDirectory's domain resources. */
const SCRIPT_BLOCK = /(?<![\w-])(Node|WindowsFeatureSet|WindowsFeature|xADDomainController|ADDomainController|xADDomain|ADDomain)\s+((?:@?\([^)]*\))|[^\s{]+)\s*\{/gi;
/** A MOF instance (`instance of MSFT_RoleResource as $MSFT_RoleResource1ref {`), typed by its `ResourceID = "[WindowsFeature]ADDSInstall"`. */
const MOF_INSTANCE = /\binstance of\s+(\w+)(?:\s+as\s+\$\w+)?\s*\{/gi;

/**
 * The DSC resources a document declares, and for a configuration script its `Node` blocks. A script is read
 * without its comments; blocks end at their matching brace.
 */
function parseDsc(text: string, kind: "mof" | "script"): { nodes: DscNode[]; resources: DscDeclared[] } {
  const nodes: DscNode[] = [];
  const resources: DscDeclared[] = [];
  if (kind === "mof") {
    for (const m of text.matchAll(MOF_INSTANCE)) {
      const open = m.index! + m[0].length - 1;
      const body = text.slice(open, blockEnd(text, open));
      const id = /\bResourceID\s*=\s*"\[([\w.-]+)\]/i.exec(body);
      const type = id ? id[1] : m[1].replace(/^MSFT_/i, "");
      resources.push({ type, features: nameValues(body), absent: isAbsent(body), at: m.index! });
    }
    return { nodes, resources };
  }
  const clean = text.replace(/<#[\s\S]*?#>/g, (c) => " ".repeat(c.length)).replace(/^\s*#.*$/gm, (c) => " ".repeat(c.length));
  for (const m of clean.matchAll(SCRIPT_BLOCK)) {
    const open = m.index! + m[0].length - 1;
    const end = blockEnd(clean, open);
    if (m[1].toLowerCase() === "node") {
      const names = [...m[2].matchAll(/'([^']*)'|"([^"]*)"|([^\s'"(),@]+)/g)].map((n) => n[1] ?? n[2] ?? n[3]).filter((n) => !n.startsWith("$"));
      nodes.push({ names: m[2].includes("$") ? [] : names, start: open, end });
    } else {
      const body = clean.slice(open, end);
      resources.push({ type: m[1], features: nameValues(body), absent: isAbsent(body), at: m.index! });
    }
  }
  return { nodes, resources };
}

/**
 * The resources that apply to `node`: in a script with `Node` blocks, those of the blocks that name it, or
 * of the only block when its name is an expression (the node's name then comes from configuration data
 * the checks do not see); in a MOF or a script without `Node` blocks, all of them.
 */
function forNode(parsed: { nodes: DscNode[]; resources: DscDeclared[] }, node: string | undefined): DscResource[] {
  if (parsed.nodes.length === 0) return parsed.resources;
  let blocks = node ? parsed.nodes.filter((n) => n.names.some((x) => x.toLowerCase() === node)) : [];
  if (blocks.length === 0 && parsed.nodes.length === 1 && parsed.nodes[0].names.length === 0) blocks = parsed.nodes;
  return parsed.resources.filter((r) => blocks.some((b) => r.at > b.start && r.at < b.end));
}

/** Where the block opened at `open` (a `{`) ends: after its matching brace, or at the end of the text. */
function blockEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The `Name` property of a resource block: `Name = "a"`, `Name = @("a", "b")` (WindowsFeatureSet), MOF `Name = "a";`. */
const NAME_VALUE = /(?:^|[\s;{])Name\s*=\s*(@?\([^)]*\)|\{[^}]*\}|"[^"]*"|'[^']*'|[^\s;]+)/i;

/** The values a resource block's `Name` holds, unquoted. */
function nameValues(body: string): string[] {
  const m = NAME_VALUE.exec(body);
  if (!m) return [];
  return [...m[1].matchAll(/'([^']*)'|"([^"]*)"|([^\s'"(),@{};]+)/g)].map((x) => x[1] ?? x[2] ?? x[3]);
}

/** `Ensure = "Absent"` (the resource removes what it names). */
function isAbsent(body: string): boolean {
  return /(?:^|[\s;{])Ensure\s*=\s*['"]?Absent\b/i.test(body);
}

/**
 * An extension's settings as an object: given as one, or a JSON text holding one; undefined for a text
 * that is not JSON, null for anything else.
 */
function settingsObject(settings: unknown): Record<string, unknown> | null | undefined {
  let v: unknown = settings;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
}

/** The script text of an extension's settings: commandToExecute / script, decoded when base64 (-EncodedCommand). */
function scriptText(settings: unknown): string {
  const o = settingsObject(settings);
  // Settings that are a text but no JSON are the command itself.
  if (o === undefined && typeof settings === "string") return decodeEncoded(settings);
  if (!o) return "";
  const commands = [o.commandToExecute, o.CommandToExecute].filter((x): x is string => typeof x === "string");
  const scripts = [o.script, o.Script].filter((x): x is string => typeof x === "string");
  return [...commands, ...scripts.map(withDecodedScript)].map(decodeEncoded).join("\n");
}

/** The most a `script` setting is decoded to: bounded, so a crafted gzip stream cannot exhaust memory. */
const MAX_DECODED_SCRIPT = 1024 * 1024;

/**
 * The Linux Custom Script Extension's `script` is "a base64 encoded (and optionally gzip'ed) script executed by /bin/sh"
 * (github.com/Azure/custom-script-extension-linux, README, Public Settings): read as written it says nothing, so the
 * decoded text is appended. A value that is not base64 of text (a script written in clear) is kept as is.
 */
function withDecodedScript(text: string): string {
  let bytes = base64Bytes(text, 8);
  if (!bytes) return text;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_DECODED_SCRIPT });
    } catch {
      return text;
    }
  }
  const decoded = bytes.subarray(0, MAX_DECODED_SCRIPT).toString("utf8");
  // Text only: a decoding that yields control characters or invalid UTF-8 was no base64 script.
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded) ? text : `${text}\n${decoded}`;
}

/** PowerShell `-EncodedCommand <base64 UTF-16LE>` decoded and appended; other text as is. */
function decodeEncoded(text: string): string {
  const m = /-(?:e|ec|encodedcommand)\s+([A-Za-z0-9+/=]{8,})/i.exec(text);
  if (!m) return text;
  try {
    return `${text}\n${Buffer.from(m[1], "base64").toString("utf16le")}`;
  } catch {
    return text;
  }
}
