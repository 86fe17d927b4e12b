/**
 * Token-shaped values to plant in configurations: deterministic (a test fails the same way every
 * run), random-looking (as real tokens are: generated, not typed), and distinct per seed.
 */
import { createHash } from "crypto";

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const HEX = "0123456789abcdef";
/** RFC 4648 base32 in lower case: the alphabet of Azure DevOps' older 52-character personal access tokens. */
export const BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567";

/** `length` characters of `alphabet`, derived from `seed`. */
export function tokenLike(seed: string, length: number, alphabet = ALNUM): string {
  let out = "";
  for (let block = 0; out.length < length; block++) {
    for (const byte of createHash("sha256").update(`${seed}/${block}`).digest()) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}
