import { TerraformStack, TerraformVariable } from "cdktf";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack } from "../support/fixtures";

/** A stack with a network, a store zone (10.20.1.0/24) and a client zone (10.20.2.0/24). */
export function migrationStack(id = "test") {
  const { app, stack } = newStack(id);
  const network = new DeploymentNetwork(stack, "Net", { name: "deploy-vnet", location: "westeurope", addressSpace: ["10.20.0.0/16"] });
  const storeZone = new DeploymentZone(stack, "Store", { network, zoneName: "state-store", addressPrefix: "10.20.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const clients = new DeploymentZone(stack, "Clients", { network, zoneName: "provisioning", addressPrefix: "10.20.2.0/24", trustLevel: TrustLevel.INTERNAL });
  return { app, stack, network, storeZone, clients };
}

/** A sensitive admin password variable. */
export function adminPassword(stack: TerraformStack): SensitiveValue {
  return SensitiveValue.fromVariable(new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true }));
}
