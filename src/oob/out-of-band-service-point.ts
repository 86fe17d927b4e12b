import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultCertificate } from "@cdktf/provider-azurerm/lib/key-vault-certificate";
import { KeyVaultCertificateContacts } from "@cdktf/provider-azurerm/lib/key-vault-certificate-contacts";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PrivateDnsARecord } from "@cdktf/provider-azurerm/lib/private-dns-a-record";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { SecureWindowsServer, serverProps, WindowsServerOptions } from "../compute/secure-windows-server";
import { checkSecurityEventLog } from "../compute/security-events";
import { OOB_TAG, OobTags } from "../contract/oob-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole } from "../contract/zone-tags";
import { IDeploymentContentLocation } from "../core/content-location";
import { privateLinkDnsZone, requirePrivateLinkDnsZoneId, VAULT_PRIVATE_LINK_DNS } from "../core/private-link-dns";
import { SensitiveValue } from "../core/sensitive-value";
import { cidrOverlaps, parseCidr, tryParseCidr } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, invalidSecret, missingProp, requireIntInRange } from "../network/errors";
import { PORT_LIMITS, TAG_LIMITS } from "../network/limits";
import { IPeer, Peer, PeerKind, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { SERVICE_PORTS } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";
import { buildOrAbandon, claimUnique, UniqueKind } from "../network/uniqueness";
import {
  requireAzureName, requireBoolean, requireDefined, requireGuid, requireHostInZone, requireHostName, requireIdentifier, requireResourceGroupName,
} from "../network/validators";
import { PartialOverlap, placePeers, zonesOfApp } from "../zones/client-placement";
import { DeploymentZone } from "../zones/deployment-zone";

/** Intel AMT ports (HTTP/HTTPS management, redirection) on managed computers. */
export const AMT_PORT_FROM = SERVICE_PORTS.AMT.from;
/** Last Intel AMT port. */
export const AMT_PORT_TO = SERVICE_PORTS.AMT.to;
/** The firmware's default out-of-band provisioning port. */
const DEFAULT_PROVISIONING_PORT = SERVICE_PORTS.AMT_PROVISIONING.from;

/**
 * The customized AMT firmware (MEBx) settings seed 002 asks for before AMT-based computers join
 * the network (R-OOB-4). All are required; the values (never the password) are recorded as
 * `sdz-oob-*` tags and appear in the compliance report.
 */
export interface AmtFirmwareSettings {
  /**
   * The custom MEBx account password (not the default `admin`), as a sensitive value. It is written
   * only to Key Vault (as a write-only secret value, so it stays out of Terraform state), for the
   * AMT Provisioning and Discovery Account.
   */
  readonly mebxPassword: SensitiveValue;
  /** Thumbprint (SHA-1, 40 hex digits) of your internal root CA, replacing the external CAs' thumbprints in the firmware. */
  readonly internalCaThumbprint: string;
  /**
   * The provisioning server configured in the firmware: this service point, as its own IPv4 address
   * (`privateIpAddress`, most secure) or a host name other than the default `ProvisionServer`. A
   * name needs a secured DNS record (with out-of-band provisioning the construct pins it to the
   * service point's address). Another address is refused: nothing at it would answer the firmware.
   */
  readonly provisioningServer: string;
  /** A custom provisioning port (TCP 1024-65535, not the default 9971, not an AMT port 16992-16995). */
  readonly provisioningPort: number;
}

/**
 * The AMT provisioning certificate, held in the service point's Key Vault (R-OOB-5, R-OOB-8).
 *
 * By default Key Vault creates the key pair and a certificate signing request (issuer `Unknown`)
 * that your internal CA signs: the CA whose thumbprint the AMT firmware holds
 * (`amtSettings.internalCaThumbprint`). Key Vault cannot have an internal enterprise CA sign for it
 * (its registered issuers are third-party public CAs), so the CSR is signed outside and merged back
 * (learn.microsoft.com/azure/key-vault/certificates/create-certificate-scenarios, "Create a KV
 * certificate manually"; the provider then does not wait for the certificate,
 * github.com/hashicorp/terraform-provider-azurerm/pull/23214). After `terraform apply`, from inside
 * the network (the vault has no public access):
 * 1. `az keyvault certificate pending show --vault-name <vault> --name <name> --query csr -o tsv`
 *    (wrap it in `-----BEGIN CERTIFICATE REQUEST-----` / `-----END CERTIFICATE REQUEST-----`);
 * 2. on the internal issuing CA: `certreq -submit -attrib "CertificateTemplate:<template>" amt.csr amt.cer`,
 *    with a dedicated template (a copy of Web Server that only the provisioning site servers may
 *    read and enroll for, seed 002) carrying the AMT provisioning usage;
 * 3. `az keyvault certificate pending merge --vault-name <vault> --name <name> --file amt.cer`.
 * Key Vault cannot renew such a certificate, so the policy e-mails `renewalContacts`
 * `renewDaysBeforeExpiry` days before expiry; repeat the steps with
 * `az keyvault certificate create` (same policy) to request the new one.
 */
export interface ProvisioningCertificateOptions {
  /** Certificate name in Key Vault (1-127 letters, digits, `-`). */
  readonly name: string;
  /** Subject, e.g. `CN=oobsp.corp.example.com`. */
  readonly subject: string;
  /**
   * Key Vault issuer: `Unknown` (a CSR your internal CA signs, see above) or `Self`. A self-signed
   * certificate cannot chain to the internal CA in the firmware, so AMT refuses it (SDZ-OOB-010
   * warns): use `Self` only in a lab. Registered issuers are refused: Key Vault's issuer providers
   * are third-party public CAs (DigiCert, GlobalSign), not your internal CA.
   * @default "Unknown"
   */
  readonly issuerName?: string;
  /**
   * E-mail addresses Key Vault reminds `renewDaysBeforeExpiry` days before expiry (an
   * `azurerm_key_vault_certificate_contacts`, the vault's certificate contacts). Required with
   * issuer `Unknown`, which Key Vault cannot renew by itself; unused with `Self` (renewed automatically).
   * @default - none
   */
  readonly renewalContacts?: string[];
  /**
   * Whether the private key may leave the vault. The out-of-band service point needs the
   * certificate with its private key in its local computer store, so this is required when the
   * service point takes it from the vault: then the construct adds the Key Vault VM extension,
   * which installs it into `LocalMachine\My` as non-exportable and installs each renewed version.
   * An exportable key is an export in the seed's sense (SDZ-OOB-011 warns); the seed allows it with
   * additional controls, which this construct provides (private, purge-protected vault; only the
   * service point's identity reads secrets, SDZ-OOB-005/012), so suppress SDZ-OOB-011 with that
   * reason. With false the key never leaves the vault and nothing installs the certificate: the
   * service point must then request its own from the internal CA (the seed's preferred way).
   * @default false
   */
  readonly keyExportable?: boolean;
  /**
   * Validity in months (1-60).
   * @default 12
   */
  readonly validityInMonths?: number;
  /**
   * Renew (Self) or remind the contacts (Unknown) this many days before expiry: 40 or more
   * (Configuration Manager warns at 40 days and fails under 15), and less than the validity.
   * @default 60
   */
  readonly renewDaysBeforeExpiry?: number;
  /**
   * DNS names for the subject alternative name.
   * @default - none
   */
  readonly dnsNames?: string[];
}

/**
 * The private DNS zone that registers the provisioning name, when out-of-band provisioning uses a
 * name (R-OOB-7). The construct adds an A record of the name to the service point's address and a
 * ReadOnly management lock on it, so it cannot be changed to resolve elsewhere
 * (learn.microsoft.com/azure/azure-resource-manager/management/lock-resources: ReadOnly blocks
 * changes, CanNotDelete only deletion). Changing the record later needs the lock removed first.
 */
export interface ProvisioningDnsZone {
  /** The private DNS zone name, e.g. `corp.example.com`; the provisioning name must be in it. */
  readonly zoneName: string;
  /** The zone's resource group. */
  readonly resourceGroupName: string;
  /**
   * The record's TTL in seconds (1-86400).
   * @default 300
   */
  readonly ttl?: number;
}

/** Properties of an {@link OutOfBandServicePoint}. */
export interface OutOfBandServicePointProps extends WindowsServerOptions {
  /** The management zone (trust MANAGEMENT) the service point lives in. */
  readonly zone: DeploymentZone;
  /** The customized AMT firmware settings (all required). */
  readonly amtSettings: AmtFirmwareSettings;
  /**
   * Azure zones holding AMT-based computers. Their NSGs get an allow for TCP 16992-16995 from this
   * service point only (R-OOB-2); when provisioning is enabled they are among the only sources
   * allowed to reach the provisioning port. Give at least one client segment here or in `amtClients`.
   * @default - none (then `amtClients` must name the AMT client segments)
   */
  readonly amtClientZones?: DeploymentZone[];
  /**
   * AMT client segments as peers: typically the on-premises client VLANs of a hybrid site
   * (`Peer.ipv4`/`Peer.ipv4List`, outside the VNet address space and outside every zone of the app),
   * and Azure zones (`Peer.zone(zone)`, treated exactly like `amtClientZones`). Specific peers only:
   * no any, no service tag, nothing broader than /8.
   *
   * For an on-premises segment Azure enforces only its own side: the management zone allows the
   * AMT ports (TCP 16992-16995) outbound from this service point to the segment, and, when
   * out-of-band provisioning is enabled, the provisioning port inbound from the segment to this
   * service point only. The AMT ports live in the clients' firmware, which answers below the
   * operating system (Windows Firewall cannot filter it), and the traffic arrives over the tunnel
   * without crossing an Azure NSG on the client side: the on-premises router or firewall in front of
   * the client VLANs must allow TCP 16992-16995 to them only from this service point's address.
   * All declared segments are recorded in the `sdz-oob-amt-client-prefixes` tag.
   * @default - none (then `amtClientZones` must name the AMT client zones)
   */
  readonly amtClients?: IPeer[];
  /**
   * Enable out-of-band provisioning. Seed 002 prefers in-band provisioning: when off, the
   * provisioning port is denied on the zone NSG and blocked by Windows Firewall on the server.
   * @default false
   */
  readonly outOfBandProvisioning?: boolean;
  /** Key Vault name (3-24 letters, digits, `-`; starting with a letter), for the provisioning certificate and the MEBx password. */
  readonly keyVaultName: string;
  /**
   * Static private IP of the Key Vault's private endpoint in the management zone (a host address of
   * the zone other than the service point's). The zone's deny-all also applies inside the subnet, so
   * the construct opens TCP 443 to this /32 only, from the service point's /32 and `deploymentRunners`.
   * @default - a dynamic address; the 443 rule then targets the endpoint's address as Azure assigns
   * it (known only after apply, so the checks cannot verify that rule before apply)
   */
  readonly keyVaultPrivateIpAddress?: string;
  /**
   * Where `terraform apply` runs, as the vault's private endpoint sees it: the runner's address or
   * subnet (`Peer.ipv4`, `Peer.ipv4List`: a self-hosted agent on premises over the tunnel, in a peered
   * VNet, or in a zone of this network) or a zone (`Peer.zone`). Specific peers only: no any, no
   * service tag, nothing broader than /8.
   *
   * Terraform writes the MEBx password, the certificate contacts and the certificate through the
   * vault's data plane (`https://<vault>.vault.azure.net`) from the machine it runs on. The vault has
   * public network access off, so that call arrives at the private endpoint, where the zone's NSG
   * applies (private endpoint network policies are on) and its deny-all refuses every source not
   * named: the construct opens TCP 443 from these peers to the endpoint's /32 only (and, for a runner
   * in a zone that denies outbound traffic, the outbound allow there). Outside Azure's NSGs, the
   * runner's own firewall must let it reach the endpoint, and its DNS must resolve the vault's name to
   * the endpoint (the `privatelink.vaultcore.azure.net` zone linked to its VNet, or forwarded to it).
   */
  readonly deploymentRunners: IPeer[];
  /**
   * An existing `privatelink.vaultcore.azure.net` private DNS zone (resource ID) that resolves the vault's
   * name to its private endpoint, for networks whose DNS is central (a hub's zones, linked to this VNet).
   * @default - the network's own zone, created once per network and linked to its VNet (without
   * one, the vault's name resolves to its public address, which the vault refuses)
   */
  readonly keyVaultPrivateDnsZoneId?: string;
  /**
   * Object ID of the identity that runs `terraform apply` (a user, or a pipeline's service principal
   * or managed identity). The vault uses Azure RBAC, where only Key Vault data roles grant data-plane
   * actions (Owner and Contributor hold none), and Terraform writes the MEBx password, the certificate
   * contacts and the certificate as this identity. The construct grants it exactly that: Key Vault
   * Certificates Officer on the vault (certificates and contacts, not the certificate's secret or key)
   * and Key Vault Secrets Officer on the `amt-mebx-password` secret only, so it never reads the
   * provisioning certificate's private key (SDZ-OOB-012).
   * @default - the identity of the provider's credentials (`azurerm_client_config` object_id)
   */
  readonly deployerPrincipalId?: string;
  /**
   * Entra tenant ID of the Key Vault.
   * @default - the tenant of the provider's credentials (`azurerm_client_config`)
   */
  readonly tenantId?: string;
  /** The AMT provisioning certificate. */
  readonly provisioningCertificate: ProvisioningCertificateOptions;
  /**
   * Where to register the provisioning name. Only with out-of-band provisioning and a provisioning
   * server given as a name (`amtSettings.provisioningServer`): in-band provisioning needs no record
   * and seed 002 says not to register one; an address needs none.
   * @default - no record (required when out-of-band provisioning uses a name)
   */
  readonly provisioningDnsZone?: ProvisioningDnsZone;
  /**
   * Where IDE-redirection images are stored when not local to the console: a location reached with
   * SMB encryption/signing (e.g. the state migration share). Locations without it are refused (R-OOB-6).
   * @default - images stored locally on the out-of-band management console
   */
  readonly ideRedirectionImageLocation?: IDeploymentContentLocation;
}

const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** Intel AMT provisioning certificate OID (Intel's "AMT provisioning" extended key usage). */
const AMT_PROVISIONING_OID = "2.16.840.1.113741.1.2.3";
const SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1";

/**
 * The out-of-band (Intel AMT) service point: a {@link SecureWindowsServer} in the management zone
 * with role `oob-service-point`, the customized AMT firmware settings recorded as tags, AMT ports
 * opened on client zones from this server only, the provisioning port denied unless out-of-band
 * provisioning is explicitly enabled (then only from the AMT client segments), and a Key Vault
 * (purge protection, no public access, RBAC, private endpoint in the zone) holding the MEBx
 * password and the provisioning certificate, by default a CSR your internal CA signs (see
 * {@link ProvisioningCertificateOptions}). With out-of-band provisioning by name, the name's private
 * DNS record points at the service point and is locked ReadOnly; the service point's Windows
 * Firewall script removes and recreates its rules and reads them back, so it can run again. HTTPS (TCP 443) from the service point
 * and from the runners of `terraform apply` (`deploymentRunners`) to the vault's private endpoint is opened on the zone NSG
 * (its deny-all applies inside the subnet).
 *
 * AMT clients may be Azure zones (`amtClientZones`, or `Peer.zone` in `amtClients`) or on-premises
 * segments (`amtClients` with CIDRs). For on-premises segments Azure can enforce only the service
 * point's side (outbound AMT flows, inbound provisioning); restricting who reaches the clients'
 * AMT ports is the job of the on-premises router or firewall (see `amtClients`).
 *
 * With public network access off, Terraform must reach the vault over the private endpoint (run it
 * from inside the network) to create the certificate and the secret.
 */
export class OutOfBandServicePoint extends Construct {
  /** The server. */
  public readonly server: SecureWindowsServer;
  /** The Key Vault. */
  public readonly keyVault: KeyVault;
  /** The provisioning certificate. */
  public readonly provisioningCertificate: KeyVaultCertificate;
  /** The Key Vault private endpoint. */
  public readonly keyVaultPrivateEndpoint: PrivateEndpoint;
  /** The network's `privatelink.vaultcore.azure.net` zone, unless `keyVaultPrivateDnsZoneId` was given. */
  public readonly keyVaultPrivateDnsZone?: PrivateDnsZone;
  /** The provisioning port in use. */
  public readonly provisioningPort: number;
  /** Whether out-of-band provisioning is enabled. */
  public readonly outOfBandProvisioning: boolean;
  /** NSG rules this construct created on the management zone and the client zones. */
  public readonly networkRules: NetworkSecurityRule[] = [];
  /** The declared AMT client segments (Azure zone prefixes and on-premises CIDRs), as recorded in `sdz-oob-amt-client-prefixes`. */
  public readonly amtClientPrefixes: string[];
  /** The NSG rule allowing HTTPS from the service point to the Key Vault private endpoint. */
  public readonly keyVaultAccessRule: NetworkSecurityRule;
  /** The A record of the provisioning name, when out-of-band provisioning uses a name. */
  public readonly provisioningRecord?: PrivateDnsARecord;
  /** The Key Vault VM extension that installs the certificate on the service point (with `keyExportable`). */
  public readonly certificateInstaller?: VirtualMachineExtension;

  constructor(scope: Construct, id: string, props: OutOfBandServicePointProps) {
    super(scope, id);
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateOobProps(this, props);
      // Before the server is built, so such a refusal leaves no server behind.
      checkSecurityEventLog(valid.zone.network, props.securityEventLog);
      claimUnique(this, "keyVaultName", UniqueKind.KEY_VAULT_NAME, valid.keyVaultName);
      if (valid.kvIp !== undefined) claimUnique(this, "keyVaultPrivateIpAddress", UniqueKind.STATIC_IP, valid.kvIp, props.zone.network);
      return valid;
    }));
    const { zone, port, server, thumbprint, clientPrefixes, remotePrefixes, clientZones, kvIp, cert, ide } = v;
    const amt = props.amtSettings;
    const enabled = v.outOfBandProvisioning;
    this.provisioningPort = port;
    this.outOfBandProvisioning = enabled;
    const network = zone.network;

    const tags = tagsOf(
      OOB_TAG.provisioning.entry(enabled ? "enabled" : "disabled"),
      OOB_TAG.provisioningPort.entry(port),
      OOB_TAG.provisioningServer.entry(server),
      OOB_TAG.caThumbprint.entry(thumbprint),
      OOB_TAG.mebxCustomPassword.entry(true),
      OOB_TAG.amtClientPrefixes.entry(clientPrefixes),
      ide ? OOB_TAG.ideImageLocation.entry(ide.uncPath) : undefined,
      ide ? OOB_TAG.ideImageSmbEncryption.entry(true) : undefined,
    );
    this.server = buildOrAbandon(this, () => new SecureWindowsServer(this, "Server", serverProps(props, zone, [DeploymentRole.OOB_SERVICE_POINT], tags)));
    // Security events to Log Analytics (R-SEC-8), by default, as every deployment server.
    this.server.collectSecurityEvents(props.securityEventLog);
    const self = Peer.ipv4(`${props.privateIpAddress}/32`);

    this.amtClientPrefixes = clientPrefixes;
    const amtPorts = Port.AMT;
    const remote = remotePrefixes.length === 0 ? undefined : remotePrefixes.length === 1 ? Peer.ipv4(remotePrefixes[0]) : Peer.ipv4List(remotePrefixes);
    // AMT ports on client zones: from the service point only (R-OOB-2).
    for (const client of clientZones) {
      this.networkRules.push(client.allowInbound(self, amtPorts, "Intel AMT management from the out-of-band service point only"));
      this.networkRules.push(zone.allowOutbound(Peer.zone(client), amtPorts, `Intel AMT management to ${client.zoneName}`, { local: self }));
    }
    // On-premises AMT clients: Azure enforces the service point's side only; the on-premises
    // router/firewall must admit TCP 16992-16995 to the client VLANs from this /32 only.
    if (remote) {
      this.networkRules.push(zone.allowOutbound(remote, amtPorts, "Intel AMT management to on-premises AMT client segments", { local: self }));
    }
    // Provisioning port (R-OOB-1).
    const firewallRules: FirewallRuleSpec[] = [];
    if (enabled) {
      for (const client of clientZones) {
        this.networkRules.push(zone.allowInbound(Peer.zone(client), Port.tcp(port), `AMT out-of-band provisioning from AMT client segment ${client.zoneName}`, { local: self }));
      }
      if (remote) {
        this.networkRules.push(zone.allowInbound(remote, Port.tcp(port), "AMT out-of-band provisioning from on-premises AMT client segments", { local: self }));
      }
      firewallRules.push({ name: "SDZ-AMT-Provisioning", displayName: `AMT out-of-band provisioning (TCP ${port}) from AMT client segments`, port, action: "Allow", remote: clientPrefixes });
    } else {
      this.networkRules.push(zone.denyInbound(Peer.anyIpv4(), Port.tcp(port), "Out-of-band provisioning is off: provisioning port blocked", { local: self }));
      if (port !== DEFAULT_PROVISIONING_PORT) {
        this.networkRules.push(zone.denyInbound(Peer.anyIpv4(), Port.AMT_PROVISIONING, "Out-of-band provisioning is off: default provisioning port blocked", { local: self }));
      }
      for (const p of [port, DEFAULT_PROVISIONING_PORT].filter((x, i, a) => a.indexOf(x) === i)) {
        firewallRules.push({ name: `SDZ-Block-AMT-Provisioning-${p}`, displayName: `Block AMT out-of-band provisioning (TCP ${p})`, port: p, action: "Block" });
      }
    }
    this.server.addPowerShellExtension("oob-provisioning-firewall", provisioningFirewallScript(firewallRules));

    // IDE-redirection images over SMB with encryption (R-OOB-6).
    if (ide && !Token.isUnresolved(ide.privateEndpointPrefix)) {
      this.networkRules.push(zone.allowOutbound(Peer.ipv4(ide.privateEndpointPrefix), Port.SMB, "IDE-redirection images over SMB 3 with encryption", { local: self }));
    }

    // Key Vault: provisioning certificate and MEBx password (R-OOB-5, R-NET-1).
    const clientConfig = new DataAzurermClientConfig(this, "ClientConfig");
    const tenantId = props.tenantId ?? clientConfig.tenantId;
    this.keyVault = new KeyVault(this, "KeyVault", {
      name: v.keyVaultName,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      tenantId,
      skuName: "standard",
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      publicNetworkAccessEnabled: false,
      rbacAuthorizationEnabled: true,
      networkAcls: { defaultAction: "Deny", bypass: "None" },
      tags: network.tags,
    });
    // The vault's name must resolve to the endpoint inside the VNet (the service point's KeyVault extension,
    // a runner in the VNet): learn.microsoft.com azure/private-link/private-endpoint-dns, Key Vault "vault".
    let kvDnsZoneId = v.kvDnsZoneId;
    if (kvDnsZoneId === undefined) {
      this.keyVaultPrivateDnsZone = privateLinkDnsZone(network, VAULT_PRIVATE_LINK_DNS);
      kvDnsZoneId = this.keyVaultPrivateDnsZone.id;
    }
    this.keyVaultPrivateEndpoint = new PrivateEndpoint(this, "KeyVaultEndpoint", {
      name: `${v.keyVaultName}-pe`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      subnetId: zone.subnetId,
      privateServiceConnection: {
        name: `${v.keyVaultName}-psc`,
        privateConnectionResourceId: this.keyVault.id,
        subresourceNames: ["vault"],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: "vault", privateDnsZoneIds: [kvDnsZoneId] },
      ipConfiguration: kvIp !== undefined ? [{ name: "vault", privateIpAddress: kvIp, subresourceName: "vault", memberName: "default" }] : undefined,
      tags: network.tags,
    });
    // The service point reads its certificate over the private endpoint, in the same subnet: the
    // zone's deny-all applies there too, so open HTTPS from the service point's /32 to the endpoint's.
    const endpoint: IPeer = kvIp !== undefined
      ? Peer.ipv4(`${kvIp}/32`)
      : { kind: PeerKind.CIDRS, label: `${props.keyVaultName} private endpoint`, addressPrefixes: [this.keyVaultPrivateEndpoint.privateServiceConnection.privateIpAddress] };
    this.keyVaultAccessRule = zone.allowInbound(self, Port.HTTPS, "Out-of-band service point to its Key Vault private endpoint (HTTPS)", { local: endpoint });
    this.networkRules.push(this.keyVaultAccessRule);
    this.networkRules.push(zone.allowOutbound(endpoint, Port.HTTPS, "Out-of-band service point to its Key Vault private endpoint (HTTPS)", { local: self }));
    // Terraform's own data-plane writes (the secret, the contacts, the certificate) come from where it
    // runs and reach the vault only through this endpoint (public access off); with private endpoint
    // network policies on the subnet the zone's NSG filters them (learn.microsoft.com
    // azure/private-link/disable-private-endpoint-network-policy), so its deny-all would refuse them.
    for (const runner of v.runners) {
      const what = `Terraform runner ${runner.peer.label} to the Key Vault private endpoint (HTTPS)`;
      this.networkRules.push(zone.allowInbound(runner.peer, Port.HTTPS, what, { local: endpoint }));
      if (runner.outboundZone) {
        const from = runner.peer.kind === PeerKind.ZONE ? undefined : runner.peer;
        this.networkRules.push(runner.outboundZone.allowOutbound(endpoint, Port.HTTPS, what, { local: from }));
      }
    }
    new RoleAssignment(this, "ServerSecretsUser", {
      scope: this.keyVault.id,
      roleDefinitionName: "Key Vault Secrets User",
      principalId: this.server.virtualMachine.identity.principalId,
      principalType: "ServicePrincipal",
      description: "Out-of-band service point reads its AMT provisioning certificate",
    });
    // The identity running Terraform writes the secret, the contacts and the certificate through the
    // data plane; with RBAC only Key Vault data roles grant that (learn.microsoft.com
    // azure/key-vault/general/rbac-guide), so without these it gets 403 ForbiddenByRbac. Narrowly:
    // - Key Vault Certificates Officer on the vault: data actions certificatecas/*, certificates/* and
    //   certificatecontacts/write, no secret or key action (learn.microsoft.com
    //   azure/role-based-access-control/built-in-roles/security), so not the certificate's private key;
    // - Key Vault Secrets Officer on the MEBx secret's path only: azurerm reads the secret before and
    //   after writing it (getSecret, "checking for presence of existing Secret"), and a vault-wide
    //   secret role would also read the certificate's secret, which carries its name and the exportable
    //   key (learn.microsoft.com azure/key-vault/certificates/about-certificates). The role is assigned
    //   before the secret exists: Azure RBAC does not check that a scope exists when assigning
    //   (github.com/Azure/azure-powershell/issues/3771), and the data plane authorizes on the secret's path.
    // The role assignment API answers before the grant reaches the data plane (github.com
    // Azure/azure-rest-api-specs/issues/9467; the Key Vault AVM module sleeps for it,
    // Azure/terraform-azurerm-avm-res-keyvault-vault/issues/78), so a first apply may stop with 403
    // ForbiddenByRbac on the secret or the certificate: apply again (README).
    const deployer = props.deployerPrincipalId ?? clientConfig.objectId;
    const mebxSecretName = MEBX_SECRET_NAME;
    const certificatesOfficer = new RoleAssignment(this, "DeployerCertificatesOfficer", {
      scope: this.keyVault.id,
      roleDefinitionName: "Key Vault Certificates Officer",
      principalId: deployer,
      description: "Terraform creates the AMT provisioning certificate and the certificate contacts (no secret or key read)",
    });
    const mebxSecretOfficer = new RoleAssignment(this, "DeployerMebxSecretOfficer", {
      scope: `${this.keyVault.id}/secrets/${mebxSecretName}`,
      roleDefinitionName: "Key Vault Secrets Officer",
      principalId: deployer,
      description: "Terraform writes the AMT MEBx password (this secret only)",
    });
    new KeyVaultSecret(this, "MebxPassword", {
      name: mebxSecretName,
      keyVaultId: this.keyVault.id,
      valueWo: amt.mebxPassword.value,
      valueWoVersion: 1,
      contentType: "AMT MEBx account password (AMT Provisioning and Discovery Account)",
      dependsOn: [this.keyVaultPrivateEndpoint, mebxSecretOfficer],
    });
    const manual = cert.issuerName.toLowerCase() === "unknown";
    let contacts: KeyVaultCertificateContacts | undefined;
    if (cert.contacts.length > 0) {
      // The vault's certificate contacts: whom the EmailContacts lifetime action reminds.
      contacts = new KeyVaultCertificateContacts(this, "CertificateContacts", {
        keyVaultId: this.keyVault.id,
        contact: cert.contacts.map((email) => ({ email })),
        dependsOn: [this.keyVaultPrivateEndpoint, certificatesOfficer],
      });
    }
    this.provisioningCertificate = new KeyVaultCertificate(this, "ProvisioningCertificate", {
      name: cert.name,
      keyVaultId: this.keyVault.id,
      certificatePolicy: {
        // Unknown: Key Vault makes the key pair and a CSR for the internal CA to sign (see ProvisioningCertificateOptions).
        issuerParameters: { name: manual ? "Unknown" : "Self" },
        keyProperties: { exportable: cert.exportable, keyType: "RSA", keySize: 2048, reuseKey: false },
        secretProperties: { contentType: "application/x-pkcs12" },
        // Key Vault renews only what it issues; for a CSR signed outside it reminds the contacts
        // (learn.microsoft.com/azure/key-vault/certificates/overview-renew-certificate).
        lifetimeAction: [{ action: { actionType: manual ? "EmailContacts" : "AutoRenew" }, trigger: { daysBeforeExpiry: cert.renewDays } }],
        x509CertificateProperties: {
          subject: cert.subject,
          validityInMonths: cert.validity,
          keyUsage: ["digitalSignature", "keyEncipherment"],
          extendedKeyUsage: [SERVER_AUTH_OID, AMT_PROVISIONING_OID],
          subjectAlternativeNames: cert.dnsNames.length > 0 ? { dnsNames: cert.dnsNames } : undefined,
        },
      },
      tags: { ...network.tags, ...tagsOf(OOB_TAG.provisioningCertificate.entry(true)) },
      dependsOn: [this.keyVaultPrivateEndpoint, certificatesOfficer, ...(contacts ? [contacts] : [])],
    });

    if (cert.exportable) {
      // The Key Vault VM extension installs the certificate (and each renewed version) into the
      // local computer store, marked non-exportable there; it authenticates with the VM's managed
      // identity (Key Vault Secrets User above) and reaches the vault over the private endpoint.
      // requireInitialSync false: the extension succeeds before the CSR is merged and keeps polling
      // (learn.microsoft.com/azure/virtual-machines/extensions/key-vault-windows).
      this.certificateInstaller = new VirtualMachineExtension(this, "CertificateInstaller", {
        name: "KeyVaultForWindows",
        virtualMachineId: this.server.virtualMachine.id,
        publisher: "Microsoft.Azure.KeyVault",
        type: "KeyVaultForWindows",
        typeHandlerVersion: "3.0",
        autoUpgradeMinorVersion: true,
        settings: JSON.stringify({
          secretsManagementSettings: {
            pollingIntervalInS: "3600",
            requireInitialSync: false,
            observedCertificates: [{
              url: this.provisioningCertificate.versionlessSecretId,
              certificateStoreName: "MY",
              certificateStoreLocation: "LocalMachine",
              keyExportable: false,
            }],
          },
        }),
      });
    }

    // The provisioning name's record (R-OOB-7): only when out-of-band provisioning uses a name.
    if (v.dns) {
      this.provisioningRecord = new PrivateDnsARecord(this, "ProvisioningRecord", {
        name: v.dns.recordName,
        zoneName: v.dns.zoneName,
        resourceGroupName: v.dns.resourceGroupName,
        ttl: v.dns.ttl,
        records: [props.privateIpAddress],
        tags: network.tags,
      });
      new ManagementLock(this, "ProvisioningRecordLock", {
        name: `${v.dns.recordName}-readonly`.slice(0, 90),
        scope: this.provisioningRecord.id,
        lockLevel: "ReadOnly",
        notes: "AMT provisioning name: must resolve only to the out-of-band service point (seed 002, R-OOB-7)",
      });
    }
  }
}

/** One Windows Firewall rule the service point's script sets. */
interface FirewallRuleSpec {
  readonly name: string;
  readonly displayName: string;
  readonly port: number;
  readonly action: "Allow" | "Block";
  readonly remote?: string[];
}

/**
 * The service point's Windows Firewall script, safe to run again (a re-run of the extension, or a
 * switch between in-band and out-of-band provisioning): it removes every rule a previous run made
 * (the `SDZ-*AMT-Provisioning*` names), creates the declared ones, and reads them back, failing the
 * extension if one is missing or differs. @internal
 */
export function provisioningFirewallScript(rules: FirewallRuleSpec[]): string {
  const lines = [
    "$ErrorActionPreference = 'Stop'",
    "Get-NetFirewallRule -ErrorAction SilentlyContinue | Where-Object { $_.Name -like 'SDZ-*AMT-Provisioning*' } | Remove-NetFirewallRule",
  ];
  for (const r of rules) {
    const remote = r.remote ? ` -RemoteAddress ${r.remote.map((p) => `'${p}'`).join(",")}` : "";
    lines.push(`New-NetFirewallRule -Name '${r.name}' -DisplayName '${r.displayName}' -Direction Inbound -Protocol TCP -LocalPort ${r.port}${remote} -Action ${r.action} -Profile Any | Out-Null`);
    lines.push(
      `$rule = Get-NetFirewallRule -Name '${r.name}'; $ports = $rule | Get-NetFirewallPortFilter`,
      `if ($rule.Action -ne '${r.action}' -or $rule.Direction -ne 'Inbound' -or $ports.LocalPort -ne '${r.port}') { throw "Windows Firewall rule ${r.name} was not applied as declared" }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Validates every prop before anything is built (the server validates its own settings). */
function validateOobProps(scope: Construct, props: OutOfBandServicePointProps) {
  requireDefined("props", props, "the service point's props (zone, server settings, amtSettings, keyVaultName, provisioningCertificate)");
  const zone = props.zone;
  if (!(zone instanceof DeploymentZone) || zone.trustLevel !== TrustLevel.MANAGEMENT) {
    const allowed = "a zone with trust level MANAGEMENT (a ManagementZone)";
    throw zone === undefined ? missingProp("zone", allowed) : invalidProp("zone", zone?.zoneName ?? String(zone), allowed);
  }
  const amt = requireDefined("amtSettings", props.amtSettings, "the customized AMT firmware settings (mebxPassword, internalCaThumbprint, provisioningServer, provisioningPort)");
  if (!(amt.mebxPassword instanceof SensitiveValue)) {
    throw amt.mebxPassword === undefined ? missingProp("amtSettings.mebxPassword", "a SensitiveValue with the custom MEBx password")
      : invalidSecret("amtSettings.mebxPassword", "a SensitiveValue with the custom MEBx password, never a string");
  }
  amt.mebxPassword._verify(scope, "amtSettings.mebxPassword");
  const thumbprintAllowed = "the SHA-1 thumbprint of your internal root CA: 40 hexadecimal digits";
  const thumbprint = requireIdentifier("amtSettings.internalCaThumbprint", amt.internalCaThumbprint, thumbprintAllowed).replace(/[\s:]/g, "");
  if (!/^[0-9a-fA-F]{40}$/.test(thumbprint)) throw invalidProp("amtSettings.internalCaThumbprint", amt.internalCaThumbprint, thumbprintAllowed);
  const server = requireIdentifier("amtSettings.provisioningServer", amt.provisioningServer, "an IPv4 address or a DNS host name");
  const serverIp = tryParseCidr(server);
  const isIp = !!serverIp && !server.includes("/") && serverIp.family === 4;
  if ((!isIp && !HOSTNAME.test(server)) || /^\d+(\.\d+)*$/.test(server) && !isIp) {
    throw invalidProp("amtSettings.provisioningServer", amt.provisioningServer, "an IPv4 address or a DNS host name");
  }
  if (server.split(".")[0].toLowerCase() === OobTags.DEFAULT_PROVISIONING_SERVER.toLowerCase()) {
    throw invalidProp("amtSettings.provisioningServer", amt.provisioningServer, `an IPv4 address or a name other than the default ${OobTags.DEFAULT_PROVISIONING_SERVER}`);
  }
  // The firmware sends its Hello messages to the configured provisioning server (Intel AMT remote
  // configuration), which this construct is: the NSG opens the provisioning port only to the
  // service point's /32 and a provisioning name is pinned to its address. An address must be that one.
  const own = typeof props.privateIpAddress === "string" ? tryParseCidr(props.privateIpAddress) : undefined;
  if (isIp && own && own.family === 4 && serverIp.start !== own.start) {
    throw invalidProp("amtSettings.provisioningServer", amt.provisioningServer,
      `the service point's own address ${props.privateIpAddress} (the firmware sends its Hello messages to the provisioning server; the NSG opens the provisioning port only to the service point), or a name`);
  }
  requireDefined("amtSettings.provisioningPort", amt.provisioningPort,
    `a custom provisioning port (TCP ${PORT_LIMITS.unprivilegedMin}-${PORT_LIMITS.max}, not ${DEFAULT_PROVISIONING_PORT}, not ${AMT_PORT_FROM}-${AMT_PORT_TO})`);
  const port = requireIntInRange("amtSettings.provisioningPort", amt.provisioningPort, PORT_LIMITS.unprivilegedMin, PORT_LIMITS.max);
  if (port === DEFAULT_PROVISIONING_PORT || (port >= AMT_PORT_FROM && port <= AMT_PORT_TO)) {
    throw invalidProp("amtSettings.provisioningPort", port,
      `a custom port from ${PORT_LIMITS.unprivilegedMin} to ${PORT_LIMITS.max} other than the default ${DEFAULT_PROVISIONING_PORT} and the AMT ports ${AMT_PORT_FROM}-${AMT_PORT_TO}`);
  }
  const { clientZones, remotePrefixes } = resolveAmtClients(scope, zone, props.amtClientZones, props.amtClients);
  const clientPrefixes = Array.from(new Set([...clientZones.map((z) => z.addressPrefix), ...remotePrefixes]));
  if (clientPrefixes.join(",").length > TAG_LIMITS.valueMaxLength) {
    throw invalidProp(props.amtClients ? "amtClients" : "amtClientZones", clientPrefixes, `AMT client segments whose prefixes fit in one ${TAG_LIMITS.valueMaxLength}-character tag value`);
  }
  const kvIp = props.keyVaultPrivateIpAddress === undefined ? undefined : requireHostInZone("keyVaultPrivateIpAddress", props.keyVaultPrivateIpAddress, zone);
  if (kvIp !== undefined && kvIp === props.privateIpAddress) {
    throw invalidProp("keyVaultPrivateIpAddress", kvIp, `an address other than the service point's own (${props.privateIpAddress})`, ConstructErrorCode.DUPLICATE_VALUE);
  }
  const runners = resolveDeploymentRunners(scope, props.deploymentRunners);
  const keyVaultName = requireAzureName("keyVaultName", props.keyVaultName, "keyVault");
  const kvDnsZoneId = props.keyVaultPrivateDnsZoneId === undefined ? undefined
    : requirePrivateLinkDnsZoneId("keyVaultPrivateDnsZoneId", props.keyVaultPrivateDnsZoneId, VAULT_PRIVATE_LINK_DNS);
  if (props.tenantId !== undefined) requireGuid("tenantId", props.tenantId, "the Entra tenant ID");
  if (props.deployerPrincipalId !== undefined) requireGuid("deployerPrincipalId", props.deployerPrincipalId, "the object ID of the identity that runs terraform apply");
  const cert = validateCertificate(props.provisioningCertificate);
  const ide = props.ideRedirectionImageLocation;
  if (ide !== undefined) {
    if (!ide || typeof ide.uncPath !== "string" || ide.smbEncryptionRequired !== true) {
      throw invalidProp("ideRedirectionImageLocation", ide?.uncPath ?? ide, "a content location that requires SMB encryption/signing (smbEncryptionRequired: true), e.g. the state migration share");
    }
    if (!Token.isUnresolved(ide.privateEndpointPrefix)) parseCidr("ideRedirectionImageLocation.privateEndpointPrefix", ide.privateEndpointPrefix);
  }
  const outOfBandProvisioning = requireBoolean("outOfBandProvisioning", props.outOfBandProvisioning, false);
  const dns = validateDns(props, server, isIp, outOfBandProvisioning);
  return {
    zone, port, server, thumbprint, clientZones, remotePrefixes, clientPrefixes, kvIp, kvDnsZoneId, keyVaultName, cert, ide, outOfBandProvisioning, dns,
    runners,
  };
}


/**
 * Splits the declared AMT clients into Azure zones (NSG rules on their subnets) and remote,
 * typically on-premises, CIDRs (rules on the management zone only). @internal
 */
function resolveAmtClients(scope: Construct, mgmt: DeploymentZone, zonesProp: DeploymentZone[] | undefined, peersProp: IPeer[] | undefined) {
  if (zonesProp !== undefined && !Array.isArray(zonesProp)) {
    throw invalidProp("amtClientZones", zonesProp, "a list of the zones holding AMT-based computers");
  }
  const zones = zonesProp ?? [];
  if (zones.length === 0 && peersProp === undefined) {
    throw invalidProp("amtClientZones", zonesProp ?? [], "a non-empty list of the zones holding AMT-based computers, or the AMT client segments (e.g. on-premises client VLANs) in amtClients");
  }
  const clientZones: DeploymentZone[] = [];
  const addZone = (prop: string, z: DeploymentZone) => {
    if (z === mgmt) throw invalidProp(prop, z.zoneName, "a client zone other than the management zone itself");
    if (!clientZones.includes(z)) clientZones.push(z);
  };
  zones.forEach((z, i) => {
    if (!(z instanceof DeploymentZone)) throw invalidProp(`amtClientZones[${i}]`, z, "a DeploymentZone");
    addZone(`amtClientZones[${i}]`, z);
  });
  const remotePrefixes: string[] = [];
  if (peersProp !== undefined) {
    requireSpecificPeers("amtClients", peersProp);
    const space = mgmt.network.addressSpace.map((c) => parseCidr("network.addressSpace", c));
    const appZones = zonesOfApp(scope);
    peersProp.forEach((peer, i) => {
      if (peer.kind === PeerKind.ZONE && peer.zone instanceof DeploymentZone) {
        addZone(`amtClients[${i}]`, peer.zone);
        return;
      }
      for (const prefix of peer.addressPrefixes) {
        const block = parseCidr(`amtClients[${i}]`, prefix);
        const inSpace = space.find((s) => cidrOverlaps(s, block));
        if (inSpace) {
          throw invalidProp(`amtClients[${i}]`, prefix, `on-premises CIDRs outside the VNet address space (${prefix} overlaps ${inSpace.text}); for an Azure zone pass Peer.zone(zone) or use amtClientZones, so its NSG admits the AMT ports`);
        }
        const inZone = appZones.find((z) => cidrOverlaps(z.block, block));
        if (inZone) {
          throw invalidProp(`amtClients[${i}]`, prefix, `on-premises CIDRs outside every zone (${prefix} overlaps zone ${inZone.zone.zoneName}); pass Peer.zone(zone) for an Azure zone`);
        }
        if (!remotePrefixes.includes(prefix)) remotePrefixes.push(prefix);
      }
    });
  }
  if (clientZones.length === 0 && remotePrefixes.length === 0) {
    throw invalidProp("amtClients", peersProp, "at least one AMT client segment");
  }
  return { clientZones, remotePrefixes };
}

/** One source the zone admits to the vault's endpoint, with the zone whose outbound rules must let it out (when that zone denies outbound). */
interface RunnerSource {
  readonly peer: IPeer;
  readonly outboundZone?: DeploymentZone;
}

/**
 * Where Terraform runs (`deploymentRunners`): each zone peer as is, each CIDR as its own peer, with
 * the zone of this app that holds it (its outbound side, when it denies outbound traffic). @internal
 */
function resolveDeploymentRunners(scope: Construct, peers: IPeer[] | undefined): RunnerSource[] {
  const allowed = "where terraform apply runs (Peer.ipv4 / Peer.ipv4List of the runner, or Peer.zone): the vault has public access off, "
    + "so Terraform writes its secret and certificate through the private endpoint, which the zone's NSG opens only to the peers named here";
  if (peers === undefined) throw missingProp("deploymentRunners", allowed);
  requireSpecificPeers("deploymentRunners", peers);
  peers.forEach((peer, i) => {
    if (peer.kind === PeerKind.ZONE && !(peer.zone instanceof DeploymentZone)) {
      throw invalidProp(`deploymentRunners[${i}]`, peer.label, "Peer.zone of a DeploymentZone, or the runner's addresses");
    }
  });
  // Every runner CIDR inside one zone or outside every zone: each is its own peer of the endpoint's rules.
  const placed = placePeers(scope, "deploymentRunners", peers, PartialOverlap.REFUSE_ANY, "a runner CIDR inside one zone or outside every zone");
  return placed.flatMap((p): RunnerSource[] => (p.zone
    ? [{ peer: p.peer, outboundZone: p.zone.outboundDenied ? p.zone : undefined }]
    : p.prefixes.map(({ prefix, zone }) => ({ peer: Peer.ipv4(prefix), outboundZone: zone?.outboundDenied ? zone : undefined }))));
}

/** The vault secret holding the MEBx password. */
const MEBX_SECRET_NAME = "amt-mebx-password";

function validateCertificate(c: ProvisioningCertificateOptions) {
  requireDefined("provisioningCertificate", c, "the AMT provisioning certificate options (name, subject, renewalContacts)");
  requireAzureName("provisioningCertificate.name", c.name, "keyVaultObject");
  // A certificate's secret carries the certificate's name (learn.microsoft.com/azure/key-vault/certificates/about-certificates):
  // named like the MEBx secret, the two clash at apply, and the deployer's secret-scoped role would reach the private key.
  if (c.name.toLowerCase() === MEBX_SECRET_NAME) {
    throw invalidProp("provisioningCertificate.name", c.name, `a Key Vault object name other than ${MEBX_SECRET_NAME} (the vault's MEBx password secret; names are case-insensitive)`);
  }
  const subject = requireIdentifier("provisioningCertificate.subject", c.subject, "an X.500 subject starting with CN=, e.g. CN=oobsp.corp.example.com");
  if (!/^CN=.+/i.test(subject)) throw invalidProp("provisioningCertificate.subject", c.subject, "an X.500 subject starting with CN=, e.g. CN=oobsp.corp.example.com");
  const issuerName = c.issuerName ?? "Unknown";
  if (typeof issuerName !== "string" || !["unknown", "self"].includes(issuerName.toLowerCase())) {
    throw invalidProp("provisioningCertificate.issuerName", issuerName,
      "Unknown (a CSR your internal CA signs) or Self (a lab only: AMT refuses it); Key Vault's registered issuers are third-party public CAs, not the internal CA the firmware trusts");
  }
  const validity = requireIntInRange("provisioningCertificate.validityInMonths", c.validityInMonths ?? 12, 1, 60);
  const maxDays = Math.floor(validity * 30) - 1;
  const renewDays = c.renewDaysBeforeExpiry ?? 60;
  if (!Number.isInteger(renewDays) || renewDays < 40 || renewDays > maxDays) {
    throw invalidProp("provisioningCertificate.renewDaysBeforeExpiry", renewDays, `an integer from 40 (Configuration Manager warns at 40 days) to ${maxDays} (less than the validity)`);
  }
  const dnsNames = c.dnsNames ?? [];
  dnsNames.forEach((d, i) => requireHostName(`provisioningCertificate.dnsNames[${i}]`, d, "a DNS host name"));
  const contacts = c.renewalContacts ?? [];
  if (!Array.isArray(contacts)) throw invalidProp("provisioningCertificate.renewalContacts", contacts, "a list of e-mail addresses");
  contacts.forEach((e, i) => {
    if (typeof e !== "string" || !EMAIL.test(e)) throw invalidProp(`provisioningCertificate.renewalContacts[${i}]`, e, "an e-mail address");
  });
  if (issuerName.toLowerCase() === "unknown" && contacts.length === 0) {
    throw invalidProp("provisioningCertificate.renewalContacts", contacts,
      "at least one e-mail address: Key Vault cannot renew a certificate your internal CA signs (issuer Unknown), it reminds these contacts before expiry");
  }
  const exportable = requireBoolean("provisioningCertificate.keyExportable", c.keyExportable, false);
  return { name: c.name, subject: c.subject, issuerName, validity, renewDays, dnsNames, contacts, exportable };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The provisioning name's record: only with out-of-band provisioning and a name, and then required. */
function validateDns(props: OutOfBandServicePointProps, server: string, isIp: boolean, enabled: boolean) {
  const z = props.provisioningDnsZone;
  if (z === undefined) {
    if (enabled && !isIp) {
      throw missingProp("provisioningDnsZone", `the private DNS zone holding the provisioning name ${server}: out-of-band provisioning resolves it, and the record must be locked (R-OOB-7)`);
    }
    return undefined;
  }
  if (!enabled) {
    throw invalidProp("provisioningDnsZone", z?.zoneName ?? z, "nothing while out-of-band provisioning is off: seed 002 says not to register the provisioning name then (R-OOB-7)");
  }
  if (isIp) throw invalidProp("provisioningDnsZone", z?.zoneName ?? z, `nothing: the firmware reaches the provisioning server at its address ${server}, no name to register`);
  const zoneName = requireHostName("provisioningDnsZone.zoneName", z.zoneName, "a DNS zone name, e.g. corp.example.com").toLowerCase().replace(/\.$/, "");
  const resourceGroupName = requireResourceGroupName("provisioningDnsZone.resourceGroupName", z.resourceGroupName);
  const ttl = requireIntInRange("provisioningDnsZone.ttl", z.ttl ?? 300, 1, 86400);
  const name = server.toLowerCase().replace(/\.$/, "");
  let recordName: string;
  if (!name.includes(".")) recordName = name;
  else if (name.endsWith(`.${zoneName}`)) recordName = name.slice(0, -(zoneName.length + 1));
  else throw invalidProp("provisioningDnsZone.zoneName", z.zoneName, `a zone holding the provisioning name ${server}`);
  return { zoneName, resourceGroupName, ttl, recordName };
}
