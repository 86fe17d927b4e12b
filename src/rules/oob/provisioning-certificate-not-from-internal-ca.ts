import { certificateExample } from "./certificate-examples";
import { provisioningCertificates, SELF_ISSUER, UNKNOWN_ISSUER } from "./certificates";
import { SEED } from "./common";
import { OobTags } from "../../contract/oob-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningCertificateNotFromInternalCa = defineRule({
  id: "SDZ-OOB-010",
  level: RuleLevel.ERROR,
  title: "AMT provisioning certificate not issued by the internal CA",
  rationale:
    `${SEED}: replace the external CAs' thumbprints in the AMT firmware with your internal CA's, so rogue provisioning servers cannot provision your computers and `
    + "no provisioning certificate has to be bought from an external CA (R-OOB-8). The provisioning certificate must therefore chain to the internal CA whose "
    + `thumbprint is in the firmware (${OobTags.CA_THUMBPRINT}). In Key Vault: a registered issuer is always one of Key Vault's third-party providers (DigiCert, `
    + "GlobalSign, OneCertV2, SslAdminV2; azurerm_key_vault_certificate_issuer provider_name), an external CA: the firmware would have to trust it, and anyone "
    + "who obtains an AMT provisioning certificate from it could provision your computers: an error. A self-signed certificate (issuer Self) cannot chain to the "
    + "internal CA, so AMT refuses it and provisioning fails (trusting its own hash instead would break at every renewal): a warning, one level lower because it "
    + "fails closed. Issuer Unknown means Key Vault creates a CSR that you have signed and merge back, the only way to use an internal enterprise CA with Key "
    + "Vault; the configuration cannot show which CA signed it, so it is accepted and shown as declared, not verified (info), as is an imported certificate.",
  fix: "Have your internal CA sign the certificate: issuer_parameters name = \"Unknown\", then sign the CSR with the internal CA (a template that only the service "
    + "point may enroll for) and merge it, or better, let the service point request it from the internal CA itself (computer context) and keep it out of Key Vault.",
  requirements: ["R-OOB-8"],
  resourceTypes: ["azurerm_key_vault_certificate", "azurerm_key_vault_certificate_issuer"],
  reads: ["the AMT provisioning certificate's issuer_parameters and the azurerm_key_vault_certificate_issuer it names"],
  check(ctx) {
    for (const cert of provisioningCertificates(ctx.model).certificates) {
      const where = `the AMT provisioning certificate ${cert.resource.address} (${cert.evidence})`;
      const i = cert.issuer;
      switch (i.kind) {
        case "self":
          ctx.report(cert.resource, `${where} is self-signed (issuer ${SELF_ISSUER}): it cannot chain to the internal CA whose thumbprint the AMT firmware holds, so AMT clients refuse it and provisioning fails`, { level: RuleLevel.WARNING });
          break;
        case "third-party":
          ctx.report(cert.resource, `${where} is issued by ${i.name}${i.provider ? ` (provider ${i.provider})` : ""}, a third-party CA of Key Vault, not your internal CA: the firmware would have to trust that CA, and anyone who obtains an AMT provisioning certificate from it could provision your computers`);
          break;
        case "csr":
          ctx.report(cert.resource, `${where} is signed outside Key Vault (issuer ${UNKNOWN_ISSUER}): declared by nothing in this configuration, not verified that the internal CA whose thumbprint the firmware holds signs it`, { level: RuleLevel.INFO });
          break;
        case "imported":
          ctx.report(cert.resource, `${where} is imported: who signed it is not in this configuration, not verified that it chains to the internal CA whose thumbprint the firmware holds`, { level: RuleLevel.INFO });
          break;
        case "unknown":
          ctx.unverified(cert.resource, `${where}: its issuer is not known before apply (${i.reason})`);
          break;
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The provisioning certificate is issued by a registered third-party issuer",
      terraform: certificateExample({ issuer: "digicert-ov" }),
      flagged: ["azurerm_key_vault_certificate.amt"],
    }],
    good: [{
      description: "A non-AMT certificate in the same vault is not the provisioning certificate (a CSR signed by the internal CA, issuer Unknown, is accepted as declared: info)",
      terraform: { resource: { azurerm_key_vault_certificate: { web: { name: "web", key_vault_id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", certificate_policy: [{ issuer_parameters: [{ name: "Self" }], key_properties: [{ exportable: true, key_type: "RSA", key_size: 2048, reuse_key: false }], secret_properties: [{ content_type: "application/x-pkcs12" }], x509_certificate_properties: [{ subject: "CN=web", validity_in_months: 12, key_usage: ["digitalSignature"], extended_key_usage: ["1.3.6.1.5.5.7.3.1"] }] }] } } } },
    }],
  })),
});
