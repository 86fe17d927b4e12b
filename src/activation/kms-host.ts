import { FirewallPolicy } from "@cdktf/provider-azurerm/lib/firewall-policy";
import { FirewallPolicyRuleCollectionGroup } from "@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group";
import { IpGroup } from "@cdktf/provider-azurerm/lib/ip-group";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PrivateDnsARecord } from "@cdktf/provider-azurerm/lib/private-dns-a-record";
import { PrivateDnsSrvRecord } from "@cdktf/provider-azurerm/lib/private-dns-srv-record";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ActivationZone } from "./activation-zone";
import { kmsHardeningScript } from "./hardening-script";
import { findLowTrustPeers, lowTrustError, requireTrustedAllowlist } from "./zone-trust";
import { SecureWindowsServer, serverProps, WindowsServerImage, WindowsServerOptions } from "../compute/secure-windows-server";
import { checkSecurityEventLog } from "../compute/security-events";
import { KMS_TAG } from "../contract/kms-tags";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, parseRoles, ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { DomainController } from "../identity/identity-zone";
import { cidrContains, parseCidr, tryParseCidr } from "../network/cidr";
import { attributeErrors, ConstructErrorCode, invalidProp, invalidSecret, missingProp, requireIntInRange } from "../network/errors";
import { IPeer, Peer } from "../network/peer";
import { Port } from "../network/port";
import { SERVICE_PORTS } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";
import { buildOrAbandon, claimUnique, UniqueKind } from "../network/uniqueness";
import {
  mergeTags, requireAzureName, requireBoolean, requireDefined, requireDerivedName, requireDnsDomain, requireDnsLabel, requireHostInZone,
  requireResourceGroupName, requireTags,
} from "../network/validators";
import { allowFromOutboundDeniedClients, CLIENT_CIDRS_ALLOWED, OutboundSide, resolveOutboundDeniedClients } from "../zones/client-placement";
import { DeploymentZone } from "../zones/deployment-zone";

const MAK_ADVICE = "Activate servers in that zone with MAK (Multiple Activation Key) instead of KMS, and record it with ActivationZone.declareMakActivation(zone, justification) (R-KMS-3).";

/** A second NIC, in the management zone, that serves activation instead of the production NIC (R-KMS-6). */
export interface KmsManagementInterface {
  /** A zone of trust MANAGEMENT in the same network as the activation zone. */
  readonly zone: DeploymentZone;
  /** Static private IP of the management NIC, inside that zone. */
  readonly privateIpAddress: string;
}

/** An optional private DNS record for KMS discovery (`_vlmcs._tcp` SRV plus the host's A record). */
export interface KmsPrivateDnsRecordOptions {
  /** The private DNS zone, e.g. `corp.contoso.com` (the zone must exist). */
  readonly zoneName: string;
  /**
   * Resource group of the private DNS zone.
   * @default - the network's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Host name of the A record the SRV record points at.
   * @default - the server name, lower case
   */
  readonly hostName?: string;
  /**
   * TTL in seconds (60-86400).
   * @default 300
   */
  readonly ttl?: number;
}

/**
 * Where the KMS host runs: a new hardened server, or an existing one of the activation zone that is
 * not a domain controller (R-KMS-1).
 *
 * @example KmsServer.newServer({ serverName: "kms01", privateIpAddress: "10.40.5.4", adminUsername: "siteadmin", adminPassword })
 */
export class KmsServer {
  /** A new {@link SecureWindowsServer} in the activation zone, with these settings. */
  public static newServer(options: WindowsServerOptions): KmsServer {
    return new KmsServer(options, undefined);
  }

  /** An existing hardened server of the activation zone; a domain controller is refused (R-KMS-1). */
  public static existing(server: SecureWindowsServer): KmsServer {
    return new KmsServer(undefined, server);
  }

  private constructor(
    /** @internal */
    public readonly _options: WindowsServerOptions | undefined,
    /** @internal */
    public readonly _server: SecureWindowsServer | undefined,
  ) {}
}

/** Properties of a {@link KmsHost}. */
export interface KmsHostProps {
  /** The activation zone; never the domain controllers' zone. */
  readonly zone: ActivationZone;
  /**
   * Who may activate: specific hosts, CIDRs or zones (R-KMS-2). Peers in, or overlapping, a zone
   * trusted less than INTERNAL are refused: such zones use MAK (R-KMS-3). A client zone, or a CIDR
   * inside a zone, that denies all outbound traffic (`denyAllOutbound`) also gets TCP 1688 out of
   * that zone (from the CIDR's own prefixes); a CIDR covering only part of such a zone is refused.
   * Build the client zones before the host (a later one fails synth).
   */
  readonly allowedClients: IPeer[];
  /**
   * The server: `KmsServer.newServer({...})` or `KmsServer.existing(server)`.
   * @default - the deprecated `serverName`, `privateIpAddress`, `adminUsername`, `adminPassword`... props, or `server`
   */
  readonly kmsServer?: KmsServer;
  /**
   * VM name (1-15 characters).
   * @default - none
   * @deprecated use `kmsServer: KmsServer.newServer({ serverName, ... })`
   */
  readonly serverName?: string;
  /**
   * Static private IP in the activation zone; clients use it directly (R-KMS-4).
   * @default - none
   * @deprecated use `kmsServer: KmsServer.newServer({ privateIpAddress, ... })`
   */
  readonly privateIpAddress?: string;
  /**
   * Administrator user name.
   * @default - none
   * @deprecated use `kmsServer: KmsServer.newServer({ adminUsername, ... })`
   */
  readonly adminUsername?: string;
  /**
   * Administrator password, only as a sensitive value.
   * @default - none
   * @deprecated use `kmsServer: KmsServer.newServer({ adminPassword, ... })`
   */
  readonly adminPassword?: SensitiveValue;
  /**
   * VM size (with `managementInterface`, one that supports two NICs).
   * @default "Standard_D2s_v5"
   * @deprecated use `kmsServer: KmsServer.newServer({ size, ... })`
   */
  readonly size?: string;
  /**
   * Image.
   * @default - Windows Server 2022 Datacenter Azure Edition, latest
   * @deprecated use `kmsServer: KmsServer.newServer({ image, ... })`
   */
  readonly image?: WindowsServerImage;
  /**
   * Extra tags for the server (new servers only), its NICs, the IP group.
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
  /**
   * Availability zone.
   * @default - none
   * @deprecated use `kmsServer: KmsServer.newServer({ availabilityZone, ... })`
   */
  readonly availabilityZone?: string;
  /**
   * Use an existing hardened server of the activation zone instead of creating one.
   * @default - a new server is created
   * @deprecated use `kmsServer: KmsServer.existing(server)`
   */
  readonly server?: SecureWindowsServer;
  /**
   * Serve activation on a second NIC in the management zone instead of the production network
   * (seed 003: "use the management interface of the server instead of production networks").
   * Every `allowedClients` peer must then lie inside the management zone's prefix: Azure gives a
   * secondary NIC no default gateway, so the host could not answer clients in other subnets
   * (refused at construction).
   * @default - activation is served on the production NIC
   */
  readonly managementInterface?: KmsManagementInterface;
  /**
   * The hub's Azure Firewall policy. When given, an IP group holding the allowlist and a rule
   * collection group allowing TCP 1688 only from that IP group to the KMS address are added (R-KMS-6).
   * @default - no firewall rules
   */
  readonly firewallPolicy?: FirewallPolicy;
  /**
   * Priority of the firewall rule collection group (100-65000).
   * @default 400
   */
  readonly firewallRuleCollectionGroupPriority?: number;
  /**
   * Let the KMS host publish its `_vlmcs._tcp` SRV record to the domain DNS. Off by default:
   * clients are pointed at the fixed address, so activation does not depend on DNS (R-KMS-4).
   * @default false
   */
  readonly dnsPublishing?: boolean;
  /**
   * Create a `_vlmcs._tcp` SRV record (and the host's A record) in an Azure private DNS zone.
   * @default - no DNS record
   */
  readonly privateDnsRecord?: KmsPrivateDnsRecordOptions;
}

/**
 * A KMS host on its own hardened VM, never a domain controller (R-KMS-1), with a static private IP
 * that clients use directly: `slmgr /skms <ip>:1688` is a stack output (R-KMS-4). TCP 1688 is opened
 * only from the explicit allowlist, in the NSG, in the Windows Firewall and, when a firewall policy
 * is given, in the hub firewall (R-KMS-2, R-KMS-6). Zones below INTERNAL trust are refused (R-KMS-3).
 * A part of the server's one settings script removes anonymous access (RestrictAnonymous, RestrictAnonymousSAM,
 * RestrictNullSessAccess), removes SMB 1 and turns DNS publishing off (R-KMS-5), reading each setting back; the settings are
 * recorded as {@link KmsTags} on the VM and its NICs.
 */
export class KmsHost extends Construct {
  /** The server. */
  public readonly server: SecureWindowsServer;
  /** The address clients activate against (the management NIC's when `managementInterface` is set). */
  public readonly activationAddress: string;
  /** The client command: `slmgr /skms <ip>:1688`. */
  public readonly clientCommand: string;
  /** The allowlisted prefixes. */
  public readonly allowedPrefixes: string[];
  /** The NSG rules that allow TCP 1688. */
  public readonly nsgRules: NetworkSecurityRule[];
  /** The hardening script (PowerShell) run by {@link KmsHost.hardeningExtension}. */
  public readonly hardeningScript: string;
  /** The server's one settings extension, which runs the hardening script (with any other part of the server's settings script). */
  public readonly hardeningExtension: VirtualMachineExtension;
  /** The management NIC, when activation is served there. */
  public readonly managementNetworkInterface?: NetworkInterface;
  /** The IP group of the allowlist, when a firewall policy was given. */
  public readonly ipGroup?: IpGroup;
  /** The firewall rule collection group, when a firewall policy was given. */
  public readonly firewallRuleCollectionGroup?: FirewallPolicyRuleCollectionGroup;
  /** The `_vlmcs._tcp` SRV record, when asked. */
  public readonly srvRecord?: PrivateDnsSrvRecord;
  /** The output with the KMS address. */
  public readonly addressOutput: TerraformOutput;
  /** The output with the client command. */
  public readonly clientCommandOutput: TerraformOutput;

  constructor(scope: Construct, id: string, props: KmsHostProps) {
    super(scope, id);
    // Refused (here or by its server), it leaves the tree and gives back what it claimed (the management address).
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => validateKmsHostProps(this, props)));
    const zone = v.zone;
    const network = zone.network;
    this.allowedPrefixes = v.allowedPrefixes;

    const hardeningTags = tagsOf(
      KMS_TAG.restrictAnonymous.entry(true),
      KMS_TAG.restrictAnonymousSam.entry(true),
      KMS_TAG.restrictNullSessionAccess.entry(true),
      MIGRATION_TAG.smb1Removed.entry(true),
      KMS_TAG.firewallScope.entry("allowlist"),
      KMS_TAG.dnsPublishing.entry(v.dnsPublishing ? "enabled" : "disabled"),
      KMS_TAG.kmsInterface.entry(v.mgmt ? "management" : "production"),
    );
    this.server = buildOrAbandon(this, () => this.buildServer(v, hardeningTags));
    const serverName = v.serverName;

    if (v.mgmt) {
      this.managementNetworkInterface = new NetworkInterface(this, "ManagementNic", {
        name: `${serverName}-mgmt-nic`,
        location: network.location,
        resourceGroupName: network.resourceGroupName,
        ipForwardingEnabled: false,
        ipConfiguration: [{
          name: "management",
          subnetId: v.mgmt.zone.subnetId,
          privateIpAddressAllocation: "Static",
          privateIpAddress: v.mgmt.privateIpAddress,
        }],
        tags: mergeTags("tags", network.tags, v.tags, hardeningTags, tagsOf(ZONE_TAG.roles.entry([DeploymentRole.KMS_HOST]))),
      });
      this.server.virtualMachine.networkInterfaceIds = [this.server.networkInterface.id, this.managementNetworkInterface.id];
    }

    const servingZone = v.mgmt ? v.mgmt.zone : zone;
    this.activationAddress = v.mgmt ? v.mgmt.privateIpAddress : this.server.privateIpAddress;
    this.clientCommand = `slmgr /skms ${this.activationAddress}:${Port.KMS.portRange}`;

    // NSG: TCP 1688 only from the allowlist, only to the KMS address (R-KMS-2); and out of a client
    // zone that denies all outbound traffic, or its own NSG drops the request first.
    const local = Peer.ipv4(`${this.activationAddress}/32`);
    this.nsgRules = props.allowedClients.flatMap((peer, i) => {
      const what = `KMS activation from ${peer.label} to ${serverName}`;
      return [servingZone.allowInbound(peer, Port.KMS, what, { local }), ...allowFromOutboundDeniedClients(v.clientSides[i], local, Port.KMS, what)];
    });

    // Host hardening (R-KMS-5) and Windows Firewall scoped to the allowlist.
    this.hardeningScript = kmsHardeningScript({ allowedPrefixes: this.allowedPrefixes, localAddress: this.activationAddress, dnsPublishing: v.dnsPublishing });
    this.hardeningExtension = this.server.addSettingsScript("kms-hardening", this.hardeningScript);
    // Security events to Log Analytics (R-SEC-8), by default.
    this.server.collectSecurityEvents(v.server._options?.securityEventLog);

    if (props.firewallPolicy) {
      const { ipGroup, ruleCollectionGroup } = this.buildFirewallRules(props.firewallPolicy, serverName, v.firewallPriority, v.tags);
      this.ipGroup = ipGroup;
      this.firewallRuleCollectionGroup = ruleCollectionGroup;
    }
    if (v.dns) this.srvRecord = this.buildDnsRecords(v.dns);

    // Outputs: the fixed address and the client command; never a secret (R-KMS-4).
    this.addressOutput = new TerraformOutput(this, "KmsAddress", {
      value: this.activationAddress,
      description: `Fixed private IP of KMS host ${serverName}`,
    });
    this.clientCommandOutput = new TerraformOutput(this, "KmsClientCommand", {
      value: this.clientCommand,
      description: `Run on allowlisted clients to activate against ${serverName} without DNS`,
    });

    // Zones created after this host are checked again at synth.
    const peers = [...props.allowedClients];
    this.node.addValidation({
      validate: () => findLowTrustPeers(this, peers, TrustLevel.INTERNAL).map((x) => lowTrustError("allowedClients", x, TrustLevel.INTERNAL, MAK_ADVICE).message),
    });
  }

  /** The server: created with the hardening tags, or an existing one that gets the role and the tags. */
  private buildServer(v: ValidKmsHostProps, hardeningTags: { [key: string]: string }): SecureWindowsServer {
    const existing = v.server._server;
    if (existing) {
      for (const res of [existing.virtualMachine, existing.networkInterface]) {
        const current = res.tagsInput ?? {};
        const roles = [...parseRoles(current[ZONE_TAG.roles.key]), DeploymentRole.KMS_HOST] as DeploymentRole[];
        res.addOverride("tags", mergeTags("tags", current, hardeningTags, tagsOf(ZONE_TAG.roles.entry(roles))));
      }
      return existing;
    }
    return new SecureWindowsServer(this, "Server", serverProps(v.server._options!, v.zone, [DeploymentRole.KMS_HOST], { ...v.tags, ...hardeningTags }));
  }

  /** Hub firewall (R-KMS-6): an IP group holding the allowlist, and TCP 1688 only from it. */
  private buildFirewallRules(policy: FirewallPolicy, serverName: string, priority: number, tags: { [key: string]: string }) {
    const network = this.server.zone.network;
    const ipGroup = new IpGroup(this, "AllowlistIpGroup", {
      name: `${serverName}-kms-clients`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      cidrs: this.allowedPrefixes,
      tags: mergeTags("tags", network.tags, tags),
    });
    const ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(this, "FirewallRules", {
      name: `${serverName}-kms-activation`,
      firewallPolicyId: policy.id,
      priority,
      networkRuleCollection: [{
        name: "kms-activation",
        priority: 100,
        action: "Allow",
        rule: [{
          name: "kms-tcp-1688-from-allowlist",
          description: "KMS activation only from the allowlist (R-KMS-6)",
          protocols: ["TCP"],
          sourceIpGroups: [ipGroup.id],
          destinationAddresses: [this.activationAddress],
          destinationPorts: [Port.KMS.portRange],
        }],
      }],
    });
    return { ipGroup, ruleCollectionGroup };
  }

  /** The optional private DNS discovery record: `_vlmcs._tcp` SRV and the host's A record. */
  private buildDnsRecords(dns: ValidDnsRecord): PrivateDnsSrvRecord {
    const a = new PrivateDnsARecord(this, "DnsARecord", { name: dns.hostName, zoneName: dns.zoneName, resourceGroupName: dns.resourceGroupName, ttl: dns.ttl, records: [this.activationAddress] });
    const srv = new PrivateDnsSrvRecord(this, "DnsSrvRecord", {
      name: "_vlmcs._tcp",
      zoneName: dns.zoneName,
      resourceGroupName: dns.resourceGroupName,
      ttl: dns.ttl,
      record: [{ priority: 0, weight: 0, port: SERVICE_PORTS.KMS.from, target: `${dns.hostName}.${dns.zoneName}` }],
    });
    srv.node.addDependency(a);
    return srv;
  }
}

interface ValidDnsRecord {
  readonly zoneName: string;
  readonly hostName: string;
  readonly ttl: number;
  readonly resourceGroupName: string;
}

interface ValidKmsHostProps {
  readonly zone: ActivationZone;
  readonly allowedPrefixes: string[];
  /** The outbound side each client needs (same order as `allowedClients`). */
  readonly clientSides: OutboundSide[][];
  readonly firewallPriority: number;
  readonly dnsPublishing: boolean;
  readonly server: KmsServer;
  readonly serverName: string;
  readonly mgmt?: KmsManagementInterface;
  readonly dns?: ValidDnsRecord;
  readonly tags: { [key: string]: string };
}

const LEGACY_SERVER_PROPS = ["serverName", "privateIpAddress", "adminUsername", "adminPassword", "size", "image", "availabilityZone"] as const;

/** Validates every prop before anything is built. */
function validateKmsHostProps(host: KmsHost, props: KmsHostProps): ValidKmsHostProps {
  requireDefined("props", props, "the KMS host's props (zone, allowedClients, kmsServer)");
  if (!(props.zone instanceof ActivationZone)) {
    const allowed = "an ActivationZone (the KMS host lives in its own zone, apart from the domain controllers)";
    throw props.zone === undefined ? missingProp("zone", allowed) : invalidProp("zone", (props.zone as any)?.zoneName ?? String(props.zone), allowed);
  }
  const zone = props.zone;
  const blocks = requireTrustedAllowlist(host, "allowedClients", props.allowedClients, TrustLevel.INTERNAL, MAK_ADVICE);
  const clientSides = resolveOutboundDeniedClients(host, "allowedClients", props.allowedClients, `KMS clients: ${CLIENT_CIDRS_ALLOWED}`);
  const firewallPriority = requireIntInRange("firewallRuleCollectionGroupPriority", props.firewallRuleCollectionGroupPriority ?? 400,
    FIREWALL_RCG_PRIORITY.min, FIREWALL_RCG_PRIORITY.max);
  const dnsPublishing = requireBoolean("dnsPublishing", props.dnsPublishing, false);
  const tags = requireTags("tags", props.tags);
  const server = kmsServerOf(props);
  const serverName = server._server ? validateExistingServer(server._server, zone) : requireAzureName("kmsServer.serverName", server._options?.serverName, "windowsVm");
  const mgmt = props.managementInterface === undefined ? undefined : validateManagementInterface(host, props.managementInterface, zone, props.allowedClients);
  for (const suffix of ["-kms-clients", "-kms-activation", "-mgmt-nic"]) requireDerivedName("serverName", serverName, `${serverName}${suffix}`, "ipGroup");
  // Before the server is built (an existing server already collecting keeps its collection).
  if (!server._server?.monitorAgentExtension) checkSecurityEventLog(zone.network, server._options?.securityEventLog);
  return {
    zone, allowedPrefixes: Array.from(new Set(blocks.map((b) => b.text))), clientSides, firewallPriority, dnsPublishing, server, serverName, mgmt, tags,
    dns: props.privateDnsRecord === undefined ? undefined : validateDnsRecord(props.privateDnsRecord, serverName, zone),
  };
}

/** The server choice: `kmsServer`, or the deprecated props mapped onto it (never both). */
function kmsServerOf(props: KmsHostProps): KmsServer {
  const legacy: (keyof KmsHostProps)[] = LEGACY_SERVER_PROPS.filter((k) => props[k] !== undefined);
  const conflict = (k: keyof KmsHostProps, allowed: string) => (k === "adminPassword"
    ? invalidSecret(k, allowed, ConstructErrorCode.CONFLICTING_VALUE)
    : invalidProp(k, k === "server" ? (props.server as SecureWindowsServer)?.node?.path : props[k], allowed, ConstructErrorCode.CONFLICTING_VALUE));
  if (props.kmsServer !== undefined) {
    if (!(props.kmsServer instanceof KmsServer)) throw invalidProp("kmsServer", String(props.kmsServer), "KmsServer.newServer({...}) or KmsServer.existing(server)");
    const extra = [...legacy, ...(props.server !== undefined ? ["server" as const] : [])];
    if (extra.length > 0) throw conflict(extra[0], "nothing when kmsServer is given (the server's settings go in kmsServer)");
    return props.kmsServer;
  }
  if (props.server !== undefined) {
    if (!(props.server instanceof SecureWindowsServer)) throw invalidProp("server", String(props.server), "a SecureWindowsServer");
    if (legacy.length > 0) throw conflict(legacy[0], "nothing when `server` is given (the existing server's settings apply)");
    return KmsServer.existing(props.server);
  }
  if (legacy.length === 0) throw missingProp("kmsServer", "KmsServer.newServer({ serverName, privateIpAddress, adminUsername, adminPassword }) or KmsServer.existing(server)");
  return KmsServer.newServer({
    serverName: props.serverName as string,
    privateIpAddress: props.privateIpAddress as string,
    adminUsername: props.adminUsername as string,
    adminPassword: props.adminPassword as SensitiveValue,
    size: props.size,
    image: props.image,
    availabilityZone: props.availabilityZone,
  });
}

/** An existing server must sit in the activation zone and must not be a domain controller (R-KMS-1); returns its name. */
function validateExistingServer(existing: SecureWindowsServer, zone: ActivationZone): string {
  if (!(existing instanceof SecureWindowsServer)) throw invalidProp("kmsServer", String(existing), "KmsServer.existing(a SecureWindowsServer)");
  const roles = [existing.virtualMachine.tagsInput, existing.networkInterface.tagsInput].flatMap((t) => parseRoles(t?.[ZONE_TAG.roles.key]));
  if (existing instanceof DomainController || roles.includes(DeploymentRole.DOMAIN_CONTROLLER)) {
    throw invalidProp("server", existing.node.path, "a server that is not a domain controller: the KMS host is a separate server so a KMS compromise does not compromise the domain (R-KMS-1)");
  }
  if (existing.zone !== zone) {
    throw invalidProp("server", existing.node.path, `a server of the activation zone ${zone.zoneName} (it sits in ${existing.zone.zoneName})`);
  }
  return existing.virtualMachine.nameInput ?? existing.node.id;
}

/** The management NIC (R-KMS-6): a MANAGEMENT zone of the same network, a free host address there. */
function validateManagementInterface(host: KmsHost, mgmt: KmsManagementInterface, zone: ActivationZone, clients: IPeer[]): KmsManagementInterface {
  if (!(mgmt.zone instanceof DeploymentZone)) throw invalidProp("managementInterface.zone", (mgmt.zone as any)?.zoneName ?? mgmt.zone, "a DeploymentZone of trust MANAGEMENT");
  if (mgmt.zone.trustLevel !== TrustLevel.MANAGEMENT) {
    throw invalidProp("managementInterface.zone", mgmt.zone.zoneName, `a zone of trust MANAGEMENT (zone ${mgmt.zone.zoneName} is ${mgmt.zone.trustLevel})`);
  }
  if (mgmt.zone.network !== zone.network || mgmt.zone === zone) {
    throw invalidProp("managementInterface.zone", mgmt.zone.zoneName, `another zone of the activation zone's network ${zone.network.node.id} (Azure requires every NIC of a VM in the same virtual network)`);
  }
  const privateIpAddress = requireHostInZone("managementInterface.privateIpAddress", mgmt.privateIpAddress, mgmt.zone);
  requireClientsOnLink(clients, mgmt.zone);
  claimUnique(host, "managementInterface.privateIpAddress", UniqueKind.STATIC_IP, privateIpAddress, zone.network);
  return { zone: mgmt.zone, privateIpAddress };
}

/**
 * Refuses allowlisted clients outside the management subnet. The management NIC is the VM's second
 * one, and "Azure does not assign a default gateway to additional (secondary) network interfaces
 * ... Therefore, you are unable to communicate with resources outside the subnet that a secondary
 * network interface is in, by default" (learn.microsoft.com/azure/virtual-machines/windows/multiple-nics,
 * "Configure guest OS for multiple NICs"): the KMS answers to such a client never leave the host.
 * The guest routes that would fix it do not fit in the KMS host's settings script (the Windows
 * command-line limit), so the combination is refused rather than built broken.
 */
function requireClientsOnLink(clients: IPeer[], mgmtZone: DeploymentZone): void {
  const subnet = parseCidr("managementInterface.zone.addressPrefix", mgmtZone.addressPrefix);
  clients.forEach((peer, i) => {
    const outside = peer.addressPrefixes.find((p) => {
      const block = tryParseCidr(p);
      return !block || !cidrContains(subnet, block);
    });
    if (outside !== undefined) {
      throw invalidProp(`allowedClients[${i}]`, peer.label,
        `with managementInterface, clients inside the management zone ${mgmtZone.zoneName} (${mgmtZone.addressPrefix}) only: ${outside} is outside it, and Azure gives the `
        + "management NIC (a secondary NIC) no default gateway, so activation answers to other subnets would never leave the host. "
        + "Serve these clients on the production NIC (omit managementInterface), or allowlist management hosts only");
    }
  });
}

function validateDnsRecord(dns: KmsPrivateDnsRecordOptions, serverName: string, zone: ActivationZone): ValidDnsRecord {
  return {
    zoneName: requireDnsDomain("privateDnsRecord.zoneName", dns.zoneName),
    hostName: requireDnsLabel("privateDnsRecord.hostName", dns.hostName ?? serverName.toLowerCase()),
    ttl: requireIntInRange("privateDnsRecord.ttl", dns.ttl ?? 300, DNS_TTL.min, DNS_TTL.max),
    resourceGroupName: dns.resourceGroupName === undefined ? zone.network.resourceGroupName : requireResourceGroupName("privateDnsRecord.resourceGroupName", dns.resourceGroupName),
  };
}

/** Azure Firewall policy rule collection group priorities (azurerm validates 100-65000). */
const FIREWALL_RCG_PRIORITY = { min: 100, max: 65000 };
/** Private DNS record TTLs the construct accepts, in seconds (one minute to one day). */
const DNS_TTL = { min: 60, max: 86400 };
