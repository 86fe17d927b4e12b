import { StorageShare } from "@cdktf/provider-azurerm/lib/storage-share";
import { TerraformVariable } from "cdktf";
import { SECURE_SMB, secureAccount, share } from "./fixtures";
import { RuleLevel } from "../../../src/engine/rule";
import { azureFilesSigningNote, smbInsecureTransport, smbLegacyVersions, smbWeakAuthentication, smbWeakChannelEncryption } from "../../../src/rules/mig/smb-channel";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [smbLegacyVersions, smbInsecureTransport, smbWeakChannelEncryption, smbWeakAuthentication, azureFilesSigningNote];
const STATE = "state-migration-store";

function withSmb(smb: Record<string, unknown>, role: string | null = STATE, extra: Record<string, unknown> = {}) {
  return checkFixture((s) => {
    const a = secureAccount(s, role ?? undefined, { shareProperties: { retentionPolicy: { days: 14 }, smb: { ...SECURE_SMB, ...smb } }, ...extra });
    share(s, a);
  }, RULES);
}

describe("compliant accounts", () => {
  test("SMB 3.1.1, Kerberos AES-256, AES-256-GCM: only the Azure Files note", () => {
    const r = withSmb({});
    expect(r.findings.filter((f) => f.level !== RuleLevel.INFO)).toEqual([]);
  });

  test("a blob-only account (no share, no role, no share_properties) is not judged", () => {
    const r = checkFixture((s) => secureAccount(s, undefined, { shareProperties: undefined }), RULES);
    expect(r.findings).toEqual([]);
  });
});

describe("SDZ-MIG-001 SMB versions", () => {
  test("unset versions fail at error level on a state migration account", () => {
    const f = failures(withSmb({ versions: undefined }), "SDZ-MIG-001");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.ERROR);
    expect(f[0].address).toBe("azurerm_storage_account.acct");
    expect(f[0].message).toMatch(/versions unset/);
  });

  test("SMB3.0 next to SMB3.1.1 fails", () => {
    expect(failures(withSmb({ versions: ["SMB3.0", "SMB3.1.1"] }), "SDZ-MIG-001")[0].message).toContain("SMB3.0");
  });

  test("an account holding a plain share gets a warning, not an error", () => {
    const f = failures(withSmb({ versions: ["SMB2.1", "SMB3.1.1"] }, null), "SDZ-MIG-001");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });

  test("a share's sdz_role metadata makes the account a state migration account", () => {
    const r = checkFixture((s) => {
      const a = secureAccount(s, undefined, { shareProperties: { retentionPolicy: { days: 14 }, smb: { ...SECURE_SMB, versions: undefined } } });
      new StorageShare(s, "share", { name: "usmt", storageAccountId: a.id, quota: 100, metadata: { sdz_role: STATE } });
    }, RULES);
    expect(failures(r, "SDZ-MIG-001")[0].level).toBe(RuleLevel.ERROR);
  });

  test("versions from a variable are unverified", () => {
    const r = checkFixture((s) => {
      const v = new TerraformVariable(s, "versions", { type: "list(string)" });
      const a = secureAccount(s, STATE, { shareProperties: { retentionPolicy: { days: 14 }, smb: { ...SECURE_SMB, versions: v.listValue } } });
      share(s, a);
    }, RULES);
    expect(failures(r, "SDZ-MIG-001")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-001")[0].message).toMatch(/could not verify.*versions/);
  });
});

describe("SDZ-MIG-002 secure transfer and TLS", () => {
  test("secure transfer off fails", () => {
    const f = failures(withSmb({}, STATE, { httpsTrafficOnlyEnabled: false }), "SDZ-MIG-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/secure transfer off/);
  });

  test("TLS 1.0 fails", () => {
    expect(failures(withSmb({}, STATE, { minTlsVersion: "TLS1_0" }), "SDZ-MIG-002")[0].message).toContain("TLS1_0");
  });

  test("defaults (unset) pass: azurerm 4 requires HTTPS and TLS 1.2", () => {
    expect(failures(withSmb({}, STATE, { httpsTrafficOnlyEnabled: undefined, minTlsVersion: undefined }), "SDZ-MIG-002")).toHaveLength(0);
  });

  test("secure transfer from a variable is unverified", () => {
    const r = checkFixture((s) => {
      const v = new TerraformVariable(s, "https", { type: "bool" });
      share(s, secureAccount(s, STATE, { httpsTrafficOnlyEnabled: v.booleanValue }));
    }, RULES);
    expect(unverified(r, "SDZ-MIG-002")).toHaveLength(1);
  });
});

describe("SDZ-MIG-003 channel encryption", () => {
  test("unset fails (CCM accepted)", () => {
    expect(failures(withSmb({ channelEncryptionType: undefined }), "SDZ-MIG-003")[0].message).toMatch(/AES-128-CCM is accepted/);
  });

  test("CCM only fails at error level", () => {
    const f = failures(withSmb({ channelEncryptionType: ["AES-128-CCM"] }), "SDZ-MIG-003");
    expect(f[0].level).toBe(RuleLevel.ERROR);
    expect(f[0].message).toMatch(/no AES-GCM/);
  });

  test("CCM next to GCM is a warning", () => {
    const f = failures(withSmb({ channelEncryptionType: ["AES-128-CCM", "AES-256-GCM"] }), "SDZ-MIG-003");
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });

  test("AES-128-GCM plus AES-256-GCM passes", () => {
    expect(failures(withSmb({ channelEncryptionType: ["AES-256-GCM", "AES-128-GCM"] }), "SDZ-MIG-003")).toHaveLength(0);
  });

  test("ciphers from a variable are unverified", () => {
    const r = checkFixture((s) => {
      const v = new TerraformVariable(s, "ciphers", { type: "list(string)" });
      share(s, secureAccount(s, STATE, { shareProperties: { smb: { ...SECURE_SMB, channelEncryptionType: v.listValue } } }));
    }, RULES);
    expect(unverified(r, "SDZ-MIG-003")).toHaveLength(1);
  });
});

describe("SDZ-MIG-004 authentication", () => {
  test("NTLMv2 allowed fails", () => {
    const f = failures(withSmb({ authenticationTypes: ["NTLMv2", "Kerberos"] }), "SDZ-MIG-004");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("NTLMv2");
  });

  test("unset authentication and ticket encryption fail twice", () => {
    const f = failures(withSmb({ authenticationTypes: undefined, kerberosTicketEncryptionType: undefined }), "SDZ-MIG-004");
    expect(f.map((x) => x.message).join(" ")).toMatch(/NTLMv2 is accepted.*RC4-HMAC/);
  });

  test("RC4-HMAC tickets fail", () => {
    expect(failures(withSmb({ kerberosTicketEncryptionType: ["RC4-HMAC", "AES-256"] }), "SDZ-MIG-004")[0].message).toContain("RC4-HMAC");
  });

  test("authentication types from a variable are unverified", () => {
    const r = checkFixture((s) => {
      const v = new TerraformVariable(s, "auth", { type: "list(string)" });
      share(s, secureAccount(s, STATE, { shareProperties: { smb: { ...SECURE_SMB, authenticationTypes: v.listValue } } }));
    }, RULES);
    expect(failures(r, "SDZ-MIG-004")).toHaveLength(0);
    expect(unverified(r, "SDZ-MIG-004")).toHaveLength(1);
  });
});

describe("SDZ-MIG-010 Azure Files signing note", () => {
  test("each state migration share gets an INFO entry explaining AEAD integrity", () => {
    const f = failures(withSmb({}), "SDZ-MIG-010");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.INFO);
    expect(f[0].address).toBe("azurerm_storage_share.share");
    expect(f[0].message).toMatch(/no SMB-signing switch.*SMB 3\.x encryption \(AEAD: AES-GCM\).*signing-grade integrity/);
  });

  test("a deployment content share gets it too; a share with no role does not", () => {
    expect(failures(withSmb({}, "deployment-content"), "SDZ-MIG-010")).toHaveLength(1);
    expect(failures(withSmb({}, null), "SDZ-MIG-010")).toHaveLength(0);
  });
});
