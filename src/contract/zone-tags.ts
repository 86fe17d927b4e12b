import { oneOf, TagSpec, text, wordList } from "./tag";
import { TrustLevel } from "../network/trust-level";

/**
 * The tag contract's identity tags. The library's constructs write them and the checks read them;
 * a hand-written resource that carries them is understood exactly like one the library created.
 * None of them is required: the checks infer zones, trust and roles from the configuration, and a
 * tag refines (or confirms) what the configuration shows.
 *
 * - On a network security group: `sdz-zone` (zone name) and `sdz-trust` (a {@link TrustLevel} name).
 *   Every subnet associated with that NSG belongs to the zone.
 * - On a VM, NIC, storage account or local network gateway: `sdz-role`, a comma-separated list of
 *   {@link DeploymentRole} values (e.g. `kms-host`); `sdz-zone`/`sdz-trust` on a local network gateway
 *   declare its on-premises ranges as a zone.
 * - Typed settings that Azure cannot express are `sdz-<setting>` tags (see `PxeSettingTags`,
 *   `KmsTags`, `MigrationTags`, `OobTags`, `IpsecTags`).
 */
export class ZoneTags {
  /** NSG tag: the zone name. */
  public static readonly ZONE = "sdz-zone";
  /** NSG tag: the zone trust level. */
  public static readonly TRUST = "sdz-trust";
  /** Resource tag: comma-separated deployment roles. */
  public static readonly ROLE = "sdz-role";
  /** Prefix of every tag in the contract. */
  public static readonly PREFIX = "sdz-";

  private constructor() {}
}

/** The deployment roles the rules recognise in the `sdz-role` tag. */
export enum DeploymentRole {
  KMS_HOST = "kms-host",
  DOMAIN_CONTROLLER = "domain-controller",
  PXE_DISTRIBUTION_POINT = "pxe-distribution-point",
  STATE_MIGRATION_POINT = "state-migration-point",
  STATE_MIGRATION_STORE = "state-migration-store",
  DEPLOYMENT_CONTENT = "deployment-content",
  OOB_SERVICE_POINT = "oob-service-point",
  REFERENCE_COMPUTER = "reference-computer",
  DNS_SERVER = "dns-server",
}

/** Zone names: what NSG and subnet names can carry (1-80 characters). */
export const ZONE_NAME_MAX = 80;

/** The identity tags, typed. @internal */
export const ZONE_TAG = {
  zone: new TagSpec<string>(ZoneTags.ZONE, text(ZONE_NAME_MAX), "the zone an NSG (and every subnet it is associated with) or a local network gateway's ranges belong to"),
  trust: new TagSpec<TrustLevel>(ZoneTags.TRUST, oneOf(Object.values(TrustLevel)), "the zone's trust level"),
  roles: new TagSpec<DeploymentRole[]>(ZoneTags.ROLE, wordList(Object.values(DeploymentRole)), "the deployment roles of a VM, NIC, storage account or share"),
};

/**
 * Splits an `sdz-role` value into lower-cased words, keeping words that are not roles.
 * @deprecated kept only until every rule reads roles through the engine's role inference.
 * @internal
 */
export function parseRoles(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value.split(",").map((r) => r.trim().toLowerCase()).filter((r) => r.length > 0);
}
