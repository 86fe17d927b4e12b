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
import { SecureWindowsServer, WindowsServerImage } from "../compute/secure-windows-server";
import { KMS_TAG } from "../contract/kms-tags";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, parseRoles, ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { DomainController } from "../identity/identity-zone";
import { cidrContains, ipv4Size, parseCidr } from "../network/cidr";
import { invalidProp, requireIntInRange } from "../network/errors";
import { IPeer, Peer } from "../network/peer";
import { Port } from "../network/port";
import { SERVICE_PORTS } from "../network/service-ports";
import { TrustLevel } from "../network/trust-level";
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

/** Properties of a {@link KmsHost}. */
export interface KmsHostProps {
  /** The activation zone; never the domain controllers' zone. */
  readonly zone: ActivationZone;
  /**
   * Who may activate: specific hosts, CIDRs or zones (R-KMS-2). Peers in, or overlapping, a zone
   * trusted less than INTERNAL are refused: such zones use MAK (R-KMS-3).
   */
  readonly allowedClients: IPeer[];
  /**
   * VM name (1-15 characters). Required unless `server` is given.
   * @default - none
   */
  readonly serverName?: string;
  /**
   * Static private IP in the activation zone; clients use it directly (R-KMS-4). Required unless `server` is given.
   * @default - none
   */
  readonly privateIpAddress?: string;
  /**
   * Administrator user name. Required unless `server` is given.
   * @default - none
   */
  readonly adminUsername?: string;
  /**
   * Administrator password, only as a sensitive value. Required unless `server` is given.
   * @default - none
   */
  readonly adminPassword?: SensitiveValue;
  /**
   * VM size (with `managementInterface`, one that supports two NICs).
   * @default "Standard_D2s_v5"
   */
  readonly size?: string;
  /**
   * Image.
   * @default - Windows Server 2022 Datacenter Azure Edition, latest
   */
  readonly image?: WindowsServerImage;
  /**
   * Extra tags.
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
  /**
   * Availability zone.
   * @default - none
   */
  readonly availabilityZone?: string;
  /**
   * Use an existing hardened server of the activation zone instead of creating one. A domain
   * controller (or any server carrying the `domain-controller` role) is refused (R-KMS-1).
   * @default - a new server is created
   */
  readonly server?: SecureWindowsServer;
  /**
   * Serve activation on a second NIC in the management zone instead of the production network
   * (seed 003: "use the management interface of the server instead of production networks").
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
 * A PowerShell extension removes anonymous access (RestrictAnonymous, RestrictAnonymousSAM,
 * RestrictNullSessAccess), removes SMB 1 and turns DNS publishing off (R-KMS-5); the settings are
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
  /** The VM extension that runs the hardening script. */
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
    if (!(props?.zone instanceof ActivationZone)) {
      throw invalidProp("zone", (props?.zone as any)?.zoneName ?? props?.zone, "an ActivationZone (the KMS host lives in its own zone, apart from the domain controllers)");
    }
    const zone = props.zone;
    const blocks = requireTrustedAllowlist(this, "allowedClients", props.allowedClients, TrustLevel.INTERNAL, MAK_ADVICE);
    this.allowedPrefixes = Array.from(new Set(blocks.map((b) => b.text)));
    const gwPriority = requireIntInRange("firewallRuleCollectionGroupPriority", props.firewallRuleCollectionGroupPriority ?? 400, 100, 65000);
    const dnsPublishing = props.dnsPublishing ?? false;
    if (typeof dnsPublishing !== "boolean") throw invalidProp("dnsPublishing", dnsPublishing, "true or false");

    // The server: created, or an existing one that is not a domain controller (R-KMS-1).
    const existing = props.server;
    if (existing !== undefined) {
      if (!(existing instanceof SecureWindowsServer)) throw invalidProp("server", String(existing), "a SecureWindowsServer");
      const roles = [existing.virtualMachine.tagsInput, existing.networkInterface.tagsInput].flatMap((t) => parseRoles(t?.[ZONE_TAG.roles.key]));
      if (existing instanceof DomainController || roles.includes(DeploymentRole.DOMAIN_CONTROLLER)) {
        throw invalidProp("server", existing.node.path, "a server that is not a domain controller: the KMS host is a separate server so a KMS compromise does not compromise the domain (R-KMS-1)");
      }
      if (existing.zone !== zone) {
        throw invalidProp("server", existing.node.path, `a server of the activation zone ${zone.zoneName} (it sits in ${existing.zone.zoneName})`);
      }
      const extra = (["serverName", "privateIpAddress", "adminUsername", "adminPassword", "size", "image", "availabilityZone"] as const).filter((k) => props[k] !== undefined);
      if (extra.length > 0) {
        throw invalidProp(extra[0], extra[0] === "adminPassword" ? "<hidden>" : props[extra[0]], "nothing when `server` is given (the existing server's settings apply)");
      }
    }

    // Management interface (R-KMS-6).
    const mgmt = props.managementInterface;
    if (mgmt !== undefined) {
      if (!(mgmt.zone instanceof DeploymentZone)) throw invalidProp("managementInterface.zone", (mgmt.zone as any)?.zoneName ?? mgmt.zone, "a DeploymentZone of trust MANAGEMENT");
      if (mgmt.zone.trustLevel !== TrustLevel.MANAGEMENT) {
        throw invalidProp("managementInterface.zone", mgmt.zone.zoneName, `a zone of trust MANAGEMENT (zone ${mgmt.zone.zoneName} is ${mgmt.zone.trustLevel})`);
      }
      if (mgmt.zone.network !== zone.network || mgmt.zone === zone) {
        throw invalidProp("managementInterface.zone", mgmt.zone.zoneName, `another zone of the activation zone's network ${zone.network.node.id} (Azure requires every NIC of a VM in the same virtual network)`);
      }
      requireHostAddress("managementInterface.privateIpAddress", mgmt.privateIpAddress, mgmt.zone);
    }

    const hardeningTags = tagsOf(
      KMS_TAG.restrictAnonymous.entry(true),
      KMS_TAG.restrictAnonymousSam.entry(true),
      KMS_TAG.restrictNullSessionAccess.entry(true),
      MIGRATION_TAG.smb1Removed.entry(true),
      KMS_TAG.firewallScope.entry("allowlist"),
      KMS_TAG.dnsPublishing.entry(dnsPublishing ? "enabled" : "disabled"),
      KMS_TAG.kmsInterface.entry(mgmt ? "management" : "production"),
    );

    if (existing) {
      this.server = existing;
      for (const res of [existing.virtualMachine, existing.networkInterface]) {
        const current = res.tagsInput ?? {};
        const roles = [...parseRoles(current[ZONE_TAG.roles.key]), DeploymentRole.KMS_HOST] as DeploymentRole[];
        res.addOverride("tags", { ...current, ...hardeningTags, ...tagsOf(ZONE_TAG.roles.entry(roles)) });
      }
    } else {
      this.server = new SecureWindowsServer(this, "Server", {
        zone,
        serverName: props.serverName as string,
        privateIpAddress: props.privateIpAddress as string,
        adminUsername: props.adminUsername as string,
        adminPassword: props.adminPassword as SensitiveValue,
        size: props.size,
        image: props.image,
        availabilityZone: props.availabilityZone,
        roles: [DeploymentRole.KMS_HOST],
        tags: { ...(props.tags ?? {}), ...hardeningTags },
      });
    }
    const serverName = this.server.virtualMachine.nameInput ?? this.node.id;
    const network = zone.network;

    if (mgmt) {
      this.managementNetworkInterface = new NetworkInterface(this, "ManagementNic", {
        name: `${serverName}-mgmt-nic`,
        location: network.location,
        resourceGroupName: network.resourceGroupName,
        ipForwardingEnabled: false,
        ipConfiguration: [{
          name: "management",
          subnetId: mgmt.zone.subnetId,
          privateIpAddressAllocation: "Static",
          privateIpAddress: mgmt.privateIpAddress,
        }],
        tags: { ...network.tags, ...(props.tags ?? {}), ...hardeningTags, ...tagsOf(ZONE_TAG.roles.entry([DeploymentRole.KMS_HOST])) },
      });
      this.server.virtualMachine.networkInterfaceIds = [this.server.networkInterface.id, this.managementNetworkInterface.id];
    }

    const servingZone = mgmt ? mgmt.zone : zone;
    this.activationAddress = mgmt ? mgmt.privateIpAddress : this.server.privateIpAddress;
    this.clientCommand = `slmgr /skms ${this.activationAddress}:${SERVICE_PORTS.KMS.from}`;

    // NSG: TCP 1688 only from the allowlist, only to the KMS address (R-KMS-2).
    const local = Peer.ipv4(`${this.activationAddress}/32`);
    this.nsgRules = props.allowedClients.map((peer) =>
      servingZone.allowInbound(peer, Port.KMS, `KMS activation from ${peer.label} to ${serverName}`, { local }));

    // Host hardening (R-KMS-5) and Windows Firewall scoped to the allowlist.
    this.hardeningScript = kmsHardeningScript({ allowedPrefixes: this.allowedPrefixes, localAddress: this.activationAddress, dnsPublishing });
    this.hardeningExtension = this.server.addPowerShellExtension("kms-hardening", this.hardeningScript);

    // Hub firewall (R-KMS-6).
    if (props.firewallPolicy) {
      this.ipGroup = new IpGroup(this, "AllowlistIpGroup", {
        name: `${serverName}-kms-clients`,
        location: network.location,
        resourceGroupName: network.resourceGroupName,
        cidrs: this.allowedPrefixes,
        tags: { ...network.tags, ...(props.tags ?? {}) },
      });
      this.firewallRuleCollectionGroup = new FirewallPolicyRuleCollectionGroup(this, "FirewallRules", {
        name: `${serverName}-kms-activation`,
        firewallPolicyId: props.firewallPolicy.id,
        priority: gwPriority,
        networkRuleCollection: [{
          name: "kms-activation",
          priority: 100,
          action: "Allow",
          rule: [{
            name: "kms-tcp-1688-from-allowlist",
            description: "KMS activation only from the allowlist (R-KMS-6)",
            protocols: ["TCP"],
            sourceIpGroups: [this.ipGroup.id],
            destinationAddresses: [this.activationAddress],
            destinationPorts: [Port.KMS.portRange],
          }],
        }],
      });
    }

    // Optional private DNS discovery record.
    const dns = props.privateDnsRecord;
    if (dns) {
      if (!/^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/.test(dns.zoneName ?? "")) {
        throw invalidProp("privateDnsRecord.zoneName", dns.zoneName, "a DNS zone name such as corp.contoso.com");
      }
      const hostName = dns.hostName ?? serverName.toLowerCase();
      if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(hostName)) {
        throw invalidProp("privateDnsRecord.hostName", dns.hostName, "a DNS label: 1-63 letters, digits and '-'");
      }
      const ttl = requireIntInRange("privateDnsRecord.ttl", dns.ttl ?? 300, 60, 86400);
      const rg = dns.resourceGroupName ?? network.resourceGroupName;
      const a = new PrivateDnsARecord(this, "DnsARecord", { name: hostName, zoneName: dns.zoneName, resourceGroupName: rg, ttl, records: [this.activationAddress] });
      this.srvRecord = new PrivateDnsSrvRecord(this, "DnsSrvRecord", {
        name: "_vlmcs._tcp",
        zoneName: dns.zoneName,
        resourceGroupName: rg,
        ttl,
        record: [{ priority: 0, weight: 0, port: SERVICE_PORTS.KMS.from, target: `${hostName}.${dns.zoneName}` }],
      });
      this.srvRecord.node.addDependency(a);
    }

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
      validate: () => findLowTrustPeers(this, peers, TrustLevel.INTERNAL).map((v) => lowTrustError("allowedClients", v, TrustLevel.INTERNAL, MAK_ADVICE).message),
    });
  }
}

function requireHostAddress(prop: string, address: string, zone: DeploymentZone): void {
  const zoneBlock = parseCidr("zone.addressPrefix", zone.addressPrefix);
  const ip = parseCidr(prop, address);
  const offset = ip.start - zoneBlock.start;
  if (address.includes("/") || !cidrContains(zoneBlock, ip) || offset < 4 || offset >= ipv4Size(zoneBlock) - 1) {
    throw invalidProp(prop, address, `a host address inside zone ${zone.zoneName} (${zone.addressPrefix}), excluding the first four and the last address that Azure reserves`);
  }
}
