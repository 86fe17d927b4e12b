/**
 * Reproducers of the MIG pack review (cases mig-nfs, mig-smb21, mig-prot, mig-smp-revert): raw,
 * untagged resources, asserting the exact (rule, address, status) set of the whole pack.
 */
import { ACCOUNT, addAccount, addRunCommand, addScript, addShare, addShareBackup, addVm, HARDENING_SCRIPT, patch, SHARE, storageSite } from "./builders";
import { PINNED_IDS } from "./pinned-ids";
import { CheckResult, FindingStatus } from "../../../src/engine/result";
import { check, messages, TfJson } from "../../support/rule-harness";

/** `rule address status` of every open finding of the pack, sorted. */
function outcomes(r: CheckResult): string[] {
  return r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

const FAIL = FindingStatus.FAIL;
const UNVERIFIED = FindingStatus.UNVERIFIED;

describe("C7b: NFS shares do not make an account serve SMB", () => {
  /** A premium FileStorage account (secure transfer off, as NFS needs) holding the share `images`. */
  function nfsAccount(share: Record<string, unknown>): TfJson {
    const tf = storageSite();
    addAccount(tf, {
      account_kind: "FileStorage", account_tier: "Premium", https_traffic_only_enabled: false, min_tls_version: undefined,
      share_properties: { retention_policy: { days: 14 } },
    });
    addShare(tf, share, "images", "usmt", "images");
    return tf;
  }

  test("mig-nfs: an NFS share on a FileStorage account draws none of the SMB rules", () => {
    expect(outcomes(check(nfsAccount({ enabled_protocol: "NFS" }), [...PINNED_IDS]))).toEqual([]);
  });

  test("an SMB share next to it (enabled_protocol unset: SMB) still does, naming only the SMB share", () => {
    const tf = nfsAccount({ enabled_protocol: "NFS" });
    addShare(tf, {}, "smb", "usmt", "smb");
    const r = check(tf, ["SDZ-MIG-001", "SDZ-MIG-002"]);
    expect(outcomes(r)).toEqual([`SDZ-MIG-001 ${ACCOUNT} ${FAIL}`, `SDZ-MIG-002 ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, "SDZ-MIG-002")[0]).toMatch(/storage account serving SMB \(it holds file share "smb" \(azurerm_storage_share\.smb\)\)/);
  });

  test("an enabled_protocol not known before apply: could-not-verify naming the field", () => {
    const tf = nfsAccount({ enabled_protocol: "${var.protocol}" });
    tf.json.variable = { protocol: { type: "string" } };
    const r = check(tf, ["SDZ-MIG-001", "SDZ-MIG-002", "SDZ-MIG-003", "SDZ-MIG-004"]);
    expect(outcomes(r)).toEqual(["SDZ-MIG-001", "SDZ-MIG-002", "SDZ-MIG-003", "SDZ-MIG-004"].map((id) => `${id} ${ACCOUNT} ${UNVERIFIED}`));
    expect(messages(r, "SDZ-MIG-002")[0]).toMatch(/azurerm_storage_share\.images enabled_protocol is not known before apply \(the variable protocol/);
  });

  test("a share on an account that cannot be followed: an NFS one puts no account in doubt, an SMB one does", () => {
    const tf = storageSite();
    tf.json.variable = { acct: { type: "string" } };
    addAccount(tf, { share_properties: undefined });
    addShare(tf, { storage_account_id: "${var.acct}", enabled_protocol: "NFS" }, "nfs", "usmt", "nfs");
    expect(outcomes(check(tf, ["SDZ-MIG-001"]))).toEqual([]);
    addShare(tf, { storage_account_id: "${var.acct}" }, "smb", "usmt", "smb");
    expect(outcomes(check(tf, ["SDZ-MIG-001"]))).toEqual([`SDZ-MIG-001 ${ACCOUNT} ${UNVERIFIED}`]);
  });
});

describe("C7b: SDZ-MIG-010 says nothing about SMB encryption on an NFS share", () => {
  test("a declared state migration NFS share gets no note; the same share over SMB does", () => {
    const tf = (protocol?: string) => {
      const t = storageSite();
      addAccount(t);
      addShare(t, { metadata: { sdz_role: "state-migration-store" }, ...(protocol ? { enabled_protocol: protocol } : {}) });
      return t;
    };
    expect(outcomes(check(tf("NFS"), ["SDZ-MIG-010"]))).toEqual([]);
    expect(outcomes(check(tf(), ["SDZ-MIG-010"]))).toEqual([`SDZ-MIG-010 azurerm_storage_share.usmt ${FAIL}`]);
  });
});

describe("C7a: SDZ-MIG-001 names only the SMB versions Azure accepts", () => {
  /** The account of case mig-smb21: secure SMB settings but no versions, holding the share `images`. */
  function smb21(overrides: Record<string, unknown> = {}, versions?: unknown): TfJson {
    const tf = storageSite();
    tf.json.variable = { https: { type: "bool" } };
    addAccount(tf, {
      share_properties: { retention_policy: { days: 14 }, smb: { channel_encryption_type: ["AES-256-GCM"], authentication_types: ["Kerberos"], kerberos_ticket_encryption_type: ["AES-256"], ...(versions ? { versions } : {}) } },
      ...overrides,
    });
    addShare(tf, {}, "images", "usmt", "images");
    return tf;
  }
  const ID = "SDZ-MIG-001";

  test("mig-smb21: versions unset with secure transfer on (the default): SMB 3.0 is accepted, SMB 2.1 is refused", () => {
    for (const https of [undefined, true]) {
      const r = check(smb21({ https_traffic_only_enabled: https }), [...PINNED_IDS]);
      expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
      expect(messages(r, ID)[0]).toMatch(/accepts SMB3\.0: share_properties\.smb\.versions is unset \(Azure then allows every version\); SMB 2\.1 is refused while secure transfer is on$/);
      expect(messages(r, ID)[0]).not.toMatch(/accepts SMB2\.1|SMB 2\.1 and/);
    }
  });

  test("secure transfer off: SMB 2.1 is accepted too, and the message says why", () => {
    const r = check(smb21({ https_traffic_only_enabled: false }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, ID)[0]).toMatch(/accepts SMB2\.1, SMB3\.0: .*; SMB 2\.1 because secure transfer is off \(https_traffic_only_enabled = false\)/);
  });

  test("an explicit SMB2.1 with SMB 3.1.1: refused with secure transfer on (pass), accepted with it off, could-not-verify when it is not known", () => {
    expect(outcomes(check(smb21({}, ["SMB2.1", "SMB3.1.1"]), [ID]))).toEqual([]);
    expect(outcomes(check(smb21({ https_traffic_only_enabled: false }, ["SMB2.1", "SMB3.1.1"]), [ID]))).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
    const r = check(smb21({ https_traffic_only_enabled: "${var.https}" }, ["SMB2.1", "SMB3.1.1"]), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/accepts SMB 2\.1 unless secure transfer is on \(https_traffic_only_enabled is not known before apply \(the variable https/);
  });

  test("versions unset and secure transfer not known: SMB 3.0 is the finding, SMB 2.1 named as a doubt", () => {
    const r = check(smb21({ https_traffic_only_enabled: "${var.https}" }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, ID)[0]).toMatch(/accepts SMB3\.0: .*; and SMB 2\.1 unless secure transfer is on \(https_traffic_only_enabled is not known before apply/);
  });
});

describe("C4: SDZ-MIG-007 matches a backup on the share's account, and checks its vault", () => {
  const ID = "SDZ-MIG-007";
  const PROTECTION = "azurerm_backup_protected_file_share.usmt";
  const VAULT = "azurerm_recovery_services_vault.rsv";
  /** A declared state store `usmt` with its share, backed up to vault `rsv` (soft delete off), the protection changed by `fields`. */
  function prot(fields: Record<string, unknown>): TfJson {
    const tf = storageSite();
    tf.json.variable = { vault: { type: "string" }, acct: { type: "string" } };
    addAccount(tf, { tags: { "sdz-role": "state-migration-store" } });
    addShare(tf);
    addShareBackup(tf, { softDelete: false });
    patch(tf, PROTECTION, fields);
    return tf;
  }

  test("mig-prot: account and vault from variables: could-not-verify on the share naming both fields, never a pass", () => {
    const r = check(prot({ source_storage_account_id: "${var.acct}", recovery_vault_name: "${var.vault}" }), [...PINNED_IDS]);
    expect(outcomes(r).filter((o) => o.startsWith(ID))).toEqual([`${ID} ${SHARE} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/cannot be matched \(azurerm_backup_protected_file_share\.usmt: source_storage_account_id is not known before apply \(the variable acct.*; recovery_vault_name of azurerm_backup_protected_file_share\.usmt is not known before apply \(the variable vault/);
  });

  test("the account known, the vault from a variable: matched, and the vault's soft delete is could-not-verify naming recovery_vault_name", () => {
    const r = check(prot({ recovery_vault_name: "${var.vault}" }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${SHARE} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/recovery_vault_name of azurerm_backup_protected_file_share\.usmt is not known before apply/);
  });

  test("the vault named by a literal: the vault of this configuration is checked (soft delete off: error); a vault elsewhere is could-not-verify", () => {
    expect(outcomes(check(prot({ recovery_vault_name: "usmt-rsv" }), [ID]))).toEqual([`${ID} ${VAULT} ${FAIL}`]);
    const r = check(prot({ recovery_vault_name: "central-rsv" }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${SHARE} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/its vault "central-rsv" \(recovery_vault_name of azurerm_backup_protected_file_share\.usmt\) is not managed by this configuration/);
  });

  test("a reference to the share on another account protects a same-named share elsewhere: no backup (error)", () => {
    const tf = prot({ source_storage_account_id: TfJson.ref("azurerm_storage_account.other") });
    addAccount(tf, {}, "other", "contosoother01");
    expect(outcomes(check(tf, [ID]))).toEqual([`${ID} ${SHARE} ${FAIL}`]);
  });
});

describe("F3: SDZ-MIG-007 follows source_storage_account_id through a backup container's storage_account_id", () => {
  const ID = "SDZ-MIG-007";
  const PROTECTION = "azurerm_backup_protected_file_share.usmt";
  const CONTAINER = "azurerm_backup_container_storage_account.protection-container";
  /** A declared state store `usmt` backed up as azurerm's documented example writes it: the account ID taken from the container, whose storage_account_id is `containerAccount`. */
  function viaContainer(containerAccount: unknown): TfJson {
    const tf = storageSite();
    tf.json.variable = { acct: { type: "string" } };
    addAccount(tf, { tags: { "sdz-role": "state-migration-store" } });
    addShare(tf);
    addAccount(tf, {}, "other", "contosoother01");
    addShareBackup(tf);
    tf.add("azurerm_backup_container_storage_account", "protection-container", {
      resource_group_name: "rg", recovery_vault_name: "${azurerm_recovery_services_vault.rsv.name}", ...(containerAccount !== undefined ? { storage_account_id: containerAccount } : {}),
    });
    patch(tf, PROTECTION, { source_storage_account_id: TfJson.ref(CONTAINER, "storage_account_id") });
    return tf;
  }

  test("r02: the container's storage_account_id is the share's account: protected (hashicorp/terraform-provider-azurerm backup_protected_file_share.html.markdown example)", () => {
    expect(outcomes(check(viaContainer(TfJson.ref(ACCOUNT)), [ID]))).toEqual([]);
  });

  test("the container registers another account: the share has no backup (error)", () => {
    const r = check(viaContainer(TfJson.ref("azurerm_storage_account.other")), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${SHARE} ${FAIL}`]);
    expect(messages(r, ID)[0]).toMatch(/has no azurerm_backup_protected_file_share$/);
  });

  test("the container's storage_account_id from a variable, or not set: could-not-verify naming the fields, never a definite \"no backup\"", () => {
    let r = check(viaContainer("${var.acct}"), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${SHARE} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/source_storage_account_id is not known before apply \(via azurerm_backup_container_storage_account\.protection-container\.storage_account_id: the variable acct/);
    r = check(viaContainer(undefined), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${SHARE} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/source_storage_account_id is not known before apply \(it refers to azurerm_backup_container_storage_account\.protection-container\.storage_account_id, which this configuration does not set/);
  });

  test("the share's own storage_account_id is followed too; a resource's own id is not an account (error)", () => {
    const tf = viaContainer(TfJson.ref(ACCOUNT));
    patch(tf, PROTECTION, { source_storage_account_id: TfJson.ref(SHARE, "storage_account_id") });
    expect(outcomes(check(tf, [ID]))).toEqual([]);
    patch(tf, PROTECTION, { source_storage_account_id: TfJson.ref(CONTAINER) });
    expect(outcomes(check(tf, [ID]))).toEqual([`${ID} ${SHARE} ${FAIL}`]);
  });
});

describe("C9: SDZ-MIG-009 takes the last value Windows keeps", () => {
  const ID = "SDZ-MIG-009";
  const VM = "azurerm_windows_virtual_machine.smp01";
  const REVERT = "Set-SmbServerConfiguration -RequireSecuritySignature $false -EncryptData $false -RejectUnencryptedAccess $false -Force";
  /** A declared state migration point `smp01` with the given scripts. */
  function smp(extra: (tf: TfJson, vm: string) => void): TfJson {
    const tf = storageSite();
    extra(tf, addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }));
    return tf;
  }

  test("mig-smp-revert: a script that hardens, reads back, then sets the options to $false is an error naming each", () => {
    const r = check(smp((tf, vm) => addScript(tf, "harden", vm, `${HARDENING_SCRIPT}; if (-not $c.RequireSecuritySignature) { throw 'not applied' }\n${REVERT}`)), [...PINNED_IDS]);
    expect(outcomes(r)).toEqual([`${ID} ${VM} ${FAIL}`, `SDZ-MIG-011 ${VM} ${FAIL}`, `SDZ-MIG-012 ${VM} ${UNVERIFIED}`, `SDZ-MIG-013 ${VM} ${FAIL}`]);
    expect(messages(r, ID)[0]).toMatch(/does not apply SMB signing required \(RequireSecuritySignature\) \[azurerm_virtual_machine_extension\.harden sets RequireSecuritySignature to \$false last\], SMB encryption required \(EncryptData\) \[.*\], unencrypted access rejected \(RejectUnencryptedAccess\) \[.*\]$/);
  });

  test("$false first, then $true and a read-back (also as -Name:$true) passes", () => {
    const fixed = HARDENING_SCRIPT.replace("-RequireSecuritySignature $true", "-RequireSecuritySignature:$true");
    expect(outcomes(check(smp((tf, vm) => addScript(tf, "harden", vm, `${REVERT}\n${fixed}`)), [ID]))).toEqual([]);
  });

  test("a value from a variable, or splatted arguments, written last: could-not-verify naming it", () => {
    let r = check(smp((tf, vm) => addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -EncryptData $encrypt -Force`)), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${VM} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/SMB encryption required \(EncryptData\): azurerm_virtual_machine_extension\.harden writes it last, but -EncryptData \$encrypt is not a literal \$true or \$false/);
    r = check(smp((tf, vm) => addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration @smb -Force`)), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${VM} ${UNVERIFIED}`]);
    expect(messages(r, ID)[0]).toMatch(/Set-SmbServerConfiguration @smb passes arguments the checks do not read/);
  });

  describe("across two scripts on the VM", () => {
    /** The hardening extension, and a run command that reverts signing, ordered by `order`. */
    function two(order: "none" | "revert-after" | "harden-after"): TfJson {
      return smp((tf, vm) => {
        const harden = addScript(tf, "harden", vm, HARDENING_SCRIPT);
        const revert = addRunCommand(tf, "revert", vm, "Set-SmbServerConfiguration -RequireSecuritySignature $false -Force");
        if (order === "revert-after") patch(tf, revert, { depends_on: [harden] });
        if (order === "harden-after") patch(tf, harden, { depends_on: [revert] });
      });
    }

    test("unordered: which value Windows keeps is not known: could-not-verify naming both", () => {
      const r = check(two("none"), [ID]);
      expect(outcomes(r)).toEqual([`${ID} ${VM} ${UNVERIFIED}`]);
      expect(messages(r, ID)[0]).toMatch(/SMB signing required \(RequireSecuritySignature\): azurerm_virtual_machine_extension\.harden sets -RequireSecuritySignature \$true and azurerm_virtual_machine_run_command\.revert sets -RequireSecuritySignature \$false last, and no depends_on orders them/);
    });

    test("the $false one runs after (depends_on): an error; the hardening runs after: a pass", () => {
      const r = check(two("revert-after"), [ID]);
      expect(outcomes(r)).toEqual([`${ID} ${VM} ${FAIL}`]);
      expect(messages(r, ID)[0]).toMatch(/does not apply SMB signing required \(RequireSecuritySignature\) \[azurerm_virtual_machine_run_command\.revert sets RequireSecuritySignature to \$false last\]$/);
      expect(outcomes(check(two("harden-after"), [ID]))).toEqual([]);
    });
  });
});

describe("S2: SDZ-MIG-006 says what is known about share soft delete", () => {
  const ID = "SDZ-MIG-006";
  const account = (overrides: Record<string, unknown>) => {
    const tf = storageSite();
    addAccount(tf, overrides);
    addShare(tf);
    return tf;
  };

  test("no share_properties block: Azure's default (on for new accounts) is not claimed away, but nothing here ensures it", () => {
    const r = check(account({ share_properties: undefined }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, ID)[0]).not.toMatch(/gone at once/);
  });

  test("share_properties without retention_policy: azurerm turns soft delete off, a deleted share is gone at once", () => {
    const r = check(account({ share_properties: { smb: { versions: ["SMB3.1.1"] } } }), [ID]);
    expect(outcomes(r)).toEqual([`${ID} ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, ID)[0]).toMatch(/sets share_properties without retention_policy, so azurerm turns share soft delete off: a deleted share is gone at once/);
  });
});

describe("S3: SDZ-MIG-014 and management locks", () => {
  test("a CanNotDelete lock of this configuration on the account does not stop its own destroy: still a warning, naming the lock", () => {
    const tf = storageSite();
    addAccount(tf, { lifecycle: undefined, tags: { "sdz-role": "state-migration-store" } });
    tf.add("azurerm_management_lock", "usmt", { name: "usmt-lock", scope: TfJson.ref(ACCOUNT), lock_level: "CanNotDelete" });
    const r = check(tf, ["SDZ-MIG-014"]);
    expect(outcomes(r)).toEqual([`SDZ-MIG-014 ${ACCOUNT} ${FAIL}`]);
    expect(messages(r, "SDZ-MIG-014")[0]).toMatch(/azurerm_management_lock\.usmt on it does not stop that: Terraform destroys the lock first/);
  });
});
