import { SERVICE_PORTS } from "../network/service-ports";

const KMS_PORT = SERVICE_PORTS.KMS.from;

/** Inputs of the KMS host hardening script. @internal */
export interface KmsHardeningOptions {
  /** CIDRs allowed to reach TCP 1688 (already validated). */
  readonly allowedPrefixes: string[];
  /** The address that serves activation (already validated). */
  readonly localAddress: string;
  /** Publish the `_vlmcs._tcp` SRV record to the domain DNS. */
  readonly dnsPublishing: boolean;
}

function psQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The PowerShell part run on the KMS host (one part of the server's one settings script) (seed 003 mitigations): Windows Firewall scoped to the
 * allowlist, no anonymous enumeration or null sessions, SMB 1 removed, DNS publishing of the SRV
 * record off unless asked. @internal
 */
export function kmsHardeningScript(o: KmsHardeningOptions): string {
  const allow = o.allowedPrefixes.map(psQuote).join(", ");
  const dnsValue = o.dnsPublishing ? 0 : 1;
  return [
    "# KMS host hardening (seed 003; R-KMS-2, R-KMS-4, R-KMS-5, R-KMS-6): each setting is set, then read back",
    "# KMS (TCP 1688) only from the allowlist, only on the activation address",
    `$allow = @(${allow})`,
    "Get-NetFirewallRule -ErrorAction SilentlyContinue | Where-Object { $_.DisplayGroup -eq 'Key Management Service' } | Disable-NetFirewallRule",
    "Remove-NetFirewallRule -Name 'SDZ-KMS-1688' -ErrorAction SilentlyContinue",
    `New-NetFirewallRule -Name 'SDZ-KMS-1688' -DisplayName 'KMS activation (TCP ${KMS_PORT}) from the allowlist' -Direction Inbound -Protocol TCP -LocalPort ${KMS_PORT} -LocalAddress ${psQuote(o.localAddress)} -RemoteAddress $allow -Action Allow -Profile Any | Out-Null`,
    "$f = Get-NetFirewallRule -Name 'SDZ-KMS-1688' | Get-NetFirewallAddressFilter",
    "if (@($f.RemoteAddress) -contains 'Any' -or @($f.RemoteAddress).Count -ne $allow.Count) { throw 'KMS firewall rule is not scoped to the allowlist' }",
    "# No anonymous enumeration of accounts and shares, no null sessions",
    "$lsa = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'",
    "$lanman = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanManServer\\Parameters'",
    "Set-ItemProperty -Path $lsa -Name 'RestrictAnonymous' -Value 1 -Type DWord",
    "Set-ItemProperty -Path $lsa -Name 'RestrictAnonymousSAM' -Value 1 -Type DWord",
    "Set-ItemProperty -Path $lsa -Name 'EveryoneIncludesAnonymous' -Value 0 -Type DWord",
    "Set-ItemProperty -Path $lanman -Name 'RestrictNullSessAccess' -Value 1 -Type DWord",
    "Set-ItemProperty -Path $lanman -Name 'NullSessionPipes' -Value ([string[]]@()) -Type MultiString",
    "Set-ItemProperty -Path $lanman -Name 'NullSessionShares' -Value ([string[]]@()) -Type MultiString",
    "if ((Get-ItemPropertyValue -Path $lsa -Name 'RestrictAnonymous') -ne 1) { throw 'RestrictAnonymous did not apply' }",
    "if ((Get-ItemPropertyValue -Path $lsa -Name 'RestrictAnonymousSAM') -ne 1) { throw 'RestrictAnonymousSAM did not apply' }",
    "if ((Get-ItemPropertyValue -Path $lanman -Name 'RestrictNullSessAccess') -ne 1) { throw 'RestrictNullSessAccess did not apply' }",
    "# SMB 1 removed",
    "Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force",
    "if ((Get-WindowsFeature -Name FS-SMB1).Installed) { Uninstall-WindowsFeature -Name FS-SMB1 | Out-Null }",
    "if ((Get-SmbServerConfiguration).EnableSMB1Protocol -or (Get-WindowsFeature -Name FS-SMB1).InstallState -eq 'Installed') { throw 'SMB 1 is still present' }",
    o.dnsPublishing
      ? "# KMS publishes its _vlmcs._tcp SRV record to the domain DNS (asked for explicitly)"
      : "# KMS does not publish its _vlmcs._tcp SRV record: clients use the fixed address (slmgr /skms <ip>:1688)",
    // The key the Software Protection Platform reads DisableDnsPublishing from (Registry Settings for Volume Activation,
    // learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/dn502532(v=ws.11)); the settings model checks it.
    "$spp = 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform'",
    `Set-ItemProperty -Path $spp -Name 'DisableDnsPublishing' -Value ${dnsValue} -Type DWord`,
    `if ((Get-ItemPropertyValue -Path $spp -Name 'DisableDnsPublishing') -ne ${dnsValue}) { throw 'DisableDnsPublishing did not apply' }`,
    "Restart-Service -Name sppsvc -ErrorAction SilentlyContinue",
  ].join("\n");
}
