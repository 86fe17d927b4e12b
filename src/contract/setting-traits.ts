/**
 * What makes each kind of setting true, for the provenance the reports show (applied / audited /
 * declared). The PowerShell patterns say what a script must contain to *set* a value and to *read
 * it back*; the library's own scripts match them, and so do hand-written ones that use the same
 * cmdlets.
 */
import { InOrder, InOrderMatch, TextTest } from "./in-order";
import { SettingTraits } from "./tag";

/**
 * The name of the Machine Configuration (guest configuration) package that audits the Windows
 * hardening settings the constructs apply. An assignment of it to a VM makes those settings *audited*.
 */
export const HARDENING_GUEST_CONFIGURATION = "SdzWindowsHardening";

/**
 * PowerShell text without its comments: `# ...` to the end of the line and `<# ... #>` blocks, where
 * they start a token outside a string. PowerShell runs neither, so a command in a comment sets
 * nothing. Strings are followed as PowerShell reads them: `'...'` (`''` inside), `"..."` (a backtick
 * or `""` escapes a quote), here-strings `@'`/`@"` to a line starting with `'@`/`"@`; a backtick
 * escapes the next character. The argument of `powershell`/`pwsh ... -Command "..."` (how a Custom
 * Script Extension's commandToExecute runs PowerShell, `\"` quoting a quote) is PowerShell too.
 * An approximation (no full parser): where it may misread a string, {@link withoutPossibleComments}
 * gives the other reading and callers require both to agree before they claim a value is applied.
 */
export function withoutComments(text: string): string {
  let out = "";
  let i = 0;
  const n = text.length;
  // A comment starts a token: at the start, after white space or an operator character.
  const tokenStart = (at: number) => at === 0 || /[\s;|&(){},=]/.test(text[at - 1]);
  while (i < n) {
    const c = text[i];
    if (c === "`") {
      out += text.slice(i, i + 2);
      i += 2;
    } else if (c === "@" && (text[i + 1] === "'" || text[i + 1] === '"') && /^[ \t]*\r?\n/.test(text.slice(i + 2, i + 4))) {
      const close = new RegExp(`\\n${text[i + 1]}@`, "g");
      close.lastIndex = i + 2;
      const m = close.exec(text);
      const end = m ? m.index + 3 : n;
      out += text.slice(i, end);
      i = end;
    } else if (c === "'") {
      let j = i + 1;
      while (j < n && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"') {
      // The command text of powershell/pwsh -Command "...": PowerShell code, not a string.
      if (/\b(?:powershell|pwsh)(?:\.exe)?\b[^"\n]*\s-(?:c|command)\s+$/i.test(text.slice(Math.max(0, i - 200), i))) {
        let j = i + 1;
        while (j < n && !(text[j] === '"' && text[j - 1] !== "\\")) j++;
        out += `"${withoutComments(text.slice(i + 1, j).replace(/\\"/g, '"'))}"`;
        i = j + 1;
        continue;
      }
      let j = i + 1;
      while (j < n && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === "`" || text[j] === '"' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "<" && text[i + 1] === "#") {
      const end = text.indexOf("#>", i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === "#" && tokenStart(i)) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * PowerShell text without anything that may be a comment, whatever the quotes: every `<# ... #>` and
 * every `#` that starts a token, to the end of its line. What is left surely runs (if the script
 * does); with {@link withoutComments} it bounds what a script may do.
 */
export function withoutPossibleComments(text: string): string {
  return text.replace(/<#[\s\S]*?(?:#>|$)/g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|[\s;|&(){},="'])#[^\n]*/g, "$1");
}

/** One write of a setting by a script, in script order: its value in the tag's terms, or why it is not known. */
export interface SettingWrite {
  /** The value written, as the tag would record it. */
  readonly value?: unknown;
  /** Why the value written is not known (a variable, an expression, splatted arguments, a value removed). */
  readonly unknown?: string;
  /** What the script writes, as a reader would recognise it (`RestrictAnonymous = 0`, `-EnableMulticast $true`). */
  readonly text: string;
  /** The command that writes it. */
  readonly statement: string;
  /**
   * Set when the command writes the name somewhere Windows does not read the setting from (a registry value under
   * another key): where, as a reader would say it (`under HKCU:\Software\Lsa, not HKEY_LOCAL_MACHINE\...`). Such a
   * write is no write of the setting.
   */
  readonly elsewhere?: string;
}

/**
 * Settings whose written value the checks read: the writes of a script in script order, and the
 * value the library's hardening sets (what "applied" means when no tag states a value).
 */
export interface ValueTraits extends SettingTraits {
  readonly writes: (script: string) => SettingWrite[];
  readonly hardened?: unknown;
  /** Whether a script reads the setting back where Windows keeps it, or why that cannot be told; without it, `applied.verify`. */
  readonly readBack?: (script: string) => boolean | string;
}

/** The writes of a setting in a script, for settings whose value the checks read; undefined for the others. */
export function settingWrites(traits: SettingTraits | undefined, script: string): SettingWrite[] | undefined {
  const w = (traits as Partial<ValueTraits> | undefined)?.writes;
  return w ? w(script) : undefined;
}

/**
 * Whether a script reads a setting back: true, false, or why that cannot be told (a read-back from a registry key the
 * checks cannot read). Settings without a `readBack` reader use their `applied.verify` pattern.
 */
export function readsBack(traits: SettingTraits, script: string): boolean | string {
  const r = (traits as Partial<ValueTraits>).readBack;
  return r ? r(script) : traits.applied?.verify.test(script) ?? false;
}

/** The value the library's hardening writes for a Windows setting, when the checks read its value. */
export function hardenedValue(traits: SettingTraits | undefined): unknown {
  return (traits as Partial<ValueTraits> | undefined)?.hardened;
}

/** A script with backtick line continuations joined: one command per line. */
function joined(script: string): string {
  return script.replace(/`\r?\n/g, " ");
}

/** How a value literal reads: `$true`/`$false`, or an integer (PowerShell binds `1`/`0` to a [bool] parameter as true/false). */
function boolOf(raw: string): boolean | undefined {
  if (/^\$true$/i.test(raw) || /^[1-9]\d*$/.test(raw)) return true;
  if (/^\$false$/i.test(raw) || /^0+$/.test(raw)) return false;
  return undefined;
}

/**
 * Every write of `-<parameter>` by the cmdlets `cmdlet` (a regular expression) in a script, in script
 * order. `-Name:$value` is the same as `-Name $value`; arguments splatted from a variable (`@p`) may
 * hold the parameter: a write of an unknown value. `parse` maps the literal to the tag's value.
 */
function parameterWrites(script: string, cmdlet: string, parameter: string, parse: (raw: string) => unknown, literal: string): SettingWrite[] {
  const out: SettingWrite[] = [];
  const call = new RegExp(`\\b(?:${cmdlet})\\b([^\\n;|]*)`, "gi");
  const param = new RegExp(`-${parameter}\\b(?:\\s*:\\s*|\\s+)?(\\S*)`, "i");
  for (const m of joined(script).matchAll(call)) {
    const args = m[1];
    const p = param.exec(args);
    if (p) {
      const raw = p[1].replace(/[)}"',]+$/, "");
      const v = parse(raw);
      out.push(v === undefined
        ? { unknown: `-${parameter} ${raw || "(no value)"} is not a literal ${literal}`, text: `-${parameter} ${raw}`, statement: m[0] }
        : { value: v, text: `-${parameter} ${raw}`, statement: m[0] });
    } else {
      const splat = /(?:^|\s)@(\w+)/.exec(args);
      if (splat) out.push({ unknown: `${m[0].split(/\s/)[0]} @${splat[1]} passes arguments the checks do not read`, text: `@${splat[1]}`, statement: m[0] });
    }
  }
  return out;
}

/** One write a pattern found: where it starts, the statement text, and the value the pattern reads (a group), if any. */
interface WriteHit {
  readonly index: number;
  readonly statement: string;
  readonly input: string;
  readonly value?: string;
}

/**
 * Writes found by several patterns, in script order. A pattern's match is the statement: with
 * `wholeStatement`, to the end of the statement; otherwise to the end of its last term, whose first
 * group (if any) is the value written.
 */
function orderedWrites(script: string, patterns: readonly WritePattern[]): SettingWrite[] {
  const text = joined(script);
  const hits: { at: number; w: SettingWrite }[] = [];
  for (const p of patterns) {
    for (const m of p.find.matchAll(text, p.wholeStatement)) {
      const hit = writeHit(text, m, p.wholeStatement);
      hits.push({ at: m.index, w: { ...p.write(hit), statement: hit.statement } });
    }
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.w);
}

/** A pattern of {@link orderedWrites}: what it finds, and the write that makes. */
interface WritePattern {
  readonly find: InOrder;
  readonly wholeStatement?: boolean;
  readonly write: (m: WriteHit) => Omit<SettingWrite, "statement">;
}

function writeHit(input: string, m: InOrderMatch, wholeStatement?: boolean): WriteHit {
  const statement = input.slice(m.index, wholeStatement ? m.statementEnd : m.end);
  return { index: m.index, statement, input, value: m.terms[m.terms.length - 1][1] };
}

/** One PowerShell or reg.exe argument: a single- or double-quoted string, or a bare word (to a space, quote, parenthesis, `;` or `,`). */
const ARG = "'(?:[^']|'')*'|\"(?:[^\"`]|`.)*\"|[^\\s'\"();,]+";

/** Registry hives by the names reg.exe and the PowerShell Registry provider accept (learn.microsoft.com/windows-server/administration/windows-commands/reg-add). */
const HIVES: Record<string, string> = {
  HKLM: "HKEY_LOCAL_MACHINE", HKCU: "HKEY_CURRENT_USER", HKCR: "HKEY_CLASSES_ROOT", HKU: "HKEY_USERS", HKCC: "HKEY_CURRENT_CONFIG",
};
const HIVE_NAMES = Object.values(HIVES).join("|");

/**
 * The literal text of an argument: a quoted string as PowerShell reads it, a bare word, or a `$variable` through its last
 * assignment before `at` in the script, when that is a literal; anything else (an expression, `$env:`, interpolation) is
 * not known.
 */
/** An assigned value: one argument, then the end of the statement (read where the assignment's `=` ends). */
const ASSIGNED_VALUE = new RegExp(`(${ARG})[ \\t]*(?:[;\\r\\n}|]|$)`, "y");

/** Every `$name =` of the last script asked about, by lower-cased name (PowerShell variable names are case-insensitive). */
let assignments: { script: string; byName: Map<string, { index: number; end: number }[]> } | undefined;

/**
 * The last assignment of `$name` before `at` in the script (where it starts, where its `=` and blanks end). Found once per
 * script for every name, then by binary search, so a script of n registry writes through variables costs n log n, not
 * n x its length (a 1 MB script of such writes took a minute).
 */
function lastAssignment(script: string, name: string, at: number): { index: number; end: number } | undefined {
  if (assignments?.script !== script) {
    const byName = new Map<string, { index: number; end: number }[]>();
    for (const m of script.matchAll(/(?<![\w$:])\$(\w+)\s*=(?!=)[ \t]*/g)) {
      const key = m[1].toLowerCase();
      let list = byName.get(key);
      if (!list) byName.set(key, (list = []));
      list.push({ index: m.index!, end: m.index! + m[0].length });
    }
    assignments = { script, byName };
  }
  const list = assignments.byName.get(name.toLowerCase());
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].index < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}

function argValue(arg: string, script: string, at: number, follow = true): { value: string } | { unknown: string } {
  if (arg.startsWith("'")) return { value: arg.slice(1, -1).replace(/''/g, "'") };
  let text = arg;
  if (arg.startsWith('"')) {
    text = arg.slice(1, -1);
    if (!/^\$\w+$/.test(text)) return /[$`]/.test(text) ? { unknown: `${arg} is not a literal` } : { value: text };
  }
  const v = /^\$(\w+)$/.exec(text);
  if (v && follow) {
    const last = lastAssignment(script, v[1], at);
    if (!last) return { unknown: `$${v[1]} is not assigned in the script` };
    ASSIGNED_VALUE.lastIndex = last.end;
    const val = ASSIGNED_VALUE.exec(script);
    const r = val ? argValue(val[1], script, last.index, false) : undefined;
    if (r && "value" in r) return r;
    return { unknown: val ? `$${v[1]} = ${val[1]} is not a literal` : `$${v[1]} is assigned an expression, not a literal` };
  }
  if (/^[$@(]/.test(text)) return { unknown: `${arg} is not a literal` };
  return { value: text };
}

/**
 * The key a registry command names: reg.exe's first argument (`reg add <key> ...`); for a PowerShell cmdlet, -Path or
 * -LiteralPath (-PSPath), else its first positional argument. As `{ hive, key }` (the hive's full name, the subkey
 * without doubled or trailing backslashes: a command line's quoting may double them), or why it is not known. reg.exe
 * takes `HKLM\...` or `HKEY_LOCAL_MACHINE\...`; PowerShell its `HKLM:\`/`HKCU:\` drives or a provider path
 * `Registry::HKEY_LOCAL_MACHINE\...` (learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_registry_provider).
 */
function registryKeyOf(statement: string, script: string, at: number): { hive: string; key: string; text: string } | { unknown: string } {
  const reg = /^reg(?:\.exe)?\s/i.test(statement);
  const named = reg ? undefined : new RegExp(`\\s-(?:Path|LiteralPath|PSPath)(?:\\s*:\\s*|\\s+)(${ARG})?`, "i").exec(statement);
  const arg = reg ? new RegExp(`^reg(?:\\.exe)?\\s+\\w+\\s+(${ARG})`, "i").exec(statement)?.[1]
    : named ? named[1] : new RegExp(`^[\\w-]+\\s+(?!-)(${ARG})`).exec(statement)?.[1];
  if (!arg) return { unknown: "it names no registry key the checks read" };
  const v = argValue(arg, script, at);
  if ("unknown" in v) return { unknown: `under ${arg}, a key the checks cannot read (${v.unknown})` };
  const path = v.value.replace(/\\+/g, "\\");
  const m = reg
    ? new RegExp(`^(${Object.keys(HIVES).join("|")}|${HIVE_NAMES})(?:\\\\(.*))?$`, "i").exec(path)
    : new RegExp(`^(?:Microsoft\\.PowerShell\\.Core\\\\)?Registry::(${HIVE_NAMES})(?:\\\\(.*))?$`, "i").exec(path) ?? /^(HKLM|HKCU):\\(.*)$/i.exec(path);
  if (!m || path.includes("/")) return { unknown: `under ${arg}, ${path === arg ? "" : `${path}, `}a path the checks do not read as a registry key` };
  const hive = m[1].toUpperCase();
  return { hive: HIVES[hive] ?? hive, key: (m[2] ?? "").replace(/\\$/, ""), text: path };
}

/** Where a registry command writes or reads a value, against the key Windows reads it from (`HKEY_LOCAL_MACHINE\<key>`). */
function keyCheck(statement: string, script: string, at: number, key: string): { here: true } | { elsewhere: string } | { unknown: string } {
  const k = registryKeyOf(statement, script, at);
  if ("unknown" in k) return k;
  if (k.hive === "HKEY_LOCAL_MACHINE" && k.key.toLowerCase() === key.toLowerCase()) return { here: true };
  return { elsewhere: `under ${k.text}, not HKEY_LOCAL_MACHINE\\${key}` };
}

/**
 * A registry value under `HKEY_LOCAL_MACHINE\<key>` set with Set-ItemProperty / New-ItemProperty / reg add, read back
 * with Get-ItemProperty(Value) / reg query at that key. The value written decides: `value` maps the DWORD to the tag's
 * value; Remove-ItemProperty / reg delete leave Windows' default, which the checks do not assume. Windows reads the value
 * only there: a write or a read-back under another key is none (HKCU:\Software\Lsa sets nothing LSA reads).
 */

/** The commands that write a registry value, and those that read one. */
const REGISTRY_SET = /(Set-ItemProperty|New-ItemProperty|reg(\.exe)?\s+add)/i;
const REGISTRY_GET = /(Get-ItemProperty(Value)?|Get-ItemPropertyValue|reg(\.exe)?\s+query)/i;

function registryValue(name: string, key: string, value: (dword: number) => unknown = (d) => d !== 0, hardened: unknown = true): ValueTraits {
  const n = `\\b${name}\\b`;
  return {
    kind: "windows",
    applied: {
      set: InOrder.of([REGISTRY_SET, new RegExp(n, "i")]),
      verify: InOrder.of([REGISTRY_GET, new RegExp(n, "i")]),
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
    writes: (script) => registryWrites(script, name, value, key),
    readBack: (script) => registryReadBack(script, name, key),
    hardened,
  };
}

/**
 * Whether a script reads the registry value `name` back under `HKEY_LOCAL_MACHINE\<key>` (Get-ItemProperty,
 * Get-ItemPropertyValue, reg query): true when one read names that key, else why a read's key is not known, else false.
 */
function registryReadBack(script: string, name: string, key: string): boolean | string {
  const text = joined(script);
  let unknown: string | undefined;
  // A read may pipe the item on (`Get-ItemProperty -Path $k | Select-Object -ExpandProperty RestrictAnonymous`).
  // cmd's `&` / `&&` end a statement too (`reg add ... & reg query ...` on one line).
  const reads = InOrder.of([/\b(?:Get-ItemProperty(?:Value)?|reg(?:\.exe)?\s+query)\b/i, new RegExp(`\\b${name}\\b`, "i")], "\n;&");
  for (const m of reads.matchAll(text, true)) {
    const k = keyCheck(text.slice(m.index, m.statementEnd), text, m.index, key);
    if ("here" in k) return true;
    if ("unknown" in k) unknown ??= `it reads ${name} back ${k.unknown}`;
  }
  return unknown ?? false;
}

/**
 * Every write of the registry value `name` in a script, in script order: `-Value <n>` (Set-/New-ItemProperty)
 * or `/d <n>` (reg add), decimal or 0x hex; a value that is not a literal number is not known. With `key`, a write
 * under another key is `elsewhere`, and one whose key is not known is a write of an unknown value. `more`: other commands
 * that write the setting, ordered with the registry writes by where they stand in the script.
 */
function registryWrites(
  script: string, name: string, value: (dword: number) => unknown, key?: string,
  more: readonly WritePattern[] = [],
): SettingWrite[] {
  const n = `\\b${name}\\b`;
  const where = (m: WriteHit) => (key ? keyCheck(m.statement, m.input, m.index, key) : { here: true as const });
  // A statement ends at a newline, `;`, a pipe, or cmd's `&` / `&&` (`reg add ... & reg add ...` on one line).
  const statement = (command: RegExp) => InOrder.of([command, new RegExp(n, "i")], "\n;|&");
  return orderedWrites(script, [
    ...more,
    {
      find: statement(/\b(?:Set-ItemProperty|New-ItemProperty|reg(?:\.exe)?\s+add)\b/i),
      wholeStatement: true,
      write: (m) => {
        const raw = (/-Value\s*:?\s*(\S+)/i.exec(m.statement) ?? /\/d\s+(\S+)/i.exec(m.statement))?.[1]?.replace(/^['"]|['")]+$/g, "");
        const num = raw !== undefined && /^(?:\d+|0x[0-9a-f]+)$/i.test(raw) ? Number(raw) : undefined;
        const text = `${name} = ${raw ?? "?"}`;
        const k = where(m);
        if ("elsewhere" in k) return { elsewhere: k.elsewhere, text };
        if ("unknown" in k) return { unknown: `it writes ${name} ${k.unknown}`, text };
        return num === undefined
          ? { unknown: `it sets ${name} to ${raw ?? "a value the checks do not read"}, not a literal number`, text }
          : { value: value(num), text: `${name} = ${raw}` };
      },
    },
    {
      find: statement(/\b(?:Remove-ItemProperty|reg(?:\.exe)?\s+delete)\b/i),
      wholeStatement: true,
      write: (m) => {
        const k = where(m);
        if ("elsewhere" in k) return { elsewhere: k.elsewhere, text: `${name} removed` };
        if ("unknown" in k) return { unknown: `it removes ${name} ${k.unknown}`, text: `${name} removed` };
        return { unknown: `it removes ${name} (Windows then uses its default)`, text: `${name} removed` };
      },
    },
  ]);
}

/** The end of a PowerShell statement: a newline, `;` or `|`. */
const PS_STATEMENT = "\n;|";

/**
 * An SMB server option set with Set-SmbServerConfiguration and read back with Get-SmbServerConfiguration.
 * `set` matches a script that writes `$true` (or `1`); which write Windows keeps, within a script and
 * across the scripts of a VM, is the settings model's to say (`Settings.lastWrite`, from `writes`).
 */
function smbServerOption(parameter: string): ValueTraits {
  return {
    kind: "windows",
    applied: {
      set: InOrder.of([/Set-SmbServerConfiguration/i, new RegExp(`-${parameter}(?:\\s*:\\s*|\\s+)(?:\\$true|1)\\b`, "i")], PS_STATEMENT),
      verify: /Get-SmbServerConfiguration/i,
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
    writes: (script) => parameterWrites(script, "Set-SmbServerConfiguration", parameter, boolOf, "$true or $false"),
    hardened: true,
  };
}

/** `dism /Online /Disable-Feature /FeatureName:SMB1Protocol` (or /Enable-Feature, or /Get-FeatureInfo to read it). */
function dismFeature(verb: "disable" | "enable" | "get"): InOrder {
  return InOrder.of([/\bdism(?:\.exe)?\b/i, new RegExp(`[/-]${verb === "get" ? "get-featureinfo" : `${verb}-feature`}\\b`, "i"), /[/-]featurename:SMB1Protocol\b/i], "\n;&|");
}

/**
 * SMB 1 removed: the FS-SMB1 feature removed or the SMB1Protocol optional feature disabled (or
 * Set-SmbServerConfiguration -EnableSMB1Protocol $false); adding it back or enabling it again, written
 * later, undoes that.
 */
function smb1Writes(script: string): SettingWrite[] {
  return orderedWrites(script, [
    { find: InOrder.of([/\b(?:Remove|Uninstall)-WindowsFeature\b/i, /FS-SMB1\b/i], PS_STATEMENT), write: (m) => ({ value: true, text: m.statement.trim() }) },
    { find: InOrder.of([/\bDisable-WindowsOptionalFeature\b/i, /SMB1Protocol\b/i], PS_STATEMENT), write: (m) => ({ value: true, text: m.statement.trim() }) },
    { find: InOrder.of([/\b(?:Install|Add)-WindowsFeature\b/i, /FS-SMB1\b/i], PS_STATEMENT), write: (m) => ({ value: false, text: m.statement.trim() }) },
    { find: InOrder.of([/\bEnable-WindowsOptionalFeature\b/i, /SMB1Protocol\b/i], PS_STATEMENT), write: (m) => ({ value: false, text: m.statement.trim() }) },
    // DISM, which the *-WindowsOptionalFeature cmdlets wrap, with the same feature name (a cmd line: `&`, `&&` end it too).
    { find: dismFeature("disable"), write: (m) => ({ value: true, text: m.statement.trim() }) },
    { find: dismFeature("enable"), write: (m) => ({ value: false, text: m.statement.trim() }) },
    {
      // The value ends at a space or the end of the statement.
      find: InOrder.of([/\bSet-SmbServerConfiguration\b/i, /-EnableSMB1Protocol\b(?:\s*:\s*|\s+)?([^\s;|]*)/i], PS_STATEMENT),
      write: (m) => {
        const raw = (m.value ?? "").replace(/[)}"',]+$/, "");
        const b = boolOf(raw);
        return b === undefined ? { unknown: `-EnableSMB1Protocol ${raw || "(no value)"} is not a literal $true or $false`, text: `-EnableSMB1Protocol ${raw}` } : { value: !b, text: `-EnableSMB1Protocol ${raw}` };
      },
    },
  ]);
}

/**
 * Where the Software Protection Platform reads DisableDnsPublishing (under HKEY_LOCAL_MACHINE): "Registry subkey:
 * HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform ... DisableDnsPublishing, REG_DWORD:
 * Set this to a non-zero value to block auto-publishing to DNS by the KMS host" (Registry Settings for Volume Activation,
 * learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/dn502532(v=ws.11); the same table in
 * technet.microsoft.com/library/ff793431). Written under another key, it blocks nothing.
 */
const SPP_KEY = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform";

/**
 * KMS DNS publishing: DisableDnsPublishing = non-zero (or `slmgr /cdns`) disables it; 0 (or `slmgr /sdns`) enables it, in
 * script order (one pass over the script, so a registry write repeated after an slmgr call is still the later one). The
 * registry value counts only under {@link SPP_KEY}.
 */
function dnsPublishingWrites(script: string): SettingWrite[] {
  return registryWrites(script, "DisableDnsPublishing", (d) => (d !== 0 ? "disabled" : "enabled"), SPP_KEY, [
    { find: InOrder.of([/\bslmgr(?:\.vbs)?\s+[/-]([cs])dns\b/i]), write: (m) => ({ value: m.value?.toLowerCase() === "c" ? "disabled" : "enabled", text: m.statement }) },
  ]);
}

/**
 * A Configuration Manager setting applied with a cmdlet on the site server and read back with its Get- twin;
 * `writes` reads the value each write sets, in the tag's terms.
 */
function configMgr(set: TextTest, verify: TextTest, writes?: (script: string) => SettingWrite[]): SettingTraits {
  return writes ? ({ kind: "configmgr", applied: { set, verify }, writes } as ValueTraits) : { kind: "configmgr", applied: { set, verify } };
}

/** A [bool] parameter of a ConfigMgr cmdlet, read as the tag's boolean (or mapped by `value`). */
function cmBool(cmdlet: string, parameter: string, value: (b: boolean) => unknown = (b) => b): (script: string) => SettingWrite[] {
  return (script) => parameterWrites(script, cmdlet, parameter, (raw) => {
    const b = boolOf(raw);
    return b === undefined ? undefined : value(b);
  }, "$true or $false");
}

/** A positive integer parameter of a ConfigMgr cmdlet. */
function cmNumber(cmdlet: string, parameter: string): (script: string) => SettingWrite[] {
  return (script) => parameterWrites(script, cmdlet, parameter, (raw) => (/^\d{1,9}$/.test(raw) ? Number(raw) : undefined), "number");
}

/**
 * The hours a state migration point keeps restored state, as (Add|Set)-CMStateMigrationPoint sets it:
 * `-DeleteImmediately` (0), or `-TimeDeleteAfter <n> -TimeUnit Days|Hours`; without -TimeUnit the unit
 * is not stated, so the hours are not known.
 */
function smpDeleteAfterWrites(script: string): SettingWrite[] {
  const out: SettingWrite[] = [];
  for (const m of joined(script).matchAll(/\b(?:Add|Set)-CMStateMigrationPoint\b[^\n;|]*/gi)) {
    const line = m[0];
    if (/-DeleteImmediately\b(?!\s*:\s*\$false)/i.test(line)) out.push({ value: 0, text: "-DeleteImmediately", statement: line });
    const after = /-TimeDeleteAfter\b(?:\s*:\s*|\s+)(\S*)/i.exec(line);
    if (!after) continue;
    const unit = /-TimeUnit\s+['"]?(Days|Hours)\b/i.exec(line);
    const text = `${after[0]}${unit ? ` ${unit[0]}` : ""}`;
    if (!/^\d{1,6}$/.test(after[1])) out.push({ unknown: `-TimeDeleteAfter ${after[1] || "(no value)"} is not a literal number`, text, statement: line });
    else if (!unit) out.push({ unknown: `${after[0]} does not state its -TimeUnit`, text, statement: line });
    else out.push({ value: Number(after[1]) * (unit[1].toLowerCase() === "days" ? 24 : 1), text, statement: line });
  }
  return out;
}

const SET_DP = "Set-CMDistributionPoint";

/**
 * Where Windows reads the anonymous-access values (under HKEY_LOCAL_MACHINE): RestrictAnonymous and RestrictAnonymousSAM
 * under `SYSTEM\CurrentControlSet\Control\Lsa` ("HKEY_LOCAL_MACHINE\System\CurrentControlSet\Control\Lsa\RestrictAnonymous = 1",
 * learn.microsoft.com/windows/win32/netmgmt/requirements-for-network-management-functions-on-servers-and-workstations;
 * RestrictAnonymousSAM, "Network access: Do not allow anonymous enumeration of SAM accounts", the same key: DISA STIG
 * V-253453), RestrictNullSessAccess under `SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`
 * (learn.microsoft.com/windows/security/threat-protection/security-policy-settings/network-access-restrict-anonymous-access-to-named-pipes-and-shares;
 * technet.microsoft.com/library/cc957461). Registry keys are case-insensitive.
 */
const LSA_KEY = "SYSTEM\\CurrentControlSet\\Control\\Lsa";
const LANMAN_SERVER_KEY = "SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters";

export const TRAITS = {
  restrictAnonymous: registryValue("RestrictAnonymous", LSA_KEY),
  restrictAnonymousSam: registryValue("RestrictAnonymousSAM", LSA_KEY),
  restrictNullSessionAccess: registryValue("RestrictNullSessAccess", LANMAN_SERVER_KEY),
  smbSigningRequired: smbServerOption("RequireSecuritySignature"),
  smbEncryptData: smbServerOption("EncryptData"),
  smbRejectUnencrypted: smbServerOption("RejectUnencryptedAccess"),
  smb1Removed: {
    kind: "windows",
    writes: smb1Writes,
    hardened: true,
    applied: {
      set: InOrder.anyOf(
        InOrder.onOneLine(/(Remove|Uninstall)-WindowsFeature/i, /FS-SMB1/i),
        InOrder.onOneLine(/Disable-WindowsOptionalFeature/i, /SMB1Protocol/i),
        dismFeature("disable"),
        InOrder.onOneLine(/Set-SmbServerConfiguration/i, /-EnableSMB1Protocol\s+\$false/i),
      ),
      verify: InOrder.anyOf(
        InOrder.onOneLine(/Get-WindowsFeature/i, /FS-SMB1/i), InOrder.onOneLine(/Get-WindowsOptionalFeature/i, /SMB1Protocol/i), dismFeature("get"), /Get-SmbServerConfiguration/i,
      ),
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  } as ValueTraits,
  kmsFirewallScope: {
    kind: "windows",
    applied: {
      set: InOrder.anyOf(InOrder.onOneLine(/New-NetFirewallRule/i, /-LocalPort\s+1688/i, /-RemoteAddress/i), InOrder.onOneLine(/Set-NetFirewallRule/i, /-RemoteAddress/i)),
      verify: /Get-NetFirewall(Rule|AddressFilter)/i,
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  } as SettingTraits,
  kmsDnsPublishing: {
    kind: "windows",
    applied: {
      set: InOrder.anyOf(InOrder.onOneLine(REGISTRY_SET, /DisableDnsPublishing/i), /slmgr(\.vbs)?\s+\/[cd]dns/i),
      verify: InOrder.onOneLine(/(Get-ItemProperty(Value)?|reg(\.exe)?\s+query)/i, /DisableDnsPublishing/i),
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
    writes: dnsPublishingWrites,
    // slmgr has no read-back the checks read: the value is read back from the registry, under the key SPP reads.
    readBack: (script) => registryReadBack(script, "DisableDnsPublishing", SPP_KEY),
    hardened: "disabled",
  } as ValueTraits,
  // A password given (any value but $null or an empty string) is a password required.
  pxePassword: configMgr(InOrder.onOneLine(/Set-CMDistributionPoint/i, /-PxePassword/i), /Get-CMDistributionPoint/i,
    (script) => parameterWrites(script, SET_DP, "PxePassword", (raw) => (raw && !/^(\$null|''|"")$/i.test(raw) ? true : undefined), "password")),
  pxeUnknownComputers: configMgr(InOrder.onOneLine(/Set-CMDistributionPoint/i, /-EnableUnknownComputerSupport/i), /Get-CMDistributionPoint/i, cmBool(SET_DP, "EnableUnknownComputerSupport")),
  pxeMulticast: configMgr(InOrder.onOneLine(/Set-CMDistributionPoint/i, /-EnableMulticast/i), /Get-CMDistributionPoint/i, cmBool(SET_DP, "EnableMulticast")),
  // Answering only on the listed MAC addresses is not answering on every interface.
  pxeResponseInterfaces: configMgr(InOrder.onOneLine(/Set-CMDistributionPoint/i, /-MacAddressForRespondingPxeRequest/i), /Get-CMDistributionPoint/i,
    (script) => parameterWrites(script, SET_DP, "MacAddressForRespondingPxeRequest", (raw) => (raw && !/^(\$null|@\(\s*)$/i.test(raw) ? false : undefined), "address list")),
  // -UseSmsGeneratedCert $false turns Enhanced HTTP off without saying which transport the site then uses.
  enhancedHttp: configMgr(InOrder.onOneLine(/Set-CMSite/i, /-UseSmsGeneratedCert\s+\$true/i), /Get-CMSite/i, (script) => cmBool("Set-CMSite", "UseSmsGeneratedCert")(script)
    .map((w) => (w.value === false ? { unknown: "-UseSmsGeneratedCert $false turns Enhanced HTTP off", text: w.text, statement: w.statement } : w.value === true ? { ...w, value: "enhanced-http" } : w))),
  smpDeleteAfter: configMgr(InOrder.onOneLine(/Set-CMStateMigrationPoint/i, /-TimeDeleteAfter/i), /Get-CMStateMigrationPoint/i, smpDeleteAfterWrites),
  smpRestoreOnly: configMgr(InOrder.onOneLine(/Set-CMStateMigrationPoint/i, /-EnableRestoreOnlyMode/i), /Get-CMStateMigrationPoint/i, cmBool("(?:Add|Set)-CMStateMigrationPoint", "EnableRestoreOnlyMode")),
  smpMaxClients: configMgr(/-MaximumClientNumber/i, /Get-CMStateMigrationPoint|Get-CMStorageFolder/i, cmNumber("[\\w-]+", "MaximumClientNumber")),
  // The free-space floor takes a unit from another parameter: its value is not read (a set command that reads it back makes it applied).
  smpMinFreeSpace: configMgr(/-MinimumFreeSpace/i, /Get-CMStateMigrationPoint|Get-CMStorageFolder/i),
  /** A Configuration Manager site setting the checks know no cmdlet for: always declared, accepted. */
  configMgrOnly: { kind: "configmgr" } as SettingTraits,
  /** AMT firmware (MEBx): no Azure resource reaches it. */
  firmware: { kind: "firmware" } as SettingTraits,
  /**
   * Multicast encryption of the OS deployment packages a distribution point serves (R-PXE-7): a
   * package property, set with `Set-CMOperatingSystemImage -MulticastEncrypt $true` (or
   * `Set-CMOperatingSystemInstaller`) and read back with the Get- twin
   * (learn.microsoft.com/powershell/module/configurationmanager/set-cmoperatingsystemimage, -MulticastEncrypt).
   */
  pxeMulticastEncryption: configMgr(InOrder.onOneLine(/Set-CMOperatingSystem(Image|Installer)/i, /-MulticastEncrypt\s+\$true/i), /Get-CMOperatingSystem(Image|Installer)/i,
    cmBool("Set-CMOperatingSystem(?:Image|Installer)", "MulticastEncrypt")),
};
