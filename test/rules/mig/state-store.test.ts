import { ACCOUNT, addAccount, addScript, addShare, addShareBackup, addVm, patch, SHARE, storageSite, UNC } from "./builders";
import { STATE_EVIDENCE } from "./evidence";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";
import { Body } from "../../support/tf-json";

/** The account and share under test (secure, backed up), made a state store by `evidence`, then changed by `change`. */
function store(evidence: (tf: TfJson) => void, change: (tf: TfJson) => void = () => undefined, accountOverrides: Body = {}): TfJson {
  const tf = storageSite();
  addAccount(tf, accountOverrides);
  addShare(tf);
  addShareBackup(tf);
  evidence(tf);
  change(tf);
  return tf;
}

const onStorage = (addresses: string[]) => addresses.filter((a) => a.startsWith("azurerm_storage"));
const noEvidence = () => undefined;

describe.each(STATE_EVIDENCE)("a state migration store (%s)", (_what, evidence, evidenceSays) => {
  test("SDZ-MIG-005: public network access on with no network rules is an error on the account naming the evidence; off passes", () => {
    const r = check(store(evidence, noEvidence, { public_network_access_enabled: undefined, network_rules: undefined }), ["SDZ-MIG-005"]);
    expect(flagged(r, "SDZ-MIG-005")).toEqual([ACCOUNT]);
    expect(r.findings.map((f) => f.level)).toEqual(["error"]);
    expect(messages(r, "SDZ-MIG-005")[0]).toMatch(evidenceSays);
    expect(messages(r, "SDZ-MIG-005")[0]).toMatch(/reachable from public networks: public network access is on \(public_network_access_enabled unset defaults to true\) and it has no network rules/);
    expect(check(store(evidence), ["SDZ-MIG-005"]).findings).toEqual([]);
  });

  test("SDZ-MIG-007: no backup is an error on the share; a backup passes", () => {
    const tf = store(evidence, (t) => {
      delete t.json.resource.azurerm_backup_protected_file_share;
    });
    const r = check(tf, ["SDZ-MIG-007"]);
    expect(flagged(r, "SDZ-MIG-007")).toEqual([SHARE]);
    expect(messages(r, "SDZ-MIG-007")[0]).toMatch(/state migration share "usmt" \(azurerm_storage_share\.usmt\) .* has no azurerm_backup_protected_file_share/);
    expect(check(store(evidence), ["SDZ-MIG-007"]).findings).toEqual([]);
  });

  test("SDZ-MIG-011: a share without quota is an error; a quota within bounds passes", () => {
    const r = check(store(evidence, (t) => patch(t, SHARE, { quota: undefined })), ["SDZ-MIG-011"]);
    expect(onStorage(flagged(r, "SDZ-MIG-011"))).toEqual([SHARE]);
    expect(onStorage(flagged(check(store(evidence), ["SDZ-MIG-011"]), "SDZ-MIG-011"))).toEqual([]);
    expect(onStorage(unverifiedAt(check(store(evidence), ["SDZ-MIG-011"]), "SDZ-MIG-011"))).toEqual([]);
  });

  test("SDZ-MIG-014: the account and share without prevent_destroy are warnings; with it they pass", () => {
    const r = check(store(evidence, (t) => {
      patch(t, ACCOUNT, { lifecycle: undefined });
      patch(t, SHARE, { lifecycle: undefined });
    }), ["SDZ-MIG-014"]);
    expect(flagged(r, "SDZ-MIG-014")).toEqual([ACCOUNT, SHARE]);
    expect(r.findings.map((f) => f.level)).toEqual(["warning", "warning"]);
    expect(check(store(evidence), ["SDZ-MIG-014"]).findings).toEqual([]);
  });

  test("SDZ-MIG-010: the share gets the Azure Files signing note, naming the evidence", () => {
    const r = check(store(evidence), ["SDZ-MIG-010"]);
    expect(flagged(r, "SDZ-MIG-010")).toEqual([SHARE]);
    expect(r.findings.map((f) => f.level)).toEqual(["info"]);
    expect(messages(r, "SDZ-MIG-010")[0]).toMatch(/^state migration share "usmt" .*Azure Files has no SMB-signing switch/);
  });
});

describe("without evidence the state-store rules stay out", () => {
  test("an untagged, unused account with a public share draws none of SDZ-MIG-005/007/010/011/014", () => {
    const tf = store(noEvidence, (t) => {
      delete t.json.resource.azurerm_backup_protected_file_share;
      patch(t, SHARE, { quota: undefined, lifecycle: undefined });
    }, { public_network_access_enabled: true, network_rules: undefined, lifecycle: undefined });
    expect(check(tf, ["SDZ-MIG-005", "SDZ-MIG-007", "SDZ-MIG-010", "SDZ-MIG-011", "SDZ-MIG-014"]).findings).toEqual([]);
  });
});

describe("SDZ-MIG-005 what Azure lets in", () => {
  const ID = "SDZ-MIG-005";
  const declared = (tf: TfJson) => patch(tf, ACCOUNT, { tags: { "sdz-role": "state-migration-store" } });
  const at = (overrides: Body, extra: (tf: TfJson) => void = () => undefined) => check(store(declared, extra, overrides), [ID]);

  test("network rules defaulting to Allow, or allowing public IP ranges, are errors naming them", () => {
    expect(messages(at({ public_network_access_enabled: true, network_rules: { default_action: "Allow" } }), ID)[0]).toMatch(/its network rules default to Allow/);
    const r = at({ public_network_access_enabled: true, network_rules: { default_action: "Deny", ip_rules: ["203.0.113.0/24"] } });
    expect(flagged(r, ID)).toEqual([ACCOUNT]);
    expect(messages(r, ID)[0]).toMatch(/allow public addresses 203\.0\.113\.0\/24/);
  });

  test("a public endpoint whose rules deny public addresses is one level lower (warning)", () => {
    const r = at({ public_network_access_enabled: true, network_rules: { default_action: "Deny", bypass: ["AzureServices"] } });
    expect(r.findings.map((f) => `${f.level} ${f.status} ${f.address}`)).toEqual([`warning fail ${ACCOUNT}`]);
    expect(messages(r, ID)[0]).toMatch(/its public endpoint answers, though its network rules deny public addresses by default/);
  });

  test("standalone azurerm_storage_account_network_rules decide instead of the inline block", () => {
    const standalone = (action: string) => (tf: TfJson) => tf.add("azurerm_storage_account_network_rules", "rules", { storage_account_id: TfJson.ref(ACCOUNT), default_action: action });
    expect(flagged(at({ public_network_access_enabled: true, network_rules: undefined }, standalone("Allow")), ID)).toEqual([ACCOUNT]);
    expect(messages(at({ public_network_access_enabled: true, network_rules: undefined }, standalone("Allow")), ID)[0]).toMatch(/the network rules of azurerm_storage_account_network_rules\.rules default to Allow/);
    expect(at({ public_network_access_enabled: true, network_rules: undefined }, standalone("Deny")).findings.map((f) => f.level)).toEqual(["warning"]);
  });

  test("allow_nested_items_to_be_public unset (true in azurerm 4.x, false from 5.0) is named when public addresses get in", () => {
    const r = at({ public_network_access_enabled: true, network_rules: undefined, allow_nested_items_to_be_public: undefined });
    expect(messages(r, ID)[0]).toMatch(/containers may be made anonymous \(allow_nested_items_to_be_public unset: true in azurerm 4\.x, false from 5\.0\)/);
  });

  test("a deployment content store is a warning; its private endpoint answering with a deny is info", () => {
    const content = (tf: TfJson) => addVm(tf, "ref01", "servers", "10.0.2.30", { "sdz-ref-capture-location": UNC });
    const r = check(store(content, noEvidence, { public_network_access_enabled: true, network_rules: undefined }), [ID]);
    expect(r.findings.map((f) => `${f.level} ${f.address}`)).toEqual([`warning ${ACCOUNT}`]);
    const r2 = check(store(content, noEvidence, { public_network_access_enabled: true }), [ID]);
    expect(r2.findings.map((f) => `${f.level} ${f.address}`)).toEqual([`info ${ACCOUNT}`]);
  });

  test.each([
    ["public_network_access_enabled", { public_network_access_enabled: "${var.pna}" }, () => undefined, ACCOUNT, /public_network_access_enabled is not known before apply/],
    ["inline network_rules", { public_network_access_enabled: true, network_rules: "${var.rules}" }, () => undefined, ACCOUNT, /network_rules is not known before apply/],
    ["default_action", { public_network_access_enabled: true, network_rules: { default_action: "${var.action}" } }, () => undefined, ACCOUNT, /default_action is not known/],
    ["ip_rules", { public_network_access_enabled: true, network_rules: { default_action: "Deny", ip_rules: "${var.ips}" } }, () => undefined, ACCOUNT, /ip_rules is not known/],
    ["a standalone rule's default_action", { public_network_access_enabled: true, network_rules: undefined },
      (tf: TfJson) => tf.add("azurerm_storage_account_network_rules", "rules", { storage_account_id: TfJson.ref(ACCOUNT), default_action: "${var.action}" }),
      "azurerm_storage_account_network_rules.rules", /azurerm_storage_account\.usmt: network rules default_action is not known/],
  ])("%s not known before apply is could-not-verify on the resource that holds it", (_what, overrides, extra, where, says) => {
    const r = at(overrides as Body, extra as (tf: TfJson) => void);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([where]);
    expect(messages(r, ID)[0]).toMatch(says);
  });
});

describe("SDZ-MIG-007 backup details", () => {
  const ID = "SDZ-MIG-007";
  const declared = (tf: TfJson) => patch(tf, SHARE, { metadata: { sdz_role: "state-migration-store" } });

  test("a vault with soft delete off is an error on the vault; unset (true in 4.x, removed in 5.0) passes", () => {
    const off = store(declared, (tf) => patch(tf, "azurerm_recovery_services_vault.rsv", { soft_delete_enabled: false }));
    expect(flagged(check(off, [ID]), ID)).toEqual(["azurerm_recovery_services_vault.rsv"]);
    expect(check(store(declared), [ID]).findings).toEqual([]);
  });

  test("a backup matched by a literal share name and account ID counts", () => {
    const tf = store(declared, (t) => patch(t, "azurerm_backup_protected_file_share.usmt", {
      source_file_share_name: "usmt", source_storage_account_id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/contosousmt01",
    }));
    expect(check(tf, [ID]).findings).toEqual([]);
  });

  test.each([
    ["the protection's share name", (tf: TfJson) => patch(tf, "azurerm_backup_protected_file_share.usmt", { source_file_share_name: "${var.share}" }), SHARE, /cannot be matched \(azurerm_backup_protected_file_share\.usmt: source_file_share_name is not known/],
    ["the share's own name", (tf: TfJson) => {
      patch(tf, SHARE, { name: "${var.share}" });
      patch(tf, "azurerm_backup_protected_file_share.usmt", { source_file_share_name: "other" });
    }, SHARE, /the share name is not known before apply/],
    ["the vault's soft delete", (tf: TfJson) => patch(tf, "azurerm_recovery_services_vault.rsv", { soft_delete_enabled: "${var.soft}" }), "azurerm_recovery_services_vault.rsv", /soft_delete_enabled of the vault .* is not known/],
  ])("%s not known before apply is could-not-verify", (_what, change, where, says) => {
    const r = check(store(declared, change), [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([where]);
    expect(messages(r, ID)[0]).toMatch(says);
  });

  test("a state store whose share this configuration does not manage: its backup cannot be verified here", () => {
    const tf = storageSite();
    addAccount(tf);
    addScript(tf, "map", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `net use S: ${UNC}`);
    const r = check(tf, [ID, "SDZ-MIG-011"]);
    expect(unverifiedAt(r, ID)).toEqual([ACCOUNT]);
    expect(messages(r, ID)[0]).toMatch(/share\(s\) "usmt" are not managed by this configuration/);
    expect(onStorage(unverifiedAt(r, "SDZ-MIG-011"))).toEqual([ACCOUNT]);
  });
});

describe("SDZ-MIG-011 quota bounds", () => {
  const ID = "SDZ-MIG-011";
  const declared = (tf: TfJson) => patch(tf, SHARE, { metadata: { sdz_role: "state-migration-store" } });
  test.each([
    [{ large_file_share_enabled: false }, 6000, "fail", /outside 1-5120 GiB for a standard account without large file shares/],
    [{ large_file_share_enabled: true }, 6000, undefined, undefined],
    [{ account_kind: "FileStorage", account_tier: "Premium", large_file_share_enabled: undefined }, 50, "fail", /outside 100-102400 GiB for a premium FileStorage account/],
    [{ large_file_share_enabled: undefined }, 6000, "unverified", /needs large file shares, but large_file_share_enabled is unset/],
    [{ large_file_share_enabled: undefined }, 1024, undefined, undefined],
  ])("account %j with quota %d", (overrides, quota, status, says) => {
    const r = check(store(declared, (tf) => patch(tf, SHARE, { quota }), overrides as Body), [ID]);
    expect(r.findings.map((f) => `${f.status} ${f.address}`)).toEqual(status ? [`${status} ${SHARE}`] : []);
    if (says) expect(messages(r, ID)[0]).toMatch(says);
  });

  test("a quota from a variable is could-not-verify", () => {
    const r = check(store(declared, (tf) => patch(tf, SHARE, { quota: "${var.quota}" })), [ID]);
    expect(unverifiedAt(r, ID)).toEqual([SHARE]);
  });
});

describe("SDZ-MIG-014 lifecycle not known", () => {
  test("a lifecycle block from an expression is could-not-verify", () => {
    const r = check(store((tf) => patch(tf, SHARE, { metadata: { sdz_role: "state-migration-store" } }), (tf) => patch(tf, SHARE, { lifecycle: "${local.lifecycle}" })), ["SDZ-MIG-014"]);
    expect(flagged(r, "SDZ-MIG-014")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-MIG-014")).toEqual([SHARE]);
  });
});
