import { TRAITS } from "./setting-traits";
import { BOOLEAN, oneOf, PORT_RANGE, TagSpec, text } from "./tag";

/**
 * The typed PXE and reference-imaging settings, as `sdz-*` tags on the distribution point's (or
 * reference computer's) VM and NIC. Boolean settings are written as `"true"` or `"false"`.
 */
export class PxeSettingTags {
  /**
   * `"true"` when the distribution point requires a password for PXE boot (R-PXE-5). The password
   * itself is never a tag, an output or part of a generated file.
   */
  public static readonly PASSWORD_REQUIRED = "sdz-pxe-password-required";
  /** `"true"` when the distribution point answers unknown (not prestaged) computers (R-PXE-6). */
  public static readonly UNKNOWN_COMPUTERS = "sdz-pxe-unknown-computers";
  /** The written justification for answering unknown computers (R-PXE-6), at most 256 characters. */
  public static readonly UNKNOWN_COMPUTERS_JUSTIFICATION = "sdz-pxe-unknown-computers-justification";
  /** `"true"` when multicast is enabled on the distribution point (R-PXE-7); never on Azure. */
  public static readonly MULTICAST = "sdz-pxe-multicast";
  /**
   * `"true"` when the OS deployment packages the distribution point serves by multicast are
   * encrypted (R-PXE-7: `Set-CMOperatingSystemImage -MulticastEncrypt $true`). Read by the checks
   * only when {@link PxeSettingTags.MULTICAST} is `"true"`.
   */
  public static readonly MULTICAST_ENCRYPTION = "sdz-pxe-multicast-encryption";
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

/** The PXE settings, typed. @internal */
export const PXE_TAG = {
  passwordRequired: new TagSpec<boolean>(PxeSettingTags.PASSWORD_REQUIRED, BOOLEAN, "a password is required for PXE boot (R-PXE-5)", false, TRAITS.pxePassword),
  unknownComputers: new TagSpec<boolean>(PxeSettingTags.UNKNOWN_COMPUTERS, BOOLEAN, "unknown-computer support is on (R-PXE-6)", false, TRAITS.pxeUnknownComputers),
  unknownComputersJustification: new TagSpec<string>(PxeSettingTags.UNKNOWN_COMPUTERS_JUSTIFICATION, text(), "why unknown computers are answered (R-PXE-6)"),
  multicast: new TagSpec<boolean>(PxeSettingTags.MULTICAST, BOOLEAN, "multicast is enabled (R-PXE-7)", false, TRAITS.pxeMulticast),
  multicastEncryption: new TagSpec<boolean>(PxeSettingTags.MULTICAST_ENCRYPTION, BOOLEAN, "multicast packages are encrypted (R-PXE-7)", false, TRAITS.pxeMulticastEncryption),
  contentTransport: new TagSpec<PxeContentTransport>(PxeSettingTags.CONTENT_TRANSPORT, oneOf(Object.values(PxeContentTransport)), "how clients download content (R-PXE-9)", false, TRAITS.enhancedHttp),
  respondAllInterfaces: new TagSpec<boolean>(PxeSettingTags.RESPOND_ALL_INTERFACES, BOOLEAN, "PXE answers on every interface (R-PXE-2)", false, TRAITS.pxeResponseInterfaces),
  imagesFreeOfSensitiveContent: new TagSpec<boolean>(PxeSettingTags.IMAGES_FREE_OF_SENSITIVE_CONTENT, BOOLEAN, "the images carry no line-of-business or sensitive content (R-PXE-8)"),
  tftpDataPorts: new TagSpec<{ from: number; to: number }>(PxeSettingTags.TFTP_DATA_PORTS, PORT_RANGE, "the TFTP data port range (R-PXE-3)"),
  captureLocation: new TagSpec<string>(PxeSettingTags.CAPTURE_LOCATION, text(), "the reference computer's image capture location (R-REF-1)"),
  captureSmbEncryption: new TagSpec<boolean>(PxeSettingTags.CAPTURE_SMB_ENCRYPTION, BOOLEAN, "the capture location requires SMB encryption (R-REF-1)"),
};

/**
 * The service tags through which a reference computer reaches the update service, as the
 * ReferenceImagingZone construct opens them by default: `AzureUpdateDelivery` (Windows Update
 * metadata) and `AzureFrontDoor.FirstParty` (update downloads), from the service tags list
 * (learn.microsoft.com/azure/virtual-network/service-tags-overview). The checks accept outbound
 * HTTP/HTTPS to these (R-REF-1). @internal
 */
export const REFERENCE_UPDATE_SERVICE_TAGS: readonly string[] = ["AzureUpdateDelivery", "AzureFrontDoor.FirstParty"];
