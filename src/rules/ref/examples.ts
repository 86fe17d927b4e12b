/**
 * The Terraform JSON of the reference-computer rules' examples (docs/rules.md prints them; the
 * generic example test runs them): a reference imaging subnet written by hand.
 */

import { PxeSettingTags } from "../../contract/pxe-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";

type Body = Record<string, unknown>;

/** Options of {@link refExample}. */
export interface RefExampleOptions {
  /** Source of the RDP allow to the reference subnet (default the management subnet 10.0.9.0/24). */
  readonly rdpSource?: string;
  /** An explicit deny-all outbound at 4096 (default true). */
  readonly denyAllOutbound?: boolean;
  /** patch_mode of the VM (default AutomaticByPlatform). */
  readonly patchMode?: string;
  /** Declare the role and capture location with tags (default true); otherwise the VM is the source of an azurerm_image. */
  readonly tagged?: boolean;
  /** The capture UNC path (default the Azure Files share of the example). */
  readonly captureUnc?: string;
  /** `sdz-ref-capture-smb-encryption` on the VM (default none). */
  readonly captureEncryptionTag?: string;
  /** `https_traffic_only_enabled` of the capture storage account (default unset: true). */
  readonly secureTransfer?: boolean;
}

/**
 * A VNet with a management subnet (10.0.9.0/24, MANAGEMENT), an application subnet (10.0.3.0/24,
 * INTERNAL), a content subnet holding the private endpoint (10.0.4.5) of storage account
 * `images01` and its share `captures`, and the reference subnet (10.0.5.0/24, NSG `ref`) with VM
 * `ref` (10.0.5.10).
 */
export function refExample(o: RefExampleOptions = {}): { [key: string]: unknown } {
  type Dir = "Inbound" | "Outbound";
  const rule = (name: string, priority: number, direction: Dir, access: string, protocol: string, ports: string[], source: string, dest: string): Body => ({
    name, priority, direction, access, protocol, source_port_range: "*", destination_port_ranges: ports, source_address_prefix: source, destination_address_prefix: dest,
  });
  const deny = (direction: Dir) => rule(`deny-all-${direction.toLowerCase()}`, 4096, direction, "Deny", "*", ["0-65535"], "*", "*");
  const refRules = [
    rule("rdp-from-management", 100, "Inbound", "Allow", "Tcp", ["3389"], o.rdpSource ?? "10.0.9.0/24", "*"),
    deny("Inbound"),
    rule("smb-to-capture", 100, "Outbound", "Allow", "Tcp", ["445"], "*", "10.0.4.5"),
    rule("updates-delivery", 110, "Outbound", "Allow", "Tcp", ["80", "443"], "*", "AzureUpdateDelivery"),
    rule("updates-download", 120, "Outbound", "Allow", "Tcp", ["80", "443"], "*", "AzureFrontDoor.FirstParty"),
    ...(o.denyAllOutbound === false ? [] : [deny("Outbound")]),
  ];
  const subnet = (name: string, prefix: string): Body => ({ name, resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: [prefix] });
  const nsg = (name: string, rules: Body[], trust?: string): Body => ({ name, location: "westeurope", resource_group_name: "rg", security_rule: rules, ...(trust ? { tags: { [ZoneTags.TRUST]: trust } } : {}) });
  const assoc = (name: string): Body => ({ subnet_id: `\${azurerm_subnet.${name}.id}`, network_security_group_id: `\${azurerm_network_security_group.${name}.id}` });
  const tagged = o.tagged !== false;
  const tags: Record<string, string> = tagged
    ? { [ZoneTags.ROLE]: DeploymentRole.REFERENCE_COMPUTER, [PxeSettingTags.CAPTURE_LOCATION]: o.captureUnc ?? "\\\\images01.file.core.windows.net\\captures" }
    : {};
  if (o.captureEncryptionTag) tags[PxeSettingTags.CAPTURE_SMB_ENCRYPTION] = o.captureEncryptionTag;
  const resource: Record<string, Record<string, Body>> = {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_subnet: { mgmt: subnet("mgmt", "10.0.9.0/24"), app: subnet("app", "10.0.3.0/24"), content: subnet("content", "10.0.4.0/24"), ref: subnet("reference", "10.0.5.0/24") },
    azurerm_network_security_group: {
      mgmt: nsg("mgmt-nsg", [deny("Inbound")], "MANAGEMENT"),
      app: nsg("app-nsg", [deny("Inbound")], "INTERNAL"),
      content: nsg("content-nsg", [rule("smb-from-reference", 100, "Inbound", "Allow", "Tcp", ["445"], "10.0.5.0/24", "10.0.4.5"), deny("Inbound")], "INTERNAL"),
      ref: nsg("ref-nsg", refRules),
    },
    azurerm_subnet_network_security_group_association: { mgmt: assoc("mgmt"), app: assoc("app"), content: assoc("content"), ref: assoc("ref") },
    azurerm_storage_account: {
      images: {
        name: "images01", resource_group_name: "rg", location: "westeurope", account_tier: "Premium", account_kind: "FileStorage", account_replication_type: "ZRS",
        public_network_access_enabled: false, ...(o.secureTransfer !== undefined ? { https_traffic_only_enabled: o.secureTransfer } : {}),
      },
    },
    azurerm_storage_share: { captures: { name: "captures", storage_account_id: "${azurerm_storage_account.images.id}", quota: 1024, enabled_protocol: "SMB" } },
    azurerm_private_endpoint: {
      images: {
        name: "images-pe", location: "westeurope", resource_group_name: "rg", subnet_id: "${azurerm_subnet.content.id}",
        private_service_connection: { name: "file", private_connection_resource_id: "${azurerm_storage_account.images.id}", subresource_names: ["file"], is_manual_connection: false },
        ip_configuration: [{ name: "file", private_ip_address: "10.0.4.5", subresource_name: "file", member_name: "file" }],
      },
    },
    azurerm_network_interface: {
      ref: { name: "ref-nic", location: "westeurope", resource_group_name: "rg", ip_configuration: [{ name: "primary", subnet_id: "${azurerm_subnet.ref.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.5.10" }] },
    },
    azurerm_windows_virtual_machine: {
      ref: {
        name: "ref01", location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", admin_password: "${var.admin_password}",
        network_interface_ids: ["${azurerm_network_interface.ref.id}"], patch_mode: o.patchMode ?? "AutomaticByPlatform",
        os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
        source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
      },
    },
  };
  if (!tagged) resource.azurerm_image = { golden: { name: "golden", location: "westeurope", resource_group_name: "rg", source_virtual_machine_id: "${azurerm_windows_virtual_machine.ref.id}" } };
  return { resource, variable: { admin_password: { type: "string", sensitive: true } } };
}
