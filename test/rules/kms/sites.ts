/**
 * Raw, untagged azurerm resources the KMS and domain-services tests add to the harness's site
 * (VNet `net` 10.0.0.0/16, subnet `servers` 10.0.1.0/24, VM `app01` at 10.0.1.4): more zones, an
 * Azure Firewall (policy or classic collections), route tables, a VPN gateway to on-premises.
 */
import { Body, rule, TfJson } from "../../support/rule-harness";

export const KMS_HOST_VM = "azurerm_windows_virtual_machine.app01";
export const KMS_HOST_NIC = "azurerm_network_interface.app01_nic";

/** The body of a resource of the site, to patch. */
export function body(tf: TfJson, address: string): Body {
  const [type, name] = address.split(".");
  return tf.json.resource[type][name];
}

/** Adds tags to a resource. */
export function tag(tf: TfJson, address: string, tags: Record<string, string> | string): void {
  const b = body(tf, address);
  b.tags = typeof tags === "string" ? tags : { ...((b.tags as Record<string, string>) ?? {}), ...tags };
}

/** Options of {@link addZone}. */
export interface ZoneOptions {
  readonly rules?: Body[];
  readonly tags?: Record<string, string>;
}

/** A zone: a subnet with its own NSG (the given inbound rules, then a deny-all), optionally tagged. */
export function addZone(tf: TfJson, vnet: string, name: string, prefix: string, o: ZoneOptions = {}): { subnet: string; nsg: string } {
  const subnet = tf.subnet(name, vnet, [prefix]);
  const nsg = tf.nsg(`${name}_nsg`, [...(o.rules ?? []), rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
  if (o.tags) tag(tf, nsg, o.tags);
  tf.associate(subnet, nsg);
  return { subnet, nsg };
}

/** A DMZ the Internet reaches on HTTPS, with no trust tag: internet-facing, so inferred PERIMETER. */
export function addInternetFacingZone(tf: TfJson, vnet: string, name = "webdmz", prefix = "10.0.60.0/24"): { subnet: string; nsg: string } {
  return addZone(tf, vnet, name, prefix, { rules: [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet")] });
}

/** A firewall network rule body. */
export function fwRule(name: string, sources: string[], ports: string[], destinations: string[], extra: Body = {}): Body {
  return { name, protocols: ["TCP"], source_addresses: sources, destination_addresses: destinations, destination_ports: ports, ...extra };
}

export type FirewallKind = "policy" | "classic";

/**
 * Azure Firewall `hub` in AzureFirewallSubnet 10.0.100.0/26, with the network rules in one Allow
 * collection `kms-activation`: in a policy's rule collection group, or a classic collection.
 * `collection` is where a finding about a rule lands.
 */
export function addFirewall(tf: TfJson, vnet: string, kind: FirewallKind, rules: Body[]): { fw: string; collection: string; subnet: string } {
  const subnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
  const pip = tf.add("azurerm_public_ip", "hub_fw_ip", { name: "hub-fw-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
  const base: Body = { name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", ip_configuration: [{ name: "ip", subnet_id: TfJson.ref(subnet), public_ip_address_id: TfJson.ref(pip) }] };
  const collection = { name: "kms-activation", priority: 100, action: "Allow", rule: rules };
  if (kind === "policy") {
    const policy = tf.add("azurerm_firewall_policy", "hub", { name: "hub-policy", location: "westeurope", resource_group_name: "rg" });
    const fw = tf.add("azurerm_firewall", "hub", { ...base, firewall_policy_id: TfJson.ref(policy) });
    const rcg = tf.add("azurerm_firewall_policy_rule_collection_group", "kms", { name: "kms", firewall_policy_id: TfJson.ref(policy), priority: 400, network_rule_collection: [collection] });
    return { fw, collection: rcg, subnet };
  }
  const fw = tf.add("azurerm_firewall", "hub", base);
  const coll = tf.add("azurerm_firewall_network_rule_collection", "kms", { ...collection, azure_firewall_name: TfJson.ref(fw, "name"), resource_group_name: "rg" });
  return { fw, collection: coll, subnet };
}

/** A route table with `routes`, associated with `subnet`. */
export function addRouteTable(tf: TfJson, name: string, subnet: string, routes: Body[]): string {
  const rt = tf.add("azurerm_route_table", name, { name, location: "westeurope", resource_group_name: "rg", route: routes });
  tf.add("azurerm_subnet_route_table_association", name, { subnet_id: TfJson.ref(subnet), route_table_id: TfJson.ref(rt) });
  return rt;
}

/** A route to the hub firewall's private address (by reference, as users write it). */
export function viaFirewall(name: string, prefix: string, fw = "azurerm_firewall.hub"): Body {
  return { name, address_prefix: prefix, next_hop_type: "VirtualAppliance", next_hop_in_ip_address: TfJson.ref(fw, "ip_configuration[0].private_ip_address") };
}

/** A VPN gateway in GatewaySubnet 10.0.255.0/27 connected to the on-premises range `onprem` (192.168.10.0/24). */
export function addOnPremises(tf: TfJson, vnet: string, tags?: Record<string, string>): { gatewaySubnet: string; lng: string } {
  const gatewaySubnet = tf.subnet("GatewaySubnet", vnet, ["10.0.255.0/27"]);
  const pip = tf.add("azurerm_public_ip", "vpn_ip", { name: "vpn-ip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
  const gw = tf.add("azurerm_virtual_network_gateway", "vpn", {
    name: "vpn", location: "westeurope", resource_group_name: "rg", type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2",
    ip_configuration: [{ name: "gw", subnet_id: TfJson.ref(gatewaySubnet), public_ip_address_id: TfJson.ref(pip) }],
  });
  const lng = tf.add("azurerm_local_network_gateway", "onprem", { name: "onprem", location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: ["192.168.10.0/24"], ...(tags ? { tags } : {}) });
  tf.add("azurerm_virtual_network_gateway_connection", "onprem", {
    name: "onprem", location: "westeurope", resource_group_name: "rg", type: "IPsec", virtual_network_gateway_id: TfJson.ref(gw), local_network_gateway_id: TfJson.ref(lng), shared_key: "${var.psk}",
  });
  return { gatewaySubnet, lng };
}

/** Records a suppression on a resource, as the checks' aspect writes it. */
export function suppress(tf: TfJson, address: string, id: string): void {
  body(tf, address)["//"] = { secure_deployment_zones: { suppressions: [{ id, reason: "accepted risk" }] } };
}
