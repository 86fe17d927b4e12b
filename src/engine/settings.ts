/**
 * Settings with their provenance. A setting Azure resources cannot express is recorded as an
 * `sdz-*` tag, and the tag alone proves nothing: the reports say, for each one, whether it is
 * - *applied*: a resource of this configuration sets it and reads it back (a script extension or
 *   run command on the VM; for Configuration Manager settings, a run command on the site server that
 *   names the server), or
 * - *audited*: Azure keeps checking it after apply (a Machine Configuration assignment of a package
 *   that checks it, on a VM with the managed identity and the guest configuration extension it needs), or
 * - *declared*: the user states it and nothing in this configuration makes it true.
 * Rules accept *applied* and *audited*; *declared* only where Azure cannot reach the setting
 * (Configuration Manager without a site server here, AMT firmware), and then say so.
 */
import { TerraformModel, TfResource } from "./model";
import { TagRead, TagSpec } from "../contract/tag";

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
  readonly text: string;
}

/** Settings of a configuration. Build once with {@link Settings.of}. */
export class Settings {
  public static of(model: TerraformModel): Settings {
    return model.memo("settings", () => new Settings(model));
  }

  /** Scripts that run on each VM (by VM address), and scripts whose text is not readable. */
  private readonly scripts = new Map<string, Script[]>();
  private readonly hiddenScripts = new Map<string, string[]>();
  private readonly allRunCommands: Script[] = [];
  private readonly assignments = new Map<string, { resource: TfResource; name: string }[]>();

  private constructor(private readonly model: TerraformModel) {
    const m = model;
    for (const ext of m.ofType("azurerm_virtual_machine_extension")) {
      const vm = m.referencedResource(ext.config.virtual_machine_id);
      if (!vm) continue;
      const texts: string[] = [];
      const settings = m.resolve(ext.config.settings);
      if (settings.known) texts.push(scriptText(settings.value));
      if (ext.config.protected_settings !== undefined) {
        this.hidden(vm.address, `${ext.address} keeps (part of) its script in protected_settings, which the checks do not read`);
      }
      if (!settings.known && ext.config.settings !== undefined) this.hidden(vm.address, `${ext.address} settings: ${settings.reason}`);
      if (texts.length > 0) this.add(vm.address, { resource: ext, text: texts.join("\n") });
    }
    for (const rc of m.ofType("azurerm_virtual_machine_run_command")) {
      const vm = m.referencedResource(rc.config.virtual_machine_id);
      const source = m.blocks(rc, "source")[0];
      const script = source ? m.resolveString(source.script) : undefined;
      if (!vm) continue;
      if (script?.known) {
        const s = { resource: rc, text: decodeEncoded(script.value) };
        this.add(vm.address, s);
        this.allRunCommands.push(s);
      } else if (source) this.hidden(vm.address, `${rc.address} source: ${script && !script.known ? script.reason : "a script URI or command ID the checks do not read"}`);
    }
    for (const a of m.ofType("azurerm_policy_virtual_machine_configuration_assignment")) {
      const vm = m.referencedResource(a.config.virtual_machine_id);
      const conf = m.blocks(a, "configuration")[0];
      const name = conf ? m.resolveString(conf.name) : undefined;
      if (vm && name?.known) this.assignments.set(vm.address, [...(this.assignments.get(vm.address) ?? []), { resource: a, name: name.value }]);
    }
  }

  /** Reads a setting from a VM (tags of the VM, then its NICs) with its provenance. */
  public read<T>(vm: TfResource, spec: TagSpec<T>, nics: readonly TfResource[] = []): SettingState<T> {
    let read = spec.read(this.model.tagBlock(vm));
    for (const nic of nics) if (read.state === "absent") read = spec.read(this.model.tagBlock(nic));
    if (read.state !== "known") return { read, evidence: "", acceptable: false };
    const traits = spec.setting;
    if (!traits) return { read, provenance: "declared", evidence: `${spec.key} on ${vm.address}`, acceptable: true };
    if (traits.kind === "firmware") {
      return { read, provenance: "declared", evidence: `${spec.key} on ${vm.address}: AMT firmware settings are declared; no Azure resource reaches firmware`, acceptable: true };
    }
    if (traits.kind === "windows") {
      const applied = this.appliedOn(vm.address, traits.applied);
      if (applied) return { read, provenance: "applied", evidence: applied, acceptable: true };
      const audited = this.auditedOn(vm, traits.auditedBy ?? []);
      if (audited.ok) return { read, provenance: "audited", evidence: audited.text, acceptable: true };
      const hidden = this.hiddenScripts.get(vm.address);
      return {
        read, provenance: "declared", acceptable: false, unknown: hidden?.join("; "),
        evidence: `${spec.key} on ${vm.address} is only declared: no extension or run command on the VM sets it and reads it back, and no Machine Configuration assignment audits it${audited.text ? ` (${audited.text})` : ""}`,
      };
    }
    // Configuration Manager: a run command on the site server that names this server applies it.
    const name = this.computerName(vm);
    const pattern = traits.applied;
    const applies = (s: Script) => !!pattern && !!name && s.text.toLowerCase().includes(name.toLowerCase())
      && pattern.set.test(s.text) && pattern.verify.test(s.text);
    const hit = this.allRunCommands.find(applies);
    if (hit) return { read, provenance: "applied", evidence: `run command ${hit.resource.address} sets it on the site server and reads it back`, acceptable: true };
    return { read, provenance: "declared", acceptable: true, evidence: `${spec.key} on ${vm.address} is declared: no run command on a site server of this configuration applies it (run the generated ConfigMgr script, or name the site server so the construct applies it)` };
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

  private appliedOn(vm: string, pattern: { set: RegExp; verify: RegExp } | undefined): string | undefined {
    if (!pattern) return undefined;
    const s = (this.scripts.get(vm) ?? []).find((x) => pattern.set.test(x.text) && pattern.verify.test(x.text));
    return s ? `${s.resource.address} sets it and reads it back` : undefined;
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

  private computerName(vm: TfResource): string | undefined {
    for (const f of ["computer_name", "name"]) {
      const r = this.model.resolveString(vm.config[f]);
      if (r.known && r.value.trim()) return r.value.trim();
    }
    return undefined;
  }

  private add(vm: string, s: Script): void {
    this.scripts.set(vm, [...(this.scripts.get(vm) ?? []), s]);
  }

  private hidden(vm: string, why: string): void {
    this.hiddenScripts.set(vm, [...(this.hiddenScripts.get(vm) ?? []), why]);
  }
}

/** The script text of an extension's settings: commandToExecute / script, decoded when base64 (-EncodedCommand). */
function scriptText(settings: unknown): string {
  let obj: unknown = settings;
  if (typeof settings === "string") {
    try {
      obj = JSON.parse(settings);
    } catch {
      return decodeEncoded(settings);
    }
  }
  if (!obj || typeof obj !== "object") return "";
  const o = obj as Record<string, unknown>;
  const parts = [o.commandToExecute, o.script, o.Script, o.CommandToExecute].filter((x): x is string => typeof x === "string");
  return parts.map(decodeEncoded).join("\n");
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
