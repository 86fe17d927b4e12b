import { ACCOUNT, addAccount, addFilesEndpoint, addShare, storageSite } from "./builders";
import { STATE_EVIDENCE } from "./evidence";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";
import { Body } from "../../support/tf-json";

/** A raw, untagged account holding a share, changed by `change`. */
function account(overrides: Body = {}, extra: (tf: TfJson) => void = () => undefined): TfJson {
  const tf = storageSite();
  addAccount(tf, overrides);
  addShare(tf);
  extra(tf);
  return tf;
}

const smb = (fields: Body): Body => ({ share_properties: { retention_policy: { days: 14 }, smb: { versions: ["SMB3.1.1"], authentication_types: ["Kerberos"], kerberos_ticket_encryption_type: ["AES-256"], channel_encryption_type: ["AES-256-GCM"], ...fields } } });

/** Per rule: a violating change, a compliant one, one not known before apply (with what the message names). */
const CASES: { id: string; bad: Body; good: Body; unknown: Body; says: RegExp; unknownSays: RegExp }[] = [
  { id: "SDZ-MIG-001", bad: smb({ versions: ["SMB3.0", "SMB3.1.1"] }), good: smb({}), unknown: smb({ versions: "${var.versions}" }), says: /accepts SMB3\.0/, unknownSays: /share_properties\.smb\.versions is not known before apply \(the variable versions/ },
  { id: "SDZ-MIG-002", bad: { min_tls_version: "TLS1_0" }, good: { min_tls_version: undefined }, unknown: { https_traffic_only_enabled: "${var.https}" }, says: /accepts TLS1_0 \(min_tls_version\)/, unknownSays: /https_traffic_only_enabled is not known before apply/ },
  { id: "SDZ-MIG-003", bad: smb({ channel_encryption_type: ["AES-128-CCM"] }), good: smb({}), unknown: smb({ channel_encryption_type: "${var.ciphers}" }), says: /accepts only AES-128-CCM/, unknownSays: /channel_encryption_type is not known/ },
  {
    id: "SDZ-MIG-004", bad: smb({ authentication_types: ["Kerberos", "NTLMv2"], kerberos_ticket_encryption_type: ["RC4-HMAC", "AES-256"] }), good: smb({}), unknown: smb({ authentication_types: "${var.auth}" }),
    says: /accepts NTLMv2 \(authentication_types = Kerberos, NTLMv2\); it accepts RC4-HMAC Kerberos tickets/, unknownSays: /authentication_types is not known/,
  },
  {
    id: "SDZ-MIG-006", bad: { share_properties: { retention_policy: { days: 3 } } }, good: { share_properties: { retention_policy: { days: 7 } } }, unknown: { share_properties: { retention_policy: { days: "${var.days}" } } },
    says: /keeps deleted shares only 3 day\(s\) \(minimum 7\)/, unknownSays: /retention_policy\.days is not known/,
  },
  { id: "SDZ-MIG-008", bad: { shared_access_key_enabled: true }, good: { shared_access_key_enabled: false }, unknown: { shared_access_key_enabled: "${var.keys}" }, says: /shared key access is on/, unknownSays: /shared_access_key_enabled is not known/ },
];

describe.each(CASES)("$id on every SMB-serving account", ({ id, bad, good, unknown, says, unknownSays }) => {
  test("an untagged account holding a share: violating is a warning on the account", () => {
    const r = check(account(bad), [id]);
    expect(flagged(r, id)).toEqual([ACCOUNT]);
    expect(r.findings.map((f) => f.level)).toEqual(["warning"]);
    expect(messages(r, id)[0]).toMatch(says);
    expect(messages(r, id)[0]).toMatch(/storage account serving SMB \(it holds file share "usmt" \(azurerm_storage_share\.usmt\)\)/);
  });

  test("compliant passes", () => {
    expect(check(account(good), [id]).findings).toEqual([]);
  });

  test("a value not known before apply is could-not-verify, never a pass", () => {
    const r = check(account(unknown), [id]);
    expect(flagged(r, id)).toEqual([]);
    expect(unverifiedAt(r, id)).toEqual([ACCOUNT]);
    expect(messages(r, id)[0]).toMatch(unknownSays);
  });

  test.each(STATE_EVIDENCE)("a state migration store (%s) is an error, and the finding names the evidence", (_what, evidence, evidenceSays) => {
    const r = check(account(bad, evidence), [id]);
    expect(flagged(r, id)).toEqual([ACCOUNT]);
    if (id !== "SDZ-MIG-008") expect(r.findings.map((f) => f.level)).toEqual(["error"]);
    expect(messages(r, id)[0]).toMatch(evidenceSays);
  });

  test("a Files private endpoint or the FileStorage kind make an account without shares SMB-serving", () => {
    const noShares = (overrides: Body, extra: (tf: TfJson) => void = () => undefined) => {
      const tf = storageSite();
      addAccount(tf, { share_properties: undefined, ...overrides });
      extra(tf);
      return tf;
    };
    expect(flagged(check(noShares(bad, (tf) => addFilesEndpoint(tf, "pe", ACCOUNT, "content")), [id]), id)).toEqual([ACCOUNT]);
    expect(flagged(check(noShares({ ...bad, account_kind: "FileStorage", account_tier: "Premium" }), [id]), id)).toEqual([ACCOUNT]);
    // An account with no share, no Files endpoint and no SMB settings serves no SMB (only checkable where the violation is not share_properties itself).
    if (!bad.share_properties) expect(check(noShares(bad), [id]).findings).toEqual([]);
  });
});

describe("SDZ-MIG-001..004: Azure's defaults", () => {
  test("an SMB account with no share_properties accepts SMB 3.0, CCM, NTLMv2 and RC4: one finding per rule", () => {
    const r = check(account({ share_properties: undefined }), ["SDZ-MIG-001", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-006"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual(["SDZ-MIG-001", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-006"].map((i) => `${i} ${ACCOUNT}`));
    expect(messages(r, "SDZ-MIG-004")[0]).toMatch(/authentication_types is unset, so NTLMv2 is accepted; .*kerberos_ticket_encryption_type is unset, so RC4-HMAC tickets are accepted/);
    expect(messages(r, "SDZ-MIG-006")[0]).toMatch(/does not set share soft delete \(no share_properties block\): Azure turns it on for accounts created since January 2021/);
  });

  test("share_properties from a variable makes each SMB rule could-not-verify", () => {
    const r = check(account({ share_properties: "${var.share_properties}" }), ["SDZ-MIG-001", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-006"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.status}`)).toEqual(["SDZ-MIG-001", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-006"].map((i) => `${i} unverified`));
  });

  test("SDZ-MIG-003: AES-GCM next to CCM is a warning even on a state store", () => {
    const r = check(account({ ...smb({ channel_encryption_type: ["AES-256-GCM", "AES-128-CCM"] }), tags: { "sdz-role": "state-migration-store" } }), ["SDZ-MIG-003"]);
    expect(r.findings.map((f) => `${f.level} ${f.address}`)).toEqual([`warning ${ACCOUNT}`]);
    expect(messages(r, "SDZ-MIG-003")[0]).toMatch(/still accepts AES-128-CCM next to AES-256-GCM/);
  });

  test("SDZ-MIG-002 reads the azurerm 3.x name enable_https_traffic_only too, and an unset min_tls_version (TLS1_2 in 4.x) passes", () => {
    const r = check(account({ https_traffic_only_enabled: undefined, enable_https_traffic_only: false, min_tls_version: undefined }), ["SDZ-MIG-002"]);
    expect(flagged(r, "SDZ-MIG-002")).toEqual([ACCOUNT]);
    expect(messages(r, "SDZ-MIG-002")[0]).toMatch(/secure transfer is off \(enable_https_traffic_only = false\)/);
    expect(check(account({ https_traffic_only_enabled: undefined, min_tls_version: undefined }), ["SDZ-MIG-002"]).findings).toEqual([]);
  });

  test("SDZ-MIG-004: a violation and an unknown field on one account are one finding", () => {
    const r = check(account(smb({ authentication_types: ["NTLMv2"], kerberos_ticket_encryption_type: "${var.tickets}" })), ["SDZ-MIG-004"]);
    expect(flagged(r, "SDZ-MIG-004")).toEqual([ACCOUNT]);
    expect(unverifiedAt(r, "SDZ-MIG-004")).toEqual([]);
    expect(messages(r, "SDZ-MIG-004")[0]).toMatch(/accepts NTLMv2 .*could not verify: share_properties\.smb\.kerberos_ticket_encryption_type/);
  });

  test("a declared deployment content account is a warning and says so", () => {
    const r = check(account({ ...smb({ versions: ["SMB2.1", "SMB3.0"] }), tags: { "sdz-role": "deployment-content" } }), ["SDZ-MIG-001"]);
    expect(r.findings.map((f) => `${f.level} ${f.address}`)).toEqual([`warning ${ACCOUNT}`]);
    expect(messages(r, "SDZ-MIG-001")[0]).toMatch(/deployment content storage account \(declared: sdz-role=deployment-content on azurerm_storage_account\.usmt\)/);
  });
});
