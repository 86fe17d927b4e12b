/**
 * Raw, untagged sites for the out-of-band pack, on the shared harness: `site()` places the NSG rules
 * under test on the servers subnet's NSG (inline or standalone) or on app01's NIC NSG; these
 * builders add a management subnet 10.0.9.0/24 with a server `oobsp` at 10.0.9.10 (the service point
 * when the configuration shows it), a client subnet 10.0.20.0/24 and, when asked, tags that refine.
 */
import { Body, Placement, rule, site, Site, SiteOptions, TfJson } from "../../support/rule-harness";

export { rule, TfJson };

/** Options of {@link oobSite}. */
export interface OobSiteOptions {
  /** `sdz-trust` of the management subnet's NSG (default: none). */
  readonly managementTrust?: string;
  /** `sdz-trust` of the client subnet's NSG (default: none). */
  readonly clientTrust?: string;
  /** Rules of the management subnet's NSG (before its deny-all). */
  readonly managementRules?: Body[];
  /** Tags of the server `oobsp` (default: none). */
  readonly spTags?: Record<string, string>;
  /** `oobsp`'s address, or "dynamic" (default 10.0.9.10). */
  readonly spIp?: string;
  /** Tags of app01 (default: none). */
  readonly vmTags?: Record<string, string>;
  readonly denyAll?: boolean;
  /** Extra resources or changes. */
  readonly extend?: SiteOptions["extend"];
}

export const SP = "azurerm_windows_virtual_machine.oobsp";
export const APP = "azurerm_windows_virtual_machine.app01";

/** A site: app01 (10.0.1.4) behind the rules under test, plus the management and client subnets. */
export function oobSite(placement: Placement, rules: Body[], opts: OobSiteOptions = {}): Site {
  return site(placement, rules, {
    denyAll: opts.denyAll,
    vmTags: opts.vmTags,
    extend: (tf, s) => {
      const mgmt = tf.subnet("management", s.vnet, ["10.0.9.0/24"]);
      const mgmtNsg = tf.nsg("management_nsg", [...(opts.managementRules ?? []), rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
      tagNsg(tf, mgmtNsg, opts.managementTrust);
      tf.associate(mgmt, mgmtNsg);
      const clients = tf.subnet("clients", s.vnet, ["10.0.20.0/24"]);
      const clientsNsg = tf.nsg("clients_nsg", [rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")]);
      tagNsg(tf, clientsNsg, opts.clientTrust);
      tf.associate(clients, clientsNsg);
      const nic = tf.nic("oobsp_nic", mgmt, opts.spIp === "dynamic" ? undefined : opts.spIp ?? "10.0.9.10");
      tf.windowsVm("oobsp", [nic], { identity: [{ type: "SystemAssigned" }], ...(opts.spTags ? { tags: opts.spTags } : {}) });
      opts.extend?.(tf, s);
    },
  });
}

function tagNsg(tf: TfJson, nsg: string, trust: string | undefined): void {
  if (trust) (tf.json.resource.azurerm_network_security_group[nsg.split(".")[1]] as Body).tags = { "sdz-trust": trust };
}

/** Sets fields on a resource of a site. */
export function patch(tf: TfJson, address: string, fields: Body): void {
  const [type, name] = address.split(".");
  Object.assign(tf.json.resource[type][name], fields);
}

/**
 * An Azure Firewall in AzureFirewallSubnet (10.0.100.0/26) with a policy whose DNAT rule publishes
 * `port` of app01 (10.0.1.4) to `sources`.
 */
export function addDnat(tf: TfJson, vnet: string, port: string, sources: string[] = ["*"]): string {
  const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
  const policy = tf.add("azurerm_firewall_policy", "policy", { name: "p", location: "westeurope", resource_group_name: "rg" });
  tf.add("azurerm_firewall", "fw", { name: "fw", location: "westeurope", resource_group_name: "rg", sku_name: "AZFW_VNet", sku_tier: "Standard", firewall_policy_id: TfJson.ref(policy), ip_configuration: [{ name: "c", subnet_id: TfJson.ref(fwSubnet) }] });
  return tf.add("azurerm_firewall_policy_rule_collection_group", "dnat", {
    name: "dnat", firewall_policy_id: TfJson.ref(policy), priority: 100,
    nat_rule_collection: [{ name: "publish", priority: 100, action: "Dnat", rule: [{ name: "amt", protocols: ["TCP"], source_addresses: sources, destination_address: "20.1.2.3", destination_ports: [port], translated_address: "10.0.1.4", translated_port: port }] }],
  });
}
