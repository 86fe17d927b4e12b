import { TerraformStack, TerraformVariable } from "cdktf";
import { IDeploymentContentLocation } from "../../src/core/content-location";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { PxeDistributionPoint, PxeDistributionPointProps } from "../../src/pxe/distribution-point";
import { PxeZone, PxeZoneProps } from "../../src/pxe/pxe-zone";
import { DeploymentNetwork, DeploymentNetworkProps } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack } from "../support/fixtures";

export function secret(stack: TerraformStack, id = "admin_password"): SensitiveValue {
  return SensitiveValue.fromVariable(new TerraformVariable(stack, id, { type: "string", sensitive: true }));
}

export function network(stack: TerraformStack, props: Partial<DeploymentNetworkProps> = {}): DeploymentNetwork {
  return new DeploymentNetwork(stack, "Net", { name: "osd-net", location: "westeurope", addressSpace: ["10.50.0.0/16"], ...props });
}

export const ZONE_PROPS = {
  zoneName: "pxe",
  addressPrefix: "10.50.1.0/24",
  clientSegments: ["192.168.10.0/24", "192.168.20.0/24"],
  relayAgents: ["192.168.10.1", "172.16.0.1"],
};

export function pxeStack(zone: Partial<PxeZoneProps> = {}, dp?: Partial<PxeDistributionPointProps>) {
  const { app, stack } = newStack();
  const net = network(stack);
  const z = new PxeZone(stack, "Pxe", { network: net, ...ZONE_PROPS, ...zone });
  const d = dp === undefined ? undefined : new PxeDistributionPoint(stack, "Dp", dpProps(stack, z, dp));
  return { app, stack, net, zone: z, dp: d };
}

export function dpProps(stack: TerraformStack, zone: PxeZone, over: Partial<PxeDistributionPointProps> = {}): PxeDistributionPointProps {
  return {
    zone,
    serverName: "dp01",
    privateIpAddress: "10.50.1.10",
    adminUsername: "osdadmin",
    adminPassword: secret(stack),
    siteCode: "P01",
    domainName: "corp.contoso.com",
    imagesFreeOfSensitiveContent: true,
    ...over,
  };
}

export function managementZone(stack: TerraformStack, net: DeploymentNetwork, trust = TrustLevel.MANAGEMENT): DeploymentZone {
  return new DeploymentZone(stack, "Mgmt", { network: net, zoneName: "mgmt", addressPrefix: "10.50.9.0/24", trustLevel: trust });
}

export function contentLocation(over: Partial<IDeploymentContentLocation> = {}): IDeploymentContentLocation {
  return { uncPath: "\\\\images.file.core.windows.net\\captures", privateEndpointPrefix: "10.50.20.4/32", smbEncryptionRequired: true, ...over };
}
