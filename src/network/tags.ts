/**
 * The tag contract. The library's constructs write these tags, and the rules read them, so a
 * hand-written resource that carries them is understood exactly like one the library created.
 *
 * - On a network security group: `sdz-zone` (zone name) and `sdz-trust` (a {@link TrustLevel} name).
 *   Every subnet associated with that NSG belongs to the zone.
 * - On a VM, NIC, storage account or share: `sdz-role`, a comma-separated list of {@link DeploymentRole}
 *   values (e.g. `kms-host`).
 * - Typed settings that Azure cannot express are written as `sdz-<setting>` tags by the constructs
 *   that own them (e.g. `sdz-pxe-password-required`).
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

/** Parses an `sdz-role` tag value into its roles (lower-cased, trimmed). */
export function parseRoles(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((r) => r.trim().toLowerCase())
    .filter((r) => r.length > 0);
}
