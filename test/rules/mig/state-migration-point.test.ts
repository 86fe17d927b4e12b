import { BackupProtectedVm } from "@cdktf/provider-azurerm/lib/backup-protected-vm";
import { TerraformVariable } from "cdktf";
import { windowsVm } from "./fixtures";
import { RuleLevel } from "../../../src/engine/rule";
import { smpBackup, smpDeletesImmediately, smpSmbHardening } from "../../../src/rules/mig/state-migration-point";
import { stateStoreCapped } from "../../../src/rules/mig/store-protection";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const ROLE = { "sdz-role": "state-migration-point" };
const HARDENED = {
  "sdz-smb-signing-required": "true",
  "sdz-smb-encrypt-data": "true",
  "sdz-smb-reject-unencrypted": "true",
  "sdz-smb1-removed": "true",
};
const SETTINGS = { "sdz-smp-delete-after-hours": "168", "sdz-smp-max-clients": "100", "sdz-smp-quota-gib": "512" };

describe("SDZ-MIG-009 state migration point SMB hardening", () => {
  const RULES = [smpSmbHardening];
  test("a hand-written VM with the role tag and no hardening tags fails", () => {
    const f = failures(checkFixture((s) => windowsVm(s, ROLE), RULES), "SDZ-MIG-009");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_windows_virtual_machine.vm");
    expect(f[0].message).toMatch(/RequireSecuritySignature.*EncryptData.*RejectUnencryptedAccess.*SMB 1 removed/);
  });
  test("one hardening tag false fails and names it", () => {
    const f = failures(checkFixture((s) => windowsVm(s, { ...ROLE, ...HARDENED, "sdz-smb-encrypt-data": "false" }), RULES), "SDZ-MIG-009");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("sdz-smb-encrypt-data=false");
    expect(f[0].message).not.toContain("sdz-smb-signing-required");
  });
  test("all hardening tags true pass; VMs without the role are not judged", () => {
    expect(checkFixture((s) => windowsVm(s, { ...ROLE, ...HARDENED }), RULES).findings).toEqual([]);
    expect(checkFixture((s) => windowsVm(s, {}), RULES).findings).toEqual([]);
  });
  test("SMB 1 removal is the shared sdz-smb1-removed=true tag; the old sdz-smb1=removed form is not read", () => {
    const { "sdz-smb1-removed": _r, ...rest } = HARDENED;
    const f = failures(checkFixture((s) => windowsVm(s, { ...ROLE, ...rest, "sdz-smb1": "removed" }), RULES), "SDZ-MIG-009");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("SMB 1 removed");
    expect(f[0].message).toContain("sdz-smb1-removed");
    expect(smpSmbHardening.fix).toContain("sdz-smb1-removed");
  });
  test("a hardening tag from a variable is unverified", () => {
    const r = checkFixture((s) => windowsVm(s, { ...ROLE, ...HARDENED, "sdz-smb1-removed": new TerraformVariable(s, "t", { type: "string" }).stringValue }), RULES);
    expect(failures(r, "SDZ-MIG-009")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-009")[0].message).toContain("sdz-smb1-removed");
  });
});

describe("SDZ-MIG-012 deletion interval", () => {
  const RULES = [smpDeletesImmediately];
  const vm = (hours?: string) => checkFixture((s) => windowsVm(s, { ...ROLE, ...(hours !== undefined ? { "sdz-smp-delete-after-hours": hours } : {}) }), RULES);
  test("0 hours (delete immediately) fails", () => {
    expect(failures(vm("0"), "SDZ-MIG-012")[0].message).toMatch(/immediately/);
  });
  test("an undeclared interval fails", () => {
    expect(failures(vm(), "SDZ-MIG-012")[0].message).toMatch(/tag absent/);
  });
  test("under a day is a warning, a week passes", () => {
    const f = failures(vm("12"), "SDZ-MIG-012");
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(vm("168").findings).toEqual([]);
  });
  test("an interval from a variable is unverified", () => {
    const r = checkFixture((s) => windowsVm(s, { ...ROLE, "sdz-smp-delete-after-hours": new TerraformVariable(s, "h", { type: "string" }).stringValue }), RULES);
    expect(unverified(r, "SDZ-MIG-012")).toHaveLength(1);
  });
});

describe("SDZ-MIG-013 state migration point backup", () => {
  const RULES = [smpBackup];
  test("no backup fails", () => {
    expect(failures(checkFixture((s) => windowsVm(s, ROLE), RULES), "SDZ-MIG-013")).toHaveLength(1);
  });
  test("a protected VM passes", () => {
    expect(checkFixture((s) => {
      const v = windowsVm(s, ROLE);
      new BackupProtectedVm(s, "bk", { recoveryVaultName: "rsv", resourceGroupName: "rg", sourceVmId: v.id, backupPolicyId: "p" });
    }, RULES).findings).toEqual([]);
  });
  test("a protection of a VM given by a variable is unverified", () => {
    const r = checkFixture((s) => {
      windowsVm(s, ROLE);
      new BackupProtectedVm(s, "bk", { recoveryVaultName: "rsv", resourceGroupName: "rg", sourceVmId: new TerraformVariable(s, "id", { type: "string" }).stringValue, backupPolicyId: "p" });
    }, RULES);
    expect(failures(r, "SDZ-MIG-013")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-013")).toHaveLength(1);
  });
});

describe("SDZ-MIG-011 capped state store (state migration point)", () => {
  const RULES = [stateStoreCapped];
  test("a state migration point without client cap or store size fails", () => {
    const f = failures(checkFixture((s) => windowsVm(s, ROLE), RULES), "SDZ-MIG-011");
    expect(f.map((x) => x.message).join(" ")).toMatch(/client cap.*sized state store/);
  });
  test("a non-numeric cap fails; declared caps pass", () => {
    expect(failures(checkFixture((s) => windowsVm(s, { ...ROLE, ...SETTINGS, "sdz-smp-max-clients": "lots" }), RULES), "SDZ-MIG-011")).toHaveLength(1);
    expect(checkFixture((s) => windowsVm(s, { ...ROLE, ...SETTINGS }), RULES).findings).toEqual([]);
  });
});
