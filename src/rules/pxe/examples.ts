/**
 * The Terraform JSON of the PXE rules' examples (docs/rules.md prints them; the generic example test
 * runs them): a hand-written, untagged PXE segment as a user writes it.
 */

import { PxeContentTransport, PxeSettingTags } from "../../contract/pxe-tags";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";

type Body = Record<string, unknown>;

/** Options of {@link pxeExample}. */
export interface PxeExampleOptions {
  /** Source of the PXE allow (UDP 67, 69, 4011). Default `10.0.2.0/24` (the client subnet). */
  readonly pxeSource?: string;
  /** Destination of the PXE allow. Default the distribution point's address `10.0.1.10`. */
  readonly pxeDestination?: string;
  /** The client subnet 10.0.2.0/24: declared with a trust level, internet-facing (an HTTPS allow from the Internet), or undeclared. */
  readonly clientZone?: "INTERNAL" | "PERIMETER" | "internet-facing" | "undeclared";
  /** `sdz-trust` of the PXE subnet's NSG (default none). */
  readonly pxeTrust?: string;
  /** Tags of the distribution point VM (default none: untagged). */
  readonly dpTags?: Record<string, string>;
  /** A public IP on the distribution point's NIC. */
  readonly publicIp?: boolean;
  /** `ip_forwarding_enabled` on the distribution point's NIC. */
  readonly ipForwarding?: boolean;
  /** A second NIC of the distribution point in the client subnet. */
  readonly secondNic?: boolean;
  /** A second VM `app01` (10.0.1.20) in the PXE subnet, with these tags and extension script. */
  readonly otherHost?: { readonly tags?: Record<string, string>; readonly script?: string };
  /** A VNet flow log (default true). */
  readonly flowLog?: boolean;
}

/** A VNet with a PXE subnet (NSG `pxe`, distribution point `dp01` at 10.0.1.10) and a client subnet. */
export function pxeExample(o: PxeExampleOptions = {}): { [key: string]: unknown } {
  const rule = (name: string, priority: number, access: string, protocol: string, ports: string[], source: string, destination = "*"): Body => ({
    name, priority, direction: "Inbound", access, protocol, source_port_range: "*", destination_port_ranges: ports,
    source_address_prefix: source, destination_address_prefix: destination,
  });
  const denyAll = rule("deny-all", 4096, "Deny", "*", ["0-65535"], "*");
  const pxeRules = [rule("allow-pxe", 100, "Allow", "Udp", ["67", "69", "4011"], o.pxeSource ?? "10.0.2.0/24", o.pxeDestination ?? "10.0.1.10"), denyAll];
  const clientZone = o.clientZone ?? "INTERNAL";
  const clientRules = clientZone === "internet-facing" ? [rule("allow-https", 100, "Allow", "Tcp", ["443"], "Internet"), denyAll] : [denyAll];
  const clientTags = clientZone === "INTERNAL" || clientZone === "PERIMETER" ? { [ZoneTags.TRUST]: clientZone } : undefined;
  const nic = (name: string, subnet: string, ip: string, extra: Body = {}): Body => ({
    name, location: "westeurope", resource_group_name: "rg", ...extra,
    ip_configuration: [{ name: "primary", subnet_id: `\${azurerm_subnet.${subnet}.id}`, private_ip_address_allocation: "Static", private_ip_address: ip, ...(name === "dp-nic" && o.publicIp ? { public_ip_address_id: "${azurerm_public_ip.dp.id}" } : {}) }],
  });
  const vm = (name: string, nics: string[], tags?: Record<string, string>): Body => ({
    name, location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "ops", admin_password: "${var.admin_password}",
    network_interface_ids: nics.map((n) => `\${azurerm_network_interface.${n}.id}`),
    os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
    source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
    ...(tags ? { tags } : {}),
  });
  const resource: Record<string, Record<string, Body>> = {
    azurerm_virtual_network: { net: { name: "net", location: "westeurope", resource_group_name: "rg", address_space: ["10.0.0.0/16"] } },
    azurerm_subnet: {
      pxe: { name: "pxe", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.1.0/24"] },
      clients: { name: "clients", resource_group_name: "rg", virtual_network_name: "${azurerm_virtual_network.net.name}", address_prefixes: ["10.0.2.0/24"] },
    },
    azurerm_network_security_group: {
      pxe: { name: "pxe-nsg", location: "westeurope", resource_group_name: "rg", security_rule: pxeRules, ...(o.pxeTrust ? { tags: { [ZoneTags.TRUST]: o.pxeTrust } } : {}) },
      clients: { name: "clients-nsg", location: "westeurope", resource_group_name: "rg", security_rule: clientRules, ...(clientTags ? { tags: clientTags } : {}) },
    },
    azurerm_subnet_network_security_group_association: {
      pxe: { subnet_id: "${azurerm_subnet.pxe.id}", network_security_group_id: "${azurerm_network_security_group.pxe.id}" },
      clients: { subnet_id: "${azurerm_subnet.clients.id}", network_security_group_id: "${azurerm_network_security_group.clients.id}" },
    },
    azurerm_network_interface: {
      dp: nic("dp-nic", "pxe", "10.0.1.10", o.ipForwarding !== undefined ? { ip_forwarding_enabled: o.ipForwarding } : {}),
      ...(o.secondNic ? { dp2: nic("dp-nic2", "clients", "10.0.2.10") } : {}),
      ...(o.otherHost ? { app: nic("app-nic", "pxe", "10.0.1.20") } : {}),
    },
    azurerm_windows_virtual_machine: {
      dp: vm("dp01", o.secondNic ? ["dp", "dp2"] : ["dp"], o.dpTags),
      ...(o.otherHost ? { app: vm("app01", ["app"], o.otherHost.tags) } : {}),
    },
  };
  if (o.publicIp) resource.azurerm_public_ip = { dp: { name: "dp-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" } };
  if (o.otherHost?.script) {
    resource.azurerm_virtual_machine_extension = {
      app: {
        name: "setup", virtual_machine_id: "${azurerm_windows_virtual_machine.app.id}", publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
        settings: JSON.stringify({ commandToExecute: `powershell -Command "${o.otherHost.script}"` }),
      },
    };
  }
  if (o.flowLog !== false) {
    resource.azurerm_network_watcher_flow_log = {
      net: {
        name: "net-flows", network_watcher_name: "NetworkWatcher_westeurope", resource_group_name: "NetworkWatcherRG", target_resource_id: "${azurerm_virtual_network.net.id}",
        storage_account_id: "/subscriptions/0000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/logs", enabled: true, version: 2, retention_policy: { enabled: true, days: 90 },
      },
    };
  }
  return { resource, variable: { admin_password: { type: "string", sensitive: true } } };
}

/** The settings tags of a compliant distribution point whose ConfigMgr settings are declared. */
export const COMPLIANT_DP_TAGS: Record<string, string> = {
  [PxeSettingTags.PASSWORD_REQUIRED]: "true",
  [PxeSettingTags.UNKNOWN_COMPUTERS]: "false",
  [PxeSettingTags.MULTICAST]: "false",
  [PxeSettingTags.CONTENT_TRANSPORT]: PxeContentTransport.ENHANCED_HTTP,
  [PxeSettingTags.RESPOND_ALL_INTERFACES]: "false",
  [PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT]: "true",
};

/** The role tag of a declared distribution point. */
export const DP_ROLE: Record<string, string> = { [ZoneTags.ROLE]: DeploymentRole.PXE_DISTRIBUTION_POINT };
