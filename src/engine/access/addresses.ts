/**
 * Addresses as the access model sees them: IPv4 and IPv6 CIDRs parsed once (cached, no library
 * call on the hot path), the public and special ranges, and the sets NSG rules talk about.
 */
import { Intervals, V4, V6 } from "./intervals";

/** A parsed CIDR or address. */
export type Cidr =
  | { readonly family: 4; readonly start: number; readonly end: number; readonly prefix: number; readonly text: string }
  | { readonly family: 6; readonly start: bigint; readonly end: bigint; readonly prefix: number; readonly text: string };

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const cache = new Map<string, Cidr | null>();
const CACHE_MAX = 200_000;

/**
 * Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `addr/n` (trimmed). Host bits are allowed
 * (Azure accepts `10.0.0.5/24` in NSG rules and reads it as the network). Undefined when not one.
 */
export function parseCidr(text: string): Cidr | undefined {
  let hit = cache.get(text);
  if (hit === undefined) {
    hit = parseUncached(text.trim()) ?? null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, hit);
  }
  return hit ?? undefined;
}

function parseUncached(t: string): Cidr | undefined {
  const m = V4_RE.exec(t);
  if (m) {
    const o = [m[1], m[2], m[3], m[4]].map(Number);
    if (o.some((x, i) => x > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith("0")))) return undefined;
    const prefix = m[5] === undefined ? 32 : Number(m[5]);
    if (prefix > 32) return undefined;
    const addr = ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
    const size = 2 ** (32 - prefix);
    const start = Math.floor(addr / size) * size;
    return { family: 4, start, end: start + size - 1, prefix, text: t };
  }
  if (!t.includes(":")) return undefined;
  const [addrText, prefixText, extra] = t.split("/");
  if (extra !== undefined) return undefined;
  const prefix = prefixText === undefined ? 128 : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= 128)) return undefined;
  const addr = parseV6(addrText);
  if (addr === undefined) return undefined;
  const hostBits = BigInt(128 - prefix);
  const start = (addr >> hostBits) << hostBits;
  return { family: 6, start, end: start + (1n << hostBits) - 1n, prefix, text: t };
}

function parseV6(t: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  let groups: string[];
  const dbl = t.indexOf("::");
  if (dbl !== t.lastIndexOf("::")) return undefined;
  let tail = t;
  let v4tail: number[] | undefined;
  const lastColon = t.lastIndexOf(":");
  if (t.slice(lastColon + 1).includes(".")) {
    const v4 = V4_RE.exec(t.slice(lastColon + 1));
    if (!v4 || v4[5] !== undefined) return undefined;
    v4tail = [v4[1], v4[2], v4[3], v4[4]].map(Number);
    if (v4tail.some((x) => x > 255)) return undefined;
    tail = t.slice(0, lastColon + 1) + "0:0";
  }
  if (dbl >= 0) {
    const [left, right] = tail.split("::");
    const l = left ? left.split(":") : [];
    const r = right ? right.split(":") : [];
    const missing = 8 - l.length - r.length;
    if (missing < 1) return undefined;
    groups = [...l, ...Array(missing).fill("0"), ...r];
  } else {
    groups = tail.split(":");
  }
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) + BigInt(parseInt(g, 16));
  if (v4tail) value = (value >> 32n << 32n) + BigInt(((v4tail[0] << 24) >>> 0) + (v4tail[1] << 16) + (v4tail[2] << 8) + v4tail[3]);
  return value;
}

/** `a.b.c.d` of an IPv4 number. */
export function v4Text(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** A range as the shortest text: `10.0.0.0/24`, `10.0.0.5`, or `a - b`. */
export function v4RangeText(a: number, b: number): string {
  if (a === b) return v4Text(a);
  const size = b - a + 1;
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && a % size === 0) return `${v4Text(a)}/${prefix}`;
  return `${v4Text(a)}-${v4Text(b)}`;
}

function v4Set(ranges: string[]): Intervals<number> {
  return Intervals.of(V4, ranges.map((r) => {
    const c = parseCidr(r) as Extract<Cidr, { family: 4 }>;
    return [c.start, c.end] as const;
  }));
}

/** RFC 1918 private ranges and RFC 6598 shared address space: what private networks use. */
export const PRIVATE_V4 = v4Set(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]);

/**
 * IPv4 ranges that are never a public Internet source (IANA special-purpose registry):
 * private and shared space, "this network", loopback, link-local, IETF protocol assignments,
 * benchmarking, multicast, reserved and broadcast. The documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24) stay public on purpose: examples use them for public addresses.
 */
export const NON_PUBLIC_V4 = PRIVATE_V4.union(v4Set([
  "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
]));

/** Public IPv4 space: every address that can be an Internet source. */
export const PUBLIC_V4 = NON_PUBLIC_V4.complement();

/** Global unicast IPv6 (2000::/3): the public IPv6 Internet. */
export const PUBLIC_V6 = Intervals.of(V6, [[(parseCidr("2000::/3") as Extract<Cidr, { family: 6 }>).start, (parseCidr("2000::/3") as Extract<Cidr, { family: 6 }>).end]]);

/** Azure's platform address (DHCP, DNS, health probes, the VM agent): never an attacker's source. */
export const AZURE_PLATFORM_IP = "168.63.129.16";
