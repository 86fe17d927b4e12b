import { TextTest } from "./in-order";

/**
 * The typed tag contract's building block: one `sdz-*` tag (or share-metadata key), defined once
 * with its type, its allowed values and whether its value may be a secret. Constructs write tags
 * only through {@link TagSpec.entry}; rules read them only through {@link readTag}, so the two
 * sides can never disagree on spelling, case or format.
 *
 * Internal (not part of the jsii API): the public names of the tags stay on the `*Tags` classes.
 */

/** A tag value as the configuration holds it: known text, or unknown before apply (with why). */
export type TagText = { readonly known: true; readonly text: string } | { readonly known: false; readonly reason: string };

/**
 * The `tags` block of one resource, resolved by the engine. Keys are lower-cased: Azure tag names
 * are case-insensitive.
 */
export type TagBlock =
  | {
    readonly known: true;
    readonly values: ReadonlyMap<string, TagText>;
    /** Each key as written in the configuration, by its lower-cased key: for messages, which name a tag as the file does. */
    readonly written?: ReadonlyMap<string, string>;
  }
  | { readonly known: false; readonly reason: string };

/** What reading one tag gives. `invalid` reasons never quote the value of a secret-bearing tag. */
export type TagRead<T> =
  | { readonly state: "absent" }
  | { readonly state: "known"; readonly value: T }
  | { readonly state: "unknown"; readonly reason: string }
  | { readonly state: "invalid"; readonly reason: string };

/** Parses and formats one tag's value. */
export interface TagCodec<T> {
  /** What the value must be, for messages and docs ("true or false", "an integer from 1 to 65535"). */
  readonly allowed: string;
  /** The value, or undefined when the text is not one. */
  parse(text: string): T | undefined;
  /** The text written to the tag. */
  format(value: T): string;
}

/** Azure: tag values are at most 256 characters (storage accounts included). */
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * Where a setting lives and what can make it true, for its provenance:
 * - `windows`: inside the guest OS. A script that sets and reads it back makes it *applied*; a
 *   Machine Configuration (guest configuration) assignment that checks it makes it *audited*; a tag
 *   alone is only *declared*, which the rules do not accept.
 * - `configmgr`: a Configuration Manager site setting, applied by cmdlets on the site server (a run
 *   command there makes it *applied*); where no site server is in the configuration, *declared* is
 *   accepted and reported as "declared, not verified".
 * - `firmware`: Intel AMT firmware (MEBx); no Azure resource reaches it, so it is always *declared*.
 */
export interface SettingTraits {
  readonly kind: "windows" | "configmgr" | "firmware";
  /** PowerShell that sets the value, and PowerShell that reads it back. Both must be in one script for *applied*. */
  readonly applied?: { readonly set: TextTest; readonly verify: TextTest };
  /** Guest configuration names whose assignment checks this setting (case-insensitive). */
  readonly auditedBy?: readonly string[];
}

/** One tag of the contract. */
export class TagSpec<T> {
  constructor(
    /** The tag name, e.g. `sdz-trust`. */
    public readonly key: string,
    public readonly codec: TagCodec<T>,
    /** What the tag records, for docs. */
    public readonly description: string,
    /** True when the value must never be printed (a secret-ish setting: only its shape is reported). */
    public readonly secretBearing = false,
    /** For settings Azure resources cannot express: where they live and what makes them true. */
    public readonly setting?: SettingTraits,
  ) {}

  /** `[key, text]` for a tags block; throws when the value is not one the codec allows. */
  public entry(value: T): [string, string] {
    const formatted = this.codec.format(value);
    if (this.codec.parse(formatted) === undefined || formatted.length > MAX_TAG_VALUE_LENGTH) {
      const shown = this.secretBearing ? "(value not shown)" : JSON.stringify(formatted);
      throw new Error(`Invalid value for tag ${this.key}: ${shown}. Allowed: ${this.codec.allowed}, at most ${MAX_TAG_VALUE_LENGTH} characters`);
    }
    return [this.key, formatted];
  }

  /** Reads the tag from a resolved tags block. */
  public read(block: TagBlock): TagRead<T> {
    if (!block.known) return { state: "unknown", reason: `its tags are not known before apply (${block.reason})` };
    const raw = block.values.get(this.key);
    if (raw === undefined) return { state: "absent" };
    if (!raw.known) return { state: "unknown", reason: `its ${this.key} tag is not known before apply (${raw.reason})` };
    const value = this.codec.parse(raw.text);
    if (value !== undefined) return { state: "known", value };
    const shown = this.secretBearing ? "has a value that is not allowed (not shown: the tag may hold a secret)" : `is ${JSON.stringify(raw.text)}`;
    return { state: "invalid", reason: `its ${this.key} tag ${shown}; allowed: ${this.codec.allowed}` };
  }
}

/** A tags object from entries: `tagsOf(ZONE.entry("pxe"), TRUST.entry(TrustLevel.INTERNAL))`. */
export function tagsOf(...entries: ([string, string] | undefined)[]): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const e of entries) if (e) out[e[0]] = e[1];
  return out;
}

// ------------------------------------------------------------------------------------- codecs

/** `true` / `false` (case-insensitive on read, lower-case on write). */
export const BOOLEAN: TagCodec<boolean> = {
  allowed: "true or false",
  parse: (t) => {
    const v = t.trim().toLowerCase();
    return v === "true" ? true : v === "false" ? false : undefined;
  },
  format: (v) => String(v),
};

/** One of a fixed set of lower-case words (case-insensitive on read). */
export function oneOf<T extends string>(values: readonly T[]): TagCodec<T> {
  return {
    allowed: `one of ${values.join(", ")}`,
    parse: (t) => values.find((v) => v.toLowerCase() === t.trim().toLowerCase()),
    format: (v) => v,
  };
}

/** An integer in [min, max]. */
export function integer(min: number, max: number): TagCodec<number> {
  return {
    allowed: `an integer from ${min} to ${max}`,
    parse: (t) => {
      const s = t.trim();
      if (!/^\d{1,15}$/.test(s)) return undefined;
      const n = Number(s);
      return n >= min && n <= max ? n : undefined;
    },
    format: (v) => String(v),
  };
}

/** Free text of 1 to `max` characters (trimmed). */
export function text(max = MAX_TAG_VALUE_LENGTH): TagCodec<string> {
  return {
    allowed: `text of 1 to ${max} characters`,
    parse: (t) => {
      const s = t.trim();
      return s.length > 0 && s.length <= max ? s : undefined;
    },
    format: (v) => v.trim(),
  };
}

/** An inclusive port range `from-to`. */
export const PORT_RANGE: TagCodec<{ from: number; to: number }> = {
  allowed: "a port range from-to within 1-65535",
  parse: (t) => {
    const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(t);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = Number(m[2]);
    return from >= 1 && from <= to && to <= 65535 ? { from, to } : undefined;
  },
  format: (v) => `${v.from}-${v.to}`,
};

/** A certificate thumbprint: 40 hexadecimal digits (SHA-1), written upper-case. */
export const THUMBPRINT: TagCodec<string> = {
  allowed: "40 hexadecimal digits",
  parse: (t) => (/^[0-9a-fA-F]{40}$/.test(t.trim()) ? t.trim().toUpperCase() : undefined),
  format: (v) => v.toUpperCase(),
};

/** A comma-separated list of words from a fixed set (e.g. roles), lower-cased, without duplicates. */
export function wordList<T extends string>(values: readonly T[]): TagCodec<T[]> {
  const word = oneOf(values);
  return {
    allowed: `a comma-separated list of ${values.join(", ")}`,
    parse: (t) => {
      const parts = t.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
      if (parts.length === 0) return undefined;
      const out: T[] = [];
      for (const p of parts) {
        const v = word.parse(p);
        if (v === undefined) return undefined;
        if (!out.includes(v)) out.push(v);
      }
      return out;
    },
    format: (v) => [...new Set(v)].join(","),
  };
}

/** A comma-separated list of IPv4 CIDRs or addresses (validated by shape: a.b.c.d[/n]). */
export const CIDR_LIST: TagCodec<string[]> = {
  allowed: "a comma-separated list of IPv4 CIDRs",
  parse: (t) => {
    const parts = t.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
    const ok = parts.length > 0 && parts.every((p) => {
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(p);
      return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && (m[5] === undefined || Number(m[5]) <= 32);
    });
    return ok ? parts : undefined;
  },
  format: (v) => v.join(","),
};
