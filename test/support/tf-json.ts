/**
 * Builds Terraform JSON by hand (no cdktf synth): fast enough for property tests, and exactly what
 * a user's hand-written `.tf.json` looks like.
 */
import { TerraformModel } from "../../src/engine/model";

export type Body = Record<string, unknown>;

export class TfJson {
  /** `${type.name.attr}` */
  public static ref(address: string, attr = "id"): string {
    return `\${${address}.${attr}}`;
  }

  /** Wraps existing Terraform JSON. */
  public static fromJson(json: { [key: string]: unknown }): TfJson {
    const t = new TfJson();
    Object.assign(t.json, JSON.parse(JSON.stringify(json)));
    return t;
  }

  public readonly json: { resource: Record<string, Record<string, Body>>; variable?: Record<string, Body>; [key: string]: unknown } = { resource: {} };

  /** Adds a resource and returns `${type.name}` for references. */
  public add(type: string, name: string, body: Body): string {
    (this.json.resource[type] ??= {})[name] = body;
    return `${type}.${name}`;
  }

  public model(name = "test"): TerraformModel {
    return TerraformModel.fromTerraformJson(JSON.parse(JSON.stringify(this.json)), { name });
  }

  // --------------------------------------------------------------- common shapes

  public vnet(name: string, addressSpace: string[] = ["10.0.0.0/16"]): string {
    return this.add("azurerm_virtual_network", name, { name, location: "westeurope", resource_group_name: "rg", address_space: addressSpace });
  }

  public subnet(name: string, vnet: string, prefixes: string[], extra: Body = {}): string {
    return this.add("azurerm_subnet", name, {
      name, resource_group_name: "rg", virtual_network_name: TfJson.ref(vnet, "name"), address_prefixes: prefixes, ...extra,
    });
  }

  public nsg(name: string, rules: Body[] = []): string {
    return this.add("azurerm_network_security_group", name, { name, location: "westeurope", resource_group_name: "rg", ...(rules.length ? { security_rule: rules } : {}) });
  }

  public nsgRule(name: string, nsg: string, body: Body): string {
    return this.add("azurerm_network_security_rule", name, { name, resource_group_name: "rg", network_security_group_name: TfJson.ref(nsg, "name"), ...body });
  }

  public associate(subnet: string, nsg: string): string {
    const name = `${subnet.split(".")[1]}_${nsg.split(".")[1]}`;
    return this.add("azurerm_subnet_network_security_group_association", name, { subnet_id: TfJson.ref(subnet), network_security_group_id: TfJson.ref(nsg) });
  }

  public nic(name: string, subnet: string, ip?: string, extra: Body = {}): string {
    return this.add("azurerm_network_interface", name, {
      name, location: "westeurope", resource_group_name: "rg",
      ip_configuration: [{ name: "primary", subnet_id: TfJson.ref(subnet), private_ip_address_allocation: ip ? "Static" : "Dynamic", ...(ip ? { private_ip_address: ip } : {}), ...extra }],
    });
  }

  public nicNsg(nic: string, nsg: string): string {
    const name = `${nic.split(".")[1]}_${nsg.split(".")[1]}`;
    return this.add("azurerm_network_interface_security_group_association", name, { network_interface_id: TfJson.ref(nic), network_security_group_id: TfJson.ref(nsg) });
  }

  /**
   * An Azure Firewall `hub` (public IP `fw_pip`) in `fwSubnet`, with policy `policy` and its rule
   * collection group `rules` holding `collections` (network_rule_collection, nat_rule_collection...).
   * A DNAT rule reaches the firewall's public address as `${azurerm_public_ip.fw_pip.ip_address}`.
   */
  public hubFirewall(fwSubnet: string, collections: Body): { firewall: string; policy: string } {
    const pip = this.add("azurerm_public_ip", "fw_pip", { name: "fw-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
    const policy = this.add("azurerm_firewall_policy", "policy", { name: "policy", location: "westeurope", resource_group_name: "rg" });
    const firewall = this.add("azurerm_firewall", "hub", {
      name: "hub-fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy),
      ip_configuration: [{ name: "cfg", subnet_id: TfJson.ref(fwSubnet), public_ip_address_id: TfJson.ref(pip) }],
    });
    this.add("azurerm_firewall_policy_rule_collection_group", "rules", { name: "rules", firewall_policy_id: TfJson.ref(policy), priority: 200, ...collections });
    return { firewall, policy };
  }

  public windowsVm(name: string, nics: string[], extra: Body = {}): string {
    return this.add("azurerm_windows_virtual_machine", name, {
      name, location: "westeurope", resource_group_name: "rg", size: "Standard_D2s_v5", admin_username: "azureops",
      admin_password: "${var.admin_password}", network_interface_ids: nics.map((n) => TfJson.ref(n)),
      os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
      source_image_reference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
      ...extra,
    });
  }
}

/** An NSG rule body (inline spelling; standalone rules take the same fields). */
export function rule(name: string, priority: number, access: "Allow" | "Deny", protocol: string, port: string | string[], source: string | string[], destination: string | string[] = "*", direction = "Inbound"): Body {
  return {
    name, priority, direction, access, protocol,
    source_port_range: "*",
    ...(Array.isArray(port) ? { destination_port_ranges: port } : { destination_port_range: port }),
    ...(Array.isArray(source) ? { source_address_prefixes: source } : { source_address_prefix: source }),
    ...(Array.isArray(destination) ? { destination_address_prefixes: destination } : { destination_address_prefix: destination }),
  };
}
