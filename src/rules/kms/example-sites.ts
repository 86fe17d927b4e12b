/**
 * The Terraform JSON of the KMS pack's rule examples (printed in docs/rules.md and run by the
 * generic example test): a VNet 10.0.0.0/16 with the activation subnet 10.0.5.0/24, its NSG
 * `kms`, and the VM `kms` (NIC 10.0.5.4), written as a user writes it, with no sdz-* tag.
 */

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** An inline NSG rule. */
export function exampleRule(name: string, priority: number, protocol: string, ports: string | string[], source: string | string[], destination = "*", direction = "Inbound", access = "Allow"): Record<string, unknown> {
  return {
    name, priority, direction, access, protocol, source_port_range: "*",
    ...(Array.isArray(ports) ? { destination_port_ranges: ports } : { destination_port_range: ports }),
    ...(Array.isArray(source) ? { source_address_prefixes: source } : { source_address_prefix: source }),
    destination_address_prefix: destination,
  };
}

/** The inbound deny-all a zone ends with. */
export const EXAMPLE_DENY_ALL = exampleRule("deny-all", 4096, "*", "*", "*", "*", "Inbound", "Deny");

/** A subnet of the example VNet, with an NSG holding `rules` (and tags). */
export function exampleZone(name: string, prefix: string, rules: Record<string, unknown>[], tags?: Record<string, string>): Resources {
  return {
    azurerm_subnet: { [name]: { name, resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: [prefix] } },
    azurerm_network_security_group: { [name]: { name: `${name}-nsg`, location: "westeurope", resource_group_name: "rg", security_rule: rules, ...(tags ? { tags } : {}) } },
    azurerm_subnet_network_security_group_association: { [name]: { subnet_id: `\${azurerm_subnet.${name}.id}`, network_security_group_id: `\${azurerm_network_security_group.${name}.id}` } },
  };
}

/**
 * The example site: `kmsRules` on the activation subnet's NSG, the VM `kms` (NIC 10.0.5.4 unless
 * `nic` overrides its ip_configuration), and `extra` resources merged in.
 */
export function exampleKmsSite(
  kmsRules: Record<string, unknown>[],
  o: { nic?: Record<string, unknown>; vm?: Record<string, unknown>; extra?: Resources[] } = {},
): { [key: string]: unknown } {
  const resource: Resources = {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_network_interface: { kms: { name: "kms-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.kms.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.5.4", ...(o.nic ?? {}) }] } },
    azurerm_windows_virtual_machine: {
      kms: {
        name: "kms01", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.kms.id}"], os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" }, ...(o.vm ?? {}),
      },
    },
  };
  for (const part of [exampleZone("kms", "10.0.5.0/24", kmsRules), ...(o.extra ?? [])]) {
    for (const [type, byName] of Object.entries(part)) resource[type] = { ...(resource[type] ?? {}), ...byName };
  }
  return { resource, variable: { admin_password: { type: "string", sensitive: true } } };
}
