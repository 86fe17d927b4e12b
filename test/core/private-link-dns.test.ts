/**
 * Private-link DNS zones are unique per resource group (case 09): networks sharing a group share
 * one zone, each linking its own VNet; networks of separate groups each have their own zone.
 */
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { FilesIdentitySource, StateMigrationShare } from "../../src/migration";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

const ZONE_NAME = "privatelink.file.core.windows.net";

function site(groups: "shared" | "separate") {
  const { stack } = newStack();
  const rg = new ResourceGroup(stack, "Rg", { name: "osd-rg", location: "westeurope" });
  const shares = [["1", "10.1.0.0/16"], ["2", "10.2.0.0/16"]].map(([i, space]) => {
    const network = new DeploymentNetwork(stack, `Net${i}`, {
      name: `site${i}-vnet`, location: "westeurope", addressSpace: [space], disableFlowLogs: true, ...(groups === "shared" ? { resourceGroup: rg } : {}),
    });
    const zone = new DeploymentZone(stack, `Content${i}`, { network, zoneName: `content${i}`, addressPrefix: space.replace("0.0/16", "4.0/24"), trustLevel: TrustLevel.INTERNAL });
    return new StateMigrationShare(stack, `Share${i}`, { zone, storageAccountName: `site${i}usmt01`, quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS } });
  });
  return { stack, shares, json: synthJson(stack) };
}

describe("private-link DNS zones per resource group (case 09)", () => {
  test("two networks in one group: one zone, under the first network at its usual address, linked to both VNets; both endpoints register in it", () => {
    const { shares, json } = site("shared");
    const zones = Object.entries<any>(json.resource.azurerm_private_dns_zone);
    expect(zones.map(([k, z]) => [k.replace(/_[0-9A-F]{8}$/, ""), z.name, z.resource_group_name])).toEqual([["Net1_FilePrivateDnsZone", ZONE_NAME, "${azurerm_resource_group.Rg.name}"]]);
    const zoneRef = `azurerm_private_dns_zone.${zones[0][0]}`;
    const links = Object.entries<any>(json.resource.azurerm_private_dns_zone_virtual_network_link)
      .map(([k, l]) => [k.replace(/_[0-9A-F]{8}$/, ""), l.name, l.private_dns_zone_name, l.resource_group_name, /azurerm_virtual_network\.(\w+?)_/.exec(l.virtual_network_id)![1]]);
    expect(links.sort()).toEqual([
      ["Net1_FilePrivateDnsZoneLink", "site1-vnet-file-link", `\${${zoneRef}.name}`, "${azurerm_resource_group.Rg.name}", "Net1"],
      ["Net2_FilePrivateDnsZoneLink", "site2-vnet-file-link", `\${${zoneRef}.name}`, "${azurerm_resource_group.Rg.name}", "Net2"],
    ]);
    const endpoints = Object.values<any>(json.resource.azurerm_private_endpoint).map((e) => e.private_dns_zone_group.private_dns_zone_ids);
    expect(endpoints).toEqual([[`\${${zoneRef}.id}`], [`\${${zoneRef}.id}`]]);
    expect(shares[0].privateDnsZone).toBe(shares[1].privateDnsZone);
  });

  test("two networks in separate groups: a zone each, in each network's group", () => {
    const { json } = site("separate");
    const zones = Object.values<any>(json.resource.azurerm_private_dns_zone).map((z) => [z.name, z.resource_group_name]);
    expect(zones).toEqual([[ZONE_NAME, "${azurerm_resource_group.Net1_ResourceGroup_EA3B9669.name}"], [ZONE_NAME, "${azurerm_resource_group.Net2_ResourceGroup_A7BDD2F7.name}"]]);
  });
});
