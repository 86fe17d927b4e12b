import { IPSEC_TAG } from "./ipsec-tags";
import { KMS_TAG } from "./kms-tags";
import { MIGRATION_TAG } from "./migration-tags";
import { OOB_TAG } from "./oob-tags";
import { PXE_TAG } from "./pxe-tags";
import { TagSpec } from "./tag";
import { ZONE_TAG, ZoneTags } from "./zone-tags";

/** Every tag (and share-metadata key) of the contract, by key. */
const ALL: TagSpec<unknown>[] = [ZONE_TAG, PXE_TAG, KMS_TAG, MIGRATION_TAG, OOB_TAG, IPSEC_TAG]
  .flatMap((group) => Object.values(group) as TagSpec<unknown>[]);
const BY_KEY = new Map(ALL.map((s) => [s.key, s]));

/** Every spec of the contract (for docs and the settings inventory). */
export function allTagSpecs(): readonly TagSpec<unknown>[] {
  return ALL;
}

/** The contract's spec of a tag name (case-insensitive), if it is one. */
export function findTagSpec(key: string): TagSpec<unknown> | undefined {
  return BY_KEY.get(key.toLowerCase());
}

/** True for a name in the contract's namespace (`sdz-*`, or the share metadata key `sdz_*`). */
export function isContractKey(key: string): boolean {
  const k = key.toLowerCase();
  return k.startsWith(ZoneTags.PREFIX) || k.startsWith("sdz_");
}

/**
 * Names whose values may be secrets: passwords, keys, tokens, connection strings, SAS. Used to keep
 * such values out of every message and report, whatever the resource or tag.
 */
const SECRET_NAME = /(pass(word|wd|phrase)|pwd|secret|token|(^|[_-])key($|[_-])|api[_-]?key|private[_-]?key|shared[_-]?key|access[_-]?key|connection[_-]?string|(^|[_-])sas($|[_-])|credential)/i;

/**
 * True when a field or tag name suggests its value is a secret (contains a secret word): for hiding values (the tag
 * inventory), where a doubt costs nothing. SDZ-SEC-002 decides with the narrower `looksSecretName` (the name ends like a secret).
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
