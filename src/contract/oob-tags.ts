import { TRAITS } from "./setting-traits";
import { BOOLEAN, CIDR_LIST, integer, oneOf, TagSpec, text, THUMBPRINT } from "./tag";

/**
 * Tags of the out-of-band management area. Secrets are never written to tags: the MEBx password
 * lives only in Key Vault, and `sdz-oob-mebx-custom-password` is a typed boolean whose other values
 * are refused without being quoted.
 *
 * On the out-of-band service point's VM and NIC (besides `sdz-role=oob-service-point`):
 * - `sdz-oob-provisioning`: `enabled` or `disabled` (out-of-band provisioning, R-OOB-1).
 * - `sdz-oob-provisioning-port`: the provisioning port (TCP, default 9971; a custom one is required).
 * - `sdz-oob-provisioning-server`: the provisioning server name or IP set in the AMT firmware.
 * - `sdz-oob-ca-thumbprint`: the internal root CA thumbprint set in the firmware (40 hex digits).
 * - `sdz-oob-mebx-custom-password`: `true` when a custom MEBx password is set (the value is only in Key Vault).
 * - `sdz-oob-amt-client-prefixes`: comma-separated CIDRs of every declared AMT client segment.
 * - `sdz-oob-ide-image-location`: where IDE-redirection images are stored (UNC path).
 * - `sdz-oob-ide-image-smb-encryption`: `true` when that location requires SMB encryption/signing.
 *
 * On an `azurerm_key_vault_certificate`: `sdz-oob-provisioning-certificate` = `true` for the AMT
 * provisioning certificate (R-OOB-5).
 */
export class OobTags {
  /** `enabled` or `disabled`. */
  public static readonly PROVISIONING = "sdz-oob-provisioning";
  /** Provisioning port (TCP). */
  public static readonly PROVISIONING_PORT = "sdz-oob-provisioning-port";
  /** Provisioning server name or IP configured in the firmware. */
  public static readonly PROVISIONING_SERVER = "sdz-oob-provisioning-server";
  /** Internal CA thumbprint configured in the firmware. */
  public static readonly CA_THUMBPRINT = "sdz-oob-ca-thumbprint";
  /** `true` when a custom MEBx password is configured. */
  public static readonly MEBX_CUSTOM_PASSWORD = "sdz-oob-mebx-custom-password";
  /** Comma-separated AMT client segment CIDRs (Azure zones and on-premises segments). */
  public static readonly AMT_CLIENT_PREFIXES = "sdz-oob-amt-client-prefixes";
  /** IDE-redirection image location. */
  public static readonly IDE_IMAGE_LOCATION = "sdz-oob-ide-image-location";
  /** `true` when the IDE-redirection image location requires SMB encryption/signing. */
  public static readonly IDE_IMAGE_SMB_ENCRYPTION = "sdz-oob-ide-image-smb-encryption";
  /** On a Key Vault certificate: `true` for the AMT provisioning certificate. */
  public static readonly PROVISIONING_CERTIFICATE = "sdz-oob-provisioning-certificate";

  /** The default AMT provisioning port. */
  public static readonly DEFAULT_PROVISIONING_PORT = 9971;
  /** The firmware's default provisioning server name. */
  public static readonly DEFAULT_PROVISIONING_SERVER = "ProvisionServer";

  private constructor() {}
}

/** The out-of-band settings, typed. @internal */
export const OOB_TAG = {
  provisioning: new TagSpec<"enabled" | "disabled">(OobTags.PROVISIONING, oneOf(["enabled", "disabled"] as const), "out-of-band provisioning (R-OOB-1)", false, TRAITS.configMgrOnly),
  provisioningPort: new TagSpec<number>(OobTags.PROVISIONING_PORT, integer(1, 65535), "the provisioning port (R-OOB-4)", false, TRAITS.firmware),
  provisioningServer: new TagSpec<string>(OobTags.PROVISIONING_SERVER, text(253), "the provisioning server name or IP in the firmware (R-OOB-4)", false, TRAITS.firmware),
  caThumbprint: new TagSpec<string>(OobTags.CA_THUMBPRINT, THUMBPRINT, "the internal root CA thumbprint in the firmware (R-OOB-4)", false, TRAITS.firmware),
  mebxCustomPassword: new TagSpec<boolean>(OobTags.MEBX_CUSTOM_PASSWORD, BOOLEAN, "a custom MEBx password is set (R-OOB-4)", true, TRAITS.firmware),
  amtClientPrefixes: new TagSpec<string[]>(OobTags.AMT_CLIENT_PREFIXES, CIDR_LIST, "the AMT client segments (R-OOB-2)"),
  ideImageLocation: new TagSpec<string>(OobTags.IDE_IMAGE_LOCATION, text(), "where IDE-redirection images are stored (R-OOB-6)"),
  ideImageSmbEncryption: new TagSpec<boolean>(OobTags.IDE_IMAGE_SMB_ENCRYPTION, BOOLEAN, "the IDE image location requires SMB encryption (R-OOB-6)"),
  provisioningCertificate: new TagSpec<boolean>(OobTags.PROVISIONING_CERTIFICATE, BOOLEAN, "a Key Vault certificate is the AMT provisioning certificate (R-OOB-5)"),
};
