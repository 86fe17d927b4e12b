/**
 * Terraform JSON for the network pack's good/bad examples: one subnet (10.0.1.0/24 of VNet 10.0.0.0/16)
 * whose NSG holds the given inbound rule and an explicit deny-all at 4096.
 */
export function subnetWithRule(rule: { name: string; protocol: string; ports: string; source: string }): { [key: string]: unknown } {
  return {
    resource: {
      azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
      azurerm_subnet: { app: { name: "app", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] } },
      azurerm_network_security_group: {
        app: {
          name: "app-nsg", location: "westeurope", resource_group_name: "rg", security_rule: [
            { name: rule.name, priority: 100, direction: "Inbound", access: "Allow", protocol: rule.protocol, source_port_range: "*", destination_port_range: rule.ports, source_address_prefix: rule.source, destination_address_prefix: "*" },
            { name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", source_port_range: "*", destination_port_range: "*", source_address_prefix: "*", destination_address_prefix: "*" },
          ],
        },
      },
      azurerm_subnet_network_security_group_association: { app: { subnet_id: "${azurerm_subnet.app.id}", network_security_group_id: "${azurerm_network_security_group.app.id}" } },
    },
  };
}
