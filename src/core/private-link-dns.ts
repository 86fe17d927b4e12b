import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { invalidProp } from "../network/errors";
import { resourceGroupKey } from "../network/uniqueness";
import { requireResourceId } from "../network/validators";

/** What a network gives its private-link DNS zones (a DeploymentNetwork, seen structurally). @internal */
export interface PrivateLinkNetwork extends Construct {
  readonly resourceGroup: ResourceGroup;
  readonly resourceGroupName: string;
  readonly networkName: string;
  readonly virtualNetworkId: string;
  readonly tags: { [key: string]: string };
}

/**
 * A private-link sub-resource and its DNS zone, from learn.microsoft.com azure/private-link/private-endpoint-dns
 * ("Azure Private Endpoint private DNS zone values"). @internal
 */
export interface PrivateLinkDns {
  /** The zone's construct ID under the network (part of the Terraform address: never change it). */
  readonly id: string;
  /** `privatelink.file.core.windows.net`... */
  readonly zoneName: string;
  /** The VNet link's name suffix: `<networkName>-<linkSuffix>-link`. */
  readonly linkSuffix: string;
}

/** Azure Files (`file`). @internal */
export const FILE_PRIVATE_LINK_DNS: PrivateLinkDns = { id: "FilePrivateDnsZone", zoneName: "privatelink.file.core.windows.net", linkSuffix: "file" };
/** Key Vault (`vault`). @internal */
export const VAULT_PRIVATE_LINK_DNS: PrivateLinkDns = { id: "VaultPrivateDnsZone", zoneName: "privatelink.vaultcore.azure.net", linkSuffix: "vault" };

/** The zones created so far, per stack, by resource group and zone name (see {@link privateLinkDnsZone}). */
const zonesByGroup = new WeakMap<TerraformStack, Map<string, PrivateDnsZone>>();

/**
 * The network's private DNS zone for one private-link service and its VNet link, shared by every
 * endpoint of the network. Both live under the network (not under whichever construct came first),
 * and their names derive from the network, so adding, removing or reordering endpoints never moves
 * them. Without such a zone the service's name resolves to its public address, which a vault or
 * account with public access off refuses.
 *
 * A zone's name is unique per resource group (`.../resourceGroups/<rg>/providers/Microsoft.Network/
 * privateDnsZones/<name>`; azurerm refuses to create one that exists, private_dns_zone_resource.go:
 * tf.ImportAsExistsError), so a second network of the same group does not create its own: it links
 * its VNet to the zone the first network created: one zone linked to every VNet whose clients
 * resolve the endpoints, as Azure's guidance does (learn.microsoft.com azure/private-link/
 * private-endpoint-dns-integration, peered virtual network workloads: "This configuration requires a
 * single private DNS zone"; several zones of one name would need their records merged by hand). The
 * first network keeps its zone and link at the same addresses. @internal
 */
export function privateLinkDnsZone(network: PrivateLinkNetwork, dns: PrivateLinkDns): PrivateDnsZone {
  const existing = network.node.tryFindChild(dns.id);
  if (existing instanceof PrivateDnsZone) return existing;
  const stack = TerraformStack.of(network);
  let zones = zonesByGroup.get(stack);
  if (!zones) zonesByGroup.set(stack, (zones = new Map()));
  const key = `${resourceGroupKey(network.resourceGroup).key}|${dns.zoneName}`;
  const rg = network.resourceGroupName;
  let zone = zones.get(key);
  if (!zone) {
    zone = new PrivateDnsZone(network, dns.id, { name: dns.zoneName, resourceGroupName: rg, tags: network.tags });
    zones.set(key, zone);
  }
  if (!network.node.tryFindChild(`${dns.id}Link`)) {
    new PrivateDnsZoneVirtualNetworkLink(network, `${dns.id}Link`, {
      // Link names are unique per zone; VNet names are unique per group, so each network's link is its own.
      name: `${network.networkName}-${dns.linkSuffix}-link`,
      resourceGroupName: rg,
      privateDnsZoneName: zone.name,
      virtualNetworkId: network.virtualNetworkId,
      registrationEnabled: false,
      tags: network.tags,
    });
  }
  return zone;
}

/** Validates the resource ID of an existing zone for `dns` given as `prop`. @internal */
export function requirePrivateLinkDnsZoneId(prop: string, value: string, dns: PrivateLinkDns): string {
  requireResourceId(prop, value, `.../providers/Microsoft.Network/privateDnsZones/${dns.zoneName}`);
  const suffix = `/providers/microsoft.network/privatednszones/${dns.zoneName}`;
  if (!Token.isUnresolved(value) && !value.toLowerCase().endsWith(suffix)) {
    throw invalidProp(prop, value, `the resource ID of a ${dns.zoneName} private DNS zone`);
  }
  return value;
}
