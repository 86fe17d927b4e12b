import { TerraformStack, TerraformVariable } from "cdktf";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack } from "../support/fixtures";

/** A network with client (INTERNAL), management, perimeter zones and a sensitive admin password. */
export function env(options: { withDmz?: boolean } = {}) {
  const { app, stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: "corp", location: "westeurope", addressSpace: ["10.0.0.0/16"] });
  const clients = new DeploymentZone(stack, "Clients", { network, zoneName: "clients", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const mgmt = new DeploymentZone(stack, "Mgmt", { network, zoneName: "mgmt", addressPrefix: "10.0.8.0/24", trustLevel: TrustLevel.MANAGEMENT });
  const dmz = options.withDmz === false ? undefined : new DeploymentZone(stack, "Dmz", { network, zoneName: "dmz", addressPrefix: "10.0.9.0/24", trustLevel: TrustLevel.PERIMETER });
  const password = SensitiveValue.fromVariable(new TerraformVariable(stack, "admin_password", { type: "string", sensitive: true }));
  return { app, stack, network, clients, mgmt, dmz: dmz as DeploymentZone, password };
}

/** Resources of a type in synthesized JSON, as an array of [name, body]. */
export function resourcesOf(json: any, type: string): [string, any][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** Decodes the PowerShell script of a Custom Script Extension. */
export function decodeScript(extension: any): string {
  expect(extension.protected_settings).toBeUndefined();
  const settings = JSON.parse(extension.settings);
  const b64 = /-EncodedCommand (\S+)/.exec(settings.commandToExecute)![1];
  return Buffer.from(b64, "base64").toString("utf16le");
}

export type Env = ReturnType<typeof env>;
export type { TerraformStack };
