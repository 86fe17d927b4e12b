import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultCertificate } from "@cdktf/provider-azurerm/lib/key-vault-certificate";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { zonesOfApp } from "../activation/zone-trust";
import { SecureWindowsServer, serverProps, WindowsServerOptions } from "../compute/secure-windows-server";
import { OOB_TAG, OobTags } from "../contract/oob-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole } from "../contract/zone-tags";
import { IDeploymentContentLocation } from "../core/content-location";
import { SensitiveValue } from "../core/sensitive-value";
import { cidrOverlaps, parseCidr, tryParseCidr } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, invalidSecret, missingProp, requireIntInRange } from "../network/errors";
import { PORT_LIMITS, TAG_LIMITS } from "../network/limits";
import { IPeer, Peer, PeerKind, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { SERVICE_PORTS } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";
import { claimUnique, UniqueKind } from "../network/uniqueness";
import {
  requireAzureName, requireBoolean, requireDefined, requireGuid, requireHostInZone, requireHostName, requireIdentifier,
} from "../network/validators";
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
   * The provisioning server configured in the firmware: an IPv4 address (most secure) or a host
   * name other than the default `ProvisionServer`. A name needs a secured DNS record.
   */
  readonly provisioningServer: string;
  /** A custom provisioning port (TCP 1024-65535, not the default 9971, not an AMT port 16992-16995). */
  readonly provisioningPort: number;
}

/** The AMT provisioning certificate, issued and renewed by Key Vault (R-OOB-5). */
export interface ProvisioningCertificateOptions {
  /** Certificate name in Key Vault (1-127 letters, digits, `-`). */
  readonly name: string;
  /** Subject, e.g. `CN=oobsp.corp.example.com`. */
  readonly subject: string;
  /**
   * Key Vault issuer name: `Self` or an issuer you registered for your CA. `Unknown` (manual CSR
   * merge) is refused: Key Vault cannot renew such a certificate automatically.
   * @default "Self"
   */
  readonly issuerName?: string;
  /**
   * Validity in months (1-60).
   * @default 12
   */
  readonly validityInMonths?: number;
  /**
   * Renew automatically this many days before expiry: 40 or more (Configuration Manager warns at
   * 40 days and fails under 15), and less than the validity.
   * @default 60
   */
  readonly renewDaysBeforeExpiry?: number;
  /**
   * DNS names for the subject alternative name.
   * @default - none
   */
  readonly dnsNames?: string[];
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
   * the construct opens TCP 443 from the service point's /32 to this /32 only.
   * @default - a dynamic address; the 443 rule then targets the endpoint's address as Azure assigns
   * it (known only after apply, so the checks cannot verify that rule before apply)
   */
  readonly keyVaultPrivateIpAddress?: string;
  /**
   * Entra tenant ID of the Key Vault.
   * @default - the tenant of the provider's credentials (`azurerm_client_config`)
   */
  readonly tenantId?: string;
  /** The AMT provisioning certificate. */
  readonly provisioningCertificate: ProvisioningCertificateOptions;
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
 * password and an auto-renewing provisioning certificate. HTTPS (TCP 443) from the service point
 * to the vault's private endpoint is opened on the zone NSG (its deny-all applies inside the subnet).
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

  constructor(scope: Construct, id: string, props: OutOfBandServicePointProps) {
    super(scope, id);
    const v = attributeErrors(this.node.path, () => {
      const valid = validateOobProps(this, props);
      claimUnique(this, "keyVaultName", UniqueKind.KEY_VAULT_NAME, valid.keyVaultName);
      if (valid.kvIp !== undefined) claimUnique(this, "keyVaultPrivateIpAddress", UniqueKind.STATIC_IP, valid.kvIp, props.zone.network);
      return valid;
    });
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
    this.server = new SecureWindowsServer(this, "Server", serverProps(props, zone, [DeploymentRole.OOB_SERVICE_POINT], tags));
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
    let firewallScript: string;
    if (enabled) {
      for (const client of clientZones) {
        this.networkRules.push(zone.allowInbound(Peer.zone(client), Port.tcp(port), `AMT out-of-band provisioning from AMT client segment ${client.zoneName}`, { local: self }));
      }
      if (remote) {
        this.networkRules.push(zone.allowInbound(remote, Port.tcp(port), "AMT out-of-band provisioning from on-premises AMT client segments", { local: self }));
      }
      firewallScript = [
        `New-NetFirewallRule -Name 'SDZ-AMT-Provisioning' -DisplayName 'AMT out-of-band provisioning (TCP ${port}) from AMT client segments' -Direction Inbound -Protocol TCP -LocalPort ${port} -RemoteAddress ${clientPrefixes.map((p) => `'${p}'`).join(",")} -Action Allow -Profile Any`,
      ].join("\n");
    } else {
      this.networkRules.push(zone.denyInbound(Peer.anyIpv4(), Port.tcp(port), "Out-of-band provisioning is off: provisioning port blocked", { local: self }));
      if (port !== DEFAULT_PROVISIONING_PORT) {
        this.networkRules.push(zone.denyInbound(Peer.anyIpv4(), Port.AMT_PROVISIONING, "Out-of-band provisioning is off: default provisioning port blocked", { local: self }));
      }
      firewallScript = [port, DEFAULT_PROVISIONING_PORT].filter((p, i, a) => a.indexOf(p) === i)
        .map((p) => `New-NetFirewallRule -Name 'SDZ-Block-AMT-Provisioning-${p}' -DisplayName 'Block AMT out-of-band provisioning (TCP ${p})' -Direction Inbound -Protocol TCP -LocalPort ${p} -Action Block -Profile Any`)
        .join("\n");
    }
    this.server.addPowerShellExtension("oob-provisioning-firewall", `$ErrorActionPreference = 'Stop'\n${firewallScript}\n`);

    // IDE-redirection images over SMB with encryption (R-OOB-6).
    if (ide && !Token.isUnresolved(ide.privateEndpointPrefix)) {
      this.networkRules.push(zone.allowOutbound(Peer.ipv4(ide.privateEndpointPrefix), Port.SMB, "IDE-redirection images over SMB 3 with encryption", { local: self }));
    }

    // Key Vault: provisioning certificate and MEBx password (R-OOB-5, R-NET-1).
    const tenantId = props.tenantId ?? new DataAzurermClientConfig(this, "ClientConfig").tenantId;
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
    new RoleAssignment(this, "ServerSecretsUser", {
      scope: this.keyVault.id,
      roleDefinitionName: "Key Vault Secrets User",
      principalId: this.server.virtualMachine.identity.principalId,
      principalType: "ServicePrincipal",
      description: "Out-of-band service point reads its AMT provisioning certificate",
    });
    new KeyVaultSecret(this, "MebxPassword", {
      name: "amt-mebx-password",
      keyVaultId: this.keyVault.id,
      valueWo: amt.mebxPassword.value,
      valueWoVersion: 1,
      contentType: "AMT MEBx account password (AMT Provisioning and Discovery Account)",
      dependsOn: [this.keyVaultPrivateEndpoint],
    });
    this.provisioningCertificate = new KeyVaultCertificate(this, "ProvisioningCertificate", {
      name: cert.name,
      keyVaultId: this.keyVault.id,
      certificatePolicy: {
        issuerParameters: { name: cert.issuerName },
        keyProperties: { exportable: true, keyType: "RSA", keySize: 2048, reuseKey: false },
        secretProperties: { contentType: "application/x-pkcs12" },
        lifetimeAction: [{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: cert.renewDays } }],
        x509CertificateProperties: {
          subject: cert.subject,
          validityInMonths: cert.validity,
          keyUsage: ["digitalSignature", "keyEncipherment"],
          extendedKeyUsage: [SERVER_AUTH_OID, AMT_PROVISIONING_OID],
          subjectAlternativeNames: cert.dnsNames.length > 0 ? { dnsNames: cert.dnsNames } : undefined,
        },
      },
      tags: { ...network.tags, ...tagsOf(OOB_TAG.provisioningCertificate.entry(true)) },
      dependsOn: [this.keyVaultPrivateEndpoint],
    });
  }
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
  const keyVaultName = requireAzureName("keyVaultName", props.keyVaultName, "keyVault");
  if (props.tenantId !== undefined) requireGuid("tenantId", props.tenantId, "the Entra tenant ID");
  const cert = validateCertificate(props.provisioningCertificate);
  const ide = props.ideRedirectionImageLocation;
  if (ide !== undefined) {
    if (!ide || typeof ide.uncPath !== "string" || ide.smbEncryptionRequired !== true) {
      throw invalidProp("ideRedirectionImageLocation", ide?.uncPath ?? ide, "a content location that requires SMB encryption/signing (smbEncryptionRequired: true), e.g. the state migration share");
    }
    if (!Token.isUnresolved(ide.privateEndpointPrefix)) parseCidr("ideRedirectionImageLocation.privateEndpointPrefix", ide.privateEndpointPrefix);
  }
  return {
    zone, port, server, thumbprint, clientZones, remotePrefixes, clientPrefixes, kvIp, keyVaultName, cert, ide,
    outOfBandProvisioning: requireBoolean("outOfBandProvisioning", props.outOfBandProvisioning, false),
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

function validateCertificate(c: ProvisioningCertificateOptions) {
  requireDefined("provisioningCertificate", c, "the AMT provisioning certificate options (name, subject)");
  requireAzureName("provisioningCertificate.name", c.name, "keyVaultObject");
  const subject = requireIdentifier("provisioningCertificate.subject", c.subject, "an X.500 subject starting with CN=, e.g. CN=oobsp.corp.example.com");
  if (!/^CN=.+/i.test(subject)) throw invalidProp("provisioningCertificate.subject", c.subject, "an X.500 subject starting with CN=, e.g. CN=oobsp.corp.example.com");
  const issuerName = c.issuerName ?? "Self";
  if (typeof issuerName !== "string" || !/^[a-zA-Z0-9-]{1,127}$/.test(issuerName) || issuerName.toLowerCase() === "unknown") {
    throw invalidProp("provisioningCertificate.issuerName", issuerName, "Self or the name of a Key Vault certificate issuer (not Unknown: Key Vault cannot renew such certificates)");
  }
  const validity = requireIntInRange("provisioningCertificate.validityInMonths", c.validityInMonths ?? 12, 1, 60);
  const maxDays = Math.floor(validity * 30) - 1;
  const renewDays = c.renewDaysBeforeExpiry ?? 60;
  if (!Number.isInteger(renewDays) || renewDays < 40 || renewDays > maxDays) {
    throw invalidProp("provisioningCertificate.renewDaysBeforeExpiry", renewDays, `an integer from 40 (Configuration Manager warns at 40 days) to ${maxDays} (less than the validity)`);
  }
  const dnsNames = c.dnsNames ?? [];
  dnsNames.forEach((d, i) => requireHostName(`provisioningCertificate.dnsNames[${i}]`, d, "a DNS host name"));
  return { name: c.name, subject: c.subject, issuerName, validity, renewDays, dnsNames };
}
