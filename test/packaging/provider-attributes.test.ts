import { compareProviders, typesNamedInSource } from "../../scripts/provider-attributes";

/**
 * Issue 20: the attribute names of every azurerm type the library names, in @cdktf/provider-azurerm
 * 14.23 (azurerm 4.55) and @cdktn/provider-azurerm 16.x (azurerm 4.73, from the cdktn/ install). No
 * name was removed or renamed; azurerm 4.73 adds `bgp_enabled` and `http2_enabled` beside
 * `enable_bgp` and `enable_http2`, which it still has (the new names replace them), and no rule reads
 * either pair. A
 * provider update that removes or renames an attribute fails here, so the rules reading it can be
 * taught both names.
 */
describe("azurerm attribute names: provider 14.23 (azurerm 4.55) vs 16.x (azurerm 4.73)", () => {
  const { compared, changes } = compareProviders(typesNamedInSource());

  test("every type the library names exists in both providers, and the comparison covers the ones the rules read", () => {
    expect(changes.filter((c) => c.removed.includes("(the whole type)") || c.added.includes("(the whole type)"))).toEqual([]);
    expect(compared).toEqual(expect.arrayContaining([
      "azurerm_network_security_group", "azurerm_network_security_rule", "azurerm_network_interface", "azurerm_subnet", "azurerm_virtual_network",
      "azurerm_firewall_policy_rule_collection_group", "azurerm_public_ip", "azurerm_lb_rule", "azurerm_windows_virtual_machine",
      "azurerm_virtual_network_gateway_connection", "azurerm_storage_account", "azurerm_key_vault", "data.azurerm_key_vault_secret",
    ]));
  });

  test("no attribute was removed or renamed; the additions are exactly these", () => {
    expect(changes.filter((c) => c.removed.length > 0)).toEqual([]);
    expect(Object.fromEntries(changes.map((c) => [c.type, c.added]))).toEqual({
      "azurerm_application_gateway": ["backend", "backend_name", "client_ip_preservation_enabled", "http2_enabled", "listener", "listener_name",
        "proxy_protocol_header_enabled", "routing_rule", "timeout_in_seconds", "verify_client_certificate_issuer_dn"],
      "azurerm_backup_policy_file_share": ["backup_tier", "snapshot_retention_in_days"],
      "azurerm_backup_policy_vm": ["consistency_type"],
      // Named since SDZ-SEC-002 reads Container Apps secrets and SDZ-OOB-012 federated credentials (which reads
      // both parent_id and user_assigned_identity_id); SDZ-OOB-012 reads every field by the value it names (the
      // container app's identity_id included), no rule reads read_secrets.
      "azurerm_container_app": ["identity_id"],
      "azurerm_federated_identity_credential": ["user_assigned_identity_id"],
      "data.azurerm_container_app": ["read_secrets"],
      "azurerm_user_assigned_identity": ["isolation_scope"],
      "azurerm_virtual_network_gateway": ["bgp_enabled"],
      "azurerm_virtual_network_gateway_connection": ["bgp_enabled"],
    });
  });
});
