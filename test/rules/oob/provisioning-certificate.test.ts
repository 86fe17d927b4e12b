import { TfJson } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { RuleLevel } from "../../../src/engine/rule";
import { certificateExample, CertificateExampleOptions } from "../../../src/rules/oob/certificate-examples";
import { check, flagged, messages, unverifiedAt } from "../../support/rule-harness";

const CERT = "azurerm_key_vault_certificate.amt";
const VAULT = "azurerm_key_vault.kv";

/** The example site with the vault `kv` and the certificate `amt` (Intel's AMT provisioning EKU, untagged), changed by `edit`. */
function site(opts: CertificateExampleOptions = {}, edit: (policy: Record<string, any>, tf: TfJson) => void = () => undefined): TfJson {
  const tf = TfJson.fromJson(certificateExample(opts));
  edit((tf.json.resource.azurerm_key_vault_certificate.amt.certificate_policy as Record<string, any>[])[0], tf);
  return tf;
}
const lifetime = (actionType: string, trigger: Record<string, unknown>) => (p: Record<string, any>) => {
  p.lifetime_action = [{ action: [{ action_type: actionType }], trigger: [trigger] }];
};

describe("the AMT provisioning certificate is found without tags", () => {
  test("by Intel's AMT provisioning extended key usage, or by its tag; other certificates are not checked", () => {
    expect(flagged(check(site({ renewDays: 5 }), ["SDZ-OOB-004"]), "SDZ-OOB-004")).toEqual([CERT]);
    const other = site({ renewDays: 5 }, (p) => (p.x509_certificate_properties[0].extended_key_usage = ["1.3.6.1.5.5.7.3.1"]));
    expect(check(other, ["SDZ-OOB-004"]).findings).toEqual([]);
    const tagged = site({ renewDays: 5 }, (p, tf) => {
      p.x509_certificate_properties[0].extended_key_usage = ["1.3.6.1.5.5.7.3.1"];
      tf.json.resource.azurerm_key_vault_certificate.amt.tags = { [OobTags.PROVISIONING_CERTIFICATE]: "true" };
    });
    expect(flagged(check(tagged, ["SDZ-OOB-004"]), "SDZ-OOB-004")).toEqual([CERT]);
  });

  test("a certificate whose extended key usage is not known is could-not-verify once (SDZ-OOB-004)", () => {
    const tf = site({}, (p) => (p.x509_certificate_properties[0].extended_key_usage = "${var.ekus}"));
    const r = check(tf, ["SDZ-OOB-004", "SDZ-OOB-005", "SDZ-OOB-010", "SDZ-OOB-011", "SDZ-OOB-012"]);
    expect(r.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([["SDZ-OOB-004", CERT, "unverified"]]);
  });

  test("x509_certificate_properties or certificate_policy written as a dynamic block: undecided, could-not-verify once (SDZ-OOB-004) naming the block", () => {
    const ALL = ["SDZ-OOB-004", "SDZ-OOB-005", "SDZ-OOB-010", "SDZ-OOB-011", "SDZ-OOB-012"];
    const x509 = site({}, (p) => {
      p.dynamic = { x509_certificate_properties: { for_each: "${[1]}", content: p.x509_certificate_properties[0] } };
      delete p.x509_certificate_properties;
    });
    const r = check(x509, ALL);
    expect(r.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([["SDZ-OOB-004", CERT, "unverified"]]);
    expect(messages(r, "SDZ-OOB-004")[0]).toMatch(/whether azurerm_key_vault_certificate\.amt is the AMT provisioning certificate is not known \(x509_certificate_properties is a dynamic block/);
    const dynPolicy = (tagged: boolean) => site({}, (_p, tf) => {
      const cert = tf.json.resource.azurerm_key_vault_certificate.amt as Record<string, any>;
      cert.dynamic = { certificate_policy: { for_each: "${var.policies}", content: cert.certificate_policy[0] } };
      delete cert.certificate_policy;
      if (tagged) cert.tags = { [OobTags.PROVISIONING_CERTIFICATE]: "true" };
    });
    const untagged = check(dynPolicy(false), ALL);
    expect(untagged.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([["SDZ-OOB-004", CERT, "unverified"]]);
    expect(messages(untagged, "SDZ-OOB-004")[0]).toMatch(/\(certificate_policy is a dynamic block/);
    // Tagged, it is the provisioning certificate, but not an imported one: its renewal, issuer and key export are not known.
    const tagged = check(dynPolicy(true), ["SDZ-OOB-004", "SDZ-OOB-010", "SDZ-OOB-011"]);
    expect(tagged.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([
      ["SDZ-OOB-004", CERT, "unverified"], ["SDZ-OOB-010", CERT, "unverified"], ["SDZ-OOB-011", CERT, "unverified"],
    ]);
    expect(tagged.findings.map((f) => f.message)).toEqual(Array(3).fill(expect.stringMatching(/certificate_policy is a dynamic block/)));
  });
});

describe("SDZ-OOB-004 renewal before expiry", () => {
  const ID = "SDZ-OOB-004";
  test("AutoRenew 60 days before expiry passes; 30 warns; 10 is an error", () => {
    expect(check(site({ renewDays: 60 }), [ID]).findings).toEqual([]);
    expect(check(site({ renewDays: 30 }), [ID]).findings.map((f) => [f.address, f.level])).toEqual([[CERT, RuleLevel.WARNING]]);
    expect(check(site({ renewDays: 10 }), [ID]).findings.map((f) => [f.address, f.level])).toEqual([[CERT, RuleLevel.ERROR]]);
  });

  test("lifetime_percentage is turned into days with the validity (12 months at 80% leaves ~73 days, at 98% ~7)", () => {
    expect(check(site({}, lifetime("AutoRenew", { lifetime_percentage: 80 })), [ID]).findings).toEqual([]);
    expect(check(site({}, lifetime("AutoRenew", { lifetime_percentage: 98 })), [ID]).findings.map((f) => f.level)).toEqual([RuleLevel.ERROR]);
  });

  test("a CSR signed outside Key Vault (issuer Unknown) is reminded by email: EmailContacts 45 days before passes, AutoRenew cannot renew it", () => {
    expect(check(site({ issuer: "Unknown", renewDays: 45 }), [ID]).findings).toEqual([]);
    const r = check(site({ issuer: "Unknown" }, lifetime("AutoRenew", { days_before_expiry: 60 })), [ID]);
    expect(flagged(r, ID)).toEqual([CERT]);
    expect(messages(r, ID)[0]).toMatch(/no EmailContacts lifetime action \(it is signed outside Key Vault/);
  });

  test("email only for a certificate Key Vault issues, or an imported certificate, is reported", () => {
    expect(messages(check(site({}, lifetime("EmailContacts", { days_before_expiry: 60 })), [ID]), ID)[0]).toMatch(/no AutoRenew lifetime action/);
    const imported = site({}, (_p, tf) => {
      delete tf.json.resource.azurerm_key_vault_certificate.amt.certificate_policy;
      tf.json.resource.azurerm_key_vault_certificate.amt.certificate = [{ contents: "${filebase64(\"amt.pfx\")}" }];
      tf.json.resource.azurerm_key_vault_certificate.amt.tags = { [OobTags.PROVISIONING_CERTIFICATE]: "true" };
    });
    expect(messages(check(imported, [ID]), ID)[0]).toMatch(/imported without a certificate policy/);
  });

  test("lifetime_action or issuer_parameters written as a dynamic block: could-not-verify naming it, never 'no lifetime action'", () => {
    const dynLifetime = (keepStatic: number | undefined) => site({ issuer: "Unknown" }, (p, tf) => {
      p.dynamic = { lifetime_action: { for_each: "${var.renewals}", content: { action: [{ action_type: "EmailContacts" }], trigger: [{ days_before_expiry: 60 }] } } };
      if (keepStatic === undefined) delete p.lifetime_action;
      else p.lifetime_action[0].trigger[0].days_before_expiry = keepStatic;
      tf.json.resource.azurerm_key_vault_certificate.amt.tags = { [OobTags.PROVISIONING_CERTIFICATE]: "true" };
    });
    const r = check(dynLifetime(undefined), [ID]);
    expect(r.findings.map((f) => [f.address, f.status])).toEqual([[CERT, "unverified"]]);
    expect(messages(r, ID)[0]).toMatch(/: lifetime_action is a dynamic block, expanded at plan time$/);
    // A static reminder 45 days before is enough whatever the dynamic block adds; one 10 days before may be bettered by it.
    expect(check(dynLifetime(45), [ID]).findings).toEqual([]);
    expect(messages(check(dynLifetime(10), [ID]), ID)).toEqual([expect.stringMatching(/could not verify: .*lifetime_action is a dynamic block, expanded at plan time \(the known reminder is only 10 days before expiry\)$/)]);
    const dynIssuer = site({}, (p) => {
      p.dynamic = { issuer_parameters: { for_each: "${[1]}", content: { name: "Self" } } };
      delete p.issuer_parameters;
    });
    const i = check(dynIssuer, [ID, "SDZ-OOB-010"]);
    expect(i.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([[ID, CERT, "unverified"], ["SDZ-OOB-010", CERT, "unverified"]]);
    expect(i.findings.map((f) => f.message)).toEqual(Array(2).fill(expect.stringMatching(/issuer_parameters is a dynamic block/)));
  });

  test("days or issuer from a variable are could-not-verify", () => {
    expect(unverifiedAt(check(site({}, lifetime("AutoRenew", { days_before_expiry: "${var.days}" })), [ID]), ID)).toEqual([CERT]);
    expect(unverifiedAt(check(site({}, (p) => (p.issuer_parameters = [{ name: "${var.issuer}" }])), [ID]), ID)).toEqual([CERT]);
  });
});

describe("SDZ-OOB-005 the vault", () => {
  const ID = "SDZ-OOB-005";
  test("a public vault without purge protection is two errors on the vault; a private, protected one passes", () => {
    const r = check(site({ publicAccess: true, purgeProtection: false }), [ID]);
    expect(flagged(r, ID)).toEqual([VAULT, VAULT]);
    expect(messages(r, ID)).toEqual([expect.stringMatching(/without purge protection/), expect.stringMatching(/public network access on/)]);
    expect(check(site(), [ID]).findings).toEqual([]);
  });

  test("public access on: the message says what the firewall admits; a firewall denying every public network is a warning, not an error", () => {
    const acls = (networkAcls: unknown) => site({ publicAccess: true }, (_p, tf) => {
      const kv = tf.json.resource.azurerm_key_vault.kv as Record<string, unknown>;
      delete kv.public_network_access_enabled;
      if (networkAcls !== undefined) kv.network_acls = networkAcls;
    });
    const level = (tf: TfJson) => check(tf, [ID]).findings.map((f) => [f.address, f.level, f.status]);
    const closed = acls([{ default_action: "Deny", bypass: "AzureServices" }]);
    expect(level(closed)).toEqual([[VAULT, RuleLevel.WARNING, "fail"]]);
    expect(messages(check(closed, [ID]), ID)[0]).toMatch(/with public network access on \(the default\), though its firewall .* admits no public network today/);
    const open = acls([{ default_action: "Deny", bypass: "None", ip_rules: ["203.0.113.0/24"] }]);
    expect(level(open)).toEqual([[VAULT, RuleLevel.ERROR, "fail"]]);
    expect(messages(check(open, [ID]), ID)[0]).toMatch(/admits IP ranges 203\.0\.113\.0\/24 to its public endpoint$/);
    expect(messages(check(acls(undefined), [ID]), ID)[0]).toMatch(/and no firewall \(network_acls\): every network reaches its endpoint$/);
    expect(level(acls([{ default_action: "Deny", bypass: "None", ip_rules: "${var.ips}" }]))).toEqual([[VAULT, RuleLevel.ERROR, "fail"]]);
  });

  test("a vault outside this configuration, or a setting from a variable, is could-not-verify", () => {
    expect(unverifiedAt(check(site({}, (_p, tf) => (tf.json.resource.azurerm_key_vault_certificate.amt.key_vault_id = "${var.vault_id}")), [ID]), ID)).toEqual([CERT]);
    expect(unverifiedAt(check(site({}, (_p, tf) => (tf.json.resource.azurerm_key_vault.kv.public_network_access_enabled = "${var.public}")), [ID]), ID)).toEqual([VAULT]);
  });
});

describe("SDZ-OOB-010 issued by the internal CA", () => {
  const ID = "SDZ-OOB-010";
  test("self-signed is a warning (provisioning fails closed); a third-party issuer is an error naming its provider", () => {
    expect(check(site({ issuer: "Self" }), [ID]).findings.map((f) => [f.address, f.level])).toEqual([[CERT, RuleLevel.WARNING]]);
    const r = check(site({ issuer: "digicert-ov" }, (_p, tf) => tf.add("azurerm_key_vault_certificate_issuer", "digicert", { name: "digicert-ov", key_vault_id: "${azurerm_key_vault.kv.id}", provider_name: "DigiCert" })), [ID]);
    expect(flagged(r, ID)).toEqual([CERT]);
    expect(r.findings[0].level).toBe(RuleLevel.ERROR);
    expect(messages(r, ID)[0]).toMatch(/issued by digicert-ov \(provider DigiCert\), a third-party CA/);
  });

  test("a CSR signed outside Key Vault (issuer Unknown) is accepted as declared, not verified (info); an issuer from a variable is could-not-verify", () => {
    const r = check(site({ issuer: "Unknown", renewDays: 45 }), [ID]);
    expect(r.findings.map((f) => [f.address, f.level, f.status])).toEqual([[CERT, RuleLevel.INFO, "fail"]]);
    expect(unverifiedAt(check(site({}, (p) => (p.issuer_parameters = "${var.issuer}")), [ID]), ID)).toEqual([CERT]);
  });
});

describe("SDZ-OOB-011 the private key stays in the vault", () => {
  const ID = "SDZ-OOB-011";
  test("key_properties written as a dynamic block: could-not-verify naming it (SDZ-OOB-011), and secret readers are not claimed to get the key (SDZ-OOB-012)", () => {
    const dynKey = (deployerRole: string) => site({ roleAssignments: { deployer: { principal: "${data.azurerm_client_config.current.object_id}", role: deployerRole } } }, (p) => {
      p.dynamic = { key_properties: { for_each: "${[1]}", content: p.key_properties[0] } };
      delete p.key_properties;
    });
    const r = check(dynKey("Key Vault Secrets User"), [ID, "SDZ-OOB-012"]);
    expect(r.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([[ID, CERT, "unverified"], ["SDZ-OOB-012", "azurerm_role_assignment.deployer", "unverified"]]);
    expect(r.findings.map((f) => f.message)).toEqual(Array(2).fill(expect.stringMatching(/key_properties is a dynamic block/)));
    // Using the key in the vault does not depend on export.
    expect(flagged(check(dynKey("Key Vault Crypto User"), ["SDZ-OOB-012"]), "SDZ-OOB-012")).toEqual(["azurerm_role_assignment.deployer"]);
  });

  test("an exportable key is a warning; a non-exportable one passes; one from a variable is could-not-verify", () => {
    expect(check(site({ exportable: true }), [ID]).findings.map((f) => [f.address, f.level])).toEqual([[CERT, RuleLevel.WARNING]]);
    expect(check(site({ exportable: false }), [ID]).findings).toEqual([]);
    expect(unverifiedAt(check(site({}, (p) => (p.key_properties[0].exportable = "${var.exportable}")), [ID]), ID)).toEqual([CERT]);
  });
});

describe("SDZ-OOB-012 only the service point reads it", () => {
  const ID = "SDZ-OOB-012";
  const SP_ID = "${azurerm_windows_virtual_machine.sp.identity[0].principal_id}";
  const roles = (extra: Record<string, { principal: string; role: string }>) => ({ sp: { principal: SP_ID, role: "Key Vault Secrets User" }, ...extra });

  test("the service point's own identity passes; the identity running Terraform or another VM with a reading role is an error on the assignment", () => {
    expect(check(site(), [ID]).findings).toEqual([]);
    const r = check(site({ roleAssignments: roles({ deployer: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Administrator" } }) }), [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_role_assignment.deployer"]);
    expect(messages(r, ID)[0]).toMatch(/role "Key Vault Administrator" on azurerm_key_vault\.kv lets the identity running Terraform .* read the private key and use the private key/);
    const other = site({ roleAssignments: roles({ web: { principal: "${azurerm_windows_virtual_machine.web.identity[0].principal_id}", role: "Key Vault Certificate User" } }) }, (_p, tf) => {
      tf.windowsVm("web", [], { identity: [{ type: "SystemAssigned" }] });
    });
    expect(flagged(check(other, [ID]), ID)).toEqual(["azurerm_role_assignment.web"]);
  });

  test("roles that do not read the private key pass; with a non-exportable key, secret readers get the public certificate only", () => {
    const deployer = (role: string) => roles({ deployer: { principal: "${data.azurerm_client_config.current.object_id}", role } });
    expect(check(site({ roleAssignments: deployer("Key Vault Certificates Officer") }), [ID]).findings).toEqual([]);
    expect(check(site({ roleAssignments: deployer("Key Vault Secrets Officer"), exportable: false }), [ID]).findings).toEqual([]);
    expect(flagged(check(site({ roleAssignments: deployer("Key Vault Crypto User"), exportable: false }), [ID]), ID)).toEqual(["azurerm_role_assignment.deployer"]);
  });

  test("a principal the configuration cannot name, or a scope from a variable, is could-not-verify", () => {
    const literal = check(site({ roleAssignments: roles({ group: { principal: "0f0e0d0c-1111-2222-3333-444455556666", role: "Key Vault Secrets User" } }) }), [ID]);
    expect(flagged(literal, ID)).toEqual([]);
    expect(unverifiedAt(literal, ID)).toEqual(["azurerm_role_assignment.group"]);
    const scope = site({ roleAssignments: roles({ x: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Secrets User" } }) }, (_p, tf) => {
      (tf.json.resource.azurerm_role_assignment.x as Record<string, unknown>).scope = "${var.scope}";
    });
    expect(unverifiedAt(check(scope, [ID]), ID)).toEqual(["azurerm_role_assignment.x"]);
  });

  test("scopes: the resource group holds the vault, another vault's scope does not", () => {
    const at = (scope: string) => site({ roleAssignments: roles({ x: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Secrets User" } }) }, (_p, tf) => {
      (tf.json.resource.azurerm_role_assignment.x as Record<string, unknown>).scope = scope;
    });
    expect(flagged(check(at("/subscriptions/0000/resourceGroups/rg"), [ID]), ID)).toEqual(["azurerm_role_assignment.x"]);
    expect(flagged(check(at("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/other-kv"), [ID]), ID)).toEqual([]);
    expect(flagged(check(at("/subscriptions/0000/resourceGroups/other"), [ID]), ID)).toEqual([]);
  });

  test("a role scoped to one item of the vault by its path reaches the certificate's private key only when it is the certificate's item (same name)", () => {
    const at = (scope: string) => site({ roleAssignments: roles({ x: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Secrets Officer" } }) }, (_p, tf) => {
      (tf.json.resource.azurerm_role_assignment.x as Record<string, unknown>).scope = scope;
    });
    const LIT = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/oob-kv";
    // Another secret of the vault (the MEBx password): no finding, by reference or by literal ID.
    expect(check(at("${azurerm_key_vault.kv.id}/secrets/amt-mebx-password"), [ID]).findings).toEqual([]);
    expect(check(at(`${LIT}/secrets/amt-mebx-password`), [ID]).findings).toEqual([]);
    // The certificate's own secret or key (they carry its name), or the certificate itself: an error.
    for (const item of ["secrets/amt-provisioning", "keys/amt-provisioning", "certificates/AMT-Provisioning"]) {
      expect(flagged(check(at(`\${azurerm_key_vault.kv.id}/${item}`), [ID]), ID)).toEqual(["azurerm_role_assignment.x"]);
      expect(flagged(check(at(`${LIT}/${item}`), [ID]), ID)).toEqual(["azurerm_role_assignment.x"]);
    }
    // An item of another vault of the configuration does not hold this one.
    const other = at("${azurerm_key_vault.other.id}/secrets/amt-provisioning");
    other.add("azurerm_key_vault", "other", { name: "other-kv", location: "westeurope", resource_group_name: "rg", tenant_id: "t", sku_name: "standard" });
    expect(check(other, [ID]).findings).toEqual([]);
  });

  test("access policies count on an access-policy vault, role assignments do not (and the reverse)", () => {
    const policyVault = site({ roleAssignments: roles({ deployer: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Secrets Officer" } }) }, (_p, tf) => {
      const kv = tf.json.resource.azurerm_key_vault.kv as Record<string, unknown>;
      kv.rbac_authorization_enabled = false;
      kv.access_policy = [
        { tenant_id: "t", object_id: "${azurerm_windows_virtual_machine.sp.identity[0].principal_id}", secret_permissions: ["Get"] },
        { tenant_id: "t", object_id: "${data.azurerm_client_config.current.object_id}", certificate_permissions: ["Create", "Get", "Update"], secret_permissions: [] },
      ];
      tf.add("azurerm_key_vault_access_policy", "ops", { key_vault_id: "${azurerm_key_vault.kv.id}", tenant_id: "t", object_id: "${azurerm_user_assigned_identity.ops.principal_id}", secret_permissions: ["Get", "List"] });
      tf.add("azurerm_user_assigned_identity", "ops", { name: "ops", location: "westeurope", resource_group_name: "rg" });
    });
    const r = check(policyVault, [ID]);
    expect(flagged(r, ID)).toEqual(["azurerm_key_vault_access_policy.ops"]);
    expect(messages(r, ID)[0]).toMatch(/access policy with secret permissions Get, List on azurerm_key_vault\.kv lets azurerm_user_assigned_identity\.ops \(attached to no VM of this configuration\) read the private key/);
  });

  test("inline access policies written as a dynamic block (or an expression) are could-not-verify on an access-policy vault, naming access_policy", () => {
    const dyn = (rbac: boolean, policies: unknown) => site({}, (_p, tf) => {
      const kv = tf.json.resource.azurerm_key_vault.kv as Record<string, unknown>;
      kv.rbac_authorization_enabled = rbac;
      if (typeof policies === "string") kv.access_policy = policies;
      else kv.dynamic = { access_policy: policies };
    });
    const content = { for_each: "${var.readers}", content: { tenant_id: "t", object_id: "${access_policy.value}", secret_permissions: ["Get", "List"] } };
    const r = check(dyn(false, content), [ID]);
    expect(r.findings.map((f) => [f.address, f.status])).toEqual([[VAULT, "unverified"]]);
    expect(messages(r, ID)[0]).toMatch(/^could not verify: access_policy on azurerm_key_vault\.kv may let the principals of its access_policy read or use the private key .*\(access_policy is a dynamic block, expanded at plan time;/);
    expect(unverifiedAt(check(dyn(false, "${var.policies}"), [ID]), ID)).toEqual([VAULT]);
    // With Azure RBAC on, Azure ignores access policies.
    expect(check(dyn(true, content), [ID]).findings).toEqual([]);
  });

  test("a user-assigned identity attached only to the service point passes", () => {
    const tf = site({ roleAssignments: { uai: { principal: "${azurerm_user_assigned_identity.sp.principal_id}", role: "Key Vault Secrets User" } } }, (_p, t) => {
      t.add("azurerm_user_assigned_identity", "sp", { name: "sp-id", location: "westeurope", resource_group_name: "rg" });
      (t.json.resource.azurerm_windows_virtual_machine.sp as Record<string, unknown>).identity = [{ type: "UserAssigned", identity_ids: ["${azurerm_user_assigned_identity.sp.id}"] }];
    });
    expect(check(tf, [ID]).findings).toEqual([]);
  });

  describe("a user-assigned identity held by another resource is not the service point's only", () => {
    /** The service point reads the vault through the user-assigned identity `sp`, which `extra` may also hand to others. */
    const uai = (extra: (tf: TfJson) => void) => site({ roleAssignments: { uai: { principal: "${azurerm_user_assigned_identity.sp.principal_id}", role: "Key Vault Secrets User" } } }, (_p, t) => {
      t.add("azurerm_user_assigned_identity", "sp", { name: "sp-id", location: "westeurope", resource_group_name: "rg" });
      (t.json.resource.azurerm_windows_virtual_machine.sp as Record<string, unknown>).identity = [{ type: "UserAssigned", identity_ids: ["${azurerm_user_assigned_identity.sp.id}"] }];
      extra(t);
    });
    const functionApp = (identityIds: unknown) => (t: TfJson) => t.add("azurerm_linux_function_app", "fn", {
      name: "fn", location: "westeurope", resource_group_name: "rg", service_plan_id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/serverFarms/p",
      storage_account_name: "st", site_config: [{}], identity: [{ type: "UserAssigned", identity_ids: identityIds }],
    });

    test("attached to a function app too (by reference or by literal ID): an error on the assignment naming the function app", () => {
      const r = check(uai(functionApp(["${azurerm_user_assigned_identity.sp.id}"])), [ID]);
      expect(r.findings.map((f) => [f.address, f.status])).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(messages(r, ID)[0]).toMatch(/lets azurerm_user_assigned_identity\.sp \(attached to azurerm_windows_virtual_machine\.sp; also held by azurerm_linux_function_app\.fn \(identity\.identity_ids\)\) read the private key/);
      const literal = functionApp(["/subscriptions/0000/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/SP-ID"]);
      expect(flagged(check(uai(literal), [ID]), ID)).toEqual(["azurerm_role_assignment.uai"]);
      const elsewhere = functionApp(["/subscriptions/0000/resourceGroups/other/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sp-id"]);
      expect(check(uai(elsewhere), [ID]).findings).toEqual([]);
    });

    test("a federated identity credential on it: an error naming the credential", () => {
      const r = check(uai((t) => t.add("azurerm_federated_identity_credential", "gh", {
        name: "github", resource_group_name: "rg", parent_id: "${azurerm_user_assigned_identity.sp.id}", audience: ["api://AzureADTokenExchange"],
        issuer: "https://token.actions.githubusercontent.com", subject: "repo:example/anything:ref:refs/heads/main",
      })), [ID]);
      expect(r.findings.map((f) => [f.address, f.status])).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(messages(r, ID)[0]).toMatch(/also held by azurerm_federated_identity_credential\.gh \(a federated identity credential/);
    });

    test("identity_ids not known before apply on any resource (a variable, a dynamic identity block): could-not-verify naming it", () => {
      const r = check(uai(functionApp("${var.identity_ids}")), [ID]);
      expect(r.findings.map((f) => [f.address, f.status])).toEqual([["azurerm_role_assignment.uai", "unverified"]]);
      expect(messages(r, ID)[0]).toMatch(/other holders of azurerm_user_assigned_identity\.sp may exist \(identity\.identity_ids of azurerm_linux_function_app\.fn: /);
      expect(unverifiedAt(check(uai(functionApp(["${var.identity_id}"])), [ID]), ID)).toEqual(["azurerm_role_assignment.uai"]);
      const dynamic = uai((t) => t.add("azurerm_container_group", "cg", { name: "cg", location: "westeurope", resource_group_name: "rg", os_type: "Linux", dynamic: { identity: { for_each: "${var.ids}", content: { type: "UserAssigned", identity_ids: "${identity.value}" } } } }));
      expect(unverifiedAt(check(dynamic, [ID]), ID)).toEqual(["azurerm_role_assignment.uai"]);
      // A known other holder is an error whatever else is unknown.
      const both = uai((t) => {
        functionApp(["${azurerm_user_assigned_identity.sp.id}"])(t);
        t.add("azurerm_linux_web_app", "web", { name: "web", location: "westeurope", resource_group_name: "rg", service_plan_id: "p", site_config: [{}], identity: [{ type: "UserAssigned", identity_ids: "${var.ids}" }] });
      });
      expect(flagged(check(both, [ID]), ID)).toEqual(["azurerm_role_assignment.uai"]);
    });

    // Resources that act as a user-assigned identity without listing it in identity_ids: every reference to the identity's ID or client ID counts.
    const cluster = (kubelet: Record<string, unknown>) => (t: TfJson) => {
      t.add("azurerm_user_assigned_identity", "aks", { name: "aks-cp", location: "westeurope", resource_group_name: "rg" });
      t.add("azurerm_kubernetes_cluster", "aks", {
        name: "aks", location: "westeurope", resource_group_name: "rg", dns_prefix: "aks", default_node_pool: [{ name: "system", vm_size: "Standard_D2s_v5", node_count: 1 }],
        identity: [{ type: "UserAssigned", identity_ids: ["${azurerm_user_assigned_identity.aks.id}"] }], kubelet_identity: [kubelet],
      });
    };
    const storage = (cmk: Record<string, unknown>) => (t: TfJson) => t.add("azurerm_storage_account", "st", {
      name: "st", location: "westeurope", resource_group_name: "rg", account_tier: "Standard", account_replication_type: "LRS", customer_managed_key: [cmk],
    });
    const webApp = (fields: Record<string, unknown>) => (t: TfJson) => t.add("azurerm_linux_web_app", "web", {
      name: "web", location: "westeurope", resource_group_name: "rg", service_plan_id: "p", site_config: [{}], identity: [{ type: "SystemAssigned" }], ...fields,
    });
    const heldBy = (tf: TfJson) => {
      const r = check(tf, [ID]);
      return { at: r.findings.map((f) => [f.address, f.status]), message: messages(r, ID)[0] ?? "" };
    };

    test("the kubelet identity of a Kubernetes cluster: an error naming the cluster and the field", () => {
      const r = heldBy(uai(cluster({
        client_id: "${azurerm_user_assigned_identity.sp.client_id}", object_id: "${azurerm_user_assigned_identity.sp.principal_id}",
        user_assigned_identity_id: "${azurerm_user_assigned_identity.sp.id}",
      })));
      expect(r.at).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(r.message).toMatch(/also held by azurerm_kubernetes_cluster\.aks \(kubelet_identity\.client_id, kubelet_identity\.user_assigned_identity_id\)\) read the private key/);
    });

    test("a storage account's customer-managed key (inline or azurerm_storage_account_customer_managed_key): an error naming the account", () => {
      const r = heldBy(uai(storage({ key_vault_key_id: "https://oob-kv.vault.azure.net/keys/cmk", user_assigned_identity_id: "${azurerm_user_assigned_identity.sp.id}" })));
      expect(r.at).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(r.message).toMatch(/also held by azurerm_storage_account\.st \(customer_managed_key\.user_assigned_identity_id\)\)/);
      const standalone = heldBy(uai((t) => t.add("azurerm_storage_account_customer_managed_key", "cmk", {
        storage_account_id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", key_vault_id: "${azurerm_key_vault.kv.id}", key_name: "cmk",
        user_assigned_identity_id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sp-id",
      })));
      expect(standalone.at).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(standalone.message).toMatch(/also held by azurerm_storage_account_customer_managed_key\.cmk \(user_assigned_identity_id\)\)/);
    });

    test("a web app's Key Vault reference identity: an error naming the app", () => {
      const r = heldBy(uai(webApp({ key_vault_reference_identity_id: "${azurerm_user_assigned_identity.sp.id}" })));
      expect(r.at).toEqual([["azurerm_role_assignment.uai", "fail"]]);
      expect(r.message).toMatch(/also held by azurerm_linux_web_app\.web \(key_vault_reference_identity_id\)\)/);
    });

    test("grants to the identity (role assignments, access policies, a SQL administrator), its name or location elsewhere, and the service point's own extension do not hold it", () => {
      const tf = uai((t) => {
        t.add("azurerm_role_assignment", "blob", { scope: "/subscriptions/0000/resourceGroups/rg", role_definition_name: "Storage Blob Data Reader", principal_id: "${azurerm_user_assigned_identity.sp.principal_id}" });
        t.add("azurerm_key_vault_access_policy", "other", { key_vault_id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/other", tenant_id: "${azurerm_user_assigned_identity.sp.tenant_id}", object_id: "${azurerm_user_assigned_identity.sp.principal_id}", secret_permissions: ["Get"] });
        // Azure Database for MySQL names a managed identity administrator by its client ID (azurerm docs: mysql_flexible_server_active_directory_administrator).
        t.add("azurerm_mysql_flexible_server_active_directory_administrator", "admin", {
          server_id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.DBforMySQL/flexibleServers/db", identity_id: "${azurerm_user_assigned_identity.db.id}",
          login: "${azurerm_user_assigned_identity.sp.name}", object_id: "${azurerm_user_assigned_identity.sp.client_id}", tenant_id: "t",
        });
        t.add("azurerm_user_assigned_identity", "db", { name: "db-id", location: "${azurerm_user_assigned_identity.sp.location}", resource_group_name: "rg" });
        // Runs on the service point, with the identities attached to it.
        t.add("azurerm_virtual_machine_extension", "ama", {
          name: "AzureMonitorWindowsAgent", virtual_machine_id: "${azurerm_windows_virtual_machine.sp.id}", publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent", type_handler_version: "1.0",
          settings: "{\"authentication\":{\"managedIdentity\":{\"identifier-name\":\"client_id\",\"identifier-value\":\"${azurerm_user_assigned_identity.sp.client_id}\"}}}",
        });
      });
      expect(check(tf, [ID]).findings).toEqual([]);
    });

    test("a field that may attach an identity not known before apply (a customer-managed key's identity from a variable): could-not-verify naming it", () => {
      const r = check(uai(storage({ key_vault_key_id: "https://oob-kv.vault.azure.net/keys/cmk", user_assigned_identity_id: "${var.cmk_identity}" })), [ID]);
      expect(r.findings.map((f) => [f.address, f.status])).toEqual([["azurerm_role_assignment.uai", "unverified"]]);
      expect(messages(r, ID)[0]).toMatch(/other holders of azurerm_user_assigned_identity\.sp may exist \(customer_managed_key\.user_assigned_identity_id of azurerm_storage_account\.st: the variable cmk_identity/);
      // On the service point itself, an identity from a variable is the service point's whatever it is.
      const own = uai((t) => {
        const vm = t.json.resource.azurerm_windows_virtual_machine.sp as Record<string, any>;
        vm.identity[0].identity_ids.push("${var.extra_identity}");
      });
      expect(check(own, [ID]).findings).toEqual([]);
    });
  });
});
