import { settingWrites, TRAITS, withoutComments, withoutPossibleComments } from "../../src/contract/setting-traits";

describe("SMB server options: the writes Windows keeps the last of", () => {
  const set = TRAITS.smbSigningRequired.applied!.set;

  // applied.set says a script writes $true; which write is last (in the script and across the VM's scripts) is Settings.lastWrite's
  // (test/engine/last-write.test.ts). It was a pattern with a lookahead for a later write: "$true then $false" and the others were false.
  test.each([
    ["$true", "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force", true],
    ["-Name:$true", "Set-SmbServerConfiguration -RequireSecuritySignature:$true -Force", true],
    ["1 (PowerShell binds it to true)", "Set-SmbServerConfiguration -RequireSecuritySignature 1 -Force", true],
    ["$true then $false", "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force\nSet-SmbServerConfiguration -RequireSecuritySignature $false -Force", true],
    ["$false then $true in one line", "Set-SmbServerConfiguration -RequireSecuritySignature $false; Set-SmbServerConfiguration -EncryptData $true -RequireSecuritySignature $true", true],
    ["$true then a variable", "Set-SmbServerConfiguration -RequireSecuritySignature $true\nSet-SmbServerConfiguration -RequireSecuritySignature $sign", true],
    ["$false only", "Set-SmbServerConfiguration -RequireSecuritySignature $false -Force", false],
    ["another option only", "Set-SmbServerConfiguration -EncryptData $true", false],
  ])("%s: applied.set matches a script that writes $true", (_what, script, matches) => {
    expect(set.test(script)).toBe(matches);
  });

  test("the writes of an option, in script order, with literal values or why not", () => {
    const script = "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force\nSet-SmbServerConfiguration -EncryptData $true\n"
      + "Set-SmbServerConfiguration `\n  -RequireSecuritySignature 0\nSet-SmbServerConfiguration -RequireSecuritySignature $sign\nSet-SmbServerConfiguration @p";
    expect(settingWrites(TRAITS.smbSigningRequired, script)!.map((w) => w.value ?? w.unknown)).toEqual([
      true, false,
      "-RequireSecuritySignature $sign is not a literal $true or $false",
      "Set-SmbServerConfiguration @p passes arguments the checks do not read",
    ]);
    expect(settingWrites(TRAITS.smbSigningRequired, "Set-SmbServerConfiguration -RequireSecuritySignature $true\"")!.map((w) => w.value)).toEqual([true]);
  });
});

describe("PowerShell comments are not code", () => {
  test.each([
    ["a line comment", "Set-X 1 # Set-X 0\nGet-X", "Set-X 1 \nGet-X"],
    ["a block comment, newlines kept", "a <# b\nc #> d", "a     \n     d"],
    ["# in single and double quotes", "Write-Host 'a # b'; Write-Host \"c # d\" # e", "Write-Host 'a # b'; Write-Host \"c # d\" "],
    ["# inside a word is no comment", "Write-Host a#b", "Write-Host a#b"],
    ["escaped quotes", "Write-Host \"a `\" # b\"; x # y", "Write-Host \"a `\" # b\"; x "],
    ["a here-string", "$s = @'\nit's # kept\n'@\nx # gone", "$s = @'\nit's # kept\n'@\nx "],
    ["powershell -Command \"...\" in a command line", "powershell -ExecutionPolicy Bypass -Command \"# off: Set-X 1\nWrite-Host \\\"#\\\"; Set-X 2 # two\"",
      "powershell -ExecutionPolicy Bypass -Command \"\nWrite-Host \"#\"; Set-X 2 \""],
  ])("%s", (_what, text, code) => {
    expect(withoutComments(text)).toBe(code);
  });

  test("withoutPossibleComments drops every # that starts a token, quoted or not", () => {
    expect(withoutPossibleComments("Write-Host 'a # b'; Set-X 0\nSet-X 1 <# c #> # d")).toBe(`Write-Host 'a \nSet-X 1${" ".repeat(9)}`);
  });
});

describe("settings whose written value the checks read", () => {
  test("registry values: the literal written, in script order; a removal or a variable is not known", () => {
    const t = TRAITS.restrictAnonymous;
    const k = "$k = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'; ";
    expect(settingWrites(t, `${k}Set-ItemProperty -Path $k -Name RestrictAnonymous -Value 0; New-ItemProperty -Path $k -Name RestrictAnonymousSAM -Value 1; reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa /v RestrictAnonymous /t REG_DWORD /d 0x1 /f`)!
      .map((w) => [w.value, w.text])).toEqual([[false, "RestrictAnonymous = 0"], [true, "RestrictAnonymous = 0x1"]]);
    expect(settingWrites(t, `${k}Set-ItemProperty $k -Name RestrictAnonymous -Value $v; Remove-ItemProperty $k -Name RestrictAnonymous`)!.map((w) => w.unknown))
      .toEqual(["it sets RestrictAnonymous to $v, not a literal number", "it removes RestrictAnonymous (Windows then uses its default)"]);
  });

  test("registry values: a write under another key is no write (elsewhere); one whose key is not known is a write of an unknown value", () => {
    const t = TRAITS.restrictAnonymous;
    const lsa = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa";
    expect(settingWrites(t, "Set-ItemProperty -Path 'HKCU:\\Software\\Lsa' -Name RestrictAnonymous -Value 1; reg add HKLM\\SOFTWARE\\Lsa /v RestrictAnonymous /d 1")!
      .map((w) => [w.value, w.elsewhere])).toEqual([
      [undefined, "under HKCU:\\Software\\Lsa, not HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa"],
      [undefined, "under HKLM\\SOFTWARE\\Lsa, not HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa"],
    ]);
    // Equivalent spellings of the key: the PowerShell drive, provider paths, reg.exe's hive names; any case, doubled or trailing backslashes.
    for (const path of ["'hklm:\\system\\currentcontrolset\\control\\lsa\\'", `"Registry::${lsa}"`, `Microsoft.PowerShell.Core\\Registry::${lsa}`, "'HKLM:\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Lsa'"]) {
      expect(settingWrites(t, `Set-ItemProperty -Path ${path} -Name RestrictAnonymous -Value 1`)!.map((w) => w.value)).toEqual([true]);
    }
    expect(settingWrites(t, `reg add "${lsa}" /v RestrictAnonymous /d 1`)!.map((w) => w.value)).toEqual([true]);
    // A drive path is not a reg.exe key, nor a reg.exe key a PowerShell path (it is a file path there).
    expect(settingWrites(t, "Set-ItemProperty -Path HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa -Name RestrictAnonymous -Value 1")!.map((w) => w.unknown))
      .toEqual([expect.stringMatching(/under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa, a path the checks do not read as a registry key/)]);
    expect(settingWrites(t, "Set-ItemProperty -Path $p -Name RestrictAnonymous -Value 1; $q = Join-Path HKLM:\\SYSTEM x; Set-ItemProperty -Path $q -Name RestrictAnonymous -Value 1")!.map((w) => w.unknown))
      .toEqual(["it writes RestrictAnonymous under $p, a key the checks cannot read ($p is not assigned in the script)",
        "it writes RestrictAnonymous under $q, a key the checks cannot read ($q is assigned an expression, not a literal)"]);
    // A variable's last assignment before each write counts (case-insensitive names), whatever comes after it.
    expect(settingWrites(t, "$p = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'; Set-ItemProperty -Path $p -Name RestrictAnonymous -Value 1; "
      + "$P = 'HKCU:\\Software'; Set-ItemProperty -Path $p -Name RestrictAnonymous -Value 1; $pp = 'x'")!.map((w) => w.value ?? w.elsewhere))
      .toEqual([true, "under HKCU:\\Software, not HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa"]);
  });

  test("SMB 1: removal, then adding it back", () => {
    expect(settingWrites(TRAITS.smb1Removed, "Uninstall-WindowsFeature FS-SMB1; Enable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol")!.map((w) => w.value)).toEqual([true, false]);
  });

  test("SMB 1 through DISM, the tool the *-WindowsOptionalFeature cmdlets wrap: removed, added back, applied when read back", () => {
    const dism = "dism /online /disable-feature /featurename:SMB1Protocol /norestart && dism.exe /Online /Enable-Feature /FeatureName:SMB1Protocol";
    expect(settingWrites(TRAITS.smb1Removed, dism)!.map((w) => w.value)).toEqual([true, false]);
    const removed = "dism /online /disable-feature /featurename:SMB1Protocol /norestart & dism /online /get-featureinfo /featurename:SMB1Protocol";
    expect([TRAITS.smb1Removed.applied!.set.test(removed), TRAITS.smb1Removed.applied!.verify.test(removed)]).toEqual([true, true]);
    // Another feature is not SMB 1.
    expect(settingWrites(TRAITS.smb1Removed, "dism /online /disable-feature /featurename:TelnetClient")).toEqual([]);
  });

  test("SMB 1: a value followed by the end of its statement is read without the `;` (was: not a literal, could not verify)", () => {
    expect(settingWrites(TRAITS.smb1Removed, "Set-SmbServerConfiguration -EnableSMB1Protocol $false; Get-SmbServerConfiguration")!.map((w) => w.value ?? w.unknown)).toEqual([true]);
    expect(settingWrites(TRAITS.smb1Removed, "Set-SmbServerConfiguration -EnableSMB1Protocol $true|Out-Null")!.map((w) => w.value ?? w.unknown)).toEqual([false]);
  });

  test("ConfigMgr: booleans, the PXE password, the delete interval in hours", () => {
    expect(settingWrites(TRAITS.pxeMulticast, "Set-CMDistributionPoint -SiteSystemServerName dp -EnableMulticast $true; Set-CMDistributionPoint -EnableMulticast:$false")!.map((w) => w.value)).toEqual([true, false]);
    expect(settingWrites(TRAITS.pxePassword, "Set-CMDistributionPoint -PxePassword (ConvertTo-SecureString -String $p -AsPlainText -Force)")!.map((w) => w.value)).toEqual([true]);
    expect(settingWrites(TRAITS.smpDeleteAfter, "Set-CMStateMigrationPoint -SiteSystemServerName s -TimeDeleteAfter 2 -TimeUnit Days; Set-CMStateMigrationPoint -TimeDeleteAfter 5")!
      .map((w) => w.value ?? w.unknown)).toEqual([48, "-TimeDeleteAfter 5 does not state its -TimeUnit"]);
    expect(settingWrites(TRAITS.enhancedHttp, "Set-CMSite -UseSmsGeneratedCert $true")!.map((w) => w.value)).toEqual(["enhanced-http"]);
    expect(settingWrites(TRAITS.smpMinFreeSpace, "-MinimumFreeSpace 5")).toBeUndefined();
  });
});
