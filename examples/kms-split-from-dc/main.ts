import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  ActivationZone,
  DeploymentNetwork,
  DeploymentZone,
  DomainController,
  IdentityZone,
  KmsHost,
  Peer,
  Port,
  SecureDeploymentChecks,
  SensitiveValue,
  TrustLevel,
} from "../../src";

/**
 * The smallest site that keeps KMS off the domain controllers (seed 003, R-KMS-1) and opens
 * activation (TCP 1688) to an explicit allowlist only (R-KMS-2).
 *
 * Layout (one VNet, 10.50.0.0/16):
 * - `clients`    10.50.1.0/24  INTERNAL    domain members that activate with KMS
 * - `identity`   10.50.2.0/24  INTERNAL    two domain controllers, 10.50.2.4 and 10.50.2.5
 * - `activation` 10.50.5.0/24  INTERNAL    the KMS host, 10.50.5.4
 * - `management` 10.50.9.0/24  MANAGEMENT  administrators' jump hosts
 */
export class KmsSplitFromDc extends TerraformStack {
  /** The KMS host (its outputs carry the address and the `slmgr` command). */
  public readonly kms: KmsHost;
  /** The domain controllers. */
  public readonly domainControllers: DomainController[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });

    // Secrets only as sensitive variables without defaults: Terraform asks for them (or reads
    // TF_VAR_*), keeps them out of plan output, and nothing secret is committed with the code.
    // Separate credentials: a compromised KMS host does not hand over the domain's admin password.
    const dcPassword = new TerraformVariable(this, "dc_admin_password", {
      type: "string",
      sensitive: true,
      description: "Local administrator password of the domain controllers",
    });
    const kmsPassword = new TerraformVariable(this, "kms_admin_password", {
      type: "string",
      sensitive: true,
      description: "Local administrator password of the KMS host",
    });

    // The DCs' static addresses are the VNet's DNS servers: domain members find the domain there.
    const dcAddresses = ["10.50.2.4", "10.50.2.5"];
    const network = new DeploymentNetwork(this, "Network", {
      name: "kms-split-vnet",
      location: "westeurope",
      addressSpace: ["10.50.0.0/16"],
      dnsServers: dcAddresses,
    });

    // Each zone is a subnet with its own NSG that denies all inbound traffic unless a construct opens it.
    const clients = new DeploymentZone(this, "Clients", {
      network, zoneName: "clients", addressPrefix: "10.50.1.0/24", trustLevel: TrustLevel.INTERNAL,
    });
    const management = new DeploymentZone(this, "Management", {
      network, zoneName: "management", addressPrefix: "10.50.9.0/24", trustLevel: TrustLevel.MANAGEMENT,
    });

    // Identity zone: domain services open to the declared members only, and only towards each
    // DC's own address (no "any", no VirtualNetwork tag).
    const identity = new IdentityZone(this, "Identity", {
      network,
      zoneName: "identity",
      addressPrefix: "10.50.2.0/24",
      domainClients: [Peer.zone(clients), Peer.zone(management)],
    });
    this.domainControllers = dcAddresses.map((ip, i) => new DomainController(this, `Dc${i + 1}`, {
      zone: identity,
      serverName: `dc0${i + 1}`,
      privateIpAddress: ip,
      adminUsername: "opsadmin",
      adminPassword: SensitiveValue.fromVariable(dcPassword),
    }));

    // Activation zone: its own subnet and NSG, so KMS never shares a host or a rule set with the
    // DCs (R-KMS-1). KmsHost refuses a DomainController as its server.
    const activation = new ActivationZone(this, "Activation", {
      network, zoneName: "activation", addressPrefix: "10.50.5.0/24",
    });

    // The allowlist: TCP 1688 from these zones only, in the NSG and in the Windows Firewall
    // (R-KMS-2). A zone trusted below INTERNAL (a DMZ) is refused here; it activates with MAK.
    this.kms = new KmsHost(this, "Kms", {
      zone: activation,
      serverName: "kms01",
      privateIpAddress: "10.50.5.4", // fixed: clients run `slmgr /skms 10.50.5.4:1688`, no DNS needed (R-KMS-4)
      adminUsername: "opsadmin",
      adminPassword: SensitiveValue.fromVariable(kmsPassword),
      allowedClients: [Peer.zone(clients), Peer.zone(management)],
    });
    // The KMS host resolves names through the VNet's DNS servers, the DCs (the Azure Monitor agent's
    // endpoints, Windows Update, the online activation of the KMS host key): the identity zone's
    // deny-all would drop its queries. DNS only, from the KMS host's address to the DCs' only.
    const kmsHost = Peer.ipv4(`${this.kms.server.privateIpAddress}/32`);
    const dcHosts = Peer.ipv4List(dcAddresses.map((ip) => `${ip}/32`));
    for (const [port, what] of [[Port.DNS_UDP, "DNS UDP 53"], [Port.DNS_TCP, "DNS TCP 53"]] as const) {
      identity.connectFrom(activation, port, `${what} from the KMS host to the DCs (the VNet's DNS servers)`, { sourceHosts: kmsHost, destinationHosts: dcHosts });
    }
  }
}

if (require.main === module) {
  const app = new App();
  new KmsSplitFromDc(app, "kms-split-from-dc");
  // Runs every rule at synth: an error finding fails `cdktf synth`; reports land next to cdk.tf.json.
  SecureDeploymentChecks.applyToApp(app);
  app.synth();
}
