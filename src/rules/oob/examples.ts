/**
 * The shape of this pack's rule examples (printed in docs/rules.md and run by the generic example
 * test): a VNet with a management subnet holding one server at 10.0.9.10 and a client subnet with
 * one host at 10.0.20.4, each behind its own NSG that ends in a deny-all; plus whatever the example
 * adds. Terraform JSON as a user writes it, untagged unless the example says otherwise.
 */

type Body = Record<string, unknown>;

/** Options of {@link exampleTerraform}. */
export interface ExampleOptions {
  /** NSG rules of the management subnet's NSG (before its deny-all). */
  readonly managementRules?: Body[];
  /** NSG rules of the client subnet's NSG (before its deny-all). */
  readonly clientRules?: Body[];
  /** Tags of the server at 10.0.9.10 (`azurerm_windows_virtual_machine.sp`). */
  readonly serverTags?: Record<string, string>;
  /** Extra resources, by type and name. */
  readonly resources?: Record<string, Record<string, Body>>;
}

/** One inline NSG rule (TCP). */
export function nsgRule(name: string, priority: number, direction: "Inbound" | "Outbound", access: "Allow" | "Deny", ports: string, source: string, destination = "*"): Body {
  return {
    name, priority, direction, access, protocol: "Tcp", source_port_range: "*", destination_port_range: ports,
    source_address_prefix: source, destination_address_prefix: destination,
  };
}

const DENY_ALL = { name: "deny-all-inbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" };

/** The example site as Terraform JSON. */
export function exampleTerraform(opts: ExampleOptions = {}): { [key: string]: unknown } {
  const resource: Record<string, Record<string, Body>> = {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_subnet: {
      management: { name: "management", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.9.0/24"] },
      clients: { name: "clients", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.20.0/24"] },
    },
    azurerm_network_security_group: {
      management: { name: "management-nsg", location: "westeurope", resource_group_name: "rg", security_rule: [...(opts.managementRules ?? []), DENY_ALL] },
      clients: { name: "clients-nsg", location: "westeurope", resource_group_name: "rg", security_rule: [...(opts.clientRules ?? []), DENY_ALL] },
    },
    azurerm_subnet_network_security_group_association: {
      management: { subnet_id: "${azurerm_subnet.management.id}", network_security_group_id: "${azurerm_network_security_group.management.id}" },
      clients: { subnet_id: "${azurerm_subnet.clients.id}", network_security_group_id: "${azurerm_network_security_group.clients.id}" },
    },
    azurerm_network_interface: {
      sp: { name: "sp-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.management.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.9.10" }] },
      client01: { name: "client01-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.clients.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.20.4" }] },
    },
    azurerm_windows_virtual_machine: {
      sp: {
        name: "sp", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "azureops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.sp.id}"], identity: [{ type: "SystemAssigned" }],
        os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
        ...(opts.serverTags ? { tags: opts.serverTags } : {}),
      },
    },
  };
  for (const [type, byName] of Object.entries(opts.resources ?? {})) resource[type] = { ...(resource[type] ?? {}), ...byName };
  return { variable: { admin_password: { type: "string", sensitive: true } }, resource };
}
