import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { Construct } from "constructs";
import { IpsecPolicyPreset } from "./ipsec-policy";
import { IPSEC_TAG } from "../contract/ipsec-tags";
import { tagsOf } from "../contract/tag";
import { ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { HubGateway } from "../hub/hub-gateway";
import { cidrOverlaps, isHost, parseCidr, tryParseCidr } from "../network/cidr";
import { invalidProp } from "../network/errors";
import { IPeer, Peer } from "../network/peer";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";
import { DeploymentZone } from "../zones/deployment-zone";

/** Properties of a {@link SiteToSiteTunnel}. */
export interface SiteToSiteTunnelProps {
  /** The hub VPN gateway the tunnel ends on. */
  readonly gateway: HubGateway;
  /** Tunnel name, used for the local network gateway and the connection (1-70 letters, digits, `.`, `-`, `_`). */
  readonly tunnelName: string;
  /** Public IPv4 address of the on-premises VPN device (a single address, not private). */
  readonly peerGatewayAddress: string;
  /** On-premises address ranges reached through the tunnel (IPv4 CIDRs outside the VNet address space). */
  readonly onPremisesAddressSpace: string[];
  /**
   * Trust of the on-premises ranges. When set, the local network gateway carries `sdz-zone` and
   * `sdz-trust`, so the checks know these ranges like a zone (e.g. an on-premises perimeter
   * network reaching KMS is flagged).
   * @default - the ranges are not declared as a zone
   */
  readonly onPremisesTrustLevel?: TrustLevel;
  /**
   * Zone name recorded in `sdz-zone` when `onPremisesTrustLevel` is set.
   * @default - the tunnel name
   */
  readonly onPremisesZoneName?: string;
  /**
   * The IPsec preshared key, only as a sensitive value. azurerm 4.55 offers no certificate
   * authentication for site-to-site connections, so a preshared key is unavoidable; the checks
   * report it as a warning (SDZ-VPN-007, R-SEC-3). Use a long random key from Key Vault and rotate it.
   */
  readonly sharedKey: SensitiveValue;
  /**
   * The custom IPsec/IKE policy.
   * @default IpsecPolicyPreset.GCM_AES256_SHA384_ECP384
   */
  readonly policy?: IpsecPolicyPreset;
  /**
   * Tags for the local network gateway and the connection.
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
}

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,68}[a-zA-Z0-9_])?$/;

function isPrivateOrSpecial(ip: string): boolean {
  const b = tryParseCidr(ip);
  if (!b || b.family !== 4) return true;
  const specials = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8", "224.0.0.0/3"];
  return specials.some((s) => cidrOverlaps(parseCidr("special", s), b));
}

/**
 * A site-to-site IPsec tunnel from the hub VPN gateway to an on-premises VPN device: an
 * `azurerm_local_network_gateway` (peer address and on-premises ranges) and an
 * `azurerm_virtual_network_gateway_connection` of type IPsec, IKEv2 only, with a custom
 * `ipsec_policy` from a validated preset (R-SEC-2, R-SEC-6). The preshared key comes only from a
 * {@link SensitiveValue}.
 *
 * No NSG rule is needed for this tunnel: it ends on the managed Azure VPN gateway, whose
 * GatewaySubnet carries no NSG and which accepts IKE/ESP only from the configured peer. When a
 * tunnel ends on a VPN appliance inside a zone instead, open IKE and ESP with
 * {@link IpsecNsgRules.allowTunnelEndpoint}, scoped to the peer address.
 */
export class SiteToSiteTunnel extends Construct {
  /** The local network gateway (the on-premises side). */
  public readonly localNetworkGateway: LocalNetworkGateway;
  /** The IPsec connection. */
  public readonly connection: VirtualNetworkGatewayConnection;
  /** The policy in use. */
  public readonly policy: IpsecPolicyPreset;

  constructor(scope: Construct, id: string, props: SiteToSiteTunnelProps) {
    super(scope, id);
    if (!NAME.test(props.tunnelName ?? "")) {
      throw invalidProp("tunnelName", props.tunnelName, "1-70 characters: letters, digits, '.', '-', '_', starting with a letter or digit");
    }
    const peer = tryParseCidr(props.peerGatewayAddress);
    if (!peer || peer.family !== 4 || !isHost(peer) || props.peerGatewayAddress.includes("/") || isPrivateOrSpecial(props.peerGatewayAddress)) {
      throw invalidProp("peerGatewayAddress", props.peerGatewayAddress, "the public IPv4 address of the on-premises VPN device (e.g. 203.0.113.10)");
    }
    const network = props.gateway.network;
    if (!Array.isArray(props.onPremisesAddressSpace) || props.onPremisesAddressSpace.length === 0) {
      throw invalidProp("onPremisesAddressSpace", props.onPremisesAddressSpace, "a non-empty list of IPv4 CIDR blocks");
    }
    const vnetSpace = network.addressSpace.map((c) => parseCidr("addressSpace", c));
    props.onPremisesAddressSpace.forEach((c, i) => {
      const b = parseCidr(`onPremisesAddressSpace[${i}]`, c, { requireNetworkAddress: true });
      if (b.prefixLength === 0) throw invalidProp(`onPremisesAddressSpace[${i}]`, c, "specific on-premises ranges, not 0.0.0.0/0");
      if (vnetSpace.some((s) => cidrOverlaps(s, b))) {
        throw invalidProp(`onPremisesAddressSpace[${i}]`, c, `ranges outside the VNet address space ${network.addressSpace.join(", ")}`);
      }
    });
    if (!(props.sharedKey instanceof SensitiveValue)) {
      throw invalidProp("sharedKey", "<hidden>", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromToken)");
    }
    if (props.onPremisesTrustLevel !== undefined && !Object.values(TrustLevel).includes(props.onPremisesTrustLevel)) {
      throw invalidProp("onPremisesTrustLevel", props.onPremisesTrustLevel, Object.values(TrustLevel).join(", "));
    }
    const zoneName = props.onPremisesZoneName ?? props.tunnelName;
    if (!NAME.test(zoneName)) throw invalidProp("onPremisesZoneName", zoneName, "1-70 letters, digits, '.', '-', '_'");
    const policy = props.policy ?? IpsecPolicyPreset.GCM_AES256_SHA384_ECP384;
    if (!(policy instanceof IpsecPolicyPreset)) {
      throw invalidProp("policy", policy, "an IpsecPolicyPreset (a named preset or IpsecPolicyPreset.custom)");
    }
    this.policy = policy;

    const tags = { ...network.tags, ...(props.tags ?? {}) };
    const rg = network.resourceGroupName;
    this.localNetworkGateway = new LocalNetworkGateway(this, "LocalGateway", {
      name: `${props.tunnelName}-lng`,
      location: network.location,
      resourceGroupName: rg,
      gatewayAddress: props.peerGatewayAddress,
      addressSpace: [...props.onPremisesAddressSpace],
      tags: props.onPremisesTrustLevel !== undefined
        ? { ...tags, ...tagsOf(ZONE_TAG.zone.entry(zoneName), ZONE_TAG.trust.entry(props.onPremisesTrustLevel)) }
        : tags,
    });
    this.connection = new VirtualNetworkGatewayConnection(this, "Connection", {
      name: `${props.tunnelName}-connection`,
      location: network.location,
      resourceGroupName: rg,
      type: "IPsec",
      connectionProtocol: "IKEv2",
      virtualNetworkGatewayId: props.gateway.gatewayId,
      localNetworkGatewayId: this.localNetworkGateway.id,
      sharedKey: props.sharedKey.value,
      enableBgp: false,
      usePolicyBasedTrafficSelectors: false,
      ipsecPolicy: {
        dhGroup: policy.dhGroup,
        ikeEncryption: policy.ikeEncryption,
        ikeIntegrity: policy.ikeIntegrity,
        ipsecEncryption: policy.ipsecEncryption,
        ipsecIntegrity: policy.ipsecIntegrity,
        pfsGroup: policy.pfsGroup,
        saLifetime: policy.saLifetimeSeconds,
        saDatasize: policy.saDataSizeKilobytes,
      },
      tags: { ...tags, ...tagsOf(IPSEC_TAG.policy.entry(policy.name)) },
    });
  }
}

/**
 * NSG rules for an IPsec tunnel that ends on a VPN appliance (a VM) inside a zone, rather than on
 * the managed Azure VPN gateway: IKE (UDP 500), NAT-T (UDP 4500) and ESP, each from the peer
 * gateway address only.
 */
export class IpsecNsgRules {
  /**
   * Opens IKE (UDP 500), NAT-T (UDP 4500) and ESP into `zone` from the peer gateway only.
   * @param zone the zone holding the VPN appliance
   * @param peerGatewayAddress the remote VPN device's IPv4 address (one address)
   * @param localEndpoint the appliance's address in the zone (narrow it: `Peer.ipv4("10.0.1.4/32")`)
   */
  public static allowTunnelEndpoint(zone: DeploymentZone, peerGatewayAddress: string, localEndpoint: IPeer): NetworkSecurityRule[] {
    const b = tryParseCidr(peerGatewayAddress);
    if (!b || b.family !== 4 || !isHost(b)) {
      throw invalidProp("peerGatewayAddress", peerGatewayAddress, "one IPv4 address of the remote VPN device (e.g. 203.0.113.10)");
    }
    if (!localEndpoint || !Array.isArray(localEndpoint.addressPrefixes)) {
      throw invalidProp("localEndpoint", localEndpoint, "a Peer for the appliance's address, e.g. Peer.ipv4(\"10.0.1.4/32\")");
    }
    const peer = Peer.ipv4(peerGatewayAddress.includes("/") ? peerGatewayAddress : `${peerGatewayAddress}/32`);
    return [
      zone.allowInbound(peer, Port.IKE, "IKE from the IPsec peer gateway", { local: localEndpoint }),
      zone.allowInbound(peer, Port.IKE_NAT_TRAVERSAL, "IKE NAT traversal from the IPsec peer gateway", { local: localEndpoint }),
      zone.allowInbound(peer, Port.esp(), "ESP from the IPsec peer gateway", { local: localEndpoint }),
    ];
  }

  private constructor() {}
}
