import { certificateExample } from "./certificate-examples";
import { nestedBlock, provisioningCertificates } from "./certificates";
import { SEED } from "./common";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningCertificateKeyExportable = defineRule({
  id: "SDZ-OOB-011",
  level: RuleLevel.WARNING,
  title: "AMT provisioning certificate's private key can leave the vault",
  rationale:
    `${SEED}: request the provisioning certificate directly from the provisioning server (the out-of-band service point) in the computer security context, so it `
    + "is installed directly into the local computer store; if it must be requested from another computer, its private key has to be exported and additional "
    + "security controls are needed while transferring and importing it (R-OOB-8). A Key Vault certificate whose key is exportable is such an export: anyone "
    + "who may read its secret gets the private key (learn.microsoft.com/azure/key-vault/certificates/about-certificates: a non-exportable key is not part of "
    + "the secret's value); an imported certificate's key was created elsewhere. It is a warning, not an error, because the seed allows the export with "
    + "additional controls, which SDZ-OOB-005 (private, purge-protected vault) and SDZ-OOB-012 (only the service point reads it) check. Note that a "
    + "non-exportable Key Vault key cannot be installed on the service point either: the compliant design is enrollment on the service point itself. A "
    + "certificate policy or key_properties not known before apply (a variable, a dynamic block) is could-not-verify.",
  fix: "Let the service point request the certificate from the internal CA itself (computer context, a template only it may enroll for), or set key_properties "
    + "exportable = false and keep every reader but the service point away from the vault (SDZ-OOB-012).",
  requirements: ["R-OOB-8"],
  resourceTypes: ["azurerm_key_vault_certificate"],
  reads: ["the AMT provisioning certificate's key_properties.exportable (or an imported certificate)"],
  check(ctx) {
    const m = ctx.model;
    for (const cert of provisioningCertificates(m).certificates) {
      const where = `the AMT provisioning certificate ${cert.resource.address} (${cert.evidence})`;
      if (cert.policyUnknown) {
        ctx.unverified(cert.resource, `${where}: whether its key is exportable is not known (${cert.policyUnknown})`);
        continue;
      }
      if (!cert.policy) {
        if (cert.issuer.kind === "imported") ctx.report(cert.resource, `${where} is imported: its private key was created outside the vault and the service point and copied in`);
        continue;
      }
      const keyProps = nestedBlock(m, cert.policy, "key_properties");
      const exportable = keyProps.known ? m.resolveBoolean(keyProps.value?.exportable) : keyProps;
      if (!exportable.known) ctx.unverified(cert.resource, `${where}: key_properties.exportable is not known before apply (${exportable.reason})`);
      else if (exportable.value === true) {
        ctx.report(cert.resource, `${where} has an exportable key: whoever may read its secret gets the private key, which the seed wants created on the service point itself`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "An exportable provisioning certificate key", terraform: certificateExample({ exportable: true }), flagged: ["azurerm_key_vault_certificate.amt"] }],
    good: [{ description: "A non-exportable provisioning certificate key", terraform: certificateExample({ exportable: false }) }],
  })),
});
