import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, AzurermBackend, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  ActivationZone,
  ContentLocationPurpose,
  DeploymentNetwork,
  DeploymentZone,
  DomainController,
  FilesIdentitySource,
  HubFirewall,
  HubGateway,
  IdentityZone,
  IpsecPolicyPreset,
  KmsHost,
  ManagementZone,
  OutOfBandServicePoint,
  Peer,
  Port,
  PxeDistributionPoint,
  PxeZone,
  ReferenceComputer,
  ReferenceImagingZone,
  SecureDeploymentChecks,
  SensitiveValue,
  SiteToSiteTunnel,
  StateMigrationPoint,
  StateMigrationShare,
  Suppressions,
  TrustLevel,
} from "../../src";

/**
 * Where Terraform keeps the state when a team shares it: a blob in an Azure storage account
 * (Terraform's `azurerm` backend, with blob leases as the lock).
 */
export interface RemoteStateOptions {
  /** The storage account holding the state blob. */
  readonly storageAccountName: string;
  /** Its resource group. */
  readonly resourceGroupName: string;
  /** The blob container. */
  readonly containerName: string;
  /**
   * The blob name.
   * @default "hybrid-osd-site.tfstate"
   */
  readonly key?: string;
}

/** Options of the reference site. */
export interface HybridOsdSiteProps {
  /**
   * Keep the Terraform state in Azure Storage instead of the local `terraform.<stack>.tfstate` file.
   * @default - local state
   */
  readonly remoteState?: RemoteStateOptions;
}

// ---------------------------------------------------------------------------------------------
// Addressing plan. Azure: one VNet, one subnet (zone) per deployment service, each with its own
// NSG that denies everything a construct did not open. On premises: the ranges the tunnel routes.
// ---------------------------------------------------------------------------------------------
const LOCATION = "westeurope";
const VNET_SPACE = ["10.40.0.0/16"];
/** On-premises ConfigMgr site server and other servers. */
const ONPREM_SERVERS = "192.168.1.0/24";
/** On-premises client VLANs: the computers that PXE-boot, migrate state and activate with KMS. */
const ONPREM_CLIENT_VLANS = ["192.168.10.0/24", "192.168.11.0/24"];
/** The client VLANs' routers (IP helpers) that relay DHCP/PXE over the tunnel: a VNet carries no broadcast. */
const DHCP_RELAY_AGENTS = ["192.168.10.1", "192.168.11.1"];
/** The ConfigMgr primary site server that manages the distribution point. */
const CONFIGMGR_SITE_SERVER = "192.168.1.10/32";
/** The self-hosted agent that runs `terraform apply`, on premises, reaching the VNet over the tunnel. */
const DEPLOYMENT_RUNNER = "192.168.1.20/32";
/** The state migration point's fixed address (in the servers zone). */
const SMP_ADDRESS = "10.40.1.10";
/** The domain controllers' fixed addresses, also the VNet's DNS servers. */
const DC_ADDRESSES = ["10.40.2.4", "10.40.2.5"];
const DOMAIN = "corp.example.com";
const IDENTITY_PREFIX = "10.40.2.0/24";
const FIREWALL_SUBNET = "10.40.254.0/26";
/** Your internal root CA's SHA-1 thumbprint, written into the AMT firmware instead of the external CAs'. */
const INTERNAL_ROOT_CA_THUMBPRINT = "3B1EFD3A66EA28B16697394703A72CA340A05BD5";

/**
 * The reference hybrid OS-deployment site: ConfigMgr clients on premises, deployment services in
 * Azure, joined by an IPsec tunnel.
 *
 * | Zone          | Prefix           | Trust      | Holds                                              |
 * |---------------|------------------|------------|----------------------------------------------------|
 * | GatewaySubnet | 10.40.255.0/27   | -          | VPN gateway (tunnel to the on-premises site)       |
 * | AzureFirewall | 10.40.254.0/26   | -          | Azure Firewall + policy (KMS rule)                 |
 * | servers       | 10.40.1.0/24     | INTERNAL   | member servers                                     |
 * | identity      | 10.40.2.0/24     | INTERNAL   | two domain controllers (replicating DC to DC)      |
 * | pxe           | 10.40.3.0/24     | INTERNAL   | PXE distribution point, reached through DHCP relay |
 * | content       | 10.40.4.0/24     | INTERNAL   | USMT state share, deployment content share         |
 * | activation    | 10.40.5.0/24     | INTERNAL   | KMS host (not a DC)                                |
 * | reference     | 10.40.6.0/24     | INTERNAL   | isolated reference (image capture) computer        |
 * | management    | 10.40.9.0/24     | MANAGEMENT | out-of-band (Intel AMT) service point, Key Vault   |
 * | perimeter     | 10.40.100.0/24   | PERIMETER  | DMZ web servers: MAK, no deployment service        |
 * | on premises   | 192.168.1.0/24, 192.168.10-11.0/24 | INTERNAL | site server, client VLANs (AMT-based vPro computers) |
 */
export class HybridOsdSite extends TerraformStack {
  /** The KMS host (its outputs carry the address and the `slmgr` command). */
  public readonly kms: KmsHost;
  /** The domain controllers. */
  public readonly domainControllers: DomainController[];
  /** The USMT state share. */
  public readonly stateShare: StateMigrationShare;
  /** The share for captured images and IDE-redirection images. */
  public readonly contentShare: StateMigrationShare;
  /** The perimeter (DMZ) zone. */
  public readonly perimeter: DeploymentZone;

  constructor(scope: Construct, id: string, props: HybridOsdSiteProps = {}) {
    super(scope, id);

    // State: local by default (fine for one person trying the example). A team shares state in an
    // Azure storage account instead, so two people never apply from different state files; the
    // blob lease locks it during an apply. Entra ID authentication: no storage key to hand around.
    if (props.remoteState) {
      new AzurermBackend(this, {
        storageAccountName: props.remoteState.storageAccountName,
        resourceGroupName: props.remoteState.resourceGroupName,
        containerName: props.remoteState.containerName,
        key: props.remoteState.key ?? "hybrid-osd-site.tfstate",
        useAzureadAuth: true,
      });
    }

    // The shares have shared-key access off, so the provider must use Entra ID for storage calls.
    new AzurermProvider(this, "azurerm", { features: [{}], storageUseAzuread: true });

    // --- Secrets: sensitive variables without defaults. Terraform prompts for them (or reads
    // TF_VAR_<name>), keeps them out of plan output, and nothing secret is committed with the code.
    // Separate credentials per tier, so one compromised server does not hand over the others.
    const secret = (name: string, description: string) =>
      SensitiveValue.fromVariable(new TerraformVariable(this, name, { type: "string", sensitive: true, description }));
    const vpnSharedKey = secret("vpn_shared_key", "IPsec preshared key of the site-to-site tunnel (long and random, e.g. from Key Vault)");
    const dcPassword = secret("dc_admin_password", "Local administrator password of the domain controllers");
    const kmsPassword = secret("kms_admin_password", "Local administrator password of the KMS host");
    const serverPassword = secret("server_admin_password", "Local administrator password of the distribution point, reference computer and out-of-band service point");
    const mebxPassword = secret("amt_mebx_password", "Custom Intel AMT MEBx password (replaces the default 'admin')");

    // Identifiers of the AD DS domain the storage accounts are joined to (not secrets, but only
    // known once the domain exists and AzFilesHybrid created each account's computer object).
    const adVariable = (name: string, description: string) =>
      new TerraformVariable(this, name, { type: "string", description }).stringValue;
    const domainGuid = adVariable("ad_domain_guid", `GUID of the AD DS domain ${DOMAIN}`);
    const domainSid = adVariable("ad_domain_sid", `SID of the AD DS domain ${DOMAIN}`);
    const stateShareSid = adVariable("state_share_storage_sid", "SID of the USMT state storage account's computer object in AD DS");
    const contentShareSid = adVariable("content_share_storage_sid", "SID of the deployment content storage account's computer object in AD DS");

    const network = new DeploymentNetwork(this, "Network", {
      name: "osd-site-vnet",
      location: LOCATION,
      addressSpace: VNET_SPACE,
      dnsServers: DC_ADDRESSES, // members find the domain through the DCs' fixed addresses
      tags: { workload: "os-deployment" },
    });

    // --- Hub: VPN gateway, tunnel to the on-premises site, Azure Firewall -----------------------
    const gateway = new HubGateway(this, "Gateway", { network, gatewaySubnetPrefix: "10.40.255.0/27" });
    const tunnel = new SiteToSiteTunnel(this, "OnPremTunnel", {
      gateway,
      tunnelName: "onprem-hq",
      peerGatewayAddress: "203.0.113.10", // the on-premises VPN device's public address
      onPremisesAddressSpace: [ONPREM_SERVERS, ...ONPREM_CLIENT_VLANS],
      // Declaring the ranges' trust lets the checks treat them like a zone: were they a DMZ,
      // every rule letting them reach KMS, PXE or a DC would be flagged.
      onPremisesTrustLevel: TrustLevel.INTERNAL,
      onPremisesZoneName: "onprem-hq",
      sharedKey: vpnSharedKey,
      policy: IpsecPolicyPreset.GCM_AES256_SHA384_ECP384, // IKEv2, AES-GCM, ECP384, PFS
    });
    Suppressions.add(tunnel, [{
      id: "SDZ-VPN-007",
      reason: "Azure site-to-site connections (azurerm 4.55) offer no certificate authentication; the key comes from a sensitive variable (never in code, plan output or reports) and must be long, random and rotated.",
    }]);
    const firewall = new HubFirewall(this, "Firewall", { network, firewallSubnetPrefix: FIREWALL_SUBNET });

    const onPremClients = Peer.ipv4List(ONPREM_CLIENT_VLANS);
    const onPremAll = Peer.ipv4List([ONPREM_SERVERS, ...ONPREM_CLIENT_VLANS]);

    // --- Zones of ordinary workloads ------------------------------------------------------------
    const management = new ManagementZone(this, "Management", { network, addressPrefix: "10.40.9.0/24" });
    const servers = new DeploymentZone(this, "Servers", {
      network, zoneName: "servers", addressPrefix: "10.40.1.0/24", trustLevel: TrustLevel.INTERNAL,
    });
    servers.allowInbound(Peer.zone(management), Port.tcp(3389), "RDP from the management zone only");

    // The perimeter: DMZ web servers published through the hub firewall (DNAT traffic arrives from
    // the firewall subnet). Nothing here may reach a deployment service: every service zone below
    // opens its ports to named internal peers only, and this zone is never one of them.
    this.perimeter = new DeploymentZone(this, "Perimeter", {
      network, zoneName: "perimeter", addressPrefix: "10.40.100.0/24", trustLevel: TrustLevel.PERIMETER,
    });
    this.perimeter.allowInbound(Peer.ipv4(FIREWALL_SUBNET), Port.tcp(443), "HTTPS published by the hub firewall (DNAT)");
    this.perimeter.allowInbound(Peer.zone(management), Port.tcp(3389), "RDP from the management zone only");
    // Defense in depth: the DMZ never opens connections into the internal network either. (DMZ VMs
    // therefore need NIC-level DNS servers, e.g. Azure DNS 168.63.129.16: the VNet's are the DCs.)
    this.perimeter.denyOutbound(Peer.ipv4List([...VNET_SPACE, ONPREM_SERVERS, ...ONPREM_CLIENT_VLANS]), Port.allTcp(),
      "Perimeter servers never open TCP connections to internal networks");
    this.perimeter.denyOutbound(Peer.ipv4List([...VNET_SPACE, ONPREM_SERVERS, ...ONPREM_CLIENT_VLANS]), Port.allUdp(),
      "Perimeter servers never send UDP to internal networks");

    // The PXE zone: the Azure half of PXE. Azure carries no broadcast, so the clients stay on
    // their on-premises VLANs and only relayed DHCP/PXE from those VLANs gets in (R-PXE-3).
    const pxe = new PxeZone(this, "Pxe", {
      network,
      zoneName: "pxe",
      addressPrefix: "10.40.3.0/24",
      clientSegments: ONPREM_CLIENT_VLANS,
      relayAgents: DHCP_RELAY_AGENTS,
    });

    // --- Identity: two DCs; domain services open to named members only, to each DC's own address
    const identity = new IdentityZone(this, "Identity", {
      network,
      zoneName: "identity",
      addressPrefix: IDENTITY_PREFIX,
      domainClients: [
        onPremAll, // on-premises clients and servers
        Peer.zone(servers),
        Peer.zone(management), // the out-of-band service point and admin hosts are members
        Peer.zone(pxe), // the distribution point is a member
      ],
      // Replication between the DCs (RPC, SMB for SYSVOL/DFSR, LDAP, Kerberos, DNS) is opened by
      // the zone itself, DC address to DC address, as each DomainController is added.
    });
    // DC location and path MTU discovery need ICMP from the on-premises members too (R-SEC-4).
    identity.allowInbound(onPremAll, Port.icmp(), "ICMP from on-premises domain members (DC locator, path MTU)");
    this.domainControllers = DC_ADDRESSES.map((ip, i) => new DomainController(this, `Dc${i + 1}`, {
      zone: identity,
      serverName: `dc0${i + 1}`,
      privateIpAddress: ip,
      adminUsername: "opsadmin",
      adminPassword: dcPassword,
      availabilityZone: `${i + 1}`, // one DC per availability zone
    }));

    // --- Activation: KMS on its own server and zone, never on a DC (R-KMS-1) -------------------
    const activation = new ActivationZone(this, "Activation", {
      network, zoneName: "activation", addressPrefix: "10.40.5.0/24",
    });
    // Azure VMs activate against Azure's own KMS; this host serves the on-premises clients and
    // the internal zones. Allowlist: internal and management zones only (R-KMS-2); a perimeter
    // zone would be refused here. The same allowlist becomes an IP group and a rule in the hub
    // firewall policy (R-KMS-6).
    const kmsClients = [onPremClients, Peer.zone(servers), Peer.zone(management)];
    this.kms = new KmsHost(this, "Kms", {
      zone: activation,
      serverName: "kms01",
      privateIpAddress: "10.40.5.4", // fixed: clients run `slmgr /skms 10.40.5.4:1688`, no DNS needed (R-KMS-4)
      adminUsername: "opsadmin",
      adminPassword: kmsPassword,
      allowedClients: kmsClients,
      firewallPolicy: firewall.policy,
    });
    // The KMS host resolves names through the VNet's DNS servers, the DCs (the Azure Monitor agent's
    // endpoints, Windows Update, the online activation of the KMS host key): the identity zone's
    // deny-all would drop its queries. DNS only, from the KMS host's address to the DCs' only.
    const dcHosts = Peer.ipv4List(DC_ADDRESSES.map((ip) => `${ip}/32`));
    for (const [port, what] of [[Port.DNS_UDP, "DNS UDP 53"], [Port.DNS_TCP, "DNS TCP 53"]] as const) {
      identity.connectFrom(activation, port, `${what} from the KMS host to the DCs (the VNet's DNS servers)`,
        { sourceHosts: Peer.ipv4(`${this.kms.server.privateIpAddress}/32`), destinationHosts: dcHosts });
    }
    // R-KMS-8: the firewall holding that allowlist is on the path. Route tables send the clients'
    // traffic to the activation zone (from the client zones' subnets, and from GatewaySubnet for the
    // on-premises VLANs) and the answers back through the firewall's private IP. The NSG still
    // sees the clients' own addresses (no SNAT to private ranges), so both filters apply.
    firewall.routeThrough({ zone: activation, clients: kmsClients, gateway });
    // The DMZ activates with MAK (seed 003): recorded on its NSG and shown in the report.
    activation.declareMakActivation(this.perimeter, "DMZ web servers activate with MAK: KMS is never reachable from the perimeter");

    // --- PXE: clients boot on premises; their routers relay DHCP/PXE to the DP (zone above) -----
    new PxeDistributionPoint(this, "PxeDp", {
      zone: pxe,
      serverName: "pxedp01",
      privateIpAddress: "10.40.3.4", // the relay agents' IP helper target
      adminUsername: "opsadmin",
      adminPassword: serverPassword,
      siteCode: "P01",
      domainName: DOMAIN,
      imagesFreeOfSensitiveContent: true, // LOB apps come later, from the task sequence (R-PXE-8)
      siteServers: [Peer.ipv4(CONFIGMGR_SITE_SERVER)],
    });
    // Unknown computers off, multicast off, PXE password required, Enhanced HTTP: the defaults.
    // The ConfigMgr side is in pxedp01-configmgr-pxe.ps1 next to cdk.tf.json.

    // --- Content: USMT state and deployment content on private, encrypted Azure Files ----------
    const content = new DeploymentZone(this, "Content", {
      network, zoneName: "content", addressPrefix: "10.40.4.0/24", trustLevel: TrustLevel.INTERNAL,
    });
    const adJoin = (storageSid: string) => ({
      source: FilesIdentitySource.ACTIVE_DIRECTORY, // Kerberos from the domain; no shared keys, no NTLM
      activeDirectory: {
        domainName: DOMAIN,
        domainGuid,
        domainSid,
        forestName: DOMAIN,
        netbiosDomainName: "CORP",
        storageSid,
      },
    });
    // USMT state of the clients being reimaged: the clients save and restore it themselves.
    this.stateShare = new StateMigrationShare(this, "StateShare", {
      zone: content,
      storageAccountName: "osdsiteusmt01",
      quotaGib: 2048, // a hard cap on the state store (R-MIG-2)
      identity: adJoin(stateShareSid),
      privateIpAddress: "10.40.4.4",
      clients: [onPremClients],
    });
    // The ConfigMgr state migration point (the documents' state store): a member server in the
    // servers zone, its storage folder on a capped data disk, SMB signed and encrypted, restored
    // state kept 7 days, VM backup. The task sequences' Request/Release State Store steps use it.
    // Enhanced HTTP site: HTTPS and SMB only. The site server installs and manages the role (SMB,
    // RPC/WMI): those flows come from its address only, to this server only.
    new StateMigrationPoint(this, "StateMigrationPoint", {
      zone: servers,
      serverName: "smp01",
      privateIpAddress: SMP_ADDRESS,
      adminUsername: "opsadmin",
      adminPassword: serverPassword,
      siteCode: "P01",
      siteSystemServerName: `smp01.${DOMAIN}`,
      storageQuotaGib: 1024,
      clients: [onPremClients],
      httpsOnly: true,
    });
    const smpHost = Peer.ipv4(`${SMP_ADDRESS}/32`);
    for (const [port, what] of [[Port.SMB, "SMB"], [Port.RPC_ENDPOINT_MAPPER, "RPC endpoint mapper"], [Port.RPC_DYNAMIC, "RPC dynamic (WMI)"]] as const) {
      servers.allowInbound(Peer.ipv4(CONFIGMGR_SITE_SERVER), port, `${what} from the ConfigMgr site server: site system installation and management of smp01`, { local: smpHost });
    }

    // Captured reference images and IDE-redirection images: a separate share, so images and user
    // state never share permissions. Any IDeploymentContentLocation would do here.
    this.contentShare = new StateMigrationShare(this, "ContentShare", {
      zone: content,
      storageAccountName: "osdsitecontent01",
      purpose: ContentLocationPurpose.DEPLOYMENT_CONTENT,
      quotaGib: 1024,
      identity: adJoin(contentShareSid),
      privateIpAddress: "10.40.4.5",
      clients: [Peer.zone(management)], // the out-of-band service point reads IDE images
    });

    // --- Reference imaging: isolated capture computer, in from management only, out to the share
    const reference = new ReferenceImagingZone(this, "Reference", {
      network,
      zoneName: "reference",
      addressPrefix: "10.40.6.0/24",
      managementZone: management,
      captureLocation: this.contentShare,
    });
    content.allowInbound(Peer.zone(reference), Port.tcp(445), "Image capture from the reference computer (SMB 3.1.1, encrypted)",
      { local: Peer.ipv4(this.contentShare.privateEndpointPrefix) });
    // The capture share accepts Kerberos only (AD DS join, no NTLM, no keys): the reference
    // computer locates a DC (DNS SRV records; CLDAP ping, UDP 389) and gets a ticket for the share
    // (Kerberos 88) with the capture account's domain credentials. DNS also resolves the share's
    // name: the VNet's DNS servers are the DCs. Only these ports, only to the DCs' addresses.
    for (const [port, what] of [
      [Port.KERBEROS_TCP, "Kerberos TCP 88"], [Port.KERBEROS_UDP, "Kerberos UDP 88"],
      [Port.DNS_UDP, "DNS UDP 53"], [Port.DNS_TCP, "DNS TCP 53"], [Port.LDAP_UDP, "DC locator (CLDAP) UDP 389"],
    ] as const) {
      identity.connectFrom(reference, port, `${what} from the reference computer to the DCs (Kerberos-only capture share)`, { destinationHosts: dcHosts });
    }
    new ReferenceComputer(this, "ReferenceComputer", {
      zone: reference,
      serverName: "ref01",
      privateIpAddress: "10.40.6.4",
      adminUsername: "opsadmin",
      adminPassword: serverPassword,
    });

    // --- Out-of-band management (Intel AMT) from the management zone only ----------------------
    const oob = new OutOfBandServicePoint(this, "OobServicePoint", {
      zone: management,
      serverName: "oobsp01",
      privateIpAddress: "10.40.9.4",
      adminUsername: "opsadmin",
      adminPassword: serverPassword,
      amtSettings: {
        mebxPassword,
        internalCaThumbprint: INTERNAL_ROOT_CA_THUMBPRINT,
        provisioningServer: "10.40.9.4", // an address, not the default ProvisionServer name: no DNS record needed (R-OOB-7)
        provisioningPort: 24601, // a custom port, not the default 9971
      },
      // The AMT-based computers are the on-premises clients: Intel AMT lives in the firmware of
      // physical vPro computers; Azure VMs have none. Azure enforces the service point's side (AMT
      // flows leave only from it); the on-premises router in front of the VLANs must admit AMT only
      // from 10.40.9.4. In-band provisioning (the default) keeps the provisioning port closed.
      amtClients: [onPremClients],
      keyVaultName: "osdsite-oob-kv",
      // Fixed endpoint address: the construct opens HTTPS to 10.40.9.5/32 only, from the service
      // point (10.40.9.4) and from the runner of terraform apply, which writes the MEBx password and
      // the certificate through it (the vault has no public access).
      keyVaultPrivateIpAddress: "10.40.9.5",
      deploymentRunners: [Peer.ipv4(DEPLOYMENT_RUNNER)],
      provisioningCertificate: {
        name: "amt-provisioning",
        subject: `CN=oobsp01.${DOMAIN}`,
        dnsNames: [`oobsp01.${DOMAIN}`],
        // Issuer Unknown (the default): Key Vault makes the key and a CSR; your internal CA (the one
        // whose thumbprint is above) signs it with the dedicated AMT provisioning template and you
        // merge it back (steps in README.md). Key Vault cannot renew it: it e-mails these contacts.
        renewalContacts: ["pki-team@corp.example.com"],
        // The service point needs the key in its computer store: the Key Vault VM extension
        // installs it there (non-exportable on the server), so the vault key must be exportable.
        keyExportable: true,
      },
      ideRedirectionImageLocation: this.contentShare,
    });
    Suppressions.add(oob.provisioningCertificate, [{
      id: "SDZ-OOB-011",
      reason: "The service point installs the certificate from its vault (Key Vault VM extension, non-exportable in the server's store). Seed 002 allows that export with additional controls: the vault is private (endpoint reachable from the service point only), purge-protected, and only the service point's identity may read secrets (SDZ-OOB-005, SDZ-OOB-012).",
    }]);
  }
}

/**
 * Remote state from the environment: set SDZ_STATE_STORAGE_ACCOUNT, SDZ_STATE_RESOURCE_GROUP
 * and SDZ_STATE_CONTAINER (and optionally SDZ_STATE_KEY) to use the `azurerm` backend; leave them
 * unset for local state. All three or none: a half-configured backend fails loudly.
 */
export function remoteStateFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteStateOptions | undefined {
  const names = ["SDZ_STATE_STORAGE_ACCOUNT", "SDZ_STATE_RESOURCE_GROUP", "SDZ_STATE_CONTAINER"];
  const set = names.filter((n) => (env[n] ?? "").trim() !== "");
  if (set.length === 0) return undefined;
  if (set.length !== names.length) {
    throw new Error(`Remote state needs ${names.join(", ")} together; missing: ${names.filter((n) => !set.includes(n)).join(", ")}`);
  }
  return {
    storageAccountName: env.SDZ_STATE_STORAGE_ACCOUNT!.trim(),
    resourceGroupName: env.SDZ_STATE_RESOURCE_GROUP!.trim(),
    containerName: env.SDZ_STATE_CONTAINER!.trim(),
    key: env.SDZ_STATE_KEY?.trim() || undefined,
  };
}

if (require.main === module) {
  const app = new App();
  new HybridOsdSite(app, "hybrid-osd-site", { remoteState: remoteStateFromEnv() });
  // Runs every rule at synth: an error finding fails `cdktf synth`; reports land next to cdk.tf.json.
  SecureDeploymentChecks.applyToApp(app);
  app.synth();
}
