import { Construct } from "constructs";
import { CidrBlock, cidrOverlaps, tryParseCidr } from "../network/cidr";
import { invalidProp } from "../network/errors";
import { IPeer, PeerKind, requireSpecificPeers } from "../network/peer";
import { Trust, TrustLevel } from "../network/trust-level";
import { zonesOfApp } from "../zones/client-placement";

// The zones layer owns the app's zone list (it places service clients in zones too); this path keeps working.
export { zonesOfApp } from "../zones/client-placement";
export type { KnownZone } from "../zones/client-placement";

/** A refused allowlist entry. @internal */
export interface TrustViolation {
  readonly index: number;
  readonly peer: IPeer;
  readonly prefix: string;
  readonly zone: { zoneName: string; trustLevel: TrustLevel; addressPrefix: string };
}

/**
 * Finds allowlist entries that reach into a zone trusted less than `minimum`: a zone peer of such a
 * zone, or a CIDR that shares at least one address with such a zone's prefix (real CIDR math: a
 * /28 inside a perimeter /24 is caught). @internal
 */
export function findLowTrustPeers(scope: Construct, peers: IPeer[], minimum: TrustLevel): TrustViolation[] {
  const zones = zonesOfApp(scope);
  const out: TrustViolation[] = [];
  peers.forEach((peer, index) => {
    if (peer.kind === PeerKind.ZONE && peer.zone && !Trust.isAtLeast(peer.zone.trustLevel, minimum)) {
      out.push({ index, peer, prefix: peer.zone.addressPrefix, zone: peer.zone });
      return;
    }
    for (const prefix of peer.addressPrefixes) {
      const block = tryParseCidr(prefix);
      if (!block) continue;
      const hit = zones.find((z) => !Trust.isAtLeast(z.zone.trustLevel, minimum) && cidrOverlaps(z.block, block));
      if (hit) {
        out.push({ index, peer, prefix, zone: hit.zone });
        return;
      }
    }
  });
  return out;
}

/**
 * Validates an allowlist: specific peers only (no any, no service tag, nothing broader than /8),
 * every zone trusted at least `minimum`. `advice` is appended to the error for low-trust zones.
 * @internal
 */
export function requireTrustedAllowlist(scope: Construct, prop: string, peers: IPeer[], minimum: TrustLevel, advice: string): CidrBlock[] {
  const blocks = requireSpecificPeers(prop, peers);
  const bad = findLowTrustPeers(scope, peers, minimum)[0];
  if (bad) throw lowTrustError(prop, bad, minimum, advice);
  return blocks;
}

/** The error for a low-trust allowlist entry. @internal */
export function lowTrustError(prop: string, v: TrustViolation, minimum: TrustLevel, advice: string): Error {
  const where = v.peer.kind === PeerKind.ZONE ? `zone ${v.zone.zoneName} is ${v.zone.trustLevel}` : `${v.prefix} lies in zone ${v.zone.zoneName} (${v.zone.addressPrefix}, ${v.zone.trustLevel})`;
  return invalidProp(`${prop}[${v.index}]`, v.peer.label, `peers in zones trusted ${minimum} or more; ${where}. ${advice}`);
}
