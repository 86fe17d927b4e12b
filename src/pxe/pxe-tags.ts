/**
 * The typed PXE and reference-imaging settings, as `sdz-*` tags. The constructs of this area write
 * them on the VM (and its NIC); the rules of the `pxe` pack read them from the VM, so a
 * hand-written `azurerm_windows_virtual_machine` carrying these tags is checked exactly like one
 * the library created. They also appear in the compliance report's inventory.
 *
 * Boolean settings are written as `"true"` or `"false"`.
 */
export class PxeSettingTags {
  /**
   * `"true"` when the distribution point requires a password for PXE boot (R-PXE-5). The password
   * itself is never a tag, an output or part of a generated file: the ConfigMgr snippet prompts for it.
   */
  public static readonly PASSWORD_REQUIRED = "sdz-pxe-password-required";
  /** `"true"` when the distribution point answers unknown (not prestaged) computers (R-PXE-6). */
  public static readonly UNKNOWN_COMPUTERS = "sdz-pxe-unknown-computers";
  /** The written justification for answering unknown computers (R-PXE-6), at most 256 characters. */
  public static readonly UNKNOWN_COMPUTERS_JUSTIFICATION = "sdz-pxe-unknown-computers-justification";
  /** `"true"` when multicast is enabled on the distribution point (R-PXE-7); never on Azure. */
  public static readonly MULTICAST = "sdz-pxe-multicast";
  /** How clients download content: `enhanced-http` (HTTPS, R-PXE-9), `http` or `smb`. */
  public static readonly CONTENT_TRANSPORT = "sdz-pxe-content-transport";
  /** `"true"` when the distribution point answers PXE on every network interface instead of its PXE NIC only (R-PXE-2). */
  public static readonly RESPOND_ALL_INTERFACES = "sdz-pxe-respond-all-interfaces";
  /** `"true"` when the owner declared the PXE/multicast images free of line-of-business and sensitive content (R-PXE-8). */
  public static readonly IMAGES_FREE_OF_SENSITIVE_CONTENT = "sdz-pxe-images-free-of-sensitive-content";
  /** The TFTP data port range the PXE responder uses, e.g. `64001-65000` (R-PXE-3). */
  public static readonly TFTP_DATA_PORTS = "sdz-pxe-tftp-data-ports";
  /** Reference computer: UNC path of the image capture location (R-REF-1). */
  public static readonly CAPTURE_LOCATION = "sdz-ref-capture-location";
  /** Reference computer: `"true"` when the capture location enforces SMB encryption (R-REF-1). */
  public static readonly CAPTURE_SMB_ENCRYPTION = "sdz-ref-capture-smb-encryption";

  private constructor() {}
}

/** How PXE clients download boot images and content from the distribution point. */
export enum PxeContentTransport {
  /**
   * Enhanced HTTP: the site issues certificates to its HTTP site systems and clients download over
   * HTTPS (TCP 443) without a network access account (R-PXE-9). The default.
   */
  ENHANCED_HTTP = "enhanced-http",
  /** Plain HTTP (TCP 80). Flagged by the checks: prefer Enhanced HTTP. */
  HTTP = "http",
  /** SMB (TCP 445), usually with a network access account. Flagged by the checks: prefer Enhanced HTTP. */
  SMB = "smb",
}
