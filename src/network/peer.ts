import { parseCidr, isAnyAddress, CidrBlock, ipv4At } from "./cidr";
import { invalidProp } from "./errors";
import { TrustLevel } from "./trust-level";

/** What a peer stands for; rules and constructs reason on this, not on strings. */
export enum PeerKind {
  /** Explicit IPv4 addresses or CIDR blocks. */
  CIDRS = "CIDRS",
  /** The address prefix of a zone of this library. */
  ZONE = "ZONE",
  /** An Azure service tag such as `AzureLoadBalancer`. */
  SERVICE_TAG = "SERVICE_TAG",
  /** Any address (`*`). */
  ANY = "ANY",
}

/** What a zone must expose to be used as a peer. */
export interface IZoneRef {
  /** Zone name. */
  readonly zoneName: string;
  /** Zone trust level. */
  readonly trustLevel: TrustLevel;
  /** The zone's subnet prefix. */
  readonly addressPrefix: string;
}

/** A source or destination of traffic. Create one with {@link Peer}. */
export interface IPeer {
  /** What kind of peer this is. */
  readonly kind: PeerKind;
  /** Human-readable label used in rule names, reports and diagrams. */
  readonly label: string;
  /** The NSG address prefixes (CIDRs, a service tag, or `*`). */
  readonly addressPrefixes: string[];
  /** The zone, for {@link PeerKind.ZONE} peers. */
  readonly zone?: IZoneRef;
}

function requireIpv4(prop: string, value: string): CidrBlock {
  const block = parseCidr(prop, value);
  if (block.family !== 4) throw invalidProp(prop, value, "an IPv4 address or CIDR block such as 10.20.0.4 or 10.20.0.0/24");
  return requireNoHostBits(prop, block);
}

/**
 * Fails when an IPv4 CIDR block is written with host bits set (`192.168.10.7/24`): the peer's
 * prefixes go verbatim into NSG rules, and Azure refuses such a security rule address prefix with
 * HTTP 400 `SecurityRuleInvalidAddressPrefix` ("Security rule ... has invalid Address prefix. Value
 * provided: 50.206.209.68/27", github.com/Azure/azure-powershell/issues/4557; the same code from
 * azurerm_network_security_rule, github.com/hashicorp/terraform-provider-azurerm/issues/16761).
 * A bare address is one host and passes. @internal
 */
export function requireNoHostBits(prop: string, block: CidrBlock): CidrBlock {
  if (block.family !== 4 || !block.text.includes("/")) return block;
  const network = `${ipv4At(block, 0)}/${block.prefixLength}`;
  if (block.text === network) return block;
  const host = block.text.split("/")[0];
  throw invalidProp(prop, block.text, "an IPv4 CIDR block written with its network address (Azure refuses a security rule prefix with host bits set): "
    + `${network} for the whole block, or ${host} (${host}/32) for that one host`);
}

class SimplePeer implements IPeer {
  constructor(
    public readonly kind: PeerKind,
    public readonly label: string,
    public readonly addressPrefixes: string[],
    public readonly zone?: IZoneRef,
  ) {}
}

/** Factory for peers, in the spirit of AWS CDK's `ec2.Peer`. */
export class Peer {
  /** One IPv4 address or CIDR block, e.g. `10.1.2.3/32`. */
  public static ipv4(cidr: string): IPeer {
    requireIpv4("cidr", cidr);
    return new SimplePeer(PeerKind.CIDRS, cidr, [cidr]);
  }

  /** A non-empty list of IPv4 addresses or CIDR blocks. */
  public static ipv4List(cidrs: string[]): IPeer {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      throw invalidProp("cidrs", cidrs, "a non-empty list of IPv4 addresses or CIDR blocks");
    }
    cidrs.forEach((c, i) => requireIpv4(`cidrs[${i}]`, c));
    const unique = Array.from(new Set(cidrs));
    return new SimplePeer(PeerKind.CIDRS, unique.join(", "), unique);
  }

  /** Every address of a zone (its subnet prefix). */
  public static zone(zone: IZoneRef): IPeer {
    return new SimplePeer(PeerKind.ZONE, `zone ${zone.zoneName}`, [zone.addressPrefix], zone);
  }

  /** An Azure service tag, e.g. `AzureLoadBalancer` or `GatewayManager`. */
  public static serviceTag(tag: string): IPeer {
    if (!/^[A-Za-z][A-Za-z0-9.]*$/.test(tag ?? "")) {
      throw invalidProp("tag", tag, "an Azure service tag name such as AzureLoadBalancer");
    }
    return new SimplePeer(PeerKind.SERVICE_TAG, tag, [tag]);
  }

  /** Any address. Explicit, so intent is visible in code review. */
  public static anyIpv4(): IPeer {
    return new SimplePeer(PeerKind.ANY, "any", ["*"]);
  }

  private constructor() {}
}

/**
 * Fails unless every peer is a specific host, CIDR list or zone: no `*`, no service tag, no
 * `0.0.0.0/0`, and no prefix broader than `/minPrefixLength`. Used where the documents ask for an
 * explicit allowlist (KMS, domain services, SNMP).
 */
export function requireSpecificPeers(prop: string, peers: IPeer[], minPrefixLength = 8): CidrBlock[] {
  if (!Array.isArray(peers) || peers.length === 0) {
    throw invalidProp(prop, peers, "a non-empty list of peers (Peer.ipv4, Peer.ipv4List or Peer.zone)");
  }
  const blocks: CidrBlock[] = [];
  peers.forEach((peer, i) => {
    if (peer.kind === PeerKind.ANY || peer.kind === PeerKind.SERVICE_TAG) {
      throw invalidProp(`${prop}[${i}]`, peer.label, "specific addresses, CIDR blocks or zones; not any address or a service tag");
    }
    for (const prefix of peer.addressPrefixes) {
      const block = requireNoHostBits(`${prop}[${i}]`, parseCidr(`${prop}[${i}]`, prefix));
      if (isAnyAddress(block) || block.prefixLength < minPrefixLength) {
        throw invalidProp(`${prop}[${i}]`, prefix, `specific addresses or CIDR blocks of /${minPrefixLength} or longer; never 0.0.0.0/0`);
      }
      blocks.push(block);
    }
  });
  return blocks;
}
