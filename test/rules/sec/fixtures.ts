/**
 * Raw, untagged fixtures of the security pack: the service rules that make a VM a deployment server
 * by inference, a KMS host published only through an Azure Firewall DNAT rule, and the pieces of
 * the Azure Monitor chain.
 */
import { Body, rule, site, Site, TfJson } from "../../support/rule-harness";

/** Rules that make an untagged VM a deployment server by inference. */
export const SERVICE_RULES: Record<string, Body[]> = {
  "kms-host": [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")],
  "domain-controller": [rule("allow-kerberos", 100, "Allow", "*", "88", "10.0.2.0/24"), rule("allow-ldap", 110, "Allow", "*", "389", "10.0.2.0/24")],
  "pxe-distribution-point": [rule("allow-pxe", 100, "Allow", "Udp", ["67", "69", "4011"], "10.0.2.0/24")],
};

/** Pieces of the monitoring chain to add (all by default). */
export interface Pieces {
  readonly agent?: Body | false;
  readonly identity?: Body | false;
  readonly dcr?: Body | false;
  readonly association?: Body | false;
}

const SECURITY_DCR: Body = {
  name: "security-events", location: "westeurope", resource_group_name: "rg",
  destinations: { log_analytics: [{ name: "law", workspace_resource_id: "${azurerm_log_analytics_workspace.sec.id}" }] },
  data_flow: [{ streams: ["Microsoft-SecurityEvent"], destinations: ["law"] }],
  data_sources: { windows_event_log: [{ name: "security", streams: ["Microsoft-SecurityEvent"], x_path_queries: ["Security!*"] }] },
};

/** Adds the monitoring pieces for `vm` (an address) to a configuration. */
export function monitor(tf: TfJson, vm: string, p: Pieces = {}): void {
  const [type, name] = vm.split(".");
  if (p.identity !== false) Object.assign(tf.json.resource[type][name], { identity: p.identity ?? { type: "SystemAssigned" } });
  if (p.agent !== false) {
    tf.add("azurerm_virtual_machine_extension", `${name}_ama`, {
      name: "AzureMonitorWindowsAgent", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent",
      type_handler_version: "1.0", auto_upgrade_minor_version: true, ...(p.agent ?? {}),
    });
  }
  tf.add("azurerm_log_analytics_workspace", "sec", { name: "sec-law", location: "westeurope", resource_group_name: "rg", sku: "PerGB2018" });
  if (p.dcr !== false) tf.add("azurerm_monitor_data_collection_rule", "security", { ...SECURITY_DCR, ...(p.dcr ?? {}) });
  if (p.association !== false) {
    tf.add("azurerm_monitor_data_collection_rule_association", `${name}_security`, {
      name: `${name}-security`, target_resource_id: TfJson.ref(vm), data_collection_rule_id: TfJson.ref("azurerm_monitor_data_collection_rule.security"), ...(p.association ?? {}),
    });
  }
}

/**
 * A VM whose NSG lets the firewall subnet in on every port (a rule written for no service), and a
 * firewall DNAT rule that publishes TCP 1688 on it: a KMS host only through the DNAT path.
 */
export function kmsPublishedByDnat(): Site {
  return site("inline", [rule("allow-hub", 100, "Allow", "Tcp", "*", "10.0.100.0/26")], {
    extend: (tf, { vnet }) => {
      const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
      const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
      tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
      tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
        name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
        nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "kms", protocols: ["TCP"], source_addresses: ["192.168.10.0/24"], destination_address: "20.1.2.3", destination_ports: ["1688"], translated_address: "10.0.1.4", translated_port: "1688" }] }],
      });
    },
  });
}
