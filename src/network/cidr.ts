import * as ipaddr from "ipaddr.js";
import { invalidProp } from "./errors";

/**
 * A parsed CIDR block as a closed numeric interval. IPv4 only is modelled numerically; IPv6 blocks
 * are kept with `family: 6` and compared with ipaddr.js.
 * @internal
 */
export interface CidrBlock {
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefixLength: number;
  /** First address (IPv4: unsigned 32-bit number; IPv6: BigInt as string is not needed here). */
  readonly start: number;
  readonly end: number;
  readonly v6?: [ipaddr.IPv6, number];
}

const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d{1,2})?$/;

function toNumber(addr: ipaddr.IPv4): number {
  const o = addr.octets;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

/** Parses a CIDR (or a bare address, taken as /32 or /128); undefined when it is not one. */
export function tryParseCidr(value: string): CidrBlock | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  try {
    // IPv4 first through the IPv4-only parser: the generic one tries IPv6 too, which is slow on hot paths.
    if (IPV4_SHAPE.test(text)) {
      const withPrefix = text.includes("/") ? text : `${text}/32`;
      if (!ipaddr.IPv4.isValidFourPartDecimal(withPrefix.split("/")[0])) return undefined;
      const [, prefix] = ipaddr.IPv4.parseCIDR(withPrefix);
      const net = ipaddr.IPv4.networkAddressFromCIDR(withPrefix);
      const bcast = ipaddr.IPv4.broadcastAddressFromCIDR(withPrefix);
      return { text, family: 4, prefixLength: prefix, start: toNumber(net), end: toNumber(bcast) };
    }
    if (text.includes("/")) {
      if (!ipaddr.isValidCIDR(text)) return undefined;
      const [addr, prefix] = ipaddr.parseCIDR(text);
      if (addr.kind() === "ipv4") {
        const net = ipaddr.IPv4.networkAddressFromCIDR(text);
        const bcast = ipaddr.IPv4.broadcastAddressFromCIDR(text);
        return { text, family: 4, prefixLength: prefix, start: toNumber(net), end: toNumber(bcast) };
      }
      return { text, family: 6, prefixLength: prefix, start: 0, end: 0, v6: [addr as ipaddr.IPv6, prefix] };
    }
    if (!ipaddr.isValid(text)) return undefined;
    const addr = ipaddr.parse(text);
    if (addr.kind() === "ipv4") {
      // Reject shorthand forms like "10.1" that ipaddr accepts but Azure does not.
      if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
      const n = toNumber(addr as ipaddr.IPv4);
      return { text, family: 4, prefixLength: 32, start: n, end: n };
    }
    return { text, family: 6, prefixLength: 128, start: 0, end: 0, v6: [addr as ipaddr.IPv6, 128] };
  } catch {
    return undefined;
  }
}

/** Parses a CIDR or fails with an error naming the property. */
export function parseCidr(prop: string, value: string, options: { requireNetworkAddress?: boolean } = {}): CidrBlock {
  const block = tryParseCidr(value);
  if (!block) {
    throw invalidProp(prop, value, "an IPv4 CIDR block such as 10.20.0.0/24 or an address such as 10.20.0.4");
  }
  if (options.requireNetworkAddress && block.family === 4) {
    const net = ipaddr.IPv4.networkAddressFromCIDR(block.text.includes("/") ? block.text : `${block.text}/32`);
    if (toNumber(net) !== block.start || !block.text.startsWith(net.toString() + "/")) {
      throw invalidProp(prop, value, `a CIDR whose address is the network address (${net.toString()}/${block.prefixLength})`);
    }
  }
  return block;
}

/** True when `outer` contains every address of `inner`. */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  if (outer.family !== inner.family) return false;
  if (outer.family === 4) return outer.start <= inner.start && inner.end <= outer.end;
  return outer.prefixLength <= inner.prefixLength && inner.v6![0].match(outer.v6!);
}

/** True when the two blocks share at least one address. */
export function cidrOverlaps(a: CidrBlock, b: CidrBlock): boolean {
  if (a.family !== b.family) return false;
  if (a.family === 4) return a.start <= b.end && b.start <= a.end;
  return cidrContains(a, b) || cidrContains(b, a);
}

/** True for 0.0.0.0/0 and ::/0. */
export function isAnyAddress(block: CidrBlock): boolean {
  return block.prefixLength === 0;
}

/** True for a single host (/32 or /128). */
export function isHost(block: CidrBlock): boolean {
  return block.prefixLength === (block.family === 4 ? 32 : 128);
}

/** Number of addresses in an IPv4 block. */
export function ipv4Size(block: CidrBlock): number {
  return block.end - block.start + 1;
}

/** The n-th address of an IPv4 block, as text. */
export function ipv4At(block: CidrBlock, offset: number): string {
  const n = block.start + offset;
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}
