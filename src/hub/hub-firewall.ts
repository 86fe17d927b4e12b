import { Firewall } from "@cdktf/provider-azurerm/lib/firewall";
import { FirewallPolicy } from "@cdktf/provider-azurerm/lib/firewall-policy";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { Construct } from "constructs";
import { attributeErrors, invalidProp, missingProp } from "../network/errors";
import { AVAILABILITY_ZONES, requireAvailabilityZone, requireAzureName, requireDefined, requireDerivedName, requireEnum, requireIpv4Cidr } from "../network/validators";
import { DeploymentNetwork } from "../zones/deployment-network";

/** Azure Firewall tier. Basic is not offered (no threat intelligence Deny mode). */
export enum HubFirewallTier {
  STANDARD = "Standard",
  PREMIUM = "Premium",
}

/** Properties of a {@link HubFirewall}. */
export interface HubFirewallProps {
  /** The (hub) network; AzureFirewallSubnet is registered with it so no zone can overlap it. */
  readonly network: DeploymentNetwork;
  /** The AzureFirewallSubnet prefix: /26 or larger (Azure's requirement), inside the network address space. */
  readonly firewallSubnetPrefix: string;
  /**
   * Firewall name (1-56 letters, digits, `.`, `-`, `_`); the policy is named `<name>-policy`.
   * @default "hub-fw"
   */
  readonly firewallName?: string;
  /**
   * Tier of the firewall and its policy.
   * @default HubFirewallTier.STANDARD
   */
  readonly tier?: HubFirewallTier;
  /**
   * Availability zones of the firewall and its public IP.
   * @default - ["1", "2", "3"]
   */
  readonly availabilityZones?: string[];
}


/**
 * The hub's Azure Firewall: `AzureFirewallSubnet` (registered with the network; no NSG, which
 * Azure does not apply to it), a Standard static public IP, an `azurerm_firewall_policy` with
 * threat intelligence in Deny mode, and the `azurerm_firewall` using it. Other constructs (e.g. the
 * KMS host) attach rule collection groups to {@link HubFirewall.policy}.
 */
export class HubFirewall extends Construct {
  /** The AzureFirewallSubnet. */
  public readonly firewallSubnet: Subnet;
  /** The firewall's public IP. */
  public readonly publicIp: PublicIp;
  /** The firewall policy (threat intelligence Deny); attach rule collection groups here. */
  public readonly policy: FirewallPolicy;
  /** The firewall. */
  public readonly firewall: Firewall;

  constructor(scope: Construct, id: string, props: HubFirewallProps) {
    super(scope, id);
    const { network, name, tier, zones } = attributeErrors(this.node.path, () => validateFirewallProps(props));
    const rg = network.resourceGroupName;

    this.firewallSubnet = new Subnet(this, "FirewallSubnet", {
      name: "AzureFirewallSubnet",
      resourceGroupName: rg,
      virtualNetworkName: network.virtualNetworkName,
      addressPrefixes: [props.firewallSubnetPrefix],
    });
    this.publicIp = new PublicIp(this, "PublicIp", {
      name: `${name}-pip`,
      location: network.location,
      resourceGroupName: rg,
      sku: "Standard",
      allocationMethod: "Static",
      zones: zones.length > 0 ? zones : undefined,
      tags: network.tags,
    });
    this.policy = new FirewallPolicy(this, "Policy", {
      name: `${name}-policy`,
      location: network.location,
      resourceGroupName: rg,
      sku: tier,
      threatIntelligenceMode: "Deny",
      tags: network.tags,
    });
    this.firewall = new Firewall(this, "Firewall", {
      name,
      location: network.location,
      resourceGroupName: rg,
      skuName: "AZFW_VNet",
      skuTier: tier,
      firewallPolicyId: this.policy.id,
      zones: zones.length > 0 ? zones : undefined,
      ipConfiguration: [{ name: "ipconfig1", subnetId: this.firewallSubnet.id, publicIpAddressId: this.publicIp.id }],
      tags: network.tags,
    });
  }

  /** The firewall policy ID. */
  public get policyId(): string {
    return this.policy.id;
  }

  /** The firewall's private IP (the next hop for routes through the firewall); known after apply. */
  public get privateIpAddress(): string {
    return this.firewall.ipConfiguration.get(0).privateIpAddress;
  }
}

/** Validates every prop before anything is built; registers AzureFirewallSubnet with the network. */
function validateFirewallProps(props: HubFirewallProps) {
  requireDefined("props", props, "the firewall's props (network, firewallSubnetPrefix)");
  if (!(props.network instanceof DeploymentNetwork)) {
    throw props.network === undefined ? missingProp("network", "the hub DeploymentNetwork") : invalidProp("network", String(props.network), "a DeploymentNetwork");
  }
  const network = props.network;
  const name = requireAzureName("firewallName", props.firewallName ?? "hub-fw", "firewall");
  requireDerivedName("firewallName", name, `${name}-policy`, "firewallPolicy");
  const tier = requireEnum("tier", props.tier, HubFirewallTier, HubFirewallTier.STANDARD);
  const zonesGiven = props.availabilityZones ?? AVAILABILITY_ZONES;
  if (!Array.isArray(zonesGiven)) throw invalidProp("availabilityZones", zonesGiven, "a list of availability zones (\"1\", \"2\", \"3\")");
  const zones = zonesGiven.map((z, i) => requireAvailabilityZone(`availabilityZones[${i}]`, requireDefined(`availabilityZones[${i}]`, z, "\"1\", \"2\" or \"3\"")) as string);
  const allowed = "an IPv4 prefix of /26 or larger (e.g. 10.0.254.0/26)";
  const block = requireIpv4Cidr("firewallSubnetPrefix", props.firewallSubnetPrefix, allowed);
  if (block.prefixLength > 26) throw invalidProp("firewallSubnetPrefix", props.firewallSubnetPrefix, allowed);
  network.registerZone("AzureFirewallSubnet", props.firewallSubnetPrefix);
  return { network, name, tier, zones: [...new Set(zones)] };
}
