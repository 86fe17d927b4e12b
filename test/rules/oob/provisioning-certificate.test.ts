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
    const r = check(tf, ["SDZ-OOB-004", "SDZ-OOB-005"]);
    expect(r.findings.map((f) => [f.ruleId, f.address, f.status])).toEqual([["SDZ-OOB-004", CERT, "unverified"]]);
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

  test("a vault outside this configuration, or a setting from a variable, is could-not-verify", () => {
    expect(unverifiedAt(check(site({}, (_p, tf) => (tf.json.resource.azurerm_key_vault_certificate.amt.key_vault_id = "${var.vault_id}")), [ID]), ID)).toEqual([CERT]);
    expect(unverifiedAt(check(site({}, (_p, tf) => (tf.json.resource.azurerm_key_vault.kv.public_network_access_enabled = "${var.public}")), [ID]), ID)).toEqual([VAULT]);
  });
});
