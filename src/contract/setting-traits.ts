/**
 * What makes each kind of setting true, for the provenance the reports show (applied / audited /
 * declared). The PowerShell patterns say what a script must contain to *set* a value and to *read
 * it back*; the library's own scripts match them, and so do hand-written ones that use the same
 * cmdlets.
 */
import { SettingTraits } from "./tag";

/**
 * The name of the Machine Configuration (guest configuration) package that audits the Windows
 * hardening settings the constructs apply. An assignment of it to a VM makes those settings *audited*.
 */
export const HARDENING_GUEST_CONFIGURATION = "SdzWindowsHardening";

/** A registry value under HKLM set with Set-ItemProperty / New-ItemProperty / reg add, read back with Get-ItemProperty(Value) / reg query. */
function registryValue(name: string): SettingTraits {
  const n = `\\b${name}\\b`;
  return {
    kind: "windows",
    applied: {
      set: new RegExp(`(Set-ItemProperty|New-ItemProperty|reg(\\.exe)?\\s+add)[^\\n]*${n}`, "i"),
      verify: new RegExp(`(Get-ItemProperty(Value)?|Get-ItemPropertyValue|reg(\\.exe)?\\s+query)[^\\n]*${n}`, "i"),
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  };
}

/** The arguments of one cmdlet call: up to the end of its statement (a newline, `;` or `|`). */
const SMB_ARGS = "[^\\n;|]*?";

/**
 * An SMB server option set with Set-SmbServerConfiguration and read back with Get-SmbServerConfiguration.
 * Windows keeps the last value written, so `set` matches only a `$true` (or `1`) write that no later
 * Set-SmbServerConfiguration in the same script overrides (writing the option again, whatever the
 * value, or splatting arguments the checks cannot read). Across scripts, see {@link smbServerOptionWrites}.
 */
function smbServerOption(parameter: string): SettingTraits {
  const later = `(?![\\s\\S]*Set-SmbServerConfiguration${SMB_ARGS}(?:-${parameter}\\b|@))`;
  return {
    kind: "windows",
    applied: { set: new RegExp(`Set-SmbServerConfiguration${SMB_ARGS}-${parameter}(?:\\s*:\\s*|\\s+)(?:\\$true|1)\\b${later}`, "i"), verify: /Get-SmbServerConfiguration/i },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  };
}

/** One write of an SMB server option in a script: its value, or why it is not a literal. */
export interface SmbOptionWrite {
  /** The value written, when it is a literal (`$true`, `$false`, `1`, `0`). */
  readonly value?: boolean;
  /** Why the value is not known from the script (a variable, an expression, splatted arguments). */
  readonly unknown?: string;
}

/**
 * Every write of `-<parameter>` by Set-SmbServerConfiguration in a script, in script order (Windows
 * keeps the last one). A value that is not a literal, or arguments splatted from a variable (`@p`),
 * are writes of an unknown value. PowerShell binds `1`/`0` to a [bool] parameter as true/false;
 * `-Name:$value` is the same as `-Name $value`. A backtick at the end of a line continues the command.
 */
export function smbServerOptionWrites(script: string, parameter: string): SmbOptionWrite[] {
  const text = script.replace(/`\r?\n/g, " ");
  const out: SmbOptionWrite[] = [];
  const call = /Set-SmbServerConfiguration\b([^\n;|]*)/gi;
  const param = new RegExp(`-${parameter}\\b(?:\\s*:\\s*|\\s+)?(\\S*)`, "i");
  for (const m of text.matchAll(call)) {
    const args = m[1];
    const p = param.exec(args);
    if (p) {
      const raw = p[1].replace(/[)}"',]+$/, "");
      const v = /^\$true$/i.test(raw) || /^[1-9]\d*$/.test(raw) ? true : /^\$false$/i.test(raw) || /^0+$/.test(raw) ? false : undefined;
      out.push(v === undefined ? { unknown: `-${parameter} ${raw || "(no value)"} is not a literal $true or $false` } : { value: v });
    } else {
      const splat = /(?:^|\s)@(\w+)/.exec(args);
      if (splat) out.push({ unknown: `Set-SmbServerConfiguration @${splat[1]} passes arguments the checks do not read` });
    }
  }
  return out;
}

/** A Configuration Manager setting applied with a cmdlet on the site server and read back with its Get- twin. */
function configMgr(set: RegExp, verify: RegExp): SettingTraits {
  return { kind: "configmgr", applied: { set, verify } };
}

export const TRAITS = {
  restrictAnonymous: registryValue("RestrictAnonymous"),
  restrictAnonymousSam: registryValue("RestrictAnonymousSAM"),
  restrictNullSessionAccess: registryValue("RestrictNullSessAccess"),
  smbSigningRequired: smbServerOption("RequireSecuritySignature"),
  smbEncryptData: smbServerOption("EncryptData"),
  smbRejectUnencrypted: smbServerOption("RejectUnencryptedAccess"),
  smb1Removed: {
    kind: "windows",
    applied: {
      set: /(Remove|Uninstall)-WindowsFeature[^\n]*FS-SMB1|Disable-WindowsOptionalFeature[^\n]*SMB1Protocol|Set-SmbServerConfiguration[^\n]*-EnableSMB1Protocol\s+\$false/i,
      verify: /Get-WindowsFeature[^\n]*FS-SMB1|Get-WindowsOptionalFeature[^\n]*SMB1Protocol|Get-SmbServerConfiguration/i,
    },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  } as SettingTraits,
  kmsFirewallScope: {
    kind: "windows",
    applied: { set: /New-NetFirewallRule[^\n]*-LocalPort\s+1688[^\n]*-RemoteAddress|Set-NetFirewallRule[^\n]*-RemoteAddress/i, verify: /Get-NetFirewall(Rule|AddressFilter)/i },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  } as SettingTraits,
  kmsDnsPublishing: {
    kind: "windows",
    applied: { set: /(Set-ItemProperty|New-ItemProperty|reg(\.exe)?\s+add)[^\n]*DisableDnsPublishing|slmgr(\.vbs)?\s+\/[cd]dns/i, verify: /(Get-ItemProperty(Value)?|reg(\.exe)?\s+query)[^\n]*DisableDnsPublishing/i },
    auditedBy: [HARDENING_GUEST_CONFIGURATION],
  } as SettingTraits,
  pxePassword: configMgr(/Set-CMDistributionPoint[^\n]*-PxePassword/i, /Get-CMDistributionPoint/i),
  pxeUnknownComputers: configMgr(/Set-CMDistributionPoint[^\n]*-EnableUnknownComputerSupport/i, /Get-CMDistributionPoint/i),
  pxeMulticast: configMgr(/Set-CMDistributionPoint[^\n]*-EnableMulticast/i, /Get-CMDistributionPoint/i),
  pxeResponseInterfaces: configMgr(/Set-CMDistributionPoint[^\n]*-MacAddressForRespondingPxeRequest/i, /Get-CMDistributionPoint/i),
  enhancedHttp: configMgr(/Set-CMSite[^\n]*-UseSmsGeneratedCert\s+\$true/i, /Get-CMSite/i),
  smpDeleteAfter: configMgr(/Set-CMStateMigrationPoint[^\n]*-TimeDeleteAfter/i, /Get-CMStateMigrationPoint/i),
  smpRestoreOnly: configMgr(/Set-CMStateMigrationPoint[^\n]*-EnableRestoreOnlyMode/i, /Get-CMStateMigrationPoint/i),
  smpMaxClients: configMgr(/-MaximumClientNumber/i, /Get-CMStateMigrationPoint|Get-CMStorageFolder/i),
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
  pxeMulticastEncryption: configMgr(/Set-CMOperatingSystem(Image|Installer)[^\n]*-MulticastEncrypt\s+\$true/i, /Get-CMOperatingSystem(Image|Installer)/i),
};
