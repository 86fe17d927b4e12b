import { smbServerOptionWrites, TRAITS } from "../../src/contract/setting-traits";

describe("SMB server options: Windows keeps the last value written", () => {
  const set = TRAITS.smbSigningRequired.applied!.set;
  const P = "RequireSecuritySignature";

  test.each([
    ["$true", "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force", true],
    ["-Name:$true", "Set-SmbServerConfiguration -RequireSecuritySignature:$true -Force", true],
    ["1 (PowerShell binds it to true)", "Set-SmbServerConfiguration -RequireSecuritySignature 1 -Force", true],
    ["$true then $false", "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force\nSet-SmbServerConfiguration -RequireSecuritySignature $false -Force", false],
    ["$false then $true in one line", "Set-SmbServerConfiguration -RequireSecuritySignature $false; Set-SmbServerConfiguration -EncryptData $true -RequireSecuritySignature $true", true],
    ["$true then a variable", "Set-SmbServerConfiguration -RequireSecuritySignature $true\nSet-SmbServerConfiguration -RequireSecuritySignature $sign", false],
    ["$true then splatted arguments", "Set-SmbServerConfiguration -RequireSecuritySignature $true\nSet-SmbServerConfiguration @p -Force", false],
    ["$true then another option only", "Set-SmbServerConfiguration -RequireSecuritySignature $true\nSet-SmbServerConfiguration -EncryptData $false", true],
  ])("%s: applied.set matches only a $true written last", (_what, script, applies) => {
    expect(set.test(script)).toBe(applies);
  });

  test("smbServerOptionWrites lists every write in script order, with literal values or why not", () => {
    const script = "Set-SmbServerConfiguration -RequireSecuritySignature $true -Force\nSet-SmbServerConfiguration -EncryptData $true\n"
      + "Set-SmbServerConfiguration `\n  -RequireSecuritySignature 0\nSet-SmbServerConfiguration -RequireSecuritySignature $sign\nSet-SmbServerConfiguration @p";
    expect(smbServerOptionWrites(script, P)).toEqual([
      { value: true }, { value: false },
      { unknown: "-RequireSecuritySignature $sign is not a literal $true or $false" },
      { unknown: "Set-SmbServerConfiguration @p passes arguments the checks do not read" },
    ]);
    expect(smbServerOptionWrites("Set-SmbServerConfiguration -RequireSecuritySignature $true\"", P)).toEqual([{ value: true }]);
  });
});
