/**
 * Storage checks fail closed: an account link, a nested block or a list entry that is not known
 * before apply is could-not-verify naming the field, never a silent pass and never a false error
 * (reproducers U1-U3, N1, N2, E, E2, T1 of the storage review).
 */
import { ACCOUNT, addAccount, addFilesEndpoint, addScript, addShare, addVm, SHARE, storageSite, UNC } from "./builders";
import { DeploymentRole } from "../../../src/contract/zone-tags";
import { roleTags, shareRoleMetadata } from "../../../src/rules/mig/examples";
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";
import { Body } from "../../support/tf-json";

const SMB_RULES = ["SDZ-MIG-001", "SDZ-MIG-003", "SDZ-MIG-004", "SDZ-MIG-006"];
const V = "${var.v}";

/** An account without share_properties (so the SMB rules would fail on it) and no share of its own. */
function bareAccount(overrides: Body = {}): TfJson {
  const tf = storageSite();
  tf.json.variable = { ...(tf.json.variable ?? {}), v: {} };
  addAccount(tf, { share_properties: undefined, ...overrides });
  return tf;
}

/** Per rule: the failing and unverified resources. */
function outcome(tf: TfJson, ids: string[]): Record<string, { fail: string[]; unverified: string[] }> {
  const r = check(tf, ids);
  return Object.fromEntries(ids.map((id) => [id, { fail: flagged(r, id), unverified: unverifiedAt(r, id) }]));
}

const each = (ids: string[], v: { fail: string[]; unverified: string[] }) => Object.fromEntries(ids.map((id) => [id, v]));

describe("shares and Files private endpoints whose account cannot be followed", () => {
  test("U2: a share whose storage_account_id is a variable makes the account's SMB rules could-not-verify, naming the field", () => {
    const tf = bareAccount();
    addShare(tf, { storage_account_id: V }, "images", "usmt", "images");
    expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [ACCOUNT] }));
    expect(messages(check(tf, ["SDZ-MIG-001"]), "SDZ-MIG-001")[0]).toMatch(/azurerm_storage_share\.images storage_account_id is not known before apply \(the variable v/);
  });

  test("U1: a share on storage_account_name from a variable, the account's name from a variable too", () => {
    const tf = bareAccount({ name: V });
    addShare(tf, { storage_account_id: undefined, storage_account_name: V }, "images", "usmt", "images");
    expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [ACCOUNT] }));
    expect(messages(check(tf, ["SDZ-MIG-006"]), "SDZ-MIG-006")[0]).toMatch(/storage_account_name is not known before apply/);
  });

  test("U3: a Files private endpoint whose private_connection_resource_id is a variable", () => {
    const tf = bareAccount();
    const pe = addFilesEndpoint(tf, "pe", ACCOUNT, "content");
    (tf.json.resource.azurerm_private_endpoint.pe.private_service_connection as Body).private_connection_resource_id = V;
    expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [ACCOUNT] }));
    expect(messages(check(tf, ["SDZ-MIG-003"]), "SDZ-MIG-003")[0]).toMatch(new RegExp(`${pe.replace(".", "\\.")} private_service_connection\\.private_connection_resource_id is not known before apply`));
  });

  test("the same endpoint linked by reference stays a definite finding (U3c)", () => {
    const tf = bareAccount();
    addFilesEndpoint(tf, "pe", ACCOUNT, "content");
    expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [ACCOUNT], unverified: [] }));
  });

  test("no noise: a compliant account, a blob-only account, a share on an existing account (data source) or a literal ID elsewhere", () => {
    const compliant = storageSite();
    compliant.json.variable = { v: {} };
    addAccount(compliant);
    addShare(compliant, { storage_account_id: V }, "images", "usmt", "images");
    expect(outcome(compliant, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [] }));

    const blob = bareAccount({ account_kind: "BlockBlobStorage", account_tier: "Premium" });
    addShare(blob, { storage_account_id: V }, "images", "usmt", "images");
    expect(outcome(blob, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [] }));

    for (const link of ["${data.azurerm_storage_account.existing.id}", "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/elsewhere01"]) {
      const tf = bareAccount();
      addShare(tf, { storage_account_id: link }, "images", "usmt", "images");
      expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [] }));
    }
  });

  test("a literal account name elsewhere only puts accounts whose name is not known in doubt", () => {
    const tf = bareAccount();
    addAccount(tf, { name: V, share_properties: undefined }, "other");
    addShare(tf, { storage_account_id: undefined, storage_account_name: "elsewhere01" }, "images", "usmt", "images");
    expect(outcome(tf, ["SDZ-MIG-001"])).toEqual({ "SDZ-MIG-001": { fail: [], unverified: ["azurerm_storage_account.other"] } });
  });

  test("a state migration share whose account cannot be followed makes SDZ-MIG-005 ask whether the account is a state store", () => {
    const tf = bareAccount({ public_network_access_enabled: true, network_rules: undefined });
    addShare(tf, { storage_account_id: V, metadata: shareRoleMetadata(DeploymentRole.STATE_MIGRATION_STORE) }, "images", "usmt", "images");
    expect(outcome(tf, ["SDZ-MIG-005"])).toEqual({ "SDZ-MIG-005": { fail: [], unverified: [ACCOUNT] } });
    expect(messages(check(tf, ["SDZ-MIG-005"]), "SDZ-MIG-005")[0]).toMatch(/whether azurerm_storage_account\.usmt is a state migration store \(share "images".*holds state migration data/);
  });
});

describe("SDZ-MIG-005: network rules", () => {
  /** A declared state migration account with public network access on, holding a share. */
  function publicStore(overrides: Body): TfJson {
    const tf = storageSite();
    tf.json.variable = { v: {} };
    addAccount(tf, { public_network_access_enabled: true, tags: roleTags(DeploymentRole.STATE_MIGRATION_STORE), ...overrides });
    addShare(tf);
    return tf;
  }

  test("N1: a standalone azurerm_storage_account_network_rules whose storage_account_id is a variable: could-not-verify, not 'no network rules'", () => {
    const tf = publicStore({ network_rules: undefined });
    tf.add("azurerm_storage_account_network_rules", "r", { storage_account_id: V, default_action: "Deny", bypass: ["AzureServices"] });
    expect(outcome(tf, ["SDZ-MIG-005"])).toEqual({ "SDZ-MIG-005": { fail: [], unverified: [ACCOUNT] } });
    expect(messages(check(tf, ["SDZ-MIG-005"]), "SDZ-MIG-005")[0]).toMatch(/azurerm_storage_account_network_rules\.r storage_account_id is not known before apply/);
  });

  test("N1: an account with rules of its own is judged on them", () => {
    const tf = publicStore({ network_rules: { default_action: "Allow" } });
    tf.add("azurerm_storage_account_network_rules", "r", { storage_account_id: V, default_action: "Deny" });
    expect(outcome(tf, ["SDZ-MIG-005"])).toEqual({ "SDZ-MIG-005": { fail: [ACCOUNT], unverified: [] } });
  });

  test("N2: a known public range in ip_rules is the error, whatever the unknown entry; the message mentions it", () => {
    const tf = publicStore({ network_rules: { default_action: "Deny", ip_rules: ["203.0.113.0/24", V] } });
    const r = check(tf, ["SDZ-MIG-005"]);
    expect(flagged(r, "SDZ-MIG-005")).toEqual([ACCOUNT]);
    expect(unverifiedAt(r, "SDZ-MIG-005")).toEqual([]);
    expect(r.findings.map((f) => f.level)).toEqual(["error"]);
    expect(messages(r, "SDZ-MIG-005")[0]).toMatch(/allow public addresses 203\.0\.113\.0\/24, and entries not known before apply \(1 of them: the variable v/);
  });

  test("N2: only unknown entries stay could-not-verify", () => {
    const tf = publicStore({ network_rules: { default_action: "Deny", ip_rules: [V] } });
    expect(outcome(tf, ["SDZ-MIG-005"])).toEqual({ "SDZ-MIG-005": { fail: [], unverified: [ACCOUNT] } });
  });
});

describe("dynamic blocks are not absent", () => {
  test("E: a dynamic share_properties block makes the SMB rules could-not-verify, naming the block", () => {
    const tf = bareAccount({ dynamic: { share_properties: { for_each: V, content: { retention_policy: { days: 14 }, smb: { versions: ["SMB3.1.1"] } } } } });
    addShare(tf);
    expect(outcome(tf, SMB_RULES)).toEqual(each(SMB_RULES, { fail: [], unverified: [ACCOUNT] }));
    expect(messages(check(tf, ["SDZ-MIG-004"]), "SDZ-MIG-004")[0]).toMatch(/share_properties is a dynamic block, expanded at plan time/);
  });

  test("a dynamic share_properties block on an account with no share puts it in doubt (shared key access is could-not-verify, not an error)", () => {
    const tf = bareAccount({ shared_access_key_enabled: true, dynamic: { share_properties: { for_each: V, content: { retention_policy: { days: 14 } } } } });
    expect(outcome(tf, ["SDZ-MIG-008"])).toEqual({ "SDZ-MIG-008": { fail: [], unverified: [ACCOUNT] } });
  });

  test("E2: a dynamic network_rules block is could-not-verify, not 'no network rules'", () => {
    const tf = storageSite();
    tf.json.variable = { v: {} };
    addAccount(tf, { public_network_access_enabled: true, network_rules: undefined, tags: roleTags(DeploymentRole.STATE_MIGRATION_STORE), dynamic: { network_rules: { for_each: V, content: { default_action: "Deny" } } } });
    addShare(tf);
    expect(outcome(tf, ["SDZ-MIG-005"])).toEqual({ "SDZ-MIG-005": { fail: [], unverified: [ACCOUNT] } });
    expect(messages(check(tf, ["SDZ-MIG-005"]), "SDZ-MIG-005")[0]).toMatch(/network_rules is a dynamic block, expanded at plan time/);
  });
});

describe("SDZ-MIG-010 and secure transfer (T1)", () => {
  function stateStore(overrides: Body): TfJson {
    const tf = storageSite();
    addAccount(tf, overrides);
    addShare(tf);
    const vm = addVm(tf, "smp01", "smp", "10.0.1.20", roleTags(DeploymentRole.STATE_MIGRATION_POINT));
    addScript(tf, "map", vm, `New-SmbGlobalMapping -RemotePath ${UNC} -LocalPath S:`);
    return tf;
  }

  test("no note where secure transfer is off (SDZ-MIG-002 reports it); the note names secure transfer as its condition", () => {
    const off = check(stateStore({ https_traffic_only_enabled: false }), ["SDZ-MIG-010", "SDZ-MIG-002"]);
    expect(flagged(off, "SDZ-MIG-010")).toEqual([]);
    expect(flagged(off, "SDZ-MIG-002")).toEqual([ACCOUNT]);
    const on = check(stateStore({}), ["SDZ-MIG-010"]);
    expect(flagged(on, "SDZ-MIG-010")).toEqual([SHARE]);
    expect(messages(on, "SDZ-MIG-010")[0]).toMatch(/provided SDZ-MIG-002 passes \(secure transfer on/);
  });
});

describe("SDZ-MIG-011 on provisioned v2 accounts", () => {
  test("a state migration share's quota on a provisioned v2 account is could-not-verify (Azure reports the bounds per account), not an error", () => {
    const tf = storageSite();
    addAccount(tf, { account_kind: "FileStorage", account_tier: "Premium", provisioned_billing_model_version: "V2" });
    addShare(tf, { quota: 50, metadata: shareRoleMetadata(DeploymentRole.STATE_MIGRATION_STORE) });
    expect(outcome(tf, ["SDZ-MIG-011"])).toEqual({ "SDZ-MIG-011": { fail: [], unverified: [SHARE] } });
    expect(messages(check(tf, ["SDZ-MIG-011"]), "SDZ-MIG-011")[0]).toMatch(/provisioned v2/);
  });
});
