/**
 * Terraform JSON for the migration rules' examples (docs/rules.md prints them; the generic example
 * test runs them): storage written the way a user writes it by hand, without sdz-* tags unless an
 * example is about a declaration.
 */

import { MIGRATION_TAG } from "../../contract/migration-tags";
import { tagsOf } from "../../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../../contract/zone-tags";

type Body = Record<string, unknown>;

/** `sdz-role` tags, written through the contract. */
export function roleTags(...roles: DeploymentRole[]): Record<string, string> {
  return tagsOf(ZONE_TAG.roles.entry(roles));
}

/** Share metadata declaring a role (`sdz_role`), written through the contract. */
export function shareRoleMetadata(role: DeploymentRole): Record<string, string> {
  return tagsOf(MIGRATION_TAG.shareRoles.entry([role]));
}

/** The SMB hardening tags of a state migration point, all `true` (declared only). */
export function hardeningTags(): Record<string, string> {
  const specs = [MIGRATION_TAG.smbSigningRequired, MIGRATION_TAG.smbEncryptData, MIGRATION_TAG.smbRejectUnencrypted, MIGRATION_TAG.smb1Removed];
  return tagsOf(...specs.map((s) => s.entry(true)));
}
type Resources = Record<string, Record<string, Body>>;

/** SMB settings a careful user writes: SMB 3.1.1, Kerberos with AES-256 tickets, AES-256-GCM. */
export const SECURE_SMB = {
  versions: ["SMB3.1.1"],
  authentication_types: ["Kerberos"],
  kerberos_ticket_encryption_type: ["AES-256"],
  channel_encryption_type: ["AES-256-GCM"],
};

/** A storage account with everything the migration rules ask for, unless overridden (a field set to undefined is dropped). */
export function accountBody(name: string, overrides: Body = {}): Body {
  const body: Body = {
    name, location: "westeurope", resource_group_name: "rg", account_tier: "Standard", account_replication_type: "LRS",
    large_file_share_enabled: true, min_tls_version: "TLS1_2", https_traffic_only_enabled: true,
    public_network_access_enabled: false, shared_access_key_enabled: false, allow_nested_items_to_be_public: false,
    network_rules: { default_action: "Deny", bypass: ["AzureServices"] },
    share_properties: { retention_policy: { days: 14 }, smb: SECURE_SMB },
    lifecycle: { prevent_destroy: true },
    ...overrides,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** A share on `account` (a resource name of `azurerm_storage_account`). */
export function shareBody(name: string, account: string, extra: Body = {}): Body {
  return { name, storage_account_id: `\${azurerm_storage_account.${account}.id}`, quota: 1024, lifecycle: { prevent_destroy: true }, ...extra };
}

/** The network of a state migration point: VNet 10.0.0.0/16, subnet `smp` 10.0.1.0/24, VM `smp01` (10.0.1.20). */
export function smpNetwork(vmExtra: Body = {}): Resources {
  return {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_subnet: { smp: { name: "smp", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
    azurerm_network_interface: {
      smp01: { name: "smp01-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.smp.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.20" }] },
    },
    azurerm_windows_virtual_machine: {
      smp01: {
        name: "smp01", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.smp01.id}"],
        os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
        ...vmExtra,
      },
    },
  };
}

/**
 * A site server `cm01` whose run command adds the state migration point `smp01` with `parameters`, on the
 * ConfigMgr drive rooted at its own SMS Provider (what shows it to be the site server: settings.ts).
 */
export function siteServerRunCommand(parameters: string, readBack = true): Resources {
  return {
    azurerm_network_interface: {
      cm01: { name: "cm01-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.smp.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.10" }] },
    },
    azurerm_windows_virtual_machine: {
      cm01: {
        name: "cm01", location: "westeurope", resource_group_name: "rg", size: "Standard_D4s_v5", admin_username: "ops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.cm01.id}"],
        os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
      },
    },
    azurerm_virtual_machine_run_command: {
      smp_role: {
        name: "smp-role", location: "westeurope", virtual_machine_id: "${azurerm_windows_virtual_machine.cm01.id}",
        source: { script: `New-PSDrive -Name P01 -PSProvider CMSite -Root $env:COMPUTERNAME\nSet-Location P01:\nAdd-CMStateMigrationPoint -SiteSystemServerName smp01.corp.contoso.com -SiteCode P01 ${parameters}${readBack ? "\nGet-CMStateMigrationPoint -SiteSystemServerName smp01.corp.contoso.com" : ""}` },
      },
    },
  };
}

/** A custom script extension running `script` on the VM `vm`. */
export function scriptExtension(vm: string, script: string): Body {
  return {
    name: "setup", virtual_machine_id: `\${azurerm_windows_virtual_machine.${vm}.id}`, publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
    settings: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
  };
}

/** Merges resource maps (later ones add resources of the same type). */
export function terraform(...parts: Resources[]): { resource: Resources; variable: Record<string, Body> } {
  const resource: Resources = {};
  for (const p of parts) for (const [type, byName] of Object.entries(p)) resource[type] = { ...(resource[type] ?? {}), ...byName };
  return { resource, variable: { admin_password: { type: "string", sensitive: true } } };
}
