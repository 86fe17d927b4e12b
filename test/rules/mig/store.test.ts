import { BackupProtectedFileShare } from "@cdktf/provider-azurerm/lib/backup-protected-file-share";
import { StorageAccountNetworkRulesA } from "@cdktf/provider-azurerm/lib/storage-account-network-rules";
import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { TerraformVariable } from "cdktf";
import { backupShare, secureAccount, share, SECURE_SMB } from "./fixtures";
import { RuleLevel } from "../../../src/engine/rule";
import { publicStateStore, sharedKeyAccess } from "../../../src/rules/mig/storage-privacy";
import { shareRetention, stateShareBackup, stateStoreCapped, stateStoreDestroyProtection } from "../../../src/rules/mig/store-protection";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const STATE = "state-migration-store";

describe("SDZ-MIG-005 public state store", () => {
  const RULES = [publicStateStore];
  test("a private state migration account passes", () => {
    expect(checkFixture((s) => share(s, secureAccount(s, STATE)), RULES).findings).toEqual([]);
  });

  test("public network access left at its default fails at error level", () => {
    const f = failures(checkFixture((s) => share(s, secureAccount(s, STATE, { publicNetworkAccessEnabled: undefined })), RULES), "SDZ-MIG-005");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.ERROR);
    expect(f[0].message).toMatch(/public network access on \(public_network_access_enabled unset/);
  });

  test("network rules absent or defaulting to Allow fail", () => {
    expect(failures(checkFixture((s) => share(s, secureAccount(s, STATE, { networkRules: undefined })), RULES), "SDZ-MIG-005")[0].message).toMatch(/no network rules/);
    expect(failures(checkFixture((s) => share(s, secureAccount(s, STATE, { networkRules: { defaultAction: "Allow" } })), RULES), "SDZ-MIG-005")[0].message).toMatch(/default to Allow/);
  });

  test("standalone azurerm_storage_account_network_rules are honoured", () => {
    const build = (action: string) => checkFixture((s) => {
      const a = secureAccount(s, STATE, { networkRules: undefined });
      new StorageAccountNetworkRulesA(s, "rules", { storageAccountId: a.id, defaultAction: action });
    }, RULES);
    expect(build("Deny").findings).toEqual([]);
    const f = failures(build("Allow"), "SDZ-MIG-005");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_storage_account_network_rules.rules");
  });

  test("public nested items fail", () => {
    expect(failures(checkFixture((s) => secureAccount(s, STATE, { allowNestedItemsToBePublic: true }), RULES), "SDZ-MIG-005")[0].message).toMatch(/anonymous/);
  });

  test("a deployment content account gets warnings; an untagged account is not judged", () => {
    const f = failures(checkFixture((s) => secureAccount(s, "deployment-content", { publicNetworkAccessEnabled: true }), RULES), "SDZ-MIG-005");
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(checkFixture((s) => secureAccount(s, undefined, { publicNetworkAccessEnabled: true }), RULES).findings).toEqual([]);
  });

  test("public network access from a variable is unverified", () => {
    const r = checkFixture((s) => secureAccount(s, STATE, { publicNetworkAccessEnabled: new TerraformVariable(s, "pna", { type: "bool" }).booleanValue }), RULES);
    expect(failures(r, "SDZ-MIG-005")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-005")).toHaveLength(1);
  });
});

describe("SDZ-MIG-008 shared key access", () => {
  const RULES = [sharedKeyAccess];
  test("shared key unset (default on) is a warning on any account", () => {
    const f = failures(checkFixture((s) => secureAccount(s, undefined, { sharedAccessKeyEnabled: undefined }), RULES), "SDZ-MIG-008");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("shared key off passes", () => {
    expect(checkFixture((s) => secureAccount(s, STATE), RULES).findings).toEqual([]);
  });
  test("shared key from a variable is unverified", () => {
    const r = checkFixture((s) => secureAccount(s, STATE, { sharedAccessKeyEnabled: new TerraformVariable(s, "sk", { type: "bool" }).booleanValue }), RULES);
    expect(unverified(r, "SDZ-MIG-008")).toHaveLength(1);
  });
});

describe("SDZ-MIG-006 share retention", () => {
  const RULES = [shareRetention];
  const withRetention = (sp: any, role: string | undefined = STATE) => checkFixture((s) => share(s, secureAccount(s, role, { shareProperties: sp })), RULES);

  test("14 days passes", () => {
    expect(withRetention({ retentionPolicy: { days: 14 }, smb: SECURE_SMB }).findings).toEqual([]);
  });
  test("no retention policy fails at error level for state migration", () => {
    const f = failures(withRetention({ smb: SECURE_SMB }), "SDZ-MIG-006");
    expect(f[0].level).toBe(RuleLevel.ERROR);
    expect(f[0].message).toMatch(/no share soft delete/);
    expect(failures(withRetention(undefined), "SDZ-MIG-006")).toHaveLength(1);
  });
  test("3 days fails", () => {
    expect(failures(withRetention({ retentionPolicy: { days: 3 } }), "SDZ-MIG-006")[0].message).toMatch(/only 3 day/);
  });
  test("a plain file share account only gets a warning", () => {
    expect(failures(withRetention({ retentionPolicy: { days: 3 } }, "deployment-content"), "SDZ-MIG-006")[0].level).toBe(RuleLevel.WARNING);
  });
  test("retention days from a variable are unverified", () => {
    const r = checkFixture((s) => share(s, secureAccount(s, STATE, { shareProperties: { retentionPolicy: { days: new TerraformVariable(s, "d", { type: "number" }).numberValue } } })), RULES);
    expect(failures(r, "SDZ-MIG-006")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-006")).toHaveLength(1);
  });
});

describe("SDZ-MIG-007 state migration share backup", () => {
  const RULES = [stateShareBackup];
  test("a state migration share without protection fails", () => {
    const f = failures(checkFixture((s) => share(s, secureAccount(s, STATE)), RULES), "SDZ-MIG-007");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_storage_share.share");
    expect(f[0].message).toMatch(/no azurerm_backup_protected_file_share/);
  });
  test("a protected share in a soft-delete vault passes", () => {
    expect(checkFixture((s) => {
      const a = secureAccount(s, STATE);
      const sh = share(s, a);
      backupShare(s, a, sh.name);
    }, RULES).findings).toEqual([]);
  });
  test("protecting another share of the account does not count", () => {
    const f = failures(checkFixture((s) => {
      const a = secureAccount(s, STATE);
      share(s, a);
      backupShare(s, a, "othershare");
    }, RULES), "SDZ-MIG-007");
    expect(f).toHaveLength(1);
  });
  test("a vault with soft delete off fails", () => {
    const f = failures(checkFixture((s) => {
      const a = secureAccount(s, STATE);
      backupShare(s, a, share(s, a).name, false);
    }, RULES), "SDZ-MIG-007");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_recovery_services_vault.vault");
  });
  test("a share with no role needs no backup", () => {
    expect(checkFixture((s) => share(s, secureAccount(s, undefined)), RULES).findings).toEqual([]);
  });
  test("a protection naming the share through a variable is unverified", () => {
    const r = checkFixture((s) => {
      const a = secureAccount(s, STATE);
      share(s, a);
      new BackupProtectedFileShare(s, "p", { recoveryVaultName: "v", resourceGroupName: "rg", sourceStorageAccountId: a.id, sourceFileShareName: new TerraformVariable(s, "n", { type: "string" }).stringValue, backupPolicyId: "x" });
    }, RULES);
    expect(failures(r, "SDZ-MIG-007")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-007")).toHaveLength(1);
  });
});

describe("SDZ-MIG-011 capped state store (shares)", () => {
  const RULES = [stateStoreCapped];
  test("a quota within the account kind passes", () => {
    expect(checkFixture((s) => share(s, secureAccount(s, STATE), "usmt", 2048), RULES).findings).toEqual([]);
  });
  test("a quota above 5120 GiB without large file shares fails", () => {
    const f = failures(checkFixture((s) => share(s, secureAccount(s, STATE, { largeFileShareEnabled: false }), "usmt", 6000), RULES), "SDZ-MIG-011");
    expect(f[0].message).toMatch(/6000 GiB is outside 1-5120/);
  });
  test("a premium share under 100 GiB fails, 100 passes", () => {
    const premium = (q: number) => checkFixture((s) => share(s, secureAccount(s, STATE, { accountKind: "FileStorage", accountTier: "Premium", largeFileShareEnabled: undefined }), "usmt", q), RULES);
    expect(failures(premium(50), "SDZ-MIG-011")[0].message).toMatch(/premium FileStorage/);
    expect(premium(100).findings).toEqual([]);
  });
  test("a quota from a variable is unverified", () => {
    const r = checkFixture((s) => new StorageShare(s, "share", { name: "usmt", storageAccountId: secureAccount(s, STATE).id, quota: new TerraformVariable(s, "q", { type: "number" }).numberValue }), RULES);
    expect(unverified(r, "SDZ-MIG-011")).toHaveLength(1);
  });
  test("a large quota on an account whose large-file-share setting is unset is unverified", () => {
    const r = checkFixture((s) => share(s, secureAccount(s, STATE, { largeFileShareEnabled: undefined }), "usmt", 10000), RULES);
    expect(failures(r, "SDZ-MIG-011")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-011")[0].message).toMatch(/large file shares/);
  });
});

describe("SDZ-MIG-014 destroy protection", () => {
  const RULES = [stateStoreDestroyProtection];
  test("account and share without prevent_destroy warn", () => {
    const f = failures(checkFixture((s) => {
      const a = secureAccount(s, STATE, { lifecycle: undefined });
      new StorageShare(s, "share", { name: "usmt", storageAccountId: a.id, quota: 100 });
    }, RULES), "SDZ-MIG-014");
    expect(f.map((x) => x.address).sort()).toEqual(["azurerm_storage_account.acct", "azurerm_storage_share.share"]);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("prevent_destroy on both passes; untagged accounts are not judged", () => {
    expect(checkFixture((s) => share(s, secureAccount(s, STATE)), RULES).findings).toEqual([]);
    expect(checkFixture((s) => secureAccount(s, undefined, { lifecycle: undefined }), RULES).findings).toEqual([]);
  });
});
