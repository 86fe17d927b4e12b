/** Terraform JSON of the certificate rules' examples: the example site plus a private Key Vault holding the AMT provisioning certificate. */
import { AMT_PROVISIONING_OID } from "./certificates";
import { exampleTerraform } from "./examples";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";

type Body = Record<string, unknown>;

/** Options of {@link certificateExample}. */
export interface CertificateExampleOptions {
  readonly issuer?: string;
  readonly exportable?: boolean;
  readonly renewDays?: number;
  /** Role assignments on the vault: principal reference or literal, role name. */
  readonly roleAssignments?: Record<string, { principal: string; role: string }>;
  readonly purgeProtection?: boolean;
  readonly publicAccess?: boolean;
}

/** The example site with a vault `kv` and a certificate `amt` carrying Intel's AMT provisioning extended key usage. */
export function certificateExample(opts: CertificateExampleOptions = {}): { [key: string]: unknown } {
  const assignments: Record<string, Body> = {};
  for (const [name, a] of Object.entries(opts.roleAssignments ?? { sp: { principal: "${azurerm_windows_virtual_machine.sp.identity[0].principal_id}", role: "Key Vault Secrets User" } })) {
    assignments[name] = { scope: "${azurerm_key_vault.kv.id}", role_definition_name: a.role, principal_id: a.principal };
  }
  return exampleTerraform({
    serverTags: { [ZoneTags.ROLE]: DeploymentRole.OOB_SERVICE_POINT },
    resources: {
      azurerm_key_vault: {
        kv: {
          name: "oob-kv", location: "westeurope", resource_group_name: "rg", tenant_id: "11111111-2222-3333-4444-555555555555", sku_name: "standard",
          purge_protection_enabled: opts.purgeProtection ?? true, public_network_access_enabled: opts.publicAccess ?? false, rbac_authorization_enabled: true,
        },
      },
      azurerm_key_vault_certificate: {
        amt: {
          name: "amt-provisioning", key_vault_id: "${azurerm_key_vault.kv.id}",
          certificate_policy: [{
            issuer_parameters: [{ name: opts.issuer ?? "Self" }],
            key_properties: [{ exportable: opts.exportable ?? true, key_type: "RSA", key_size: 2048, reuse_key: false }],
            secret_properties: [{ content_type: "application/x-pkcs12" }],
            lifetime_action: [{ action: [{ action_type: opts.issuer === "Unknown" ? "EmailContacts" : "AutoRenew" }], trigger: [{ days_before_expiry: opts.renewDays ?? 60 }] }],
            x509_certificate_properties: [{
              subject: "CN=oobsp.corp.example.com", validity_in_months: 12, key_usage: ["digitalSignature", "keyEncipherment"],
              extended_key_usage: ["1.3.6.1.5.5.7.3.1", AMT_PROVISIONING_OID],
            }],
          }],
        },
      },
      azurerm_role_assignment: assignments,
    },
  });
}
