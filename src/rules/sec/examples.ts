/**
 * Terraform JSON for the examples of the security pack (printed in docs/rules.md and run by the
 * generic example test): a KMS host written by hand, untagged, whose role the checks infer from the
 * NSG rule that opens TCP 1688 to it.
 */

/** Options of {@link exampleServer}. */
export interface ExampleServerOptions {
  /** `none`: no agent, rule or association; `full`: all three and an identity. */
  readonly monitoring?: "none" | "full";
  /** Extra attributes of the VM (e.g. patch_mode). */
  readonly vm?: Record<string, unknown>;
  /** Extra resources, by type and name. */
  readonly extra?: Record<string, Record<string, Record<string, unknown>>>;
}

/** A subnet with an NSG that allows KMS from the client subnet and denies the rest, and a Windows VM kms01 in it. */
export function exampleServer(o: ExampleServerOptions = {}): { [key: string]: unknown } {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_subnet: { activation: { name: "activation", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.5.0/24"] } },
    azurerm_network_security_group: {
      activation: {
        name: "activation-nsg", location: "westeurope", resource_group_name: "rg",
        security_rule: [
          { name: "allow-kms", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_port_range: "1688", source_address_prefix: "10.0.2.0/24", destination_address_prefix: "*" },
          { name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" },
        ],
      },
    },
    azurerm_subnet_network_security_group_association: { activation: { subnet_id: "${azurerm_subnet.activation.id}", network_security_group_id: "${azurerm_network_security_group.activation.id}" } },
    azurerm_network_interface: {
      kms01: { name: "kms01-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.activation.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.5.4" }] },
    },
    azurerm_windows_virtual_machine: {
      kms01: {
        name: "kms01", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "azureops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.kms01.id}"], os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
        ...(o.monitoring === "full" ? { identity: { type: "SystemAssigned" } } : {}),
        ...(o.vm ?? {}),
      },
    },
  };
  if (o.monitoring === "full") {
    resource.azurerm_log_analytics_workspace = { sec: { name: "sec-law", location: "westeurope", resource_group_name: "rg", sku: "PerGB2018", retention_in_days: 90 } };
    resource.azurerm_monitor_data_collection_rule = {
      security: {
        name: "security-events", location: "westeurope", resource_group_name: "rg",
        destinations: { log_analytics: [{ name: "law", workspace_resource_id: "${azurerm_log_analytics_workspace.sec.id}" }] },
        data_flow: [{ streams: ["Microsoft-SecurityEvent"], destinations: ["law"] }],
        data_sources: { windows_event_log: [{ name: "security", streams: ["Microsoft-SecurityEvent"], x_path_queries: ["Security!*"] }] },
      },
    };
    resource.azurerm_monitor_data_collection_rule_association = {
      kms01: { name: "kms01-security", target_resource_id: "${azurerm_windows_virtual_machine.kms01.id}", data_collection_rule_id: "${azurerm_monitor_data_collection_rule.security.id}" },
    };
    resource.azurerm_virtual_machine_extension = {
      kms01_ama: { name: "AzureMonitorWindowsAgent", virtual_machine_id: "${azurerm_windows_virtual_machine.kms01.id}", publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent", type_handler_version: "1.0", auto_upgrade_minor_version: true },
    };
  }
  for (const [type, byName] of Object.entries(o.extra ?? {})) resource[type] = { ...(resource[type] ?? {}), ...byName };
  return { variable: { admin_password: { type: "string", sensitive: true } }, resource };
}
