import { certificateExample } from "./certificate-examples";
import { provisioningCertificates } from "./certificates";
import { SEED } from "./common";
import { knownField, unknownField, unreadableBlock } from "../../engine/access/fields";
import { TerraformModel, TfResource } from "../../engine/model";
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
    + "key usage; a vault outside this configuration, or a value not known before apply, is could-not-verify. With public access on, the message says what "
    + "its firewall (network_acls) admits; a firewall that denies by default with no IP or virtual network rule admits no public network today (only "
    + "trusted Microsoft services may bypass it, as with public access off), which is a warning: one added rule would open the endpoint.",
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
      if (!pub.known) {
        ctx.unverified(vault, `Key Vault ${vault.address}: public_network_access_enabled is not known before apply (${pub.reason})`);
      } else if (pub.value !== false) {
        const head = `Key Vault ${vault.address} holds the AMT provisioning certificate ${cert.resource.address} with public network access on${pub.value === undefined ? " (the default)" : ""}`;
        const fw = firewallOf(m, vault);
        if (fw === "closed") {
          ctx.report(vault, `${head}, though its firewall (network_acls default_action Deny, no IP or virtual network rule) admits no public network today: turn public access off so that a firewall rule added later cannot open it`, { level: RuleLevel.WARNING });
        } else ctx.report(vault, `${head}${fw}`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{ description: "The vault is reachable from public networks", terraform: certificateExample({ publicAccess: true }), flagged: ["azurerm_key_vault.kv"] }],
    good: [{ description: "A private, purge-protected vault", terraform: certificateExample({}) }],
  })),
});

/**
 * What the vault's firewall lets reach its public endpoint (learn.microsoft.com/azure/key-vault/general/network-security):
 * "closed" for default_action Deny with no IP or virtual network rule (then only trusted Microsoft
 * services may bypass it, as they may with public access disabled), or the end of a message.
 */
function firewallOf(m: TerraformModel, vault: TfResource): "closed" | string {
  const hidden = unreadableBlock(vault.config, "network_acls");
  if (hidden) return `; what its firewall admits is not known (${hidden})`;
  const acls = m.blocks(vault, "network_acls")[0];
  if (!acls) return ", and no firewall (network_acls): every network reaches its endpoint";
  const action = m.resolveString(acls.default_action);
  if (!action.known) return `; what its firewall admits is not known (network_acls default_action: ${action.reason})`;
  if (action.value.toLowerCase() !== "deny") return `, and its firewall lets every network through (network_acls default_action ${action.value})`;
  const ips = m.resolveStringList(acls.ip_rules);
  const subnets = m.resolveStringList(acls.virtual_network_subnet_ids);
  if (!ips.known || !subnets.known) return `; what its firewall admits is not known (network_acls ${!ips.known ? `ip_rules: ${ips.reason}` : `virtual_network_subnet_ids: ${(subnets as { reason: string }).reason}`})`;
  if (ips.value.length === 0 && subnets.value.length === 0) return "closed";
  const admitted = [ips.value.length ? `IP ranges ${ips.value.join(", ")}` : "", subnets.value.length ? `${subnets.value.length} virtual network subnet(s)` : ""].filter((x) => x).join(" and ");
  return `, and its firewall (network_acls default_action Deny) admits ${admitted} to its public endpoint`;
}
