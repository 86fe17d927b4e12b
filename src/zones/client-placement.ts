import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Construct } from "constructs";
import { DeploymentZone } from "./deployment-zone";
import { CidrBlock, cidrContains, cidrOverlaps, parseCidr, tryParseCidr } from "../network/cidr";
import { invalidProp } from "../network/errors";
import { IPeer, Peer, PeerKind } from "../network/peer";
import { Port } from "../network/port";

/** A zone of the app found in the construct tree, with its parsed prefix. @internal */
export interface KnownZone {
  readonly zone: DeploymentZone;
  readonly block: CidrBlock;
}

/** Every {@link DeploymentZone} of the app built so far (every stack: the root's whole tree). @internal */
export function zonesOfApp(scope: Construct): KnownZone[] {
  const out: KnownZone[] = [];
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof DeploymentZone) {
      const block = tryParseCidr(c.addressPrefix);
      if (block) out.push({ zone: c, block });
    }
  }
  return out;
}

/** What a service construct's client list allows, for its errors. @internal */
export const CLIENT_CIDRS_ALLOWED = "zones (Peer.zone), or hosts and CIDRs each inside one zone or outside every zone that denies all outbound traffic";

/** Which partial overlaps of a client CIDR with a zone are refused. @internal */
export enum PartialOverlap {
  /** Any zone: the caller needs every CIDR inside one zone or outside every zone. */
  REFUSE_ANY = "any",
  /** Only zones that deny outbound traffic: elsewhere no outbound rule depends on where the CIDR lies. */
  REFUSE_OUTBOUND_DENIED = "outboundDenied",
}

/** One prefix of a CIDR peer and the zone of the app holding all of it, if any. @internal */
export interface PlacedPrefix {
  readonly prefix: string;
  readonly zone?: DeploymentZone;
}

/** A peer of a client list, placed in the app's zones. @internal */
export interface PlacedPeer {
  /** Its index in the list (for error messages: `prop[index]`). */
  readonly index: number;
  readonly peer: IPeer;
  /** For a peer of a {@link DeploymentZone} (`Peer.zone(zone)` or the zone itself): that zone. */
  readonly zone?: DeploymentZone;
  /** For any other peer: each prefix with its zone. Empty for a zone peer. */
  readonly prefixes: PlacedPrefix[];
}

/**
 * Places each peer of a client list in the app's zones: a zone peer is its zone; each prefix of any
 * other peer lies in the zone that contains all of it, or in none. A prefix that covers part of a
 * zone (CIDRs nest or are disjoint, so: a prefix wider than the zone) is refused per `partial`,
 * naming the prop, the prefix and the zone; so is a prefix that lies in zones of two networks
 * with overlapping address spaces when one of them denies outbound traffic (which zone's NSG the
 * client's packets leave through cannot be told). Zones built after this call are checked at synth
 * on `owner` ({@link recheckPlacementAtSynth}). Cost: one walk of the construct tree, then prefixes × zones.
 * @param prop the prop holding the list, as the user wrote it (errors name `prop[index]`)
 * @param allowed what the prop allows, for the partial-overlap error
 * @internal
 */
export function placePeers(owner: Construct, prop: string, peers: readonly IPeer[], partial: PartialOverlap, allowed: string): PlacedPeer[] {
  const placed = placeIn(zonesOfApp(owner), prop, peers, partial, allowed);
  recheckPlacementAtSynth(owner, prop, peers, partial, allowed, placed);
  return placed;
}

/** `note` ends each refusal (what to do about a zone built late). */
function placeIn(zones: readonly KnownZone[], prop: string, peers: readonly IPeer[], partial: PartialOverlap, allowed: string, note = ""): PlacedPeer[] {
  return peers.map((peer, index) => {
    if (peer.kind === PeerKind.ZONE && peer.zone instanceof DeploymentZone) return { index, peer, zone: peer.zone, prefixes: [] };
    // A CIDR peer, or a zone reference that is not a zone of this library: placed by its addresses.
    const prefixes = peer.addressPrefixes.map((prefix) => placePrefix(zones, `${prop}[${index}]`, prefix, partial, allowed, note));
    return { index, peer, prefixes };
  });
}

function placePrefix(zones: readonly KnownZone[], prop: string, prefix: string, partial: PartialOverlap, allowed: string, note: string): PlacedPrefix {
  const block = parseCidr(prop, prefix);
  const homes: DeploymentZone[] = [];
  for (const z of zones) {
    if (cidrContains(z.block, block)) {
      homes.push(z.zone);
    } else if (cidrOverlaps(z.block, block) && (partial === PartialOverlap.REFUSE_ANY || z.zone.outboundDenied)) {
      const why = z.zone.outboundDenied ? ", which denies all outbound traffic: its NSG must open the client's outbound side, from addresses inside it" : "";
      throw invalidProp(prop, prefix, `${allowed}; ${prefix} covers zone ${z.zone.zoneName} (${z.zone.addressPrefix}) only in part${why}. `
        + `Pass Peer.zone(${z.zone.zoneName}) for the whole zone, or split the CIDR into prefixes each inside one zone or outside every zone${note}`);
    }
  }
  if (homes.length > 1 && homes.some((z) => z.outboundDenied)) {
    const names = homes.map((z) => `${z.zoneName} (${z.addressPrefix}, network ${z.network.node.path})`).join(" and ");
    throw invalidProp(prop, prefix, `${allowed}; ${prefix} lies in zones of several networks (${names}) and one denies all outbound traffic, `
      + `so which NSG its packets leave through cannot be told: pass Peer.zone(zone) of the client's zone${note}`);
  }
  return { prefix, zone: homes[0] };
}

/**
 * The client side of a flow out of a zone that denies all outbound traffic: the outbound allow in
 * `zone`, from `local` (the client's prefixes inside the zone), or from the whole zone. @internal
 */
export interface OutboundSide {
  readonly zone: DeploymentZone;
  /** @default - the whole zone */
  readonly local?: IPeer;
}

/**
 * The outbound sides of each placed peer (same order): a zone peer of a zone that denies outbound
 * traffic is that zone, from the whole zone (as {@link DeploymentZone.connectFrom} opens it); the
 * prefixes of a CIDR peer are grouped by the outbound-denied zone that holds them, one side per
 * zone (in order of first prefix), from those prefixes only: a `Peer.ipv4List` spanning two such
 * zones opens one rule in each, naming only its own prefixes. Prefixes outside every zone (on
 * premises) or in a zone that lets traffic out need nothing. A prefix inside a zone that is itself
 * a peer of the same list needs nothing more: the zone's own rule covers it. @internal
 */
export function outboundSidesOf(placed: readonly PlacedPeer[]): OutboundSide[][] {
  const wholeZones = new Set(placed.map((p) => p.zone).filter((z): z is DeploymentZone => z !== undefined));
  return placed.map((p) => {
    if (p.zone) return p.zone.outboundDenied ? [{ zone: p.zone }] : [];
    const byZone = new Map<DeploymentZone, string[]>();
    for (const { prefix, zone } of p.prefixes) {
      if (!zone?.outboundDenied || wholeZones.has(zone)) continue;
      const list = byZone.get(zone) ?? [];
      if (!list.includes(prefix)) list.push(prefix);
      byZone.set(zone, list);
    }
    return [...byZone].map(([zone, prefixes]) => ({ zone, local: prefixes.length === 1 ? Peer.ipv4(prefixes[0]) : Peer.ipv4List(prefixes) }));
  });
}

/**
 * Resolves a service construct's client list once, at construction: the outbound sides each client
 * needs (see {@link outboundSidesOf}; partial overlap with an outbound-denied zone is refused), and
 * a synth-time check on `owner` for zones built after it (see {@link recheckPlacementAtSynth}).
 * @returns the outbound sides, one list per client (same order as `clients`)
 * @internal
 */
export function resolveOutboundDeniedClients(owner: Construct, prop: string, clients: readonly IPeer[], allowed: string): OutboundSide[][] {
  return outboundSidesOf(placePeers(owner, prop, clients, PartialOverlap.REFUSE_OUTBOUND_DENIED, allowed));
}

/**
 * Registers a synth-time check on `owner`: a zone built after the client list was placed may hold
 * (or cover part of) a client CIDR, and then the outbound rule the construct would have opened is
 * missing and Azure drops the flow. The check fails synth naming the prop, the prefix and the zone
 * (fail closed: a missing rule is never a silent pass), and says to build the zone first.
 */
function recheckPlacementAtSynth(
  owner: Construct, prop: string, peers: readonly IPeer[], partial: PartialOverlap, allowed: string, placed: readonly PlacedPeer[],
): void {
  const list = [...peers];
  owner.node.addValidation({
    validate: () => {
      let now: PlacedPeer[];
      try {
        now = placeIn(zonesOfApp(owner), prop, list, partial, allowed, " (the zone was built after this construct; build zones before the constructs that name their addresses)");
      } catch (e) {
        return [(e as Error).message];
      }
      const errors: string[] = [];
      now.forEach((p, i) => p.prefixes.forEach((x, j) => {
        const before = placed[i]?.prefixes[j]?.zone;
        if (x.zone?.outboundDenied && x.zone !== before) {
          const where = `${x.prefix} lies in zone ${x.zone.zoneName} (${x.zone.addressPrefix}), which denies all outbound traffic and was built after this construct`;
          errors.push(invalidProp(`${prop}[${i}]`, x.prefix,
            `${allowed}; ${where}, so its outbound rule was not opened and Azure would drop the flow: build the zone before this construct`).message);
        }
      }));
      return errors;
    },
  });
}

/**
 * The source half of a service flow: in each client zone that denies all outbound traffic
 * (`denyAllOutbound`), the outbound allow towards `destination`, from the client's addresses there
 * (see {@link outboundSidesOf}), as {@link DeploymentZone.connectFrom} opens it. Azure evaluates the
 * source subnet's NSG outbound as well as the destination's inbound, and a deny in either drops
 * the flow (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works). A
 * service construct (KMS host, identity zone, state migration share or point) resolves its clients
 * once with {@link resolveOutboundDeniedClients} and calls this next to each inbound allow.
 * @returns the outbound rules created or found
 * @internal
 */
export function allowFromOutboundDeniedClients(sides: readonly OutboundSide[], destination: IPeer, port: Port, description: string): NetworkSecurityRule[] {
  return sides.map((s) => s.zone.allowOutbound(destination, port, description, { local: s.local }));
}
