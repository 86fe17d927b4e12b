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
import { attributeErrors, invalidProp, invalidSecret, missingProp } from "../network/errors";
import { IPeer, Peer } from "../network/peer";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";
import { buildOrAbandon, claimUnique, UniqueKind } from "../network/uniqueness";
import {
  mergeTags, requireAzureName, requireDefined, requireDerivedName, requireEnum, requireIpv4Address, requireTags, requireUsableRange,
} from "../network/validators";
import { DeploymentZone } from "../zones/deployment-zone";

/** Properties of a {@link SiteToSiteTunnel}. */
export interface SiteToSiteTunnelProps {
  /** The hub VPN gateway the tunnel ends on. */
  readonly gateway: HubGateway;
  /**
   * Tunnel name, used for the local network gateway (`<name>-lng`) and the connection (`<name>-connection`):
   * 1-69 letters, digits, `.`, `-`, `_`, starting with a letter or digit; unique in the stack.
   */
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
    // Refused, it leaves the tree and gives back its name, so a corrected retry (same id) is accepted.
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateTunnelProps(this, props);
      claimUnique(this, "tunnelName", UniqueKind.TUNNEL_NAME, valid.tunnelName);
      return valid;
    }));
    const { network, policy } = v;
    this.policy = policy;
    const rg = network.resourceGroupName;
    this.localNetworkGateway = new LocalNetworkGateway(this, "LocalGateway", {
      name: `${v.tunnelName}-lng`,
      location: network.location,
      resourceGroupName: rg,
      gatewayAddress: v.peer,
      addressSpace: [...props.onPremisesAddressSpace],
      tags: v.gatewayTags,
    });
    this.connection = new VirtualNetworkGatewayConnection(this, "Connection", {
      name: `${v.tunnelName}-connection`,
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
        ...policy._algorithms(),
        saLifetime: policy.saLifetimeSeconds,
        saDatasize: policy.saDataSizeKilobytes,
      },
      tags: v.connectionTags,
    });
  }
}

/** Validates every prop before anything is built. */
function validateTunnelProps(scope: Construct, props: SiteToSiteTunnelProps) {
  requireDefined("props", props, "the tunnel's props (gateway, tunnelName, peerGatewayAddress, onPremisesAddressSpace, sharedKey)");
  if (!(props.gateway instanceof HubGateway)) {
    throw props.gateway === undefined ? missingProp("gateway", "the HubGateway the tunnel ends on") : invalidProp("gateway", String(props.gateway), "a HubGateway");
  }
  const network = props.gateway.network;
  const tunnelName = requireAzureName("tunnelName", props.tunnelName, "localNetworkGateway");
  requireDerivedName("tunnelName", tunnelName, `${tunnelName}-lng`, "localNetworkGateway");
  requireDerivedName("tunnelName", tunnelName, `${tunnelName}-connection`, "connection");
  const peerAllowed = "the public IPv4 address of the on-premises VPN device (e.g. 203.0.113.10)";
  const peer = requireIpv4Address("peerGatewayAddress", props.peerGatewayAddress, peerAllowed);
  if (isPrivateOrSpecial(peer)) throw invalidProp("peerGatewayAddress", props.peerGatewayAddress, peerAllowed);
  const spaceAllowed = "a non-empty list of IPv4 CIDR blocks";
  requireDefined("onPremisesAddressSpace", props.onPremisesAddressSpace, spaceAllowed);
  if (!Array.isArray(props.onPremisesAddressSpace) || props.onPremisesAddressSpace.length === 0) {
    throw invalidProp("onPremisesAddressSpace", props.onPremisesAddressSpace, spaceAllowed);
  }
  const vnetSpace = network.addressSpace.map((c) => parseCidr("addressSpace", c));
  props.onPremisesAddressSpace.forEach((c, i) => {
    const b = requireUsableRange(`onPremisesAddressSpace[${i}]`, c);
    if (vnetSpace.some((s) => cidrOverlaps(s, b))) {
      throw invalidProp(`onPremisesAddressSpace[${i}]`, c, `ranges outside the VNet address space ${network.addressSpace.join(", ")}`);
    }
  });
  if (!(props.sharedKey instanceof SensitiveValue)) {
    const allowed = "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromKeyVaultSecret)";
    throw props.sharedKey === undefined ? missingProp("sharedKey", allowed) : invalidSecret("sharedKey", `${allowed}, never a string`);
  }
  props.sharedKey._verify(scope, "sharedKey");
  const trust = props.onPremisesTrustLevel === undefined ? undefined : requireEnum("onPremisesTrustLevel", props.onPremisesTrustLevel, TrustLevel);
  const zoneName = props.onPremisesZoneName === undefined ? tunnelName : requireAzureName("onPremisesZoneName", props.onPremisesZoneName, "localNetworkGateway");
  const policy = props.policy ?? IpsecPolicyPreset.GCM_AES256_SHA384_ECP384;
  if (!(policy instanceof IpsecPolicyPreset)) {
    throw invalidProp("policy", String(policy), "an IpsecPolicyPreset (a named preset or IpsecPolicyPreset.custom)");
  }
  const user = requireTags("tags", props.tags);
  const gatewayTags = mergeTags("tags", network.tags, user, trust === undefined ? {} : tagsOf(ZONE_TAG.zone.entry(zoneName), ZONE_TAG.trust.entry(trust)));
  const connectionTags = mergeTags("tags", network.tags, user, tagsOf(IPSEC_TAG.policy.entry(policy.name)));
  return { network, tunnelName, peer, policy, gatewayTags, connectionTags };
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
