import { Construct } from "constructs";
import { SecureWindowsServer, serverProps, WindowsServerOptions } from "../compute/secure-windows-server";
import { PXE_TAG } from "../contract/pxe-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole } from "../contract/zone-tags";
import { IDeploymentContentLocation } from "../core/content-location";
import { isAnyAddress, parseCidr } from "../network/cidr";
import { attributeErrors, childPath, ConstructErrorCode, invalidProp, missingProp } from "../network/errors";
import { IZoneRef, Peer } from "../network/peer";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";
import { buildOrAbandon } from "../network/uniqueness";
import { requireDefined, requireLiteral } from "../network/validators";
import { ZoneOptions, zoneProps, DeploymentZone } from "../zones/deployment-zone";

/**
 * The service tags Microsoft documents for reaching Windows Update from an NSG-restricted subnet:
 * `AzureUpdateDelivery` (update metadata) and `AzureFrontDoor.FirstParty` (update downloads).
 */
const DEFAULT_UPDATE_SERVICE_TAGS = ["AzureUpdateDelivery", "AzureFrontDoor.FirstParty"];

/**
 * Properties of a {@link ReferenceImagingZone}. The zone always denies all outbound traffic:
 * `denyAllOutbound: false` is refused.
 */
export interface ReferenceImagingZoneProps extends ZoneOptions {
  /** Zone name; also the subnet name. */
  readonly zoneName: string;
  /** The management zone, the only source of inbound traffic. Its trust level must be MANAGEMENT. */
  readonly managementZone: IZoneRef;
  /**
   * Where captured images are written: a private SMB location with encryption enforced, such as
   * the state migration share construct. Outbound SMB (TCP 445) is opened to its private endpoint only.
   */
  readonly captureLocation: IDeploymentContentLocation;
  /**
   * Service tags that reach the update service (TCP 80 and 443 are opened to each).
   * @default ["AzureUpdateDelivery", "AzureFrontDoor.FirstParty"], as Microsoft documents for Windows Update
   */
  readonly updateServiceTags?: string[];
}

/**
 * An isolated zone for the reference (image capture) computer (R-REF-1, seed 001: "make sure the
 * reference computer you use to capture OS images is in a secure environment ... make sure the
 * destination network location is secure").
 *
 * Inbound: only from the management zone (RDP TCP 3389, WinRM TCP 5985-5986), then deny-all at
 * 4096. Outbound: only SMB (TCP 445) to the capture location's private endpoint and HTTP/HTTPS to
 * the update service tags, then deny-all at 4096, so unexpected software cannot be fetched into
 * the image. The capture location must enforce SMB encryption.
 */
export class ReferenceImagingZone extends DeploymentZone {
  /** The capture destination. */
  public readonly captureLocation: IDeploymentContentLocation;
  /** The management zone allowed in. */
  public readonly managementZone: IZoneRef;
  /** The update service tags allowed out. */
  public readonly updateServiceTags: string[];

  constructor(scope: Construct, id: string, props: ReferenceImagingZoneProps) {
    const tags = attributeErrors(childPath(scope, id), () => validateReferenceZoneProps(props));
    super(scope, id, { ...zoneProps(props, props.zoneName, TrustLevel.INTERNAL), denyAllOutbound: true });
    this.captureLocation = props.captureLocation;
    this.managementZone = props.managementZone;
    this.updateServiceTags = tags;

    const mgmt = Peer.zone(props.managementZone);
    this.allowInbound(mgmt, Port.RDP, "RDP from the management zone");
    this.allowInbound(mgmt, Port.WINRM, "WinRM from the management zone");
    this.allowOutbound(Peer.ipv4(props.captureLocation.privateEndpointPrefix), Port.SMB, "SMB to the image capture location private endpoint");
    for (const tag of tags) {
      this.allowOutbound(Peer.serviceTag(tag), Port.HTTPS, `Security updates over HTTPS via ${tag}`);
      this.allowOutbound(Peer.serviceTag(tag), Port.HTTP, `Security updates over HTTP via ${tag}`);
    }
  }
}

/** Properties of a {@link ReferenceComputer}. */
export interface ReferenceComputerProps extends WindowsServerOptions {
  /** The reference imaging zone. */
  readonly zone: ReferenceImagingZone;
}

/**
 * The reference (image capture) computer in a {@link ReferenceImagingZone}: a hardened VM with
 * platform patching (current security updates, R-REF-1), tagged with the `reference-computer`
 * role and its capture location (see {@link PxeSettingTags.CAPTURE_LOCATION}).
 */
export class ReferenceComputer extends Construct {
  /** The hardened VM. */
  public readonly server: SecureWindowsServer;

  constructor(scope: Construct, id: string, props: ReferenceComputerProps) {
    super(scope, id);
    // Refused (here or by its server), it leaves the tree and its server gives back its name and address.
    this.server = buildOrAbandon(this, () => {
      if (!(props?.zone instanceof ReferenceImagingZone)) {
        const allowed = "a ReferenceImagingZone: the reference computer must be isolated (R-REF-1)";
        throw (props?.zone === undefined ? missingProp("zone", allowed) : invalidProp("zone", String(props.zone), allowed)).inConstruct(this.node.path);
      }
      return new SecureWindowsServer(this, "Server", serverProps(props, props.zone, [DeploymentRole.REFERENCE_COMPUTER], tagsOf(
        PXE_TAG.captureLocation.entry(props.zone.captureLocation.uncPath),
        PXE_TAG.captureSmbEncryption.entry(true),
      )));
    });
  }
}

/** Validates the props before the zone is built; returns the update service tags to use. */
function validateReferenceZoneProps(props: ReferenceImagingZoneProps): string[] {
  requireDefined("props", props, "the reference imaging zone's props (network, zoneName, addressPrefix, managementZone, captureLocation)");
  if (props.denyAllOutbound === false) {
    throw invalidProp("denyAllOutbound", false, "true or unset: the reference computer may reach only its capture location and the update service (R-REF-1)",
      ConstructErrorCode.CONFLICTING_VALUE);
  }
  const mz = requireDefined("managementZone", props.managementZone, "the management zone (trust MANAGEMENT), the only source of inbound traffic");
  if (typeof mz.addressPrefix !== "string" || mz.trustLevel !== TrustLevel.MANAGEMENT) {
    throw invalidProp("managementZone", `${mz.zoneName} (${mz.trustLevel})`,
      "a zone with trust level MANAGEMENT: only administrators may reach the reference computer (R-REF-1)");
  }
  const loc = requireDefined("captureLocation", props.captureLocation, "an IDeploymentContentLocation such as the state migration share");
  if (loc.smbEncryptionRequired !== true) {
    throw invalidProp("captureLocation.smbEncryptionRequired", loc.smbEncryptionRequired,
      "true: captured images must be written to a location that enforces SMB encryption, so they cannot be read or tampered with in transit (R-REF-1, R-NET-1)");
  }
  requireDefined("captureLocation.privateEndpointPrefix", loc.privateEndpointPrefix, "the IPv4 address or CIDR of the location's private endpoint");
  requireLiteral("captureLocation.privateEndpointPrefix", loc.privateEndpointPrefix,
    "the outbound SMB rule needs the endpoint's address before apply (give the share a static privateIpAddress)");
  const block = parseCidr("captureLocation.privateEndpointPrefix", loc.privateEndpointPrefix);
  if (block.family !== 4 || isAnyAddress(block) || block.prefixLength < 24) {
    throw invalidProp("captureLocation.privateEndpointPrefix", loc.privateEndpointPrefix, "the private endpoint's address or a CIDR of /24 or narrower; never 0.0.0.0/0");
  }
  const tags = props.updateServiceTags ?? DEFAULT_UPDATE_SERVICE_TAGS;
  if (!Array.isArray(tags) || tags.length === 0) {
    throw invalidProp("updateServiceTags", tags, "a non-empty list of Azure service tags for the update service, e.g. AzureUpdateDelivery, AzureFrontDoor.FirstParty");
  }
  tags.forEach((t, i) => {
    if (typeof t !== "string" || !/^[A-Za-z][A-Za-z0-9.]*$/.test(t) || ["internet", "*", "virtualnetwork", "azurecloud"].includes(t.toLowerCase())) {
      throw invalidProp(`updateServiceTags[${i}]`, t, "a specific Azure service tag for the update service (not Internet, VirtualNetwork or AzureCloud)");
    }
  });
  return [...new Set(tags)];
}
