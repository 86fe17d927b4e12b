import { MIGRATION_TAG, MigrationTags } from "./migration-tags";
import { TRAITS } from "./setting-traits";
import { BOOLEAN, oneOf, TagSpec, text } from "./tag";

/**
 * The `sdz-*` tags of the activation area.
 *
 * On a KMS host VM (and its NICs):
 * - `sdz-restrict-anonymous` = `true`: `RestrictAnonymous` = 1 (no anonymous enumeration of shares).
 * - `sdz-restrict-anonymous-sam` = `true`: `RestrictAnonymousSAM` = 1 (no anonymous enumeration of SAM accounts).
 * - `sdz-restrict-null-session-access` = `true`: `RestrictNullSessAccess` = 1 (no null sessions to pipes/shares).
 * - `sdz-smb1-removed` = `true`: SMB 1 disabled and the `FS-SMB1` feature removed; defined once, as
 *   {@link MigrationTags.SMB1_REMOVED}.
 * - `sdz-kms-firewall-scope` = `allowlist`: the Windows Firewall rule for TCP 1688 is scoped to the allowlist.
 * - `sdz-kms-dns-publishing` = `disabled` | `enabled`: whether the host publishes its `_vlmcs._tcp` SRV record.
 * - `sdz-kms-interface` = `production` | `management`: which NIC serves activation.
 *
 * On a zone's NSG: `sdz-activation` = `mak` (servers of the zone activate with MAK, never KMS) and
 * `sdz-activation-justification` (why).
 */
export class KmsTags {
  /** VM tag: `RestrictAnonymous` = 1 applied (`true`). */
  public static readonly RESTRICT_ANONYMOUS = "sdz-restrict-anonymous";
  /** VM tag: `RestrictAnonymousSAM` = 1 applied (`true`). */
  public static readonly RESTRICT_ANONYMOUS_SAM = "sdz-restrict-anonymous-sam";
  /** VM tag: `RestrictNullSessAccess` = 1 applied (`true`). */
  public static readonly RESTRICT_NULL_SESSION_ACCESS = "sdz-restrict-null-session-access";
  /** VM tag: scope of the Windows Firewall rule for TCP 1688 (`allowlist`). */
  public static readonly KMS_FIREWALL_SCOPE = "sdz-kms-firewall-scope";
  /** VM tag: KMS SRV record publishing (`disabled` or `enabled`). */
  public static readonly KMS_DNS_PUBLISHING = "sdz-kms-dns-publishing";
  /** VM tag: the interface that serves activation (`production` or `management`). */
  public static readonly KMS_INTERFACE = "sdz-kms-interface";
  /** NSG tag: the zone's activation method (`mak`). */
  public static readonly ACTIVATION = "sdz-activation";
  /** NSG tag: why the zone uses MAK activation. */
  public static readonly ACTIVATION_JUSTIFICATION = "sdz-activation-justification";

  private constructor() {}
}

/** The activation settings, typed. @internal */
export const KMS_TAG = {
  restrictAnonymous: new TagSpec<boolean>(KmsTags.RESTRICT_ANONYMOUS, BOOLEAN, "RestrictAnonymous = 1 (R-KMS-5)", false, TRAITS.restrictAnonymous),
  restrictAnonymousSam: new TagSpec<boolean>(KmsTags.RESTRICT_ANONYMOUS_SAM, BOOLEAN, "RestrictAnonymousSAM = 1 (R-KMS-5)", false, TRAITS.restrictAnonymousSam),
  restrictNullSessionAccess: new TagSpec<boolean>(KmsTags.RESTRICT_NULL_SESSION_ACCESS, BOOLEAN, "RestrictNullSessAccess = 1 (R-KMS-5)", false, TRAITS.restrictNullSessionAccess),
  firewallScope: new TagSpec<"allowlist">(KmsTags.KMS_FIREWALL_SCOPE, oneOf(["allowlist"] as const), "the Windows Firewall rule for TCP 1688 is scoped to the allowlist (R-KMS-6)", false, TRAITS.kmsFirewallScope),
  dnsPublishing: new TagSpec<"disabled" | "enabled">(KmsTags.KMS_DNS_PUBLISHING, oneOf(["disabled", "enabled"] as const), "whether the KMS host publishes its SRV record (R-KMS-4)", false, TRAITS.kmsDnsPublishing),
  kmsInterface: new TagSpec<"production" | "management">(KmsTags.KMS_INTERFACE, oneOf(["production", "management"] as const), "the NIC that serves activation (R-KMS-6)"),
  activation: new TagSpec<"mak">(KmsTags.ACTIVATION, oneOf(["mak"] as const), "the zone's servers activate with MAK (R-KMS-3)"),
  activationJustification: new TagSpec<string>(KmsTags.ACTIVATION_JUSTIFICATION, text(), "why the zone uses MAK (R-KMS-3)"),
};

/** The KMS hardening settings (R-KMS-5), in the order rules report them. @internal */
export const KMS_HARDENING: { spec: TagSpec<boolean>; what: string }[] = [
  { spec: KMS_TAG.restrictAnonymous, what: "RestrictAnonymous" },
  { spec: KMS_TAG.restrictAnonymousSam, what: "RestrictAnonymousSAM" },
  { spec: KMS_TAG.restrictNullSessionAccess, what: "RestrictNullSessAccess" },
  { spec: MIGRATION_TAG.smb1Removed, what: "SMB 1 removed" },
];
