/**
 * The validators every construct shares, so one rule is written once and every error reads the
 * same: it names the prop, the value and what is allowed (the construct's path is added by the
 * construct, see `attributeErrors`). Identifiers (names, addresses, sizes, GUIDs) are refused when
 * they carry surrounding whitespace, never written through; free text is trimmed. A missing
 * required value is a `MISSING_VALUE` error naming the prop, never a `TypeError`. @internal
 */
import { Token } from "cdktf";
import { CidrBlock, cidrContains, cidrOverlaps, ipv4Size, parseCidr, tryParseCidr } from "./cidr";
import { ConstructErrorCode, invalidProp, missingProp } from "./errors";
import { TAG_LIMITS } from "./limits";
import { AZURE_NAMES, AzureNameKind, describeAzureName, isValidAzureName } from "./naming";
import { Trust, TrustLevel } from "./trust-level";

/** True for undefined and null. */
function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Fails when a required value is missing. @internal */
export function requireDefined<T>(prop: string, value: T | undefined | null, allowed: string): T {
  if (absent(value)) throw missingProp(prop, allowed);
  return value as T;
}

/** Fails unless `value` is a non-empty string without surrounding whitespace (tokens pass). @internal */
export function requireIdentifier(prop: string, value: unknown, allowed: string): string {
  if (absent(value)) throw missingProp(prop, allowed);
  if (typeof value !== "string" || value.length === 0) throw invalidProp(prop, value, allowed);
  if (!Token.isUnresolved(value) && value.trim() !== value) throw invalidProp(prop, value, `${allowed}, without surrounding whitespace`);
  return value;
}

/** Free text: trimmed, then `min`-`max` characters. @internal */
export function requireText(prop: string, value: unknown, min: number, max: number, what: string): string {
  if (absent(value)) throw missingProp(prop, `${what} (${min}-${max} characters)`);
  if (typeof value !== "string") throw invalidProp(prop, value, `${what} (${min}-${max} characters)`);
  const text = value.trim();
  if (text.length < min || text.length > max) throw invalidProp(prop, value, `${what} of ${min}-${max} characters`);
  return text;
}

/** `true`, `false`, or the default when undefined. @internal */
export function requireBoolean(prop: string, value: unknown, fallback: boolean): boolean {
  if (absent(value)) return fallback;
  if (typeof value !== "boolean") throw invalidProp(prop, value, "true or false");
  return value;
}

/** One of an enum's values, or the default when undefined (pass no default for a required one). @internal */
export function requireEnum<T extends string>(prop: string, value: T | undefined, e: Record<string, string>, fallback?: T, allowed?: string): T {
  const values = Object.values(e);
  if (absent(value)) {
    if (fallback !== undefined) return fallback;
    throw missingProp(prop, allowed ?? values.join(", "));
  }
  if (!values.includes(value as string)) throw invalidProp(prop, value, allowed ?? values.join(", "));
  return value as T;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A GUID, or a token resolving to one. @internal */
export function requireGuid(prop: string, value: unknown, what: string): string {
  const allowed = `${what}: a GUID such as 7b2f6b43-5a4c-4d43-9a0e-1f2d3c4b5a69, or a reference to one`;
  const v = requireIdentifier(prop, value, allowed);
  if (!Token.isUnresolved(v) && !GUID.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

const AZURE_ID = /^\/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/providers\/[^/\s]+\/[^/\s]+\/[^/\s]+/i;

/** An Azure resource ID, or a token resolving to one. @internal */
export function requireResourceId(prop: string, value: unknown, example: string): string {
  const allowed = `an Azure resource ID (${example}) or a reference to the resource`;
  const v = requireIdentifier(prop, value, allowed);
  if (!Token.isUnresolved(v) && !AZURE_ID.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/** A literal (known before apply) value: tokens are refused with the reason. @internal */
export function requireLiteral(prop: string, value: string, reason: string): string {
  if (typeof value === "string" && Token.isUnresolved(value)) {
    throw invalidProp(prop, "<reference known only after apply>", `a literal value: ${reason}`);
  }
  return value;
}

/** An Azure resource name of the given kind (literal; tokens pass). @internal */
export function requireAzureName(prop: string, value: unknown, kind: AzureNameKind): string {
  const rule = AZURE_NAMES[kind];
  const v = requireIdentifier(prop, value, describeAzureName(rule));
  if (!Token.isUnresolved(v) && !isValidAzureName(rule, v)) throw invalidProp(prop, value, describeAzureName(rule));
  return v;
}

/**
 * Checks a name the construct derives from a prop (`<zoneName>-nsg`): when the derived name is not
 * a valid `kind` name, the error names the prop and says how the name is built. @internal
 */
export function requireDerivedName(prop: string, value: string, derived: string, kind: AzureNameKind): string {
  const rule = AZURE_NAMES[kind];
  if (Token.isUnresolved(derived) || isValidAzureName(rule, derived)) return derived;
  const extra = derived.length - value.length;
  const lengthHint = derived.length > rule.max ? `at most ${rule.max - extra} characters, ` : "";
  throw invalidProp(prop, value, `${lengthHint}so that the derived ${rule.what} "${derived.length > 60 ? `${derived.slice(0, 57)}...` : derived}" is ${describeAzureName(rule)}`);
}

/** An Azure region name such as `westeurope`. @internal */
export function requireRegion(prop: string, value: unknown): string {
  const allowed = "an Azure region name such as westeurope";
  const v = requireIdentifier(prop, value, allowed);
  if (!Token.isUnresolved(v) && !/^[a-z0-9]+$/i.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/** A resource group name (1-90 characters...). @internal */
export function requireResourceGroupName(prop: string, value: unknown): string {
  return requireAzureName(prop, value, "resourceGroup");
}

const DNS_LABEL = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const DNS_ZONE = new RegExp(`^(?=.{1,253}$)(${DNS_LABEL}\\.)+[a-zA-Z]{2,63}$`);
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})*$`);

/** A DNS domain name with at least two labels, such as `corp.contoso.com`. @internal */
export function requireDnsDomain(prop: string, value: unknown): string {
  const allowed = "a DNS domain name such as corp.contoso.com";
  const v = requireIdentifier(prop, value, allowed);
  if (!DNS_ZONE.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/** A host name or FQDN. @internal */
export function requireHostName(prop: string, value: unknown, allowed = "a host name or FQDN such as smp01.corp.contoso.com"): string {
  const v = requireIdentifier(prop, value, allowed);
  if (!HOST_NAME.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/** One DNS label (1-63 letters, digits, `-`). @internal */
export function requireDnsLabel(prop: string, value: unknown): string {
  const allowed = "a DNS label: 1-63 letters, digits and '-'";
  const v = requireIdentifier(prop, value, allowed);
  if (!new RegExp(`^${DNS_LABEL}$`).test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/** A single IPv4 address in dotted-quad form, no prefix length. @internal */
export function requireIpv4Address(prop: string, value: unknown, allowed = "an IPv4 address such as 10.0.1.4"): string {
  const v = requireIdentifier(prop, value, allowed);
  const block = tryParseCidr(v);
  if (!block || block.family !== 4 || v.includes("/")) throw invalidProp(prop, value, allowed);
  return v;
}

/** An IPv4 CIDR block in network-address form (`10.20.0.0/16`). @internal */
export function requireIpv4Cidr(prop: string, value: unknown, allowed = "an IPv4 CIDR block such as 10.20.0.0/16"): CidrBlock {
  const v = requireIdentifier(prop, value, allowed);
  if (!v.includes("/")) throw invalidProp(prop, value, allowed);
  const block = parseCidr(prop, v, { requireNetworkAddress: true });
  if (block.family !== 4) throw invalidProp(prop, value, allowed);
  return block;
}

/**
 * Ranges Azure refuses in a virtual network's address space (learn.microsoft.com, "Azure Virtual
 * Network FAQ", "What address ranges can I use in my virtual networks?"): multicast, broadcast,
 * loopback, link-local and the internal DNS/health-probe address 168.63.129.16. `0.0.0.0/8` is
 * refused too ("this network", never a routable range). @internal
 */
export const VNET_RESERVED_RANGES: { cidr: string; what: string }[] = [
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "255.255.255.255/32", what: "broadcast" },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local" },
  { cidr: "168.63.129.16/32", what: "Azure's internal DNS and health-probe address" },
  { cidr: "0.0.0.0/8", what: "'this network' (0.0.0.0/8)" },
];
const RESERVED_BLOCKS = VNET_RESERVED_RANGES.map((r) => ({ ...r, block: parseCidr("reserved", r.cidr) }));

/**
 * A virtual network's address space: a non-empty list of non-overlapping IPv4 CIDR blocks in
 * network-address form, none of them any (`0.0.0.0/0`) or overlapping a range Azure reserves. @internal
 */
export function requireAddressSpace(prop: string, value: unknown): CidrBlock[] {
  const allowed = "a non-empty list of IPv4 CIDR blocks such as 10.20.0.0/16";
  if (absent(value)) throw missingProp(prop, allowed);
  if (!Array.isArray(value) || value.length === 0) throw invalidProp(prop, value, allowed);
  const blocks = value.map((c, i) => requireUsableRange(`${prop}[${i}]`, c));
  blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => {
    if (cidrOverlaps(a, b)) throw invalidProp(prop, value, `non-overlapping CIDR blocks (${a.text} overlaps ${b.text})`);
  }));
  return blocks;
}

/** One IPv4 CIDR block usable as a private range: not any, not overlapping a reserved range. @internal */
export function requireUsableRange(prop: string, value: unknown): CidrBlock {
  const block = requireIpv4Cidr(prop, value);
  if (block.prefixLength === 0) throw invalidProp(prop, value, "a specific IPv4 range, never 0.0.0.0/0");
  const reserved = RESERVED_BLOCKS.find((r) => cidrOverlaps(r.block, block));
  if (reserved) throw invalidProp(prop, value, `an IPv4 range outside ${reserved.cidr} (${reserved.what}), which Azure does not allow in a virtual network`);
  return block;
}

/**
 * The trust level of a zone that must be INTERNAL or more (a zone for KMS, domain controllers,
 * PXE): INTERNAL when undefined. @internal
 */
export function requireTrustedZoneLevel(value: TrustLevel | undefined, reason: string): TrustLevel {
  const allowed = `INTERNAL or MANAGEMENT: ${reason}`;
  const trust = requireEnum("trustLevel", value, TrustLevel, TrustLevel.INTERNAL, allowed);
  if (!Trust.isAtLeast(trust, TrustLevel.INTERNAL)) throw invalidProp("trustLevel", value, allowed);
  return trust;
}

/** Something with a zone name and prefix. @internal */
export interface ZonePrefix {
  readonly zoneName: string;
  readonly addressPrefix: string;
}

/**
 * A host address of a zone: one IPv4 address inside the zone prefix, excluding the first four
 * and the last address, which Azure reserves in every subnet. @internal
 */
export function requireHostInZone(prop: string, value: unknown, zone: ZonePrefix): string {
  const allowed = `a host address inside zone ${zone.zoneName} (${zone.addressPrefix}), excluding the first four and the last address that Azure reserves`;
  const address = requireIpv4Address(prop, value, allowed);
  const zoneBlock = parseCidr("zone.addressPrefix", zone.addressPrefix);
  const ip = parseCidr(prop, address);
  const offset = ip.start - zoneBlock.start;
  if (!cidrContains(zoneBlock, ip) || offset < 4 || offset >= ipv4Size(zoneBlock) - 1) throw invalidProp(prop, value, allowed);
  return address;
}

/**
 * Names Azure refuses as a VM's administrator (learn.microsoft.com, Compute REST API `OSProfile`
 * `adminUsername`: "Disallowed values"). @internal
 */
export const RESERVED_ADMIN_USERNAMES = ["administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a",
  "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
  "support_388945a0", "sys", "test2", "test3", "user4", "user5"];

/**
 * A Windows VM administrator name (learn.microsoft.com, `OSProfile.adminUsername`): at most 20
 * characters, not ending with `.`, not a reserved name; the library also keeps to letters, digits,
 * `.`, `_` and `-` (Windows refuses `"/\[]:|<>+=;,?*@` and more). @internal
 */
export function requireAdminUsername(prop: string, value: unknown): string {
  const allowed = "1-20 letters, digits, '.', '_', '-', not ending with '.', and not a reserved name such as administrator, admin, user, root or guest";
  const v = requireIdentifier(prop, value, allowed);
  if (!/^[a-zA-Z0-9._-]{1,20}$/.test(v) || v.endsWith(".") || RESERVED_ADMIN_USERNAMES.includes(v.toLowerCase())) throw invalidProp(prop, value, allowed);
  return v;
}

/** Availability zones Azure offers in a region. @internal */
export const AVAILABILITY_ZONES = ["1", "2", "3"];

/** One availability zone: "1", "2" or "3". @internal */
export function requireAvailabilityZone(prop: string, value: unknown): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== "string" || !AVAILABILITY_ZONES.includes(value)) throw invalidProp(prop, value, "\"1\", \"2\" or \"3\"");
  return value;
}

/**
 * A VM size such as `Standard_D2s_v5` (its shape; availability is the region's). The servers are Trusted
 * Launch VMs on Premium SSD: Basic-tier sizes (Basic_A0-A4) have neither Generation 2 nor premium storage
 * (learn.microsoft.com azure/virtual-machines/trusted-launch, "Virtual machines sizes"; they are retired
 * too), so only `Standard_` sizes are taken. Whether a Standard size supports both is the size's
 * (the `s` feature letter marks premium storage, with exceptions), so Azure decides that at apply. @internal
 */
export function requireVmSize(prop: string, value: unknown, fallback: string): string {
  if (absent(value)) return fallback;
  const allowed = "a Standard Azure VM size with premium storage and Trusted Launch, such as Standard_D2s_v5 (not a Basic_ size)";
  const v = requireIdentifier(prop, value, allowed);
  if (!Token.isUnresolved(v) && !/^Standard_[A-Za-z0-9_-]+$/.test(v)) throw invalidProp(prop, value, allowed);
  return v;
}

/**
 * A tag map as users give it (learn.microsoft.com, "Use tags to organize your Azure resources",
 * Limitations): names of at most 512 characters (128 on storage accounts) without `<>%&\?/`, values
 * of at most 256 characters, names and values without surrounding whitespace, at most 50 tags. @internal
 */
export function requireTags(prop: string, value: unknown, options: { storageAccount?: boolean } = {}): { [key: string]: string } {
  if (absent(value)) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalidProp(prop, value, "a map of tag names to string values");
  const tags = value as { [key: string]: unknown };
  const nameMax = options.storageAccount ? TAG_LIMITS.storageAccountNameMaxLength : TAG_LIMITS.nameMaxLength;
  for (const [name, v] of Object.entries(tags)) {
    if (name.length === 0 || name.length > nameMax || name.trim() !== name || TAG_LIMITS.forbiddenNameCharacters.some((c) => name.includes(c))) {
      throw invalidProp(`${prop}["${name.slice(0, 40)}"]`, name,
        `a tag name of 1-${nameMax} characters${options.storageAccount ? " (storage accounts)" : ""}, without surrounding whitespace and without ${TAG_LIMITS.forbiddenNameCharacters.join(" ")}`);
    }
    if (typeof v !== "string" || (!Token.isUnresolved(v) && (v.length > TAG_LIMITS.valueMaxLength || v.trim() !== v))) {
      throw invalidProp(`${prop}["${name.slice(0, 40)}"]`, typeof v === "string" && v.length > 60 ? `${v.slice(0, 57)}... (${v.length} characters)` : v,
        `a string tag value of at most ${TAG_LIMITS.valueMaxLength} characters, without surrounding whitespace`);
    }
  }
  requireTagCount(prop, tags);
  return { ...(tags as { [key: string]: string }) };
}

/** Fails when a resource would carry more tags than Azure allows (the construct's own tags included). @internal */
export function requireTagCount(prop: string, tags: { [key: string]: unknown }, own = 0): void {
  const count = Object.keys(tags).length + own;
  if (count > TAG_LIMITS.maxTags) {
    throw invalidProp(prop, `${count} tags${own > 0 ? ` (with the ${own} the construct sets)` : ""}`,
      `at most ${TAG_LIMITS.maxTags} tags per resource (network, zone and construct tags together)`, ConstructErrorCode.INVALID_VALUE);
  }
}

/**
 * Merges tag maps for one resource (later maps win) and fails when the result exceeds Azure's
 * count. @internal
 */
export function mergeTags(prop: string, ...maps: ({ [key: string]: string } | undefined)[]): { [key: string]: string } {
  const merged: { [key: string]: string } = {};
  for (const m of maps) Object.assign(merged, m ?? {});
  requireTagCount(prop, merged);
  return merged;
}
