import { MigrationTags } from "../migration/migration-tags";

/**
 * The `sdz-*` tags the activation constructs write and the KMS rules (SDZ-KMS-*) read. A
 * hand-written VM or NSG carrying them is understood exactly like one the library created.
 *
 * On a KMS host VM (and its NICs), written by {@link KmsHost}:
 * - `sdz-restrict-anonymous` = `true`: `RestrictAnonymous` = 1 (no anonymous enumeration of shares).
 * - `sdz-restrict-anonymous-sam` = `true`: `RestrictAnonymousSAM` = 1 (no anonymous enumeration of SAM accounts).
 * - `sdz-restrict-null-session-access` = `true`: `RestrictNullSessAccess` = 1 (no null sessions to pipes/shares).
 * - `sdz-smb1-removed` = `true`: SMB 1 disabled and the `FS-SMB1` feature removed. This tag is shared
 *   with the state migration point and defined once, as {@link MigrationTags.SMB1_REMOVED}; SDZ-KMS-005
 *   and SDZ-MIG-009 both read it.
 * - `sdz-kms-firewall-scope` = `allowlist`: the Windows Firewall rule for TCP 1688 is scoped to the allowlist.
 * - `sdz-kms-dns-publishing` = `disabled` | `enabled`: whether the host publishes its `_vlmcs._tcp` SRV record (`DisableDnsPublishing`).
 * - `sdz-kms-interface` = `production` | `management`: which NIC serves activation.
 *
 * On a zone's NSG, written by {@link ActivationZone.declareMakActivation}:
 * - `sdz-activation` = `mak`: servers of the zone activate with MAK, never KMS.
 * - `sdz-activation-justification`: why (shown in the report inventory).
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

/** Tag values the rules expect for the anonymous-access hardening (R-KMS-5). @internal */
export const KMS_HARDENING_TAGS: { tag: string; value: string; what: string }[] = [
  { tag: KmsTags.RESTRICT_ANONYMOUS, value: "true", what: "RestrictAnonymous" },
  { tag: KmsTags.RESTRICT_ANONYMOUS_SAM, value: "true", what: "RestrictAnonymousSAM" },
  { tag: KmsTags.RESTRICT_NULL_SESSION_ACCESS, value: "true", what: "RestrictNullSessAccess" },
  { tag: MigrationTags.SMB1_REMOVED, value: "true", what: "SMB 1 removed" },
];

/** The KMS port. @internal */
export const KMS_PORT = 1688;
