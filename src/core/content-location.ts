/**
 * A network location holding deployment content (captured images, exported task sequences,
 * IDE-redirection images, USMT state) that clients reach over SMB with signing/encryption
 * (R-NET-1). The state migration share construct implements it; zone constructs that need such a
 * location (reference imaging, out-of-band management) accept any implementation.
 */
export interface IDeploymentContentLocation {
  /** UNC path clients use, e.g. `\\\\account.file.core.windows.net\\share`. */
  readonly uncPath: string;
  /** CIDR of the private endpoint (or server) that serves the content, for NSG rules. */
  readonly privateEndpointPrefix: string;
  /** Whether SMB encryption (or signing) is enforced on the channel. */
  readonly smbEncryptionRequired: boolean;
}
