import { ACCOUNT, ACCOUNT_NAME, addAccount, addFilesEndpoint, addScript, addShare, addSiteServerAdding, addVm, patch, SHARE, storageSite, UNC } from "./builders";
import { STATE_EVIDENCE } from "./evidence";
import { StateMigrationPoints } from "../../../src/engine/state-migration-points";
import { describeClaim, Storage } from "../../../src/engine/storage";
import { check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

/** An account with a share and nothing that says what it holds. */
function bare(extra: (tf: TfJson) => void = () => undefined): TfJson {
  const tf = storageSite();
  addAccount(tf);
  addShare(tf);
  extra(tf);
  return tf;
}

function storageOf(tf: TfJson) {
  const model = tf.model();
  const storage = Storage.of(model);
  const account = storage.accountOf(model.byAddress(ACCOUNT))!;
  return { model, storage, account, share: storage.shares.find((s) => s.resource.address === SHARE)! };
}

describe("storage roles with evidence", () => {
  test.each(STATE_EVIDENCE)("%s makes the account and its share a state migration store", (_what, evidence, says) => {
    const { storage, account, share } = storageOf(bare(evidence));
    expect(storage.accountClaims(account, "state-migration-store" as never).map(describeClaim).join("\n")).toMatch(says);
    expect(storage.shareClaims(share, "state-migration-store" as never).length).toBeGreaterThan(0);
    expect(storage.stateStoreDoubt(account)).toBeUndefined();
  });

  test("nothing that uses it: no role, and no doubt", () => {
    const { storage, account } = storageOf(bare((tf) => addVm(tf, "app01", "smp", "10.0.1.30")));
    expect(storage.accountClaims(account)).toEqual([]);
    expect(storage.stateStoreDoubt(account)).toBeUndefined();
    expect(storage.smbServing(account)).toMatch(/holds file share "usmt"/);
  });

  test("a UNC path names one share: the other shares of the account are not state shares, the account is", () => {
    const { storage, account, model } = storageOf(bare((tf) => {
      addShare(tf, {}, "other", "usmt", "other");
      addScript(tf, "map", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `net use S: ${UNC}`);
    }));
    const other = storage.shares.find((s) => s.resource === model.byAddress("azurerm_storage_share.other"))!;
    expect(storage.shareClaims(other)).toEqual([]);
    expect(storage.accountClaims(account).map((c) => c.role)).toEqual(["state-migration-store"]);
  });

  test("a UNC path to a share this configuration does not manage is kept on the account", () => {
    const tf = storageSite();
    addAccount(tf, { share_properties: undefined });
    addScript(tf, "map", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `net use S: ${UNC}`);
    const { storage, account } = storageOf(tf);
    expect([...account.referencedShares.keys()]).toEqual(["usmt"]);
    expect(storage.smbServing(account)).toMatch(/state migration store/);
  });

  test("a private endpoint of another sub-resource (blob), or in a zone with no state migration point, is no evidence", () => {
    const { storage, account } = storageOf(bare((tf) => {
      addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" });
      addFilesEndpoint(tf, "blob_pe", ACCOUNT, "smp", "blob");
      addFilesEndpoint(tf, "file_pe", ACCOUNT, "content");
    }));
    expect(storage.accountClaims(account)).toEqual([]);
    expect(account.filesEndpoints.map((e) => e.resource.address)).toEqual(["azurerm_private_endpoint.file_pe"]);
  });

  test("a Files private endpoint alone makes an account without shares SMB-serving", () => {
    const tf = storageSite();
    addAccount(tf, { share_properties: undefined });
    addFilesEndpoint(tf, "pe", ACCOUNT, "content");
    const { storage, account } = storageOf(tf);
    expect(storage.smbServing(account)).toBe("Files private endpoint azurerm_private_endpoint.pe");
  });

  test("a blob-only account serves no SMB", () => {
    const tf = storageSite();
    addAccount(tf, { share_properties: undefined });
    const { storage, account } = storageOf(tf);
    expect(storage.smbServing(account)).toBeUndefined();
  });

  test("shares follow azurerm 4.x storage_account_id (reference or literal ID) and the deprecated storage_account_name", () => {
    const tf = storageSite();
    addAccount(tf);
    tf.add("azurerm_storage_share", "by_id", { name: "a", quota: 10, storage_account_id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${ACCOUNT_NAME}` });
    tf.add("azurerm_storage_share", "by_name", { name: "b", quota: 10, storage_account_name: ACCOUNT_NAME });
    const { account } = storageOf(tf);
    expect(account.shares.map((s) => s.resource.address)).toEqual(["azurerm_storage_share.by_id", "azurerm_storage_share.by_name"]);
  });

  describe("deployment content", () => {
    const CONTENT: [string, (tf: TfJson) => void, RegExp][] = [
      ["sdz-role on the account", (tf) => patch(tf, ACCOUNT, { tags: { "sdz-role": "deployment-content" } }), /declared: sdz-role=deployment-content/],
      ["a reference computer's capture location", (tf) => addVm(tf, "ref01", "servers", "10.0.2.30", { "sdz-ref-capture-location": `${UNC}\\captures` }), /deployment-content declared: share "usmt" .*: sdz-ref-capture-location=.*\\captures on azurerm_windows_virtual_machine\.ref01/],
      ["an out-of-band service point's IDE image location", (tf) => addVm(tf, "oob01", "servers", "10.0.2.31", { "sdz-oob-ide-image-location": UNC }), /deployment-content declared: share "usmt" .*: sdz-oob-ide-image-location=.* on azurerm_windows_virtual_machine\.oob01/],
      ["a script on a declared KMS host", (tf) => addScript(tf, "copy", addVm(tf, "kms01", "servers", "10.0.2.5", { "sdz-role": "kms-host" }), `Copy-Item ${UNC}\\kms.iso C:\\`), /inferred: .*in azurerm_virtual_machine_extension\.copy on kms-host azurerm_windows_virtual_machine\.kms01 \(declared/],
      ["a Files private endpoint in a declared domain controller's zone", (tf) => {
        addVm(tf, "dc01", "servers", "10.0.2.4", { "sdz-role": "domain-controller" });
        addFilesEndpoint(tf, "pe", ACCOUNT, "servers");
      }, /inferred: its Files private endpoint azurerm_private_endpoint\.pe is in the zone of domain-controller azurerm_windows_virtual_machine\.dc01/],
    ];
    test.each(CONTENT)("%s makes it deployment content, not a state store", (_what, evidence, says) => {
      const { storage, account } = storageOf(bare(evidence));
      expect(storage.accountClaims(account).map((c) => `${c.role} ${c.source}: ${c.evidence}`).join("\n")).toMatch(says);
      expect(storage.accountClaims(account, "state-migration-store" as never)).toEqual([]);
      const r = check(bare(evidence), ["SDZ-MIG-007", "SDZ-MIG-011", "SDZ-MIG-014"]);
      expect(r.findings.filter((f) => f.address.startsWith("azurerm_storage"))).toEqual([]);
    });

    test.each(PLACEMENTS)("a Files private endpoint in the zone of a KMS host inferred from its %s NSG rule", (placement) => {
      const s = site(placement, [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")], {
        extend: (tf) => {
          addAccount(tf, { public_network_access_enabled: true, network_rules: undefined });
          addShare(tf);
          addFilesEndpoint(tf, "pe", ACCOUNT, "servers");
        },
      });
      const r = check(s.tf, ["SDZ-MIG-005"]);
      expect(flagged(r, "SDZ-MIG-005")).toEqual([ACCOUNT]);
      expect(r.findings[0].level).toBe("warning");
      expect(messages(r, "SDZ-MIG-005")[0]).toMatch(/deployment content storage account \(inferred: its Files private endpoint azurerm_private_endpoint\.pe is in the zone of kms-host azurerm_windows_virtual_machine\.app01 \(inferred: reachable on TCP 1688 through rule "allow-kms"/);
    });

    test.each(PLACEMENTS)("without the KMS rule (%s placement), the same endpoint is no evidence", (placement) => {
      const s = site(placement, [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")], {
        extend: (tf) => {
          addAccount(tf, { public_network_access_enabled: true, network_rules: undefined });
          addShare(tf);
          addFilesEndpoint(tf, "pe", ACCOUNT, "servers");
        },
      });
      expect(check(s.tf, ["SDZ-MIG-005"]).findings).toEqual([]);
    });
  });

  describe("could not tell", () => {
    test.each([
      ["the account's tags come from a variable", (tf: TfJson) => patch(tf, ACCOUNT, { tags: "${var.tags}" }), /azurerm_storage_account\.usmt tags: its tags are not known before apply/],
      ["the share's metadata comes from a variable", (tf: TfJson) => patch(tf, SHARE, { metadata: "${var.meta}" }), /share "usmt" \(azurerm_storage_share\.usmt\): azurerm_storage_share\.usmt metadata/],
      ["the account's sdz-role is not a role list", (tf: TfJson) => patch(tf, ACCOUNT, { tags: { "sdz-role": "usmt-store" } }), /its sdz-role tag is "usmt-store"/],
      ["a state migration point keeps its script in protected settings", (tf: TfJson) => {
        addScript(tf, "secret", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `net use S: ${UNC}`, "protected_settings");
      }, /state migration point azurerm_windows_virtual_machine\.smp01 .* runs scripts the checks cannot read \(azurerm_virtual_machine_extension\.secret keeps/],
    ])("%s: could-not-verify, once, by SDZ-MIG-005", (_what, change, says) => {
      const tf = bare(change);
      const { storage, account } = storageOf(tf);
      expect(storage.stateStoreDoubt(account)).toMatch(says);
      const r = check(tf, ["SDZ-MIG-005", "SDZ-MIG-007", "SDZ-MIG-011", "SDZ-MIG-014"]);
      const onStorage = r.findings.filter((f) => f.address.startsWith("azurerm_storage"));
      expect(onStorage.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([`SDZ-MIG-005 unverified ${ACCOUNT}`]);
      expect(messages(r, "SDZ-MIG-005")[0]).toMatch(/whether azurerm_storage_account\.usmt is a state migration store/);
    });

    test("an account whose name is not known, and a state migration point's script naming a Files host of no known account", () => {
      const tf = bare((t) => {
        patch(t, ACCOUNT, { name: "${var.account_name}" });
        addScript(t, "map", addVm(t, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), "net use S: \\\\someacct01.file.core.windows.net\\usmt");
      });
      const r = check(tf, ["SDZ-MIG-005"]);
      expect(unverifiedAt(r, "SDZ-MIG-005")).toEqual([ACCOUNT]);
      expect(messages(r, "SDZ-MIG-005")[0]).toMatch(/its name is not known before apply .* uses someacct01\.file\.core\.windows\.net/);
    });

    test("a declared deployment content account is not doubted", () => {
      const tf = bare((t) => {
        patch(t, ACCOUNT, { tags: { "sdz-role": "deployment-content" } });
        addScript(t, "secret", addVm(t, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), "x", "protected_settings");
      });
      expect(check(tf, ["SDZ-MIG-005"]).findings).toEqual([]);
    });
  });
});

describe("state migration points with evidence", () => {
  function pointsOf(build: (tf: TfJson) => void) {
    const tf = storageSite();
    build(tf);
    const sm = StateMigrationPoints.of(tf.model());
    return { points: sm.points.map((p) => `${p.vm.resource.address} ${p.claim.source}: ${p.claim.evidence}`), undetermined: sm.undetermined.map((u) => u.vm.resource.address) };
  }

  test("declared by sdz-role on the VM or its NIC", () => {
    const r = pointsOf((tf) => addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }));
    expect(r.points).toEqual(["azurerm_windows_virtual_machine.smp01 declared: sdz-role=state-migration-point on azurerm_windows_virtual_machine.smp01"]);
  });

  test.each([
    ["the FQDN of its computer name", "smp01.corp.contoso.com"],
    ["its name", "SMP01"],
  ])("inferred from Add-CMStateMigrationPoint naming %s", (_what, server) => {
    const r = pointsOf((tf) => {
      addSiteServerAdding(tf, "", server);
      addVm(tf, "smp01", "smp", "10.0.1.20");
    });
    expect(r.points).toEqual([expect.stringMatching(/^azurerm_windows_virtual_machine\.smp01 inferred: azurerm_virtual_machine_run_command\.smp_role configures it \(Add-CMStateMigrationPoint/)]);
  });

  test("not inferred for another server, nor from a script the checks cannot read", () => {
    const r = pointsOf((tf) => {
      addSiteServerAdding(tf, "", "smp02.corp.contoso.com");
      addScript(tf, "hidden", addVm(tf, "cm02", "servers", "10.0.2.11"), "Add-CMStateMigrationPoint -SiteSystemServerName smp01", "protected_settings");
      addVm(tf, "smp01", "smp", "10.0.1.20");
    });
    expect(r.points).toEqual([]);
  });

  test("a VM whose tags come from a variable is undetermined", () => {
    const r = pointsOf((tf) => {
      const vm = addVm(tf, "vm01", "smp", "10.0.1.20");
      patch(tf, vm, { tags: "${var.tags}" });
    });
    expect(r).toEqual({ points: [], undetermined: ["azurerm_windows_virtual_machine.vm01"] });
  });
});

describe("doubts are about SMB-serving accounts only", () => {
  test("a blob-only account whose tags come from a variable is not doubted", () => {
    const tf = storageSite();
    addAccount(tf, { share_properties: undefined, tags: "${var.tags}" });
    expect(check(tf, ["SDZ-MIG-005"]).findings).toEqual([]);
  });
});
