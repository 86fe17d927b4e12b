import { certificateExample } from "./certificate-examples";
import { provisioningCertificates } from "./certificates";
import { SEED } from "./common";
import { knownField, unknownField } from "../../engine/access/fields";
import { TfResource } from "../../engine/model";
import { checkField, defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const provisioningCertificateVaultExposed = defineRule({
  id: "SDZ-OOB-005",
  level: RuleLevel.ERROR,
  title: "Key Vault holding the AMT provisioning certificate is public or without purge protection",
  rationale:
    `${SEED}: control the request and installation of the provisioning certificate and keep it in a store with restricted access (R-OOB-5). Locations holding `
    + "certificates are private (R-NET-1): public network access must be off (reach the vault through a private endpoint); purge protection keeps a deleted "
    + "certificate recoverable so provisioning can be restored. The provisioning certificate is the tagged one or the one with Intel's AMT provisioning extended "
    + "key usage; a vault outside this configuration, or a value not known before apply, is could-not-verify.",
  fix: "Set purge_protection_enabled = true and public_network_access_enabled = false on the Key Vault (reach it through a private endpoint).",
  requirements: ["R-OOB-5", "R-NET-1"],
  resourceTypes: ["azurerm_key_vault", "azurerm_key_vault_certificate"],
  reads: ["the azurerm_key_vault of the AMT provisioning certificate: purge_protection_enabled, public_network_access_enabled"],
  check(ctx) {
    const m = ctx.model;
    const seen = new Set<TfResource>();
    for (const cert of provisioningCertificates(m).certificates) {
      const vault = cert.vault;
      if (!vault) {
        ctx.unverified(cert.resource, `key_vault_id of the AMT provisioning certificate ${cert.resource.address} does not refer to a Key Vault of this configuration, so its network access and purge protection cannot be checked`);
        continue;
      }
      if (seen.has(vault)) continue;
      seen.add(vault);
      const purge = m.resolveBoolean(vault.config.purge_protection_enabled);
      checkField(ctx, vault, purge.known ? knownField(purge.value) : unknownField("purge_protection_enabled", purge.reason),
        (v) => (v === true ? undefined : `Key Vault ${vault.address} holds the AMT provisioning certificate ${cert.resource.address} without purge protection`), `Key Vault ${vault.address}`);
      const pub = m.resolveBoolean(vault.config.public_network_access_enabled);
      checkField(ctx, vault, pub.known ? knownField(pub.value) : unknownField("public_network_access_enabled", pub.reason),
        (v) => (v === false ? undefined : `Key Vault ${vault.address} holds the AMT provisioning certificate ${cert.resource.address} with public network access on${v === undefined ? " (the default)" : ""}`), `Key Vault ${vault.address}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "The vault is reachable from public networks", terraform: certificateExample({ publicAccess: true }), flagged: ["azurerm_key_vault.kv"] }],
    good: [{ description: "A private, purge-protected vault", terraform: certificateExample({}) }],
  })),
});
