import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DeploymentNetwork, DeploymentZone, Peer, Port, SecureDeploymentChecks, TrustLevel } from "../../src";

/** The reference hybrid OS-deployment site (grows as each zone construct lands). */
export class HybridOsdSite extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    const network = new DeploymentNetwork(this, "Network", {
      name: "osd-site-vnet",
      location: "westeurope",
      addressSpace: ["10.40.0.0/16"],
    });
    const management = new DeploymentZone(this, "Management", {
      network, zoneName: "management", addressPrefix: "10.40.9.0/24", trustLevel: TrustLevel.MANAGEMENT,
    });
    const internal = new DeploymentZone(this, "Internal", {
      network, zoneName: "internal", addressPrefix: "10.40.1.0/24", trustLevel: TrustLevel.INTERNAL,
    });
    internal.allowInbound(Peer.zone(management), Port.tcp(3389), "Administration from the management zone");
  }
}

if (require.main === module) {
  const app = new App();
  new HybridOsdSite(app, "hybrid-osd-site");
  SecureDeploymentChecks.applyToApp(app);
  app.synth();
}
