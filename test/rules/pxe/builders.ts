/**
 * Raw azurerm pieces the PXE and reference-computer tests add to the harness's `site()`: zones of
 * a given trust, on-premises ranges, tags on an NSG or VM, scripts and run commands.
 */
import { COMPLIANT_DP_TAGS } from "../../../src/rules/pxe/examples";
import { Body, rule, TfJson } from "../../support/rule-harness";

/** The PXE ports a distribution point answers on. */
export const PXE = ["67", "69", "4011"];

/** An allow of the PXE ports (UDP 67, 69, 4011) from `source` to `destination` (default the site's VM, 10.0.1.4). */
export function pxeRule(name: string, source: string | string[], destination: string | string[] = "10.0.1.4", priority = 100): Body {
  return rule(name, priority, "Allow", "Udp", PXE, source, destination);
}

/** The distribution point's settings, declared, with overrides (`undefined` removes one). */
export function dpTags(over: Record<string, string | undefined> = {}, role = true): Record<string, string> {
  const out: Record<string, string> = { ...(role ? { "sdz-role": "pxe-distribution-point" } : {}), ...COMPLIANT_DP_TAGS };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Options of {@link zone}. */
export interface ZoneOptions {
  /** `sdz-trust` of its NSG. */
  readonly trust?: string;
  /** An NSG allow of HTTPS from the Internet (the zone is internet-facing: inferred PERIMETER). */
  readonly internetFacing?: boolean;
}

/** A subnet of the site's VNet with its own NSG (deny-all inbound), optionally declared or internet-facing. */
export function zone(tf: TfJson, vnet: string, name: string, prefix: string, o: ZoneOptions = {}): { subnet: string; nsg: string } {
  const subnet = tf.subnet(name, vnet, [prefix]);
  const rules = [...(o.internetFacing ? [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet")] : []), rule("deny-all", 4096, "Deny", "*", "*", "*")];
  const nsg = tf.nsg(`${name}_nsg`, rules);
  if (o.trust) tag(tf, nsg, { "sdz-trust": o.trust });
  tf.associate(subnet, nsg);
  return { subnet, nsg };
}

/** An on-premises range set (a local network gateway), optionally declared with a trust level. */
export function onPremises(tf: TfJson, name: string, prefixes: string[], trust?: string): string {
  return tf.add("azurerm_local_network_gateway", name, {
    name, location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: prefixes,
    ...(trust ? { tags: { "sdz-zone": name, "sdz-trust": trust } } : {}),
  });
}

/** Merges tags into a resource (`type.name`). */
export function tag(tf: TfJson, address: string, tags: Record<string, string> | string): void {
  const [type, name] = address.split(".");
  const body = tf.json.resource[type][name];
  body.tags = typeof tags === "string" ? tags : { ...((body.tags as Record<string, string>) ?? {}), ...tags };
}

/** Sets attributes of a resource (`type.name`). */
export function patch(tf: TfJson, address: string, attrs: Body): void {
  const [type, name] = address.split(".");
  Object.assign(tf.json.resource[type][name], attrs);
}

/** A CustomScriptExtension on a VM running `script` (public settings). */
export function extension(tf: TfJson, name: string, vm: string, script: string): string {
  return tf.add("azurerm_virtual_machine_extension", name, {
    name, virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
    settings: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
  });
}

/** A run command on a VM (e.g. a ConfigMgr site server) running `script`. */
export function runCommand(tf: TfJson, name: string, vm: string, script: string): string {
  return tf.add("azurerm_virtual_machine_run_command", name, { name, location: "westeurope", virtual_machine_id: TfJson.ref(vm), source: { script } });
}

/** A second VM in the site's subnet (`servers`, 10.0.1.0/24). */
export function secondVm(tf: TfJson, name: string, ip: string, tags?: Record<string, string>, subnet = "azurerm_subnet.servers"): { vm: string; nic: string } {
  const nic = tf.nic(`${name}_nic`, subnet, ip);
  const vm = tf.windowsVm(name, [nic], tags ? { tags } : {});
  return { vm, nic };
}

/**
 * Azure Firewall `hub` (policy) in AzureFirewallSubnet 10.0.100.0/26 with one Allow network rule
 * `pxe/pxe` (UDP 67, 69, 4011 from `source` to `destinations`), and a route table that sends the
 * client subnet's traffic for `routed` through it. Returns the rule collection group (where a finding lands).
 */
export function pxeFirewall(tf: TfJson, vnet: string, clientSubnet: string, source: string, destinations: string[], routed = "10.0.1.0/24"): string {
  const subnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
  const pip = tf.add("azurerm_public_ip", "hub_fw_ip", { name: "hub-fw-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
  const policy = tf.add("azurerm_firewall_policy", "hub", { name: "hub-policy", location: "westeurope", resource_group_name: "rg" });
  const fw = tf.add("azurerm_firewall", "hub", {
    name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy),
    ip_configuration: [{ name: "ip", subnet_id: TfJson.ref(subnet), public_ip_address_id: TfJson.ref(pip) }],
  });
  const rcg = tf.add("azurerm_firewall_policy_rule_collection_group", "pxe", {
    name: "pxe", firewall_policy_id: TfJson.ref(policy), priority: 100,
    network_rule_collection: [{ name: "pxe", priority: 100, action: "Allow", rule: [{ name: "pxe", protocols: ["UDP"], source_addresses: [source], destination_addresses: destinations, destination_ports: PXE }] }],
  });
  const rt = tf.add("azurerm_route_table", "clients", {
    name: "clients-rt", location: "westeurope", resource_group_name: "rg",
    route: [{ name: "to-pxe", address_prefix: routed, next_hop_type: "VirtualAppliance", next_hop_in_ip_address: TfJson.ref(fw, "ip_configuration[0].private_ip_address") }],
  });
  tf.add("azurerm_subnet_route_table_association", "clients", { subnet_id: TfJson.ref(clientSubnet), route_table_id: TfJson.ref(rt) });
  return rcg;
}

/** A Linux VM in the site's subnet (NIC `${name}_nic` at `ip`) whose Custom Script extension (Linux handler) runs `command`. */
export function linuxVmRunning(tf: TfJson, name: string, ip: string, command: string, subnet = "azurerm_subnet.servers"): { vm: string; nic: string } {
  const nic = tf.nic(`${name}_nic`, subnet, ip);
  const vm = tf.add("azurerm_linux_virtual_machine", name, {
    name, location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "azureops",
    admin_ssh_key: [{ username: "azureops", public_key: "${var.ssh_key}" }], network_interface_ids: [TfJson.ref(nic)],
    os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
    source_image_reference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
  });
  tf.add("azurerm_virtual_machine_extension", `${name}_setup`, {
    name: "setup", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Azure.Extensions", type: "CustomScript", type_handler_version: "2.1",
    settings: JSON.stringify({ commandToExecute: command }),
  });
  return { vm, nic };
}
