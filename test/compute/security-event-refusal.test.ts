/**
 * A deployment server construct refused for its security event settings (R-SEC-8) is refused before
 * it builds anything: it leaves the tree and gives back its server name and static address, so a
 * corrected retry in the same stack, under the same id, name and address, is accepted.
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { ActivationZone } from "../../src/activation/activation-zone";
import { KmsHost, KmsServer } from "../../src/activation/kms-host";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { DomainController, IdentityZone } from "../../src/identity/identity-zone";
import { StateMigrationPoint } from "../../src/migration/state-migration-point";
import { Peer } from "../../src/network/peer";
import { TrustLevel } from "../../src/network/trust-level";
import { ManagementZone } from "../../src/oob/management-zone";
import { OutOfBandServicePoint } from "../../src/oob/out-of-band-service-point";
import { PxeDistributionPoint } from "../../src/pxe/distribution-point";
import { PxeZone } from "../../src/pxe/pxe-zone";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { errorOf } from "../support/construct-errors";
import { newStack, synthJson } from "../support/fixtures";

const WS = "/subscriptions/0/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc";
const OTHER_WS = "/subscriptions/0/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/other";

function secret(stack: TerraformStack, id: string): SensitiveValue {
  return SensitiveValue.fromVariable(new TerraformVariable(stack, id, { type: "string", sensitive: true }));
}

/** The names of the synthesized resources of `type`. */
function names(stack: TerraformStack, type: string): string[] {
  return Object.values<any>(synthJson(stack).resource[type] ?? {}).map((r) => r.name).sort();
}

/** One stack with a zone for each deployment server construct; `build` makes the construct with the given security event settings. */
function fixture(networkName = "corp") {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: networkName, location: "westeurope", addressSpace: ["10.0.0.0/16"] });
  const clients = new DeploymentZone(stack, "Clients", { network, zoneName: "clients", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const identity = new IdentityZone(stack, "Identity", { network, zoneName: "identity", addressPrefix: "10.0.2.0/24", domainClients: [Peer.zone(clients)] });
  const activation = new ActivationZone(stack, "Activation", { network, zoneName: "activation", addressPrefix: "10.0.5.0/24" });
  const pxe = new PxeZone(stack, "Pxe", { network, zoneName: "pxe", addressPrefix: "10.0.6.0/24", clientSegments: ["192.168.10.0/24"], relayAgents: ["192.168.10.1"] });
  const store = new DeploymentZone(stack, "Store", { network, zoneName: "store", addressPrefix: "10.0.7.0/24", trustLevel: TrustLevel.INTERNAL });
  const mgmt = new ManagementZone(stack, "Mgmt", { network, addressPrefix: "10.0.9.0/24" });
  const password = secret(stack, "admin_password");
  const mebx = secret(stack, "mebx_password");
  const admin = { adminUsername: "opsadmin", adminPassword: password };
  const builders: { [kind: string]: (log: any) => Construct } = {
    DomainController: (log) => new DomainController(stack, "Dc", { zone: identity, serverName: "dc01", privateIpAddress: "10.0.2.4", ...admin, securityEventLog: log }),
    KmsHost: (log) => new KmsHost(stack, "Kms", {
      zone: activation, allowedClients: [Peer.zone(clients)],
      kmsServer: KmsServer.newServer({ serverName: "kms01", privateIpAddress: "10.0.5.4", ...admin, securityEventLog: log }),
    }),
    PxeDistributionPoint: (log) => new PxeDistributionPoint(stack, "Dp", {
      zone: pxe, serverName: "dp01", privateIpAddress: "10.0.6.10", ...admin, siteCode: "P01", domainName: "corp.contoso.com",
      imagesFreeOfSensitiveContent: true, securityEventLog: log,
    }),
    StateMigrationPoint: (log) => new StateMigrationPoint(stack, "Smp", {
      zone: store, serverName: "smp01", privateIpAddress: "10.0.7.20", ...admin, storageQuotaGib: 512, clients: [Peer.zone(clients)],
      siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com", securityEventLog: log,
    }),
    OutOfBandServicePoint: (log) => new OutOfBandServicePoint(stack, "Oob", {
      zone: mgmt, serverName: "oobsp01", privateIpAddress: "10.0.9.10", ...admin,
      amtSettings: { mebxPassword: mebx, internalCaThumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678", provisioningServer: "10.0.9.10", provisioningPort: 9972 },
      amtClientZones: [clients], keyVaultName: "oob-kv-01", deploymentRunners: [Peer.ipv4("192.168.1.20/32")],
      tenantId: "11111111-2222-3333-4444-555555555555",
      provisioningCertificate: { name: "amt-provisioning", subject: "CN=oobsp01.corp.example.com", renewalContacts: ["pki@corp.example.com"] },
      securityEventLog: log,
    }),
  };
  return { stack, network, builders };
}

const SERVERS: [string, string, string][] = [
  ["DomainController", "Dc", "dc01"],
  ["KmsHost", "Kms", "kms01"],
  ["PxeDistributionPoint", "Dp", "dp01"],
  ["StateMigrationPoint", "Smp", "smp01"],
  ["OutOfBandServicePoint", "Oob", "oobsp01"],
];

describe.each(SERVERS)("%s refused for its security event settings", (kind, id, serverName) => {
  test("a malformed workspaceResourceId: nothing stays, and the corrected retry (same id, name, address) is accepted", () => {
    const { stack, builders } = fixture();
    const e = errorOf(() => builders[kind]({ workspaceResourceId: "soc" }));
    expect([e.constructPath, e.prop, e.valueText]).toEqual([`test/${id}`, "securityEventLog.workspaceResourceId", "\"soc\""]);
    expect(stack.node.tryFindChild(id)).toBeUndefined();
    const fixed = builders[kind]({ workspaceResourceId: WS });
    expect(fixed.node.path).toBe(`test/${id}`);
    expect(names(stack, "azurerm_windows_virtual_machine")).toEqual([serverName]);
    expect(names(stack, "azurerm_monitor_data_collection_rule_association")).toEqual(["security-events"]);
  });

  test("the default workspace, whose name the network's name makes invalid: refused before anything is built; enabled: false is accepted", () => {
    const { stack, network, builders } = fixture("corp.net_a");
    const e = errorOf(() => builders[kind](undefined));
    expect([e.constructPath, e.prop]).toEqual([`test/${id}`, "securityEventLog.workspaceResourceId"]);
    expect(stack.node.tryFindChild(id)).toBeUndefined();
    expect(network.node.tryFindChild("SecurityEvents")).toBeUndefined();
    builders[kind]({ enabled: false });
    expect(names(stack, "azurerm_windows_virtual_machine")).toEqual([serverName]);
    expect(names(stack, "azurerm_virtual_machine_extension")).not.toContain("AzureMonitorWindowsAgent");
  });
});

test("a second server naming another workspace than the network's rule uses is refused before it is built, then accepted with the same one", () => {
  const { stack, builders } = fixture();
  builders.DomainController({ workspaceResourceId: WS });
  const e = errorOf(() => builders.KmsHost({ workspaceResourceId: OTHER_WS }));
  expect([e.constructPath, e.prop]).toEqual(["test/Kms", "securityEventLog.workspaceResourceId"]);
  expect(stack.node.tryFindChild("Kms")).toBeUndefined();
  builders.KmsHost({ workspaceResourceId: WS });
  expect(names(stack, "azurerm_windows_virtual_machine")).toEqual(["dc01", "kms01"]);
});
