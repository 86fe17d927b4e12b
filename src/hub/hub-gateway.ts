import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetworkGateway, VirtualNetworkGatewayVpnClientConfiguration } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
import { Construct } from "constructs";
import { IpsecPolicyPreset } from "../ipsec/ipsec-policy";
import { CidrBlock, cidrOverlaps, parseCidr } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, missingProp } from "../network/errors";
import { buildOrAbandon } from "../network/uniqueness";
import {
  requireAzureName, requireBoolean, requireDefined, requireDerivedName, requireEnum, requireGuid, requireIpv4Cidr, requireLiteral, requireUsableRange,
} from "../network/validators";
import { DeploymentNetwork } from "../zones/deployment-network";

/**
 * VPN gateway SKUs the library accepts: VpnGw2 or better. VpnGw1 and the Basic SKU are refused
 * (Basic supports neither IKEv2 custom policies nor BGP; VpnGw1 is the smallest SKU and is not
 * offered for Generation2).
 */
export enum VpnGatewaySku {
  VPN_GW2 = "VpnGw2",
  VPN_GW3 = "VpnGw3",
  VPN_GW4 = "VpnGw4",
  VPN_GW5 = "VpnGw5",
  VPN_GW2_AZ = "VpnGw2AZ",
  VPN_GW3_AZ = "VpnGw3AZ",
  VPN_GW4_AZ = "VpnGw4AZ",
  VPN_GW5_AZ = "VpnGw5AZ",
}

/** VPN gateway generation. */
export enum VpnGatewayGeneration {
  /** Generation1 (only VpnGw2/VpnGw3 and their AZ variants). */
  GENERATION_1 = "Generation1",
  /** Generation2 (recommended; required for VpnGw4/VpnGw5). */
  GENERATION_2 = "Generation2",
}

/** Point-to-site client protocols the library accepts. SSTP is not offered (R-SEC-6). */
export enum PointToSiteProtocol {
  IKEV2 = "IkeV2",
  OPENVPN = "OpenVPN",
}

/** A trusted root certificate for point-to-site certificate authentication. */
export interface PointToSiteRootCertificate {
  /** A name for the certificate (1-80 letters, digits, `.`, `-`, `_`). */
  readonly name: string;
  /** The Base64 public certificate data (without the PEM header and footer). */
  readonly publicCertData: string;
}

/** Microsoft Entra ID authentication for point-to-site (OpenVPN only). */
export interface PointToSiteEntraId {
  /** Tenant ID (a GUID). */
  readonly tenantId: string;
  /**
   * Audience: the application ID of the Azure VPN client registration.
   * @default "c632b3df-fb67-4d84-bdcf-b95ad541b5c8" (the Microsoft-registered Azure VPN client)
   */
  readonly audience?: string;
}

/**
 * Point-to-site (remote access) settings. Only IKEv2/OpenVPN with certificate or Entra ID
 * authentication are offered: SSTP and RADIUS-only setups are what the checks flag (R-SEC-6).
 */
export interface PointToSiteOptions {
  /** Client address pool: IPv4 CIDR blocks outside the VNet address space. */
  readonly addressSpace: string[];
  /**
   * Root certificates for certificate authentication (IKEv2 and OpenVPN).
   * @default - none; then `entraId` is required
   */
  readonly rootCertificates?: PointToSiteRootCertificate[];
  /**
   * Entra ID authentication (OpenVPN).
   * @default - none; then `rootCertificates` is required
   */
  readonly entraId?: PointToSiteEntraId;
  /**
   * The IKEv2 clients' IPsec/IKE policy (certificate authentication; OpenVPN does not use it). Without
   * one, Azure offers its default proposals, which SDZ-VPN-001 reports. On a gateway built before this
   * prop existed, the policy arrives as an in-place update: IKEv2 clients then need a newly downloaded
   * VPN client profile.
   * @default IpsecPolicyPreset.GCM_AES256_SHA384_ECP384
   */
  readonly policy?: IpsecPolicyPreset;
}

/** Properties of a {@link HubGateway}. */
export interface HubGatewayProps {
  /** The (hub) network; the GatewaySubnet is registered with it so no zone can overlap it. */
  readonly network: DeploymentNetwork;
  /** The GatewaySubnet prefix, /27 or larger (Azure's recommendation), inside the network address space. */
  readonly gatewaySubnetPrefix: string;
  /**
   * Gateway name (1-80 letters, digits, `.`, `-`, `_`).
   * @default "hub-vpngw"
   */
  readonly gatewayName?: string;
  /**
   * SKU: VpnGw2 or better.
   * @default VpnGatewaySku.VPN_GW2_AZ
   */
  readonly sku?: VpnGatewaySku;
  /**
   * Gateway generation.
   * @default VpnGatewayGeneration.GENERATION_2
   */
  readonly generation?: VpnGatewayGeneration;
  /**
   * Active-active mode: two instances, two public IPs, two tunnels per connection.
   * @default false
   */
  readonly activeActive?: boolean;
  /**
   * Point-to-site (remote access) configuration.
   * @default - no point-to-site
   */
  readonly pointToSite?: PointToSiteOptions;
}

const AZURE_VPN_CLIENT_AUDIENCE = "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";

/**
 * The hub's route-based VPN gateway: `GatewaySubnet` (registered with the network so zones cannot
 * overlap it), Standard static public IP(s), and an `azurerm_virtual_network_gateway` of SKU
 * VpnGw2 or better. GatewaySubnet carries no NSG: Azure does not support NSGs on it, and the
 * gateway terminates IKE (UDP 500/4500) and ESP on its own public IP, so no NSG rule is needed
 * for site-to-site tunnels that end on this gateway.
 */
export class HubGateway extends Construct {
  /** The GatewaySubnet. */
  public readonly gatewaySubnet: Subnet;
  /** The public IPs (two in active-active mode). */
  public readonly publicIps: PublicIp[];
  /** The virtual network gateway. */
  public readonly virtualNetworkGateway: VirtualNetworkGateway;
  /** The network. */
  public readonly network: DeploymentNetwork;
  /** The SKU. */
  public readonly sku: VpnGatewaySku;

  constructor(scope: Construct, id: string, props: HubGatewayProps) {
    super(scope, id);
    const { network, sku, generation, gatewayName, vpnClient, activeActive } =
      buildOrAbandon(this, () => attributeErrors(this.node.path, () => validateGatewayProps(props, this)));
    this.network = network;
    this.sku = sku;
    const rg = network.resourceGroupName;
    const zones = sku.endsWith("AZ") ? ["1", "2", "3"] : undefined;

    this.gatewaySubnet = new Subnet(this, "GatewaySubnet", {
      name: "GatewaySubnet",
      resourceGroupName: rg,
      virtualNetworkName: network.virtualNetworkName,
      addressPrefixes: [props.gatewaySubnetPrefix],
    });

    const count = activeActive ? 2 : 1;
    this.publicIps = [];
    for (let i = 0; i < count; i++) {
      this.publicIps.push(new PublicIp(this, `PublicIp${i + 1}`, {
        name: `${gatewayName}-pip${i + 1}`,
        location: network.location,
        resourceGroupName: rg,
        sku: "Standard",
        allocationMethod: "Static",
        zones,
        tags: network.tags,
      }));
    }

    this.virtualNetworkGateway = new VirtualNetworkGateway(this, "Gateway", {
      name: gatewayName,
      location: network.location,
      resourceGroupName: rg,
      type: "Vpn",
      vpnType: "RouteBased",
      sku,
      generation,
      activeActive,
      enableBgp: false,
      ipConfiguration: this.publicIps.map((pip, i) => ({
        name: `ipconfig${i + 1}`,
        publicIpAddressId: pip.id,
        privateIpAddressAllocation: "Dynamic",
        subnetId: this.gatewaySubnet.id,
      })),
      vpnClientConfiguration: vpnClient,
      tags: network.tags,
    });
  }

  /** The gateway's resource ID. */
  public get gatewayId(): string {
    return this.virtualNetworkGateway.id;
  }
}

/** Validates every prop before anything is built; registers the GatewaySubnet with the network. */
function validateGatewayProps(props: HubGatewayProps, owner: Construct) {
  requireDefined("props", props, "the gateway's props (network, gatewaySubnetPrefix)");
  if (!(props.network instanceof DeploymentNetwork)) {
    throw props.network === undefined ? missingProp("network", "the hub DeploymentNetwork") : invalidProp("network", String(props.network), "a DeploymentNetwork");
  }
  const network = props.network;
  const sku = requireEnum("sku", props.sku, VpnGatewaySku, VpnGatewaySku.VPN_GW2_AZ, `VpnGw2 or better: ${Object.values(VpnGatewaySku).join(", ")}`);
  const generation = requireEnum("generation", props.generation, VpnGatewayGeneration, VpnGatewayGeneration.GENERATION_2);
  if (generation === VpnGatewayGeneration.GENERATION_1 && /^VpnGw[45]/.test(sku)) {
    throw invalidProp("generation", generation, `Generation2 for ${sku} (Generation1 offers VpnGw1-3 only)`, ConstructErrorCode.CONFLICTING_VALUE);
  }
  const gatewayName = requireAzureName("gatewayName", props.gatewayName ?? "hub-vpngw", "virtualNetworkGateway");
  requireDerivedName("gatewayName", gatewayName, `${gatewayName}-pip2`, "publicIp");
  const allowed = "an IPv4 prefix of /27 or larger (e.g. 10.0.255.0/27)";
  const block = requireIpv4Cidr("gatewaySubnetPrefix", props.gatewaySubnetPrefix, allowed);
  if (block.prefixLength > 27) throw invalidProp("gatewaySubnetPrefix", props.gatewaySubnetPrefix, allowed);
  const activeActive = requireBoolean("activeActive", props.activeActive, false);
  const vpnClient = props.pointToSite ? pointToSiteConfig(props.pointToSite, network) : undefined;
  // One VPN gateway per virtual network (learn.microsoft.com, "Azure subscription and service limits",
  // Networking limits: "Virtual network gateways (VPN gateways) per virtual network | 1"), in the one GatewaySubnet.
  network._registerSubnet("GatewaySubnet", props.gatewaySubnetPrefix, "gatewaySubnetPrefix", () => invalidProp("network", network.networkName,
    `a network without a VPN gateway: network ${network.networkName} already has its GatewaySubnet (a virtual network has one VPN gateway)`, ConstructErrorCode.DUPLICATE_VALUE), owner);
  // Names unique per resource group (another network may share it), claimed once the subnet is registered
  // (a second gateway in this network is told so; a refused prefix claims nothing). A refused gateway gives them back.
  network._claimName("gatewayName", gatewayName, "virtual network gateway", gatewayName, owner);
  for (let i = 0; i < (activeActive ? 2 : 1); i++) network._claimName("gatewayName", gatewayName, "public IP", `${gatewayName}-pip${i + 1}`, owner);
  return { network, sku, generation, gatewayName, vpnClient, activeActive };
}

function pointToSiteConfig(p2s: PointToSiteOptions, network: DeploymentNetwork): VirtualNetworkGatewayVpnClientConfiguration {
  if (!Array.isArray(p2s.addressSpace) || p2s.addressSpace.length === 0) {
    throw invalidProp("pointToSite.addressSpace", p2s.addressSpace, "a non-empty list of IPv4 CIDR blocks outside the VNet address space");
  }
  const space: CidrBlock[] = network.addressSpace.map((c) => parseCidr("addressSpace", c));
  p2s.addressSpace.forEach((c, i) => {
    const b = requireUsableRange(`pointToSite.addressSpace[${i}]`, c);
    if (space.some((s) => cidrOverlaps(s, b))) {
      throw invalidProp(`pointToSite.addressSpace[${i}]`, c, `a client pool outside the VNet address space ${network.addressSpace.join(", ")}`);
    }
  });
  const certs = p2s.rootCertificates ?? [];
  if (certs.length === 0 && !p2s.entraId) {
    throw invalidProp("pointToSite", "no authentication", "rootCertificates (certificate authentication) or entraId (Entra ID authentication); RADIUS-only is not offered");
  }
  certs.forEach((c, i) => {
    requireAzureName(`pointToSite.rootCertificates[${i}].name`, c?.name, "virtualNetworkGateway");
    if (typeof c.publicCertData !== "string" || !/^[A-Za-z0-9+/=\s]{64,}$/.test(c.publicCertData)) {
      throw invalidProp(`pointToSite.rootCertificates[${i}].publicCertData`, "<certificate data>", "the Base64 public certificate data without PEM header/footer");
    }
  });
  const authTypes: string[] = [];
  if (certs.length > 0) authTypes.push("Certificate");
  let aad: Partial<VirtualNetworkGatewayVpnClientConfiguration> = {};
  if (p2s.entraId) {
    requireLiteral("pointToSite.entraId.tenantId", requireGuid("pointToSite.entraId.tenantId", p2s.entraId.tenantId, "the tenant ID"), "it is written into the gateway's AAD tenant and issuer URLs");
    const audience = requireGuid("pointToSite.entraId.audience", p2s.entraId.audience ?? AZURE_VPN_CLIENT_AUDIENCE, "an application ID");
    authTypes.push("AAD");
    aad = {
      aadTenant: `https://login.microsoftonline.com/${p2s.entraId.tenantId}/`,
      aadAudience: audience,
      aadIssuer: `https://sts.windows.net/${p2s.entraId.tenantId}/`,
    };
  }
  // Entra ID works with OpenVPN only; certificate authentication adds IKEv2.
  const protocols = p2s.entraId ? [PointToSiteProtocol.OPENVPN] : [PointToSiteProtocol.IKEV2, PointToSiteProtocol.OPENVPN];
  if (p2s.policy !== undefined && !(p2s.policy instanceof IpsecPolicyPreset)) {
    throw invalidProp("pointToSite.policy", String(p2s.policy), "an IpsecPolicyPreset (e.g. IpsecPolicyPreset.GCM_AES256_SHA384_ECP384)");
  }
  // A custom policy for the IKEv2 clients, as for a tunnel: Azure's default proposals include weak ones
  // (VpnClientIPsecParameters, "IPSec parameters for a virtual network gateway P2S connection", takes the same
  // algorithms as a connection's IpsecPolicy: learn.microsoft.com/rest/api/network-gateway, VirtualNetworkGateways).
  const policy = protocols.includes(PointToSiteProtocol.IKEV2) ? p2s.policy ?? IpsecPolicyPreset.GCM_AES256_SHA384_ECP384 : undefined;
  return {
    addressSpace: [...p2s.addressSpace],
    vpnClientProtocols: protocols,
    ipsecPolicy: policy ? {
      ...policy._algorithms(),
      saLifetimeInSeconds: policy.saLifetimeSeconds,
      saDataSizeInKilobytes: policy.saDataSizeKilobytes,
    } : undefined,
    vpnAuthTypes: authTypes,
    rootCertificate: certs.length > 0 ? certs.map((c) => ({ name: c.name, publicCertData: c.publicCertData.replace(/\s+/g, "") })) : undefined,
    ...aad,
  };
}
