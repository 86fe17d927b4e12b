/**
 * Whether the access model lists every host of a subnet. {@link AccessModel.hostEndpointsOf} gives
 * the NIC IP configurations and private endpoints the topology follows into the subnet; a rule that
 * judges a subnet by its hosts (every one of them closed by its own NSG, say) may do so only when
 * nothing else can sit in it: a NIC or private endpoint whose subnet cannot be followed, a VM whose
 * NICs cannot be followed, or a resource the topology does not model (a scale set, an AKS node pool,
 * a gateway, a load balancer frontend, a delegated service) that names the subnet.
 */
import { isUnset } from "./fields";
import { Subnet, Topology } from "./topology";
import { TerraformModel, TfResource } from "../model";

/** Resource types the topology models, or that name a subnet without placing anything in it. */
const NOT_RESIDENTS = new Set([
  "azurerm_subnet", "azurerm_virtual_network", "azurerm_network_interface", "azurerm_private_endpoint",
  "azurerm_subnet_network_security_group_association", "azurerm_subnet_route_table_association", "azurerm_subnet_nat_gateway_association",
  // Service-endpoint ACLs: they let a subnet's traffic into a service, they put nothing in the subnet.
  "azurerm_mssql_virtual_network_rule", "azurerm_sql_virtual_network_rule", "azurerm_postgresql_virtual_network_rule",
  "azurerm_mysql_virtual_network_rule", "azurerm_mariadb_virtual_network_rule", "azurerm_storage_account_network_rules",
]);

/** `subnet_id`, `vnet_subnet_id`, `pod_subnet_id`, `subnet_ids`, `delegated_subnet_id`, `infrastructure_subnet_id`, `virtual_network_subnet_id`. */
const SUBNET_KEY = /(^|_)subnet_ids?$/;
/** Blocks and lists that are service-endpoint ACLs (storage `network_rules`, key vault `network_acls`, Event Hubs `virtual_network_rule`). */
const ACL_KEY = /network_rule|network_acls|^virtual_network_subnet_ids$/;

interface Residents {
  /** Per subnet: the first resource outside the access model that names it. */
  readonly bySubnet: Map<Subnet, string>;
  /** Something that may sit in any subnet: its subnet cannot be followed. */
  readonly anywhere?: string;
}

/**
 * Why the hosts of `subnet` that the access model lists may not be all of them, or undefined when they
 * are. Computed once per configuration, in one pass over every resource's configuration.
 */
export function unlistedHosts(model: TerraformModel, subnet: Subnet): string | undefined {
  const r = model.memo("access:subnet-residents", () => residents(model));
  return r.bySubnet.get(subnet) ?? r.anywhere;
}

function residents(model: TerraformModel): Residents {
  const topology = Topology.of(model);
  const bySubnet = new Map<Subnet, string>();
  let anywhere: string | undefined;
  // A literal ID that certainly names a subnet elsewhere places nothing here.
  const follow = (value: unknown, where: string) => {
    const { subnet, unknown, external } = topology.subnetFromId(value);
    if (subnet) {
      if (!bySubnet.has(subnet)) bySubnet.set(subnet, `${where} places something the checks do not model in it`);
    } else if (!external) anywhere ??= `${where}: ${unknown ?? "its subnet cannot be followed"}`;
  };
  for (const nic of topology.nics) {
    const blocks = model.blocks(nic.resource, "ip_configuration");
    nic.ipConfigs.forEach((cfg, i) => {
      if (cfg.subnet) return;
      // Blocks come first, in order (topology.indexNics); a configuration read from nothing has no block.
      const raw = i < blocks.length ? blocks[i].subnet_id : undefined;
      if (!isUnset(raw) && topology.subnetFromId(raw).external) return;
      anywhere ??= `the subnet of ${nic.resource.address} cannot be followed (${cfg.subnetUnknown ?? "subnet_id is missing"})`;
    });
  }
  for (const pe of topology.privateEndpoints) {
    if (pe.subnet || !pe.subnetUnknown || topology.subnetFromId(pe.resource.config.subnet_id).external) continue;
    anywhere ??= `the subnet of ${pe.resource.address} cannot be followed (${pe.subnetUnknown})`;
  }
  for (const vm of topology.vms) if (vm.nicsUnknown) anywhere ??= `the NICs of ${vm.resource.address} cannot be followed (${vm.nicsUnknown})`;
  for (const res of model.resources) {
    if (NOT_RESIDENTS.has(res.type)) continue;
    walk(res, res.config, "", follow);
  }
  return { bySubnet, anywhere };
}

function walk(res: TfResource, value: unknown, path: string, follow: (v: unknown, where: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v) => walk(res, v, path, follow));
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (ACL_KEY.test(key)) continue;
    const at = path ? `${path}.${key}` : key;
    if (SUBNET_KEY.test(key)) {
      if (isUnset(v)) continue;
      for (const item of Array.isArray(v) ? v : [v]) follow(item, `${res.address} (${at})`);
    } else if (typeof v === "object") walk(res, v, at, follow);
  }
}
